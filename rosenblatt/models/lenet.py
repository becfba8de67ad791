"""LeNet-5 (LeCun et al., 1998) for 28x28 grey images, in its common modern form.

Two conv-activation-pool stages and three fully connected layers::

    (N, 1, 28, 28) -conv5x5 pad 2-> (N, 6, 28, 28) -pool-> (N, 6, 14, 14)
                   -conv5x5------> (N, 16, 10, 10) -pool-> (N, 16, 5, 5)
                   -flatten-> 400 -> 120 -> 84 -> num_classes

The original used 32x32 inputs (hence the padding of 2 here), tanh, average
pooling ("subsampling") and sparse C3 connections; ``LeNetConfig`` keeps the
activation and pooling choosable, with ReLU and max pooling as defaults because
they train faster.  About 61.7k parameters.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import nn
from ..tensor import Tensor


@dataclass
class LeNetConfig:
    in_channels: int = 1
    num_classes: int = 10
    activation: str = "relu"   # 'relu' or 'tanh' (the 1998 paper's squashing function)
    pooling: str = "max"       # 'max' or 'avg' (the paper's subsampling)


class LeNet5(nn.Module):
    """LeNet-5: conv(6)-pool-conv(16)-pool, then 400-120-84-``num_classes``.

    Args:
        config: a ``LeNetConfig`` (defaults: ReLU, max pooling, ten classes).

    Shape: ``(N, in_channels, 28, 28) -> (N, num_classes)``.

    Example:
        >>> import rosenblatt as rb
        >>> LeNet5()(rb.randn(2, 1, 28, 28)).shape
        (2, 10)
    """

    def __init__(self, config: LeNetConfig | None = None) -> None:
        super().__init__()
        c = self.config = config or LeNetConfig()
        if c.activation not in ("relu", "tanh") or c.pooling not in ("max", "avg"):
            raise ValueError(f"LeNet5: activation must be 'relu' or 'tanh' and pooling 'max' or "
                             f"'avg', got {c.activation!r} and {c.pooling!r}")
        act = nn.ReLU if c.activation == "relu" else nn.Tanh
        pool = nn.MaxPool2d if c.pooling == "max" else nn.AvgPool2d
        self.features = nn.Sequential(
            nn.Conv2d(c.in_channels, 6, 5, padding=2), act(), pool(2),   # (N, 6, 14, 14)
            nn.Conv2d(6, 16, 5), act(), pool(2),                         # (N, 16, 5, 5)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),                                                # (N, 400)
            nn.Linear(16 * 5 * 5, 120), act(),
            nn.Linear(120, 84), act(),
            nn.Linear(84, c.num_classes),                                # (N, num_classes)
        )

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 4 or tuple(x.shape[1:]) != (self.config.in_channels, 28, 28):
            raise ValueError(f"LeNet5: expected input (N, {self.config.in_channels}, 28, 28), got "
                             f"shape {tuple(x.shape)}")
        return self.classifier(self.features(x))


__all__ = ["LeNet5", "LeNetConfig"]
