"""MovieLens 100K: 100,000 ratings (1-5) of 1682 movies by 943 users, in GroupLens' ``u.data`` format."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from .._backend import xp
from ..data.dataset import Dataset
from ..tensor import Tensor
from ._files import Resource, cached_parse, data_root, fetch


def read_ratings(path: Path) -> Any:
    """``u.data``-format lines ``user\\titem\\trating\\ttimestamp`` as an int64 array (N, 4)."""
    rows = [line.split("\t") for line in path.read_text(encoding="latin-1").splitlines() if line.strip()]
    try:
        table = xp.array(rows, dtype=xp.int64)
    except ValueError as e:
        raise ValueError(f"MovieLens: {path} is not in u.data format (user<TAB>item<TAB>rating<TAB>timestamp "
                         f"integers on each line): {e}") from None
    if table.ndim != 2 or table.shape[1] != 4:
        raise ValueError(f"MovieLens: {path} should have 4 tab-separated columns per line, got shape {table.shape}")
    return table


class MovieLens(Dataset):
    """MovieLens 100K ratings: ``dataset[i]`` is ``(user, item, rating)``.

    Ids are as in the file (1-based in ML-100K), so an embedding table for
    users needs ``num_users = users.max() + 1`` rows.  ``fold=k`` (1-5) picks
    GroupLens' official 80/20 split files ``u{k}.base`` (train) and
    ``u{k}.test``; ``fold=None`` reads all of ``u.data``.  A ``DataLoader``
    fetches a batch as one fancy index: ``[users int64, items int64, ratings float32]``.

    Files: ``{root}/movielens/ml-100k/u.data`` (and ``u1.base`` ... ``u5.test``).
    When ``u.data`` is missing and ``download=True``, ``ml-100k.zip`` is
    fetched from GroupLens, checked against its published md5, and its
    ``ml-100k/`` folder extracted.  Extracted files are not re-checked (only
    the zip has a published checksum), so any ``u.data``-format file works.

    Args:
        root: data directory; default ``$ROSENBLATT_DATA``, else ``~/.cache/rosenblatt``.
        train: with ``fold``, the ``.base`` (True) or ``.test`` (False) file.
        fold: 1-5 for an official split, None for every rating.
        download: fetch ``ml-100k.zip`` when ``u.data`` is missing. Default True.

    Attributes:
        users, items, timestamps: int64 arrays; ratings: float32 array; num_users, num_items: max id + 1.

    Example:
        >>> ds = MovieLens(fold=1, train=True)          # doctest: +SKIP
        >>> len(ds), ds.num_users                       # doctest: +SKIP
        (80000, 944)
    """

    folder = "movielens"
    resources = [Resource("ml-100k.zip", 4924029, "0e33842e24a9c977be4e0107933c0723",
                          ("https://files.grouplens.org/datasets/movielens/ml-100k.zip",), algorithm="md5")]

    def __init__(self, root: str | os.PathLike | None = None, train: bool = True, fold: int | None = None,
                 download: bool = True) -> None:
        if fold is not None and fold not in (1, 2, 3, 4, 5):
            raise ValueError(f"MovieLens: fold must be 1-5 (files u1.base ... u5.test) or None, got {fold!r}")
        self.root = data_root(root)
        self.train, self.fold = train, fold
        folder = self.root / self.folder / "ml-100k"
        if not (folder / "u.data").exists():
            if not download:
                raise FileNotFoundError(
                    f"MovieLens: {folder / 'u.data'} not found. Pass download=True to fetch "
                    f"{self.resources[0].urls[0]}, or unzip ml-100k.zip into {folder.parent}.")
            self._extract(*fetch(self.root / self.folder, self.resources, "MovieLens", download))
        name = "u.data" if fold is None else f"u{fold}.{'base' if train else 'test'}"
        path = folder / name
        if not path.exists():
            raise FileNotFoundError(f"MovieLens: {path} not found; fold={fold} needs GroupLens' split files "
                                    f"next to u.data (they come in ml-100k.zip)")
        table = cached_parse(path, read_ratings)
        self.users, self.items = table[:, 0], table[:, 1]
        self.ratings = table[:, 2].astype(xp.float32)
        self.timestamps = table[:, 3]
        self.num_users = int(self.users.max()) + 1 if len(table) else 0
        self.num_items = int(self.items.max()) + 1 if len(table) else 0

    @staticmethod
    def _extract(archive: Path) -> None:
        """Unzip ``ml-100k/*`` next to the archive, each file through a temporary name."""
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                parts = info.filename.split("/")
                if info.is_dir() or len(parts) != 2 or parts[0] != "ml-100k" or parts[1] in ("", ".", ".."):
                    continue
                dest = archive.parent / "ml-100k" / parts[1]
                dest.parent.mkdir(parents=True, exist_ok=True)
                tmp = dest.with_name(f".{dest.name}.part")
                tmp.write_bytes(z.read(info))
                os.replace(tmp, dest)

    def __len__(self) -> int:
        return len(self.ratings)

    def __getitem__(self, index: int) -> tuple[int, int, Any]:
        # The rating stays a NumPy float32 so batches are float32 (a Python float would collate to float64).
        return int(self.users[index]), int(self.items[index]), self.ratings[index]

    def __getbatch__(self, indices: Any) -> list:
        return [Tensor._wrap(self.users[indices]), Tensor._wrap(self.items[indices]),
                Tensor._wrap(self.ratings[indices])]
