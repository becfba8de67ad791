"""Foundation workloads: per-op overhead, import time, a big matmul's forward+backward."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import numpy
import torch

import rosenblatt as rb

from .harness import Target, workload

CHAIN_REPEATS = 50  # four ops each: 200 element-wise ops
ROOT = Path(__file__).resolve().parent.parent


def _chain(x: Any, w: Any) -> Any:
    # Same code for both libraries: the ops are Tensor methods with PyTorch's names.
    y = x
    for _ in range(CHAIN_REPEATS):
        y = y * w
        y = y + x
        y = y.tanh()
        y = y - w
    return y


def _chain_inputs() -> tuple[Any, ...]:
    """8x8 float32 x, w (requiring grad) and an upstream gradient, for both libraries."""
    torch.manual_seed(0)
    x, w, g = (torch.randn(8, 8) for _ in range(3))
    rx, rw = (rb.from_numpy(t.numpy().copy()).requires_grad_() for t in (x, w))
    return rx, rw, rb.from_numpy(g.numpy().copy()), x.requires_grad_(), w.requires_grad_(), g


@workload("per-op overhead: 200 ops 8x8 forward", target=Target.ratio_at_most(0.5),
          per=4 * CHAIN_REPEATS)
def per_op_forward() -> dict[str, Callable[[], Any]]:
    rx, rw, _, tx, tw, _ = _chain_inputs()
    return {"rosenblatt": lambda: _chain(rx, rw), "torch": lambda: _chain(tx, tw)}


@workload("per-op overhead: 200 ops 8x8 forward+backward", target=Target.ratio_at_most(0.5),
          per=4 * CHAIN_REPEATS)
def per_op_forward_backward() -> dict[str, Callable[[], Any]]:
    rx, rw, rg, tx, tw, tg = _chain_inputs()

    def step(x: Any, w: Any, g: Any) -> None:
        x.grad = w.grad = None  # fresh gradients each call, no accumulation cost
        _chain(x, w).backward(g)

    return {"rosenblatt": lambda: step(rx, rw, rg), "torch": lambda: step(tx, tw, tg)}


def _import_seconds(module: str) -> Callable[[], float]:
    """Wall time of ``import module`` in a fresh interpreter, timed inside it."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    # A user's import reads cached bytecode (pip compiles installed packages, and the first
    # import writes it for a source checkout); with PYTHONDONTWRITEBYTECODE set, every timed
    # import would compile rosenblatt from source (~40 ms here) but not numpy or torch.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run() -> float:
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
        return float(out.strip().splitlines()[-1])

    return run


@workload("import time (fresh interpreter)", target=Target.seconds_below(0.15), baseline="torch",
          self_timed=True)
def import_time() -> dict[str, Callable[[], float]]:
    return {name: _import_seconds(name) for name in ("rosenblatt", "torch", "numpy")}


@workload("matmul 1024x1024 float32 forward+backward", target=Target.throughput_at_least(0.9),
          baseline="numpy")
def matmul_1024() -> dict[str, Callable[[], Any]]:
    gen = rb.Generator().manual_seed(0)
    ra, rbm, rg = (rb.randn(1024, 1024, generator=gen) for _ in range(3))
    a, b, g = (t.numpy().copy() for t in (ra, rbm, rg))
    ra.requires_grad_()
    rbm.requires_grad_()
    ta, tb, tg = (torch.from_numpy(v.copy()) for v in (a, b, g))
    ta.requires_grad_()
    tb.requires_grad_()

    def autograd(x: Any, y: Any, grad: Any) -> None:
        x.grad = y.grad = None
        (x @ y).backward(grad)

    def by_hand() -> None:
        a @ b
        g @ b.T
        a.T @ g

    return {"rosenblatt": lambda: autograd(ra, rbm, rg), "numpy": by_hand,
            "torch": lambda: autograd(ta, tb, tg)}
