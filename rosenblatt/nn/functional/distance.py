"""normalize, cosine_similarity and pairwise_distance, built from base ops (autograd gives the backward)."""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...ops import clamp_min, expand, norm
from ...ops.arithmetic import result_type
from ...ops._dims import dim_index
from ...tensor import Tensor
from ._checks import check_floating


def normalize(input: Tensor, p: float = 2.0, dim: Any = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """Scale ``input`` to unit ``p``-norm along ``dim``: ``x / max(||x||_p, eps)``.

    The ``eps`` floor keeps all-zero slices at zero instead of 0 / 0; where it
    applies, the denominator is a constant (no gradient through the norm), as in PyTorch.

    Args:
        input: a floating-point tensor of any shape.
        p: the norm's exponent (default 2; any positive number, ``inf`` or ``-inf``).
        dim: the dim (or tuple of dims) the norm runs over (default 1).
        eps: the smallest denominator (default 1e-12).
        out: if given, the result is copied into it and it is returned.

    Shape:
        the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.normalize(rb.tensor([[3.0, 4.0]]), dim=1)
        tensor([[0.6, 0.8]])
    """
    check_floating("normalize", input)
    result = input / clamp_min(norm(input, p, dim, keepdim=True), eps)
    return result if out is None else out.copy_(result)


def _broadcast_floats(x1: Tensor, x2: Tensor, op: str) -> tuple[Tensor, Tensor]:
    """``x1`` and ``x2`` expanded to their common shape and cast to their common float dtype."""
    dtype = result_type(x1.data, x2.data)
    if dtype.kind != "f":
        raise TypeError(f"{op}: expected floating-point inputs, got dtypes {x1.dtype} and "
                        f"{x2.dtype}; convert one first, e.g. x1.float()")
    try:
        shape = xp.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ValueError(f"{op}: shapes {list(x1.shape)} and {list(x2.shape)} cannot be "
                         f"broadcast together") from None
    return expand(x1.to(dtype), shape), expand(x2.to(dtype), shape)


def _norm_floored(x: Tensor, dim: int, eps: float) -> Tensor:
    """``max(||x||_2, eps)`` in value, with the gradient of ``||x||_2`` (unfloored).

    PyTorch clamps the norms in place under no_grad, so the floor is invisible to autograd:
    ``n + relu(eps - n)`` with ``n`` detached in the correction does the same.
    """
    n = norm(x, 2, dim, keepdim=True)
    return n + clamp_min(eps - n.detach(), 0.0)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``, the inputs broadcast together.

    ``sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps))``: each input is divided by its
    own norm first (PyTorch's order), which keeps the result within [-1, 1].

    Args:
        x1, x2: tensors that broadcast to a common shape; an integer one is cast to the
            other's float dtype.
        dim: the dim of the broadcast shape to compare along (default 1).
        eps: the smallest norm (default 1e-8).

    Shape:
        the broadcast shape without ``dim``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.cosine_similarity(rb.tensor([[1.0, 0.0], [1.0, 1.0]]), rb.tensor([[1.0, 0.0]]))
        tensor([1.    , 0.7071])
    """
    x1, x2 = _broadcast_floats(x1, x2, "cosine_similarity")
    dim = dim_index(dim, x1.ndim, "cosine_similarity")
    return ((x1 / _norm_floored(x1, dim, eps)) * (x2 / _norm_floored(x2, dim, eps))).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The ``p``-norm distance ``||x1 - x2 + eps||_p`` along the last dim, the inputs broadcast.

    ``eps`` is added to the difference (PyTorch's definition) so the norm's gradient
    exists when ``x1 == x2``.

    Args:
        x1, x2: tensors that broadcast to a common shape ``(*, D)`` (integer ones give float32).
        p: the norm's exponent (default 2; any positive number, ``inf`` or ``-inf``).
        eps: added to the difference (default 1e-6).
        keepdim: keep the last dim with size 1.

    Shape:
        ``(*)`` (or ``(*, 1)`` with ``keepdim``) for inputs broadcasting to ``(*, D)``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.pairwise_distance(rb.tensor([[0.0, 0.0]]), rb.tensor([[3.0, 4.0]]), eps=0.0)
        tensor([5.])
    """
    # float(eps): a float number makes an integer difference float32, as in PyTorch
    return norm(x1 - x2 + float(eps), p, -1, keepdim=keepdim)


__all__ = ["cosine_similarity", "normalize", "pairwise_distance"]
