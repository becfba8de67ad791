"""``Trainer``: the PyTorch-style loop (forward, loss, backward, step) for the common case.

The manual loop stays first-class; the trainer only packages what every run
re-writes: epochs, validation, running metrics, scheduler stepping, progress,
checkpoints that resume exactly, a clean Ctrl-C, and a stop on a NaN loss.
One epoch is::

    for x, y in train_loader:
        loss = loss_fn(model(x), y)          # stop if not finite
        optimizer.zero_grad(); loss.backward(); optimizer.step()
        scheduler.step()                     # scheduler_interval="batch"
    validate; scheduler.step(); callbacks; log

Resuming: a checkpoint holds the model, optimizer, scheduler, epoch and batch,
rosenblatt's default RNG state and the train loader's generator state (taken
at the start of the epoch and after the last finished batch).  A resumed run
replays the interrupted epoch's shuffle, skips the finished batches and ends
with the same weights, bit for bit, as a run never stopped.

Data-parallel runs (``mpiexec -n N``, a ``DistributedDataParallel`` model and a
``DistributedSampler``): the trainer sets the sampler's epoch, reports the
loss over every rank's samples (metrics are this rank's), stops all ranks
together, and lets rank 0 alone log, show progress and write checkpoints.
An end-of-epoch checkpoint resumes on any number of ranks.

Ctrl-C: the first press finishes the current batch, saves
``interrupted.safetensors`` in ``checkpoint_dir`` (or the ``ModelCheckpoint``
folder) and returns from ``fit`` with ``trainer.interrupted = True``; a second
press aborts at once.  With nowhere to save, the interrupt propagates.
"""
from __future__ import annotations

import copy
import math
import os
import signal
import threading
import time
from typing import Any, Callable, Iterable, Sequence

from .._backend import xp
from ..autograd import no_grad
from ..distributed import ReduceOp, all_reduce, get_rank, get_world_size
from ..random import get_rng_state, set_rng_state
from ..tensor import Tensor
from .callbacks import Callback, ModelCheckpoint
from .metrics import Metric
from .progress import ProgressBar

_FORMAT = "rosenblatt.Trainer/1"


def _is_plateau(scheduler: Any) -> bool:
    return type(scheduler).__name__ == "ReduceLROnPlateau"


def _batch_size(target: Any) -> int:
    return len(target) if isinstance(target, Tensor) and target.ndim else 1


def _fmt(key: str, value: float) -> str:
    return f"{key} {value:.2%}" if "acc" in key else f"{key} {value:.4f}"


