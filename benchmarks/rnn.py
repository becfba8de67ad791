"""Recurrent workloads: one-layer LSTM and GRU forward+backward, rosenblatt's fused BPTT against torch.nn.

Batch 32, sequence 64, input 64, hidden 256, float32, time-major; both sides
start from the same weights and backpropagate the same upstream gradient of
the output sequence into the input and every parameter.  Beside them, the
LSTM's floor: the arithmetic any NumPy LSTM of this design runs, in one plain loop.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy
import torch

import rosenblatt as rb
from rosenblatt.nn.modules.rnn import GRU, LSTM

from .harness import Target, workload

T, B, I, H = 64, 32, 64, 256


def _fwd_bwd(ours_cls: Any, theirs_cls: Any, quick: bool) -> dict[str, Callable[[], Any]]:
    steps = 16 if quick else T
    theirs = theirs_cls(I, H)
    ours = ours_cls(I, H)
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((steps, B, I)).astype(numpy.float32)
    g = rng.standard_normal((steps, B, H)).astype(numpy.float32)
    rx, rg = rb.Tensor(x.copy(), requires_grad=True), rb.Tensor(g)
    tx, tg = torch.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(g)
    ours_params, theirs_params = list(ours.parameters()), list(theirs.parameters())

    def rb_run() -> None:
        rx.grad = None
        for p in ours_params:
            p.grad = None
        ours(rx)[0].backward(rg)

    def torch_run() -> None:
        tx.grad = None
        for p in theirs_params:
            p.grad = None
        theirs(tx)[0].backward(tg)

    return {"rosenblatt": rb_run, "torch": torch_run}


@workload("lstm_b32_t64_h256_fwd_bwd", target=Target.ratio_at_most(1.3))
def lstm_fwd_bwd(quick: bool = False) -> dict[str, Callable[[], Any]]:
    return _fwd_bwd(LSTM, torch.nn.LSTM, quick)


@workload("gru_b32_t64_h256_fwd_bwd", target=Target.ratio_at_most(1.3))
def gru_fwd_bwd(quick: bool = False) -> dict[str, Callable[[], Any]]:
    return _fwd_bwd(GRU, torch.nn.GRU, quick)


def lstm_arithmetic(steps: int = T) -> Callable[[], None]:
    """The work of a hand-written NumPy LSTM (B, I, H as above) over ``steps`` steps, nothing else.

    Forward, per step: the GEMM of all gates ``[W_hh | W_ih | b] @ [h; x_t; 1]`` then the gate
    math (one ``exp`` pass for the three sigmoids and tanh(g), the cell and ``o tanh(c)``);
    backward, per step: the gate derivatives then ``W_hh^T @ dg``; after the loop the three
    GEMMs for ``dx``, ``dW_ih``, ``dW_hh``.  Feature-major blocks, as rosenblatt's fused
    LSTM; no layout transposes, no autograd.  On random arrays scaled so nothing overflows:
    the timing, not the values, is the point.
    """
    rng = numpy.random.default_rng(0)

    def normal(*shape: int, scale: float = 1.0) -> numpy.ndarray:
        return (rng.standard_normal(shape) * scale).astype(numpy.float32)

    S = 3 * H
    w, z, w_hh_t = normal(4 * H, H + I + 1, scale=0.05), normal(steps + 1, H + I + 1, B), normal(H, 4 * H, scale=0.15)
    acts, grads = numpy.empty((steps, 4 * H, B), numpy.float32), normal(4 * H, steps * B)
    x, hs, w_ih = normal(steps * B, I), normal(steps * B, H), normal(4 * H, I)
    c_prev, c, ig, tc, h, tmp, dh, dc = (numpy.empty((H, B), numpy.float32) for _ in range(8))
    d, dg = numpy.empty((4 * H, B), numpy.float32), numpy.empty((4 * H, B), numpy.float32)

    def run() -> None:
        c_prev[...] = dh[...] = dc[...] = 0.1
        for t in range(steps):
            a = acts[t]
            numpy.matmul(w, z[t], out=a)
            numpy.exp(a, out=a)  # -z pre-scaled into the weights: sigmoid = 1 / (1 + exp(-z))
            a += 1.0
            numpy.reciprocal(a, out=a)
            i, f, o, g = a[:H], a[H:2 * H], a[2 * H:S], a[S:]
            g *= 2.0  # tanh(z) = 2 sigmoid(2z) - 1
            g -= 1.0
            numpy.multiply(f, c_prev, out=c)
            numpy.multiply(i, g, out=ig)
            numpy.add(c, ig, out=c)
            numpy.tanh(c, out=tc)
            numpy.multiply(o, tc, out=h)
        for t in range(steps - 1, -1, -1):
            a = acts[t]
            i, f, o, g = a[:H], a[H:2 * H], a[2 * H:S], a[S:]
            numpy.multiply(dh, tc, out=dg[2 * H:S])
            numpy.multiply(tc, tc, out=tmp)
            numpy.subtract(1.0, tmp, out=tmp)
            numpy.multiply(tmp, o, out=tmp)
            numpy.multiply(tmp, dh, out=tmp)
            numpy.add(dc, tmp, out=dc)
            numpy.multiply(dc, g, out=dg[:H])
            numpy.multiply(dc, c_prev, out=dg[H:2 * H])
            numpy.multiply(dc, i, out=dg[S:])
            numpy.multiply(dc, f, out=dc)
            numpy.subtract(1.0, a[:S], out=d[:S])
            d[:S] *= a[:S]
            numpy.multiply(g, g, out=d[S:])
            numpy.subtract(1.0, d[S:], out=d[S:])
            numpy.multiply(dg, d, out=dg)
            numpy.matmul(w_hh_t, dg, out=dh)
        grads.T @ w_ih, grads @ x, grads @ hs

    return run


@workload("LSTM as above, its GEMMs and gate math alone in one plain NumPy loop (no framework)",
          target=Target.ratio_at_most(1.3))
def lstm_floor(quick: bool = False) -> dict[str, Callable[[], Any]]:
    # The floor of the LSTM row on the machine at hand: the work any NumPy LSTM with one GEMM
    # per step does, against torch's whole nn.LSTM (the "rosenblatt" side is plain NumPy).
    steps = 16 if quick else T
    theirs = torch.nn.LSTM(I, H)
    rng = numpy.random.default_rng(0)
    tx = torch.from_numpy(rng.standard_normal((steps, B, I)).astype(numpy.float32)).requires_grad_()
    tg = torch.from_numpy(rng.standard_normal((steps, B, H)).astype(numpy.float32))

    def torch_run() -> None:
        tx.grad = None
        for p in theirs.parameters():
            p.grad = None
        theirs(tx)[0].backward(tg)

    return {"rosenblatt": lstm_arithmetic(steps), "torch": torch_run}
