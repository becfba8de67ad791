"""Trigonometric, hyperbolic and special element-wise ops against PyTorch."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op, to_torch
from rosenblatt.ops import special, trigonometric

inf, nan = math.inf, math.nan
SHAPES = [[(3, 4)], [()], [(2, 3, 4)]]
BROADCAST = [[(3, 4), (4,)], [(), (2, 3)], [(2, 1, 4), (3, 1)]]


def op(name):
    """The rosenblatt function ``name`` from the two new modules."""
    return getattr(trigonometric, name, None) or getattr(special, name)


def reference(name):
    """PyTorch's ``name``; for sgn its real twin sign, whose gradient is a plain zero tensor
    (sgn's is a ZeroTensor, which has no NumPy form for ``check_op`` to compare)."""
    return torch.sign if name == "sgn" else getattr(torch, name)


#: unary ops and the range their random inputs are drawn from (inside each op's domain)
UNARY = {
    "asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atan": (-2, 2), "sinh": (-2, 2), "cosh": (-2, 2),
    "asinh": (-2, 2), "acosh": (1.1, 3), "atanh": (-0.9, 0.9), "deg2rad": (-200, 200),
    "rad2deg": (-4, 4), "erf": (-3, 3), "erfc": (-3, 3), "erfinv": (-0.95, 0.95), "logit": (0.05, 0.95), "exp2": (-3, 3),
    "frac": (-2.9, 2.9), "sgn": (-2, 2), "nan_to_num": (-2, 2), "positive": (-2, 2),
}


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("name", UNARY)
def test_unary(name, shapes):
    low, high = UNARY[name]
    check_op(shapes, op(name), reference(name), low=low, high=high)


@pytest.mark.parametrize("alias, name", [("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"),
                                         ("arcsinh", "asinh"), ("arccosh", "acosh"),
                                         ("arctanh", "atanh")])
def test_numpy_aliases(alias, name):
    low, high = UNARY[name]
    check_op([(3,)], getattr(trigonometric, alias), getattr(torch, alias), low=low, high=high)
    check_op([(2,), (2,)], trigonometric.arctan2, torch.arctan2)


#: binary ops and which of their inputs must be positive
BINARY = {"atan2": False, "hypot": False, "xlogy": (False, True), "logaddexp": False,
          "copysign": False, "fmax": False, "fmin": False, "float_power": (True, False)}


@pytest.mark.parametrize("shapes", BROADCAST)
@pytest.mark.parametrize("name", BINARY)
def test_binary(name, shapes):
    check_op(shapes, op(name), getattr(torch, name), positive=BINARY[name])


@pytest.mark.parametrize("name", ["xlogy", "copysign", "float_power"])
def test_binary_with_a_number(name):
    check_op([(2, 3)], lambda x: op(name)(x, 2.5), lambda x: getattr(torch, name)(x, 2.5), positive=True)
    check_op([(2, 3)], lambda x: op(name)(x, -3), lambda x: getattr(torch, name)(x, -3), positive=True)
    if name != "copysign":  # torch.copysign takes no number first
        check_op([(2, 3)], lambda y: op(name)(1.5, y), lambda y: getattr(torch, name)(1.5, y), positive=True)


def test_logit_eps():
    x = numpy.array([-0.5, 0.0, 0.05, 0.1, 0.3, 0.9, 0.95, 1.0, 1.5])
    check_op(None, lambda t: special.logit(t, eps=0.1), lambda t: torch.logit(t, eps=0.1), inputs=[x],
             gradcheck=False)
    check_op([(3, 4)], lambda t: special.logit(t, 1e-3), lambda t: torch.logit(t, 1e-3), low=0.05, high=0.95)


# ------------------------------------------------------------------ dtypes
FLOATING_UNARY = ["asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "deg2rad",
                  "rad2deg", "erf", "erfc", "erfinv", "logit", "exp2"]


@pytest.mark.parametrize("name", FLOATING_UNARY)
def test_integer_and_bool_inputs_give_float32(name):
    ints = numpy.array([1, 2, 3]) if name == "acosh" else numpy.array([-1, 0, 1])
    for x in (ints, numpy.array([True, False])):
        out = op(name)(rb.tensor(x))
        assert out.dtype == rb.float32
        assert_close(out, getattr(torch, name)(torch.from_numpy(x)), what=f"{name} of {x.dtype}")


@pytest.mark.parametrize("name", ["sgn", "nan_to_num", "positive"])
def test_integer_inputs_keep_their_dtype(name):
    x = numpy.array([-2, 0, 3])
    check_op(None, op(name), reference(name), inputs=[x])
    assert op(name)(rb.tensor(x)).dtype == rb.int64


@pytest.mark.parametrize("name", ["atan2", "xlogy", "copysign", "float_power", "fmax", "fmin"])
def test_integer_pairs(name):
    # atan2, xlogy, copysign: float32; float_power: float64; fmax, fmin: the integers themselves
    x, y = numpy.array([1, -2, 0, 4]), numpy.array([3, 1, 2, 0])
    check_op(None, op(name), getattr(torch, name), inputs=[x, y])
    b = numpy.array([True, False, True])
    if name != "float_power":
        check_op(None, op(name), getattr(torch, name), inputs=[b, ~b])
    # an integer with a float tensor: the float's dtype
    check_op(None, op(name), getattr(torch, name), inputs=[x, numpy.array([0.5, 2.0, 3.0, 1.5])],
             gradcheck=False)


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "frac"])
def test_no_integer_kernel(name):
    # PyTorch has only floating kernels for these ("not implemented for 'Long'").
    args = [torch.tensor([1, 2])] * (1 if name == "frac" else 2)
    with pytest.raises(NotImplementedError):
        getattr(torch, name)(*args)
    with pytest.raises(TypeError, match=name):
        op(name)(*[rb.tensor([1, 2])] * len(args))
    with pytest.raises(TypeError, match=name):
        op(name)(*[rb.tensor([True, False])] * len(args))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(UNARY))
