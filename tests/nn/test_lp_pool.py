"""lp_pool1d/2d/3d and LPPool1d/2d/3d against torch.nn.functional / torch.nn."""
from __future__ import annotations

import math

import numpy
import pytest
import torch
import torch.nn.functional as TF
from helpers import assert_close, check_op
from .layer_helpers import check_layer

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F


def _op(name: str, *args, **kwargs):
    def op(x):
        fn = getattr(F if isinstance(x, rb.Tensor) else TF, name)
        return fn(x, *args, **kwargs)
    return op


CASES = [  # name, input shape, norm_type, kernel_size, kwargs
    ("lp_pool2d", (2, 3, 6, 6), 2, 2, {}),
    ("lp_pool2d", (2, 2, 7, 8), 3, (3, 2), {"stride": (2, 1)}),  # non-square, overlapping in W
    ("lp_pool2d", (1, 2, 7, 7), 1.5, 3, {"stride": 2, "ceil_mode": True}),  # partial last windows
    ("lp_pool2d", (2, 2, 5, 5), 1, 2, {"ceil_mode": True}),  # p = 1: window sums
    ("lp_pool2d", (3, 5, 5), 2, 2, {}),  # unbatched
    ("lp_pool1d", (2, 3, 9), 2, 3, {}),
    ("lp_pool1d", (2, 3, 10), 4, 3, {"stride": 2, "ceil_mode": True}),
    ("lp_pool1d", (3, 8), 2.5, 2, {}),  # unbatched
    ("lp_pool3d", (1, 2, 4, 5, 6), 2, 2, {}),
    ("lp_pool3d", (1, 2, 5, 5, 5), 3, (2, 3, 2), {"stride": (1, 2, 2), "ceil_mode": True}),
    ("lp_pool3d", (2, 4, 4, 4), 2, 2, {}),  # unbatched
]


@pytest.mark.parametrize("name, shape, p, kernel, kwargs", CASES)
def test_lp_pool_matches_torch(name, shape, p, kernel, kwargs):
    # positive inputs: a negative sum of powers is NaN for a fractional 1/p in both libraries
    check_op([shape], _op(name, p, kernel, **kwargs), positive=True, gradcheck_atol=1e-4)


@pytest.mark.parametrize("name, shape", [("lp_pool1d", (2, 3, 8)), ("lp_pool2d", (2, 3, 6, 6)),
                                         ("lp_pool3d", (1, 2, 4, 4, 4))])
@pytest.mark.parametrize("p", [math.inf, -math.inf])
def test_infinite_norms_are_max_pools_of_abs_as_torch(name, shape, p):
    check_op([shape], _op(name, p, 2))


def test_lp_pool_of_signed_inputs_matches_torch_even_p_and_odd_p():
    check_op([(2, 2, 6, 6)], _op("lp_pool2d", 2, 2))  # x^2 >= 0: any sign
    # odd p: windows with a negative sum of cubes are NaN, in torch too (gradients not compared:
    # both are NaN there, and the helper's gradcheck cannot run through NaN)
    x = numpy.random.default_rng(1).uniform(-2, 2, (2, 2, 6, 6))
    got, want = F.lp_pool2d(rb.tensor(x), 3, 2), TF.lp_pool2d(torch.from_numpy(x), 3, 2)
    assert torch.isnan(want).any() and not torch.isnan(want).all()
    assert_close(got, want)


def test_all_zero_windows_get_a_zero_gradient_as_torch():
    x = numpy.random.default_rng(0).uniform(0.5, 1.5, (1, 1, 4, 4))
    x[0, 0, :2, :2] = 0.0  # one window of zeros: d/dx of (sum x^p)^(1/p) is inf * 0 there
    for p in (2, 1.5):
        check_op(None, _op("lp_pool2d", p, 2), inputs=[x], gradcheck=False)
        xt = torch.from_numpy(x).requires_grad_()
        TF.lp_pool2d(xt, p, 2).sum().backward()
        assert (xt.grad[0, 0, :2, :2] == 0).all()  # the case really is torch's zero


def test_lp_pool_of_int64_as_torch():
    x = numpy.arange(36).reshape(1, 1, 6, 6) % 7
    assert_close(F.lp_pool2d(rb.tensor(x), 2, 3), TF.lp_pool2d(torch.from_numpy(x), 2, 3))


def test_lp_pool_bad_arguments_raise():
    with pytest.raises(ValueError, match="lp_pool2d: norm_type must be non-zero"):
        F.lp_pool2d(rb.randn(1, 1, 4, 4), 0, 2)
    with pytest.raises(TypeError, match="lp_pool1d: kernel_size must be an int"):
        F.lp_pool1d(rb.randn(1, 1, 4), 2, (2,))
    with pytest.raises(TypeError, match="lp_pool2d: norm_type must be a number"):
        F.lp_pool2d(rb.randn(1, 1, 4, 4), "2", 2)
    with pytest.raises(ValueError, match="avg_pool2d: kernel"):  # the pool's own window check
        F.lp_pool2d(rb.randn(1, 1, 2, 2), 2, 3)


@pytest.mark.parametrize("layer, args, kwargs, shape", [
    ("LPPool1d", (2, 3), {"stride": 2}, (2, 3, 11)),
    ("LPPool2d", (2, (3, 2)), {}, (2, 3, 7, 6)),
    ("LPPool2d", (1.5, 3), {"stride": 2, "ceil_mode": True}, (1, 2, 8, 8)),
    ("LPPool3d", (3, 2), {}, (1, 2, 4, 4, 6)),
])
def test_lp_pool_layers_contract(layer, args, kwargs, shape):
    check_layer(lambda: getattr(nn, layer)(*args, **kwargs), lambda: getattr(torch.nn, layer)(*args, **kwargs),
                shape, low=0.1, high=2.0)


def test_lp_pool_layers_keep_their_arguments_and_repr_as_torch():
    for layer in ("LPPool1d", "LPPool2d", "LPPool3d"):
        ours, theirs = getattr(nn, layer)(2, 3), getattr(torch.nn, layer)(2, 3)
        assert (ours.norm_type, ours.kernel_size, ours.stride, ours.ceil_mode) == (
            theirs.norm_type, theirs.kernel_size, theirs.stride, theirs.ceil_mode)
        assert repr(ours) == repr(theirs)
