"""Memory layouts of (N, C, H, W) arrays: the order their axes lie in, and copies between orders.

The convolutions keep NCHW at the API but compute in other memory orders
(channels last, batch last); these helpers allocate and fill such arrays.
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp

#: the memory order of the (N, C, H, W) axes in each layout ``pad2d`` can lay out.
MEMORY_ORDERS = {"channels_last": (0, 2, 3, 1), "batch_last": (1, 2, 3, 0)}


def memory_order(a: Any) -> tuple:
    """``a``'s axes from the one with the largest stride to the smallest."""
    return tuple(sorted(range(a.ndim), key=lambda axis: -a.strides[axis]))


def alloc(shape: tuple, order: tuple, dtype: Any, zero: bool = True) -> Any:
    """An array of ``shape`` whose axes lie in memory in ``order`` (outermost first)."""
    make = xp.zeros if zero else xp.empty
    buf = make(tuple(shape[a] for a in order), dtype=dtype)
    return buf.transpose(tuple(order.index(a) for a in range(len(shape))))


#: channels moved per pass when NCHW memory is copied into channels-last memory.  One pass
#: over all channels reads a pixel's values from C planes far apart; 16 planes at a time
#: keep their cache lines in L1 until each is used up (64x64x32x32 float32: 15 ms -> 7 ms).
TRANSPOSE_CHANNELS = 16


def copy_channels_last(dst: Any, src: Any) -> None:
    """``dst[...] = src`` for (N, C, H, W) arrays, ``dst`` lying in (N, H, W, C) memory."""
    if src.strides[1] == src.itemsize:  # already channels-last: whole channel rows
        dst[...] = src
        return
    for c0 in range(0, src.shape[1], TRANSPOSE_CHANNELS):
        dst[:, c0:c0 + TRANSPOSE_CHANNELS] = src[:, c0:c0 + TRANSPOSE_CHANNELS]


def batch_chunks(n: int, per_image: int, elements: int):
    """``(start, stop)`` slices of a batch of ``n`` whose work arrays (``per_image`` values
    per image) hold about ``elements`` values each, at least one image."""
    step = max(1, elements // max(per_image, 1))
    for n0 in range(0, n, step):
        yield n0, min(n, n0 + step)
