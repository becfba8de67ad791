"""Data-parallel training across processes (PyTorch's ``torch.nn.parallel``)."""
from __future__ import annotations

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
