"""interpolate (every mode, 1-d and 2-d) against torch.nn.functional.interpolate."""
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
    ({"size": 4, "mode": "trilinear"}, "mode must be one of 'nearest', 'nearest-exact'"),
    ({"size": 4, "mode": "linear"}, r"'linear' takes a \(N, C, L\) Tensor, got \[1, 2, 5, 5\]"),
    ({"size": 4, "mode": "nearest", "align_corners": True}, "align_corners"),
    ({"size": 4, "mode": "area", "align_corners": False}, "align_corners"),
    ({"size": 2, "mode": "bilinear", "antialias": True}, "antialias"),
    ({"scale_factor": 0.1}, r"\[0, 0\].*\[1, 2, 5, 5\]"),
])
def test_bad_input_raises_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        interpolate(rb.randn(1, 2, 5, 5), **kwargs)


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("mode", ["nearest-exact", "area"])
def test_nearest_exact_and_area_match_torch(sizes, mode):
    check_op([(2, 3, 9, 8)], _op(mode=mode, **sizes))


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("align_corners", [False, True])
def test_bicubic_matches_torch(sizes, align_corners):
    # its taps reach past the edges (the border replicated) and its weights go negative
    check_op([(2, 3, 9, 8)], _op(mode="bicubic", align_corners=align_corners, **sizes))


@pytest.mark.parametrize("sizes", [{"size": 13}, {"size": (4,)}, {"scale_factor": 2.5}, {"scale_factor": 0.6}])
@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("nearest-exact", None), ("area", None),
                                                 ("linear", False), ("linear", True)])
def test_one_dimensional_input_matches_torch(sizes, mode, align_corners):
    check_op([(2, 3, 9)], _op(mode=mode, align_corners=align_corners, **sizes))


@pytest.mark.parametrize("mode", ["nearest", "bilinear", "bicubic"])
def test_recompute_scale_factor_samples_by_the_output_size_as_torch(mode):
    # 2.5 x 9 -> 22 cells: by the given factor the source step is 1/2.5, recomputed 9/22
    check_op([(1, 2, 9, 9)], _op(mode=mode, scale_factor=2.5, recompute_scale_factor=True))


@pytest.mark.parametrize("mode", ["nearest-exact", "bicubic", "area"])
def test_upsample_takes_every_mode(mode):
    x = numpy.random.default_rng(0).standard_normal((1, 2, 5, 6)).astype(numpy.float32)
    expected = torch.nn.Upsample(scale_factor=1.5, mode=mode, recompute_scale_factor=True)(torch.from_numpy(x))
    out = rb.nn.Upsample(scale_factor=1.5, mode=mode, recompute_scale_factor=True)(rb.from_numpy(x))
    numpy.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-5, atol=1e-5)
