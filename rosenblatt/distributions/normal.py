"""The normal (Gaussian) distribution."""
from __future__ import annotations

import math
from typing import Any

from ..ops.special import erf, erfinv
from ..sampling import randn
from ..tensor import Tensor
from .distribution import LocScale

__all__ = ["Normal"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class Normal(LocScale):
    r"""The normal distribution with mean ``loc`` and standard deviation ``scale``.

    .. math:: p(x) = \frac{1}{\sigma\sqrt{2\pi}} \exp\left(-\frac{(x - \mu)^2}{2\sigma^2}\right)

    Args:
        loc (Tensor or float): the mean :math:`\mu`.
        scale (Tensor or float): the standard deviation :math:`\sigma > 0`.
        validate_args (bool, optional): check ``scale > 0`` and values passed to ``log_prob``.

    Shape: ``batch_shape`` is the broadcast shape of ``loc`` and ``scale``; ``event_shape`` is ``()``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Normal
        >>> d = Normal(rb.tensor([0.0, 1.0]), rb.tensor(2.0))
        >>> d.log_prob(rb.tensor([0.0, 0.0]))
        tensor([-1.6121, -1.7371])
        >>> d.cdf(rb.tensor([0.0, 1.0]))
        tensor([0.5, 0.5])
        >>> d.rsample((5,), generator=rb.Generator(0)).shape
        (5, 2)
    """

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def rsample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        eps = randn(self._extended_shape(sample_shape), generator=generator, dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return -((value - self.loc) ** 2) / (2 * self.variance) - self.scale.log() - _HALF_LOG_2PI

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value: Tensor) -> Tensor:
        return self.loc + self.scale * erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self) -> Tensor:
        return 0.5 + _HALF_LOG_2PI + self.scale.log()
