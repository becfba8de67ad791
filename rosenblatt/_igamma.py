"""The regularized incomplete gamma functions ``gammainc`` (``igamma``) and ``gammaincc``
(``igammac``).

``P(a, x) = gamma(a, x) / Gamma(a) = 1 / Gamma(a) integral_0^x t^(a-1) e^-t dt`` and
``Q(a, x) = 1 - P(a, x)``, for ``a, x >= 0``.

The method is PyTorch's ``calc_igamma``/``calc_igammac`` (SciPy's, from Cephes and Boost),
evaluated in float64 on arrays: Temme's uniform asymptotic expansion where ``a`` is large and
``x`` near it (DLMF 8.12.3), else the power series of ``P`` (DLMF 8.11.4), the cancellation-free
series of ``Q`` for small ``x`` (DLMF 8.7.3) or the continued fraction of ``Q`` (DLMF 8.9.2),
each for the one of ``P``, ``Q`` it is accurate for and the other as ``1 -`` it.  The prefactor
``x^a e^-x / Gamma(a)`` uses Boost's Lanczos sum near ``x = a``.  Boundary values are SciPy's:
nan for a negative argument, ``P(0, x) = 1`` for ``x > 0``, ``P(a, 0) = 0``.

Only ``x`` has a derivative, as in PyTorch: ``dP/dx = x^(a-1) e^-x / Gamma(a) = -dQ/dx``; a
backward through ``a`` raises ``NotImplementedError``, as there.
"""
from __future__ import annotations

import math
from typing import Any

from ._backend import float64, xp
from ._igamma_table import IGAMMA_ASYMPTOTIC
from .autograd.function import Function
from .ops._erf import erfc
from .ops.gamma import _lgamma
from .ops.inplace import inplace
from .ops.trigonometric import _floating
from .tensor import Tensor

_MACHEP = 1.11022302462515654042e-16
_MAXLOG = 7.09782712893383996843e2
_LANCZOS_G = 6.024680040776729583740234375
_LANCZOS_NUM = (0.006061842346248906525783753964555936883222, 0.5098416655656676188125178644804694509993,
                19.51992788247617482847860966235652136208, 449.9445569063168119446858607650988409623,
                6955.999602515376140356310115515198987526, 75999.29304014542649875303443598909137092,
                601859.6171681098786670226533699352302507, 3481712.15498064590882071018964774556468,
                14605578.08768506808414169982791359218571, 43338889.32467613834773723740590533316085,
                86363131.28813859145546927288977868422342, 103794043.1163445451906271053616070238554,
                56906521.91347156388090791033559122686859)
_LANCZOS_DENOM = (1.0, 66.0, 1925.0, 32670.0, 357423.0, 2637558.0, 13339535.0, 45995730.0, 105258076.0,
                  150917976.0, 120543840.0, 39916800.0, 0.0)
#: PyTorch's ``c10::pi<float>`` in the asymptotic series' ``sqrt(2 pi a)``: float32's pi, kept for parity
_PI_FLOAT32 = 3.1415927410125732
_MAXITER = 2000


def _lanczos_sum_expg_scaled(a: Any) -> Any:
    """Boost's rational Lanczos sum, evaluated as SciPy's ``ratevl`` does (in ``1/a`` above 1)."""
    big = xp.abs(a) > 1
    y = xp.where(big, 1 / a, a)
    num = xp.where(big, _LANCZOS_NUM[-1], _LANCZOS_NUM[0])
    den = xp.where(big, _LANCZOS_DENOM[-1], _LANCZOS_DENOM[0])
    m = len(_LANCZOS_NUM) - 1
    for i in range(1, m + 1):
        num = num * y + xp.where(big, _LANCZOS_NUM[m - i], _LANCZOS_NUM[i])
        den = den * y + xp.where(big, _LANCZOS_DENOM[m - i], _LANCZOS_DENOM[i])
    return num / den


