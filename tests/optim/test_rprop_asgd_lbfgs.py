"""Rprop, ASGD and LBFGS follow PyTorch's steps, keep float32, round-trip state, check arguments."""
from __future__ import annotations

import copy

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import optim
from rosenblatt.optim import optimizer as optimizer_module

from .test_optimizers import SHAPES, assert_close, make_pair

STEPS = 25
DTYPES = [numpy.float32, numpy.float64]

CASES = [
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.7), step_sizes=(1e-3, 0.2))),
    ("Rprop", dict(lr=0.02, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=1e-2, alpha=0.6, t0=5, weight_decay=0.1)),  # averages from step 6
    ("ASGD", dict(lr=0.05, t0=3, weight_decay=0.05, maximize=True)),
]


def tolerance(dtype):
    return dict(rtol=2e-5, atol=2e-6) if dtype == numpy.float32 else dict(rtol=1e-12, atol=1e-12)


def feed(ours, theirs, rng, skip=()):
    """The same gradients on both sides (None for indices in ``skip``): those of ``|p|^2 / 2``
    plus noise, so that signs persist over some steps and flip on others (Rprop's branches)."""
    for i, (p, q) in enumerate(zip(ours, theirs)):
        if i in skip:
            p.grad, q.grad = None, None
            continue
        g = (p.data + 0.5 * rng.standard_normal(p.shape)).astype(p.dtype)
        p.grad, q.grad = rb.tensor(g), torch.tensor(g)


def value(v):
    """A state value (tensor of either library, or number) as a NumPy array."""
    return numpy.asarray(v.data if isinstance(v, rb.Tensor) else v)


def assert_state_like_torch(opt, ref, ours, theirs, dtype):
    for p, q in zip(ours, theirs):
        assert opt.state[p].keys() == ref.state[q].keys()
        for key, expected in ref.state[q].items():
            numpy.testing.assert_allclose(value(opt.state[p][key]), expected.numpy(), **tolerance(dtype))
            if key in ("eta", "mu"):  # PyTorch's scalars: float32 whatever the parameters
                assert opt.state[p][key].dtype == numpy.float32
            elif key != "step":
                assert opt.state[p][key].dtype == dtype, key


# --------------------------------------------------------------------- Rprop, ASGD
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,options", CASES)
def test_matches_torch_trajectory(name, options, dtype, rng):
    ours, theirs = make_pair(rng, dtype=dtype)
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for _ in range(STEPS):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
        assert_close(ours, theirs, dtype)
    assert_state_like_torch(opt, ref, ours, theirs, dtype)


