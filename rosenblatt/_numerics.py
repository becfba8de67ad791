"""PyTorch's small top-level numerics: ``fill``, ``typename``, the deprecated ``range`` and
``gradient`` (central differences, as ``numpy.gradient``).

``gradient`` is built from slicing, arithmetic and ``cat``, so it is differentiable in its
input (and in tensor coordinates) with no backward of its own.
"""
from __future__ import annotations

import builtins
import math
import numbers
import warnings
from typing import Any, Sequence

from ._backend import xp
from ._device import check_device
from .autograd.function import Function
from .ops._dims import dim_index
from .ops.arithmetic import _number_in
from .ops.joining import cat
from .ops.shape import narrow, reshape
from .tensor import Tensor

__all__ = ["fill", "gradient", "range", "typename"]


# ---------------------------------------------------------------------------------- fill
class Fill(Function):
    """Every entry set to ``value``: no gradient to the input's entries (zeros), the sum
    of the gradient to a 0-d tensor ``value``."""

    saves_arrays = False

    def forward(self, x, value):
        self.value_dtype = getattr(value, "dtype", None)
        return xp.full(x.shape, value, dtype=x.dtype)

    def backward(self, grad):
        to_value = grad.sum() if self.value_dtype is None else grad.sum().astype(self.value_dtype)
        return xp.zeros_like(grad), to_value


