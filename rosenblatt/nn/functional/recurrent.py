"""Fused recurrent layers: one ``Function`` per layer and direction, backpropagation through time inside.

Each Function runs a whole sequence.  Forward does the input projection of all
time steps in one GEMM, then one GEMM per step for all gates (``h @ W_hh^T``)
and writes gate activations into preallocated buffers.  Backward walks the
steps in reverse with one GEMM per step for ``dh`` and, after the loop, gets
the weight gradients from one GEMM over the stacked per-step gate gradients.

Layout.  ``x`` is time-major ``(T, B, I)``.  The Function returns one array
``R`` of shape ``(T + k, B, H)``: rows ``0..T-1`` are the outputs by time
index, row ``T`` is ``h_n`` and (LSTM) row ``T + 1`` is ``c_n``; the caller
slices them apart.  ``reverse=True`` runs from ``t = T-1`` down to ``0``.

Sigmoid is computed as ``0.5 * tanh(0.5 z) + 0.5``: the sigmoid gates' rows of
the weights and biases are pre-scaled by 0.5, so one ``tanh`` pass covers all
gates of a step and an affine pass turns the sigmoid columns into sigmoids.

``mask`` (``(T, B, 1)`` of 0/1, for packed sequences) freezes the state of a
sequence outside its valid steps and zeroes its output there, so the final
state is the one of each sequence's last valid step, as PyTorch's packed RNNs.
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...autograd.function import Function


def _gate_scale(n_gates: int, sigmoid_gates: tuple[int, ...], dtype: Any) -> Any:
    """Per-column scale ``(n_gates,)``: 0.5 on sigmoid gates, 1 on tanh gates."""
    s = xp.ones(n_gates, dtype=dtype)
    s[list(sigmoid_gates)] = 0.5
    return s


def _scaled(w: Any, scale: Any) -> Any:
    """``w^T`` with each gate's columns multiplied by its scale: ``(in, G*H)``, contiguous."""
    gh = w.shape[0]
    h = gh // len(scale)
    return xp.ascontiguousarray(w.T * xp.repeat(scale, h)[None, :])


def _input_projection(x: Any, wT: Any, bias: Any) -> Any:
    """All time steps' input GEMM at once: ``(T, B, G*H)``."""
    t, b, i = x.shape
    xw = x.reshape(t * b, i) @ wT
    if bias is not None:
        xw += bias
    return xw.reshape(t, b, -1)


def _weight_grads(dG: Any, x: Any, R: Any, h0: Any, reverse: bool, need: tuple) -> tuple:
    """``dx``, ``dW_ih``, ``dW_hh`` from the stacked per-step gate gradients ``dG`` ``(T, B, G*H)``.

    ``R`` holds the carried states by time index; step ``t``'s previous state is
    ``R[t-1]`` (``R[t+1]`` reversed) or ``h0`` at the sequence's start.
    """
    t, b, gh = dG.shape
    flat = dG.reshape(t * b, gh)
    dx = dWih = dWhh = None
    if need[0] is not None:
        dx = (flat @ need[0]).reshape(x.shape)
    if need[1]:
        dWih = flat.T @ x.reshape(t * b, -1)
    if need[2]:
        h = R.shape[-1]
        first, rest = (t - 1, slice(0, t - 1)) if reverse else (0, slice(1, t))
        prev = R[1:t] if reverse else R[0:t - 1]
        dWhh = dG[rest].reshape(-1, gh).T @ prev.reshape(-1, h) + dG[first].T @ h0
    return dx, dWih, dWhh


class _Recurrent(Function):
    """Shared plumbing: inputs are ``x, h0, [c0], w_ih, w_hh, [b_ih, b_hh]``."""

    def _steps(self, T: int) -> range:
        return range(T - 1, -1, -1) if self.reverse else range(T)

    def _prev(self, S: Any, t: int, s0: Any) -> Any:
        """The state before time step ``t``: the neighbour in ``S`` or the initial state."""
        if self.reverse:  # S may have extra rows past T (h_n, c_n): compare with T
            return S[t + 1] if t + 1 < self.T else s0
        return S[t - 1] if t > 0 else s0

    def _pack_grads(self, dx, dstate, dWih, dWhh, db_ih, db_hh) -> tuple:
        grads = (dx, *dstate, dWih, dWhh)
        return grads + (db_ih, db_hh) if self.has_bias else grads


