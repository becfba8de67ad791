"""LayerNorm, RMSNorm, LocalResponseNorm and CrossMapLRN2d."""
from __future__ import annotations

from typing import Any, Sequence

from ..._backend import xp
from ... import _backend
from ...tensor import Tensor
from .. import init
from ..functional.cross_map_lrn import cross_map_lrn2d
from ..functional.local_response_norm import local_response_norm
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
        dtype: parameter dtype (default ``get_default_dtype()``, float32).

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
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
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
        dtype: parameter dtype (default ``get_default_dtype()``, float32).

    Shape: ``(*, *normalized_shape)`` in and out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.RMSNorm(2)(rb.tensor([[3.0, -3.0], [1.0, 7.0]])).detach()  # rms 3 and 5
        tensor([[ 1. , -1. ],
                [ 0.2,  1.4]])
    """

    def __init__(self, normalized_shape: Sequence[int] | int, eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
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


class LocalResponseNorm(Module):
    """Divides each value by the energy of its ``size`` neighbouring channels (Krizhevsky et
    al., 2012); see ``F.local_response_norm``.

    ``y[n, c] = x[n, c] / (k + alpha / size * sum_{c'} x[n, c']^2) ** beta``, ``c'`` over
    ``c - size // 2 .. c + (size - 1) // 2``.

    Args:
        size: number of neighbouring channels summed.
        alpha: multiplicative factor (default 1e-4).
        beta: exponent (default 0.75).
        k: additive factor (default 1).

    Shape: ``(N, C, *)`` in and out, at least one dim after C.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LocalResponseNorm(2)(rb.randn(4, 16, 8, 8)).shape
        (4, 16, 8, 8)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(Module):
    """PyTorch's legacy (Lua Torch) local response normalisation across channels of an
    (N, C, H, W) batch.

    ``y = x * (k + alpha / size * window_sum(x ** 2)) ** -beta``.  Not ``LocalResponseNorm``:
    PyTorch's kernel keeps channel 0 in every window past the first few and has its own
    hand-written backward; both are reproduced (see ``functional/cross_map_lrn.py``).

    Args:
        size: the channel window (``size >= 2`` for backward, as in PyTorch).
        alpha: multiplicative factor (default 1e-4).
        beta: exponent (default 0.75).
        k: additive factor (default 1).

    Shape: ``(N, C, H, W)`` in and out; other ranks raise ``ValueError``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.CrossMapLRN2d(3)(rb.randn(2, 8, 5, 5)).shape
        (2, 8, 5, 5)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