class Trainer:
    """Train ``model`` with ``optimizer`` on ``loss_fn(model(x), y)``.

    Args:
        model: a ``nn.Module`` taking a batch's inputs.
        optimizer: a ``rosenblatt.optim`` optimizer over the model's parameters.
        loss_fn: ``(output, target) -> scalar Tensor``, e.g. ``nn.CrossEntropyLoss()``.
        metrics: ``Metric`` objects computed on training batches and validation data.
        scheduler: a learning-rate scheduler, or None.
        scheduler_interval: ``"epoch"`` (after validation) or ``"batch"`` (after every
            optimizer step). ``ReduceLROnPlateau`` gets ``val_loss`` (``loss`` without
            validation data) once per epoch.
        callbacks: ``Callback`` objects (``EarlyStopping``, ``ModelCheckpoint``, ``MetricsLogger``).
        progress: show a progress bar per epoch (tqdm when installed, else plain lines).
        checkpoint_dir: where Ctrl-C saves ``interrupted.safetensors`` (default: the
            ``ModelCheckpoint`` folder, if any).
        log: prints the per-epoch summary lines. Default ``print``; ``None`` for silence.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn, optim
        >>> from rosenblatt.data import DataLoader, TensorDataset
        >>> from rosenblatt.training import Accuracy
        >>> x = rb.randn(64, 2, generator=rb.Generator(0)); y = (x[:, 0] > 0).long()
        >>> model = nn.Linear(2, 2)
        >>> trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.5), nn.CrossEntropyLoss(),
        ...                   metrics=[Accuracy()], progress=False, log=None)
        >>> history = trainer.fit(DataLoader(TensorDataset(x, y), batch_size=16), epochs=20)
        >>> history[-1]["accuracy"] > 0.9
        True
    """

    def __init__(self, model: Any, optimizer: Any, loss_fn: Callable[[Any, Any], Tensor], *,
                 metrics: Sequence[Metric] = (), scheduler: Any = None, scheduler_interval: str = "epoch",
                 callbacks: Sequence[Callback] = (), progress: bool = True,
                 checkpoint_dir: str | os.PathLike | None = None,
                 log: Callable[[str], Any] | None = print) -> None:
        if scheduler_interval not in ("epoch", "batch"):
            raise ValueError(f"Trainer: scheduler_interval must be 'epoch' or 'batch', got {scheduler_interval!r}")
        if scheduler_interval == "batch" and _is_plateau(scheduler):
            raise ValueError("Trainer: ReduceLROnPlateau steps on a validation value once per epoch; "
                             "use scheduler_interval='epoch'")
        names = [m.name for m in metrics]
        if len(set(names)) != len(names) or "loss" in names:
            raise ValueError(f"Trainer: metric names must be distinct and not 'loss', got {names}")
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.metrics = list(metrics)
        self.scheduler, self.scheduler_interval = scheduler, scheduler_interval
        # checkpoints run last, so the files they write hold the other callbacks' updated state
        self.callbacks = sorted(callbacks, key=lambda c: isinstance(c, ModelCheckpoint))
        self.progress = progress
        if checkpoint_dir is None:
            checkpoint_dir = next((c.directory for c in self.callbacks if isinstance(c, ModelCheckpoint)), None)
        self.checkpoint_dir = None if checkpoint_dir is None else os.fspath(checkpoint_dir)
        self._log = log
        self.history: list[dict[str, float]] = []
        self.epoch = 0          # finished epochs
        self.global_step = 0    # finished optimizer steps
        self.stop_training = self.interrupted = False
        self.last_finite_loss: float | None = None
        self.train_loader: Any = None
        self._batch = 0         # finished batches of the current epoch
        self._loss_sum, self._samples = 0.0, 0
        self._rng = self._loader_rng = self._epoch_rng = self._epoch_loader_rng = None
        self._sigint = False
        # data-parallel (mpiexec): rank 0 alone logs, shows progress and writes checkpoints
        self.rank, self.world_size = get_rank(), get_world_size()

    def log(self, message: str) -> None:
        if self._log is not None and self.rank == 0:
            self._log(message)

    # ---------------------------------------------------------------- the loop

    def compute_loss(self, batch: Any) -> tuple[Tensor, Any, Any]:
        """``(loss, output, target)`` for one batch; override for batches other than ``(x, y)``."""
        x, y = batch
        output = self.model(x)
        return self.loss_fn(output, y), output, y

    def fit(self, train_loader: Iterable, val_loader: Iterable | None = None, epochs: int = 1,
            resume: str | os.PathLike | None = None) -> list[dict[str, float]]:
        """Train until ``epochs`` epochs are finished (counting those of a resumed checkpoint).

        Returns ``self.history``: one dict per epoch with ``epoch``, ``loss``, the
        metrics, ``val_loss`` and ``val_<metric>``, ``lr`` and ``seconds``.

        Raises:
            FloatingPointError: the loss became NaN or infinite; the message names the
                step and the last finite loss.
        """
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"Trainer.fit: epochs must be a non-negative int, got {epochs!r}")
        self.train_loader, self.stop_training, self.interrupted = train_loader, False, False
        if resume is not None:
            self.load_checkpoint(resume)
        for cb in self.callbacks:
            cb.on_train_begin(self)
        previous = self._install_sigint()
        try:
            while self.epoch < epochs and not self.stop_training:
                self._run_epoch(train_loader, val_loader, epochs)
        except KeyboardInterrupt:
            if self.checkpoint_dir is None:
                raise
            path = os.path.join(self.checkpoint_dir, "interrupted.safetensors")
            os.makedirs(self.checkpoint_dir, exist_ok=True)
            self.save_checkpoint(path)
            self.interrupted = True
            self.log(f"interrupted at epoch {self.epoch + 1}, batch {self._batch}; checkpoint saved to "
                     f"{path} (continue with resume={path!r})")
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        for cb in self.callbacks:
            cb.on_train_end(self)
        return self.history

    def _install_sigint(self) -> Any:
        """First Ctrl-C: finish the batch, then stop; second: abort. Main thread only."""
        if self.checkpoint_dir is None or threading.current_thread() is not threading.main_thread():
            return None
        self._sigint = False

        def handler(signum: int, frame: Any) -> None:
            if self._sigint:
                raise KeyboardInterrupt
            self._sigint = True
            self.log("\nCtrl-C: finishing this batch and saving a checkpoint (press again to abort)")

        return signal.signal(signal.SIGINT, handler)

    def _generator(self, loader: Any) -> Any:
        return getattr(loader, "generator", None)

    def _run_epoch(self, loader: Iterable, val_loader: Iterable | None, epochs: int) -> None:
        gen, skip = self._generator(loader), self._batch
        if skip == 0:
            self._epoch_rng = get_rng_state()
            self._epoch_loader_rng = gen.get_state() if gen is not None else None
            self._loss_sum, self._samples = 0.0, 0
            for m in self.metrics:
                m.reset()
        else:  # resumed mid-epoch: replay this epoch's shuffle, then the state after the last batch
            set_rng_state(self._epoch_rng)
            if gen is not None and self._epoch_loader_rng is not None:
                gen.set_state(self._epoch_loader_rng)
        sampler = getattr(loader, "sampler", None)
        if hasattr(sampler, "set_epoch"):  # DistributedSampler: this epoch's order, also after a resume
            sampler.set_epoch(self.epoch)
        for cb in self.callbacks:
            cb.on_epoch_begin(self, self.epoch)
        self.model.train()
        total = len(loader) if hasattr(loader, "__len__") else None
        start = time.perf_counter()
        show = self.progress and self._log is not None and self.rank == 0
        with ProgressBar(total, f"epoch {self.epoch + 1}/{epochs}", plain=not show,
                         every=5.0 if show else math.inf) as bar:
            for i, batch in enumerate(loader):
                if i < skip:
                    if i == skip - 1:
                        set_rng_state(self._rng)
                        if gen is not None and self._loader_rng is not None:
                            gen.set_state(self._loader_rng)
                    continue
                loss, n = self._train_step(batch, i, total)
                bar.update(n, loss)
                self._batch = i + 1
                self._rng = get_rng_state()
                self._loader_rng = gen.get_state() if gen is not None else None
                for cb in self.callbacks:
                    cb.on_batch_end(self, i, loss)
                if self._sigint:
                    raise KeyboardInterrupt
                if self.stop_training:
                    break
            rate = bar.rate
        logs = self._epoch_logs(val_loader)
        logs["seconds"] = time.perf_counter() - start
        self.epoch, self._batch = self.epoch + 1, 0
        self._step_scheduler_epoch(logs)
        self.history.append(logs)
        self.log(f"epoch {self.epoch:>{len(str(epochs))}}/{epochs}  "
                 + "  ".join(_fmt(k, v) for k, v in logs.items() if k not in ("epoch", "seconds", "lr"))
                 + f"  ({rate:,.0f} samples/s, {logs['seconds']:.1f} s)")
        for cb in self.callbacks:
            cb.on_epoch_end(self, self.epoch, logs)
        if self.world_size > 1:  # stop together: a rank that stopped alone would leave the others waiting
            stop = Tensor._wrap(xp.array([int(self.stop_training)]))
            all_reduce(stop, op=ReduceOp.MAX)
            self.stop_training = bool(stop.item())

    def _train_step(self, batch: Any, i: int, total: int | None) -> tuple[float, int]:
        loss, output, target = self.compute_loss(batch)
        value = loss.item()
        if not math.isfinite(value):
            where = f"epoch {self.epoch + 1}, batch {i + 1}" + (f"/{total}" if total else "")
            last = ("no finite loss before it" if self.last_finite_loss is None
                    else f"last finite loss {self.last_finite_loss:.6g} at step {self.global_step}")
            raise FloatingPointError(
                f"Trainer: loss is {value} at step {self.global_step + 1} ({where}); {last}. "
                f"Training stopped: try a lower learning rate, gradient clipping or checking the inputs")
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        if self.scheduler is not None and self.scheduler_interval == "batch":
            self.scheduler.step()
        self.global_step += 1
        self.last_finite_loss = value
        n = _batch_size(target)
        self._loss_sum += value * n
        self._samples += n
        output = output.detach() if isinstance(output, Tensor) else output
        for m in self.metrics:
            m.update(output, target)
        return value, n

    def _epoch_logs(self, val_loader: Iterable | None) -> dict[str, float]:
        loss_sum, samples = self._loss_sum, self._samples
        if self.world_size > 1:  # the loss over every rank's samples; metrics stay this rank's
            both = Tensor._wrap(xp.array([loss_sum, samples], dtype=xp.float64))
            all_reduce(both)
            loss_sum, samples = both.tolist()
        logs: dict[str, float] = {"epoch": self.epoch + 1,
                                  "loss": loss_sum / samples if samples else math.nan}
        for m in self.metrics:
            value = m.compute()
            if isinstance(value, (int, float)):
                logs[m.name] = float(value)
        if val_loader is not None:
            for k, v in self.evaluate(val_loader).items():
                if isinstance(v, (int, float)):
                    logs[f"val_{k}"] = float(v)
        logs["lr"] = float(self.optimizer.param_groups[0]["lr"])
        return logs

    def _step_scheduler_epoch(self, logs: dict[str, float]) -> None:
        if self.scheduler is None or self.scheduler_interval != "epoch":
            return
        if _is_plateau(self.scheduler):
            self.scheduler.step(logs.get("val_loss", logs["loss"]))
        else:
            self.scheduler.step()

    def evaluate(self, loader: Iterable, metrics: Sequence[Metric] | None = None) -> dict[str, Any]:
        """Mean loss and metric values over ``loader`` in eval mode without gradients.

        Uses fresh copies of the trainer's metrics unless ``metrics`` is given;
        non-scalar results (a confusion matrix) are included as arrays.
        """
        metrics = [copy.deepcopy(m) for m in self.metrics] if metrics is None else list(metrics)
        for m in metrics:
            m.reset()
        was_training = self.model.training
        self.model.eval()
        loss_sum, samples = 0.0, 0
        with no_grad():
            for batch in loader:
                loss, output, target = self.compute_loss(batch)
                n = _batch_size(target)
                loss_sum += loss.item() * n
                samples += n
                for m in metrics:
                    m.update(output, target)
        self.model.train(was_training)
        results: dict[str, Any] = {"loss": loss_sum / samples if samples else math.nan}
        results.update({m.name: m.compute() for m in metrics})
        return results

    def predict(self, loader: Iterable) -> Tensor:
        """The model's outputs over ``loader`` (inputs are each batch's first item), concatenated."""
        from ..ops import cat
        was_training = self.model.training
        self.model.eval()
        with no_grad():
            outputs = [self.model(batch[0] if isinstance(batch, (tuple, list)) else batch) for batch in loader]
        self.model.train(was_training)
        return cat(outputs)

    # ---------------------------------------------------------------- checkpoints

    def state_dict(self) -> dict[str, Any]:
        """Everything a resume needs, as tensors, numbers, strings, lists and dicts (no pickle)."""
        gen = self._generator(self.train_loader)
        between_epochs = self._batch == 0
        return {
            "format": _FORMAT,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
            "epoch": self.epoch, "batch": self._batch, "global_step": self.global_step,
            "rng": get_rng_state() if between_epochs else self._rng,
            "loader_rng": (gen.get_state() if gen is not None else None) if between_epochs else self._loader_rng,
            "epoch_rng": self._epoch_rng, "epoch_loader_rng": self._epoch_loader_rng,
            "history": self.history, "last_finite_loss": self.last_finite_loss,
            "loss_sum": self._loss_sum, "samples": self._samples,
            "metrics": [m.state_dict() for m in self.metrics],
            "callbacks": [[type(c).__name__, c.state_dict()] for c in self.callbacks],
            "world_size": self.world_size,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict) or state.get("format") != _FORMAT:
            raise ValueError("Trainer.load_state_dict: not a Trainer checkpoint (no 'format': "
                             f"{_FORMAT!r}); load model weights with model.load_state_dict(load(path)['model'])")
        kinds = [type(c).__name__ for c in self.callbacks]
        saved = [name for name, _ in state["callbacks"]]
        if kinds != saved:
            raise ValueError(f"Trainer.load_state_dict: the checkpoint was written with callbacks {saved}, "
                             f"this trainer has {kinds}; resume with the same callbacks")
        saved_world = state.get("world_size", 1)
        if state["batch"] and saved_world != self.world_size:
            raise ValueError(f"Trainer.load_state_dict: this checkpoint stopped inside an epoch on {saved_world} "
                             f"rank(s); resume it on {saved_world}, or resume an end-of-epoch checkpoint "
                             f"(ModelCheckpoint's) on any number of ranks")
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.scheduler is not None and state["scheduler"] is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        self.epoch, self._batch, self.global_step = state["epoch"], state["batch"], state["global_step"]
        self._rng, self._loader_rng = state["rng"], state["loader_rng"]
        self._epoch_rng, self._epoch_loader_rng = state["epoch_rng"], state["epoch_loader_rng"]
        self.history = [dict(row) for row in state["history"]]
        self.last_finite_loss = state["last_finite_loss"]
        self._loss_sum, self._samples = state["loss_sum"], state["samples"]
        for m, s in zip(self.metrics, state["metrics"]):
            m.load_state_dict(s)
        for c, (_, s) in zip(self.callbacks, state["callbacks"]):
            c.load_state_dict(s)
        if self._batch == 0:  # between epochs: continue the streams where they stopped
            set_rng_state(self._rng)
            gen = self._generator(self.train_loader)
            if gen is not None and self._loader_rng is not None:
                gen.set_state(self._loader_rng)

    def save_checkpoint(self, path: str | os.PathLike) -> None:
        """Write ``state_dict()`` to ``path`` with ``rosenblatt.save`` (atomic safetensors); rank 0 only."""
        if self.rank != 0:  # the replicas are identical; one writer
            return
        from ..serialization import save
        save(self.state_dict(), path)

    def load_checkpoint(self, path: str | os.PathLike) -> None:
        """Restore a checkpoint written by ``save_checkpoint`` (call before ``fit``, or pass ``resume=``)."""
        from ..serialization import load
        self.load_state_dict(load(path))


def fit(model: Any, optimizer: Any, loss_fn: Callable[[Any, Any], Tensor], train_loader: Iterable,
        val_loader: Iterable | None = None, epochs: int = 1, **options: Any) -> Trainer:
    """One-call training: ``Trainer(model, optimizer, loss_fn, **options).fit(...)``; returns the trainer."""
    resume = options.pop("resume", None)
    trainer = Trainer(model, optimizer, loss_fn, **options)
    trainer.fit(train_loader, val_loader, epochs, resume=resume)
    return trainer
