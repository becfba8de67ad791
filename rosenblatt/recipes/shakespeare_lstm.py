"""Tiny Shakespeare with a character-level LSTM, truncated BPTT and gradient clipping.

Two layers of 256, 3000 steps of 32 streams x 64 characters.  Validation loss
1.534 nats/char over the whole val split (PyTorch's ``nn.LSTM``, same weights,
batches and steps: 1.531; ``benchmarks/reference/char_lstm_torch.py``); target
<= 1.75.  See ``rosenblatt.models.char_lstm`` for the model and every option.

Run: ``rosenblatt train shakespeare-lstm``.
"""
from __future__ import annotations

from typing import Any, Callable

from ..models import char_lstm
from ._language_model import run


def train(batch_size: int | None = None, lr: float | None = None, seed: int | None = None,
          data_dir: str | None = None, log: Callable[[str], Any] = print) -> dict[str, Any]:
    """Train the char-LSTM; returns ``{'val_loss', 'train_loss', 'seconds'}`` (losses in nats/char)."""
    return run(char_lstm.train, batch_size, lr, seed, data_dir, log)
