"""Plots are written as valid PNG files (matplotlib is a test requirement)."""
from __future__ import annotations

import numpy as np
import pytest

from rosenblatt.training import plots

PNG = b"\x89PNG\r\n\x1a\n"


def is_png(path):
    data = open(path, "rb").read()
    return data[:8] == PNG and len(data) > 1000


def test_history_plot(tmp_path):
    history = [{"epoch": e, "loss": 1 / e, "accuracy": 1 - 1 / (e + 1), "val_loss": 1.2 / e,
                "val_accuracy": 0.9 - 1 / (e + 2), "lr": 0.1, "seconds": 1.0} for e in range(1, 6)]
    assert is_png(plots.plot_history(history, tmp_path / "sub" / "curves.png"))
    with pytest.raises(ValueError, match="empty"):
        plots.plot_history([], tmp_path / "x.png")


def test_confusion_matrix_plot(tmp_path):
    m = np.diag([5, 6, 7]) + 1
    assert is_png(plots.plot_confusion_matrix(m, tmp_path / "cm.png", class_names=["a", "b", "c"]))
    with pytest.raises(ValueError, match="square"):
        plots.plot_confusion_matrix(np.zeros((2, 3)), tmp_path / "bad.png")


def test_predictions_plot(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.random((12, 1, 8, 8)).astype(np.float32)
    targets, preds = rng.integers(0, 10, 12), rng.integers(0, 10, 12)
    assert is_png(plots.plot_predictions(images, targets, preds, tmp_path / "p.png", count=10, columns=5))
    with pytest.raises(ValueError, match="images"):
        plots.plot_predictions(np.zeros((2, 3)), [0, 1], [0, 1], tmp_path / "bad.png")


def test_plotting_leaves_the_pyplot_backend_alone(tmp_path):
    import matplotlib
    before = matplotlib.get_backend()
    plots.plot_confusion_matrix(np.eye(2), tmp_path / "cm.png")
    assert matplotlib.get_backend() == before
