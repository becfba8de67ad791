"""Counting entries in bins: ``histogram``, ``histc`` and ``bincount``, as PyTorch's.

Not differentiable, as in PyTorch (whose outputs claim a gradient but raise on backward):
the results here are plain tensors outside the graph.
"""
from __future__ import annotations

import operator
from typing import Any, NamedTuple

from .._backend import xp
from ..autograd.function import as_array
from ..tensor import Tensor


class HistogramResult(NamedTuple):
    """``(hist, bin_edges)`` of ``histogram``, like ``torch.return_types.histogram``."""

    hist: Tensor
    bin_edges: Tensor


def _edges(data: Any, bins: Any, range: Any) -> Any:
    """The bin edges: ``bins`` itself when it is a tensor, else ``bins + 1`` evenly spaced
    points over ``range`` (the data's, [0, 1] for no data), as PyTorch's ``linspace``
    makes them in ``data``'s dtype."""
    if isinstance(bins, (Tensor, xp.ndarray, list, tuple)):
        if range is not None:
            raise TypeError("histogram(): range applies to a number of bins only; with bin edges given, "
                            "drop range (the edges set it)")
        edges = as_array(bins, "histogram")
        if edges.ndim != 1 or edges.shape[0] < 2:
            raise ValueError(f"histogram(): bins must be an int or a 1-d tensor of at least 2 edges, got "
                             f"shape {list(edges.shape)}")
        if edges.dtype != data.dtype:
            raise TypeError(f"histogram(): input and bins must have the same dtype, got {data.dtype} and "
                            f"{edges.dtype}; convert bins with .to({data.dtype})")
        if (xp.diff(edges) < 0).any():
            raise ValueError(f"histogram(): the bin edges must increase, got {edges.tolist()}")
        return edges.copy()
    if isinstance(bins, bool) or not hasattr(type(bins), "__index__") or operator.index(bins) <= 0:
        raise ValueError(f"histogram(): bins must be a positive int or a 1-d tensor of edges, got {bins!r}")
    if range is not None:
        if len(range) != 2:
            raise ValueError(f"histogram(): range must be (min, max), got {range!r}")
        low, high = float(range[0]), float(range[1])
    elif data.size:
        low, high = float(data.min()), float(data.max())
    else:  # no data: NumPy's default range
        low, high = 0.0, 1.0
    if not (xp.isfinite(low) and xp.isfinite(high)):
        raise ValueError(f"histogram(): the range [{low}, {high}] is not finite (nan or inf in the input); "
                         f"give range=(min, max)")
    if low > high:
        raise ValueError(f"histogram(): range must have min <= max, got min {low} and max {high}")
    if low == high:  # an empty range is widened, as NumPy's
        low, high = low - 0.5, high + 0.5
    from ..creation import linspace  # here: creation imports the ops
    return linspace(low, high, operator.index(bins) + 1, dtype=data.dtype).data


def histogram(input: Any, bins: Any, *, range: tuple[float, float] | None = None, weight: Any = None,
              density: bool = False) -> HistogramResult:
    """A histogram of ``input``'s entries: how many fall in each bin (the sum of their ``weight``).

    Bin ``i`` holds ``edges[i] <= v < edges[i + 1]``; the last bin also holds its right edge.
    Entries outside the edges, and nan, are not counted.  With ``density``, ``hist / (sum(hist)
    * bin_width)``, so the histogram integrates to 1.

    Args:
        input (Tensor): float32 or float64, any shape (flattened).
        bins (int or Tensor): the number of equal bins, or the 1-d increasing bin edges.
        range (tuple of float, optional): (min, max) of equal bins; the data's by default.
        weight (Tensor, optional): a weight per entry, of ``input``'s shape and dtype.
        density (bool): normalise to a density (default False).

    Shape: ``hist (nbins,)``, ``bin_edges (nbins + 1,)``, both in ``input``'s dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.histogram(rb.tensor([1.0, 2.0, 1.0]), bins=2, range=(0.0, 2.0)).hist.tolist()
        [0.0, 3.0]
    """
    data = as_array(input, "histogram")
    if data.dtype.kind != "f":
        raise TypeError(f"histogram(): expected a floating tensor (float32 or float64), got {data.dtype}; "
                        f"convert it with .float()")
    edges = _edges(data, bins, range)
    values = data.reshape(-1)
    weights = None
    if weight is not None:
        weights = as_array(weight, "histogram")
        if weights.shape != data.shape or weights.dtype != data.dtype:
            raise ValueError(f"histogram(): weight must have input's shape {list(data.shape)} and dtype "
                             f"{data.dtype}, got {list(weights.shape)} and {weights.dtype}")
        weights = weights.reshape(-1)
    nbins = edges.shape[0] - 1
    inside = (values >= edges[0]) & (values <= edges[-1])
    # PyTorch's bin: the last edge <= v (its binary search), the right edge into the last bin
    position = xp.minimum(xp.searchsorted(edges, values[inside], side="right") - 1, nbins - 1)
    hist = xp.bincount(position, None if weights is None else weights[inside], minlength=nbins)
    hist = hist.astype(data.dtype)
    if density:
        with xp.errstate(invalid="ignore", divide="ignore"):  # nothing counted: nan, as PyTorch's
            hist = hist / hist.sum() / xp.diff(edges)
    return HistogramResult(Tensor._wrap(hist), Tensor._wrap(edges))


