"""Ops that move elements without changing them: reshape, permute, pad, ... (cat, stack, split:
``joining``).

Views stay views where NumPy allows (reshape of contiguous data, transpose,
expand); backward applies the inverse movement to the gradient.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from .._backend import xp
from ..autograd.function import Function, as_array
from ..tensor import Tensor
from ._dims import dim_index, size_arg
from .arithmetic import result_type


class Reshape(Function):
    saves_arrays = False

    def forward(self, x, shape=()):
        self.in_shape = x.shape
        return x.reshape(shape)

    def backward(self, grad):
        return grad.reshape(self.in_shape)


class Permute(Function):
    saves_arrays = False

    def forward(self, x, axes=()):
        self.axes = axes
        return x.transpose(axes)

    def backward(self, grad):
        return grad.transpose(tuple(sorted(range(len(self.axes)), key=self.axes.__getitem__)))


class Expand(Function):
    saves_arrays = False

    def forward(self, x, shape=()):
        return xp.broadcast_to(x, shape)  # a view; the engine sums the gradient back

    def backward(self, grad):
        return grad


class Repeat(Function):
    def forward(self, x, repeats=()):
        self.in_shape = (1,) * (len(repeats) - x.ndim) + x.shape
        self.repeats = repeats
        return xp.tile(x, repeats)

    def backward(self, grad):
        # Split each axis into (repeat, size) and sum the repeats away.
        split = [n for pair in zip(self.repeats, self.in_shape) for n in pair]
        summed = grad.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return summed


class Pad(Function):
    def forward(self, x, widths=(), mode="constant", value=0):
        self.in_shape, self.widths, self.mode = x.shape, widths, mode
        if mode == "constant":
            return xp.pad(x, widths, mode="constant", constant_values=value)
        return xp.pad(x, widths, mode=_NUMPY_PAD_MODE[mode])

    def backward(self, grad):
        if self.mode == "constant":
            return grad[tuple(slice(lo, lo + n) for (lo, _), n in zip(self.widths, self.in_shape))]
        # Pad a map of source positions the same way; each padded cell sends its
        # gradient back to the position it was copied from.
        size = math.prod(self.in_shape)
        source = xp.pad(xp.arange(size).reshape(self.in_shape), self.widths, mode=_NUMPY_PAD_MODE[self.mode])
        flat = xp.bincount(source.ravel(), weights=grad.ravel(), minlength=size)
        return flat.reshape(self.in_shape).astype(grad.dtype)


_NUMPY_PAD_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


class Triangle(Function):
    def forward(self, x, diagonal=0, upper=False):
        self.diagonal, self.upper = diagonal, upper
        return (xp.triu if upper else xp.tril)(x, diagonal)

    def backward(self, grad):
        return (xp.triu if self.upper else xp.tril)(grad, self.diagonal)


class Flip(Function):
    def forward(self, x, axes=()):
        self.axes = axes
        return xp.flip(x, axes)

    def backward(self, grad):
        return xp.flip(grad, self.axes)


class Clone(Function):
    saves_arrays = False

    def forward(self, x):
        return x.copy()

    def backward(self, grad):
        return grad


# ------------------------------------------------------------------ functions
def _data(input: Any) -> Any:
    return input.data if isinstance(input, Tensor) else as_array(input)


def _resolve_shape(in_shape: tuple, shape: tuple, op: str) -> tuple:
    size = math.prod(in_shape)
    if shape.count(-1) > 1:
        raise ValueError(f"{op}: only one dimension can be inferred (-1), got shape {list(shape)}")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or size % known:
            raise ValueError(f"{op}: shape {list(shape)} is invalid for input of size {size} "
                             f"(input shape {list(in_shape)})")
        shape = tuple(size // known if s == -1 else s for s in shape)
    elif known != size or any(s < 0 for s in shape):
        raise ValueError(f"{op}: shape {list(shape)} is invalid for input of size {size} "
                         f"(input shape {list(in_shape)})")
    return shape


def reshape(input: Any, *shape: Any) -> Tensor:
    """The same elements in a new shape; one size may be -1 (inferred).

    The elements keep their row-major order; the new shape must hold as many.

    Args:
        input (Tensor): the tensor to reshape.
        shape (ints or a sequence of ints): the new shape, as varargs ``reshape(x, 2, 3)`` or
            one sequence ``reshape(x, (2, 3))``.

    Shape: ``(*)`` -> ``shape``, with ``prod(shape) == input.numel()``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.reshape(rb.arange(6), (2, -1))
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    data = _data(input)
    shape = _resolve_shape(data.shape, size_arg(shape, "reshape"), "reshape")
    if shape == data.shape:
        return input if isinstance(input, Tensor) else Tensor._wrap(data)
    return Reshape.apply(input, shape=shape)


