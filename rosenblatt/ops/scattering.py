"""Writing entries at positions, as PyTorch's: ``index_copy``, ``masked_scatter``, the
``*_scatter`` ops (``select_scatter``, ``slice_scatter``, ``diagonal_scatter``: a tensor
written into one view of another), and ``unravel_index`` (flat positions to coordinates).

All but ``unravel_index`` are ``scatter`` and ``x[index] = values`` (``index_put``) with
their own argument checks, so their gradients are those ops': the overwritten entries of
``input`` get none, each written entry of ``source`` the gradient where it landed.
"""
from __future__ import annotations

import math
import operator
from typing import Any, Sequence

from .._backend import xp
from ..autograd.function import as_array, tensor_of
from ..tensor import Tensor
from ._dims import dim_index
from .indexing import Scatter, index_put
from .pointwise import to_dtype
from .shape import contiguous, expand, movedim, reshape


def _same_dtype(op: str, input: Tensor, source: Tensor) -> None:
    if input.dtype != source.dtype:
        raise TypeError(f"{op}(): input and source must have the same dtype, got {input.dtype} and "
                        f"{source.dtype}; convert source with .to({input.dtype})")


def index_copy(input: Any, dim: int, index: Any, source: Any) -> Tensor:
    """``input`` with its slices ``index[i]`` along ``dim`` replaced by ``source``'s slices ``i``.

    ``out[..., index[i], ...] = source[..., i, ...]``.  Where ``index`` repeats a position the
    last slice written stays (PyTorch leaves it unspecified; its CPU kernel does the same).

    Args:
        input (Tensor): the tensor to copy into (not changed; ``Tensor.index_copy_`` does).
        dim (int): the dim along which to index.
        index (Tensor): 0-d or 1-d integer positions in ``[0, input.shape[dim])``.
        source (Tensor): the slices to copy, of ``input``'s dtype.

    Shape: ``source`` is ``input``'s shape with ``len(index)`` along ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.index_copy(rb.zeros(2, 3), 1, rb.tensor([2, 0]), rb.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
        [[2.0, 0.0, 1.0], [4.0, 0.0, 3.0]]
    """
    input, source = tensor_of(input, "index_copy"), tensor_of(source, "index_copy")
    idx = as_array(index, "index_copy")
    if idx.dtype.kind not in "iu":
        raise TypeError(f"index_copy(): index must be an integer tensor, got {idx.dtype}")
    if idx.ndim > 1:
        raise ValueError(f"index_copy(): index must be 0-d or 1-d, got shape {list(idx.shape)}")
    _same_dtype("index_copy", input, source)
    if input.ndim == 0:  # one entry: the index is 0 and source one value
        dim = dim_index(dim, 1, "index_copy()")
        out = index_copy(reshape(input, (1,)), dim, index, reshape(source, (-1,)))
        return reshape(out, ())
    axis = dim_index(dim, input.ndim, "index_copy()")
    size = input.shape[axis]
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise IndexError(f"index_copy(): index out of range for dim {dim} of size {size}: the indices must "
                         f"be in [0, {size - 1}], got values in [{idx.min()}, {idx.max()}]")
    expected = input.shape[:axis] + (idx.size,) + input.shape[axis + 1:]
    if source.shape != expected:
        if source.numel() != math.prod(expected) or source.ndim not in (0, len(expected)):
            raise ValueError(f"index_copy(): source must have shape {list(expected)} (input's, with "
                             f"{idx.size} along dim {dim} for {idx.size} indices), got {list(source.shape)}")
        source = reshape(source, expected)  # a one-element source for one index
    where = xp.broadcast_to(idx.reshape((1,) * axis + (-1,) + (1,) * (input.ndim - axis - 1)), expected)
    return Scatter.apply(input, where, source, axis=axis)


