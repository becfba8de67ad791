"""Joining and splitting tensors: cat, stack, split, chunk, unbind.

``cat`` and ``stack`` compute in the inputs' promoted dtype, as PyTorch's; the pieces of
``split``, ``chunk`` and ``unbind`` are views of the input (slices), whose gradients add into
the input's own.
"""
from __future__ import annotations

from typing import Any, Sequence

from .._backend import xp
from ..autograd.function import Function
from ..tensor import Tensor
from ._dims import dim_index
from .arithmetic import result_type
from .shape import _data


class Cat(Function):
    def forward(self, *xs, axis=0):
        self.axis = axis
        self.bounds = list(xp.cumsum([x.shape[axis] for x in xs[:-1]]))
        return xp.concatenate(xs, axis=axis, dtype=result_type(*xs))  # int64 with float32: float32

    def backward(self, grad):
        return tuple(xp.split(grad, self.bounds, axis=self.axis))


class Stack(Function):
    def forward(self, *xs, axis=0):
        self.axis = axis
        return xp.stack(xs, axis=axis, dtype=result_type(*xs))  # int64 with float32: float32

    def backward(self, grad):
        return tuple(xp.moveaxis(grad, self.axis, 0))


def _check_same_shapes(op: str, tensors: Sequence[Any], skip: int | None) -> tuple:
    shapes = [tuple(_data(t).shape) for t in tensors]
    if not shapes:
        raise ValueError(f"{op}(): expected a non-empty list of tensors")
    first = shapes[0]
    for i, s in enumerate(shapes):
        same = len(s) == len(first) and all(a == b for d, (a, b) in enumerate(zip(s, first)) if d != skip)
        if not same:
            what = "all dims except dim %d" % skip if skip is not None else "the same shape"
            raise ValueError(f"{op}(): tensors must match in {what}; tensor 0 has shape "
                             f"{list(first)} but tensor {i} has shape {list(s)}")
    return first


