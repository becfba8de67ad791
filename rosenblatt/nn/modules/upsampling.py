"""Upsample: a layer around ``functional.interpolate``."""
from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from ..functional.sampling import interpolate
from .module import Module


class Upsample(Module):
    """Resize an (N, C, L) or (N, C, H, W) batch to ``size`` or by ``scale_factor``.

    ``'nearest'`` copies input cell ``floor(i H / Ho)``; ``'bilinear'`` mixes the
    two cells around ``(i + 0.5) H / Ho - 0.5``; the other modes as
    ``functional.interpolate``.

    Args:
        size: output size, one int per spatial dim or one int for all; give this or
            ``scale_factor``.
        scale_factor: multiplier of each spatial size.
        mode: ``'nearest'`` (default), ``'nearest-exact'``, ``'linear'``, ``'bilinear'``,
            ``'bicubic'`` or ``'area'``.
        align_corners: linear, bilinear and bicubic only: map corner cell centres onto
            each other.
        recompute_scale_factor: True: sample as if the output size had been given.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Upsample(scale_factor=2)(rb.randn(1, 3, 7, 7)).shape
        (1, 3, 14, 14)
    """

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        if (size is None) == (scale_factor is None):
            raise ValueError(f"Upsample: give exactly one of size and scale_factor, got "
                             f"size={size!r}, scale_factor={scale_factor!r}")
        self.size, self.mode, self.align_corners = size, mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor
        # Floats, as PyTorch keeps them (its repr shows 2.0, not 2).
        self.scale_factor = (tuple(float(f) for f in scale_factor)
                             if isinstance(scale_factor, (tuple, list)) else
                             None if scale_factor is None else float(scale_factor))

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = f"size={self.size}" if self.size is not None else f"scale_factor={self.scale_factor}"
        return f"{info}, mode={self.mode!r}"


__all__ = ["Upsample"]