def view(input: Any, *shape: Any) -> Tensor:
    """Like ``reshape`` (NumPy copies where a view is impossible, so it never fails on layout)."""
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)):
        return to_dtype_view(input, shape[0])
    return reshape(input, *shape)


def to_dtype_view(input: Any, dtype: Any) -> Tensor:
    return Tensor._wrap(_data(input).view(dtype))


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one.

    Args:
        input (Tensor): the tensor to flatten; a 0-d one becomes 1-d.
        start_dim (int): the first dim to merge (default 0).
        end_dim (int): the last dim to merge, inclusive (default -1).

    Shape: ``(*a, n_start, ..., n_end, *b)`` -> ``(*a, n_start * ... * n_end, *b)``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.zeros(2, 3, 4)
        >>> rb.flatten(x).shape, rb.flatten(x, 1).shape
        ((24,), (2, 12))
    """
    shape = _data(input).shape
    if not shape:
        return reshape(input, (1,))
    start = dim_index(start_dim, len(shape), "flatten")
    end = dim_index(end_dim, len(shape), "flatten")
    if start > end:
        raise ValueError(f"flatten(): start_dim {start_dim} comes after end_dim {end_dim}")
    return reshape(input, shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])


def unflatten(input: Any, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1).

    The inverse of :func:`flatten` over those dims.

    Args:
        input (Tensor): the tensor to reshape.
        dim (int): the dim to split.
        sizes (sequence of ints): the new dims; their product is ``input.shape[dim]``.

    Shape: ``(*a, n, *b)`` -> ``(*a, *sizes, *b)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.unflatten(rb.zeros(2, 12), 1, (3, -1)).shape
        (2, 3, 4)
    """
    shape = _data(input).shape
    axis = dim_index(dim, len(shape), "unflatten")
    sizes = _resolve_shape((shape[axis],), tuple(sizes), "unflatten")
    return reshape(input, shape[:axis] + sizes + shape[axis + 1:])


def squeeze(input: Any, dim: Any = None) -> Tensor:
    """Remove dims of size 1 (only those in ``dim`` when given).

    A named dim whose size is not 1 stays, as in PyTorch.

    Args:
        input (Tensor): the tensor to squeeze.
        dim (int or tuple of ints, optional): the dims to remove; every size-1 dim by default.

    Shape: ``input``'s shape without the removed size-1 dims.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.zeros(2, 1, 3, 1)
        >>> rb.squeeze(x).shape, rb.squeeze(x, 1).shape
        ((2, 3), (2, 3, 1))
    """
    shape = _data(input).shape
    if dim is None:
        axes = [i for i, n in enumerate(shape) if n == 1]
    else:
        dims_ = (dim,) if isinstance(dim, int) else dim
        axes = [dim_index(d, len(shape), "squeeze") for d in dims_]
    return reshape(input, tuple(n for i, n in enumerate(shape) if not (i in axes and n == 1)))


