"""The command line: --help, usage errors (exit 2, no traceback), info, and a short demo run."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rosenblatt.recipes import RECIPES

from rosenblatt.__main__ import main
from rosenblatt.serialization import load

PNG = b"\x89PNG\r\n\x1a\n"


def run(*args):
    return subprocess.run([sys.executable, "-m", "rosenblatt", *args], capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_help_everywhere():
    for args in ([], ["demo"], ["train"], ["info"]):
        result = run(*args, "--help")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("usage: rosenblatt")
    assert "--batch-size" in run("train", "--help").stdout
    assert "mnist-mlp" in run("train", "--help").stdout


@pytest.mark.parametrize("args, message", [
    ([], "required: COMMAND"),
    (["fly"], "invalid choice: 'fly'"),
    (["train"], "required: RECIPE"),
    (["train", "no-such-recipe"], "unknown recipe 'no-such-recipe'; choose one of: "
                                  + ", ".join(sorted(RECIPES))),
    (["train", "mnist-mlp", "--epochs", "0"], "--epochs: must be at least 1, got 0"),
    (["train", "mnist-mlp", "--lr", "fast"], "--lr: expected a number, got 'fast'"),
    (["demo", "--dataset", "cifar"], "invalid choice: 'cifar'"),
    (["demo", "--batch-size", "-3"], "--batch-size: must be at least 1"),
])
def test_bad_arguments_give_usage_and_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: rosenblatt") and message in err


def test_bad_arguments_in_a_real_process_print_no_traceback():
    result = run("train", "no-such-recipe")
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


def test_info(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    import numpy
    import rosenblatt
    lines = dict(line.split(None, 1) for line in out.strip().splitlines())
    assert lines["rosenblatt"] == rosenblatt.__version__
    assert lines["NumPy"] == numpy.__version__
    assert lines["BLAS"] and "CPU cores" in lines["threads"] and lines["backend"] == "numpy"


def test_demo_short_run_learns_and_writes_its_files(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--epochs", "4", "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "epoch 4/4" in stdout
    accuracy = float(stdout.split("test accuracy ")[1].split("%")[0]) / 100
    assert accuracy >= 0.90  # the full 15-epoch demo reaches ~98%
    for name in ("curves.png", "confusion_matrix.png", "predictions.png"):
        assert (out / name).read_bytes()[:8] == PNG
    assert len((out / "metrics.csv").read_text().strip().splitlines()) == 5
    last = load(out / "last.safetensors")
    assert last["epoch"] == 4
    assert last["history"][-1]["val_accuracy"] == pytest.approx(accuracy, abs=1e-4)  # printed as xx.xx%


def test_train_runs_a_registered_recipe(tmp_path, capsys):
    assert main(["train", "demo", "--epochs", "1", "--batch-size", "64", "--seed", "1",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "result: test_accuracy" in out and "epochs 1" in out
    assert load(tmp_path / "last.safetensors")["epoch"] == 1


@pytest.mark.parametrize("recipe", ["shakespeare-gpt", "shakespeare-lstm"])
def test_language_model_recipes_take_the_cli_options_and_refuse_epochs(recipe, capsys):
    from rosenblatt.recipes import get
    import inspect
    accepted = inspect.signature(get(recipe)).parameters
    assert {"batch_size", "lr", "seed", "data_dir"} <= set(accepted)
    with pytest.raises(SystemExit) as exit_info:
        main(["train", recipe, "--epochs", "2"])
    assert exit_info.value.code == 2
    assert "does not take --epochs" in capsys.readouterr().err


def test_language_model_options_reach_the_model(data_dir):
    from rosenblatt.models import gpt
    from rosenblatt.recipes._language_model import run
    seen = {}

    def short_gpt(log, **options):
        seen.update(options)
        return gpt.train(log=log, max_iters=3, eval_interval=3, eval_iters=1, data_limit=5000,
                         sample_tokens=5, **options)

    lines = []
    result = run(short_gpt, batch_size=4, lr=1e-3, seed=0, data_dir=str(data_dir), log=lines.append)
    assert seen == {"batch_size": 4, "learning_rate": 1e-3, "seed": 0, "data_root": str(data_dir)}
    assert set(result) == {"val_loss", "train_loss", "seconds"} and result["val_loss"] > 0
    assert any(line.startswith("sample:") for line in lines)
