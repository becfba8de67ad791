"""A tensor as PyTorch's strided view of memory: its storage offset, ``as_strided``,
``empty_strided``, ``resize_``, and the elementwise Python callables ``apply_`` and ``map_``.

PyTorch's "storage" of a tensor is the memory of the NumPy array at the end of its chain
of ``.base`` (``memory_of``): slicing, transposing and expanding view it, so a tensor's
``storage_offset()`` is where its first element lies in that array, in elements, and
``as_strided`` reads that array with any strides.  Where rosenblatt and PyTorch lay a
result out differently (``Tensor.stride()`` lists where: ``flip`` is a negative-stride view
here, a copy there), offsets and ``as_strided`` follow rosenblatt's layout.
"""
from __future__ import annotations

import math
import operator
from typing import Any, Callable, Sequence

from . import _backend
from ._backend import xp
from ._device import check_device
from .autograd.function import Function
from .autograd.grad_mode import memory_of, record_write
from .tensor import Tensor


class layout:
    """How a tensor's elements lie in memory, as ``torch.layout``: ``rosenblatt.strided``
    (sizes and strides over one block of memory) is the only one in this release.

    Example:
        >>> import rosenblatt as rb
        >>> rb.zeros(2).layout
        rosenblatt.strided
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"rosenblatt.{self.name}"

    def __reduce__(self) -> str:
        return self.name  # pickles as the module's global of that name: the same object back


strided = layout("strided")


# ------------------------------------------------------------------ memory geometry
def address(array: Any) -> int:
    """The address of ``array``'s first element."""
    return array.__array_interface__["data"][0]


def _extent(array: Any) -> tuple[int, int]:
    """The lowest and one past the highest byte address ``array`` reads (negative strides too)."""
    low = high = address(array)
    if array.size:
        for n, step in zip(array.shape, array.strides):
            if step < 0:
                low += (n - 1) * step
            else:
                high += (n - 1) * step
        high += array.itemsize
    return low, high


def storage(array: Any) -> tuple[Any, int, int, int]:
    """``(owner, start, offset, size)``: the array owning ``array``'s memory, the address of its
    lowest byte, where ``array``'s first element lies in it and how many elements it holds,
    both in ``array``'s item size."""
    owner = memory_of(array)
    low, high = _extent(owner)
    return owner, low, (address(array) - low) // array.itemsize, (high - low) // array.itemsize


def storage_offset(array: Any) -> int:
    return storage(array)[2]


class _Memory:
    """What ``xp.asarray`` makes an array over given memory from (NumPy's ``as_strided`` does
    the same); ``base`` keeps the owner alive, and ``memory_of`` follows it there."""

    __slots__ = ("__array_interface__", "base")

    def __init__(self, interface: dict, base: Any) -> None:
        self.__array_interface__, self.base = interface, base


def view(owner: Any, start: int, shape: Sequence[int], strides: Sequence[int], dtype: Any,
         writeable: bool) -> Any:
    """An array of ``dtype`` over ``owner``'s memory from byte address ``start``, with byte
    ``strides``: the caller has checked it stays inside."""
    interface = {"version": 3, "shape": tuple(shape), "strides": tuple(strides), "typestr": dtype.str,
                 "data": (start, not writeable)}
    return xp.asarray(_Memory(interface, owner))


def writable(array: Any, op: str) -> Any:
    """``array``, or a writable array of its geometry over the same memory when only the array
    is read-only (an ``expand()`` view: NumPy marks broadcast views so) and its memory is not."""
    if array.flags.writeable:
        return array
    if not memory_of(array).flags.writeable:
        raise RuntimeError(f"{op}: the tensor's memory is read-only (it was made from a read-only "
                           "buffer); clone() it first")
    return view(memory_of(array), address(array), array.shape, array.strides, array.dtype, True)


