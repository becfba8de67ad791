"""Calling a module with other tensors in place of its parameters and buffers, as
``torch.nn.utils.stateless``.  ``rosenblatt.func.functional_call`` is the current name;
``functional_call`` here is PyTorch's older one (deprecated there since 2.0, and warns so here).
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Any, Iterator

from ...tensor import Tensor
from ..modules.module import Module

_MISSING = object()  # a name the module did not have before the swap


def functional_call(module: Module, parameters_and_buffers: dict[str, Tensor], args: Any = None,
                    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Call ``module(*args, **kwargs)`` with the tensors of ``parameters_and_buffers`` (by
    state-dict name) in place of its parameters and buffers; they are restored afterwards,
    even if the call raises.  Gradients flow to the given tensors.

    Deprecated, as in PyTorch (a ``FutureWarning``): use ``rosenblatt.func.functional_call``,
    which takes the same arguments (and a tuple of dicts).

    Args:
        module (Module): the module to call.
        parameters_and_buffers (dict[str, Tensor]): the tensors to use, keyed by dotted name.
        args (Any or tuple): the positional arguments; a non-tuple is one argument.
        kwargs (dict, optional): the keyword arguments.
        tie_weights (bool): tensors tied in the module (one tensor under two names) stay tied:
            a value given for one name is used for all; two different values raise. Default: True.
        strict (bool): raise unless the names are exactly the module's parameters and
            buffers. Default: False (missing names keep the module's own tensors, unknown
            ones are set as attributes for the call).

    Returns:
        What ``module`` returns.

    Example:
        >>> import warnings
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.utils import stateless
        >>> lin = rb.nn.Linear(2, 1)
        >>> w = rb.ones(1, 2, requires_grad=True)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", FutureWarning)
        ...     y = stateless.functional_call(lin, {"weight": w, "bias": rb.zeros(1)}, rb.tensor([[1.0, 2.0]]))
        >>> y
        tensor([[3.]], grad_fn=<LinearBackward>)
    """
    warnings.warn("nn.utils.stateless.functional_call is deprecated, as PyTorch's is since 2.0: use "
                  "rosenblatt.func.functional_call, which takes the same arguments", FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights,
                            strict=strict)


def _functional_call(module: Module, parameters_and_buffers: dict[str, Tensor], args: Any = None,
                     kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                     strict: bool = False) -> Any:
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights, strict):
        return module(*args, **(kwargs or {}))


@contextlib.contextmanager
def _reparametrize_module(module: Module, parameters_and_buffers: dict[str, Tensor],
                          tie_weights: bool = False, strict: bool = False) -> Iterator[None]:
    given = _untie(module, parameters_and_buffers) if tie_weights else parameters_and_buffers
    if strict:
        valid = {name for name, _ in _named_tensors(module)}
        missing, unexpected = sorted(valid - set(given)), sorted(set(given) - valid)
        errors = []
        if unexpected:
            errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if errors:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(errors)))
    originals: dict[str, Any] = {}
    try:
        for name, tensor in given.items():
            originals[name] = _swap(module, name, tensor)
        yield
    finally:
        # Back in reverse order, so a name given twice (tied) ends on its first original.
        swapped_in = {name: _swap(module, name, originals[name]) for name in reversed(list(originals))}
        # What the call left in the module (a buffer it reassigned) goes back to the caller's dict.
        parameters_and_buffers.update({k: swapped_in[k] for k in parameters_and_buffers
                                       if k in swapped_in and swapped_in[k] is not _MISSING})


def _named_tensors(module: Module) -> list:
    return (list(module.named_parameters(remove_duplicate=False))
            + list(module.named_buffers(remove_duplicate=False)))


def _untie(module: Module, given: dict[str, Tensor]) -> dict[str, Tensor]:
    """``given`` with each name tied to a given one (one tensor under several names in the
    module) added, mapped to the given value; two different values for one tied tensor raise."""
    names_of: dict[int, set] = {}
    for name, tensor in _named_tensors(module):
        names_of.setdefault(id(tensor), set()).add(name)
    tied = {name: names for names in names_of.values() if len(names) > 1 for name in names}
    untied = dict(given)
    for name in [n for n in given if n in tied]:
        values = {id(given[n]) for n in tied[name] if n in given}
        if len(values) > 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(tied[name])}, "
                             f"which are tied. Consider using tie_weights=False")
        untied.update((n, given[name]) for n in tied[name])
    return untied


def _swap(module: Module, name: str, tensor: Any) -> Any:
    """Put ``tensor`` under the dotted ``name`` (``_MISSING``: remove it); return what was there."""
    prefix, _, attr = name.rpartition(".")
    owner = module.get_submodule(prefix)
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of Tensor (functional_call: value for {name!r})")
    for store in (owner._parameters, owner._buffers):
        if attr in store:
            original = store[attr]
            if tensor is _MISSING:
                del store[attr]
            else:
                store[attr] = tensor  # not through __setattr__: a plain Tensor may stand in for a Parameter
            return original
    original = getattr(owner, attr, _MISSING)
    if original is not _MISSING and original is not None and not isinstance(original, Tensor):
        raise TypeError(f"functional_call: attribute {name!r} of {owner._get_name()} is a "
                        f"{type(original).__name__}, not a Tensor; only tensors can be swapped")
    if tensor is _MISSING:
        if original is not _MISSING:
            delattr(owner, attr)
    else:
        object.__setattr__(owner, attr, tensor)
    return original


__all__ = ["functional_call"]