def histc(input: Any, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Counts of ``input``'s elements in ``bins`` equal bins over ``[min, max]``, in its dtype.

    As PyTorch: ``min`` and ``max`` both 0 take the data's range; an empty range is
    widened to ``[min - 1, max + 1]``; elements outside it (and nan) are not counted; the
    last bin includes ``max``.  Floating tensors only; not differentiable.

    Example:
        >>> import rosenblatt as rb
        >>> rb.histc(rb.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=4).tolist()
        [0.0, 2.0, 1.0, 1.0]
    """
    data = (input.data if isinstance(input, Tensor) else as_array(input, "histc")).reshape(-1)
    if data.dtype.kind != "f":
        raise TypeError(f"histc(): expected a floating tensor, got {data.dtype}; convert it with .float()")
    if not isinstance(bins, int) or bins <= 0:
        raise ValueError(f"histc(): bins must be a positive int, got {bins!r}")
    low, high = float(min), float(max)
    if low == high == 0 and data.size:
        low, high = float(data.min()), float(data.max())
        if not (xp.isfinite(low) and xp.isfinite(high)):
            raise ValueError(f"histc(): the data's range [{low}, {high}] is not finite; give min and max")
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise ValueError(f"histc(): max must be larger than min, got min={min} and max={max}")
    inside = data[(data >= low) & (data <= high)]
    low_t, high_t = data.dtype.type(low), data.dtype.type(high)  # PyTorch's arithmetic: in the dtype
    position = ((inside - low_t) * data.dtype.type(bins) / (high_t - low_t)).astype(xp.int64)
    counts = xp.bincount(xp.minimum(position, bins - 1), minlength=bins)
    return Tensor._wrap(counts.astype(data.dtype))


def bincount(input: Any, weights: Any = None, minlength: int = 0) -> Tensor:
    """How often each value ``0 .. max(input)`` occurs in the 1-d non-negative int tensor
    ``input`` (summing ``weights`` instead of counting ones, when given); at least
    ``minlength`` bins.  int64 counts; weighted sums in float32 for float32 weights, else
    float64, as PyTorch's.  Not differentiable.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bincount(rb.tensor([1, 1, 3])).tolist()
        [0, 2, 0, 1]
    """
    data = input.data if isinstance(input, Tensor) else xp.asarray(input)
    if data.ndim != 1 or data.dtype.kind not in "iu" or (data.size and data.min() < 0):
        raise ValueError(f"bincount(): input must be a 1-d tensor of non-negative ints, got dtype "
                         f"{data.dtype} and shape {list(data.shape)}")
    if weights is None:
        return Tensor._wrap(xp.bincount(data, minlength=minlength).astype(xp.int64))
    w = weights.data if isinstance(weights, Tensor) else xp.asarray(weights)
    if w.shape != data.shape:
        raise ValueError(f"bincount(): weights must have input's shape {list(data.shape)}, got "
                         f"{list(w.shape)}")
    out = xp.bincount(data, weights=w, minlength=minlength)
    return Tensor._wrap(out.astype(xp.float32 if w.dtype == xp.float32 else xp.float64))
