"""Collectives on tensors, in place, with ``torch.distributed``'s names and signatures.

Each call hands the tensor's NumPy array to MPI through the buffer protocol:
no copy on the way in or out, so the tensor must be C-contiguous.  With a
world of one process every collective is the identity (``all_gather`` and
``reduce_scatter`` copy between their arguments), so the same script runs
under ``python`` and under ``mpiexec``.

    >>> import rosenblatt as rb
    >>> from rosenblatt import distributed as dist
    >>> t = rb.tensor([1.0, 2.0]) * (dist.get_rank() + 1)
    >>> dist.all_reduce(t, op=dist.ReduceOp.SUM)    # every rank now holds the sum
    >>> t                                           # with one process: unchanged
    tensor([1., 2.])
"""
from __future__ import annotations

import enum
from typing import Any, Sequence

from .._backend import xp
from ..tensor import Tensor
from .process_group import group, wait


class ReduceOp(enum.Enum):
    """How ``all_reduce`` and ``reduce_scatter`` combine the ranks' values.

    ``AVG`` (alias ``MEAN``) is the sum divided by the world size, for
    floating-point tensors only, as in PyTorch.
    """

    SUM = "SUM"
    AVG = "AVG"
    MEAN = "AVG"
    MAX = "MAX"
    MIN = "MIN"
    PRODUCT = "PROD"


def _buffer(tensor: Any, op: str) -> Any:
    """The tensor's array, checked to be one contiguous block MPI can read and write."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: expected a rosenblatt Tensor, got {type(tensor).__name__}")
    array = tensor.data
    if not array.flags.c_contiguous:
        raise ValueError(f"{op}: the tensor (shape {tuple(array.shape)}) is not contiguous, and MPI "
                         f"reads one block of memory; pass tensor.contiguous() and use the result")
    return array


def _one_block_per_rank(whole: Tensor, whole_name: str, block: Tensor, block_name: str,
                        op: str) -> tuple[Any, Any]:
    """The arrays of ``whole`` and ``block``, checked that ``whole`` holds one ``block`` per rank."""
    w, b = _buffer(whole, op), _buffer(block, op)
    world = group().world_size
    if w.size != b.size * world or w.dtype != b.dtype:
        raise ValueError(f"{op}: {whole_name} must hold world_size ({world}) {block_name}s of the same "
                         f"dtype: got {whole_name} {tuple(w.shape)} {w.dtype}, {block_name} "
                         f"{tuple(b.shape)} {b.dtype}")
    return w, b


def _mpi_op(op: ReduceOp, array: Any, name: str) -> Any:
    if not isinstance(op, ReduceOp):
        raise TypeError(f"{name}: op must be a distributed.ReduceOp, got {op!r}")
    if op is ReduceOp.AVG and array.dtype.kind != "f":
        raise TypeError(f"{name}: ReduceOp.AVG needs a floating-point tensor, got {array.dtype}; "
                        f"use ReduceOp.SUM and divide by get_world_size()")
    mpi = group().MPI
    if mpi is None:  # a world of one: nothing to combine
        return None
    return {"SUM": mpi.SUM, "AVG": mpi.SUM, "MAX": mpi.MAX, "MIN": mpi.MIN, "PROD": mpi.PROD}[op.value]


def all_reduce(tensor: Tensor, op: ReduceOp = ReduceOp.SUM) -> None:
    """Combine ``tensor`` over all ranks with ``op``; every rank gets the result, in place.

    Args:
        tensor: a contiguous tensor with the same shape and dtype on every rank.
        op: ``ReduceOp.SUM`` (default), ``AVG``/``MEAN``, ``MAX``, ``MIN`` or ``PRODUCT``.
    """
    array = _buffer(tensor, "all_reduce")
    g, mpi_op = group(), _mpi_op(op, array, "all_reduce")
    if g.comm is None:
        return
    wait(g.comm.Iallreduce(g.MPI.IN_PLACE, array, mpi_op), "all_reduce")
    if op is ReduceOp.AVG:
        array /= g.world_size


def broadcast(tensor: Tensor, src: int = 0) -> None:
    """Copy rank ``src``'s ``tensor`` into ``tensor`` on every other rank, in place."""
    array = _buffer(tensor, "broadcast")
    g = group()
    if not 0 <= src < g.world_size:
        raise ValueError(f"broadcast: src must be a rank in 0..{g.world_size - 1}, got {src}")
    if g.comm is not None:
        wait(g.comm.Ibcast(array, root=src), "broadcast")


def all_gather_into_tensor(output: Tensor, input: Tensor) -> None:
    """Every rank's ``input``, in rank order, concatenated along dim 0 into ``output``.

    Shape: ``input`` ``(n, *)`` on every rank; ``output`` ``(world_size * n, *)``.
    """
    out, inp = _one_block_per_rank(output, "output", input, "input", "all_gather_into_tensor")
    g = group()
    if g.comm is None:
        out.reshape(-1)[...] = inp.reshape(-1)
        return
    wait(g.comm.Iallgather(inp, out), "all_gather")


def all_gather(tensor_list: list[Tensor], tensor: Tensor) -> None:
    """Fill ``tensor_list[r]`` with rank ``r``'s ``tensor``, on every rank.

    Args:
        tensor_list: ``world_size`` tensors shaped like ``tensor``; written in place.
        tensor: this rank's contribution.
    """
    g = group()
    if len(tensor_list) != g.world_size:
        raise ValueError(f"all_gather: tensor_list needs one tensor per rank ({g.world_size}), "
                         f"got {len(tensor_list)}")
    inp = _buffer(tensor, "all_gather")
    gathered = xp.empty((g.world_size,) + inp.shape, dtype=inp.dtype)
    all_gather_into_tensor(Tensor._wrap(gathered), tensor)
    for out, part in zip(tensor_list, gathered):
        _buffer(out, "all_gather")[...] = part


def reduce_scatter_tensor(output: Tensor, input: Tensor, op: ReduceOp = ReduceOp.SUM) -> None:
    """Reduce ``input`` over ranks with ``op``; rank ``r`` gets the ``r``-th block (along dim 0).

    Shape: ``input`` ``(world_size * n, *)`` on every rank; ``output`` ``(n, *)``.
    """
    inp, out = _one_block_per_rank(input, "input", output, "output", "reduce_scatter_tensor")
    g, mpi_op = group(), _mpi_op(op, inp, "reduce_scatter")
    if g.comm is None:
        out.reshape(-1)[...] = inp.reshape(-1)
        return
    wait(g.comm.Ireduce_scatter_block(inp, out, mpi_op), "reduce_scatter")
    if op is ReduceOp.AVG:
        out /= g.world_size


def reduce_scatter(output: Tensor, input_list: Sequence[Tensor], op: ReduceOp = ReduceOp.SUM) -> None:
    """Reduce ``input_list`` element-wise over ranks; rank ``r`` gets the reduced ``input_list[r]``."""
    g = group()
    if len(input_list) != g.world_size:
        raise ValueError(f"reduce_scatter: input_list needs one tensor per rank ({g.world_size}), "
                         f"got {len(input_list)}")
    stacked = xp.stack([_buffer(t, "reduce_scatter") for t in input_list])
    reduce_scatter_tensor(output, Tensor._wrap(stacked), op)
