"""Arithmetic, comparisons and selection against PyTorch."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op, to_torch

BROADCAST = [[(3, 4), (3, 4)], [(3, 1), (1, 4)], [(2, 3, 4), (4,)], [(), (3,)], [(2, 1, 3), (4, 1)]]


@pytest.mark.parametrize("shapes", BROADCAST)
@pytest.mark.parametrize("op", [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y],
                         ids=["add", "sub", "mul"])
def test_add_sub_mul(shapes, op):
    check_op(shapes, op)


@pytest.mark.parametrize("shapes", BROADCAST)
def test_div(shapes):
    check_op(shapes, lambda x, y: x / y, positive=(False, True))


@pytest.mark.parametrize("op", [
    lambda x: x + 1.5, lambda x: 1.5 + x, lambda x: x - 2, lambda x: 2 - x, lambda x: x * 3,
    lambda x: 3 * x, lambda x: x / 4, lambda x: 4 / x, lambda x: -x, lambda x: +x,
], ids=["add", "radd", "sub", "rsub", "mul", "rmul", "div", "rdiv", "neg", "pos"])
def test_scalar_and_reflected(op):
    check_op([(3, 4)], op, positive=True)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div"])
def test_functional_forms(name):
    check_op([(2, 3), (3,)], getattr(rb, name), getattr(torch, name), positive=(False, True))


def test_add_sub_alpha():
    check_op([(2, 3), (2, 3)], lambda x, y: rb.add(x, y, alpha=2.5), lambda x, y: torch.add(x, y, alpha=2.5))
    check_op([(2, 3), (3,)], lambda x, y: rb.sub(x, y, alpha=-3), lambda x, y: torch.sub(x, y, alpha=-3))
    # A number other with alpha: other * alpha is an op on two numbers.
    check_op([(2, 3)], lambda x: rb.sub(x, 2, alpha=3), lambda x: torch.sub(x, 2, alpha=3))
    check_op(None, lambda x: rb.add(x, 2, alpha=3), lambda x: torch.add(x, 2, alpha=3), inputs=[numpy.array([1, 2])])


@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4)], [(3, 1), (1, 4)], [(), (3,)]])
def test_floor_divide_and_remainder(shapes):
    # Divisors kept away from 0 and quotients away from integers, where floor jumps.
    # PyTorch has no derivative for floor_divide; here it is zero, like div(rounding_mode='floor').
    check_op(shapes, lambda x, y: x // y, low=-5, high=5, positive=(False, True), grad=False)
    check_op(shapes, lambda x, y: rb.div(x, y, rounding_mode="floor"),
             lambda x, y: torch.div(x, y, rounding_mode="floor"), low=-5, high=5,
             positive=(False, True), gradcheck=False)
    check_op(shapes, lambda x, y: x % y, low=-5, high=5, positive=(False, True), gradcheck=False)
    check_op(shapes, lambda x, y: x % -y, low=-5, high=5, positive=(False, True), gradcheck=False)


def test_scalar_floor_divide_remainder_fmod():
    check_op([(3, 4)], lambda x: x // 0.7, low=-5, high=5, grad=False)
    check_op([(3, 4)], lambda x: x % 0.7, low=-5, high=5, gradcheck=False)
    check_op([(3, 4)], lambda x: 3.0 % x, positive=True, grad=False)  # torch: no derivative
    check_op([(3, 4)], lambda x: 3.0 // x, positive=True, grad=False)
    check_op([(3, 4), (4,)], rb.fmod, torch.fmod, low=-5, high=5, positive=(False, True), gradcheck=False)
    check_op([(3, 4), (4,)], rb.remainder, torch.remainder, low=-5, high=5, positive=(False, True),
             gradcheck=False)


@pytest.mark.parametrize("name", ["remainder", "fmod"])
def test_remainder_and_fmod_by_infinity_and_of_extremes(name):
    # x - y * floor(x / y) gives 0 * inf = nan for y = inf; PyTorch, like Python, gives x
    # (or y, for the sign): 5 % inf = 5, -5 % inf = inf, fmod(-5, inf) = -5.
    inf = float("inf")
    x = numpy.array([5.0, -5.0, 5.0, -5.0, 0.0, 1e30, -1e-30, 7.5, -7.5])
    y = numpy.array([inf, inf, -inf, -inf, inf, 3.0, 0.1, -2.0, 3.0])
    check_op(None, getattr(rb, name), getattr(torch, name), inputs=[x, y], gradcheck=False)


def test_integer_arithmetic():
    a = numpy.array([[7, -7, 3], [0, 5, -2]])
    b = numpy.array([2, 3, -4])
    for op in [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x // y,
               lambda x, y: x % y, lambda x, y: x / y, lambda x, y: x ** y.abs(),
               lambda x, y: x + 2, lambda x, y: x * 2.5, lambda x, y: x / 2.5, lambda x, y: x - 2.5,
               lambda x, y: 2.5 + x, lambda x, y: x // 2.5, lambda x, y: x % 2.5, lambda x, y: 2 ** y.abs(),
               lambda x, y: x ** 2, lambda x, y: 2.5 ** y, lambda x, y: x ** 0.5]:
        check_op(None, op, inputs=[a, b])


def _wrapping_cases():
    """(dtype, op) pairs with a Python int outside the integer dtype (or a 0-d int64 tensor)."""
    cmp = lambda m, x, y: x == m.tensor(y)  # noqa: E731
    return [("uint8", lambda m, x: x + 300), ("uint8", lambda m, x: x - 300), ("uint8", lambda m, x: 300 - x),
            ("uint8", lambda m, x: x * -1), ("uint8", lambda m, x: x + 2 ** 63), ("int64", lambda m, x: x + 2 ** 63),
            ("int8", lambda m, x: x * 200), ("int32", lambda m, x: x + 2 ** 40), ("uint8", lambda m, x: x // 300),
            ("uint8", lambda m, x: 300 // x), ("uint8", lambda m, x: x % 300), ("uint8", lambda m, x: m.fmod(x, 300)),
            ("uint8", lambda m, x: m.div(x, 300, rounding_mode="trunc")), ("uint8", lambda m, x: 300 ** x),
            ("uint8", lambda m, x: x | 300), ("uint8", lambda m, x: x ^ -1), ("uint8", lambda m, x: x.add(x, alpha=-1)),
            ("uint8", lambda m, x: x.clone().sub_(300)), ("int8", lambda m, x: x == 300),
            ("uint8", lambda m, x: x == -1), ("uint8", lambda m, x: x > -1), ("uint8", lambda m, x: cmp(m, x, 300))]


@pytest.mark.parametrize("case", range(len(_wrapping_cases())))
def test_python_ints_outside_an_integer_dtype_wrap_as_torch(case):
    # PyTorch casts the number into the tensor's dtype modulo 2 ** bits (uint8: 300 -> 44, -1 -> 255),
    # also to compare; NumPy raised OverflowError (and compared exactly).
    dtype, op = _wrapping_cases()[case]
    make = lambda m: m.tensor([1, 44, 100, 255 if dtype == "uint8" else 127], dtype=getattr(torch, dtype))  # noqa: E731
    out, expected = op(rb, rb.tensor(make(torch).numpy())), op(torch, make(torch))
    assert str(out.dtype) == str(expected.dtype).replace("torch.", "")
    assert out.tolist() == expected.tolist()


def _number_cast_cases():
    """Numbers that PyTorch casts into the tensor's dtype, checking the range, for clamp, where
    and add/sub's alpha (an unsigned dtype takes ints down to -max, wrapped)."""
    int8, uint8, half = (torch.tensor([1, 2, 100], dtype=d) for d in (torch.int8, torch.uint8, torch.float16))
    return [(int8, lambda m, x: m.clamp(x, max=300)), (int8, lambda m, x: m.clamp(x, min=-129)),
            (uint8, lambda m, x: m.clamp(x, min=-1)), (uint8, lambda m, x: m.clamp(x, -255, 300.0)),
            (uint8, lambda m, x: m.where(x > 1, x, 300)), (uint8, lambda m, x: m.where(x > 1, -1, x)),
            (half, lambda m, x: m.where(x > 1, x, 1e6)), (half, lambda m, x: m.clamp(x, max=1e6)),
            (int8, lambda m, x: m.add(x, x, alpha=200)), (uint8, lambda m, x: m.sub(x, x, alpha=-255)),
            (uint8, lambda m, x: m.add(x, x, alpha=-256)), (int8, lambda m, x: m.add(x, x, alpha=2.0)),
            (torch.tensor([True]), lambda m, x: m.add(x, x, alpha=2)),
            (half, lambda m, x: m.sub(x, x, alpha=1e6)), (half, lambda m, x: m.add(x, x, alpha=float("inf")))]


