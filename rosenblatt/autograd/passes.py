"""``autograd.backward`` and ``autograd.grad``: one backward pass from several tensors, as PyTorch's.

``backward([a, b], [ga, gb])`` adds to every leaf's ``.grad`` what ``a.backward(ga)``
and ``b.backward(gb)`` would, in one pass (shared parts of the graph run once).
``grad(outputs, inputs)`` returns the gradients of ``outputs`` w.r.t. ``inputs`` and
leaves every ``.grad`` alone; it runs only the part of the graph between them.

Example:
    >>> import rosenblatt as rb
    >>> x = rb.tensor([1.0, 2.0], requires_grad=True)
    >>> w = rb.tensor([3.0, 4.0], requires_grad=True)
    >>> rb.autograd.grad((w * x * x).sum(), x)
    (tensor([ 6., 16.]),)
    >>> w.grad is None
    True
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Sequence

from ..tensor import Tensor
from .engine import accumulate, run_backward


def backward(tensors: Tensor | Sequence[Tensor], grad_tensors: Any = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Tensor | Sequence[Tensor] | dict | None = None) -> None:
    """Add the gradients of ``tensors`` to the ``.grad`` of every leaf, in one pass.

    Args:
        tensors: a tensor or a sequence of them, each requiring grad.
        grad_tensors: the gradient of some scalar w.r.t. each tensor (None, or None for
            a one-element tensor: ones), as ``Tensor.backward``'s ``gradient``.
        retain_graph: keep the saved arrays for another pass (default False).
        create_graph: not supported (gradients of gradients); True raises.
        inputs: a tensor, a sequence of them or a dict (its values): add gradients to the
            ``.grad`` of these only (leaves or not; a non-leaf is made to ``retain_grad()``
            for good, as in PyTorch), every other ``.grad`` left alone. Default: all leaves.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, 2.0], requires_grad=True)
        >>> w = rb.tensor([3.0, 4.0], requires_grad=True)
        >>> rb.autograd.backward((w * x).sum(), inputs=[x])
        >>> x.grad, w.grad
        (tensor([3., 4.]), None)
    """
    op = "autograd.backward()"
    _no_graph_of_gradients(create_graph, op)
    if inputs is None:
        run_backward(_roots(tensors, grad_tensors, op), bool(retain_graph))
    else:
        _backward_into(inputs, lambda: _roots(tensors, grad_tensors, op), bool(retain_graph), op)


def _backward_into(inputs: Any, roots: Any, retain_graph: bool, op: str) -> None:
    """``backward(..., inputs=inputs)``: one capture pass for ``inputs`` from ``roots()``
    (called after ``inputs`` is checked, PyTorch's order of errors), then each leaf's gradient
    added to its ``.grad``; a non-leaf's arrives by the ``retain_grad()`` hook, during the pass."""
    if type(inputs) is dict:
        inputs = list(inputs.values())
    elif isinstance(inputs, Mapping):
        raise TypeError(f"`inputs` argument to `backward()` must be a dict, not {type(inputs).__name__}. "
                        "Other Mapping types are not supported.")
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: inputs must be tensors, got {type(t).__name__} at position {i}")
        if not t.requires_grad:
            raise RuntimeError(f"{op}: can't retain_grad on Tensor that has requires_grad=False "
                               f"(input {i}, shape {tuple(t.shape)}); only tensors that require grad "
                               f"can take a gradient")
    for t in inputs:
        if t._node is not None:
            t.retain_grad()  # as PyTorch's: it stays after this pass
    captured = dict.fromkeys(t._node or t for t in inputs)
    run_backward(roots(), retain_graph, captured)
    # The captured gradients are the pass's own arrays (or copies): safe to keep as .grad.
    # Each distinct leaf once, as PyTorch runs a leaf's AccumulateGrad once however often it is listed.
    for leaf in {id(t): t for t in inputs if t._node is None}.values():
        g = captured[leaf]
        if g is not None:
            accumulate(leaf, g)


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor], grad_outputs: Any = None,
         retain_graph: bool | None = None, create_graph: bool = False, allow_unused: bool | None = None,
         materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` w.r.t. ``inputs``, returned; no tensor's ``.grad`` changes.

    Args:
        outputs: a tensor or a sequence of them, each requiring grad.
        inputs: the tensors (leaves or not) to differentiate with respect to.
        grad_outputs: as ``autograd.backward``'s ``grad_tensors``.
        retain_graph: keep the saved arrays for another pass (default False).
        create_graph: not supported (gradients of gradients); True raises.
        allow_unused: give None for an input the outputs do not depend on, instead of
            raising (default: ``materialize_grads``).
        materialize_grads: give zeros instead of None for such an input.

    Returns:
        A tuple with one gradient per input, each of its input's shape.
    """
    op = "autograd.grad()"
    _no_graph_of_gradients(create_graph, op)
    inputs = _tensors(inputs, op, "inputs")
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(f"{op}: input {i} (shape {tuple(t.shape)}) does not require grad, so "
                               f"it has no gradient; create it with requires_grad=True")
    keys = [t._node or t for t in inputs]  # where each input's gradient arrives in the graph
    captured = dict.fromkeys(keys)
    run_backward(_roots(outputs, grad_outputs, op), bool(retain_graph), captured)
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    result = []
    for i, (t, key) in enumerate(zip(inputs, keys)):
        g = captured[key]
        if g is None and materialize_grads:
            result.append(Tensor._wrap(t.data * 0))
        elif g is None and not allow_unused:
            raise RuntimeError(f"{op}: input {i} (shape {tuple(t.shape)}) was not used to compute "
                               f"the outputs; pass allow_unused=True to get None for it")
        else:
            result.append(None if g is None else Tensor._wrap(g))
    return tuple(result)


def _tensors(value: Any, op: str, what: str) -> list:
    items = [value] if isinstance(value, Tensor) else list(value)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {what} must be tensors, got {type(t).__name__} at position {i}")
    if not items:
        raise ValueError(f"{op}: {what} is empty; pass at least one tensor")
    return items


def _roots(tensors: Any, grads: Any, op: str) -> list:
    """``(tensor, gradient array)`` pairs a pass starts from, checked."""
    tensors = _tensors(tensors, op, "outputs" if op.startswith("autograd.grad") else "tensors")
    if grads is None or isinstance(grads, Tensor):
        grads = [grads] * len(tensors) if grads is None else [grads]
    grads = list(grads)
    if len(grads) != len(tensors):
        raise ValueError(f"{op}: got {len(grads)} gradients for {len(tensors)} tensors; pass one "
                         f"per tensor (None for a one-element tensor)")
    return [(t, t._root_gradient(g, f"{op} (tensor {i})")) for i, (t, g) in enumerate(zip(tensors, grads))]


def _no_graph_of_gradients(create_graph: bool, op: str) -> None:
    if create_graph:
        raise NotImplementedError(f"{op}: create_graph=True (gradients of gradients) is not "
                                  f"supported; backward computes on arrays outside the graph")
