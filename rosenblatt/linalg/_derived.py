"""linalg ops built from other ops (matmul, svd, indexing): pinv, lstsq, matrix_rank,
matrix_power, multi_dot, cross, vecdot, diagonal.  Their gradients come from the ops
they are made of."""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

from .._backend import xp
from ..ops.arithmetic import where
from ..ops.linalg import matmul
from ..ops.reduction import sum as sum_
from ..ops.joining import stack
from ..ops.shape import broadcast_to, movedim, swapaxes, unsqueeze
from ..tensor import Tensor
from ._checks import array_of, check_float, check_matrix
from ._decompositions import inv, svd, svdvals


def _tolerance(s: Tensor, shape: tuple, atol: float | None, rtol: float | None) -> Any:
    """PyTorch's cutoff below which singular values count as 0: ``max(atol, rtol * s_max)``,
    ``rtol`` defaulting to ``eps * max(m, n)`` when neither is given (an array, no graph)."""
    eps = xp.finfo(s.dtype).eps
    if rtol is None:
        rtol = eps * max(shape[-2:]) if atol is None or atol <= 0 else 0.0
    largest = s.data.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
    return xp.maximum(atol or 0.0, rtol * largest)


def pinv(A: Any, *, atol: float | None = None, rtol: float | None = None, hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse ``V diag(1/s) U^T`` over the singular values above
    ``max(atol, rtol * s_max)`` (``rtol`` defaults to ``eps * max(m, n)``).

    ``hermitian`` is accepted for PyTorch's signature; the result is the same either way.

    Shape: ``(*, m, n) -> (*, n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.pinv(rb.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5, 0. ],
                [0. , 0. ]])
    """
    a = check_matrix(A, "linalg.pinv")
    u, s, vh = svd(A, full_matrices=False)
    kept = Tensor(s.data > _tolerance(s, a.shape, atol, rtol))
    # 1 / s only where kept: 1 / 0 in the other branch would make its gradient 0 * inf = nan
    inverse = where(kept, 1 / where(kept, s, 1), 0)
    return matmul(swapaxes(vh, -1, -2) * unsqueeze(inverse, -2), swapaxes(u, -1, -2))


def matrix_rank(A: Any, *, atol: float | None = None, rtol: float | None = None,
                hermitian: bool = False) -> Tensor:
    """The number of singular values above ``max(atol, rtol * s_max)`` (int64, no gradient).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.matrix_rank(rb.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
    """
    a = check_matrix(A, "linalg.matrix_rank")
    s = svdvals(Tensor(a))
    return Tensor((s.data > _tolerance(s, a.shape, atol, rtol)).sum(axis=-1))


class LstsqResult(NamedTuple):
    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


def lstsq(A: Any, B: Any, rcond: float | None = None, *, driver: str | None = None) -> LstsqResult:
    """The least-squares (minimum-norm) solution ``X = pinv(A) B`` of ``A X ~= B``.

    As PyTorch's default CPU driver ('gelsy'), ``residuals`` and ``singular_values`` are
    empty and ``rank`` is filled; ``rcond`` is the relative cutoff of small singular values.

    Shape: ``A (*, m, n)``, ``B (*, m, k)`` or ``(m,)`` -> ``solution (*, n, k)`` or ``(n,)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.lstsq(rb.tensor([[1.0], [1.0]]), rb.tensor([[1.0], [3.0]])).solution
        tensor([[2.]])
    """
    a = check_matrix(A, "linalg.lstsq")
    b = array_of(B, "linalg.lstsq")
    check_float(b, "linalg.lstsq")
    rows = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if rows != a.shape[-2]:
        raise RuntimeError(f"linalg.lstsq: A has {a.shape[-2]} rows but B has {rows} (shapes "
                           f"{list(a.shape)} and {list(b.shape)}); they must match")
    solution = matmul(pinv(A, rtol=rcond), B)
    empty = Tensor(xp.zeros(0, dtype=a.dtype))
    return LstsqResult(solution, empty, matrix_rank(a, rtol=rcond), empty)


def matrix_power(A: Any, n: int) -> Tensor:
    """``A`` multiplied by itself ``n`` times (by repeated squaring); ``n < 0`` uses ``inv(A)``,
    ``n = 0`` gives the identity.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.matrix_power(rb.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    a = check_matrix(A, "linalg.matrix_power", square=True)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {type(n).__name__}")
    A = A if isinstance(A, Tensor) else Tensor(a)
    if n == 0:  # the identity, still in the graph (zero gradient), as PyTorch's
        return A * 0 + Tensor(xp.eye(a.shape[-1], dtype=a.dtype))
    base, result = inv(A) if n < 0 else A, None
    n = abs(n)
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def multi_dot(tensors: Sequence[Any]) -> Tensor:
    """The product of a chain of matrices; the first may be a row vector and the last a
    column vector (1-d), as PyTorch's (multiplied left to right).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.multi_dot([rb.ones(2), rb.ones(2, 3), rb.ones(3)])
        tensor(6.)
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"linalg.multi_dot: expected at least 2 tensors, got {len(tensors)}")
    ndims = [array_of(t, "linalg.multi_dot").ndim for t in tensors]
    if any(d != 2 for d in ndims[1:-1]) or ndims[0] not in (1, 2) or ndims[-1] not in (1, 2):
        raise RuntimeError(f"linalg.multi_dot: expected 2-d tensors (the first and last may be 1-d), "
                           f"got dims {ndims}")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def cross(input: Any, other: Any, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim``; the other dims broadcast.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.cross(rb.tensor([1.0, 0.0, 0.0]), rb.tensor([0.0, 1.0, 0.0]))
        tensor([0., 0., 1.])
    """
    x, y = array_of(input, "linalg.cross"), array_of(other, "linalg.cross")
    if x.ndim != y.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions, got shapes "
                           f"{list(x.shape)} and {list(y.shape)}")
    shape = xp.broadcast_shapes(x.shape, y.shape)
    if shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: dim {dim} must have size 3, got shapes {list(x.shape)} "
                           f"and {list(y.shape)}")
    x = movedim(broadcast_to(input, shape), dim, -1)
    y = movedim(broadcast_to(other, shape), dim, -1)
    a, b = [x[..., i] for i in range(3)], [y[..., i] for i in range(3)]
    out = stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]], -1)
    return movedim(out, -1, dim)


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Tensor:
    """``sum(x * y)`` along ``dim``, the other dims broadcast.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.vecdot(rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0]))
        tensor(11.)
    """
    return sum_(x * y, dim)


def diagonal(A: Any, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal ``A[..., i, i + offset]`` of the matrices in dims ``dim1``, ``dim2``,
    as the last dim.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.diagonal(rb.tensor([[1.0, 2.0], [3.0, 4.0]]), offset=1)
        tensor([2.])
    """
    A = A if isinstance(A, Tensor) else Tensor(A)
    matrices = movedim(A, (dim1, dim2), (-2, -1))
    m, n = matrices.shape[-2:]
    start = max(-offset, 0)
    rows = xp.arange(start, max(min(m, n - offset), start))
    return matrices[..., rows, rows + offset]
