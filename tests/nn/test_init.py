"""nn.init: distributions checked statistically, fans and gains against PyTorch's."""
import contextlib
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt.nn import init

SHAPE = (256, 128)  # 32k samples: means and stds within ~1% of the target


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2), (6, 2, 3, 3), (2, 3, 1, 1, 4)])
def test_fan_in_and_fan_out_match_torch(shape):
    want = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init._calculate_fan_in_and_fan_out(rb.empty(shape)) == want
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(rb.empty(3))


@pytest.mark.parametrize("nonlinearity, param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                                 ("tanh", None), ("relu", None), ("leaky_relu", None),
                                                 ("leaky_relu", 0.2), ("selu", None)])
def test_calculate_gain_matches_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-12)


def test_calculate_gain_rejects_unknown():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


def _check_uniform(values, low, high):
    assert values.min() >= low and values.max() <= high
    width = high - low
    assert values.min() < low + 0.01 * width and values.max() > high - 0.01 * width
    assert abs(values.mean() - (low + high) / 2) < 0.01 * width
    assert abs(values.std() - width / math.sqrt(12)) < 0.01 * width


def _check_normal(values, mean, std):
    assert abs(values.mean() - mean) < 0.02 * std
    assert abs(values.std() - std) < 0.02 * std


def test_uniform_normal_constant():
    t = rb.empty(SHAPE)
    assert init.uniform_(t, -3.0, 5.0) is t
    _check_uniform(t.data, -3.0, 5.0)
    _check_normal(init.normal_(rb.empty(SHAPE), 2.0, 0.5).data, 2.0, 0.5)
    assert (init.constant_(rb.empty(3, 2), 1.5).data == 1.5).all()
    assert (init.zeros_(rb.ones(3)).data == 0).all() and (init.ones_(rb.zeros(3)).data == 1).all()


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier(gain):
    fan_in, fan_out = SHAPE[1], SHAPE[0]
    bound = gain * math.sqrt(6 / (fan_in + fan_out))
    _check_uniform(init.xavier_uniform_(rb.empty(SHAPE), gain).data, -bound, bound)
    _check_normal(init.xavier_normal_(rb.empty(SHAPE), gain).data, 0.0,
                  gain * math.sqrt(2 / (fan_in + fan_out)))


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nonlinearity, a", [("relu", 0.0), ("leaky_relu", 0.0), ("leaky_relu", math.sqrt(5)),
                                             ("tanh", 0.0)])
def test_kaiming(mode, nonlinearity, a):
    shape = (64, 32, 4)
    fan = 32 * 4 if mode == "fan_in" else 64 * 4
    gain = torch.nn.init.calculate_gain(nonlinearity, a)
    bound = gain * math.sqrt(3 / fan)
    _check_uniform(init.kaiming_uniform_(rb.empty(shape), a, mode, nonlinearity).data, -bound, bound)
    _check_normal(init.kaiming_normal_(rb.empty(shape), a, mode, nonlinearity).data, 0.0,
                  gain / math.sqrt(fan))
    with pytest.raises(ValueError, match="fan_avg"):
        init.kaiming_uniform_(rb.empty(shape), mode="fan_avg")


@pytest.mark.parametrize("fn", ["kaiming_uniform_", "kaiming_normal_"])
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 2, 3, 3)])
def test_kaiming_of_a_zero_element_tensor_warns_and_returns_as_torch(fn, shape):
    with pytest.warns(UserWarning, match="zero-element"):
        assert tuple(getattr(torch.nn.init, fn)(torch.empty(shape)).shape) == shape
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert getattr(init, fn)(rb.empty(shape)).shape == shape


@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (6, 2, 3)])
def test_orthogonal(shape):
    t = init.orthogonal_(rb.empty(shape), gain=2.0)
    flat = t.data.reshape(shape[0], -1).astype(numpy.float64)
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    numpy.testing.assert_allclose(gram, 4.0 * numpy.eye(gram.shape[0]), atol=1e-5)


