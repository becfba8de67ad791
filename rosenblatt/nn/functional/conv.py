"""Convolutions: conv1d, conv2d, conv_transpose2d (NCHW at the API, PyTorch semantics).

Each convolution is one GEMM on BLAS: ``as_strided`` builds a window view of the
padded input, one copy turns it into the column matrix (im2col), ``matmul`` does
the rest.  The input gradient is the reverse (col2im): ``kh * kw`` strided adds of
kernel-offset slices into a zero buffer, never ``add.at``.  Stride-1 3x3
convolutions with enough channels and pixels take Winograd F(4x4, 3x3) instead
(``_winograd.py``): 4x fewer multiplications, every transform a GEMM too.

Layouts are chosen per layer and carried in strides, not copies.  Few channels
(LeNet) favour columns ordered ``(C, H, W, N)``, batch last: the im2col copy, the
col2im adds and the pooling passes that follow then run along rows of ``W * N``
values instead of ``W`` (LeNet-5's conv2 input gradient: col2im 3.9 -> 1.3 ms).
Many channels favour ``(N, H, W, C)`` rows.  Either way the result is returned
as an NCHW *view* of that memory, so the next element-wise op and the next conv
read it in place (NumPy ufuncs keep the memory order of their input).
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_dtype
from ._layout import MEMORY_ORDERS, alloc, batch_chunks, copy_channels_last, memory_order
from ._winograd import Conv2dWinograd

_as_strided = xp.lib.stride_tricks.as_strided
#: channels per group from which rows ordered (N, H, W, C) beat columns ordered (C, H, W, N).
NHWC_MIN_CHANNELS = 16
#: a stride-1 3x3 conv with at least this many input channels (None: never) and an output of
#: at least WINOGRAD_MIN_SIZE x WINOGRAD_MIN_SIZE uses Winograd F(4x4, 3x3) instead of
#: im2col.  Forward+backward on 2 cores: 64 -> 64 channels at 32x32, batch 64, 121 ms against
#: im2col's 186; 16 -> 16 at 28x28, batch 128, 34 against 48; 64 -> 64 at 12x12, 53 against 72.
#: im2col won with 8 channels (K = 9 C beats 36 GEMMs with K = C) and below 12x12 (at 10x10,
#: 8x8 and 7x7 the part tiles waste up to a third of the work).
WINOGRAD_MIN_CHANNELS: int | None = 16
WINOGRAD_MIN_SIZE = 12
#: values in one batch chunk's column matrix (16 MiB of float32): measured best of 8-128 MiB.
CHUNK_ELEMENTS = 1 << 22


def _ints(value: Any, n: int, name: str, op: str) -> tuple[int, ...]:
    """An op's per-dimension argument as ``n`` ints: an int, or a tuple of 1 or ``n`` ints
    (PyTorch takes each)."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, int):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(isinstance(v, int) for v in value):
        return tuple(int(v) for v in value)
    raise ValueError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")


def _pair(value: Any, name: str, op: str) -> tuple[int, int]:
    return _ints(value, 2, name, op)


def _triple(value: Any, name: str, op: str) -> tuple[int, int, int]:
    return _ints(value, 3, name, op)


def pad2d(x: Any, top: int, bottom: int, left: int, right: int, value: float = 0.0,
          memory: str | None = None) -> Any:
    """``x`` (N, C, H, W) padded on H and W with ``value``.

    The result keeps ``x``'s memory layout, or lies in the layout ``memory`` names
    (``MEMORY_ORDERS``): ``"channels_last"`` (N, H, W, C) or ``"batch_last"`` (C, H, W, N).
    With no padding, ``x`` itself when its memory already is in that order.
    """
    n, c, h, w = x.shape
    shape = (n, c, h + top + bottom, w + left + right)
    kept = memory_order(x)
    order = kept if memory is None else MEMORY_ORDERS[memory]
    if not (top or bottom or left or right) and order == kept:
        return x
    buf = alloc(shape, order, x.dtype, zero=value == 0)
    if value != 0:
        buf.fill(value)
    inner = buf[:, :, top:top + h, left:left + w]
    if memory == "channels_last":
        copy_channels_last(inner, x)
    else:
        inner[...] = x
    return buf


