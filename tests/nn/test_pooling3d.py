"""3-d pools (max, avg, adaptive), their layers, and dropout3d / Dropout3d against PyTorch."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.functional as F
from helpers import assert_close, check_op, from_torch

import rosenblatt as rb
from rosenblatt.nn.functional.pooling import dropout3d
from rosenblatt.nn.functional.pooling3d import (adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d,
                                                max_pool3d)
from rosenblatt.nn.modules import pooling3d as modules
from rosenblatt.nn.modules.pooling import Dropout3d

OURS = {"max_pool3d": max_pool3d, "avg_pool3d": avg_pool3d,
        "adaptive_avg_pool3d": adaptive_avg_pool3d, "adaptive_max_pool3d": adaptive_max_pool3d}


def _op(name: str, *args, **kwargs):
    def op(x):
        fn = OURS[name] if isinstance(x, rb.Tensor) else getattr(F, name)
        return fn(x, *args, **kwargs)
    return op


MAX_CASES = [
    ((2, 2, 4, 4, 4), (2,), {}),
    ((1, 2, 5, 4, 5), (3,), {"stride": 2, "padding": 1}),
    ((1, 2, 5, 4, 6), ((3, 2, 1),), {"stride": (2, 1, 3), "padding": (1, 1, 0)}),
    ((1, 2, 5, 6, 5), (2,), {"stride": 2, "ceil_mode": True}),
    ((1, 1, 7, 6, 7), (3,), {"stride": 2, "padding": 1, "dilation": (2, 1, 2), "ceil_mode": True}),
    ((1, 2, 4, 3, 4), (2,), {"stride": 1}),  # overlapping windows
    ((3, 4, 3, 5), (2,), {"stride": (1, 2, 2), "padding": 1}),  # unbatched (C, D, H, W)
]


@pytest.mark.parametrize("shape, args, kwargs", MAX_CASES)
def test_max_pool3d_and_its_indices_match_torch(shape, args, kwargs):
    check_op([shape], _op("max_pool3d", *args, **kwargs), gradcheck_atol=1e-4)
    x = torch.randn(*shape)
    ty, ti = F.max_pool3d(x, *args, return_indices=True, **kwargs)
    for requires_grad in (False, True):  # without a graph the forward runs again for the argmax
        ry, ri = max_pool3d(from_torch(x, requires_grad), *args, return_indices=True, **kwargs)
        assert_close(ry, ty)
        assert_close(ri, ti)


@pytest.mark.parametrize("shape, args, kwargs", [
    ((2, 2, 4, 4, 4), (2,), {}),
    ((1, 2, 5, 4, 5), (3,), {"stride": 2, "padding": 1}),
    ((1, 2, 5, 4, 6), ((3, 2, 1),), {"stride": (2, 1, 3), "padding": (1, 1, 0)}),
    ((1, 2, 5, 6, 5), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ((1, 2, 5, 6, 5), (3,), {"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}),
    ((1, 2, 5, 4, 5), (3,), {"stride": 2, "padding": 1, "divisor_override": 4}),
    ((1, 2, 4, 3, 4), (2,), {"stride": 1, "ceil_mode": True}),
    ((3, 4, 3, 5), (2,), {"stride": (1, 2, 2), "padding": 1, "count_include_pad": False}),
])
def test_avg_pool3d_matches_torch(shape, args, kwargs):
    check_op([shape], _op("avg_pool3d", *args, **kwargs))


@pytest.mark.parametrize("shape, size", [
    ((2, 2, 4, 5, 6), 1), ((1, 2, 5, 4, 6), (2, 3, 4)), ((1, 2, 3, 5, 4), (4, 2, 7)),
    ((1, 2, 3, 5, 4), (None, 2, None)), ((2, 3, 4, 5), (2, 3, 2)),  # the last unbatched
])
def test_adaptive_pools3d_match_torch(shape, size):
    check_op([shape], _op("adaptive_avg_pool3d", size))
    check_op([shape], _op("adaptive_max_pool3d", size), gradcheck_atol=1e-4)
    x = torch.randn(*shape)
    _, ti = F.adaptive_max_pool3d(x, size, return_indices=True)
    for requires_grad in (False, True):
        _, ri = adaptive_max_pool3d(from_torch(x, requires_grad), size, return_indices=True)
        assert_close(ri, ti)


@pytest.mark.parametrize("name, args, kwargs", [
    ("max_pool3d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool3d", (2,), {"stride": 2, "padding": 1, "dilation": 2}),
    ("adaptive_max_pool3d", ((3, 2, 2),), {}),
])
def test_max_pools3d_of_nan_and_all_minus_inf_windows_follow_torch(name, args, kwargs):
    """A window's maximum is its last NaN; a window of -inf alone points at its first element
    inside the input (not at the padding): indices, values and gradients as PyTorch's."""
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((2, 2, 5, 6, 5))
    u = rng.random(x.shape)
    x[u < 0.4] = -numpy.inf
    x[u > 0.9] = numpy.nan
    x[0, 0, :3, :4, :4] = -numpy.inf  # whole windows of -inf, some reaching into the padding
    xt, xr = torch.tensor(x, requires_grad=True), rb.tensor(x, requires_grad=True)
    ty, ti = getattr(F, name)(xt, *args, return_indices=True, **kwargs)
    ry, ri = OURS[name](xr, *args, return_indices=True, **kwargs)
    assert_close(ry, ty)
    assert_close(ri, ti)
    g = rng.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    ry.backward(rb.tensor(g))
    assert_close(xr.grad, xt.grad, what="input grad")


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8])
def test_max_pool3d_of_integers_matches_torch(dtype):
    """The padding of an integer input is the dtype's minimum: a window of minima alone still
    points inside the input."""
    low = torch.iinfo(dtype).min
    x = torch.full((1, 1, 3, 3, 3), low, dtype=dtype)
    x[0, 0, 2, :, 2] = torch.tensor([3, 1, 2]).to(dtype)
    ty, ti = F.max_pool3d(x, 2, 1, 1, return_indices=True)
    ry, ri = max_pool3d(from_torch(x), 2, 1, 1, return_indices=True)
    assert_close(ry, ty)
    assert_close(ri, ti)
    with pytest.raises(NotImplementedError):
        F.max_pool3d(x > 0, 2)
    with pytest.raises(TypeError, match="max_pool3d: expected a floating-point or integer input, "
                                        "got dtype bool"):
        max_pool3d(from_torch(x > 0), 2)


