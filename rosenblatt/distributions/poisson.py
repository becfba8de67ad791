"""The Poisson distribution."""
from __future__ import annotations

from numbers import Number
from typing import Any

from ..ops.gamma import lgamma
from ..ops.special import xlogy
from ..sampling import poisson
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Poisson"]


class Poisson(Distribution):
    r"""The Poisson distribution with rate ``rate``: counts ``0, 1, 2, ...``.

    .. math:: P(k) = \frac{\lambda^k e^{-\lambda}}{k!}

    Args:
        rate (Tensor or float): the rate (mean) :math:`\lambda \ge 0`.
        validate_args (bool, optional): check ``rate >= 0`` and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is ``rate``'s shape; ``event_shape`` is ``()``; samples have ``rate``'s
    dtype.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Poisson
        >>> d = Poisson(rb.tensor([1.0, 4.0]))
        >>> d.log_prob(rb.tensor([0.0, 2.0])), d.mode
        (tensor([-1.    , -1.9206]), tensor([1., 4.]))
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Tensor | float, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(() if isinstance(rate, Number) else self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Poisson":
        return self._expanded(Poisson, batch_shape, _instance, ("rate",))

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        return poisson(self.rate.detach().expand(self._extended_shape(sample_shape)), generator=generator)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return xlogy(value, rate) - rate - lgamma(value + 1)
