"""Reductions over one, several or all dimensions: sum, mean, max, var, norm, ...

Every reduction takes ``dim`` (None, an int or a tuple; negative allowed) and
``keepdim``, as in PyTorch.  Backward re-inserts the reduced axes and
broadcasts the gradient back over them.
"""
from __future__ import annotations

import builtins
from typing import Any, NamedTuple

from .._backend import xp
from .. import _backend
from ..autograd.function import Function, as_array
from ..autograd.grad_mode import _state
from ..tensor import Tensor
from ._dims import dim_index, dims, size_arg
from .pointwise import to_dtype
from .shape import reshape


def _expand_back(grad: Any, in_shape: tuple, axes: tuple | None, keepdim: bool) -> Any:
    """Reshape ``grad`` of a reduction so it broadcasts against the input."""
    if axes is None:
        axes = tuple(range(len(in_shape)))
    if not keepdim:
        grad = xp.expand_dims(grad, axes)
    return grad


class Sum(Function):
    saves_arrays = False

    def forward(self, x, axes=None, keepdim=False, dtype=None):
        self.in_shape, self.axes, self.keepdim = x.shape, axes, keepdim
        return x.sum(axis=axes, keepdims=keepdim, dtype=dtype)

    def backward(self, grad):
        grad = _expand_back(grad, self.in_shape, self.axes, self.keepdim)
        return xp.broadcast_to(grad, self.in_shape)


class Mean(Function):
    saves_arrays = False

    def forward(self, x, axes=None, keepdim=False):
        self.in_shape, self.axes, self.keepdim = x.shape, axes, keepdim
        out = x.mean(axis=axes, keepdims=keepdim)
        self.count = x.size // builtins.max(out.size, 1) if x.size else 0
        return out

    def backward(self, grad):
        grad = _expand_back(grad, self.in_shape, self.axes, self.keepdim) / self.count
        return xp.broadcast_to(grad, self.in_shape)


class Prod(Function):
    saves_inputs = (0,)
    saves_output = True

    def forward(self, x, axis=None, keepdim=False, dtype=None):
        self.x, self.axis, self.keepdim = x, axis, keepdim
        self.out = x.prod(axis=axis, keepdims=True, dtype=dtype)
        return self.out if keepdim else self.out.reshape(()) if axis is None else self.out.squeeze(axis)

    def backward(self, grad):
        if self.x.ndim == 0:
            return grad  # PyTorch's, even where x / x is nan (x inf or nan)
        if not (self.x == 0).any():  # PyTorch's formula, so nan and inf inputs get its gradients
            axes = None if self.axis is None else (self.axis,)
            return _expand_back(grad, self.x.shape, axes, self.keepdim) * (self.out / self.x)
        # The product of all *other* elements, from exclusive cumulative products
        # on both sides, so zeros in the input give exact gradients (no division).
        x = self.x.reshape(-1) if self.axis is None else xp.moveaxis(self.x, self.axis, -1)
        ones = xp.ones(x.shape[:-1] + (1,), dtype=x.dtype)
        n = x.shape[-1]  # the slices keep an empty dim empty (the concatenation adds one)
        left = xp.cumprod(xp.concatenate([ones, x[..., :-1]], -1), -1)[..., :n]
        right = xp.cumprod(xp.concatenate([ones, x[..., :0:-1]], -1), -1)[..., ::-1][..., :n]
        others = left * right
        if self.axis is None:
            return grad * others.reshape(self.x.shape)
        grad = grad if self.keepdim else xp.expand_dims(grad, self.axis)
        return grad * xp.moveaxis(others, -1, self.axis)


class AlongDim(Function):
    """max/min along one dim: values, with the gradient sent to the returned index."""

    def forward(self, x, axis=0, keepdim=False, largest=True):
        index = (xp.argmax if largest else xp.argmin)(x, axis=axis, keepdims=True)
        self.in_shape, self.axis, self.index = x.shape, axis, index
        out = xp.take_along_axis(x, index, axis=axis)
        return out if keepdim else out.squeeze(axis)

    def backward(self, grad):
        out = xp.zeros(self.in_shape, dtype=grad.dtype)
        if grad.ndim < len(self.in_shape):
            grad = xp.expand_dims(grad, self.axis)
        xp.put_along_axis(out, self.index, grad, axis=self.axis)
        return out


