"""Training helpers on top of the manual loop: ``Trainer``/``fit``, metrics, callbacks, progress, plots.

    >>> from rosenblatt.training import Trainer, Accuracy, EarlyStopping, ModelCheckpoint

Plots (``rosenblatt.training.plots``) need matplotlib and are imported on use.
"""
from __future__ import annotations

from .callbacks import Callback, EarlyStopping, MetricsLogger, ModelCheckpoint
from .metrics import (MAE, NDCG, RMSE, Accuracy, ConfusionMatrix, HitRate, Metric, TopKAccuracy,
                      calibration_curve, roc_auc_score, sensitivity_specificity)
from .progress import ProgressBar
from .trainer import Trainer, fit

__all__ = ["Accuracy", "Callback", "ConfusionMatrix", "EarlyStopping", "HitRate", "MAE", "Metric",
           "MetricsLogger", "ModelCheckpoint", "NDCG", "ProgressBar", "RMSE", "TopKAccuracy", "Trainer",
           "calibration_curve", "fit", "roc_auc_score", "sensitivity_specificity"]
