"""``Function``: one differentiable op, forward and backward side by side.

(A subclass written as PyTorch's, a static ``forward(ctx, ...)`` on Tensors, gets its
``apply`` from ctx_function.py instead; what follows is the library's own protocol.)

A Function subclass writes ``forward(self, *arrays, **options)`` on arrays and
``backward(self, grad)`` returning the gradient for each input (one array for a
one-input op, else a tuple; an ``IndexedGrad`` for an input it used only in part).  ``forward`` keeps on ``self`` only what
``backward`` needs; the instance is the graph node and is freed after backward.

Positional arguments of ``apply`` are the op's inputs (tensors, numbers or
lists); keyword arguments are options passed to ``forward`` unchanged.  The
node is made by calling the subclass with no arguments, so a subclass takes its
inputs in ``forward``, never in ``__init__`` (which it must not define: anomaly
mode records each node's forward call in ``Function.__init__``, anomaly.py).

The graph keeps ``parents`` (read it in backward to skip unneeded gradients)
and the underscored ``_shape``, ``_inputs``, ``_output``, ``_epoch``, ``_hooks``
on each node; a subclass must not use those names for its own state.  An op
that declares ``saves_inputs`` may read its input arrays back from ``_inputs``
in backward, and one that declares ``saves_output`` its output from ``_output``.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.autograd import Function
    >>> class Cube(Function):
    ...     def forward(self, x):
    ...         self.x = x
    ...         return x ** 3
    ...     def backward(self, grad):
    ...         return 3 * self.x ** 2 * grad
    >>> x = rb.tensor([2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad
    tensor([12.])
"""
from __future__ import annotations

import types
from typing import Any

from .._backend import xp
from .grad_mode import _state

_new = object.__new__
_ndarray = xp.ndarray
_scalar_types = (int, float, bool)
_ABSENT = object()  # an input apply was not given
#: the dtypes a ``ufunc`` of an op keeps: NumPy's result is PyTorch's there
_FLOATING = (xp.dtype(xp.float32), xp.dtype(xp.float64), xp.dtype(xp.float16))


class Function:
    # The node of an op with a ``ufunc`` keeps its state in slots (``POINTWISE_SLOTS``); every
    # other op's node in a ``__dict__`` of its own, as a subclass without ``__slots__`` gets.
    __slots__ = ()
    #: graph nodes of the inputs, ``None`` where an input needs no gradient;
    #: the class-level ``None`` shows through once backward has freed the node.
    parents: tuple | None = None
    #: indices of inputs whose arrays ``forward`` keeps for ``backward``; an
    #: in-place change to one of them before backward is reported, not ignored.
    saves_inputs: tuple[int, ...] = ()
    #: True when ``forward`` keeps its output: an in-place change to it is reported, not ignored.
    saves_output = False
    #: False for an op whose ``forward`` keeps no arrays (only shapes and options): backward
    #: leaves its node whole, so another backward may run through it without
    #: ``retain_graph``, as PyTorch allows for nodes that saved no tensors.
    saves_arrays = True
    #: ``saves_inputs or saves_output``, set for each subclass.
    _checks_saved = False
    #: True for an op with a ``ufunc`` that saves arrays: its ``_shape`` is read off them.
    _derives_shape = False
    #: hooks on the output's gradient (``Tensor.register_hook``, ``retain_grad``).
    _hooks: list | None = None
    #: The NumPy ufunc ``forward`` amounts to for floating inputs of one dtype (``xp.add`` for
    #: Add), or None.  ``apply`` calls it itself then, without ``forward``: an 8x8 op's
    #: Python call costs more than its arithmetic.  Such an op must not keep state of its
    #: own for ``backward``; it reads ``_inputs`` and ``_output``, which ``apply`` keeps.
    #: Its backward must be elementwise and linear in ``grad``: the engine may hand it a
    #: gradient in a shape its output was broadcast to (see ``propagate``).  Its node keeps
    #: no ``_shape`` where it saves arrays: the shape is read off them when asked for.  Its
    #: class declares ``__slots__ = POINTWISE_SLOTS``.
    ufunc: Any = None

    @property
    def last_backward(self) -> bool:
        """True in a backward run without ``retain_graph``: the saved arrays are freed
        right after, so backward may write into them instead of allocating (conv2d's
        column gradient does)."""
        return not _state.retain_graph

    def forward(self, *arrays: Any, **options: Any) -> Any:
        raise NotImplementedError

    def backward(self, grad: Any) -> Any:
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Read by the engine for every node: one flag instead of two.
        cls._checks_saved = bool(cls.saves_inputs) or cls.saves_output
        # Reading an array's shape costs an 8x8 op ~5% of its forward: an op with a ufunc that
        # saves arrays anyway gives its output's shape from them, read only when the engine
        # needs it (a hook, autograd.grad, gradients of several consumers to add up).
        cls._derives_shape = cls.ufunc is not None and cls._checks_saved
        if cls._derives_shape:
            cls._shape = property(_shape_from_saved)
        # PyTorch's style, a static forward(ctx, ...) on Tensors: its apply lives in
        # ctx_function.py, loaded only when such a class is first defined.
        forward = next(vars(k)["forward"] for k in cls.__mro__ if "forward" in vars(k))
        if type(forward) is staticmethod or hasattr(cls, "setup_context"):
            from .ctx_function import ctx_style_apply
            cls.apply = ctx_style_apply(cls)
            return
        # A plain function with the class in a closure, not a classmethod: Tensor binds
        # ``__mul__ = Mul.apply`` directly, one Python call fewer per operator.
        cls.apply = staticmethod(_applier(cls) if cls.ufunc is None else _ufunc_applier(cls, _applier(cls)))

    def __repr__(self) -> str:
        return f"<{type(self).__name__}Backward>"