def windows(x: Any, kernel: tuple, stride: tuple, dilation: tuple, out: tuple) -> Any:
    """View (N, C, kh, kw, Ho, Wo) of the kernel windows of a padded ``x`` (N, C, Hp, Wp)."""
    sn, sc, sh, sw = x.strides
    shape = x.shape[:2] + tuple(kernel) + tuple(out)
    strides = (sn, sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1])
    return _as_strided(x, shape, strides, writeable=False)


def offset_slices(kernel: tuple, stride: tuple, dilation: tuple, out: tuple):
    """For each kernel offset (i, j): the (rows, cols) slices of the padded input it reads."""
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            r0, c0 = i * dilation[0], j * dilation[1]
            yield i, j, (slice(r0, r0 + stride[0] * (out[0] - 1) + 1, stride[0]),
                         slice(c0, c0 + stride[1] * (out[1] - 1) + 1, stride[1]))


def _im2col(xpad: Any, groups: int, kernel: tuple, stride: tuple, dilation: tuple,
            out: tuple, nhwc: bool) -> Any:
    """Columns of a padded input: (g, K, M), M ordered (Ho, Wo, N), or, with ``nhwc``,
    (g, M, K), M ordered (N, Ho, Wo); K is ordered (kh, kw, C/g)."""
    n, c = xpad.shape[:2]
    kh, kw = kernel
    win = windows(xpad, kernel, stride, dilation, out).reshape(n, groups, c // groups, kh, kw, *out)
    k, m = kh * kw * (c // groups), n * out[0] * out[1]
    if nhwc:
        return win.transpose(1, 0, 5, 6, 3, 4, 2).reshape(groups, m, k)
    return win.transpose(1, 3, 4, 2, 5, 6, 0).reshape(groups, k, m)


def _col2im(cols: Any, shape: tuple, groups: int, kernel: tuple, stride: tuple, dilation: tuple,
            out: tuple, nhwc: bool) -> Any:
    """Sum columns back into a padded (N, C, Hp, Wp) array (the adjoint of ``_im2col``)."""
    n, c, hp, wp = shape
    cg, (kh, kw) = c // groups, kernel
    if nhwc:
        cols = cols.reshape(groups, n, *out, kh, kw, cg)
        buf = xp.zeros((n, hp, wp, groups, cg), dtype=cols.dtype)
        for i, j, (rows, cs) in offset_slices(kernel, stride, dilation, out):
            buf[:, rows, cs] += cols[:, :, :, :, i, j].transpose(1, 2, 3, 0, 4)
        return buf.reshape(n, hp, wp, c).transpose(0, 3, 1, 2)
    cols = cols.reshape(groups, kh, kw, cg, *out, n)
    buf = xp.zeros((groups, cg, hp, wp, n), dtype=cols.dtype)
    for i, j, (rows, cs) in offset_slices(kernel, stride, dilation, out):
        buf[:, :, rows, cs] += cols[:, i, j]
    return buf.reshape(c, hp, wp, n).transpose(3, 0, 1, 2)


def _weight_matrix(w: Any, groups: int) -> Any:
    """(O, C/g, kh, kw) -> (g, O/g, K) with K ordered (kh, kw, C/g), matching ``_im2col``."""
    o = w.shape[0]
    return w.transpose(0, 2, 3, 1).reshape(groups, o // groups, -1)


def _from_weight_matrix(wm: Any, shape: tuple) -> Any:
    o, cg, kh, kw = shape
    return wm.reshape(o, kh, kw, cg).transpose(0, 3, 1, 2)


def _out_matrix(y: Any, groups: int, nhwc: bool) -> Any:
    """An NCHW array as the GEMM's output matrix: (g, M, O/g) or (g, O/g, M)."""
    n, o, h, w = y.shape
    if nhwc:
        rows = y.transpose(0, 2, 3, 1)
        if not rows.flags.c_contiguous:
            rows = xp.empty((n, h, w, o), dtype=y.dtype)
            copy_channels_last(rows.transpose(0, 3, 1, 2), y)
        return rows.reshape(n * h * w, groups, o // groups).transpose(1, 0, 2)
    return y.transpose(1, 2, 3, 0).reshape(groups, o // groups, -1)


def _from_out_matrix(ym: Any, n: int, out: tuple, nhwc: bool) -> Any:
    """The inverse of ``_out_matrix``: an NCHW view when the memory allows it."""
    g = ym.shape[0]
    if nhwc:
        og = ym.shape[2]
        return ym.reshape(g, n, *out, og).transpose(1, 0, 4, 2, 3).reshape(n, g * og, *out)
    og = ym.shape[1]
    return ym.reshape(g * og, *out, n).transpose(3, 0, 1, 2)


def _mm(a: Any, b: Any, out: Any = None) -> Any:
    """Per-group matrix product of (g, n, k) and (g, k, m) stacks.

    One group goes to BLAS as a plain 2-d product: NumPy's stacked matmul on
    transposed views was measured 3-9x slower for the same shapes.
    """
    if a.shape[0] == 1:
        if out is None:
            return (a[0] @ b[0])[None]
        return xp.matmul(a[0], b[0], out=out[0])
    return xp.matmul(a, b, out=out)


def _bias_grad(gm: Any, nhwc: bool) -> Any:
    # A GEMV with a ones vector is ~10x faster than sum() over the long axis of a tall array.
    if nhwc:
        return (xp.ones(gm.shape[1], dtype=gm.dtype) @ gm).reshape(-1)
    return (gm @ xp.ones(gm.shape[2], dtype=gm.dtype)).reshape(-1)


class Conv2d(Function):
    """Columns ordered (C, H, W, N): few channels, one GEMM ``(O, K) @ (K, H W N)``."""

    def forward(self, x, w, b=None, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1, out=(1, 1)):
        kernel = w.shape[2:]
        xpad = pad2d(x, *padding, memory="batch_last")
        cols = _im2col(xpad, groups, kernel, stride, dilation, out, False)
        wm = _weight_matrix(w, groups)
        ym = _mm(wm, cols)
        if b is not None:
            ym += b.reshape(groups, -1, 1)
        self.cols, self.wm = cols, wm
        self.args = (xpad.shape, groups, kernel, stride, dilation, out, padding, w.shape, x.shape)
        return _from_out_matrix(ym, x.shape[0], out, False)

    def backward(self, grad):
        padshape, groups, kernel, stride, dilation, out, padding, wshape, xshape = self.args
        gm = _out_matrix(grad, groups, False)
        gx = gw = gb = None
        if self.parents[1] is not None:
            gw = _from_weight_matrix(_mm(gm, self.cols.transpose(0, 2, 1)), wshape)
        if self.parents[0] is not None:
            # The column gradient has the columns' shape: on the last backward it goes into
            # their memory when they are a copy (LeNet-5's step peaks 7 MiB lower); with
            # 1x1 kernels they are a read-only view of the input's windows.
            reuse = self.last_backward and self.cols.flags.writeable
            gcols = _mm(self.wm.transpose(0, 2, 1), gm, out=self.cols if reuse else None)
            gx = _col2im(gcols, padshape, groups, kernel, stride, dilation, out, False)
            top, _, left, _ = padding
            gx = gx[:, :, top:top + xshape[2], left:left + xshape[3]]
        if len(self.parents) > 2 and self.parents[2] is not None:
            gb = _bias_grad(gm, False)
        return gx, gw, gb


class Conv2dRows(Function):
    """Rows ordered (N, H, W), K = (kh, kw, C): many channels, GEMMs ``(rows, K) @ (K, O)``.

    The batch is processed in chunks: each chunk's column matrix is written and
    read by its GEMM while still in cache, and only the padded input is saved
    (backward rebuilds the columns), not a kh*kw times larger column matrix.
    """

    def forward(self, x, w, b=None, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1, out=(1, 1)):
        kernel = w.shape[2:]
        n, o = x.shape[0], w.shape[0]
        xpad = pad2d(x, *padding, memory="channels_last")
        wm = _weight_matrix(w, groups)
        wmt = wm.transpose(0, 2, 1)
        hw = out[0] * out[1]
        ym = xp.empty((groups, n * hw, o // groups), dtype=x.dtype)
        for n0, n1 in batch_chunks(n, wm.shape[2] * hw, CHUNK_ELEMENTS):
            cols = _im2col(xpad[n0:n1], groups, kernel, stride, dilation, out, True)
            _mm(cols, wmt, out=ym[:, n0 * hw:n1 * hw])
        if b is not None:
            ym += b.reshape(groups, 1, -1)
        self.xpad, self.wm = xpad, wm
        self.args = (groups, kernel, stride, dilation, out, padding, w.shape, x.shape)
        return _from_out_matrix(ym, n, out, True)

    def backward(self, grad):
        groups, kernel, stride, dilation, out, padding, wshape, xshape = self.args
        n, c, h, w = xshape
        gm = _out_matrix(grad, groups, True)  # (g, N Ho Wo, O/g)
        hw, k = out[0] * out[1], self.wm.shape[2]
        need_x, need_w = self.parents[0] is not None, self.parents[1] is not None
        by_conv = need_x and _transposable(kernel, stride, dilation, padding)
        if by_conv:
            # The padded gradient is copied from gm's channels-last rows, not transposed again.
            gpad, wt = _flipped_conv_inputs(_from_out_matrix(gm, n, out, True), self.wm, wshape,
                                            groups, dilation, padding)
            gxm = xp.empty((groups, n * h * w, c // groups), dtype=grad.dtype)
        elif need_x:
            gxpad = alloc(self.xpad.shape, memory_order(self.xpad), grad.dtype)
        gwt = xp.zeros((groups, k, wshape[0] // groups), dtype=grad.dtype) if need_w else None
        for n0, n1 in batch_chunks(n, k * hw, CHUNK_ELEMENTS):
            rows = slice(n0 * hw, n1 * hw)
            if need_w:
                cols = _im2col(self.xpad[n0:n1], groups, kernel, stride, dilation, out, True)
                gwt += _mm(cols.transpose(0, 2, 1), gm[:, rows])
            if by_conv:
                gcols = _im2col(gpad[n0:n1], groups, kernel, (1, 1), dilation, (h, w), True)
                _mm(gcols, wt, out=gxm[:, n0 * h * w:n1 * h * w])
            elif need_x:
                shape = (n1 - n0,) + self.xpad.shape[1:]
                gxpad[n0:n1] = _col2im(_mm(gm[:, rows], self.wm), shape, groups, kernel, stride,
                                       dilation, out, True)
        gx = gw = gb = None
        if by_conv:
            gx = _from_out_matrix(gxm, n, (h, w), True)
        elif need_x:
            top, _, left, _ = padding
            gx = gxpad[:, :, top:top + h, left:left + w]
        if need_w:
            gw = _from_weight_matrix(gwt.transpose(0, 2, 1), wshape)
        if len(self.parents) > 2 and self.parents[2] is not None:
            gb = _bias_grad(gm, True)
        return gx, gw, gb


def _transposable(kernel: tuple, stride: tuple, dilation: tuple, padding: tuple) -> bool:
    """Whether the input gradient is a plain stride-1 conv of the (padded) output gradient."""
    spans = (dilation[0] * (kernel[0] - 1),) * 2 + (dilation[1] * (kernel[1] - 1),) * 2
    return stride == (1, 1) and all(p <= s for p, s in zip(padding, spans))


def _flipped_conv_inputs(grad: Any, wm: Any, wshape: tuple, groups: int, dilation: tuple,
                         padding: tuple) -> tuple[Any, Any]:
    """The padded gradient and the (g, K', C/g) weight whose stride-1 conv is the input gradient.

    One im2col + GEMM like the forward, instead of a GEMM into a kh*kw times larger
    column matrix and kh*kw strided adds (col2im).
    """
    o, cg, kh, kw = wshape
    top, bottom, left, right = padding
    sh, sw = dilation[0] * (kh - 1), dilation[1] * (kw - 1)
    gpad = pad2d(grad, sh - top, sh - bottom, sw - left, sw - right, memory="channels_last")
    # (g, O/g, K) with K = (kh, kw, C/g) -> the flipped kernel with K' = (kh, kw, O/g)
    w = wm.reshape(groups, o // groups, kh, kw, cg)[:, :, ::-1, ::-1]
    return gpad, w.transpose(0, 2, 3, 1, 4).reshape(groups, -1, cg)


class ConvTranspose2d(Function):
    """The adjoint of Conv2d: forward is col2im of ``W^T x``, backward is an im2col conv."""

    def forward(self, x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
                out=(1, 1)):
        n, cin, h, wd = x.shape
        cout = w.shape[1] * groups
        kernel = w.shape[2:]
        padshape = (n, cout, out[0] + 2 * padding[0], out[1] + 2 * padding[1])
        # Weight (Cin, Cout/g, kh, kw) seen as a conv weight (Cout, Cin/g, ...) per group.
        wm = w.reshape(groups, cin // groups, -1, *kernel).transpose(0, 1, 3, 4, 2).reshape(
            groups, cin // groups, -1)  # (g, Cin/g, K) with K ordered (kh, kw, Cout/g)
        xm = _out_matrix(x, groups, False)  # (g, Cin/g, M)
        cols = _mm(wm.transpose(0, 2, 1), xm)
        y = _col2im(cols, padshape, groups, kernel, stride, dilation, (h, wd), False)
        y = y[:, :, padding[0]:padding[0] + out[0], padding[1]:padding[1] + out[1]]
        if b is not None:
            y = y + b.reshape(1, -1, 1, 1)
        self.x, self.wm = xm, wm
        self.args = (groups, kernel, stride, dilation, (h, wd), padding, w.shape)
        return y

    def backward(self, grad):
        groups, kernel, stride, dilation, hw, padding, wshape = self.args
        ph, pw = padding
        gpad = pad2d(grad, ph, ph, pw, pw, memory="batch_last")
        cols = _im2col(gpad, groups, kernel, stride, dilation, hw, False)  # (g, K, M)
        gx = gw = gb = None
        if self.parents[0] is not None:
            gx = _from_out_matrix(_mm(self.wm, cols), grad.shape[0], hw, False)
        if self.parents[1] is not None:
            gwm = _mm(self.x, cols.transpose(0, 2, 1))  # (g, Cin/g, K)
            cin, cog, kh, kw = wshape
            gw = gwm.reshape(cin, kh, kw, cog).transpose(0, 3, 1, 2)
        if len(self.parents) > 2 and self.parents[2] is not None:
            gb = grad.sum(axis=(0, 2, 3))
        return gx, gw, gb


def _check(op: str, x: Tensor, w: Tensor, b: Any, groups: int, in_axis: int, dims: int = 2) -> int:
    """Raise PyTorch's refusals of a batched conv's tensors (``dims`` spatial dims; ``in_axis``:
    the weight's input-channel axis, 0 for a transposed conv); the output channels."""
    if not isinstance(x, Tensor) or not isinstance(w, Tensor):
        raise TypeError(f"{op}: input and weight must be Tensors, got {type(x).__name__} and "
                        f"{type(w).__name__}")
    if x.ndim != dims + 2 or w.ndim != dims + 2:
        spatial = ", ".join("DHW"[-dims:])
        raise ValueError(f"{op}: expected a {dims + 2}-d input (N, C, {spatial}) or an unbatched "
                         f"{dims + 1}-d one (C, {spatial}), and a {dims + 2}-d weight, got input "
                         f"{list(x.shape)} and weight {list(w.shape)}")
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    c = x.shape[1]
    if c % groups:
        raise ValueError(f"{op}: groups={groups} must divide the input channels, got input "
                         f"{list(x.shape)} with {c} channels")
    if in_axis == 1:  # conv: weight (O, C/g, *kernel)
        if w.shape[1] * groups != c:
            raise ValueError(f"{op}: input {list(x.shape)} has {c} channels but weight "
                             f"{list(w.shape)} with groups={groups} expects "
                             f"{w.shape[1] * groups} (weight.shape[1] * groups)")
        if w.shape[0] % groups:
            raise ValueError(f"{op}: groups={groups} must divide the output channels, got "
                             f"weight {list(w.shape)}")
        out_channels = w.shape[0]
    else:  # transposed conv: weight (Cin, Cout/g, *kernel)
        if w.shape[0] != c:
            raise ValueError(f"{op}: input {list(x.shape)} has {c} channels but weight "
                             f"{list(w.shape)} expects {w.shape[0]} (weight.shape[0])")
        out_channels = w.shape[1] * groups
    if b is not None and (not isinstance(b, Tensor) or tuple(b.shape) != (out_channels,)):
        raise ValueError(f"{op}: bias must be a Tensor of shape [{out_channels}], got "
                         f"{list(getattr(b, 'shape', [])) if isinstance(b, Tensor) else b!r}")
    check_dtype(op, x, weight=w, bias=b)
    return out_channels


def _transposed_output_size(op: str, in_shape: tuple, w_shape: tuple, stride: tuple,
                            padding: tuple, dilation: tuple, opad: tuple) -> tuple:
    """A transposed conv's output size per spatial dim, ``(i - 1) s - 2 p + d (k - 1) + op + 1``,
    after PyTorch's refusals of its arguments (all tuples, one entry per spatial dim)."""
    if min(stride) < 1 or min(dilation) < 1 or min(padding) < 0 or min(opad) < 0:
        raise ValueError(f"{op}: stride and dilation must be >= 1, padding and output_padding "
                         f">= 0, got stride={stride}, dilation={dilation}, padding={padding}, "
                         f"output_padding={opad}")
    if any(q >= max(s, d) for q, s, d in zip(opad, stride, dilation)):
        raise ValueError(f"{op}: output_padding {opad} must be smaller than either stride "
                         f"{stride} or dilation {dilation} in each dim")
    kernel = tuple(w_shape[2:])
    out = tuple((i - 1) * s - 2 * p + d * (k - 1) + q + 1 for i, s, p, d, k, q
                in zip(in_shape[2:], stride, padding, dilation, kernel, opad))
    if min(out) < 1:
        raise ValueError(f"{op}: input {list(in_shape)} with kernel {list(kernel)}, stride "
                         f"{stride}, padding {padding} gives an empty output {list(out)}; "
                         f"use less padding")
    return out


def _unbatched(input: Any, dims: int) -> bool:
    """Whether ``input`` is one (C, *spatial) sample without its batch dim (``dims`` spatial
    dims), which PyTorch's convolutions and pools take too: they run it as a batch of one."""
    return isinstance(input, Tensor) and input.ndim == dims + 1


def _as_batch_of_one(fn: Any, input: Tensor, *args: Any) -> Any:
    """``fn`` run on an unbatched sample as a batch of one; its output(s) without that dim."""
    out = fn(input.unsqueeze(0), *args)
    return tuple(t.squeeze(0) for t in out) if isinstance(out, tuple) else out.squeeze(0)


def _check_3d(op: str, input: Any) -> None:
    """Raise unless ``input`` is an (N, C, L) Tensor (a 1-d op has made an unbatched (C, L)
    sample a batch of one before it checks)."""
    if not isinstance(input, Tensor) or input.ndim != 3:
        raise ValueError(f"{op}: expected a 3-d Tensor (N, C, L) or an unbatched 2-d one (C, L), got "
                         f"{list(input.shape) if isinstance(input, Tensor) else type(input).__name__}")


def _single(value: Any) -> Any:
    """A 1-d op's int argument, given as the int or as a 1-tuple (PyTorch takes both)."""
    return value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value


def _height_one(op2d: Any, input: Tensor, *args: Any) -> Any:
    """A 1-d op as its 2-d one on (N, C, 1, L) images: ``op2d``'s output(s) without that height."""
    out = op2d(input.unsqueeze(2), *args)
    return tuple(t.squeeze(2) for t in out) if isinstance(out, tuple) else out.squeeze(2)


def _same_padding(kernel: tuple, dilation: tuple) -> tuple[int, int, int, int]:
    # Extra padding of an even kernel goes at the bottom/right, as PyTorch does.
    th, tw = (d * (k - 1) for k, d in zip(kernel, dilation))
    return th // 2, th - th // 2, tw // 2, tw - tw // 2


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] | str = 0,
           dilation: int | tuple[int, int] = 1, groups: int = 1) -> Tensor:
    """2-d cross-correlation over an (N, C, H, W) batch, as ``torch.nn.functional.conv2d``.

    ``out[n, o, y, x] = b[o] + sum_{c, i, j} w[o, c, i, j] * in[n, g(o) * C/g + c,
    y * s_h - p_h + i * d_h, x * s_w - p_w + j * d_w]`` (zero outside the input).

    Args:
        input: (N, C, H, W), or one unbatched (C, H, W) sample.
        weight: (O, C / groups, kh, kw).
        bias: (O,) or None.
        stride: int or (sh, sw). Default 1.
        padding: int, (ph, pw), ``'valid'`` (0) or ``'same'`` (output size = input size;
            stride 1 only). Default 0.
        dilation: int or (dh, dw). Default 1.
        groups: split channels into this many independent convolutions
            (``groups == C`` is a depthwise conv). Default 1.

    Shape:
        output: (N, O, Ho, Wo), ``Ho = (H + 2 p_h - d_h (kh - 1) - 1) // s_h + 1``
        ((O, Ho, Wo) for an unbatched input).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.conv import conv2d
        >>> conv2d(rb.randn(2, 3, 8, 8), rb.randn(4, 3, 3, 3), padding=1).shape
        (2, 4, 8, 8)
    """
    if _unbatched(input, 2):
        return _as_batch_of_one(conv2d, input, weight, bias, stride, padding, dilation, groups)
    _check("conv2d", input, weight, bias, groups, 1)
    stride, dilation = _pair(stride, "stride", "conv2d"), _pair(dilation, "dilation", "conv2d")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise ValueError(f"conv2d: padding='same' needs stride 1, got stride={stride}; "
                                 f"pass explicit padding for strided convolutions")
            pads = _same_padding(kernel, dilation)
        else:
            raise ValueError(f"conv2d: padding must be an int, a pair, 'same' or 'valid', "
                             f"got {padding!r}")
    else:
        ph, pw = _pair(padding, "padding", "conv2d")
        pads = (ph, ph, pw, pw)
    if min(stride) < 1 or min(dilation) < 1 or min(pads) < 0:
        raise ValueError(f"conv2d: stride and dilation must be >= 1 and padding >= 0, got "
                         f"stride={stride}, dilation={dilation}, padding={padding}")
    hp, wp = input.shape[2] + pads[0] + pads[1], input.shape[3] + pads[2] + pads[3]
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if span[0] > hp or span[1] > wp:
        raise ValueError(f"conv2d: kernel {list(kernel)} (dilated extent {list(span)}) is larger "
                         f"than the padded input {[hp, wp]} (input {list(input.shape)}, padding "
                         f"{padding}); use a smaller kernel or more padding")
    out = ((hp - span[0]) // stride[0] + 1, (wp - span[1]) // stride[1] + 1)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    if (kernel == (3, 3) and stride == (1, 1) and dilation == (1, 1) and groups == 1
            and WINOGRAD_MIN_CHANNELS is not None and input.shape[1] >= WINOGRAD_MIN_CHANNELS
            and min(out) >= WINOGRAD_MIN_SIZE
            and input.dtype.itemsize >= 4):  # float16 loses 16x more to Winograd's transforms
        return Conv2dWinograd.apply(*inputs, padding=pads, out=out)
    fn = Conv2dRows if weight.shape[1] >= NHWC_MIN_CHANNELS else Conv2d
    return fn.apply(*inputs, stride=stride, padding=pads, dilation=dilation, groups=groups,
                        out=out)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1,
           padding: int | str = 0, dilation: int = 1, groups: int = 1) -> Tensor:
    """1-d cross-correlation over an (N, C, L) batch, as ``torch.nn.functional.conv1d``.

    ``conv2d`` on a height-1 image: same arguments, each an int.

    Args:
        input: (N, C, L), or one unbatched (C, L) sample.  weight: (O, C / groups, k).
        bias: (O,) or None.
        stride, padding (int, ``'same'`` or ``'valid'``), dilation, groups: as ``conv2d``.

    Shape:
        output: (N, O, Lo), ``Lo = (L + 2 p - d (k - 1) - 1) // s + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.conv import conv1d
        >>> conv1d(rb.randn(2, 3, 10), rb.randn(4, 3, 3)).shape
        (2, 4, 8)
    """
    if _unbatched(input, 1):
        return _as_batch_of_one(conv1d, input, weight, bias, stride, padding, dilation, groups)
    _check_3d("conv1d", input)
    if weight.ndim != 3:
        raise ValueError(f"conv1d: expected a 3-d weight (O, C/g, k), got {list(weight.shape)}")
    padding = _single(padding)
    return _height_one(conv2d, input, weight.unsqueeze(2), bias, (1, _single(stride)),
                       padding if isinstance(padding, str) else (0, padding), (1, _single(dilation)),
                       groups)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0,
                     output_padding: int | tuple[int, int] = 0, groups: int = 1,
                     dilation: int | tuple[int, int] = 1) -> Tensor:
    """Transposed 2-d convolution (the gradient of ``conv2d`` w.r.t. its input).

    Each input pixel scatters ``w[c, o] * in[n, c, y, x]`` onto the output window at
    ``(y * s_h - p_h + i * d_h, x * s_w - p_w + j * d_w)``.

    Args:
        input: (N, Cin, H, W), or one unbatched (Cin, H, W) sample.
        weight: (Cin, Cout / groups, kh, kw).
        bias: (Cout,) or None.
        stride, padding, dilation: int or pair.
        output_padding: int or pair, extra rows/cols on the bottom/right; each must be
            smaller than the stride or the dilation.
        groups: as in ``conv2d``.

    Shape:
        output: (N, Cout, Ho, Wo), ``Ho = (H - 1) s_h - 2 p_h + d_h (kh - 1) + op_h + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.conv import conv_transpose2d
        >>> conv_transpose2d(rb.randn(1, 4, 5, 5), rb.randn(4, 2, 3, 3), stride=2).shape
        (1, 2, 11, 11)
    """
    if _unbatched(input, 2):
        return _as_batch_of_one(conv_transpose2d, input, weight, bias, stride, padding,
                                output_padding, groups, dilation)
    op = "conv_transpose2d"
    _check(op, input, weight, bias, groups, 0)
    stride, padding = _pair(stride, "stride", op), _pair(padding, "padding", op)
    dilation, opad = _pair(dilation, "dilation", op), _pair(output_padding, "output_padding", op)
    out = _transposed_output_size(op, input.shape, weight.shape, stride, padding, dilation, opad)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return ConvTranspose2d.apply(*inputs, stride=stride, padding=padding, dilation=dilation,
                                 groups=groups, out=out)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1,
                     padding: int = 0, output_padding: int = 0, groups: int = 1,
                     dilation: int = 1) -> Tensor:
    """Transposed 1-d convolution over an (N, C, L) batch: ``conv_transpose2d`` on a height-1 image.

    Args:
        input: (N, Cin, L), or one unbatched (Cin, L) sample.
        weight: (Cin, Cout / groups, k).  bias: (Cout,) or None.
        stride, padding, output_padding, groups, dilation: as ``conv_transpose2d``, each an int.

    Shape:
        output: (N, Cout, Lo), ``Lo = (L - 1) s - 2 p + d (k - 1) + output_padding + 1``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.conv import conv_transpose1d
        >>> conv_transpose1d(rb.randn(2, 4, 5), rb.randn(4, 3, 3), stride=2).shape
        (2, 3, 11)
    """
    if _unbatched(input, 1):
        return _as_batch_of_one(conv_transpose1d, input, weight, bias, stride, padding,
                                output_padding, groups, dilation)
    _check_3d("conv_transpose1d", input)
    if weight.ndim != 3:
        raise ValueError(f"conv_transpose1d: expected a 3-d weight (Cin, Cout/g, k), got "
                         f"{list(weight.shape)}")
    return _height_one(conv_transpose2d, input, weight.unsqueeze(2), bias, (1, _single(stride)),
                       (0, _single(padding)), (0, _single(output_padding)), groups,
                       (1, _single(dilation)))
