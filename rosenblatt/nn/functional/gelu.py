"""GELU, ``x * Phi(x)``.

``Phi(x) = (1 + erf(x / sqrt 2)) / 2``.  In float32 ``erf(x / sqrt 2)`` is ``tanh(x q(x^2))``
(``ops._erf``), in cache-sized slices, each finished here while in cache;
``approximate='tanh'`` takes PyTorch's tanh formula, whose ``q`` is the first two terms of
that one.
"""
from __future__ import annotations

import math
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...ops._erf import CHUNK, erf, erf_of_scaled
from ...tensor import Tensor
from ._checks import check_floating

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def _times_phi(erf_scaled: Any, x: Any, scratch: Any) -> None:
    """In place: ``erf(x / sqrt 2)`` becomes ``x Phi(x) = (1 + erf(x / sqrt 2)) x / 2``."""
    erf_scaled += 1.0
    erf_scaled *= xp.multiply(x, 0.5, out=scratch)


def _gelu_grad(x: Any, out: Any, grad: Any) -> Any:
    """``grad (Phi(x) + x pdf(x))``, ``Phi(x) = out / x`` (1/2 at 0), in cache-sized slices."""
    d = xp.empty(x.shape, dtype=x.dtype)  # C order, so its flat view below is no copy
    flat_x, flat_out, flat_g, flat_d = (a.reshape(-1) for a in (x, out, grad, d))
    t = xp.empty(min(CHUNK, flat_x.size), dtype=x.dtype)
    for start in range(0, flat_x.size, CHUNK):
        end = start + CHUNK
        xs, ds = flat_x[start:end], flat_d[start:end]
        ts = t[:xs.size]
        with xp.errstate(divide="ignore", invalid="ignore"):  # x = 0: mended just below
            xp.divide(flat_out[start:end], xs, out=ds)
        zero = xs == 0
        if zero.any():
            ds[zero] = 0.5
        xp.multiply(xs, xs, out=ts)  # ds += x pdf(x), built in ts
        ts *= -0.5
        xp.exp(ts, out=ts)
        ts *= xs
        ts *= _INV_SQRT_2PI
        ds += ts
        ds *= flat_g[start:end]
    return d


class Gelu(Function):
    """``x Phi(x)`` (``Phi``: the standard normal CDF), or its tanh approximation.

    float32 computes ``erf(x / sqrt 2)`` as ``tanh(x q(x^2))`` in cache-sized slices and
    finishes ``x Phi(x)`` on each slice while it is in cache; backward likewise.

    Backward needs ``x`` and ``Phi(x)``.  It keeps ``x`` and the output, and takes
    ``Phi(x) = out / x`` (1/2 at 0): the layer after a GELU (the MLP's second
    linear) keeps the output anyway, so ``Phi(x)`` costs no memory of its own.
    That took the GPT step's peak memory from 93-100 MiB to ~80 (PyTorch's 87)
    for one more pass in backward.
    """

    saves_output = True

    def forward(self, x, approximate="none"):
        check_floating("gelu()", x)
        self.x, self.approximate = x, approximate
        if approximate == "tanh":
            self.saves_output = False  # backward needs x and the tanh, not the output
            self.t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            return 0.5 * x * (1.0 + self.t)
        if x.dtype.itemsize < 8:
            out = erf_of_scaled(x, _times_phi).astype(x.dtype, copy=False)
        else:
            out = erf(x * _SQRT_HALF)  # float64: exact
            _times_phi(out, x, xp.empty_like(x))
        self.out = out
        return out

    def backward(self, grad):
        x = self.x
        if self.approximate == "tanh":
            t = self.t
            inner = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)
            return grad * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * inner)
        return _gelu_grad(x, self.out, grad)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit: ``x * Phi(x)`` (``approximate='tanh'``: the tanh formula).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.gelu(rb.tensor([0.0, 1.0]))
        tensor([0.    , 0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu(): approximate must be 'none' or 'tanh', got {approximate!r}")
    return Gelu.apply(input, approximate=approximate)
