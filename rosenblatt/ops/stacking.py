"""Stacking, splitting and selecting, as PyTorch's: hstack, tile, tensor_split, diagonal, take, ...

Every op here is built from the differentiable ops of ``shape.py`` and
``indexing.py`` (cat, repeat, expand, movedim, getitem, index_put, gather), so
none needs a backward of its own: the gradient of a split piece, a diagonal or
a taken element flows back through the slice or index that read it.
"""
from __future__ import annotations

import operator
from itertools import accumulate
from typing import Any, Sequence

from .._backend import xp
from ..autograd.function import as_array, tensor_of
from ..tensor import Tensor
from ._dims import dim_index, size_arg
from .indexing import gather, getitem, index_put
from .joining import _check_same_shapes, cat, stack
from .shape import _data, expand, flip, movedim, repeat, reshape, unsqueeze


# ------------------------------------------------------------------ helpers
def _tensor_list(tensors: Any, op: str) -> list[Tensor]:
    """The non-empty list of tensors that ``hstack``-like ops take (a lone tensor is refused,
    as in PyTorch: iterating over its rows would join them silently)."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}(): expected a list or tuple of tensors, got a single Tensor; "
                        f"wrap it in a list: {op}([x])")
    tensors = [tensor_of(t, op) for t in tensors]
    if not tensors:
        raise ValueError(f"{op}(): expected a non-empty list of tensors")
    return tensors


def _join(op: str, tensors: Sequence[Tensor], dim: int) -> Tensor:
    """``cat(tensors, dim)``, its shape errors naming ``op``."""
    # cat skips 1-d empty tensors (PyTorch's legacy rule); the check must skip them too
    kept = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or list(tensors[:1])
    _check_same_shapes(op, kept, dim_index(dim, kept[0].ndim, op))
    return cat(tensors, dim)


def _int(value: Any, op: str, what: str) -> int:
    """``value`` as a Python int; a bool or a float is a ``TypeError``."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise TypeError(f"{op}(): {what} must be an int, got {type(value).__name__} {value!r}")
    return operator.index(value)


def _each(tensors: tuple, one: Any, op: str) -> Any:
    """``atleast_*``'s calling forms: one tensor gives one tensor, several (or one list) a tuple."""
    if len(tensors) == 1 and not isinstance(tensors[0], (list, tuple)):
        return one(tensor_of(tensors[0], op))
    if len(tensors) == 1:
        tensors = tensors[0]
    return tuple(one(tensor_of(t, op)) for t in tensors)


# ------------------------------------------------------------------ atleast
def _to_1d(t: Tensor) -> Tensor:
    return reshape(t, (1,)) if t.ndim == 0 else t


def _to_2d(t: Tensor) -> Tensor:
    if t.ndim == 0:
        return reshape(t, (1, 1))
    return unsqueeze(t, 0) if t.ndim == 1 else t


def _to_3d(t: Tensor) -> Tensor:
    if t.ndim == 0:
        return reshape(t, (1, 1, 1))
    if t.ndim == 1:
        return reshape(t, (1, t.shape[0], 1))
    return unsqueeze(t, -1) if t.ndim == 2 else t


def atleast_1d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor with at least 1 dim: a 0-d tensor becomes shape ``(1,)``, others are returned as
    they are.  One tensor gives a tensor; several tensors, or one list of them, a tuple.

    Example:
        >>> import rosenblatt as rb
        >>> rb.atleast_1d(rb.tensor(1.0)).shape
        (1,)
        >>> [t.shape for t in rb.atleast_1d(rb.tensor(1.0), rb.zeros(2, 3))]
        [(1,), (2, 3)]
    """
    return _each(tensors, _to_1d, "atleast_1d")


def atleast_2d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor with at least 2 dims: 0-d becomes ``(1, 1)``, 1-d ``(n,)`` becomes the row
    ``(1, n)``.  Called as ``atleast_1d``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.atleast_2d(rb.zeros(3)).shape
        (1, 3)
    """
    return _each(tensors, _to_2d, "atleast_2d")


