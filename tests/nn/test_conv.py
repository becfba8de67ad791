"""conv1d, conv2d, conv_transpose2d against torch.nn.functional: values, gradients, gradcheck."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.functional as F
from helpers import check_op

import rosenblatt as rb
from rosenblatt.nn.functional import conv as conv_module
from rosenblatt.nn.functional import _winograd as winograd_module
from rosenblatt.nn.functional.conv import conv1d, conv2d, conv_transpose2d

# (input shape, weight shape, options): every configuration axis at least once.
CONV2D_CASES = [
    ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    ((1, 3, 7, 6), (4, 3, 3, 3), {"padding": 1}),  # batch 1
    ((2, 3, 9, 8), (4, 3, 3, 2), {"stride": 2, "padding": (1, 0)}),  # non-square kernel
    ((2, 2, 9, 7), (3, 2, 2, 3), {"stride": (2, 3), "padding": (0, 2)}),
    ((2, 3, 7, 7), (2, 3, 3, 3), {"padding": "same"}),
    ((2, 3, 8, 7), (2, 3, 4, 2), {"padding": "same", "dilation": (1, 2)}),  # even kernel
    ((2, 3, 7, 6), (2, 3, 3, 3), {"padding": "valid"}),
    ((2, 2, 11, 10), (3, 2, 3, 3), {"dilation": 2, "padding": 1}),
    ((2, 4, 7, 6), (6, 2, 3, 3), {"groups": 2, "padding": 1}),
    ((2, 4, 7, 6), (4, 1, 3, 3), {"groups": 4, "stride": 2}),  # depthwise
    ((2, 3, 6, 5), (6, 1, 3, 1), {"groups": 3}),  # depthwise, channel multiplier 2
    ((2, 3, 5, 5), (4, 3, 1, 1), {}),  # pointwise
    ((2, 3, 5, 5), (4, 3, 5, 5), {}),  # kernel = input: 1x1 output
]


def _conv2d_op(w_shape: tuple, opts: dict, bias: bool):
    def op(x, w, *b):
        return (conv2d if isinstance(x, rb.Tensor) else F.conv2d)(x, w, *b, **opts)
    shapes = [w_shape, (w_shape[0],)] if bias else [w_shape]
    return op, shapes


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on even kernels
@pytest.mark.parametrize("x_shape, w_shape, opts", CONV2D_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_matches_torch(x_shape, w_shape, opts, bias):
    op, shapes = _conv2d_op(w_shape, opts, bias)
    check_op([x_shape] + shapes, op, gradcheck=False)


@pytest.mark.parametrize("x_shape, w_shape, opts", CONV2D_CASES[::3])
def test_conv2d_gradcheck(x_shape, w_shape, opts):
    op, shapes = _conv2d_op(w_shape, opts, True)
    check_op([x_shape] + shapes, op, dtypes=("float64",))


@pytest.mark.parametrize("chunk", [1, 1 << 20])
def test_conv2d_rows_path_matches_torch(monkeypatch, chunk):
    """Many channels take the (N, H, W) x (kh, kw, C) GEMMs in batch chunks; force them on small
    shapes, groups included, one image per chunk and the whole batch in one."""
    monkeypatch.setattr(conv_module, "NHWC_MIN_CHANNELS", 1)
    monkeypatch.setattr(conv_module, "CHUNK_ELEMENTS", chunk)
    for x_shape, w_shape, opts in CONV2D_CASES:
        op, shapes = _conv2d_op(w_shape, opts, True)
        check_op([x_shape] + shapes, op, gradcheck=False)


@pytest.mark.parametrize("x_shape, pad", [((2, 3, 7, 6), 1), ((1, 2, 6, 6), 0), ((2, 3, 5, 8), (2, 0)),
                                          ((2, 2, 6, 7), "same"), ((3, 3, 13, 10), 1),
                                          ((1, 2, 10, 9), 0)])
@pytest.mark.parametrize("chunk", [1, 1 << 20])
def test_conv2d_winograd_matches_torch(monkeypatch, x_shape, pad, chunk):
    """Stride-1 3x3 convs can take Winograd F(4x4, 3x3); force it on small shapes (odd sizes,
    several tiles, part tiles), one image per chunk or all at once."""
    monkeypatch.setattr(conv_module, "WINOGRAD_MIN_CHANNELS", 1)
    monkeypatch.setattr(conv_module, "WINOGRAD_MIN_SIZE", 1)
    monkeypatch.setattr(winograd_module, "CHUNK_ELEMENTS", chunk)
    op, shapes = _conv2d_op((4, x_shape[1], 3, 3), {"padding": pad}, True)
    rx = rb.randn(*x_shape, requires_grad=True)
    assert type(op(rx, rb.randn(*shapes[0]), rb.randn(4))._node).__name__ == "Conv2dWinograd"
    check_op([x_shape] + shapes, op, atol=1e-4)


def test_conv2d_winograd_by_default_float32():
    """A 64-channel stride-1 3x3 conv on 13x15 takes Winograd by default; float32 error ~1e-5."""
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((3, 64, 13, 15)).astype(numpy.float32)
    w = (rng.standard_normal((32, 64, 3, 3)) / 24).astype(numpy.float32)
    b = rng.standard_normal(32).astype(numpy.float32)
    rx, rw, rbias = (rb.Tensor(a, requires_grad=True) for a in (x, w, b))
    tx, tw, tbias = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))
    ry, ty = conv2d(rx, rw, rbias, padding=1), F.conv2d(tx, tw, tbias, padding=1)
    assert type(ry._node).__name__ == "Conv2dWinograd" and ry.dtype == rb.float32
    numpy.testing.assert_allclose(ry.data, ty.detach().numpy(), rtol=1e-4, atol=1e-4)
    g = rng.standard_normal(ry.shape).astype(numpy.float32)
    ry.backward(rb.Tensor(g))
    ty.backward(torch.from_numpy(g))
    for r, t in ((rx, tx), (rw, tw), (rbias, tbias)):
        assert r.grad.dtype == rb.float32
        scale = numpy.abs(t.grad.numpy()).max()
        numpy.testing.assert_allclose(r.grad.data, t.grad.numpy(), rtol=0, atol=1e-5 * scale)


def test_conv2d_float16_stays_on_im2col():
    """Winograd's transforms cost float16 ~16x the error of direct summation: im2col keeps it."""
    rng = numpy.random.default_rng(0)
    x = rb.Tensor(rng.standard_normal((2, 16, 14, 14)).astype(numpy.float16), requires_grad=True)
    w = rb.Tensor(rng.standard_normal((8, 16, 3, 3)).astype(numpy.float16))
    y = conv2d(x, w, padding=1)
    assert y.dtype == rb.float16 and type(y._node).__name__ == "Conv2dRows"