def _applier(cls: type) -> Any:
    """``cls.apply``: run ``cls.forward`` on the inputs' arrays and record the node."""

    # Read once, here: a subclass sets them in its class body.
    checks_saved, saves_inputs, saves_output = cls._checks_saved, bool(cls.saves_inputs), cls.saves_output
    keeps_shape = not cls._derives_shape
    forward = cls.forward  # called unbound: no method lookup per call (~1% of an 8x8 op)

    def apply(x: Any = _ABSENT, y: Any = _ABSENT, /, *more: Any, **options: Any) -> "Tensor":
        # One or two tensors and no options, nearly every call: the arrays go to forward
        # positionally, without the lists and *args call of the general case.  The first two
        # inputs are parameters of their own, so such a call builds no argument tuple (the
        # 8x8 chain: ~190 of 11,600 instructions an op).
        fn = cls()  # cheaper than object.__new__(cls): no argument tuple
        try:
            if y is _ABSENT:
                if isinstance(x, Tensor) and not options:
                    inputs = (x.data,)
                    out = forward(fn, x.data)
                    needs_grad = x.requires_grad
                    parents = (x._node or x,)  # only read when x requires grad
                else:
                    inputs, parents, needs_grad = _unpack(() if x is _ABSENT else (x,), cls)
                    out = forward(fn, *inputs, **options)
            elif not more and not options and isinstance(x, Tensor) and isinstance(y, Tensor):
                inputs = (x.data, y.data)
                out = forward(fn, x.data, y.data)
                needs_grad = x.requires_grad or y.requires_grad
                parents = ((x._node or x) if x.requires_grad else None,  # a leaf is its own node
                           (y._node or y) if y.requires_grad else None)
            else:
                inputs, parents, needs_grad = _unpack((x, y) + more, cls)
                out = forward(fn, *inputs, **options)
        except ValueError as error:
            if "broadcast" not in str(error):
                raise
            shapes = " and ".join(str(list(xp.shape(as_array(a, cls)))) for a in (x, y) + more
                                  if a is not _ABSENT)
            raise ValueError(f"{cls.__name__.lower()}: shapes {shapes} cannot be broadcast "
                             f"together (sizes must match or be 1, aligned from the last dim)") from None
        if type(out) is not _ndarray:
            out = xp.asarray(out)  # NumPy returns scalars from 0-d arithmetic
        t = _new(Tensor)  # its _grad and _hooks stay unset (read with a default): two stores fewer
        t.data = out
        if needs_grad and _state.enabled:
            fn.parents = parents
            if keeps_shape:
                fn._shape = out.shape
            if checks_saved:
                fn._epoch = _state.inplace_count
                if saves_inputs:
                    fn._inputs = inputs
                if saves_output:  # the array itself: the tensor may get new memory later
                    fn._output = out
            t._node = fn
            t.requires_grad = True
        else:
            t._node = None
            t.requires_grad = False
        return t

    return _specialised(apply, cls)


#: The ``__slots__`` of an op with a ``ufunc``: what its apply and the engine set on its
#: node.  No dict per node to build and free: the per-op chain's forward ran ~1.5% faster.
POINTWISE_SLOTS = ("parents", "_shape", "_epoch", "_inputs", "_output", "_hooks", "__weakref__")


