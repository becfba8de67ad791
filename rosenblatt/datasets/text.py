"""Tiny Shakespeare: 1.1 MB of Shakespeare's plays, for character-level language models."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._backend import xp
from ..data.dataset import Dataset
from ..tensor import Tensor
from ._files import Resource, cached_parse, data_root, fetch


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class TinyShakespeare(Dataset):
    """Karpathy's char-rnn Tiny Shakespeare, encoded as characters.

    The vocabulary is the sorted set of characters of the whole text (65 of
    them); ``stoi``/``itos`` map between characters and ids.  The split is
    nanoGPT's: the first 90% of the characters is ``train``, the last 10% ``val``.

    Without ``block_size`` the dataset is the split's character ids
    (``dataset[i]`` is an int).  With ``block_size`` it is the split's
    ``len - block_size`` windows: ``dataset[i]`` is ``(x, y)`` with
    ``x = ids[i:i+T]`` and ``y = ids[i+1:i+T+1]`` (int64 arrays), and a
    ``DataLoader`` fetches a batch of windows with one fancy index.

    File: ``{root}/tinyshakespeare/input.txt`` (sha256 checked).

    Args:
        root: data directory; default ``$ROSENBLATT_DATA``, else ``~/.cache/rosenblatt``.
        split: ``"train"`` or ``"val"``.
        block_size: context length of each window, or None for single characters.
        download: fetch the file from ``url`` when missing. Default True.

    Attributes:
        data: the split's ids, int64 array; ``train_data`` and ``val_data`` hold both splits.
        text: the whole text; ``chars``, ``stoi``, ``itos``, ``vocab_size``.

    Example:
        >>> ds = TinyShakespeare(split="train", block_size=8)   # doctest: +SKIP
        >>> ds.decode(ds[0][0])                                 # doctest: +SKIP
        'First Ci'
    """

    folder = "tinyshakespeare"
    url = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
    filename, size, sha256 = "input.txt", 1115394, "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"

    def __init__(self, root: str | os.PathLike | None = None, split: str = "train", block_size: int | None = None,
                 download: bool = True) -> None:
        if split not in ("train", "val"):
            raise ValueError(f"TinyShakespeare: split must be 'train' or 'val', got {split!r}")
        if block_size is not None and (not isinstance(block_size, int) or block_size <= 0):
            raise ValueError(f"TinyShakespeare: block_size must be a positive int or None, got {block_size!r}")
        self.root = data_root(root)
        (path,) = fetch(self.root / self.folder, [Resource(self.filename, self.size, self.sha256, (self.url,))],
                        "TinyShakespeare", download)
        self.text = cached_parse(path, _read_text)
        self.chars = sorted(set(self.text))
        self.vocab_size = len(self.chars)
        self.stoi = {c: i for i, c in enumerate(self.chars)}
        self.itos = dict(enumerate(self.chars))
        self._table = xp.full(max(map(ord, self.chars)) + 1, -1, dtype=xp.int64)
        self._table[[ord(c) for c in self.chars]] = xp.arange(len(self.chars))
        ids = self.encode(self.text)
        n = int(0.9 * len(ids))
        self.train_data, self.val_data = ids[:n], ids[n:]
        self.split, self.block_size = split, block_size
        self.data = self.train_data if split == "train" else self.val_data
        if block_size is not None and len(self.data) <= block_size:
            raise ValueError(f"TinyShakespeare: block_size {block_size} leaves no window in the {split} split "
                             f"of {len(self.data)} characters")
        self._offsets = None if block_size is None else xp.arange(block_size + 1)

    def encode(self, text: str) -> Any:
        """Character ids of ``text`` as an int64 array (KeyError names an unknown character)."""
        # One table lookup over code points: a Python loop over 1.1M characters takes ~0.1 s.
        codes = xp.frombuffer(text.encode("utf-32-le"), dtype=xp.uint32)
        table = self._table
        if len(codes) and (int(codes.max()) >= len(table) or (table[codes] < 0).any()):
            bad = sorted(set(text) - set(self.chars))
            raise KeyError(f"TinyShakespeare.encode: characters {bad!r} are not in the vocabulary")
        return table[codes]

    def decode(self, ids: Any) -> str:
        """The text for character ids (a list, array or Tensor)."""
        ids = ids.data if isinstance(ids, Tensor) else ids
        return "".join(self.itos[int(i)] for i in xp.asarray(ids).reshape(-1))

    def __len__(self) -> int:
        return len(self.data) if self.block_size is None else len(self.data) - self.block_size

    def __getitem__(self, index: int) -> Any:
        if self.block_size is None:
            return int(self.data[index])
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"TinyShakespeare: index {index} out of range for {len(self)} windows")
        window = self.data[index:index + self.block_size + 1]
        return window[:-1].copy(), window[1:].copy()

    def __getbatch__(self, indices: Any) -> Any:
        if self.block_size is None:
            return Tensor._wrap(self.data[indices])
        windows = self.data[xp.asarray(indices)[:, None] + self._offsets]  # (B, T + 1)
        return [Tensor._wrap(windows[:, :-1]), Tensor._wrap(windows[:, 1:])]
