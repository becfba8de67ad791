"""One pool of worker threads for spreading array work over the cores (``nn.DataParallel``).

NumPy releases the GIL inside its array loops and BLAS calls, so threads that
each run their own arrays use the cores at once: ``nn.DataParallel`` runs a
chunk of the batch per core.  (The optimizers tried it for their slices and lost:
see ``optim/optimizer.py``.)  Each thread's BLAS calls should then stay single-threaded
(``_backend.blas_threads(1)``): two callers each waking OpenBLAS's threads put
twice as many threads as cores.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Callable

_POOL_NAME = "rosenblatt-worker"
_executor: Any = None
_executor_workers = 0
_executor_lock = threading.Lock()


def cores() -> list[int]:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def in_threads(work: Callable[..., Any], items: list) -> list:
    """``work(*item)`` for each item, the first in this thread and the others in the pool's threads.

    Called from a pool thread (a DataParallel inside another one's chunk), the items
    run one after another in that thread: waiting there for the pool could deadlock it.
    """
    if threading.current_thread().name.startswith(_POOL_NAME):
        return [work(*item) for item in items]
    futures = [_pool(len(items) - 1).submit(work, *item) for item in items[1:]]
    try:
        first = work(*items[0])
    finally:
        rest = [f.exception() for f in futures]  # wait for every thread before anything is raised
    for error in rest:
        if error is not None:
            raise error
    return [first] + [f.result() for f in futures]


def _pool(workers: int) -> Any:
    """The shared thread pool, grown to ``workers`` threads as needed."""
    global _executor, _executor_workers
    with _executor_lock:
        if _executor_workers < workers:
            from concurrent.futures import ThreadPoolExecutor  # imported by the first parallel call only

            _executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=_POOL_NAME)
            _executor_workers = workers
    return _executor
