"""``rosenblatt.testing``: ``assert_close``, PyTorch's ``torch.testing.assert_close``.

It decides as PyTorch does (same default tolerances per dtype, same checks, same order)
and raises the same ``AssertionError`` messages, so a test reads the same on both.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.testing import assert_close
    >>> assert_close(rb.tensor([1.0, 2.0]), rb.tensor([1.0, 2.0 + 1e-6]))
"""
from __future__ import annotations

import cmath
import collections.abc
import contextlib
from typing import Any, Callable

import numpy

from .tensor import Tensor

__all__ = ["assert_close"]

#: PyTorch's default (rtol, atol) per dtype; any other dtype is compared exactly.
#: (bfloat16 has no NumPy dtype, so no entry: PyTorch's is (0.016, 1e-5).)
_TOLERANCES = {
    numpy.dtype(numpy.float16): (0.001, 1e-5),
    numpy.dtype(numpy.float32): (1.3e-6, 1e-5),
    numpy.dtype(numpy.float64): (1e-7, 1e-7),
    numpy.dtype(numpy.complex64): (1.3e-6, 1e-5),
    numpy.dtype(numpy.complex128): (1e-7, 1e-7),
}
#: the dtype PyTorch takes a Python number for, to pick its tolerances
_NUMBER_DTYPES = {int: numpy.dtype(numpy.int64), float: numpy.dtype(numpy.float64),
                  complex: numpy.dtype(numpy.complex128)}
