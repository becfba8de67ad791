"""Reverse-mode traversal: from an output back to every leaf that requires grad.

Iterative, so a graph 100,000 nodes deep needs no recursion.  Each node runs
once, when every consumer has handed it its gradient (dependency counting, as
PyTorch's engine does); a leaf's ``.grad`` is filled as soon as its last
consumer has run, so its hooks fire during the pass.  Broadcasting is undone
here, once for all ops: a gradient whose shape differs from its node's output
is summed down to it.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Callable

from .._backend import xp
from .function import Function
from .grad_mode import _state

_RELEASED = (
    "Trying to backward through the graph a second time (or to read saved values after "
    "they were freed). Saved arrays are released after backward; pass retain_graph=True "
    "to the first backward() if you need to call it again."
)


def sum_to(grad: Any, shape: tuple) -> Any:
    """Sum ``grad`` over the axes broadcasting added or stretched, giving ``shape``."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and grad.shape[i + lead] != 1
    )
    out = grad.sum(axis=axes, keepdims=True) if axes else grad
    if lead:
        out = out.reshape(shape)
    return out


def _count_consumers(root: Function) -> dict:
    """How many graph edges point at each node and leaf reachable from ``root``."""
    consumers: dict = {}
    stack = [root]
    while stack:
        parents = stack.pop().parents
        if parents is None:
            raise RuntimeError(_RELEASED)
        for p in parents:
            if p is None:
                continue
            if p in consumers:
                consumers[p] += 1
            else:
                consumers[p] = 1
                if not isinstance(p, Tensor):
                    stack.append(p)
    return consumers


def _check_saved_inputs(node: Function) -> None:
    for i in node.saves_inputs:
        tensor = node._inputs[i]
        if isinstance(tensor, Tensor) and tensor._version > node._epoch:
            raise RuntimeError(
                f"one of the tensors needed for gradient computation has been modified by an "
                f"in-place operation: input {i} (shape {tuple(tensor.shape)}) of "
                f"{type(node).__name__} was changed after the op saved it. Use an out-of-place "
                f"op (x = x + y instead of x.add_(y)), or clone() the tensor before changing it."
            )


#: held while a leaf's ``.grad`` is read and written: backward passes of separate graphs
#: that share leaves may run at once in threads (``nn.DataParallel``'s chunks of a batch).
_leaf_lock = threading.Lock()


def _accumulate_leaf(leaf: Tensor, grad: Any, handed_out: set) -> None:
    if leaf._hooks:
        grad = _run_hooks(leaf._hooks, grad)
    data = leaf.data
    if grad.shape != data.shape:
        grad = sum_to(grad, data.shape)
    if grad.dtype != data.dtype:
        grad = grad.astype(data.dtype)
    # Gradients may be views of one another (add passes its gradient to both inputs);
    # each leaf must own its .grad so an in-place change to one leaves the others alone.
    base = grad if grad.base is None else grad.base
    with _leaf_lock:
        if leaf.grad is None:
            if id(base) in handed_out:
                grad = grad.copy()
            else:
                handed_out.add(id(base))
            leaf.grad = Tensor._wrap(grad)
        else:
            leaf.grad.data += grad


_queued_callbacks: list = []


def queue_callback(callback: Callable[[], None]) -> None:
    """Call ``callback()`` once, when the backward pass now running has reached every leaf.

    PyTorch's ``Variable._execution_engine.queue_callback``: a gradient hook
    that starts work (``DistributedDataParallel``'s non-blocking all-reduces)
    queues the wait for it here.  Callbacks queued by a backward that raises
    are dropped.
    """
    _queued_callbacks.append(callback)


def run_backward(tensor: Tensor, grad: Any, retain_graph: bool) -> None:
    """Propagate ``grad`` (the gradient of some scalar w.r.t. ``tensor``) to the leaves."""
    start = len(_queued_callbacks)  # a backward run inside a hook keeps its caller's callbacks
    outer, _state.retain_graph = _state.retain_graph, retain_graph  # once per backward, not per node
    try:
        propagate(tensor, grad, retain_graph)
    except BaseException:
        del _queued_callbacks[start:]
        raise
    finally:
        _state.retain_graph = outer
    while len(_queued_callbacks) > start:
        _queued_callbacks.pop(start)()


def propagate(tensor: Tensor, grad: Any, retain_graph: bool) -> None:
    """``run_backward``'s traversal alone: callbacks queued meanwhile are left to the
    backward run around it (``nn.DataParallel`` runs one per chunk inside its node)."""
    handed_out = {id(grad if grad.base is None else grad.base)}
    root = tensor._node
    if root is None:  # backward() on a leaf
        _accumulate_leaf(tensor, grad, handed_out)
        return
    consumers = _count_consumers(root)
    partial: dict = {}  # gradient sums of nodes and leaves still waiting for consumers
    ready = [(root, grad)]  # nodes with their complete gradient
    inplace_count = _state.inplace_count
    while ready:
        node, g = ready.pop()
        if g.shape != node._shape:
            g = sum_to(g, node._shape)
        if node._hooks is not None:
            g = _run_hooks(node._hooks, g)
        if node.saves_inputs and node._epoch != inplace_count:
            _check_saved_inputs(node)
        input_grads = node.backward(g)
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        for parent, ig in zip(node.parents, input_grads):
            if parent is None:
                continue
            if ig is None:  # a backward that skipped an input that turns out to need it
                ig = xp.zeros(parent._shape if isinstance(parent, Function) else parent.shape, dtype=g.dtype)
            if parent in partial:
                ig = partial.pop(parent) + ig
            left = consumers[parent] - 1
            if left:  # more gradients to come
                partial[parent] = ig
                consumers[parent] = left
            elif isinstance(parent, Tensor):  # a leaf has all its gradient: accumulate it now
                _accumulate_leaf(parent, ig, handed_out)
            else:
                ready.append((parent, ig))
        if not retain_graph:
            node.__dict__.clear()  # frees saved arrays; class-level parents=None marks it released


def _run_hooks(hooks: list, grad: Any) -> Any:
    for hook in hooks:
        result = hook(Tensor._wrap(grad))
        if result is not None:
            grad = result.data
    return grad


class RetainGrad:
    """The hook ``Tensor.retain_grad`` registers: it keeps the gradient on the tensor."""

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = weakref.ref(tensor)  # the node must not keep its output alive

    def __call__(self, grad: Tensor) -> None:
        kept = self.tensor()
        if kept is not None:
            kept.grad = Tensor._wrap(grad.data if kept.grad is None else kept.grad.data + grad.data)


from ..tensor import Tensor  # noqa: E402
