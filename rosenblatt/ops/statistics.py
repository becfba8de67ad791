"""Order statistics and nan-aware reductions: median, kthvalue, mode, quantile, nansum, nanmean,
var_mean, aminmax, count_nonzero, logcumsumexp, as PyTorch's.

The order statistics read ``sort``'s values (nan sorts last) at computed positions
with ``gather``, so their gradient reaches the chosen elements (and, for
``quantile``, the two it interpolates between) through ops that have one already.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from .._backend import xp
from ..autograd.function import Function, tensor_of
from ..tensor import Tensor
from ._dims import dim_index
from .arithmetic import where
from .comparison import isnan
from .indexing import gather
from .reduction import MaxResult, amax, amin, mean, std, sum, var
from .joining import stack
from .shape import movedim, reshape, squeeze
from .sorting import sort


class MinMaxResult(NamedTuple):
    """``(min, max)`` of ``aminmax``, like ``torch.return_types.aminmax``.

    A named tuple: unpack it, or read ``.min`` and ``.max``.

    Example:
        >>> import rosenblatt as rb
        >>> low, high = rb.aminmax(rb.tensor([3.0, -1.0, 2.0]))
        >>> low.item(), high.item()
        (-1.0, 3.0)
    """

    min: Tensor
    max: Tensor


def var_mean(input: Any, dim: Any = None, *, correction: float = 1, keepdim: bool = False) -> tuple:
    """``(var(input, dim), mean(input, dim))`` in one call.

    See :func:`var`: ``sum((x - mean)^2) / (N - correction)``.

    Args:
        input (Tensor): a floating tensor.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        correction (float): subtracted from ``N`` in the variance's divisor (default 1).
        keepdim (bool): keep the reduced dims with size 1 (default False).

    Shape: both ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.var_mean(rb.tensor([1.0, 2.0, 3.0, 6.0]), correction=0)  # squares 4 + 1 + 0 + 9
        (tensor(3.5), tensor(3.))
    """
    return (var(input, dim, keepdim=keepdim, correction=correction), mean(input, dim, keepdim=keepdim))


def std_mean(input: Any, dim: Any = None, *, correction: float = 1, keepdim: bool = False) -> tuple:
    """``(std(input, dim), mean(input, dim))`` in one call.

    See :func:`std`: ``sqrt(sum((x - mean)^2) / (N - correction))``.

    Args:
        input (Tensor): a floating tensor.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        correction (float): subtracted from ``N`` in the variance's divisor (default 1).
        keepdim (bool): keep the reduced dims with size 1 (default False).

    Shape: both ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.std_mean(rb.tensor([[1.0, 3.0], [2.0, 2.0]]), 1, correction=0)
        (tensor([1., 0.]), tensor([2., 2.]))
    """
    return (std(input, dim, keepdim=keepdim, correction=correction), mean(input, dim, keepdim=keepdim))


def aminmax(input: Any, *, dim: int | None = None, keepdim: bool = False) -> MinMaxResult:
    """``(amin(input, dim), amax(input, dim))``: the smallest and largest entries.

    Args:
        input (Tensor): any numeric dtype.
        dim (int, optional): the dim to reduce; all by default.
        keepdim (bool): keep ``dim`` with size 1 (default False).

    Shape: both ``input`` without ``dim`` (0-d without ``dim``).

    Returns:
        a :class:`MinMaxResult` ``(min, max)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.aminmax(rb.tensor([[1.0, 5.0], [4.0, 0.0]]), dim=1)
        MinMaxResult(min=tensor([1., 0.]), max=tensor([5., 4.]))
    """
    return MinMaxResult(amin(input, dim, keepdim), amax(input, dim, keepdim))


def nansum(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The sum with nan entries counted as 0 (their gradient is 0).

    Args:
        input (Tensor): any numeric dtype.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).
        dtype (optional): cast to this dtype before summing.

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nansum(rb.tensor([1.0, float("nan"), 2.0]))
        tensor(3.)
    """
    input = tensor_of(input, "nansum")
    return sum(where(isnan(input), 0.0, input), dim, keepdim, dtype=dtype)


