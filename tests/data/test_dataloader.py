"""DataLoader against torch.utils.data: batch counts, contents, collation, argument errors."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.utils.data as tud

import rosenblatt as rb
from rosenblatt.data import (BatchSampler, DataLoader, Dataset, IterableDataset, SequentialSampler, Subset,
                             TensorDataset, default_collate)


class Rows(Dataset):
    """Map-style dataset without the fast path: samples are (array row, int label)."""

    def __init__(self, x: numpy.ndarray, y: numpy.ndarray) -> None:
        self.x, self.y = x, y

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int):
        return self.x[i], int(self.y[i])


class TorchRows(tud.Dataset):
    def __init__(self, x: numpy.ndarray, y: numpy.ndarray) -> None:
        self.x, self.y = x, y

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int):
        return torch.from_numpy(self.x[i]), int(self.y[i])


def _np(batch):
    if isinstance(batch, (list, tuple)):
        return [_np(b) for b in batch]
    if isinstance(batch, dict):
        return {k: _np(v) for k, v in batch.items()}
    return batch.numpy() if isinstance(batch, (torch.Tensor, rb.Tensor)) else batch


def _same(a, b) -> None:
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for p, q in zip(a, b):
            _same(p, q)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _same(a[k], b[k])
    else:
        assert a.dtype == b.dtype, (a.dtype, b.dtype)
        numpy.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("n,batch_size,drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (5, 8, False),
                                                    (5, 8, True), (1, 1, False)])
@pytest.mark.parametrize("fast", [True, False])
def test_sequential_batches_match_torch(rng, n, batch_size, drop_last, fast) -> None:
    x = rng.standard_normal((n, 4)).astype(numpy.float32)
    y = rng.integers(0, 10, n)
    ds = TensorDataset(rb.from_numpy(x), rb.from_numpy(y)) if fast else Rows(x, y)
    ours = DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
    ref = tud.DataLoader(TorchRows(x, y), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(ref)
    got, want = [_np(b) for b in ours], [_np(b) for b in ref]
    assert len(got) == len(want) == len(ours)
    for g, w in zip(got, want):
        _same(g, w)


def test_fast_path_equals_per_sample_path(rng) -> None:
    x = rng.standard_normal((50, 3)).astype(numpy.float32)
    y = rng.integers(0, 5, 50)
    fast = DataLoader(TensorDataset(rb.from_numpy(x), rb.from_numpy(y)), batch_size=7, shuffle=True,
                      generator=rb.Generator(3))
    slow = DataLoader(TensorDataset(rb.from_numpy(x), rb.from_numpy(y)), batch_size=7, shuffle=True,
                      generator=rb.Generator(3), collate_fn=lambda b: default_collate(b))
    for a, b in zip(fast, slow):
        _same(_np(a), _np(b))


def test_fast_path_batches_are_copies(rng) -> None:
    x = rb.from_numpy(rng.standard_normal((6, 2)).astype(numpy.float32))
    before = x.numpy().copy()
    for xb, in DataLoader(TensorDataset(x), batch_size=3):
        xb.data *= 0  # a user's in-place normalisation must not reach the dataset
    numpy.testing.assert_array_equal(x.numpy(), before)


def test_shuffle_same_seed_same_order_and_every_sample_once(rng) -> None:
    ds = TensorDataset(rb.arange(100))
    def order(seed):
        return numpy.concatenate([b[0].numpy() for b in DataLoader(ds, batch_size=16, shuffle=True,
                                                                       generator=rb.Generator(seed))])
    a, b, c = order(1), order(1), order(2)
    numpy.testing.assert_array_equal(a, b)
    assert not numpy.array_equal(a, c)
    numpy.testing.assert_array_equal(numpy.sort(a), numpy.arange(100))


def test_shuffle_reshuffles_each_epoch_and_default_generator_follows_manual_seed() -> None:
    ds = TensorDataset(rb.arange(50))
    loader = DataLoader(ds, batch_size=50, shuffle=True)
    rb.manual_seed(5)
    e1, e2 = next(iter(loader))[0].numpy(), next(iter(loader))[0].numpy()
    rb.manual_seed(5)
    again = next(iter(loader))[0].numpy()
    assert not numpy.array_equal(e1, e2)
    numpy.testing.assert_array_equal(e1, again)


def test_collate_tuples_dicts_numbers_match_torch(rng) -> None:
    samples = [{"x": rng.standard_normal(3).astype(numpy.float32), "y": i, "w": 0.5 * i, "name": f"s{i}",
                "pair": (numpy.int64(i), rb.tensor([i, i + 1]))} for i in range(4)]
    torch_samples = [{**s, "pair": (s["pair"][0], torch.tensor(s["pair"][1].numpy()))} for s in samples]
    got, want = default_collate(samples), tud.default_collate(torch_samples)
    assert got["name"] == want["name"] == ["s0", "s1", "s2", "s3"]
    del got["name"], want["name"]
    _same(_np(got), _np(want))


@pytest.mark.parametrize("batch", [[1, 2.5], [True, 2], [True, False], [1.0, 2]])
def test_collate_python_numbers_take_the_dtype_of_all_values_as_torch(batch) -> None:
    got, want = default_collate(batch), tud.default_collate(batch)  # [1, 2.5] was int64 [1, 2]
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize("dtypes", [("int64", "float32"), ("float16", "int64"), ("uint8", "int8")])
def test_collate_of_mixed_dtypes_promotes_as_torch_stack(dtypes) -> None:
    arrays = [numpy.ones(2, dtype=d) for d in dtypes]  # int64 with float32 stacked to float64
    for got, want in ((default_collate(arrays), tud.default_collate(arrays)),
                      (default_collate([rb.tensor(a) for a in arrays]),
                       tud.default_collate([torch.from_numpy(a) for a in arrays]))):
        assert str(got.dtype) == str(want.dtype).removeprefix("torch.")


def test_collate_keeps_the_mapping_type_and_gives_string_fields_as_tuples_as_torch() -> None:
    from collections import OrderedDict, defaultdict
    for make in (OrderedDict, lambda **kw: defaultdict(int, **kw)):
        got, want = default_collate([make(a=1), make(a=2)]), tud.default_collate([make(a=1), make(a=2)])
        assert type(got) is type(want) and got["a"].tolist() == want["a"].tolist()
    got, want = default_collate([(1, "s"), (2, "t")]), tud.default_collate([(1, "s"), (2, "t")])
    assert got[1] == want[1] == ("s", "t")
    assert default_collate(["s", "t"]) == tud.default_collate(["s", "t"]) == ["s", "t"]


def test_collate_namedtuple_and_errors() -> None:
    from collections import namedtuple
    P = namedtuple("P", "a b")
    out = default_collate([P(1, 2.0), P(3, 4.0)])
    assert isinstance(out, P) and out.a.dtype == numpy.int64 and out.b.dtype == numpy.float64
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([(1, 2), (3,)])
    with pytest.raises(RuntimeError, match="same shape"):
        default_collate([numpy.zeros(2), numpy.zeros(3)])
    with pytest.raises(TypeError, match="collate_fn"):
        default_collate([object(), object()])


def test_batch_size_none_converts_samples() -> None:
    ds = Rows(numpy.arange(6, dtype=numpy.float32).reshape(3, 2), numpy.arange(3))
    out = list(DataLoader(ds, batch_size=None))
    assert len(out) == 3 and isinstance(out[1][0], rb.Tensor) and out[1][1] == 1
    numpy.testing.assert_array_equal(out[1][0].numpy(), [2.0, 3.0])


def test_custom_sampler_and_batch_sampler(rng) -> None:
    ds = TensorDataset(rb.arange(10) * 10)
    got = [b[0].numpy().tolist() for b in DataLoader(ds, batch_size=2, sampler=[9, 0, 5])]
    assert got == [[90, 0], [50]]
    got = [b[0].numpy().tolist() for b in DataLoader(ds, batch_sampler=[[1, 2, 3], [7]])]
    assert got == [[10, 20, 30], [70]]
    assert len(DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(ds), 4, True))) == 2


def test_subset_keeps_fast_path_and_order() -> None:
    ds = Subset(TensorDataset(rb.arange(10)), [8, 2, 5])
    assert hasattr(ds, "__getbatch__")
    assert [b[0].numpy().tolist() for b in DataLoader(ds, batch_size=2)] == [[8, 2], [5]]


def test_iterable_dataset_batches_like_torch() -> None:
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    class TorchStream(tud.IterableDataset):
        def __iter__(self):
            return iter(range(7))

    for drop_last in (False, True):
        got = [b.numpy().tolist() for b in DataLoader(Stream(), batch_size=3, drop_last=drop_last)]
        want = [b.numpy().tolist() for b in tud.DataLoader(TorchStream(), batch_size=3, drop_last=drop_last)]
        assert got == want
    with pytest.raises(TypeError):
        len(DataLoader(Stream(), batch_size=3))


@pytest.mark.parametrize("kwargs,match", [
    (dict(batch_sampler=[[0]], batch_size=2), "mutually exclusive"),
    (dict(batch_sampler=[[0]], shuffle=True), "mutually exclusive"),
    (dict(batch_sampler=[[0]], drop_last=True), "mutually exclusive"),
    (dict(batch_sampler=[[0]], sampler=[0]), "mutually exclusive"),
    (dict(sampler=[0], shuffle=True), "mutually exclusive with shuffle"),
    (dict(batch_size=None, drop_last=True), "batch_size=None"),
    (dict(num_workers=-1), "num_workers=0"),
    (dict(prefetch_factor=2), "prefetch_factor"),
    (dict(persistent_workers=True), "persistent_workers"),
    (dict(batch_size=0), "positive integer"),
])
def test_argument_conflicts_raise_like_torch(kwargs, match) -> None:
    x = numpy.zeros((4, 1), dtype=numpy.float32)
    with pytest.raises(ValueError, match=match):
        DataLoader(TensorDataset(rb.from_numpy(x)), **kwargs)
    with pytest.raises(ValueError):
        tud.DataLoader(tud.TensorDataset(torch.from_numpy(x)), **kwargs)


def test_iterable_dataset_refuses_shuffle_and_samplers() -> None:
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(3))
    for kwargs in (dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])):
        with pytest.raises(ValueError, match="IterableDataset"):
            DataLoader(Stream(), **kwargs)
