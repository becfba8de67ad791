"""softmax, log_softmax and one_hot against PyTorch."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import check_op


@pytest.mark.parametrize("shape, dim", [((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), -3),
                                        ((5,), 0), ((), 0)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax(name, shape, dim):
    fn, tfn = getattr(rb, name), getattr(torch, name)
    check_op([shape], lambda x: fn(x, dim), lambda x: tfn(x, dim))
    check_op([shape], lambda x: getattr(x, name)(dim))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_extreme_inputs_are_finite_and_exact(name):
    x = numpy.array([[1e4, -1e4, 0.0], [1e4, 1e4, 1e4], [-1e4, -1e4 + 1.0, -1e4 + 2.0], [0.0, 0.0, 1e4]])
    fn, tfn = getattr(rb, name), getattr(torch, name)
    check_op(None, lambda t: fn(t, 1), lambda t: tfn(t, 1), inputs=[x], gradcheck=False)
    check_op(None, lambda t: fn(t, 0), lambda t: tfn(t, 0), inputs=[x], gradcheck=False)
    assert numpy.isfinite(fn(rb.tensor(x, dtype=rb.float32), 1).data).all()


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_with_minus_inf(name):
    ninf = -numpy.inf
    x = numpy.array([[ninf, 0.0, 1.0], [2.0, ninf, ninf]])
    fn, tfn = getattr(rb, name), getattr(torch, name)
    check_op(None, lambda t: fn(t, 1), lambda t: tfn(t, 1), inputs=[x], gradcheck=False)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_dtype_argument(name):
    fn, tfn = getattr(rb, name), getattr(torch, name)
    check_op([(2, 3)], lambda t: fn(t, 1, dtype=rb.float64), lambda t: tfn(t, 1, dtype=torch.float64),
             gradcheck=False)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_dtype_preserved(dtype):
    x = rb.rand(2, 3, dtype=dtype, requires_grad=True)
    (rb.softmax(x, 1).sum() + rb.log_softmax(x, 0).sum()).backward()
    assert rb.softmax(x, 1).dtype == dtype and rb.log_softmax(x, 1).dtype == dtype
    assert x.grad.dtype == dtype


def test_one_hot():
    from rosenblatt.ops import one_hot
    idx = numpy.array([[0, 2], [1, 0], [3, 3]])
    check_op(None, one_hot, torch.nn.functional.one_hot, inputs=[idx])
    check_op(None, lambda t: one_hot(t, 6), lambda t: torch.nn.functional.one_hot(t, 6), inputs=[idx])
    check_op(None, lambda t: one_hot(t, 4), lambda t: torch.nn.functional.one_hot(t, 4),
             inputs=[numpy.array(2)])
    with pytest.raises(ValueError, match="one_hot"):
        one_hot(rb.tensor([0, 5]), 3)
    with pytest.raises(ValueError, match="one_hot"):
        one_hot(rb.tensor([-1, 0]))
    with pytest.raises(TypeError, match="one_hot"):
        one_hot(rb.tensor([0.0, 1.0]))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_over_an_empty_dim(name):
    # An empty result, as PyTorch's (NumPy's max has no identity to start from).
    for shape, dim in [((3, 0), 1), ((0, 3), 1), ((3, 0), 0)]:
        check_op([shape], lambda x: getattr(x, name)(dim), gradcheck=False)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_integers_needs_a_float_dtype(name):
    with pytest.raises(TypeError, match=name):
        getattr(rb, name)(rb.tensor([1, 2]), 0)
    check_op(None, lambda t: getattr(rb, name)(t, 0, dtype=rb.float32),
             lambda t: getattr(torch, name)(t, 0, dtype=torch.float32), inputs=[numpy.array([1, 2])])
