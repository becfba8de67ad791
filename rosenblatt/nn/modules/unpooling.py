"""Max-unpooling layers MaxUnpool1d, MaxUnpool2d and MaxUnpool3d: partial inverses of the max
pools, given the indices those returned.

Each holds its window and calls the op in ``functional.unpooling``.
"""
from __future__ import annotations

from typing import Any, Sequence

from ...tensor import Tensor
from ..functional.unpooling import max_unpool1d, max_unpool2d, max_unpool3d
from .module import Module


def _ntuple(value: Any, n: int) -> tuple:
    """PyTorch's ``_single``/``_pair``/``_triple``: a sequence as a tuple, else ``n`` copies."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _MaxUnpoolNd(Module):
    """What the unpooling layers share: the window as tuples (PyTorch keeps them so), the
    forward and PyTorch's repr."""

    _dims = 2
    _unpool: Any = None

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        n = self._dims
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = _ntuple(kernel_size if stride is None else stride, n)
        self.padding = _ntuple(padding, n)

    def forward(self, input: Tensor, indices: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        return self._unpool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(_MaxUnpoolNd):
    """Partial inverse of ``MaxPool2d``: each value put back at the index the pool returned for
    it, zeros elsewhere; see ``F.max_unpool2d``.

    Args:
        kernel_size: int or (kh, kw) of the pool.
        stride: int or pair (default ``kernel_size``).
        padding: int or pair of the pool (default 0).

    Shape: ``(N, C, H, W) -> (N, C, Ho, Wo)`` (or without N), ``Ho = (H - 1) s - 2 p + k``, or
    the ``output_size`` given to ``forward`` (to recover a size the pool rounded away).

    Example:
        >>> import rosenblatt as rb
        >>> pool, unpool = rb.nn.MaxPool2d(2, return_indices=True), rb.nn.MaxUnpool2d(2)
        >>> x = rb.randn(1, 3, 5, 5)
        >>> y, indices = pool(x)
        >>> unpool(y, indices, output_size=x.shape).shape
        (1, 3, 5, 5)
    """

    _dims = 2
    _unpool = staticmethod(max_unpool2d)


class MaxUnpool1d(_MaxUnpoolNd):
    """Partial inverse of ``MaxPool1d`` on an (N, C, L) batch or a (C, L) sample; arguments as
    ``MaxUnpool2d``, each an int.

    Example:
        >>> import rosenblatt as rb
        >>> pool, unpool = rb.nn.MaxPool1d(2, return_indices=True), rb.nn.MaxUnpool1d(2)
        >>> unpool(*pool(rb.randn(1, 3, 8))).shape
        (1, 3, 8)
    """

    _dims = 1
    _unpool = staticmethod(max_unpool1d)


class MaxUnpool3d(_MaxUnpoolNd):
    """Partial inverse of ``MaxPool3d`` on an (N, C, D, H, W) batch or a (C, D, H, W) sample;
    arguments as ``MaxUnpool2d``, with triples.

    Example:
        >>> import rosenblatt as rb
        >>> pool, unpool = rb.nn.MaxPool3d(2, return_indices=True), rb.nn.MaxUnpool3d(2)
        >>> unpool(*pool(rb.randn(1, 3, 4, 4, 4))).shape
        (1, 3, 4, 4, 4)
    """

    _dims = 3
    _unpool = staticmethod(max_unpool3d)


__all__ = ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]
