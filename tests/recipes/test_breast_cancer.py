"""A shortened breast-cancer cross-validation: it must learn (majority class: 62.7%), and write its files."""
from __future__ import annotations

import numpy as np

from rosenblatt.recipes import get
from rosenblatt.recipes.breast_cancer import load_data, stratified_folds, train


def test_folds_partition_the_cases_and_keep_the_class_balance():
    _, labels = load_data()
    assert len(labels) == 569 and labels.sum() == 212              # malignant is class 1
    folds = stratified_folds(labels, 5, seed=0)
    np.testing.assert_array_equal(np.sort(np.concatenate(folds)), np.arange(569))
    for test in folds:
        assert abs(labels[test].mean() - 212 / 569) < 0.01


def test_breast_cancer_learns_and_writes_probabilities_and_plots(tmp_path):
    lines = []
    result = train(epochs=10, out=str(tmp_path), log=lines.append)
    assert "not a medical device" in lines[0] and lines[-1].startswith("mean over folds")
    # the full 30-epoch recipe: ~98% accuracy, ROC AUC ~0.995
    assert result["accuracy"] >= 0.93 and result["roc_auc"] >= 0.97
    assert result["sensitivity"] >= 0.85 and result["specificity"] >= 0.9
    rows = (tmp_path / "predictions.csv").read_text().splitlines()
    assert "not a medical device" in rows[0] and rows[1] == "case,true,probability_malignant,predicted"
    prob = np.array([float(r.split(",")[2]) for r in rows[2:]])
    assert len(prob) == 569 and prob.min() >= 0 and prob.max() <= 1
    for name in ("calibration.png", "confusion_matrix.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert get("breast-cancer") is train
