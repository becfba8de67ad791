"""Activation layers and functions against PyTorch, including +-1e4 stability."""
import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F
from helpers import check_op

from .layer_helpers import check_layer

LAYERS = [
    ("ReLU", (), {}), ("LeakyReLU", (0.2,), {}), ("LeakyReLU", (), {}), ("ELU", (), {}),
    ("ELU", (0.5,), {}), ("GELU", (), {}), ("GELU", (), {"approximate": "tanh"}), ("SiLU", (), {}),
    ("Sigmoid", (), {}), ("Tanh", (), {}), ("Softplus", (), {}),
    ("Softplus", (), {"beta": 2.0, "threshold": 3.0}), ("Softmax", (), {"dim": 1}),
    ("LogSoftmax", (), {"dim": -1}), ("Softmax", (), {"dim": 0}),
]


@pytest.mark.parametrize("name, args, kwargs", LAYERS)
def test_activation_layer_contract_and_repr(name, args, kwargs):
    check_layer(lambda: getattr(nn, name)(*args, **kwargs),
                lambda: getattr(torch.nn, name)(*args, **kwargs), (4, 5), low=-4, high=4)
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


FUNCTIONS = [
    ("gelu", lambda F: (lambda x: F.gelu(x))),
    ("gelu_tanh", lambda F: (lambda x: F.gelu(x, approximate="tanh"))),
    ("leaky_relu", lambda F: (lambda x: F.leaky_relu(x, 0.1))),
    ("elu", lambda F: (lambda x: F.elu(x, alpha=1.5))),
    ("silu", lambda F: F.silu),
    ("softplus", lambda F: (lambda x: F.softplus(x, beta=0.5, threshold=1.5))),
    ("relu", lambda F: F.relu), ("sigmoid", lambda F: F.sigmoid), ("tanh", lambda F: F.tanh),
]


@pytest.mark.parametrize("name, make", FUNCTIONS)
def test_activation_functions_match_torch_and_gradcheck(name, make):
    # Avoid the kinks (0 for relu-likes) where a numerical gradient is meaningless.
    inputs = [numpy.array([[-3.1, -1.2, -0.3, 0.25], [0.7, 1.9, 4.2, -7.5]])]
    check_op(None, make(F), make(torch.nn.functional), inputs=inputs)
    check_op([(3, 4)], make(F), make(torch.nn.functional), low=-6, high=6, gradcheck=False)


@pytest.mark.parametrize("name, make", FUNCTIONS)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_activations_are_finite_and_exact_at_extremes(name, make, dtype):
    values = numpy.array([-1e4, -100.0, -30.0, 30.0, 100.0, 1e4], dtype=dtype)
    x = rb.tensor(values, requires_grad=True)
    tx = torch.from_numpy(values.copy()).requires_grad_(True)
    y, ty = make(F)(x), make(torch.nn.functional)(tx)
    assert y.dtype == dtype
    assert numpy.isfinite(y.data).all()
    numpy.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-6, atol=1e-30)
    y.sum().backward()
    ty.sum().backward()
    assert numpy.isfinite(x.grad.data).all()
    numpy.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-6, atol=1e-30)


def test_erf_exact_in_float64_and_within_5e7_in_float32():
    x = numpy.linspace(-9, 9, 2001)
    numpy.testing.assert_allclose(F.erf(x), torch.special.erf(torch.from_numpy(x)).numpy(),
                                  rtol=1e-14, atol=2e-16)
    x32 = x.astype(numpy.float32)
    numpy.testing.assert_allclose(F.erf(x32), torch.special.erf(torch.from_numpy(x32)).numpy(),
                                  rtol=0, atol=5e-7)
    assert F.erf(x32).dtype == numpy.float32