def unsqueeze(input: Any, dim: int) -> Tensor:
    """Insert a dim of size 1 at ``dim``.

    Args:
        input (Tensor): the tensor.
        dim (int): the new dim's position in the result, in ``[-ndim - 1, ndim]``.

    Shape: ``(*a, *b)`` -> ``(*a, 1, *b)`` with ``len(a) == dim``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.zeros(2, 3)
        >>> rb.unsqueeze(x, 0).shape, rb.unsqueeze(x, -1).shape
        ((1, 2, 3), (2, 3, 1))
    """
    shape = _data(input).shape
    axis = dim_index(dim, len(shape) + 1, "unsqueeze")
    return reshape(input, shape[:axis] + (1,) + shape[axis:])


def permute(input: Any, *dims: Any) -> Tensor:
    """Reorder dims: output dim i is input dim ``dims[i]``.

    Args:
        input (Tensor): the tensor.
        dims (ints or a sequence of ints): a permutation of ``0 .. ndim - 1``, as varargs or
            one sequence.

    Shape: ``out.shape[i] == input.shape[dims[i]]``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.permute(rb.zeros(2, 3, 4), 2, 0, 1).shape
        (4, 2, 3)
    """
    ndim = _data(input).ndim
    axes = tuple(dim_index(d, ndim, "permute") for d in size_arg(dims, "permute"))
    if sorted(axes) != list(range(ndim)):
        raise ValueError(f"permute(): dims {list(dims)} must name each of the {ndim} dims once")
    return Permute.apply(input, axes=axes)


def transpose(input: Any, dim0: int, dim1: int) -> Tensor:
    """Swap dims ``dim0`` and ``dim1``.

    ``swapaxes`` is the same function; :func:`t` is the 2-d case.

    Args:
        input (Tensor): the tensor.
        dim0 (int): one dim.
        dim1 (int): the other.

    Shape: ``input``'s shape with sizes ``dim0`` and ``dim1`` swapped.

    Example:
        >>> import rosenblatt as rb
        >>> rb.transpose(rb.zeros(2, 3, 4), 0, 2).shape
        (4, 3, 2)
    """
    ndim = _data(input).ndim
    axes = list(range(ndim))
    if ndim:
        a, b = dim_index(dim0, ndim, "transpose"), dim_index(dim1, ndim, "transpose")
        axes[a], axes[b] = axes[b], axes[a]
    return Permute.apply(input, axes=tuple(axes))


swapaxes = transpose


def t(input: Any) -> Tensor:
    """Transpose a matrix (0-d and 1-d tensors come back unchanged).

    ``transpose(input, 0, 1)`` for a 2-d tensor.

    Args:
        input (Tensor): a tensor of at most 2 dims.

    Shape: ``(n, m)`` -> ``(m, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.t(rb.tensor([[1, 2, 3], [4, 5, 6]]))
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
    """
    ndim = _data(input).ndim
    if ndim > 2:
        raise ValueError(f"t(): expects a tensor with <= 2 dimensions, but the input is {ndim}-D; "
                         f"use transpose(dim0, dim1), or .mT to swap the last two")
    return transpose(input, 0, 1) if ndim == 2 else input


