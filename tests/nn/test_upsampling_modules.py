"""UpsamplingNearest2d, UpsamplingBilinear2d and the deprecated F.upsample* aliases against PyTorch."""
import warnings

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F
from helpers import check_op

from .layer_helpers import check_layer

TF = torch.nn.functional
SIZES = [{"scale_factor": 2}, {"scale_factor": (2, 3)}, {"scale_factor": 1.5}, {"size": (7, 9)},
         {"size": 6}]


@pytest.mark.parametrize("name", ["UpsamplingNearest2d", "UpsamplingBilinear2d"])
@pytest.mark.parametrize("kwargs", SIZES)
def test_upsampling_layer_contract_and_repr(name, kwargs):
    check_layer(lambda: getattr(nn, name)(**kwargs), lambda: getattr(torch.nn, name)(**kwargs),
                (2, 3, 4, 5))
    assert repr(getattr(nn, name)(**kwargs)) == repr(getattr(torch.nn, name)(**kwargs))


def test_upsampling_layers_take_size_and_scale_factor_positionally_as_torch():
    x = rb.randn(1, 2, 3, 4)
    tx = torch.from_numpy(x.data)
    for name in ("UpsamplingNearest2d", "UpsamplingBilinear2d"):
        assert getattr(nn, name)((5, 6))(x).shape == tuple(getattr(torch.nn, name)((5, 6))(tx).shape)
        assert getattr(nn, name)(None, 2)(x).shape == (1, 2, 6, 8)
        assert isinstance(getattr(nn, name)(size=2), nn.Upsample)


def test_upsampling_bilinear2d_aligns_corners():
    x = rb.tensor(numpy.random.default_rng(0).standard_normal((1, 1, 3, 4)))
    y = nn.UpsamplingBilinear2d(size=(7, 10))(x).data
    corners = (0, -1)
    for i in corners:
        for j in corners:
            assert y[0, 0, i, j] == pytest.approx(x.data[0, 0, i, j], rel=1e-12)
    # and differs from the default align_corners=False resize
    assert not numpy.allclose(y, nn.Upsample(size=(7, 10), mode="bilinear")(x).data)


def test_upsampling_nearest2d_copies_cells():
    x = rb.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    y = nn.UpsamplingNearest2d(scale_factor=2)(x)
    assert y.tolist() == [[[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0],
                            [3.0, 3.0, 4.0, 4.0], [3.0, 3.0, 4.0, 4.0]]]]


def _quiet(fn):
    """``fn`` with the deprecation warnings of both libraries silenced."""
    def call(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    return call


@pytest.mark.parametrize("kwargs", [
    {"scale_factor": 2}, {"size": (5, 7)}, {"scale_factor": 2, "mode": "bilinear"},
    {"size": 6, "mode": "bilinear", "align_corners": True}, {"scale_factor": 1.5, "mode": "bicubic"},
])
def test_upsample_is_interpolate(kwargs):
    check_op([(2, 3, 4, 5)], _quiet(lambda x: F.upsample(x, **kwargs)),
             _quiet(lambda x: TF.upsample(x, **kwargs)))


@pytest.mark.parametrize("kwargs", [{"scale_factor": 2}, {"size": (5, 7)}, {"scale_factor": (1.5, 2)}])
def test_upsample_nearest_and_bilinear_match_torch(kwargs):
    check_op([(2, 3, 4, 5)], _quiet(lambda x: F.upsample_nearest(x, **kwargs)),
             _quiet(lambda x: TF.upsample_nearest(x, **kwargs)))
    check_op([(2, 3, 4, 5)], _quiet(lambda x: F.upsample_bilinear(x, **kwargs)),
             _quiet(lambda x: TF.upsample_bilinear(x, **kwargs)))


def test_upsample_bilinear_uses_aligned_corners():
    x = rb.randn(1, 2, 3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = F.upsample_bilinear(x, size=(5, 9))
    want = F.interpolate(x, size=(5, 9), mode="bilinear", align_corners=True)
    numpy.testing.assert_array_equal(got.data, want.data)


@pytest.mark.parametrize("name", ["upsample", "upsample_nearest", "upsample_bilinear"])
def test_upsample_aliases_warn_as_torch_at_the_caller(name):
    x = rb.randn(1, 1, 2, 2)
    with pytest.warns(UserWarning) as ours:
        getattr(F, name)(x, scale_factor=2)
    with pytest.warns(UserWarning) as theirs:
        getattr(TF, name)(torch.from_numpy(x.data), scale_factor=2)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    assert ours[0].filename == __file__  # stacklevel: the warning names the calling line


def test_upsampling_layers_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.UpsamplingBilinear2d(scale_factor=2)(rb.randn(1, 1, 2, 2))
        nn.UpsamplingNearest2d(scale_factor=2)(rb.randn(1, 1, 2, 2))