class Extreme(Function):
    """max/min over all dims, amax/amin: ties share the gradient evenly, as in PyTorch.

    ``nan_shares``: whether the nans of a slice whose extreme is nan share its gradient (PyTorch's
    max() and min() over all dims, and the inf-norms); amax/amin give such a slice nan (0 / 0
    hits), as PyTorch's do.
    """

    saves_inputs = (0,)
    saves_output = True  # backward compares the input with it

    def forward(self, x, axes=None, keepdim=False, largest=True, nan_shares=True, op="max"):
        if x.size == 0:
            _check_reducible(x.shape, axes, op)
        self.x, self.axes, self.keepdim, self.nan_shares = x, axes, keepdim, nan_shares
        self.out = (x.max if largest else x.min)(axis=axes, keepdims=True)
        return self.out if keepdim else self.out.squeeze(axes) if axes else self.out.reshape(())

    def backward(self, grad):
        # With nan_shares, a nan is the extreme of its slice and shares the gradient with the
        # other nans; x == nan alone gives 0/0 in the slice.
        hits = self.x == self.out
        if self.nan_shares and xp.isnan(self.out).any():  # rare: the passes over x only then
            hits |= xp.isnan(self.x) & xp.isnan(self.out)
        share = hits / hits.sum(axis=self.axes, keepdims=True)
        return _expand_back(grad, self.x.shape, self.axes, self.keepdim) * share.astype(grad.dtype)


def _check_reducible(shape: tuple, axes: tuple | None, op: str) -> None:
    """PyTorch's errors for a max-like reduction of an empty tensor (NumPy's speak of a
    'zero-size array to reduction operation maximum which has no identity')."""
    if axes is None:
        raise RuntimeError(f"{op}(): expected reduction dim to be specified for an empty tensor (shape "
                           f"{list(shape)}); specify the reduction dim with the 'dim' argument")
    for axis in axes:
        if shape[axis] == 0:
            raise IndexError(f"{op}(): expected reduction dim {axis} to have non-zero size, got shape "
                             f"{list(shape)}")


class LogSumExp(Function):
    def forward(self, x, axes=None, keepdim=False):
        if x.dtype.kind in "biu":
            x = x.astype(_backend.default_float)  # PyTorch: integer inputs give the default dtype
        peak = x.max(axis=axes, keepdims=True, initial=-xp.inf)  # an empty dim sums to log(0)
        peak = xp.where(xp.isfinite(peak), peak, 0)  # all -inf stays -inf, not nan
        out = xp.log(xp.exp(x - peak).sum(axis=axes, keepdims=True)) + peak
        self.softmax = xp.exp(x - out)
        self.axes, self.keepdim = axes, keepdim
        return out if keepdim else out.squeeze(axes) if axes else out.reshape(())

    def backward(self, grad):
        return _expand_back(grad, self.softmax.shape, self.axes, self.keepdim) * self.softmax


class Norm(Function):
    """The vector p-norm ``sum(|x|^p)^(1/p)`` for a finite ``p != 0`` (p = 1 and inf have their own
    ops), and for ``p = 0`` the count of nonzero elements, whose gradient is 0 (PyTorch's)."""

    saves_inputs = (0,)
    saves_output = True

    def forward(self, x, p=2, axes=None, keepdim=False):
        self.x, self.p, self.axes, self.keepdim = x, p, axes, keepdim
        if p == 2:
            self.out = xp.sqrt((x * x).sum(axis=axes, keepdims=True))
        elif p == 0:
            self.out = (x != 0).sum(axis=axes, keepdims=True).astype(x.dtype)
        else:
            self.out = (xp.abs(x) ** p).sum(axis=axes, keepdims=True) ** (1 / p)
        return self.out if keepdim else self.out.squeeze(axes) if axes else self.out.reshape(())

    def backward(self, grad):
        if self.p == 0:
            return None  # the count passes no gradient back (PyTorch's is undefined)
        grad = _expand_back(grad, self.x.shape, self.axes, self.keepdim)
        x, out = self.x, xp.where(self.out == 0, 1, self.out)
        if self.p == 2:
            direction = x / out
        else:  # sign(x) |x|^(p-1) / norm^(p-1); for p < 1 the power is infinite at x = 0
            direction = xp.where(x == 0, 0, xp.sign(x) * (xp.abs(x) / out) ** (self.p - 1))
        # The gradient is taken as 0 where the norm is 0 (and at x = 0), as PyTorch does.
        return grad * xp.where(self.out == 0, 0, direction)


