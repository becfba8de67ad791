"""PixelShuffle, PixelUnshuffle and ChannelShuffle: layers around ``functional.shuffle``."""
from __future__ import annotations

from ...tensor import Tensor
from ..functional.shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle
from .module import Module


class PixelShuffle(Module):
    """Rearrange ``(*, C r^2, H, W)`` into ``(*, C, H r, W r)`` (sub-pixel upsampling).

    Args:
        upscale_factor: ``r``, a positive int.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.PixelShuffle(3)(rb.randn(1, 9, 4, 4)).shape
        (1, 1, 12, 12)
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Rearrange ``(*, C, H r, W r)`` into ``(*, C r^2, H, W)``, the inverse of ``PixelShuffle``.

    Args:
        downscale_factor: ``r``, a positive int.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.PixelUnshuffle(3)(rb.randn(1, 1, 12, 12)).shape
        (1, 9, 4, 4)
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Interleave the channels of ``groups`` groups of an ``(N, C, *)`` input (ShuffleNet).

    Args:
        groups: the number of groups; ``C`` must be divisible by it.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ChannelShuffle(2)(rb.arange(4.0).reshape(1, 4, 1)).flatten().tolist()
        [0.0, 2.0, 1.0, 3.0]
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


__all__ = ["ChannelShuffle", "PixelShuffle", "PixelUnshuffle"]
