"""Spectral normalization with a forward pre-hook (PyTorch's older ``nn.utils.spectral_norm``).

Its state-dict names are ``weight_orig``, ``weight_u`` and ``weight_v``, so
checkpoints of PyTorch models using it load. New code may prefer
:func:`~.parametrizations.spectral_norm`.
"""
from __future__ import annotations

from typing import Any, TypeVar

from ...autograd.grad_mode import no_grad
from ...sampling import randn
from ...ops import dot, matmul
from ...tensor import Tensor
from ..functional.distance import normalize
from ..modules.conv import _ConvTransposeNd
from ..modules.module import Module
from ..parameter import Parameter
from .parametrizations import _normalize_into, _weight_as_matrix

__all__ = ["SpectralNorm", "remove_spectral_norm", "spectral_norm"]

T_module = TypeVar("T_module", bound=Module)


class SpectralNorm:
    """The forward pre-hook: sets ``module.<name>`` to ``<name>_orig / sigma`` before each forward."""

    def __init__(self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:
        if n_power_iterations <= 0:
            raise ValueError(f"spectral_norm(): Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.name, self.dim = name, dim
        self.n_power_iterations, self.eps = n_power_iterations, eps

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        weight_mat = _weight_as_matrix(weight, self.dim)
        if do_power_iteration:  # in place, so the buffers are the ones state_dict() saves
            W = weight_mat.data
            for _ in range(self.n_power_iterations):
                _normalize_into(v.data, W.T @ u.data, self.eps)
                _normalize_into(u.data, W @ v.data, self.eps)
        # copies: the next power iteration overwrites the buffers this graph would save
        u, v = Tensor._wrap(u.data.copy()), Tensor._wrap(v.data.copy())
        return weight / dot(u, matmul(weight_mat, v))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int,
              eps: float) -> "SpectralNorm":
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same "
                                   f"parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters.get(name)
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        h, w = _weight_as_matrix(weight, dim).shape
        u = normalize(randn(h, dtype=weight.dtype), dim=0, eps=eps)
        v = normalize(randn(w, dtype=weight.dtype), dim=0, eps=eps)
        delattr(module, name)
        module.register_parameter(name + "_orig", weight)
        setattr(module, name, Tensor._wrap(weight.data))
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))


def spectral_norm(module: T_module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> T_module:
    r"""Divide a parameter by its largest singular value before each forward (spectral normalization).

    .. math::
        \mathbf{W}_{SN} = \frac{\mathbf{W}}{\sigma(\mathbf{W})}, \qquad
        \sigma(\mathbf{W}) \approx \mathbf{u}^\top \mathbf{W} \mathbf{v}

    The parameter moves to ``<name>_orig``; the singular-vector estimates live in
    the buffers ``<name>_u`` and ``<name>_v`` (random at first) and get
    ``n_power_iterations`` power-iteration steps before each training-mode forward.
    A weight of more than 2 dims is seen as a (size of ``dim``, rest) matrix.
    See https://arxiv.org/abs/1802.05957.

    Args:
        module (Module): the module owning the parameter.
        name (str): the parameter. Default: ``"weight"``.
        n_power_iterations (int): steps per training-mode forward. Default: 1.
        eps (float): floor of the norms in the power iteration. Default: 1e-12.
        dim (int or None): the dim of output channels; ``None`` for 0, or 1 for
            transposed convolutions. Default: None.

    Returns:
        ``module``.

    Example:
        >>> from rosenblatt import nn
        >>> m = spectral_norm(nn.Linear(20, 40))
        >>> m.weight_u.shape, m.weight_v.shape
        ((40,), (20,))
    """
    if dim is None:
        dim = 1 if isinstance(module, _ConvTransposeNd) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module: T_module, name: str = "weight") -> T_module:
    """Undo :func:`spectral_norm`: ``module.<name>`` is a parameter of the normalized value.

    Example:
        >>> from rosenblatt import nn
        >>> m = remove_spectral_norm(spectral_norm(nn.Linear(2, 3)))
        >>> [name for name, _ in m.named_parameters()]
        ['bias', 'weight']
    """
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