def _contiguous_strides(shape: Sequence[int], itemsize: int) -> tuple[int, ...]:
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _geometry(size: Any, stride: Any, op: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``size`` and ``stride`` checked as PyTorch does: sequences of ints of one length, none
    negative."""
    for name, value in (("size", size), ("stride", stride)):
        if not isinstance(value, (tuple, list)):
            raise TypeError(f"{op}: argument '{name}' must be a tuple of ints, not {type(value).__name__}")
    try:
        size, stride = tuple(operator.index(n) for n in size), tuple(operator.index(s) for s in stride)
    except TypeError:
        raise TypeError(f"{op}: size and stride must be tuples of ints, got {size!r} and {stride!r}") from None
    if len(size) != len(stride):
        raise RuntimeError(f"{op}: mismatch in length of strides and shape: size {list(size)} has "
                           f"{len(size)} dims, stride {list(stride)} has {len(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"{op}: sizes must be >= 0, got {list(size)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"{op}: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    return size, stride


def _span(size: Sequence[int], stride: Sequence[int]) -> int:
    """Elements of memory a ``size``/``stride`` view reads from its first: 0 when it has none."""
    if 0 in size:
        return 0
    return 1 + sum((n - 1) * s for n, s in zip(size, stride))


# ---------------------------------------------------------------------- as_strided
def _positions(shape: Sequence[int], strides: Sequence[int], offset: int) -> Any:
    """The storage position of every element of a view, in its shape."""
    positions = xp.full(tuple(shape), offset, dtype=xp.int64)
    for axis, (n, step) in enumerate(zip(shape, strides)):
        positions += (xp.arange(n, dtype=xp.int64) * step).reshape((n,) + (1,) * (len(shape) - axis - 1))
    return positions


class AsStrided(Function):
    """A view of the input's storage with any sizes and strides.  Backward, as PyTorch's: each
    storage position gets the gradients of the output elements there (overlapping ones add
    up), and each input element its position's, shared out among the input elements that
    share the position (an expanded input)."""

    saves_arrays = False

    def forward(self, x, size=(), stride=(), offset=0):
        owner, start, self.in_offset, _ = storage(x)
        self.in_shape, self.in_strides = x.shape, tuple(s // x.itemsize for s in x.strides)
        self.size, self.stride, self.offset = size, stride, offset
        return view(owner, start + offset * x.itemsize, size, [s * x.itemsize for s in stride], x.dtype,
                    owner.flags.writeable)

    def backward(self, grad):
        if grad.size == 0 or math.prod(self.in_shape) == 0:
            return xp.zeros(self.in_shape, dtype=grad.dtype)
        out = _positions(self.size, self.stride, self.offset).ravel()
        inp = _positions(self.in_shape, self.in_strides, self.in_offset)
        low = min(out.min(), inp.min())
        length = int(max(out.max(), inp.max()) - low + 1)
        at_position = xp.bincount(out - low, weights=grad.ravel(), minlength=length)
        result = at_position[inp - low]
        counts = xp.bincount((inp - low).ravel(), minlength=length)
        if counts.max() > 1:  # an input position read more than once shares its gradient out
            result = result / counts[inp - low]
        return result.astype(grad.dtype, copy=False)


def as_strided(input: Tensor, size: Sequence[int], stride: Sequence[int],
               storage_offset: int | None = None) -> Tensor:
    """A view of ``input``'s storage with the given sizes, strides and storage offset.

    Element ``[i0, i1, ...]`` of the result is storage element ``storage_offset + sum(ik *
    stride[k])``: the same memory, so writes show through both.  The storage is the whole
    array the input views (see ``Tensor.storage_offset``), read as rosenblatt lays it out
    (``Tensor.stride()`` lists where that differs from PyTorch).  Elements may overlap;
    their gradients then add up, as in PyTorch.

    Args:
        input (Tensor): the tensor whose storage to view.
        size (tuple of ints): the shape of the result.
        stride (tuple of ints): the step in elements along each dim (none negative).
        storage_offset (int, optional): the storage position of the first element; the
            input's own ``storage_offset()`` by default.

    Returns:
        A tensor sharing memory with ``input``.  An in-place op in the graph on it raises
        (PyTorch writes the input through it); outside the graph it writes the memory.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.arange(6.0)
        >>> rb.as_strided(x, (2, 3), (1, 2))  # overlapping windows
        tensor([[0., 2., 4.],
                [1., 3., 5.]])
        >>> x[2:].as_strided((2,), (1,)), x[2:].as_strided((2,), (1,), 0)
        (tensor([2., 3.]), tensor([0., 1.]))
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"as_strided(): argument 'input' must be Tensor, not {type(input).__name__}")
    size, stride = _geometry(size, stride, "as_strided()")
    _owner, _start, offset, length = storage(input.data)
    if storage_offset is not None:
        offset = operator.index(storage_offset)
        if offset < 0:
            raise RuntimeError(f"as_strided(): invalid storage offset {offset}; it must be >= 0")
    span = _span(size, stride)
    if span and offset + span > length:
        itemsize = input.data.itemsize
        raise RuntimeError(f"as_strided(): sizes {list(size)}, strides {list(stride)}, storage offset {offset} "
                           f"and itemsize {itemsize} need a storage of {(offset + span) * itemsize} bytes, "
                           f"out of bounds for the storage of {length * itemsize} bytes")
    out = AsStrided.apply(input, size=size, stride=stride, offset=offset)
    out._view_of = "as_strided()"
    return out


