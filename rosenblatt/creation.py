"""Making tensors: from data (``tensor``, ``from_numpy``), filled and ranges (random ones:
``sampling``).

Float tensors default to ``get_default_dtype()`` (float32 unless ``set_default_dtype`` changed
it), integers to int64, as in PyTorch.  Sizes may
be given as varargs or one sequence: ``zeros(2, 3)`` and ``zeros((2, 3))``.
"""
from __future__ import annotations

import functools
import math
import operator
from typing import Any

from ._backend import xp
from . import _backend
from ._device import check_device
from .autograd.function import as_array
from .ops._dims import size_arg
from .ops.arithmetic import _number_in, _promote, result_type
from .tensor import Tensor


def _make(array: Any, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float(dtype: Any) -> Any:
    dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"expected a floating point dtype, got {dtype}")
    return dtype


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, *, device: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (a number, nested list, array or tensor).

    Example:
        >>> import rosenblatt as rb
        >>> rb.tensor([[1.0, 2.0], [3.0, 4.0]]).shape
        (2, 2)
    """
    check_device("tensor()", device)
    array = xp.array(_as_array(data, dtype, "tensor"), copy=True)
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return _make(array, requires_grad)


def _as_array(data: Any, dtype: Any, op: str) -> Any:
    """``as_array(data)``, but Python numbers go straight to ``dtype`` when one is given.

    Going through a float32 default first would round ``tensor([0.1], dtype=float64)``.
    """
    if dtype is None and isinstance(data, (list, tuple)):
        dtype = _elements_dtype(data, op)
        if dtype is not None:
            return xp.asarray(data, dtype=dtype)
    array = as_array(data, op)
    if dtype is not None and not isinstance(data, (Tensor, xp.ndarray, xp.generic)):
        try:
            array = xp.asarray(data, dtype=dtype)
        except OverflowError:  # NumPy refuses what PyTorch wraps: -1 into uint8 is 255
            array = _ints_into(array, xp.dtype(dtype), op)
    return array


def _ints_into(array: Any, dtype: Any, op: str) -> Any:
    """``array`` of Python numbers that NumPy refused for the integer ``dtype`` cast into it as
    PyTorch's ``tensor`` does: ints wrap into an unsigned dtype from -max on, anything else
    outside the dtype's range is its RuntimeError."""
    info = xp.iinfo(dtype)
    low = -info.max if dtype.kind == "u" else info.min
    if array.dtype.kind not in "iu" or not (low <= array.min() and array.max() <= info.max):
        raise RuntimeError(f"{op}(): a value cannot be converted to {dtype} without overflow (its range "
                           f"is [{info.min}, {info.max}]); give a wider dtype")
    return array.astype(dtype)


#: the dtype PyTorch gives each kind of Python number in a list (a float: the default dtype,
#: read when used, as ``set_default_dtype`` changes it)
_NUMBER_DTYPES = {int: xp.dtype(xp.int64), bool: xp.dtype(xp.bool_)}
_NUMBERS = frozenset({float, int, bool})


def _elements_dtype(data: list | tuple, op: str) -> Any:
    """The dtype of a tensor of the nested list ``data`` when it holds NumPy numbers, arrays or
    tensors, None when only Python numbers (``as_array``'s default float/int64/bool cover those).

    PyTorch promotes the elements' dtypes, a Python float counting as the default dtype and an
    int as int64, so ``[numpy.float64(1)]`` is float64 and ``[True, numpy.int32(2)]`` int32, where
    NumPy's dtype, cast to the defaults, made them the default float and int64.
    """
    if set(map(type, data)) <= _NUMBERS:  # the common case, in one pass in C
        return None
    dtypes: set = set()
    _add_element_dtypes(data, dtypes, op)
    if dtypes <= _NUMBERS:
        return None
    numbers = {**_NUMBER_DTYPES, float: _backend.default_float}
    return functools.reduce(_promote, (numbers.get(d, d) for d in dtypes))


def _add_element_dtypes(data: list | tuple, dtypes: set, op: str) -> None:
    """Add to ``dtypes`` the dtype of each element of ``data`` (the type for a Python number)."""
    types = set(map(type, data))
    dtypes.update(types & _NUMBERS)
    if not types <= _NUMBERS:
        for element in data:
            if isinstance(element, (list, tuple)):
                _add_element_dtypes(element, dtypes, op)
            elif type(element) not in _NUMBERS:
                dtypes.add(as_array(element, op).dtype)


