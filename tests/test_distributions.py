"""rosenblatt.distributions against torch.distributions: values and gradients (float64 tight,
float32 dtype kept), shapes, broadcasting, sampling statistics, validation and expand."""
from __future__ import annotations

import math

import numpy
import pytest
import torch
import torch.distributions as td

import rosenblatt as rb
import rosenblatt.distributions as D
from tests.helpers import assert_close, to_torch

RNG = numpy.random.default_rng(0)


def _positive(*shape):
    return RNG.uniform(0.5, 2.5, size=shape)


def _normal(*shape):
    return RNG.standard_normal(shape)


def _spd(*shape, k=3):
    a = RNG.standard_normal(shape + (k, k))
    return a @ numpy.swapaxes(a, -1, -2) + k * numpy.eye(k)


def _lower(*shape, k=3):
    lower = numpy.tril(RNG.standard_normal(shape + (k, k)), -1)
    return lower + numpy.eye(k) * RNG.uniform(0.5, 2.0, size=shape + (k, 1))


def compare(rb_make, torch_make, params, fn, *, grad=True, atol=None, rtol=None, grad_atol=None):
    """``fn(dist, wrap)`` on both libraries (``wrap`` makes a tensor of the parameters' dtype),
    float32 (values, dtype) and float64 (values, and the parameters' gradients under a random
    upstream gradient)."""
    for dtype in ("float32", "float64"):
        with_grad = grad and dtype == "float64"
        arrays = [numpy.asarray(p).astype(dtype) for p in params]
        rp = [rb.Tensor(a.copy(), requires_grad=with_grad) for a in arrays]
        tp = [to_torch(a, requires_grad=with_grad) for a in arrays]
        r = fn(rb_make(*rp), lambda a: rb.Tensor(numpy.asarray(a).astype(
            dtype if numpy.asarray(a).dtype.kind == "f" else numpy.asarray(a).dtype)))
        t = fn(torch_make(*tp), lambda a: torch.from_numpy(numpy.asarray(a).astype(
            dtype if numpy.asarray(a).dtype.kind == "f" else numpy.asarray(a).dtype)))
        assert_close(r, t, atol=atol, rtol=rtol, what=f"{dtype} value")
        if not with_grad or not t.requires_grad:
            continue
        assert r.requires_grad
        upstream = RNG.standard_normal(tuple(t.shape))
        t.backward(torch.from_numpy(upstream))
        r.backward(rb.Tensor(upstream))
        for i, (a, b) in enumerate(zip(rp, tp)):
            want = torch.zeros_like(b) if b.grad is None else b.grad
            got = rb.zeros_like(a) if a.grad is None else a.grad
            assert_close(got, want, atol=grad_atol, what=f"grad of parameter {i}")


STATS = {
    "log_prob": None, "entropy": lambda d, w: d.entropy(), "mean": lambda d, w: d.mean,
    "variance": lambda d, w: d.variance, "stddev": lambda d, w: d.stddev, "mode": lambda d, w: d.mode,
}

# name: (rosenblatt maker, torch maker, parameter arrays, a value array, method names)
UNIVARIATE = {
    "normal": (D.Normal, td.Normal, [_normal(2, 3), _positive(3)], _normal(2, 3),
               ["log_prob", "entropy", "mean", "variance", "stddev", "mode", "cdf", "icdf"]),
    "laplace": (D.Laplace, td.Laplace, [_normal(2, 3), _positive(3)], _normal(4, 1, 3),
                ["log_prob", "entropy", "mean", "variance", "stddev", "mode", "cdf", "icdf"]),
    "exponential": (D.Exponential, td.Exponential, [_positive(4)], _positive(2, 4),
                    ["log_prob", "entropy", "mean", "variance", "stddev", "mode", "cdf", "icdf"]),
    "uniform": (lambda lo, w: D.Uniform(lo, lo + w), lambda lo, w: td.Uniform(lo, lo + w),
                [_normal(3), _positive(2, 3)], None,
                ["log_prob", "entropy", "mean", "variance", "stddev", "cdf", "icdf"]),
    "gamma": (D.Gamma, td.Gamma, [_positive(2, 3), _positive(3)], _positive(2, 3),
              ["log_prob", "entropy", "mean", "variance", "stddev", "mode"]),
    "beta": (D.Beta, td.Beta, [_positive(2, 3) + 1, _positive(3) + 1], RNG.uniform(0.05, 0.95, (2, 3)),
             ["log_prob", "entropy", "mean", "variance", "stddev", "mode"]),
    "poisson": (D.Poisson, td.Poisson, [_positive(3) * 3], numpy.array([[0.0, 2.0, 5.0], [1.0, 3.0, 0.0]]),
                ["log_prob", "mean", "variance", "stddev", "mode"]),
    "bernoulli_probs": (lambda p: D.Bernoulli(probs=p), lambda p: td.Bernoulli(probs=p),
                        [numpy.array([0.1, 0.3, 0.8, 0.95])], numpy.array([[1.0, 0.0, 1.0, 0.0]]),
                        ["log_prob", "entropy", "mean", "variance", "stddev", "mode"]),
    "bernoulli_logits": (lambda l: D.Bernoulli(logits=l), lambda l: td.Bernoulli(logits=l),
                         [_normal(2, 3)], numpy.array([1.0, 0.0, 1.0]),
                         ["log_prob", "entropy", "mean", "variance", "stddev", "mode"]),
}


