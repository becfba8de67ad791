"""More of PyTorch's products, each composed from ``matmul``, ``outer`` and arithmetic (their
gradients are those ops'): ``mv``, ``addmv``, ``addr``, ``addcmul``, ``addcdiv``, ``inner``,
``tensordot``, ``kron``, ``chain_matmul``, and the norm-based ``dist`` and ``renorm``.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from ..tensor import Tensor
from ._dims import dim_index
from .arithmetic import div, mul, where
from .linalg import _data, _scaled_sum, matmul, outer
from .reduction import norm
from .shape import clone, permute, reshape


def mv(input: Any, vec: Any) -> Tensor:
    """Matrix times vector: (n, m) @ (m,) -> (n,).

    ``out[i] = sum_j input[i, j] * vec[j]``.

    Args:
        input (Tensor): an ``(n, m)`` matrix.
        vec (Tensor): an ``(m,)`` vector of ``input``'s dtype.

    Shape: ``(n, m), (m,) -> (n,)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.mv(rb.tensor([[1.0, 2.0], [3.0, 4.0]]), rb.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    if _data(input).ndim != 2 or _data(vec).ndim != 1:
        raise ValueError(f"mv: expected a matrix and a vector, got shapes {list(_data(input).shape)} and "
                         f"{list(_data(vec).shape)}")
    return matmul(input, vec)


def addmv(input: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``; ``beta == 0`` ignores ``input`` (nan included).

    Args:
        input (Tensor): added to the product; broadcasts to ``(n,)``.
        mat (Tensor): an ``(n, m)`` matrix.
        vec (Tensor): an ``(m,)`` vector.
        beta (number): the multiplier of ``input`` (default 1).
        alpha (number): the multiplier of the product (default 1).

    Shape: ``(n,)``.

    Example:
        >>> import rosenblatt as rb
        >>> mat, vec = rb.tensor([[1.0, 2.0], [3.0, 4.0]]), rb.tensor([1.0, 1.0])
        >>> rb.addmv(rb.tensor([10.0, 10.0]), mat, vec, alpha=2)  # 10 + 2 * (3, 7)
        tensor([16., 24.])
    """
    return _scaled_sum(input, beta, mv(mat, vec), alpha, "addmv")


def addr(input: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``.

    ``out[i, j] = beta * input[i, j] + alpha * vec1[i] * vec2[j]``; ``beta == 0`` ignores
    ``input`` (nan included).

    Args:
        input (Tensor): added to the outer product; broadcasts to ``(n, m)``.
        vec1 (Tensor): an ``(n,)`` vector.
        vec2 (Tensor): an ``(m,)`` vector.
        beta (number): the multiplier of ``input`` (default 1).
        alpha (number): the multiplier of the outer product (default 1).

    Shape: ``(n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.addr(rb.ones(2, 2), rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0]))
        tensor([[4., 5.],
                [7., 9.]])
    """
    return _scaled_sum(input, beta, outer(vec1, vec2), alpha)


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 * tensor2``, broadcast.

    Args:
        input (Tensor): the tensor added to.
        tensor1 (Tensor): the first factor.
        tensor2 (Tensor): the second factor.
        value (number): the multiplier of the product (default 1).

    Shape: the three broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.addcmul(rb.tensor([1.0, 1.0]), rb.tensor([2.0, 3.0]), rb.tensor([4.0, 5.0]), value=0.5)
        tensor([5. , 8.5])
    """
    product = mul(tensor1, tensor2)
    return input + (product if value == 1 else product * value)


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``, broadcast.

    Args:
        input (Tensor): the tensor added to.
        tensor1 (Tensor): the numerator.
        tensor2 (Tensor): the denominator.
        value (number): the multiplier of the quotient (default 1).

    Shape: the three broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.addcdiv(rb.tensor([1.0, 1.0]), rb.tensor([2.0, 3.0]), rb.tensor([4.0, 6.0]), value=2)
        tensor([2., 2.])
    """
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
    """The sum of products over the last dims of both (a plain product when either is 0-d).

    ``out[i..., j...] = sum_k input[i..., k] * other[j..., k]``: for vectors, :func:`dot`.

    Args:
        input (Tensor): ``(*a, k)``.
        other (Tensor): ``(*b, k)``.

    Shape: ``(*a, k), (*b, k) -> (*a, *b)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.inner(rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0]))
        tensor(11.)
        >>> rb.inner(rb.ones(2, 3), rb.ones(4, 3)).shape
        (2, 4)
    """
    if _data(input).ndim == 0 or _data(other).ndim == 0:
        return mul(input, other)
    return tensordot(input, other, ([-1], [-1]))


def kron(input: Any, other: Any) -> Tensor:
    """The Kronecker product: block ``(i, j)`` of the result is ``input[i, j] * other`` (any
    number of dims; the fewer-dimensional one gains leading size-1 dims).

    Args:
        input (Tensor): the tensor whose entries scale the blocks.
        other (Tensor): the block.

    Shape: ``(a_0, a_1, ...), (b_0, b_1, ...) -> (a_0 * b_0, a_1 * b_1, ...)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.kron(rb.tensor([[1, 2], [3, 4]]), rb.tensor([[1, 1]]))
        tensor([[1, 1, 2, 2],
                [3, 3, 4, 4]])
    """
    x, y = _data(input), _data(other)
    n = max(x.ndim, y.ndim)
    a = reshape(input, (1,) * (n - x.ndim) + x.shape)
    b = reshape(other, (1,) * (n - y.ndim) + y.shape)
    # a's dims interleaved with b's: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...)
    spread_a = reshape(a, tuple(s for d in a.shape for s in (d, 1)))
    spread_b = reshape(b, tuple(s for d in b.shape for s in (1, d)))
    return reshape(spread_a * spread_b, tuple(p * q for p, q in zip(a.shape, b.shape)))


def dist(input: Any, other: Any, p: float = 2) -> Tensor:
    """The p-norm of ``input - other``.

    ``(sum_i |input_i - other_i|^p)^(1/p)`` over all entries; see :func:`norm` for ``p``.

    Args:
        input (Tensor): a floating tensor.
        other (Tensor): broadcast with ``input``.
        p (float): the order of the norm (default 2).

    Shape: a 0-d tensor.

    Example:
        >>> import rosenblatt as rb
        >>> a, b = rb.tensor([0.0, 0.0]), rb.tensor([3.0, 4.0])
        >>> rb.dist(a, b), rb.dist(a, b, 1)
        (tensor(5.), tensor(7.))
    """
    return norm(input - other, p)


def cross(input: Any, other: Any, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``dim``: ``linalg.cross``, whose ``dim`` defaults to
    -1; here, as in PyTorch's older ``torch.cross``, to the first dim of size 3.

    ``(a2 b3 - a3 b2, a3 b1 - a1 b3, a1 b2 - a2 b1)`` for ``a = input``, ``b = other``.

    Args:
        input (Tensor): with size 3 at ``dim``.
        other (Tensor): the same, broadcast with ``input``.
        dim (int, optional): the dim of the vectors; the first of size 3 by default.

    Shape: the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cross(rb.tensor([1.0, 0.0, 0.0]), rb.tensor([0.0, 1.0, 0.0]))  # x times y is z
        tensor([0., 0., 1.])
    """
    if dim is None:
        shape = _data(input).shape
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise ValueError(f"cross: no dimension of size 3 in input's shape {list(shape)}; pass dim")
    from ..linalg import cross as linalg_cross  # here: rosenblatt.linalg loads on first use
    return linalg_cross(input, other, dim=dim)


def renorm(input: Any, p: float, dim: int, maxnorm: float) -> Tensor:
    """``input`` with each slice along ``dim`` whose p-norm exceeds ``maxnorm`` scaled down to it.

    ``out[i] = input[i] * maxnorm / (norm_p(input[i]) + 1e-7)`` where ``norm_p(input[i]) >
    maxnorm``, else ``input[i]`` (``input[i]`` the slice ``select(input, dim, i)``), as
    PyTorch's, whose gradient also flows through the norm of the scaled slices.

    Args:
        input (Tensor): floating, at least 2-d.
        p (float): the norm's power, > 0 (``inf`` for the largest magnitude).
        dim (int): the dim whose slices are renormalised.
        maxnorm (float): the largest norm a slice keeps, >= 0.

    Shape: ``(*)`` -> ``(*)``.

    Example:
        >>> import rosenblatt as rb
        >>> out = rb.renorm(rb.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
        >>> [[round(v, 4) for v in row] for row in out.tolist()]
        [[0.6, 0.8], [0.3, 0.4]]
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.dtype.kind != "f":
        raise TypeError(f"renorm(): expected a floating tensor, got {x.dtype}; convert it with .float()")
    if x.ndim < 2:
        raise ValueError(f"renorm(): input needs at least 2 dims (slices along dim to renormalise), got "
                         f"shape {list(x.shape)}; add one with unsqueeze(0)")
    if not p > 0:
        raise ValueError(f"renorm(): p must be positive, got {p}")
    if not maxnorm >= 0:
        raise ValueError(f"renorm(): maxnorm must be >= 0, got {maxnorm}")
    axis = dim_index(dim, x.ndim, "renorm()")
    norms = norm(x, p, tuple(d for d in range(x.ndim) if d != axis), keepdim=True)
    over = Tensor._wrap(norms.data > maxnorm)
    return x * where(over, maxnorm / (norms + 1e-7), 1.0)


def chain_matmul(*matrices: Any) -> Tensor:
    """The product of two or more 2-d tensors, ``matrices[0] @ matrices[1] @ ...`` (one alone is
    copied).  Deprecated in PyTorch, as here: use ``linalg.multi_dot``, which takes a list.

    Args:
        *matrices (Tensor): 2-d, each one's columns matching the next one's rows.

    Shape: ``(n0, n1), (n1, n2), ..., (nk-1, nk)`` -> ``(n0, nk)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.chain_matmul(rb.ones(2, 3), rb.ones(3, 4), rb.ones(4, 1)).tolist()
        [[12.0], [12.0]]
    """
    warnings.warn("chain_matmul is deprecated and will be removed, as in PyTorch; use linalg.multi_dot, "
                  "which accepts a list of two or more tensors", UserWarning, stacklevel=2)
    if not matrices:
        raise ValueError("chain_matmul(): expected one or more matrices, got none")
    shapes = [tuple(_data(m).shape) for m in matrices]
    for i, shape in enumerate(shapes):
        if len(shape) != 2:
            raise ValueError(f"chain_matmul(): every tensor must be 2-d, but tensor {i} has shape "
                             f"{list(shape)}")
    for i in range(len(shapes) - 1):
        if shapes[i][1] != shapes[i + 1][0]:
            raise ValueError(f"chain_matmul(): tensors {i} and {i + 1} with shapes {list(shapes[i])} and "
                             f"{list(shapes[i + 1])} cannot be multiplied")
    if len(matrices) == 1:
        return clone(matrices[0])
    from ..linalg import multi_dot  # here: rosenblatt.linalg loads on first use
    return multi_dot(list(matrices))
