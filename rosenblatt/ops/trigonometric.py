"""The tangent, inverse trigonometric, hyperbolic and inverse hyperbolic functions; atan2,
hypot, and conversion between degrees and radians (sin and cos live in pointwise.py).

Each op keeps the cheapest thing its derivative needs, as in pointwise.py: tan's
derivative is a function of its output (``1 + tan^2``), so it keeps the output; the
others' are algebraic in the input (``asin'(x) = 1 / sqrt(1 - x^2)``), so they keep the
input.  The derivative formulas are PyTorch's (``derivatives.yaml``),
written the same way, so the gradients agree at the domain's edges too
(``acosh'(1) = inf``, ``atanh'(1) = inf``).  Integer and bool inputs compute in
the default dtype; two inputs compute in PyTorch's promoted dtype (``_floating``).
"""
from __future__ import annotations

import math
from typing import Any

from .._backend import xp
from .. import _backend
from ..autograd.function import POINTWISE_SLOTS, Function
from ..tensor import Tensor
from .arithmetic import Mul, result_type
from .pointwise import _float


def _floating(x: Any, y: Any, op: str | None = None) -> tuple[Any, Any]:
    """``x`` and ``y`` (arrays or numbers) as arrays of the dtype PyTorch computes a floating op
    of two inputs in: their promoted dtype (``result_type``: float32 with a float64 number
    stays float32), the default dtype where that is an integer or bool.  ``op``, when given, is
    an op PyTorch has no integer kernel for (hypot, logaddexp): integer inputs raise, naming it."""
    dtype = result_type(x, y)
    if dtype.kind != "f":
        if op is not None:
            raise TypeError(f"{op}: not implemented for {dtype} inputs, as in PyTorch; convert them "
                            f"to floating point first (x.float())")
        dtype = _backend.default_float
    return xp.asarray(x, dtype=dtype), xp.asarray(y, dtype=dtype)


# ------------------------------------------------------------------ tangent
class Tan(Function):
    """``tan(input) = sin(input) / cos(input)``, element-wise, in radians; integer and bool
    inputs give the default dtype.

    ``d/dx tan(x) = 1 + tan(x)^2`` (PyTorch's formula, from the output: no cos to divide by).

    Args:
        input (Tensor): any numeric dtype.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import math
        >>> import rosenblatt as rb
        >>> rb.tan(rb.tensor([0.0, math.pi / 4, -math.pi / 4]))
        tensor([ 0.,  1., -1.])
    """

    saves_output = True
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.tan

    def forward(self, x):
        return xp.tan(_float(x))

    def backward(self, grad):
        y = self._output
        return grad * (1 + y * y)


# ------------------------------------------------------------------ inverse trigonometric
class Asin(Function):
    """``arcsin(input)``, in ``[-pi/2, pi/2]``; nan outside ``[-1, 1]``.

    ``d/dx asin(x) = 1 / sqrt(1 - x^2)`` (inf at +-1).

    Example:
        >>> import rosenblatt as rb
        >>> rb.asin(rb.tensor([0.0, 0.5, 1.0]))
        tensor([0.    , 0.5236, 1.5708])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.arcsin

    def forward(self, x):
        return xp.arcsin(_float(x))

    def backward(self, grad):
        x = self._inputs[0]
        return grad / xp.sqrt(1 - x * x)


class Acos(Function):
    """``arccos(input)``, in ``[0, pi]``; nan outside ``[-1, 1]``.

    ``d/dx acos(x) = -1 / sqrt(1 - x^2)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.acos(rb.tensor([1.0, 0.0, -1.0]))
        tensor([0.    , 1.5708, 3.1416])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.arccos

    def forward(self, x):
        return xp.arccos(_float(x))

    def backward(self, grad):
        x = self._inputs[0]
        return -grad / xp.sqrt(1 - x * x)


class Atan(Function):
    """``arctan(input)``, in ``(-pi/2, pi/2)``.

    ``d/dx atan(x) = 1 / (1 + x^2)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.atan(rb.tensor([0.0, 1.0]))
        tensor([0.    , 0.7854])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.arctan

    def forward(self, x):
        return xp.arctan(_float(x))

    def backward(self, grad):
        x = self._inputs[0]
        return grad / (1 + x * x)


class Atan2(Function):
    """The angle of the point ``(other, input)``: ``arctan(input / other)`` in the quadrant of
    the point, in ``[-pi, pi]``.  At the origin it is C's: 0, or ``pi`` for ``other = -0.0``.

    ``d/d input = other / r^2``, ``d/d other = -input / r^2`` with ``r^2 = input^2 + other^2``;
    both 0 at the origin, as PyTorch sets them (the formula gives 0/0, nan).

    Example:
        >>> import rosenblatt as rb
        >>> rb.atan2(rb.tensor([1.0, 1.0, 0.0]), rb.tensor([1.0, -1.0, 0.0]))
        tensor([0.7854, 2.3562, 0.    ])
    """

    saves_inputs = (0, 1)

    def forward(self, y, x):  # atan2(input, other) is the angle of (x, y) = (other, input)
        self.y, self.x = y, x = _floating(y, x)
        return xp.arctan2(y, x)

    def backward(self, grad):
        p, y, x = self.parents, self.y, self.x
        r2 = x * x + y * y
        scale = xp.where(r2 == 0, 0, grad / r2)  # 0, not nan, at the origin (PyTorch's mask)
        return (scale * x if p[0] is not None else None,
                -scale * y if p[1] is not None else None)


# ------------------------------------------------------------------ hyperbolic
class Sinh(Function):
    """``(e^x - e^-x) / 2``.

    ``d/dx sinh(x) = cosh(x)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.sinh(rb.tensor([0.0, 1.0]))
        tensor([0.    , 1.1752])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.sinh

    def forward(self, x):
        return xp.sinh(_float(x))

    def backward(self, grad):
        return grad * xp.cosh(self._inputs[0])