def movedim(input: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move dims ``source`` to positions ``destination`` (ints or equal-length sequences);
    the other dims keep their order.

    ``moveaxis`` is the same function.

    Args:
        input (Tensor): the tensor.
        source (int or sequence of ints): the dims to move.
        destination (int or sequence of ints): their positions in the result.

    Shape: ``input``'s sizes, reordered.

    Example:
        >>> import rosenblatt as rb
        >>> rb.movedim(rb.zeros(2, 3, 4), 0, -1).shape  # channels first to channels last
        (3, 4, 2)
    """
    ndim = _data(input).ndim
    sources = [dim_index(d, ndim, "movedim") for d in ((source,) if isinstance(source, int) else source)]
    targets = [dim_index(d, ndim, "movedim") for d in
               ((destination,) if isinstance(destination, int) else destination)]
    if len(sources) != len(targets) or len(set(sources)) < len(sources) or len(set(targets)) < len(targets):
        raise ValueError(f"movedim(): source {source} and destination {destination} must name the "
                         f"same number of distinct dims")
    if not ndim:  # dim 0 (or -1) of a 0-d tensor is the tensor itself, as in PyTorch
        sources = targets = []
    order: list = [None] * ndim
    for s, d in zip(sources, targets):
        order[d] = s
    rest = iter(i for i in range(ndim) if i not in sources)
    return Permute.apply(input, axes=tuple(next(rest) if o is None else o for o in order))


def expand(input: Any, *sizes: Any) -> Tensor:
    """Broadcast to ``sizes`` without copying; -1 keeps a dim's size."""
    shape = _data(input).shape
    sizes = size_arg(sizes, "expand")
    if len(sizes) < len(shape):
        raise ValueError(f"expand(): the number of sizes ({len(sizes)}) must be at least the "
                         f"number of dims ({len(shape)})")
    lead = len(sizes) - len(shape)
    if any(s < 0 for s in sizes[:lead]) or any(s < -1 for s in sizes):
        raise ValueError(f"expand(): sizes {list(sizes)} are invalid for shape {list(shape)}: -1 "
                         f"(keep the size) is only allowed for existing dims, other sizes must "
                         f"be non-negative")
    target = tuple(shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    for i, n in enumerate(shape):
        if n != 1 and n != target[i + lead]:
            raise ValueError(f"expand(): the size of dim {i} ({n}) must match the new size "
                             f"{target[i + lead]} or be 1 (shape {list(shape)} -> {list(sizes)})")
    return Expand.apply(input, shape=target)


def expand_as(input: Any, other: Tensor) -> Tensor:
    return expand(input, other.shape)


def broadcast_to(input: Any, shape: Sequence[int]) -> Tensor:
    """``input`` broadcast to ``shape`` without copying: ``expand(input, shape)``.

    Size-1 dims are repeated and new leading dims added; -1 keeps a dim's size.  The
    gradient sums over the broadcast dims.

    Args:
        input (Tensor): the tensor.
        shape (sequence of ints): the target shape.

    Shape: ``(*)`` -> ``shape``, where ``input``'s shape broadcasts to ``shape``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.broadcast_to(rb.tensor([1, 2, 3]), (2, 3))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """
    return expand(input, tuple(shape))


def repeat(input: Any, *repeats: Any) -> Tensor:
    """Tile the tensor ``repeats[i]`` times along dim i.

    As ``Tensor.repeat`` in PyTorch (NumPy's ``tile``); more repeats than dims add leading dims.
    See :func:`repeat_interleave` to repeat each entry in place.

    Args:
        input (Tensor): the tensor.
        repeats (ints or a sequence of ints): one count per dim at least, as varargs or one
            sequence.

    Shape: ``(n_0, ..., n_k)`` -> ``(r_0 * n_0, ..., r_k * n_k)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.repeat(rb.tensor([1, 2]), 2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    repeats = size_arg(repeats, "repeat")
    if len(repeats) < _data(input).ndim:
        raise ValueError(f"repeat(): {len(repeats)} repeats given for a {_data(input).ndim}-d tensor; "
                         f"give at least one per dim")
    return Repeat.apply(input, repeats=repeats)


def pad(input: Any, pad: Sequence[int], mode: str = "constant", value: float | None = 0.0) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left_last, right_last, left_prev, ...)``.

    Modes: 'constant' (any dims of any input), and 'reflect', 'replicate', 'circular', which
    pad the last 1, 2 or 3 dims of an unbatched or batched input only, as PyTorch's.  Negative
    widths crop: 'reflect' and 'replicate' pad the whole input first (a reflection mirrors at
    the input's own edge), 'constant' and 'circular' crop first (a wrap copies the cropped
    input), as PyTorch does.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1.0, 2.0, 3.0]])
        >>> rb.nn.functional.pad(x, (1, 2))
        tensor([[0., 1., 2., 3., 0., 0.]])
        >>> rb.nn.functional.pad(x, (2, 0), mode="reflect")
        tensor([[3., 2., 1., 2., 3.]])
        >>> rb.nn.functional.pad(x, (0, 0, 1, 1), value=9.0).shape  # (left, right) of dim -1, then dim -2
        (3, 3)
    """
    data = _data(input)
    if len(pad) % 2 or len(pad) // 2 > data.ndim:
        raise ValueError(f"pad(): pad must have an even length of at most 2 * ndim = {2 * data.ndim}, "
                         f"got {len(pad)}")
    if mode not in ("constant",) + tuple(_NUMPY_PAD_MODE):
        raise ValueError(f"pad(): mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    widths = [(0, 0)] * data.ndim
    for i in range(len(pad) // 2):
        widths[data.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    if mode != "constant":
        _check_padding_from_input(data.shape, widths, len(pad) // 2, mode, value)
    if any(lo < 0 or hi < 0 for lo, hi in widths):
        from .indexing import getitem
        grown = tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)
        if mode in ("reflect", "replicate"):  # PyTorch mirrors/extends at the input's own edges
            padded = Pad.apply(input, widths=grown, mode=mode)
            return getitem(padded, _crop_slices(widths, _data(padded).shape))
        for (lo, hi), n in zip(widths, data.shape):
            if n + min(lo, 0) + min(hi, 0) < 0:
                raise ValueError(f"pad(): padding ({lo}, {hi}) crops more than the dim's size {n} "
                                 f"(input shape {list(data.shape)})")
        input = getitem(input, _crop_slices(widths, data.shape))
        data = _data(input)
        widths = grown
    if mode == "circular":
        # NumPy would wrap more than once; PyTorch refuses, and so do we.
        for (lo, hi), n in zip(widths, data.shape):
            if max(lo, hi) > n:
                raise ValueError(f"pad(): circular padding must be at most the size of the padded "
                                 f"dim (after cropping), got padding ({lo}, {hi}) for a dim of size "
                                 f"{n} (input shape {list(data.shape)})")
    # value=None is PyTorch's default, 0 (NumPy would pad a float tensor with NaN)
    return Pad.apply(input, widths=tuple(widths), mode=mode, value=0.0 if value is None else value)


def _crop_slices(widths: Sequence[tuple[int, int]], shape: tuple[int, ...]) -> tuple[slice, ...]:
    """The slices that drop ``-width`` elements at each negative width."""
    return tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, shape))


def _check_padding_from_input(shape: tuple[int, ...], widths: list[tuple[int, int]],
                              padded_dims: int, mode: str, value: float | None) -> None:
    """PyTorch's rules for the modes that fill from the input ('reflect', 'replicate',
    'circular'): no fill value; 1, 2 or 3 padded dims of a ``padded_dims + 1``-d (unbatched)
    or ``padded_dims + 2``-d (batched) input; reflect and replicate need non-empty dims bar the
    batch dim and leave at least one element; reflect pads less than the dim's size."""
    if value:
        raise ValueError(f"pad(): mode {mode!r} fills from the input and takes no value, got "
                         f"value={value}; use mode='constant' to pad with a value")
    if padded_dims > 3 or len(shape) not in (padded_dims + 1, padded_dims + 2):
        ranks = (f"a {padded_dims + 1}-d (unbatched) or {padded_dims + 2}-d (batched) input"
                 if padded_dims <= 3 else "at most 3 padded dims (pad of length 2, 4 or 6)")
        # NotImplementedError as PyTorch's, which pads these with ReflectionPad1d-3d and the like
        raise NotImplementedError(f"pad(): {mode} padding with a pad of length {2 * padded_dims} "
                                  f"takes {ranks}, got a {len(shape)}-d input of shape "
                                  f"{list(shape)}; only mode='constant' pads any dims")
    if mode == "circular":
        return
    batched = len(shape) == padded_dims + 2
    if 0 in shape[batched:]:
        raise ValueError(f"pad(): {mode} padding needs non-empty dims (the batch dim may be 0), "
                         f"got input shape {list(shape)}")
    for (lo, hi), n in zip(widths[-padded_dims:], shape[-padded_dims:]):
        if mode == "reflect" and max(lo, hi) >= n:
            raise ValueError(f"pad(): reflect padding must be less than the size of the padded dim, "
                             f"got padding ({lo}, {hi}) for a dim of size {n} (input shape "
                             f"{list(shape)})")
        if n + lo + hi < 1:
            raise ValueError(f"pad(): padding ({lo}, {hi}) leaves no element of a dim of size {n} "
                             f"(input shape {list(shape)}); {mode} padding must leave at least one")


def _triangle(input: Any, diagonal: int, upper: bool, op: str) -> Tensor:
    shape = _data(input).shape
    if len(shape) < 2:  # NumPy would broadcast a vector to a square matrix
        raise ValueError(f"{op}(): expected a tensor with at least 2 dims, got shape {list(shape)}")
    return Triangle.apply(input, diagonal=diagonal, upper=upper)


def tril(input: Any, diagonal: int = 0) -> Tensor:
    """Zero the elements above the ``diagonal``-th diagonal of the last two dims.

    Keeps ``input[..., i, j]`` where ``j - i <= diagonal``.

    Args:
        input (Tensor): a tensor of at least 2 dims (a batch of matrices).
        diagonal (int): 0 the main diagonal, > 0 above it, < 0 below (default 0).

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.tril(rb.ones(3, 3))
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
    """
    return _triangle(input, diagonal, False, "tril")


def triu(input: Any, diagonal: int = 0) -> Tensor:
    """Zero the elements below the ``diagonal``-th diagonal of the last two dims.

    Keeps ``input[..., i, j]`` where ``j - i >= diagonal``.

    Args:
        input (Tensor): a tensor of at least 2 dims (a batch of matrices).
        diagonal (int): 0 the main diagonal, > 0 above it, < 0 below (default 0).

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.triu(rb.ones(3, 3), 1)  # strictly upper: a causal attention mask
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    return _triangle(input, diagonal, True, "triu")


def flip(input: Any, dims: Any) -> Tensor:
    """Reverse the order of the entries along each dim in ``dims``.

    Args:
        input (Tensor): the tensor.
        dims (int or sequence of ints): the dims to reverse, each at most once.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([[1, 2], [3, 4]])
        >>> rb.flip(x, 0)
        tensor([[3, 4],
                [1, 2]])
        >>> rb.flip(x, (0, 1))
        tensor([[4, 3],
                [2, 1]])
    """
    ndim = _data(input).ndim
    dims = (dims,) if isinstance(dims, int) else dims
    axes = tuple(dim_index(d, ndim, "flip") for d in dims)
    if len(set(axes)) < len(axes):
        raise ValueError(f"flip(): dims {list(dims)} name a dimension more than once")
    return Flip.apply(input, axes=axes if ndim else ())  # a 0-d tensor's dim 0 (or -1): itself


def clone(input: Any) -> Tensor:
    """A copy with its own memory, still in the graph.

    Unlike ``detach()``, the copy's gradient flows back to ``input``.

    Args:
        input (Tensor): the tensor to copy.

    Shape: the result has ``input``'s shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, 2.0], requires_grad=True)
        >>> y = rb.clone(x)
        >>> y.data is x.data, y.requires_grad
        (False, True)
    """
    return Clone.apply(input)


def contiguous(input: Any) -> Tensor:
    """``input`` if its elements already lie in row-major order with no gaps, else such a copy
    (in the graph, as ``clone``)."""
    return input if input.data.flags.c_contiguous else Clone.apply(input)


class Roll(Function):
    saves_arrays = False

    def forward(self, x, shifts=(), axes=None):
        self.shifts, self.axes = shifts, axes
        return xp.roll(x, shifts, axes)

    def backward(self, grad):
        return xp.roll(grad, tuple(-s for s in self.shifts), self.axes)


def roll(input: Any, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
    """Shift elements ``shifts`` places along ``dims``, those pushed off one end coming back at
    the other (without ``dims``: along the flattened tensor, shape kept).

    Example:
        >>> import rosenblatt as rb
        >>> rb.roll(rb.arange(5), 2).tolist()
        [3, 4, 0, 1, 2]
    """
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise ValueError(f"roll(): without dims, shifts must be one int, got {list(shifts)}")
        return Roll.apply(input, shifts=shifts, axes=None)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(dims) != len(shifts):
        raise ValueError(f"roll(): shifts and dims must have the same length, got shifts={list(shifts)} "
                         f"and dims={list(dims)}")
    ndim = _data(input).ndim
    return Roll.apply(input, shifts=shifts, axes=tuple(dim_index(d, ndim, "roll") for d in dims))


def narrow(input: Any, dim: int, start: int, length: int) -> Tensor:
    """The ``length`` entries of ``input`` from ``start`` along ``dim``: a view, as
    ``input[..., start:start + length]``.

    Args:
        input (Tensor): the tensor.
        dim (int): the dim to narrow.
        start (int): the first entry kept (negative counts from the end).
        length (int): how many entries to keep.

    Shape: ``input``'s shape with ``length`` at ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.narrow(rb.tensor([[0, 1, 2], [3, 4, 5]]), 1, 1, 2)
        tensor([[1, 2],
                [4, 5]])
    """
    axis = dim_index(dim, _data(input).ndim, "narrow")
    size = _data(input).shape[axis]
    start = start + size if start < 0 else start
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise ValueError(f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({size}), "
                         f"or one of them is negative")
    return input[(slice(None),) * axis + (slice(start, start + length),)]


def repeat_interleave(input: Any, repeats: Any, dim: int | None = None) -> Tensor:
    """Each entry along ``dim`` repeated ``repeats`` times in place (``repeats`` an int or one
    count per entry); without ``dim``, of the flattened tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.repeat_interleave(rb.tensor([1, 2]), 2).tolist()
        [1, 1, 2, 2]
    """
    from .indexing import index_select
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    size = _data(input).shape[dim_index(dim, _data(input).ndim, "repeat_interleave")]
    counts = as_array(repeats, "repeat_interleave")
    if counts.dtype.kind not in "iu" or counts.ndim > 1 or counts.size not in (1, size) or (counts < 0).any():
        raise ValueError(f"repeat_interleave(): repeats must be a non-negative int or one per entry "
                         f"({size} along dim {dim}), got {repeats!r}")
    counts = counts.reshape(-1) if counts.size == size else counts.reshape(-1)[0]
    return index_select(input, dim, xp.repeat(xp.arange(size), counts))


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-d tensors: with ``indexing='ij'`` output ``k`` has shape
    ``(len(t0), len(t1), ...)`` and varies along dim ``k``; ``'xy'`` swaps the first two dims.

    Example:
        >>> import rosenblatt as rb
        >>> [g.tolist() for g in rb.meshgrid(rb.tensor([1, 2]), rb.tensor([3, 4, 5]), indexing="ij")][1]
        [[3, 4, 5], [3, 4, 5]]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid(): indexing must be 'ij' or 'xy', got {indexing!r}")
    if any(_data(t).ndim > 1 for t in tensors):
        raise ValueError(f"meshgrid(): expects 0-d or 1-d tensors, got shapes "
                         f"{[list(_data(t).shape) for t in tensors]}")
    tensors = [reshape(t, (-1,)) for t in tensors]
    if indexing == "xy" and len(tensors) >= 2:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(_data(t).shape[0] for t in tensors)
    grids = [expand(reshape(t, tuple(-1 if i == k else 1 for i in range(len(shape)))), shape)
             for k, t in enumerate(tensors)]
    if indexing == "xy" and len(grids) >= 2:  # the grids of (t1, t0, ...), handed back as (t0, t1, ...)
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def rot90(input: Any, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """``input`` rotated ``k`` quarter turns in the plane of ``dims``, from the first dim
    towards the second (``k < 0`` the other way).

    Example:
        >>> import rosenblatt as rb
        >>> rb.rot90(rb.tensor([[1, 2], [3, 4]])).tolist()
        [[2, 4], [1, 3]]
    """
    ndim = _data(input).ndim
    if len(dims) != 2 or ndim < 2:
        raise ValueError(f"rot90(): expected two dims of a tensor with at least 2, got dims={list(dims)} "
                         f"for shape {list(_data(input).shape)}")
    a, b = (dim_index(d, ndim, "rot90") for d in dims)
    if a == b:
        raise ValueError(f"rot90(): the two dims must differ, got {list(dims)}")
    k %= 4
    if k == 1:
        return transpose(flip(input, b), a, b)
    if k == 2:
        return flip(input, (a, b))
    if k == 3:
        return flip(transpose(input, a, b), b)
    return clone(input)  # a new tensor even for no turn, as PyTorch's


def diff(input: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
    """``n``-th forward differences along ``dim``: ``out[i] = x[i + 1] - x[i]``, applied ``n``
    times, after ``prepend`` and ``append`` are joined to ``input`` along ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.diff(rb.tensor([1, 4, 9, 16])).tolist()
        [3, 5, 7]
    """
    from .joining import cat  # joining imports this module
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, dim) if len(parts) > 1 else input
    axis = dim_index(dim, _data(x).ndim, "diff")
    for _ in range(n):
        size = _data(x).shape[axis]
        x = narrow(x, axis, min(size, 1), max(size - 1, 0)) - narrow(x, axis, 0, max(size - 1, 0))
    return x


class Windows(Function):
    """Every ``step``-th window of ``size`` along ``axis``, the windows' elements as a new last
    dim: a read-only view.  Backward adds each window's gradient back where it was read
    (overlapping windows add up), one strided slice per position in the window."""

    saves_arrays = False

    def forward(self, x, axis, size, step):
        self.shape, self.axis, self.size, self.step = x.shape, axis, size, step
        windows = xp.lib.stride_tricks.sliding_window_view(x, size, axis=axis)
        return windows[(slice(None),) * axis + (slice(None, None, step),)]

    def backward(self, grad):
        out = xp.zeros(self.shape, dtype=grad.dtype)
        count, lead = grad.shape[self.axis], (slice(None),) * self.axis
        for k in range(self.size):
            out[lead + (slice(k, k + self.step * (count - 1) + 1, self.step),)] += grad[..., k]
        return out


def unfold(input: Any, dimension: int, size: int, step: int) -> Tensor:
    """``Tensor.unfold``: the windows of ``size`` along ``dimension``, ``step`` apart, as a
    new last dim (``(n - size) // step + 1`` of them along ``dimension``).  Not
    ``nn.functional.unfold``, which takes image patches.

    Example:
        >>> import rosenblatt as rb
        >>> rb.arange(6.0).unfold(0, 3, 2).tolist()
        [[0.0, 1.0, 2.0], [2.0, 3.0, 4.0]]
    """
    data = _data(input)
    axis = dim_index(dimension, data.ndim or 1, "unfold")
    length = data.shape[axis] if data.ndim else 1
    if not 0 <= size <= length:
        raise ValueError(f"unfold(): size must be in [0, {length}] (dimension {dimension}'s size), got {size}")
    if step <= 0:
        raise ValueError(f"unfold(): step must be > 0, got {step}")
    if data.ndim == 0:  # one element, as a 1-d tensor of it (or of nothing)
        return reshape(input, (1,))[:size]
    return Windows.apply(input, axis=axis, size=size, step=step)
