"""The incomplete gamma functions, erfcx, the Hurwitz zeta, the Bessel and Airy functions and
the orthogonal polynomials of ``rosenblatt.special`` against ``torch.special``: values over wide
ranges in float64 (and float32), the boundary values (0, negative, +-inf, nan), dtypes,
broadcasting, and gradients where PyTorch has them (and its errors where it has none)."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op
from rosenblatt import _igamma
from rosenblatt.special import gammainc, gammaincc, erfcx, zeta

inf, nan = math.inf, math.nan
rng = numpy.random.default_rng(0)


def _compare(fn, ref, *arrays, rtol=1e-12, atol=0.0, dtype="float64"):
    """``fn`` against ``ref`` on the same float arrays (cast to ``dtype``), nan == nan."""
    got = fn(*[rb.tensor(numpy.asarray(a, dtype=dtype)) for a in arrays])
    want = ref(*[torch.from_numpy(numpy.asarray(a, dtype=dtype)) for a in arrays])
    assert_close(got, want, rtol=rtol, atol=atol)


def _typed(array, like):
    """``array`` as a constant tensor of ``like``'s library and dtype."""
    if isinstance(like, rb.Tensor):
        return rb.tensor(numpy.asarray(array, dtype=like.dtype))
    return torch.tensor(numpy.asarray(array), dtype=like.dtype)


def _special(x):
    return rb.special if isinstance(x, rb.Tensor) else torch.special


# ------------------------------------------------------------------ gammainc, gammaincc
A_VALUES = numpy.array([[0.3], [1.0], [2.5], [7.0]])


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_gradient_in_x(name):
    check_op([(4, 5)], lambda x: getattr(_special(x), name)(_typed(A_VALUES, x), x), positive=True, high=6.0,
             grad_rtol=1e-9)


def _wide_pairs(n=20000):
    a = numpy.concatenate([rng.uniform(0, 5, n), 10 ** rng.uniform(-3, 3, n), 10 ** rng.uniform(1, 7, n)])
    x = numpy.concatenate([rng.uniform(0, 5, n), a[n:2 * n] * rng.uniform(0, 3, n),
                           numpy.abs(a[2 * n:] * (1 + 3 * rng.standard_normal(n) / numpy.sqrt(a[2 * n:])))])
    return a, x


@pytest.mark.parametrize("ours, ref", [(gammainc, torch.special.gammainc), (gammaincc, torch.special.gammaincc)])
def test_incomplete_gamma_values(ours, ref):
    a, x = _wide_pairs()
    # all methods (series, continued fraction, Temme's expansion near x = a): PyTorch's own
    # float64 values carry ~1e-12 there (exp of a large exponent, eta^2 from log1p(s) - s)
    _compare(ours, ref, a, x, rtol=1e-11, atol=1e-300)
    small_a, small_x = rng.uniform(0, 8, 5000), rng.uniform(0, 8, 5000)
    _compare(ours, ref, small_a, small_x, rtol=5e-14, atol=1e-300)
    _compare(ours, ref, small_a, small_x, rtol=2e-5, atol=1e-6, dtype="float32")


@pytest.mark.parametrize("ours, ref", [(gammainc, torch.special.gammainc), (gammaincc, torch.special.gammaincc)])
def test_incomplete_gamma_boundaries(ours, ref):
    a = [0.0, 0.0, 0.0, 1.0, inf, inf, 1.0, -1.0, nan, 2.0, 0.5, 1e-300, 3.0]
    x = [0.0, 1.0, inf, 0.0, 1.0, inf, inf, 1.0, 1.0, nan, -1.0, 1e-300, 1e-320]
    _compare(ours, ref, a, x, rtol=1e-14)


