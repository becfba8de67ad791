"""3-d convolutions: conv3d and conv_transpose3d over (N, C, D, H, W) volumes, PyTorch semantics.

conv2d's im2col plan one dimension up ("vol2col").  The padded input is copied
once into channel-major memory (C, N, Dp, Hp, Wp); an ``as_strided`` view of its
kernel windows is copied into a column matrix ``(g, K, N Do Ho Wo)``, K ordered
``(C/g, kd, kh, kw)`` as the weight's own memory, and one GEMM per group gives the
output, channel-major too.  The input gradient is the adjoint, col2vol: a GEMM
back to column gradients, then ``kd * kh * kw`` strided adds of kernel-offset
slices into a zero buffer (never ``add.at``).  Channel-major memory keeps each of
those copies and adds running along whole rows of W values: with channels last,
3-channel volumes added rows of 3 values and col2vol took 8x longer.

A transposed convolution is the same adjoint pair read the other way round: its
forward is conv3d's input gradient and its input gradient is conv3d's forward;
both weight gradients are one GEMM of output gradients against input columns.  So
the two Functions share the three pieces ``_conv``, ``_input_grad`` and
``_weight_grad``.  Each works through the batch in chunks, so the column matrix of
a whole batch (``kd * kh * kw`` times the input) never exists at once.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._layout import batch_chunks
from .conv import (_as_batch_of_one, _bias_grad, _check, _mm, _transposed_output_size, _triple,
                   _unbatched)

_as_strided = xp.lib.stride_tricks.as_strided
#: values in one batch chunk's column matrix (16 MiB of float32), as conv2d's CHUNK_ELEMENTS.
CHUNK_ELEMENTS = 1 << 22


class _Geometry(NamedTuple):
    """Where a 3-d convolution's windows lie: ``out`` (Do, Ho, Wo) windows of the dilated
    ``kernel``, ``stride`` apart, over a padded input split into ``groups``."""

    groups: int
    kernel: tuple
    stride: tuple
    dilation: tuple
    out: tuple


def _inner(pads: tuple, size: tuple) -> tuple:
    """The slices of a padded volume that hold the unpadded one of ``size`` (D, H, W)."""
    return tuple(slice(lo, lo + s) for (lo, _), s in zip(pads, size))


def _pad_channel_major(x: Any, pads: tuple) -> Any:
    """``x`` (N, C, D, H, W) zero-padded by ``pads`` ((front, back), (top, bottom), (left,
    right)), as an (N, C, Dp, Hp, Wp) view of channel-major memory (C, N, Dp, Hp, Wp)."""
    n, c = x.shape[:2]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads))
    buf = xp.zeros((c, n, *padded), dtype=x.dtype)
    buf[(slice(None), slice(None), *_inner(pads, x.shape[2:]))] = x.transpose(1, 0, 2, 3, 4)
    return buf.transpose(1, 0, 2, 3, 4)


def _vol2col(xpad: Any, geo: _Geometry) -> Any:
    """Columns (g, K, N Do Ho Wo) of a padded (N, C, Dp, Hp, Wp) input, K ordered
    (C/g, kd, kh, kw)."""
    n, c = xpad.shape[:2]
    sn, sc, *spatial = xpad.strides
    cg = c // geo.groups
    shape = (geo.groups, cg, *geo.kernel, n, *geo.out)
    strides = (sc * cg, sc, *(t * d for t, d in zip(spatial, geo.dilation)),
               sn, *(t * s for t, s in zip(spatial, geo.stride)))
    win = _as_strided(xpad, shape, strides, writeable=False)
    return win.reshape(geo.groups, cg * math.prod(geo.kernel), n * math.prod(geo.out))


def _channel_major(y: Any, groups: int) -> Any:
    """An (N, O, D, H, W) array as the GEMM's (g, O/g, N D H W) matrix (a copy unless it
    already lies channel-major)."""
    n, o, *size = y.shape  # sizes spelled out, not -1: an empty batch has none to infer
    return y.transpose(1, 0, 2, 3, 4).reshape(groups, o // groups, n * math.prod(size))


def _from_channel_major(ym: Any, n: int, out: tuple) -> Any:
    """The inverse of ``_channel_major``: an (N, O, Do, Ho, Wo) view."""
    return ym.reshape(ym.shape[0] * ym.shape[1], n, *out).transpose(1, 0, 2, 3, 4)


def _conv(xpad: Any, wm: Any, geo: _Geometry) -> Any:
    """The convolution (g, O/g, N Do Ho Wo) of a padded input with the weight matrix ``wm``
    (g, O/g, K): vol2col and one GEMM per batch chunk."""
    n, per_image = xpad.shape[0], math.prod(geo.out)
    ym = xp.empty((geo.groups, wm.shape[1], n * per_image), dtype=xpad.dtype)
    for n0, n1 in batch_chunks(n, wm.shape[2] * per_image, CHUNK_ELEMENTS):
        _mm(wm, _vol2col(xpad[n0:n1], geo), out=ym[:, :, n0 * per_image:n1 * per_image])
    return ym


def _weight_grad(xpad: Any, gm: Any, geo: _Geometry) -> Any:
    """The weight matrix's gradient (g, O/g, K): output gradients ``gm`` (g, O/g, N Do Ho Wo)
    against the input's columns."""
    n, per_image = xpad.shape[0], math.prod(geo.out)
    k = math.prod(geo.kernel) * xpad.shape[1] // geo.groups
    gwm = xp.zeros((geo.groups, gm.shape[1], k), dtype=gm.dtype)
    for n0, n1 in batch_chunks(n, k * per_image, CHUNK_ELEMENTS):
        cols = _vol2col(xpad[n0:n1], geo)
        gwm += _mm(gm[:, :, n0 * per_image:n1 * per_image], cols.transpose(0, 2, 1))
    return gwm