def _prefactor(a: Any, x: Any) -> Any:
    """``x^a e^-x / Gamma(a)`` (``_igam_helper_fac``)."""
    far = xp.abs(a - x) > 0.4 * xp.abs(a)
    ax = a * xp.log(x) - x - _lgamma(a)
    direct = xp.where(ax < -_MAXLOG, 0.0, xp.exp(ax))
    fac = a + _LANCZOS_G - 0.5
    res = xp.sqrt(fac / math.e) / _lanczos_sum_expg_scaled(a)
    small = (a < 200) & (x < 200)
    numfac = (x - a - _LANCZOS_G + 0.5) / fac
    res = res * xp.where(small, xp.exp(a - x) * (x / fac) ** a,
                         xp.exp(a * (xp.log1p(numfac) - numfac) + x * (0.5 - _LANCZOS_G) / fac))
    return xp.where(far, direct, res)


def _p_series(a: Any, x: Any) -> Any:
    """``P(a, x)`` by its power series ``x^a e^-x / Gamma(a + 1) sum_k x^k / ((a+1)...(a+k))``."""
    ax = _prefactor(a, x)
    r, c, ans = a.copy(), xp.ones_like(a), xp.ones_like(a)
    active = ax != 0
    for _ in range(_MAXITER):
        if not active.any():
            break
        r = xp.where(active, r + 1, r)
        c = xp.where(active, c * x / r, c)
        ans = xp.where(active, ans + c, ans)
        active &= ~(c <= _MACHEP * ans)
    return xp.where(ax == 0, 0.0, ans * ax / a)


def _q_series(a: Any, x: Any) -> Any:
    """``Q(a, x)`` for small ``x`` without cancellation (DLMF 8.7.3)."""
    fac, total = xp.ones_like(a), xp.zeros_like(a)
    active = xp.ones(a.shape, dtype=bool)
    for n in range(1, _MAXITER):
        if not active.any():
            break
        fac = xp.where(active, fac * -x / n, fac)
        term = fac / (a + n)
        total = xp.where(active, total + term, total)
        active &= ~(xp.abs(term) <= _MACHEP * xp.abs(total))
    logx = xp.log(x)
    return -xp.expm1(a * logx - _lgamma(1 + a)) - xp.exp(a * logx - _lgamma(a)) * total


def _q_fraction(a: Any, x: Any) -> Any:
    """``Q(a, x)`` by its continued fraction, for ``x > 1.1`` and ``x >= a``."""
    ax = _prefactor(a, x)
    y, z, c = 1.0 - a, x + (1.0 - a) + 1.0, xp.zeros_like(a)
    pkm2, qkm2, pkm1, qkm1 = xp.ones_like(a), x.copy(), x + 1.0, z * x
    ans = pkm1 / qkm1
    active = ax != 0
    for _ in range(_MAXITER):
        if not active.any():
            break
        c, y, z = c + 1.0, y + 1.0, z + 2.0
        yc = y * c
        pk, qk = pkm1 * z - pkm2 * yc, qkm1 * z - qkm2 * yc
        nonzero = qk != 0
        r = pk / xp.where(nonzero, qk, 1.0)
        t = xp.where(nonzero, xp.abs((ans - r) / r), 1.0)
        ans = xp.where(active & nonzero, r, ans)
        scale = xp.where(xp.abs(pk) > 4.503599627370496e15, 2.22044604925031308085e-16, 1.0)
        pkm2 = xp.where(active, pkm1 * scale, pkm2)
        pkm1 = xp.where(active, pk * scale, pkm1)
        qkm2 = xp.where(active, qkm1 * scale, qkm2)
        qkm1 = xp.where(active, qk * scale, qkm1)
        active &= ~(t <= _MACHEP)
    return xp.where(ax == 0, 0.0, ans * ax)