def test_incomplete_gamma_dtypes_and_broadcasting():
    got = gammainc(rb.tensor([0.5, 2.0]), rb.tensor([[1.0], [3.0]], dtype=rb.float64))
    assert got.shape == (2, 2) and got.dtype == numpy.float64
    assert_close(got, torch.special.gammainc(torch.tensor([0.5, 2.0]), torch.tensor([[1.0], [3.0]], dtype=torch.float64)))
    assert_close(gammainc(rb.tensor([0.5, 2.0]), rb.tensor([2, 3])),
                 torch.special.gammainc(torch.tensor([0.5, 2.0]), torch.tensor([2, 3])))
    with pytest.raises(TypeError, match=r"igamma\(\): not implemented for int64"):
        gammainc(rb.tensor([1, 2]), rb.tensor([1, 2]))


@pytest.mark.parametrize("ours, ref, name", [(gammainc, torch.special.gammainc, "igamma"),
                                             (gammaincc, torch.special.gammaincc, "igammac")])
def test_incomplete_gamma_has_no_derivative_in_a(ours, ref, name):
    t = torch.tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match=f"derivative for '{name}: input' is not implemented"):
        ref(t, torch.tensor([1.0])).backward()
    a = rb.tensor([2.0], requires_grad=True)
    out = ours(a, rb.tensor([1.0]))
    assert out.requires_grad
    with pytest.raises(NotImplementedError, match=f"derivative for '{name}: input' is not implemented.*detach"):
        out.backward()


def test_igamma_names_and_inplace():
    a, x = rb.tensor([1.0, 2.0]), rb.tensor([1.0, 1.0])
    assert_close(_igamma.igamma(a, x), torch.igamma(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0])))
    assert_close(_igamma.igammac(a, x), torch.igammac(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0])))
    y = rb.tensor([1.0, 2.0])
    assert _igamma.igamma_(y, x) is y
    assert_close(y, torch.tensor([1.0, 2.0]).igamma_(torch.tensor([1.0, 1.0])))
    z = rb.tensor([1.0, 2.0])
    _igamma.igammac_(z, x)
    assert_close(z, torch.tensor([1.0, 2.0]).igammac_(torch.tensor([1.0, 1.0])))


# ------------------------------------------------------------------ erfcx
def test_erfcx_gradient():
    check_op([(3, 4)], lambda x: _special(x).erfcx(x), low=-3.0, high=8.0)


def test_erfcx_values():
    x = numpy.concatenate([rng.uniform(-26, 60, 30000), 10 ** rng.uniform(-10, 300, 3000),
                           [0.0, -0.0, 2.0, -2.0, -6.1, -26.6, -26.7, -27.0, 50.0, 5e7, inf, -inf, nan]])
    _compare(erfcx, torch.special.erfcx, x, rtol=5e-14)
    # float32: PyTorch rounds x^2 in float32 before exp (relative error ~ x^2 * 6e-8)
    _compare(erfcx, torch.special.erfcx, x, rtol=5e-5, dtype="float32")
    assert_close(erfcx(rb.tensor([1, 2])), torch.special.erfcx(torch.tensor([1, 2])))  # int: float32


# ------------------------------------------------------------------ zeta
def test_zeta_gradient_in_q():
    check_op([(2, 3)], lambda q: _special(q).zeta(_typed([[2.5, 3.0, 4.5]], q), q), positive=True, high=5.0,
             grad_rtol=1e-9)


def test_zeta_values():
    x = numpy.concatenate([rng.uniform(1, 30, 20000), rng.integers(2, 9, 3000).astype(float), [1.0, 0.5, 2.0, 2.0]])
    q = numpy.concatenate([rng.uniform(-5, 50, 20000), rng.uniform(-6, 3, 3000), [1.0, 1.0, 0.0, -2.0]])
    _compare(zeta, torch.special.zeta, x, q, rtol=1e-13)
    _compare(zeta, torch.special.zeta, x[:5000], q[:5000], rtol=1e-5, atol=1e-37, dtype="float32")
    _compare(zeta, torch.special.zeta, [2.0, nan, 2.0, inf, 3.0], [nan, 1.0, inf, 2.0, 1e-300])


