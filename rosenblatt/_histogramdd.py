"""``histogramdd``: PyTorch's histogram of N-dimensional points (``histogram`` is the 1-d one).

Not differentiable, as in PyTorch (whose outputs claim a gradient but raise on backward):
the results are plain tensors outside the graph.
"""
from __future__ import annotations

import math
import operator
from typing import Any, NamedTuple, Sequence

from ._backend import xp
from .tensor import Tensor

__all__ = ["HistogramddResult", "histogramdd"]


class HistogramddResult(NamedTuple):
    """``(hist, bin_edges)`` of ``histogramdd``, like ``torch.return_types.histogramdd``."""

    hist: Tensor
    bin_edges: tuple[Tensor, ...]


def histogramdd(input: Tensor, bins: int | Sequence[int] | Sequence[Tensor], *,
                range: Sequence[float] | None = None, weight: Tensor | None = None,
                density: bool = False) -> HistogramddResult:
    """A histogram of points: each row of ``input``'s last dim is a point in N dimensions.

    Each dimension has its own increasing bin edges; a point falls in the bin whose edges
    hold each of its coordinates (``edges[i] <= v < edges[i + 1]``, the last bin holding its
    right edge too).  Points outside the edges, or with a nan coordinate, are not counted.
    With ``density``, each count is divided by the total and by its bin's volume, so the
    histogram integrates to 1.

    Args:
        input (Tensor): ``(*, N)`` float32 or float64 points, at least 2 dims (the leading
            ones are flattened).
        bins (int, sequence of N ints, or sequence of N 1-d Tensors): the number of equal bins
            in every dimension, in each, or each dimension's increasing edges (in ``input``'s
            dtype).
        range (sequence of 2N floats, optional): ``[min_0, max_0, min_1, max_1, ...]`` of equal
            bins; the data's by default (an empty range is widened by 0.5 each side).  Ignored
            when ``bins`` gives the edges.
        weight (Tensor, optional): a weight per point, of shape ``input.shape[:-1]`` and
            ``input``'s dtype, summed in place of counting ones.
        density (bool): normalise to a density (default False).

    Returns:
        ``(hist, bin_edges)``: ``hist`` of shape ``(nbins_0, ..., nbins_{N-1})`` and a tuple
        of N 1-d edge tensors, all in ``input``'s dtype.

    Example:
        >>> import rosenblatt as rb
        >>> points = rb.tensor([[0., 1.], [1., 0.], [2., 0.], [2., 2.]])
        >>> hist, edges = rb.histogramdd(points, bins=[3, 3], weight=rb.tensor([1., 2., 4., 8.]))
        >>> hist
        tensor([[0., 1., 0.],
                [2., 0., 0.],
                [4., 0., 8.]])
        >>> edges[0]
        tensor([0.    , 0.6667, 1.3333, 2.    ])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"histogramdd(): argument 'input' must be Tensor, not {type(input).__name__}")
    data = input.data
    if data.dtype not in (xp.float32, xp.float64):
        raise TypeError(f"histogramdd(): expected a float32 or float64 input, got {data.dtype}; convert it "
                        f"with .float()")
    if data.ndim < 2:
        raise ValueError(f"histogramdd(): input tensor should have at least 2 dimensions, got shape "
                         f"{list(data.shape)}; a (M, N) tensor holds M points in N dimensions")
    n = data.shape[-1]
    points = data.reshape(-1, n)
    edges = _edges(points, bins, range, n)
    weights = None
    if weight is not None:
        weights = weight.data if isinstance(weight, Tensor) else xp.asarray(weight)
        if weights.shape != data.shape[:-1]:
            raise ValueError(f"histogramdd(): if weight tensor is provided it should have the same shape as the "
                             f"input tensor excluding its innermost dimension, but got input with shape "
                             f"{list(data.shape)} and weight with shape {list(weights.shape)}")
        if weights.dtype != data.dtype:
            raise TypeError(f"histogramdd(): weight must have input's dtype {data.dtype}, got {weights.dtype}")
        weights = weights.reshape(-1)
    counts = [e.shape[0] - 1 for e in edges]
    inside = xp.ones(points.shape[0], dtype=bool)
    positions = []
    for d, e in enumerate(edges):
        v = points[:, d]
        inside &= (v >= e[0]) & (v <= e[-1])  # nan is never inside
        # The last edge <= v (PyTorch's binary search); the right edge goes in the last bin.
        positions.append(xp.minimum(xp.searchsorted(e, v, side="right") - 1, counts[d] - 1))
    flat = xp.ravel_multi_index(tuple(p[inside] for p in positions), counts) if n else xp.zeros(0, int)
    hist = xp.bincount(flat, None if weights is None else weights[inside], minlength=math.prod(counts))
    hist = hist.astype(data.dtype).reshape(counts)
    if density:
        with xp.errstate(invalid="ignore", divide="ignore"):  # nothing counted: nan, as PyTorch's
            hist = hist / hist.sum()
            for d, e in enumerate(edges):
                shape = [1] * n
                shape[d] = counts[d]
                hist = hist / xp.diff(e).reshape(shape)
    return HistogramddResult(Tensor._wrap(hist), tuple(Tensor._wrap(e) for e in edges))


def _edges(points: Any, bins: Any, range: Any, n: int) -> list:
    """Each dimension's bin edges: given, or ``bins + 1`` evenly spaced over the range."""
    if isinstance(bins, (tuple, list)) and bins and all(isinstance(b, Tensor) for b in bins):
        if len(bins) != n:
            raise ValueError(f"histogramdd(): the number of bin sequences ({len(bins)}) must be equal to the "
                             f"innermost dimension of the input ({n})")
        return [_given_edges(b.data, d, points.dtype) for d, b in enumerate(bins)]
    if isinstance(bins, (tuple, list)):
        counts = [_count(b) for b in bins]
        if len(counts) != n:
            raise ValueError(f"histogramdd(): the number of bins ({len(counts)}) must be equal to the innermost "
                             f"dimension of the input ({n})")
    else:
        counts = [_count(bins)] * n
    for d, c in enumerate(counts):
        if c <= 0:
            raise ValueError(f"histogramdd(): bins must be > 0, but got {c} for dimension {d}")
    if range is not None:
        range = [float(r) for r in range]
        if len(range) != 2 * n:
            raise ValueError(f"histogramdd(): for a {n}-dimensional histogram range should have {2 * n} "
                             f"elements, but got {len(range)}")
        lows, highs = range[0::2], range[1::2]
        for d, (low, high) in enumerate(zip(lows, highs)):
            if low > high:
                raise ValueError(f"histogramdd(): min should not exceed max, but got min {low:g} max "
                                 f"{high:g} for dimension {d}")
    elif points.shape[0]:
        lows, highs = points.min(0).tolist(), points.max(0).tolist()
    else:  # no points: [0, 1], as PyTorch's
        lows, highs = [0.0] * n, [1.0] * n
    from .creation import linspace  # on first use: creation imports the ops
    edges = []
    for d, (low, high, c) in enumerate(zip(lows, highs, counts)):
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"histogramdd(): dimension {d}'s range [{low:g}, {high:g}] is not finite; give "
                             f"range=[min_0, max_0, ...] (nan or inf in the input)")
        if low == high:  # an empty range is widened, as NumPy's
            low, high = low - 0.5, high + 0.5
        edges.append(linspace(low, high, c + 1, dtype=points.dtype).data)
    return edges


