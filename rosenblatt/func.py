"""``rosenblatt.func``, PyTorch's ``torch.func``: ``functional_call`` (a module called with
other tensors in place of its parameters and buffers).  Loaded on first use, not at
``import rosenblatt``."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .nn.modules.module import Module
from .nn.utils.stateless import _functional_call
from .tensor import Tensor


def functional_call(module: Module, parameter_and_buffer_dicts: dict[str, Tensor] | Sequence[dict[str, Tensor]],
                    args: Any = None, kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Call ``module(*args, **kwargs)`` with the given tensors in place of its parameters and
    buffers (by state-dict name), as ``torch.func.functional_call``.

    The module's own tensors are restored afterwards, even if the call raises; gradients
    flow to the given tensors, not to the module's parameters.  A tensor the call
    reassigns (``self.count = self.count + 1`` on a given buffer) is written back into
    the given dict, as in PyTorch.

    Args:
        module (Module): the module to call.
        parameter_and_buffer_dicts (dict or sequence of dicts): the tensors to use, keyed by
            dotted name (``"0.weight"``); several dicts are merged, a name in two raises.
        args (Any or tuple): the positional arguments; a non-tuple is one argument.
        kwargs (dict, optional): the keyword arguments.
        tie_weights (bool): tensors tied in the module stay tied: a value given for one name
            is used for every name of that tensor; different values raise. Default: True.
        strict (bool): raise unless the names are exactly the module's parameters and
            buffers. Default: False.

    Returns:
        What ``module`` returns.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.func import functional_call
        >>> lin = rb.nn.Linear(2, 1)
        >>> w = rb.tensor([[1.0, 1.0]], requires_grad=True)
        >>> y = functional_call(lin, {"weight": w, "bias": rb.zeros(1)}, rb.tensor([[1.0, 2.0]]))
        >>> y.sum().backward()
        >>> y, w.grad, lin.weight.grad is None, lin.weight is not w
        (tensor([[3.]], grad_fn=<LinearBackward>), tensor([[1., 2.]]), True, True)
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        merged = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        counts: dict[str, int] = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call "
                             f"is ambiguous")
        merged = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, "
                         f"but got {type(parameter_and_buffer_dicts)}")
    return _functional_call(module, merged, args, kwargs, tie_weights=tie_weights, strict=strict)


__all__ = ["functional_call"]
