"""Muon follows PyTorch's steps, its bfloat16 Newton-Schulz iteration included; keeps its dtype,
round-trips state and checks its arguments (2-D parameters only)."""
from __future__ import annotations

import copy
import pickle

import numpy
import pytest
import torch
from torch.optim import _muon as torch_muon

import rosenblatt as rb
from rosenblatt import optim
from rosenblatt.optim import muon as muon_module

from .test_optimizers import make_pair

# wide, tall (orthogonalised through the transpose), square, a row, a column
SHAPES = [(3, 4), (4, 3), (6, 6), (1, 5), (7, 2)]
STEPS = 10
DTYPES = [numpy.float32, numpy.float64]
COEFFICIENTS = (muon_module.DEFAULT_A, muon_module.DEFAULT_B, muon_module.DEFAULT_C)

CASES = [
    dict(),
    dict(lr=0.02, momentum=0.9, nesterov=False),
    dict(lr=0.01, weight_decay=0.0, adjust_lr_fn="match_rms_adamw"),
    dict(lr=0.05, weight_decay=0.3, momentum=0.0, adjust_lr_fn="original"),
    dict(lr=0.02, ns_steps=3, ns_coefficients=(2.0, -1.5, 0.5), eps=1e-3),
]


def tolerance(dtype):
    return dict(rtol=2e-5, atol=2e-6) if dtype == numpy.float32 else dict(rtol=1e-12, atol=1e-12)


def feed(ours, theirs, rng, skip=()):
    for i, (p, q) in enumerate(zip(ours, theirs)):
        if i in skip:
            p.grad, q.grad = None, None
            continue
        g = rng.standard_normal(p.shape).astype(p.dtype)
        p.grad, q.grad = rb.tensor(g), torch.tensor(g)


def assert_close(ours, theirs, dtype, tol=None):
    for p, q in zip(ours, theirs):
        assert p.data.dtype == dtype
        numpy.testing.assert_allclose(p.data, q.detach().numpy(), **(tol or tolerance(dtype)))


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
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", CASES)
def test_matches_torch_trajectory(options, dtype, rng):
    ours, theirs = make_pair(rng, SHAPES, dtype)
    opt, ref = optim.Muon(ours, **options), torch.optim.Muon(theirs, **options)
    for _ in range(STEPS):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
        assert_close(ours, theirs, dtype)
    for p, q in zip(ours, theirs):
        assert opt.state[p].keys() == ref.state[q].keys() == {"momentum_buffer"}
        buf = opt.state[p]["momentum_buffer"]
        assert buf.dtype == dtype
        numpy.testing.assert_allclose(buf.data, ref.state[q]["momentum_buffer"].numpy(), **tolerance(dtype))


def test_defaults_are_torch():
    ref = torch.optim.Muon([torch.ones(2, 2, requires_grad=True)]).defaults
    assert optim.Muon([rb.ones(2, 2, requires_grad=True)]).defaults == ref


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


def test_params_without_grad_are_skipped(rng):
    ours, theirs = make_pair(rng, SHAPES)
    opt, ref = optim.Muon(ours, lr=0.02), torch.optim.Muon(theirs, lr=0.02)
    for t in range(STEPS):
        feed(ours, theirs, rng, skip={1, 3} if t % 3 else {0, 2})
        opt.step()
        ref.step()
        assert_close(ours, theirs, numpy.float32)
    assert opt.state_dict()["state"].keys() == ref.state_dict()["state"].keys()


def test_param_groups_with_own_options(rng):
    ours, theirs = make_pair(rng, SHAPES)

    def groups(ps):
        return [{"params": ps[:1], "lr": 0.05, "nesterov": False},
                {"params": ps[1:3], "weight_decay": 0.0, "adjust_lr_fn": "match_rms_adamw"},
                {"params": ps[3:], "momentum": 0.5, "ns_steps": 2}]

    opt, ref = optim.Muon(groups(ours), lr=0.02), torch.optim.Muon(groups(theirs), lr=0.02)
    for _ in range(STEPS):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs, numpy.float32)


@pytest.mark.parametrize("dtype", DTYPES)
def test_state_dict_round_trip_mid_training(dtype, rng):
    ours, theirs = make_pair(rng, SHAPES, dtype)
    opt, ref = optim.Muon(ours, lr=0.02), torch.optim.Muon(theirs, lr=0.02)
    for _ in range(4):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    saved, ref_saved = opt.state_dict(), ref.state_dict()
    assert saved["state"].keys() == ref_saved["state"].keys()
    for i in saved["state"]:
        assert saved["state"][i].keys() == ref_saved["state"][i].keys() == {"momentum_buffer"}
    assert saved["param_groups"] == ref_saved["param_groups"]

    copies = [rb.tensor(p.data, requires_grad=True) for p in ours]
    resumed = optim.Muon(copies, lr=123.0)
    resumed.load_state_dict(saved)
    from_torch = [rb.tensor(p.data, requires_grad=True) for p in ours]
    converted = optim.Muon(from_torch, lr=123.0)
    converted.load_state_dict(ref_saved)
    back = [torch.tensor(p.data, requires_grad=True) for p in ours]
    in_torch = torch.optim.Muon(back)
    in_torch.load_state_dict({"state": {i: {k: torch.tensor(v.data) for k, v in st.items()}
                                        for i, st in saved["state"].items()},
                              "param_groups": saved["param_groups"]})
    for _ in range(4):
        g = [rng.standard_normal(p.shape).astype(dtype) for p in ours]
        for group in (ours, copies, from_torch):
            for p, gi in zip(group, g):
                p.grad = rb.tensor(gi)
        for group in (theirs, back):
            for p, gi in zip(group, g):
                p.grad = torch.tensor(gi)
        for o in (opt, resumed, converted, ref, in_torch):
            o.step()
    for p, c, f in zip(ours, copies, from_torch):
        numpy.testing.assert_array_equal(c.data, p.data)
        numpy.testing.assert_allclose(f.data, p.data, **tolerance(dtype))
        assert converted.state[f]["momentum_buffer"].dtype == dtype
    assert_close(ours, theirs, dtype)
    assert_close(ours, back, dtype)


