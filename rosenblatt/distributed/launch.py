"""Start ``N`` ranks of a rosenblatt command on this machine through ``mpiexec``, each behind ``guard.py``."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from . import guard


def find_mpiexec() -> str:
    """The ``mpiexec`` beside this Python (the ``mpich`` wheel's), else the first on ``PATH``."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    found = beside if os.access(beside, os.X_OK) else shutil.which("mpiexec")
    if found is None:
        raise FileNotFoundError("mpiexec not found beside Python or on PATH; pip install "
                                "'rosenblatt[distributed]' (the mpich wheels bring it) or load your MPI")
    return found


def mpiexec_command(nproc: int, command: list[str]) -> list[str]:
    """``mpiexec -n nproc`` running ``command`` as each rank behind ``guard.py``.

    The guard names a rank that dies without a word (``kill -9``, a segfault),
    which ``mpiexec`` itself does not; see guard.py.  It runs by its path, so
    it imports no NumPy.
    """
    return [find_mpiexec(), "-n", str(nproc), sys.executable, guard.__file__, *command]


def launch(nproc: int, args: list[str]) -> int:
    """Run ``python -m rosenblatt *args`` as ``nproc`` ranks; returns mpiexec's exit status.

    Each rank gets one BLAS/OpenMP thread (``OPENBLAS_NUM_THREADS=1``...), so
    ``nproc`` ranks share the cores instead of oversubscribing them.  A rank
    that dies is named on stderr (``rank 1 of 2 (pid ...) was killed by
    signal 9 (SIGKILL)``) and mpiexec stops the others within about a second.
    """
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.run(mpiexec_command(nproc, [sys.executable, "-m", "rosenblatt", *args]), env=env).returncode
