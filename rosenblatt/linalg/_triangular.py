"""Solves with triangular and Cholesky factors, PyTorch's older top-level names:
``triangular_solve``, ``cholesky_solve``, ``cholesky_inverse``.

Each is one Function with PyTorch's backward (``FunctionsManual.cpp``).  A zero on the
diagonal of a triangular factor gives inf and nan in the solution (plain substitution, as
LAPACK's ``trsm``), not an error: PyTorch's result there.  ``cholesky_inverse`` alone raises
for it, as PyTorch's ``potri`` does.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from .._backend import xp
from ..autograd.function import Function, tensor_of
from ..ops.shape import clone, expand
from ..tensor import Tensor
from ._checks import LinAlgError, check_float
from ._factorizations import _mT


class TriangularSolveResult(NamedTuple):
    """``(solution, cloned_coefficient)`` of ``triangular_solve``, like
    ``torch.return_types.triangular_solve``."""

    solution: Tensor
    cloned_coefficient: Tensor


def triangle(a: Any, upper: bool, unitriangular: bool = False) -> Any:
    """The triangle of ``a`` a triangular solve reads (with ones on the diagonal if
    ``unitriangular``)."""
    if unitriangular:
        part = xp.triu(a, 1) if upper else xp.tril(a, -1)
        return part + xp.eye(a.shape[-1], dtype=a.dtype)
    return xp.triu(a) if upper else xp.tril(a)


def substitute(t: Any, b: Any, upper: bool) -> Any:
    """``t^-1 b`` for triangular ``t`` (..., n, n) and ``b`` (..., n, k), batch dims broadcast, by
    plain substitution: a zero on the diagonal gives inf or nan (``1/0``, ``0/0``, ``0 * inf``)
    as LAPACK's ``trsm`` does, where ``numpy.linalg.solve`` would raise."""
    n = t.shape[-1]
    batch = xp.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    t = xp.broadcast_to(t, batch + t.shape[-2:])
    x = xp.array(xp.broadcast_to(b, batch + b.shape[-2:]), dtype=xp.result_type(t, b))
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in (reversed(range(n)) if upper else range(n)):
            done = slice(i + 1, n) if upper else slice(0, i)
            x[..., i, :] = (x[..., i, :] - (t[..., i:i + 1, done] @ x[..., done, :])[..., 0, :]) / t[..., i, i:i + 1]
    return x


def solve_triangle(t: Any, b: Any, upper: bool) -> Any:
    """``t^-1 b`` for triangular ``t``: LAPACK's solve while the diagonal has no zero, else
    ``substitute`` (PyTorch's inf and nan)."""
    if xp.all(xp.diagonal(t, axis1=-2, axis2=-1) != 0):
        return xp.linalg.solve(t, b)
    return substitute(t, b, upper)


def _matrix_pair(b: Any, A: Any, op: str, what: str) -> tuple[Tensor, Tensor]:
    """``b`` and ``A`` as tensors, checked as PyTorch checks them: float, of one dtype, ``b``
    at least 2-d with as many rows as the square ``A``."""
    b, A = tensor_of(b, op), tensor_of(A, op)
    for name, t in ((what, b), ("A", A)):
        check_float(t.data, op)
        if t.ndim < 2:
            raise RuntimeError(f"{op}: expected {name} to have at least 2 dimensions, but it has {t.ndim} "
                               f"(shape {list(t.shape)}); make a vector a column with {name}.unsqueeze(-1)")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if b.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"{op}: incompatible matrix sizes: each A matrix is {A.shape[-2]} by {A.shape[-1]} "
                           f"but each {what} matrix is {b.shape[-2]} by {b.shape[-1]}")
    if b.dtype != A.dtype:
        raise RuntimeError(f"{op}: expected {what} and A to have the same dtype, but found {what} of type "
                           f"{b.dtype} and A of type {A.dtype}; convert one first")
    try:
        xp.broadcast_shapes(tuple(b.shape[:-2]), tuple(A.shape[:-2]))
    except ValueError:
        raise RuntimeError(f"{op}: the batch dims of {what} {list(b.shape[:-2])} and A {list(A.shape[:-2])} "
                           f"cannot be broadcast together") from None
    return b, A