def atleast_3d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor with at least 3 dims: 0-d becomes ``(1, 1, 1)``, 1-d ``(n,)`` becomes
    ``(1, n, 1)`` and 2-d ``(m, n)`` becomes ``(m, n, 1)``, as NumPy's.  Called as ``atleast_1d``.

    Example:
        >>> import rosenblatt as rb
        >>> [t.shape for t in rb.atleast_3d(rb.zeros(3), rb.zeros(2, 3))]
        [(1, 3, 1), (2, 3, 1)]
    """
    return _each(tensors, _to_3d, "atleast_3d")


# ------------------------------------------------------------------ stacking
def hstack(tensors: Sequence[Any]) -> Tensor:
    """Join tensors column-wise: along dim 0 if they are 1-d (0-d ones count as 1-d), else dim 1.

    Shape:
        ``(n_i,)`` each gives ``(sum n_i,)``; ``(m, n_i, *)`` each gives ``(m, sum n_i, *)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.hstack([rb.tensor([1, 2]), rb.tensor(3)]).tolist()
        [1, 2, 3]
    """
    tensors = atleast_1d(_tensor_list(tensors, "hstack"))
    return _join("hstack", tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Join tensors row-wise, along dim 0, after ``atleast_2d`` (a 1-d ``(n,)`` is a row ``(1, n)``).

    Shape:
        ``(m_i, *)`` each gives ``(sum m_i, *)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.vstack([rb.tensor([1, 2]), rb.tensor([[3, 4], [5, 6]])]).tolist()
        [[1, 2], [3, 4], [5, 6]]
    """
    return _join("vstack", atleast_2d(_tensor_list(tensors, "vstack")), 0)


def dstack(tensors: Sequence[Any]) -> Tensor:
    """Join tensors depth-wise, along dim 2, after ``atleast_3d``.

    Shape:
        ``(m, n, k_i, *)`` each gives ``(m, n, sum k_i, *)``; ``(n,)`` counts as ``(1, n, 1)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.dstack([rb.tensor([1, 2]), rb.tensor([3, 4])]).tolist()
        [[[1, 3], [2, 4]]]
    """
    return _join("dstack", atleast_3d(_tensor_list(tensors, "dstack")), 2)


def column_stack(tensors: Sequence[Any]) -> Tensor:
    """Join tensors as the columns of a matrix: 0-d and 1-d tensors become columns ``(n, 1)``,
    then all are joined along dim 1.

    Shape:
        ``(m,)`` or ``(m, n_i, *)`` each gives ``(m, sum n_i, *)`` (a vector counts ``n_i = 1``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.column_stack([rb.tensor([1, 2]), rb.tensor([3, 4])]).tolist()
        [[1, 3], [2, 4]]
    """
    columns = [reshape(t, (-1, 1)) if t.ndim <= 1 else t for t in _tensor_list(tensors, "column_stack")]
    return _join("column_stack", columns, 1)


def tile(input: Any, *dims: Any) -> Tensor:
    """``input`` repeated ``dims[i]`` times along dim i; with fewer ``dims`` than dims, the
    leading dims are repeated once (unlike ``repeat``, which needs one per dim).

    Args:
        input: the tensor to repeat.
        dims: the repeats, as varargs ``tile(x, 2, 2)`` or one sequence ``tile(x, (2, 2))``;
            more than ``input`` has dims prepend new dims.

    Shape:
        ``(*, n)`` with ``dims = (r,)`` gives ``(*, r * n)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.tile(rb.tensor([[1, 2]]), (2,)).tolist()
        [[1, 2, 1, 2]]
    """
    dims = size_arg(dims, "tile")
    if any(d < 0 for d in dims):
        raise ValueError(f"tile(): repeats must be non-negative, got dims={list(dims)}")
    return repeat(input, (1,) * (_data(input).ndim - len(dims)) + dims)


# ------------------------------------------------------------------ broadcasting
def _shape_arg(shape: Any, i: int) -> tuple[int, ...]:
    """One argument of ``broadcast_shapes``: an int or a sequence of ints, none negative."""
    sizes = (shape,) if not isinstance(shape, (tuple, list)) else tuple(shape)
    sizes = tuple(_int(n, "broadcast_shapes", f"each size (argument {i}: {shape!r})") for n in sizes)
    if any(n < 0 for n in sizes):
        raise ValueError(f"broadcast_shapes(): sizes must be non-negative, got {list(sizes)} (argument {i})")
    return sizes


