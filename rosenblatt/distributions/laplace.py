"""The Laplace (double exponential) distribution."""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..sampling import rand
from ..tensor import Tensor
from .distribution import LocScale

__all__ = ["Laplace"]


class Laplace(LocScale):
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
