"""Element-wise math of one input against PyTorch."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op

SHAPES = [[(3, 4)], [()], [(2, 3, 4)]]
ANYWHERE = ["exp", "expm1", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "neg", "square"]
POSITIVE = ["log", "log1p", "log2", "log10", "sqrt", "rsqrt", "reciprocal"]


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("name", ANYWHERE)
def test_unary(name, shapes):
    check_op(shapes, getattr(rb, name), getattr(torch, name))


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("name", POSITIVE)
def test_unary_positive_domain(name, shapes):
    check_op(shapes, getattr(rb, name), getattr(torch, name), positive=True)


@pytest.mark.parametrize("name", ANYWHERE + POSITIVE)
def test_method_form(name):
    check_op([(2, 3)], lambda x: getattr(x, name)(), positive=name in POSITIVE)


def test_log1p_expm1_small_inputs():
    check_op([(5,)], rb.log1p, torch.log1p, low=-1e-6, high=1e-6, gradcheck=False, rtol=1e-6)
    check_op([(5,)], rb.expm1, torch.expm1, low=-1e-6, high=1e-6, gradcheck=False, rtol=1e-6)


def test_log_edge_values():
    # log(0) = -inf (gradient inf), log of a negative is nan, as in PyTorch.
    x = numpy.array([0.0, -1.0, 1.0, numpy.inf])
    check_op(None, rb.log, torch.log, inputs=[x], gradcheck=False)
    check_op(None, rb.sqrt, torch.sqrt, inputs=[x], gradcheck=False)
    check_op(None, rb.rsqrt, torch.rsqrt, inputs=[x], gradcheck=False)
    check_op(None, rb.log1p, torch.log1p, inputs=[numpy.array([-1.0, -2.0, 0.0])], gradcheck=False)
    out = rb.log(rb.tensor([0.0]))
    assert out.dtype == rb.float32 and out.item() == -numpy.inf


@pytest.mark.parametrize("name", ["exp", "sigmoid", "tanh", "relu", "abs", "sin", "expm1"])
def test_extreme_inputs(name):
    x = numpy.array([-1e4, -100.0, -20.0, 0.0, 20.0, 100.0, 1e4])
    check_op(None, getattr(rb, name), getattr(torch, name), inputs=[x], gradcheck=False)


def test_kinks_take_pytorch_subgradient():
    # abs'(0) = 0, relu'(0) = 0, sign'(x) = 0.
    x = numpy.array([-1.0, 0.0, 1.0])
    for name in ["abs", "relu", "sign"]:
        check_op(None, getattr(rb, name), getattr(torch, name), inputs=[x], gradcheck=False)


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc"])
def test_rounding(name):
    x = numpy.array([-2.5, -1.5, -0.4, 0.0, 0.5, 1.5, 2.5, 3.7])
    check_op(None, getattr(rb, name), getattr(torch, name), inputs=[x], grad=False)
    check_op(None, lambda t: getattr(t, name)(), inputs=[x], grad=False)


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc"])
def test_rounding_has_zero_gradient(name):
    check_op([(3, 4)], getattr(rb, name), getattr(torch, name), gradcheck=False)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid"])
def test_integer_input_promotes_to_float32(name):
    x = numpy.array([1, 2, 3])
    check_op(None, getattr(rb, name), getattr(torch, name), inputs=[x])


@pytest.mark.parametrize("name", ["abs", "neg", "relu", "sign", "square"])
def test_integer_input_stays_integer(name):
    x = numpy.array([-2, 0, 3])
    check_op(None, getattr(rb, name), getattr(torch, name), inputs=[x])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ANYWHERE + POSITIVE)
def test_dtype_preserved(name, dtype):
    x = rb.rand(3, dtype=dtype) + 0.5
    out = getattr(rb, name)(x)
    assert out.dtype == dtype
    x.requires_grad_(True)
    getattr(rb, name)(x).sum().backward()
    assert x.grad.dtype == dtype


def test_to_dtype_is_differentiable_between_floats():
    check_op([(3,)], lambda x: x.double() * 2, lambda x: x.double() * 2)
    check_op([(3,)], lambda x: x.float() * 2, lambda x: x.float() * 2, gradcheck=False)
    x = rb.tensor([1.5, -2.5], requires_grad=True)
    assert_close(x.long(), torch.tensor([1.5, -2.5]).long())


@pytest.mark.parametrize("name", ["abs", "relu", "floor", "ceil", "round", "trunc"])
def test_bool_input_is_an_error(name):
    # PyTorch raises; NumPy gave bool back, and float16 for round.
    with pytest.raises((RuntimeError, NotImplementedError)):
        getattr(torch, name)(torch.tensor([True, False]))
    with pytest.raises(TypeError, match=name):
        getattr(rb, name)(rb.tensor([True, False]))


def test_relu_at_nan_and_signed_zero():
    # PyTorch passes the gradient where not x <= 0 (all of it at nan) and keeps -0.0.
    x = numpy.array([numpy.nan, -1.0, -0.0, 0.0, 2.0])
    check_op(None, rb.relu, torch.relu, inputs=[x], gradcheck=False)
    assert numpy.array_equal(numpy.signbit(rb.relu(rb.tensor(x)).data), numpy.signbit(torch.relu(torch.tensor(x)).numpy()))


@pytest.mark.parametrize("decimals", [2, 1, -1, -2, 0])
def test_round_decimals_like_torch(decimals):
    x = numpy.array([1.2345, -2.5, 125.0, 0.05, -0.449, 1e6 + 0.5, 7.125])
    check_op(None, lambda t: t.round(decimals=decimals), inputs=[x], gradcheck=False)
    check_op(None, lambda t: rb.round(t, decimals=decimals), lambda t: torch.round(t, decimals=decimals),
             inputs=[x.astype(numpy.float32)], gradcheck=False)
    if decimals:
        with pytest.raises(TypeError, match=r"round\(\): decimals=.* not implemented for integer"):
            rb.tensor([25]).round(decimals=decimals)
