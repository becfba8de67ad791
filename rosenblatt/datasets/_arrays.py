"""``LabelledArrays``: a dataset of (sample, label) pairs held in two in-memory arrays."""
from __future__ import annotations

from typing import Any, Callable

from ..data.dataset import Dataset
from ..tensor import Tensor


class LabelledArrays(Dataset):
    """Samples ``_images[i]`` with labels ``_labels[i]``, exposed as ``.data`` and ``.targets`` Tensors.

    Without transforms a ``DataLoader`` fetches each batch as one fancy index
    (``__getbatch__``) instead of one ``__getitem__`` per sample.
    """

    def _set_arrays(self, images: Any, labels: Any, transform: Callable | None,
                    target_transform: Callable | None) -> None:
        if len(images) != len(labels):
            raise ValueError(f"{type(self).__name__}: {len(images)} images but {len(labels)} labels")
        self._images, self._labels = images, labels
        self.data, self.targets = Tensor._wrap(images), Tensor._wrap(labels)
        self.transform, self.target_transform = transform, target_transform
        if transform is None and target_transform is None:
            self.__getbatch__ = self._getbatch

    def __len__(self) -> int:
        return len(self._labels)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        # A copy: cached arrays are shared and read-only, and transforms may write in place.
        image, label = self._images[index].copy(), int(self._labels[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    def _getbatch(self, indices: Any) -> list:
        return [Tensor._wrap(self._images[indices]), Tensor._wrap(self._labels[indices])]
