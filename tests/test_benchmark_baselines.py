"""The hand-written baselines and floors of make bench compute what they claim to."""
from __future__ import annotations

import numpy
import torch

from benchmarks.gpt import gpt_step_arithmetic
from benchmarks.nn import BATCH, _mnist_shaped, _torch_mlp, numpy_mlp_epoch, numpy_mlp_state
from benchmarks.rnn import lstm_arithmetic


def test_mlp_written_by_hand_in_numpy_trains_as_torch_does():
    # Three steps of the make bench MLP epoch: the by-hand NumPy row times the same training.
    x, y = (a[:3 * BATCH] for a in _mnist_shaped())
    tmodel = _torch_mlp()
    layers, velocities = numpy_mlp_state(tmodel)
    weights = [a for pair in layers for a in pair]  # W1, b1, W2, ...: tmodel.parameters()'s order
    initial = [w.copy() for w in weights]
    numpy_mlp_epoch(layers, velocities, x, y)
    opt = torch.optim.SGD(tmodel.parameters(), lr=0.01, momentum=0.9)
    for i in range(0, len(x), BATCH):
        loss = torch.nn.functional.cross_entropy(tmodel(torch.from_numpy(x[i:i + BATCH])),
                                                 torch.from_numpy(y[i:i + BATCH]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    for mine, theirs in zip(weights, tmodel.parameters()):
        assert mine.dtype == numpy.float32
        numpy.testing.assert_allclose(mine, theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert all(not numpy.array_equal(w, w0) for w, w0 in zip(weights, initial))  # it trained


def test_floor_kernels_run_without_overflow():
    # The LSTM and GPT floor rows time NumPy work on random arrays: values that overflowed to
    # inf or NaN would time something else (and warn on every call).
    with numpy.errstate(over="raise", invalid="raise", divide="raise"):
        lstm = lstm_arithmetic()  # all 64 steps: the backward's state grows or shrinks over them
        lstm()
        lstm()
        gpt_step_arithmetic(batch=2)()
