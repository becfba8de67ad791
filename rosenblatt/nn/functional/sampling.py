"""Resampling of signals and images: ``interpolate`` (nearest, nearest-exact, linear,
bilinear, bicubic, area).

Every mode is a separable linear map, ``out = M_h @ x @ M_w^T`` with small
(Ho, H) and (Wo, W) interpolation matrices, so forward and backward are two
batched GEMMs each (``SeparableMap``, shared with ``adaptive_avg_pool2d``).
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_floating
from .conv import _height_one


class SeparableMap(Function):
    """``out[..., i, j] = sum_{h, w} mh[i, h] x[..., h, w] mw[j, w]``."""

    def forward(self, x, mh=None, mw=None):
        self.mh, self.mw = mh, mw
        return mh @ (x @ mw.T)

    def backward(self, grad):
        return self.mh.T @ (grad @ self.mw)


def separable_map(x: Tensor, mh: Any, mw: Any) -> Tensor:
    """Apply row matrix ``mh`` (Ho, H) and column matrix ``mw`` (Wo, W) to the last two dims."""
    return SeparableMap.apply(x, mh=mh.astype(x.dtype), mw=mw.astype(x.dtype))


def _nearest_matrix(n_in: int, n_out: int, scale: float | None, exact: bool = False) -> Any:
    # PyTorch computes the source index in float32: floor(dst * float32(1/scale or in/out)),
    # and for nearest-exact floor((dst + 0.5) * that).
    s = xp.float32(1.0 / scale) if scale else xp.float32(n_in) / xp.float32(n_out)
    dst = xp.arange(n_out, dtype=xp.float32) + (xp.float32(0.5) if exact else xp.float32(0))
    src = xp.minimum(xp.floor(dst * s).astype(xp.int64), n_in - 1)
    return _tap_matrix(n_in, src[:, None], xp.ones((n_out, 1)))


def _source(n_in: int, n_out: int, scale: float | None, align_corners: bool) -> Any:
    """Where each output cell samples the input, in input cells (PyTorch's
    ``area_pixel_compute_source_index``): ``i (n_in - 1) / (n_out - 1)`` with
    ``align_corners``, else ``(i + 0.5) / s - 0.5``, ``s`` the scale factor given or n_out / n_in."""
    dst = xp.arange(n_out, dtype=xp.float64)
    if align_corners:
        return dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    return (dst + 0.5) * (1.0 / scale if scale else n_in / n_out) - 0.5


def _tap_matrix(n_in: int, taps: Any, weights: Any) -> Any:
    """The (n_out, n_in) matrix whose row i adds ``weights[i, k]`` at column ``taps[i, k]``,
    taps beyond the edges clamped onto the edge cells (the border replicated)."""
    m = xp.zeros((len(taps), n_in))
    rows = xp.arange(len(taps))
    for k in range(taps.shape[1]):  # one tap per row per pass: no repeated (row, col) pairs
        m[rows, xp.clip(taps[:, k], 0, n_in - 1)] += weights[:, k]
    return m


def _linear_matrix(n_in: int, n_out: int, scale: float | None, align_corners: bool) -> Any:
    src = xp.maximum(_source(n_in, n_out, scale, align_corners), 0.0)
    lo = xp.minimum(xp.floor(src).astype(xp.int64), n_in - 1)
    frac = (src - lo)[:, None]
    return _tap_matrix(n_in, lo[:, None] + xp.arange(2), xp.concatenate([1.0 - frac, frac], axis=1))


def _cubic_matrix(n_in: int, n_out: int, scale: float | None, align_corners: bool) -> Any:
    """Keys' cubic convolution with a = -0.75 over the four cells around the source, as PyTorch."""
    src = _source(n_in, n_out, scale, align_corners)  # not clamped at 0, as PyTorch's bicubic
    first = xp.floor(src).astype(xp.int64)
    t = (src - first)[:, None]
    d = xp.abs(xp.concatenate([t + 1, t, 1 - t, 2 - t], axis=1))  # distances to the 4 taps
    a = -0.75
    near = ((a + 2) * d - (a + 3)) * d * d + 1  # |d| <= 1
    far = ((a * d - 5 * a) * d + 8 * a) * d - 4 * a  # 1 < |d| < 2
    return _tap_matrix(n_in, first[:, None] + xp.arange(-1, 3), xp.where(d <= 1, near, far))


def adaptive_bounds(n: int, out: int) -> tuple[Any, Any]:
    """The windows of adaptive pooling: ``[floor(i n / out), ceil((i + 1) n / out))`` for each
    output cell ``i``, as arrays of starts and ends."""
    i = xp.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


def average_matrix(n_in: int, n_out: int) -> Any:
    """The (n_out, n_in) matrix of means over ``adaptive_bounds``' windows: adaptive average
    pooling, and interpolate's ``'area'``."""
    start, end = adaptive_bounds(n_in, n_out)
    cells = xp.arange(n_in)
    inside = (cells >= start[:, None]) & (cells < end[:, None])
    return inside / (end - start)[:, None]


