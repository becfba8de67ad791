"""Datasets: what a ``DataLoader`` draws samples from.

A map-style dataset has ``__getitem__(i)`` and ``__len__``; an iterable one
has ``__iter__``.  Datasets whose samples live in arrays may also define
``__getbatch__(indices)``: it returns the already-collated batch for a NumPy
index array in one fancy-indexing call, and the ``DataLoader`` uses it instead
of ``__getitem__`` + ``default_collate`` when the default collate is in use.
It must return exactly what ``default_collate([self[i] for i in indices])``
would.
"""
from __future__ import annotations

import bisect
import math
from typing import Any, Generic, Iterable, Iterator, Sequence, TypeVar

from .._backend import xp
from ..random import Generator, numpy_generator
from ..tensor import Tensor

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: subclasses define ``__getitem__`` and ``__len__``.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return i * i
        >>> [Squares()[i] for i in range(4)]
        [0, 1, 4, 9]
    """

    def __getitem__(self, index: int) -> T_co:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """A dataset that is a stream of samples: subclasses define ``__iter__``.

    With ``num_workers > 0`` every worker iterates its own copy; use
    :func:`rosenblatt.data.get_worker_info` inside ``__iter__`` to give each
    worker a different shard, or samples repeat once per worker.
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __add__(self, other: Dataset) -> Dataset:
        raise TypeError("IterableDataset does not support +; chain the iterators instead")


