"""Reverse-mode traversal: from an output back to every leaf that requires grad.

Iterative, so a graph 100,000 nodes deep needs no recursion.  Each node runs
once, when every consumer has handed it its gradient (dependency counting, as
PyTorch's engine does); a leaf's ``.grad`` is filled as soon as its last
consumer has run, so its hooks fire during the pass.  Broadcasting is undone
here, once for all ops: a gradient whose shape differs from its node's output
is summed down to it, by the node or, past pointwise nodes (whose backward gives
the same sums done after it), by the first node or leaf that needs its own shape.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Callable

from .._backend import xp
from .function import Function, IndexedGrad
from .grad_mode import _state, written_since

_ndarray = xp.ndarray

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
    stack = []  # nodes still to visit, but the next one, held in node
    node = root
    while True:
        parents = node.parents
        if parents is None:
            raise RuntimeError(_RELEASED)
        node = None
        for p in parents:
            if p in consumers:
                consumers[p] += 1
            elif p is not None:
                consumers[p] = 1
                # isinstance() is asked of nodes, not leaves: a False answer costs twice a True
                if isinstance(p, Function):  # a node: its inputs next
                    if node is None:
                        node = p
                    else:
                        stack.append(p)
        if node is None:
            if not stack:
                return consumers
            node = stack.pop()


def _check_saved(node: Function) -> None:
    """Raise if the memory of an array ``node`` saved was written in place since (through
    any tensor viewing it)."""
    changed = []
    for i in node.saves_inputs:
        array = node._inputs[i]
        if type(array) is _ndarray and written_since(array, node._epoch):
            changed.append(f"input {i} (shape {tuple(array.shape)})")
    if node.saves_output and written_since(node._output, node._epoch):
        changed.append(f"the output (shape {tuple(node._output.shape)})")
    if changed:
        hint = ("the warning above shows the forward call of the op whose gradient failed; the tensor "
                "was changed there or anywhere later" if _anomaly_report is not None else
                "to see the forward call of that op, enable anomaly detection with "
                "rosenblatt.autograd.set_detect_anomaly(True)")
        raise RuntimeError(
            f"one of the tensors needed for gradient computation has been modified by an "
            f"in-place operation: {' and '.join(changed)} of {type(node).__name__} was changed "
            f"after the op saved it (through it, a view of it or a detach()ed copy). Use an "
            f"out-of-place op (x = x + y instead of x.add_(y)), or clone() the tensor before "
            f"changing it. Hint: {hint}."
        )


#: held while a leaf's ``.grad`` is read and written: backward passes of separate graphs
#: that share leaves may run at once in threads (``nn.DataParallel``'s chunks of a batch).
_leaf_lock = threading.Lock()


def _owned(grad: Any, handed_out: set) -> Any:
    """``grad``, or a copy of it where it shares memory with a gradient already handed out.

    Gradients may be views of one another (add passes its gradient to both inputs);
    each tensor must own its gradient so an in-place change to one leaves the others alone.
    A read-only one (mean's ``broadcast_to`` of its gradient) is copied too: ``.grad`` is
    written in place later (accumulation, ``clip_grad_norm_``, ``zero_grad``).
    """
    base = grad if grad.base is None else grad.base
    if id(base) in handed_out or not grad.flags.writeable:
        return grad.copy()
    handed_out.add(id(base))
    return grad


def _leaf_gradient(leaf: Tensor, grad: Any) -> Any:
    """A leaf's gradient as its ``.grad`` takes it: in its shape (its hooks see that shape,
    as in PyTorch), after its hooks, in its dtype."""
    data = leaf.data
    if grad.shape != data.shape:
        grad = sum_to(grad, data.shape)
    hooks = getattr(leaf, "_hooks", None)  # unset on an op's result made a leaf (requires_grad_())
    if hooks:
        grad = _run_hooks(hooks, grad)
    if grad.dtype != data.dtype:
        grad = grad.astype(data.dtype)
    return grad


def _arrive(leaf: Tensor, grad: Any, handed_out: set, capture: dict | None) -> None:
    """A leaf's complete gradient of this pass: added to its ``.grad``, or kept in ``capture``."""
    if capture is None:
        accumulate(leaf, _leaf_gradient(leaf, grad), handed_out)
    elif leaf in capture:
        capture[leaf] = _owned(_leaf_gradient(leaf, grad), handed_out)


