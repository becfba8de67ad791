"""Adafactor follows PyTorch's steps (factored and not), keeps its dtype, round-trips state and
checks its arguments."""
from __future__ import annotations

import copy
import pickle

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import optim

from .test_optimizers import make_pair

# 2-D and 3-D (factored over the last two dims, a row or column of one too), 1-D and 0-dim
# (a full second moment), and one large enough for OpenBLAS's threads
SHAPES = [(3, 4), (5,), (), (2, 1, 3), (1, 6), (4, 1), (2, 3, 5), (180, 200)]
STEPS = 12
DTYPES = [numpy.float32, numpy.float64]

CASES = [
    dict(),
    dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2)),
    dict(lr=0.2, d=1.5, weight_decay=0.1),  # lr caps rho_t = 1/sqrt(t) only from step 25
    dict(lr=0.02, eps=(None, 0.5), weight_decay=0.3, maximize=True),  # RMS(theta) < eps2
    dict(lr=0.01, beta2_decay=0.0, d=1.0, foreach=True),  # beta2_t = 0: the last G^2 alone
]


def tolerance(dtype):
    return dict(rtol=2e-5, atol=2e-6) if dtype == numpy.float32 else dict(rtol=1e-12, atol=1e-12)


def feed(ours, theirs, rng, skip=(), scale=1.0):
    """The same random gradients on both sides (None for the indices in ``skip``)."""
    for i, (p, q) in enumerate(zip(ours, theirs)):
        if i in skip:
            p.grad, q.grad = None, None
            continue
        g = (scale * rng.standard_normal(p.shape)).astype(p.dtype)
        p.grad, q.grad = rb.tensor(g), torch.tensor(g)


def assert_close(ours, theirs, dtype):
    for p, q in zip(ours, theirs):
        assert p.data.dtype == dtype
        numpy.testing.assert_allclose(p.data, q.detach().numpy(), **tolerance(dtype))


