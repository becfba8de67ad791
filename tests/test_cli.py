"""The command line: --help, usage errors (exit 2, no traceback), info, and a short demo run."""
from __future__ import annotations

import os
import re
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
    for args in ([], ["demo"], ["train"], ["info"], ["transcribe"]):
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
    assert lines["updates"] == "BLAS axpy/axpby/scal"  # NumPy's wheels bundle OpenBLAS


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


@pytest.fixture
def spoken_digit_files(tmp_path, data_dir):
    """An (untrained) spoken-digits model file, a real FSDD recording, a 16 kHz WAV and a text file."""
    import tarfile
    import wave
    from rosenblatt.models.mel_cnn import MelCNN
    from rosenblatt.recipes.spoken_digits import save_model
    save_model(MelCNN(), "cnn", str(tmp_path / "model.safetensors"))
    with tarfile.open(data_dir / "fsdd" / "recordings.tar") as tar:
        (tmp_path / "seven.wav").write_bytes(tar.extractfile("recordings/7_theo_0.wav").read())
    with wave.open(str(tmp_path / "16k.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(bytes(3200))
    (tmp_path / "notes.wav").write_text("not audio")
    return tmp_path


def test_transcribe_prints_the_digit_and_its_probability(spoken_digit_files, capsys):
    d = spoken_digit_files
    assert main(["transcribe", str(d / "seven.wav"), "--model", str(d / "model.safetensors")]) == 0
    digit, probability = re.fullmatch(r"(\d) \(probability (\d\.\d{3})\)\n", capsys.readouterr().out).groups()
    assert 0.1 <= float(probability) <= 1.0   # the most likely of ten classes


@pytest.mark.parametrize("file, model, message", [
    ("missing.wav", "model.safetensors", "No such file or directory"),
    ("notes.wav", "model.safetensors", "is not a readable WAV file"),
    ("16k.wav", "model.safetensors", "is sampled at 16000 Hz; the model expects 8000 Hz"),
    ("seven.wav", "missing.safetensors", "no trained model at"),
    ("seven.wav", "notes.wav", "is not a readable safetensors file"),
])
def test_transcribe_bad_input_gives_a_message_and_exit_1(spoken_digit_files, file, model, message, capsys):
    d = spoken_digit_files
    assert main(["transcribe", str(d / file), "--model", str(d / model)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rosenblatt transcribe: error: ") and message in err


def test_transcribe_without_a_trained_model_says_how_to_train_one(spoken_digit_files):
    # a real process in a folder with no runs/: the default model path is missing
    result = subprocess.run([sys.executable, "-m", "rosenblatt", "transcribe", "seven.wav"], capture_output=True,
                            text=True, cwd=spoken_digit_files)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no trained model at runs/spoken-digits/model.safetensors" in result.stderr
    assert "rosenblatt train spoken-digits" in result.stderr
