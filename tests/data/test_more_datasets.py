"""ChainDataset and StackDataset against torch.utils.data: samples, lengths, batches, errors."""
from __future__ import annotations

import numpy
import pytest
import torch
import torch.utils.data as tud

import rosenblatt as rb
from rosenblatt.data import (ChainDataset, DataLoader, Dataset, IterableDataset, StackDataset, TensorDataset,
                             default_collate)


def _counter(base: type) -> type:
    class Count(base):  # an iterable dataset with a length
        def __init__(self, start: int, n: int) -> None:
            self.start, self.n = start, n

        def __iter__(self):
            return iter(range(self.start, self.start + self.n))

        def __len__(self) -> int:
            return self.n
    return Count


RbCount, TorchCount = _counter(IterableDataset), _counter(tud.IterableDataset)


class RbStream(IterableDataset):  # no __len__
    def __iter__(self):
        return iter([7, 8])


class TorchStream(tud.IterableDataset):
    def __iter__(self):
        return iter([7, 8])


def test_chain_dataset_iterates_and_counts_as_torchs():
    ours = ChainDataset([RbCount(0, 2), RbCount(10, 3), RbCount(5, 0)])
    theirs = tud.ChainDataset([TorchCount(0, 2), TorchCount(10, 3), TorchCount(5, 0)])
    assert list(ours) == list(theirs) == [0, 1, 10, 11, 12]
    assert len(ours) == len(theirs) == 5
    assert list(ours) == list(ours)  # iterable again
    assert isinstance(ours, IterableDataset) and list(ChainDataset([])) == [] and len(ChainDataset([])) == 0
    # a DataLoader batches the chained stream like any iterable dataset
    batches = [b.tolist() for b in DataLoader(ours, batch_size=2)]
    assert batches == [[int(v) for v in b] for b in tud.DataLoader(theirs, batch_size=2)] == [[0, 1], [10, 11], [12]]


def test_chain_dataset_refuses_map_style_datasets_when_it_reaches_them():
    ours = ChainDataset([RbCount(0, 2), TensorDataset(rb.arange(3))])
    theirs = tud.ChainDataset([TorchCount(0, 2), tud.TensorDataset(torch.arange(3))])
    for chain in (ours, theirs):
        it = iter(chain)
        assert [next(it), next(it)] == [0, 1]  # checked lazily, as torch's
        with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
            next(it)
        with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
            len(chain)
    with pytest.raises(AssertionError, match="got a TensorDataset; join map-style datasets with ConcatDataset"):
        len(ours)


def test_chain_dataset_len_of_an_unsized_stream_raises_type_error_as_torchs():
    for chain in (ChainDataset([RbStream()]), tud.ChainDataset([TorchStream()])):
        assert list(chain) == [7, 8]
        with pytest.raises(TypeError):
            len(chain)


def test_stack_dataset_tuple_form_matches_torch():
    x, y = numpy.arange(12.0).reshape(6, 2), numpy.arange(6)
    ours = StackDataset(TensorDataset(rb.tensor(x)), list(y * 10))
    theirs = tud.StackDataset(tud.TensorDataset(torch.tensor(x)), list(y * 10))
    assert len(ours) == len(theirs) == 6
    (a,), b = ours[4]
    (ta,), tb = theirs[4]
    numpy.testing.assert_array_equal(a.data, ta.numpy())
    assert b == tb == 40
    got, want = ours.__getitems__([5, 0, 2]), theirs.__getitems__([5, 0, 2])
    assert len(got) == len(want) == 3 and all(isinstance(s, tuple) for s in got)
    assert [g[1] for g in got] == [w[1] for w in want] == [50, 0, 20]
    for g, w in zip(got, want):
        numpy.testing.assert_array_equal(g[0][0].data, w[0][0].numpy())


