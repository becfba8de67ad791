"""Every schedule produces PyTorch's lr (and momentum) sequence, and resumes from its state dict."""
from __future__ import annotations

import re
import warnings

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import optim
from rosenblatt.optim import lr_scheduler as ours_sched

EPOCHS = 60


def pair(opt_name="SGD", groups=2, **options):
    """The same optimizer on both sides: ``groups`` param groups with lrs 0.1, 0.05, ..."""
    options = options or dict(momentum=0.9)
    ours = getattr(optim, opt_name)([{"params": [rb.zeros(2, requires_grad=True)], "lr": 0.1 / (i + 1)}
                                     for i in range(groups)], **options)
    theirs = getattr(torch.optim, opt_name)([{"params": [torch.zeros(2, requires_grad=True)],
                                              "lr": 0.1 / (i + 1)} for i in range(groups)], **options)
    return ours, theirs


def run(opt, sched, epochs=EPOCHS, metrics=None):
    """The lrs (and momenta) after construction and after each step."""
    def snapshot():
        extra = [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]
        return sched.get_last_lr() + [g["lr"] for g in opt.param_groups] + extra

    seen = [snapshot()]
    for t in range(epochs):
        opt.step()
        sched.step(*([metrics[t]] if metrics is not None else []))
        seen.append(snapshot())
    return seen


def same(a, b):
    numpy.testing.assert_allclose(numpy.array(a, dtype=float), numpy.array(b, dtype=float),
                                  rtol=1e-12, atol=1e-15)


SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[5, 20, 20, 41], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=17)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.9, total_iters=12)),
    ("LinearLR", dict()),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.97 ** epoch / (1 + epoch % 4))),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1 / (e + 1), lambda e: min(1.0, (e + 1) / 10)])),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=EPOCHS)),
    ("OneCycleLR", dict(max_lr=[0.5, 2.0], total_steps=EPOCHS, anneal_strategy="linear",
                        pct_start=0.25, div_factor=10.0, final_div_factor=100.0)),
    ("OneCycleLR", dict(max_lr=0.3, epochs=6, steps_per_epoch=10, three_phase=True,
                        base_momentum=0.8, max_momentum=0.9)),
    ("OneCycleLR", dict(max_lr=0.3, total_steps=EPOCHS, cycle_momentum=False)),
]
ADDED = [  # the schedules added after the first thirteen; all but OneCycleLR take step(epoch)
    ("ConstantLR", dict()),
    ("ConstantLR", dict(factor=0.5, total_iters=13)),
    ("PolynomialLR", dict()),
    ("PolynomialLR", dict(total_iters=40, power=0.9)),
    ("MultiplicativeLR", dict(lr_lambda=lambda epoch: 0.95 if epoch % 3 else 1.01)),
    ("MultiplicativeLR", dict(lr_lambda=[lambda e: 0.9, lambda e: 1 + 0.01 * (e % 5)])),
]
WARM_RESTARTS = [  # their step(epoch) takes fractions and is not deprecated
    ("CosineAnnealingWarmRestarts", dict(T_0=7)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.001)),
]


class Halving:
    """A scale_fn object: its attributes travel in the state dict (a lambda's cannot)."""

    def __init__(self, base):
        self.base = base

    def __call__(self, x):
        return self.base ** x


CYCLIC = [
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5)),
    ("CyclicLR", dict(base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=4, step_size_down=7,
                      mode="triangular2", base_momentum=[0.7, 0.75], max_momentum=0.95)),
    ("CyclicLR", dict(base_lr=0.001, max_lr=0.1, step_size_up=6, mode="exp_range", gamma=0.97)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=lambda c: 1 / c)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=Halving(0.99),
                      scale_mode="iterations", cycle_momentum=False)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=0)),  # sawtooth
]
SCHEDULES += ADDED + WARM_RESTARTS + CYCLIC


@pytest.mark.parametrize("name,options", SCHEDULES)
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_sequence_matches_torch(name, options, opt_name):
    ours, theirs = pair(opt_name, **({} if opt_name == "SGD" else {"betas": (0.9, 0.99)}))
    a = run(ours, getattr(ours_sched, name)(ours, **options))
    b = run(theirs, getattr(torch.optim.lr_scheduler, name)(theirs, **options))
    same(a, b)
    assert len({tuple(x) for x in a}) > 1  # the schedule did move


def test_onecycle_needs_momentum():
    opt = optim.Adagrad([rb.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="cycle_momentum"):
        ours_sched.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    sched = ours_sched.OneCycleLR(optim.SGD([rb.zeros(1, requires_grad=True)]), max_lr=1.0, total_steps=2)
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="total_steps is 2"):
        sched.step()


