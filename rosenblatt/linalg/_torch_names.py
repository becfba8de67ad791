"""PyTorch's top-level names for ``torch.linalg``'s ops, with their older signatures:
``torch.svd`` returns V (not V^H) and takes ``some``; ``torch.qr`` takes ``some``;
``torch.cholesky`` takes ``upper`` positionally; ``logdet`` is nan for a negative
determinant.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from ..ops import log, transpose
from ._decompositions import cholesky as _cholesky, det, inv, qr as _qr, slogdet, svd as _svd
from ._derived import matrix_power

__all__ = ["cholesky", "det", "inverse", "logdet", "matrix_power", "qr", "slogdet", "svd"]


class SVD(NamedTuple):
    """``(U, S, V)`` of ``svd``, like ``torch.return_types.svd``."""

    U: Any
    S: Any
    V: Any


def svd(input: Any, some: bool = True, compute_uv: bool = True) -> SVD:
    """``input = U diag(S) V^T``; ``some`` gives the reduced factors.  Without ``compute_uv``,
    U and V are zeros, as PyTorch's."""
    U, S, Vh = _svd(input, full_matrices=not some)
    if not compute_uv:
        from ..creation import zeros_like
        return SVD(zeros_like(U), S, zeros_like(transpose(Vh, -2, -1)))
    return SVD(U, S, transpose(Vh, -2, -1))


def qr(input: Any, some: bool = True) -> Any:
    """``input = Q R``; ``some`` gives the reduced factors (``linalg.qr``'s mode "reduced")."""
    return _qr(input, "reduced" if some else "complete")


def cholesky(input: Any, upper: bool = False) -> Any:
    """The Cholesky factor: lower (L L^T = input) or, with ``upper``, U (U^T U = input)."""
    return _cholesky(input, upper=upper)


def inverse(input: Any) -> Any:
    """``linalg.inv``."""
    return inv(input)


def logdet(input: Any) -> Any:
    """``log(det(input))``: -inf for a singular matrix, nan for a negative determinant."""
    return log(det(input))
