"""Fused recurrent layers: one ``Function`` per layer and direction, backpropagation through time inside.

Each Function runs a whole sequence with one GEMM per step for all gates and
writes gate activations into preallocated buffers.  The LSTM's step GEMM is
``[W_hh | W_ih | b] @ [h; x_t; 1]``: the input projection and the bias ride along
(K = H + I + 1 instead of H), which took about 1.5 ms off a forward of B 32,
T 64, I 64, H 256 with one BLAS thread and 2 ms with two: the 64 small
per-step input GEMMs of a separate projection did not gain from threads.  GRU
and RNN do the input projection of all steps in one batched GEMM up front
(GRU must: its ``r`` multiplies only the hidden part).  Backward
walks the steps in reverse (``_reverse_steps``, shared by the three layers)
with one GEMM per step for ``dh``; each step's gate gradients are computed in
one small, cache-resident buffer and stored as column block ``t`` of a
``(G*H, T, B)`` array, which after the loop is the ``(G*H, T*B)`` matrix of one
GEMM each for ``dx``, ``dW_ih`` and ``dW_hh``.

The gate derivatives are computed per step on cache-resident data, not for all
steps up front, so that array is backward's only whole-sequence temporary
(18 MB fewer for an LSTM with B 32, T 64, H 256; the time measured the same).

Interface.  ``x`` is time-major ``(T, B, I)``, states are ``(B, H)``.  The
Function returns one array ``R`` of shape ``(T + k, B, H)``: rows ``0..T-1``
are the outputs by time index, row ``T`` is ``h_n`` and (LSTM) row ``T + 1``
is ``c_n``; the caller slices them apart.  ``reverse=True`` runs from
``t = T-1`` down to ``0``.

Internal layout is feature-major: a step's gates are ``(G*H, B)`` and its state
``(H, B)``.  Two reasons: with two threads OpenBLAS runs ``(4H, H) @ (H, B)``
about 1.4x faster than ``(B, H) @ (H, 4H)`` for small ``B`` (one thread: the
same), and each gate is then a contiguous row block, so the gate math runs on
contiguous memory with scalar operands.
The LSTM's gates are reordered to ``i, f, o, g`` inside, so the three sigmoid
gates form one block.

Sigmoid is computed as ``1 / (1 + exp(-z))`` with the sign folded into the
weights: the sigmoid gates' rows of the weights and biases are pre-scaled by -1
(``gate_scale``), so a step's gates need one ``exp`` pass, ``+ 1`` and one
reciprocal.  The LSTM's ``g = tanh(z) = 2 sigmoid(2 z) - 1`` rides in the same
passes with its rows pre-scaled by -2.  NumPy's float32 ``exp`` is about 1.7x
faster than its ``tanh`` (AVX2; both cost 10-20x a multiply), and this took
3 ms off the LSTM forward above (sigmoid was 0.5 tanh(0.5 z) + 0.5 before).
Overflow of ``exp`` to ``inf`` is harmless (``1 / inf = 0``) and silenced.

An LSTM with a projected state (PyTorch's ``proj_size``) is ``lstm_projected_sequence``
at the end: built from differentiable ops, so the fused loops carry no projection.

``mask`` (``(T, B)`` of 0/1, for packed sequences) freezes the state of a
sequence outside its valid steps and zeroes its output there, so the final
state is the one of each sequence's last valid step, as PyTorch's packed RNNs.
"""
from __future__ import annotations

from typing import Any, Iterator

from ..._backend import xp
from ...autograd.function import Function
from ...ops import sigmoid, stack, tanh
from ...tensor import Tensor
from .linear import linear


def _t(a: Any) -> Any:
    """``(T, X, Y) -> (T, Y, X)``, contiguous."""
    return xp.ascontiguousarray(a.transpose(0, 2, 1))


def _blend(out: Any, old: Any, new: Any, m: Any) -> None:
    """``out = old + m * (new - old)``: the new state where ``m`` is 1, the old one where 0."""
    xp.subtract(new, old, out=out)
    out *= m
    out += old


