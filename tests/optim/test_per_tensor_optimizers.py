"""What Adafactor and Muon (both ``PerTensorOptimizer``s) share: each follows PyTorch's steps,
keeps its dtype, skips parameters without a gradient, round-trips its state (state dicts, deepcopy,
pickle), updates a non-contiguous parameter in place, and checks its arguments.

Each optimizer is described once, in a ``Spec``, with its own shapes and options; what is
specific to one of them stays in ``test_adafactor.py`` or ``test_muon.py``, which take the
helpers below from here."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import optim

from .test_optimizers import assert_copy_continues_like_the_original, make_pair

DTYPES = [numpy.float32, numpy.float64]


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


def assert_close(ours, theirs, dtype, tol=None):
    for p, q in zip(ours, theirs):
        assert p.data.dtype == dtype
        numpy.testing.assert_allclose(p.data, q.detach().numpy(), **(tol or tolerance(dtype)))


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


def mlp_pair():
    """Data for a 4-8-1 tanh MLP, and the MLP on both sides with the same weights."""
    data = numpy.random.default_rng(1)
    x, y = data.standard_normal((32, 4)).astype(numpy.float32), data.standard_normal((32, 1)).astype(numpy.float32)
    ours = rb.nn.Sequential(rb.nn.Linear(4, 8), rb.nn.Tanh(), rb.nn.Linear(8, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        q.data = torch.tensor(p.data)
    return x, y, ours, theirs


@dataclass(frozen=True)
class Spec:
    """One optimizer, as the shared tests take it."""
    name: str
    shapes: list[tuple[int, ...]]  # the trajectory's parameters
    few: list[tuple[int, ...]]  # the other tests' (fewer, smaller)
    steps: int
    cases: list[dict[str, Any]]  # options of the trajectories
    options: dict[str, Any]  # options of the other tests
    groups: Callable[[list], list[dict[str, Any]]]  # param groups with options of their own
    state_keys: set[str] | None  # every parameter's state keys, where the same for all
    counts_steps: bool  # whether a parameter's state keeps its step count
    matrix: tuple[int, int]  # the non-contiguous parameter's shape
    complex_shape: tuple[int, ...]  # the refused complex parameter's
    shape_error: str  # loading a state dict of another shape
    # options, message, and where PyTorch raises a ValueError too: "init" (constructing the
    # optimizer), "step" (constructing it or at its first step), or None
    invalid: list[tuple[dict[str, Any], str, str | None]]

    def pair(self, ours, theirs, **options):
        return getattr(optim, self.name)(ours, **options), getattr(torch.optim, self.name)(theirs, **options)


ADAFACTOR = Spec(
    name="Adafactor",
    # 2-D and 3-D (factored over the last two dims, a row or column of one too), 1-D and 0-dim
    # (a full second moment), and one large enough for OpenBLAS's threads
    shapes=[(3, 4), (5,), (), (2, 1, 3), (1, 6), (4, 1), (2, 3, 5), (180, 200)],
    few=[(3, 4), (5,), (), (2, 1, 3), (1, 6), (4, 1)],
    steps=12,
    cases=[
        dict(),
        dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2)),
        dict(lr=0.2, d=1.5, weight_decay=0.1),  # lr caps rho_t = 1/sqrt(t) only from step 25
        dict(lr=0.02, eps=(None, 0.5), weight_decay=0.3, maximize=True),  # RMS(theta) < eps2
        dict(lr=0.01, beta2_decay=0.0, d=1.0, foreach=True),  # beta2_t = 0: the last G^2 alone
    ],
    options=dict(lr=0.05, weight_decay=0.1),
    groups=lambda ps: [{"params": ps[:1], "lr": 0.05, "d": 2.0}, {"params": ps[1:3], "weight_decay": 0.1},
                       {"params": ps[3:], "maximize": True, "eps": (1e-10, 1e-2)}],
    state_keys=None,  # step, and row_var and col_var or variance
    counts_steps=True,
    matrix=(6, 5),
    complex_shape=(2,),
    shape_error=r"'row_var' of parameter 0 has shape \(3, 1\), .* shape \(4, 1\) .* of shape \(4, 3\)",
    invalid=[
        (dict(lr=-0.1), r"Adafactor: Learning rate should be >= 0 but is: -0\.1", "init"),
        (dict(beta2_decay=0.5), r"Adafactor: beta2_decay should be <= 0 but is: 0\.5 .*default is -0\.8", "init"),
        (dict(eps=(-1e-3, 1e-3)), r"Adafactor: epsilon1 should be >= 0 but is: -0\.001 \(or None", "init"),
        (dict(eps=(None, -1.0)), r"Adafactor: epsilon2 should be >= 0 but is: -1\.0", "init"),
        (dict(eps=(1e-3,)), r"Adafactor: eps should be a pair .* but is: \(0\.001,\)", None),  # PyTorch takes it
        (dict(d=0.5), r"Adafactor: Clipping threshold d should be >= 1 but is: 0\.5", "init"),
        (dict(weight_decay=-1e-2), r"Adafactor: weight_decay should be >= 0 but is: -0\.01", "init"),
    ],
)

MUON = Spec(
    name="Muon",
    # wide, tall (orthogonalised through the transpose), square, a row, a column
    shapes=[(3, 4), (4, 3), (6, 6), (1, 5), (7, 2)],
    few=[(3, 4), (4, 3), (6, 6), (1, 5), (7, 2)],
    steps=10,
    cases=[
        dict(),
        dict(lr=0.02, momentum=0.9, nesterov=False),
        dict(lr=0.01, weight_decay=0.0, adjust_lr_fn="match_rms_adamw"),
        dict(lr=0.05, weight_decay=0.3, momentum=0.0, adjust_lr_fn="original"),
        dict(lr=0.02, ns_steps=3, ns_coefficients=(2.0, -1.5, 0.5), eps=1e-3),
    ],
    options=dict(lr=0.02),
    groups=lambda ps: [{"params": ps[:1], "lr": 0.05, "nesterov": False},
                       {"params": ps[1:3], "weight_decay": 0.0, "adjust_lr_fn": "match_rms_adamw"},
                       {"params": ps[3:], "momentum": 0.5, "ns_steps": 2}],
    state_keys={"momentum_buffer"},
    counts_steps=False,
    matrix=(5, 3),
    complex_shape=(2, 2),
    shape_error=r"'momentum_buffer' of parameter 0 has shape \(3, 4\)",
    invalid=[  # PyTorch raises at construction, or (ns_*) at the first step
        (dict(lr=-0.1), r"Muon: Learning rate should be >= 0 but is: -0\.1", "step"),
        (dict(momentum=-0.5), r"Muon: momentum should be >= 0 but is: -0\.5", "step"),
        (dict(weight_decay=-1.0), r"Muon: weight decay should be >= 0 but is: -1\.0", "step"),
        (dict(adjust_lr_fn="sqrt"), r"Muon: Adjust learning rate function 'sqrt' is not supported; use ", "step"),
        (dict(ns_steps=100), r"Muon: Number of steps must be less than 100 .* got ns_steps=100", "step"),
        (dict(ns_coefficients=(1.0, 2.0)), r"Muon: Coefficients must be a tuple of exactly 3 values", "step"),
    ],
)

SPECS = [pytest.param(spec, id=spec.name) for spec in (ADAFACTOR, MUON)]


def each(field):
    """``(spec, entry)`` for every entry of every spec's list ``field``, named ``Name-i``."""
    return [pytest.param(spec, entry, id=f"{spec.name}-{i}")
            for spec in (ADAFACTOR, MUON) for i, entry in enumerate(getattr(spec, field))]


