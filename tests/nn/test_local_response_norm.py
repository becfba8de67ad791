"""local_response_norm and LocalResponseNorm against torch.nn.functional / torch.nn."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.functional as TF
from helpers import assert_close, check_op
from .layer_helpers import check_layer

import rosenblatt as rb
from rosenblatt import nn
from rosenblatt.nn.functional import local_response_norm


def _lrn(*args, **kwargs):
    def op(x):
        fn = local_response_norm if isinstance(x, rb.Tensor) else TF.local_response_norm
        return fn(x, *args, **kwargs)
    return op


@pytest.mark.parametrize("shape, size, kwargs", [
    ((2, 5, 7), 3, {}),  # 3-d: (N, C, L)
    ((2, 6, 4, 5), 2, {}),  # 4-d, an even size (more channels after than before)
    ((1, 4, 3, 2, 3), 5, {}),  # 5-d, window larger than C on both sides
    ((2, 3, 2, 2, 2, 2), 3, {}),  # 6-d: all dims after C merged
    ((2, 7, 3, 3), 1, {}),  # size 1: each channel alone
    ((2, 5, 3, 3), 3, {"alpha": 0.5, "beta": 1.3, "k": 2.0}),  # large alpha: the division matters
    ((2, 4, 6), 9, {"alpha": 2.0, "beta": 0.5, "k": 0.5}),  # size > 2C
])
def test_local_response_norm_matches_torch(shape, size, kwargs):
    check_op([shape], _lrn(size, **kwargs))


def test_local_response_norm_of_zeros_and_int64_as_torch():
    zeros = numpy.zeros((1, 3, 4))
    zeros[0, 1] = [1.0, -2.0, 0.0, 3.0]
    check_op(None, _lrn(2, alpha=1.0), inputs=[zeros])
    x = numpy.arange(-12, 12).reshape(2, 3, 4)  # int64: torch's truncated int means, a float32 result
    assert_close(local_response_norm(rb.tensor(x), 3, alpha=1.0),
                 TF.local_response_norm(torch.from_numpy(x), 3, alpha=1.0))


def test_local_response_norm_returns_an_empty_input_as_is():
    for shape in [(0, 3, 4), (2, 0, 4), (2, 3, 0, 2)]:
        x = rb.zeros(*shape)
        assert local_response_norm(x, 3) is x
        assert tuple(TF.local_response_norm(torch.zeros(*shape), 3).shape) == shape


@pytest.mark.parametrize("shape, size, message", [
    ((3, 4), 2, r"expected an input of 3 or more dims \(N, C, \*\), got 2-d input \[3, 4\]"),
    ((2, 3, 4), 0, "size must be an int >= 1"),
    ((2, 3, 4), 2.0, "size must be an int >= 1"),
])
def test_local_response_norm_bad_arguments_raise_value_error(shape, size, message):
    with pytest.raises(ValueError, match=f"local_response_norm: {message}"):
        local_response_norm(rb.randn(*shape), size)


@pytest.mark.parametrize("size, shape", [(3, (2, 6, 5)), (2, (2, 5, 4, 4)), (4, (1, 6, 2, 3, 3))])
def test_local_response_norm_layer_contract(size, shape):
    check_layer(lambda: nn.LocalResponseNorm(size, alpha=0.3, beta=0.9, k=1.5),
                lambda: torch.nn.LocalResponseNorm(size, alpha=0.3, beta=0.9, k=1.5), shape)


def test_local_response_norm_layer_defaults_and_repr_are_torchs():
    ours, theirs = nn.LocalResponseNorm(5), torch.nn.LocalResponseNorm(5)
    assert (ours.size, ours.alpha, ours.beta, ours.k) == (theirs.size, theirs.alpha, theirs.beta, theirs.k)
    assert repr(ours) == repr(theirs)
