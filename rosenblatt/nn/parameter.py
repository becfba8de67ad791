"""``Parameter`` (a tensor a ``Module`` owns and an optimizer updates), ``Buffer`` (module
state no optimizer trains) and the lazy layers' placeholders for both."""
from __future__ import annotations

import sys
from typing import Any

from .._backend import xp
from .. import _backend
from ..autograd.function import as_array
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that registers itself on a ``Module`` when assigned as an attribute.

    Args:
        data: the initial values (a Tensor, array or nested list); kept as is, no copy.
        requires_grad: whether optimizers should train it (default True).

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.nn.Parameter(rb.zeros(2))
        >>> w.requires_grad
        True
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = xp.empty((0,), dtype=_backend.default_float)
        elif isinstance(data, Tensor):
            data = data.data
        elif not isinstance(data, xp.ndarray):
            data = as_array(data, "Parameter")
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        body = Tensor.__repr__(Tensor._wrap(self.data))
        if self.requires_grad:
            body = body[:-1] + ", requires_grad=True)"
        return "Parameter containing:\n" + body

    def __reduce_ex__(self, protocol: int) -> Any:
        return (Parameter, (self.data, self.requires_grad))



class Buffer(Tensor):
    """A tensor that registers itself as a ``Module`` buffer when assigned as an attribute.

    ``self.running = nn.Buffer(t)`` in a module is ``self.register_buffer("running", t)``:
    state that ``state_dict()`` saves and ``.to()`` casts, but that no optimizer trains.
    ``persistent=False`` leaves it out of ``state_dict()``.  As PyTorch's (>= 2.5), the buffer
    shares ``data``'s memory and keeps its ``requires_grad``.

    Args:
        data: the values (a Tensor, array or nested list; default an empty tensor of the default dtype).
        persistent: whether ``state_dict()`` includes it (keyword-only, default True).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> class Counter(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.count = nn.Buffer(rb.zeros(()))
        ...         self.scratch = nn.Buffer(rb.zeros(3), persistent=False)
        >>> m = Counter()
        >>> [name for name, _ in m.named_buffers()], list(m.state_dict())
        (['count', 'scratch'], ['count'])
    """

    __slots__ = ("persistent",)

    def __init__(self, data: Any = None, *, persistent: bool = True) -> None:
        requires_grad = False
        if data is None:
            data = xp.empty((0,), dtype=_backend.default_float)
        elif isinstance(data, Tensor):
            data, requires_grad = data.data, data.requires_grad
        elif not isinstance(data, xp.ndarray):
            data = as_array(data, "Buffer")
        super().__init__(data, requires_grad=requires_grad)
        self.persistent = persistent


def _used(kind: str, placeholder: str, owner: str, where: str) -> ValueError:
    """PyTorch's error for an op on a placeholder, naming the placeholder where it is known."""
    named = f" ({owner})" if owner else ""
    return ValueError(
        f"Attempted to use an uninitialized {kind}{named} in {where}. This error happens when you "
        f"are using a `LazyModule` or explicitly manipulating `rosenblatt.nn.{placeholder}` objects. "
        f"When using LazyModules call `forward` with a dummy batch to initialize the parameters "
        f"before calling rosenblatt functions on them, or give the placeholder its shape with "
        f"`materialize(shape)`.")


class _Unmaterialized(xp.ndarray):
    """The empty (0,) array a placeholder holds until ``materialize``.

    Every op reads its inputs' arrays and computes with NumPy, so NumPy's override hooks are
    the one place to stop them all: each ufunc and array function on this array (arithmetic,
    reductions, matmul, concatenation, ...) and indexing or copying it raise PyTorch's
    ValueError, instead of computing on an empty array and failing later with a puzzling
    shape error.  ``astype`` still works: ``Module.double()`` casts placeholders.
    """

    kind = "parameter"
    placeholder = "UninitializedParameter"
    owner = ""  # "LazyLinear.weight", once a lazy module has named it

    def __array_finalize__(self, obj: Any) -> None:
        if obj is not None:  # a cast or view keeps what the error message says
            self.kind = getattr(obj, "kind", self.kind)
            self.placeholder = getattr(obj, "placeholder", self.placeholder)
            self.owner = getattr(obj, "owner", self.owner)

    def _used(self, where: str) -> ValueError:
        return _used(self.kind, self.placeholder, self.owner, where)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
        raise self._used(f"numpy.{name}")

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        raise self._used(f"numpy.{func.__name__}")

    @property
    def shape(self) -> Any:
        # what an op's checks read first (linear, mm, matmul); the caller's name is the one
        # clue to which op it is
        raise self._used(f"{sys._getframe(1).f_code.co_name}() (reading its shape)")

    def __getitem__(self, key: Any) -> Any:
        raise self._used("indexing")

    def __setitem__(self, key: Any, value: Any) -> None:
        raise self._used("item assignment")

    def __iter__(self) -> Any:
        raise self._used("iteration")

    def _refuse(name: str) -> Any:  # type: ignore[misc]
        def method(self: "_Unmaterialized", *args: Any, **kwargs: Any) -> Any:
            raise self._used(f"ndarray.{name}()")
        method.__name__ = name
        return method

    copy = _refuse("copy")
    reshape = _refuse("reshape")
    ravel = _refuse("ravel")
    flatten = _refuse("flatten")
    transpose = _refuse("transpose")
    fill = _refuse("fill")
    item = _refuse("item")
    tolist = _refuse("tolist")
    del _refuse


