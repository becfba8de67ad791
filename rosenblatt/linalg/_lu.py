"""LU factorization with partial pivoting, as PyTorch's: ``linalg.lu_factor``, ``linalg.lu``,
``linalg.lu_solve``, and the older ``lu``, ``lu_unpack``, ``lu_solve``.

The factorization is LAPACK's ``getrf`` written on NumPy arrays (NumPy has no LU): for each
column the entry of largest magnitude on or below the diagonal (the first such) is swapped up,
then eliminated below.  Its result is PyTorch's: ``A = P L U`` with ``L`` unit lower
triangular, and ``pivots`` 1-based int32 row swaps.  One Function, ``LUFactor``, carries the
packed ``LU`` with PyTorch's backward (``linalg_lu_backward``, Giles 2008); ``P``, ``L``,
``U`` and the solves are composed from it with differentiable ops.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

from .._backend import xp
from ..autograd.function import Function
from ..ops.linalg import matmul
from ..ops.shape import swapaxes, tril, triu
from ..tensor import Tensor
from ._checks import LinAlgError, array_of, check_matrix
from ._decompositions import solve
from ._factorizations import _mT, _right_solve


class LUFactorResult(NamedTuple):
    """``(LU, pivots)`` of ``linalg.lu_factor``."""

    LU: Tensor
    pivots: Tensor


class LUResult(NamedTuple):
    """``(P, L, U)`` of ``linalg.lu`` and ``lu_unpack``."""

    P: Tensor
    L: Tensor
    U: Tensor


def getrf(a: Any) -> tuple[Any, Any, Any, Any]:
    """``(lu, pivots, info, perm)`` of the (..., m, n) array ``a``: the packed factors, the
    1-based int32 row swaps, LAPACK's info (``j`` when ``U[j-1, j-1]`` is 0, else 0) and the
    row order ``perm`` with ``a[..., perm, :] = L U``."""
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    count = math.prod(batch)
    lu = a.reshape((count, m, n)).copy()
    rows = xp.arange(count)
    pivots = xp.zeros((count, k), dtype=xp.int32)
    info = xp.zeros(count, dtype=xp.int32)
    perm = xp.broadcast_to(xp.arange(m), (count, m)).copy()
    for j in range(k):
        p = j + xp.argmax(xp.abs(lu[:, j:, j]), axis=1)  # the first largest, as LAPACK's idamax
        pivots[:, j] = p + 1
        lu[rows, j], lu[rows, p] = lu[rows, p], lu[rows, j].copy()
        perm[rows, j], perm[rows, p] = perm[rows, p], perm[rows, j].copy()
        pivot = lu[:, j, j]
        zero = pivot == 0
        info = xp.where(zero & (info == 0), j + 1, info)
        # a zero pivot leaves its column (all zeros below) as it is, as LAPACK does
        lu[:, j + 1:, j] /= xp.where(zero, 1, pivot)[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    return (lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch),
            perm.reshape(batch + (m,)))


def _triangles(lu: Any) -> tuple[Any, Any]:
    """``L`` (unit lower, m x k) and ``U`` (upper, k x n) of a packed array."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    return xp.tril(lu[..., :, :k], -1) + xp.eye(m, k, dtype=lu.dtype), xp.triu(lu[..., :k, :])


class LUFactor(Function):
    """The packed ``LU`` of ``A`` (factorized before, by ``getrf``: forward hands it over), with
    PyTorch's backward: for a square ``A``, ``gA = P L^-T (tril_-1(L^T gL) + triu(gU U^T)) U^-T``,
    ``gL`` the gradient's strictly lower part and ``gU`` its upper part; wide and tall ``A``
    solve with the square block of ``U`` or ``L`` and pass the rest through."""

    saves_output = True  # backward reads the factors: changing LU in place is reported

    def forward(self, a, lu=None, perm=None):
        self.lu, self.perm = lu, perm
        return lu

    def backward(self, grad):
        L, U = _triangles(self.lu)
        m, n = self.lu.shape[-2:]
        k = min(m, n)
        gL, gU = grad[..., :, :k], grad[..., :k, :]
        if m == n:
            phi = xp.tril(_mT(L) @ gL, -1) + xp.triu(gU @ _mT(U))
            ga = xp.linalg.solve(_mT(L), _right_solve(_mT(U), phi))
        elif m < n:  # wide: U = [U1 U2], U1 square
            phi = xp.tril(_mT(L) @ gL - xp.triu(gU) @ _mT(U), -1)
            phi = _right_solve(_mT(U[..., :, :k]), phi)
            ga = xp.linalg.solve(_mT(L), xp.concatenate([phi + xp.triu(gU[..., :, :k]), gU[..., :, k:]], -1))
        else:  # tall: L = [L1; L2], L1 square
            phi = xp.triu(gU @ _mT(U) - _mT(L) @ xp.tril(gL, -1))
            phi = xp.linalg.solve(_mT(L[..., :k, :]), phi)
            ga = _right_solve(_mT(U), xp.concatenate([phi + xp.tril(gL[..., :k, :], -1), gL[..., k:, :]], -2))
        out = xp.empty_like(ga)
        xp.put_along_axis(out, self.perm[..., :, None], ga, axis=-2)  # P ga: row i of ga to row perm[i]
        return out