class Cosh(Function):
    """``(e^x + e^-x) / 2``.

    ``d/dx cosh(x) = sinh(x)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cosh(rb.tensor([0.0, 1.0]))
        tensor([1.    , 1.5431])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.cosh

    def forward(self, x):
        return xp.cosh(_float(x))

    def backward(self, grad):
        return grad * xp.sinh(self._inputs[0])


class Asinh(Function):
    """``log(x + sqrt(x^2 + 1))``, the inverse of sinh.

    ``d/dx asinh(x) = 1 / sqrt(x^2 + 1)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.asinh(rb.tensor([0.0, 1.0]))
        tensor([0.    , 0.8814])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.arcsinh

    def forward(self, x):
        return xp.arcsinh(_float(x))

    def backward(self, grad):
        x = self._inputs[0]
        return grad / xp.sqrt(x * x + 1)


class Acosh(Function):
    """``log(x + sqrt(x^2 - 1))``, the inverse of cosh on ``x >= 1``; nan below 1.

    ``d/dx acosh(x) = 1 / sqrt(x^2 - 1)`` (inf at 1).

    Example:
        >>> import rosenblatt as rb
        >>> rb.acosh(rb.tensor([1.0, 3.0]))
        tensor([0.    , 1.7627])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.arccosh

    def forward(self, x):
        return xp.arccosh(_float(x))

    def backward(self, grad):
        x = self._inputs[0]
        return grad / xp.sqrt(x * x - 1)


class Atanh(Function):
    """``log((1 + x) / (1 - x)) / 2``, the inverse of tanh: +-inf at +-1, nan beyond.

    ``d/dx atanh(x) = 1 / (1 - x^2)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.atanh(rb.tensor([0.0, 0.5, 1.0]))
        tensor([0.    , 0.5493,    inf])
    """

    saves_inputs = (0,)
    __slots__ = POINTWISE_SLOTS
    ufunc = xp.arctanh

    def forward(self, x):
        return xp.arctanh(_float(x))

    def backward(self, grad):
        x = self._inputs[0]
        return grad / (1 - x * x)


# ------------------------------------------------------------------ hypot
class Hypot(Function):
    """``sqrt(input^2 + other^2)``, without the overflow or underflow of the squares.

    ``d/d input = input / hypot``, ``d/d other = other / hypot``: nan at the origin (0/0), as in
    PyTorch.  Floating inputs only, as PyTorch (it has no integer kernel).

    Example:
        >>> import rosenblatt as rb
        >>> rb.hypot(rb.tensor([3.0, 1e30]), rb.tensor([4.0, 1e30]))
        tensor([5.0000e+00, 1.4142e+30])
    """

    saves_inputs = (0, 1)
    saves_output = True

    def forward(self, x, y):
        self.x, self.y = x, y = _floating(x, y, "hypot()")
        return xp.hypot(x, y)

    def backward(self, grad):
        p = self.parents
        scale = grad / self._output
        return (scale * self.x if p[0] is not None else None,
                scale * self.y if p[1] is not None else None)


# The functions are the ops' apply functions themselves (see pointwise.py).
tan = Tan.apply
asin = Asin.apply
acos = Acos.apply
atan = Atan.apply
atan2 = Atan2.apply
sinh = Sinh.apply
cosh = Cosh.apply
asinh = Asinh.apply
acosh = Acosh.apply
atanh = Atanh.apply
hypot = Hypot.apply

# NumPy's names, which PyTorch also takes.
arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh


# ------------------------------------------------------------------ angles
# Products with a constant: Mul's gradient and dtypes (an integer tensor gives the default dtype) are
# already PyTorch's, so these need no Function of their own.
_RADIANS_PER_DEGREE = math.pi / 180
_DEGREES_PER_RADIAN = 180 / math.pi


def deg2rad(input: Any) -> Tensor:
    """``input * pi / 180``: degrees to radians; integer and bool inputs give the default dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.deg2rad(rb.tensor([180, 90]))
        tensor([3.1416, 1.5708])
    """
    return Mul.apply(input, _RADIANS_PER_DEGREE)


def rad2deg(input: Any) -> Tensor:
    """``input * 180 / pi``: radians to degrees; integer and bool inputs give the default dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.rad2deg(rb.tensor([1.0, -0.5]))
        tensor([ 57.2958, -28.6479])
    """
    return Mul.apply(input, _DEGREES_PER_RADIAN)
