"""Pooling (max, avg, adaptive) and dropout2d against torch.nn.functional."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.functional as F
from helpers import assert_close, check_op, from_torch

import rosenblatt as rb
from rosenblatt.nn.functional.adaptive_pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d,
                                                       adaptive_max_pool1d, adaptive_max_pool2d)
from rosenblatt.nn.functional.pooling import (avg_pool1d, avg_pool2d, dropout1d, dropout2d, max_pool1d,
                                              max_pool2d)

OURS = {"max_pool2d": max_pool2d, "max_pool1d": max_pool1d, "avg_pool2d": avg_pool2d,
        "avg_pool1d": avg_pool1d, "adaptive_avg_pool2d": adaptive_avg_pool2d,
        "adaptive_max_pool2d": adaptive_max_pool2d, "adaptive_avg_pool1d": adaptive_avg_pool1d,
        "adaptive_max_pool1d": adaptive_max_pool1d}


def _op(name: str, *args, **kwargs):
    def op(x):
        fn = OURS[name] if isinstance(x, rb.Tensor) else getattr(F, name)
        return fn(x, *args, **kwargs)
    return op


MAX_CASES = [
    ((2, 3, 8, 8), (2,), {}),
    ((1, 2, 9, 7), (3,), {"stride": 2, "padding": 1}),
    ((2, 2, 9, 7), ((3, 2),), {"stride": (2, 1), "padding": (1, 1)}),  # non-square
    ((2, 2, 9, 8), (3,), {"stride": 2, "ceil_mode": True}),
    ((2, 2, 10, 9), (3,), {"stride": 2, "padding": 1, "dilation": 2, "ceil_mode": True}),
    ((2, 2, 7, 7), (2,), {"stride": 1}),  # overlapping windows
    ((2, 2, 5, 5), (5,), {}),  # kernel = input
]


@pytest.mark.parametrize("shape, args, kwargs", MAX_CASES)
def test_max_pool2d_matches_torch(shape, args, kwargs):
    check_op([shape], _op("max_pool2d", *args, **kwargs), gradcheck_atol=1e-4)


@pytest.mark.parametrize("shape, args, kwargs", MAX_CASES)
def test_max_pool2d_indices_match_torch(shape, args, kwargs):
    x = torch.randn(*shape)
    ty, ti = F.max_pool2d(x, *args, return_indices=True, **kwargs)
    ry, ri = max_pool2d(from_torch(x), *args, return_indices=True, **kwargs)
    assert_close(ry, ty)
    assert_close(ri, ti)
    # and with a graph recorded (the node keeps the argmax)
    _, ri_grad = max_pool2d(from_torch(x, requires_grad=True), *args, return_indices=True, **kwargs)
    assert_close(ri_grad, ti)


def test_max_pool2d_ties_send_the_gradient_to_the_first_maximum():
    x = torch.tensor([[[[1.0, 1.0, 0.0], [1.0, 1.0, 2.0], [0.0, 2.0, 2.0]]]], dtype=torch.float64)
    check_op(None, _op("max_pool2d", 2, stride=1), inputs=[x.numpy()], gradcheck=False)
    relu_zeros = torch.zeros(1, 1, 4, 4, dtype=torch.float64)
    check_op(None, _op("max_pool2d", 2), inputs=[relu_zeros.numpy()], gradcheck=False)


@pytest.mark.parametrize("name, args", [
    ("adaptive_avg_pool2d", (2,)), ("adaptive_max_pool2d", (2,)), ("dropout2d", (0.5,)),
    ("max_pool1d", (2,)),  # PyTorch's CPU kernel without indices is float only
])
def test_integer_input_raises_where_torch_raises(name, args):
    x = numpy.arange(32).reshape(2, 4, 4) if name == "max_pool1d" else numpy.arange(32).reshape(1, 2, 4, 4)
    fn = OURS.get(name, dropout2d)
    with pytest.raises((NotImplementedError, RuntimeError)):
        getattr(F, name)(torch.from_numpy(x), *args)
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point input, got dtype int64"):
        fn(rb.tensor(x), *args)


@pytest.mark.parametrize("args, kwargs", [
    ((2,), {}), ((3, 1, 1), {}), ((3, 1, 1), {"count_include_pad": False}),
    ((3, 2, 1), {"ceil_mode": True}), ((2,), {"divisor_override": 3}),
    ((2,), {"divisor_override": -3}),
])
def test_avg_pool2d_of_int64_truncates_toward_zero_as_torch(args, kwargs):
    """PyTorch's int64 avg_pool2d divides the integer sum in C (toward 0, not floor)."""
    x = torch.arange(-40, 10).reshape(1, 2, 5, 5)
    assert_close(avg_pool2d(from_torch(x), *args, **kwargs), F.avg_pool2d(x, *args, **kwargs))
    assert_close(rb.nn.AvgPool2d(*args, **kwargs)(from_torch(x[0])),  # unbatched, the module
                 torch.nn.AvgPool2d(*args, **kwargs)(x[0]))