def _method(name, value):
    if name == "log_prob":
        return lambda d, w: d.log_prob(w(value))
    if name == "cdf":
        return lambda d, w: d.cdf(w(value))
    if name == "icdf":
        return lambda d, w: d.icdf(w(numpy.linspace(0.05, 0.95, math.prod(d.batch_shape)).reshape(d.batch_shape)))
    return STATS[name]


@pytest.mark.parametrize("family", list(UNIVARIATE))
def test_univariate_values_and_gradients(family):
    rb_make, torch_make, params, value, methods = UNIVARIATE[family]
    if family == "uniform":  # inside [low, high)
        value = params[0] + params[1] * numpy.array([[0.1], [0.7]])
    for name in methods:
        if family == "uniform" and name == "icdf":
            fn = lambda d, w: d.icdf(w(numpy.full((2, 3), 0.3)))  # noqa: E731
        else:
            fn = _method(name, value)
        compare(rb_make, torch_make, params, fn)


def test_uniform_log_prob_outside_support_is_minus_inf():
    d = D.Uniform(rb.tensor([0.0, 0.0]), rb.tensor([1.0, 1.0]), validate_args=False)
    out = d.log_prob(rb.tensor([0.5, 1.5]))
    t = td.Uniform(torch.tensor([0.0, 0.0]), torch.tensor([1.0, 1.0]), validate_args=False)
    assert_close(out, t.log_prob(torch.tensor([0.5, 1.5])))
    assert numpy.isnan(d.mode.numpy()).all()


def test_bernoulli_mode_at_one_half_is_nan_and_kl_extremes():
    assert numpy.isnan(D.Bernoulli(probs=rb.tensor(0.5)).mode.item())
    p = rb.tensor([0.0, 1.0, 0.3, 0.3])
    q = rb.tensor([0.5, 0.5, 0.0, 1.0])
    want = td.kl_divergence(td.Bernoulli(probs=to_torch(p)), td.Bernoulli(probs=to_torch(q)))
    assert_close(D.kl_divergence(D.Bernoulli(probs=p), D.Bernoulli(probs=q)), want)


@pytest.mark.parametrize("by", ["probs", "logits"])
def test_categorical(by):
    param = _positive(2, 4) if by == "probs" else _normal(2, 4)
    value = numpy.array([[0, 3], [2, 2], [1, 0]])[..., :2]
    make_rb = lambda x: D.Categorical(**{by: x})  # noqa: E731
    make_torch = lambda x: td.Categorical(**{by: x})  # noqa: E731
    for fn in (lambda d, w: d.log_prob(w(value)), lambda d, w: d.entropy(), lambda d, w: d.probs,
               lambda d, w: d.logits, lambda d, w: d.mode, lambda d, w: d.mean, lambda d, w: d.variance):
        compare(make_rb, make_torch, [param], fn)
    d = make_rb(rb.tensor(param.astype("float32")))
    assert d.batch_shape == (2,) and d.event_shape == () and d.support.upper_bound == 3


