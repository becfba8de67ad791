"""The ``_ex`` forms of the factorizations and solves: ``cholesky_ex``, ``inv_ex``, ``solve_ex``,
``lu_factor_ex``.  Each returns LAPACK's ``info`` (int32, one per matrix) beside its result
instead of raising, unless ``check_errors``; the result is differentiable as the plain op's.

Where the plain op would raise, the result is PyTorch's: ``cholesky_ex`` gives LAPACK
``potf2``'s partial factor (the columns before the failing one, and the failing diagonal entry
``a_jj - sum_k l_jk^2``, the rest of the lower triangle untouched); ``inv_ex`` and ``solve_ex``
give the LU factors' plain substitution, inf and nan where ``U`` has a zero on its diagonal.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

from .._backend import xp
from ..ops.shape import swapaxes
from ..tensor import Tensor
from ._checks import LinAlgError, check_matrix
from ._decompositions import _tensor, linear_system, system_solution
from ._factorizations import Cholesky, Inv, Solve, _mT
from ._lu import _factor, getrf
from ._triangular import substitute


class CholeskyExResult(NamedTuple):
    L: Tensor
    info: Tensor


class InvExResult(NamedTuple):
    inverse: Tensor
    info: Tensor


class SolveExResult(NamedTuple):
    result: Tensor
    info: Tensor


class LUFactorExResult(NamedTuple):
    LU: Tensor
    pivots: Tensor
    info: Tensor


def raise_for_info(info: Any, op: str, message: Any) -> None:
    """Raise ``LinAlgError`` for the first matrix with a nonzero ``info``, as PyTorch's
    ``check_errors``: ``message(info)`` says why, prefixed with the batch element."""
    if not (info != 0).any():
        return
    where = tuple(int(i) for i in xp.argwhere(info != 0)[0])
    batch = f" (Batch element {where[0] if len(where) == 1 else where})" if where else ""
    raise LinAlgError(f"{op}{batch}: {message(int(info[where]))}")


def potf2(a: Any) -> tuple[Any, Any]:
    """LAPACK's unblocked ``potf2`` (lower) of a batch ``a``: ``(L, info)``.  For a matrix that is
    not positive-definite, ``info = j`` (1-based) for the first column ``j`` whose pivot
    ``a_jj - sum_k l_jk^2`` is not positive; that pivot is stored and the columns after it are
    left as ``a``'s lower triangle."""
    n = a.shape[-1]
    batch = a.shape[:-2]
    lower = xp.tril(a).reshape((math.prod(batch), n, n))
    info = xp.zeros(lower.shape[0], dtype=xp.int32)
    active = xp.ones(lower.shape[0], dtype=bool)
    for j in range(n):
        row = lower[:, j, :j]
        pivot = lower[:, j, j] - xp.einsum("bk,bk->b", row, row)
        failed = active & ~(pivot > 0)  # nan fails too, as LAPACK's disnan check
        lower[failed, j, j] = pivot[failed]
        info[failed] = j + 1
        active &= ~failed
        ok = xp.flatnonzero(active)
        root = xp.sqrt(pivot[ok])
        lower[ok, j, j] = root
        below = lower[ok, j + 1:, j] - xp.einsum("bik,bk->bi", lower[ok, j + 1:, :j], lower[ok, j, :j])
        lower[ok, j + 1:, j] = below / root[:, None]
    return lower.reshape(a.shape), info.reshape(batch)


class CholeskyEx(Cholesky):
    """``Cholesky`` of a factor computed before (forward hands it over), with its backward."""

    def forward(self, a, lower=None):
        self.lower = lower
        return lower


def cholesky_ex(A: Any, *, upper: bool = False, check_errors: bool = False) -> CholeskyExResult:
    """``linalg.cholesky`` without raising: ``(L, info)``, ``info`` 0 for a positive-definite
    matrix, else the order of its first leading minor that is not (int32).

    For such a matrix ``L`` is LAPACK's partial factor, as PyTorch's.  Reads only the lower
    triangle of ``A`` (the upper one with ``upper=True``).

    Args:
        A (Tensor): ``(*, n, n)`` float.
        upper (bool): return the upper factor ``U = L^T``.
        check_errors (bool): raise ``LinAlgError`` if some ``info`` is nonzero.

    Shape: ``L (*, n, n)``, ``info (*)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.cholesky_ex(rb.tensor([[1.0, 2.0], [2.0, 1.0]])).info
        tensor(2, dtype=int32)
    """
    op = "linalg.cholesky_ex"
    check_matrix(A, op, square=True)
    source = swapaxes(_tensor(A), -1, -2) if upper else _tensor(A)  # upper reads A's upper triangle
    try:
        lower = xp.linalg.cholesky(source.data)
        info = xp.zeros(source.shape[:-2], dtype=xp.int32)
    except xp.linalg.LinAlgError:
        lower, info = potf2(source.data)
    if check_errors:
        raise_for_info(info, op, lambda i: f"The factorization could not be completed because the input is "
                                           f"not positive-definite (the leading minor of order {i} is not "
                                           f"positive-definite)")
    L = CholeskyEx.apply(source, lower=lower)
    return CholeskyExResult(swapaxes(L, -1, -2) if upper else L, Tensor._wrap(info))


