"""Activation checkpointing, as ``torch.utils.checkpoint``: trade compute for memory.

``checkpoint(function, *args)`` runs ``function`` and keeps none of the arrays its ops
would save for backward; the graph gets one node in their place.  Backward runs
``function`` again with recording on (from the default generator's state of the
forward, so dropout draws the same mask), then backpropagates the incoming gradients
through that fresh graph into the arguments and every parameter the function used.

The two variants (``use_reentrant``) give the same gradients; they differ as PyTorch's:

* ``use_reentrant=True`` (the default when not passed, with a warning, as PyTorch 2.13)
  runs the forward under ``no_grad``.  Only tensors passed directly as arguments are
  inputs of the node; if none requires grad, the outputs do not either (a warning says
  the gradients will be None).  Backward runs a nested backward pass from the recomputed
  outputs, which adds to the parameters' ``.grad`` itself, so ``autograd.grad`` through it
  raises, and keyword arguments for ``function`` are refused.
* ``use_reentrant=False`` records the forward once to learn which tensors from outside
  (parameters, closed-over tensors, tensors inside list/tuple/dict arguments) it reads,
  then drops that graph.  Those become inputs of the node: their gradients go through
  the ordinary backward pass, so ``autograd.grad`` works, hooks run once, and the outputs
  require grad when the parameters do.  The forward's activations live until ``function``
  returns (PyTorch frees them as it goes), never until backward.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.utils.checkpoint import checkpoint
    >>> w = rb.tensor([2.0, 3.0], requires_grad=True)
    >>> x = rb.tensor([1.0, 4.0], requires_grad=True)
    >>> y = checkpoint(lambda x: (x * w).tanh() * w, x, use_reentrant=False)
    >>> y.sum().backward()
    >>> x.grad.shape, w.grad.shape
    ((2,), (2,))
"""
from __future__ import annotations

import warnings
import weakref
from typing import Any, Callable

from .. import random as _random
from .._pytree import tree_flatten, tree_unflatten
from ..autograd.engine import run_backward
from ..autograd.function import Function, IndexedGrad
from ..autograd.grad_mode import _state, enable_grad
from ..tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential"]

_NO_USE_REENTRANT = ("rosenblatt.utils.checkpoint: the use_reentrant parameter should be passed "
                     "explicitly. use_reentrant=False is recommended, but if you need to preserve the "
                     "current default behavior, you can pass use_reentrant=True (as PyTorch 2.13 "
                     "warns). Refer to the module docs for the differences between the two variants.")


def checkpoint(function: Callable, *args: Any, use_reentrant: bool | None = None,
               preserve_rng_state: bool = True, determinism_check: str = "default",
               early_stop: bool = True, **kwargs: Any) -> Any:
    """Run ``function(*args, **kwargs)`` without keeping its activations; recompute them in backward.

    Gradients (of the arguments and of every parameter ``function`` uses) equal those of
    the plain call.  ``function`` must do the same thing when run again: the same ops on
    the same tensors (randomness from the default generator is replayed).

    Args:
        function (Callable): what to run; returns a tensor, or a tuple/list/dict of them
            (other values pass through).
        *args: its arguments: tensors, and any other values.
        use_reentrant (bool): which variant (see the module docs); pass it explicitly.
            None warns and picks True, as PyTorch 2.13 does.
        preserve_rng_state (bool): replay the default generator's state of the forward
            during the recomputation (default True).
        determinism_check (str): ``"default"`` checks that the recomputed outputs have the
            forward's shapes and dtypes; ``"none"`` skips it.
        early_stop (bool): accepted for PyTorch compatibility; the recomputation always
            runs ``function`` whole.
        **kwargs: keyword arguments for ``function`` (``use_reentrant=False`` only).

    Returns:
        what ``function`` returns, its tensors attached to one checkpoint node.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.utils.checkpoint import checkpoint
        >>> x = rb.tensor([0.5, -1.0], requires_grad=True)
        >>> y = checkpoint(lambda t: (t.exp() * t).sum(), x, use_reentrant=True)
        >>> y.backward()
        >>> x.grad  # (1 + x) * exp(x)
        tensor([2.4731, 0.    ])
    """
    if use_reentrant is None:
        warnings.warn(_NO_USE_REENTRANT, stacklevel=2)
        use_reentrant = True
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if determinism_check not in ("default", "none"):
        raise ValueError(f"checkpoint(): determinism_check should be 'default' or 'none', "
                         f"got {determinism_check!r}")
    if not callable(function):
        raise TypeError(f"checkpoint(): function must be callable, got {type(function).__name__}")
    if not _state.enabled:  # nothing is recorded anyway: nothing to save
        return function(*args, **kwargs)
    node = _Checkpoint()
    node.function, node.kwargs, node.reentrant = function, kwargs, bool(use_reentrant)
    node.check = determinism_check == "default"
    node.rng = _random.default_generator.get_state() if preserve_rng_state else None
    if use_reentrant:
        return _reentrant_forward(node, args)
    return _recording_forward(node, args, kwargs)