def _asymptotic(a: Any, x: Any, lower: bool) -> Any:
    """``P`` (``lower``) or ``Q`` by Temme's expansion in ``eta``, ``eta^2 / 2 = sigma -
    log(1 + sigma)`` with ``sigma = (x - a) / a`` (DLMF 8.12.3/8.12.4)."""
    sign = -1.0 if lower else 1.0
    sigma = (x - a) / a
    eta = xp.sqrt(-2 * (xp.log1p(sigma) - sigma)) * xp.sign(x / a - 1)
    res = 0.5 * erfc(sign * eta * xp.sqrt(a / 2))
    powers = [xp.ones_like(eta)]
    for _ in range(1, 25):
        powers.append(eta * powers[-1])
    total, afac = xp.zeros_like(a), xp.ones_like(a)
    old = xp.full(a.shape, xp.inf)
    active = xp.ones(a.shape, dtype=bool)
    for row in IGAMMA_ASYMPTOTIC:
        if not active.any():
            break
        ck = xp.full(a.shape, row[0])
        summing = active.copy()
        for d, power in zip(row[1:], powers[1:]):
            term = d * power
            ck = xp.where(summing, ck + term, ck)
            summing &= ~(xp.abs(term) < _MACHEP * xp.abs(ck))
        term = ck * afac
        growing = xp.abs(term) > old
        active &= ~growing
        total = xp.where(active, total + term, total)
        active &= ~(xp.abs(term) < _MACHEP * xp.abs(total))
        old = xp.where(active, xp.abs(term), old)
        afac = afac / a
    return res + sign * xp.exp(-0.5 * a * eta * eta) * total / xp.sqrt(2 * _PI_FLOAT32 * a)


def _near(a: Any, x: Any) -> Any:
    """Where the asymptotic expansion is used: ``a`` large and ``x`` within a few ``sqrt(a)``."""
    ratio = xp.abs(x - a) / a
    return ((a > 20) & (a < 200) & (ratio < 0.3)) | ((a > 200) & (ratio < 4.5 / xp.sqrt(a)))


def _igamma(a: Any, x: Any, lower: bool) -> Any:
    """``P(a, x)`` (``lower``) or ``Q(a, x)`` of float64 arrays of one shape."""
    a, x = xp.broadcast_arrays(xp.asarray(a, dtype=float64), xp.asarray(x, dtype=float64))
    out = xp.full(a.shape, xp.nan)
    nan = (x < 0) | (a < 0) | xp.isnan(a) | xp.isnan(x) | ((a == 0) & ~(x > 0)) | (xp.isinf(a) & xp.isinf(x))
    boundary = {  # P's values; Q's are 1 - these
        1.0: ~nan & (((a == 0) & (x > 0)) | (xp.isinf(x) & ~xp.isinf(a))),
        0.0: ~nan & (((x == 0) & (a > 0)) | (xp.isinf(a) & ~xp.isinf(x))),
    }
    for value, where in boundary.items():
        out[where] = value if lower else 1.0 - value
    todo = ~nan & ~boundary[1.0] & ~boundary[0.0]
    with xp.errstate(all="ignore"):
        near = todo & _near(a, x)
        out[near] = _asymptotic(a[near], x[near], lower)
        todo &= ~near
        if lower:  # 1 - Q where x > max(1, a), else P's series
            upper = todo & (x > 1) & (x > a)
            out[upper] = 1.0 - _q_without_asymptotic(a[upper], x[upper])
            todo &= ~upper
            out[todo] = _p_series(a[todo], x[todo])
        else:
            out[todo] = _q_without_asymptotic(a[todo], x[todo])
    return out


def _q_without_asymptotic(a: Any, x: Any) -> Any:
    """``calc_igammac`` past its boundary values and asymptotic regime."""
    out = xp.empty_like(a)
    fraction = (x > 1.1) & (x >= a)
    lower = ((x > 1.1) & (x < a)) | ((x <= 0.5) & (-0.4 / xp.log(x) < a)) | ((x > 0.5) & (x <= 1.1) & (x * 1.1 < a))
    series = ~fraction & ~lower
    out[fraction] = _q_fraction(a[fraction], x[fraction])
    out[lower] = 1.0 - _p_series(a[lower], x[lower])
    out[series] = _q_series(a[series], x[series])
    return out


