"""A module's full backward hooks: the graph nodes that show them all of its gradients at once.

``register_full_backward_pre_hook(hook)`` calls ``hook(module, grad_output)`` when the
gradients of the module's outputs are known, and may replace them;
``register_full_backward_hook(hook)`` calls ``hook(module, grad_input, grad_output)``
when those of its positional tensor inputs are, and may replace those (PyTorch's
semantics).  Both need one graph node that receives the gradients of several tensors
together, while a ``Function`` has one output.  So, as PyTorch's ``BackwardHook``
does with its identity function, the tensors pass through a ``_Joined`` node (one flat
array holding them all) and come out as ``_Part`` views of it.  A part's backward
notes that its tensor got a gradient, so one that got none is ``None`` in the hook's
tuple, as in PyTorch.

Inputs: when any positional tensor argument requires a gradient, all of them are
joined, and one that requires none shows zeros in ``grad_input`` (as in PyTorch); when
none does, the full hooks run from the outputs' node with ``None`` entries.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from ..._backend import xp
from ...autograd.function import Function, IndexedGrad
from ...autograd.grad_mode import is_grad_enabled
from ...tensor import Tensor


class _Joined(Function):
    """Several tensors as one flat array; backward hands ``on_grads`` their gradients."""

    saves_arrays = False

    def forward(self, *arrays, on_grads=None, received=None):
        self.shapes = [a.shape for a in arrays]
        self.on_grads, self.received = on_grads, received
        return xp.concatenate([a.reshape(-1) for a in arrays])

    def backward(self, grad):
        grads, start = [], 0
        for k, shape in enumerate(self.shapes):
            size = math.prod(shape)
            grads.append(grad[start:start + size].reshape(shape) if self.received[k] else None)
            start += size
        return tuple(self.on_grads(grads))


class _Part(Function):
    """Tensor ``k`` of a ``_Joined`` flat array, a view; its backward records that it got a gradient."""

    saves_arrays = False

    def forward(self, flat, start=0, shape=(), received=None, k=0):
        self.index, self.flat_shape = slice(start, start + math.prod(shape)), flat.shape
        self.received, self.k = received, k
        return flat[self.index].reshape(shape)

    def backward(self, grad):
        self.received[self.k] = True
        return IndexedGrad(self.flat_shape, self.index, grad.reshape(-1))


def _join(tensors: list[Tensor], on_grads: Callable[[list], list]) -> list[Tensor]:
    """``tensors`` through one ``_Joined`` node; ``on_grads(grads)`` (arrays or None) returns
    the gradients to pass on."""
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) > 1:
        raise TypeError(f"Module backward hooks: the module's tensors must share one dtype, got "
                        f"{sorted(str(d) for d in dtypes)}; cast them before the module")
    received = [False] * len(tensors)
    flat = _Joined.apply(*tensors, on_grads=on_grads, received=received)
    parts, start = [], 0
    for k, t in enumerate(tensors):
        parts.append(_Part.apply(flat, start=start, shape=tuple(t.shape), received=received, k=k))
        start += t.numel()
    return parts


def _tensors(value: Any) -> list[Tensor]:
    """The tensors in an output: a Tensor, or tuples and lists of them (nested)."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    return []


def _replace(value: Any, new: Any) -> Any:
    """``value`` with its tensors taken in order from the iterator ``new``."""
    if isinstance(value, Tensor):
        return next(new)
    if isinstance(value, (tuple, list)):
        items = [_replace(v, new) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    return value


def _wrapped(grads: list) -> tuple:
    return tuple(None if g is None else Tensor._wrap(g) for g in grads)


def _checked(result: Any, expected: int, what: str) -> tuple:
    result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    if len(result) != expected:
        raise RuntimeError(f"Backward hook returned an invalid number of {what}, got {len(result)}, "
                           f"but expected {expected}")
    return result


def _arrays(grads: tuple) -> list:
    return [None if g is None else (g.data if isinstance(g, Tensor) else xp.asarray(g)) for g in grads]


class BackwardHooks:
    """One call of a module with full backward hooks: joins its inputs before ``forward``
    and its outputs after, and runs the hooks from those nodes' backward."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.grad_output: tuple = ()
        self.n_args = 0
        self.inputs_joined = False

    def setup_inputs(self, args: tuple) -> tuple:
        self.n_args = len(args)
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not is_grad_enabled() or not any(args[i].requires_grad for i in positions):
            return args
        self.inputs_joined = True

        def on_grads(grads: list) -> list:
            grad_input = [None] * len(args)
            for i, g in zip(positions, grads):
                # PyTorch's: zeros for a tensor that needs no gradient, joined with one that does
                grad_input[i] = g if args[i].requires_grad else xp.zeros(args[i].shape, args[i].dtype)
            grad_input = self._full_hooks(_wrapped(grad_input))
            return [grad_input[i] for i in positions]

        parts = iter(_join([args[i] for i in positions], on_grads))
        return tuple(next(parts) if i in positions else a for i, a in enumerate(args))

    def setup_outputs(self, output: Any) -> Any:
        tensors = [t for t in _tensors(output) if t.requires_grad]
        if not tensors or not is_grad_enabled():
            return output

        def on_grads(grads: list) -> list:
            grad_output = _wrapped(grads)
            for hook in list(self.module._backward_pre_hooks.values()):
                result = hook(self.module, grad_output)
                if result is not None:
                    grad_output = _checked(result, len(grads), "grad_output")
            self.grad_output = grad_output
            if not self.inputs_joined:  # no input needs a gradient: the hooks run from here
                self._full_hooks((None,) * self.n_args)
            return _arrays(grad_output)

        parts = iter(_join(tensors, on_grads))
        return _replace(output, iter([next(parts) if t.requires_grad else t for t in _tensors(output)]))

    def _full_hooks(self, grad_input: tuple) -> list:
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, grad_input, self.grad_output)
            if result is not None:
                grad_input = _checked(result, len(grad_input), "grad_input")
        return _arrays(grad_input)
