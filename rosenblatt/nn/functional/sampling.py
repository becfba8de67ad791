"""Resampling of images: ``interpolate`` (nearest, bilinear).

Both modes are separable linear maps, ``out = M_h @ x @ M_w^T`` with small
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


def _nearest_matrix(n_in: int, n_out: int, scale: float | None) -> Any:
    # PyTorch computes the source index in float32: floor(dst * float32(1/scale or in/out)).
    s = xp.float32(1.0 / scale) if scale else xp.float32(n_in) / xp.float32(n_out)
    src = xp.floor(xp.arange(n_out, dtype=xp.float32) * s).astype(xp.int64)
    src = xp.minimum(src, n_in - 1)
    m = xp.zeros((n_out, n_in))
    m[xp.arange(n_out), src] = 1.0
    return xp.asarray(m)


def _linear_matrix(n_in: int, n_out: int, scale: float | None, align_corners: bool) -> Any:
    dst = xp.arange(n_out, dtype=xp.float64)
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        s = 1.0 / scale if scale else n_in / n_out
        src = xp.maximum((dst + 0.5) * s - 0.5, 0.0)
    lo = xp.minimum(xp.floor(src).astype(xp.int64), n_in - 1)
    hi = xp.minimum(lo + 1, n_in - 1)
    frac = src - lo
    m = xp.zeros((n_out, n_in))
    rows = xp.arange(n_out)
    m[rows, lo] += 1.0 - frac
    m[rows, hi] += frac
    return xp.asarray(m)


def interpolate(input: Tensor, size: int | Sequence[int] | None = None,
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None) -> Tensor:
    """Resize an (N, C, H, W) batch, as ``torch.nn.functional.interpolate``.

    ``out = M_h @ x @ M_w^T`` where, for mode ``'nearest'``, each output row copies
    input row ``floor(i * H / Ho)``, and for ``'bilinear'`` it mixes the two rows
    around ``(i + 0.5) * H / Ho - 0.5`` (``i * (H - 1) / (Ho - 1)`` with
    ``align_corners=True``).

    Args:
        input: (N, C, H, W).
        size: output (Ho, Wo) or one int for both; give this or ``scale_factor``.
        scale_factor: multiplier of H and W (float or pair); ``Ho = floor(H * s)``.
        mode: ``'nearest'`` or ``'bilinear'``.
        align_corners: bilinear only: map corner pixel centres onto each other.
            Default False.

    Shape:
        output: (N, C, Ho, Wo).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.sampling import interpolate
        >>> interpolate(rb.randn(1, 2, 4, 4), scale_factor=2, mode="bilinear").shape
        (1, 2, 8, 8)
    """
    if not isinstance(input, Tensor) or input.ndim != 4:
        raise ValueError(f"interpolate: expected a 4-d Tensor (N, C, H, W), got "
                         f"{list(input.shape) if isinstance(input, Tensor) else type(input).__name__}")
    check_floating("interpolate", input)
    if mode not in ("nearest", "bilinear"):
        raise ValueError(f"interpolate: mode must be 'nearest' or 'bilinear', got {mode!r}")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("interpolate: align_corners only applies to mode='bilinear'; leave it None")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"interpolate: give exactly one of size and scale_factor, got "
                         f"size={size!r}, scale_factor={scale_factor!r}")
    h, w = input.shape[2:]
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size, size)
        scales = (None, None)
    else:
        scales = (tuple(scale_factor) if isinstance(scale_factor, (tuple, list))
                  else (scale_factor, scale_factor))
        out = (math.floor(h * scales[0]), math.floor(w * scales[1]))
    if len(out) != 2 or min(out) < 1:
        raise ValueError(f"interpolate: output size must be two positive ints, got {list(out)} "
                         f"from input {list(input.shape)}, size={size!r}, "
                         f"scale_factor={scale_factor!r}")
    if mode == "nearest":
        mh, mw = (_nearest_matrix(n, o, s) for n, o, s in zip((h, w), out, scales))
    else:
        mh, mw = (_linear_matrix(n, o, s, bool(align_corners)) for n, o, s in zip((h, w), out, scales))
    return separable_map(input, mh, mw)