def test_unary_dtype_preserved(name, dtype):
    low, high = UNARY[name]
    x = rb.tensor(numpy.linspace(low, high, 5), dtype=dtype, requires_grad=True)
    out = op(name)(x)
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad.dtype == dtype


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["atan2", "hypot", "xlogy", "logaddexp", "copysign", "fmax", "fmin"])
def test_binary_dtype_with_numbers(name, dtype):
    # A Python float (or a 0-d float64 tensor) with a float32 tensor stays float32, as PyTorch.
    x = rb.tensor([0.5, 1.5, 2.5], dtype=dtype, requires_grad=True)
    scalar = rb.tensor(2.0, dtype="float64")
    for other in (2.0, scalar):
        out = op(name)(x, other)
        want = getattr(torch, name)(to_torch(x), to_torch(scalar))
        assert_close(out, want)
    out.sum().backward()
    assert x.grad.dtype == dtype


def test_float_power_is_float64_and_grad_keeps_dtype():
    x = rb.tensor([0.5, 2.0, 3.0], requires_grad=True)
    out = special.float_power(x, 1.5)
    assert out.dtype == rb.float64
    out.sum().backward()
    assert x.grad.dtype == rb.float32
    assert_close(x.grad, torch.full((3,), 1.5) * torch.tensor([0.5, 2.0, 3.0]) ** 0.5)
    assert special.float_power(rb.tensor([2, 3]), rb.tensor([2, 3])).dtype == rb.float64


def test_deg2rad_of_integers():
    check_op(None, trigonometric.deg2rad, torch.deg2rad, inputs=[numpy.array([0, 90, 180, -360])])
    check_op(None, trigonometric.rad2deg, torch.rad2deg, inputs=[numpy.array([0, 1, -3])])


# ------------------------------------------------------------------ special values
def test_atan2_at_the_origin_and_signed_zeros():
    y = numpy.array([0.0, 0.0, -0.0, -0.0, 1.0, -1.0, 0.0, inf])
    x = numpy.array([0.0, -0.0, 0.0, -0.0, 0.0, 0.0, -1.0, inf])
    check_op(None, trigonometric.atan2, torch.atan2, inputs=[y, x], gradcheck=False)
    out = trigonometric.atan2(rb.tensor(y), rb.tensor(x)).data
    assert out[0] == 0.0 and out[1] == pytest.approx(math.pi) and out[3] == pytest.approx(-math.pi)
    # the gradient at (0, 0) is 0, as PyTorch sets it, not 0/0
    a = rb.tensor(0.0, dtype="float64", requires_grad=True)
    b = rb.tensor(0.0, dtype="float64", requires_grad=True)
    trigonometric.atan2(a, b).backward()
    assert a.grad.item() == 0.0 and b.grad.item() == 0.0


