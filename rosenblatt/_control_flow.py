"""PyTorch's structured control flow, ``cond`` and ``while_loop``, run eagerly.

PyTorch traces both branches of ``cond`` (and ``while_loop``'s functions) with
``torch.compile`` so the choice survives export; rosenblatt has no compiler, so these are
the plain Python ``if`` and ``while`` that PyTorch documents them to equal, with PyTorch's
argument checks and the checks on what the functions return that can be made without
running the branch not taken.  Gradients flow through whatever ops the functions run.
"""
from __future__ import annotations

from typing import Any, Callable

from ._pytree import tree_flatten, tree_unflatten
from .tensor import Tensor

__all__ = ["cond", "while_loop"]


def _returns_no_input(op: str, output: Any, inputs: list) -> None:
    """PyTorch refuses a function returning one of its inputs (aliasing): ``.clone()`` it."""
    ids = {id(x) for x in inputs if isinstance(x, Tensor)}
    for leaf in tree_flatten(output)[0]:
        if isinstance(leaf, Tensor) and id(leaf) in ids:
            raise ValueError(f"{op}: a function returned one of its input tensors, which "
                             f"{op.split('(')[0]} does not support (aliasing); return input.clone() instead")


def cond(pred: bool | int | float | Tensor, true_fn: Callable, false_fn: Callable,
         operands: tuple | list = ()) -> Any:
    """``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)``: PyTorch's ``torch.cond``.

    Eager here: only the branch taken runs, so a mismatch between the two branches' outputs
    (which PyTorch's tracing reports) goes unnoticed.  A Python ``pred`` (bool, int, float)
    just picks the branch, as in PyTorch; a tensor one must hold one element, and then the
    branches must be callable and ``operands`` a tuple or list whose (possibly nested
    tuple/list/dict) leaves are all tensors.

    Args:
        pred (bool or Tensor): the condition: a Python bool or a one-element tensor.
        true_fn (callable): run on ``*operands`` when ``pred`` is true.
        false_fn (callable): run on ``*operands`` otherwise; it should return what ``true_fn``
            does (the same structure, shapes and dtypes).
        operands (tuple or list of tensors): the branches' arguments (default none).

    Returns:
        what the branch taken returns.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([0.0, 1.0])
        >>> rb.cond(x.sum() > 0, lambda t: t + 1, lambda t: t - 1, (x,))
        tensor([1., 2.])
    """
    if isinstance(pred, (bool, int, float)):  # PyTorch's eager case: no checks
        return true_fn(*operands) if pred else false_fn(*operands)
    if not isinstance(pred, Tensor):
        raise TypeError(f"cond(): expected pred to be bool or tensor, but got {pred!r}")
    if pred.numel() != 1:
        raise ValueError(f"cond(): expected pred to be bool or single-element tensor, but got a tensor of "
                         f"shape {list(pred.shape)}")
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond(): expect both branches to be callable")
    if not isinstance(operands, (tuple, list)) or not all(isinstance(leaf, Tensor)
                                                          for leaf in tree_flatten(list(operands))[0]):
        raise TypeError("cond(): expect operands to be a tuple of possibly nested dict/list/tuple that only "
                        f"consists of tensor leaves, but got {operands!r}")
    output = true_fn(*operands) if bool(pred.item()) else false_fn(*operands)
    _returns_no_input("cond()", output, tree_flatten(list(operands))[0])
    return output


def while_loop(cond_fn: Callable, body_fn: Callable, carried_inputs: tuple | list) -> Any:
    """Run ``carried = body_fn(*carried)`` while ``cond_fn(*carried)``: PyTorch's ``torch.while_loop``.

    As PyTorch's: ``cond_fn`` must return a Python bool or a 0-d bool tensor; ``body_fn`` must
    return as many tensors and ints as ``carried_inputs`` holds, each tensor of the shape and
    dtype of the one it replaces, none of them its own input (``.clone()`` it).  The result is
    ``body_fn``'s last return, or clones of ``carried_inputs`` when the loop never runs.

    Args:
        cond_fn (callable): ``carried -> bool``.
        body_fn (callable): ``carried -> new carried``.
        carried_inputs (tuple or list): the initial state: tensors and ints, possibly nested
            in tuples, lists and dicts.

    Returns:
        the final state.

    Example:
        >>> import rosenblatt as rb
        >>> rb.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2), (rb.tensor(0), rb.tensor([1.0])))
        (tensor(3), tensor([8.]))
    """
    if not callable(cond_fn) or not callable(body_fn):
        raise TypeError("while_loop(): expect cond_fn and body_fn to be callable")
    if not isinstance(carried_inputs, (tuple, list)):
        raise TypeError(f"while_loop(): carried_inputs must be a tuple or list but got "
                        f"{type(carried_inputs).__name__}")
    leaves, spec = tree_flatten(carried_inputs)
    bad = [type(x).__name__ for x in leaves if not isinstance(x, (Tensor, int))]
    if bad:
        raise TypeError(f"while_loop(): expect carried_inputs to be a tuple of possibly nested "
                        f"dict/list/tuple that only consists of tensor or int leaves, but got {bad}")
    carried = tree_unflatten(leaves, spec)
    if not _check_pred(cond_fn(*carried)):
        return tuple(x.clone() if isinstance(x, Tensor) else x for x in carried)
    while True:
        output = body_fn(*carried)
        _returns_no_input("while_loop()", output, leaves)
        leaves = _check_carry(output, leaves)
        carried = tree_unflatten(leaves, spec)
        if not _check_pred(cond_fn(*carried)):
            return output


def _check_pred(pred: Any) -> bool:
    if isinstance(pred, bool):
        return pred
    if isinstance(pred, Tensor) and pred.ndim == 0 and pred.dtype == bool:
        return bool(pred.item())
    raise TypeError(f"while_loop(): cond_fn must return a boolean scalar tensor or a boolean but got {pred!r}")


def _check_carry(output: Any, before: list) -> list:
    """``body_fn``'s output leaves, each of the kind, shape and dtype of the one it replaces."""
    after = tree_flatten(output)[0]
    if len(after) != len(before):
        raise ValueError(f"while_loop(): body_fn should return the same number of elements as carried_inputs, "
                         f"got {len(after)} vs {len(before)}")
    for i, (new, old) in enumerate(zip(after, before)):
        if isinstance(old, Tensor):
            if not isinstance(new, Tensor) or (new.shape, new.dtype) != (old.shape, old.dtype):
                got = (f"shape {list(new.shape)} and dtype {new.dtype}" if isinstance(new, Tensor)
                       else type(new).__name__)
                raise ValueError(f"while_loop(): expected body_fn_output and carried_inputs to have same "
                                 f"metadata but found: pair[{i}] differs: carried shape {list(old.shape)} and "
                                 f"dtype {old.dtype}, body_fn returned {got}")
        elif isinstance(new, bool) or not isinstance(new, int):
            raise ValueError(f"while_loop(): pair[{i}] of carried_inputs is an int, but body_fn returned "
                             f"{type(new).__name__}")
    return after