def test_zeta_numbers_and_integers():
    assert_close(zeta(rb.tensor([2.0, 4.0]), 3.5), torch.special.zeta(torch.tensor([2.0, 4.0]), 3.5))
    assert_close(zeta(2.0, rb.tensor([1.0, 2.0])), torch.special.zeta(2.0, torch.tensor([1.0, 2.0])))
    assert_close(zeta(rb.tensor([2, 3]), rb.tensor([2, 3])), torch.special.zeta(torch.tensor([2, 3]), torch.tensor([2, 3])))


def test_zeta_has_no_derivative_in_x():
    with pytest.raises(NotImplementedError, match="derivative for 'zeta' is not implemented"):
        torch.special.zeta(torch.tensor([2.0], requires_grad=True), torch.tensor([1.0])).backward()
    out = zeta(rb.tensor([2.0], requires_grad=True), rb.tensor([1.0]))
    with pytest.raises(NotImplementedError, match="derivative for 'zeta' w.r.t. x is not implemented"):
        out.backward()


# ------------------------------------------------------------------ Bessel and Airy functions
BESSEL = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
          "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
          "spherical_bessel_j0", "airy_ai"]
EDGES = [0.0, -0.0, -1.0, 1e-6, 1e-300, 0.4999, 0.5, 2.0, 2.09, -2.09, 5.0, 8.0, 8.3203353, 103.0, 104.0,
         700.0, 1e300, -1e300, inf, -inf, nan]


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_values(name):
    x = numpy.concatenate([rng.uniform(-40, 40, 20000), 10 ** rng.uniform(-8, 3, 5000),
                           -(10 ** rng.uniform(-8, 3, 5000)), EDGES])
    ours, ref = getattr(rb.special, name), getattr(torch.special, name)
    # near the zeros of J, Y and Ai the values are small differences: an absolute slack there
    _compare(ours, ref, x, rtol=1e-12, atol=1e-16)
    # PyTorch computes float32 in float32 (ours rounds the float64 value): loose near zeros
    _compare(ours, ref, x[numpy.abs(x) < 60], rtol=1e-4, atol=2e-5, dtype="float32")


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_have_no_gradient(name):
    fn = getattr(rb.special, name)
    x = rb.tensor([0.5, 1.5], requires_grad=True)
    out = fn(x)
    assert not out.requires_grad and not getattr(torch.special, name)(torch.tensor([0.5], requires_grad=True)).requires_grad
    with pytest.raises(RuntimeError):
        out.sum().backward()
    assert_close(fn(rb.tensor([1, 2])), getattr(torch.special, name)(torch.tensor([1, 2])))  # int: float32
    assert fn(rb.tensor([[1.0, 2.0]])).shape == (1, 2)


# ------------------------------------------------------------------ orthogonal polynomials
CHEBYSHEV = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
             "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
             "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w"]
POLYNOMIALS = CHEBYSHEV + ["hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
                           "legendre_polynomial_p"]


