"""Element-wise arithmetic and selection, with NumPy broadcasting (comparisons, logical and
bitwise ops: ``comparison``).

Backward returns gradients in the broadcast shape; the engine sums them back
to each input's shape, so no op here repeats that work.
"""
from __future__ import annotations

import math
from typing import Any

from .._backend import xp
from .. import _backend
from ..autograd.function import POINTWISE_SLOTS, Function, as_array
from ..tensor import Tensor

_wrap = Tensor._wrap
_ndarray = xp.ndarray


# Add, Sub and Mul test for two arrays of one dtype inline (NumPy's result dtype is PyTorch's
# there) before calling _torch_dtype: an 8x8 op took ~550 instructions more (of ~11,800) when
# every call went through it.


class Add(Function):
    saves_arrays = False
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.add

    def forward(self, x, y):
        try:
            out = x + y
            if type(x) is _ndarray is type(y) and x.dtype is y.dtype:
                return out
            return _torch_dtype(out, x, y)
        except OverflowError as error:  # a Python int outside an integer dtype: PyTorch wraps it
            return self.forward(*_wrapped_int(x, y, error))

    def backward(self, grad):
        return grad, grad


class Sub(Function):
    saves_arrays = False
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.subtract

    def forward(self, x, y):
        try:
            out = x - y
            if type(x) is _ndarray is type(y) and x.dtype is y.dtype:
                return out  # two bool arrays raised TypeError above
            _no_bool_subtraction(x, y)  # a bool array or a Python bool with anything (x - True)
            return _torch_dtype(out, x, y)
        except OverflowError as error:  # a Python int outside an integer dtype: PyTorch wraps it
            return self.forward(*_wrapped_int(x, y, error))
        except TypeError:  # NumPy's error for two bool arrays
            _no_bool_subtraction(x, y)
            raise

    def backward(self, grad):
        return grad, (-grad if self.parents[1] is not None else None)


class Mul(Function):
    saves_inputs = (0, 1)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.multiply

    def forward(self, x, y):
        try:
            out = x * y
            if type(x) is _ndarray is type(y) and x.dtype is y.dtype:
                return out
            return _torch_dtype(out, x, y)
        except OverflowError as error:  # a Python int outside an integer dtype: PyTorch wraps it
            return self.forward(*_wrapped_int(x, y, error))

    def backward(self, grad):
        p = self.parents
        x, y = self._inputs
        return (grad * y if p[0] is not None else None,
                grad * x if p[1] is not None else None)


class Div(Function):
    saves_inputs = (0, 1)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.divide

    def forward(self, x, y):
        return _torch_dtype(x / y, x, y, "div")

    def backward(self, grad):
        p = self.parents
        x, y = self._inputs
        gx = grad / y
        return (gx if p[0] is not None else None,
                -gx * x / y if p[1] is not None else None)


def _no_bool_subtraction(x: Any, y: Any) -> None:
    """PyTorch's errors for a subtraction with a bool operand (a Python bool counts)."""
    bools = _is_bool(x) + _is_bool(y)
    if bools == 2:
        raise RuntimeError("sub(): subtraction, the `-` operator, with two bool tensors is not supported; "
                           "use the `^` operator or logical_xor() instead")
    if bools:
        raise RuntimeError("sub(): subtraction, the `-` operator, with a bool tensor is not supported; "
                           "to invert a mask use the `~` operator or logical_not(), else convert it "
                           "first (mask.float())")


def _is_bool(a: Any) -> bool:
    """True for a bool array or NumPy bool, and for a Python bool."""
    return a.dtype.kind == "b" if hasattr(a, "dtype") else type(a) is bool


class Neg(Function):
    saves_arrays = False
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.negative

    def forward(self, x):
        try:
            return -x
        except TypeError:  # NumPy's error for a bool array; PyTorch's is a RuntimeError
            raise RuntimeError("neg(): negation, the `-` operator, on a bool tensor is not supported; "
                               "to invert a mask use the `~` operator or logical_not() instead") from None

    def backward(self, grad):
        return -grad


