"""Values written at positions, PyTorch's functional forms (``Tensor.<name>_`` writes in place):
``index_put`` (``x[indices] = values``), ``put`` (at positions of the flattened tensor) and
``index_reduce`` (slices combined into ``x`` along a dim by a product, mean, max or min).

``index_put`` without ``accumulate`` is indexing.py's ``IndexPut`` (the op ``x[i] = v`` records);
a repeated position keeps one of its values there, as in PyTorch, where which one is
unspecified.  With ``accumulate`` the values add up (``IndexPutAdd``).  ``put`` is ``index_put``
on the flattened tensor and ``index_reduce`` is ``ScatterReduce`` with its index spread over the
slices, so their gradients are those ops'.
"""
from __future__ import annotations

from typing import Any, Sequence

from .._backend import xp
from ..autograd.function import Function
from ..tensor import Tensor
from ._dims import dim_index
from .indexing import IndexPut, ScatterReduce
from .shape import reshape


class IndexPutAdd(Function):
    """``x`` with ``values`` added at ``x[index]`` (NumPy's ``add.at``: a repeated position takes
    each of its values).  ``d/d x = grad``, ``d/d values = grad[index]`` (summed where the values
    were broadcast, by the engine)."""

    saves_arrays = False

    def forward(self, x, values, index=()):
        self.index = index
        out = x.copy()
        try:
            xp.add.at(out, index, values)
        except IndexError as error:  # NumPy's message names neither the op nor the shape
            raise IndexError(f"x of shape {list(x.shape)}: {error}") from None
        return out

    def backward(self, grad):
        return grad, grad[self.index]


def index_put(input: Tensor, indices: Sequence[Tensor], values: Tensor, accumulate: bool = False) -> Tensor:
    """``input`` with ``input[indices] = values``, as a new tensor; with ``accumulate`` the values
    are added there instead (a repeated position adding each of its values).

    Args:
        input (Tensor): the tensor written to.
        indices (tuple of Tensors): one integer (int64/int32) or bool tensor per leading dim, as
            in ``input[i, j]``; the integer ones broadcast together, negatives count from the end.
        values (Tensor): ``input``'s dtype, broadcast to ``input[indices]``'s shape.
        accumulate (bool): add the values instead of writing them (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.zeros(2, 3)
        >>> rb.index_put(x, (rb.tensor([0, 1, 0]), rb.tensor([2, 0, 2])), rb.tensor([1.0, 2.0, 3.0]),
        ...              accumulate=True).tolist()
        [[0.0, 0.0, 4.0], [2.0, 0.0, 0.0]]
    """
    x = _tensor(input, "index_put", "input")
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): indices must be a tuple of Tensors, got {type(indices).__name__}")
    if not indices:
        raise ValueError("index_put(): indices must hold at least one tensor")
    index = []
    for k, i in enumerate(indices):
        if not isinstance(i, Tensor):
            raise TypeError(f"index_put(): indices must be Tensors, got {type(i).__name__} at position {k}")
        if i.dtype not in (xp.int64, xp.int32, xp.bool_):  # uint8 was a mask once; PyTorch refuses it
            fix = "; use a bool mask (index.bool())" if i.dtype == xp.uint8 else ""
            raise IndexError(f"index_put(): index tensors must be int64, int32 or bool, got {i.dtype} "
                             f"at position {k}{fix}")
        index.append(i.data)
    v = _tensor(values, "index_put", "values")
    _same_dtype("index_put", x, v, "values")
    index = tuple(index)
    try:
        if accumulate:
            return IndexPutAdd.apply(x, v, index=index)
        return IndexPut.apply(x, v, steps=[index])
    except IndexError as error:
        raise IndexError(f"index_put(): {error}") from None
    except ValueError:  # values that don't broadcast to input[indices]; its shape costs a copy, here only
        raise ValueError(f"index_put(): values of shape {list(v.shape)} don't broadcast to input[indices] "
                         f"of shape {list(x.data[index].shape)} (sizes must match or be 1, aligned from "
                         f"the last dim)") from None


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """``input`` with ``source``'s entries written at the positions ``index`` names in the
    flattened ``input`` (or added there, with ``accumulate``), as a new tensor.

    Args:
        input (Tensor): the tensor written to, taken as flat (row-major).
        index (Tensor): int64 positions in ``[-input.numel(), input.numel())``, any shape.
        source (Tensor): as many entries as ``index``, of ``input``'s dtype.
        accumulate (bool): add the values instead of writing them (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> rb.put(rb.zeros(2, 2), rb.tensor([0, 3, -1]), rb.tensor([1.0, 2.0, 3.0]), accumulate=True)
        tensor([[1., 0.],
                [0., 5.]])
    """
    x = _tensor(input, "put", "input")
    idx = _tensor(index, "put", "index")
    src = _tensor(source, "put", "source")
    if idx.dtype != xp.int64:
        raise TypeError(f"put(): index must be an int64 tensor, got {idx.dtype}; convert it (index.long())")
    _same_dtype("put", x, src, "source")
    if idx.data.size != src.data.size:
        raise IndexError(f"put(): source and index must have as many entries, got source.numel() = "
                         f"{src.data.size} and index.numel() = {idx.data.size}")
    size = x.data.size
    if idx.data.size and (idx.data.min() < -size or idx.data.max() >= size):
        bad = idx.data.max() if idx.data.max() >= size else idx.data.min()
        raise IndexError(f"put(): index {bad} is out of range for a tensor of {size} elements")
    flat = index_put(reshape(x, (size,)), (reshape(idx, (-1,)),), reshape(src, (-1,)), accumulate)
    return reshape(flat, x.shape)


