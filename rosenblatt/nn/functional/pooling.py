"""Fixed-window pooling and channel dropout: max/avg pools in 2-d, the 1-d pools as the 2-d
ones on height-1 images, and dropout1d/dropout2d/dropout3d.  The adaptive pools are in
``adaptive_pooling.py``, which imports this file's input checks.

Fixed-window pools never build window arrays: they combine the ``kh * kw``
strided sub-grids of the padded input (one per kernel offset) with
``maximum``/``+=``, which is ~10x faster than reshape + max and keeps the memory
layout of the input (the conv layers may hand over CHWN or NHWC memory).
"""
from __future__ import annotations

import warnings
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...ops import inplace, mul
from ...random import Generator, numpy_generator
from ...tensor import Tensor
from ._checks import check_floating
from ._layout import alloc, memory_order
from .conv import _as_batch_of_one, _check_3d, _height_one, _pair, _unbatched, offset_slices, pad2d


def _pool_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    span = d * (k - 1) + 1
    out = (n + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1  # the last window must start inside the input or its left padding
    return out


def _described(x: Any) -> str:
    """What an error says a bad input was: a Tensor's shape, else its type."""
    return str(list(x.shape)) if isinstance(x, Tensor) else type(x).__name__


def _check_4d(op: str, x: Any, nonzero_from: int) -> None:
    """Raise unless ``x`` is an (N, C, H, W) Tensor (the pools have made an unbatched (C, H, W)
    sample a batch of one before they check) whose dims from ``nonzero_from`` on are non-empty,
    as PyTorch requires: C, H and W for the fixed windows, H and W for the adaptive ones (an
    empty adaptive window gave a NaN or a NumPy error)."""
    if not isinstance(x, Tensor) or x.ndim != 4:
        raise ValueError(f"{op}: expected a 4-d Tensor (N, C, H, W) or an unbatched 3-d one "
                         f"(C, H, W), got {_described(x)}")
    if not all(x.shape[nonzero_from:]):
        raise ValueError(f"{op}: expected non-zero {'C, H and W' if nonzero_from == 1 else 'H and W'}"
                         f" (only the batch may be empty), got input {list(x.shape)}")


def _geometry(op: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
              ceil_mode: bool) -> tuple:
    _check_4d(op, x, nonzero_from=1)
    kernel = _pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or stride == () else _pair(stride, "stride", op)
    padding, dilation = _pair(padding, "padding", op), _pair(dilation, "dilation", op)
    out = _check_window(op, x.shape, kernel, stride, padding, dilation, ceil_mode)
    # Padding on the bottom/right so the last (ceil_mode) window fits in the buffer.
    extra = tuple(max(0, (out[a] - 1) * stride[a] + dilation[a] * (kernel[a] - 1) + 1
                      - x.shape[2 + a] - padding[a]) for a in range(2))
    return kernel, stride, padding, dilation, out, extra


def _check_window(op: str, shape: tuple, kernel: tuple, stride: tuple, padding: tuple,
                  dilation: tuple, ceil_mode: bool) -> tuple:
    """Raise, naming ``op``, unless the window (one entry per spatial dim of an input of
    ``shape``) follows PyTorch's rules; return the output's spatial size."""
    if min(kernel) < 1 or min(stride) < 1 or min(dilation) < 1 or min(padding) < 0:
        raise ValueError(f"{op}: kernel_size, stride and dilation must be >= 1 and padding >= 0, "
                         f"got kernel_size={kernel}, stride={stride}, dilation={dilation}, "
                         f"padding={padding}")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError(f"{op}: padding {padding} must be at most half the kernel size {kernel}")
    size = shape[-len(kernel):]
    out = tuple(_pool_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(size, kernel, stride, padding, dilation))
    if min(out) < 1:
        raise ValueError(f"{op}: kernel {list(kernel)} (dilation {list(dilation)}) is larger than "
                         f"the padded input {[n + 2 * p for n, p in zip(size, padding)]} "
                         f"(input {list(shape)}); use a smaller kernel or more padding")
    return out


def _disjoint(kernel: tuple, stride: tuple, dilation: tuple) -> bool:
    """True when no input pixel lies in two windows (each gradient slot is written once)."""
    return all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))


