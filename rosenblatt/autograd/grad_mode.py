"""Switch gradient recording on and off: ``no_grad`` and ``enable_grad``."""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    """Global autograd state, read by every op call, so kept as plain attributes.

    ``inplace_count`` counts in-place writes outside the graph.  A node that
    saves inputs records it; a written tensor is stamped with it (``_version``).
    At backward, a saved input stamped later than its node was changed after
    being saved.  One counter costs each op a single read instead of a version
    tuple per saved tensor.

    ``retain_graph`` is the running backward's (True when none runs): whether the
    nodes' saved arrays outlive it.
    """

    def __init__(self) -> None:
        # Instance attributes, not class ones: Python 3.11 reads those with its fast
        # specialised lookup, and every op reads ``enabled``.
        self.enabled = True
        self.inplace_count = 0
        self.retain_graph = True


_state = _State()


def is_grad_enabled() -> bool:
    """Whether ops record the graph for backward."""
    return _state.enabled


class _GradMode:
    mode = True

    def __new__(cls, *args: Any) -> Any:
        # Bare decorator form, @no_grad without parentheses, as PyTorch 2 accepts.
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


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


class enable_grad(_GradMode):
    """Context manager and decorator that turns graph recording back on inside ``no_grad``."""

    mode = True


class set_grad_enabled(_GradMode):
    """Set graph recording on or off, as a context manager or a plain call."""

    def __init__(self, mode: bool) -> None:
        self._prev = _state.enabled
        self.mode = bool(mode)
        _state.enabled = self.mode

    def __enter__(self) -> None:
        pass


def mark_modified(*tensors: Any) -> None:
    """Record that ``tensors`` were written in place behind the ops' back.

    Code that updates ``tensor.data`` directly (optimizer steps) calls this, so
    a graph that saved the old values refuses to backward instead of giving a
    wrong gradient.
    """
    _state.inplace_count += 1
    for t in tensors:
        t._version = _state.inplace_count
