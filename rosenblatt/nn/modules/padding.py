"""Padding layers (zero, constant, reflection, replication, circular; 1-d, 2-d and 3-d) around
``ops.pad``.

``padding`` is one int for every side, or PyTorch's tuple, last dim first:
``(left, right)`` for 1-d, ``(left, right, top, bottom)`` for 2-d, ``(left, right, top,
bottom, front, back)`` for 3-d. Negative
widths crop. The output is ``(*, H + top + bottom, W + left + right)``.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...ops import pad
from ...tensor import Tensor
from .module import Module


class _PadNd(Module):
    """Pads the last ``dims`` dims in ``mode``; subclasses set ``mode`` and ``dims``."""

    mode = "constant"
    dims = 1
    value = 0.0

    def __init__(self, padding: Any) -> None:
        super().__init__()
        # PyTorch's _pair/_quadruple: an iterable is kept as given, an int goes to every side.
        self.padding = tuple(padding) if isinstance(padding, Iterable) else (padding,) * (2 * self.dims)

    def forward(self, input: Tensor) -> Tensor:
        if self.mode != "constant":
            # PyTorch's non-constant modes take an unbatched or a batched input only: a
            # (C, W) or (N, C, W) for one padded dim, a (C, H, W) or (N, C, H, W) for two.
            self._check_dims(input, len(self.padding) // 2)
        return pad(input, self.padding, self.mode, self.value)

    def _check_dims(self, input: Tensor, padded: int) -> None:
        """Raise unless ``input`` is ``padded + 1``-d (unbatched) or ``padded + 2``-d (batched)."""
        if input.ndim not in (padded + 1, padded + 2):
            raise ValueError(f"{self._get_name()}: expected a {padded + 1}-d (unbatched) or "
                             f"{padded + 2}-d (batched) input for padding {self.padding}, "
                             f"got shape {list(input.shape)}")

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd:
    """Mixin: a constant pad with 0, whose repr shows the padding only (PyTorch's)."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)  # type: ignore[call-arg]

    def extra_repr(self) -> str:
        return f"{self.padding}"  # type: ignore[attr-defined]


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        # PyTorch's circular layers (unlike the reflection and replication ones) first check the
        # input against their own dims, whatever the padding's length: CircularPad1d refuses a
        # 4-d input even with a 4-tuple padding that F.pad would take
        self._check_dims(input, self.dims)
        return super().forward(input)


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``: ``(*, W) -> (*, W + left + right)``.

    Args:
        padding: an int for both sides or ``(left, right)``; negative widths crop.
        value: the fill value.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ConstantPad1d((1, 2), 3.5)(rb.zeros(1, 2)).tolist()
        [[3.5, 0.0, 0.0, 3.5, 3.5]]
    """


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with ``value``: ``(*, H, W) -> (*, H + top + bottom, W + left + right)``.

    Args:
        padding: an int for every side or ``(left, right, top, bottom)``; negative widths crop.
        value: the fill value.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ConstantPad2d(1, -1.0)(rb.zeros(1, 3, 4, 4)).shape
        (1, 3, 6, 6)
    """

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with ``value``:
    ``(*, D, H, W) -> (*, D + front + back, H + top + bottom, W + left + right)``.

    ``out[..., d, h, w] = input[..., d - front, h - top, w - left]`` where that is inside the
    input, else ``value``.

    Args:
        padding: an int for every side or ``(left, right, top, bottom, front, back)``;
            negative widths crop.
        value: the fill value.

    Shape: any input of at least 3 dims; the last three grow.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ConstantPad3d((1, 0, 0, 0, 0, 1), 7.0)(rb.ones(1, 1, 1, 2)).tolist()
        [[[[7.0, 1.0, 1.0]], [[7.0, 7.0, 7.0]]]]
    """

    dims = 3


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pad the last dim with zeros: ``(*, W) -> (*, W + left + right)``.

    Args:
        padding: an int for both sides or ``(left, right)``; negative widths crop.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ZeroPad1d((2, 0))(rb.ones(1, 2)).tolist()
        [[0.0, 0.0, 1.0, 1.0]]
    """


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pad the last two dims with zeros: ``(*, H, W) -> (*, H + top + bottom, W + left + right)``.

    Args:
        padding: an int for every side or ``(left, right, top, bottom)``; negative widths crop.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ZeroPad2d((1, 1, 2, 0))(rb.ones(1, 3, 4, 4)).shape
        (1, 3, 6, 6)
    """


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    """Pad the last three dims with zeros:
    ``(*, D, H, W) -> (*, D + front + back, H + top + bottom, W + left + right)``.

    Args:
        padding: an int for every side or ``(left, right, top, bottom, front, back)``;
            negative widths crop.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ZeroPad3d((1, 1, 2, 0, 0, 3))(rb.ones(2, 3, 4, 4, 4)).shape
        (2, 3, 7, 6, 6)
    """


class ReflectionPad1d(_ReflectionPadNd):
    """Pad the last dim with its mirror image, the edge not repeated: ``[a b c] -> [c b a b c b a]`` for 2.

    Args:
        padding: an int for both sides or ``(left, right)``, each less than the dim's size.

    Shape:
        ``(C, W)`` or ``(N, C, W)`` -> ``(..., W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ReflectionPad1d(2)(rb.tensor([[1.0, 2.0, 3.0]])).tolist()
        [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]]
    """


class ReflectionPad2d(_ReflectionPadNd):
    """Pad the last two dims with their mirror image, the edge not repeated.

    Args:
        padding: an int for every side or ``(left, right, top, bottom)``, each less than
            the size of the dim it pads.

    Shape:
        ``(C, H, W)`` or ``(N, C, H, W)`` -> ``(..., H + top + bottom, W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ReflectionPad2d(1)(rb.randn(2, 3, 4, 4)).shape
        (2, 3, 6, 6)
    """

    dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Pad the last three dims with their mirror image, the edge not repeated:
    ``out[..., d, h, w] = input[..., r(d - front), r(h - top), r(w - left)]``, with
    ``r(i) = |i|`` below 0 and ``2 (n - 1) - i`` past ``n - 1``.

    Args:
        padding: an int for every side or ``(left, right, top, bottom, front, back)``, each
            less than the size of the dim it pads.

    Shape:
        ``(C, D, H, W)`` or ``(N, C, D, H, W)`` ->
        ``(..., D + front + back, H + top + bottom, W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ReflectionPad3d((2, 0, 0, 0, 0, 0))(rb.tensor([[[[1.0, 2.0, 3.0]]]])).tolist()
        [[[[3.0, 2.0, 1.0, 2.0, 3.0]]]]
        >>> rb.nn.ReflectionPad3d(1)(rb.randn(2, 3, 4, 4, 4)).shape
        (2, 3, 6, 6, 6)
    """

    dims = 3


class ReplicationPad1d(_ReplicationPadNd):
    """Pad the last dim by repeating its edge values: ``[a b c] -> [a a b c c]`` for 1.

    Args:
        padding: an int for both sides or ``(left, right)``.

    Shape:
        ``(C, W)`` or ``(N, C, W)`` -> ``(..., W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ReplicationPad1d((1, 2))(rb.tensor([[1.0, 2.0]])).tolist()
        [[1.0, 1.0, 2.0, 2.0, 2.0]]
    """


class ReplicationPad2d(_ReplicationPadNd):
    """Pad the last two dims by repeating their edge values.

    Args:
        padding: an int for every side or ``(left, right, top, bottom)``.

    Shape:
        ``(C, H, W)`` or ``(N, C, H, W)`` -> ``(..., H + top + bottom, W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ReplicationPad2d((1, 1, 0, 2))(rb.randn(3, 4, 4)).shape
        (3, 6, 6)
    """

    dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Pad the last three dims by repeating their edge values.

    Args:
        padding: an int for every side or ``(left, right, top, bottom, front, back)``;
            negative widths crop (at least one element must be left).

    Shape:
        ``(C, D, H, W)`` or ``(N, C, D, H, W)`` ->
        ``(..., D + front + back, H + top + bottom, W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.ReplicationPad3d((1, 0, 0, 0, 0, 2))(rb.tensor([[[[1.0, 2.0]]]])).tolist()
        [[[[1.0, 1.0, 2.0]], [[1.0, 1.0, 2.0]], [[1.0, 1.0, 2.0]]]]
    """

    dims = 3


class CircularPad1d(_CircularPadNd):
    """Pad the last dim by wrapping around: ``[a b c] -> [c a b c a]`` for 1.

    Args:
        padding: an int for both sides or ``(left, right)``, each at most the dim's size.

    Shape:
        ``(C, W)`` or ``(N, C, W)`` -> ``(..., W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.CircularPad1d(1)(rb.tensor([[1.0, 2.0, 3.0]])).tolist()
        [[3.0, 1.0, 2.0, 3.0, 1.0]]
    """


class CircularPad2d(_CircularPadNd):
    """Pad the last two dims by wrapping around (a torus).

    Args:
        padding: an int for every side or ``(left, right, top, bottom)``, each at most the
            size of the dim it pads.

    Shape:
        ``(C, H, W)`` or ``(N, C, H, W)`` -> ``(..., H + top + bottom, W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.CircularPad2d(2)(rb.randn(1, 3, 4, 4)).shape
        (1, 3, 8, 8)
    """

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last three dims by wrapping around:
    ``out[..., d, h, w] = input[..., (d - front) % D, (h - top) % H, (w - left) % W]``.

    Args:
        padding: an int for every side or ``(left, right, top, bottom, front, back)``, each at
            most the size of the dim it pads.

    Shape:
        ``(C, D, H, W)`` or ``(N, C, D, H, W)`` ->
        ``(..., D + front + back, H + top + bottom, W + left + right)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.CircularPad3d((1, 1, 0, 0, 0, 0))(rb.tensor([[[[1.0, 2.0, 3.0]]]])).tolist()
        [[[[3.0, 1.0, 2.0, 3.0, 1.0]]]]
    """

    dims = 3


__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
           "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"]
