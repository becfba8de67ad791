"""Argument checks shared by the functional ops: dtype agreement and floating-point inputs."""
from __future__ import annotations

from typing import Any


def check_dtype(op: str, input: Any, **params: Any) -> None:
    """Raise unless each parameter (an array or a Tensor; None: absent) has ``input``'s dtype.

    PyTorch's layers refuse mixed dtypes; NumPy would promote silently (a float64 or
    int64 input to a float32 layer gave a float64 output).
    """
    for name, p in params.items():
        if p is not None and p.dtype != input.dtype:
            raise RuntimeError(f"{op}: input dtype {input.dtype} does not match {name} dtype "
                               f"{p.dtype}; convert one, e.g. input.to({name}.dtype)")


def check_floating(op: str, x: Any, or_int64: bool = False) -> None:
    """Raise PyTorch's refusal of an integer or bool input where it has floating-point kernels
    only ("not implemented for 'Long'"); NumPy would give float64, or integers truncated.
    ``or_int64``: the op also has an int64 kernel (avg_pool2d), so int64 passes."""
    if x.dtype.kind != "f" and not (or_int64 and x.dtype == "int64"):
        raise TypeError(f"{op}: expected a floating-point{' or int64' if or_int64 else ''} input, "
                        f"got dtype {x.dtype}; convert it first, e.g. x.float()")
