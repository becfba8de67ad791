"""Special functions and floating-point utilities: erf, erfc, erfinv, logit, xlogy, logaddexp, exp2,
float_power, copysign, signbit, frac, heaviside, fmax, fmin, nan_to_num, sgn, positive.

Each op's gradient is PyTorch's formula, including its choices where the function is not
differentiable: ``xlogy`` at ``input = 0``, ``logit`` outside ``[0, 1]``, ``copysign`` at 0,
``fmax`` on ties.  ``signbit`` and ``heaviside`` are not differentiable: their results are
constants.
"""
from __future__ import annotations

import math
from typing import Any

from .._backend import float64, xp
from ..autograd.function import POINTWISE_SLOTS, Function, as_array, tensor_of
from ..tensor import Tensor
from ._erf import erf as _erf, erfc as _erfc, laplace_fraction
from .arithmetic import Pow, Sign, _torch_operands
from .inplace import inplace
from .pointwise import _float, check_floating, to_dtype
from .trigonometric import _floating

_SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_LN2 = math.log(2.0)


# ------------------------------------------------------------------ erfinv
#: Giles' single-precision erfinv ("Approximating the erfinv function", GPU Computing Gems,
#: 2011): ``erfinv(a) = a p(w)``, ``w = -log(1 - a^2)``, ``p`` a polynomial in ``w - 2.5``
#: below ``w = 5`` and in ``sqrt(w) - 3`` above, highest power first.  Relative error < 4e-7
#: over float32's range (``w < 16.6``): the start that two Newton steps take to float64's
#: precision.  Beyond it (float64 only) it is off by up to 12%: ``_erfinv_start`` starts there
#: from erfc's asymptotic series instead.
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
               -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)
_SQRT_PI = math.sqrt(math.pi)


def _polynomial(coeffs: tuple, x: Any) -> Any:
    out = xp.full_like(x, coeffs[0])
    for c in coeffs[1:]:
        out = out * x + c
    return out


def _erfinv_start(a: Any) -> Any:
    """``erfinv(a)`` for ``0 <= a < 1`` to ~1e-7 relative (1e-4 beyond float32's range): Giles'
    polynomials, and where ``w > 16`` (``1 - a < 1e-7``) the asymptotic inversion of ``erfc(t)
    ~ exp(-t^2) / (t sqrt(pi)) (1 - 1 / (2 t^2))``, ``t^2 = L - log(sqrt(pi) t) + log(1 - 1 /
    (2 t^2))`` with ``L = -log(1 - a)``, by three fixed-point steps from ``sqrt(L)``."""
    w = -xp.log((1 - a) * (1 + a))
    t = a * xp.where(w < 5, _polynomial(_GILES_CENTRAL, w - 2.5),
                     _polynomial(_GILES_TAIL, xp.sqrt(w) - 3))
    far = w > 16
    if far.any():
        big = -xp.log1p(-a[far])
        u = xp.sqrt(big)
        for _ in range(3):
            u = xp.sqrt(big - xp.log(_SQRT_PI * u) + xp.log1p(-0.5 / (u * u)))
        t[far] = u
    return t


def _newton_step(t: Any, a: Any) -> Any:
    """The Newton step toward ``erf(t) = a``, ``(_erf(t) - a) / erf'(t)``.

    Near ``a = 1`` that residual is lost: ``erf(t)`` is only good to 1e-16 absolute while the
    slope ``exp(-t^2)`` is tiny (two such steps left ``erfinv(1 - 1e-12)`` 3e-7 off, and
    ``erfinv(1 - 1e-14)`` 1e-5).  Where ``t >= 2`` (``a > 0.995``) the step is
    Newton's on ``log erfc(t) = log(1 - a)`` instead: ``1 - a`` is exact there, ``log erfc(t) =
    -t^2 - log(sqrt(pi) F(t))`` is accurate and nearly quadratic in ``t``, and its slope is
    ``-2 F(t)``.
    """
    step = (_erf(t) - a) * (_SQRT_PI_OVER_2 * xp.exp(t * t))  # erf'(t) = 2 / sqrt(pi) exp(-t^2)
    tail = t >= 2
    if tail.any():
        s, fraction = t[tail], laplace_fraction(t[tail])
        step[tail] = (s * s + xp.log(_SQRT_PI * fraction) + xp.log1p(-a[tail])) / (2 * fraction)
    return step


