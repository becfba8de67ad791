"""LinearCrossEntropyLoss: a ``Linear`` head and ``CrossEntropyLoss`` in one layer."""
from __future__ import annotations

import math
from typing import Any

from ...tensor import Tensor
from ..functional.linear_cross_entropy import LinearCrossEntropyOptions, linear_cross_entropy
from .linear import Linear
from .loss import _WeightedLoss, _buffer


class LinearCrossEntropyLoss(_WeightedLoss):
    """Cross entropy of the input projected to class logits by an owned ``Linear``; see
    ``F.linear_cross_entropy``.

    The projection is ``self.linear``, a ``Linear(in_features, C * prod(out_features))``
    whose weight ``forward`` views as ``(C, *out_features, in_features)`` (PyTorch's layout,
    so state dicts carry over).

    Args:
        in_features: size of each input sample.
        num_classes: number of classes, C.
        out_features: ``(d1, ..., dK)`` for a K-dimensional loss (keyword, default ``()``).
        bias: whether the projection adds a learnable bias (default False).
        device, dtype: of the projection's weight.
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        weight: ``(C,)`` rescaling per class (a buffer, default None).
        ignore_index: ignored class index (default None: -100 for index targets).
        label_smoothing: in ``[0, 1]`` (default 0).
        options: a ``LinearCrossEntropyOptions`` (checked; the values are the reference path's).

    Shape: input ``(in_features,)`` or ``(N, in_features)``; target ``()``, ``(N,)`` or
    ``(N, *out_features)`` class indices, or probabilities ``(C,)``/``(N, C, *out_features)``;
    the output is a scalar, or the target's index shape with ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> loss = rb.nn.LinearCrossEntropyLoss(5, 10, out_features=(4, 3))
        >>> out = loss(rb.randn(2, 5, requires_grad=True), rb.randint(0, 10, (2, 4, 3)))
        >>> out.backward()
        >>> loss.linear.weight.grad.shape
        (120, 5)
    """

    def __init__(self, in_features: int, num_classes: int, *, out_features: tuple[int, ...] = (),
                 bias: bool = False, device: Any = None, dtype: Any = None, reduction: str = "mean",
                 weight: Any = None, ignore_index: int | None = None, label_smoothing: float = 0.0,
                 options: LinearCrossEntropyOptions | None = None) -> None:
        weight = _buffer(weight)
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise ValueError(f"LinearCrossEntropyLoss: expected weight shape to be {(num_classes,)}, got "
                             f"{tuple(weight.shape)}; give one weight per class")
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"LinearCrossEntropyLoss: expected label_smoothing to be in range [0, 1], "
                             f"got {label_smoothing}")
        super().__init__(weight, None, None, reduction)
        self.num_classes, self.out_features = num_classes, tuple(out_features)
        self.ignore_index, self.label_smoothing, self.options = ignore_index, label_smoothing, options
        # Linear holds 2-d weights only: (C * d1 * ... * dK, in_features), viewed in forward
        self.linear = Linear(in_features, math.prod(self.out_features, start=num_classes), bias=bias,
                             device=device, dtype=dtype)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        shape = (self.num_classes, *self.out_features)
        weight = self.linear.weight.reshape(*shape, self.linear.in_features)
        bias = None if self.linear.bias is None else self.linear.bias.reshape(*shape)
        return linear_cross_entropy(input, weight, target, linear_bias=bias, weight=self.weight,
                                    reduction=self.reduction, ignore_index=self.ignore_index,
                                    label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self) -> str:
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")


__all__ = ["LinearCrossEntropyLoss"]
