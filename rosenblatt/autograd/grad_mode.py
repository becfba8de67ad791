"""Switch gradient recording on and off: ``no_grad`` and ``enable_grad``."""
from __future__ import annotations

import functools
import inspect
import weakref
from typing import Any, Callable, TypeVar

from .._backend import xp

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    """Global autograd state, read by every op call, so kept as plain attributes.

    ``inplace_count`` counts in-place writes outside the graph.  A node that
    saves arrays records it (``_epoch``); each write stamps the memory it wrote
    with it (``record_write``).  At backward, only when the count has moved past
    a node's epoch, the node asks whether the memory of what it saved was
    stamped since.  One counter costs each op a single read instead of a version
    tuple per saved tensor.

    ``retain_graph`` is the running backward's (True when none runs): whether the
    nodes' saved arrays outlive it.

    ``capture`` is the running backward's (None when none runs, or for ``backward()``): the
    dict ``autograd.grad`` collects gradients in; a backward run inside a backward (a
    reentrant checkpoint's) reads it.

    ``node_hooks`` turns True for good when a hook is first registered on a non-leaf
    tensor (its node's ``_hooks``); until then backward reads no node's ``_hooks``.
    """

    def __init__(self) -> None:
        # Instance attributes, not class ones: Python 3.11 reads those with its fast
        # specialised lookup, and every op reads ``enabled``.
        self.enabled = True
        self.inplace_count = 0
        self.retain_graph = True
        self.node_hooks = False
        self.capture = None
        self.inference = False  # inside inference_mode(True) (is_inference_mode_enabled)


_state = _State()


def is_grad_enabled() -> bool:
    """Whether ops record the graph for backward.

    True unless inside ``no_grad``, ``inference_mode`` or ``set_grad_enabled(False)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_grad_enabled()
        True
        >>> with rb.no_grad():
        ...     rb.is_grad_enabled()
        False
    """
    return _state.enabled


class _Switch:
    """Recording set to ``mode`` for a block, then set back (what a decorated call runs in);
    ``inference``, unless None, sets inference mode's flag the same way."""

    inference: bool | None = None

    def __init__(self, mode: bool, inference: bool | None = None) -> None:
        self.mode, self.inference = mode, inference

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = self.mode
        if self.inference is not None:
            self._prev_inference, _state.inference = _state.inference, self.inference

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev
        if self.inference is not None:
            _state.inference = self._prev_inference


class _GradMode(_Switch):
    mode = True

    def __new__(cls, *args: Any) -> Any:
        # Bare decorator form, @no_grad without parentheses, as PyTorch 2 accepts.
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __init__(self) -> None:
        pass  # the mode is the class's

    def __call__(self, func: F) -> F:
        mode, inference = self.mode, self.inference
        if inspect.isgeneratorfunction(func):
            return _generator_in_mode(func, mode, inference)  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _Switch(mode, inference):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _generator_in_mode(func: Callable, mode: bool, inference: bool | None) -> Callable:
    """``func``, a generator function, with its body run in ``mode`` (as PyTorch's decorators).

    Wrapping only the call would switch the mode while the generator is made, not while its
    body runs (at each ``next``); the caller's code between two items keeps its own mode.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gen = func(*args, **kwargs)
        step, arg = gen.send, None
        while True:
            try:
                with _Switch(mode, inference):
                    item = step(arg)
            except StopIteration as end:
                return end.value
            try:
                step, arg = gen.send, (yield item)
            except GeneratorExit:
                with _Switch(mode, inference):
                    gen.close()
                raise
            except BaseException as error:  # thrown in by the caller: on to func's body
                step, arg = gen.throw, error

    return wrapper


class no_grad(_GradMode):
    """Context manager and decorator that stops ops from recording the graph.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.ones(2, requires_grad=True)
        >>> with rb.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    mode = False


