"""The orthogonal polynomials of ``torch.special``, ``p(x, n)`` of degree ``n``: Chebyshev
``T``, ``U``, ``V``, ``W`` and their shifted forms on [0, 1], physicists' and probabilists'
Hermite ``H`` and ``He``, Laguerre ``L`` and Legendre ``P``.

Each is PyTorch's kernel (``Math.h``) on arrays: the three-term recurrence, stopped where a
value turns nan (so a recurrence that overflows ends in nan, as there), and for the Chebyshev
kinds on (-1, 1) and degree above 6 (8) the closed trigonometric form (``T_n(cos t) =
cos(n t)``).  ``n`` is truncated to an integer (nan and +-inf count as negative); a negative
degree gives 0.  Hermite degrees above 512 (128 for float32 inputs) give nan, as there.

The result's dtype is ``x``'s and ``n``'s promoted floating dtype (integers: float32), and it is
computed in that dtype, as PyTorch does.  None has a gradient in PyTorch, so the result never
requires grad.
"""
from __future__ import annotations

from typing import Any, Callable

from ._backend import float64, xp
from .autograd.function import as_array
from .ops.trigonometric import _floating
from .tensor import Tensor


def _degrees(n: Any) -> Any:
    """``static_cast<int64_t>(n)`` as PyTorch's x86 build does: truncation, nan, +-inf and values
    out of range giving INT64_MIN (negative: the polynomial is 0)."""
    n = xp.asarray(n, dtype=float64)
    valid = xp.isfinite(n) & (xp.abs(n) < 2.0 ** 63)
    return xp.where(valid, xp.trunc(xp.where(valid, n, 0.0)), -(2.0 ** 63)).astype(xp.int64)


def _recurrence(x: Any, n: Any, first: Any, step: Callable[[Any, Any, Any, Any], Any], start: int,
                stop_at_nan: bool = True) -> Any:
    """The value at degree ``n`` of ``p_1 = first``, ``p_{k} = step(k, x, p_{k-2}, p_{k-1})`` for
    ``k = start, ..., n`` (``p_0 = 1``), element by element; an element's recurrence stops where
    its value turns nan (``stop_at_nan``), as PyTorch's loop does."""
    p, q = xp.ones_like(x), first.copy()
    r = xp.full_like(x, xp.nan)  # PyTorch's r is uninitialized where the loop never runs (nan x)
    active = n >= start
    k = start
    while active.any():
        if stop_at_nan:
            active &= ~xp.isnan(q)
        new = step(k, x, p, q)
        r = xp.where(active, new, r)
        p, q = xp.where(active, q, p), xp.where(active, new, q)
        k += 1
        active &= n >= k
    return r


def _assemble(x: Any, n: Any, cases: list, closed: tuple | None, first: Any, step: Any, start: int = 2,
              stop_at_nan: bool = True) -> Any:
    """PyTorch's kernel structure: ``n < 0`` gives 0, then ``cases`` (condition, value) in order,
    then the ``closed`` form (condition, value) if any, then ``n == 0`` gives 1, ``n == 1`` gives
    ``first``, and the recurrence for the rest."""
    out = xp.full(x.shape, xp.nan)
    todo = xp.ones(x.shape, dtype=bool)
    for where, value in [(n < 0, 0.0)] + cases + ([closed] if closed else []) + [(n == 0, 1.0), (n == 1, first)]:
        hit = todo & where
        out = xp.where(hit, value, out)
        todo &= ~hit
    if todo.any():
        out = xp.where(todo, _recurrence(x, xp.where(todo, n, -1), first, step, start, stop_at_nan), out)
    return out


def _parity(n: Any, even: Any, odd: Any) -> Any:
    return xp.where(n % 2 == 0, even, odd)


def _chebyshev(x: Any, n: Any, kind: str, shifted: bool) -> Any:
    """Chebyshev ``T``, ``U``, ``V`` or ``W`` at ``x`` (at ``2x - 1`` if ``shifted``)."""
    nf = n.astype(x.dtype)
    y = x + x - 1.0 if shifted else x
    if shifted:  # the endpoints are tested on x itself: x == 1 and x == 0
        at_one, at_minus_one = x == 1.0, x == 0.0
    else:
        at_one, at_minus_one = x == 1.0, x == -1.0
    theta = xp.arccos(xp.where(xp.abs(y) < 1, y, 0.0))
    sign_even = _parity(n, 1.0, -1.0)
    if kind == "t":
        ends = [(at_one, 1.0), (at_minus_one, sign_even)]
        closed = xp.cos(nf * theta)
        first = y
    elif kind == "u":
        ends = [(at_one, nf + 1), (at_minus_one, sign_even * (nf + 1))]
        closed = xp.where(xp.sin(theta) != 0, xp.sin((nf + 1) * theta) / xp.sin(theta),
                          (nf + 1) * xp.cos((nf + 1) * theta) / y)
        first = y + y
    elif kind == "v":
        ends = [(at_one, 1.0), (at_minus_one, sign_even * (nf + nf + 1))]
        closed = xp.where(xp.sin(theta / 2.0) != 1, xp.cos((nf + 0.5) * theta) / xp.cos(theta / 2.0),
                          sign_even * (nf + nf + 1))
        first = y + y - 1.0
    else:
        ends = [(at_one, nf + nf + 1), (at_minus_one, sign_even)]
        # PyTorch's unshifted W falls back to 2n + 1 for x > 0, its shifted W to the parity alone
        edge = sign_even if shifted else xp.where(x > 0, nf + nf + 1, sign_even)
        closed = xp.where(xp.cos(theta / 2.0) != 1, xp.sin((nf + 0.5) * theta) / xp.sin(theta / 2.0), edge)
        first = y + y + 1.0
    # degrees from which the closed form is used (PyTorch's thresholds)
    above = {("t", False): 6, ("u", False): 8, ("v", False): 8, ("w", False): 8,
             ("t", True): 6, ("u", True): 6, ("v", True): 6, ("w", True): 4}[kind, shifted]
    two_y = y + y
    return _assemble(x, n, ends, ((n > above) & (xp.abs(y) < 1), closed), first,
                     lambda k, x, p, q: two_y * q - p)