_KIND = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Assert that ``actual`` and ``expected`` are close: ``|actual - expected| <= atol + rtol * |expected|``.

    Tensors (and NumPy arrays, compared with arrays) must match in shape, and by default in
    dtype and device; their values are compared elementwise, infinities must be equal, and
    NaN equals NaN only with ``equal_nan``.  Sequences and mappings are compared item by
    item (equal lengths, equal keys); Python and NumPy numbers as numbers; ``None`` only
    with ``None``.  Without ``rtol`` and ``atol`` the tolerances are PyTorch's for the
    dtype, the looser of the two:

    ==========  ========  ========
    dtype       rtol      atol
    ==========  ========  ========
    float16     1e-3      1e-5
    float32     1.3e-6    1e-5
    float64     1e-7      1e-7
    other       0         0
    ==========  ========  ========

    Args:
        actual: the value tested.
        expected: the reference.
        allow_subclasses (bool): let a subclass (``nn.Parameter``) be compared with its
            base class (default True).
        rtol (float, optional): relative tolerance; give ``atol`` with it.
        atol (float, optional): absolute tolerance; give ``rtol`` with it.
        equal_nan (bool): count two NaNs as equal (default False).
        check_device (bool): require the same device (default True).
        check_dtype (bool): require the same dtype (default True); else both are promoted
            to a common dtype first.
        check_layout (bool): accepted for PyTorch compatibility: every tensor is strided.
        check_stride (bool): require the same strides, in elements (default False).
        msg (str or Callable, optional): the message instead of the generated one, or a
            function of the generated one returning the message.

    Raises:
        AssertionError: the inputs are not close, or differ in shape, dtype, length or keys.
        TypeError: the inputs are of types that cannot be compared with each other.
        ValueError: only one of ``rtol`` and ``atol`` was given.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.testing import assert_close
        >>> assert_close([rb.tensor(1.0), 2], [rb.tensor(1.0), 2])
        >>> assert_close(rb.tensor([1.0, 2.0, 3.0]), rb.tensor([1.0, 2.5, 3.0]))
        Traceback (most recent call last):
        ...
        AssertionError: Tensor-likes are not close!
        <BLANKLINE>
        Mismatched elements: 1 / 3 (33.3%)
        Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)
        Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)
    """
    __tracebackhide__ = True
    options = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan,
                   check_device=check_device, check_dtype=check_dtype, check_stride=check_stride)
    try:
        # Every pair is made (and checked for types) before any is compared, as in PyTorch;
        # ``msg`` replaces only the messages of comparisons, not these.
        pairs = _pairs(actual, expected, (), options)
    except _Failure as failure:
        raise failure.error(None) from None
    try:
        for compare, a, e, id in pairs:
            compare(a, e, id, options)
    except _Failure as failure:
        raise failure.error(msg) from None


class _Failure(Exception):
    """A failed check: the exception type to raise, its message and the item it is about."""

    def __init__(self, type: type, message: str, id: tuple) -> None:
        super().__init__(message)
        self.type, self.message, self.id = type, message, id

    def error(self, msg: Any) -> Exception:
        if isinstance(msg, str):
            return self.type(msg)
        message = self.message
        if self.id:
            message += f"\n\nThe failure occurred for item {''.join(str([item]) for item in self.id)}"
        return self.type(msg(message) if callable(msg) else message)


def _pairs(actual: Any, expected: Any, id: tuple, options: dict) -> list:
    """``(compare, actual, expected, id)`` for each pair of leaves of the two structures."""
    if (isinstance(actual, collections.abc.Sequence) and not isinstance(actual, str)
            and isinstance(expected, collections.abc.Sequence) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _Failure(AssertionError, f"The length of the sequences mismatch: {len(actual)} != "
                           f"{len(expected)}", id)
        return [p for i in range(len(actual)) for p in _pairs(actual[i], expected[i], (*id, i), options)]
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        keys, other = set(actual.keys()), set(expected.keys())
        if keys != other:
            raise _Failure(AssertionError, f"The keys of the mappings do not match:\n"
                           f"Missing keys in the actual mapping: {sorted(other - keys)}\n"
                           f"Additional keys in the actual mapping: {sorted(keys - other)}", id)
        with contextlib.suppress(Exception):  # a fixed order where the keys sort
            keys = sorted(keys)
        return [p for k in keys for p in _pairs(actual[k], expected[k], (*id, k), options)]
    if actual is None or expected is None:
        return [(_compare_none, actual, expected, id)]
    if isinstance(actual, (bool, numpy.bool_)) and isinstance(expected, (bool, numpy.bool_)):
        return [(_compare_bools, bool(actual), bool(expected), id)]
    numbers = (int, float, complex, numpy.number)
    if isinstance(actual, numbers) and isinstance(expected, numbers):
        a, e = (x.item() if isinstance(x, numpy.number) else x for x in (actual, expected))
        _tolerances((_NUMBER_DTYPES[type(a)], _NUMBER_DTYPES[type(e)]), options, id)
        return [(_compare_numbers, a, e, id)]
    if _tensor_like(actual, expected, options):
        a, e = (x.data if isinstance(x, Tensor) else x for x in (actual, expected))
        if a.dtype.kind not in "biufc" or e.dtype.kind not in "biufc":
            _unsupported(actual, expected, id)
        _tolerances((a.dtype, e.dtype), options, id)
        return [(_compare_tensors, actual, expected, id)]
    _unsupported(actual, expected, id)


def _unsupported(actual: Any, expected: Any, id: tuple) -> None:
    raise _Failure(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} "
                   f"and {type(expected)}.", id)


def _tensor_like(actual: Any, expected: Any, options: dict) -> bool:
    """Whether the two are tensors, or NumPy arrays, of directly related types (PyTorch
    compares an array only with an array)."""
    if not (isinstance(actual, (Tensor, numpy.ndarray)) and isinstance(expected, (Tensor, numpy.ndarray))):
        return False
    related = isinstance(actual, type(expected)) or isinstance(expected, type(actual))
    return related and (options["allow_subclasses"] or type(actual) is type(expected))


def _tolerances(dtypes: tuple, options: dict, id: tuple) -> tuple[float, float]:
    rtol, atol = options["rtol"], options["atol"]
    if (rtol is None) != (atol is None):
        raise _Failure(ValueError, f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                       f"no {'rtol' if rtol is None else 'atol'}.", id)
    if rtol is not None:
        return rtol, atol
    rtols, atols = zip(*(_TOLERANCES.get(numpy.dtype(d), (0.0, 0.0)) for d in dtypes))
    return max(rtols), max(atols)


def _compare_none(actual: Any, expected: Any, id: tuple, options: dict) -> None:
    if not (actual is None and expected is None):
        raise _Failure(AssertionError, f"None mismatch: {actual} is not {expected}", id)


def _compare_bools(actual: bool, expected: bool, id: tuple, options: dict) -> None:
    if actual is not expected:
        raise _Failure(AssertionError, f"Booleans mismatch: {actual} is not {expected}", id)


def _compare_numbers(actual: Any, expected: Any, id: tuple, options: dict) -> None:
    if options["check_dtype"] and type(actual) is not type(expected):
        raise _Failure(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.", id)
    if actual == expected:
        return
    if options["equal_nan"] and cmath.isnan(actual) and cmath.isnan(expected):
        return
    rtol, atol = _tolerances((_NUMBER_DTYPES[type(actual)], _NUMBER_DTYPES[type(expected)]), options, id)
    diff = abs(actual - expected)
    if cmath.isfinite(diff) and diff <= atol + rtol * abs(expected):
        return
    raise _Failure(AssertionError, _scalar_message(actual, expected, rtol, atol), id)


def _compare_tensors(actual: Any, expected: Any, id: tuple, options: dict) -> None:
    a, e = (x.data if isinstance(x, Tensor) else x for x in (actual, expected))
    if a.shape != e.shape:
        _attribute("shape", a.shape, e.shape, id)
    if options["check_stride"] and _strides(a) != _strides(e):
        _attribute("stride()", _strides(a), _strides(e), id)
    if options["check_device"] and _device(actual) != _device(expected):
        _attribute("device", _device(actual), _device(expected), id)
    if options["check_dtype"] and a.dtype != e.dtype:
        _attribute("dtype", a.dtype, e.dtype, id)
    rtol, atol = _tolerances((a.dtype, e.dtype), options, id)
    if a.dtype != e.dtype:
        dtype = _promote(a.dtype, e.dtype)
        a, e = a.astype(dtype), e.astype(dtype)
    matches = _isclose(a, e, rtol, atol, options["equal_nan"])
    if matches.all():
        return
    if a.shape == ():
        raise _Failure(AssertionError, _scalar_message(a.item(), e.item(), rtol, atol), id)
    raise _Failure(AssertionError, _tensor_message(a, e, matches, rtol, atol), id)


def _attribute(name: str, actual: Any, expected: Any, id: tuple) -> None:
    raise _Failure(AssertionError, f"The values for attribute '{name}' do not match: {actual} != {expected}.", id)


def _strides(array: Any) -> tuple:
    return tuple(s // array.itemsize for s in array.strides)


def _device(value: Any) -> str:
    return str(getattr(value, "device", "cpu"))


def _promote(a: Any, b: Any) -> Any:
    """PyTorch's ``promote_types``: the higher kind's dtype (int64 and float32 give float32,
    where NumPy gives float64); NumPy's rule within a kind."""
    ka, kb = _KIND[a.kind], _KIND[b.kind]
    if ka == kb:
        return numpy.promote_types(a, b)
    return a if ka > kb else b


def _isclose(a: Any, e: Any, rtol: float, atol: float, equal_nan: bool) -> Any:
    """``torch.isclose``: in the inputs' dtype, equal values (infinities too) always close."""
    close = a == e
    if a.dtype.kind in "fc":
        if equal_nan:
            close |= numpy.isnan(a) & numpy.isnan(e)
        if rtol or atol:
            with numpy.errstate(invalid="ignore", over="ignore"):
                error = numpy.abs(a - e)
                close |= numpy.isfinite(error) & (error <= atol + numpy.abs(rtol * e))
    return close


def _tensor_message(a: Any, e: Any, matches: Any, rtol: float, atol: float) -> str:
    total = matches.size
    mismatched = total - int(matches.sum())
    extra = f"Mismatched elements: {mismatched} / {total} ({mismatched / total:.1%})"
    shape = matches.shape
    a, e, matches = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if a.dtype.kind not in "fc":  # differences of integers in int64, as PyTorch
        a, e = a.astype(numpy.int64), e.astype(numpy.int64)
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        abs_diff = numpy.abs(a - e)
        abs_diff[matches] = 0
        if abs_diff.dtype.kind == "i":  # PyTorch divides integers in its default float32
            rel_diff = abs_diff.astype(numpy.float32) / numpy.abs(e).astype(numpy.float32)
        else:
            rel_diff = abs_diff / numpy.abs(e)
        rel_diff[matches] = 0
    abs_i, rel_i = _argmax(abs_diff), _argmax(rel_diff)
    return _mismatch_message("Tensor-likes", extra, abs_diff[abs_i].item(), _unravel(abs_i, shape), atol,
                             rel_diff[rel_i].item(), _unravel(rel_i, shape), rtol)


def _argmax(values: Any) -> int:
    """``torch.max``'s index: of the first NaN where there is one, else of the first maximum."""
    if values.dtype.kind in "fc":
        nans = numpy.flatnonzero(numpy.isnan(values))
        if nans.size:
            return int(nans[0])
    return int(numpy.argmax(values))


def _unravel(flat: int, shape: tuple) -> tuple:
    return tuple(int(i) for i in numpy.unravel_index(flat, shape))


def _scalar_message(actual: Any, expected: Any, rtol: float, atol: float) -> str:
    diff = abs(actual - expected)
    rel = float("inf") if expected == 0 else diff / abs(expected)
    return _mismatch_message("Scalars", f"Expected {expected} but got {actual}.", diff, None, atol, rel, None, rtol)


def _mismatch_message(identifier: str, extra: str, abs_diff: Any, abs_index: Any, atol: float,
                      rel_diff: Any, rel_index: Any, rtol: float) -> str:
    equality = rtol == 0 and atol == 0
    lines = [f"{identifier} are not {'equal' if equality else 'close'}!", "", extra]
    for kind, diff, index, tol in (("absolute", abs_diff, abs_index, atol), ("relative", rel_diff, rel_index, rtol)):
        line = (f"{kind.title()} difference: {diff}" if index is None
                else f"Greatest {kind} difference: {diff} at index {index}")
        lines.append(line if equality else f"{line} (up to {tol} allowed)")
    return "\n".join(lines)