class LSTMSequence(_Recurrent):
    """A single-layer, single-direction LSTM over a whole sequence (gates i, f, g, o as PyTorch).

    ``i, f, o = sigmoid(.)``, ``g = tanh(.)`` of ``x W_ih^T + b_ih + h W_hh^T + b_hh``;
    ``c' = f * c + i * g``, ``h' = o * tanh(c')``.
    """

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False, mask=None):
        T, B, _ = x.shape
        H = w_hh.shape[1]
        dt = x.dtype
        self.reverse, self.has_bias, self.mask, self.T = reverse, b_ih is not None, mask, T
        scale = _gate_scale(4, (0, 1, 3), dt)
        bias = None if b_ih is None else (b_ih + b_hh) * xp.repeat(scale, H)
        whhT = _scaled(w_hh, scale)
        A = _input_projection(x, _scaled(w_ih, scale), bias)  # (T, B, 4H), becomes the activations
        # sigmoid = 0.5 * tanh + 0.5 on i, f, o; identity on g
        mul = xp.repeat(scale, H)
        add = xp.repeat(xp.asarray([0.5, 0.5, 0.0, 0.5], dtype=dt), H)
        R = xp.empty((T + 2, B, H), dtype=dt)
        Hc = R if mask is None else xp.empty((T, B, H), dtype=dt)  # carried h by time index
        C = xp.empty((T, B, H), dtype=dt)
        TC = xp.empty((T, B, H), dtype=dt)  # tanh(c_t)
        tmp = xp.empty((B, 4 * H), dtype=dt)
        ig = xp.empty((B, H), dtype=dt)
        new_h = xp.empty((B, H), dtype=dt) if mask is not None else None
        new_c = xp.empty((B, H), dtype=dt) if mask is not None else None
        h_prev, c_prev = h0, c0
        for t in self._steps(T):
            a = A[t]
            xp.matmul(h_prev, whhT, out=tmp)
            a += tmp
            xp.tanh(a, out=a)
            a *= mul
            a += add
            i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            c = C[t] if mask is None else new_c
            xp.multiply(f, c_prev, out=c)
            xp.multiply(i, g, out=ig)
            c += ig
            xp.tanh(c, out=TC[t])
            if mask is None:
                xp.multiply(o, TC[t], out=R[t])
            else:
                m = mask[t]
                xp.multiply(o, TC[t], out=new_h)
                xp.multiply(new_h, m, out=R[t])
                _blend(Hc[t], h_prev, new_h, m)
                _blend(C[t], c_prev, new_c, m)
            h_prev, c_prev = Hc[t], C[t]
        R[T] = h_prev
        R[T + 1] = c_prev
        self.A, self.C, self.TC, self.R, self.Hc = A, C, TC, R, Hc
        self.x, self.h0, self.c0, self.w_ih, self.w_hh = x, h0, c0, w_ih, w_hh
        return R

    def backward(self, grad):
        A, C, TC, Hc, x = self.A, self.C, self.TC, self.Hc, self.x
        T, B, G = A.shape
        H = G // 4
        dt = A.dtype
        mask, reverse = self.mask, self.reverse
        # Gate derivatives for all steps at once: s(1-s) on sigmoid gates, 1-g^2 on g.
        alpha = xp.repeat(xp.asarray([0.0, 0.0, 1.0, 0.0], dtype=dt), H)
        beta = xp.repeat(xp.asarray([1.0, 1.0, 0.0, 1.0], dtype=dt), H)
        D = beta - A
        D *= A
        D += alpha
        # d c_t / d h_t through h = o * tanh(c): o * (1 - tanh(c)^2)
        OD = TC * TC
        xp.subtract(1.0, OD, out=OD)
        OD *= A[:, :, 3 * H:]
        dG = xp.empty_like(A)
        dh = grad[T].copy()
        dc = grad[T + 1].copy()
        tmp = xp.empty((B, H), dtype=dt)
        keep_h = keep_c = None
        for t in self._steps(T)[::-1]:
            a, dg = A[t], dG[t]
            if mask is None:
                dh += grad[t]
            else:
                m = mask[t]
                keep_h, keep_c = dh * (1.0 - m), dc * (1.0 - m)
                dh += grad[t]
                dh *= m
                dc *= m
            xp.multiply(dh, TC[t], out=dg[:, 3 * H:])  # do
            xp.multiply(dh, OD[t], out=tmp)
            dc += tmp
            xp.multiply(dc, a[:, 2 * H:3 * H], out=dg[:, :H])  # di = dc * g
            c_prev = self._prev(C, t, self.c0)
            xp.multiply(dc, c_prev, out=dg[:, H:2 * H])  # df
            xp.multiply(dc, a[:, :H], out=dg[:, 2 * H:3 * H])  # dg = dc * i
            dc *= a[:, H:2 * H]  # dc_prev = dc * f
            dg *= D[t]
            xp.matmul(dg, self.w_hh, out=dh)
            if mask is not None:
                dh += keep_h
                dc += keep_c
        need = (self.w_ih if self.parents[0] is not None else None,
                self.parents[3] is not None, self.parents[4] is not None)
        dx, dWih, dWhh = _weight_grads(dG, x, Hc, self.h0, reverse, need)
        db = dG.sum(axis=(0, 1)) if self.has_bias else None
        return self._pack_grads(dx, (dh, dc), dWih, dWhh, db, None if db is None else db.copy())


