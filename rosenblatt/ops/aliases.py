"""PyTorch's other names for ops rosenblatt has: ``negative``, ``absolute``, ``swapdims``,
``row_stack``, ``ger``, ``fix``, ``vdot``, ``rsub``, ``adjoint`` (and ``Tensor.H``), ``narrow_copy``
and the ``unsafe_`` forms of ``chunk``/``split``/``split_with_sizes``.

Each is the op it names (or that op with its arguments swapped, ``rsub``), so its dtypes,
errors and gradients are that op's; only the checks PyTorch makes under the new name
(``vdot``'s) are its own.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from ..tensor import Tensor
from ._dims import dim_index
from .arithmetic import neg, sub
from .joining import chunk, split, split_with_sizes
from .linalg import _check_dtypes, dot, outer
from .pointwise import abs, trunc
from .shape import clone, narrow, permute, transpose
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
#: ``trunc``, rounding toward zero: PyTorch's ``torch.fix``.
fix = trunc
#: ``chunk``: PyTorch's ``torch.unsafe_chunk``, whose pieces skip autograd's view checks there;
#: here they are ``chunk``'s (views of the input, as ``x[i]`` is).
unsafe_chunk = chunk
#: ``split_with_sizes``: PyTorch's ``torch.unsafe_split_with_sizes`` (see ``unsafe_chunk``).
unsafe_split_with_sizes = split_with_sizes


def unsafe_split(input: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``split`` into pieces of ``split_size`` along ``dim`` (the last one smaller): PyTorch's
    ``torch.unsafe_split``, which takes one int only (a list of sizes is
    ``unsafe_split_with_sizes``).

    Args:
        input (Tensor): the tensor to split.
        split_size (int): the size of each piece.
        dim (int): the dim to split along (default 0).

    Example:
        >>> import rosenblatt as rb
        >>> [p.tolist() for p in rb.unsafe_split(rb.tensor([1, 2, 3, 4, 5]), 2)]
        [[1, 2], [3, 4], [5]]
    """
    if isinstance(split_size, bool) or not isinstance(split_size, int):
        raise TypeError(f"unsafe_split(): split_size must be an int, got {type(split_size).__name__}; "
                        f"give a list of sizes to unsafe_split_with_sizes")
    return split(input, split_size, dim)


def narrow_copy(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """``narrow``'s ``length`` entries from ``start`` along ``dim``, as a new tensor (a copy, not
    a view).

    Args:
        input (Tensor): the tensor.
        dim (int): the dim to narrow.
        start (int or 0-d Tensor): the first entry kept (negative counts from the end).
        length (int): how many entries to keep.

    Shape: ``input``'s shape with ``length`` at ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.narrow_copy(rb.tensor([[0, 1, 2], [3, 4, 5]]), 1, 1, 2)
        tensor([[1, 2],
                [4, 5]])
    """
    data = _data(input, "narrow_copy")
    if data.ndim == 0:
        raise ValueError("narrow_copy(): a 0-d tensor has no dim to narrow")
    size = data.shape[dim_index(dim, data.ndim, "narrow_copy")]
    begin = int(start) + size if int(start) < 0 else int(start)
    if not 0 <= begin <= size or length < 0 or begin + length > size:
        raise ValueError(f"narrow_copy(): start ({start}) + length ({length}) exceeds dimension size "
                         f"({size}), or one of them is negative")
    return clone(narrow(input, dim, begin, length))


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims; real tensors, the only kind in this release,
    have no conjugate, so this is ``transpose(input, -2, -1)`` (a view, as ``Tensor.mH``).

    Args:
        input (Tensor): a matrix or a batch of matrices, ``(*, n, m)``.

    Shape: ``(*, n, m) -> (*, m, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.adjoint(rb.tensor([[1, 2, 3], [4, 5, 6]]))
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
    """
    ndim = _data(input, "adjoint").ndim
    if ndim < 2:
        raise ValueError(f"adjoint(): expected a matrix or a batch of matrices, got a {ndim}-d tensor")
    return transpose(input, -2, -1)


def matrix_H(input: Tensor) -> Tensor:
    """``Tensor.H``: the conjugate transpose of a matrix (2-d only; ``mH`` takes batches), the
    transpose for real tensors.  A 0-d tensor comes back as it is, with PyTorch's warning."""
    ndim = input.ndim
    if ndim == 0:
        warnings.warn("Tensor.H is deprecated on 0-d tensors, as in PyTorch; use the tensor itself",
                      UserWarning, stacklevel=2)
        return permute(input, ())
    if ndim != 2:
        raise ValueError(f"Tensor.H: only matrices (2-d tensors) have one, got a {ndim}-d tensor"
                         + ("; use .mH for batches of matrices" if ndim > 2 else ""))
    return transpose(input, 0, 1)


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
