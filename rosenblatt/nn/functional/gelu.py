"""GELU, ``x * Phi(x)``, and the float32 ``erf`` it rests on (NumPy has no ``erf``).

``Phi(x) = (1 + erf(x / sqrt 2)) / 2``.  In float32 both take ``erf(x / sqrt 2)`` as
``tanh(x q(x^2))`` (below), in cache-sized slices; ``approximate='tanh'`` takes
PyTorch's tanh formula, whose ``q`` is the first two terms of this one.
"""
from __future__ import annotations

import math
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_floating

_SQRT_2 = math.sqrt(2.0)
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


#: ``erf(x / sqrt 2) = tanh(x q(x^2))`` within 5.8e-8 (1.4e-7 evaluated in float32, under
#: PyTorch's own float32 erf error), ``q`` of degree 6, highest power first: the minimax fit
#: (Lawson's reweighted least squares) of ``atanh(erf(x / sqrt 2)) / x`` in ``x^2`` on [0, 7],
#: weighted by tanh's slope ``1 - erf^2``.  ``q(0)`` is ``sqrt(2 / pi)`` and the next term near
#: the tanh GELU's 0.044715 ``sqrt(2 / pi)``.  ``x q(x^2)`` rises to +inf, so tanh saturates by
#: itself (exactly 1 from x = 5.72, where erf(x / sqrt 2) rounds to 1 in float32): no clip, no
#: exp, one tanh and multiplies and adds: GELU makes 18 NumPy calls per slice where the
#: rational function of x^2 (Eigen's) it replaced made 27 (forward of 1M elements: 3.1
#: against 4.4 ms).
_ERF_Q = (1.75628858e-09, -1.32266709e-07, 3.96477915e-06, -5.53063544e-05, -3.25946361e-05,
          3.63330843e-02, 7.97884942e-01)
#: elements per slice: the passes then run in cache (1M elements: 2.7 ms in 64K slices,
#: 3.4-9 ms whole; 16K slices paid more per-call overhead).
_CHUNK = 1 << 16


def _horner(coeffs: tuple, x2: Any, out: Any) -> Any:
    """``out = coeffs[0] x2^n + ... + coeffs[n]`` in place."""
    xp.multiply(x2, coeffs[0], out=out)
    for c in coeffs[1:-1]:
        out += c
        out *= x2
    out += coeffs[-1]
    return out


def _erf_of_scaled(x: Any, finish: Any = None) -> Any:
    """``erf(x / sqrt 2) = tanh(x q(x^2))`` in float32, in cache-sized slices.

    ``finish(out_slice, x_slice, scratch)``, if given, then works on each slice in place
    while it is still in cache (``scratch``: a free array of the slice's length).  Returns
    an array of ``x``'s shape.
    """
    flat = x.astype(xp.float32, copy=False).reshape(-1)
    out = xp.empty_like(flat)
    scratch = xp.empty(min(_CHUNK, flat.size), dtype=xp.float32)
    with xp.errstate(over="ignore", invalid="ignore"):  # |x| > 1e19: x^2 is inf, tanh +-1 still
        for start in range(0, flat.size, _CHUNK):
            xs, o = flat[start:start + _CHUNK], out[start:start + _CHUNK]
            x2 = xp.multiply(xs, xs, out=scratch[:xs.size])
            _horner(_ERF_Q, x2, o)
            o *= xs
            xp.tanh(o, out=o)
            if finish is not None:
                finish(o, xs, x2)
    return out.reshape(x.shape)


def erf(x: Any) -> Any:
    """The error function of an array (NumPy has none).

    float32 and smaller: ``tanh(z q(z^2))``, ``z = x sqrt 2`` (``_ERF_Q``), in float32 in
    cache-sized slices (absolute error < 2e-7; GELU is a hot op).
    float64: exact to ~1 ulp via the all-positive series
    erf(x) = 2/sqrt(pi) e^{-x^2} sum (2x^2)^n x / (2n+1)!! for |x| < 2 (no
    cancellation) and the continued fraction of erfc beyond; several times
    slower, meant for gradient checks and float64 models.
    """
    if x.dtype.itemsize < 8:
        with xp.errstate(over="ignore"):  # |x| > 2.4e38: z is +-inf, and erf +-1 all the same
            z = xp.multiply(x, _SQRT_2, dtype=xp.float32)
        return _erf_of_scaled(z).astype(x.dtype, copy=False)
    out = xp.empty_like(x)
    ax = xp.abs(x)
    small = ax < 2.0
    xs = x[small]
    if xs.size:
        x2 = xs * xs
        term = xs.copy()
        total = xs.copy()
        for n in range(1, 36):
            term = term * (2.0 * x2) / (2 * n + 1)
            total += term
        out[small] = _TWO_OVER_SQRT_PI * xp.exp(-x2) * total
    large = ~small
    xl = ax[large]
    if xl.size:
        frac = xl.copy()
        for k in range(60, 0, -1):
            frac = xl + (0.5 * k) / frac
        erfc = xp.exp(-xl * xl) / (math.sqrt(math.pi) * frac)
        out[large] = xp.copysign(1.0 - erfc, x[large])
    return out


def _times_phi(erf_scaled: Any, x: Any, scratch: Any) -> None:
    """In place: ``erf(x / sqrt 2)`` becomes ``x Phi(x) = (1 + erf(x / sqrt 2)) x / 2``."""
    erf_scaled += 1.0
    erf_scaled *= xp.multiply(x, 0.5, out=scratch)


def _gelu_grad(x: Any, out: Any, grad: Any) -> Any:
    """``grad (Phi(x) + x pdf(x))``, ``Phi(x) = out / x`` (1/2 at 0), in cache-sized slices."""
    d = xp.empty(x.shape, dtype=x.dtype)  # C order, so its flat view below is no copy
    flat_x, flat_out, flat_g, flat_d = (a.reshape(-1) for a in (x, out, grad, d))
    t = xp.empty(min(_CHUNK, flat_x.size), dtype=x.dtype)
    for start in range(0, flat_x.size, _CHUNK):
        end = start + _CHUNK
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
            out = _erf_of_scaled(x, _times_phi).astype(x.dtype, copy=False)
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
