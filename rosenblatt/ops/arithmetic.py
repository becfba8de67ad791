"""Element-wise arithmetic, comparisons and selection, with NumPy broadcasting.

Backward returns gradients in the broadcast shape; the engine sums them back
to each input's shape, so no op here repeats that work.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import Function, as_array
from ..tensor import Tensor

_wrap = Tensor._wrap
# A dtype compared by identity: ``dtype != xp.float64`` turns the type into a dtype on every
# call (0.15 us of an 8x8 add).
_float64 = xp.dtype(xp.float64)


class Add(Function):
    def forward(self, x, y):
        return _torch_dtype(x + y, x, y)

    def backward(self, grad):
        return grad, grad


class Sub(Function):
    def forward(self, x, y):
        return _torch_dtype(x - y, x, y)

    def backward(self, grad):
        return grad, (-grad if self.parents[1] is not None else None)


class Mul(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y
        return _torch_dtype(x * y, x, y)

    def backward(self, grad):
        p = self.parents
        return (grad * self.y if p[0] is not None else None,
                grad * self.x if p[1] is not None else None)


class Div(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y
        return _torch_dtype(x / y, x, y)

    def backward(self, grad):
        p = self.parents
        gx = grad / self.y
        return (gx if p[0] is not None else None,
                -gx * self.x / self.y if p[1] is not None else None)


class Neg(Function):
    def forward(self, x):
        return -x

    def backward(self, grad):
        return -grad


class Pow(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        base = x
        if not isinstance(x, xp.ndarray):
            x = xp.asarray(x, dtype=xp.result_type(x, y))  # keep 2 ** t in t's dtype
        self.x, self.y = x, y
        self.out = _torch_dtype(x ** y, base, y)
        return self.out

    def backward(self, grad):
        p, x, y = self.parents, self.x, self.y
        gx = gy = None
        if p[0] is not None:
            # Exponent 0 gives gradient 0 even at x = 0, as in PyTorch (not 0 * inf = nan).
            if isinstance(y, (int, float)):
                gx = grad * (y * x ** (y - 1)) if y != 0 else xp.zeros_like(grad)
            else:
                gx = grad * xp.where(y == 0, 0, y * x ** (y - 1))
        if p[1] is not None:
            gy = grad * xp.where((x == 0) & (y >= 0), 0, self.out * xp.log(x))
        return gx, gy


class RoundedDivide(Function):
    """``x / y`` rounded toward -inf ('floor') or 0 ('trunc'); gradient zero, as in PyTorch."""

    def forward(self, x, y, mode="floor"):
        if mode == "floor":
            out = xp.floor_divide(x, y)
        else:
            quotient = xp.trunc(_torch_dtype(x / y, x, y))
            out = quotient.astype(xp.result_type(x, y), copy=False)
        return _torch_dtype(out, x, y)

    def backward(self, grad):
        zero = xp.zeros_like(grad)
        return tuple(zero if p is not None else None for p in self.parents)


class Maximum(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y
        return xp.maximum(x, y)

    def backward(self, grad):
        # Ties split the gradient evenly, as PyTorch does.
        return _split_ties(grad, self.x > self.y, self.x == self.y)


class Minimum(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y
        return xp.minimum(x, y)

    def backward(self, grad):
        return _split_ties(grad, self.x < self.y, self.x == self.y)


class Where(Function):
    def forward(self, condition, x, y):
        self.condition = condition
        return xp.where(condition, x, y)

    def backward(self, grad):
        p = self.parents
        return (None,
                xp.where(self.condition, grad, 0) if p[1] is not None else None,
                xp.where(self.condition, 0, grad) if p[2] is not None else None)


class Clamp(Function):
    """Clamp to number bounds; the gradient passes where min <= x <= max (PyTorch)."""

    def forward(self, x, min=None, max=None):
        out = xp.clip(x, min, max)
        self.passes = out == x
        return out

    def backward(self, grad):
        return grad * self.passes


class Sign(Function):
    def forward(self, x):
        return xp.sign(x)

    def backward(self, grad):
        return xp.zeros_like(grad)


def _split_ties(grad, wins, ties):
    """Gradient shares of the two inputs of maximum/minimum: ties split it evenly (PyTorch)."""
    share = wins.astype(grad.dtype)
    share[ties] = 0.5
    return grad * share, grad * (1 - share)


def _torch_dtype(out: Any, x: Any, y: Any) -> Any:
    """``out`` in PyTorch's result dtype: float32 where NumPy says float64 without a float64 input.

    NumPy turns int / int and int tensor with Python float into float64; PyTorch
    gives its default float32 there.
    """
    if getattr(out, "dtype", None) is not _float64:
        return out
    if getattr(x, "dtype", None) == xp.float64 or getattr(y, "dtype", None) == xp.float64:
        return out
    return out.astype(xp.float32)


# ------------------------------------------------------------------ functions
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input + alpha * other``, broadcasting."""
    return Add.apply(input, other if alpha == 1 else Mul.apply(other, alpha))


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha * other``, broadcasting."""
    return Sub.apply(input, other if alpha == 1 else Mul.apply(other, alpha))


def mul(input: Any, other: Any) -> Tensor:
    """``input * other``, broadcasting."""
    return Mul.apply(input, other)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other`` (true division; ``rounding_mode`` 'floor' or 'trunc' rounds)."""
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode in ("floor", "trunc"):
        return RoundedDivide.apply(input, other, mode=rounding_mode)
    raise ValueError(f"div(): rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")


