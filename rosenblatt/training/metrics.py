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


class _RankMetric(Metric):
    """A score summed over rows from the 0-based rank of each row's target, averaged at the end.

    Subclasses give ``_gain(hits) -> float``, the summed score of a batch's ranks
    below ``k`` (the others score 0), and the history key's ``_default_name``.
    """

    _default_name = "{k}"

    def __init__(self, k: int, name: str | None = None) -> None:
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"{type(self).__name__}: k must be a positive int, got {k!r}")
        self.k, self.name = k, name or self._default_name.format(k=k)
        super().__init__()

    def reset(self) -> None:
        self.score, self.total = 0.0, 0

    def update(self, output: Any, target: Any) -> None:
        rank = _rank(self, output, target)
        self.score += self._gain(rank[rank < self.k])
        self.total += int(rank.size)

    def compute(self) -> float:
        return self.score / self.total if self.total else float("nan")

    def _gain(self, hits: numpy.ndarray) -> float:
        raise NotImplementedError


class TopKAccuracy(_RankMetric):
    """Fraction of samples whose target is among the ``k`` highest scores.

    Args:
        k: how many top classes count as a hit. Default 5.
        name: key in the history. Default ``f"top{k}_accuracy"``.

    Shape: output (N, C) with C >= k; target (N,).
    """

    _default_name = "top{k}_accuracy"

    def __init__(self, k: int = 5, name: str | None = None) -> None:
        super().__init__(k, name)

    def _gain(self, hits: numpy.ndarray) -> float:
        return float(hits.size)


def _rank(metric: Any, output: Any, target: Any) -> numpy.ndarray:
    """0-based rank of each target among its row's scores: how many score strictly higher.

    Ties count in the target's favour (as ``torch.topk`` may order them).
    """
    output, target = _array(output), _array(target)
    if output.ndim != 2 or output.shape[1] < metric.k or target.shape != output.shape[:1]:
        raise ValueError(f"{type(metric).__name__}(k={metric.k}): expected output (N, C) with C >= {metric.k} "
                         f"and target (N,), got {list(output.shape)} and {list(target.shape)}")
    return (output > numpy.take_along_axis(output, target[:, None], 1)).sum(1)


class HitRate(TopKAccuracy):
    """Hit rate@k for top-N recommendation: the fraction of rows whose relevant item ranks in the top k.

    Each row of ``output`` scores one held-out relevant item (for one user) and
    sampled negatives, and ``target`` is the relevant item's column; with one
    relevant item per row this is top-k accuracy.  Random scores give ``k / C``.

    Args:
        k: the length of the recommendation list. Default 10.
        name: key in the history. Default ``f"hit_rate@{k}"``.

    Shape: output (N, C) with C >= k; target (N,).

    Example:
        >>> import rosenblatt as rb
        >>> hr = HitRate(k=1)
        >>> hr.update(rb.tensor([[0.9, 0.1, 0.5], [0.2, 0.8, 0.3]]), rb.tensor([0, 2]))
        >>> hr.compute()
        0.5
    """

    _default_name = "hit_rate@{k}"

    def __init__(self, k: int = 10, name: str | None = None) -> None:
        super().__init__(k, name)


class NDCG(_RankMetric):
    """Normalised discounted cumulative gain at k with one relevant item per row.

    ``NDCG@k = (1/N) sum_n [rank_n < k] / log2(rank_n + 2)`` where ``rank_n`` is
    the 0-based rank of the relevant item ``target[n]`` among the row's scores
    (the ideal list puts it first, so the normaliser is 1).  Ties count in the
    item's favour, as in ``HitRate``.

    Args:
        k: the length of the recommendation list. Default 10.
        name: key in the history. Default ``f"ndcg@{k}"``.

    Shape: output (N, C) with C >= k; target (N,).

    Example:
        >>> import rosenblatt as rb
        >>> ndcg = NDCG(k=2)
        >>> ndcg.update(rb.tensor([[0.9, 0.1, 0.5], [0.2, 0.8, 0.3]]), rb.tensor([0, 2]))
        >>> round(ndcg.compute(), 4)    # (1 + 1/log2(3)) / 2
        0.8155
    """

    _default_name = "ndcg@{k}"

    def __init__(self, k: int = 10, name: str | None = None) -> None:
        super().__init__(k, name)

    def _gain(self, hits: numpy.ndarray) -> float:
        return float((1.0 / numpy.log2(hits + 2.0)).sum())


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
        diff = _difference(output, target)
        self.sum_squares += float((diff * diff).sum())
        self.count += int(diff.size)

    def compute(self) -> float:
        return float(numpy.sqrt(self.sum_squares / self.count)) if self.count else float("nan")