class Pow(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        base = x
        if not isinstance(x, xp.ndarray):  # keep 2 ** t in t's dtype (300 ** uint8 wraps 300, as PyTorch)
            dtype = result_type(x, y)
            x = _int_in(x, dtype) if type(x) is int and dtype.kind in "iu" else xp.asarray(x, dtype=dtype)
        if x.dtype.kind == "b" and (type(y) is bool or getattr(y, "dtype", None) is _bool):
            raise TypeError("pow(): not implemented for two bool tensors, as in PyTorch; convert them "
                            "first (x.long())")
        self.x, self.y = x, y
        try:
            out = _number_power(x, y) if type(y) is float else x ** y
        except (ValueError, OverflowError):  # NumPy refuses integers to negative integer powers
            out = _integer_power(x, y)
        self.out = _torch_dtype(out, base, y)
        return self.out

    def backward(self, grad):
        p, x, y = self.parents, self.x, self.y
        gx = gy = None
        if p[0] is not None:
            # Exponent 0 gives gradient 0 even at x = 0, as in PyTorch (not 0 * inf = nan).
            if isinstance(y, (int, float)):
                gx = grad * (y * _number_power(x, y - 1)) if y != 0 else xp.zeros_like(grad)
            else:
                gx = grad * xp.where(y == 0, 0, y * x ** (y - 1))
        if p[1] is not None:
            gy = grad * xp.where((x == 0) & (y >= 0), 0, self.out * xp.log(x))
        return gx, gy


def _number_power(x, y):
    """``x ** y`` for a number ``y``, with PyTorch's kernel for -0.5, ``1 / sqrt(x)``: -inf at
    -0.0 and nan at -inf, where C's pow (NumPy's) gives inf and 0 (both take sqrt for 0.5)."""
    return 1 / xp.sqrt(x) if y == -0.5 else x ** y


def _integer_power(x, y):
    """``x ** y`` of integers where NumPy refuses it, as PyTorch: a negative tensor exponent
    gives ``1 / x ** -y`` truncated (1 for x = 1, +-1 for x = -1, else 0), while a number
    exponent that is negative (or doesn't fit the base's dtype) is an error."""
    if not isinstance(y, xp.ndarray):
        if y < 0:
            raise RuntimeError(f"pow(): integers to negative integer powers are not allowed (the "
                               f"base is {x.dtype}, the exponent {y}); convert the base to floating "
                               f"point first, e.g. x.float() ** {y}")
        raise RuntimeError(f"pow(): the exponent {y} does not fit the base's dtype {x.dtype} "
                           f"without overflow; convert the base to int64 or floating point first")
    negative = y < 0
    # Right where |x| = 1, which only needs the parity of a negative y (y & 1, no overflow at
    # int64's minimum as -y would have)
    unit_power = x ** xp.where(negative, y & 1, y)
    return xp.where(negative & (xp.abs(x) != 1), 0, unit_power)


def _wrapped_int(x: Any, y: Any, error: OverflowError) -> tuple[Any, Any]:
    """``x, y`` with a Python int that NumPy refused for the other operand's integer dtype (the
    ``error``) cast to that dtype as PyTorch casts it, wrapping around: ``uint8 + 300`` adds 44,
    ``uint8 + -1`` adds 255.  Ints outside [-2**63, 2**64) raise, as in PyTorch."""
    if type(y) is int and isinstance(x, _ndarray) and x.dtype.kind in "iu":
        return x, _int_in(y, x.dtype)
    if type(x) is int and isinstance(y, _ndarray) and y.dtype.kind in "iu":
        return _int_in(x, y.dtype), y
    raise error


def _int_in(number: int, dtype: Any) -> Any:
    """The Python int ``number`` as a 0-d array of the integer ``dtype``, modulo 2 ** bits (C's
    cast, as PyTorch's); OverflowError outside [-2**63, 2**64)."""
    return xp.asarray(number, dtype=xp.uint64 if number >= 2 ** 63 else xp.int64).astype(dtype)


def _number_in(number: Any, dtype: Any, op: str) -> Any:
    """A Python ``number`` (anything else as it is) cast into ``dtype`` as PyTorch casts an op's
    number: an int wraps into an integer dtype (uint8: -1 -> 255), but one outside the dtype's
    range raises, as a float outside a floating dtype's does (inf and nan fit; an unsigned
    dtype takes ints down to -max)."""
    if dtype.kind in "iu" and isinstance(number, int) and not isinstance(number, bool):
        info = xp.iinfo(dtype)
        low = -info.max if dtype.kind == "u" else info.min
        if not low <= number <= info.max:
            raise RuntimeError(f"{op}: the number {number} cannot be converted to {dtype} without "
                               f"overflow (its range is [{info.min}, {info.max}]); convert the tensor "
                               f"to a wider dtype first (x.long())")
        return _int_in(number, dtype)
    if dtype.kind in "iu" and isinstance(number, float):  # truncated, as PyTorch, when it fits
        info = xp.iinfo(dtype)
        if not (math.isfinite(number) and info.min - 1 < number < info.max + 1):
            raise RuntimeError(f"{op}: the number {number} cannot be converted to {dtype} without "
                               f"overflow (its range is [{info.min}, {info.max}])")
        return number
    if dtype.kind == "f" and isinstance(number, float) and math.isfinite(number):
        if abs(number) > xp.finfo(dtype).max:
            raise RuntimeError(f"{op}: the number {number} cannot be converted to {dtype} without "
                               f"overflow; convert the tensor to a wider dtype first (x.double())")
    return number


class RoundedDivide(Function):
    """``x / y`` rounded toward -inf ('floor') or 0 ('trunc'); gradient zero, as in PyTorch."""

    def forward(self, x, y, mode="floor"):
        op = "floor_divide()" if mode == "floor" else "div(rounding_mode='trunc')"
        # In the result dtype first, as PyTorch: rounding the quotient of a float32 tensor and a
        # float64 number in float64 can floor to the next integer
        x, y = _torch_operands(x, y, op)
        quotient = _rounded_quotient(x, y, mode)
        return _torch_dtype(_no_integer_division_by_zero(quotient, y, op), x, y)

    def backward(self, grad):
        zero = xp.zeros_like(grad)
        return tuple(zero if p is not None else None for p in self.parents)


class Remainder(Function):
    """``x - y * q``, ``q`` the quotient rounded toward -inf ('floor': ``remainder``, the sign
    of the divisor) or 0 ('trunc': ``fmod``, the sign of the dividend).

    Computed by NumPy's ``remainder``/``fmod``, not by that formula: with ``y = inf`` the
    formula gives ``0 * inf = nan`` where PyTorch (and Python) give ``x``.
    """

    saves_inputs = (0, 1)

    def forward(self, x, y, mode="floor"):
        op = "remainder()" if mode == "floor" else "fmod()"
        x, y = _torch_operands(x, y, op)  # in the result dtype first, as PyTorch (see RoundedDivide)
        self.x, self.y, self.mode = x, y, mode
        out = xp.remainder(x, y) if mode == "floor" else xp.fmod(x, y)
        return _torch_dtype(_no_integer_division_by_zero(out, y, op), x, y)

    def backward(self, grad):
        p = self.parents
        return (grad if p[0] is not None else None,
                -grad * _rounded_quotient(self.x, self.y, self.mode) if p[1] is not None else None)


def _rounded_quotient(x, y, mode):
    if mode == "floor":
        return xp.floor_divide(x, y)
    if _integer(x) and _integer(y):  # exactly, in integers: x / y in float64 rounds above 2 ** 53
        floor = xp.floor_divide(x, y)
        return floor + ((floor < 0) & (floor * y != x))  # one more where floor rounded a negative down
    return xp.trunc(x / y)


def _no_integer_division_by_zero(out, y, op):
    """``out``, NumPy's quotient or remainder by ``y``, unless PyTorch raises there: for a zero in
    an integer ``y`` dividing an integer (NumPy gives 0), when ``out`` isn't empty.  ``out`` is an
    integer only for integer operands; a floating one is inf or nan at a zero in both."""
    if out.dtype.kind in "iu" and out.size and xp.any(y == 0):
        raise RuntimeError(f"{op}: ZeroDivisionError: an integer divisor is 0; divide floating point "
                           f"tensors (x.float()) for inf/nan, or mask the zero divisors first")
    return out


class Maximum(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y
        try:
            return _torch_dtype(xp.maximum(x, y), x, y)
        except OverflowError as error:  # a Python int outside an integer dtype: PyTorch wraps it
            return self.forward(*_wrapped_int(x, y, error))

    def backward(self, grad):
        # Ties split the gradient evenly, as PyTorch does.
        return _split_ties(grad, self.x < self.y, self.x > self.y, self.x == self.y)


class Minimum(Function):
    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y
        try:
            return _torch_dtype(xp.minimum(x, y), x, y)
        except OverflowError as error:  # a Python int outside an integer dtype: PyTorch wraps it
            return self.forward(*_wrapped_int(x, y, error))

    def backward(self, grad):
        return _split_ties(grad, self.x > self.y, self.x < self.y, self.x == self.y)


class Where(Function):
    def forward(self, condition, x, y):
        if getattr(condition, "dtype", None) is not _bool:  # the common case in one identity test
            _check_condition(condition)
        self.condition = condition
        if type(x) is not _ndarray or type(y) is not _ndarray:  # a number, cast as PyTorch casts it
            dtype = result_type(x, y)
            if dtype == xp.float16:  # PyTorch checks a float against float32 here (float16 gives inf)
                dtype = xp.dtype(xp.float32)
            x, y = _number_in(x, dtype, "where()"), _number_in(y, dtype, "where()")
        return _torch_dtype(xp.where(condition, x, y), x, y)

    def backward(self, grad):
        p = self.parents
        return (None,
                xp.where(self.condition, grad, 0) if p[1] is not None else None,
                xp.where(self.condition, 0, grad) if p[2] is not None else None)


_bool = xp.dtype(xp.bool_)  # NumPy's one bool dtype object
_int64 = xp.dtype(xp.int64)


def _check_condition(condition: Any) -> None:
    dtype = xp.asarray(condition).dtype
    if dtype.kind != "b" and dtype != xp.uint8:  # PyTorch also takes uint8 (deprecated)
        raise TypeError(f"where(): the condition must be a bool tensor, got {dtype}; compare first "
                        f"(x != 0) or convert it with .bool()")


class Clamp(Function):
    """Clamp to number bounds; the gradient passes where min <= x <= max (PyTorch)."""

    def forward(self, x, min=None, max=None):
        dtype = result_type(x, *(bound for bound in (min, max) if bound is not None))
        min, max = _number_in(min, dtype, "clamp()"), _number_in(max, dtype, "clamp()")
        out = xp.clip(x, min, max)  # maximum then minimum: max wins where min > max, as PyTorch
        # out == x is min <= x <= max, and False at nan, but for min > max, where nothing passes
        self.passes = (out == x) if min is None or max is None or min <= max else False
        return _in_dtype(out, dtype)

    def backward(self, grad):
        return grad * self.passes


class ClampTensors(Function):
    """Clamp to tensor bounds ``bounds``, the given ones of (min, max) as ``given`` says.

    As PyTorch: ``minimum(maximum(x, min), max)``, so max wins where min > max and a nan
    anywhere gives nan.  The gradient goes to x where min <= x <= max; to min where x < min
    (and min < max); to max where x > max (or max < min); nowhere where x < min == max.
    """

    def forward(self, x, *bounds, given):
        lo = bounds[0] if given[0] else None
        hi = bounds[-1] if given[1] else None
        out = x if lo is None else xp.maximum(x, lo)
        out = out if hi is None else xp.minimum(out, hi)
        # the masks, not the inputs, are kept: nothing to guard against in-place changes
        self.masks = [(x >= lo if lo is not None else True) & (x <= hi if hi is not None else True)]
        if lo is not None:
            self.masks.append((x < lo) & (lo < hi) if hi is not None else x < lo)
        if hi is not None:
            self.masks.append((x > hi) | (hi < lo) if lo is not None else x > hi)
        return _in_dtype(out, result_type(x, *bounds))

    def backward(self, grad):
        return tuple(grad * mask for mask in self.masks)


class Sign(Function):
    def forward(self, x):
        return sign_of(x)

    def backward(self, grad):
        return xp.zeros_like(grad)


def sign_of(x: Any) -> Any:
    """-1, 0 or 1 by the sign of ``x``; 0 for NaN, as PyTorch's (NumPy's ``sign`` gives NaN)."""
    if x.dtype.kind != "f":
        return x.copy() if x.dtype.kind == "b" else xp.sign(x)  # NumPy has no sign of bools
    return xp.subtract(x > 0, x < 0, dtype=x.dtype)


def _integer(a: Any) -> bool:
    """Whether ``a`` (an array or a Python number) is an integer or bool."""
    return xp.asarray(a).dtype.kind in "biu"


def _split_ties(grad, x_loses, y_loses, ties):
    """Gradient shares of the two inputs of maximum/minimum: the loser gets none, ties split it
    evenly, and where neither wins nor ties (a nan), both get all of it (as PyTorch)."""
    # asarray, not astype: 0-d inputs compare to NumPy scalars, which can't be assigned into
    x_share, y_share = xp.asarray(~x_loses, dtype=grad.dtype), xp.asarray(~y_loses, dtype=grad.dtype)
    x_share[ties] = y_share[ties] = 0.5
    return grad * x_share, grad * y_share


def _torch_dtype(out: Any, x: Any, y: Any, op: str | None = None) -> Any:
    """``out``, NumPy's result of an op on ``x`` and ``y``, in PyTorch's result dtype for them
    (the default dtype for the division, ``op`` "div", of integers)."""
    # The hot path: two arrays of one dtype, or an array and a Python number (no dtype) that
    # NumPy left in the array's dtype; NumPy's dtype is PyTorch's there.  Checked by
    # identity: the full rule costs 0.5 us of a 1.4 us 8x8 add.
    dtype = getattr(out, "dtype", None)  # None: a Python number, from two numbers (add's alpha)
    if (getattr(x, "dtype", dtype) is dtype and getattr(y, "dtype", dtype) is dtype
            and (type(x) is _ndarray or type(y) is _ndarray)):
        return out
    dtype = result_type(x, y)
    if op == "div" and dtype.kind not in "fc":
        dtype = _backend.default_float
    return _in_dtype(out, dtype)


def _in_dtype(out: Any, dtype: Any) -> Any:
    return xp.asarray(out, dtype=dtype)  # no copy when out already is an array of dtype


def result_type(*inputs: Any) -> Any:
    """The dtype PyTorch gives an op on ``inputs`` (arrays and Python or NumPy numbers).

    NumPy and PyTorch agree on arrays of one kind.  Across kinds (bool < integer < float),
    PyTorch takes the higher kind's dtype (int64 with float32 gives float32, not NumPy's
    float64); an operand of a higher kind raises the result's kind only as far as it must:
    arrays with dimensions decide, then 0-d arrays, then numbers, a float number giving the
    default dtype, float32 (float32 with a 0-d float64 array, or with NumPy's float64 scalar,
    stays float32; int32 with a 0-d int64 stays int32).
    """
    dims = zero_dims = numbers = None
    for a in inputs:
        if isinstance(a, _ndarray):
            if a.ndim:
                dims = _promote(dims, a.dtype)
            else:
                zero_dims = _promote(zero_dims, a.dtype)
        else:
            numbers = _promote(numbers, _number_dtype(a))
    return _combine(dims, _combine(zero_dims, numbers))


#: the kinds PyTorch orders when promoting: bool < integer < float < complex
_KIND = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _number_dtype(number: Any) -> Any:
    """The dtype PyTorch gives a number (NumPy's scalars count as Python numbers)."""
    if isinstance(number, (bool, xp.bool_)):
        return xp.dtype(xp.bool_)
    if isinstance(number, (int, xp.integer)):
        return xp.dtype(xp.int64)
    if isinstance(number, (float, xp.floating)):
        return _backend.default_float
    return xp.asarray(number).dtype


def _promote(a: Any, b: Any) -> Any:
    """PyTorch's promotion of two dtypes (either may be None: not seen yet)."""
    if a is None or b is None:
        return b if a is None else a
    kind_a, kind_b = _KIND[a.kind], _KIND[b.kind]
    if kind_a == kind_b:
        return xp.promote_types(a, b)
    return a if kind_a > kind_b else b


def _combine(higher: Any, lower: Any) -> Any:
    """The dtype of operands of priority ``higher`` joined by ones of priority ``lower``: these
    change it only when of a higher kind (PyTorch's ``combine_categories``)."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind in "fc" or _KIND[lower.kind] <= _KIND[higher.kind]:
        return higher
    return _promote(higher, lower)


# ------------------------------------------------------------------ functions
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input + alpha * other``, broadcasting.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second operand, broadcast with ``input``.
        alpha (number): the multiplier of ``other`` (default 1).

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.add(rb.tensor([1.0, 2.0]), rb.tensor([10.0, 20.0]), alpha=2)
        tensor([21., 42.])
    """
    return Add.apply(input, other if alpha == 1 else _scaled(input, other, alpha, "add()"))


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha * other``, broadcasting (``subtract`` is the same function).

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second operand, broadcast with ``input``.
        alpha (number): the multiplier of ``other`` (default 1).

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.sub(rb.tensor([5.0, 7.0]), rb.tensor([1.0, 2.0]), alpha=2)
        tensor([3., 3.])
    """
    return Sub.apply(input, other if alpha == 1 else _scaled(input, other, alpha, "sub()"))


def _scaled(input: Any, other: Any, alpha: Any, op: str) -> Tensor:
    """``alpha * other`` for ``op`` on ``input``, ``alpha`` checked as PyTorch checks it against the
    result's dtype: a bool only for bools, an integer for integers, and one that fits."""
    dtype = result_type(_operand(input), _operand(other))
    if isinstance(alpha, bool) and dtype.kind != "b":
        raise RuntimeError(f"{op}: a bool alpha only goes with bool tensors, got {dtype}; give alpha "
                           f"as a number ({int(alpha)})")
    if isinstance(alpha, float) and dtype.kind in "biu":
        raise RuntimeError(f"{op}: for {dtype} tensors alpha must be an integer, got {alpha}; convert "
                           f"the tensors to floating point first (x.float())")
    return Mul.apply(other, bool(alpha) if dtype.kind == "b" else _number_in(alpha, dtype, op))


def mul(input: Any, other: Any) -> Tensor:
    """``input * other``, broadcasting (``multiply`` is the same function).

    Args:
        input (Tensor or number): the first factor.
        other (Tensor or number): the second factor, broadcast with ``input``.

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.mul(rb.tensor([[1.0], [2.0]]), rb.tensor([1.0, 10.0]))  # (2, 1) * (2,) -> (2, 2)
        tensor([[ 1., 10.],
                [ 2., 20.]])
    """
    return Mul.apply(input, other)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other`` (true division; ``rounding_mode`` 'floor' or 'trunc' rounds).

    ``divide`` and ``true_divide`` are the same function.  Integer inputs give the default
    dtype without a ``rounding_mode``, as in PyTorch.

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor, broadcast with ``input``.
        rounding_mode (str, optional): None (true division, the default), 'floor' (round
            down, Python's ``//``) or 'trunc' (round toward zero, C's ``/`` on ints).

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([-7.0, 7.0])
        >>> rb.div(x, 2), rb.div(x, 2, rounding_mode="floor"), rb.div(x, 2, rounding_mode="trunc")
        (tensor([-3.5,  3.5]), tensor([-4.,  3.]), tensor([-3.,  3.]))
    """
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode in ("floor", "trunc"):
        return RoundedDivide.apply(input, other, mode=rounding_mode)
    raise ValueError(f"div(): rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")


def neg(input: Any) -> Tensor:
    """``-input``, element-wise.

    Args:
        input (Tensor or number): any numeric dtype (not bool, as in PyTorch).

    Shape: the result has ``input``'s shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.neg(rb.tensor([1.0, -2.0]))
        tensor([-1.,  2.])
    """
    return Neg.apply(input)


def pow(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent``, element-wise; differentiable in both arguments.

    Args:
        input (Tensor or number): the base.
        exponent (Tensor or number): the power, broadcast with ``input``.

    Shape: ``input`` and ``exponent`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.pow(rb.tensor([1.0, 2.0, 3.0]), 2), rb.pow(2, rb.tensor([1.0, 2.0, 3.0]))
        (tensor([1., 4., 9.]), tensor([2., 4., 8.]))
    """
    return Pow.apply(input, exponent)


def square(input: Any) -> Tensor:
    """``input * input``; bools give int64, as PyTorch's ``pow(input, 2)`` (not NumPy's bool).

    Args:
        input (Tensor or number): any numeric or bool dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.square(rb.tensor([1, -3])), rb.square(rb.tensor([0.5]))
        (tensor([1, 9]), tensor([0.25]))
    """
    return Pow.apply(input, 2) if _arr(input).dtype.kind == "b" else Mul.apply(input, input)


def floor_divide(input: Any, other: Any) -> Tensor:
    """``floor(input / other)``; its gradient is zero (almost everywhere), as in PyTorch.

    The same as ``div(input, other, rounding_mode="floor")`` and Python's ``//``: rounded
    down, so ``-7 // 2 == -4``.

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor, broadcast with ``input``.

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.floor_divide(rb.tensor([-7, 7]), 2)
        tensor([-4,  3])
    """
    return RoundedDivide.apply(input, other, mode="floor")


def remainder(input: Any, other: Any) -> Tensor:
    """Python-style remainder, sign of the divisor; differentiable in both arguments.

    ``input - floor(input / other) * other``, as Python's ``%`` (see :func:`fmod` for C's).

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor, broadcast with ``input``.

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.remainder(rb.tensor([-7, 7]), 3)
        tensor([2, 1])
    """
    return Remainder.apply(input, other, mode="floor")


def fmod(input: Any, other: Any) -> Tensor:
    """C-style remainder, sign of the dividend; differentiable in both arguments.

    ``input - trunc(input / other) * other``, as C's ``fmod`` (see :func:`remainder` for Python's).

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor, broadcast with ``input``.

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.fmod(rb.tensor([-7, 7]), 3)
        tensor([-1,  1])
    """
    return Remainder.apply(input, other, mode="trunc")


def maximum(input: Any, other: Any) -> Tensor:
    """Element-wise maximum; ties share the gradient evenly.

    ``max(input_i, other_i)``; nan wins where either is nan, as in PyTorch.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second, broadcast with ``input``.

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.maximum(rb.tensor([1.0, 5.0]), rb.tensor([3.0, 2.0]))
        tensor([3., 5.])
    """
    return Maximum.apply(input, other)


def minimum(input: Any, other: Any) -> Tensor:
    """Element-wise minimum; ties share the gradient evenly.

    ``min(input_i, other_i)``; nan wins where either is nan, as in PyTorch.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second, broadcast with ``input``.

    Shape: ``input`` and ``other`` broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.minimum(rb.tensor([1.0, 5.0]), rb.tensor([3.0, 2.0]))
        tensor([1., 2.])
    """
    return Minimum.apply(input, other)


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """``input`` where ``condition`` holds, else ``other``; ``where(condition)`` alone is
    ``nonzero(condition, as_tuple=True)``, as in PyTorch.

    ``out_i = input_i if condition_i else other_i``; the gradient flows to the chosen side.

    Args:
        condition (Tensor): a bool mask.
        input (Tensor or number, optional): the values where ``condition`` is True.
        other (Tensor or number, optional): the values where it is False.

    Shape: the three broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([-1.0, 2.0, -3.0])
        >>> rb.where(x > 0, x, 0.0)
        tensor([0., 2., 0.])
        >>> rb.where(x > 0)  # the indices where it holds
        (tensor([1]),)
    """
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    return Where.apply(condition, input, other)


_array_like = (Tensor, _ndarray, list, tuple)  # bounds that go to ClampTensors, not numbers


def clamp(input: Any, min: Any = None, max: Any = None) -> Tensor:
    """Limit ``input`` to ``[min, max]``; bounds may be numbers or tensors.

    ``out_i = min(max(input_i, min), max)`` (``clip`` is the same function); the gradient
    passes only where ``input`` is inside the bounds.

    Args:
        input (Tensor): the values to limit.
        min (number or Tensor, optional): the lower bound (none by default).
        max (number or Tensor, optional): the upper bound (none by default); at least one
            of ``min`` and ``max`` must be given.

    Shape: tensor bounds broadcast with ``input``; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.clamp(rb.tensor([-2.0, 0.5, 3.0]), -1, 1)
        tensor([-1. ,  0.5,  1. ])
    """
    if min is None and max is None:
        raise ValueError("clamp(): at least one of min and max must be given")
    if isinstance(min, _array_like) or isinstance(max, _array_like):
        bounds = [bound for bound in (min, max) if bound is not None]
        return ClampTensors.apply(input, *bounds, given=(min is not None, max is not None))
    return Clamp.apply(input, min=min, max=max)


clip = clamp


def clamp_min(input: Any, min: Any) -> Tensor:
    """``max(input, min)``, ``clamp(input, min=min)``; ``min`` a number or a tensor.

    Args:
        input (Tensor): the values to limit.
        min (number or Tensor): the lower bound, broadcast with ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.clamp_min(rb.tensor([-2.0, 0.5]), 0)
        tensor([0. , 0.5])
    """
    return clamp(input, min=_bound(min, "clamp_min", "min"))


def clamp_max(input: Any, max: Any) -> Tensor:
    """``min(input, max)``, ``clamp(input, max=max)``; ``max`` a number or a tensor.

    Args:
        input (Tensor): the values to limit.
        max (number or Tensor): the upper bound, broadcast with ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.clamp_max(rb.tensor([-2.0, 0.5]), 0)
        tensor([-2.,  0.])
    """
    return clamp(input, max=_bound(max, "clamp_max", "max"))


def _bound(bound: Any, op: str, name: str) -> Any:
    if bound is None:  # clamp would take it for "no bound" and name itself in the error
        raise TypeError(f"{op}(): {name} must be a number or a tensor, got None; use clamp() "
                        f"for an optional bound")
    return bound


def sign(input: Any) -> Tensor:
    """-1, 0 or 1 by the sign of each entry; its gradient is zero, as in PyTorch.

    Args:
        input (Tensor or number): any numeric or bool dtype; the result keeps it.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.sign(rb.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    return Sign.apply(input)


def lerp(input: Any, end: Any, weight: Any) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``, element-wise.

    Args:
        input (Tensor): the start points.
        end (Tensor): the end points, broadcast with ``input``.
        weight (number or Tensor): 0 gives ``input``, 1 gives ``end``.

    Shape: the three broadcast together; the result has the broadcast shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.lerp(rb.tensor([0.0, 10.0]), rb.tensor([10.0, 20.0]), 0.5)
        tensor([ 5., 15.])
    """
    return add(input, mul(sub(end, input), weight))


def _arr(a: Any) -> Any:
    return a.data if isinstance(a, Tensor) else as_array(a)


def _constant(array: Any) -> Tensor:
    return _wrap(xp.asarray(array))


def _in_result_dtype(a: Any, b: Any) -> tuple[Any, Any]:
    """Arrays or numbers ``a`` and ``b`` in PyTorch's result dtype for them, where its comparisons
    compute: ``float64 == 0.1`` compares with the float64 0.1 (not a float32 one), an int wraps
    into an integer dtype (uint8 255 == -1), where NumPy compares values exactly."""
    dtype = result_type(a, b)
    return _operand_in(a, dtype), _operand_in(b, dtype)


def _operand_in(a: Any, dtype: Any) -> Any:
    if type(a) is int and dtype.kind in "iu":
        return _int_in(a, dtype)
    return xp.asarray(a, dtype=dtype)


def _torch_operands(a: Any, b: Any, op: str | None = None) -> tuple[Any, Any]:
    """Arrays or numbers ``a`` and ``b`` as PyTorch computes with them: in its result dtype (see
    ``_in_result_dtype``), unchanged where NumPy's dtype is that one anyway (arrays of one
    dtype, a float array and a Python number, an int64 one and an int).  ``op``, when given,
    is named in PyTorch's error for two bools, which it doesn't compute on."""
    if type(a) is _ndarray and (a.dtype is getattr(b, "dtype", None)
                                or a.dtype.kind == "f" and type(b) in (float, int)
                                or type(b) is int and a.dtype is _int64 and -2 ** 63 <= b < 2 ** 63):
        out = a, b
    else:
        out = _in_result_dtype(a, b)
    if op is not None and out[0].dtype.kind == "b" and getattr(out[1], "dtype", None) is _bool:
        raise TypeError(f"{op}: not implemented for two bool tensors, as in PyTorch; convert them "
                        f"first (x.long())")
    return out


def _operand(a: Any) -> Any:
    """A tensor's array; numbers as they are, for ``result_type`` to see them as numbers."""
    return a.data if isinstance(a, Tensor) else a if isinstance(a, (bool, int, float)) else as_array(a)