def test_inverse_functions_at_their_edges():
    x = numpy.array([-1.5, -1.0, -0.0, 0.0, 1.0, 1.5, nan])
    for name in ["asin", "acos", "atanh", "erfinv"]:
        check_op(None, op(name), getattr(torch, name), inputs=[x], gradcheck=False)
    check_op(None, trigonometric.acosh, torch.acosh, inputs=[numpy.array([0.5, 1.0, 2.0, inf, nan])],
             gradcheck=False)
    assert numpy.signbit(special.erfinv(rb.tensor([-0.0])).data[0])


def test_erfinv_is_float64_accurate():
    # A dense grid and the tails near +-1, where erf(t) - x loses the digits an erf-based
    # Newton step needs: within 1e-13 of PyTorch's (1e-16-accurate) float64 erfinv.
    tails = 1 - numpy.logspace(-16, -1, 400)
    x = numpy.concatenate([numpy.linspace(-0.999, 0.999, 20001), tails, -tails,
                           numpy.logspace(-300, -2, 50), [1 - 2 ** -53, 5e-324]])
    assert_close(special.erfinv(rb.tensor(x)), torch.erfinv(torch.from_numpy(x)), rtol=1e-13, atol=0)
    x32 = numpy.linspace(-1, 1, 4001, dtype=numpy.float32)[1:-1]
    assert_close(special.erfinv(rb.tensor(x32)), torch.erfinv(torch.from_numpy(x32)), rtol=2e-6, atol=1e-6)


def test_erf_and_erfc_over_their_range_and_tails():
    # erfc keeps its digits where 1 - erf rounds to 0 (float32 from x = 3.9), and 2 - erfc(-x)
    # for negative x; the float32 erf is the tanh form, within 2e-7 absolute
    x = numpy.concatenate([numpy.linspace(-6, 6, 2401), [-30.0, -0.0, 1e-30, 26.0, 30.0, inf, -inf]])
    for dtype, tolerance in ((numpy.float64, dict(rtol=5e-14, atol=0)), (numpy.float32, dict(rtol=2e-6, atol=0))):
        xs = x.astype(dtype)
        assert_close(special.erfc(rb.tensor(xs)), torch.erfc(torch.from_numpy(xs)), **tolerance)
    assert_close(special.erf(rb.tensor(x)), torch.erf(torch.from_numpy(x)), rtol=1e-14, atol=1e-300)
    x32 = x.astype(numpy.float32)
    assert_close(special.erf(rb.tensor(x32)), torch.erf(torch.from_numpy(x32)), rtol=0, atol=2e-7)
    assert rb.erfc(rb.tensor([5.0])).item() > 1e-12  # not 1 - erf(5) = 0
    assert (special.erf(rb.tensor(x)).data[x > 0] > 0).all()


def test_erfinv_gradient_in_the_tails():
    x = numpy.array([-0.999999, -0.99, 0.0, 0.5, 0.9999])
    check_op(None, special.erfinv, torch.erfinv, inputs=[x], gradcheck=False)


def test_logit_edges_without_eps():
    # -inf and inf at 0 and 1 (gradient inf), nan outside [0, 1] (gradient nan), as PyTorch.
    x = numpy.array([-0.5, 0.0, 0.3, 1.0, 1.5, nan])
    check_op(None, special.logit, torch.logit, inputs=[x], gradcheck=False)


def test_xlogy_special_values():
    x = numpy.array([0.0, 0.0, 0.0, 1.0, 2.0, 0.0, -1.0, 0.0, 3.0])
    y = numpy.array([0.0, nan, -1.0, 0.0, 3.0, inf, -1.0, 2.0, inf])
    out = special.xlogy(rb.tensor(x), rb.tensor(y)).data
    assert out[0] == 0.0 and math.isnan(out[1]) and out[2] == 0.0  # xlogy(0, 0) = 0, nan wins
    # gradients too: log(y) for x, zeroed where x == 0 and y <= 0 (PyTorch's choice)
    check_op(None, special.xlogy, torch.xlogy, inputs=[x, y], gradcheck=False)
    assert special.xlogy(0, rb.tensor([0.0, 2.0])).tolist() == [0.0, 0.0]


def test_logaddexp_infinities():
    x = numpy.array([inf, -inf, inf, nan, 1.0, -inf, 1e308, -800.0])
    y = numpy.array([inf, -inf, -inf, 1.0, nan, 2.0, 1e308, -800.0])
    check_op(None, special.logaddexp, torch.logaddexp, inputs=[x, y], gradcheck=False)


