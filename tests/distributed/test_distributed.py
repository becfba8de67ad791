"""rosenblatt.distributed: a world of one process in this process; two ranks through mpiexec.

The two-rank tests start ``mpiexec -n 2 python -m tests.distributed.ranks NAME``
(the scenarios are in ranks.py), each rank behind guard.py as ``rosenblatt
train --nproc`` runs them, and read what the ranks print.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

import rosenblatt as rb
from rosenblatt import distributed as dist
from rosenblatt import nn
from rosenblatt.data import DistributedSampler
from rosenblatt.distributed import guard
from rosenblatt.distributed.launch import find_mpiexec, mpiexec_command
from rosenblatt.nn.functional.sync_batchnorm import sync_batch_norm
from rosenblatt.nn.parallel import DistributedDataParallel
from rosenblatt.serialization import load

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def mpiexec(*args: str, n: int = 2, timeout: float = 60, wait_limit: float = 30,
            heartbeat_limit: float = 60) -> subprocess.CompletedProcess:
    """Run ranks.py's scenario ``args[0]`` on ``n`` ranks; ``wait_limit``, ``heartbeat_limit``: their
    dist.init(timeout=..., heartbeat_timeout=...)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", TEST_TIMEOUT=str(wait_limit),
               TEST_HEARTBEAT=str(heartbeat_limit))
    command = mpiexec_command(n, [sys.executable, "-m", "tests.distributed.ranks", *args])
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)


# --------------------------------------------------------------- one process

def test_world_of_one_without_mpi():
    assert not dist.launched_by_mpi()
    dist.init()
    assert (dist.get_rank(), dist.get_world_size(), dist.is_initialized()) == (0, 1, True)
    dist.barrier()
    t = rb.tensor([1.0, 2.0])
    for op in dist.ReduceOp:
        dist.all_reduce(t, op=op)
    dist.broadcast(t, src=0)
    assert t.tolist() == [1.0, 2.0]
    parts = [rb.zeros(2)]
    dist.all_gather(parts, t)
    out = rb.zeros(2)
    dist.reduce_scatter(out, [t])
    assert parts[0].tolist() == out.tolist() == [1.0, 2.0]


def test_collective_errors_name_the_op_and_the_fix():
    with pytest.raises(TypeError, match="all_reduce: ReduceOp.AVG needs a floating-point tensor"):
        dist.all_reduce(rb.tensor([1, 2]), op=dist.ReduceOp.AVG)
    with pytest.raises(ValueError, match=r"all_reduce: .* not contiguous.*contiguous\(\)"):
        dist.all_reduce(rb.zeros(3, 4).t())
    with pytest.raises(TypeError, match="broadcast: expected a rosenblatt Tensor, got ndarray"):
        dist.broadcast(np.zeros(2))
    with pytest.raises(ValueError, match=r"broadcast: src must be a rank in 0..0, got 1"):
        dist.broadcast(rb.zeros(2), src=1)
    with pytest.raises(ValueError, match=r"all_gather: tensor_list needs one tensor per rank \(1\), got 2"):
        dist.all_gather([rb.zeros(2), rb.zeros(2)], rb.zeros(2))
    with pytest.raises(ValueError, match=r"reduce_scatter_tensor: input must hold world_size \(1\) outputs of "
                                         r"the same dtype: got input \(4,\) float32, output \(2,\) float32"):
        dist.reduce_scatter_tensor(rb.zeros(2), rb.zeros(4))


def test_import_rosenblatt_does_not_import_mpi4py():
    code = ("import sys, rosenblatt as rb; from rosenblatt import nn, distributed; "
            "nn.parallel.DistributedDataParallel(nn.Linear(2, 2))(rb.randn(3, 2)).sum().backward(); "
            "assert 'mpi4py' not in sys.modules, 'mpi4py imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 2, False), (11, 3, False), (11, 3, True), (2, 4, False)])
def test_distributed_sampler_matches_torch_in_order(n, replicas, drop_last):
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_distributed_sampler_shuffles_per_epoch_from_the_shared_seed():
    def shares(epoch, seed=5):
        samplers = [DistributedSampler(range(30), 3, r, seed=seed) for r in range(3)]
        for s in samplers:
            s.set_epoch(epoch)
        return [list(s) for s in samplers]

    first = shares(0)
    assert sorted(sum(first, [])) == list(range(30))
    assert first == shares(0) and first != shares(1) and first != shares(0, seed=6)
    assert sum(first, []) != list(range(30))


def test_distributed_sampler_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="drop_last=True, 1 samples leave nothing for 2 ranks"):
        DistributedSampler(range(1), num_replicas=2, rank=0, drop_last=True)


