"""3-d pooling layers: MaxPool3d, AvgPool3d, AdaptiveAvgPool3d and AdaptiveMaxPool3d.

Each holds its window geometry and calls the op in ``functional.pooling3d``; the bases
(arguments and PyTorch's reprs) are the 1-d and 2-d pools'.
"""
from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from ..functional.pooling3d import adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d
from .pooling import _AdaptiveMaxPoolNd, _AdaptivePoolNd, _AvgPoolNd, _MaxPoolNd


class MaxPool3d(_MaxPoolNd):
    """Max over sliding ``kernel_size`` windows of an (N, C, D, H, W) batch.

    ``out[n, c, z, y, x] = max_{i, j, l} in[n, c, z s_d - p_d + i d_d, y s_h - p_h + j d_h,
    x s_w - p_w + l d_w]``.

    Args:
        kernel_size: int or (kd, kh, kw).
        stride: int or triple (default ``kernel_size``).
        padding: implicit -inf padding, at most half the kernel (default 0).
        dilation: spacing of the window's elements (default 1).
        return_indices: also return the flat ``(d * H + h) * W + w`` argmax indices.
        ceil_mode: round the output size up.

    Shape: ``(N, C, D, H, W) -> (N, C, Do, Ho, Wo)`` (or without N),
    ``Do = (D + 2p - d(k - 1) - 1) // s + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.pooling3d import MaxPool3d
        >>> MaxPool3d(2)(rb.randn(1, 3, 8, 8, 8)).shape
        (1, 3, 4, 4, 4)
    """

    def forward(self, input: Tensor) -> Any:
        return max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)


class AvgPool3d(_AvgPoolNd):
    """Mean over sliding ``kernel_size`` windows of an (N, C, D, H, W) batch.

    Args:
        kernel_size, stride (default ``kernel_size``), padding, ceil_mode: as ``MaxPool3d``.
        count_include_pad: the zero padding counts in the divisor (default True).
        divisor_override: divide every window by this instead.

    Shape: ``(N, C, D, H, W) -> (N, C, Do, Ho, Wo)`` (or without N), ``Do = (D + 2p - k) // s + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.pooling3d import AvgPool3d
        >>> AvgPool3d(2)(rb.randn(1, 3, 4, 8, 8)).shape
        (1, 3, 2, 4, 4)
    """

    _pool = staticmethod(avg_pool3d)


class AdaptiveAvgPool3d(_AdaptivePoolNd):
    """Mean-pool an (N, C, D, H, W) batch to ``output_size`` whatever D, H and W are.

    Output cell ``i`` averages slices ``floor(i D / Do) .. ceil((i + 1) D / Do) - 1`` (likewise
    in H and W).

    Args:
        output_size: int or (Do, Ho, Wo); None in a slot keeps that input size.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.pooling3d import AdaptiveAvgPool3d
        >>> AdaptiveAvgPool3d(1)(rb.randn(2, 8, 3, 7, 7)).shape
        (2, 8, 1, 1, 1)
    """

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool3d(input, self.output_size)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max-pool an (N, C, D, H, W) batch to ``output_size``; windows as ``AdaptiveAvgPool3d``.

    Args:
        output_size: int or (Do, Ho, Wo); None in a slot keeps that input size.
        return_indices: also return the flat ``(d * H + h) * W + w`` argmax indices.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.pooling3d import AdaptiveMaxPool3d
        >>> AdaptiveMaxPool3d((1, 2, 3))(rb.randn(1, 4, 5, 7, 9)).shape
        (1, 4, 1, 2, 3)
    """

    def forward(self, input: Tensor) -> Any:
        return adaptive_max_pool3d(input, self.output_size, self.return_indices)


__all__ = ["AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "AvgPool3d", "MaxPool3d"]
