"""Sorting along a dim: ``sort``, ``argsort`` and ``topk``, as PyTorch's.

The order is found on the arrays (NumPy's stable ``argsort``); the values are
``gather(input, dim, indices)``, so their gradient flows back to the elements
chosen, through the one ``Gather`` op.  NaN sorts as the largest value, as in
PyTorch: last ascending, first descending.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

from .._backend import int64, xp
from ..autograd.function import as_array
from ..tensor import Tensor
from ._dims import dim_index
from .indexing import gather
from .shape import reshape


class SortResult(NamedTuple):
    """``(values, indices)`` of ``sort``, like ``torch.return_types.sort``.

    A named tuple: unpack it, or read ``.values`` and ``.indices``.

    Example:
        >>> import rosenblatt as rb
        >>> values, indices = rb.sort(rb.tensor([3.0, 1.0, 2.0]))
        >>> values.tolist(), indices.tolist()
        ([1.0, 2.0, 3.0], [1, 2, 0])
    """

    values: Tensor
    indices: Tensor


class TopkResult(NamedTuple):
    """``(values, indices)`` of ``topk``, like ``torch.return_types.topk``.

    A named tuple: unpack it, or read ``.values`` and ``.indices``.

    Example:
        >>> import rosenblatt as rb
        >>> best = rb.topk(rb.tensor([3.0, 1.0, 2.0, 5.0]), 2)
        >>> best
        TopkResult(values=tensor([5., 3.]), indices=tensor([3, 0]))
        >>> best.indices.tolist()
        [3, 0]
    """

    values: Tensor
    indices: Tensor


def _order(data: Any, axis: int, descending: bool) -> Any:
    """Indices that sort ``data`` along ``axis``; equal elements keep their order either way."""
    if not descending:
        return xp.argsort(data, axis=axis, kind="stable")
    # Sorting the reversed array ascending and reading the result backwards gives the
    # descending order with ties in their original order (NaN, last ascending, comes first).
    n = data.shape[axis]
    backwards = xp.argsort(xp.flip(data, axis), axis=axis, kind="stable")
    return n - 1 - xp.flip(backwards, axis)


def _sorted(input: Tensor, dim: int, descending: bool, k: int | None, op: str) -> tuple[Tensor, Tensor]:
    """The first ``k`` (all for None) of ``input`` sorted along ``dim``, and their indices."""
    if input.ndim == 0:  # PyTorch sorts a 0-d tensor as itself
        values, indices = _sorted(reshape(input, (1,)), 0, descending, k, op)
        return reshape(values, ()), reshape(indices, ())
    axis = dim_index(dim, input.ndim, op)
    order = _order(input.data, axis, descending)
    if k is not None:
        order = order[(slice(None),) * axis + (slice(0, k),)]
    indices = Tensor._wrap(order.astype(int64, copy=False))
    return gather(input, axis, indices), indices


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> SortResult:
    """``input`` sorted along ``dim``: ``(values, indices)`` with ``values = input.gather(dim, indices)``.

    The sort is always stable (``stable`` is accepted for PyTorch's signature).

    Example:
        >>> import rosenblatt as rb
        >>> rb.sort(rb.tensor([3.0, 1.0, 2.0]), descending=True)
        SortResult(values=tensor([3., 2., 1.]), indices=tensor([0, 2, 1]))
    """
    return SortResult(*_sorted(input, dim, descending, None, "sort"))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (``sort(...).indices``).

    Stable: equal entries keep their order.

    Args:
        input (Tensor): any numeric dtype.
        dim (int): the dim to sort along (default -1, the last).
        descending (bool): largest first (default False).
        stable (bool): accepted for PyTorch's signature; the sort is always stable.

    Shape: int64, ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([3.0, 1.0, 2.0])
        >>> rb.argsort(x), rb.argsort(x, descending=True)
        (tensor([1, 2, 0]), tensor([0, 2, 1]))
    """
    return sort(input, dim, descending, stable).indices


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> TopkResult:
    """The ``k`` largest (``largest=False``: smallest) elements along ``dim`` and their indices,
    largest first (smallest first).  Ties keep their order in ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.topk(rb.tensor([[1.0, 5.0, 3.0, 4.0]]), 2)
        TopkResult(values=tensor([[5., 4.]]), indices=tensor([[1, 3]]))
    """
    if input.dtype.kind == "b":
        raise TypeError("topk(): does not support bool tensors, as in PyTorch; convert with .int() first")
    size = input.shape[dim_index(dim, input.ndim, "topk")] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk: k must be in [0, {size}] (the size of dim {dim}), got {k}")
    return TopkResult(*_sorted(input, dim, largest, k, "topk"))


def unique(input: Any, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None) -> Any:
    """The distinct values of ``input`` in ascending order (flattened, or the distinct slices
    along ``dim``); with ``return_inverse`` also where each entry went, with ``return_counts``
    how often each value occurs.  Not differentiable.

    Example:
        >>> import rosenblatt as rb
        >>> values, counts = rb.unique(rb.tensor([3, 1, 3]), return_counts=True)
        >>> values.tolist(), counts.tolist()
        ([1, 3], [1, 2])
    """
    data = input.data if isinstance(input, Tensor) else xp.asarray(input)
    axis = None if dim is None else dim_index(dim, data.ndim, "unique")
    # PyTorch sorts on the CPU whatever ``sorted`` says; so does NumPy.
    values, inverse, counts = xp.unique(data, return_inverse=True, return_counts=True, axis=axis)
    out = (Tensor._wrap(values),)
    if return_inverse:
        shape = data.shape if axis is None else (data.shape[axis],)
        out += (Tensor._wrap(inverse.reshape(shape).astype(int64)),)
    if return_counts:
        out += (Tensor._wrap(counts.astype(int64)),)
    return out[0] if len(out) == 1 else out


def unique_consecutive(input: Any, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:
    """``input`` with each run of equal consecutive values (flattened, or slices along ``dim``)
    kept once; with ``return_inverse`` also which run each entry is in, with ``return_counts``
    each run's length.  nan never equals nan, so each nan is a run of its own, as in PyTorch.
    Not differentiable.

    Args:
        input (Tensor): the tensor.
        return_inverse (bool): also return the run of each entry (default False).
        return_counts (bool): also return each run's length (default False).
        dim (int, optional): compare whole slices along this dim; None flattens (default).

    Returns:
        Tensor, or a tuple ``(output, inverse?, counts?)`` with the ones asked for; the
        inverse has ``input``'s shape (``(input.size(dim),)`` with ``dim``), both int64.

    Example:
        >>> import rosenblatt as rb
        >>> values, counts = rb.unique_consecutive(rb.tensor([1, 1, 2, 2, 3, 1]), return_counts=True)
        >>> values.tolist(), counts.tolist()
        ([1, 2, 3, 1], [2, 2, 1, 1])
    """
    data = input.data if isinstance(input, Tensor) else xp.asarray(input)
    if dim is None:
        rows, shape = data.reshape(-1, 1), data.shape
    else:
        if data.ndim == 0:
            raise IndexError(f"unique_consecutive(): dim {dim} given, but the tensor has no dims")
        axis = dim_index(dim, data.ndim, "unique_consecutive")
        if data.size == 0 and data.shape[axis] != 0:
            raise ValueError(f"unique_consecutive(): input of shape {list(data.shape)} has a dim of size 0 "
                             f"other than dim {dim}, so its slices can't be compared, as in PyTorch")
        moved = xp.moveaxis(data, axis, 0)
        rows, shape = moved.reshape(moved.shape[0], math.prod(moved.shape[1:])), (data.shape[axis],)
    starts = xp.ones(rows.shape[0], dtype=bool)
    starts[1:] = (rows[1:] != rows[:-1]).any(axis=1) if rows.shape[1] else False
    if dim is None:
        values = data.reshape(-1)[starts]
    else:
        values = xp.moveaxis(xp.moveaxis(data, axis, 0)[starts], 0, axis)
    out = (Tensor._wrap(xp.ascontiguousarray(values)),)
    if return_inverse:
        out += (Tensor._wrap((xp.cumsum(starts) - 1).astype(int64).reshape(shape)),)
    if return_counts:
        out += (Tensor._wrap(xp.diff(xp.append(xp.flatnonzero(starts), rows.shape[0])).astype(int64)),)
    return out[0] if len(out) == 1 else out


def searchsorted(sorted_sequence: Any, input: Any, *, right: bool = False, side: str | None = None) -> Tensor:
    """For each value of ``input``, the index where it would go in ``sorted_sequence`` (its last
    dim sorted ascending) to keep it sorted: before equal entries, or after them with ``right``
    (``side='right'``).  An N-d sequence searches row by row, ``input``'s rows matching its
    leading dims.  int64, not differentiable.

    Example:
        >>> import rosenblatt as rb
        >>> rb.searchsorted(rb.tensor([1, 3, 5, 7]), rb.tensor([3, 6, 9])).tolist()
        [1, 3, 4]
    """
    if side is not None:
        if side not in ("left", "right") or (right and side == "left"):
            raise ValueError(f"searchsorted(): side must be 'left' or 'right' (and agree with right), "
                             f"got {side!r}")
        right = side == "right"
    seq = sorted_sequence.data if isinstance(sorted_sequence, Tensor) else xp.asarray(sorted_sequence)
    values = input.data if isinstance(input, Tensor) else xp.asarray(input)
    which = "right" if right else "left"
    if seq.ndim <= 1:
        return Tensor._wrap(xp.searchsorted(seq, values, side=which).astype(int64))
    if values.shape[:-1] != seq.shape[:-1]:
        raise ValueError(f"searchsorted(): input's leading dims {list(values.shape[:-1])} must match the "
                         f"sorted sequence's {list(seq.shape[:-1])}")
    rows_seq, rows_val = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
    out = xp.stack([xp.searchsorted(s, v, side=which) for s, v in zip(rows_seq, rows_val)])
    return Tensor._wrap(out.reshape(values.shape).astype(int64))


def bucketize(input: Any, boundaries: Any, *, right: bool = False) -> Tensor:
    """The bucket of each value of ``input`` among the sorted 1-d ``boundaries``: ``searchsorted``
    with the arguments swapped, as PyTorch's.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bucketize(rb.tensor([3, 6, 9]), rb.tensor([1, 3, 5, 7])).tolist()
        [1, 3, 4]
    """
    return searchsorted(boundaries, input, right=right)


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each of ``elements`` is among ``test_elements`` (a tensor or a number): a bool
    tensor of ``elements``' shape (negated with ``invert``).  Not differentiable.

    Example:
        >>> import rosenblatt as rb
        >>> rb.isin(rb.tensor([1, 2, 3]), rb.tensor([2, 5])).tolist()
        [False, True, False]
    """
    data = elements.data if isinstance(elements, Tensor) else as_array(elements, "isin")
    tests = test_elements.data if isinstance(test_elements, Tensor) else as_array(test_elements, "isin")
    return Tensor._wrap(xp.isin(data, tests, assume_unique=assume_unique, invert=invert))


def msort(input: Any) -> Tensor:
    """``input`` sorted along its first dim: ``sort(input, 0).values``.

    Each column of a matrix is sorted on its own.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.msort(rb.tensor([[3, 1], [1, 2], [2, 0]]))
        tensor([[1, 0],
                [2, 1],
                [3, 2]])
    """
    return sort(input, 0).values
