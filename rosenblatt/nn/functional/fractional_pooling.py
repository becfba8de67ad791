"""fractional_max_pool2d (Graham, 2014): max pools over windows whose starts step by a
random, non-integer stride, as PyTorch's.

Each (sample, channel) plane draws two numbers ``u`` in [0, 1) (for W and for H); window ``i``
of an axis starts at ``int((i + u) * alpha) - int(u * alpha)`` with
``alpha = (in - k) / (out - 1)``, and the last window ends at the input's edge.  The starts are
computed in the samples' dtype, as PyTorch's kernel does, so the same samples give the same
windows, values and indices.  The maxima are gathered from the input (``gather``), whose
backward adds each output gradient to its argmax.
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...ops import gather
from ...random import Generator
from ...sampling import rand
from ...tensor import Tensor
from ._checks import check_floating
from .conv import _ints
from .pooling import _described
from .pooling3d import _window_max


def _starts(samples: Any, n: int, out: int, k: int) -> Any:
    """Window starts along an axis of ``n`` cells, (N, C, out), from ``samples`` (N, C) in their
    own dtype: PyTorch's ``generate_intervals``."""
    starts = xp.full(samples.shape + (out,), n - k, dtype=xp.int64)
    if out > 1:
        dtype = samples.dtype.type
        alpha = dtype(n - k) / dtype(out - 1)
        i = xp.arange(out - 1).astype(samples.dtype)
        u = samples[..., None]
        # C's int casts truncate toward 0; each product is rounded to the dtype first, as in C
        starts[..., :-1] = ((i + u) * alpha).astype(xp.int64) - (u * alpha).astype(xp.int64)
    return starts


def _output_size(x: Tensor, output_size: Any, output_ratio: Any) -> tuple[int, int]:
    op = "fractional_max_pool2d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{op}: requires either an output_size or an output_ratio, got neither")
    if output_size is not None:
        return _ints(output_size, 2, "output_size", op)
    ratio = (output_ratio,) * 2 if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
    if len(ratio) == 1:
        ratio = ratio * 2
    if len(ratio) != 2:
        raise ValueError(f"{op}: output_ratio must be a number or a pair, got {output_ratio!r}")
    return int(x.shape[-2] * ratio[0]), int(x.shape[-1] * ratio[1])