def _hermite_h(x: Any, n: Any, limit: int) -> Any:
    return _assemble(x, n, [(n == 0, 1.0), (n == 1, x + x), (n > limit, xp.nan)], None, x + x,
                     lambda k, x, p, q: (x + x) * q - (2.0 * (k - 1)) * p, stop_at_nan=False)


def _hermite_he(x: Any, n: Any, limit: int) -> Any:
    return _assemble(x, n, [(n == 0, 1.0), (n == 1, x), (n > limit, xp.nan)], None, x,
                     lambda k, x, p, q: x * q - (k - 1.0) * p, stop_at_nan=False)


def _laguerre(x: Any, n: Any) -> Any:
    # PyTorch's k runs from 1: the value of degree k + 1 = ((2k + 1 - x) q - k p) / (k + 1)
    return _assemble(x, n, [(xp.abs(x) == 0, 1.0)], None, 1.0 - x,
                     lambda k, x, p, q: (((2.0 * (k - 1)) + (1.0 - x)) * q - (k - 1.0) * p) / k)


def _legendre(x: Any, n: Any) -> Any:
    ends = [(xp.abs(x) == 1.0, xp.where((x > 0) | (n % 2 == 0), 1.0, -1.0))]
    return _assemble(x, n, ends, None, x, lambda k, x, p, q: ((2.0 * (k - 1) + 1) * x * q - (k - 1.0) * p) / k)


def _array(value: Any, op: str) -> Any:
    if isinstance(value, Tensor):
        return value.data
    return as_array(value, op) if isinstance(value, (list, tuple)) else value


def polynomial(fn: Callable[..., Any], input: Any, n: Any, op: str) -> Tensor:
    """``fn(x, degrees, dtype)`` on the broadcast inputs in their promoted floating dtype (float32
    arithmetic for float32, as PyTorch's kernel: its overflows, to inf and nan, are the same),
    outside any graph (PyTorch defines no derivative)."""
    x, degrees = _floating(_array(input, op), _array(n, op))
    x, degrees = xp.broadcast_arrays(x, _degrees(degrees))
    with xp.errstate(all="ignore"):
        return Tensor._wrap(xp.asarray(fn(x.copy(), degrees, x.dtype)).astype(x.dtype, copy=False))


def hermite_limit(dtype: Any) -> int:
    """PyTorch's largest Hermite degree for ``dtype`` (``getHermitianLimit``): nan above it."""
    return 128 if dtype == xp.float32 else 512


def chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:
    """The Chebyshev polynomial of the first kind ``T_n(x)``: ``T_0 = 1``, ``T_1 = x``,
    ``T_{k+1} = 2x T_k - T_{k-1}``; ``cos(n arccos x)`` on (-1, 1) for ``n > 6``.

    Args:
        input (Tensor): ``x``.
        n (Tensor or number): the degree, truncated to an integer; broadcast with ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.chebyshev_polynomial_t(rb.tensor([0.5, 2.0]), 3)
        tensor([-1., 26.])
    """
    return polynomial(lambda x, n, dtype: _chebyshev(x, n, "t", False), input, n, "chebyshev_polynomial_t")


def chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:
    """The Chebyshev polynomial of the second kind ``U_n(x)``: ``U_0 = 1``, ``U_1 = 2x``, the
    recurrence of ``T``; ``sin((n + 1) t) / sin(t)``, ``x = cos t``, on (-1, 1) for ``n > 8``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.chebyshev_polynomial_u(rb.tensor([0.5, 2.0]), 3)
        tensor([-1., 56.])
    """
    return polynomial(lambda x, n, dtype: _chebyshev(x, n, "u", False), input, n, "chebyshev_polynomial_u")


def chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:
    """The Chebyshev polynomial of the third kind ``V_n(x)``: ``V_0 = 1``, ``V_1 = 2x - 1``, the
    recurrence of ``T``; ``cos((n + 1/2) t) / cos(t / 2)`` on (-1, 1) for ``n > 8``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.chebyshev_polynomial_v(rb.tensor([0.5, 2.0]), 3)
        tensor([-1., 41.])
    """
    return polynomial(lambda x, n, dtype: _chebyshev(x, n, "v", False), input, n, "chebyshev_polynomial_v")


def chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:
    """The Chebyshev polynomial of the fourth kind ``W_n(x)``: ``W_0 = 1``, ``W_1 = 2x + 1``, the
    recurrence of ``T``; ``sin((n + 1/2) t) / sin(t / 2)`` on (-1, 1) for ``n > 8``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.chebyshev_polynomial_w(rb.tensor([0.5, 2.0]), 3)
        tensor([-1., 71.])
    """
    return polynomial(lambda x, n, dtype: _chebyshev(x, n, "w", False), input, n, "chebyshev_polynomial_w")


def shifted_chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:
    """``T_n(2x - 1)``, the Chebyshev polynomial of the first kind moved to [0, 1].

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.shifted_chebyshev_polynomial_t(rb.tensor([0.25, 1.5]), 3)
        tensor([ 1., 26.])
    """
    return polynomial(lambda x, n, dtype: _chebyshev(x, n, "t", True), input, n, "shifted_chebyshev_polynomial_t")


def shifted_chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:
    """``U_n(2x - 1)``, the Chebyshev polynomial of the second kind moved to [0, 1].

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.shifted_chebyshev_polynomial_u(rb.tensor([0.25, 1.5]), 3)
        tensor([ 1., 56.])
    """
    return polynomial(lambda x, n, dtype: _chebyshev(x, n, "u", True), input, n, "shifted_chebyshev_polynomial_u")


def shifted_chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:
    """``V_n(2x - 1)``, the Chebyshev polynomial of the third kind moved to [0, 1].

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.shifted_chebyshev_polynomial_v(rb.tensor([0.25, 1.5]), 3)
        tensor([ 1., 41.])
    """
    return polynomial(lambda x, n, dtype: _chebyshev(x, n, "v", True), input, n, "shifted_chebyshev_polynomial_v")


def shifted_chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:
    """``W_n(2x - 1)``, the Chebyshev polynomial of the fourth kind moved to [0, 1].

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.shifted_chebyshev_polynomial_w(rb.tensor([0.25, 1.5]), 3)
        tensor([ 1., 71.])
    """
    return polynomial(lambda x, n, dtype: _chebyshev(x, n, "w", True), input, n, "shifted_chebyshev_polynomial_w")


def hermite_polynomial_h(input: Any, n: Any) -> Tensor:
    """The physicists' Hermite polynomial ``H_n(x)``: ``H_0 = 1``, ``H_1 = 2x``, ``H_{k+1} =
    2x H_k - 2k H_{k-1}``; nan for ``n`` above 512 (128 in float32), as PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.hermite_polynomial_h(rb.tensor([0.5, 2.0]), 3)
        tensor([-5., 40.])
    """
    return polynomial(lambda x, n, dtype: _hermite_h(x, n, hermite_limit(dtype)), input, n, "hermite_polynomial_h")


def hermite_polynomial_he(input: Any, n: Any) -> Tensor:
    """The probabilists' Hermite polynomial ``He_n(x)``: ``He_0 = 1``, ``He_1 = x``, ``He_{k+1} =
    x He_k - k He_{k-1}``; nan for ``n`` above 512 (128 in float32), as PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.hermite_polynomial_he(rb.tensor([0.5, 2.0]), 3)
        tensor([-1.375,  2.   ])
    """
    return polynomial(lambda x, n, dtype: _hermite_he(x, n, hermite_limit(dtype)), input, n, "hermite_polynomial_he")


def laguerre_polynomial_l(input: Any, n: Any) -> Tensor:
    """The Laguerre polynomial ``L_n(x)``: ``L_0 = 1``, ``L_1 = 1 - x``, ``(k + 1) L_{k+1} =
    (2k + 1 - x) L_k - k L_{k-1}``; 1 at ``x = 0``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.laguerre_polynomial_l(rb.tensor([0.5, 2.0]), 3)
        tensor([-0.1458, -0.3333])
    """
    return polynomial(lambda x, n, dtype: _laguerre(x, n), input, n, "laguerre_polynomial_l")


def legendre_polynomial_p(input: Any, n: Any) -> Tensor:
    """The Legendre polynomial ``P_n(x)``: ``P_0 = 1``, ``P_1 = x``, ``(k + 1) P_{k+1} =
    (2k + 1) x P_k - k P_{k-1}``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.special.legendre_polynomial_p(rb.tensor([0.5, 2.0]), 3)
        tensor([-0.4375, 17.    ])
    """
    return polynomial(lambda x, n, dtype: _legendre(x, n), input, n, "legendre_polynomial_p")