def test_sync_batch_norm_function_is_batch_norm_for_one_rank():
    x = rb.randn(6, 3, 4, 4, requires_grad=True)
    w, b = rb.randn(3, requires_grad=True), rb.randn(3, requires_grad=True)
    stats = [rb.zeros(3), rb.ones(3)]
    ref_stats = [rb.zeros(3), rb.ones(3)]
    upstream = rb.randn(6, 3, 4, 4)
    y = sync_batch_norm(x, *stats, w, b, momentum=0.3)
    xr, wr, br = (t.detach().requires_grad_() for t in (x, w, b))
    yr = nn.functional.batch_norm(xr, *ref_stats, wr, br, training=True, momentum=0.3)
    (y * upstream).sum().backward()
    (yr * upstream).sum().backward()
    pairs = [(y, yr), (x.grad, xr.grad), (w.grad, wr.grad), (b.grad, br.grad), *zip(stats, ref_stats)]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_convert_sync_batchnorm_shares_parameters_and_buffers():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Sequential(nn.BatchNorm1d(5)))
    weight, running = model[1].weight, model[1].running_mean
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert converted is model
    assert isinstance(model[1], nn.SyncBatchNorm) and isinstance(model[2][0], nn.SyncBatchNorm)
    assert model[1].weight is weight and model[1].running_mean is running
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                        "1.running_var", "1.num_batches_tracked", "2.0.weight", "2.0.bias",
                                        "2.0.running_mean", "2.0.running_var", "2.0.num_batches_tracked"]


def test_ddp_state_dict_has_no_module_prefix_and_loads_both_forms():
    ddp = DistributedDataParallel(nn.Linear(3, 2))
    assert list(ddp.state_dict()) == ["weight", "bias"]
    other = nn.Linear(3, 2)
    ddp.load_state_dict({"module." + k: v for k, v in other.state_dict().items()})
    assert np.array_equal(ddp.module.weight.detach().numpy(), other.weight.detach().numpy())
    with pytest.raises(TypeError, match="DistributedDataParallel: module must be an nn.Module, got function"):
        DistributedDataParallel(lambda x: x)


# --------------------------------------------------------------- two ranks

def test_mpiexec_comes_with_the_distributed_extra():
    assert os.access(find_mpiexec(), os.X_OK)


@pytest.mark.parametrize("scenario", ["collectives", "mlp shared-memory", "mlp mpi", "cnn shared-memory",
                                      "cnn mpi", "no_sync shared-memory", "no_sync mpi", "overlap", "sampler",
                                      "recover"])
