"""GPT (decoder-only Transformer), nanoGPT-style, and its char-level Tiny Shakespeare recipe.

The model is nanoGPT's ``model.py``: token + position embeddings, pre-norm blocks
of fused causal self-attention and a GELU MLP, a final LayerNorm, and an output
head tied to the token embedding.  ``train()`` is nanoGPT's "baby GPT" CPU run
(``config/train_shakespeare_char.py`` with its CPU overrides), on which nanoGPT
reaches a validation loss of about 1.88 after 2000 iterations.  It runs each batch through
``nn.DataParallel``: one chunk per core, in threads.

Run: ``python -m rosenblatt.models.gpt`` (the full 2000 iterations).

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.models.gpt import GPT, GPTConfig
    >>> model = GPT(GPTConfig(n_layer=1, n_head=2, n_embd=16, block_size=8, vocab_size=10))
    >>> logits, loss = model(rb.zeros(2, 8, dtype=rb.int64), rb.zeros(2, 8, dtype=rb.int64))
    >>> logits.shape
    (2, 8, 10)
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt._backend import xp
from rosenblatt.nn.functional.attention import scaled_dot_product_attention
from rosenblatt.models._options import split_options

F = nn.functional


@dataclass
class GPTConfig:
    """Model shape; defaults are nanoGPT's baby char-level Shakespeare model for a CPU."""

    block_size: int = 64  # context length: 64 characters is enough for words and short phrases
    vocab_size: int = 65  # Tiny Shakespeare's distinct characters
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128  # 4 heads of 32 features
    dropout: float = 0.0  # the CPU run is too short to overfit, so no dropout
    bias: bool = False  # no biases in Linear and LayerNorm: a bit better and faster (nanoGPT)


