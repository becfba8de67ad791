"""``DataLoader``: batches from a dataset, in order or shuffled, in this process or in workers.

The loop is PyTorch's: a sampler orders the indices, a batch sampler groups
them, a fetcher turns each group into samples and ``collate_fn`` into one
batch.  With the default collate and a dataset that defines ``__getbatch__``
(``TensorDataset``, ``Subset`` of one, the image datasets) the fetcher skips
the per-sample path entirely: the batch is one fancy index per array, and the
epoch order is one NumPy array sliced into batches.
"""
from __future__ import annotations

import itertools
import multiprocessing
from typing import Any, Callable, Iterable, Iterator

from ..random import Generator, numpy_generator
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler


class _MapFetcher:
    """Indices -> batch for a map-style dataset."""

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable, fast: bool) -> None:
        self.dataset, self.auto_collation, self.collate_fn, self.fast = dataset, auto_collation, collate_fn, fast

    def reset(self) -> None:
        pass

    def __call__(self, indices: Any) -> Any:
        if self.fast:
            return self.dataset.__getbatch__(indices)
        if self.auto_collation:
            if not isinstance(indices, list):
                indices = indices.tolist()
            getitems = getattr(self.dataset, "__getitems__", None)  # PyTorch's batched fetch
            return self.collate_fn(getitems(indices) if getitems else [self.dataset[i] for i in indices])
        return self.collate_fn(self.dataset[indices])


class _IterableFetcher:
    """Next batch from an iterable dataset; raises StopIteration when it runs dry."""

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable, batch_size: int | None,
                 drop_last: bool) -> None:
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn
        self.batch_size, self.drop_last = batch_size, drop_last
        self._it = None

    def reset(self) -> None:
        self._it = None

    def __call__(self, _: Any) -> Any:
        if self._it is None:
            self._it = iter(self.dataset)
        if not self.auto_collation:
            return self.collate_fn(next(self._it))
        batch = list(itertools.islice(self._it, self.batch_size))
        if not batch or (self.drop_last and len(batch) < self.batch_size):
            raise StopIteration
        return self.collate_fn(batch)


