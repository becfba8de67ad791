"""LayerNorm and RMSNorm."""
from __future__ import annotations

from typing import Any, Sequence

from ..._backend import default_float, xp
from ...tensor import Tensor
from .. import init
from ..functional.normalization import layer_norm, rms_norm
from ..parameter import Parameter
from .module import Module


def _shape(normalized_shape: Sequence[int] | int) -> tuple[int, ...]:
    return (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(normalized_shape)


class LayerNorm(Module):
    """Normalises over the last dims, then applies a learned scale and shift.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias`` (Ba et al., 2016).

    Args:
        normalized_shape: the trailing shape to normalise over (int or tuple).
        eps: added to the variance for stability (default 1e-5).
        elementwise_affine: learn ``weight`` (ones) and ``bias`` (zeros).
        bias: learn ``bias`` (only with ``elementwise_affine``).
        dtype: parameter dtype (default float32).

    Shape: ``(*, *normalized_shape)`` in and out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LayerNorm(4)(rb.randn(2, 4)).shape
        (2, 4)
    """

    def __init__(self, normalized_shape: Sequence[int] | int, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = default_float if dtype is None else xp.dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(xp.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(xp.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    """Root-mean-square normalisation: ``y = x / sqrt(mean(x^2) + eps) * weight`` (Zhang & Sennrich, 2019).

    Args:
        normalized_shape: the trailing shape to normalise over.
        eps: added inside the root; None uses the dtype's machine epsilon, as PyTorch does.
        elementwise_affine: learn ``weight`` (ones).
        dtype: parameter dtype (default float32).

    Shape: ``(*, *normalized_shape)`` in and out.
    """

    def __init__(self, normalized_shape: Sequence[int] | int, eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = default_float if dtype is None else xp.dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(xp.ones(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, input: Tensor) -> Tensor:
        return rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
