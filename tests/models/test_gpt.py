"""The nanoGPT-style GPT: same numbers as the same model in PyTorch, sampling, optimiser setup, a short run."""
from __future__ import annotations

import math

import numpy
import pytest
import torch

import rosenblatt as rb
from benchmarks.gpt import _TorchGPT, _torch_optimizer
from rosenblatt.models.gpt import GPT, GPTConfig, TrainConfig, get_lr, train

SMALL = GPTConfig(block_size=8, vocab_size=11, n_layer=2, n_head=2, n_embd=16)


def _data(config: GPTConfig, batch: int, seed: int = 0) -> numpy.ndarray:
    return numpy.random.default_rng(seed).integers(0, config.vocab_size, size=(batch, config.block_size + 1))


def test_matches_torch_gpt_loss_and_gradients():
    model = GPT(SMALL).double()
    theirs = _TorchGPT(SMALL).double()
    theirs.load_from(model)
    data = _data(SMALL, 3)
    _, loss = model(rb.tensor(data[:, :-1]), rb.tensor(data[:, 1:]))
    want = theirs(torch.tensor(data[:, :-1]), torch.tensor(data[:, 1:]))
    assert abs(loss.item() - want.item()) < 1e-10
    loss.backward()
    want.backward()
    numpy.testing.assert_allclose(model.lm_head.weight.grad.data, theirs.lm_head.weight.grad.numpy(), atol=1e-10)
    numpy.testing.assert_allclose(model.transformer.wpe.weight.grad.data, theirs.wpe.weight.grad.numpy(), atol=1e-10)
    for i, block in enumerate(theirs.h):
        mine = model.transformer.h[i]
        for a, b in [(mine.attn.c_attn, block.c_attn), (mine.attn.c_proj, block.attn_proj),
                     (mine.mlp.c_fc, block.c_fc), (mine.mlp.c_proj, block.mlp_proj),
                     (mine.ln_1, block.ln_1), (mine.ln_2, block.ln_2)]:
            numpy.testing.assert_allclose(a.weight.grad.data, b.weight.grad.numpy(), atol=1e-10, rtol=1e-8)


def test_training_steps_follow_torch_in_float32():
    """Three full steps (AdamW with decay groups, clipping) stay on PyTorch's trajectory."""
    rb.manual_seed(0)
    model = GPT(SMALL)
    theirs = _TorchGPT(SMALL)
    theirs.load_from(model)
    opt = model.configure_optimizers(0.1, 1e-3, (0.9, 0.99))
    topt = _torch_optimizer(theirs)
    for step in range(3):
        data = _data(SMALL, 4, seed=step)
        _, loss = model(rb.tensor(data[:, :-1]), rb.tensor(data[:, 1:]))
        want = theirs(torch.tensor(data[:, :-1]), torch.tensor(data[:, 1:]))
        assert loss.dtype == numpy.float32
        assert abs(loss.item() - want.item()) < 1e-5
        for o, l in ((opt, loss), (topt, want)):
            o.zero_grad(set_to_none=True)
            l.backward()
        rb.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        torch.nn.utils.clip_grad_norm_(theirs.parameters(), 1.0)
        opt.step()
        topt.step()
    numpy.testing.assert_allclose(model.lm_head.weight.data, theirs.lm_head.weight.detach().numpy(), atol=1e-5)
    assert all(p.dtype == numpy.float32 for p in model.parameters())


def test_structure_tying_init_and_optimizer_groups():
    model = GPT(GPTConfig())
    assert model.transformer.wte.weight is model.lm_head.weight
    params = list(model.parameters())
    assert len(params) == len({id(p) for p in params})
    # nanoGPT reports 0.80M parameters for this config (position embeddings excluded).
    assert model.num_parameters() == 4 * 12 * 128 * 128 + 65 * 128 + (2 * 4 + 1) * 128
    assert 0.015 < float(model.transformer.h[0].mlp.c_fc.weight.data.std()) < 0.025
    assert float(model.transformer.h[0].mlp.c_proj.weight.data.std()) < 0.02 / math.sqrt(8) * 1.2
    opt = model.configure_optimizers(0.1, 1e-3, (0.9, 0.99))
    decay, no_decay = opt.param_groups
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
    assert all(p.ndim == 2 for p in decay["params"]) and len(decay["params"]) == 4 * 4 + 2
    assert all(p.ndim == 1 for p in no_decay["params"]) and len(no_decay["params"]) == 4 * 2 + 1


def test_lr_schedule():
    cfg = TrainConfig()
    assert get_lr(0, cfg) == pytest.approx(1e-3 / 101)
    assert get_lr(99, cfg) == pytest.approx(1e-3 * 100 / 101)
    assert get_lr(100, cfg) == pytest.approx(1e-3)
    assert get_lr(1050, cfg) == pytest.approx((1e-3 + 1e-4) / 2)
    assert get_lr(2000, cfg) == pytest.approx(1e-4)
    assert get_lr(5000, cfg) == 1e-4
    lrs = [get_lr(i, cfg) for i in range(100, 2001)]
    assert all(a >= b for a, b in zip(lrs, lrs[1:]))


def test_generate_shapes_greedy_and_seeding():
    model = GPT(SMALL).eval()
    idx = rb.tensor([[1, 2, 3], [4, 5, 6]])
    out = model.generate(idx, 10, generator=rb.Generator(0))  # longer than block_size: the context is cropped
    assert out.shape == (2, 13) and out.dtype == numpy.int64
    numpy.testing.assert_array_equal(out.data[:, :3], idx.data)
    assert out.data.min() >= 0 and out.data.max() < SMALL.vocab_size
    again = model.generate(idx, 10, generator=rb.Generator(0))
    numpy.testing.assert_array_equal(out.data, again.data)
    greedy = model.generate(idx, 4, top_k=1, generator=rb.Generator(1))
    nucleus = model.generate(idx, 4, top_p=1e-9, generator=rb.Generator(2))
    numpy.testing.assert_array_equal(greedy.data, nucleus.data)
    logits, _ = model(idx)
    numpy.testing.assert_array_equal(greedy.data[:, 3], logits.data[:, -1].argmax(-1))
    with pytest.raises(ValueError, match="temperature"):
        model.generate(idx, 1, temperature=0.0)


def test_bad_input_raises_with_numbers():
    model = GPT(SMALL)
    with pytest.raises(ValueError, match="sequence of length 9, block size is only 8"):
        model(rb.zeros(1, 9, dtype=rb.int64))
    with pytest.raises(ValueError, match=r"n_embd \(30\) must be divisible by n_head \(4\)"):
        GPT(GPTConfig(n_embd=30, n_head=4))
    with pytest.raises(TypeError, match="unknown options"):
        train(n_layers=2)


def test_short_training_run_learns(data_dir):
    """150 iterations of a smaller GPT on a slice: the loss falls far below log(65) (uniform guessing)."""
    lines = []
    result = train(log=lines.append, data_root=str(data_dir), data_limit=50_000, max_iters=150,
                   batch_size=8, block_size=32, n_layer=2, n_embd=64, eval_interval=75, eval_iters=4,
                   warmup_iters=10, lr_decay_iters=150, learning_rate=3e-3, sample_tokens=20)
    assert result["curve"][0]["val"] > 4.0  # starts at chance: log(65) = 4.17
    assert result["val_loss"] < 2.9 < math.log(65)
    assert result["curve"][-1]["iter"] == 150 and len(result["losses"]) == 150
    assert len(result["sample"]) == 21
    assert any(line.startswith("step 150: train loss") for line in lines)
