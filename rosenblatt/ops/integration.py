"""The trapezoidal rule, as PyTorch's: ``trapezoid`` (``trapz``) and ``cumulative_trapezoid``.

Both are sums of slices (``(y[i] + y[i+1]) / 2 * dx_i``) written with differentiable ops, in
PyTorch's order of operations, so their gradients (with respect to ``y`` and to ``x``) need
no backward of their own and float32 results round as PyTorch's do.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import tensor_of
from ..tensor import Tensor
from ._dims import dim_index
from .indexing import getitem
from .cumulative import cumsum
from .reduction import sum
from .shape import reshape
from .stacking import select


def _tensor(input: Any, op: str, what: str) -> Tensor:
    t = tensor_of(input, op)
    if t.dtype == xp.bool_:
        raise TypeError(f"{op}(): {what} is a bool tensor, which is not supported; convert it with .float()")
    return t


def _axis(y: Tensor, dim: int, op: str) -> int:
    if y.ndim == 0:
        raise IndexError(f"{op}(): y is 0-d, with no dim {dim} to integrate along; give y at least 1 dim")
    return dim_index(dim, y.ndim, f"{op}()")


def _along(t: Tensor, axis: int, part: slice) -> Tensor:
    return getitem(t, (slice(None),) * axis + (part,))


def _spacing(x: Any, y: Tensor, axis: int, op: str) -> Tensor:
    """The differences ``x[i+1] - x[i]`` along ``axis``, shaped to broadcast with y's slices.

    As PyTorch: a 1-d ``x`` lies along ``dim``; one with fewer dims than ``y`` gains leading
    size-1 dims; then it is differenced along ``axis`` (y's dim, counted in x's dims)."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        raise TypeError(f"{op}(): x must be a tensor of sample points; for a constant spacing pass dx={x!r}")
    x = _tensor(x, op, "x")
    n = y.shape[axis]
    if x.ndim == 1:
        if x.shape[0] != n:
            raise ValueError(f"{op}(): x has {x.shape[0]} sample points but y has {n} along dim {axis}; "
                             f"give one x value for each sample point")
        x = reshape(x, tuple(n if d == axis else 1 for d in range(y.ndim)))
    elif x.ndim < y.ndim:
        x = reshape(x, (1,) * (y.ndim - x.ndim) + tuple(x.shape))
    if x.ndim == 0 or axis >= x.ndim:
        raise ValueError(f"{op}(): x of shape {list(x.shape)} has no dim {axis} to difference along; "
                         f"give a 1-d x or one of y's shape {list(y.shape)}")
    dx = _along(x, axis, slice(1, None)) - _along(x, axis, slice(None, -1))
    pairs = tuple(n - 1 if d == axis else s for d, s in enumerate(y.shape))
    try:
        xp.broadcast_shapes(dx.shape, pairs)
    except ValueError:
        raise ValueError(f"{op}(): x of shape {list(x.shape)} does not broadcast with y of shape "
                         f"{list(y.shape)} (after differencing along dim {axis}); give x of y's shape "
                         f"or a 1-d x") from None
    return dx


def _constant(dx: Any, op: str) -> Any:
    if dx is None:
        return 1
    if isinstance(dx, Tensor):  # a 0-d tensor counts as its number, as PyTorch's Scalar does
        dx = dx.item()
    if isinstance(dx, bool) or not isinstance(dx, (int, float)):
        raise TypeError(f"{op}(): dx must be a real number, got {type(dx).__name__} {dx!r}")
    return dx


def _check_x_dx(x: Any, dx: Any, op: str) -> None:
    if x is not None and dx is not None:
        raise TypeError(f"{op}(): give either x (the sample points) or dx (a constant spacing), not both")


def trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoidal rule.

    ``sum_i (x[i+1] - x[i]) (y[i] + y[i+1]) / 2``; with a constant spacing ``dx`` (1 by
    default) ``dx (sum_i y[i] - (y[0] + y[-1]) / 2)``.  An integer ``y`` gives float32.

    Args:
        y (Tensor): the values to integrate, at least 1-d.
        x (Tensor, optional): the sample points: 1-d along ``dim``, or broadcastable with ``y``.
        dx (float, optional): a constant spacing, instead of ``x``.
        dim (int): the dim to integrate along (default -1).

    Shape: ``y (*, n, *)`` -> ``(*, *)``.  An empty ``dim`` integrates to zeros.

    Example:
        >>> import rosenblatt as rb
        >>> rb.trapezoid(rb.tensor([1.0, 2.0, 4.0]), rb.tensor([0.0, 1.0, 3.0])).item()
        7.5
    """
    _check_x_dx(x, dx, "trapezoid")
    y = _tensor(y, "trapezoid", "y")
    axis = _axis(y, dim, "trapezoid")
    if y.shape[axis] == 0:  # no samples: 0, as NumPy's and PyTorch's
        return Tensor._wrap(xp.zeros(y.shape[:axis] + y.shape[axis + 1:], dtype=y.dtype))
    if x is None:
        ends = select(y, axis, 0) + select(y, axis, -1)
        return (sum(y, axis) - ends * 0.5) * _constant(dx, "trapezoid")
    spacing = _spacing(x, y, axis, "trapezoid")
    pairs = _along(y, axis, slice(None, -1)) + _along(y, axis, slice(1, None))
    return sum(spacing * pairs, axis) / 2.0


def trapz(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """``trapezoid``, under NumPy's older name (PyTorch's alias).

    ``sum_i (x[i+1] - x[i]) (y[i] + y[i+1]) / 2`` along ``dim``; see :func:`trapezoid`.

    Args:
        y (Tensor): the values to integrate, at least 1-d.
        x (Tensor, optional): the sample points, instead of a constant spacing.
        dx (float, optional): a constant spacing (1 when neither ``x`` nor ``dx`` is given).
        dim (int): the dim to integrate along (default -1).

    Shape: ``y (*, n, *)`` -> ``(*, *)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.trapz(rb.tensor([1.0, 2.0, 4.0])), rb.trapz(rb.tensor([1.0, 2.0, 4.0]), dx=0.5)
        (tensor(4.5), tensor(2.25))
    """
    _check_x_dx(x, dx, "trapz")
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running integral of ``y`` along ``dim`` by the trapezoidal rule: entry ``k`` is
    ``trapezoid`` of ``y[0], ..., y[k+1]``.

    ``cumsum((x[i+1] - x[i]) (y[i] + y[i+1]), dim) / 2``, or ``cumsum(dx / 2 (y[i] + y[i+1]))``
    with a constant spacing ``dx`` (1 by default).

    Args:
        y (Tensor): the values to integrate, at least 1-d.
        x (Tensor, optional): the sample points: 1-d along ``dim``, or broadcastable with ``y``.
        dx (float, optional): a constant spacing, instead of ``x``.
        dim (int): the dim to integrate along (default -1).

    Shape: ``y (*, n, *)`` -> ``(*, n - 1, *)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cumulative_trapezoid(rb.tensor([1.0, 2.0, 4.0])).tolist()
        [1.5, 4.5]
    """
    _check_x_dx(x, dx, "cumulative_trapezoid")
    y = _tensor(y, "cumulative_trapezoid", "y")
    axis = _axis(y, dim, "cumulative_trapezoid")
    pairs = _along(y, axis, slice(None, -1)) + _along(y, axis, slice(1, None))
    if x is None:
        return cumsum(_constant(dx, "cumulative_trapezoid") / 2.0 * pairs, axis)
    return cumsum(pairs * _spacing(x, y, axis, "cumulative_trapezoid"), axis) / 2.0
