"""3-d pools over (N, C, D, H, W) volumes, as PyTorch's: max_pool3d, avg_pool3d,
adaptive_avg_pool3d and adaptive_max_pool3d.

The fixed-window pools read the windows of the padded input through
``sliding_window_view`` (no copy); the max pools copy them into an
(N, C, Do, Ho, Wo, K) array and take the argmax over the K window elements, kept as
PyTorch's flat ``(d * H + h) * W + w`` input index: the returned indices, and where
backward scatter-adds the gradient.  The adaptive max pool gathers its windows of
unequal sizes by fancy indexing, each padded to the largest by repeating its last
element (which changes neither the maximum nor which element is found first).
"""
from __future__ import annotations

import itertools
import math
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_floating
from .conv import _as_batch_of_one, _triple, _unbatched
from .pooling import _check_window, _described, _node_of, _window_counts
from .sampling import adaptive_bounds

_sliding_window_view = xp.lib.stride_tricks.sliding_window_view


def _check_5d(op: str, x: Any) -> None:
    """Raise unless ``x`` is an (N, C, D, H, W) Tensor (an unbatched (C, D, H, W) sample has
    been made a batch of one) with non-empty C, D, H and W, as PyTorch's 3-d pools require."""
    if not isinstance(x, Tensor) or x.ndim != 5:
        raise ValueError(f"{op}: expected a 5-d Tensor (N, C, D, H, W) or an unbatched 4-d one "
                         f"(C, D, H, W), got {_described(x)}")
    if not all(x.shape[1:]):
        raise ValueError(f"{op}: expected non-zero C, D, H and W (only the batch may be empty), "
                         f"got input {list(x.shape)}")