def as_tensor(data: Any, dtype: Any = None, *, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory when it already is an array or tensor of ``dtype``.

    A tensor of that dtype comes back itself; lists are copied, with PyTorch's dtypes (Python
    floats the default dtype, ints int64).

    Args:
        data (Tensor, array, list or number): the values.
        dtype (optional): the dtype; ``data``'s own by default.

    Shape: ``data``'s.

    Example:
        >>> import numpy as np
        >>> import rosenblatt as rb
        >>> a = np.array([1, 2])
        >>> t = rb.as_tensor(a)
        >>> a[0] = 9  # the tensor sees the change: same memory
        >>> t
        tensor([9, 2])
    """
    check_device("as_tensor()", device)
    if isinstance(data, Tensor) and (dtype is None or data.dtype == xp.dtype(dtype)):
        return data
    array = _as_array(data, dtype, "as_tensor")
    return Tensor._wrap(array if dtype is None else array.astype(dtype, copy=False))


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:
    """``obj`` as a tensor, sharing its memory where it can, as ``torch.asarray``.

    A tensor is returned itself (converted to ``dtype``, or cloned with ``copy=True``, in the
    graph); a NumPy array shares its memory unless a dtype change or ``copy=True`` needs a
    copy; an object with the buffer protocol (bytearray, ``array.array``) is read as raw
    bytes of ``dtype``, the default dtype by default (``frombuffer``); numbers and (nested) lists
    become a new tensor with ``tensor``'s dtypes.

    Args:
        obj: a tensor, array, buffer, number or (nested) sequence.
        dtype (optional): the result's dtype; ``obj``'s (or ``tensor``'s rules) by default.
        device (optional): only the CPU.
        copy (bool, optional): True always copies; False never does (raises where a copy is
            needed); None copies only where needed.
        requires_grad (bool, optional): None keeps ``obj``'s; True makes a leaf require grad
            (``obj`` itself when it is returned); False detaches.

    Example:
        >>> import numpy, rosenblatt as rb
        >>> a = numpy.zeros(2, dtype=numpy.float32)
        >>> t = rb.asarray(a)
        >>> a[0] = 5
        >>> t.tolist()
        [5.0, 0.0]
    """
    check_device("asarray()", device)
    dtype = None if dtype is None else xp.dtype(dtype)
    if isinstance(obj, Tensor):
        out = obj
        if dtype is not None and dtype != obj.dtype:
            _no_alias(copy, f"a {obj.dtype} tensor as {dtype}")
            out = obj.to(dtype)
        elif copy:
            out = obj.clone()
    elif isinstance(obj, (xp.ndarray, xp.generic)):
        array = xp.asarray(obj)
        if dtype is not None and dtype != array.dtype:
            _no_alias(copy, f"a {array.dtype} array as {dtype}")
            array = array.astype(dtype)
        out = Tensor._wrap(array.copy() if copy else array)
    elif not isinstance(obj, (list, tuple, int, float, bool)) and _has_buffer(obj):
        out = frombuffer(obj, dtype=dtype or _backend.default_float)
        out = out.clone() if copy else out
    else:
        _no_alias(copy, f"a {type(obj).__name__}")
        out = Tensor._wrap(xp.array(_as_array(obj, dtype, "asarray"), dtype=dtype))
    if requires_grad and not out.requires_grad:
        out.requires_grad_(True)  # a leaf, as PyTorch's
    elif requires_grad is False and out.requires_grad:
        out = out.detach()  # PyTorch switches the given tensor off instead; a detached alias leaves it be
    return out


def _no_alias(copy: bool | None, what: str) -> None:
    if copy is False:
        raise ValueError(f"asarray(): can't alias {what} without a copy (copy=False); leave copy unset "
                         f"to copy where needed")


def _has_buffer(obj: Any) -> bool:
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True


def frombuffer(buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """A 1-d tensor reading ``buffer``'s raw bytes as ``dtype``, sharing its memory.

    ``count`` items (all that fit by default) from byte ``offset`` on.  A read-only buffer
    (``bytes``) is copied: PyTorch shares it and warns that writing the tensor would change
    an immutable object.

    Args:
        buffer: an object with the buffer protocol (bytearray, ``array.array``, memoryview).
        dtype: the items' dtype.
        count (int): how many items; -1 for all after ``offset``.
        offset (int): bytes to skip first.
        requires_grad (bool): record ops on the result (floating dtypes only).

    Example:
        >>> import array, rosenblatt as rb
        >>> rb.frombuffer(array.array("i", [1, 2, 3]), dtype=rb.int32, offset=4).tolist()
        [2, 3]
    """
    if not _has_buffer(buffer):
        raise TypeError(f"frombuffer(): expected an object with the buffer protocol (bytearray, array.array, "
                        f"memoryview), got {type(buffer).__name__}; use tensor() for sequences")
    dtype = xp.dtype(dtype)
    count, offset = _int_arg(count, "count", "frombuffer"), _int_arg(offset, "offset", "frombuffer")
    size = memoryview(buffer).nbytes
    if size == 0 or count == 0:
        raise ValueError(f"frombuffer(): both the buffer length ({size}) and count ({count}) must not be 0")
    if not 0 <= offset < size:
        raise ValueError(f"frombuffer(): offset ({offset} bytes) must be in [0, {size - 1}] for a buffer of "
                         f"{size} bytes")
    if count < 0:
        if (size - offset) % dtype.itemsize:
            raise ValueError(f"frombuffer(): the buffer's {size - offset} bytes after offset {offset} are not a "
                             f"multiple of {dtype}'s {dtype.itemsize}; give count or another offset")
        count = (size - offset) // dtype.itemsize
    elif count * dtype.itemsize > size - offset:
        raise ValueError(f"frombuffer(): {count} items of {dtype.itemsize} bytes need {count * dtype.itemsize} "
                         f"bytes, but the buffer has {size - offset} after offset {offset}")
    array = xp.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
    return _make(array if array.flags.writeable else array.copy(), requires_grad)


def from_numpy(array: Any) -> Tensor:
    """A tensor sharing memory with the NumPy array ``array`` (its dtype kept).

    Args:
        array (numpy.ndarray): the array; writes to either show in both.

    Shape: ``array``'s.

    Example:
        >>> import numpy as np
        >>> import rosenblatt as rb
        >>> a = np.zeros(2)
        >>> t = rb.from_numpy(a)
        >>> a[0] = 5.0
        >>> t  # float64 kept, as NumPy's default
        tensor([5., 0.], dtype=float64)
    """
    if not isinstance(array, xp.ndarray):
        raise TypeError(f"from_numpy(): expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor._wrap(array)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of ``size`` filled with 0.

    Args:
        size (ints or a sequence of ints): the shape, as varargs ``zeros(2, 3)`` or one
            sequence ``zeros((2, 3))``.
        dtype (optional): ``get_default_dtype()`` (float32) by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``size``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    check_device("zeros()", device)
    return _make(xp.zeros(size_arg(size, "zeros"), dtype=dtype or _backend.default_float), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of ``size`` filled with 1.

    Args:
        size (ints or a sequence of ints): the shape, as varargs ``ones(2, 3)`` or one
            sequence ``ones((2, 3))``.
        dtype (optional): ``get_default_dtype()`` (float32) by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``size``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.ones(2, dtype=rb.int64), rb.ones((2, 3)).shape
        (tensor([1, 1]), (2, 3))
    """
    check_device("ones()", device)
    return _make(xp.ones(size_arg(size, "ones"), dtype=dtype or _backend.default_float), requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of ``size`` whose values are whatever the memory held: fill it before reading.

    Args:
        size (ints or a sequence of ints): the shape, as varargs ``empty(2, 3)`` or one
            sequence ``empty((2, 3))``.
        dtype (optional): ``get_default_dtype()`` (float32) by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``size``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.empty(2, 3)
        >>> x.shape, x.dtype
        ((2, 3), dtype('float32'))
    """
    check_device("empty()", device)
    return _make(xp.empty(size_arg(size, "empty"), dtype=dtype or _backend.default_float), requires_grad)


def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, *,
         device: Any = None) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``; dtype follows the value (float -> the default dtype).

    Args:
        size (sequence of ints): the shape.
        fill_value (number or 0-d Tensor): the value of every entry.
        dtype (optional): by default int64 for an int, bool for a bool, the default dtype for a float.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``size``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> rb.full((2,), 0.5)
        tensor([0.5, 0.5])
    """
    check_device("full()", device)
    if isinstance(fill_value, Tensor):  # a 0-d tensor counts as its number, as in PyTorch
        fill_value = fill_value.item()
    if dtype is None:  # NumPy's numbers count as Python ones (float64 -> the default), as in PyTorch
        dtype = result_type(fill_value)
    fill_value = _number_in(fill_value, xp.dtype(dtype), "full()")  # -1 into uint8 is 255, 300 raises
    return _make(xp.full(size_arg((size,), "full"), fill_value, dtype=dtype), requires_grad)


def _like(input: Tensor, dtype: Any) -> tuple[tuple, Any]:
    return tuple(input.shape), input.dtype if dtype is None else xp.dtype(dtype)


def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, *,
               device: Any = None) -> Tensor:
    """Zeros of ``input``'s shape and dtype (or ``dtype``), not in ``input``'s graph.

    Args:
        input (Tensor): the tensor whose shape (and dtype) to take.
        dtype (optional): ``input``'s by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> rb.zeros_like(rb.tensor([[1, 2, 3]]))
        tensor([[0, 0, 0]])
    """
    check_device("zeros_like()", device)
    shape, dtype = _like(input, dtype)
    return _make(xp.zeros(shape, dtype=dtype), requires_grad)


def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, *, device: Any = None) -> Tensor:
    """Ones of ``input``'s shape and dtype (or ``dtype``), not in ``input``'s graph.

    Args:
        input (Tensor): the tensor whose shape (and dtype) to take.
        dtype (optional): ``input``'s by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> rb.ones_like(rb.tensor([[1, 2, 3]])), rb.ones_like(rb.tensor([1, 2]), dtype=rb.float32)
        (tensor([[1, 1, 1]]), tensor([1., 1.]))
    """
    check_device("ones_like()", device)
    shape, dtype = _like(input, dtype)
    return _make(xp.ones(shape, dtype=dtype), requires_grad)


