"""Margin and embedding losses with PyTorch's options and reductions: ranking, hinge,
soft margin, cosine embedding, triplet (and with any distance), multi-label soft margin and
multi-class margin.

Each is built from base ops (autograd gives its backward); the reductions and the
legacy ``size_average``/``reduce`` flags are ``loss.py``'s.
"""
from __future__ import annotations

from typing import Any, Callable

from ..._backend import xp
from ...ops import clamp_min, gather, minimum, relu, sqrt, where
from ...tensor import Tensor
from .activation import logsigmoid
from .distance import pairwise_distance
from .loss import _data, _reduce, _reduction, _refuse_grad


def _same_ndim(tensors: dict[str, Any], op: str) -> None:
    if len({t.ndim for t in tensors.values()}) > 1:
        got = ", ".join(f"{name} {tuple(t.shape)}" for name, t in tensors.items())
        raise RuntimeError(f"{op}(): all inputs must have the same number of dims, got {got}; "
                           f"unsqueeze or reshape them to match")


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    """Ranking hinge: ``max(0, -y (x1 - x2) + margin)``; ``y = 1`` says ``x1`` should rank higher.

    Args:
        input1, input2: scores ``(N)`` or ``()``.
        target: ``1`` or ``-1`` per pair, the inputs' number of dims (the three broadcast).
        margin: the gap the better score must win by (default 0).
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> F.margin_ranking_loss(rb.tensor([0.5, 2.0]), rb.tensor([1.0, 1.0]), rb.tensor([1.0, 1.0]),
        ...                       reduction="none")
        tensor([0.5, 0. ])
    """
    reduction = _reduction(size_average, reduce, reduction, "margin_ranking_loss")
    _same_ndim({"input1": input1, "input2": input2, "target": target}, "margin_ranking_loss")
    return _reduce(clamp_min(-target * (input1 - input2) + margin, 0.0), reduction,
                   "margin_ranking_loss")


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """``x`` where ``y = 1``, ``max(0, margin - x)`` where ``y = -1``, for distances ``x``.

    A target that is neither 1 nor -1 adds both terms, as PyTorch does.

    Args:
        input: distances (or any scores) of any shape.
        target: ``1`` (similar) or ``-1`` (dissimilar), broadcast with the input.
        margin: how far dissimilar pairs should be (default 1).
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> F.hinge_embedding_loss(rb.tensor([0.3, 0.3]), rb.tensor([1.0, -1.0]), reduction="none")
        tensor([0.3, 0.7])
    """
    reduction = _reduction(size_average, reduce, reduction, "hinge_embedding_loss")
    y = _data(target)
    loss = where(y != 1, clamp_min(margin - input, 0.0), 0.0) + where(y != -1, input, 0.0)
    return _reduce(loss, reduction, "hinge_embedding_loss")