def _geometry(op: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
              ceil_mode: bool) -> dict:
    """The checked window of a fixed-window 3-d pool, as the options of its Function."""
    _check_5d(op, x)
    kernel = _triple(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or stride == () else _triple(stride, "stride", op)
    padding, dilation = _triple(padding, "padding", op), _triple(dilation, "dilation", op)
    out = _check_window(op, x.shape, kernel, stride, padding, dilation, ceil_mode)
    return dict(kernel=kernel, stride=stride, padding=padding, dilation=dilation, out=out)


def _padded_input(x: Any, value: Any, kernel: tuple, stride: tuple, padding: tuple,
                  dilation: tuple, out: tuple) -> Any:
    """``x`` padded with ``value`` by ``padding``, and on the far side further where a
    ceil_mode window overhangs the input (``x`` itself where nothing is padded)."""
    spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    ends = tuple(max(n + 2 * p, (o - 1) * s + span)
                 for n, p, o, s, span in zip(x.shape[2:], padding, out, stride, spans))
    if x.shape[2:] == ends and not any(padding):
        return x
    buf = xp.full(x.shape[:2] + ends, value, dtype=x.dtype)
    buf[(..., *_inner(padding, x.shape[2:]))] = x
    return buf


def _inner(padding: tuple, size: tuple) -> tuple:
    """The slices of a padded volume that hold the input of spatial ``size``."""
    return tuple(slice(p, p + n) for p, n in zip(padding, size))


def _windows(x: Any, value: Any, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
             out: tuple) -> Any:
    """A view (N, C, Do, Ho, Wo, kd, kh, kw) of the windows of ``x`` padded with ``value``."""
    spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    xpad = _padded_input(x, value, kernel, stride, padding, dilation, out)
    view = _sliding_window_view(xpad, spans, axis=(2, 3, 4))
    starts = tuple(slice(0, (o - 1) * s + 1, s) for o, s in zip(out, stride))
    return view[(slice(None), slice(None), *starts, *(slice(None, None, d) for d in dilation))]


def _offset_cells(kernel: tuple, stride: tuple, out: tuple) -> Any:
    """For each kernel offset (undilated): the slices of the padded input it reads, one
    element per output cell."""
    for offset in itertools.product(*(range(k) for k in kernel)):
        yield (..., *(slice(j, j + (o - 1) * s + 1, s) for j, o, s in zip(offset, out, stride)))


def _window_max(windows: Any, low: Any) -> tuple[Any, Any, bool]:
    """Max of each window (the last axis) and its position in it, PyTorch's: the first
    maximum, or the last NaN where the window has one.  Also whether some window's maximum
    is ``low`` (only padding or the dtype's lowest value), which the caller may have to mend."""
    arg = windows.argmax(axis=-1)
    best = xp.take_along_axis(windows, arg[..., None], axis=-1)[..., 0]
    rare = bool(best.size) and not best.min() > low  # False for NaN too
    if rare and windows.dtype.kind == "f":
        nan = xp.isnan(windows)
        has_nan = nan.any(axis=-1)
        if has_nan.any():  # PyTorch's test is ``val > max || isnan(val)``: the last NaN wins
            last = windows.shape[-1] - 1 - nan[..., ::-1].argmax(axis=-1)
            arg = xp.where(has_nan, last, arg)
            best = xp.where(has_nan, xp.nan, best).astype(windows.dtype)
    return best, arg, rare


def _first_inside(out: int, stride: int, padding: int, kernel: int, dilation: int, n: int) -> Any:
    """For each of ``out`` windows along an axis of ``n`` cells: its first offset ``j`` that
    reads inside the input (window ``o`` reads ``o * stride - padding + j * dilation``)."""
    reads = (xp.arange(out) * stride - padding)[:, None] + xp.arange(kernel) * dilation
    return ((reads >= 0) & (reads < n)).argmax(axis=1)


class _WindowMax(Function):
    """What the max pools share: the flat input index of each maximum (``index``, the
    pool's return_indices), to which backward adds the output gradient."""

    def backward(self, grad):
        n, c, *size = self.xshape
        volume = math.prod(size)
        # Windows may overlap, so one input can be the max of several cells: bincount sums them.
        flat = self.index.reshape(n * c, math.prod(self.index.shape[2:])) + (xp.arange(n * c) * volume)[:, None]
        g = xp.bincount(flat.ravel(), weights=grad.reshape(-1), minlength=n * c * volume)
        return g.astype(grad.dtype, copy=False).reshape(self.xshape)


class MaxPool3d(_WindowMax):
    def forward(self, x, kernel=(1, 1, 1), stride=(1, 1, 1), padding=(0, 0, 0),
                dilation=(1, 1, 1), out=(1, 1, 1)):
        low = -xp.inf if x.dtype.kind == "f" else xp.iinfo(x.dtype).min  # integers have no -inf
        windows = _windows(x, low, kernel, stride, padding, dilation, out)
        best, arg, rare = _window_max(windows.reshape(x.shape[:2] + out + (math.prod(kernel),)), low)
        if rare:
            # A window of ``low`` alone points at its first element inside the input, as
            # PyTorch's (argmax found the first element, maybe in the padding).
            first = [_first_inside(*axis) for axis in zip(out, stride, padding, kernel, dilation,
                                                          x.shape[2:])]
            arg = xp.where(best == low, xp.ravel_multi_index(xp.ix_(*first), kernel), arg)
        offsets = xp.unravel_index(arg, kernel)
        cells = xp.ogrid[:out[0], :out[1], :out[2]]
        positions = [o * s - p + j * d for o, j, s, p, d in zip(cells, offsets, stride, padding, dilation)]
        self.index, self.xshape = xp.ravel_multi_index(positions, x.shape[2:]), x.shape
        return best


def max_pool3d(input: Tensor, kernel_size: int | tuple[int, int, int],
               stride: int | tuple[int, int, int] | None = None,
               padding: int | tuple[int, int, int] = 0, dilation: int | tuple[int, int, int] = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over sliding windows of an (N, C, D, H, W) batch, as ``torch.nn.functional.max_pool3d``.

    ``out[n, c, z, y, x] = max_{i, j, l} in[n, c, z s_d - p_d + i d_d, y s_h - p_h + j d_h,
    x s_w - p_w + l d_w]`` (padding is -inf).  The gradient goes to the first maximum of each
    window (a window's last NaN, where it has one).

    Args:
        input: (N, C, D, H, W), or one unbatched (C, D, H, W) sample; floating-point or integer.
        kernel_size: int or (kd, kh, kw).
        stride: int or triple; default ``kernel_size``.
        padding: int or triple, at most half the kernel. Default 0.
        dilation: int or triple. Default 1.
        ceil_mode: round the output size up (a last, partial window). Default False.
        return_indices: also return the flat ``(d * H + h) * W + w`` index of each maximum (int64).

    Shape:
        output: (N, C, Do, Ho, Wo), ``Do = floor_or_ceil((D + 2 p - d (k - 1) - 1) / s) + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling3d import max_pool3d
        >>> max_pool3d(rb.randn(1, 2, 4, 6, 6), 2).shape
        (1, 2, 2, 3, 3)
    """
    if _unbatched(input, 3):
        return _as_batch_of_one(max_pool3d, input, kernel_size, stride, padding, dilation,
                                ceil_mode, return_indices)
    options = _geometry("max_pool3d", input, kernel_size, stride, padding, dilation, ceil_mode)
    if input.dtype.kind == "b":  # PyTorch has integer kernels, but none for bool
        raise TypeError("max_pool3d: expected a floating-point or integer input, got dtype bool; "
                        "convert it first, e.g. x.float()")
    y = MaxPool3d.apply(input, **options)
    if not return_indices:
        return y
    return y, Tensor._wrap(_node_of(y, MaxPool3d, input, **options).index)


class AvgPool3d(Function):
    """Window sums times ``scale``; an int64 input (never differentiated) is divided by
    ``divisor`` instead, truncating toward 0 as PyTorch's int64 kernel (C's ``/``) does.

    The sums add ``kd * kh * kw`` strided slices of the padded input, one per kernel offset:
    8x faster than summing the window axes of the ``sliding_window_view``."""

    def forward(self, x, scale=None, divisor=None, kernel=(1, 1, 1), stride=(1, 1, 1),
                padding=(0, 0, 0), out=(1, 1, 1)):
        xpad = _padded_input(x, 0, kernel, stride, padding, (1, 1, 1), out)
        offsets = _offset_cells(kernel, stride, out)
        total = xpad[next(offsets)].copy()
        for cells in offsets:
            total += xpad[cells]
        if divisor is not None:
            total -= xp.fmod(total, divisor)  # now a multiple of divisor: // is exact
            total //= divisor
            return total
        total *= scale
        self.scale, self.geometry = scale, (x.shape, xpad.shape, kernel, stride, padding, out)
        return total

    def backward(self, grad):
        shape, padded, kernel, stride, padding, out = self.geometry
        g = grad * self.scale
        gpad = xp.zeros(padded, dtype=grad.dtype)
        for cells in _offset_cells(kernel, stride, out):
            gpad[cells] += g
        return gpad[(..., *_inner(padding, shape[2:]))]


def avg_pool3d(input: Tensor, kernel_size: int | tuple[int, int, int],
               stride: int | tuple[int, int, int] | None = None,
               padding: int | tuple[int, int, int] = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over sliding windows of an (N, C, D, H, W) batch, as ``torch.nn.functional.avg_pool3d``.

    ``out[n, c, z, y, x] = sum_{i, j, l} in[n, c, z s_d - p_d + i, y s_h - p_h + j,
    x s_w - p_w + l] / divisor`` (padding is 0).  An int64 input gives int64 means,
    truncated toward 0, as PyTorch's.

    Args:
        input: (N, C, D, H, W), or one unbatched (C, D, H, W) sample; floating-point or int64.
        kernel_size: int or (kd, kh, kw).
        stride: int or triple; default ``kernel_size``.
        padding: int or triple, at most half the kernel. Default 0.
        ceil_mode: round the output size up. Default False.
        count_include_pad: count padded zeros in the divisor. Default True.
        divisor_override: divide every window by this instead. Default None.

    Shape:
        output: (N, C, Do, Ho, Wo), ``Do = floor_or_ceil((D + 2 p - k) / s) + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling3d import avg_pool3d
        >>> avg_pool3d(rb.ones(1, 1, 2, 4, 4), 2).tolist()
        [[[[[1.0, 1.0], [1.0, 1.0]]]]]
    """
    if _unbatched(input, 3):
        return _as_batch_of_one(avg_pool3d, input, kernel_size, stride, padding, ceil_mode,
                                count_include_pad, divisor_override)
    options = _geometry("avg_pool3d", input, kernel_size, stride, padding, 1, ceil_mode)
    del options["dilation"]
    check_floating("avg_pool3d", input, or_int64=True)  # int64: PyTorch's truncated means
    if divisor_override is not None:
        if not isinstance(divisor_override, int) or divisor_override == 0:
            raise ValueError(f"avg_pool3d: divisor_override must be a non-zero int, "
                             f"got {divisor_override!r}")
        divisor = xp.asarray(divisor_override)
    else:
        d, h, w = (_window_counts(n, k, s, p, o, count_include_pad) for n, k, s, p, o in zip(
            input.shape[2:], options["kernel"], options["stride"], options["padding"], options["out"]))
        divisor = d[:, None, None] * h[:, None] * w
    if input.dtype.kind == "f":
        return AvgPool3d.apply(input, scale=(1.0 / divisor).astype(input.dtype), **options)
    return AvgPool3d.apply(input, divisor=divisor, **options)


def _adaptive_size(op: str, x: Tensor, output_size: Any) -> tuple[int, int, int]:
    """The (Do, Ho, Wo) an adaptive 3-d pool makes: None keeps that input size, 0 gives an
    empty output (PyTorch takes both), a negative size raises."""
    _check_5d(op, x)  # PyTorch's adaptive 3-d pools refuse an empty C (the 2-d average takes it)
    check_floating(op, x)
    size = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 3
    if len(size) != 3:
        raise ValueError(f"{op}: output_size must be an int or a tuple of three (int or None), "
                         f"got {output_size!r}")
    size = tuple(x.shape[2 + a] if s is None else s for a, s in enumerate(size))
    if not all(isinstance(s, int) and s >= 0 for s in size):
        raise ValueError(f"{op}: output_size must hold non-negative ints (or None), got "
                         f"{output_size!r}")
    return size


def _averaging_matrix(n: int, out: int, dtype: Any) -> Any:
    """(out, n): row i averages the cells ``[floor(i n / out), ceil((i + 1) n / out))``."""
    start, end = adaptive_bounds(n, out)
    cells = xp.arange(n)
    inside = (cells >= start[:, None]) & (cells < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


class AdaptiveAvgPool3d(Function):
    """``out = M_d (M_h x M_w^T)`` along D, H and W: three batched GEMMs each way."""

    def forward(self, x, mats=()):
        md, mh, mw = mats
        n, c, d = x.shape[:3]
        y = mh @ (x @ mw.T)  # (N, C, D, Ho, Wo)
        plane = y.shape[3:]
        self.mats = mats
        return (md @ y.reshape(n, c, d, math.prod(plane))).reshape(n, c, md.shape[0], *plane)

    def backward(self, grad):
        md, mh, mw = self.mats
        n, c, _, ho, wo = grad.shape
        g = (md.T @ grad.reshape(n, c, md.shape[0], ho * wo)).reshape(n, c, md.shape[1], ho, wo)
        return mh.T @ g @ mw


def adaptive_avg_pool3d(input: Tensor, output_size: int | tuple[int | None, int | None, int | None]) -> Tensor:
    """Mean over the window ``[floor(i D / Do), ceil((i + 1) D / Do))`` (and likewise in H and
    W) of each output cell, as ``torch.nn.functional.adaptive_avg_pool3d``.

    Args:
        input: (N, C, D, H, W), or one unbatched (C, D, H, W) sample.
        output_size: (Do, Ho, Wo), one int for all three; None keeps that input size.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling3d import adaptive_avg_pool3d
        >>> adaptive_avg_pool3d(rb.randn(2, 3, 5, 7, 6), (1, 2, 3)).shape
        (2, 3, 1, 2, 3)
    """
    if _unbatched(input, 3):
        return _as_batch_of_one(adaptive_avg_pool3d, input, output_size)
    size = _adaptive_size("adaptive_avg_pool3d", input, output_size)
    mats = tuple(_averaging_matrix(n, o, input.dtype) for n, o in zip(input.shape[2:], size))
    return AdaptiveAvgPool3d.apply(input, mats=mats)


class AdaptiveMaxPool3d(_WindowMax):
    def forward(self, x, size=(1, 1, 1)):
        reads = []  # (o, m) input positions of each window along an axis, the last one repeated
        for n, o in zip(x.shape[2:], size):
            start, end = adaptive_bounds(n, o)
            widest = int((end - start).max()) if o else 1
            reads.append(xp.minimum(start[:, None] + xp.arange(widest), end[:, None] - 1))
        rd, rh, rw = reads
        # One fancy index: the window axes land after the cell axes, (N, C, Do, Ho, Wo, md, mh, mw).
        windows = x[:, :, rd[:, None, None, :, None, None], rh[None, :, None, None, :, None],
                    rw[None, None, :, None, None, :]]
        longest = tuple(r.shape[1] for r in reads)
        best, arg, _ = _window_max(windows.reshape(x.shape[:2] + size + (math.prod(longest),)), -xp.inf)
        jd, jh, jw = xp.unravel_index(arg, longest)
        cells = xp.ogrid[:size[0], :size[1], :size[2]]
        positions = [rd[cells[0], jd], rh[cells[1], jh], rw[cells[2], jw]]
        self.index, self.xshape = xp.ravel_multi_index(positions, x.shape[2:]), x.shape
        return best


def adaptive_max_pool3d(input: Tensor, output_size: int | tuple[int | None, int | None, int | None],
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over the windows of ``adaptive_avg_pool3d``, as ``torch.nn.functional.adaptive_max_pool3d``.

    Args:
        input: (N, C, D, H, W), or one unbatched (C, D, H, W) sample.
        output_size: (Do, Ho, Wo), one int for all three; None keeps that input size.
        return_indices: also return the flat ``(d * H + h) * W + w`` index of each maximum (int64).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling3d import adaptive_max_pool3d
        >>> adaptive_max_pool3d(rb.randn(2, 3, 5, 7, 6), 2).shape
        (2, 3, 2, 2, 2)
    """
    if _unbatched(input, 3):
        return _as_batch_of_one(adaptive_max_pool3d, input, output_size, return_indices)
    size = _adaptive_size("adaptive_max_pool3d", input, output_size)
    y = AdaptiveMaxPool3d.apply(input, size=size)
    if not return_indices:
        return y
    return y, Tensor._wrap(_node_of(y, AdaptiveMaxPool3d, input, size=size).index)
