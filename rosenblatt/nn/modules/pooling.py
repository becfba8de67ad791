"""Pooling layers (MaxPool1d/2d, AvgPool1d/2d, adaptive pools in 1-d and 2-d) and Dropout1d/2d.

Each holds its window geometry and calls the op in ``functional.pooling`` (the adaptive pools:
``functional.adaptive_pooling``).
"""
from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from ..functional.adaptive_pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d,
                                           adaptive_max_pool2d)
from ..functional.pooling import (avg_pool1d, avg_pool2d, dropout1d, dropout2d, dropout3d, max_pool1d,
                                  max_pool2d)
from .dropout import _DropoutNd
from .module import Module


class _MaxPoolNd(Module):
    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride  # PyTorch's default
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(_MaxPoolNd):
    """Max over sliding ``kernel_size`` windows of an (N, C, H, W) batch.

    ``out[n, c, y, x] = max_{i, j} in[n, c, y s_h - p_h + i d_h, x s_w - p_w + j d_w]``.

    Args:
        kernel_size: int or (kh, kw).
        stride: int or pair (default ``kernel_size``).
        padding: implicit -inf padding, at most half the kernel (default 0).
        dilation: spacing of the window's elements (default 1).
        return_indices: also return the flat ``h * W + w`` argmax indices.
        ceil_mode: round the output size up.

    Shape: ``(N, C, H, W) -> (N, C, Ho, Wo)``, ``Ho = (H + 2p - d(k - 1) - 1) // s + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.MaxPool2d(2)(rb.randn(1, 3, 28, 28)).shape
        (1, 3, 14, 14)
    """

    def forward(self, input: Tensor) -> Any:
        return max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)


class MaxPool1d(_MaxPoolNd):
    """Max over sliding windows of an (N, C, L) batch; arguments as ``MaxPool2d`` with ints.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.MaxPool1d(2)(rb.randn(1, 3, 10)).shape
        (1, 3, 5)
    """

    def forward(self, input: Tensor) -> Any:
        return max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)


def _one_tuple(value: Any) -> tuple:
    """PyTorch's ``_single``: an iterable as a tuple, anything else in a 1-tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class _AvgPoolNd(Module):
    """What the average pools share: the arguments and forward of the 2-d and 3-d ones
    (``_pool``, their functional form), and PyTorch's repr (no ceil_mode), the 1-d one's too."""

    _pool: Any = None

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """Mean over sliding ``kernel_size`` windows of an (N, C, H, W) batch.

    Args:
        kernel_size, stride (default ``kernel_size``), padding, ceil_mode: as ``MaxPool2d``.
        count_include_pad: the zero padding counts in the divisor (default True).
        divisor_override: divide every window by this instead.

    Shape: ``(N, C, H, W) -> (N, C, Ho, Wo)``, ``Ho = (H + 2p - k) // s + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.AvgPool2d(2)(rb.randn(1, 3, 8, 8)).shape
        (1, 3, 4, 4)
    """

    _pool = staticmethod(avg_pool2d)


class AvgPool1d(_AvgPoolNd):
    """Mean over sliding windows of an (N, C, L) batch; arguments as ``AvgPool2d`` with ints
    (no ``divisor_override``, as in PyTorch).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.AvgPool1d(2)(rb.randn(1, 3, 10)).shape
        (1, 3, 5)
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        # 1-tuples, as PyTorch's AvgPool1d keeps them (its repr reads kernel_size=(3,)); the
        # other pools keep their arguments as given
        super().__init__(_one_tuple(kernel_size), _one_tuple(kernel_size if stride is None else stride),
                         _one_tuple(padding), ceil_mode, count_include_pad)

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)


class _AdaptivePoolNd(Module):
    """What the adaptive pools share: the output size, and PyTorch's repr of it."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Mean-pool an (N, C, H, W) batch to ``output_size`` whatever H and W are.

    Output cell ``i`` averages rows ``floor(i H / Ho) .. ceil((i + 1) H / Ho) - 1``.

    Args:
        output_size: int or (Ho, Wo); None in a slot keeps that input size.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.AdaptiveAvgPool2d(1)(rb.randn(2, 8, 7, 7)).shape
        (2, 8, 1, 1)
    """

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max-pool an (N, C, H, W) batch to ``output_size``; windows as ``AdaptiveAvgPool2d``.

    Args:
        output_size: int or (Ho, Wo); None in a slot keeps that input size.
        return_indices: also return the flat ``h * W + w`` argmax indices.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.AdaptiveMaxPool2d((2, 3))(rb.randn(1, 4, 7, 9)).shape
        (1, 4, 2, 3)
    """

    def forward(self, input: Tensor) -> Any:
        return adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """Mean-pool an (N, C, L) batch to ``output_size`` cells whatever L is; windows as
    ``AdaptiveAvgPool2d``'s.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.AdaptiveAvgPool1d(4)(rb.randn(2, 8, 10)).shape
        (2, 8, 4)
    """

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool1d(input, self.output_size)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max-pool an (N, C, L) batch to ``output_size`` cells; ``return_indices``: also the argmax
    along L.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.AdaptiveMaxPool1d(4)(rb.randn(2, 8, 10)).shape
        (2, 8, 4)
    """

    def forward(self, input: Tensor) -> Any:
        return adaptive_max_pool1d(input, self.output_size, self.return_indices)


class Dropout2d(_DropoutNd):
    """Zero whole channels with probability ``p`` in training, scaling the rest by ``1/(1-p)``.

    Identity in eval mode.  Adjacent pixels of a feature map are strongly
    correlated, so dropping single pixels (``Dropout``) barely regularises a CNN.

    Args:
        p: probability of zeroing a channel (default 0.5).
        inplace: write the result into the input (default False).
        generator: the ``rosenblatt.Generator`` for the masks (default generator if None).

    Shape: ``(N, C, H, W)``, unchanged (a 3-d input is taken as ``(N, C, L)``, with PyTorch's
    warning: use ``Dropout1d``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Dropout2d(0.5)(rb.ones(2, 4, 3, 3)).shape
        (2, 4, 3, 3)
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout2d(input, self.p, self.training, self.inplace, generator=self.generator)


class Dropout1d(_DropoutNd):
    """Zero whole channels of an (N, C, L) batch or a (C, L) sample with probability ``p`` in
    training, scaling the rest by ``1/(1-p)``; arguments as ``Dropout2d``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Dropout1d(0.5)(rb.ones(2, 4, 3)).shape
        (2, 4, 3)
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout1d(input, self.p, self.training, self.inplace, generator=self.generator)


class Dropout3d(_DropoutNd):
    """Zero whole channels of an (N, C, D, H, W) batch or a (C, D, H, W) sample with
    probability ``p`` in training, scaling the rest by ``1/(1-p)``; identity in eval mode.
    Arguments as ``Dropout2d``.  Other ranks are taken as one unbatched sample, with
    PyTorch's deprecation warning.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Dropout3d(0.5)(rb.ones(2, 4, 3, 3, 3)).shape
        (2, 4, 3, 3, 3)
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout3d(input, self.p, self.training, self.inplace, generator=self.generator)


__all__ = ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AvgPool1d",
           "AvgPool2d", "Dropout1d", "Dropout2d", "Dropout3d", "MaxPool1d", "MaxPool2d"]
