"""Positional encodings: sinusoidal (fixed), learned, and rotary (RoPE)."""
from __future__ import annotations

import math
from typing import Any

from ..._backend import xp
from ... import _backend
from ...ops import cat
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from .dropout import Dropout
from .module import Module


def _check_length(T: int, max_len: int, name: str) -> None:
    if T > max_len:
        raise ValueError(f"{name}: cannot encode a sequence of length {T}, max_len is only {max_len}")


class SinusoidalPositionalEncoding(Module):
    """Adds the fixed encoding of Vaswani et al. (2017), then dropout.

    ``PE[t, 2i] = sin(t / 10000^(2i/d))``, ``PE[t, 2i+1] = cos(t / 10000^(2i/d))``.
    The table is a non-persistent buffer (not in the state dict).

    Args:
        d_model: feature size (even); max_len: longest sequence (5000); dropout: rate (0);
        batch_first: inputs are ``(N, T, d)`` (default True) instead of ``(T, N, d)``.

    Shape: ``(N, T, d_model)`` (or ``(T, N, d_model)``) in and out.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.positional import SinusoidalPositionalEncoding
        >>> SinusoidalPositionalEncoding(8)(rb.zeros(2, 5, 8)).shape
        (2, 5, 8)
    """

    def __init__(self, d_model: int, max_len: int = 5000, dropout: float = 0.0, batch_first: bool = True) -> None:
        super().__init__()
        if d_model % 2:
            raise ValueError(f"SinusoidalPositionalEncoding: d_model must be even, got {d_model}")
        pos = xp.arange(max_len, dtype=xp.float64)[:, None]
        div = xp.exp(xp.arange(0, d_model, 2, dtype=xp.float64) * (-math.log(10000.0) / d_model))
        pe = xp.empty((max_len, d_model), dtype=xp.float64)
        pe[:, 0::2], pe[:, 1::2] = xp.sin(pos * div), xp.cos(pos * div)
        self.register_buffer("pe", Tensor._wrap(pe.astype(_backend.default_float)), persistent=False)
        self.max_len, self.batch_first = max_len, batch_first
        self.dropout = Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        T = x.shape[1] if self.batch_first else x.shape[0]
        _check_length(T, self.max_len, "SinusoidalPositionalEncoding")
        pe = self.pe[:T] if self.batch_first else self.pe[:T].unsqueeze(1)  # (T, d) or (T, 1, d)
        return self.dropout(x + pe)


class LearnedPositionalEmbedding(Module):
    """Adds a learned vector per position (GPT-2's ``wpe``), initialised ``N(0, 0.02)``.

    Shape: ``(N, T, d_model)`` in and out, ``T <= max_len``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.positional import LearnedPositionalEmbedding
        >>> LearnedPositionalEmbedding(16, 8)(rb.zeros(2, 5, 8)).shape
        (2, 5, 8)
    """

    def __init__(self, max_len: int, d_model: int, dtype: Any = None, generator: Generator | None = None) -> None:
        super().__init__()
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
        self.weight = Parameter(xp.empty((max_len, d_model), dtype=dtype))
        init.normal_(self.weight, 0.0, 0.02, generator=generator)
        self.max_len = max_len

    def forward(self, x: Tensor) -> Tensor:
        T = x.shape[-2]
        _check_length(T, self.max_len, "LearnedPositionalEmbedding")
        # A slice, not an embedding lookup: its backward is a copy into a zero table, no scatter.
        return x + self.weight[:T]  # (N, T, d) + (T, d)


class RotaryEmbedding(Module):
    """Rotary position embedding (Su et al., 2021), applied to queries and keys per head.

    Pairs feature ``i`` with ``i + d/2`` (the GPT-NeoX / LLaMA layout) and rotates
    each pair by angle ``t * base^(-2i/d)``:
    ``rope(x) = x * cos + rotate_half(x) * sin``, ``rotate_half([a, b]) = [-b, a]``.
    Dot products of rotated vectors then depend only on the relative position.

    Args:
        head_dim: features per head (even); max_len: longest sequence (4096); base: 10000.

    Shape: ``(..., T, head_dim)`` in and out; ``offset`` shifts the positions (for caches).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.positional import RotaryEmbedding
        >>> RotaryEmbedding(8)(rb.randn(2, 4, 5, 8)).shape
        (2, 4, 5, 8)
    """

    def __init__(self, head_dim: int, max_len: int = 4096, base: float = 10000.0) -> None:
        super().__init__()
        if head_dim % 2:
            raise ValueError(f"RotaryEmbedding: head_dim must be even, got {head_dim}")
        inv_freq = base ** (-xp.arange(0, head_dim, 2, dtype=xp.float64) / head_dim)  # (d/2,)
        angles = xp.arange(max_len, dtype=xp.float64)[:, None] * inv_freq  # (max_len, d/2)
        angles = xp.concatenate([angles, angles], axis=-1)  # (max_len, d)
        dtype = _backend.default_float
        self.register_buffer("cos", Tensor._wrap(xp.cos(angles).astype(dtype)), persistent=False)
        self.register_buffer("sin", Tensor._wrap(xp.sin(angles).astype(dtype)), persistent=False)
        self.head_dim, self.max_len = head_dim, max_len

    def forward(self, x: Tensor, offset: int = 0) -> Tensor:
        T = x.shape[-2]
        _check_length(offset + T, self.max_len, "RotaryEmbedding")
        if x.shape[-1] != self.head_dim:
            raise ValueError(f"RotaryEmbedding: expected {self.head_dim} features, got shape {tuple(x.shape)}")
        half = self.head_dim // 2
        cos = self.cos[offset:offset + T].to(x.dtype)  # (T, d)
        sin = self.sin[offset:offset + T].to(x.dtype)
        rotated = cat([-x[..., half:], x[..., :half]], dim=-1)
        return x * cos + rotated * sin