def empty_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, *,
               device: Any = None) -> Tensor:
    """An uninitialised tensor of ``input``'s shape and dtype (or ``dtype``): fill it before reading.

    Args:
        input (Tensor): the tensor whose shape (and dtype) to take.
        dtype (optional): ``input``'s by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.empty_like(rb.zeros(2, 3, dtype=rb.int32))
        >>> x.shape, x.dtype
        ((2, 3), dtype('int32'))
    """
    check_device("empty_like()", device)
    shape, dtype = _like(input, dtype)
    return _make(xp.empty(shape, dtype=dtype), requires_grad)


def full_like(input: Tensor, fill_value: Any, dtype: Any = None, requires_grad: bool = False, *,
              device: Any = None) -> Tensor:
    """``fill_value`` in ``input``'s shape and dtype (or ``dtype``), not in ``input``'s graph.

    The value is cast to the dtype as PyTorch casts it: a float into an integer dtype is
    truncated.

    Args:
        input (Tensor): the tensor whose shape (and dtype) to take.
        fill_value (number): the value of every entry.
        dtype (optional): ``input``'s by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> rb.full_like(rb.tensor([1.0, 2.0]), 0.5), rb.full_like(rb.tensor([1, 2]), 2.7)
        (tensor([0.5, 0.5]), tensor([2, 2]))
    """
    check_device("full_like()", device)
    shape, dtype = _like(input, dtype)
    return _make(xp.full(shape, _number_in(fill_value, dtype, "full_like()"), dtype=dtype), requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False, *,
           device: Any = None) -> Tensor:
    """``[start, start + step, ...)`` up to ``end``; int64 for int arguments, else the default dtype.

    ``ceil((end - start) / step)`` values ``start + i * step``; ``end`` is not included.

    Args:
        start (number): the first value, or ``end`` when ``end`` is not given (from 0).
        end (number, optional): the bound, not reached.
        step (number): the spacing, nonzero (default 1).
        dtype (optional): int64 for int arguments, else ``get_default_dtype()``, by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``(ceil((end - start) / step),)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.arange(5), rb.arange(0, 10, 3), rb.arange(1, 2.5, 0.5)
        (tensor([0, 1, 2, 3, 4]), tensor([0, 3, 6, 9]), tensor([1. , 1.5, 2. ]))
    """
    check_device("arange()", device)
    if end is None:
        start, end = 0, start
    # 0-d tensors and NumPy numbers as Python numbers: an int64 one gives an int64 range.
    start, end, step = (v.item() if isinstance(v, (Tensor, xp.generic)) else v for v in (start, end, step))
    if step == 0:
        raise ValueError("arange(): step must be nonzero")
    if not all(math.isfinite(v) for v in (start, end, step)):  # NumPy: "Maximum allowed size exceeded"
        raise ValueError(f"arange(): unsupported range: from {start} to {end} by {step}; the bounds "
                         f"and the step must be finite")
    if (end - start) * step < 0:
        raise ValueError(f"arange(): upper bound and lower bound inconsistent with step sign: "
                         f"from {start} to {end} by {step}; use a step of the other sign")
    if dtype is None:
        ints = all(isinstance(v, int) for v in (start, end, step))
        dtype = xp.int64 if ints else _backend.default_float
    if xp.dtype(dtype).kind in "iu":
        return _make(_integer_range(start, end, step, xp.dtype(dtype)), requires_grad)
    return _make(xp.arange(start, end, step).astype(dtype), requires_grad)