class MaxResult(NamedTuple):
    """``(values, indices)`` returned by max/min along a dim, like ``torch.return_types``.

    A named tuple: unpack it, or read ``.values`` and ``.indices``.  ``cummax``, ``cummin``,
    ``mode``, ``median`` and ``kthvalue`` along a dim return one too.

    Example:
        >>> import rosenblatt as rb
        >>> result = rb.max(rb.tensor([[1.0, 5.0], [4.0, 0.0]]), 1)
        >>> result
        MaxResult(values=tensor([5., 4.]), indices=tensor([1, 0]))
        >>> values, indices = result
        >>> indices.tolist()
        [1, 0]
    """

    values: Tensor
    indices: Tensor


# ------------------------------------------------------------------ functions
def _ndim(input: Any) -> int:
    return input.ndim if isinstance(input, Tensor) else as_array(input).ndim


def _axes(dim: Any, input: Any, op: str) -> tuple[int, ...] | None:
    """Reduced axes, None for all; an empty ``dim`` also means all dims in PyTorch (not none)."""
    return dims(dim, _ndim(input), op) or None


def _total_dtype(input: Any, dtype: Any, op: str) -> Any:
    """The dtype of a sum, product or cumsum: ``dtype`` if given, int64 for integer and bool
    inputs as in PyTorch (NumPy would give uint64 for uint8), else the input's own (None).

    An integer or bool ``dtype`` for an input that requires grad is PyTorch's error (its
    result could not require grad, and would silently cut the graph)."""
    if dtype is None:
        return xp.int64 if getattr(input, "dtype", xp.dtype("f")).kind in "biu" else None
    if xp.dtype(dtype).kind not in "fc" and getattr(input, "requires_grad", False) and _state.enabled:
        raise RuntimeError(f"{op}(): dtype={xp.dtype(dtype)} on an input that requires grad: autograd "
                           f"does not support integer or bool results; use a floating dtype, or "
                           f"detach() the input first")
    return dtype


def _require_float(input: Any, op: str) -> None:
    dtype = getattr(input, "dtype", xp.dtype("f"))
    if dtype.kind not in "fc":
        raise TypeError(f"{op}(): expected a floating point tensor, got {dtype}; "
                        f"convert it with .float() first")


