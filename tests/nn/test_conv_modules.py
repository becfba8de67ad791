"""Convolution, pooling, GroupNorm, Dropout2d and Upsample layers against PyTorch."""
import math
import re

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F
from helpers import assert_close, check_op

from .layer_helpers import check_layer


def _randomise(torch_layer, seed=0):
    """Non-trivial affine parameters (ones/zeros would hide weight-gradient bugs)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in torch_layer.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype))
    return torch_layer


def _same_repr(rb_layer, torch_layer):
    assert repr(rb_layer) == repr(torch_layer)


CONV2D_CASES = [
    ((3, 4, 3), {}, (2, 3, 7, 7)),
    ((1, 6, 5), {"padding": 2}, (2, 1, 12, 12)),
    ((4, 6, (3, 2)), {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)}, (2, 4, 9, 8)),
    ((4, 6, 3), {"groups": 2, "bias": False}, (2, 4, 6, 6)),
    ((4, 4, 3), {"groups": 4, "padding": "same"}, (1, 4, 5, 5)),
    ((3, 5, 3), {"padding": "valid"}, (1, 3, 6, 6)),
    ((2, 3, 3), {"padding": 1, "padding_mode": "reflect"}, (2, 2, 5, 6)),
    ((2, 3, 3), {"padding": (2, 1), "padding_mode": "replicate"}, (2, 2, 5, 6)),
    ((2, 3, 3), {"padding": 1, "padding_mode": "circular"}, (2, 2, 5, 6)),
    ((2, 3, 4), {"padding": "same", "padding_mode": "reflect"}, (1, 2, 6, 6)),
]


@pytest.mark.parametrize("args, kwargs, shape", CONV2D_CASES)
def test_conv2d_contract(args, kwargs, shape):
    check_layer(lambda: nn.Conv2d(*args, **kwargs), lambda: torch.nn.Conv2d(*args, **kwargs), shape,
                grad_atol=1e-8)
    _same_repr(nn.Conv2d(*args, **kwargs), torch.nn.Conv2d(*args, **kwargs))


@pytest.mark.parametrize("args, kwargs, shape", [
    ((3, 4, 3), {}, (2, 3, 10)),
    ((4, 6, 5), {"stride": 2, "padding": 2, "groups": 2}, (2, 4, 11)),
    ((2, 3, 3), {"padding": 2, "dilation": 2, "bias": False}, (1, 2, 9)),
    ((2, 3, 3), {"padding": "same", "padding_mode": "circular"}, (2, 2, 8)),
    ((2, 3, 3), {"padding": 1, "padding_mode": "reflect"}, (2, 2, 8)),
])
def test_conv1d_contract(args, kwargs, shape):
    check_layer(lambda: nn.Conv1d(*args, **kwargs), lambda: torch.nn.Conv1d(*args, **kwargs), shape,
                grad_atol=1e-8)
    _same_repr(nn.Conv1d(*args, **kwargs), torch.nn.Conv1d(*args, **kwargs))


@pytest.mark.parametrize("args, kwargs, shape", [
    ((4, 2, 2), {"stride": 2}, (2, 4, 5, 5)),
    ((3, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1}, (2, 3, 4, 4)),
    ((4, 6, (3, 2)), {"groups": 2, "bias": False, "dilation": (2, 1)}, (1, 4, 3, 4)),
])
def test_conv_transpose2d_contract(args, kwargs, shape):
    check_layer(lambda: nn.ConvTranspose2d(*args, **kwargs),
                lambda: torch.nn.ConvTranspose2d(*args, **kwargs), shape, grad_atol=1e-8)
    _same_repr(nn.ConvTranspose2d(*args, **kwargs), torch.nn.ConvTranspose2d(*args, **kwargs))


@pytest.mark.parametrize("args, kwargs, shape", [
    ((4, 2, 2), {"stride": 2}, (2, 4, 5)),
    ((3, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1}, (2, 3, 6)),
    ((4, 6, 3), {"groups": 2, "bias": False, "dilation": 2}, (1, 4, 7)),
])
def test_conv_transpose1d_contract(args, kwargs, shape):
    check_layer(lambda: nn.ConvTranspose1d(*args, **kwargs),
                lambda: torch.nn.ConvTranspose1d(*args, **kwargs), shape, grad_atol=1e-8)
    _same_repr(nn.ConvTranspose1d(*args, **kwargs), torch.nn.ConvTranspose1d(*args, **kwargs))


def test_conv_transpose1d_output_size_picks_output_padding():
    layer = nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1)
    ref = torch.nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1)
    layer.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    x = numpy.random.default_rng(0).standard_normal((1, 3, 4)).astype(numpy.float32)
    assert_close(layer(rb.tensor(x), output_size=[8]), ref(torch.from_numpy(x), output_size=[8]),
                 atol=1e-5)
    with pytest.raises(ValueError, match=re.escape("requested an output size of [9], but valid sizes "
                                                   "range from [7] to [8]")):
        layer(rb.tensor(x), output_size=[9])


def test_conv_transpose2d_output_size_picks_output_padding():
    layer = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)
    ref = torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)
    layer.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    x = numpy.random.default_rng(0).standard_normal((1, 3, 4, 4)).astype(numpy.float32)
    out = layer(rb.tensor(x), output_size=(8, 8))
    assert tuple(out.shape) == (1, 2, 8, 8)
    assert_close(out, ref(torch.from_numpy(x), output_size=[8, 8]), atol=1e-5)
    for size in ([10, 8], [6, 8]):  # the valid sizes are 7 and 8
        with pytest.raises(ValueError, match="requested an output size"):
            ref(torch.from_numpy(x), output_size=size)
        with pytest.raises(ValueError, match=re.escape(f"requested an output size of {size}, but "
                                                       f"valid sizes range from [7, 7] to [8, 8]")):
            layer(rb.tensor(x), output_size=size)


@pytest.mark.parametrize("make, shape", [
    (lambda m: m.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"), (3, 6, 5)),
    (lambda m: m.Conv1d(3, 4, 3, padding="same", padding_mode="circular"), (3, 7)),
    (lambda m: m.ConvTranspose2d(3, 2, 3, stride=2), (3, 4, 5)),
    (lambda m: m.ConvTranspose1d(3, 2, 3, stride=2), (3, 5)),
    (lambda m: m.AvgPool1d(3, 2, 1), (3, 7)),
    (lambda m: m.AdaptiveAvgPool1d(3), (3, 7)),
    (lambda m: m.AdaptiveMaxPool1d(3), (3, 7)),
])
def test_conv_layers_take_an_unbatched_sample(make, shape):
    check_layer(lambda: make(nn), lambda: make(torch.nn), shape, grad_atol=1e-8)


@pytest.mark.parametrize("make", [
    lambda m: m.Conv2d(6, 8, (3, 5), groups=2),
    lambda m: m.Conv1d(3, 4, 7),
    lambda m: m.ConvTranspose2d(6, 4, 3, groups=2),
    lambda m: m.ConvTranspose1d(6, 4, 3, groups=2),
])
def test_conv_default_init_follows_pytorch(make):
    """kaiming_uniform_(a=sqrt(5)) weights and bias, both U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    layer, ref = make(nn), make(torch.nn)
    assert layer.weight.dtype == numpy.float32 and layer.bias.dtype == numpy.float32
    fan_in = ref.weight.shape[1] * math.prod(ref.weight.shape[2:])
    bound = 1 / math.sqrt(fan_in)
    for p, tp in ((layer.weight, ref.weight), (layer.bias, ref.bias)):
        data = p.data
        assert numpy.abs(data).max() <= bound
        assert numpy.abs(data).max() > 0.5 * bound  # spread over the range, not all near 0
        assert numpy.abs(tp.detach().numpy()).max() <= bound


