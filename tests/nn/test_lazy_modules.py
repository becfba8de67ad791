"""The lazy convolutions and norms against PyTorch's: the channel count from the first input, then
the regular layer (class, repr, state dict, forward and gradients with torch's weights)."""
import copy
import pickle

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
from helpers import assert_close

from .layer_helpers import check_layer, check_state_dict_matches


def _torch_state(layer):
    return {k: v.detach().numpy().copy() for k, v in layer.state_dict().items()}


def _built(layer, sample):
    """``layer`` after its first call on ``sample`` (a NumPy array): the regular layer."""
    layer(rb.tensor(sample) if isinstance(layer, nn.Module) else torch.from_numpy(sample.copy()))
    return layer


CONVS = [  # name, arguments after out_channels, input shape
    ("LazyConv1d", (5, 3), {}, (2, 4, 9)),
    ("LazyConv1d", (4, 2), {"stride": 2, "padding": 1, "groups": 2, "bias": False}, (6, 8)),  # unbatched
    ("LazyConv2d", (6, 3), {"padding": 1, "dilation": 2}, (2, 3, 7, 8)),
    ("LazyConv2d", (4, (2, 3)), {"groups": 2, "padding_mode": "reflect", "padding": 1}, (1, 4, 5, 6)),
    ("LazyConv2d", (3, 3), {"padding": "same"}, (2, 5, 5)),  # unbatched
    ("LazyConv3d", (4, 2), {"stride": (1, 2, 1)}, (2, 3, 3, 5, 4)),
    ("LazyConv3d", (2, 3), {"padding": 1, "padding_mode": "circular", "bias": False}, (1, 2, 3, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2, "output_padding": 1}, (2, 3, 6)),
    ("LazyConvTranspose2d", (6, 3), {"stride": 2, "groups": 3, "dilation": 2}, (2, 3, 4, 5)),
    ("LazyConvTranspose2d", (2, 2), {"bias": False}, (4, 3, 3)),  # unbatched
    ("LazyConvTranspose3d", (3, 2), {"stride": 2, "padding": 1}, (1, 2, 3, 3, 4)),
]


@pytest.mark.parametrize("name, args, kwargs, shape", CONVS)
def test_lazy_conv_becomes_torchs_regular_conv(name, args, kwargs, shape):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)  # LazyConv2d(0, 6, kernel_size=(3, 3), ...)
    assert ours.has_uninitialized_params() and theirs.has_uninitialized_params()
    assert isinstance(ours.weight, nn.UninitializedParameter) and repr(ours.weight) == repr(theirs.weight)
    x = numpy.random.default_rng(0).standard_normal(shape).astype(numpy.float32)
    _built(ours, x), _built(theirs, x)
    regular = name.replace("Lazy", "")
    assert type(ours) is getattr(nn, regular) and type(theirs) is getattr(torch.nn, regular)
    assert repr(ours) == repr(theirs) and ours.in_channels == theirs.in_channels
    check_state_dict_matches(ours, theirs)
    # with torch's weights copied in: forward (float32, float64) and every gradient, as Conv*d's
    check_layer(lambda: _built(getattr(nn, name)(*args, **kwargs), x),
                lambda: _built(getattr(torch.nn, name)(*args, **kwargs), x), shape)


@pytest.mark.parametrize("name, args, kwargs, shape", CONVS[:3] + CONVS[7:8])
def test_lazy_conv_initialises_as_the_regular_conv_with_the_same_generator(name, args, kwargs, shape):
    x = rb.randn(*shape)
    lazy = getattr(nn, name)(*args, **kwargs, generator=rb.Generator(3))
    lazy(x)
    regular = getattr(nn, name.replace("Lazy", ""))(lazy.in_channels, *args, **kwargs, generator=rb.Generator(3))
    for (key, got), (_, want) in zip(lazy.state_dict().items(), regular.state_dict().items()):
        numpy.testing.assert_array_equal(got.data, want.data, err_msg=key)
    assert numpy.abs(lazy.weight.data).max() > 0