def sum(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum over ``dim`` (all dims when None).  Integer and bool inputs sum to int64, as in PyTorch.

    ``out = sum_i input_i`` over the reduced dims.

    Args:
        input (Tensor): any numeric or bool dtype.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).
        dtype (optional): cast to this dtype before summing.

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> rb.sum(x), rb.sum(x, 0), rb.sum(x, 1, keepdim=True).shape
        (tensor(10.), tensor([4., 6.]), (2, 1))
        >>> rb.sum(rb.tensor([True, True, False]))  # counts, as int64
        tensor(2)
    """
    axes = _axes(dim, input, "sum")
    return Sum.apply(input, axes=axes, keepdim=keepdim, dtype=_total_dtype(input, dtype, "sum"))


def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """Sum ``input`` down to ``size``, a shape it broadcasts from: the reverse of ``expand``
    (what a broadcast operand's gradient goes through).

    The leading dims ``size`` lacks are summed away, and the dims where ``size`` has 1; the
    others must match.  Where ``size`` is ``input``'s shape, ``input`` itself comes back;
    otherwise integer and bool inputs sum to int64, as ``sum``.

    Args:
        input (Tensor): any numeric or bool dtype.
        size (ints or a sequence of ints): the shape to sum to, as varargs or one sequence.

    Shape: ``size``, which must be expandable to ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.ones(2, 3)
        >>> x.sum_to_size(1, 3), x.sum_to_size(2, 1).shape, x.sum_to_size(3)
        (tensor([[2., 2., 2.]]), (2, 1), tensor([2., 2., 2.]))
    """
    shape, target = tuple(input.shape), size_arg(size, "sum_to_size()")
    lead = len(shape) - len(target)
    if lead < 0 or builtins.any(t not in (s, 1) for t, s in zip(target, shape[lead:])):
        raise ValueError(f"sum_to_size(): size {list(target)} is not expandable to the tensor's shape "
                         f"{list(shape)}: aligned from the last dim, each size must be the tensor's "
                         f"or 1, and there may be no more of them than the tensor has dims")
    if target == shape:
        return input
    axes = tuple(range(lead)) + tuple(lead + i for i, (t, s) in enumerate(zip(target, shape[lead:]))
                                      if t == 1 and s != 1)
    return reshape(sum(input, axes, keepdim=True), target)


def mean(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Arithmetic mean over ``dim``; floating inputs only, as in PyTorch, or ``dtype`` given: the
    input is cast to it first (``mean(int_tensor, dtype=float32)``, or float64 accumulation).

    ``out = (1 / N) sum_i input_i`` over the ``N`` entries of the reduced dims.

    Args:
        input (Tensor): a floating tensor (or any, with ``dtype``).
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).
        dtype (optional): a floating dtype to cast to first.

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> rb.mean(x), rb.mean(x, 1)
        (tensor(2.5), tensor([1.5, 3.5]))
        >>> rb.mean(rb.tensor([1, 2]), dtype=rb.float32)
        tensor(1.5)
    """
    if dtype is not None:
        input = to_dtype(input, dtype)
    _require_float(input, "mean")
    return Mean.apply(input, axes=_axes(dim, input, "mean"), keepdim=keepdim)


def prod(input: Any, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Product over ``dim`` (all elements when None).  Integer and bool inputs give int64.

    ``out = prod_i input_i``; the gradient is exact where entries are 0.

    Args:
        input (Tensor): any numeric or bool dtype.
        dim (int, optional): the one dim to reduce; all by default.
        keepdim (bool): keep ``dim`` with size 1 (default False).
        dtype (optional): cast to this dtype first.

    Shape: ``input`` without ``dim`` (with it, size 1, under ``keepdim``); 0-d without ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> rb.prod(x), rb.prod(x, 1)
        (tensor(24.), tensor([ 2., 12.]))
    """
    ndim = _ndim(input)
    if dim is not None and not isinstance(dim, (int, xp.integer)):
        raise TypeError(f"prod(): dim must be an int (PyTorch's prod reduces one dim or all), got {dim!r}")
    axis = None if dim is None else dim_index(dim, ndim, "prod")
    axis = axis if ndim else None  # a 0-d tensor's dim 0 is the tensor itself
    return Prod.apply(input, axis=axis, keepdim=keepdim, dtype=_total_dtype(input, dtype, "prod"))


def _extreme(input: Any, dim: Any, keepdim: bool, largest: bool, op: str) -> Any:
    if dim is None:
        return Extreme.apply(input, largest=largest, op=op)
    if isinstance(dim, Tensor):  # torch.max(a, b) is the element-wise maximum
        from .arithmetic import maximum, minimum
        return (maximum if largest else minimum)(input, dim)
    axis = dim_index(dim, _ndim(input), op)
    data = input.data if isinstance(input, Tensor) else as_array(input)
    if data.ndim == 0:  # dim 0 of a 0-d tensor: the value itself, at index 0
        from .shape import reshape
        values = AlongDim.apply(reshape(input, (1,)), axis=0, keepdim=False, largest=largest)
        return MaxResult(values, Tensor._wrap(xp.asarray(0)))
    if data.shape and data.shape[axis] == 0:
        raise IndexError(f"{op}(): expected a non-empty dimension {dim}, got shape {data.shape}")
    values = AlongDim.apply(input, axis=axis, keepdim=keepdim, largest=largest)
    index = (xp.argmax if largest else xp.argmin)(data, axis=axis, keepdims=keepdim)
    return MaxResult(values, Tensor._wrap(xp.asarray(index)))


def max(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The largest element; with ``dim``, ``(values, indices)`` along that dim.

    ``max(input, other)`` with a tensor ``other`` is the element-wise :func:`maximum`.  Over
    all dims, ties share the gradient evenly; along ``dim``, it goes to the returned index
    (the first of ties).

    Args:
        input (Tensor): any numeric dtype.
        dim (int, optional): the dim to reduce; all dims, with no indices, by default.
        keepdim (bool): keep ``dim`` with size 1 (default False).

    Shape: a 0-d tensor without ``dim``; ``input`` without ``dim`` for ``values`` and
    ``indices`` (int64) with it.

    Returns:
        Tensor, or a :class:`MaxResult` ``(values, indices)`` when ``dim`` is given.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 4.0]])
        >>> rb.max(x)
        tensor(5.)
        >>> rb.max(x, 1)
        MaxResult(values=tensor([5., 4.]), indices=tensor([1, 0]))
    """
    return _extreme(input, dim, keepdim, True, "max")


def min(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The smallest element; with ``dim``, ``(values, indices)`` along that dim.

    ``min(input, other)`` with a tensor ``other`` is the element-wise :func:`minimum`.  Over
    all dims, ties share the gradient evenly; along ``dim``, it goes to the returned index
    (the first of ties).

    Args:
        input (Tensor): any numeric dtype.
        dim (int, optional): the dim to reduce; all dims, with no indices, by default.
        keepdim (bool): keep ``dim`` with size 1 (default False).

    Shape: a 0-d tensor without ``dim``; ``input`` without ``dim`` for ``values`` and
    ``indices`` (int64) with it.

    Returns:
        Tensor, or a :class:`MaxResult` ``(values, indices)`` when ``dim`` is given.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 4.0]])
        >>> rb.min(x)
        tensor(0.)
        >>> rb.min(x, 1)
        MaxResult(values=tensor([1., 0.]), indices=tensor([0, 1]))
    """
    return _extreme(input, dim, keepdim, False, "min")


def amax(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """The largest entries over ``dim`` (one dim or several), without indices.

    Unlike ``max(input, dim)``, ties share the gradient evenly, as in PyTorch.

    Args:
        input (Tensor): any numeric dtype.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 4.0]])
        >>> rb.amax(x, 1), rb.amax(x, (0, 1))
        (tensor([5., 4.]), tensor(5.))
    """
    return Extreme.apply(input, axes=_axes(dim, input, "amax"), keepdim=keepdim, largest=True,
                         nan_shares=False, op="amax")


def amin(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """The smallest entries over ``dim`` (one dim or several), without indices.

    Unlike ``min(input, dim)``, ties share the gradient evenly, as in PyTorch.

    Args:
        input (Tensor): any numeric dtype.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 4.0]])
        >>> rb.amin(x, 0), rb.amin(x)
        (tensor([1., 0., 2.]), tensor(0.))
    """
    return Extreme.apply(input, axes=_axes(dim, input, "amin"), keepdim=keepdim, largest=False,
                         nan_shares=False, op="amin")


def _arg_extreme(input: Any, dim: int | None, keepdim: bool, largest: bool, op: str) -> Tensor:
    data = as_array(input)
    if data.dtype.kind == "b":
        raise TypeError(f"{op}(): does not support bool input, as in PyTorch; convert it with .int() first")
    find = xp.argmax if largest else xp.argmin
    axis = None if dim is None else dim_index(dim, data.ndim, op)
    if data.size == 0:
        _check_reducible(data.shape, None if axis is None else (axis,), op)
    if axis is None:  # the flat index; keepdim keeps every dim, with size 1 (as PyTorch)
        index = find(data)
        return Tensor._wrap(xp.asarray(index).reshape((1,) * data.ndim if keepdim else ()))
    return Tensor._wrap(xp.asarray(find(data, axis=axis, keepdims=keepdim)))


def argmax(input: Any, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the largest element (flat index when ``dim`` is None); the first of ties.

    Args:
        input (Tensor): any numeric dtype (not bool).
        dim (int, optional): the dim to search along; the flattened tensor by default.
        keepdim (bool): keep the reduced dim(s) with size 1 (default False).

    Shape: int64, ``input`` without ``dim``; 0-d without ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 4.0]])
        >>> rb.argmax(x), rb.argmax(x, 1)
        (tensor(1), tensor([1, 0]))
    """
    return _arg_extreme(input, dim, keepdim, True, "argmax")


