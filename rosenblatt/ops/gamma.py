"""The gamma family and modified Bessel functions: lgamma, digamma, polygamma, mvlgamma, i0, i0e,
i1, i1e, sinc.

All compute in float64 (a float32 input is rounded back) and follow PyTorch at the poles:
``lgamma`` is +inf at 0, the negative integers and +-inf; ``digamma`` is -inf at 0.0, +inf at
-0.0 and nan at the negative integers; ``polygamma(1, .)`` takes PyTorch's reflection, so a
negative integer gives a huge finite number (6.6e32 at -1) as there.

Methods, float64: ``lgamma`` is the series of ``lgamma(1 + z)`` in ``zeta(k) - 1`` on [0.5,
2.5) (Abramowitz & Stegun 6.1.33, accurate at the zeros 1 and 2), recurrence down to it below
10, Stirling's series above, reflection below 0; ``digamma`` is the recurrence up to 10, then
the asymptotic series in Bernoulli numbers, and reflection below 0; ``polygamma(n, .)`` is
``(-1)^(n+1) n! zeta(n+1, x)``, the Hurwitz zeta by Euler-Maclaurin summation.
"""
from __future__ import annotations

import math
from typing import Any

from .._backend import float64, xp
from ..autograd.function import Function
from ..tensor import Tensor
from .inplace import inplace
from .pointwise import _float

#: Bernoulli numbers B_2, B_4, ..., B_20
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
              -174611 / 330)
_EULER_GAMMA = 0.57721566490153286061
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_LOG_PI = math.log(math.pi)
_FAR = 2.0 ** 20


def _as64(x: Any) -> Any:
    return xp.asarray(x, dtype=float64)


# ------------------------------------------------------------------ Hurwitz zeta
def _hurwitz_zeta(s: int, q: Any) -> Any:
    """``zeta(s, q) = sum_{j >= 0} (q + j)^-s`` for an integer ``s >= 2``: the terms up to
    ``a = q + N >= 10 + s`` summed directly, the rest by Euler-Maclaurin with ten Bernoulli terms
    (error below 1e-17 relative there).  +inf at the non-positive integers and -inf, nan at
    +inf, as Cephes' (PyTorch's).  Below ``q = -2^20`` the terms farther than ``2^20`` from 0
    are dropped (relative error < 1e-12; PyTorch sums them all, a second per 5e7)."""
    q = _as64(q)
    finite = xp.isfinite(q)
    q0 = xp.where(finite, q, 1.0).reshape(-1)
    begin = xp.maximum(xp.floor(-q0 - _FAR), 0)  # the first term summed
    steps = xp.maximum(xp.ceil(10 + s - q0), 0)  # terms before Euler-Maclaurin's a
    total = xp.zeros_like(q0)
    active, start, width = xp.flatnonzero(steps > begin), 0, 64
    while active.size:  # the elements with terms left, in blocks of `width` terms
        k = begin[active, None] + (start + xp.arange(width, dtype=float64))
        terms = xp.where(k < steps[active, None], (q0[active, None] + k) ** -s, 0)
        total[active] += terms.sum(-1)
        start, width = start + width, 1024
        active = active[steps[active] - begin[active] > start]
    q0, steps, total = q0.reshape(q.shape), steps.reshape(q.shape), total.reshape(q.shape)
    a = q0 + steps
    tail = a ** (1 - s) / (s - 1) + 0.5 * a ** -s
    rising, factorial, power = float(s), 2.0, a ** (-s - 1)
    inv_a2 = 1 / (a * a)
    for k, b in enumerate(_BERNOULLI, start=1):
        tail = tail + (b / factorial * rising) * power
        rising *= (s + 2 * k - 1) * (s + 2 * k)
        factorial *= (2 * k + 1) * (2 * k + 2)
        power = power * inv_a2
    out = total + tail
    pole = (q <= 0) & (q == xp.floor(q))
    out = xp.where(pole | (q == -xp.inf), xp.inf, out)
    return xp.where((q == xp.inf) | xp.isnan(q), xp.nan, out)


#: ``zeta(k) - 1`` for k = 2..41, the coefficients of ``lgamma(1 + z)``'s series
_ZETA_MINUS_1 = tuple(float(_hurwitz_zeta(k, 2.0)) for k in range(2, 42))