class _IncompleteGamma(Function):
    """``P(a, x)`` or ``Q(a, x)``; the gradient w.r.t. ``x`` only (PyTorch has none for ``a``)."""

    lower = True
    name = "igamma"
    saves_inputs = (0, 1)

    def forward(self, a, x):
        self.a, self.x = a, x = _floating(a, x, f"{self.name}()")
        return _igamma(a, x, self.lower).astype(a.dtype, copy=False)

    def backward(self, grad):
        if self.parents[0] is not None:
            raise NotImplementedError(f"the derivative for '{self.name}: input' is not implemented (as in "
                                      f"PyTorch): {self.name} is differentiable in its second argument only; "
                                      f"pass the first one detached (a.detach())")
        a, x = self.a.astype(float64), self.x.astype(float64)
        with xp.errstate(all="ignore"):
            slope = xp.exp((a - 1) * xp.log(x) - x - _lgamma(a)).astype(self.x.dtype, copy=False)
        return None, grad * (slope if self.lower else -slope)


class _Igamma(_IncompleteGamma):
    """``gammainc``'s Function: ``P(a, x)``."""


class _Igammac(_IncompleteGamma):
    """``gammaincc``'s Function: ``Q(a, x) = 1 - P(a, x)``."""

    lower = False
    name = "igammac"


def gammainc(input: Any, other: Any) -> Tensor:
    """The regularized lower incomplete gamma function ``P(a, x) = 1 / Gamma(a) integral_0^x
    t^(a-1) e^-t dt``, with ``a = input`` and ``x = other``; ``torch.igamma``.

    Defined for ``a, x >= 0`` (nan below), with ``P(0, x) = 1`` for ``x > 0`` and ``P(a, 0) = 0``.

    Args:
        input (Tensor): ``a``, floating.
        other (Tensor): ``x``, floating; broadcast with ``input``.

    Backward: ``dP/dx = x^(a-1) e^-x / Gamma(a)``; PyTorch has no derivative w.r.t. ``a``, so a
    backward that needs it raises ``NotImplementedError``.

    Shape: the broadcast shape of the inputs.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.gammainc(rb.tensor([1.0, 2.0]), rb.tensor([1.0, 1.0]))
        tensor([0.6321, 0.2642])
    """
    return _Igamma.apply(input, other)


def gammaincc(input: Any, other: Any) -> Tensor:
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``, computed without
    that subtraction where ``Q`` is small; ``torch.igammac``.  As ``gammainc`` otherwise:
    ``dQ/dx = -x^(a-1) e^-x / Gamma(a)``, no derivative w.r.t. ``a``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.gammaincc(rb.tensor([1.0, 2.0]), rb.tensor([1.0, 1.0]))
        tensor([0.3679, 0.7358])
    """
    return _Igammac.apply(input, other)


#: ``torch.igamma``/``torch.igammac``: the same functions as ``special.gammainc``/``gammaincc``
igamma, igammac = gammainc, gammaincc


def igamma_(self: Tensor, other: Any) -> Tensor:
    """``Tensor.igamma_(other)``: ``igamma(self, other)`` written into ``self``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt._igamma import igamma_
        >>> a = rb.tensor([1.0, 2.0])
        >>> igamma_(a, rb.tensor([1.0, 1.0]))
        tensor([0.6321, 0.2642])
    """
    return inplace(self, igamma, other)


def igammac_(self: Tensor, other: Any) -> Tensor:
    """``Tensor.igammac_(other)``: ``igammac(self, other)`` written into ``self``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt._igamma import igammac_
        >>> a = rb.tensor([1.0, 2.0])
        >>> igammac_(a, rb.tensor([1.0, 1.0]))
        tensor([0.3679, 0.7358])
    """
    return inplace(self, igammac, other)
