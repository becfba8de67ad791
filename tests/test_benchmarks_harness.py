"""The benchmark harness runs a trivial pair and writes valid JSON (no timing asserted); the
peak-memory measurement reads what a step holds."""
import json
import time
from typing import Callable

import numpy
import pytest

from benchmarks._peak_memory import peak_bytes_in_child
from benchmarks.__main__ import groups
from benchmarks.harness import Registry, Target, format_table, measure, run

MiB = 1 << 20


def _registry() -> Registry:
    reg = Registry()

    @reg.workload("tiny sum", target=Target.ratio_at_most(1e9), baseline="python", per=10)
    def tiny_sum():
        data = list(range(10))
        return {"rosenblatt": lambda: sum(data), "python": lambda: sum(data),
                "reference": lambda: sum(data)}

    return reg


def test_run_writes_results_json(tmp_path):
    out = tmp_path / "results.json"
    run(_registry().workloads, rounds=5, pause=0.0, out=out, echo=None)
    results = json.loads(out.read_text())
    assert set(results) >= {"timestamp", "machine", "settings", "workloads"}
    assert results["machine"]["cpu_count"] >= 1 and results["machine"]["numpy"]
    # the CPU and the kernels each library picked for it: ratios of GEMM-bound rows move with them
    assert results["machine"]["simd"] in {"AVX512F", "AVX2", "AVX", "SSE4_2", None}
    assert results["machine"]["openblas_core"]  # NumPy's wheels bundle scipy-openblas
    (rec,) = results["workloads"]
    assert rec["name"] == "tiny sum" and rec["baseline"] == "python"
    assert set(rec["contenders"]) == {"rosenblatt", "python", "reference"}
    for c in rec["contenders"].values():
        assert len(c["rounds_s"]) == 5 and c["median_s"] > 0
    medians = {n: c["median_s"] for n, c in rec["contenders"].items()}
    assert rec["ratio"] == pytest.approx(medians["rosenblatt"] / medians["python"])
    assert rec["passed"] is True
    assert "tiny sum" in format_table(results["workloads"])


def test_too_few_rounds_and_missing_baseline_are_rejected():
    (w,) = _registry().workloads
    with pytest.raises(ValueError, match="rounds must be >= 5"):
        measure(w, rounds=3, pause=0.0)
    w.baseline = "numpy"
    with pytest.raises(ValueError, match="'rosenblatt' and 'numpy'"):
        measure(w, rounds=5, pause=0.0)


def test_a_raising_workload_becomes_an_error_row(tmp_path):
    reg = _registry()

    @reg.workload("broken", target=Target.ratio_at_most(1.0), baseline="python")
    def broken():
        raise RuntimeError("setup failed")

    results = run(reg.workloads, rounds=5, pause=0.0, out=tmp_path / "r.json", echo=None)
    ok, bad = results["workloads"]
    assert ok["passed"] is True and "error" not in ok
    assert bad["passed"] is False and "setup failed" in bad["error"]
    assert "ERROR" in format_table(results["workloads"])


def test_workload_modules_are_discovered():
    assert "core" in groups() and "harness" not in groups()


def test_a_bytes_workload_compares_median_sizes_without_warm_up_calls():
    reg, calls = Registry(), []
    sizes = {"rosenblatt": 3 * MiB, "python": 2 * MiB}

    @reg.workload("tiny peak", target=Target.ratio_at_most(2.0), baseline="python", unit="bytes")
    def tiny_peak():
        def measured(name):
            return lambda: calls.append(name) or sizes[name]
        return {name: measured(name) for name in sizes}

    (rec,) = run(reg.workloads, rounds=5, pause=0.0, out=None, echo=None)["workloads"]
    assert calls.count("rosenblatt") == calls.count("python") == 5  # each call is a measurement
    assert rec["unit"] == "bytes" and rec["contenders"]["python"]["median_bytes"] == 2 * MiB
    assert rec["ratio"] == 1.5 and rec["passed"] is True
    row = format_table([rec]).splitlines()[-1].split()
    assert row[2:] == ["3.0", "MiB", "2.0", "MiB", "(python)", "1.50x", "ratio", "<=", "2", "PASS"]
    with pytest.raises(ValueError, match="unit must be 's' or 'bytes', got 'MB'"):
        reg.workload("bad", target=Target.ratio_at_most(1.0), unit="MB")


def holding_step(library: str, mib: str) -> Callable[[], None]:
    """A small step (a 256x256 matmul) that holds a written ``mib`` MiB array while it runs."""
    if library == "torch":
        import torch
        a, ones = torch.ones(256, 256), torch.ones
    else:
        a, ones = numpy.ones((256, 256), numpy.float32), numpy.ones

    def step() -> None:
        held = ones(int(mib) * MiB // 4, dtype=a.dtype)
        a @ a
        del held

    return step


@pytest.mark.parametrize("library, mib", [("numpy", 0), ("numpy", 24), ("numpy", 96),
                                          ("torch", 24)])
def test_peak_memory_of_a_step_counts_the_array_it_holds(library, mib):
    # 24 MiB is below keep_freed_memory's mmap threshold: the warm-up's freed array stays in
    # glibc's heap, and numpy's read 0 when it was not handed back before the measured step.
    # 96 MiB is mapped and unmapped by every step.  torch's C++ allocations count like numpy's.
    # The matmul adds 0.25 MiB; the kernel's counters are good to a few hundred KiB.
    peak = peak_bytes_in_child("tests.test_benchmarks_harness:holding_step", library, str(mib))()
    assert (mib - 0.5) * MiB < peak < (mib + 1) * MiB


def test_the_call_that_wakes_a_contender_after_the_pause_is_not_timed():
    """A contender that dozes off when idle (its first call after a 20 ms gap takes 40 ms, as
    threads woken from sleep) is timed at its steady-state cost: the call after each pause is
    untimed."""
    reg = Registry()
    last = [0.0]

    def dozy() -> None:
        if time.perf_counter() - last[0] > 0.02:
            time.sleep(0.04)
        last[0] = time.perf_counter()

    @reg.workload("dozy", target=Target.ratio_at_most(1.0), baseline="python", number=3)
    def _dozy():
        return {"rosenblatt": dozy, "python": lambda: None}

    (rec,) = run(reg.workloads, rounds=5, pause=0.03, out=None, echo=None)["workloads"]
    assert rec["contenders"]["rosenblatt"]["median_s"] < 0.005  # 40 ms / 3 calls if it were timed
