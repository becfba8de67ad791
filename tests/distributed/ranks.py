"""What each rank runs in the distributed tests: ``mpiexec -n 2 python -m tests.distributed.ranks NAME``.

Each scenario asserts on every rank and prints ``ok NAME rank R`` when it
passes; test_distributed.py launches them and checks the output.  The
data-parallel scenarios compute their single-process reference in the same
process: a plain model trained on the whole batch of every rank together.
"""
from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np

import rosenblatt as rb
from rosenblatt import distributed as dist
from rosenblatt import nn, optim
from rosenblatt.data import DataLoader, DistributedSampler, TensorDataset
from rosenblatt.nn.parallel import DistributedDataParallel

STEPS, B = 10, 8  # steps, and the batch of each rank


def collectives() -> None:
    rank, world = dist.get_rank(), dist.get_world_size()
    t = rb.tensor([1.0, 2.0]) * (rank + 1)
    dist.all_reduce(t)
    assert np.allclose(t.numpy(), np.array([1.0, 2.0]) * world * (world + 1) / 2), t
    t = rb.full((3,), float(rank))
    dist.all_reduce(t, op=dist.ReduceOp.AVG)
    assert np.allclose(t.numpy(), (world - 1) / 2)
    t = rb.tensor([rank, -rank])
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    assert t.tolist() == [world - 1, 0]
    t = rb.full((2, 2), float(rank))
    dist.broadcast(t, src=world - 1)
    assert (t.numpy() == world - 1).all()
    parts = [rb.zeros(2) for _ in range(world)]
    dist.all_gather(parts, rb.full((2,), float(rank)))
    assert [p.tolist() for p in parts] == [[float(r)] * 2 for r in range(world)]
    out = rb.zeros(2)
    dist.reduce_scatter(out, [rb.full((2,), float(r + rank)) for r in range(world)])
    assert out.tolist() == [float(sum(rank + r for r in range(world)))] * 2, out
    # every rank is on this machine: DDP sums the gradients through shared memory unless told not to
    assert DistributedDataParallel(nn.Linear(2, 2))._shared is not None
    dist.barrier()


def _batches(classes: int, shape: tuple) -> list:
    """The same STEPS global batches (every rank's B rows together) on every rank."""
    rng = np.random.default_rng(0)
    world = dist.get_world_size()
    return [(rb.tensor(rng.standard_normal((world * B,) + shape).astype(np.float32)),
             rb.tensor(rng.integers(0, classes, world * B))) for _ in range(STEPS)]


def _reduction(path: str) -> dict:
    """DistributedDataParallel's keyword for a reduction path: "shared-memory" or "mpi"."""
    return {"shared-memory": {"shared_memory": True}, "mpi": {"shared_memory": False}}[path]


def _check_same_training(make_model, shape: tuple, path: str, sync_batchnorm: bool = False) -> None:
    """DDP on batch B per rank == one process on the world's batch, after STEPS SGD steps.

    The replicas start from different weights (DDP must broadcast rank 0's); the
    reference, plain BatchNorm included, starts from rank 0's.
    """
    rank, world = dist.get_rank(), dist.get_world_size()
    rb.manual_seed(rank)
    model = make_model()
    if sync_batchnorm:
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    ddp = DistributedDataParallel(model, bucket_cap_mb=0.001, **_reduction(path))  # several buckets
    assert (ddp._shared is not None) == (path == "shared-memory")
    reference = make_model()
    reference.load_state_dict(ddp.module.state_dict())
    start = {k: v.numpy().copy() for k, v in reference.state_dict().items()}
    opts = [optim.SGD(m.parameters(), lr=0.1, momentum=0.9) for m in (ddp, reference)]
    for x, y in _batches(5, shape):
        mine = slice(rank * B, (rank + 1) * B)
        for m, opt, xs, ys in ((ddp, opts[0], x[mine], y[mine]), (reference, opts[1], x, y)):
            loss = nn.functional.cross_entropy(m(xs), ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
    ours, theirs = ddp.module.state_dict(), reference.state_dict()
    assert list(ours) == list(theirs)
    for k in ours:  # parameters, and batch norm's running statistics
        np.testing.assert_allclose(ours[k].numpy(), theirs[k].numpy(), rtol=1e-4, atol=1e-5, err_msg=k)
    assert not np.allclose(ours["0.weight"].numpy(), start["0.weight"]), "training did not move the weights"
    first = ddp.module.state_dict()["0.weight"].contiguous()
    gathered = [rb.zeros_like(first) for _ in range(world)]
    dist.all_gather(gathered, first)
    assert all(np.array_equal(g.numpy(), gathered[0].numpy()) for g in gathered), "replicas differ"


def mlp(path: str) -> None:
    _check_same_training(lambda: nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 16), nn.Tanh(),
                                               nn.Linear(16, 5)), (10,), path)


