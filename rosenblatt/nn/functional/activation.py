"""Activation functions beyond the core ops (relu, sigmoid, tanh and softmax live in ``rosenblatt.ops``).

Those whose composition would be slow, overflow or get PyTorch's gradient at a kink wrong
are one small Function each (no ``exp`` of a large positive number is ever taken, so they
are finite at +-1e4); the rest (softsign, glu, threshold, tanhshrink, softmin, prelu)
compose base ops, as PyTorch's do.
"""
from __future__ import annotations

import warnings
from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ... import ops
from ...ops import chunk, inplace, relu, sigmoid, tanh, where
from ...ops.pointwise import sigmoid_given_exp
from ...tensor import Tensor
from ._checks import check_dtype, check_floating


class LeakyRelu(Function):
    def forward(self, x, slope=0.01):
        check_floating("leaky_relu()", x)
        self.positive = x > 0
        self.slope = slope
        return xp.where(self.positive, x, x * slope)

    def backward(self, grad):
        return xp.where(self.positive, grad, grad * self.slope)


class Elu(Function):
    """PyTorch's elu kernel: ``scale * x`` for x > 0, ``scale * alpha * (exp(input_scale * x) - 1)``
    otherwise; selu (its fixed alpha and scale) and celu (``input_scale = 1 / alpha``) too.
    At x = 0 the gradient is the left one, ``scale * alpha * input_scale``, as PyTorch's."""

    def forward(self, x, alpha=1.0, scale=1.0, input_scale=1.0, op="elu()"):
        check_floating(op, x)
        self.positive, self.coefs = x > 0, (alpha, scale, input_scale)
        # Clamp before exp: exp of a large positive x would overflow even though unused.
        self.neg_x = xp.minimum(x, 0)
        if input_scale != 1.0:
            self.neg_x *= input_scale
        out = xp.where(self.positive, x, alpha * xp.expm1(self.neg_x))
        if scale != 1.0:
            out *= scale
        return out

    def backward(self, grad):
        alpha, scale, input_scale = self.coefs
        # alpha * exp(x), not elu(x) + alpha: that cancels to 0 below x = -17 in float32.
        negative = grad * ((alpha * scale * input_scale) * xp.exp(self.neg_x))
        return xp.where(self.positive, grad if scale == 1.0 else grad * scale, negative)


class Silu(Function):
    def forward(self, x):
        check_floating("silu()", x)
        self.x = x
        self.sig = sigmoid_given_exp(x, xp.exp(-xp.abs(x)))
        return x * self.sig

    def backward(self, grad):
        s = self.sig
        return grad * (s * (1.0 + self.x * (1.0 - s)))


class Softplus(Function):
    def forward(self, x, beta=1.0, threshold=20.0):
        check_floating("softplus()", x)
        z = x * beta
        self.linear = z > threshold
        e = xp.exp(-xp.abs(z))
        self.sig = sigmoid_given_exp(z, e)
        # log(1 + e^z) = max(z, 0) + log1p(e^-|z|): finite for any z.
        soft = (xp.maximum(z, 0) + xp.log1p(e)) / beta
        return xp.where(self.linear, x, soft).astype(x.dtype, copy=False)

    def backward(self, grad):
        return xp.where(self.linear, grad, grad * self.sig)


class Hardtanh(Function):
    """``clip(x, min_val, max_val)``.  The gradient passes strictly between the bounds (not
    at NaN), as in PyTorch's vectorised hardtanh; ``clamp``'s passes at the bounds too."""

    def forward(self, x, min_val=-1.0, max_val=1.0):
        _refuse_bool("hardtanh()", x)
        self.inside = (x > min_val) & (x < max_val)
        # astype: an integer input stays integer (PyTorch's), its float bounds truncated
        return xp.clip(x, min_val, max_val).astype(x.dtype, copy=False)

    def backward(self, grad):
        return xp.where(self.inside, grad, 0)


# PyTorch's hardsigmoid backward multiplies by 1.0f / 6.0f, rounded to float32 for every dtype:
# float64 gradients are 3e-8 (relatively) below grad / 6
_ONE_SIXTH_F32 = float(xp.float32(1.0) / xp.float32(6.0))