def _input_grad(gm: Any, wm: Any, padded: tuple, geo: _Geometry) -> Any:
    """The gradient of a padded input of shape ``padded`` (N, C, Dp, Hp, Wp) from output
    gradients ``gm`` (g, O/g, N Do Ho Wo): column gradients ``wm^T gm``, summed back (col2vol)
    one kernel offset at a time, a strided slice of the whole chunk each."""
    n, c, *size = padded
    cg, per_image = c // geo.groups, math.prod(geo.out)
    buf = xp.zeros((geo.groups, cg, n, *size), dtype=gm.dtype)
    wmt = wm.transpose(0, 2, 1)
    for n0, n1 in batch_chunks(n, wm.shape[2] * per_image, CHUNK_ELEMENTS):
        cols = _mm(wmt, gm[:, :, n0 * per_image:n1 * per_image])
        cols = cols.reshape(geo.groups, cg, *geo.kernel, n1 - n0, *geo.out)
        for offset in itertools.product(*map(range, geo.kernel)):
            window = tuple(slice(i * d, i * d + s * (m - 1) + 1, s)
                           for i, d, s, m in zip(offset, geo.dilation, geo.stride, geo.out))
            at_offset = cols[(slice(None),) * 2 + offset]  # (g, C/g, n, Do, Ho, Wo)
            buf[(slice(None), slice(None), slice(n0, n1), *window)] += at_offset
    return buf.reshape(c, n, *size).transpose(1, 0, 2, 3, 4)