def accumulate(leaf: Tensor, grad: Any, handed_out: set | None = None) -> None:
    """Add ``grad`` (checked, in the leaf's shape and dtype) to ``leaf.grad``, then run the
    leaf's post-accumulate hooks (``register_post_accumulate_grad_hook``), as PyTorch's
    AccumulateGrad.  ``handed_out``: the pass's gradients so far, for ``_owned``; None when
    ``grad`` is the caller's own."""
    with _leaf_lock:
        if leaf.grad is None:  # no need for the setter's checks
            leaf._grad = Tensor._wrap(grad if handed_out is None else _owned(grad, handed_out))
        else:
            leaf._grad.data += grad
    for hook in tuple(getattr(leaf, "_post_hooks", None) or ()):  # unset until one is registered
        result = hook(leaf)
        if result is not None:
            raise RuntimeError(f"Tensor post accumulate grad hooks should return None: "
                               f"{getattr(hook, '__name__', type(hook).__name__)!r} returned "
                               f"{type(result).__name__} (change tensor.grad in place instead)")


_queued_callbacks: list = []


def queue_callback(callback: Callable[[], None]) -> None:
    """Call ``callback()`` once, when the backward pass now running has reached every leaf.

    PyTorch's ``Variable._execution_engine.queue_callback``: a gradient hook
    that starts work (``DistributedDataParallel``'s non-blocking all-reduces)
    queues the wait for it here.  Callbacks queued by a backward that raises
    are dropped.
    """
    _queued_callbacks.append(callback)


class _Roots(Function):
    """Where a pass from several tensors starts: it hands each of them its gradient."""

    def backward(self, grad: Any) -> tuple:
        return self.grads


def run_backward(roots: list, retain_graph: bool, capture: dict | None = None) -> None:
    """Propagate each ``(tensor, grad)`` of ``roots`` (``grad``: the gradient of some scalar
    w.r.t. ``tensor``) to the leaves, then run the callbacks queued meanwhile."""
    start = len(_queued_callbacks)  # a backward run inside a hook keeps its caller's callbacks
    outer = _state.retain_graph, _state.capture
    _state.retain_graph, _state.capture = retain_graph, capture  # once per backward, not per node
    try:
        propagate(roots, retain_graph, capture)
    except BaseException:
        del _queued_callbacks[start:]
        raise
    finally:
        _state.retain_graph, _state.capture = outer
    while len(_queued_callbacks) > start:
        _queued_callbacks.pop(start)()


