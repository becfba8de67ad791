"""Loss layers: thin wrappers that call ``nn.functional``.

Class weights are buffers, as in PyTorch, so they appear in ``state_dict()``.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

from ...tensor import Tensor
from .. import functional as F
from ..functional.loss import _legacy_reduction, gaussian_nll_loss, poisson_nll_loss
from ..functional.margin_loss import (cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss,
                                      multi_margin_loss, multilabel_soft_margin_loss, soft_margin_loss,
                                      triplet_margin_loss, triplet_margin_with_distance_loss)
from ..functional.multilabel_margin import multilabel_margin_loss
from .distance import PairwiseDistance
from .module import Module


def _buffer(value: Any) -> Tensor | None:
    if value is None or isinstance(value, Tensor):
        return value
    from ...creation import tensor
    return tensor(value)


class _Loss(Module):
    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        # the old flags, when given, override reduction (as in PyTorch) rather than being ignored
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight: Any = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _buffer(weight))


class MSELoss(_Loss):
    """Mean squared error ``(x - y)^2``, averaged or summed; see ``F.mse_loss``.

    Args:
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        size_average, reduce: PyTorch's deprecated flags (they override ``reduction``).

    Shape: input and target ``(*)``, the same shape; the output is a scalar, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> x, y = rb.tensor([1.0, 2.0, 3.0, 4.0]), rb.tensor([0.0, 2.0, 5.0, 4.0])
        >>> rb.nn.MSELoss()(x, y)
        tensor(1.25)
        >>> rb.nn.MSELoss(reduction="none")(x, y)
        tensor([1., 0., 4., 0.])
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error ``|x - y|``, averaged or summed; see ``F.l1_loss``.

    Args:
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        size_average, reduce: PyTorch's deprecated flags (they override ``reduction``).

    Shape: input and target ``(*)``, the same shape; the output is a scalar, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> x, y = rb.tensor([1.0, 2.0, 3.0, 4.0]), rb.tensor([0.0, 2.0, 5.0, 4.0])
        >>> rb.nn.L1Loss()(x, y)
        tensor(0.75)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Quadratic below ``beta``, linear above; see ``F.smooth_l1_loss``.

    ``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``, for ``d = x - y``.

    Args:
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        size_average, reduce: PyTorch's deprecated flags (they override ``reduction``).
        beta: where the loss turns from quadratic to linear, >= 0 (default 1.0; 0 is L1).

    Shape: input and target ``(*)``, the same shape; the output is a scalar, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.SmoothL1Loss(reduction="none")(rb.tensor([0.0, 0.0]), rb.tensor([0.5, 3.0]))
        tensor([0.125, 2.5  ])
    """

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Quadratic below ``delta``, linear above; see ``F.huber_loss``.

    ``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``, for ``d = x - y``
    (``SmoothL1Loss`` times ``beta``).

    Args:
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        delta: where the loss turns from quadratic to linear, > 0 (default 1.0).

    Shape: input and target ``(*)``, the same shape; the output is a scalar, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.HuberLoss(reduction="none", delta=2.0)(rb.tensor([0.0, 0.0]), rb.tensor([1.0, 3.0]))
        tensor([0.5, 4. ])
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross entropy over dim 1 with class-index or probability targets; see ``F.cross_entropy``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.CrossEntropyLoss(label_smoothing=0.1)
        >>> loss(rb.randn(4, 3), rb.tensor([0, 2, 1, 0])).shape
        ()
    """

    def __init__(self, weight: Any = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices given log-probabilities; see ``F.nll_loss``.

    ``loss_n = -w_{t_n} x[n, t_n]``; 'mean' divides the sum by the summed weights of the targets.
    Put a ``LogSoftmax(dim=1)`` before it (or use ``CrossEntropyLoss``, which does both).

    Args:
        weight: ``(C,)`` rescaling per class (default None: all 1).
        ignore_index: targets equal to it add nothing and don't count in the mean (default -100).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        size_average, reduce: PyTorch's deprecated flags (they override ``reduction``).

    Shape: input ``(N, C)`` or ``(N, C, d1, ...)`` (or ``(C,)``), target ``(N)`` or
    ``(N, d1, ...)`` of int64 class indices; the output is a scalar, or the target's shape
    with ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> logp = rb.tensor([[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0]])
        >>> rb.nn.NLLLoss()(logp, rb.tensor([0, 2]))
        tensor(3.5)
        >>> rb.nn.NLLLoss(weight=rb.tensor([1.0, 1.0, 3.0]))(logp, rb.tensor([0, 2]))
        tensor(4.75)
    """

    def __init__(self, weight: Any = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class NLLLoss2d(NLLLoss):
    """PyTorch's deprecated name of ``NLLLoss`` (which takes ``(N, C, H, W)`` input itself):
    the same loss, with PyTorch's ``FutureWarning`` when made.

    Example:
        >>> import warnings
        >>> import rosenblatt as rb
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", FutureWarning)
        ...     loss = rb.nn.NLLLoss2d()
        >>> loss(rb.zeros(1, 3, 2, 2), rb.zeros(1, 2, 2, dtype=rb.int64))
        tensor(0.)
    """

    def __init__(self, weight: Any = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean") -> None:
        if type(self) is NLLLoss2d:  # a subclass warned once, when it was defined
            warnings.warn(_NLLLOSS2D_DEPRECATED, FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        warnings.warn(_NLLLOSS2D_DEPRECATED, FutureWarning, stacklevel=2)
        super().__init_subclass__(**kwargs)


_NLLLOSS2D_DEPRECATED = ("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in "
                         "replacement and see https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss "
                         "for more details.")


class BCELoss(_WeightedLoss):
    """Binary cross entropy of probabilities; see ``F.binary_cross_entropy``.

    ``-w (y log x + (1 - y) log(1 - x))``, each log clamped to >= -100.  For logits use
    ``BCEWithLogitsLoss``, which is stable.

    Args:
        weight: rescaling of each element, broadcast to the input's shape (default None).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        size_average, reduce: PyTorch's deprecated flags (they override ``reduction``).

    Shape: input (probabilities in [0, 1]) and target ``(*)``, the same shape and dtype; the
    output is a scalar, or ``(*)`` with ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.BCELoss()(rb.tensor([0.5, 0.5]), rb.tensor([1.0, 0.0]))  # log 2
        tensor(0.6931)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross entropy, stable; see ``F.binary_cross_entropy_with_logits``.

    ``-w [p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]``, ``p`` the ``pos_weight``.

    Args:
        weight: rescaling of each element, broadcast to the input's shape (default None).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        size_average, reduce: PyTorch's deprecated flags (they override ``reduction``).
        pos_weight: weight of the positive targets, broadcast over the last (class) dim
            (default None: 1).

    Shape: input (logits) and target (probabilities) ``(*)``, the same shape; the output is
    a scalar, or ``(*)`` with ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.BCEWithLogitsLoss(reduction="none", pos_weight=rb.tensor([2.0]))
        >>> loss(rb.tensor([0.0, 0.0]), rb.tensor([1.0, 0.0]))  # 2 log 2, log 2
        tensor([1.3863, 0.6931])
    """

    def __init__(self, weight: Any = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _buffer(weight))
        self.register_buffer("pos_weight", _buffer(pos_weight))

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class KLDivLoss(_Loss):
    """KL divergence with log-probability input; see ``F.kl_div``.

    ``y (log y - x)`` elementwise (0 where ``y = 0``), ``x`` the input's log-probabilities and
    ``y`` the target's probabilities (its log-probabilities with ``log_target=True``).

    Args:
        reduction: 'none' | 'batchmean' | 'mean' | 'sum' (default 'mean'); 'batchmean'
            divides the sum by the batch size, the true KL.
        size_average, reduce: PyTorch's deprecated flags (they override ``reduction``).
        log_target: the target holds log-probabilities (default False).

    Shape: input ``(*)``, target ``(*)`` (broadcast to the input's shape); the output is a
    scalar, or ``(*)`` with ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.KLDivLoss(reduction="batchmean")
        >>> loss(rb.tensor([[0.5, 0.5]]).log(), rb.tensor([[0.5, 0.5]]))  # the same distribution
        tensor(0.)
        >>> loss(rb.tensor([[0.25, 0.75]]).log(), rb.tensor([[0.5, 0.5]]))  # 0.5 log 2 + 0.5 log(2/3)
        tensor(0.1438)
    """

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MarginRankingLoss(_Loss):
    """Ranking hinge ``max(0, -y (x1 - x2) + margin)``; see ``F.margin_ranking_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.MarginRankingLoss(margin=0.5)
        >>> loss(rb.tensor([2.0, 0.0]), rb.tensor([1.0, 1.0]), rb.tensor([1.0, -1.0]))
        tensor(0.)
    """

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return margin_ranking_loss(input1, input2, target, margin=self.margin,
                                   reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """``x`` for similar pairs (``y = 1``), ``max(0, margin - x)`` for dissimilar ones (``y = -1``);
    see ``F.hinge_embedding_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.HingeEmbeddingLoss()(rb.tensor([0.3, 0.3]), rb.tensor([1.0, -1.0]))
        tensor(0.5)
    """

    def __init__(self, margin: float = 1.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """Two-class logistic loss ``log(1 + exp(-y x))``, stable; see ``F.soft_margin_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.SoftMarginLoss(reduction="sum")(rb.tensor([0.0, 0.0]), rb.tensor([1.0, -1.0]))
        tensor(1.3863)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return soft_margin_loss(input, target, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """``1 - cos`` for similar pairs, ``max(0, cos - margin)`` for dissimilar ones;
    see ``F.cosine_embedding_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.CosineEmbeddingLoss(margin=0.5)
        >>> loss(rb.tensor([[1.0, 0.0]]), rb.tensor([[1.0, 1.0]]), rb.tensor([-1.0]))
        tensor(0.2071)
    """

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """``max(0, d(a, p) - d(a, n) + margin)`` with ``p``-norm distances; see ``F.triplet_margin_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.TripletMarginLoss(margin=1.0, swap=True)
        >>> a, pos, neg = rb.randn(8, 16), rb.randn(8, 16), rb.randn(8, 16)
        >>> loss(a, pos, neg).shape
        ()
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin}")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                   eps=self.eps, swap=self.swap, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood of counts; see ``F.poisson_nll_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.PoissonNLLLoss(full=True)
        >>> loss(rb.tensor([0.0, 1.0]), rb.tensor([1.0, 3.0]))
        tensor(1.2412)
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average: Any = None,
                 eps: float = 1e-8, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood with predicted variances; see ``F.gaussian_nll_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.GaussianNLLLoss()
        >>> loss(rb.tensor([[0.0, 1.0]]), rb.tensor([[1.0, 1.0]]), rb.tensor([[1.0, 0.5]]))
        tensor(0.0767)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:
        return gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                 reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class logistic loss averaged over classes, for multi-label targets;
    see ``F.multilabel_soft_margin_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.MultiLabelSoftMarginLoss(weight=rb.tensor([1.0, 2.0]))
        >>> loss(rb.tensor([[0.0, 2.0]]), rb.tensor([[1.0, 0.0]]))
        tensor(2.4735)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return multilabel_soft_margin_loss(input, target, weight=self.weight,
                                           reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss; see ``F.multi_margin_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.MultiMarginLoss(p=2)
        >>> loss(rb.tensor([[0.1, 0.2, 0.4, 0.8]]), rb.tensor([3]))
        tensor(0.1525)
    """

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Any = None, size_average: Any = None,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p != 1 and p != 2:
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got p={p}")
        if self.weight is not None and self.weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or a 1-d tensor (one per "
                             f"class), got shape {tuple(self.weight.shape)}")
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                 reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """Triplet loss ``max(0, d(a, p) - d(a, n) + margin)`` with any distance ``d``; see
    ``F.triplet_margin_with_distance_loss``.

    Args:
        distance_function: maps two tensors to their distances; default ``PairwiseDistance()``
            (a submodule then, as in PyTorch).
        margin: how much nearer the positive must be, > 0 (default 1).
        swap: use the distance swap ``min(d(a, n), d(p, n))``.
        reduction: 'none' | 'mean' | 'sum'.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.TripletMarginWithDistanceLoss(distance_function=lambda x, y: (x - y).abs().sum(-1))
        >>> loss(rb.tensor([[0.0, 0.0]]), rb.tensor([[3.0, 4.0]]), rb.tensor([[1.0, 0.0]]))
        tensor(7.)
    """

    def __init__(self, *, distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                 margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, "
                             f"got {margin}")
        self.distance_function = PairwiseDistance() if distance_function is None else distance_function
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_with_distance_loss(anchor, positive, negative,
                                                 distance_function=self.distance_function,
                                                 margin=self.margin, swap=self.swap,
                                                 reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-class, multi-label hinge loss over -1-padded target class lists; see
    ``F.multilabel_margin_loss``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.MultiLabelMarginLoss()
        >>> loss(rb.tensor([[0.1, 0.2, 0.4, 0.8]]), rb.tensor([[3, 0, -1, 1]]))
        tensor(0.85)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return multilabel_margin_loss(input, target, reduction=self.reduction)
