"""nn.utils.spectral_norm / remove_spectral_norm (the forward pre-hook form) against PyTorch."""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt.nn.utils.spectral_norm import remove_spectral_norm, spectral_norm

LAYERS = {
    "Linear": ((lambda lib: lib.nn.Linear(3, 4)), (2, 3)),
    "Conv2d": ((lambda lib: lib.nn.Conv2d(2, 3, (2, 3))), (2, 2, 5, 6)),
    "ConvTranspose2d": ((lambda lib: lib.nn.ConvTranspose2d(2, 3, 2)), (2, 2, 4, 4)),
}


def assert_same_state(ours, theirs):
    mine, ref = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(ref)
    for key in ref:
        numpy.testing.assert_allclose(mine[key].data, ref[key].numpy(), rtol=1e-5, atol=1e-6,
                                      err_msg=key)


@pytest.mark.parametrize("kind", ["Linear", "Conv2d", "ConvTranspose2d"])
@pytest.mark.parametrize("n_power_iterations", [1, 2])
def test_spectral_norm_matches_torch(kind, n_power_iterations, rng):
    make, shape = LAYERS[kind]
    ours, theirs = make(rb), make(torch)
    spectral_norm(ours, n_power_iterations=n_power_iterations)
    torch.nn.utils.spectral_norm(theirs, n_power_iterations=n_power_iterations)
    ours.load_state_dict(theirs.state_dict())  # u and v start random: copy torch's
    assert_same_state(ours, theirs)
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    for training in (True, True, False):
        ours.train(training), theirs.train(training)
        x = rng.standard_normal(shape).astype(numpy.float32)
        y, ref = ours(rb.tensor(x)), theirs(torch.tensor(x))
        numpy.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-5, atol=1e-6)
        assert_same_state(ours, theirs)  # the power iteration updated u, v alike
        up = rng.standard_normal(ref.shape).astype(numpy.float32)
        y.backward(rb.tensor(up))
        ref.backward(torch.tensor(up))
        numpy.testing.assert_allclose(ours.weight_orig.grad.data, theirs.weight_orig.grad.numpy(),
                                      rtol=1e-4, atol=1e-5)
    remove_spectral_norm(ours)
    torch.nn.utils.remove_spectral_norm(theirs)
    assert isinstance(ours.weight, rb.nn.Parameter)
    assert_same_state(ours, theirs)


def test_spectral_norm_errors():
    m = spectral_norm(rb.nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        spectral_norm(m)
    with pytest.raises(ValueError, match="spectral_norm of 'bias' not found"):
        remove_spectral_norm(m, "bias")
    with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
        spectral_norm(rb.nn.Linear(2, 2), n_power_iterations=0)