def propagate(roots: list, retain_graph: bool, capture: dict | None = None) -> None:
    """``run_backward``'s traversal alone: callbacks queued meanwhile are left to the
    backward run around it (``nn.DataParallel`` runs one per chunk inside its node).

    With ``capture`` (a dict keyed by graph elements: the node of a non-leaf tensor,
    or a leaf tensor), the pass stores each key's gradient in it instead of adding to
    any leaf's ``.grad``, and runs only the nodes through which a key is reached
    (``autograd.grad``).
    """
    handed_out = {id(g if g.base is None else g.base) for _, g in roots}
    if len(roots) == 1:
        tensor, grad = roots[0]
        root = tensor._node
        if root is None:  # backward() on a leaf
            _arrive(tensor, grad, handed_out, capture)
            return
    else:
        root = _Roots()
        root.parents = tuple(t._node or t for t, _ in roots)
        root.grads, root._shape = tuple(g for _, g in roots), ()
        grad = xp.zeros((), dtype=roots[0][1].dtype)
    consumers = _count_consumers(root)
    through = None if capture is None else _leading_to(root, capture)
    # Gradient sums of graph elements still waiting for consumers: the first gradient as it
    # came, in a 1-tuple (a backward may hand one array to several inputs: never added into),
    # then a sum of this pass's own in the element's shape, added into in place.
    partial: dict = {}
    # Nodes with their complete gradient, last in first out: the last in two variables (a node
    # most often hands its gradient on to one input node: no tuple to build), the rest in a list.
    next_node, next_g = root, grad
    ready = []
    inplace_count = _state.inplace_count
    kinds = _active_kinds
    node = None
    # The try costs the loop nothing (CPython 3.11's exceptions are zero-cost until raised):
    # anomaly mode's report of the failing node's forward call needs no check per node.
    try:
        while True:
            if next_node is not None:
                node, g, next_node = next_node, next_g, None
            elif ready:
                node, g = ready.pop()
            else:
                break
            try:
                backward, checks_saved, frees, pointwise = kinds[type(node)]
            except KeyError:  # the first node of its class
                backward, checks_saved, frees, pointwise = _kind(type(node))
            # A gradient in a broadcast shape (a consumer broadcast this output) is summed down here,
            # but for a pointwise node: its backward, elementwise and linear in the gradient, gives
            # the same sums done after it, by the first node or leaf that needs its own shape.
            # Reading an array's shape costs an 8x8 op ~3% of its forward+backward.
            if not pointwise and g.shape != node._shape:
                g = sum_to(g, node._shape)
            # A class attribute read through an instance is among CPython 3.11's slowest reads:
            # none is made until some node has hooks.
            if _state.node_hooks and (hooks := node_hooks(node)) is not None:
                g = _run_hooks(hooks, sum_to(g, node._shape))
            if through is not None:
                if node in capture:
                    capture[node] = _owned(sum_to(g, node._shape), handed_out)
                if node not in through:
                    continue
            if checks_saved and node._epoch != inplace_count:
                _check_saved(node)
            input_grads = backward(node, g)
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            for parent, ig in zip(node.parents, input_grads):
                if parent is None:
                    continue
                if ig is None:  # a backward that skipped an input that turns out to need it
                    ig = xp.zeros(_shape_of(parent), dtype=g.dtype)
                n = consumers[parent]  # n > 0: gradients to come; -n once the first has come
                if n != 1:
                    if n > 1:  # the first of several
                        partial[parent] = (ig,)
                        consumers[parent] = 1 - n
                        continue
                    total = partial[parent]
                    # The common case inline: a sum of the pass's own and an array, added in the sum's
                    # dtype (as PyTorch casts each gradient to its tensor's dtype before adding).
                    if type(total) is _ndarray is type(ig):
                        try:
                            total += ig
                        except ValueError:  # ig in a broadcast shape
                            total += sum_to(ig, total.shape)
                    else:
                        total = partial[parent] = _sum(total, ig, _shape_of(parent))
                    if n != -1:  # more to come
                        consumers[parent] = n + 1
                        continue
                    del partial[parent]
                    ig = total
                elif type(ig) is IndexedGrad:
                    ig = ig.dense()
                if isinstance(parent, Function):  # ready: it goes next (last in, first out)
                    if next_node is not None:
                        ready.append((next_node, next_g))
                    next_node, next_g = parent, ig
                else:  # a leaf has all its gradient: it takes it now
                    _arrive(parent, ig, handed_out, capture)
            if not retain_graph and frees:
                if frees is _SLOTS:
                    node.parents = node._inputs = node._output = None
                else:  # frees saved arrays; class-level parents=None marks it released
                    node.__dict__.clear()
    except Exception:
        if _anomaly_report is not None and node is not None:
            _anomaly_report(node)
        raise


#: what the engine reads of a node's class, per class: CPython 3.11 reads attributes of
#: instances of many classes at one place slowly, a dict lookup by class quickly.
_kinds: dict = {}

