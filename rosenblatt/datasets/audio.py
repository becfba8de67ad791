"""The Free Spoken Digit Dataset: 3000 recordings of spoken digits, 8 kHz mono."""
from __future__ import annotations

import io
import os
import tarfile
import wave
import zipfile
from pathlib import Path
from typing import Any, Callable, Sequence

from .._backend import xp
from ..data.dataset import Dataset
from ..tensor import Tensor
from ._files import Resource, cached_parse, data_root, fetch

_COMMIT = "26eb9aaf76e81b692f806f9140c2d2777410d7a1"


def _read_wav(name: str, raw: bytes) -> Any:
    with wave.open(io.BytesIO(raw)) as w:
        if (w.getnchannels(), w.getsampwidth()) != (1, 2):
            raise ValueError(f"SpokenDigits: {name} is not mono 16-bit PCM "
                             f"({w.getnchannels()} channels, {8 * w.getsampwidth()} bits)")
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    return rate, xp.frombuffer(frames, dtype="<i2").astype(xp.float32) / xp.float32(32768)


def _members(archive: Path) -> list[tuple[str, bytes]]:
    """``(file name, bytes)`` of every ``recordings/*.wav`` in a tar or zip archive."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            return [(n.rsplit("/", 1)[-1], z.read(n)) for n in z.namelist()
                    if n.endswith(".wav") and n.split("/")[-2:-1] == ["recordings"]]
    with tarfile.open(archive) as t:
        return [(m.name.rsplit("/", 1)[-1], t.extractfile(m).read()) for m in t.getmembers()
                if m.isfile() and m.name.endswith(".wav")]


def _read_recordings(archive: Path) -> dict:
    names, waves, rates = [], [], set()
    for name, raw in sorted(_members(archive)):
        rate, x = _read_wav(name, raw)
        names.append(name)
        waves.append(x)
        rates.add(rate)
    if rates != {8000}:
        raise ValueError(f"SpokenDigits: expected 8000 Hz recordings, found rates {sorted(rates)} in {archive}")
    fields = [n[:-4].split("_") for n in names]
    return {"names": names, "waveforms": waves,
            "labels": xp.array([int(f[0]) for f in fields], dtype=xp.int64),
            "speakers": [f[1] for f in fields],
            "indices": xp.array([int(f[2]) for f in fields], dtype=xp.int64)}


class SpokenDigits(Dataset):
    """The Free Spoken Digit Dataset (FSDD): six speakers saying 0-9, 50 times each.

    Recordings ``{digit}_{speaker}_{index}.wav`` are read straight from the
    archive with the standard library.  The official split puts ``index``
    0-4 in the test set (300 recordings: 10 digits x 6 speakers x 5) and 5-49
    in the training set (2700).  ``dataset[i]`` is ``(waveform, label)``: a float32 array in
    [-1, 1] of the recording's length (1148 to 18262 samples), and an int.
    Lengths differ, so batch with ``collate_fn=pad_collate``.

    Files: ``{root}/fsdd/recordings.tar`` (a ``git archive`` of ``recordings/``,
    sha256 checked); when it is missing, GitHub's zip archive of the pinned
    commit, ``{root}/fsdd/free-spoken-digit-dataset-{commit}.zip``, checked by
    the git tree id of its ``recordings/`` folder (and downloaded if allowed).

    Args:
        root: data directory; default ``$ROSENBLATT_DATA``, else ``~/.cache/rosenblatt``.
        train: the training split (True) or the test split.
        transform: applied to each waveform.
        target_transform: applied to each label.
        download: fetch the zip archive when no archive is present. Default True.

    Attributes:
        waveforms: list of float32 arrays; labels, indices: int64 arrays; speakers: list of str.

    Example:
        >>> ds = SpokenDigits(train=False)             # doctest: +SKIP
        >>> len(ds), ds.sample_rate                    # doctest: +SKIP
        (300, 8000)
    """

    folder = "fsdd"
    sample_rate = 8000
    tar = Resource("recordings.tar", 23429120, "fd786690c964edc9b7957f71c1c1ff344d62b4fb4338acfe52358c9033c4cdc4",
                   (f"https://github.com/Jakobovski/free-spoken-digit-dataset/archive/{_COMMIT}.zip",))
    archive = Resource(f"free-spoken-digit-dataset-{_COMMIT}.zip", None, "d04322e322a9f937f6f4f7c8546693755184df5b",
                       (f"https://github.com/Jakobovski/free-spoken-digit-dataset/archive/{_COMMIT}.zip",),
                       algorithm="git-tree:recordings")

    def __init__(self, root: str | os.PathLike | None = None, train: bool = True,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 download: bool = True) -> None:
        self.root = data_root(root)
        self.train = train
        self.transform, self.target_transform = transform, target_transform
        folder = self.root / self.folder
        res = self.tar if (folder / self.tar.filename).exists() else self.archive
        (path,) = fetch(folder, [res], "SpokenDigits", download)
        rec = cached_parse(path, _read_recordings)
        keep = xp.flatnonzero((rec["indices"] >= 5) == bool(train))
        self.names = [rec["names"][i] for i in keep]
        self.waveforms = [rec["waveforms"][i] for i in keep]
        self.labels = rec["labels"][keep]
        self.speakers = [rec["speakers"][i] for i in keep]
        self.indices = rec["indices"][keep]

    def __len__(self) -> int:
        return len(self.waveforms)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        x, y = self.waveforms[index].copy(), int(self.labels[index])
        if self.transform is not None:
            x = self.transform(x)
        if self.target_transform is not None:
            y = self.target_transform(y)
        return x, y


def pad_collate(batch: Sequence[tuple[Any, Any]]) -> tuple[Tensor, Tensor, Tensor]:
    """Batch variable-length ``(waveform, label)`` samples: zero-pad at the end.

    Returns:
        ``(waveforms float32 (B, T_max), lengths int64 (B,), labels int64 (B,))``.
    """
    lengths = xp.array([len(x) for x, _ in batch], dtype=xp.int64)
    out = xp.zeros((len(batch), int(lengths.max())), dtype=xp.float32)
    for row, (x, _) in zip(out, batch):
        row[:len(x)] = x.data if isinstance(x, Tensor) else x
    labels = xp.array([int(y) for _, y in batch], dtype=xp.int64)
    return Tensor._wrap(out), Tensor._wrap(lengths), Tensor._wrap(labels)
