"""``histogram``: counts (or summed weights) of a tensor's entries in bins, as PyTorch's.

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
