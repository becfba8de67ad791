"""The backend's level-1 BLAS (``axpy``, ``scal``): NumPy's OpenBLAS where found, ufuncs elsewhere."""
import numpy
import pytest

from rosenblatt import _backend
from rosenblatt._backend import axpby, axpy, scal


def _uses_blas(*arrays):
    return _backend._blas_for(*arrays) is not None


def test_numpy_wheels_openblas_is_found():
    # NumPy's wheels (what `make test` installs) ship scipy-openblas: the fast path must be live.
    if numpy.__config__.CONFIG["Build Dependencies"]["blas"]["name"] != "scipy-openblas":
        pytest.fail("this NumPy was not built with scipy-openblas; the test expects NumPy's wheels")
    assert _uses_blas(numpy.ones(4, dtype=numpy.float32))
    assert _uses_blas(numpy.ones(4, dtype=numpy.float64))


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_axpy_and_scal_match_numpy(dtype):
    rng = numpy.random.default_rng(0)
    x, y = (rng.standard_normal(100_003).astype(dtype) for _ in range(2))  # odd: kernel tails
    expected = y + dtype(0.3) * x
    tol = 4 * numpy.finfo(dtype).eps  # BLAS may fuse the multiply-add: one rounding, not two
    out = axpy(0.3, x, y)
    assert out is y and y.dtype == dtype
    numpy.testing.assert_allclose(y, expected, rtol=tol, atol=tol)
    scal(-2.5, y)
    expected *= dtype(-2.5)
    numpy.testing.assert_allclose(y, expected, rtol=tol, atol=10 * tol)
    axpby(0.1, x, 0.9, y)
    numpy.testing.assert_allclose(y, dtype(0.1) * x + dtype(0.9) * expected, rtol=tol, atol=10 * tol)


def test_axpy_reads_a_read_only_array():
    x = numpy.arange(5, dtype=numpy.float32)
    x.flags.writeable = False
    y = numpy.ones(5, dtype=numpy.float32)
    assert _uses_blas(x, y)
    numpy.testing.assert_array_equal(axpy(2.0, x, y), 1 + 2 * numpy.arange(5))


def test_axpy_on_views_starts_at_the_view():
    base = numpy.zeros(10, dtype=numpy.float32)
    axpy(1.0, numpy.ones(4, dtype=numpy.float32), base[3:7])
    numpy.testing.assert_array_equal(base, [0, 0, 0, 1, 1, 1, 1, 0, 0, 0])


@pytest.mark.parametrize("case", ["float16", "strided", "mixed dtypes", "sizes differ"])
def test_other_layouts_fall_back_to_ufuncs(case):
    x = numpy.arange(6, dtype=numpy.float32)
    y = numpy.ones(6, dtype=numpy.float32)
    if case == "float16":
        x, y = x.astype(numpy.float16), y.astype(numpy.float16)
    elif case == "strided":
        x, y = numpy.arange(12, dtype=numpy.float32)[::2], y
    elif case == "mixed dtypes":
        y = y.astype(numpy.float64)
    else:
        y = y[:5]
    assert not _uses_blas(x, y)
    if case == "sizes differ":
        with pytest.raises(ValueError):
            axpy(1.0, x, y)
        return
    expected = y + 0.5 * x
    out = axpy(0.5, x, y)
    assert out is y and y.dtype == expected.dtype
    numpy.testing.assert_allclose(y, expected)
    before = y.copy()
    numpy.testing.assert_allclose(scal(3.0, y), 3 * before)
    numpy.testing.assert_allclose(axpby(2.0, x, 0.5, y), 2 * x + 1.5 * before)


def test_axpby_with_beta_zero_ignores_the_old_values():
    for y in (numpy.full(5, numpy.nan, dtype=numpy.float32), numpy.full(5, numpy.nan, dtype=numpy.float16)):
        numpy.testing.assert_array_equal(axpby(2.0, numpy.ones(5, dtype=y.dtype), 0.0, y), 2.0)


def test_empty_arrays():
    x = numpy.zeros(0, dtype=numpy.float32)
    assert axpy(1.0, x, x.copy()).size == 0
    assert scal(2.0, x).size == 0
    assert axpby(1.0, x, 2.0, x.copy()).size == 0