def steps_of(state):
    """The step count of a parameter's state on either side; None where it keeps none."""
    return None if "step" not in state else int(state["step"])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec,options", each("cases"))
def test_matches_torch_trajectory(spec, options, dtype, rng):
    ours, theirs = make_pair(rng, spec.shapes, dtype)
    opt, ref = spec.pair(ours, theirs, **options)
    for _ in range(spec.steps):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
        assert_close(ours, theirs, dtype)
    assert_state_like_torch(opt, ref, ours, theirs, dtype)
    if spec.state_keys is not None:
        assert all(opt.state[p].keys() == spec.state_keys for p in ours)


@pytest.mark.parametrize("spec", SPECS)
def test_defaults_are_torch(spec):
    ref = getattr(torch.optim, spec.name)([torch.ones(2, 2, requires_grad=True)]).defaults
    assert getattr(optim, spec.name)([rb.ones(2, 2, requires_grad=True)]).defaults == ref


@pytest.mark.parametrize("spec", SPECS)
def test_params_without_grad_are_skipped(spec, rng):
    """Parameters missing a gradient on some steps are left alone (and, where the state counts
    steps, end up at different step counts, as PyTorch's)."""
    ours, theirs = make_pair(rng, spec.few)
    opt, ref = spec.pair(ours, theirs, **spec.options)
    for t in range(spec.steps):
        feed(ours, theirs, rng, skip={1, 3} if t % 3 else {0, 2})
        opt.step()
        ref.step()
        assert_close(ours, theirs, numpy.float32)
    assert opt.state_dict()["state"].keys() == ref.state_dict()["state"].keys()
    assert [steps_of(opt.state[p]) for p in ours] == [steps_of(ref.state[q]) for q in theirs]


