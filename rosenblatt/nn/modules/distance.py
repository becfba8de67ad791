"""CosineSimilarity and PairwiseDistance: layers around ``functional.distance``."""
from __future__ import annotations

from ...tensor import Tensor
from ..functional.distance import cosine_similarity, pairwise_distance
from .module import Module


class CosineSimilarity(Module):
    """Cosine similarity of two inputs along ``dim``: ``x1 . x2 / (max(||x1||, eps) max(||x2||, eps))``.

    Args:
        dim: the dim compared along (default 1).
        eps: the smallest norm (default 1e-8).

    Shape:
        x1, x2: shapes that broadcast together; output: the broadcast shape without ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.CosineSimilarity(dim=1)(rb.randn(8, 16), rb.randn(8, 16)).shape
        (8,)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """The ``p``-norm distance along the last dim: ``||x1 - x2 + eps||_p``.

    Args:
        p: the norm's exponent (default 2).
        eps: added to the difference so the gradient exists at ``x1 == x2`` (default 1e-6).
        keepdim: keep the last dim with size 1 (default False).

    Shape:
        x1, x2: shapes that broadcast to ``(*, D)``; output: ``(*)``, or ``(*, 1)`` with ``keepdim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.PairwiseDistance()(rb.randn(8, 16), rb.randn(8, 16)).shape
        (8,)
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim  # PyTorch keeps p as .norm

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


__all__ = ["CosineSimilarity", "PairwiseDistance"]
