"""CTCLoss: the Connectionist Temporal Classification loss layer around ``functional.ctc_loss``."""
from __future__ import annotations

from typing import Sequence

from ...tensor import Tensor
from ..functional.ctc_loss import ctc_loss
from .loss import _Loss


class CTCLoss(_Loss):
    """Connectionist Temporal Classification loss: ``-log p(target | input)`` summed over all
    alignments; see ``rosenblatt.nn.functional.ctc_loss`` for the math and the shapes.

    Args:
        blank: the blank label (default 0).
        reduction: ``'none'``, ``'mean'`` (default: each loss divided by its target length,
            then averaged over the batch) or ``'sum'``.
        zero_infinity: zero infinite losses (targets too long for their inputs) and their
            gradients.

    Shape:
        log_probs ``(T, N, C)`` or ``(T, C)``; targets ``(N, S)`` or 1-d concatenated;
        input_lengths and target_lengths ``(N,)`` -> ``(N,)`` with ``'none'``, else ``()``.

    Example:
        >>> import rosenblatt as rb
        >>> loss_fn = rb.nn.CTCLoss()
        >>> log_probs = rb.randn(50, 16, 20, requires_grad=True).log_softmax(2)
        >>> targets = rb.randint(1, 20, (16, 30))
        >>> loss = loss_fn(log_probs, targets, [50] * 16, rb.randint(10, 30, (16,)))
        >>> loss.backward()
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Tensor | Sequence[int],
                target_lengths: Tensor | Sequence[int]) -> Tensor:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                        self.reduction, self.zero_infinity)


__all__ = ["CTCLoss"]
