"""More of PyTorch's products, each composed from ``matmul``, ``outer`` and arithmetic (their
gradients are those ops'): ``mv``, ``addmv``, ``addr``, ``addcmul``, ``addcdiv``, ``inner``,
``tensordot``, ``kron``, ``dist``.
"""
from __future__ import annotations

import math
from typing import Any

from ..tensor import Tensor
from .arithmetic import div, mul
from .linalg import _data, _scaled_sum, matmul, outer
from .reduction import norm
from .shape import permute, reshape


def mv(input: Any, vec: Any) -> Tensor:
    """Matrix times vector: (n, m) @ (m,) -> (n,)."""
    if _data(input).ndim != 2 or _data(vec).ndim != 1:
        raise ValueError(f"mv: expected a matrix and a vector, got shapes {list(_data(input).shape)} and "
                         f"{list(_data(vec).shape)}")
    return matmul(input, vec)


def addmv(input: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``; ``beta == 0`` ignores ``input`` (nan included)."""
    return _scaled_sum(input, beta, mv(mat, vec), alpha)


def addr(input: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``."""
    return _scaled_sum(input, beta, outer(vec1, vec2), alpha)


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 * tensor2``, broadcast."""
    product = mul(tensor1, tensor2)
    return input + (product if value == 1 else product * value)


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``, broadcast."""
    quotient = div(tensor1, tensor2)
    return input + (quotient if value == 1 else quotient * value)


def tensordot(a: Any, b: Any, dims: Any = 2) -> Tensor:
    """Sums over the last ``dims`` dims of ``a`` against the first ``dims`` of ``b`` (or over
    the dims listed in ``dims = (dims_of_a, dims_of_b)``), as one matrix product.

    Example:
        >>> import rosenblatt as rb
        >>> rb.tensordot(rb.ones(2, 3, 4), rb.ones(3, 4, 5)).shape
        (2, 5)
    """
    x, y = _data(a), _data(b)
    if isinstance(dims, int):
        if not 0 <= dims <= min(x.ndim, y.ndim):
            raise ValueError(f"tensordot: dims must be in [0, {min(x.ndim, y.ndim)}], got {dims}")
        left, right = list(range(x.ndim - dims, x.ndim)), list(range(dims))
    else:
        left, right = ([d] if isinstance(d, int) else list(d) for d in dims)
        left, right = [d % x.ndim for d in left], [d % y.ndim for d in right]
    if len(left) != len(right) or any(x.shape[i] != y.shape[j] for i, j in zip(left, right)):
        raise ValueError(f"tensordot: contracted dims {left} of shape {list(x.shape)} and {right} of shape "
                         f"{list(y.shape)} must pair up with equal sizes")
    keep_a = [d for d in range(x.ndim) if d not in left]
    keep_b = [d for d in range(y.ndim) if d not in right]
    size = math.prod(x.shape[d] for d in left)
    a2 = reshape(permute(a, keep_a + left), (-1, size))
    b2 = reshape(permute(b, right + keep_b), (size, -1))
    return reshape(matmul(a2, b2), tuple(x.shape[d] for d in keep_a) + tuple(y.shape[d] for d in keep_b))


def inner(input: Any, other: Any) -> Tensor:
    """The sum of products over the last dims of both (a plain product when either is 0-d)."""
    if _data(input).ndim == 0 or _data(other).ndim == 0:
        return mul(input, other)
    return tensordot(input, other, ([-1], [-1]))


def kron(input: Any, other: Any) -> Tensor:
    """The Kronecker product: block ``(i, j)`` of the result is ``input[i, j] * other`` (any
    number of dims; the fewer-dimensional one gains leading size-1 dims)."""
    x, y = _data(input), _data(other)
    n = max(x.ndim, y.ndim)
    a = reshape(input, (1,) * (n - x.ndim) + x.shape)
    b = reshape(other, (1,) * (n - y.ndim) + y.shape)
    # a's dims interleaved with b's: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...)
    spread_a = reshape(a, tuple(s for d in a.shape for s in (d, 1)))
    spread_b = reshape(b, tuple(s for d in b.shape for s in (1, d)))
    return reshape(spread_a * spread_b, tuple(p * q for p, q in zip(a.shape, b.shape)))


def dist(input: Any, other: Any, p: float = 2) -> Tensor:
    """The p-norm of ``input - other``."""
    return norm(input - other, p)


def cross(input: Any, other: Any, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``dim``: ``linalg.cross``, whose ``dim`` defaults to
    -1; here, as in PyTorch's older ``torch.cross``, to the first dim of size 3."""
    if dim is None:
        shape = _data(input).shape
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise ValueError(f"cross: no dimension of size 3 in input's shape {list(shape)}; pass dim")
    from ..linalg import cross as linalg_cross  # here: rosenblatt.linalg loads on first use
    return linalg_cross(input, other, dim=dim)
