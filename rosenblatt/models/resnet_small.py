"""A small residual CNN with batch norm for 28x28 grey images (MNIST, Fashion-MNIST).

A conv stem that halves the resolution, then stages of basic residual blocks
(He et al., 2016), each later stage halving it again and doubling the width,
and a two-layer classifier on the flattened 7x7 maps::

    (N, 1, 28, 28) -conv3x3-> (N, w, 28, 28) -maxpool-BN-ReLU-> (N, w, 14, 14)
                   -stage 1 (default: no blocks)-> (N, w, 14, 14)
                   -stage 2 (stride 2)-> (N, 2w, 7, 7)
                   -flatten-> (N, 98w) -Linear-ReLU-Dropout-> (N, hidden) -Linear-> (N, num_classes)

A basic block is ``relu(x' + BN(conv(relu(BN(conv(x))))))`` where ``x'`` is
``x``, or a strided 1x1 conv + BN when the shape changes.  The stem pools before
its batch norm and ReLU (max pooling commutes with ReLU) so that no element-wise
work runs on the full 28x28 grid, where on a CPU it costs as much as the convs.
The flattened head keeps where on the image a feature is, which global average
pooling would throw away (a sleeve vs. a collar matters on Fashion-MNIST).
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import nn
from ..tensor import Tensor


@dataclass
class ResNetSmallConfig:
    in_channels: int = 1
    num_classes: int = 10
    width: int = 32                  # stem and stage-1 channels; each later stage doubles it
    blocks: tuple[int, ...] = (0, 1)  # blocks per stage (14x14, 7x7); more cost time, little accuracy
    hidden: int = 128                # classifier hidden units
    dropout: float = 0.3             # before the last layer; the 0.4M-weight head overfits without it


class BasicBlock(nn.Module):
    """Two 3x3 conv-BN layers with an identity (or 1x1 projection) shortcut."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x: Tensor) -> Tensor:
        h = self.bn1(self.conv1(x)).relu()       # (N, cout, H/s, W/s)
        h = self.bn2(self.conv2(h))              # (N, cout, H/s, W/s)
        return (h + self.shortcut(x)).relu()


class ResNetSmall(nn.Module):
    """Stem (conv, 2x2 max pool, BN, ReLU), residual stages, flatten, two-layer classifier.

    Args:
        config: a ``ResNetSmallConfig`` (~0.46M parameters by default).

    Shape: ``(N, in_channels, 28, 28) -> (N, num_classes)``.

    Example:
        >>> import rosenblatt as rb
        >>> ResNetSmall()(rb.randn(2, 1, 28, 28)).shape
        (2, 10)
    """

    def __init__(self, config: ResNetSmallConfig | None = None) -> None:
        super().__init__()
        c = self.config = config or ResNetSmallConfig()
        w = c.width
        self.stem = nn.Sequential(nn.Conv2d(c.in_channels, w, 3, padding=1, bias=False),
                                  nn.MaxPool2d(2), nn.BatchNorm2d(w), nn.ReLU())
        stages, cin = [], w
        for i, n_blocks in enumerate(c.blocks):
            cout = w * 2 ** i
            for j in range(n_blocks):
                stages.append(BasicBlock(cin, cout, stride=2 if i > 0 and j == 0 else 1))
                cin = cout
        self.stages = nn.Sequential(*stages)
        side = 14 // 2 ** (len(c.blocks) - 1)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(cin * side * side, c.hidden), nn.ReLU(),
                                  nn.Dropout(c.dropout), nn.Linear(c.hidden, c.num_classes))

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 4 or tuple(x.shape[1:]) != (self.config.in_channels, 28, 28):
            raise ValueError(f"ResNetSmall: expected input (N, {self.config.in_channels}, 28, 28), "
                             f"got shape {tuple(x.shape)}")
        h = self.stem(x)                         # (N, w, 14, 14)
        h = self.stages(h)                       # (N, 2w, 7, 7) with two stages
        return self.head(h)                      # (N, num_classes)


__all__ = ["BasicBlock", "ResNetSmall", "ResNetSmallConfig"]