def _erfinv(x: Any) -> Any:
    """``erfinv`` of a float64 array, within ~1e-14 relative: ``_erfinv_start`` refined by two
    Newton steps on ``|x|`` (``_newton_step``), the sign put back at the end (erfinv is odd)."""
    a = xp.abs(x).reshape(-1)  # 1-d: 0-d arithmetic gives NumPy scalars, which take no t[mask] = ...
    inside = a < 1  # False at 1, beyond and at nan: set at the end
    a = xp.where(inside, a, 0.0)
    t = _erfinv_start(a)
    for _ in range(2):
        t = t - _newton_step(t, a)
    t = xp.where(inside, t, xp.where(xp.abs(x).reshape(-1) == 1, xp.inf, xp.nan))
    return xp.copysign(t.reshape(x.shape), x)  # -0.0 stays -0.0


class Erf(Function):
    """The error function ``erf(x) = 2 / sqrt(pi) integral_0^x exp(-t^2) dt``.

    ``d/dx erf(x) = 2 / sqrt(pi) exp(-x^2)``.  float32: within 2e-7 of the exact value;
    float64: a few ulp.

    Example:
        >>> import rosenblatt as rb
        >>> rb.erf(rb.tensor([0.0, 0.5, -3.0]))
        tensor([ 0.    ,  0.5205, -1.    ])
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = x = _float(x)
        return _erf(x)

    def backward(self, grad):
        x = self.x
        return grad * (_TWO_OVER_SQRT_PI * xp.exp(-(x * x)))


class Erfc(Function):
    """The complementary error function ``erfc(x) = 1 - erf(x)``, accurate where it is tiny
    (``erfc(5) = 1.5e-12``, where ``1 - erf`` gives 0 in float32).

    ``d/dx erfc(x) = -2 / sqrt(pi) exp(-x^2)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.erfc(rb.tensor([0.0, 5.0]))
        tensor([1.0000e+00, 1.5375e-12])
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = x = _float(x)
        return _erfc(x)

    def backward(self, grad):
        x = self.x
        return grad * (-_TWO_OVER_SQRT_PI * xp.exp(-(x * x)))


class Erfinv(Function):
    """The inverse of the error function: ``erf(erfinv(x)) = x`` on ``(-1, 1)``; +-inf at +-1,
    nan beyond.

    Computed in float64 (and rounded to the input's dtype), to ~1e-14 relative.
    ``d/dx erfinv(x) = sqrt(pi) / 2 * exp(erfinv(x)^2)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.erfinv(rb.tensor([0.0, 0.5, -1.0]))
        tensor([0.    , 0.4769,   -inf])
    """

    saves_output = True

    def forward(self, x):
        x = _float(x)
        return _erfinv(x.astype(float64, copy=False)).astype(x.dtype, copy=False)

    def backward(self, grad):
        out = self._output
        return grad * (_SQRT_PI_OVER_2 * xp.exp(out * out))


# ------------------------------------------------------------------ logs and exponentials
class Logit(Function):
    """``log(p / (1 - p))``, the inverse of sigmoid; ``p`` first clamped to ``[eps, 1 - eps]``
    when ``eps`` is given.

    ``d/dp logit(p) = 1 / (p (1 - p))``.  As in PyTorch, the gradient is nan outside
    ``[0, 1]`` without ``eps``, and 0 where the clamp cut ``p`` with it.
    """

    saves_inputs = (0,)

    def forward(self, x, eps=None):
        self.x = x = _float(x)
        self.bounds = None
        if eps is not None:
            lo = x.dtype.type(eps)  # in the input's dtype, as PyTorch's kernel takes it
            self.bounds = lo, 1 - lo
            x = xp.clip(x, *self.bounds)
        return xp.log(x / (1 - x))

    def backward(self, grad):
        x = self.x
        slope = grad / (x * (1 - x))
        if self.bounds is None:
            return xp.where((x < 0) | (x > 1), xp.nan, slope)
        lo, hi = self.bounds
        return xp.where((x < lo) | (x > hi), 0, slope)


