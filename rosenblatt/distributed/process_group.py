"""The process group: every rank of an MPI job, and what happens when one fails.

``init()`` reads the rank and world size from MPI when the script runs under
``mpiexec`` (MPICH, Open MPI, any MPI that ``mpi4py`` was built against), and
gives rank 0 of a world of 1 otherwise, without importing ``mpi4py`` at all.

Failures.  MPI's default when one rank raises is that the others wait forever
in their next collective.  ``init()`` therefore installs a ``sys.excepthook``
that (1) prints the traceback and ``rank R of N failed: ...``, (2) sends that
line to every other rank, and (3) after a short grace period calls
``MPI_Abort``, which stops the whole job.  Each rank listens for such a notice
on a thread of its own (the watchdog).  A rank waiting in a rosenblatt
collective (or a ``DistributedDataParallel`` gradient reduction) then stops
with ``DistributedError: rank 0: stopping during all_reduce because rank 1 of 2
failed: ...`` instead of hanging; a rank busy elsewhere (computing, loading
data) is stopped by its watchdog half a second later with the same line.  Why
the watchdog and not ``MPI_Abort`` alone: MPICH's ``mpiexec`` now and then
(about 1 job in 20 here) leaves the other ranks running after one aborts.
Where MPI cannot take calls from two threads (below ``MPI_THREAD_MULTIPLE``)
there is no watchdog, and the waits look for notices themselves.  A rank that dies without a word
(``kill -9``, ``os._exit``, a segfault) cannot say anything, and ``mpiexec``
stops every rank at once; ``guard.py``, which ``rosenblatt train --nproc``
puts in front of every rank, names it (``rank 1 of 2 (pid ...) was killed by
signal 9 (SIGKILL)``).  So that the guard stays quiet about a rank that said
why it ended, ``init()`` and ``report_failure`` tell it so.

Silence.  The watchdogs also pass heartbeats round a ring (rank r to r + 1),
so a rank that vanishes while ``mpiexec`` leaves the others running (its job
control misses it now and then; a machine that drops off the network; a
process frozen by ``SIGSTOP``) is caught within ``heartbeat_timeout`` (60 s by
default): the rank after it prints ``rank 2: stopping because rank 1 of 3 sent
no heartbeat for 60 s: ...``, tells the others (which stop naming rank 1 as
above) and stops the job.  A rank asleep or computing keeps beating, since
its watchdog thread runs while NumPy and ``time.sleep`` release the GIL; only
one call that holds the GIL for longer than ``heartbeat_timeout`` would be
mistaken for a death.  A rank that ends normally says goodbye first.  A rank
that hangs or stops taking part while alive is caught by the ``timeout``
every wait has (default 30 minutes, PyTorch's): the waiting ranks raise a
``DistributedError`` that names the collective.
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from typing import Any

# Environment variables the common MPI launchers set in every rank.
_LAUNCHER_VARIABLES = ("PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE")
_FAILURE_TAG = 77
_HEARTBEAT_TAG = 78  # an empty message: alive; one byte: leaving normally, stop watching
_SPIN_S = 0.002  # how long a wait polls without sleeping: a 2 MB all-reduce of 2 ranks takes ~1 ms
_GRACE_S = 1.0  # how long a failing rank lets the others print its notice before MPI_Abort
_LISTEN_S = 0.05  # how often the watchdog looks for a notice
_STOP_S = 0.5  # how long the watchdog leaves a rank to stop in a collective before it stops it


class DistributedError(RuntimeError):
    """A collective could not finish: a peer rank failed (``failed_rank``), or the wait timed out."""

    def __init__(self, message: str, failed_rank: int | None = None) -> None:
        super().__init__(message)
        self.failed_rank = failed_rank


class _Group:
    """The initialized state: rank, world size and the communicators."""

    def __init__(self) -> None:
        self.rank, self.world_size = 0, 1
        self.MPI: Any = None      # the mpi4py.MPI module, None for a world of 1 without MPI
        self.comm: Any = None     # collectives on tensors
        self.notices: Any = None  # failure notices, apart so they never match a collective
        self.timeout = 1800.0
        self.heartbeat_timeout = 60.0
        self.failed = False       # set once this rank has reported a failure
        self.failing = threading.Lock()  # the main thread and the watchdog may both report one
        self.peer_failure: tuple[int, str] | None = None  # (rank, its line), once a notice came
        self.watchdog: threading.Thread | None = None
        self.stop_watching = threading.Event()


_group: _Group | None = None


def launched_by_mpi() -> bool:
    """True when this process was started by ``mpiexec``/``mpirun``."""
    return any(v in os.environ for v in _LAUNCHER_VARIABLES)


def init(timeout: float = 1800.0, heartbeat_timeout: float = 60.0) -> None:
    """Join the process group (PyTorch: ``init_process_group``); a no-op after the first call.

    Under ``mpiexec`` this initializes MPI through ``mpi4py``; under a plain
    ``python`` it gives a world of one process.  ``get_rank()``, the
    collectives, ``DistributedDataParallel`` and ``DistributedSampler`` call it
    themselves, so an explicit call is needed only to set ``timeout``.

    Args:
        timeout: seconds a collective may wait for the other ranks before it
            raises ``DistributedError`` (default 1800, PyTorch's 30 minutes).
        heartbeat_timeout: seconds without a heartbeat from the previous rank
            after which it is taken for dead and the job stops (default 60;
            needs an MPI with ``MPI_THREAD_MULTIPLE``, as MPICH's wheels have).

    Raises:
        ImportError: launched by ``mpiexec`` but ``mpi4py`` is missing.

    Example:
        >>> from rosenblatt import distributed as dist
        >>> dist.init()
        >>> dist.get_rank(), dist.get_world_size()   # a plain python process
        (0, 1)
    """
    global _group
    for name, value in (("timeout", timeout), ("heartbeat_timeout", heartbeat_timeout)):
        if not value > 0:
            raise ValueError(f"distributed.init: {name} must be positive seconds, got {value!r}")
    if _group is not None:
        _group.timeout, _group.heartbeat_timeout = float(timeout), float(heartbeat_timeout)
        return
    group = _Group()
    group.timeout, group.heartbeat_timeout = float(timeout), float(heartbeat_timeout)
    if launched_by_mpi():
        try:
            from mpi4py import MPI
        except ImportError as e:
            raise ImportError("rosenblatt.distributed: this process was started by mpiexec but mpi4py "
                              "is not installed; pip install 'rosenblatt[distributed]' (mpi4py and the "
                              "mpich wheels) or mpi4py built against your cluster's MPI") from e
        group.MPI = MPI
        group.comm = MPI.COMM_WORLD.Dup()
        group.notices = MPI.COMM_WORLD.Dup()
        group.rank, group.world_size = group.comm.Get_rank(), group.comm.Get_size()
        if group.world_size > 1:
            _install_excepthook()
            if MPI.Query_thread() == MPI.THREAD_MULTIPLE:
                group.watchdog = threading.Thread(target=_watch, args=(group,), daemon=True,
                                                  name="rosenblatt.distributed watchdog")
                group.watchdog.start()
                atexit.register(_stop_watching, group)  # before mpi4py's MPI_Finalize, which runs after
        atexit.register(_tell_guard)  # a normal exit, a traceback or sys.exit: Python said why
    _group = group


def is_initialized() -> bool:
    return _group is not None


def group() -> _Group:
    """The process group, initialized on first use."""
    if _group is None:
        init()
    assert _group is not None
    return _group


def get_rank() -> int:
    """This process's rank, 0 .. world size - 1 (0 without MPI)."""
    return group().rank


def get_world_size() -> int:
    """The number of processes in the job (1 without MPI)."""
    return group().world_size


def wait(request: Any, what: str) -> None:
    """Wait for a non-blocking MPI request, watching for failed peers and the timeout.

    Polls instead of blocking in ``MPI_Wait``, so a failure notice from another
    rank or the timeout can end the wait.  The first ``_SPIN_S`` it polls
    without pause (MPI moves a message only while a rank polls; a gradient
    all-reduce takes about a millisecond), then it sleeps 0.1 ms between
    polls, so a rank waiting for a slow peer leaves the cores to the others.
    """
    if request.Test():
        return
    g = group()
    start = time.monotonic()
    polls = 0
    while not request.Test():
        polls += 1
        if polls % 256 == 0:
            check_peers(what)
            if time.monotonic() - start > g.timeout:
                raise DistributedError(
                    f"rank {g.rank}: {what} waited more than {g.timeout:g} s for the other ranks; a "
                    f"rank may have stopped or hung (see its output), or init(timeout=...) is too short")
        if time.monotonic() - start > _SPIN_S:
            time.sleep(0.0001)


def check_peers(what: str) -> None:
    """Raise ``DistributedError`` if another rank has sent a failure notice."""
    g = group()
    if g.notices is None:
        return
    if g.watchdog is None and g.peer_failure is None:
        g.peer_failure = _receive_notice(g)
    if g.peer_failure is not None:
        failed_rank, line = g.peer_failure
        raise DistributedError(f"rank {g.rank}: stopping during {what} because {line}", failed_rank=failed_rank)


def _receive_notice(g: _Group) -> tuple[int, str] | None:
    """The failure notice another rank sent, as (the failed rank, its line), or None."""
    status = g.MPI.Status()
    if not g.notices.Iprobe(source=g.MPI.ANY_SOURCE, tag=_FAILURE_TAG, status=status):
        return None
    message = bytearray(status.Get_count(g.MPI.BYTE))
    g.notices.Recv([message, g.MPI.BYTE], source=status.Get_source(), tag=_FAILURE_TAG)
    failed_rank, _, line = message.decode(errors="replace").partition(" ")
    return int(failed_rank), line


def _send_notice(g: _Group, failed_rank: int, line: str) -> list:
    """Send the other ranks (but the failed one) the notice that ``failed_rank`` failed; the requests."""
    data = bytearray(f"{failed_rank} {line}".encode())
    return [g.notices.Isend([data, g.MPI.BYTE], dest=r, tag=_FAILURE_TAG)
            for r in range(g.world_size) if r not in (g.rank, failed_rank)]


class _Heartbeats:
    """This rank's place in the heartbeat ring: it beats to the next rank and listens to the previous."""

    def __init__(self, g: _Group) -> None:
        self.g = g
        self.next, self.previous = (g.rank + 1) % g.world_size, (g.rank - 1) % g.world_size
        self.sent = self.heard = time.monotonic()
        self.beat: Any = None  # the last heartbeat's send request
        self.listening = True  # False once the previous rank has said goodbye

    def check(self) -> tuple[int, str] | None:
        """Beat if it is time; the previous rank and a line naming it if it has been silent too long."""
        g, now = self.g, time.monotonic()
        if now - self.sent >= g.heartbeat_timeout / 10 and (self.beat is None or self.beat.Test()):
            self.beat = g.notices.Isend([bytearray(), g.MPI.BYTE], dest=self.next, tag=_HEARTBEAT_TAG)
            self.sent = now
        status = g.MPI.Status()
        while g.notices.Iprobe(source=self.previous, tag=_HEARTBEAT_TAG, status=status):
            goodbye = bytearray(status.Get_count(g.MPI.BYTE))
            g.notices.Recv([goodbye, g.MPI.BYTE], source=self.previous, tag=_HEARTBEAT_TAG)
            self.heard, self.listening = now, self.listening and not goodbye
        if not self.listening or now - self.heard <= g.heartbeat_timeout:
            return None
        return self.previous, (
            f"rank {self.previous} of {g.world_size} sent no heartbeat for {g.heartbeat_timeout:g} s: "
            f"it died without a word (killed, out of memory, a crash, its machine lost) or is frozen; "
            f"if it runs one call that holds the GIL this long, raise init(heartbeat_timeout=...)")

    def leave(self) -> None:
        """Tell the next rank that this one ends normally, so it does not take the silence for a death."""
        goodbye = self.g.notices.Isend([bytearray(b"."), self.g.MPI.BYTE], dest=self.next, tag=_HEARTBEAT_TAG)
        deadline = time.monotonic() + _GRACE_S
        while not goodbye.Test() and time.monotonic() < deadline:  # the next rank may be gone already
            time.sleep(0.001)


def _watch(g: _Group) -> None:
    """The watchdog thread: take a failure notice as it comes, keep the heartbeats going, and stop
    the rank if it has not stopped itself."""
    heartbeats = _Heartbeats(g)
    while g.peer_failure is None:
        if g.stop_watching.wait(_LISTEN_S):
            heartbeats.leave()
            return
        g.peer_failure = _receive_notice(g)
        silent = heartbeats.check() if g.peer_failure is None else None
        if silent is not None:  # say so, tell the others (they stop naming it), stop the job
            report_failure(silent[1], failed_rank=silent[0])
    # a rank in a collective raises DistributedError (with its traceback) at its next poll
    if not g.stop_watching.wait(_STOP_S):
        report_failure(f"rank {g.rank}: stopping because {g.peer_failure[1]}", notify=False)


def _stop_watching(g: _Group) -> None:
    g.stop_watching.set()
    g.watchdog.join()


def report_failure(message: str, notify: bool = True, failed_rank: int | None = None) -> None:
    """Tell every rank that this one failed with ``message``, then stop the job (``MPI_Abort``).

    Prints ``rank R of N failed: message`` to stderr first.  ``notify=False``
    (a rank stopping because another rank failed) only prints and aborts.
    ``failed_rank``: another rank, which this one found silent; ``message`` names it, this
    rank prints ``rank R: stopping because message`` and tells the others that one failed.
    """
    g = group()
    with g.failing:
        if g.world_size == 1 or g.failed:
            return
        g.failed = True
    if failed_rank is None:
        failed_rank, line = g.rank, f"rank {g.rank} of {g.world_size} failed: {message}"
        shown = line if notify else message
    else:
        line, shown = message, f"rank {g.rank}: stopping because {message}"
    print(f"rosenblatt.distributed: {shown}", file=sys.stderr, flush=True)
    _tell_guard()  # now, not just before MPI_Abort: the job may be stopped before that
    if notify:
        requests = _send_notice(g, failed_rank, line)
        deadline = time.monotonic() + _GRACE_S
        while time.monotonic() < deadline and not g.MPI.Request.Testall(requests):
            time.sleep(0.01)
        time.sleep(_GRACE_S)  # let the others print why they stop
    g.comm.Abort(1)


def _tell_guard() -> None:
    """Tell ``guard.py``, where it started this rank, that the rank says itself why it ends."""
    # imported here, not at the top: `python -m rosenblatt.distributed.guard` imports this package
    # first, and runpy warns if that has imported the guard already
    from .guard import FD_VARIABLE
    fd = os.environ.get(FD_VARIABLE)
    if fd is not None:
        try:
            os.write(int(fd), b"!")
        except OSError:  # the guard's pipe is not open in this process
            pass


def _install_excepthook() -> None:
    previous = sys.excepthook

    def excepthook(kind: type, value: BaseException, tb: Any) -> None:
        if getattr(value, "failed_rank", None) is not None:  # the failed rank prints its own traceback
            report_failure(str(value), notify=False)
        previous(kind, value, tb)
        report_failure(f"{kind.__name__}: {value}")

    sys.excepthook = excepthook


def barrier() -> None:
    """Wait until every rank reaches this point."""
    g = group()
    if g.comm is not None:
        wait(g.comm.Ibarrier(), "barrier")
