"""What only Adafactor does: its relative step capped by lr, tiny and huge gradients, eps1 taken
from a group's first parameter, and a small MLP fitted by closures. What it shares with Muon
(trajectories, state round trips, argument checks) is in test_per_tensor_optimizers.py."""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import optim

from .test_optimizers import make_pair
from .test_per_tensor_optimizers import assert_close, feed, mlp_pair, tolerance


def test_lr_caps_the_relative_step_after_many_steps(rng):
    """rho_t = min(lr, 1/sqrt(t)): with lr=0.2 the cap takes over at step 26."""
    ours, theirs = make_pair(rng, [(3, 4), (5,)])
    opt, ref = optim.Adafactor(ours, lr=0.2), torch.optim.Adafactor(theirs, lr=0.2)
    for _ in range(30):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs, numpy.float32)


def test_small_gradients_are_clipped_like_torch(rng):
    """Gradients far below eps1 (the estimate clamped) and huge ones (the update clipped by d)."""
    ours, theirs = make_pair(rng, [(3, 4), (6,)])
    opt, ref = optim.Adafactor(ours, lr=0.1), torch.optim.Adafactor(theirs, lr=0.1)
    for scale in (1e-12, 1e6, 0.0, 1e-3):
        feed(ours, theirs, rng, scale=scale)
        opt.step()
        ref.step()
        assert_close(ours, theirs, numpy.float32)
        assert numpy.isfinite(ours[0].data).all()


def test_float64_first_sets_eps1_of_the_group_as_torch(rng):
    """eps1=None takes the machine epsilon of the group's first parameter (with a gradient),
    for all the group's parameters: PyTorch's, kept. A float32 after a float64 uses 2.2e-16."""
    start = [rng.standard_normal((3, 4)), rng.standard_normal((3, 4)).astype(numpy.float32)]
    ours = [rb.tensor(a, requires_grad=True) for a in start]
    theirs = [torch.tensor(a, requires_grad=True) for a in start]
    opt, ref = optim.Adafactor(ours), torch.optim.Adafactor(theirs)
    for t in range(4):
        feed(ours, theirs, rng, scale=1e-5)  # small: the estimate meets eps1
        opt.step()
        ref.step()
        for p, q in zip(ours, theirs):
            numpy.testing.assert_allclose(p.data, q.detach().numpy(), **tolerance(p.dtype))
    assert ours[0].dtype == numpy.float64 and ours[1].dtype == numpy.float32
    assert opt.state[ours[1]]["row_var"].dtype == numpy.float32


def test_tiny_mlp_with_closures_follows_torch():
    """A 4-8-1 tanh MLP fitted by closures on both sides, real backward."""
    x, y, ours, theirs = mlp_pair()
    opt = optim.Adafactor(ours.parameters(), lr=0.05, weight_decay=0.01)
    ref = torch.optim.Adafactor(theirs.parameters(), lr=0.05, weight_decay=0.01)

    def closure():
        opt.zero_grad()
        loss = ((ours(rb.tensor(x)) - rb.tensor(y)) ** 2).mean()
        loss.backward()
        return loss

    def ref_closure():
        ref.zero_grad()
        loss = ((theirs(torch.tensor(x)) - torch.tensor(y)) ** 2).mean()
        loss.backward()
        return loss

    losses = []
    for _ in range(20):
        loss, ref_loss = opt.step(closure), ref.step(ref_closure)
        assert float(loss) == pytest.approx(ref_loss.item(), rel=1e-4)
        losses.append(float(loss))
    assert losses[-1] < losses[0]
    for p, q in zip(ours.parameters(), theirs.parameters()):
        numpy.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-4, atol=1e-5)
        assert p.dtype == numpy.float32