@pytest.mark.parametrize("case", range(len(_number_cast_cases())))
def test_numbers_cast_into_the_dtype_raise_where_they_overflow_as_torch(case):
    x, op = _number_cast_cases()[case]
    try:
        expected = op(torch, x)
    except RuntimeError:
        with pytest.raises(RuntimeError, match=r"\(\): (the number .* cannot be converted|for int8 "
                                               r"tensors alpha must be an integer)"):
            op(rb, rb.tensor(x.numpy()))
        return
    out = op(rb, rb.tensor(x.numpy()))
    assert str(out.dtype) == str(expected.dtype).replace("torch.", "")
    assert out.tolist() == expected.tolist()


@pytest.mark.parametrize("op", [lambda m, b: 1.0 - b, lambda m, b: b - 1, lambda m, b: b - b, lambda m, b: True - b,
                                lambda m, b: m.tensor([1, 2]) - b,
                                lambda m, b: m.sub(b, b), lambda m, b: b.clone().sub_(b), lambda m, b: -b,
                                lambda m, b: m.neg(b[0])])
def test_subtraction_and_negation_of_bools_raise_as_torch(op):
    with pytest.raises(RuntimeError, match="bool") as expected:
        op(torch, torch.tensor([True, False]))
    name = "neg" if "Negation" in str(expected.value) else "sub"
    two = "two bool" if "two bool" in str(expected.value) else "a bool"
    with pytest.raises(RuntimeError, match=rf"{name}\(\): .*(with|on) {two} tensor"):
        op(rb, rb.tensor([True, False]))


