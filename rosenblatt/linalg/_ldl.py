"""The LDL^T factorization of symmetric matrices with Bunch-Kaufman pivoting, PyTorch's
``linalg.ldl_factor``, ``linalg.ldl_factor_ex`` and ``linalg.ldl_solve``.

``ldl_factor`` is LAPACK's unblocked ``dsytf2`` (lower) written on NumPy arrays, one matrix at a
time: each step takes a 1x1 pivot, or a 2x2 block when the diagonal is small against its column
(the threshold ``alpha = (1 + sqrt 17) / 8``), with the same row and column interchanges.  Its
result is LAPACK's storage, as PyTorch returns it: ``LD`` holds ``L``'s entries below the
diagonal and ``D``'s blocks on and just below it (zeros above); ``pivots`` are 1-based int32, a
pair of equal negative entries ``-p`` marking a 2x2 block whose second row was swapped with
row ``p``.  ``ldl_solve`` is LAPACK's ``sytrs`` on those factors.

PyTorch (LAPACK's blocked ``sytrf`` for larger matrices) makes the same pivot choices; the
values agree to rounding.  PyTorch defines no derivative for either op: the results require
grad like their inputs, and backward through them raises, as there.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

from .._backend import xp
from ..autograd.function import tensor_of
from ..tensor import Tensor
from ._checks import Underivable, array_of, check_matrix
from ._ex import raise_for_info

_ALPHA = (1.0 + math.sqrt(17.0)) / 8.0
_FIX = "detach its inputs, or use linalg.solve (differentiable) for symmetric systems"


class LDLFactorResult(NamedTuple):
    LD: Tensor
    pivots: Tensor


class LDLFactorExResult(NamedTuple):
    LD: Tensor
    pivots: Tensor
    info: Tensor


def _swap(a: Any, first: tuple, second: tuple) -> None:
    a[first], a[second] = a[second].copy(), a[first].copy()


def sytf2(matrix: Any) -> tuple[Any, Any, int]:
    """``(LD, pivots, info)`` of one symmetric matrix (its lower triangle read): LAPACK's
    ``dsytf2`` with ``uplo='L'``, 0-based here, pivots returned 1-based.  ``info = k`` when
    ``D[k-1, k-1]`` is exactly zero (the factorization is completed all the same)."""
    a = xp.tril(matrix).astype(matrix.dtype, copy=True)
    n = a.shape[0]
    pivots = xp.zeros(n, dtype=xp.int32)
    info = 0
    k = 0
    while k < n:
        step = 1
        absakk = abs(a[k, k])
        imax = k + 1 + int(xp.argmax(xp.abs(a[k + 1:, k]))) if k < n - 1 else k
        colmax = abs(a[imax, k]) if k < n - 1 else 0.0
        if max(absakk, colmax) == 0 or math.isnan(absakk):
            info = info or k + 1
            kp = k
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:  # the largest entry off the diagonal in row/column imax
                rowmax = abs(a[imax, k + int(xp.argmax(xp.abs(a[imax, k:imax])))])
                if imax < n - 1:
                    rowmax = max(rowmax, abs(a[imax + 1 + int(xp.argmax(xp.abs(a[imax + 1:, imax]))), imax]))
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(a[imax, imax]) >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, step = imax, 2
            kk = k + step - 1
            if kp != kk:  # swap rows and columns kk and kp of the trailing lower triangle
                _swap(a, (slice(kp + 1, None), kk), (slice(kp + 1, None), kp))
                _swap(a, (slice(kk + 1, kp), kk), (kp, slice(kk + 1, kp)))
                _swap(a, (kk, kk), (kp, kp))
                if step == 2:
                    _swap(a, (k + 1, k), (kp, k))
            if step == 1 and k < n - 1:
                d11 = 1.0 / a[k, k]
                x = a[k + 1:, k].copy()
                a[k + 1:, k + 1:] += xp.multiply.outer(x, -d11 * x)  # dsyr: A += x (alpha x)^T
                a[k + 1:, k] = d11 * x
            elif step == 2 and k < n - 2:
                d21 = a[k + 1, k]
                d11, d22 = a[k + 1, k + 1] / d21, a[k, k] / d21
                d21 = (1.0 / (d11 * d22 - 1.0)) / d21
                col_k, col_k1 = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
                wk = d21 * (d11 * col_k - col_k1)
                wkp1 = d21 * (d22 * col_k1 - col_k)
                a[k + 2:, k + 2:] = a[k + 2:, k + 2:] - xp.multiply.outer(col_k, wk) - xp.multiply.outer(col_k1, wkp1)
                a[k + 2:, k], a[k + 2:, k + 1] = wk, wkp1
        if step == 1:
            pivots[k] = kp + 1
        else:
            pivots[k] = pivots[k + 1] = -(kp + 1)
        k += step
    return xp.tril(a), pivots, info


def sytrs(ld: Any, pivots: Any, b: Any) -> Any:
    """``A^-1 b`` from one matrix's ``sytf2`` factors (LAPACK's ``dsytrs``, ``uplo='L'``)."""
    n = ld.shape[0]
    b = b.copy()
    k = 0
    while k < n:  # solve L D y = P b
        p = int(pivots[k])
        if p > 0:
            if p - 1 != k:
                _swap(b, (k,), (p - 1,))
            b[k + 1:] -= xp.multiply.outer(ld[k + 1:, k], b[k])
            b[k] *= 1.0 / ld[k, k]  # dscal by the reciprocal, as LAPACK
            k += 1
        else:
            if -p - 1 != k + 1:
                _swap(b, (k + 1,), (-p - 1,))
            if k < n - 2:
                b[k + 2:] -= xp.multiply.outer(ld[k + 2:, k], b[k])
                b[k + 2:] -= xp.multiply.outer(ld[k + 2:, k + 1], b[k + 1])
            akm1k = ld[k + 1, k]
            akm1, ak = ld[k, k] / akm1k, ld[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1.0
            bkm1, bk = b[k] / akm1k, b[k + 1] / akm1k
            b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # solve L^T x = y, undoing the interchanges
        p = int(pivots[k])
        if p > 0:
            b[k] -= ld[k + 1:, k] @ b[k + 1:]
            if p - 1 != k:
                _swap(b, (k,), (p - 1,))
            k -= 1
        else:
            if k < n - 1:
                b[k] -= ld[k + 1:, k] @ b[k + 1:]
                b[k - 1] -= ld[k + 1:, k - 1] @ b[k + 1:]
            if -p - 1 != k:
                _swap(b, (k,), (-p - 1,))
            k -= 2
    return b


def ldl_factor_ex(A: Any, *, hermitian: bool = False, check_errors: bool = False) -> LDLFactorExResult:
    """The LDL^T factorization ``A = P L D L^T P^T`` of symmetric matrices (their lower triangle
    read), in LAPACK's compact form: ``(LD, pivots, info)``.

    ``info`` (int32) is ``k`` where ``D[k-1, k-1]`` is exactly zero (the factors are complete,
    but ``ldl_solve`` would divide by it), else 0.  ``hermitian`` matters only for complex
    matrices, which rosenblatt does not have.

    Args:
        A (Tensor): ``(*, n, n)`` float.
        hermitian (bool): accepted for PyTorch's signature.
        check_errors (bool): raise ``LinAlgError`` if some ``info`` is nonzero.

    Shape: ``LD (*, n, n)``, ``pivots (*, n)``, ``info (*)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.ldl_factor_ex(rb.tensor([[0.0, 1.0], [1.0, 0.0]])).pivots
        tensor([-2, -2], dtype=int32)
    """
    op = "linalg.ldl_factor_ex"
    a = check_matrix(A, op, square=True)
    n, batch = a.shape[-1], a.shape[:-2]
    flat = a.reshape((math.prod(batch), n, n))
    ld, pivots = xp.zeros_like(flat), xp.zeros(flat.shape[:2], dtype=xp.int32)
    info = xp.zeros(flat.shape[0], dtype=xp.int32)
    for i, matrix in enumerate(flat):
        ld[i], pivots[i], info[i] = sytf2(matrix)
    info = info.reshape(batch)
    if check_errors:
        raise_for_info(info, op, lambda i: f"the factorization completed, but D[{i},{i}] is exactly zero, so the "
                                           f"matrix is singular and ldl_solve would divide by zero")
    LD = Underivable.apply(tensor_of(A, op), result=ld.reshape(a.shape), op=op, fix=_FIX)
    return LDLFactorExResult(LD, Tensor._wrap(pivots.reshape(batch + (n,))), Tensor._wrap(info))


def ldl_factor(A: Any, *, hermitian: bool = False) -> LDLFactorResult:
    """``ldl_factor_ex``'s ``(LD, pivots)``, raising ``LinAlgError`` for a singular ``D`` (PyTorch
    fails there too, with an internal error).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.ldl_factor(rb.tensor([[4.0, 2.0], [2.0, 3.0]])).LD
        tensor([[4. , 0. ],
                [0.5, 2. ]])
    """
    LD, pivots, info = ldl_factor_ex(A, hermitian=hermitian)
    raise_for_info(info.data, "linalg.ldl_factor", lambda i: f"D[{i},{i}] is exactly zero: the matrix is "
                                                             f"singular; ldl_factor_ex returns the factors anyway")
    return LDLFactorResult(LD, pivots)


def ldl_solve(LD: Any, pivots: Any, B: Any, *, hermitian: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` from ``A``'s ``ldl_factor`` factors; batch dims broadcast.

    Args:
        LD (Tensor): ``(*, n, n)``, the compact factors.
        pivots (Tensor): ``(*, n)`` int32, as ``ldl_factor`` gives them.
        B (Tensor): ``(*, n, k)``, of ``LD``'s dtype.
        hermitian (bool): accepted for PyTorch's signature.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> LD, pivots = linalg.ldl_factor(rb.tensor([[4.0, 2.0], [2.0, 3.0]]))
        >>> linalg.ldl_solve(LD, pivots, rb.tensor([[6.0], [5.0]]))
        tensor([[1.],
                [1.]])
    """
    op = "linalg.ldl_solve"
    ld = check_matrix(LD, op, square=True)
    piv, b = array_of(pivots, op), array_of(B, op)
    n = ld.shape[-1]
    if piv.dtype.kind not in "iu" or piv.shape != ld.shape[:-1]:
        raise RuntimeError(f"{op}: pivots must be an integer tensor of shape {list(ld.shape[:-1])} (as ldl_factor "
                           f"gives), got {piv.dtype} of shape {list(piv.shape)}")
    if piv.size and (xp.abs(piv).min() < 1 or xp.abs(piv).max() > n):
        raise RuntimeError(f"{op}: pivots must be 1-based row numbers (negative for 2x2 blocks) within [1, {n}]")
    if b.ndim < 2 or b.shape[-2] != n:
        raise RuntimeError(f"{op}: B must be a batch of matrices with {n} rows, got shape {list(b.shape)}; make a "
                           f"vector a column with B.unsqueeze(-1)")
    if b.dtype != ld.dtype:
        raise RuntimeError(f"{op}: expected LD and B to have the same dtype, got {ld.dtype} and {b.dtype}")
    batch = xp.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    lds = xp.broadcast_to(ld, batch + (n, n)).reshape((-1, n, n))
    pivs = xp.broadcast_to(piv, batch + (n,)).reshape((-1, n))
    bs = xp.broadcast_to(b, batch + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    x = xp.stack([sytrs(l, p, rhs) for l, p, rhs in zip(lds, pivs, bs)]) if bs.shape[0] else xp.empty_like(bs)
    result = x.reshape(batch + b.shape[-2:])
    return Underivable.apply(tensor_of(LD, op), tensor_of(B, op), result=result, op=op, fix=_FIX)

