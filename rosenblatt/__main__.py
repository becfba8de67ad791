"""``python -m rosenblatt`` and the ``rosenblatt`` console script.

    rosenblatt demo [--epochs N] [--out DIR] [--dataset digits|mnist]
    rosenblatt train RECIPE [--epochs N] [--batch-size N] [--lr LR] [--seed S] [--data-dir DIR] [--out DIR]
                            [--nproc N]
    rosenblatt transcribe FILE.wav [--model PATH]
    rosenblatt recommend --user ID [--run DIR] [--data-dir DIR] [--count N]
    rosenblatt info

Bad arguments print a usage message and exit with status 2 (argparse's
convention), never a traceback; Ctrl-C exits with 130.
"""
from __future__ import annotations

import argparse
import inspect
import os
import sys
from typing import Any


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _recipe_names() -> list[str]:
    from .recipes import RECIPES
    return sorted(RECIPES)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rosenblatt", description="rosenblatt: deep learning on NumPy with PyTorch's API.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="train a small CNN to read handwritten digits (offline, ~30 s)",
                          description="Train a small CNN on scikit-learn's 8x8 digits (or MNIST), print "
                                      "progress and held-out accuracy, and write the metrics log, "
                                      "checkpoints and plots into --out.")
    demo.add_argument("--dataset", choices=["digits", "mnist"], default="digits",
                      help="digits: bundled with scikit-learn, no download (default); mnist: from "
                           "--data-dir, downloaded when missing")
    demo.add_argument("--epochs", type=_positive_int, default=None,
                      help="training epochs (default: 15 for digits, 1 for mnist)")
    demo.add_argument("--batch-size", type=_positive_int, default=32, help="default: 32")
    demo.add_argument("--lr", type=_positive_float, default=0.005, help="Adam learning rate (default: 0.005)")
    demo.add_argument("--seed", type=int, default=0, help="seed for the split, weights and order (default: 0)")
    demo.add_argument("--data-dir", default=None, help="dataset folder for --dataset mnist")
    demo.add_argument("--out", default=os.path.join("runs", "demo"),
                      help="run folder for metrics.csv, checkpoints and PNG plots (default: runs/demo)")
    demo.add_argument("--no-plots", action="store_true", help="skip the PNG plots")

    train = sub.add_parser("train", help="run a training recipe (rosenblatt train --help lists them)",
                           description="Run a training recipe: " + ", ".join(_recipe_names()) + ".")
    train.add_argument("recipe", metavar="RECIPE", help="one of: " + ", ".join(_recipe_names()))
    train.add_argument("--epochs", type=_positive_int, help="training epochs (recipe default if omitted)")
    train.add_argument("--batch-size", type=_positive_int, help="batch size (recipe default if omitted)")
    train.add_argument("--lr", type=_positive_float, help="learning rate (recipe default if omitted)")
    train.add_argument("--seed", type=int, help="random seed (recipe default if omitted)")
    train.add_argument("--data-dir", help="dataset folder (default: $ROSENBLATT_DATA or ~/.cache/rosenblatt)")
    train.add_argument("--out", help="run folder for logs and checkpoints, where the recipe writes them")
    train.add_argument("--nproc", type=_positive_int, default=1,
                       help="data-parallel ranks on this machine, started through mpiexec with one BLAS "
                            "thread each (default: 1); --batch-size stays the global batch")

    transcribe = sub.add_parser("transcribe", help="say which digit a recording speaks (after "
                                "rosenblatt train spoken-digits)",
                                description="Print the digit a spoken-digit model hears in a mono 16-bit "
                                            "8 kHz WAV recording, and its probability.")
    transcribe.add_argument("file", metavar="FILE.wav", help="the recording")
    transcribe.add_argument("--model", metavar="PATH", help="a model file written by rosenblatt train spoken-digits "
                                            "(default: runs/spoken-digits/model.safetensors)")

    recommend = sub.add_parser("recommend", help="a MovieLens user's top unseen movies (after rosenblatt "
                               "train movielens-mf)",
                               description="Print the movies a MovieLens user has not rated with the highest "
                                           "ratings the trained model predicts, titles from u.item.")
    recommend.add_argument("--user", type=int, required=True, metavar="ID", help="user id as in u.data")
    recommend.add_argument("--run", default=os.path.join("runs", "movielens-mf"), metavar="DIR",
                           help="run folder of rosenblatt train movielens-mf (or movielens-ncf) holding "
                                "model.safetensors (default: runs/movielens-mf)")
    recommend.add_argument("--data-dir", help="dataset folder with movielens/ml-100k/u.data "
                                              "(default: $ROSENBLATT_DATA or ~/.cache/rosenblatt)")
    recommend.add_argument("--count", type=_positive_int, default=10, help="how many movies (default: 10)")

    sub.add_parser("info", help="versions, BLAS and threads", description="Print rosenblatt's version, "
                   "NumPy's version and BLAS, the thread count and the array backend.")
    parser.set_defaults(subparsers={"demo": demo, "train": train})
    return parser


