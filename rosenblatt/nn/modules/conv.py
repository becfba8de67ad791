"""Convolution layers (Conv1d/2d, ConvTranspose1d/2d): each owns a kernel and calls ``functional.conv``."""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ... import _backend
from ...ops import pad as _pad
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..functional.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from ..parameter import Parameter
from .module import Module

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value: Any, n: int, name: str, layer: str) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    if len(value) != n or not all(isinstance(v, int) for v in value):
        raise ValueError(f"{layer}: {name} must be an int or {n} ints, got {value!r}")
    return value


class _ConvNd(Module):
    """Parameters, initialisation and repr shared by the convolution layers.

    ``weight`` is ``(out, in / groups, *kernel)`` for a convolution and
    ``(in, out / groups, *kernel)`` for a transposed one, as in PyTorch.
    """

    _dims = 2
    _transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        # PyTorch's argument order: Conv1d/Conv2d take no output_padding (nor a device in its
        # place); the transposed layers set theirs after this
        super().__init__()
        name, n = type(self).__name__, self._dims
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) "
                             f"must both be divisible by groups ({groups})")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: padding must be an int, a tuple, 'same' or 'valid', "
                                 f"got {padding!r}")
            if self._transposed:
                raise ValueError(f"{name}: padding={padding!r} is not supported; give ints")
            if padding == "same" and _ntuple(stride, n, "stride", name) != (1,) * n:
                raise ValueError(f"{name}: padding='same' needs stride 1, got stride={stride!r}; "
                                 f"give explicit padding for a strided convolution")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _ntuple(kernel_size, n, "kernel_size", name)
        self.stride = _ntuple(stride, n, "stride", name)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, n, "padding", name)
        self.dilation = _ntuple(dilation, n, "dilation", name)
        self.output_padding = (0,) * n
        self.padding_mode, self.transposed = padding_mode, self._transposed
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
        shape = ((in_channels, out_channels // groups) if self._transposed
                 else (out_channels, in_channels // groups)) + self.kernel_size
        self.weight = Parameter(xp.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(xp.empty((out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        # fan_in is weight.shape[1] * prod(kernel), for a transposed conv too, as in PyTorch.
        init.default_affine_(self.weight, self.bias, generator)

    def _check_input(self, input: Tensor) -> None:
        """Check ``input`` is ``(N, C, *spatial)`` or one unbatched ``(C, *spatial)`` sample
        (PyTorch takes both; the functional convs run the latter as a batch of one)."""
        n, c = self._dims, self.in_channels
        if (not isinstance(input, Tensor) or input.ndim not in (n + 1, n + 2)
                or input.shape[-n - 1] != c):
            spatial = "L" if n == 1 else ", ".join("DHW"[-n:])
            got = f"shape {tuple(input.shape)}" if isinstance(input, Tensor) else type(input).__name__
            raise ValueError(f"{type(self).__name__}: expected input (N, {c}, {spatial}) or "
                             f"unbatched ({c}, {spatial}), got {got}")

    def _padded(self, input: Tensor) -> tuple[Tensor, Any]:
        """The input padded by ``padding_mode`` and the padding left to the conv op."""
        if self.padding_mode == "zeros":
            return input, self.padding
        if isinstance(self.padding, str):
            if self.padding == "valid":
                return input, 0
            total = [d * (k - 1) for k, d in zip(self.kernel_size, self.dilation)]
            widths = [(t // 2, t - t // 2) for t in total]  # extra goes right/bottom
        else:
            widths = [(p, p) for p in self.padding]
        flat = [w for pair in reversed(widths) for w in pair]  # F.pad: last dim first
        return _pad(input, flat, mode=self.padding_mode), 0

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self._dims:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._dims:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._dims:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """2-d convolution (cross-correlation) over an (N, C, H, W) batch.

    ``out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c]`` (``*`` the 2-d
    cross-correlation), grouped into ``groups`` independent blocks of channels.
    Weights and bias start as PyTorch's: ``kaiming_uniform_(a=sqrt(5))``, i.e.
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with ``fan_in = in_channels / groups * kh * kw``.

    Args:
        in_channels, out_channels: C and O.
        kernel_size: int or (kh, kw).
        stride: int or pair (default 1).
        padding: int, pair, ``'same'`` or ``'valid'`` (default 0).
        dilation: int or pair (default 1).
        groups: channel groups (default 1; ``groups == C`` is depthwise).
        bias: learn a per-channel bias (default True).
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
        dtype: parameter dtype (default ``get_default_dtype()``, float32).
        generator: the ``rosenblatt.Generator`` for the initial weights.

    Shape: ``(N, C, H, W) -> (N, O, Ho, Wo)``, ``Ho = (H + 2p - d(k - 1) - 1) // s + 1``;
    an unbatched ``(C, H, W)`` gives ``(O, Ho, Wo)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Conv2d(1, 6, 5, padding=2)(rb.randn(2, 1, 28, 28)).shape
        (2, 6, 28, 28)
    """

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        x, padding = self._padded(input)
        return conv2d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    """1-d convolution over an (N, C, L) batch; arguments as ``Conv2d`` with ints.

    Shape: ``(N, C, L) -> (N, O, Lo)``, ``Lo = (L + 2p - d(k - 1) - 1) // s + 1``;
    an unbatched ``(C, L)`` gives ``(O, Lo)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Conv1d(3, 4, 3, padding=1)(rb.randn(2, 3, 10)).shape
        (2, 4, 10)
    """

    _dims = 1

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        x, padding = self._padded(input)
        padding = padding if isinstance(padding, str) else _ntuple(padding, 1, "padding", "Conv1d")[0]
        return conv1d(x, self.weight, self.bias, self.stride[0], padding, self.dilation[0],
                      self.groups)


class _ConvTransposeNd(_ConvNd):
    """What the transposed convolutions share: zero padding only, and ``output_size``."""

    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None, generator: Generator | None = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f"{type(self).__name__}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype, generator)
        self.output_padding = _ntuple(output_padding, self._dims, "output_padding",
                                      type(self).__name__)

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple[int, ...]:
        """``output_padding``, or with ``output_size`` whatever makes that size (PyTorch's rule)."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        size = tuple(output_size)[-n:]
        base = [(input.shape[a - n] - 1) * self.stride[a] - 2 * self.padding[a]
                + self.dilation[a] * (self.kernel_size[a] - 1) + 1 for a in range(n)]
        top = [b + max(s, d) - 1 for b, s, d in zip(base, self.stride, self.dilation)]
        if len(size) != n or not all(b <= s <= t for b, s, t in zip(base, size, top)):
            raise ValueError(f"{type(self).__name__}: requested an output size of {list(size)}, but "
                             f"valid sizes range from {base} to {top} (for an input of "
                             f"{list(input.shape[-n:])})")
        return tuple(s - b for s, b in zip(size, base))


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-d convolution: the gradient of ``Conv2d`` w.r.t. its input ("deconvolution").

    Each input pixel scatters ``weight[c, o] * input[n, c, y, x]`` onto an output
    window; ``weight`` is ``(in_channels, out_channels / groups, kh, kw)``.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias:
            as ``Conv2d`` (padding ints only).
        output_padding: extra rows/columns on the bottom/right of the output (default 0).

    Shape: ``(N, C, H, W) -> (N, O, Ho, Wo)``,
    ``Ho = (H - 1) s - 2p + d(k - 1) + output_padding + 1``; an unbatched ``(C, H, W)`` gives
    ``(O, Ho, Wo)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ConvTranspose2d(4, 2, 2, stride=2)(rb.randn(1, 4, 7, 7)).shape
        (1, 2, 14, 14)
    """

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        self._check_input(input)
        return conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                self._output_padding(input, output_size), self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-d convolution over an (N, C, L) batch; arguments as ``ConvTranspose2d``
    with ints.

    Shape: ``(N, C, L) -> (N, O, Lo)``, ``Lo = (L - 1) s - 2p + d(k - 1) + output_padding + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ConvTranspose1d(4, 2, 3, stride=2)(rb.randn(1, 4, 7)).shape
        (1, 2, 15)
    """

    _dims = 1

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        self._check_input(input)
        return conv_transpose1d(input, self.weight, self.bias, self.stride[0], self.padding[0],
                                self._output_padding(input, output_size)[0], self.groups,
                                self.dilation[0])


__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"]
