"""Metrics as running sums: ``update`` per batch, ``compute`` once per epoch.

Each metric keeps sums (correct predictions, squared errors, counts), never a
list of outputs, so memory stays flat and the epoch value is exact: the mean
over all samples, not a mean of batch means.

Example:
    >>> import rosenblatt as rb
    >>> acc = Accuracy()
    >>> acc.update(rb.tensor([[2.0, 1.0], [0.0, 3.0]]), rb.tensor([0, 0]))
    >>> acc.compute()
    0.5
"""
from __future__ import annotations

from typing import Any

import numpy

from ..tensor import Tensor


def _array(x: Any) -> numpy.ndarray:
    return numpy.asarray(x.data if isinstance(x, Tensor) else x)


class Metric:
    """Base class: ``reset()``, ``update(output, target)`` per batch, ``compute()`` at the end.

    ``state_dict``/``load_state_dict`` carry the running sums, so a run resumed
    mid-epoch reports the same epoch value as an uninterrupted one.
    """

    name = "metric"

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        raise NotImplementedError

    def update(self, output: Any, target: Any) -> None:
        raise NotImplementedError

    def compute(self) -> Any:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "name"}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            setattr(self, k, _array(v).copy() if isinstance(v, (Tensor, numpy.ndarray)) else v)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def _labels(op: str, output: numpy.ndarray, target: numpy.ndarray, threshold: float) -> numpy.ndarray:
    """Predicted class per sample: argmax of class scores, or ``score > threshold`` for one score."""
    if output.ndim == target.ndim + 1 and output.shape[-1] > 1:
        return output.argmax(-1)
    if output.ndim == target.ndim + 1 and output.shape[-1] == 1:
        output = output[..., 0]
    if output.shape != target.shape:
        raise ValueError(f"{op}: expected output (N, C) class scores or (N,) binary scores for "
                         f"target {list(target.shape)}, got output {list(output.shape)}")
    return (output > threshold).astype(numpy.int64)


class Accuracy(Metric):
    """Fraction of samples whose predicted class equals the target.

    ``accuracy = (1/N) sum_i [argmax_c output[i, c] == target[i]]``.  For a single
    score per sample (binary logits) the prediction is ``output > threshold``.

    Args:
        threshold: decision threshold for single-score outputs (0.0 for logits;
            use 0.5 for probabilities). Default 0.0.
        name: key in the history. Default ``"accuracy"``.

    Shape: output (N, C) or (N,); target (N,) class indices.
    """

    def __init__(self, threshold: float = 0.0, name: str = "accuracy") -> None:
        self.threshold, self.name = threshold, name
        super().__init__()

    def reset(self) -> None:
        self.correct, self.total = 0, 0

    def update(self, output: Any, target: Any) -> None:
        target = _array(target)
        pred = _labels("Accuracy", _array(output), target, self.threshold)
        self.correct += int((pred == target).sum())
        self.total += int(target.size)

    def compute(self) -> float:
        return self.correct / self.total if self.total else float("nan")


class TopKAccuracy(Metric):
    """Fraction of samples whose target is among the ``k`` highest scores.

    Args:
        k: how many top classes count as a hit. Default 5.
        name: key in the history. Default ``f"top{k}_accuracy"``.

    Shape: output (N, C) with C >= k; target (N,).
    """

    def __init__(self, k: int = 5, name: str | None = None) -> None:
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"TopKAccuracy: k must be a positive int, got {k!r}")
        self.k, self.name = k, name or f"top{k}_accuracy"
        super().__init__()

    def reset(self) -> None:
        self.correct, self.total = 0, 0

    def update(self, output: Any, target: Any) -> None:
        output, target = _array(output), _array(target)
        if output.ndim != 2 or output.shape[1] < self.k or target.shape != output.shape[:1]:
            raise ValueError(f"TopKAccuracy(k={self.k}): expected output (N, C) with C >= {self.k} "
                             f"and target (N,), got {list(output.shape)} and {list(target.shape)}")
        # a target scored strictly below k others is a miss; ties count as hits, as torch.topk may
        above = (output > numpy.take_along_axis(output, target[:, None], 1)).sum(1)
        self.correct += int((above < self.k).sum())
        self.total += int(target.size)

    def compute(self) -> float:
        return self.correct / self.total if self.total else float("nan")


class RMSE(Metric):
    """Root mean squared error over every element: ``sqrt(sum (output - target)^2 / count)``.

    Shape: output and target broadcastable to the same shape.
    """

    def __init__(self, name: str = "rmse") -> None:
        self.name = name
        super().__init__()

    def reset(self) -> None:
        self.sum_squares, self.count = 0.0, 0

    def update(self, output: Any, target: Any) -> None:
        output, target = _array(output), _array(target)
        if output.shape != target.shape and output.shape == target.shape + (1,):
            output = output[..., 0]  # (N, 1) predictions against (N,) targets
        diff = output.astype(numpy.float64) - target
        self.sum_squares += float((diff * diff).sum())
        self.count += int(diff.size)

    def compute(self) -> float:
        return float(numpy.sqrt(self.sum_squares / self.count)) if self.count else float("nan")


class ConfusionMatrix(Metric):
    """Counts ``matrix[true, predicted]`` over all samples (rows: targets, columns: predictions).

    Args:
        num_classes: number of classes C.
        name: key in the results. Default ``"confusion_matrix"``.

    Returns: an int64 array (C, C) from ``compute()`` (not a scalar, so it is left
    out of the per-epoch history and log).
    """

    def __init__(self, num_classes: int, name: str = "confusion_matrix") -> None:
        self.num_classes, self.name = num_classes, name
        super().__init__()

    def reset(self) -> None:
        self.matrix = numpy.zeros((self.num_classes, self.num_classes), dtype=numpy.int64)

    def update(self, output: Any, target: Any) -> None:
        target = _array(target).astype(numpy.int64).ravel()
        pred = _labels("ConfusionMatrix", _array(output), _array(target), 0.0).ravel()
        if target.size and (target.min() < 0 or max(target.max(), pred.max()) >= self.num_classes):
            raise ValueError(f"ConfusionMatrix(num_classes={self.num_classes}): class index out of "
                             f"range: targets span [{target.min()}, {target.max()}], predictions "
                             f"[{pred.min()}, {pred.max()}]")
        numpy.add.at(self.matrix, (target, pred), 1)

    def compute(self) -> numpy.ndarray:
        return self.matrix.copy()