def _array(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


class TensorDataset(Dataset):
    """Samples are the rows of tensors that share their first dimension.

    ``dataset[i]`` is ``(t[i] for t in tensors)`` as a tuple.  A loader with the
    default collate fetches a whole batch with one fancy index per tensor.

    Args:
        *tensors: Tensors (or NumPy arrays) with the same size in dim 0.

    Example:
        >>> import rosenblatt as rb
        >>> ds = TensorDataset(rb.randn(10, 3), rb.arange(10))
        >>> x, y = ds[2]
        >>> x.shape, int(y)
        ((3,), 2)
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor, got none")
        for t in tensors:
            if not isinstance(t, (Tensor, xp.ndarray)):
                raise TypeError(f"TensorDataset: expected Tensors or numpy arrays, got {type(t).__name__}")
            if t.ndim == 0:
                raise ValueError("TensorDataset: tensors need a first (sample) dimension, got a 0-d tensor")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) != 1:
            raise ValueError(f"TensorDataset: size mismatch between tensors: first dimensions are {sizes}; "
                             "every tensor needs one row per sample")
        self.tensors = tuple(tensors)

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __getbatch__(self, indices: Any) -> list:
        # Gradients cannot flow through a raw fancy index; keep the graph (as torch.stack would).
        return [t[indices] if isinstance(t, Tensor) and t.requires_grad else Tensor._wrap(_array(t)[indices])
                for t in self.tensors]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Example:
        >>> import rosenblatt as rb
        >>> s = Subset(TensorDataset(rb.arange(10)), [7, 3])
        >>> len(s), int(s[0][0])
        (2, 7)
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        if hasattr(dataset, "__getbatch__"):
            self._index_array = xp.asarray(indices, dtype=xp.int64)
            self.__getbatch__ = self._getbatch

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def _getbatch(self, indices: Any) -> Any:
        return self.dataset.__getbatch__(self._index_array[indices])


class ConcatDataset(Dataset):
    """The datasets one after another.

    Example:
        >>> import rosenblatt as rb
        >>> c = ConcatDataset([TensorDataset(rb.arange(3)), TensorDataset(rb.arange(2))])
        >>> len(c), int(c[4][0])
        (5, 1)
    """

    def __init__(self, datasets: Sequence[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset; chain the iterators instead")
        self.cumulative_sizes = list(_cumsum(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            if -index > len(self):
                raise IndexError(f"ConcatDataset: index {index} out of range for length {len(self)}")
            index += len(self)
        d = bisect.bisect_right(self.cumulative_sizes, index)
        if d == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {index} out of range for length {len(self)}")
        start = self.cumulative_sizes[d - 1] if d > 0 else 0
        return self.datasets[d][index - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another, chained as they are read (nothing is copied).

    Each dataset is checked when the chain reaches it, as in PyTorch: iterating or taking
    ``len()`` of a chain holding a map-style dataset raises ``AssertionError``.

    Args:
        datasets: an iterable of ``IterableDataset`` s.

    Example:
        >>> class Count(IterableDataset):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(self.n))
        ...     def __len__(self): return self.n
        >>> chain = ChainDataset([Count(2), Count(3)])
        >>> list(chain), len(chain)
        ([0, 1, 0, 1, 2], 5)
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            _check_iterable(d)
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            _check_iterable(d)
            total += len(d)  # type: ignore[arg-type]
        return total


def _check_iterable(d: Any) -> None:
    # PyTorch raises AssertionError here; kept, so code that catches it carries over
    if not isinstance(d, IterableDataset):
        raise AssertionError(f"ChainDataset only supports IterableDataset, got a {type(d).__name__}; "
                             "join map-style datasets with ConcatDataset")


class StackDataset(Dataset):
    """Datasets of the same length side by side: sample ``i`` is the tuple (or dict) of
    each dataset's sample ``i``, e.g. images and their captions kept in two datasets.

    Args:
        *args: datasets whose samples come back as a tuple, in this order.
        **kwargs: or: datasets whose samples come back as a dict under these keys.

    Example:
        >>> import rosenblatt as rb
        >>> images, labels = TensorDataset(rb.zeros(4, 2)), TensorDataset(rb.arange(4))
        >>> stack = StackDataset(image=images, label=labels)
        >>> len(stack), int(stack[3]["label"][0])
        (4, 3)
    """

    datasets: tuple | dict

    def __init__(self, *args: Dataset, **kwargs: Dataset) -> None:
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or"
                             "``dict``- (via ``kwargs``) like input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        parts = list(args or kwargs.values())
        self._length = len(parts[0])  # type: ignore[arg-type]
        if any(self._length != len(d) for d in parts):  # type: ignore[arg-type]
            # PyTorch's words first: code that matches them carries over
            raise ValueError(f"Size mismatch between datasets: StackDataset needs datasets of one length, "
                             f"got lengths {[len(d) for d in parts]}")  # type: ignore[arg-type]
        self.datasets = args or kwargs
        if all(callable(getattr(d, "__getbatch__", None)) for d in parts):
            self.__getbatch__ = self._getbatch

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list) -> list:
        """The samples at ``indices``; a dataset with ``__getitems__`` fetches its part in one call."""
        named = self.datasets.items() if isinstance(self.datasets, dict) else enumerate(self.datasets)
        columns = {}
        for key, d in named:
            if callable(getattr(d, "__getitems__", None)):
                items = d.__getitems__(indices)
                if len(items) != len(indices):
                    raise ValueError("Nested dataset's output size mismatch."
                                     f" Expected {len(indices)}, got {len(items)}")
                columns[key] = items
            else:
                columns[key] = [d[i] for i in indices]
        if isinstance(self.datasets, dict):
            return [{k: col[j] for k, col in columns.items()} for j in range(len(indices))]
        return [tuple(col[j] for col in columns.values()) for j in range(len(indices))]

    def __len__(self) -> int:
        return self._length

    def _getbatch(self, indices: Any) -> Any:
        # default_collate of tuple samples is a list of collated fields, of dicts a dict
        if isinstance(self.datasets, dict):
            return {k: d.__getbatch__(indices) for k, d in self.datasets.items()}
        return [d.__getbatch__(indices) for d in self.datasets]


def _cumsum(sizes: Any) -> Iterator[int]:
    total = 0
    for s in sizes:
        total += s
        yield total


def random_split(dataset: Dataset, lengths: Sequence[int | float],
                 generator: Generator | None = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths.

    ``lengths`` are counts summing to ``len(dataset)``, or fractions summing to
    1: then each gets ``floor(n * f)`` and the leftover samples go one each to
    the subsets in turn, as in PyTorch.

    Args:
        dataset: the dataset to split.
        lengths: sizes or fractions of the subsets.
        generator: the ``rosenblatt.Generator`` for the permutation (default generator if None).

    Example:
        >>> import rosenblatt as rb
        >>> a, b = random_split(TensorDataset(rb.arange(10)), [0.8, 0.2], generator=rb.Generator(0))
        >>> len(a), len(b)
        (8, 2)
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = [int(math.floor(n * f)) for f in lengths]
        for f in lengths:
            if not 0 <= f <= 1:
                raise ValueError(f"random_split: fraction {f} is not between 0 and 1")
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(int(k) != k or k < 0 for k in lengths):
        raise ValueError(f"random_split: lengths must be non-negative integers or fractions summing to 1, got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"random_split: sum of input lengths ({sum(lengths)}) does not equal the length "
                         f"of the input dataset ({n})")
    perm = numpy_generator(generator).permutation(n).tolist()
    out, start = [], 0
    for k in lengths:
        out.append(Subset(dataset, perm[start:start + int(k)]))
        start += int(k)
    return out
