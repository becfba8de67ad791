"""Flatten parameters into one vector and back (for line searches, second-order methods)."""
from __future__ import annotations

from typing import Iterable

from ... import ops
from ...tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-d tensor (differentiable).

    Example:
        >>> import rosenblatt as rb
        >>> parameters_to_vector([rb.ones(2, 2), rb.zeros(3)]).shape
        (7,)
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return ops.cat([ops.reshape(p, -1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters, in order, in place.

    Unlike PyTorch, which rebinds each ``param.data`` to a view of ``vec``, the
    values are copied into the parameters' own arrays (so they keep their dtype
    and stay independent of ``vec``).

    Example:
        >>> import rosenblatt as rb
        >>> a, b = rb.zeros(2), rb.zeros(1)
        >>> vector_to_parameters(rb.tensor([1.0, 2.0, 3.0]), [a, b])
        >>> b
        tensor([3.])
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters(): expected a Tensor, but got {type(vec).__name__}")
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    total = sum(p.numel() for p in parameters)
    if vec.ndim != 1 or vec.numel() != total:
        raise ValueError(f"vector_to_parameters(): vec must be 1-d with {total} elements (the "
                         f"parameters' total), got shape {tuple(vec.shape)}")
    offset = 0
    for p in parameters:
        n = p.numel()
        p.data[...] = vec.data[offset:offset + n].reshape(p.shape)
        offset += n