def cat(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Join tensors along an existing dim.

    ``concat`` and ``concatenate`` are the same function.  1-d empty tensors are skipped,
    as in PyTorch.

    Args:
        tensors (sequence of Tensor): tensors of one shape except along ``dim``.
        dim (int): the dim to join along (default 0).

    Shape: ``(*a, n_i, *b)`` each -> ``(*a, sum(n_i), *b)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cat([rb.tensor([[1, 2], [3, 4]]), rb.tensor([[5, 6]])])
        tensor([[1, 2],
                [3, 4],
                [5, 6]])
    """
    tensors = [t for t in tensors if not (_data(t).ndim == 1 and _data(t).shape[0] == 0)] or list(tensors)[:1]
    ndim = _data(tensors[0]).ndim if tensors else 0
    axis = dim_index(dim, ndim, "cat")
    _check_same_shapes("cat", tensors, axis)
    return Cat.apply(*tensors, axis=axis)


concat = concatenate = cat


def stack(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dim.

    Args:
        tensors (sequence of Tensor): tensors of one shape.
        dim (int): the new dim's position in the result (default 0).

    Shape: ``k`` tensors of ``(*a, *b)`` -> ``(*a, k, *b)`` with ``len(a) == dim``.

    Example:
        >>> import rosenblatt as rb
        >>> a, b = rb.tensor([1, 2]), rb.tensor([3, 4])
        >>> rb.stack([a, b])
        tensor([[1, 2],
                [3, 4]])
        >>> rb.stack([a, b], 1)
        tensor([[1, 3],
                [2, 4]])
    """
    first = _check_same_shapes("stack", list(tensors), None)
    return Stack.apply(*tensors, axis=dim_index(dim, len(first) + 1, "stack"))


def split(input: Any, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes.

    Args:
        input (Tensor): the tensor to split.
        split_size_or_sections (int or sequence of ints): the size of each piece, or the list
            of sizes, which must sum to ``input.shape[dim]``.
        dim (int): the dim to split along (default 0).

    Returns:
        a tuple of tensors, views of ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.split(rb.arange(5), 2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> rb.split(rb.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    size = _data(input).shape[dim_index(dim, _data(input).ndim, "split")]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise ValueError(f"split(): split_size must be positive, got {step}")
        sections = [min(step, size - i) for i in range(0, size, step)] or [0]
    else:
        sections = list(split_size_or_sections)
        if sum(sections) != size:
            raise ValueError(f"split(): sizes {sections} sum to {sum(sections)}, but dim {dim} has "
                             f"size {size}")
    return narrow_all(input, sections, dim)


def split_with_sizes(input: Any, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of the given sizes along ``dim``: ``split`` with a list of sizes, which must be
    non-negative and sum exactly to ``input.shape[dim]``.

    Args:
        input (Tensor): the tensor to split.
        split_sizes (sequence of ints): the size of each piece.
        dim (int): the dim to split along (default 0).

    Returns:
        a tuple of tensors, views of ``input``; gradients flow back to ``input``'s parts.

    Example:
        >>> import rosenblatt as rb
        >>> rb.split_with_sizes(rb.arange(5), [2, 3])
        (tensor([0, 1]), tensor([2, 3, 4]))
    """
    if isinstance(split_sizes, int) or not all(isinstance(n, int) for n in split_sizes):
        raise TypeError(f"split_with_sizes(): split_sizes must be a sequence of ints, got {split_sizes!r}; "
                        f"split() takes one size for equal pieces")
    sections = list(split_sizes)
    if any(n < 0 for n in sections):
        raise ValueError(f"split_with_sizes(): the sizes must be non-negative, got {sections}")
    size = _data(input).shape[dim_index(dim, _data(input).ndim, "split_with_sizes()")]
    if sum(sections) != size:
        raise ValueError(f"split_with_sizes(): sizes {sections} sum to {sum(sections)}, but dim {dim} "
                         f"has size {size}; they must sum to it exactly")
    return narrow_all(input, sections, dim)


def narrow_all(input: Any, sections: Sequence[int], dim: int) -> tuple[Tensor, ...]:
    from .indexing import getitem
    axis = dim_index(dim, _data(input).ndim, "split")
    lead = (slice(None),) * axis
    starts = [0] + list(xp.cumsum(sections)[:-1])
    return tuple(getitem(input, lead + (slice(int(s), int(s) + n),)) for s, n in zip(starts, sections))


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into ``chunks`` pieces of equal size (the last may be smaller).

    Each piece has ``ceil(n / chunks)`` entries along ``dim``, so there may be fewer than
    ``chunks`` pieces, as in PyTorch.

    Args:
        input (Tensor): the tensor to split.
        chunks (int): the number of pieces, > 0.
        dim (int): the dim to split along (default 0).

    Returns:
        a tuple of tensors, views of ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.chunk(rb.arange(5), 2)
        (tensor([0, 1, 2]), tensor([3, 4]))
    """
    if chunks <= 0:
        raise ValueError(f"chunk(): chunks must be positive, got {chunks}")
    size = _data(input).shape[dim_index(dim, _data(input).ndim, "chunk")]
    if size == 0:  # PyTorch gives `chunks` empty pieces
        return narrow_all(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


def unbind(input: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices of ``input`` along ``dim``, that dim removed: ``(input[0], input[1], ...)``.

    Args:
        input (Tensor): the tensor.
        dim (int): the dim to take apart (default 0).

    Returns:
        a tuple of ``input.shape[dim]`` tensors of ``input``'s shape without ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.unbind(rb.tensor([[1, 2], [3, 4]]), 1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    from .indexing import getitem
    if _data(input).ndim == 0:
        raise IndexError(f"unbind: dimension specified as {dim} but the tensor has no dimensions; "
                         f"a 0-d tensor has no slices (use .item() for its value)")
    axis = dim_index(dim, _data(input).ndim, "unbind")
    return tuple(getitem(input, (slice(None),) * axis + (i,)) for i in range(_data(input).shape[axis]))
