"""Max pools that return their argmax (``max_pool*d_with_indices``) and their partial inverses
``max_unpool1d/2d/3d``, as PyTorch's.

The indices are flat per plane, PyTorch's convention: ``l`` in 1-d, ``h * W + w`` in 2-d,
``(d * H + h) * W + w`` in 3-d, into the pooled input's spatial size.  Unpooling writes each
value to its index in a zero plane of the output size (``MaxUnpool``); its gradient reads the
output gradient back at the same indices.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_floating
from .conv import _ints
from .pooling import _described, max_pool1d, max_pool2d
from .pooling3d import max_pool3d


def max_pool1d_with_indices(input: Tensor, kernel_size: int, stride: int | None = None,
                            padding: int = 0, dilation: int = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``max_pool1d(..., return_indices=True)``: the pooled values and the L index of each
    maximum, whatever ``return_indices`` says (PyTorch's alias takes and ignores it).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.unpooling import max_pool1d_with_indices
        >>> max_pool1d_with_indices(rb.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)[1].tolist()
        [[[1, 2]]]
    """
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def max_pool2d_with_indices(input: Tensor, kernel_size: int | tuple[int, int],
                            stride: int | tuple[int, int] | None = None,
                            padding: int | tuple[int, int] = 0, dilation: int | tuple[int, int] = 1,
                            ceil_mode: bool = False, return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``max_pool2d(..., return_indices=True)``: the pooled values and the flat ``h * W + w``
    index of each maximum, whatever ``return_indices`` says (as PyTorch's alias).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.unpooling import max_pool2d_with_indices
        >>> max_pool2d_with_indices(rb.tensor([[[[1.0, 2.0], [4.0, 3.0]]]]), 2)[1].tolist()
        [[[[2]]]]
    """
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def max_pool3d_with_indices(input: Tensor, kernel_size: int | tuple[int, int, int],
                            stride: int | tuple[int, int, int] | None = None,
                            padding: int | tuple[int, int, int] = 0,
                            dilation: int | tuple[int, int, int] = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """``max_pool3d(..., return_indices=True)``: the pooled values and the flat
    ``(d * H + h) * W + w`` index of each maximum, whatever ``return_indices`` says.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.unpooling import max_pool3d_with_indices
        >>> max_pool3d_with_indices(rb.randn(1, 2, 4, 4, 4), 2)[1].shape
        (1, 2, 2, 2, 2)
    """
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


class MaxUnpool(Function):
    """Each value of ``x`` (N, C, *) written at its flat ``index`` into a zero (N, C, ``size``)
    array; a repeated index keeps the last value written, as PyTorch's CPU kernel.  Backward
    gathers the gradient at the indices, so every value, overwritten or not, gets its cell's
    gradient (PyTorch's ``max_pool_double_backward``)."""

    def forward(self, x, index=None, size=0):
        n, c, cells = x.shape[0], x.shape[1], math.prod(x.shape[2:])  # no -1: N may be 0
        self.index, self.shape = index.reshape(n, c, cells), x.shape
        out = xp.zeros((n, c, size), dtype=x.dtype)
        xp.put_along_axis(out, self.index, x.reshape(n, c, cells), axis=2)
        return out

    def backward(self, grad):
        return xp.take_along_axis(grad, self.index, axis=2).reshape(self.shape)


def _unpool_size(op: str, x: Tensor, kernel: tuple, stride: tuple, padding: tuple,
                 output_size: Any) -> tuple[int, ...]:
    """The output's spatial size: ``(in - 1) * stride + kernel - 2 * padding`` per dim, or
    ``output_size`` (its last ``dims`` entries may follow N and C), which must lie within a
    stride of that, as PyTorch requires."""
    dims = len(kernel)
    default = tuple((n - 1) * s + k - 2 * p
                    for n, k, s, p in zip(x.shape[-dims:], kernel, stride, padding))
    if output_size is None:
        size = default
    else:
        given = (output_size,) if isinstance(output_size, int) else tuple(output_size)
        if len(given) == dims + 2:
            given = given[2:]
        if len(given) != dims or not all(isinstance(v, int) for v in given):
            raise ValueError(f"{op}: output_size must hold {dims} or {dims + 2} ints, got "
                             f"{output_size!r}")
        for d, (want, s, got) in enumerate(zip(default, stride, given)):
            if not want - s < got < want + s:
                raise ValueError(f"{op}: invalid output_size {list(given)}: dim {d} must be between "
                                 f"{want - s} and {want + s} (exclusive) for input {list(x.shape)}, "
                                 f"kernel_size {kernel}, stride {stride} and padding {padding}; give "
                                 f"the pooled input's spatial size")
        size = given
    if min(size) < 0:
        raise ValueError(f"{op}: output size {list(size)} is negative (input {list(x.shape)}, "
                         f"kernel_size {kernel}, stride {stride}, padding {padding}); use a "
                         f"smaller padding or pass output_size")
    return size


def _max_unpool(op: str, dims: int, input: Tensor, indices: Tensor, kernel_size: Any,
                stride: Any, padding: Any, output_size: Any) -> Tensor:
    """What max_unpool1d/2d/3d share, for ``dims`` spatial dims."""
    if not isinstance(input, Tensor) or input.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{op}: expected a {dims + 2}-d input (N, C, *{dims} spatial dims) or an "
                         f"unbatched {dims + 1}-d one, got {_described(input)}")
    if not isinstance(indices, Tensor) or tuple(indices.shape) != tuple(input.shape):
        raise ValueError(f"{op}: indices must have the input's shape {list(input.shape)}, got "
                         f"{_described(indices)}; pass the indices max_pool{dims}d(..., "
                         f"return_indices=True) returned with these values")
    if indices.dtype != xp.int64:
        raise TypeError(f"{op}: indices must be int64, got {indices.dtype}; convert them with "
                        f"indices.long()")
    check_floating(op, input)
    if input.ndim == dims + 1:  # one unbatched sample
        out = _max_unpool(op, dims, input.unsqueeze(0), indices.unsqueeze(0), kernel_size, stride,
                          padding, output_size)
        return out.squeeze(0)
    if not all(input.shape[1:]):
        raise ValueError(f"{op}: expected non-zero C and spatial dims (only the batch may be "
                         f"empty), got input {list(input.shape)}")
    kernel = _ints(kernel_size, dims, "kernel_size", op)
    stride = kernel if stride is None else _ints(stride, dims, "stride", op)
    padding = _ints(padding, dims, "padding", op)
    if min(kernel) < 1 or min(stride) < 1 or min(padding) < 0:
        raise ValueError(f"{op}: kernel_size and stride must be >= 1 and padding >= 0, got "
                         f"kernel_size={kernel}, stride={stride}, padding={padding}")
    size = _unpool_size(op, input, kernel, stride, padding, output_size)
    cells = math.prod(size)
    index = indices.data
    if index.size and (index.min() < 0 or index.max() >= cells):
        bad = int(index.min()) if index.min() < 0 else int(index.max())
        raise ValueError(f"{op}: index {bad} is out of range for an output plane of "
                         f"{'x'.join(map(str, size))} = {cells} cells; the indices must come from "
                         f"max_pool{dims}d(..., return_indices=True) on an input of that size "
                         f"(pass output_size=<the pooled input's spatial size>)")
    out = MaxUnpool.apply(input, index=index, size=cells)
    return out.reshape(tuple(input.shape[:2]) + tuple(size))


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: int | tuple[int, int],
                 stride: int | tuple[int, int] | None = None, padding: int | tuple[int, int] = 0,
                 output_size: Sequence[int] | None = None) -> Tensor:
    """Partial inverse of ``max_pool2d``: each value put back at its argmax, zeros elsewhere,
    as ``torch.nn.functional.max_unpool2d``.

    ``out[n, c].flat[indices[n, c, y, x]] = input[n, c, y, x]``; the gradient of each value is
    the output gradient at its index.

    Args:
        input: (N, C, H, W) pooled values, or one unbatched (C, H, W) sample; floating-point.
        indices: int64 of the input's shape, flat ``h * W + w`` indices from
            ``max_pool2d(..., return_indices=True)``.
        kernel_size: int or (kh, kw) of the pool.
        stride: int or pair; default ``kernel_size``.
        padding: int or pair of the pool. Default 0.
        output_size: (Ho, Wo) or (N, C, Ho, Wo), to recover an input size the pool rounded
            away; default ``(H - 1) * s - 2 p + k``.

    Shape:
        output: (N, C, Ho, Wo).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling import max_pool2d
        >>> from rosenblatt.nn.functional.unpooling import max_unpool2d
        >>> y, i = max_pool2d(rb.tensor([[[[1.0, 2.0], [4.0, 3.0]]]]), 2, return_indices=True)
        >>> max_unpool2d(y, i, 2).tolist()
        [[[[0.0, 0.0], [4.0, 0.0]]]]
    """
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: int, stride: int | None = None,
                 padding: int = 0, output_size: Sequence[int] | None = None) -> Tensor:
    """Partial inverse of ``max_pool1d`` on an (N, C, L) batch or a (C, L) sample: each value at
    its L index, zeros elsewhere.  Args as ``max_unpool2d``, each an int; ``output_size`` is
    (Lo,) or (N, C, Lo), default ``(L - 1) * s - 2 p + k``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.unpooling import max_pool1d_with_indices, max_unpool1d
        >>> y, i = max_pool1d_with_indices(rb.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
        >>> max_unpool1d(y, i, 2).tolist()
        [[[0.0, 3.0, 2.0, 0.0]]]
    """
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: int | tuple[int, int, int],
                 stride: int | tuple[int, int, int] | None = None,
                 padding: int | tuple[int, int, int] = 0,
                 output_size: Sequence[int] | None = None) -> Tensor:
    """Partial inverse of ``max_pool3d`` on an (N, C, D, H, W) batch or a (C, D, H, W) sample:
    each value at its flat ``(d * H + h) * W + w`` index, zeros elsewhere.  Args as
    ``max_unpool2d``, with triples.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.unpooling import max_pool3d_with_indices, max_unpool3d
        >>> y, i = max_pool3d_with_indices(rb.randn(1, 2, 4, 4, 4), 2)
        >>> max_unpool3d(y, i, 2).shape
        (1, 2, 4, 4, 4)
    """
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)


__all__ = ["max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
           "max_unpool1d", "max_unpool2d", "max_unpool3d"]
