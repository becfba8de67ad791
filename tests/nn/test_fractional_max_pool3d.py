"""fractional_max_pool3d and FractionalMaxPool3d against torch: the same samples give the same
windows, so values and indices must be equal exactly."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.functional as TF
from helpers import assert_close, check_op, from_torch

import rosenblatt as rb
from rosenblatt import nn
from rosenblatt.nn.functional import fractional_max_pool3d

from .layer_helpers import check_layer


def _assert_exact(got, want):
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
    numpy.testing.assert_array_equal(got.data, want.detach().numpy())


CASES = [  # input shape, kernel_size, output_size / output_ratio
    ((2, 3, 6, 7, 8), 2, {"output_size": 3}),
    ((2, 3, 6, 7, 8), 2, {"output_size": (4, 5, 6)}),  # the largest output: in - k (PyTorch's 3-d rule)
    ((1, 4, 9, 8, 11), (2, 3, 1), {"output_size": (5, 4, 7)}),
    ((2, 2, 10, 12, 9), 2, {"output_ratio": (0.5, 0.6, 0.7)}),
    ((2, 2, 5, 6, 7), 3, {"output_size": 1}),  # one window: the last, ending at the edge
    ((3, 7, 8, 6), 2, {"output_size": (4, 3, 2)}),  # unbatched
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape, kernel, size", CASES)
def test_same_samples_give_torchs_values_and_indices_exactly(shape, kernel, size, dtype):
    batch, channels = (shape[0] if len(shape) == 5 else 1), shape[-4]
    for seed in range(6):  # many samples: each places the windows differently
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(*shape, generator=g, dtype=dtype)
        samples = torch.rand(batch, channels, 3, generator=g, dtype=dtype)
        want_y, want_i = TF.fractional_max_pool3d(x, kernel, return_indices=True, _random_samples=samples, **size)
        got_y, got_i = fractional_max_pool3d(from_torch(x), kernel, return_indices=True,
                                             _random_samples=from_torch(samples), **size)
        _assert_exact(got_y, want_y)
        _assert_exact(got_i, want_i)


def test_each_sample_places_its_own_axis_as_torch():
    # sample 0 moves the D windows, 1 the H ones, 2 the W ones (the 2-d pool's order is W, H)
    x = torch.arange(5 * 7 * 5, dtype=torch.float64).reshape(1, 1, 5, 7, 5)
    for s in ([0.0, 0.0, 0.0], [0.4, 0.0, 0.0], [0.0, 0.3, 0.0], [0.0, 0.0, 0.4]):
        u = torch.tensor([[s]], dtype=torch.float64)
        want = TF.fractional_max_pool3d(x, 2, output_size=3, return_indices=True, _random_samples=u)[1]
        got = fractional_max_pool3d(from_torch(x), 2, output_size=3, return_indices=True, _random_samples=from_torch(u))[1]
        _assert_exact(got, want)


def test_samples_near_the_window_boundaries_round_as_torch_in_float32():
    x = torch.randn(1, 32, 12, 12, 12)
    u = torch.linspace(0, 1, 97)[:-1].reshape(1, 32, 3)
    for out in (3, 5, 9):
        want = TF.fractional_max_pool3d(x, 2, output_size=out, return_indices=True, _random_samples=u)
        got = fractional_max_pool3d(from_torch(x), 2, output_size=out, return_indices=True,
                                    _random_samples=from_torch(u))
        _assert_exact(got[1], want[1])


def test_gradient_goes_to_each_windows_maximum_as_torch():
    samples = torch.rand(2, 3, 3, dtype=torch.float64)
    for size in (3, (4, 2, 3)):  # (4, 2, 3): overlapping windows in D, one input the max of several cells
        def op(x, size=size):
            s = samples.float() if "float32" in str(x.dtype) else samples  # the input's dtype
            if isinstance(x, rb.Tensor):
                return fractional_max_pool3d(x, (3, 2, 2), output_size=size, _random_samples=from_torch(s))
            return TF.fractional_max_pool3d(x, (3, 2, 2), output_size=size, _random_samples=s)
        check_op([(2, 3, 7, 6, 5)], op, gradcheck_atol=1e-4)


def test_nan_and_all_minus_inf_windows_follow_torch():
    x = torch.full((1, 1, 3, 3, 3), -float("inf"))
    x[0, 0, 0, 0, 1] = float("nan")
    x[0, 0, 0, 1, 0] = float("nan")
    x[0, 0, 1, 1, 1] = 2.0
    u = torch.tensor([[[0.5, 0.5, 0.5]]])
    want = TF.fractional_max_pool3d(x, 2, output_size=1, return_indices=True, _random_samples=u)
    got = fractional_max_pool3d(from_torch(x), 2, output_size=1, return_indices=True, _random_samples=from_torch(u))
    _assert_exact(got[1], want[1])
    assert_close(got[0], want[0])  # nan == nan here
    y = torch.full((1, 1, 3, 3, 3), -float("inf"))
    want = TF.fractional_max_pool3d(y, 2, output_size=1, return_indices=True, _random_samples=u)
    got = fractional_max_pool3d(from_torch(y), 2, output_size=1, return_indices=True, _random_samples=from_torch(u))
    _assert_exact(got[1], want[1])


def test_samples_are_drawn_from_the_generator_as_torch_draws_them():
    x = rb.randn(2, 3, 9, 10, 9)  # sizes whose alpha is not an integer: the samples move the windows
    g = lambda: rb.Generator().manual_seed(7)  # noqa: E731
    first = fractional_max_pool3d(x, 2, output_size=4, return_indices=True, generator=g())
    again = fractional_max_pool3d(x, 2, output_size=4, return_indices=True, generator=g())
    numpy.testing.assert_array_equal(first[1].data, again[1].data)
    # the samples drawn are rand(N, C, 3)'s from that generator: torch given them agrees
    samples = rb.rand(2, 3, 3, generator=g())
    want = TF.fractional_max_pool3d(torch.from_numpy(x.data.copy()), 2, output_size=4, return_indices=True,
                                    _random_samples=torch.from_numpy(samples.data.copy()))
    _assert_exact(first[0], want[0])
    _assert_exact(first[1], want[1])
    rb.manual_seed(3)
    a = fractional_max_pool3d(x, 2, output_size=4, return_indices=True)[1].data
    b = fractional_max_pool3d(x, 2, output_size=4, return_indices=True)[1].data
    assert not numpy.array_equal(a, b)
    # every output is the input at its index
    y, i = fractional_max_pool3d(x, 2, output_size=4, return_indices=True)
    at_indices = numpy.take_along_axis(x.data.reshape(2, 3, -1), i.data.reshape(2, 3, -1), 2)
    numpy.testing.assert_array_equal(y.data.reshape(2, 3, -1), at_indices)


def test_more_sample_rows_than_the_batch_an_unbatched_input_and_an_empty_batch_as_torch():
    x, u = torch.randn(2, 3, 6, 6, 6), torch.rand(5, 3, 3)
    want = TF.fractional_max_pool3d(x, 2, output_size=3, return_indices=True, _random_samples=u)
    got = fractional_max_pool3d(from_torch(x), 2, output_size=3, return_indices=True, _random_samples=from_torch(u))
    _assert_exact(got[1], want[1])
    want = TF.fractional_max_pool3d(x[0], 2, output_size=3, return_indices=True, _random_samples=u[:1])
    got = fractional_max_pool3d(from_torch(x[0]), 2, output_size=3, return_indices=True, _random_samples=from_torch(u[:1]))
    _assert_exact(got[1], want[1])
    empty = TF.fractional_max_pool3d(x[:0], 2, output_size=3, _random_samples=u[:0])
    _assert_exact(fractional_max_pool3d(from_torch(x[:0]), 2, output_size=3, _random_samples=from_torch(u[:0])), empty)


@pytest.mark.parametrize("call, error, message", [
    (lambda x, u: fractional_max_pool3d(x, 3, output_size=4, _random_samples=u), ValueError,
     r"output depth 4 with pool depth 3 needs an input depth of at least 7, got 6 .*use a smaller output_size"),
    (lambda x, u: fractional_max_pool3d(x, (2, 2, 4), output_ratio=(0.5, 0.6, 0.7), _random_samples=u), ValueError,
     r"output width 5 with pool width 4 needs an input width of at least 9, got 8"),
    (lambda x, u: fractional_max_pool3d(x, 3, _random_samples=u), ValueError,
     "requires either an output_size or an output_ratio"),
    (lambda x, u: fractional_max_pool3d(x, 2, output_size=2, _random_samples=u[:, :, :2]), ValueError,
     r"_random_samples must have shape \(N, C, 3\) = \(2, 3, 3\) .* got \[2, 3, 2\]"),
    (lambda x, u: fractional_max_pool3d(x, 2, output_size=2, _random_samples=u[:1]), ValueError,
     r"_random_samples must have shape"),
    (lambda x, u: fractional_max_pool3d(x, 2, output_size=2, _random_samples=u.double()), TypeError,
     r"_random_samples must have the input's dtype float32 .* got float64"),
    (lambda x, u: fractional_max_pool3d(x.long(), 2, output_size=2), TypeError, "expected a floating-point input"),
    (lambda x, u: fractional_max_pool3d(x[0, 0], 2, output_size=2), ValueError,
     r"expected a 5-d input \(N, C, D, H, W\) or an unbatched 4-d one \(C, D, H, W\), got \[6, 7, 8\]"),
    (lambda x, u: fractional_max_pool3d(x[:, :0], 2, output_size=2), ValueError, "expected non-zero C, D, H and W"),
    (lambda x, u: fractional_max_pool3d(x, 2, output_ratio=(0.5, 0.5), _random_samples=u), ValueError,
     "output_ratio must be a number or a triple"),
])
def test_bad_input_raises_naming_the_op_and_the_fix(call, error, message):
    x, u = rb.randn(2, 3, 6, 7, 8), rb.rand(2, 3, 3)
    with pytest.raises(error, match=f"fractional_max_pool3d: {message}"):
        call(x, u)
    with pytest.raises(Exception):  # torch refuses each as well
        call(torch.from_numpy(x.data.copy()), torch.from_numpy(u.data.copy()))


def test_layer_contract_with_fixed_samples():
    samples = torch.rand(2, 3, 3)
    for kwargs in ({"output_size": (4, 3, 2)}, {"output_ratio": 0.5}):
        check_layer(lambda: nn.FractionalMaxPool3d(3, _random_samples=from_torch(samples), **kwargs),
                    lambda: torch.nn.FractionalMaxPool3d(3, _random_samples=samples, **kwargs), (2, 3, 8, 7, 6))


def test_layer_returns_indices_keeps_torchs_attributes_and_checks_its_arguments():
    samples = torch.rand(1, 2, 3)
    ours = nn.FractionalMaxPool3d((2, 3, 2), output_size=3, return_indices=True, _random_samples=from_torch(samples))
    theirs = torch.nn.FractionalMaxPool3d((2, 3, 2), output_size=3, return_indices=True, _random_samples=samples)
    assert (ours.kernel_size, ours.output_size, ours.output_ratio) == (theirs.kernel_size, theirs.output_size,
                                                                       theirs.output_ratio)
    assert repr(ours) == repr(theirs) == "FractionalMaxPool3d()"
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["_random_samples"]
    x = torch.randn(1, 2, 7, 7, 7)
    for got, want in zip(ours(from_torch(x)), theirs(x)):
        _assert_exact(got, want)
    ratio = nn.FractionalMaxPool3d(2, output_ratio=0.5)
    assert ratio.output_ratio == torch.nn.FractionalMaxPool3d(2, output_ratio=0.5).output_ratio == (0.5, 0.5, 0.5)
    assert list(ratio.state_dict()) == []
    for args, kwargs, message in [((2,), {}, "requires an output_size or an output_ratio"),
                                  ((2,), {"output_size": 2, "output_ratio": 0.5}, "only one of output_size and output_ratio"),
                                  ((2,), {"output_ratio": (0.5, 1.2, 0.5)}, r"output_ratio must be between 0 and 1"),
                                  ((0,), {"output_size": 2}, "kernel_size must be greater than 0, but got 0"),
                                  (((2, -1, 2),), {"output_size": 2}, "kernel_size must be greater than 0")]:
        with pytest.raises(ValueError, match=f"FractionalMaxPool3d: {message}"):
            nn.FractionalMaxPool3d(*args, **kwargs)
        with pytest.raises(ValueError):
            torch.nn.FractionalMaxPool3d(*args, **kwargs)


def test_layer_draws_new_windows_at_each_call_and_unpools():
    pool = nn.FractionalMaxPool3d(2, output_size=4, return_indices=True, generator=rb.Generator().manual_seed(0))
    x = rb.randn(2, 2, 9, 9, 9)
    assert not numpy.array_equal(pool(x)[1].data, pool(x)[1].data)
    y, i = pool(x)
    assert y.dtype == numpy.float32 and i.dtype == numpy.int64
    restored = nn.MaxUnpool3d(2)(y, i, output_size=(9, 9, 9))
    assert_close(restored, TF.max_unpool3d(torch.from_numpy(y.data), torch.from_numpy(i.data), 2,
                                           output_size=(9, 9, 9)))
