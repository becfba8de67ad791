"""Activation layers: thin wrappers that call ``nn.functional``."""
from __future__ import annotations

import warnings
from typing import Any

from ..._backend import xp
from ... import _backend
from ...ops import relu, sigmoid, tanh
from ...random import Generator
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..functional.stochastic import rrelu
from ..parameter import Parameter
from .module import Module


def _inplace_repr(inplace: bool, fields: str = "") -> str:
    """An ``extra_repr``: ``fields``, then ``inplace=True`` if set (PyTorch omits ``inplace=False``)."""
    return ", ".join(part for part in (fields, "inplace=True" if inplace else "") if part)


class ReLU(Module):
    """Rectified linear unit: ``max(x, 0)``, elementwise.

    Args:
        inplace: write the result into the input (default False).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ReLU()(rb.tensor([-2.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu_(input) if self.inplace else relu(input)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class LeakyReLU(Module):
    """``x`` for x > 0, ``negative_slope * x`` otherwise.

    Args:
        negative_slope: the slope below 0 (default 0.01).
        inplace: write the result into the input (default False).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LeakyReLU(0.5)(rb.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.,  0.,  2.])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, f"negative_slope={self.negative_slope}")


class ELU(Module):
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise (Clevert et al., 2015).

    Args:
        alpha: the value the output approaches as x goes to minus infinity is ``-alpha``
            (default 1.0).
        inplace: write the result into the input (default False).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ELU()(rb.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.6321,  0.    ,  2.    ])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, f"alpha={self.alpha}")


