"""Matrix products: matmul (batched, broadcasting), bmm, einsum, and the fused forms
addmm, baddbmm and addbmm (``beta * input + alpha * product``).

Backward uses the transposed operands as views, so each gradient is one GEMM
call on BLAS with no copies.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import Function, as_array
from ..tensor import Tensor
from .arithmetic import result_type
from .shape import permute, reshape


class MatMul(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y
        return xp.matmul(x, y)

    def backward(self, grad):
        x, y = self.x, self.y
        if x.ndim == 1 and y.ndim == 1:  # a dot product: grad is 0-d
            return (grad * y if self.parents[0] is not None else None,
                    grad * x if self.parents[1] is not None else None)
        # Treat 1-d operands as a row (x) or column (y) matrix, as matmul does.
        x2 = x[None, :] if x.ndim == 1 else x
        y2 = y[:, None] if y.ndim == 1 else y
        if x.ndim == 1:
            grad = xp.expand_dims(grad, -2)
        if y.ndim == 1:
            grad = xp.expand_dims(grad, -1)
        gx = gy = None
        if self.parents[0] is not None:
            gx = xp.matmul(grad, xp.swapaxes(y2, -1, -2))
            if x.ndim == 1:
                gx = gx[..., 0, :]
        if self.parents[1] is not None:
            gy = xp.matmul(xp.swapaxes(x2, -1, -2), grad)
            if y.ndim == 1:
                gy = gy[..., 0]
        return gx, gy


class Einsum(Function):
    saves_inputs = (0,)  # all of them, set per call: the class attribute only has to be non-empty

    def forward(self, *operands, inputs=(), output=""):
        self.operands, self.inputs, self.output = operands, inputs, output
        self.saves_inputs = tuple(range(len(operands)))
        out = xp.einsum(",".join(inputs) + "->" + output, *operands, optimize=len(operands) > 2)
        return xp.asarray(out, dtype=result_type(*operands))  # int64 * float32: float32, not NumPy's float64

    def backward(self, grad):
        grads = []
        for i, (x, letters) in enumerate(zip(self.operands, self.inputs)):
            if self.parents[i] is None:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(self.inputs) if j != i]
            available = set(self.output).union(*others)
            # A letter repeated in one operand ('ii->i') reads its diagonal: the gradient
            # is found per distinct letter and written back onto that diagonal.
            distinct = "".join(dict.fromkeys(letters))
            # Letters only this operand has were summed over: their gradient is a broadcast.
            kept = "".join(c for c in distinct if c in available)
            g = xp.einsum(",".join([self.output] + others) + "->" + kept,
                          grad, *[o for j, o in enumerate(self.operands) if j != i],
                          optimize=len(self.operands) > 2)
            for axis, c in enumerate(distinct):
                if c not in available:
                    g = xp.expand_dims(g, axis)
            # Ellipsis dims may broadcast (size 1 here, n in g): the engine sums those back.
            x_shape = tuple(x.shape[letters.index(c)] for c in distinct)
            g = xp.broadcast_to(g, xp.broadcast_shapes(g.shape, x_shape))
            if len(distinct) < len(letters):
                on_diagonal = xp.indices(g.shape, sparse=True)
                full = xp.zeros(tuple(g.shape[distinct.index(c)] for c in letters), dtype=g.dtype)
                full[tuple(on_diagonal[distinct.index(c)] for c in letters)] = g
                g = full
            grads.append(g)
        return tuple(grads)


def _data(a: Any) -> Any:
    return a.data if isinstance(a, Tensor) else as_array(a, "matmul")


_bool = xp.dtype(bool)


def _check_dtypes(op: str, x: Any, y: Any) -> None:
    """Raise as PyTorch for operands of a product that differ in dtype or are bool: NumPy
    would promote (int64 @ float32 to float64) where PyTorch refuses."""
    if x.dtype != y.dtype:
        raise RuntimeError(f"{op}: expected both operands to have the same dtype, got {x.dtype} "
                           f"and {y.dtype}; convert one first, e.g. a.float() @ b.float()")
    if x.dtype.kind == "b":
        raise NotImplementedError(f"{op}: not implemented for bool operands; convert them "
                                  f"first, e.g. a.float() @ b.float()")


def matmul(input: Any, other: Any) -> Tensor:
    """Matrix product with NumPy/PyTorch rules: 1-d operands, batching and broadcasting.

    Both operands must have one dtype, not bool (PyTorch's rule).  ``out[..., i, j] =
    sum_k input[..., i, k] * other[..., k, j]``; a 1-d first operand is a row and a 1-d
    second one a column, their dim dropped from the result.  The same as ``input @ other``.

    Args:
        input (Tensor): at least 1-d.
        other (Tensor): at least 1-d, of ``input``'s dtype.

    Shape: ``(*, n, k) @ (*, k, m) -> (*, n, m)`` with the ``*`` dims broadcast.

    Example:
        >>> import rosenblatt as rb
        >>> a = rb.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> rb.matmul(a, rb.tensor([[1.0, 0.0], [0.0, 2.0]]))
        tensor([[1., 4.],
                [3., 8.]])
        >>> rb.matmul(a, rb.tensor([1.0, 1.0])), rb.matmul(rb.ones(5, 2, 3), rb.ones(3, 4)).shape
        (tensor([3., 7.]), (5, 2, 4))
    """
    x, y = _data(input), _data(other)
    dtype = x.dtype
    if dtype is not y.dtype or dtype is _bool:  # by identity, cheap: NumPy's dtypes are shared
        _check_dtypes("matmul", x, y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"matmul: both arguments must be at least 1-d, got shapes "
                         f"{list(x.shape)} and {list(y.shape)}")
    k_x, k_y = x.shape[-1], y.shape[-2] if y.ndim > 1 else y.shape[0]
    if k_x != k_y:
        raise ValueError(f"matmul: shapes {list(x.shape)} and {list(y.shape)} cannot be multiplied "
                         f"({k_x} != {k_y}: the last dim of the first must equal the "
                         f"{'first' if y.ndim == 1 else 'second-to-last'} dim of the second)")
    try:
        xp.broadcast_shapes(x.shape[:-2], y.shape[:-2])
    except ValueError:
        raise ValueError(f"matmul: batch dims of shapes {list(x.shape)} and {list(y.shape)} "
                         f"do not broadcast") from None
    return MatMul.apply(input, other)


def mm(input: Any, mat2: Any) -> Tensor:
    """Product of two matrices (2-d only).

    ``out[i, j] = sum_k input[i, k] * mat2[k, j]``; see :func:`matmul` for batches and vectors.

    Args:
        input (Tensor): an ``(n, k)`` matrix.
        mat2 (Tensor): a ``(k, m)`` matrix of ``input``'s dtype.

    Shape: ``(n, k) @ (k, m) -> (n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.mm(rb.tensor([[1.0, 2.0], [3.0, 4.0]]), rb.tensor([[1.0, 0.0], [0.0, 2.0]]))
        tensor([[1., 4.],
                [3., 8.]])
    """
    if _data(input).ndim != 2 or _data(mat2).ndim != 2:
        raise ValueError(f"mm: expected 2-d tensors, got shapes {list(_data(input).shape)} "
                         f"and {list(_data(mat2).shape)}")
    _check_dtypes("mm", _data(input), _data(mat2))
    return matmul(input, mat2)


def bmm(input: Any, mat2: Any) -> Tensor:
    """Batched product ``(b, n, k) @ (b, k, m) -> (b, n, m)``; no broadcasting.

    ``out[b] = input[b] @ mat2[b]`` for each batch entry ``b``.

    Args:
        input (Tensor): a ``(b, n, k)`` batch of matrices.
        mat2 (Tensor): a ``(b, k, m)`` batch of ``input``'s dtype.

    Shape: ``(b, n, k) @ (b, k, m) -> (b, n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bmm(rb.ones(5, 2, 3), rb.ones(5, 3, 4)).shape
        (5, 2, 4)
    """
    x, y = _data(input), _data(mat2)
    if x.ndim != 3 or y.ndim != 3 or x.shape[0] != y.shape[0]:
        raise ValueError(f"bmm: expected 3-d tensors with equal batch sizes, got shapes "
                         f"{list(x.shape)} and {list(y.shape)}")
    _check_dtypes("bmm", x, y)
    return matmul(input, mat2)


def dot(input: Any, other: Any) -> Tensor:
    """The inner product ``sum_i input_i * other_i`` of two 1-d tensors of one dtype.

    Args:
        input (Tensor): a 1-d tensor.
        other (Tensor): a 1-d tensor of the same length and dtype.

    Shape: ``(n,), (n,) -> ()``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.dot(rb.tensor([1.0, 2.0, 3.0]), rb.tensor([4.0, 5.0, 6.0]))
        tensor(32.)
    """
    if _data(input).ndim != 1 or _data(other).ndim != 1:
        raise ValueError("dot: expected 1-d tensors")
    _check_dtypes("dot", _data(input), _data(other))
    return matmul(input, other)


def outer(input: Any, vec2: Any) -> Tensor:
    """The outer product ``out[i, j] = input[i] * vec2[j]`` of two 1-d tensors.

    Args:
        input (Tensor): a 1-d tensor.
        vec2 (Tensor): a 1-d tensor.

    Shape: ``(n,), (m,) -> (n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.outer(rb.tensor([1, 2]), rb.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]])
    """
    from .shape import unsqueeze
    if _data(input).ndim != 1 or _data(vec2).ndim != 1:
        raise ValueError(f"outer: expected 1-d tensors, got shapes {list(_data(input).shape)} and "
                         f"{list(_data(vec2).shape)}; flatten them first")
    return unsqueeze(input, 1) * unsqueeze(vec2, 0)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, e.g. ``einsum('bij,bjk->bik', a, b)``; ``...`` and implicit output allowed.

    Each operand's dims are named by letters; letters missing from the output are summed
    over (multiplying the operands that share them).  Without ``->``, the output holds the
    letters that appear once, in alphabetical order.

    Args:
        equation (str): the subscripts, as ``'ij,jk->ik'``.
        operands (Tensor): one tensor per comma-separated term (or one list of them).

    Shape: the output's dims are the sizes of its letters.

    Example:
        >>> import rosenblatt as rb
        >>> a = rb.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> rb.einsum("ii", a), rb.einsum("i,i->", rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0]))
        (tensor(5.), tensor(11.))
        >>> rb.einsum("bij,bjk->bik", rb.ones(5, 2, 3), rb.ones(5, 3, 4)).shape
        (5, 2, 4)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    arrays = [_data(o) for o in operands]
    inputs, output = _parse_einsum(equation.replace(" ", ""), arrays)
    for letter in set("".join(inputs)) - set(output):
        # a letter summed over two operands is a product PyTorch does as bmm, which needs
        # one dtype, not bool (letters of one operand, or kept ones, are sums and products)
        holders = [a for a, letters in zip(arrays, inputs) if letter in letters]
        for a in holders[1:]:
            _check_dtypes("einsum", holders[0], a)
    return Einsum.apply(*operands, inputs=tuple(inputs), output=output)


def _parse_einsum(equation: str, arrays: list) -> tuple[list[str], str]:
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(arrays):
        raise ValueError(f"einsum: equation {equation!r} names {len(inputs)} operands, got {len(arrays)}")
    used = set(c for c in equation if c.isalpha())
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    width = max((a.ndim - len(s.replace("...", "")) for s, a in zip(inputs, arrays) if "..." in s), default=0)
    ell = "".join(spare[:width])
    expanded = []
    for s, a in zip(inputs, arrays):
        if "..." in s:
            n = a.ndim - len(s.replace("...", ""))
            s = s.replace("...", ell[width - n:] if n else "")
        if len(s) != a.ndim:
            raise ValueError(f"einsum: subscripts {s!r} do not fit an operand of shape {list(a.shape)}")
        expanded.append(s)
    if arrow:
        output = rhs.replace("...", ell)
    else:
        letters = "".join(expanded)
        output = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    return expanded, output


class Diag(Function):
    """A vector onto the ``offset`` diagonal of a square matrix, or a matrix's ``offset`` diagonal out."""

    def forward(self, x, offset=0):
        self.shape, self.offset = x.shape, offset
        return xp.diag(x, offset).copy()  # NumPy's diagonal of a matrix is a read-only view

    def backward(self, grad):
        if len(self.shape) == 1:  # the vector went onto the diagonal: read it back
            return xp.diagonal(grad, self.offset).copy()
        out = xp.zeros(self.shape, dtype=grad.dtype)
        i = xp.arange(len(grad))
        out[i + max(-self.offset, 0), i + max(self.offset, 0)] = grad
        return out


def diag(input: Any, diagonal: int = 0) -> Tensor:
    """A 1-d ``input`` placed on the ``diagonal``-th diagonal of a square matrix (above the main
    one for ``diagonal > 0``), or the ``diagonal``-th diagonal of a 2-d ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.diag(rb.tensor([1.0, 2.0])).tolist()
        [[1.0, 0.0], [0.0, 2.0]]
        >>> rb.diag(rb.tensor([[1.0, 2.0], [3.0, 4.0]]), 1).tolist()
        [2.0]
    """
    if _data(input).ndim not in (1, 2):
        raise ValueError(f"diag(): expected a 1-d or 2-d tensor, got shape {list(_data(input).shape)}")
    return Diag.apply(input, offset=diagonal)


def diagflat(input: Any, offset: int = 0) -> Tensor:
    """``input``'s entries, flattened, on the ``offset``-th diagonal of a square matrix.

    Args:
        input (Tensor): any shape; its ``n`` entries in row-major order.
        offset (int): 0 the main diagonal, > 0 above it, < 0 below (default 0).

    Shape: ``(n + |offset|, n + |offset|)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.diagflat(rb.tensor([1, 2]), 1)
        tensor([[0, 1, 0],
                [0, 0, 2],
                [0, 0, 0]])
    """
    from .shape import reshape
    return diag(reshape(input, (-1,)), offset)


def trace(input: Any) -> Tensor:
    """The sum of a 2-d ``input``'s main diagonal.

    ``sum_i input[i, i]``; the matrix need not be square.

    Args:
        input (Tensor): a 2-d tensor.

    Shape: ``(n, m) -> ()``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.trace(rb.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(5.)
    """
    if _data(input).ndim != 2:
        raise ValueError(f"trace(): expected a 2-d tensor, got shape {list(_data(input).shape)}")
    return diag(input).sum()


def addmm(input: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``, ``input`` broadcast to the product's shape.

    ``beta == 0`` ignores ``input`` (nan included), as PyTorch does.

    Args:
        input (Tensor): added to the product; broadcasts to ``(n, m)``.
        mat1 (Tensor): an ``(n, k)`` matrix.
        mat2 (Tensor): a ``(k, m)`` matrix.
        beta (number): the multiplier of ``input`` (default 1).
        alpha (number): the multiplier of the product (default 1).

    Shape: ``(n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> a, b = rb.tensor([[1.0, 2.0], [3.0, 4.0]]), rb.tensor([[1.0, 0.0], [0.0, 2.0]])
        >>> rb.addmm(rb.tensor([1.0, 1.0]), a, b, beta=2)  # a bias row added to each row
        tensor([[ 3.,  6.],
                [ 5., 10.]])
    """
    return _scaled_sum(input, beta, mm(mat1, mat2), alpha, "addmm")


def _scaled_sum(input: Any, beta: Any, product: Tensor, alpha: Any, op: str | None = None) -> Tensor:
    """``beta * input + alpha * product``, skipping a multiply by 1; ``beta == 0`` ignores
    ``input``, its nan and inf included, as PyTorch does.  With ``op`` named, ``input`` must
    have the product's dtype and broadcast to its shape, as PyTorch's addmm/baddbmm/addmv
    require (addr promotes instead, and passes no ``op``)."""
    if op is not None:
        _check_added(op, input, product)
    product = product if alpha == 1 else product * alpha
    if beta == 0:
        return product
    return (input if beta == 1 else input * beta) + product


def baddbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices, ``input`` broadcast.

    ``beta == 0`` ignores ``input`` (nan included), as PyTorch does.

    Args:
        input (Tensor): added to the products; broadcasts to ``(b, n, m)``.
        batch1 (Tensor): a ``(b, n, k)`` batch of matrices.
        batch2 (Tensor): a ``(b, k, m)`` batch.
        beta (number): the multiplier of ``input`` (default 1).
        alpha (number): the multiplier of the products (default 1).

    Shape: ``(b, n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> out = rb.baddbmm(rb.ones(1, 2, 2), rb.ones(3, 2, 4), rb.ones(3, 4, 2), alpha=0.5)
        >>> out.shape, out[0, 0, 0].item()  # 1 + 0.5 * 4
        ((3, 2, 2), 3.0)
    """
    return _scaled_sum(input, beta, bmm(batch1, batch2), alpha, "baddbmm")


def addbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``: a batch of products summed into
    one matrix, ``input`` broadcast to it.

    ``beta == 0`` ignores ``input`` (nan included), as PyTorch does.

    Args:
        input (Tensor): added to the summed products; broadcasts to ``(n, m)``, of their dtype.
        batch1 (Tensor): a ``(b, n, k)`` batch of matrices.
        batch2 (Tensor): a ``(b, k, m)`` batch of ``batch1``'s dtype.
        beta (number): the multiplier of ``input`` (default 1).
        alpha (number): the multiplier of the summed products (default 1).

    Shape: ``(n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.addbmm(rb.zeros(2, 2), rb.ones(3, 2, 4), rb.ones(3, 4, 2), alpha=0.5)  # 0.5 * 3 * 4
        tensor([[6., 6.],
                [6., 6.]])
    """
    x, y = _data(batch1), _data(batch2)
    if x.ndim != 3 or y.ndim != 3 or x.shape[0] != y.shape[0] or x.shape[2] != y.shape[1]:
        raise ValueError(f"addbmm: expected batches of shapes (b, n, k) and (b, k, m), got "
                         f"{list(x.shape)} and {list(y.shape)}")
    _check_dtypes("addbmm", x, y)
    b, n, k = x.shape
    # One GEMM, as PyTorch: the batch side by side, (n, b*k) @ (b*k, m), sums the b products.
    rows = reshape(permute(batch1, (1, 0, 2)), (n, b * k))
    return _scaled_sum(input, beta, mm(rows, reshape(batch2, (b * k, y.shape[2]))), alpha, "addbmm")


def _check_added(op: str, input: Any, product: Tensor) -> None:
    """PyTorch's checks on the tensor added to a product: the product's dtype (no promotion,
    so an in-place form never casts), and a shape that broadcasts to the product's."""
    data = _data(input)
    if data.dtype != product.dtype:
        raise RuntimeError(f"{op}: expected input to have the dtype of the product, {product.dtype}, "
                           f"got {data.dtype}; convert it first, e.g. input.to(mat.dtype)")
    try:
        fits = xp.broadcast_shapes(data.shape, product.shape) == product.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{op}: input of shape {list(data.shape)} does not broadcast to the "
                         f"product's shape {list(product.shape)}")


class EuclideanDistances(Function):
    """``d[..., i, j] = |x1[..., i, :] - x2[..., j, :]|`` through one GEMM: ``|a|^2 + |b|^2 - 2 a.b``."""

    saves_inputs = (0, 1)
    saves_output = True

    def forward(self, x1, x2):
        self.x1, self.x2 = x1, x2
        squared = ((x1 * x1).sum(-1)[..., :, None] + (x2 * x2).sum(-1)[..., None, :]
                   - 2 * (x1 @ x2.swapaxes(-1, -2)))
        self.d = xp.sqrt(xp.maximum(squared, 0))
        return self.d

    def backward(self, grad):
        # d d_ij / d x1_i = (x1_i - x2_j) / d_ij, taken as 0 where d_ij = 0 (PyTorch's choice)
        d = self.d
        scaled = xp.divide(grad, d, out=xp.zeros_like(d), where=d > 0)
        g1 = self.x1 * scaled.sum(-1)[..., None] - scaled @ self.x2
        g2 = self.x2 * scaled.sum(-2)[..., None] - scaled.swapaxes(-1, -2) @ self.x1
        return g1, g2


def cdist(x1: Any, x2: Any, p: float = 2.0) -> Tensor:
    """Euclidean distances between the rows of ``x1`` (..., P, M) and of ``x2`` (..., R, M):
    (..., P, R), through one matrix product (``|a|^2 + |b|^2 - 2 a.b``), as PyTorch does for
    large inputs.  The gradient at a zero distance is 0, as PyTorch's.  ``p = 2`` only.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cdist(rb.tensor([[0.0, 0.0]]), rb.tensor([[3.0, 4.0], [0.0, 1.0]])).tolist()
        [[5.0, 1.0]]
    """
    if p != 2:
        raise ValueError(f"cdist(): only p=2 (Euclidean) is available, got p={p}")
    a, b = _data(x1), _data(x2)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(f"cdist(): expected x1 (..., P, M) and x2 (..., R, M) with the same M, got "
                         f"{list(a.shape)} and {list(b.shape)}")
    _check_dtypes("cdist", a, b)
    if a.dtype.kind != "f":
        raise TypeError(f"cdist(): expected floating point inputs, got {a.dtype}")
    return EuclideanDistances.apply(x1, x2)
