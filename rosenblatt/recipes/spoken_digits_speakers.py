"""Spoken digits, leave one speaker out: train on five voices, test on the sixth, six times.

See ``rosenblatt.recipes.spoken_digits``.  The result's ``test_accuracy`` is the mean
over the six held-out speakers, ``speaker_accuracy`` each one's.

Run: ``rosenblatt train spoken-digits-speakers``.
"""
from __future__ import annotations

import os
from typing import Any, Callable

from . import spoken_digits


def train(epochs: int = 12, batch_size: int = 32, lr: float = 3e-3, seed: int = 0, data_dir: str | None = None,
          out: str = os.path.join("runs", "spoken-digits-speakers"), model: str = "cnn", plots: bool = True,
          log: Callable[[str], Any] | None = print) -> dict[str, Any]:
    """``spoken_digits.train(evaluate='speakers')``; returns ``{'test_accuracy', 'speaker_accuracy', ...}``."""
    return spoken_digits.train(epochs, batch_size, lr, seed, data_dir, out, model=model, evaluate="speakers",
                               plots=plots, log=log)
