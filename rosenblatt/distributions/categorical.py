"""Categorical distributions: a class index (``Categorical``) or a one-hot vector (``OneHotCategorical``)."""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..creation import full
from ..ops import broadcast_tensors, gather
from ..ops._dims import size_arg
from ..random import numpy_generator
from ..tensor import Tensor
from . import constraints
from .bernoulli import _exactly_one
from .distribution import Distribution
from .utils import lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Categorical", "OneHotCategorical"]


class Categorical(Distribution):
    r"""A distribution over the class indices ``0 .. K-1``, by ``probs`` or ``logits`` (not both).

    .. math:: P(x = k) = p_k = \frac{\text{probs}_k}{\sum_j \text{probs}_j}
        = \frac{\exp \text{logits}_k}{\sum_j \exp \text{logits}_j}

    ``probs`` need only be non-negative (they are normalised along the last dimension); ``logits``
    are normalised to log-probabilities.

    Args:
        probs (Tensor, optional): event weights, shape ``batch_shape + (K,)``.
        logits (Tensor, optional): unnormalised log-probabilities, shape ``batch_shape + (K,)``.
        validate_args (bool, optional): check the parameter and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is the parameter's shape less its last dimension; ``event_shape`` is
    ``()``; samples are int64.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Categorical
        >>> d = Categorical(probs=rb.tensor([1.0, 1.0, 2.0]))
        >>> d.probs, d.log_prob(rb.tensor([2, 0]))
        (tensor([0.25, 0.25, 0.5 ]), tensor([-0.6931, -1.3863]))
        >>> d.sample((4,), generator=rb.Generator(0)).shape
        (4,)
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(constraints.real, 1)}
    has_enumerate_support = True

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        _exactly_one(probs, logits)
        param = probs if probs is not None else logits
        if param.ndim < 1:
            raise ValueError(f"`{'probs' if probs is not None else 'logits'}` parameter must be at least "
                             "one-dimensional.")
        if probs is not None:
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            self.logits = logits - logits.logsumexp(-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        super().__init__(self._param.shape[:-1], validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Categorical":
        new = self._get_checked_instance(Categorical, _instance)
        batch_shape = tuple(batch_shape)
        param_shape = batch_shape + (self._num_events,)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(param_shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(param_shape)
            new._param = new.logits
        new._num_events = self._num_events
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def support(self) -> constraints.Constraint:
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._param.shape

    @property
    def mean(self) -> Tensor:
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    @property
    def variance(self) -> Tensor:
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    def sample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        sample_shape = size_arg((sample_shape,), "sample_shape")
        probs = self.probs.detach().data.astype(xp.float64)
        cdf = xp.cumsum(probs, -1)
        cdf /= cdf[..., -1:]
        u = numpy_generator(generator).random(sample_shape + self._batch_shape + (1,))
        # The first class whose cumulative probability exceeds u: inverse-CDF sampling, vectorised.
        index = (xp.broadcast_to(cdf, u.shape[:-1] + (self._num_events,)) <= u).sum(-1)
        return Tensor._wrap(xp.minimum(index, self._num_events - 1).astype(xp.int64))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = broadcast_tensors(value, self.logits)
        return gather(log_pmf, -1, value[..., :1]).squeeze(-1)

    def entropy(self) -> Tensor:
        min_real = float(xp.finfo(self.logits.dtype).min)
        logits = self.logits.clamp(min=min_real)  # -inf logits of impossible classes: 0 * min, not nan
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The class indices ``0 .. K-1`` along a new first dimension (shape ``(K,) + batch_shape``)."""
        from ..creation import arange
        values = arange(self._num_events).reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + self._batch_shape) if expand else values


class OneHotCategorical(Distribution):
    r"""A :class:`Categorical` whose samples are one-hot vectors of length ``K``.

    .. math:: P(x = e_k) = p_k

    Args:
        probs (Tensor, optional): event weights, shape ``batch_shape + (K,)``.
        logits (Tensor, optional): unnormalised log-probabilities, shape ``batch_shape + (K,)``.
        validate_args (bool, optional): check the parameter and the values passed to ``log_prob``.

    Shape: ``batch_shape`` is the parameter's shape less its last dimension; ``event_shape`` is
    ``(K,)``; samples have the parameter's dtype.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import OneHotCategorical
        >>> d = OneHotCategorical(probs=rb.tensor([0.25, 0.75]))
        >>> d.event_shape, d.log_prob(rb.tensor([0.0, 1.0]))
        ((2,), tensor(-0.2877))
        >>> d.sample((3,), generator=rb.Generator(0)).sum(-1).tolist()
        [1.0, 1.0, 1.0]
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(constraints.real, 1)}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "OneHotCategorical":
        new = self._get_checked_instance(OneHotCategorical, _instance)
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, tuple(batch_shape), self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def _param(self) -> Tensor:
        return self._categorical._param

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self._categorical.probs

    @property
    def mode(self) -> Tensor:
        from ..nn.functional import one_hot
        probs = self._categorical.probs
        return one_hot(probs.argmax(-1), probs.shape[-1]).to(probs.dtype)

    @property
    def variance(self) -> Tensor:
        return self._categorical.probs * (1 - self._categorical.probs)

    def sample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        from ..nn.functional import one_hot
        indices = self._categorical.sample(sample_shape, generator=generator)
        return one_hot(indices, self._categorical._num_events).to(self._categorical.probs.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self) -> Tensor:
        return self._categorical.entropy()