def test_avg_pool3d_of_int64_truncates_toward_zero_and_other_dtypes_raise_as_torch():
    x = torch.arange(-40, 24).reshape(1, 1, 4, 4, 4)
    for args, kwargs in (((3, 1, 1), {}), ((2,), {"divisor_override": -3}),
                         ((3, 2, 1), {"ceil_mode": True, "count_include_pad": False})):
        assert_close(avg_pool3d(from_torch(x), *args, **kwargs), F.avg_pool3d(x, *args, **kwargs))
    with pytest.raises(NotImplementedError):
        F.avg_pool3d(x.int(), 2)
    with pytest.raises(TypeError, match="avg_pool3d: expected a floating-point or int64 input"):
        avg_pool3d(from_torch(x.int()), 2)
    for name in ("adaptive_avg_pool3d", "adaptive_max_pool3d"):
        with pytest.raises(NotImplementedError):
            getattr(F, name)(x, 2)
        with pytest.raises(TypeError, match=f"{name}: expected a floating-point input, got dtype int64"):
            OURS[name](from_torch(x), 2)


def test_pools3d_keep_float32_take_an_empty_batch_and_empty_adaptive_sizes():
    x = torch.randn(2, 3, 5, 4, 6)
    for name, args in (("max_pool3d", (2,)), ("avg_pool3d", (3, 2, 1)),
                       ("adaptive_avg_pool3d", ((2, 3, 2),)), ("adaptive_max_pool3d", ((2, 3, 2),))):
        assert_close(OURS[name](from_torch(x), *args), getattr(F, name)(x, *args))  # float32
        check_op([(0, 2, 4, 3, 4)], _op(name, *args), gradcheck=False)
    for name in ("adaptive_avg_pool3d", "adaptive_max_pool3d"):
        for size in (0, (2, 0, None)):
            assert OURS[name](from_torch(x), size).shape == tuple(getattr(F, name)(x, size).shape)