def _integer_range(start: Any, end: Any, step: Any, dtype: Any) -> Any:
    """``arange`` in an integer ``dtype`` as PyTorch's kernel makes it: ``start + i * step`` with
    the start and the step truncated to integers (``arange(0, 3, 0.5, dtype=int32)`` is six
    0s); the length from the truncated bounds for int64, from the given ones otherwise."""
    first, stride = int(start), int(step)
    if dtype != xp.int64:
        length = max(math.ceil((float(end) - float(start)) / float(step)), 0)  # in float64, as PyTorch
    elif stride == 0:
        raise ValueError(f"arange(): step must be nonzero, and {step} truncates to 0 in int64; give "
                         f"an integer step or a floating dtype")
    else:
        length = (int(end) - first + stride - (1 if stride > 0 else -1)) // stride
    if stride == 0:  # PyTorch's kernel repeats the start (not int64: that raised above)
        return xp.full(length, first, dtype=xp.int64).astype(dtype)
    return xp.arange(first, first + length * stride, stride, dtype=xp.int64).astype(dtype, copy=False)


def linspace(start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False, *,
             device: Any = None) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    PyTorch's kernel: the ends in ``dtype``, each point from the nearer end.  float32 and
    float16 points are PyTorch's exactly; float64 ones and the integer ``dtype`` ones (the
    ends truncated to integers, the points in float64, truncated toward zero) can differ
    in the last bit (an integer, one lower) where PyTorch's fused multiply-add rounds
    once and float64 can't.

    Point ``i`` is ``start + i * (end - start) / (steps - 1)``.

    Args:
        start (float): the first value.
        end (float): the last value (included).
        steps (int): the number of values, >= 0.
        dtype (optional): ``get_default_dtype()`` (float32) by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``(steps,)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.linspace(0, 1, 5)
        tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    check_device("linspace()", device)
    dtype = _range_dtype(steps, dtype, "linspace")
    if steps < 2:
        values = xp.linspace(start, end, steps)
    elif dtype.kind == "f":
        values = _float_points(start, end, steps, dtype)
    else:
        values = _kernel_points(start, end, steps, dtype)
    return _make(values.astype(dtype), requires_grad)


