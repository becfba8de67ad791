"""Optimizers follow PyTorch's trajectory step for step, keep float32, and round-trip state."""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import optim
from rosenblatt.optim import optimizer as optimizer_module

# the last one is large enough (>= optimizer.SMALL) to be updated in place, not on a flat copy
SHAPES = [(3, 4), (5,), (), (2, 1, 3), (180, 200)]
STEPS = 12

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, maximize=True, eps=1e-4)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, eps=1e-6, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.9), momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.01)),  # rho_t > 5 from step 6: both of its branches
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.1, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True)),
]
NAMES = sorted({name for name, _ in CASES})


def make_pair(rng, shapes=SHAPES, dtype=numpy.float32):
    start = [rng.standard_normal(s).astype(dtype) for s in shapes]
    ours = [rb.tensor(a, requires_grad=True) for a in start]
    theirs = [torch.tensor(a, requires_grad=True) for a in start]
    return ours, theirs


def feed(ours, theirs, rng, skip=()):
    """Give both sides the same random gradients (None for the indices in ``skip``)."""
    for i, (p, q) in enumerate(zip(ours, theirs)):
        if i in skip:
            p.grad, q.grad = None, None
            continue
        g = rng.standard_normal(p.shape).astype(p.dtype)
        p.grad = rb.tensor(g)
        q.grad = torch.tensor(g)


def assert_close(ours, theirs, dtype=numpy.float32):
    tol = dict(rtol=2e-5, atol=2e-6) if dtype == numpy.float32 else dict(rtol=1e-12, atol=1e-12)
    for p, q in zip(ours, theirs):
        assert p.data.dtype == dtype
        numpy.testing.assert_allclose(p.data, q.detach().numpy(), **tol)


def assert_state_dtype(opt, dtype=numpy.float32):
    for state in opt.state.values():
        for key, value in state.items():
            if isinstance(value, rb.Tensor):
                assert value.dtype == dtype, key


@pytest.mark.parametrize("name,options", CASES)
def test_matches_torch_trajectory(name, options, rng):
    ours, theirs = make_pair(rng)
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for _ in range(STEPS):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
        assert_close(ours, theirs)
    assert_state_dtype(opt)
    for p, q in zip(ours, theirs):  # the live state is exposed as in PyTorch
        for key, value in ref.state[q].items():
            numpy.testing.assert_allclose(numpy.asarray(opt.state[p][key].data if key != "step"
                                                        else opt.state[p][key]),
                                          value.numpy(), rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name,options", CASES)
def test_update_in_cache_sized_slices_matches_torch(name, options, rng, monkeypatch):
    """A large parameter is updated a slice (``CHUNK`` elements) at a time; slices of 1000
    elements cut the test's parameters across slices, the last one short."""
    monkeypatch.setattr(optimizer_module, "CHUNK", 1000)
    ours, theirs = make_pair(rng, SHAPES + [(70, 30)])
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for _ in range(3):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs)


@pytest.mark.parametrize("name,options", [CASES[1], CASES[8]])
def test_non_contiguous_parameters_and_gradients(name, options, rng):
    """A transposed (non-contiguous) parameter is updated in place, whatever its gradient's layout."""
    start = [rng.standard_normal(s).astype(numpy.float32) for s in ((220, 160), (4, 6))]
    ours = [rb.Tensor(a.T.copy().T, requires_grad=True) for a in start]  # Fortran-ordered storage
    theirs = [torch.tensor(a, requires_grad=True) for a in start]
    assert not ours[0].data.flags.c_contiguous
    kept = [p.data for p in ours]
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for _ in range(3):
        for p, q in zip(ours, theirs):
            g = rng.standard_normal(p.shape).astype(numpy.float32)
            p.grad, q.grad = rb.Tensor(numpy.asfortranarray(g)), torch.tensor(g)
        opt.step()
        ref.step()
    assert all(p.data is array for p, array in zip(ours, kept))
    assert_close(ours, theirs)


