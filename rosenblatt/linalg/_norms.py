"""Vector and matrix norms and the condition number, built from existing ops (abs, sum, amax,
the p-norm), ``svdvals`` and ``inv_ex``: they need no backward of their own."""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..ops._dims import dim_index
from ..ops.arithmetic import where
from ..ops.pointwise import abs as abs_, to_dtype
from ..ops.reduction import amax, amin, norm as p_norm, sum as sum_
from ..ops.shape import movedim, reshape, unsqueeze
from ..tensor import Tensor
from ._checks import Underivable, array_of, check_float, check_matrix
from ._decompositions import svdvals
from ._ex import inv_ex

_inf = float("inf")


def _cast(x: Any, dtype: Any, op: str) -> Tensor:
    check_float(array_of(x, op), op)
    x = x if isinstance(x, Tensor) else Tensor(x)
    return x if dtype is None else to_dtype(x, dtype)


def vector_norm(x: Any, ord: float = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """The vector ``ord``-norm ``(sum |x_i|^ord)^(1/ord)`` over ``dim`` (all elements when None).

    ``ord`` may be any number: ``inf`` is ``max |x_i|``, ``-inf`` ``min |x_i|``, ``0`` the
    count of nonzero elements.  ``dtype`` casts ``x`` first (as PyTorch).

    Shape: ``x`` reduced over ``dim`` (kept with size 1 if ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.vector_norm(rb.tensor([3.0, -4.0]))
        tensor(5.)
        >>> linalg.vector_norm(rb.tensor([3.0, -4.0]), ord=float("inf"))
        tensor(4.)
    """
    x = _cast(x, dtype, "linalg.vector_norm")
    if isinstance(ord, bool) or not isinstance(ord, (int, float)):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r}; use "
                           f"linalg.matrix_norm for 'fro' and 'nuc'")
    return p_norm(x, ord, dim, keepdim)


