"""``DataParallel``: one process, the batch split into chunks, one thread per CPU core.

PyTorch's ``nn.DataParallel`` splits a batch over GPUs and runs the module on
each chunk in its own thread.  Here the devices are the CPU cores: NumPy
releases the GIL inside its array loops and BLAS calls, so the chunks'
forward and backward passes run at the same time, with OpenBLAS held to one
thread per chunk (``_backend.blas_threads``).  On the 2-core machines of
``make bench``, the baby GPT's training step at batch 32 took 156 ms this way
against 181 ms as one batch with OpenBLAS's own 2 threads (AVX2; PyTorch 122
ms), and 107-119 against 138-140 (AVX-512; PyTorch 69-70).  Other code must
keep OpenBLAS's own threads idle meanwhile: a woken one spins ~0.1 s after its
last call and takes a core from the chunks (why ``Optimizer.step`` holds
OpenBLAS to one thread).

How it works:

- ``forward`` splits every tensor argument along ``dim`` into ``n`` chunks
  (``torch.chunk``'s sizes) and runs ``module`` on each chunk in a thread;
  each chunk's graph starts from chunks of the inputs held as leaves of their own;
- the chunks' outputs are gathered along ``dim`` (0-d outputs, such as a
  loss, are stacked into a vector of ``n``, as PyTorch does: take its
  ``.mean()``).  The gathered outputs that need gradients are slices of one
  graph node, so the engine sums whatever each of them receives, and that
  node's backward then runs each chunk's backward pass once, in the threads again;
- the parameters are shared by the chunks, not copied: each chunk's backward
  adds its gradient into their ``.grad`` (``autograd.engine`` serializes those
  additions), and the gradients of the inputs are the chunks' ones concatenated.

Hooks on the parameters (``Tensor.register_hook``) run once per chunk, with
that chunk's gradient, in its thread; so ``DistributedDataParallel``, whose
reducer is such a hook, refuses a module holding a ``DataParallel``.

A module that changes its own state in ``forward`` does so once per chunk,
in no fixed order: batch norm's running statistics, as with PyTorch's
replicas, are not the full batch's.  Dropout draws its masks from the shared
generator in no fixed order, so a seeded run repeats only without dropout.
"""
from __future__ import annotations

import itertools
import math
from typing import Any

from ..._backend import blas_threads, xp
from ..._threads import cores, in_threads
from ...autograd.engine import propagate
from ...autograd.function import Function
from ...autograd.grad_mode import _state
from ...tensor import Tensor
from ..modules.module import Module
from ._wrapper import ModuleWrapper


class DataParallel(ModuleWrapper):
    """Run ``module`` on chunks of the batch in parallel threads, one per CPU core.

    ``DataParallel(model)(x)`` equals ``model(x)`` (up to float rounding), and
    backward fills the same ``.grad``; it pays where a step is made of large
    element-wise operations (the baby GPT's step: 13-20% less time on 2 cores),
    and costs where it is mostly GEMMs, which OpenBLAS already spreads.  A loss computed
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
            device_ids = cores()
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
            outputs = in_threads(lambda args, kw: self.module(*args, **kw), chunks)
        return _gather(outputs, self.dim, sources, leaves)


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


def _gather(outputs: list, dim: int, sources: list, leaves: list) -> Any:
    """The chunks' outputs joined: tensors along ``dim`` (0-d ones stacked), in the structure of
    the module's output (a tensor, None, or tuples and lists of them)."""
    flat = [_flatten(o) for o in outputs]
    if any(len(f) != len(flat[0]) for f in flat):
        raise TypeError("DataParallel: the chunks returned different numbers of tensors")
    joined = [xp.stack(ts) if ts[0].ndim == 0 else xp.concatenate(ts, axis=dim)
              for ts in zip(*([t.data for t in f] for f in flat))]
    needs = [_state.enabled and any(f[j].requires_grad for f in flat) for j in range(len(joined))]
    if not any(needs):
        return _unflatten(outputs[0], iter(Tensor._wrap(a) for a in joined))
    # One node for all outputs that need gradients, its output their concatenation: the
    # engine adds up what each of them receives, and one backward walks each chunk's graph.
    node = _Chunks()
    node.outputs = [[f[j] for j in range(len(joined)) if needs[j]] for f in flat]
    node.dim, node.leaves = dim, leaves
    node.shapes = [a.shape for a, n in zip(joined, needs) if n]
    node.parents = tuple((s._node or s) if s.requires_grad else None for s in sources)
    whole = Tensor._wrap(xp.concatenate([a.reshape(-1) for a, n in zip(joined, needs) if n]))
    node._shape = whole.data.shape
    whole._node, whole.requires_grad = node, True
    pieces, start = [], 0
    for a, n in zip(joined, needs):
        if n:  # a slice of the node's output: its gradient lands in the node's
            piece = whole[start:start + a.size].reshape(a.shape)
            pieces.append(piece if piece.dtype == a.dtype else piece.astype(a.dtype))  # mixed dtypes
            start += a.size
        else:
            pieces.append(Tensor._wrap(a))
    return _unflatten(outputs[0], iter(pieces))


def _flatten(output: Any) -> list:
    """The tensors of a module's output, in order."""
    if isinstance(output, Tensor):
        return [output]
    if isinstance(output, (tuple, list)):
        return [t for o in output for t in _flatten(o)]
    if output is None:
        return []
    raise TypeError(f"DataParallel: the module returned {type(output).__name__}; it may return "
                    f"tensors, None, and tuples or lists of them")


def _unflatten(like: Any, tensors: Any) -> Any:
    """``like``'s structure with its tensors taken in order from ``tensors``."""
    if isinstance(like, Tensor):
        return next(tensors)
    if isinstance(like, (tuple, list)):
        return type(like)(_unflatten(o, tensors) for o in like)
    return None


class _Chunks(Function):
    """The node of the chunks' outputs: its backward runs each chunk's backward in its thread.

    Its output is the outputs that need gradients, flattened and concatenated;
    its parents are the tensor arguments of ``forward``, whose gradients are those
    of the chunks' leaves, joined along ``dim`` (summed for 0-d ones).
    """

    def backward(self, grad):
        per_chunk: list = [[] for _ in self.outputs]
        start = 0
        for j, shape in enumerate(self.shapes):
            size = math.prod(shape)
            whole = grad[start:start + size].reshape(shape)
            start += size
            if self.outputs[0][j].ndim == 0:  # stacked: one value per chunk
                parts = list(whole)
            else:
                sizes = [o[j].data.shape[self.dim] for o in self.outputs]
                parts = xp.split(whole, list(itertools.accumulate(sizes[:-1])), axis=self.dim)
            for chunk, part in zip(per_chunk, parts):
                chunk.append(part)
        keep = _state.retain_graph

        def run(outputs: list, grads: list) -> None:
            roots = [(o, g) for o, g in zip(outputs, grads) if o.requires_grad]
            if roots:
                propagate(roots, keep)

        with blas_threads(1):
            in_threads(run, list(zip(self.outputs, per_chunk)))
        grads = []
        for i, parent in enumerate(self.parents):
            pieces = []
            for chunk in self.leaves:
                leaf = chunk[i]
                if parent is not None:
                    pieces.append(xp.zeros_like(leaf.data) if leaf.grad is None else leaf.grad.data)
                leaf.grad = None
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
