"""EmbeddingBag: a lookup table whose rows are summed, averaged or maxed over bags of indices."""
from __future__ import annotations

from typing import Any

from ...random import Generator
from ...tensor import Tensor
from ..functional.embedding_bag import MODES, embedding_bag
from .sparse import _Table


class EmbeddingBag(_Table):
    """Sums, means or maxima of bags of rows of a learned ``(num_embeddings, embedding_dim)`` table.

    ``EmbeddingBag(mode='sum')(input, offsets)`` equals ``Embedding`` followed by a sum
    over each bag, without the intermediate rows; see
    ``rosenblatt.nn.functional.embedding_bag`` for the math.  Weights start N(0, 1), as in
    PyTorch; the ``padding_idx`` row starts at zero, is left out of every bag and never
    receives a gradient.

    Args:
        num_embeddings: size of the table.
        embedding_dim: size of each vector.
        mode: ``'sum'``, ``'mean'`` (default) or ``'max'``.
        include_last_offset: ``offsets`` ends with the end of the last bag (CSR layout).
        padding_idx: index left out of every bag (negative counts from the end).
        max_norm, norm_type, scale_grad_by_freq, sparse: not supported; leave the defaults.
        dtype: parameter dtype (default: get_default_dtype()).
        generator: the ``rosenblatt.Generator`` for the initial weights.

    Shape:
        input ``(B, N)``, or ``(M,)`` with offsets ``(B,)`` (``(B + 1,)`` with
        ``include_last_offset``); per_sample_weights the input's shape -> ``(B, embedding_dim)``.

    Example:
        >>> import rosenblatt as rb
        >>> bag = rb.nn.EmbeddingBag(10, 3, mode="sum")
        >>> bag(rb.tensor([1, 2, 4, 5, 4, 3, 2, 9]), rb.tensor([0, 4])).shape
        (2, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Any = None, include_last_offset: bool = False,
                 padding_idx: int | None = None, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None, _freeze: bool = False) -> None:
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"EmbeddingBag: mode must be 'sum', 'mean' or 'max', got {mode!r}")
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset
        self._init_table("EmbeddingBag", num_embeddings, embedding_dim, padding_idx,
                         max_norm is not None or scale_grad_by_freq or sparse, _weight, _freeze,
                         dtype, generator)

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:
        return embedding_bag(input, self.weight, offsets, mode=self.mode,
                             per_sample_weights=per_sample_weights,
                             include_last_offset=self.include_last_offset,
                             padding_idx=self.padding_idx)

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        mode: str = "mean", sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> "EmbeddingBag":
        """An EmbeddingBag whose weight is ``embeddings`` (2-d), frozen unless ``freeze=False``."""
        if embeddings.ndim != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings must be 2-d "
                             f"(num_embeddings, embedding_dim), got shape {tuple(embeddings.shape)}")
        rows, cols = embeddings.shape
        return cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                   _weight=embeddings, include_last_offset=include_last_offset,
                   padding_idx=padding_idx, _freeze=freeze)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}, mode={self.mode!r}"  # mode before padding_idx
        return s + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")


__all__ = ["EmbeddingBag"]
