"""The in-place random fills (``uniform_``, ``normal_``, ``bernoulli_``, ``exponential_``, ``random_``,
``cauchy_``, ``log_normal_``, ``geometric_``) and ``fill_diagonal_``, against PyTorch.

The numbers are rosenblatt's own, so the distributions are compared: the same statistics
of a large sample from each library, and both against the formula.  Dtypes, seeding,
argument errors and the autograd rules (a leaf that requires grad; the graph) are PyTorch's.
"""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op

N = 200_000

#: name, args, and the statistics of the distribution: {name: value} with a tolerance
CASES = {
    "uniform_": ((-2.0, 3.0), {"mean": 0.5, "var": 25 / 12, "min": -2.0, "max": 3.0}),
    "normal_": ((1.0, 2.0), {"mean": 1.0, "var": 4.0}),
    "bernoulli_": ((0.3,), {"mean": 0.3, "var": 0.21}),
    "exponential_": ((2.0,), {"mean": 0.5, "var": 0.25, "min": 0.0}),
    "cauchy_": ((1.0, 2.0), {"median": 1.0, "q1": -1.0, "q3": 3.0}),
    "log_normal_": ((0.5, 0.4), {"logmean": 0.5, "logvar": 0.16, "mean": math.exp(0.5 + 0.08)}),
    "geometric_": ((0.2,), {"mean": 5.0, "var": 20.0, "min": 1.0}),
    "random_": ((3, 10), {"mean": 6.0, "var": 4.0, "min": 3.0, "max": 9.0}),
}


def _stats(values: numpy.ndarray) -> dict:
    v = values.astype(numpy.float64)
    positive = numpy.log(numpy.where(v > 0, v, 1.0))
    return {"mean": v.mean(), "var": v.var(), "min": v.min(), "max": v.max(), "median": numpy.median(v),
            "q1": numpy.quantile(v, 0.25), "q3": numpy.quantile(v, 0.75), "logmean": positive.mean(),
            "logvar": positive.var()}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", CASES)
def test_distribution_matches_pytorch_and_the_formula(name, dtype):
    args, expected = CASES[name]
    x = rb.empty(N, dtype=dtype)
    assert getattr(x, name)(*args, generator=rb.Generator(1)) is x
    assert x.dtype == dtype and x.shape == (N,)
    t = getattr(torch.empty(N, dtype=getattr(torch, dtype)), name)(*args)
    ours, theirs = _stats(x.data), _stats(t.numpy())
    for stat, value in expected.items():
        tol = 0.03 * max(abs(value), 1.0) if stat not in ("min", "max") else 0.02
        assert ours[stat] == pytest.approx(value, abs=tol), f"{name} {stat}: {ours[stat]} vs {value}"
        assert theirs[stat] == pytest.approx(value, abs=tol), f"torch's {name} {stat}: {theirs[stat]}"


def test_uniform_and_normal_with_their_defaults():
    u = rb.empty(N).uniform_(generator=rb.Generator(0))
    assert 0 <= u.data.min() and u.data.max() < 1 and abs(u.data.mean() - 0.5) < 0.01
    n = rb.empty(N).normal_(generator=rb.Generator(0))
    assert abs(n.data.mean()) < 0.01 and abs(n.data.std() - 1) < 0.01
    b = rb.empty(N).bernoulli_(generator=rb.Generator(0))
    assert set(numpy.unique(b.data)) == {0.0, 1.0} and abs(b.data.mean() - 0.5) < 0.01


def test_uniform_takes_from_by_name():
    x = rb.empty(1000).uniform_(**{"from": 5.0, "to": 6.0})
    assert 5 <= x.data.min() and x.data.max() < 6
    t = torch.empty(1000).uniform_(**{"from": 5.0, "to": 6.0})
    assert 5 <= t.min() and t.max() < 6