@pytest.mark.parametrize("spec", SPECS)
def test_param_groups_with_own_options(spec, rng):
    ours, theirs = make_pair(rng, spec.few)
    opt = getattr(optim, spec.name)(spec.groups(ours), lr=0.02)
    ref = getattr(torch.optim, spec.name)(spec.groups(theirs), lr=0.02)
    for _ in range(spec.steps):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs, numpy.float32)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", SPECS)
def test_state_dict_round_trip_mid_training(spec, dtype, rng):
    """Saved mid-training, the state dict lets a fresh optimizer continue identically: ours from
    our state dict (to the bit) or from PyTorch's, and PyTorch's from ours."""
    ours, theirs = make_pair(rng, spec.few, dtype)
    opt, ref = spec.pair(ours, theirs, **spec.options)
    for _ in range(4):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    saved, ref_saved = opt.state_dict(), ref.state_dict()
    assert {i: s.keys() for i, s in saved["state"].items()} == {i: s.keys() for i, s in ref_saved["state"].items()}
    assert spec.state_keys is None or all(s.keys() == spec.state_keys for s in saved["state"].values())
    assert saved["param_groups"] == ref_saved["param_groups"]

    def fresh(lib, state_dict):
        params = [lib.tensor(p.data, requires_grad=True) for p in ours]
        o = getattr(lib.optim, spec.name)(params, lr=123.0)
        o.load_state_dict(state_dict)
        return params, o

    (copies, resumed), (from_torch, converted) = fresh(rb, saved), fresh(rb, ref_saved)
    back, in_torch = fresh(torch, {
        "state": {i: {k: torch.tensor(numpy.asarray(getattr(v, "data", v))) for k, v in state.items()}
                  for i, state in saved["state"].items()},
        "param_groups": saved["param_groups"]})
    runs = [(ours, opt), (copies, resumed), (from_torch, converted), (theirs, ref), (back, in_torch)]
    for _ in range(4):
        g = [rng.standard_normal(p.shape).astype(dtype) for p in ours]
        for params, o in runs:
            lib = torch if isinstance(params[0], torch.Tensor) else rb
            for p, gi in zip(params, g):
                p.grad = lib.tensor(gi)
            o.step()
    for p, c, f in zip(ours, copies, from_torch):
        numpy.testing.assert_array_equal(c.data, p.data)
        numpy.testing.assert_allclose(f.data, p.data, **tolerance(dtype))
    assert_close(ours, theirs, dtype)
    assert_close(ours, back, dtype)
    assert_state_like_torch(converted, ref, from_torch, theirs, dtype)