_INDEX_REDUCTIONS = ("prod", "mean", "amax", "amin")


def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """``input`` with each slice ``source[..., i, ...]`` (along ``dim``) combined into the slice
    ``input[..., index[i], ...]`` by ``reduce``: "prod", "mean", "amax" or "amin"; with
    ``include_self=False`` the slices of ``input`` that ``index`` reaches do not take part.

    ``out[index[i]] = reduce(input[index[i]], source[i], ...)`` along ``dim = 0``, over every ``i``
    with that position.  An integer mean rounds down.  The gradients are PyTorch's: a product
    passes the product of the others (exact with zeros), a mean shares equally, amax/amin among
    all the entries equal to the result.

    Args:
        input (Tensor): the tensor combined into.
        dim (int): the dim ``index`` indexes along.
        index (Tensor): a 0-d or 1-d int64/int32 tensor of positions in ``[0, input.size(dim))``.
        source (Tensor): ``input``'s shape and dtype, with ``len(index)`` entries along ``dim``.
        reduce (str): "prod", "mean", "amax" or "amin".
        include_self (bool): whether ``input``'s own entries take part (default True).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> rb.index_reduce(x, 0, rb.tensor([0, 0]), rb.tensor([[5.0, 1.0], [2.0, 3.0]]), "amax")
        tensor([[5., 3.],
                [3., 4.]])
    """
    if reduce not in _INDEX_REDUCTIONS:
        raise ValueError(f"index_reduce(): reduce must be one of {', '.join(map(repr, _INDEX_REDUCTIONS))}, "
                         f"got {reduce!r}")
    x = _tensor(input, "index_reduce", "input")
    idx = _tensor(index, "index_reduce", "index")
    src = _tensor(source, "index_reduce", "source")
    ndim = x.ndim
    axis = dim_index(dim, ndim, "index_reduce")
    if idx.dtype not in (xp.int64, xp.int32):
        raise TypeError(f"index_reduce(): index must be an int64 or int32 tensor, got {idx.dtype}")
    if idx.ndim > 1:
        raise IndexError(f"index_reduce(): index must be 0-d or 1-d, got shape {list(idx.shape)}")
    if src.ndim != ndim or any(n != m for d, (n, m) in enumerate(zip(x.shape, src.shape)) if d != axis):
        raise ValueError(f"index_reduce(): source must have input's shape {list(x.shape)} outside dim "
                         f"{dim}, got {list(src.shape)}")
    count = src.shape[axis] if ndim else 1
    if idx.data.size != count:
        raise ValueError(f"index_reduce(): index has {idx.data.size} entries but source has {count} "
                         f"along dim {dim}; they must match")
    _same_dtype("index_reduce", x, src, "source")
    if x.dtype == xp.bool_:
        raise NotImplementedError("index_reduce(): not implemented for bool tensors, as in PyTorch")
    size = x.shape[axis] if ndim else 1
    positions = idx.data.reshape(-1)
    if positions.size and (positions.min() < 0 or positions.max() >= size):
        raise IndexError(f"index_reduce(): index out of range for dim {dim} of size {size}: positions "
                         f"must be in [0, {size - 1}], got values in [{positions.min()}, {positions.max()}]")
    if ndim == 0:  # one entry: as a 1-element vector
        out = index_reduce(reshape(x, (1,)), 0, idx.reshape(1), reshape(src, (1,)), reduce,
                           include_self=include_self)
        return reshape(out, ())
    # each index entry stands for the whole slice of source at its place: gather's addressing
    spread = xp.broadcast_to(positions.reshape((1,) * axis + (-1,) + (1,) * (ndim - axis - 1)), src.shape)
    return ScatterReduce.apply(x, spread, src, axis=axis, reduce=reduce, include_self=bool(include_self))


def _tensor(value: Any, op: str, what: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): {what} must be a Tensor, got {type(value).__name__}")
    return value


def _same_dtype(op: str, x: Tensor, other: Tensor, what: str) -> None:
    if other.dtype != x.dtype:
        raise TypeError(f"{op}(): {what} must have input's dtype {x.dtype}, got {other.dtype}; "
                        f"convert it first ({what}.to(input.dtype))")
