"""Winograd F(4x4, 3x3): a stride-1 3x3 convolution with 4x fewer multiplications.

Each 4x4 output tile comes from a 6x6 input tile ``d`` (tiles overlap by 2):
``Y = A^T [(G g G^T) * (B^T d B)] A`` (Lavin & Gray, "Fast Algorithms for
Convolutional Neural Networks", 2015).  With the tiles in channels-last memory
every step is a BLAS GEMM: the input transform multiplies the 36 tile positions
by ``kron(B^T, B^T)`` (36 x 36), the elementwise products summed over channels
are 36 GEMMs ``(T, C) @ (C, O)`` (T tiles), and the output transform multiplies
by ``kron(A^T, A^T)`` (16 x 36).  Written as NumPy adds instead, the transforms
cost more than the GEMMs (they are ~100 passes over strided tiles).

Backward is the exact adjoint of the same linear maps: the tile gradients
``dM = kron(A, A) dY`` give the weight gradient ``G^T (V^T dM) G`` and the input
gradient ``kron(B, B) (dM U^T)``, added back over the overlapping tiles.

The batch goes through in chunks of images whose transformed tiles stay in cache.
The transformed input ``V`` (2.25 times the input's size) is kept for backward.
Error: the points 0, +-1, +-2, +-1/2 lose a little more precision than direct
summation (~1e-5 relative in float32, against PyTorch's direct convolution).
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ._layout import batch_chunks, copy_channels_last

_BT = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
       [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]
_G = [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
      [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]]
_AT = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]
#: values in one chunk's transformed tiles (4 MiB of float32): 7 images of 64 channels at 32x32.
CHUNK_ELEMENTS = 1 << 20


def _matrices(dtype: Any) -> tuple[Any, Any, Any]:
    """``kron(B^T, B^T)`` (36, 36), ``kron(A^T, A^T)`` (16, 36) and ``G`` (6, 3) in ``dtype``."""
    bt, at = xp.asarray(_BT, dtype=xp.float64), xp.asarray(_AT, dtype=xp.float64)
    return (xp.kron(bt, bt).astype(dtype), xp.kron(at, at).astype(dtype),
            xp.asarray(_G, dtype=dtype))


def _tiles(xpad: Any, th: int, tw: int) -> Any:
    """The 6x6 input tiles of (n, 4 th + 2, 4 tw + 2, C) memory as a (36, n th tw C) copy."""
    n, c = xpad.shape[0], xpad.shape[3]
    sn, sh, sw, sc = xpad.strides
    view = xp.lib.stride_tricks.as_strided(xpad, (6, 6, n, th, tw, c),
                                           (sh, sw, sn, 4 * sh, 4 * sw, sc), writeable=False)
    return xp.ascontiguousarray(view).reshape(36, -1)


class Conv2dWinograd(Function):
    """conv2d for a (O, C, 3, 3) weight, stride 1, dilation 1, one group; padding is explicit."""

    def forward(self, x, w, b=None, padding=(0, 0, 0, 0), out=(1, 1)):
        n, c, h, wd = x.shape
        o = w.shape[0]
        top, _, left, _ = padding
        th, tw = -(-out[0] // 4), -(-out[1] // 4)
        # Channels-last buffer holding the padded input, rounded up to whole tiles (4 th + 2 >=
        # out + 2 = top + h + bottom: every input pixel lies inside).
        xpad = xp.zeros((n, 4 * th + 2, 4 * tw + 2, c), dtype=x.dtype)
        copy_channels_last(xpad.transpose(0, 3, 1, 2)[:, :, top:top + h, left:left + wd], x)
        bk, ak, g = _matrices(x.dtype)
        u = xp.einsum("ai,ocij,bj->abco", g, w, g).reshape(36, c, o)
        y = xp.empty((n, 4 * th, 4 * tw, o), dtype=x.dtype)
        vs = []  # each chunk's transformed input, for the weight gradient
        for n0, n1 in batch_chunks(n, 36 * th * tw * max(c, o), CHUNK_ELEMENTS):
            v = (bk @ _tiles(xpad[n0:n1], th, tw)).reshape(36, -1, c)
            m = (v @ u).reshape(36, -1)  # (36, T O)
            tiles = (ak @ m).reshape(4, 4, n1 - n0, th, tw, o)
            y[n0:n1].reshape(n1 - n0, th, 4, tw, 4, o)[...] = tiles.transpose(2, 3, 0, 4, 1, 5)
            vs.append(v)
        if b is not None:
            y += b
        self.vs, self.u, self.geometry = vs, u, (x.shape, padding, out, th, tw)
        return y[:, :out[0], :out[1]].transpose(0, 3, 1, 2)

    def backward(self, grad):
        (n, c, h, wd), padding, out, th, tw = self.geometry
        o = grad.shape[1]
        # The output gradient in channels-last memory, zero on the rows the tiles round up to.
        gy = xp.zeros((n, 4 * th, 4 * tw, o), dtype=grad.dtype)
        copy_channels_last(gy.transpose(0, 3, 1, 2)[:, :, :out[0], :out[1]], grad)
        bk, ak, g = _matrices(grad.dtype)
        need_x, need_w = self.parents[0] is not None, self.parents[1] is not None
        # Two spare rows and columns: the last tiles' overlap lands there, so every group of
        # tile positions below reshapes into whole tiles.
        gxpad = xp.zeros((n, 4 * th + 4, 4 * tw + 4, c), dtype=grad.dtype) if need_x else None
        du = xp.zeros((36, c, o), dtype=grad.dtype) if need_w else None
        ut = self.u.transpose(0, 2, 1)
        for k, (n0, n1) in enumerate(batch_chunks(n, 36 * th * tw * max(c, o), CHUNK_ELEMENTS)):
            dy = xp.ascontiguousarray(
                gy[n0:n1].reshape(n1 - n0, th, 4, tw, 4, o).transpose(2, 4, 0, 1, 3, 5))
            dm = (ak.T @ dy.reshape(16, -1)).reshape(36, -1, o)
            if need_w:
                du += self.vs[k].transpose(0, 2, 1) @ dm
            if need_x:
                dd = (bk.T @ (dm @ ut).reshape(36, -1)).reshape(6, 6, n1 - n0, th, tw, c)
                _add_tiles(gxpad[n0:n1], dd, th, tw)
        gx = gw = gb = None
        if need_x:
            top, _, left, _ = padding
            gx = gxpad[:, top:top + h, left:left + wd].transpose(0, 3, 1, 2)
        if need_w:
            gw = xp.einsum("ai,abco,bj->ocij", g, du.reshape(6, 6, c, o), g)
        if len(self.parents) > 2 and self.parents[2] is not None:
            gb = xp.ones(n * 16 * th * tw, dtype=grad.dtype) @ gy.reshape(-1, o)
        return gx, gw, gb


def _add_tiles(gxpad: Any, dd: Any, th: int, tw: int) -> None:
    """Add the 6x6 tile gradients ``dd`` (6, 6, n, th, tw, C) into ``gxpad`` at stride 4.

    Positions 0-3 of all tiles cover the grid once (written); positions 4-5 overlap
    the next tile's 0-1 (added), one strided copy per group instead of 36 adds.
    """
    n, c = gxpad.shape[0], gxpad.shape[3]
    for a0, a1 in ((0, 4), (4, 6)):
        for b0, b1 in ((0, 4), (4, 6)):
            block = gxpad[:, a0:a0 + 4 * th, b0:b0 + 4 * tw].reshape(n, th, 4, tw, 4, c)
            block = block[:, :, :a1 - a0, :, :b1 - b0]
            part = dd[a0:a1, b0:b1].transpose(2, 3, 0, 4, 1, 5)
            if a0 == b0 == 0:
                block[...] = part
            else:
                block += part
