"""The Laplace (double exponential) distribution."""
from __future__ import annotations

from numbers import Number
from typing import Any

from .._backend import xp
from ..sampling import rand
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Laplace"]


class Laplace(Distribution):
    r"""The Laplace distribution with location ``loc`` and scale ``scale``.

    .. math:: p(x) = \frac{1}{2b} \exp\left(-\frac{|x - \mu|}{b}\right)

    Args:
        loc (Tensor or float): the location (mean and median) :math:`\mu`.
        scale (Tensor or float): the scale :math:`b > 0`.
        validate_args (bool, optional): check ``scale > 0`` and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is the broadcast shape of ``loc`` and ``scale``; ``event_shape`` is ``()``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Laplace
        >>> d = Laplace(rb.tensor(0.0), rb.tensor(1.0))
        >>> d.log_prob(rb.tensor(1.0)), d.cdf(rb.tensor(0.0)), d.variance
        (tensor(-1.6931), tensor(0.5), tensor(2.))
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        batch_shape = () if isinstance(loc, Number) and isinstance(scale, Number) else self.loc.shape
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Laplace":
        return self._expanded(Laplace, batch_shape, _instance, ("loc", "scale"))

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return 2 * self.scale.pow(2)

    @property
    def stddev(self) -> Tensor:
        return (2 ** 0.5) * self.scale

    def rsample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        eps = float(xp.finfo(self.loc.dtype).eps)
        # u uniform on (-1 + eps, 1): log1p(-|u|) stays finite.
        u = rand(self._extended_shape(sample_shape), generator=generator, dtype=self.loc.dtype)
        u = u * (2 - eps) + (eps - 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 - 0.5 * (value - self.loc).sign() * (-(value - self.loc).abs() / self.scale).expm1()

    def icdf(self, value: Tensor) -> Tensor:
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self) -> Tensor:
        return 1 + (2 * self.scale).log()