@pytest.mark.parametrize("name", list(OURS))
@pytest.mark.parametrize("shape", [(1, 0, 3, 3, 3), (1, 2, 0, 3, 3), (2, 3, 3, 0)])
def test_pools3d_of_empty_non_batch_dims_raise_as_torch(name, shape):
    with pytest.raises(RuntimeError, match="non-zero size|positive length"):
        getattr(F, name)(torch.zeros(shape), 2)
    with pytest.raises(ValueError, match=rf"^{name}: expected non-zero C, D, H and W .*{list(shape) if len(shape) == 5 else ''}"):
        OURS[name](rb.zeros(*shape), 2)


@pytest.mark.parametrize("name, shape, args, kwargs, message", [
    ("max_pool3d", (3, 3, 3), (2,), {}, r"expected a 5-d .* got \[3, 3, 3\]"),
    ("avg_pool3d", (1, 1, 1, 3, 3, 3), (2,), {}, r"expected a 5-d .* got \[1, 1, 1, 3, 3, 3\]"),
    ("max_pool3d", (1, 1, 4, 4, 4), (2,), {"padding": 2}, r"padding \(2, 2, 2\) must be at most half"),
    ("avg_pool3d", (1, 1, 4, 4, 4), (5,), {}, r"kernel \[5, 5, 5\] .* larger than the padded input \[4, 4, 4\]"),
    ("max_pool3d", (1, 1, 4, 4, 4), ((2, 2),), {}, r"kernel_size must be an int or a tuple of 3 ints, got \(2, 2\)"),
    ("max_pool3d", (1, 1, 4, 4, 4), (2, 0), {}, r"kernel_size, stride and dilation must be >= 1"),
    ("avg_pool3d", (1, 1, 4, 4, 4), (2,), {"divisor_override": 0}, r"divisor_override must be a non-zero int"),
    ("adaptive_avg_pool3d", (1, 1, 4, 4, 4), ((-1, 2, 2),), {}, r"output_size must hold non-negative"),
    ("adaptive_max_pool3d", (1, 1, 4, 4, 4), ((2, 2),), {}, r"output_size must be an int or a tuple of three"),
])
def test_bad_input_raises_as_torch(name, shape, args, kwargs, message):
    with pytest.raises(RuntimeError):
        getattr(F, name)(torch.randn(shape), *args, **kwargs)
    with pytest.raises(ValueError, match=f"^{name}: {message}"):
        OURS[name](rb.randn(*shape), *args, **kwargs)


