"""Constraints: what a distribution's parameters and samples may be (PyTorch's names and reprs).

Each has ``check(value)``, a bool tensor of ``value``'s shape less its ``event_dim`` rightmost
dimensions; ``Distribution`` raises ``ValueError`` where it is False and ``validate_args`` is on.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.distributions import constraints
    >>> constraints.positive.check(rb.tensor([1.0, -1.0]))
    tensor([ True, False])
    >>> constraints.interval(0.0, 1.0)
    Interval(lower_bound=0.0, upper_bound=1.0)
"""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor

__all__ = ["Constraint", "boolean", "dependent", "independent", "integer_interval",
           "interval", "is_dependent", "lower_cholesky", "nonnegative", "nonnegative_integer",
           "one_hot", "positive", "positive_definite", "real", "real_vector", "simplex",
           "unit_interval"]


class Constraint:
    """A region values must lie in; ``check`` says, per event, whether they do.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import constraints
        >>> constraints.real.check(rb.tensor([0.0, float("nan")]))
        tensor([ True, False])
    """

    is_discrete = False
    event_dim = 0

    def check(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return type(self).__name__.lstrip("_") + "()"


class _Dependent(Constraint):
    """A constraint that depends on other parameters (never checked), as PyTorch's."""

    def __init__(self, *, is_discrete: bool = False, event_dim: int = 0) -> None:
        self.is_discrete, self.event_dim = is_discrete, event_dim

    def check(self, value: Tensor) -> Tensor:
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint: Constraint) -> bool:
    """Whether ``constraint`` depends on other parameters (and so is not checked).

    Example:
        >>> from rosenblatt.distributions import constraints
        >>> constraints.is_dependent(constraints.dependent), constraints.is_dependent(constraints.real)
        (True, False)
    """
    return isinstance(constraint, _Dependent)


class _Boolean(Constraint):
    is_discrete = True

    def check(self, value: Tensor) -> Tensor:
        return (value == 0) | (value == 1)


class _OneHot(Constraint):
    is_discrete = True
    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        is_boolean = ((value == 0) | (value == 1)).all(-1)
        return is_boolean & (value.sum(-1) == 1)


class _IntegerInterval(Constraint):
    is_discrete = True

    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & (value >= self.lower_bound) & (value <= self.upper_bound)

    def __repr__(self) -> str:
        return f"IntegerInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IntegerGreaterThan(Constraint):
    is_discrete = True

    def __init__(self, lower_bound: Any) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & (value >= self.lower_bound)

    def __repr__(self) -> str:
        return f"IntegerGreaterThan(lower_bound={self.lower_bound})"


class _Real(Constraint):
    def check(self, value: Tensor) -> Tensor:
        return value == value  # False only at nan, as PyTorch's

    def __repr__(self) -> str:
        return "Real()"


class _GreaterThan(Constraint):
    def __init__(self, lower_bound: Any) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Tensor) -> Tensor:
        return self.lower_bound < value

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _GreaterThanEq(_GreaterThan):
    def check(self, value: Tensor) -> Tensor:
        return self.lower_bound <= value

    def __repr__(self) -> str:
        return f"GreaterThanEq(lower_bound={self.lower_bound})"


class _Interval(Constraint):
    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (self.lower_bound <= value) & (value <= self.upper_bound)

    def __repr__(self) -> str:
        return f"Interval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _HalfOpenInterval(_Interval):
    def check(self, value: Tensor) -> Tensor:
        return (self.lower_bound <= value) & (value < self.upper_bound)

    def __repr__(self) -> str:
        return f"HalfOpenInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IndependentConstraint(Constraint):
    """``base_constraint`` over ``reinterpreted_batch_ndims`` more event dimensions (all must hold)."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int) -> None:
        self.base_constraint, self.reinterpreted_batch_ndims = base_constraint, reinterpreted_batch_ndims
        self.is_discrete = base_constraint.is_discrete
        self.event_dim = base_constraint.event_dim + reinterpreted_batch_ndims

    def check(self, value: Tensor) -> Tensor:
        result = self.base_constraint.check(value)
        if self.reinterpreted_batch_ndims:
            result = result.reshape(result.shape[:result.ndim - self.reinterpreted_batch_ndims] + (-1,)).all(-1)
        return result

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class _LowerCholesky(Constraint):
    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        lower = (value.tril() == value).reshape(value.shape[:-2] + (-1,)).all(-1)
        return lower & (value.diagonal(dim1=-2, dim2=-1) > 0).all(-1)


class _PositiveDefinite(Constraint):
    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        from .. import linalg
        symmetric = (value - value.mT).abs().reshape(value.shape[:-2] + (-1,)).amax(-1) <= 1e-6
        # The smallest eigenvalue, where PyTorch tries a Cholesky factorisation: the same verdict.
        positive = linalg.eigvalsh(value.detach())[..., 0] > 0
        return symmetric & positive


def independent(base_constraint: Constraint, reinterpreted_batch_ndims: int) -> Constraint:
    """``base_constraint`` required of every entry of the rightmost ``reinterpreted_batch_ndims`` dims.

    Example:
        >>> from rosenblatt.distributions import constraints
        >>> constraints.independent(constraints.real, 1)
        IndependentConstraint(Real(), 1)
    """
    return _IndependentConstraint(base_constraint, reinterpreted_batch_ndims)


def interval(lower_bound: Any, upper_bound: Any) -> Constraint:
    """The closed interval ``[lower_bound, upper_bound]``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import constraints
        >>> constraints.interval(0.0, 1.0).check(rb.tensor([1.0, 1.5]))
        tensor([ True, False])
    """
    return _Interval(lower_bound, upper_bound)


def integer_interval(lower_bound: Any, upper_bound: Any) -> Constraint:
    """The whole numbers in ``[lower_bound, upper_bound]``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import constraints
        >>> constraints.integer_interval(0, 2).check(rb.tensor([0.0, 0.5, 3.0]))
        tensor([ True, False, False])
    """
    return _IntegerInterval(lower_bound, upper_bound)


dependent = _Dependent()
boolean = _Boolean()
one_hot = _OneHot()
nonnegative_integer = _IntegerGreaterThan(0)
real = _Real()
real_vector = independent(real, 1)
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
unit_interval = _Interval(0.0, 1.0)
simplex = _Simplex()
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()
