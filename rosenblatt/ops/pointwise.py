"""Element-wise math of one input: exp, log, trigonometry, activations.

Each op keeps the cheapest thing its derivative needs: its output where the
derivative is a function of the output (exp, tanh, sigmoid, sqrt), else its input.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from .. import _backend
from ..autograd.function import POINTWISE_SLOTS, Function, as_array
from ..tensor import Tensor
from .arithmetic import sign_of


def sigmoid_given_exp(x, e):
    """``sigmoid(x)`` from ``e = exp(-|x|)``, which never overflows: ``1 / (1 + e)`` for
    ``x >= 0`` and ``e / (1 + e)`` below keep full relative precision at both tails
    (sigmoid(-1e4) is 0, not nan).  The numerator is ``maximum(e, sign(x))``, the same
    values as ``where(x >= 0, 1, e)`` without its branches: 5x faster on random signs.
    """
    return xp.maximum(e, xp.sign(x)) / (1 + e)


def check_floating(op: str, x: Any, or_int64: bool = False) -> None:
    """Raise PyTorch's refusal of an integer or bool input where it has floating-point kernels
    only ("not implemented for 'Long'"); NumPy would give float64, or integers truncated.
    ``or_int64``: the op also has an int64 kernel (avg_pool2d), so int64 passes."""
    if x.dtype.kind != "f" and not (or_int64 and x.dtype == "int64"):
        raise TypeError(f"{op}: expected a floating-point{' or int64' if or_int64 else ''} input, "
                        f"got dtype {x.dtype}; convert it first, e.g. x.float()")


def _no_bool(x, op):
    """PyTorch has no abs, relu or rounding of bool tensors (NumPy would give bool or float16)."""
    if x.dtype.kind == "b":  # a dtype against a type would build a dtype per call (hot: relu)
        raise TypeError(f"{op}(): not defined for bool tensors; convert with .int() or .float() first")
    return x


def _float(x):
    """Integer and bool inputs of floating ops compute in the default dtype (``get_default_dtype()``),
    as PyTorch's (NumPy: float64)."""
    return x.astype(_backend.default_float) if x.dtype.kind in "biu" else x


class Exp(Function):
    """``e ** input``.

    Element-wise; integer inputs give the default dtype.  Its gradient is the output itself.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.exp(rb.tensor([0.0, 1.0, 2.0], dtype=rb.float64)).tolist()
        [1.0, 2.718281828459045, 7.38905609893065]
    """

    saves_output = True
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.exp

    def forward(self, x):
        return xp.exp(_float(x))

    def backward(self, grad):
        return grad * self._output


class Log(Function):
    """Natural logarithm; ``log(0) = -inf`` and negative inputs give nan, as in PyTorch.

    Element-wise ``ln(input)``; integer inputs give the default dtype.  Its gradient is ``1 / input``.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.log(rb.tensor([1.0, 0.0, -1.0]))
        tensor([  0., -inf,  nan])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.log

    def forward(self, x):
        return xp.log(_float(x))  # log(0) = -inf, as in PyTorch

    def backward(self, grad):
        return grad / self._inputs[0]


class Log1p(Function):
    """``log(1 + input)``, accurate for small inputs.

    Element-wise; integer inputs give the default dtype.  Its gradient is ``1 / (1 + input)``.

    Args:
        input (Tensor): any numeric dtype, ``> -1`` for a finite result.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1e-8])
        >>> rb.log(1 + x).item(), rb.log1p(x).item() > 0  # 1 + 1e-8 rounds to 1 in float32
        (0.0, True)
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.log1p

    def forward(self, x):
        return xp.log1p(_float(x))

    def backward(self, grad):
        return grad / (1 + self._inputs[0])


class Expm1(Function):
    """``exp(input) - 1``, accurate for small inputs.

    Element-wise; integer inputs give the default dtype.  Its gradient is ``exp(input)``.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1e-8])
        >>> (rb.exp(x) - 1).item(), rb.expm1(x).item() > 0  # exp(1e-8) rounds to 1 in float32
        (0.0, True)
    """

    saves_output = True
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.expm1

    def forward(self, x):
        return xp.expm1(_float(x))

    def backward(self, grad):
        return grad * (self._output + 1)


class Sqrt(Function):
    """``input ** 0.5``, element-wise; negative inputs give nan, integers the default dtype.

    Its gradient is ``1 / (2 sqrt(input))``.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.sqrt(rb.tensor([4.0, 9.0, 0.25]))
        tensor([2. , 3. , 0.5])
    """

    saves_output = True
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.sqrt

    def forward(self, x):
        return xp.sqrt(_float(x))

    def backward(self, grad):
        return grad / (2 * self._output)


