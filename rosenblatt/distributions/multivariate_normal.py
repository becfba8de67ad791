"""The multivariate normal distribution, by covariance, precision or Cholesky factor."""
from __future__ import annotations

import math
from typing import Any

from ..creation import eye
from ..linalg import cholesky, inv, solve_triangular
from ..ops import broadcast_shapes, flip, matmul
from ..sampling import randn
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import lazy_property

__all__ = ["MultivariateNormal"]


def solve_lower(lower: Tensor, rhs: Tensor) -> Tensor:
    """``lower^-1 @ rhs`` for lower-triangular ``lower`` (batched, broadcast)."""
    return solve_triangular(lower, rhs, upper=False)


def batch_mahalanobis(scale_tril: Tensor, x: Tensor) -> Tensor:
    """``x^T (L L^T)^-1 x`` over the last dimension, broadcast over the batch dimensions."""
    y = solve_lower(scale_tril, x.unsqueeze(-1)).squeeze(-1)
    return y.pow(2).sum(-1)


def _precision_to_scale_tril(precision: Tensor) -> Tensor:
    # PyTorch's route: the Cholesky factor of the flipped precision gives L^-1 directly.
    lf = cholesky(flip(precision, (-2, -1)))
    l_inv = flip(lf, (-2, -1)).mT
    identity = eye(precision.shape[-1], dtype=precision.dtype)
    return solve_lower(l_inv, identity.expand(l_inv.shape))


class MultivariateNormal(Distribution):
    r"""The multivariate normal distribution with mean ``loc`` and covariance :math:`\Sigma`.

    .. math:: p(x) = (2\pi)^{-k/2} |\Sigma|^{-1/2}
        \exp\left(-\tfrac{1}{2} (x - \mu)^T \Sigma^{-1} (x - \mu)\right)

    Give exactly one of ``covariance_matrix`` (:math:`\Sigma`), ``precision_matrix``
    (:math:`\Sigma^{-1}`) or ``scale_tril`` (lower-triangular :math:`L` with positive diagonal,
    :math:`\Sigma = L L^T`); the others are derived from it on first use.

    Args:
        loc (Tensor): the mean, shape ``(..., k)``.
        covariance_matrix (Tensor, optional): positive definite, shape ``(..., k, k)``.
        precision_matrix (Tensor, optional): positive definite, shape ``(..., k, k)``.
        scale_tril (Tensor, optional): lower-triangular Cholesky factor, shape ``(..., k, k)``.
        validate_args (bool, optional): check the matrix and the values passed to ``log_prob``.

    Shape: ``batch_shape`` broadcasts ``loc.shape[:-1]`` with the matrix's ``shape[:-2]``;
    ``event_shape`` is ``(k,)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.distributions import MultivariateNormal
        >>> d = MultivariateNormal(rb.zeros(2), covariance_matrix=rb.tensor([[2.0, 0.0], [0.0, 0.5]]))
        >>> d.log_prob(rb.zeros(2)), d.variance, d.event_shape
        (tensor(-1.8379), tensor([2. , 0.5]), (2,))
    """

    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        given = next(m for m in (scale_tril, covariance_matrix, precision_matrix) if m is not None)
        if given.ndim < 2:
            name = ("scale_tril" if scale_tril is not None else "covariance_matrix" if covariance_matrix is not None
                    else "precision_matrix")
            raise ValueError(f"{name} matrix must be at least two-dimensional, with optional leading batch "
                             "dimensions")
        batch_shape = broadcast_shapes(given.shape[:-2], loc.shape[:-1])
        k = loc.shape[-1]
        if scale_tril is not None:
            self.scale_tril = scale_tril.expand(batch_shape + (-1, -1))
        elif covariance_matrix is not None:
            self.covariance_matrix = covariance_matrix.expand(batch_shape + (-1, -1))
        else:
            self.precision_matrix = precision_matrix.expand(batch_shape + (-1, -1))
        self.loc = loc.expand(batch_shape + (-1,))
        super().__init__(batch_shape, (k,), validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "MultivariateNormal":
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = tuple(batch_shape)
        new.loc = self.loc.expand(batch_shape + self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(batch_shape + self.event_shape * 2))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        lower = self._unbroadcasted_scale_tril
        return matmul(lower, lower.mT).expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        # (L L^T)^-1 through a general inverse, not triangular solves: PyTorch's cholesky_inverse
        # sends gradient to L's upper triangle too, and so does this.
        lower = self._unbroadcasted_scale_tril
        return inv(matmul(lower, lower.mT)).expand(self._batch_shape + self._event_shape * 2)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape: Any = (), generator: Any = None) -> Tensor:
        eps = randn(self._extended_shape(sample_shape), generator=generator, dtype=self.loc.dtype)
        return self.loc + matmul(self._unbroadcasted_scale_tril, eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self) -> Tensor:
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        m = batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self) -> Tensor:
        h = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h if not self._batch_shape else h.expand(self._batch_shape)
