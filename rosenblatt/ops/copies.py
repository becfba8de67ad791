"""PyTorch's ``*_copy`` ops: a view op's result as a tensor of its own memory.

``torch.transpose_copy(x, 0, 1)`` is ``x.transpose(0, 1).clone()``: the same values, shape,
dtype and gradient as the view op, written into new memory, so writing into the result never
reaches ``x`` (nor ``x`` the result).  Each function here is its view op followed by
``clone``, so its gradient is the view op's; only the checks PyTorch makes that the view op
here doesn't (``t_copy`` of a 3-d tensor, ``unbind_copy`` of a 0-d one, ...) are their own.
``detach_copy`` and ``view_copy`` to another dtype are outside the graph, as detaching and
reinterpreting bits are.
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

from .._backend import xp
from ..tensor import Tensor
from ._dims import dim_index
from .indexing import getitem
from .joining import split, split_with_sizes, unbind
from .shape import clone, expand, permute, reshape, squeeze, t, transpose, unfold, unsqueeze
from .stacking import diagonal, select

__all__ = ["alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy",
           "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
           "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy",
           "unsqueeze_copy", "view_copy"]


def _tensor(input: Any, op: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    return input


def alias_copy(input: Tensor) -> Tensor:
    """A copy of ``input`` (``torch.alias`` is ``input`` itself), in the graph as ``clone``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, 2.0])
        >>> y = rb.alias_copy(x)
        >>> y.tolist(), y.data is x.data
        ([1.0, 2.0], False)
    """
    return clone(_tensor(input, "alias_copy"))


def detach_copy(input: Tensor) -> Tensor:
    """A copy of ``input`` cut from the graph: ``input.detach().clone()``.

    PyTorch's result claims a gradient whose backward then raises ("not implemented"); this
    one doesn't require grad, as ``detach()``'s doesn't.

    Example:
        >>> import rosenblatt as rb
        >>> rb.detach_copy(rb.ones(2, requires_grad=True)).requires_grad
        False
    """
    return clone(_tensor(input, "detach_copy").detach())


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``diagonal(input, offset, dim1, dim2)`` as a new tensor: ``out[..., i] = input[..., i, i + offset]``.

    Args:
        input (Tensor): at least 2 dims.
        offset (int): which diagonal (0 the main one, > 0 above it, < 0 below).
        dim1, dim2 (int): the dims of the rows and the columns (default 0 and 1).

    Example:
        >>> import rosenblatt as rb
        >>> rb.diagonal_copy(rb.tensor([[1, 2, 3], [4, 5, 6]]), 1)
        tensor([2, 6])
    """
    return clone(diagonal(_tensor(input, "diagonal_copy"), offset, dim1, dim2))


def expand_copy(input: Tensor, size: Sequence[int], *, implicit: bool = False) -> Tensor:
    """``input.expand(size)`` as a new tensor (its repeated entries each with memory of their own).

    Args:
        input (Tensor): the tensor; each of its size-1 dims may grow.
        size (sequence of ints): the new shape; -1 keeps a dim's size.
        implicit (bool): PyTorch's tracing flag, accepted and ignored.

    Example:
        >>> import rosenblatt as rb
        >>> rb.expand_copy(rb.tensor([[1], [2]]), (2, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    return clone(expand(_tensor(input, "expand_copy"), _sizes(size, "expand_copy")))


def permute_copy(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``input.permute(dims)`` as a new tensor: dim ``i`` of the result is dim ``dims[i]`` of ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.permute_copy(rb.zeros(2, 3, 4), (2, 0, 1)).shape
        (4, 2, 3)
    """
    return clone(permute(_tensor(input, "permute_copy"), _sizes(dims, "permute_copy")))


