"""Floating-point utilities: ``logaddexp2``, ``ldexp``, ``nextafter``, ``frexp``, and the tests
``isposinf``, ``isneginf``, ``isreal``.

The differentiable ones compute in PyTorch's promoted dtype of their two inputs (float32
where that is an integer, ``trigonometric._floating``) and use PyTorch's derivative
formulas, including its choice for ``nextafter``, whose step to the neighbouring float
PyTorch treats as the identity in ``input`` (gradient 1) and a constant in ``other``.
The tests give bool tensors, not differentiable.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from .._backend import xp
from .. import _backend
from ..autograd.function import Function
from ..tensor import Tensor
from .arithmetic import _arr, _constant, result_type
from .special import _LN2
from .trigonometric import _floating


class Logaddexp2(Function):
    """``log2(2^input + 2^other)`` without overflow: ``max + log2(1 + 2^-|input - other|)``, and
    the infinity itself where both are the same infinity.

    ``d/d input = 1 / (1 + 2^(other - input))``, and symmetrically for ``other`` (PyTorch's
    formula: nan where both are the same infinity).  Floating inputs only, as PyTorch.

    Args:
        input (Tensor): a floating tensor.
        other (Tensor or number): broadcast with ``input``.

    Shape: the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.logaddexp2(rb.tensor([1.0, 200.0]), rb.tensor([1.0, 200.0]))  # 2^200 overflows float32
        tensor([  2., 201.])
    """

    saves_inputs = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y = _floating(x, y, "logaddexp2()")
        return xp.logaddexp2(x, y)

    def backward(self, grad):
        p, x, y = self.parents, self.x, self.y
        return (grad / (1 + xp.exp2(y - x)) if p[0] is not None else None,
                grad / (1 + xp.exp2(x - y)) if p[1] is not None else None)


class Ldexp(Function):
    """``input * 2^other``: ``input`` scaled by a power of two.

    In the promoted dtype of the two (the default dtype for integers: ``ldexp`` of two int
    tensors is float32, as in PyTorch).  ``d/d input = 2^other``, ``d/d other = input 2^other ln 2``.
    A bool ``other`` with a floating ``input`` raises, as in PyTorch (it has no such kernel).

    Args:
        input (Tensor): the mantissas, any numeric dtype.
        other (Tensor or number): the exponents, broadcast with ``input``; usually integers.

    Shape: the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.ldexp(rb.tensor([1.0, 3.0]), rb.tensor([3, -1]))
        tensor([8. , 1.5])
    """

    saves_output = True

    def forward(self, x, e):
        dtype = result_type(x, e)
        if xp.asarray(e).dtype.kind == "b" and dtype.kind == "f":
            raise TypeError(f"ldexp(): a bool exponent with a {dtype} input is not implemented, as in "
                            f"PyTorch; convert the exponent first (other.int())")
        dtype = dtype if dtype.kind == "f" else _backend.default_float
        self.dtype = dtype
        # float16 computes in float32: 2^e alone would overflow it where input * 2^e does not.
        work = xp.float32 if dtype == xp.float16 else dtype
        self.scale = xp.exp2(xp.asarray(e, dtype=work))
        return (xp.asarray(x, dtype=work) * self.scale).astype(dtype, copy=False)

    def backward(self, grad):
        p = self.parents
        return (grad * self.scale.astype(self.dtype, copy=False) if p[0] is not None else None,
                grad * self._output * _LN2 if p[1] is not None else None)


class Nextafter(Function):
    """The next floating-point value after ``input`` toward ``other``, element-wise.

    In the promoted dtype of the two (float32's neighbours for float32 inputs); floating
    inputs only, as PyTorch.  Its gradient is PyTorch's: ``grad`` to ``input``, as if the
    step were the identity, and zero to ``other``.

    Args:
        input (Tensor): a floating tensor.
        other (Tensor or number): the direction, broadcast with ``input``.

    Shape: the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import rosenblatt as rb
        >>> eps = rb.nextafter(rb.tensor([1.0]), rb.tensor([2.0])) - 1
        >>> eps.item() == float(rb.finfo(rb.float32).eps)
        True
    """

    saves_arrays = False

    def forward(self, x, y):
        x, y = _floating(x, y, "nextafter()")
        return xp.nextafter(x, y)

    def backward(self, grad):
        p = self.parents
        return (grad if p[0] is not None else None,
                xp.zeros_like(grad) if p[1] is not None else None)


class Mantissa(Function):
    """The mantissa of ``frexp``, ``input / 2^exponent`` for the ``exponent`` frexp found:
    ``d/d input = 2^-exponent`` (PyTorch's), through ``ldexp`` so no power of two overflows."""

    saves_arrays = False

    def forward(self, x, exponent=None):
        self.exponent = exponent
        return xp.frexp(x)[0]

    def backward(self, grad):
        return xp.ldexp(grad, -self.exponent)


logaddexp2 = Logaddexp2.apply
ldexp = Ldexp.apply
nextafter = Nextafter.apply


class FrexpResult(NamedTuple):
    """``(mantissa, exponent)`` of ``frexp``, like ``torch.return_types.frexp``."""

    mantissa: Tensor
    exponent: Tensor


def frexp(input: Tensor) -> FrexpResult:
    """Each entry split as ``mantissa * 2^exponent``, ``0.5 <= |mantissa| < 1`` (0, inf and nan
    keep their value as the mantissa, exponent 0).

    The mantissa has ``input``'s floating dtype and its gradient, ``2^-exponent``; the exponent
    is int32 and not differentiable, as in PyTorch.

    Args:
        input (Tensor): a floating tensor.

    Returns:
        FrexpResult: ``(mantissa, exponent)``, both of ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> mantissa, exponent = rb.frexp(rb.tensor([8.0, -3.5, 0.0]))
        >>> mantissa.tolist(), exponent.tolist()
        ([0.5, -0.875, 0.0], [4, 2, 0])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"frexp(): expected a Tensor, got {type(input).__name__}")
    if input.dtype.kind != "f":
        raise TypeError(f"frexp(): only floating-point dtypes are supported, got {input.dtype}; "
                        f"convert the tensor first (input.float())")
    exponent = xp.frexp(input.data)[1].astype(xp.int32, copy=False)
    return FrexpResult(Mantissa.apply(input, exponent=exponent), _constant(exponent))


def isposinf(input: Any) -> Tensor:
    """True where ``input`` is +inf (a bool tensor; integers and bools never are).

    Args:
        input (Tensor or number): any dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.isposinf(rb.tensor([1.0, float("inf"), -float("inf"), float("nan")]))
        tensor([False,  True, False, False])
    """
    a = _arr(input)
    return _constant(xp.isposinf(a) if a.dtype.kind == "f" else xp.zeros(a.shape, dtype=bool))


def isneginf(input: Any) -> Tensor:
    """True where ``input`` is -inf (a bool tensor; integers and bools never are).

    Args:
        input (Tensor or number): any dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.isneginf(rb.tensor([1.0, float("inf"), -float("inf"), float("nan")]))
        tensor([False, False,  True, False])
    """
    a = _arr(input)
    return _constant(xp.isneginf(a) if a.dtype.kind == "f" else xp.zeros(a.shape, dtype=bool))


def isreal(input: Any) -> Tensor:
    """True where ``input`` has no imaginary part: everywhere, as this release has no complex
    tensors (nan and inf are real too, as in PyTorch).

    Args:
        input (Tensor or number): any dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.isreal(rb.tensor([1.0, float("nan")]))
        tensor([ True,  True])
    """
    return _constant(xp.ones(_arr(input).shape, dtype=bool))