@dataclass
class TrainConfig:
    """Optimisation; defaults are nanoGPT's ``train_shakespeare_char.py`` with its CPU overrides."""

    batch_size: int = 12
    max_iters: int = 2000
    learning_rate: float = 1e-3  # small model: a large LR is fine
    min_lr: float = 1e-4  # learning_rate / 10, as Chinchilla suggests
    warmup_iters: int = 100
    lr_decay_iters: int = 2000  # = max_iters: decay all the way to min_lr
    beta1: float = 0.9
    beta2: float = 0.99  # few tokens per step, so a shorter second-moment memory
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_interval: int = 250
    eval_iters: int = 20
    log_interval: int = 50
    seed: int = 1337
    data_root: str | None = None  # Tiny Shakespeare's folder (default: $ROSENBLATT_DATA)
    data_limit: int | None = None  # keep only the first characters of each split (quick runs)
    sample_tokens: int = 200


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if config.n_embd % config.n_head:
            raise ValueError(f"CausalSelfAttention: n_embd ({config.n_embd}) must be divisible by "
                             f"n_head ({config.n_head})")
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)  # q, k, v at once
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head, self.n_embd, self.dropout = config.n_head, config.n_embd, config.dropout

    def forward(self, x: rb.Tensor) -> rb.Tensor:
        B, T, C = x.shape
        nh = self.n_head
        qkv = self.c_attn(x).view(B, T, 3, nh, C // nh).permute(2, 0, 3, 1, 4)  # (3, B, nh, T, hs)
        q, k, v = qkv.unbind(0)  # each (B, nh, T, hs)
        y = scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if self.training else 0.0,
                                         is_causal=True)  # (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(B, T, C)  # re-assemble the heads side by side
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: rb.Tensor) -> rb.Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: rb.Tensor) -> rb.Tensor:
        x = x + self.attn(self.ln_1(x))  # pre-norm: the residual stream itself is never normalised
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """A GPT language model; ``forward(idx, targets)`` returns ``(logits, loss)``.

    Shape: ``idx`` and ``targets`` ``(B, T)`` int64 with ``T <= block_size``; logits
    ``(B, T, vocab_size)``, or ``(B, 1, vocab_size)`` (the last position) without targets.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            wpe=nn.Embedding(config.block_size, config.n_embd),
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
            ln_f=nn.LayerNorm(config.n_embd, bias=config.bias),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        # Weight tying (Press & Wolf, 2017): the input and output embeddings are one matrix.
        self.transformer.wte.weight = self.lm_head.weight
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, 0.0, 0.02)
                if getattr(module, "bias", None) is not None:
                    nn.init.zeros_(module.bias)
        # GPT-2: scale the residual projections by 1/sqrt(2 * n_layer), one per residual add.
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * config.n_layer))

    def num_parameters(self, non_embedding: bool = True) -> int:
        """Parameter count; the position embedding is left out by default (as nanoGPT reports)."""
        n = sum(p.numel() for p in self.parameters())
        return n - self.transformer.wpe.weight.numel() if non_embedding else n

    def forward(self, idx: rb.Tensor, targets: rb.Tensor | None = None) -> tuple[rb.Tensor, rb.Tensor | None]:
        B, T = idx.shape
        if T > self.config.block_size:
            raise ValueError(f"GPT: cannot forward sequence of length {T}, block size is only "
                             f"{self.config.block_size}; crop the context to the last "
                             f"{self.config.block_size} tokens")
        tok_emb = self.transformer.wte(idx)  # (B, T, C)
        # Positions 0..T-1 are a slice of the table: its backward is a copy, not a scatter-add.
        pos_emb = self.transformer.wpe.weight[:T]  # (T, C)
        x = self.transformer.drop(tok_emb + pos_emb)
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        if targets is None:
            return self.lm_head(x[:, -1:, :]), None  # (B, 1, V): generation needs only the last step
        logits = self.lm_head(x)  # (B, T, V)
        loss = F.cross_entropy(logits.reshape(B * T, -1), targets.reshape(B * T), ignore_index=-1)
        return logits, loss

    def configure_optimizers(self, weight_decay: float, learning_rate: float,
                             betas: tuple[float, float]) -> optim.AdamW:
        """AdamW where matrices (weights, embeddings) decay and vectors (biases, norms) do not."""
        params = [p for p in self.parameters() if p.requires_grad]
        groups = [{"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
                  {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0}]
        return optim.AdamW(groups, lr=learning_rate, betas=betas)

    @rb.no_grad()
    def generate(self, idx: rb.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None,
                 generator: rb.Generator | None = None) -> rb.Tensor:
        """Append ``max_new_tokens`` sampled tokens to ``idx`` ``(B, T)``; call ``eval()`` first.

        ``top_k`` keeps the k most likely tokens; ``top_p`` the smallest set whose
        probability reaches p (nucleus sampling).
        """
        if temperature <= 0:
            raise ValueError(f"GPT.generate: temperature must be positive, got {temperature}")
        rng = rb.random.numpy_generator(generator)
        out = idx.data
        for _ in range(max_new_tokens):
            context = out[:, -self.config.block_size:]  # crop to the context the model knows
            logits, _ = self(rb.Tensor._wrap(context))
            logits = logits.data[:, -1, :] / temperature  # (B, V)
            if top_k is not None:
                kth = xp.sort(logits, axis=-1)[:, -min(top_k, logits.shape[-1]), None]
                logits = xp.where(logits < kth, -xp.inf, logits)
            probs = F.softmax(rb.Tensor._wrap(logits), dim=-1).data.astype(xp.float64)
            if top_p is not None:
                order = xp.argsort(-probs, axis=-1)
                sorted_p = xp.take_along_axis(probs, order, axis=-1)
                # drop a token once the mass before it already reaches top_p (the first is always kept)
                drop = xp.cumsum(sorted_p, axis=-1) - sorted_p >= top_p
                xp.put_along_axis(probs, order, xp.where(drop, 0.0, sorted_p), axis=-1)
            probs /= probs.sum(axis=-1, keepdims=True)
            u = rng.random((probs.shape[0], 1))
            nxt = (xp.cumsum(probs, axis=-1) < u).sum(axis=-1, keepdims=True)  # inverse-CDF sampling
            nxt = xp.minimum(nxt, probs.shape[-1] - 1).astype(out.dtype)
            out = xp.concatenate([out, nxt], axis=1)
        return rb.Tensor._wrap(out)


def get_lr(it: int, cfg: TrainConfig) -> float:
    """Linear warmup for ``warmup_iters``, then cosine decay to ``min_lr`` at ``lr_decay_iters``."""
    if it < cfg.warmup_iters:
        return cfg.learning_rate * (it + 1) / (cfg.warmup_iters + 1)
    if it > cfg.lr_decay_iters:
        return cfg.min_lr
    ratio = (it - cfg.warmup_iters) / (cfg.lr_decay_iters - cfg.warmup_iters)
    coeff = 0.5 * (1.0 + math.cos(math.pi * ratio))  # 1 -> 0
    return cfg.min_lr + coeff * (cfg.learning_rate - cfg.min_lr)


def _batcher(data: Any, block_size: int, batch_size: int, rng: Any) -> Callable[[], tuple]:
    """Random windows of ``block_size + 1`` characters: input and next-character targets."""
    offsets = xp.arange(block_size + 1)

    def get_batch() -> tuple[rb.Tensor, rb.Tensor]:
        starts = rng.integers(0, len(data) - block_size, size=batch_size)
        windows = data[starts[:, None] + offsets]  # (B, T + 1)
        return rb.Tensor._wrap(windows[:, :-1]), rb.Tensor._wrap(windows[:, 1:])

    return get_batch


@rb.no_grad()
def estimate_loss(model: nn.Module, batches: dict[str, Callable[[], tuple]], eval_iters: int) -> dict[str, float]:
    """Mean loss over ``eval_iters`` random batches of each split, in eval mode (``model``: a GPT,
    or one in ``nn.DataParallel``, whose loss has one value per chunk)."""
    model.eval()
    out = {split: sum(model(*get_batch())[1].mean().item() for _ in range(eval_iters)) / eval_iters
           for split, get_batch in batches.items()}
    model.train()
    return out


def train(log: Callable[[str], Any] = print, **options: Any) -> dict[str, Any]:
    """Train the baby GPT on Tiny Shakespeare; returns losses, the curve, a sample and the model.

    ``options`` are any ``GPTConfig`` or ``TrainConfig`` field, e.g.
    ``train(max_iters=150, data_limit=100_000)`` for a quick run.
    """
    gpt_cfg, cfg = split_options("gpt.train()", options, GPTConfig, TrainConfig)
    from rosenblatt.datasets import TinyShakespeare  # only training needs the data

    text = TinyShakespeare(cfg.data_root, split="train")
    if gpt_cfg.vocab_size != text.vocab_size:
        raise ValueError(f"gpt.train(): vocab_size {gpt_cfg.vocab_size} does not match the data's "
                         f"{text.vocab_size} characters")
    rng = rb.Generator(cfg.seed).numpy
    splits = {"train": text.train_data[:cfg.data_limit], "val": text.val_data[:cfg.data_limit]}
    batches = {s: _batcher(d, gpt_cfg.block_size, cfg.batch_size, rng) for s, d in splits.items()}
    rb.manual_seed(cfg.seed)
    model = GPT(gpt_cfg)
    log(f"GPT: {model.num_parameters() / 1e6:.2f}M parameters")
    # Each batch in one chunk per core, in threads.  Chunks of equal size, so the mean of
    # their losses is the batch's loss.
    parallel = nn.DataParallel(model)
    parallel.device_ids = parallel.device_ids[:math.gcd(cfg.batch_size, len(parallel.device_ids))]
    optimizer = model.configure_optimizers(cfg.weight_decay, cfg.learning_rate, (cfg.beta1, cfg.beta2))
    curve, losses = [], []
    start = time.perf_counter()
    for it in range(cfg.max_iters + 1):
        if it % cfg.eval_interval == 0 or it == cfg.max_iters:
            est = estimate_loss(parallel, batches, cfg.eval_iters)
            curve.append({"iter": it, **est})
            log(f"step {it}: train loss {est['train']:.4f}, val loss {est['val']:.4f} "
                f"({time.perf_counter() - start:.0f} s)")
        if it == cfg.max_iters:
            break
        lr = get_lr(it, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = batches["train"]()
        _, loss = parallel(x, y)
        loss = loss.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip:
            nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        losses.append(loss.item())
        if cfg.log_interval and it % cfg.log_interval == 0:
            log(f"iter {it}: loss {losses[-1]:.4f}, lr {lr:.2e}")
    seconds = time.perf_counter() - start
    model.eval()
    start_ids = rb.Tensor._wrap(text.encode("\n")[None])
    sample = text.decode(model.generate(start_ids, cfg.sample_tokens, top_k=None,
                                        generator=rb.Generator(cfg.seed))[0])
    log(f"sample:\n{sample}")
    return {"val_loss": curve[-1]["val"], "train_loss": curve[-1]["train"], "curve": curve,
            "losses": losses, "seconds": seconds, "sample": sample, "model": model}


if __name__ == "__main__":
    train()
