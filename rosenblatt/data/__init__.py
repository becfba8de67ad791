"""Feeding data to a model: datasets, samplers, collation and the ``DataLoader``.

PyTorch's ``torch.utils.data`` names and semantics:

    >>> import rosenblatt as rb
    >>> from rosenblatt.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(rb.randn(100, 4), rb.randint(0, 3, (100,)))
    >>> x, y = next(iter(DataLoader(ds, batch_size=32, shuffle=True)))
    >>> x.shape, y.shape
    ((32, 4), (32,))
"""
from __future__ import annotations

from ._worker import WorkerInfo, get_worker_info
from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .distributed import DistributedSampler
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset,
                      random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "DistributedSampler",
           "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset",
           "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler", "WorkerInfo", "default_collate",
           "default_convert", "get_worker_info", "random_split"]
