"""Comparisons, logical and bitwise ops, and the tests ``isnan``, ``equal``, ``allclose``, ...:
results that are not differentiable (bool or integer tensors, or Python bools).

Operands compute in PyTorch's result dtype for them (``float64 == 0.1`` compares with the
float64 0.1; an int wraps into an integer dtype), where NumPy would compare values exactly.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import as_array
from ..tensor import Tensor
from .arithmetic import _arr, _constant, _operand, _torch_operands, _wrapped_int, result_type


def _comparison(ufunc: Any, name: str) -> Any:
    def compare(input: Any, other: Any) -> Tensor:
        return _constant(ufunc(*_torch_operands(_operand(input), _operand(other))))

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

eq.__doc__ = """Element-wise ``input == other``, a bool tensor (not differentiable).

    Args:
        input (Tensor or number): the left side.
        other (Tensor or number): the right side, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.eq(rb.tensor([1, 2, 3]), 2)
        tensor([False,  True, False])
    """

ne.__doc__ = """Element-wise ``input != other``, a bool tensor (not differentiable).

    ``not_equal`` is the same function.

    Args:
        input (Tensor or number): the left side.
        other (Tensor or number): the right side, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.ne(rb.tensor([1, 2, 3]), 2)
        tensor([ True, False,  True])
    """

lt.__doc__ = """Element-wise ``input < other``, a bool tensor (not differentiable).

    ``less`` is the same function.

    Args:
        input (Tensor or number): the left side.
        other (Tensor or number): the right side, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.lt(rb.tensor([1, 2, 3]), 2)
        tensor([ True, False, False])
    """

le.__doc__ = """Element-wise ``input <= other``, a bool tensor (not differentiable).

    ``less_equal`` is the same function.

    Args:
        input (Tensor or number): the left side.
        other (Tensor or number): the right side, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.le(rb.tensor([1, 2, 3]), 2)
        tensor([ True,  True, False])
    """

gt.__doc__ = """Element-wise ``input > other``, a bool tensor (not differentiable).

    ``greater`` is the same function.

    Args:
        input (Tensor or number): the left side.
        other (Tensor or number): the right side, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.gt(rb.tensor([1, 2, 3]), 2)
        tensor([False, False,  True])
    """

ge.__doc__ = """Element-wise ``input >= other``, a bool tensor (not differentiable).

    ``greater_equal`` is the same function.

    Args:
        input (Tensor or number): the left side.
        other (Tensor or number): the right side, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.ge(rb.tensor([1, 2, 3]), 2)
        tensor([False,  True,  True])
    """

logical_and.__doc__ = """Element-wise logical ``and`` (nonzero is True), a bool tensor (not differentiable).

    Args:
        input (Tensor or number): any dtype; nonzero entries count as True.
        other (Tensor or number): the same, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.logical_and(rb.tensor([True, True, False, False]), rb.tensor([True, False, True, False]))
        tensor([ True, False, False, False])
    """

logical_or.__doc__ = """Element-wise logical ``or`` (nonzero is True), a bool tensor (not differentiable).

    Args:
        input (Tensor or number): any dtype; nonzero entries count as True.
        other (Tensor or number): the same, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.logical_or(rb.tensor([True, True, False, False]), rb.tensor([True, False, True, False]))
        tensor([ True,  True,  True, False])
    """

logical_xor.__doc__ = """Element-wise logical ``xor`` (nonzero is True), a bool tensor (not differentiable).

    Args:
        input (Tensor or number): any dtype; nonzero entries count as True.
        other (Tensor or number): the same, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.logical_xor(rb.tensor([True, True, False, False]), rb.tensor([True, False, True, False]))
        tensor([False,  True,  True, False])
    """


def _bitwise(ufunc: Any, name: str) -> Any:
    def bitwise(input: Any, other: Any) -> Tensor:
        a, b = _operand(input), _operand(other)
        dtype = _integer_dtype(name, a, b)
        try:
            out = ufunc(a, b)
        except OverflowError as error:  # a Python int outside an integer dtype: PyTorch wraps it
            out = ufunc(*_wrapped_int(a, b, error))
        return _constant(out.astype(dtype, copy=False))

    bitwise.__name__ = bitwise.__qualname__ = name
    bitwise.__doc__ = (f"Element-wise ``{ufunc.__name__}`` of integer or bool tensors (the ``{name[8:]}`` "
                       f"of each bit; logical for bools), not differentiable.")
    return bitwise


bitwise_and = _bitwise(xp.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(xp.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(xp.bitwise_xor, "bitwise_xor")
bitwise_left_shift = _bitwise(xp.left_shift, "bitwise_left_shift")
bitwise_right_shift = _bitwise(xp.right_shift, "bitwise_right_shift")
gcd = _bitwise(xp.gcd, "gcd")
lcm = _bitwise(xp.lcm, "lcm")
bitwise_and.__doc__ = """Element-wise ``input & other``: the ``and`` of each bit (logical for bools).

    Not differentiable.

    Args:
        input (Tensor or int): an integer or bool tensor.
        other (Tensor or int): the same, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bitwise_and(rb.tensor([12, 10]), 6)  # 0b1100, 0b1010 with 0b0110
        tensor([4, 2])
    """

bitwise_or.__doc__ = """Element-wise ``input | other``: the ``or`` of each bit (logical for bools).

    Not differentiable.

    Args:
        input (Tensor or int): an integer or bool tensor.
        other (Tensor or int): the same, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bitwise_or(rb.tensor([12, 10]), 6)  # 0b1100, 0b1010 with 0b0110
        tensor([14, 14])
    """

bitwise_xor.__doc__ = """Element-wise ``input ^ other``: the ``xor`` of each bit (logical for bools).

    Not differentiable.

    Args:
        input (Tensor or int): an integer or bool tensor.
        other (Tensor or int): the same, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bitwise_xor(rb.tensor([12, 10]), 6)  # 0b1100, 0b1010 with 0b0110
        tensor([10, 12])
    """

bitwise_left_shift.__doc__ = """``input << other`` element-wise, of integer tensors; not differentiable.

    ``input * 2 ** other``, wrapping around at the dtype's width.

    Args:
        input (Tensor or int): an integer tensor.
        other (Tensor or int): the shift, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bitwise_left_shift(rb.tensor([1, 3]), 2)
        tensor([ 4, 12])
    """

bitwise_right_shift.__doc__ = """``input >> other`` element-wise (arithmetic), of integer tensors.

    ``floor(input / 2 ** other)``: the sign bit is kept, so negative numbers stay negative.
    Not differentiable.

    Args:
        input (Tensor or int): an integer tensor.
        other (Tensor or int): the shift, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bitwise_right_shift(rb.tensor([8, -8]), 2)
        tensor([ 2, -2])
    """

gcd.__doc__ = """The greatest common divisor, element-wise, of integer tensors; not differentiable.

    ``gcd(0, 0) = 0``; the result is never negative.

    Args:
        input (Tensor or int): an integer tensor.
        other (Tensor or int): the same, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.gcd(rb.tensor([12, 18]), rb.tensor([8, 27]))
        tensor([4, 9])
    """

lcm.__doc__ = """The least common multiple, element-wise, of integer tensors; not differentiable.

    ``|input * other| / gcd(input, other)``, 0 where either is 0.

    Args:
        input (Tensor or int): an integer tensor.
        other (Tensor or int): the same, broadcast with ``input``.

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.lcm(rb.tensor([4, 6]), rb.tensor([6, 5]))
        tensor([12, 30])
    """


def bitwise_not(input: Any) -> Tensor:
    """Each bit flipped (``~x``) of an integer tensor; ``not`` of a bool one.

    For signed integers ``~x == -x - 1``.  Not differentiable.

    Args:
        input (Tensor or int): an integer or bool tensor.

    Shape: the result has ``input``'s shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bitwise_not(rb.tensor([0, 5, -1])), rb.bitwise_not(rb.tensor([True, False]))
        (tensor([-1, -6,  0]), tensor([False,  True]))
    """
    a = _operand(input)
    _integer_dtype("bitwise_not", a)
    return _constant(xp.invert(a))


def _integer_dtype(op: str, *inputs: Any) -> Any:
    dtype = result_type(*inputs)
    if dtype.kind not in "biu":
        raise TypeError(f"{op}: expected integer or bool tensors, got {dtype}; compare first "
                        f"(x > 0) for a bool mask, or use logical_and/logical_or/logical_not")
    return dtype


def logical_not(input: Any) -> Tensor:
    """Element-wise logical ``not`` (True where ``input`` is 0), a bool tensor (not differentiable).

    Args:
        input (Tensor or number): any dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.logical_not(rb.tensor([0.0, 2.0]))
        tensor([ True, False])
    """
    return _constant(xp.logical_not(_arr(input)))


def isnan(input: Any) -> Tensor:
    """True where ``input`` is nan (a bool tensor; integers are never nan).

    Args:
        input (Tensor or number): any dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.isnan(rb.tensor([1.0, float("nan"), float("inf")]))
        tensor([False,  True, False])
    """
    return _constant(xp.isnan(_arr(input)))


def isinf(input: Any) -> Tensor:
    """True where ``input`` is +inf or -inf (a bool tensor).

    Args:
        input (Tensor or number): any dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.isinf(rb.tensor([1.0, float("nan"), float("inf"), -float("inf")]))
        tensor([False, False,  True,  True])
    """
    return _constant(xp.isinf(_arr(input)))


def isfinite(input: Any) -> Tensor:
    """True where ``input`` is neither nan nor +-inf (a bool tensor).

    Args:
        input (Tensor or number): any dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.isfinite(rb.tensor([1.0, float("nan"), float("inf")]))
        tensor([ True, False, False])
    """
    return _constant(xp.isfinite(_arr(input)))


def equal(input: Any, other: Any) -> bool:
    """True when both tensors have the same shape and elements.

    A Python bool, unlike :func:`eq`, which compares element by element.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second; no broadcasting.

    Example:
        >>> import rosenblatt as rb
        >>> rb.equal(rb.tensor([1, 2]), rb.tensor([1, 2])), rb.equal(rb.tensor([1, 2]), rb.tensor([[1, 2]]))
        (True, False)
    """
    a, b = _arr(input), _arr(other)
    return a.shape == b.shape and bool((a == b).all())


def allclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    """Whether every ``|input - other| <= atol + rtol * |other|`` (a Python bool); see :func:`isclose`.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second, broadcast with ``input``.
        rtol (float): the relative tolerance (default 1e-5).
        atol (float): the absolute tolerance (default 1e-8).
        equal_nan (bool): count two nans as close (default False).

    Example:
        >>> import rosenblatt as rb
        >>> rb.allclose(rb.tensor([1.0, 2.0]), rb.tensor([1.0, 2.000001]))
        True
        >>> rb.allclose(rb.tensor([1.0, 2.0]), rb.tensor([1.0, 2.5]))
        False
    """
    return bool(xp.allclose(_arr(input), _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> Tensor:
    """Element-wise ``|input - other| <= atol + rtol * |other|``, a bool tensor.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second, broadcast with ``input``.
        rtol (float): the relative tolerance (default 1e-5).
        atol (float): the absolute tolerance (default 1e-8).
        equal_nan (bool): count two nans as close (default False).

    Shape: the result has the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> x, y = rb.tensor([1.0, 2.0, float("nan")]), rb.tensor([1.0, 2.5, float("nan")])
        >>> rb.isclose(x, y), rb.isclose(x, y, equal_nan=True)
        (tensor([ True, False, False]), tensor([ True, False,  True]))
    """
    return _constant(xp.isclose(_arr(input), _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))