class MaxPool2d(Function):
    def forward(self, x, kernel=(1, 1), stride=(1, 1), padding=(0, 0), dilation=(1, 1),
                out=(1, 1), extra=(0, 0)):
        low = -xp.inf if x.dtype.kind == "f" else xp.iinfo(x.dtype).min  # integers have no -inf
        xpad = pad2d(x, padding[0], extra[0], padding[1], extra[1], low)
        slices = [s for _, _, s in offset_slices(kernel, stride, dilation, out)]
        best = xpad[:, :, slices[0][0], slices[0][1]].copy(order="K")
        # Scratch in best's memory order (the input's): mixed orders make every pass stride badly.
        arg = xp.zeros_like(best, dtype=xp.int8 if len(slices) < 128 else xp.int32)
        larger = xp.empty_like(best, dtype=bool)
        for k, (rows, cols) in enumerate(slices[1:], 1):
            v = xpad[:, :, rows, cols]
            xp.greater(v, best, out=larger)  # strictly: ties keep the first offset, as PyTorch
            # arg < k so far, so max(arg, k * larger) sets k exactly where v won: 20x faster
            # than copyto(arg, k, where=larger)
            xp.maximum(arg, xp.multiply(larger, k, dtype=arg.dtype), out=arg)
            xp.maximum(best, v, out=best)
        # Windows of NaN or of the padding value alone, found by one pass over the output (min
        # is NaN or ``low``), get PyTorch's argmax off the hot path.
        if best.size and not best.min() > low:
            _mend_argmax(arg, best, xpad, slices, padding, x.shape[2:], low)
        self.arg, self.slices, self.padshape = arg, slices, xpad.shape
        self.geometry = (x.shape, padding, _disjoint(kernel, stride, dilation))
        return best

    def backward(self, grad):
        xshape, padding, disjoint = self.geometry
        gpad = alloc(self.padshape, memory_order(self.arg), grad.dtype)  # the input's layout
        for k, (rows, cols) in enumerate(self.slices):
            if disjoint:
                xp.multiply(grad, self.arg == k, out=gpad[:, :, rows, cols])
            else:
                gpad[:, :, rows, cols] += grad * (self.arg == k)
        return gpad[:, :, padding[0]:padding[0] + xshape[2], padding[1]:padding[1] + xshape[3]]

    def indices(self, kernel: tuple, stride: tuple, dilation: tuple) -> Any:
        """Flat ``h * W + w`` input index of each maximum, as PyTorch's return_indices."""
        (n, c, h, w), padding, _ = self.geometry
        ho, wo = self.arg.shape[2:]
        ki, kj = xp.divmod(self.arg.astype(xp.int64), kernel[1])
        rows = xp.arange(ho).reshape(-1, 1) * stride[0] - padding[0] + ki * dilation[0]
        cols = xp.arange(wo) * stride[1] - padding[1] + kj * dilation[1]
        return rows * w + cols


def _mend_argmax(arg: Any, best: Any, xpad: Any, slices: list, padding: tuple,
                 size: tuple, low: Any) -> None:
    """``arg`` as PyTorch's max pool has it where a window holds NaN or only ``low`` (the
    padding value: -inf, or an integer dtype's minimum).

    PyTorch's maximum is the window's last NaN (``val > max || isnan(val)``), and a
    window of ``low`` alone points at its first element inside the input.  The strict
    ``>`` of the forward never picks a NaN, and for ``low`` alone it keeps offset 0,
    which may lie in the padding (an index outside the input, a lost gradient).
    """
    empty = best == low
    if empty.any():
        def inside(axis: int, positions: slice) -> Any:
            p = xp.arange(positions.start, positions.stop, positions.step)
            return (p >= padding[axis]) & (p < padding[axis] + size[axis])
        for k in reversed(range(len(slices))):  # the first offset inside the input is set last
            rows, cols = slices[k]
            arg[empty & (inside(0, rows)[:, None] & inside(1, cols))] = k
    for k, (rows, cols) in enumerate(slices):  # the last NaN is set last
        arg[xp.isnan(xpad[:, :, rows, cols])] = k


