"""The error function on arrays (NumPy has none): ``erf``, ``erfc``, and the float32 form
``tanh(x q(x^2))`` of ``erf(x / sqrt 2)`` that GELU finishes slice by slice.

``erf(x) = 2 / sqrt(pi) * integral_0^x exp(-t^2) dt``, ``erfc(x) = 1 - erf(x)``.

float32 and smaller: ``erf`` is ``tanh(z q(z^2))``, ``z = x sqrt 2`` (absolute error < 2e-7,
in cache-sized slices: GELU is a hot op).  float64, and ``erfc`` in every dtype (where
``1 - erf`` would lose all its digits for large x): exact to a few ulp, by the all-positive
series ``erf(x) = 2/sqrt(pi) e^{-x^2} sum (2x^2)^n x / (2n+1)!!`` for |x| < 2 (1.7 for
``erfc``; no cancellation) and Laplace's continued fraction of ``erfc`` beyond.
"""
from __future__ import annotations

import math
from typing import Any

from .._backend import xp

_SQRT_2 = math.sqrt(2.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


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
CHUNK = 1 << 16


def _horner(coeffs: tuple, x2: Any, out: Any) -> Any:
    """``out = coeffs[0] x2^n + ... + coeffs[n]`` in place."""
    xp.multiply(x2, coeffs[0], out=out)
    for c in coeffs[1:-1]:
        out += c
        out *= x2
    out += coeffs[-1]
    return out


def erf_of_scaled(x: Any, finish: Any = None) -> Any:
    """``erf(x / sqrt 2) = tanh(x q(x^2))`` in float32, in cache-sized slices.

    ``finish(out_slice, x_slice, scratch)``, if given, then works on each slice in place
    while it is still in cache (``scratch``: a free array of the slice's length).  Returns
    an array of ``x``'s shape.
    """
    flat = x.astype(xp.float32, copy=False).reshape(-1)
    out = xp.empty_like(flat)
    scratch = xp.empty(min(CHUNK, flat.size), dtype=xp.float32)
    with xp.errstate(over="ignore", invalid="ignore"):  # |x| > 1e19: x^2 is inf, tanh +-1 still
        for start in range(0, flat.size, CHUNK):
            xs, o = flat[start:start + CHUNK], out[start:start + CHUNK]
            x2 = xp.multiply(xs, xs, out=scratch[:xs.size])
            _horner(_ERF_Q, x2, o)
            o *= xs
            xp.tanh(o, out=o)
            if finish is not None:
                finish(o, xs, x2)
    return out.reshape(x.shape)


def laplace_fraction(t: Any) -> Any:
    """``F(t)`` with ``erfc(t) = exp(-t^2) / (sqrt(pi) F(t))``, to a few ulp for ``t >= 2`` (60
    terms of Laplace's continued fraction ``t + (1/2) / (t + 1 / (t + (3/2) / (t + ...)))``)."""
    fraction = t.copy()
    for k in range(60, 0, -1):
        fraction = t + (0.5 * k) / fraction
    return fraction


def _erf_series(x: Any) -> Any:
    """float64 ``erf(x)`` for ``|x| < 2``: the all-positive series, no cancellation."""
    x2 = x * x
    term = x.copy()
    total = x.copy()
    for n in range(1, 36):
        term = term * (2.0 * x2) / (2 * n + 1)
        total += term
    return _TWO_OVER_SQRT_PI * xp.exp(-x2) * total


def _erfc_tail(t: Any) -> Any:
    """float64 ``erfc(t)`` for ``t >= 1.7`` (a few ulp from 2 on; 5e-15 relative at 1.7)."""
    return xp.exp(-t * t) / (math.sqrt(math.pi) * laplace_fraction(t))


def erf(x: Any) -> Any:
    """``erf`` of a floating array, in its dtype (float32 and smaller: the tanh form).

    Example:
        >>> import numpy as np
        >>> from rosenblatt.ops._erf import erf
        >>> erf(np.array([0.0, 0.5, -3.0]))
        array([ 0.        ,  0.52049988, -0.99997791])
    """
    if x.dtype.itemsize < 8:
        with xp.errstate(over="ignore"):  # |x| > 2.4e38: z is +-inf, and erf +-1 all the same
            z = xp.multiply(x, _SQRT_2, dtype=xp.float32)
        return erf_of_scaled(z).astype(x.dtype, copy=False)
    out = xp.empty_like(x)
    small = xp.abs(x) < 2.0
    out[small] = _erf_series(x[small])
    large = ~small
    out[large] = xp.copysign(1.0 - _erfc_tail(xp.abs(x[large])), x[large])
    return out


def erfc(x: Any) -> Any:
    """``erfc = 1 - erf`` of a floating array, computed in float64 to a few ulp and returned in
    ``x``'s dtype: the tail ``x >= 1.7`` directly (``1 - erf`` rounds it to 0 in float32 from
    x = 3.9), ``2 - erfc(-x)`` for ``x <= -1.7``.

    Example:
        >>> import numpy as np
        >>> from rosenblatt.ops._erf import erfc
        >>> erfc(np.array([0.0, 5.0]))
        array([1.00000000e+00, 1.53745979e-12])
    """
    t = x.astype(xp.float64)
    out = xp.empty_like(t)
    small = xp.abs(t) < 1.7  # where 1 - series and the fraction are equally good (~1e-14)
    out[small] = 1.0 - _erf_series(t[small])
    large = ~small
    tail = _erfc_tail(xp.abs(t[large]))
    out[large] = xp.where(t[large] > 0, tail, 2.0 - tail)
    return out.astype(x.dtype, copy=False)
