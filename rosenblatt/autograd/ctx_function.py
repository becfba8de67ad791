r"""PyTorch's custom autograd Function: static ``forward(ctx, ...)`` and ``backward(ctx, ...)`` on Tensors.

A ``Function`` subclass whose ``forward`` is a ``staticmethod`` (or that defines
``setup_context``) is written as for ``torch.autograd.Function``, and its ``apply``
is made here; one with instance methods on arrays keeps function.py's protocol.

``forward`` runs on the Tensors themselves with recording off; ``backward(ctx,
*grad_outputs)`` gets one gradient per output and returns one per input of
``forward``, the vector-Jacobian product of the chain rule:

.. math::
    \frac{\partial L}{\partial x_i} = \sum_j \Big(\frac{\partial y_j}{\partial x_i}\Big)^{\top}
    \frac{\partial L}{\partial y_j}

Shapes: each gradient ``backward`` gets has its output's shape and dtype; each it
returns has its input's shape or one that shape broadcasts to (summed down), and is
cast to the input's dtype.  Keyword arguments of ``apply`` bind to ``forward``'s
positional parameters, as in PyTorch 2.13.

The ctx is the graph node (``y.grad_fn``, named ``<Name>Backward`` as in PyTorch),
so any attribute set on it in ``forward`` is there in ``backward``; the engine's
names (``parents`` and the underscored ones of function.py and this module) are
taken.

Where rosenblatt differs from PyTorch 2.13:

* A Function with several differentiable outputs gives each its own small node
  (``y.grad_fn`` differs between them; attributes such as ``saved_tensors`` read
  through to the ctx), since rosenblatt's engine hands each node one gradient.
* A gradient of ``None`` for an input that requires grad reaches it as zeros (its
  ``.grad`` becomes zeros where PyTorch leaves it ``None``).
* ``saved_tensors`` are new Tensors around the saved arrays (``saved[0] is x`` is
  False); an input changed in place *inside* the graph after it was saved takes
  new memory in rosenblatt, so backward sees the saved values and no error is raised.
* ``mark_dirty`` on a view works for ``x[index]`` (the base takes the change, as
  PyTorch's ``CopySlices``); on a ``reshape``/``permute``/``expand`` view it raises.
* There is no double backward (``create_graph`` raises everywhere), so
  ``once_differentiable`` only runs ``backward`` under ``no_grad``; ``jvp``,
  ``vmap`` and saved-tensor hooks are not supported.

Example:
    >>> import rosenblatt as rb
    >>> class MyExp(rb.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x, k=2.0):
    ...         y = x.exp() * k
    ...         ctx.save_for_backward(y)
    ...         return y
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         y, = ctx.saved_tensors
    ...         return grad * y, None
    >>> x = rb.tensor([0.0, 1.0], requires_grad=True)
    >>> y = MyExp.apply(x, 3.0)
    >>> y.grad_fn
    <MyExpBackward>
    >>> y.sum().backward()
    >>> x.grad
    tensor([3.    , 8.1548])
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, TypeVar

from .._backend import xp
from ..tensor import Tensor
from .engine import _RELEASED, sum_to
from .function import Function
from .grad_mode import _state, no_grad, record_write, written_since

F = TypeVar("F", bound=Callable[..., Any])

#: the ``_shape`` of a node with several outputs, and of the ``_Grads`` it is handed: the
#: engine compares the two and finds them equal, so it never tries to sum one down.
_MULTI = ("outputs of a custom Function",)


class FunctionCtx:
    """The ``ctx`` of a custom Function: ``forward`` (or ``setup_context``) leaves on it what
    ``backward`` needs, through these methods or as plain attributes (``ctx.k = k``).

    Example:
        >>> from rosenblatt.autograd.ctx_function import FunctionCtx
        >>> ctx = FunctionCtx()
        >>> ctx.set_materialize_grads(False)
        >>> ctx.materialize_grads
        False
    """

    #: give ``backward`` zeros for outputs that got no gradient (False: ``None``)
    materialize_grads = True
    to_save: tuple = ()
    dirty_tensors: tuple = ()
    non_differentiable: tuple = ()

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` (Tensors or None) for ``backward``, which reads them back as
        ``ctx.saved_tensors``; one changed in place before then makes that read raise."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save tensors (or None), but argument {i} is "
                                f"of type {type(t).__name__}; keep other values as attributes (ctx.k = k)")
        self.to_save = tensors

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Declare the inputs ``forward`` changed in place; each must be returned as an output."""
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Declare outputs that get no gradient (indices, masks): they don't require grad, and
        ``backward`` gets zeros (or None) in their place."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Whether ``backward`` gets zeros (True, the default) or None for outputs that got no gradient."""
        self.materialize_grads = bool(value)