def empty_strided(size: Sequence[int], stride: Sequence[int], *, dtype: Any = None, layout: Any = None,
                  device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of ``size`` with the given ``stride``: fill it before reading.

    Its storage holds just the elements the strides reach (``storage_offset()`` 0); with
    overlapping strides several elements are one memory cell, as in PyTorch.

    Args:
        size (tuple of ints): the shape.
        stride (tuple of ints): the step in elements along each dim (none negative).
        dtype (optional): the default float dtype (float32) by default.
        layout (optional): ``rosenblatt.strided``, the only one.
        device (optional): the CPU, the only one.
        requires_grad (bool): record ops on it for backward (default False).
        pin_memory (bool): False; pinned memory needs a GPU.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.empty_strided((2, 3), (1, 2))
        >>> x.shape, x.stride()
        ((2, 3), (1, 2))
    """
    check_device("empty_strided()", device)
    check_layout("empty_strided()", layout)
    if pin_memory:
        raise RuntimeError("empty_strided(): pin_memory=True needs a GPU; rosenblatt computes on the CPU only")
    size, stride = _geometry(size, stride, "empty_strided()")
    dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
    memory = xp.empty(_span(size, stride), dtype=dtype)
    data = view(memory, address(memory), size, [s * dtype.itemsize for s in stride], dtype, True)
    return Tensor(data, requires_grad=requires_grad)


def check_layout(op: str, value: Any) -> None:
    if value is not None and value is not strided:
        raise RuntimeError(f"{op}: layout must be rosenblatt.strided (the only one in this release), "
                           f"got {value!r}")


# ------------------------------------------------------------------------ resize_
def resize_(tensor: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``Tensor.resize_``: ``tensor`` made a row-major view of ``shape`` from its first element
    on, in storage order; new memory, the old values first, where the storage is too small."""
    if tensor.requires_grad:
        raise RuntimeError("resize_(): cannot resize variables that require grad; resize a "
                           "detach()ed tensor, or make a new one (x.new_empty(shape))")
    if any(n < 0 for n in shape):
        raise RuntimeError(f"resize_(): sizes must be >= 0, got {list(shape)}")
    data = tensor.data
    if shape == data.shape:
        return tensor
    owner, _start, offset, length = storage(data)
    itemsize, count = data.itemsize, math.prod(shape)
    kept = max(length - offset, 0)
    if count <= kept:  # PyTorch's resize_ keeps the storage: views still see the change
        new = view(owner, address(data), shape, _contiguous_strides(shape, itemsize), data.dtype,
                   owner.flags.writeable)
    else:  # PyTorch grows its storage in place; NumPy can't, so views keep the old memory
        new = xp.empty(shape, dtype=data.dtype)
        if kept:
            new.reshape(-1)[:kept] = view(owner, address(data), (kept,), (itemsize,), data.dtype, False)
    tensor.data = new
    if getattr(tensor, "_view_of", None) is not None:  # no longer x[index]: in-place ops can't write x
        tensor._view_of = "resize_()"
    return tensor


# -------------------------------------------------------------- apply_ and map_
def _to_element(dtype: Any) -> Callable[[Any], Any]:
    """The Python number a callable's result becomes in an element of ``dtype``, checked as
    PyTorch checks it: a real number, in range for an integer dtype (floats truncate)."""
    kind = dtype.kind

    def convert(value: Any) -> Any:
        if isinstance(value, (str, bytes, complex)) or value is None:
            raise TypeError(f"must be real number, not {type(value).__name__}")
        if kind == "b":
            return bool(value)
        if kind in "fc":
            return float(value)  # too large for float32/float16: inf, as PyTorch
        try:
            number = operator.index(value)
        except TypeError:
            number = float(value)
        info = xp.iinfo(dtype)
        if not info.min <= number <= info.max:  # NaN fails it too
            raise RuntimeError(f"value cannot be converted to type {dtype} without overflow")
        return int(number)

    return convert


def apply_(tensor: Tensor, callable: Callable[[Any], Any]) -> Tensor:
    """``Tensor.apply_``: each element replaced by ``callable(element)``, in row-major order."""
    if tensor.requires_grad:
        raise RuntimeError("Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.")
    if not _callable(callable):
        raise TypeError(f"apply_(): expected a callable, got {type(callable).__name__}")
    data, convert = writable(tensor.data, "apply_()"), _to_element(tensor.dtype)
    for index in xp.ndindex(data.shape):
        data[index] = convert(callable(data[index].item()))
    record_write(data)
    return tensor


def map_(tensor: Tensor, other: Tensor, callable: Callable[[Any, Any], Any]) -> Tensor:
    """``Tensor.map_``: each element replaced by ``callable(element, other's element)``, with
    ``other`` broadcast to ``tensor``'s shape."""
    if not isinstance(other, Tensor):
        raise TypeError(f"map_(): argument 'tensor' (position 1) must be Tensor, not {type(other).__name__}")
    if tensor.requires_grad or other.requires_grad:
        raise RuntimeError("Can't call map_() on Variable that requires grad. Use var.detach().map_() instead.")
    if other.dtype != tensor.dtype:
        raise TypeError(f"map_(): expected 'tensor' of dtype {tensor.dtype} (self's), got {other.dtype}; "
                        f"convert it first (tensor.to({tensor.dtype}))")
    if not _callable(callable):
        raise TypeError(f"map_(): expected a callable, got {type(callable).__name__}")
    try:
        values = xp.broadcast_to(other.data, tensor.shape)
    except ValueError:
        raise RuntimeError(f"map_(): 'tensor' of shape {list(other.shape)} can't be broadcast to self's "
                           f"shape {list(tensor.shape)}") from None
    data, convert = writable(tensor.data, "map_()"), _to_element(tensor.dtype)
    for index in xp.ndindex(data.shape):
        data[index] = convert(callable(data[index].item(), values[index].item()))
    record_write(data)
    return tensor


_callable = callable


# -------------------------------------------------------------------------- DLPack
def export(data: Any, stream: Any = None, max_version: Any = None, dl_device: Any = None,
           copy: bool | None = None) -> Any:
    """The DLPack capsule of ``data`` (``Tensor.__dlpack__``'s arguments, passed to NumPy's)."""
    if stream is not None and stream != -1:
        raise ValueError(f"__dlpack__(): stream must be None (or -1) for memory on the CPU, got {stream!r}")
    if any(step < 0 for step in data.strides):
        # A flip() view (NumPy's negative strides; PyTorch's flip copies): torch's importer
        # aborts the process on negative strides, so export a copy, as copy=None allows.
        if copy is False:
            raise BufferError("__dlpack__(): the tensor has negative strides (a flip() view), which "
                              "consumers such as torch can't import; call .contiguous() first")
        data, copy = xp.ascontiguousarray(data), None
    elif not data.flags.writeable and memory_of(data).flags.writeable:
        data = writable(data, "__dlpack__()")  # an expand() view: torch exports its own, writable
    return data.__dlpack__(stream=None, max_version=max_version, dl_device=dl_device, copy=copy)


# ----------------------------------------------------------------------- dim_order
def dim_order(tensor: Tensor, ambiguity_check: bool = False) -> tuple[int, ...]:
    """``Tensor.dim_order``: the dims from outermost to innermost in memory, PyTorch's algorithm
    (its ``compute_elementwise_output_logical_to_physical_perm``) on rosenblatt's strides."""
    if not isinstance(ambiguity_check, bool):
        raise TypeError("dim_order(): the ambiguity_check argument must be a bool (rosenblatt has no "
                        "memory formats to list)")
    shape, strides = tensor.shape, tensor.stride()
    if ambiguity_check and (1 in shape or any(a == b for a, b in zip(strides, strides[1:]))):
        raise RuntimeError("The tensor does not have unique dim order, or cannot map to exact one of "
                           "the given memory formats.")
    ndim = len(shape)
    if ndim < 2:
        return tuple(range(ndim))
    contiguous, channels_last = _is_contiguous(shape, strides), _is_channels_last(shape, strides)
    if contiguous and not channels_last:
        return tuple(range(ndim))
    if channels_last and not contiguous:
        return (0, *range(2, ndim), 1)

    def ge(a: int, b: int) -> bool:
        return b == 0 or (a != 0 and (a >= b or a % b == 0))

    def should_swap(a: int, b: int) -> int:
        if strides[a] == 0 or strides[b] == 0:
            return 0
        if strides[a] == strides[b]:
            return 0 if ge(shape[b], shape[a]) else 1
        if ge(strides[b], strides[a]):
            return -1
        return 1 if ge(strides[a], strides[b]) else 0

    perm = list(reversed(range(ndim)))  # sorted back to front, an insertion sort that allows ties
    for i in range(1, ndim):
        dim1 = i
        for dim0 in reversed(range(i)):
            comparison = should_swap(perm[dim0], perm[dim1])
            if comparison > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif comparison < 0:
                break
    if ambiguity_check and any(should_swap(perm[i], perm[i + 1]) != -1 for i in range(ndim - 1)):
        raise RuntimeError("The tensor does not have unique dim order.")
    return tuple(reversed(perm))


def _is_contiguous(shape: Sequence[int], strides: Sequence[int]) -> bool:
    if 0 in shape:
        return True
    expected = 1
    for n, s in zip(reversed(shape), reversed(strides)):
        if n != 1:
            if s != expected:
                return False
            expected *= n
    return True


def _is_channels_last(shape: Sequence[int], strides: Sequence[int]) -> bool:
    order = {4: (1, 3, 2, 0), 5: (1, 4, 3, 2, 0)}.get(len(shape))
    if order is None:
        return False
    expected = 1
    for axis in order:
        if shape[axis] != 1:
            if strides[axis] != expected:
                return False
            expected *= shape[axis]
    return True
