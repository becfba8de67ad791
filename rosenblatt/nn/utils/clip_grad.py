"""Gradient clipping: rescale (``clip_grad_norm_``) or clamp (``clip_grad_value_``) ``.grad`` in place."""
from __future__ import annotations

from typing import Any, Iterable

from ... import _backend
from ..._backend import xp
from ...tensor import Tensor

_Params = Tensor | Iterable[Tensor]


def _grads(parameters: _Params) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _at_least_float32(array: Any) -> Any:
    return array if array.dtype.itemsize >= 4 else array.astype(xp.float32)


def clip_grad_norm_(parameters: _Params, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    r"""Scale all gradients together so their joint norm is at most ``max_norm``.

    .. math::
        n = \big\|(\|g_1\|_p, \ldots, \|g_k\|_p)\big\|_p, \qquad
        g_i \leftarrow g_i \cdot \min\!\Big(1, \frac{\text{max\_norm}}{n + 10^{-6}}\Big)

    Args:
        parameters: a tensor or an iterable of tensors whose ``.grad`` to clip
            (those without a gradient are skipped).
        max_norm (float): the largest joint norm allowed.
        norm_type (float): the order :math:`p`; ``float('inf')`` for the max-norm. Default: 2.
        error_if_nonfinite (bool): raise if the joint norm is nan or inf instead of
            scaling by it. Default: False.

    Returns:
        The joint norm before clipping, as a 0-d tensor of the gradients' dtype.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.zeros(2, requires_grad=True)
        >>> w.grad = rb.tensor([3.0, 4.0])
        >>> clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad
        tensor([0.6, 0.8])
    """
    grads = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return Tensor._wrap(xp.zeros((), dtype=_backend.default_float))
    dtype = xp.result_type(*[g.data.dtype for g in grads])
    # Norms accumulate in at least float32, as PyTorch's: squaring float16 gradients in float16
    # overflows from 256 up, and the inf norm then zeroed every gradient.
    norms = xp.array([xp.linalg.vector_norm(_at_least_float32(g.data), ord=norm_type).astype(g.dtype)
                      for g in grads])
    total = xp.linalg.vector_norm(_at_least_float32(norms), ord=norm_type).astype(dtype)
    if error_if_nonfinite and not xp.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_(): the total norm of order {norm_type} for gradients from "
            f"`parameters` is non-finite, so it cannot be clipped. To scale the gradients by "
            f"the non-finite norm anyway, set error_if_nonfinite=False"
        )
    # PyTorch scales even when no clipping is needed (coefficient 1), so nan norms spread
    coef = min(max_norm / (float(total) + 1e-6), 1.0)
    with xp.errstate(invalid="ignore"):  # inf * 0 -> nan, as in PyTorch
        for g in grads:
            xp.multiply(g.data, coef, out=g.data)
    return Tensor._wrap(total)


def clip_grad_value_(parameters: _Params, clip_value: float) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]`` in place.

    Args:
        parameters: a tensor or an iterable of tensors whose ``.grad`` to clamp.
        clip_value (float): the largest magnitude allowed.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.zeros(3, requires_grad=True)
        >>> w.grad = rb.tensor([-2.0, 0.5, 3.0])
        >>> clip_grad_value_(w, 1.0)
        >>> w.grad
        tensor([-1. ,  0.5,  1. ])
    """
    clip_value = float(clip_value)
    for g in _grads(parameters):
        xp.clip(g.data, -clip_value, clip_value, out=g.data)