class Hardsigmoid(Function):
    """``clip(x + 3, 0, 6) / 6``; the gradient ``1/6`` strictly inside (-3, 3) (not at NaN),
    as in PyTorch."""

    def forward(self, x):
        check_floating("hardsigmoid()", x)
        self.inside = (x > -3.0) & (x < 3.0)
        return xp.clip(x + 3.0, 0.0, 6.0) / 6.0

    def backward(self, grad):
        return xp.where(self.inside, grad * _ONE_SIXTH_F32, 0)


class Hardswish(Function):
    """``x * clip(x + 3, 0, 6) / 6``; the gradient ``x / 3 + 1/2`` strictly inside (-3, 3)
    (NaN at NaN), 0 at and below -3, 1 from 3 on, as in PyTorch's vectorised hardswish."""

    def forward(self, x):
        check_floating("hardswish()", x)
        self.x = x
        return x * xp.clip(x + 3.0, 0.0, 6.0) / 6.0

    def backward(self, grad):
        x = self.x
        return xp.where(x <= -3.0, 0, xp.where(x >= 3.0, grad, grad * (x / 3.0 + 0.5)))


class Mish(Function):
    """``x * tanh(softplus(x))`` (Misra, 2019), softplus taken as ``max(x, 0) + log1p(e^-|x|)``
    so no exp overflows.  One node instead of the composition's three."""

    def forward(self, x):
        check_floating("mish()", x)
        self.x = x
        self.t = xp.tanh(xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x))))
        return x * self.t

    def backward(self, grad):
        x, t = self.x, self.t
        sig = sigmoid_given_exp(x, xp.exp(-xp.abs(x)))  # softplus' = sigmoid
        return grad * (t + x * sig * (1.0 - t * t))


class LogSigmoid(Function):
    """``log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|)``: finite for any x (the composition
    gives -inf below x = -104 in float32, and a NaN gradient)."""

    def forward(self, x):
        check_floating("logsigmoid()", x)
        self.x, self.e = x, xp.exp(-xp.abs(x))
        return xp.minimum(x, 0) - xp.log1p(self.e)

    def backward(self, grad):
        return grad * sigmoid_given_exp(-self.x, self.e)  # 1 - sigmoid(x), without cancellation


def _refuse_bool(op: str, x: Any) -> None:
    """PyTorch computes these on integers (in their dtype) but has no bool kernel."""
    if x.dtype.kind == "b":
        raise TypeError(f"{op}: bool input is not supported (PyTorch has no bool kernel); convert "
                        f"it first, e.g. x.float() or x.long()")