def test_categorical_zero_probability_entropy_and_kl():
    p, q = numpy.array([0.0, 0.5, 0.5]), numpy.array([0.2, 0.0, 0.8])
    compare(lambda x: D.Categorical(probs=x), lambda x: td.Categorical(probs=x), [p], lambda d, w: d.entropy())
    compare(lambda a, b: D.kl_divergence(D.Categorical(a), D.Categorical(b)),
            lambda a, b: td.kl_divergence(td.Categorical(a), td.Categorical(b)), [p, q], lambda d, w: d)


def test_one_hot_categorical():
    param = _positive(2, 3)
    value = numpy.eye(3)[[[0, 2], [1, 1]]]  # (2, 2, 3)
    for fn in (lambda d, w: d.log_prob(w(value)), lambda d, w: d.entropy(), lambda d, w: d.mean,
               lambda d, w: d.variance, lambda d, w: d.mode):
        compare(lambda x: D.OneHotCategorical(probs=x), lambda x: td.OneHotCategorical(probs=x), [param], fn)
    d = D.OneHotCategorical(logits=rb.zeros(2, 3))
    assert d.batch_shape == (2,) and d.event_shape == (3,)
    x = d.sample((5,), generator=rb.Generator(0))
    assert x.shape == (5, 2, 3) and x.dtype == rb.float32 and (x.sum(-1) == 1).all().item()


MVN_PARAMS = {
    "covariance_matrix": lambda: _spd(),
    "precision_matrix": lambda: _spd(),
    "scale_tril": lambda: _lower(2, 1),
}


@pytest.mark.parametrize("by", list(MVN_PARAMS))
def test_multivariate_normal(by):
    loc, matrix, value = _normal(2, 3), MVN_PARAMS[by](), _normal(4, 1, 1, 3)
    make_rb = lambda m, s: D.MultivariateNormal(m, **{by: s})  # noqa: E731
    make_torch = lambda m, s: td.MultivariateNormal(m, **{by: s})  # noqa: E731
    for fn in (lambda d, w: d.log_prob(w(value)), lambda d, w: d.entropy(), lambda d, w: d.mean,
               lambda d, w: d.variance, lambda d, w: d.stddev, lambda d, w: d.mode,
               lambda d, w: d.covariance_matrix, lambda d, w: d.precision_matrix, lambda d, w: d.scale_tril):
        compare(make_rb, make_torch, [loc, matrix], fn, grad_atol=1e-9)
    d = make_rb(rb.tensor(loc.astype("float32")), rb.tensor(matrix.astype("float32")))
    assert d.batch_shape == ((2, 2) if by == "scale_tril" else (2,)) and d.event_shape == (3,)
    assert d.log_prob(rb.zeros(3)).dtype == rb.float32


def test_independent():
    loc, scale, value = _normal(2, 3), _positive(2, 3), _normal(5, 2, 3)
    make_rb = lambda m, s: D.Independent(D.Normal(m, s), 1)  # noqa: E731
    make_torch = lambda m, s: td.Independent(td.Normal(m, s), 1)  # noqa: E731
    for fn in (lambda d, w: d.log_prob(w(value)), lambda d, w: d.entropy(), lambda d, w: d.mean,
               lambda d, w: d.variance):
        compare(make_rb, make_torch, [loc, scale], fn)
    d = make_rb(rb.zeros(2, 3), rb.ones(2, 3))
    assert (d.batch_shape, d.event_shape) == ((2,), (3,))
    assert d.has_rsample and d.rsample((4,)).shape == (4, 2, 3)
    with pytest.raises(ValueError, match="Expected reinterpreted_batch_ndims <= len"):
        D.Independent(D.Normal(rb.zeros(2), rb.ones(2)), 2)


