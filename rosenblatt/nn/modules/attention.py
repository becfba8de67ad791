"""MultiheadAttention with PyTorch's parameter names, init and mask conventions."""
from __future__ import annotations

import math
from typing import Any

from ..._backend import default_float, xp
from ...ops import cat, softmax
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..functional.attention import scaled_dot_product_attention
from ..functional.linear import dropout, linear
from ..parameter import Parameter
from .linear import Linear
from .module import Module


def _mask_array(mask: Any, dtype: Any, name: str) -> Any:
    """A user mask as an additive float array: bool True (= not allowed) becomes -inf."""
    m = mask.data if isinstance(mask, Tensor) else xp.asarray(mask)
    if m.dtype == bool:
        return xp.where(m, -xp.inf, 0.0).astype(dtype)
    if m.dtype.kind != "f":
        raise TypeError(f"MultiheadAttention: {name} must be bool or float, got dtype {m.dtype}")
    if m.dtype != dtype and m.dtype != xp.float32:  # PyTorch casts a float32 mask (need_weights=False)
        raise TypeError(f"MultiheadAttention: {name} of dtype {m.dtype} does not match the query dtype "
                        f"{xp.dtype(dtype)}; convert it, {name}.to({xp.dtype(dtype)})")
    return m.astype(dtype, copy=False)


class NonDynamicallyQuantizableLinear(Linear):
    """A ``Linear`` under PyTorch's name for ``MultiheadAttention.out_proj`` (there it keeps the
    layer out of dynamic quantization), so the attention layer's repr is PyTorch's."""


