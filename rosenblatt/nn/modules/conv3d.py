"""3-d convolution layers (Conv3d, ConvTranspose3d): each owns a kernel and calls
``functional.conv3d``.

Parameters, PyTorch's default init, ``padding_mode``, ``output_size`` and the repr come from
the dimension-generic bases in ``conv.py``; only ``_dims`` and the op differ.
"""
from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from ..functional.conv3d import conv3d, conv_transpose3d
from .conv import _ConvNd, _ConvTransposeNd


class Conv3d(_ConvNd):
    """3-d convolution (cross-correlation) over an (N, C, D, H, W) batch of volumes.

    ``out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c]`` (``*`` the 3-d
    cross-correlation), grouped into ``groups`` independent blocks of channels.
    Weights and bias start as PyTorch's: ``kaiming_uniform_(a=sqrt(5))``, i.e.
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with ``fan_in = in_channels / groups * kd * kh * kw``.

    Args:
        in_channels, out_channels: C and O.
        kernel_size: int or (kd, kh, kw).
        stride: int or tuple of 3 (default 1).
        padding: int, tuple of 3, ``'same'`` or ``'valid'`` (default 0).
        dilation: int or tuple of 3 (default 1).
        groups: channel groups (default 1; ``groups == C`` is depthwise).
        bias: learn a per-channel bias (default True).
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
        dtype: parameter dtype (default: get_default_dtype()).
        generator: the ``rosenblatt.Generator`` for the initial weights.

    Shape: ``(N, C, D, H, W) -> (N, O, Do, Ho, Wo)``, ``Do = (D + 2p - d(k - 1) - 1) // s + 1``
    per dim; an unbatched ``(C, D, H, W)`` gives ``(O, Do, Ho, Wo)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.conv3d import Conv3d
        >>> Conv3d(3, 8, 3, padding=1)(rb.randn(2, 3, 4, 16, 16)).shape
        (2, 8, 4, 16, 16)
    """

    _dims = 3

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)  # before padding_mode pads: that error would not name the layer
        x, padding = self._padded(input)
        return conv3d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed 3-d convolution: the gradient of ``Conv3d`` w.r.t. its input ("deconvolution").

    Each input voxel scatters ``weight[c, o] * input[n, c, z, y, x]`` onto an output
    window; ``weight`` is ``(in_channels, out_channels / groups, kd, kh, kw)``.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias:
            as ``Conv3d`` (padding ints only, ``padding_mode='zeros'`` only, as in PyTorch).
        output_padding: extra planes/rows/columns at the back/bottom/right of the output
            (default 0).

    Shape: ``(N, C, D, H, W) -> (N, O, Do, Ho, Wo)``,
    ``Do = (D - 1) s - 2p + d(k - 1) + output_padding + 1`` per dim; an unbatched
    ``(C, D, H, W)`` gives ``(O, Do, Ho, Wo)``.  ``forward(input, output_size)`` picks the
    output padding that gives ``output_size``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.conv3d import ConvTranspose3d
        >>> ConvTranspose3d(4, 2, 2, stride=2)(rb.randn(1, 4, 3, 7, 7)).shape
        (1, 2, 6, 14, 14)
    """

    _dims = 3

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        self._check_input(input)
        return conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding,
                                self._output_padding(input, output_size), self.groups,
                                self.dilation)


__all__ = ["Conv3d", "ConvTranspose3d"]
