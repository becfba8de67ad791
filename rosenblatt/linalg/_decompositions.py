"""The public inverses and factorizations: inv, det, slogdet, solve, cholesky, qr, eigh,
eigvalsh, svd, svdvals (the math and backward formulas are in ``_factorizations``)."""
from __future__ import annotations

from typing import Any, NamedTuple

from ..ops.shape import squeeze, swapaxes, unsqueeze
from ..tensor import Tensor
from ._checks import array_of, check_float, check_matrix
from ._factorizations import QR, SVD, Cholesky, Det, Eigh, Inv, Slogdet, Solve, unpack


class SlogdetResult(NamedTuple):
    sign: Tensor
    logabsdet: Tensor


class QRResult(NamedTuple):
    Q: Tensor
    R: Tensor


class EighResult(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


class SVDResult(NamedTuple):
    U: Tensor
    S: Tensor
    Vh: Tensor


def _tensor(input: Any) -> Tensor:
    return input if isinstance(input, Tensor) else Tensor(input)


def inv(A: Any) -> Tensor:
    """The inverse ``A^-1`` of each square matrix; raises ``LinAlgError`` for a singular one.

    Backward: ``gA = -A^-T gX A^-T``.

    Shape: ``(*, n, n) -> (*, n, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.inv(rb.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5 , 0.  ],
                [0.  , 0.25]])
    """
    check_matrix(A, "linalg.inv", square=True)
    return Inv.apply(A)


def det(A: Any) -> Tensor:
    """The determinant of each square matrix.

    Backward: ``gA = g * det(A) A^-T`` (the cofactor matrix, also for a singular ``A``).

    Shape: ``(*, n, n) -> (*)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.det(rb.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(-2.)
    """
    check_matrix(A, "linalg.det", square=True)
    return Det.apply(A)


def slogdet(A: Any) -> SlogdetResult:
    """``(sign, logabsdet)`` with ``det(A) = sign * exp(logabsdet)``: no overflow for large ``n``.

    Backward: ``gA = g_logabsdet * A^-T`` (the sign is locally constant).

    Shape: ``(*, n, n) -> (*), (*)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.slogdet(rb.tensor([[1.0, 2.0], [3.0, 4.0]])).sign
        tensor(-1.)
    """
    check_matrix(A, "linalg.slogdet", square=True)
    return SlogdetResult(*unpack(Slogdet, _tensor(A)))


def solve(A: Any, B: Any, *, left: bool = True) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``); batch dims broadcast.

    ``B`` is a batch of vectors when it is 1-d or has shape ``A.shape[:-1]`` (PyTorch's rule),
    else a batch of matrices.  Raises ``LinAlgError`` for a singular ``A``.

    Backward: ``gB = A^-T gX``, ``gA = -gB X^T``.

    Shape: ``A (*, n, n)``, ``B (*, n)`` or ``(*, n, k)`` -> ``X`` of ``B``'s shape (batch broadcast).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.solve(rb.tensor([[2.0, 0.0], [0.0, 4.0]]), rb.tensor([2.0, 2.0]))
        tensor([1. , 0.5])
    """
    A, B, vector = linear_system(A, B, left, "linalg.solve")
    return system_solution(Solve.apply(A, B), vector, left)


def linear_system(A: Any, B: Any, left: bool, op: str) -> tuple[Tensor, Tensor, bool]:
    """``A X = B`` checked and put in the form ``solve`` and ``solve_ex`` solve: ``B`` a batch of
    matrices (a vector made a column), and with ``left=False`` both transposed (``X A = B`` is
    ``A^T X^T = B^T``).  Returns ``A``, ``B`` and whether ``B`` was a vector."""
    a = check_matrix(A, op, square=True)
    b = array_of(B, op)
    check_float(b, op)
    if a.dtype != b.dtype:
        raise RuntimeError(f"{op}: expected A and B to have the same dtype, got {a.dtype} and "
                           f"{b.dtype}; convert one first")
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    A, B = _tensor(A), _tensor(B)
    if left:
        B = unsqueeze(B, -1) if vector else B
    else:
        A, B = swapaxes(A, -1, -2), unsqueeze(B, -1) if vector else swapaxes(B, -1, -2)
    rows = B.shape[-2] if B.ndim >= 2 else None
    if rows != a.shape[-1]:
        raise RuntimeError(f"{op}: incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({list(a.shape)} and {list(b.shape)}): "
                           f"B needs {a.shape[-1]} {'rows' if left else 'columns'}")
    return A, B, vector


def system_solution(x: Tensor, vector: bool, left: bool) -> Tensor:
    """The solution of ``linear_system``'s form, back in the shape of the ``B`` given."""
    return squeeze(x, -1) if vector else x if left else swapaxes(x, -1, -2)


def cholesky(A: Any, *, upper: bool = False) -> Tensor:
    """The lower-triangular ``L`` with ``A = L L^T`` of each symmetric positive-definite matrix
    (the upper ``L^T`` with ``upper=True``); reads only the lower triangle of ``A`` (the upper
    one with ``upper=True``, as PyTorch).

    Raises ``LinAlgError`` when ``A`` is not positive-definite.

    Backward: ``gA = L^-T Phi(L^T gL) L^-1``, ``Phi`` taking the lower triangle with a
    halved diagonal and mirroring it (PyTorch's formula).

    Shape: ``(*, n, n) -> (*, n, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.cholesky(rb.tensor([[4.0, 2.0], [2.0, 2.0]]))
        tensor([[2., 0.],
                [1., 1.]])
    """
    check_matrix(A, "linalg.cholesky", square=True)
    if upper:  # U = chol(A^T)^T: LAPACK's uplo='U' reads the upper triangle, as PyTorch's
        return swapaxes(Cholesky.apply(swapaxes(_tensor(A), -1, -2)), -1, -2)
    return Cholesky.apply(A)


def qr(A: Any, mode: str = "reduced") -> QRResult:
    """``A = Q R`` with orthonormal columns in ``Q`` and an upper-triangular ``R``.

    Args:
        A: ``(*, m, n)`` float matrices.
        mode: ``'reduced'`` (``Q`` is ``(m, k)``, ``R`` ``(k, n)``, ``k = min(m, n)``),
            ``'complete'`` (``Q`` is ``(m, m)``, ``R`` ``(m, n)``) or ``'r'`` (``Q`` empty).

    Backward (``'reduced'``, and ``'complete'`` with ``m <= n``, as PyTorch):
    ``gA = (gQ + Q copyltu(M)) R^-T`` with ``M = R gR^T - gQ^T Q``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.qr(rb.tensor([[3.0, 1.0], [4.0, 2.0]])).R.shape
        (2, 2)
    """
    check_matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    return QRResult(*unpack(QR, _tensor(A), mode=mode))


def eigh(A: Any, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric matrices.

    Reads only the ``UPLO`` ('L' or 'U') triangle of ``A``.  Eigenvectors are unique only
    up to sign: compare ``V diag(w) V^T`` or ``V**2``, not ``V``.

    Backward: ``gA = V (diag(gw) + skew(V^T gV) / E) V^T``, ``E_ij = w_j - w_i``: infinite
    for repeated eigenvalues, as in PyTorch, when the eigenvectors' gradient is used.

    Shape: ``(*, n, n) -> (*, n), (*, n, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.eigh(rb.tensor([[2.0, 1.0], [1.0, 2.0]])).eigenvalues
        tensor([1., 3.])
    """
    check_matrix(A, "linalg.eigh", square=True)
    _check_uplo(UPLO, "linalg.eigh")
    return EighResult(*unpack(Eigh, _tensor(A), uplo=UPLO))


def eigvalsh(A: Any, UPLO: str = "L") -> Tensor:
    """The eigenvalues of ``eigh``; backward ``V diag(gw) V^T`` is defined for repeated ones too.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.eigvalsh(rb.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    check_matrix(A, "linalg.eigvalsh", square=True)
    _check_uplo(UPLO, "linalg.eigvalsh")
    return unpack(Eigh, _tensor(A), uplo=UPLO, vectors=False)[0]


def _check_uplo(uplo: str, op: str) -> None:
    if uplo not in ("L", "U"):
        raise RuntimeError(f"{op}: UPLO must be 'L' or 'U', got {uplo!r}")


def svd(A: Any, full_matrices: bool = True) -> SVDResult:
    """``A = U diag(S) Vh`` with singular values ``S`` descending.

    Args:
        A: ``(*, m, n)`` float matrices.
        full_matrices: ``U`` is ``(m, m)`` and ``Vh`` ``(n, n)`` (default, as PyTorch); False
            gives the reduced ``(m, k)`` and ``(k, n)``, ``k = min(m, n)``.

    Singular vectors are unique only up to sign: compare ``U @ Vh`` or ``U**2``.

    Backward: PyTorch's ``svd_backward`` (``E_jk = s_k^2 - s_j^2``: infinite for repeated
    singular values when the vectors' gradients are used); with ``full_matrices`` the extra
    columns of ``U``/rows of ``Vh`` pass no gradient, as in PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.svd(rb.tensor([[3.0, 0.0], [0.0, -4.0]])).S
        tensor([4., 3.])
    """
    check_matrix(A, "linalg.svd")
    return SVDResult(*unpack(SVD, _tensor(A), full_matrices=full_matrices))


def svdvals(A: Any) -> Tensor:
    """The singular values, descending; backward ``U diag(gS) Vh`` is defined for repeated ones.

    Shape: ``(*, m, n) -> (*, min(m, n))``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.svdvals(rb.tensor([[3.0, 0.0], [0.0, -4.0]]))
        tensor([4., 3.])
    """
    check_matrix(A, "linalg.svdvals")
    return unpack(SVD, _tensor(A), vectors=False)[0]
