"""``DataParallel``: one process, the batch split into chunks, one thread per CPU core.

PyTorch's ``nn.DataParallel`` splits a batch over GPUs and runs the module on
each chunk in its own thread.  Here the devices are the CPU cores: NumPy
releases the GIL inside its array loops and BLAS calls, so the chunks'
forward and backward passes run at the same time, with OpenBLAS held to one
thread per chunk (``_backend.blas_threads``).  On the 2-core machine of
``make bench``, the baby GPT's forward+backward at batch 32 took 149 ms this
way against 183 ms as one batch with OpenBLAS's own 2 threads (medians of 12).

How it works:

- ``forward`` splits every tensor argument along ``dim`` into ``n`` chunks
  (``torch.chunk``'s sizes) and runs ``module`` on each chunk in a thread;
  each chunk's graph starts from chunks of the inputs held as leaves of their own;
- the chunks' outputs are gathered along ``dim`` (0-d outputs, such as a
  loss, are stacked into a vector of ``n``, as PyTorch does: take its
  ``.mean()``); each gathered output is one graph node, whose backward runs
  the chunks' backward passes in the threads again;
- the parameters are shared by the chunks, not copied: each chunk's backward
  adds its gradient into their ``.grad`` (``autograd.engine`` serializes those
  additions), and the gradients of the inputs are the chunks' ones concatenated.

A module that changes its own state in ``forward`` does so once per chunk,
in no fixed order: batch norm's running statistics, as with PyTorch's
replicas, are not the full batch's.  Dropout draws its masks from the shared
generator in no fixed order, so a seeded run repeats only without dropout.
"""
from __future__ import annotations

import os
import threading
from typing import Any

from ..._backend import blas_threads, xp
from ...autograd.engine import propagate
from ...autograd.function import Function
from ...autograd.grad_mode import _state
from ...tensor import Tensor
from ..modules.module import Module
from ._wrapper import ModuleWrapper