@pytest.mark.parametrize("name, args, kwargs", [
    ("MaxPool3d", (2,), {}),
    ("MaxPool3d", ((3, 2, 3),), {"stride": 1, "padding": (1, 0, 1), "dilation": (1, 2, 1),
                                 "ceil_mode": True, "return_indices": True}),
    ("AvgPool3d", (2,), {}),
    ("AvgPool3d", ((3, 2, 3), 2, 1, True, False, 5), {}),
    ("AdaptiveAvgPool3d", ((None, 2, 3),), {}),
    ("AdaptiveMaxPool3d", (2, True), {}),
])
def test_pool3d_layers_match_torch(name, args, kwargs):
    ours, theirs = getattr(modules, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    x = torch.randn(2, 3, 5, 6, 5)
    for sample in (x, x[0]):  # batched and unbatched
        want, got = theirs(sample), ours(from_torch(sample))
        for r, t in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            assert_close(r, t)


def _per_channel(y: numpy.ndarray, channel_dims: int) -> numpy.ndarray:
    return y.reshape(y.shape[:channel_dims] + (-1,))


@pytest.mark.parametrize("shape, channel_dims", [((4, 8, 2, 3, 2), 2), ((8, 2, 3, 2), 1)])
def test_dropout3d_drops_whole_channels_of_batches_and_samples(shape, channel_dims):
    x = rb.ones(*shape, requires_grad=True)
    y = dropout3d(x, 0.25, generator=rb.Generator().manual_seed(0))
    flat = _per_channel(y.data, channel_dims)
    assert y.shape == shape and y.dtype == rb.float32
    assert numpy.all(flat.min(-1) == flat.max(-1))  # one value per channel
    assert set(numpy.unique(flat).tolist()) <= {0.0, numpy.float32(1 / 0.75)}
    assert 0 < (flat[..., 0] == 0).sum() < flat[..., 0].size
    y.sum().backward()
    numpy.testing.assert_array_equal(x.grad.data, y.data)  # d(x * m)/dx = m
    assert dropout3d(x, 0.5, training=False) is x
    assert float(dropout3d(x, 1.0).abs().sum()) == 0.0
    t = torch.ones(shape)  # PyTorch: one mask value per channel too (a 4-d input is unbatched)
    assert (_per_channel(F.dropout3d(t, 0.5).numpy(), channel_dims).std(-1) == 0).all()
    z = rb.ones(*shape)
    assert dropout3d(z, 0.5, inplace=True, generator=rb.Generator().manual_seed(1)) is z
    assert set(numpy.unique(z.data).tolist()) <= {0.0, 2.0}


@pytest.mark.parametrize("shape", [(3, 4, 5), (6,), (2, 3, 4, 5, 1, 1)])
def test_dropout3d_takes_other_ranks_as_one_sample_with_torchs_warning(shape):
    with pytest.warns(UserWarning, match=f"Received a {len(shape)}-D input to dropout3d") as theirs:
        want = F.dropout3d(torch.ones(shape), 0.5)
    with pytest.warns(UserWarning, match=f"Received a {len(shape)}-D input to dropout3d") as ours:
        y = dropout3d(rb.ones(*shape), 0.5, generator=rb.Generator().manual_seed(3))
    assert str(ours[0].message) == str(theirs[0].message)
    assert ours[0].filename == __file__  # the warning points at the caller
    for out in (y.data, want.numpy()):
        flat = _per_channel(out, 1)
        assert numpy.all(flat.min(-1) == flat.max(-1))  # one value per slice of dim 0


def test_dropout3d_errors_and_the_layer_follow_torch():
    for lib, fn in ((torch, F.dropout3d), (rb, dropout3d)):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
            fn(lib.ones(2, 3, 2, 2, 2), 1.5)
    with pytest.raises(RuntimeError), pytest.warns(UserWarning):
        F.dropout3d(torch.ones(()), 0.5)
    with pytest.raises(ValueError, match="dropout3d: feature dropout needs at least 1 dim"), \
            pytest.warns(UserWarning):
        dropout3d(rb.ones(()), 0.5)
    with pytest.raises(TypeError, match="dropout3d: expected a floating-point input"):
        dropout3d(rb.tensor(numpy.ones((2, 3, 2, 2, 2), dtype=numpy.int64)), 0.5)
    layer = Dropout3d(0.2)
    assert repr(layer) == repr(torch.nn.Dropout3d(0.2))
    x = rb.ones(2, 3, 2, 2, 2)
    assert layer.eval()(x) is x
    with pytest.raises(ValueError, match="Dropout3d: dropout probability has to be between 0 and 1"):
        Dropout3d(1.5)
