"""rrelu, alpha_dropout, feature_alpha_dropout and gumbel_softmax: PyTorch's deterministic parts
exactly, and the distributions of the random ones (their numbers are rosenblatt's own)."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F
from helpers import assert_close, check_op

from .layer_helpers import check_layer

TF = torch.nn.functional
SELU_SATURATION = 1.7580993408473766  # PyTorch's alpha in Dropout.cpp: selu's scale * alpha


# ---------------------------------------------------------------------------------- rrelu

@pytest.mark.parametrize("lower, upper", [(1 / 8, 1 / 3), (0.05, 0.5), (0.3, 0.3)])
def test_rrelu_eval_matches_torch_with_gradients(lower, upper):
    # away from the kink at 0, where a numerical gradient is meaningless
    inputs = [numpy.array([[-3.1, -1.2, -0.3, 0.25], [0.7, 1.9, 4.2, -7.5]])]
    check_op(None, lambda x: F.rrelu(x, lower, upper), lambda x: TF.rrelu(x, lower, upper),
             inputs=inputs)
    check_op([(3, 4, 5)], lambda x: F.rrelu(x, lower, upper, training=False),
             lambda x: TF.rrelu(x, lower, upper, training=False), gradcheck=False)


def test_rrelu_eval_defaults_and_gradient_at_zero_match_torch():
    x = numpy.array([-2.0, 0.0, 3.0], dtype=numpy.float32)
    ours, theirs = rb.tensor(x, requires_grad=True), torch.from_numpy(x.copy()).requires_grad_(True)
    y, want = F.rrelu(ours), TF.rrelu(theirs)
    assert_close(y, want)
    y.sum().backward()
    want.sum().backward()
    assert_close(ours.grad, theirs.grad)  # the mean slope at 0, as leaky_relu's


@pytest.mark.parametrize("args", [(), (0.1, 0.3)])
def test_rrelu_layer_eval_contract_and_repr(args):
    check_layer(lambda: nn.RReLU(*args), lambda: torch.nn.RReLU(*args), (4, 5), low=-4, high=4,
                train=False)
    assert repr(nn.RReLU(*args)) == repr(torch.nn.RReLU(*args))
    assert repr(nn.RReLU(*args, inplace=True)) == repr(torch.nn.RReLU(*args, inplace=True))


def test_rrelu_training_samples_a_uniform_slope_per_negative_element():
    lower, upper = 0.1, 0.4
    x = -numpy.random.default_rng(0).uniform(0.5, 2.0, 200_000).astype(numpy.float32)
    xt = rb.tensor(x, requires_grad=True)
    y = F.rrelu(xt, lower, upper, training=True, generator=rb.Generator(0))
    assert y.dtype == numpy.float32
    slopes = y.data.astype(numpy.float64) / x
    assert slopes.min() >= lower - 1e-6 and slopes.max() <= upper + 1e-6
    # U(lower, upper): mean (l + u) / 2, variance (u - l)^2 / 12, flat histogram
    assert abs(slopes.mean() - (lower + upper) / 2) < 0.002
    assert abs(slopes.var() - (upper - lower) ** 2 / 12) < 0.0005
    counts, _ = numpy.histogram(slopes, bins=10, range=(lower, upper))
    assert numpy.abs(counts / len(x) - 0.1).max() < 0.005
    # the gradient is the sampled slope, element by element
    y.sum().backward()
    numpy.testing.assert_allclose(xt.grad.data, slopes, rtol=1e-6)


def test_rrelu_training_leaves_positives_and_samples_at_zero():
    x = rb.tensor([-1.0, 0.0, 2.0, 5.0], requires_grad=True)
    y = F.rrelu(x, 0.2, 0.3, training=True, generator=rb.Generator(1))
    assert y.data[2:].tolist() == [2.0, 5.0] and y.data[1] == 0.0
    y.sum().backward()
    g = x.grad.data
    assert g[2] == 1.0 and g[3] == 1.0
    # at 0 the slope is drawn, as PyTorch's (x <= 0 is the negative side)
    assert 0.2 <= g[0] <= 0.3 and 0.2 <= g[1] <= 0.3 and g[0] != g[1]
    torch_x = torch.zeros(50, requires_grad=True)
    TF.rrelu(torch_x, 0.2, 0.3, training=True).sum().backward()
    assert bool(((torch_x.grad >= 0.2) & (torch_x.grad <= 0.3)).all())


def test_rrelu_training_is_reproducible_and_layer_uses_its_generator():
    x = rb.randn(100)
    a = F.rrelu(x, training=True, generator=rb.Generator(3))
    b = F.rrelu(x, training=True, generator=rb.Generator(3))
    c = F.rrelu(x, training=True, generator=rb.Generator(4))
    numpy.testing.assert_array_equal(a.data, b.data)
    assert not numpy.array_equal(a.data, c.data)
    layer = nn.RReLU(generator=rb.Generator(3))
    numpy.testing.assert_array_equal(layer(x).data, a.data)
    layer.eval()
    numpy.testing.assert_array_equal(layer(x).data, F.rrelu(x).data)


def test_rrelu_inplace_and_errors():
    x = rb.tensor([-2.0, 1.0])
    out = F.rrelu(x, 0.25, 0.25, training=True, inplace=True)
    assert out is x and x.tolist() == [-0.5, 1.0]
    y = rb.tensor([-2.0, 1.0])
    F.rrelu_(y, 0.5, 0.5)
    assert y.tolist() == [-1.0, 1.0]
    with pytest.raises(ValueError, match=r"rrelu\(\): lower must be <= upper.*lower=0.5, upper=0.2"):
        F.rrelu(rb.randn(3), 0.5, 0.2)
    with pytest.raises(RuntimeError):  # PyTorch refuses it too
        TF.rrelu(torch.randn(3), 0.5, 0.2)
    with pytest.raises(TypeError, match=r"rrelu\(\): expected a floating-point input"):
        F.rrelu(rb.tensor([1, 2]), training=True)


# ------------------------------------------------------------------------- alpha dropouts

def _affine_of(out: numpy.ndarray, x: numpy.ndarray) -> tuple[float, float, float, numpy.ndarray]:
    """``(a, c, dropped value, kept mask)`` of an alpha-dropout output: kept units are
    ``a x + c``, dropped ones all one value (the most common one for inputs all distinct)."""
    values, counts = numpy.unique(out, return_counts=True)
    dropped_value = values[counts.argmax()]
    kept = out != dropped_value
    a, c = numpy.polyfit(x[kept].astype(numpy.float64), out[kept].astype(numpy.float64), 1)
    return a, c, float(dropped_value), kept


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_alpha_dropout_affine_constants_match_torch_and_its_formula(p):
    x = numpy.random.default_rng(0).standard_normal(20_000)  # float64: exact constants
    ours = _affine_of(F.alpha_dropout(rb.tensor(x), p, True).data, x)
    theirs = _affine_of(TF.alpha_dropout(torch.from_numpy(x), p, True).numpy(), x)
    # PyTorch's Dropout.cpp: a = 1 / sqrt((alpha^2 p + 1)(1 - p)), kept: a x + alpha a p,
    # dropped: (0 - 1) alpha a + alpha a p
    a = 1 / math.sqrt((SELU_SATURATION ** 2 * p + 1) * (1 - p))
    for got in (ours, theirs):
        assert got[0] == pytest.approx(a, rel=1e-9)
        assert got[1] == pytest.approx(SELU_SATURATION * a * p, rel=1e-9, abs=1e-12)
        assert got[2] == pytest.approx(-SELU_SATURATION * a + SELU_SATURATION * a * p, rel=1e-12)
    assert ours[2] == theirs[2]  # the dropped value, bit for bit
    assert abs(1 - ours[3].mean() - p) < 0.015  # fraction dropped ~ p


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_alpha_dropout_dropped_value_is_torchs_in_each_dtype(dtype):
    x = numpy.full(1000, 0.5, dtype=dtype)
    ours = numpy.unique(F.alpha_dropout(rb.tensor(x), 0.3, True).data)
    theirs = numpy.unique(TF.alpha_dropout(torch.from_numpy(x), 0.3, True).numpy())
    assert ours.dtype == dtype
    numpy.testing.assert_array_equal(ours, theirs)  # the two values, kept and dropped


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5])
def test_alpha_dropout_preserves_selu_mean_and_variance(p):
    # SELU's fixed point: selu(N(0, 1)) has mean ~0 and variance ~1, which alpha dropout keeps
    z = numpy.random.default_rng(1).standard_normal(1_000_000).astype(numpy.float32)
    x = F.selu(rb.tensor(z))
    y = F.alpha_dropout(x, p, True, generator=rb.Generator(2)).data.astype(numpy.float64)
    ref = TF.alpha_dropout(torch.from_numpy(x.data), p, True).numpy().astype(numpy.float64)
    xm, xv = x.data.astype(numpy.float64).mean(), x.data.astype(numpy.float64).var()
    assert abs(xm) < 0.01 and abs(xv - 1) < 0.01
    for out in (y, ref):
        assert abs(out.mean() - xm) < 0.01
        assert abs(out.var() - xv) < 0.015
    assert abs(y.mean() - ref.mean()) < 0.01 and abs(y.var() - ref.var()) < 0.015


def test_alpha_dropout_gradient_is_the_kept_scale():
    p = 0.4
    x = rb.tensor(numpy.random.default_rng(3).standard_normal(5000), requires_grad=True)
    y = F.alpha_dropout(x, p, True, generator=rb.Generator(0))
    a, _, dropped_value, kept = _affine_of(y.data, x.data)
    upstream = numpy.random.default_rng(4).standard_normal(5000)
    y.backward(rb.tensor(upstream))
    numpy.testing.assert_allclose(x.grad.data, numpy.where(kept, a * upstream, 0.0), rtol=1e-12)


def test_alpha_dropout_eval_p0_and_p1_as_torch():
    x = rb.randn(4, 5)
    assert F.alpha_dropout(x) is x  # training=False by default, as PyTorch's functional
    assert F.alpha_dropout(x, 0.5, training=False) is x
    assert F.alpha_dropout(x, 0.0, training=True) is x
    assert F.feature_alpha_dropout(x, 0.5, training=False) is x
    values = numpy.array([-1.5, 0.0, 2.0], dtype=numpy.float32)
    for ours, theirs in ((F.alpha_dropout, TF.alpha_dropout),
                         (F.feature_alpha_dropout, TF.feature_alpha_dropout)):
        got = ours(rb.tensor(values), 1.0, True).data
        want = theirs(torch.from_numpy(values.copy()), 1.0, True).numpy()
        numpy.testing.assert_array_equal(got, want)
        numpy.testing.assert_array_equal(numpy.signbit(got), numpy.signbit(want))  # -0.0 kept


def test_alpha_dropouts_errors():
    for fn in (F.alpha_dropout, F.feature_alpha_dropout):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
            fn(rb.randn(2, 3), 1.5, True)
        with pytest.raises(TypeError, match="expected a floating-point input"):
            fn(rb.tensor([[1, 2]]), 0.5, True)
    with pytest.raises(ValueError, match=r"feature_alpha_dropout\(\): .*at least 2 dims.*\(3,\)"):
        F.feature_alpha_dropout(rb.randn(3), 0.5, True)
    with pytest.raises(RuntimeError):  # PyTorch refuses it too
        TF.feature_alpha_dropout(torch.randn(3), 0.5, True)
    with pytest.raises(ValueError, match="dropout probability"):
        nn.AlphaDropout(-0.1)


def test_feature_alpha_dropout_drops_whole_channels_and_keeps_the_constants():
    p = 0.3
    x = numpy.random.default_rng(5).standard_normal((400, 50, 3, 2))
    y = F.feature_alpha_dropout(rb.tensor(x), p, True, generator=rb.Generator(0)).data
    a, c, dropped_value, kept = _affine_of(y, x)
    theirs = _affine_of(TF.feature_alpha_dropout(torch.from_numpy(x), p, True).numpy(), x)
    assert a == pytest.approx(theirs[0], rel=1e-9) and c == pytest.approx(theirs[1], rel=1e-9)
    assert dropped_value == theirs[2]
    per_channel = kept.reshape(400, 50, -1)
    assert (per_channel.all(-1) | ~per_channel.any(-1)).all()  # each (n, c) all kept or all dropped
    assert abs(1 - per_channel[..., 0].mean() - p) < 0.015


def test_feature_alpha_dropout_preserves_selu_mean_and_variance():
    z = numpy.random.default_rng(6).standard_normal((4000, 64, 2, 2)).astype(numpy.float32)
    x = F.selu(rb.tensor(z))
    y = F.feature_alpha_dropout(x, 0.2, True, generator=rb.Generator(1)).data.astype(numpy.float64)
    xd = x.data.astype(numpy.float64)
    assert abs(y.mean() - xd.mean()) < 0.01 and abs(y.var() - xd.var()) < 0.02


@pytest.mark.parametrize("name", ["AlphaDropout", "FeatureAlphaDropout"])
def test_alpha_dropout_layers_contract_repr_and_generator(name):
    check_layer(lambda: getattr(nn, name)(0.3), lambda: getattr(torch.nn, name)(0.3), (4, 5, 3),
                train=False)
    for args in [(), (0.2,), (0.2, True)]:
        assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    x = rb.randn(4, 5, 3)
    a = getattr(nn, name)(0.3, generator=rb.Generator(9))(x)
    b = getattr(nn, name)(0.3, generator=rb.Generator(9))(x)
    numpy.testing.assert_array_equal(a.data, b.data)
    assert not numpy.array_equal(a.data, x.data)  # training mode by default: not the identity
    layer = getattr(nn, name)(0.3, inplace=True)
    y = rb.randn(4, 5, 3)
    assert layer(y) is y


# ------------------------------------------------------------------------- gumbel_softmax

def _gumbels(shape, dtype, seed):
    """The noise gumbel_softmax draws from ``rb.Generator(seed)``: -log(Exp(1)), in the dtype."""
    draw = numpy.float32 if dtype != numpy.float64 else numpy.float64
    e = rb.Generator(seed).numpy.standard_exponential(shape, dtype=draw)
    return -numpy.log(numpy.maximum(e, numpy.finfo(draw).tiny)).astype(dtype)


def _torch_gumbel_softmax(logits, tau, hard, dim, seed):
    """PyTorch's gumbel_softmax body, its noise replaced by ``_gumbels``."""
    dtype = numpy.dtype(str(logits.dtype).removeprefix("torch."))
    g = torch.from_numpy(_gumbels(tuple(logits.shape), dtype, seed))
    y_soft = ((logits + g) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = torch.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


@pytest.mark.parametrize("tau, dim, shape", [(1, -1, (4, 6)), (0.5, 0, (5, 3)), (2.0, 1, (2, 4, 3))])
def test_gumbel_softmax_soft_matches_torch_given_the_noise(tau, dim, shape):
    check_op([shape],
             lambda x: F.gumbel_softmax(x, tau=tau, dim=dim, generator=rb.Generator(7)),
             lambda x: _torch_gumbel_softmax(x, tau, False, dim, 7))


@pytest.mark.parametrize("tau, dim, shape", [(1, -1, (4, 6)), (0.3, 0, (5, 3))])
def test_gumbel_softmax_hard_matches_torch_given_the_noise(tau, dim, shape):
    # value: one-hot; gradient: straight-through (not a numerical one, so no gradcheck)
    check_op([shape],
             lambda x: F.gumbel_softmax(x, tau=tau, hard=True, dim=dim, generator=rb.Generator(7)),
             lambda x: _torch_gumbel_softmax(x, tau, True, dim, 7), gradcheck=False)


def test_gumbel_softmax_hard_is_one_hot_with_the_soft_samples_gradient():
    logits = numpy.random.default_rng(0).standard_normal((6, 5))
    upstream = rb.tensor(numpy.random.default_rng(1).standard_normal((6, 5)))
    xs, xh = rb.tensor(logits, requires_grad=True), rb.tensor(logits, requires_grad=True)
    soft = F.gumbel_softmax(xs, tau=0.7, generator=rb.Generator(2))
    hard = F.gumbel_softmax(xh, tau=0.7, hard=True, generator=rb.Generator(2))
    one_hot = numpy.eye(5)[soft.data.argmax(-1)]
    numpy.testing.assert_allclose(hard.data, one_hot, atol=1e-15)
    (soft * upstream).sum().backward()
    (hard * upstream).sum().backward()
    numpy.testing.assert_array_equal(xh.grad.data, xs.grad.data)
    assert numpy.abs(xh.grad.data).max() > 0


def test_gumbel_softmax_hard_samples_follow_the_softmax_of_the_logits():
    # the Gumbel-max trick: argmax(logits + g) is a sample of Categorical(softmax(logits))
    probs = numpy.array([0.1, 0.2, 0.3, 0.4])
    logits = rb.tensor(numpy.tile(numpy.log(probs), (200_000, 1)).astype(numpy.float32))
    y = F.gumbel_softmax(logits, tau=0.5, hard=True, generator=rb.Generator(0))
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(y.data.mean(0), probs, atol=0.004)
    soft = F.gumbel_softmax(logits, tau=1.0, generator=rb.Generator(0))
    numpy.testing.assert_allclose(soft.data.sum(-1), 1.0, rtol=1e-5)


def test_gumbel_softmax_arguments():
    x = rb.randn(3, 4)
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect."):
        F.gumbel_softmax(x, eps=1e-5)
    with pytest.raises(ValueError, match=r"gumbel_softmax\(\): tau must be positive, got 0"):
        F.gumbel_softmax(x, tau=0)
    with pytest.raises(TypeError, match=r"gumbel_softmax\(\): expected a floating-point input"):
        F.gumbel_softmax(rb.tensor([1, 2]))
    with pytest.raises(IndexError):
        F.gumbel_softmax(x, dim=2)
    a = F.gumbel_softmax(x, generator=rb.Generator(5))
    b = F.gumbel_softmax(x, generator=rb.Generator(5))
    numpy.testing.assert_array_equal(a.data, b.data)
