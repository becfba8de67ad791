"""scikit-learn's bundled 8x8 handwritten digits (1797 images), for quick experiments."""
from __future__ import annotations

from typing import Any, Callable

from .._backend import xp
from ._arrays import LabelledArrays


class Digits(LabelledArrays):
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
        self._set_arrays(xp.asarray(bunch.images, dtype=xp.float32),
                         xp.asarray(bunch.target, dtype=xp.int64), transform, target_transform)
