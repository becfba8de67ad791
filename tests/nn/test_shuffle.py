"""pixel_shuffle, pixel_unshuffle, channel_shuffle and their layers against PyTorch."""
import pytest
import torch

import rosenblatt as rb
from helpers import check_op
from rosenblatt.nn.functional.shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle
from rosenblatt.nn.modules.shuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle

from .layer_helpers import check_layer

TF = torch.nn.functional


@pytest.mark.parametrize("shape, r", [((2, 8, 3, 5), 2), ((9, 2, 3), 3), ((2, 1, 4, 2, 2), 2), ((1, 3, 2, 2), 1)])
def test_pixel_shuffle_matches_torch(shape, r):
    check_op([shape], lambda x: pixel_shuffle(x, r), lambda x: TF.pixel_shuffle(x, r))


@pytest.mark.parametrize("shape, r", [((2, 2, 6, 4), 2), ((1, 6, 9), 3), ((2, 1, 3, 4, 2), 2)])
def test_pixel_unshuffle_matches_torch_and_inverts_shuffle(shape, r):
    check_op([shape], lambda x: pixel_unshuffle(x, r), lambda x: TF.pixel_unshuffle(x, r))
    x = rb.randn(*shape)
    assert (pixel_shuffle(pixel_unshuffle(x, r), r).data == x.data).all()


@pytest.mark.parametrize("shape, groups", [((2, 6, 3), 2), ((2, 6, 3), 3), ((1, 8, 2, 3), 4), ((2, 6, 1, 2, 2), 6)])
def test_channel_shuffle_matches_torch(shape, groups):
    check_op([shape], lambda x: channel_shuffle(x, groups), lambda x: TF.channel_shuffle(x, groups))


@pytest.mark.parametrize("call, error, message", [
    (lambda: pixel_shuffle(rb.randn(4, 3), 2), ValueError, r"pixel_shuffle: expected an input of at least 3 dims .* \[4, 3\]"),
    (lambda: pixel_shuffle(rb.randn(5, 3, 3), 2), ValueError, r"divisible by upscale_factor \*\* 2 = 4, got shape \[5, 3, 3\]"),
    (lambda: pixel_shuffle(rb.randn(4, 3, 3), 0), ValueError, "pixel_shuffle: expected a positive upscale_factor, got 0"),
    (lambda: pixel_shuffle(rb.randn(4, 3, 3), 2.0), TypeError, "upscale_factor must be an int, got float"),
    (lambda: pixel_unshuffle(rb.randn(1, 5, 4), 2), ValueError, r"pixel_unshuffle: height and width .* \[1, 5, 4\]"),
    (lambda: pixel_unshuffle(rb.randn(1, 4, 4), -1), ValueError, "positive downscale_factor, got -1"),
    (lambda: channel_shuffle(rb.randn(2, 6), 2), ValueError, r"channel_shuffle: expected an input of at least 3 dims .* \[2, 6\]"),
    (lambda: channel_shuffle(rb.randn(2, 5, 3), 2), ValueError, "got 5 channels and 2 groups"),
    (lambda: channel_shuffle(rb.randn(2, 6, 3), 0), ValueError, "positive groups, got 0"),
])
def test_shuffle_errors_where_torch_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("make, tmake, shape", [
    (lambda: PixelShuffle(2), lambda: torch.nn.PixelShuffle(2), (2, 8, 3, 3)),
    (lambda: PixelUnshuffle(3), lambda: torch.nn.PixelUnshuffle(3), (2, 2, 6, 3)),
    (lambda: ChannelShuffle(3), lambda: torch.nn.ChannelShuffle(3), (2, 6, 2, 2)),
])
def test_shuffle_layers_contract_and_repr(make, tmake, shape):
    check_layer(make, tmake, shape)
    assert repr(make()) == repr(tmake())
