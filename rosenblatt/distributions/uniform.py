"""The continuous uniform distribution on ``[low, high)``."""
from __future__ import annotations

from numbers import Number
from typing import Any

from ..sampling import rand
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Uniform"]


class Uniform(Distribution):
    r"""The uniform distribution on the half-open interval ``[low, high)``.

    .. math:: p(x) = \frac{1}{\text{high} - \text{low}}, \quad \text{low} \le x < \text{high}

    Args:
        low (Tensor or float): the lower bound (inclusive).
        high (Tensor or float): the upper bound (exclusive), above ``low``.
        validate_args (bool, optional): check ``low < high`` and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is the broadcast shape of ``low`` and ``high``; ``event_shape`` is ``()``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Uniform
        >>> d = Uniform(rb.tensor(0.0), rb.tensor(4.0))
        >>> d.log_prob(rb.tensor(1.0)), d.cdf(rb.tensor(1.0)), d.mean, d.variance
        (tensor(-1.3863), tensor(0.25), tensor(2.), tensor(1.3333))
    """

    arg_constraints = {"low": constraints.dependent, "high": constraints.dependent}
    has_rsample = True

    def __init__(self, low: Tensor | float, high: Tensor | float, validate_args: bool | None = None) -> None:
        self.low, self.high = broadcast_all(low, high)
        batch_shape = () if isinstance(low, Number) and isinstance(high, Number) else self.low.shape
        super().__init__(batch_shape, validate_args=validate_args)
        if self._validate_args and not bool((self.low < self.high).all()):
            raise ValueError("Uniform is not defined when low>= high")

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Uniform":
        return self._expanded(Uniform, batch_shape, _instance, ("low", "high"))

    @property
    def support(self) -> constraints.Constraint:
        return constraints.interval(self.low, self.high)

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def mode(self) -> Tensor:
        return float("nan") * self.high

    @property
    def stddev(self) -> Tensor:
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        u = rand(self._extended_shape(sample_shape), generator=generator, dtype=self.low.dtype)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        lb = (self.low <= value).to(self.low.dtype)
        ub = (self.high > value).to(self.low.dtype)
        return (lb * ub).log() - (self.high - self.low).log()

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value: Tensor) -> Tensor:
        return value * (self.high - self.low) + self.low

    def entropy(self) -> Tensor:
        return (self.high - self.low).log()
