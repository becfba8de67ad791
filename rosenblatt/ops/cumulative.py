"""Running (cumulative) ops along one dim: cumsum, cumprod, cummax, cummin.

Running sums and products accumulate as PyTorch's CPU kernels do (float16 in float32, float32
in float64, each output rounded); cummax and cummin return ``(values, indices)`` with values
gathered at the indices, so the gradient reaches the elements that were the extreme.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import Function, as_array
from ..tensor import Tensor
from ._dims import dim_index
from .reduction import MaxResult, _ndim, _total_dtype


class Cumsum(Function):
    def forward(self, x, axis=0, dtype=None):
        self.axis = axis
        return _running(xp.cumsum, x, axis, dtype)

    def backward(self, grad):
        return grad if grad.ndim == 0 else _reverse_cumsum(grad, self.axis)


def _reverse_cumsum(a: Any, axis: int) -> Any:
    """Sums from each position to the end along ``axis``: the adjoint of a running sum."""
    return xp.flip(_running(xp.cumsum, xp.flip(a, axis), axis), axis)


#: the dtypes PyTorch's CPU running sums and products accumulate in (its acc_type)
_ACCUMULATOR = {xp.dtype(xp.float16): xp.dtype(xp.float32), xp.dtype(xp.float32): xp.dtype(xp.float64)}


def _running(cumulate: Any, x: Any, axis: int, dtype: Any = None) -> Any:
    """``cumulate`` (``xp.cumsum`` or ``xp.cumprod``) of ``x`` along ``axis``, in ``dtype`` (x's by
    default), accumulated as PyTorch does: float16 in float32 and float32 in float64, each
    output rounded (NumPy's float32 running sum drifted from torch's by up to 6e-5 over 1000)."""
    dtype = x.dtype if dtype is None else xp.dtype(dtype)
    out = cumulate(x, axis=axis, dtype=_ACCUMULATOR.get(dtype, dtype))
    return out.astype(dtype, copy=False).reshape(x.shape)  # NumPy makes a 0-d input 1-d


class Cumprod(Function):
    """Running products.

    The gradient of ``x_j`` is ``sum_{i >= j} grad_i * out_i / x_j``, as in PyTorch; the
    division is safe before a slice's first zero ``z`` only, and there only the terms before
    ``z`` count (out_i is 0 from ``z`` on, or nan after an inf).  At ``z``, the products
    without it: ``out_{z-1}`` times the sum of ``grad_i * x_{z+1} ... x_i`` up to the next
    zero; after ``z`` every product has it, so the gradient is 0 (exact, no 0 / 0).  These
    are PyTorch's steps, so nan and inf inputs get its gradients.
    """

    saves_inputs = (0,)
    saves_output = True

    def forward(self, x, axis=0, dtype=None):
        self.x, self.axis = x, axis
        self.out = _running(xp.cumprod, x, axis, dtype)
        return self.out

    def backward(self, grad):
        if grad.ndim == 0 or grad.shape[self.axis] == 1:
            return grad  # PyTorch's, even where x / x is nan (x inf or nan)
        x, out, axis = self.x.astype(grad.dtype, copy=False), self.out, self.axis  # dtype= may cast x
        zero = x == 0
        if not zero.any():
            return _reverse_cumsum(grad * out, axis) / x
        zeros_so_far = xp.cumsum(zero, axis=axis)
        before, up_to_next = zeros_so_far == 0, zeros_so_far == 1
        first_zero = zero & up_to_next
        gx = xp.where(before, _reverse_cumsum(xp.where(before, grad * out, 0), axis) / x, 0)
        after_it = _running(xp.cumprod, xp.where(up_to_next & ~first_zero, x, 1), axis)
        z = xp.argmax(up_to_next, axis=axis, keepdims=True)  # 0 in a slice without zeros: unused
        out_before = xp.where(z == 0, 1, xp.take_along_axis(out, xp.maximum(z - 1, 0), axis=axis))
        at_zero = (after_it * xp.where(up_to_next, grad, 0)).sum(axis=axis, keepdims=True) * out_before
        return xp.where(first_zero, at_zero, gx)


def cumsum(input: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``.  Integer and bool inputs give int64.

    ``out_i = input_0 + input_1 + ... + input_i`` along ``dim``.

    Args:
        input (Tensor): any numeric or bool dtype.
        dim (int): the dim to run along.
        dtype (optional): cast to this dtype first.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cumsum(rb.tensor([1, 2, 3]), 0)
        tensor([1, 3, 6])
        >>> rb.cumsum(rb.tensor([[1, 2], [3, 4]]), 1)
        tensor([[1, 3],
                [3, 7]])
    """
    axis = dim_index(dim, _ndim(input), "cumsum")
    return Cumsum.apply(input, axis=axis, dtype=_total_dtype(input, dtype, "cumsum"))


