"""Activation layers and functions against PyTorch, including +-1e4 stability."""
import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F
from helpers import assert_close, check_op
from rosenblatt.ops._erf import erf as erf_array

from .layer_helpers import check_layer

LAYERS = [
    ("ReLU", (), {}), ("LeakyReLU", (0.2,), {}), ("LeakyReLU", (), {}), ("ELU", (), {}),
    ("ELU", (0.5,), {}), ("GELU", (), {}), ("GELU", (), {"approximate": "tanh"}), ("SiLU", (), {}),
    ("Sigmoid", (), {}), ("Tanh", (), {}), ("Softplus", (), {}),
    ("Softplus", (), {"beta": 2.0, "threshold": 3.0}), ("Softmax", (), {"dim": 1}),
    ("LogSoftmax", (), {"dim": -1}), ("Softmax", (), {"dim": 0}),
    ("Hardtanh", (), {}), ("Hardtanh", (-2.0, 0.5), {}), ("ReLU6", (), {}), ("Hardsigmoid", (), {}), ("Hardswish", (), {}), ("Mish", (), {}),
    ("SELU", (), {}), ("CELU", (), {}), ("CELU", (0.5,), {}), ("Softsign", (), {}),
    ("LogSigmoid", (), {}), ("GLU", (0,), {}), ("Threshold", (0.3, -2.0), {}),
    ("Tanhshrink", (), {}), ("Softmin", (), {"dim": 1}), ("PReLU", (), {}),
    ("PReLU", (), {"init": 0.1}), ("Hardshrink", (), {}), ("Hardshrink", (1.5,), {}),
    ("Softshrink", (), {}), ("Softshrink", (1.5,), {}),
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
    ("hardtanh", lambda F: (lambda x: F.hardtanh(x, -2.0, 1.5))), ("relu6", lambda F: F.relu6),
    ("hardsigmoid", lambda F: F.hardsigmoid), ("hardswish", lambda F: F.hardswish),
    ("mish", lambda F: F.mish), ("selu", lambda F: F.selu),
    ("celu", lambda F: (lambda x: F.celu(x, alpha=0.7))), ("softsign", lambda F: F.softsign),
    ("logsigmoid", lambda F: F.logsigmoid), ("glu", lambda F: (lambda x: F.glu(x, -1))),
    ("threshold", lambda F: (lambda x: F.threshold(x, 0.5, -3.0))),
    ("tanhshrink", lambda F: F.tanhshrink), ("softmin", lambda F: (lambda x: F.softmin(x, -1))),
    ("hardshrink", lambda F: (lambda x: F.hardshrink(x, 1.0))),
    ("softshrink", lambda F: (lambda x: F.softshrink(x, 1.0))),
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
    numpy.testing.assert_allclose(erf_array(x), torch.special.erf(torch.from_numpy(x)).numpy(),
                                  rtol=1e-14, atol=2e-16)
    x32 = x.astype(numpy.float32)
    numpy.testing.assert_allclose(erf_array(x32), torch.special.erf(torch.from_numpy(x32)).numpy(),
                                  rtol=0, atol=5e-7)
    assert erf_array(x32).dtype == numpy.float32


def test_float32_gelu_and_erf_within_a_few_ulps_of_float64():
    # erf(x / sqrt 2) = tanh(x q(x^2)) in float32: closer to the float64 values than PyTorch's
    # own float32 GELU (1.2e-6 here), and exact where float32's erf saturates.
    x = numpy.linspace(-10, 10, 400_001).astype(numpy.float32).astype(numpy.float64)
    want = torch.nn.functional.gelu(torch.from_numpy(x)).numpy()
    got = F.gelu(rb.tensor(x.astype(numpy.float32))).numpy()
    numpy.testing.assert_allclose(got, want, rtol=0, atol=6e-7)
    assert (got[x >= 6] == x[x >= 6].astype(numpy.float32)).all() and (got[x <= -6] == 0).all()
    numpy.testing.assert_allclose(erf_array(x.astype(numpy.float32)), torch.special.erf(torch.from_numpy(x)).numpy(),
                                  rtol=0, atol=2e-7)


@pytest.mark.parametrize("name, args, shape", [
    ("GLU", (), (4, 6)), ("GLU", (0,), (4, 3)), ("GLU", (1,), (2, 4, 3)), ("PReLU", (4,), (2, 4, 3)),
])
def test_glu_and_per_channel_prelu_layer_contract(name, args, shape):
    check_layer(lambda: getattr(nn, name)(*args), lambda: getattr(torch.nn, name)(*args), shape)


@pytest.mark.parametrize("name, args", [
    ("Hardtanh", (-2.0, 0.5, True)), ("ReLU6", (True,)), ("Hardsigmoid", (True,)),
    ("Hardswish", (True,)), ("Mish", (True,)), ("SELU", (True,)), ("CELU", (2.0, True)),
    ("Threshold", (0.1, 20, True)), ("PReLU", (3, 0.1)),
])
def test_activation_repr_with_arguments(name, args):
    assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


def test_inplace_activations_name_themselves_in_errors():
    """inplace's errors named the function it was given: '<lambda>_()' or 'apply_()'."""
    for fn, name in ((lambda t: F.leaky_relu(t, inplace=True), "leaky_relu_"),
                     (lambda t: F.silu(t, inplace=True), "silu_"), (F.hardtanh_, "hardtanh_"),
                     (lambda t: F.threshold_(t, 0.0, 1.0), "threshold_"), (F.relu_, "relu_"),
                     (nn.ReLU(inplace=True), "relu_")):
        with pytest.raises(RuntimeError, match=rf"^{name}\(\): a leaf tensor that requires grad"):
            fn(rb.tensor([1.0], requires_grad=True))


def test_inplace_activations_write_into_the_input():
    for fn in (lambda t: nn.ReLU(inplace=True)(t), lambda t: F.leaky_relu(t, 0.5, inplace=True),
               lambda t: F.silu(t, inplace=True), lambda t: F.elu(t, inplace=True),
               lambda t: F.hardtanh(t, inplace=True), F.hardtanh_, lambda t: nn.ReLU6(True)(t),
               lambda t: nn.Hardsigmoid(True)(t), lambda t: nn.Hardswish(True)(t),
               lambda t: nn.Mish(True)(t), lambda t: nn.SELU(True)(t), F.selu_, F.celu_, F.elu_,
               lambda t: nn.CELU(0.5, True)(t), lambda t: nn.Threshold(0.0, 7.0, True)(t),
               lambda t: F.threshold_(t, 0.0, 7.0), F.leaky_relu_):
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
    from rosenblatt.ops._erf import CHUNK as _CHUNK
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
    numpy.testing.assert_allclose(erf_array(values), torch.special.erf(tx.detach()).numpy(), rtol=0, atol=5e-7)


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


@pytest.mark.parametrize("name", ["GELU", "ELU", "SiLU", "Softplus", "LeakyReLU", "Hardsigmoid",
                                  "Hardswish", "Mish", "SELU", "CELU", "LogSigmoid", "GLU",
                                  "Softmin", "Hardshrink", "Softshrink"])
@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_activations_refuse_integer_input_as_torch(name, dtype):
    """PyTorch has no integer kernel for these; NumPy gave float64, or (int32 GELU and
    softplus) floats truncated back to integers."""
    x = numpy.array([-2, 0, 3, 1], dtype=dtype)
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


KINKS = [
    ("hardtanh", lambda F: (lambda x: F.hardtanh(x, -3.0, 3.0))), ("relu6", lambda F: F.relu6),
    ("hardsigmoid", lambda F: F.hardsigmoid), ("hardswish", lambda F: F.hardswish),
    ("selu", lambda F: F.selu), ("celu", lambda F: (lambda x: F.celu(x, alpha=2.0))),
    ("threshold", lambda F: (lambda x: F.threshold(x, 3.0, -1.0))),
    ("prelu", lambda F: (lambda x: F.prelu(x, x.new_tensor([0.3]) if hasattr(x, "new_tensor")
                                           else rb.tensor([0.3], dtype=x.dtype)))),
    ("mish", lambda F: F.mish), ("softsign", lambda F: F.softsign),
    ("logsigmoid", lambda F: F.logsigmoid), ("tanhshrink", lambda F: F.tanhshrink),
    ("hardshrink", lambda F: (lambda x: F.hardshrink(x, 3.0))),
    ("softshrink", lambda F: (lambda x: F.softshrink(x, 3.0))),
]


@pytest.mark.parametrize("name, make", KINKS)
def test_gradients_at_the_kinks_and_at_nan_pick_torchs_side(name, make):
    """At a kink PyTorch picks one side's gradient (hardtanh: 0 at its bounds, hardswish: 0 at
    -3 and 1 at 3, elu-likes: the left one at 0, threshold: 0 at it); at NaN each has its own.
    PyTorch's scalar loop for the last few elements may pick another at NaN than its vector
    loop: 80 values, a multiple of any vector width, keep them all in the vector loop."""
    values = numpy.tile([-6.0, -3.0, -1.0, 0.0, 1.0, 3.0, 6.0, numpy.nan, 200.0, -200.0], 8)
    check_op(None, make(F), make(torch.nn.functional), inputs=[values], gradcheck=False)


def test_prelu_per_channel_and_its_errors_follow_torch():
    check_op([(2, 3, 4), (3,)], F.prelu, torch.nn.functional.prelu)
    check_op([(5,), ()], F.prelu, torch.nn.functional.prelu)  # one 0-d slope, a 1-d input
    for args in [(lambda m: (m.ones(2, 4), m.ones(3))), (lambda m: (m.ones(3), m.ones(3))),
                 (lambda m: (m.ones(2, 3), m.ones(1, 3))), (lambda m: (m.tensor(1.0), m.ones(2))),
                 (lambda m: (m.ones(2, 3), m.ones(3, dtype=m.float64)))]:
        with pytest.raises(RuntimeError):
            torch.nn.functional.prelu(*args(torch))
        with pytest.raises((ValueError, RuntimeError), match="prelu"):
            F.prelu(*args(rb))


@pytest.mark.parametrize("call, message", [
    (lambda m: m.nn.functional.glu(m.ones(2, 3)), "halving dimension must be even.*size 3"),
    (lambda m: m.nn.functional.glu(m.tensor(1.0)), "0-d"),
    (lambda m: m.nn.functional.hardtanh(m.ones(2), 1.0, -1.0), "min_val cannot be greater"),
])
def test_bad_arguments_raise_as_torch(call, message):
    with pytest.raises((RuntimeError, ValueError)):
        call(torch)
    with pytest.raises(ValueError, match=message):
        call(rb)
    with pytest.raises(ValueError, match=r"Hardtanh: max_val \(1.0\) must be greater than min_val"):
        nn.Hardtanh(1.0, 1.0)  # PyTorch asserts


@pytest.mark.parametrize("make", [lambda F: (lambda x: F.hardtanh(x, -0.5, 1.5)), lambda F: F.relu6,
                                  lambda F: (lambda x: F.threshold(x, 1, 5)), lambda F: F.softsign,
                                  lambda F: F.tanhshrink])
def test_activations_of_integers_that_torch_computes(make):
    """hardtanh, relu6 and threshold keep an integer dtype (float bounds truncated);
    softsign and tanhshrink, composites, give float32."""
    x = numpy.arange(-3, 9)
    assert_close(make(F)(rb.tensor(x)), make(torch.nn.functional)(torch.from_numpy(x)))



@pytest.mark.parametrize("make", [lambda F: (lambda x: F.threshold(x, 0.5, -9.7)),
                                  lambda F: (lambda x: F.threshold(x, -0.5, 9.0)),
                                  lambda F: (lambda x: F.threshold_(x, 1.9, 5.5))])
def test_threshold_of_integers_keeps_their_dtype_as_torch(make):
    """PyTorch casts the threshold and the value to the input's integer dtype (truncating):
    a float value gave a float32 result, and -0.5 compared as a float."""
    for dtype in ("int64", "int32"):
        x = numpy.arange(-3, 4, dtype=dtype)
        out, want = make(F)(rb.tensor(x)), make(torch.nn.functional)(torch.from_numpy(x))
        assert out.dtype == numpy.dtype(dtype)
        numpy.testing.assert_array_equal(out.numpy(), want.numpy())


@pytest.mark.parametrize("make", [lambda F: F.hardtanh, lambda F: F.relu6, lambda F: F.tanhshrink,
                                  lambda F: (lambda x: F.threshold(x, 0.5, 2.0))])
def test_activations_refuse_bool_input_as_torch(make):
    with pytest.raises((RuntimeError, NotImplementedError)):
        make(torch.nn.functional)(torch.tensor([True, False]))
    with pytest.raises(TypeError, match="bool input is not supported"):
        make(F)(rb.tensor(numpy.array([True, False])))


def test_hardsigmoid_float64_gradient_is_torchs_to_the_last_bit():
    """PyTorch's backward multiplies by a float32 1/6 for every dtype (3e-8 off grad / 6)."""
    x = numpy.random.default_rng(38).uniform(-2.9, 2.9, 16)
    upstream = numpy.random.default_rng(39).standard_normal(16)
    ours, theirs = rb.tensor(x, requires_grad=True), torch.from_numpy(x).requires_grad_(True)
    F.hardsigmoid(ours).backward(rb.tensor(upstream))
    torch.nn.functional.hardsigmoid(theirs).backward(torch.from_numpy(upstream))
    numpy.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())

