"""Peak memory of one step, in a fresh process: ``python -m benchmarks._peak_memory MODULE:FACTORY [ARG ...]``.

``MODULE.FACTORY(*ARG)`` builds the step, a zero-argument callable whose parameters
and inputs already exist; the process runs it once to warm up, measures one more
call and prints the bytes that call added, at its peak, on top of what the process
held just before it (``step_peak_bytes``).  ``peak_bytes_in_child`` makes such a
process a contender of a ``unit="bytes"`` workload (benchmarks/conv.py: the
LeNet-5 step of rosenblatt and of PyTorch, each in its own process so that one
library's allocator state cannot touch the other's).

Method, and why:

- **Resident memory, as the kernel counts it** (``/proc/self/status``): it sees
  every allocation, NumPy's, PyTorch's C++ allocator's and oneDNN's scratch
  buffers alike (``tracemalloc`` sees NumPy's but not PyTorch's).  The
  high-water mark ``VmHWM`` is reset to the current resident size right before
  the measured call (write ``5`` to ``/proc/self/clear_refs``), so it is that
  call's peak; ``ru_maxrss`` cannot be reset and would still hold the warm-up's.
- **One warm-up call**: the first step also makes one-off allocations
  (PyTorch's first LeNet-5 step adds ~35 MiB, oneDNN's primitive cache among
  them; later steps ~15 MiB).  Training repeats the steady-state step.
- **Freed memory returned first**: glibc keeps the warm-up's freed blocks in its
  heap, so the resident size before the measured call would already hold that
  call's temporaries and the growth would read ~0.  ``gc.collect()`` and then
  ``malloc_trim(0)`` hand them back to the kernel (every arena, PyTorch's worker
  threads' too), so the measured call faults its temporaries in again and they
  count.
- The process calls ``rosenblatt.keep_freed_memory()``, as ``python -m
  benchmarks`` and ``rosenblatt train`` do, so the step runs under the malloc
  settings of the timing rows (without it, rosenblatt's LeNet-5 number moved by
  0.3%, PyTorch's by less than its spread from process to process, 13-19 MiB).

What counts is memory the step touches, not what it reserves (an array that is
allocated and never written costs no resident memory).  The kernel's per-CPU
counters make the numbers good to a few hundred KiB.  Needs Linux and glibc.

Example:
    >>> from benchmarks._peak_memory import peak_bytes_in_child
    >>> peak = peak_bytes_in_child("benchmarks.conv:lenet_step", "rosenblatt")
    >>> 1 << 20 < peak() < 1 << 30  # a fresh process: ~3 s
    True
"""
from __future__ import annotations

import ctypes
import gc
import importlib
import platform
import subprocess
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


def _status_bytes(field: str) -> int:
    """A ``kB`` line of ``/proc/self/status`` (``VmRSS``, ``VmHWM``), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"step_peak_bytes(): no {field} line in /proc/self/status")


def step_peak_bytes(step: Callable[[], object], warmup: int = 1) -> int:
    """Bytes ``step()`` adds at its peak to the resident memory it started from.

    Runs ``step`` ``warmup`` times, returns freed memory to the kernel, resets the
    high-water mark, then measures one call (module docstring: why each part).
    Process-wide: call it in a process of its own.
    """
    if sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        raise RuntimeError("step_peak_bytes() needs Linux (/proc/self/clear_refs) and glibc "
                           f"(malloc_trim), got {sys.platform} with {platform.libc_ver()[0]!r}")
    for _ in range(warmup):
        step()
    gc.collect()
    ctypes.CDLL(None).malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _status_bytes("VmRSS")
    step()
    return _status_bytes("VmHWM") - before


def peak_bytes_in_child(factory: str, *args: str) -> Callable[[], float]:
    """A callable that measures ``factory``'s step in a fresh interpreter and returns its bytes.

    Args:
        factory: ``"module:function"``; ``function(*args)`` returns the step.
        args: strings passed on to ``function``.
    """
    command = [sys.executable, "-m", "benchmarks._peak_memory", factory, *args]

    def run() -> float:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command[1:])} failed: {done.stderr.strip()[-500:]}")
        return float(done.stdout.strip().splitlines()[-1])

    return run


def main(argv: list[str]) -> None:
    import rosenblatt

    rosenblatt.keep_freed_memory()
    module, _, name = argv[0].partition(":")
    step = getattr(importlib.import_module(module), name)(*argv[1:])
    print(step_peak_bytes(step))


if __name__ == "__main__":
    main(sys.argv[1:])
