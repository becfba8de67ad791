"""rosenblatt's benchmarks: ``python -m benchmarks`` (or ``make bench``); see README.md.

Every module here other than ``harness`` and ``__main__`` is a group of
workloads registered with ``benchmarks.harness.workload``.
"""
