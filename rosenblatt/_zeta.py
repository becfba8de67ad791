"""The Hurwitz zeta function ``zeta(x, q) = sum_{k >= 0} (q + k)^-x`` of ``torch.special.zeta``.

PyTorch's method (Cephes' zeta.c), in float64 on arrays: the terms up to ``q + 9`` (at least
nine of them) are summed directly, then Euler-Maclaurin summation with 12 Bernoulli terms
closes the tail.  Values as there: inf at ``x = 1``, nan for ``x < 1``; for ``q <= 0``, inf at
the integers and nan unless ``x`` is an integer.

Differentiable in ``q`` only, as PyTorch: ``d/dq zeta(x, q) = -x zeta(x + 1, q)``; a backward
that needs ``d/dx`` raises ``NotImplementedError``, as there.
"""
from __future__ import annotations

from typing import Any

from ._backend import float64, xp
from .autograd.function import Function
from .ops.trigonometric import _floating
from .tensor import Tensor

_MACHEP = 1.11022302462515654042e-16
#: (2k)! / B_2k, k = 1..12: Euler-Maclaurin's coefficients, as Cephes writes them
_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
      -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
      1.8152105401943546773e17, -7.1661652561756670113e18)


def hurwitz_zeta(x: Any, q: Any) -> Any:
    """``zeta(x, q)`` of float64 arrays, broadcast together (PyTorch's ``zeta``)."""
    x, q = xp.broadcast_arrays(xp.asarray(x, dtype=float64), xp.asarray(q, dtype=float64))
    out = xp.full(x.shape, xp.nan)
    pole = (x == 1) | ((x > 1) & (q <= 0) & (q == xp.floor(q)))
    out[pole] = xp.inf
    todo = (x > 1) & ~pole & ~((q <= 0) & (x != xp.floor(x)))
    with xp.errstate(all="ignore"):
        out[todo] = _summed(x[todo], q[todo])
    return xp.where(xp.isnan(x) | xp.isnan(q), xp.nan, out)


def _summed(x: Any, q: Any) -> Any:
    """Cephes' loop, element by element: direct terms, then the Euler-Maclaurin tail."""
    s = q ** -x
    a = q.copy()
    b = xp.zeros_like(q)
    count = 0
    direct = xp.ones(q.shape, dtype=bool)  # still summing terms one by one
    done = xp.zeros(q.shape, dtype=bool)   # converged there already
    while True:
        direct &= (count < 9) | (a <= 9.0)
        if not direct.any():
            break
        count += 1
        a = xp.where(direct, a + 1.0, a)
        b = xp.where(direct, a ** -x, b)
        s = xp.where(direct, s + b, s)
        small = direct & (-_MACHEP * s < b) & (b < _MACHEP * s)
        done |= small
        direct &= ~small
    w = a
    s = xp.where(done, s, s + b * w / (x - 1.0) - 0.5 * b)
    factor, k = xp.ones_like(q), 0.0
    active = ~done
    for coefficient in _A:
        if not active.any():
            break
        factor = factor * (x + k)
        b = b / w
        t = factor * b / coefficient
        s = xp.where(active, s + t, s)
        active &= ~(xp.abs(t / s) < _MACHEP)
        k += 1.0
        factor = factor * (x + k)
        b = b / w
        k += 1.0
    return s


class Zeta(Function):
    """``zeta(x, q)``; the gradient w.r.t. ``q`` only, as PyTorch."""

    saves_inputs = (0, 1)

    def forward(self, x, q):
        self.x, self.q = x, q = _floating(x, q)
        return hurwitz_zeta(x, q).astype(x.dtype, copy=False)

    def backward(self, grad):
        if self.parents[0] is not None:
            raise NotImplementedError("the derivative for 'zeta' w.r.t. x is not implemented (as in PyTorch): "
                                      "zeta is differentiable in q only; pass x detached (x.detach())")
        slope = -self.x * hurwitz_zeta(self.x + 1.0, self.q).astype(self.x.dtype, copy=False)
        return None, grad * slope


def zeta(input: Any, other: Any) -> Tensor:
    """The Hurwitz zeta function ``zeta(x, q) = sum_{k >= 0} (q + k)^-x``, ``x = input``,
    ``q = other`` (``q = 1``: Riemann's zeta).

    Defined for ``x > 1``; inf at ``x = 1``, nan below; for ``q <= 0``: inf at the integers, nan
    unless ``x`` is an integer (PyTorch's values).

    Args:
        input (Tensor or number): ``x``.
        other (Tensor or number): ``q``; broadcast with ``input``.  Integer inputs give float32.

    Backward: ``d/dq = -x zeta(x + 1, q)``; PyTorch has no derivative w.r.t. ``x``, so a backward
    that needs it raises ``NotImplementedError``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.zeta(rb.tensor([2.0, 4.0]), 1.0)
        tensor([1.6449, 1.0823])
    """
    return Zeta.apply(input, other)