KL_PAIRS = {
    "normal": (lambda a, b, c, e: (D.Normal(a, b), D.Normal(c, e)),
               lambda a, b, c, e: (td.Normal(a, b), td.Normal(c, e)),
               [_normal(2, 3), _positive(3), _normal(3), _positive(2, 3)]),
    "laplace": (lambda a, b, c, e: (D.Laplace(a, b), D.Laplace(c, e)),
                lambda a, b, c, e: (td.Laplace(a, b), td.Laplace(c, e)),
                [_normal(3), _positive(3), _normal(3), _positive(3)]),
    "exponential": (lambda a, b: (D.Exponential(a), D.Exponential(b)),
                    lambda a, b: (td.Exponential(a), td.Exponential(b)), [_positive(3), _positive(2, 3)]),
    "gamma": (lambda a, b, c, e: (D.Gamma(a, b), D.Gamma(c, e)),
              lambda a, b, c, e: (td.Gamma(a, b), td.Gamma(c, e)),
              [_positive(3), _positive(3), _positive(3), _positive(3)]),
    "beta": (lambda a, b, c, e: (D.Beta(a, b), D.Beta(c, e)), lambda a, b, c, e: (td.Beta(a, b), td.Beta(c, e)),
             [_positive(3), _positive(3), _positive(3), _positive(3)]),
    "poisson": (lambda a, b: (D.Poisson(a), D.Poisson(b)), lambda a, b: (td.Poisson(a), td.Poisson(b)),
                [_positive(3), _positive(3)]),
    "bernoulli": (lambda a, b: (D.Bernoulli(probs=a), D.Bernoulli(logits=b)),
                  lambda a, b: (td.Bernoulli(probs=a), td.Bernoulli(logits=b)),
                  [RNG.uniform(0.1, 0.9, 3), _normal(3)]),
    "categorical": (lambda a, b: (D.Categorical(a), D.Categorical(logits=b)),
                    lambda a, b: (td.Categorical(a), td.Categorical(logits=b)), [_positive(2, 4), _normal(4)]),
    "one_hot": (lambda a, b: (D.OneHotCategorical(a), D.OneHotCategorical(logits=b)),
                lambda a, b: (td.OneHotCategorical(a), td.OneHotCategorical(logits=b)),
                [_positive(2, 4), _normal(4)]),
    "uniform": (lambda a, b, c, e: (D.Uniform(a, a + b), D.Uniform(c, c + e)),
                lambda a, b, c, e: (td.Uniform(a, a + b), td.Uniform(c, c + e)),
                [numpy.array([0.0, 0.5]), numpy.array([1.0, 0.2]), numpy.array([-1.0, 0.4]),
                 numpy.array([3.0, 2.0])]),
    "mvn": (lambda a, b, c, e: (D.MultivariateNormal(a, b), D.MultivariateNormal(c, scale_tril=e)),
            lambda a, b, c, e: (td.MultivariateNormal(a, b), td.MultivariateNormal(c, scale_tril=e)),
            [_normal(2, 3), _spd(), _normal(3), _lower(2)]),
    "independent": (lambda a, b, c, e: (D.Independent(D.Normal(a, b), 1), D.Independent(D.Normal(c, e), 1)),
                    lambda a, b, c, e: (td.Independent(td.Normal(a, b), 1), td.Independent(td.Normal(c, e), 1)),
                    [_normal(2, 3), _positive(2, 3), _normal(3), _positive(3)]),
    "uniform_normal": (lambda a, b, c, e: (D.Uniform(a, a + b), D.Normal(c, e)),
                       lambda a, b, c, e: (td.Uniform(a, a + b), td.Normal(c, e)),
                       [_normal(3), _positive(3), _normal(3), _positive(3)]),
    "uniform_exponential": (lambda a, b, c: (D.Uniform(a, a + b), D.Exponential(c)),
                            lambda a, b, c: (td.Uniform(a, a + b), td.Exponential(c)),
                            [numpy.array([-0.5, 0.5, 1.0]), _positive(3), _positive(3)]),
    "exponential_normal": (lambda a, c, e: (D.Exponential(a), D.Normal(c, e)),
                           lambda a, c, e: (td.Exponential(a), td.Normal(c, e)),
                           [_positive(3), _normal(3), _positive(3)]),
    "normal_laplace": (lambda a, b, c, e: (D.Normal(a, b), D.Laplace(c, e)),
                       lambda a, b, c, e: (td.Normal(a, b), td.Laplace(c, e)),
                       [_normal(3), _positive(3), _normal(3), _positive(3)]),
}


@pytest.mark.parametrize("pair", list(KL_PAIRS))
def test_kl_divergence(pair):
    rb_make, torch_make, params = KL_PAIRS[pair]
    compare(lambda *a: D.kl_divergence(*rb_make(*a)), lambda *a: td.kl_divergence(*torch_make(*a)), params,
            lambda kl, w: kl, grad_atol=1e-9)


