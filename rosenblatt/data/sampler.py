"""Samplers: which sample indices a ``DataLoader`` visits, and in what order.

Every built-in sampler draws its whole epoch as one NumPy array
(``_index_array``); iterating yields Python ints from it, and the loader's
fast path slices it into batches without touching Python ints at all.
Randomness comes from an explicit ``rosenblatt.Generator`` (the default
generator when None): same seed, same order.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence, Sized

from .._backend import xp
from ..random import Generator, numpy_generator
from ..tensor import Tensor


class Sampler:
    """Base class: subclasses define ``__iter__`` (indices) and usually ``__len__``."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[int]:
        index_array = getattr(self, "_index_array", None)
        if index_array is None:
            raise NotImplementedError(f"{type(self).__name__} must define __iter__")
        return iter(index_array().tolist())


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1`` in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _index_array(self) -> Any:
        return xp.arange(len(self.data_source))

    def __len__(self) -> int:
        return len(self.data_source)


def _positive_int(value: Any, name: str, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, xp.integer)) or value <= 0:
        raise ValueError(f"{owner}: {name} should be a positive integer value, but got {name}={value!r}")
    return int(value)


class RandomSampler(Sampler):
    """Indices in random order: a permutation, or draws with replacement.

    Without replacement and with ``num_samples > len(data_source)`` it chains
    fresh permutations, as PyTorch does.

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw with replacement. Default False.
        num_samples: indices per epoch. Default ``len(data_source)``.
        generator: ``rosenblatt.Generator`` for the order (default generator if None).

    Example:
        >>> import rosenblatt as rb
        >>> sorted(RandomSampler(range(5), generator=rb.Generator(0)))
        [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got replacement={replacement!r}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        _positive_int(self.num_samples, "num_samples", "RandomSampler")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _index_array(self) -> Any:
        n, rng, k = len(self.data_source), numpy_generator(self.generator), self.num_samples
        if self.replacement:
            return rng.integers(0, n, size=k)
        parts = [rng.permutation(n) for _ in range(k // n)]
        if k % n:
            parts.append(rng.permutation(n)[:k % n])
        return parts[0] if len(parts) == 1 else xp.concatenate(parts)

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in random order (no replacement).

    Example:
        >>> import rosenblatt as rb
        >>> sorted(SubsetRandomSampler([4, 8, 9], generator=rb.Generator(0)))
        [4, 8, 9]
    """

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self._indices = xp.asarray(indices, dtype=xp.int64)
        self.generator = generator

    def _index_array(self) -> Any:
        return self._indices[numpy_generator(self.generator).permutation(len(self._indices))]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability proportional to ``weights``.

    Args:
        weights: one non-negative weight per sample (need not sum to 1).
        num_samples: indices per epoch.
        replacement: draw with replacement. Default True.
        generator: ``rosenblatt.Generator`` for the draws (default generator if None).

    Example:
        >>> import rosenblatt as rb
        >>> list(WeightedRandomSampler([0.0, 1.0, 0.0], 3, generator=rb.Generator(0)))
        [1, 1, 1]
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Generator | None = None) -> None:
        _positive_int(num_samples, "num_samples", "WeightedRandomSampler")
        if not isinstance(replacement, bool):
            raise TypeError(f"WeightedRandomSampler: replacement should be a boolean value, got {replacement!r}")
        w = xp.asarray(weights.data if isinstance(weights, Tensor) else weights, dtype=xp.float64)
        if w.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: weights should be a 1-d sequence, got shape {w.shape}")
        if (w < 0).any() or not xp.isfinite(w).all() or w.sum() <= 0:
            raise ValueError("WeightedRandomSampler: weights must be finite, non-negative, and not all zero")
        if not replacement and num_samples > int((w > 0).sum()):
            raise ValueError(f"WeightedRandomSampler: cannot draw {num_samples} samples without replacement "
                             f"from {int((w > 0).sum())} non-zero weights; use replacement=True or fewer samples")
        self.weights = w
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def _index_array(self) -> Any:
        rng = numpy_generator(self.generator)
        return rng.choice(len(self.weights), size=self.num_samples, replace=self.replacement,
                          p=self.weights / self.weights.sum())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``.

    Args:
        sampler: any iterable of indices (a Sampler, a list, a range).
        batch_size: indices per batch.
        drop_last: drop the last batch if it is smaller than ``batch_size``.

    Example:
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        _positive_int(batch_size, "batch_size", "BatchSampler")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        arrays = self._index_arrays()
        if arrays is not None:
            return (a.tolist() for a in arrays)
        return self._from_iterable()

    def _from_iterable(self) -> Iterator[list[int]]:
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def _index_arrays(self) -> Iterator[Any] | None:
        """Batches as NumPy index arrays, or None when the sampler only iterates."""
        index_array = getattr(self.sampler, "_index_array", None)
        # A subclass that overrides __iter__ decides the order itself.
        if index_array is None or type(self.sampler).__iter__ is not Sampler.__iter__:
            return None
        return self._split(index_array())

    def _split(self, order: Any) -> Iterator[Any]:
        n, b = len(order), self.batch_size
        stop = n - n % b if self.drop_last else n
        for start in range(0, stop, b):
            yield order[start:start + b]

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
