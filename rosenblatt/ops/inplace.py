"""In-place updates (``add_``, ``copy_``, ``x[i] = v``, ...) that never give a wrong gradient.

Outside the graph (parameter updates under ``no_grad``) they write into the
tensor's memory and stamp that memory with the global in-place count
(``record_write``), so a node that saved the old values, through this tensor or
another one viewing the same memory, reports the change at backward.  Inside the
graph, the tensor takes the result and its history, as PyTorch's in-place ops do.
"""
from __future__ import annotations

from typing import Any, Callable

from .._backend import xp
from ..autograd.grad_mode import _state, no_grad, record_write
from ..tensor import Tensor


def inplace(target: Tensor, op: Callable[..., Tensor], *args: Any, **kwargs: Any) -> Tensor:
    """Apply ``op(target, *args, **kwargs)`` and store the result in ``target``."""
    name = f"{op.__name__}_()"
    tracked = _state.enabled and (
        target.requires_grad or any(isinstance(a, Tensor) and a.requires_grad for a in args)
    )
    if tracked:
        if (target._node is None and target.requires_grad) or _views_a_leaf(target):
            raise RuntimeError(
                f"{name}: a leaf tensor that requires grad (or a view of one, x[i]) is being used "
                "in an in-place operation. Wrap the update in `with rosenblatt.no_grad():` (as "
                "optimizers do) or use the out-of-place form (x = x + y)."
            )
        result = _checked(op(target, *args, **kwargs), target, name)
        # Fresh memory for the result: arrays saved by earlier nodes keep the old values.
        target.data = _cast(result.data, target.dtype, name)
        target._node, target.requires_grad = result._node, result.requires_grad
        return target
    node = target._node
    if node is not None and node.saves_output and node.parents is not None:
        raise RuntimeError(
            f"an in-place operation changed the output of {type(node).__name__}, which backward "
            f"still needs. Use an out-of-place op, or clone() the tensor before changing it."
        )
    with no_grad():
        result = _checked(op(target, *args, **kwargs), target, name)
    target.data[...] = _cast(result.data, target.dtype, name)
    record_write(target.data)
    return target


def _views_a_leaf(target: Tensor) -> bool:
    """Whether ``target`` is a view (``x[i]``, ``x.T``) of a leaf that requires grad: written in
    the graph, it would take fresh memory and leave the leaf unchanged, so PyTorch's error."""
    node = target._node
    if node is None or target.data.base is None:
        return False
    return any(type(p) is Tensor and xp.may_share_memory(p.data, target.data) for p in node.parents)


def _checked(result: Tensor, target: Tensor, name: str) -> Tensor:
    """``result``, which must have ``target``'s shape: an in-place op never reshapes its tensor."""
    if result.shape != target.shape:
        raise RuntimeError(f"{name}: the result has shape {tuple(result.shape)}, but the tensor "
                           f"written in place has shape {tuple(target.shape)}; the other operand "
                           f"may broadcast to it but not enlarge it (use the out-of-place op)")
    return result


def _cast(array: Any, dtype: Any, name: str) -> Any:
    if array.dtype == dtype:
        return array
    if not xp.can_cast(array.dtype, dtype, "same_kind"):
        raise TypeError(f"{name}: result type {array.dtype} can't be cast to the "
                        f"tensor's dtype {dtype}")
    return array.astype(dtype)


def copy_from(target: Tensor, src: Any) -> Tensor:
    """``src`` broadcast to ``target``'s shape and dtype (the value ``copy_`` stores)."""
    from .pointwise import to_dtype
    from .shape import expand
    src = src if isinstance(src, Tensor) else Tensor(src)
    return expand(to_dtype(src, target.dtype), target.shape)


copy_from.__name__ = "copy"


def full_like_of(target: Tensor, value: Any) -> Tensor:
    """A tensor of ``target``'s shape and dtype full of ``value`` (what ``fill_`` stores);
    a 0-d tensor ``value`` passes its gradient on, as in PyTorch."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_(): the value must be a number or a 0-d tensor, got a tensor "
                               f"of shape {tuple(value.shape)}; use copy_() to write a tensor")
        return copy_from(target, value)
    return Tensor._wrap(xp.full(target.shape, value, dtype=target.dtype))


full_like_of.__name__ = "fill"