def _target_fits_input(input: Any, target: Any, op: str) -> None:
    """PyTorch writes these losses into a tensor of the input's shape: the target may broadcast
    to it, but not enlarge it."""
    x, t = tuple(input.shape), tuple(target.shape)
    if x != t:
        try:
            fits = xp.broadcast_shapes(x, t) == x
        except ValueError:
            fits = False
        if not fits:
            raise RuntimeError(f"{op}(): target shape {t} must broadcast to the input shape {x}; "
                               f"give the target the input's shape")


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """Two-class logistic loss ``log(1 + exp(-y x))`` for targets ``y`` of 1 or -1.

    Computed as ``-logsigmoid(y x)``: finite for any ``y x``, where PyTorch's
    ``log1p(exp(-y x))`` overflows to inf (and a nan gradient) below -88 in float32.

    Args:
        input: scores of any shape.
        target: ``1`` or ``-1``, broadcasting to the input's shape.
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> F.soft_margin_loss(rb.tensor([0.0, 2.0]), rb.tensor([1.0, -1.0]), reduction="none")
        tensor([0.6931, 2.1269])
    """
    reduction = _reduction(size_average, reduce, reduction, "soft_margin_loss")
    _target_fits_input(input, target, "soft_margin_loss")
    _refuse_grad(target, "target", "soft_margin_loss")  # PyTorch's kernel has no target gradient
    return _reduce(-logsigmoid(input * target), reduction, "soft_margin_loss")


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average: Any = None, reduce: Any = None,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) - margin)`` where ``y = -1``.

    ``cos = sum(x1 x2) / sqrt((sum(x1^2) + 1e-12) (sum(x2^2) + 1e-12))`` over the last dim;
    the 1e-12 (PyTorch's) keeps an all-zero vector at cos = 0.  Other targets give 0.

    Args:
        input1, input2: ``(N, D)`` with target ``(N)``, or one pair ``(D)`` with a 0-d target.
        target: ``1`` (similar) or ``-1`` (dissimilar) per pair.
        margin: the cosine dissimilar pairs may keep for free, in [-1, 1] (default 0).
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> x1, x2 = rb.tensor([[1.0, 0.0], [1.0, 1.0]]), rb.tensor([[0.0, 1.0], [1.0, 0.0]])
        >>> F.cosine_embedding_loss(x1, x2, rb.tensor([1.0, -1.0]), reduction="none")
        tensor([1.    , 0.7071])
    """
    reduction = _reduction(size_average, reduce, reduction, "cosine_embedding_loss")
    if target.ndim > 1:
        raise RuntimeError(f"cosine_embedding_loss(): expected a 0-d or 1-d target (one label per "
                           f"pair), got shape {tuple(target.shape)}; multi-target is not supported")
    want = target.ndim + 1
    if input1.ndim != want or input2.ndim != want:
        raise RuntimeError(f"cosine_embedding_loss(): a {target.ndim}-d target expects {want}-d "
                           f"inputs, got shapes {tuple(input1.shape)} and {tuple(input2.shape)}")
    dim = target.ndim  # the vectors' dim
    eps = 1e-12
    cos = (input1 * input2).sum(dim) / sqrt(((input1 * input1).sum(dim) + eps)
                                            * ((input2 * input2).sum(dim) + eps))
    y = _data(target)
    loss = where(y == 1, 1.0 - cos, 0.0) + where(y == -1, clamp_min(cos - margin, 0.0), 0.0)
    return _reduce(loss, reduction, "cosine_embedding_loss")


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                        size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, d(a, p) - d(a, n) + margin)`` with ``d`` the ``p``-norm distance (``pairwise_distance``).

    With ``swap`` (Balntas et al., 2016), ``d(a, n)`` becomes ``min(d(a, n), d(p, n))``:
    the harder of the two negatives' distances.

    Args:
        anchor, positive, negative: ``(N, D)`` or ``(D)``, the same number of dims (they broadcast).
        margin: how much nearer the positive must be, > 0 (default 1).
        p: the norm's exponent (default 2).
        eps: added to the differences, so equal vectors have a gradient (default 1e-6).
        swap: use the distance swap.
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> a, pos, neg = rb.tensor([[0.0, 0.0]]), rb.tensor([[3.0, 4.0]]), rb.tensor([[1.0, 0.0]])
        >>> F.triplet_margin_loss(a, pos, neg, eps=0.0)
        tensor(5.)
    """
    reduction = _reduction(size_average, reduce, reduction, "triplet_margin_loss")
    if margin <= 0:
        raise ValueError(f"triplet_margin_loss(): margin must be greater than 0, got {margin}")
    _same_ndim({"anchor": anchor, "positive": positive, "negative": negative},
               "triplet_margin_loss")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(clamp_min(margin + d_pos - d_neg, 0.0), reduction, "triplet_margin_loss")


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """``max(0, d(a, p) - d(a, n) + margin)`` for any distance ``d``, as
    ``torch.nn.functional.triplet_margin_with_distance_loss``.

    With ``swap``, ``d(a, n)`` becomes ``min(d(a, n), d(p, n))`` (Balntas et al., 2016).

    Args:
        anchor, positive, negative: the same number of dims; ``(N, D)`` or ``(D)`` for the
            default distance, anything ``distance_function`` takes otherwise.
        distance_function: maps two tensors to their (non-negative) distances, e.g.
            ``lambda x, y: 1 - F.cosine_similarity(x, y)``; default ``pairwise_distance`` (the
            Euclidean distance, with eps 1e-6).
        margin: how much nearer the positive must be, > 0 (default 1).
        swap: use the distance swap.
        reduction: 'none' | 'mean' | 'sum'.

    Shape:
        'none' gives the distances' shape, ``(N)`` for the default one.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> a, pos, neg = rb.tensor([[0.0, 0.0]]), rb.tensor([[3.0, 4.0]]), rb.tensor([[1.0, 0.0]])
        >>> l1 = lambda x, y: (x - y).abs().sum(-1)
        >>> F.triplet_margin_with_distance_loss(a, pos, neg, distance_function=l1)
        tensor(7.)
    """
    op = "triplet_margin_with_distance_loss"
    reduction = _reduction(None, None, reduction, op)
    if margin <= 0:
        raise ValueError(f"{op}(): margin must be greater than 0, got {margin}")
    _same_ndim({"anchor": anchor, "positive": positive, "negative": negative}, op)
    distance = pairwise_distance if distance_function is None else distance_function
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_neg = minimum(d_neg, distance(positive, negative))
    return _reduce(clamp_min(margin + d_pos - d_neg, 0.0), reduction, op)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: Any = None, reduce: Any = None,
                                reduction: str = "mean") -> Tensor:
    """Per-class logistic loss averaged over the ``C`` classes (the last dim), for multi-label targets.

    ``loss_n = -1/C sum_c w_c [y_nc logsigmoid(x_nc) + (1 - y_nc) logsigmoid(-x_nc)]``,
    stable for any logits.

    Args:
        input: logits ``(N, C)`` or ``(C)`` (any ``(*, C)``).
        target: labels in {0, 1} (or probabilities), broadcasting with the input.
        weight: per-class ``(C)`` (or anything broadcasting to the input), rescaling each term.
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Shape:
        'none' gives ``(N)`` (``(*)``): one loss per sample.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> F.multilabel_soft_margin_loss(rb.tensor([[0.0, 2.0]]), rb.tensor([[1.0, 0.0]]))
        tensor(1.41)
    """
    reduction = _reduction(size_average, reduce, reduction, "multilabel_soft_margin_loss")
    if input.ndim == 0:
        raise IndexError("multilabel_soft_margin_loss(): input needs a class dim (the last), got "
                         "a 0-d tensor; give it shape (C,) or (N, C)")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.sum(-1) / input.shape[-1], reduction, "multilabel_soft_margin_loss")


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                      reduction: str = "mean") -> Tensor:
    """Multi-class hinge: ``loss_n = 1/C sum_{c != y_n} w_{y_n} max(0, margin - x[n, y_n] + x[n, c])^p``.

    Args:
        input: scores ``(N, C)``, or one sample ``(C)`` (or ``()``, one class).
        target: class indices ``(N)`` (``()`` or ``(1)`` for one sample), integers.
        p: 1 or 2 (default 1).
        margin: the lead the target class's score needs (default 1).
        weight: ``(C)`` per-class rescaling, applied by the target's class (no gradient).
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Shape:
        'none' gives the target's shape.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> F.multi_margin_loss(rb.tensor([[0.1, 0.2, 0.4, 0.8]]), rb.tensor([3]))
        tensor(0.325)
    """
    op = "multi_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    if p != 1 and p != 2:
        raise ValueError(f"{op}(): only p == 1 and p == 2 are supported, got p={p}")
    if weight is not None and weight.ndim != 1:
        raise ValueError(f"{op}(): weight must be one-dimensional (one per class), got shape "
                         f"{tuple(weight.shape)}")
    _refuse_grad(weight, "weight", op)
    x, t = input.shape, _data(target)
    out_shape = t.shape  # 'none' gives one loss per target entry: (N), (1) or ()
    if not (input.ndim == 0 or (input.ndim <= 2 and x[-1] != 0)):
        raise RuntimeError(f"{op}(): expected a non-empty vector (C) or matrix (N, C), got input "
                           f"shape {tuple(x)}")
    n_samples = x[0] if input.ndim == 2 else 1
    n_classes = x[-1] if input.ndim else 1
    if t.ndim > 1 or t.size != n_samples:
        raise RuntimeError(f"{op}(): target must be 1-d with one class index per sample: "
                           f"expected shape ({n_samples},), got {tuple(t.shape)} for input shape "
                           f"{tuple(x)}")
    if t.dtype != xp.int64:  # PyTorch's kernel takes Long only
        raise RuntimeError(f"{op}(): target must hold integer class indices, got {t.dtype}; "
                           f"PyTorch takes int64 only: convert it with .long()")
    t = t.reshape(-1, 1)
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        raise RuntimeError(f"{op}(): target out of range: class indices must be in "
                           f"[0, {n_classes - 1}], got values in [{int(t.min())}, {int(t.max())}]")
    scores = input.reshape(n_samples, n_classes)
    hinge = relu(margin - gather(scores, 1, t) + scores)  # gradient 0 at the kink, as PyTorch
    if p == 2:
        hinge = hinge * hinge
    others = xp.arange(n_classes) != t  # the target class itself adds nothing
    scale = others.astype(input.dtype)
    if weight is not None:
        if weight.shape[0] != n_classes:
            raise RuntimeError(f"{op}(): weight must hold one value per class: expected "
                               f"{n_classes}, got shape {tuple(weight.shape)}")
        # each sample's terms weigh as its target class
        scale = scale * _data(weight).astype(input.dtype, copy=False)[t]
    loss = (hinge * scale).sum(1) / n_classes
    return _reduce(loss.reshape(out_shape), reduction, op)