def test_stack_dataset_dict_form_and_nested_getitems_as_torchs():
    class Batched:  # a dataset with __getitems__, as torch calls it
        def __init__(self, n, lie=False):
            self.n, self.lie = n, lie
            self.calls = 0

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            return -i

        def __getitems__(self, indices):
            self.calls += 1
            return [-i for i in indices][: len(indices) - self.lie]

    for make in (StackDataset, tud.StackDataset):
        inner = Batched(4)
        stack = make(neg=inner, pos=list(range(4)))
        assert stack[3] == {"neg": -3, "pos": 3}
        assert stack.__getitems__([1, 2]) == [{"neg": -1, "pos": 1}, {"neg": -2, "pos": 2}]
        assert inner.calls == 1
        assert make(Batched(4), list(range(4))).__getitems__([3]) == [(-3, 3)]
        for bad in (make(a=Batched(4, lie=True)), make(Batched(4, lie=True))):
            with pytest.raises(ValueError, match="Nested dataset's output size mismatch. Expected 2, got 1"):
                bad.__getitems__([0, 1])


def test_stack_dataset_errors_as_torchs():
    for make in (StackDataset, tud.StackDataset):
        with pytest.raises(ValueError, match="At least one dataset should be passed"):
            make()
        with pytest.raises(ValueError, match="Size mismatch between datasets"):
            make([1, 2], [1, 2, 3])
        with pytest.raises(ValueError, match="Size mismatch between datasets"):
            make(a=[1, 2], b=[1])
        with pytest.raises(ValueError, match="but both types are given"):
            make([1], b=[2])
    with pytest.raises(ValueError, match=r"got lengths \[2, 3\]"):
        StackDataset([1, 2], [1, 2, 3])


@pytest.mark.parametrize("form", ["tuple", "dict"])
def test_stack_dataset_fast_batches_equal_the_default_collate_of_its_samples(form):
    rng = numpy.random.default_rng(0)
    images, labels = TensorDataset(rb.tensor(rng.standard_normal((7, 3)))), TensorDataset(rb.arange(7))
    stack = StackDataset(images, labels) if form == "tuple" else StackDataset(image=images, label=labels)
    assert callable(getattr(stack, "__getbatch__", None))  # both parts fetch batches in one index
    slow = StackDataset(images, list(range(7))) if form == "tuple" else StackDataset(image=images, label=list(range(7)))
    assert getattr(slow, "__getbatch__", None) is None
    indices = numpy.array([4, 0, 6])
    fast = stack.__getbatch__(indices)
    want = default_collate([stack[int(i)] for i in indices])
    parts = (zip(fast, want) if form == "tuple" else ((fast[k], want[k]) for k in want))
    assert type(fast) is type(want)
    for got, expected in parts:
        assert len(got) == len(expected) == 1
        numpy.testing.assert_array_equal(got[0].data, expected[0].data)
    loaded = list(DataLoader(stack, batch_size=3))
    assert len(loaded) == 3
    label_batch = loaded[2][1][0] if form == "tuple" else loaded[2]["label"][0]
    assert label_batch.tolist() == [6]


def test_public_paths():
    assert rb.utils.data.ChainDataset is ChainDataset and rb.utils.data.StackDataset is StackDataset
    assert issubclass(StackDataset, Dataset) and issubclass(ChainDataset, IterableDataset)


def test_the_loader_fetches_a_batch_through_getitems_as_torchs():
    """A dataset with ``__getitems__`` gets one call per batch with the batch's indices (torch's fetcher)."""
    def make(base):
        class Squares(base):
            def __init__(self):
                self.calls = []

            def __len__(self):
                return 6

            def __getitem__(self, i):
                raise AssertionError("the loader must use __getitems__")

            def __getitems__(self, indices):
                self.calls.append(list(indices))
                return [float(i * i) for i in indices]
        return Squares()

    ours, theirs = make(Dataset), make(tud.Dataset)
    got = [b.tolist() for b in DataLoader(ours, batch_size=4)]
    expected = [b.tolist() for b in tud.DataLoader(theirs, batch_size=4)]
    assert got == expected == [[0.0, 1.0, 4.0, 9.0], [16.0, 25.0]]
    assert ours.calls == theirs.calls == [[0, 1, 2, 3], [4, 5]]
