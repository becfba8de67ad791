"""Anomaly detection for backward: ``detect_anomaly`` and ``set_detect_anomaly``, as PyTorch's.

While the mode is on, every graph node remembers the Python stack of the forward call that
made it, and backward

- raises ``RuntimeError`` when a node's backward returns a gradient holding nan (with
  ``check_nan``, the default): "Function 'Sqrt' returned nan values in its 0th output.";
- warns (``UserWarning``) with that stack when anything fails while a node is handled (its
  backward, a hook, the in-place check, the nan check), then lets the error go on.

It costs nothing while off: no op or node asks whether it is on.  Switching it on swaps
the recording in and switching it off takes it out: ``Function.__init__``, which nodes
never define (every node is made by ``cls()``: the library's ops, PyTorch-style Functions,
ops that call ``SomeOp.apply`` directly and the operators bound to ``apply`` alike), and
the engine's table of per-class backward calls (engine.py, ``_active_kinds``).  The stacks
sit in a side table keyed weakly by node: nodes in slots have no room for them, and an
entry leaves with its node.
"""
from __future__ import annotations

import functools
import sys
import traceback
import warnings
import weakref
from typing import Any, Callable, TypeVar

from .._backend import xp
from . import engine
from .function import Function, IndexedGrad

F = TypeVar("F", bound=Callable[..., Any])

_enabled = False
_check_nan = True

