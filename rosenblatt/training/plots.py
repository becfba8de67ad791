"""PNG plots of a run: loss and metric curves, a confusion matrix, a grid of sample predictions, forecasts.

matplotlib is an optional dependency, imported when a plot is drawn.  The
figures are drawn with the Agg canvas directly (no pyplot), so plotting never
switches the backend of a notebook or GUI session and works without a display.

Example:
    >>> import os, tempfile
    >>> history = [{"epoch": 1, "loss": 1.0, "val_loss": 1.1}, {"epoch": 2, "loss": 0.5, "val_loss": 0.7}]
    >>> path = plot_history(history, os.path.join(tempfile.mkdtemp(), "curves.png"))
    >>> open(path, "rb").read(8) == b"\\x89PNG\\r\\n\\x1a\\n"
    True
"""
from __future__ import annotations

import os
from typing import Any, Sequence

import numpy


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("rosenblatt's plots need matplotlib, which is not installed: "
                          "pip install matplotlib") from None
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: str | os.PathLike) -> str:
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, format="png", bbox_inches="tight")
    return path


def _array(x: Any) -> numpy.ndarray:
    return numpy.asarray(getattr(x, "data", x))


def plot_history(history: Sequence[dict[str, float]], path: str | os.PathLike,
                 metrics: Sequence[str] | None = None) -> str:
    """Curves of ``loss`` and each metric per epoch, training solid and validation dashed.

    Args:
        history: ``Trainer.history`` (a list of per-epoch dicts).
        path: the PNG file to write.
        metrics: keys to plot besides ``loss`` (default: every key with a ``val_`` twin
            or a training value, except epoch, lr and seconds).

    Returns: ``path``.
    """
    if not history:
        raise ValueError("plot_history: the history is empty; train at least one epoch first")
    skip = {"epoch", "lr", "seconds", "loss"}
    if metrics is None:
        keys = list(dict.fromkeys(k[4:] if k.startswith("val_") else k for row in history for k in row))
        metrics = [k for k in keys if k not in skip]
    names = ["loss"] + list(metrics)
    fig = _figure(4.2 * len(names), 3.4)
    epochs = [row.get("epoch", i + 1) for i, row in enumerate(history)]
    for i, name in enumerate(names):
        ax = fig.add_subplot(1, len(names), i + 1)
        for key, style, label in ((name, "-", "train"), (f"val_{name}", "--", "validation")):
            points = [(e, row[key]) for e, row in zip(epochs, history) if key in row]
            if points:
                ax.plot(*zip(*points), style, marker="o", markersize=3, label=label)
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return _save(fig, path)