def _placeholder_array(kind: str, placeholder: str, dtype: Any) -> Any:
    array = xp.empty((0,), dtype=dtype).view(_Unmaterialized)
    array.kind, array.placeholder = kind, placeholder
    return array


class UninitializedTensorMixin:
    """What ``UninitializedParameter`` and ``UninitializedBuffer`` share: a placeholder whose
    shape is not known yet.  ``materialize(shape)`` gives it one, in place, and turns it into
    its ``cls_to_become`` (the same object, so an optimizer built before holds it).

    Until then, as in PyTorch, ``.shape`` raises RuntimeError and using it in an op (``p + 1``,
    ``p.sum()``, ``F.linear(x, p)``), ``numel()``, ``dim()``, ``len()``, ``item()``,
    ``numpy()`` or ``detach()`` raise ValueError, naming the placeholder and the fix; ``dtype``,
    ``ndim``, ``size()`` (``(0,)``), ``requires_grad`` and ``repr`` answer.  Dtype casts
    (``Module.double()``) apply to the placeholder and so to the materialised tensor."""

    __slots__ = ()
    cls_to_become: type

    def materialize(self, shape: tuple[int, ...], device: Any = None, dtype: Any = None) -> None:
        """Give the placeholder ``shape`` (uninitialised values) and make it a plain tensor of
        its kind; ``dtype`` defaults to the placeholder's."""
        dtype = self.data.dtype if dtype is None else xp.dtype(dtype)  # type: ignore[attr-defined]
        self.data = xp.empty(tuple(shape), dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self) -> tuple[int, ...]:
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually "
            "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
            "initialized one. Call `forward` to initialize the parameters before accessing their "
            "attributes.")

    def _name_owner(self, owner: str) -> None:
        """Record where the placeholder lives (``"LazyLinear.weight"``) for the error messages."""
        data = self.data  # type: ignore[attr-defined]
        if isinstance(data, _Unmaterialized):
            data.owner = owner

    def _refused(self, where: str) -> ValueError:
        data = self.data  # type: ignore[attr-defined]
        kind = "buffer" if isinstance(self, Buffer) else "parameter"
        return _used(kind, type(self).__name__, getattr(data, "owner", ""), where)

    # the Tensor methods that read the array without a NumPy op: refused here, as PyTorch does
    def numel(self) -> int:
        raise self._refused("numel()")

    def dim(self) -> int:
        raise self._refused("dim()")

    nelement, ndimension = numel, dim

    def __len__(self) -> int:
        raise self._refused("len()")

    def __iter__(self) -> Any:
        raise self._refused("iteration")

    def item(self) -> Any:
        raise self._refused("item()")

    def tolist(self) -> Any:
        raise self._refused("tolist()")

    def numpy(self) -> Any:
        raise self._refused("numpy()")

    def detach(self) -> Any:
        raise self._refused("detach()")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise self._refused("numpy.asarray()")

    def size(self, dim: int | None = None) -> Any:
        # PyTorch answers (0,) here, though .shape raises
        return Tensor._wrap(self.data.view(xp.ndarray)).size(dim)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _dtype(dtype: Any) -> Any:
    return _backend.default_float if dtype is None else xp.dtype(dtype)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A ``Parameter`` whose shape is not known yet: the lazy layers' weights until their
    first call (see ``nn.LazyLinear``).  ``materialize(shape)`` makes it a ``Parameter``.

    Args:
        requires_grad: as ``Parameter``'s (default True).
        dtype: the dtype it will have (default: ``get_default_dtype()``).

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.nn.UninitializedParameter()
        >>> w
        <UninitializedParameter>
        >>> w.materialize((2, 3))
        >>> type(w).__name__, w.shape
        ('Parameter', (2, 3))
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(_placeholder_array("parameter", type(self).__name__, _dtype(dtype)), requires_grad)

    def __reduce_ex__(self, protocol: int) -> Any:
        return (type(self), (self.requires_grad, None, self.data.dtype))


class UninitializedBuffer(UninitializedTensorMixin, Buffer):
    """A ``Buffer`` whose shape is not known yet: the lazy norms' running statistics until
    their first call.  ``materialize(shape)`` makes it a ``Buffer``.

    Args:
        requires_grad: default False.
        dtype: the dtype it will have (default: ``get_default_dtype()``).
        persistent: whether ``state_dict()`` includes it (default True).

    Example:
        >>> import rosenblatt as rb
        >>> b = rb.nn.UninitializedBuffer()
        >>> b.materialize((4,))
        >>> type(b).__name__, b.shape, b.persistent
        ('Buffer', (4,), True)
    """

    __slots__ = ()
    cls_to_become = Buffer

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None,
                 persistent: bool = True) -> None:
        super().__init__(_placeholder_array("buffer", type(self).__name__, _dtype(dtype)),
                         persistent=persistent)
        if requires_grad:
            self.requires_grad_(True)

    def __reduce_ex__(self, protocol: int) -> Any:
        return (type(self), (self.requires_grad, None, self.data.dtype, self.persistent))


def is_lazy(param: Any) -> bool:
    """Whether ``param`` is an ``UninitializedParameter`` or ``UninitializedBuffer``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.parameter import is_lazy
        >>> is_lazy(rb.nn.LazyLinear(2).weight), is_lazy(rb.nn.Linear(2, 2).weight)
        (True, False)
    """
    return isinstance(param, UninitializedTensorMixin)


__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter",
           "UninitializedTensorMixin", "is_lazy"]
