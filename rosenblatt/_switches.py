"""PyTorch's global switches: deterministic algorithms, float32 matmul precision, warn-always,
and whether inference mode is on.

Their state is kept and read back as PyTorch's is, so scripts that set and query them run
unchanged; but rosenblatt computes on NumPy, whose ops are deterministic and whose float32
matrix products are full float32, so setting them changes nothing else.
"""
from __future__ import annotations

import warnings

__all__ = ["are_deterministic_algorithms_enabled", "get_deterministic_debug_mode",
           "get_float32_matmul_precision", "is_deterministic_algorithms_warn_only_enabled",
           "is_inference_mode_enabled", "is_warn_always_enabled", "set_deterministic_debug_mode",
           "set_float32_matmul_precision", "set_warn_always", "use_deterministic_algorithms"]


class _Switches:
    """The process-wide settings, PyTorch's defaults."""

    def __init__(self) -> None:
        self.deterministic = False
        self.warn_only = False
        self.matmul_precision = "highest"
        self.warn_always = False


_switches = _Switches()


def _bool(value: object, op: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{op}(): argument '{name}' must be bool, not {type(value).__name__}")
    return value


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms only (PyTorch raises, or warns with ``warn_only``, on an
    op that has none).

    Every rosenblatt op is deterministic already (NumPy on the CPU: same inputs, same
    outputs), so this records the setting for :func:`are_deterministic_algorithms_enabled`
    and changes nothing else.

    Args:
        mode (bool): True to ask for deterministic algorithms.
        warn_only (bool): with ``mode``, warn instead of raising where PyTorch would (default False).

    Example:
        >>> import rosenblatt as rb
        >>> rb.use_deterministic_algorithms(True, warn_only=True)
        >>> rb.are_deterministic_algorithms_enabled(), rb.is_deterministic_algorithms_warn_only_enabled()
        (True, True)
        >>> rb.use_deterministic_algorithms(False)
    """
    _switches.deterministic = _bool(mode, "use_deterministic_algorithms", "mode")
    _switches.warn_only = _bool(warn_only, "use_deterministic_algorithms", "warn_only")


def are_deterministic_algorithms_enabled() -> bool:
    """Whether :func:`use_deterministic_algorithms` is on (False by default).

    Example:
        >>> import rosenblatt as rb
        >>> rb.are_deterministic_algorithms_enabled()
        False
    """
    return _switches.deterministic


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether :func:`use_deterministic_algorithms` was last given ``warn_only=True``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_deterministic_algorithms_warn_only_enabled()
        False
    """
    return _switches.warn_only


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode: int | str) -> None:
    """:func:`use_deterministic_algorithms` by level: 0 or ``"default"`` off, 1 or ``"warn"``
    on with ``warn_only``, 2 or ``"error"`` on.  Recorded only: rosenblatt's ops are all
    deterministic.

    Args:
        debug_mode (int or str): 0, 1, 2, or ``"default"``, ``"warn"``, ``"error"``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.set_deterministic_debug_mode("warn")
        >>> rb.get_deterministic_debug_mode()
        1
        >>> rb.set_deterministic_debug_mode(0)
    """
    if not isinstance(debug_mode, (int, str)):
        raise TypeError(f"set_deterministic_debug_mode(): debug_mode must be str or int, but got "
                        f"{type(debug_mode).__name__}")
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise ValueError(f"set_deterministic_debug_mode(): invalid value of debug_mode, expected one of "
                             f"`default`, `warn`, `error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise ValueError(f"set_deterministic_debug_mode(): invalid value of debug_mode, expected 0, 1, or 2, "
                         f"but got {debug_mode}")
    _switches.deterministic = debug_mode != 0
    _switches.warn_only = debug_mode == 1


def get_deterministic_debug_mode() -> int:
    """The level :func:`set_deterministic_debug_mode` sets: 0 off, 1 warn, 2 error.

    Example:
        >>> import rosenblatt as rb
        >>> rb.get_deterministic_debug_mode()
        0
    """
    if not _switches.deterministic:
        return 0
    return 1 if _switches.warn_only else 2


_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision: str) -> None:
    """Allow float32 matrix products in lower internal precision (PyTorch's TF32/bfloat16 modes).

    ``"highest"`` (the default), ``"high"`` or ``"medium"``; another string warns and changes
    nothing, as PyTorch's.  NumPy's float32 products are always full float32, so this is
    recorded for :func:`get_float32_matmul_precision` and changes nothing else.

    Args:
        precision (str): ``"highest"``, ``"high"`` or ``"medium"``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.set_float32_matmul_precision("high")
        >>> rb.get_float32_matmul_precision()
        'high'
        >>> rb.set_float32_matmul_precision("highest")
    """
    if not isinstance(precision, str):
        raise TypeError(f"set_float32_matmul_precision(): expects a str, but got {type(precision).__name__}")
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      f"set_float32_matmul_precision call has no effect.", UserWarning, stacklevel=2)
        return
    _switches.matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """The precision :func:`set_float32_matmul_precision` set (``"highest"`` by default).

    Example:
        >>> import rosenblatt as rb
        >>> rb.get_float32_matmul_precision()
        'highest'
    """
    return _switches.matmul_precision


def set_warn_always(b: bool, /) -> None:
    """Ask for warnings PyTorch gives once per process to be given every time.

    rosenblatt has no once-per-process warnings (Python's ``warnings`` filters decide), so
    this is recorded for :func:`is_warn_always_enabled` and changes nothing else.

    Args:
        b (bool): True to warn always.

    Example:
        >>> import rosenblatt as rb
        >>> rb.set_warn_always(True)
        >>> rb.is_warn_always_enabled()
        True
        >>> rb.set_warn_always(False)
    """
    if not isinstance(b, bool):
        raise TypeError(f"set_warn_always(): expects a bool, but got {type(b).__name__}")
    _switches.warn_always = b


def is_warn_always_enabled() -> bool:
    """Whether :func:`set_warn_always` is on (False by default).

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_warn_always_enabled()
        False
    """
    return _switches.warn_always


def is_inference_mode_enabled() -> bool:
    """Whether code runs inside :class:`inference_mode` (not ``inference_mode(False)``).

    ``no_grad`` alone is not inference mode, though both stop recording the graph.  Reads the
    flag ``inference_mode`` keeps in the autograd state (``grad_mode._state.inference``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_inference_mode_enabled()
        False
    """
    from .autograd.grad_mode import _state
    return _state.inference