@pytest.mark.parametrize("case", [("float64", [0.1, 0.2], lambda x: x == 0.1), ("float64", [0.1, 0.2], lambda x: x >= 0.1),
                                  ("float64", [0.1, 0.3], lambda x: 0.1 <= x), ("int64", [16777217, 3], lambda x: x == 16777216.0),
                                  ("float16", [0.1, 2.0], lambda x: x == torch_or_rb(x).tensor(0.1)),
                                  ("float32", [0.1, 2.0], lambda x: x > torch_or_rb(x).tensor(0.1, dtype=torch_or_rb(x).float64))])
def test_comparisons_in_torchs_result_dtype(case):
    # PyTorch compares in the result dtype: a float64 tensor with the float64 0.1 (rosenblatt
    # rounded the number to float32 first: x == 0.1 was False), an int64 tensor with a float
    # in float32, a float16 tensor with a 0-d float32 one in float16.
    dtype, values, op = case
    out, expected = op(rb.tensor(values, dtype=getattr(rb, dtype))), op(torch.tensor(values, dtype=getattr(torch, dtype)))
    assert out.tolist() == expected.tolist()


@pytest.mark.parametrize("op", [lambda m, x: x // m.tensor(0.1, dtype=m.float64), lambda m, x: x % numpy.float64(0.1),
                                lambda m, x: m.div(x, numpy.float64(0.1), rounding_mode="trunc")])
def test_floor_divide_and_remainder_compute_in_torchs_result_dtype(op):
    # float32 with a float64 0-d tensor or NumPy number: PyTorch casts it to float32 first; in
    # float64, -0.8 // 0.1 floored to -9 where torch gives -8.
    values = numpy.array([-1.6, -0.8, -0.2, -2.3, 0.3, 1.0], dtype=numpy.float32)
    assert_close(op(rb, rb.tensor(values)), op(torch, torch.tensor(values)))


@pytest.mark.parametrize("op", [lambda x: x // x, lambda x: x % x, lambda x: x ** x, lambda x: True ** x,
                                lambda x: x.fmod(x)])
def test_floor_divide_remainder_and_pow_of_two_bools_raise_as_torch(op):
    with pytest.raises(NotImplementedError, match="Bool"):
        op(torch.tensor([True, True]))
    with pytest.raises(TypeError, match="not implemented for two bool tensors"):
        op(rb.tensor([True, True]))


def torch_or_rb(x):
    return torch if isinstance(x, torch.Tensor) else rb


def test_int_true_division_is_float32():
    out = rb.tensor([1, 2, 3]) / rb.tensor([2, 2, 2])
    assert out.dtype == rb.float32
    assert_close(out, torch.tensor([1, 2, 3]) / torch.tensor([2, 2, 2]))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_preserved_with_python_scalars(dtype):
    x = rb.ones(2, 3, dtype=dtype)
    for out in [x + 1, 1 + x, x - 0.5, 0.5 - x, x * 2.5, x / 3, 3 / x, x ** 2, x ** 0.5, 2 ** x,
                x // 2, x % 2, -x, rb.maximum(x, x), rb.clamp(x, 0.1, 0.5), rb.where(x > 0, x, 0.0),
                rb.where(x > 0, 1.0, x)]:
        assert out.dtype == dtype


