"""Winograd F(2x2, 3x3): a stride-1 3x3 convolution with 2.25x fewer multiplications.

Each 2x2 output tile comes from a 4x4 input tile ``d`` (tiles overlap by 2):
``Y = A^T [(G g G^T) * (B^T d B)] A``.  The 16 elementwise products over channels
become 16 GEMMs ``(T, C) @ (C, O)`` (T = number of tiles), which is where the
time goes; the transforms are a few adds on NHWC arrays.  Lavin & Gray, "Fast
Algorithms for Convolutional Neural Networks" (2015).

Backward is the exact adjoint of the same linear maps: the tile gradients
``dM = A dY A^T`` give the weight gradient ``G^T (V^T dM) G`` and the input
gradient ``B (dM U^T) B^T``, scattered back over the overlapping tiles.
"""
from __future__ import annotations

from ..._backend import xp
from ...autograd.function import Function

_G = [[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]]


def _input_transform(d, out):
    """``out[a, b] = (B^T d B)[a, b]`` for tiles ``d`` (..., 4, 4, C) into ``out`` (4, 4, ...)."""
    rows = (d[..., 0, :, :] - d[..., 2, :, :], d[..., 1, :, :] + d[..., 2, :, :],
            d[..., 2, :, :] - d[..., 1, :, :], d[..., 1, :, :] - d[..., 3, :, :])
    for a, r in enumerate(rows):
        xp.subtract(r[..., 0, :], r[..., 2, :], out=out[a, 0])
        xp.add(r[..., 1, :], r[..., 2, :], out=out[a, 1])
        xp.subtract(r[..., 2, :], r[..., 1, :], out=out[a, 2])
        xp.subtract(r[..., 1, :], r[..., 3, :], out=out[a, 3])
    return out


def _input_adjoint(dv):
    """The adjoint of ``_input_transform``: (4, 4, ...) -> list of 4 lists of 4 tile gradients."""
    def one(v):  # B applied along the first index
        return (v[0], v[1] - v[2] + v[3], v[2] - v[0] + v[1], -v[3])
    rows = one(dv)
    return [one([r[b] for b in range(4)]) for r in rows]


def _output_transform(m):
    """``A^T m A`` for m (4, 4, ...): the four outputs (0,0), (0,1), (1,0), (1,1) of each tile."""
    s0 = m[0] + m[1] + m[2]
    s1 = m[1] - m[2] - m[3]
    return [s[0] + s[1] + s[2] for s in (s0, s1)], [s[1] - s[2] - s[3] for s in (s0, s1)]


def _output_adjoint(y00, y01, y10, y11, out):
    """The adjoint of ``_output_transform``: four output gradients -> ``out`` (4, 4, ...)."""
    e = ((y00, y01), (y00 + y10, y01 + y11), (y00 - y10, y01 - y11), (-y10, -y11))
    for xi, (e0, e1) in enumerate(e):
        out[xi, 0] = e0
        xp.add(e0, e1, out=out[xi, 1])
        xp.subtract(e0, e1, out=out[xi, 2])
        xp.negative(e1, out=out[xi, 3])
    return out


class Conv2dWinograd(Function):
    """conv2d for a (O, C, 3, 3) weight, stride 1, dilation 1, one group; padding is explicit."""

    def forward(self, x, w, b=None, padding=(0, 0, 0, 0), out=(1, 1)):
        n, c, h, wd = x.shape
        o = w.shape[0]
        top, _, left, _ = padding
        th, tw = (out[0] + 1) // 2, (out[1] + 1) // 2
        # NHWC buffer holding the padded input, rounded up to whole tiles.
        xpad = xp.zeros((n, 2 * th + 2, 2 * tw + 2, c), dtype=x.dtype)
        hi, wi = min(h, 2 * th + 2 - top), min(wd, 2 * tw + 2 - left)
        xpad[:, top:top + hi, left:left + wi] = x[:, :, :hi, :wi].transpose(0, 2, 3, 1)
        sn, sh, sw, sc = xpad.strides
        tiles = xp.lib.stride_tricks.as_strided(
            xpad, (n, th, tw, 4, 4, c), (sn, 2 * sh, 2 * sw, sh, sw, sc), writeable=False)
        v = _input_transform(tiles, xp.empty((4, 4, n, th, tw, c), dtype=x.dtype))
        v = v.reshape(16, n * th * tw, c)
        g = xp.asarray(_G, dtype=w.dtype)
        u = xp.einsum("ai,ocij,bj->abco", g, w, g).reshape(16, c, o)
        m = (v @ u).reshape(4, 4, n, th, tw, o)
        (y00, y10), (y01, y11) = _output_transform(m)
        y = xp.empty((n, 2 * th, 2 * tw, o), dtype=x.dtype)
        for (r, s), part in (((0, 0), y00), ((0, 1), y01), ((1, 0), y10), ((1, 1), y11)):
            y[:, r::2, s::2] = part
        if b is not None:
            y += b
        self.v, self.u, self.geometry = v, u, (x.shape, padding, out, th, tw)
        return y[:, :out[0], :out[1]].transpose(0, 3, 1, 2)

    def backward(self, grad):
        (n, c, h, wd), padding, out, th, tw = self.geometry
        o = grad.shape[1]
        gpad = xp.zeros((n, 2 * th, 2 * tw, o), dtype=grad.dtype)
        gpad[:, :out[0], :out[1]] = grad.transpose(0, 2, 3, 1)
        parts = [gpad[:, r::2, s::2] for r, s in ((0, 0), (0, 1), (1, 0), (1, 1))]
        dm = _output_adjoint(*parts, xp.empty((4, 4, n, th, tw, o), dtype=grad.dtype))
        dm = dm.reshape(16, -1, o)
        gx = gw = gb = None
        if self.parents[0] is not None:
            dv = (dm @ self.u.transpose(0, 2, 1)).reshape(4, 4, n, th, tw, c)
            gxpad = xp.zeros((n, 2 * th + 2, 2 * tw + 2, c), dtype=grad.dtype)
            for a, row in enumerate(_input_adjoint(dv)):
                for b, part in enumerate(row):
                    gxpad[:, a:a + 2 * th:2, b:b + 2 * tw:2] += part
            top, _, left, _ = padding
            gx = xp.zeros((n, h, wd, c), dtype=grad.dtype)
            hi, wi = min(h, 2 * th + 2 - top), min(wd, 2 * tw + 2 - left)
            gx[:, :hi, :wi] = gxpad[:, top:top + hi, left:left + wi]
            gx = gx.transpose(0, 3, 1, 2)
        if self.parents[1] is not None:
            du = (self.v.transpose(0, 2, 1) @ dm).reshape(4, 4, c, o)
            g = xp.asarray(_G, dtype=grad.dtype)
            gw = xp.einsum("ai,abco,bj->ocij", g, du, g)
        if len(self.parents) > 2 and self.parents[2] is not None:
            gb = xp.ones(n * 4 * th * tw, dtype=grad.dtype) @ gpad.reshape(-1, o)
        return gx, gw, gb