def checkpoint_sequential(functions: Any, segments: int, input: Tensor, use_reentrant: bool | None = None,
                          **kwargs: Any) -> Tensor:
    """Run ``functions`` one after another, checkpointing all but the last of ``segments`` chunks.

    Each checkpointed chunk keeps only its input; the last chunk runs plainly (its
    activations are needed by the backward that comes right after).

    Args:
        functions: an ``nn.Sequential`` or a list of modules or functions of one tensor.
        segments (int): how many chunks to split them into (``len(functions) // segments``
            each; the last takes the rest).
        input (Tensor): the input of the first function.
        use_reentrant (bool): as :func:`checkpoint` (None warns and picks True).
        preserve_rng_state (bool): as :func:`checkpoint` (default True).

    Returns:
        the output of the last function.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.utils.checkpoint import checkpoint_sequential
        >>> _ = rb.manual_seed(0)
        >>> model = rb.nn.Sequential(rb.nn.Linear(4, 8), rb.nn.Tanh(), rb.nn.Linear(8, 8), rb.nn.Tanh())
        >>> y = checkpoint_sequential(model, 2, rb.randn(3, 4), use_reentrant=False)
        >>> y.sum().backward()
        >>> model[0].weight.grad.shape
        (8, 4)
    """
    if use_reentrant is None:
        warnings.warn(_NO_USE_REENTRANT.replace("checkpoint:", "checkpoint_sequential:"), stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    functions = list(functions)
    if not isinstance(segments, int) or segments < 1:
        raise ValueError(f"checkpoint_sequential(): segments must be a positive int, got {segments!r}")
    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(_Run(functions[start:end + 1]), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return _Run(functions[end + 1:])(input)


class _Run:
    """One chunk of ``checkpoint_sequential``: its functions, one after another."""

    def __init__(self, functions: list) -> None:
        self.functions = functions

    def __call__(self, input: Any) -> Any:
        for f in self.functions:
            input = f(input)
        return input


# ----------------------------------------------------------------------------- the node
class _Checkpoint(Function):
    """The node in place of a checkpointed call.  Its inputs (``parents``) are the
    arguments that require grad, then (``use_reentrant=False``) the outside tensors the
    function read.  Several differentiable outputs share it through ``_Output`` nodes, which
    hand their gradients in as slices of one flat gradient."""

    #: set per node to every tensor argument: an in-place change to one before backward
    #: is reported (the recomputation would read the new values), as PyTorch does.
    saves_inputs = (0,)

    def backward(self, grad: Any) -> tuple:
        grads = [grad] if self.slots is None else [
            grad[start:stop].reshape(shape).astype(dtype, copy=False) for start, stop, shape, dtype in self.slots]
        nested = not self.reentrant  # the reentrant variant detaches direct arguments only, as PyTorch
        detached = []  # the detached copies of the tensor arguments, in order
        outer = _random.default_generator.get_state() if self.rng is not None else None
        try:
            if outer is not None:
                _random.default_generator.set_state(self.rng)
            # The arrays saved at the forward, not the tensors' current ones: a tensor that an
            # in-place op gave new memory since (one requiring grad) is recomputed from its old
            # values, as every node's saved arrays keep them.
            saved = iter(self._inputs)
            args, kwargs = (_detached(self.args, nested, detached, saved),
                            _detached(self.kwargs, nested, detached, saved))
            with enable_grad():
                outputs = _tensors(self.function(*args, **kwargs))
        finally:
            if outer is not None:
                _random.default_generator.set_state(outer)
        if len(outputs) != self.n_outputs:
            raise RuntimeError(f"checkpoint(): the recomputation returned {len(outputs)} tensors, the "
                               f"forward {self.n_outputs}; the function must do the same when run again")
        outputs = [outputs[i] for i in self.positions]
        if self.check:
            for i, (t, (shape, dtype)) in enumerate(zip(outputs, self.metadata)):
                if t.data.shape != shape or t.data.dtype != dtype:
                    raise RuntimeError(
                        f"checkpoint(): recomputed output {i} has shape {tuple(t.data.shape)} and dtype "
                        f"{t.data.dtype}, the forward's had {tuple(shape)} and {dtype}; the function "
                        f"must do the same when run again (or pass determinism_check='none')")
        if self.reentrant:
            return self._nested_backward(outputs, grads, detached)
        return self._captured_backward(outputs, grads, detached)

    def _nested_backward(self, outputs: list, grads: list, detached: list) -> tuple:
        """PyTorch's reentrant backward: a full backward pass from the recomputed outputs,
        adding to every leaf's ``.grad``; the detached arguments' gradients are returned."""
        # The running pass's capture: a plain dict is autograd.grad's, a ``_Capture`` a
        # non-reentrant checkpoint's own pass.
        if type(_state.capture) is dict:
            raise RuntimeError(
                "When use_reentrant=True, rosenblatt.utils.checkpoint is incompatible with "
                "autograd.grad(). To resolve this error, set use_reentrant=False, or call "
                ".backward() instead.")
        roots = [(t, g.astype(t.data.dtype, copy=False)) for t, g in zip(outputs, grads) if t.requires_grad]
        if not roots:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        run_backward(roots, False)
        return tuple(None if d.grad is None else d.grad.data for d in detached if d.requires_grad)

    def _captured_backward(self, outputs: list, grads: list, detached: list) -> tuple:
        """The non-reentrant backward: the recomputed graph's edges into outside tensors are
        cut (each outside tensor replaced by a ``_StandIn``) and one capturing pass collects
        the gradients of the arguments and of the stand-ins; the outer pass hands them on."""
        outside = {id(e): i for i, e in enumerate(self.outside)}
        stand_ins = [None] * len(self.outside)

        def cut(element: Any) -> Any:
            i = outside.get(id(element))
            if i is None:
                return element
            if stand_ins[i] is None:
                stand_ins[i] = _StandIn()
                stand_ins[i].parents = ()
                stand_ins[i]._shape = element._shape if isinstance(element, Function) else element.data.shape
            return stand_ins[i]

        roots, direct = [], {}
        for t, g in zip(outputs, grads):
            if not t.requires_grad:
                continue
            element = t._node or t
            if id(element) in outside:  # returned unchanged: its gradient goes straight to it
                i = outside[id(element)]
                direct[i] = g if i not in direct else direct[i] + g
            else:
                roots.append((t, g.astype(t.data.dtype, copy=False)))
        # Every node reached is fresh (made by the recomputation): the walk stops at outside tensors.
        stack = [t._node for t, _ in roots if t._node is not None]
        seen = {id(n) for n in stack}
        while stack:
            node = stack.pop()
            parents = tuple(cut(p) for p in node.parents)
            if any(a is not b for a, b in zip(parents, node.parents)):
                node.parents = parents
            for p in parents:
                if isinstance(p, Function) and id(p) not in seen and type(p) is not _StandIn:
                    seen.add(id(p))
                    stack.append(p)
        capture = _Capture.fromkeys([d for d in detached if d.requires_grad]
                                    + [s for s in stand_ins if s is not None])
        if roots:
            run_backward(roots, False, capture)
        inputs = [capture[d] for i, d in enumerate(detached) if i in self.used]
        rest = []
        for i, s in enumerate(stand_ins):
            g = None if s is None else capture[s]
            if i in direct:
                g = direct[i] if g is None else g + direct[i]
            rest.append(g)
        return tuple(inputs + rest)


class _Output(Function):
    """One of several differentiable outputs of a checkpoint: its gradient is a slice of
    the checkpoint node's flat one."""

    saves_arrays = False  # keeps no arrays: its node stays whole after backward

    def backward(self, grad: Any) -> Any:
        return IndexedGrad(self.total, self.index, grad.reshape(-1))


class _StandIn(Function):
    """An outside tensor's place in a recomputed graph: gradients stop and are captured here."""

    saves_arrays = False


class _Capture(dict):
    """The gradients a checkpoint's own pass collects (a type of its own: a reentrant
    checkpoint nested in a non-reentrant one must not take it for ``autograd.grad``)."""


# ------------------------------------------------------------------------------ forwards
def _reentrant_forward(node: _Checkpoint, args: tuple) -> Any:
    tensors = [a for a in args if isinstance(a, Tensor)]
    needs_grad = any(t.requires_grad for t in tensors)
    if not needs_grad:
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=3)
    with _no_recording():
        out = node.function(*args)
    node.args = args
    node.used = None
    node.outside = ()
    parents = tuple(t._node or t for t in tensors if t.requires_grad)
    flat = _tensors(out)
    differentiable = [i for i, t in enumerate(flat) if needs_grad and t.data.dtype.kind == "f"]
    return _attach(node, out, flat, differentiable, parents, tensors)


def _recording_forward(node: _Checkpoint, args: tuple, kwargs: dict) -> Any:
    detached = []  # the detached copies of the tensor arguments, in order
    dargs, dkwargs = _detached(args, True, detached), _detached(kwargs, True, detached)
    with enable_grad():
        out = node.function(*dargs, **dkwargs)
    flat = _tensors(out)
    differentiable = [i for i, t in enumerate(flat) if t.requires_grad]
    refs, edges, reached_inputs = _walk([flat[i]._node or flat[i] for i in differentiable], detached)
    result = _attach(node, out, flat, differentiable, (), [])  # the recorded outputs are replaced
    del out, flat, dargs, dkwargs  # the recorded graph goes with them ...
    alive = [r() is not None for r in refs]  # ... but for nodes made before the call
    # The outside nodes are those still alive that a dropped node (or the outputs, edges[-1])
    # used directly; the outside leaves those a dropped node used.  Trap: a node the function
    # itself keeps alive (an intermediate stored on a module) counts as outside; it then gets
    # a zero gradient, its own arrays stay, and the gradients are still right.
    outside, seen = [], set()
    for i, parents in enumerate(edges):
        if i < len(refs) and alive[i]:
            continue
        for p in parents:
            element = refs[p]() if isinstance(p, int) else p  # None: a dropped node
            if element is not None and id(element) not in seen:
                seen.add(id(element))
                outside.append(element)
    originals = _tensors((args, kwargs))  # in the order _detached made the copies
    reached = {id(d) for d in reached_inputs}
    node.used = {i for i, d in enumerate(detached) if id(d) in reached}
    node.args, node.outside = args, outside
    if not differentiable:
        return result
    inputs = tuple(originals[i]._node or originals[i] for i in sorted(node.used))
    _connect(node, inputs + tuple(outside), originals)
    return result


def _walk(roots: list, detached: list) -> tuple:
    """The graph recorded from ``roots``: weak references to its nodes, each node's parents
    (an index into them, or a leaf tensor), the roots' last, and the detached arguments it
    reached.  Only weak references are kept, so the graph can be dropped after."""
    index: dict = {}
    nodes: list = []
    edges: list = []
    reached: list = []
    detached_ids = {id(d) for d in detached}

    def element(p: Any) -> Any:
        if isinstance(p, Function):
            if id(p) not in index:
                index[id(p)] = len(nodes)
                nodes.append(p)
                edges.append(None)
            return index[id(p)]
        if id(p) in detached_ids:
            reached.append(p)
            return None
        return p  # an outside leaf

    root_edges = [e for e in map(element, roots) if e is not None]
    i = 0
    while i < len(nodes):
        edges[i] = [e for e in map(element, (p for p in nodes[i].parents if p is not None)) if e is not None]
        i += 1
    refs = [weakref.ref(n) for n in nodes]
    edges.append(root_edges)
    return refs, edges, reached


def _attach(node: _Checkpoint, out: Any, flat: list, differentiable: list, parents: tuple,
            saved: list) -> Any:
    """``out`` with every tensor a new one sharing its data; the differentiable ones are
    outputs of ``node`` (or of its ``_Output``s)."""
    node.n_outputs, node.positions = len(flat), differentiable
    node.metadata = [(flat[i].data.shape, flat[i].data.dtype) for i in differentiable]
    wrapped = [Tensor._wrap(t.data) for t in flat]
    node.outputs = [wrapped[i] for i in differentiable]
    if parents or saved:
        _connect(node, parents, saved)
    return _rebuild(out, iter(wrapped))


def _connect(node: _Checkpoint, parents: tuple, saved: list) -> None:
    outputs, node.outputs = node.outputs, None
    if not parents or not outputs:
        return
    node.parents = parents
    node._inputs = [t.data for t in saved]
    node.saves_inputs = tuple(range(len(saved)))
    node._epoch = _state.inplace_count
    if len(outputs) == 1:
        node.slots = None
        node._shape = outputs[0].data.shape
        outputs[0]._node = node
        outputs[0].requires_grad = True
        return
    node.slots, offset = [], 0
    for t in outputs:
        node.slots.append((offset, offset + t.data.size, t.data.shape, t.data.dtype))
        offset += t.data.size
    node._shape = (offset,)
    for (start, stop, shape, _), t in zip(node.slots, outputs):
        out = _Output()
        out.parents, out._shape, out.total = (node,), shape, (offset,)
        out.index = slice(start, stop)
        t._node, t.requires_grad = out, True


# ------------------------------------------------------------------------------ helpers
def _tensors(value: Any) -> list:
    """The tensors in ``value`` (a tensor, or nested tuples, lists and dict values), in order."""
    return [leaf for leaf in tree_flatten(value)[0] if isinstance(leaf, Tensor)]


def _rebuild(value: Any, replacements: Any) -> Any:
    """``value`` with each tensor replaced by the next of ``replacements``."""
    leaves, spec = tree_flatten(value)
    return tree_unflatten([next(replacements) if isinstance(leaf, Tensor) else leaf for leaf in leaves], spec)


def _detached(value: Any, nested: bool, made: list | None = None, arrays: Any = None) -> Any:
    """``value`` with its tensors (``nested``: also those in tuples, lists and dicts; else
    only the items of the top-level tuple or dict) replaced by detached copies that
    require grad where the originals do, holding the next of ``arrays`` when given; the
    copies are appended to ``made``."""
    def detach(t: Tensor) -> Tensor:
        d = t.detach()
        if arrays is not None:
            d.data = next(arrays)
        d.requires_grad = t.requires_grad
        if made is not None:
            made.append(d)
        return d

    if nested:
        return _rebuild(value, iter([detach(t) for t in _tensors(value)]))
    if isinstance(value, dict):
        return {k: detach(v) if isinstance(v, Tensor) else v for k, v in value.items()}
    return tuple(detach(v) if isinstance(v, Tensor) else v for v in value)


class _no_recording:
    def __enter__(self) -> None:
        self.prev, _state.enabled = _state.enabled, False

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev
