"""The one backend seam: every op asks here for its array module.

``xp`` is NumPy today.  A CuPy backend will be chosen here, and only here, so
ops never branch on the backend themselves (Chainer's ``get_array_module``).
NumPy ufuncs and ``__array_function__`` already dispatch on CuPy arrays, so
ops written as ``xp.exp(x)`` carry over unchanged.
"""
from __future__ import annotations

import numpy

xp = numpy

#: dtypes a Tensor may hold, by PyTorch name.
float32 = numpy.dtype("float32")
float64 = numpy.dtype("float64")
float16 = numpy.dtype("float16")
int64 = numpy.dtype("int64")
int32 = numpy.dtype("int32")
uint8 = numpy.dtype("uint8")
bool_ = numpy.dtype("bool")

#: the dtype of floating-point tensors made from Python floats.
default_float = float32


def get_array_module(*arrays: object):
    """Return the array namespace (``numpy``) for ``arrays``."""
    return xp
