"""MovieLens on ratings generated here in u.data format; Digits' optional dependency."""
from __future__ import annotations

import importlib.util

import numpy
import pytest

from rosenblatt.data import DataLoader, default_collate
from rosenblatt.datasets import Digits, MovieLens


@pytest.fixture
def movielens_root(tmp_path, rng):
    folder = tmp_path / "movielens" / "ml-100k"
    folder.mkdir(parents=True)
    table = numpy.stack([rng.integers(1, 30, 200), rng.integers(1, 50, 200), rng.integers(1, 6, 200),
                         rng.integers(874724710, 893286638, 200)], axis=1)
    lines = ["\t".join(map(str, row)) for row in table]
    (folder / "u.data").write_text("\n".join(lines) + "\n")
    (folder / "u3.base").write_text("\n".join(lines[:160]) + "\n")
    (folder / "u3.test").write_text("\n".join(lines[160:]) + "\n")
    return tmp_path, table


def test_movielens_reads_u_data(movielens_root) -> None:
    root, table = movielens_root
    ds = MovieLens(root=root, download=False)
    assert len(ds) == 200
    numpy.testing.assert_array_equal(ds.users, table[:, 0])
    numpy.testing.assert_array_equal(ds.items, table[:, 1])
    numpy.testing.assert_array_equal(ds.timestamps, table[:, 3])
    assert ds.ratings.dtype == numpy.float32 and ds.ratings.tolist() == table[:, 2].tolist()
    assert ds.num_users == table[:, 0].max() + 1 and ds.num_items == table[:, 1].max() + 1
    assert ds[3] == (table[3, 0], table[3, 1], table[3, 2])


def test_movielens_folds_and_loader(movielens_root) -> None:
    root, table = movielens_root
    train, test = MovieLens(root=root, fold=3), MovieLens(root=root, fold=3, train=False)
    assert (len(train), len(test)) == (160, 40)
    numpy.testing.assert_array_equal(test.users, table[160:, 0])
    u, i, r = next(iter(DataLoader(train, batch_size=8, shuffle=True)))
    assert (u.dtype, i.dtype, r.dtype) == (numpy.int64, numpy.int64, numpy.float32)
    idx = [0, 5, 9]
    ref = default_collate([train[k] for k in idx])
    for got, want in zip(train.__getbatch__(numpy.array(idx)), ref):
        assert got.dtype == want.dtype
        numpy.testing.assert_array_equal(got.numpy(), want.numpy())
    with pytest.raises(FileNotFoundError, match="u1.base"):
        MovieLens(root=root, fold=1)
    with pytest.raises(ValueError, match="fold"):
        MovieLens(root=root, fold=6)


def test_movielens_rejects_malformed_file(tmp_path) -> None:
    folder = tmp_path / "movielens" / "ml-100k"
    folder.mkdir(parents=True)
    (folder / "u.data").write_text("1,2,3,4\n")
    with pytest.raises(ValueError, match="u.data format"):
        MovieLens(root=tmp_path, download=False)


def test_digits_needs_scikit_learn() -> None:
    if importlib.util.find_spec("sklearn") is None:
        with pytest.raises(ImportError, match="pip install scikit-learn"):
            Digits()
    else:
        ds = Digits()
        assert ds.data.shape == (1797, 8, 8) and ds.data.dtype == numpy.float32
        assert numpy.bincount(ds.targets.numpy()).sum() == 1797
