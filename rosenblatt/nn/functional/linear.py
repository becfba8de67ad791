"""linear, embedding and dropout: the functional forms behind Linear, Embedding, Dropout."""
from __future__ import annotations

import math
from typing import Any

from ..._backend import xp
from ...autograd.function import Function, add_rows
from ...ops import inplace, mul
from ...random import Generator, draw_dtype, numpy_generator
from ...tensor import Tensor
from ._checks import check_dtype, check_floating


class Linear(Function):
    """``x @ W.T + b`` in one node: backward is two GEMMs and a column sum (the MLP hot path)."""

    saves_inputs = (0, 1)

    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        # One 2-D GEMM for any leading dims: NumPy's matmul would loop over a 3-D batch.
        out = (_rows(x) @ w.T).reshape(x.shape[:-1] + (w.shape[0],))
        if b is not None:
            out += b  # fresh array from the matmul, so adding in place is safe
        return out

    def backward(self, grad):
        x, w = self.x, self.w
        parents = self.parents
        g2 = _rows(grad)  # 2-D GEMMs, as in forward
        gx = (g2 @ w).reshape(x.shape) if parents[0] is not None else None
        gw = gb = None
        if parents[1] is not None or (len(parents) > 2 and parents[2] is not None):
            if parents[1] is not None:
                gw = g2.T @ _rows(x)
            if len(parents) > 2 and parents[2] is not None:
                # a GEMV with a ones vector: 2-5x faster than sum(axis=0) over the rows
                gb = xp.ones(g2.shape[0], dtype=g2.dtype) @ g2
        if len(parents) == 2:
            return gx, gw
        return gx, gw, gb


def _rows(a: Any) -> Any:
    """``a`` as a matrix whose rows are its last dimension (``reshape(-1, n)`` is ambiguous,
    and raises, when a dimension is 0)."""
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Affine map ``y = x W^T + b``.

    Args:
        input: ``(*, in_features)``.
        weight: ``(out_features, in_features)``.
        bias: ``(out_features,)`` or None.

    Shape: ``(*, in_features) -> (*, out_features)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.linear(rb.ones(2, 3), rb.ones(4, 3)).shape
        (2, 4)
    """
    x = input.data if isinstance(input, Tensor) else xp.asarray(input)
    w = weight.data if isinstance(weight, Tensor) else xp.asarray(weight)
    if x.ndim == 0 or w.ndim != 2 or x.shape[-1] != w.shape[1]:
        raise ValueError(f"linear(): input of shape {tuple(x.shape)} does not match weight of shape "
                         f"{tuple(w.shape)}: expected input (*, {w.shape[-1] if w.ndim else '?'}) "
                         f"and weight (out_features, in_features)")
    if w.dtype is not x.dtype or bias is not None and bias.data.dtype is not x.dtype:
        check_dtype("linear()", x, weight=w, bias=bias)
    if bias is None:
        return Linear.apply(input, weight)
    return Linear.apply(input, weight, bias)


class Embedding(Function):
    def forward(self, weight, indices=None, padding_idx=None):
        self.indices, self.num, self.padding_idx = indices, weight.shape[0], padding_idx
        return weight[indices]

    def backward(self, grad):
        dim = grad.shape[-1]
        g = add_rows(xp.zeros((self.num, dim), dtype=grad.dtype), self.indices.reshape(-1),
                     grad.reshape(-1, dim))
        if self.padding_idx is not None:
            g[self.padding_idx] = 0
        return g


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` picked by the integer indices ``input``.

    Args:
        input: integer tensor of any shape, values in ``[0, num_embeddings)``.
        weight: ``(num_embeddings, embedding_dim)``.
        padding_idx: this row receives no gradient (negative counts from the end).

    Shape: ``(*) -> (*, embedding_dim)``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> weight = rb.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]])
        >>> F.embedding(rb.tensor([2, 1, 1]), weight)
        tensor([[3., 4.],
                [1., 2.],
                [1., 2.]])
        >>> F.embedding(rb.tensor([[0, 2], [1, 1]]), weight).shape
        (2, 2, 2)
    """
    idx = input.data if isinstance(input, Tensor) else xp.asarray(input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding(): indices must be an integer tensor, got dtype {idx.dtype}")
    if weight.ndim != 2:
        raise ValueError(f"embedding(): weight must be 2-d (num_embeddings, embedding_dim), got "
                         f"shape {tuple(weight.shape)}")
    n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.max() if idx.max() >= n else idx.min()
        raise ValueError(f"embedding(): index {int(bad)} is out of range for an embedding with "
                         f"{n} rows (valid: 0 to {n - 1})")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding(): padding_idx {padding_idx} must be within the {n} rows "
                             f"of the weight (-{n} to {n - 1})")
        padding_idx %= n
    return Embedding.apply(weight, indices=idx, padding_idx=padding_idx)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
            generator: Generator | None = None) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Identity when ``training`` is False.  Masks come from ``generator`` (the
    default generator when None), so a seeded generator gives the same masks.

    Args:
        input: a floating-point tensor of any shape.
        p: probability of zeroing an element, in [0, 1] (default 0.5).
        training: apply dropout (default True) or return ``input`` unchanged.
        inplace: write the result into ``input`` (default False).
        generator: the ``rosenblatt.Generator`` for the mask (default generator if None).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> g = rb.Generator().manual_seed(0)
        >>> F.dropout(rb.ones(8), p=0.5, generator=g)  # the kept ones scaled by 1 / (1 - p)
        tensor([2., 2., 2., 0., 0., 0., 0., 0.])
        >>> F.dropout(rb.ones(3), p=0.5, training=False)
        tensor([1., 1., 1.])
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    data = input.data
    check_floating("dropout()", data)
    if p == 1.0:
        mask = xp.zeros(data.shape, dtype=data.dtype)
    else:
        rng = numpy_generator(generator)
        mask = (rng.random(data.shape, dtype=draw_dtype(data.dtype)) >= p).astype(data.dtype)
        mask *= 1.0 / (1.0 - p)
    if inplace:
        return _inplace(input, mask)
    return mul(input, Tensor._wrap(mask))


def _inplace(input: Tensor, mask: Any) -> Tensor:
    return inplace(input, mul, Tensor._wrap(mask))
