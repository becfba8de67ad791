"""Weight normalization with a forward pre-hook (PyTorch's older ``nn.utils.weight_norm``).

Prefer :func:`~.parametrizations.weight_norm`; this form is kept because
checkpoints with its ``weight_g`` / ``weight_v`` names are common.
"""
from __future__ import annotations

import warnings
from typing import Any, TypeVar

from ..modules.module import Module
from ..parameter import Parameter
from ...tensor import Tensor
from .parametrizations import _norm_except_dim

__all__ = ["WeightNorm", "remove_weight_norm", "weight_norm"]

T_module = TypeVar("T_module", bound=Module)


class WeightNorm:
    """The forward pre-hook: sets ``module.<name>`` from ``<name>_g`` and ``<name>_v`` before each forward."""

    def __init__(self, name: str, dim: int | None) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Tensor:
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return v * (g / _norm_except_dim(v, self.dim))

    @staticmethod
    def apply(module: Module, name: str, dim: int | None) -> "WeightNorm":
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same "
                                   f"parameter {name}")
        fn = WeightNorm(name, dim)
        weight = module._parameters.get(name)
        if weight is None:
            raise ValueError(f"weight_norm(): module {type(module).__name__} has no parameter "
                             f"{name!r}")
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(_norm_except_dim(weight, fn.dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: T_module, name: str = "weight", dim: int | None = 0) -> T_module:
    r"""Split a parameter into a magnitude ``<name>_g`` and a direction ``<name>_v``.

    .. math::
        \mathbf{w} = g \, \frac{\mathbf{v}}{\|\mathbf{v}\|}

    with the norm over every dim but ``dim`` (``dim=None``: the whole tensor). The
    parameter is replaced by ``<name>_g`` and ``<name>_v``, and a forward pre-hook
    recomputes ``module.<name>`` (a plain tensor) before each forward. Deprecated in
    PyTorch, as here, for :func:`rosenblatt.nn.utils.parametrizations.weight_norm`
    (whose weight is also right after an optimizer step, not only after a forward).

    Args:
        module (Module): the module owning the parameter.
        name (str): the parameter. Default: ``"weight"``.
        dim (int or None): the dim that keeps one magnitude per slice. Default: 0.

    Shape:
        ``<name>_g``: the parameter's shape with every dim but ``dim`` set to 1 (0-d
        for ``dim=None``); ``<name>_v``: the parameter's shape.

    Returns:
        ``module``.

    Example:
        >>> import warnings
        >>> from rosenblatt import nn
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", FutureWarning)
        ...     m = weight_norm(nn.Linear(20, 40))
        >>> m.weight_g.shape, m.weight_v.shape
        ((40, 1), (40, 20))
    """
    warnings.warn("`rosenblatt.nn.utils.weight_norm` is deprecated in favor of "
                  "`rosenblatt.nn.utils.parametrizations.weight_norm`.", FutureWarning,
                  stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: T_module, name: str = "weight") -> T_module:
    """Undo :func:`weight_norm`: ``module.<name>`` is one parameter again, of the current value.

    Example:
        >>> import warnings
        >>> from rosenblatt import nn
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", FutureWarning)
        ...     m = weight_norm(nn.Linear(2, 3))
        >>> [name for name, _ in remove_weight_norm(m).named_parameters()]
        ['bias', 'weight']
    """
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