@pytest.mark.parametrize("name", CASES)
def test_float16_is_drawn_and_rounded(name):
    args, _ = CASES[name]
    x = getattr(rb.empty(1000, dtype=rb.float16), name)(*args)
    assert x.dtype == rb.float16 and numpy.isfinite(x.data).any()
    assert getattr(torch.empty(10, dtype=torch.float16), name)(*args).dtype == torch.float16


# ------------------------------------------------------------------ seeding
@pytest.mark.parametrize("name", CASES)
def test_same_seed_same_numbers(name):
    args, _ = CASES[name]
    rb.manual_seed(7)
    a = getattr(rb.empty(50), name)(*args)
    rb.manual_seed(7)
    b = getattr(rb.empty(50), name)(*args)
    assert rb.equal(a, b)
    c = getattr(rb.empty(50), name)(*args)
    assert not rb.equal(a, c)  # the stream moves on
    g1 = getattr(rb.empty(50), name)(*args, generator=rb.Generator(3))
    state = rb.get_rng_state()
    g2 = getattr(rb.empty(50), name)(*args, generator=rb.Generator(3))
    assert rb.equal(g1, g2)
    assert rb.get_rng_state() == state  # a given generator leaves the default one alone


def test_a_refused_call_draws_nothing():
    state = rb.get_rng_state()
    with pytest.raises(ValueError):
        rb.empty(3).uniform_(1.0, 0.0)
    with pytest.raises(RuntimeError):
        rb.empty(3, requires_grad=True).normal_()
    with pytest.raises(TypeError):
        rb.empty(3, dtype=rb.int64).normal_()
    assert rb.get_rng_state() == state


def test_generator_must_be_a_rosenblatt_generator():
    with pytest.raises(TypeError, match="Generator"):
        rb.empty(3).normal_(generator=numpy.random.default_rng(0))


