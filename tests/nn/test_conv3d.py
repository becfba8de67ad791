"""conv3d, conv_transpose3d, Conv3d and ConvTranspose3d against PyTorch: values, gradients,
gradcheck, layer contract, repr, default init and errors."""
from __future__ import annotations

import importlib
import math

import numpy
import pytest
import torch
import torch.nn.functional as F
from helpers import check_op

import rosenblatt as rb
conv3d_module = importlib.import_module("rosenblatt.nn.functional.conv3d")  # the package attribute is the function
from rosenblatt.nn.functional.conv3d import conv3d, conv_transpose3d
from rosenblatt.nn.modules.conv3d import Conv3d, ConvTranspose3d

from .layer_helpers import check_layer

# (input shape, weight shape, options): every configuration axis at least once.
CONV3D_CASES = [
    ((2, 3, 5, 6, 4), (4, 3, 3, 3, 3), {}),
    ((1, 2, 5, 5, 6), (3, 2, 2, 3, 1), {"stride": (2, 1, 3), "padding": (1, 0, 2)}),
    ((2, 2, 7, 6, 7), (3, 2, 3, 2, 3), {"dilation": (2, 1, 2), "padding": 1, "stride": 2}),
    ((2, 3, 4, 5, 6), (2, 3, 2, 3, 4), {"padding": "same", "dilation": (1, 2, 1)}),  # even kernels
    ((2, 3, 4, 5, 4), (2, 3, 3, 3, 3), {"padding": "valid"}),
    ((2, 4, 4, 5, 5), (6, 2, 3, 3, 3), {"groups": 2, "padding": (0, 1, 1)}),
    ((2, 3, 4, 4, 5), (6, 1, 3, 1, 2), {"groups": 3, "stride": (1, 2, 1)}),  # depthwise x2
    ((2, 3, 3, 4, 5), (4, 3, 1, 1, 1), {}),  # pointwise
    ((2, 2, 3, 4, 3), (3, 2, 3, 4, 3), {}),  # kernel = input: 1x1x1 output
    ((3, 5, 4, 6), (4, 3, 3, 3, 3), {"padding": 1}),  # unbatched
]

