"""Spoken digits with the recurrent model: a GRU on MFCC sequences, official split.

See ``rosenblatt.recipes.spoken_digits``.  The model file this writes
(``runs/spoken-digits-gru/model.safetensors``) works with
``rosenblatt transcribe FILE.wav --model runs/spoken-digits-gru/model.safetensors``.

Run: ``rosenblatt train spoken-digits-gru``.
"""
from __future__ import annotations

import os
from typing import Any, Callable

from . import spoken_digits


def train(epochs: int = 12, batch_size: int = 32, lr: float = 3e-3, seed: int = 0, data_dir: str | None = None,
          out: str = os.path.join("runs", "spoken-digits-gru"), limit: int | None = None, plots: bool = True,
          log: Callable[[str], Any] | None = print) -> dict[str, Any]:
    """``spoken_digits.train(model='gru')``; returns ``{'test_accuracy', 'seconds', ...}``."""
    return spoken_digits.train(epochs, batch_size, lr, seed, data_dir, out, model="gru", limit=limit,
                               plots=plots, log=log)
