"""Metrics against hand computation and PyTorch: running sums over batches equal the one-shot value."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import rosenblatt as rb
from rosenblatt.training import RMSE, Accuracy, ConfusionMatrix, TopKAccuracy


def in_batches(metric, output, target, size=7):
    metric.reset()
    for i in range(0, len(target), size):
        metric.update(rb.from_numpy(output[i:i + size]), rb.from_numpy(target[i:i + size]))
    return metric.compute()


def data(n=50, c=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, c)).astype(np.float32), rng.integers(0, c, n)


def test_accuracy_by_hand():
    acc = Accuracy()
    acc.update(rb.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), rb.tensor([1, 1, 1]))
    acc.update(rb.tensor([[5.0, 1.0]]), rb.tensor([0]))
    assert acc.compute() == 3 / 4
    binary = Accuracy()
    binary.update(rb.tensor([[2.0], [-1.0], [0.5]]), rb.tensor([1, 1, 0]))  # logits, threshold 0
    assert binary.compute() == pytest.approx(1 / 3)


def test_accuracy_over_batches():
    out, y = data()
    assert in_batches(Accuracy(), out, y) == pytest.approx(float((out.argmax(1) == y).mean()))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_top_k_against_torch(k):
    out, y = data()
    _, top = torch.from_numpy(out).topk(k, dim=1)
    expected = (top == torch.from_numpy(y)[:, None]).any(1).float().mean().item()
    assert in_batches(TopKAccuracy(k), out, y) == pytest.approx(expected)
    assert TopKAccuracy(k).name == f"top{k}_accuracy"


def test_rmse_by_hand():
    rmse = RMSE()
    rmse.update(rb.tensor([[1.0], [2.0]]), rb.tensor([0.0, 0.0]))   # (N, 1) against (N,)
    rmse.update(rb.tensor([[4.0]]), rb.tensor([2.0]))
    assert rmse.compute() == pytest.approx(np.sqrt((1 + 4 + 4) / 3))


def test_confusion_matrix_against_counting():
    out, y = data(c=4)
    m = in_batches(ConfusionMatrix(4), out, y)
    expected = np.zeros((4, 4), dtype=np.int64)
    for t, p in zip(y, out.argmax(1)):
        expected[t, p] += 1
    np.testing.assert_array_equal(m, expected)
    assert m.sum() == len(y)


def test_metric_errors_and_state_round_trip():
    with pytest.raises(ValueError, match="TopKAccuracy\\(k=5\\).*C >= 5"):
        TopKAccuracy(5).update(rb.zeros(3, 4), rb.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="positive int"):
        TopKAccuracy(0)
    with pytest.raises(ValueError, match="out of range"):
        ConfusionMatrix(2).update(rb.zeros(2, 3), rb.tensor([0, 2]))
    with pytest.raises(ValueError, match="Accuracy: expected output"):
        Accuracy().update(rb.zeros(3), rb.tensor([[0, 1]]))
    out, y = data(c=3)
    a = ConfusionMatrix(3)
    a.update(rb.from_numpy(out[:20]), rb.from_numpy(y[:20]))
    b = ConfusionMatrix(3)
    b.load_state_dict(a.state_dict())
    for m in (a, b):
        m.update(rb.from_numpy(out[20:]), rb.from_numpy(y[20:]))
    np.testing.assert_array_equal(a.compute(), b.compute())