# ------------------------------------------------------------------ dtypes and arguments
DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "int8", "bool"]
DEFAULT_ARGS = {"uniform_": (), "normal_": (), "bernoulli_": (), "exponential_": (), "random_": (),
                "cauchy_": (), "log_normal_": (), "geometric_": (0.5,), "fill_diagonal_": (1,)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", DEFAULT_ARGS)
def test_which_dtypes_each_fill_takes(name, dtype):
    args = DEFAULT_ARGS[name]
    try:
        want = getattr(torch.zeros(4, 4, dtype=getattr(torch, dtype)), name)(*args)
    except (RuntimeError, NotImplementedError):
        with pytest.raises(TypeError, match=name):
            getattr(rb.zeros(4, 4, dtype=dtype), name)(*args)
        return
    got = getattr(rb.zeros(4, 4, dtype=dtype), name)(*args)
    assert got.dtype == dtype and str(want.dtype) == f"torch.{dtype}"


BAD_ARGS = [("uniform_", (1.0, 0.0)), ("uniform_", (0.0, math.inf)), ("normal_", (0.0, -1.0)),
            ("bernoulli_", (1.5,)), ("bernoulli_", (-0.1,)), ("exponential_", (0.0,)), ("exponential_", (-1.0,)),
            ("cauchy_", (0.0, 0.0)), ("log_normal_", (0.0, 0.0)), ("geometric_", (0.0,)), ("geometric_", (1.0,)),
            ("random_", (5, 3)), ("random_", (3, 3)), ("random_", (0,)), ("random_", (-5,))]


@pytest.mark.parametrize("name, args", BAD_ARGS)
def test_bad_arguments_raise(name, args):
    with pytest.raises(RuntimeError):
        getattr(torch.zeros(3), name)(*args)
    with pytest.raises(ValueError, match=name):
        getattr(rb.zeros(3), name)(*args)


def test_normal_with_zero_std_and_uniform_with_equal_bounds():
    assert rb.zeros(3).normal_(2.0, 0.0).tolist() == [2.0, 2.0, 2.0]
    assert rb.zeros(3).uniform_(1.0, 1.0).tolist() == [1.0, 1.0, 1.0]


# ------------------------------------------------------------------ random_
@pytest.mark.parametrize("dtype, args", [("int64", ()), ("int8", ()), ("uint8", ()), ("bool", ()),
                                         ("float32", ()), ("float16", ()), ("float64", (10,)),
                                         ("int32", (-5, 5)), ("uint8", (0, 256)), ("int8", (-128, 128)),
                                         ("bool", (0, 2)), ("float32", (5, None)), ("int16", (-3, None))])
def test_random_ranges_are_pytorchs(dtype, args):
    x = rb.empty(N, dtype=dtype).random_(*args, generator=rb.Generator(0))
    t = torch.empty(N, dtype=getattr(torch, dtype)).random_(*args)
    assert x.dtype == dtype
    lo, hi = float(x.data.min()), float(x.data.max())
    tlo, thi = float(t.min()), float(t.max())
    span = max(thi - tlo, 1.0)
    assert abs(lo - tlo) <= 0.01 * span and abs(hi - thi) <= 0.01 * span, (lo, hi, tlo, thi)
    assert (x.data == numpy.round(x.data.astype(numpy.float64))).all()  # integers, also in floats


def test_random_to_only_and_by_name():
    assert set(rb.empty(1000, dtype=rb.int64).random_(4).tolist()) == {0, 1, 2, 3}
    assert set(rb.empty(1000, dtype=rb.int64).random_(to=4).tolist()) == {0, 1, 2, 3}
    assert set(rb.empty(1000, dtype=rb.int64).random_(**{"from": 2, "to": 4}).tolist()) == {2, 3}
    assert set(torch.empty(1000, dtype=torch.int64).random_(to=4).tolist()) == {0, 1, 2, 3}


@pytest.mark.parametrize("dtype, args", [("uint8", (-1, 5)), ("uint8", (0, 257)), ("int8", (-129, 0)),
                                         ("bool", (0, 3))])
def test_random_bounds_out_of_the_dtype_raise(dtype, args):
    with pytest.raises(RuntimeError, match="out of bounds"):
        torch.zeros(3, dtype=getattr(torch, dtype)).random_(*args)
    with pytest.raises(ValueError, match="out of bounds"):
        rb.zeros(3, dtype=dtype).random_(*args)


def test_random_float_bounds_past_the_exact_integers_warn():
    with pytest.warns(UserWarning, match="2\\^24"):
        rb.zeros(3).random_(0, 2**25)
    with pytest.raises(TypeError, match="int"):
        rb.zeros(3).random_(5.5, 7)
    with pytest.raises(TypeError):
        rb.zeros(3).random_(1, 2, 3)


# ------------------------------------------------------------------ bernoulli_ with a tensor p
def test_bernoulli_with_a_tensor_of_probabilities():
    p = rb.tensor([0.0, 1.0, 1.0])
    assert rb.zeros(2, 3).bernoulli_(p).tolist() == [[0.0, 1.0, 1.0]] * 2
    probs = rb.tensor([0.1, 0.5, 0.9], dtype=rb.float64)
    x = rb.empty(N, 3).bernoulli_(probs, generator=rb.Generator(0))
    numpy.testing.assert_allclose(x.data.mean(0), [0.1, 0.5, 0.9], atol=0.01)
    with pytest.raises(RuntimeError):
        torch.zeros(3).bernoulli_(torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="broadcast"):
        rb.zeros(3).bernoulli_(rb.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="bernoulli_"):
        rb.zeros(3).bernoulli_(rb.tensor([0.0, 2.0, 1.0]))


def test_bernoulli_p_that_requires_grad_gets_a_zero_gradient():
    p = rb.full((3,), 0.5, requires_grad=True)
    x = rb.zeros(3).bernoulli_(p)
    tp = torch.full((3,), 0.5, requires_grad=True)
    t = torch.zeros(3).bernoulli_(tp)
    assert x.requires_grad == t.requires_grad
    (x * 2).sum().backward()
    (t * 2).sum().backward()
    assert_close(p.grad, tp.grad)


# ------------------------------------------------------------------ autograd
@pytest.mark.parametrize("name", list(DEFAULT_ARGS))
def test_a_leaf_that_requires_grad_raises_unless_under_no_grad(name):
    args = DEFAULT_ARGS[name]
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(torch.zeros(3, 3, requires_grad=True), name)(*args)
    w = rb.zeros(3, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=f"{name}.*leaf"):
        getattr(w, name)(*args)
    with rb.no_grad():
        assert getattr(w, name)(*args) is w  # what weight initialisation does
    assert w.requires_grad and w.is_leaf


@pytest.mark.parametrize("name", list(DEFAULT_ARGS))
def test_in_the_graph_the_old_values_get_no_gradient(name):
    args = DEFAULT_ARGS[name]
    x = rb.ones(3, 3, dtype=rb.float64, requires_grad=True)
    y = x * 2
    getattr(y, name)(*args)
    t = torch.ones(3, 3, dtype=torch.float64, requires_grad=True)
    u = t * 2
    getattr(u, name)(*args)
    assert y.requires_grad == u.requires_grad
    upstream = numpy.random.default_rng(0).standard_normal((3, 3))
    y.backward(rb.tensor(upstream))
    u.backward(torch.from_numpy(upstream))
    assert_close(x.grad, t.grad)


def test_a_view_of_a_tensor_fills_its_base():
    x = rb.zeros(4, 4)
    x[1:3].normal_(generator=rb.Generator(0))
    assert (x.data[[0, 3]] == 0).all() and (x.data[1:3] != 0).all()
    x.t().fill_diagonal_(9)
    assert numpy.diag(x.data).tolist() == [9.0] * 4


# ------------------------------------------------------------------ fill_diagonal_
@pytest.mark.parametrize("shape", [(3, 3), (3, 7), (7, 3), (4, 3), (10, 3), (1, 1), (3, 3, 3), (2, 2, 2, 2),
                                   (0, 3)])
@pytest.mark.parametrize("wrap", [False, True])
def test_fill_diagonal_matches_pytorch(shape, wrap):
    got = rb.zeros(*shape).fill_diagonal_(5.0, wrap=wrap)
    assert_close(got, torch.zeros(*shape).fill_diagonal_(5.0, wrap=wrap))


@pytest.mark.parametrize("dtype, value", [("int64", 2.7), ("uint8", -1), ("bool", 2), ("float64", -1.5),
                                          ("int32", True)])
def test_fill_diagonal_casts_the_value_as_pytorch(dtype, value):
    got = rb.zeros(3, 3, dtype=dtype).fill_diagonal_(value)
    assert_close(got, torch.zeros(3, 3, dtype=getattr(torch, dtype)).fill_diagonal_(value))


def test_fill_diagonal_errors():
    with pytest.raises(RuntimeError):
        torch.zeros(2, 2, dtype=torch.uint8).fill_diagonal_(300)
    with pytest.raises(RuntimeError, match="fill_diagonal_"):
        rb.zeros(2, 2, dtype=rb.uint8).fill_diagonal_(300)
    with pytest.raises(ValueError, match="2 dims"):
        rb.zeros(3).fill_diagonal_(1)
    with pytest.raises(ValueError, match="one size"):
        rb.zeros(3, 4, 5).fill_diagonal_(1)
    with pytest.raises(TypeError, match="number"):
        rb.zeros(2, 2).fill_diagonal_(rb.tensor(2.0))


def test_fill_diagonal_gradient():
    check_op([(4, 3)], lambda x: (x * 1).fill_diagonal_(2.0), lambda x: (x * 1).fill_diagonal_(2.0))
    check_op([(7, 3)], lambda x: (x * 1).fill_diagonal_(2.0, wrap=True),
             lambda x: (x * 1).fill_diagonal_(2.0, wrap=True))
