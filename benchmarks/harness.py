"""Side-by-side timing: rosenblatt against its baseline, interleaved, in one process.

A workload module registers setup functions with ``@workload``.  A setup
function builds its inputs (outside any timed region) and returns the
contenders as ``{"rosenblatt": fn, "<baseline>": fn, ...}``: zero-argument
callables doing the same work.  Contenders other than rosenblatt and the
baseline are timed too and reported for reference.

Method, per workload (see benchmarks/README.md for why):

1. warm-up: each contender runs ``warmup`` times untimed; the last warm-up
   call sets ``number``, the calls per timed sample, so the fastest contender
   takes about ``min_sample_s`` per sample;
2. ``rounds`` interleaved rounds; each round times every contender once, the
   order reversed on every other round (A B, B A, ...), each timed sample
   preceded by ``gc.collect()`` and a ``pause`` sleep, and taken with the
   garbage collector off (as ``timeit`` does);
3. the median over rounds per contender, and ratio = rosenblatt / baseline.

A workload with ``unit="bytes"`` compares sizes instead of times: each call
returns a measured size (peak memory, measured in a fresh process that does
its own warm-up), so it gets no warm-up calls here, and the table shows MiB.

Example:
    >>> from benchmarks.harness import Registry, Target, run
    >>> reg = Registry()
    >>> @reg.workload("sum", target=Target.ratio_at_most(100.0), baseline="python")
    ... def _sum():
    ...     data = list(range(100))
    ...     return {"rosenblatt": lambda: sum(data), "python": lambda: sum(data)}
    >>> results = run(reg.workloads, rounds=5, pause=0.0, out=None, echo=None)
    >>> results["workloads"][0]["name"]
    'sum'
"""
from __future__ import annotations

import datetime
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

MIN_ROUNDS = 5
RESULTS_PATH = Path(__file__).with_name("results.json")


@dataclass(frozen=True)
class Target:
    """What a workload must reach to pass.

    kinds: ``ratio`` (rosenblatt / baseline <= value), ``throughput``
    (baseline / rosenblatt >= value, i.e. a fraction of the baseline's
    throughput) and ``seconds`` (rosenblatt's median < value).
    """

    kind: str
    value: float

    @staticmethod
    def ratio_at_most(value: float) -> "Target":
        return Target("ratio", value)

    @staticmethod
    def throughput_at_least(fraction: float) -> "Target":
        return Target("throughput", fraction)

    @staticmethod
    def seconds_below(value: float) -> "Target":
        return Target("seconds", value)

    def text(self) -> str:
        if self.kind == "ratio":
            return f"ratio <= {self.value:g}"
        if self.kind == "throughput":
            return f">= {self.value:.0%} of baseline"
        return f"< {self.value:g} s"

    def passed(self, rosenblatt_s: float, baseline_s: float) -> bool:
        if self.kind == "ratio":
            return rosenblatt_s / baseline_s <= self.value
        if self.kind == "throughput":
            return baseline_s / rosenblatt_s >= self.value
        return rosenblatt_s < self.value


@dataclass
class Workload:
    """One registered benchmark: a setup function returning the contenders.

    Attributes:
        name: shown in the table and matched by ``-k``.
        setup: ``setup(quick) -> {contender: callable}`` (``quick`` only if
            the function takes a ``quick`` argument).
        target: the pass criterion.
        baseline: the contender's name rosenblatt is compared against.
        group: the module it came from (``core``, ``nn``, ...).
        number: calls per timed sample; None calibrates it from warm-up.
        self_timed: the callables return their own duration in seconds
            (used for timing things in a subprocess); ``number`` is then 1.
        per: report the median divided by this count too (per-op time).
        per_label: what ``per`` counts ("op", "step", ...).
        unit: ``"s"`` (times) or ``"bytes"``: the callables return a size in bytes,
            compared like a time (the median over rounds, the ratio, the target).
    """

    name: str
    setup: Callable[..., dict[str, Callable[[], Any]]]
    target: Target
    baseline: str
    group: str = ""
    number: int | None = None
    self_timed: bool = False
    per: int | None = None
    per_label: str = "op"
    unit: str = "s"


@dataclass
class Registry:
    """A list of workloads and the decorator that fills it."""

    workloads: list[Workload] = field(default_factory=list)

    def workload(self, name: str, *, target: Target, baseline: str = "torch",
                 number: int | None = None, self_timed: bool = False, per: int | None = None,
                 per_label: str = "op", unit: str = "s") -> Callable:
        """Register ``setup`` as a workload; see ``Workload`` for the arguments."""
        if unit not in ("s", "bytes"):
            raise ValueError(f"workload {name!r}: unit must be 's' or 'bytes', got {unit!r}")

        def register(setup: Callable) -> Callable:
            group = setup.__module__.rpartition(".")[2]
            self.workloads.append(Workload(name, setup, target, baseline, group, number,
                                           self_timed, per, per_label, unit))
            return setup
        return register


