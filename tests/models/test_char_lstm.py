"""The char-LSTM: same numbers as its PyTorch reference (the model of the full-run comparison), and a short run."""
from __future__ import annotations

import numpy
import torch

import rosenblatt as rb
from benchmarks.reference.char_lstm_torch import TorchCharLSTM
from rosenblatt.models.char_lstm import CharLSTM, CharLSTMConfig, train

F = rb.nn.functional


def test_matches_the_torch_reference_with_a_carried_state():
    config = CharLSTMConfig(vocab_size=11, embed_dim=6, hidden_size=8, num_layers=2)
    model = CharLSTM(config, generator=rb.Generator(0)).double()
    theirs = TorchCharLSTM(config).double()
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    ids = numpy.random.default_rng(0).integers(0, 11, size=(3, 2, 6))  # two windows of (B=3, T=6)
    state = their_state = None
    for window in range(2):  # the second window starts from the first one's detached state
        x, y = ids[:, window, :-1], ids[:, window, 1:]
        logits, state = model(rb.tensor(x), state)
        loss = F.cross_entropy(logits.reshape(-1, 11), rb.tensor(y.reshape(-1)))
        their_logits, their_state = theirs(torch.tensor(x), their_state)
        want = torch.nn.functional.cross_entropy(their_logits.reshape(-1, 11), torch.tensor(y.reshape(-1)))
        state, their_state = tuple(s.detach() for s in state), tuple(s.detach() for s in their_state)
        assert abs(loss.item() - want.item()) < 1e-10
    loss.backward()
    want.backward()
    for name, p in theirs.named_parameters():
        numpy.testing.assert_allclose(dict(model.named_parameters())[name].grad.numpy(), p.grad.numpy(),
                                      rtol=1e-8, atol=1e-10, err_msg=name)


def test_char_lstm_learns_tiny_shakespeare(data_dir):
    """A shortened run: loss falls far below uniform guessing (log 65 = 4.17)."""
    result = train(log=lambda line: None, data_root=str(data_dir), data_limit=60_000, steps=200,
                   embed_dim=16, hidden_size=64, num_layers=1, batch_size=8, seq_len=32,
                   learning_rate=1e-2, eval_interval=100, eval_chars=3_000, sample_chars=40, top_k=5)
    assert result["curve"][0]["val"] > 4.0  # untrained: about uniform
    assert result["val_loss"] < 2.9, result["curve"]
    assert result["losses"][-1] < 2.9
    assert isinstance(result["sample"], str) and len(result["sample"]) == 41  # prompt + 40 sampled
