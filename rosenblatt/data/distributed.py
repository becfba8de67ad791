"""``DistributedSampler``: each rank's share of a dataset, as ``torch.utils.data.distributed``."""
from __future__ import annotations

import math
from typing import Any, Sized

from .._backend import xp
from ..random import Generator
from .sampler import Sampler


class DistributedSampler(Sampler):
    """The indices rank ``rank`` of ``num_replicas`` visits this epoch.

    Every rank draws the same permutation (from ``seed + epoch``), makes its
    length a multiple of ``num_replicas`` (``drop_last=False`` repeats indices
    from its start, ``True`` drops the tail) and takes every
    ``num_replicas``-th index from position ``rank``.  So the ranks' shares are
    disjoint, cover the dataset (each sample once, unless padded), and have the
    same length, so every rank runs the same number of batches and no rank
    waits forever in a gradient all-reduce.  Call ``set_epoch(epoch)`` before
    each epoch for a new order (``training.Trainer`` does it).

    Args:
        dataset: the dataset (only its length is used).
        num_replicas: the number of ranks (default: ``distributed.get_world_size()``).
        rank: this rank (default: ``distributed.get_rank()``).
        shuffle: permute the indices (default True); False keeps ``0, 1, 2, ...``.
        seed: the shared seed; must be the same on every rank. Default 0.
        drop_last: drop the tail instead of padding. Default False.

    Example:
        >>> [list(DistributedSampler(range(5), num_replicas=2, rank=r, shuffle=False)) for r in (0, 1)]
        [[0, 2, 4], [1, 3, 0]]
    """

    def __init__(self, dataset: Sized, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            from .. import distributed
            num_replicas = distributed.get_world_size() if num_replicas is None else num_replicas
            rank = distributed.get_rank() if rank is None else rank
        if not isinstance(num_replicas, int) or num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive int, got {num_replicas!r}")
        if not isinstance(rank, int) or not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: invalid rank {rank!r}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        n = len(dataset)
        if drop_last and n < num_replicas:
            raise ValueError(f"DistributedSampler: with drop_last=True, {n} samples leave nothing for "
                             f"{num_replicas} ranks; use drop_last=False (pads) or fewer ranks")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last = shuffle, int(seed), drop_last
        self.epoch = 0
        self.num_samples = n // num_replicas if drop_last else math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def set_epoch(self, epoch: int) -> None:
        """Use epoch ``epoch``'s order (the permutation comes from ``seed + epoch``)."""
        self.epoch = int(epoch)

    def _index_array(self) -> Any:
        n = len(self.dataset)
        if self.shuffle:
            indices = Generator(self.seed + self.epoch).numpy.permutation(n)
        else:
            indices = xp.arange(n)
        if self.total_size > n:  # pad by repeating from the start (several times for tiny datasets)
            indices = xp.resize(indices, self.total_size)
        return indices[self.rank:self.total_size:self.num_replicas]

    def __len__(self) -> int:
        return self.num_samples