def test_sequential_lr():
    def build(mod, opt):
        warm = mod.LinearLR(opt, start_factor=0.1, total_iters=5)
        mid = mod.StepLR(opt, step_size=3, gamma=0.5)
        cos = mod.CosineAnnealingLR(opt, T_max=20, eta_min=1e-3)
        return mod.SequentialLR(opt, [warm, mid, cos], milestones=[5, 15])

    ours, theirs = pair()
    a = run(ours, build(ours_sched, ours))
    b = run(theirs, build(torch.optim.lr_scheduler, theirs))
    same(a, b)


@pytest.mark.parametrize("options", [
    dict(),
    dict(mode="max", factor=0.5, patience=2, threshold=0.1, threshold_mode="abs", cooldown=2),
    dict(patience=1, cooldown=1, min_lr=[0.02, 0.004], threshold=0.05),
    dict(mode="max", patience=0, threshold_mode="rel", min_lr=0.01, factor=0.7),
])
def test_reduce_on_plateau(options):
    metrics = [1.0, 0.9, 0.91, 0.9, 0.95, 0.89, 0.89, 0.9, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0] * 4
    ours, theirs = pair()
    a = run(ours, ours_sched.ReduceLROnPlateau(ours, **options), len(metrics), metrics)
    b = run(theirs, torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **options), len(metrics), metrics)
    same(a, b)
    assert len({tuple(x) for x in a}) > 1


def resumes_like_torch(build, opt_name="SGD", **opt_options):
    """After 20 steps, the schedule rebuilt from its state dict (and the optimizer's) goes on
    as the uninterrupted one and as PyTorch's; ``build(module, optimizer)`` makes the schedule."""
    opt, theirs = pair(opt_name, **opt_options)
    sched, ref = build(ours_sched, opt), build(torch.optim.lr_scheduler, theirs)
    run(theirs, ref, 20)
    run(opt, sched, 20)
    saved, opt_saved = sched.state_dict(), opt.state_dict()
    assert "optimizer" not in saved
    rest = run(opt, sched, 25)
    same(rest, run(theirs, ref, 25))

    opt2, _ = pair(opt_name, **opt_options)
    opt2.load_state_dict(opt_saved)
    sched2 = build(ours_sched, opt2)
    sched2.load_state_dict(saved)
    opt2.load_state_dict(opt_saved)  # building the schedule reset the lrs
    same(run(opt2, sched2, 25), rest)
    return saved


@pytest.mark.parametrize("name,options", SCHEDULES[:6] + SCHEDULES[9:12] + ADDED + WARM_RESTARTS
                         + CYCLIC)
def test_state_dict_resume(name, options):
    saved = resumes_like_torch(lambda module, opt: getattr(module, name)(opt, **options))
    assert saved["last_epoch"] == 20


def test_sequential_and_plateau_state_dicts():
    opt, _ = pair()
    parts = [ours_sched.ExponentialLR(opt, 0.9), ours_sched.StepLR(opt, 4)]
    seq = ours_sched.SequentialLR(opt, parts, milestones=[6])
    for _ in range(8):
        seq.step()
    saved = seq.state_dict()
    assert [s["last_epoch"] for s in saved["_schedulers"]] == [parts[0].last_epoch, parts[1].last_epoch]
    plateau = ours_sched.ReduceLROnPlateau(opt, patience=0)
    for m in [3.0, 2.0, 2.5]:
        plateau.step(m)
    again = ours_sched.ReduceLROnPlateau(opt)
    again.load_state_dict(plateau.state_dict())
    assert (again.best, again.patience, again.last_epoch) == (2.0, 0, 3)


def test_base_lrs_and_errors():
    opt, _ = pair()
    sched = ours_sched.StepLR(opt, step_size=2)
    assert sched.base_lrs == [0.1, 0.05] and sched.last_epoch == 0
    with pytest.raises(TypeError, match="is not an Optimizer"):
        ours_sched.StepLR(object(), step_size=2)
    with pytest.raises(KeyError, match="initial_lr"):
        ours_sched.StepLR(pair()[0], step_size=2, last_epoch=3)
    with pytest.raises(ValueError, match="factor should be < 1.0"):
        ours_sched.ReduceLROnPlateau(opt, factor=1.5)
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        ours_sched.SequentialLR(opt, [sched, ours_sched.ReduceLROnPlateau(opt)], milestones=[3])
    with pytest.raises(ValueError, match="2 lr_lambdas"):
        ours_sched.LambdaLR(opt, [lambda e: 1.0])


