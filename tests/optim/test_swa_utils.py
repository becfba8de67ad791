"""swa_utils follows PyTorch's: AveragedModel's averages (SWA, EMA, per tensor or per list,
buffers or not), update_bn's statistics, SWALR's learning rates; and loads lazily."""
from __future__ import annotations

import subprocess
import sys

import numpy
import pytest
import torch
import torch.optim.swa_utils as torch_swa

import rosenblatt as rb
from rosenblatt.optim import swa_utils

DTYPES = [numpy.float32, numpy.float64]


def make_models(dtype=numpy.float32):
    """The same small network in both libraries (two batch norms: their int64 counts too)."""
    ours = rb.nn.Sequential(rb.nn.Linear(3, 4), rb.nn.BatchNorm1d(4), rb.nn.ReLU(), rb.nn.Linear(4, 2),
                            rb.nn.BatchNorm1d(2, momentum=0.3))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                                 torch.nn.Linear(4, 2), torch.nn.BatchNorm1d(2, momentum=0.3))
    if dtype == numpy.float64:
        ours, theirs = ours.double(), theirs.double()
    for p, q in zip(ours.state_dict().values(), theirs.state_dict().values()):
        q.copy_(torch.tensor(p.data))
    return ours, theirs


def train_both(ours, theirs, rng):
    """Stand-in for an epoch of training: the same new values in both models."""
    for p, q in zip(list(ours.parameters()) + list(ours.buffers()),
                    list(theirs.parameters()) + list(theirs.buffers())):
        if p.data.dtype.kind == "f":
            value = rng.uniform(0.5, 2.0, p.shape).astype(p.data.dtype)
        else:
            value = rng.integers(0, 50, p.shape).astype(p.data.dtype)
        p.data[...] = value
        with torch.no_grad():
            q.copy_(torch.tensor(value))


def assert_same_weights(ours, theirs, dtype):
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == numpy.float32 else dict(rtol=1e-14, atol=1e-15)
    ours_state, theirs_state = ours.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(theirs_state)
    for key, value in ours_state.items():
        expected = theirs_state[key].numpy()
        assert value.data.dtype == expected.dtype, key
        numpy.testing.assert_allclose(value.data, expected, **tol, err_msg=key)


AVERAGES = {
    "swa": lambda lib: {},
    "swa_avg_fn": lambda lib: dict(avg_fn=lib.get_swa_avg_fn()),
    "swa_multi": lambda lib: dict(multi_avg_fn=lib.get_swa_multi_avg_fn()),
    "ema_avg_fn": lambda lib: dict(avg_fn=lib.get_ema_avg_fn(0.9)),
    "ema_multi": lambda lib: dict(multi_avg_fn=lib.get_ema_multi_avg_fn(0.75)),
}


@pytest.mark.parametrize("dtype", DTYPES)
# PyTorch's SWA over lists refuses int64 buffers (addcdiv on integers): no swa_multi with buffers
@pytest.mark.parametrize("average, use_buffers", [(a, b) for a in sorted(AVERAGES) for b in (False, True)
                                                  if (a, b) != ("swa_multi", True)])
def test_averaged_model_follows_torch(average, use_buffers, dtype, rng):
    ours, theirs = make_models(dtype)
    averaged = swa_utils.AveragedModel(ours, use_buffers=use_buffers, **AVERAGES[average](swa_utils))
    ref = torch_swa.AveragedModel(theirs, use_buffers=use_buffers, **AVERAGES[average](torch_swa))
    for _ in range(5):
        train_both(ours, theirs, rng)
        averaged.update_parameters(ours)
        ref.update_parameters(theirs)
        assert_same_weights(averaged, ref, dtype)
    assert averaged.n_averaged.dtype == numpy.int64 and int(averaged.n_averaged) == 5
    x = rng.standard_normal((6, 3)).astype(dtype)
    averaged.eval()
    ref.eval()
    numpy.testing.assert_allclose(averaged(rb.tensor(x)).data, ref(torch.tensor(x)).detach().numpy(),
                                  rtol=1e-5, atol=1e-6)


def test_averaged_model_copies_the_model_deeply(rng):
    ours, _ = make_models()
    averaged = swa_utils.AveragedModel(ours, device="cpu")
    assert averaged.module is not ours and isinstance(averaged.module, rb.nn.Sequential)
    before = [p.data.copy() for p in averaged.parameters()]
    for p in ours.parameters():
        p.data += 1.0
    for p, b in zip(averaged.parameters(), before):
        numpy.testing.assert_array_equal(p.data, b)
    assert all(isinstance(p, rb.nn.Parameter) and p.requires_grad for p in averaged.parameters())
    assert [name for name, _ in averaged.named_parameters()] == [f"module.{n}" for n, _ in ours.named_parameters()]
    assert list(averaged.state_dict())[0] == "n_averaged"


