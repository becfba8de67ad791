"""MNIST and Fashion-MNIST: 28x28 grayscale images in gzip IDX files, ten classes."""
from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any, Callable

from .._backend import xp
from ._arrays import LabelledArrays
from ._files import Resource, cached_parse, data_root, fetch


def read_idx(path: Path) -> Any:
    """The array in a gzip IDX file (magic 2049: labels, 2051: images), read-only."""
    raw = gzip.decompress(path.read_bytes())
    magic = int.from_bytes(raw[:4], "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08 or ndim not in (1, 3):
        raise ValueError(f"read_idx: {path} is not a uint8 IDX file (magic {magic}, expected 2049 or 2051)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    array = xp.frombuffer(raw, dtype=xp.uint8, offset=4 + 4 * ndim)
    if array.size != int(xp.prod(shape)):
        raise ValueError(f"read_idx: {path} holds {array.size} values, its header says {shape}")
    return array.reshape(shape)  # frombuffer on bytes: read-only, so the process-wide cache stays intact


class MNIST(LabelledArrays):
    """The MNIST handwritten digits: 60000 training and 10000 test images.

    ``dataset[i]`` is ``(image, label)``: a uint8 array (28, 28) (after
    ``transform``) and an int (after ``target_transform``).  For whole-array
    work use ``.data`` (uint8 Tensor (N, 28, 28)) and ``.targets`` (int64
    Tensor (N,)), as in torchvision.  Without transforms a ``DataLoader``
    fetches each batch as one fancy index: ``[images uint8 (B, 28, 28), labels int64 (B,)]``.

    Files (``{root}/mnist/``): ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
    ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``, checked against
    their published sha256.

    Args:
        root: data directory; default ``$ROSENBLATT_DATA``, else ``~/.cache/rosenblatt``.
        train: the training split (True) or the test split.
        transform: applied to each image array.
        target_transform: applied to each label.
        download: fetch missing files from ``mirrors`` (tried in order). Default True:
            files are only fetched when missing, and are verified before use.

    Example:
        >>> ds = MNIST(train=False)          # doctest: +SKIP
        >>> ds.data.shape, ds.targets[:3]    # doctest: +SKIP
        ((10000, 28, 28), tensor([7, 2, 1]))
    """

    folder = "mnist"
    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = {
        True: [("train-images-idx3-ubyte.gz", 9912422,
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
               ("train-labels-idx1-ubyte.gz", 28881,
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c")],
        False: [("t10k-images-idx3-ubyte.gz", 1648877,
                 "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                ("t10k-labels-idx1-ubyte.gz", 4542,
                 "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")],
    }
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root: str | os.PathLike | None = None, train: bool = True,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 download: bool = True) -> None:
        self.root = data_root(root)
        self.train = train
        resources = [Resource(name, size, sha, tuple(m + name for m in self.mirrors))
                     for name, size, sha in self.resources[bool(train)]]
        images, labels = fetch(self.root / self.folder, resources, type(self).__name__, download)
        self._set_arrays(cached_parse(images, read_idx),
                         cached_parse(labels, read_idx).astype(xp.int64), transform, target_transform)

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return f"{type(self).__name__}(split={split}, samples={len(self)}, root={self.root})"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: MNIST's format and sizes, ten kinds of clothing. See :class:`MNIST`.

    Files (``{root}/fashion-mnist/``): the same four names as MNIST's.
    """

    folder = "fashion-mnist"
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = {
        True: [("train-images-idx3-ubyte.gz", 26421880,
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
               ("train-labels-idx1-ubyte.gz", 29515,
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845")],
        False: [("t10k-images-idx3-ubyte.gz", 4422102,
                 "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                ("t10k-labels-idx1-ubyte.gz", 5148,
                 "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")],
    }
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