def _shape_from_saved(node: Function) -> tuple:
    """The output shape of a node of an op with a ``ufunc``, from the arrays it saved: its
    output, or its inputs broadcast together (Python numbers among them, from the general apply)."""
    if node.saves_output:
        return node._output.shape
    shape = xp.shape(node._inputs[0])
    for other in node._inputs[1:]:
        if xp.shape(other) != shape:
            shape = xp.broadcast_shapes(shape, xp.shape(other))
    return shape


def _specialised(apply: Any, cls: type) -> Any:
    """``apply`` with a code object of its own, named as ``cls``'s: CPython 3.11 keeps its
    attribute caches on the code object, so each op's copy specializes for its own class
    instead of missing on every call of a shared one (the per-op chain's forward ran ~5%
    faster)."""
    apply = types.FunctionType(apply.__code__.replace(), apply.__globals__, "apply", apply.__defaults__,
                               apply.__closure__)
    apply.__qualname__ = f"{cls.__qualname__}.apply"
    apply.__doc__ = cls.__doc__
    return apply


def _ufunc_applier(cls: type, general: Any) -> Any:
    """``cls.apply`` for an op with a ``ufunc``: on floating tensors of one dtype, the ufunc
    and the node recorded here; any other call goes to ``general``, the op's usual apply.

    The general apply's argument handling (options, numbers and lists, ``*inputs``) and
    its call of ``forward`` cost an 8x8 op more than NumPy's arithmetic: this path,
    which needs none of it, ran the per-op chain's forward in 10.2K instructions an op
    instead of 10.7K.  Its recording, from ``if type(out)`` on, is the general one's.
    """
    ufunc = cls.ufunc
    checks_saved, saves_inputs, saves_output = cls._checks_saved, bool(cls.saves_inputs), cls.saves_output
    keeps_shape = not cls._derives_shape

    def apply(x: Any, y: Any = _ABSENT, /) -> "Tensor":
        if y is _ABSENT:
            if not isinstance(x, Tensor) or (a := x.data).dtype not in _FLOATING:
                return general(x)
            out = ufunc(a)
            needs_grad = x.requires_grad
            parents = (x._node or x,)
        else:
            if (not isinstance(y, Tensor) or not isinstance(x, Tensor)
                    or (dtype := (a := x.data).dtype) is not (b := y.data).dtype or dtype not in _FLOATING):
                return general(x, y)
            try:
                out = ufunc(a, b)
            except ValueError:  # shapes that do not broadcast: the general apply's error names them
                return general(x, y)
            needs_grad = x.requires_grad or y.requires_grad
            parents = ((x._node or x) if x.requires_grad else None,
                       (y._node or y) if y.requires_grad else None)
        if type(out) is not _ndarray:
            out = xp.asarray(out)  # NumPy returns scalars from 0-d arithmetic
        t = _new(Tensor)  # its _grad and _hooks stay unset (read with a default): two stores fewer
        t.data = out
        if needs_grad and _state.enabled:
            fn = cls()
            fn.parents = parents
            if keeps_shape:
                fn._shape = out.shape
            if checks_saved:
                fn._epoch = _state.inplace_count
                if saves_inputs:  # built here only: most ops with a ufunc save no input
                    fn._inputs = (a,) if y is _ABSENT else (a, b)
                if saves_output:
                    fn._output = out
            t._node = fn
            t.requires_grad = True
        else:
            t._node = None
            t.requires_grad = False
        return t

    return _specialised(apply, cls)


class IndexedGrad:
    """A gradient that is zero except at ``[index]`` of an array of ``shape``, where it is ``value``.

    What a backward returns for an input it read only in part (``x[index]``): the
    engine adds ``value`` into that input's gradient sum in place, so ``unbind``,
    ``split`` and ``x[t]`` in a loop cost their slices instead of a zero-filled whole
    array each (T slices of a sequence: O(T) work, not O(T^2)).

    Example:
        >>> import numpy
        >>> IndexedGrad((3,), slice(1, 3), numpy.ones(2)).dense()
        array([0., 1., 1.])
    """

    __slots__ = ("shape", "index", "value", "repeats")

    def __init__(self, shape: tuple, index: Any, value: Any, repeats: bool = False) -> None:
        #: ``repeats``: the index holds integer arrays, whose repeated entries must accumulate
        self.shape, self.index, self.value, self.repeats = shape, index, value, repeats

    def add_to(self, out: Any) -> Any:
        """``out[index] += value`` in place; returns ``out``."""
        if not self.repeats:
            out[self.index] += self.value
        elif type(self.index) is _ndarray:  # rows of out, as an embedding's lookups
            rows = self.index.reshape(-1)
            add_rows(out, xp.where(rows < 0, rows + out.shape[0], rows),
                     self.value.reshape((rows.size,) + out.shape[1:]))
        else:
            xp.add.at(out, self.index, self.value)
        return out

    def dense(self) -> Any:
        """The whole gradient as an array."""
        return self.add_to(xp.zeros(self.shape, dtype=self.value.dtype))