@pytest.mark.parametrize("dtype", [torch.int32, torch.uint8, torch.bool])
def test_avg_pool2d_refuses_other_integer_dtypes_as_torch(dtype):
    x = torch.arange(16).reshape(1, 1, 4, 4).to(dtype)
    with pytest.raises(NotImplementedError):
        F.avg_pool2d(x, 2)
    with pytest.raises(TypeError, match="avg_pool2d: expected a floating-point or int64 input, got"):
        avg_pool2d(from_torch(x), 2)


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8])
def test_max_pools_of_integers_match_torch(dtype):
    """The padding of an integer input is the dtype's minimum (there is no -inf): a window of
    minima alone still points inside the input."""
    low = torch.iinfo(dtype).min
    x = torch.tensor([[[[low, low, 3], [low, low, 1], [2, low, 0]]]]).to(dtype)
    ty, ti = F.max_pool2d(x, 2, 1, 1, return_indices=True)
    ry, ri = max_pool2d(from_torch(x), 2, 1, 1, return_indices=True)
    assert_close(ry, ty)
    assert_close(ri, ti)
    ty, ti = F.max_pool1d(x[0, 0], 2, 1, 1, return_indices=True)
    ry, ri = max_pool1d(from_torch(x[0, 0]), 2, 1, 1, return_indices=True)
    assert_close(ry, ty)
    assert_close(ri, ti)
    with pytest.raises(NotImplementedError):
        F.max_pool2d(x > 0, 2)
    with pytest.raises(TypeError, match="max_pool2d: expected a floating-point or integer input, "
                                        "got dtype bool"):
        max_pool2d(from_torch(x > 0), 2)


@pytest.mark.parametrize("name, shape", [
    ("max_pool2d", (1, 0, 4, 4)), ("max_pool2d", (0, 4, 4)), ("avg_pool2d", (2, 2, 0, 4)),
    ("avg_pool2d", (1, 0, 4, 4)), ("max_pool1d", (1, 0, 4)), ("adaptive_avg_pool2d", (1, 2, 0, 4)),
    ("adaptive_max_pool2d", (1, 2, 4, 0)), ("adaptive_max_pool2d", (1, 0, 4, 4)),
    ("adaptive_max_pool1d", (1, 0, 4)), ("avg_pool1d", (1, 0, 4)), ("adaptive_avg_pool1d", (1, 2, 0)),
])
def test_pools_of_empty_non_batch_dims_raise_as_torch(name, shape):
    """Only the batch may be empty (an adaptive pool: C too); an empty adaptive window gave a
    NaN output (avg) or NumPy's 'argmax of an empty sequence' (max)."""
    with pytest.raises(RuntimeError, match="non-zero size|optional 0 dim batch"):
        getattr(F, name)(torch.zeros(shape), 2)
    with pytest.raises(ValueError, match=rf"{name}: expected non-zero "):
        OURS[name](rb.zeros(*shape), 2)


@pytest.mark.parametrize("name, size", [("adaptive_avg_pool2d", 0), ("adaptive_max_pool2d", (2, 0)),
                                        ("adaptive_avg_pool2d", (None, 0)), ("adaptive_avg_pool1d", 0),
                                        ("adaptive_max_pool1d", 0)])
def test_adaptive_pools_to_an_empty_size_and_of_empty_channels_as_torch(name, size):
    """An output size of 0 gives an empty output, as PyTorch (it raised); the average pools
    take an empty C, the max pools refuse it (see above)."""
    shape = (2, 3, 5, 6) if name.endswith("2d") else (2, 3, 5)
    want = getattr(F, name)(torch.zeros(shape), size)
    assert OURS[name](rb.zeros(*shape), size).shape == tuple(want.shape)
    empty_c = (2, 0) + shape[2:]
    if "avg" in name:
        assert OURS[name](rb.zeros(*empty_c), 2).shape == tuple(getattr(F, name)(torch.zeros(empty_c), 2).shape)
    else:  # 1-d pools take no None (the 2-d ones keep that input size)
        with pytest.raises(TypeError):
            F.adaptive_max_pool1d(torch.zeros(2, 3, 5), None)
        with pytest.raises(TypeError, match="adaptive_max_pool1d: output_size must be an int"):
            OURS["adaptive_max_pool1d"](rb.zeros(2, 3, 5), None)