def _dtype_cases():
    """(make inputs from a module, op): mixes of dtypes, 0-d tensors and numbers."""
    arr = lambda m, v, d: m.tensor(v, dtype=getattr(m, d))  # noqa: E731
    maximum = lambda m, x, y: m.maximum(x, y)  # noqa: E731
    return [
        (lambda m: (arr(m, [1.0, 2.0], "float32"), arr(m, 1.5, "float64")), lambda m, x, y: x + y),
        (lambda m: (arr(m, [1.0, 2.0], "float32"), numpy.float64(1.5)), lambda m, x, y: x * y),
        (lambda m: (numpy.float64(1.5), arr(m, [1.0, 2.0], "float32")), lambda m, x, y: x - y),
        (lambda m: (arr(m, [1, 2], "int32"), arr(m, 3, "int64")), lambda m, x, y: x * y),
        (lambda m: (arr(m, [1.0, 2.0], "float16"), arr(m, 1.5, "float32")), lambda m, x, y: x / y),
        (lambda m: (arr(m, [1, 2], "int64"), arr(m, 1.5, "float64")), lambda m, x, y: x + y),
        (lambda m: (arr(m, [1, 2], "int64"), arr(m, 2, "int64")), lambda m, x, y: x / y),
        (lambda m: (arr(m, [1, 2], "int64"), arr(m, [0.5, 3.0], "float32")), maximum),
        (lambda m: (arr(m, [1.0, 2.0], "float32"), arr(m, 1.5, "float64")), maximum),
        (lambda m: (arr(m, [1, 5], "int64"), 2.5), lambda m, x, y: m.minimum(x, m.tensor(y))),
        (lambda m: (arr(m, [True, False], "bool"), 1.0), lambda m, x, y: m.where(x, y, 0.0)),
        (lambda m: (arr(m, [True, False], "bool"), arr(m, 2.0, "float64")), lambda m, x, y: m.where(x, y, 0.0)),
        (lambda m: (arr(m, [1, 5], "int64"), 2.5), lambda m, x, y: m.clamp(x, y)),
        (lambda m: (arr(m, [1.0, 5.0], "float32"), numpy.float64(2.5)), lambda m, x, y: m.clamp(x, max=y)),
        (lambda m: (arr(m, [True, False], "bool"), 2), lambda m, x, y: x ** y),
        (lambda m: (arr(m, [3, 4], "int32"), arr(m, 2.0, "float64")), lambda m, x, y: x // y),
        (lambda m: (arr(m, 3, "int64"), 2.5), lambda m, x, y: x * y),
    ]


@pytest.mark.parametrize("case", range(len(_dtype_cases())))
def test_dtype_promotion_as_torch_with_zero_dim_tensors_and_numpy_numbers(case):
    # PyTorch: tensors with dims decide the dtype; a 0-d tensor or a number only raises its
    # kind (bool < int < float), NumPy's float64 scalar counting as a Python float.
    make, op = _dtype_cases()[case]
    out, expected = op(rb, *make(rb)), op(torch, *make(torch))
    assert str(out.dtype) == str(expected.dtype).replace("torch.", "")
    assert_close(out, expected)


def test_bool_arithmetic():
    a = numpy.array([True, False, True])
    b = numpy.array([True, True, False])
    check_op(None, lambda x, y: x + y, inputs=[a, b])
    check_op(None, lambda x, y: x * y, inputs=[a, b])
    check_op(None, lambda x, y: x & y, inputs=[a, b])
    check_op(None, lambda x, y: x | y, inputs=[a, b])
    check_op(None, lambda x, y: x ^ y, inputs=[a, b])
    check_op(None, lambda x, y: ~x, inputs=[a, b])


@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4)], [(3, 1), (1, 4)], [(), (3,)]])
def test_pow_tensor_exponent(shapes):
    check_op(shapes, lambda x, y: x ** y, positive=(True, False))
    check_op(shapes, rb.pow, torch.pow, positive=(True, False))


@pytest.mark.parametrize("exponent", [2, 3, 0, 1, -1, 0.5, -1.5, 2.5])
def test_pow_scalar_exponent(exponent):
    check_op([(3, 4)], lambda x: x ** exponent, positive=exponent != int(exponent) or exponent < 0)


@pytest.mark.parametrize("base", [2, 0.5, 3.0])
def test_pow_scalar_base(base):
    check_op([(3, 4)], lambda x: base ** x)


def test_pow_zero_base():
    # 0 ** 0 = 1 with gradient 0 for both; 0 ** 2 has base gradient 0; 0 ** y has exponent grad 0.
    x = numpy.array([0.0, 0.0, 0.0, 2.0, 0.0])
    y = numpy.array([0.0, 2.0, 1.0, 0.0, 0.5])
    check_op(None, lambda a, b: a ** b, inputs=[x, y], gradcheck=False)
    for e in [0, 2, 1, 3.0]:
        check_op(None, lambda a: a ** e, inputs=[x], gradcheck=False)
    check_op(None, lambda a: a.pow(2), inputs=[x], gradcheck=False)