def add_rows(out: Any, rows: Any, values: Any) -> Any:
    """``out[rows[i]] += values[i]`` for every ``i``, repeated rows summed; returns ``out``.

    One stable sort and one ``add.reduceat``: NumPy's ``add.at`` took 3-4 ms for the
    GPT's 2048 embedding lookups into 65 rows, this 0.75 ms.  ``rows`` must be >= 0.
    """
    if rows.size:
        order = xp.argsort(rows, kind="stable")
        sorted_rows = rows[order]
        starts = xp.flatnonzero(xp.concatenate(([True], sorted_rows[1:] != sorted_rows[:-1])))
        out[sorted_rows[starts]] += xp.add.reduceat(values[order], starts, axis=0)
    return out


def _unpack(inputs: tuple, op: Any) -> tuple[list, tuple, bool]:
    """The arrays of ``inputs``, their graph nodes, and whether any needs a gradient."""
    arrays = []
    parents = []
    needs_grad = False
    for a in inputs:
        if isinstance(a, Tensor):
            arrays.append(a.data)
            if a.requires_grad:
                needs_grad = True
                parents.append(a._node or a)  # a leaf is its own node
            else:
                parents.append(None)
        else:
            arrays.append(a if isinstance(a, _scalar_types) else as_array(a, op))
            parents.append(None)
    return arrays, tuple(parents), needs_grad


def as_array(value: Any, op: Any = None) -> Any:
    """Turn a tensor, array, number or (nested) list into an array with PyTorch's dtype rules.

    Python floats become float32, ints int64, bools bool.  Strings and other
    objects raise ``TypeError`` naming the op.
    """
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (_ndarray, xp.generic)):
        return value
    if isinstance(value, (list, tuple, int, float, bool)):
        arr = xp.asarray(value)
        if arr.dtype.kind == "f":
            return arr.astype(_backend.default_float, copy=False)
        if arr.dtype.kind == "i":
            return arr.astype(int64, copy=False)
        if arr.dtype.kind == "b":
            return arr
        if arr.dtype.kind in "uO" and _overflows_int64(value):  # NumPy's uint64 or object for them
            name = getattr(op, "__name__", op) or "tensor"
            raise ValueError(f"{str(name).lower()}: {value!r:.60} holds an integer outside int64's range "
                             f"[-2**63, 2**63 - 1]; PyTorch refuses it too (give a float to round it)")
        # fall through: lists of strings or mixed objects
    name = getattr(op, "__name__", op) or "tensor"
    raise TypeError(
        f"{str(name).lower()}: expected a Tensor, a number or a list of numbers, "
        f"got {type(value).__name__} {value!r:.60}"
    )


def tensor_of(value: Any, op: Any = None) -> "Tensor":
    """``value`` itself if it is a Tensor, else a tensor of ``as_array(value, op)``: for
    functions that take numbers and lists where PyTorch takes tensors."""
    return value if isinstance(value, Tensor) else Tensor._wrap(as_array(value, op))


def _overflows_int64(value: Any) -> bool:
    try:
        xp.asarray(value, dtype=int64)
    except OverflowError:
        return True
    except (TypeError, ValueError):  # strings or other objects: not a number to begin with
        return False
    return False


from .. import _backend  # noqa: E402
from .._backend import int64  # noqa: E402
from ..tensor import Tensor  # noqa: E402  (tensor.py imports this module at its end)


def __getattr__(name: str) -> Any:
    """``FunctionCtx`` and ``once_differentiable``, for PyTorch-style Functions (ctx_function.py),
    load on first use: ``import rosenblatt`` does not need them."""
    if name in ("FunctionCtx", "once_differentiable"):
        from . import ctx_function
        return getattr(ctx_function, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
