"""MultiheadAttention with PyTorch's parameter names, init and mask conventions."""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ... import _backend
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..functional.attention import _multi_head_attention
from ..parameter import Parameter
from .linear import Linear
from .module import Module


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

    ``forward`` is ``nn.functional.multi_head_attention_forward`` with these parameters.
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
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
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

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        # multi_head_attention_forward's math, told the layout rather than handed transposed views
        # (a batch-first input would cost a copy in each projection and give a strided output).
        return _multi_head_attention(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            self.training, key_padding_mask, need_weights, attn_mask, not self._qkv_same_embed_dim,
            self.q_proj_weight, self.k_proj_weight, self.v_proj_weight, None, None, average_attn_weights,
            is_causal, batch_first=self.batch_first, generator=self.generator)