def test_lazy_conv_transpose_takes_output_size_at_the_first_call():
    ours, theirs = nn.LazyConvTranspose2d(2, 3, stride=2), torch.nn.LazyConvTranspose2d(2, 3, stride=2)
    x = numpy.random.default_rng(0).standard_normal((1, 4, 5, 5)).astype(numpy.float32)
    assert ours(rb.tensor(x), output_size=(12, 12)).shape == (1, 2, 12, 12)
    theirs(torch.from_numpy(x), output_size=(12, 12))
    ours.load_state_dict(_torch_state(theirs))
    assert_close(ours(rb.tensor(x), output_size=(12, 12)), theirs(torch.from_numpy(x), output_size=(12, 12)))


NORMS = [  # name, keyword arguments, input shape
    ("LazyBatchNorm1d", {}, (6, 3)),
    ("LazyBatchNorm1d", {"momentum": None, "affine": False}, (4, 3, 5)),
    ("LazyBatchNorm2d", {"eps": 1e-3, "bias": False}, (3, 4, 2, 3)),
    ("LazyBatchNorm2d", {"track_running_stats": False}, (2, 3, 3, 3)),
    ("LazyBatchNorm3d", {"momentum": 0.3}, (2, 2, 3, 2, 3)),
    ("LazyInstanceNorm1d", {}, (2, 3, 6)),
    ("LazyInstanceNorm2d", {"affine": False}, (2, 3, 4, 5)),
    ("LazyInstanceNorm2d", {"track_running_stats": False, "momentum": 0.5}, (3, 2, 4, 4)),
    ("LazyInstanceNorm3d", {"bias": False}, (2, 2, 3, 3, 4)),
]


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("name, kwargs, shape", NORMS)
def test_lazy_norm_becomes_torchs_regular_norm(name, kwargs, shape, train):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)  # LazyBatchNorm1d(0, eps=1e-05, ..., affine=True, ...)
    x = numpy.random.default_rng(0).standard_normal(shape).astype(numpy.float32)
    _built(ours, x), _built(theirs, x)
    regular = name.replace("Lazy", "")
    assert type(ours) is getattr(nn, regular) and type(theirs) is getattr(torch.nn, regular)
    assert repr(ours) == repr(theirs) and ours.num_features == shape[1]
    check_state_dict_matches(ours, theirs)
    for key, value in theirs.state_dict().items():  # the materialised state is initialised as torch's
        assert_close(ours.state_dict()[key], value, what=key)
    # forward, gradients and the running statistics after a step, with torch's state copied in
    check_layer(lambda: _built(getattr(nn, name)(**kwargs), x),
                lambda: _built(getattr(torch.nn, name)(**kwargs), x), shape, train=train)


def test_lazy_norm_running_statistics_follow_torchs_over_steps():
    ours, theirs = nn.LazyBatchNorm2d(momentum=None), torch.nn.LazyBatchNorm2d(momentum=None)
    rng = numpy.random.default_rng(1)
    for _ in range(3):
        x = rng.standard_normal((4, 3, 2, 2)).astype(numpy.float32)
        assert_close(ours(rb.tensor(x)), theirs(torch.from_numpy(x)).detach())
    for key, value in theirs.state_dict().items():
        assert_close(ours.state_dict()[key], value, what=key)


def test_lazy_instance_norm_reads_the_channels_of_an_unbatched_input_from_dim_0():
    # PyTorch's reads input.shape[1] even of an unbatched (C, L) sample, then raises for its
    # own weights; ours reads C, as InstanceNorm1d's unbatched forward expects
    x = numpy.random.default_rng(0).standard_normal((3, 5)).astype(numpy.float32)
    with pytest.raises(ValueError, match=r"expected input's size at dim=0 to match num_features \(5\)"):
        torch.nn.LazyInstanceNorm1d()(torch.from_numpy(x))
    ours = nn.LazyInstanceNorm1d()
    out = ours(rb.tensor(x))
    assert ours.num_features == 3 and ours.weight.shape == (3,)
    want = torch.nn.InstanceNorm1d(3, affine=True, track_running_stats=True)(torch.from_numpy(x))
    assert_close(out, want.detach())


def test_lazy_norm_without_parameters_still_reads_num_features():
    # PyTorch's leaves num_features 0 here (it has nothing to materialise) and then warns at every
    # call that the input does not match it; ours reads it from the first input
    ours = nn.LazyInstanceNorm2d(affine=False, track_running_stats=False)
    assert not ours.has_uninitialized_params()
    x = rb.randn(2, 3, 4, 4)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours(x)
        ours(x)
    assert ours.num_features == 3 and type(ours) is nn.InstanceNorm2d
    bn = nn.LazyBatchNorm1d(affine=False, track_running_stats=False)
    bn(rb.randn(5, 4))
    assert bn.num_features == 4 and list(bn.state_dict()) == []


