"""Indexing and scatter/gather: ``x[i]``, gather, scatter_add, index_select, masked_fill.

Where an index repeats, backward accumulates (``add.at``) so each use of an
element contributes its gradient.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import Function, IndexedGrad, as_array
from ..tensor import Tensor
from ._dims import dim_index
from .arithmetic import _number_in

_ndarray = xp.ndarray


def _plain_index(index: Any) -> Any:
    """Tensors and lists inside an index become arrays, as NumPy expects."""
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, list):  # [] selects nothing, as in PyTorch (NumPy reads it as floats)
        return xp.asarray(index) if index else xp.zeros(0, dtype=xp.int64)
    return index


def _is_int(part: Any) -> bool:
    return isinstance(part, (int, xp.integer)) and not isinstance(part, bool) or (
        isinstance(part, xp.ndarray) and part.ndim == 0 and part.dtype.kind in "iu")


def _is_array(part: Any) -> bool:
    return isinstance(part, xp.ndarray) and part.ndim > 0


def _torch_steps(index: Any) -> list:
    """``index`` as the indexing steps that give PyTorch's result layout (one step nearly always).

    PyTorch applies integers before integer arrays and masks; NumPy takes them together as
    advanced indices, and when they are not side by side it puts the array dims first:
    for x of shape (5, 4, 3), x[1, :, [0, 2]] is (4, 2) in PyTorch but (2, 4) in NumPy.
    Then the integers go first, as a basic index, and the rest follows.
    """
    # Cheap checks first (x[t] runs in loops): an int apart from an array needs 3 parts or more.
    if type(index) is not tuple or len(index) < 3 or xp.ndarray not in map(type, index):
        return [index]
    parts = index
    advanced = [i for i, p in enumerate(parts) if _is_int(p) or _is_array(p)]
    if (not any(_is_int(p) for p in parts)
            or advanced[-1] - advanced[0] + 1 == len(advanced)  # side by side: NumPy agrees
            or any(isinstance(p, (bool, xp.bool_)) or isinstance(p, xp.ndarray) and p.ndim == 0
                   and p.dtype == xp.bool_ for p in parts)):  # a 0-d mask: keep NumPy's reading
        return [index]
    ints, rest = [], []
    for p in parts:
        if _is_int(p):
            ints.append(int(p))
        elif _is_array(p):  # its dims stay for the second step
            ints.extend([slice(None)] * (p.ndim if p.dtype == xp.bool_ else 1))
            rest.append(p)
        else:  # a slice is applied in the first step, None's new dim is kept in the second
            ints.append(p)
            rest.append(p if p is Ellipsis else slice(None))
    return [tuple(ints), tuple(rest)]


def _has_int_array(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, xp.ndarray) and p.dtype.kind in "iu" for p in parts)


class GetItem(Function):
    saves_arrays = False  # only the index: backward may run again, as PyTorch's for slices

    def forward(self, x, index=None):
        self.in_shape, self.dtype, self.index = x.shape, x.dtype, index
        try:
            out = x[index]
        except IndexError as error:  # NumPy's message names neither the op nor the shape
            raise IndexError(f"x[index], x of shape {list(x.shape)}: {error}") from None
        if type(out) is not _ndarray:  # one element: NumPy copies it out, PyTorch gives a view
            out = x[(index if type(index) is tuple else (index,)) + (Ellipsis,)]
        return out

    def backward(self, grad):
        # the engine adds the slice into x's gradient, no zero-filled whole per slice
        return IndexedGrad(self.in_shape, self.index, grad, repeats=_has_int_array(self.index))


class IndexPut(Function):
    """``x`` with ``x[index] = value``, out of place (the autograd form of ``x[index] = value``).

    ``steps`` is the index as ``_torch_steps`` splits it; all but the last are basic
    indices, so they give views to write through.
    """

    def forward(self, x, value, steps=()):
        self.steps = steps
        out = x.copy()
        try:
            _through(out, steps[:-1])[steps[-1]] = value
        except IndexError as error:
            raise IndexError(f"x[index] = value, x of shape {list(x.shape)}: {error}") from None
        except OverflowError:  # a Python int NumPy refuses for x's dtype: PyTorch wraps -1 to 255 in uint8
            _through(out, steps[:-1])[steps[-1]] = _number_in(value, x.dtype, "x[index] = value")
        except ValueError:  # NumPy's message gives the shapes of neither the part nor the value
            raise ValueError(f"x[index] = value: a value of shape {list(xp.shape(value))} does not fit "
                             f"x[index] of shape {list(_through(x, steps).shape)} (sizes must match or "
                             f"be 1, aligned from the last dim)") from None
        return out

    def backward(self, grad):
        gx = xp.array(grad)  # a copy, and an array where a 0-d gradient came as a NumPy scalar
        _through(gx, self.steps[:-1])[self.steps[-1]] = 0
        return gx, _through(grad, self.steps)


def _through(array: Any, steps: list) -> Any:
    for step in steps:
        array = array[step]
    return array


class Gather(Function):
    def forward(self, x, index, axis=0):
        self.in_shape, self.where = x.shape, _along(index, axis)
        return x[self.where]

    def backward(self, grad):
        out = xp.zeros(self.in_shape, dtype=grad.dtype)
        xp.add.at(out, self.where, grad)
        return out, None


class ScatterAdd(Function):
    def forward(self, x, index, src, axis=0):
        self.where = _along(index, axis)
        out = x.copy()
        xp.add.at(out, self.where, src[tuple(slice(0, n) for n in index.shape)])
        self.src_shape = src.shape
        return out

    def backward(self, grad):
        gsrc = xp.zeros(self.src_shape, dtype=grad.dtype)
        picked = grad[self.where]
        gsrc[tuple(slice(0, n) for n in picked.shape)] = picked
        return grad, None, gsrc


class Scatter(Function):
    """``x`` with the entries ``index`` names along ``axis`` replaced by ``src``'s (or by one number)."""

    def forward(self, x, index, src, axis=0):
        self.where = _along(index, axis)
        out = x.copy()
        if isinstance(src, xp.ndarray):
            self.src_shape = src.shape
            src = src[tuple(slice(0, n) for n in index.shape)]
        out[self.where] = src
        return out

    def backward(self, grad):
        gx = grad.copy()
        gx[self.where] = 0  # overwritten entries had no say in the output
        if self.parents[2] is None:
            return gx, None, None
        gsrc = xp.zeros(self.src_shape, dtype=grad.dtype)
        picked = grad[self.where]
        gsrc[tuple(slice(0, n) for n in picked.shape)] = picked
        return gx, None, gsrc