def cnn(path: str) -> None:
    _check_same_training(lambda: nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 6, 3), nn.BatchNorm2d(6), nn.ReLU(),
        nn.Flatten(), nn.Linear(6 * 4 * 4, 5)), (1, 8, 8), path, sync_batchnorm=True)


def no_sync(path: str) -> None:
    """Two micro-batches, the first under no_sync: the gradient is the average of their sums."""
    rank, world = dist.get_rank(), dist.get_world_size()
    ddp = DistributedDataParallel(nn.Linear(3, 2), **_reduction(path))
    reference = nn.Linear(3, 2)
    reference.load_state_dict(ddp.state_dict())
    rng = np.random.default_rng(1)
    xs = [rb.tensor(rng.standard_normal((world, 4, 3)).astype(np.float32)) for _ in range(2)]
    with ddp.no_sync():
        ddp(xs[0][rank]).sum().backward()
    local = ddp.module.weight.grad.numpy().copy()
    ddp(xs[1][rank]).sum().backward()
    for x in xs:
        (reference(x.reshape(-1, 3)).sum() / world).backward()
    assert not np.allclose(local * world, reference.weight.grad.numpy())  # the first was not synced
    np.testing.assert_allclose(ddp.module.weight.grad.numpy(), reference.weight.grad.numpy(), rtol=1e-5, atol=1e-6)
    # .grad is a slice of the reduced bucket: the next backward must not write into it
    kept = ddp.module.weight.grad
    ddp.module.weight.grad = None
    ddp(xs[0][rank]).sum().backward()
    np.testing.assert_allclose(kept.numpy(), reference.weight.grad.numpy(), rtol=1e-5, atol=1e-6)
    assert not np.allclose(ddp.module.weight.grad.numpy(), kept.numpy())


def sampler() -> None:
    """Every sample exactly once per epoch over the ranks; a new order each epoch; equal lengths."""
    rank, world = dist.get_rank(), dist.get_world_size()
    for n, drop_last in ((40, False), (41, False), (41, True)):
        s = DistributedSampler(range(n), seed=3, drop_last=drop_last)
        orders = []
        for epoch in range(2):
            s.set_epoch(epoch)
            mine = rb.tensor(list(s))
            assert len(mine) == len(s)
            every = rb.zeros(world * len(s), dtype=rb.int64)
            dist.all_gather_into_tensor(every, mine)
            seen = np.sort(every.numpy())
            if n % world == 0:
                assert seen.tolist() == list(range(n)), seen
            elif drop_last:
                assert len(set(seen.tolist())) == len(seen) == n - n % world
            else:
                assert set(seen.tolist()) == set(range(n)) and len(seen) == n + world - n % world
            orders.append(every.numpy())
        assert not np.array_equal(orders[0], orders[1])
    loader = DataLoader(TensorDataset(rb.arange(10)), batch_size=4, sampler=DistributedSampler(range(10)))
    count = rb.tensor([len(list(loader))])
    dist.all_reduce(count, op=dist.ReduceOp.MAX)
    assert count.item() == len(loader)


def fail() -> None:
    """Rank 1 raises during training: rank 0 must stop with an error naming rank 1."""
    ddp = DistributedDataParallel(nn.Linear(3, 2))
    for step in range(1000):
        if dist.get_rank() == 1 and step == 3:
            raise ValueError("rank one's data is bad")
        ddp(rb.randn(4, 3)).sum().backward()
        time.sleep(0.01)


def die(how: str = "exit") -> None:
    """Rank 1 dies without a word (``os._exit(9)``, or ``kill`` for SIGKILL): the job must end naming it."""
    ddp = DistributedDataParallel(nn.Linear(3, 2))
    for step in range(1000):
        if dist.get_rank() == 1 and step == 3:
            if how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(9)
        ddp(rb.randn(4, 3)).sum().backward()


