"""Ops PyTorch has that rosenblatt lacked: tan, logaddexp2, ldexp, nextafter, isposinf/isneginf/isreal,
the *_scatter ops, split_with_sizes, sum_to_size, vdot, ger, swapdims, rsub and the other aliases,
against PyTorch (values, dtypes, gradients, errors)."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op, to_torch

inf, nan = math.inf, math.nan
SHAPES = [[(3, 4)], [()], [(2, 3, 4)]]
BROADCAST = [[(3, 4), (4,)], [(), (2, 3)], [(2, 1, 4), (3, 1)]]


# ------------------------------------------------------------------ tan
@pytest.mark.parametrize("shapes", SHAPES)
def test_tan(shapes):
    check_op(shapes, rb.tan, torch.tan, low=-1.4, high=1.4)
    check_op(shapes, lambda x: x.tan(), lambda x: x.tan(), low=-1.4, high=1.4)


def test_tan_dtypes():
    for x in (numpy.array([-1, 0, 2]), numpy.array([True, False])):
        assert_close(rb.tan(rb.tensor(x)), torch.tan(torch.from_numpy(x)))  # float32
    half = numpy.array([0.5, 1.0], dtype=numpy.float16)
    assert_close(rb.tan(rb.tensor(half)), torch.tan(torch.from_numpy(half)), atol=1e-3, rtol=1e-3)
    for dtype in ("float32", "float64"):
        x = rb.tensor([0.1, 0.7], dtype=dtype, requires_grad=True)
        y = rb.tan(x)
        y.sum().backward()
        assert y.dtype == dtype and x.grad.dtype == dtype


def test_tan_uses_the_ufunc_fast_path_and_keeps_its_output():
    assert rb.ops.trigonometric.Tan.ufunc is numpy.tan
    x = rb.tensor([0.3, -0.8], requires_grad=True)
    y = rb.tan(x)
    with rb.no_grad(), pytest.raises(RuntimeError, match="Tan"):
        y.mul_(2)  # backward needs tan's output: the change is refused, not ignored


def test_tan_in_place():
    x = rb.tensor([0.25, -0.5])
    assert x.tan_() is x
    assert_close(x, torch.tensor([0.25, -0.5]).tan_())
    y = rb.tensor([0.25, -0.5], dtype="float64", requires_grad=True)
    z = y * 1
    z.tan_()
    z.sum().backward()
    assert_close(y.grad, 1 / torch.cos(torch.tensor([0.25, -0.5], dtype=torch.float64)) ** 2)
    with pytest.raises(RuntimeError, match="tan_"):
        rb.tensor([1.0], requires_grad=True).tan_()
    with pytest.raises(TypeError):
        rb.tensor([1, 2]).tan_()  # a float result can't go into an int64 tensor, as in PyTorch


# ------------------------------------------------------------------ logaddexp2, ldexp, nextafter
@pytest.mark.parametrize("shapes", BROADCAST)
def test_logaddexp2(shapes):
    check_op(shapes, rb.logaddexp2, torch.logaddexp2)
    check_op(shapes, lambda x, y: x.logaddexp2(y), lambda x, y: x.logaddexp2(y))


def test_logaddexp2_special_values_and_dtypes():
    x = numpy.array([inf, -inf, inf, 200.0, -200.0, 0.0])
    y = numpy.array([inf, -inf, -inf, 200.0, -200.0, nan])
    check_op(None, rb.logaddexp2, torch.logaddexp2, inputs=[x, y], grad=False)
    a, b = torch.tensor([1.0, 2.0]), torch.tensor(3.0, dtype=torch.float64)
    assert_close(rb.logaddexp2(rb.tensor([1.0, 2.0]), rb.tensor(3.0, dtype="float64")), torch.logaddexp2(a, b))
    with pytest.raises(NotImplementedError):
        torch.logaddexp2(torch.tensor([1]), torch.tensor([2]))
    with pytest.raises(TypeError, match="logaddexp2"):
        rb.logaddexp2(rb.tensor([1]), rb.tensor([2]))


@pytest.mark.parametrize("shapes", BROADCAST)
def test_ldexp_float_exponents(shapes):
    check_op(shapes, rb.ldexp, torch.ldexp, low=-3, high=3)


def test_ldexp_integer_exponents_and_dtypes():
    exps = numpy.array([1, 0, 3, 10])
    check_op([(2, 4)], lambda x: rb.ldexp(x, rb.tensor(exps)), lambda x: torch.ldexp(x, torch.from_numpy(exps)))
    # A negative integer exponent: PyTorch 2.13's gradient is 0 there (it computes 2^e in the
    # exponent's integer dtype); rosenblatt's is the true 2^e, as it is for a float exponent.
    x = rb.tensor([3.0, 3.0], dtype="float64", requires_grad=True)
    rb.ldexp(x, rb.tensor([-2, 1])).sum().backward()
    assert x.grad.tolist() == [0.25, 2.0]
    t = torch.tensor([3.0, 3.0], dtype=torch.float64, requires_grad=True)
    torch.ldexp(t, torch.tensor([-2.0, 1.0], dtype=torch.float64)).sum().backward()
    assert t.grad.tolist() == [0.25, 2.0]
    dtypes = ["float16", "float32", "float64", "int32", "int64", "uint8", "bool"]
    for a in dtypes:
        for b in dtypes:
            for shape in ((2,), ()):
                x, e = numpy.ones(2, dtype=a), numpy.ones(shape, dtype=b)
                try:
                    want = torch.ldexp(torch.from_numpy(x), torch.from_numpy(e))
                except RuntimeError:
                    with pytest.raises(TypeError, match="ldexp"):
                        rb.ldexp(rb.tensor(x), rb.tensor(e))
                    continue
                assert_close(rb.ldexp(rb.tensor(x), rb.tensor(e)), want, what=f"ldexp({a}, {b}{shape})")


def test_ldexp_in_place():
    x = rb.tensor([1.0, 3.0])
    assert x.ldexp_(rb.tensor([2, -1])) is x
    assert x.tolist() == [4.0, 1.5]


def test_nextafter():
    x = numpy.array([1.0, 1.0, 0.0, -0.0, 2.0, inf, nan])
    y = numpy.array([2.0, 0.0, 1.0, -1.0, 2.0, 0.0, 1.0])
    for dtype in ("float32", "float64"):
        got = rb.nextafter(rb.tensor(x.astype(dtype)), rb.tensor(y.astype(dtype)))
        want = torch.nextafter(torch.from_numpy(x.astype(dtype)), torch.from_numpy(y.astype(dtype)))
        numpy.testing.assert_array_equal(got.data, want.numpy())  # exact: one ulp is the point
        assert got.dtype == dtype
    # PyTorch's gradient: the identity to input, zero to other
    check_op([(3, 4), (4,)], rb.nextafter, torch.nextafter, gradcheck=False)
    mixed = rb.nextafter(rb.tensor([1.0]), rb.tensor([2.0], dtype="float64"))
    assert mixed.dtype == rb.float64
    with pytest.raises(TypeError, match="nextafter"):
        rb.nextafter(rb.tensor([1]), rb.tensor([2]))
    z = rb.tensor([1.0])
    assert z.nextafter_(rb.tensor([2.0])) is z and z.item() > 1.0


def test_isposinf_isneginf_isreal():
    x = numpy.array([1.0, inf, -inf, nan, -0.0])
    for name in ("isposinf", "isneginf", "isreal"):
        for a in (x, x.astype(numpy.float32), numpy.array([1, -2]), numpy.array([True])):
            assert_close(getattr(rb, name)(rb.tensor(a)), getattr(torch, name)(torch.from_numpy(a)))
            assert_close(getattr(rb.tensor(a), name)(), getattr(torch.from_numpy(a), name)())
    assert not rb.isposinf(rb.tensor([inf], requires_grad=True)).requires_grad


# ------------------------------------------------------------------ *_scatter
@pytest.mark.parametrize("dim, index", [(0, 1), (1, -1), (2, 0), (-1, 3)])
def test_select_scatter(dim, index):
    shape = (2, 3, 4)
    src = tuple(s for d, s in enumerate(shape) if d != dim % 3)
    check_op([shape, src], lambda x, s: rb.select_scatter(x, s, dim, index),
             lambda x, s: torch.select_scatter(x, s, dim, index))
    check_op([shape, src], lambda x, s: x.select_scatter(s, dim, index),
             lambda x, s: x.select_scatter(s, dim, index))


@pytest.mark.parametrize("dim, start, end, step", [(0, None, None, 1), (0, 1, 3, 1), (1, 0, None, 2),
                                                   (-1, -3, None, 2), (2, 1, 100, 1), (1, 5, 9, 1)])
def test_slice_scatter(dim, start, end, step):
    shape = [4, 5, 6]
    size = len(range(*slice(start, end, step).indices(shape[dim])))
    src = list(shape)
    src[dim] = size
    check_op([tuple(shape), tuple(src)], lambda x, s: rb.slice_scatter(x, s, dim, start, end, step),
             lambda x, s: torch.slice_scatter(x, s, dim, start, end, step))


@pytest.mark.parametrize("shape, offset, dim1, dim2", [((3, 3), 0, 0, 1), ((3, 4), 1, 0, 1), ((3, 4), -1, 0, 1),
                                                       ((4, 3), 2, 1, 0), ((2, 3, 4), 0, 0, 2),
                                                       ((2, 3, 4), -1, 2, 0), ((2, 3, 4), 1, 1, 2),
                                                       ((3, 3), 5, 0, 1)])
def test_diagonal_scatter(shape, offset, dim1, dim2):
    src = tuple(torch.zeros(shape).diagonal(offset, dim1, dim2).shape)
    check_op([shape, src], lambda x, s: rb.diagonal_scatter(x, s, offset, dim1, dim2),
             lambda x, s: torch.diagonal_scatter(x, s, offset, dim1, dim2))
    out = rb.diagonal_scatter(rb.zeros(shape), rb.ones(src), offset, dim1, dim2)
    assert out.is_contiguous()


def test_scatter_dtypes_and_errors():
    z = numpy.zeros((2, 3), dtype=numpy.float32)
    ones64 = numpy.ones(3)
    assert_close(rb.select_scatter(rb.tensor(z), rb.tensor(ones64), 0, 0),
                 torch.select_scatter(torch.from_numpy(z), torch.from_numpy(ones64), 0, 0))
    assert_close(rb.slice_scatter(rb.zeros(4, 3, dtype=rb.int64), rb.ones(2, 3), start=2),
                 torch.slice_scatter(torch.zeros(4, 3, dtype=torch.int64), torch.ones(2, 3), start=2))
    # a float64 src into a float32 input: src's gradient comes back in float64
    s = rb.ones(3, dtype=rb.float64, requires_grad=True)
    rb.select_scatter(rb.zeros(2, 3), s, 0, 0).sum().backward()
    assert s.grad.dtype == rb.float64 and s.grad.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match=r"select_scatter.*\[3\].*\[2\]"):
        rb.select_scatter(rb.zeros(2, 3), rb.ones(2), 0, 0)
    with pytest.raises(ValueError, match="select_scatter"):
        rb.select_scatter(rb.zeros(2, 3), rb.ones(1, 3), 0, 0)  # no broadcasting, as PyTorch
    with pytest.raises(IndexError, match="select_scatter"):
        rb.select_scatter(rb.zeros(2, 3), rb.ones(3), 0, 2)
    with pytest.raises(IndexError):
        rb.select_scatter(rb.zeros(2, 3), rb.ones(3), 2, 0)
    with pytest.raises(ValueError, match="step"):
        rb.slice_scatter(rb.zeros(4), rb.zeros(4), step=0)
    with pytest.raises(ValueError, match="slice_scatter"):
        rb.slice_scatter(rb.zeros(4, 3), rb.ones(3, 3), 0, 0, None, 2)
    with pytest.raises(ValueError, match="diagonal_scatter"):
        rb.diagonal_scatter(rb.zeros(3, 3), rb.ones(2))
    with pytest.raises(ValueError, match="differ"):
        rb.diagonal_scatter(rb.zeros(3, 3), rb.ones(3), 0, 1, 1)
    with pytest.raises(ValueError, match="2 dims"):
        rb.diagonal_scatter(rb.zeros(3), rb.ones(3))
    x = rb.zeros(2, 2)
    rb.select_scatter(x, rb.ones(2), 0, 0)
    assert x.tolist() == [[0.0, 0.0], [0.0, 0.0]]  # out of place


# ------------------------------------------------------------------ split_with_sizes, sum_to_size
def test_split_with_sizes():
    check_op([(5, 3)], lambda x: rb.split_with_sizes(x, [2, 0, 3]), lambda x: torch.split_with_sizes(x, [2, 0, 3]))
    check_op([(2, 5)], lambda x: x.split_with_sizes([1, 4], dim=1), lambda x: x.split_with_sizes([1, 4], dim=1))
    with pytest.raises(RuntimeError):
        torch.split_with_sizes(torch.arange(5), [2, 2])
    with pytest.raises(ValueError, match=r"sum to 4.*size 5"):
        rb.split_with_sizes(rb.arange(5), [2, 2])
    with pytest.raises(ValueError, match="non-negative"):
        rb.split_with_sizes(rb.arange(5), [2, -1, 4])
    with pytest.raises(TypeError, match="sequence of ints"):
        rb.split_with_sizes(rb.arange(5), 2)


@pytest.mark.parametrize("size", [(1, 3), (3,), (2, 1), (1,), (), (1, 1), (2, 3)])
def test_sum_to_size(size):
    check_op([(2, 3)], lambda x: x.sum_to_size(size), lambda x: x.sum_to_size(size))
    if size:
        check_op([(2, 3)], lambda x: x.sum_to_size(*size), lambda x: x.sum_to_size(*size))


def test_sum_to_size_dtypes_identity_and_errors():
    for dtype in ("int32", "bool"):
        a = numpy.ones((2, 3), dtype=dtype)
        assert_close(rb.tensor(a).sum_to_size(1, 3), torch.from_numpy(a).sum_to_size(1, 3))
    x = rb.ones(2, 3, dtype=rb.int32)
    assert x.sum_to_size(2, 3) is x  # nothing to sum: the tensor itself, dtype kept (PyTorch's)
    for bad in ((3, 3), (1, 2, 3), (2,)):
        with pytest.raises(RuntimeError):
            torch.ones(2, 3).sum_to_size(*bad)
        with pytest.raises(ValueError, match="not expandable"):
            rb.ones(2, 3).sum_to_size(*bad)


# ------------------------------------------------------------------ products and aliases
def test_vdot():
    check_op([(5,), (5,)], rb.vdot, torch.vdot)
    check_op([(5,), (5,)], lambda x, y: x.vdot(y), lambda x, y: x.vdot(y))
    assert_close(rb.vdot(rb.tensor([1, 2]), rb.tensor([3, 4])), torch.vdot(torch.tensor([1, 2]), torch.tensor([3, 4])))
    with pytest.raises(RuntimeError, match="vdot"):
        rb.vdot(rb.tensor([1.0, 2.0]), rb.tensor([2, 1]))
    with pytest.raises(ValueError, match="1-d"):
        rb.vdot(rb.ones(2, 2), rb.ones(2, 2))
    with pytest.raises(ValueError, match="length"):
        rb.vdot(rb.ones(2), rb.ones(3))


def test_ger_is_outer():
    check_op([(3,), (4,)], rb.ger, torch.ger)
    check_op([(3,), (4,)], lambda x, y: x.ger(y), lambda x, y: x.ger(y))
    with pytest.raises(ValueError):
        rb.ger(rb.ones(2, 2), rb.ones(2))


def test_swapdims():
    check_op([(2, 3, 4)], lambda x: rb.swapdims(x, 0, 2), lambda x: torch.swapdims(x, 0, 2))
    check_op([(2, 3, 4)], lambda x: x.swapdims(-1, 1), lambda x: x.swapdims(-1, 1))
    x = rb.zeros(2, 3)
    assert x.swapdims_(0, 1) is x and x.shape == (3, 2)
    with pytest.raises(RuntimeError, match="swapdims_"):
        rb.zeros(2, 3, requires_grad=True).swapdims_(0, 1)


def test_rsub():
    check_op([(3, 4), (4,)], rb.rsub, torch.rsub)
    check_op([(3, 4), (4,)], lambda x, y: rb.rsub(x, y, alpha=2.5), lambda x, y: torch.rsub(x, y, alpha=2.5))
    assert_close(rb.rsub(rb.tensor([1, 2]), 2.5), torch.rsub(torch.tensor([1, 2]), 2.5))
    assert_close(rb.rsub(rb.tensor([1, 2]), 7, alpha=2), torch.rsub(torch.tensor([1, 2]), 7, alpha=2))


@pytest.mark.parametrize("name, same", [("negative", "neg"), ("absolute", "abs"), ("row_stack", "vstack"),
                                        ("swapdims", "transpose"), ("ger", "outer")])
def test_aliases_are_the_ops(name, same):
    assert getattr(rb, name) is getattr(rb, same)
    assert callable(getattr(torch, name))


def test_negative_absolute_row_stack():
    check_op([(3, 4)], rb.negative, torch.negative)
    check_op([(3, 4)], rb.absolute, torch.absolute)
    check_op([(3,), (2, 3)], lambda a, b: rb.row_stack([a, b]), lambda a, b: torch.row_stack([a, b]))
