"""Data-parallel training: over the cores of one process (``DataParallel``) and across
processes (``DistributedDataParallel``), as PyTorch's ``torch.nn.parallel``."""
from __future__ import annotations

from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