def test_conv_seeded_generator_reproduces_weights():
    a = nn.Conv2d(2, 3, 3, generator=rb.Generator(7))
    b = nn.Conv2d(2, 3, 3, generator=rb.Generator(7))
    numpy.testing.assert_array_equal(a.weight.data, b.weight.data)
    numpy.testing.assert_array_equal(a.bias.data, b.bias.data)


def test_conv_bad_arguments_raise():
    with pytest.raises(ValueError, match=r"Conv2d.*divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"Conv2d.*padding_mode.*'mirror'"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match=r"Conv2d: padding='same' needs stride 1"):
        nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match=r"Conv2d: expected input \(N, 3, H, W\).*\(2, 4, 5, 5\)"):
        nn.Conv2d(3, 4, 3)(rb.randn(2, 4, 5, 5))
    with pytest.raises(ValueError, match=r"Conv1d: expected input \(N, 3, L\) or unbatched"):
        nn.Conv1d(3, 4, 3)(rb.randn(2, 3, 5, 5))


@pytest.mark.parametrize("make, shape", [
    (lambda m: m.MaxPool2d(2), (2, 3, 8, 8)),
    (lambda m: m.MaxPool2d((3, 2), stride=(2, 1), padding=1, ceil_mode=True), (2, 3, 7, 6)),
    (lambda m: m.MaxPool2d(3, stride=1, dilation=2), (1, 2, 9, 9)),
    (lambda m: m.MaxPool1d(3, stride=2, padding=1), (2, 3, 10)),
    # AvgPool1d keeps 1-tuples, as PyTorch's: its repr reads kernel_size=(3,), stride=(3,), ...
    (lambda m: m.AvgPool1d(3), (2, 3, 10)),
    (lambda m: m.AvgPool1d((3,), [2], 1, ceil_mode=True, count_include_pad=False), (2, 3, 10)),
    (lambda m: m.AvgPool2d(2), (2, 3, 8, 8)),
    (lambda m: m.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (2, 3, 7, 7)),
    (lambda m: m.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), (2, 3, 8, 8)),
    (lambda m: m.AdaptiveAvgPool2d(1), (2, 4, 7, 7)),
    (lambda m: m.AdaptiveAvgPool2d((3, None)), (2, 4, 7, 5)),
    (lambda m: m.AdaptiveMaxPool2d((2, 3)), (2, 4, 7, 9)),
    (lambda m: m.Upsample(scale_factor=2), (1, 2, 3, 4)),
    (lambda m: m.Upsample(size=(5, 7), mode="bilinear"), (1, 2, 3, 4)),
    (lambda m: m.Upsample(scale_factor=2, mode="bilinear", align_corners=True), (1, 2, 3, 4)),
    (lambda m: m.Upsample(scale_factor=(2, 3), mode="bilinear"), (1, 2, 3, 4)),
])
def test_parameter_free_layers_contract(make, shape):
    # Continuous random inputs: no ties in a max window, so the gradients are unambiguous.
    check_layer(lambda: make(nn), lambda: make(torch.nn), shape)
    _same_repr(make(nn), make(torch.nn))