#: each mode: the spatial dims it takes (PyTorch's), and its matrix for one dim
#: ``(n_in, n_out, scale, align_corners)``.
_MODES = {
    "nearest": ((1, 2), lambda n, o, s, ac: _nearest_matrix(n, o, s)),
    "nearest-exact": ((1, 2), lambda n, o, s, ac: _nearest_matrix(n, o, s, exact=True)),
    "linear": ((1,), _linear_matrix),
    "bilinear": ((2,), _linear_matrix),
    "bicubic": ((2,), _cubic_matrix),
    "area": ((1, 2), lambda n, o, s, ac: average_matrix(n, o)),
}


def interpolate(input: Tensor, size: int | Sequence[int] | None = None,
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize an (N, C, L) or (N, C, H, W) batch, as ``torch.nn.functional.interpolate``.

    ``out = M_h @ x @ M_w^T`` (``x @ M_w^T`` for (N, C, L)), where output cell ``i``
    of a dim of input size ``n`` and output size ``o`` takes, by mode:

    - ``'nearest'``: input cell ``floor(i n / o)``; ``'nearest-exact'``:
      ``floor((i + 0.5) n / o)``;
    - ``'linear'`` (N, C, L) and ``'bilinear'`` (N, C, H, W): the two cells around
      ``src = (i + 0.5) n / o - 0.5`` (``i (n - 1) / (o - 1)`` with ``align_corners=True``),
      weighted by distance;
    - ``'bicubic'`` (N, C, H, W): the four cells around ``src``, weighted by Keys' cubic
      kernel with a = -0.75, the border replicated beyond the edges;
    - ``'area'``: the mean of cells ``[floor(i n / o), ceil((i + 1) n / o))``
      (``adaptive_avg_pool``).

    With ``scale_factor`` given, ``n / o`` above is ``1 / scale_factor`` unless
    ``recompute_scale_factor=True``, as in PyTorch.

    Args:
        input: (N, C, L) or (N, C, H, W), floating point.
        size: output size, one int per spatial dim or one int for all; give this or
            ``scale_factor``.
        scale_factor: multiplier of each spatial size (float or one per dim);
            the output size is ``floor(n * s)``.
        mode: one of the above; default ``'nearest'``.
        align_corners: linear, bilinear and bicubic only: map corner cell centres
            onto each other.  Default False.
        recompute_scale_factor: True: sample as if the output size had been given.
        antialias: not supported (PyTorch's antialiased downsampling); must be False.

    Shape:
        output: (N, C, Lo) or (N, C, Ho, Wo).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.sampling import interpolate
        >>> interpolate(rb.randn(1, 2, 4, 4), scale_factor=2, mode="bilinear").shape
        (1, 2, 8, 8)
        >>> interpolate(rb.tensor([[[1.0, 2.0]]]), size=4, mode="linear").tolist()
        [[[1.0, 1.25, 1.75, 2.0]]]
    """
    if mode not in _MODES:
        raise ValueError(f"interpolate: mode must be one of {', '.join(map(repr, _MODES))}, "
                         f"got {mode!r}")
    takes, matrix = _MODES[mode]
    if not isinstance(input, Tensor) or input.ndim - 2 not in takes:
        got = list(input.shape) if isinstance(input, Tensor) else type(input).__name__
        shapes = " or ".join({1: "(N, C, L)", 2: "(N, C, H, W)"}[k] for k in takes)
        raise ValueError(f"interpolate: mode {mode!r} takes a {shapes} Tensor, got {got}"
                         + ("; 'linear' is for (N, C, L), 'bilinear' and 'bicubic' for (N, C, H, W)"
                            if mode in ("linear", "bilinear", "bicubic") else ""))
    check_floating("interpolate", input)
    if align_corners is not None and mode not in ("linear", "bilinear", "bicubic"):
        raise ValueError(f"interpolate: align_corners only applies to the linear, bilinear and "
                         f"bicubic modes, not {mode!r}; leave it None")
    if antialias:
        raise ValueError("interpolate: antialias=True is not supported; resize without it, or "
                         "blur first (avg_pool2d) when downsampling")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"interpolate: give exactly one of size and scale_factor, got "
                         f"size={size!r}, scale_factor={scale_factor!r}")
    dims = input.ndim - 2
    spatial = input.shape[2:]
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size,) * dims
        scales = (None,) * dims
    else:
        scales = (tuple(scale_factor) if isinstance(scale_factor, (tuple, list))
                  else (scale_factor,) * dims)
        out = tuple(math.floor(n * s) for n, s in zip(spatial, scales))
        if recompute_scale_factor:
            scales = (None,) * dims
    if len(out) != dims or len(scales) != dims or min(out) < 1:
        raise ValueError(f"interpolate: output size must be {dims} positive int(s), got {list(out)} "
                         f"from input {list(input.shape)}, size={size!r}, "
                         f"scale_factor={scale_factor!r}")
    mats = [matrix(n, o, s, bool(align_corners)) for n, o, s in zip(spatial, out, scales)]
    if dims == 1:
        return _height_one(separable_map, input, xp.ones((1, 1)), mats[0])
    return separable_map(input, *mats)