def test_conv2d_backward_twice_with_retain_graph():
    """The first backward keeps the saved columns intact (the last may write into them)."""
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((2, 3, 8, 7))
    w = rng.standard_normal((4, 3, 3, 3))
    g = rng.standard_normal((2, 4, 6, 5))
    rx, rw = rb.Tensor(x, requires_grad=True), rb.Tensor(w, requires_grad=True)
    tx, tw = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_()
    ry, ty = conv2d(rx, rw), F.conv2d(tx, tw)
    ry.backward(rb.Tensor(g), retain_graph=True)
    ry.backward(rb.Tensor(g))
    ty.backward(torch.from_numpy(g), retain_graph=True)
    ty.backward(torch.from_numpy(g))
    numpy.testing.assert_allclose(rx.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    numpy.testing.assert_allclose(rw.grad.data, tw.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_conv2d_float32_and_layout_chain():
    """float32 stays float32, and a conv output (a strided view) feeds the next conv correctly."""
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((3, 20, 9, 9)).astype(numpy.float32)
    w1 = rng.standard_normal((24, 20, 3, 3)).astype(numpy.float32)
    w2 = rng.standard_normal((5, 24, 3, 3)).astype(numpy.float32)
    rx, rw1, rw2 = (rb.Tensor(a, requires_grad=True) for a in (x, w1, w2))
    tx, tw1, tw2 = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w1, w2))
    ry = conv2d(conv2d(rx, rw1, padding=1).relu(), rw2, stride=2)
    ty = F.conv2d(F.conv2d(tx, tw1, padding=1).relu(), tw2, stride=2)
    assert ry.dtype == rb.float32
    numpy.testing.assert_allclose(ry.data, ty.detach().numpy(), rtol=1e-4, atol=1e-3)
    g = rng.standard_normal(ry.shape).astype(numpy.float32)
    ry.backward(rb.Tensor(g))
    ty.backward(torch.from_numpy(g))
    for r, t in ((rx, tx), (rw1, tw1), (rw2, tw2)):
        assert r.grad.dtype == rb.float32
        numpy.testing.assert_allclose(r.grad.data, t.grad.numpy(), rtol=1e-4, atol=1e-2)