@pytest.mark.parametrize("exponent", [0.5, -0.5])
def test_pow_square_root_exponents_at_signed_zero_and_inf_as_torch(exponent):
    # PyTorch's x ** -0.5 (and the gradient of x ** 0.5) is 1 / sqrt(x): -inf at -0.0, nan at -inf,
    # where C's pow gave inf and 0.
    x = numpy.array([-0.0, 0.0, -numpy.inf, numpy.inf, 2.0, -1.0])
    check_op(None, lambda t: t ** exponent, inputs=[x], gradcheck=False)


def test_pow_negative_base_integer_exponent():
    check_op([(3, 4)], lambda x: x ** 3, low=-2, high=-0.5)
    check_op([(3, 4)], lambda x: x ** 2.0, low=-2, high=-0.5)


def test_pow_integers_to_negative_integer_powers():
    # A tensor exponent computes (1 / x ** -y truncated: 0 but for x = 1 or -1), as PyTorch;
    # a number exponent raises PyTorch's error, NumPy's never shows.
    base = numpy.array([-2, -1, 0, 1, 2, 3])
    exponent = numpy.array([-1, -3, -1, -2, -1, 2])
    check_op(None, lambda x, y: x ** y, inputs=[base, exponent])
    check_op(None, rb.pow, torch.pow, inputs=[base, exponent])
    check_op(None, lambda x, y: x.pow(y), inputs=[base.astype(numpy.int32), numpy.array(-1)])
    check_op(None, lambda x, y: x.pow_(y), inputs=[base, exponent])
    check_op(None, lambda y: 2 ** y, inputs=[exponent])
    check_op(None, lambda y: True ** y, inputs=[exponent])
    check_op(None, lambda x, y: x ** y, inputs=[numpy.array([True, False]), numpy.array([-1, -2])])
    check_op(None, lambda x, y: x ** y, inputs=[base.astype(numpy.uint8), numpy.array([-1])])
    for dtype in (rb.int64, rb.int32, rb.uint8, rb.bool):
        for call in (lambda x: x ** -1, lambda x: rb.pow(x, -2), lambda x: x.pow_(-1)):
            with pytest.raises(RuntimeError, match="integers to negative integer powers are not allowed"):
                call(rb.tensor([2, 1], dtype=dtype))
    with pytest.raises(RuntimeError, match="exponent 1099511627776 does not fit the base's dtype int32"):
        rb.tensor([2], dtype=rb.int32) ** 2 ** 40


def test_square_lerp():
    check_op([(3, 4)], rb.square, torch.square)
    check_op([(3, 4), (3, 4), (4,)], rb.lerp, torch.lerp)
    check_op([(3, 4), (3, 4)], lambda x, y: rb.lerp(x, y, 0.3), lambda x, y: torch.lerp(x, y, 0.3))


@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4)], [(3, 1), (1, 4)], [(), (3,)]])
@pytest.mark.parametrize("op", [lambda x, y: x == y, lambda x, y: x != y, lambda x, y: x < y,
                                lambda x, y: x <= y, lambda x, y: x > y, lambda x, y: x >= y],
                         ids=["eq", "ne", "lt", "le", "gt", "ge"])
def test_comparisons(shapes, op):
    check_op(shapes, op)


def test_comparisons_with_ties_and_scalars():
    a = numpy.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    b = numpy.array([1.0, 3.0, 3.0])
    for name in ["eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal",
                 "less_equal", "not_equal"]:
        check_op(None, getattr(rb, name), getattr(torch, name), inputs=[a, b])
    for name in ["eq", "ne", "lt", "le", "gt", "ge"]:
        check_op(None, lambda x: getattr(x, name)(2.0), inputs=[a])
    check_op(None, lambda x, y: 2.0 < x, inputs=[a, b])
    check_op(None, lambda x, y: 2 == x, inputs=[a, b])


def test_logical_and_predicates():
    a = numpy.array([True, False, True, False])
    b = numpy.array([True, True, False, False])
    for name in ["logical_and", "logical_or", "logical_xor"]:
        check_op(None, getattr(rb, name), getattr(torch, name), inputs=[a, b])
    check_op(None, rb.logical_not, torch.logical_not, inputs=[a])
    x = numpy.array([1.0, numpy.nan, numpy.inf, -numpy.inf, 0.0])
    for name in ["isnan", "isinf", "isfinite"]:
        check_op(None, getattr(rb, name), getattr(torch, name), inputs=[x])


def test_equal_allclose_isclose():
    a = rb.tensor([1.0, 2.0, 3.0])
    assert rb.equal(a, rb.tensor([1.0, 2.0, 3.0]))
    assert not rb.equal(a, rb.tensor([1.0, 2.0]))
    assert not rb.equal(a, rb.tensor([1.0, 2.0, 4.0]))
    assert rb.allclose(a, a + 1e-7) and not rb.allclose(a, a + 1e-3)
    b = rb.tensor([1.0, 2.001, 3.0])
    assert_close(rb.isclose(a, b), torch.isclose(to_torch(a), to_torch(b)))