def test_adagrad_initial_accumulator_value_per_group():
    """Unlike PyTorch (which uses the constructor's value for every group), a group's own
    initial_accumulator_value is honoured."""
    a, b = rb.ones(2, requires_grad=True), rb.ones(2, requires_grad=True)
    opt = optim.Adagrad([{"params": [a], "initial_accumulator_value": 3.0}, {"params": [b]}])
    a.grad, b.grad = rb.ones(2), rb.ones(2)
    opt.step()
    numpy.testing.assert_allclose(opt.state[a]["sum"].data, [4.0, 4.0])
    numpy.testing.assert_allclose(opt.state[b]["sum"].data, [1.0, 1.0])


@pytest.mark.parametrize("name", NAMES)
def test_param_groups_with_own_options(name, rng):
    ours, theirs = make_pair(rng)
    extra = {"SGD": dict(momentum=0.9, nesterov=True), "Adam": dict(amsgrad=True, betas=(0.5, 0.6)),
             "AdamW": dict(weight_decay=0.5), "RMSprop": dict(centered=True, momentum=0.3),
             "Adagrad": dict(lr_decay=0.1, eps=1e-3), "NAdam": dict(momentum_decay=0.1, betas=(0.5, 0.6)),
             "RAdam": dict(betas=(0.5, 0.6)), "Adamax": dict(betas=(0.5, 0.6)), "Adadelta": dict(rho=0.5)}[name]

    def groups(ps):
        return [{"params": ps[:1], "lr": 0.05, **extra}, {"params": ps[1:3], "weight_decay": 0.1},
                {"params": ps[3:], "maximize": True, "lr": 0.02}]

    opt = getattr(optim, name)(groups(ours), lr=0.01)
    ref = getattr(torch.optim, name)(groups(theirs), lr=0.01)
    for _ in range(STEPS):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs)
    assert [len(g["params"]) for g in opt.param_groups] == [1, 2, 2]


@pytest.mark.parametrize("name,options", [("Adam", dict(lr=0.01)), ("RMSprop", dict(momentum=0.5)),
                                          ("SGD", dict(lr=0.1, momentum=0.9)),
                                          ("Adagrad", dict(lr_decay=0.1)), ("NAdam", dict(lr=0.01)),
                                          ("RAdam", dict(lr=0.01)), ("Adadelta", dict())])
def test_params_without_grad_are_skipped(name, options, rng):
    """Parameters missing a gradient on some steps end up at different step counts."""
    ours, theirs = make_pair(rng)
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for t in range(STEPS):
        feed(ours, theirs, rng, skip={1} if t % 3 else {0, 2})
        opt.step()
        ref.step()
        assert_close(ours, theirs)
    assert opt.state_dict()["state"].keys() == ref.state_dict()["state"].keys()


def test_float64_params_stay_float64(rng):
    ours, theirs = make_pair(rng, dtype=numpy.float64)
    opt, ref = optim.Adam(ours, lr=0.01, amsgrad=True), torch.optim.Adam(theirs, lr=0.01, amsgrad=True)
    for _ in range(5):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs, dtype=numpy.float64)
    assert_state_dtype(opt, numpy.float64)


def test_mixed_dtypes_in_one_group(rng):
    ours, theirs = make_pair(rng)
    ours[1] = rb.tensor(ours[1].data.astype(numpy.float64), requires_grad=True)
    theirs[1] = torch.tensor(ours[1].data, requires_grad=True)
    opt, ref = optim.SGD(ours, lr=0.1, momentum=0.9), torch.optim.SGD(theirs, lr=0.1, momentum=0.9)
    for _ in range(5):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert ours[1].dtype == numpy.float64 and ours[0].dtype == numpy.float32
    for p, q in zip(ours, theirs):
        numpy.testing.assert_allclose(p.data, q.detach().numpy(), rtol=2e-5, atol=2e-6)