def fractional_max_pool2d(input: Tensor, kernel_size: int | tuple[int, int],
                          output_size: int | tuple[int, int] | None = None,
                          output_ratio: float | tuple[float, float] | None = None,
                          return_indices: bool = False, _random_samples: Tensor | None = None,
                          generator: Generator | None = None) -> Tensor | tuple[Tensor, Tensor]:
    """Fractional max pooling of an (N, C, H, W) batch, as ``torch.nn.functional.fractional_max_pool2d``.

    ``out[n, c, y, x] = max_{i < kh, j < kw} in[n, c, a_y + i, b_x + j]``, with the starts
    ``a_y = int((y + u_h) alpha_h) - int(u_h alpha_h)`` (``alpha_h = (H - kh) / (Ho - 1)``,
    ``a_{Ho - 1} = H - kh``) and ``b_x`` likewise with ``u_w``; ``(u_w, u_h)`` are
    ``_random_samples[n, c]``.  A window's first maximum wins (its last NaN, if any).

    Args:
        input: (N, C, H, W), or one unbatched (C, H, W) sample; floating-point.
        kernel_size: int or (kh, kw).
        output_size: int or (Ho, Wo); ``Ho + kh - 1 <= H``.
        output_ratio: instead of ``output_size``: a number or pair, ``Ho = int(H * ratio)``.
        return_indices: also return the flat ``h * W + w`` index of each maximum (int64).
        _random_samples: (N, C, 2) (at least N rows; (1, C, 2) for an unbatched input) of the
            input's dtype, in [0, 1): ``[..., 0]`` places the W windows, ``[..., 1]`` the H
            ones.  Default: drawn uniformly from ``generator``.
        generator: the ``rosenblatt.Generator`` for the samples; default generator if None.

    Shape:
        output: (N, C, Ho, Wo).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional.fractional_pooling import fractional_max_pool2d
        >>> fractional_max_pool2d(rb.randn(2, 3, 10, 9), 3, output_size=(4, 5)).shape
        (2, 3, 4, 5)
    """
    op = "fractional_max_pool2d"
    if not isinstance(input, Tensor) or input.ndim not in (3, 4):
        raise ValueError(f"{op}: expected a 4-d input (N, C, H, W) or an unbatched 3-d one "
                         f"(C, H, W), got {_described(input)}")
    check_floating(op, input)
    if not all(input.shape[-3:]):
        raise ValueError(f"{op}: expected non-zero C, H and W (only the batch may be empty), got "
                         f"input {list(input.shape)}")
    kernel = _ints(kernel_size, 2, "kernel_size", op)
    out = _output_size(input, output_size, output_ratio)
    if min(kernel) < 1 or min(out) < 0:
        raise ValueError(f"{op}: kernel_size must be >= 1 and the output size >= 0, got "
                         f"kernel_size={kernel}, output size {out}")
    for axis, name in enumerate(("height", "width")):
        if out[axis] + kernel[axis] - 1 > input.shape[-2 + axis]:
            raise ValueError(f"{op}: output {name} {out[axis]} with pool {name} {kernel[axis]} needs "
                             f"an input {name} of at least {out[axis] + kernel[axis] - 1}, got "
                             f"{input.shape[-2 + axis]} (input {list(input.shape)}); use a smaller "
                             f"output_size or kernel_size")
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    n, c, h, w = x.shape
    samples = _samples(op, x, _random_samples, generator)
    rows = _starts(samples[..., 1], h, out[0], kernel[0])  # (N, C, Ho)
    cols = _starts(samples[..., 0], w, out[1], kernel[1])  # (N, C, Wo)
    if any(s.size and (s.min() < 0 or s.max() > size - k)
           for s, size, k in ((rows, h, kernel[0]), (cols, w, kernel[1]))):
        # a guard: samples in [0, 1) (and NaN, whose casts cancel) give windows inside the input,
        # but a huge sample can overflow one int cast and not the other
        raise ValueError(f"{op}: _random_samples place windows outside the input; they must lie "
                         f"in [0, 1), got values in [{samples.min()}, {samples.max()}]")
    # flat index of every window element: (N, C, Ho, Wo, kh * kw), in the window's row-major order
    cells = ((rows[..., :, None, None, None] + xp.arange(kernel[0])[:, None]) * w
             + cols[..., None, :, None, None] + xp.arange(kernel[1]))
    size = kernel[0] * kernel[1]
    cells = cells.reshape(n, c, out[0], out[1], size)
    planes = x.data.reshape(n, c, 1, h * w)
    flat = cells.reshape(n, c, 1, out[0] * out[1] * size)  # explicit sizes: N may be 0
    windows = xp.take_along_axis(planes, flat, axis=3).reshape(cells.shape)
    _, arg, _ = _window_max(windows, -xp.inf)
    index = xp.take_along_axis(cells, arg[..., None], axis=-1)[..., 0]  # (N, C, Ho, Wo)
    y = gather(x.reshape(n, c, h * w), 2, index.reshape(n, c, out[0] * out[1])).reshape(n, c, *out)
    indices = Tensor._wrap(index)
    if not batched:
        y, indices = y.squeeze(0), indices.squeeze(0)
    return (y, indices) if return_indices else y


def _samples(op: str, x: Tensor, samples: Any, generator: Generator | None) -> Any:
    """The (N, C, 2) samples array: checked as PyTorch checks ``_random_samples``, or drawn."""
    n, c = x.shape[:2]
    if samples is None:
        return rand(n, c, 2, dtype=x.dtype, generator=generator).data
    data = samples.data if isinstance(samples, Tensor) else xp.asarray(samples)
    if data.ndim != 3 or data.shape[0] < n or data.shape[1] != c or data.shape[2] != 2:
        raise ValueError(f"{op}: _random_samples must have shape (N, C, 2) = ({n}, {c}, 2) (or "
                         f"more rows), got {list(data.shape)} for input {list(x.shape)}")
    if data.dtype != x.dtype:
        raise TypeError(f"{op}: _random_samples must have the input's dtype {x.dtype} (the window "
                        f"starts are computed in it), got {data.dtype}; convert them with "
                        f"_random_samples.to(input.dtype)")
    return data[:n]


__all__ = ["fractional_max_pool2d"]