# Anomaly mode (anomaly.py) swaps these two while it is on, so that the engine asks nothing
# of it per node: the dict of kinds ``propagate`` reads (``_kinds``, or one whose backward
# checks the gradients for nan), and the report of a failing node (None, or a function
# warning with the forward call that made the node).
_active_kinds: dict = _kinds
_anomaly_report: Callable[[Function], None] | None = None


_SLOTS = 2  # how a node frees what it saved, for one in slots (POINTWISE_SLOTS)


def _kind(cls: type) -> tuple:
    frees = cls.saves_arrays and (_SLOTS if cls.__dictoffset__ == 0 else 1)
    kind = _kinds[cls] = (cls.backward, cls._checks_saved, frees, cls.ufunc is not None)
    return kind


def node_hooks(node: Function) -> list | None:
    """The hooks on a node's output gradient, or None (a node in slots may have none set)."""
    return getattr(node, "_hooks", None)


def _shape_of(element: Any) -> tuple:
    """The shape of a graph element's gradient: its node's output, or a leaf's data."""
    return element._shape if isinstance(element, Function) else element.data.shape


def _sum(total: Any, grad: Any, shape: tuple) -> Any:
    """``total + grad``, two gradients of one graph element of ``shape``, as an array of the
    pass's own in ``shape``.  ``total`` is a 1-tuple of the first gradient as it came (left
    unchanged) or a sum of the pass's own (added into where the dtypes agree).  Either may
    be an ``IndexedGrad`` or in a broadcast shape (summed down first, else adding them would
    broadcast the other and count it once per copy)."""
    if type(total) is tuple:
        first = total[0]
        if type(first) is not IndexedGrad and type(grad) is not IndexedGrad:
            return sum_to(first, shape) + sum_to(grad, shape)  # a new array
        total = first.dense() if type(first) is IndexedGrad else sum_to(first, shape).copy()
    if type(grad) is IndexedGrad:
        if grad.value.dtype == total.dtype:
            return grad.add_to(total)
        grad = grad.dense()
    grad = sum_to(grad, shape)
    if grad.dtype == total.dtype:
        total += grad
        return total
    return total + grad  # the promoted dtype, as the two would give outside a sum


def _leading_to(root: Function, targets: dict) -> set:
    """The nodes whose inputs lead (through parents) to one of ``targets``: the ones whose
    backward a pass for those targets must run.  One depth-first walk, post-order."""
    reaches: dict = {}
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            reaches[node] = any(p is not None and (p in targets or reaches.get(p, False))
                                for p in node.parents)
        elif node not in reaches:
            reaches[node] = False  # until its inputs are done; a DAG never asks before that
            stack.append((node, True))
            if node.parents is None:
                raise RuntimeError(_RELEASED)
            stack.extend((p, False) for p in node.parents
                         if isinstance(p, Function) and p not in reaches)
    return {node for node, r in reaches.items() if r}


def _run_hooks(hooks: list, grad: Any) -> Any:
    for hook in hooks:
        result = hook(Tensor._wrap(grad))
        if result is not None:
            data = result.data if isinstance(result, Tensor) else xp.asarray(result)
            if data.shape != grad.shape:
                raise RuntimeError(
                    f"hook {getattr(hook, '__name__', type(hook).__name__)!r} returned a gradient of "
                    f"shape {tuple(data.shape)} for a tensor whose gradient has shape "
                    f"{tuple(grad.shape)}; a hook may change the values, not the shape")
            grad = data
    return grad


class RetainGrad:
    """The hook ``Tensor.retain_grad`` registers: it keeps the gradient on the tensor."""

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = weakref.ref(tensor)  # the node must not keep its output alive

    def __call__(self, grad: Tensor) -> None:
        kept = self.tensor()
        if kept is not None:
            kept._grad = Tensor._wrap(grad.data if kept.grad is None else kept._grad.data + grad.data)


from ..tensor import Tensor  # noqa: E402