def lu_substitute(lu: Any, perm: Any, b: Any, adjoint: bool = False) -> Any:
    """``A^-1 b`` (``A^-T b`` with ``adjoint``) from ``getrf``'s factors ``A[perm] = L U``, by
    plain substitution: inf and nan where ``U`` has a zero on its diagonal, as LAPACK's ``getrs``."""
    n = lu.shape[-1]
    unit_lower = xp.tril(lu, -1) + xp.eye(n, dtype=lu.dtype)
    batch = xp.broadcast_shapes(b.shape[:-2], perm.shape[:-1])
    index = xp.broadcast_to(perm[..., :, None], batch + (n, 1))
    if adjoint:  # A^T = U^T L^T P^T: x = P L^-T U^-T b
        y = substitute(_mT(unit_lower), substitute(_mT(xp.triu(lu)), b, upper=False), upper=True)
        out = xp.empty_like(y)
        xp.put_along_axis(out, index, y, axis=-2)  # P y: row i of y to row perm[i]
        return out
    rows = xp.take_along_axis(xp.broadcast_to(b, batch + b.shape[-2:]), index, axis=-2)  # P^T b
    return substitute(xp.triu(lu), substitute(unit_lower, rows, upper=False), upper=True)


class SolveEx(Solve):
    """``Solve`` of a solution computed before (forward hands it over), with its backward."""

    def forward(self, a, b, x=None):
        self.a, self.x = a, x
        return x


def _solve_ex(A: Tensor, B: Tensor, vector: bool, left: bool, a: Any) -> tuple[Tensor, Any]:
    """The solution of ``linear_system``'s form and ``info`` of ``getrf(a)``, ``a`` the ``A``
    given (PyTorch factors it, also for ``left=False``)."""
    try:
        x = xp.linalg.solve(A.data, B.data)
        info = xp.zeros(a.shape[:-2], dtype=xp.int32)
    except xp.linalg.LinAlgError:
        lu, _, info, perm = getrf(a)
        x = lu_substitute(lu, perm, B.data, adjoint=not left)
    return system_solution(SolveEx.apply(A, B, x=x), vector, left), info


def solve_ex(A: Any, B: Any, *, left: bool = True, check_errors: bool = False) -> SolveExResult:
    """``linalg.solve`` without raising: ``(result, info)``, ``info`` (int32, of ``A``'s batch
    shape) 0 where ``A`` is invertible, else LAPACK's ``getrf`` info (``i`` for ``U[i-1, i-1] = 0``).

    For a singular ``A`` the result holds inf or nan, as PyTorch's.

    Args:
        A (Tensor): ``(*, n, n)``.
        B (Tensor): ``(*, n)`` or ``(*, n, k)`` (``(*, k, n)`` with ``left=False``).
        left (bool): solve ``A X = B`` (default) or ``X A = B``.
        check_errors (bool): raise ``LinAlgError`` if some ``info`` is nonzero.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.solve_ex(rb.tensor([[2.0, 0.0], [0.0, 4.0]]), rb.tensor([2.0, 2.0])).result
        tensor([1. , 0.5])
    """
    op = "linalg.solve_ex"
    a = check_matrix(A, op, square=True)
    A, B, vector = linear_system(A, B, left, op)
    x, info = _solve_ex(A, B, vector, left, a)
    if check_errors:
        raise_for_info(info, op, lambda i: "The solver failed because the input matrix is singular")
    return SolveExResult(x, Tensor._wrap(info))


class InvEx(Inv):
    """``Inv`` of an inverse computed before (forward hands it over), with its backward."""

    def forward(self, a, inverse=None):
        self.inverse = inverse
        return inverse


def inv_ex(A: Any, *, check_errors: bool = False) -> InvExResult:
    """``linalg.inv`` without raising: ``(inverse, info)``, ``info`` (int32) 0 for an invertible
    matrix, else LAPACK's ``getrf`` info; a singular matrix's inverse holds inf and nan, as
    PyTorch's (which solves ``A X = I``).

    Args:
        A (Tensor): ``(*, n, n)`` float.
        check_errors (bool): raise ``LinAlgError`` if some ``info`` is nonzero.

    Shape: ``inverse (*, n, n)``, ``info (*)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.inv_ex(rb.tensor([[1.0, 2.0], [2.0, 4.0]])).info
        tensor(2, dtype=int32)
    """
    op = "linalg.inv_ex"
    a = check_matrix(A, op, square=True)
    try:
        inverse = xp.linalg.inv(a)
        info = xp.zeros(a.shape[:-2], dtype=xp.int32)
    except xp.linalg.LinAlgError:
        lu, _, info, perm = getrf(a)
        inverse = lu_substitute(lu, perm, xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape))
    if check_errors:
        raise_for_info(info, op, lambda i: f"The diagonal element {i} is zero, the inversion could not be "
                                           f"completed because the input matrix is singular")
    return InvExResult(InvEx.apply(_tensor(A), inverse=inverse), Tensor._wrap(info))


def lu_factor_ex(A: Any, *, pivot: bool = True, check_errors: bool = False) -> LUFactorExResult:
    """``linalg.lu_factor`` without raising: ``(LU, pivots, info)``, ``info`` (int32) 0, or ``i``
    where ``U[i-1, i-1]`` is zero (the factorization is complete all the same).

    Args:
        A (Tensor): ``(*, m, n)`` float.
        pivot (bool): must be True (PyTorch's CPU factors only with pivoting).
        check_errors (bool): raise ``LinAlgError`` if some ``info`` is nonzero.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.lu_factor_ex(rb.tensor([[1.0, 2.0], [2.0, 4.0]])).info
        tensor(2, dtype=int32)
    """
    op = "linalg.lu_factor_ex"
    packed, pivots, info, _ = _factor(A, pivot, op)
    if check_errors:
        raise_for_info(info, op, lambda i: f"U[{i},{i}] is zero and using it on lu_solve would result in a "
                                           f"division by zero; linalg.lu and linalg.lu_factor_ex factor such "
                                           f"a matrix without raising")
    return LUFactorExResult(packed, Tensor._wrap(pivots), Tensor._wrap(info))
