"""``rosenblatt.special``: PyTorch's ``torch.special``, its real-valued functions.

Most are the top-level ops under SciPy's names (``expit`` is ``sigmoid``, ``gammaln`` is
``lgamma``, ``psi`` is ``digamma``); the ones with no top-level twin (``xlog1py``, ``entr``,
``ndtr``, ``ndtri``, ``log_ndtr``, ``erfcx``, ``i0e``, ``i1``, ``i1e``) are defined here or in
``ops/gamma.py``, each differentiable with PyTorch's gradient.  ``gammainc``/``gammaincc``
(``_igamma.py``) and ``zeta`` (``_zeta.py``) are differentiable in their second argument only,
as PyTorch; the Bessel and Airy functions (``_bessel.py``) and the orthogonal polynomials
(``_polynomials.py``) have no derivative there, and none here.

Example:
    >>> import rosenblatt as rb
    >>> rb.special.gammaln(rb.tensor([4.0])), rb.special.expit(rb.tensor([0.0]))
    (tensor([1.7918]), tensor([0.5]))
"""
from __future__ import annotations

import math
from typing import Any

from . import _backend
from ._backend import float64, xp
from ._bessel import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0, modified_bessel_i1,
                      modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0, scaled_modified_bessel_k1,
                      spherical_bessel_j0)
from ._igamma import gammainc, gammaincc
from ._polynomials import (chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v,
                           chebyshev_polynomial_w, hermite_polynomial_h, hermite_polynomial_he, laguerre_polynomial_l,
                           legendre_polynomial_p, shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u,
                           shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w)
from ._zeta import zeta
from .autograd.function import Function
from .ops._erf import erfc as _erfc, laplace_fraction
from .ops.gamma import digamma, i0, i0e, i1, i1e, lgamma, mvlgamma, polygamma, sinc
from .ops.pointwise import _float, expm1, log1p, round, sigmoid
from .ops.reduction import logsumexp
from .ops.softmax import log_softmax, softmax
from .ops.special import _erfinv, erf, erfc, erfinv, exp2, logit, xlogy
from .ops.trigonometric import _floating
from .tensor import Tensor

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
           "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
           "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]

expit = sigmoid
gammaln = lgamma
psi = digamma
multigammaln = mvlgamma

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2PI = math.sqrt(2 * math.pi)


class Xlog1py(Function):
    """``input * log1p(other)``, 0 where ``input == 0`` unless ``other`` is nan (PyTorch).

    ``d/d input = log1p(other)``, 0 where ``input == 0`` and ``other <= -1``;
    ``d/d other = input / (1 + other)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.xlog1py(rb.tensor([0.0, 2.0]), rb.tensor([-1.0, 1e-8]))
        tensor([0.e+00, 2.e-08])
    """

    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y = _floating(x, y, "xlog1py()")
        return xp.where(xp.isnan(y), xp.nan, xp.where(x == 0, 0, x * xp.log1p(y)))

    def backward(self, grad):
        p, x, y = self.parents, self.x, self.y
        return (xp.where((x == 0) & (y <= -1), 0, grad * xp.log1p(y)) if p[0] is not None else None,
                grad * x / (1 + y) if p[1] is not None else None)


xlog1py = Xlog1py.apply