class _CtxNode(FunctionCtx, Function):
    """The graph node of one call of a custom Function, which is also its ``ctx``.

    The engine never clears it (``saves_arrays`` False): ``backward`` frees the saved
    arrays itself, so a Function that saved nothing may run backward twice, as in PyTorch.
    """

    saves_arrays = False
    _forward_cls: type  # the user's Function, set for each subclass
    _saved: tuple | None = ()  # the saved arrays; None once freed
    _epoch = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def name(self) -> str:
        return type(self).__name__

    @property
    def saved_tensors(self) -> tuple:
        """The tensors ``save_for_backward`` kept, checked unchanged since."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(f"{type(self).__name__}: {_RELEASED}")
        if self._epoch != _state.inplace_count:
            changed = [f"saved tensor {i} (shape {tuple(a.shape)})" for i, a in enumerate(saved)
                       if a is not None and written_since(a, self._epoch)]
            if changed:
                raise RuntimeError(
                    f"one of the tensors needed for gradient computation has been modified by an in-place "
                    f"operation: {' and '.join(changed)} of {type(self).__name__} was changed after it was "
                    f"saved (through it, a view of it or a detach()ed copy). Use an out-of-place op "
                    f"(x = x + y instead of x.add_(y)), or clone() the tensor before changing it.")
        return tuple(None if a is None else Tensor._wrap(a) for a in saved)

    def backward(self, grad: Any) -> tuple:
        """The engine's call: the user's ``backward`` on gradient Tensors, its result checked."""
        if type(grad) is _Grads:
            grads = grad.grads
        else:
            grads = [None] * len(self._outputs)
            grads[self._sole] = grad
        args = []
        for g, meta in zip(grads, self._outputs):
            if meta is None:  # not a tensor
                args.append(None)
            elif g is None:
                args.append(Tensor._wrap(xp.zeros(*meta)) if self.materialize_grads else None)
            else:
                args.append(Tensor._wrap(g if g.dtype == meta[1] else g.astype(meta[1])))
        with no_grad():  # no create_graph: backward's ops record nothing, as in PyTorch
            result = _user_backward(self._forward_cls)(self, *args)
        input_grads = self._checked(result)
        if not _state.retain_graph:
            self._saved = None
        return input_grads

    def _checked(self, result: Any) -> tuple:
        """``result`` as the engine takes it: one array or None per input, each in its input's
        shape (summed down from a broadcast one) and dtype; PyTorch's errors otherwise."""
        name = type(self).__name__
        result = result if type(result) is tuple else (result,)
        n = len(self._inputs_meta)
        if len(result) > n and all(r is None for r in result[n:]):
            result = result[:n]
        if len(result) != n:
            raise RuntimeError(
                f"function {name} returned an incorrect number of gradients (expected {n}, got "
                f"{len(result)}); backward must return one gradient (or None) per input of forward, "
                f"non-tensor inputs included")
        grads = []
        for i, (r, meta, parent) in enumerate(zip(result, self._inputs_meta, self.parents)):
            if r is None:
                grads.append(None)
                continue
            if not isinstance(r, Tensor):
                raise RuntimeError(f"function {name} returned a {type(r).__name__} as gradient {i}: "
                                   f"expected Variable or None (got {type(r).__name__})")
            if meta is None:
                raise RuntimeError(f"function {name} returned a gradient different than None at position "
                                   f"{i + 1}, but the corresponding forward input was not a Variable")
            if parent is None:  # a tensor that doesn't require grad: PyTorch drops it unchecked
                grads.append(None)
                continue
            g, (shape, dtype) = r.data, meta
            if g.shape != shape:
                if not _expandable(shape, g.shape):
                    raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - got "
                                       f"{list(g.shape)} but expected shape compatible with {list(shape)}")
                g = sum_to(g, shape)
            if g.dtype != dtype:
                g = g.astype(dtype)
            elif any(a is not None and xp.may_share_memory(g, a) for a in self._saved or ()):
                g = g.copy()  # a saved array as the gradient: a leaf's .grad must not be it
            grads.append(g)
        return tuple(grads)


class _Output(Function):
    """Output ``i`` of a custom Function with several differentiable outputs: it hands its
    gradient to the Function's node, in its place among the outputs.  Attributes it lacks
    (``saved_tensors``, ``needs_input_grad``, the user's) are read from that node."""

    saves_arrays = False

    def backward(self, grad: Any) -> "_Grads":
        grads = [None] * self._count
        grads[self._index] = grad
        return _Grads(grads)

    def __getattr__(self, name: str) -> Any:
        ctx = self.__dict__.get("_ctx")
        if ctx is None:
            raise AttributeError(name)
        return getattr(ctx, name)

    def __repr__(self) -> str:
        return repr(self._ctx)


