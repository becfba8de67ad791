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
from ...tensor import Tensor

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


# Numerical Recipes' Chebyshev fit of erfc (``erfcc``): relative error < 1.2e-7 everywhere.
_ERFC_COEFFS = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
                -1.13520398, 1.48851587, -0.82215223, 0.17087277)


def erf(x: Any) -> Any:
    """The error function of an array (NumPy has none).

    float32 and smaller: Numerical Recipes' erfc fit, evaluated in float32 with
    in-place ops (absolute error < 5e-7, about 20 array passes: GELU is a hot op).
    float64: exact to ~1 ulp via the all-positive series
    erf(x) = 2/sqrt(pi) e^{-x^2} sum (2x^2)^n x / (2n+1)!! for |x| < 2 (no
    cancellation) and the continued fraction of erfc beyond; several times
    slower, meant for gradient checks and float64 models.
    """
    if x.dtype.itemsize < 8:
        dtype = x.dtype
        x = x.astype(xp.float32, copy=False)
        z = xp.abs(x)
        t = z * 0.5
        t += 1.0
        xp.reciprocal(t, out=t)
        poly = t * _ERFC_COEFFS[-1]
        for c in _ERFC_COEFFS[-2:0:-1]:
            poly += c
            poly *= t
        poly += _ERFC_COEFFS[0]
        xp.multiply(z, z, out=z)
        poly -= z
        xp.exp(poly, out=poly)
        poly *= t  # erfc(|x|)
        xp.subtract(1.0, poly, out=poly)
        return xp.copysign(poly, x, out=poly).astype(dtype, copy=False)
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
    def forward(self, x, approximate="none"):
        self.x, self.approximate = x, approximate
        if approximate == "tanh":
            self.t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            return 0.5 * x * (1.0 + self.t)
        cdf = erf(x * _SQRT_HALF)
        cdf += 1.0
        cdf *= 0.5
        self.cdf = cdf
        return x * cdf

    def backward(self, grad):
        x = self.x
        if self.approximate == "tanh":
            t = self.t
            inner = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)
            return grad * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * inner)
        d = x * x  # d = cdf + x * pdf, built in place (GELU is a hot op in transformers)
        d *= -0.5
        xp.exp(d, out=d)
        d *= x
        d *= _INV_SQRT_2PI
        d += self.cdf
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
        e = xp.exp(-xp.abs(x))
        self.x = x
        self.sig = xp.where(x >= 0, 1.0, e) / (1.0 + e)
        return x * self.sig

    def backward(self, grad):
        s = self.sig
        return grad * (s * (1.0 + self.x * (1.0 - s)))


class Softplus(Function):
    def forward(self, x, beta=1.0, threshold=20.0):
        z = x * beta
        self.linear = z > threshold
        e = xp.exp(-xp.abs(z))
        self.sig = xp.where(z >= 0, 1.0, e) / (1.0 + e)
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
