"""MNIST with a 784-512-256-10 ReLU MLP: the classic feedforward baseline.

Keras' reference MLP reaches 98.40% test accuracy; this recipe's target is
>= 98.0%.  Plain PyTorch-style loop: SGD with Nesterov momentum, a cosine
learning-rate schedule and light weight decay.

Run: ``rosenblatt train mnist-mlp`` (or ``python -m rosenblatt train mnist-mlp``).
"""
from __future__ import annotations

from typing import Any

import rosenblatt as rb
from rosenblatt import nn
from rosenblatt.datasets import MNIST

from ._classification import fit, image_tensors

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # of the training images, scaled to [0, 1]


def mlp() -> nn.Module:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512), nn.ReLU(),
        nn.Linear(512, 256), nn.ReLU(),
        nn.Linear(256, 10),
    )


def train(epochs: int = 15, batch_size: int = 128, lr: float = 0.05, seed: int = 0,
          data_dir: str | None = None, limit: int | None = None, log: Any = print) -> dict[str, Any]:
    """Train the MLP and return ``{'test_accuracy', 'test_error', 'seconds', ...}``.

    ``limit`` keeps only the first ``limit`` training and test images (for quick runs).
    """
    rb.manual_seed(seed)
    train_set = image_tensors(MNIST, data_dir, True, MNIST_MEAN, MNIST_STD, limit)
    test_set = image_tensors(MNIST, data_dir, False, MNIST_MEAN, MNIST_STD, limit)
    return fit(mlp(), train_set, test_set, epochs=epochs, batch_size=batch_size, lr=lr,
               weight_decay=1e-4, seed=seed, augment=None, log=log)