def test_exp2_extremes():
    x = numpy.array([-1100.0, -10.0, 0.0, 10.0, 1100.0])
    check_op(None, special.exp2, torch.exp2, inputs=[x], gradcheck=False)


def test_hypot_without_overflow_and_at_zero():
    check_op(None, trigonometric.hypot, torch.hypot,
             inputs=[numpy.array([3.0, 1e30, 1e-30, 0.0, inf]), numpy.array([4.0, 1e30, 1e-30, 0.0, nan])],
             gradcheck=False)


def test_copysign_signed_zero_and_nan():
    x = numpy.array([0.0, -0.0, 1.0, -2.0, 3.0, 4.0, inf])
    y = numpy.array([-1.0, 1.0, -0.0, 0.0, nan, -nan, -1.0])
    check_op(None, special.copysign, torch.copysign, inputs=[x, y], gradcheck=False)
    out = special.copysign(rb.tensor(x), rb.tensor(y)).data
    want = torch.copysign(torch.from_numpy(x), torch.from_numpy(y)).numpy()
    assert numpy.array_equal(numpy.signbit(out), numpy.signbit(want))
    # the sign's source gets a zero gradient, as in PyTorch (not none)
    a, b = rb.tensor([1.0, -2.0], requires_grad=True), rb.tensor([-1.0, 1.0], requires_grad=True)
    special.copysign(a, b).sum().backward()
    assert b.grad is not None and b.grad.tolist() == [0.0, 0.0] and a.grad.tolist() == [-1.0, -1.0]


def test_signbit():
    for x in (numpy.array([-1.0, -0.0, 0.0, 2.0, nan, -nan, -inf]),
              numpy.array([-1.0, -0.0, 0.0], dtype=numpy.float32),
              numpy.array([-3, 0, 4]), numpy.array([True, False]), numpy.array([0, 255], dtype=numpy.uint8)):
        check_op(None, special.signbit, torch.signbit, inputs=[x], grad=False)
    x = rb.tensor([-1.0, 2.0], requires_grad=True)
    assert special.signbit(x).dtype == rb.bool and not special.signbit(x).requires_grad


def test_frac_special_values():
    x = numpy.array([inf, -inf, nan, -2.5, -2.0, 2.75, 1e20])
    check_op(None, special.frac, torch.frac, inputs=[x], gradcheck=False)


def test_heaviside():
    x = numpy.array([-1.5, -0.0, 0.0, 2.0, nan, -inf, inf])
    for values in (numpy.array(0.5), numpy.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])):
        check_op(None, special.heaviside, torch.heaviside, inputs=[x, values], grad=False)
    check_op(None, special.heaviside, torch.heaviside, inputs=[numpy.array([-2, 0, 3]), numpy.array([7])])
    check_op(None, special.heaviside, torch.heaviside,
             inputs=[numpy.array([[True], [False]]), numpy.array([True, False])])
    # a number is taken in the input's dtype
    assert_close(special.heaviside(rb.tensor(x), 0.25),
                 torch.heaviside(torch.tensor(x), torch.tensor(0.25, dtype=torch.float64)))
    with pytest.raises(TypeError, match="heaviside.*same dtype"):
        special.heaviside(rb.tensor([1.0]), rb.tensor([1.0], dtype="float64"))
    # not differentiable: PyTorch's backward raises, here the result is a constant
    assert not special.heaviside(rb.tensor([1.0], requires_grad=True), rb.tensor(0.5)).requires_grad


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_ignore_nan_and_give_ties_to_input(name):
    x = numpy.array([1.0, 2.0, nan, nan, 3.0, 1.0, -inf, -0.0])
    y = numpy.array([1.0, 1.0, 1.0, nan, nan, 2.0, inf, 0.0])
    check_op(None, op(name), getattr(torch, name), inputs=[x, y], gradcheck=False)
    out = op(name)(rb.tensor([nan, 1.0]), rb.tensor([5.0, nan])).data
    assert out.tolist() == [5.0, 1.0]


