"""Dropout (the channel dropouts Dropout1d/2d/3d are with the pools)."""
from __future__ import annotations

from ...random import Generator
from ...tensor import Tensor
from ..functional.linear import dropout
from .module import Module


class Dropout(Module):
    """Zeroes each element with probability ``p`` in training and scales the rest by ``1/(1-p)``.

    Identity in eval mode.

    Args:
        p: probability of zeroing an element (default 0.5).
        inplace: modify the input in place.
        generator: the ``rosenblatt.Generator`` for the masks (default generator if None).

    Example:
        >>> import rosenblatt as rb
        >>> drop = rb.nn.Dropout(0.5).eval()
        >>> bool((drop(rb.ones(3)) == 1).all())
        True
    """

    def __init__(self, p: float = 0.5, inplace: bool = False, generator: Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace, self.generator = p, inplace, generator

    def forward(self, input: Tensor) -> Tensor:
        return dropout(input, self.p, self.training, self.inplace, generator=self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

