"""GPT workloads: one training step of the baby char-level GPT, and causal attention forward+backward.

The training step is the full loop body of ``rosenblatt.models.gpt.train`` at batch 32:
forward, cross-entropy, backward, gradient clipping to 1.0 and an AdamW step, the forward and
backward through ``nn.DataParallel`` (one chunk of the batch per core, in threads).  The same
step without it, the whole batch in one thread with OpenBLAS's own threads, is timed beside.  The
PyTorch side is the same architecture written the nanoGPT way (``F.scaled_dot_product_attention``,
tied embeddings, bias-free pre-norm blocks), with rosenblatt's initial weights copied in.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy
import torch

import rosenblatt as rb
from rosenblatt.models.gpt import GPT, GPTConfig
from rosenblatt.nn.functional.attention import scaled_dot_product_attention

from ._peak_memory import peak_bytes_in_child
from .harness import Target, workload

BATCH = 32
TF = torch.nn.functional


class _TorchBlock(torch.nn.Module):
    def __init__(self, c: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(c.n_embd, bias=c.bias)
        self.c_attn = torch.nn.Linear(c.n_embd, 3 * c.n_embd, bias=c.bias)
        self.attn_proj = torch.nn.Linear(c.n_embd, c.n_embd, bias=c.bias)
        self.ln_2 = torch.nn.LayerNorm(c.n_embd, bias=c.bias)
        self.c_fc = torch.nn.Linear(c.n_embd, 4 * c.n_embd, bias=c.bias)
        self.mlp_proj = torch.nn.Linear(4 * c.n_embd, c.n_embd, bias=c.bias)
        self.n_head = c.n_head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        y = TF.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C)
        x = x + self.attn_proj(y)
        return x + self.mlp_proj(TF.gelu(self.c_fc(self.ln_2(x))))


class _TorchGPT(torch.nn.Module):
    def __init__(self, c: GPTConfig) -> None:
        super().__init__()
        self.wte = torch.nn.Embedding(c.vocab_size, c.n_embd)
        self.wpe = torch.nn.Embedding(c.block_size, c.n_embd)
        self.h = torch.nn.ModuleList([_TorchBlock(c) for _ in range(c.n_layer)])
        self.ln_f = torch.nn.LayerNorm(c.n_embd, bias=c.bias)
        self.lm_head = torch.nn.Linear(c.n_embd, c.vocab_size, bias=False)
        self.wte.weight = self.lm_head.weight

    def forward(self, idx: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return TF.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))

    def load_from(self, model: GPT) -> None:
        """Copy rosenblatt's weights (names differ only by nanoGPT's module nesting)."""
        src = {k: torch.from_numpy(v.data.copy()) for k, v in model.state_dict().items()}
        with torch.no_grad():
            self.wte.weight.copy_(src["transformer.wte.weight"])
            self.wpe.weight.copy_(src["transformer.wpe.weight"])
            self.ln_f.weight.copy_(src["transformer.ln_f.weight"])
            for i, b in enumerate(self.h):
                p = f"transformer.h.{i}."
                for mine, theirs in [("ln_1", "ln_1"), ("c_attn", "attn.c_attn"), ("attn_proj", "attn.c_proj"),
                                     ("ln_2", "ln_2"), ("c_fc", "mlp.c_fc"), ("mlp_proj", "mlp.c_proj")]:
                    getattr(b, mine).weight.copy_(src[p + theirs + ".weight"])


def _torch_optimizer(model: torch.nn.Module) -> torch.optim.AdamW:
    params = list(model.parameters())
    return torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
                              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}],
                             lr=1e-3, betas=(0.9, 0.99))


def gpt_step_pair(batch: int = BATCH) -> dict[str, Callable[[], Any]]:
    config = GPTConfig()
    rb.manual_seed(0)
    model = GPT(config)
    tmodel = _TorchGPT(config)
    tmodel.load_from(model)
    opt = model.configure_optimizers(0.1, 1e-3, (0.9, 0.99))
    topt = _torch_optimizer(tmodel)
    rng = numpy.random.default_rng(0)
    data = rng.integers(0, config.vocab_size, size=(batch, config.block_size + 1))
    x, y = rb.Tensor(data[:, :-1].copy()), rb.Tensor(data[:, 1:].copy())
    tx, ty = torch.from_numpy(data[:, :-1].copy()), torch.from_numpy(data[:, 1:].copy())
    parallel = rb.nn.DataParallel(model)  # the batch in one chunk per core, as gpt.train() runs it

    def rb_step(net: Any) -> float:
        _, loss = net(x, y)
        loss = loss.mean()  # DataParallel: one loss per chunk
        opt.zero_grad(set_to_none=True)
        loss.backward()
        rb.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    def torch_step() -> float:
        loss = tmodel(tx, ty)
        topt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(tmodel.parameters(), 1.0)
        topt.step()
        return loss.item()

    return {"rosenblatt": lambda: rb_step(parallel), "torch": torch_step,
            "rosenblatt without DataParallel": lambda: rb_step(model)}


def gpt_step(library: str) -> Callable[[], Any]:
    """One contender's training step (``"rosenblatt"``, ``"torch"``, ...), for a fresh process."""
    return gpt_step_pair()[library]


