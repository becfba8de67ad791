"""Data-parallel scaling: one MLP epoch on 2 ranks x 1 BLAS thread against 1 rank x 1 thread.

Both contenders train on the same 12,800 MNIST-shaped samples with batch 128
per rank (one rank: 100 steps; two ranks: 50 steps each, gradients averaged by
``DistributedDataParallel``), so the time ratio is the throughput ratio.  Each
sample is a fresh process (``mpiexec -n 2`` or plain ``python``), timed inside
it between barriers, without interpreter start-up.  The third column is the
2-rank run's gradient communication per step that backward did not hide.
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


def _epoch(nproc: int, samples: int, comm: list) -> Callable[[], float]:
    def run() -> float:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        command = [sys.executable, "-m", "benchmarks._distributed_worker", str(samples)]
        if nproc > 1:
            command = [find_mpiexec(), "-n", str(nproc), *command]
        out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        if nproc > 1:
            comm.append(result["comm_per_step_s"])
        return result["seconds"]
    return run


@workload("data-parallel MLP epoch (12,800 samples, batch 128 per rank): 2 ranks x 1 thread",
          target=Target.throughput_at_least(1.7), baseline="1 rank x 1 thread", self_timed=True)
def mlp_two_ranks(quick: bool = False) -> dict[str, Callable[[], float]]:
    samples = 6_400 if quick else 12_800
    comm: list[float] = []
    return {"rosenblatt": _epoch(2, samples, comm), "1 rank x 1 thread": _epoch(1, samples, comm),
            # the last 2-rank run's value: shown beside the timings, not a run of its own
            "communication per step": lambda: comm[-1]}