@pytest.mark.parametrize("name,options", CASES)
def test_update_in_cache_sized_slices_matches_torch(name, options, rng, monkeypatch):
    monkeypatch.setattr(optimizer_module, "CHUNK", 1000)
    ours, theirs = make_pair(rng, SHAPES + [(70, 30)])
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for _ in range(5):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,options", CASES)
def test_tiny_mlp_with_real_backward(name, options, dtype):
    """A 4-8-1 tanh MLP (weights and biases) fitted by closures on both sides (with
    ``maximize``, the closures return the negated loss: the fit stays a fit)."""
    data = numpy.random.default_rng(1)
    x, y = data.standard_normal((32, 4)).astype(dtype), data.standard_normal((32, 1)).astype(dtype)
    ours = rb.nn.Sequential(rb.nn.Linear(4, 8), rb.nn.Tanh(), rb.nn.Linear(8, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        p.data = data.standard_normal(p.shape).astype(dtype)
        q.data = torch.tensor(p.data)
    opt = getattr(optim, name)(ours.parameters(), **options)
    ref = getattr(torch.optim, name)(theirs.parameters(), **options)

    sign = -1.0 if options.get("maximize") else 1.0

    def closure():
        opt.zero_grad()
        loss = sign * ((ours(rb.tensor(x)) - rb.tensor(y)) ** 2).mean()
        loss.backward()
        return loss

    def ref_closure():
        ref.zero_grad()
        loss = sign * ((theirs(torch.tensor(x)) - torch.tensor(y)) ** 2).mean()
        loss.backward()
        return loss

    # the two backwards round differently (matmul): float32 agrees to a few ulps, not exactly
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == numpy.float32 else dict(rtol=1e-11, atol=1e-12)
    for _ in range(20):
        loss, ref_loss = opt.step(closure), ref.step(ref_closure)
        numpy.testing.assert_allclose(float(loss), ref_loss.item(), **tol)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.data.dtype == dtype
        numpy.testing.assert_allclose(p.data, q.detach().numpy(), **tol)


@pytest.mark.parametrize("name", ["Rprop", "ASGD"])
def test_param_groups_with_own_options(name, rng):
    ours, theirs = make_pair(rng)
    extra = {"Rprop": dict(etas=(0.4, 1.5), step_sizes=(1e-4, 0.1)),
             "ASGD": dict(lambd=1e-3, alpha=0.5, t0=4)}[name]

    def groups(ps):
        return [{"params": ps[:1], "lr": 0.05, **extra}, {"params": ps[1:3]},
                {"params": ps[3:], "maximize": True, "lr": 0.02}]

    opt = getattr(optim, name)(groups(ours), lr=0.01)
    ref = getattr(torch.optim, name)(groups(theirs), lr=0.01)
    for _ in range(STEPS):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    assert_close(ours, theirs)


@pytest.mark.parametrize("name,options", CASES)
def test_missing_gradients_and_lr_changed_between_steps(name, options, rng):
    """Parameters skip steps while a schedule changes lr: Rprop starts a parameter's step sizes
    at the lr of its first step; ASGD's eta lags the lr by one step and is kept per parameter,
    so at step 2 the small parameters are all at their second step but parameter 1 with
    another eta than the others (they can't be updated together with one eta)."""
    ours, theirs = make_pair(rng)
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for t in range(STEPS):
        for o in (opt, ref):
            o.param_groups[0]["lr"] = 0.02 * 0.9 ** t
        feed(ours, theirs, rng, skip={0: {1, 4}, 1: {0, 2, 3, 4}}.get(t, {1} if t % 3 else {0, 2}))
        opt.step()
        ref.step()
        assert_close(ours, theirs)
    assert opt.state_dict()["state"].keys() == ref.state_dict()["state"].keys()
    assert_state_like_torch(opt, ref, ours, theirs, numpy.float32)


@pytest.mark.parametrize("name,options", CASES)
def test_state_dict_round_trip_mid_training(name, options, rng):
    ours, theirs = make_pair(rng)
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for _ in range(6):
        feed(ours, theirs, rng)
        opt.step()
        ref.step()
    saved, ref_saved = opt.state_dict(), ref.state_dict()
    assert saved["state"].keys() == ref_saved["state"].keys()
    for i in saved["state"]:
        assert saved["state"][i].keys() == ref_saved["state"][i].keys()

    # a fresh optimizer loaded from our state dict continues identically, from PyTorch's like PyTorch
    copies = [rb.tensor(p.data, requires_grad=True) for p in ours]
    resumed = getattr(optim, name)(copies, lr=123.0)
    resumed.load_state_dict(saved)
    from_torch = [rb.tensor(p.data, requires_grad=True) for p in ours]
    converted = getattr(optim, name)(from_torch, lr=123.0)
    converted.load_state_dict(ref_saved)
    for _ in range(6):
        g = [(p.data + rng.standard_normal(p.shape)).astype(numpy.float32) for p in ours]
        for group in (ours, copies, from_torch):
            for p, gi in zip(group, g):
                p.grad = rb.tensor(gi)
        for p, gi in zip(theirs, g):
            p.grad = torch.tensor(gi)
        for o in (opt, resumed, converted, ref):
            o.step()
    for p, c, f in zip(ours, copies, from_torch):
        numpy.testing.assert_array_equal(c.data, p.data)
        numpy.testing.assert_allclose(f.data, p.data, **tolerance(numpy.float32))
    assert_close(ours, theirs)
    for o in (resumed, converted):
        assert_state_like_torch(o, ref, copies if o is resumed else from_torch, theirs, numpy.float32)


@pytest.mark.parametrize("name", ["Rprop", "ASGD"])
def test_backward_through_a_graph_that_saved_a_stepped_parameter_raises(name):
    for lib in (rb, torch):
        w = lib.nn.Parameter(lib.ones(3))
        opt = getattr(lib.optim, name)([w], lr=0.1)
        loss = (w * w).sum()
        loss.backward(retain_graph=True)
        opt.step()
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            loss.backward()


# --------------------------------------------------------------------------- LBFGS
def rosenbrock(lib, params, dtype):
    w = params[0]
    return (1 - w[0]) ** 2 + 100 * (w[1] - w[0] * w[0]) ** 2


_data = numpy.random.default_rng(3)
X = _data.standard_normal((20, 4))
Y = X @ _data.standard_normal((4, 2)) + numpy.array([0.5, -1.0])  # an exact fit exists


def least_squares(lib, params, dtype):
    weight, bias = params
    x, y = lib.tensor(X.astype(dtype)), lib.tensor(Y.astype(dtype))
    return ((x @ weight + bias - y) ** 2).mean()


PROBLEMS = {"rosenbrock": (rosenbrock, [numpy.array([-1.5, 2.0])]),
            "least_squares": (least_squares, [numpy.zeros((4, 2)), numpy.zeros(2)])}

LBFGS_OPTIONS = [
    dict(),
    dict(line_search_fn="strong_wolfe"),
    dict(lr=0.5, max_iter=5, history_size=3, line_search_fn="strong_wolfe"),
    dict(lr=0.1, max_iter=4, history_size=2),
    dict(max_eval=6, tolerance_change=1e-12, line_search_fn="strong_wolfe"),  # runs out of evaluations
]


def closure_for(opt, lib, problem, params, dtype):
    def closure():
        opt.zero_grad()
        loss = PROBLEMS[problem][0](lib, params, dtype)
        loss.backward()
        return loss
    return closure


def lbfgs_pair(problem, dtype, options):
    start = PROBLEMS[problem][1]
    ours = [rb.tensor(a.astype(dtype), requires_grad=True) for a in start]
    theirs = [torch.tensor(a.astype(dtype), requires_grad=True) for a in start]
    opt, ref = optim.LBFGS(ours, **options), torch.optim.LBFGS(theirs, **options)
    return (ours, theirs, opt, ref, closure_for(opt, rb, problem, ours, dtype),
            closure_for(ref, torch, problem, theirs, dtype))


def assert_lbfgs_state_dtype(opt, dtype):
    def arrays(v):
        if isinstance(v, list):
            return [a for item in v for a in arrays(item)]
        return [v] if isinstance(v, rb.Tensor) else []

    found = [a for v in next(iter(opt.state.values())).values() for a in arrays(v)]
    assert len(found) > 4  # d, prev_flat_grad, the history
    assert all(a.dtype == dtype for a in found)


@pytest.mark.parametrize("options", LBFGS_OPTIONS)
@pytest.mark.parametrize("problem,dtype", [("least_squares", numpy.float32), ("least_squares", numpy.float64)])
def test_lbfgs_follows_torch_step_by_step(problem, dtype, options):
    """Each step's returned loss and the parameters after it, over 25 steps of many iterations.

    Rosenbrock is checked one step at a time below: NumPy's and MKL's dot products may round
    differently (they do in float64 here), and L-BFGS amplifies one ulp on Rosenbrock to 1e-5
    in the parameters over a few steps (in float32, 0.4 from a start nudged by one ulp).
    """
    ours, theirs, opt, ref, closure, ref_closure = lbfgs_pair(problem, dtype, options)
    loss_tol = dict(rtol=1e-5, atol=1e-9) if dtype == numpy.float32 else dict(rtol=1e-10, atol=1e-15)
    losses = []
    for _ in range(STEPS):
        loss, ref_loss = opt.step(closure), ref.step(ref_closure)
        assert isinstance(loss, rb.Tensor) and loss.dtype == dtype
        numpy.testing.assert_allclose(float(loss), ref_loss.item(), **loss_tol)
        assert_close(ours, theirs, dtype)
        losses.append(float(loss))
    assert losses[-1] < 0.1 * losses[0]
    assert_lbfgs_state_dtype(opt, dtype)


@pytest.mark.parametrize("options", LBFGS_OPTIONS)
@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_lbfgs_each_step_from_torchs_state(problem, options, dtype):
    """Every step starts from PyTorch's parameters and state (its state dict loaded into ours):
    loss and parameters agree to the dtype's rounding, and in float64 the evaluation counts too
    (in float32 an ulp could tip one of the line search's comparisons)."""
    ours, theirs, opt, ref, closure, ref_closure = lbfgs_pair(problem, dtype, options)
    tol = dict(rtol=1e-4, atol=1e-6) if dtype == numpy.float32 else dict(rtol=1e-10, atol=1e-10)
    for _ in range(STEPS):
        for p, q in zip(ours, theirs):
            p.data[...] = q.detach().numpy()
        opt.load_state_dict(ref.state_dict())
        loss, ref_loss = opt.step(closure), ref.step(ref_closure)
        numpy.testing.assert_allclose(float(loss), ref_loss.item(), **tol)
        for p, q in zip(ours, theirs):
            numpy.testing.assert_allclose(p.data, q.detach().numpy(), **tol)
        state, ref_state = opt.state[ours[0]], ref.state[theirs[0]]
        if dtype == numpy.float64:
            assert (state["func_evals"], state["n_iter"]) == (ref_state["func_evals"], ref_state["n_iter"])
    assert opt.state[ours[0]].keys() == ref.state[theirs[0]].keys()


def test_lbfgs_state_dict_round_trip(tmp_path):
    # least squares: a well-conditioned problem, where float32 rounding differences stay small
    ours, theirs, opt, ref, closure, ref_closure = lbfgs_pair(
        "least_squares", numpy.float32, dict(history_size=4, line_search_fn="strong_wolfe", max_iter=3))
    for _ in range(3):
        opt.step(closure)
        ref.step(ref_closure)
    saved, ref_saved = opt.state_dict(), ref.state_dict()
    assert saved["state"].keys() == ref_saved["state"].keys() == {0}
    assert saved["state"][0].keys() == ref_saved["state"][0].keys()
    assert saved["param_groups"][0]["max_eval"] == 3 * 5 // 4
    kept = [value(d).copy() for d in saved["state"][0]["old_dirs"]]

    # through a checkpoint file (safetensors, no pickle) and into a fresh optimizer
    rb.save({"optimizer": saved}, tmp_path / "ckpt.safetensors")
    loaded = rb.load(tmp_path / "ckpt.safetensors")["optimizer"]
    copies = [rb.tensor(p.data, requires_grad=True) for p in ours]
    resumed = optim.LBFGS(copies, lr=123.0)
    resumed.load_state_dict(loaded)
    from_torch = [rb.tensor(p.data, requires_grad=True) for p in ours]
    converted = optim.LBFGS(from_torch, lr=123.0)
    converted.load_state_dict(ref_saved)

    for _ in range(3):
        losses = [float(o.step(closure_for(o, rb, "least_squares", ps, numpy.float32)))
                  for o, ps in ((opt, ours), (resumed, copies), (converted, from_torch))]
        ref_loss = ref.step(ref_closure).item()
        assert losses[0] == losses[1]
        numpy.testing.assert_allclose(losses[2], ref_loss, rtol=1e-5, atol=1e-8)
    numpy.testing.assert_array_equal(copies[0].data, ours[0].data)
    numpy.testing.assert_allclose(from_torch[0].data, theirs[0].detach().numpy(), rtol=2e-5, atol=1e-6)
    for o in (resumed, converted):
        assert_lbfgs_state_dtype(o, numpy.float32)
    # the saved history is a copy: the steps since did not change it
    assert len(saved["state"][0]["old_dirs"]) == len(kept)
    for a, b in zip(saved["state"][0]["old_dirs"], kept):
        numpy.testing.assert_array_equal(value(a), b)


def test_lbfgs_deepcopy_continues_like_the_original():
    ours, _, opt, _, closure, _ = lbfgs_pair("rosenbrock", numpy.float32, dict(line_search_fn="strong_wolfe",
                                                                              max_iter=4))
    opt.step(closure)
    clone = copy.deepcopy(opt)
    twin = clone.param_groups[0]["params"]
    assert twin[0] is not ours[0]
    twin_closure = closure_for(clone, rb, "rosenbrock", twin, numpy.float32)
    for _ in range(2):
        assert float(opt.step(closure)) == float(clone.step(twin_closure))
    numpy.testing.assert_array_equal(twin[0].data, ours[0].data)


def test_lbfgs_at_the_optimum_returns_at_once_as_torch():
    ours, theirs, opt, ref, closure, ref_closure = lbfgs_pair("rosenbrock", numpy.float32, {})
    ours[0].data[...] = 1.0
    theirs[0].data[...] = 1.0
    assert float(opt.step(closure)) == ref.step(ref_closure).item() == 0.0
    numpy.testing.assert_array_equal(ours[0].data, [1.0, 1.0])
    assert opt.state[ours[0]] == ref.state[theirs[0]] == {"func_evals": 1, "n_iter": 0}


def test_lbfgs_parameter_without_gradient_and_non_contiguous_storage():
    """A parameter the loss doesn't use counts as a zero gradient (it stays put), and one stored
    Fortran-ordered is updated in place."""
    start = numpy.random.default_rng(2).standard_normal((4, 2))
    weight = rb.Tensor(numpy.asfortranarray(start), requires_grad=True)
    bias = rb.zeros(2, dtype=rb.float64, requires_grad=True)
    unused = rb.ones(3, dtype=rb.float64, requires_grad=True)
    kept = weight.data
    t_weight = torch.tensor(start, requires_grad=True)
    t_bias = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    t_unused = torch.ones(3, dtype=torch.float64, requires_grad=True)
    opt = optim.LBFGS([weight, unused, bias], line_search_fn="strong_wolfe")
    ref = torch.optim.LBFGS([t_weight, t_unused, t_bias], line_search_fn="strong_wolfe")
    closure = closure_for(opt, rb, "least_squares", [weight, bias], numpy.float64)
    ref_closure = closure_for(ref, torch, "least_squares", [t_weight, t_bias], numpy.float64)
    for _ in range(3):
        loss, ref_loss = opt.step(closure), ref.step(ref_closure)
        numpy.testing.assert_allclose(float(loss), ref_loss.item(), rtol=1e-10, atol=1e-14)
    assert weight.data is kept and not kept.flags.c_contiguous
    numpy.testing.assert_allclose(weight.data, t_weight.detach().numpy(), rtol=1e-10, atol=1e-10)
    numpy.testing.assert_allclose(bias.data, t_bias.detach().numpy(), rtol=1e-10, atol=1e-10)
    numpy.testing.assert_array_equal(unused.data, 1.0)


def test_lbfgs_needs_a_closure_and_one_group():
    w = rb.ones(2, requires_grad=True)
    opt = optim.LBFGS([w])
    with pytest.raises(TypeError, match=r"LBFGS.step\(\) needs a closure"):
        opt.step()
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        optim.LBFGS([{"params": [w]}, {"params": [rb.ones(1, requires_grad=True)]}])
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        opt.add_param_group({"params": [rb.ones(1, requires_grad=True)]})


# ----------------------------------------------------------------------- arguments
@pytest.mark.parametrize("make,message", [
    (lambda p: optim.Rprop(p, lr=-0.1), r"Rprop: Invalid learning rate: -0.1 \(lr must be >= 0\)"),
    (lambda p: optim.Rprop(p, etas=(1.5, 1.2)), r"Rprop: Invalid eta values: 1.5, 1.2"),
    (lambda p: optim.Rprop(p, etas=(0.5, 0.9)), r"Rprop: Invalid eta values: 0.5, 0.9 \(etas="),
    (lambda p: optim.Rprop([{"params": p, "etas": (0.0, 2.0)}]), "Rprop: Invalid eta values: 0.0, 2.0"),
    (lambda p: optim.ASGD(p, lr=-1.0), r"ASGD: Invalid learning rate: -1.0 \(lr must be >= 0\)"),
    (lambda p: optim.ASGD(p, weight_decay=-0.1), r"ASGD: Invalid weight_decay value: -0.1 \(weight_decay"),
    (lambda p: optim.LBFGS(p, lr=-2), r"LBFGS: Invalid learning rate: -2 \(lr must be >= 0\)"),
    (lambda p: optim.LBFGS(p, line_search_fn="armijo"), "LBFGS: Invalid line_search_fn: 'armijo'"),
    (lambda p: optim.LBFGS(p, history_size=0), r"LBFGS: Invalid history_size value: 0 \(history_size"),
])
def test_invalid_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make([rb.ones(2, requires_grad=True)])


def test_defaults_and_argument_order_as_torch():
    import inspect

    for name in ("Rprop", "ASGD", "LBFGS"):
        ours = inspect.signature(getattr(optim, name)).parameters
        theirs = inspect.signature(getattr(torch.optim, name)).parameters
        for arg, param in ours.items():
            assert theirs[arg].default == param.default, (name, arg)
        positional = [a for a, p in ours.items() if p.kind == p.POSITIONAL_OR_KEYWORD]
        assert positional == list(theirs)[:len(positional)], name
    w = rb.ones(2, requires_grad=True)
    assert optim.LBFGS([w], max_iter=8).param_groups[0]["max_eval"] == 10
