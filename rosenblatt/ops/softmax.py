"""softmax, log_softmax and one_hot.

Both softmaxes subtract the row maximum first, so inputs of +-1e4 give exact,
finite results and gradients.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import Function, as_array
from ..tensor import Tensor
from ._dims import dim_index


class Softmax(Function):
    saves_output = True

    def forward(self, x, axis=-1):
        e = xp.exp(x - x.max(axis=axis, keepdims=True, initial=-xp.inf))  # initial: an empty dim
        self.out = e / e.sum(axis=axis, keepdims=True)
        self.axis = axis
        return self.out

    def backward(self, grad):
        out = self.out
        return out * (grad - (grad * out).sum(axis=self.axis, keepdims=True))


class LogSoftmax(Function):
    saves_output = True

    def forward(self, x, axis=-1):
        shifted = x - x.max(axis=axis, keepdims=True, initial=-xp.inf)  # initial: an empty dim
        self.out = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        self.axis = axis
        return self.out

    def backward(self, grad):
        return grad - xp.exp(self.out) * grad.sum(axis=self.axis, keepdims=True)


def _axis(input: Any, dim: int | None, op: str) -> int:
    """The axis to normalise over; the input must be floating, as in PyTorch."""
    data = input.data if isinstance(input, Tensor) else as_array(input)
    if data.dtype.kind != "f":
        raise TypeError(f"{op}(): expected a floating point tensor, got {data.dtype}; convert it "
                        f"with .float() or pass dtype=")
    ndim = data.ndim
    if dim is None:
        # PyTorch's legacy implicit choice: dim 0 for 0-, 1- and 3-d inputs, else 1.
        dim = 0 if ndim in (0, 1, 3) else 1
    return dim_index(dim, ndim, op)


def softmax(input: Any, dim: int | None = None, dtype: Any = None) -> Tensor:
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim``.

    Computed from ``x - max(x)``, so large inputs don't overflow; each slice along ``dim``
    sums to 1.

    Args:
        input (Tensor): a floating tensor.
        dim (int, optional): the dim to normalise along; PyTorch's legacy choice (0 for 0-, 1-
            and 3-d inputs, else 1) when None.
        dtype (optional): cast ``input`` to this dtype first.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import math
        >>> import rosenblatt as rb
        >>> rb.softmax(rb.tensor([0.0, math.log(3.0)]), 0)  # e^0 : e^log 3 = 1 : 3
        tensor([0.25, 0.75])
        >>> rb.softmax(rb.tensor([1000.0, 1000.0]), 0)
        tensor([0.5, 0.5])
    """
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, axis=_axis(input, dim, "softmax"))


def log_softmax(input: Any, dim: int | None = None, dtype: Any = None) -> Tensor:
    """``x_i - log(sum_j exp(x_j))`` along ``dim``, computed stably.

    ``log(softmax(input, dim))`` without its underflow to ``log(0) = -inf``.

    Args:
        input (Tensor): a floating tensor.
        dim (int, optional): the dim to normalise along; PyTorch's legacy choice (0 for 0-, 1-
            and 3-d inputs, else 1) when None.
        dtype (optional): cast ``input`` to this dtype first.

    Shape: the result has ``input``'s shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.log_softmax(rb.tensor([0.0, 0.0, 0.0, 0.0]), 0)  # log(1/4)
        tensor([-1.3863, -1.3863, -1.3863, -1.3863])
        >>> rb.log_softmax(rb.tensor([0.0, -200.0]), 0)  # softmax gives 0 there; its log is -inf
        tensor([   0., -200.])
    """
    if dtype is not None:
        input = input.to(dtype)
    return LogSoftmax.apply(input, axis=_axis(input, dim, "log_softmax"))


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """int64 tensor with a trailing dim of ``num_classes``: 1 at each index, else 0.

    ``num_classes=-1`` takes the largest index + 1.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.one_hot(rb.tensor([0, 2, 1]), num_classes=4)
        tensor([[1, 0, 0, 0],
                [0, 0, 1, 0],
                [0, 1, 0, 0]])
    """
    idx = tensor.data if isinstance(tensor, Tensor) else as_array(tensor)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot(): expected an integer tensor of class indices, got {idx.dtype}")
    if idx.size and idx.min() < 0:
        raise ValueError(f"one_hot(): class indices must be non-negative, got {idx.min()}")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    elif idx.size and idx.max() >= num_classes:
        raise ValueError(f"one_hot(): class index {idx.max()} is out of range for num_classes={num_classes}")
    return Tensor._wrap((idx[..., None] == xp.arange(num_classes)).astype(xp.int64))
