"""``DistributedDataParallel``: one model replica per rank, gradients averaged during backward.

How the gradients travel (PyTorch's reducer design):

- the parameters are grouped, in reverse registration order (about the
  order backward produces their gradients), into buckets of at most
  ``bucket_cap_mb``; each bucket owns one flat, contiguous array;
- a gradient hook on every parameter writes the parameter's accumulated
  gradient (its ``.grad`` plus this backward's contribution), divided by the
  world size, into its slice of the bucket, so the all-reduce's sum is the
  average; when a bucket is full it starts a non-blocking
  ``MPI_Iallreduce`` on the flat array, so the reduction runs while backward
  computes the earlier layers' gradients;
- buckets start in index order on every rank (a full bucket waits for the
  earlier ones), so all ranks issue the same collectives in the same order;
- when backward has finished (``autograd.engine.queue_callback``), the
  remaining buckets start and all are waited for; each parameter's ``.grad``
  becomes its slice of the reduced array, and the bucket takes a fresh array
  for the next backward.  So a gradient is copied once (into the bucket), and
  ``.grad`` never aliases an array a later backward writes.

When every rank is on one machine (and the arrays are NumPy's), the buckets
live in a window of shared memory instead and are summed after backward by
``distributed.shared_memory.SharedMemorySum``: each rank adds its share of
every bucket straight from the others' memory, and ``.grad`` becomes a slice of
a fresh copy of the sums.  Nothing overlaps backward then, and nothing needs
to: backward keeps every core busy, and the sum costs less than MPI's
all-reduce (2 ranks, 2 MB: ~0.4 ms against ~0.6 ms; the benchmark's data-parallel
epoch 4% shorter at the median of 20 interleaved pairs).

A parameter that got no gradient on this rank contributes its ``.grad`` (or
zeros), so a model with parameters unused on some ranks needs no
``find_unused_parameters`` flag; such a parameter gets the average like all
others, zeros if no rank used it.
"""
from __future__ import annotations

import contextlib
import functools
import time
from typing import Any, Iterator

import numpy

from ..._backend import xp
from ...autograd.engine import queue_callback, sum_to
from ...distributed import broadcast, process_group
from ...distributed.shared_memory import SharedMemorySum
from ...tensor import Tensor
from ..modules.module import Module
from ._wrapper import ModuleWrapper
from .data_parallel import DataParallel


_WHAT = "DistributedDataParallel gradient all-reduce"


class _Bucket:
    """A group of parameters of one dtype whose gradients share one flat array."""

    def __init__(self, params: list, dtype: Any) -> None:
        self.params = params
        self.filled = [False] * len(params)
        self.count = 0          # filled slots
        self.request: Any = None
        self.use(xp.empty(sum(p.data.size for p in params), dtype=dtype))

    def renew(self) -> None:
        """A fresh flat array (the last one now holds the parameters' ``.grad``) and its views."""
        self.use(xp.empty_like(self.flat))

    def use(self, flat: Any) -> None:
        """Take ``flat`` as the bucket's array, and slices of it as each parameter's gradient."""
        self.flat = flat
        self.views = self.slices(flat)

    def slices(self, flat: Any) -> list:
        views, offset = [], 0
        for p in self.params:
            views.append(flat[offset:offset + p.data.size].reshape(p.shape))
            offset += p.data.size
        return views


