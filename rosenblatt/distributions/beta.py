"""The beta distribution."""
from __future__ import annotations

from numbers import Number
from typing import Any

from ..ops import stack
from ..ops.gamma import digamma, lgamma
from ..ops.special import xlogy
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .gamma import standard_gamma
from .utils import broadcast_all

__all__ = ["Beta"]


class Beta(Distribution):
    r"""The beta distribution on ``[0, 1]``.

    .. math:: p(x) = \frac{x^{\alpha - 1} (1 - x)^{\beta - 1}}{B(\alpha, \beta)},
        \quad B(\alpha, \beta) = \frac{\Gamma(\alpha)\Gamma(\beta)}{\Gamma(\alpha + \beta)}

    Computed, as PyTorch's, as a two-class Dirichlet over ``(x, 1 - x)``. ``sample`` draws outside
    the graph (two gamma draws); unlike PyTorch there is no ``rsample``.

    Args:
        concentration1 (Tensor or float): :math:`\alpha > 0`.
        concentration0 (Tensor or float): :math:`\beta > 0`.
        validate_args (bool, optional): check both are positive and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is the broadcast shape of the two; ``event_shape`` is ``()``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Beta
        >>> d = Beta(rb.tensor(2.0), rb.tensor(2.0))
        >>> d.log_prob(rb.tensor(0.5)), d.mean, d.variance
        (tensor(0.4055), tensor(0.5), tensor(0.05))
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval

    def __init__(self, concentration1: Tensor | float, concentration0: Tensor | float,
                 validate_args: bool | None = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        scalar = isinstance(concentration1, Number) and isinstance(concentration0, Number)
        super().__init__(() if scalar else self.concentration1.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Beta":
        return self._expanded(Beta, batch_shape, _instance, ("concentration1", "concentration0"))

    @property
    def _concentration(self) -> Tensor:
        return stack([self.concentration1, self.concentration0], -1)  # (..., 2), the Dirichlet's

    @property
    def mean(self) -> Tensor:
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self) -> Tensor:
        return (self.concentration1 - 1) / (self.concentration1 + self.concentration0 - 2)

    @property
    def variance(self) -> Tensor:
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def sample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        x = standard_gamma(self.concentration1, shape, generator)
        y = standard_gamma(self.concentration0, shape, generator)
        return x / (x + y)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        x = stack([value, 1.0 - value], -1)
        c = self._concentration
        return xlogy(c - 1.0, x).sum(-1) + lgamma(c.sum(-1)) - lgamma(c).sum(-1)

    def entropy(self) -> Tensor:
        c = self._concentration
        k, c0 = c.shape[-1], c.sum(-1)
        return (lgamma(c).sum(-1) - lgamma(c0) - (k - c0) * digamma(c0)
                - ((c - 1.0) * digamma(c)).sum(-1))
