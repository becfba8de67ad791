"""scaled_dot_product_attention: one fused node for ``softmax(q k^T * scale + mask) v``.

Forward keeps the attention probabilities, so backward is four batched GEMMs
and one softmax-Jacobian product, with no graph of intermediate nodes.  A row
whose every key is masked out gives zeros (output and gradients), as PyTorch's
``F.scaled_dot_product_attention`` does, instead of NaN.
"""
from __future__ import annotations

import math
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...random import Generator, numpy_generator
from ...tensor import Tensor
from ._checks import check_floating

_causal_cache: dict = {}


def _causal_bias(L: int, S: int, dtype: Any) -> Any:
    """``(L, S)`` additive mask: 0 on and below the diagonal, -inf above (top-left aligned, as PyTorch)."""
    key = (L, S, xp.dtype(dtype).str)
    bias = _causal_cache.get(key)
    if bias is None:
        bias = xp.where(xp.tri(L, S, dtype=bool), 0.0, -xp.inf).astype(dtype)
        _causal_cache[key] = bias
    return bias


def _transposed(a: Any) -> Any:
    """``a`` with its last two axes swapped, copied contiguous: NumPy's batched matmul ran
    ``q @ k^T`` 1.2x faster on the copy than on the swapped view ((32, 4, 64, 32) float32,
    the copy included).  ``p^T @ g`` is the other way round, so backward keeps its views."""
    return xp.ascontiguousarray(xp.swapaxes(a, -1, -2))


class ScaledDotProductAttention(Function):
    """Inputs ``q, k, v`` and optionally an additive float mask (which then gets a gradient)."""

    saves_inputs = (0, 1, 2)
    saves_output = True

    def forward(self, q, k, v, float_mask=None, bool_mask=None, causal=False, scale=1.0, keep=None):
        s = q @ _transposed(k)  # (..., L, S)
        s *= scale
        masked = causal or bool_mask is not None or float_mask is not None
        if float_mask is not None:
            s = s + float_mask  # not in place: the mask may broadcast s to a larger shape
        if causal:
            s += _causal_bias(s.shape[-2], s.shape[-1], s.dtype)
        if bool_mask is not None:
            s = xp.where(bool_mask, s, s.dtype.type(-xp.inf))
        # initial: the max of no keys (S = 0) is -inf; and NumPy's max over float32 rows of 64
        # ran 2.6x faster given it than starting from each row's first element (rows of 65: same)
        m = s.max(axis=-1, keepdims=True, initial=-xp.inf)
        if masked:
            # A fully masked row has max -inf; shift it by 0 so exp gives zeros, not NaN.
            m[xp.isneginf(m)] = 0
        s -= m
        p = xp.exp(s, out=s)
        denom = p.sum(axis=-1, keepdims=True)
        if masked:
            denom[denom == 0] = 1
        p /= denom
        self.q, self.k, self.v, self.p, self.keep, self.scale = q, k, v, p, keep, scale
        if keep is not None:
            p = p * keep  # keep: the dropout mask, already scaled by 1 / (1 - dropout_p)
        self.pd = p
        self.out = p @ v
        return self.out

    def backward(self, grad):
        q, k, v, p = self.q, self.k, self.v, self.p
        parents = self.parents
        dv = None
        if parents[2] is not None:
            dv = xp.swapaxes(self.pd, -1, -2) @ grad  # (..., S, Ev)
        dp = grad @ _transposed(v)  # (..., L, S), a fresh array
        if self.keep is not None:
            dp *= self.keep
        # Softmax Jacobian: ds = p * (dp - rowsum(dp * p)), and rowsum(dp * p) = rowsum(grad * out)
        # (FlashAttention's trick): an (L, Ev) product instead of an (L, S) one, dropout or not.
        dp -= xp.einsum("...i,...i->...", grad, self.out)[..., None]
        dp *= p
        dmask = None
        if len(parents) > 3 and parents[3] is not None:
            dmask, ds = dp, dp * self.scale  # the mask is added after the scale
        else:
            dp *= self.scale
            ds = dp
        dq = ds @ k if parents[0] is not None else None
        dk = xp.swapaxes(ds, -1, -2) @ q if parents[1] is not None else None
        if len(parents) > 3:
            return dq, dk, dv, dmask
        return dq, dk, dv


def _shape(t: Any) -> tuple:
    return tuple(t.shape)


