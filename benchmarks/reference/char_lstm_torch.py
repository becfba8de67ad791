"""PyTorch reference for ``rosenblatt train shakespeare-lstm``: the same run with ``torch.nn.LSTM``.

Same model shape (Embedding -> LSTM -> Linear), the same initial weights
(rosenblatt's, copied in), the same data split, the same batches in the same
order (``batch_size`` contiguous streams read ``seq_len`` characters at a time,
the state carried and detached), Adam, global-norm clipping, step count and
evaluation as ``rosenblatt.models.char_lstm.train``.  Only the framework differs,
so the two validation losses are comparable to a few hundredths of a nat.

Run: ``python -m benchmarks.reference.char_lstm_torch [--steps N]`` (any
``CharLSTMConfig``/``TrainConfig`` field as ``--name value``).  Thread counts
follow ``OMP_NUM_THREADS``; give both runs the same.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import fields
from typing import Any

import torch

import rosenblatt as rb
from rosenblatt.datasets import TinyShakespeare
from rosenblatt.models._options import split_options
from rosenblatt.models.char_lstm import CharLSTM, CharLSTMConfig, TrainConfig, _streams


class TorchCharLSTM(torch.nn.Module):
    """``CharLSTM`` in PyTorch, with the same parameter names."""

    def __init__(self, c: CharLSTMConfig) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(c.vocab_size, c.embed_dim)
        self.lstm = torch.nn.LSTM(c.embed_dim, c.hidden_size, c.num_layers, batch_first=True,
                                  dropout=c.dropout)
        self.head = torch.nn.Linear(c.hidden_size, c.vocab_size)

    def forward(self, idx: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        out, state = self.lstm(self.embed(idx), state)
        return self.head(out), state


@torch.no_grad()
def evaluate(model: TorchCharLSTM, data: Any, batch_size: int, seq_len: int) -> float:
    """As ``char_lstm.evaluate``: mean loss in nats/char over carried-state streams of ``data``."""
    model.eval()
    rows = torch.from_numpy(_streams(data, batch_size))
    total, count, state = 0.0, 0, None
    for start in range(0, rows.shape[1] - 1, seq_len):
        stop = min(start + seq_len, rows.shape[1] - 1)
        x, y = rows[:, start:stop], rows[:, start + 1:stop + 1]
        logits, state = model(x, state)
        total += torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                   y.reshape(-1)).item() * y.numel()
        count += y.numel()
    model.train()
    return total / count


def train(log: Any = print, **options: Any) -> dict[str, Any]:
    """The training loop of ``char_lstm.train``, step for step; returns val/train loss and seconds."""
    model_cfg, cfg = split_options("char_lstm_torch.train()", options, CharLSTMConfig, TrainConfig)
    text = TinyShakespeare(cfg.data_root, split="train")
    train_rows = torch.from_numpy(_streams(text.train_data[:cfg.data_limit], cfg.batch_size))
    val_data = text.val_data[:cfg.data_limit]
    model = TorchCharLSTM(model_cfg)
    ours = CharLSTM(model_cfg, generator=rb.Generator(cfg.seed))  # the same initial weights
    model.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    losses, state, pos, val = [], None, 0, float("nan")
    start = time.perf_counter()
    for step in range(cfg.steps + 1):
        if step % cfg.eval_interval == 0 or step == cfg.steps:
            val = evaluate(model, val_data if step == cfg.steps else val_data[:cfg.eval_chars],
                           cfg.batch_size, cfg.seq_len)
            recent = sum(losses[-50:]) / len(losses[-50:]) if losses else float("nan")
            log(f"step {step}: train loss {recent:.4f}, val loss {val:.4f} nats/char "
                f"({time.perf_counter() - start:.0f} s)")
        if step == cfg.steps:
            break
        if pos + cfg.seq_len + 1 > train_rows.shape[1]:
            pos, state = 0, None
        window = train_rows[:, pos:pos + cfg.seq_len + 1]
        pos += cfg.seq_len
        logits, state = model(window[:, :-1], state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, model_cfg.vocab_size),
                                                 window[:, 1:].reshape(-1))
        state = tuple(s.detach() for s in state)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - start
    log(f"torch {torch.__version__}, {torch.get_num_threads()} threads: val loss {val:.4f} nats/char, "
        f"{seconds:.0f} s")
    return {"val_loss": val, "train_loss": recent, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for f in fields(CharLSTMConfig) + fields(TrainConfig):
        kind = next((t for t in (float, int) if t.__name__ in str(f.type)), str)  # "int | None" -> int
        parser.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, type=kind)
    args = {k: v for k, v in vars(parser.parse_args()).items() if v is not None}
    train(**args)


if __name__ == "__main__":
    main()
