"""Start ``N`` ranks of a rosenblatt command on this machine through ``mpiexec``."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys


def find_mpiexec() -> str:
    """The ``mpiexec`` beside this Python (the ``mpich`` wheel's), else the first on ``PATH``."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    found = beside if os.access(beside, os.X_OK) else shutil.which("mpiexec")
    if found is None:
        raise FileNotFoundError("mpiexec not found beside Python or on PATH; pip install "
                                "'rosenblatt[distributed]' (the mpich wheels bring it) or load your MPI")
    return found


def launch(nproc: int, args: list[str]) -> int:
    """Run ``python -m rosenblatt *args`` as ``nproc`` ranks; returns mpiexec's exit status.

    Each rank gets one BLAS/OpenMP thread (``OPENBLAS_NUM_THREADS=1``...), so
    ``nproc`` ranks share the cores instead of oversubscribing them.
    """
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    command = [find_mpiexec(), "-n", str(nproc), sys.executable, "-m", "rosenblatt", *args]
    return subprocess.run(command, env=env).returncode
