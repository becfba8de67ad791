"""Unfold and Fold: layers around ``functional.fold`` (im2col and its adjoint col2im)."""
from __future__ import annotations

from ...tensor import Tensor
from ..functional.fold import _Pair, fold, unfold
from .module import Module


class Unfold(Module):
    """Extract sliding local blocks of an ``(N, C, H, W)`` batch as columns ``(N, C kh kw, L)``.

    See ``rosenblatt.nn.functional.unfold`` for the math.

    Args:
        kernel_size: block size, an int or ``(kh, kw)``.
        dilation: spacing of the block's elements (default 1).
        padding: zeros added on both sides of each spatial dim (default 0).
        stride: step between blocks (default 1).

    Shape:
        ``(N, C, H, W) -> (N, C kh kw, L)``; unbatched ``(C, H, W) -> (C kh kw, L)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Unfold(kernel_size=(2, 3))(rb.randn(2, 5, 3, 4)).shape
        (2, 30, 4)
    """

    def __init__(self, kernel_size: _Pair, dilation: _Pair = 1, padding: _Pair = 0,
                 stride: _Pair = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Module):
    """Sum columns ``(N, C kh kw, L)`` of sliding blocks back into an ``(N, C, H, W)`` image.

    The adjoint of ``Unfold`` with the same options; see ``rosenblatt.nn.functional.fold``.

    Args:
        output_size: ``(H, W)`` of the image (an int for both).
        kernel_size, dilation, padding, stride: as for ``Unfold``.

    Shape:
        ``(N, C kh kw, L) -> (N, C, H, W)``; unbatched ``(C kh kw, L) -> (C, H, W)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Fold(output_size=(4, 5), kernel_size=2)(rb.randn(1, 12, 12)).shape
        (1, 3, 4, 5)
    """

    def __init__(self, output_size: _Pair, kernel_size: _Pair, dilation: _Pair = 1,
                 padding: _Pair = 0, stride: _Pair = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")


__all__ = ["Fold", "Unfold"]