@pytest.mark.parametrize("name, args", [("adaptive_max_pool2d", ((3, 2),)),
                                        ("adaptive_avg_pool2d", ((3, 2),)), ("max_pool2d", (2,))])
def test_pools_take_an_empty_batch(name, args):
    check_op([(0, 2, 7, 5)], _op(name, *args), gradcheck=False)


@pytest.mark.parametrize("name, args, kwargs", [
    ("max_pool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool2d", (2,), {"stride": 2, "padding": 1, "dilation": 2}),
    ("adaptive_max_pool2d", ((3, 2),), {}),
])
def test_max_pools_of_nan_and_all_minus_inf_windows_follow_torch(name, args, kwargs, rng):
    """A window's maximum is its last NaN; a window of -inf alone points at its first element
    inside the input (not at the padding): indices, values and gradients as PyTorch's."""
    x = rng.standard_normal((2, 3, 7, 6))
    u = rng.random(x.shape)
    x[u < 0.4] = -numpy.inf
    x[u > 0.9] = numpy.nan
    x[0, 0, :4, :4] = -numpy.inf  # whole windows of -inf, some reaching into the padding
    xt, xr = torch.tensor(x, requires_grad=True), rb.tensor(x, requires_grad=True)
    ty, ti = getattr(F, name)(xt, *args, return_indices=True, **kwargs)
    ry, ri = OURS[name](xr, *args, return_indices=True, **kwargs)
    assert_close(ry, ty)
    assert_close(ri, ti)
    g = rng.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    ry.backward(rb.tensor(g))
    assert_close(xr.grad, xt.grad, what="input grad")


@pytest.mark.parametrize("shape, args, kwargs", [
    ((2, 3, 10), (2,), {}),
    ((1, 2, 11), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 2, 12), (3,), {"dilation": 2, "stride": 1}),
])
def test_max_pool1d_matches_torch(shape, args, kwargs):
    check_op([shape], _op("max_pool1d", *args, **kwargs), gradcheck_atol=1e-4)
    x = torch.randn(*shape)
    _, ti = F.max_pool1d(x, *args, return_indices=True, **kwargs)
    _, ri = max_pool1d(from_torch(x), *args, return_indices=True, **kwargs)
    assert_close(ri, ti)


@pytest.mark.parametrize("shape, args, kwargs", [
    ((2, 3, 8, 8), (2,), {}),
    ((1, 2, 9, 7), (3,), {"stride": 2, "padding": 1}),
    ((2, 2, 9, 7), ((3, 2),), {"stride": (2, 3), "padding": (1, 1)}),
    ((2, 2, 9, 8), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 2, 9, 8), (3,), {"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}),
    ((2, 2, 7, 6), (3,), {"stride": 2, "padding": 1, "count_include_pad": False}),
    ((2, 2, 7, 6), (3,), {"stride": 2, "padding": 1, "divisor_override": 4}),
    ((2, 2, 7, 7), (2,), {"stride": 1, "ceil_mode": True}),
])
def test_avg_pool2d_matches_torch(shape, args, kwargs):
    check_op([shape], _op("avg_pool2d", *args, **kwargs))


@pytest.mark.parametrize("shape, size", [
    ((2, 3, 8, 8), 1), ((2, 3, 8, 8), (4, 2)), ((1, 2, 9, 7), (4, 3)), ((2, 2, 5, 7), (7, 3)),
    ((2, 2, 6, 5), (None, 2)),
])
def test_adaptive_pools_match_torch(shape, size):
    check_op([shape], _op("adaptive_avg_pool2d", size))
    check_op([shape], _op("adaptive_max_pool2d", size), gradcheck_atol=1e-4)
    x = torch.randn(*shape)
    _, ti = F.adaptive_max_pool2d(x, size, return_indices=True)
    _, ri = adaptive_max_pool2d(from_torch(x), size, return_indices=True)
    assert_close(ri, ti)


@pytest.mark.parametrize("shape, args, kwargs", [
    ((2, 3, 10), (2,), {}),
    ((1, 2, 11), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 2, 9), ((3,),), {"stride": (2,), "padding": 1, "count_include_pad": False}),
])
def test_avg_pool1d_matches_torch(shape, args, kwargs):
    check_op([shape], _op("avg_pool1d", *args, **kwargs))


def test_avg_pool1d_of_int64_truncates_toward_zero_as_torch():
    x = torch.arange(-8, 8).reshape(1, 2, 8)
    assert_close(avg_pool1d(from_torch(x), 3, 2, 1), F.avg_pool1d(x, 3, 2, 1))