class MultiheadAttention(Module):
    """Multi-head attention ``concat(head_1..head_h) W_o``, ``head_i = attention(Q W_q^i, K W_k^i, V W_v^i)``.

    Args:
        embed_dim: model width ``E``; must be divisible by ``num_heads``.
        num_heads: number of heads; each has ``E // num_heads`` features.
        dropout: dropout on the attention probabilities while training (default 0).
        bias: learn input and output projection biases (default True).
        add_bias_kv: learn one extra key and value (``bias_k``, ``bias_v``, each ``(1, 1, E)``),
            appended to every sequence's keys and values after the projections (default False).
        add_zero_attn: append one more key and value of zeros, per head (default False).
            Masks get an allowed column for each appended key.
        kdim, vdim: key/value feature sizes (default ``E``); when they differ from ``E``
            the projections are ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``
            instead of the packed ``in_proj_weight``.
        batch_first: inputs are ``(N, L, E)`` instead of ``(L, N, E)``.

    Masks follow ``nn.MultiheadAttention`` (not ``scaled_dot_product_attention``): a
    bool ``attn_mask`` / ``key_padding_mask`` is True where attention is NOT allowed;
    float masks are added to the scores.

    Shape: query ``(L, N, E)`` (or ``(N, L, E)``, or unbatched ``(L, E)``); key ``(S, N, kdim)``;
    value ``(S, N, vdim)``; key_padding_mask ``(N, S)``; attn_mask ``(L, S)`` or
    ``(N * num_heads, L, S)``.  Returns ``(output like query, weights)`` with weights
    ``(N, L, S)`` (averaged) or ``(N, num_heads, L, S)``, or None without ``need_weights``.

    Example:
        >>> import rosenblatt as rb
        >>> mha = rb.nn.modules.attention.MultiheadAttention(16, 4, batch_first=True)
        >>> x = rb.randn(2, 5, 16)
        >>> out, w = mha(x, x, x)
        >>> out.shape, w.shape
        ((2, 5, 16), (2, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0 or embed_dim % num_heads:
            remainder = embed_dim % num_heads if num_heads > 0 else "n/a"
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be a positive multiple of "
                             f"num_heads ({num_heads}), got remainder {remainder}")
        dtype = default_float if dtype is None else xp.dtype(dtype)
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim, self.batch_first, self.generator = embed_dim // num_heads, batch_first, generator
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(xp.empty((3 * embed_dim, embed_dim), dtype=dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(xp.empty((embed_dim, embed_dim), dtype=dtype))
            self.k_proj_weight = Parameter(xp.empty((embed_dim, self.kdim), dtype=dtype))
            self.v_proj_weight = Parameter(xp.empty((embed_dim, self.vdim), dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(xp.empty((3 * embed_dim,), dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype,
                                                        generator=generator)
        if add_bias_kv:
            self.bias_k = Parameter(xp.empty((1, 1, embed_dim), dtype=dtype))
            self.bias_v = Parameter(xp.empty((1, 1, embed_dim), dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        g = self.generator
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight, generator=g)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w, generator=g)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k, generator=g)
            init.xavier_normal_(self.bias_v, generator=g)

    def _project(self, query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        E, b = self.embed_dim, self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:  # self-attention: one GEMM for all three
                return linear(query, w, b).chunk(3, dim=-1)
            wq, wk, wv = w[:E], w[E:2 * E], w[2 * E:]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return linear(query, wq, bq), linear(key, wk, bk), linear(value, wv, bv)

    def _merged_mask(self, attn_mask: Any, key_padding_mask: Any, N: int, L: int, S: int, dtype: Any,
                     appended: int) -> Any:
        """Both masks as one additive float array broadcastable to ``(N, H, L, S + appended)``, or None;
        the ``appended`` keys (``add_bias_kv``, ``add_zero_attn``) are allowed everywhere."""
        H, merged = self.num_heads, None
        if attn_mask is not None:
            m = _mask_array(attn_mask, dtype, "attn_mask")
            if m.shape == (L, S):
                merged = m
            elif m.shape == (N * H, L, S):
                merged = m.reshape(N, H, L, S)
            else:
                raise ValueError(f"MultiheadAttention: attn_mask must have shape ({L}, {S}) or "
                                 f"({N * H}, {L}, {S}) (N * num_heads, L, S), got {tuple(m.shape)}")
        if key_padding_mask is not None:
            m = _mask_array(key_padding_mask, dtype, "key_padding_mask")
            if m.shape != (N, S):
                raise ValueError(f"MultiheadAttention: key_padding_mask must have shape ({N}, {S}) "
                                 f"(batch, source length), got {tuple(m.shape)}")
            m = m.reshape(N, 1, 1, S)
            merged = m if merged is None else merged + m
        if merged is not None and appended:
            merged = xp.concatenate([merged, xp.zeros(merged.shape[:-1] + (appended,), merged.dtype)], -1)
        return merged

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        E, H, hd = self.embed_dim, self.num_heads, self.head_dim
        if query.ndim not in (2, 3) or query.shape[-1] != E:
            raise ValueError(f"MultiheadAttention: query must be (L, N, {E}), (N, L, {E}) or (L, {E}), "
                             f"got {tuple(query.shape)}")
        if key.ndim != query.ndim or value.ndim != query.ndim or key.shape[-1] != self.kdim \
                or value.shape[-1] != self.vdim or key.shape[:-1] != value.shape[:-1]:
            raise ValueError(f"MultiheadAttention: key and value must match query's layout with "
                             f"{self.kdim} and {self.vdim} features and the same source length; got "
                             f"query {tuple(query.shape)}, key {tuple(key.shape)}, "
                             f"value {tuple(value.shape)}")
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = (t.unsqueeze(0 if self.batch_first else 1) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = (key_padding_mask.data if isinstance(key_padding_mask, Tensor)
                                    else xp.asarray(key_padding_mask))[None]
        q, k, v = self._project(query, key, value)
        if not self.batch_first:  # (L, N, E) -> (N, L, E)
            q, k, v = q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)
        N, L, S = q.shape[0], q.shape[1], k.shape[1]
        if self.bias_k is not None:
            k = cat([k, self.bias_k.expand(N, 1, E)], 1)  # (N, S + 1, E)
            v = cat([v, self.bias_v.expand(N, 1, E)], 1)
        q = q.reshape(N, L, H, hd).transpose(1, 2)  # (N, H, L, hd)
        k = k.reshape(N, k.shape[1], H, hd).transpose(1, 2)  # (N, H, S', hd)
        v = v.reshape(N, v.shape[1], H, hd).transpose(1, 2)  # (N, H, S', hd)
        if self.add_zero_attn:
            zeros = Tensor._wrap(xp.zeros((N, H, 1, hd), dtype=k.dtype))
            k, v = cat([k, zeros], 2), cat([v, zeros], 2)  # (N, H, S' + 1, hd)
        p = self.dropout if self.training else 0.0
        # is_causal is PyTorch's hint that attn_mask is the causal mask: it still needs the mask.
        if is_causal and attn_mask is None:
            raise ValueError("MultiheadAttention: is_causal=True is a hint and needs attn_mask too; pass "
                             "attn_mask=nn.Transformer.generate_square_subsequent_mask(L)")
        weights = None
        if is_causal and key_padding_mask is None and not need_weights:
            out = scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True, generator=self.generator)
        else:
            mask = self._merged_mask(attn_mask, key_padding_mask, N, L, S, q.dtype, k.shape[2] - S)
            if not need_weights:
                out = scaled_dot_product_attention(q, k, v, None if mask is None else Tensor._wrap(mask),
                                                   dropout_p=p, generator=self.generator)
            else:
                # The weights are an output here, so build them from differentiable ops (as
                # PyTorch does; a fully masked row gives NaN on this path, as in PyTorch).
                scores = (q * (1.0 / math.sqrt(hd))) @ k.transpose(-2, -1)  # (N, H, L, S)
                if mask is not None:
                    scores = scores + Tensor._wrap(mask)
                weights = softmax(scores, dim=-1)
                if p > 0.0:
                    weights = dropout(weights, p, generator=self.generator)
                out = weights @ v
                if average_attn_weights:
                    weights = weights.mean(dim=1)
                if unbatched:
                    weights = weights.squeeze(0)
        out = out.transpose(1, 2).reshape(N, L, E)  # (N, L, E)
        out = self.out_proj(out)
        if not self.batch_first:
            out = out.transpose(0, 1)
        if unbatched:
            out = out.squeeze(0 if self.batch_first else 1)
        return out, weights
