"""Data-parallel scaling: one MLP epoch on 2 ranks x 1 BLAS thread against 1 rank x 1 thread.

Both contenders train on the same 12,800 MNIST-shaped samples with batch 128
per rank (one rank: 100 steps; two ranks: 50 steps each, gradients averaged by
``DistributedDataParallel``), so the time ratio is the throughput ratio.  Each
sample is a fresh process (``mpiexec -n 2`` or plain ``python``), timed inside
it between barriers, without interpreter start-up.  Beside the timings: the
2-rank run's gradient communication per step that backward did not hide, and
what it is made of: the all-reduce itself (the wait of the rank that finished
backward last) and the other rank's wait for that rank (the ranks' step times
differ from step to step, and each step ends when the slower one's does).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

from rosenblatt.distributed.launch import find_mpiexec

from .harness import Target, workload

ROOT = Path(__file__).resolve().parent.parent


def _epoch(nproc: int, samples: int, comm: list[dict]) -> Callable[[], float]:
    def run() -> float:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        command = [sys.executable, "-m", "benchmarks._distributed_worker", str(samples)]
        if nproc > 1:
            command = [find_mpiexec(), "-n", str(nproc), *command]
        out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        if nproc > 1:
            comm.append(result)
        return result["seconds"]
    return run


@workload("data-parallel MLP epoch (12,800 samples, batch 128 per rank): 2 ranks x 1 thread",
          target=Target.throughput_at_least(1.7), baseline="1 rank x 1 thread", self_timed=True)
def mlp_two_ranks(quick: bool = False) -> dict[str, Callable[[], float]]:
    samples = 6_400 if quick else 12_800
    comm: list[dict] = []
    return {"rosenblatt": _epoch(2, samples, comm), "1 rank x 1 thread": _epoch(1, samples, comm),
            # the last 2-rank run's values: shown beside the timings, not runs of their own
            "communication per step": lambda: comm[-1]["comm_per_step_s"],
            "all-reduce": lambda: comm[-1]["allreduce_per_step_s"],
            "the faster rank waiting for the slower": lambda: comm[-1]["skew_per_step_s"]}