@pytest.mark.parametrize("shape, size", [((2, 3, 8), 1), ((2, 3, 8), 3), ((1, 2, 5), (7,))])
def test_adaptive_1d_pools_match_torch(shape, size):
    check_op([shape], _op("adaptive_avg_pool1d", size))
    check_op([shape], _op("adaptive_max_pool1d", size), gradcheck_atol=1e-4)
    x = torch.randn(*shape)
    _, ti = F.adaptive_max_pool1d(x, size, return_indices=True)
    _, ri = adaptive_max_pool1d(from_torch(x), size, return_indices=True)
    assert_close(ri, ti)


def test_pools_keep_float32_and_layout_of_a_strided_input():
    x = numpy.random.default_rng(0).standard_normal((3, 2, 9, 8)).astype(numpy.float32)
    strided = rb.Tensor(numpy.ascontiguousarray(x.transpose(1, 0, 2, 3))).permute(1, 0, 2, 3)
    tx = torch.from_numpy(x)
    pairs = [(max_pool2d(strided, 2), F.max_pool2d(tx, 2)),
             (avg_pool2d(strided, 3, 2, 1), F.avg_pool2d(tx, 3, 2, 1)),
             (adaptive_avg_pool2d(strided, 3), F.adaptive_avg_pool2d(tx, 3)),
             (adaptive_max_pool2d(strided, 3), F.adaptive_max_pool2d(tx, 3))]
    for ours, theirs in pairs:
        assert_close(ours, theirs)  # dtype float32 included


def test_dropout2d_drops_whole_channels_and_scales():
    x = rb.ones(8, 16, 3, 3, requires_grad=True)
    y = dropout2d(x, 0.25, generator=rb.Generator().manual_seed(0))
    per_channel = y.data.reshape(8, 16, -1)
    assert y.dtype == rb.float32
    assert numpy.all(per_channel.min(-1) == per_channel.max(-1))  # one value per channel
    assert set(numpy.unique(per_channel).tolist()) <= {0.0, numpy.float32(1 / 0.75)}
    assert 0 < (per_channel[:, :, 0] == 0).sum() < 128
    y.sum().backward()
    numpy.testing.assert_array_equal(x.grad.data, y.data)  # d(x * m)/dx = m
    same = dropout2d(rb.ones(8, 16, 3, 3), 0.25, generator=rb.Generator().manual_seed(0))
    numpy.testing.assert_array_equal(same.data, y.data)
    assert dropout2d(x, 0.5, training=False) is x
    assert float(dropout2d(x, 1.0).abs().sum()) == 0.0
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        three_d = dropout2d(rb.ones(4, 6, 5), 0.5, generator=rb.Generator().manual_seed(1)).data
    assert numpy.all(three_d.min(-1) == three_d.max(-1))


@pytest.mark.parametrize("shape", [(8, 16, 5), (16, 5)])
def test_dropout1d_drops_whole_channels_of_batches_and_samples(shape):
    x = rb.ones(*shape, requires_grad=True)
    y = dropout1d(x, 0.25, generator=rb.Generator().manual_seed(0))
    assert y.shape == shape and y.dtype == rb.float32
    assert numpy.all(y.data.min(-1) == y.data.max(-1))  # one value per channel
    assert set(numpy.unique(y.data).tolist()) <= {0.0, numpy.float32(1 / 0.75)}
    y.sum().backward()
    numpy.testing.assert_array_equal(x.grad.data, y.data)
    assert dropout1d(x, 0.5, training=False) is x
    layer = rb.nn.Dropout1d(0.2)
    assert repr(layer) == repr(torch.nn.Dropout1d(0.2))
    assert layer.eval()(x) is x


def test_dropout1d_refuses_other_ranks_as_torch():
    with pytest.raises(RuntimeError, match="Expected 2D or 3D input"):
        F.dropout1d(torch.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"dropout1d: expected a 3-d \(N, C, L\) or 2-d \(C, L\)"):
        dropout1d(rb.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="Dropout1d: dropout probability has to be between 0 and 1"):
        rb.nn.Dropout1d(1.5)
    with pytest.raises(ValueError, match="dropout1d: dropout probability"):  # it named dropout2d
        dropout1d(rb.ones(2, 3), 1.5)


@pytest.mark.parametrize("name, shape", [("dropout1d", (4, 6, 5)), ("dropout1d", (6, 5)),
                                         ("dropout2d", (4, 6, 3, 3))])
