"""MNIST and Fashion-MNIST read from the real files: counts, shapes, dtypes, labels, loader fast path."""
from __future__ import annotations

import numpy
import pytest

from rosenblatt.data import DataLoader, default_collate
from rosenblatt.datasets import MNIST, FashionMNIST

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.mark.parametrize("train,n,counts,first", [(True, 60000, MNIST_TRAIN_COUNTS, [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]),
                                                  (False, 10000, MNIST_TEST_COUNTS, [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])])
def test_mnist(data_dir, train, n, counts, first) -> None:
    ds = MNIST(root=data_dir, train=train, download=False)
    assert len(ds) == n
    assert ds.data.shape == (n, 28, 28) and ds.data.dtype == numpy.uint8
    assert ds.targets.shape == (n,) and ds.targets.dtype == numpy.int64
    assert numpy.bincount(ds.targets.numpy()).tolist() == counts
    assert ds.targets.numpy()[:10].tolist() == first
    assert ds.data.numpy().max() == 255 and ds.data.numpy().min() == 0
    image, label = ds[0]
    assert image.shape == (28, 28) and image.dtype == numpy.uint8 and label == first[0]


@pytest.mark.parametrize("train,n", [(True, 60000), (False, 10000)])
def test_fashion_mnist(data_dir, train, n) -> None:
    ds = FashionMNIST(root=data_dir, train=train, download=False)
    assert ds.data.shape == (n, 28, 28) and ds.data.dtype == numpy.uint8
    assert numpy.bincount(ds.targets.numpy()).tolist() == [n // 10] * 10
    assert ds.classes[9] == "Ankle boot"
    assert ds.targets.numpy()[:3].tolist() == ([9, 0, 0] if train else [9, 2, 1])


def test_root_from_environment(data_dir, monkeypatch) -> None:
    monkeypatch.setenv("ROSENBLATT_DATA", str(data_dir))
    assert MNIST(train=False).root == data_dir


def test_loader_fast_path_equals_collated_samples(data_dir) -> None:
    ds = MNIST(root=data_dir, train=False)
    assert hasattr(ds, "__getbatch__")
    x, y = next(iter(DataLoader(ds, batch_size=5)))
    ref = default_collate([ds[i] for i in range(5)])
    assert x.dtype == ref[0].dtype == numpy.uint8 and y.dtype == ref[1].dtype == numpy.int64
    numpy.testing.assert_array_equal(x.numpy(), ref[0].numpy())
    numpy.testing.assert_array_equal(y.numpy(), ref[1].numpy())


def test_transforms_apply_per_sample(data_dir) -> None:
    ds = MNIST(root=data_dir, train=False, transform=lambda im: im.astype(numpy.float32) / 255,
               target_transform=lambda t: t + 100)
    assert not hasattr(ds, "__getbatch__")
    image, label = ds[1]
    assert image.dtype == numpy.float32 and image.max() == 1.0 and label == 102
    x, y = next(iter(DataLoader(ds, batch_size=4)))
    assert x.dtype == numpy.float32 and y.numpy().tolist() == [107, 102, 101, 100]