def argmin(input: Any, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest element (flat index when ``dim`` is None); the first of ties.

    Args:
        input (Tensor): any numeric dtype (not bool).
        dim (int, optional): the dim to search along; the flattened tensor by default.
        keepdim (bool): keep the reduced dim(s) with size 1 (default False).

    Shape: int64, ``input`` without ``dim``; 0-d without ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 4.0]])
        >>> rb.argmin(x), rb.argmin(x, 1)
        (tensor(4), tensor([0, 1]))
    """
    return _arg_extreme(input, dim, keepdim, False, "argmin")


def _deviations(input: Any, dim: Any, unbiased: bool | None, correction: float | None,
                op: str) -> tuple[Tensor, tuple | None, float]:
    """``input - mean``, the reduced axes and ``N - correction``: what var and std share."""
    _require_float(input, op)
    if isinstance(dim, bool):  # PyTorch's var(input, unbiased): not dim 0 or 1
        dim, unbiased = None, dim
    if unbiased is not None:
        correction = 1 if unbiased else 0
    correction = 1 if correction is None else correction
    input = input if isinstance(input, Tensor) else Tensor(input)
    axes = _axes(dim, input, op)
    centered = input - Mean.apply(input, axes=axes, keepdim=True)
    n = input.numel() if axes is None else int(xp.prod([input.shape[a] for a in axes]))
    return centered, axes, builtins.max(n - correction, 0)


def var(input: Any, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None) -> Tensor:
    """Variance ``sum((x - mean)^2) / (N - correction)``; ``correction=1`` (the default) is Bessel's.

    As in PyTorch, ``unbiased`` may be given in place of ``dim``: ``x.var(False)`` is the
    population variance over all dims.

    Args:
        input (Tensor): a floating tensor.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        unbiased (bool, optional): True for ``correction=1``, False for 0.
        keepdim (bool): keep the reduced dims with size 1 (default False).
        correction (float, optional): subtracted from ``N`` in the divisor (default 1).

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, 2.0, 3.0, 5.0])  # mean 2.75, squared deviations sum to 8.75
        >>> rb.var(x), rb.var(x, correction=0)
        (tensor(2.9167), tensor(2.1875))
    """
    centered, axes, divisor = _deviations(input, dim, unbiased, correction, "var")
    return Sum.apply(centered * centered, axes=axes, keepdim=keepdim) / divisor


def std(input: Any, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None) -> Tensor:
    """Standard deviation, ``sqrt(var(input, dim, unbiased, keepdim, correction=correction))``.

    ``sqrt(sum((x - mean)^2) / (N - correction))``; see :func:`var` for the arguments.

    Args:
        input (Tensor): a floating tensor.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        unbiased (bool, optional): True for ``correction=1``, False for 0.
        keepdim (bool): keep the reduced dims with size 1 (default False).
        correction (float, optional): subtracted from ``N`` in the divisor (default 1).

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])  # mean 5, squares sum to 32
        >>> rb.std(x, correction=0), rb.std(rb.tensor([[1.0, 3.0], [2.0, 2.0]]), 1)
        (tensor(2.), tensor([1.4142, 0.    ]))
    """
    centered, axes, divisor = _deviations(input, dim, unbiased, correction, "std")
    # The 2-norm of the deviations, whose gradient is 0 where they all are 0 (a constant
    # input), as PyTorch's; sqrt(var) would give 0 * inf = nan there.
    return Norm.apply(centered, p=2, axes=axes, keepdim=keepdim) / divisor ** 0.5


def logsumexp(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input)))`` over ``dim``, stable for inputs of any magnitude.

    Computed as ``m + log(sum(exp(input - m)))`` with ``m`` the maximum, so large inputs
    don't overflow.  Its gradient is ``softmax(input)``.

    Args:
        input (Tensor): a floating tensor.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.logsumexp(rb.tensor([0.0, 0.0]), 0)  # log 2
        tensor(0.6931)
        >>> rb.logsumexp(rb.tensor([1000.0, 1000.0]), 0)  # exp(1000) would overflow
        tensor(1000.6932)
    """
    return LogSumExp.apply(input, axes=_axes(dim, input, "logsumexp"), keepdim=keepdim)