def nanmean(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The mean of the entries that are not nan (nan where all are).

    ``nansum(input) / (number of non-nan entries)`` over the reduced dims.

    Args:
        input (Tensor): a floating tensor.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).
        dtype (optional): cast to this dtype first.

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> nan = float("nan")
        >>> rb.nanmean(rb.tensor([1.0, nan, 2.0])), rb.nanmean(rb.tensor([[1.0, nan], [nan, nan]]), 1)
        (tensor(1.5), tensor([ 1., nan]))
    """
    input = tensor_of(input, "nanmean")
    return nansum(input, dim, keepdim, dtype=dtype) / sum(~isnan(input), dim, keepdim)


def count_nonzero(input: Any, dim: Any = None) -> Tensor:
    """How many entries (along ``dim``, an int or a tuple) are not 0: int64.

    Args:
        input (Tensor): any dtype.
        dim (int or tuple of ints, optional): the dims to count along; all by default.

    Shape: ``input`` without the reduced dims.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[0, 1, 2], [0, 0, 3]])
        >>> rb.count_nonzero(x), rb.count_nonzero(x, 1)
        (tensor(3), tensor([2, 1]))
    """
    return sum(tensor_of(input, "count_nonzero") != 0, dim)


def median(input: Any, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower of the two middle entries (PyTorch's median, not their mean); nan if any
    entry is nan.  With ``dim``, ``(values, indices)`` along it.

    Example:
        >>> import rosenblatt as rb
        >>> rb.median(rb.tensor([4.0, 1.0, 3.0, 2.0])).item()
        2.0
    """
    return _middle(input, dim, keepdim, "median")


def nanmedian(input: Any, dim: int | None = None, keepdim: bool = False) -> Any:
    """``median`` of the entries that are not nan (nan where all are).

    The lower of the two middle non-nan entries; with ``dim``, ``(values, indices)``.

    Args:
        input (Tensor): any numeric dtype.
        dim (int, optional): the dim to reduce; all entries, with no indices, by default.
        keepdim (bool): keep ``dim`` with size 1 (default False).

    Shape: a 0-d tensor without ``dim``; ``input`` without ``dim`` with it.

    Returns:
        Tensor, or a :class:`MaxResult` ``(values, indices)`` when ``dim`` is given.

    Example:
        >>> import rosenblatt as rb
        >>> nan = float("nan")
        >>> rb.nanmedian(rb.tensor([4.0, nan, 1.0, 3.0]))
        tensor(3.)
        >>> rb.nanmedian(rb.tensor([[4.0, nan, 1.0], [2.0, 3.0, nan]]), 1)
        MaxResult(values=tensor([1., 2.]), indices=tensor([2, 0]))
    """
    return _middle(input, dim, keepdim, "nanmedian")


