"""Multi-step time-series forecasting with an LSTM, and the generated series it learns.

The model reads a window of past values and predicts the next ``horizon``
values at once (direct multi-output forecasting: one linear head on the last
hidden state, so errors of early steps are not fed back into later ones)::

    (N, window, 1) -LSTM-> h_T (N, hidden) -Linear-> (N, horizon)

The series is hourly-like: a daily cycle (period 24) whose amplitude swells and
shrinks over a week (period 168), a slowly wandering level, and AR(1) noise.
The naive forecast, repeating the last observed value, is right about the level
but blind to the cycle; a forecaster has to learn the cycle from the window.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.models.forecast_lstm import ForecastLSTM, ForecastConfig
    >>> model = ForecastLSTM(ForecastConfig(hidden_size=8, horizon=3))
    >>> model(rb.zeros(2, 10, 1)).shape
    (2, 3)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy

import rosenblatt as rb
from rosenblatt import nn
from rosenblatt.nn.modules.rnn import LSTM


@dataclass
class ForecastConfig:
    """Model shape; the defaults fit the generated series in a minute on a CPU."""

    window: int = 72  # three daily cycles of context: enough to see the phase and the weekly swell
    horizon: int = 24  # one day ahead
    hidden_size: int = 64  # the series has few components; wider models only fit the noise
    num_layers: int = 1


class ForecastLSTM(nn.Module):
    """LSTM over the window, then a linear head from the last hidden state to ``horizon`` values.

    Args:
        config: the model shape.
        generator: the ``rosenblatt.Generator`` for the initial weights.

    Shape: ``x`` ``(N, window, 1)`` (any window length) -> ``(N, horizon)``.
    """

    def __init__(self, config: ForecastConfig, generator: rb.Generator | None = None) -> None:
        super().__init__()
        self.config = config
        self.lstm = LSTM(1, config.hidden_size, config.num_layers, batch_first=True, generator=generator)
        self.head = nn.Linear(config.hidden_size, config.horizon, generator=generator)

    def forward(self, x: rb.Tensor) -> rb.Tensor:
        _, (h, _) = self.lstm(x)  # h: (num_layers, N, hidden)
        return self.head(h[-1])  # (N, horizon)


def generate_series(length: int, seed: int = 0) -> numpy.ndarray:
    """The synthetic hourly series, float32 ``(length,)``.

    ``y_t = level_t + (1 + 0.4 sin(2 pi t / 168)) sin(2 pi t / 24) + e_t`` with a
    random-walk level (step s.d. 0.02) and AR(1) noise ``e_t = 0.7 e_{t-1} + N(0, 0.15^2)``.
    """
    rng = numpy.random.default_rng(seed)
    t = numpy.arange(length)
    phase = rng.uniform(0, 2 * math.pi, size=2)
    daily = numpy.sin(2 * math.pi * t / 24 + phase[0])
    weekly = 1 + 0.4 * numpy.sin(2 * math.pi * t / 168 + phase[1])
    level = numpy.cumsum(rng.normal(0.0, 0.02, size=length))
    shocks = rng.normal(0.0, 0.15, size=length)
    noise = numpy.empty(length)
    noise[0] = shocks[0]
    for i in range(1, length):
        noise[i] = 0.7 * noise[i - 1] + shocks[i]
    return (level + weekly * daily + noise).astype(numpy.float32)


def windows(series: numpy.ndarray, window: int, horizon: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Every ``(past, future)`` pair of ``series``: ``(N, window, 1)`` inputs and ``(N, horizon)`` targets."""
    if len(series) < window + horizon:
        raise ValueError(f"forecast windows: a series of {len(series)} values is shorter than "
                         f"window + horizon = {window + horizon}")
    n = len(series) - window - horizon + 1
    idx = numpy.arange(n)[:, None]
    x = series[idx + numpy.arange(window)][:, :, None]
    y = series[idx + window + numpy.arange(horizon)]
    return x, y
