"""LayerNorm, RMSNorm, BatchNorm1d/2d/3d and InstanceNorm1d/2d/3d against PyTorch."""
import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
from rosenblatt.nn.modules import batchnorm  # BatchNorm3d and InstanceNorm3d, until nn exports them
import rosenblatt.nn.functional as F
from helpers import assert_close, check_op

from .layer_helpers import check_layer


def _randomise(rb_layer, torch_layer, seed=0):
    """Non-trivial affine parameters (ones/zeros would hide weight-gradient bugs)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in torch_layer.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype))
    return torch_layer


@pytest.mark.parametrize("kwargs", [{}, {"elementwise_affine": False}, {"bias": False},
                                    {"eps": 1e-3}])
@pytest.mark.parametrize("shape, normalized", [((4, 6), 6), ((2, 3, 4, 5), (4, 5)), ((6,), [6])])
def test_layer_norm_contract(shape, normalized, kwargs):
    check_layer(lambda: nn.LayerNorm(normalized, **kwargs),
                lambda: _randomise(None, torch.nn.LayerNorm(normalized, **kwargs)), shape)
    assert repr(nn.LayerNorm(normalized, **kwargs)) == repr(torch.nn.LayerNorm(normalized, **kwargs))


def test_layer_norm_functional_gradcheck():
    check_op([(3, 5), (5,), (5,)], lambda x, w, b: F.layer_norm(x, (5,), w, b),
             lambda x, w, b: torch.nn.functional.layer_norm(x, (5,), w, b))
    check_op([(2, 3, 4)], lambda x: F.layer_norm(x, (3, 4)),
             lambda x: torch.nn.functional.layer_norm(x, (3, 4)))


def test_layer_norm_bad_shape():
    with pytest.raises(ValueError, match=r"layer_norm\(\).*\(2, 5\).*\(4,\)"):
        nn.LayerNorm(4)(rb.randn(2, 5))


@pytest.mark.parametrize("kwargs", [{}, {"eps": 1e-4}, {"elementwise_affine": False}])
def test_rms_norm_contract(kwargs):
    check_layer(lambda: nn.RMSNorm(6, **kwargs),
                lambda: _randomise(None, torch.nn.RMSNorm(6, **kwargs)), (3, 2, 6))
    check_layer(lambda: nn.RMSNorm((2, 6), **kwargs),
                lambda: _randomise(None, torch.nn.RMSNorm((2, 6), **kwargs)), (3, 2, 6))
    assert repr(nn.RMSNorm(6, **kwargs)) == repr(torch.nn.RMSNorm(6, **kwargs))


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)])
@pytest.mark.parametrize("kwargs", [{}, {"affine": False}, {"momentum": None}, {"bias": False},
                                    {"track_running_stats": False}, {"momentum": 0.3, "eps": 1e-3}])
@pytest.mark.parametrize("train", [True, False])
def test_batch_norm1d_contract(shape, kwargs, train):
    check_layer(lambda: nn.BatchNorm1d(3, **kwargs),
                lambda: _randomise(None, torch.nn.BatchNorm1d(3, **kwargs)), shape, train=train)
    assert repr(nn.BatchNorm1d(3, **kwargs)) == repr(torch.nn.BatchNorm1d(3, **kwargs))


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_running_stats_follow_torch_over_steps(momentum):
    ours, theirs = nn.BatchNorm1d(4, momentum=momentum), torch.nn.BatchNorm1d(4, momentum=momentum)
    rng = numpy.random.default_rng(0)
    for step in range(5):
        x = (rng.standard_normal((6, 4, 3)) * (step + 1) + step).astype(numpy.float32)
        ours(rb.tensor(x))
        theirs(torch.from_numpy(x))
    for name, buf in theirs.named_buffers():
        assert_close(getattr(ours, name), buf, what=name)
    assert int(ours.num_batches_tracked.item()) == 5
    assert ours.running_var.dtype == numpy.float32
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((5, 4, 3)).astype(numpy.float32)
    assert_close(ours(rb.tensor(x)), theirs(torch.from_numpy(x)))


def test_batch_norm2d_contract():
    check_layer(lambda: nn.BatchNorm2d(3), lambda: _randomise(None, torch.nn.BatchNorm2d(3)),
                (2, 3, 4, 5))


def test_batch_norm_functional_gradcheck():
    check_op([(6, 3), (3,), (3,)],
             lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
             lambda x, w, b: torch.nn.functional.batch_norm(x, None, None, w, b, training=True))


def test_batch_norm_errors():
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D"):
        nn.BatchNorm1d(3)(rb.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(rb.randn(1, 3))
    with pytest.raises(ValueError, match="expected 3 channels"):
        nn.BatchNorm1d(3)(rb.randn(4, 5))
    nn.BatchNorm1d(3).eval()(rb.randn(1, 3))  # one sample is fine in eval mode
    with pytest.raises(RuntimeError, match="running_mean must be defined"):
        torch.nn.functional.batch_norm(torch.randn(4, 3), None, None, training=False)
    with pytest.raises(ValueError, match="running_mean and running_var must be given in evaluation"):
        F.batch_norm(rb.randn(4, 3), None, None, training=False)


@pytest.mark.parametrize("make, shape", [(lambda m: m.BatchNorm1d(3), (0, 3)),
                                         (lambda m: m.BatchNorm2d(3), (2, 3, 0, 4))])
def test_batch_norm_of_an_empty_batch_follows_torch(make, shape):
    """An empty output and zero gradients; the running statistics stay, the step counts."""
    layers = make(nn), make(torch.nn)
    outs = [layer(lib.ones(*shape, requires_grad=True)) for layer, lib in zip(layers, (rb, torch))]
    for out in outs:
        out.sum().backward()
    assert_close(outs[0], outs[1])
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        assert_close(getattr(layers[0], name), getattr(layers[1], name), what=name)
    assert_close(layers[0].weight.grad, layers[1].weight.grad, what="weight grad")


@pytest.mark.parametrize("name, args, message", [
    ("layer_norm", lambda m: (m.ones(2, 4), (4,), m.ones(3)),
     r"weight must have shape \(4,\), got shape \(3,\)"),
    ("layer_norm", lambda m: (m.ones(2, 4), (4,), m.ones(1, 4)),
     r"weight must have shape \(4,\), got shape \(1, 4\)"),
    ("layer_norm", lambda m: (m.ones(2, 4), ()), "normalized_shape must have at least one dim"),
    ("rms_norm", lambda m: (m.ones(2, 4), (4,), m.ones(1)),
     r"weight must have shape \(4,\), got shape \(1,\)"),
    ("group_norm", lambda m: (m.ones(2, 4, 3), 2, m.ones(3)),
     r"weight must have shape \(4,\), got shape \(3,\)"),
    ("batch_norm", lambda m: (m.ones(2, 4), m.ones(3), m.ones(3), None, None, True),
     r"running_mean must have shape \(4,\)"),
    ("batch_norm", lambda m: (m.ones(2, 4), m.ones(4), m.ones(4), m.ones(3)),
     r"weight must have 4 elements, got shape \(3,\)"),
])
def test_parameters_of_the_wrong_shape_raise_as_torch(name, args, message):
    """PyTorch refuses them; NumPy failed in a reshape or broadcast the parameter silently."""
    with pytest.raises(RuntimeError):
        getattr(torch.nn.functional, name)(*args(torch))
    with pytest.raises(ValueError, match=f"{name}\\(\\): {message}"):
        getattr(F, name)(*args(rb))


def test_layer_norm_float32_rows_of_many_features_noncontiguous_and_empty():
    # The statistics are BLAS matrix-vector products: float32 accuracy on wide rows, any layout.
    g = torch.Generator().manual_seed(0)
    for shape, dims in [((64, 4, 1024), (1024,)), ((0, 7), (7,)), ((3, 5, 6), (6, 5))]:
        x = torch.randn(shape, generator=g) * 3 + 1
        if dims == (6, 5):
            x = x.transpose(1, 2)  # non-contiguous input
        w, b = torch.randn(dims, generator=g), torch.randn(dims, generator=g)
        for t in (x, w, b):
            t.requires_grad_()
        expected = torch.nn.functional.layer_norm(x, dims, w, b)
        up = torch.randn(expected.shape, generator=g)
        expected.backward(up)
        xs, ws, bs = (rb.tensor(t.detach().numpy(), requires_grad=True) for t in (x, w, b))
        out = F.layer_norm(xs, dims, ws, bs)
        out.backward(rb.tensor(up.numpy()))
        assert out.dtype == rb.float32 and xs.grad.dtype == rb.float32
        assert_close(out, expected.detach(), atol=2e-5, rtol=1e-5)
        for mine, theirs in ((xs, x), (ws, w), (bs, b)):
            assert_close(mine.grad, theirs.grad, atol=2e-4, rtol=1e-4)


@pytest.mark.parametrize("kwargs", [{}, {"affine": True}, {"affine": True, "bias": False},
                                    {"track_running_stats": True}, {"eps": 1e-3, "momentum": None},
                                    {"affine": True, "track_running_stats": True, "momentum": 0.3}])
@pytest.mark.parametrize("train", [True, False])
def test_instance_norm_contract(kwargs, train):
    for name, shape in (("InstanceNorm1d", (4, 3, 5)), ("InstanceNorm1d", (3, 6)),  # unbatched
                        ("InstanceNorm2d", (2, 3, 4, 5)), ("InstanceNorm2d", (3, 4, 2))):
        check_layer(lambda: getattr(nn, name)(3, **kwargs),
                    lambda: _randomise(None, getattr(torch.nn, name)(3, **kwargs)), shape,
                    train=train)
        assert repr(getattr(nn, name)(3, **kwargs)) == repr(getattr(torch.nn, name)(3, **kwargs))


@pytest.mark.parametrize("momentum", [0.1, None])
def test_instance_norm_running_stats_follow_torch_over_steps(momentum):
    """Each sample's statistics averaged over the batch; num_batches_tracked stays 0, and
    momentum=None means 0, as in PyTorch."""
    ours = nn.InstanceNorm2d(4, momentum=momentum, track_running_stats=True)
    theirs = torch.nn.InstanceNorm2d(4, momentum=momentum, track_running_stats=True)
    rng = numpy.random.default_rng(0)
    for step in range(3):
        x = (rng.standard_normal((3, 4, 2, 3)) * (step + 1) + step).astype(numpy.float32)
        assert_close(ours(rb.tensor(x)), theirs(torch.from_numpy(x)))
    for name, buf in theirs.named_buffers():
        assert_close(getattr(ours, name), buf, what=name)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((2, 4, 3, 3)).astype(numpy.float32)
    assert_close(ours(rb.tensor(x)), theirs(torch.from_numpy(x)))


@pytest.mark.parametrize("use_input_stats", [True, False])
def test_instance_norm_functional_gradcheck(use_input_stats):
    def call(lib, fn):
        def op(x, w, b):
            stats = (lib.zeros(3, dtype=x.dtype) + 0.5, lib.ones(3, dtype=x.dtype) * 2)
            return fn(x, *stats, w, b, use_input_stats=use_input_stats, momentum=0.2)
        return op
    check_op([(2, 3, 4), (3,), (3,)], call(rb, F.instance_norm),
             call(torch, torch.nn.functional.instance_norm))
    check_op([(2, 3, 2, 3)], lambda x: F.instance_norm(x),
             lambda x: torch.nn.functional.instance_norm(x))


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 1)), ValueError,
     r"more than 1 value per channel and sample.*\(2, 3, 1\)"),
    (lambda m: m.nn.functional.instance_norm(m.ones(2, 3)), ValueError, r"\(2, 3\)"),
    (lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 4), m.zeros(3)), ValueError,
     "running_mean and running_var must both be given"),
    (lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 4), use_input_stats=False),
     RuntimeError, "must be given when use_input_stats=False"),
    (lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 4), m.zeros(4), m.ones(4)),
     RuntimeError, r"running_mean must have shape \(3,\), got shape \(4,\)"),
    (lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 4), weight=m.ones(4)), RuntimeError,
     r"weight must have 3 elements, got shape \(4,\)"),
    (lambda m: m.nn.InstanceNorm1d(3)(m.ones(2, 3, 4, 5)), ValueError,
     r"expected 2D or 3D input \(got 4D input"),
    (lambda m: m.nn.InstanceNorm2d(3)(m.ones(3, 4)), ValueError,
     r"expected 3D or 4D input \(got 2D input"),
    (lambda m: m.nn.InstanceNorm1d(3, affine=True)(m.ones(2, 4, 5)), ValueError,
     r"size at dim=1 to match num_features \(3\)"),
])
def test_instance_norm_errors_follow_torch(call, error, message):
    with pytest.raises(error):
        call(torch)
    with pytest.raises(ValueError, match=message):
        call(rb)


def test_instance_norm_of_other_channels_without_affine_warns_and_normalises_as_torch():
    x = numpy.random.default_rng(1).standard_normal((2, 4, 5)).astype(numpy.float32)
    with pytest.warns(UserWarning, match="size at dim=1 does not match num_features"):
        ours = nn.InstanceNorm1d(3)(rb.tensor(x))
    with pytest.warns(UserWarning):
        theirs = torch.nn.InstanceNorm1d(3)(torch.from_numpy(x))
    assert_close(ours, theirs)


def test_convert_sync_batchnorm_leaves_instance_norms_alone_as_torch():
    """Instance norms share batch norm's parameters and buffers but are no batch norms: a
    SyncBatchNorm in their place would normalise over the batch."""
    def converted(m):
        model = m.nn.Sequential(m.nn.InstanceNorm1d(3), m.nn.InstanceNorm2d(3, affine=True),
                                m.nn.BatchNorm2d(3))
        return [type(layer).__name__ for layer in m.nn.SyncBatchNorm.convert_sync_batchnorm(model)]
    assert converted(rb) == converted(torch) == ["InstanceNorm1d", "InstanceNorm2d", "SyncBatchNorm"]


@pytest.mark.parametrize("name, args", [
    ("layer_norm", lambda m: ((4,),)), ("rms_norm", lambda m: ((4,),)), ("group_norm", lambda m: (3,)),
    ("instance_norm", lambda m: ()), ("batch_norm", lambda m: (None, None, None, None, True)),
])
def test_normalizations_refuse_integer_input_as_torch(name, args):
    """PyTorch has no integer kernels; NumPy gave integers truncated from the float result
    (batch, group and instance norm) or failed inside (layer and RMS norm).  With float
    parameters the dtype mismatch is named first (tests/nn/test_linear.py)."""
    x = numpy.arange(24).reshape(2, 3, 4)
    with pytest.raises(NotImplementedError):
        getattr(torch.nn.functional, name)(torch.from_numpy(x), *args(torch))
    with pytest.raises(TypeError, match=f"{name}\\(\\): expected a floating-point input, got dtype int64"):
        getattr(F, name)(rb.tensor(x), *args(rb))


def test_batch_norm_refuses_eps_0_in_training_and_instance_norm_maps_a_constant_channel_to_0():
    """PyTorch's F.batch_norm raises for eps <= 0 in training (rosenblatt gave NaN for a
    constant channel); instance_norm with eps=0 gives a constant channel 0 and zero gradients
    (its kernel takes 1/std as 0 where the variance is 0), where rosenblatt gave NaN."""
    x = numpy.random.default_rng(42).standard_normal((2, 3, 4)).astype(numpy.float32)
    x[0, 1] = 2.0
    with pytest.raises(ValueError, match="eps must be positive during training"):
        torch.nn.functional.batch_norm(torch.from_numpy(x), None, None, training=True, eps=0.0)
    with pytest.raises(ValueError, match=r"batch_norm\(\): eps must be positive during training, but got 0.0"):
        F.batch_norm(rb.tensor(x), None, None, training=True, eps=0.0)
    w, b = numpy.array([2.0, 3.0, 4.0], numpy.float32), numpy.ones(3, numpy.float32)
    theirs = [torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b)]
    ours = [rb.tensor(a.copy(), requires_grad=True) for a in (x, w, b)]
    want = torch.nn.functional.instance_norm(theirs[0], weight=theirs[1], bias=theirs[2], eps=0.0)
    out = F.instance_norm(ours[0], weight=ours[1], bias=ours[2], eps=0.0)
    assert_close(out, want, atol=1e-6)
    upstream = numpy.random.default_rng(43).standard_normal(x.shape).astype(numpy.float32)
    want.backward(torch.from_numpy(upstream))
    out.backward(rb.tensor(upstream))
    for r, t in zip(ours, theirs):
        assert_close(r.grad, t.grad, atol=1e-5)


@pytest.mark.parametrize("name, shape, kwargs", [
    ("BatchNorm3d", (2, 3, 2, 3, 2), {}), ("BatchNorm3d", (2, 3, 2, 3, 2), {"affine": False, "momentum": None}),
    ("BatchNorm3d", (2, 3, 2, 1, 2), {"track_running_stats": False, "bias": False}),
    ("InstanceNorm3d", (2, 3, 2, 3, 2), {}), ("InstanceNorm3d", (3, 2, 3, 2), {"affine": True}),  # unbatched
    ("InstanceNorm3d", (2, 3, 2, 2, 3), {"affine": True, "track_running_stats": True, "momentum": 0.3}),
])
@pytest.mark.parametrize("train", [True, False])
def test_3d_norms_contract(name, shape, kwargs, train):
    check_layer(lambda: getattr(batchnorm, name)(3, **kwargs),
                lambda: _randomise(None, getattr(torch.nn, name)(3, **kwargs)), shape, train=train)
    assert repr(getattr(batchnorm, name)(3, **kwargs)) == repr(getattr(torch.nn, name)(3, **kwargs))


@pytest.mark.parametrize("name, kwargs", [("BatchNorm3d", {}), ("BatchNorm3d", {"momentum": None}),
                                          ("InstanceNorm3d", {"track_running_stats": True})])
def test_3d_norms_running_stats_follow_torch_over_steps_and_in_eval(name, kwargs):
    ours, theirs = getattr(batchnorm, name)(4, **kwargs), getattr(torch.nn, name)(4, **kwargs)
    rng = numpy.random.default_rng(0)
    for step in range(3):
        x = (rng.standard_normal((3, 4, 2, 3, 2)) * (step + 1) + step).astype(numpy.float32)
        assert_close(ours(rb.tensor(x)), theirs(torch.from_numpy(x)))
    for buffer, value in theirs.named_buffers():
        assert_close(getattr(ours, buffer), value, what=buffer)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((2, 4, 3, 2, 2)).astype(numpy.float32)
    assert_close(ours(rb.tensor(x)), theirs(torch.from_numpy(x)))


@pytest.mark.parametrize("name, kwargs, shape, message", [
    ("BatchNorm3d", {}, (3, 4, 5, 6), r"^BatchNorm3d: expected 5D input \(got 4D input of shape \(3, 4, 5, 6\)\)"),
    ("BatchNorm3d", {}, (2, 4, 2, 2, 2), r"^BatchNorm3d: expected 3 channels in dim 1, got input of shape \(2, 4, 2, 2, 2\)"),
    ("InstanceNorm3d", {}, (3, 4, 5), r"^InstanceNorm3d: expected 4D or 5D input \(got 3D input"),
    ("InstanceNorm3d", {"affine": True}, (2, 4, 2, 2, 2), r"size at dim=1 to match num_features \(3\)"),
])
def test_3d_norms_refuse_bad_input_as_torch(name, kwargs, shape, message):
    with pytest.raises((ValueError, RuntimeError)):
        getattr(torch.nn, name)(3, **kwargs)(torch.randn(shape))
    with pytest.raises(ValueError, match=message):
        getattr(batchnorm, name)(3, **kwargs)(rb.randn(*shape))
