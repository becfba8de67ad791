"""Run one rank as a child process and name it if it dies without a word.

    mpiexec -n 2 python -m rosenblatt.distributed.guard python train.py ARGS

``rosenblatt train RECIPE --nproc N`` (``launch.py``) puts it in front of every
rank itself.

Why: a rank that raises names itself (``process_group`` installs an
excepthook), but one that dies silently (``kill -9``, the out-of-memory killer,
a segfault, ``os._exit``) cannot, and MPICH's ``mpiexec`` then SIGKILLs the
other ranks before they can say anything.  Its own report names one PID, often
that of a rank it killed itself, and never a rank.  Only the parent of the dead
process learns how it ended, so the guard is that parent: it starts the
command, waits for it and, if it ended by a signal or with a non-zero status
without Python saying why, prints

    rosenblatt.distributed: rank 1 of 2 (pid 4242) was killed by signal 9 (SIGKILL); mpiexec stops the other ranks

before it exits itself, so the line comes before ``mpiexec`` stops the others
(within about a second).  It exits with the rank's status (128 + the signal
number for a signal), so ``mpiexec`` fails as before.

"Without Python saying why": the guard gives the rank the write end of a pipe
(its number in ``ROSENBLATT_GUARD_FD``); ``process_group`` writes to it when
the interpreter exits normally (a traceback or ``sys.exit`` included) and in
``report_failure`` before ``MPI_Abort``.  A rank that wrote stays unnamed:
it printed its own reason, or a rank it names failed.

The rank dies with its guard (Linux ``PR_SET_PDEATHSIG``), because ``mpiexec``
stops a job by killing the processes it started, which are the guards; on other
systems the guard just becomes the rank (``exec``).  Ctrl-C is left to the rank
(a ``Trainer`` stops after the batch).  Run by its path, as the launcher does,
the guard imports nothing of rosenblatt.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

FD_VARIABLE = "ROSENBLATT_GUARD_FD"
_PR_SET_PDEATHSIG = 1


def _die_with(guard: int) -> None:
    """In the child before ``exec``: be SIGKILLed when the guard ends (even if it already has)."""
    if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0 or os.getppid() != guard:
        os._exit(127)


def describe(returncode: int) -> str:
    """How a child with ``Popen.returncode`` ``returncode`` (negative: minus the signal) ended."""
    if returncode < 0:
        return f"was killed by signal {-returncode} ({signal.Signals(-returncode).name})"
    return f"exited with status {returncode}"


def main(command: list[str]) -> int:
    if not command:
        print("usage: mpiexec -n N python -m rosenblatt.distributed.guard COMMAND [ARGS...]", file=sys.stderr)
        return 2
    if not sys.platform.startswith("linux"):
        os.execvp(command[0], command)
    said, say = os.pipe()
    # MPICH hands each rank its connection to mpiexec as an inherited file descriptor
    keep = [say] + ([int(os.environ["PMI_FD"])] if "PMI_FD" in os.environ else [])
    guard = os.getpid()
    rank = subprocess.Popen(command, pass_fds=keep, env=dict(os.environ, **{FD_VARIABLE: str(say)}),
                            preexec_fn=lambda: _die_with(guard))
    os.close(say)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the rank too; let it stop by itself
    returncode = rank.wait()
    os.set_blocking(said, False)  # a DataLoader worker may still hold the write end
    try:
        explained = os.read(said, 1) != b""
    except BlockingIOError:
        explained = False
    if returncode != 0 and not explained:
        where = f"rank {os.environ.get('PMI_RANK', '?')} of {os.environ.get('PMI_SIZE', '?')} (pid {rank.pid})"
        print(f"rosenblatt.distributed: {where} {describe(returncode)}; mpiexec stops the other ranks",
              file=sys.stderr, flush=True)
    return returncode if returncode >= 0 else 128 - returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