class _Recurrent(Function):
    """Shared plumbing: inputs are ``x, h0, [c0], w_ih, w_hh, [b_ih, b_hh]``.

    Subclasses set ``gates`` (G), ``perm`` (internal gate order, as indices of
    PyTorch's gates) and ``gate_scale`` (a factor per internal gate for its rows
    of the weights and biases: -1 for a sigmoid computed through ``exp``).
    """

    gates, perm, gate_scale = 1, None, (1.0,)

    def _setup(self, x: Any, w_ih: Any, w_hh: Any, b_ih: Any, reverse: bool, mask: Any) -> None:
        T, B, _ = x.shape
        H = w_hh.shape[1]
        self.T, self.B, self.H, self.reverse, self.mask = T, B, H, reverse, mask
        self.has_bias = b_ih is not None
        self.x, self.w_ih, self.w_hh = x, w_ih, w_hh
        if self.perm is not None:
            self.rows = xp.concatenate([xp.arange(g * H, (g + 1) * H) for g in self.perm])
        else:
            self.rows = None
        # Mask rows as (1, B) so they broadcast over a step's (H, B) state.
        self.maskT = None if mask is None else mask.astype(x.dtype, copy=False)[:, None, :]

    def _internal(self, a: Any) -> Any:
        """PyTorch's gate rows of ``a`` in the internal gate order."""
        return a if self.rows is None else a[self.rows]

    def _scaled(self, a: Any) -> Any:
        """Internal-order rows, each gate's rows times its ``gate_scale``."""
        out = xp.array(self._internal(a), copy=True)
        H = self.H
        for k, scale in enumerate(self.gate_scale):
            if scale != 1.0:
                out[k * H:(k + 1) * H] *= scale
        return out

    def _columns(self, bias: Any) -> Any:
        """``bias`` repeated into a contiguous ``(G*H, B)`` block: adding it is a plain
        contiguous pass (adding ``bias[:, None]`` broadcast over 32 columns took 4x as long)."""
        return xp.repeat(bias[:, None], self.B, axis=1)

    @staticmethod
    def _sigmoid_from_exp(a: Any) -> None:
        """In place: ``a`` holds ``-z`` (rows pre-scaled by -1); becomes ``sigmoid(z)``."""
        with xp.errstate(over="ignore"):  # exp(-z) = inf for z < -88 gives sigmoid 0, correctly
            xp.exp(a, out=a)
        a += 1.0
        xp.reciprocal(a, out=a)

    def _steps(self) -> range:
        return range(self.T - 1, -1, -1) if self.reverse else range(self.T)

    def _prev(self, S: Any, t: int, s0: Any) -> Any:
        """The state before time step ``t``: the neighbour in ``S`` or the initial state."""
        if self.reverse:
            return S[t + 1] if t + 1 < self.T else s0
        return S[t - 1] if t > 0 else s0

    def _project(self, x: Any, w: Any, bias: Any) -> Any:
        """All time steps' input GEMMs at once: ``(T, G*H, B)`` (BLAS loops over T)."""
        A = xp.matmul(w, x.transpose(0, 2, 1))
        if bias is not None:
            A += self._columns(bias)
        return A

    def _outputs(self, YT: Any, HcT: Any, finals: list) -> Any:
        """``R``: outputs by time, then the final states, all ``(B, H)``; keeps the carried states."""
        T, B, H = self.T, self.B, self.H
        R = xp.empty((T + len(finals), B, H), dtype=YT.dtype)
        R[:T] = YT.transpose(0, 2, 1)
        for k, s in enumerate(finals):
            R[T + k] = s.T
        self.Hc = R if HcT is YT else _t(HcT)  # carried states by time index, (T, B, H)
        return R

    def _grad_buffer(self) -> Any:
        """Gate gradients of all steps, ``(G*H, T, B)``: step ``t`` is column block ``[:, t]``."""
        return xp.empty((self.gates * self.H, self.T, self.B), dtype=self.x.dtype)

    def _reverse_steps(self, grad: Any, states: tuple, stores: tuple) -> Iterator[tuple]:
        """The backward time loop: yields ``(t, bufs)`` from the last step to the first.

        Before each yield, step ``t``'s output gradient is added to ``states[0]``
        (``dh``).  The caller fills the contiguous ``(G*H, B)`` buffers ``bufs``
        with the step's gradients and updates ``states`` in place to the previous
        step's; each buffer is then stored into ``stores[k][:, t]``.  With a mask,
        a padded step passes the state gradients through unchanged.
        """
        T, B = self.T, self.B
        gradT = _t(grad[:T])  # (T, H, B)
        bufs = tuple(xp.empty((s.shape[0], B), dtype=s.dtype) for s in stores)
        dh = states[0]
        for t in self._steps()[::-1]:
            if self.maskT is None:
                dh += gradT[t]
                yield t, bufs
            else:
                m = self.maskT[t]
                keep = [s * (1.0 - m) for s in states]
                dh += gradT[t]
                for s in states:
                    s *= m
                yield t, bufs
                for s, k in zip(states, keep):
                    s += k
            for store, buf in zip(stores, bufs):
                store[:, t] = buf

    def _weight_grads(self, dG: Any, h0: Any, hidden: bool = True) -> tuple:
        """``dx, dW_ih, dW_hh`` (PyTorch's gate order) from the gate gradients ``(G*H, T, B)``."""
        GH, T, B = dG.shape
        flat = dG.reshape(GH, T * B)  # columns ordered (t, b), as the rows of x and Hc
        x, parents = self.x, self.parents
        dx = dWih = dWhh = None
        if parents[0] is not None:
            dx = (flat.T @ self._internal(self.w_ih)).reshape(x.shape)
        if parents[-4 if self.has_bias else -2] is not None:
            dWih = self._external(flat @ x.reshape(T * B, x.shape[2]))  # not -1: ambiguous when B = 0
        if hidden and parents[-3 if self.has_bias else -1] is not None:
            dWhh = self._external(self._hidden_grad(flat, h0))
        return dx, dWih, dWhh, flat

    def _hidden_grad(self, flat: Any, h0: Any) -> Any:
        """``sum_t dG_t h_{t-1}^T``: the steps with a previous state in ``Hc``, plus the one with ``h0``."""
        T, B, H = self.T, self.B, self.H
        if self.reverse:
            rest, first, prev = flat[:, :(T - 1) * B], flat[:, (T - 1) * B:], self.Hc[1:T]
        else:
            rest, first, prev = flat[:, B:], flat[:, :B], self.Hc[0:T - 1]
        return rest @ prev.reshape(-1, H) + first @ h0

    def _external(self, g: Any) -> Any:
        """Rows of a gradient in the internal gate order back in PyTorch's order."""
        if self.rows is None:
            return g
        out = xp.empty_like(g)
        out[self.rows] = g
        return out

    def _pack_grads(self, dx, dstate, dWih, dWhh, db_ih, db_hh) -> tuple:
        grads = (dx, *dstate, dWih, dWhh)
        return grads + (db_ih, db_hh) if self.has_bias else grads