class _Grads:
    """The gradients of a custom Function's outputs in one backward pass (None where none came):
    what its ``_Output`` nodes hand its node.  It has the ``shape`` and ``dtype`` the engine
    reads of a gradient, and adds, as the engine sums an element's gradients."""

    __slots__ = ("grads",)
    shape = _MULTI
    dtype = None

    def __init__(self, grads: list) -> None:
        self.grads = grads

    def __add__(self, other: "_Grads") -> "_Grads":
        return _Grads([b if a is None else a if b is None else a + b for a, b in zip(self.grads, other.grads)])

    def __iadd__(self, other: "_Grads") -> "_Grads":
        self.grads = (self + other).grads
        return self


def once_differentiable(fn: F) -> F:
    """Mark a custom Function's ``backward`` as not differentiable itself (PyTorch's decorator).

    rosenblatt has no double backward, so this only runs ``fn`` under ``no_grad``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.ctx_function import once_differentiable
        >>> class Square(rb.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     @once_differentiable
        ...     def backward(ctx, grad):
        ...         x, = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> x = rb.tensor([3.0], requires_grad=True)
        >>> Square.apply(x).backward()
        >>> x.grad
        tensor([6.])
    """

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        with no_grad():
            return fn(ctx, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def ctx_style_apply(cls: type) -> staticmethod:
    """``cls.apply`` for a PyTorch-style Function ``cls``: ``forward`` on the inputs with
    recording off, then a node (``cls._backward_cls``, a new ``ctx``) for its outputs.

    Keyword arguments bind to ``forward``'s named positional parameters, as PyTorch 2.13's
    ``apply`` binds them (with ``setup_context``, defaults are filled in too); ``forward``
    gets all inputs positionally, and ``backward`` returns a gradient for each.
    """
    node_cls = type(f"{cls.__name__}Backward", (_CtxNode,),
                    {"_forward_cls": cls, "__module__": cls.__module__, "__doc__": None})
    cls._backward_cls = node_cls
    with_setup = hasattr(cls, "setup_context")

    def apply(*args: Any, **kwargs: Any) -> Any:
        if with_setup:
            args = _bind_with_defaults(cls, args, kwargs)
        elif kwargs:
            args = _bind_keywords(cls, args, kwargs)
        return _run(cls, node_cls, with_setup, args)

    apply.__qualname__ = f"{cls.__qualname__}.apply"
    apply.__doc__ = cls.__doc__
    return staticmethod(apply)


def _run(cls: type, node_cls: type, with_setup: bool, args: tuple) -> Any:
    """One call of ``cls.apply`` on its bound inputs: forward, then the node for the outputs."""
    ctx = node_cls()
    needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
    ctx.needs_input_grad = needs
    record = _state.enabled and any(needs)
    # Read before forward: an input marked dirty takes the new node as its own.
    parents = tuple((a._node or a) if need else None for a, need in zip(args, needs))
    with no_grad():
        if with_setup:
            raw = cls.forward(*args)
            cls.setup_context(ctx, args, raw)
        else:
            raw = cls.forward(ctx, *args)
    is_tuple = isinstance(raw, tuple)
    outputs = tuple(raw) if is_tuple else (raw,)
    dirty = [d for d in ctx.dirty_tensors if any(d is a for a in args)]
    if any(not any(d is o for o in outputs) for d in dirty):
        raise RuntimeError(f"{cls.__name__}: Some elements marked as dirty during the forward method were "
                           f"not returned as output. The inputs that are modified inplace must all be "
                           f"outputs of the Function.")
    for d in dirty:  # their memory changed: nodes that saved it must notice (PyTorch's version bump)
        if record and d.requires_grad and d._node is None:
            raise RuntimeError(f"{cls.__name__}: a leaf Variable that requires grad has been used in an "
                               f"in-place operation (mark_dirty); clone() it before passing it in")
        record_write(d.data)
    results, differentiable = [], []
    for i, o in enumerate(outputs):
        if isinstance(o, Tensor):
            o, keep = _output(o, args, dirty, record and not any(o is n for n in ctx.non_differentiable), cls)
            if keep:
                differentiable.append(i)
        results.append(o)
    if differentiable:
        ctx.parents = parents
        ctx._inputs_meta = tuple((a.shape, a.dtype) if isinstance(a, Tensor) else None for a in args)
        ctx._outputs = tuple((o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outputs)
        ctx._saved = tuple(None if t is None else t.data for t in ctx.to_save)
        if len(differentiable) == 1:
            ctx._sole = i = differentiable[0]
            ctx._shape = results[i].shape
            _attach(results[i], ctx, cls, dirty)
        else:
            ctx._shape = _MULTI
            for i in differentiable:
                node = _Output()
                node.parents, node._shape, node._ctx = (ctx,), results[i].shape, ctx
                node._index, node._count = i, len(outputs)
                _attach(results[i], node, cls, dirty)
        ctx._epoch = _state.inplace_count
    # Held by the node from here on: drop the tensors, as PyTorch does.
    for attribute in ("to_save", "dirty_tensors", "non_differentiable"):
        ctx.__dict__.pop(attribute, None)
    return tuple(results) if is_tuple else results[0]


def _output(o: Tensor, args: tuple, dirty: list, differentiable: bool, cls: type) -> tuple[Tensor, bool]:
    """The tensor ``apply`` returns for ``forward``'s output ``o``, and whether it joins the graph."""
    differentiable = differentiable and o.dtype.kind in "fc"
    if any(o is d for d in dirty):
        return o, differentiable  # the input itself, changed in place
    if o._node is not None or o.requires_grad or any(o is a for a in args):
        o = Tensor._wrap(o.data)  # an input as-is (or a tensor from elsewhere): a new tensor on its memory
    if differentiable and any(isinstance(a, Tensor) and xp.may_share_memory(o.data, a.data) for a in args):
        # As PyTorch: an in-place op in the graph on a view of an input would bypass backward.
        o._view_of = f"{cls.__name__}.apply (its output views an input)"
    return o, differentiable


def _attach(t: Tensor, node: Function, cls: type, dirty: list) -> None:
    """Make ``node`` the history of ``t``; an input marked dirty that views another tensor
    (``x[i]``) writes that tensor instead, as an in-place op on a view does (ops.inplace)."""
    view = None
    if any(t is d for d in dirty):
        from ..ops.inplace import _VIEW_OPS, _base_and_index
        made = getattr(t, "_view_of", None)
        if (made is not None and made != "detach()") or (t._node is not None and t.data.base is not None
                                                         and type(t._node) in _VIEW_OPS):
            view = _base_and_index(t, f"{cls.__name__}.apply (mark_dirty)")
    t._node, t.requires_grad = node, True
    if view is not None:
        from ..ops.indexing import GetItem, setitem_
        base, index = view
        setitem_(base, index, t)  # base takes the change and its history
        result = GetItem.apply(base, index=index)
        t.data, t._node = result.data, result._node


def _user_backward(cls: type) -> Callable:
    backward = cls.backward
    if backward is Function.backward:  # PyTorch's alias
        backward = getattr(cls, "vjp", None)
        if backward is None:
            raise NotImplementedError(f"{cls.__name__}: You must implement either the backward or vjp "
                                      f"method for your custom autograd.Function to use it with backward "
                                      f"mode AD.")
    return backward


def _expandable(shape: tuple, target: tuple) -> bool:
    """Whether ``shape`` broadcasts to ``target`` (a gradient of ``target`` sums down to it)."""
    return len(shape) <= len(target) and all(s == t or s == 1 for s, t in zip(shape[::-1], target[::-1]))


def _bind_keywords(cls: type, args: tuple, kwargs: dict) -> tuple:
    """``args`` with ``kwargs`` put in the places of ``forward``'s parameters of those names
    (after ctx), as PyTorch 2.13's ``apply`` does; its errors otherwise."""
    names = [p.name for p in inspect.signature(cls.forward).parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][1:]
    where = {}
    for key in kwargs:
        if key not in names:
            raise TypeError(f"{cls.__name__}.forward() got an unexpected keyword argument '{key}' "
                            f"(apply binds keywords to forward's positional parameters only)")
        where[key] = i = names.index(key)
        if i < len(args):
            raise TypeError(f"{cls.__name__}.forward() got multiple values for argument '{key}'")
    bound = list(args)
    for i in range(len(args), max(where.values()) + 1):
        if names[i] not in kwargs:
            raise TypeError(f"{cls.__name__}.forward() missing required argument: '{names[i]}' (position {i}); "
                            f"apply fills no defaults before a keyword argument, pass it too")
        bound.append(kwargs[names[i]])
    return tuple(bound)


def _bind_with_defaults(cls: type, args: tuple, kwargs: dict) -> tuple:
    """The inputs of a Function with ``setup_context``: ``forward``'s signature bound to the
    arguments and its defaults filled in, as PyTorch binds them."""
    bound = inspect.signature(cls.forward).bind(*args, **kwargs)
    bound.apply_defaults()
    if bound.kwargs:  # keyword-only parameters: PyTorch's apply passes forward none
        raise TypeError(f"{cls.__name__}.forward() got an unexpected keyword argument "
                        f"'{next(iter(bound.kwargs))}'")
    return bound.args
