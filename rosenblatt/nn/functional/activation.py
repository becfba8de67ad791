"""Activation functions beyond the core ops (relu, sigmoid, tanh and softmax live in ``rosenblatt.ops``).

Each is one small Function; all are finite at +-1e4 (no ``exp`` of a large
positive number is ever taken).
"""
from __future__ import annotations

import math
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...ops import inplace
from ...ops.pointwise import sigmoid_given_exp
from ...tensor import Tensor

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


# float32 erf as Eigen and XLA compute it: x P(x^2) / Q(x^2), x clamped to [-4, 4] (beyond,
# erf is +-1 in float32); within 4.2e-7 of PyTorch's erf.  No exp, abs or copysign, only
# multiplies and adds: 2.3x faster than the Numerical Recipes erfc fit it replaced.
_ERF_P = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
          -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
          -1.60960333262415e-02)
_ERF_Q = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
          -7.37332916720468e-03, -1.42647390514189e-02)
#: elements per slice of the float32 erf: its 24 passes then run in cache (1M elements:
#: 2.7 ms in 64K slices, 3.4-9 ms whole; 16K slices paid more per-call overhead).
_ERF_CHUNK = 1 << 16


def _horner(coeffs: tuple, x2: Any, out: Any) -> Any:
    """``out = coeffs[0] x2^n + ... + coeffs[n]`` in place."""
    xp.multiply(x2, coeffs[0], out=out)
    for c in coeffs[1:-1]:
        out += c
        out *= x2
    out += coeffs[-1]
    return out


def erf(x: Any) -> Any:
    """The error function of an array (NumPy has none).

    float32 and smaller: Eigen's rational approximation in float32, in cache-sized
    slices with in-place ops (absolute error < 5e-7; GELU is a hot op).
    float64: exact to ~1 ulp via the all-positive series
    erf(x) = 2/sqrt(pi) e^{-x^2} sum (2x^2)^n x / (2n+1)!! for |x| < 2 (no
    cancellation) and the continued fraction of erfc beyond; several times
    slower, meant for gradient checks and float64 models.
    """
    if x.dtype.itemsize < 8:
        flat = x.astype(xp.float32, copy=False).reshape(-1)
        out = xp.empty_like(flat)
        clamped, x2, q = (xp.empty(min(_ERF_CHUNK, flat.size), dtype=xp.float32) for _ in range(3))
        for start in range(0, flat.size, _ERF_CHUNK):
            p = out[start:start + _ERF_CHUNK]
            n = p.size
            xp.clip(flat[start:start + _ERF_CHUNK], -4.0, 4.0, out=clamped[:n])
            xp.multiply(clamped[:n], clamped[:n], out=x2[:n])
            _horner(_ERF_P, x2[:n], p)
            p *= clamped[:n]
            p /= _horner(_ERF_Q, x2[:n], q[:n])
        return out.reshape(x.shape).astype(x.dtype, copy=False)
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


class Gelu(Function):
    """``x Phi(x)`` (``Phi``: the standard normal CDF), or its tanh approximation.

    Backward needs ``x`` and ``Phi(x)``.  It keeps ``x`` and the output, and takes
    ``Phi(x) = out / x`` (1/2 at 0): the layer after a GELU (the MLP's second
    linear) keeps the output anyway, so ``Phi(x)`` costs no memory of its own.
    That took the GPT step's peak memory from 93-100 MiB to ~80 (PyTorch's 87)
    for one more pass in backward.
    """

    saves_output = True

    def forward(self, x, approximate="none"):
        self.x, self.approximate = x, approximate
        if approximate == "tanh":
            self.saves_output = False  # backward needs x and the tanh, not the output
            self.t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            return 0.5 * x * (1.0 + self.t)
        out = erf(x * _SQRT_HALF)
        out += 1.0
        out *= 0.5
        out *= x
        self.out = out
        return out

    def backward(self, grad):
        x = self.x
        if self.approximate == "tanh":
            t = self.t
            inner = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)
            return grad * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * inner)
        d = xp.full_like(x, 0.5)
        xp.divide(self.out, x, out=d, where=x != 0)  # d = Phi(x)
        pdf = x * x  # then d += x pdf(x), built in place (GELU is a hot op in transformers)
        pdf *= -0.5
        xp.exp(pdf, out=pdf)
        pdf *= x
        pdf *= _INV_SQRT_2PI
        d += pdf
        d *= grad
        return d


class LeakyRelu(Function):
    def forward(self, x, slope=0.01):
        self.positive = x > 0
        self.slope = slope
        return xp.where(self.positive, x, x * slope)

    def backward(self, grad):
        return xp.where(self.positive, grad, grad * self.slope)


class Elu(Function):
    def forward(self, x, alpha=1.0):
        self.positive, self.alpha = x > 0, alpha
        # Clamp before exp: exp of a large positive x would overflow even though unused.
        self.neg_x = xp.minimum(x, 0)
        return xp.where(self.positive, x, alpha * xp.expm1(self.neg_x))

    def backward(self, grad):
        # alpha * exp(x), not elu(x) + alpha: that cancels to 0 below x = -17 in float32.
        return xp.where(self.positive, grad, grad * (self.alpha * xp.exp(self.neg_x)))


class Silu(Function):
    def forward(self, x):
        self.x = x
        self.sig = sigmoid_given_exp(x, xp.exp(-xp.abs(x)))
        return x * self.sig

    def backward(self, grad):
        s = self.sig
        return grad * (s * (1.0 + self.x * (1.0 - s)))


class Softplus(Function):
    def forward(self, x, beta=1.0, threshold=20.0):
        z = x * beta
        self.linear = z > threshold
        e = xp.exp(-xp.abs(z))
        self.sig = sigmoid_given_exp(z, e)
        # log(1 + e^z) = max(z, 0) + log1p(e^-|z|): finite for any z.
        soft = (xp.maximum(z, 0) + xp.log1p(e)) / beta
        return xp.where(self.linear, x, soft).astype(x.dtype, copy=False)

    def backward(self, grad):
        return xp.where(self.linear, grad, grad * self.sig)


def _apply_inplace(input: Tensor, fn: Any, inplace_: bool) -> Tensor:
    return inplace(input, fn) if inplace_ else fn(input)


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


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` for x > 0, ``negative_slope * x`` otherwise."""
    return _apply_inplace(input, lambda t: LeakyRelu.apply(t, slope=negative_slope), inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise."""
    return _apply_inplace(input, lambda t: Elu.apply(t, alpha=alpha), inplace)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish)."""
    return _apply_inplace(input, Silu.apply, inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, and ``x`` where ``beta * x > threshold``."""
    return Softplus.apply(input, beta=beta, threshold=threshold)


def relu_(input: Tensor) -> Tensor:
    from ...ops import relu
    return inplace(input, relu)
