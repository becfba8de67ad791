"""Reductions against PyTorch: every dim form, keepdim, ties, zeros and empty dims."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op

# (shape, dim) pairs: int, negative, tuple, negative tuple, all dims, and the empty tuple
# (which PyTorch reads as "all dims").
DIMS = [((3, 4), None), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), (0, 2)), ((2, 3, 4), (-1, -3)),
        ((2, 3, 4), (0, 1, 2)), ((), None), ((5,), 0), ((2, 3), ())]
ONE_DIM = [((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1), ((5,), 0), ((2, 3, 4), -3)]


def _call(fn, dim, keepdim, **kw):
    if dim is None:
        return lambda x: fn(x, **kw)
    return lambda x: fn(x, dim, keepdim=keepdim, **kw)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shape, dim", DIMS)
@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "logsumexp"])
def test_multi_dim_reductions(name, shape, dim, keepdim):
    if name == "logsumexp" and dim in (None, ()):
        dim = tuple(range(len(shape)))  # torch.logsumexp requires dim
    check_op([shape], _call(getattr(rb, name), dim, keepdim), _call(getattr(torch, name), dim, keepdim))


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shape, dim", DIMS)
def test_method_forms(shape, dim, keepdim):
    for name in ["sum", "mean", "amax", "amin"]:
        check_op([shape], _call(lambda x, *a, **k: getattr(x, name)(*a, **k), dim, keepdim))


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shape, dim", [((3, 4), None)] + ONE_DIM)
def test_prod(shape, dim, keepdim):
    check_op([shape], _call(rb.prod, dim, keepdim), _call(torch.prod, dim, keepdim))


@pytest.mark.parametrize("dim", [None, 0, 1])
def test_prod_with_zeros(dim):
    # One zero and two zeros in a row: the gradient needs the product of the others, not out / x.
    x = numpy.array([[0.0, 2.0, 3.0], [0.0, 0.0, 1.5], [1.0, -2.0, 0.5], [4.0, 0.0, 2.0]])
    check_op(None, _call(rb.prod, dim, False), _call(torch.prod, dim, False), inputs=[x])
    check_op(None, _call(rb.prod, dim, True), _call(torch.prod, dim, True), inputs=[x])


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shape, dim", ONE_DIM)
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_along_dim(name, shape, dim, keepdim):
    check_op([shape], _call(getattr(rb, name), dim, keepdim), _call(getattr(torch, name), dim, keepdim))
    out = getattr(rb, name)(rb.ones(shape), dim)
    assert out.values is out[0] and out.indices is out[1]


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_all(name):
    check_op([(3, 4)], getattr(rb, name), getattr(torch, name))
    check_op([()], getattr(rb, name), getattr(torch, name))


@pytest.mark.parametrize("name", ["max", "min", "amax", "amin"])
def test_ties(name):
    # Along a dim the gradient goes to the returned index; over all dims and for
    # amax/amin it is shared evenly among the ties, as PyTorch does.
    x = numpy.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [-1.0, 0.0, -1.0]])
    fn, tfn = getattr(rb, name), getattr(torch, name)
    check_op(None, fn, tfn, inputs=[x], gradcheck=False)
    for dim in [0, 1, (0, 1)] if name.startswith("a") else [0, 1]:
        check_op(None, lambda t: fn(t, dim), lambda t: tfn(t, dim), inputs=[x], gradcheck=False)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin(name, keepdim):
    x = numpy.array([[1.0, 3.0, 3.0], [2.0, 2.0, -2.0], [-1.0, 0.0, -1.0]])
    fn, tfn = getattr(rb, name), getattr(torch, name)
    check_op(None, fn, tfn, inputs=[x])
    for dim in [0, 1, -1]:
        check_op(None, lambda t: fn(t, dim, keepdim=keepdim), lambda t: tfn(t, dim, keepdim=keepdim),
                 inputs=[x])
        check_op(None, lambda t: getattr(t, name)(dim), inputs=[x])
    check_op([(2, 3, 4)], lambda t: fn(t, 1), lambda t: tfn(t, 1))


@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("shape, dim", [((3, 4), None), ((3, 4), 1), ((2, 3, 4), (0, 2)),
                                        ((2, 3, 4), -2), ((5,), 0)])
@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std(name, shape, dim, correction):
    fn, tfn = getattr(rb, name), getattr(torch, name)
    check_op([shape], lambda x: fn(x, dim, correction=correction),
             lambda x: tfn(x, dim, correction=correction))
    check_op([shape], lambda x: fn(x, dim, correction=correction, keepdim=True),
             lambda x: tfn(x, dim, correction=correction, keepdim=True))


def test_var_unbiased_flag_and_methods():
    check_op([(3, 4)], lambda x: rb.var(x, 1, unbiased=False), lambda x: torch.var(x, 1, unbiased=False))
    check_op([(3, 4)], lambda x: x.std(0), lambda x: x.std(0))
    check_op([(3, 4)], lambda x: x.var(), lambda x: x.var())


def test_var_with_too_few_elements():
    # N - correction <= 0: PyTorch gives inf / nan, not an error.
    check_op([(3, 1)], lambda x: rb.var(x, 1), lambda x: torch.var(x, 1), grad=False)
    check_op([(3, 2)], lambda x: rb.var(x, 1, correction=2), lambda x: torch.var(x, 1, correction=2),
             grad=False)


def test_logsumexp_extremes():
    ninf = -numpy.inf
    x = numpy.array([[ninf, ninf, ninf], [1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1.0, 2.0, ninf]])
    check_op(None, lambda t: rb.logsumexp(t, 1), lambda t: torch.logsumexp(t, 1), inputs=[x],
             gradcheck=False)
    check_op(None, lambda t: rb.logsumexp(t, -1, keepdim=True), lambda t: torch.logsumexp(t, -1, keepdim=True),
             inputs=[x], gradcheck=False)
    big = numpy.array([[1e4, 1e4 - 1.0], [-1e4, -1e4 + 2.0]])
    check_op(None, lambda t: rb.logsumexp(t, 1), lambda t: torch.logsumexp(t, 1), inputs=[big],
             gradcheck=False)
    check_op(None, lambda t: t.logsumexp(0), inputs=[big], gradcheck=False)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("p", [2, 1, float("inf"), "fro", 3, 2.5, -1, -2.5])
@pytest.mark.parametrize("shape, dim", [((3, 4), None), ((3, 4), 1), ((2, 3, 4), (0, 2)), ((5,), -1)])
def test_norm(p, shape, dim, keepdim):
    check_op([shape], lambda x: rb.norm(x, p, dim, keepdim), lambda x: torch.norm(x, p, dim, keepdim))


@pytest.mark.parametrize("p", [2, 1, float("inf"), "fro"])
def test_norm_of_zero_vector_has_zero_gradient(p):
    x = numpy.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]])
    check_op(None, lambda t: rb.norm(t, p, 1), lambda t: torch.norm(t, p, 1), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.norm(), lambda t: t.norm(), inputs=[x[:1]], gradcheck=False)


def test_norm_zero_counts_the_nonzeros_and_negative_p_as_torch():
    # p = 0 and p < 0 raised ValueError; PyTorch's vector norm takes any p.
    x = numpy.array([[0.0, 1.5, -2.0], [0.0, 0.0, 0.0], [3.0, 0.0, 1.0]])
    for p in (0, -1, -0.5):
        for dim in (None, 1):
            assert_close(rb.norm(rb.tensor(x), p, dim), torch.norm(torch.tensor(x), p, dim))
    check_op(None, lambda t: t.norm(-1.5, 1), inputs=[x[[0, 2]]], gradcheck=False)
    r = rb.tensor(x, requires_grad=True)
    (rb.norm(r, 0) + r.sum()).backward()  # the count passes no gradient
    assert r.grad.tolist() == [[1.0] * 3] * 3


def test_norm_inf_ties():
    x = numpy.array([[1.0, -3.0, 3.0], [2.0, 2.0, -1.0]])
    check_op(None, lambda t: rb.norm(t, float("inf"), 1), lambda t: torch.norm(t, float("inf"), 1),
             inputs=[x], gradcheck=False)


@pytest.mark.parametrize("shape, dim", [((3, 4), 0), ((3, 4), 1), ((3, 4), -1), ((2, 3, 4), 1), ((5,), 0),
                                        ((), 0)])
def test_cumsum(shape, dim):
    check_op([shape], lambda x: rb.cumsum(x, dim), lambda x: torch.cumsum(x, dim))
    check_op([shape], lambda x: x.cumsum(dim))


@pytest.mark.parametrize("shape, dim", [((3, 4), 0), ((3, 4), 1), ((3, 4), -1), ((2, 3, 4), 1), ((5,), 0),
                                        ((), 0), ((), -1), ((3, 0), 1), ((0, 3), 1)])
def test_cumprod(shape, dim):
    check_op([shape], lambda x: rb.cumprod(x, dim), lambda x: torch.cumprod(x, dim))
    check_op([shape], lambda x: x.cumprod(dim))


def test_cumprod_gradient_at_zeros():
    # One zero, several in a row, at either end, and slices without: exact, no 0 / 0.
    x = numpy.array([[2.0, 0.0, 3.0, -1.5, 0.5], [0.0, 0.0, 0.0, 2.0, 3.0], [1.5, -2.0, 0.5, 3.0, 0.0],
                     [0.0, 2.0, 0.0, 3.0, 1.5], [1.5, -2.0, 0.5, 3.0, 2.0]])
    for dim in (1, 0, -1):
        check_op(None, lambda t: t.cumprod(dim), inputs=[x])
    check_op(None, lambda t: t.cumprod(0), inputs=[numpy.array(0.0)])


def test_cumprod_gradient_at_nan_and_inf_as_torch():
    # out_i / x_j where no zero is, as PyTorch; a dim of size 1 passes the gradient as it is.
    x = numpy.array([[1.0, numpy.nan, 3.0], [2.0, -2.0, numpy.inf], [numpy.inf, 0.0, 2.0]])
    for dim in (0, 1):
        check_op(None, lambda t: t.cumprod(dim), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.cumprod(1), inputs=[x[:, :1]], gradcheck=False)
    check_op(None, lambda t: t.cumprod(0), inputs=[numpy.array(numpy.inf)], gradcheck=False)


def test_cumprod_dtypes():
    # Integers and bools give int64, as cumsum; dtype= casts the input first (1.5 -> 1 for int32).
    for x in [numpy.array([[1, -2], [3, 4]], dtype=numpy.int32), numpy.array([[True, False], [True, True]]),
              numpy.array([[1, 2], [3, 4]], dtype=numpy.uint8)]:
        check_op(None, lambda t: t.cumprod(1), inputs=[x])
    check_op([(3, 4)], lambda t: rb.cumprod(t, 1, dtype=rb.float64), lambda t: torch.cumprod(t, 1, dtype=torch.float64))
    x = numpy.array([1.5, 2.5, -3.0])
    assert_close(rb.cumprod(rb.tensor(x), 0, dtype=rb.int32), torch.cumprod(torch.tensor(x), 0, dtype=torch.int32))
    with pytest.raises(IndexError, match="cumprod"):
        rb.cumprod(rb.ones(2), 1)


@pytest.mark.parametrize("name,args,dtype", [("sum", (), "int64"), ("prod", (), "int64"), ("cumsum", (0,), "int64"),
                                             ("cumprod", (0,), "int32"), ("sum", (), "bool"), ("prod", (), "bool")])
def test_integer_dtype_of_an_input_requiring_grad_raises_as_torch(name, args, dtype):
    # PyTorch: "Autograd not support dtype"; rosenblatt gave an integer tensor that required grad.
    x, t = rb.tensor([1.5, 2.5], requires_grad=True), torch.tensor([1.5, 2.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="Autograd not support dtype"):
        getattr(t, name)(*args, dtype=getattr(torch, dtype))
    with pytest.raises(RuntimeError, match=rf"{name}\(\): dtype={dtype} on an input that requires grad"):
        getattr(x, name)(*args, dtype=getattr(rb, dtype))
    with torch.no_grad(), rb.no_grad():  # no graph: both compute
        out, expected = getattr(x, name)(*args, dtype=getattr(rb, dtype)), getattr(t, name)(*args, dtype=getattr(torch, dtype))
    assert out.tolist() == expected.tolist() and not out.requires_grad


def test_integer_and_bool_reductions():
    i = numpy.array([[1, -2, 3], [4, 5, -6]])
    b = numpy.array([[True, False, True], [True, True, True]])
    for x in [i, b]:
        check_op(None, lambda t: t.sum(), inputs=[x])
        check_op(None, lambda t: t.sum(1), inputs=[x])
        check_op(None, lambda t: t.cumsum(1), inputs=[x])
        check_op(None, lambda t: rb.all(t, 1), lambda t: torch.all(t, 1), inputs=[x])
        check_op(None, lambda t: rb.any(t, 0, keepdim=True), lambda t: torch.any(t, 0, keepdim=True),
                 inputs=[x])
        check_op(None, lambda t: t.all(), inputs=[x])
    check_op(None, lambda t: t.prod(1), inputs=[i])
    check_op(None, lambda t: t.amax(1), inputs=[i])
    check_op(None, lambda t: t.max(1), inputs=[i])
    check_op(None, lambda t: t.argmin(), inputs=[i])
    check_op(None, lambda t: t.logsumexp(1), inputs=[i])


def test_mean_of_integers_is_an_error():
    with pytest.raises(TypeError, match="mean"):
        rb.mean(rb.tensor([1, 2, 3]))


def test_mean_dtype_casts_the_input_first_as_torch():
    check_op([(3, 4)], lambda t: t.mean(1, dtype=rb.float64) if isinstance(t, rb.Tensor) else t.mean(1, dtype=torch.float64))
    check_op(None, lambda t: rb.mean(t, dtype=rb.float32), lambda t: torch.mean(t, dtype=torch.float32),
             inputs=[numpy.array([[1, 2], [4, 7]])])
    with pytest.raises(TypeError, match="mean"):
        rb.mean(rb.tensor([1, 2, 3]), dtype=rb.int64)


def test_empty_reductions():
    # Reducing over a dim of size 0 gives the identity, as in PyTorch.
    x = numpy.zeros((3, 0))
    check_op(None, lambda t: t.sum(1), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.sum(0), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.sum(), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.prod(1), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.mean(1), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.logsumexp(1), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.cumsum(1), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.amax(0), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.norm(dim=1), inputs=[x], gradcheck=False)


def test_max_of_empty_dim_is_an_error():
    with pytest.raises((IndexError, RuntimeError, ValueError)):
        rb.max(rb.zeros(3, 0), 1)
    with pytest.raises((IndexError, RuntimeError, ValueError)):
        rb.amax(rb.zeros(3, 0))


@pytest.mark.parametrize("name", ["amax", "amin", "argmax", "argmin"])
def test_empty_reductions_raise_naming_the_op_as_torch(name):
    # NumPy's "zero-size array to reduction operation maximum which has no identity" and "attempt
    # to get argmax of an empty sequence" leaked; a reduced dim that isn't empty still works.
    x = numpy.zeros((2, 0))
    with pytest.raises(IndexError, match=rf"{name}\(\): expected reduction dim 1 to have non-zero size, got shape \[2, 0\]"):
        getattr(rb.tensor(x), name)(1)
    with pytest.raises(RuntimeError, match=rf"{name}\(\): expected reduction dim to be specified for an empty tensor"):
        getattr(rb.tensor(x), name)()
    check_op(None, lambda t: getattr(t, name)(0), inputs=[x], gradcheck=False)
    with pytest.raises(RuntimeError, match=r"min\(\): expected reduction dim to be specified"):
        rb.zeros(0).min()


def test_prod_dim_must_be_one_int():
    with pytest.raises(TypeError, match=r"prod\(\): dim must be an int .* got \(0, 1\)"):
        rb.ones(2, 3).prod((0, 1))
    check_op([(2, 3)], lambda t: t.prod(numpy.int64(1)) if isinstance(t, rb.Tensor) else t.prod(1))


def test_bad_dim_is_an_index_error():
    with pytest.raises(IndexError, match="sum"):
        rb.sum(rb.ones(2, 3), 2)
    with pytest.raises(ValueError, match="more than once"):
        rb.sum(rb.ones(2, 3), (1, -1))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_preserved(dtype):
    x = rb.rand(3, 4, dtype=dtype, requires_grad=True)
    outs = [x.sum(), x.mean(1), x.prod(0), x.max(1).values, x.amin(), x.var(1), x.std(), x.logsumexp(1),
            x.norm(), x.norm(1, 0), x.norm(float("inf")), x.norm(3), x.cumsum(0)]
    for out in outs:
        assert out.dtype == dtype
    sum(o.sum() for o in outs).backward()
    assert x.grad.dtype == dtype
    assert_close(rb.tensor([1.0]).sum(), torch.tensor([1.0]).sum())


@pytest.mark.parametrize("dim", [0, -1, (0,)])
@pytest.mark.parametrize("name", ["sum", "mean", "amax", "logsumexp", "norm", "prod", "max", "var"])
def test_dim_zero_of_a_0d_tensor(name, dim):
    # PyTorch accepts dim 0 and -1 of a 0-d tensor and reduces nothing away (NumPy has no axis 0).
    if name in ("prod", "max") and isinstance(dim, tuple):
        dim = dim[0]
    kw = {"correction": 0} if name == "var" else {}
    for keepdim in [False, True]:
        check_op([()], lambda x: getattr(rb, name)(x, dim=dim, keepdim=keepdim, **kw),
                 lambda x: getattr(torch, name)(x, dim=dim, keepdim=keepdim, **kw), gradcheck=False)
    check_op(None, lambda t: rb.all(t, 0), lambda t: torch.all(t, 0), inputs=[numpy.array(True)])


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_positional_unbiased(name):
    # PyTorch's var(input, dim, unbiased, keepdim): a bool first argument is unbiased, not dim 0/1.
    for args in [(False,), (True,), (1, False), (0, True, True), (-1, False, True)]:
        check_op([(3, 4)], lambda x: getattr(x, name)(*args))
        check_op([(3, 4)], lambda x: getattr(rb, name)(x, *args), lambda x: getattr(torch, name)(x, *args))


def test_zero_std_and_zero_p_norm_have_zero_gradient():
    # PyTorch takes the gradient as 0 where the std or norm is 0 (and |x|^p's at x = 0), not nan.
    x = numpy.array([[2.0, 2.0, 2.0], [0.0, 1.0, -2.0]])
    check_op(None, lambda t: t.std(1), inputs=[x], gradcheck=False)
    check_op(None, lambda t: t.std(1, correction=0, keepdim=True), inputs=[x], gradcheck=False)
    for p in [3, 0.5, 1.5]:
        check_op(None, lambda t: t.norm(p, 1), inputs=[x - x[:1]], gradcheck=False)
        check_op(None, lambda t: t.norm(p), inputs=[numpy.zeros((2, 2))], gradcheck=False)


@pytest.mark.parametrize("name", ["max", "min"])
def test_nan_takes_the_gradient_of_max_min(name):
    x = numpy.array([[1.0, numpy.nan, 2.0, numpy.nan], [3.0, 1.0, 2.0, 3.0]])
    check_op(None, lambda t: getattr(t, name)(), inputs=[x], gradcheck=False)
    check_op(None, lambda t: getattr(t, name)(1), inputs=[x], gradcheck=False)


@pytest.mark.parametrize("name", ["amax", "amin"])
def test_nan_gives_amax_amin_a_nan_gradient_as_torch(name):
    # Unlike max(): a slice whose extreme is nan has no element equal to it, so 0 / 0 (PyTorch).
    x = numpy.array([[1.0, numpy.nan, 2.0, numpy.nan], [3.0, 1.0, 2.0, 3.0]])
    for dim in (None, 1, 0):
        check_op(None, lambda t: getattr(t, name)(dim), inputs=[x], gradcheck=False)


def test_prod_gradient_at_nan_and_inf_as_torch():
    # Without zeros, PyTorch's gradient is out / x (nan where out or x is nan or inf), 1 for 0-d.
    x = numpy.array([[1.0, numpy.nan, 3.0], [2.0, -2.0, numpy.inf], [0.5, 2.0, 3.0]])
    for dim in (None, 0, 1):
        check_op(None, _call(rb.prod, dim, False), _call(torch.prod, dim, False), inputs=[x], gradcheck=False)
    for value in (numpy.inf, numpy.nan):
        check_op(None, lambda t: t.prod(), inputs=[numpy.array(value)], gradcheck=False)


def test_all_any_of_uint8_give_uint8_and_argmax_refuses_bools_as_torch():
    x = numpy.array([[1, 0], [2, 3]], dtype=numpy.uint8)
    for call in (lambda t: t.all(), lambda t: t.any(1, keepdim=True), lambda t: t.all((0, 1))):
        check_op(None, call, inputs=[x])
    for name in ("argmax", "argmin"):
        with pytest.raises(TypeError, match=f"{name}\\(\\): does not support bool"):
            getattr(rb.tensor([True, False]), name)(0)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin_keepdim_over_all_dims(name):
    check_op([(2, 3, 4)], lambda t: getattr(t, name)(keepdim=True))
    check_op([(2, 3, 4)], lambda t: getattr(rb, name)(t, None, True), lambda t: getattr(torch, name)(t, None, True))


def test_integer_dtype_rules():
    # prod and cumsum of any integer or bool dtype give int64 (NumPy: uint8 -> uint64);
    # var, std and norm need floating inputs and raise otherwise, as PyTorch's.
    for x in [numpy.array([[1, 2], [3, 4]], dtype=numpy.uint8), numpy.array([[1, 2], [3, 4]], dtype=numpy.int32)]:
        check_op(None, lambda t: t.prod(), inputs=[x])
        check_op(None, lambda t: t.prod(1), inputs=[x])
        check_op(None, lambda t: t.cumsum(0), inputs=[x])
    check_op([(3, 4)], lambda t: rb.cumsum(t, 1, dtype=rb.float64), lambda t: torch.cumsum(t, 1, dtype=torch.float64))
    check_op([(3, 4)], lambda t: rb.prod(t, 1, dtype=rb.float64), lambda t: torch.prod(t, 1, dtype=torch.float64))
    for name in ["var", "std", "norm"]:
        with pytest.raises(TypeError, match=name):
            getattr(rb.tensor([1, 2, 3]), name)()


@pytest.mark.parametrize("p", [2, 3])
def test_norm_input_changed_in_place_before_backward_is_an_error(p):
    # norm keeps its input for backward; PyTorch refuses a changed one instead of a wrong gradient.
    x = rb.ones(3, 3, requires_grad=True)
    y = x * 1.0
    out = y.norm(p)
    with rb.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="in-place"):
        out.backward()


@pytest.mark.parametrize("op", [lambda y: y.norm(dim=1), lambda y: y.norm(3, dim=1, keepdim=True),
                                lambda y: y.amax(1), lambda y: y.max()])
def test_changing_a_kept_output_in_place_is_an_error(op):
    # norm and amax/max keep their output for backward (amax's gradient went nan, norm's wrong).
    x = rb.rand(3, 3, requires_grad=True)
    out = op(x * 1.0)
    with pytest.raises(RuntimeError, match="in-place"):
        with rb.no_grad():
            out.mul_(2.0)


@pytest.mark.parametrize("dtype", [numpy.float16, numpy.float32])
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_running_sums_and_products_accumulate_as_torch(name, dtype):
    # PyTorch accumulates float16 in float32 and float32 in float64: NumPy's float16 running
    # sum of 1000 normal samples drifted 0.7 from torch's, its float32 one 6e-5.
    rng = numpy.random.default_rng(0)
    x = (rng.standard_normal((4, 1000)) * (1.0 if name == "cumsum" else 0.01) + (name == "cumprod")).astype(dtype)
    got = getattr(rb.tensor(x, dtype=dtype), name)(1)
    assert numpy.array_equal(got.data, getattr(torch.tensor(x), name)(1).numpy())
    if dtype == numpy.float32:  # the gradient's reverse running sum too
        grad = rng.standard_normal((4, 1000)).astype(dtype)
        r, t = rb.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        getattr(r, name)(1).backward(rb.tensor(grad))
        getattr(t, name)(1).backward(torch.tensor(grad))
        assert numpy.array_equal(r.grad.data, t.grad.numpy())


@pytest.mark.parametrize("op", [lambda m, x: x.sum(True), lambda m, x: x.mean(dim=True), lambda m, x: x.cumsum(True),
                                lambda m, x: x.amax(True), lambda m, x: x.argmax(True), lambda m, x: x.max(True),
                                lambda m, x: x.sort(True), lambda m, x: x.topk(1, True), lambda m, x: x.sum(1.0),
                                lambda m, x: m.softmax(x, True), lambda m, x: x.norm(2, True)])
def test_a_bool_or_float_dim_raises_as_torch(op):
    # A bool is an int to Python: x.sum(True) summed over dim 1, where PyTorch raises.
    with pytest.raises(TypeError):
        op(torch, torch.ones(2, 3))
    with pytest.raises(TypeError, match="dim must be an int, got (bool True|float 1.0)"):
        op(rb, rb.ones(2, 3))


def test_numpy_integer_dims_work_as_torch():
    x = numpy.arange(6.0).reshape(2, 3)
    for op in [lambda t: t.sum(numpy.int64(1)), lambda t: t.sum([numpy.int32(0)]), lambda t: t.cumsum(numpy.int64(-1))]:
        assert_close(op(rb.tensor(x)), op(torch.tensor(x)))


@pytest.mark.parametrize("weights", [None, [0.5, 1.5, 2.0, 1.0], "float64", "int64"])
@pytest.mark.parametrize("minlength", [0, 9])
def test_bincount_matches_torch(weights, minlength):
    data = [1, 2, 2, 5]
    if weights in ("float64", "int64"):
        w_t, w_r = torch.tensor([1, 2, 3, 4], dtype=getattr(torch, weights)), rb.tensor([1, 2, 3, 4], dtype=getattr(rb, weights))
    else:
        w_t = None if weights is None else torch.tensor(weights)
        w_r = None if weights is None else rb.tensor(weights)
    expected = torch.bincount(torch.tensor(data), weights=w_t, minlength=minlength)
    out = rb.bincount(rb.tensor(data), weights=w_r, minlength=minlength)
    assert out.tolist() == expected.tolist() and str(out.dtype) == str(expected.dtype).replace("torch.", "")
    with pytest.raises(ValueError, match="non-negative ints"):
        rb.bincount(rb.tensor([-1, 2]))


def test_finfo_and_iinfo_as_torch():
    for dtype in ("float16", "float32", "float64"):
        r, t = rb.finfo(getattr(rb, dtype)), torch.finfo(getattr(torch, dtype))
        assert (float(r.eps), float(r.max), float(r.min), float(r.tiny), r.bits) == (t.eps, t.max, t.min, t.tiny, t.bits)
    assert rb.finfo().eps == torch.finfo().eps
    assert (rb.iinfo(rb.int64).max, rb.iinfo(rb.uint8).min) == (torch.iinfo(torch.int64).max, torch.iinfo(torch.uint8).min)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("shape,dim", [((7,), 0), ((3, 5), 1), ((4, 3), 0), ((2, 3, 4), -1), ((0, 3), 0)])
def test_cummax_cummin(name, shape, dim):
    # values and their gradient (it reaches each running extreme), then the indices
    check_op([shape], lambda x: getattr(rb, name)(x, dim).values, lambda x: getattr(torch, name)(x, dim).values)
    check_op([shape], lambda x: getattr(x, name)(dim)[0], lambda x: getattr(x, name)(dim)[0])
    data = numpy.random.default_rng(1).standard_normal(shape)
    assert_close(getattr(rb, name)(rb.tensor(data), dim).indices, getattr(torch, name)(torch.tensor(data), dim).indices)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_ties_nans_ints_and_0d_like_pytorch(name):
    values = [[1.0, 3.0, 3.0, 2.0, float("nan"), 5.0, float("nan"), 1.0], [2.0, 2.0, 1.0, 1.0, 0.0, 4.0, 4.0, -1.0]]
    for data in (numpy.array(values), numpy.array([[1, 5, 5, 2], [3, 3, 0, 7]]), numpy.array(2.5)):
        ours, theirs = getattr(rb, name)(rb.tensor(data), -1), getattr(torch, name)(torch.tensor(data), -1)
        assert_close(ours.values, theirs.values)
        assert_close(ours.indices, theirs.indices)
    # a tie sends the gradient to the latest position, as PyTorch's
    check_op(None, lambda x: getattr(rb, name)(x, 0).values, lambda x: getattr(torch, name)(x, 0).values,
             inputs=[numpy.array([1.0, 3.0, 3.0, 2.0, 0.5])], gradcheck=False)


def test_histc_matches_pytorch():
    rng = numpy.random.default_rng(0)
    cases = [(rng.standard_normal(50), 10, 0, 0), (rng.standard_normal(200).astype(numpy.float32), 7, -1, 1),
             (numpy.linspace(0, 3, 31), 4, 0, 3),  # elements on the bin edges
             (numpy.array([2.0, 2.0, 2.0]), 4, 0, 0),  # an empty range is widened by 1 each way
             (numpy.array([1.0, 2.0]), 2, 1.5, 1.5), (numpy.array([1.0, float("nan"), 5.0]), 3, 0, 2),
             (numpy.zeros((2, 3)), 5, -1, 1)]
    for data, bins, low, high in cases:
        assert_close(rb.histc(rb.tensor(data), bins, low, high), torch.histc(torch.tensor(data), bins, low, high))
        assert_close(rb.tensor(data).histc(bins=bins, min=low, max=high),
                     torch.tensor(data).histc(bins=bins, min=low, max=high))


def test_histc_refuses_what_pytorch_refuses():
    with pytest.raises(TypeError, match=r"histc\(\): expected a floating tensor, got int64"):
        rb.histc(rb.tensor([1, 2]), bins=2)
    with pytest.raises(ValueError, match=r"histc\(\): max must be larger than min, got min=3 and max=1"):
        rb.histc(rb.tensor([1.0, 2.0]), bins=2, min=3, max=1)
    with pytest.raises(ValueError, match=r"histc\(\): the data's range \[nan, nan\] is not finite"):
        rb.histc(rb.tensor([1.0, float("nan")]), bins=2)
    with pytest.raises(ValueError, match=r"histc\(\): bins must be a positive int, got 0"):
        rb.histc(rb.tensor([1.0]), bins=0)
