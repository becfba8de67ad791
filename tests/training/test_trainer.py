"""Trainer: learning, running metrics, early stopping, checkpoints, exact resume, NaN stop, Ctrl-C."""
from __future__ import annotations

import csv
import json
import math
import os

import numpy as np
import pytest

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt.data import DataLoader, TensorDataset
from rosenblatt.serialization import load
from rosenblatt.training import (Accuracy, Callback, EarlyStopping, MetricsLogger, ModelCheckpoint,
                                 Trainer, fit)


def blobs(n=240, seed=0):
    """Three Gaussian blobs in 2-d: an easy, generated 3-class problem."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centers = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    x = (centers[y] + 0.5 * rng.standard_normal((n, 2))).astype(np.float32)
    return TensorDataset(rb.from_numpy(x), rb.from_numpy(y.astype(np.int64)))


def setup(seed=0, lr=0.05, scheduler_interval="epoch", **options):
    rb.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    sched = optim.lr_scheduler.StepLR(opt, step_size=3 if scheduler_interval == "epoch" else 20, gamma=0.5)
    loader = DataLoader(blobs(), batch_size=32, shuffle=True, generator=rb.Generator(seed))
    val = DataLoader(blobs(90, seed=1), batch_size=64)
    trainer = Trainer(model, opt, nn.CrossEntropyLoss(), metrics=[Accuracy()], scheduler=sched,
                      scheduler_interval=scheduler_interval, log=None, **options)
    return trainer, loader, val


def weights(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def test_learns_and_reports_history():
    trainer, loader, val = setup()
    history = trainer.fit(loader, val, epochs=6)
    assert [row["epoch"] for row in history] == [1, 2, 3, 4, 5, 6]
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"} <= set(history[-1])
    assert history[-1]["loss"] < history[0]["loss"] / 2
    assert history[-1]["val_accuracy"] > 0.95
    # "lr" is the rate the epoch trained with; StepLR(3, 0.5) halves it after epochs 3 and 6
    assert [row["lr"] for row in history] == pytest.approx([0.05] * 3 + [0.025] * 3)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.0125)


def test_epoch_metrics_are_exact_means_over_samples():
    # with lr=0 and no dropout in eval, the training-epoch loss must equal the loss over the
    # whole set computed in one go: a sample-weighted mean (the last batch is smaller)
    rb.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))
    data = blobs(100)
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.0), nn.CrossEntropyLoss(),
                      metrics=[Accuracy()], log=None)
    history = trainer.fit(DataLoader(data, batch_size=32), epochs=1)
    x, y = data.tensors
    with rb.no_grad():
        out = model(x)
        full_loss = nn.functional.cross_entropy(out, y).item()
    accuracy = float((out.argmax(1) == y).float().mean().item())
    assert history[0]["loss"] == pytest.approx(full_loss, rel=1e-5)
    assert history[0]["accuracy"] == pytest.approx(accuracy)
    results = trainer.evaluate(DataLoader(data, batch_size=7))
    assert results["loss"] == pytest.approx(full_loss, rel=1e-5)
    assert results["accuracy"] == pytest.approx(accuracy)


def test_scheduler_per_batch():
    trainer, loader, val = setup(scheduler_interval="batch")
    trainer.fit(loader, epochs=2)  # 8 batches per epoch -> 16 steps, StepLR(20) not yet decayed
    assert trainer.global_step == 16
    assert trainer.scheduler.last_epoch == 16
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.05)


def test_early_stopping_stops_after_patience():
    trainer, loader, val = setup(lr=0.0, callbacks=[EarlyStopping("val_loss", patience=2)])
    trainer.optimizer.param_groups[0]["momentum"] = 0.0
    history = trainer.fit(loader, val, epochs=10)
    # lr 0: val_loss never improves after epoch 1, so epochs 2 and 3 use up the patience
    assert len(history) == 3
    assert trainer.callbacks[0].stopped_epoch == 3


def test_early_stopping_needs_a_logged_value():
    trainer, loader, _ = setup(callbacks=[EarlyStopping("val_loss")])
    with pytest.raises(ValueError, match="val_loss.*not in the epoch logs"):
        trainer.fit(loader, epochs=1)


def test_checkpoint_best_and_last(tmp_path):
    trainer, loader, val = setup(callbacks=[ModelCheckpoint(tmp_path, monitor="val_loss")])
    history = trainer.fit(loader, val, epochs=5)
    best_epoch = 1 + int(np.argmin([row["val_loss"] for row in history]))
    best, last = load(tmp_path / "best.safetensors"), load(tmp_path / "last.safetensors")
    assert best["epoch"] == best_epoch and last["epoch"] == 5
    for k, v in weights(trainer.model).items():
        np.testing.assert_array_equal(last["model"][k].numpy(), v)
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


def test_metrics_logger_csv_and_json(tmp_path):
    trainer, loader, val = setup(callbacks=[MetricsLogger(tmp_path / "log.csv"), MetricsLogger(tmp_path / "log.json")])
    history = trainer.fit(loader, val, epochs=2)
    with open(tmp_path / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert [float(r["val_loss"]) for r in rows] == pytest.approx([h["val_loss"] for h in history])
    assert json.loads((tmp_path / "log.json").read_text()) == history
    with pytest.raises(ValueError, match=r"\.csv or \.json"):
        MetricsLogger(tmp_path / "log.txt")


def test_resume_between_epochs_matches_uninterrupted(tmp_path):
    trainer, loader, val = setup()
    trainer.fit(loader, val, epochs=4)
    expected = weights(trainer.model)

    first, loader, val = setup(callbacks=[ModelCheckpoint(tmp_path)])
    first.fit(loader, val, epochs=2)
    rb.manual_seed(123)  # the resumed run must not depend on the RNG state it starts in
    resumed, loader, val = setup(seed=0, callbacks=[ModelCheckpoint(tmp_path)])
    rb.randn(5)
    history = resumed.fit(loader, val, epochs=4, resume=tmp_path / "last.safetensors")
    assert [row["epoch"] for row in history] == [1, 2, 3, 4]
    for k, v in weights(resumed.model).items():
        np.testing.assert_array_equal(v, expected[k])
    assert resumed.scheduler.last_epoch == trainer.scheduler.last_epoch


class InterruptAt(Callback):
    def __init__(self, epoch, batch):
        self.at = (epoch, batch)

    def on_batch_end(self, trainer, batch, loss):
        if (trainer.epoch, batch) == self.at:
            raise KeyboardInterrupt


def test_keyboard_interrupt_saves_and_resumes_exactly(tmp_path):
    trainer, loader, val = setup(scheduler_interval="batch")
    trainer.fit(loader, val, epochs=3)
    expected, expected_history = weights(trainer.model), trainer.history

    stopped, loader, val = setup(scheduler_interval="batch", checkpoint_dir=tmp_path,
                                 callbacks=[InterruptAt(epoch=1, batch=4)])
    stopped.fit(loader, val, epochs=3)  # returns normally
    assert stopped.interrupted and stopped.epoch == 1
    path = tmp_path / "interrupted.safetensors"
    assert load(path)["batch"] == 5

    resumed, loader, val = setup(scheduler_interval="batch", checkpoint_dir=tmp_path,
                                 callbacks=[InterruptAt(epoch=-1, batch=-1)])
    resumed.fit(loader, val, epochs=3, resume=path)
    assert not resumed.interrupted
    for k, v in weights(resumed.model).items():
        np.testing.assert_array_equal(v, expected[k])
    # the interrupted epoch's running sums were carried over too
    assert [h["loss"] for h in resumed.history] == [h["loss"] for h in expected_history]


def test_keyboard_interrupt_without_a_place_to_save_propagates():
    trainer, loader, _ = setup(callbacks=[InterruptAt(epoch=0, batch=1)])
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(loader, epochs=1)


def test_resume_refuses_other_files(tmp_path):
    from rosenblatt.serialization import save
    save({"w": rb.ones(2)}, tmp_path / "w.safetensors")
    trainer, loader, _ = setup()
    with pytest.raises(ValueError, match="not a Trainer checkpoint"):
        trainer.fit(loader, epochs=1, resume=tmp_path / "w.safetensors")


def test_nan_loss_stops_with_step_and_last_finite_loss():
    calls = []

    def loss_fn(output, target):
        loss = nn.functional.cross_entropy(output, target)
        calls.append(loss.item())
        return loss * float("nan") if len(calls) == 5 else loss

    trainer, loader, _ = setup()
    trainer.loss_fn = loss_fn
    with pytest.raises(FloatingPointError) as info:
        trainer.fit(loader, epochs=2)
    message = str(info.value)
    assert "step 5" in message and "batch 5/8" in message
    assert f"last finite loss {calls[3]:.6g} at step 4" in message
    assert trainer.global_step == 4


def test_fit_function_and_plain_progress(capsys):
    rb.manual_seed(0)
    model = nn.Linear(2, 3)
    trainer = fit(model, optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss(),
                  DataLoader(blobs(64), batch_size=16), epochs=2, metrics=[Accuracy()])
    out = capsys.readouterr().out
    assert trainer.epoch == 2
    assert "epoch 2/2" in out and "samples/s" in out and "accuracy" in out


def test_bad_options():
    model = nn.Linear(2, 3)
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="scheduler_interval"):
        Trainer(model, opt, nn.CrossEntropyLoss(), scheduler_interval="step")
    with pytest.raises(ValueError, match="distinct"):
        Trainer(model, opt, nn.CrossEntropyLoss(), metrics=[Accuracy(), Accuracy()])
    with pytest.raises(ValueError, match="epochs"):
        Trainer(model, opt, nn.CrossEntropyLoss()).fit([], epochs=-1)
    assert math.isnan(Accuracy().compute())


class SendSigint(Callback):
    def on_batch_end(self, trainer, batch, loss):
        if (trainer.epoch, batch) == (1, 2):
            import signal
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, delivered to the trainer's handler


def test_ctrl_c_finishes_the_batch_saves_and_restores_the_handler(tmp_path):
    import signal
    before = signal.getsignal(signal.SIGINT)
    messages = []
    trainer, loader, val = setup(checkpoint_dir=tmp_path, callbacks=[SendSigint()])
    trainer._log = messages.append
    trainer.fit(loader, val, epochs=3)
    assert trainer.interrupted and trainer.epoch == 1 and trainer._batch == 3
    assert load(tmp_path / "interrupted.safetensors")["batch"] == 3
    assert any("Ctrl-C" in m for m in messages) and any("checkpoint saved" in m for m in messages)
    assert signal.getsignal(signal.SIGINT) is before