def logit(input: Any, eps: float | None = None) -> Tensor:
    """``log(p / (1 - p))`` of ``p = input``, clamped to ``[eps, 1 - eps]`` first if ``eps`` is given.

    Args:
        input (Tensor): probabilities; integer and bool inputs compute in float32.
        eps (float, optional): clamp bound, keeping the result finite at 0 and 1. Default: None.

    Returns:
        Tensor: the log-odds; +-inf at 1 and 0 and nan outside ``[0, 1]`` without ``eps``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.logit(rb.tensor([0.5, 0.75, 1.0]))
        tensor([0.    , 1.0986,    inf])
        >>> rb.logit(rb.tensor([0.0, 1.0]), eps=0.25)
        tensor([-1.0986,  1.0986])
    """
    return Logit.apply(input, eps=eps)


def _xlogy(x: Any, y: Any) -> Any:
    """``x log(y)``: 0 where ``x == 0`` (NumPy gives ``0 * log 0 = nan``), nan where ``y`` is."""
    out = xp.where(x == 0, 0, x * xp.log(y))
    return xp.where(xp.isnan(y), xp.nan, out)


class Xlogy(Function):
    """``input * log(other)``, 0 where ``input == 0`` (so ``xlogy(0, 0) = 0``) unless ``other``
    is nan, as PyTorch: the entropy term ``p log p`` without the nan at ``p = 0``.

    ``d/d input = log(other)``, set to 0 where ``input == 0`` and ``other <= 0`` (PyTorch's
    choice: the derivative along ``input = 0``); ``d/d other = input / other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.xlogy(rb.tensor([0.0, 2.0, 0.0]), rb.tensor([0.0, 3.0, float("nan")]))
        tensor([0.    , 2.1972,    nan])
    """

    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y = _floating(x, y)
        return _xlogy(x, y)

    def backward(self, grad):
        p, x, y = self.parents, self.x, self.y
        return (xp.where((x == 0) & (y <= 0), 0, _xlogy(grad, y)) if p[0] is not None else None,
                grad * x / y if p[1] is not None else None)


class Logaddexp(Function):
    """``log(exp(input) + exp(other))`` without overflow: ``max + log1p(exp(-|input - other|))``,
    and the infinity itself where both are the same infinity.

    ``d/d input = 1 / (1 + exp(other - input))`` (PyTorch's formula: nan where both are the
    same infinity), and symmetrically for ``other``.  Floating inputs only, as PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> rb.logaddexp(rb.tensor([0.0, 100.0]), rb.tensor([0.0, 100.0]))  # exp(100) overflows float32
        tensor([  0.6931, 100.6931])
    """

    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y = _floating(x, y, "logaddexp()")
        return xp.logaddexp(x, y)  # NumPy's handles inf and -inf as PyTorch's

    def backward(self, grad):
        p, x, y = self.parents, self.x, self.y
        return (grad / (1 + xp.exp(y - x)) if p[0] is not None else None,
                grad / (1 + xp.exp(x - y)) if p[1] is not None else None)


class Exp2(Function):
    """``2 ** input``.

    ``d/dx 2^x = 2^x ln 2``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.exp2(rb.tensor([0, 3, -1]))
        tensor([1. , 8. , 0.5])
    """

    saves_output = True
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.exp2

    def forward(self, x):
        return xp.exp2(_float(x))

    def backward(self, grad):
        return grad * (self._output * _LN2)