def _middle(input: Any, dim: int | None, keepdim: bool, op: str) -> Any:
    def middle(n: Any, valid: Any) -> Any:
        if op == "nanmedian":
            return xp.maximum(valid - 1, 0) // 2
        return xp.where(valid < n, valid, (n - 1) // 2)  # the first nan, else the middle
    if dim is None:
        return _order_statistic(reshape(tensor_of(input, op), (-1,)), 0, False, middle, op).values
    return _order_statistic(input, dim, keepdim, middle, op)


def kthvalue(input: Any, k: int, dim: int = -1, keepdim: bool = False) -> MaxResult:
    """The ``k``-th smallest entry along ``dim`` (k from 1) and its index: ``(values, indices)``.

    Args:
        input (Tensor): any numeric dtype.
        k (int): the rank, from 1 (the smallest) to ``input.shape[dim]``.
        dim (int): the dim to search along (default -1, the last).
        keepdim (bool): keep ``dim`` with size 1 (default False).

    Shape: ``values`` and ``indices`` (int64): ``input`` without ``dim``.

    Returns:
        a :class:`MaxResult` ``(values, indices)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.kthvalue(rb.tensor([3.0, 1.0, 4.0, 2.0, 5.0]), 2)
        MaxResult(values=tensor(2.), indices=tensor(3))
    """
    input = tensor_of(input, "kthvalue")
    size = input.shape[dim_index(dim, input.ndim or 1, "kthvalue")] if input.ndim else 1
    if not 1 <= k <= size:
        raise IndexError(f"kthvalue(): k must be in [1, {size}] (the size of dim {dim}), got {k}")
    return _order_statistic(input, dim, keepdim, lambda n, valid: xp.full_like(valid, k - 1), "kthvalue")


def _order_statistic(input: Any, dim: int, keepdim: bool, position: Any, op: str) -> MaxResult:
    """The entries at ``position(n, valid)`` (the entry count and the non-nan count along
    ``dim``, kept as size-1 dims) of ``input`` sorted along ``dim``, with their indices."""
    input = tensor_of(input, op)
    if input.ndim == 0:
        dim_index(dim, 1, op)
        return MaxResult(reshape(input, ()), Tensor._wrap(xp.zeros((), dtype=xp.int64)))
    axis = dim_index(dim, input.ndim, op)
    n = input.shape[axis]
    if n == 0:
        raise IndexError(f"{op}(): expected a non-empty dimension {dim}, got shape {tuple(input.shape)}")
    values, indices = sort(input, axis)
    valid = n - xp.isnan(input.data).sum(axis=axis, keepdims=True)
    at = position(n, valid).astype(xp.int64)
    picked = gather(values, axis, Tensor._wrap(at))
    index = xp.take_along_axis(indices.data, at, axis=axis)
    if not keepdim:
        picked, index = squeeze(picked, axis), index.squeeze(axis)
    return MaxResult(picked, Tensor._wrap(index))


def mode(input: Any, dim: int = -1, keepdim: bool = False) -> MaxResult:
    """The most frequent value along ``dim`` and the index of its last occurrence: ``(values, indices)``.

    Among values that occur equally often the smallest wins, and the index is that value's
    last position, as PyTorch's CPU kernel gives them (it sorts each slice and keeps the
    first longest run).  nan entries count together, as one value above all others.  The
    gradient reaches the entry at the returned index.

    Args:
        input (Tensor): any dtype.
        dim (int): the dim to reduce (default -1, the last).
        keepdim (bool): keep ``dim`` with size 1 (default False).

    Shape: ``input (*, n, *)`` -> ``values`` and ``indices`` ``(*, *)`` (``(*, 1, *)`` with keepdim).

    Example:
        >>> import rosenblatt as rb
        >>> rb.mode(rb.tensor([3.0, 1.0, 3.0, 1.0, 2.0]))
        MaxResult(values=tensor(1.), indices=tensor(3))
    """
    input = tensor_of(input, "mode")
    if input.ndim == 0:
        dim_index(dim, 1, "mode")
        return MaxResult(reshape(input, ()), Tensor._wrap(xp.zeros((), dtype=xp.int64)))
    axis = dim_index(dim, input.ndim, "mode")
    n = input.shape[axis]
    if n == 0:
        raise IndexError(f"mode(): expected a non-empty dimension {dim} to reduce, got shape {tuple(input.shape)}")
    rows = xp.moveaxis(input.data, axis, -1).reshape(-1, n)
    order = xp.argsort(rows, axis=-1, kind="stable")  # nan last; equal values keep their order
    ordered = xp.take_along_axis(rows, order, axis=-1)
    same = ordered[:, 1:] == ordered[:, :-1]
    if ordered.dtype.kind == "f":
        same |= xp.isnan(ordered[:, 1:]) & xp.isnan(ordered[:, :-1])
    edge = xp.ones((rows.shape[0], 1), dtype=bool)
    starts, ends = xp.concatenate([edge, ~same], axis=1), xp.concatenate([~same, edge], axis=1)
    position = xp.arange(n)
    run_start = xp.maximum.accumulate(xp.where(starts, position, 0), axis=1)
    # each run's length at its last position: argmax takes the first longest, the smallest value
    last = xp.argmax(xp.where(ends, position - run_start + 1, 0), axis=1)
    index = order[xp.arange(rows.shape[0]), last].astype(xp.int64)
    shape = tuple(1 if d == axis else s for d, s in enumerate(input.shape))
    index = xp.moveaxis(index.reshape(shape[:axis] + shape[axis + 1:] + (1,)), -1, axis)
    values = gather(input, axis, Tensor._wrap(index))
    if not keepdim:
        values, index = squeeze(values, axis), index.squeeze(axis)
    return MaxResult(values, Tensor._wrap(index))


_INTERPOLATIONS = ("linear", "lower", "higher", "nearest", "midpoint")


def quantile(input: Any, q: Any, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The ``q``-quantiles (``q`` in [0, 1], a number or a 1-d tensor) of ``input`` along
    ``dim`` (all entries when None); nan where a slice holds a nan.  ``interpolation``
    picks between the two entries around position ``q * (n - 1)``: "linear" (the default),
    "lower", "higher", "nearest" (half to even) or "midpoint".  A tensor ``q`` puts its
    dim first in the result.

    Example:
        >>> import rosenblatt as rb
        >>> rb.quantile(rb.tensor([1.0, 2.0, 4.0, 8.0]), 0.5).item()
        3.0
    """
    return _quantile(input, q, dim, keepdim, interpolation, "quantile")


def nanquantile(input: Any, q: Any, dim: int | None = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """``quantile`` of the entries that are not nan (nan where all are).

    The ``q``-quantile interpolates at position ``q * (n - 1)`` of the ``n`` non-nan entries,
    sorted; see :func:`quantile` for ``interpolation``.

    Args:
        input (Tensor): a floating tensor.
        q (float or Tensor): in [0, 1], a number or a 1-d tensor.
        dim (int, optional): the dim to reduce; all entries by default.
        keepdim (bool): keep ``dim`` with size 1 (default False).
        interpolation (str): "linear" (default), "lower", "higher", "nearest" or "midpoint".

    Shape: ``input`` without ``dim``, with a leading dim of ``len(q)`` for a tensor ``q``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, float("nan"), 3.0])
        >>> rb.nanquantile(x, 0.5), rb.nanquantile(x, rb.tensor([0.0, 0.25, 1.0]))
        (tensor(2.), tensor([1. , 1.5, 3. ]))
    """
    return _quantile(input, q, dim, keepdim, interpolation, "nanquantile")


def _quantile(input: Any, q: Any, dim: int | None, keepdim: bool, interpolation: str, op: str) -> Tensor:
    input = tensor_of(input, op)
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{op}(): interpolation must be one of {_INTERPOLATIONS}, got {interpolation!r}")
    qs = q.data if isinstance(q, Tensor) else xp.asarray(q, dtype=input.dtype)
    if qs.ndim > 1 or not ((qs >= 0) & (qs <= 1)).all():
        raise ValueError(f"{op}(): q must be a number or a 1-d tensor of values in [0, 1], got {q!r:.60}")
    if dim is None:
        source = reshape(input, (-1,) + (1,) * input.ndim if keepdim else (-1,))
        axis = 0
    else:
        axis = dim_index(dim, input.ndim or 1, op)
        source = movedim(input, axis, 0) if input.ndim else reshape(input, (1,))
    if source.shape[0] == 0:
        raise IndexError(f"{op}(): expected a non-empty input, got shape {tuple(input.shape)}")
    values = sort(source, 0).values  # nan last
    n = source.shape[0]
    nans = xp.isnan(source.data).sum(axis=0, keepdims=True)
    valid = n - nans if op == "nanquantile" else xp.full_like(nans, n)
    results = [_interpolated(values, float(p) * xp.maximum(valid - 1, 0), interpolation) for p in qs.reshape(-1)]
    if op == "quantile":  # a nan anywhere in a slice makes its quantiles nan, as PyTorch's
        results = [where(Tensor._wrap(nans > 0), float("nan"), r) for r in results]
    out = stack(results, 0)  # (q, 1, rest...): the reduced dim at 1
    out = squeeze(out, 1) if not keepdim or dim is None else movedim(out, 1, axis + 1)
    return out if qs.ndim else squeeze(out, 0)


def _interpolated(values: Tensor, position: Any, interpolation: str) -> Tensor:
    """``values`` (sorted along dim 0) read at fractional ``position`` (1, rest...)."""
    lower, upper = xp.floor(position), xp.ceil(position)
    if interpolation == "nearest":
        lower = upper = xp.rint(position)
    elif interpolation == "lower":
        upper = lower
    elif interpolation == "higher":
        lower = upper
    low = gather(values, 0, Tensor._wrap(lower.astype(xp.int64)))
    high = gather(values, 0, Tensor._wrap(upper.astype(xp.int64)))
    if interpolation == "midpoint":
        return (low + high) * 0.5
    weight = Tensor._wrap((position - lower).astype(values.dtype))
    return low + (high - low) * weight


class LogCumSumExp(Function):
    """``out_i = log(sum_{j <= i} exp(x_j))`` along ``axis``, by NumPy's ``logaddexp``
    accumulation (stable at any magnitude).  Backward, ``dx_j = sum_{i >= j} g_i exp(x_j -
    out_i)``, sums the positive and negative parts of ``g`` in log space, as PyTorch's."""

    saves_inputs = (0,)
    saves_output = True

    def forward(self, x, axis=0):
        self.axis = axis
        return xp.logaddexp.accumulate(x, axis=axis) if x.size else x.copy()

    def backward(self, grad):
        x, out, axis = self._inputs[0], self._output, self.axis
        with xp.errstate(divide="ignore"):  # log(0) = -inf: no contribution
            positive = xp.log(xp.where(grad > 0, grad, 0)) - out
            negative = xp.log(xp.where(grad < 0, -grad, 0)) - out
        return xp.exp(_reverse_logcumsumexp(positive, axis) + x) - xp.exp(_reverse_logcumsumexp(negative, axis) + x)


