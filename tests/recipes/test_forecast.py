"""The forecasting recipe: its windows, its series, and a shortened run that must beat the naive forecast."""
from __future__ import annotations

import numpy
import pytest

from rosenblatt.models.forecast_lstm import generate_series, windows
from rosenblatt.recipes.forecast import train
from rosenblatt.training.plots import plot_forecast

PNG = b"\x89PNG\r\n\x1a\n"


def test_windows_pair_each_past_with_its_future():
    x, y = windows(numpy.arange(10, dtype=numpy.float32), window=4, horizon=3)
    assert x.shape == (4, 4, 1) and y.shape == (4, 3)
    numpy.testing.assert_array_equal(x[1, :, 0], [1, 2, 3, 4])
    numpy.testing.assert_array_equal(y[1], [5, 6, 7])
    numpy.testing.assert_array_equal(y[-1], [7, 8, 9])  # the last window ends at the series' end
    with pytest.raises(ValueError, match="shorter than window \\+ horizon = 11"):
        windows(numpy.zeros(10), window=8, horizon=3)


def test_series_is_float32_and_seeded():
    a, b = generate_series(500, seed=3), generate_series(500, seed=3)
    assert a.dtype == numpy.float32 and a.shape == (500,)
    numpy.testing.assert_array_equal(a, b)
    assert not numpy.array_equal(a, generate_series(500, seed=4))


def test_plot_forecast_refuses_mismatched_shapes(tmp_path):
    with pytest.raises(ValueError, match=r"plot_forecast: .* got \[1, 3\], \[1, 2\] and \[1, 3\]"):
        plot_forecast([[0.0, 1.0, 2.0]], [[3.0, 4.0]], [[3.0, 4.0, 5.0]], tmp_path / "f.png")


def test_shortened_run_beats_the_last_value_forecast(tmp_path):
    lines = []
    result = train(epochs=3, length=1500, hidden_size=32, out=str(tmp_path), log=lines.append)
    # Repeating the last value misses the daily cycle (MSE ~1.1); the full run's skill is ~0.94.
    assert result["mse"] < 0.4 * result["naive_mse"], result
    assert result["skill"] > 0.6 and result["mae"] < result["naive_mae"]
    assert (tmp_path / "forecast.png").read_bytes()[:8] == PNG
    assert any(line.startswith("held-out") for line in lines)