def test_kl_not_implemented_and_register_kl():
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Poisson(rb.tensor(1.0)), D.Normal(rb.tensor(0.0), rb.tensor(1.0)))

    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return p.loc * 0 + 42

    p, q = MyNormal(rb.tensor(0.0), 1.0), D.Normal(rb.tensor(1.0), 1.0)
    assert D.kl_divergence(p, q).item() == 42
    assert D.kl_divergence(q, p).item() == 0.5  # (Normal, Normal) still serves the other order
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


# ------------------------------------------------------------------ shapes, sampling
SAMPLERS = {
    "normal": (lambda: D.Normal(rb.tensor([1.0, -2.0]), rb.tensor([0.5, 2.0])), [1.0, -2.0], [0.25, 4.0]),
    "laplace": (lambda: D.Laplace(rb.tensor([1.0, -2.0]), rb.tensor([0.5, 2.0])), [1.0, -2.0], [0.5, 8.0]),
    "uniform": (lambda: D.Uniform(rb.tensor([0.0, -2.0]), rb.tensor([1.0, 4.0])), [0.5, 1.0], [1 / 12, 3.0]),
    "exponential": (lambda: D.Exponential(rb.tensor([1.0, 4.0])), [1.0, 0.25], [1.0, 1 / 16]),
    "gamma": (lambda: D.Gamma(rb.tensor([0.5, 3.0]), rb.tensor([1.0, 2.0])), [0.5, 1.5], [0.5, 0.75]),
    "beta": (lambda: D.Beta(rb.tensor([0.5, 3.0]), rb.tensor([2.0, 2.0])), [0.2, 0.6], [0.0457, 0.04]),
    "poisson": (lambda: D.Poisson(rb.tensor([0.5, 7.0])), [0.5, 7.0], [0.5, 7.0]),
    "bernoulli": (lambda: D.Bernoulli(logits=rb.tensor([-1.0, 2.0])), None, None),
    "categorical": (lambda: D.Categorical(probs=rb.tensor([[0.2, 0.3, 0.5], [0.6, 0.0, 0.4]])), [1.3, 0.8],
                    [0.61, 0.96]),
}


@pytest.mark.parametrize("family", list(SAMPLERS))
def test_sample_shapes_moments_and_seed(family):
    make, mean, var = SAMPLERS[family]
    d = make()
    x = d.sample((40000,), generator=rb.Generator(0))
    assert x.shape == (40000,) + d.batch_shape + d.event_shape
    assert x.dtype == (rb.int64 if family == "categorical" else rb.float32)
    assert not x.requires_grad
    got = x.double().mean(0).numpy()
    if mean is None:
        mean, var = d.mean.numpy(), d.variance.numpy()
    numpy.testing.assert_allclose(got, mean, atol=0.03, rtol=0.03)
    if var is not None:
        numpy.testing.assert_allclose(x.double().var(0).numpy(), var, rtol=0.06, atol=0.005)
    assert bool(d.support.check(x).all())
    assert rb.equal(x, d.sample((40000,), generator=rb.Generator(0)))
    rb.manual_seed(3)
    a = d.sample((2, 3))
    rb.manual_seed(3)
    assert rb.equal(a, d.sample((2, 3))) and a.shape == (2, 3) + d.batch_shape
    assert d.sample().shape == d.batch_shape


def test_mvn_sample_moments():
    cov = numpy.array([[2.0, 0.6], [0.6, 1.0]])
    d = D.MultivariateNormal(rb.tensor([1.0, -1.0]), rb.tensor(cov.astype("float32")))
    x = d.sample((50000,), generator=rb.Generator(0))
    assert x.shape == (50000, 2) and x.dtype == rb.float32
    numpy.testing.assert_allclose(x.numpy().mean(0), [1.0, -1.0], atol=0.03)
    numpy.testing.assert_allclose(numpy.cov(x.numpy().T), cov, atol=0.05)


