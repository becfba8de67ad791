"""unfold (im2col) and fold (col2im): sliding blocks of an image as columns, and back.

The two are adjoint linear maps, so each one's backward is the other's forward:
``Im2Col.backward`` folds the column gradient, ``Col2Im.backward`` unfolds the image
gradient.  Both reuse conv.py's window view and kernel-offset slices; the column
order is PyTorch's ``(C, kh, kw)`` (conv.py's GEMM columns are ordered differently).
"""
from __future__ import annotations

import operator
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_floating
from .conv import offset_slices, pad2d, windows

_Pair = int | tuple[int, int]


def _pair(value: Any, name: str, op: str) -> tuple[int, int]:
    """``value`` as two ints; PyTorch takes an int or exactly two (a 1-tuple is refused)."""
    values = value if isinstance(value, (tuple, list)) else (value, value)
    try:
        values = tuple(operator.index(v) for v in values)  # not int(): 2.0 would pass silently
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}") from None
    if len(values) != 2:
        raise ValueError(f"{op}: {name} must be an int or a pair of ints, got {len(values)} "
                         f"values {value!r}")
    return values


def _arguments(op: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> tuple:
    """The four options as pairs, each checked against PyTorch's bounds."""
    kernel, dilation = _pair(kernel_size, "kernel_size", op), _pair(dilation, "dilation", op)
    padding, stride = _pair(padding, "padding", op), _pair(stride, "stride", op)
    for name, pair, least in (("kernel_size", kernel, 1), ("dilation", dilation, 1),
                              ("stride", stride, 1), ("padding", padding, 0)):
        if min(pair) < least:
            raise ValueError(f"{op}: {name} must be {'positive' if least else 'non-negative'}, "
                             f"got {pair}")
    return kernel, dilation, padding, stride


def _blocks(size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple) -> tuple:
    """Number of block positions along height and width of an image of spatial ``size``."""
    return tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                 for s, k, d, p, st in zip(size, kernel, dilation, padding, stride))


def _unfold_array(x: Any, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple) -> Any:
    """(N, C, H, W) -> (N, C kh kw, L): every block of the zero-padded image as a column."""
    n, c = x.shape[:2]
    xpad = pad2d(x, padding[0], padding[0], padding[1], padding[1])
    out = _blocks(x.shape[2:], kernel, dilation, padding, stride)
    # copy(): the window view may alias x (1x1 kernel, stride 1), and the output must not
    cols = windows(xpad, kernel, stride, dilation, out).copy()  # (N, C, kh, kw, Ho, Wo)
    return cols.reshape(n, c * kernel[0] * kernel[1], out[0] * out[1])


def _fold_array(cols: Any, size: tuple, kernel: tuple, dilation: tuple, padding: tuple,
                stride: tuple) -> Any:
    """(N, C kh kw, L) -> (N, C, H, W): each column summed back into its block, overlaps added."""
    n, ckk = cols.shape[:2]
    c = ckk // (kernel[0] * kernel[1])
    out = _blocks(size, kernel, dilation, padding, stride)
    cols = cols.reshape(n, c, *kernel, *out)
    (ph, pw), (h, w) = padding, size
    buf = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for i, j, (rows, columns) in offset_slices(kernel, stride, dilation, out):
        buf[:, :, rows, columns] += cols[:, :, i, j]
    return buf[:, :, ph:ph + h, pw:pw + w]


class Im2Col(Function):
    """``unfold`` on an (N, C, H, W) or unbatched (C, H, W) array; backward folds."""

    saves_arrays = False  # keeps shapes and options only

    def forward(self, x, kernel=(1, 1), dilation=(1, 1), padding=(0, 0), stride=(1, 1)):
        self.shape, self.options = x.shape, (kernel, dilation, padding, stride)
        batched = x if x.ndim == 4 else x[None]
        cols = _unfold_array(batched, kernel, dilation, padding, stride)
        return cols if x.ndim == 4 else cols[0]

    def backward(self, grad):
        batched = grad if grad.ndim == 3 else grad[None]
        return _fold_array(batched, self.shape[-2:], *self.options).reshape(self.shape)


class Col2Im(Function):
    """``fold`` of an (N, C kh kw, L) or unbatched (C kh kw, L) array; backward unfolds."""

    saves_arrays = False

    def forward(self, cols, size=(1, 1), kernel=(1, 1), dilation=(1, 1), padding=(0, 0),
                stride=(1, 1)):
        self.shape, self.options = cols.shape, (kernel, dilation, padding, stride)
        batched = cols if cols.ndim == 3 else cols[None]
        image = _fold_array(batched, size, kernel, dilation, padding, stride)
        return image if cols.ndim == 3 else image[0]

    def backward(self, grad):
        batched = grad if grad.ndim == 4 else grad[None]
        return _unfold_array(batched, *self.options).reshape(self.shape)