def test_sign():
    check_op([(3, 4)], rb.sign, torch.sign)
    check_op(None, rb.sign, torch.sign, inputs=[numpy.array([-1.0, 0.0, 2.0])], gradcheck=False)


def test_sign_and_square_of_bools_as_torch():
    # sign keeps bools (NumPy has no sign of bools); square gives int64, as pow(x, 2).
    check_op(None, rb.sign, torch.sign, inputs=[numpy.array([True, False])])
    check_op(None, rb.square, torch.square, inputs=[numpy.array([True, False])])


def test_sign_and_abs_gradient_at_nan_are_zero_as_torch():
    values = numpy.array([numpy.nan, -1.0, 0.0, 2.0], dtype=numpy.float32)
    r, t = rb.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    assert rb.sign(r).tolist() == torch.sign(t).tolist() == [0.0, -1.0, 0.0, 1.0]
    rb.abs(r).sum().backward()
    torch.abs(t).sum().backward()
    assert r.grad.tolist() == t.grad.tolist() == [0.0, -1.0, 0.0, 1.0]
    assert rb.sign(r).dtype == rb.float32 and rb.sign(rb.tensor([-3, 0, 4])).tolist() == [-1, 0, 1]


@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4)], [(3, 1), (1, 4)], [(), (3,)], [(), ()]])
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum(shapes, name):
    check_op(shapes, getattr(rb, name), getattr(torch, name))


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_ties_split_gradient(name):
    a = numpy.array([[1.0, 2.0, 3.0], [0.5, 2.0, -1.0]])
    b = numpy.array([1.0, 2.5, 3.0])
    check_op(None, getattr(rb, name), getattr(torch, name), inputs=[a, b], gradcheck=False)
    check_op(None, lambda x: getattr(rb, name)(x, x), lambda x: getattr(torch, name)(x, x), inputs=[a],
             gradcheck=False)
    check_op(None, getattr(rb, name), getattr(torch, name), inputs=[numpy.array(2.0), numpy.array(2.0)],
             gradcheck=False)  # 0-d: NumPy compares them to scalars


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_with_nan_give_both_inputs_the_gradient(name):
    nan = float("nan")
    check_op(None, getattr(rb, name), getattr(torch, name), gradcheck=False,
             inputs=[numpy.array([nan, 2.0, nan, 1.0, 3.0]), numpy.array([1.0, nan, nan, 1.0, -1.0])])


def test_max_min_of_two_tensors():
    check_op([(3, 4), (4,)], lambda x, y: x.max(y), lambda x, y: x.max(y))
    check_op([(3, 4), (4,)], lambda x, y: rb.min(x, y), lambda x, y: torch.min(x, y))


@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4), (3, 4)], [(3, 1), (1, 4), (4,)], [(3,), (), (3,)]])
def test_where(shapes):
    check_op(shapes, lambda c, x, y: rb.where(c > 0, x, y), lambda c, x, y: torch.where(c > 0, x, y))
    check_op(shapes, lambda c, x, y: x.where(c > 0, y), lambda c, x, y: x.where(c > 0, y))


def test_where_needs_a_bool_condition_as_torch():
    for condition in ([1, 0], [1.0, 0.0]):
        with pytest.raises(RuntimeError):
            torch.where(torch.tensor(condition), torch.ones(2), 0.0)
        with pytest.raises(TypeError, match="where\\(\\): the condition must be a bool tensor, got"):
            rb.where(rb.tensor(condition), rb.ones(2), 0.0)
    check_op([(2,)], lambda x: rb.where(rb.tensor([1, 0], dtype=rb.uint8), x, 0.0),
             lambda x: torch.where(torch.tensor([1, 0], dtype=torch.uint8), x, 0.0))


def test_where_with_scalars():
    check_op([(3, 4), (3, 4)], lambda c, x: rb.where(c > 0, x, 0.0), lambda c, x: torch.where(c > 0, x, 0.0))
    check_op([(3, 4), (3, 4)], lambda c, x: rb.where(c > 0, 1.0, x), lambda c, x: torch.where(c > 0, 1.0, x))


@pytest.mark.parametrize("bounds", [(-0.5, 0.5), (None, 0.3), (-0.2, None), (1, 2), (0.5, -0.5)])
def test_clamp_numbers(bounds):
    lo, hi = bounds
    check_op([(4, 5)], lambda x: rb.clamp(x, lo, hi), lambda x: torch.clamp(x, lo, hi))
    check_op([(4, 5)], lambda x: x.clip(lo, hi), lambda x: x.clip(lo, hi))


