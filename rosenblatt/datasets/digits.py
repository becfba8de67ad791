"""scikit-learn's bundled 8x8 handwritten digits (1797 images), for quick experiments."""
from __future__ import annotations

from typing import Any, Callable

from .._backend import xp
from ..data.dataset import Dataset
from ..tensor import Tensor


class Digits(Dataset):
    """The UCI 8x8 digits as shipped inside scikit-learn (no download needed).

    ``dataset[i]`` is ``(image, label)``: a float32 array (8, 8) with values
    0-16 and an int.  ``.data`` is a float32 Tensor (1797, 8, 8), ``.targets``
    an int64 Tensor (1797,).  There is no official split; use
    :func:`rosenblatt.data.random_split`.

    Needs scikit-learn (an optional dependency): ``pip install scikit-learn``.

    Args:
        transform: applied to each image.
        target_transform: applied to each label.

    Example:
        >>> ds = Digits()                  # doctest: +SKIP
        >>> ds.data.shape                  # doctest: +SKIP
        (1797, 8, 8)
    """

    def __init__(self, transform: Callable | None = None, target_transform: Callable | None = None) -> None:
        try:
            from sklearn.datasets import load_digits
        except ImportError:
            raise ImportError("Digits needs scikit-learn, which is not installed: pip install scikit-learn") from None
        bunch = load_digits()
        self._images = xp.asarray(bunch.images, dtype=xp.float32)
        self._labels = xp.asarray(bunch.target, dtype=xp.int64)
        self.data, self.targets = Tensor._wrap(self._images), Tensor._wrap(self._labels)
        self.transform, self.target_transform = transform, target_transform
        if transform is None and target_transform is None:
            self.__getbatch__ = self._getbatch

    def __len__(self) -> int:
        return len(self._labels)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        image, label = self._images[index].copy(), int(self._labels[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    def _getbatch(self, indices: Any) -> list:
        return [Tensor._wrap(self._images[indices]), Tensor._wrap(self._labels[indices])]
