"""The benchmark harness runs a trivial pair and writes valid JSON (no timing asserted)."""
import json

import pytest

from benchmarks.__main__ import groups
from benchmarks.harness import Registry, Target, format_table, measure, run


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