def _apply_inplace(input: Tensor, fn: Any, inplace_: bool, name: str) -> Tensor:
    """``fn(input)``, or with ``inplace_`` the result written into ``input``, ``inplace``'s
    errors naming ``name_()`` (they named ``fn``: ``<lambda>_()``, ``apply_()``)."""
    if not inplace_:
        return fn(input)

    def op(t: Tensor) -> Tensor:
        return fn(t)
    op.__name__ = name
    return inplace(input, op)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` for x > 0, ``negative_slope * x`` otherwise.

    Args:
        input: a tensor of any shape.
        negative_slope: the slope below 0 (default 0.01).
        inplace: write the result into ``input`` (default False).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.leaky_relu(rb.tensor([-2.0, 0.0, 3.0]), 0.25)
        tensor([-0.5,  0. ,  3. ])
    """
    return _apply_inplace(input, lambda t: LeakyRelu.apply(t, slope=negative_slope), inplace,
                          "leaky_relu")


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise (Clevert et al., 2015).

    Args:
        input: a tensor of any shape.
        alpha: the output tends to ``-alpha`` as x goes to minus infinity (default 1.0).
        inplace: write the result into ``input`` (default False).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.elu(rb.tensor([-1.0, 0.0, 2.0]))  # exp(-1) - 1 below 0
        tensor([-0.6321,  0.    ,  2.    ])
    """
    return _apply_inplace(input, lambda t: Elu.apply(t, alpha=alpha), inplace, "elu")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish).

    Args:
        input: a tensor of any shape.
        inplace: write the result into ``input`` (default False).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.silu(rb.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.2384,  0.    ,  1.7616])
    """
    return _apply_inplace(input, Silu.apply, inplace, "silu")


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, and ``x`` where ``beta * x > threshold``.

    Args:
        input: a tensor of any shape.
        beta: the sharpness (default 1.0); large beta approaches ReLU.
        threshold: where ``beta * x`` exceeds it the output is ``x`` (default 20.0).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.softplus(rb.tensor([0.0, 30.0]))  # log 2, and x above the threshold
        tensor([ 0.6931, 30.    ])
    """
    return Softplus.apply(input, beta=beta, threshold=threshold)


def relu_(input: Tensor) -> Tensor:
    """``relu`` in place: ``max(x, 0)`` written into ``input``.

    Returns: ``input`` itself.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([-2.0, 0.0, 3.0])
        >>> F.relu_(x) is x
        True
        >>> x
        tensor([0., 0., 3.])
    """
    return _apply_inplace(input, relu, True, "relu")  # errors name relu_(), not apply_()


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu`` in place: ``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise, written into
    ``input``, which is returned.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([-1.0, 2.0])
        >>> _ = F.elu_(x)
        >>> x
        tensor([-0.6321,  2.    ])
    """
    return elu(input, alpha, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu`` in place: ``x`` for x > 0, ``negative_slope * x`` otherwise, written
    into ``input``, which is returned.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([-4.0, 2.0])
        >>> _ = F.leaky_relu_(x, 0.5)
        >>> x
        tensor([-2.,  2.])
    """
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``min_val`` below ``min_val``, ``max_val`` above ``max_val``, ``x`` between.

    The gradient is 1 strictly between the bounds, 0 at and beyond them (PyTorch's choice
    at the kinks).  An integer input stays integer, as in PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.hardtanh(rb.tensor([-2.0, 0.5, 3.0]))
        tensor([-1. ,  0.5,  1. ])
    """
    if min_val > max_val:
        raise ValueError(f"hardtanh(): min_val cannot be greater than max_val, got min_val="
                         f"{min_val}, max_val={max_val}")
    return _apply_inplace(input, lambda t: Hardtanh.apply(t, min_val=min_val, max_val=max_val),
                          inplace, "hardtanh")


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh`` in place: ``x`` clipped to ``[min_val, max_val]`` (default [-1, 1]),
    written into ``input``, which is returned.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([-2.0, 0.5, 3.0])
        >>> _ = F.hardtanh_(x)
        >>> x
        tensor([-1. ,  0.5,  1. ])
    """
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``, whose gradient is 0 at 0 and 6.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.relu6(rb.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``: 0 below -3, 1 above 3, ``x / 6 + 1/2`` between (gradient 0 at +-3).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.hardsigmoid(rb.tensor([-4.0, 0.0, 1.5]))
        tensor([0.  , 0.5 , 0.75])
    """
    return _apply_inplace(input, Hardsigmoid.apply, inplace, "hardsigmoid")


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6`` (Howard et al., 2019, MobileNetV3).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.hardswish(rb.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([-0.   ,  0.   ,  1.125,  4.   ])
    """
    return _apply_inplace(input, Hardswish.apply, inplace, "hardswish")


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``, finite for any x.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.mish(rb.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.3034,  0.    ,  0.8651])
    """
    return _apply_inplace(input, Mish.apply, inplace, "mish")


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))``, with Klambauer et al.'s (2017)
    ``alpha = 1.6733`` and ``scale = 1.0507``, which keep activations near zero mean and unit
    variance.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.selu(rb.tensor([-1.0, 0.0, 1.0]))
        tensor([-1.1113,  0.    ,  1.0507])
    """
    return _apply_inplace(input, lambda t: Elu.apply(t, alpha=_SELU_ALPHA, scale=_SELU_SCALE,
                                                     op="selu()"), inplace, "selu")


def selu_(input: Tensor) -> Tensor:
    """``selu`` in place: ``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))`` written
    into ``input``, which is returned.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([-1.0, 0.0, 1.0])
        >>> _ = F.selu_(x)
        >>> x
        tensor([-1.1113,  0.    ,  1.0507])
    """
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` (Barron, 2017): an ELU whose
    gradient is 1 at 0 from both sides, for any ``alpha``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.celu(rb.tensor([-1.0, 0.0, 1.0]), alpha=2.0)
        tensor([-0.7869,  0.    ,  1.    ])
    """
    if alpha == 0:
        raise ValueError("celu(): alpha must not be 0 (celu divides x by alpha)")
    return _apply_inplace(input, lambda t: Elu.apply(t, alpha=alpha, input_scale=1.0 / alpha,
                                                     op="celu()"), inplace, "celu")


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``celu`` in place: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` written into
    ``input``, which is returned.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([-1.0, 0.0, 1.0])
        >>> _ = F.celu_(x, alpha=2.0)
        >>> x
        tensor([-0.7869,  0.    ,  1.    ])
    """
    return celu(input, alpha, inplace=True)


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``, built from base ops as PyTorch's.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.softsign(rb.tensor([-3.0, 0.0, 1.0]))
        tensor([-0.75,  0.  ,  0.5 ])
    """
    return input / (input.abs() + 1)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(1 / (1 + exp(-x)))``, computed as ``min(x, 0) - log1p(exp(-|x|))``: finite and
    exact for any x (``log(sigmoid(x))`` is -inf below -104 in float32).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.logsigmoid(rb.tensor([-200.0, 0.0, 2.0]))
        tensor([-2.0000e+02, -6.9315e-01, -1.2693e-01])
    """
    return LogSigmoid.apply(input)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit (Dauphin et al., 2017): ``a * sigmoid(b)``, ``a`` and ``b`` the first
    and second halves of ``input`` along ``dim``, which must have even size.

    Shape: ``(*, 2 n, *)`` in, ``(*, n, *)`` out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.glu(rb.tensor([[1.0, 2.0, 0.0, 100.0]]))
        tensor([[0.5, 2. ]])
    """
    check_floating("glu()", input)
    if input.ndim == 0:
        raise ValueError("glu(): does not support 0-d tensors, as halving needs a dim of even size")
    size = input.shape[dim]
    if size % 2:
        raise ValueError(f"glu(): halving dimension must be even, but dimension {dim} is size "
                         f"{size} (input shape {tuple(input.shape)})")
    a, b = chunk(input, 2, dim)
    return a * sigmoid(b)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value`` (NaN stays NaN); the gradient is 0 at
    and below the threshold.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.threshold(rb.tensor([-1.0, 0.5, 2.0]), 0.5, -9.0)
        tensor([-9., -9.,  2.])
    """
    return _apply_inplace(input, lambda t: _threshold(t, threshold, value), inplace, "threshold")


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``threshold`` in place: ``x`` where ``x > threshold``, else ``value``, written into
    ``input``, which is returned.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([-1.0, 0.5, 2.0])
        >>> _ = F.threshold_(x, 0.5, -9.0)
        >>> x
        tensor([-9., -9.,  2.])
    """
    return _apply_inplace(input, lambda t: _threshold(t, threshold, value), True, "threshold")


def _threshold(x: Tensor, limit: float, value: float) -> Tensor:
    _refuse_bool("threshold()", x)
    if x.dtype.kind in "iu":
        # PyTorch casts both numbers to the input's integer dtype (truncating toward 0), so the
        # result keeps it: a float value would promote it to float32 here
        limit, value = int(limit), int(value)
    # x <= limit, not x > limit the other way round: NaN must keep x, as in PyTorch.
    return where(x <= limit, value, x)


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``, built from base ops as PyTorch's.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.tanhshrink(rb.tensor([-1.0, 0.0, 3.0]))
        tensor([-0.2384,  0.    ,  2.0049])
    """
    _refuse_bool("tanhshrink()", input)  # PyTorch refuses the bool subtraction
    return input - tanh(input)