#: node -> the ``traceback.StackSummary`` of the forward call that made it
_stacks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# Frames of the recording itself, left out of a node's stack: it ends at the line that
# called the op (as PyTorch's, which records from C++).
_MACHINERY = frozenset({"rosenblatt.autograd.function", "rosenblatt.autograd.ctx_function", __name__})


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on (``detect_anomaly``, ``set_detect_anomaly``).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.anomaly import is_anomaly_enabled
        >>> is_anomaly_enabled()
        False
        >>> with rb.autograd.set_detect_anomaly(True):
        ...     is_anomaly_enabled()
        True
    """
    return _enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection raises on gradients holding nan (when it is on): the
    ``check_nan`` it was last set with, True until then.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.anomaly import is_anomaly_check_nan_enabled
        >>> with rb.autograd.set_detect_anomaly(True, check_nan=False):
        ...     is_anomaly_check_nan_enabled()
        False
        >>> is_anomaly_check_nan_enabled()
        True
    """
    return _check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Switch anomaly detection on or off for good (PyTorch's ``torch.set_anomaly_enabled``).

    Args:
        enabled (bool): True to record each op's forward call and check backward.
        check_nan (bool): raise when a backward returns a gradient holding nan. Default: True.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.anomaly import is_anomaly_enabled, set_anomaly_enabled
        >>> set_anomaly_enabled(True)
        >>> is_anomaly_enabled()
        True
        >>> set_anomaly_enabled(False)
    """
    global _enabled, _check_nan
    for position, (name, value) in enumerate((("enabled", enabled), ("check_nan", check_nan)), 1):
        if type(value) is not bool:
            raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position {position}) must be "
                            f"bool, not {type(value).__name__}")
    _enabled, _check_nan = enabled, check_nan
    if enabled:
        if vars(Function).get("__init__") is not _record:
            Function.__init__ = _record  # type: ignore[method-assign]
        engine._anomaly_report = _report
        engine._active_kinds = _nan_checking_kinds if check_nan else engine._kinds
    else:
        if "__init__" in vars(Function):
            del Function.__init__  # back to object's: a node's creation as it was
        engine._anomaly_report = None
        engine._active_kinds = engine._kinds


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on for a block.

    Ops run inside it remember their forward call; backward run inside it raises on a
    gradient holding nan (``check_nan``) and, when a node's backward fails, warns with the
    forward call that made the node.  For debugging only: every op records its stack.
    On leaving the block the mode before it comes back.

    Args:
        check_nan (bool): raise when a backward returns a gradient holding nan. Default: True.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.zeros(3, requires_grad=True)
        >>> with rb.autograd.detect_anomaly():  # it warns with the line of x.sqrt()
        ...     (x.sqrt() * 0).sum().backward()
        Traceback (most recent call last):
        ...
        RuntimeError: Function 'Sqrt' returned nan values in its 0th output.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._previous: list = []
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and "
                      "should only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        self._previous.append((_enabled, _check_nan))  # a stack: the same object may nest
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *exc: object) -> None:
        set_anomaly_enabled(*self._previous.pop())

    def __call__(self, func: F) -> F:
        # Not in PyTorch 2.13 (its detect_anomaly is a context manager only).
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class set_detect_anomaly:
    """Set anomaly detection on or off, as a context manager or a plain call.

    As a context manager the mode before it comes back on leaving the block; as a plain
    call it stays set.  See ``detect_anomaly`` for what the mode does.

    Args:
        mode (bool): True to turn anomaly detection on, False to turn it off.
        check_nan (bool): raise when a backward returns a gradient holding nan. Default: True.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.anomaly import is_anomaly_enabled
        >>> with rb.autograd.set_detect_anomaly(True):
        ...     is_anomaly_enabled()
        True
        >>> is_anomaly_enabled()
        False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev, self.prev_check_nan = _enabled, _check_nan
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


def _record(node: Function) -> None:
    """``Function.__init__`` while the mode is on: keep the stack of the forward call."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__") in _MACHINERY:
        frame = frame.f_back
    # Source lines are read when a report prints them, not for every op.
    stack = traceback.StackSummary.extract(traceback.walk_stack(frame), lookup_lines=False)
    stack.reverse()
    _stacks[node] = stack


def _report(node: Function) -> None:
    """Warn with the forward call that made ``node``, whose handling in backward failed
    (the engine calls it, then re-raises), with PyTorch's message."""
    name = type(node).__name__
    stack = _stacks.get(node)
    if stack is None:
        message = (f"Error detected in {name}. No forward pass information available. Enable detect "
                   f"anomaly during forward pass for more information.")
    else:
        message = (f"Error detected in {name}. Traceback of forward call that caused the error:\n"
                   + "".join(stack.format()))
    warnings.warn(message, UserWarning, stacklevel=_user_level())


def _user_level() -> int:
    """The ``stacklevel`` that points a warning from ``_report`` at the first caller outside
    rosenblatt (the line that called backward), not at the engine."""
    frame, level = sys._getframe(2), 2  # _report's caller: level 2 of warnings.warn in _report
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("rosenblatt."):
        frame, level = frame.f_back, level + 1
    return level


class _NanCheckingKinds(dict):
    """The engine's kinds (engine.py, ``_kinds``) with each class's backward checked for nan:
    what the engine reads while the mode is on with ``check_nan``."""

    def __missing__(self, cls: type) -> tuple:
        backward, checks_saved, frees, pointwise = engine._kinds.get(cls) or engine._kind(cls)
        kind = self[cls] = (_nan_checked(cls.__name__, backward), checks_saved, frees, pointwise)
        return kind


def _nan_checked(name: str, backward: Callable) -> Callable:
    """``backward``, raising PyTorch's error when a gradient it returns holds nan."""

    def checked(node: Function, grad: Any) -> Any:
        grads = backward(node, grad)
        for i, g in enumerate(grads if type(grads) is tuple else (grads,)):
            if type(g) is IndexedGrad:
                g = g.value
            # Others (None, a PyTorch-style Function's gradients of several outputs) are no array.
            if isinstance(g, (xp.ndarray, xp.generic)) and g.dtype.kind in "fc" and xp.isnan(g).any():
                raise RuntimeError(f"Function '{name}' returned nan values in its {i}th output.")
        return grads

    return checked


_nan_checking_kinds = _NanCheckingKinds()
