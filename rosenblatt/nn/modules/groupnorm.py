"""GroupNorm."""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ... import _backend
from ...tensor import Tensor
from .. import init
from ..functional.group_norm import group_norm
from ..parameter import Parameter
from .module import Module


class GroupNorm(Module):
    """Group normalisation (Wu & He, 2018): per sample, over groups of channels.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, statistics over each
    group of ``num_channels / num_groups`` channels and all positions; the affine
    is per channel.  ``num_groups=1`` is a layer norm over (C, H, W).

    Args:
        num_groups: G, dividing ``num_channels``.
        num_channels: C.
        eps: added to the variance (default 1e-5).
        affine: learn ``weight`` (ones) and ``bias`` (zeros) (default True).
        bias: learn ``bias`` (only with ``affine``; keyword-only, as in PyTorch).
        dtype: parameter dtype (default ``get_default_dtype()``, float32).

    Shape: ``(N, C, *)`` in and out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.GroupNorm(2, 8)(rb.randn(4, 8, 5, 5)).shape
        (4, 8, 5, 5)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
        if affine:
            self.weight = Parameter(xp.ones(num_channels, dtype=dtype))
            if bias:
                self.bias = Parameter(xp.zeros(num_channels, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm: expected input (N, {self.num_channels}, *), got shape "
                             f"{tuple(input.shape)}")
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


__all__ = ["GroupNorm"]