def test_load_state_dict_of_another_shape_raises():
    saver, target = rb.ones(3, 4, requires_grad=True), rb.ones(4, 3, requires_grad=True)
    opt = optim.Muon([saver])
    saver.grad = rb.ones(3, 4)
    opt.step()
    with pytest.raises(ValueError, match=r"'momentum_buffer' of parameter 0 has shape \(3, 4\)"):
        optim.Muon([target]).load_state_dict(opt.state_dict())


@pytest.mark.parametrize("copy_method", ["deepcopy", "pickle"])
def test_deepcopy_and_pickle_continue_like_the_original(copy_method, rng):
    ours, _ = make_pair(rng, SHAPES)
    opt = optim.Muon(ours, lr=0.02)

    def feed_both(first, second):
        for p, c in zip(first, second):
            p.grad = rb.tensor(rng.standard_normal(p.shape).astype(numpy.float32))
            c.grad = rb.tensor(p.grad.data.copy())

    for _ in range(2):
        feed_both(ours, ours)
        opt.step()
    clone = copy.deepcopy(opt) if copy_method == "deepcopy" else pickle.loads(pickle.dumps(opt))
    copies = clone.param_groups[0]["params"]
    for _ in range(2):
        feed_both(ours, copies)
        opt.step()
        clone.step()
    for p, c in zip(ours, copies):
        assert c is not p
        numpy.testing.assert_array_equal(c.data, p.data)
        numpy.testing.assert_array_equal(clone.state[c]["momentum_buffer"].data,
                                         opt.state[p]["momentum_buffer"].data)


def test_non_contiguous_parameter_is_updated_in_place(rng):
    start = rng.standard_normal((5, 3)).astype(numpy.float32)
    ours = rb.Tensor(numpy.asfortranarray(start), requires_grad=True)
    theirs = torch.tensor(start, requires_grad=True)
    kept = ours.data
    opt, ref = optim.Muon([ours], lr=0.1), torch.optim.Muon([theirs], lr=0.1)
    for _ in range(3):
        g = rng.standard_normal((5, 3)).astype(numpy.float32)
        ours.grad, theirs.grad = rb.Tensor(numpy.asfortranarray(g)), torch.tensor(g)
        opt.step()
        ref.step()
    assert ours.data is kept
    numpy.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=2e-5, atol=2e-6)


def test_hidden_layer_with_adamw_for_the_rest_fits_like_torch():
    """Muon on the hidden weights, AdamW on biases and the head (PyTorch's recipe), by
    closure and real backward: the losses follow PyTorch's (to bfloat16 precision: a
    parameter's last bits feed the next gradient, which the bfloat16 roundings can amplify)."""
    data = numpy.random.default_rng(1)
    x, y = data.standard_normal((32, 4)).astype(numpy.float32), data.standard_normal((32, 1)).astype(numpy.float32)
    ours = rb.nn.Sequential(rb.nn.Linear(4, 8), rb.nn.Tanh(), rb.nn.Linear(8, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        q.data = torch.tensor(p.data)
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


def test_backward_through_a_graph_that_saved_a_stepped_parameter_raises():
    for lib in (rb, torch):
        w = lib.nn.Parameter(lib.ones(2, 3))
        opt = lib.optim.Muon([w])
        loss = (w * w).sum()
        loss.backward(retain_graph=True)
        opt.step()
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            loss.backward()


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


@pytest.mark.parametrize("options,message", [
    (dict(lr=-0.1), r"Muon: Learning rate should be >= 0 but is: -0\.1"),
    (dict(momentum=-0.5), r"Muon: momentum should be >= 0 but is: -0\.5"),
    (dict(weight_decay=-1.0), r"Muon: weight decay should be >= 0 but is: -1\.0"),
    (dict(adjust_lr_fn="sqrt"), r"Muon: Adjust learning rate function 'sqrt' is not supported; use "),
    (dict(ns_steps=100), r"Muon: Number of steps must be less than 100 .* got ns_steps=100"),
    (dict(ns_coefficients=(1.0, 2.0)), r"Muon: Coefficients must be a tuple of exactly 3 values"),
])
def test_invalid_arguments(options, message):
    w = rb.ones(2, 2, requires_grad=True)
    with pytest.raises(ValueError, match=message):
        optim.Muon([w], **options)
    with pytest.raises(ValueError, match=message):
        optim.Muon([{"params": [w], **options}])
    # PyTorch raises the same ValueError, at construction or (ns_*) at the first step
    q = torch.ones(2, 2, requires_grad=True)
    q.grad = torch.ones(2, 2)
    with pytest.raises(ValueError):
        torch.optim.Muon([q], **options).step()


def test_complex_parameters_are_refused():
    """PyTorch raises RuntimeError at the first step; here a TypeError at construction."""
    w = rb.tensor(numpy.ones((2, 2), dtype=numpy.complex64), requires_grad=True)
    with pytest.raises(TypeError, match=r"Muon does not support complex parameters, got one of dtype "
                                        r"complex64 and shape \(2, 2\)"):
        optim.Muon([w])
    q = torch.ones((2, 2), dtype=torch.complex64, requires_grad=True)
    q.grad = torch.ones_like(q)
    with pytest.raises(RuntimeError, match="Muon does not support complex parameters"):
        torch.optim.Muon([q]).step()