class LSTMSequence(_Recurrent):
    """A single-layer, single-direction LSTM over a whole sequence (PyTorch's gates i, f, g, o).

    ``i, f, o = sigmoid(.)``, ``g = tanh(.)`` of ``x W_ih^T + b_ih + h W_hh^T + b_hh``;
    ``c' = f * c + i * g``, ``h' = o * tanh(c')``.
    """

    gates, perm = 4, (0, 1, 3, 2)  # inside: i, f, o, g
    gate_scale = (-1.0, -1.0, -1.0, -2.0)  # sigmoids through exp; tanh(z) = 2 sigmoid(2z) - 1
    saves_inputs = (0, 3, 4)  # x, w_ih, w_hh (the states are copied)

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False, mask=None):
        self._setup(x, w_ih, w_hh, b_ih, reverse, mask)
        T, B, H = self.T, self.B, self.H
        I, dt = x.shape[2], x.dtype
        W = xp.empty((4 * H, H + I + 1), dtype=dt)  # [W_hh | W_ih | b], the step GEMM's weights
        W[:, :H] = self._scaled(w_hh)
        W[:, H:H + I] = self._scaled(w_ih)
        W[:, H + I] = 0.0 if b_ih is None else self._scaled(b_ih + b_hh)
        # Z[s] = [h; x_t; 1] (H + I + 1, B) for the s-th step taken; the step writes its
        # new h into Z[s + 1], so Z[1:] holds the carried h in the order of the steps.
        Z = xp.empty((T + 1, H + I + 1, B), dtype=dt)
        Z[0, :H] = h0.T
        xs = x.transpose(0, 2, 1)
        Z[:T, H:H + I] = xs[::-1] if reverse else xs
        Z[:, H + I] = 1.0
        HcT = Z[T:0:-1, :H] if reverse else Z[1:, :H]  # carried h by time index, (T, H, B)
        YT = HcT if mask is None else xp.empty((T, H, B), dtype=dt)  # outputs
        A = xp.empty((T, 4 * H, B), dtype=dt)  # gate activations
        CT = xp.empty((T, H, B), dtype=dt)  # carried c
        TC = xp.empty((T, H, B), dtype=dt)  # tanh(c_t) of the step's new c
        ig = xp.empty((H, B), dtype=dt)
        new_h = xp.empty((H, B), dtype=dt) if mask is not None else None
        new_c = xp.empty((H, B), dtype=dt) if mask is not None else None
        c_prev = c0.T.copy()
        self.h0T, self.c0T = Z[0, :H], c_prev
        for s, t in enumerate(self._steps()):
            a = A[t]
            xp.matmul(W, Z[s], out=a)
            self._sigmoid_from_exp(a)
            i, f, o, g = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
            g *= 2.0  # sigmoid(2z) -> tanh(z)
            g -= 1.0
            c = CT[t] if mask is None else new_c
            xp.multiply(f, c_prev, out=c)
            xp.multiply(i, g, out=ig)
            c += ig
            xp.tanh(c, out=TC[t])
            if mask is None:
                xp.multiply(o, TC[t], out=Z[s + 1, :H])
            else:
                m = self.maskT[t]
                xp.multiply(o, TC[t], out=new_h)
                xp.multiply(new_h, m, out=YT[t])
                _blend(Z[s + 1, :H], Z[s, :H], new_h, m)
                _blend(CT[t], c_prev, new_c, m)
            c_prev = CT[t]
        self.A, self.CT, self.TC = A, CT, TC
        return self._outputs(YT, HcT, [Z[T, :H], c_prev])

    def backward(self, grad):
        A, CT, TC = self.A, self.CT, self.TC
        T, H = self.T, self.H
        S = 3 * H
        whhT = self.w_hh.T[:, self.rows]  # (H, 4H), internal gate order, contiguous: BLAS's per-step
        # GEMM ran 3-6% faster on it than on the transposed view (the gather copies W_hh either way)
        dh, dc = grad[T].T.copy(), grad[T + 1].T.copy()
        tmp = xp.empty_like(dh)
        d = xp.empty((4 * H, self.B), dtype=A.dtype)  # the step's activation derivatives
        dG = self._grad_buffer()
        for t, (dg,) in self._reverse_steps(grad, (dh, dc), (dG,)):
            a, tc = A[t], TC[t]
            i, f, o, g = a[:H], a[H:2 * H], a[2 * H:S], a[S:]
            xp.multiply(dh, tc, out=dg[2 * H:S])  # do = dh * tanh(c)
            xp.multiply(tc, tc, out=tmp)  # dc += dh * o * (1 - tanh(c)^2), through h = o * tanh(c)
            xp.subtract(1.0, tmp, out=tmp)
            tmp *= o
            tmp *= dh
            dc += tmp
            xp.multiply(dc, g, out=dg[:H])  # di = dc * g
            xp.multiply(dc, self._prev(CT, t, self.c0T), out=dg[H:2 * H])  # df = dc * c_prev
            xp.multiply(dc, i, out=dg[S:])  # dg = dc * i
            dc *= f  # dc_prev = dc * f
            xp.subtract(1.0, a[:S], out=d[:S])  # s(1 - s) on the sigmoid block
            d[:S] *= a[:S]
            xp.multiply(g, g, out=d[S:])  # 1 - g^2 on g
            xp.subtract(1.0, d[S:], out=d[S:])
            dg *= d
            xp.matmul(whhT, dg, out=dh)
        dx, dWih, dWhh, flat = self._weight_grads(dG, self.h0T.T)
        db = self._external(flat.sum(axis=1)) if self.has_bias else None
        return self._pack_grads(dx, (dh.T, dc.T), dWih, dWhh, db, None if db is None else db.copy())