@pytest.mark.parametrize("family", ["normal", "laplace", "uniform", "exponential", "mvn"])
def test_rsample_gradients(family):
    loc = rb.tensor([0.5, -1.0], dtype=rb.float64, requires_grad=True)
    scale = rb.tensor([1.5, 0.5], dtype=rb.float64, requires_grad=True)
    if family == "exponential":
        d = D.Exponential(scale)
    elif family == "uniform":
        d = D.Uniform(loc, loc + scale)
    elif family == "mvn":
        d = D.MultivariateNormal(loc, scale_tril=rb.diag(scale))
    else:
        d = {"normal": D.Normal, "laplace": D.Laplace}[family](loc, scale)
    assert d.has_rsample
    x = d.rsample((1000,), generator=rb.Generator(1))
    assert x.requires_grad and x.shape == (1000, 2)
    x.mean(0).sum().backward()
    if family == "exponential":  # x = e / rate: dx/drate = -x / rate
        numpy.testing.assert_allclose(scale.grad.numpy(), (-x.detach() / scale.detach()).mean(0).numpy(),
                                      rtol=1e-10)
        return
    standard = (x.detach() - loc.detach()) / scale.detach()
    numpy.testing.assert_allclose(loc.grad.numpy(), [1.0, 1.0], rtol=1e-12)
    numpy.testing.assert_allclose(scale.grad.numpy(), standard.mean(0).numpy(), rtol=1e-10, atol=1e-12)


def test_no_rsample_where_not_reparameterised():
    for d in (D.Gamma(rb.tensor(2.0), rb.tensor(1.0)), D.Beta(rb.tensor(2.0), rb.tensor(1.0)),
              D.Poisson(rb.tensor(2.0)), D.Bernoulli(rb.tensor(0.3))):
        assert not d.has_rsample
        with pytest.raises(NotImplementedError):
            d.rsample()


def test_python_number_parameters_stay_float32():
    for d in (D.Normal(0.0, 1.0), D.Normal(rb.tensor([0.0]), 2.0), D.Exponential(2.0), D.Uniform(0.0, 1.0)):
        assert d.sample((3,)).dtype == rb.float32 and d.entropy().dtype == rb.float32
    assert D.Normal(0.0, 1.0).batch_shape == ()
    d = D.Normal(rb.tensor([0.0], dtype=rb.float64), 2.0)
    assert d.scale.dtype == rb.float64 and d.sample().dtype == rb.float64


def test_batch_and_event_shapes_match_torch():
    cases = [
        (D.Normal(rb.zeros(2, 1), rb.ones(3)), td.Normal(torch.zeros(2, 1), torch.ones(3))),
        (D.Categorical(logits=rb.zeros(4, 5)), td.Categorical(logits=torch.zeros(4, 5))),
        (D.MultivariateNormal(rb.zeros(4, 1, 3), scale_tril=rb.eye(3).expand(5, 3, 3)),
         td.MultivariateNormal(torch.zeros(4, 1, 3), scale_tril=torch.eye(3).expand(5, 3, 3))),
        (D.Independent(D.Normal(rb.zeros(2, 3, 4), rb.ones(4)), 2),
         td.Independent(td.Normal(torch.zeros(2, 3, 4), torch.ones(4)), 2)),
    ]
    for ours, theirs in cases:
        assert ours.batch_shape == tuple(theirs.batch_shape)
        assert ours.event_shape == tuple(theirs.event_shape)
        assert ours.sample((2,)).shape == tuple(theirs.sample((2,)).shape)
        assert ours.entropy().shape == tuple(theirs.entropy().shape)


@pytest.mark.parametrize("make", [
    lambda m: m.Normal(m_tensor(m, [0.0, 1.0]), m_tensor(m, 2.0)),
    lambda m: m.Bernoulli(probs=m_tensor(m, [0.2, 0.7])),
    lambda m: m.Categorical(logits=m_tensor(m, [[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]])),
    lambda m: m.MultivariateNormal(m_tensor(m, [[0.0, 1.0]]), m_tensor(m, [[2.0, 0.5], [0.5, 1.0]])),
    lambda m: m.Independent(m.Laplace(m_tensor(m, [[0.0, 1.0]]), m_tensor(m, 2.0)), 1),
])
def test_expand(make):
    ours, theirs = make(D).expand((4, 2)), make(td).expand((4, 2))
    assert ours.batch_shape == (4, 2) and ours.event_shape == tuple(theirs.event_shape)
    value = theirs.sample((3,))
    assert_close(ours.log_prob(rb.Tensor(value.numpy())), theirs.log_prob(value))
    assert_close(ours.entropy(), theirs.entropy())
    assert ours.sample((3,)).shape == tuple(value.shape)