def _blend(out: Any, old: Any, new: Any, m: Any) -> None:
    """``out = old + m * (new - old)``: the new state where ``m`` is 1, the old one where 0."""
    xp.subtract(new, old, out=out)
    out *= m
    out += old


class GRUSequence(_Recurrent):
    """A single-layer, single-direction GRU over a whole sequence (gates r, z, n as PyTorch).

    ``r, z = sigmoid(x W_i^T + b_i + h W_h^T + b_h)``,
    ``n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))``, ``h' = (1 - z) * n + z * h``.
    """

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False, mask=None):
        T, B, _ = x.shape
        H = w_hh.shape[1]
        dt = x.dtype
        self.reverse, self.has_bias, self.mask, self.T = reverse, b_ih is not None, mask, T
        scale = _gate_scale(3, (0, 1), dt)
        rep = xp.repeat(scale, H)
        A = _input_projection(x, _scaled(w_ih, scale), None if b_ih is None else b_ih * rep)
        whhT = _scaled(w_hh, scale)
        bhh = None if b_hh is None else b_hh * rep
        HW = xp.empty((T, B, 3 * H), dtype=dt)  # h W_hh^T + b_hh per step (scaled on r, z)
        R = xp.empty((T + 1, B, H), dtype=dt)
        Hc = R if mask is None else xp.empty((T, B, H), dtype=dt)
        tmp = xp.empty((B, H), dtype=dt)
        new_h = xp.empty((B, H), dtype=dt) if mask is not None else None
        h_prev = h0
        for t in self._steps(T):
            a, hw = A[t], HW[t]
            xp.matmul(h_prev, whhT, out=hw)
            if bhh is not None:
                hw += bhh
            rz = a[:, :2 * H]
            rz += hw[:, :2 * H]
            xp.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            r, z, n = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
            xp.multiply(r, hw[:, 2 * H:], out=tmp)
            n += tmp
            xp.tanh(n, out=n)
            out = R[t] if mask is None else new_h
            xp.subtract(h_prev, n, out=tmp)
            tmp *= z
            xp.add(n, tmp, out=out)
            if mask is not None:
                m = mask[t]
                xp.multiply(new_h, m, out=R[t])
                _blend(Hc[t], h_prev, new_h, m)
            h_prev = Hc[t]
        R[T] = h_prev
        self.A, self.HW, self.Hc = A, HW, Hc
        self.x, self.h0, self.w_ih, self.w_hh = x, h0, w_ih, w_hh
        return R

    def backward(self, grad):
        A, HW, Hc, x = self.A, self.HW, self.Hc, self.x
        T, B, G = A.shape
        H = G // 3
        dt = A.dtype
        mask = self.mask
        alpha = xp.repeat(xp.asarray([0.0, 0.0, 1.0], dtype=dt), H)
        beta = xp.repeat(xp.asarray([1.0, 1.0, 0.0], dtype=dt), H)
        D = beta - A
        D *= A
        D += alpha
        dG = xp.empty_like(A)  # gradients of the input-side pre-activations
        dHW = xp.empty_like(A)  # gradients of h W_hh^T + b_hh
        dh = grad[T].copy()
        direct = xp.empty((B, H), dtype=dt)
        keep = None
        for t in self._steps(T)[::-1]:
            a, dg, dhw = A[t], dG[t], dHW[t]
            r, z, n = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
            if mask is None:
                dh += grad[t]
            else:
                m = mask[t]
                keep = dh * (1.0 - m)
                dh += grad[t]
                dh *= m
            h_prev = self._prev(Hc, t, self.h0)
            xp.multiply(dh, z, out=direct)
            xp.subtract(dh, direct, out=dg[:, 2 * H:])  # dn = dh * (1 - z)
            xp.subtract(h_prev, n, out=dg[:, H:2 * H])
            dg[:, H:2 * H] *= dh  # dz = dh * (h_prev - n)
            xp.multiply(dg[:, 2 * H:], D[t, :, 2 * H:], out=dg[:, 2 * H:])  # dn_pre
            xp.multiply(dg[:, 2 * H:], HW[t, :, 2 * H:], out=dg[:, :H])  # dr = dn_pre * hn
            dg[:, :2 * H] *= D[t, :, :2 * H]
            dhw[:, :2 * H] = dg[:, :2 * H]
            xp.multiply(dg[:, 2 * H:], r, out=dhw[:, 2 * H:])
            xp.matmul(dhw, self.w_hh, out=dh)
            dh += direct
            if mask is not None:
                dh += keep
        # dG holds gradients w.r.t. the unscaled pre-activations (D is s(1-s), the true
        # derivative), so the 0.5 pre-scaling of the weights needs no undoing here.
        need = (self.w_ih if self.parents[0] is not None else None,
                self.parents[2] is not None, False)
        dx, dWih, _ = _weight_grads(dG, x, Hc, self.h0, self.reverse, need)
        dWhh = None
        if self.parents[3] is not None:
            _, _, dWhh = _weight_grads(dHW, x, Hc, self.h0, self.reverse, (None, False, True))
        dbih = dG.sum(axis=(0, 1)) if self.has_bias else None
        dbhh = dHW.sum(axis=(0, 1)) if self.has_bias else None
        return self._pack_grads(dx, (dh,), dWih, dWhh, dbih, dbhh)


