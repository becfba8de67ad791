"""FractionalMaxPool2d: max pooling with random, non-integer strides (Graham, 2014).

It holds the window and output size and calls ``functional.fractional_pooling``.
"""
from __future__ import annotations

from typing import Any

from ...random import Generator
from ...tensor import Tensor
from ..functional.fractional_pooling import fractional_max_pool2d
from .module import Module


def _pair(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class FractionalMaxPool2d(Module):
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

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Tensor | None = None,
                 generator: Generator | None = None) -> None:
        super().__init__()
        self.kernel_size = _pair(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else _pair(output_size)
        self.output_ratio = None if output_ratio is None else _pair(output_ratio)
        self.generator = generator
        if output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool2d: requires an output_size or an output_ratio, got "
                             "neither")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"FractionalMaxPool2d: only one of output_size and output_ratio may be "
                             f"given, got output_size={output_size!r} and output_ratio={output_ratio!r}")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"FractionalMaxPool2d: output_ratio must be between 0 and 1 (exclusive), "
                             f"got {output_ratio!r}")

    def forward(self, input: Tensor) -> Any:
        return fractional_max_pool2d(input, self.kernel_size, self.output_size, self.output_ratio,
                                     self.return_indices, _random_samples=self._random_samples,
                                     generator=self.generator)


__all__ = ["FractionalMaxPool2d"]
