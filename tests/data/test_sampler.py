"""Samplers and dataset helpers against torch.utils.data (orders differ: the RNGs differ; contracts do not)."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.utils.data as tud

import rosenblatt as rb
from rosenblatt.data import (BatchSampler, ConcatDataset, RandomSampler, SequentialSampler, Subset,
                             SubsetRandomSampler, TensorDataset, WeightedRandomSampler, random_split)


def test_sequential_sampler_matches_torch() -> None:
    assert list(SequentialSampler(range(7))) == list(tud.SequentialSampler(range(7)))
    assert len(SequentialSampler(range(7))) == 7


@pytest.mark.parametrize("replacement,num_samples", [(False, None), (False, 25), (False, 4), (True, None), (True, 30)])
def test_random_sampler_contract(replacement, num_samples) -> None:
    ours = list(RandomSampler(range(10), replacement, num_samples, generator=rb.Generator(0)))
    ref = list(tud.RandomSampler(range(10), replacement, num_samples, generator=torch.Generator().manual_seed(0)))
    assert len(ours) == len(ref) and all(isinstance(i, int) for i in ours)
    assert min(ours) >= 0 and max(ours) < 10
    if not replacement:  # whole permutations first, as torch: every index once per block of 10
        for start in range(0, len(ours) - len(ours) % 10, 10):
            assert sorted(ours[start:start + 10]) == list(range(10))
        assert len(set(ours[len(ours) - len(ours) % 10:])) == len(ours) % 10
    assert ours == list(RandomSampler(range(10), replacement, num_samples, generator=rb.Generator(0)))
    assert ours != list(RandomSampler(range(10), replacement, num_samples, generator=rb.Generator(1)))


def test_random_sampler_errors_like_torch() -> None:
    for kwargs in (dict(num_samples=0), dict(num_samples=-3)):
        with pytest.raises(ValueError, match="num_samples"):
            RandomSampler(range(3), **kwargs)
        with pytest.raises(ValueError):
            tud.RandomSampler(range(3), **kwargs)
    with pytest.raises(TypeError):
        RandomSampler(range(3), replacement=1)


def test_subset_random_sampler() -> None:
    ours = list(SubsetRandomSampler([3, 9, 4, 7], generator=rb.Generator(0)))
    assert sorted(ours) == [3, 4, 7, 9] and len(SubsetRandomSampler([3, 9])) == 2
    assert ours == list(SubsetRandomSampler([3, 9, 4, 7], generator=rb.Generator(0)))


def test_weighted_random_sampler_follows_weights() -> None:
    w = [0.0, 1.0, 3.0, 0.0]
    draws = numpy.array(list(WeightedRandomSampler(w, 4000, generator=rb.Generator(0))))
    assert set(draws.tolist()) <= {1, 2}
    assert abs((draws == 2).mean() - 0.75) < 0.03
    no_rep = list(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False, generator=rb.Generator(0)))
    assert sorted(no_rep) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="without replacement"):
        WeightedRandomSampler([1.0, 0.0], 2, replacement=False)
    with pytest.raises(ValueError, match="num_samples"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="non-negative"):
        WeightedRandomSampler([1.0, -1.0], 2)


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("source", [SequentialSampler(range(11)), [5, 1, 8, 2, 0, 9, 4]])
def test_batch_sampler_matches_torch(source, drop_last) -> None:
    ours = BatchSampler(source, 3, drop_last)
    ref = tud.BatchSampler(list(source), 3, drop_last)
    assert list(ours) == list(ref) and len(ours) == len(ref)


def test_batch_sampler_errors() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last"):
        BatchSampler(range(3), 2, 1)


def test_tensor_dataset_and_subset_and_concat() -> None:
    x, y = rb.randn(6, 2), rb.arange(6)
    ds = TensorDataset(x, y)
    xi, yi = ds[4]
    numpy.testing.assert_array_equal(xi.numpy(), x.numpy()[4])
    assert int(yi) == 4 and len(ds) == 6
    with pytest.raises(ValueError, match="size mismatch"):
        TensorDataset(rb.zeros(3), rb.zeros(4))
    sub = Subset(ds, [5, 0])
    assert len(sub) == 2 and int(sub[0][1]) == 5
    both = ds + TensorDataset(rb.zeros(2, 2), rb.arange(2) + 100)
    assert isinstance(both, ConcatDataset) and len(both) == 8
    assert int(both[6][1]) == 100 and int(both[-1][1]) == 101 and int(both[5][1]) == 5
    with pytest.raises(IndexError):
        both[8]


@pytest.mark.parametrize("lengths", [[0.8, 0.2], [0.3, 0.3, 0.4], [0.5, 0.5], [3, 7], [1 / 3, 1 / 3, 1 / 3]])
@pytest.mark.parametrize("n", [10, 11])
def test_random_split_lengths_match_torch(lengths, n) -> None:
    if all(isinstance(k, int) for k in lengths) and sum(lengths) != n:
        with pytest.raises(ValueError, match="does not equal"):
            random_split(TensorDataset(rb.arange(n)), lengths)
        return
    parts = random_split(TensorDataset(rb.arange(n)), lengths, generator=rb.Generator(0))
    ref = tud.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [len(r) for r in ref]
    seen = sorted(i for p in parts for i in p.indices)
    assert seen == list(range(n))
    again = random_split(TensorDataset(rb.arange(n)), lengths, generator=rb.Generator(0))
    assert [p.indices for p in parts] == [p.indices for p in again]


def test_distributed_sampler_takes_a_negative_seed_like_torch() -> None:
    from torch.utils.data.distributed import DistributedSampler as TorchDistributedSampler
    from rosenblatt.data import DistributedSampler
    assert len(list(TorchDistributedSampler(range(10), num_replicas=2, rank=0, seed=-1))) == 5
    # NumPy refused the seed when the epoch began ("expected non-negative integer")
    shares = [list(DistributedSampler(range(10), num_replicas=2, rank=r, seed=-1)) for r in (0, 1)]
    assert sorted(shares[0] + shares[1]) == list(range(10))
