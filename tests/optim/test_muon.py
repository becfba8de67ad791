"""What only Muon does: its bfloat16 Newton-Schulz iteration, to PyTorch's bits; large matrices
to bfloat16 precision; AdamW alongside on the other parameters; 2-D parameters only. What it
shares with Adafactor (trajectories, state round trips, argument checks) is in
test_per_tensor_optimizers.py."""
from __future__ import annotations

import numpy
import pytest
import torch
from torch.optim import _muon as torch_muon

import rosenblatt as rb
from rosenblatt import optim
from rosenblatt.optim import muon as muon_module

from .test_optimizers import make_pair
from .test_per_tensor_optimizers import DTYPES, assert_close, feed, mlp_pair

COEFFICIENTS = (muon_module.DEFAULT_A, muon_module.DEFAULT_B, muon_module.DEFAULT_C)


# ---------------------------------------------------------------- bfloat16, Newton-Schulz
def test_rounding_to_bfloat16_is_torchs(rng):
    specials = [0.0, -0.0, 1.0, numpy.inf, -numpy.inf, numpy.nan, 3.4e38, -3.4e38, 1e-40, -1e-45,
                1.00390625, 1.01171875, 1.0078125 + 2.0 ** -24, 255.5, 256.5]  # ties, either way
    scaled = (rng.standard_normal(10_000) * 10.0 ** rng.integers(-30, 30, 10_000)).astype(numpy.float32)
    any_bits = rng.integers(0, 2 ** 32, 10_000, dtype=numpy.uint64).astype(numpy.uint32).view(numpy.float32)
    values = numpy.concatenate([numpy.array(specials, dtype=numpy.float32), scaled, any_bits])
    ours = muon_module._round_to_bfloat16(values.copy())
    theirs = torch.tensor(values).bfloat16().float().numpy()
    numpy.testing.assert_array_equal(ours, theirs)  # NaNs in the same places
    numbers = ~numpy.isnan(theirs)  # a NaN's sign differs between PyTorch's own code paths
    assert numpy.array_equal(numpy.signbit(ours[numbers]), numpy.signbit(theirs[numbers]))


@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (20, 30), (6, 6), (1, 5), (5, 1), (2, 2)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_newton_schulz_is_torchs_to_the_bit_on_small_matrices(shape, dtype, rng):
    for _ in range(5):
        g = rng.standard_normal(shape).astype(dtype)
        ours = muon_module._zeropower_via_newtonschulz(g, COEFFICIENTS, 5, 1e-7)
        theirs = torch_muon._zeropower_via_newtonschulz(torch.tensor(g), COEFFICIENTS, 5, 1e-7)
        assert ours.dtype == numpy.float32 and ours.shape == shape
        numpy.testing.assert_array_equal(ours, theirs.float().numpy())


def test_newton_schulz_of_zeros_and_of_a_large_matrix(rng):
    """Zeros stay zeros (the norm floored at eps). On large matrices the float32 sums run in
    another order than PyTorch's, a bfloat16 rounding now and then goes the other way, and the
    iteration spreads it: entries agree to a few bfloat16 steps, and both are orthogonal-ish."""
    zeros = numpy.zeros((4, 6), dtype=numpy.float32)
    numpy.testing.assert_array_equal(muon_module._zeropower_via_newtonschulz(zeros, COEFFICIENTS, 5, 1e-7), zeros)
    g = rng.standard_normal((96, 160)).astype(numpy.float32)
    ours = muon_module._zeropower_via_newtonschulz(g, COEFFICIENTS, 5, 1e-7)
    theirs = torch_muon._zeropower_via_newtonschulz(torch.tensor(g), COEFFICIENTS, 5, 1e-7).float().numpy()
    numpy.testing.assert_allclose(ours, theirs, atol=2e-2)
    assert numpy.mean(ours == theirs) > 0.3
    singular = numpy.linalg.svd(ours.astype(numpy.float64), compute_uv=False)
    assert 0.5 < singular.min() and singular.max() < 1.3


# ------------------------------------------------------------------------- Muon steps
def test_large_matrices_follow_torch_to_bfloat16_precision(rng):
    """The update of a 64 x 96 matrix differs from PyTorch's by a few bfloat16 steps (see
    test_newton_schulz_of_zeros_and_of_a_large_matrix): lr times that, at most."""
    ours, theirs = make_pair(rng, [(64, 96), (96, 64)])
    opt, ref = optim.Muon(ours, lr=0.02), torch.optim.Muon(theirs, lr=0.02)
    for _ in range(5):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs, numpy.float32, dict(rtol=0, atol=5 * 0.02 * 2e-2))


def test_hidden_layer_with_adamw_for_the_rest_fits_like_torch():
    """Muon on the hidden weights, AdamW on biases and the head (PyTorch's recipe), by
    closure and real backward: the losses follow PyTorch's (to bfloat16 precision: a
    parameter's last bits feed the next gradient, which the bfloat16 roundings can amplify)."""
    x, y, ours, theirs = mlp_pair()
    opts = [optim.Muon([ours[0].weight], lr=0.05), optim.AdamW([ours[0].bias, *ours[2].parameters()], lr=0.01)]
    refs = [torch.optim.Muon([theirs[0].weight], lr=0.05),
            torch.optim.AdamW([theirs[0].bias, *theirs[2].parameters()], lr=0.01)]
    losses, ref_losses = [], []
    for _ in range(20):
        for o in opts + refs:
            o.zero_grad()
        loss = ((ours(rb.tensor(x)) - rb.tensor(y)) ** 2).mean()
        ref_loss = ((theirs(torch.tensor(x)) - torch.tensor(y)) ** 2).mean()
        loss.backward()
        ref_loss.backward()
        for o in opts + refs:
            o.step()
        losses.append(float(loss))
        ref_losses.append(ref_loss.item())
    numpy.testing.assert_allclose(losses, ref_losses, rtol=1e-3)
    assert losses[-1] < 0.9 * losses[0]
    assert ours[0].weight.dtype == numpy.float32


@pytest.mark.parametrize("shape", [(3,), (), (2, 3, 4)])
def test_only_2d_parameters(shape):
    message = r"Muon only supports 2D parameters whereas we found a parameter with size: \(.*another optimizer such as AdamW"
    with pytest.raises(ValueError, match=message):
        optim.Muon([rb.ones(3, 3, requires_grad=True), rb.ones(shape, requires_grad=True)])
    with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
        torch.optim.Muon([torch.ones(3, 3, requires_grad=True), torch.ones(shape, requires_grad=True)])
    opt = optim.Muon([rb.ones(3, 3, requires_grad=True)])
    with pytest.raises(ValueError, match=message):  # PyTorch lets it in, and fails at the step
        opt.add_param_group({"params": [rb.ones(shape, requires_grad=True)]})
    assert len(opt.param_groups) == 1

