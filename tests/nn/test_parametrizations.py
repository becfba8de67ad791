"""nn.utils.parametrizations against PyTorch: weight_norm, spectral_norm, orthogonal."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.nn.utils.parametrizations as TPZ
import torch.nn.utils.parametrize as TP

import rosenblatt as rb
from rosenblatt.nn.utils import parametrize as P
from rosenblatt.nn.utils.parametrizations import orthogonal, spectral_norm, weight_norm

LAYERS = {
    "Linear": (lambda lib: lib.nn.Linear(3, 4)),
    "Conv1d": (lambda lib: lib.nn.Conv1d(2, 3, 2)),
    "Conv2d": (lambda lib: lib.nn.Conv2d(2, 3, (2, 3))),
    "ConvTranspose2d": (lambda lib: lib.nn.ConvTranspose2d(2, 3, 2)),
}


def layer_pair(kind, dtype=torch.float32):
    ours, theirs = LAYERS[kind](rb), LAYERS[kind](torch).to(dtype)
    ours.to(numpy.dtype(str(dtype).removeprefix("torch.")))
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def assert_same_state(ours, theirs, rtol=1e-5):
    mine, ref = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(ref)
    for key in ref:
        assert str(mine[key].dtype) == str(ref[key].dtype).removeprefix("torch."), key
        numpy.testing.assert_allclose(mine[key].data, ref[key].numpy(), rtol=rtol, atol=1e-6,
                                      err_msg=key)


def check_weight_and_grads(ours, theirs, rng, name="weight"):
    """The parametrized tensor and the gradients of what it is computed from, under a random upstream."""
    w, ref = getattr(ours, name), getattr(theirs, name)
    assert w.dtype == ref.numpy(force=True).dtype
    numpy.testing.assert_allclose(w.data, ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    up = rng.standard_normal(ref.shape)
    (w * rb.tensor(up.astype(w.dtype))).sum().backward()
    (ref * torch.tensor(up, dtype=ref.dtype)).sum().backward()
    for (key, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        if q.grad is not None:
            numpy.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-4, atol=1e-5,
                                          err_msg=key)


@pytest.mark.parametrize("kind", ["Linear", "Conv1d", "Conv2d"])
@pytest.mark.parametrize("dim", [0, 1, None, -1, -2])
def test_weight_norm_matches_torch(kind, dim, rng):
    ours, theirs = layer_pair(kind)
    weight_norm(ours, dim=dim)
    TPZ.weight_norm(theirs, dim=dim)
    assert type(ours).__name__ == type(theirs).__name__
    assert_same_state(ours, theirs)
    with torch.no_grad():  # move g and v away from their registration values
        for p in theirs.parametrizations.weight.parameters():
            p.mul_(torch.tensor(rng.uniform(0.5, 2.0, p.shape), dtype=p.dtype))
    ours.load_state_dict(theirs.state_dict())
    check_weight_and_grads(ours, theirs, rng)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_weight_norm_on_a_recurrent_layer_matches_torch(kind, rng):
    """The fused recurrent layers read their weights by attribute, so a parametrized
    ``weight_hh_l1`` (or ``weight_ih_l0_reverse``) is the one they run with."""
    theirs = getattr(torch.nn, kind)(4, 5, num_layers=2, bidirectional=True)
    ours = getattr(rb.nn, kind)(4, 5, num_layers=2, bidirectional=True)
    ours.load_state_dict(theirs.state_dict())
    for name in ("weight_hh_l1", "weight_ih_l0_reverse"):
        TPZ.weight_norm(theirs, name)
        weight_norm(ours, name)
    assert_same_state(ours, theirs)
    x = rng.standard_normal((3, 2, 4)).astype(numpy.float32)
    up = rng.standard_normal((3, 2, 10)).astype(numpy.float32)
    out, ref = ours(rb.tensor(x))[0], theirs(torch.tensor(x))[0]
    numpy.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    (out * rb.tensor(up)).sum().backward()
    (ref * torch.tensor(up)).sum().backward()
    for (key, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        numpy.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=key)


def test_weight_norm_float64_and_forward(rng):
    ours, theirs = layer_pair("Conv1d", torch.float64)
    weight_norm(ours)
    TPZ.weight_norm(theirs)
    assert_same_state(ours, theirs)
    x = rng.standard_normal((2, 2, 5))
    y, ref = ours(rb.tensor(x)), theirs(torch.tensor(x))
    assert y.dtype == numpy.float64
    numpy.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-10)


def test_weight_norm_remove_and_assign(rng):
    ours, theirs = layer_pair("Conv2d")
    weight_norm(ours)
    TPZ.weight_norm(theirs)
    value = rng.standard_normal(tuple(theirs.weight.shape)).astype(numpy.float32)
    ours.weight = rb.tensor(value)
    theirs.weight = torch.tensor(value)
    assert_same_state(ours, theirs)
    P.remove_parametrizations(ours, "weight")
    TP.remove_parametrizations(theirs, "weight")
    assert type(ours) is rb.nn.Conv2d
    assert_same_state(ours, theirs)


@pytest.mark.parametrize("kind", ["Linear", "Conv1d", "Conv2d", "ConvTranspose2d"])
@pytest.mark.parametrize("n_power_iterations", [1, 3])
def test_spectral_norm_matches_torch(kind, n_power_iterations, rng):
    ours, theirs = layer_pair(kind)
    spectral_norm(ours, n_power_iterations=n_power_iterations)
    TPZ.spectral_norm(theirs, n_power_iterations=n_power_iterations)
    assert type(ours).__name__ == type(theirs).__name__
    ours.load_state_dict(theirs.state_dict())  # u and v start random: copy torch's
    assert_same_state(ours, theirs)
    for _ in range(2):  # training-mode reads run the power iteration
        numpy.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy(),
                                      rtol=1e-5, atol=1e-6)
        assert_same_state(ours, theirs)
    check_weight_and_grads(ours, theirs, rng)
    assert_same_state(ours, theirs)
    ours.eval(), theirs.eval()
    u = ours.parametrizations.weight[0]._u.data.copy()
    check_weight_and_grads(ours, theirs, rng)
    numpy.testing.assert_array_equal(ours.parametrizations.weight[0]._u.data, u)  # eval: no update
    assert_same_state(ours, theirs)


def test_spectral_norm_estimates_the_top_singular_value():
    rb.manual_seed(0)
    m = spectral_norm(rb.nn.Linear(6, 5))
    for _ in range(20):
        w = m.weight
    assert w.dtype == numpy.float32
    numpy.testing.assert_allclose(numpy.linalg.svd(w.data, compute_uv=False)[0], 1.0, rtol=1e-4)


def test_spectral_norm_dim_and_vector(rng):
    ours, theirs = layer_pair("Conv2d")
    spectral_norm(ours, dim=-1)
    TPZ.spectral_norm(theirs, dim=-1)
    ours.load_state_dict(theirs.state_dict())
    check_weight_and_grads(ours, theirs, rng)
    spectral_norm(ours, "bias")
    TPZ.spectral_norm(theirs, "bias")
    assert_same_state(ours, theirs)
    check_weight_and_grads(ours, theirs, rng, name="bias")


def test_spectral_norm_errors():
    with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
        spectral_norm(rb.nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        spectral_norm(rb.nn.Linear(2, 2), dim=2)
    with pytest.raises(ValueError, match="has no parameter or buffer with name 'foo'"):
        spectral_norm(rb.nn.Linear(2, 2), "foo")
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized"):
        weight_norm(rb.nn.Linear(2, 2), "foo")


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_orthogonal_matches_torch(shape, orthogonal_map, use_trivialization, rng):
    ours, theirs = rb.nn.Linear(shape[1], shape[0]), torch.nn.Linear(shape[1], shape[0])
    ours.load_state_dict(theirs.state_dict())
    orthogonal(ours, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    TPZ.orthogonal(theirs, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    assert type(ours).__name__ == type(theirs).__name__
    if shape[0] == shape[1] or not use_trivialization:  # else base completes Q at random
        assert_same_state(ours, theirs)
    with torch.no_grad():  # move X away from its registration value, then copy torch's state in
        X = theirs.parametrizations.weight.original
        X.add_(torch.tensor(0.3 * rng.standard_normal(X.shape), dtype=X.dtype))
    ours.load_state_dict(theirs.state_dict())
    Q = ours.weight.data.astype(numpy.float64)
    small = min(shape)
    gram = Q.T @ Q if shape[0] >= shape[1] else Q @ Q.T
    if orthogonal_map != "householder":  # householder multiplies by int(diag(X)), as torch
        numpy.testing.assert_allclose(gram, numpy.eye(small), atol=1e-5)
    check_weight_and_grads(ours, theirs, rng)


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
def test_orthogonal_batched_float64(orthogonal_map, rng):
    value = rng.standard_normal((2, 4, 3))
    ours, theirs = rb.nn.Module(), torch.nn.Module()
    ours.register_parameter("weight", rb.nn.Parameter(rb.tensor(value)))
    theirs.register_parameter("weight", torch.nn.Parameter(torch.tensor(value)))
    orthogonal(ours, orthogonal_map=orthogonal_map, use_trivialization=False)
    TPZ.orthogonal(theirs, orthogonal_map=orthogonal_map, use_trivialization=False)
    assert ours.weight.dtype == numpy.float64
    numpy.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy(), atol=1e-12)
    check_weight_and_grads(ours, theirs, rng)


def test_orthogonal_assignment_and_errors(rng):
    ours, theirs = rb.nn.Linear(3, 3), torch.nn.Linear(3, 3)
    ours.load_state_dict(theirs.state_dict())
    orthogonal(ours)
    TPZ.orthogonal(theirs)
    value = rng.standard_normal((3, 3)).astype(numpy.float32)
    ours.weight = rb.tensor(value)
    theirs.weight = torch.tensor(value)
    assert_same_state(ours, theirs)
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices of shape"):
        ours.weight = rb.ones(2, 3)
    with pytest.raises(ValueError, match="Got a tensor of 1 dimensions"):
        orthogonal(rb.nn.Linear(2, 2), "bias")
    with pytest.raises(ValueError, match='orthogonal_map has to be one of "matrix_exp"'):
        orthogonal(rb.nn.Linear(2, 2), orthogonal_map="qr")