# (input shape, weight shape, options) of conv_transpose3d; weight (Cin, Cout/g, kd, kh, kw).
TRANSPOSE_CASES = [
    ((2, 3, 3, 4, 2), (3, 4, 3, 3, 3), {}),
    ((2, 4, 3, 4, 5), (4, 3, 3, 2, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((1, 4, 3, 4, 3), (4, 1, 3, 2, 3), {"stride": (2, 1, 3), "padding": (0, 1, 1),
                                        "output_padding": (1, 0, 2), "groups": 2,
                                        "dilation": (1, 2, 1)}),
    ((2, 2, 3, 3, 4), (2, 3, 2, 2, 2), {"dilation": 2, "output_padding": (1, 0, 1)}),
    ((3, 3, 4, 2), (3, 2, 2, 3, 2), {"stride": 2}),  # unbatched
]


def _op(fn, torch_fn, opts):
    return lambda x, w, *b: (fn if isinstance(x, rb.Tensor) else torch_fn)(x, w, *b, **opts)


def _bias_shape(w_shape, opts, transposed):
    return (w_shape[1] * opts.get("groups", 1),) if transposed else (w_shape[0],)


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on even kernels
@pytest.mark.parametrize("x_shape, w_shape, opts", CONV3D_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv3d_matches_torch(x_shape, w_shape, opts, bias):
    shapes = [x_shape, w_shape] + ([_bias_shape(w_shape, opts, False)] if bias else [])
    check_op(shapes, _op(conv3d, F.conv3d, opts), gradcheck=False)


@pytest.mark.parametrize("x_shape, w_shape, opts", TRANSPOSE_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_transpose3d_matches_torch(x_shape, w_shape, opts, bias):
    shapes = [x_shape, w_shape] + ([_bias_shape(w_shape, opts, True)] if bias else [])
    check_op(shapes, _op(conv_transpose3d, F.conv_transpose3d, opts), gradcheck=False)


@pytest.mark.parametrize("fn, torch_fn, x_shape, w_shape, opts", [
    (conv3d, F.conv3d, (1, 2, 3, 4, 3), (2, 2, 2, 2, 2), {"stride": (1, 2, 1), "padding": 1}),
    (conv3d, F.conv3d, (2, 4, 3, 3, 5), (2, 2, 2, 1, 3), {"groups": 2, "dilation": (1, 1, 2)}),
    (conv_transpose3d, F.conv_transpose3d, (1, 2, 2, 3, 2), (2, 2, 2, 2, 2),
     {"stride": 2, "padding": (1, 0, 1), "output_padding": (0, 1, 1)}),
    (conv_transpose3d, F.conv_transpose3d, (2, 4, 2, 2, 3), (4, 1, 2, 1, 2), {"groups": 2}),
])
def test_gradcheck_float64(fn, torch_fn, x_shape, w_shape, opts):
    transposed = fn is conv_transpose3d
    check_op([x_shape, w_shape, _bias_shape(w_shape, opts, transposed)],
             _op(fn, torch_fn, opts), dtypes=("float64",))


@pytest.mark.parametrize("transposed", [False, True])
def test_batch_chunks_match_torch(monkeypatch, transposed):
    """One image per chunk: the chunked GEMMs and col2vol adds give the whole-batch result."""
    monkeypatch.setattr(conv3d_module, "CHUNK_ELEMENTS", 1)
    cases = TRANSPOSE_CASES if transposed else CONV3D_CASES
    fn, torch_fn = (conv_transpose3d, F.conv_transpose3d) if transposed else (conv3d, F.conv3d)
    for x_shape, w_shape, opts in cases[1:3]:
        shapes = [x_shape, w_shape, _bias_shape(w_shape, opts, transposed)]
        check_op(shapes, _op(fn, torch_fn, opts), dtypes=("float64",), gradcheck=False)


@pytest.mark.parametrize("fn, torch_fn, w_shape", [(conv3d, F.conv3d, (4, 2, 2, 2, 2)),
                                                    (conv_transpose3d, F.conv_transpose3d,
                                                     (2, 4, 2, 2, 2))])
def test_empty_batch(fn, torch_fn, w_shape):
    """A batch of 0 volumes gives PyTorch's empty output shape and empty gradients."""
    check_op([(0, 2, 3, 3, 3), w_shape, (4,)], _op(fn, torch_fn, {"stride": 2}),
             dtypes=("float64",), gradcheck=False)


@pytest.mark.parametrize("fn, torch_fn, w_shape", [(conv3d, F.conv3d, (4, 2, 2, 3, 2)),
                                                    (conv_transpose3d, F.conv_transpose3d,
                                                     (2, 4, 2, 3, 2))])
@pytest.mark.parametrize("needs", [(True, False, False), (False, True, False),
                                   (False, False, True)])
def test_gradient_of_one_input(fn, torch_fn, w_shape, needs):
    """Backward computes only the gradients asked for, each still PyTorch's."""
    rng = numpy.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in ((2, 2, 3, 4, 3), w_shape, (4,))]
    ours = [rb.Tensor(a, requires_grad=n) for a, n in zip(arrays, needs)]
    theirs = [torch.from_numpy(a).requires_grad_(n) for a, n in zip(arrays, needs)]
    y, want = fn(*ours, stride=(1, 2, 1), padding=1), torch_fn(*theirs, stride=(1, 2, 1), padding=1)
    upstream = rng.standard_normal(tuple(want.shape))
    y.backward(rb.Tensor(upstream))
    want.backward(torch.from_numpy(upstream))
    for r, t in zip(ours, theirs):
        assert (r.grad is None) == (t.grad is None)
        if t.grad is not None:
            numpy.testing.assert_allclose(r.grad.data, t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_float32_stays_float32():
    x, w, b = rb.randn(1, 2, 3, 4, 4), rb.randn(3, 2, 2, 2, 2), rb.randn(3)
    for t in (x, w, b):
        t.requires_grad_()
    y = conv_transpose3d(conv3d(x, w, b), w, b[:2])
    y.sum().backward()
    assert y.dtype == rb.float32 and {t.grad.dtype for t in (x, w, b)} == {rb.float32}


# Layer contract: state dict, float32/float64 forward, gradients of input, weight and bias.
CONV3D_LAYER_CASES = [
    ((3, 4, 3), {}, (2, 3, 4, 5, 5)),
    ((4, 6, (3, 2, 1)), {"stride": (2, 1, 1), "padding": (1, 0, 0), "dilation": (1, 2, 1),
                         "groups": 2, "bias": False}, (2, 4, 5, 6, 4)),
    ((2, 3, 3), {"padding": "same"}, (2, 3, 4, 5)),  # unbatched
    ((2, 3, 3), {"padding": 1, "padding_mode": "reflect"}, (2, 2, 3, 4, 5)),
    ((2, 3, 3), {"padding": (2, 1, 0), "padding_mode": "replicate"}, (1, 2, 3, 4, 5)),
    ((2, 3, 3), {"padding": 1, "padding_mode": "circular"}, (1, 2, 3, 4, 5)),
    ((2, 3, (2, 3, 4)), {"padding": "same", "padding_mode": "circular"}, (1, 2, 4, 4, 5)),
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("args, kwargs, shape", CONV3D_LAYER_CASES)
def test_conv3d_layer_contract(args, kwargs, shape):
    check_layer(lambda: Conv3d(*args, **kwargs), lambda: torch.nn.Conv3d(*args, **kwargs), shape,
                grad_atol=1e-8)
    assert repr(Conv3d(*args, **kwargs)) == repr(torch.nn.Conv3d(*args, **kwargs))


@pytest.mark.parametrize("args, kwargs, shape", [
    ((3, 4, 3), {}, (2, 3, 3, 4, 2)),
    ((4, 6, (3, 2, 3)), {"stride": 2, "padding": (1, 0, 1), "output_padding": (1, 0, 1),
                         "groups": 2, "dilation": (1, 2, 1), "bias": False}, (2, 4, 3, 3, 4)),
    ((2, 3, 2), {"stride": 2}, (2, 3, 2, 3)),  # unbatched
])
def test_conv_transpose3d_layer_contract(args, kwargs, shape):
    check_layer(lambda: ConvTranspose3d(*args, **kwargs),
                lambda: torch.nn.ConvTranspose3d(*args, **kwargs), shape, grad_atol=1e-8)
    assert repr(ConvTranspose3d(*args, **kwargs)) == repr(torch.nn.ConvTranspose3d(*args, **kwargs))


def test_conv_transpose3d_output_size():
    """``output_size`` picks the output padding, as PyTorch's; out of range it is refused."""
    layer = ConvTranspose3d(2, 3, 3, stride=2)
    torch_layer = torch.nn.ConvTranspose3d(2, 3, 3, stride=2)
    layer.load_state_dict({k: v.detach().numpy() for k, v in torch_layer.state_dict().items()})
    x = numpy.random.default_rng(0).standard_normal((1, 2, 3, 4, 3)).astype(numpy.float32)
    got = layer(rb.tensor(x), output_size=(8, 9, 8))
    want = torch_layer(torch.from_numpy(x), output_size=(8, 9, 8))
    numpy.testing.assert_allclose(got.data, want.detach().numpy(), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="ConvTranspose3d: requested an output size"):
        layer(rb.tensor(x), output_size=(10, 9, 8))


@pytest.mark.parametrize("make, fan_in", [(lambda: Conv3d(4, 6, (3, 2, 2), groups=2), 2 * 12),
                                          (lambda: ConvTranspose3d(4, 6, 3, groups=2), 3 * 27)])
def test_default_init_bounds(make, fan_in):
    """kaiming_uniform(a=sqrt(5)) and the bias bound: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), both
    filling that range (not a narrower one)."""
    bound = 1 / math.sqrt(fan_in)
    weights = numpy.concatenate([make().weight.data.ravel() for _ in range(20)])
    biases = numpy.concatenate([make().bias.data.ravel() for _ in range(20)])
    for values in (weights, biases):
        assert values.dtype == numpy.float32
        assert numpy.abs(values).max() <= bound
        assert numpy.abs(values).max() > 0.9 * bound


def test_state_dict_names_and_shapes():
    for ours, theirs in ((Conv3d(4, 6, 3, groups=2), torch.nn.Conv3d(4, 6, 3, groups=2)),
                         (ConvTranspose3d(4, 6, (1, 2, 3), bias=False),
                          torch.nn.ConvTranspose3d(4, 6, (1, 2, 3), bias=False))):
        assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {
            k: tuple(v.shape) for k, v in theirs.state_dict().items()}


def test_float64_layer():
    layer = Conv3d(2, 3, 2, dtype=rb.float64)
    assert layer(rb.randn(1, 2, 3, 3, 3, dtype=rb.float64)).dtype == rb.float64


@pytest.mark.parametrize("call, match", [
    (lambda: conv3d(rb.randn(2, 3, 4, 4), rb.randn(4, 3, 3, 3, 3)),
     r"conv3d: input \[1, 2, 3, 4, 4\] has 2 channels but weight \[4, 3, 3, 3, 3\] .* expects 3"),
    (lambda: conv3d(rb.randn(2, 3, 4, 4, 4), rb.randn(4, 3, 3, 3)),
     r"conv3d: expected a 5-d input .* and a 5-d weight, got input \[2, 3, 4, 4, 4\] and "
     r"weight \[4, 3, 3, 3\]"),
    (lambda: conv3d(rb.randn(3, 4), rb.randn(4, 3, 3, 3, 3)), r"conv3d: expected a 5-d input"),
    (lambda: conv3d(rb.randn(2, 3, 4, 4, 4), rb.randn(4, 1, 3, 3, 3), groups=2),
     r"conv3d: groups=2 must divide the input channels, got input \[2, 3, 4, 4, 4\]"),
    (lambda: conv3d(rb.randn(2, 4, 4, 4, 4), rb.randn(3, 2, 3, 3, 3), groups=2),
     r"conv3d: groups=2 must divide the output channels"),
    (lambda: conv3d(rb.randn(2, 3, 2, 4, 4), rb.randn(4, 3, 3, 3, 3)),
     r"conv3d: kernel \[3, 3, 3\] .* larger than the padded input \[2, 4, 4\]"),
    (lambda: conv3d(rb.randn(2, 3, 4, 4, 4), rb.randn(4, 3, 3, 3, 3), stride=2, padding="same"),
     r"conv3d: padding='same' needs stride 1"),
    (lambda: conv3d(rb.randn(2, 3, 4, 4, 4), rb.randn(4, 3, 3, 3, 3), padding="full"),
     r"conv3d: padding must be"),
    (lambda: conv3d(rb.randn(2, 3, 4, 4, 4), rb.randn(4, 3, 3, 3, 3), stride=(1, 2)),
     r"conv3d: stride must be an int or a tuple of 3 ints"),
    (lambda: conv3d(rb.randn(2, 3, 4, 4, 4), rb.randn(4, 3, 3, 3, 3), rb.randn(3)),
     r"conv3d: bias must be a Tensor of shape \[4\]"),
    (lambda: conv_transpose3d(rb.randn(3, 4, 4), rb.randn(3, 3, 3, 3, 3)),
     r"conv_transpose3d: expected a 5-d input"),
    (lambda: conv_transpose3d(rb.randn(1, 3, 4, 4, 4), rb.randn(2, 3, 3, 3, 3)),
     r"conv_transpose3d: input \[1, 3, 4, 4, 4\] has 3 channels but weight \[2, 3, 3, 3, 3\] "
     r"expects 2"),
    (lambda: conv_transpose3d(rb.randn(1, 3, 4, 4, 4), rb.randn(3, 3, 3, 3, 3), output_padding=1),
     r"conv_transpose3d: output_padding \(1, 1, 1\) must be smaller than either stride"),
    (lambda: conv_transpose3d(rb.randn(1, 3, 1, 1, 1), rb.randn(3, 3, 1, 1, 1), padding=1),
     r"conv_transpose3d: .* gives an empty output \[-1, -1, -1\]"),
    (lambda: Conv3d(3, 4, 3)(rb.randn(3, 4, 4)), r"Conv3d: expected input \(N, 3, D, H, W\)"),
    (lambda: Conv3d(3, 4, 3, padding=1, padding_mode="reflect")(rb.randn(1, 2, 4, 4, 4)),
     r"Conv3d: expected input \(N, 3, D, H, W\) .* got shape \(1, 2, 4, 4, 4\)"),
    (lambda: ConvTranspose3d(3, 4, 3)(rb.randn(1, 4, 3, 3, 3)), r"ConvTranspose3d: expected input"),
    (lambda: Conv3d(3, 4, 3, groups=2), r"Conv3d: in_channels \(3\) .* divisible by groups \(2\)"),
    (lambda: ConvTranspose3d(3, 4, 3, padding_mode="reflect"),
     r"ConvTranspose3d: only padding_mode='zeros'"),
])
def test_errors_like_torch(call, match):
    """Where PyTorch refuses, so does rosenblatt, naming the op, the expected and the actual."""
    with pytest.raises(ValueError, match=match):
        call()


def test_dtype_mismatch_is_refused():
    with pytest.raises(RuntimeError, match="conv3d: input dtype float64 does not match weight"):
        conv3d(rb.randn(1, 2, 3, 3, 3, dtype=rb.float64), rb.randn(2, 2, 2, 2, 2))
