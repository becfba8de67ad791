"""FractionalMaxPool2d and FractionalMaxPool3d: max pooling with random, non-integer strides
(Graham, 2014).

Each holds the window and output size and calls ``functional.fractional_pooling``.
"""
from __future__ import annotations

from typing import Any

from ...random import Generator
from ...tensor import Tensor
from ..functional.fractional_pooling import fractional_max_pool2d, fractional_max_pool3d
from .module import Module


def _ntuple(value: Any, n: int) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _FractionalMaxPoolNd(Module):
    """The arguments' checks and storage; subclasses set ``_dims`` and ``_pool``."""

    _dims = 2
    _pool: Any  # the functional op, a staticmethod

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Tensor | None = None,
                 generator: Generator | None = None) -> None:
        super().__init__()
        name, n = type(self).__name__, self._dims
        self.kernel_size = _ntuple(kernel_size, n)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else _ntuple(output_size, n)
        self.output_ratio = None if output_ratio is None else _ntuple(output_ratio, n)
        self.generator = generator
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name}: requires an output_size or an output_ratio, got neither")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{name}: only one of output_size and output_ratio may be given, got "
                             f"output_size={output_size!r} and output_ratio={output_ratio!r}")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"{name}: output_ratio must be between 0 and 1 (exclusive), got "
                             f"{output_ratio!r}")

    def forward(self, input: Tensor) -> Any:
        return self._pool(input, self.kernel_size, self.output_size, self.output_ratio,
                          self.return_indices, _random_samples=self._random_samples,
                          generator=self.generator)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Max over ``kernel_size`` windows of an (N, C, H, W) batch placed at random fractional
    strides, so the output has ``output_size`` (or ``output_ratio`` of the input's size);
    see ``F.fractional_max_pool2d``.

    The windows are drawn anew at each call (two numbers in [0, 1) per sample and channel)
    unless ``_random_samples`` fixes them.

    Args:
        kernel_size: int or (kh, kw).
        output_size: int or (Ho, Wo).
        output_ratio: instead of ``output_size``: a number or pair in (0, 1).
        return_indices: also return the flat ``h * W + w`` argmax indices (for ``MaxUnpool2d``).
        _random_samples: (N, C, 2) samples to use at every call, a buffer (default None).
        generator: the ``rosenblatt.Generator`` to draw samples from (default generator if None).

    Shape: ``(N, C, H, W) -> (N, C, Ho, Wo)`` (or without N).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.5))(rb.randn(2, 4, 10, 12)).shape
        (2, 4, 5, 6)
    """

    _pool = staticmethod(fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Max over ``kernel_size`` windows of an (N, C, D, H, W) batch placed at random fractional
    strides, so the output has ``output_size`` (or ``output_ratio`` of the input's size);
    see ``F.fractional_max_pool3d``.

    ``out[n, c, z, y, x]`` is the max of the ``kd x kh x kw`` window starting at
    ``(a_z, b_y, c_x)``, each axis' starts ``int((i + u) alpha) - int(u alpha)`` with
    ``alpha = (in - k) / (out - 1)`` and ``u`` a sample in [0, 1) per sample, channel and
    axis, drawn anew at each call unless ``_random_samples`` fixes them.

    Args:
        kernel_size: int or (kd, kh, kw), each > 0.
        output_size: int or (Do, Ho, Wo); ``Do + kd - 1 < D``, as PyTorch's 3-d kernel needs.
        output_ratio: instead of ``output_size``: a number or triple in (0, 1).
        return_indices: also return the flat ``(d * H + h) * W + w`` argmax indices (for
            ``MaxUnpool3d``).
        _random_samples: (N, C, 3) samples to use at every call, a buffer (default None).
        generator: the ``rosenblatt.Generator`` to draw samples from (default generator if None).

    Shape: ``(N, C, D, H, W) -> (N, C, Do, Ho, Wo)`` (or without N).

    Example:
        >>> import rosenblatt as rb
        >>> pool = rb.nn.FractionalMaxPool3d(2, output_ratio=0.5, return_indices=True)
        >>> y, indices = pool(rb.randn(2, 4, 8, 10, 12))
        >>> y.shape, indices.dtype
        ((2, 4, 4, 5, 6), dtype('int64'))
        >>> rb.nn.MaxUnpool3d(2)(y, indices, output_size=(8, 10, 12)).shape
        (2, 4, 8, 10, 12)
    """

    _dims = 3
    _pool = staticmethod(fractional_max_pool3d)

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Tensor | None = None,
                 generator: Generator | None = None) -> None:
        # PyTorch checks the kernel here for the 3-d pool only (the 2-d one at the call)
        kernels = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,)
        if not all(isinstance(k, int) and k > 0 for k in kernels):
            raise ValueError(f"FractionalMaxPool3d: kernel_size must be greater than 0, but got "
                             f"{kernel_size!r}")
        super().__init__(kernel_size, output_size, output_ratio, return_indices, _random_samples,
                         generator)


__all__ = ["FractionalMaxPool2d", "FractionalMaxPool3d"]
