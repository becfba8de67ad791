"""PyTorch's dtype rules as functions: ``result_type``, ``promote_types``, ``can_cast``; and
``scalar_tensor``.

Dtypes order by kind, bool < integer < float.  Across kinds PyTorch takes the higher kind's
dtype (int64 with float32 is float32, where NumPy says float64); within a kind NumPy and
PyTorch agree (uint8 with int8 is int16).  The op-level rules, where a 0-d tensor or a
number counts for less than a tensor with dims, are ``arithmetic.result_type``'s.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from .. import _backend
from ..tensor import Tensor
from .arithmetic import _KIND, _promote
from .arithmetic import result_type as _result_type


def _dtype(dtype: Any, op: str) -> Any:
    try:
        return xp.dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}: expected a dtype (e.g. rosenblatt.float32), got {dtype!r}") from None


def result_type(tensor1: Any, tensor2: Any) -> Any:
    """The dtype an arithmetic op on ``tensor1`` and ``tensor2`` gives (``tensor1 + tensor2``).

    Tensors with dims decide first, then 0-d tensors, then numbers; a lower group changes the
    dtype only when of a higher kind (an int64 tensor with 2.5 gives the default dtype, float32;
    float32 with a 0-d float64 tensor stays float32).

    Args:
        tensor1 (Tensor or number): the first operand.
        tensor2 (Tensor or number): the second operand.

    Returns:
        the dtype (a NumPy dtype, which compares equal to ``rosenblatt.float32`` and friends).

    Example:
        >>> import rosenblatt as rb
        >>> rb.result_type(rb.tensor([1, 2]), 2.5) == rb.float32
        True
        >>> rb.result_type(rb.tensor([1.0]), rb.tensor(1.0, dtype=rb.float64)) == rb.float32
        True
    """
    operands = [t.data if isinstance(t, Tensor) else t for t in (tensor1, tensor2)]
    for t in operands:
        if not isinstance(t, (xp.ndarray, bool, int, float, xp.generic)):
            raise TypeError(f"result_type(): expected tensors or numbers, got {type(t).__name__}")
    return _result_type(*operands)


def promote_types(type1: Any, type2: Any) -> Any:
    """The smallest dtype both ``type1`` and ``type2`` convert to, by PyTorch's rules.

    Across kinds (bool < integer < float) the higher kind's dtype: int64 with float16 is
    float16.  Within a kind the wider one, or one wide enough for both: uint8 with int8 is int16.

    Args:
        type1 (dtype): a dtype.
        type2 (dtype): a dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.promote_types(rb.int64, rb.float16) == rb.float16
        True
        >>> rb.promote_types(rb.uint8, rb.int8) == rb.int16
        True
    """
    return _promote(_dtype(type1, "promote_types()"), _dtype(type2, "promote_types()"))


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's type promotion allows a result of dtype ``from_`` to be written into
    a tensor of dtype ``to`` (as an in-place op does): the kind may not go down
    (bool < integer < float); the width may (float64 to float32 and int64 to uint8 are allowed).

    Args:
        from_ (dtype): the dtype of the value.
        to (dtype): the dtype of the tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.can_cast(rb.float64, rb.float32), rb.can_cast(rb.float32, rb.int32)
        (True, False)
    """
    source, target = _dtype(from_, "can_cast()"), _dtype(to, "can_cast()")
    return _KIND[source.kind] <= _KIND[target.kind]


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding the number ``s``, of the default dtype unless ``dtype`` says otherwise
    (the dtype doesn't follow ``s``: ``scalar_tensor(3)`` is float32, as in PyTorch).

    Args:
        s (number): the value.
        dtype (optional): the dtype, ``get_default_dtype()`` by default; ``s`` is cast into it as PyTorch
            casts (2.7 into int64 is 2, -1 into uint8 is 255).
        device (optional): only the CPU is available.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``()``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.scalar_tensor(3), rb.scalar_tensor(2.7, dtype=rb.int64)
        (tensor(3.), tensor(2))
    """
    from ..creation import full  # here: creation loads the ops package itself
    if isinstance(s, Tensor):
        s = s.item()
    return full((), s, dtype=_backend.default_float if dtype is None else dtype, device=device,
                requires_grad=requires_grad)