def select_copy(input: Tensor, dim: int, index: int) -> Tensor:
    """``input.select(dim, index)`` as a new tensor: the slice at ``index`` along ``dim``, that dim removed.

    Example:
        >>> import rosenblatt as rb
        >>> rb.select_copy(rb.tensor([[1, 2], [3, 4]]), 1, -1)
        tensor([2, 4])
    """
    return clone(select(_tensor(input, "select_copy"), dim, index))


def slice_copy(input: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,
               step: int = 1) -> Tensor:
    """``input[..., start:end:step]`` along ``dim``, as a new tensor (PyTorch's ``aten::slice``).

    ``start`` and ``end`` are clamped to the dim as Python's slices are; a negative one counts
    from the end.

    Args:
        input (Tensor): at least 1 dim.
        dim (int): the dim to slice (default 0).
        start (int, optional): the first index kept (default 0).
        end (int, optional): the index it stops before (default the dim's size).
        step (int): the stride, positive (default 1).

    Example:
        >>> import rosenblatt as rb
        >>> rb.slice_copy(rb.arange(10), 0, 1, 8, 3)
        tensor([1, 4, 7])
    """
    data = _tensor(input, "slice_copy").data
    if data.ndim == 0:
        raise IndexError("slice_copy(): slice() cannot be applied to a 0-dim tensor")
    axis = dim_index(dim, data.ndim, "slice_copy()")
    start, end, step = (None if v is None else operator.index(v) for v in (start, end, step))
    if step is None or step <= 0:
        raise ValueError(f"slice_copy(): slice step must be positive, got {step}; flip() reverses a dim")
    return clone(getitem(input, (slice(None),) * axis + (slice(start, end, step),)))