# ------------------------------------------------------------------ lgamma
def _lgamma_near_one(z: Any) -> Any:
    """``lgamma(2 + z) = (1 - gamma) z + sum_{k >= 2} (-1)^k (zeta(k) - 1) z^k / k`` for
    ``|z| <= 0.5`` (terms fall as 4^-k); ``lgamma(1 + z)`` is this minus ``log1p(z)``."""
    out = xp.zeros_like(z)
    for k in range(len(_ZETA_MINUS_1) + 1, 1, -1):  # Horner, highest power first
        out = (out + (-1) ** k * _ZETA_MINUS_1[k - 2] / k) * z
    return (out + (1 - _EULER_GAMMA)) * z


def _lgamma_positive(x: Any) -> Any:
    """``lgamma`` of ``x > 0`` (inf at +inf)."""
    big = x >= 10
    xs = xp.where(big, x, 10.0)
    inv, inv2 = 1 / xs, 1 / (xs * xs)
    series = xp.zeros_like(xs)
    for k in range(len(_BERNOULLI), 0, -1):
        series = series * inv2 + _BERNOULLI[k - 1] / (2 * k * (2 * k - 1))
    # x (log x - 1) rather than x log x - x: finite up to lgamma's own overflow (2.5e305)
    stirling = xs * (xp.log(xs) - 1) - 0.5 * xp.log(xs) + _HALF_LOG_2PI + series * inv

    # below 10: down to [1.5, 2.5) by lgamma(x) = lgamma(x - 1) + log(x - 1), all terms positive;
    # lgamma(x) = lgamma(x + 1) - log(x + 1) on [0.5, 1.5), and once more (- log x) below 0.5
    xm = xp.where(big, 2.0, x)
    shifts = xp.maximum(xp.floor(xm - 1.5), 0)
    product = xp.ones_like(xm)
    for j in range(1, 9):
        product = product * xp.where(j <= shifts, xm - j, 1.0)
    z = xp.where(xm < 0.5, xm, xp.where(xm < 1.5, xm - 1, xm - shifts - 2))  # in [-0.5, 0.5)
    near = _lgamma_near_one(z) + xp.log(product)
    near = near - xp.where(xm < 1.5, xp.log1p(z), 0) - xp.where(xm < 0.5, xp.log(xm), 0)
    return xp.where(big, stirling, near)


def _lgamma(x: Any) -> Any:
    """``log |Gamma(x)|`` of a float64 array; reflection below 0."""
    x = _as64(x)
    negative = x < 0
    pos = _lgamma_positive(xp.where(negative, 1 - x, xp.where(x > 0, x, 1.0)))
    r = x - xp.round(x)  # sin(pi x) from the distance to the nearest integer: exact for large |x|
    reflected = _LOG_PI - xp.log(xp.abs(xp.sin(math.pi * r))) - pos
    out = xp.where(negative, reflected, pos)
    out = xp.where(((x <= 0) & (x == xp.floor(x))) | (x == xp.inf), xp.inf, out)  # poles, +-inf
    return xp.where(xp.isnan(x), xp.nan, out)


# ------------------------------------------------------------------ digamma and polygamma
def _digamma(x: Any) -> Any:
    """``psi(x) = d/dx lgamma(x)`` of a float64 array (PyTorch's ``calc_digamma``'s method)."""
    x = _as64(x)
    negative = x < 0
    r = x - xp.trunc(x)  # tan(pi r), not tan(pi x): pi x rounds badly for large |x|
    y = xp.where(negative, 1 - x, xp.where(x > 0, x, 1.0))
    out = xp.zeros_like(y)
    for _ in range(10):  # up to 10 by psi(x) = psi(x + 1) - 1 / x
        low = y < 10
        out = out - xp.where(low, 1 / y, 0)
        y = xp.where(low, y + 1, y)
    inv2 = 1 / (y * y)
    series = xp.zeros_like(y)
    for k in range(len(_BERNOULLI), 0, -1):
        series = series * inv2 + _BERNOULLI[k - 1] / (2 * k)
    out = out + xp.log(y) - 0.5 / y - series * inv2
    out = xp.where(negative, out - math.pi / xp.tan(math.pi * r), out)
    out = xp.where(x == 0, xp.copysign(xp.inf, -x), out)  # -inf at 0.0, +inf at -0.0
    return xp.where((negative & (x == xp.floor(x))) | xp.isnan(x), xp.nan, out)  # and nan at -inf