class Shrink(Function):
    """``x`` (``soft``: ``x -+ lambd``) outside ``[-lambd, lambd]``, 0 inside; at NaN the value
    NaN and the gradient 0, as PyTorch's vectorised kernels give."""

    def forward(self, x, lambd=0.5, soft=False):
        self.outside = (x < -lambd) | (x > lambd)
        return xp.where((x >= -lambd) & (x <= lambd), 0, x - xp.sign(x) * lambd if soft else x)

    def backward(self, grad):
        return grad * self.outside


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.hardshrink(rb.tensor([-1.0, 0.3, 2.0]))
        tensor([-1.,  0.,  2.])
    """
    check_floating("hardshrink()", input)
    return Shrink.apply(input, lambd=lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0 (``lambd >= 0``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.softshrink(rb.tensor([-1.0, 0.3, 2.0]))
        tensor([-0.5,  0. ,  1.5])
    """
    check_floating("softshrink()", input)
    if not lambd >= 0:
        raise RuntimeError(f"softshrink(): lambda must be >= 0, but found to be {lambd}")
    return Shrink.apply(input, lambd=lambd, soft=True)


def _along(name: str, op: Any, input: Tensor, dim: int | None, stacklevel: int, dtype: Any) -> Tensor:
    """``op(input, dim, dtype)`` after PyTorch's deprecation warning for ``dim=None`` (``op``
    then picks the legacy implicit dim).  ``stacklevel`` counts this frame, as the
    ``_stacklevel`` of PyTorch's softmaxes counts its ``_get_softmax_dim``."""
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                      "to include dim=X as an argument.", stacklevel=stacklevel)
    return op(input, dim, dtype)


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim``: ``F.softmax``, PyTorch's signature.

    ``dim=None`` picks PyTorch's legacy implicit dim (0 for 0-, 1- and 3-d input, else 1),
    with its deprecation warning; ``dtype`` converts the input first.  ``_stacklevel`` is
    PyTorch's slot (the warning's stack level), so a positional ``dtype`` goes 4th as there
    (``rosenblatt.softmax``, like ``torch.softmax``, takes it 3rd).  :func:`log_softmax`
    and :func:`softmin` take the same arguments.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.softmax(rb.tensor([0.0, 1.0]), dim=0)
        tensor([0.2689, 0.7311])
    """
    return _along("softmax", ops.softmax, input, dim, _stacklevel, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    """``x_i - log(sum_j exp(x_j))`` along ``dim``, computed stably: ``F.log_softmax``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.log_softmax(rb.tensor([0.0, 0.0]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    return _along("log_softmax", ops.log_softmax, input, dim, _stacklevel, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``exp(-x_i) / sum_j exp(-x_j)`` along ``dim``: ``softmax(-x)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.softmin(rb.tensor([0.0, 1.0]), dim=0)
        tensor([0.7311, 0.2689])
    """
    if dtype is None:
        check_floating("softmin()", input)
    return _along("softmin", lambda x, d, t: ops.softmax(-x, d, t), input, dim, _stacklevel, dtype)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` for x > 0, ``weight * x`` otherwise, with a learned slope: one for all channels, or
    one per channel (dim 1).

    Args:
        input: (N, C, *), or any shape when ``weight`` has one element.
        weight: (C,) or one element (0-d or (1,)); ``input``'s dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.prelu(rb.tensor([[-2.0, 3.0]]), rb.tensor([0.25]))
        tensor([[-0.5,  3. ]])
    """
    if weight.ndim > 1:
        raise ValueError(f"prelu(): weight must be a 0-d or 1-d tensor, got shape "
                         f"{tuple(weight.shape)}")
    check_dtype("prelu()", input, weight=weight)
    if weight.numel() != 1:
        channels = input.shape[1] if input.ndim > 1 else 1
        if input.ndim == 0 or channels != weight.numel():
            raise ValueError(f"prelu(): weight has {weight.numel()} elements, one per channel, but "
                             f"the input of shape {tuple(input.shape)} has {channels} channels "
                             f"(dim 1)")
        weight = weight.reshape((1, -1) + (1,) * (input.ndim - 2))  # (1, C, 1, ...)
    elif weight.ndim:
        weight = weight.reshape(())
    return where(input > 0, input, input * weight)
