"""PyTorch's top-level names for ``torch.linalg``'s ops, with their older signatures:
``torch.svd`` returns V (not V^H) and takes ``some``; ``torch.qr`` takes ``some``;
``torch.cholesky`` takes ``upper`` positionally; ``logdet`` is nan for a negative
determinant; ``lu`` returns the packed factors and never raises; ``lu_solve`` takes the
right-hand side first.  ``cholesky_solve``, ``cholesky_inverse`` and ``triangular_solve`` (the
older form of ``linalg.solve_triangular``) have no ``torch.linalg`` twin: they live in
``_triangular``.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from ..ops import log, transpose
from ..tensor import Tensor
from ._decompositions import cholesky as _cholesky, det, inv, qr as _qr, slogdet, svd as _svd
from ._derived import matrix_power, pinv
from ._lu import _factor, lu_solve as _lu_solve, lu_unpack
from ._matrix_exp import matrix_exp
from ._triangular import cholesky_inverse, cholesky_solve, triangular_solve

__all__ = ["cholesky", "cholesky_inverse", "cholesky_solve", "det", "inverse", "logdet", "lu", "lu_solve",
           "lu_unpack", "matrix_exp", "matrix_power", "pinverse", "qr", "slogdet", "svd", "triangular_solve"]


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


def pinverse(input: Any, rcond: float = 1e-15) -> Any:
    """The pseudo-inverse ``linalg.pinv(input, rtol=rcond)``: singular values below ``rcond`` times
    the largest count as 0.

    Example:
        >>> import rosenblatt as rb
        >>> rb.pinverse(rb.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5, 0. ],
                [0. , 0. ]])
    """
    return pinv(input, rtol=rcond)


class LUWithInfo(NamedTuple):
    """``(LU, pivots, info)`` of ``lu(..., get_infos=True)``, like ``torch.return_types._lu_with_info``."""

    LU: Any
    pivots: Any
    info: Any


def lu(A: Any, pivot: bool = True, get_infos: bool = False) -> Any:
    """``linalg.lu_factor``'s ``(LU, pivots)``, without raising for a singular matrix; with
    ``get_infos`` also LAPACK's ``info`` (int32: ``i`` when ``U[i-1, i-1]`` is 0, else 0).

    Example:
        >>> import rosenblatt as rb
        >>> rb.lu(rb.tensor([[0.0, 1.0], [0.0, 2.0]]), get_infos=True).info
        tensor(1, dtype=int32)
    """
    packed, pivots, info, _ = _factor(A, pivot, "lu")
    if get_infos:
        return LUWithInfo(packed, Tensor._wrap(pivots), Tensor._wrap(info))
    return packed, Tensor._wrap(pivots)


def lu_solve(b: Any, LU_data: Any, LU_pivots: Any) -> Any:
    """``linalg.lu_solve(LU_data, LU_pivots, b)``: the solution of ``A X = b``, the right-hand
    side first (PyTorch's older order).

    Example:
        >>> import rosenblatt as rb
        >>> LU, pivots = rb.lu(rb.tensor([[2.0, 0.0], [0.0, 4.0]]))
        >>> rb.lu_solve(rb.tensor([[2.0], [4.0]]), LU, pivots)
        tensor([[1.],
                [1.]])
    """
    return _lu_solve(LU_data, LU_pivots, b)
