"""pixel_shuffle, pixel_unshuffle and channel_shuffle: reshape/permute compositions (autograd gives the backward)."""
from __future__ import annotations

import operator

from ...ops import permute, reshape
from ...tensor import Tensor


def _positive_int(value: int, name: str, op: str) -> int:
    try:
        value = operator.index(value)  # not int(): 2.0 or "2" would be silently accepted
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int, got {type(value).__name__} {value!r}") from None
    if value <= 0:
        raise ValueError(f"{op}: expected a positive {name}, got {value}")
    return value


def _check_image(input: Tensor, op: str) -> None:
    if input.ndim < 3:
        raise ValueError(f"{op}: expected an input of at least 3 dims (*, C, H, W), got shape "
                         f"{list(input.shape)}")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """Move channel blocks into space: ``(*, C r^2, H, W) -> (*, C, H r, W r)``.

    ``out[..., c, h r + i, w r + j] = input[..., c r^2 + i r + j, h, w]``: the sub-pixel
    convolution upsampling of Shi et al. (2016).

    Args:
        input: a tensor of at least 3 dims whose dim -3 is divisible by ``upscale_factor ** 2``.
        upscale_factor: ``r``, a positive int.

    Shape:
        ``(*, C r^2, H, W) -> (*, C, H r, W r)``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.pixel_shuffle(rb.randn(1, 9, 4, 4), 3).shape
        (1, 1, 12, 12)
    """
    op = "pixel_shuffle"
    r = _positive_int(upscale_factor, "upscale_factor", op)
    _check_image(input, op)
    *batch, channels, h, w = input.shape
    if channels % (r * r):
        raise ValueError(f"{op}: the channel dim (-3) must be divisible by upscale_factor ** 2 = "
                         f"{r * r}, got shape {list(input.shape)}")
    n = len(batch)
    x = reshape(input, (*batch, channels // (r * r), r, r, h, w))
    x = permute(x, (*range(n), n, n + 3, n + 1, n + 4, n + 2))  # (*, C, H, r, W, r)
    return reshape(x, (*batch, channels // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """Move space into channel blocks, the inverse of ``pixel_shuffle``: ``(*, C, H r, W r) -> (*, C r^2, H, W)``.

    Args:
        input: a tensor of at least 3 dims whose last two dims are divisible by ``downscale_factor``.
        downscale_factor: ``r``, a positive int.

    Shape:
        ``(*, C, H r, W r) -> (*, C r^2, H, W)``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.pixel_unshuffle(rb.randn(1, 1, 12, 12), 3).shape
        (1, 9, 4, 4)
    """
    op = "pixel_unshuffle"
    r = _positive_int(downscale_factor, "downscale_factor", op)
    _check_image(input, op)
    *batch, channels, h, w = input.shape
    if h % r or w % r:
        raise ValueError(f"{op}: height and width (dims -2, -1) must be divisible by "
                         f"downscale_factor {r}, got shape {list(input.shape)}")
    n = len(batch)
    x = reshape(input, (*batch, channels, h // r, r, w // r, r))
    x = permute(x, (*range(n), n, n + 2, n + 4, n + 1, n + 3))  # (*, C, r, r, H, W)
    return reshape(x, (*batch, channels * r * r, h // r, w // r))


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Interleave the channels of ``groups`` groups (ShuffleNet): channel ``g (C / groups) + k`` goes to ``k groups + g``.

    Args:
        input: ``(N, C, *)`` with at least 3 dims and ``C`` divisible by ``groups``.
        groups: the number of groups, a positive int.

    Shape:
        the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.channel_shuffle(rb.arange(4.0).reshape(1, 4, 1), 2).flatten().tolist()
        [0.0, 2.0, 1.0, 3.0]
    """
    op = "channel_shuffle"
    if input.ndim < 3:
        raise ValueError(f"{op}: expected an input of at least 3 dims (N, C, *), got shape "
                         f"{list(input.shape)}")
    groups = _positive_int(groups, "groups", op)
    batch, channels, *rest = input.shape
    if channels % groups:
        raise ValueError(f"{op}: the number of channels must be divisible by groups, got "
                         f"{channels} channels and {groups} groups")
    x = reshape(input, (batch, groups, channels // groups, *rest))
    x = permute(x, (0, 2, 1, *range(3, x.ndim)))  # (N, C / groups, groups, *)
    return reshape(x, tuple(input.shape))


__all__ = ["channel_shuffle", "pixel_shuffle", "pixel_unshuffle"]