def test_softshrink_refuses_a_negative_lambda_as_torch():
    with pytest.raises(RuntimeError, match="lambda must be"):
        torch.nn.functional.softshrink(torch.ones(2), -1.0)
    with pytest.raises(RuntimeError, match="softshrink.*lambda must be >= 0, but found to be -1.0"):
        F.softshrink(rb.ones(2), -1.0)


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 4, 5)])
def test_softmax2d_is_a_softmax_over_channels(shape):
    check_layer(lambda: nn.Softmax2d(), lambda: torch.nn.Softmax2d(), shape)
    assert repr(nn.Softmax2d()) == repr(torch.nn.Softmax2d())


def test_softmax2d_refuses_other_ranks_as_torch():
    with pytest.raises(ValueError, match="expected input to be 3D or 4D, got 2D instead"):
        torch.nn.Softmax2d()(torch.ones(2, 3))
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D instead"):
        nn.Softmax2d()(rb.ones(2, 3))


def test_hardtanh_takes_torchs_deprecated_min_value_and_max_value():
    with pytest.warns(FutureWarning, match="`min_value` is deprecated"):
        ref = torch.nn.Hardtanh(-1.0, 1.0, False, -2.0, 3.0)
    with pytest.warns(FutureWarning, match="`min_value` is deprecated"):
        layer = nn.Hardtanh(-1.0, 1.0, False, -2.0, 3.0)
    assert repr(layer) == repr(ref) == "Hardtanh(min_val=-2.0, max_val=3.0)"
    with pytest.warns(FutureWarning, match="`max_value` is deprecated and renamed to `max_val`"):
        assert nn.Hardtanh(max_value=0.5).max_val == 0.5