def _count(b: Any) -> int:
    if isinstance(b, bool) or not hasattr(type(b), "__index__"):
        raise TypeError(f"histogramdd(): bins must be an int, a sequence of ints or a sequence of 1-d Tensors, "
                        f"got {b!r}")
    return operator.index(b)


def _given_edges(edges: Any, d: int, dtype: Any) -> Any:
    if edges.ndim != 1:
        raise ValueError(f"histogramdd(): bins tensor should have one dimension, but got {edges.ndim} dimensions "
                         f"in the bins tensor for dimension {d}")
    if edges.shape[0] == 0:
        raise ValueError(f"histogramdd(): bins tensor should have at least 1 element, but got 0 elements in "
                         f"the bins tensor for dimension {d}")
    if edges.shape[0] == 1:
        raise ValueError(f"histogramdd(): bins must be > 0, but got 0 for dimension {d} (one edge)")
    if edges.dtype != dtype:
        raise TypeError(f"histogramdd(): input tensor and bins tensors should have the same dtype, but got input "
                        f"with dtype {dtype} and bins for dimension {d} with dtype {edges.dtype}")
    if (xp.diff(edges) < 0).any():
        raise ValueError(f"histogramdd(): the bin edges for dimension {d} must increase, got {edges.tolist()}")
    return edges.copy()