def _factor(A: Any, pivot: bool, op: str) -> tuple[Tensor, Any, Any, Any]:
    a = check_matrix(A, op)
    if not pivot:
        raise RuntimeError(f"{op}: LU without pivoting is not implemented on the CPU (as in PyTorch); "
                           f"use pivot=True")
    lu, pivots, info, perm = getrf(a)
    packed = LUFactor.apply(A if isinstance(A, Tensor) else Tensor(a), lu=lu, perm=perm)
    return packed, pivots, info, perm


def lu_factor(A: Any, *, pivot: bool = True) -> LUFactorResult:
    """The LU factorization of ``A`` with partial pivoting, packed: ``A = P L U``.

    ``LU`` holds ``U`` on and above the diagonal and ``L``'s entries below it (its unit
    diagonal implied); ``pivots`` are LAPACK's 1-based row swaps (row ``i`` was swapped with
    row ``pivots[i] - 1``), int32.  Raises ``LinAlgError`` when a diagonal entry of ``U`` is 0
    (``linalg.lu`` factors such a matrix).

    Args:
        A (Tensor): floating, ``(*, m, n)``.
        pivot (bool): must be True (PyTorch's CPU factors only with pivoting).

    Shape: ``LU (*, m, n)``, ``pivots (*, min(m, n))``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.lu_factor(rb.tensor([[1.0, 2.0], [4.0, 4.0]])).pivots
        tensor([2, 2], dtype=int32)
    """
    packed, pivots, info, _ = _factor(A, pivot, "linalg.lu_factor")
    if (info > 0).any():
        where = xp.argwhere(info > 0)[0]
        batch = f" (batch element {tuple(int(i) for i in where)})" if where.size else ""
        j = int(info[tuple(where)])
        raise LinAlgError(f"linalg.lu_factor{batch}: U[{j},{j}] is zero, and lu_solve would divide by it; "
                          f"linalg.lu factors such a matrix")
    return LUFactorResult(packed, Tensor._wrap(pivots))


def _permutation(perm: Any, dtype: Any) -> Tensor:
    """``P`` with ``P[perm[i], i] = 1``, so that ``A = P L U`` where ``A[perm] = L U``."""
    m = perm.shape[-1]
    P = xp.zeros(perm.shape + (m,), dtype=dtype)
    xp.put_along_axis(P, perm[..., None, :], 1, axis=-2)  # column i: a 1 in row perm[i]
    return Tensor._wrap(P)


def _unpack(packed: Tensor) -> tuple[Tensor, Tensor]:
    """``L`` and ``U`` of a packed tensor, in the graph."""
    m, n = packed.shape[-2:]
    k = min(m, n)
    L = tril(packed[..., :, :k], -1) + Tensor._wrap(xp.eye(m, k, dtype=packed.dtype))
    return L, triu(packed[..., :k, :])


def lu(A: Any, *, pivot: bool = True) -> LUResult:
    """The LU factorization ``A = P L U`` with partial pivoting, unpacked.

    ``P`` a permutation matrix, ``L`` unit lower triangular (m x k), ``U`` upper triangular
    (k x n), ``k = min(m, n)``.  A singular ``A`` is factored too.  Differentiable in ``L``
    and ``U`` (``P`` is constant).

    Args:
        A (Tensor): floating, ``(*, m, n)``.
        pivot (bool): must be True (PyTorch's CPU factors only with pivoting).

    Shape: ``P (*, m, m)``, ``L (*, m, k)``, ``U (*, k, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> P, L, U = linalg.lu(rb.tensor([[1.0, 2.0], [4.0, 4.0]]))
        >>> L
        tensor([[1.  , 0.  ],
                [0.25, 1.  ]])
    """
    packed, _, _, perm = _factor(A, pivot, "linalg.lu")
    return LUResult(_permutation(perm, packed.dtype), *_unpack(packed))


def _perm_of(pivots: Any, m: int) -> Any:
    """The row order ``perm`` (``A[perm] = L U``) of 1-based LAPACK ``pivots`` (..., k)."""
    batch, k = pivots.shape[:-1], pivots.shape[-1]
    swaps = pivots.reshape(math.prod(batch), k).astype(xp.int64) - 1
    perm = xp.broadcast_to(xp.arange(m), (swaps.shape[0], m)).copy()
    rows = xp.arange(swaps.shape[0])
    for j in range(k):
        p = swaps[:, j]
        perm[rows, j], perm[rows, p] = perm[rows, p], perm[rows, j].copy()
    return perm.reshape(batch + (m,))