class GELU(Module):
    """``x * Phi(x)``; ``approximate='tanh'`` uses the tanh formula (Hendrycks & Gimpel, 2016).

    ``Phi`` is the standard normal CDF, ``(1 + erf(x / sqrt 2)) / 2``; the tanh formula is
    ``0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))``.

    Args:
        approximate: ``'none'`` (exact, default) or ``'tanh'``.

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.GELU()(rb.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.0455,  0.    ,  1.9545])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """Sigmoid linear unit (swish): ``x * sigmoid(x)``.

    Args:
        inplace: write the result into the input (default False).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.SiLU()(rb.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.2384,  0.    ,  1.7616])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``, finite for any x.

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Sigmoid()(rb.tensor([-1000.0, 0.0, 1000.0]))
        tensor([0. , 0.5, 1. ])
    """

    def forward(self, input: Tensor) -> Tensor:
        return sigmoid(input)


class Tanh(Module):
    """Hyperbolic tangent: ``(exp(x) - exp(-x)) / (exp(x) + exp(-x))``, elementwise.

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Tanh()(rb.tensor([-1000.0, 0.0, 1.0]))
        tensor([-1.    ,  0.    ,  0.7616])
    """

    def forward(self, input: Tensor) -> Tensor:
        return tanh(input)


class Softplus(Module):
    """``log(1 + exp(beta x)) / beta``; linear above ``threshold`` (in units of beta x).

    Args:
        beta: the sharpness (default 1.0); large beta approaches ReLU.
        threshold: where ``beta x > threshold`` the output is ``x`` (default 20.0).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Softplus()(rb.tensor([0.0, 30.0]))
        tensor([ 0.6931, 30.    ])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim``.

    Args:
        dim: the dim the outputs sum to 1 along; None picks one as PyTorch's legacy rule does,
            with a warning (pass it).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Softmax(dim=-1)(rb.tensor([[0.0, 0.0], [5.0, 5.0]]))
        tensor([[0.5, 0.5],
                [0.5, 0.5]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)  # the warning points at the caller

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log(softmax(x))`` along ``dim``, computed stably: ``x_i - log sum_j exp(x_j)``.

    Args:
        dim: the dim to normalise along; None picks one as PyTorch's legacy rule does, with a
            warning (pass it).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LogSoftmax(dim=0)(rb.tensor([1.0, 1.0])).exp()
        tensor([0.5, 0.5])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Hardtanh(Module):
    """``min_val`` below ``min_val``, ``max_val`` above ``max_val``, ``x`` between.

    Args:
        min_val, max_val: the bounds, ``min_val < max_val`` (default -1 and 1).
        inplace: write the result into the input (default False).
        min_value, max_value: PyTorch's deprecated names of the bounds (they override them,
            with a FutureWarning).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Hardtanh(-2.0, 2.0)(rb.tensor([-3.0, 1.0, 3.0]))
        tensor([-2.,  1.,  2.])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`",
                          FutureWarning, stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`",
                          FutureWarning, stacklevel=2)
            max_val = max_value
        if not max_val > min_val:
            raise ValueError(f"{type(self).__name__}: max_val ({max_val}) must be greater than "
                             f"min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, f"min_val={self.min_val}, max_val={self.max_val}")


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``: ``Hardtanh(0, 6)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ReLU6()(rb.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Hardsigmoid(Module):
    """``relu6(x + 3) / 6``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Hardsigmoid()(rb.tensor([-4.0, 0.0, 1.5]))
        tensor([0.  , 0.5 , 0.75])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Hardswish(Module):
    """``x * relu6(x + 3) / 6`` (MobileNetV3).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Hardswish()(rb.tensor([-4.0, 1.5, 4.0]))
        tensor([-0.   ,  1.125,  4.   ])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)


class Mish(Module):
    """``x * tanh(softplus(x))``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Mish()(rb.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.3034,  0.    ,  0.8651])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class SELU(Module):
    """``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))``, ``alpha = 1.6733``,
    ``scale = 1.0507`` (self-normalising networks, Klambauer et al., 2017).

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.SELU()(rb.tensor([-1.0, 0.0, 1.0]))
        tensor([-1.1113,  0.    ,  1.0507])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.CELU(2.0)(rb.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.7869,  0.    ,  1.    ])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, f"alpha={self.alpha}")


class Softsign(Module):
    """``x / (1 + |x|)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Softsign()(rb.tensor([-3.0, 1.0]))
        tensor([-0.75,  0.5 ])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class _Shrink(Module):
    """The threshold ``lambd`` Hardshrink and Softshrink share (separate classes in PyTorch:
    neither is an instance of the other)."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Hardshrink(_Shrink):
    """``x`` where ``|x| > lambd``, else 0.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Hardshrink()(rb.tensor([-1.0, 0.3]))
        tensor([-1.,  0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.hardshrink(input, self.lambd)


class Softshrink(_Shrink):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Softshrink()(rb.tensor([-1.0, 0.3]))
        tensor([-0.5,  0. ])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softshrink(input, self.lambd)


class LogSigmoid(Module):
    """``log(sigmoid(x))``, finite for any x.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LogSigmoid()(rb.tensor([0.0]))
        tensor([-0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class GLU(Module):
    """``a * sigmoid(b)``, ``a`` and ``b`` the halves of the input along ``dim`` (default -1).

    Shape: ``(*, 2 n, *)`` in, ``(*, n, *)`` out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.GLU()(rb.randn(4, 6)).shape
        (4, 3)
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Threshold(0.5, -9.0)(rb.tensor([-1.0, 0.5, 2.0]))
        tensor([-9., -9.,  2.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, f"threshold={self.threshold}, value={self.value}")


class Tanhshrink(Module):
    """``x - tanh(x)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Tanhshrink()(rb.tensor([0.0, 3.0]))
        tensor([0.    , 2.0049])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class Softmax2d(Module):
    """Softmax over the channels of each pixel: ``softmax(x, dim=-3)`` of a (N, C, H, W) or
    (C, H, W) input.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Softmax2d()(rb.zeros(1, 2, 1, 1)).tolist()
        [[[[0.5]], [[0.5]]]]
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3)


class Softmin(Module):
    """``exp(-x_i) / sum_j exp(-x_j)`` along ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Softmin(dim=0)(rb.tensor([0.0, 1.0]))
        tensor([0.7311, 0.2689])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)  # the warning points at the caller

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class PReLU(Module):
    """``x`` for x > 0, ``weight * x`` otherwise, the slope learned (He et al., 2015).

    Args:
        num_parameters: 1 (one slope for all channels) or C (one per channel, dim 1).
        init: the slopes' initial value (default 0.25).
        dtype: the weight's dtype (default ``get_default_dtype()``, float32).

    Shape: ``(N, C, *)``, or any shape with one slope; in and out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.PReLU()(rb.tensor([-2.0, 3.0])).tolist()
        [-0.5, 3.0]
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
        self.weight = Parameter(xp.full(num_parameters, init, dtype=dtype))

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomized leaky ReLU (``functional.rrelu``): ``x`` for x > 0, ``a * x`` otherwise.

    In training ``a ~ U(lower, upper)`` is drawn for each element at or below 0; in eval
    ``a = (lower + upper) / 2``.

    Args:
        lower: lower bound of the slope (default 1/8).
        upper: upper bound of the slope (default 1/3).
        inplace: modify the input in place.
        generator: the ``rosenblatt.Generator`` for the slopes (default generator if None).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.RReLU(0.25, 0.5).eval()(rb.tensor([-8.0, 2.0]))
        tensor([-3.,  2.])
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False,
                 generator: Generator | None = None) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace, self.generator = lower, upper, inplace, generator

    def forward(self, input: Tensor) -> Tensor:
        return rrelu(input, self.lower, self.upper, self.training, self.inplace,
                     generator=self.generator)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, f"lower={self.lower}, upper={self.upper}")
