"""The supervised image-classification loop the MNIST and Fashion-MNIST recipes share.

SGD with Nesterov momentum, a per-step cosine schedule and weight decay;
test accuracy after every epoch.
"""
from __future__ import annotations

import time
from typing import Any, Callable

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt._backend import xp
from rosenblatt.data import DataLoader, TensorDataset


def image_tensors(dataset_class: type, root: str | None, train: bool, mean: float, std: float,
                  limit: int | None = None) -> TensorDataset:
    """A 28x28 dataset as standardised float32 images (N, 1, 28, 28) and int64 labels."""
    ds = dataset_class(root, train=train)
    images = rb.as_tensor(ds.data[:limit]).float().unsqueeze(1) / 255.0
    return TensorDataset((images - mean) / std, rb.as_tensor(ds.targets[:limit]).long())


def evaluate(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    correct = total = 0
    with rb.no_grad():
        for x, y in loader:
            correct += int((model(x).argmax(1) == y).sum().item())
            total += len(y)
    model.train()
    return correct / total


def fit(model: nn.Module, train_set: TensorDataset, test_set: TensorDataset, *, epochs: int,
        batch_size: int, lr: float, weight_decay: float, seed: int, augment: Callable | None,
        log: Any) -> dict[str, Any]:
    """SGD (Nesterov, cosine schedule) over ``train_set``; test accuracy logged every epoch."""
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=rb.Generator(seed))
    test_loader = DataLoader(test_set, batch_size=1000)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True,
                    weight_decay=weight_decay)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * len(loader))
    rng = xp.random.default_rng(seed)
    start = time.perf_counter()
    accuracy = 0.0
    for epoch in range(epochs):
        total = 0.0
        for x, y in loader:
            if augment is not None:
                x = augment(x, rng)
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        accuracy = evaluate(model, test_loader)
        log(f"epoch {epoch + 1:2d}/{epochs}  train loss {total / len(loader):.4f}  "
            f"test accuracy {accuracy:.2%}  ({time.perf_counter() - start:.0f} s)")
    return {"test_accuracy": accuracy, "test_error": 1.0 - accuracy,
            "seconds": time.perf_counter() - start, "epochs": epochs}
