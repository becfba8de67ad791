"""One timed data-parallel MLP epoch; run by benchmarks/distributed.py as ``[mpiexec -n N] python -m ...``.

Prints one JSON line from rank 0: the epoch's seconds (after two warm-up steps,
between barriers) and the gradient communication per step that backward did
not hide (``DistributedDataParallel.comm_seconds``), split in two: in each step
the rank that finished backward last waits only for the all-reduce itself
(``allreduce_per_step_s``: the mean over steps of the smallest wait of the
ranks), the others also wait for it (``skew_per_step_s``: the mean over steps
of the largest wait minus the smallest).
"""
from __future__ import annotations

import json
import sys
import time

import numpy

import rosenblatt as rb
from rosenblatt import distributed as dist
from rosenblatt import nn, optim

BATCH = 128  # per rank, as in PyTorch DDP: N ranks take N * BATCH samples per step


def main(samples: int) -> None:
    rank, world = dist.get_rank(), dist.get_world_size()
    rng = numpy.random.default_rng(0)
    # each rank's shard contiguous, as a DataLoader's batches are (and as the 1-rank run's rows are)
    x = numpy.ascontiguousarray(rng.random((samples, 784), dtype=numpy.float32)[rank::world])
    y = numpy.ascontiguousarray(rng.integers(0, 10, samples)[rank::world])
    rb.manual_seed(0)
    model = nn.parallel.DistributedDataParallel(nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10)))
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xs, ys = rb.from_numpy(x), rb.from_numpy(y)
    waits = []  # this rank's communication in each timed step

    def step(i: int) -> None:
        before = model.comm_seconds
        loss = nn.functional.cross_entropy(model(xs[i:i + BATCH]), ys[i:i + BATCH])
        opt.zero_grad()
        loss.backward()
        opt.step()
        waits.append(model.comm_seconds - before)

    for i in (0, BATCH):  # warm-up
        step(i)
    waits.clear()
    model.comm_seconds = 0.0
    dist.barrier()
    start = time.perf_counter()
    steps = range(0, len(x) - BATCH + 1, BATCH)
    for i in steps:
        step(i)
    dist.barrier()
    seconds = time.perf_counter() - start
    every = [rb.zeros(len(waits), dtype=rb.float64) for _ in range(world)]
    dist.all_gather(every, rb.tensor(waits, dtype=rb.float64))
    per_rank = numpy.stack([w.numpy() for w in every])  # (ranks, steps)
    if rank == 0:
        print(json.dumps({"seconds": seconds, "comm_per_step_s": model.comm_seconds / len(steps),
                          "allreduce_per_step_s": per_rank.min(0).mean(),
                          "skew_per_step_s": (per_rank.max(0) - per_rank.min(0)).mean(),
                          "steps": len(steps), "world_size": world}))


if __name__ == "__main__":
    rb.keep_freed_memory()  # as python -m benchmarks does for the other workloads
    main(int(sys.argv[1]))
