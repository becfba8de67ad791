"""The Bernoulli distribution: 1 with probability ``probs``, else 0."""
from __future__ import annotations

from numbers import Number
from typing import Any

from .._backend import xp
from ..ops import where
from ..random import numpy_generator
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Bernoulli"]


def _bce_with_logits(logits: Tensor, target: Tensor) -> Tensor:
    from ..nn.functional import binary_cross_entropy_with_logits
    return binary_cross_entropy_with_logits(logits, target, reduction="none")


def _exactly_one(probs: Any, logits: Any) -> None:
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class Bernoulli(Distribution):
    r"""The Bernoulli distribution, parameterised by ``probs`` or by ``logits`` (not both).

    .. math:: P(x) = p^x (1 - p)^{1 - x}, \quad x \in \{0, 1\}, \quad p = \sigma(\text{logits})

    Args:
        probs (Tensor or float, optional): the probability of 1, in ``[0, 1]``.
        logits (Tensor or float, optional): its log-odds ``log(p / (1 - p))``.
        validate_args (bool, optional): check the parameter and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is the parameter's shape; ``event_shape`` is ``()``. Samples have the
    parameter's dtype.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Bernoulli
        >>> d = Bernoulli(probs=rb.tensor([0.25, 0.5]))
        >>> d.log_prob(rb.tensor([1.0, 0.0])), d.mean
        (tensor([-1.3863, -0.6931]), tensor([0.25, 0.5 ]))
        >>> x = d.sample((10000,), generator=rb.Generator(0))
        >>> x.shape, (x.mean(0) - d.mean).abs().max().item() < 0.02
        ((10000, 2), True)
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Tensor | float | None = None, logits: Tensor | float | None = None,
                 validate_args: bool | None = None) -> None:
        _exactly_one(probs, logits)
        param = probs if probs is not None else logits
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        batch_shape = () if isinstance(param, Number) else self._param.shape
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Bernoulli":
        new = self._get_checked_instance(Bernoulli, _instance)
        batch_shape = tuple(batch_shape)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(batch_shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(batch_shape)
            new._param = new.logits
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._param.shape

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return where(self.probs == 0.5, float("nan"), mode)  # a tie: no single mode

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        probs = xp.broadcast_to(self.probs.detach().data, shape)
        draws = numpy_generator(generator).random(shape) < probs
        return Tensor._wrap(draws.astype(self.probs.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -_bce_with_logits(logits, value)

    def entropy(self) -> Tensor:
        return _bce_with_logits(self.logits, self.probs)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The values ``0`` and ``1``, along a new first dimension (shape ``(2,) + batch_shape``)."""
        from ..creation import arange
        values = arange(2, dtype=self._param.dtype).reshape((2,) + (1,) * len(self._batch_shape))
        return values.expand((2,) + self._batch_shape) if expand else values
