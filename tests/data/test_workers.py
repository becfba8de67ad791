"""DataLoader with worker processes: same batches as in-process, errors re-raised, clean shutdown."""
from __future__ import annotations

import multiprocessing
import os

import numpy
import pytest

import rosenblatt as rb
from rosenblatt.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info


class Slow(Dataset):
    """Per-sample path; fails on one index to test error propagation."""

    def __init__(self, n: int, bad: int | None = None) -> None:
        self.n, self.bad = n, bad

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        if i == self.bad:
            raise KeyError(f"sample {i} is broken")
        return {"x": numpy.full(2, i, dtype=numpy.float32), "pid": os.getpid(), "seed": int(rb.randint(0, 10**9, (1,)))}


def _batches(loader):
    return [(b[0].numpy().copy(), b[1].numpy().copy()) for b in loader]


@pytest.mark.parametrize("shuffle", [False, True])
def test_two_workers_give_the_same_batches_as_none(rng, shuffle) -> None:
    ds = TensorDataset(rb.from_numpy(rng.standard_normal((103, 3)).astype(numpy.float32)), rb.arange(103))
    a = _batches(DataLoader(ds, batch_size=10, shuffle=shuffle, generator=rb.Generator(7)))
    b = _batches(DataLoader(ds, batch_size=10, shuffle=shuffle, generator=rb.Generator(7), num_workers=2))
    assert len(a) == len(b) == 11
    for (x0, y0), (x1, y1) in zip(a, b):
        numpy.testing.assert_array_equal(x0, x1)
        numpy.testing.assert_array_equal(y0, y1)


def test_workers_share_the_work_in_order_and_are_seeded_apart() -> None:
    loader = DataLoader(Slow(24), batch_size=3, num_workers=2, prefetch_factor=3)
    batches = list(loader)
    assert numpy.concatenate([b["x"].numpy()[:, 0] for b in batches]).tolist() == list(range(24))
    pids = [set(b["pid"].numpy().tolist()) for b in batches]
    assert all(len(p) == 1 for p in pids) and len(set.union(*pids)) == 2
    assert os.getpid() not in set.union(*pids)
    seeds = [b["seed"].numpy().tolist() for b in batches]
    assert seeds[0] != seeds[1]  # worker 0 and worker 1 draw from different streams


def test_worker_error_names_worker_and_batch() -> None:
    loader = DataLoader(Slow(20, bad=13), batch_size=4, num_workers=2)
    seen = []
    with pytest.raises(KeyError, match=r"worker 1 while fetching batch 3(.|\n)*sample 13 is broken"):
        for b in loader:
            seen.append(b)
    assert len(seen) == 3
    assert not multiprocessing.active_children()


def test_worker_init_fn_error_is_reraised() -> None:
    def init(worker_id):
        raise ValueError(f"bad init {worker_id}")
    with pytest.raises(ValueError, match="worker_init_fn"):
        list(DataLoader(Slow(4), batch_size=2, num_workers=2, worker_init_fn=init))


def test_break_shuts_workers_down() -> None:
    loader = DataLoader(Slow(400), batch_size=2, num_workers=2)
    it = iter(loader)
    next(it)
    procs = list(it._workers)
    del it
    for p in procs:
        p.join(timeout=10)
        assert not p.is_alive()


def test_persistent_workers_serve_several_epochs() -> None:
    loader = DataLoader(TensorDataset(rb.arange(10)), batch_size=4, num_workers=2, persistent_workers=True)
    first = [b[0].numpy().tolist() for b in loader]
    it = iter(loader)
    next(it)  # abandon an epoch midway: its stale batches must not leak into the next one
    second = [b[0].numpy().tolist() for b in loader]
    assert first == second == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    procs = loader._iterator._workers
    assert all(p.is_alive() for p in procs)
    loader._iterator._shutdown()
    assert not any(p.is_alive() for p in procs)


class Shards(IterableDataset):
    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, 10, step))


def test_iterable_dataset_sharded_across_workers() -> None:
    out = [b.numpy().tolist() for b in DataLoader(Shards(), batch_size=2, num_workers=2)]
    assert sorted(i for b in out for i in b) == list(range(10))
    assert get_worker_info() is None
    assert [b.numpy().tolist() for b in DataLoader(Shards(), batch_size=4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