class Rsqrt(Function):
    """``1 / sqrt(input)``.

    Element-wise; ``rsqrt(0) = inf``, negative inputs give nan, integers the default dtype.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.rsqrt(rb.tensor([4.0, 0.25]))
        tensor([0.5, 2. ])
    """

    saves_output = True

    def forward(self, x):
        self.out = 1 / xp.sqrt(_float(x))
        return self.out

    def backward(self, grad):
        return grad * (-0.5 * self.out ** 3)


class Abs(Function):
    """``|input|``, element-wise, in ``input``'s dtype (not bool, as in PyTorch).

    Its gradient is ``sign(input)``: 0 at 0.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.abs(rb.tensor([-1.5, 2.0])), rb.abs(rb.tensor([-3, 2]))
        (tensor([1.5, 2. ]), tensor([3, 2]))
    """

    saves_inputs = (0,)

    def forward(self, x):
        self.x = _no_bool(x, "abs")
        return xp.abs(x)

    def backward(self, grad):
        return grad * sign_of(self.x)  # 0 at 0 and at NaN, as in PyTorch


class Sin(Function):
    """``sin(input)``, element-wise, in radians; integer inputs give the default dtype.

    Its gradient is ``cos(input)``.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import math
        >>> import rosenblatt as rb
        >>> rb.sin(rb.tensor([0.0, math.pi / 2]))
        tensor([0., 1.])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.sin

    def forward(self, x):
        return xp.sin(_float(x))

    def backward(self, grad):
        return grad * xp.cos(self._inputs[0])


class Cos(Function):
    """``cos(input)``, element-wise, in radians; integer inputs give the default dtype.

    Its gradient is ``-sin(input)``.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import math
        >>> import rosenblatt as rb
        >>> rb.cos(rb.tensor([0.0, math.pi]))
        tensor([ 1., -1.])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.cos

    def forward(self, x):
        return xp.cos(_float(x))

    def backward(self, grad):
        return -grad * xp.sin(self._inputs[0])


class Tanh(Function):
    """``tanh(input) = (e^x - e^-x) / (e^x + e^-x)``, element-wise; integer inputs give the default dtype.

    Its gradient is ``1 - tanh(input)^2``, from the output.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.tanh(rb.tensor([0.0, 100.0, -100.0]))
        tensor([ 0.,  1., -1.])
    """

    saves_output = True
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.tanh

    def forward(self, x):
        return xp.tanh(_float(x))

    def backward(self, grad):
        # grad * (1 - out^2) without a Python scalar: NumPy's scalar path doubles the cost
        # of a small op (8x8 float32: 1 - x 0.86 us, x - y 0.43 us).
        out = self._output
        product = grad * out
        product *= out  # in place: the array is ours (one allocation fewer)
        return grad - product


class Sigmoid(Function):
    """``1 / (1 + exp(-input))``, stable at any magnitude.

    Element-wise; integer inputs give the default dtype.  Its gradient is ``out * (1 - out)``.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.sigmoid(rb.tensor([0.0, 100.0])), rb.sigmoid(rb.tensor(-1e4)).item()
        (tensor([0.5, 1. ]), 0.0)
    """

    saves_output = True

    def forward(self, x):
        x = _float(x)
        self.out = sigmoid_given_exp(x, xp.exp(-xp.abs(x)))
        return self.out

    def backward(self, grad):
        out = self.out
        return grad * (out - out * out)  # out * (1 - out), no Python scalar (see Tanh)


