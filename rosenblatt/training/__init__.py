"""Training helpers on top of the manual loop: ``Trainer``/``fit``, metrics, callbacks, progress, plots.

    >>> from rosenblatt.training import Trainer, Accuracy, EarlyStopping, ModelCheckpoint

Plots (``rosenblatt.training.plots``) need matplotlib and are imported on use.
"""
from __future__ import annotations

from .callbacks import Callback, EarlyStopping, MetricsLogger, ModelCheckpoint
from .metrics import RMSE, Accuracy, ConfusionMatrix, Metric, TopKAccuracy
from .progress import ProgressBar
from .trainer import Trainer, fit

__all__ = ["Accuracy", "Callback", "ConfusionMatrix", "EarlyStopping", "Metric", "MetricsLogger",
           "ModelCheckpoint", "ProgressBar", "RMSE", "TopKAccuracy", "Trainer", "fit"]
