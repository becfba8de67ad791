"""More linalg ops composed from others (their gradients are those ops'): ``vander``,
``tensorinv``, ``tensorsolve``, ``solve_triangular``, ``householder_product``."""
from __future__ import annotations

import math
from typing import Any, Sequence

from .._backend import xp
from ..ops.arithmetic import where
from ..ops.linalg import matmul
from ..ops.cumulative import cumprod
from ..ops.joining import cat
from ..ops.shape import expand, movedim, reshape, tril, triu, unsqueeze
from ..autograd.function import tensor_of
from ..tensor import Tensor
from ._checks import array_of, check_float, check_matrix
from ._decompositions import inv, solve


def vander(x: Any, *, N: int | None = None) -> Tensor:
    """The Vandermonde matrix of the last dim of ``x``, in increasing powers: ``out[..., i, j]
    = x[..., i] ** j`` for ``j < N``.

    The powers are running products, so the gradient is exact at 0 too.  (``rosenblatt.vander``
    is NumPy's form: decreasing powers of a 1-d input.)

    Args:
        x (Tensor): floating or integer, ``(*, n)`` (a 0-d one counts as ``(1,)``).
        N (int, optional): the number of columns, > 1; ``n`` by default.

    Shape: ``(*, n) -> (*, n, N)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.vander(rb.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [1, 2, 4],
                [1, 3, 9]])
    """
    x = tensor_of(x, "linalg.vander")
    if x.dtype.kind not in "fiu":
        raise RuntimeError(f"linalg.vander: expected a floating or integer tensor, got {x.dtype}")
    x = reshape(x, (1,)) if x.ndim == 0 else x
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError(f"linalg.vander: N must be greater than 1, got {n} (the default is x's last "
                           f"dim, of size {x.shape[-1]})")
    powers = cumprod(expand(unsqueeze(x, -1), tuple(x.shape) + (n - 1,)), -1)
    ones = Tensor._wrap(xp.ones(tuple(x.shape) + (1,), dtype=powers.dtype))
    return cat([ones, powers], -1)


def _square_side(front: Sequence[int], back: Sequence[int], op: str, what: str) -> int:
    """``prod(front)``, which must equal ``prod(back)`` for the tensor to read as a square matrix."""
    rows, cols = math.prod(front), math.prod(back)
    if rows != cols:
        raise RuntimeError(f"{op}: {what} must read as a square matrix: prod{tuple(front)} = {rows} rows "
                           f"but prod{tuple(back)} = {cols} columns")
    return rows


def tensorinv(A: Any, ind: int = 2) -> Tensor:
    """The inverse of ``A`` for ``tensordot``: ``tensordot(tensorinv(A, ind), A, ind)`` is the
    identity, ``A`` read as a matrix with rows ``A.shape[:ind]`` and columns ``A.shape[ind:]``.

    Args:
        A (Tensor): floating, with ``prod(A.shape[:ind]) == prod(A.shape[ind:])``.
        ind (int): how many leading dims index the rows, > 0 (default 2).

    Shape: ``(*front, *back) -> (*back, *front)``, ``front = A.shape[:ind]``.  Raises
    ``LinAlgError`` when that matrix is singular.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.tensorinv(rb.eye(4).reshape(4, 2, 2), ind=1).shape
        (2, 2, 4)
    """
    A = tensor_of(A, "linalg.tensorinv")
    check_float(A.data, "linalg.tensorinv")
    if isinstance(ind, bool) or not isinstance(ind, int) or ind <= 0:
        raise RuntimeError(f"linalg.tensorinv: ind must be a positive int (the number of row dims), got "
                           f"{ind!r}")
    front, back = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    side = _square_side(front, back, "linalg.tensorinv", f"A of shape {list(A.shape)} with ind={ind}")
    return reshape(inv(reshape(A, (side, side))), back + front)


