"""Print options for tensors' repr: ``set_printoptions`` and ``get_printoptions``, PyTorch's names.

The options live here, not in NumPy's global print options, so NumPy code that changes
those does not change how tensors print (nor the reverse).

Two differences from PyTorch's printing, both older than these options and kept so the
output does not change: numbers are written with up to ``precision`` digits, trailing
zeros dropped (NumPy's ``1.5`` where PyTorch writes ``1.5000``), and a line breaks at
``linewidth - 5`` characters (NumPy's default of 75 is what rosenblatt always printed at,
and PyTorch's default ``linewidth`` is 80).

Example:
    >>> import rosenblatt as rb
    >>> rb.set_printoptions(threshold=5, edgeitems=2)
    >>> rb.arange(10)
    tensor([0, 1, ..., 8, 9])
    >>> rb.set_printoptions(profile="default")
    >>> rb.arange(10)
    tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
"""
from __future__ import annotations

import dataclasses
import math
import sys
from typing import Any

from ._backend import xp

__all__ = ["get_printoptions", "set_printoptions"]

# Line width NumPy breaks at for PyTorch's `linewidth` (see the module docstring).
_LINEWIDTH_OFFSET = 5


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

_PROFILES = {"default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
             "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
             "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80)}


def _check_int(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"set_printoptions(): {name} must be an int >= {low}, got {value!r}")


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set how tensors print (their ``repr``); options left as None keep their value.

    ``profile`` first sets every option to a preset, then the options given override it.
    ``sci_mode`` is always set: leaving it out goes back to choosing automatically.

    Args:
        precision (int, optional): digits after the decimal point. Default: 4.
        threshold (float, optional): tensors with more elements than this are summarised,
            showing ``edgeitems`` entries at each end of each dim around ``...``.
            Default: 1000.
        edgeitems (int, optional): entries shown at each end when summarised. Default: 3.
        linewidth (int, optional): characters per line before a line break (here lines
            break at ``linewidth - 5``; see the module docstring). Default: 80.
        profile (str, optional): ``'default'``, ``'short'`` (precision 2, edgeitems 2) or
            ``'full'`` (never summarise).
        sci_mode (bool, optional): True always writes floats as ``1.0000e+00``, False
            never does; None (default) chooses from the values' range, as PyTorch does.

    Example:
        >>> import rosenblatt as rb
        >>> rb.set_printoptions(precision=2)
        >>> rb.tensor([1.23456, 2.0])
        tensor([1.23, 2.  ])
        >>> rb.set_printoptions(sci_mode=True)
        >>> rb.tensor([1.5, -20.0])
        tensor([ 1.50e+00, -2.00e+01])
        >>> rb.set_printoptions(profile="default")
        >>> rb.tensor([1.23456, 2.0])
        tensor([1.2346, 2.    ])
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions(): profile must be one of {sorted(_PROFILES)}, "
                             f"got {profile!r}")
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, value)
    if precision is not None:
        _check_int("precision", precision, 0)
        PRINT_OPTS.precision = precision
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or threshold != threshold:
            raise ValueError(f"set_printoptions(): threshold must be a number (math.inf never "
                             f"summarises), got {threshold!r}")
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        _check_int("edgeitems", edgeitems, 0)
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _check_int("linewidth", linewidth, 1)
        PRINT_OPTS.linewidth = linewidth
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise ValueError(f"set_printoptions(): sci_mode must be True, False or None, got {sci_mode!r}")
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, a dict that ``set_printoptions(**options)`` takes back.

    Example:
        >>> import rosenblatt as rb
        >>> rb.get_printoptions()
        {'precision': 4, 'threshold': 1000, 'edgeitems': 3, 'linewidth': 80, 'sci_mode': None}
    """
    return dataclasses.asdict(PRINT_OPTS)


def _sci_formatter(data: Any, precision: int) -> Any:
    """Format floats as ``{:.{precision}e}``, right-aligned to one width (NumPy has no forced
    scientific mode, and a custom formatter's strings are not padded)."""
    finite = data[xp.isfinite(data)].astype(xp.float64)
    negative = bool(xp.signbit(finite).any())  # nan and inf take the finite values' width
    finite = xp.abs(finite[finite != 0])
    three_digit_exponent = bool(finite.size) and (finite.max() >= 1e100 or finite.min() < 1e-99)
    width = precision + 6 + negative + bool(three_digit_exponent)
    return lambda x: f"{x:.{precision}e}".rjust(width)


def format_array(data: Any, prefix: str) -> str:
    """``data``'s values as the body of a tensor repr, under the current print options."""
    opts = PRINT_OPTS
    threshold = max(0, opts.threshold)
    threshold = sys.maxsize if threshold >= sys.maxsize else int(threshold)
    formatter = None
    if opts.sci_mode and data.dtype.kind == "f" and data.size:
        formatter = {"float_kind": _sci_formatter(data, opts.precision)}
    return xp.array2string(data, separator=", ", prefix=prefix, precision=opts.precision,
                           threshold=threshold, edgeitems=opts.edgeitems,
                           max_line_width=max(1, opts.linewidth - _LINEWIDTH_OFFSET),
                           suppress_small=opts.sci_mode is False, formatter=formatter,
                           floatmode="maxprec", sign="-")
