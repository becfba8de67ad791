"""triplet_margin_with_distance_loss and multilabel_margin_loss (and their layers) against torch."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.functional as TF
from helpers import assert_close, check_op, from_torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]


def _l1(x, y):
    return (x - y).abs().sum(-1)


def _cosine(x, y):
    fn = F.cosine_similarity if isinstance(x, rb.Tensor) else TF.cosine_similarity
    return 1.0 - fn(x, y)


def _triplet(**kwargs):
    def op(a, p, n):
        fn = F.triplet_margin_with_distance_loss if isinstance(a, rb.Tensor) else TF.triplet_margin_with_distance_loss
        return fn(a, p, n, **kwargs)
    return op


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("distance", [None, _l1, _cosine])
def test_triplet_margin_with_distance_loss_matches_torch(distance, swap, reduction):
    # margin 2: most triplets violate it, so the hinge passes gradients to all three inputs
    check_op([(6, 5)] * 3, _triplet(distance_function=distance, margin=2.0, swap=swap, reduction=reduction),
             gradcheck_atol=1e-4)


def test_triplet_margin_with_distance_loss_of_one_triplet_and_broadcast_shapes():
    check_op([(5,)] * 3, _triplet(margin=3.0))
    check_op([(4, 5), (1, 5), (4, 5)], _triplet(margin=3.0, swap=True))


def test_triplet_margin_with_distance_loss_bad_arguments_raise_as_torch():
    a = rb.randn(3, 4)
    with pytest.raises(ValueError, match=r"loss\(\): margin must be greater than 0, got 0"):
        F.triplet_margin_with_distance_loss(a, a, a, margin=0.0)
    with pytest.raises(ValueError, match="reduction must be 'none', 'mean' or 'sum', got 'max'"):
        F.triplet_margin_with_distance_loss(a, a, a, reduction="max")
    with pytest.raises(RuntimeError, match="all inputs must have the same number of dims"):
        F.triplet_margin_with_distance_loss(a, a, a[0])
    with pytest.raises(TypeError):  # keyword-only options, as in torch
        F.triplet_margin_with_distance_loss(a, a, a, None)


def test_triplet_margin_with_distance_loss_layer_matches_torch():
    ours, theirs = nn.TripletMarginWithDistanceLoss(), torch.nn.TripletMarginWithDistanceLoss()
    assert isinstance(ours.distance_function, nn.PairwiseDistance)  # a submodule, as in torch
    assert repr(ours) == repr(theirs)
    a, p, n = (torch.randn(5, 3, dtype=torch.float64) for _ in range(3))
    assert_close(ours(from_torch(a), from_torch(p), from_torch(n)), theirs(a, p, n))
    ours = nn.TripletMarginWithDistanceLoss(distance_function=_cosine, margin=0.5, swap=True, reduction="none")
    theirs = torch.nn.TripletMarginWithDistanceLoss(distance_function=_cosine, margin=0.5, swap=True, reduction="none")
    assert_close(ours(from_torch(a), from_torch(p), from_torch(n)), theirs(a, p, n))
    with pytest.raises(ValueError, match="TripletMarginWithDistanceLoss: expected margin to be greater than 0"):
        nn.TripletMarginWithDistanceLoss(margin=-1.0)


def _multilabel(**kwargs):
    def op(x, y):
        fn = F.multilabel_margin_loss if isinstance(x, rb.Tensor) else TF.multilabel_margin_loss
        return fn(x, y, **kwargs)
    return op


def _padded_targets(rng, n, c):
    """Rows of target classes (sometimes repeated) ending in -1, then random leftovers in [-1, C)."""
    t = rng.integers(-1, c, size=(n, c))
    for row in t:
        k = rng.integers(0, c + 1)  # k targets, then a -1 (if room)
        row[:k] = rng.integers(0, c, size=k)
        if k < c:
            row[k] = -1
    return t


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("n, c", [(6, 5), (3, 1), (4, 8)])
def test_multilabel_margin_loss_matches_torch(n, c, reduction):
    rng = numpy.random.default_rng(n * c)
    x = rng.uniform(-1.0, 1.0, size=(n, c))
    check_op(None, _multilabel(reduction=reduction), inputs=[x, _padded_targets(rng, n, c)])


def test_multilabel_margin_loss_edge_targets_match_torch():
    x = numpy.array([[0.1, 0.2, 0.4, 0.8], [0.3, -0.5, 0.2, 0.9], [0.0, 1.0, -1.0, 0.5]])
    t = numpy.array([[3, 0, -1, 1],  # the -1 ends the row: class 1 is not a target
                     [3, 3, -1, 1],  # a class listed twice counts twice
                     [-1, 0, 1, 2]])  # no targets at all: 0
    check_op(None, _multilabel(reduction="none"), inputs=[x, t])
    check_op(None, _multilabel(), inputs=[x[0], t[0]])  # one sample: (C)
    assert F.multilabel_margin_loss(rb.tensor([[0.1, 0.2, 0.4, 0.8]]), rb.tensor([[3, 0, -1, 1]])).item() == \
        pytest.approx(0.85)


def test_multilabel_margin_loss_shapes_of_none_as_torch():
    for shape in [(4,), ()]:
        x, t = torch.randn(shape), torch.zeros(shape, dtype=torch.long)
        assert_close(F.multilabel_margin_loss(from_torch(x), from_torch(t), reduction="none"),
                     TF.multilabel_margin_loss(x, t, reduction="none"))
    x, t = torch.zeros(0, 3), torch.zeros(0, 3, dtype=torch.long)
    assert_close(F.multilabel_margin_loss(from_torch(x), from_torch(t), reduction="none"),
                 TF.multilabel_margin_loss(x, t, reduction="none"))


def test_multilabel_margin_loss_gives_no_gradient_at_the_kink_as_torch():
    x, t = numpy.array([[1.0, 0.0, 0.5]]), numpy.array([[0, -1, 0]])  # 1 - 1 + 0 = 0 exactly
    check_op(None, _multilabel(), inputs=[x, t], gradcheck=False)


@pytest.mark.parametrize("x, t, error, message", [
    (numpy.zeros((1, 4)), numpy.array([[4, 0, -1, 1]]), ValueError,
     r"target out of range: class indices must be in \[0, 3\]"),
    (numpy.zeros((1, 4)), numpy.array([[1, -1, 9, 1]]), ValueError, "target out of range"),  # after the -1 too
    (numpy.zeros((1, 4)), numpy.array([[-2, 0, -1, 1]]), ValueError, "target out of range"),
    (numpy.zeros((1, 4)), numpy.array([[3, 0, -1]]), ValueError,
     r"target shape \[1, 3\] must equal input shape \[1, 4\]"),
    (numpy.zeros((1, 4)), numpy.array([[3, 0, -1, 1]], dtype=numpy.int32), TypeError, "target must hold int64"),
    (numpy.zeros((1, 4)), numpy.array([[3.0, 0, -1, 1]]), TypeError, "target must hold int64"),
    (numpy.zeros((1, 1, 4)), numpy.zeros((1, 1, 4), dtype=numpy.int64), ValueError,
     r"expected a non-empty vector \(C\) or matrix \(N, C\) input, got \[1, 1, 4\]"),
    (numpy.zeros((2, 0)), numpy.zeros((2, 0), dtype=numpy.int64), ValueError, "expected a non-empty vector"),
    (numpy.zeros((1, 4), dtype=numpy.int64), numpy.zeros((1, 4), dtype=numpy.int64), TypeError,
     "expected a floating-point input"),
])
def test_multilabel_margin_loss_bad_input_raises(x, t, error, message):
    with pytest.raises((RuntimeError, NotImplementedError)):  # torch refuses each too
        TF.multilabel_margin_loss(torch.from_numpy(x), torch.from_numpy(t))
    with pytest.raises(error, match=rf"multilabel_margin_loss\(\): {message}"):
        F.multilabel_margin_loss(rb.tensor(x), rb.tensor(t))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss_layer_matches_torch(reduction):
    rng = numpy.random.default_rng(1)
    x, t = rng.uniform(-1, 1, size=(5, 6)).astype(numpy.float32), _padded_targets(rng, 5, 6)
    got = nn.MultiLabelMarginLoss(reduction=reduction)(rb.tensor(x), rb.tensor(t))
    assert_close(got, torch.nn.MultiLabelMarginLoss(reduction=reduction)(torch.from_numpy(x), torch.from_numpy(t)))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        legacy = nn.MultiLabelMarginLoss(size_average=False)
    assert legacy.reduction == "sum"