class Conv3d(Function):
    """``conv3d``: vol2col + GEMM forward; col2vol input gradient, GEMM weight gradient."""

    def forward(self, x, w, b=None, stride=(1, 1, 1), padding=((0, 0),) * 3, dilation=(1, 1, 1),
                groups=1, out=(1, 1, 1)):
        geo = _Geometry(groups, w.shape[2:], stride, dilation, out)
        xpad = _pad_channel_major(x, padding)
        wm = w.reshape(groups, w.shape[0] // groups, -1)  # (g, O/g, K)
        ym = _conv(xpad, wm, geo)
        if b is not None:
            ym += b.reshape(groups, -1, 1)
        # The padded copy is kept, not the columns: backward rebuilds them chunk by chunk.
        self.xpad, self.wm, self.geo = xpad, wm, geo
        self.padding, self.wshape, self.size = padding, w.shape, x.shape[2:]
        return _from_channel_major(ym, x.shape[0], out)

    def backward(self, grad):
        gm = _channel_major(grad, self.geo.groups)
        gx = gw = gb = None
        if self.parents[0] is not None:
            gxpad = _input_grad(gm, self.wm, self.xpad.shape, self.geo)
            gx = gxpad[(slice(None), slice(None), *_inner(self.padding, self.size))]
        if self.parents[1] is not None:
            gw = _weight_grad(self.xpad, gm, self.geo).reshape(self.wshape)
        if len(self.parents) > 2 and self.parents[2] is not None:
            gb = _bias_grad(gm, False)
        return gx, gw, gb


class ConvTranspose3d(Function):
    """``conv_transpose3d``, the adjoint of Conv3d: its forward is Conv3d's input gradient
    (with the input as the output gradient), its input gradient Conv3d's forward."""

    def forward(self, x, w, b=None, stride=(1, 1, 1), padding=(0, 0, 0), dilation=(1, 1, 1),
                groups=1, out=(1, 1, 1)):
        # The conv3d this is the adjoint of maps the (padded) output to ``x``: windows at x's size.
        geo = _Geometry(groups, w.shape[2:], stride, dilation, x.shape[2:])
        pads = tuple((p, p) for p in padding)
        n, cout = x.shape[0], w.shape[1] * groups
        xm = _channel_major(x, groups)  # (g, Cin/g, N D H W)
        wm = w.reshape(groups, w.shape[0] // groups, -1)  # (g, Cin/g, K), K = (Cout/g, kd, kh, kw)
        padded = (n, cout, *(o + 2 * p for o, p in zip(out, padding)))
        y = _input_grad(xm, wm, padded, geo)[(slice(None), slice(None), *_inner(pads, out))]
        if b is not None:
            y = y + b.reshape(1, -1, 1, 1, 1)
        self.xm, self.wm, self.geo, self.pads, self.wshape = xm, wm, geo, pads, w.shape
        return y

    def backward(self, grad):
        gpad = _pad_channel_major(grad, self.pads)
        gx = gw = gb = None
        if self.parents[0] is not None:
            gx = _from_channel_major(_conv(gpad, self.wm, self.geo), grad.shape[0], self.geo.out)
        if self.parents[1] is not None:
            gw = _weight_grad(gpad, self.xm, self.geo).reshape(self.wshape)
        if len(self.parents) > 2 and self.parents[2] is not None:
            gb = grad.sum(axis=(0, 2, 3, 4))
        return gx, gw, gb


def _conv_pads(padding: Any, kernel: tuple, stride: tuple, dilation: tuple) -> tuple:
    """conv3d's ``padding`` as ((front, back), (top, bottom), (left, right))."""
    if padding == "valid":
        return ((0, 0),) * 3
    if padding == "same":
        if stride != (1, 1, 1):
            raise ValueError(f"conv3d: padding='same' needs stride 1, got stride={stride}; "
                             f"pass explicit padding for strided convolutions")
        # The extra padding of an even kernel goes at the back/bottom/right, as in PyTorch.
        totals = (d * (k - 1) for k, d in zip(kernel, dilation))
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise ValueError(f"conv3d: padding must be an int, a tuple of 3, 'same' or 'valid', "
                         f"got {padding!r}")
    return tuple((p, p) for p in _triple(padding, "padding", "conv3d"))


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, int, int] = 1, padding: int | tuple[int, int, int] | str = 0,
           dilation: int | tuple[int, int, int] = 1, groups: int = 1) -> Tensor:
    """3-d cross-correlation over an (N, C, D, H, W) batch, as ``torch.nn.functional.conv3d``.

    ``out[n, o, z, y, x] = b[o] + sum_{c, i, j, k} w[o, c, i, j, k] * in[n, g(o) * C/g + c,
    z s_d - p_d + i d_d, y s_h - p_h + j d_h, x s_w - p_w + k d_w]`` (zero outside the input).

    Args:
        input: (N, C, D, H, W), or one unbatched (C, D, H, W) sample.
        weight: (O, C / groups, kd, kh, kw).
        bias: (O,) or None.
        stride: int or (sd, sh, sw). Default 1.
        padding: int, (pd, ph, pw), ``'valid'`` (0) or ``'same'`` (output size = input size;
            stride 1 only). Default 0.
        dilation: int or (dd, dh, dw). Default 1.
        groups: split channels into this many independent convolutions. Default 1.

    Shape:
        output: (N, O, Do, Ho, Wo), ``Do = (D + 2 p_d - d_d (kd - 1) - 1) // s_d + 1`` and so
        on ((O, Do, Ho, Wo) for an unbatched input).

    Returns:
        The output Tensor, of the input's dtype.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.conv3d import conv3d
        >>> conv3d(rb.randn(2, 3, 4, 8, 8), rb.randn(5, 3, 3, 3, 3), padding=1).shape
        (2, 5, 4, 8, 8)
    """
    if _unbatched(input, 3):
        return _as_batch_of_one(conv3d, input, weight, bias, stride, padding, dilation, groups)
    _check("conv3d", input, weight, bias, groups, 1, dims=3)
    stride, dilation = _triple(stride, "stride", "conv3d"), _triple(dilation, "dilation", "conv3d")
    kernel = tuple(weight.shape[2:])
    pads = _conv_pads(padding, kernel, stride, dilation)
    if min(stride) < 1 or min(dilation) < 1 or min(min(p) for p in pads) < 0:
        raise ValueError(f"conv3d: stride and dilation must be >= 1 and padding >= 0, got "
                         f"stride={stride}, dilation={dilation}, padding={padding}")
    padded = [s + lo + hi for s, (lo, hi) in zip(input.shape[2:], pads)]
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(e > p for e, p in zip(span, padded)):
        raise ValueError(f"conv3d: kernel {list(kernel)} (dilated extent {span}) is larger than "
                         f"the padded input {padded} (input {list(input.shape)}, padding "
                         f"{padding!r}); use a smaller kernel or more padding")
    out = tuple((p - e) // s + 1 for p, e, s in zip(padded, span, stride))
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return Conv3d.apply(*inputs, stride=stride, padding=pads, dilation=dilation, groups=groups,
                        out=out)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: int | tuple[int, int, int] = 1,
                     padding: int | tuple[int, int, int] = 0,
                     output_padding: int | tuple[int, int, int] = 0, groups: int = 1,
                     dilation: int | tuple[int, int, int] = 1) -> Tensor:
    """Transposed 3-d convolution (the gradient of ``conv3d`` w.r.t. its input), as
    ``torch.nn.functional.conv_transpose3d``.

    Each input voxel scatters ``w[c, o] * in[n, c, z, y, x]`` onto the output window at
    ``(z s_d - p_d + i d_d, y s_h - p_h + j d_h, x s_w - p_w + k d_w)``.

    Args:
        input: (N, Cin, D, H, W), or one unbatched (Cin, D, H, W) sample.
        weight: (Cin, Cout / groups, kd, kh, kw).
        bias: (Cout,) or None.
        stride, padding, dilation: int or tuple of 3.
        output_padding: int or tuple of 3, extra planes/rows/columns at the back/bottom/right;
            each must be smaller than the stride or the dilation of its dim.
        groups: as in ``conv3d``.

    Shape:
        output: (N, Cout, Do, Ho, Wo), ``Do = (D - 1) s_d - 2 p_d + d_d (kd - 1) + op_d + 1``
        and so on ((Cout, Do, Ho, Wo) for an unbatched input).

    Returns:
        The output Tensor, of the input's dtype.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.conv3d import conv_transpose3d
        >>> conv_transpose3d(rb.randn(1, 4, 3, 5, 5), rb.randn(4, 2, 3, 3, 3), stride=2).shape
        (1, 2, 7, 11, 11)
    """
    if _unbatched(input, 3):
        return _as_batch_of_one(conv_transpose3d, input, weight, bias, stride, padding,
                                output_padding, groups, dilation)
    op = "conv_transpose3d"
    _check(op, input, weight, bias, groups, 0, dims=3)
    stride, padding = _triple(stride, "stride", op), _triple(padding, "padding", op)
    dilation = _triple(dilation, "dilation", op)
    opad = _triple(output_padding, "output_padding", op)
    out = _transposed_output_size(op, input.shape, weight.shape, stride, padding, dilation, opad)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return ConvTranspose3d.apply(*inputs, stride=stride, padding=padding, dilation=dilation,
                                 groups=groups, out=out)


__all__ = ["conv3d", "conv_transpose3d"]