def matrix_norm(A: Any, ord: Any = "fro", dim: tuple[int, int] = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """A matrix norm of each matrix in the dims ``dim`` (rows, columns).

    ``ord``: ``'fro'`` ``sqrt(sum a_ij^2)``; ``'nuc'`` the sum of singular values; ``2``/``-2``
    the largest/smallest singular value; ``1``/``-1`` the largest/smallest column sum of
    ``|a_ij|``; ``inf``/``-inf`` the largest/smallest row sum.

    Shape: ``(*, m, n) -> (*)`` (``dim`` kept with size 1 if ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.matrix_norm(rb.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
    """
    op = "linalg.matrix_norm"
    check_matrix(A, op)
    A = _cast(A, dtype, op)
    rows, cols = (dim_index(d, A.ndim, op) for d in dim) if len(dim) == 2 else (None, None)
    if rows is None or rows == cols:
        raise RuntimeError(f"{op}: dim must be 2 different dims, got {dim}")
    if ord == "fro":
        return p_norm(A, 2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        values = svdvals(movedim(A, (rows, cols), (-2, -1)))
        out = sum_(values, -1) if ord == "nuc" else (amax if ord == 2 else amin)(values, -1)
        if keepdim:
            for axis in sorted((rows, cols)):
                out = unsqueeze(out, axis)
        return out
    if ord in (1, -1, _inf, -_inf) and not isinstance(ord, bool):
        summed, extreme = (rows, cols) if ord in (1, -1) else (cols, rows)  # 1: column sums
        out = (amax if ord > 0 else amin)(sum_(abs_(A), summed, keepdim=True), extreme, keepdim=True)
        return out if keepdim else reshape(out, tuple(n for i, n in enumerate(out.shape) if i not in (rows, cols)))
    raise RuntimeError(f"{op}: order {ord!r} not supported; use 'fro', 'nuc', inf, -inf, 1, -1, 2 or -2")


def norm(A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """A vector or matrix norm, as PyTorch chooses: a matrix norm when ``dim`` names 2 dims
    (or, with ``dim=None`` and ``ord`` given, when ``A`` is 2-d), else a vector norm
    (of all elements when ``dim`` and ``ord`` are None).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.norm(rb.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(5.)
        >>> linalg.norm(rb.tensor([[1.0, 2.0], [2.0, 4.0]]), ord="nuc")
        tensor(5.)
    """
    ndim = array_of(A, "linalg.norm").ndim
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
        matrix = len(dim) == 2
    elif ord is not None:
        if ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: with ord={ord!r} and dim=None the input must be 1-d or 2-d, "
                               f"got {ndim} dims; pass dim")
        matrix = ndim == 2
    else:
        matrix = False
    if matrix:
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim, keepdim,
                           dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def cond(A: Any, p: Any = None) -> Tensor:
    """The condition number ``||A||_p ||A^-1||_p`` of each matrix.

    ``p``: None or 2 (the default: ``s_max / s_min`` of the singular values, for any ``m x n``
    matrix), -2 (``s_min / s_max``), ``'nuc'`` (``sum(s) sum(1/s)``), or ``'fro'``, 1, -1, inf,
    -inf (``matrix_norm`` of ``A`` and of its inverse; square matrices only).  A singular matrix
    gives inf (for the norms through the inverse: its inverse counts as all inf, as PyTorch's);
    an empty one gives 0.

    Backward: through the singular values for None, 2, -2 and ``'nuc'``.  For ``'fro'``, 1, -1,
    inf and -inf PyTorch's backward fails (an in-place fill of the inverse), so this one raises
    there too, naming the composition that has a gradient.

    Shape: ``(*, m, n) -> (*)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.cond(rb.tensor([[1.0, 0.0], [0.0, 4.0]]))
        tensor(4.)
        >>> linalg.cond(rb.tensor([[1.0, 0.0], [0.0, 4.0]]), p=1)
        tensor(4.)
    """
    op = "linalg.cond"
    a = array_of(A, op)
    if a.ndim < 2:
        raise RuntimeError(f"{op}: the input tensor must have at least 2 dimensions, got shape {list(a.shape)}")
    check_float(a, op)
    numeric = not isinstance(p, (str, bool)) and isinstance(p, (int, float))
    if not (p is None or (numeric and abs(p) in (1, 2, _inf)) or p in ("fro", "nuc")):
        raise RuntimeError(f"{op} got an invalid norm type: {p!r}; use None, 'fro', 'nuc', inf, -inf, 1, -1, 2 "
                           f"or -2")
    A = A if isinstance(A, Tensor) else Tensor(a)
    if not isinstance(p, str) and (p is None or abs(p) == 2):  # singular values: any m x n
        if a.size == 0:
            return Tensor._wrap(xp.zeros(a.shape[:-2], dtype=a.dtype))
        s = svdvals(A)
        largest, smallest = s[..., 0], s[..., -1]
        return smallest / largest if p == -2 else largest / smallest
    check_matrix(a, f"{op}(ord={p})", square=True)
    if a.size == 0:
        return Tensor._wrap(xp.zeros(a.shape[:-2], dtype=a.dtype))
    if p == "nuc":
        s = svdvals(A)
        return sum_(s, -1) * sum_(1 / s, -1)
    inverse, info = inv_ex(A.detach())
    inverse = where(Tensor._wrap(info.data[..., None, None] > 0), float("inf"), inverse)
    out = matrix_norm(A.detach(), p) * matrix_norm(inverse, p)
    out = where(Tensor._wrap(xp.isnan(out.data)), float("inf"), out)  # 0 * inf: inf, as NumPy's cond
    # PyTorch 2.13's backward fails here (it fills the inverse in place): raise as it does
    return Underivable.apply(A, result=out.data, op=f"{op}(p={p!r})",
                             fix="for a gradient write matrix_norm(A, p) * matrix_norm(linalg.inv(A), p)")