def float_power(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent`` in float64, whatever the inputs' dtypes, as PyTorch.

    Both are converted to float64 first (numbers stay numbers), then raised with ``pow``,
    whose gradients are PyTorch's; a float32 input gets its gradient back in float32.

    Example:
        >>> import rosenblatt as rb
        >>> rb.float_power(rb.tensor([2, 3]), 2)
        tensor([4., 9.], dtype=float64)
    """
    return Pow.apply(_double(input), _double(exponent))


def float_power_(input: Tensor, exponent: Any) -> Tensor:
    """``float_power`` in place: ``input ** exponent`` written into ``input``, which must be
    float64 already (the result's dtype), as PyTorch's ``Tensor.float_power_`` requires.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([2.0, 3.0], dtype=rb.float64)
        >>> x.float_power_(2) is x, x.tolist()
        (True, [4.0, 9.0])
    """
    if input.dtype != float64:
        raise TypeError(f"float_power_(): the tensor has dtype {input.dtype}, but the result is float64 "
                        f"and can't be written into it; convert it first (x = x.double()) or use "
                        f"the out-of-place float_power")
    return inplace(input, float_power, exponent)


def _double(a: Any) -> Any:
    if isinstance(a, (bool, int, float)):
        return float(a)
    return to_dtype(tensor_of(a), float64)


erf = Erf.apply
erfc = Erfc.apply
erfinv = Erfinv.apply
xlogy = Xlogy.apply
logaddexp = Logaddexp.apply
exp2 = Exp2.apply


# ------------------------------------------------------------------ signs
class Copysign(Function):
    """``|input|`` with the sign of ``other``: its sign bit, so ``-0.0`` and a negative nan
    count as negative.  Integer and bool inputs give float32, as PyTorch.

    ``d/d input = copysign(input, other) / input``, +-1, and 0 where ``input == 0`` (PyTorch's
    mask of the 0/0); ``other`` gets a zero gradient.

    Example:
        >>> import rosenblatt as rb
        >>> rb.copysign(rb.tensor([1.0, -2.0, 3.0]), rb.tensor([-1.0, 1.0, -0.0]))
        tensor([-1.,  2., -3.])
    """

    saves_inputs = (0,)
    saves_output = True

    def forward(self, x, y):
        self.x, y = _floating(x, y)
        return xp.copysign(self.x, y)

    def backward(self, grad):
        p = self.parents
        return (grad * xp.where(self.x == 0, 0, self._output / self.x) if p[0] is not None else None,
                xp.zeros_like(grad) if p[1] is not None else None)


copysign = Copysign.apply


def signbit(input: Any) -> Tensor:
    """Whether each element's sign bit is set: True for negatives and for ``-0.0`` (and a
    negative nan), a bool tensor, not differentiable.

    Example:
        >>> import rosenblatt as rb
        >>> rb.signbit(rb.tensor([-1.0, -0.0, 0.0, 2.0]))
        tensor([ True,  True, False, False])
    """
    x = _array(input)
    # NumPy's signbit takes no bools; integers have no -0, so x < 0 is their sign bit.
    return Tensor._wrap(xp.signbit(x) if x.dtype.kind == "f" else x < 0)


def sgn(input: Any) -> Tensor:
    """``x / |x|``, which for real tensors is ``sign``: -1, 0 or 1 (0 at nan), gradient zero.

    Example:
        >>> import rosenblatt as rb
        >>> rb.sgn(rb.tensor([-3.0, 0.0, 2.0]))
        tensor([-1.,  0.,  1.])
    """
    return Sign.apply(input)


def positive(input: Any) -> Tensor:
    """``+input``: the input itself, not a copy, as PyTorch; bool tensors refused, as there.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, -2.0])
        >>> rb.positive(x) is x
        True
    """
    x = tensor_of(input, "positive")
    if x.dtype.kind == "b":
        raise RuntimeError("positive(): the `+` operator on a bool tensor is not supported, as in "
                           "PyTorch; convert it first (x.int())")
    return x


# ------------------------------------------------------------------ pieces and selection
class Frac(Function):
    """``input - trunc(input)``: the fractional part, with the sign of ``input``; nan at +-inf.
    Floating inputs only, as PyTorch.

    ``d/dx frac(x) = 1`` (PyTorch's; the jumps at integers are ignored).

    Example:
        >>> import rosenblatt as rb
        >>> rb.frac(rb.tensor([1.25, -2.5, 3.0]))
        tensor([ 0.25, -0.5 ,  0.  ])
    """

    saves_arrays = False

    def forward(self, x):
        check_floating("frac()", x)
        return x - xp.trunc(x)

    def backward(self, grad):
        return grad


frac = Frac.apply


def heaviside(input: Any, values: Any) -> Tensor:
    """The step function: 0 where ``input < 0``, ``values`` where ``input == 0``, 1 where
    ``input > 0``; 0 at nan, as PyTorch's kernel (``input > 0`` is false there).

    ``values`` broadcasts against ``input`` and must have its dtype, as PyTorch requires (a
    number is taken in ``input``'s dtype).  Not differentiable: PyTorch has no derivative
    for it, so the result is a constant.

    Example:
        >>> import rosenblatt as rb
        >>> rb.heaviside(rb.tensor([-1.5, 0.0, 2.0]), rb.tensor(0.5))
        tensor([0. , 0.5, 1. ])
    """
    x = _array(input)
    v = xp.asarray(values, dtype=x.dtype) if isinstance(values, (bool, int, float)) else _array(values)
    if v.dtype != x.dtype:
        raise TypeError(f"heaviside(): input and values must have the same dtype, as in PyTorch, got "
                        f"{x.dtype} and {v.dtype}; convert values first (values.to(input.dtype))")
    return Tensor._wrap(xp.where(x == 0, v, x > 0).astype(x.dtype, copy=False))


class Fmax(Function):
    """Element-wise maximum that ignores nan: the other input where one is nan, nan only where
    both are (``maximum`` propagates nan).  Dtypes as ``maximum``'s.

    The gradient goes whole to ``input`` where ``input >= other`` or ``other`` is nan, else
    whole to ``other``: ties go to ``input``, not split evenly as in ``maximum`` (PyTorch).

    Example:
        >>> import rosenblatt as rb
        >>> rb.fmax(rb.tensor([1.0, float("nan"), 3.0]), rb.tensor([2.0, 0.0, float("nan")]))
        tensor([2., 0., 3.])
    """

    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y = _torch_operands(x, y)
        return xp.fmax(x, y)

    def backward(self, grad):
        return _choose(grad, (self.x >= self.y) | xp.isnan(self.y), self.parents)


class Fmin(Function):
    """Element-wise minimum that ignores nan: the other input where one is nan, nan only where
    both are (``minimum`` propagates nan).  Dtypes as ``minimum``'s.

    The gradient goes whole to ``input`` where ``input <= other`` or ``other`` is nan, else
    whole to ``other`` (PyTorch).

    Example:
        >>> import rosenblatt as rb
        >>> rb.fmin(rb.tensor([1.0, float("nan"), 3.0]), rb.tensor([2.0, 0.0, float("nan")]))
        tensor([1., 0., 3.])
    """

    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y = _torch_operands(x, y)
        return xp.fmin(x, y)

    def backward(self, grad):
        return _choose(grad, (self.x <= self.y) | xp.isnan(self.y), self.parents)


def _choose(grad: Any, to_input: Any, parents: tuple) -> tuple[Any, Any]:
    """The gradients of fmax/fmin's inputs: all of ``grad`` to ``input`` where ``to_input``,
    the rest to ``other``."""
    return (xp.where(to_input, grad, 0) if parents[0] is not None else None,
            xp.where(to_input, 0, grad) if parents[1] is not None else None)


fmax = Fmax.apply
fmin = Fmin.apply


class NanToNum(Function):
    """``input`` with nan, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by
    default 0 and the dtype's largest and lowest finite values); integer and bool tensors are
    returned as a copy.

    The gradient passes where ``input`` is finite and is 0 where a value was replaced
    (PyTorch's ``grad * isfinite(input)``).
    """

    def forward(self, x, nan=0.0, posinf=None, neginf=None):
        if x.dtype.kind != "f":
            return x.copy()
        self.finite = xp.isfinite(x)
        with xp.errstate(over="ignore"):  # a replacement beyond the dtype's range: inf, as PyTorch
            return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, grad):
        return grad * self.finite


def nan_to_num(input: Any, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """``input`` with nan, +inf and -inf replaced by finite numbers.

    Args:
        input (Tensor): the tensor; integer and bool tensors come back unchanged (a copy).
        nan (float): the value for nan. Default: 0.0.
        posinf (float, optional): the value for +inf. Default: the dtype's largest finite value.
        neginf (float, optional): the value for -inf. Default: the dtype's lowest finite value.

    Returns:
        Tensor: of ``input``'s dtype; its gradient is 0 where a value was replaced.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nan_to_num(rb.tensor([float("nan"), float("inf"), -float("inf"), 1.5]), posinf=9.0)
        tensor([ 0.0000e+00,  9.0000e+00, -3.4028e+38,  1.5000e+00])
    """
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


def _array(a: Any) -> Any:
    return a.data if isinstance(a, Tensor) else as_array(a)
