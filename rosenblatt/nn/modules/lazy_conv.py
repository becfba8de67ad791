"""The lazy convolutions (LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d): a convolution whose
``in_channels`` is read from the first input's channel dim; then it becomes the regular layer.

The mechanism (placeholders, materialising, ``load_state_dict``, the class change) is
``LazyModuleMixin``'s; this file says where the channels are and what shapes they give.
"""
from __future__ import annotations

from typing import Any

from ...random import Generator
from ...tensor import Tensor
from ..parameter import UninitializedParameter
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .conv3d import Conv3d, ConvTranspose3d
from .lazy import LazyModuleMixin


class _LazyConvMixin(LazyModuleMixin):
    """``in_channels`` from the input's channel dim (dim 1 of a batch, dim 0 of one sample)."""

    _lazy_size = "in_channels"
    # set by the regular class
    _dims: int
    _transposed: bool
    groups: int
    out_channels: int
    kernel_size: tuple[int, ...]
    bias: Any

    def _check_groups(self, out_channels: int, groups: int) -> None:
        # before the regular layer's check, whose message would blame in_channels (0 for now);
        # PyTorch's lazy convs take this and fail at the first call
        if not isinstance(groups, int) or groups < 1 or out_channels % groups:
            raise ValueError(f"{type(self).__name__}: out_channels ({out_channels}) must be "
                             f"divisible by groups ({groups}), a positive int")

    def _make_lazy(self, bias: bool, dtype: Any, generator: Generator | None) -> None:
        self._generator = generator
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def _size_from_input(self, input: Tensor) -> int:
        n, name = self._dims, self._get_name()
        spatial = "L" if n == 1 else ", ".join("DHW"[-n:])
        if not isinstance(input, Tensor) or input.ndim not in (n + 1, n + 2):
            got = (f"shape {tuple(input.shape)}" if isinstance(input, Tensor)
                   else type(input).__name__)
            raise ValueError(f"{name}: expected a batched (N, C, {spatial}) or unbatched (C, "
                             f"{spatial}) input to read in_channels (C) from, got {got}")
        channels, groups = input.shape[-n - 1], self.groups
        if channels % groups:
            raise ValueError(f"{name}: in_channels must be divisible by groups ({groups}), got an "
                             f"input of {channels} channels (shape {tuple(input.shape)}); give a "
                             f"multiple of {groups} channels, or change groups")
        return channels

    def _lazy_shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        kernel = tuple(self.kernel_size)
        if self._transposed:
            weight = (size, self.out_channels // self.groups) + kernel
        else:
            weight = (self.out_channels, size // self.groups) + kernel
        return {"weight": weight, "bias": (self.out_channels,)}

    def _size_from_shape(self, name: str, shape: tuple[int, ...]) -> int | None:
        if name != "weight" or len(shape) != self._dims + 2:
            return None
        return shape[0] if self._transposed else shape[1] * self.groups


class _LazyConvNd(_LazyConvMixin):
    """PyTorch's LazyConvNd arguments: ``Conv*d``'s without ``in_channels``."""

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None, generator: Generator | None = None) -> None:
        self._check_groups(out_channels, groups)
        # in_channels 0 until the first input; bias False: there is nothing to allocate yet
        super().__init__(0, out_channels, kernel_size, stride, padding,  # type: ignore[call-arg]
                         dilation, groups, False, padding_mode, device, dtype)
        self._make_lazy(bias, dtype, generator)


class _LazyConvTransposeNd(_LazyConvMixin):
    """PyTorch's LazyConvTransposeNd arguments: ``ConvTranspose*d``'s without ``in_channels``."""

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        self._check_groups(out_channels, groups)
        super().__init__(0, out_channels, kernel_size, stride, padding,  # type: ignore[call-arg]
                         output_padding, groups, False, dilation, padding_mode, device, dtype)
        self._make_lazy(bias, dtype, generator)


class LazyConv1d(_LazyConvNd, Conv1d):
    """``Conv1d`` whose ``in_channels`` is read from the first input (``input.shape[-2]``).

    ``out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c]`` once built, as ``Conv1d``.
    Until the first call ``weight`` (and ``bias``) are ``UninitializedParameter`` placeholders;
    that call shapes them ``(out_channels, C / groups, k)`` and ``(out_channels,)``,
    initialises them as ``Conv1d`` does and turns the layer into a ``Conv1d``.  See
    ``LazyModuleMixin``.

    Args:
        out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, dtype,
            generator: as ``Conv1d``'s.

    Shape: ``(N, C, L) -> (N, out_channels, Lo)`` or unbatched ``(C, L) -> (out_channels, Lo)``.

    Example:
        >>> import rosenblatt as rb
        >>> layer = rb.nn.LazyConv1d(4, 3, padding=1)
        >>> layer(rb.randn(2, 6, 10)).shape, layer.weight.shape
        ((2, 4, 10), (4, 6, 3))
        >>> layer
        Conv1d(6, 4, kernel_size=(3,), stride=(1,), padding=(1,))
    """

    cls_to_become = Conv1d


class LazyConv2d(_LazyConvNd, Conv2d):
    """``Conv2d`` whose ``in_channels`` is read from the first input (``input.shape[-3]``).

    ``out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c]`` once built, as ``Conv2d``.
    Until the first call ``weight`` (and ``bias``) are ``UninitializedParameter`` placeholders;
    that call shapes them ``(out_channels, C / groups, kh, kw)`` and ``(out_channels,)``,
    initialises them as ``Conv2d`` does and turns the layer into a ``Conv2d``.  See
    ``LazyModuleMixin``.

    Args:
        out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, dtype,
            generator: as ``Conv2d``'s.

    Shape: ``(N, C, H, W) -> (N, out_channels, Ho, Wo)``, or one unbatched ``(C, H, W)`` sample.

    Example:
        >>> import rosenblatt as rb
        >>> layer = rb.nn.LazyConv2d(8, 3, stride=2, groups=2)
        >>> layer(rb.randn(1, 4, 9, 9)).shape, layer.weight.shape
        ((1, 8, 4, 4), (8, 2, 3, 3))
    """

    cls_to_become = Conv2d


class LazyConv3d(_LazyConvNd, Conv3d):
    """``Conv3d`` whose ``in_channels`` is read from the first input (``input.shape[-4]``).

    ``out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c]`` once built, as ``Conv3d``;
    the first call shapes ``weight`` ``(out_channels, C / groups, kd, kh, kw)``.  See
    ``LazyConv2d`` and ``LazyModuleMixin``.

    Args:
        out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, dtype,
            generator: as ``Conv3d``'s.

    Shape: ``(N, C, D, H, W) -> (N, out_channels, Do, Ho, Wo)``, or one unbatched sample.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LazyConv3d(2, 3, padding=1)(rb.randn(1, 3, 4, 5, 5)).shape
        (1, 2, 4, 5, 5)
    """

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTransposeNd, ConvTranspose1d):
    """``ConvTranspose1d`` whose ``in_channels`` is read from the first input (``input.shape[-2]``).

    Once built, each input position scatters ``weight[c, o] * input[n, c, l]`` onto an output
    window, as ``ConvTranspose1d``; the first call shapes ``weight``
    ``(C, out_channels / groups, k)``.  See ``LazyConv2d`` and ``LazyModuleMixin``.

    Args:
        out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation,
            padding_mode, dtype, generator: as ``ConvTranspose1d``'s.

    Shape: ``(N, C, L) -> (N, out_channels, Lo)``,
    ``Lo = (L - 1) s - 2p + d(k - 1) + output_padding + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> layer = rb.nn.LazyConvTranspose1d(2, 3, stride=2)
        >>> layer(rb.randn(1, 4, 7)).shape, layer.weight.shape
        ((1, 2, 15), (4, 2, 3))
    """

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTransposeNd, ConvTranspose2d):
    """``ConvTranspose2d`` whose ``in_channels`` is read from the first input (``input.shape[-3]``).

    Once built, as ``ConvTranspose2d`` (``forward(input, output_size)`` too); the first call
    shapes ``weight`` ``(C, out_channels / groups, kh, kw)``.  See ``LazyConv2d`` and
    ``LazyModuleMixin``.

    Args:
        out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation,
            padding_mode, dtype, generator: as ``ConvTranspose2d``'s.

    Shape: ``(N, C, H, W) -> (N, out_channels, Ho, Wo)``,
    ``Ho = (H - 1) s - 2p + d(k - 1) + output_padding + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> layer = rb.nn.LazyConvTranspose2d(2, 2, stride=2)
        >>> layer(rb.randn(1, 4, 7, 7), output_size=(14, 14)).shape
        (1, 2, 14, 14)
    """

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTransposeNd, ConvTranspose3d):
    """``ConvTranspose3d`` whose ``in_channels`` is read from the first input (``input.shape[-4]``).

    Once built, as ``ConvTranspose3d``; the first call shapes ``weight``
    ``(C, out_channels / groups, kd, kh, kw)``.  See ``LazyConv2d`` and ``LazyModuleMixin``.

    Args:
        out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation,
            padding_mode, dtype, generator: as ``ConvTranspose3d``'s.

    Shape: ``(N, C, D, H, W) -> (N, out_channels, Do, Ho, Wo)``,
    ``Do = (D - 1) s - 2p + d(k - 1) + output_padding + 1`` per dim.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LazyConvTranspose3d(2, 2, stride=2)(rb.randn(1, 3, 2, 3, 3)).shape
        (1, 2, 4, 6, 6)
    """

    cls_to_become = ConvTranspose3d


__all__ = ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
           "LazyConvTranspose3d"]