class DataLoader:
    """Iterate over ``dataset`` in batches.

    Args:
        dataset: a map-style ``Dataset`` (``__getitem__``, ``__len__``) or an ``IterableDataset``.
        batch_size: samples per batch; None turns batching off (samples pass through
            ``default_convert``). Default 1.
        shuffle: reshuffle every epoch (a ``RandomSampler`` using ``generator``). Default False.
        sampler: the order of indices; excludes ``shuffle``.
        batch_sampler: yields lists of indices; excludes ``batch_size``, ``shuffle``, ``sampler``, ``drop_last``.
        num_workers: worker processes fetching batches; 0 fetches in this process. Default 0.
        collate_fn: list of samples -> batch. Default :func:`default_collate`.
        pin_memory: accepted for PyTorch compatibility; a no-op (NumPy arrays live in host memory).
        drop_last: drop the last incomplete batch. Default False.
        timeout: seconds to wait for a worker's batch before raising (0: wait forever).
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker after seeding.
        multiprocessing_context: start method or context; default fork where available, else spawn.
        generator: ``rosenblatt.Generator`` for shuffling and worker seeds (default generator if None).
        prefetch_factor: batches in flight per worker; only with ``num_workers > 0``. Default 2.
        persistent_workers: keep the workers alive between epochs; only with ``num_workers > 0``.

    Workers pay off when producing a sample costs more than sending it between
    processes (decoding, augmenting).  For datasets held in arrays
    (``TensorDataset``, ``MNIST``) ``num_workers=0`` is fastest: a batch is one
    fancy index, cheaper than pickling it across a pipe.

    Workers deliver batches in sampler order.  Each worker seeds Python's
    ``random``, NumPy's global state and rosenblatt's default generator with
    ``base_seed + worker_id``, where ``base_seed`` is drawn from ``generator``
    once per epoch (in every mode, so 0 and N workers give the same order).

    Example:
        >>> import rosenblatt as rb
        >>> ds = rb.data.TensorDataset(rb.randn(10, 3), rb.arange(10))
        >>> loader = DataLoader(ds, batch_size=4, shuffle=True, generator=rb.Generator(0))
        >>> [len(y) for x, y in loader]
        [4, 4, 2]
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | Iterable | None = None, batch_sampler: Sampler | Iterable | None = None,
                 num_workers: int = 0, collate_fn: Callable | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn: Callable | None = None,
                 multiprocessing_context: Any = None, generator: Generator | None = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False) -> None:
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers option should be non-negative, got {num_workers!r}; "
                             "use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError(f"DataLoader: timeout option should be non-negative, got {timeout}")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("DataLoader: prefetch_factor option could only be specified in multiprocessing. "
                             "Let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and (not isinstance(prefetch_factor, int) or prefetch_factor <= 0):
            raise ValueError(f"DataLoader: prefetch_factor should be a positive integer, got {prefetch_factor!r}")
        if persistent_workers and num_workers == 0:
            raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
        if isinstance(dataset, IterableDataset):
            for name, value, given in (("shuffle", shuffle, shuffle not in (None, False)),
                                       ("sampler", sampler, sampler is not None),
                                       ("batch_sampler", batch_sampler, batch_sampler is not None)):
                if given:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                     f"but got {name}={value!r}; an iterable dataset decides its own order")
        elif shuffle not in (None, True, False):
            raise TypeError(f"DataLoader: shuffle should be a boolean value, got {shuffle!r}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("DataLoader: batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = 2 if prefetch_factor is None and num_workers > 0 else prefetch_factor
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.persistent_workers = persistent_workers
        self.batch_size = batch_size
        self.drop_last = drop_last
        self._iterable = isinstance(dataset, IterableDataset)
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn if collate_fn is not None else (
            default_collate if self._auto_collation else default_convert)
        self._iterator = None

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def _fetcher(self) -> Any:
        if self._iterable:
            return _IterableFetcher(self.dataset, self._auto_collation, self.collate_fn, self.batch_size,
                                    self.drop_last)
        fast = (self._auto_collation and self.collate_fn is default_collate
                and callable(getattr(self.dataset, "__getbatch__", None)))
        return _MapFetcher(self.dataset, self._auto_collation, self.collate_fn, fast)

    def _tasks(self, fast: bool) -> Iterator[Any]:
        """What each batch is fetched from: index arrays (fast path), index lists, or None (iterable)."""
        if self._iterable:
            return itertools.repeat(None)
        if not self._auto_collation:
            return iter(self.sampler)
        bs = self.batch_sampler
        if type(bs).__iter__ is BatchSampler.__iter__:
            arrays = bs._index_arrays()
            if arrays is not None:
                return arrays
        if fast:
            import numpy
            return (numpy.asarray(b, dtype=numpy.int64) for b in bs)
        return iter(bs)

    def _base_seed(self) -> int:
        return int(numpy_generator(self.generator).integers(2**63))

    def __iter__(self) -> Iterator[Any]:
        base_seed = self._base_seed()
        fetcher = self._fetcher()
        tasks = self._tasks(getattr(fetcher, "fast", False))
        if self.num_workers == 0:
            return _single_process(fetcher, tasks)
        from ._worker import MultiProcessIter
        if self.persistent_workers and self._iterator is not None:
            self._iterator.reset(tasks, base_seed)
            return self._iterator
        it = MultiProcessIter(self, fetcher, tasks, base_seed)
        if self.persistent_workers:
            self._iterator = it
        return it

    def _context(self) -> Any:
        ctx = self.multiprocessing_context
        if ctx is None:
            ctx = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        return multiprocessing.get_context(ctx) if isinstance(ctx, str) else ctx

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)  # TypeError for a stream without __len__, as in PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self._auto_collation else self.sampler)


def _single_process(fetcher: Any, tasks: Iterator[Any]) -> Iterator[Any]:
    for task in tasks:
        try:
            batch = fetcher(task)
        except StopIteration:  # an iterable dataset ran dry
            return
        yield batch