def plot_confusion_matrix(matrix: Any, path: str | os.PathLike,
                          class_names: Sequence[str] | None = None, title: str = "confusion matrix") -> str:
    """Heat map of ``matrix[true, predicted]`` with the counts written in each cell.

    Returns: ``path``.
    """
    m = _array(matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(f"plot_confusion_matrix: expected a square (C, C) matrix, got shape {list(m.shape)}")
    c = m.shape[0]
    names = [str(i) for i in range(c)] if class_names is None else list(class_names)
    fig = _figure(1.0 + 0.5 * c, 0.6 + 0.5 * c)
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(m, cmap="Blues")
    fig.colorbar(image, ax=ax, fraction=0.046)
    threshold = m.max() / 2 if m.size else 0
    for i in range(c):
        for j in range(c):
            ax.text(j, i, str(int(m[i, j])), ha="center", va="center", fontsize=8,
                    color="white" if m[i, j] > threshold else "black")
    ax.set_xticks(range(c), names)
    ax.set_yticks(range(c), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, path)


def plot_predictions(images: Any, targets: Any, predictions: Any, path: str | os.PathLike,
                     count: int = 32, columns: int = 8, class_names: Sequence[str] | None = None) -> str:
    """A grid of the first ``count`` images titled ``predicted (true)``: green when right, red when wrong.

    Args:
        images: (N, H, W) or (N, 1, H, W) grey images (any value range).
        targets, predictions: (N,) class indices.

    Returns: ``path``.
    """
    x = _array(images)
    if x.ndim == 4 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 3:
        raise ValueError(f"plot_predictions: expected images (N, H, W) or (N, 1, H, W), got {list(x.shape)}")
    t, p = _array(targets).ravel(), _array(predictions).ravel()
    n = min(count, len(x))
    rows = max(1, -(-n // columns))
    fig = _figure(1.3 * columns, 1.5 * rows)
    name = (lambda k: str(k)) if class_names is None else (lambda k: class_names[k])
    for i in range(n):
        ax = fig.add_subplot(rows, columns, i + 1)
        ax.imshow(x[i], cmap="gray_r")
        ax.set_title(f"{name(p[i])} ({name(t[i])})", fontsize=9, color="green" if p[i] == t[i] else "red")
        ax.axis("off")
    fig.suptitle("predicted (true)")
    fig.tight_layout()
    return _save(fig, path)


def plot_learning_curve(returns: Sequence[float], path: str | os.PathLike, window: int = 100,
                        checks: Sequence[tuple[int, float]] | None = None,
                        threshold: float | None = None) -> str:
    """A reinforcement-learning curve: the return of every training episode and its moving average.

    The moving average at episode ``i`` is the mean return of episodes ``max(1, i - window + 1) .. i``.

    Args:
        returns: the return of each training episode, in order.
        path: the PNG file to write.
        window: episodes in the moving average. Default: 100.
        checks: optional ``(episodes trained, mean greedy return)`` pairs from evaluations
            during training, drawn as markers.
        threshold: optional return drawn as a dashed line (e.g. the "solved" level).

    Returns: ``path``.

    Example:
        >>> import os, tempfile
        >>> path = plot_learning_curve([9.0, 12.0, 30.0], os.path.join(tempfile.mkdtemp(), "curve.png"))
    """
    r = numpy.asarray(returns, dtype=numpy.float64)
    if r.ndim != 1 or r.size == 0:
        raise ValueError(f"plot_learning_curve: expected a non-empty sequence of returns, got shape "
                         f"{list(r.shape)}; finish at least one episode first")
    if window < 1:
        raise ValueError(f"plot_learning_curve: window must be at least 1, got {window}")
    sums = numpy.concatenate([[0.0], numpy.cumsum(r)])
    episodes = numpy.arange(1, r.size + 1)
    starts = numpy.maximum(0, episodes - window)
    average = (sums[episodes] - sums[starts]) / (episodes - starts)
    fig = _figure(7.0, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(episodes, r, alpha=0.35, linewidth=0.8, label="episode return")
    ax.plot(episodes, average, linewidth=2, label=f"moving average ({window} episodes)")
    if checks:
        ax.plot(*zip(*checks), "o", markersize=4, label="mean greedy return (check)")
    if threshold is not None:
        ax.axhline(threshold, color="gray", linestyle="--", linewidth=1, label=f"target {threshold:g}")
    ax.set_xlabel("training episode")
    ax.set_ylabel("return")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return _save(fig, path)


def plot_calibration_curve(target: Any, prob: Any, path: str | os.PathLike, n_bins: int = 10,
                           title: str = "calibration") -> str:
    """Reliability diagram: observed frequency of class 1 per probability bin, against the diagonal.

    Above it, the model under-states the risk; below it, over-states it.  A
    second panel counts the cases per bin (a point from five cases says little).

    Args:
        target: (N,) 0/1 labels.
        prob: (N,) predicted probabilities of class 1.
        n_bins: equal-width bins of [0, 1] (``metrics.calibration_curve``). Default 10.

    Returns: ``path``.

    Example:
        >>> import os, tempfile
        >>> path = plot_calibration_curve([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], os.path.join(tempfile.mkdtemp(), "c.png"))
    """
    from .metrics import calibration_curve
    prob_true, prob_pred = calibration_curve(target, prob, n_bins)
    fig = _figure(5.0, 6.0)
    ax = fig.add_subplot(2, 1, 1)
    ax.plot([0, 1], [0, 1], "--", color="gray", linewidth=1, label="perfectly calibrated")
    ax.plot(prob_pred, prob_true, "o-", label="model")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    counts = fig.add_subplot(2, 1, 2)
    counts.hist(_array(prob).ravel(), bins=n_bins, range=(0, 1))
    counts.set_xlabel("predicted probability")
    counts.set_ylabel("cases")
    fig.tight_layout()
    return _save(fig, path)


def plot_forecast(context: Any, truth: Any, forecast: Any, path: str | os.PathLike,
                  baseline: Any = None, baseline_label: str = "naive (last value)") -> str:
    """Time-series forecasts against the truth: one panel per example.

    Each panel draws the input window, then (from where it ends) the true
    continuation, the forecast and, when given, a baseline forecast.

    Args:
        context: ``(K, W)`` input windows.
        truth, forecast: ``(K, F)`` true and forecast values of the next ``F`` steps.
        path: the PNG file to write.
        baseline: optional ``(K, F)`` forecasts of a baseline, drawn dotted.

    Returns: ``path``.

    Example:
        >>> import os, tempfile
        >>> path = plot_forecast([[0.0, 1.0, 2.0]], [[3.0, 4.0]], [[3.1, 3.8]],
        ...                      os.path.join(tempfile.mkdtemp(), "forecast.png"))
    """
    past, true, pred = _array(context), _array(truth), _array(forecast)
    if past.ndim != 2 or true.ndim != 2 or pred.shape != true.shape or len(past) != len(true):
        raise ValueError(f"plot_forecast: expected context (K, W) and truth/forecast (K, F) with the same K, "
                         f"got {list(past.shape)}, {list(true.shape)} and {list(pred.shape)}")
    k, w = past.shape
    after = numpy.arange(w, w + true.shape[1])
    fig = _figure(8.0, 2.2 * k)
    for i in range(k):
        ax = fig.add_subplot(k, 1, i + 1)
        ax.plot(numpy.arange(w), past[i], color="gray", label="input")
        ax.plot(after, true[i], color="black", label="truth")
        ax.plot(after, pred[i], color="tab:blue", linewidth=2, label="forecast")
        if baseline is not None:
            ax.plot(after, _array(baseline)[i], ":", color="tab:red", label=baseline_label)
        ax.axvline(w - 0.5, color="gray", linewidth=0.8, linestyle="--")
        ax.grid(alpha=0.3)
        if i == 0:
            ax.legend(loc="upper left", fontsize=8, ncol=4)
    ax.set_xlabel("step")
    fig.tight_layout()
    return _save(fig, path)
