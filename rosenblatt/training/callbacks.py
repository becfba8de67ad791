"""Callbacks: code the ``Trainer`` runs at the start and end of training, epochs and batches.

A callback overrides any of the hooks below; ``logs`` is the epoch's row of
the history (``{"epoch": 3, "loss": 0.21, "accuracy": 0.93, "val_loss": ...}``).
State a callback needs after a resume (best value so far, patience used)
goes through ``state_dict``/``load_state_dict`` into the trainer's checkpoint.

Example:
    >>> stop = EarlyStopping(monitor="val_loss", patience=3)
    >>> stop.mode
    'min'
"""
from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .trainer import Trainer


class Callback:
    """Base class with empty hooks; the trainer calls them in list order."""

    def on_train_begin(self, trainer: "Trainer") -> None:
        pass

    def on_epoch_begin(self, trainer: "Trainer", epoch: int) -> None:
        pass

    def on_batch_end(self, trainer: "Trainer", batch: int, loss: float) -> None:
        pass

    def on_epoch_end(self, trainer: "Trainer", epoch: int, logs: dict[str, float]) -> None:
        pass

    def on_train_end(self, trainer: "Trainer") -> None:
        pass

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


def _mode(monitor: str, mode: str, who: str) -> str:
    if mode == "auto":
        return "max" if "acc" in monitor else "min"
    if mode not in ("min", "max"):
        raise ValueError(f"{who}: mode must be 'min', 'max' or 'auto', got {mode!r}")
    return mode


def _monitored(logs: dict[str, float], monitor: str, who: str) -> float:
    if monitor not in logs:
        raise ValueError(f"{who}: monitored value {monitor!r} is not in the epoch logs "
                         f"{sorted(logs)}; pass validation data for 'val_*' keys or monitor one of these")
    return float(logs[monitor])


class _Best:
    """Tracks the best monitored value so far (shared by EarlyStopping and ModelCheckpoint)."""

    def __init__(self, monitor: str, mode: str, min_delta: float, who: str) -> None:
        self.monitor, self.mode, self.min_delta, self.who = monitor, _mode(monitor, mode, who), min_delta, who
        self.best = math.inf if self.mode == "min" else -math.inf

    def improved(self, logs: dict[str, float]) -> bool:
        value = _monitored(logs, self.monitor, self.who)
        better = (value < self.best - self.min_delta if self.mode == "min"
                  else value > self.best + self.min_delta)
        if better:
            self.best = value
        return better


class EarlyStopping(Callback):
    """Stop training once ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: history key to watch. Default ``"val_loss"``.
        patience: epochs without improvement before stopping. Default 5.
        min_delta: smallest change that counts as an improvement. Default 0.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (max for keys containing "acc"). Default "auto".
        restore_best_weights: load the best epoch's weights when stopping. Default False.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = False) -> None:
        self._best = _Best(monitor, mode, min_delta, "EarlyStopping")
        self.monitor, self.mode, self.patience = monitor, self._best.mode, patience
        self.restore_best_weights = restore_best_weights
        self.wait, self.stopped_epoch, self.best_weights = 0, None, None

    @property
    def best(self) -> float:
        return self._best.best

    def on_epoch_end(self, trainer: "Trainer", epoch: int, logs: dict[str, float]) -> None:
        if self._best.improved(logs):
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = {k: v.clone() for k, v in trainer.model.state_dict().items()}
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            trainer.stop_training = True
            trainer.log(f"early stopping: {self.monitor} has not improved on {self.best:.4g} "
                        f"for {self.patience} epochs")
            if self.best_weights is not None:
                trainer.model.load_state_dict(self.best_weights)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "wait": self.wait, "best_weights": self.best_weights}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._best.best, self.wait, self.best_weights = state["best"], state["wait"], state["best_weights"]


class ModelCheckpoint(Callback):
    """Save full training checkpoints: ``last.safetensors`` every epoch, ``best.safetensors`` on improvement.

    Each file is a complete ``Trainer`` checkpoint (model, optimizer, scheduler,
    epoch, random states), written atomically by ``rosenblatt.save`` (no pickle),
    so ``Trainer.fit(..., resume=path)`` continues from either.  The model's
    weights alone are ``rosenblatt.load(path)["model"]``.

    Args:
        directory: folder for the files (created if missing).
        monitor: history key deciding "best". Default ``"val_loss"``.
        mode: ``"min"``, ``"max"`` or ``"auto"``. Default "auto".
        save_best: write ``best.safetensors``. Default True.
        save_last: write ``last.safetensors``. Default True.
    """

    def __init__(self, directory: str | os.PathLike, monitor: str = "val_loss", mode: str = "auto",
                 save_best: bool = True, save_last: bool = True) -> None:
        self.directory = os.fspath(directory)
        self._best = _Best(monitor, mode, 0.0, "ModelCheckpoint")
        self.monitor, self.save_best, self.save_last = monitor, save_best, save_last

    @property
    def best_path(self) -> str:
        return os.path.join(self.directory, "best.safetensors")

    @property
    def last_path(self) -> str:
        return os.path.join(self.directory, "last.safetensors")

    @property
    def best(self) -> float:
        return self._best.best

    def on_epoch_end(self, trainer: "Trainer", epoch: int, logs: dict[str, float]) -> None:
        os.makedirs(self.directory, exist_ok=True)
        # decide first, so the saved files carry this callback's updated best value
        improved = self.save_best and self._best.improved(logs)
        if improved:
            trainer.save_checkpoint(self.best_path)
        if self.save_last:
            trainer.save_checkpoint(self.last_path)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._best.best = state["best"]


class MetricsLogger(Callback):
    """Write the history to ``path`` after every epoch: CSV for ``.csv``, a JSON list for ``.json``.

    The whole file is rewritten each epoch from ``trainer.history``, so a
    resumed run's log holds every epoch exactly once.

    Args:
        path: the log file; its folder is created if missing.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        if not self.path.endswith((".csv", ".json")):
            raise ValueError(f"MetricsLogger: path must end in .csv or .json, got {self.path!r}")

    def on_epoch_end(self, trainer: "Trainer", epoch: int, logs: dict[str, float]) -> None:
        if trainer.rank != 0:  # data-parallel: rank 0 alone writes the log
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", dir=directory)
        with os.fdopen(fd, "w", newline="") as f:
            if self.path.endswith(".json"):
                json.dump(trainer.history, f, indent=1)
            else:
                columns = list(dict.fromkeys(k for row in trainer.history for k in row))
                writer = csv.DictWriter(f, fieldnames=columns)
                writer.writeheader()
                writer.writerows(trainer.history)
        os.replace(tmp, self.path)