def _repeat_heads(t: Tensor, heads: int, name: str, op: str) -> Tensor:
    """Grouped-query attention: ``t``'s ``n`` heads (dim -3) each serve ``heads // n`` consecutive
    query heads, i.e. ``t.repeat_interleave(heads // n, dim=-3)`` as PyTorch's ``enable_gqa``."""
    n = t.shape[-3]
    if heads % n:
        raise ValueError(f"{op}: with enable_gqa the number of {name} heads must divide the query's "
                         f"{heads} heads (dim -3), got {n}")
    if n == heads:
        return t
    lead, rest = tuple(t.shape[:-3]), tuple(t.shape[-2:])
    return t.unsqueeze(-3).expand(*lead, n, heads // n, *rest).reshape(*lead, heads, *rest)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 generator: Generator | None = None, enable_gqa: bool = False) -> Tensor:
    """Attention ``softmax(Q K^T * scale + M) V`` in one fused node.

    Args:
        query: ``(..., L, E)``.
        key: ``(..., S, E)``.
        value: ``(..., S, Ev)``.
        attn_mask: bool mask (True = the query may attend to that key, as PyTorch) or a
            float mask added to the scores; broadcastable to ``(..., L, S)``.
        dropout_p: dropout on the attention probabilities (apply only while training).
        is_causal: mask out keys after each query (top-left aligned ``tril(ones(L, S))``);
            combined with ``attn_mask`` when both are given, as PyTorch does.
        scale: score scale, default ``1 / sqrt(E)``.
        generator: source of the dropout mask (default generator when None).
        enable_gqa: grouped-query attention: key and value may have fewer heads (dim -3)
            than query, a divisor of its count; each serves consecutive query heads.

    Shape: returns ``(..., L, Ev)``.  A query with every key masked gives zeros.

    Example:
        >>> import rosenblatt as rb
        >>> q = rb.randn(2, 4, 8, 16)
        >>> rb.nn.functional.attention.scaled_dot_product_attention(q, q, q, is_causal=True).shape
        (2, 4, 8, 16)
    """
    q, k, v = query.data, key.data, value.data
    op = "scaled_dot_product_attention()"
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ValueError(f"{op}: query, key and value need at least 2 dims (..., seq, features), got "
                         f"{_shape(q)}, {_shape(k)}, {_shape(v)}")
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"{op}: expected query (..., L, E), key (..., S, E), value (..., S, Ev); got "
                         f"query {_shape(q)}, key {_shape(k)}, value {_shape(v)}")
    check_floating(op, q)
    if enable_gqa:
        if q.ndim < 3 or k.ndim < 3 or v.ndim < 3:
            raise ValueError(f"{op}: enable_gqa needs a heads dim (..., H, seq, features) in query, key "
                             f"and value, got {_shape(q)}, {_shape(k)}, {_shape(v)}")
        key, value = (_repeat_heads(t, q.shape[-3], name, op) for t, name in ((key, "key"), (value, "value")))
        k, v = key.data, value.data
    if not q.dtype == k.dtype == v.dtype:
        raise RuntimeError(f"{op}: expected query, key and value of one dtype, got {q.dtype}, "
                           f"{k.dtype} and {v.dtype}; convert them, e.g. key.to(query.dtype)")
    try:
        batch = xp.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(f"{op}: batch dims of query {_shape(q)}, key {_shape(k)} and value {_shape(v)} "
                         f"do not broadcast") from None
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{op}: dropout_p must be in [0, 1], got {dropout_p}")
    scores = batch + (q.shape[-2], k.shape[-2])
    float_mask = bool_mask = None
    if attn_mask is not None:
        m = attn_mask.data if isinstance(attn_mask, Tensor) else xp.asarray(attn_mask)
        try:
            ok = xp.broadcast_shapes(m.shape, scores) == scores
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"{op}: attn_mask of shape {_shape(m)} does not broadcast to the scores' "
                             f"shape {scores} (..., L, S)")
        if m.dtype == bool:
            bool_mask = m
        elif m.dtype == q.dtype or m.dtype == xp.float32:  # PyTorch casts a float32 mask
            float_mask = attn_mask if isinstance(attn_mask, Tensor) else Tensor._wrap(m)
            float_mask = float_mask.to(q.dtype)
        else:
            raise TypeError(f"{op}: attn_mask must be bool, float32 or the query's dtype {q.dtype}, "
                            f"got dtype {m.dtype}")
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    keep = None
    if dropout_p > 0.0:
        shape = xp.broadcast_shapes(scores, float_mask.shape if float_mask is not None else ())
        if dropout_p == 1.0:
            keep = xp.zeros(shape, dtype=q.dtype)
        else:
            keep = (numpy_generator(generator).random(shape, dtype=xp.float32) >= dropout_p).astype(q.dtype)
            keep *= 1.0 / (1.0 - dropout_p)
    inputs = (query, key, value) if float_mask is None else (query, key, value, float_mask)
    return ScaledDotProductAttention.apply(*inputs, bool_mask=bool_mask, causal=bool(is_causal),
                                           scale=scale, keep=keep)
