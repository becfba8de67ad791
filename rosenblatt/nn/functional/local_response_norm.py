"""local_response_norm: each value divided by the energy of its neighbouring channels.

Built from base ops as PyTorch builds it: squares, a ``size``-channel average pool over the
channel dim (``avg_pool2d`` with a (size, 1) window on the input viewed as (N, 1, C, rest)),
then ``input / (k + alpha * mean) ** beta``; autograd gives the backward.
"""
from __future__ import annotations

from ...ops import pad
from ...tensor import Tensor
from .pooling import avg_pool2d


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """Local response normalisation across channels (Krizhevsky et al., 2012), as
    ``torch.nn.functional.local_response_norm``.

    ``out[n, c] = in[n, c] / (k + alpha / size * sum_{c'} in[n, c']^2) ** beta`` with ``c'``
    over ``c - size // 2 .. c + (size - 1) // 2`` (channels outside ``0 .. C - 1`` count as 0,
    and the divisor is always ``size``).

    Args:
        input: (N, C, *) with at least one dim after C; an empty input is returned as is.
        size: number of neighbouring channels summed, >= 1.
        alpha: multiplicative factor. Default 1e-4.
        beta: exponent. Default 0.75.
        k: additive factor. Default 1.

    Shape:
        output: the input's shape (and dtype; an int64 input gives float32, as PyTorch's).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.local_response_norm import local_response_norm
        >>> local_response_norm(rb.ones(1, 3, 1), size=2, alpha=1.0, beta=1.0)  # channel 0 sees a pad
        tensor([[[0.6667],
                 [0.5   ],
                 [0.5   ]]])
    """
    if not isinstance(input, Tensor) or input.ndim < 3:
        got = (f"{input.ndim}-d input {list(input.shape)}" if isinstance(input, Tensor)
               else type(input).__name__)
        raise ValueError(f"local_response_norm: expected an input of 3 or more dims (N, C, *), got "
                         f"{got}; add a batch dim with input.unsqueeze(0)")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"local_response_norm: size must be an int >= 1 (channels summed), got {size!r}")
    if input.numel() == 0:
        return input
    n, c = input.shape[:2]
    div = (input * input).reshape(n, 1, c, -1)  # (N, 1, C, rest): the channels as a pooled height
    div = pad(div, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(div, (size, 1), stride=1).reshape(input.shape)
    return input / (div * alpha + k) ** beta


__all__ = ["local_response_norm"]
