"""Making tensors: from data (``tensor``, ``from_numpy``), filled, ranges and random.

Float tensors default to float32, integers to int64, as in PyTorch.  Sizes may
be given as varargs or one sequence: ``zeros(2, 3)`` and ``zeros((2, 3))``.
"""
from __future__ import annotations

import functools
import math
import operator
from typing import Any

from ._backend import default_float, xp
from ._device import check_device
from .autograd.function import as_array
from .ops._dims import size_arg
from .ops.arithmetic import _number_in, _promote, result_type
from .random import Generator, numpy_generator
from .tensor import Tensor


def _make(array: Any, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float(dtype: Any) -> Any:
    dtype = default_float if dtype is None else xp.dtype(dtype)
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

    Going through the float32 default first would round ``tensor([0.1], dtype=float64)``.
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


#: the dtype PyTorch gives each kind of Python number in a list
_NUMBER_DTYPES = {float: default_float, int: xp.dtype(xp.int64), bool: xp.dtype(xp.bool_)}
_NUMBERS = frozenset(_NUMBER_DTYPES)


def _elements_dtype(data: list | tuple, op: str) -> Any:
    """The dtype of a tensor of the nested list ``data`` when it holds NumPy numbers, arrays or
    tensors, None when only Python numbers (``as_array``'s float32/int64/bool cover those).

    PyTorch promotes the elements' dtypes, a Python float counting as float32 and an int as
    int64, so ``[numpy.float64(1)]`` is float64 and ``[True, numpy.int32(2)]`` int32, where
    NumPy's dtype, cast to the defaults, made them float32 and int64.
    """
    if set(map(type, data)) <= _NUMBERS:  # the common case, in one pass in C
        return None
    dtypes: set = set()
    _add_element_dtypes(data, dtypes, op)
    if dtypes <= _NUMBERS:
        return None
    return functools.reduce(_promote, (_NUMBER_DTYPES.get(d, d) for d in dtypes))


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
    """``data`` as a tensor, sharing memory when it already is an array or tensor of ``dtype``."""
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
    bytes of ``dtype``, float32 by default (``frombuffer``); numbers and (nested) lists
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
        out = frombuffer(obj, dtype=dtype or default_float)
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
    """A tensor sharing memory with the NumPy array ``array`` (its dtype kept)."""
    if not isinstance(array, xp.ndarray):
        raise TypeError(f"from_numpy(): expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor._wrap(array)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    check_device("zeros()", device)
    return _make(xp.zeros(size_arg(size, "zeros"), dtype=dtype or default_float), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    check_device("ones()", device)
    return _make(xp.ones(size_arg(size, "ones"), dtype=dtype or default_float), requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    check_device("empty()", device)
    return _make(xp.empty(size_arg(size, "empty"), dtype=dtype or default_float), requires_grad)


def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, *,
         device: Any = None) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``; dtype follows the value (float -> float32)."""
    check_device("full()", device)
    if isinstance(fill_value, Tensor):  # a 0-d tensor counts as its number, as in PyTorch
        fill_value = fill_value.item()
    if dtype is None:  # NumPy's numbers count as Python ones (float64 -> float32), as in PyTorch
        dtype = result_type(fill_value)
    fill_value = _number_in(fill_value, xp.dtype(dtype), "full()")  # -1 into uint8 is 255, 300 raises
    return _make(xp.full(size_arg((size,), "full"), fill_value, dtype=dtype), requires_grad)


def _like(input: Tensor, dtype: Any) -> tuple[tuple, Any]:
    return tuple(input.shape), input.dtype if dtype is None else xp.dtype(dtype)


def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, *,
               device: Any = None) -> Tensor:
    check_device("zeros_like()", device)
    shape, dtype = _like(input, dtype)
    return _make(xp.zeros(shape, dtype=dtype), requires_grad)


def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, *, device: Any = None) -> Tensor:
    check_device("ones_like()", device)
    shape, dtype = _like(input, dtype)
    return _make(xp.ones(shape, dtype=dtype), requires_grad)


def empty_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, *,
               device: Any = None) -> Tensor:
    check_device("empty_like()", device)
    shape, dtype = _like(input, dtype)
    return _make(xp.empty(shape, dtype=dtype), requires_grad)


def full_like(input: Tensor, fill_value: Any, dtype: Any = None, requires_grad: bool = False, *,
              device: Any = None) -> Tensor:
    check_device("full_like()", device)
    shape, dtype = _like(input, dtype)
    return _make(xp.full(shape, _number_in(fill_value, dtype, "full_like()"), dtype=dtype), requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False, *,
           device: Any = None) -> Tensor:
    """``[start, start + step, ...)`` up to ``end``; int64 for int arguments, else float32."""
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
        dtype = xp.int64 if ints else default_float
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
    """
    check_device("logspace()", device)
    dtype = _range_dtype(steps, dtype, "logspace")
    if steps == 1:  # PyTorch: base ** start, start not cast to dtype
        exponents = xp.full(1, float(start))
    else:
        exponents = _kernel_points(start, end, steps, dtype)
    return _make(xp.power(float(base), exponents).astype(dtype), requires_grad)


def _range_dtype(steps: Any, dtype: Any, op: str) -> Any:
    """The dtype of linspace/logspace (float32 by default), after checking ``steps``."""
    if _int_arg(steps, "steps", op) < 0:
        raise ValueError(f"{op}(): number of steps must be non-negative, got {steps}")
    dtype = default_float if dtype is None else xp.dtype(dtype)
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
    check_device("eye()", device)
    return _make(xp.eye(n, m, dtype=dtype or default_float), requires_grad)


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    """Uniform samples on ``[0, 1)``."""
    check_device("rand()", device)
    dtype = _float(dtype)
    array = numpy_generator(generator).random(size_arg(size, "rand"), dtype=dtype if dtype.itemsize >= 4 else xp.float32)
    return _make(array.astype(dtype, copy=False), requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Tensor:
    """Standard normal samples."""
    check_device("randn()", device)
    dtype = _float(dtype)
    array = numpy_generator(generator).standard_normal(size_arg(size, "randn"), dtype=dtype if dtype.itemsize >= 4 else xp.float32)
    return _make(array.astype(dtype, copy=False), requires_grad)


def _int_arg(value: Any, name: str, op: str) -> int:
    """``value`` as an int; a float would be silently truncated by NumPy."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}(): {name} must be an int, got {type(value).__name__} {value!r}") from None


def randint(low: int, high: int | None = None, size: Any = (), *, generator: Generator | None = None,
            dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Integers uniform on ``[low, high)``; ``randint(high, size)`` starts at 0."""
    check_device("randint()", device)
    if isinstance(high, (tuple, list)):  # randint(high, size), PyTorch's short form
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    low, high = _int_arg(low, "low", "randint"), _int_arg(high, "high", "randint")
    if low >= high:
        raise ValueError(f"randint(): expected low < high, got low={low}, high={high}")
    array = numpy_generator(generator).integers(low, high, size_arg((size,), "randint"))
    return _make(xp.asarray(array, dtype=dtype or xp.int64), requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Tensor:
    """A random permutation of ``0 .. n-1``."""
    check_device("randperm()", device)
    n = _int_arg(n, "n", "randperm")
    if n < 0:
        raise ValueError(f"randperm(): n must be non-negative, got {n}")
    return _make(numpy_generator(generator).permutation(n).astype(dtype or xp.int64), requires_grad)


def rand_like(input: Tensor, generator: Generator | None = None, dtype: Any = None,
              requires_grad: bool = False, *, device: Any = None) -> Tensor:
    check_device("rand_like()", device)
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, generator: Generator | None = None, dtype: Any = None,
               requires_grad: bool = False, *, device: Any = None) -> Tensor:
    check_device("randn_like()", device)
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint_like(input: Tensor, low: int, high: int | None = None, generator: Generator | None = None,
                 dtype: Any = None, requires_grad: bool = False, *, device: Any = None) -> Tensor:
    check_device("randint_like()", device)
    return randint(low, high, input.shape, generator=generator, dtype=dtype or input.dtype,
                   requires_grad=requires_grad)


def normal(mean: float, std: float, size: Any, *, generator: Generator | None = None, dtype: Any = None,
           requires_grad: bool = False, device: Any = None) -> Tensor:
    """Samples of N(mean, std^2) (scalar ``mean`` and ``std``)."""
    check_device("normal()", device)
    if not std >= 0:
        raise ValueError(f"normal(): expected std >= 0.0, got std={std}")
    array = numpy_generator(generator).normal(mean, std, size_arg((size,), "normal"))
    return _make(array.astype(_float(dtype)), requires_grad)


def multinomial(input: Any, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """``num_samples`` category indices drawn for each row of ``input``, a 1-d or 2-d tensor of
    non-negative weights (probabilities up to scale); without ``replacement`` no index repeats
    within a row.  int64, shape ``(num_samples,)`` or ``(rows, num_samples)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.multinomial(rb.tensor([0.0, 1.0, 0.0]), 2, replacement=True).tolist()
        [1, 1]
    """
    weights = as_array(input, "multinomial")
    num_samples = _int_arg(num_samples, "num_samples", "multinomial")
    rows = weights.reshape(1, -1) if weights.ndim == 1 else weights
    if weights.ndim not in (1, 2) or weights.dtype.kind != "f" or rows.shape[1] == 0:
        raise ValueError(f"multinomial(): input must be a non-empty 1-d or 2-d floating tensor of weights, "
                         f"got dtype {weights.dtype} and shape {list(weights.shape)}")
    if num_samples <= 0:
        raise ValueError(f"multinomial(): num_samples must be positive, got {num_samples}")
    rows = rows.astype(xp.float64)
    if not xp.isfinite(rows).all() or (rows < 0).any() or (rows.sum(1) <= 0).any():
        raise ValueError("multinomial(): weights must be finite and non-negative, with a positive sum "
                         "in every row")
    if not replacement and num_samples > (rows > 0).sum(1).min():
        raise ValueError(f"multinomial(): cannot draw {num_samples} samples without replacement from a row "
                         f"with {int((rows > 0).sum(1).min())} non-zero weights")
    rng = numpy_generator(generator)
    out = xp.stack([rng.choice(rows.shape[1], num_samples, replace=replacement, p=row / row.sum())
                    for row in rows])
    return Tensor._wrap(out.astype(xp.int64).reshape(weights.shape[:-1] + (num_samples,)))


def bernoulli(input: Any, p: float | None = None, *, generator: Generator | None = None) -> Tensor:
    """1 with probability ``input`` (or ``p`` when given) for each entry, else 0, in ``input``'s dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bernoulli(rb.tensor([0.0, 1.0])).tolist()
        [0.0, 1.0]
    """
    probs = as_array(input, "bernoulli")
    if probs.dtype.kind != "f":
        raise TypeError(f"bernoulli(): input must be a floating tensor of probabilities, got {probs.dtype}")
    if p is not None:
        probs = xp.full(probs.shape, p, dtype=xp.float64)
    if not ((probs >= 0) & (probs <= 1)).all():
        raise ValueError("bernoulli(): probabilities must lie in [0, 1]")
    draws = numpy_generator(generator).random(probs.shape) < probs
    return Tensor._wrap(draws.astype(as_array(input).dtype))


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
    """The (2, N) indices of the lower triangle up to diagonal ``offset``; see :func:`triu_indices`."""
    check_device("tril_indices()", device)
    return Tensor._wrap(xp.stack(xp.tril_indices(row, offset, col)).astype(dtype or xp.int64))