def test_channel_dropout_in_place_as_torch(name, shape):
    """inplace=True writes the masked input into it, as PyTorch (it raised 'not supported')."""
    x = rb.ones(*shape)
    y = OURS_DROPOUT[name](x, 0.5, inplace=True, generator=rb.Generator().manual_seed(2))
    assert y is x and set(numpy.unique(x.data).tolist()) <= {0.0, 2.0}
    want = OURS_DROPOUT[name](rb.ones(*shape), 0.5, generator=rb.Generator().manual_seed(2))
    numpy.testing.assert_array_equal(x.data, want.data)  # the same masks
    t = torch.ones(shape)
    assert getattr(F, name)(t, 0.5, inplace=True) is t


@pytest.mark.parametrize("shape", [(4, 6), (2, 4, 6, 3, 3)])
def test_dropout2d_takes_other_ranks_with_torchs_deprecation_warning(shape):
    with pytest.warns(UserWarning, match=f"Received a {len(shape)}-D input to dropout2d"):
        F.dropout2d(torch.ones(shape))
    with pytest.warns(UserWarning, match=f"Received a {len(shape)}-D input to dropout2d"):
        y = dropout2d(rb.ones(*shape), 0.5, generator=rb.Generator().manual_seed(3))
    flat = y.data.reshape(shape[0], shape[1], -1)
    assert numpy.all(flat.min(-1) == flat.max(-1))  # one value per (sample, channel)


OURS_DROPOUT = {"dropout1d": dropout1d, "dropout2d": dropout2d}


@pytest.mark.parametrize("name, shape, args, kwargs", [
    ("max_pool2d", (3, 7, 6), (3,), {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool1d", (3, 9), (2,), {"return_indices": True}),
    ("avg_pool2d", (3, 7, 6), (3,), {"stride": 2, "padding": 1, "count_include_pad": False}),
    ("adaptive_avg_pool2d", (3, 7, 5), ((3, 2),), {}),
    ("adaptive_max_pool2d", (3, 7, 5), ((3, 2),), {"return_indices": True}),
    ("avg_pool1d", (3, 9), (2,), {"padding": 1}),
    ("adaptive_avg_pool1d", (3, 9), (4,), {}),
    ("adaptive_max_pool1d", (3, 9), (4,), {"return_indices": True}),
])
def test_pools_take_an_unbatched_sample(name, shape, args, kwargs):
    """One (C, *spatial) sample without its batch dim, as PyTorch's pools take it."""
    check_op([shape], _op(name, *args, **kwargs), gradcheck_atol=1e-4)


@pytest.mark.parametrize("call, message", [
    (lambda: max_pool2d(rb.randn(1, 1, 3, 3), 2, padding=2), r"padding \(2, 2\).*half"),
    (lambda: max_pool2d(rb.randn(1, 1, 3, 3), 4), r"kernel \[4, 4\].*larger.*\[1, 1, 3, 3\]"),
    (lambda: max_pool2d(rb.randn(3, 3), 2), r"4-d.*\[3, 3\]"),
    (lambda: avg_pool2d(rb.randn(1, 1, 4, 4), 2, divisor_override=0), "divisor_override"),
    (lambda: max_pool1d(rb.randn(1, 4, 4, 4), 2), r"3-d.*\[1, 4, 4, 4\]"),
    (lambda: adaptive_avg_pool2d(rb.randn(1, 1, 4, 4), (-1, 2)), "output_size"),
    (lambda: dropout2d(rb.randn(1, 1, 4, 4), 1.5), r"between 0 and 1, but got 1.5"),
    (lambda: dropout2d(rb.randn(4), 0.5), r"at least 2 dims.*\[4\]"),
])
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: max_pool1d(rb.ones(2, 3, 5), 10), r"^max_pool1d: kernel \[10\] .* padded input \[5\] \(input \[2, 3, 5\]\)"),
    (lambda: avg_pool1d(rb.ones(2, 3, 5), 0), r"^avg_pool1d: kernel_size, stride and dilation must be >= 1"),
    (lambda: max_pool1d(rb.ones(2, 3, 5), 3, 1, 2), r"^max_pool1d: padding \(2,\) must be at most half"),
    (lambda: adaptive_avg_pool1d(rb.ones(2, 3, 5), -1), r"^adaptive_avg_pool1d: output_size must be a non-negative int"),
])
def test_1d_pool_errors_name_the_1d_op_and_its_length(call, message):
    """They named the 2-d pool they run and its height-1 image: 'max_pool2d: kernel [1, 10] ...
    larger than the padded input [1, 5] (input [2, 3, 1, 5])'."""
    with pytest.raises(ValueError, match=message):
        call()
