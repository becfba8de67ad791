"""bilinear: ``y_k = x1^T A_k x2 + b_k``, the functional form behind ``nn.Bilinear``.

Built from two matrix products (autograd gives the backward): ``x1`` with ``A`` as one GEMM,
``(B, in1) @ (in1, out * in2)``, then a batched product with ``x2``.  A three-operand
``einsum`` said the same in one line but ran 10x slower, forward and backward (B = 256,
64 x 64 features, 128 outputs: 0.4 s against 0.05 s).
"""
from __future__ import annotations

import math

from ...tensor import Tensor
from ._checks import check_dtype


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Bilinear map of two inputs: ``y_k = sum_ij x1_i A_kij x2_j + b_k``.

    Args:
        input1: ``(*, in1_features)``.
        input2: ``(*, in2_features)``, with the same leading dims as ``input1`` (they are
            not broadcast, as in PyTorch).
        weight: ``(out_features, in1_features, in2_features)``.
        bias: ``(out_features,)`` or None.

    Shape: ``(*, in1_features), (*, in2_features) -> (*, out_features)``; ``*`` may be empty.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.bilinear(rb.ones(2, 3), rb.ones(2, 4), rb.ones(5, 3, 4), rb.zeros(5)).shape
        (2, 5)
        >>> F.bilinear(rb.tensor([1.0, 2.0]), rb.tensor([3.0]), rb.tensor([[[1.0], [1.0]]]))
        tensor([9.])
    """
    for name, t in (("input1", input1), ("input2", input2), ("weight", weight), ("bias", bias)):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"bilinear(): {name} must be a Tensor, got {type(t).__name__}")
    _check_shapes(input1.shape, input2.shape, weight.shape, None if bias is None else bias.shape)
    check_dtype("bilinear()", input1, input2=input2, weight=weight, bias=bias)
    lead = tuple(input1.shape[:-1])
    rows = math.prod(lead)  # not -1: reshape cannot infer it when a feature dim is 0
    n_out, in1, in2 = weight.shape
    x1A = input1.reshape(rows, in1) @ weight.permute(1, 0, 2).reshape(in1, n_out * in2)  # (B, out*in2)
    out = (x1A.reshape(rows, n_out, in2) @ input2.reshape(rows, in2, 1)).reshape(rows, n_out)
    if bias is not None:
        out = out + bias
    return out.reshape(lead + (n_out,))


def _check_shapes(s1: tuple, s2: tuple, sw: tuple, sb: tuple | None) -> None:
    """PyTorch's checks, as ValueErrors that say which shape to fix."""
    if len(sw) != 3:
        raise ValueError(f"bilinear(): weight must be 3-d (out_features, in1_features, "
                         f"in2_features), got shape {tuple(sw)}")
    if len(s1) == 0 or len(s2) == 0:
        raise ValueError(f"bilinear(): inputs must have at least 1 dim (*, in_features), got "
                         f"shapes {tuple(s1)} and {tuple(s2)}")
    if len(s1) != len(s2) or tuple(s1[:-1]) != tuple(s2[:-1]):
        raise ValueError(f"bilinear(): input1 {tuple(s1)} and input2 {tuple(s2)} must have the same "
                         f"leading (batch) dims, which are not broadcast; expand one first")
    if s1[-1] != sw[1]:
        raise ValueError(f"bilinear(): input1's last dim is {s1[-1]} but weight {tuple(sw)} "
                         f"expects in1_features = {sw[1]}")
    if s2[-1] != sw[2]:
        raise ValueError(f"bilinear(): input2's last dim is {s2[-1]} but weight {tuple(sw)} "
                         f"expects in2_features = {sw[2]}")
    if sb is not None and tuple(sb) != (sw[0],):
        raise ValueError(f"bilinear(): bias must have shape ({sw[0]},), one per output feature "
                         f"of weight {tuple(sw)}, got {tuple(sb)}")


__all__ = ["bilinear"]
