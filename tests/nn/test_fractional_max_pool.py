"""fractional_max_pool2d and FractionalMaxPool2d against torch: the same samples give the same
windows, so values and indices must be equal exactly."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.functional as TF
from helpers import assert_close, check_op, from_torch

import rosenblatt as rb
from rosenblatt import nn
from rosenblatt.nn.functional import fractional_max_pool2d

from .layer_helpers import check_layer


def _assert_exact(got, want):
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
    numpy.testing.assert_array_equal(got.data, want.detach().numpy())


CASES = [  # input shape, kernel_size, output_size / output_ratio
    ((2, 3, 10, 9), 3, {"output_size": 4}),
    ((2, 3, 10, 9), 3, {"output_size": (8, 7)}),  # the largest output: in - k + 1
    ((1, 4, 17, 13), (2, 3), {"output_size": (5, 6)}),
    ((2, 2, 25, 31), 2, {"output_ratio": (0.5, 0.7)}),
    ((2, 2, 11, 12), 3, {"output_size": 1}),  # one window: the last, ending at the edge
    ((3, 9, 8), 2, {"output_size": (4, 3)}),  # unbatched
    ((1, 1, 50, 32), 3, {"output_size": (13, 12)}),  # PyTorch's docs' example
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape, kernel, size", CASES)
def test_same_samples_give_torchs_values_and_indices_exactly(shape, kernel, size, dtype):
    batch, channels = (shape[0] if len(shape) == 4 else 1), shape[-3]
    for seed in range(8):  # many samples: each places the windows differently
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(*shape, generator=g, dtype=dtype)
        samples = torch.rand(batch, channels, 2, generator=g, dtype=dtype)
        want_y, want_i = TF.fractional_max_pool2d(x, kernel, return_indices=True, _random_samples=samples, **size)
        got_y, got_i = fractional_max_pool2d(from_torch(x), kernel, return_indices=True,
                                             _random_samples=from_torch(samples), **size)
        _assert_exact(got_y, want_y)
        _assert_exact(got_i, want_i)


def test_samples_near_the_window_boundaries_round_as_torch_in_float32():
    # u * alpha just below or above an integer: the float32 products must be rounded as C rounds them
    x = torch.randn(1, 64, 40, 40)
    u = torch.linspace(0, 1, 129)[:-1].reshape(1, 64, 2)
    for out in (7, 13, 29):
        want = TF.fractional_max_pool2d(x, 2, output_size=out, return_indices=True, _random_samples=u)
        got = fractional_max_pool2d(from_torch(x), 2, output_size=out, return_indices=True,
                                    _random_samples=from_torch(u))
        _assert_exact(got[1], want[1])


def test_gradient_goes_to_each_windows_maximum_as_torch():
    samples = torch.rand(2, 3, 2, dtype=torch.float64)
    for size in (4, (7, 3)):  # (7, 3): overlapping windows in H, one input the max of several cells
        def op(x, size=size):
            s = samples.float() if "float32" in str(x.dtype) else samples  # the input's dtype
            if isinstance(x, rb.Tensor):
                return fractional_max_pool2d(x, 3, output_size=size, _random_samples=from_torch(s))
            return TF.fractional_max_pool2d(x, 3, output_size=size, _random_samples=s)
        check_op([(2, 3, 10, 9)], op, gradcheck_atol=1e-4)


def test_nan_and_all_minus_inf_windows_follow_torch():
    x = torch.tensor([[[[1.0, float("nan"), 3.0, float("nan")], [5.0, 6.0, 7.0, 8.0],
                        [-float("inf")] * 4, [-float("inf")] * 4]]])
    u = torch.tensor([[[0.5, 0.5]]])
    want = TF.fractional_max_pool2d(x, 2, output_size=2, return_indices=True, _random_samples=u)
    got = fractional_max_pool2d(from_torch(x), 2, output_size=2, return_indices=True, _random_samples=from_torch(u))
    _assert_exact(got[1], want[1])
    assert_close(got[0], want[0])  # nan == nan here


def test_samples_are_drawn_from_the_generator():
    x = rb.randn(2, 3, 12, 12)
    g = lambda: rb.Generator().manual_seed(7)  # noqa: E731
    first = fractional_max_pool2d(x, 2, output_size=5, return_indices=True, generator=g())
    again = fractional_max_pool2d(x, 2, output_size=5, return_indices=True, generator=g())
    numpy.testing.assert_array_equal(first[1].data, again[1].data)
    # the samples drawn are rand(N, C, 2)'s from that generator: torch given them agrees
    samples = rb.rand(2, 3, 2, generator=g())
    want = TF.fractional_max_pool2d(torch.from_numpy(x.data.copy()), 2, output_size=5, return_indices=True,
                                    _random_samples=torch.from_numpy(samples.data.copy()))
    _assert_exact(first[0], want[0])
    _assert_exact(first[1], want[1])
    # the default generator: fresh windows at each call, the same after reseeding
    rb.manual_seed(3)
    a = fractional_max_pool2d(x, 2, output_size=5, return_indices=True)[1].data
    b = fractional_max_pool2d(x, 2, output_size=5, return_indices=True)[1].data
    rb.manual_seed(3)
    c = fractional_max_pool2d(x, 2, output_size=5, return_indices=True)[1].data
    assert not numpy.array_equal(a, b)
    numpy.testing.assert_array_equal(a, c)
    # every output is the input at its index
    flat = x.data.reshape(2, 3, -1)
    y, i = fractional_max_pool2d(x, 2, output_size=5, return_indices=True)
    at_indices = numpy.take_along_axis(flat, i.data.reshape(2, 3, -1), 2)
    numpy.testing.assert_array_equal(y.data.reshape(2, 3, -1), at_indices)


def test_more_sample_rows_than_the_batch_and_an_empty_batch_as_torch():
    x, u = torch.randn(2, 3, 9, 9), torch.rand(5, 3, 2)
    want = TF.fractional_max_pool2d(x, 2, output_size=4, return_indices=True, _random_samples=u)
    got = fractional_max_pool2d(from_torch(x), 2, output_size=4, return_indices=True, _random_samples=from_torch(u))
    _assert_exact(got[1], want[1])
    empty = TF.fractional_max_pool2d(x[:0], 2, output_size=4, _random_samples=u[:0])
    _assert_exact(fractional_max_pool2d(from_torch(x[:0]), 2, output_size=4, _random_samples=from_torch(u[:0])), empty)


@pytest.mark.parametrize("call, error, message", [
    (lambda x, u: fractional_max_pool2d(x, 3, output_size=9, _random_samples=u), ValueError,
     r"output height 9 with pool height 3 needs an input height of at least 11, got 10"),
    (lambda x, u: fractional_max_pool2d(x, 3, _random_samples=u), ValueError,
     "requires either an output_size or an output_ratio"),
    (lambda x, u: fractional_max_pool2d(x, 3, output_size=4, _random_samples=u[:1]), ValueError,
     r"_random_samples must have shape \(N, C, 2\) = \(2, 3, 2\) .* got \[1, 3, 2\]"),
    (lambda x, u: fractional_max_pool2d(x, 3, output_size=4, _random_samples=u[:, :2]), ValueError,
     r"_random_samples must have shape"),
    (lambda x, u: fractional_max_pool2d(x, 3, output_size=4, _random_samples=u.double()), TypeError,
     r"_random_samples must have the input's dtype float32 .* got float64"),
    (lambda x, u: fractional_max_pool2d(x.long(), 3, output_size=4), TypeError,
     "expected a floating-point input"),
    (lambda x, u: fractional_max_pool2d(x[0, 0], 3, output_size=4), ValueError,
     r"expected a 4-d input \(N, C, H, W\) .* got \[10, 9\]"),
    (lambda x, u: fractional_max_pool2d(x[:, :0], 3, output_size=4), ValueError, "expected non-zero C, H and W"),
])
def test_bad_input_raises_naming_the_op_and_the_fix(call, error, message):
    x, u = rb.randn(2, 3, 10, 9), rb.rand(2, 3, 2)
    with pytest.raises(error, match=f"fractional_max_pool2d: {message}"):
        call(x, u)


def test_layer_contract_with_fixed_samples():
    samples = torch.rand(2, 3, 2)
    for kwargs in ({"output_size": (4, 5)}, {"output_ratio": 0.5}):
        check_layer(lambda: nn.FractionalMaxPool2d(3, _random_samples=from_torch(samples), **kwargs),
                    lambda: torch.nn.FractionalMaxPool2d(3, _random_samples=samples, **kwargs), (2, 3, 11, 10))


def test_layer_returns_indices_keeps_torchs_attributes_and_checks_its_arguments():
    samples = torch.rand(1, 2, 2)
    ours = nn.FractionalMaxPool2d(2, output_size=3, return_indices=True, _random_samples=from_torch(samples))
    theirs = torch.nn.FractionalMaxPool2d(2, output_size=3, return_indices=True, _random_samples=samples)
    assert (ours.kernel_size, ours.output_size, ours.output_ratio) == (theirs.kernel_size, theirs.output_size,
                                                                       theirs.output_ratio)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["_random_samples"]
    x = torch.randn(1, 2, 7, 7)
    for got, want in zip(ours(from_torch(x)), theirs(x)):
        _assert_exact(got, want)
    assert list(nn.FractionalMaxPool2d(2, output_ratio=0.5).state_dict()) == []
    for kwargs, message in [({}, "requires an output_size or an output_ratio"),
                            ({"output_size": 2, "output_ratio": 0.5}, "only one of output_size and output_ratio"),
                            ({"output_ratio": 1.5}, r"output_ratio must be between 0 and 1")]:
        with pytest.raises(ValueError, match=f"FractionalMaxPool2d: {message}"):
            nn.FractionalMaxPool2d(2, **kwargs)
        with pytest.raises(ValueError):
            torch.nn.FractionalMaxPool2d(2, **kwargs)


def test_layer_draws_new_windows_at_each_call():
    pool = nn.FractionalMaxPool2d(2, output_size=6, return_indices=True, generator=rb.Generator().manual_seed(0))
    x = rb.randn(2, 4, 16, 16)
    assert not numpy.array_equal(pool(x)[1].data, pool(x)[1].data)
    assert pool(x)[0].dtype == numpy.float32
