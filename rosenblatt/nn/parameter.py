"""``Parameter``: a tensor a ``Module`` owns and an optimizer updates."""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import as_array
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that registers itself on a ``Module`` when assigned as an attribute.

    Args:
        data: the initial values (a Tensor, array or nested list); kept as is, no copy.
        requires_grad: whether optimizers should train it (default True).

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.nn.Parameter(rb.zeros(2))
        >>> w.requires_grad
        True
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = xp.empty((0,), dtype=xp.float32)
        elif isinstance(data, Tensor):
            data = data.data
        elif not isinstance(data, xp.ndarray):
            data = as_array(data, "Parameter")
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        body = Tensor.__repr__(Tensor._wrap(self.data))
        if self.requires_grad:
            body = body[:-1] + ", requires_grad=True)"
        return "Parameter containing:\n" + body

    def __reduce_ex__(self, protocol: int) -> Any:
        return (Parameter, (self.data, self.requires_grad))