def max_pool2d(input: Tensor, kernel_size: int | tuple[int, int],
               stride: int | tuple[int, int] | None = None, padding: int | tuple[int, int] = 0,
               dilation: int | tuple[int, int] = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over sliding windows of an (N, C, H, W) batch, as ``torch.nn.functional.max_pool2d``.

    ``out[n, c, y, x] = max_{i, j} in[n, c, y s_h - p_h + i d_h, x s_w - p_w + j d_w]``
    (padding is -inf).  The gradient goes to the first maximum of each window.

    Args:
        input: (N, C, H, W), or one unbatched (C, H, W) sample; floating-point or integer.
        kernel_size: int or (kh, kw).
        stride: int or pair; default ``kernel_size``.
        padding: int or pair, at most half the kernel. Default 0.
        dilation: int or pair. Default 1.
        ceil_mode: round the output size up (a last, partial window). Default False.
        return_indices: also return the flat ``h * W + w`` index of each maximum (int64).

    Shape:
        output: (N, C, Ho, Wo), ``Ho = floor_or_ceil((H + 2 p - d (k - 1) - 1) / s) + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling import max_pool2d
        >>> max_pool2d(rb.randn(1, 2, 6, 6), 2).shape
        (1, 2, 3, 3)
    """
    if _unbatched(input, 2):
        return _as_batch_of_one(max_pool2d, input, kernel_size, stride, padding, dilation,
                                ceil_mode, return_indices)
    kernel, stride, padding, dilation, out, extra = _geometry(
        "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    if input.dtype.kind == "b":  # PyTorch has integer kernels, but none for bool
        raise TypeError("max_pool2d: expected a floating-point or integer input, got dtype bool; "
                        "convert it first, e.g. x.float()")
    y = MaxPool2d.apply(input, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                        out=out, extra=extra)
    if not return_indices:
        return y
    node = _node_of(y, MaxPool2d, input, kernel=kernel, stride=stride, padding=padding,
                    dilation=dilation, out=out, extra=extra)
    return y, Tensor._wrap(node.indices(kernel, stride, dilation))


def _node_of(y: Tensor, function: type, x: Tensor, **options: Any) -> Function:
    """The ``function`` node that computed ``y`` from ``x``, for the argmax it keeps
    (``return_indices``).  The graph holds the node only when a gradient is recorded;
    otherwise the forward runs again on a bare node."""
    if y._node is not None:
        return y._node
    node = object.__new__(function)
    node.forward(x.data, **options)
    return node


def _check_3d_nonempty(op: str, x: Any, nonzero_from: int) -> None:
    """``_check_3d``, and the dims from ``nonzero_from`` on non-empty, as PyTorch's 1-d pools
    require (C and L; the adaptive average takes an empty C); the message names the 1-d op,
    not the 2-d one it runs."""
    _check_3d(op, x)
    if not all(x.shape[nonzero_from:]):
        raise ValueError(f"{op}: expected non-zero {'C and L' if nonzero_from == 1 else 'L'} "
                         f"(only the batch may be empty), got input {list(x.shape)}")


def _window_1d(op: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
               ceil_mode: bool) -> tuple:
    """A 1-d pool's kernel, stride (default: the kernel), padding and dilation as its 2-d
    pool's on a height-1 image, ``(1, k), (1, s), (0, p), (1, d)``; checked here, so the
    errors name the 1-d op and its length (not the 2-d op and a height of 1)."""
    kernel = _pair(kernel_size, "kernel_size", op)[0]
    stride = kernel if stride is None or stride == () else _pair(stride, "stride", op)[0]
    padding, dilation = _pair(padding, "padding", op)[0], _pair(dilation, "dilation", op)[0]
    _check_window(op, x.shape, (kernel,), (stride,), (padding,), (dilation,), ceil_mode)
    return (1, kernel), (1, stride), (0, padding), (1, dilation)


def max_pool1d(input: Tensor, kernel_size: int, stride: int | None = None, padding: int = 0,
               dilation: int = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over sliding windows of an (N, C, L) batch: ``max_pool2d`` on a height-1 image.

    Args: as ``max_pool2d``, each an int.  Indices index L.  An integer input needs
    ``return_indices=True``, as in PyTorch (whose CPU kernel without indices is float only).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling import max_pool1d
        >>> max_pool1d(rb.randn(2, 3, 8), 2).shape
        (2, 3, 4)
    """
    if _unbatched(input, 1):
        return _as_batch_of_one(max_pool1d, input, kernel_size, stride, padding, dilation,
                                ceil_mode, return_indices)
    _check_3d_nonempty("max_pool1d", input, nonzero_from=1)
    if not return_indices:  # PyTorch's CPU max_pool1d kernel (not the one with indices) is float only
        check_floating("max_pool1d", input)
    window = _window_1d("max_pool1d", input, kernel_size, stride, padding, dilation, ceil_mode)
    return _height_one(max_pool2d, input, *window, ceil_mode, return_indices)


class AvgPool2d(Function):
    """Window sums times ``scale``; an int64 input (never differentiated) is divided by
    ``divisor`` instead, truncating toward 0 as PyTorch's int64 kernel (C's ``/``) does."""

    def forward(self, x, scale=None, divisor=None, kernel=(1, 1), stride=(1, 1), padding=(0, 0),
                out=(1, 1), extra=(0, 0)):
        xpad = pad2d(x, padding[0], extra[0], padding[1], extra[1])
        slices = [s for _, _, s in offset_slices(kernel, stride, (1, 1), out)]
        total = xpad[:, :, slices[0][0], slices[0][1]].copy(order="K")
        for rows, cols in slices[1:]:
            total += xpad[:, :, rows, cols]
        if divisor is not None:
            total -= xp.fmod(total, divisor)  # now a multiple of divisor: // is exact
            total //= divisor
            return total
        total *= scale
        self.scale, self.slices, self.padshape = scale, slices, xpad.shape
        self.crop = (padding, x.shape)
        return total

    def backward(self, grad):
        (ph, pw), shape = self.crop
        g = grad * self.scale
        gpad = xp.zeros(self.padshape, dtype=grad.dtype)
        for rows, cols in self.slices:
            gpad[:, :, rows, cols] += g
        return gpad[:, :, ph:ph + shape[2], pw:pw + shape[3]]


def _window_counts(n: int, k: int, s: int, p: int, out: int, include_pad: bool) -> Any:
    """Elements of each window along one axis, counted as PyTorch's avg_pool2d does."""
    start = xp.arange(out) * s - p
    end = xp.minimum(start + k, n + p)  # padding counts, the ceil_mode overhang does not
    if not include_pad:
        start, end = xp.maximum(start, 0), xp.minimum(end, n)
    return end - start


def avg_pool2d(input: Tensor, kernel_size: int | tuple[int, int],
               stride: int | tuple[int, int] | None = None, padding: int | tuple[int, int] = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over sliding windows of an (N, C, H, W) batch, as ``torch.nn.functional.avg_pool2d``.

    ``out[n, c, y, x] = sum_{i, j} in[n, c, y s_h - p_h + i, x s_w - p_w + j] / divisor``
    (padding is 0).  An int64 input gives int64 means, truncated toward 0, as PyTorch's.

    Args:
        input: (N, C, H, W), or one unbatched (C, H, W) sample; floating-point or int64.
        kernel_size: int or (kh, kw).
        stride: int or pair; default ``kernel_size``.
        padding: int or pair, at most half the kernel. Default 0.
        ceil_mode: round the output size up. Default False.
        count_include_pad: count padded zeros in the divisor. Default True.
        divisor_override: divide every window by this instead. Default None.

    Shape:
        output: (N, C, Ho, Wo), ``Ho = floor_or_ceil((H + 2 p - k) / s) + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling import avg_pool2d
        >>> avg_pool2d(rb.ones(1, 1, 4, 4), 2).tolist()
        [[[[1.0, 1.0], [1.0, 1.0]]]]
    """
    if _unbatched(input, 2):
        return _as_batch_of_one(avg_pool2d, input, kernel_size, stride, padding, ceil_mode,
                                count_include_pad, divisor_override)
    kernel, stride, padding, _, out, extra = _geometry(
        "avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode)
    check_floating("avg_pool2d", input, or_int64=True)  # int64: PyTorch's truncated means
    if divisor_override is not None:
        if not isinstance(divisor_override, int) or divisor_override == 0:
            raise ValueError(f"avg_pool2d: divisor_override must be a non-zero int, "
                             f"got {divisor_override!r}")
        divisor = xp.asarray(divisor_override)
    else:
        counts = [_window_counts(input.shape[2 + a], kernel[a], stride[a], padding[a], out[a],
                                 count_include_pad) for a in range(2)]
        divisor = counts[0][:, None] * counts[1][None, :]
    if input.dtype.kind == "f":
        scale, divisor = (1.0 / divisor).astype(input.dtype), None
    else:
        scale = None
    return AvgPool2d.apply(input, scale=scale, divisor=divisor, kernel=kernel, stride=stride,
                           padding=padding, out=out, extra=extra)


def avg_pool1d(input: Tensor, kernel_size: int, stride: int | None = None, padding: int = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over sliding windows of an (N, C, L) batch: ``avg_pool2d`` on a height-1 image.

    Args: as ``avg_pool2d`` (no ``divisor_override``, as in PyTorch), each an int.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling import avg_pool1d
        >>> avg_pool1d(rb.tensor([[[1.0, 2.0, 3.0, 4.0]]]), 2).tolist()
        [[[1.5, 3.5]]]
    """
    if _unbatched(input, 1):
        return _as_batch_of_one(avg_pool1d, input, kernel_size, stride, padding, ceil_mode,
                                count_include_pad)
    _check_3d_nonempty("avg_pool1d", input, nonzero_from=1)
    window = _window_1d("avg_pool1d", input, kernel_size, stride, padding, 1, ceil_mode)
    return _height_one(avg_pool2d, input, *window[:3], ceil_mode, count_include_pad)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              generator: Generator | None = None) -> Tensor:
    """Zero whole channels with probability ``p``, scaling the kept ones by ``1 / (1 - p)``.

    ``out[n, c] = in[n, c] * m[n, c] / (1 - p)`` with ``m[n, c] ~ Bernoulli(1 - p)``;
    identity when ``training`` is False.

    Args:
        input: (N, C, H, W); a 3-d input is taken as (N, C, L), with PyTorch's warning (use
            ``dropout1d``), and other ranks of at least 2 with PyTorch's deprecation warning.
        p: probability of dropping a channel, in [0, 1].
        training: apply dropout (True) or return ``input`` (False).
        inplace: write the result into ``input``.
        generator: ``rosenblatt.Generator`` to draw the mask from; default generator if None.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling import dropout2d
        >>> dropout2d(rb.ones(2, 4, 3, 3), 0.5, generator=rb.Generator().manual_seed(0)).shape
        (2, 4, 3, 3)
    """
    _check_probability("dropout2d", p)
    ndim = input.ndim if isinstance(input, Tensor) else None
    if ndim is not None and ndim >= 2 and ndim != 4:
        # PyTorch's warnings, which it gives in eval mode too
        if ndim != 3:
            _warn_deprecated_rank("dropout2d", ndim, spatial_dims=2)
        else:
            warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                          "channel-wise 1D dropout behavior is desired - input is interpreted as "
                          "shape (N, C, L), where C is the channel dim. This behavior will change "
                          "in a future release to interpret the input as one without a batch "
                          "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
                          "dropout behavior, please call dropout1d instead.", stacklevel=2)
    if ndim is None or ndim < 2:
        raise ValueError(f"dropout2d: expected a 4-d (N, C, H, W) Tensor (feature dropout needs "
                         f"at least 2 dims), got {_described(input)}")
    return _channel_dropout("dropout2d", input, p, training, inplace, generator)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              generator: Generator | None = None) -> Tensor:
    """Zero whole channels of an (N, C, L) batch or a (C, L) sample with probability ``p``,
    scaling the kept ones by ``1 / (1 - p)``: ``dropout2d``'s masks, one per channel.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling import dropout1d
        >>> dropout1d(rb.ones(4, 5), 0.5, generator=rb.Generator().manual_seed(0)).shape
        (4, 5)
    """
    _check_probability("dropout1d", p)
    if not isinstance(input, Tensor) or input.ndim not in (2, 3):
        raise ValueError(f"dropout1d: expected a 3-d (N, C, L) or 2-d (C, L) Tensor (channel-wise "
                         f"dropout over one spatial dim), got {_described(input)}")
    return _channel_dropout("dropout1d", input, p, training, inplace, generator,
                            batched=input.ndim == 3)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              generator: Generator | None = None) -> Tensor:
    """Zero whole channels of an (N, C, D, H, W) batch or a (C, D, H, W) sample with
    probability ``p``, scaling the kept ones by ``1 / (1 - p)``: ``dropout2d``'s masks, one
    per channel; identity when ``training`` is False.

    Any other rank is taken as one unbatched sample (one mask value per slice of dim 0), with
    PyTorch's deprecation warning, which it gives in eval mode too.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.pooling import dropout3d
        >>> dropout3d(rb.ones(2, 4, 3, 3, 3), 0.5, generator=rb.Generator().manual_seed(0)).shape
        (2, 4, 3, 3, 3)
    """
    _check_probability("dropout3d", p)
    if not isinstance(input, Tensor):
        raise ValueError(f"dropout3d: expected a 5-d (N, C, D, H, W) or 4-d (C, D, H, W) Tensor, "
                         f"got {_described(input)}")
    if input.ndim not in (4, 5):
        _warn_deprecated_rank("dropout3d", input.ndim, spatial_dims=3)
    if input.ndim == 0 and training and p > 0:
        raise ValueError("dropout3d: feature dropout needs at least 1 dim (the channels), got a "
                         "0-d Tensor; use dropout for single values")
    return _channel_dropout("dropout3d", input, p, training, inplace, generator,
                            batched=input.ndim == 5)


