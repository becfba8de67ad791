"""Where dataset files live, checking them, and fetching them atomically.

Files are looked up in the ``root`` argument, else ``$ROSENBLATT_DATA``, else
``~/.cache/rosenblatt``.  A file is checked against its published size and
hash once per process (cached by path, size and mtime: hashing 26 MB on every
construction would dominate start-up).  A download goes to a temporary file
in the destination folder, is hashed while it streams, and only a verified
file is moved into place with ``os.replace``, so a half-written file never
sits under the final name.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

_CHUNK = 1 << 20
_verified: dict[tuple, str] = {}
_parsed: dict[tuple, Any] = {}


class ChecksumError(RuntimeError):
    """A dataset file is present but is not the published file (truncated or corrupted)."""


@dataclass(frozen=True)
class Resource:
    """One file a dataset needs: where it goes, its size and hash, and where to fetch it."""

    filename: str
    size: int | None
    digest: str
    urls: tuple[str, ...]
    algorithm: str = "sha256"


def data_root(root: str | os.PathLike | None) -> Path:
    """The data directory: ``root``, else ``$ROSENBLATT_DATA``, else ``~/.cache/rosenblatt``."""
    if root is None:
        root = os.environ.get("ROSENBLATT_DATA") or Path.home() / ".cache" / "rosenblatt"
    return Path(root).expanduser()


def _key(path: Path) -> tuple:
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def git_tree_id(archive: Path, folder: str) -> str:
    """Git's tree id of the files directly in ``folder/`` of a tar or zip archive.

    Identifies content independently of the archive's bytes (GitHub's zip
    archives are not byte-stable, git tree ids are).
    """
    import stat
    import tarfile
    import zipfile

    entries = []
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                parts = info.filename.split("/")
                if len(parts) >= 2 and parts[-2] == folder and parts[-1] and not info.is_dir():
                    entries.append((parts[-1], z.read(info), (info.external_attr >> 16) & 0o111))
    else:
        with tarfile.open(archive) as t:
            for m in t.getmembers():
                parts = m.name.split("/")
                if m.isfile() and len(parts) >= 2 and parts[-2] == folder:
                    entries.append((parts[-1], t.extractfile(m).read(), m.mode & stat.S_IXUSR))
    body = b"".join((b"100755 " if x else b"100644 ") + name.encode() + b"\0"
                    + hashlib.sha1(b"blob %d\0" % len(data) + data).digest()
                    for name, data, x in sorted(entries))
    return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()


def _digest(path: Path, res: Resource) -> str:
    if res.algorithm.startswith("git-tree:"):
        return git_tree_id(path, res.algorithm.split(":", 1)[1])
    return file_digest(path, res.algorithm)


def verify(path: Path, res: Resource, owner: str) -> None:
    """Raise ``ChecksumError`` unless ``path`` has ``res``'s size and hash (cached per process)."""
    key = _key(path) + (res.algorithm,)
    if _verified.get(key) == res.digest:
        return
    size = key[1]
    actual = _digest(path, res) if res.size is None or size == res.size else None
    if actual != res.digest:
        got = f"{res.algorithm} {actual}" if actual else f"{size} bytes (expected {res.size})"
        raise ChecksumError(
            f"{owner}: {path} is not the published file: expected {res.algorithm} {res.digest}, got {got}. "
            f"It is truncated or corrupted; delete it and construct {owner} again with download=True "
            f"to fetch a fresh copy (from {res.urls[0]}).")
    _verified[key] = res.digest


def cached_parse(path: Path, parse: Callable[[Path], Any]) -> Any:
    """``parse(path)``, remembered for this process while the file is unchanged."""
    key = _key(path) + (parse.__qualname__,)
    if key not in _parsed:
        _parsed[key] = parse(path)
    return _parsed[key]


def fetch(folder: Path, resources: Sequence[Resource], owner: str, download: bool) -> list[Path]:
    """Paths of ``resources`` in ``folder``: verified if present, else downloaded (or a clear error)."""
    paths = []
    for res in resources:
        path = folder / res.filename
        if not path.exists():
            if not download:
                raise FileNotFoundError(
                    f"{owner}: {path} not found. Pass download=True to fetch it from {res.urls[0]}, or put the "
                    f"file there yourself (the data directory is root=, else $ROSENBLATT_DATA, "
                    f"else ~/.cache/rosenblatt).")
            download_file(res, path, owner)
        verify(path, res, owner)
        paths.append(path)
    return paths


def download_file(res: Resource, path: Path, owner: str, timeout: float = 60) -> None:
    """Fetch ``res`` to ``path`` from the first mirror that gives the right bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    errors = []
    for url in res.urls:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            streaming = res.algorithm in hashlib.algorithms_available
            h = hashlib.new(res.algorithm if streaming else "sha256")
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
                while chunk := response.read(_CHUNK):
                    if streaming:
                        h.update(chunk)
                    out.write(chunk)
            actual = h.hexdigest() if streaming else _digest(Path(tmp), res)
            if actual != res.digest:
                errors.append(f"{url}: {res.algorithm} {actual}, expected {res.digest}")
                continue
            os.replace(tmp, path)
            _verified[_key(path) + (res.algorithm,)] = res.digest
            return
        except OSError as e:  # URLError, HTTPError, timeouts and disk errors are all OSErrors
            errors.append(f"{url}: {e}")
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    raise RuntimeError(f"{owner}: could not download {res.filename}:\n  " + "\n  ".join(errors)
                       + f"\nDownload it by hand into {path.parent} (or set $ROSENBLATT_DATA to a folder that has it).")