def _difference(output: Any, target: Any) -> numpy.ndarray:
    """``output - target`` in float64, with (N, 1) predictions taken against (N,) targets."""
    output, target = _array(output), _array(target)
    if output.shape != target.shape and output.shape == target.shape + (1,):
        output = output[..., 0]
    return output.astype(numpy.float64) - target


class MAE(Metric):
    """Mean absolute error over every element: ``sum |output - target| / count``.

    Shape: output and target broadcastable to the same shape ((N, 1) against (N,) is allowed).
    """

    def __init__(self, name: str = "mae") -> None:
        self.name = name
        super().__init__()

    def reset(self) -> None:
        self.sum_abs, self.count = 0.0, 0

    def update(self, output: Any, target: Any) -> None:
        diff = _difference(output, target)
        self.sum_abs += float(numpy.abs(diff).sum())
        self.count += int(diff.size)

    def compute(self) -> float:
        return self.sum_abs / self.count if self.count else float("nan")


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


# Whole-array metrics of binary classifiers: they need every score at once (a ranking, bins), so they
# are functions over the collected outputs rather than running sums.

def _binary(op: str, target: Any, score: Any) -> tuple[numpy.ndarray, numpy.ndarray]:
    target, score = _array(target).ravel(), _array(score).astype(numpy.float64).ravel()
    if target.shape != score.shape or not numpy.isin(target, (0, 1)).all():
        raise ValueError(f"{op}: expected targets of 0s and 1s and one score each, got {target.size} "
                         f"targets with values {numpy.unique(target)[:5].tolist()} and {score.size} scores")
    return target.astype(numpy.int64), score


def roc_auc_score(target: Any, score: Any) -> float:
    """Area under the ROC curve: the probability that a random positive scores above a random negative.

    ``AUC = (sum of the positives' ranks - P (P + 1) / 2) / (P N)`` with ranks
    1..P+N over all scores and tied scores sharing their mean rank (so a tie
    counts one half), as ``sklearn.metrics.roc_auc_score``.

    Args:
        target: (N,) 0/1 labels, both present.
        score: (N,) scores or probabilities of class 1.

    Example:
        >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
    """
    target, score = _binary("roc_auc_score", target, score)
    positives = int(target.sum())
    negatives = target.size - positives
    if positives == 0 or negatives == 0:
        raise ValueError(f"roc_auc_score: needs both classes, got {positives} positives and {negatives} negatives")
    order = numpy.argsort(score, kind="stable")
    sorted_scores = score[order]
    # mean 1-based rank of each run of equal scores
    starts = numpy.flatnonzero(numpy.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = numpy.r_[starts[1:], score.size]
    ranks = numpy.empty(score.size)
    ranks[order] = numpy.repeat((starts + ends + 1) / 2.0, ends - starts)
    return float((ranks[target == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def calibration_curve(target: Any, prob: Any, n_bins: int = 10) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Observed frequency of class 1 against the mean predicted probability, per probability bin.

    Probabilities are cut into ``n_bins`` equal-width bins of [0, 1]; empty bins
    are left out, as in ``sklearn.calibration.calibration_curve``.  A calibrated
    model's points lie on the diagonal.

    Returns: ``(prob_true, prob_pred)``, each (number of non-empty bins,).

    Example:
        >>> calibration_curve([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
        (array([0., 1.]), array([0.15, 0.8 ]))
    """
    target, prob = _binary("calibration_curve", target, prob)
    if not isinstance(n_bins, int) or n_bins < 1:
        raise ValueError(f"calibration_curve: n_bins must be a positive int, got {n_bins!r}")
    if prob.size and (prob.min() < 0 or prob.max() > 1):
        raise ValueError(f"calibration_curve: probabilities must lie in [0, 1], got [{prob.min()}, {prob.max()}]; "
                         f"apply a sigmoid to logits first")
    bins = numpy.searchsorted(numpy.linspace(0.0, 1.0, n_bins + 1)[1:-1], prob)
    count = numpy.bincount(bins, minlength=n_bins)
    full = count > 0
    prob_true = numpy.bincount(bins, weights=target, minlength=n_bins)[full] / count[full]
    prob_pred = numpy.bincount(bins, weights=prob, minlength=n_bins)[full] / count[full]
    return prob_true, prob_pred


def sensitivity_specificity(matrix: Any) -> tuple[float, float]:
    """``(TP / (TP + FN), TN / (TN + FP))`` from a 2x2 ``ConfusionMatrix`` (rows true, columns predicted).

    Class 1 is the positive class: sensitivity is the share of true positives
    found, specificity the share of true negatives cleared.

    Example:
        >>> sensitivity_specificity([[8, 2], [1, 9]])
        (0.9, 0.8)
    """
    m = _array(matrix)
    if m.shape != (2, 2):
        raise ValueError(f"sensitivity_specificity: expected a 2x2 confusion matrix, got shape {list(m.shape)}")
    return float(m[1, 1] / m[1].sum()), float(m[0, 0] / m[0].sum())