def split_copy(input: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``split(input, split_size, dim)`` as new tensors: pieces of ``split_size`` (the last
    may be smaller).  An int only, as PyTorch's; a list of sizes is ``split_with_sizes_copy``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.split_copy(rb.arange(5), 2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    if isinstance(split_size, bool) or not hasattr(type(split_size), "__index__"):
        raise TypeError(f"split_copy(): split_size must be an int, got {type(split_size).__name__}; "
                        f"give a list of sizes to split_with_sizes_copy")
    return tuple(clone(p) for p in split(_tensor(input, "split_copy"), operator.index(split_size), dim))


def split_with_sizes_copy(input: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """``split_with_sizes(input, split_sizes, dim)`` as new tensors; the sizes must sum to the dim's size.

    Example:
        >>> import rosenblatt as rb
        >>> rb.split_with_sizes_copy(rb.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    pieces = split_with_sizes(_tensor(input, "split_with_sizes_copy"), split_sizes, dim)
    return tuple(clone(p) for p in pieces)


def squeeze_copy(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """``squeeze(input, dim)`` as a new tensor: the size-1 dims (of ``dim``, when given) removed.

    Example:
        >>> import rosenblatt as rb
        >>> rb.squeeze_copy(rb.zeros(1, 2, 1)).shape, rb.squeeze_copy(rb.zeros(1, 2, 1), 0).shape
        ((2,), (2, 1))
    """
    return clone(squeeze(_tensor(input, "squeeze_copy"), dim))


def t_copy(input: Tensor) -> Tensor:
    """``input.t()`` as a new tensor: a matrix transposed; 0-d and 1-d tensors as they are.

    Example:
        >>> import rosenblatt as rb
        >>> rb.t_copy(rb.tensor([[1, 2, 3]]))
        tensor([[1],
                [2],
                [3]])
    """
    ndim = _tensor(input, "t_copy").ndim
    if ndim > 2:
        raise ValueError(f"t_copy(): t() expects a tensor with <= 2 dimensions, but input is {ndim}-d; "
                         f"use transpose_copy(input, dim0, dim1)")
    return clone(t(input))


def transpose_copy(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``input.transpose(dim0, dim1)`` as a new tensor: the two dims swapped.

    Example:
        >>> import rosenblatt as rb
        >>> rb.transpose_copy(rb.zeros(2, 3, 4), 0, 2).shape
        (4, 3, 2)
    """
    return clone(transpose(_tensor(input, "transpose_copy"), dim0, dim1))


def unbind_copy(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """``unbind(input, dim)`` as new tensors: the slices along ``dim``, that dim removed.

    Example:
        >>> import rosenblatt as rb
        >>> rb.unbind_copy(rb.tensor([[1, 2], [3, 4]]), 1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    if _tensor(input, "unbind_copy").ndim == 0:
        raise IndexError(f"unbind_copy(): dimension specified as {dim} but the tensor has no dimensions")
    return tuple(clone(p) for p in unbind(input, dim))


def unfold_copy(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``input.unfold(dimension, size, step)`` as a new tensor: the windows of ``size`` along
    ``dimension``, ``step`` apart, in a new last dim (overlapping ones each copied).

    Example:
        >>> import rosenblatt as rb
        >>> rb.unfold_copy(rb.arange(5), 0, 3, 2)
        tensor([[0, 1, 2],
                [2, 3, 4]])
    """
    return clone(unfold(_tensor(input, "unfold_copy"), dimension, size, step))


def unsqueeze_copy(input: Tensor, dim: int) -> Tensor:
    """``input.unsqueeze(dim)`` as a new tensor: a size-1 dim inserted at ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.unsqueeze_copy(rb.zeros(2, 3), -1).shape
        (2, 3, 1)
    """
    return clone(unsqueeze(_tensor(input, "unsqueeze_copy"), dim))


def view_copy(input: Tensor, size: Any) -> Tensor:
    """``input.view(size)`` as a new tensor; ``view_copy(input, dtype)`` reinterprets the bits.

    Unlike ``view``, ``view_copy`` works whatever ``input``'s layout (as PyTorch's).  With a
    dtype the result is outside the graph, as PyTorch's (bits aren't differentiable); its last
    dim scales by the ratio of the item sizes.

    Args:
        input (Tensor): the tensor.
        size (sequence of ints or dtype): the new shape (one -1 is inferred), or a dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.view_copy(rb.arange(6), (2, -1))
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> rb.view_copy(rb.tensor([1.0]), rb.int32)
        tensor([1065353216], dtype=int32)
    """
    _tensor(input, "view_copy")
    if not isinstance(size, (tuple, list)):
        if isinstance(size, int) or hasattr(type(size), "__index__"):
            raise TypeError(f"view_copy(): size must be a sequence of ints or a dtype, got {size!r}; "
                            f"write view_copy(input, ({size},))")
        return Tensor._wrap(xp.ascontiguousarray(input.data).view(xp.dtype(size)).copy())
    try:
        return clone(reshape(input, _sizes(size, "view_copy")))
    except ValueError as error:
        raise ValueError(f"view_copy(): {error}") from None


def as_strided_copy(input: Tensor, size: Sequence[int], stride: Sequence[int],
                    storage_offset: int | None = None) -> Tensor:
    """``as_strided(input, size, stride, storage_offset)`` as a new tensor: element ``[i0, i1, ...]``
    is storage element ``storage_offset + sum(ik * stride[k])`` (see ``as_strided``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.as_strided_copy(rb.arange(6.0), (2, 2), (1, 2))
        tensor([[0., 2.],
                [1., 3.]])
    """
    from .._strided import as_strided  # here: _strided imports the tensor, loaded on first use
    return clone(as_strided(_tensor(input, "as_strided_copy"), size, stride, storage_offset))


def _sizes(size: Any, op: str) -> tuple[int, ...]:
    """A sequence of ints, as PyTorch's ``int[]`` arguments (one int alone is a TypeError there)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{op}(): expected a sequence of ints, got {type(size).__name__}; write "
                        f"{op}(input, (2, 3)), not {op}(input, 2, 3)")
    try:
        return tuple(operator.index(s) for s in size)
    except TypeError:
        raise TypeError(f"{op}(): expected a sequence of ints, got {list(size)!r}") from None