@pytest.mark.parametrize("name,options", SCHEDULES[:10] + ADDED + CYCLIC)
def test_step_with_an_epoch_jumps_there_and_warns_like_torch(name, options):
    """PyTorch's deprecated step(epoch) sets last_epoch and uses the closed form where there is one."""
    ours, theirs = pair()
    sched, ref = getattr(ours_sched, name)(ours, **options), getattr(torch.optim.lr_scheduler, name)(theirs, **options)
    for epoch in [3, 4, 9, 2, 7]:
        with pytest.warns(UserWarning, match="deprecated"):
            sched.step(epoch)
        with pytest.warns(UserWarning, match="deprecated"):
            ref.step(epoch)
        assert sched.last_epoch == ref.last_epoch == epoch
        same(sched.get_last_lr(), ref.get_last_lr())
    sched.step()
    ref.step()
    same(sched.get_last_lr(), ref.get_last_lr())


def test_reduce_on_plateau_step_with_an_epoch_like_torch():
    ours, theirs = pair()
    sched = ours_sched.ReduceLROnPlateau(ours, patience=0)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, patience=0)
    for s in (sched, ref):
        with pytest.warns(UserWarning, match="deprecated"):
            s.step(1.0, 5)
        s.step(2.0)
    assert sched.last_epoch == ref.last_epoch == 6
    same(sched.get_last_lr(), ref.get_last_lr())


def test_schedule_stepped_before_the_optimizer_warns_like_torch(recwarn):
    for opt, module in zip(pair(), (ours_sched, torch.optim.lr_scheduler)):
        sched = module.StepLR(opt, step_size=2)
        with pytest.warns(UserWarning, match="before `?optimizer.step"):
            sched.step()
    for opt, module in zip(pair(), (ours_sched, torch.optim.lr_scheduler)):
        sched = module.StepLR(opt, step_size=2)
        opt.step()
        sched.step()
        sched.step()
    assert not [w for w in recwarn.list if "optimizer.step" in str(w.message)]


@pytest.mark.parametrize("name,options,error,says", [
    ("ConstantLR", dict(factor=1.5), ValueError, "1.5"),
    ("ConstantLR", dict(factor=-0.1), ValueError, "-0.1"),
    ("MultiplicativeLR", dict(lr_lambda=0.9), TypeError, "float"),
    ("MultiplicativeLR", dict(lr_lambda=[lambda e: 0.9]), ValueError, "2 lr_lambdas, but got 1"),
])
def test_bad_arguments_raise_like_torch(name, options, error, says):
    ours, theirs = pair()
    with pytest.raises(error):
        getattr(torch.optim.lr_scheduler, name)(theirs, **options)
    with pytest.raises(error, match=re.escape(says)):
        getattr(ours_sched, name)(ours, **options)


COMPOSITES = [
    lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.1, total_iters=7),
                                     m.ExponentialLR(o, gamma=0.95)]),
    lambda m, o: m.ChainedScheduler([m.MultiplicativeLR(o, lambda e: 0.98), m.StepLR(o, 5, 0.5),
                                     m.PolynomialLR(o, total_iters=40)], optimizer=o),
    lambda m, o: m.SequentialLR(o, [m.ConstantLR(o, factor=0.2, total_iters=4),
                                    m.PolynomialLR(o, total_iters=30, power=2.0),
                                    m.MultiplicativeLR(o, lambda e: 0.97)], milestones=[6, 25]),
    lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=5),
                                    m.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2)],
                        milestones=[5]),
    lambda m, o: m.SequentialLR(o, [m.CosineAnnealingWarmRestarts(o, T_0=6, eta_min=0.01),
                                    m.ExponentialLR(o, gamma=0.9)], milestones=[20]),
    lambda m, o: m.ChainedScheduler([m.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=3),
                                     m.MultiplicativeLR(o, lambda e: 0.99)]),
    lambda m, o: m.SequentialLR(o, [m.ConstantLR(o, factor=0.5, total_iters=3),
                                    m.CyclicLR(o, 0.01, 0.1, step_size_up=4)], milestones=[6]),
    lambda m, o: m.ChainedScheduler([m.CyclicLR(o, 0.01, 0.1, step_size_up=4, mode="exp_range",
                                                gamma=0.98),
                                     m.MultiplicativeLR(o, lambda e: 0.99)]),
    lambda m, o: m.SequentialLR(o, [m.ChainedScheduler([m.ExponentialLR(o, 0.9),
                                                        m.ConstantLR(o, 0.5, 10)]),
                                    m.PolynomialLR(o, total_iters=20)], milestones=[15]),
]


@pytest.mark.parametrize("build", COMPOSITES)
def test_chained_and_sequential_with_the_new_schedules(build):
    ours, theirs = pair()
    a = run(ours, build(ours_sched, ours))
    b = run(theirs, build(torch.optim.lr_scheduler, theirs))
    same(a, b)
    assert len({tuple(x) for x in a}) > 5
    resumes_like_torch(build)


