"""Window functions for spectra and filters, as PyTorch's ``torch.hann_window`` and friends.

Each is ``shape(phase)`` sampled at ``phase = 2 pi n / N``, ``n = 0 .. window_length - 1``,
with ``N = window_length`` (periodic, the default: for spectra) or ``window_length - 1``
(symmetric: for filter design); the default dtype (float32) unless ``dtype`` says otherwise.
"""
from __future__ import annotations

import math
from typing import Any

from ._backend import xp
from ._device import check_device
from .creation import _float, _int_arg
from .tensor import Tensor


def _window(length: int, periodic: bool, op: str, dtype: Any, device: Any, shape: Any) -> Tensor:
    """A window of ``length`` points, ``shape(phase)`` at ``phase = 2 pi n / N`` with ``N =
    length`` (periodic, for spectra) or ``length - 1`` (symmetric); one point is ``[1]``."""
    check_device(f"{op}()", device)
    length = _int_arg(length, "window_length", op)
    if length < 0:
        raise ValueError(f"{op}(): window_length must be >= 0, got {length}")
    dtype = _float(dtype)
    if length == 1:
        return Tensor._wrap(xp.ones(1, dtype=dtype))
    phase = 2 * math.pi * xp.arange(length) / (length if periodic else length - 1)
    return Tensor._wrap(shape(phase).astype(dtype))


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None, device: Any = None) -> Tensor:
    """``0.5 - 0.5 cos(2 pi n / N)``, as ``torch.hann_window``.

    ``N`` is ``window_length`` (periodic) or ``window_length - 1`` (symmetric).

    Args:
        window_length (int): the number of points, >= 0.
        periodic (bool): the periodic form, for spectra (default True); False for the
            symmetric one, for filter design.
        dtype (optional): a floating dtype, ``get_default_dtype()`` (float32) by default.

    Shape: ``(window_length,)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.hann_window(4), rb.hann_window(5, periodic=False)
        (tensor([0. , 0.5, 1. , 0.5]), tensor([0. , 0.5, 1. , 0.5, 0. ]))
    """
    return _window(window_length, periodic, "hann_window", dtype, device, lambda p: 0.5 - 0.5 * xp.cos(p))


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype: Any = None, device: Any = None) -> Tensor:
    """``alpha - beta cos(2 pi n / N)``, as ``torch.hamming_window``.

    ``N`` is ``window_length`` (periodic) or ``window_length - 1`` (symmetric); the defaults
    ``alpha = 0.54``, ``beta = 0.46`` are Hamming's, ``0.5, 0.5`` give the Hann window.

    Args:
        window_length (int): the number of points, >= 0.
        periodic (bool): the periodic form, for spectra (default True); False for the
            symmetric one, for filter design.
        alpha (float): the constant term (default 0.54).
        beta (float): the cosine's weight (default 0.46).
        dtype (optional): a floating dtype, ``get_default_dtype()`` (float32) by default.

    Shape: ``(window_length,)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.hamming_window(5, periodic=False)
        tensor([0.08, 0.54, 1.  , 0.54, 0.08])
    """
    return _window(window_length, periodic, "hamming_window", dtype, device, lambda p: alpha - beta * xp.cos(p))


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None, device: Any = None) -> Tensor:
    """``0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)``, as ``torch.blackman_window``.

    ``N`` is ``window_length`` (periodic) or ``window_length - 1`` (symmetric).

    Args:
        window_length (int): the number of points, >= 0.
        periodic (bool): the periodic form, for spectra (default True); False for the
            symmetric one, for filter design.
        dtype (optional): a floating dtype, ``get_default_dtype()`` (float32) by default.

    Shape: ``(window_length,)``.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.blackman_window(4)
        >>> abs(w[0].item()) < 1e-7, [round(v, 2) for v in w.tolist()[1:]]  # 0 up to rounding
        (True, [0.34, 1.0, 0.34])
    """
    return _window(window_length, periodic, "blackman_window", dtype, device,
                   lambda p: 0.42 - 0.5 * xp.cos(p) + 0.08 * xp.cos(2 * p))


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None, device: Any = None) -> Tensor:
    """The triangle ``1 - |2 n / N - 1|``, as ``torch.bartlett_window``.

    ``N`` is ``window_length`` (periodic) or ``window_length - 1`` (symmetric).

    Args:
        window_length (int): the number of points, >= 0.
        periodic (bool): the periodic form, for spectra (default True); False for the
            symmetric one, for filter design.
        dtype (optional): a floating dtype, ``get_default_dtype()`` (float32) by default.

    Shape: ``(window_length,)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bartlett_window(5, periodic=False)
        tensor([0. , 0.5, 1. , 0.5, 0. ])
    """
    return _window(window_length, periodic, "bartlett_window", dtype, device,
                   lambda p: 1 - xp.abs(p / math.pi - 1))


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype: Any = None,
                  device: Any = None) -> Tensor:
    """The Kaiser window ``I0(beta sqrt(1 - (2 n / N - 1)^2)) / I0(beta)``, as ``torch.kaiser_window``.

    ``I0`` is the modified Bessel function of order 0; ``N`` is ``window_length`` (periodic,
    for spectra) or ``window_length - 1`` (symmetric).  A larger ``beta`` narrows the window.

    Args:
        window_length (int): the number of points, >= 0.
        periodic (bool): the periodic form (default True).
        beta (float): the shape parameter (default 12.0).
        dtype (optional): a floating dtype, ``get_default_dtype()`` (float32) by default.

    Shape: ``(window_length,)``.

    Example:
        >>> import rosenblatt as rb
        >>> [round(v, 4) for v in rb.kaiser_window(5, periodic=False, beta=3.0).tolist()]
        [0.2049, 0.7269, 1.0, 0.7269, 0.2049]
    """
    return _window(window_length, periodic, "kaiser_window", dtype, device,
                   lambda p: xp.i0(beta * xp.sqrt(xp.abs(1 - (p / math.pi - 1) ** 2))) / xp.i0(beta))
