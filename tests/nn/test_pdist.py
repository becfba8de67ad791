"""nn.functional.pdist against PyTorch: values, order and gradients for p = 0, 1, 2, inf and others."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
import rosenblatt.nn.functional as F
from helpers import assert_close, check_op

TF = torch.nn.functional


@pytest.mark.parametrize("p", [1, 2, math.inf, 3, 1.5, 0.5, 4.25])
@pytest.mark.parametrize("shape", [(5, 3), (2, 7), (6, 1)])
def test_pdist_matches_torch_with_gradcheck(p, shape):
    check_op([shape], lambda x: F.pdist(x, p), lambda x: TF.pdist(x, p))


def test_pdist_default_p_is_2_and_p0_counts_differences():
    check_op([(5, 4)], F.pdist, TF.pdist)
    # p = 0: how many coordinates differ; no gradient (PyTorch's is 0)
    x = numpy.array([[0.0, 1.0, 2.0], [0.0, 3.0, 2.0], [1.0, 1.0, 5.0]])
    check_op(None, lambda t: F.pdist(t, 0), lambda t: TF.pdist(t, 0), inputs=[x], gradcheck=False)
    assert F.pdist(rb.tensor(x), 0).tolist() == [1.0, 2.0, 3.0]


def test_pdist_order_is_the_condensed_upper_triangle():
    x = numpy.random.default_rng(0).standard_normal((6, 4))
    full = numpy.linalg.norm(x[:, None] - x[None], axis=-1)
    rows, cols = numpy.triu_indices(6, 1)
    numpy.testing.assert_allclose(F.pdist(rb.tensor(x)).data, full[rows, cols], rtol=1e-12)


@pytest.mark.parametrize("p", [0.5, 1, 1.5, 2, 3, math.inf])
def test_pdist_gradient_at_ties_and_zero_distances_is_torchs(p):
    # rows 0 and 2 coincide (distance 0); every difference ties in |.| (the inf-norm kink):
    # PyTorch gives each tied coordinate the whole gradient, and 0 at a zero distance
    x = numpy.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [2.0, -1.0]])
    check_op(None, lambda t: F.pdist(t, p), lambda t: TF.pdist(t, p), inputs=[x], gradcheck=False)


@pytest.mark.parametrize("shape", [(0, 3), (1, 3), (4, 0)])
def test_pdist_empty_cases_match_torch(shape):
    x = numpy.zeros(shape, dtype=numpy.float32)
    xt = rb.tensor(x, requires_grad=True)
    out = F.pdist(xt)
    assert_close(out, TF.pdist(torch.from_numpy(x)))
    out.sum().backward()
    assert xt.grad.shape == shape and not xt.grad.data.any()


@pytest.mark.parametrize("p", [1, 2, math.inf, 3.5])
def test_pdist_many_rows_match_torch(p):
    # 60 rows: 1770 pairs, every row's block of pairs and its gradient scatter exercised
    check_op([(60, 4)], lambda x: F.pdist(x, p), lambda x: TF.pdist(x, p), gradcheck=False)


def test_pdist_keeps_float32():
    out = F.pdist(rb.randn(5, 3), 3)
    assert out.dtype == numpy.float32


def test_pdist_bad_input_raises_with_the_fix():
    with pytest.raises(ValueError, match=r"pdist\(\): expected a 2-d \(N, M\) input, got shape \(3, 2, 2\)"):
        F.pdist(rb.randn(3, 2, 2))
    with pytest.raises(ValueError, match=r"pdist\(\): p must be a non-negative number.*-1"):
        F.pdist(rb.randn(3, 2), p=-1)
    with pytest.raises(TypeError, match=r"pdist\(\): expected a floating-point input.*int64"):
        F.pdist(rb.tensor([[1, 2], [3, 4]]))
    with pytest.raises(TypeError, match=r"pdist\(\): expected a Tensor"):
        F.pdist([[1.0, 2.0], [3.0, 4.0]])
    for bad in (lambda: TF.pdist(torch.randn(3, 2, 2)), lambda: TF.pdist(torch.randn(3, 2), p=-1)):
        with pytest.raises(RuntimeError):  # PyTorch refuses them too
            bad()