def neg(input: Any) -> Tensor:
    return Neg.apply(input)


def pow(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent``, element-wise; differentiable in both arguments."""
    return Pow.apply(input, exponent)


def square(input: Any) -> Tensor:
    return Mul.apply(input, input)


def floor_divide(input: Any, other: Any) -> Tensor:
    """``floor(input / other)``; its gradient is zero (almost everywhere), as in PyTorch."""
    return RoundedDivide.apply(input, other, mode="floor")


def remainder(input: Any, other: Any) -> Tensor:
    """Python-style remainder, sign of the divisor; differentiable in ``input``."""
    return sub(input, mul(floor_divide(input, other), other))


def fmod(input: Any, other: Any) -> Tensor:
    """C-style remainder, sign of the dividend; differentiable in both arguments."""
    return sub(input, mul(RoundedDivide.apply(input, other, mode="trunc"), other))


def maximum(input: Any, other: Any) -> Tensor:
    """Element-wise maximum; ties share the gradient evenly."""
    return Maximum.apply(input, other)


def minimum(input: Any, other: Any) -> Tensor:
    """Element-wise minimum; ties share the gradient evenly."""
    return Minimum.apply(input, other)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """``input`` where ``condition`` holds, else ``other``."""
    return Where.apply(condition, input, other)


def clamp(input: Any, min: Any = None, max: Any = None) -> Tensor:
    """Limit ``input`` to ``[min, max]``; bounds may be numbers or tensors."""
    if min is None and max is None:
        raise ValueError("clamp(): at least one of min and max must be given")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = where(_arr(out) < _arr(min), min, out)
        if max is not None:
            out = where(_arr(out) > _arr(max), max, out)
        return out
    return Clamp.apply(input, min=min, max=max)


clip = clamp


def sign(input: Any) -> Tensor:
    return Sign.apply(input)


def lerp(input: Any, end: Any, weight: Any) -> Tensor:
    return add(input, mul(sub(end, input), weight))


def _arr(a: Any) -> Any:
    return a.data if isinstance(a, Tensor) else as_array(a)


def _constant(array: Any) -> Tensor:
    return _wrap(xp.asarray(array))


def _comparison(ufunc: Any, name: str) -> Any:
    def compare(input: Any, other: Any) -> Tensor:
        return _constant(ufunc(_arr(input), _arr(other)))

    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = f"Element-wise ``{ufunc.__name__}``, a bool tensor (not differentiable)."
    return compare


eq = _comparison(xp.equal, "eq")
ne = _comparison(xp.not_equal, "ne")
lt = _comparison(xp.less, "lt")
le = _comparison(xp.less_equal, "le")
gt = _comparison(xp.greater, "gt")
ge = _comparison(xp.greater_equal, "ge")
logical_and = _comparison(xp.logical_and, "logical_and")
logical_or = _comparison(xp.logical_or, "logical_or")
logical_xor = _comparison(xp.logical_xor, "logical_xor")
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne


def logical_not(input: Any) -> Tensor:
    return _constant(xp.logical_not(_arr(input)))


def isnan(input: Any) -> Tensor:
    return _constant(xp.isnan(_arr(input)))


def isinf(input: Any) -> Tensor:
    return _constant(xp.isinf(_arr(input)))


def isfinite(input: Any) -> Tensor:
    return _constant(xp.isfinite(_arr(input)))


def equal(input: Any, other: Any) -> bool:
    """True when both tensors have the same shape and elements."""
    a, b = _arr(input), _arr(other)
    return a.shape == b.shape and bool((a == b).all())


def allclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    return bool(xp.allclose(_arr(input), _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> Tensor:
    return _constant(xp.isclose(_arr(input), _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))