def _trigamma(x: Any) -> Any:
    """``psi'(x) = zeta(2, x)``, by PyTorch's reflection below 0.5: ``pi^2 / sin^2(pi x) -
    psi'(1 - x)`` with ``sin(pi x)`` as PyTorch takes it, so the poles give its values."""
    x = _as64(x)
    low = x < 0.5
    out = _hurwitz_zeta(2, xp.where(low, 1 - x, x))
    out = xp.where(low, math.pi ** 2 / xp.sin(math.pi * x) ** 2 - out, out)
    return xp.where(x == xp.inf, 0.0, out)  # PyTorch's 0 (Cephes' zeta gives nan there for n >= 2)


def _polygamma(n: int, x: Any) -> Any:
    """``psi^(n)(x)``: digamma, trigamma, else ``(-1)^(n+1) n! zeta(n+1, x)`` (Cephes' way)."""
    if n == 0:
        return _digamma(x)
    if n == 1:
        return _trigamma(x)
    return (-1) ** (n + 1) * math.factorial(n) * _hurwitz_zeta(n + 1, x)


def _in64(fn: Any, x: Any, *args: Any) -> Any:
    """``fn`` computed in float64 and rounded to ``x``'s floating dtype (integers: float32)."""
    x = _float(x)
    return fn(*args, x.astype(float64, copy=False)).astype(x.dtype, copy=False)


class Lgamma(Function):
    """``log |Gamma(input)|``; +inf at 0, the negative integers and +-inf.

    ``d/dx lgamma(x) = digamma(x)``.  float64: within 1e-13 relative of PyTorch (glibc's)
    except beside its zeros below 0, where both lose digits.

    Example:
        >>> import rosenblatt as rb
        >>> rb.lgamma(rb.tensor([0.5, 1.0, 3.0, -0.5, 0.0]))
        tensor([0.5724, 0.    , 0.6931, 1.2655,    inf])
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = x = _float(x)
        return _in64(_lgamma, x)

    def backward(self, grad):
        return grad * _in64(_digamma, self.x)


class Digamma(Function):
    """``psi(x) = d/dx log Gamma(x)``; -inf at 0.0, +inf at -0.0, nan at the negative integers.

    ``d/dx digamma(x) = polygamma(1, x)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.digamma(rb.tensor([1.0, 2.0, 0.5]))
        tensor([-0.5772,  0.4228, -1.9635])
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = x = _float(x)
        return _in64(_digamma, x)

    def backward(self, grad):
        return grad * _in64(_trigamma, self.x)


class Polygamma(Function):
    """The ``n``-th derivative of digamma; ``d/dx polygamma(n, x) = polygamma(n + 1, x)``."""

    saves_inputs = (0,)

    def forward(self, x, n=0):
        self.x, self.n = x, n = _float(x), n
        return _in64(_polygamma, x, n)

    def backward(self, grad):
        return grad * _in64(_polygamma, self.x, self.n + 1)


lgamma = Lgamma.apply
digamma = Digamma.apply


