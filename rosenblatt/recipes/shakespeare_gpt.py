"""Tiny Shakespeare with nanoGPT's "baby GPT" CPU configuration (2000 iterations).

nanoGPT reaches a validation loss of about 1.88 nats/char; see
``rosenblatt.models.gpt`` for the model and every option.

Run: ``rosenblatt train shakespeare-gpt``.
"""
from __future__ import annotations

from typing import Any, Callable

from ..models import gpt
from ._language_model import run


def train(batch_size: int | None = None, lr: float | None = None, seed: int | None = None,
          data_dir: str | None = None, log: Callable[[str], Any] = print) -> dict[str, Any]:
    """Train the GPT; returns ``{'val_loss', 'train_loss', 'seconds'}`` (losses in nats/char)."""
    return run(gpt.train, batch_size, lr, seed, data_dir, log)