def unfold(input: Tensor, kernel_size: _Pair, dilation: _Pair = 1, padding: _Pair = 0,
           stride: _Pair = 1) -> Tensor:
    """Extract sliding local blocks of an image as columns (im2col), as ``torch.nn.functional.unfold``.

    With ``L = L_h L_w`` block positions, ``L_d = (size_d + 2 padding_d - dilation_d
    (kernel_d - 1) - 1) // stride_d + 1``,
    ``out[n, (c kh + i) kw + j, l_h L_w + l_w] = x[n, c, l_h s_h - p_h + i d_h, l_w s_w - p_w + j d_w]``
    (zero outside the image).  A convolution is ``weight.view(O, -1) @ unfold(x)``.

    Args:
        input: ``(N, C, H, W)`` or unbatched ``(C, H, W)``, floating point.
        kernel_size: block size, an int or ``(kh, kw)``.
        dilation: spacing of the block's elements (default 1).
        padding: zeros added on both sides of each spatial dim (default 0).
        stride: step between blocks (default 1).

    Shape:
        ``(N, C, H, W) -> (N, C kh kw, L)``; ``(C, H, W) -> (C kh kw, L)``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.unfold(rb.randn(2, 3, 5, 6), kernel_size=2).shape
        (2, 12, 20)
    """
    op = "unfold"
    kernel, dilation, padding, stride = _arguments(op, kernel_size, dilation, padding, stride)
    if not isinstance(input, Tensor) or input.ndim not in (3, 4) or 0 in input.shape[-3:]:
        raise ValueError(f"{op}: expected a Tensor (N, C, H, W) or unbatched (C, H, W) with "
                         f"non-zero C, H and W, got "
                         f"{list(input.shape) if isinstance(input, Tensor) else type(input).__name__}")
    check_floating(op, input.data)
    blocks = _blocks(input.shape[-2:], kernel, dilation, padding, stride)
    if min(blocks) < 1:
        raise ValueError(f"{op}: an input of spatial size {tuple(input.shape[-2:])} with "
                         f"kernel_size={kernel}, dilation={dilation}, padding={padding} has "
                         f"{blocks} block positions, but needs at least one along each dim; use a "
                         f"smaller kernel_size or dilation, or more padding")
    return Im2Col.apply(input, kernel=kernel, dilation=dilation, padding=padding, stride=stride)


def fold(input: Tensor, output_size: _Pair, kernel_size: _Pair, dilation: _Pair = 1,
         padding: _Pair = 0, stride: _Pair = 1) -> Tensor:
    """Sum columns of sliding blocks back into an image (col2im), as ``torch.nn.functional.fold``.

    The adjoint of ``unfold`` with the same options: each column ``l`` is added into
    the block it came from, so where blocks overlap their values add up
    (``fold(unfold(x))`` is ``x`` times the number of blocks covering each pixel).

    Args:
        input: ``(N, C kh kw, L)`` or unbatched ``(C kh kw, L)``, floating point, where ``L``
            is the number of block positions in an image of ``output_size``.
        output_size: ``(H, W)`` of the image (an int for both).
        kernel_size, dilation, padding, stride: as for ``unfold``.

    Shape:
        ``(N, C kh kw, L) -> (N, C, H, W)``; ``(C kh kw, L) -> (C, H, W)``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.fold(rb.ones(1, 4, 4), output_size=3, kernel_size=2)[0, 0].tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    op = "fold"
    size = _pair(output_size, "output_size", op)
    kernel, dilation, padding, stride = _arguments(op, kernel_size, dilation, padding, stride)
    if not isinstance(input, Tensor) or input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise ValueError(f"{op}: expected a Tensor (N, C kh kw, L) or unbatched (C kh kw, L) with "
                         f"non-zero dims after the batch, got "
                         f"{list(input.shape) if isinstance(input, Tensor) else type(input).__name__}")
    check_floating(op, input.data)
    channels, length = input.shape[-2:]
    if channels % (kernel[0] * kernel[1]):
        raise ValueError(f"{op}: the size of dim {input.ndim - 2} ({channels}) must be divisible "
                         f"by the product of kernel_size {kernel} ({kernel[0] * kernel[1]})")
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if min(blocks) < 1 or length != blocks[0] * blocks[1]:
        raise ValueError(f"{op}: output_size={size}, kernel_size={kernel}, dilation={dilation}, "
                         f"padding={padding}, stride={stride} give {max(blocks[0], 0)} * "
                         f"{max(blocks[1], 0)} = {max(blocks[0], 0) * max(blocks[1], 0)} blocks, but "
                         f"the input's last dim has {length}; pass the output_size and options "
                         f"that unfold used")
    return Col2Im.apply(input, size=size, kernel=kernel, dilation=dilation, padding=padding,
                        stride=stride)


__all__ = ["fold", "unfold"]