def _broadcast(shapes: Sequence[tuple[int, ...]], op: str, what: str) -> tuple[int, ...]:
    """The shape all of ``shapes`` broadcast to, aligned from the last dim."""
    ndim = max(map(len, shapes), default=0)
    out = [1] * ndim
    for i, shape in enumerate(shapes):
        for k, n in enumerate(shape, ndim - len(shape)):
            if out[k] == 1:
                out[k] = n
            elif n != 1 and n != out[k]:
                raise ValueError(f"{op}(): shapes {[list(s) for s in shapes]} cannot be broadcast "
                                 f"together: {what} {i} has size {n} at dim {k - ndim} where an earlier "
                                 f"one has {out[k]} (sizes must match or be 1, aligned from the last dim)")
    return tuple(out)


def broadcast_shapes(*shapes: int | Sequence[int]) -> tuple[int, ...]:
    """The shape that tensors of ``shapes`` broadcast to (each an int or a sequence of ints),
    without making any tensor.

    Returns:
        a tuple of ints (PyTorch returns ``torch.Size``, a tuple too).

    Example:
        >>> import rosenblatt as rb
        >>> rb.broadcast_shapes((2, 1), (3,), 1)
        (2, 3)
    """
    return _broadcast([_shape_arg(s, i) for i, s in enumerate(shapes)], "broadcast_shapes", "shape")


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    """The tensors expanded to their common broadcast shape (views: no data is copied); the
    gradient of each is summed back over the dims it was broadcast along.

    Example:
        >>> import rosenblatt as rb
        >>> a, b = rb.broadcast_tensors(rb.zeros(2, 1), rb.zeros(3))
        >>> a.shape, b.shape
        ((2, 3), (2, 3))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        raise TypeError("broadcast_tensors(): expected tensors as separate arguments, got one "
                        "list; unpack it: broadcast_tensors(*tensors)")
    shape = _broadcast([_data(t).shape for t in tensors], "broadcast_tensors", "tensor")
    return tuple(expand(t, shape) for t in tensors)


# ------------------------------------------------------------------ splitting
def _sections_or_indices(value: Any, op: str) -> int | list[int]:
    """A number of sections (an int or a 0-d int64 tensor) or a list of split indices (a
    sequence of ints or a 1-d int64 tensor)."""
    if isinstance(value, Tensor):
        if value.data.dtype != xp.int64:
            raise TypeError(f"{op}(): a tensor of indices or sections must be int64, got {value.data.dtype}")
        if value.ndim > 1:
            raise ValueError(f"{op}(): a tensor of indices or sections must be 0-d (sections) or 1-d "
                             f"(indices), got shape {list(value.shape)}")
        return int(value.data) if value.ndim == 0 else [int(i) for i in value.data]
    if isinstance(value, (list, tuple)):
        return [_int(i, op, "each split index") for i in value]
    return _int(value, op, "indices_or_sections")


def tensor_split(input: Any, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Views of ``input`` split along ``dim``, as NumPy's ``array_split``.

    Args:
        input: a tensor of at least 1 dim.
        indices_or_sections: an int ``n`` gives ``n`` pieces, the first ``size % n`` of them one
            longer than the rest (uneven splits allowed; pieces past the end are empty); a
            list of indices ``[i, j]`` gives ``input[:i], input[i:j], input[j:]`` along ``dim``,
            with Python's slice rules (negative indices count from the end; an index beyond
            the size or below the previous one gives an empty piece).  A 0-d or 1-d int64
            tensor stands for the int or the list.
        dim: the dim to split along (default 0).

    Example:
        >>> import rosenblatt as rb
        >>> [t.tolist() for t in rb.tensor_split(rb.arange(5), 3)]
        [[0, 1], [2, 3], [4]]
        >>> [t.tolist() for t in rb.tensor_split(rb.arange(5), [1, 4])]
        [[0], [1, 2, 3], [4]]
    """
    data = _data(input)
    if data.ndim == 0:
        raise ValueError("tensor_split(): expected a tensor with at least 1 dim, got a 0-d tensor; "
                         "reshape it to (1,) first")
    axis = dim_index(dim, data.ndim, "tensor_split")
    split = _sections_or_indices(indices_or_sections, "tensor_split")
    if isinstance(split, int):
        if split <= 0:
            raise ValueError(f"tensor_split(): the number of sections must be positive, got {split}")
        small, extra = divmod(data.shape[axis], split)
        split = list(accumulate(small + (i < extra) for i in range(split - 1)))
    lead = (slice(None),) * axis
    return tuple(getitem(input, lead + (slice(start, end),))
                 for start, end in zip([0] + split, split + [None]))