class inference_mode(_GradMode):
    """``no_grad`` under PyTorch's newer name, as a context manager or decorator;
    ``inference_mode(False)`` turns recording on, as PyTorch's does (even inside ``no_grad``).

    PyTorch's inference mode also skips its version counters; rosenblatt's in-place
    checks cost nothing outside a graph, so here the two are one.

    Example:
        >>> import rosenblatt as rb
        >>> with rb.inference_mode():
        ...     y = rb.ones(2, requires_grad=True) * 2
        >>> y.requires_grad
        False
    """

    mode = False

    def __init__(self, mode: bool = True) -> None:
        self.mode, self.inference = not mode, bool(mode)


class enable_grad(_GradMode):
    """Context manager and decorator that turns graph recording back on inside ``no_grad``.

    On leaving the block (or the decorated call) the mode before it comes back.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.ones(2, requires_grad=True)
        >>> with rb.no_grad():
        ...     with rb.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
        >>> @rb.enable_grad()
        ... def double(x):
        ...     return x * 2
        >>> with rb.no_grad():
        ...     double(x).requires_grad
        True
    """

    mode = True


class set_grad_enabled(_GradMode):
    """Set graph recording on or off, as a context manager or a plain call.

    As a context manager the mode before it comes back on leaving the block; as a plain
    call it stays set.

    Args:
        mode (bool): True to record the graph, False not to.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.ones(2, requires_grad=True)
        >>> with rb.set_grad_enabled(False):
        ...     (x * 2).requires_grad
        False
        >>> _ = rb.set_grad_enabled(False)  # a plain call: recording stays off
        >>> rb.is_grad_enabled()
        False
        >>> _ = rb.set_grad_enabled(True)
        >>> (x * 2).requires_grad
        True
    """

    def __init__(self, mode: bool) -> None:
        self._prev = _state.enabled
        self.mode = bool(mode)
        _state.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __call__(self, func: F) -> F:
        # Used as a decorator, the mode was set when the decorator was made: set it back,
        # so that only calls of ``func`` run in it (as PyTorch does).
        _state.enabled = self._prev
        return super().__call__(func)


def mark_modified(*tensors: Any) -> None:
    """Record that ``tensors`` were written in place behind the ops' back.

    Code that updates ``tensor.data`` directly (optimizer steps) calls this, so
    a graph that saved the old values refuses to backward instead of giving a
    wrong gradient.
    """
    record_write(*(t.data for t in tensors))


# Writes are recorded per memory, not per tensor: a view (x[i], x.T), a detach()ed tensor and
# the tensor itself share it, so a write through any of them reaches a node that saved another
# (PyTorch shares one version counter among them).
class _Written(weakref.ref):
    """A weak reference to an array whose memory was written in place: the entry of
    ``_written`` under its id, with the in-place count of its last write."""

    __slots__ = ("key", "count")


#: id of the array owning some memory -> its ``_Written``; an entry leaves when its array is
#: freed, so a new array that takes the same id never inherits it.
_written: dict[int, _Written] = {}


def _forget(entry: _Written) -> None:
    if _written.get(entry.key) is entry:
        del _written[entry.key]


def memory_of(array: Any) -> Any:
    """The array owning the memory ``array`` views: the end of its chain of ``.base``
    (through the wrapper NumPy's stride tricks put in it); for memory NumPy does not own
    (``frombuffer``), the last array of the chain."""
    while True:
        base = array.base
        if type(base) is not xp.ndarray:
            base = getattr(base, "base", None)  # as_strided's DummyArray holds the array
            if not isinstance(base, xp.ndarray):
                return array
        array = base


def record_write(*arrays: Any) -> None:
    """Stamp the memory of ``arrays``, just written in place outside the graph, with a new
    in-place count."""
    _state.inplace_count += 1
    for array in arrays:
        root = memory_of(array)
        key = id(root)
        entry = _written.get(key)
        if entry is None or entry() is not root:
            entry = _written[key] = _Written(root, _forget)
            entry.key = key
        entry.count = _state.inplace_count


def written_since(array: Any, epoch: int) -> bool:
    """Whether the memory ``array`` views was written in place after in-place count ``epoch``."""
    root = memory_of(array)
    entry = _written.get(id(root))
    return entry is not None and entry() is root and entry.count > epoch
