"""The gamma distribution."""
from __future__ import annotations

from numbers import Number
from typing import Any

from .._backend import xp
from ..ops.gamma import digamma, lgamma
from ..ops.special import xlogy
from ..random import numpy_generator
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Gamma"]


def standard_gamma(concentration: Tensor, shape: tuple[int, ...], generator: Any) -> Tensor:
    """Gamma(concentration, 1) draws of ``shape``, floored at the dtype's ``tiny`` (as PyTorch),
    outside the graph."""
    dtype = concentration.dtype
    alpha = xp.broadcast_to(concentration.detach().data.astype(xp.float64), shape)
    draws = numpy_generator(generator).standard_gamma(alpha).astype(dtype)
    return Tensor._wrap(xp.maximum(draws, xp.finfo(dtype).tiny))


class Gamma(Distribution):
    r"""The gamma distribution with shape ``concentration`` and inverse scale ``rate``.

    .. math:: p(x) = \frac{\beta^\alpha}{\Gamma(\alpha)} x^{\alpha - 1} e^{-\beta x}, \quad x > 0

    ``sample`` draws outside the graph; unlike PyTorch there is no ``rsample`` (PyTorch's
    reparameterised gradient through the gamma sampler is not reproduced).

    Args:
        concentration (Tensor or float): the shape :math:`\alpha > 0`.
        rate (Tensor or float): the rate :math:`\beta > 0` (1 / scale).
        validate_args (bool, optional): check both are positive and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is the broadcast shape of ``concentration`` and ``rate``;
    ``event_shape`` is ``()``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Gamma
        >>> d = Gamma(rb.tensor(2.0), rb.tensor(1.0))
        >>> d.log_prob(rb.tensor(1.0)), d.mean, d.variance, d.entropy()
        (tensor(-1.), tensor(2.), tensor(2.), tensor(1.5772))
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative

    def __init__(self, concentration: Tensor | float, rate: Tensor | float,
                 validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        scalar = isinstance(concentration, Number) and isinstance(rate, Number)
        super().__init__(() if scalar else self.concentration.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Gamma":
        return self._expanded(Gamma, batch_shape, _instance, ("concentration", "rate"))

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def sample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        draws = standard_gamma(self.concentration, shape, generator)
        return (draws / self.rate.detach().expand(shape)).clamp(min=float(xp.finfo(draws.dtype).tiny))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        c, rate = self.concentration, self.rate
        return xlogy(c, rate) + xlogy(c - 1, value) - rate * value - lgamma(c)

    def entropy(self) -> Tensor:
        c = self.concentration
        return c - self.rate.log() + lgamma(c) + (1.0 - c) * digamma(c)
