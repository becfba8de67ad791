"""fractional_max_pool2d and fractional_max_pool3d (Graham, 2014): max pools over windows
whose starts step by a random, non-integer stride, as PyTorch's.

Each (sample, channel) plane draws one number ``u`` in [0, 1) per pooled dim; window ``i`` of
an axis starts at ``int((i + u) * alpha) - int(u * alpha)`` with
``alpha = (in - k) / (out - 1)``, and the last window ends at the input's edge.  The starts are
computed in the samples' dtype, as PyTorch's kernels do, so the same samples give the same
windows, values and indices.  The maxima are gathered from the input (``gather``), whose
backward adds each output gradient to its argmax.  One dimension-generic function serves both.
"""
from __future__ import annotations

import math
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


_TUPLE = {2: "pair", 3: "triple"}
# PyTorch's samples per plane: (W, H) for the 2-d pool, (D, H, W) for the 3-d one
_SAMPLE_OF_AXIS = {2: (1, 0), 3: (0, 1, 2)}


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


def _output_size(op: str, x: Tensor, output_size: Any, output_ratio: Any,
                 dims: int) -> tuple[int, ...]:
    if output_size is None and output_ratio is None:
        raise ValueError(f"{op}: requires either an output_size or an output_ratio, got neither")
    if output_size is not None:
        return _ints(output_size, dims, "output_size", op)
    ratio = (output_ratio,) * dims if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
    if len(ratio) == 1:
        ratio = ratio * dims
    if len(ratio) != dims:
        raise ValueError(f"{op}: output_ratio must be a number or a {_TUPLE[dims]}, got "
                         f"{output_ratio!r}")
    return tuple(int(x.shape[a - dims] * ratio[a]) for a in range(dims))


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
    return _fractional_max_pool("fractional_max_pool2d", 2, input, kernel_size, output_size,
                                output_ratio, return_indices, _random_samples, generator)


def fractional_max_pool3d(input: Tensor, kernel_size: int | tuple[int, int, int],
                          output_size: int | tuple[int, int, int] | None = None,
                          output_ratio: float | tuple[float, float, float] | None = None,
                          return_indices: bool = False, _random_samples: Tensor | None = None,
                          generator: Generator | None = None) -> Tensor | tuple[Tensor, Tensor]:
    """Fractional max pooling of an (N, C, D, H, W) batch, as ``torch.nn.functional.fractional_max_pool3d``.

    ``out[n, c, z, y, x] = max_{i < kd, j < kh, l < kw} in[n, c, a_z + i, b_y + j, c_x + l]``,
    each axis' starts as ``fractional_max_pool2d``'s (``a_z = int((z + u_d) alpha_d) -
    int(u_d alpha_d)``, ``alpha_d = (D - kd) / (Do - 1)``, the last window ending at the edge);
    ``(u_d, u_h, u_w)`` are ``_random_samples[n, c]``.  A window's first maximum (in
    depth, row, column order) wins, its last NaN if it has one.

    Args:
        input: (N, C, D, H, W), or one unbatched (C, D, H, W) sample; floating-point.
        kernel_size: int or (kd, kh, kw).
        output_size: int or (Do, Ho, Wo); PyTorch's 3-d kernel needs ``Do + kd - 1 < D``
            (strictly less: one less than the 2-d pool allows), and so for H and W.
        output_ratio: instead of ``output_size``: a number or triple, ``Do = int(D * ratio)``.
        return_indices: also return the flat ``(d * H + h) * W + w`` index of each maximum (int64).
        _random_samples: (N, C, 3) (at least N rows; (1, C, 3) for an unbatched input) of the
            input's dtype, in [0, 1): ``[..., 0]`` places the D windows, ``[..., 1]`` the H
            ones, ``[..., 2]`` the W ones.  Default: drawn uniformly from ``generator``.
        generator: the ``rosenblatt.Generator`` for the samples; default generator if None.

    Shape:
        output: (N, C, Do, Ho, Wo).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional import fractional_max_pool3d
        >>> x = rb.randn(2, 3, 8, 10, 9, requires_grad=True)
        >>> y, i = fractional_max_pool3d(x, 2, output_size=(3, 4, 5), return_indices=True)
        >>> y.shape, i.shape
        ((2, 3, 3, 4, 5), (2, 3, 3, 4, 5))
        >>> y.sum().backward()  # each output's gradient goes to its window's maximum
        >>> int(x.grad.sum())  # one per output
        360
    """
    return _fractional_max_pool("fractional_max_pool3d", 3, input, kernel_size, output_size,
                                output_ratio, return_indices, _random_samples, generator)