def cumprod(input: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``.  Integer and bool inputs give int64.

    ``out_i = input_0 * input_1 * ... * input_i`` along ``dim``; the gradient is exact at zeros.

    Args:
        input (Tensor): any numeric or bool dtype.
        dim (int): the dim to run along.
        dtype (optional): cast to this dtype first.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cumprod(rb.tensor([1.0, 2.0, 3.0, 0.5]), 0)
        tensor([1., 2., 6., 3.])
    """
    axis = dim_index(dim, _ndim(input), "cumprod")
    return Cumprod.apply(input, axis=axis, dtype=_total_dtype(input, dtype, "cumprod"))


def cummax(input: Any, dim: int) -> MaxResult:
    """Running maxima along ``dim`` and where each was found: ``(values, indices)``.

    As PyTorch: on ties the index is the latest position, and from a nan on the values
    are nan and the index is the latest nan's.  The values are ``input.gather(dim,
    indices)``, so the gradient reaches the elements that were the maximum.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cummax(rb.tensor([1.0, 3.0, 2.0, 3.0]), 0).indices.tolist()
        [0, 1, 1, 3]
    """
    return _running_extreme(input, dim, xp.maximum, "cummax")


def cummin(input: Any, dim: int) -> MaxResult:
    """Running minima along ``dim`` and where each was found: ``(values, indices)``; see
    :func:`cummax`.

    ``values_i = min(input_0, ..., input_i)``; on ties the index is the latest position.

    Args:
        input (Tensor): any numeric dtype.
        dim (int): the dim to run along.

    Shape: ``values`` and ``indices`` (int64) have ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.cummin(rb.tensor([3.0, 1.0, 2.0, 1.0]), 0)
        MaxResult(values=tensor([3., 1., 1., 1.]), indices=tensor([0, 1, 1, 3]))
    """
    return _running_extreme(input, dim, xp.minimum, "cummin")


def _running_extreme(input: Any, dim: int, extreme: Any, op: str) -> MaxResult:
    from .indexing import gather
    from .shape import reshape

    input = input if isinstance(input, Tensor) else Tensor(as_array(input, op))
    if input.ndim == 0:  # one element: itself, at 0
        dim_index(dim, 1, op)
        return MaxResult(reshape(input, ()), Tensor._wrap(xp.zeros((), dtype=xp.int64)))
    data = input.data
    axis = dim_index(dim, data.ndim, op)
    running = extreme.accumulate(data, axis=axis)
    # An element starts a new run where it equals the running extreme (>= the last one) or is
    # nan; the index is the latest such position so far.
    starts = (data == running) | (data != data)
    positions = xp.arange(data.shape[axis]).reshape((-1,) + (1,) * (data.ndim - axis - 1))
    indices = xp.maximum.accumulate(xp.where(starts, positions, 0), axis=axis)
    return MaxResult(gather(input, axis, Tensor._wrap(indices)), Tensor._wrap(indices))
