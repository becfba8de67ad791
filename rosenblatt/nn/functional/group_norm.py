"""group_norm: normalise channel groups, reusing the fused ``_Normalize`` Function."""
from __future__ import annotations

import math

from ...tensor import Tensor
from ._checks import check_dtype, check_floating
from .normalization import _check_params, _Normalize


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each of ``num_groups`` channel groups per sample, then scale and shift per channel.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight[c] + bias[c]``, the statistics
    (biased variance) taken over the ``C / num_groups`` channels of the group and
    all spatial positions of one sample (Wu & He, 2018).  Independent of the batch
    size, unlike batch norm.

    Args:
        input: (N, C, *).
        num_groups: G, dividing C.
        weight, bias: (C,) or None.
        eps: added to the variance (default 1e-5).

    Shape: ``(N, C, *)`` in and out.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.group_norm import group_norm
        >>> group_norm(rb.randn(2, 6, 4, 4), 3).shape
        (2, 6, 4, 4)
    """
    shape = tuple(input.shape)
    if input.ndim < 2 or num_groups < 1 or shape[1] % num_groups:
        raise ValueError(f"group_norm(): expected input (N, C, *) with C divisible by num_groups="
                         f"{num_groups}, got shape {shape}")
    _check_params("group_norm()", shape[1:2], weight=weight, bias=bias)
    check_dtype("group_norm()", input, weight=weight, bias=bias)
    check_floating("group_norm()", input)  # after check_dtype, as PyTorch: NumPy gave integers
    n, c = shape[0], shape[1]
    # The normalisation is per (sample, group); the affine is per channel, so it
    # runs on the un-grouped shape as two broadcast ops.
    per_group = math.prod(shape[1:]) // num_groups  # not -1: an empty batch has none to infer
    grouped = input.reshape(n, num_groups, per_group)                 # (N, G, C/G * spatial)
    y = _Normalize.apply(grouped, axes=(2,), param_shape=(1, 1, 1), reduce_axes=(0, 1, 2),
                         eps=eps).reshape(shape)                       # (N, C, *)
    param_shape = (1, c) + (1,) * (input.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(param_shape)
    if bias is not None:
        y = y + bias.reshape(param_shape)
    return y


__all__ = ["group_norm"]
