"""The Airy function ``Ai(x)`` on float64 arrays, PyTorch's ``airy_ai_forward`` (Cephes' airy.c):
the Maclaurin series on (-2.09, 2.09), rational asymptotic forms beyond.

Example:
    >>> import numpy as np
    >>> from rosenblatt._airy import _airy_ai
    >>> _airy_ai(np.array([0.0, 1.0]))
    array([0.35502805, 0.13529242])
"""
from __future__ import annotations

import math
from typing import Any

from ._backend import xp

_AN = (3.46538101525629032477e-01, 1.20075952739645805542e+01, 7.62796053615234516538e+01,
       1.68089224934630576269e+02, 1.59756391350164413639e+02, 7.05360906840444183113e+01,
       1.40264691163389668864e+01, 9.99999999999999995305e-01)
_AD = (5.67594532638770212846e-01, 1.47562562584847203173e+01, 8.45138970141474626562e+01,
       1.77318088145400459522e+02, 1.64234692871529701831e+02, 7.14778400825575695274e+01,
       1.40959135607834029598e+01, 1.00000000000000000470e+00)
_AFN = (-1.31696323418331795333e-01, -6.26456544431912369773e-01, -6.93158036036933542233e-01,
        -2.79779981545119124951e-01, -4.91900132609500318020e-02, -4.06265923594885404393e-03,
        -1.59276496239262096340e-04, -2.77649108155232920844e-06, -1.67787698489114633780e-08)
_AFD = (1.33560420706553243746e+01, 3.26825032795224613948e+01, 2.67367040941499554804e+01,
        9.18707402907259625840e+00, 1.47529146771666414581e+00, 1.15687173795188044134e-01,
        4.40291641615211203805e-03, 7.54720348287414296618e-05, 4.51850092970580378464e-07)
_AGN = (1.97339932091685679179e-02, 3.91103029615688277255e-01, 1.06579897599595591108e+00,
        9.39169229816650230044e-01, 3.51465656105547619242e-01, 6.33888919628925490927e-02,
        5.85804113048388458567e-03, 2.82851600836737019778e-04, 6.98793669997260967291e-06,
        8.11789239554389293311e-08, 3.41551784765923618484e-10)
_AGD = (9.30892908077441974853e+00, 1.98352928718312140417e+01, 1.55646628932864612953e+01,
        5.47686069422975497931e+00, 9.54293611618961883998e-01, 8.64580826352392193095e-02,
        4.12656523824222607191e-03, 1.01259085116509135510e-04, 1.17166733214413521882e-06,
        4.91834570062930015649e-09)
_INV_SQRT_PI = 5.64189583547756286948e-01
_C1, _C2 = 0.355028053887817239260, 0.258819403792806798405  # Ai(0), -Ai'(0)
_EPS = 2.220446049250313e-16


def _poly(coeffs: tuple, z: Any) -> Any:
    out = xp.zeros_like(z)
    for c in coeffs:
        out = out * z + c
    return out


def _series(x: Any) -> Any:
    """``c1 f(x) - c2 g(x)``, ``f`` and ``g`` the two Maclaurin series of ``y'' = x y``, summed
    until a term of ``f`` is below eps relative, element by element."""
    f, g, k = xp.ones_like(x), x.copy(), xp.ones_like(x)
    m, n, t, z = xp.ones_like(x), x.copy(), xp.ones_like(x), x * x * x
    active = t > _EPS
    while active.any():
        m = xp.where(active, m * z, m)
        k = xp.where(active, k + 1.0, k)
        m = xp.where(active, m / k, m)
        n = xp.where(active, n * z, n)
        k = xp.where(active, k + 1.0, k)
        n = xp.where(active, n / k, n)
        m = xp.where(active, m / k, m)
        f = xp.where(active, f + m, f)
        k = xp.where(active, k + 1.0, k)
        n = xp.where(active, n / k, n)
        g = xp.where(active, g + n, g)
        t = xp.where(active, xp.abs(m / f), t)
        active &= t > _EPS
    return _C1 * f - _C2 * g


def _airy_ai(x: Any) -> Any:
    """``Ai(x)`` of a float64 array: nan at +-inf, 0 above 103.892."""
    out = xp.full(x.shape, xp.nan)
    with xp.errstate(all="ignore"):
        negative = x < -2.09
        a = x[negative]
        zeta = -2.0 * a * xp.sqrt(-a) / 3.0
        z = 1.0 / zeta
        zz = z * z
        t = zeta + 0.25 * math.pi
        out[negative] = _INV_SQRT_PI / xp.sqrt(xp.sqrt(-a)) * (
            xp.sin(t) * (1.0 + zz * _poly(_AFN, zz) / _poly(_AFD, zz)) - xp.cos(t) * (z * _poly(_AGN, zz) / _poly(_AGD, zz)))
        positive = (x >= 2.09) & (x <= 103.892)
        a = x[positive]
        zeta = 2.0 * a * xp.sqrt(a) / 3.0
        ratio = _poly(_AN, 1.0 / zeta) / _poly(_AD, 1.0 / zeta)
        out[positive] = _INV_SQRT_PI * ratio / (2.0 * xp.sqrt(xp.sqrt(a)) * xp.exp(zeta))
        middle = ~negative & (x < 2.09) | xp.isnan(x)
        out[middle] = _series(x[middle])
        out[x > 103.892] = 0.0
        out[xp.isinf(x)] = xp.nan
    return out