def test_max_pool2d_return_indices():
    x = numpy.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(numpy.float32)
    out, idx = nn.MaxPool2d(2, return_indices=True)(rb.tensor(x))
    want, want_idx = torch.nn.MaxPool2d(2, return_indices=True)(torch.from_numpy(x))
    assert_close(out, want)
    assert_close(idx, want_idx)


@pytest.mark.parametrize("kwargs", [{}, {"affine": False}, {"bias": False}, {"eps": 1e-3}])
@pytest.mark.parametrize("groups, channels, shape", [(2, 6, (3, 6, 4, 5)), (1, 4, (2, 4, 3, 3)),
                                                     (4, 4, (2, 4, 7)), (3, 6, (5, 6))])
def test_group_norm_contract(groups, channels, shape, kwargs):
    check_layer(lambda: nn.GroupNorm(groups, channels, **kwargs),
                lambda: _randomise(torch.nn.GroupNorm(groups, channels, **kwargs)), shape)
    _same_repr(nn.GroupNorm(groups, channels, **kwargs), torch.nn.GroupNorm(groups, channels, **kwargs))


def test_group_norm_functional_gradcheck():
    tf = torch.nn.functional
    check_op([(3, 6, 2, 3), (6,), (6,)], lambda x, w, b: F.group_norm(x, 3, w, b),
             lambda x, w, b: tf.group_norm(x, 3, w, b))
    check_op([(2, 4, 5)], lambda x: F.group_norm(x, 2), lambda x: tf.group_norm(x, 2))
    check_op([(0, 4, 5)], lambda x: F.group_norm(x, 2), lambda x: tf.group_norm(x, 2),
             gradcheck=False)  # an empty batch, as PyTorch takes it


