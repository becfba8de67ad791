"""The exponential distribution."""
from __future__ import annotations

from numbers import Number
from typing import Any

from .._backend import xp
from ..random import draw_dtype, numpy_generator
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Exponential"]


class Exponential(Distribution):
    r"""The exponential distribution with rate ``rate`` (mean ``1 / rate``).

    .. math:: p(x) = \lambda e^{-\lambda x}, \quad x \ge 0

    Args:
        rate (Tensor or float): the rate :math:`\lambda > 0`.
        validate_args (bool, optional): check ``rate > 0`` and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is ``rate``'s shape; ``event_shape`` is ``()``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Exponential
        >>> d = Exponential(rb.tensor([1.0, 2.0]))
        >>> d.log_prob(rb.tensor([1.0, 1.0])), d.mean
        (tensor([-1.    , -1.3069]), tensor([1. , 0.5]))
    """

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate: Tensor | float, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        batch_shape = () if isinstance(rate, Number) else self.rate.shape
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Exponential":
        return self._expanded(Exponential, batch_shape, _instance, ("rate",))

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        return 0 * self.rate

    @property
    def stddev(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        return self.rate.pow(-2)

    def rsample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        dtype = self.rate.dtype
        draws = numpy_generator(generator).standard_exponential(self._extended_shape(sample_shape),
                                                                dtype=draw_dtype(dtype))
        return Tensor._wrap(xp.asarray(draws, dtype=dtype)) / self.rate

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        return -(-value).log1p() / self.rate

    def entropy(self) -> Tensor:
        return 1.0 - self.rate.log()
