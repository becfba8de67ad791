"""Sampling an image at arbitrary points: ``affine_grid`` and ``grid_sample`` (spatial
transformers, warps, augmentation), as PyTorch's.

Both are compositions of differentiable ops (matmul, arithmetic, indexing), so the
gradient reaches the image and the grid (or the affine matrices) without a backward
of their own: bilinear sampling is
``out = sum over the 4 corners (x_c, y_c) of image[y_c, x_c] * (1 - |x - x_c|) * (1 - |y - y_c|)``.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..._backend import xp
from ...tensor import Tensor
from ... import ops
from ._checks import check_floating


def affine_grid(theta: Tensor, size: Sequence[int], align_corners: bool = False) -> Tensor:
    """The sampling grid of affine maps ``theta``: for each output pixel, where to read.

    Args:
        theta: (N, 2, 3) for images (N, 3, 4 for volumes), mapping output coordinates
            ``(x, y, 1)`` in [-1, 1] to input coordinates.
        size: the output's size, (N, C, H, W) (or (N, C, D, H, W)).
        align_corners: -1 and 1 are the centres of the corner pixels (True) or their
            outer edges (False, the default).

    Returns:
        (N, H, W, 2) coordinates ``(x, y)`` (or (N, D, H, W, 3)) for ``grid_sample``.

    Example:
        >>> import rosenblatt as rb
        >>> identity = rb.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
        >>> rb.nn.functional.affine_grid(identity, (1, 1, 2, 2), align_corners=True)[0, 1].tolist()
        [[-1.0, 1.0], [1.0, 1.0]]
    """
    size = tuple(int(n) for n in size)
    spatial = size[2:]
    if len(spatial) not in (2, 3) or tuple(theta.shape) != (size[0], len(spatial), len(spatial) + 1):
        raise ValueError(f"affine_grid(): expected theta of shape (N, 2, 3) with a size (N, C, H, W), or "
                         f"(N, 3, 4) with (N, C, D, H, W); got theta {list(theta.shape)} and size {list(size)}")
    check_floating("affine_grid()", theta)
    # One column per spatial dim, fastest (x, along W) first, then the homogeneous 1.
    axes = [_positions(n, align_corners, theta.dtype) for n in reversed(spatial)]
    columns = list(xp.meshgrid(*axes, indexing="xy")) if len(axes) == 2 else _volume_mesh(axes)
    base = xp.stack(columns + [xp.ones_like(columns[0])], axis=-1).reshape(-1, len(spatial) + 1)
    grid = ops.matmul(Tensor._wrap(base), ops.transpose(theta, 1, 2))  # (N, points, dims)
    return ops.reshape(grid, (size[0],) + spatial + (len(spatial),))


def _positions(n: int, align_corners: bool, dtype: Any) -> Any:
    """The n pixel centres of one axis in [-1, 1] coordinates."""
    line = xp.linspace(-1, 1, n, dtype=dtype) if n > 1 else xp.zeros(n, dtype=dtype)
    return line if align_corners else line * dtype.type((n - 1) / n)


def _volume_mesh(axes: list) -> list:
    """x, y, z of every voxel, laid out (D, H, W)."""
    z, y, x = xp.meshgrid(axes[2], axes[1], axes[0], indexing="ij")
    return [x, y, z]


_MODES = ("bilinear", "nearest")
_PADDINGS = ("zeros", "border", "reflection")


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """``input`` (N, C, H, W) read at the points of ``grid`` (N, Ho, Wo, 2), each ``(x, y)``
    in [-1, 1] (-1 the left/top, 1 the right/bottom): (N, C, Ho, Wo).

    Args:
        mode: ``"bilinear"`` (the 4 nearest pixels, weighted) or ``"nearest"`` (rounded
            half to even, as PyTorch; no gradient to the grid).
        padding_mode: what points outside the image read: ``"zeros"``, the ``"border"``
            pixels, or the image mirrored at its border (``"reflection"``).
        align_corners: as :func:`affine_grid`; None means False, as PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> image = rb.arange(4.0).reshape(1, 1, 2, 2)
        >>> centre = rb.zeros(1, 1, 1, 2)
        >>> rb.nn.functional.grid_sample(image, centre, align_corners=True).item()
        1.5
    """
    if mode not in _MODES or padding_mode not in _PADDINGS:
        raise ValueError(f"grid_sample(): mode must be one of {_MODES} and padding_mode one of {_PADDINGS}, "
                         f"got {mode!r} and {padding_mode!r}")
    if input.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise ValueError(f"grid_sample(): expected input (N, C, H, W) and grid (N, Ho, Wo, 2) with one N "
                         f"(volumes are not supported in this release), got input {list(input.shape)} "
                         f"and grid {list(grid.shape)}")
    check_floating("grid_sample()", input)
    if grid.dtype != input.dtype:
        raise TypeError(f"grid_sample(): grid must have input's dtype {input.dtype}, got {grid.dtype}; "
                        f"convert it with grid.to(input.dtype)")
    align = bool(align_corners)
    height, width = input.shape[2:]
    x = _source(grid[..., 0], width, padding_mode, align)
    y = _source(grid[..., 1], height, padding_mode, align)
    if mode == "nearest":
        return _read(input, xp.rint(y.data), xp.rint(x.data))
    x0, y0 = xp.floor(x.data), xp.floor(y.data)
    right, down = x - Tensor._wrap(x0), y - Tensor._wrap(y0)  # the far corners' weights
    left, up = 1 - right, 1 - down
    return (_read(input, y0, x0) * (up * left).unsqueeze(1) + _read(input, y0, x0 + 1) * (up * right).unsqueeze(1)
            + _read(input, y0 + 1, x0) * (down * left).unsqueeze(1)
            + _read(input, y0 + 1, x0 + 1) * (down * right).unsqueeze(1))


def _source(coordinate: Tensor, n: int, padding_mode: str, align: bool) -> Tensor:
    """A grid coordinate in [-1, 1] as a pixel position along an axis of n pixels, padded."""
    position = (coordinate + 1) * ((n - 1) / 2) if align else ((coordinate + 1) * n - 1) / 2
    if padding_mode == "reflection":
        # Mirror at the corner pixels' centres (align) or outer edges, as PyTorch.
        low, span = (0.0, n - 1.0) if align else (-0.5, float(n))
        if span <= 0:
            return position * 0
        distance = ops.abs(position - low)
        flips = xp.floor(distance.data / span)
        extra = ops.fmod(distance, span)
        position = ops.where(Tensor._wrap(flips % 2 == 0), extra + low, span - extra + low)
    if padding_mode != "zeros":
        position = ops.clamp(position, 0, n - 1)
    return position


def _read(input: Tensor, rows: Any, columns: Any) -> Tensor:
    """``input[n, :, rows, columns]`` for each batch entry n, as (N, C, Ho, Wo); 0 where a
    position lies outside the image."""
    height, width = input.shape[2:]
    inside = (rows >= 0) & (rows < height) & (columns >= 0) & (columns < width)
    batch = xp.arange(input.shape[0]).reshape(-1, 1, 1)
    rows = xp.clip(rows, 0, height - 1).astype(xp.int64)
    columns = xp.clip(columns, 0, width - 1).astype(xp.int64)
    values = input[batch, :, rows, columns]  # (N, Ho, Wo, C): the indexed dims come first
    values = values * Tensor._wrap(inside[..., None].astype(input.dtype))
    return ops.permute(values, (0, 3, 1, 2))
