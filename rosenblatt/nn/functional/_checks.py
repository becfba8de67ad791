"""Argument checks shared by the functional ops: dtype agreement and floating-point inputs."""
from __future__ import annotations

from typing import Any

from ...ops.pointwise import check_floating  # noqa: F401  (the functional ops take it from here)


def check_dtype(op: str, input: Any, **params: Any) -> None:
    """Raise unless each parameter (an array or a Tensor; None: absent) has ``input``'s dtype.

    PyTorch's layers refuse mixed dtypes; NumPy would promote silently (a float64 or
    int64 input to a float32 layer gave a float64 output).
    """
    for name, p in params.items():
        if p is not None and p.dtype != input.dtype:
            raise RuntimeError(f"{op}: input dtype {input.dtype} does not match {name} dtype "
                               f"{p.dtype}; convert one, e.g. input.to({name}.dtype)")
