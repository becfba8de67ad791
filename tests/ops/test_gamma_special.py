"""The gamma family, Bessel I0/I1, sinc and ``rosenblatt.special`` against PyTorch (torch.special)."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op, to_torch
from rosenblatt.ops import gamma

inf, nan = math.inf, math.nan


# ------------------------------------------------------------------ check_op: values, gradients, gradcheck
#: op, its torch twin, and an input range inside the domain and away from the poles
DIFFERENTIABLE = {
    "lgamma": (gamma.lgamma, torch.lgamma, 0.1, 6.0),
    "lgamma_negative": (gamma.lgamma, torch.lgamma, -2.9, -2.1),
    "digamma": (gamma.digamma, torch.digamma, 0.1, 12.0),
    "digamma_negative": (gamma.digamma, torch.digamma, -0.9, -0.1),
    "polygamma1": (lambda x: gamma.polygamma(1, x), lambda x: torch.polygamma(1, x), 0.2, 15.0),
    "polygamma2": (lambda x: gamma.polygamma(2, x), lambda x: torch.polygamma(2, x), 0.2, 15.0),
    "polygamma3_negative": (lambda x: gamma.polygamma(3, x), lambda x: torch.polygamma(3, x), -1.8, -1.2),
    "mvlgamma": (lambda x: gamma.mvlgamma(x, 3), lambda x: torch.mvlgamma(x, 3), 1.1, 5.0),
    "i0": (gamma.i0, torch.i0, -6.0, 6.0),
    "i0e": (gamma.i0e, torch.special.i0e, -25.0, 25.0),
    "i1": (gamma.i1, torch.special.i1, -6.0, 6.0),
    "i1e": (gamma.i1e, torch.special.i1e, -25.0, 25.0),
    "sinc": (gamma.sinc, torch.sinc, -3.0, 3.0),
    "entr": (rb.special.entr, torch.special.entr, 0.05, 3.0),
    "ndtr": (rb.special.ndtr, torch.special.ndtr, -4.0, 4.0),
    "ndtri": (rb.special.ndtri, torch.special.ndtri, 0.02, 0.98),
    "log_ndtr": (rb.special.log_ndtr, torch.special.log_ndtr, -12.0, 6.0),
}


@pytest.mark.parametrize("shapes", [[(3, 4)], [()], [(2, 3, 2)]])
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_against_torch(name, shapes):
    fn, ref, low, high = DIFFERENTIABLE[name]
    check_op(shapes, fn, ref, low=low, high=high, grad_rtol=1e-8)


def test_xlog1py():
    check_op([(3, 4), (4,)], rb.special.xlog1py, torch.special.xlog1py, low=-0.9, high=2.0)
    x = numpy.array([0.0, 0.0, 2.0, 0.0, -1.5])
    y = numpy.array([-1.0, nan, -1.0, 3.0, 0.5])
    check_op(None, rb.special.xlog1py, torch.special.xlog1py, inputs=[x, y], gradcheck=False)


def test_sinc_gradient_at_zero():
    check_op(None, gamma.sinc, torch.sinc, inputs=[numpy.array([0.0, 1.0, -2.0, 0.25])], gradcheck=False)


def test_bessel_gradient_at_zero():
    x = numpy.array([0.0, 1e-3, -0.5])
    for fn, ref in [(gamma.i1, torch.special.i1), (gamma.i1e, torch.special.i1e), (gamma.i0e, torch.special.i0e)]:
        check_op(None, fn, ref, inputs=[x], gradcheck=False)


# ------------------------------------------------------------------ dense grids in float64
def _grid(low, high, n=20001, offset=1e-7):
    return numpy.linspace(low, high, n) + offset  # the offset keeps the grid off the integers


def _compare(got, want, rtol, atol=0.0):
    numpy.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("name, fn, ref, x, rtol, atol", [
    # lgamma: 1e-13 relative except beside its zeros below 0, where glibc's and ours both lose
    # digits (the absolute error there stays under 1e-14)
    ("lgamma", gamma.lgamma, torch.lgamma, numpy.concatenate([_grid(-30, 40), numpy.geomspace(1e-300, 1e300, 3000)]),
     1e-13, 1e-14),
    ("digamma", gamma.digamma, torch.digamma, numpy.concatenate([_grid(-30, 40), numpy.geomspace(1e-300, 1e300, 3000)]),
     2e-13, 1e-15),
    # PyTorch's trigamma truncates its asymptotic series after B_6: it is off by up to 5e-10
    # relative (ours is within 1e-15 of mpmath: see test_trigamma_is_exact)
    ("polygamma1", lambda x: gamma.polygamma(1, x), lambda x: torch.polygamma(1, x), _grid(-30, 40), 1e-9, 0.0),
    ("polygamma2", lambda x: gamma.polygamma(2, x), lambda x: torch.polygamma(2, x), _grid(-30, 40), 1e-12, 1e-13),
    ("polygamma4", lambda x: gamma.polygamma(4, x), lambda x: torch.polygamma(4, x), _grid(-30, 40), 1e-12, 1e-13),
    ("i0", gamma.i0, torch.i0, _grid(-700, 700), 1e-14, 0.0),
    ("i0e", gamma.i0e, torch.special.i0e, numpy.concatenate([_grid(-60, 60), numpy.geomspace(1e-300, 1e300, 3000)]),
     1e-14, 0.0),
    ("i1", gamma.i1, torch.special.i1, _grid(-700, 700), 1e-14, 0.0),
    ("i1e", gamma.i1e, torch.special.i1e, numpy.concatenate([_grid(-60, 60), numpy.geomspace(1e-300, 1e300, 3000)]),
     1e-14, 0.0),
    ("sinc", gamma.sinc, torch.sinc, _grid(-50, 50), 1e-13, 1e-16),
    ("ndtri", rb.special.ndtri, torch.special.ndtri, numpy.concatenate([numpy.geomspace(1e-300, 0.5, 3000),
                                                                       1 - numpy.geomspace(1e-16, 0.5, 3000)]),
     1e-13, 0.0),
    ("log_ndtr", rb.special.log_ndtr, torch.special.log_ndtr, _grid(-1e3, 30), 1e-13, 0.0),
])
def test_dense_grid_float64(name, fn, ref, x, rtol, atol):
    _compare(fn(rb.tensor(x)).numpy(), ref(torch.from_numpy(x)).numpy(), rtol, atol)


def test_trigamma_is_exact():
    """zeta(2, x) at points with known values: pi^2 / 6 at 1, pi^2 / 2 at 1/2, 4 G at 1/4 - pi^2."""
    x = rb.tensor([1.0, 0.5, 2.0, 0.25], dtype=rb.float64)
    catalan = 0.915965594177219015
    want = [math.pi ** 2 / 6, math.pi ** 2 / 2, math.pi ** 2 / 6 - 1, math.pi ** 2 + 8 * catalan]
    numpy.testing.assert_allclose(gamma.polygamma(1, x).numpy(), want, rtol=2e-15)


def test_lgamma_exact_values():
    x = rb.tensor([1.0, 2.0, 0.5, 10.0, 1.5], dtype=rb.float64)
    want = [0.0, 0.0, math.log(math.pi) / 2, math.log(362880.0), math.lgamma(1.5)]
    numpy.testing.assert_allclose(gamma.lgamma(x).numpy(), want, rtol=4e-15, atol=0)


# ------------------------------------------------------------------ poles and special values
SPECIAL = numpy.array([0.0, -0.0, -1.0, -2.0, -7.0, 1.0, inf, -inf, nan, 1e-300, -1e-300, 1e300, 170.5])


@pytest.mark.parametrize("fn, ref", [
    (gamma.lgamma, torch.lgamma), (gamma.digamma, torch.digamma),
    (lambda x: gamma.polygamma(1, x), lambda x: torch.polygamma(1, x)),
    (lambda x: gamma.polygamma(2, x), lambda x: torch.polygamma(2, x)),
    (lambda x: gamma.polygamma(3, x), lambda x: torch.polygamma(3, x)),
    (gamma.i0, torch.i0), (gamma.i0e, torch.special.i0e), (gamma.i1, torch.special.i1),
    (gamma.i1e, torch.special.i1e), (gamma.sinc, torch.sinc), (rb.special.entr, torch.special.entr),
])
def test_poles_and_special_values(fn, ref):
    got, want = fn(rb.tensor(SPECIAL)).numpy(), ref(torch.from_numpy(SPECIAL)).numpy()
    numpy.testing.assert_array_equal(numpy.isnan(got), numpy.isnan(want))
    numpy.testing.assert_array_equal(numpy.isposinf(got), numpy.isposinf(want))
    numpy.testing.assert_array_equal(numpy.isneginf(got), numpy.isneginf(want))
    finite = numpy.isfinite(want)
    numpy.testing.assert_allclose(got[finite], want[finite], rtol=1e-9)


def test_ndtri_and_log_ndtr_ends():
    p = numpy.array([0.0, 1.0, -0.5, 1.5, 0.5, nan])
    assert_close(rb.special.ndtri(rb.tensor(p)), torch.special.ndtri(torch.from_numpy(p)))
    x = numpy.array([-inf, inf, -1e5, 0.0, nan])
    assert_close(rb.special.log_ndtr(rb.tensor(x)), torch.special.log_ndtr(torch.from_numpy(x)))


# ------------------------------------------------------------------ dtypes
@pytest.mark.parametrize("fn, ref", [
    (gamma.lgamma, torch.lgamma), (gamma.digamma, torch.digamma),
    (lambda x: gamma.polygamma(2, x), lambda x: torch.polygamma(2, x)), (gamma.i0, torch.i0),
    (gamma.sinc, torch.sinc), (rb.special.i1, torch.special.i1), (rb.special.i0e, torch.special.i0e),
    (rb.special.i1e, torch.special.i1e), (rb.special.entr, torch.special.entr),
    (rb.special.ndtr, torch.special.ndtr), (rb.special.log_ndtr, torch.special.log_ndtr),
])
def test_integer_input_gives_float32(fn, ref):
    x = numpy.array([1, 2, 3, 7], dtype=numpy.int64)
    out = fn(rb.tensor(x))
    assert out.dtype == rb.float32
    assert_close(out, ref(torch.from_numpy(x)))


@pytest.mark.parametrize("fn", [gamma.lgamma, gamma.digamma, lambda x: gamma.polygamma(1, x), gamma.i0,
                                gamma.sinc, rb.special.i1e, rb.special.ndtri])
def test_float32_stays_float32(fn):
    x = rb.tensor([0.3, 0.7, 2.5])
    assert fn(x).dtype == rb.float32


# ------------------------------------------------------------------ methods, in place, errors
def test_tensor_methods():
    x = numpy.array([0.5, 1.5, 4.0])
    t = torch.from_numpy(x)
    for name in ["lgamma", "digamma", "i0", "sinc"]:
        assert_close(getattr(rb.tensor(x), name)(), getattr(t, name)())
        inplace = rb.tensor(x)
        assert getattr(inplace, f"{name}_")() is inplace
        assert_close(inplace, getattr(t.clone(), f"{name}_")())
    assert_close(rb.tensor(x).polygamma(2), t.polygamma(2))
    assert_close(rb.tensor(x).mvlgamma(1), t.mvlgamma(1))
    y = rb.tensor(x)
    y.polygamma_(3)
    assert_close(y, t.clone().polygamma_(3))
    z = rb.tensor(x + 1)
    z.mvlgamma_(2)
    assert_close(z, (t + 1).mvlgamma_(2))


def test_bad_arguments_raise():
    x = rb.tensor([2.0, 3.0])
    with pytest.raises(ValueError, match="polygamma"):
        gamma.polygamma(-1, x)
    with pytest.raises(ValueError, match="polygamma"):
        gamma.polygamma(1.5, x)
    with pytest.raises(ValueError, match="mvlgamma"):
        gamma.mvlgamma(x, 0)
    with pytest.raises(ValueError, match="mvlgamma"):
        gamma.mvlgamma(rb.tensor([0.5]), 3)
    with pytest.raises(TypeError, match="mvlgamma"):
        gamma.mvlgamma(rb.tensor([3, 4]), 2)


def test_top_level_names():
    for name in ["lgamma", "digamma", "polygamma", "mvlgamma", "i0", "sinc"]:
        assert getattr(rb, name) is getattr(gamma, name)


# ------------------------------------------------------------------ rosenblatt.special against torch.special
UNARY_SPECIAL = {"erf": (-3, 3), "erfc": (-3, 3), "erfinv": (-0.9, 0.9), "expit": (-4, 4), "logit": (0.05, 0.95),
                 "exp2": (-3, 3), "expm1": (-2, 2), "log1p": (-0.5, 3), "gammaln": (0.2, 8), "digamma": (0.2, 8),
                 "psi": (0.2, 8), "i0": (-5, 5), "i0e": (-5, 5), "i1": (-5, 5), "i1e": (-5, 5), "sinc": (-2, 2),
                 "entr": (0.05, 3), "ndtr": (-3, 3), "ndtri": (0.05, 0.95), "log_ndtr": (-8, 3)}


@pytest.mark.parametrize("name", UNARY_SPECIAL)
def test_special_unary(name):
    low, high = UNARY_SPECIAL[name]
    check_op([(2, 5)], getattr(rb.special, name), getattr(torch.special, name), low=low, high=high,
             grad_rtol=1e-8)


def test_special_with_arguments():
    s, ts = rb.special, torch.special
    check_op([(3, 4), (4,)], s.xlogy, ts.xlogy, positive=(False, True))
    check_op([(3, 4), (4,)], s.xlog1py, ts.xlog1py, positive=(False, True))
    check_op([(3,)], lambda x: s.polygamma(2, x), lambda x: ts.polygamma(2, x), low=0.3, high=5)
    check_op([(3,)], lambda x: s.multigammaln(x, 2), lambda x: ts.multigammaln(x, 2), low=0.6, high=5)
    check_op([(3, 4)], lambda x: s.logsumexp(x, 1), lambda x: ts.logsumexp(x, 1))
    check_op([(3, 4)], lambda x: s.logsumexp(x, (0, 1), keepdim=True), lambda x: ts.logsumexp(x, (0, 1), keepdim=True))
    check_op([(3, 4)], lambda x: s.softmax(x, 0), lambda x: ts.softmax(x, 0))
    check_op([(3, 4)], lambda x: s.log_softmax(x, -1), lambda x: ts.log_softmax(x, -1))
    check_op([(3, 4)], lambda x: s.logit(x, eps=0.1), lambda x: ts.logit(x, eps=0.1), low=0.0, high=1.0)
    check_op([(3, 4)], s.round, ts.round, low=-5, high=5)
    check_op([(3, 4)], lambda x: s.round(x, decimals=1), lambda x: ts.round(x, decimals=1), low=-5, high=5)


def test_special_names_match_torch():
    ours = set(rb.special.__all__)
    for name in ours:
        assert callable(getattr(rb.special, name)) and hasattr(torch.special, name), name
    assert len(ours) == 56


def test_special_loads_lazily():
    import subprocess
    import sys
    code = "import sys, rosenblatt; a = 'rosenblatt.special' in sys.modules; rosenblatt.special.psi; print(a)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
