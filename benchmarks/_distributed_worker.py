"""One timed data-parallel MLP epoch; run by benchmarks/distributed.py as ``[mpiexec -n N] python -m ...``.

Prints one JSON line from rank 0: the epoch's seconds (after two warm-up steps,
between barriers) and the gradient communication per step that backward did
not hide (``DistributedDataParallel.comm_seconds``).
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
    x = rng.random((samples, 784), dtype=numpy.float32)[rank::world]
    y = rng.integers(0, 10, samples)[rank::world]
    rb.manual_seed(0)
    model = nn.parallel.DistributedDataParallel(nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10)))
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xs, ys = rb.from_numpy(x), rb.from_numpy(y)

    def step(i: int) -> None:
        loss = nn.functional.cross_entropy(model(xs[i:i + BATCH]), ys[i:i + BATCH])
        opt.zero_grad()
        loss.backward()
        opt.step()

    for i in (0, BATCH):  # warm-up
        step(i)
    model.comm_seconds = 0.0
    dist.barrier()
    start = time.perf_counter()
    steps = range(0, len(x) - BATCH + 1, BATCH)
    for i in steps:
        step(i)
    dist.barrier()
    seconds = time.perf_counter() - start
    if rank == 0:
        print(json.dumps({"seconds": seconds, "comm_per_step_s": model.comm_seconds / len(steps),
                          "steps": len(steps), "world_size": world}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
