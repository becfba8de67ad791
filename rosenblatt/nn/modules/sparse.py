"""Embedding: a lookup table of learned vectors."""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ... import _backend
from ...autograd.grad_mode import no_grad
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..functional.linear import embedding
from ..parameter import Parameter
from .module import Module


class _Table(Module):
    """What ``Embedding`` and ``EmbeddingBag`` share: the table, its padding row, its start."""

    def _init_table(self, name: str, num_embeddings: int, embedding_dim: int,
                    padding_idx: int | None, unsupported: bool, _weight: Any, _freeze: bool,
                    dtype: Any, generator: Generator | None) -> None:
        if unsupported:
            raise NotImplementedError(f"{name}: max_norm, scale_grad_by_freq and sparse are not "
                                      "supported; leave them at their defaults")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"{name}: padding_idx {padding_idx} must be within "
                                 f"num_embeddings={num_embeddings}")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
        if _weight is None:
            self.weight = Parameter(xp.empty((num_embeddings, embedding_dim), dtype=dtype),
                                    requires_grad=not _freeze)
            self.reset_parameters(generator)
        else:
            data = _weight.data if isinstance(_weight, Tensor) else xp.asarray(_weight)
            if data.shape != (num_embeddings, embedding_dim):
                raise ValueError(f"{name}: _weight has shape {tuple(data.shape)}, expected "
                                 f"({num_embeddings}, {embedding_dim})")
            self.weight = Parameter(data, requires_grad=not _freeze)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s


class Embedding(_Table):
    """Rows of a learned ``(num_embeddings, embedding_dim)`` table, picked by integer index.

    Weights start N(0, 1), as in PyTorch; the ``padding_idx`` row starts at zero
    and never receives a gradient.

    Args:
        num_embeddings: size of the table.
        embedding_dim: size of each vector.
        padding_idx: index of the padding row (negative counts from the end).
        dtype: parameter dtype (default ``get_default_dtype()``, float32).
        generator: the ``rosenblatt.Generator`` for the initial weights.

    Shape: ``(*)`` integer -> ``(*, embedding_dim)``.

    Example:
        >>> import rosenblatt as rb
        >>> emb = rb.nn.Embedding(10, 4, padding_idx=0)
        >>> emb(rb.tensor([[0, 3]])).shape
        (1, 2, 4)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False, _weight: Any = None,
                 _freeze: bool = False, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        super().__init__()
        self._init_table("Embedding", num_embeddings, embedding_dim, padding_idx,
                         max_norm is not None or scale_grad_by_freq or sparse, _weight, _freeze,
                         dtype, generator)

    def forward(self, input: Tensor) -> Tensor:
        return embedding(input, self.weight, self.padding_idx)

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True,
                        padding_idx: int | None = None) -> "Embedding":
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx=padding_idx, _weight=embeddings, _freeze=freeze)
