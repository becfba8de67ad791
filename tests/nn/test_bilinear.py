"""nn.functional.bilinear and nn.Bilinear against PyTorch."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F
from helpers import check_op

from .layer_helpers import check_layer


@pytest.mark.parametrize("shapes", [
    [(5, 3), (5, 4), (6, 3, 4), (6,)],        # a batch, with bias
    [(5, 3), (5, 4), (6, 3, 4)],              # no bias
    [(2, 3, 3), (2, 3, 4), (2, 3, 4), (2,)],  # two leading dims
    [(3,), (4,), (2, 3, 4), (2,)],            # unbatched: no leading dims
    [(4, 1), (4, 1), (3, 1, 1), (3,)],        # one feature each
])
def test_bilinear_functional_matches_torch_with_gradcheck(shapes):
    check_op(shapes, F.bilinear, torch.nn.functional.bilinear)


def test_bilinear_is_x1_A_x2_plus_b():
    # y_k = x1^T A_k x2 + b_k, written out
    rng = numpy.random.default_rng(1)
    x1, x2 = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    w, b = rng.standard_normal((5, 3, 2)), rng.standard_normal(5)
    want = numpy.array([[x1[n] @ w[k] @ x2[n] + b[k] for k in range(5)] for n in range(4)])
    got = F.bilinear(rb.tensor(x1), rb.tensor(x2), rb.tensor(w), rb.tensor(b))
    numpy.testing.assert_allclose(got.data, want, rtol=1e-12)


def test_bilinear_empty_batch_matches_torch():
    out = F.bilinear(rb.zeros(0, 3), rb.zeros(0, 4), rb.ones(5, 3, 4), rb.ones(5))
    want = torch.nn.functional.bilinear(torch.zeros(0, 3), torch.zeros(0, 4), torch.ones(5, 3, 4),
                                        torch.ones(5))
    assert out.shape == tuple(want.shape) == (0, 5) and out.dtype == numpy.float32


def test_bilinear_keeps_float32():
    out = F.bilinear(rb.randn(2, 3), rb.randn(2, 4), rb.randn(5, 3, 4), rb.randn(5))
    assert out.dtype == numpy.float32


class _TwoInputs:
    """A one-input wrapper around a Bilinear layer, so ``check_layer`` can drive it: the
    input's last dim is split into the two inputs.  The layer is the child ``bilinear``."""

    @staticmethod
    def rb(in1, in2, out, bias):
        class Wrapper(nn.Module):
            def __init__(self):
                super().__init__()
                self.bilinear = nn.Bilinear(in1, in2, out, bias=bias)

            def forward(self, x):
                return self.bilinear(x[..., :in1], x[..., in1:])
        return Wrapper()

    @staticmethod
    def torch(in1, in2, out, bias):
        class Wrapper(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.bilinear = torch.nn.Bilinear(in1, in2, out, bias=bias)

            def forward(self, x):
                return self.bilinear(x[..., :in1], x[..., in1:])
        return Wrapper()


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 7), (2, 3, 7), (7,)])
def test_bilinear_layer_contract(bias, shape):
    check_layer(lambda: _TwoInputs.rb(3, 4, 5, bias), lambda: _TwoInputs.torch(3, 4, 5, bias), shape)


@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_repr_and_parameters_match_torch(bias):
    ours, theirs = nn.Bilinear(3, 4, 5, bias=bias), torch.nn.Bilinear(3, 4, 5, bias=bias)
    assert repr(ours) == repr(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]


def test_bilinear_default_init_follows_torch_distribution():
    layer = nn.Bilinear(100, 30, 40)
    bound = 1 / math.sqrt(100)  # PyTorch: U(-1/sqrt(in1_features), +), weight and bias
    w, b = layer.weight.data, layer.bias.data
    assert w.dtype == numpy.float32 and w.shape == (40, 100, 30)
    assert numpy.abs(w).max() <= bound and numpy.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert abs(w.mean()) < 0.01 * bound
    assert numpy.abs(b).max() <= bound and b.std() > 0.4 * bound


def test_bilinear_generator_gives_reproducible_weights():
    a = nn.Bilinear(3, 4, 5, generator=rb.Generator(7))
    b = nn.Bilinear(3, 4, 5, generator=rb.Generator(7))
    c = nn.Bilinear(3, 4, 5, generator=rb.Generator(8))
    numpy.testing.assert_array_equal(a.weight.data, b.weight.data)
    numpy.testing.assert_array_equal(a.bias.data, b.bias.data)
    assert not numpy.array_equal(a.weight.data, c.weight.data)


def test_bilinear_dtype_argument():
    layer = nn.Bilinear(3, 4, 5, dtype=rb.float64)
    assert layer.weight.dtype == numpy.float64 and layer.bias.dtype == numpy.float64
    assert layer(rb.randn(2, 3, dtype=rb.float64), rb.randn(2, 4, dtype=rb.float64)).dtype == numpy.float64


@pytest.mark.parametrize("x1, x2, w, b, match", [
    ((2, 3), (3, 4), (5, 3, 4), (5,), r"bilinear\(\).*\(2, 3\).*\(3, 4\).*same leading"),
    ((2, 3), (4,), (5, 3, 4), (5,), r"bilinear\(\).*same leading"),
    ((2, 2), (2, 4), (5, 3, 4), (5,), r"bilinear\(\): input1's last dim is 2 .*in1_features = 3"),
    ((2, 3), (2, 5), (5, 3, 4), (5,), r"bilinear\(\): input2's last dim is 5 .*in2_features = 4"),
    ((2, 3), (2, 4), (5, 3, 4), (6,), r"bilinear\(\): bias must have shape \(5,\).*got \(6,\)"),
    ((2, 3), (2, 4), (5, 12), None, r"bilinear\(\): weight must be 3-d.*\(5, 12\)"),
    ((), (4,), (5, 3, 4), None, r"bilinear\(\): inputs must have at least 1 dim"),
])
def test_bilinear_bad_shapes_raise_naming_them(x1, x2, w, b, match):
    args = [rb.randn(x1), rb.randn(x2), rb.randn(w), None if b is None else rb.randn(b)]
    with pytest.raises(ValueError, match=match):
        F.bilinear(*args)
    # PyTorch refuses each of these too
    with pytest.raises(RuntimeError):
        torch.nn.functional.bilinear(*[None if a is None else torch.from_numpy(a.data) for a in args])


def test_bilinear_mixed_dtypes_raise():
    with pytest.raises(RuntimeError, match=r"bilinear\(\).*float32.*weight.*float64"):
        F.bilinear(rb.randn(2, 3), rb.randn(2, 4), rb.randn(5, 3, 4, dtype=rb.float64))
    with pytest.raises(TypeError, match=r"bilinear\(\): input2 must be a Tensor"):
        F.bilinear(rb.randn(2, 3), [[1.0] * 4] * 2, rb.randn(5, 3, 4))
