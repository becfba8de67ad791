"""Dimension arguments, checked and normalised once for every op."""
from __future__ import annotations

import operator
from typing import Any, Sequence


def dim_index(dim: int, ndim: int, op: str) -> int:
    """``dim`` as a non-negative axis of an ``ndim``-dimensional tensor (negative counts from the end)."""
    if type(dim) is not int:
        dim = _int_dim(dim, op)
    bound = max(ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(
            f"{op}: dimension out of range (expected to be in range of [{-bound}, {bound - 1}], "
            f"but got {dim})"
        )
    return dim % bound


def _int_dim(dim: Any, op: str) -> int:
    """A dim that isn't a Python int: NumPy's integers pass; a bool is PyTorch's TypeError, as
    a float is (``x.sum(True)`` would otherwise sum over dim 1)."""
    if isinstance(dim, bool) or not hasattr(type(dim), "__index__"):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__} {dim!r}")
    return operator.index(dim)


def dims(dim: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """``dim`` (None, int or sequence of ints) as a sorted tuple of axes; None means all.

    A 0-d tensor has no axes: dim 0 or -1 is accepted (as in PyTorch) and gives ``()``.
    """
    if dim is None:
        return None
    if not isinstance(dim, (tuple, list)):
        dim = (dim,)
    axes = tuple(sorted(dim_index(d, ndim, op) for d in dim))
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: dim {tuple(dim)} names a dimension more than once")
    return axes if ndim else ()


def size_arg(size: Sequence[Any], op: str) -> tuple[int, ...]:
    """Sizes given either as varargs ``f(2, 3)`` or one sequence ``f((2, 3))``; ``f(())``
    is the 0-d size, ``f()`` and non-integer sizes (``2.0``) raise, as in PyTorch."""
    if not size:
        raise TypeError(f"{op}: missing the size; pass the sizes (e.g. {op}(2, 3)) or () for a 0-d tensor")
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        return tuple(operator.index(s) for s in size)
    except TypeError:
        raise TypeError(f"{op}: size must be ints or one sequence of ints, got {size!r}") from None