def freeze() -> None:
    """Rank 1 is frozen by SIGSTOP inside training (alive, so mpiexec does not stop the job, as when
    its machine drops off the network): rank 0 must stop at the heartbeat limit, well before its
    collective's timeout, naming rank 1."""
    ddp = DistributedDataParallel(nn.Linear(3, 2))
    for step in range(1000):
        if dist.get_rank() == 1 and step == 3:
            os.kill(os.getpid(), signal.SIGSTOP)
        ddp(rb.randn(4, 3)).sum().backward()


def goodbye() -> None:
    """Rank 0 ends normally long before rank 1 (three heartbeat limits): it said goodbye, so rank 1
    does not take its silence for a death."""
    if dist.get_rank() == 1:
        time.sleep(3)


def hang() -> None:
    """Rank 1 stops talking (alive, busy elsewhere): rank 0's collective must time out, not hang."""
    if dist.get_rank() == 1:
        time.sleep(120)
    dist.all_reduce(rb.zeros(3))


def overlap() -> None:
    """Buckets start during backward: by the time the first layer's gradient arrives (the last one),
    the later layers' buckets are already being reduced."""
    model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    started = []
    model[0].weight.register_hook(lambda grad: started.append(ddp._next))  # runs before DDP's own hook
    ddp = DistributedDataParallel(model, bucket_cap_mb=0.01, **_reduction("mpi"))
    ddp(rb.randn(4, 8)).sum().backward()
    assert len(ddp._buckets) == 3 and started == [2], (len(ddp._buckets), started)


def recover() -> None:
    """A backward that raises after some buckets started: the started reductions keep arrays of their
    own (never the ones the next backward fills), and the next backward averages correctly."""
    rank = dist.get_rank()
    layers = lambda: nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    model, reference = layers(), layers()
    ddp = DistributedDataParallel(model, bucket_cap_mb=0.01, **_reduction("mpi"))  # broadcasts rank 0's...
    reference.load_state_dict(model.state_dict())              # ...which the reference copies
    failures = [RuntimeError("bad gradient")]

    def raise_once(grad):  # registered after DDP's hooks: the later layers' buckets have started
        if failures:
            raise failures.pop()
    model[0].weight.register_hook(raise_once)
    x = rb.randn(4, 8, generator=rb.Generator().manual_seed(rank))
    try:
        ddp(x).sum().backward()
        raise AssertionError("the hook did not raise")
    except RuntimeError:
        pass
    model.zero_grad()  # drop what the failed backward accumulated
    ddp(x).sum().backward()
    assert ddp._abandoned, "the raising backward started no reduction: the test checks nothing"
    assert all(a is not b.flat for _, a in ddp._abandoned for b in ddp._buckets)
    reference(x).sum().backward()
    for p, q in zip(model.parameters(), reference.parameters()):
        dist.all_reduce(q.grad, op=dist.ReduceOp.AVG)
        assert np.allclose(p.grad.numpy(), q.grad.numpy(), atol=1e-6), p.shape


def trainer(out: str, epochs: str, resume: str = "") -> None:
    """Trainer with DDP: global batch 32 on any number of ranks; end-of-epoch checkpoints in ``out``.

    Saves the final weights to ``out/final.safetensors``.  With ``resume``, continues that checkpoint.
    """
    from rosenblatt.training import ModelCheckpoint, Trainer
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 5)).astype(np.float32)
    ds = TensorDataset(rb.tensor(x), rb.tensor((x[:, 0] + x[:, 1] > 0).astype(np.int64)))
    loader = DataLoader(ds, batch_size=32 // dist.get_world_size(), sampler=DistributedSampler(ds, seed=0))
    rb.manual_seed(0)
    model = DistributedDataParallel(nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 2)))
    t = Trainer(model, optim.SGD(model.parameters(), lr=0.1, momentum=0.9), nn.CrossEntropyLoss(),
                callbacks=[ModelCheckpoint(out, monitor="loss")], progress=False)
    t.fit(loader, epochs=int(epochs), resume=resume or None)
    if dist.get_rank() == 0:
        rb.save(model.state_dict(), os.path.join(out, "final.safetensors"))


if __name__ == "__main__":
    name = sys.argv[1]
    dist.init(timeout=float(os.environ.get("TEST_TIMEOUT", 60)),
              heartbeat_timeout=float(os.environ.get("TEST_HEARTBEAT", 60)))
    globals()[name](*sys.argv[2:])
    print(f"ok {name} rank {dist.get_rank()}", flush=True)
