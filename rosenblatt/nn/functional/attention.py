"""Attention: scaled_dot_product_attention, one fused node for ``softmax(q k^T * scale + mask) v``,
and multi_head_attention_forward, the math of ``nn.MultiheadAttention`` built on it.

SDPA's forward keeps the attention probabilities, so backward is four batched GEMMs
and one softmax-Jacobian product, with no graph of intermediate nodes.  A row
whose every key is masked out gives zeros (output and gradients), as PyTorch's
``F.scaled_dot_product_attention`` does, instead of NaN.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...ops import cat, pad, softmax
from ...random import Generator, numpy_generator
from ...tensor import Tensor
from ._checks import check_floating
from .linear import dropout, linear

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


def _as_tensor(mask: Any) -> Tensor | None:
    return mask if mask is None or isinstance(mask, Tensor) else Tensor._wrap(xp.asarray(mask))


def _additive_mask(mask: Any, name: str, dtype: Any, op: str) -> Tensor:
    """A user mask as a float tensor added to the scores: bool True (= not allowed) becomes -inf;
    a float mask stays a tensor, so it gets a gradient when it requires one."""
    m = mask
    if m.dtype == bool:
        additive = xp.zeros(m.shape, dtype=dtype)
        additive[m.data] = -xp.inf
        return Tensor._wrap(additive)
    if m.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be bool or floating point, got dtype {m.dtype}")
    if m.dtype != dtype and m.dtype != xp.float32:  # a float32 mask is cast, as PyTorch's SDPA path does
        raise TypeError(f"{op}: {name} of dtype {m.dtype} does not match the query dtype {xp.dtype(dtype)}; "
                        f"convert it, {name}.to({xp.dtype(dtype)})")
    return m.to(dtype)


def _heads(t: Tensor, H: int, batch_first: bool) -> Tensor:
    """Projected ``(S, N, E)`` (or ``(N, S, E)``) as ``(N, H, S, E // H)``; a view of the projection."""
    t = t.reshape(*t.shape[:2], H, t.shape[2] // H)
    return t.transpose(1, 2) if batch_first else t.permute(1, 2, 0, 3)


def _in_projection(query: Tensor, key: Tensor, value: Tensor, E: int, in_proj_weight: Tensor | None,
                   in_proj_bias: Tensor | None, separate: bool, q_proj_weight: Tensor | None,
                   k_proj_weight: Tensor | None, v_proj_weight: Tensor | None, same_qk: bool, same_kv: bool,
                   op: str) -> tuple[Tensor, Tensor, Tensor]:
    """``query W_q^T + b_q`` and likewise for key and value, each ``(..., E)``; self-attention
    (query, key, value one tensor) and a shared key/value take one GEMM for what they share."""
    b = in_proj_bias
    if b is not None and _shape(b) != (3 * E,):
        raise ValueError(f"{op}: in_proj_bias must have shape ({3 * E},) (3 * embed_dim), got {_shape(b)}")
    bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
    if separate:
        weights = (("q_proj_weight", q_proj_weight, query), ("k_proj_weight", k_proj_weight, key),
                   ("v_proj_weight", v_proj_weight, value))
        for name, w, x in weights:
            if w is None:
                raise ValueError(f"{op}: use_separate_proj_weight is True but {name} is None")
            if _shape(w) != (E, x.shape[-1]):
                raise ValueError(f"{op}: {name} must have shape ({E}, {x.shape[-1]}) (embed_dim, features of "
                                 f"the input it projects), got {_shape(w)}")
        return linear(query, q_proj_weight, bq), linear(key, k_proj_weight, bk), linear(value, v_proj_weight, bv)
    w = in_proj_weight
    if w is None:
        raise ValueError(f"{op}: use_separate_proj_weight is False but in_proj_weight is None")
    if _shape(w) != (3 * E, E):
        raise ValueError(f"{op}: in_proj_weight must have shape ({3 * E}, {E}) (3 * embed_dim, embed_dim), "
                         f"got {_shape(w)}")
    if key.shape[-1] != E:
        raise ValueError(f"{op}: key and value must have embed_dim={E} features with the packed in_proj_weight "
                         f"(use_separate_proj_weight for others), got key {_shape(key)}")
    if same_qk and same_kv:  # self-attention
        return linear(query, w, b).chunk(3, dim=-1)
    if same_kv:  # encoder-decoder attention
        k, v = linear(key, w[E:], None if b is None else b[E:]).chunk(2, dim=-1)
        return linear(query, w[:E], bq), k, v
    return linear(query, w[:E], bq), linear(key, w[E:2 * E], bk), linear(value, w[2 * E:], bv)


def _static(t: Any, name: str, N: int, H: int, hd: int, op: str) -> Tensor:
    """``static_k``/``static_v`` ``(N * H, S, hd)`` as ``(N, H, S, hd)``."""
    if t.ndim != 3 or t.shape[0] != N * H or t.shape[2] != hd:
        raise ValueError(f"{op}: {name} must have shape ({N * H}, S, {hd}) (N * num_heads, S, head_dim), "
                         f"got {_shape(t)}")
    return t.reshape(N, H, t.shape[1], hd)


def multi_head_attention_forward(
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
        bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
        out_proj_bias: Tensor | None, training: bool = True, key_padding_mask: Tensor | None = None,
        need_weights: bool = True, attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
        q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
        v_proj_weight: Tensor | None = None, static_k: Tensor | None = None, static_v: Tensor | None = None,
        average_attn_weights: bool = True, is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention ``concat(head_1..head_h) W_o + b_o`` on sequence-first inputs (the math of
    ``nn.MultiheadAttention``).

    ``head_i = softmax(Q_i K_i^T / sqrt(d) + M) V_i`` with ``Q_i = query W_q^i + b_q^i`` (likewise
    ``K_i``, ``V_i``), ``d = E / num_heads``, and ``M`` the sum of ``attn_mask`` and
    ``key_padding_mask``.  A bool mask is True where attention is NOT allowed (``-inf``); a float
    mask is added to the scores.

    Args:
        query, key, value: ``(L, N, E)``, ``(S, N, kdim)``, ``(S, N, vdim)``, or unbatched
            ``(L, E)``, ``(S, kdim)``, ``(S, vdim)``; ``kdim = vdim = E`` unless
            ``use_separate_proj_weight``.
        embed_dim_to_check: ``E``; query's features must equal it.
        num_heads: heads; ``E`` must be divisible by it.
        in_proj_weight: ``(3E, E)``, ``W_q, W_k, W_v`` stacked (None with ``use_separate_proj_weight``).
        in_proj_bias: ``(3E,)`` or None.
        bias_k, bias_v: ``(1, 1, E)`` (both or neither): one more key and value appended to every
            sequence after the projections.
        add_zero_attn: append one more key and value of zeros, per head, after those.
            Masks get an allowed column for each appended key.
        dropout_p: dropout on the attention probabilities, applied only when ``training``.
        out_proj_weight, out_proj_bias: ``W_o`` ``(E, E)`` and ``b_o`` ``(E,)`` or None.
        training: apply dropout (default True).
        key_padding_mask: ``(N, S)`` (or ``(S,)`` unbatched), True (or ``-inf``) at padded keys.
        need_weights: also return the attention weights (default True); False takes the fused
            ``scaled_dot_product_attention`` path, where a query with no allowed key gives zeros
            (with weights it gives NaN, as in PyTorch).
        attn_mask: ``(L, S)`` or ``(N * num_heads, L, S)`` (``(num_heads, L, S)`` unbatched).
        use_separate_proj_weight: project with ``q_proj_weight`` ``(E, E)``, ``k_proj_weight``
            ``(E, kdim)`` and ``v_proj_weight`` ``(E, vdim)`` instead of ``in_proj_weight``.
        q_proj_weight, k_proj_weight, v_proj_weight: those weights, or None.
        static_k, static_v: ``(N * num_heads, S', E / num_heads)``: use these projected keys/values
            instead of projecting ``key``/``value``.
        average_attn_weights: average the returned weights over heads (default True).
        is_causal: hint that ``attn_mask`` is the causal mask (it must still be given); without
            ``key_padding_mask`` or ``need_weights`` the causal mask is applied instead of it.

    Shape: returns ``(output, weights)``: output ``(L, N, E)`` (``(L, E)`` unbatched); weights
    ``(N, L, S)`` averaged or ``(N, num_heads, L, S)`` (without ``N`` unbatched), ``S`` counting
    appended keys, or None unless ``need_weights``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> E, H = 8, 2
        >>> x = rb.randn(5, 3, E)  # (L, N, E)
        >>> out, w = F.attention.multi_head_attention_forward(
        ...     x, x, x, E, H, rb.randn(3 * E, E), rb.zeros(3 * E), None, None, False, 0.0,
        ...     rb.randn(E, E), rb.zeros(E))
        >>> out.shape, w.shape
        ((5, 3, 8), (3, 5, 5))
    """
    return _multi_head_attention(
        query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
        add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training, key_padding_mask, need_weights,
        attn_mask, use_separate_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight, static_k, static_v,
        average_attn_weights, is_causal)


def _multi_head_attention(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                          bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training,
                          key_padding_mask, need_weights, attn_mask, use_separate_proj_weight, q_proj_weight,
                          k_proj_weight, v_proj_weight, static_k, static_v, average_attn_weights, is_causal,
                          batch_first=False, generator=None):
    """``multi_head_attention_forward``, also on batch-first ``(N, L, E)`` inputs (``batch_first``):
    ``nn.MultiheadAttention`` calls this instead of transposing its inputs, which would cost a copy
    in each projection's GEMM and hand back a non-contiguous output."""
    op = "multi_head_attention_forward()"
    H, b = num_heads, 0 if batch_first else 1  # b: the batch dim of 3-D inputs
    E = embed_dim_to_check
    layout = f"(N, L, {E})" if batch_first else f"(L, N, {E})"
    if query.ndim not in (2, 3) or query.shape[-1] != E:
        raise ValueError(f"{op}: query must be {layout} or unbatched (L, {E}) (embed_dim_to_check={E}), "
                         f"got {_shape(query)}")
    batched = query.ndim == 3
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise ValueError(f"{op}: key and value must be {query.ndim}-D like query {_shape(query)}, got "
                         f"key {_shape(key)} and value {_shape(value)}")
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"{op}: expected query, key and value of one dtype, got {query.dtype}, {key.dtype} "
                           f"and {value.dtype}; convert them, e.g. key.to(query.dtype)")
    if num_heads <= 0 or E % num_heads:
        raise ValueError(f"{op}: embed_dim {E} must be a positive multiple of num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:-1] != value.shape[:-1]:
            raise ValueError(f"{op}: key {_shape(key)} and value {_shape(value)} must have the same source "
                             f"length and batch")
    elif key.shape != value.shape:
        raise ValueError(f"{op}: key shape {_shape(key)} does not match value shape {_shape(value)}")
    same_qk, same_kv = query is key, key is value
    key_padding_mask, attn_mask = _as_tensor(key_padding_mask), _as_tensor(attn_mask)
    kpm_shape = None if key_padding_mask is None else _shape(key_padding_mask)
    if kpm_shape is not None and len(kpm_shape) != query.ndim - 1:
        raise ValueError(f"{op}: key_padding_mask must be {query.ndim - 1}-D for {query.ndim}-D query, got "
                         f"shape {kpm_shape}")
    if attn_mask is not None and len(_shape(attn_mask)) not in (2, 3):
        raise ValueError(f"{op}: attn_mask must be 2-D or 3-D, got shape {_shape(attn_mask)}")
    if not batched:  # run as a batch of one
        query, key, value = query.unsqueeze(b), key.unsqueeze(b), value.unsqueeze(b)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    L, N, S = query.shape[1 - b], query.shape[b], key.shape[1 - b]
    if key.shape[b] != N:
        raise ValueError(f"{op}: key {_shape(key)} and query {_shape(query)} must have the same batch size")
    dtype, hd = query.dtype, E // H
    if key_padding_mask is not None:
        if attn_mask is not None and key_padding_mask.dtype != attn_mask.dtype:
            warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. Use same type "
                          "for both instead.", stacklevel=3)
        key_padding_mask = _additive_mask(key_padding_mask, "key_padding_mask", dtype, op)
    if is_causal and attn_mask is None:
        raise ValueError(f"{op}: is_causal=True is a hint that attn_mask is the causal mask and needs "
                         "attn_mask too; pass attn_mask=nn.Transformer.generate_square_subsequent_mask(L)")
    # PyTorch's rule: the causal hint replaces attn_mask only on the fused path with no padding mask.
    causal = bool(is_causal) and key_padding_mask is None and not need_weights
    attn_mask = None if causal else attn_mask
    if attn_mask is not None:
        attn_mask = _additive_mask(attn_mask, "attn_mask", dtype, op)
    q, k, v = _in_projection(query, key, value, E, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                             q_proj_weight, k_proj_weight, v_proj_weight, same_qk, same_kv, op)
    check_floating(op, q.data)  # after linear(), whose error names a float layer's dtype for an int input
    q = _heads(q, H, batch_first)  # (N, H, L, hd)
    k = _heads(k, H, batch_first) if static_k is None else _static(static_k, "static_k", N, H, hd, op)
    v = _heads(v, H, batch_first) if static_v is None else _static(static_v, "static_v", N, H, hd, op)
    if k.shape[2] != v.shape[2]:
        raise ValueError(f"{op}: static_k/static_v give {k.shape[2]} keys and {v.shape[2]} values; they must match")
    S = k.shape[2]  # static_k may change the source length
    if (bias_k is None) != (bias_v is None):
        raise ValueError(f"{op}: bias_k and bias_v go together, got only {'bias_k' if bias_v is None else 'bias_v'}")
    appended = 0
    if bias_k is not None:
        if static_k is not None or static_v is not None:
            raise ValueError(f"{op}: bias_k and bias_v cannot be added to static_k and static_v")
        for name, t in (("bias_k", bias_k), ("bias_v", bias_v)):
            if t.shape[-1:] != (E,) or t.numel() != E:
                raise ValueError(f"{op}: {name} must have shape (1, 1, {E}), got {_shape(t)}")
        k = cat([k, bias_k.reshape(1, H, 1, hd).expand(N, H, 1, hd)], 2)  # (N, H, S + 1, hd)
        v = cat([v, bias_v.reshape(1, H, 1, hd).expand(N, H, 1, hd)], 2)
        appended += 1
    if add_zero_attn:
        zeros = Tensor._wrap(xp.zeros((N, H, 1, hd), dtype=dtype))
        k, v = cat([k, zeros], 2), cat([v, zeros], 2)  # (N, H, S' + 1, hd)
        appended += 1
    mask = None
    if attn_mask is not None:
        if _shape(attn_mask) not in ((L, S), (N * H, L, S)):
            raise ValueError(f"{op}: attn_mask must have shape ({L}, {S}) or ({N * H}, {L}, {S}) "
                             f"(N * num_heads, L, S), got {_shape(attn_mask)}")
        mask = attn_mask.reshape(-1, H, L, S) if attn_mask.ndim == 3 else attn_mask  # broadcasts to (N, H, L, S)
    if key_padding_mask is not None:
        if _shape(key_padding_mask) != (N, S):
            want = f"({N}, {S}) (batch, source length)" if batched else f"({S},) (source length)"
            raise ValueError(f"{op}: key_padding_mask must have shape {want}, got {kpm_shape}")
        kpm = key_padding_mask.reshape(N, 1, 1, S)
        mask = kpm if mask is None else mask + kpm
    if mask is not None and appended:
        mask = pad(mask, (0, appended))  # the appended keys are allowed everywhere
    p = float(dropout_p) if training else 0.0
    weights = None
    if need_weights:
        # The weights are an output here, so build them from differentiable ops, as PyTorch does.
        scores = (q * math.sqrt(1.0 / hd)) @ k.transpose(-2, -1)  # (N, H, L, S)
        if mask is not None:
            scores = scores + mask
        weights = softmax(scores, dim=-1)
        if p > 0.0:
            weights = dropout(weights, p, generator=generator)
        out = weights @ v  # (N, H, L, hd)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not batched:
            weights = weights.squeeze(0)
    else:
        out = scaled_dot_product_attention(q, k, v, mask, dropout_p=p, is_causal=causal, generator=generator)
    if batch_first:
        out = out.transpose(1, 2).reshape(N, L, E)
    else:
        out = out.permute(2, 0, 1, 3).reshape(L, N, E)
    out = linear(out, out_proj_weight, out_proj_bias)
    return (out if batched else out.squeeze(b)), weights