def solve_triangular(A: Any, B: Any, *, upper: bool, left: bool = True, unitriangular: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for a triangular ``A``.

    Only ``A``'s upper (``upper=True``) or lower triangle is read, and with
    ``unitriangular=True`` not its diagonal either (taken as ones); so only that part gets a
    gradient: ``gB = A^-T gX`` and ``gA = -gB X^T`` restricted to it (``left=True``).
    Unlike PyTorch, whose result is inf or nan there, a zero on the diagonal raises
    ``LinAlgError``.

    Args:
        A (Tensor): ``(*, n, n)``.
        B (Tensor): ``(*, n, k)`` (``(*, k, n)`` with ``left=False``); batch dims broadcast.
        upper (bool): whether ``A`` is upper or lower triangular (keyword, required).
        left (bool): solve ``A X = B`` (default) or ``X A = B``.
        unitriangular (bool): take ``A``'s diagonal as ones.

    Shape: ``X`` has ``B``'s shape (batch dims broadcast with ``A``'s).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> A = rb.tensor([[2.0, 1.0], [9.0, 4.0]])  # read as [[2, 1], [0, 4]]
        >>> linalg.solve_triangular(A, rb.tensor([[4.0], [8.0]]), upper=True)
        tensor([[1.],
                [2.]])
    """
    A, B = tensor_of(A, "linalg.solve_triangular"), tensor_of(B, "linalg.solve_triangular")
    check_matrix(A.data, "linalg.solve_triangular", square=True)
    if B.ndim < 2:
        raise RuntimeError(f"linalg.solve_triangular: expected B to have at least 2 dimensions, but it "
                           f"has {B.ndim} (shape {list(B.shape)}); make a vector a column with "
                           f"b.unsqueeze(-1)")
    if unitriangular:
        off_diagonal = triu(A, 1) if upper else tril(A, -1)
        triangle = off_diagonal + Tensor._wrap(xp.eye(A.shape[-1], dtype=A.dtype))
    else:
        triangle = triu(A) if upper else tril(A)
    return solve(triangle, B, left=left)


def tensorsolve(A: Any, B: Any, dims: Sequence[int] | None = None) -> Tensor:
    """The solution ``X`` of ``tensordot(A, X, X.ndim) = B``.

    ``A`` reads as a matrix with rows ``A.shape[:B.ndim]`` and columns the rest (``X``'s shape),
    after its ``dims`` are moved to the end.

    Args:
        A (Tensor): floating; ``prod(A.shape[B.ndim:]) == B.numel()``.
        B (Tensor): the right-hand side.
        dims (sequence of int, optional): dims of ``A`` to move to the end first.

    Shape: ``X`` is ``A.shape[B.ndim:]`` (after moving ``dims``).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.tensorsolve(rb.eye(6).reshape(2, 3, 6), rb.ones(2, 3)).shape
        (6,)
    """
    A, B = tensor_of(A, "linalg.tensorsolve"), tensor_of(B, "linalg.tensorsolve")
    check_float(A.data, "linalg.tensorsolve")
    if dims is not None:
        dims = [dims] if isinstance(dims, int) else list(dims)
        A = movedim(A, dims, list(range(A.ndim - len(dims), A.ndim)))
    shape = tuple(A.shape[B.ndim:])
    side = _square_side(A.shape[:B.ndim], shape, "linalg.tensorsolve",
                        f"A of shape {list(A.shape)} (dims moved) for B of {B.ndim} dims")
    if B.numel() != side:
        raise RuntimeError(f"linalg.tensorsolve: B has {B.numel()} entries but A of shape {list(A.shape)} "
                           f"needs prod{shape} = {side}")
    return reshape(solve(reshape(A, (side, side)), reshape(B, (side,))), shape)


def householder_product(A: Any, tau: Any) -> Tensor:
    """The first ``n`` columns of ``H_1 ... H_k``, the product of Householder reflectors
    ``H_i = I - tau_i v_i v_i^T`` (LAPACK's ``orgqr``), ``v_i`` being column ``i`` of ``A``
    below the diagonal with a 1 on it and zeros above (``geqrf``'s storage).

    Args:
        A (Tensor): floating, ``(*, m, n)`` with ``m >= n``.
        tau (Tensor): ``(*, k)``, ``k <= n``, of ``A``'s dtype.

    Shape: ``(*, m, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.householder_product(rb.zeros(2, 2), rb.tensor([2.0]))
        tensor([[-1.,  0.],
                [ 0.,  1.]])
    """
    a = check_matrix(A, "linalg.householder_product")
    t = array_of(tau, "linalg.householder_product")
    m, n = a.shape[-2:]
    if m < n:
        raise RuntimeError(f"linalg.householder_product: A must have at least as many rows as columns, got "
                           f"shape {list(a.shape)}")
    if t.ndim != a.ndim - 1 or t.shape[:-1] != a.shape[:-2] or t.shape[-1] > n:
        raise RuntimeError(f"linalg.householder_product: tau must have shape {list(a.shape[:-2])} + [k] with "
                           f"k <= {n} for A of shape {list(a.shape)}, got {list(t.shape)}")
    if t.dtype != a.dtype:
        raise RuntimeError(f"linalg.householder_product: tau's dtype {t.dtype} does not match A's {a.dtype}")
    A, tau = tensor_of(A, "linalg.householder_product"), tensor_of(tau, "linalg.householder_product")
    batch = a.shape[:-2]
    q = Tensor._wrap(xp.broadcast_to(xp.eye(m, n, dtype=a.dtype), batch + (m, n)).copy())
    for i in reversed(range(t.shape[-1])):  # H_i (H_{i+1} ... H_k I): the last reflector first
        head = xp.zeros(batch + (i + 1,), dtype=a.dtype)
        head[..., i] = 1
        v = unsqueeze(cat([Tensor._wrap(head), A[..., i + 1:, i]], -1), -1)  # (*, m, 1)
        q = q - (unsqueeze(unsqueeze(tau[..., i], -1), -1) * v) @ matmul(v.mT, q)
    if not t.shape[-1]:  # no reflectors: the identity, in the graph with a zero gradient, as PyTorch's
        q = where(Tensor._wrap(xp.zeros(q.shape, dtype=bool)), A, q)
    return q