def _reverse_logcumsumexp(a: Any, axis: int) -> Any:
    flipped = xp.flip(a, axis)
    return xp.flip(xp.logaddexp.accumulate(flipped, axis=axis), axis)


def logcumsumexp(input: Any, dim: int) -> Tensor:
    """``log(cumsum(exp(input), dim))``, stable for inputs of any magnitude.

    Example:
        >>> import rosenblatt as rb
        >>> [round(v, 4) for v in rb.logcumsumexp(rb.tensor([0.0, 0.0, -1000.0]), 0).tolist()]
        [0.0, 0.6931, 0.6931]
    """
    input = tensor_of(input, "logcumsumexp")
    if input.ndim == 0:  # one entry: itself
        dim_index(dim, 1, "logcumsumexp")
        return reshape(LogCumSumExp.apply(reshape(input, (1,)), axis=0), ())
    return LogCumSumExp.apply(input, axis=dim_index(dim, input.ndim, "logcumsumexp"))


def cov(input: Any, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Tensor:
    """The covariance matrix of the variables in ``input``'s rows (observations in columns):
    ``(X - mean) (X - mean)^T / (N - correction)``; one variable (a 1-d input or one row)
    gives a 0-d result.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cov(rb.tensor([[0.0, 2.0], [3.0, 1.0]])).tolist()
        [[2.0, -2.0], [-2.0, 2.0]]
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov(): fweights and aweights are not supported in this release")
    x = tensor_of(input, "cov")
    if x.ndim > 2:
        raise ValueError(f"cov(): expected a 1-d or 2-d input (variables x observations), got shape "
                         f"{list(x.shape)}")
    rows = reshape(x, (1, -1)) if x.ndim < 2 else x
    centered = rows - mean(rows, 1, keepdim=True)
    out = (centered @ centered.mT) / max(rows.shape[1] - correction, 0)
    return reshape(out, ()) if rows.shape[0] == 1 else out  # one variable: its variance, as PyTorch


def corrcoef(input: Any) -> Tensor:
    """Pearson's correlation coefficients of the variables in ``input``'s rows, clipped to
    [-1, 1] as PyTorch's.

    ``R[i, j] = C[i, j] / sqrt(C[i, i] C[j, j])`` with ``C = cov(input)``.

    Args:
        input (Tensor): a 2-d (variables x observations) or 1-d (one variable) floating tensor.

    Shape: ``(v, n) -> (v, v)``; a 0-d tensor for one variable.

    Example:
        >>> import rosenblatt as rb
        >>> rb.corrcoef(rb.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 2.0, 1.0]]))
        tensor([[ 1.,  1., -1.],
                [ 1.,  1., -1.],
                [-1., -1.,  1.]])
    """
    from .arithmetic import clamp
    from .pointwise import sqrt
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = sqrt(c.diagonal())
    return clamp(c / d.unsqueeze(1) / d.unsqueeze(0), -1, 1)