@pytest.mark.parametrize("make, source, shape", [
    (lambda: nn.LazyConv2d(4, 3, groups=2), lambda: torch.nn.Conv2d(6, 4, 3, groups=2), (2, 6, 5, 5)),
    (lambda: nn.LazyConvTranspose1d(4, 3), lambda: torch.nn.ConvTranspose1d(5, 4, 3), (2, 5, 7)),
    (lambda: nn.LazyBatchNorm2d(), lambda: torch.nn.BatchNorm2d(3), (2, 3, 4, 4)),
    (lambda: nn.LazyInstanceNorm1d(), lambda: torch.nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
     (2, 3, 6)),
])
def test_load_state_dict_before_the_first_call_takes_the_shapes(make, source, shape):
    # the sizes come from the checkpoint too (PyTorch's lazy layers leave in_channels and
    # num_features 0 here: its LazyInstanceNorm1d then refuses every input)
    src = source()
    if isinstance(src, torch.nn.modules.batchnorm._NormBase):
        with torch.no_grad():  # statistics that are not the initial ones
            src.running_mean.uniform_(-1, 1)
            src.running_var.uniform_(0.5, 2)
            src.weight.uniform_(0.5, 2)
    ours = make()
    assert repr(ours.load_state_dict(_torch_state(src))) == "<All keys matched successfully>"
    assert not ours.has_uninitialized_params()
    x = numpy.random.default_rng(0).standard_normal(shape).astype(numpy.float32)
    ours.eval(), src.eval()
    assert_close(ours(rb.tensor(x)), src(torch.from_numpy(x)).detach())
    assert type(ours).__name__ == type(src).__name__
    assert repr(ours) == repr(src)


@pytest.mark.parametrize("make, state, message", [
    (lambda: nn.LazyConv2d(4, 3), {"weight": numpy.zeros((5, 2, 3, 3)), "bias": numpy.zeros(5)},
     r"size mismatch for weight: copying a param with shape \(5, 2, 3, 3\) from checkpoint, LazyConv2d "
     r"needs \(4, 2, 3, 3\) for the in_channels=2 the checkpoint implies"),
    (lambda: nn.LazyConv2d(4, 3), {"weight": numpy.zeros((4, 2, 3)), "bias": numpy.zeros(4)},
     r"size mismatch for weight: copying a param with shape \(4, 2, 3\) from checkpoint, LazyConv2d needs a "
     r"shape its in_channels can fill"),
    (lambda: nn.LazyBatchNorm1d(), {"weight": numpy.ones(3), "bias": numpy.zeros(4), "running_mean": numpy.zeros(3),
                                    "running_var": numpy.ones(3), "num_batches_tracked": numpy.array(0)},
     r"size mismatch for bias"),
])
def test_load_state_dict_of_the_wrong_shapes_raises_and_leaves_the_layer_lazy(make, state, message):
    layer = make()
    with pytest.raises(RuntimeError, match=message):
        layer.load_state_dict(state)
    assert layer.has_uninitialized_params()
    # and with strict=False the placeholders' keys are not reported missing on top
    with pytest.raises(RuntimeError) as info:
        layer.load_state_dict(state, strict=False)
    assert "Missing key" not in str(info.value)


@pytest.mark.parametrize("make, x, message", [
    (lambda: nn.LazyConv2d(4, 3), rb.randn(3, 5),
     r"LazyConv2d: expected a batched \(N, C, H, W\) or unbatched \(C, H, W\) input to read in_channels \(C\) "
     r"from, got shape \(3, 5\)"),
    (lambda: nn.LazyConv3d(4, 3), rb.randn(1, 2, 3, 4, 5, 6), r"LazyConv3d: expected a batched \(N, C, D, H, W\)"),
    (lambda: nn.LazyConvTranspose1d(4, 3, groups=2), rb.randn(2, 3, 5),
     r"LazyConvTranspose1d: in_channels must be divisible by groups \(2\), got an input of 3 channels \(shape "
     r"\(2, 3, 5\)\); give a multiple of 2 channels, or change groups"),
    (lambda: nn.LazyBatchNorm2d(), rb.randn(2, 3, 4), r"LazyBatchNorm2d: expected 4D input \(got 3D input of shape"),
    (lambda: nn.LazyInstanceNorm3d(), rb.randn(3, 4, 4), r"LazyInstanceNorm3d: expected 4D or 5D input"),
])
def test_a_bad_first_input_raises_naming_the_layer_and_leaves_it_lazy(make, x, message):
    layer = make()
    with pytest.raises(ValueError, match=message):
        layer(x)
    assert layer.has_uninitialized_params() and type(layer) is type(make())