class TriangularSolve(Function):
    """``X = op(T)^-1 B``, ``T`` the triangle of ``A`` and ``op`` the transpose if asked.

    Backward (PyTorch's ``triangular_solve_backward``): ``gB = op(T)^-T gX``, and ``gA =
    -gB X^T`` (``-X gB^T`` transposed) restricted to the triangle read."""

    saves_output = True

    def forward(self, b, a, upper=True, transpose=False, unitriangular=False):
        self.options = upper, transpose, unitriangular
        self.t = t = triangle(a, upper, unitriangular)
        self.x = x = solve_triangle(_mT(t), b, not upper) if transpose else solve_triangle(t, b, upper)
        return x

    def backward(self, grad):
        upper, transpose, unitriangular = self.options
        t = self.t
        grad_b = solve_triangle(t, grad, upper) if transpose else solve_triangle(_mT(t), grad, not upper)
        if self.parents[1] is None:
            return grad_b, None
        grad_a = -(self.x @ _mT(grad_b)) if transpose else -(grad_b @ _mT(self.x))
        offset = 1 if unitriangular else 0
        return grad_b, xp.triu(grad_a, offset) if upper else xp.tril(grad_a, -offset)


def triangular_solve(b: Any, A: Any, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> TriangularSolveResult:
    """The solution ``X`` of ``A X = b`` (``A^T X = b`` with ``transpose``) for triangular ``A``,
    and a copy of ``A``: PyTorch's older ``torch.triangular_solve`` (``linalg.solve_triangular``
    is the newer form, its arguments swapped).

    Only the upper (``upper=True``, the default) or lower triangle of ``A`` is read, and with
    ``unitriangular`` not its diagonal (taken as ones).  A zero on the diagonal gives inf or
    nan, as in PyTorch.

    Backward: ``gb = A^-T gX`` and ``gA = -gb X^T`` on the triangle read, plus the copy's
    gradient (all of ``A``).

    Args:
        b (Tensor): right-hand sides, ``(*, n, k)``.
        A (Tensor): triangular matrices, ``(*, n, n)``, of ``b``'s dtype; batch dims broadcast.
        upper (bool): read the upper triangle (default) or the lower.
        transpose (bool): solve ``A^T X = b``.
        unitriangular (bool): take ``A``'s diagonal as ones.

    Shape: ``solution (*, n, k)``, ``cloned_coefficient (*, n, n)`` (``*`` the broadcast batch).

    Example:
        >>> import rosenblatt as rb
        >>> rb.triangular_solve(rb.tensor([[4.0], [8.0]]), rb.tensor([[2.0, 1.0], [0.0, 4.0]])).solution
        tensor([[1.],
                [2.]])
    """
    b, A = _matrix_pair(b, A, "triangular_solve", "b")
    x = TriangularSolve.apply(b, A, upper=bool(upper), transpose=bool(transpose), unitriangular=bool(unitriangular))
    batch = xp.broadcast_shapes(tuple(b.shape[:-2]), tuple(A.shape[:-2]))
    return TriangularSolveResult(x, clone(expand(A, batch + tuple(A.shape[-2:]))))  # A with the batch dims of X


def _cholesky_product(l: Any, upper: bool) -> tuple[Any, Any]:
    """The triangle ``T`` of ``l`` and its transpose, in the order ``A = first @ second``."""
    t = triangle(l, upper)
    return (_mT(t), t) if upper else (t, _mT(t))


def _cholesky_solve(l: Any, b: Any, upper: bool) -> Any:
    """``(T T^T)^-1 b`` (``(T^T T)^-1 b`` if ``upper``) with ``T`` the triangle of ``l``."""
    first, second = _cholesky_product(l, upper)
    return solve_triangle(second, solve_triangle(first, b, upper=False), upper=True)


class CholeskySolve(Function):
    """``X = (L L^T)^-1 B`` (``(U^T U)^-1 B`` if ``upper``).

    Backward (PyTorch's ``cholesky_solve_backward``): ``gB = (L L^T)^-1 gX``, ``C = gB X^T +
    X gB^T``, ``gL = -C L`` (``-U C``) with the whole of the input ``L``, as PyTorch: its upper
    part gets a gradient too."""

    saves_inputs = (1,)
    saves_output = True

    def forward(self, b, l, upper=False):
        self.l, self.upper = l, upper
        self.x = x = _cholesky_solve(l, b, upper)
        return x

    def backward(self, grad):
        l, upper = self.l, self.upper
        grad_b = _cholesky_solve(l, grad, upper)
        if self.parents[1] is None:
            return grad_b, None
        common = grad_b @ _mT(self.x)
        common = common + _mT(common)
        return grad_b, -(l @ common) if upper else -(common @ l)


def cholesky_solve(B: Any, L: Any, upper: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` given ``A``'s Cholesky factor: ``A = L L^T``, or
    ``A = U^T U`` with ``upper``.

    Only the lower (upper) triangle of ``L`` is read; a zero on its diagonal gives inf or nan,
    as in PyTorch.

    Backward (PyTorch's): ``gB = A^-1 gX`` and ``gL = -(gB X^T + X gB^T) L`` (``-U (...)`` if
    ``upper``), computed with all of ``L``: entries outside the triangle get a gradient too,
    as there.

    Args:
        B (Tensor): right-hand sides, ``(*, n, k)``.
        L (Tensor): the factors, ``(*, n, n)``, of ``B``'s dtype; batch dims broadcast.
        upper (bool): ``L`` is the upper factor ``U``.

    Shape: ``(*, n, k)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cholesky_solve(rb.tensor([[8.0], [4.0]]), rb.tensor([[2.0, 0.0], [0.0, 2.0]]))
        tensor([[2.],
                [1.]])
    """
    B, L = _matrix_pair(B, L, "cholesky_solve", "B")
    return CholeskySolve.apply(B, L, upper=bool(upper))


class CholeskyInverse(Function):
    """``(L L^T)^-1`` (``(U^T U)^-1`` if ``upper``).

    Backward (PyTorch's ``cholesky_inverse_backward``): ``C = X (g + g^T) X``, ``gL = -C L``
    (``-U C``), with all of the input ``L``."""

    saves_inputs = (0,)
    saves_output = True

    def forward(self, l, upper=False):
        self.l, self.upper = l, upper
        diagonal = xp.diagonal(l, axis1=-2, axis2=-1)
        if not xp.all(diagonal != 0):
            where = xp.argwhere(diagonal == 0)[0]
            batch = f" (batch element {tuple(int(i) for i in where[:-1])})" if where.size > 1 else ""
            raise LinAlgError(f"cholesky_inverse{batch}: the diagonal element {int(where[-1]) + 1} is zero, the "
                              f"inversion could not be completed because the input matrix is singular")
        first, _ = _cholesky_product(l, upper)
        inverse_first = solve_triangle(first, xp.broadcast_to(xp.eye(l.shape[-1], dtype=l.dtype), l.shape), False)
        self.inverse = inverse = _mT(inverse_first) @ inverse_first
        return inverse

    def backward(self, grad):
        common = self.inverse @ (grad + _mT(grad)) @ self.inverse
        return -(self.l @ common) if self.upper else -(common @ self.l)


def cholesky_inverse(L: Any, upper: bool = False) -> Tensor:
    """The inverse of ``A = L L^T`` (``U^T U`` with ``upper``) from its Cholesky factor.

    Only the lower (upper) triangle of ``L`` is read.  Raises ``LinAlgError`` for a zero on
    its diagonal, as PyTorch.

    Backward (PyTorch's): ``gL = -X (g + g^T) X L`` (``-U X (g + g^T) X``), computed with all
    of ``L``.

    Args:
        L (Tensor): the factors, ``(*, n, n)``.
        upper (bool): ``L`` is the upper factor ``U``.

    Shape: ``(*, n, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cholesky_inverse(rb.tensor([[2.0, 0.0], [0.0, 0.5]]))
        tensor([[0.25, 0.  ],
                [0.  , 4.  ]])
    """
    L = tensor_of(L, "cholesky_inverse")
    check_float(L.data, "cholesky_inverse")
    if L.ndim < 2 or L.shape[-1] != L.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: expected batches of square matrices (at least 2 dims), got shape "
                           f"{list(L.shape)}")
    return CholeskyInverse.apply(L, upper=bool(upper))
