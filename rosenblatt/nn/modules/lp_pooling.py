"""Power-average pooling layers LPPool1d, LPPool2d and LPPool3d.

Each holds its window and exponent and calls the op in ``functional.lp_pooling``.
"""
from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from ..functional.lp_pooling import lp_pool1d, lp_pool2d, lp_pool3d
from .module import Module


class _LPPoolNd(Module):
    """What the power-average pools share: their arguments, kept as given (as PyTorch's), and
    PyTorch's repr."""

    _pool: Any = None

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool2d(_LPPoolNd):
    """Power-average pool of an (N, C, H, W) batch: ``out = (sum_window x^p)^(1/p)``.

    ``p = 1`` is sum pooling, ``p = inf`` max pooling (of ``|x|``).

    Args:
        norm_type: the exponent ``p``.
        kernel_size: int or (kh, kw).
        stride: int or pair (default ``kernel_size``).
        ceil_mode: round the output size up.

    Shape: ``(N, C, H, W) -> (N, C, Ho, Wo)`` (or without N), ``Ho = (H - kh) // s_h + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LPPool2d(2, 3, stride=2)(rb.randn(1, 4, 9, 9)).shape
        (1, 4, 4, 4)
    """

    _pool = staticmethod(lp_pool2d)


class LPPool1d(_LPPoolNd):
    """Power-average pool of an (N, C, L) batch or a (C, L) sample; arguments as ``LPPool2d``,
    each an int.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LPPool1d(2, 3, stride=2)(rb.randn(1, 4, 9)).shape
        (1, 4, 4)
    """

    _pool = staticmethod(lp_pool1d)


class LPPool3d(_LPPoolNd):
    """Power-average pool of an (N, C, D, H, W) batch or a (C, D, H, W) sample; arguments as
    ``LPPool2d``, with triples.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LPPool3d(2, 2)(rb.randn(1, 4, 4, 6, 6)).shape
        (1, 4, 2, 3, 3)
    """

    _pool = staticmethod(lp_pool3d)


__all__ = ["LPPool1d", "LPPool2d", "LPPool3d"]