class DistributedDataParallel(ModuleWrapper):
    """Data-parallel training: every rank runs ``module`` on its own shard of the batch.

    At construction rank 0's parameters and buffers are broadcast to all ranks;
    after each ``backward`` every parameter's ``.grad`` is the average over the
    ranks, so identical optimizer steps keep the replicas identical.  With ``N``
    ranks of batch ``B`` a step equals one process's step on batch ``N * B``
    (for losses that average over the batch; use ``SyncBatchNorm`` for batch
    norm).  In a world of one process it is a plain wrapper.

    ``state_dict()`` is the wrapped module's, without PyTorch's ``module.``
    prefix, so checkpoints load into the bare model and on any number of ranks;
    ``load_state_dict`` accepts both forms.

    Args:
        module: the model; its parameters must have the same shapes on every rank.
        bucket_cap_mb: the most megabytes (2**20 bytes) of gradients per all-reduce
            bucket (default 25, PyTorch's). Larger buckets mean fewer, longer messages.
        broadcast_buffers: broadcast rank 0's buffers (batch-norm running statistics)
            before every forward. Default True.
        shared_memory: sum the gradients through shared memory (every rank must be on
            this machine) instead of with MPI's all-reduce. Default: when every rank is.

    Attributes:
        module: the wrapped model.
        comm_seconds: seconds this rank has spent starting and waiting for gradient
            reductions (the communication that backward did not hide).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> model = nn.parallel.DistributedDataParallel(nn.Linear(4, 2))
        >>> model(rb.randn(8, 4)).sum().backward()     # .grad: averaged over the ranks
        >>> model.module.weight.grad.shape
        (2, 4)
    """

    def __init__(self, module: Module, bucket_cap_mb: float = 25.0, broadcast_buffers: bool = True,
                 shared_memory: bool | None = None) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: module must be an nn.Module, "
                            f"got {type(module).__name__}")
        if not bucket_cap_mb > 0:
            raise ValueError(f"DistributedDataParallel: bucket_cap_mb must be positive megabytes, "
                             f"got {bucket_cap_mb!r}")
        if any(isinstance(m, DataParallel) for m in module.modules()):
            # its chunks hand each parameter one gradient each; the reducer expects one in all
            raise ValueError("DistributedDataParallel: the module contains an nn.DataParallel; "
                             "wrap the bare model (one rank per core replaces the threads)")
        self._group = process_group.group()
        self.module = module
        self.bucket_cap_mb = bucket_cap_mb
        self.broadcast_buffers = broadcast_buffers
        self.require_backward_grad_sync = True
        self.comm_seconds = 0.0
        self._buckets: list[_Bucket] = []
        self._next = 0          # the next bucket to start
        self._pending = False   # a backward has filled slots whose reduction hasn't finished
        self._abandoned: list = []  # (request, array) of reductions a raising backward left running
        self._scale = 1.0 / self._group.world_size  # applied before the sum, so the sum is the mean
        self._shared: SharedMemorySum | None = None  # the gradients' sum through shared memory, if used
        if self._group.world_size > 1:
            self._comm = self._group.comm.Dup()  # its own order of collectives, apart from SyncBatchNorm's
            for t in list(module.parameters()) + list(module.buffers()):
                broadcast(t, src=0)
            self._build_buckets(int(bucket_cap_mb * 2**20))
            if shared_memory is not False:  # None or True: ask (a collective call, so every rank asks)
                possible = xp is numpy and SharedMemorySum.on_one_machine(self._comm)
                if shared_memory and not possible:
                    raise ValueError("DistributedDataParallel: shared_memory=True needs every rank on one "
                                     "machine and NumPy arrays; leave it None to use shared memory where "
                                     "possible and MPI's all-reduce elsewhere")
                shared_memory = possible
            if shared_memory:
                self._shared = SharedMemorySum(self._comm, [(b.flat.dtype, b.flat.size) for b in self._buckets],
                                               _WHAT)
                for bucket, flat in zip(self._buckets, self._shared.inputs):
                    bucket.use(flat)

    def _build_buckets(self, cap_bytes: int) -> None:
        params = [p for p in self.module.parameters() if p.requires_grad]
        groups: list[list] = []
        size = 0
        for p in reversed(params):
            if not groups or groups[-1][0].dtype != p.dtype or size + p.data.nbytes > cap_bytes:
                groups.append([])
                size = 0
            groups[-1].append(p)
            size += p.data.nbytes
        self._buckets = [_Bucket(ps, ps[0].dtype) for ps in groups]
        for b, bucket in enumerate(self._buckets):
            for i, p in enumerate(bucket.params):
                p.register_hook(functools.partial(self._on_grad, b, i))

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        if self._pending:  # the last backward raised before its reduction finished
            self._abandon_started()
            self._reset()
        if self.broadcast_buffers and self._group.world_size > 1:
            for t in self.module.buffers():
                broadcast(t, src=0)
        return self.module(*args, **kwargs)

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Inside this context backward only accumulates ``.grad`` locally (gradient accumulation).

        The first backward after the context averages the accumulated gradients.

        Example:
            >>> # with ddp.no_sync():
            >>> #     ddp(x1).sum().backward()     # local
            >>> # ddp(x2).sum().backward()         # averages the sum of both
        """
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    # ------------------------------------------------------------- the reducer
    def _on_grad(self, b: int, i: int, grad: Tensor) -> None:
        if not self.require_backward_grad_sync:
            return
        if not self._pending:
            self._pending = True
            queue_callback(self._finish)
        bucket = self._buckets[b]
        p, view = bucket.params[i], bucket.views[i]
        g = grad.data if grad.shape == p.shape else sum_to(grad.data, p.shape)
        if p.grad is None:
            xp.multiply(g, self._scale, out=view)
        else:
            xp.add(p.grad.data, g, out=view)
            view *= self._scale
        if not bucket.filled[i]:
            bucket.filled[i] = True
            bucket.count += 1
        self._start_ready()

    def _start_ready(self) -> None:
        """Start the full buckets in index order; poll the started ones so MPI makes progress."""
        if self._shared is not None:  # summed after backward: the cores are busy with it till then
            return
        start = time.perf_counter()
        op = self._group.MPI.SUM
        while self._next < len(self._buckets):
            bucket = self._buckets[self._next]
            if bucket.count < len(bucket.params):
                break
            bucket.request = self._comm.Iallreduce(self._group.MPI.IN_PLACE, bucket.flat, op)
            self._next += 1
        for bucket in self._buckets[:self._next]:
            bucket.request.Test()
        self.comm_seconds += time.perf_counter() - start

    def _finish(self) -> None:
        """After backward: fill the slots no gradient reached, reduce the rest, hand out ``.grad``."""
        for bucket in self._buckets[self._next:]:
            for i, p in enumerate(bucket.params):
                if not bucket.filled[i]:
                    if p.grad is None:
                        bucket.views[i][...] = 0
                    else:
                        xp.multiply(p.grad.data, self._scale, out=bucket.views[i])
                    bucket.filled[i] = True
            bucket.count = len(bucket.params)
        self._start_ready()
        start = time.perf_counter()
        if self._shared is not None:
            reduced = self._shared.sum()  # fresh arrays: the bucket keeps its window slice
        else:
            for bucket in self._buckets:
                process_group.wait(bucket.request, _WHAT)
            reduced = [bucket.flat for bucket in self._buckets]
            for bucket in self._buckets:
                bucket.renew()
        self.comm_seconds += time.perf_counter() - start
        for bucket, flat in zip(self._buckets, reduced):
            for p, view in zip(bucket.params, bucket.slices(flat)):
                p.grad = Tensor._wrap(view)
        self._reset()

    def _abandon_started(self) -> None:
        """Give started buckets fresh arrays: MPI may still write into the old ones.

        The old array and its request stay referenced until the request completes,
        so that memory is never freed or reused under a running all-reduce.
        """
        self._abandoned = [(r, a) for r, a in self._abandoned if not r.Test()]
        for bucket in self._buckets:
            if bucket.request is not None:
                self._abandoned.append((bucket.request, bucket.flat))
                bucket.renew()

    def _reset(self) -> None:
        for bucket in self._buckets:
            bucket.filled = [False] * len(bucket.params)
            bucket.count = 0
            bucket.request = None
        self._next, self._pending = 0, False