def test_group_norm_bad_groups():
    with pytest.raises(ValueError, match=r"GroupNorm.*divisible by num_groups \(4\)"):
        nn.GroupNorm(4, 6)
    with pytest.raises(ValueError, match=r"group_norm\(\).*num_groups=4.*\(2, 6, 3\)"):
        F.group_norm(rb.randn(2, 6, 3), 4)


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"affine": False},
                                    {"track_running_stats": False}])
def test_batch_norm2d_on_4d_input(kwargs, train):
    """BatchNorm2d statistics are per channel over (N, H, W); running buffers follow torch's."""
    check_layer(lambda: nn.BatchNorm2d(3, **kwargs), lambda: _randomise(torch.nn.BatchNorm2d(3, **kwargs)),
                (4, 3, 5, 6), train=train)


def test_batch_norm2d_running_stats_after_several_steps():
    layer, ref = nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)
    rng = numpy.random.default_rng(1)
    for _ in range(3):
        x = rng.normal(2.0, 3.0, size=(5, 4, 3, 3)).astype(numpy.float32)
        layer(rb.tensor(x))
        ref(torch.from_numpy(x))
    assert_close(layer.running_mean, ref.running_mean, atol=1e-5)
    assert_close(layer.running_var, ref.running_var, atol=1e-5)
    assert int(layer.num_batches_tracked.item()) == 3


def test_dropout2d_zeroes_whole_channels_and_rescales():
    layer = nn.Dropout2d(0.5, generator=rb.Generator(0))
    x = rb.ones(8, 16, 3, 3, requires_grad=True)
    out = layer(x)
    data = out.data.reshape(8, 16, -1)
    per_channel = data[:, :, :1]
    assert numpy.all(data == per_channel)  # one mask value per (sample, channel)
    assert set(numpy.unique(data).tolist()) == {0.0, 2.0}
    assert 0.3 < (per_channel == 0).mean() < 0.7
    out.sum().backward()
    numpy.testing.assert_array_equal(x.grad.data, out.data)
    assert repr(layer) == repr(torch.nn.Dropout2d(0.5))
    assert layer.eval()(x) is x or numpy.array_equal(layer.eval()(x).data, x.data)


def test_upsample_needs_size_or_scale():
    with pytest.raises(ValueError, match="Upsample: give exactly one of size and scale_factor"):
        nn.Upsample()


def test_layers_are_exported():
    for name in ("Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d",
                 "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "AdaptiveAvgPool2d",
                 "AdaptiveMaxPool2d", "GroupNorm", "Dropout2d", "Upsample"):
        assert name in nn.__all__ and isinstance(getattr(nn, name), type)
    assert {"group_norm", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d",
            "conv_transpose1d"} <= set(F.__all__)


@pytest.mark.parametrize("name", ["Conv1d", "Conv2d"])
def test_convolutions_take_torchs_positional_arguments_and_no_output_padding(name):
    """Conv1d/Conv2d had an output_padding slot before device: a positional device went
    there, and output_padding=1 was taken where PyTorch raises TypeError."""
    args = (2, 4, 3, 1, 0, 1, 1, True, "zeros", "cpu")
    layer, ref = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(layer) == repr(ref) and layer.output_padding == ref.output_padding
    with pytest.raises(TypeError):
        getattr(torch.nn, name)(2, 4, 3, output_padding=1)
    with pytest.raises(TypeError):
        getattr(nn, name)(2, 4, 3, output_padding=1)