def masked_scatter(input: Any, mask: Any, source: Any) -> Tensor:
    """``input`` with its entries where ``mask`` is True replaced, in row-major order, by the
    first entries of ``source``.

    ``out[mask] = source.flatten()[:mask.sum()]``; ``mask`` (bool) and ``input`` broadcast
    together.

    Args:
        input (Tensor): the tensor to write into (not changed; ``Tensor.masked_scatter_`` does).
        mask (Tensor): bool, broadcastable with ``input``.
        source (Tensor): at least ``mask.sum()`` values (its shape does not matter), of
            ``input``'s dtype.

    Shape: ``input`` and ``mask`` broadcast to the output's shape.

    Example:
        >>> import rosenblatt as rb
        >>> mask = rb.tensor([True, False, True, False])
        >>> rb.masked_scatter(rb.zeros(4), mask, rb.tensor([7.0, 8.0, 9.0])).tolist()
        [7.0, 0.0, 8.0, 0.0]
    """
    input, source = tensor_of(input, "masked_scatter"), tensor_of(source, "masked_scatter")
    m = as_array(mask, "masked_scatter")
    if m.dtype != xp.bool_:
        raise TypeError(f"masked_scatter(): mask must be a bool tensor, got {m.dtype}; make one with a "
                        f"comparison (mask != 0)")
    _same_dtype("masked_scatter", input, source)
    try:
        shape = xp.broadcast_shapes(input.shape, m.shape)
    except ValueError:
        raise ValueError(f"masked_scatter(): input {list(input.shape)} and mask {list(m.shape)} cannot be "
                         f"broadcast together (sizes must match or be 1, aligned from the last "
                         f"dim)") from None
    m = xp.broadcast_to(m, shape)
    count = int(m.sum())
    if source.numel() < count:
        raise ValueError(f"masked_scatter(): mask selects {count} entries but source has only "
                         f"{source.numel()}; give a source with at least {count} elements")
    values = reshape(source, (-1,))[:count]
    return index_put(expand(input, shape), m, values)


def _scatter_into(op: str, input: Any, src: Any, index: tuple, region: tuple) -> Tensor:
    """``input`` with ``input[index] = src``, ``src`` (cast to ``input``'s dtype, as PyTorch
    casts it) of exactly the shape ``region`` of that part: no broadcasting, as in PyTorch."""
    input, src = tensor_of(input, op), tensor_of(src, op)
    if src.shape != region:
        raise ValueError(f"{op}(): expected src to have the shape of the part of input it replaces, "
                         f"{list(region)}, got {list(src.shape)}")
    return index_put(input, index, to_dtype(src, input.dtype))


def select_scatter(input: Any, src: Any, dim: int, index: int) -> Tensor:
    """``input`` with its slice ``index`` along ``dim`` replaced by ``src``: the inverse of
    ``select``, out of place.

    ``out = input.clone(); out.select(dim, index)[...] = src``.  Gradients: ``input`` gets
    ``grad`` with that slice zeroed, ``src`` the slice of ``grad``.

    Args:
        input (Tensor): the tensor to embed into (not changed).
        src (Tensor): the new slice, of ``input``'s shape without ``dim``; cast to ``input``'s dtype.
        dim (int): the dim to select along.
        index (int): the slice's position along ``dim`` (negative counts from the end).

    Shape: ``src`` is ``input.shape`` without ``dim``; the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.select_scatter(rb.zeros(2, 3), rb.ones(3), 0, 1)
        tensor([[0., 0., 0.],
                [1., 1., 1.]])
    """
    shape = tensor_of(input, "select_scatter").shape
    axis = dim_index(dim, len(shape), "select_scatter()")
    if not shape:
        raise IndexError("select_scatter(): input is 0-d and has no dim to select along")
    index = operator.index(index)
    if not -shape[axis] <= index < shape[axis]:
        raise IndexError(f"select_scatter(): index {index} out of range for dim {dim} of size "
                         f"{shape[axis]} (input shape {list(shape)})")
    return _scatter_into("select_scatter", input, src, (slice(None),) * axis + (index,),
                         shape[:axis] + shape[axis + 1:])


def slice_scatter(input: Any, src: Any, dim: int = 0, start: int | None = None, end: int | None = None,
                  step: int = 1) -> Tensor:
    """``input`` with its slice ``start:end:step`` along ``dim`` replaced by ``src``, out of place.

    ``out = input.clone(); out[..., start:end:step, ...] = src`` (``dim`` picks the dim);
    ``start`` and ``end`` as in Python slicing.  Gradients: ``input`` gets ``grad`` with that
    slice zeroed, ``src`` the slice of ``grad``.

    Args:
        input (Tensor): the tensor to embed into (not changed).
        src (Tensor): the new values, of the slice's shape; cast to ``input``'s dtype.
        dim (int): the dim to slice along (default 0).
        start (int, optional): the first position (default 0).
        end (int, optional): one past the last position (default the size of ``dim``).
        step (int): the stride, > 0 (default 1).

    Shape: ``src`` is ``input.shape`` with ``len(range(start, end, step))`` along ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.slice_scatter(rb.zeros(4), rb.tensor([1.0, 2.0]), start=0, step=2)
        tensor([1., 0., 2., 0.])
    """
    shape = tensor_of(input, "slice_scatter").shape
    axis = dim_index(dim, len(shape), "slice_scatter()")
    if not shape:
        raise IndexError("slice_scatter(): input is 0-d and has no dim to slice along")
    if operator.index(step) <= 0:
        raise ValueError(f"slice_scatter(): step must be positive, got {step}")
    part = slice(start, end, step)
    size = len(range(*part.indices(shape[axis])))
    return _scatter_into("slice_scatter", input, src, (slice(None),) * axis + (part,),
                         shape[:axis] + (size,) + shape[axis + 1:])


