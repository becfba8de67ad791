"""Convolutional workloads: a LeNet-5 training step (its time and its peak memory) and a
64->64 3x3 conv forward+backward.

Both sides run the same model written from functional ops: conv, relu, max-pool,
``x @ w.T + b`` linear layers, a log-softmax + gather cross-entropy, and a plain
SGD update on the parameters' data.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy
import torch

import rosenblatt as rb
from rosenblatt.nn.functional.conv import conv2d
from rosenblatt.nn.functional.pooling import max_pool2d

from ._peak_memory import peak_bytes_in_child
from .harness import Target, workload

LR = 0.01
# (shape) of each LeNet-5 parameter, in order: conv1, conv2, fc1, fc2, fc3 (weight, bias).
LENET_SHAPES = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (84, 120), (84,),
                (10, 84), (10,)]


def _params(shapes: list[tuple], seed: int = 0) -> tuple[list[rb.Tensor], list[torch.Tensor]]:
    """The same float32 parameters for both libraries (scaled like a fan-in init)."""
    rng = numpy.random.default_rng(seed)
    arrays = [(rng.standard_normal(s) / numpy.sqrt(numpy.prod(s[1:]) if len(s) > 1 else 10.0))
              .astype(numpy.float32) for s in shapes]
    return ([rb.Tensor(a.copy(), requires_grad=True) for a in arrays],
            [torch.from_numpy(a.copy()).requires_grad_() for a in arrays])


def _lenet_rb(p: list[rb.Tensor], x: rb.Tensor, y: rb.Tensor) -> rb.Tensor:
    h = max_pool2d(rb.ops.relu(conv2d(x, p[0], p[1], padding=2)), 2)  # (B, 6, 14, 14)
    h = max_pool2d(rb.ops.relu(conv2d(h, p[2], p[3])), 2)  # (B, 16, 5, 5)
    h = h.reshape(h.shape[0], -1)  # (B, 400)
    h = rb.ops.relu(h @ p[4].T + p[5])
    h = rb.ops.relu(h @ p[6].T + p[7])
    logits = h @ p[8].T + p[9]  # (B, 10)
    return -rb.ops.log_softmax(logits, 1).gather(1, y).mean()


def _lenet_torch(p: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    f = torch.nn.functional
    h = f.max_pool2d(torch.relu(f.conv2d(x, p[0], p[1], padding=2)), 2)
    h = f.max_pool2d(torch.relu(f.conv2d(h, p[2], p[3])), 2)
    h = h.reshape(h.shape[0], -1)
    h = torch.relu(h @ p[4].T + p[5])
    h = torch.relu(h @ p[6].T + p[7])
    logits = h @ p[8].T + p[9]
    return -torch.log_softmax(logits, 1).gather(1, y).mean()


def _rb_step(params: list[rb.Tensor], x: rb.Tensor, y: rb.Tensor) -> None:
    for q in params:
        q.grad = None
    _lenet_rb(params, x, y).backward()
    for q in params:
        q.data -= LR * q.grad.data  # LR is a Python float: float32 stays float32


def _torch_step(params: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> None:
    for q in params:
        q.grad = None
    _lenet_torch(params, x, y).backward()
    with torch.no_grad():
        for q in params:
            q -= LR * q.grad


def lenet_inputs(batch: int = 128, seed: int = 1) -> tuple[numpy.ndarray, numpy.ndarray]:
    rng = numpy.random.default_rng(seed)
    return (rng.standard_normal((batch, 1, 28, 28)).astype(numpy.float32),
            rng.integers(0, 10, size=(batch, 1)))


def lenet_step(library: str) -> Callable[[], None]:
    """A LeNet-5 training step at batch 128 of ``"rosenblatt"`` or ``"torch"``, ready to call."""
    rp, tp = _params(LENET_SHAPES)
    x, y = lenet_inputs()
    if library == "rosenblatt":
        rx, ry = rb.Tensor(x), rb.Tensor(y)
        return lambda: _rb_step(rp, rx, ry)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    return lambda: _torch_step(tp, tx, ty)


@workload("lenet5_train_step", target=Target.ratio_at_most(1.2), per_label="step")
def lenet5_train_step() -> dict[str, Callable[[], Any]]:
    return {name: lenet_step(name) for name in ("rosenblatt", "torch")}


@workload("lenet5_train_step peak memory", target=Target.ratio_at_most(2.0), unit="bytes")
def lenet5_step_peak_memory() -> dict[str, Callable[[], float]]:
    # each library's step in a fresh process: what one steady-state step adds at its peak
    return {name: peak_bytes_in_child("benchmarks.conv:lenet_step", name)
            for name in ("rosenblatt", "torch")}


@workload("conv3x3_64_fwd_bwd", target=Target.ratio_at_most(1.2))
def conv3x3_64_fwd_bwd(quick: bool = False) -> dict[str, Callable[[], Any]]:
    batch = 16 if quick else 64
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((batch, 64, 32, 32)).astype(numpy.float32)
    g = rng.standard_normal((batch, 64, 32, 32)).astype(numpy.float32)
    (rw, rbias), (tw, tbias) = _params([(64, 64, 3, 3), (64,)])
    rx, rg = rb.Tensor(x, requires_grad=True), rb.Tensor(g)
    tx, tg = torch.from_numpy(x).requires_grad_(), torch.from_numpy(g)

    def rb_run() -> None:
        rx.grad = rw.grad = rbias.grad = None
        conv2d(rx, rw, rbias, padding=1).backward(rg)

    def torch_run() -> None:
        tx.grad = tw.grad = tbias.grad = None
        torch.nn.functional.conv2d(tx, tw, tbias, padding=1).backward(tg)

    return {"rosenblatt": rb_run, "torch": torch_run}
