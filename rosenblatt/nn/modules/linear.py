"""Linear, Identity, Flatten and Unflatten."""
from __future__ import annotations

from typing import Any, Sequence

from ..._backend import default_float, xp
from ...ops import flatten, unflatten
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..functional.linear import Linear as _LinearFn
from ..parameter import Parameter
from .module import Module


def _float_dtype(dtype: Any) -> Any:
    return default_float if dtype is None else xp.dtype(dtype)


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored, as in PyTorch)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Any:
        return input


class Linear(Module):
    """Affine layer ``y = x W^T + b``.

    Weights start as PyTorch's: ``W ~ kaiming_uniform_(a=sqrt(5))``, i.e.
    U(-1/sqrt(in_features), 1/sqrt(in_features)), and the same bound for ``b``.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: learn an additive bias (default True).
        dtype: parameter dtype (default float32).
        generator: the ``rosenblatt.Generator`` for the initial weights (default generator if None).

    Shape: ``(*, in_features) -> (*, out_features)``.

    Example:
        >>> import rosenblatt as rb
        >>> layer = rb.nn.Linear(3, 2)
        >>> layer(rb.ones(4, 3)).shape
        (4, 2)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None, generator: Generator | None = None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        dtype = _float_dtype(dtype)
        self.weight = Parameter(xp.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(xp.empty((out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        init.default_affine_(self.weight, self.bias, generator)

    def forward(self, input: Tensor) -> Tensor:
        # The functional wrapper's checks are repeated by NumPy anyway or hold in the common
        # case; call the fused Function directly on the hot path and let a mismatch fall back
        # to the wrapper, which raises.  (``is``: NumPy's built-in dtypes are singletons; any
        # other dtype takes the wrapper's full check.)
        x = input.data
        params = self._parameters
        # A parametrized weight or bias (nn.utils.parametrize) has left _parameters for a property.
        weight = params["weight"] if "weight" in params else self.weight
        if x.ndim and x.shape[-1] == self.in_features and x.dtype is weight.data.dtype:
            bias = params["bias"] if "bias" in params else self.bias
            if bias is None:
                return _LinearFn.apply(input, weight)
            return _LinearFn.apply(input, weight, bias)
        from ..functional.linear import linear
        return linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Flatten(Module):
    """Flattens dims ``start_dim..end_dim`` into one (default: all but the batch dim)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expands dim ``dim`` into ``unflattened_size``."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