class Entr(Function):
    """The elementwise entropy ``-x log x``: 0 at 0, -inf below 0.

    ``d/dx entr(x) = -(1 + log x)``: +inf at 0, nan below (PyTorch's).

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.entr(rb.tensor([0.0, 0.5, -1.0]))
        tensor([0.    , 0.3466,   -inf])
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = x = _float(x)
        out = xp.where(x > 0, -x * xp.log(xp.where(x > 0, x, 1)), xp.where(x == 0, 0, -xp.inf))
        return xp.where(xp.isnan(x), xp.nan, out).astype(x.dtype, copy=False)

    def backward(self, grad):
        return grad * -(1 + xp.log(self.x))


entr = Entr.apply


def ndtr(input: Any) -> Tensor:
    """The standard normal CDF, ``ndtr(x) = (1 + erf(x / sqrt 2)) / 2 = erfc(-x / sqrt 2) / 2``.

    Args:
        input (Tensor): the points; integer inputs compute in float32.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.ndtr(rb.tensor([0.0, 1.0, -10.0]))
        tensor([5.0000e-01, 8.4134e-01, 7.6199e-24])
    """
    return erfc(-(_as_float(input)) * _SQRT_HALF) * 0.5


def _as_float(input: Any) -> Tensor:
    x = input if isinstance(input, Tensor) else Tensor._wrap(xp.asarray(input))
    return x.to(_backend.default_float) if x.dtype.kind in "biu" else x


class Ndtri(Function):
    """The inverse of ``ndtr``: ``ndtr(ndtri(p)) = p``; -inf at 0, +inf at 1, nan outside.

    ``sqrt 2 erfinv(2p - 1)``, then one Newton step on ``erfc`` (exact in the lower tail, where
    ``2p - 1`` has lost ``p``'s digits).  ``d/dp ndtri(p) = sqrt(2 pi) exp(ndtri(p)^2 / 2)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.ndtri(rb.tensor([0.5, 0.975, 1e-10]))
        tensor([ 0.    ,  1.96  , -6.3613])
    """

    saves_output = True

    def forward(self, p):
        p = _float(p)
        q = p.astype(float64, copy=False)
        t = math.sqrt(2) * _erfinv(2 * q - 1)
        lower = (q > 0) & (q < 0.5)
        if lower.any():  # Newton on log ndtr(t) = log p: concave, so from the left it never overshoots
            p_low = q[lower]
            start = -xp.sqrt(-2 * xp.log(p_low))  # left of the root; erfinv's start is -inf below 1e-17
            s = xp.where(xp.isfinite(t[lower]), xp.minimum(t[lower], start), start)
            for _ in range(6):
                s = s - (_log_ndtr(s) - xp.log(p_low)) / _log_ndtr_slope(s)
            t[lower] = s
        return t.astype(p.dtype, copy=False)

    def backward(self, grad):
        out = self._output
        return grad * (_SQRT_2PI * xp.exp(0.5 * out * out))


ndtri = Ndtri.apply


class LogNdtr(Function):
    """``log(ndtr(x))``, finite far into the lower tail (where ``ndtr`` underflows).

    Below ``x = -5``: ``log ndtr(x) = -t^2 - log(2 sqrt(pi) F(t))``, ``t = -x / sqrt 2``, with
    Laplace's continued fraction ``F`` of ``erfc``.  ``d/dx = exp(-x^2 / 2) / (sqrt(2 pi)
    ndtr(x))``, which there is ``sqrt 2 F(t)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.log_ndtr(rb.tensor([0.0, -100.0]))
        tensor([-6.9315e-01, -5.0055e+03])
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = x = _float(x)
        return _log_ndtr(x.astype(float64, copy=False)).astype(x.dtype, copy=False)

    def backward(self, grad):
        return grad * _log_ndtr_slope(self.x.astype(float64, copy=False)).astype(self.x.dtype, copy=False)


def _log_ndtr(a: Any) -> Any:
    """float64 ``log ndtr(a)``: the continued fraction below -5, ``log1p(-ndtr(-a))`` above 0."""
    tail = a < -5
    t = xp.where(tail, -a * _SQRT_HALF, 4.0)
    far = -t * t - xp.log(2 * math.sqrt(math.pi) * laplace_fraction(t))
    near = xp.log(0.5 * _erfc(xp.where(tail, 0.0, -a * _SQRT_HALF)))
    upper = xp.log1p(-0.5 * _erfc(xp.where(a > 0, a, 0.0) * _SQRT_HALF))
    return xp.where(tail, far, xp.where(a > 0, upper, near))


def _log_ndtr_slope(a: Any) -> Any:
    """``d/da log ndtr(a) = exp(-a^2 / 2) / (sqrt(2 pi) ndtr(a))``; ``sqrt 2 F(t)`` below -5."""
    tail = a < -5
    fraction = laplace_fraction(xp.where(tail, -a * _SQRT_HALF, 4.0))
    near = xp.exp(-0.5 * a * a) / (_SQRT_2PI * 0.5 * _erfc(-a * _SQRT_HALF))
    return xp.where(tail, math.sqrt(2) * fraction, near)


log_ndtr = LogNdtr.apply


class Erfcx(Function):
    """The scaled complementary error function ``erfcx(x) = exp(x^2) erfc(x)``, finite where
    ``erfc`` underflows (``erfcx(x) ~ 1 / (x sqrt(pi))`` for large x); +inf below -26.7.

    float64: ``exp(x^2) erfc(x)`` on (-6.1, 2); Laplace's continued fraction, ``1 / (sqrt(pi)
    F(x))``, from 2 on; ``2 exp(x^2)`` below -6.1 (where ``erfcx(-x)`` is below its last
    digit), as PyTorch there.  ``d/dx erfcx(x) = 2x erfcx(x) - 2 / sqrt(pi)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.erfcx(rb.tensor([0.0, 1.0, 100.0, -2.0]))
        tensor([1.0000e+00, 4.2758e-01, 5.6416e-03, 1.0894e+02])
    """

    saves_inputs = (0,)
    saves_output = True

    def forward(self, x):
        self.x = x = _float(x)
        return _erfcx(x.astype(float64, copy=False)).astype(x.dtype, copy=False)

    def backward(self, grad):
        return grad * (2 * self.x * self._output - 2 / math.sqrt(math.pi))


def _erfcx(x: Any) -> Any:
    """float64 ``erfcx`` of a float64 array."""
    out = xp.full(x.shape, xp.nan)
    with xp.errstate(over="ignore", invalid="ignore"):
        tail = x >= 2
        out[tail] = 1 / (math.sqrt(math.pi) * laplace_fraction(x[tail]))
        middle = (x > -6.1) & (x < 2)
        out[middle] = xp.exp(x[middle] ** 2) * _erfc(x[middle])
        low = x <= -6.1
        out[low] = xp.where(x[low] < -26.7, xp.inf, 2 * xp.exp(x[low] * x[low]))
    return out


erfcx = Erfcx.apply