def _warn_deprecated_rank(op: str, ndim: int, spatial_dims: int) -> None:
    """PyTorch's warning for a channel dropout given a rank it will refuse in the future."""
    warnings.warn(f"{op}: Received a {ndim}-D input to {op}, which is deprecated and will result "
                  f"in an error in a future release. To retain the behavior and silence this "
                  f"warning, please use dropout instead. Note that {op} exists to provide "
                  f"channel-wise dropout on inputs with {spatial_dims} spatial dimensions, a "
                  f"channel dimension, and an optional batch dimension (i.e. {spatial_dims + 1}D or "
                  f"{spatial_dims + 2}D inputs).", stacklevel=3)


def _check_probability(op: str, p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")


def _channel_dropout(op: str, input: Tensor, p: float, training: bool, inplace_: bool,
                     generator: Generator | None, batched: bool = True) -> Tensor:
    """``input`` times one mask value per (sample, channel), or per channel of one unbatched
    sample: 0, or ``1 / (1 - p)`` kept."""
    if not training or p == 0.0:
        return input
    check_floating(op, input)
    channel_dims = 2 if batched else 1
    shape = input.shape[:channel_dims] + (1,) * (input.ndim - channel_dims)
    keep = numpy_generator(generator).random(shape) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = Tensor._wrap((keep * scale).astype(input.dtype))
    return inplace(input, mul, mask) if inplace_ else input * mask

