"""Worker processes for ``DataLoader(num_workers > 0)``.

Protocol: the main process sends ``(epoch, batch_idx, indices)`` to worker
``batch_idx``'s queue in round-robin, keeping ``prefetch_factor`` batches in
flight per worker; workers answer ``(epoch, batch_idx, worker_id, batch)`` on
one shared queue, and the main process reorders so batches come out in sampler
order.  A failure travels back as an ``_ExceptionWrapper`` and is re-raised in
the main process naming the worker and the batch.  ``None`` on a worker's
queue (or its parent dying) ends it.
"""
from __future__ import annotations

import os
import pickle
import queue
import random
import signal
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterator

_POLL_S = 1.0  # how often a waiting side checks that the other is still alive


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker knows about itself: see :func:`get_worker_info`."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """In a DataLoader worker: its ``WorkerInfo`` (id, num_workers, seed, dataset copy); else None.

    Use it in ``IterableDataset.__iter__`` to give each worker its own shard.
    """
    return _worker_info


class _Exhausted:
    """The worker's iterable dataset has no more batches."""


class _ExceptionWrapper:
    def __init__(self, worker_id: int, batch_idx: int | None, exc: BaseException) -> None:
        self.worker_id, self.batch_idx = worker_id, batch_idx
        self.exc_type = type(exc)
        try:
            pickle.dumps(self.exc_type)
        except Exception:  # a class defined in a function cannot cross the process boundary
            self.exc_type = RuntimeError
        self.text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))

    def reraise(self) -> None:
        where = "in worker_init_fn" if self.batch_idx is None else f"while fetching batch {self.batch_idx}"
        msg = f"Caught {self.exc_type.__name__} in DataLoader worker {self.worker_id} {where}.\nOriginal {self.text}"
        try:
            exc = self.exc_type(msg)
        except Exception:
            exc = RuntimeError(msg)
        raise exc


def _worker_loop(fetcher: Any, index_queue: Any, result_queue: Any, done: Any, worker_id: int,
                 num_workers: int, seed: int, init_fn: Callable | None, dataset: Any) -> None:
    global _worker_info
    import numpy

    from .. import random as rb_random
    # Ctrl-C reaches the whole process group; the main process handles it and shuts workers down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    result_queue.cancel_join_thread()  # never block exit on results nobody will read
    parent = os.getppid()
    random.seed(seed)
    numpy.random.seed(seed % 2**32)
    rb_random.manual_seed(seed)
    _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
    init_error = None
    if init_fn is not None:
        try:
            init_fn(worker_id)
        except Exception as e:
            init_error = _ExceptionWrapper(worker_id, None, e)
    epoch = None
    while not done.is_set():
        try:
            task = index_queue.get(timeout=_POLL_S)
        except queue.Empty:
            if os.getppid() != parent:
                break
            continue
        if task is None or done.is_set():
            break
        task_epoch, idx, indices = task
        if task_epoch != epoch:
            fetcher.reset()
            epoch = task_epoch
        if init_error is not None:
            data = init_error
        else:
            try:
                data = fetcher(indices)
            except StopIteration:
                data = _Exhausted()
            except Exception as e:
                data = _ExceptionWrapper(worker_id, idx, e)
        try:
            result_queue.put((task_epoch, idx, worker_id, data))
        except Exception as e:  # e.g. an unpicklable batch
            result_queue.put((task_epoch, idx, worker_id, _ExceptionWrapper(worker_id, idx, e)))


class MultiProcessIter:
    """Iterator over batches fetched by worker processes, delivered in order."""

    def __init__(self, loader: Any, fetcher: Any, tasks: Iterator[Any], base_seed: int) -> None:
        ctx = loader._context()
        self._n = loader.num_workers
        self._prefetch = loader.prefetch_factor
        self._timeout = loader.timeout
        self._persistent = loader.persistent_workers
        self._results = ctx.Queue()
        self._done = ctx.Event()
        self._queues, self._workers = [], []
        self._shut = False
        self._epoch = 0
        for w in range(self._n):
            q = ctx.Queue()
            q.cancel_join_thread()
            p = ctx.Process(target=_worker_loop, daemon=True,
                            args=(fetcher, q, self._results, self._done, w, self._n, base_seed + w,
                                  loader.worker_init_fn, loader.dataset))
            p.start()
            self._queues.append(q)
            self._workers.append(p)
        self.reset(tasks, base_seed)

    def reset(self, tasks: Iterator[Any], base_seed: int) -> None:
        """Start an epoch (workers persist; results of an abandoned epoch are dropped on arrival)."""
        self._epoch += 1
        self._tasks, self._tasks_done = tasks, False
        self._send_idx = self._rcvd_idx = 0
        self._outstanding: dict[int, int] = {}
        self._reorder: dict[int, Any] = {}
        self._active = [True] * self._n
        self._next_worker = 0
        for _ in range(self._prefetch * self._n):
            self._put()

    def _put(self) -> None:
        if self._tasks_done or not any(self._active):
            return
        try:
            indices = next(self._tasks)
        except StopIteration:
            self._tasks_done = True
            return
        while not self._active[self._next_worker]:
            self._next_worker = (self._next_worker + 1) % self._n
        w = self._next_worker
        self._next_worker = (w + 1) % self._n
        self._queues[w].put((self._epoch, self._send_idx, indices))
        self._outstanding[self._send_idx] = w
        self._send_idx += 1

    def __iter__(self) -> "MultiProcessIter":
        return self

    def __next__(self) -> Any:
        while True:
            if self._rcvd_idx in self._reorder:
                data = self._reorder.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                self._put()
                if isinstance(data, _Exhausted):
                    continue
                if isinstance(data, _ExceptionWrapper):
                    self._shutdown()
                    data.reraise()
                return data
            if self._rcvd_idx >= self._send_idx or self._shut:
                if not self._persistent:
                    self._shutdown()
                raise StopIteration
            epoch, idx, w, data = self._get()
            if epoch != self._epoch:
                continue
            del self._outstanding[idx]
            if isinstance(data, _Exhausted):
                self._active[w] = False
            self._reorder[idx] = data

    def _get(self) -> tuple:
        waited = 0.0
        while True:
            try:
                return self._results.get(timeout=_POLL_S)
            except queue.Empty:
                waited += _POLL_S
            for w, p in enumerate(self._workers):
                if not p.is_alive():
                    self._shutdown()
                    raise RuntimeError(f"DataLoader worker {w} (pid {p.pid}) exited unexpectedly with exit code "
                                       f"{p.exitcode}; a crash in native code or running out of memory does "
                                       "this. Use num_workers=0 to see the error in this process.")
            if self._timeout and waited >= self._timeout:
                self._shutdown()
                raise RuntimeError(f"DataLoader timed out after {self._timeout} s waiting for a batch from the workers")

    def _shutdown(self) -> None:
        if self._shut:
            return
        self._shut = True
        self._done.set()
        for q in self._queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        for p in self._workers:
            p.join(timeout=2 * _POLL_S)
            if p.is_alive():
                p.terminate()
                p.join(timeout=_POLL_S)
        for q in (*self._queues, self._results):
            q.cancel_join_thread()
            q.close()

    def __del__(self) -> None:
        try:
            self._shutdown()
        except Exception:
            pass
