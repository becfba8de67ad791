"""linear_cross_entropy: ``cross_entropy(linear(input, linear_weight, linear_bias), target)``.

PyTorch (>= 2.13) offers it fused so a chunked kernel can skip materialising the
(N, C) logits of a large vocabulary head; its ``options=None`` reference path is linear
followed by cross entropy, and that is what this computes (autograd gives the backward).
``LinearCrossEntropyOptions`` is accepted and checked as PyTorch checks it, but the chunked
kernel is not ported: the values are the same, the memory saving is not.
"""
from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

from ..._backend import xp
from ...tensor import Tensor
from .linear import linear
from .loss import cross_entropy

_ACC_POLICIES = ("auto", "accurate", "balanced", "compact")
_ACC_DTYPES = (xp.dtype(xp.float16), xp.dtype(xp.float32), xp.dtype(xp.float64))


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """PyTorch's chunking options of ``linear_cross_entropy``, with its checks.

    Passing an instance asks PyTorch for its chunked kernel; here the result is computed
    as with ``options=None`` (the same values), and the fields are only validated.

    Args:
        allow_retain_graph: allow a second backward through the chunked op (default False).
        batch_chunk_size: batch rows per chunk, a positive int, or None: one chunk.
        chunking_method: ``"auto"``, ``"aspect_ratio"``, ``"aspect_ratio:N"`` (N >= 1) or None.
        acc_policy: ``"auto"``, ``"accurate"``, ``"balanced"`` or ``"compact"``.
        acc_dtype: accumulation dtype, float16/float32/float64, or None (picked per call).

    Example:
        >>> from rosenblatt.nn import LinearCrossEntropyOptions
        >>> LinearCrossEntropyOptions(batch_chunk_size=64).chunking_method
        'auto'
    """

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: Any = None

    def __post_init__(self) -> None:
        if self.acc_policy not in _ACC_POLICIES:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}; expected one of {_ACC_POLICIES}")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = str(self.chunking_method).partition(":")
            factor = factor if sep else "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}; expected 'auto', "
                                 f"'aspect_ratio', 'aspect_ratio:N' with N >= 1, or None")
        size = self.batch_chunk_size
        if not (size is None or (isinstance(size, int) and not isinstance(size, bool) and size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {size!r}")
        if self.acc_dtype is not None and _as_dtype(self.acc_dtype) not in _ACC_DTYPES:
            raise ValueError(f"acc_dtype must be one of {{None, float16, float32, float64}}, got "
                             f"{self.acc_dtype!r}. Pass acc_dtype=None to let the op pick automatically.")


def _as_dtype(value: Any) -> Any:
    try:
        return xp.dtype(value)
    except TypeError:
        return None


def _check_chunked_call(options: LinearCrossEntropyOptions, rows: int, in_features: int,
                        num_classes: int, dtype: Any) -> None:
    """What PyTorch's chunked path refuses when called, though it computes nothing chunked here."""
    method, size = options.chunking_method, options.batch_chunk_size
    if method not in (None, "auto") and size is not None:  # "auto" yields to an explicit size
        factor = int(method.partition(":")[2] or 1)
        target = -(-rows // -(-num_classes // in_features))  # rows / ceil(C / in_features), rounded up
        chunk = min((1 << (target - 1).bit_length()) // factor, rows)
        if size != chunk:
            raise ValueError(f"batch_chunk_size (={size}) and chunking_method ('{method}') give different "
                             f"chunk sizes ({size} vs {chunk}); pass only one.")
    acc = options.acc_dtype
    if acc is not None and _as_dtype(acc) != dtype and not (dtype == xp.float16 and _as_dtype(acc) == xp.float32):
        raise ValueError(f"linear_cross_entropy supports float32 acc_dtype with float16/bfloat16 inputs, but "
                         f"got {_as_dtype(acc)} acc_dtype and {dtype} inputs; pass acc_dtype=None or "
                         f"the input's dtype")


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *,
                         linear_bias: Tensor | None = None, weight: Tensor | None = None,
                         reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0,
                         options: LinearCrossEntropyOptions | None = None) -> Tensor:
    """Cross entropy of ``input`` projected to logits by ``linear_weight`` (and ``linear_bias``),
    as ``torch.nn.functional.linear_cross_entropy``.

    ``loss = cross_entropy(linear(input, W, b).reshape(N, C, *K), target, ...)``, where a
    ``linear_weight`` of shape ``(C, *K, in_features)`` gives a K-dimensional loss.

    Args:
        input: ``(in_features,)`` or ``(N, in_features)``.
        linear_weight: ``(C, in_features)``, or ``(C, d1, ..., dK, in_features)`` (batched input only).
        target: class indices ``()``, ``(N,)`` or ``(N, d1, ..., dK)`` (int64), or class
            probabilities of the logits' shape ``(C,)``/``(N, C, d1, ..., dK)`` (float).
        linear_bias: ``(C, d1, ..., dK)``, or None.
        weight: ``(C,)`` rescaling per class.
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        ignore_index: ignored class index (default None: -100); not allowed with probabilities.
        label_smoothing: in ``[0, 1]`` (default 0).
        options: a ``LinearCrossEntropyOptions`` (checked; the result is the reference path's).

    Shape:
        output: a scalar, or with ``reduction='none'`` ``()``, ``(N,)`` or ``(N, d1, ..., dK)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional import linear_cross_entropy
        >>> x, w = rb.randn(4, 3), rb.randn(5, 3)
        >>> linear_cross_entropy(x, w, rb.tensor([0, 1, 4, 2])).shape
        ()
    """
    op = "linear_cross_entropy()"
    for name, t in (("input", input), ("linear_weight", linear_weight), ("target", target)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
    if options is not None and not isinstance(options, LinearCrossEntropyOptions):
        raise TypeError(f"{op}: options must be a LinearCrossEntropyOptions or None, got "
                        f"{type(options).__name__}")
    if input.ndim not in (1, 2):
        raise ValueError(f"{op}: expected input with dimensionality 1 or 2 ((in_features,) or "
                         f"(N, in_features)), got {input.ndim}")
    if linear_weight.ndim < 2:
        raise ValueError(f"{op}: expected linear_weight with dimensionality at least 2 "
                         f"((C, in_features)), got {linear_weight.ndim}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise ValueError(f"{op}: expected equal input and linear_weight last dimensions (in_features), "
                         f"got {in_features} and {linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise ValueError(f"{op}: expected linear_bias shape {(num_classes, *out_features)}, got "
                         f"{tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise ValueError(f"{op}: K-dimensional loss defined by linear_weight shape "
                         f"{tuple(linear_weight.shape)} requires batched input, (N, {in_features}), got "
                         f"unbatched input with shape {tuple(input.shape)}; use input.unsqueeze(0)")
    logits_shape = (*batch, num_classes, *out_features)
    # PyTorch's rule: a target of the logits' shape holds probabilities
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise ValueError(f"{op}: ignore_index cannot be specified when target contains probabilities "
                         f"(target shape {tuple(target.shape)} is the logits' shape)")
    if options is not None and (out_features or reduction not in ("mean", "sum", "none")
                                or label_smoothing != 0.0 or target.dtype != xp.int64):
        warnings.warn("linear_cross_entropy: ``options`` ignored; chunked path needs reduction in "
                      "{'mean','sum','none'}, label_smoothing == 0, target.dtype == int64, out_features "
                      f"== (). Got reduction={reduction!r}, label_smoothing={label_smoothing}, "
                      f"target.dtype={target.dtype}, out_features={out_features}, linear_bias.shape="
                      f"{None if linear_bias is None else tuple(linear_bias.shape)}.", stacklevel=2)
    elif options is not None:
        _check_chunked_call(options, math.prod(batch), in_features, num_classes, input.dtype)
    if out_features:  # one (C * d1 * ... * dK, in_features) projection, then the logits' shape back
        rows = math.prod(out_features, start=num_classes)
        linear_weight = linear_weight.reshape(rows, in_features)
        linear_bias = None if linear_bias is None else linear_bias.reshape(rows)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)


__all__ = ["LinearCrossEntropyOptions", "linear_cross_entropy"]
