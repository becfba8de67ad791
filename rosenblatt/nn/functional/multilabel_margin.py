"""multilabel_margin_loss: the multi-class, multi-label hinge loss, as PyTorch's.

Built from base ops (autograd gives its backward): the target classes' scores are gathered,
and every (target class, non-target class) pair of a sample gets a hinge, in one
(N, C, C) array masked to the pairs that count.  The other margin losses are in
``margin_loss.py``.
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...ops import gather, relu
from ...tensor import Tensor
from ._checks import check_floating
from .loss import _reduce, _reduction


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: Any = None,
                           reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Multi-label hinge: ``loss_n = sum_{j, i} max(0, 1 - (x[n, y[n, j]] - x[n, i])) / C``.

    ``j`` runs over the target slots before the first ``-1`` (the padding; a class listed twice
    counts twice), ``i`` over the classes that are not among those targets.

    Args:
        input: scores ``(N, C)``, or one sample ``(C)`` (or ``()``, one class); floating-point.
        target: int64 of the input's shape: each row's target classes first, then ``-1``
            padding (everything after the first ``-1`` is ignored, but must be in [-1, C)).
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Shape:
        'none' gives ``(N)`` for an ``(N, C)`` input, ``()`` for a ``(C)`` one.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> F.multilabel_margin_loss(rb.tensor([[0.1, 0.2, 0.4, 0.8]]), rb.tensor([[3, 0, -1, 1]]))
        tensor(0.85)
    """
    op = "multilabel_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    if not isinstance(input, Tensor) or input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        got = list(input.shape) if isinstance(input, Tensor) else type(input).__name__
        raise ValueError(f"{op}(): expected a non-empty vector (C) or matrix (N, C) input, got {got}")
    check_floating(f"{op}()", input)
    t = target.data if isinstance(target, Tensor) else xp.asarray(target)
    if tuple(t.shape) != tuple(input.shape):
        raise ValueError(f"{op}(): target shape {list(t.shape)} must equal input shape "
                         f"{list(input.shape)} (each row's classes, padded with -1)")
    if t.dtype != xp.int64:
        raise TypeError(f"{op}(): target must hold int64 class indices, got {t.dtype}; convert it "
                        f"with .long()")
    n_classes = input.shape[-1] if input.ndim else 1
    t = t.reshape(-1, n_classes)  # (N, C)
    if t.size and (t.min() < -1 or t.max() >= n_classes):
        raise ValueError(f"{op}(): target out of range: class indices must be in [0, "
                         f"{n_classes - 1}], or -1 to end a row, got values in [{int(t.min())}, "
                         f"{int(t.max())}]")
    valid = xp.cumprod(t >= 0, axis=1).astype(bool)  # the slots before the row's first -1
    is_target = xp.zeros(t.shape, dtype=bool)
    rows, _ = xp.nonzero(valid)
    is_target[rows, t[valid]] = True
    scores = input.reshape(-1, n_classes)
    chosen = gather(scores, 1, xp.where(valid, t, 0))  # (N, J): the target slots' scores
    hinge = relu(1 - chosen.unsqueeze(2) + scores.unsqueeze(1))  # (N, J, C); gradient 0 at the kink
    pairs = (valid[:, :, None] & ~is_target[:, None, :]).astype(input.dtype)
    loss = (hinge * pairs).sum((1, 2)) / n_classes
    return _reduce(loss.reshape(input.shape[:-1]), reduction, op)


__all__ = ["multilabel_margin_loss"]
