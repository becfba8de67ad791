"""interpolate (nearest, bilinear) against torch.nn.functional.interpolate."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.functional as F
from helpers import check_op

import rosenblatt as rb
from rosenblatt.nn.functional.sampling import interpolate

SIZES = [{"size": (13, 5)}, {"size": 4}, {"size": (9, 16)}, {"scale_factor": 2},
         {"scale_factor": 2.5}, {"scale_factor": (0.7, 1.3)}, {"size": (1, 1)}]


def _op(**kwargs):
    def op(x):
        return (interpolate if isinstance(x, rb.Tensor) else F.interpolate)(x, **kwargs)
    return op


@pytest.mark.parametrize("sizes", SIZES)
def test_nearest_matches_torch(sizes):
    check_op([(2, 3, 9, 8)], _op(mode="nearest", **sizes))


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("align_corners", [False, True])
def test_bilinear_matches_torch(sizes, align_corners):
    check_op([(2, 3, 9, 8)], _op(mode="bilinear", align_corners=align_corners, **sizes))


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_integer_input_raises_as_torch(mode):
    x = numpy.arange(16).reshape(1, 1, 4, 4)
    with pytest.raises(NotImplementedError):
        F.interpolate(torch.from_numpy(x), scale_factor=2, mode=mode)
    with pytest.raises(TypeError, match="interpolate: expected a floating-point input, got dtype int64"):
        interpolate(rb.tensor(x), scale_factor=2, mode=mode)


def test_batch_one_and_one_pixel_input():
    check_op([(1, 2, 1, 1)], _op(mode="bilinear", size=(3, 4), align_corners=False))
    check_op([(1, 2, 1, 3)], _op(mode="nearest", scale_factor=3))


@pytest.mark.parametrize("kwargs, message", [
    ({"size": 4, "scale_factor": 2}, "exactly one"),
    ({}, "exactly one"),
    ({"size": 4, "mode": "bicubic"}, "'nearest' or 'bilinear'"),
    ({"size": 4, "mode": "nearest", "align_corners": True}, "align_corners"),
    ({"scale_factor": 0.1}, r"\[0, 0\].*\[1, 2, 5, 5\]"),
])
def test_bad_input_raises_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        interpolate(rb.randn(1, 2, 5, 5), **kwargs)
