"""The one backend seam: every op asks here for its array module.

``xp`` is NumPy today.  A CuPy backend will be chosen here, and only here, so
ops never branch on the backend themselves (Chainer's ``get_array_module``).
NumPy ufuncs and ``__array_function__`` already dispatch on CuPy arrays, so
ops written as ``xp.exp(x)`` carry over unchanged.
"""
from __future__ import annotations

import contextlib
import ctypes  # NumPy imports it anyway
from typing import Any, Iterator

import numpy

xp = numpy

#: dtypes a Tensor may hold, by PyTorch name.
float32 = numpy.dtype("float32")
float64 = numpy.dtype("float64")
float16 = numpy.dtype("float16")
int64 = numpy.dtype("int64")
int32 = numpy.dtype("int32")
int16 = numpy.dtype("int16")
int8 = numpy.dtype("int8")
uint8 = numpy.dtype("uint8")
bool_ = numpy.dtype("bool")

#: the default floating dtype (``get_default_dtype``): of tensors made from Python floats,
#: of the float factories without a dtype, of integers promoted with a Python float, of new
#: layers' parameters.  ``set_default_dtype`` assigns it, so modules read it as
#: ``_backend.default_float`` when called; ``from ._backend import default_float`` would keep
#: the value of import time.
default_float = float32


def scalar_float() -> numpy.dtype:
    """The dtype of optimizers' scalar state (ASGD's ``eta``, NAdam's ``mu_product``): float64
    under a float64 default, else float32 (a float16 default too), as ``torch.optim``'s
    ``_get_scalar_dtype``."""
    return float64 if default_float == float64 else float32


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
    import platform  # here, not at the top: `import rosenblatt` stays fast

    if platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(None)
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    return bool(libc.mallopt(m_mmap_threshold, 32 << 20) and libc.mallopt(m_trim_threshold, 2**31 - 1))


# ---------------------------------------------------------------- level-1 BLAS
# NumPy has no fused multiply-add: ``y += a * x`` is two single-threaded passes and a
# temporary.  BLAS ``axpy`` is one pass, split by OpenBLAS over its threads; an optimizer
# step is nothing but such passes (SGD with momentum over 3.3M float32 parameters: 1.4 ms
# against 3.3 ms with ufuncs, on the 2-core machine of ``make bench``).  NumPy's wheels
# ship OpenBLAS as ``scipy-openblas64`` and export its CBLAS as ``scipy_cblas_*64_`` (64-bit
# integers).  Other builds, CuPy arrays and other layouts fall back to ufuncs: the same
# result up to rounding (BLAS may fuse the multiply-add).
_blas: dict | None = None


def _openblas() -> Any:
    """NumPy's own OpenBLAS as a ``ctypes.CDLL``, or None where this NumPy has another BLAS."""
    global _openblas_lib
    if _openblas_lib is False:
        import glob
        import os

        _openblas_lib = None
        root = os.path.dirname(numpy.__file__)
        for path in sorted(glob.glob(os.path.join(root, os.pardir, "numpy.libs", "libscipy_openblas64_*"))
                           + glob.glob(os.path.join(root, ".dylibs", "libscipy_openblas64_*"))):
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            if hasattr(lib, "scipy_cblas_saxpy64_"):
                _openblas_lib = lib
                break
    return _openblas_lib


_openblas_lib: Any = False  # False: not looked for yet


def _load_blas() -> dict:
    lib = _openblas()
    if lib is None:
        return {}
    found = {}
    n, ptr = ctypes.c_int64, ctypes.c_void_p
    for dtype, char, scalar in ((float32, "s", ctypes.c_float), (float64, "d", ctypes.c_double)):
        axpy = getattr(lib, f"scipy_cblas_{char}axpy64_")
        axpy.argtypes, axpy.restype = (n, scalar, ptr, n, ptr, n), None
        axpby = getattr(lib, f"scipy_cblas_{char}axpby64_")
        axpby.argtypes, axpby.restype = (n, scalar, ptr, n, scalar, ptr, n), None
        scal = getattr(lib, f"scipy_cblas_{char}scal64_")
        scal.argtypes, scal.restype = (n, scalar, ptr, n), None
        found[dtype] = (axpy, axpby, scal)
    return found


@contextlib.contextmanager
def blas_threads(n: int) -> Iterator[None]:
    """Run the block with NumPy's OpenBLAS limited to ``n`` threads, then restore the count.

    The count is process-wide.  ``nn.DataParallel`` runs one chunk of the batch per
    core, each in its own thread: each BLAS call must then stay on its caller's core
    (two callers each waking OpenBLAS's 2 threads put 4 on 2 cores).  Where NumPy
    has another BLAS, nothing changes.
    """
    lib = _openblas()
    if lib is None:
        yield
        return
    before = lib.scipy_openblas_get_num_threads64_()
    lib.scipy_openblas_set_num_threads64_(ctypes.c_int(n))
    try:
        yield
    finally:
        lib.scipy_openblas_set_num_threads64_(ctypes.c_int(before))


def _blas_for(x: Any, y: Any = None) -> tuple | None:
    """The (axpy, axpby, scal) functions for ``x`` (and ``y``), or None where ufuncs must do it."""
    global _blas
    if _blas is None:
        _blas = _load_blas()
    if type(x) is not numpy.ndarray or not x.flags.c_contiguous:
        return None
    if y is not None and (type(y) is not numpy.ndarray or y.dtype != x.dtype or y.size != x.size
                          or not y.flags.c_contiguous):
        return None
    return _blas.get(x.dtype)


def _address(a: Any) -> int:
    """Where ``a``'s data starts (``a.ctypes.data`` costs 1.4 us, this 0.4 us)."""
    if a.flags.writeable:
        return ctypes.addressof(ctypes.c_char.from_buffer(a))
    return a.ctypes.data


def axpy(alpha: float, x: Any, y: Any) -> Any:
    """``y += alpha * x`` in place (same size and dtype), in one multithreaded BLAS pass where
    NumPy's own OpenBLAS is found; returns ``y``.

    Example:
        >>> import numpy
        >>> from rosenblatt._backend import axpy
        >>> axpy(2.0, numpy.ones(3, dtype="float32"), numpy.zeros(3, dtype="float32"))
        array([2., 2., 2.], dtype=float32)
    """
    blas = _blas_for(x, y)
    if blas is None:
        y += alpha * x
    elif y.size:
        blas[0](y.size, float(alpha), _address(x), 1, _address(y), 1)
    return y


def axpby(alpha: float, x: Any, beta: float, y: Any) -> Any:
    """``y = alpha * x + beta * y`` in place, one BLAS pass where found (with ``beta = 0``
    the old ``y`` is not read, as in BLAS); returns ``y``."""
    blas = _blas_for(x, y)
    if blas is None:
        if beta == 0:
            xp.multiply(x, alpha, out=y)
        else:
            y *= beta
            y += alpha * x
    elif y.size:
        blas[1](y.size, float(alpha), _address(x), 1, float(beta), _address(y), 1)
    return y


def scal(alpha: float, x: Any) -> Any:
    """``x *= alpha`` in place, through BLAS where NumPy's own OpenBLAS is found; returns ``x``."""
    blas = _blas_for(x)
    if blas is None:
        x *= alpha
    elif x.size:
        blas[2](x.size, float(alpha), _address(x), 1)
    return x
