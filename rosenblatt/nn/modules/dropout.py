"""Dropout, AlphaDropout and FeatureAlphaDropout (the channel dropouts Dropout1d/2d/3d are with the pools)."""
from __future__ import annotations

from ...random import Generator
from ...tensor import Tensor
from ..functional.linear import dropout
from ..functional.stochastic import alpha_dropout, feature_alpha_dropout
from .module import Module


class _DropoutNd(Module):
    """What the dropouts share (PyTorch's ``_DropoutNd``): ``p``, ``inplace``, ``generator``.  The
channel dropouts Dropout1d/2d/3d, with the pools, derive from it too."""

    def __init__(self, p: float = 0.5, inplace: bool = False, generator: Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: dropout probability has to be between 0 and 1, "
                             f"but got {p}")
        self.p, self.inplace, self.generator = p, inplace, generator

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
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

    def forward(self, input: Tensor) -> Tensor:
        return dropout(input, self.p, self.training, self.inplace, generator=self.generator)



class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: keeps zero mean and unit variance (``functional.alpha_dropout``).

    In training each element is dropped with probability ``p`` to SELU's negative saturation
    ``-alpha' = -1.7581``, then all are mapped by ``a x + b``, ``a = ((1 - p)(1 + p
    alpha'^2))^(-1/2)``, ``b = a alpha' p``.  Identity in eval mode.

    Args:
        p: probability of dropping an element (default 0.5).
        inplace: modify the input in place.
        generator: the ``rosenblatt.Generator`` for the masks (default generator if None).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> drop = rb.nn.AlphaDropout(0.2, generator=rb.Generator(0))
        >>> drop(rb.randn(4, 8)).shape
        (4, 8)
    """

    def forward(self, input: Tensor) -> Tensor:
        return alpha_dropout(input, self.p, self.training, self.inplace, generator=self.generator)



class FeatureAlphaDropout(AlphaDropout):
    """``AlphaDropout`` of whole channels: ``input[n, c]`` is dropped or kept as one
    (``functional.feature_alpha_dropout``).  Identity in eval mode.

    Args:
        p: probability of dropping a channel (default 0.5).
        inplace: modify the input in place.
        generator: the ``rosenblatt.Generator`` for the masks (default generator if None).

    Shape: ``(N, C, *)``; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> drop = rb.nn.FeatureAlphaDropout(0.2, generator=rb.Generator(0))
        >>> drop(rb.randn(2, 4, 3, 3)).shape
        (2, 4, 3, 3)
    """

    def forward(self, input: Tensor) -> Tensor:
        return feature_alpha_dropout(input, self.p, self.training, self.inplace,
                                     generator=self.generator)
