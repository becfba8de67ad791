"""Upsample, UpsamplingNearest2d and UpsamplingBilinear2d: layers around ``functional.interpolate``."""
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


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling: ``Upsample(size, scale_factor, mode='nearest')``.

    Output cell ``i`` copies input cell ``floor(i * H / H_out)`` (and so along W).

    Args:
        size: output size ``(H_out, W_out)`` or one int for both; give this or ``scale_factor``.
        scale_factor: multiplier of H and W (one number, or one each).

    Shape: ``(N, C, H, W) -> (N, C, H_out, W_out)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.UpsamplingNearest2d(scale_factor=2)(rb.tensor([[[[1.0, 2.0]]]]))
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.]]]])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling with aligned corners: ``Upsample(size, scale_factor,
    mode='bilinear', align_corners=True)``, as PyTorch's.

    Output cell ``i`` samples input position ``i (H - 1) / (H_out - 1)`` (and so along W), so
    the corner cells of input and output coincide.

    Args:
        size: output size ``(H_out, W_out)`` or one int for both; give this or ``scale_factor``.
        scale_factor: multiplier of H and W (one number, or one each).

    Shape: ``(N, C, H, W) -> (N, C, H_out, W_out)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.UpsamplingBilinear2d(size=(1, 4))(rb.tensor([[[[0.0, 3.0]]]]))
        tensor([[[[0., 1., 2., 3.]]]])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


__all__ = ["Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]