def test_fmax_with_numbers_and_mixed_dtypes():
    check_op(None, lambda x: special.fmax(x, 0.5), lambda x: torch.fmax(x, torch.tensor(0.5)),
             inputs=[numpy.array([0.0, nan, 1.0])], gradcheck=False)
    out = special.fmin(rb.tensor([3, 1]), 2)
    assert out.dtype == rb.int64 and out.tolist() == [2, 1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nan_to_num_replacements(dtype):
    x = numpy.array([nan, inf, -inf, 1.5, -0.0], dtype=dtype)
    for kwargs in ({}, {"nan": 1.0, "posinf": 2.0, "neginf": -3.0}, {"posinf": 1e300},
                   {"neginf": 7.0}):
        check_op(None, lambda t: special.nan_to_num(t, **kwargs), lambda t: torch.nan_to_num(t, **kwargs),
                 inputs=[x], dtypes=(dtype,), gradcheck=False)
    info = numpy.finfo(dtype)
    assert special.nan_to_num(rb.tensor(x)).tolist()[1:3] == [info.max, info.min]


def test_nan_to_num_gradient_is_zero_where_replaced():
    x = rb.tensor([nan, inf, -inf, 1.5], dtype="float64", requires_grad=True)
    special.nan_to_num(x).backward(rb.tensor([2.0, 3.0, 4.0, 5.0], dtype="float64"))
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 5.0]
    check_op(None, special.nan_to_num, torch.nan_to_num, inputs=[x.data], gradcheck=False)


def test_sgn_is_sign():
    x = numpy.array([-2.0, -0.0, 0.0, 3.0, nan, -inf])
    check_op(None, special.sgn, torch.sgn, inputs=[x], grad=False)
    check_op(None, special.sgn, torch.sign, inputs=[x], gradcheck=False)  # the gradient: zero
    check_op(None, special.sgn, torch.sgn, inputs=[numpy.array([True, False])])


def test_positive_is_the_input_itself():
    x = rb.tensor([1.0, -2.0], requires_grad=True)
    assert special.positive(x) is x
    t = to_torch(x)
    assert torch.positive(t) is t  # the reference does the same
    with pytest.raises(RuntimeError):
        torch.positive(torch.tensor([True]))
    with pytest.raises(RuntimeError, match="positive"):
        special.positive(rb.tensor([True]))


def test_acosh_atanh_gradients_at_the_edges():
    check_op(None, trigonometric.acosh, torch.acosh, inputs=[numpy.array([1.0, 2.0])], gradcheck=False)
    check_op(None, trigonometric.atanh, torch.atanh, inputs=[numpy.array([-1.0, 1.0, 0.5])], gradcheck=False)
    check_op(None, trigonometric.asin, torch.asin, inputs=[numpy.array([-1.0, 1.0, 0.5])], gradcheck=False)


# ------------------------------------------------------------------ Tensor methods
#: the new ops PyTorch offers as Tensor methods, and those it offers in place too
METHODS = ["asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "hypot",
           "deg2rad", "rad2deg", "arcsin", "arccos", "arctan", "arctan2", "arcsinh", "arccosh",
           "arctanh", "erfinv", "logit", "xlogy", "logaddexp", "exp2", "float_power", "copysign",
           "signbit", "frac", "heaviside", "fmax", "fmin", "nan_to_num", "sgn", "positive"]
NOT_IN_PLACE = {"logaddexp", "signbit", "fmax", "fmin", "positive"}


def test_torch_offers_these_methods():
    # The lists above are what rosenblatt.ops.__init__ should install; PyTorch is the reference.
    for name in METHODS:
        assert hasattr(torch.Tensor, name), name
        assert hasattr(torch.Tensor, f"{name}_") == (name not in NOT_IN_PLACE), name


@pytest.mark.parametrize("name", METHODS)
def test_method_forms(name):
    binary = name in {"atan2", "arctan2", "hypot", "xlogy", "logaddexp", "float_power", "copysign",
                      "heaviside", "fmax", "fmin"}
    x = numpy.linspace(0.1, 0.9, 6).reshape(2, 3)
    inputs = [x, numpy.linspace(1.5, 0.5, 3)] if binary else [x + (name in ("acosh", "arccosh"))]
    torch_name = "sign" if name == "sgn" else name  # see reference()
    check_op(None, lambda *t: getattr(t[0], name)(*t[1:]), lambda *t: getattr(t[0], torch_name)(*t[1:]),
             inputs=inputs, grad=name not in ("signbit", "heaviside"), gradcheck=False)
    if name not in NOT_IN_PLACE and name != "float_power":  # float_power_ needs a float64 tensor
        a = rb.tensor(inputs[0].astype(numpy.float32))
        want = getattr(torch.from_numpy(inputs[0].astype(numpy.float32)), f"{name}_")(
            *[torch.from_numpy(i.astype(numpy.float32)) for i in inputs[1:]])
        assert_close(getattr(a, f"{name}_")(*[rb.tensor(i.astype(numpy.float32)) for i in inputs[1:]]), want)