def test_inplace_activations_write_into_the_input():
    for fn in (lambda t: nn.ReLU(inplace=True)(t), lambda t: F.leaky_relu(t, 0.5, inplace=True),
               lambda t: F.silu(t, inplace=True), lambda t: F.elu(t, inplace=True)):
        x = rb.tensor([-1.0, 2.0])
        assert fn(x) is x
        assert x.data[1] == pytest.approx(fn(rb.tensor([-1.0, 2.0])).data[1])


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_gelu_gradient_from_its_output_at_zero_and_far_out(dtype):
    # backward takes Phi(x) as out / x: x = 0 (Phi = 1/2), tiny x and x where Phi underflows
    values = numpy.array([-40.0, -10.0, -6.0, -5.0, -1e-30, 0.0, 1e-30, 0.3, 6.0, 1e4], dtype=dtype)
    x, tx = rb.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    F.gelu(x).sum().backward()
    torch.nn.functional.gelu(tx).sum().backward()
    numpy.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert x.grad.numpy()[5] == 0.5


def test_gelu_and_erf_over_several_cache_slices_match_torch():
    # float32 GELU and erf work in slices of _CHUNK elements: a ragged last slice, and
    # zeros (Phi = out / x is mended there) in a later slice than the first
    from rosenblatt.nn.functional.activation import _CHUNK
    values = numpy.random.default_rng(0).standard_normal(3 * _CHUNK + 5).astype(numpy.float32) * 3
    values[[2 * _CHUNK + 1, -1]] = 0.0
    x, tx = rb.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    upstream = numpy.linspace(-1, 1, values.size, dtype=numpy.float32)
    y, ty = F.gelu(x), torch.nn.functional.gelu(tx)
    numpy.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=0, atol=2e-6)
    y.backward(rb.tensor(upstream))
    ty.backward(torch.from_numpy(upstream))
    numpy.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=0, atol=1e-6)
    assert x.grad.numpy()[-1] == 0.5
    numpy.testing.assert_allclose(F.erf(values), torch.special.erf(tx.detach()).numpy(), rtol=0, atol=5e-7)


def test_changing_gelus_output_in_place_is_refused_as_backward_needs_it():
    y = F.gelu(rb.tensor([0.5, -1.0], requires_grad=True))
    with pytest.raises(RuntimeError, match="in-place operation changed the output of Gelu"):
        with rb.no_grad():
            y.mul_(2.0)
    x = rb.tensor([0.5, -1.0], requires_grad=True)
    y = F.gelu(x, approximate="tanh")  # its backward needs x and the tanh only: allowed
    with rb.no_grad():
        y.mul_(2.0)
    y.sum().backward()
    assert x.grad is not None


def test_bad_gelu_approximate_raises():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(rb.ones(2), approximate="erf")


@pytest.mark.parametrize("name", ["GELU", "ELU", "SiLU", "Softplus", "LeakyReLU"])
@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_activations_refuse_integer_input_as_torch(name, dtype):
    """PyTorch has no integer kernel for these; NumPy gave float64, or (int32 GELU and
    softplus) floats truncated back to integers."""
    x = numpy.array([-2, 0, 3], dtype=dtype)
    with pytest.raises(NotImplementedError, match="not implemented for"):
        getattr(torch.nn, name)()(torch.from_numpy(x))
    with pytest.raises(TypeError, match=f"expected a floating-point input, got dtype {dtype}"):
        getattr(nn, name)()(rb.tensor(x))


def test_sigmoid_numerator_without_branches_matches_where():
    from rosenblatt.ops.pointwise import sigmoid_given_exp
    x = numpy.array([-numpy.inf, -1e4, -88.0, -1.0, -0.0, 0.0, 1e-30, 1.0, 90.0, numpy.inf, numpy.nan],
                    dtype=numpy.float32)
    x = numpy.concatenate([x, numpy.random.default_rng(0).standard_normal(1000).astype(numpy.float32)])
    e = numpy.exp(-numpy.abs(x))
    numpy.testing.assert_array_equal(sigmoid_given_exp(x, e), numpy.where(x >= 0, 1, e) / (1 + e))
    assert sigmoid_given_exp(x, e).dtype == numpy.float32