def _check_pivots(LU: Any, pivots: Any, op: str) -> tuple[Tensor, Any]:
    packed = LU if isinstance(LU, Tensor) else Tensor(array_of(LU, op))
    check_matrix(packed, op)
    piv = array_of(pivots, op)
    k = min(packed.shape[-2:])
    if piv.dtype.kind not in "iu":
        raise TypeError(f"{op}: pivots must be an integer tensor (int32, as lu_factor gives), got "
                        f"{piv.dtype}")
    if piv.shape != tuple(packed.shape[:-2]) + (k,):
        raise RuntimeError(f"{op}: pivots must have shape {list(packed.shape[:-2]) + [k]} for LU of shape "
                           f"{list(packed.shape)}, got {list(piv.shape)}")
    m = packed.shape[-2]
    if piv.size and (piv.min() < 1 or piv.max() > m):
        raise RuntimeError(f"{op}: pivots must be 1-based row numbers in [1, {m}], got values in "
                           f"[{piv.min()}, {piv.max()}]")
    return packed, piv


def lu_unpack(LU_data: Any, LU_pivots: Any, unpack_data: bool = True, unpack_pivots: bool = True) -> LUResult:
    """``(P, L, U)`` of a packed LU factorization and its pivots (``lu_factor``'s outputs).

    Without ``unpack_data`` (``unpack_pivots``), ``L`` and ``U`` (``P``) are empty tensors.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> LU, pivots = linalg.lu_factor(rb.tensor([[1.0, 2.0], [4.0, 4.0]]))
        >>> rb.lu_unpack(LU, pivots).U
        tensor([[4., 4.],
                [0., 1.]])
    """
    packed, piv = _check_pivots(LU_data, LU_pivots, "lu_unpack")
    empty = Tensor._wrap(xp.zeros(0, dtype=packed.dtype))
    P = _permutation(_perm_of(piv, packed.shape[-2]), packed.dtype) if unpack_pivots else empty
    L, U = _unpack(packed) if unpack_data else (empty, empty)
    return LUResult(P, L, U)


def lu_solve(LU: Any, pivots: Any, B: Any, *, left: bool = True, adjoint: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` from ``A``'s LU factorization (``lu_factor``'s outputs).

    With ``left=False``, ``X A = B``; with ``adjoint``, ``A^T`` in place of ``A``.  Batch dims
    broadcast.  Composed of two triangular solves and the row permutation, so it is
    differentiable in ``LU`` and ``B``.

    Args:
        LU (Tensor): packed factors of square ``A``, ``(*, n, n)``.
        pivots (Tensor): the 1-based row swaps, ``(*, n)``.
        B (Tensor): right-hand sides, ``(*, n, k)`` (``(*, k, n)`` with ``left=False``).

    Shape: ``X`` of ``B``'s shape (batch dims broadcast).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> LU, pivots = linalg.lu_factor(rb.tensor([[2.0, 0.0], [0.0, 4.0]]))
        >>> linalg.lu_solve(LU, pivots, rb.tensor([[2.0], [2.0]]))
        tensor([[1. ],
                [0.5]])
    """
    packed, piv = _check_pivots(LU, pivots, "linalg.lu_solve")
    n = packed.shape[-1]
    if packed.shape[-2] != n:
        raise RuntimeError(f"linalg.lu_solve: LU must be batches of square matrices, but they are "
                           f"{packed.shape[-2]} by {n} matrices")
    B = B if isinstance(B, Tensor) else Tensor(array_of(B, "linalg.lu_solve"))
    if B.ndim < 2 or B.shape[-2 if left else -1] != n:
        raise RuntimeError(f"linalg.lu_solve: B of shape {list(B.shape)} does not fit {n} x {n} matrices "
                           f"in {'A X = B' if left else 'X A = B'}: it needs at least 2 dims and {n} "
                           f"{'rows' if left else 'columns'}")
    P = _permutation(_perm_of(piv, n), packed.dtype)
    L, U = _unpack(packed)
    rhs = B if left else swapaxes(B, -1, -2)
    if left != adjoint:  # A X = rhs, A = P L U: X = U^-1 L^-1 P^T rhs
        x = solve(U, solve(L, matmul(swapaxes(P, -1, -2), rhs)))
    else:  # A^T X = rhs: X = P L^-T U^-T rhs
        x = matmul(P, solve(swapaxes(L, -1, -2), solve(swapaxes(U, -1, -2), rhs)))
    return x if left else swapaxes(x, -1, -2)
