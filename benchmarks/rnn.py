"""Recurrent workloads: one-layer LSTM and GRU forward+backward, rosenblatt's fused BPTT against torch.nn.

Batch 32, sequence 64, input 64, hidden 256, float32, time-major; both sides
start from the same weights and backpropagate the same upstream gradient of
the output sequence into the input and every parameter.
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