class GRUSequence(_Recurrent):
    """A single-layer, single-direction GRU over a whole sequence (gates r, z, n as PyTorch).

    ``r, z = sigmoid(x W_i^T + b_i + h W_h^T + b_h)``,
    ``n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))``, ``h' = (1 - z) * n + z * h``.
    """

    gates, gate_scale = 3, (-1.0, -1.0, 1.0)  # r, z through exp
    saves_inputs = (0, 2, 3)  # x, w_ih, w_hh (the state is copied)

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False, mask=None):
        self._setup(x, w_ih, w_hh, b_ih, reverse, mask)
        T, B, H = self.T, self.B, self.H
        dt = x.dtype
        A = self._project(x, self._scaled(w_ih), None if b_ih is None else self._scaled(b_ih))
        whh = self._scaled(w_hh)
        bhh = None if b_hh is None else self._columns(self._scaled(b_hh))
        HW = xp.empty((T, 3 * H, B), dtype=dt)  # W_hh h + b_hh per step (r, z rows negated)
        YT = xp.empty((T, H, B), dtype=dt)
        HcT = YT if mask is None else xp.empty((T, H, B), dtype=dt)
        tmp = xp.empty((H, B), dtype=dt)
        new_h = xp.empty((H, B), dtype=dt) if mask is not None else None
        h_prev = self.h0T = h0.T.copy()
        for t in self._steps():
            a, hw = A[t], HW[t]
            xp.matmul(whh, h_prev, out=hw)
            if bhh is not None:
                hw += bhh
            rz = a[:2 * H]
            rz += hw[:2 * H]
            self._sigmoid_from_exp(rz)
            r, z, n = a[:H], a[H:2 * H], a[2 * H:]
            xp.multiply(r, hw[2 * H:], out=tmp)
            n += tmp
            xp.tanh(n, out=n)
            out = YT[t] if mask is None else new_h
            xp.subtract(h_prev, n, out=tmp)
            tmp *= z
            xp.add(n, tmp, out=out)
            if mask is not None:
                m = self.maskT[t]
                xp.multiply(new_h, m, out=YT[t])
                _blend(HcT[t], h_prev, new_h, m)
            h_prev = HcT[t]
        self.A, self.HW, self.HcT = A, HW, HcT
        return self._outputs(YT, HcT, [h_prev])

    def backward(self, grad):
        A, HW, HcT = self.A, self.HW, self.HcT
        T, H = self.T, self.H
        S = 2 * H
        whhT = self.w_hh.T  # (H, 3H), a view: BLAS reads it transposed
        dh = grad[T].T.copy()
        direct = xp.empty_like(dh)
        d = xp.empty((3 * H, self.B), dtype=A.dtype)  # the step's activation derivatives
        dG = self._grad_buffer()  # gradients of the input-side pre-activations
        dHW = self._grad_buffer()  # gradients of W_hh h + b_hh
        for t, (dg, dhw) in self._reverse_steps(grad, (dh,), (dG, dHW)):
            a = A[t]
            r, z, n = a[:H], a[H:S], a[S:]
            xp.multiply(dh, z, out=direct)
            dn = dg[S:]
            xp.subtract(dh, direct, out=dn)  # dn = dh * (1 - z)
            xp.multiply(n, n, out=d[S:])  # through tanh: 1 - n^2
            xp.subtract(1.0, d[S:], out=d[S:])
            dn *= d[S:]
            xp.subtract(self._prev(HcT, t, self.h0T), n, out=dg[H:S])
            dg[H:S] *= dh  # dz = dh * (h_prev - n)
            xp.multiply(dn, HW[t, S:], out=dg[:H])  # dr = dn * (W_hn h + b_hn)
            xp.subtract(1.0, a[:S], out=d[:S])  # s(1 - s) on r, z
            d[:S] *= a[:S]
            dg[:S] *= d[:S]
            dhw[:S] = dg[:S]
            xp.multiply(dn, r, out=dhw[S:])
            xp.matmul(whhT, dhw, out=dh)
            dh += direct
        # dG holds gradients of the unscaled pre-activations (d is s(1-s), the true
        # derivative), so the -1 pre-scaling of the weights needs no undoing.
        dx, dWih, _, flat = self._weight_grads(dG, None, hidden=False)
        flat_hw = dHW.reshape(dHW.shape[0], -1)
        dWhh = self._hidden_grad(flat_hw, self.h0T.T) if self.parents[3] is not None else None
        dbih = flat.sum(axis=1) if self.has_bias else None
        dbhh = flat_hw.sum(axis=1) if self.has_bias else None
        return self._pack_grads(dx, (dh.T,), dWih, dWhh, dbih, dbhh)


