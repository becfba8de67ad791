"""PyTorch's other names for ops rosenblatt has: ``negative``, ``absolute``, ``swapdims``,
``row_stack``, ``ger``, ``vdot`` and ``rsub``.

Each is the op it names (or that op with its arguments swapped, ``rsub``), so its dtypes,
errors and gradients are that op's; only the checks PyTorch makes under the new name
(``vdot``'s) are its own.
"""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .arithmetic import neg, sub
from .linalg import _check_dtypes, dot, outer
from .pointwise import abs
from .shape import transpose
from .stacking import vstack

#: ``-input`` (``neg``): PyTorch's ``torch.negative``.
negative = neg
#: ``|input|`` (``abs``): PyTorch's ``torch.absolute``.
absolute = abs
#: ``transpose(input, dim0, dim1)``: PyTorch's ``torch.swapdims`` (NumPy's ``swapaxes``).
swapdims = transpose
#: ``vstack``: PyTorch's ``torch.row_stack``.
row_stack = vstack
#: ``outer``: PyTorch's older name ``torch.ger``.
ger = outer


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``other - alpha * input``: ``sub`` with its operands swapped.

    Args:
        input (Tensor or number): subtracted, times ``alpha``.
        other (Tensor or number): subtracted from, broadcast with ``input``.
        alpha (number): the multiplier of ``input`` (default 1).

    Shape: the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.rsub(rb.tensor([1.0, 2.0]), 10.0)
        tensor([9., 8.])
        >>> rb.rsub(rb.tensor([1.0, 2.0]), rb.tensor([3.0, 3.0]), alpha=2)
        tensor([ 1., -1.])
    """
    return sub(other, input, alpha=alpha)


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """The inner product ``sum_i conj(input_i) * other_i`` of two 1-d tensors of one dtype.

    Real tensors, the only kind in this release, have no conjugate: this is ``dot``.

    Args:
        input (Tensor): a 1-d tensor.
        other (Tensor): a 1-d tensor of the same length and dtype.

    Shape: ``(n,), (n,) -> ()``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.vdot(rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0]))
        tensor(11.)
    """
    x, y = _data(input, "vdot"), _data(other, "vdot")
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"vdot: expected 1-d tensors, got shapes {list(x.shape)} and {list(y.shape)}")
    if x.shape != y.shape:
        raise ValueError(f"vdot: expected tensors of the same length, got {x.shape[0]} and {y.shape[0]}")
    _check_dtypes("vdot", x, y)
    return dot(input, other)


def _data(t: Any, op: str) -> Any:
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): expected a Tensor, got {type(t).__name__}")
    return t.data
