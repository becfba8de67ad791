"""sort, argsort and topk against PyTorch: values, indices, ties, NaN, gradients."""
import numpy as np
import pytest
import torch

import rosenblatt as rb
from tests.helpers import check_op


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_matches_torch(dim, descending):
    check_op([(4, 5)], lambda x: rb.sort(x, dim, descending), lambda x: torch.sort(x, dim, descending))


@pytest.mark.parametrize("descending", [False, True])
def test_sort_keeps_ties_in_order_and_puts_nan_highest(descending):
    x = np.array([[3.0, np.nan, 1.0, 3.0, -1.0, np.nan], [2, 2, 2, 0, 5, 2]])
    ours = rb.sort(rb.tensor(x), descending=descending)
    theirs = torch.sort(torch.tensor(x), descending=descending, stable=True)
    assert ours.indices.tolist() == theirs.indices.tolist()
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    assert rb.argsort(rb.tensor(x), descending=descending).tolist() == theirs.indices.tolist()
    assert rb.tensor(x).argsort(dim=0).tolist() == torch.tensor(x).argsort(dim=0, stable=True).tolist()


def test_sort_of_integers_and_of_a_0d_tensor():
    ours, theirs = rb.tensor([5, -2, 7]).sort(descending=True), torch.tensor([5, -2, 7]).sort(descending=True)
    assert ours.values.tolist() == theirs.values.tolist() and ours.values.dtype == rb.int64
    assert ours.indices.tolist() == theirs.indices.tolist() and ours.indices.dtype == rb.int64
    values, indices = rb.sort(rb.tensor(5.0))
    assert values.shape == indices.shape == () and values.item() == 5.0 and indices.item() == 0


@pytest.mark.parametrize("k, dim, largest", [(2, -1, True), (3, 0, False), (0, 1, True), (5, 1, False)])
def test_topk_matches_torch(k, dim, largest):
    check_op([(4, 5)], lambda x: rb.topk(x, k, dim, largest), lambda x: torch.topk(x, k, dim, largest))
    values, indices = rb.tensor([[1.0, 5.0, 3.0, 4.0]]).topk(2)
    assert values.tolist() == [[5.0, 4.0]] and indices.tolist() == [[1, 3]]


def test_topk_gradient_reaches_the_chosen_elements():
    x, xt = rb.tensor([1.0, 5.0, 3.0, 4.0], requires_grad=True), torch.tensor([1.0, 5.0, 3.0, 4.0], requires_grad=True)
    (rb.topk(x, 2).values * rb.tensor([1.0, 2.0])).sum().backward()
    (torch.topk(xt, 2).values * torch.tensor([1.0, 2.0])).sum().backward()
    assert x.grad.tolist() == xt.grad.tolist() == [0.0, 1.0, 0.0, 2.0]


def test_topk_of_bools_raises_as_torch():
    with pytest.raises(RuntimeError):
        torch.topk(torch.tensor([True, False]), 1)
    with pytest.raises(TypeError, match=r"topk\(\): does not support bool"):
        rb.topk(rb.tensor([True, False]), 1)


def test_topk_k_out_of_range_raises():
    with pytest.raises(RuntimeError):
        torch.topk(torch.ones(3), 4)
    with pytest.raises(RuntimeError, match=r"topk: k must be in \[0, 3\] \(the size of dim -1\), got 4"):
        rb.topk(rb.ones(3), 4)


@pytest.mark.parametrize("kwargs", [{}, {"return_inverse": True}, {"return_counts": True},
                                    {"return_inverse": True, "return_counts": True}, {"dim": 0},
                                    {"dim": 1, "return_inverse": True, "return_counts": True}, {"sorted": False}])
@pytest.mark.parametrize("data", [[[3, 1, 2], [3, 1, 2], [0, 1, 5]], [[2.5, -1.0, 2.5], [0.0, 0.0, 7.0]]])
def test_unique_matches_torch(kwargs, data):
    expected, out = torch.unique(torch.tensor(data), **kwargs), rb.unique(rb.tensor(data), **kwargs)
    expected, out = (expected, out) if isinstance(expected, tuple) else ((expected,), (out,))
    assert [o.tolist() for o in out] == [e.tolist() for e in expected]
    assert [str(o.dtype) for o in out] == [str(e.dtype).replace("torch.", "") for e in expected]


@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("seq, values", [([1, 3, 5, 7], [3, 6, 9, 0, 7]), ([1.0, 2.0, 2.0, 4.0], [[2.0, 0.5], [4.0, 9.0]]),
                                         ([[1, 3, 5], [2, 4, 6]], [[3, 5], [0, 6]])])
def test_searchsorted_and_bucketize_match_torch(seq, values, right):
    expected = torch.searchsorted(torch.tensor(seq), torch.tensor(values), right=right)
    out = rb.searchsorted(rb.tensor(seq), rb.tensor(values), right=right)
    assert out.tolist() == expected.tolist() and out.dtype == rb.int64
    assert rb.searchsorted(rb.tensor(seq), rb.tensor(values), side="right" if right else "left").tolist() == expected.tolist()
    if len(np.shape(seq)) == 1:
        assert rb.bucketize(rb.tensor(values), rb.tensor(seq), right=right).tolist() == \
            torch.bucketize(torch.tensor(values), torch.tensor(seq), right=right).tolist()