def test_averaged_model_state_dict_round_trip(rng):
    ours, theirs = make_models()
    averaged, ref = swa_utils.AveragedModel(ours), torch_swa.AveragedModel(theirs)
    for _ in range(3):
        train_both(ours, theirs, rng)
        averaged.update_parameters(ours)
        ref.update_parameters(theirs)
    fresh = swa_utils.AveragedModel(make_models()[0])
    fresh.load_state_dict(averaged.state_dict())
    from_torch = swa_utils.AveragedModel(make_models()[0])
    from_torch.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    for _ in range(2):
        train_both(ours, theirs, rng)
        for model in (averaged, fresh, from_torch):
            model.update_parameters(ours)
        ref.update_parameters(theirs)
    assert_same_weights(fresh, ref, numpy.float32)
    assert_same_weights(from_torch, ref, numpy.float32)
    assert int(fresh.n_averaged) == int(from_torch.n_averaged) == 5


def test_averaged_model_rejects_two_averaging_functions():
    model = rb.nn.Linear(2, 2)
    with pytest.raises(ValueError, match="Only one of avg_fn and multi_avg_fn should be provided"):
        swa_utils.AveragedModel(model, avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):  # PyTorch's type
        torch_swa.AveragedModel(torch.nn.Linear(2, 2), avg_fn=torch_swa.get_swa_avg_fn(),
                                multi_avg_fn=torch_swa.get_swa_multi_avg_fn())
    with pytest.raises(TypeError, match="model should be an nn.Module, got Tensor"):
        swa_utils.AveragedModel(rb.ones(2))


def test_averaged_model_with_another_models_buffers_raises():
    averaged = swa_utils.AveragedModel(make_models()[0])
    with pytest.raises(ValueError, match="the averaged copy has 6 buffers, the model passed in 0"):
        averaged.update_parameters(rb.nn.Sequential(
            rb.nn.Linear(3, 4), rb.nn.BatchNorm1d(4, track_running_stats=False), rb.nn.ReLU(),
            rb.nn.Linear(4, 2), rb.nn.BatchNorm1d(2, track_running_stats=False)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_averaging_functions_match_torch(dtype, rng):
    a, b = (rng.standard_normal((3, 4)).astype(dtype) for _ in range(2))
    for name in ("get_swa_avg_fn", "get_ema_avg_fn"):
        ours = getattr(swa_utils, name)()(rb.tensor(a), rb.tensor(b), rb.tensor(numpy.int64(3)))
        theirs = getattr(torch_swa, name)()(torch.tensor(a), torch.tensor(b), torch.tensor(3))
        assert ours.dtype == dtype
        numpy.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)
    for name, args in (("get_swa_multi_avg_fn", ()), ("get_ema_multi_avg_fn", (0.6,))):
        ours, theirs = [rb.tensor(a)], [torch.tensor(a)]
        getattr(swa_utils, name)(*args)(ours, [rb.tensor(b)], rb.tensor(numpy.int64(2)))
        getattr(torch_swa, name)(*args)(theirs, [torch.tensor(b)], torch.tensor(2))
        assert ours[0].dtype == dtype
        numpy.testing.assert_allclose(ours[0].data, theirs[0].numpy(), rtol=1e-6)


@pytest.mark.parametrize("decay", [-0.1, 1.5])
def test_invalid_decay(decay):
    for name in ("get_ema_avg_fn", "get_ema_multi_avg_fn"):
        with pytest.raises(ValueError, match=rf"Invalid decay value {decay} provided. Please provide a value in \[0,1\]"):
            getattr(swa_utils, name)(decay)
        with pytest.raises(ValueError, match="Invalid decay value"):
            getattr(torch_swa, name)(decay)


# ---------------------------------------------------------------------------- update_bn
@pytest.mark.parametrize("batches_as", ["tensors", "tuples"])
def test_update_bn_follows_torch(batches_as, rng):
    ours, theirs = make_models()
    xs = [rng.standard_normal((8, 3)).astype(numpy.float32) * 3 + 1 for _ in range(4)]
    if batches_as == "tensors":
        loader, ref_loader = [rb.tensor(x) for x in xs], [torch.tensor(x) for x in xs]
    else:
        loader = [(rb.tensor(x), rb.zeros(8)) for x in xs]
        ref_loader = [(torch.tensor(x), torch.zeros(8)) for x in xs]
    ours.eval()
    theirs.eval()
    swa_utils.update_bn(loader, ours)
    torch_swa.update_bn(ref_loader, theirs)
    for key, value in ours.state_dict().items():
        numpy.testing.assert_allclose(value.data, theirs.state_dict()[key].numpy(), rtol=1e-5, atol=1e-6)
    assert int(ours[1].num_batches_tracked) == 4
    assert not ours.training and not ours[1].training  # the mode and momenta are restored
    assert ours[1].momentum == 0.1 and ours[4].momentum == 0.3


def test_update_bn_on_an_averaged_model_and_without_batch_norm():
    model = rb.nn.Sequential(rb.nn.Linear(2, 2), rb.nn.BatchNorm1d(2))
    averaged = swa_utils.AveragedModel(model)
    averaged.update_parameters(model)
    swa_utils.update_bn([rb.randn(4, 2), rb.randn(4, 2)], averaged)
    assert int(averaged.module[1].num_batches_tracked) == 2
    assert int(model[1].num_batches_tracked) == 0  # the original is left alone
    plain = rb.nn.Linear(2, 2)
    swa_utils.update_bn(iter(()), plain)  # nothing to do: returns without reading the loader


# -------------------------------------------------------------------------------- SWALR
SWALR_CASES = [
    dict(swa_lr=0.05),
    dict(swa_lr=0.05, anneal_epochs=3, anneal_strategy="linear"),
    dict(swa_lr=[0.02, 0.5], anneal_epochs=4),
    dict(swa_lr=0.2, anneal_epochs=0),
    dict(swa_lr=0.2, anneal_epochs=1, anneal_strategy="linear"),
]


def make_optimizers():
    ours = rb.optim.SGD([{"params": [rb.zeros(2, requires_grad=True)]},
                         {"params": [rb.zeros(1, requires_grad=True)], "lr": 0.3}], lr=1.0)
    theirs = torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)]},
                              {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.3}], lr=1.0)
    return ours, theirs


