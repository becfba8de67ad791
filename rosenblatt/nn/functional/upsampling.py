"""upsample, upsample_nearest, upsample_bilinear: PyTorch's deprecated aliases of ``interpolate``.

Kept so code written against them runs unchanged; each gives PyTorch's deprecation
warning and calls :func:`interpolate`, which new code should call directly.
"""
from __future__ import annotations

import warnings
from typing import Sequence

from ...tensor import Tensor
from .sampling import interpolate


def _deprecated(name: str) -> None:
    # stacklevel 3: the warning points at the caller of upsample*(), as PyTorch's
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=3)


def upsample(input: Tensor, size: int | Sequence[int] | None = None,
             scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Resize to ``size`` or by ``scale_factor``: ``interpolate(input, size, scale_factor,
    mode, align_corners)``, with PyTorch's deprecation warning.

    Args:
        input: ``(N, C, L)`` or ``(N, C, H, W)``.
        size, scale_factor, mode, align_corners: as :func:`interpolate`.

    Shape: ``(N, C, *spatial) -> (N, C, *resized)``.

    Example:
        >>> import warnings
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     F.upsample(rb.ones(1, 1, 2, 2), scale_factor=2).shape
        (1, 1, 4, 4)
    """
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: int | Sequence[int] | None = None,
                     scale_factor: float | Sequence[float] | None = None) -> Tensor:
    """``interpolate(input, size, scale_factor, mode='nearest')``, with PyTorch's deprecation
    warning: output cell ``i`` copies input cell ``floor(i * in / out)``.

    Shape: ``(N, C, *spatial) -> (N, C, *resized)``.

    Example:
        >>> import warnings
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     F.upsample_nearest(rb.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
    """
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: int | Sequence[int] | None = None,
                      scale_factor: float | Sequence[float] | None = None) -> Tensor:
    """``interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)``, with
    PyTorch's deprecation warning: corner cells map onto corner cells, output cell ``i``
    samples input position ``i (in - 1) / (out - 1)``.

    Shape: ``(N, C, H, W) -> (N, C, H_out, W_out)``.

    Example:
        >>> import warnings
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     F.upsample_bilinear(rb.tensor([[[[0.0, 3.0]]]]), size=(1, 4))
        tensor([[[[0., 1., 2., 3.]]]])
    """
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


__all__ = ["upsample", "upsample_bilinear", "upsample_nearest"]