def polygamma(n: int, input: Any) -> Tensor:
    """The ``n``-th derivative of the digamma function: ``psi^(n)(x) = d^(n+1)/dx^(n+1) log
    Gamma(x) = (-1)^(n+1) n! sum_{k >= 0} (x + k)^-(n+1)`` for ``n >= 1``.

    Args:
        n (int): the order, ``>= 0``; ``polygamma(0, x)`` is ``digamma(x)``.
        input (Tensor): the points; integer inputs compute in float32.

    Returns:
        Tensor: its gradient is ``polygamma(n + 1, input)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.polygamma(1, rb.tensor([1.0, 0.5]))  # pi^2 / 6, pi^2 / 2
        tensor([1.6449, 4.9348])
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"polygamma(): n must be a non-negative int, got {n!r}")
    return Polygamma.apply(input, n=n)


def _polygamma_method(self: Tensor, n: int) -> Tensor:
    """``Tensor.polygamma(n)``: ``polygamma(n, self)``."""
    return polygamma(n, self)


_polygamma_method.__name__ = "polygamma"  # inplace() names its errors "polygamma_()"


def polygamma_(self: Tensor, n: int) -> Tensor:
    """``Tensor.polygamma_(n)``: ``polygamma(n, self)`` written into ``self``."""
    return inplace(self, _polygamma_method, n)


def mvlgamma(input: Any, p: int) -> Tensor:
    """The multivariate log-gamma function of dimension ``p``: ``log Gamma_p(x) = p (p - 1) / 4
    log(pi) + sum_{i=0}^{p-1} lgamma(x - i / 2)``.

    Args:
        input (Tensor): floating points, each ``> (p - 1) / 2``.
        p (int): the dimension, ``>= 1``.

    Returns:
        Tensor: of ``input``'s shape; differentiable (built from ``lgamma``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.mvlgamma(rb.tensor([2.5, 3.0]), p=3)
        tensor([1.881 , 2.6949])
    """
    if isinstance(p, bool) or not isinstance(p, int) or p < 1:
        raise ValueError(f"mvlgamma(): p must be an int >= 1, got {p!r}")
    x = input if isinstance(input, Tensor) else Tensor._wrap(xp.asarray(input))
    if x.dtype.kind != "f":
        raise TypeError(f"mvlgamma(): expected a floating-point input, got dtype {x.dtype}; convert it "
                        f"first, e.g. x.float()")
    if not bool((x.data > (p - 1) / 2).all()):
        raise ValueError(f"mvlgamma(): all elements must be greater than (p - 1) / 2 = {(p - 1) / 2}")
    shifts = Tensor._wrap(xp.arange(p, dtype=x.dtype) / 2)
    return lgamma(x.unsqueeze(-1) - shifts).sum(-1) + p * (p - 1) / 4 * _LOG_PI


def _mvlgamma_named(self: Tensor, p: int) -> Tensor:
    return mvlgamma(self, p)


_mvlgamma_named.__name__ = "mvlgamma"


def mvlgamma_(self: Tensor, p: int) -> Tensor:
    """``Tensor.mvlgamma_(p)``: ``mvlgamma(self, p)`` written into ``self``."""
    return inplace(self, _mvlgamma_named, p)


# ------------------------------------------------------------------ modified Bessel functions
#: ``1 / (k! k!)`` and ``1 / (k! (k + 1)!)``, k = 0..49: the power series of I0 and I1 in (x/2)^2
_I0_SERIES = tuple(1 / math.factorial(k) ** 2 for k in range(50))
_I1_SERIES = tuple(1 / (math.factorial(k) * math.factorial(k + 1)) for k in range(50))
#: below this |x| the power series (all terms positive: no cancellation), above it the asymptotic
#: expansion, whose smallest term there, e^(-2x) ~ 4e-18, bounds its error
_BESSEL_SPLIT = 20.0


def _bessel(nu: int, x: Any, scaled: bool = False) -> Any:
    """``I_nu(x)`` of a float64 array, ``nu`` 0 or 1, times ``exp(-|x|)`` if ``scaled``; nan at
    +-inf unscaled (``inf * 0``), as PyTorch's Cephes."""
    x = _as64(x)
    a = xp.abs(x)
    small = xp.minimum(a, _BESSEL_SPLIT)
    y = small * small / 4
    coeffs = _I0_SERIES if nu == 0 else _I1_SERIES
    series = xp.zeros_like(y)
    for c in reversed(coeffs):
        series = series * y + c
    if nu == 1:
        series = series * (small / 2)
    if scaled:
        series = series * xp.exp(-small)
    # I_nu(x) e^-x ~ (2 pi x)^-1/2 sum_k (-1)^k prod_{j<=k} (4 nu^2 - (2j - 1)^2) / (8 j x)
    big = xp.maximum(a, _BESSEL_SPLIT)
    term, total = xp.ones_like(big), xp.ones_like(big)
    for j in range(1, 40):
        term = term * (-(4 * nu * nu - (2 * j - 1) ** 2) / (8 * j)) / big
        total = total + term
    asymptotic = total / xp.sqrt(2 * math.pi * big)
    if not scaled:
        asymptotic = asymptotic * xp.exp(big)
    out = xp.where(a <= _BESSEL_SPLIT, series, asymptotic)
    return xp.where(xp.isnan(x), xp.nan, out if nu == 0 else xp.copysign(out, x))