def diagonal_scatter(input: Any, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``input`` with its diagonal (``offset``, over ``dim1`` and ``dim2``) replaced by ``src``:
    the inverse of ``diagonal``, out of place.

    ``out[..., i, i + offset, ...] = src[..., i]`` for ``offset >= 0`` (``i - offset, i`` below
    the main diagonal).  Gradients: ``input`` gets ``grad`` with the diagonal zeroed, ``src``
    the diagonal of ``grad``.

    Args:
        input (Tensor): the tensor to embed into, at least 2-d (not changed).
        src (Tensor): the new diagonal, of ``diagonal(input, offset, dim1, dim2)``'s shape: the
            other dims in order, then the diagonal's length; cast to ``input``'s dtype.
        offset (int): 0 the main diagonal, > 0 above it, < 0 below it.
        dim1, dim2 (int): the two dims the diagonal runs over (default 0, 1).

    Example:
        >>> import rosenblatt as rb
        >>> rb.diagonal_scatter(rb.zeros(2, 3), rb.tensor([1.0, 2.0]), 1)
        tensor([[0., 1., 0.],
                [0., 0., 2.]])
    """
    input = tensor_of(input, "diagonal_scatter")
    shape = input.shape
    if len(shape) < 2:
        raise ValueError(f"diagonal_scatter(): input must have at least 2 dims, got shape {list(shape)}")
    d1, d2 = dim_index(dim1, len(shape), "diagonal_scatter()"), dim_index(dim2, len(shape), "diagonal_scatter()")
    if d1 == d2:
        raise ValueError(f"diagonal_scatter(): dim1 and dim2 must differ, got {dim1} and {dim2}")
    offset = operator.index(offset)
    row, col = max(-offset, 0), max(offset, 0)
    n = max(0, min(shape[d1] - row, shape[d2] - col))
    rest = tuple(s for d, s in enumerate(shape) if d not in (d1, d2))
    # With dim1, dim2 moved last, x[..., rows, cols] is the diagonal laid out as diagonal() lays
    # it out (the other dims in order, then the diagonal).
    index = (Ellipsis, xp.arange(row, row + n), xp.arange(col, col + n))
    out = _scatter_into("diagonal_scatter", movedim(input, (d1, d2), (-2, -1)), src, index, rest + (n,))
    return contiguous(movedim(out, (-2, -1), (d1, d2)))  # row-major, as PyTorch's result


def unravel_index(indices: Any, shape: int | Sequence[int]) -> tuple[Tensor, ...]:
    """The coordinates, in a tensor of ``shape``, of the flat (row-major) positions ``indices``.

    ``coordinate_d = (indices // prod(shape[d+1:])) % shape[d]``, in int64.  As PyTorch's
    arithmetic gives them, indices outside ``[0, prod(shape))`` wrap around (-1 is the last
    element).

    Args:
        indices (Tensor): integer flat positions, any shape.
        shape (int or sequence of ints): the shape to unravel into.

    Returns: a tuple of ``len(shape)`` int64 tensors of ``indices``' shape.

    Example:
        >>> import rosenblatt as rb
        >>> [t.tolist() for t in rb.unravel_index(rb.tensor([4, 1]), (3, 2))]
        [[2, 0], [0, 1]]
    """
    flat = as_array(indices, "unravel_index")
    if flat.dtype.kind not in "iu":
        raise TypeError(f"unravel_index(): indices must be an integer tensor, got {flat.dtype}")
    sizes = (shape,) if not isinstance(shape, (tuple, list)) else tuple(shape)
    for s in sizes:
        if isinstance(s, bool) or not hasattr(type(s), "__index__"):
            raise TypeError(f"unravel_index(): shape must be an int or a sequence of ints, got {shape!r}")
    sizes = tuple(operator.index(s) for s in sizes)
    if any(s <= 0 for s in sizes):
        raise ValueError(f"unravel_index(): every size of shape must be positive (no flat index fits a "
                         f"dim of size 0), got {sizes}")
    strides = [math.prod(sizes[d + 1:]) for d in range(len(sizes))]
    flat = flat.astype(xp.int64)
    return tuple(Tensor._wrap((flat // stride) % size) for stride, size in zip(strides, sizes))
