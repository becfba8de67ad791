"""Checksums and downloads, against a local HTTP server (there is no network in tests)."""
from __future__ import annotations

import gzip
import hashlib
import io
import zipfile

import numpy
import pytest

from rosenblatt.datasets import MNIST, ChecksumError, MovieLens, TinyShakespeare
from rosenblatt.datasets._files import Resource


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _shakespeare(base_url: str, text: bytes):
    class Fake(TinyShakespeare):
        url = base_url + "input.txt"
        size, sha256 = len(text), _sha(text)
    return Fake


TEXT = b"First Citizen:\nBefore we proceed any further, hear me speak.\n" * 3


def test_download_is_verified_and_atomic(tmp_path, http_root) -> None:
    served, base = http_root
    (served / "input.txt").write_bytes(TEXT)
    ds = _shakespeare(base, TEXT)(root=tmp_path / "data", split="val")
    folder = tmp_path / "data" / "tinyshakespeare"
    assert (folder / "input.txt").read_bytes() == TEXT
    assert [p.name for p in folder.iterdir()] == ["input.txt"]  # no temporary file left behind
    assert ds.decode(ds.data) == TEXT.decode()[int(0.9 * len(TEXT)):]


def test_corrupted_download_leaves_nothing(tmp_path, http_root) -> None:
    served, base = http_root
    (served / "input.txt").write_bytes(TEXT[:-5])  # truncated on the server
    with pytest.raises(RuntimeError, match="sha256") as e:
        _shakespeare(base, TEXT)(root=tmp_path)
    assert "input.txt" in str(e.value)
    assert not any((tmp_path / "tinyshakespeare").iterdir())


def test_unreachable_mirror_error_lists_it(tmp_path, http_root) -> None:
    _, base = http_root
    with pytest.raises(RuntimeError, match="404"):
        _shakespeare(base, TEXT)(root=tmp_path)


def test_present_file_with_wrong_checksum_names_file_and_fix(tmp_path, data_dir) -> None:
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (folder / name).write_bytes((data_dir / "mnist" / name).read_bytes())
    good = (folder / "t10k-labels-idx1-ubyte.gz").read_bytes()
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(good[:-1] + bytes([good[-1] ^ 1]))  # same size, one bit off
    with pytest.raises(ChecksumError) as e:
        MNIST(root=tmp_path, train=False)
    msg = str(e.value)
    assert "t10k-labels-idx1-ubyte.gz" in msg and "delete it" in msg
    assert MNIST.resources[False][1][2] in msg and _sha(good[:-1] + bytes([good[-1] ^ 1])) in msg
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(good[:100])  # truncated: caught by the size alone
    with pytest.raises(ChecksumError, match="100 bytes"):
        MNIST(root=tmp_path, train=False)


def test_missing_file_without_download_says_how_to_get_it(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="download=True"):
        TinyShakespeare(root=tmp_path, download=False)


def _idx(array: numpy.ndarray) -> bytes:
    header = (0x0800 + array.ndim).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return gzip.compress(header + array.astype(numpy.uint8).tobytes())


def test_mnist_falls_back_to_the_next_mirror(tmp_path, http_root, rng) -> None:
    served, base = http_root
    (served / "good").mkdir()
    images, labels = rng.integers(0, 256, (7, 28, 28)), rng.integers(0, 10, 7)
    files = {"t10k-images-idx3-ubyte.gz": _idx(images), "t10k-labels-idx1-ubyte.gz": _idx(labels)}
    for name, data in files.items():
        (served / "good" / name).write_bytes(data)

    class Tiny(MNIST):
        mirrors = [base + "missing/", base + "good/"]
        resources = {False: [(name, len(data), _sha(data)) for name, data in files.items()]}

    ds = Tiny(root=tmp_path, train=False)
    numpy.testing.assert_array_equal(ds.data.numpy(), images)
    numpy.testing.assert_array_equal(ds.targets.numpy(), labels)
    assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == sorted(files)


def test_movielens_download_extracts_zip(tmp_path, http_root) -> None:
    served, base = http_root
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ml-100k/u.data", "1\t10\t4\t881250949\n2\t20\t3\t891717742\n")
        z.writestr("ml-100k/u1.base", "1\t10\t4\t881250949\n")
        z.writestr("ml-100k/u1.test", "2\t20\t3\t891717742\n")
        z.writestr("../evil", "outside")  # never extracted: only ml-100k/<name> members are
    (served / "ml-100k.zip").write_bytes(buf.getvalue())

    class Fake(MovieLens):
        resources = [Resource("ml-100k.zip", len(buf.getvalue()), hashlib.md5(buf.getvalue()).hexdigest(),
                              (base + "ml-100k.zip",), algorithm="md5")]

    ds = Fake(root=tmp_path)
    assert len(ds) == 2 and ds.users.tolist() == [1, 2]
    assert Fake(root=tmp_path, fold=1, train=False).items.tolist() == [20]
    assert not (tmp_path / "evil").exists()