REGISTRY = Registry()
workload = REGISTRY.workload


def _call_setup(w: Workload, quick: bool) -> dict[str, Callable[[], Any]]:
    code = w.setup.__code__
    wants_quick = "quick" in code.co_varnames[:code.co_argcount]
    contenders = w.setup(quick=quick) if wants_quick else w.setup()
    if "rosenblatt" not in contenders or w.baseline not in contenders:
        raise ValueError(
            f"workload {w.name!r}: setup must return contenders named 'rosenblatt' and "
            f"{w.baseline!r} (its baseline), got {sorted(contenders)}"
        )
    return contenders


def _sample(fn: Callable[[], Any], number: int, self_timed: bool, pause: float) -> float:
    """Seconds per call of ``fn``, averaged over ``number`` calls."""
    gc.collect()
    if pause:
        # BLAS/OpenMP worker threads spin for ~0.1 s after a call; let them settle
        # so they don't steal a core from the next contender.
        time.sleep(pause)
    if self_timed:
        return float(fn())
    if pause:
        # One untimed call wakes what the pause put to sleep: the first call after 0.25 s idle
        # took +80 us for a NumPy multiply, +230 us for an OpenBLAS GEMM and +860 us for a
        # torch GEMM (its OpenMP threads) here, a cost no training loop pays between steps.
        fn()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number
    finally:
        if gc_was_enabled:
            gc.enable()


def _summary(rounds: list[float], unit: str) -> dict[str, Any]:
    # The quartiles show how noisy the machine was; the median is what we compare.
    q1, _, q3 = statistics.quantiles(rounds, n=4)
    return {f"rounds_{unit}": rounds, f"median_{unit}": statistics.median(rounds),
            f"min_{unit}": min(rounds), f"q1_{unit}": q1, f"q3_{unit}": q3}


def measure(w: Workload, *, rounds: int, pause: float, warmup: int = 2, quick: bool = False,
            min_sample_s: float = 0.05) -> dict[str, Any]:
    """Time one workload; returns its JSON-ready result record."""
    if rounds < MIN_ROUNDS:
        raise ValueError(f"measure(): rounds must be >= {MIN_ROUNDS} for a stable median, "
                         f"got {rounds}")
    contenders = _call_setup(w, quick)
    order = ["rosenblatt", w.baseline]
    order += [n for n in contenders if n not in order]
    self_measured = w.self_timed or w.unit == "bytes"  # the callables return the value
    last = {}
    if w.unit == "s":  # a size is measured in a fresh process, after that process's warm-up
        for name in order:
            for _ in range(max(warmup, 1)):
                last[name] = _sample(contenders[name], 1, self_measured, 0.0)
    number = 1 if self_measured else w.number
    if number is None:
        number = max(1, min(1000, math.ceil(min_sample_s / max(min(last.values()), 1e-9))))
    samples: dict[str, list[float]] = {name: [] for name in order}
    for r in range(rounds):
        for name in (order if r % 2 == 0 else order[::-1]):
            samples[name].append(_sample(contenders[name], number, self_measured, pause))
    medians = {name: statistics.median(s) for name, s in samples.items()}
    rb, base = medians["rosenblatt"], medians[w.baseline]
    record = {
        "name": w.name, "group": w.group, "baseline": w.baseline,
        "target": {"kind": w.target.kind, "value": w.target.value, "text": w.target.text()},
        "number": number, "rounds": rounds, "unit": w.unit,
        "contenders": {n: _summary(samples[n], w.unit) for n in order},
        "ratio": rb / base, "throughput_fraction": base / rb,
        "passed": w.target.passed(rb, base),
    }
    if w.per:
        record["per"] = {"count": w.per, "label": w.per_label,
                         "median_us": {n: medians[n] / w.per * 1e6 for n in order}}
    return record


def machine_info() -> dict[str, Any]:
    """numpy/BLAS/torch versions and core counts, for the results file."""
    import numpy
    info: dict[str, Any] = {
        "python": sys.version.split()[0], "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(), "numpy": numpy.__version__,
    }
    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration")
                        if blas.get(k) is not None}
    except Exception as exc:  # numpy's config layout is not a stable API
        info["blas"] = f"unknown ({exc!r})"
    info.update(_cpu())
    try:
        import torch
        info["torch"] = torch.__version__
        info["torch_num_threads"] = torch.get_num_threads()
        info["torch_cpu_capability"] = torch.backends.cpu.get_cpu_capability()
    except ImportError:
        info["torch"] = None
    return info


def _cpu() -> dict[str, Any]:
    """The CPU's model, its widest vector extension and the kernel OpenBLAS picked for it.

    Ratios move with these: on an AVX-512 CPU PyTorch's MKL and oneDNN kernels use it,
    while NumPy's OpenBLAS may run an older kernel, so GEMM-bound rows differ by machine.
    """
    info: dict[str, Any] = {}
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and "cpu_model" not in info:
            info["cpu_model"] = value.strip()
        elif key.strip() == "flags":
            flags = set(value.split())
            info["simd"] = next((f.upper() for f in ("avx512f", "avx2", "avx", "sse4_2") if f in flags), None)
            break
    from rosenblatt._backend import _openblas
    lib = _openblas()
    if lib is not None and hasattr(lib, "scipy_openblas_get_corename64_"):
        import ctypes
        lib.scipy_openblas_get_corename64_.restype = ctypes.c_char_p
        info["openblas_core"] = lib.scipy_openblas_get_corename64_().decode()
    return info


def _fmt_s(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def _fmt(value: float, unit: str) -> str:
    if unit == "bytes":
        return f"{value / 2**20:.1f} MiB"
    return _fmt_s(value)


def format_table(records: list[dict[str, Any]]) -> str:
    """The results as a fixed-width text table, with reference timings below each row."""
    head = ("workload", "rosenblatt", "baseline", "ratio", "target", "result")
    rows, notes = [], []
    for rec in records:
        if "error" in rec:
            rows.append((rec["name"], "-", f"- ({rec['baseline']})", "-", "-", "ERROR"))
            notes.append([rec["error"][:200]])
            continue
        c, unit = rec["contenders"], rec["unit"]
        fmt = lambda name: _fmt(c[name][f"median_{unit}"], unit)
        rows.append((rec["name"], fmt("rosenblatt"), f"{fmt(rec['baseline'])} ({rec['baseline']})",
                     f"{rec['ratio']:.2f}x", rec["target"]["text"],
                     "PASS" if rec["passed"] else "FAIL"))
        extra = [f"{n} {fmt(n)}" for n in c if n not in ("rosenblatt", rec["baseline"])]
        if rec["target"]["kind"] == "throughput":
            extra.insert(0, f"throughput {rec['throughput_fraction']:.0%} of {rec['baseline']}")
        if "per" in rec:
            per = rec["per"]
            extra.insert(0, "per " + per["label"] + ": " + ", ".join(
                f"{n} {us:.2f} us" for n, us in per["median_us"].items()))
        notes.append(extra)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip()
    out = [line(head), line(["-" * w for w in widths])]
    for row, extra in zip(rows, notes):
        out.append(line(row))
        if extra:
            out.append("    " + "; ".join(extra))
    return "\n".join(out)


def run(workloads: list[Workload], *, rounds: int = 7, pause: float = 0.25, warmup: int = 2,
        quick: bool = False, out: Path | None = RESULTS_PATH,
        echo: Callable[[str], Any] | None = print) -> dict[str, Any]:
    """Measure ``workloads`` one after another, print the table, write ``out`` as JSON."""
    started = time.perf_counter()
    records = []
    for w in workloads:
        if echo:
            echo(f"[{w.group}] {w.name} ...")
        try:
            records.append(measure(w, rounds=rounds, pause=pause, warmup=warmup, quick=quick))
        except Exception as exc:  # one broken workload must not hide the others' numbers
            if echo:
                echo(f"    ERROR: {exc!r}")
            records.append({"name": w.name, "group": w.group, "baseline": w.baseline,
                            "error": repr(exc), "passed": False})
    results = {
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "settings": {"rounds": rounds, "pause_s": pause, "warmup": warmup, "quick": quick},
        "wall_s": time.perf_counter() - started,
        "workloads": records,
    }
    if out is not None:
        Path(out).write_text(json.dumps(results, indent=2) + "\n")
    if echo:
        m = results["machine"]
        blas = m["blas"].get("name") if isinstance(m["blas"], dict) else m["blas"]
        echo(f"\nnumpy {m['numpy']}, BLAS {blas}, torch {m['torch']} "
             f"({m.get('torch_num_threads')} threads), {m['cpu_count']} CPUs; "
             f"median of {rounds} interleaved rounds")
        echo(f"CPU {m.get('cpu_model')} ({m.get('simd')}); OpenBLAS kernel {m.get('openblas_core')}, "
             f"torch kernels {m.get('torch_cpu_capability')}\n")
        echo(format_table(records))
        if out is not None:
            echo(f"\nwrote {out}")
    return results
