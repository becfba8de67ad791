"""nn.utils.weight_norm / remove_weight_norm (the forward pre-hook form) against PyTorch."""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt.nn.utils.weight_norm import remove_weight_norm, weight_norm

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")

LAYERS = {
    "Linear": ((lambda lib: lib.nn.Linear(3, 4)), (2, 3)),
    "Conv2d": ((lambda lib: lib.nn.Conv2d(2, 3, (2, 3))), (2, 2, 5, 6)),
}


def assert_same_state(ours, theirs):
    mine, ref = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(ref)
    for key in ref:
        numpy.testing.assert_allclose(mine[key].data, ref[key].numpy(), rtol=1e-5, atol=1e-6,
                                      err_msg=key)


@pytest.mark.parametrize("kind", ["Linear", "Conv2d"])
@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_matches_torch(kind, dim, rng):
    make, shape = LAYERS[kind]
    ours, theirs = make(rb), make(torch)
    ours.load_state_dict(theirs.state_dict())
    with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
        weight_norm(ours, dim=dim)
    torch.nn.utils.weight_norm(theirs, dim=dim)
    assert_same_state(ours, theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    with torch.no_grad():
        theirs.weight_g.mul_(torch.tensor(rng.uniform(0.5, 2.0, theirs.weight_g.shape),
                                          dtype=torch.float32))
    ours.load_state_dict(theirs.state_dict())
    x, up = rng.standard_normal(shape).astype(numpy.float32), None
    y, ref = ours(rb.tensor(x)), theirs(torch.tensor(x))  # the hook recomputes weight first
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    up = rng.standard_normal(ref.shape).astype(numpy.float32)
    y.backward(rb.tensor(up))
    ref.backward(torch.tensor(up))
    for name in ("weight_g", "weight_v"):
        numpy.testing.assert_allclose(getattr(ours, name).grad.data,
                                      getattr(theirs, name).grad.numpy(), rtol=1e-4, atol=1e-5)
    remove_weight_norm(ours)
    torch.nn.utils.remove_weight_norm(theirs)
    assert isinstance(ours.weight, rb.nn.Parameter)
    assert_same_state(ours, theirs)


def test_weight_norm_errors():
    m = weight_norm(rb.nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
        weight_norm(m)
    with pytest.raises(ValueError, match="weight_norm of 'bias' not found"):
        remove_weight_norm(m, "bias")
