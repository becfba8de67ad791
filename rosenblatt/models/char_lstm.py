"""Character-level LSTM language model (Karpathy's char-rnn) and its Tiny Shakespeare recipe.

Embedding -> multi-layer LSTM -> Linear over the vocabulary.  Training is
char-rnn's: the training text is cut into ``batch_size`` contiguous streams
and read ``seq_len`` characters at a time; the hidden state is carried from
one batch to the next and detached (truncated backpropagation through time),
so the model sees context longer than one window without backpropagating
through all of it.  Gradients are clipped by global norm.

Run: ``python -m rosenblatt.models.char_lstm`` (the full run: about 14 minutes with one BLAS
thread, 3.7 steps/s).  Measured: validation loss 1.534 nats/char over the whole val split;
``python -m benchmarks.reference.char_lstm_torch``, the same run with ``torch.nn.LSTM``, 1.531.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.models.char_lstm import CharLSTM, CharLSTMConfig
    >>> model = CharLSTM(CharLSTMConfig(vocab_size=10, embed_dim=8, hidden_size=16, num_layers=1))
    >>> logits, state = model(rb.zeros(2, 5, dtype=rb.int64))
    >>> logits.shape, state[0].shape
    ((2, 5, 10), (1, 2, 16))
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt._backend import xp
from rosenblatt.nn.modules.rnn import LSTM
from rosenblatt.models._options import split_options

F = nn.functional
State = tuple[rb.Tensor, rb.Tensor]


@dataclass
class CharLSTMConfig:
    """Model shape; the defaults are a small char-rnn that trains on a CPU in minutes."""

    vocab_size: int = 65  # Tiny Shakespeare's distinct characters
    embed_dim: int = 64  # a character needs few dimensions; the LSTM does the work
    hidden_size: int = 256  # char-rnn's small model; 512 learns more but trains 3-4x slower
    num_layers: int = 2  # the second layer is worth ~0.1 nats/char; more rarely pays on 1 MB of text
    dropout: float = 0.0  # between LSTM layers; this model is too small to overfit 1 MB quickly


@dataclass
class TrainConfig:
    """Training options (all overridable through ``train(**options)``)."""

    steps: int = 3000  # ~6 passes over the training text; about 14 minutes on one core
    batch_size: int = 32  # parallel streams of text
    seq_len: int = 64  # truncated-BPTT window
    learning_rate: float = 2e-3  # Adam at char-rnn's rate
    grad_clip: float = 1.0  # global-norm clip: LSTMs occasionally spike early on
    eval_interval: int = 500
    eval_chars: int = 20_000  # validation characters per estimate during training; the final loss reads all ~111k
    data_root: str | None = None  # None: $ROSENBLATT_DATA, else ~/.cache/rosenblatt
    data_limit: int | None = None  # use only the first N characters of each split (quick runs)
    sample_chars: int = 300
    temperature: float = 0.8  # below 1 sharpens the distribution: fewer misspellings
    top_k: int | None = 10
    seed: int = 0
    log_interval: int = 100


class CharLSTM(nn.Module):
    """Embedding -> LSTM -> Linear: next-character logits for every position.

    Args:
        config: the model shape.
        generator: the ``rosenblatt.Generator`` for the initial weights and dropout.

    Shape: ``idx`` ``(B, T)`` int64 -> logits ``(B, T, vocab_size)``, state ``(h, c)`` each ``(L, B, H)``.
    """

    def __init__(self, config: CharLSTMConfig, generator: rb.Generator | None = None) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed_dim, generator=generator)
        self.lstm = LSTM(config.embed_dim, config.hidden_size, config.num_layers, batch_first=True,
                         dropout=config.dropout, generator=generator)
        self.head = nn.Linear(config.hidden_size, config.vocab_size, generator=generator)

    def forward(self, idx: rb.Tensor, state: State | None = None) -> tuple[rb.Tensor, State]:
        x = self.embed(idx)  # (B, T, E)
        out, state = self.lstm(x, state)  # (B, T, H)
        return self.head(out), state  # (B, T, V)

    @rb.no_grad()
    def generate(self, idx: rb.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, generator: rb.Generator | None = None) -> rb.Tensor:
        """Append ``max_new_tokens`` sampled characters to ``idx`` ``(B, T)``; call ``eval()`` first.

        ``temperature`` divides the logits (below 1: more conservative); ``top_k``
        keeps only the k most likely characters.  The state is carried, so each
        new character costs one LSTM step.
        """
        if temperature <= 0:
            raise ValueError(f"CharLSTM.generate: temperature must be positive, got {temperature}")
        rng = rb.random.numpy_generator(generator)
        logits, state = self(idx)
        out = [idx.data]
        for _ in range(max_new_tokens):
            last = logits.data[:, -1, :].astype(xp.float64) / temperature  # (B, V)
            if top_k is not None:
                kth = xp.sort(last, axis=-1)[:, -min(top_k, last.shape[-1]), None]
                last = xp.where(last < kth, -xp.inf, last)
            probs = xp.exp(last - last.max(axis=-1, keepdims=True))
            probs /= probs.sum(axis=-1, keepdims=True)
            u = rng.random((probs.shape[0], 1))
            nxt = (xp.cumsum(probs, axis=-1) < u).sum(axis=-1, keepdims=True)  # inverse-CDF sampling
            nxt = xp.minimum(nxt, probs.shape[-1] - 1).astype(idx.data.dtype)
            out.append(nxt)
            logits, state = self(rb.Tensor._wrap(nxt), state)
        return rb.Tensor._wrap(xp.concatenate(out, axis=1))


def _streams(data: Any, batch_size: int) -> Any:
    """Cut the ids into ``batch_size`` contiguous rows ``(B, N)``: row b continues across batches."""
    n = len(data) // batch_size
    return data[:n * batch_size].reshape(batch_size, n)


def _detach(state: State) -> State:
    return tuple(s.detach() for s in state)


@rb.no_grad()
def evaluate(model: CharLSTM, data: Any, batch_size: int, seq_len: int) -> float:
    """Mean next-character loss in nats/char over ``data``, read as carried-state streams."""
    was_training = model.training
    model.eval()
    rows = _streams(data, batch_size)
    total, count, state = 0.0, 0, None
    for start in range(0, rows.shape[1] - 1, seq_len):
        stop = min(start + seq_len, rows.shape[1] - 1)
        x, y = rows[:, start:stop], rows[:, start + 1:stop + 1]
        logits, state = model(rb.Tensor._wrap(x), state)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), rb.Tensor._wrap(y.reshape(-1)))
        total += loss.item() * y.size
        count += y.size
    model.train(was_training)
    return total / count


def train(log: Callable[[str], Any] = print, **options: Any) -> dict[str, Any]:
    """Train a char-LSTM on Tiny Shakespeare; returns losses (nats/char), the curve, a sample, the model.

    ``options`` are any ``CharLSTMConfig`` or ``TrainConfig`` field, e.g.
    ``train(steps=300, data_limit=100_000)`` for a quick run.
    """
    model_cfg, cfg = split_options("char_lstm.train()", options, CharLSTMConfig, TrainConfig)
    from rosenblatt.datasets import TinyShakespeare  # only training needs the data

    text = TinyShakespeare(cfg.data_root, split="train")  # train_data: first 90%, val_data: last 10%
    if model_cfg.vocab_size != text.vocab_size:
        raise ValueError(f"char_lstm.train(): vocab_size {model_cfg.vocab_size} does not match the "
                         f"data's {text.vocab_size} characters")
    train_rows = _streams(text.train_data[:cfg.data_limit], cfg.batch_size)  # (B, N)
    val_data = text.val_data[:cfg.data_limit]
    if train_rows.shape[1] <= cfg.seq_len:
        raise ValueError(f"char_lstm.train(): {train_rows.size} training characters give streams of "
                         f"{train_rows.shape[1]}, need more than seq_len={cfg.seq_len}")
    generator = rb.Generator(cfg.seed)
    model = CharLSTM(model_cfg, generator=generator)
    log(f"CharLSTM: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters")
    optimizer = optim.Adam(model.parameters(), lr=cfg.learning_rate)
    params = list(model.parameters())
    curve, losses, state, pos = [], [], None, 0
    start = time.perf_counter()
    for step in range(cfg.steps + 1):
        if step % cfg.eval_interval == 0 or step == cfg.steps:
            val = evaluate(model, val_data if step == cfg.steps else val_data[:cfg.eval_chars],
                           cfg.batch_size, cfg.seq_len)
            recent = sum(losses[-50:]) / len(losses[-50:]) if losses else float("nan")
            curve.append({"step": step, "train": recent, "val": val})
            log(f"step {step}: train loss {recent:.4f}, val loss {val:.4f} nats/char "
                f"({time.perf_counter() - start:.0f} s)")
        if step == cfg.steps:
            break
        if pos + cfg.seq_len + 1 > train_rows.shape[1]:  # end of the streams: start over, fresh state
            pos, state = 0, None
        window = train_rows[:, pos:pos + cfg.seq_len + 1]  # (B, T + 1)
        pos += cfg.seq_len
        x, y = rb.Tensor._wrap(window[:, :-1]), rb.Tensor._wrap(window[:, 1:].reshape(-1))
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.reshape(-1, model_cfg.vocab_size), y)
        state = _detach(state)  # truncated BPTT: keep the values, drop the graph
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip:
            nn.utils.clip_grad_norm_(params, cfg.grad_clip)
        optimizer.step()
        losses.append(loss.item())
        if cfg.log_interval and step % cfg.log_interval == 0:
            log(f"step {step}: loss {losses[-1]:.4f}")
    seconds = time.perf_counter() - start
    model.eval()
    prompt = rb.Tensor._wrap(text.encode("\n")[None])
    sample = text.decode(model.generate(prompt, cfg.sample_chars, cfg.temperature, cfg.top_k,
                                        generator=rb.Generator(cfg.seed))[0])
    log(f"sample:\n{sample}")
    return {"val_loss": curve[-1]["val"], "train_loss": curve[-1]["train"], "curve": curve,
            "losses": losses, "seconds": seconds, "sample": sample, "model": model}


if __name__ == "__main__":
    train()
