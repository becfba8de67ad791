"""MNIST with a 784-512-256-10 ReLU MLP: the classic feedforward baseline.

Keras' reference MLP reaches 98.40% test accuracy; this recipe's target is
>= 98.0%.  Plain PyTorch-style loop: SGD with Nesterov momentum, a cosine
learning-rate schedule and light weight decay.

Run: ``rosenblatt train mnist-mlp`` (or ``python -m rosenblatt train mnist-mlp``).
"""
from __future__ import annotations

import time
from typing import Any

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt.data import DataLoader, TensorDataset
from rosenblatt.datasets import MNIST


def mlp() -> nn.Module:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512), nn.ReLU(),
        nn.Linear(512, 256), nn.ReLU(),
        nn.Linear(256, 10),
    )


def mnist_tensors(root: str | None, train: bool, limit: int | None = None) -> TensorDataset:
    """MNIST as float32 images scaled to [0, 1] and standardised, with int64 labels."""
    ds = MNIST(root, train=train)
    images = rb.as_tensor(ds.data[:limit]).float() / 255.0
    images = (images - 0.1307) / 0.3081
    return TensorDataset(images, rb.as_tensor(ds.targets[:limit]).long())


def evaluate(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    correct = total = 0
    with rb.no_grad():
        for x, y in loader:
            correct += int((model(x).argmax(1) == y).sum().item())
            total += len(y)
    model.train()
    return correct / total


def train(epochs: int = 15, batch_size: int = 128, lr: float = 0.05, seed: int = 0,
          data_dir: str | None = None, limit: int | None = None, log: Any = print) -> dict[str, Any]:
    """Train the MLP and return ``{'test_accuracy', 'seconds', ...}``.

    ``limit`` keeps only the first ``limit`` training and test images (for quick runs).
    """
    rb.manual_seed(seed)
    train_set = mnist_tensors(data_dir, True, limit)
    test_set = mnist_tensors(data_dir, False, limit)
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                        generator=rb.Generator(seed))
    test_loader = DataLoader(test_set, batch_size=1000)
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True, weight_decay=1e-4)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * len(loader))
    start = time.perf_counter()
    for epoch in range(epochs):
        total = 0.0
        for x, y in loader:
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        accuracy = evaluate(model, test_loader)
        log(f"epoch {epoch + 1:2d}/{epochs}  train loss {total / len(loader):.4f}  "
            f"test accuracy {accuracy:.2%}  ({time.perf_counter() - start:.0f} s)")
    return {"test_accuracy": accuracy, "seconds": time.perf_counter() - start, "epochs": epochs}