@pytest.mark.parametrize("options", SWALR_CASES)
@pytest.mark.parametrize("after_cosine", [False, True])
def test_swalr_follows_torch(options, after_cosine):
    opt, ref_opt = make_optimizers()
    if after_cosine:  # SWA's phase after a cosine schedule, as in PyTorch's example
        first = rb.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
        ref_first = torch.optim.lr_scheduler.CosineAnnealingLR(ref_opt, T_max=10)
        for _ in range(4):
            opt.step()
            ref_opt.step()
            first.step()
            ref_first.step()
    sched = swa_utils.SWALR(opt, **options)
    ref = torch_swa.SWALR(ref_opt, **options)
    assert sched.get_last_lr() == pytest.approx(ref.get_last_lr(), rel=1e-12)
    for _ in range(12):  # past the default anneal_epochs=10
        opt.step()
        ref_opt.step()
        sched.step()
        ref.step()
        assert sched.get_last_lr() == pytest.approx(ref.get_last_lr(), rel=1e-12)
    assert [g["swa_lr"] for g in opt.param_groups] == [g["swa_lr"] for g in ref_opt.param_groups]
    assert sched.get_last_lr() == pytest.approx([g["swa_lr"] for g in opt.param_groups])


def test_swalr_state_dict_round_trip():
    opt, _ = make_optimizers()
    sched = swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=5, anneal_strategy="linear")
    for _ in range(2):
        opt.step()
        sched.step()
    saved = sched.state_dict()
    assert "anneal_func" not in saved and "optimizer" not in saved and saved["_anneal_strategy"] == "linear"
    resumed_opt, _ = make_optimizers()
    resumed = swa_utils.SWALR(resumed_opt, swa_lr=1.0)  # cos, 10 epochs: replaced by the saved
    resumed_opt.load_state_dict(opt.state_dict())  # the lrs and swa_lrs
    resumed.load_state_dict(saved)
    assert resumed.anneal_func is swa_utils.SWALR._linear_anneal
    for _ in range(4):
        for o, s in ((opt, sched), (resumed_opt, resumed)):
            o.step()
            s.step()
        assert resumed.get_last_lr() == sched.get_last_lr()


@pytest.mark.parametrize("options,message", [
    (dict(swa_lr=0.1, anneal_strategy="cosine"), r"SWALR: anneal_strategy must be one of 'cos' or 'linear', instead got 'cosine'"),
    (dict(swa_lr=0.1, anneal_epochs=-1), r"SWALR: anneal_epochs must be equal or greater than 0, got -1"),
    (dict(swa_lr=0.1, anneal_epochs=2.5), r"SWALR: anneal_epochs must be equal or greater than 0, got 2\.5 \(an int"),
    (dict(swa_lr=[0.1, 0.2, 0.3]), r"SWALR: swa_lr has 3 values but the optimizer has 2 param groups"),
])
def test_swalr_invalid_arguments(options, message):
    opt, ref_opt = make_optimizers()
    with pytest.raises(ValueError, match=message):
        swa_utils.SWALR(opt, **options)
    with pytest.raises(ValueError):
        torch_swa.SWALR(ref_opt, **options)


# ------------------------------------------------------------------------------ loading
def test_swa_utils_loads_on_first_use_only():
    """``import rosenblatt.optim`` stays free of rosenblatt.nn; ``optim.swa_utils`` brings it."""
    code = ("import sys, rosenblatt, rosenblatt.optim as optim; print('rosenblatt.nn' in sys.modules); "
            "print(optim.swa_utils.AveragedModel.__module__, 'rosenblatt.nn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "rosenblatt.optim.swa_utils", "True"]
    assert rb.optim.swa_utils is swa_utils and "swa_utils" in rb.optim.__all__
    assert set(swa_utils.__all__) == set(torch_swa.__all__)