def _grid(name):
    """x and n pairs inside the range where the values stay finite."""
    if name.startswith("hermite"):
        xs, ns = numpy.linspace(-6, 6, 121), numpy.arange(-2, 60)
    elif name.startswith("laguerre"):
        xs, ns = numpy.concatenate([numpy.linspace(-3, 20, 116), [0.0]]), numpy.arange(-2, 60)
    else:
        xs = numpy.concatenate([numpy.linspace(-1.3, 1.3, 131), [-1.0, 0.0, 0.5, 1.0]])
        ns = numpy.concatenate([numpy.arange(-2, 40), [64, 100]])
    x, n = numpy.meshgrid(xs, ns)
    return x.ravel(), n.ravel().astype(float)


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_values(name):
    x, n = _grid(name)
    ours, ref = getattr(rb.special, name), getattr(torch.special, name)
    want = ref(torch.from_numpy(x), torch.from_numpy(n)).numpy()
    scale = numpy.maximum(1.0, numpy.abs(want))  # cancellation near the zeros: relative to the size
    got = ours(rb.tensor(x), rb.tensor(n)).data
    numpy.testing.assert_allclose(got / scale, want / scale, rtol=0, atol=1e-11, equal_nan=True)
    few = n <= 12  # float32, computed in float32 by PyTorch: its recurrence's rounding
    got32 = ours(rb.tensor(x[few].astype(numpy.float32)), rb.tensor(n[few].astype(numpy.float32)))
    assert got32.dtype == numpy.float32
    want32 = ref(torch.from_numpy(x[few].astype(numpy.float32)), torch.from_numpy(n[few].astype(numpy.float32)))
    numpy.testing.assert_allclose(got32.data / scale[few], want32.numpy() / scale[few], atol=1e-4, equal_nan=True)


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_degrees_and_dtypes(name):
    ours, ref = getattr(rb.special, name), getattr(torch.special, name)
    x = numpy.array([0.3, 0.3, 0.3, 1.0, -1.0, 2.0, 0.7])
    n = numpy.array([nan, inf, -inf, 2.5, -2.5, 3.7, 1e30])
    _compare(ours, ref, x, n, rtol=1e-13)
    for x_in, n_in in [([0.5, 2.0], 3), ([0.5, 2.0], 3.7), ([0.5, 2.0], [2, 3]), (2.0, [2, 3])]:
        r_x = rb.tensor(x_in) if isinstance(x_in, list) else x_in
        t_x = torch.tensor(x_in) if isinstance(x_in, list) else x_in
        r_n = rb.tensor(n_in) if isinstance(n_in, list) else n_in
        t_n = torch.tensor(n_in) if isinstance(n_in, list) else n_in
        assert_close(ours(r_x, r_n), ref(t_x, t_n), rtol=1e-6)
    assert_close(ours(rb.tensor([0.5, 2.0]), rb.tensor([2.0, 3.0], dtype=rb.float64)),
                 ref(torch.tensor([0.5, 2.0]), torch.tensor([2.0, 3.0], dtype=torch.float64)))
    assert_close(ours(rb.tensor([1, 2]), rb.tensor([2, 3])), ref(torch.tensor([1, 2]), torch.tensor([2, 3])))
    assert ours(rb.ones(3, 1), rb.tensor([1, 2])).shape == (3, 2)


def test_hermite_limits_depend_on_dtype():
    for name in ("hermite_polynomial_h", "hermite_polynomial_he"):
        ours, ref = getattr(rb.special, name), getattr(torch.special, name)
        for dtype, torch_dtype in [(rb.float32, torch.float32), (rb.float64, torch.float64)]:
            n = [128.0, 129.0, 512.0, 513.0]
            assert_close(ours(rb.tensor([0.1] * 4, dtype=dtype), rb.tensor(n, dtype=dtype)),
                         ref(torch.tensor([0.1] * 4, dtype=torch_dtype), torch.tensor(n, dtype=torch_dtype)), rtol=1e-4)


def test_recurrences_that_overflow_end_in_nan_as_torch():
    x = numpy.array([3.0, -3.0, 1.5])
    for name in ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "legendre_polynomial_p"]:
        got = getattr(rb.special, name)(rb.tensor(x), 2000).data
        want = getattr(torch.special, name)(torch.from_numpy(x), 2000).numpy()
        numpy.testing.assert_array_equal(numpy.isnan(got), numpy.isnan(want))


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials_have_no_gradient(name):
    out = getattr(rb.special, name)(rb.tensor([0.5], requires_grad=True), rb.tensor([3.0], requires_grad=True))
    assert not out.requires_grad
    assert not getattr(torch.special, name)(torch.tensor([0.5], requires_grad=True), 3).requires_grad
    with pytest.raises(RuntimeError):
        out.sum().backward()


def test_igamma_is_wired_as_torch_top_level_and_methods():
    a = numpy.array([0.5, 1.0, 3.0, 7.5])
    x = numpy.array([0.2, 1.5, 2.0, 9.0])
    for name in ("igamma", "igammac"):
        want = getattr(torch, name)(torch.tensor(a), torch.tensor(x)).numpy()
        assert_close(getattr(rb, name)(rb.tensor(a), rb.tensor(x)), want)
        assert_close(getattr(rb.tensor(a), name)(rb.tensor(x)), want)
        t = rb.tensor(a)
        assert getattr(t, name + "_")(rb.tensor(x)) is t
        assert_close(t, want)