def test_step_with_closure_and_real_backward():
    """A least-squares fit driven by backward() and a closure reaches torch's solution."""
    x = numpy.random.default_rng(1).standard_normal((16, 3)).astype(numpy.float32)
    y = x @ numpy.array([[1.0], [-2.0], [0.5]], dtype=numpy.float32)
    w, wt = rb.zeros(3, 1, requires_grad=True), torch.zeros(3, 1, requires_grad=True)
    opt, ref = optim.Adam([w], lr=0.1), torch.optim.Adam([wt], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = ((rb.tensor(x) @ w - rb.tensor(y)) ** 2).mean()
        loss.backward()
        return loss

    def ref_closure():
        ref.zero_grad()
        loss = ((torch.tensor(x) @ wt - torch.tensor(y)) ** 2).mean()
        loss.backward()
        return loss

    for _ in range(20):
        loss, ref_loss = opt.step(closure), ref.step(ref_closure)
        assert float(loss) == pytest.approx(ref_loss.item(), rel=1e-4)
    numpy.testing.assert_allclose(w.data, wt.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert w.requires_grad and w.is_leaf


def test_zero_grad():
    w = rb.ones(3, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    w.grad = rb.ones(3)
    opt.zero_grad(set_to_none=False)
    assert w.grad is not None and not w.grad.data.any()
    opt.zero_grad()
    assert w.grad is None


@pytest.mark.parametrize("name,options", [c for c in CASES if c[1].get("momentum", 1) or c[0] != "SGD"])
def test_state_dict_round_trip_mid_training(name, options, rng):
    ours, theirs = make_pair(rng)
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for _ in range(4):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    saved, ref_saved = opt.state_dict(), ref.state_dict()
    assert saved["state"].keys() == ref_saved["state"].keys()
    for i in saved["state"]:
        assert saved["state"][i].keys() == ref_saved["state"][i].keys()
    assert [g["params"] for g in saved["param_groups"]] == [g["params"] for g in ref_saved["param_groups"]]

    # a fresh optimizer over copies of the parameters continues identically
    copies = [rb.tensor(p.data, requires_grad=True) for p in ours]
    resumed = getattr(optim, name)(copies, lr=123.0)
    resumed.load_state_dict(saved)
    # and so does one loaded from PyTorch's own state dict
    from_torch = [rb.tensor(p.data, requires_grad=True) for p in ours]
    converted = getattr(optim, name)(from_torch, lr=123.0)
    converted.load_state_dict(ref_saved)
    for _ in range(4):
        g = [rng.standard_normal(p.shape).astype(numpy.float32) for p in ours]
        for group in (ours, copies, from_torch):
            for p, gi in zip(group, g):
                p.grad = rb.tensor(gi)
        for p, gi in zip(theirs, g):
            p.grad = torch.tensor(gi)
        for o in (opt, resumed, converted, ref):
            o.step()
    for p, c, f in zip(ours, copies, from_torch):
        numpy.testing.assert_array_equal(c.data, p.data)
        numpy.testing.assert_allclose(f.data, p.data, rtol=1e-5, atol=1e-6)
    assert_close(ours, theirs)
    assert_state_dtype(converted)


@pytest.mark.parametrize("name,key,shapes", [("Adam", "exp_avg", SHAPES), ("Adafactor", "row_var", [(3, 4)])])
def test_state_dict_is_a_copy(name, key, shapes, rng):
    """A saved state is a copy, not a view of the live one: Adam's (kept for flat slices of its
    parameters) and Adafactor's (a PerTensorOptimizer's, a whole tensor per parameter)."""
    ours, theirs = make_pair(rng, shapes)
    opt = getattr(optim, name)(ours)
    feed(ours, theirs, rng)
    opt.step()
    saved = opt.state_dict()
    before = saved["state"][0][key].data.copy()
    feed(ours, theirs, rng)
    opt.step()
    numpy.testing.assert_array_equal(saved["state"][0][key].data, before)
    assert saved["state"][0]["step"] == 1 and opt.state[ours[0]]["step"] == 2


def test_add_param_group(rng):
    ours, theirs = make_pair(rng)
    opt, ref = optim.SGD(ours[:2], lr=0.1, momentum=0.9), torch.optim.SGD(theirs[:2], lr=0.1, momentum=0.9)
    for t in range(6):
        if t == 2:
            opt.add_param_group({"params": ours[2:], "lr": 0.01})
            ref.add_param_group({"params": theirs[2:], "lr": 0.01})
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": ours[:1]})


@pytest.mark.parametrize("make,message", [
    (lambda p: optim.SGD(p, lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda p: optim.SGD(p, momentum=-1), "Invalid momentum value: -1"),
    (lambda p: optim.SGD(p, nesterov=True), "Nesterov momentum requires a momentum"),
    (lambda p: optim.SGD(p, weight_decay=-2), "Invalid weight_decay value: -2"),
    (lambda p: optim.Adam(p, betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (lambda p: optim.Adam(p, eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda p: optim.AdamW([{"params": p, "lr": -1.0}]), "Invalid learning rate: -1.0"),
    (lambda p: optim.RMSprop(p, alpha=-0.5), "Invalid alpha value: -0.5"),
    (lambda p: optim.Adagrad(p, lr_decay=-0.5), "Invalid lr_decay value: -0.5"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "Invalid initial_accumulator_value"),
    (lambda p: optim.NAdam(p, momentum_decay=-1), "Invalid momentum_decay value: -1"),
    (lambda p: optim.RAdam(p, betas=(0.9, -1)), "Invalid beta parameter at index 1: -1"),
    (lambda p: optim.Adamax(p, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: optim.Adadelta(p, rho=1.5), "Invalid rho value: 1.5"),
    (lambda p: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda p: optim.SGD([p[0], p[0]], lr=0.1), "appears twice"),
])
def test_invalid_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make([rb.ones(2, requires_grad=True)])


def test_bad_params_types():
    w = rb.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([numpy.ones(2)], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="has 2 parameter groups, the optimizer has 1"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]})


def test_param_slipped_into_group_after_first_step():
    w = rb.ones(2, requires_grad=True)
    opt = optim.Adam([w])
    w.grad = rb.ones(2)
    opt.step()
    extra = rb.ones(3, requires_grad=True)
    extra.grad = rb.ones(3)
    opt.param_groups[0]["params"].append(extra)
    with pytest.raises(RuntimeError, match="add_param_group"):
        opt.step()


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_switched_on_mid_training_starts_from_the_gradient(nesterov, rng):
    """PyTorch starts a missing momentum buffer from the gradient, undamped, at any step."""
    ours, theirs = make_pair(rng)
    opt, ref = optim.SGD(ours, lr=0.1), torch.optim.SGD(theirs, lr=0.1)
    for t in range(5):
        if t == 2:
            for o in (opt, ref):
                o.param_groups[0].update(momentum=0.9, dampening=0 if nesterov else 0.3,
                                         nesterov=nesterov)
        feed(ours, theirs, rng, skip={1} if t == 2 else ())
        opt.step()
        ref.step()
        assert_close(ours, theirs)
    assert_state_dtype(opt)


def test_sgd_momentum_buffer_saved_as_none_starts_from_the_gradient():
    """Older PyTorch saved {'momentum_buffer': None}; the next step starts the buffer."""
    p, q = rb.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    ref = torch.optim.SGD([q], lr=0.1, momentum=0.9, dampening=0.5)
    saved = {"state": {0: {"momentum_buffer": None}}, "param_groups": ref.state_dict()["param_groups"]}
    opt.load_state_dict(saved)
    ref.load_state_dict(saved)
    for _ in range(2):
        p.grad, q.grad = rb.tensor([1.0, -2.0, 3.0]), torch.tensor([1.0, -2.0, 3.0])
        opt.step()
        ref.step()
    numpy.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-6)


def test_named_parameters_as_torch(rng):
    """optim.X(model.named_parameters()) keeps the names in each group and in the state dict."""
    ours, theirs = make_pair(rng, shapes=[(3, 2), (2,)])
    opt = optim.Adam(zip(["weight", "bias"], ours), lr=0.1)
    ref = torch.optim.Adam(zip(["weight", "bias"], theirs), lr=0.1)
    for _ in range(3):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs)
    assert opt.param_groups[0]["params"][0] is ours[0]
    saved, ref_saved = opt.state_dict()["param_groups"][0], ref.state_dict()["param_groups"][0]
    assert saved["param_names"] == ref_saved["param_names"] == ["weight", "bias"]
    assert saved["params"] == ref_saved["params"] == [0, 1]
    with pytest.raises(ValueError, match="with or without names"):
        optim.SGD([("weight", ours[0]), ours[1]], lr=0.1)
    with pytest.raises(ValueError, match="with or without names"):
        opt.add_param_group({"params": [rb.ones(2, requires_grad=True)]})
    with pytest.raises(TypeError, match="not a set"):
        optim.SGD([{"params": set(ours)}], lr=0.1)


def test_load_state_dict_of_another_shape_raises():
    """PyTorch fails at the next step; the saved buffer must not broadcast into the state."""
    small, large = rb.ones(1, requires_grad=True), rb.ones(3, requires_grad=True)
    saver = optim.Adam([small], lr=0.1)
    small.grad = rb.ones(1)
    saver.step()
    ref_small, ref_large = torch.ones(1, requires_grad=True), torch.ones(3, requires_grad=True)
    ref_saver, ref = torch.optim.Adam([ref_small], lr=0.1), torch.optim.Adam([ref_large], lr=0.1)
    ref_small.grad = torch.ones(1)
    ref_saver.step()
    ref.load_state_dict(ref_saver.state_dict())
    ref_large.grad = torch.ones(3)
    with pytest.raises(RuntimeError):
        ref.step()
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 0 has shape \(1,\), .* shape \(3,\)"):
        optim.Adam([large], lr=0.1).load_state_dict(saver.state_dict())


def test_adagrad_state_exists_before_the_first_step_as_torch(rng):
    ours, theirs = make_pair(rng, shapes=[(2, 3), (4,)])
    opt = optim.Adagrad(ours, lr=0.1, initial_accumulator_value=0.5)
    ref = torch.optim.Adagrad(theirs, lr=0.1, initial_accumulator_value=0.5)
    saved, ref_saved = opt.state_dict()["state"], ref.state_dict()["state"]
    assert saved.keys() == ref_saved.keys() == {0, 1}
    for i in saved:
        assert saved[i].keys() == ref_saved[i].keys()
        assert saved[i]["step"] == float(ref_saved[i]["step"]) == 0
        numpy.testing.assert_array_equal(saved[i]["sum"].data, ref_saved[i]["sum"].numpy())
    feed(ours, theirs, rng, skip={1})
    opt.step()
    ref.step()
    assert_close(ours, theirs)
    assert opt.state[ours[1]]["step"] == 0 and opt.state[ours[0]]["step"] == 1
    assert_state_dtype(opt)


def assert_copy_continues_like_the_original(opt, copy_method, rng):
    """Steps ``opt`` (over float32 parameters, in its first group) twice, copies it by
    ``copy_method`` ("deepcopy" or "pickle") and steps both twice more, on the same gradients:
    the copy's parameters (new objects) and state stay equal to the original's. Returns the copy."""
    import copy
    import pickle

    def feed_both(first, second):
        for p, c in zip(first, second):
            p.grad = rb.tensor(rng.standard_normal(p.shape).astype(numpy.float32))
            c.grad = rb.tensor(p.grad.data.copy())

    ours = opt.param_groups[0]["params"]
    for _ in range(2):
        feed_both(ours, ours)
        opt.step()
    clone = copy.deepcopy(opt) if copy_method == "deepcopy" else pickle.loads(pickle.dumps(opt))
    copies = [group_param for g in clone.param_groups for group_param in g["params"]]
    for _ in range(2):
        feed_both(ours, copies)
        opt.step()
        clone.step()
    for p, c in zip(ours, copies):
        assert c is not p
        numpy.testing.assert_array_equal(c.data, p.data)
        for key, value in opt.state[p].items():  # the clone's state is live, as the original's
            numpy.testing.assert_array_equal(numpy.asarray(getattr(clone.state[c][key], "data", clone.state[c][key])),
                                             numpy.asarray(getattr(value, "data", value)))
    return clone


@pytest.mark.parametrize("copy_method", ["deepcopy", "pickle"])
@pytest.mark.parametrize("name,options", [CASES[2], CASES[9], CASES[16], CASES[21]])
def test_deepcopy_and_pickle_continue_like_the_original(name, options, copy_method, rng):
    """As PyTorch's, a copied optimizer steps its copied parameters, from its copied state."""
    ours, _ = make_pair(rng)
    clone = assert_copy_continues_like_the_original(getattr(optim, name)(ours, **options), copy_method, rng)
    assert_state_dtype(clone)


@pytest.mark.parametrize("name", NAMES)
def test_backward_through_a_graph_that_saved_a_stepped_parameter_raises(name):
    """step() writes the parameters in place: a graph that saved them must not backward again
    with the new values (PyTorch raises 'modified by an inplace operation')."""
    for lib in (rb, torch):
        w = lib.nn.Parameter(lib.ones(3))
        opt = getattr(lib.optim, name)([w], lr=0.1)
        loss = (w * w).sum()
        loss.backward(retain_graph=True)
        opt.step()
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            loss.backward()
        (w * w).sum().backward()  # a graph made after the step runs


def test_nadam_state_dict_loads_into_torch_and_continues_alike(rng):
    """NAdam derives its mu_product from the step count; its state dict still carries it for PyTorch."""
    ours, theirs = make_pair(rng)
    opt, ref = optim.NAdam(ours, lr=0.01), torch.optim.NAdam(theirs, lr=0.01)
    for _ in range(5):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    saved = opt.state_dict()
    numpy.testing.assert_allclose(saved["state"][0]["mu_product"].numpy(),
                                  ref.state_dict()["state"][0]["mu_product"].numpy(), rtol=1e-6)
    copies = [torch.tensor(p.data, requires_grad=True) for p in ours]
    resumed = torch.optim.NAdam(copies, lr=0.01)
    resumed.load_state_dict({"state": {i: {k: torch.tensor(numpy.asarray(getattr(v, "data", v)))
                                            for k, v in st.items()} for i, st in saved["state"].items()},
                             "param_groups": saved["param_groups"]})
    for _ in range(5):
        feed(ours, copies, rng)
        opt.step()
        resumed.step()
    assert_close(ours, copies)


def test_a_step_runs_its_blas_passes_in_one_thread_and_restores_the_count():
    """OpenBLAS is held to one thread during step() (its woken threads would spin ~0.1 s after
    the step, taking a core from DataParallel's threads), and given back its count after."""
    from rosenblatt._backend import _openblas, blas_threads
    lib = _openblas()
    assert lib is not None  # NumPy's wheels bundle OpenBLAS; this test is about it
    seen = []

    class Recording(optim.SGD):
        def _update(self, *args, **kwargs):
            seen.append(lib.scipy_openblas_get_num_threads64_())
            return super()._update(*args, **kwargs)

    w = rb.Tensor(numpy.ones(1 << 18, dtype=numpy.float32), requires_grad=True)
    w.grad = rb.Tensor(numpy.ones(1 << 18, dtype=numpy.float32))
    with blas_threads(2):
        Recording([w], lr=0.5).step()
        assert lib.scipy_openblas_get_num_threads64_() == 2
    assert seen and set(seen) == {1}
    numpy.testing.assert_allclose(w.data, 0.5)


def test_adagrad_refuses_a_lazy_layers_parameters_as_torch_does():
    # Adagrad builds its state when made: a lazy layer's weight has no shape before its first call
    for lib in (rb, torch):
        model = lib.nn.LazyLinear(3)
        with pytest.raises(ValueError):
            lib.optim.Adagrad(model.parameters())
        model(lib.ones(2, 4))
        opt = lib.optim.Adagrad(model.parameters())  # fine once called
        model(lib.ones(2, 4)).sum().backward()
        opt.step()
        assert tuple(model.weight.shape) == (3, 4)
