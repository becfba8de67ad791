"""MAE, hit rate@k, NDCG@k, ROC AUC, calibration curve, sensitivity/specificity against scikit-learn and by hand."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.calibration import calibration_curve as sk_calibration_curve
from sklearn.metrics import ndcg_score
from sklearn.metrics import roc_auc_score as sk_roc_auc_score

import rosenblatt as rb
from rosenblatt.training.metrics import (MAE, NDCG, HitRate, calibration_curve, roc_auc_score,
                                         sensitivity_specificity)


def in_batches(metric, output, target, size=7):
    metric.reset()
    for i in range(0, len(target), size):
        metric.update(rb.from_numpy(output[i:i + size]), rb.from_numpy(target[i:i + size]))
    return metric.compute()


def test_mae_against_torch():
    rng = np.random.default_rng(0)
    out, y = rng.normal(3, 1, (40, 1)).astype(np.float32), rng.integers(1, 6, 40).astype(np.float32)
    expected = torch.nn.functional.l1_loss(torch.from_numpy(out[:, 0]), torch.from_numpy(y)).item()
    assert in_batches(MAE(), out, y) == pytest.approx(expected, rel=1e-6)   # (N, 1) against (N,)


@pytest.mark.parametrize("k", [1, 5, 10])
def test_hit_rate_and_ndcg_against_sklearn(k):
    rng = np.random.default_rng(k)
    scores = rng.standard_normal((60, 20)).astype(np.float32)   # no ties
    target = rng.integers(0, 20, 60)
    rank = (scores > scores[np.arange(60), target][:, None]).sum(1)
    assert in_batches(HitRate(k), scores, target) == pytest.approx((rank < k).mean())
    relevance = np.eye(20)[target]
    assert in_batches(NDCG(k), scores, target) == pytest.approx(ndcg_score(relevance, scores, k=k))
    assert (HitRate(k).name, NDCG(k).name) == (f"hit_rate@{k}", f"ndcg@{k}")


def test_ranking_by_hand_and_ties():
    scores = rb.tensor([[0.5, 0.9, 0.1], [0.2, 0.2, 0.2], [0.1, 0.3, 0.2]])
    ndcg = NDCG(k=2)
    ndcg.update(scores, rb.tensor([0, 2, 0]))   # ranks 1, 0 (a tie counts in its favour), 2
    assert ndcg.compute() == pytest.approx((1 / np.log2(3) + 1 + 0) / 3)
    hr = HitRate(k=2)
    hr.update(scores, rb.tensor([0, 2, 0]))
    assert hr.compute() == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"HitRate\(k=10\): expected output \(N, C\) with C >= 10"):
        HitRate().update(scores, rb.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="NDCG: k must be a positive int"):
        NDCG(0)


def test_roc_auc_against_sklearn_with_ties():
    rng = np.random.default_rng(0)
    target = rng.integers(0, 2, 200)
    score = np.round(target * 0.3 + rng.random(200), 1)   # rounded: many ties
    assert roc_auc_score(target, score) == pytest.approx(sk_roc_auc_score(target, score), abs=1e-12)
    assert roc_auc_score(rb.tensor([0, 1, 1]), rb.tensor([0.2, 0.9, 0.2])) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="needs both classes"):
        roc_auc_score([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="0s and 1s"):
        roc_auc_score([0, 2], [0.1, 0.2])


@pytest.mark.parametrize("n_bins", [1, 5, 10])
def test_calibration_curve_against_sklearn(n_bins):
    rng = np.random.default_rng(n_bins)
    prob = np.r_[rng.random(300), 0.0, 0.5, 1.0]             # bin edges included
    target = (rng.random(303) < prob ** 1.5).astype(np.int64)
    got, want = calibration_curve(target, prob, n_bins), sk_calibration_curve(target, prob, n_bins=n_bins)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    with pytest.raises(ValueError, match="apply a sigmoid"):
        calibration_curve([0, 1], [-1.0, 2.0])


def test_sensitivity_specificity_by_hand():
    assert sensitivity_specificity(np.array([[50, 5], [2, 18]])) == pytest.approx((18 / 20, 50 / 55))
    with pytest.raises(ValueError, match="2x2"):
        sensitivity_specificity(np.eye(3))