def test_clamp_at_bounds_passes_gradient():
    x = numpy.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    check_op(None, lambda a: a.clamp(-0.5, 0.5), inputs=[x], gradcheck=False)


@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4), (3, 4)], [(3, 4), (4,), (3, 1)]])
def test_clamp_tensor_bounds(shapes):
    check_op(shapes, lambda x, lo, hi: rb.clamp(x, lo - 1, hi + 1),
             lambda x, lo, hi: torch.clamp(x, lo - 1, hi + 1))
    check_op(shapes[:2], lambda x, lo: rb.clamp(x, min=lo), lambda x, lo: torch.clamp(x, min=lo))
    check_op(shapes[:2], lambda x, hi: rb.clamp(x, max=hi), lambda x, hi: torch.clamp(x, max=hi))


@pytest.mark.parametrize("bounds", [(0.5, -0.5), (0.5, 0.5), (float("nan"), 1.0)])
def test_clamp_crossed_tied_and_nan_bounds(bounds):
    """min > max gives max, PyTorch's gradient goes where min <= x <= max (nowhere if
    min > max), and to a tensor min only where x < min < max, to max where x > max or max < min."""
    x = numpy.array([-1.0, -0.5, 0.0, 0.5, 1.0, numpy.nan])
    lo, hi = bounds
    check_op(None, lambda a: a.clamp(lo, hi), inputs=[x], gradcheck=False)
    check_op(None, lambda a, b, c: rb.clamp(a, b, c), lambda a, b, c: torch.clamp(a, b, c),
             inputs=[x, numpy.full(6, lo), numpy.full(6, hi)], gradcheck=False)
    check_op(None, lambda a, b: rb.clamp(a, min=b), lambda a, b: torch.clamp(a, min=b),
             inputs=[x, numpy.full(6, lo)], gradcheck=False)
    check_op(None, lambda a, b: rb.clamp(a, max=b), lambda a, b: torch.clamp(a, max=b),
             inputs=[x, numpy.full(6, hi)], gradcheck=False)


@pytest.mark.parametrize("name", ["clamp_min", "clamp_max"])
def test_clamp_min_max(name):
    x = numpy.array([-1.0, -0.5, 0.0, 0.5, 1.0, numpy.nan])
    bound = numpy.array([0.5, -0.5, numpy.nan, 0.5, 2.0, 0.0])
    rb_op, torch_op = getattr(rb, name), getattr(torch, name)
    check_op(None, rb_op, torch_op, inputs=[x, bound], gradcheck=False)
    check_op(None, lambda a, b: getattr(a, name)(b), inputs=[x, bound], gradcheck=False)
    check_op([(3, 4), (4,)], rb_op, torch_op)
    check_op([(3, 4)], lambda a: rb_op(a, 0.3), lambda a: torch_op(a, 0.3))
    check_op([()], lambda a: getattr(a, name)(-0.3))
    integers = numpy.array([0, 1, 2])
    for number in (1, 1.5):
        check_op(None, lambda a: getattr(a, name)(number), inputs=[integers])
    with pytest.raises(TypeError, match=f"{name}\\(\\): {name[-3:]} must be a number or a tensor, got None"):
        rb_op(rb.ones(2), None)


def test_clamp_needs_a_bound():
    with pytest.raises(ValueError, match="clamp"):
        rb.clamp(rb.ones(3))


def test_div_rounding_modes():
    a = numpy.array([7.0, -7.0, 7.5, -7.5])
    b = numpy.array([2.0, 2.0, -2.0, 3.0])
    for mode in ["floor", "trunc"]:
        check_op(None, lambda x, y: rb.div(x, y, rounding_mode=mode),
                 lambda x, y: torch.div(x, y, rounding_mode=mode), inputs=[a, b], gradcheck=False)
    with pytest.raises(ValueError, match="rounding_mode"):
        rb.div(rb.ones(2), rb.ones(2), rounding_mode="ceil")


def test_division_by_zero_matches_torch():
    x = numpy.array([1.0, -1.0, 0.0])
    y = numpy.array([0.0, 0.0, 0.0])
    check_op(None, lambda a, b: a / b, inputs=[x, y], gradcheck=False)


INTEGER_DIVISIONS = [lambda a, b: a // b, lambda a, b: a % b, lambda a, b: a.fmod(b),
                     lambda a, b: a.div(b, rounding_mode="trunc"), lambda a, b: a.div(b, rounding_mode="floor")]