def test_trunc_normal_bounds_and_moments():
    values = init.trunc_normal_(rb.empty(SHAPE), mean=1.0, std=2.0, a=-1.0, b=2.0).data
    assert values.min() >= -1.0 and values.max() <= 2.0
    ref = torch.nn.init.trunc_normal_(torch.empty(200, 200), mean=1.0, std=2.0, a=-1.0, b=2.0)
    assert abs(values.mean() - ref.mean().item()) < 0.02 and abs(values.std() - ref.std().item()) < 0.02
    # Bounds are absolute: a=-2, b=2 are 100 std away, so std=0.02 samples are untruncated.
    _check_normal(init.trunc_normal_(rb.empty(SHAPE), std=0.02).data, 0.0, 0.02)


@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, 10.0, 11.0), (5.0, 1.0, -1.0, 0.0),
                                             (0.0, 1.0, -1e-3, 1e-3)])
def test_trunc_normal_with_little_mass_inside_finishes_and_matches_torch(mean, std, a, b):
    # Redrawing normal samples never finished for [10, 11] (mass 7.6e-24 inside).
    with pytest.warns(UserWarning) if abs(mean) > 2 else contextlib.nullcontext():
        values = init.trunc_normal_(rb.empty(100, 100), mean, std, a, b, generator=rb.Generator(0)).data
    with pytest.warns(UserWarning) if abs(mean) > 2 else contextlib.nullcontext():
        ref = torch.nn.init.trunc_normal_(torch.empty(100, 100), mean, std, a, b).numpy()
    assert a <= values.min() and values.max() <= b
    assert abs(values.mean() - ref.mean()) < 0.02 * (b - a) and abs(values.std() - ref.std()) < 0.02 * (b - a)


def test_init_is_in_place_under_no_grad_keeps_dtype_and_uses_generator():
    w = rb.nn.Parameter(rb.empty(4, 3, dtype=rb.float64))
    for fn in (lambda t, g: init.uniform_(t, generator=g), lambda t, g: init.normal_(t, generator=g),
               lambda t, g: init.xavier_uniform_(t, generator=g), lambda t, g: init.xavier_normal_(t, generator=g),
               lambda t, g: init.kaiming_uniform_(t, generator=g), lambda t, g: init.kaiming_normal_(t, generator=g),
               lambda t, g: init.orthogonal_(t, generator=g), lambda t, g: init.trunc_normal_(t, generator=g)):
        out = fn(w, rb.Generator(3))
        assert out is w and w.dtype == numpy.float64 and w.requires_grad and w.is_leaf
        first = w.data.copy()
        fn(w, rb.Generator(3))
        numpy.testing.assert_array_equal(w.data, first)
        fn(w, rb.Generator(4))
        assert not numpy.array_equal(w.data, first)


@pytest.mark.parametrize("fn", ["uniform_", "normal_", "trunc_normal_", "xavier_uniform_", "kaiming_normal_",
                                "orthogonal_"])
def test_random_init_of_an_integer_tensor_raises_as_torch(fn):
    # random floats were silently truncated into the integers (xavier_uniform_ gave all zeros)
    with pytest.raises((NotImplementedError, RuntimeError)):
        getattr(torch.nn.init, fn)(torch.zeros(4, 3, dtype=torch.int64))
    with pytest.raises(TypeError, match="expected a floating point tensor, got dtype int64"):
        getattr(init, fn)(rb.zeros(4, 3, dtype=rb.int64))
    assert init.constant_(rb.zeros(2, dtype=rb.int64), 3).tolist() == [3, 3]


@pytest.mark.parametrize("fn, kwargs, match", [("uniform_", {"a": 2.0, "b": 1.0}, r"uniform_\(\): expected a <= b"),
                                               ("normal_", {"std": -1.0}, r"normal_\(\): expected std >= 0")])
def test_uniform_and_normal_name_their_bad_arguments(fn, kwargs, match):
    with pytest.raises(RuntimeError):
        getattr(torch.nn.init, fn)(torch.empty(3), **kwargs)
    with pytest.raises(ValueError, match=match):  # NumPy's "high - low < 0" and "scale < 0" before
        getattr(init, fn)(rb.empty(3), **kwargs)