def test_chained_scheduler_errors_like_torch():
    for side, module in enumerate((ours_sched, torch.optim.lr_scheduler)):
        opt, other = pair()[side], pair()[side]
        with pytest.raises(ValueError, match="at least one"):
            module.ChainedScheduler([])
        with pytest.raises(ValueError, match="ReduceLROnPlateau"):
            module.ChainedScheduler([module.StepLR(opt, 2), module.ReduceLROnPlateau(opt)])
        with pytest.raises(ValueError, match="same optimizer"):
            module.ChainedScheduler([module.StepLR(opt, 2), module.StepLR(other, 2)])
        with pytest.raises(TypeError, match="optimizer"):
            module.ChainedScheduler([module.StepLR(opt, 2), object()])


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_fractional_and_interleaved_epochs_like_torch(T_mult):
    """step(epoch + i / iters) anneals within epochs; step() then goes on from the jump."""
    ours, theirs = pair()
    options = dict(T_0=2, T_mult=T_mult, eta_min=0.002)
    sched = ours_sched.CosineAnnealingWarmRestarts(ours, **options)
    ref = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs, **options)
    fractions = [e + i / 7 for e in range(12) for i in range(7)]
    epochs = fractions + [30, None, None, 3.25, None, 0.5, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PyTorch warns neither for step(epoch) nor for the order
        for epoch in epochs:
            for opt, s in ((ours, sched), (theirs, ref)):
                opt.step()
                s.step(epoch)
            same(sched.get_last_lr() + [sched.T_cur, sched.T_i, sched.last_epoch],
                 ref.get_last_lr() + [ref.T_cur, ref.T_i, ref.last_epoch])


@pytest.mark.parametrize("options,says", [
    (dict(T_0=0), "T_0, but got 0"),
    (dict(T_0=2.5), "T_0, but got 2.5"),
    (dict(T_0=3, T_mult=0), "T_mult >= 1, but got 0"),
    (dict(T_0=3, T_mult=1.5), "T_mult >= 1, but got 1.5"),
    (dict(T_0=3, eta_min="0"), "eta_min, but got 0"),
])
def test_warm_restarts_bad_arguments_like_torch(options, says):
    ours, theirs = pair()
    with pytest.raises(ValueError):
        torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs, **options)
    with pytest.raises(ValueError, match=re.escape(says)):
        ours_sched.CosineAnnealingWarmRestarts(ours, **options)
    for opt, module in ((ours, ours_sched), (theirs, torch.optim.lr_scheduler)):
        with pytest.raises(ValueError, match="non-negative epoch, but got -1"):
            module.CosineAnnealingWarmRestarts(opt, T_0=3).step(-1)


def test_cyclic_scale_fn_object_state_travels():
    opt, _ = pair()
    sched = ours_sched.CyclicLR(opt, 0.01, 0.1, step_size_up=3, scale_fn=Halving(0.5))
    sched.step()
    sched._scale_fn_custom.base = 0.8
    saved = sched.state_dict()
    assert saved["_scale_fn_custom"] == {"base": 0.8}
    again = ours_sched.CyclicLR(opt, 0.01, 0.1, step_size_up=3, scale_fn=Halving(0.5))
    again.load_state_dict(saved)
    assert again.scale_fn(2) == 0.8 ** 2 and again.last_epoch == 1
    plain = ours_sched.CyclicLR(opt, 0.01, 0.1, scale_fn=lambda c: 1.0).state_dict()
    assert plain["_scale_fn_custom"] is None


def test_cyclic_cycles_rmsprop_momentum_like_torch():
    ours, theirs = pair("RMSprop", momentum=0.5)
    a = run(ours, ours_sched.CyclicLR(ours, 0.01, 0.1, step_size_up=4, mode="triangular2"), 30)
    b = run(theirs, torch.optim.lr_scheduler.CyclicLR(theirs, 0.01, 0.1, step_size_up=4,
                                                      mode="triangular2"), 30)
    same(a, b)


@pytest.mark.parametrize("opt_name,options,their_error,says", [
    ("SGD", dict(mode="triangle"), ValueError, "got 'triangle'"),
    ("SGD", dict(step_size_up=0), ZeroDivisionError, "step_size_up must be positive, got 0"),
    ("SGD", dict(base_lr=[0.1, 0.2, 0.3]), ValueError, "base_lr has 3 values"),
    ("SGD", dict(max_momentum=[0.9]), ValueError, "max_momentum has 1 values"),
    ("Adagrad", dict(), ValueError, "cycle_momentum"),
])
def test_cyclic_bad_arguments_like_torch(opt_name, options, their_error, says):
    ours, theirs = pair(opt_name, **({"momentum": 0.9} if opt_name == "SGD" else {"lr_decay": 0.0}))
    options = {"base_lr": 0.01, "max_lr": 0.1, **options}
    with pytest.raises(their_error):
        torch.optim.lr_scheduler.CyclicLR(theirs, **options)
    with pytest.raises(ValueError, match=re.escape(says)):
        ours_sched.CyclicLR(ours, **options)