def fill(input: Tensor, value: Any) -> Tensor:
    """A new tensor of ``input``'s shape and dtype with every entry ``value`` (``fill_`` out of place).

    The value is cast as PyTorch casts it: a float into an integer dtype truncates, -1 into
    uint8 is 255, one the dtype can't hold (300 into uint8, nan into int64) raises.  The
    result is in the graph: ``input``'s gradient is zero, a 0-d tensor ``value``'s the sum
    of the result's.

    Args:
        input (Tensor): gives the shape and dtype.
        value (number or 0-d Tensor): the entry.

    Returns:
        a tensor of ``input``'s shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.fill(rb.zeros(2, 2), 7)
        tensor([[7., 7.],
                [7., 7.]])
        >>> rb.fill(rb.zeros(3, dtype=rb.uint8), -1)
        tensor([255, 255, 255], dtype=uint8)
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"fill(): argument 'input' must be Tensor, not {type(input).__name__}")
    dtype = input.data.dtype
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ValueError(f"fill(): only supports a 0-dimension value tensor, but got a tensor with "
                             f"{value.ndim} dimensions; use expand_copy or copy_ to write a tensor")
        return Fill.apply(input, value)
    if isinstance(value, xp.generic):
        value = value.item()
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"fill(): value must be a number or a 0-d Tensor, got {type(value).__name__}")
    if dtype.kind in "iu" and isinstance(value, float):
        info = xp.iinfo(dtype)
        if not (math.isfinite(value) and info.min <= value <= info.max):  # 255.9 raises for uint8
            raise RuntimeError(f"fill(): value {value} cannot be converted to {dtype} without overflow")
    return Fill.apply(input, _number_in(value, dtype, "fill()"))


# ------------------------------------------------------------------------------ typename
#: PyTorch's legacy tensor type names, by dtype
_TENSOR_TYPES = {"float16": "HalfTensor", "float32": "FloatTensor", "float64": "DoubleTensor",
                 "int8": "CharTensor", "int16": "ShortTensor", "int32": "IntTensor", "int64": "LongTensor",
                 "uint8": "ByteTensor", "uint16": "UInt16Tensor", "uint32": "UInt32Tensor",
                 "uint64": "UInt64Tensor", "bool": "BoolTensor"}


def typename(obj: Any, /) -> str:
    """The fully qualified name of ``obj``'s type: ``module.QualName`` (builtins without a module).

    A tensor gives PyTorch's type name for its dtype (``'torch.FloatTensor'``, ``'torch.LongTensor'``),
    so code comparing it with those strings keeps working; a class or a function gives its own
    name, anything else its type's.

    Args:
        obj (object): anything.

    Example:
        >>> import rosenblatt as rb
        >>> rb.typename(rb.tensor([1, 2])), rb.typename(rb.nn.Linear), rb.typename(3)
        ('torch.LongTensor', 'rosenblatt.nn.modules.linear.Linear', 'int')
    """
    if isinstance(obj, Tensor):
        return "torch." + _TENSOR_TYPES[obj.data.dtype.name]
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


# --------------------------------------------------------------------------------- range
_RANGE_DEPRECATION = ("rosenblatt.range is deprecated and will be removed in a future release because its "
                      "behavior is inconsistent with Python's range builtin. Instead, use rosenblatt.arange, "
                      "which produces values in [start, end).")


def range(start: Any, end: Any, step: Any = 1, *, dtype: Any = None, layout: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """``start, start + step, ...`` up to and *including* ``end``: deprecated, use ``arange``.

    ``floor((end - start) / step) + 1`` values, in the default dtype (``get_default_dtype()``)
    whatever the arguments' types.  As PyTorch's, it warns (``UserWarning``) on every call;
    ``arange`` stops before ``end``.  In an integer dtype the bounds and the step are
    truncated to integers first, as PyTorch does.

    Args:
        start (number): the first value.
        end (number): the last value when ``step`` lands on it.
        step (number): the spacing, nonzero, of ``end - start``'s sign (default 1).
        dtype (optional): the default dtype by default.
        layout: accepted for PyTorch's signature; strided only.
        device: the CPU only.
        requires_grad (bool): record operations on it for backward (floating dtypes).

    Shape: ``(floor((end - start) / step) + 1,)``.

    Example:
        >>> import warnings
        >>> import rosenblatt as rb
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     rb.range(1, 4), rb.range(0, 1, 0.25)
        (tensor([1., 2., 3., 4.]), tensor([0.  , 0.25, 0.5 , 0.75, 1.  ]))
    """
    warnings.warn(_RANGE_DEPRECATION, UserWarning, stacklevel=2)
    check_device("range()", device)
    import rosenblatt  # the default dtype as set now (set_default_dtype)
    dtype = rosenblatt.get_default_dtype() if dtype is None else dtype
    dtype = xp.dtype(dtype)
    if dtype.kind not in "fiu":
        raise TypeError(f"range(): not implemented for dtype {dtype}; use a floating or integer dtype")
    start, end, step = (_number(v) for v in (start, end, step))
    if dtype.kind == "f":  # PyTorch computes in double (float for a half result), then rounds
        acc = xp.float32 if dtype == xp.float16 else xp.float64
        start, end, step = (acc(v) for v in (start, end, step))
    else:
        start, end, step = (int(v) for v in (start, end, step))  # truncated, as C++ converts
    if step == 0:
        raise ValueError("range(): step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise ValueError(f"range(): unsupported range: {start:g} -> {end:g}; the bounds must be finite")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise ValueError(f"range(): upper bound and lower bound inconsistent with step sign: from {start:g} "
                         f"to {end:g} by {step:g}")
    if dtype.kind == "f":
        length = int((end - start) / step + 1)
        values = start + xp.arange(length, dtype=acc) * step
    else:
        length = (end - start) // step + 1
        values = start + xp.arange(length, dtype=xp.int64) * step
    return Tensor(values.astype(dtype), requires_grad=requires_grad)


def _number(value: Any) -> Any:
    if isinstance(value, (Tensor, xp.ndarray, xp.generic)):
        value = xp.asarray(value.data if isinstance(value, Tensor) else value).item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"range(): start, end and step must be real numbers, got {type(value).__name__}")
    return value


# ------------------------------------------------------------------------------ gradient
def gradient(input: Tensor, *, spacing: Any = 1, dim: int | Sequence[int] | None = None,
             edge_order: int = 1) -> tuple[Tensor, ...]:
    r"""The derivative of ``input`` along each dim of ``dim``, by central differences.

    Inside, ``(f[i+1] - f[i-1]) / 2h`` (for coordinates ``x`` the second-order accurate
    ``a f[i-1] + b f[i] + c f[i+1]`` of unequal steps); at the two ends a one-sided
    difference, first-order (``edge_order=1``) or second-order (``edge_order=2``), as
    ``numpy.gradient``.

    Args:
        input (Tensor): the samples ``f``; not uint8 or bool.
        spacing (number, list of numbers or list of 1-d Tensors): the step ``h`` of every dim, one
            step per dim, or one tensor of coordinates per dim (default 1).
        dim (int or list of ints, optional): the dims to differentiate along; all by default.
        edge_order (int): 1 or 2, the accuracy at the ends; each dim needs ``edge_order + 1``
            samples.

    Returns:
        a tuple with one tensor of ``input``'s shape per dim; integer inputs give floats.

    Example:
        >>> import rosenblatt as rb
        >>> rb.gradient(rb.tensor([1.0, 2.0, 4.0, 8.0]))
        (tensor([1. , 1.5, 3. , 4. ]),)
        >>> dx, = rb.gradient(rb.tensor([0.0, 1.0, 4.0]), spacing=[rb.tensor([0.0, 1.0, 2.0])], edge_order=2)
        >>> dx
        tensor([0., 2., 4.])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"gradient(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.dtype == xp.uint8:
        raise TypeError("gradient(): does not support uint8 input; convert it with .long() or .float()")
    if input.dtype == xp.bool_:
        raise TypeError("gradient(): does not support bool input; convert it with .float()")
    dims = None if dim is None else [dim] if isinstance(dim, int) else list(dim)
    steps = _spacing(spacing)
    if isinstance(steps, list):
        if dims is None and len(steps) != input.ndim:
            raise ValueError(f"gradient(): expected spacing to be unspecified, a scalar, or a list of length "
                             f"equal to input.dim() = {input.ndim}, since dim argument was not given, but got "
                             f"a list of length {len(steps)}")
        if dims is not None and len(steps) != len(dims):
            raise ValueError(f"gradient(): expected spacing to be unspecified, a scalar or it's spacing and dim "
                             f"arguments to have the same length, but got a spacing argument of length "
                             f"{len(steps)} and a dim argument of length {len(dims)}")
    if edge_order not in (1, 2) or isinstance(edge_order, bool):
        raise ValueError(f"gradient(): only supports edge_order=1 and edge_order=2, got {edge_order!r}")
    axes = list(builtins.range(input.ndim)) if dims is None else [dim_index(d, input.ndim, "gradient()")
                                                                   for d in dims]
    if len(set(axes)) != len(axes):
        raise ValueError(f"gradient(): dim {dims} names a dimension more than once")
    if any(input.shape[a] < edge_order + 1 for a in axes):
        raise ValueError(f"gradient(): expected each dimension size to be at least edge_order+1 = "
                         f"{edge_order + 1}, got shape {list(input.shape)} along dims {axes}")
    steps = steps if isinstance(steps, list) else [steps] * len(axes)
    return tuple(_along(input, a, h, edge_order) if not isinstance(h, Tensor)
                 else _along_coordinates(input, a, h, edge_order) for a, h in zip(axes, steps))