def m_tensor(module, values):
    return rb.tensor(values) if module is D else torch.tensor(values)


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("make, constraint", [
    (lambda: D.Normal(rb.tensor([0.0]), rb.tensor([-1.0])), r"scale .* GreaterThan\(lower_bound=0.0\)"),
    (lambda: D.Bernoulli(probs=rb.tensor([1.5])), r"probs .* Interval\(lower_bound=0.0, upper_bound=1.0\)"),
    (lambda: D.Categorical(probs=rb.tensor([-0.5, 1.5])), r"probs .* Simplex\(\)"),
    (lambda: D.Exponential(rb.tensor(0.0)), r"rate .* GreaterThan\(lower_bound=0.0\)"),
    (lambda: D.Poisson(rb.tensor(-1.0)), r"rate .* GreaterThanEq\(lower_bound=0.0\)"),
    (lambda: D.Gamma(rb.tensor(1.0), rb.tensor(-1.0)), r"rate .* GreaterThan\(lower_bound=0.0\)"),
    (lambda: D.MultivariateNormal(rb.zeros(2), scale_tril=rb.tensor([[1.0, 1.0], [0.0, 1.0]])),
     r"scale_tril .* LowerCholesky\(\)"),
    (lambda: D.MultivariateNormal(rb.zeros(2), rb.tensor([[1.0, 2.0], [2.0, 1.0]])),
     r"covariance_matrix .* PositiveDefinite\(\)"),
])
def test_invalid_parameters_raise(make, constraint):
    with pytest.raises(ValueError, match="Expected parameter " + constraint + ", but found invalid values"):
        make()


def test_validation_of_values_and_arguments():
    d = D.Normal(rb.zeros(3), rb.ones(3))
    with pytest.raises(ValueError, match="The value argument to log_prob must be a Tensor"):
        d.log_prob(0.5)
    with pytest.raises(ValueError, match="Value is not broadcastable with batch_shape"):
        d.log_prob(rb.zeros(2))
    mvn = D.MultivariateNormal(rb.zeros(3), rb.eye(3))
    with pytest.raises(ValueError, match="The right-most size of value must match event_shape"):
        mvn.log_prob(rb.zeros(2))
    with pytest.raises(ValueError, match=r"to be within the support \(Boolean\(\)\)"):
        D.Bernoulli(probs=rb.tensor(0.3)).log_prob(rb.tensor(0.5))
    with pytest.raises(ValueError, match=r"within the support \(GreaterThanEq"):
        D.Exponential(rb.tensor(1.0)).log_prob(rb.tensor(-1.0))
    with pytest.raises(ValueError, match="Uniform is not defined when low>= high"):
        D.Uniform(rb.tensor(1.0), rb.tensor(1.0))
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both"):
        D.Categorical(probs=rb.ones(2), logits=rb.ones(2))
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix or precision_matrix or scale_tril"):
        D.MultivariateNormal(rb.zeros(2))
    with pytest.raises(ValueError, match="loc must be at least one-dimensional"):
        D.MultivariateNormal(rb.tensor(0.0), rb.eye(1))
    # validate_args=False skips both checks
    assert numpy.isnan(D.Normal(rb.tensor(0.0), rb.tensor(-1.0), validate_args=False).entropy().item())
    assert D.Exponential(rb.tensor(1.0), validate_args=False).log_prob(rb.tensor(-1.0)).item() == 1.0


def test_set_default_validate_args():
    D.Distribution.set_default_validate_args(False)
    try:
        D.Normal(rb.tensor(0.0), rb.tensor(-1.0))
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(rb.tensor(0.0), rb.tensor(-1.0))
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args(1.5)


def test_repr_and_lazy_parameters():
    d = D.Bernoulli(logits=rb.tensor([0.0, 2.0]))
    assert repr(d) == "Bernoulli(logits: (2,))"
    assert "probs" not in d.__dict__ and d.probs.shape == (2,) and "probs" in d.__dict__
    assert math.isclose(D.Normal(rb.tensor(0.0), rb.tensor(1.0)).perplexity().item(),
                        math.exp(0.5 * (1 + math.log(2 * math.pi))), rel_tol=1e-6)
