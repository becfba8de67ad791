"""Adaptive pooling: max/avg over the window ``[floor(i n / o), ceil((i + 1) n / o))`` of each
output cell, whatever the input size, in 2-d, and the 1-d pools as the 2-d ones on height-1
images.  The fixed-window pools are in ``pooling.py``, whose input checks these share.
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_floating
from .conv import _as_batch_of_one, _height_one, _single, _unbatched
from .pooling import _check_3d_nonempty, _check_4d, _node_of
from .pooling3d import adaptive_max_pool3d
from .sampling import adaptive_bounds, average_matrix, separable_map


def _adaptive_size(op: str, x: Tensor, output_size: Any, nonzero_from: int = 2) -> tuple[int, int]:
    """The (Ho, Wo) an adaptive pool makes: PyTorch takes 0 (an empty output) but no negative
    size, and its max pool (``nonzero_from=1``) no empty C either, where the average takes one."""
    _check_4d(op, x, nonzero_from)
    check_floating(op, x)
    size = output_size if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    size = tuple(x.shape[2 + a] if s is None else s for a, s in enumerate(size))
    if len(size) != 2 or not all(isinstance(s, int) and s >= 0 for s in size):
        raise ValueError(f"{op}: output_size must be an int or a pair of non-negative ints (or "
                         f"None), got {output_size!r}")
    return size


def adaptive_avg_pool2d(input: Tensor, output_size: int | tuple[int | None, int | None]) -> Tensor:
    """Mean over the window ``[floor(i H / Ho), ceil((i + 1) H / Ho))`` of each output cell.

    Separable: ``out = P_h @ x @ P_w^T`` with averaging matrices, two GEMMs.

    Args:
        input: (N, C, H, W), or one unbatched (C, H, W) sample.
        output_size: (Ho, Wo), one int for both, None keeps that input size.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.adaptive_pooling import adaptive_avg_pool2d
        >>> adaptive_avg_pool2d(rb.randn(2, 3, 7, 5), 1).shape
        (2, 3, 1, 1)
    """
    if _unbatched(input, 2):
        return _as_batch_of_one(adaptive_avg_pool2d, input, output_size)
    size = _adaptive_size("adaptive_avg_pool2d", input, output_size)
    return separable_map(input, *(average_matrix(n, o) for n, o in zip(input.shape[2:], size)))


def _adaptive_argmax(x: Any, size: tuple, last_nan: bool = False) -> tuple[Any, Any]:
    """Max of each adaptive window and its flat ``h * W + w`` index: the first maximum, or
    with ``last_nan`` the window's last NaN where it has one."""
    n, c, h, w = x.shape
    (h0, h1), (w0, w1) = adaptive_bounds(h, size[0]), adaptive_bounds(w, size[1])
    out = xp.empty((n, c) + size, dtype=x.dtype)
    idx = xp.empty((n, c) + size, dtype=xp.int64)
    for i in range(size[0]):
        for j in range(size[1]):
            rw = w1[j] - w0[j]  # the window's size, not -1: an empty batch has no size to infer
            flat = x[:, :, h0[i]:h1[i], w0[j]:w1[j]].reshape(n, c, (h1[i] - h0[i]) * rw)
            k = flat.argmax(axis=2)  # the first maximum, or the first NaN
            if last_nan:
                nan = xp.isnan(flat)
                k = xp.where(nan.any(axis=2), flat.shape[2] - 1 - nan[:, :, ::-1].argmax(axis=2), k)
            out[:, :, i, j] = xp.take_along_axis(flat, k[:, :, None], 2)[:, :, 0]
            idx[:, :, i, j] = (h0[i] + k // rw) * w + w0[j] + k % rw
    return out, idx


class AdaptiveMaxPool2d(Function):
    def forward(self, x, size=(1, 1)):
        out, idx = _adaptive_argmax(x, size)
        if xp.isnan(out).any():  # PyTorch's maximum is a window's last NaN, not its first
            out, idx = _adaptive_argmax(x, size, last_nan=True)
        self.idx, self.xshape = idx, x.shape
        return out

    def backward(self, grad):
        n, c, h, w = self.xshape
        # Windows overlap, so one input can be the max of several cells: bincount sums them.
        cells = self.idx.shape[2] * self.idx.shape[3]
        flat = self.idx.reshape(n * c, cells) + (xp.arange(n * c) * (h * w))[:, None]
        g = xp.bincount(flat.ravel(), weights=grad.reshape(-1), minlength=n * c * h * w)
        return g.astype(grad.dtype).reshape(self.xshape)


def adaptive_max_pool2d(input: Tensor, output_size: int | tuple[int | None, int | None],
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over the window ``[floor(i H / Ho), ceil((i + 1) H / Ho))`` of each output cell.

    Args:
        input: (N, C, H, W), or one unbatched (C, H, W) sample.
        output_size: (Ho, Wo), one int for both, None keeps that input size.
        return_indices: also return the flat ``h * W + w`` index of each maximum (int64).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.adaptive_pooling import adaptive_max_pool2d
        >>> adaptive_max_pool2d(rb.randn(2, 3, 7, 5), (2, 3)).shape
        (2, 3, 2, 3)
    """
    if _unbatched(input, 2):
        return _as_batch_of_one(adaptive_max_pool2d, input, output_size, return_indices)
    size = _adaptive_size("adaptive_max_pool2d", input, output_size, nonzero_from=1)
    y = AdaptiveMaxPool2d.apply(input, size=size)
    if not return_indices:
        return y
    return y, Tensor._wrap(_node_of(y, AdaptiveMaxPool2d, input, size=size).idx)


def adaptive_avg_pool1d(input: Tensor, output_size: int) -> Tensor:
    """Mean over the window ``[floor(i L / Lo), ceil((i + 1) L / Lo))`` of each of ``output_size``
    cells of an (N, C, L) batch (or an unbatched (C, L) sample): ``adaptive_avg_pool2d`` at height 1.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.adaptive_pooling import adaptive_avg_pool1d
        >>> adaptive_avg_pool1d(rb.tensor([[[1.0, 2.0, 3.0, 4.0]]]), 2).tolist()
        [[[1.5, 3.5]]]
    """
    if _unbatched(input, 1):
        return _as_batch_of_one(adaptive_avg_pool1d, input, output_size)
    _check_3d_nonempty("adaptive_avg_pool1d", input, nonzero_from=2)
    return _height_one(adaptive_avg_pool2d, input, _length_1d("adaptive_avg_pool1d", output_size))


def adaptive_max_pool1d(input: Tensor, output_size: int,
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over the windows of ``adaptive_avg_pool1d``; ``return_indices``: also each maximum's
    index along L (int64).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.adaptive_pooling import adaptive_max_pool1d
        >>> adaptive_max_pool1d(rb.tensor([[[1.0, 4.0, 3.0, 2.0]]]), 2).tolist()
        [[[4.0, 3.0]]]
    """
    if _unbatched(input, 1):
        return _as_batch_of_one(adaptive_max_pool1d, input, output_size, return_indices)
    _check_3d_nonempty("adaptive_max_pool1d", input, nonzero_from=1)
    return _height_one(adaptive_max_pool2d, input, _length_1d("adaptive_max_pool1d", output_size),
                       return_indices)


def _length_1d(op: str, output_size: Any) -> tuple[int, int]:
    """A 1-d adaptive pool's output length as its 2-d pool's ``(1, Lo)``.  PyTorch's 1-d pools
    take no None (the 2-d ones read it as 'keep the input size')."""
    if output_size is None:
        raise TypeError(f"{op}: output_size must be an int (or a 1-tuple), got None")
    length = _single(output_size)
    if not isinstance(length, int) or length < 0:  # checked here, so the error names the 1-d op
        raise ValueError(f"{op}: output_size must be a non-negative int (or a 1-tuple), got "
                         f"{output_size!r}")
    return (1, length)


# PyTorch's ``F.*_with_indices`` forms: (output, indices) whatever ``return_indices`` says
# (kept only for the signature, as in PyTorch).
def adaptive_max_pool1d_with_indices(input: Tensor, output_size: int,
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool1d`` returning ``(output, indices)`` always, as
    ``torch.nn.functional.adaptive_max_pool1d_with_indices``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional import adaptive_max_pool1d_with_indices
        >>> adaptive_max_pool1d_with_indices(rb.tensor([[[1.0, 4.0, 3.0, 2.0]]]), 2)[1].tolist()
        [[[1, 2]]]
    """
    return adaptive_max_pool1d(input, output_size, return_indices=True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: int | tuple[int | None, int | None],
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool2d`` returning ``(output, indices)`` always (flat ``h * W + w``
    indices), as ``torch.nn.functional.adaptive_max_pool2d_with_indices``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional import adaptive_max_pool2d_with_indices
        >>> adaptive_max_pool2d_with_indices(rb.randn(2, 3, 7, 5), (2, 3))[1].shape
        (2, 3, 2, 3)
    """
    return adaptive_max_pool2d(input, output_size, return_indices=True)


def adaptive_max_pool3d_with_indices(input: Tensor,
                                     output_size: int | tuple[int | None, int | None, int | None],
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool3d`` returning ``(output, indices)`` always (flat
    ``(d * H + h) * W + w`` indices), as ``torch.nn.functional.adaptive_max_pool3d_with_indices``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional import adaptive_max_pool3d_with_indices
        >>> adaptive_max_pool3d_with_indices(rb.randn(1, 2, 5, 4, 6), 2)[1].shape
        (1, 2, 2, 2, 2)
    """
    return adaptive_max_pool3d(input, output_size, return_indices=True)