def test_out_channels_must_divide_by_groups_at_construction():
    # PyTorch's lazy conv takes this and fails at the first call ("expected weight to be divisible")
    with pytest.raises(RuntimeError):
        torch.nn.LazyConv2d(5, 3, groups=2)(torch.zeros(1, 4, 5, 5))
    for make in (lambda: nn.LazyConv2d(5, 3, groups=2), lambda: nn.LazyConvTranspose1d(5, 3, groups=2)):
        with pytest.raises(ValueError, match=r"LazyConv\w+: out_channels \(5\) must be divisible by groups \(2\)"):
            make()


def test_later_inputs_must_match_the_first():
    conv = nn.LazyConv2d(4, 3)
    conv(rb.randn(1, 3, 5, 5))
    with pytest.raises(ValueError, match=r"Conv2d: expected input \(N, 3, H, W\)"):
        conv(rb.randn(1, 2, 5, 5))
    bn = nn.LazyBatchNorm1d()
    bn(rb.randn(4, 3))
    with pytest.raises(ValueError, match="BatchNorm1d: expected 3 channels in dim 1"):
        bn(rb.randn(4, 5))


def test_lazy_layers_keep_their_parameter_objects_so_an_early_optimizer_trains_them():
    model = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten(), nn.LazyLinear(2))
    params = list(model.parameters())
    assert all(isinstance(p, nn.UninitializedParameter) for p in params)
    opt = rb.optim.SGD(model.parameters(), lr=0.1)
    model(rb.randn(2, 3, 6, 6)).sum().backward()
    assert [p is q for p, q in zip(params, model.parameters())] == [True] * 6
    assert [type(p) for p in params] == [nn.Parameter] * 6
    assert [p.shape for p in params] == [(4, 3, 3, 3), (4,), (4,), (4,), (2, 64), (2,)]
    before = [p.data.copy() for p in params]
    opt.step()
    assert all(not numpy.array_equal(b, p.data) for b, p in zip(before, params))
    assert [type(m).__name__ for m in model] == ["Conv2d", "BatchNorm2d", "ReLU", "Flatten", "Linear"]


def test_dtype_before_the_first_call_is_kept():
    for layer, x in [(nn.LazyConv1d(2, 3).double(), rb.randn(1, 4, 5, dtype=rb.float64)),
                     (nn.LazyBatchNorm1d(dtype=rb.float64), rb.randn(3, 4, dtype=rb.float64)),
                     (nn.LazyConvTranspose2d(2, 2, dtype=rb.float64), rb.randn(1, 3, 2, 2, dtype=rb.float64))]:
        assert layer(x).dtype == numpy.float64
        assert all(t.dtype == numpy.float64 for t in layer.state_dict().values() if t.dtype.kind == "f")


def test_a_lazy_layer_copies_and_pickles_before_its_first_call():
    for layer in (nn.LazyConv2d(3, 2), nn.LazyBatchNorm1d(dtype=rb.float64)):
        for clone in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
            assert type(clone) is type(layer) and clone.has_uninitialized_params()
            assert clone.weight is not layer.weight and repr(clone) == repr(layer)
            assert clone.weight.dtype == layer.weight.dtype
    bn = pickle.loads(pickle.dumps(nn.LazyBatchNorm1d()))
    bn(rb.randn(4, 2))
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]


def test_lazy_module_mixin_public_path_and_placeholder_types():
    assert issubclass(nn.LazyConv2d, nn.modules.lazy.LazyModuleMixin)
    assert issubclass(nn.LazyLinear, nn.LazyModuleMixin)
    bn = nn.LazyBatchNorm1d()
    assert isinstance(bn.running_mean, nn.UninitializedBuffer) and isinstance(bn.running_mean, nn.Buffer)
    assert [n for n, _ in bn.named_buffers()] == [n for n, _ in torch.nn.LazyBatchNorm1d().named_buffers()]
