"""Dropout, and Dropout3d (the 1-d and 2-d channel dropouts are with the pools)."""
from __future__ import annotations

from ...random import Generator
from ...tensor import Tensor
from ..functional.linear import dropout
from ..functional.pooling import dropout3d
from .module import Module
from .pooling import _ChannelDropout


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


class Dropout3d(_ChannelDropout):
    """Zero whole channels of an (N, C, D, H, W) batch or a (C, D, H, W) sample with
    probability ``p`` in training, scaling the rest by ``1/(1-p)``; identity in eval mode.
    Arguments as ``Dropout2d``.  Other ranks are taken as one unbatched sample, with
    PyTorch's deprecation warning.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.dropout import Dropout3d
        >>> Dropout3d(0.5)(rb.ones(2, 4, 3, 3, 3)).shape
        (2, 4, 3, 3, 3)
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout3d(input, self.p, self.training, self.inplace, generator=self.generator)