def test_two_ranks(scenario):
    """mlp/cnn: 2 ranks of batch B reach one process's parameters on batch 2B after 10 steps, the
    gradients summed through shared memory or by MPI's all-reduce; sampler: every sample exactly once
    per epoch; overlap: MPI's all-reduces start during backward; recover: a backward that raised
    mid-reduction leaves the next one correct; collectives, no_sync: values checked on each rank."""
    scenario, *args = scenario.split()
    result = mpiexec(scenario, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok {scenario} rank 0" in result.stdout and f"ok {scenario} rank 1" in result.stdout


def test_three_ranks_train_as_one_process():
    """The shared-memory sum with a third part to add, and uneven shares (N * B rows of 3 ranks)."""
    result = mpiexec("mlp", "shared-memory", n=3)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(f"ok mlp rank {r}" in result.stdout for r in range(3))


def test_a_rank_that_raises_stops_every_rank_naming_it():
    start = time.monotonic()
    result = mpiexec("fail")
    assert result.returncode != 0
    assert time.monotonic() - start < 30
    assert "rank 1 of 2 failed: ValueError: rank one's data is bad" in result.stderr
    assert "rank 0: stopping during DistributedDataParallel gradient all-reduce because rank 1 of 2 failed" \
        in result.stderr
    assert "exited with status" not in result.stderr  # both ranks said why: the guards stay quiet


def test_a_rank_that_stops_talking_times_the_others_out():
    """Rank 1 sleeps outside MPI: alive, its heartbeats go on (a limit of 1 s, half its sleep),
    so rank 0's collective timeout, not the heartbeat, ends the job."""
    start = time.monotonic()
    result = mpiexec("hang", wait_limit=2, heartbeat_limit=1)
    assert result.returncode != 0
    assert time.monotonic() - start < 30  # rank 1 sleeps 120 s: the abort ended it
    assert "rank 0: all_reduce waited more than 2 s for the other ranks" in result.stderr
    # rank 1, asleep outside MPI, is stopped by its watchdog, not left to mpiexec alone
    assert "rosenblatt.distributed: rank 1: stopping because rank 0 of 2 failed: DistributedError" \
        in result.stderr


@pytest.mark.parametrize("how, ending", [("exit", "exited with status 9"),
                                          ("kill", "was killed by signal 9 (SIGKILL)")])
def test_a_rank_that_dies_silently_ends_the_job_naming_it(how, ending):
    """mpiexec SIGKILLs the other ranks at once and names a PID; guard.py names the rank.

    MPICH's mpiexec now and then (about 1 job in 20, with or without the watchdog) leaves
    rank 0 running after rank 1's guard ended; then the heartbeat limit (3 s here) ends the job,
    and rank 0 says so too."""
    start = time.monotonic()
    result = mpiexec("die", how, heartbeat_limit=3)
    assert result.returncode != 0 and "ok die" not in result.stdout
    assert time.monotonic() - start < 30
    named = [line for line in result.stderr.splitlines() if line.startswith("rosenblatt.distributed: rank")]
    assert named[0].startswith("rosenblatt.distributed: rank 1 of 2 (pid "), result.stderr
    assert named[0].endswith(f") {ending}; mpiexec stops the other ranks")
    assert all(line.startswith("rosenblatt.distributed: rank 0: stopping because rank 1 of 2 sent no "
                               "heartbeat for 3 s") for line in named[1:]), result.stderr


def test_a_rank_that_ends_first_is_not_taken_for_dead():
    result = mpiexec("goodbye", heartbeat_limit=1)
    assert result.returncode == 0, result.stderr
    assert "ok goodbye rank 0" in result.stdout and "ok goodbye rank 1" in result.stdout


def test_a_frozen_rank_is_caught_by_the_heartbeats():
    """Rank 1 is frozen (SIGSTOP), so mpiexec sees nothing wrong; rank 0, next in the heartbeat
    ring, stops the job at the heartbeat limit (2 s), long before its all-reduce's timeout (30 s)."""
    start = time.monotonic()
    result = mpiexec("freeze", heartbeat_limit=2)
    assert result.returncode != 0 and "ok freeze" not in result.stdout
    assert time.monotonic() - start < 20
    assert ("rosenblatt.distributed: rank 0: stopping because rank 1 of 2 sent no heartbeat for 2 s: "
            "it died without a word") in result.stderr
    assert "waited more than" not in result.stderr


def test_the_rank_that_finds_a_silent_one_tells_the_others():
    """Three ranks, rank 1 frozen: rank 2 (its successor in the ring) finds it, says so and tells
    rank 0, which stops naming rank 1 too; every rank that stops says why (no guard line)."""
    result = mpiexec("freeze", n=3, heartbeat_limit=2)
    assert result.returncode != 0
    assert ("rosenblatt.distributed: rank 2: stopping because rank 1 of 3 sent no heartbeat for 2 s"
            in result.stderr), result.stderr
    assert ("rosenblatt.distributed: rank 0: stopping during DistributedDataParallel gradient all-reduce "
            "because rank 1 of 3 sent no heartbeat for 2 s" in result.stderr), result.stderr
    assert "exited with status" not in result.stderr, result.stderr


def test_the_rank_dies_with_its_guard():
    """mpiexec stops a job by killing the guards: their ranks must not live on."""
    rank = "import os, time; print(os.getpid(), flush=True); time.sleep(60)"
    process = subprocess.Popen([sys.executable, guard.__file__, sys.executable, "-c", rank], stdout=subprocess.PIPE,
                               text=True)
    pid = int(process.stdout.readline())
    process.kill()
    process.wait()

    def running() -> bool:
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 10
    while running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running()


def test_resume_on_another_number_of_ranks_continues_where_it_stopped(tmp_path):
    """2 epochs on 2 ranks, then epochs 3-4 on 1 rank and on 2 ranks == 4 epochs on 2 ranks."""
    runs = [("straight", 2, "4", ""), ("first", 2, "2", ""),
            ("one", 1, "4", "first/last.safetensors"), ("two", 2, "4", "first/last.safetensors")]
    for name, n, epochs, resume in runs:
        result = mpiexec("trainer", str(tmp_path / name), epochs, str(tmp_path / resume) if resume else "", n=n)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.count("epoch ") == int(epochs) - (2 if resume else 0)  # rank 0 alone logs
    straight = load(tmp_path / "straight" / "final.safetensors")
    for name in ("one", "two"):
        resumed = load(tmp_path / name / "final.safetensors")
        for k in straight:
            np.testing.assert_allclose(resumed[k].numpy(), straight[k].numpy(), rtol=1e-5, atol=1e-6)
    assert not np.allclose(load(tmp_path / "first" / "final.safetensors")["0.weight"].numpy(),
                           straight["0.weight"].numpy())


def test_cli_nproc_trains_a_recipe_data_parallel(data_dir):
    """rosenblatt train mnist-mlp --nproc 2: two ranks through mpiexec, one result line, and it learns."""
    command = [sys.executable, "-m", "rosenblatt", "train", "mnist-mlp", "--nproc", "2", "--epochs", "1",
               "--batch-size", "2048", "--lr", "0.2", "--data-dir", str(data_dir)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("result: ") == 1 and result.stdout.count("epoch  1/1") == 1
    accuracy = float(result.stdout.split("test_accuracy ")[1].split(",")[0])
    assert accuracy > 0.7, result.stdout  # chance is 0.1; one epoch of 29 steps of the global batch 2048


def test_cli_nproc_refuses_a_recipe_that_is_not_data_parallel():
    result = subprocess.run([sys.executable, "-m", "rosenblatt", "train", "shakespeare-gpt", "--nproc", "2"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "recipe 'shakespeare-gpt' does not train data-parallel; --nproc works with: fashion-cnn" in result.stderr