class Relu(Function):
    """``max(input, 0)``.

    Element-wise, in ``input``'s dtype (not bool); the gradient is 1 where ``input > 0``,
    0 elsewhere (0 at 0 too, as in PyTorch).

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.relu(rb.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def forward(self, x):
        _no_bool(x, "relu")
        # Against a row of zeros, not the scalar 0: NumPy's loop for a broadcast scalar
        # isn't vectorised (34 us against 16 us on a 128x512 float32 here).
        # Zeros first: NumPy's maximum gives its second argument on ties, so -0.0 stays -0.0,
        # as in PyTorch.
        out = xp.maximum(xp.zeros(x.shape[-1:], dtype=x.dtype), x)
        # The gradient passes where not out <= 0, as PyTorch's threshold_backward: 0 at 0, and
        # all of it at nan (out > 0 would drop it there); one comparison, as cheap as out > 0.
        self.passes = out != 0
        return out

    def backward(self, grad):
        return grad * self.passes


class ToDtype(Function):
    saves_arrays = False

    def forward(self, x, dtype=None):
        self.source = x.dtype
        return x.astype(dtype)

    def backward(self, grad):
        return grad.astype(self.source)


# The functions are the ops' apply functions themselves: one Python call per op, for
# rb.exp(x) and x.exp() alike.
exp = Exp.apply
log = Log.apply
log1p = Log1p.apply
expm1 = Expm1.apply
sqrt = Sqrt.apply
rsqrt = Rsqrt.apply
abs = Abs.apply
sin = Sin.apply
cos = Cos.apply
tanh = Tanh.apply
sigmoid = Sigmoid.apply
relu = Relu.apply


def log2(input: Any) -> Tensor:
    """The base-2 logarithm ``log(input) / log(2)``, element-wise; integers give the default dtype.

    Args:
        input (Tensor): any numeric dtype; 0 gives -inf, negative values nan.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.log2(rb.tensor([1.0, 8.0, 0.5]))
        tensor([ 0.,  3., -1.])
    """
    return Log.apply(input) * (1 / xp.log(2.0)).item()


def log10(input: Any) -> Tensor:
    """The base-10 logarithm ``log(input) / log(10)``, element-wise; integers give the default dtype.

    Args:
        input (Tensor): any numeric dtype; 0 gives -inf, negative values nan.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.log10(rb.tensor([1.0, 100.0, 0.1]))
        tensor([ 0.,  2., -1.])
    """
    return Log.apply(input) * (1 / xp.log(10.0)).item()


def reciprocal(input: Any) -> Tensor:
    """``1 / input``, element-wise; integers give the default dtype, ``1 / 0 = inf``.

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.reciprocal(rb.tensor([2.0, -0.5, 4.0]))
        tensor([ 0.5 , -2.  ,  0.25])
    """
    return 1 / input if isinstance(input, Tensor) else Tensor._wrap(1 / as_array(input))


def to_dtype(input: Any, dtype: Any) -> Tensor:
    """``input`` converted to ``dtype``; differentiable between floating dtypes."""
    dtype = xp.dtype(dtype)
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.data.dtype == dtype:
        return x
    if dtype.kind != "f":
        return Tensor._wrap(x.data.astype(dtype))
    return ToDtype.apply(x, dtype=dtype)


class Rounding(Function):
    """floor, ceil, round, trunc: piecewise constant, so the gradient is zero (as in PyTorch)."""

    def forward(self, x, ufunc=None, decimals=0):
        _no_bool(x, ufunc.__name__)
        if not decimals:
            return ufunc(x)
        if x.dtype.kind in "iu":
            raise TypeError(f"round(): decimals={decimals} is not implemented for integer tensors (as in "
                            f"PyTorch); convert with .float() first")
        return xp.round(x, decimals)  # x * 10 ** decimals rounded half to even, then divided: PyTorch's

    def backward(self, grad):
        return xp.zeros_like(grad)


def _rounding(ufunc: Any, name: str) -> Any:
    def rounding(input: Any) -> Tensor:
        return Rounding.apply(input, ufunc=ufunc)

    rounding.__name__ = rounding.__qualname__ = name
    rounding.__doc__ = f"Element-wise ``{name}``; its gradient is zero, as in PyTorch."
    return rounding


floor = _rounding(xp.floor, "floor")
ceil = _rounding(xp.ceil, "ceil")
trunc = _rounding(xp.trunc, "trunc")
floor.__doc__ = """Element-wise ``floor``; its gradient is zero, as in PyTorch.

    Each entry becomes the largest integer ``<= input``.

    Args:
        input (Tensor): any numeric dtype (not bool); integers come back unchanged.

    Shape: the result has ``input``'s shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.floor(rb.tensor([-1.5, 0.5, 2.5]))
        tensor([-2.,  0.,  2.])
    """
ceil.__doc__ = """Element-wise ``ceil``; its gradient is zero, as in PyTorch.

    Each entry becomes the smallest integer ``>= input``.

    Args:
        input (Tensor): any numeric dtype (not bool); integers come back unchanged.

    Shape: the result has ``input``'s shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.ceil(rb.tensor([-1.5, 0.5, 2.5]))
        tensor([-1.,  1.,  3.])
    """
trunc.__doc__ = """Element-wise ``trunc``; its gradient is zero, as in PyTorch.

    Each entry becomes ``input`` rounded toward zero.

    Args:
        input (Tensor): any numeric dtype (not bool); integers come back unchanged.

    Shape: the result has ``input``'s shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.trunc(rb.tensor([-1.5, 0.5, 2.5]))
        tensor([-1.,  0.,  2.])
    """


def round(input: Any, *, decimals: int = 0) -> Tensor:
    """Element-wise rounding half to even, to ``decimals`` places (negative: to tens, hundreds,
    ...); its gradient is zero, as in PyTorch.

    Args:
        input (Tensor): any numeric dtype (not bool).
        decimals (int): the number of decimal places (default 0); not for integer tensors.

    Shape: the result has ``input``'s shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.round(rb.tensor([-1.5, 0.5, 2.5]))  # halves go to the even neighbour
        tensor([-2.,  0.,  2.])
        >>> rb.round(rb.tensor([1234.0, 1250.0]), decimals=-2)
        tensor([1200., 1200.])
    """
    return Rounding.apply(input, ufunc=xp.round, decimals=decimals)
