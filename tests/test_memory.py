"""keep_freed_memory: a freed large array's pages are reused by the next one, not faulted in again."""
from __future__ import annotations

import platform
import subprocess
import sys

import pytest

# A child process (the setting is process-wide and one-way): allocate, fill and free a 16 MiB
# array a few times, then count the page faults of one more round.
_CHILD = """
import resource, sys
import numpy
import rosenblatt
applied = rosenblatt.keep_freed_memory() if sys.argv[1] == "keep" else None
def round_trip():
    a = numpy.empty(1 << 22, dtype=numpy.float32)
    a.fill(1.0)
    b = numpy.empty(1 << 22, dtype=numpy.float32)  # two live at once, then both freed
    b.fill(2.0)
for _ in range(3):
    round_trip()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
round_trip()
print(applied, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", _CHILD, mode], capture_output=True, text=True,
                         check=True).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_keep_freed_memory_stops_the_page_faults_of_reallocating_large_arrays():
    applied, kept = _faults("keep")
    _, default = _faults("default")
    assert applied == "True"
    assert kept < 50  # 32 MiB written: 8192 small pages or 16 huge ones, had they been faulted
    assert default > kept  # glibc's default returns the blocks to the kernel and faults them back