class RNNSequence(_Recurrent):
    """A single-layer, single-direction Elman RNN: ``h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""

    saves_inputs = (0, 2, 3)  # x, w_ih, w_hh (the state is copied)

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False, mask=None,
                nonlinearity="tanh"):
        self._setup(x, w_ih, w_hh, b_ih, reverse, mask)
        B, H = self.B, self.H
        self.relu = nonlinearity == "relu"
        A = self._project(x, w_ih, None if b_ih is None else b_ih + b_hh)  # becomes the new states
        tmp = xp.empty((H, B), dtype=x.dtype)
        HcT = A if mask is None else xp.empty_like(A)
        YT = A if mask is None else xp.empty_like(A)
        h_prev = self.h0T = h0.T.copy()
        for t in self._steps():
            a = A[t]
            xp.matmul(w_hh, h_prev, out=tmp)
            a += tmp
            if self.relu:
                xp.maximum(a, 0.0, out=a)
            else:
                xp.tanh(a, out=a)
            if mask is not None:
                m = self.maskT[t]
                xp.multiply(a, m, out=YT[t])
                _blend(HcT[t], h_prev, a, m)
            h_prev = HcT[t]
        self.A = A
        return self._outputs(YT, HcT, [h_prev])

    def backward(self, grad):
        A, T = self.A, self.T
        whhT = self.w_hh.T  # a view: BLAS reads it transposed
        dh = grad[T].T.copy()
        dG = self._grad_buffer()
        for t, (dg,) in self._reverse_steps(grad, (dh,), (dG,)):
            if self.relu:
                xp.multiply(dh, A[t] > 0, out=dg)
            else:
                xp.multiply(A[t], A[t], out=dg)  # 1 - h^2 through tanh
                xp.subtract(1.0, dg, out=dg)
                dg *= dh
            xp.matmul(whhT, dg, out=dh)
        dx, dWih, dWhh, flat = self._weight_grads(dG, self.h0T.T)
        db = flat.sum(axis=1) if self.has_bias else None
        return self._pack_grads(dx, (dh.T,), dWih, dWhh, db, None if db is None else db.copy())


def lstm_projected_sequence(x: Tensor, h0: Tensor, c0: Tensor, w_ih: Tensor, w_hh: Tensor,
                            b_ih: Tensor | None, b_hh: Tensor | None, w_hr: Tensor,
                            reverse: bool = False, mask: Any = None) -> tuple[Tensor, Tensor, Tensor]:
    """An LSTM layer whose state is projected, PyTorch's ``proj_size``: ``h' = (o * tanh(c')) W_hr^T``.

    Step by step from differentiable ops (autograd does the backward): a rarely used option,
    kept out of the fused Functions' loops.  ``x`` ``(T, B, I)``, ``h0`` ``(B, P)``, ``c0``
    ``(B, H)``; ``mask`` as for the fused layers.  Returns ``(outputs (T, B, P), h_n, c_n)``.
    """
    projected = linear(x, w_ih, b_ih)  # (T, B, 4H): every step's input side in one GEMM
    h, c = h0, c0
    outputs: list = [None] * x.shape[0]
    for t in (range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])):
        i, f, g, o = (projected[t] + linear(h, w_hh, b_hh)).chunk(4, dim=-1)
        new_c = sigmoid(f) * c + sigmoid(i) * tanh(g)
        new_h = linear(sigmoid(o) * tanh(new_c), w_hr)
        if mask is None:
            h, c, outputs[t] = new_h, new_c, new_h
        else:  # a finished sequence keeps its state and outputs zeros
            m = Tensor._wrap(mask[t][:, None])
            h, c, outputs[t] = h + m * (new_h - h), c + m * (new_c - c), new_h * m
    return stack(outputs, 0), h, c