def _fractional_max_pool(op: str, dims: int, input: Tensor, kernel_size: Any, output_size: Any,
                         output_ratio: Any, return_indices: bool, random_samples: Any,
                         generator: Generator | None) -> Tensor | tuple[Tensor, Tensor]:
    """The pool over the last ``dims`` dims (2 or 3): checks as PyTorch's, then the windows."""
    letters = ", ".join("DHW"[-dims:])
    if not isinstance(input, Tensor) or input.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{op}: expected a {dims + 2}-d input (N, C, {letters}) or an unbatched "
                         f"{dims + 1}-d one (C, {letters}), got {_described(input)}")
    check_floating(op, input)
    if not all(input.shape[-dims - 1:]):
        nonzero = ", ".join(("C",) + tuple("DHW"[-dims:-1])) + " and W"
        raise ValueError(f"{op}: expected non-zero {nonzero} (only the batch may be empty), got "
                         f"input {list(input.shape)}")
    kernel = _ints(kernel_size, dims, "kernel_size", op)
    out = _output_size(op, input, output_size, output_ratio, dims)
    if min(kernel) < 1 or min(out) < 0:
        raise ValueError(f"{op}: kernel_size must be >= 1 and the output size >= 0, got "
                         f"kernel_size={kernel}, output size {out}")
    # PyTorch's 2-d kernel takes out + k - 1 <= in, its 3-d one only out + k - 1 < in
    slack = 0 if dims == 2 else 1
    for axis, name in enumerate(("depth", "height", "width")[-dims:]):
        size = input.shape[axis - dims]
        least = out[axis] + kernel[axis] - 1 + slack
        if least > size:
            raise ValueError(f"{op}: output {name} {out[axis]} with pool {name} {kernel[axis]} "
                             f"needs an input {name} of at least {least}, got {size} (input "
                             f"{list(input.shape)}); use a smaller output_size or kernel_size")
    batched = input.ndim == dims + 2
    x = input if batched else input.unsqueeze(0)
    n, c, *spatial = x.shape
    samples = _samples(op, x, random_samples, generator, dims)
    starts = [_starts(samples[..., _SAMPLE_OF_AXIS[dims][a]], spatial[a], out[a], kernel[a])
              for a in range(dims)]  # each (N, C, out[a])
    if any(s.size and (s.min() < 0 or s.max() > size - k)
           for s, size, k in zip(starts, spatial, kernel)):
        # a guard: samples in [0, 1) (and NaN, whose casts cancel) give windows inside the input,
        # but a huge sample can overflow one int cast and not the other
        raise ValueError(f"{op}: _random_samples place windows outside the input; they must lie "
                         f"in [0, 1), got values in [{samples.min()}, {samples.max()}]")
    # flat index of every window element: (N, C, *out, *kernel), the window in row-major order
    cells: Any = 0
    for a in range(dims):
        at = [1] * dims
        at[a] = -1
        first = starts[a].reshape(n, c, *[out[a] if b == a else 1 for b in range(dims)], *[1] * dims)
        offsets = xp.arange(kernel[a]).reshape(at)
        cells = cells + (first + offsets) * math.prod(spatial[a + 1:])
    size = math.prod(kernel)
    cells = cells.reshape(n, c, *out, size)
    planes = x.data.reshape(n, c, 1, math.prod(spatial))
    flat = cells.reshape(n, c, 1, math.prod(out) * size)  # explicit sizes: N may be 0
    windows = xp.take_along_axis(planes, flat, axis=3).reshape(cells.shape)
    _, arg, _ = _window_max(windows, -xp.inf)
    index = xp.take_along_axis(cells, arg[..., None], axis=-1)[..., 0]  # (N, C, *out)
    y = gather(x.reshape(n, c, math.prod(spatial)), 2,
               index.reshape(n, c, math.prod(out))).reshape(n, c, *out)
    indices = Tensor._wrap(index)
    if not batched:
        y, indices = y.squeeze(0), indices.squeeze(0)
    return (y, indices) if return_indices else y


def _samples(op: str, x: Tensor, samples: Any, generator: Generator | None, dims: int) -> Any:
    """The (N, C, dims) samples array: checked as PyTorch checks ``_random_samples``, or drawn."""
    n, c = x.shape[:2]
    if samples is None:
        return rand(n, c, dims, dtype=x.dtype, generator=generator).data
    data = samples.data if isinstance(samples, Tensor) else xp.asarray(samples)
    if data.ndim != 3 or data.shape[0] < n or data.shape[1] != c or data.shape[2] != dims:
        raise ValueError(f"{op}: _random_samples must have shape (N, C, {dims}) = ({n}, {c}, "
                         f"{dims}) (or more rows), got {list(data.shape)} for input {list(x.shape)}")
    if data.dtype != x.dtype:
        raise TypeError(f"{op}: _random_samples must have the input's dtype {x.dtype} (the window "
                        f"starts are computed in it), got {data.dtype}; convert them with "
                        f"_random_samples.to(input.dtype)")
    return data[:n]


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size: int | tuple[int, int],
                                       output_size: int | tuple[int, int] | None = None,
                                       output_ratio: float | tuple[float, float] | None = None,
                                       return_indices: bool = False, _random_samples: Tensor | None = None,
                                       generator: Generator | None = None) -> tuple[Tensor, Tensor]:
    """``fractional_max_pool2d`` returning ``(output, indices)`` whatever ``return_indices``
    says, as ``torch.nn.functional.fractional_max_pool2d_with_indices``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional import fractional_max_pool2d_with_indices
        >>> y, i = fractional_max_pool2d_with_indices(rb.randn(1, 2, 9, 9), 2, output_size=4)
        >>> y.shape, i.shape
        ((1, 2, 4, 4), (1, 2, 4, 4))
    """
    return _fractional_max_pool("fractional_max_pool2d", 2, input, kernel_size, output_size,
                                output_ratio, True, _random_samples, generator)


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size: int | tuple[int, int, int],
                                       output_size: int | tuple[int, int, int] | None = None,
                                       output_ratio: float | tuple[float, float, float] | None = None,
                                       return_indices: bool = False, _random_samples: Tensor | None = None,
                                       generator: Generator | None = None) -> tuple[Tensor, Tensor]:
    """``fractional_max_pool3d`` returning ``(output, indices)`` whatever ``return_indices``
    says, as ``torch.nn.functional.fractional_max_pool3d_with_indices``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.functional import fractional_max_pool3d_with_indices
        >>> fractional_max_pool3d_with_indices(rb.randn(1, 2, 8, 8, 8), 2, output_size=3)[1].shape
        (1, 2, 3, 3, 3)
    """
    return _fractional_max_pool("fractional_max_pool3d", 3, input, kernel_size, output_size,
                                output_ratio, True, _random_samples, generator)


__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
           "fractional_max_pool3d_with_indices"]
