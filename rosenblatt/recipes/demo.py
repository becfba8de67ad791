"""The demo: a small CNN learns to read handwritten digits, in seconds, offline.

scikit-learn's bundled 8x8 digits (1,797 images, no download) are split 80/20
per class; ``SimpleCNN`` trains with Adam and a per-batch cosine schedule
through ``rosenblatt.training.Trainer`` and reaches about 98% accuracy on
the held-out 20%.  The run directory (``runs/demo``) gets the metrics log,
checkpoints (best and last) and three plots: loss/accuracy curves, the
confusion matrix and a grid of test predictions.

``dataset="mnist"`` trains the same network on MNIST (28x28, from
``data_dir`` or downloaded) instead.

Run: ``rosenblatt demo`` (or ``python -m rosenblatt demo``; ``make demo``).
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable

import numpy

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt.data import DataLoader, TensorDataset
from rosenblatt.models.simple_cnn import SimpleCNN, SimpleCNNConfig
from rosenblatt.training import Accuracy, ConfusionMatrix, MetricsLogger, ModelCheckpoint, Trainer

#: epochs per dataset when not given: digits are tiny; one MNIST epoch (33x larger) already gives ~98.8%.
DEFAULT_EPOCHS = {"digits": 15, "mnist": 1}


def stratified_split(labels: numpy.ndarray, test_fraction: float, seed: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Train and test indices holding ``test_fraction`` of every class in the test part."""
    rng = numpy.random.default_rng(seed)
    train, test = [], []
    for c in numpy.unique(labels):
        idx = rng.permutation(numpy.flatnonzero(labels == c))
        k = int(round(len(idx) * test_fraction))
        test.append(idx[:k])
        train.append(idx[k:])
    return numpy.sort(numpy.concatenate(train)), numpy.sort(numpy.concatenate(test))


def digits_data(seed: int) -> tuple[TensorDataset, TensorDataset]:
    """The 8x8 digits scaled to [0, 1], as (N, 1, 8, 8) float32 and int64 labels, split 80/20."""
    from rosenblatt.datasets import Digits
    ds = Digits()
    images = numpy.asarray(ds.data.data, dtype=numpy.float32)[:, None] / 16.0
    labels = numpy.asarray(ds.targets.data)
    train, test = stratified_split(labels, 0.2, seed)
    make = lambda i: TensorDataset(rb.from_numpy(images[i]), rb.from_numpy(labels[i]))  # noqa: E731
    return make(train), make(test)


def mnist_data(data_dir: str | None) -> tuple[TensorDataset, TensorDataset]:
    """MNIST's official split, (N, 1, 28, 28) float32 standardised, int64 labels."""
    from rosenblatt.datasets import MNIST

    def make(train: bool) -> TensorDataset:
        ds = MNIST(data_dir, train=train)
        images = (numpy.asarray(getattr(ds.data, "data", ds.data), dtype=numpy.float32)[:, None] / 255.0
                  - 0.1307) / 0.3081
        labels = numpy.asarray(getattr(ds.targets, "data", ds.targets), dtype=numpy.int64)
        return TensorDataset(rb.from_numpy(images.astype(numpy.float32)), rb.from_numpy(labels))
    return make(True), make(False)


def train(epochs: int | None = None, batch_size: int = 32, lr: float = 0.005, seed: int = 0,
          data_dir: str | None = None, out: str = os.path.join("runs", "demo"), dataset: str = "digits",
          plots: bool = True, progress: bool = True, log: Callable[[str], Any] | None = print) -> dict[str, Any]:
    """Train the demo CNN; returns ``{'test_accuracy', 'seconds', 'epochs', 'out', 'files'}``."""
    if dataset not in DEFAULT_EPOCHS:
        raise ValueError(f"demo: dataset must be one of {sorted(DEFAULT_EPOCHS)}, got {dataset!r}")
    epochs = DEFAULT_EPOCHS[dataset] if epochs is None else epochs
    say = log if log is not None else (lambda message: None)
    rb.manual_seed(seed)
    start = time.perf_counter()
    train_set, test_set = digits_data(seed) if dataset == "digits" else mnist_data(data_dir)
    size = train_set.tensors[0].shape[-1]
    say(f"{dataset}: {len(train_set)} training and {len(test_set)} held-out images of {size}x{size}; "
        f"SimpleCNN, Adam lr {lr}, {epochs} epochs of batch {batch_size}")
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=rb.Generator(seed))
    test_loader = DataLoader(test_set, batch_size=512)
    model = SimpleCNN(SimpleCNNConfig(image_size=size))
    opt = optim.Adam(model.parameters(), lr=lr)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, epochs * len(loader)))
    os.makedirs(out, exist_ok=True)
    trainer = Trainer(model, opt, nn.CrossEntropyLoss(), metrics=[Accuracy()], scheduler=sched,
                      scheduler_interval="batch", progress=progress, log=log,
                      callbacks=[MetricsLogger(os.path.join(out, "metrics.csv")),
                                 ModelCheckpoint(out, monitor="val_accuracy")])
    trainer.fit(loader, test_loader, epochs=epochs)
    results = trainer.evaluate(test_loader, metrics=[Accuracy(), ConfusionMatrix(10)])
    files = [os.path.join(out, name) for name in ("metrics.csv", "best.safetensors", "last.safetensors")]
    if plots and trainer.history:
        files += _plots(trainer, test_set, results["confusion_matrix"], out, say)
    seconds = time.perf_counter() - start
    say(f"test accuracy {results['accuracy']:.2%} on {len(test_set)} held-out images "
        f"({seconds:.1f} s); run files in {out}/")
    return {"test_accuracy": results["accuracy"], "test_loss": results["loss"], "seconds": seconds,
            "epochs": trainer.epoch, "interrupted": trainer.interrupted, "out": out, "files": files}


def _plots(trainer: Trainer, test_set: TensorDataset, matrix: Any, out: str, say: Callable) -> list[str]:
    try:
        from rosenblatt.training import plots
        images, labels = test_set.tensors
        with rb.no_grad():
            predictions = trainer.model.eval()(images[:40]).argmax(1)
        return [plots.plot_history(trainer.history, os.path.join(out, "curves.png")),
                plots.plot_confusion_matrix(matrix, os.path.join(out, "confusion_matrix.png")),
                plots.plot_predictions(images[:40], labels[:40], predictions,
                                       os.path.join(out, "predictions.png"), count=40)]
    except ImportError as e:
        say(f"plots skipped: {e}")
        return []