def _spacing(spacing: Any) -> Any:
    """A number (a 0-d tensor counts as its number), or a list of numbers or of 1-d tensors."""
    def number(h: Any) -> Any:
        if isinstance(h, Tensor) and h.ndim == 0:
            return h.item()
        return h.item() if isinstance(h, xp.generic) else h
    if not isinstance(spacing, (list, tuple)):
        spacing = number(spacing)
        if not isinstance(spacing, numbers.Number):
            raise TypeError(f"gradient(): spacing must be a number, a list of numbers or a list of 1-d "
                            f"tensors, got {type(spacing).__name__}")
        return spacing
    steps = [h if isinstance(h, Tensor) else number(h) for h in spacing]  # a 0-d one raises, as PyTorch's
    if not (all(isinstance(h, Tensor) for h in steps) or all(isinstance(h, numbers.Number) for h in steps)):
        raise TypeError("gradient(): spacing must be all numbers or all 1-d tensors, got "
                        f"{[type(h).__name__ for h in spacing]}")
    return steps


def _along(f: Tensor, axis: int, h: Any, edge_order: int) -> Tensor:
    """The derivative along ``axis`` for the uniform step ``h``; PyTorch's operation order."""
    n = f.shape[axis]

    def part(start: int, stop: int) -> Tensor:  # f[start:stop] along axis
        return narrow(f, axis, start, stop - start)

    center = (part(2, n) - part(0, n - 2)) / h
    if edge_order == 1:
        first = (part(1, 2) - part(0, 1)) / h
        last = (part(n - 1, n) - part(n - 2, n - 1)) / h
    else:
        first = (part(0, 1) * -1.5 + part(1, 2) * 2 - part(2, 3) * 0.5) / h
        last = (part(n - 3, n - 2) * 0.5 + part(n - 2, n - 1) * -2 + part(n - 1, n) * 1.5) / h
    return cat([first, center / 2, last], axis)


def _along_coordinates(f: Tensor, axis: int, x: Tensor, edge_order: int) -> Tensor:
    """The derivative along ``axis`` at the coordinates ``x``; PyTorch's operation order."""
    if x.ndim != 1:
        raise ValueError(f"gradient(): expected each element of spacing to have one dimension, but got an "
                         f"element with {x.ndim} dimensions")
    n = f.shape[axis]
    shape = [1] * f.ndim
    shape[axis] = -1

    def part(start: int, stop: int) -> Tensor:
        return narrow(f, axis, start, stop - start)

    dx = x[1:] - x[:-1]
    dx1, dx2 = dx[:-1], dx[1:]
    a = reshape(-dx2 / (dx1 * (dx1 + dx2)), shape)
    b = reshape((dx2 - dx1) / (dx1 * dx2), shape)
    c = reshape(dx1 / (dx2 * (dx1 + dx2)), shape)
    center = a * part(0, n - 2) + b * part(1, n - 1) + c * part(2, n)
    if edge_order == 1:
        first = (part(1, 2) - part(0, 1)) / dx[0]
        last = (part(n - 1, n) - part(n - 2, n - 1)) / dx[-1]
    else:
        a = -(2.0 * dx[0] + dx[1]) / (dx[0] * (dx[0] + dx[1]))
        b = (dx[0] + dx[1]) / (dx[0] * dx[1])
        c = -dx[0] / (dx[1] * (dx[0] + dx[1]))
        first = a * part(0, 1) + b * part(1, 2) + c * part(2, 3)
        a = dx[-1] / (dx[-2] * (dx[-1] + dx[-2]))
        b = -(dx[-1] + dx[-2]) / (dx[-1] * dx[-2])
        c = (2 * dx[-1] + dx[-2]) / (dx[-1] * (dx[-1] + dx[-2]))
        last = a * part(n - 3, n - 2) + b * part(n - 2, n - 1) + c * part(n - 1, n)
    return cat([first, center, last], axis)