def norm(input: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    """Vector p-norm over ``dim`` (all elements when None): p = 2/'fro', 1, inf, -inf or any number.

    ``(sum_i |x_i|^p)^(1/p)``; ``inf`` is ``max |x_i|`` and ``-inf`` ``min |x_i|``.

    Args:
        input (Tensor): a floating tensor.
        p (float or str): the order (default 'fro', the 2-norm of all entries).
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([3.0, -4.0])
        >>> rb.norm(x), rb.norm(x, 1), rb.norm(x, float("inf"))
        (tensor(5.), tensor(7.), tensor(4.))
        >>> rb.norm(rb.tensor([[3.0, 4.0], [6.0, 8.0]]), dim=1)
        tensor([ 5., 10.])
    """
    _require_float(input, "norm")
    axes = _axes(dim, input, "norm")
    if p in ("fro", 2, 2.0):
        return Norm.apply(input, p=2, axes=axes, keepdim=keepdim)
    from .pointwise import abs as abs_
    if p == float("inf"):
        return Extreme.apply(abs_(input), axes=axes, keepdim=keepdim, largest=True, op="norm")
    if p == float("-inf"):
        return Extreme.apply(abs_(input), axes=axes, keepdim=keepdim, largest=False, op="norm")
    if p == 1:
        return Sum.apply(abs_(input), axes=axes, keepdim=keepdim)
    if isinstance(p, (int, float)) and not isinstance(p, bool):
        return Norm.apply(input, p=p, axes=axes, keepdim=keepdim)
    raise ValueError(f"norm(): p must be 'fro', inf, -inf or a number, got {p!r} (matrix norms such "
                     f"as 'nuc' are not available)")


def all(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element (along ``dim``) is nonzero: bool, uint8 for uint8 (PyTorch's rule).

    Args:
        input (Tensor): any dtype.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.all(rb.tensor([1, 2, 0])), rb.all(rb.tensor([[True, False], [True, True]]), 1)
        (tensor(False), tensor([False,  True]))
    """
    return _truth(input, dim, keepdim, "all")


def any(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether some element (along ``dim``) is nonzero: bool, uint8 for uint8 (PyTorch's rule).

    Args:
        input (Tensor): any dtype.
        dim (int or tuple of ints, optional): the dims to reduce; all by default.
        keepdim (bool): keep the reduced dims with size 1 (default False).

    Shape: ``input`` without the reduced dims (with them, size 1, under ``keepdim``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.any(rb.tensor([0, 0, 1])), rb.any(rb.tensor([[False, False], [True, False]]), 1)
        (tensor(True), tensor([False,  True]))
    """
    return _truth(input, dim, keepdim, "any")


def _truth(input: Any, dim: Any, keepdim: bool, op: str) -> Tensor:
    data = as_array(input)
    out = getattr(data, op)(axis=dims(dim, data.ndim, op), keepdims=keepdim)
    return Tensor._wrap(xp.asarray(out, dtype=xp.uint8 if data.dtype == xp.uint8 else xp.bool_))