def assert_state_like_torch(opt, ref, ours, theirs, dtype):
    for p, q in zip(ours, theirs):
        assert opt.state[p].keys() == ref.state[q].keys()
        for key, expected in ref.state[q].items():
            value = opt.state[p][key]
            if key == "step":
                assert value == float(expected)
                continue
            assert value.dtype == dtype and value.shape == tuple(expected.shape), key
            numpy.testing.assert_allclose(value.data, expected.numpy(), **tolerance(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", CASES)
def test_matches_torch_trajectory(options, dtype, rng):
    ours, theirs = make_pair(rng, SHAPES, dtype)
    opt, ref = optim.Adafactor(ours, **options), torch.optim.Adafactor(theirs, **options)
    for _ in range(STEPS):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
        assert_close(ours, theirs, dtype)
    assert_state_like_torch(opt, ref, ours, theirs, dtype)


def test_defaults_are_torch():
    w = rb.ones(2, 2, requires_grad=True)
    ref = torch.optim.Adafactor([torch.ones(2, 2, requires_grad=True)]).defaults
    assert optim.Adafactor([w]).defaults == ref


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


def test_params_without_grad_are_skipped(rng):
    """Parameters missing a gradient on some steps end up at different step counts."""
    ours, theirs = make_pair(rng, SHAPES[:5])
    opt, ref = optim.Adafactor(ours, lr=0.05), torch.optim.Adafactor(theirs, lr=0.05)
    for t in range(STEPS):
        feed(ours, theirs, rng, skip={1, 3} if t % 3 else {0, 2})
        opt.step()
        ref.step()
        assert_close(ours, theirs, numpy.float32)
    assert opt.state_dict()["state"].keys() == ref.state_dict()["state"].keys()
    assert [opt.state[p]["step"] for p in ours] == [int(ref.state[q]["step"]) for q in theirs]


def test_param_groups_with_own_options(rng):
    ours, theirs = make_pair(rng, SHAPES[:5])

    def groups(ps):
        return [{"params": ps[:1], "lr": 0.05, "d": 2.0}, {"params": ps[1:3], "weight_decay": 0.1},
                {"params": ps[3:], "maximize": True, "eps": (1e-10, 1e-2)}]

    opt, ref = optim.Adafactor(groups(ours), lr=0.02), torch.optim.Adafactor(groups(theirs), lr=0.02)
    for _ in range(STEPS):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs, numpy.float32)


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


@pytest.mark.parametrize("dtype", DTYPES)
def test_state_dict_round_trip_mid_training(dtype, rng):
    ours, theirs = make_pair(rng, SHAPES[:6], dtype)
    options = dict(lr=0.05, weight_decay=0.1)
    opt, ref = optim.Adafactor(ours, **options), torch.optim.Adafactor(theirs, **options)
    for _ in range(4):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    saved, ref_saved = opt.state_dict(), ref.state_dict()
    assert saved["state"].keys() == ref_saved["state"].keys()
    for i in saved["state"]:
        assert saved["state"][i].keys() == ref_saved["state"][i].keys()
    assert saved["param_groups"] == [{**g, "eps": tuple(g["eps"])} for g in ref_saved["param_groups"]]

    # a fresh optimizer continues identically, from our state dict or from PyTorch's
    copies = [rb.tensor(p.data, requires_grad=True) for p in ours]
    resumed = optim.Adafactor(copies, lr=123.0)
    resumed.load_state_dict(saved)
    from_torch = [rb.tensor(p.data, requires_grad=True) for p in ours]
    converted = optim.Adafactor(from_torch, lr=123.0)
    converted.load_state_dict(ref_saved)
    # and PyTorch continues from ours
    back = [torch.tensor(p.data, requires_grad=True) for p in ours]
    in_torch = torch.optim.Adafactor(back)
    in_torch.load_state_dict({"state": {i: {k: torch.tensor(numpy.asarray(getattr(v, "data", v)))
                                            for k, v in st.items()} for i, st in saved["state"].items()},
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
    assert_close(ours, theirs, dtype)
    assert_close(ours, back, dtype)
    assert_state_like_torch(converted, ref, from_torch, theirs, dtype)


def test_state_dict_is_a_copy(rng):
    ours, theirs = make_pair(rng, [(3, 4)])
    opt = optim.Adafactor(ours)
    feed(ours, theirs, rng)
    opt.step()
    saved = opt.state_dict()
    before = saved["state"][0]["row_var"].data.copy()
    feed(ours, theirs, rng)
    opt.step()
    numpy.testing.assert_array_equal(saved["state"][0]["row_var"].data, before)
    assert saved["state"][0]["step"] == 1 and opt.state[ours[0]]["step"] == 2


def test_load_state_dict_of_another_shape_raises():
    saver, target = rb.ones(3, 4, requires_grad=True), rb.ones(4, 3, requires_grad=True)
    opt = optim.Adafactor([saver])
    saver.grad = rb.ones(3, 4)
    opt.step()
    with pytest.raises(ValueError, match=r"'row_var' of parameter 0 has shape \(3, 1\), .* shape "
                                         r"\(4, 1\) .* of shape \(4, 3\)"):
        optim.Adafactor([target]).load_state_dict(opt.state_dict())


@pytest.mark.parametrize("copy_method", ["deepcopy", "pickle"])
def test_deepcopy_and_pickle_continue_like_the_original(copy_method, rng):
    ours, _ = make_pair(rng, SHAPES[:5])
    opt = optim.Adafactor(ours, lr=0.05)

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
        assert clone.state[c]["step"] == opt.state[p]["step"] == 4


def test_non_contiguous_parameter_is_updated_in_place(rng):
    start = rng.standard_normal((6, 5)).astype(numpy.float32)
    ours = rb.Tensor(numpy.asfortranarray(start), requires_grad=True)
    theirs = torch.tensor(start, requires_grad=True)
    kept = ours.data
    opt, ref = optim.Adafactor([ours], lr=0.1), torch.optim.Adafactor([theirs], lr=0.1)
    for _ in range(3):
        g = rng.standard_normal((6, 5)).astype(numpy.float32)
        ours.grad, theirs.grad = rb.Tensor(numpy.asfortranarray(g)), torch.tensor(g)
        opt.step()
        ref.step()
    assert ours.data is kept
    numpy.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=2e-5, atol=2e-6)


def test_tiny_mlp_with_closures_follows_torch():
    """A 4-8-1 tanh MLP fitted by closures on both sides, real backward."""
    data = numpy.random.default_rng(1)
    x, y = data.standard_normal((32, 4)).astype(numpy.float32), data.standard_normal((32, 1)).astype(numpy.float32)
    ours = rb.nn.Sequential(rb.nn.Linear(4, 8), rb.nn.Tanh(), rb.nn.Linear(8, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        q.data = torch.tensor(p.data)
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


def test_backward_through_a_graph_that_saved_a_stepped_parameter_raises():
    for lib in (rb, torch):
        w = lib.nn.Parameter(lib.ones(2, 3))
        opt = lib.optim.Adafactor([w])
        loss = (w * w).sum()
        loss.backward(retain_graph=True)
        opt.step()
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            loss.backward()


@pytest.mark.parametrize("options,message", [
    (dict(lr=-0.1), r"Adafactor: Learning rate should be >= 0 but is: -0\.1"),
    (dict(beta2_decay=0.5), r"Adafactor: beta2_decay should be <= 0 but is: 0\.5 .*default is -0\.8"),
    (dict(eps=(-1e-3, 1e-3)), r"Adafactor: epsilon1 should be >= 0 but is: -0\.001 \(or None"),
    (dict(eps=(None, -1.0)), r"Adafactor: epsilon2 should be >= 0 but is: -1\.0"),
    (dict(eps=(1e-3,)), r"Adafactor: eps should be a pair .* but is: \(0\.001,\)"),
    (dict(d=0.5), r"Adafactor: Clipping threshold d should be >= 1 but is: 0\.5"),
    (dict(weight_decay=-1e-2), r"Adafactor: weight_decay should be >= 0 but is: -0\.01"),
])
def test_invalid_arguments(options, message):
    w = rb.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match=message):
        optim.Adafactor([w], **options)
    if "eps" not in options or len(options["eps"]) == 2:  # PyTorch raises for the same values
        with pytest.raises(ValueError):
            torch.optim.Adafactor([torch.ones(2, requires_grad=True)], **options)
    with pytest.raises(ValueError, match=message):  # a group's own options are checked too
        optim.Adafactor([{"params": [w], **options}])


def test_complex_parameters_are_refused():
    """PyTorch raises RuntimeError at the first step; here a TypeError at construction."""
    w = rb.tensor(numpy.ones((2,), dtype=numpy.complex64), requires_grad=True)
    with pytest.raises(TypeError, match=r"Adafactor does not support complex parameters, got one of dtype "
                                        r"complex64 and shape \(2,\)"):
        optim.Adafactor([w])
    q = torch.ones((2,), dtype=torch.complex64, requires_grad=True)
    q.grad = torch.ones_like(q)
    with pytest.raises(RuntimeError, match="Adafactor does not support complex parameters"):
        torch.optim.Adafactor([q]).step()
