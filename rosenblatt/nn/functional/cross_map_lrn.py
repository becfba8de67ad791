"""cross_map_lrn2d: ``nn.CrossMapLRN2d``'s math, PyTorch's legacy (Lua Torch) kernel.

It is not ``local_response_norm`` with another name.  PyTorch ports the Lua kernel as it
was, quirks included, and a model trained with it expects them:

* Forward: the channel window is kept as a running sum, adding channel
  ``c + pre_pad - 1`` and dropping channel ``c - pre_pad`` only once ``c > pre_pad``
  (``pre_pad = (size - 1) // 2 + 1``).  The drop starts one channel late, so channel 0
  never leaves the sum: for ``c >= pre_pad`` the window is channel 0 plus
  ``c - pre_pad + 1 .. c + pre_pad - 1``.  Even sizes get a window of ``size - 1``
  channels, yet ``alpha`` is divided by ``size``.
* Backward is hand-written and not the derivative of that forward: it sums
  ``grad * out / scale`` over channels ``c - p .. c - p + size - 1``
  (``p = (size + 1) // 2``, an off-centre window), as PyTorch's does.  A gradient
  check against central differences fails for PyTorch's layer too; matching PyTorch's
  gradients is what carries a model over.  With ``size=1`` PyTorch's backward raises;
  so does this one.

Both keep PyTorch's running sums channel by channel, so the rounding is PyTorch's too.
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_floating


class CrossMapLRN2d(Function):
    """PyTorch's ``torch.nn.modules._functions.CrossMapLRN2d`` on (N, C, H, W) arrays."""

    def forward(self, x: Any, size: int = 5, alpha: float = 1e-4, beta: float = 0.75,
                k: float = 1.0) -> Any:
        channels = x.shape[1]
        square = x * x
        pre_pad = (size - 1) // 2 + 1
        scale = xp.empty_like(x)
        scale[:, 0] = square[:, :min(pre_pad, channels)].sum(axis=1)
        for c in range(1, channels):  # the running window sum, as PyTorch keeps it
            scale[:, c] = scale[:, c - 1]
            if c < channels - pre_pad + 1:
                scale[:, c] += square[:, c + pre_pad - 1]
            if c > pre_pad:  # PyTorch's ">": channel 0 is never dropped (see the docstring)
                scale[:, c] -= square[:, c - pre_pad]
        scale *= alpha / size
        scale += k
        out = scale ** -beta * x
        self.x, self.out, self.scale = x, out, scale
        self.size, self.alpha, self.beta = size, alpha, beta
        return out

    def backward(self, grad: Any) -> Any:
        x, out, scale, size = self.x, self.out, self.scale, self.size
        n, channels = x.shape[:2]
        offset = (size + 1) // 2  # PyTorch's int(size - (size - 1) / 2): channel 0's row when padded
        if offset + channels > channels + size - 1:  # only size == 1: PyTorch's narrow() fails
            raise RuntimeError(f"CrossMapLRN2d: backward fails for size=1 (start ({offset}) + length "
                               f"({channels}) exceeds dimension size ({channels})), as in PyTorch; "
                               f"use size >= 2 or nn.LocalResponseNorm")
        grad_input = scale ** -self.beta * grad
        padded = xp.zeros((n, channels + size - 1) + x.shape[2:], dtype=x.dtype)
        padded[:, offset:offset + channels] = grad * out / scale
        accum = padded[:, :size - 1].sum(axis=1)
        cache = 2 * self.alpha * self.beta / size
        for c in range(channels):
            accum += padded[:, c + size - 1]
            grad_input[:, c] -= cache * x[:, c] * accum
            accum -= padded[:, c]
        return grad_input


def cross_map_lrn2d(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                    k: float = 1.0) -> Tensor:
    """PyTorch's ``CrossMapLRN2d`` forward (and its backward) on an (N, C, H, W) batch.

    ``out = input * (k + alpha / size * window_sum(input ** 2)) ** -beta``, the window
    over channels as PyTorch's legacy kernel keeps it (see this module's docstring: it
    differs from ``local_response_norm``'s).

    Args:
        input: (N, C, H, W), floating-point.
        size: the channel window, >= 1 (backward needs >= 2, as in PyTorch).
        alpha: multiplicative factor. Default 1e-4.
        beta: exponent. Default 0.75.
        k: additive factor. Default 1.

    Shape:
        output: the input's shape and dtype.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.cross_map_lrn import cross_map_lrn2d
        >>> y = cross_map_lrn2d(rb.ones(1, 3, 1, 1), size=3, alpha=3.0, beta=1.0)
        >>> [round(v, 4) for v in y.flatten().tolist()]  # channel 2's window holds channel 0 too
        [0.3333, 0.25, 0.25]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"CrossMapLRN2d: expected a Tensor input, got {type(input).__name__}")
    if input.ndim != 4:  # PyTorch's words
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
    check_floating("CrossMapLRN2d", input)
    if input.shape[1] == 0:
        raise IndexError(f"CrossMapLRN2d: expected at least one channel, got input of shape "
                         f"{tuple(input.shape)}")
    return CrossMapLRN2d.apply(input, size=size, alpha=alpha, beta=beta, k=k)


__all__ = ["cross_map_lrn2d"]