class ScatterReduce(Function):
    """``x`` with ``src``'s entries combined into the positions ``index`` names along ``axis``
    by ``reduce`` (sum, prod, mean, amax, amin), ``x``'s own entry taking part unless
    ``include_self`` is False.  Backward follows PyTorch's: a mean shares its gradient
    equally, amax/amin among all the entries equal to the result, a product by the
    product of the others (exact with zeros among them)."""

    saves_inputs = (0, 2)
    saves_output = True

    def forward(self, x, index, src, axis=0, reduce="sum", include_self=True):
        self.where, self.reduce, self.include_self = _along(index, axis), reduce, include_self
        self.x, self.src_shape = x, src.shape
        self.src = src = src[tuple(slice(0, n) for n in index.shape)]
        combine = _REDUCTIONS[reduce]
        out = x.copy()
        if not include_self:
            out[self.where] = _identity(reduce, x.dtype)
        combine.at(out, self.where, src)
        if reduce == "mean":
            self.count = xp.full(x.shape, int(include_self))
            xp.add.at(self.count, self.where, 1)
            count = xp.maximum(self.count, 1)  # no entry at all: x's, kept as it is
            out = (out // count if out.dtype.kind in "iub" else out / count).astype(out.dtype)  # int32 stays
        self.out = out
        return out

    def backward(self, grad):
        where, out = self.where, self.out
        if self.reduce in ("sum", "mean"):
            share = grad / xp.maximum(self.count, 1) if self.reduce == "mean" else grad
            gx, gsrc = share, share[where]
        elif self.reduce == "prod":
            gx, gsrc = self._product_grads(grad)
        else:  # amax, amin: shared among the entries equal to the result (x's counted even
            own = self.x == out  # when not included, as PyTorch does)
            hits = self.src == out[where]
            count = own.astype(grad.dtype)
            xp.add.at(count, where, hits)
            share = grad / xp.maximum(count, 1)
            gx, gsrc = share * own, share[where] * hits
        if not self.include_self:
            gx = gx.copy()
            gx[where] = 0  # x's entries there had no say
        full = xp.zeros(self.src_shape, dtype=grad.dtype)
        full[tuple(slice(0, n) for n in gsrc.shape)] = gsrc
        return gx, None, full

    def _product_grads(self, grad):
        """d out / d e: the product of the others: out / e without zeros, else the nonzero
        product for the one zero entry of a position (and 0 with two zeros or more)."""
        x, src, where = self.x, self.src, self.where
        own = x
        if not self.include_self:  # x's entries where src lands take no part: a neutral 1
            own = x.copy()
            own[where] = 1
        zeros = (own == 0).astype(xp.int64)
        xp.add.at(zeros, where, src == 0)
        nonzero = xp.where(own == 0, 1, own)
        xp.multiply.at(nonzero, where, xp.where(src == 0, 1, src))

        def others(e, z, p):
            return xp.where(e != 0, (z == 0) * p / xp.where(e == 0, 1, e), (z == 1) * p)
        return grad * others(x, zeros, nonzero), grad[where] * others(src, zeros[where], nonzero[where])


_REDUCTIONS = {"sum": xp.add, "mean": xp.add, "prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}


def _identity(reduce: str, dtype: Any) -> Any:
    """Where a reduction starts from in ``dtype``: 0 for a sum, 1 for a product, the lowest
    value for a maximum and the highest for a minimum."""
    if reduce not in ("amax", "amin"):
        return _REDUCTIONS[reduce].identity
    if dtype.kind == "f":
        return -xp.inf if reduce == "amax" else xp.inf
    if dtype.kind == "b":
        return reduce == "amin"
    return xp.iinfo(dtype).min if reduce == "amax" else xp.iinfo(dtype).max


class IndexAdd(Function):
    """``x`` plus ``alpha * source``, its slices along ``axis`` added at positions ``index``."""

    def forward(self, x, index, source, axis=0, alpha=1):
        self.index, self.axis, self.alpha = index, axis, alpha
        out = x.copy()
        xp.add.at(out, (slice(None),) * axis + (index,), source if alpha == 1 else source * alpha)
        return out

    def backward(self, grad):
        gsource = xp.take(grad, self.index, axis=self.axis)
        return grad, None, gsource if self.alpha == 1 else gsource * self.alpha


class IndexSelect(Function):
    def forward(self, x, index, axis=0):
        self.in_shape, self.index, self.axis = x.shape, index, axis
        return xp.take(x, index, axis=axis)

    def backward(self, grad):
        out = xp.zeros(self.in_shape, dtype=grad.dtype)
        xp.add.at(out, (slice(None),) * self.axis + (self.index,), grad)
        return out, None


def _along(index: Any, axis: int) -> tuple:
    """The full index tuple that picks ``index[i...]`` along ``axis`` (gather's addressing)."""
    if not index.ndim:  # a 0-d input: its one element (the index is 0, checked)
        return ()
    grids = list(xp.ogrid[tuple(slice(0, n) for n in index.shape)])
    grids[axis] = index
    return tuple(grids)


def _check_index(op: str, input: Any, index: Any, dim: int) -> tuple[Any, Any, int]:
    data = input.data if isinstance(input, Tensor) else as_array(input)
    idx = index.data if isinstance(index, Tensor) else as_array(index)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{op}(): index must be an integer tensor, got {idx.dtype}")
    axis = dim_index(dim, data.ndim, op)
    if idx.ndim != data.ndim and not op.startswith("index_"):  # index_select/add/fill: a 1-d index
        raise ValueError(f"{op}(): index has {idx.ndim} dims but input has {data.ndim}; they must match")
    size = data.shape[axis] if data.ndim else 1
    if idx.size and (idx.min() < 0 or idx.max() >= size):  # no negative ones, as in PyTorch
        raise IndexError(f"{op}(): index out of range for dim {dim} of size {size}: the indices must "
                         f"be in [0, {size - 1}], got values in [{idx.min()}, {idx.max()}]")
    return data, idx, axis


def getitem(input: Tensor, index: Any) -> Tensor:
    """``input[index]`` with ints, slices, None, ..., integer arrays and boolean masks."""
    for step in _torch_steps(_plain_index(index)):
        view = GetItem.apply(input, index=step)
        # Where the view came from, for an in-place op on it, which must write input (ops.inplace).
        # Under no_grad only a mark: a reference would keep input's graph alive with the view.
        view._view_of = (input, step) if view.requires_grad or not input.requires_grad else "no_grad"
        input = view
    return input


def index_put(input: Any, index: Any, value: Any) -> Tensor:
    """``input`` with ``input[index] = value``, as a new tensor."""
    return IndexPut.apply(input, value, steps=_torch_steps(_plain_index(index)))


def setitem_(input: Tensor, index: Any, value: Any) -> None:
    from .inplace import inplace
    inplace(input, index_put, index, value)


def gather(input: Any, dim: int, index: Any) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` for ``dim = 0`` (and so on for other dims).

    For ``dim = 1``, ``out[i][j] = input[i][index[i][j]]``: each row picks its own entries.
    The gradient is scattered back (added) to the picked positions.

    Args:
        input (Tensor): the source.
        dim (int): the dim ``index`` indexes along.
        index (Tensor): int64 positions, as many dims as ``input``, no larger outside ``dim``.

    Shape: the result has ``index``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> scores = rb.tensor([[10, 20, 30], [40, 50, 60]])
        >>> rb.gather(scores, 1, rb.tensor([[2], [0]]))  # one entry per row
        tensor([[30],
                [40]])
    """
    data, idx, axis = _check_index("gather", input, index, dim)
    for d, (n, m) in enumerate(zip(idx.shape, data.shape)):
        if d != axis and n > m:
            raise ValueError(f"gather(): index shape {list(idx.shape)} is larger than input shape "
                             f"{list(data.shape)} outside dim {dim}")
    return Gather.apply(input, idx, axis=axis)


def scatter_add(input: Any, dim: int, index: Any, src: Any) -> Tensor:
    """``input`` plus ``src`` added at the positions ``index`` names along ``dim``.

    For ``dim = 0``, ``out[index[i][j]][j] += src[i][j]``; repeated positions add up.

    Args:
        input (Tensor): the tensor added into.
        dim (int): the dim ``index`` indexes along.
        index (Tensor): int64 positions, as many dims as ``input``, no larger than ``src``.
        src (Tensor): the values to add, one per entry of ``index``.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.scatter_add(rb.zeros(3), 0, rb.tensor([0, 2, 0]), rb.tensor([1.0, 2.0, 3.0]))
        tensor([4., 0., 2.])
    """
    data, idx, axis = _check_index("scatter_add", input, index, dim)
    _check_src("scatter_add", idx, src, data, axis, dim)
    return ScatterAdd.apply(input, idx, src, axis=axis)


def scatter_reduce(input: Any, dim: int, index: Any, src: Any, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """``input`` with ``src``'s entries combined into the positions ``index`` names along ``dim``:
    ``reduce`` is "sum", "prod", "mean", "amax" or "amin"; with ``include_self=False`` the
    entries of ``input`` that ``index`` reaches do not take part.

    Example:
        >>> import rosenblatt as rb
        >>> rb.scatter_reduce(rb.tensor([5.0, 2.0]), 0, rb.tensor([0, 0]), rb.tensor([1.0, 9.0]), "amax").tolist()
        [9.0, 2.0]
    """
    if reduce not in _REDUCTIONS:
        raise ValueError(f"scatter_reduce(): reduce must be one of {sorted(_REDUCTIONS)}, got {reduce!r}")
    data, idx, axis = _check_index("scatter_reduce", input, index, dim)
    _check_src("scatter_reduce", idx, src, data, axis, dim)
    return ScatterReduce.apply(input, idx, src, axis=axis, reduce=reduce, include_self=bool(include_self))


def _check_src(op: str, idx: Any, src: Any, data: Any, axis: int, dim: int) -> None:
    """Each index entry takes the src entry at its own position (NumPy would broadcast a smaller src)."""
    src_shape = (src.data if isinstance(src, Tensor) else as_array(src)).shape
    if len(src_shape) != idx.ndim or any(n > m for n, m in zip(idx.shape, src_shape)) or any(
            n > m for d, (n, m) in enumerate(zip(idx.shape, data.shape)) if d != axis):
        raise ValueError(f"{op}(): index shape {list(idx.shape)} must be no larger than src "
                         f"shape {list(src_shape)}, nor than input shape {list(data.shape)} outside dim {dim}")


def index_select(input: Any, dim: int, index: Any) -> Tensor:
    """The entries of ``input`` at positions ``index`` (1-d) along ``dim``.

    ``input[..., index, ...]`` with ``index`` at ``dim``; positions may repeat.

    Args:
        input (Tensor): the source.
        dim (int): the dim to select along.
        index (Tensor): 0-d or 1-d int64 positions.

    Shape: ``input``'s shape with ``len(index)`` at ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.index_select(rb.tensor([[1, 2, 3], [4, 5, 6]]), 1, rb.tensor([2, 0]))
        tensor([[3, 1],
                [6, 4]])
    """
    data, idx, axis = _check_index("index_select", input, index, dim)
    if idx.ndim > 1:
        raise ValueError(f"index_select(): index must be 0-d or 1-d, got shape {list(idx.shape)}")
    if data.ndim == 0:  # PyTorch: a 0-d input gives a 0-d result, for one index
        if idx.size != 1:
            raise ValueError(f"index_select(): a 0-d input takes exactly one index, got {idx.size}")
        from .shape import reshape
        return reshape(IndexSelect.apply(reshape(input, (1,)), idx.reshape(-1), axis=0), ())
    # A 0-d index still keeps the dim (size 1), as in PyTorch; xp.take would drop it.
    return IndexSelect.apply(input, idx.reshape(-1), axis=axis)


def masked_fill(input: Any, mask: Any, value: Any) -> Tensor:
    """``value`` where ``mask`` is True, else ``input``.

    The result keeps ``input``'s dtype; the gradient to ``input`` is 0 where masked.

    Args:
        input (Tensor): the tensor.
        mask (Tensor): a bool tensor, broadcast with ``input``.
        value (number or 0-d Tensor): the fill value.

    Shape: the broadcast shape of ``input`` and ``mask``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.masked_fill(rb.zeros(2, 2), rb.tensor([[False, True], [False, False]]), float("-inf"))
        tensor([[  0., -inf],
                [  0.,   0.]])
    """
    from .arithmetic import where
    from .pointwise import to_dtype
    m = mask.data if isinstance(mask, Tensor) else as_array(mask)
    if m.dtype != xp.bool_:
        raise TypeError(f"masked_fill(): mask must be a bool tensor, got {m.dtype}")
    if isinstance(value, Tensor) and value.ndim:
        raise ValueError(f"masked_fill(): value must be a number or a 0-d tensor, got shape {list(value.shape)}")
    # The result keeps the input's dtype, as in PyTorch (1.5 into an int64 tensor is 1).
    dtype = (input.data if isinstance(input, Tensor) else as_array(input)).dtype
    if isinstance(value, Tensor):
        value = to_dtype(value, dtype)
    else:  # cast as PyTorch casts it: -1 into uint8 is 255, 300 raises
        value = xp.asarray(_number_in(value, dtype, "masked_fill()"), dtype=dtype)
    return where(mask, value, input)


def nonzero(input: Any, *, as_tuple: bool = False) -> Any:
    """Indices of the non-zero entries, in row-major order: an int64 (count, ndim) tensor, or with
    ``as_tuple`` one 1-d tensor per dim (what ``input[...]`` takes).  Not differentiable.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nonzero(rb.tensor([[1, 0], [0, 3]])).tolist()
        [[0, 0], [1, 1]]
    """
    data = as_array(input, "nonzero")
    if as_tuple:
        return tuple(Tensor._wrap(i.astype(xp.int64)) for i in xp.nonzero(xp.atleast_1d(data)))
    return Tensor._wrap(xp.argwhere(data).astype(xp.int64))


def masked_select(input: Any, mask: Any) -> Tensor:
    """The entries of ``input`` where ``mask`` (bool, broadcast with it) is True, as a 1-d tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.masked_select(rb.tensor([[1.0, 2.0], [3.0, 4.0]]), rb.tensor([True, False])).tolist()
        [1.0, 3.0]
    """
    from .shape import expand
    mask_data = as_array(mask, "masked_select")
    if mask_data.dtype != xp.bool_:
        raise TypeError(f"masked_select(): mask must be a bool tensor, got {mask_data.dtype}")
    try:
        shape = xp.broadcast_shapes(as_array(input, "masked_select").shape, mask_data.shape)
    except ValueError:
        raise ValueError(f"masked_select(): input {list(as_array(input).shape)} and mask "
                         f"{list(mask_data.shape)} cannot be broadcast together") from None
    return getitem(expand(input, shape), xp.broadcast_to(mask_data, shape))


def scatter(input: Any, dim: int, index: Any, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """``input`` with the entries at positions ``index`` along ``dim`` replaced: ``out[index[i][j]][j]
    = src[i][j]`` for ``dim = 0`` (and so on), or by one ``value``.  Where ``index`` repeats a
    position, which entry lands there is unspecified, as in PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> rb.scatter(rb.zeros(2, 3), 1, rb.tensor([[2], [0]]), value=1.0).tolist()
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    if reduce is not None:
        raise ValueError(f"scatter(): reduce={reduce!r} is not supported; use scatter_add for sums")
    if (src is None) == (value is None):
        raise ValueError("scatter(): give exactly one of src (a tensor) and value (a number)")
    data, idx, axis = _check_index("scatter", input, index, dim)
    if src is None:
        return Scatter.apply(input, idx, _number_in(value, data.dtype, "scatter()"), axis=axis)
    if not isinstance(src, Tensor):  # a number given as src, as PyTorch also takes
        return Scatter.apply(input, idx, _number_in(src, data.dtype, "scatter()"), axis=axis)
    _check_src("scatter", idx, src, data, axis, dim)
    return Scatter.apply(input, idx, src, axis=axis)


def index_add(input: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """``input`` with ``alpha * source[..., i, ...]`` added to ``input[..., index[i], ...]`` along
    ``dim`` for each i (repeated indices add up).

    Example:
        >>> import rosenblatt as rb
        >>> rb.index_add(rb.zeros(3), 0, rb.tensor([0, 0, 2]), rb.tensor([1.0, 2.0, 5.0])).tolist()
        [3.0, 0.0, 5.0]
    """
    data, idx, axis = _check_index("index_add", input, index, dim)
    src = source.data if isinstance(source, Tensor) else as_array(source, "index_add")
    expected = data.shape[:axis] + (idx.size,) + data.shape[axis + 1:]
    if idx.ndim > 1 or src.shape != expected:
        raise ValueError(f"index_add(): source must have shape {list(expected)} (input's, with "
                         f"{idx.size} along dim {dim}) for a 1-d index, got {list(src.shape)}")
    return IndexAdd.apply(input, idx.reshape(-1), source, axis=axis, alpha=alpha)


def index_fill(input: Any, dim: int, index: Any, value: Any) -> Tensor:
    """``input`` with every entry of the slices ``index`` names along ``dim`` set to ``value``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.index_fill(rb.zeros(2, 3), 1, rb.tensor([0, 2]), 7.0).tolist()
        [[7.0, 0.0, 7.0], [7.0, 0.0, 7.0]]
    """
    data, idx, axis = _check_index("index_fill", input, index, dim)
    if idx.ndim > 1:
        raise ValueError(f"index_fill(): index must be 0-d or 1-d, got shape {list(idx.shape)}")
    shape = data.shape[:axis] + (idx.size,) + data.shape[axis + 1:]
    where = xp.broadcast_to(idx.reshape((1,) * axis + (-1,) + (1,) * (data.ndim - axis - 1)), shape)
    return Scatter.apply(input, where, _number_in(value, data.dtype, "index_fill()"), axis=axis)


def argwhere(input: Any) -> Tensor:
    """The indices of the non-zero entries as an int64 (count, ndim) tensor: ``nonzero(input)``.

    Row-major order; not differentiable.

    Args:
        input (Tensor): any dtype.

    Shape: ``(count, input.ndim)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.argwhere(rb.tensor([[1, 0], [0, 3]]))
        tensor([[0, 0],
                [1, 1]])
    """
    return nonzero(input)