@pytest.mark.parametrize("x_shape, w_shape, opts", [
    ((2, 3, 11), (4, 3, 3), {}),
    ((1, 2, 12), (4, 1, 4), {"stride": 2, "padding": 1, "groups": 2}),
    ((2, 3, 10), (2, 3, 3), {"padding": "same", "dilation": 3}),
    ((2, 3, 10), (3, 1, 5), {"padding": "valid", "groups": 3}),
])
def test_conv1d_matches_torch(x_shape, w_shape, opts):
    def op(x, w, b):
        return (conv1d if isinstance(x, rb.Tensor) else F.conv1d)(x, w, b, **opts)
    check_op([x_shape, w_shape, (w_shape[0],)], op)


CONV_T_CASES = [
    ((2, 3, 4, 5), (3, 2, 3, 3), {}),
    ((1, 3, 4, 5), (3, 2, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((2, 4, 3, 4), (4, 1, 3, 2), {"stride": (2, 3), "padding": (1, 0), "groups": 2}),
    ((2, 2, 4, 4), (2, 3, 3, 3), {"dilation": 2, "padding": 2}),
    ((2, 2, 3, 3), (2, 2, 2, 2), {"stride": 3, "output_padding": (2, 1)}),
    ((2, 2, 4, 3), (2, 2, 3, 3), {"stride": 1, "dilation": 2, "output_padding": 1}),
]


@pytest.mark.parametrize("x_shape, w_shape, opts", CONV_T_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_transpose2d_matches_torch(x_shape, w_shape, opts, bias):
    def op(x, w, *b):
        return (conv_transpose2d if isinstance(x, rb.Tensor) else F.conv_transpose2d)(x, w, *b, **opts)
    cout = w_shape[1] * opts.get("groups", 1)
    check_op([x_shape, w_shape] + ([(cout,)] if bias else []), op, gradcheck=bias)


@pytest.mark.parametrize("fn, torch_fn, shapes, opts", [
    (conv2d, F.conv2d, [(3, 6, 5), (4, 3, 3, 3), (4,)], {"padding": 1}),
    (conv1d, F.conv1d, [(3, 7), (4, 3, 3), (4,)], {"stride": 2}),
    (conv_transpose2d, F.conv_transpose2d, [(3, 4, 5), (3, 2, 3, 3), (2,)],
     {"stride": 2, "output_padding": 1}),
])
def test_unbatched_input_matches_torch(fn, torch_fn, shapes, opts):
    """One (C, *spatial) sample without its batch dim runs as a batch of one, as in PyTorch."""
    check_op(shapes, lambda x, w, b: fn(x, w, b, **opts), lambda x, w, b: torch_fn(x, w, b, **opts))


@pytest.mark.parametrize("call, message", [
    (lambda: conv2d(rb.randn(2, 3, 8, 8), rb.randn(4, 2, 3, 3)), r"\[2, 3, 8, 8\].*3 channels.*\[4, 2, 3, 3\]"),
    (lambda: conv2d(rb.randn(2, 6, 8, 8), rb.randn(4, 2, 3, 3), groups=4), r"groups=4 must divide.*\[2, 6, 8, 8\]"),
    (lambda: conv2d(rb.randn(2, 4, 8, 8), rb.randn(3, 2, 3, 3), groups=2), r"output channels.*\[3, 2, 3, 3\]"),
    (lambda: conv2d(rb.randn(1, 1, 4, 4), rb.randn(1, 1, 5, 5)), r"kernel \[5, 5\].*larger.*\[4, 4\]"),
    (lambda: conv2d(rb.randn(1, 1, 4, 4), rb.randn(1, 1, 3, 3), dilation=2), r"dilated extent \[5, 5\]"),
    (lambda: conv2d(rb.randn(1, 1, 4, 4), rb.randn(1, 1, 3, 3), padding="same", stride=2), "stride 1"),
    (lambda: conv2d(rb.randn(1, 1, 4, 4), rb.randn(1, 1, 3, 3), padding="full"), "'same' or 'valid'"),
    (lambda: conv2d(rb.randn(4, 4), rb.randn(1, 1, 3, 3)), r"4-d input.*unbatched.*\[4, 4\]"),
    (lambda: conv2d(rb.randn(1, 2, 4, 4), rb.randn(3, 2, 3, 3), rb.randn(2)), r"bias.*\[3\].*\[2\]"),
    (lambda: conv1d(rb.randn(2, 3, 8), rb.randn(4, 2, 3)), r"3 channels"),
    (lambda: conv1d(rb.randn(2, 3, 8, 1), rb.randn(4, 3, 3)), r"3-d Tensor \(N, C, L\)"),
    (lambda: conv_transpose2d(rb.randn(1, 3, 4, 4), rb.randn(2, 2, 3, 3)), r"3 channels.*\[2, 2, 3, 3\]"),
    (lambda: conv_transpose2d(rb.randn(1, 2, 4, 4), rb.randn(2, 2, 3, 3), stride=2,
                              output_padding=2), "output_padding"),
])
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