def test_softmin_takes_torchs_stacklevel_slot_and_warns_of_an_implicit_dim():
    """dtype is softmin's 4th argument after PyTorch's _stacklevel (a positional dtype went
    3rd); dim=None warns as PyTorch, pointing at the caller."""
    x = numpy.random.default_rng(40).standard_normal((2, 3)).astype(numpy.float32)
    want = torch.nn.functional.softmin(torch.from_numpy(x), 1, 3, torch.float64)
    out = F.softmin(rb.tensor(x), 1, 3, rb.float64)
    assert out.dtype == rb.float64
    assert_close(out, want)
    for call in (lambda: F.softmin(rb.tensor(x)), lambda: nn.Softmin()(rb.tensor(x))):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmin") as record:
            call()
        assert record[0].filename == __file__
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        torch.nn.functional.softmin(torch.from_numpy(x))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_functional_softmaxes_take_torchs_stacklevel_slot_and_warn_of_an_implicit_dim(name):
    """F.softmax/F.log_softmax's dtype is their 4th argument after PyTorch's _stacklevel (they
    took it 3rd, as rb.softmax and torch.softmax do); dim=None warns as PyTorch, pointing at
    the caller, and picks its legacy dim (0 for 0-, 1- and 3-d input, else 1)."""
    ours = getattr(F, name)
    assert getattr(rb, name)(rb.tensor([[0.0, 1.0]]), 1, rb.float64).dtype == rb.float64  # 3rd there
    theirs = getattr(torch.nn.functional, name)
    x = numpy.random.default_rng(41).standard_normal((2, 3)).astype(numpy.float32)
    out = ours(rb.tensor(x), 1, 3, rb.float64)
    assert out.dtype == rb.float64
    assert_close(out, theirs(torch.from_numpy(x), 1, 3, torch.float64))
    for shape in [(), (4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        x = numpy.random.default_rng(42).standard_normal(shape).astype(numpy.float32)
        with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been "
                                             "deprecated") as record:
            out = ours(rb.tensor(x))
        assert record[0].filename == __file__
        with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
            assert_close(out, theirs(torch.from_numpy(x)))


@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax"])
def test_softmax_layers_warn_of_an_implicit_dim_at_the_caller(name):
    """nn.Softmax() / nn.LogSoftmax() without dim warn as PyTorch's do (they picked the legacy
    dim silently), pointing at the line that called the layer."""
    x = numpy.random.default_rng(43).standard_normal((2, 3)).astype(numpy.float32)
    with pytest.warns(UserWarning, match="Implicit dimension choice") as record:
        out = getattr(nn, name)()(rb.tensor(x))
    assert record[0].filename == __file__
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        assert_close(out, getattr(torch.nn, name)()(torch.from_numpy(x)))
