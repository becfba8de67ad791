"""Shared helpers: parameter broadcasting, logits <-> probabilities, lazy properties."""
from __future__ import annotations

from numbers import Number
from typing import Any, Callable

from .. import ops
from .. import _backend
from .._backend import xp
from ..creation import tensor as _tensor
from ..ops.softmax import softmax
from ..tensor import Tensor


class lazy_property:
    """Computed on first access, then stored on the instance (PyTorch's ``lazy_property``):
    ``Bernoulli(probs=p).logits`` is worked out once, and only if asked for."""

    def __init__(self, wrapped: Callable[[Any], Any]) -> None:
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance: Any, obj_type: Any = None) -> Any:
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """Tensors (numbers become 0-d tensors of the tensors' dtype, or the default dtype) broadcast together.

    A Python number takes the float dtype of the tensors given with it, so a float32 ``loc``
    and ``scale=1.0`` stay float32.
    """
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        kinds = ", ".join(type(v).__name__ for v in values)
        raise ValueError(f"distribution parameters must be Tensors or numbers, got {kinds}")
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), _backend.default_float)
    tensors = [v if isinstance(v, Tensor) else _tensor(v, dtype=dtype) for v in values]
    if all(isinstance(v, Tensor) for v in values) and len({t.shape for t in tensors}) == 1:
        return tuple(tensors)
    return tuple(ops.broadcast_tensors(*tensors))


def sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """``value`` summed over its ``dim`` rightmost dimensions (unchanged for 0)."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:value.ndim - dim] + (-1,)).sum(-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """``probs`` clamped to ``[eps, 1 - eps]`` of its dtype, so logs stay finite."""
    eps = float(xp.finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Log-odds of binary probabilities, or the log of categorical ones (clamped first)."""
    clamped = clamp_probs(probs)
    return clamped.log() - (-clamped).log1p() if is_binary else clamped.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """``sigmoid(logits)`` for binary logits, ``softmax(logits, -1)`` for categorical ones."""
    return logits.sigmoid() if is_binary else softmax(logits, -1)
