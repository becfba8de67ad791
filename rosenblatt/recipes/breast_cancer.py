"""Breast-cancer diagnosis from cell-nucleus measurements: an MLP with dropout and weight decay, 5-fold CV.

THIS IS A DEMONSTRATION OF A TRAINING LOOP, NOT A MEDICAL DEVICE.  It is not
validated for clinical use, and its numbers come from 569 cases of one
hospital (Wisconsin, 1995); no diagnosis or treatment should ever rest on it.

Data: the Wisconsin diagnostic breast-cancer set bundled with scikit-learn
(569 fine-needle aspirates, 30 features: mean, standard error and worst value
of ten nucleus measurements; 212 malignant, 357 benign).  Malignant is the
positive class (1).  Stratified 5-fold cross-validation: each fold keeps the
class balance, the standardisation (mean and standard deviation per feature)
is fitted on the training folds only, and a fresh MLP learns each split::

    (N, 30) -Linear-ReLU-Dropout-> (N, 32) -Linear-ReLU-Dropout-> (N, 16) -Linear-> (N, 1) logit

with ``BCEWithLogitsLoss`` and AdamW (decoupled weight decay).  Reported, as
the mean over the five held-out folds: accuracy, ROC AUC, sensitivity (share
of malignant cases found) and specificity (share of benign cases cleared).
Every case gets an out-of-fold probability of malignancy: ``predictions.csv``
lists them, and ``calibration.png`` compares them with observed frequencies.
Target: >= 97% mean accuracy and >= 0.99 ROC AUC.  Measured (defaults, seed 0):
98.07% accuracy, ROC AUC 0.9953, sensitivity 0.967, specificity 0.989, in 16 s
on a loaded 2-core CPU; seeds 1 and 2 gave 97.89% and 97.72% (AUC 0.995, 0.996).

Run: ``rosenblatt train breast-cancer`` (needs scikit-learn: ``pip install scikit-learn``).
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable

import numpy

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt.data import DataLoader, TensorDataset
from rosenblatt.training import Accuracy, ConfusionMatrix, Trainer
from rosenblatt.training.metrics import roc_auc_score, sensitivity_specificity

CLASS_NAMES = ["benign", "malignant"]
DISCLAIMER = "demonstration only, not a medical device: never use it to diagnose anyone"


def load_data() -> tuple[numpy.ndarray, numpy.ndarray]:
    """Features float32 (569, 30) and labels int64 (569,) with malignant = 1 (scikit-learn codes it 0)."""
    try:
        from sklearn.datasets import load_breast_cancer
    except ImportError:
        raise ImportError("breast-cancer needs scikit-learn, which is not installed: pip install scikit-learn") from None
    bunch = load_breast_cancer()
    return bunch.data.astype(numpy.float32), (bunch.target == 0).astype(numpy.int64)


def mlp(hidden: tuple[int, ...], dropout: float) -> nn.Module:
    layers: list[nn.Module] = []
    for width_in, width_out in zip((30,) + hidden, hidden):
        layers += [nn.Linear(width_in, width_out), nn.ReLU(), nn.Dropout(dropout)]
    return nn.Sequential(*layers, nn.Linear(hidden[-1], 1))


def stratified_folds(labels: numpy.ndarray, k: int, seed: int) -> list[numpy.ndarray]:
    """Test indices of ``k`` folds that each hold ~1/k of every class (scikit-learn's ``StratifiedKFold``)."""
    from sklearn.model_selection import StratifiedKFold
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [test for _, test in splitter.split(numpy.zeros(len(labels)), labels)]


# 30 epochs: 100 gain ~0.3% accuracy but push most probabilities to 0 or 1 (out-of-fold log loss 0.093 vs 0.069)
def train(epochs: int = 30, batch_size: int = 32, lr: float = 1e-3, seed: int = 0,
          out: str = os.path.join("runs", "breast-cancer"), folds: int = 5, hidden: tuple[int, ...] = (32, 16),
          dropout: float = 0.2, weight_decay: float = 1e-2, plots: bool = True,
          log: Callable[[str], Any] = print) -> dict[str, Any]:
    """Cross-validate the MLP; returns the mean ``accuracy``, ``roc_auc``, ``sensitivity``, ``specificity``."""
    start = time.perf_counter()
    log(f"breast-cancer: {DISCLAIMER}")
    features, labels = load_data()
    prob = numpy.zeros(len(labels))                 # out-of-fold probability of malignancy per case
    rows, matrix = [], numpy.zeros((2, 2), dtype=numpy.int64)
    for fold, test in enumerate(stratified_folds(labels, folds, seed), 1):
        train_idx = numpy.setdiff1d(numpy.arange(len(labels)), test)
        mean, std = features[train_idx].mean(0), features[train_idx].std(0)   # training fold only

        def tensors(idx: numpy.ndarray) -> TensorDataset:
            return TensorDataset(rb.from_numpy((features[idx] - mean) / std),
                                 rb.from_numpy(labels[idx, None].astype(numpy.float32)))

        rb.manual_seed(seed + fold)
        model = mlp(tuple(hidden), dropout)
        trainer = Trainer(model, optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay),
                          nn.BCEWithLogitsLoss(), progress=False, log=None)
        trainer.fit(DataLoader(tensors(train_idx), batch_size=batch_size, shuffle=True,
                               generator=rb.Generator(seed + fold)), epochs=epochs)
        test_set = tensors(test)
        logits = trainer.predict(DataLoader(test_set, batch_size=len(test)))
        prob[test] = rb.sigmoid(logits).numpy()[:, 0]
        scores = trainer.evaluate(DataLoader(test_set, batch_size=len(test)),
                                  metrics=[Accuracy(), ConfusionMatrix(2)])
        sensitivity, specificity = sensitivity_specificity(scores["confusion_matrix"])
        rows.append({"accuracy": scores["accuracy"], "roc_auc": roc_auc_score(labels[test], prob[test]),
                     "sensitivity": sensitivity, "specificity": specificity})
        matrix += scores["confusion_matrix"]
        log(f"fold {fold}/{folds}: " + "  ".join(f"{k} {v:.4f}" for k, v in rows[-1].items()))
    results: dict[str, Any] = {k: float(numpy.mean([row[k] for row in rows])) for k in rows[0]}
    log("mean over folds: " + "  ".join(f"{k} {v:.4f}" for k, v in results.items()))
    os.makedirs(out, exist_ok=True)
    files = [_write_predictions(os.path.join(out, "predictions.csv"), labels, prob)]
    if plots:
        files += _plots(labels, prob, matrix, out, log)
    results.update(seconds=time.perf_counter() - start, files=files)
    return results


def _write_predictions(path: str, labels: numpy.ndarray, prob: numpy.ndarray) -> str:
    lines = [f"# out-of-fold predictions; {DISCLAIMER}", "case,true,probability_malignant,predicted"]
    lines += [f"{i},{CLASS_NAMES[t]},{p:.4f},{CLASS_NAMES[int(p > 0.5)]}" for i, (t, p) in enumerate(zip(labels, prob))]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _plots(labels: numpy.ndarray, prob: numpy.ndarray, matrix: numpy.ndarray, out: str,
           log: Callable[[str], Any]) -> list[str]:
    try:
        from rosenblatt.training import plots
        return [plots.plot_calibration_curve(labels, prob, os.path.join(out, "calibration.png"),
                                             title="calibration, out-of-fold (malignant = 1)"),
                plots.plot_confusion_matrix(matrix, os.path.join(out, "confusion_matrix.png"),
                                            class_names=CLASS_NAMES, title="all folds")]
    except ImportError as e:
        log(f"plots skipped: {e}")
        return []
