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


def keep_freed_memory() -> bool:
    """Keep the memory of freed large arrays in the process for the next ones (glibc's malloc).

    By default glibc hands a freed block larger than ~128 KiB (a threshold that grows to
    at most 32 MiB as it sees such frees) back to the kernel, and the next array of that
    size page-faults on every 4 KiB page (or 2 MiB huge page) as it is first written.  A
    training step allocates and frees the same large temporaries every time (column
    matrices, activations, gate buffers), so it pays that again on every step: on the
    2-core machine of ``make bench``, about 8 ms of a 25 ms LeNet-5 step and 35 ms of a
    170 ms 64-channel 3x3 conv forward+backward.

    After this call, blocks below 32 MiB come from the heap and freed ones stay there
    (``mallopt``: ``M_MMAP_THRESHOLD`` 32 MiB, ``M_TRIM_THRESHOLD`` 2 GiB), so the
    process keeps its peak footprint instead of shrinking between steps.  It applies to
    everything in the process: PyTorch's CPU tensors come from the same ``malloc``.
    ``rosenblatt train`` and ``make bench`` call it.

    Returns:
        True if applied; False (nothing changed) where the C library is not glibc.

    Example:
        >>> import rosenblatt as rb
        >>> rb.keep_freed_memory() in (True, False)
        True
    """
    import ctypes  # here, not at the top: `import rosenblatt` stays fast
    import platform

    if platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(None)
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    return bool(libc.mallopt(m_mmap_threshold, 32 << 20) and libc.mallopt(m_trim_threshold, 2**31 - 1))