@workload("gpt_char_train_step_b32", target=Target.ratio_at_most(1.1), per_label="step")
def gpt_char_train_step() -> dict[str, Callable[[], Any]]:
    return gpt_step_pair()


@workload("gpt_char_train_step_b32 peak memory", target=Target.ratio_at_most(1.0), unit="bytes")
def gpt_step_peak_memory() -> dict[str, Callable[[], float]]:
    # each library's step in a fresh process: what one steady-state step adds at its peak
    return {name: peak_bytes_in_child("benchmarks.gpt:gpt_step", name) for name in ("rosenblatt", "torch")}


def gpt_step_arithmetic(batch: int = BATCH) -> Callable[[], None]:
    """The baby GPT step's GEMMs, GELUs and LayerNorms at ``batch``, nothing else.

    The GEMMs as plain NumPy products with OpenBLAS's threads: per block the four linears'
    forward ``x W^T`` and backward ``g^T x``, ``g W`` on all rows, attention's two batched
    products per head and their four backward ones; the tied head's three.  Then the four
    GELUs and nine LayerNorms (forward and backward through rosenblatt's functional ops),
    each half of the rows in one of two threads with one BLAS thread, as ``nn.DataParallel``
    runs them.  Random arrays: the timing, not the values, is the point.
    """
    from rosenblatt._backend import blas_threads
    from rosenblatt._threads import in_threads

    c = GPTConfig()
    rows, width, heads = batch * c.block_size, c.n_embd, c.n_head
    rng = numpy.random.default_rng(0)

    def normal(*shape: int) -> numpy.ndarray:
        return rng.standard_normal(shape).astype(numpy.float32)

    linears = [(normal(rows, n_in), normal(n_out, n_in), normal(rows, n_out))
               for n_in, n_out in ((width, 3 * width), (width, width), (width, 4 * width), (4 * width, width))]
    lm_head = (normal(rows, width), normal(c.vocab_size, width), normal(rows, c.vocab_size))
    per_head = (batch * heads, c.block_size, width // heads)
    q, k, v, dy = (normal(*per_head) for _ in range(4))
    p = normal(batch * heads, c.block_size, c.block_size)
    halves = [(normal(rows // 2, 4 * width), normal(rows // 2, 4 * width), normal(rows // 2, width),
               normal(width), normal(rows // 2, width)) for _ in range(2)]

    def elementwise(h: numpy.ndarray, dh: numpy.ndarray, x: numpy.ndarray, w: numpy.ndarray,
                    dx: numpy.ndarray) -> None:
        for _ in range(c.n_layer):
            rb.nn.functional.gelu(rb.Tensor(h, requires_grad=True)).backward(rb.Tensor(dh))
        for _ in range(2 * c.n_layer + 1):
            out = rb.nn.functional.layer_norm(rb.Tensor(x, requires_grad=True), (width,),
                                              rb.Tensor(w, requires_grad=True))
            out.backward(rb.Tensor(dx))

    def run() -> None:
        for _ in range(c.n_layer):
            for x, w, g in linears:
                x @ w.T, g.T @ x, g @ w
            q @ k.transpose(0, 2, 1), p @ v  # forward; then dp, dv, dq, dk
            dy @ v.transpose(0, 2, 1), p.transpose(0, 2, 1) @ dy, p @ k, p.transpose(0, 2, 1) @ q
        x, w, g = lm_head
        x @ w.T, g.T @ x, g @ w
        with blas_threads(1):
            in_threads(elementwise, halves)

    return run


@workload("GPT step as above, its GEMMs, GELUs and LayerNorms alone (plain NumPy and our kernels)",
          target=Target.ratio_at_most(1.1))
def gpt_step_floor() -> dict[str, Callable[[], Any]]:
    # The floor of the GPT-step row on the machine at hand, against torch's whole step: what is
    # left of the target once these parts have run is all the rest may take.
    return {"rosenblatt": gpt_step_arithmetic(), "torch": gpt_step_pair()["torch"]}


@workload("causal_sdpa_fwd_bwd_32x4x64x32", target=Target.ratio_at_most(1.1))
def causal_sdpa() -> dict[str, Callable[[], Any]]:
    rng = numpy.random.default_rng(0)
    shape = (BATCH, 4, 64, 32)
    arrays = [rng.standard_normal(shape).astype(numpy.float32) for _ in range(4)]
    rq, rk, rv = (rb.Tensor(a, requires_grad=True) for a in arrays[:3])
    tq, tk, tv = (torch.from_numpy(a).requires_grad_() for a in arrays[:3])
    rg, tg = rb.Tensor(arrays[3]), torch.from_numpy(arrays[3])

    def rb_run() -> None:
        rq.grad = rk.grad = rv.grad = None
        scaled_dot_product_attention(rq, rk, rv, is_causal=True).backward(rg)

    def torch_run() -> None:
        tq.grad = tk.grad = tv.grad = None
        TF.scaled_dot_product_attention(tq, tk, tv, is_causal=True).backward(tg)

    return {"rosenblatt": rb_run, "torch": torch_run}

