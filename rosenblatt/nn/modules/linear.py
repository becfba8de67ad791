"""Linear, LazyLinear, Bilinear, Identity, Flatten and Unflatten."""
from __future__ import annotations

import math
from typing import Any, Sequence

from ..._backend import default_float, xp
from ...ops import flatten, unflatten
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..functional.bilinear import bilinear
from ..functional.linear import Linear as _LinearFn
from ..parameter import Parameter
from .module import Module, _as_array


def _float_dtype(dtype: Any) -> Any:
    return default_float if dtype is None else xp.dtype(dtype)


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



class LazyLinear(Linear):
    """``Linear`` whose ``in_features`` is read from the first input: ``nn.LazyLinear``.

    Until the first call the weight and bias are empty placeholder Parameters; the first
    call gives them their shapes in place (the same Parameter objects, so an optimizer
    built before holds them), initialises them as ``Linear`` does, and turns the layer into
    a plain ``Linear`` (its class changes), as PyTorch's does.  ``load_state_dict`` before
    the first call takes the shapes from the checkpoint.  ``state_dict()`` before either
    raises: the shapes are not known yet (PyTorch returns uninitialized parameters,
    whose shape then raises).  ``.double()`` before the first call gives float64 weights.

    Args:
        out_features: size of each output sample.
        bias: learn an additive bias (default True).
        dtype: parameter dtype (default float32).
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

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        Module.__init__(self)  # not Linear's: there are no shapes to allocate yet
        self.in_features, self.out_features = 0, out_features
        self._generator = generator
        dtype = _float_dtype(dtype)
        self.weight = Parameter(xp.empty((0,), dtype=dtype))
        if bias:
            self.bias = Parameter(xp.empty((0,), dtype=dtype))
        else:
            self.register_parameter("bias", None)

    def has_uninitialized_params(self) -> bool:
        """True until the first call (or a ``load_state_dict``) gives the weight its shape."""
        return self.weight.ndim != 2  # the placeholder is 1-d

    def reset_parameters(self, generator: Generator | None = None) -> None:
        if not self.has_uninitialized_params():
            super().reset_parameters(generator)

    def initialize_parameters(self, input: Tensor) -> None:
        """Shape the weight ``(out_features, input.shape[-1])`` and the bias, and initialise them."""
        if input.ndim == 0:
            raise ValueError("LazyLinear: expected an input of shape (*, in_features), got a 0-d "
                             "tensor; give it at least one dim, e.g. x.reshape(1)")
        self._materialize(input.shape[-1])
        super().reset_parameters(self._generator)

    def _materialize(self, in_features: int) -> None:
        self.in_features = in_features
        # In place: the Parameter objects stay those parameters() already handed out.
        self.weight.data = xp.empty((self.out_features, in_features), dtype=self.weight.dtype)
        if self.bias is not None:
            self.bias.data = xp.empty((self.out_features,), dtype=self.bias.dtype)

    def forward(self, input: Tensor) -> Tensor:
        if self.has_uninitialized_params():
            self.initialize_parameters(input)
        self.__class__ = Linear  # PyTorch's cls_to_become: from now on a plain Linear
        return Linear.forward(self, input)

    def state_dict(self, *args: Any, **kwargs: Any) -> Any:
        if self.has_uninitialized_params():
            raise RuntimeError(
                "LazyLinear: state_dict() before the first forward: in_features, and so the "
                "weight's shape, is not known yet. Call the layer on a batch first (or "
                "load_state_dict a checkpoint, which sets the shapes).")
        return super().state_dict(*args, **kwargs)

    def _match_keys(self, state: dict, prefix: str, *args: Any) -> dict:
        # PyTorch's lazy load hook: an uninitialized layer takes in_features from the
        # checkpoint's weight; a weight of another shape is left to the size-mismatch error.
        weight = state.get(prefix + "weight")
        if weight is not None and self.has_uninitialized_params():
            shape = tuple(_as_array(weight, prefix + "weight").shape)
            if len(shape) == 2 and shape[0] == self.out_features:
                self._materialize(shape[1])
        return super()._match_keys(state, prefix, *args)


class Bilinear(Module):
    """Bilinear layer ``y_k = x1^T A_k x2 + b_k`` (``nn.functional.bilinear``).

    Weights start as PyTorch's: ``A`` and ``b`` from U(-1/sqrt(in1_features),
    1/sqrt(in1_features)).

    Args:
        in1_features: size of each first input sample.
        in2_features: size of each second input sample.
        out_features: size of each output sample.
        bias: learn an additive bias (default True).
        dtype: parameter dtype (default float32).
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