class RNNSequence(_Recurrent):
    """A single-layer, single-direction Elman RNN: ``h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False, mask=None,
                nonlinearity="tanh"):
        T, B, _ = x.shape
        H = w_hh.shape[1]
        dt = x.dtype
        self.reverse, self.has_bias, self.mask, self.T = reverse, b_ih is not None, mask, T
        self.relu = nonlinearity == "relu"
        A = _input_projection(x, xp.ascontiguousarray(w_ih.T), None if b_ih is None else b_ih + b_hh)
        whhT = xp.ascontiguousarray(w_hh.T)
        R = xp.empty((T + 1, B, H), dtype=dt)
        Hc = R if mask is None else xp.empty((T, B, H), dtype=dt)
        tmp = xp.empty((B, H), dtype=dt)
        h_prev = h0
        for t in self._steps(T):
            a = A[t]
            xp.matmul(h_prev, whhT, out=tmp)
            a += tmp
            if self.relu:
                xp.maximum(a, 0.0, out=a)
            else:
                xp.tanh(a, out=a)
            if mask is None:
                R[t] = a
            else:
                m = mask[t]
                xp.multiply(a, m, out=R[t])
                _blend(Hc[t], h_prev, a, m)
            h_prev = Hc[t]
        R[T] = h_prev
        self.A, self.Hc, self.x, self.h0, self.w_ih, self.w_hh = A, Hc, x, h0, w_ih, w_hh
        return R

    def backward(self, grad):
        A, Hc, x, mask = self.A, self.Hc, self.x, self.mask
        T = A.shape[0]
        D = (A > 0).astype(A.dtype) if self.relu else 1.0 - A * A
        dG = xp.empty_like(A)
        dh = grad[T].copy()
        keep = None
        for t in self._steps(T)[::-1]:
            if mask is None:
                dh += grad[t]
            else:
                m = mask[t]
                keep = dh * (1.0 - m)
                dh += grad[t]
                dh *= m
            xp.multiply(dh, D[t], out=dG[t])
            xp.matmul(dG[t], self.w_hh, out=dh)
            if mask is not None:
                dh += keep
        need = (self.w_ih if self.parents[0] is not None else None,
                self.parents[2] is not None, self.parents[3] is not None)
        dx, dWih, dWhh = _weight_grads(dG, x, Hc, self.h0, self.reverse, need)
        db = dG.sum(axis=(0, 1)) if self.has_bias else None
        return self._pack_grads(dx, (dh,), dWih, dWhh, db, None if db is None else db.copy())
