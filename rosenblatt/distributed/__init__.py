"""Training across processes and machines over MPI (PyTorch's ``torch.distributed``).

Run the same script as ``N`` processes with ``mpiexec -n N python train.py``
(or ``rosenblatt train RECIPE --nproc N``); each process learns its rank and
the world size from MPI, through ``mpi4py`` (``pip install
'rosenblatt[distributed]'``; any cluster's MPI works too).  Under a plain
``python`` the world is one process and everything below still works.
``rosenblatt train --nproc`` starts every rank behind ``guard.py``, which
names a rank that dies without a word (``kill -9``, a segfault); put it in
front of your own script the same way:
``mpiexec -n N python -m rosenblatt.distributed.guard python train.py``.

    >>> import rosenblatt as rb
    >>> from rosenblatt import distributed as dist, nn
    >>> from rosenblatt.data import DataLoader, DistributedSampler, TensorDataset
    >>> ds = TensorDataset(rb.randn(64, 4), rb.randn(64, 1))
    >>> sampler = DistributedSampler(ds, seed=0)            # this rank's shard
    >>> loader = DataLoader(ds, batch_size=8, sampler=sampler)
    >>> model = nn.parallel.DistributedDataParallel(nn.Linear(4, 1))
    >>> sampler.set_epoch(0)
    >>> x, y = next(iter(loader))
    >>> nn.functional.mse_loss(model(x), y).backward()      # .grad averaged over ranks
    >>> dist.get_world_size()
    1

``import rosenblatt`` does not import this package, and this package imports
``mpi4py`` only in a process started by ``mpiexec``.
"""
from __future__ import annotations

from . import process_group
from .collectives import (ReduceOp, all_gather, all_gather_into_tensor, all_reduce, broadcast,
                          reduce_scatter, reduce_scatter_tensor)
from .process_group import (DistributedError, barrier, get_rank, get_world_size, init, is_initialized,
                            launched_by_mpi)


def __getattr__(name: str):
    # DistributedDataParallel lives in nn.parallel (as in PyTorch); re-exported lazily because nn
    # imports this package's collectives
    if name == "DistributedDataParallel":
        from ..nn.parallel import DistributedDataParallel
        return DistributedDataParallel
    if name == "DistributedSampler":
        from ..data.distributed import DistributedSampler
        return DistributedSampler
    raise AttributeError(f"module 'rosenblatt.distributed' has no attribute {name!r}")


__all__ = ["DistributedDataParallel", "DistributedError", "DistributedSampler", "ReduceOp", "all_gather",
           "all_gather_into_tensor", "all_reduce", "barrier", "broadcast", "get_rank", "get_world_size",
           "init", "is_initialized", "launched_by_mpi", "process_group", "reduce_scatter",
           "reduce_scatter_tensor"]