@pytest.mark.parametrize("spec", SPECS)
def test_load_state_dict_of_another_shape_raises(spec):
    saver, target = rb.ones(3, 4, requires_grad=True), rb.ones(4, 3, requires_grad=True)
    opt = getattr(optim, spec.name)([saver])
    saver.grad = rb.ones(3, 4)
    opt.step()
    with pytest.raises(ValueError, match=spec.shape_error):
        getattr(optim, spec.name)([target]).load_state_dict(opt.state_dict())


@pytest.mark.parametrize("copy_method", ["deepcopy", "pickle"])
@pytest.mark.parametrize("spec", SPECS)
def test_deepcopy_and_pickle_continue_like_the_original(spec, copy_method, rng):
    ours, _ = make_pair(rng, spec.few)
    opt = getattr(optim, spec.name)(ours, **spec.options)
    clone = assert_copy_continues_like_the_original(opt, copy_method, rng)
    for p, c in zip(ours, clone.param_groups[0]["params"]):
        assert clone.state[c].keys() == opt.state[p].keys()
        assert steps_of(clone.state[c]) == steps_of(opt.state[p]) == (4 if spec.counts_steps else None)


@pytest.mark.parametrize("spec", SPECS)
def test_non_contiguous_parameter_is_updated_in_place(spec, rng):
    start = rng.standard_normal(spec.matrix).astype(numpy.float32)
    ours = rb.Tensor(numpy.asfortranarray(start), requires_grad=True)
    theirs = torch.tensor(start, requires_grad=True)
    kept = ours.data
    opt, ref = spec.pair([ours], [theirs], lr=0.1)
    for _ in range(3):
        g = rng.standard_normal(spec.matrix).astype(numpy.float32)
        ours.grad, theirs.grad = rb.Tensor(numpy.asfortranarray(g)), torch.tensor(g)
        opt.step()
        ref.step()
    assert ours.data is kept
    numpy.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("spec", SPECS)
def test_backward_through_a_graph_that_saved_a_stepped_parameter_raises(spec):
    for lib in (rb, torch):
        w = lib.nn.Parameter(lib.ones(2, 3))
        opt = getattr(lib.optim, spec.name)([w])
        loss = (w * w).sum()
        loss.backward(retain_graph=True)
        opt.step()
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            loss.backward()


@pytest.mark.parametrize("spec,case", each("invalid"))
def test_invalid_arguments(spec, case):
    options, message, torch_raises = case
    cls = getattr(torch.optim, spec.name)
    w = rb.ones(2, 2, requires_grad=True)
    with pytest.raises(ValueError, match=message):
        getattr(optim, spec.name)([w], **options)
    with pytest.raises(ValueError, match=message):  # a group's own options are checked too
        getattr(optim, spec.name)([{"params": [w], **options}])
    q = torch.ones(2, 2, requires_grad=True)
    q.grad = torch.ones(2, 2)
    if torch_raises == "init":
        with pytest.raises(ValueError):
            cls([q], **options)
    elif torch_raises == "step":
        with pytest.raises(ValueError):
            cls([q], **options).step()


@pytest.mark.parametrize("spec", SPECS)
def test_complex_parameters_are_refused(spec):
    """PyTorch raises RuntimeError at the first step; here a TypeError at construction."""
    shape = spec.complex_shape
    w = rb.tensor(numpy.ones(shape, dtype=numpy.complex64), requires_grad=True)
    with pytest.raises(TypeError, match=rf"{spec.name} does not support complex parameters, got one of "
                                        rf"dtype complex64 and shape {re.escape(str(shape))}"):
        getattr(optim, spec.name)([w])
    q = torch.ones(shape, dtype=torch.complex64, requires_grad=True)
    q.grad = torch.ones_like(q)
    with pytest.raises(RuntimeError, match=f"{spec.name} does not support complex parameters"):
        getattr(torch.optim, spec.name)([q]).step()