def logspace(start: float, end: float, steps: int, base: float = 10.0, dtype: Any = None,
             requires_grad: bool = False, *, device: Any = None) -> Tensor:
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in exponent.

    Computed as PyTorch's kernel does: the ends in ``dtype`` (so an integer ``dtype``
    truncates them), the exponents and powers in float64, then cast to ``dtype`` (an
    integer one truncates: ``logspace(0, 1, 5, dtype=int64)`` is ``[1, 1, 3, 5, 10]``).

    Point ``i`` is ``base ** (start + i * (end - start) / (steps - 1))``.

    Args:
        start (float): the first exponent.
        end (float): the last exponent (included).
        steps (int): the number of values, >= 0.
        base (float): the base (default 10.0).
        dtype (optional): ``get_default_dtype()`` (float32) by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``(steps,)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.logspace(0, 3, 4), rb.logspace(0, 3, 4, base=2)
        (tensor([   1.,   10.,  100., 1000.]), tensor([1., 2., 4., 8.]))
    """
    check_device("logspace()", device)
    dtype = _range_dtype(steps, dtype, "logspace")
    if steps == 1:  # PyTorch: base ** start, start not cast to dtype
        exponents = xp.full(1, float(start))
    else:
        exponents = _kernel_points(start, end, steps, dtype)
    return _make(xp.power(float(base), exponents).astype(dtype), requires_grad)


def _range_dtype(steps: Any, dtype: Any, op: str) -> Any:
    """The dtype of linspace/logspace (the default dtype by default), after checking ``steps``."""
    if _int_arg(steps, "steps", op) < 0:
        raise ValueError(f"{op}(): number of steps must be non-negative, got {steps}")
    dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
    if dtype.kind == "b":
        raise TypeError(f"{op}(): not implemented for bool; use a numeric dtype and compare")
    return dtype


def _kernel_points(start: Any, end: Any, steps: int, dtype: Any) -> Any:
    """``steps >= 2`` evenly spaced points as PyTorch's linspace and logspace kernels make them:
    the ends cast to ``dtype`` (integers truncated), then in float64 from the nearer end."""
    start, end = (xp.asarray(v.data if isinstance(v, Tensor) else v, dtype=dtype) for v in (start, end))
    # The difference in dtype, as the kernel's, where C widens small integers to int: uint8's
    # 0 - 2 is -2, not NumPy's 254
    difference = int(end) - int(start) if dtype.kind in "iu" else float(end - start)
    step = difference / (steps - 1)
    return _from_nearer_end(float(start), float(end), xp.float64(step), steps)


def _float_points(start: Any, end: Any, steps: int, dtype: Any) -> Any:
    """``steps >= 2`` points of PyTorch's linspace kernel in the floating ``dtype``: the ends and
    the step in ``dtype``; in float32 each point is one fused multiply-add (its vectorised
    loop), which float64 computes exactly before the one rounding, in float16 two roundings."""
    start, end = (xp.asarray(v.data if isinstance(v, Tensor) else v, dtype=dtype) for v in (start, end))
    step = (end - start) / dtype.type(steps - 1)
    wide = xp.float64 if dtype == xp.float32 else dtype
    return _from_nearer_end(start.astype(wide), end.astype(wide), step.astype(wide), steps)


def _from_nearer_end(start: Any, end: Any, step: Any, steps: int) -> Any:
    """``start + step * i`` for the first half of ``i < steps``, ``end - step * (steps - 1 - i)``
    for the rest, in ``step``'s dtype: the points of PyTorch's range kernels."""
    i = xp.arange(steps, dtype=step.dtype)
    return xp.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i))


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, *,
        device: Any = None) -> Tensor:
    """The ``n`` x ``m`` identity matrix: 1 on the main diagonal, 0 elsewhere.

    Args:
        n (int): the number of rows.
        m (int, optional): the number of columns (default ``n``).
        dtype (optional): ``get_default_dtype()`` (float32) by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``(n, m)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.eye(2, 3, dtype=rb.int64)
        tensor([[1, 0, 0],
                [0, 1, 0]])
    """
    check_device("eye()", device)
    return _make(xp.eye(n, m, dtype=dtype or _backend.default_float), requires_grad)


def _int_arg(value: Any, name: str, op: str) -> int:
    """``value`` as an int; a float would be silently truncated by NumPy."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}(): {name} must be an int, got {type(value).__name__} {value!r}") from None


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    """The (2, N) row and column indices of a ``row`` x ``col`` matrix's upper triangle from
    diagonal ``offset`` on, row by row, as PyTorch's (int64 by default).

    Example:
        >>> import rosenblatt as rb
        >>> rb.triu_indices(2, 3).tolist()
        [[0, 0, 0, 1, 1], [0, 1, 2, 1, 2]]
    """
    check_device("triu_indices()", device)
    return Tensor._wrap(xp.stack(xp.triu_indices(row, offset, col)).astype(dtype or xp.int64))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    """The (2, N) indices of the lower triangle up to diagonal ``offset``; see :func:`triu_indices`.

    Row ``0`` holds the row indices, row ``1`` the column ones, row by row: the positions
    ``(i, j)`` with ``j - i <= offset``.

    Args:
        row (int): the number of rows of the matrix.
        col (int): the number of columns.
        offset (int): 0 the main diagonal, > 0 above it, < 0 below (default 0).
        dtype (optional): int64 by default.

    Shape: ``(2, N)``, N the number of such positions.

    Example:
        >>> import rosenblatt as rb
        >>> rb.tril_indices(3, 3, -1).tolist()  # strictly below the diagonal
        [[1, 2, 2], [0, 0, 1]]
    """
    check_device("tril_indices()", device)
    return Tensor._wrap(xp.stack(xp.tril_indices(row, offset, col)).astype(dtype or xp.int64))