def _split_along(op: str, input: Any, indices_or_sections: Any, least: int, dim: int) -> tuple[Tensor, ...]:
    """``hsplit``/``vsplit``/``dsplit``: ``tensor_split`` along ``dim``, equal pieces only for a count."""
    shape = _data(input).shape
    if len(shape) < least:
        raise ValueError(f"{op}(): expected a tensor with at least {least} dim{'s' if least > 1 else ''}, "
                         f"got shape {list(shape)}")
    split = _sections_or_indices(indices_or_sections, op)
    if isinstance(split, int) and (split <= 0 or shape[dim] % split):
        raise ValueError(f"{op}(): dim {dim} of size {shape[dim]} cannot be split into {split} equal "
                         f"sections; give a positive count that divides {shape[dim]}, a list of indices, "
                         f"or use tensor_split for uneven pieces")
    return tensor_split(input, split, dim)


def hsplit(input: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split column-wise: ``tensor_split`` along dim 1 (dim 0 of a 1-d tensor); a number of
    sections must divide the size.

    Example:
        >>> import rosenblatt as rb
        >>> [t.shape for t in rb.hsplit(rb.zeros(2, 4), 2)]
        [(2, 2), (2, 2)]
    """
    ndim = _data(input).ndim
    return _split_along("hsplit", input, indices_or_sections, 1, 0 if ndim == 1 else 1)


def vsplit(input: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split row-wise: ``tensor_split`` along dim 0 of a tensor of at least 2 dims; a number of
    sections must divide the size.

    Example:
        >>> import rosenblatt as rb
        >>> [t.shape for t in rb.vsplit(rb.zeros(4, 2), [1])]
        [(1, 2), (3, 2)]
    """
    return _split_along("vsplit", input, indices_or_sections, 2, 0)


def dsplit(input: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split depth-wise: ``tensor_split`` along dim 2 of a tensor of at least 3 dims; a number of
    sections must divide the size.

    Example:
        >>> import rosenblatt as rb
        >>> [t.shape for t in rb.dsplit(rb.zeros(1, 2, 6), 3)]
        [(1, 2, 2), (1, 2, 2), (1, 2, 2)]
    """
    return _split_along("dsplit", input, indices_or_sections, 3, 2)


moveaxis = movedim


# ------------------------------------------------------------------ selecting
def select(input: Any, dim: int, index: int) -> Tensor:
    """The slice of ``input`` at ``index`` along ``dim``, that dim removed: ``input[:, index]``
    for ``dim = 1``.  A negative ``index`` counts from the end.

    Shape:
        ``(n_0, ..., n_dim, ..., n_k)`` gives ``(n_0, ..., n_k)`` without ``n_dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.select(rb.tensor([[1, 2], [3, 4]]), 1, -1).tolist()
        [2, 4]
    """
    shape = _data(input).shape
    if not shape:
        raise IndexError("select(): cannot be applied to a 0-d tensor, which has no dim to select along")
    axis = dim_index(dim, len(shape), "select")
    index, size = _int(index, "select", "index"), shape[axis]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for dim {dim} of size {size} (shape "
                         f"{list(shape)}); it must be in [{-size}, {size - 1}]")
    return getitem(input, (slice(None),) * axis + (index % size,))


def ravel(input: Any) -> Tensor:
    """The elements of ``input`` as a 1-d tensor in row-major order (a 0-d tensor gives ``(1,)``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.ravel(rb.tensor([[1, 2], [3, 4]])).tolist()
        [1, 2, 3, 4]
    """
    return reshape(input, (-1,))


def flipud(input: Any) -> Tensor:
    """``input`` upside down: the order of dim 0 reversed (needs at least 1 dim).

    Example:
        >>> import rosenblatt as rb
        >>> rb.flipud(rb.tensor([[1, 2], [3, 4]])).tolist()
        [[3, 4], [1, 2]]
    """
    if _data(input).ndim < 1:
        raise ValueError("flipud(): expected a tensor with at least 1 dim, got a 0-d tensor")
    return flip(input, 0)


def fliplr(input: Any) -> Tensor:
    """``input`` mirrored left to right: the order of dim 1 reversed (needs at least 2 dims).

    Example:
        >>> import rosenblatt as rb
        >>> rb.fliplr(rb.tensor([[1, 2], [3, 4]])).tolist()
        [[2, 1], [4, 3]]
    """
    shape = _data(input).shape
    if len(shape) < 2:
        raise ValueError(f"fliplr(): expected a tensor with at least 2 dims, got shape {list(shape)}")
    return flip(input, 1)


def _diagonal_dims(op: str, ndim: int, dim1: int, dim2: int) -> tuple[int, int]:
    a, b = dim_index(dim1, ndim, op), dim_index(dim2, ndim, op)
    if a == b:
        raise ValueError(f"{op}(): dim1 and dim2 must name different dims, got dim1={dim1} and "
                         f"dim2={dim2} (both dim {a} of a {ndim}-d result)")
    return a, b


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The ``offset``-th diagonal of the matrices in dims ``dim1`` and ``dim2``:
    ``out[..., i] = input[..., i, i + offset]`` (those two dims taken out, the diagonal put last).
    ``offset > 0`` is above the main diagonal, ``< 0`` below; one beyond the matrix is empty.
    A copy (integer indexing), where PyTorch's is a view: writing into it leaves ``input`` alone.

    Args:
        input: a tensor of at least 2 dims.
        offset: which diagonal (default 0, the main one).
        dim1, dim2: the dims of the rows and columns (default 0 and 1).

    Shape:
        ``(n1, n2, *)`` with the default dims gives ``(*, L)``, ``L = max(min(n1, n2 - offset), 0)``
        for ``offset >= 0`` and ``max(min(n1 + offset, n2), 0)`` below.

    Example:
        >>> import rosenblatt as rb
        >>> rb.diagonal(rb.tensor([[1, 2, 3], [4, 5, 6]]), 1).tolist()
        [2, 6]
    """
    shape = _data(input).shape
    a, b = _diagonal_dims("diagonal", len(shape), dim1, dim2)
    offset = _int(offset, "diagonal", "offset")
    rows, cols = shape[a], shape[b]
    length = max(min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols), 0)
    i = xp.arange(length)
    # Both dims last, then a pair of index arrays: the diagonal comes out as the last dim.
    return getitem(movedim(input, (a, b), (-2, -1)), (Ellipsis, i + max(-offset, 0), i + max(offset, 0)))


def diag_embed(input: Any, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices whose ``offset``-th diagonal is ``input``'s last dim, zero elsewhere, in dims
    ``dim1`` and ``dim2`` of the result (the inverse of ``diagonal``).

    Args:
        input: a tensor of at least 1 dim; its last dim holds the diagonals.
        offset: which diagonal (default 0; ``> 0`` above the main one, ``< 0`` below).
        dim1, dim2: dims of the result (which has one dim more than ``input``) for the
            matrices' rows and columns (default the last two).

    Shape:
        ``(*, n)`` gives ``(*, m, m)`` with ``m = n + |offset|`` for the default dims.

    Example:
        >>> import rosenblatt as rb
        >>> rb.diag_embed(rb.tensor([1, 2]), 1).tolist()
        [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    """
    data = _data(input)
    a, b = _diagonal_dims("diag_embed", data.ndim + 1, dim1, dim2)
    offset = _int(offset, "diag_embed", "offset")
    n = data.shape[-1]  # a 0-d input was refused by dim_index: dim1 or dim2 is out of [-1, 0]
    size = n + abs(offset)
    zeros = Tensor._wrap(xp.zeros(data.shape[:-1] + (size, size), dtype=data.dtype))
    i = xp.arange(n)
    out = index_put(zeros, (Ellipsis, i + max(-offset, 0), i + max(offset, 0)), input)
    return movedim(out, (-2, -1), (a, b))


def _int_index(op: str, index: Any, int64_only: bool) -> Any:
    idx = index.data if isinstance(index, Tensor) else as_array(index, op)
    if idx.dtype != xp.int64 and (int64_only or idx.dtype.kind not in "iu"):
        raise TypeError(f"{op}(): indices must be an int64 tensor, got {idx.dtype}; convert with .long()")
    return idx


def take(input: Any, index: Any) -> Tensor:
    """The elements of ``input`` at the flat (row-major) positions ``index``, as if ``input`` were
    1-d; negative positions count from the end.  The result has ``index``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.take(rb.tensor([[1, 2], [3, 4]]), rb.tensor([[0, -1]])).tolist()
        [[1, 4]]
    """
    data, idx = _data(input), _int_index("take", index, True)
    if idx.size and (idx.min() < -data.size or idx.max() >= data.size):
        bad = idx.min() if idx.min() < -data.size else idx.max()
        raise IndexError(f"take(): index {bad} out of range for a tensor of {data.size} elements (shape "
                         f"{list(data.shape)}); indices must be in [{-data.size}, {data.size - 1}]")
    return getitem(reshape(input, (-1,)), idx)


def take_along_dim(input: Any, indices: Any, dim: int | None = None) -> Tensor:
    """The elements of ``input`` at ``indices`` along ``dim``, as ``gather`` but with ``input``
    and ``indices`` broadcast against each other outside ``dim``: what ``argsort``,
    ``argmax(keepdim=True)`` and ``topk`` indices pick.  Without ``dim``, the flat (row-major)
    elements at ``indices``, as a 1-d tensor.

    Args:
        input: the tensor to read.
        indices: int64 indices, with as many dims as ``input`` when ``dim`` is given; negative
            ones count from the end along ``dim`` (without ``dim`` they must be in [0, numel)).
        dim: the dim to index along, or None for the flattened ``input``.

    Shape:
        with ``dim``: ``input``'s and ``indices``' shapes broadcast, but ``indices``' size along
        ``dim``; without: ``(indices.numel(),)``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[10, 30, 20], [60, 50, 40]])
        >>> rb.take_along_dim(x, x.argmax(1, keepdim=True), 1).tolist()
        [[30], [60]]
    """
    data = _data(input)
    if dim is None:
        idx = _int_index("take_along_dim", indices, False).reshape(-1)
        if idx.size and (idx.min() < 0 or idx.max() >= data.size):
            raise IndexError(f"take_along_dim(): without dim the indices must be in [0, {data.size - 1}] "
                             f"(input of shape {list(data.shape)}, flattened), got values in "
                             f"[{idx.min()}, {idx.max()}]")
        return gather(reshape(input, (-1,)), 0, idx)
    idx = _int_index("take_along_dim", indices, True)
    if data.ndim == 0:
        raise IndexError(f"take_along_dim(): dim {dim} given for a 0-d tensor, which has no dims; "
                         f"leave dim out to index the flattened tensor")
    if idx.ndim != data.ndim:
        raise ValueError(f"take_along_dim(): input and indices must have the same number of dims, got "
                         f"shapes {list(data.shape)} and {list(idx.shape)}")
    axis = dim_index(dim, data.ndim, "take_along_dim")
    size = data.shape[axis]
    try:
        outside = _broadcast([data.shape[:axis] + data.shape[axis + 1:], idx.shape[:axis] + idx.shape[axis + 1:]],
                             "take_along_dim", "shape")
    except ValueError:
        raise ValueError(f"take_along_dim(): input of shape {list(data.shape)} and indices of shape "
                         f"{list(idx.shape)} cannot be broadcast outside dim {dim} (sizes must match "
                         f"or be 1)") from None
    idx = xp.broadcast_to(idx, outside[:axis] + (idx.shape[axis],) + outside[axis:])
    if idx.size and (idx.min() < -size or idx.max() >= size):
        # PyTorch 2.13 wraps any index modulo the size here; only negative ones are meant to wrap.
        raise IndexError(f"take_along_dim(): indices out of range for dim {dim} of size {size}: they must "
                         f"be in [{-size}, {size - 1}], got values in [{idx.min()}, {idx.max()}]")
    input = expand(input, outside[:axis] + (size,) + outside[axis:])
    return gather(input, axis, xp.where(idx < 0, idx + size, idx))


def block_diag(*tensors: Any) -> Tensor:
    """The tensors (0-d, 1-d as a row, or 2-d) as blocks along the diagonal of one matrix,
    zeros elsewhere.

    Example:
        >>> import rosenblatt as rb
        >>> rb.block_diag(rb.tensor([[1, 2]]), rb.tensor(3)).tolist()
        [[1, 2, 0], [0, 0, 3]]
    """
    from .shape import pad
    blocks = [reshape(t, (1, -1) if t.ndim < 2 else t.shape) for t in _tensor_list(tensors, "block_diag")]
    if any(b.ndim != 2 for b in blocks):
        raise ValueError(f"block_diag(): expected tensors of at most 2 dims, got shapes "
                         f"{[list(b.shape) for b in blocks]}")
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:  # each block padded with zeros to the full width, then the rows stacked
        rows.append(pad(b, (left, width - left - b.shape[1])))
        left += b.shape[1]
    return cat(rows, 0)


def cartesian_prod(*tensors: Any) -> Tensor:
    """Every combination of one entry of each 1-d tensor, as rows of an (N, k) tensor in
    row-major order (one tensor: itself).

    Example:
        >>> import rosenblatt as rb
        >>> rb.cartesian_prod(rb.tensor([1, 2]), rb.tensor([3, 4])).tolist()
        [[1, 3], [1, 4], [2, 3], [2, 4]]
    """
    from .shape import meshgrid
    columns = _tensor_list(tensors, "cartesian_prod")
    if any(c.ndim != 1 for c in columns):
        raise ValueError(f"cartesian_prod(): expected 1-d tensors, got shapes {[list(c.shape) for c in columns]}")
    if len(columns) == 1:
        return columns[0]
    return stack([reshape(g, (-1,)) for g in meshgrid(*columns, indexing="ij")], 1)


def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Tensor:
    """Every combination of ``r`` entries of the 1-d ``input`` (in order, as
    ``itertools.combinations``): a (C, r) tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.combinations(rb.tensor([1, 2, 3])).tolist()
        [[1, 2], [1, 3], [2, 3]]
    """
    import itertools
    x = tensor_of(input, "combinations")
    if x.ndim != 1 or r < 0:
        raise ValueError(f"combinations(): expected a 1-d input and r >= 0, got shape {list(x.shape)} and r={r}")
    if r == 0:  # PyTorch: an empty 1-d tensor, outside the graph
        return Tensor._wrap(xp.zeros(0, dtype=x.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = xp.array(list(pick(range(x.shape[0]), r)), dtype=xp.int64).reshape(-1, r)
    return getitem(x, rows)


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of the 1-d ``x``: columns ``x^(N-1), ..., x, 1`` (``1, x, ...``
    with ``increasing``), ``N = len(x)`` by default.  The powers are running products, so
    the gradient is exact at 0 too.

    Args:
        x (Tensor): a 1-d tensor.
        N (int, optional): the number of columns (default ``len(x)``).
        increasing (bool): powers from 0 up, left to right (default False: from ``N - 1`` down).

    Shape: ``(n,) -> (n, N)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.vander(rb.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    from .cumulative import cumprod
    x = tensor_of(x, "vander")
    if x.ndim != 1:
        raise ValueError(f"vander(): expected a 1-d input, got shape {list(x.shape)}")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise ValueError(f"vander(): N must be >= 0, got {n}")
    if n == 0:  # PyTorch: an empty matrix, outside the graph
        return Tensor._wrap(xp.zeros((x.shape[0], 0), dtype=x.dtype))
    ones = Tensor._wrap(xp.ones((x.shape[0], 1), dtype=x.dtype))
    columns = cat([ones, expand(unsqueeze(x, 1), (x.shape[0], max(n - 1, 0)))], 1)
    powers = cumprod(columns, 1)[:, :n]
    return powers if increasing else flip(powers, (1,))