@pytest.mark.parametrize("op", INTEGER_DIVISIONS, ids=["floordiv", "mod", "fmod", "trunc", "floor"])
def test_integer_division_by_zero_raises_as_torch(op):
    # PyTorch raises (NumPy gives 0); a float on either side gives inf/nan, an empty result nothing.
    for divisor in (rb.tensor([2, 0]), 0, rb.tensor([0], dtype=rb.uint8)):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            op(rb.tensor([7, 7]), divisor)
    x, y = numpy.array([7, -7]), numpy.array([0.0, 0.0])
    assert_close(op(rb.tensor(x), rb.tensor(y)), op(torch.tensor(x), torch.tensor(y)))
    check_op(None, lambda a: op(a, 0), inputs=[numpy.zeros(0, dtype=numpy.int64)])


@pytest.mark.parametrize("op", INTEGER_DIVISIONS, ids=["floordiv", "mod", "fmod", "trunc", "floor"])
def test_integer_division_is_exact_as_torch(op):
    # Rounded in integers: through float64, 2 ** 62 + 1 came out as 2 ** 62.
    x = numpy.array([2 ** 62 + 1, -2 ** 62 - 1, 2 ** 53 + 1, -7, 7, -1, 0])
    y = numpy.array([1, 3, 1, 2, -2, 3, -5])
    check_op(None, op, inputs=[x, y])
    check_op(None, op, inputs=[x.astype(numpy.int8), y.astype(numpy.int8)])


def test_bitwise_functions_are_exported_as_functions_and_methods():
    t, tt = rb.tensor([5, 3]), torch.tensor([5, 3])
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        assert getattr(rb, name)(t, 6).tolist() == getattr(torch, name)(tt, 6).tolist()
        assert getattr(t, name)(1).tolist() == getattr(tt, name)(1).tolist()
    assert rb.bitwise_not(t).tolist() == torch.bitwise_not(tt).tolist() == [-6, -4]


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8"])
@pytest.mark.parametrize("op", [lambda m, x: x - True, lambda m, x: False - x, lambda m, x: m.sub(x, True)])
def test_subtracting_a_python_bool_raises_as_torch(dtype, op):
    # PyTorch refuses a Python bool in a subtraction with a tensor of any dtype
    with pytest.raises(RuntimeError, match="bool"):
        op(torch, torch.tensor([1, 2], dtype=getattr(torch, dtype)))
    with pytest.raises(RuntimeError, match=r"sub\(\): .*with a bool tensor"):
        op(rb, rb.tensor([1, 2], dtype=getattr(rb, dtype)))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "neg", "exp", "tanh", "log", "log1p", "expm1", "sqrt",
                                  "sin", "cos"])
def test_ops_that_call_their_ufunc_directly_match_pytorch_in_every_dtype(name, dtype):
    # apply calls NumPy's ufunc itself for floating tensors of one dtype, forward otherwise:
    # both give PyTorch's dtype and values (and errors: sub and neg of bools)
    values = [[0.5, 2.0, -1.5], [1.5, -0.25, 3.0]] if dtype.startswith("float") else [[1, 0, 3], [2, 1, 1]]
    ours = [rb.tensor(numpy.array(v).astype(dtype)) for v in values]
    theirs = [torch.tensor(numpy.array(v).astype(dtype)) for v in values]
    arity = 2 if name in ("add", "sub", "mul", "div") else 1
    try:
        expected = getattr(torch, name)(*theirs[:arity])
    except RuntimeError as error:
        with pytest.raises(RuntimeError, match=name):
            getattr(rb, name)(*ours[:arity])
        assert "not supported" in str(error) or "not implemented" in str(error)
        return
    got = getattr(rb, name)(*ours[:arity])
    assert got.dtype == getattr(rb, str(expected.dtype).removeprefix("torch."))
    assert_close(got, expected, rtol=1e-3 if dtype == "float16" else 1e-6)
    if dtype.startswith("float"):  # and the gradient
        for t, u in zip(ours, theirs):
            t.requires_grad_(), u.requires_grad_()
        getattr(rb, name)(*ours[:arity]).sum().backward()
        getattr(torch, name)(*theirs[:arity]).sum().backward()
        for t, u in zip(ours[:arity], theirs[:arity]):
            assert t.grad.dtype == t.dtype
            assert_close(t.grad, u.grad, rtol=1e-2 if dtype == "float16" else 1e-6)  # 3 half ops


def test_a_broadcast_error_on_the_direct_ufunc_path_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"mul: shapes \[2, 3\] and \[4\] cannot be broadcast"):
        rb.ones(2, 3) * rb.ones(4)
    with pytest.raises(ValueError, match=r"sub: shapes \[2, 3\] and \[2\] cannot be broadcast"):
        rb.ones(2, 3, dtype=rb.float64) - rb.ones(2, dtype=rb.float64)
