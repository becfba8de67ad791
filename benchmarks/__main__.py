"""``python -m benchmarks [GROUP ...] [-k NAME] [--rounds N] [--quick]``.

Imports every workload module in this folder (each registers its workloads on
import), keeps those matching the filters, runs them and writes results.json.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

import rosenblatt

from . import harness

NOT_WORKLOADS = {"harness", "__main__"}


def groups() -> list[str]:
    """The workload modules in this folder, sorted: core, conv, nn, ..."""
    here = str(Path(__file__).parent)
    return sorted(m.name for m in pkgutil.iter_modules([here])
                  if m.name not in NOT_WORKLOADS and not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    available = groups()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time rosenblatt against PyTorch/NumPy side by side; writes "
                    "benchmarks/results.json.")
    parser.add_argument("groups", nargs="*", metavar="GROUP",
                        help=f"workload modules to run (default: all of {', '.join(available)})")
    parser.add_argument("-k", dest="keyword", default=None,
                        help="only workloads whose name contains this (case-insensitive)")
    parser.add_argument("--rounds", type=int, default=None,
                        help=f"timed rounds per contender (>= {harness.MIN_ROUNDS}; default 7, "
                             f"5 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds, shorter pauses between samples, smaller inputs "
                             "where a workload offers them")
    parser.add_argument("--pause", type=float, default=None,
                        help="seconds slept before each timed sample (default 0.25)")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a workload misses its target")
    parser.add_argument("--out", type=Path, default=harness.RESULTS_PATH,
                        help="where to write the JSON results")
    args = parser.parse_args(argv)

    unknown = [g for g in args.groups if g not in available]
    if unknown:
        parser.error(f"unknown group(s) {unknown}; available: {available}")
    rounds = args.rounds if args.rounds is not None else (harness.MIN_ROUNDS if args.quick else 7)
    if rounds < harness.MIN_ROUNDS:
        parser.error(f"--rounds must be >= {harness.MIN_ROUNDS}, got {rounds}")
    pause = args.pause if args.pause is not None else (0.1 if args.quick else 0.25)

    # Both libraries share this process's malloc: freed blocks stay in it for the next step
    # instead of returning to the kernel and page-faulting back in (benchmarks/README.md).
    rosenblatt.keep_freed_memory()
    broken = []
    for name in args.groups or available:
        try:
            importlib.import_module(f"{__package__}.{name}")
        except Exception:  # a half-written module must not stop the others
            broken.append(name)
            traceback.print_exc()
            print(f"skipping benchmarks/{name}.py: it failed to import (above)\n", file=sys.stderr)
    selected = [w for w in harness.REGISTRY.workloads
                if (not args.groups or w.group in args.groups)
                and (args.keyword is None or args.keyword.lower() in w.name.lower())]
    if not selected:
        parser.error("no workload matches the filters")
    results = harness.run(selected, rounds=rounds, pause=pause, quick=args.quick, out=args.out)
    errors = broken or [r for r in results["workloads"] if "error" in r]
    missed = [r["name"] for r in results["workloads"] if not r["passed"]]
    return 1 if errors or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