def demo(args: argparse.Namespace) -> int:
    from .recipes.demo import train
    result = train(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                   data_dir=args.data_dir, out=args.out, dataset=args.dataset, plots=not args.no_plots)
    return 130 if result.get("interrupted") else 0


def train(args: argparse.Namespace) -> int:
    from .recipes import DATA_PARALLEL, RECIPES, get
    parser = args.subparsers["train"]
    if args.recipe not in RECIPES:
        parser.error(f"unknown recipe {args.recipe!r}; choose one of: {', '.join(sorted(RECIPES))}")
    fn = get(args.recipe)
    options = {k: v for k, v in (("epochs", args.epochs), ("batch_size", args.batch_size), ("lr", args.lr),
                                 ("seed", args.seed), ("data_dir", args.data_dir), ("out", args.out))
               if v is not None}
    accepted = inspect.signature(fn).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            flags = ", ".join("--" + k.replace("_", "-") for k in unknown)
            parser.error(f"recipe {args.recipe!r} does not take {flags}")
    if args.nproc > 1 and args.recipe not in DATA_PARALLEL:
        parser.error(f"recipe {args.recipe!r} does not train data-parallel; --nproc works with: "
                     f"{', '.join(sorted(DATA_PARALLEL))}")
    from .distributed import get_rank, launched_by_mpi
    if args.nproc > 1 and not launched_by_mpi():  # relaunch as nproc ranks; each runs the lines below
        from .distributed.launch import launch
        passed = [f for k, v in options.items() for f in ("--" + k.replace("_", "-"), str(v))]
        return launch(args.nproc, ["train", args.recipe, *passed])
    from ._backend import keep_freed_memory
    keep_freed_memory()  # each step reuses the last one's freed temporaries without page faults
    result = fn(**options)
    if get_rank() != 0:
        return 0
    print("result: " + ", ".join(f"{k} {_show(v)}" for k, v in result.items()))
    return 130 if result.get("interrupted") else 0


def _error(command: str, e: BaseException) -> None:
    """``rosenblatt COMMAND: error: MESSAGE`` on stderr, the command not repeated when the
    library's message already starts with it (``recommend: unknown user 9999; ...``)."""
    print(f"rosenblatt {command}: error: {str(e).removeprefix(f'{command}: ')}", file=sys.stderr)


def transcribe(args: argparse.Namespace) -> int:
    from .recipes.spoken_digits import transcribe
    try:
        digit, probability = transcribe(args.file, *([args.model] if args.model else []))
    except ValueError as e:  # not a WAV, a wrong rate, not a model file: the message, no traceback
        _error("transcribe", e)
        return 1
    print(f"{digit} (probability {probability:.3f})")
    return 0


def recommend(args: argparse.Namespace) -> int:
    from .recipes._recommendation import recommend
    try:
        rows = recommend(args.user, args.run, args.data_dir, args.count)
    except ValueError as e:  # an unknown user, a model trained on other data: the message, no traceback
        _error("recommend", e)
        return 1
    print(f"top {len(rows)} unseen items for user {args.user} (predicted rating, title):")
    for rank, (item, title, rating) in enumerate(rows, 1):
        print(f"{rank:3d}. {rating:.2f}  {title}  [item {item}]")
    return 0


def _show(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def info() -> int:
    import platform

    import numpy

    import rosenblatt
    from rosenblatt import _backend
    print(f"rosenblatt {rosenblatt.__version__}")
    print(f"Python     {platform.python_version()} ({platform.machine()}, {platform.system()})")
    print(f"NumPy      {numpy.__version__}")
    print(f"BLAS       {_blas()}")
    fast = _backend._blas_for(numpy.zeros(1, dtype=numpy.float32)) is not None
    print(f"updates    {'BLAS axpy/axpby/scal' if fast else 'NumPy ufuncs (no NumPy-bundled OpenBLAS found)'}")
    print(f"threads    {_threads()}")
    print(f"backend    {getattr(_backend.xp, '__name__', type(_backend.xp).__name__)}")
    return 0


def _blas() -> str:
    import numpy
    try:
        config = numpy.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # numpy < 1.26 has no dict mode; report what we can rather than fail
        return "unknown (numpy.show_config() prints the build details)"


def _threads() -> str:
    cores = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    limits = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
              if k in os.environ]
    return f"{usable} usable of {cores} CPU cores" + (f" ({', '.join(limits)})" if limits else "")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return demo(args)
        if args.command == "train":
            return train(args)
        if args.command == "transcribe":
            return transcribe(args)
        if args.command == "recommend":
            return recommend(args)
        return info()
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except (FloatingPointError, ImportError, FileNotFoundError) as e:
        # expected failures (a diverged run, a missing optional package or dataset): the message, no traceback
        _error(args.command, e)
        ranks = sys.modules.get("rosenblatt.distributed.process_group")
        if ranks is not None and ranks.is_initialized():  # under mpiexec: stop the other ranks too
            ranks.report_failure(f"{type(e).__name__}: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