class I0(Function):
    """The modified Bessel function of the first kind of order 0, ``I0(x) = sum_k (x / 2)^(2k) /
    (k!)^2``.

    ``d/dx i0(x) = i1(x)``.  Within 2e-15 relative of PyTorch; nan at +-inf, as there.

    Example:
        >>> import rosenblatt as rb
        >>> rb.i0(rb.tensor([0.0, 1.0, -2.0]))
        tensor([1.    , 1.2661, 2.2796])
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = x = _float(x)
        return _in64(_bessel, x, 0)

    def backward(self, grad):
        return grad * _in64(_bessel, self.x, 1)


class I0e(Function):
    """``exp(-|x|) I0(x)``, finite where ``I0`` overflows (beyond 713).

    ``d/dx i0e(x) = i1e(x) - sign(x) i0e(x)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.i0e(rb.tensor([0.0, 1.0, 1000.0]))
        tensor([1.    , 0.4658, 0.0126])
    """

    saves_inputs = (0,)
    saves_output = True

    def forward(self, x):
        self.x = x = _float(x)
        return _in64(lambda a: _bessel(0, a, True), x)

    def backward(self, grad):
        x = self.x
        return grad * (_in64(lambda a: _bessel(1, a, True), x) - xp.sign(x) * self._output)


class I1(Function):
    """The modified Bessel function of the first kind of order 1, ``I1(x) = sum_k (x / 2)^(2k+1) /
    (k! (k + 1)!)``; odd.

    ``d/dx i1(x) = i0(x) - i1(x) / x``, 1/2 at 0.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.i1(rb.tensor([0.0, 1.0, -2.0]))
        tensor([ 0.    ,  0.5652, -1.5906])
    """

    saves_inputs = (0,)
    saves_output = True

    def forward(self, x):
        self.x = x = _float(x)
        return _in64(_bessel, x, 1)

    def backward(self, grad):
        x = self.x
        return grad * xp.where(x == 0, 0.5, _in64(_bessel, x, 0) - self._output / x)


class I1e(Function):
    """``exp(-|x|) I1(x)``, finite where ``I1`` overflows.

    ``d/dx i1e(x) = i0e(x) - i1e(x) (sign(x) + 1 / x)``, 1/2 at 0.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.i1e(rb.tensor([0.0, 1.0, -1000.0]))
        tensor([ 0.    ,  0.2079, -0.0126])
    """

    saves_inputs = (0,)
    saves_output = True

    def forward(self, x):
        self.x = x = _float(x)
        return _in64(lambda a: _bessel(1, a, True), x)

    def backward(self, grad):
        x = self.x
        i0e = _in64(lambda a: _bessel(0, a, True), x)
        return grad * xp.where(x == 0, 0.5, i0e - self._output * (xp.sign(x) + 1 / x))


class Sinc(Function):
    """The normalised sinc, ``sin(pi x) / (pi x)``, 1 at 0.

    ``d/dx sinc(x) = (cos(pi x) pi x - sin(pi x)) / (pi x^2)``, 0 at 0 (PyTorch's).

    Example:
        >>> import rosenblatt as rb
        >>> rb.sinc(rb.tensor([0.0, 0.5, 1.5]))
        tensor([ 1.    ,  0.6366, -0.2122])
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = x = _float(x)
        return xp.sinc(x)  # NumPy's: sin(pi x) / (pi x), 1 at 0, in x's dtype

    def backward(self, grad):
        x = self.x
        px = math.pi * x
        slope = (xp.cos(px) * px - xp.sin(px)) / (px * x)
        return grad * xp.where(x == 0, 0, slope)


i0 = I0.apply
i0e = I0e.apply
i1 = I1.apply
i1e = I1e.apply
sinc = Sinc.apply
