"""``Distribution``: the base of every family, with PyTorch's shapes, validation and ``expand``."""
from __future__ import annotations

from numbers import Number
from typing import Any

from .. import autograd
from ..ops._dims import size_arg
from ..tensor import Tensor
from . import constraints
from .utils import broadcast_all, lazy_property

__all__ = ["Distribution"]


class Distribution:
    r"""The base class of probability distributions (PyTorch's ``torch.distributions.Distribution``).

    A distribution holds a batch of independent distributions of shape ``batch_shape``, each
    over events of shape ``event_shape``; ``sample(sample_shape)`` has shape
    ``sample_shape + batch_shape + event_shape`` and ``log_prob(value)`` the shape of ``value``
    less its event dimensions (broadcast with ``batch_shape``).

    Args:
        batch_shape (tuple of ints): the shape over which parameters are batched (default ``()``).
        event_shape (tuple of ints): the shape of one sample (default ``()``).
        validate_args (bool, optional): check parameters on construction and values in
            ``log_prob``/``cdf``/``icdf`` (raising ``ValueError``); the class default (True, see
            :meth:`set_default_validate_args`) when None.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import Normal
        >>> d = Normal(rb.zeros(3), rb.ones(3))
        >>> d.batch_shape, d.event_shape, d.sample((2,)).shape
        ((3,), (), (2, 3))
    """

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for every distribution made without ``validate_args``.

        Example:
            >>> from rosenblatt.distributions import Distribution
            >>> Distribution.set_default_validate_args(True)
        """
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args(): expected True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape: Any = (), event_shape: Any = (), validate_args: bool | None = None) -> None:
        self._batch_shape = tuple(batch_shape)
        self._event_shape = tuple(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if not self._validate_args:
            return
        for param, constraint in self.arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue  # depends on other parameters: checked by the family, if at all
            if param not in self.__dict__ and isinstance(getattr(type(self), param), lazy_property):
                continue  # not given: computed from the one that was, so valid
            value = getattr(self, param)
            if not bool(constraint.check(value).all()):
                raise ValueError(f"Expected parameter {param} ({type(value).__name__} of shape "
                                 f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                                 f"{constraint!r}, but found invalid values:\n{value}")

    # ------------------------------------------------------------------ shapes
    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """The shape of a single sample (without batching)."""
        return self._event_shape

    def _extended_shape(self, sample_shape: Any = ()) -> tuple[int, ...]:
        return size_arg((sample_shape,), "sample_shape") + self._batch_shape + self._event_shape

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Distribution":
        """A distribution with its parameters expanded (not copied) to ``batch_shape``."""
        raise NotImplementedError

    def _expanded(self, cls: type, batch_shape: Any, _instance: Any, names: tuple[str, ...]) -> Any:
        """``expand`` of a family whose parameters ``names`` all have the batch shape (scalar
        events): a new ``cls`` with each of them expanded, validated as this one is."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = tuple(batch_shape)
        for name in names:
            setattr(new, name, getattr(self, name).expand(batch_shape))
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _get_checked_instance(self, cls: type, _instance: Any = None) -> Any:
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(f"Subclass {type(self).__name__} of {cls.__name__} that defines a custom "
                                      "__init__ method must also define a custom .expand() method.")
        return type(self).__new__(type(self)) if _instance is None else _instance

    # ------------------------------------------------------------------ interface
    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:
        """Each parameter's name and the constraint it must satisfy."""
        return {}

    @property
    def support(self) -> constraints.Constraint:
        """The constraint samples satisfy."""
        raise NotImplementedError

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def sample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        """A sample of shape ``sample_shape + batch_shape + event_shape``, outside the graph."""
        with autograd.no_grad():
            return self.rsample(sample_shape, generator=generator)

    def rsample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        """A reparameterised sample: differentiable with respect to the parameters."""
        raise NotImplementedError(f"{type(self).__name__} has no reparameterised sampler (rsample); "
                                  "use sample()")

    def log_prob(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def cdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        raise NotImplementedError

    def perplexity(self) -> Tensor:
        """``exp(entropy())``."""
        return self.entropy().exp()

    # ------------------------------------------------------------------ validation
    def _validate_sample(self, value: Any) -> None:
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = value.ndim - len(self._event_shape)
        if tuple(value.shape[event_dim_start:]) != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: {tuple(value.shape)} vs "
                             f"{self._event_shape}.")
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(value.shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{tuple(value.shape)} vs {expected}.")
        support = self.support
        if not bool(support.check(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) "
                             f"to be within the support ({support!r}) of the distribution {self!r}, but found "
                             f"invalid values:\n{value}")

    def __repr__(self) -> str:
        names = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].shape}"
                         for p in names)
        return f"{type(self).__name__}({args})"


class LocScale(Distribution):
    """A family on the real line with a location ``loc`` (its mean and mode) and a scale
    ``scale > 0``, broadcast together to the batch shape: ``Normal``, ``Laplace``."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        batch_shape = () if isinstance(loc, Number) and isinstance(scale, Number) else self.loc.shape
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Any:
        return self._expanded(LocScale, batch_shape, _instance, ("loc", "scale"))

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc
