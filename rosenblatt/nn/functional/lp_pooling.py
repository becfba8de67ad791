"""Power-average pools lp_pool1d/2d/3d, built from the average pools as PyTorch builds them.

``(sum_window x^p) ** (1 / p)`` is ``(k * avg_pool(x^p)) ** (1 / p)`` with ``k`` the number of
window elements; ``p = inf`` is the max pool of ``|x|`` and ``p = -inf`` its min.  Autograd
gives the backward.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from ...ops import where
from ...tensor import Tensor
from .conv import _ints
from .pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .pooling3d import avg_pool3d, max_pool3d


def _lp_pool(op: str, dims: int, avg_pool: Callable, max_pool: Callable, input: Tensor,
             norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool) -> Tensor:
    """The pool of ``dims`` spatial dims: what lp_pool1d/2d/3d share."""
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float)):
        raise TypeError(f"{op}: norm_type must be a number (the p of the p-norm), got {norm_type!r}")
    if norm_type == 0:
        raise ValueError(f"{op}: norm_type must be non-zero (the output is the 1 / norm_type power); "
                         f"got 0")
    if norm_type == math.inf:
        return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if dims == 1 and isinstance(kernel_size, (tuple, list)):
        # PyTorch's lp_pool1d multiplies by kernel_size itself, so it takes an int only
        raise TypeError(f"lp_pool1d: kernel_size must be an int, got {kernel_size!r}")
    elements = math.prod(_ints(kernel_size, dims, "kernel_size", op))
    out = avg_pool(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    # PyTorch writes sign(out) * relu(|out|), i.e. out with a zero gradient where out == 0 (an
    # all-zero window, where the 1 / p power's derivative is inf).  Here relu's mask would
    # multiply that inf (nan); ``where`` drops it, giving PyTorch's 0.
    out = where(out == 0, 0, out)
    return (out * elements) ** (1.0 / norm_type)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: int | tuple[int, int],
              stride: int | tuple[int, int] | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pool of an (N, C, H, W) batch, as ``torch.nn.functional.lp_pool2d``.

    ``out[n, c, y, x] = (sum_{i, j} in[n, c, y s_h + i, x s_w + j] ^ p) ^ (1 / p)``: ``p = 1``
    is sum pooling, ``p = inf`` max pooling of ``|in|``.  Where a window's sum of powers is 0
    the gradient is 0.  With ``ceil_mode`` a last, partial window's mean of powers (over the
    elements inside the input) is scaled by the full kernel size, as PyTorch does.  A
    negative sum of powers (odd ``p``) gives NaN, as in PyTorch.

    Args:
        input: (N, C, H, W), or one unbatched (C, H, W) sample.
        norm_type: the exponent ``p`` (non-zero; ``inf`` or ``-inf`` allowed).
        kernel_size: int or (kh, kw).
        stride: int or pair; default ``kernel_size``.
        ceil_mode: round the output size up (a last, partial window). Default False.

    Shape:
        output: (N, C, Ho, Wo), ``Ho = floor_or_ceil((H - kh) / s_h) + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.lp_pooling import lp_pool2d
        >>> lp_pool2d(rb.tensor([[[[3.0, 4.0], [0.0, 0.0]]]]), 2, 2).tolist()
        [[[[5.0]]]]
    """
    return _lp_pool("lp_pool2d", 2, avg_pool2d, max_pool2d, input, norm_type, kernel_size, stride,
                    ceil_mode)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride: int | None = None,
              ceil_mode: bool = False) -> Tensor:
    """Power-average pool of an (N, C, L) batch or a (C, L) sample: ``lp_pool2d`` along L.

    ``out[n, c, x] = (sum_i in[n, c, x s + i] ^ p) ^ (1 / p)``.  Args as ``lp_pool2d``, each an
    int (``kernel_size`` must be an int, as in PyTorch).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.lp_pooling import lp_pool1d
        >>> lp_pool1d(rb.tensor([[[1.0, 2.0, 3.0, 4.0]]]), 1, 2).tolist()
        [[[3.0, 7.0]]]
    """
    return _lp_pool("lp_pool1d", 1, avg_pool1d, max_pool1d, input, norm_type, kernel_size, stride,
                    ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: int | tuple[int, int, int],
              stride: int | tuple[int, int, int] | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pool of an (N, C, D, H, W) batch or a (C, D, H, W) sample: ``lp_pool2d``
    over three spatial dims.  Args as ``lp_pool2d``, with triples.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.lp_pooling import lp_pool3d
        >>> lp_pool3d(rb.ones(1, 2, 4, 4, 4), 2, 2).shape
        (1, 2, 2, 2, 2)
    """
    return _lp_pool("lp_pool3d", 3, avg_pool3d, max_pool3d, input, norm_type, kernel_size, stride,
                    ceil_mode)


__all__ = ["lp_pool1d", "lp_pool2d", "lp_pool3d"]
