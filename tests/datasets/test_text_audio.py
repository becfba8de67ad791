"""TinyShakespeare and SpokenDigits from the real files."""
from __future__ import annotations

import zipfile

import numpy
import pytest

from rosenblatt.data import DataLoader
from rosenblatt.datasets import SpokenDigits, TinyShakespeare, pad_collate
from rosenblatt.datasets._files import git_tree_id


def test_tiny_shakespeare_vocabulary_and_split(data_dir) -> None:
    train = TinyShakespeare(root=data_dir, split="train", download=False)
    val = TinyShakespeare(root=data_dir, split="val", download=False)
    text = (data_dir / "tinyshakespeare" / "input.txt").read_text()
    assert train.vocab_size == 65 and train.chars == sorted(set(text))
    assert len(train.train_data) == 1003854 and len(val.data) == 111540 == len(text) - int(0.9 * len(text))
    assert train.data.dtype == numpy.int64 and len(train) == 1003854
    assert train.decode(train.data[:14]) == "First Citizen:"
    assert val.decode(val.data[:20]) == text[1003854:1003874]
    assert train.stoi["\n"] == 0 and train.itos[train.stoi["z"]] == "z"
    numpy.testing.assert_array_equal(train.encode("To be"), [train.stoi[c] for c in "To be"])
    with pytest.raises(KeyError, match="vocabulary"):
        train.encode("café")
    with pytest.raises(ValueError, match="split"):
        TinyShakespeare(root=data_dir, split="test")


def test_tiny_shakespeare_windows(data_dir) -> None:
    ds = TinyShakespeare(root=data_dir, split="val", block_size=16)
    assert len(ds) == 111540 - 16
    x, y = ds[5]
    numpy.testing.assert_array_equal(x[1:], y[:-1])
    xb, yb = next(iter(DataLoader(ds, batch_size=4, shuffle=True)))
    assert xb.shape == yb.shape == (4, 16) and xb.dtype == numpy.int64
    numpy.testing.assert_array_equal(xb.numpy()[:, 1:], yb.numpy()[:, :-1])
    with pytest.raises(IndexError):
        ds[len(ds)]


@pytest.fixture(scope="module")
def fsdd(data_dir):
    return SpokenDigits(root=data_dir, train=True, download=False), SpokenDigits(root=data_dir, train=False)


def test_spoken_digits_split(fsdd) -> None:
    train, test = fsdd
    # The FSDD README's rule (index 0-4 test, 5-49 train) over 3000 files: 2700 / 300.
    assert len(train) + len(test) == 3000
    assert (len(train), len(test)) == (2700, 300)
    assert set(test.indices.tolist()) == {0, 1, 2, 3, 4} and train.indices.min() == 5 and train.indices.max() == 49
    assert numpy.bincount(train.labels).tolist() == [270] * 10
    assert sorted(set(test.speakers)) == ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]
    assert SpokenDigits.sample_rate == 8000
    lengths = [len(w) for w in train.waveforms + test.waveforms]
    assert min(lengths) == 1148 and max(lengths) == 18262
    assert sum(lengths) / 8000 == pytest.approx(1312.3, abs=0.1)


def test_spoken_digits_samples_and_padding(fsdd) -> None:
    train, _ = fsdd
    x, y = train[0]
    assert x.dtype == numpy.float32 and -1 <= x.min() and x.max() <= 1 and y == int(train.names[0][0])
    xb, lengths, yb = next(iter(DataLoader(train, batch_size=3, collate_fn=pad_collate)))
    assert xb.shape == (3, int(lengths.numpy().max())) and xb.dtype == numpy.float32
    for row, n, w in zip(xb.numpy(), lengths.numpy(), train.waveforms[:3]):
        numpy.testing.assert_array_equal(row[:n], w)
        assert not row[n:].any()


def test_spoken_digits_from_github_zip(data_dir, tmp_path, fsdd) -> None:
    """Without recordings.tar the zip archive is used, verified by git's tree id of recordings/."""
    import tarfile
    zpath = tmp_path / "fsdd" / SpokenDigits.archive.filename
    zpath.parent.mkdir()
    with tarfile.open(data_dir / "fsdd" / "recordings.tar") as t, zipfile.ZipFile(zpath, "w") as z:
        for m in t.getmembers()[:40]:
            if m.isfile():
                info = zipfile.ZipInfo("free-spoken-digit-dataset-26eb9aa/recordings/" + m.name.split("/")[-1])
                info.external_attr = (0o100000 | m.mode) << 16
                z.writestr(info, t.extractfile(m).read())
    with pytest.raises(RuntimeError, match="git-tree:recordings"):
        SpokenDigits(root=tmp_path, download=False)  # 39 of 3000 files: not the published tree
    assert git_tree_id(data_dir / "fsdd" / "recordings.tar", "recordings") == SpokenDigits.archive.digest
    import dataclasses

    class Partial(SpokenDigits):
        archive = dataclasses.replace(SpokenDigits.archive, digest=git_tree_id(zpath, "recordings"))
    train, test = Partial(root=tmp_path, download=False), Partial(root=tmp_path, train=False, download=False)
    assert len(train) + len(test) == 39 and len(test) > 0
    full = dict(zip(fsdd[0].names + fsdd[1].names, fsdd[0].waveforms + fsdd[1].waveforms))
    for name, wave in zip(test.names + train.names, test.waveforms + train.waveforms):
        numpy.testing.assert_array_equal(wave, full[name])