class DataParallel(ModuleWrapper):
    """Run ``module`` on chunks of the batch in parallel threads, one per CPU core.

    ``DataParallel(model)(x)`` equals ``model(x)`` (up to float rounding), and
    backward fills the same ``.grad``; on ``n`` cores a step of a model with
    large array operations takes up to ``n`` times less time.  A loss computed
    inside the module comes back as one value per chunk: ``loss.mean()`` is
    the batch's mean when the chunks are of equal size.

    ``state_dict()`` is the wrapped module's, without PyTorch's ``module.`` prefix
    (``load_state_dict`` accepts both), as ``DistributedDataParallel``'s.

    Args:
        module: the model, shared (not copied) by the threads.
        device_ids: the CPU cores to use; its length is the number of chunks, one
            thread each (not pinned to those cores).  Default: every core this
            process may run on.
        output_device: accepted for PyTorch's signature; outputs are NumPy arrays
            in this process's memory either way.
        dim: the batch dimension of the inputs and outputs.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> model = nn.DataParallel(nn.Linear(4, 2), device_ids=[0, 1])
        >>> model(rb.randn(8, 4)).sum().backward()
        >>> model.module.weight.grad.shape
        (2, 4)
    """

    def __init__(self, module: Module, device_ids: list[int] | None = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel: module must be an nn.Module, got {type(module).__name__}")
        if device_ids is None:
            device_ids = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
                list(range(os.cpu_count() or 1))
        if not device_ids:
            raise ValueError("DataParallel: device_ids is empty; give at least one CPU core, "
                             "e.g. device_ids=[0, 1], or leave it out for all cores")
        self.module = module
        self.device_ids = list(device_ids)
        self.output_device = output_device
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        chunks = _scatter(inputs, kwargs, len(self.device_ids), self.dim)
        if len(chunks) == 1:
            return self.module(*inputs, **kwargs)
        sources = [t for t in (*inputs, *kwargs.values()) if isinstance(t, Tensor)]
        leaves = [[t for t in (*args, *kw.values()) if isinstance(t, Tensor)] for args, kw in chunks]
        if _state.enabled:
            for chunk in leaves:
                for source, leaf in zip(sources, chunk):
                    leaf.requires_grad = source.requires_grad
        with blas_threads(1):
            outputs = _in_threads(lambda args, kw: self.module(*args, **kw), chunks)
        nodes: list = []
        out = _gather(outputs, self.dim, sources, leaves, nodes)
        for node in nodes:  # several outputs need gradients: each one's backward walks the chunks' graphs
            node.keep_graph = len(nodes) > 1
        return out


def _scatter(inputs: tuple, kwargs: dict, n: int, dim: int) -> list[tuple[tuple, dict]]:
    """``(args, kwargs)`` per chunk: tensors split along ``dim`` into ``torch.chunk``'s sizes
    (0-d ones shared), each a new tensor outside any graph; other values shared."""
    sizes = {t.shape[dim] for t in (*inputs, *kwargs.values()) if isinstance(t, Tensor) and t.ndim}
    if len(sizes) > 1:
        raise ValueError(f"DataParallel: the tensor arguments must have one batch size along dim "
                         f"{dim}, got sizes {sorted(sizes)}")
    if not sizes:
        return [(inputs, kwargs)]
    size = sizes.pop()
    step = -(-size // n)  # torch.chunk: chunks of ceil(size / n), the last one smaller
    bounds = [(i, min(i + step, size)) for i in range(0, size, step)]

    def part(value: Any, lo: int, hi: int) -> Any:
        if not isinstance(value, Tensor):
            return value
        return Tensor._wrap(_take(value.data, dim, lo, hi) if value.ndim else value.data)

    return [(tuple(part(a, lo, hi) for a in inputs), {k: part(v, lo, hi) for k, v in kwargs.items()})
            for lo, hi in bounds]


def _in_threads(work: Any, items: list) -> list:
    """``work(*item)`` for each item, the first in this thread and the others in the pool's threads.

    Called from a pool thread (a DataParallel inside another one's chunk), the items
    run one after another in that thread: waiting there for the pool could deadlock it.
    """
    if threading.current_thread().name.startswith(_POOL_NAME):
        return [work(*item) for item in items]
    futures = [_pool(len(items) - 1).submit(work, *item) for item in items[1:]]
    try:
        first = work(*items[0])
    finally:
        rest = [f.exception() for f in futures]  # wait for every thread before anything is raised
    for error in rest:
        if error is not None:
            raise error
    return [first] + [f.result() for f in futures]


_executor: Any = None
_executor_lock = threading.Lock()
_POOL_NAME = "rosenblatt-data-parallel"


def _pool(workers: int) -> Any:
    """One thread pool for every DataParallel, grown to ``workers`` threads as needed."""
    global _executor
    with _executor_lock:
        if _executor is None or _executor._max_workers < workers:
            from concurrent.futures import ThreadPoolExecutor  # only data parallelism needs it

            _executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=_POOL_NAME)
    return _executor


def _gather(outputs: list, dim: int, sources: list, leaves: list, nodes: list) -> Any:
    """The chunks' outputs joined: tensors along ``dim`` (0-d ones stacked), tuples, lists and
    None by position; the node of each joined tensor that needs gradients is added to ``nodes``."""
    first = outputs[0]
    if first is None:
        return None
    if isinstance(first, (tuple, list)):
        return type(first)(_gather([o[i] for o in outputs], dim, sources, leaves, nodes)
                           for i in range(len(first)))
    if not isinstance(first, Tensor):
        raise TypeError(f"DataParallel: the module returned {type(first).__name__}; it may return "
                        f"tensors, None, and tuples or lists of them")
    stacked = first.ndim == 0
    data = xp.stack([o.data for o in outputs]) if stacked else xp.concatenate([o.data for o in outputs], axis=dim)
    out = Tensor._wrap(data)
    if _state.enabled and any(o.requires_grad for o in outputs):
        node = _Gather()
        node.outputs, node.dim, node.stacked, node.leaves = outputs, dim, stacked, leaves
        node.parents = tuple((s._node or s) if s.requires_grad else None for s in sources)
        node._shape = data.shape
        out._node, out.requires_grad = node, True
        nodes.append(node)
    return out


class _Gather(Function):
    """The node of a gathered output: its backward runs the chunks' backward passes in threads.

    Its parents are the tensor arguments of ``forward``, whose gradients are
    those of the chunks' leaves, joined along ``dim`` (summed for 0-d ones).
    """

    keep_graph = False  # True when other gathered outputs will walk the chunks' graphs too

    def backward(self, grad):
        start, parts = 0, []
        for o in self.outputs:
            if self.stacked:
                parts.append(grad[len(parts)])
            else:
                n = o.data.shape[self.dim]
                parts.append(_take(grad, self.dim, start, start + n))
                start += n
        keep = _state.retain_graph or self.keep_graph

        def run(output: Tensor, g: Any) -> None:
            if output.requires_grad:
                propagate(output, g, keep)

        with blas_threads(1):
            _in_threads(run, list(zip(self.outputs, parts)))
        grads = []
        for i, parent in enumerate(self.parents):
            pieces = []
            for chunk in self.leaves:
                leaf = chunk[i]
                if parent is not None:
                    pieces.append(xp.zeros_like(leaf.data) if leaf.grad is None else leaf.grad.data)
                leaf.grad = None  # the next gathered output's walk starts from zero
            if parent is None:
                grads.append(None)
            elif pieces[0].ndim:
                grads.append(xp.concatenate(pieces, axis=self.dim))
            else:
                grads.append(sum(pieces[1:], pieces[0]))
        return tuple(grads)


def _take(a: Any, dim: int, lo: int, hi: int) -> Any:
    """``a[lo:hi]`` along ``dim``: a view."""
    return a[(slice(None),) * (dim % a.ndim) + (slice(lo, hi),)]
