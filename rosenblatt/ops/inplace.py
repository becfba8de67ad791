"""In-place updates (``add_``, ``copy_``, ``x[i] = v``, ...) that never give a wrong gradient.

Outside the graph (parameter updates under ``no_grad``) they write into the
tensor's memory and stamp that memory with the global in-place count
(``record_write``), so a node that saved the old values, through this tensor or
another one viewing the same memory, reports the change at backward.  Inside the
graph, the tensor takes the result and its history, as PyTorch's in-place ops
do; a view made by indexing (``v = x[i]``) writes its base instead
(``x[i] = op(v)``, PyTorch's ``CopySlices``) and becomes ``x[i]`` again.
"""
from __future__ import annotations

from typing import Any, Callable

from .._backend import xp
from ..autograd.function import Function
from ..autograd.grad_mode import _state, no_grad, record_write
from ..tensor import Tensor
from .arithmetic import _number_in
from .indexing import GetItem, setitem_
from .shape import Expand, Permute, Reshape

#: ops whose output views their input's memory, other than indexing; the name each has in errors
_VIEW_OPS = {Permute: "permute()/transpose()/.T", Reshape: "reshape()/view()", Expand: "expand()"}


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
        base_index = _base_and_index(target, name)
        result = _checked(op(target, *args, **kwargs), target, name)
        if target.requires_grad and not result.requires_grad:  # fill_, zero_, copy_ of a constant
            result = Overwrite.apply(target, result)
        if base_index is None:
            # Fresh memory for the result: arrays saved by earlier nodes keep the old values.
            target.data = _cast(result.data, target.dtype, name)
        else:  # the view's base takes the change, x[index] = op(x[index]), and the view is x[index]
            _check_cast(result.dtype, target.dtype, name)
            base, index = base_index
            setitem_(base, index, result)
            result = GetItem.apply(base, index=index)
            target.data = result.data
        target._node, target.requires_grad = result._node, result.requires_grad
        return target
    node = target._node
    if node is not None and node.saves_output and node.parents is not None:
        raise RuntimeError(
            f"an in-place operation changed the output of {type(node).__name__}, which backward "
            f"still needs. Use an out-of-place op, or clone() the tensor before changing it."
        )
    if _state.enabled and getattr(target, "_view_of", None) == "no_grad":
        raise RuntimeError(_made_under_no_grad(name))  # as PyTorch: the base's graph would miss it
    with no_grad():
        result = _checked(op(target, *args, **kwargs), target, name)
    target.data[...] = _cast(result.data, target.dtype, name)
    record_write(target.data)
    return target


def inplace_view(target: Tensor, op: Callable[..., Tensor], name: str, *args: Any, **kwargs: Any) -> Tensor:
    """``target`` reshaped or transposed in place by ``op`` (``unsqueeze_``, ``t_``): it takes
    ``op``'s result, a view of the same memory (views of ``target`` still share it), and in the
    graph that op's node, as PyTorch's in-place view ops do."""
    if _state.enabled and target.requires_grad and target._node is None:
        raise RuntimeError(
            f"{name}: a leaf tensor that requires grad is being used in an in-place operation. Use "
            "the out-of-place form (x = x.unsqueeze(0)), or change it under `with rosenblatt.no_grad():`.")
    result = op(target, *args, **kwargs)
    target.data, target._node, target.requires_grad = result.data, result._node, result.requires_grad
    if getattr(target, "_view_of", None) is not None:  # x[i] no more: a later in-place op can't write x
        target._view_of = name
    return target


class Overwrite(Function):
    """``new`` in place of ``old``, which gets a zero gradient: an in-place op whose result
    doesn't depend on the tensor (``fill_``, ``zero_``, ``copy_`` of a constant) keeps it in the
    graph, as PyTorch's do (it stays requires_grad, and what it was made from gets zeros)."""

    saves_arrays = False

    def forward(self, old, new):
        return new

    def backward(self, grad):
        return xp.zeros_like(grad), None


def _base_and_index(target: Tensor, name: str) -> tuple | None:
    """``(base, index)`` when ``target`` is the view ``base[index]``, which an in-place op in
    the graph must write through; None when it views no other tensor.  Raises for the
    views it can't write through."""
    made = getattr(target, "_view_of", None)
    node = target._node
    if made is None and node is not None and target.data.base is not None and type(node) in _VIEW_OPS:
        made = _VIEW_OPS[type(node)]
    if made is None:
        return None
    if made == "no_grad":
        raise RuntimeError(_made_under_no_grad(name))
    if type(made) is str:
        raise RuntimeError(
            f"{name}: the tensor shares memory with the one it was made from by {made}, and an "
            "in-place op in the graph can't write that one; clone() it first, or change the "
            "original tensor (or x[index] of it) instead.")
    base, index = made
    if not _basic(index):
        return None  # x[int_array] and x[mask] are copies, as in PyTorch
    # x changed in place in the graph since has new memory: the view is still x[index] if that
    # part kept its values (another view of x was changed: x[:2] then x[2:], one after the other).
    if not (xp.may_share_memory(target.data, base.data)
            or xp.array_equal(target.data, base.data[index], equal_nan=target.dtype.kind in "fc")):
        raise RuntimeError(
            f"{name}: the view x[index] no longer shows x's values: x was changed in place in "
            "the graph after the view was made; index x again after that change.")
    return made


def _made_under_no_grad(name: str) -> str:
    return (f"{name}: a view x[index] was made under no_grad from a tensor that requires grad, "
            "and is being changed in place with grad mode on; make the view with grad mode on, "
            "or clone() it before changing it.")


def _basic(index: Any) -> bool:
    """Whether NumPy's ``x[index]`` is a view: no integer array, mask or bool in ``index``."""
    parts = index if type(index) is tuple else (index,)
    return not any(isinstance(p, (xp.ndarray, bool, xp.bool_)) for p in parts)


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


def _check_cast(result_dtype: Any, dtype: Any, name: str) -> None:
    if result_dtype != dtype and not xp.can_cast(result_dtype, dtype, "same_kind"):
        raise TypeError(f"{name}: result type {result_dtype} can't be cast to the "
                        f"tensor's dtype {dtype}")


def _cast(array: Any, dtype: Any, name: str) -> Any:
    if array.dtype == dtype:
        return array
    _check_cast(array.dtype, dtype, name)
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
    # cast as PyTorch casts it: -1 into uint8 is 255, 300 raises
    return Tensor._wrap(xp.full(target.shape, _number_in(value, target.dtype, "fill_()"), dtype=target.dtype))


full_like_of.__name__ = "fill"


def clamp_(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """``clamp`` in place: ``input``'s entries limited to ``[min, max]``, written into ``input``
    (PyTorch's ``torch.clamp_``, ``Tensor.clamp_``).

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, 5.0, -3.0])
        >>> rb.clamp_(x, 0, 2) is x, x.tolist()
        (True, [1.0, 2.0, 0.0])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"clamp_(): expected a Tensor to change in place, got {type(input).__name__}")
    return input.clamp_(min, max)


clip_ = clamp_
