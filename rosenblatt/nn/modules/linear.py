"""Linear, LazyLinear, Bilinear, Identity, Flatten and Unflatten."""
from __future__ import annotations

import math
from typing import Any, Sequence

from ..._backend import xp
from ... import _backend
from ...ops import flatten, unflatten
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..functional.bilinear import bilinear
from ..functional.linear import Linear as _LinearFn
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module


def _float_dtype(dtype: Any) -> Any:
    return _backend.default_float if dtype is None else xp.dtype(dtype)


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored, as in PyTorch).

    A placeholder: e.g. a layer to swap in where a model's head or norm is switched off.

    Shape: any; the output is the input itself.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, 2.0])
        >>> rb.nn.Identity(54, unused="ignored")(x) is x
        True
    """

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
        dtype: parameter dtype (default ``get_default_dtype()``, float32).
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



class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` whose ``in_features`` is read from the first input: ``nn.LazyLinear``.

    Until the first call the weight and bias are ``UninitializedParameter`` placeholders; the
    first call gives them their shapes in place (the same objects, so an optimizer built
    before holds them), initialises them as ``Linear`` does, and turns the layer into a plain
    ``Linear`` (its class changes), as PyTorch's does.  ``load_state_dict`` before the first
    call takes the shapes from the checkpoint.  ``state_dict()`` before either raises: the
    shapes are not known yet (PyTorch returns the placeholders, whose shape then raises).
    ``.double()`` before the first call gives float64 weights.  See ``LazyModuleMixin``.

    Args:
        out_features: size of each output sample.
        bias: learn an additive bias (default True).
        dtype: parameter dtype (default ``get_default_dtype()``, float32).
        generator: the ``rosenblatt.Generator`` for the initial weights (default generator if None).

    Shape: ``(*, in_features) -> (*, out_features)``, ``in_features`` the first input's last dim.

    Example:
        >>> import rosenblatt as rb
        >>> layer = rb.nn.LazyLinear(2)
        >>> layer(rb.ones(4, 3)).shape
        (4, 2)
        >>> layer
        Linear(in_features=3, out_features=2, bias=True)
    """

    cls_to_become = Linear
    _lazy_size = "in_features"

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        Module.__init__(self)  # not Linear's: there are no shapes to allocate yet
        self.in_features, self.out_features = 0, out_features
        self._generator = generator
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def _size_from_input(self, input: Tensor) -> int:
        if not isinstance(input, Tensor) or input.ndim == 0:
            got = "a 0-d tensor" if isinstance(input, Tensor) else f"a {type(input).__name__}"
            raise ValueError(f"LazyLinear: expected an input of shape (*, in_features), got {got}; "
                             f"give it at least one dim, e.g. x.reshape(1)")
        return input.shape[-1]

    def _lazy_shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        return {"weight": (self.out_features, size), "bias": (self.out_features,)}

    def _size_from_shape(self, name: str, shape: tuple[int, ...]) -> int | None:
        return shape[1] if name == "weight" and len(shape) == 2 else None


class Bilinear(Module):
    """Bilinear layer ``y_k = x1^T A_k x2 + b_k`` (``nn.functional.bilinear``).

    Weights start as PyTorch's: ``A`` and ``b`` from U(-1/sqrt(in1_features),
    1/sqrt(in1_features)).

    Args:
        in1_features: size of each first input sample.
        in2_features: size of each second input sample.
        out_features: size of each output sample.
        bias: learn an additive bias (default True).
        dtype: parameter dtype (default ``get_default_dtype()``, float32).
        generator: the ``rosenblatt.Generator`` for the initial weights (default generator if None).

    Shape: ``(*, in1_features), (*, in2_features) -> (*, out_features)``, the same ``*`` for both.

    Example:
        >>> import rosenblatt as rb
        >>> layer = rb.nn.Bilinear(3, 4, 5)
        >>> layer(rb.ones(2, 3), rb.ones(2, 4)).shape
        (2, 5)
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None, generator: Generator | None = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        dtype = _float_dtype(dtype)
        self.weight = Parameter(xp.empty((out_features, in1_features, in2_features), dtype=dtype))
        if bias:
            self.bias = Parameter(xp.empty((out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] else 0.0
        init.uniform_(self.weight, -bound, bound, generator=generator)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, generator=generator)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")

class Flatten(Module):
    """Flattens dims ``start_dim..end_dim`` into one (default: all but the batch dim).

    Args:
        start_dim: the first dim to flatten (default 1).
        end_dim: the last dim to flatten, inclusive (default -1).

    Shape: ``(*, S_start, ..., S_end, *)`` in, ``(*, S_start * ... * S_end, *)`` out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Flatten()(rb.zeros(2, 3, 4, 5)).shape
        (2, 60)
        >>> rb.nn.Flatten(0, 1)(rb.zeros(2, 3, 4)).shape
        (6, 4)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expands dim ``dim`` into ``unflattened_size``: the inverse of ``Flatten``.

    Args:
        dim: the dim to expand.
        unflattened_size: the new dims' sizes; their product is the size of ``dim``.

    Shape: ``(*, S_dim, *)`` in, ``(*, *unflattened_size, *)`` out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.Unflatten(1, (2, 3))(rb.zeros(4, 6)).shape
        (4, 2, 3)
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
