"""Pruning: zero out parameters through a mask (PyTorch's ``nn.utils.prune``).

Pruning ``module.weight`` moves the parameter to ``weight_orig``, stores a buffer
``weight_mask`` of 0s and 1s, and registers a forward pre-hook that sets the plain
attribute ``module.weight = weight_orig * weight_mask`` before every forward. The
optimizer keeps training ``weight_orig``; the pruned entries get no gradient
through the product. Pruning the same tensor again combines the masks (a
:class:`PruningContainer`, which prunes only the entries still kept);
:func:`remove` bakes the mask in and makes ``weight`` a parameter again.

The state-dict keys are PyTorch's (``weight_orig``, ``weight_mask``), so the
checkpoint of a pruned PyTorch model loads into the same model pruned here.

Random pruning draws from a ``rosenblatt.Generator`` (``generator=``, the default
generator otherwise), not from torch's. The magnitude-based methods
(:func:`l1_unstructured`, :func:`ln_structured`, :func:`global_unstructured`) give
PyTorch's masks exactly when the values at the pruning threshold are distinct. Among
equal values PyTorch's ``topk`` picks by its selection algorithm's order; here the
lowest indices are pruned first (:func:`l1_unstructured`) or kept first
(:func:`ln_structured`).

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt import nn
    >>> from rosenblatt.nn.utils import prune
    >>> m = prune.l1_unstructured(nn.Linear(3, 2), "weight", amount=0.5)
    >>> sorted(m.state_dict())
    ['bias', 'weight_mask', 'weight_orig']
    >>> int(m.weight_mask.sum())
    3
"""
from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any, Iterator

from ..._backend import xp
from ...autograd.function import as_array
from ...random import Generator, numpy_generator
from ...tensor import Tensor
from ..modules.module import Module

__all__ = ["BasePruningMethod", "CustomFromMask", "Identity", "L1Unstructured", "LnStructured",
           "PruningContainer", "RandomStructured", "RandomUnstructured", "custom_from_mask",
           "global_unstructured", "identity", "is_pruned", "l1_unstructured", "ln_structured",
           "random_structured", "random_unstructured", "remove"]


def _array(t: Any) -> Any:
    return t.data if isinstance(t, Tensor) else xp.asarray(t)


class BasePruningMethod(ABC):
    """The base of pruning methods: write :meth:`compute_mask`, get ``apply``, ``prune``, ``remove``.

    An instance is also the forward pre-hook that recomputes ``module.<name>`` as
    ``<name>_orig * <name>_mask`` before each forward.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> class EveryOther(BasePruningMethod):
        ...     PRUNING_TYPE = "unstructured"
        ...     def compute_mask(self, t, default_mask):
        ...         mask = default_mask.clone()
        ...         mask.view(-1)[::2] = 0
        ...         return mask
        >>> m = nn.Linear(2, 2)
        >>> _ = EveryOther.apply(m, "weight")
        >>> m.weight_mask
        tensor([[0., 1.],
                [0., 1.]])
    """

    _tensor_name: str | None = None
    PRUNING_TYPE: str

    def __call__(self, module: Module, inputs: Any) -> None:
        """Set ``module.<name>`` to the pruned tensor (run as a forward pre-hook)."""
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The mask for ``t``: ``default_mask`` (the current one) with more entries set to 0."""

    def apply_mask(self, module: Module) -> Tensor:
        """``<name>_orig * <name>_mask`` of ``module``: the pruned tensor, differentiable in ``_orig``."""
        if self._tensor_name is None:
            raise ValueError(f"{type(self).__name__}.apply_mask(): module {type(module).__name__} "
                             f"has to be pruned first (call {type(self).__name__}.apply)")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module: Module, name: str, *args: Any, importance_scores: Tensor | None = None,
              **kwargs: Any) -> "BasePruningMethod":
        """Prune ``module.<name>`` with ``cls(*args, **kwargs)``, on the fly, and return the method.

        Args:
            module (Module): the module holding the tensor.
            name (str): the parameter's name in ``module``.
            importance_scores (Tensor, optional): scores of ``name``'s shape to rank the
                entries by; the tensor itself when None.
        """
        method = _composite_method(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None:
            if tuple(importance_scores.shape) != tuple(orig.shape):
                raise ValueError(f"{cls.__name__}.apply(): importance_scores must have the shape of "
                                 f"parameter {name!r}, {tuple(orig.shape)}; got "
                                 f"{tuple(importance_scores.shape)}")
        else:
            importance_scores = orig
        if not isinstance(method, PruningContainer):
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = Tensor._wrap(xp.ones_like(orig.data))
        else:
            default_mask = Tensor._wrap(getattr(module, name + "_mask").data.copy())
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if not isinstance(method, PruningContainer):  # undo the move to `_orig`
                orig = getattr(module, name + "_orig")
                module.register_parameter(name, orig)
                del module._parameters[name + "_orig"]
            raise
        return method

    def prune(self, t: Tensor, default_mask: Tensor | None = None,
              importance_scores: Tensor | None = None) -> Tensor:
        """``t`` times the mask :meth:`compute_mask` gives (from ``importance_scores`` if given)."""
        if importance_scores is not None:
            if tuple(importance_scores.shape) != tuple(t.shape):
                raise ValueError(f"{type(self).__name__}.prune(): importance_scores must have t's "
                                 f"shape {tuple(t.shape)}, got {tuple(importance_scores.shape)}")
        else:
            importance_scores = t
        if default_mask is None:
            default_mask = Tensor._wrap(xp.ones_like(t.data))
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module: Module) -> None:
        """Make ``module.<name>`` the parameter ``<name>_orig * <name>_mask`` and drop both."""
        if self._tensor_name is None:
            raise ValueError(f"{type(self).__name__}.remove(): module {type(module).__name__} has "
                             f"to be pruned before pruning can be removed")
        weight = self.apply_mask(module)
        if hasattr(module, self._tensor_name):
            delattr(module, self._tensor_name)
        orig = module._parameters[self._tensor_name + "_orig"]
        orig.data = weight.data  # the same Parameter object, so an optimizer keeps training it
        del module._parameters[self._tensor_name + "_orig"]
        del module._buffers[self._tensor_name + "_mask"]
        setattr(module, self._tensor_name, orig)


def _composite_method(cls: type, module: Module, name: str, *args: Any, **kwargs: Any
                      ) -> BasePruningMethod:
    """``cls(*args, **kwargs)``, inside a container with the method already pruning ``name``."""
    old_method, found = None, []
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            old_method = hook
            found.append(k)
    if len(found) > 1:
        raise RuntimeError(f"{cls.__name__}.apply(): several pruning hooks act on {name!r}; "
                           f"combine them in one PruningContainer")
    for k in found:
        del module._forward_pre_hooks[k]
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if old_method is not None:
        if isinstance(old_method, PruningContainer):
            old_method.add_pruning_method(method)
            method = old_method
        else:
            container = PruningContainer(old_method)
            container.add_pruning_method(method)
            method = container
    return method


class PruningContainer(BasePruningMethod):
    """Pruning methods applied in turn to one tensor; what ``apply`` builds when pruning twice.

    Its :meth:`compute_mask` runs the last method on the entries the current mask keeps
    (unstructured), on the channels it keeps (structured), or on all (global), so the
    amount of a later method counts the entries left, not the tensor's size.

    Args:
        *args (BasePruningMethod): the methods, all for the same tensor name.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = l1_unstructured(nn.Linear(4, 2), "weight", amount=2)
        >>> m = l1_unstructured(m, "weight", amount=2)  # 2 more of the 6 left
        >>> hook = next(iter(m._forward_pre_hooks.values()))
        >>> type(hook).__name__, len(hook), int((m.weight_mask == 0).sum())
        ('PruningContainer', 2, 4)
    """

    def __init__(self, *args: BasePruningMethod) -> None:
        self._pruning_methods: tuple[BasePruningMethod, ...] = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                self.add_pruning_method(method)

    def add_pruning_method(self, method: BasePruningMethod) -> None:
        """Append ``method``, which must prune the same tensor name."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"PruningContainer.add_pruning_method(): expected a BasePruningMethod, "
                            f"got {type(method).__name__}")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(f"PruningContainer.add_pruning_method(): this container prunes "
                             f"{self._tensor_name!r}, the method prunes {method._tensor_name!r}; "
                             f"use one container per tensor")
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self) -> Iterator[BasePruningMethod]:
        return iter(self._pruning_methods)

    def __getitem__(self, idx: int) -> BasePruningMethod:
        return self._pruning_methods[idx]

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The last method's mask, computed on the part of ``t`` that ``default_mask`` keeps."""
        method = self._pruning_methods[-1]
        t_data, mask = _array(t), _array(default_mask)
        new_mask = mask.astype(t_data.dtype)  # a copy, as PyTorch's `.to` of the cloned mask
        if method.PRUNING_TYPE == "unstructured":
            slc = mask == 1
        elif method.PRUNING_TYPE == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have '
                                     "the attribute `dim` defined.")
            n_dims, dim = t_data.ndim, method.dim
            if dim < 0:
                dim = n_dims + dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {n_dims}")
            keep_channel = mask.sum(axis=tuple(d for d in range(n_dims) if d != dim)) != 0
            slc = tuple(keep_channel if d == dim else slice(None) for d in range(n_dims))
        elif method.PRUNING_TYPE == "global":
            slc = (slice(None),) * t_data.ndim
        else:
            raise ValueError(f"PruningContainer.compute_mask(): unrecognized PRUNING_TYPE "
                             f"{method.PRUNING_TYPE!r}; expected 'unstructured', 'structured' "
                             f"or 'global'")
        partial = method.compute_mask(Tensor._wrap(t_data[slc]),
                                      default_mask=Tensor._wrap(mask[slc]))
        new_mask[slc] = _array(partial).astype(new_mask.dtype)
        return Tensor._wrap(new_mask)


class Identity(BasePruningMethod):
    """Prunes nothing: a mask of ones (useful to give a module the pruning attributes).

    Example:
        >>> from rosenblatt import nn
        >>> m = nn.Linear(2, 2)
        >>> _ = Identity.apply(m, "weight")
        >>> bool(m.weight_mask.all())
        True
    """

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return default_mask

    @classmethod
    def apply(cls, module: Module, name: str) -> "Identity":  # type: ignore[override]
        """Prune ``module.<name>`` with a mask of ones."""
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prune ``amount`` entries chosen uniformly at random.

    Args:
        amount (int or float): how many entries to prune: a count, or a fraction in
            [0, 1] of the entries (rounded to the nearest count).
        generator (Generator, optional): the source of randomness; the default one when None.
            Not in PyTorch, whose random pruning uses torch's own generator.

    Example:
        >>> import rosenblatt as rb
        >>> method = RandomUnstructured(amount=3, generator=rb.Generator(0))
        >>> int((method.prune(rb.ones(10)) == 0).sum())
        3
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: int | float, *, generator: Generator | None = None) -> None:
        _validate_pruning_amount_init(amount, type(self).__name__)
        self.amount, self.generator = amount, generator

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        size = _array(t).size
        nparams_toprune = _compute_nparams_toprune(self.amount, size)
        _validate_pruning_amount(nparams_toprune, size, type(self).__name__)
        mask = _array(default_mask).copy()
        if nparams_toprune != 0:
            chosen = numpy_generator(self.generator).choice(size, nparams_toprune, replace=False)
            mask.reshape(-1)[chosen] = 0
        return Tensor._wrap(mask)

    @classmethod
    def apply(cls, module: Module, name: str, amount: int | float,  # type: ignore[override]
              *, generator: Generator | None = None) -> "RandomUnstructured":
        """Prune ``amount`` random entries of ``module.<name>``."""
        return super().apply(module, name, amount=amount, generator=generator)


class L1Unstructured(BasePruningMethod):
    """Prune the ``amount`` entries of smallest absolute value.

    Args:
        amount (int or float): how many entries to prune: a count, or a fraction in
            [0, 1] of the entries (rounded to the nearest count).

    Example:
        >>> import rosenblatt as rb
        >>> L1Unstructured(amount=2).prune(rb.tensor([0.5, -3.0, 0.1, 2.0]))
        tensor([ 0., -3.,  0.,  2.])
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: int | float) -> None:
        _validate_pruning_amount_init(amount, type(self).__name__)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        data = _array(t)
        nparams_toprune = _compute_nparams_toprune(self.amount, data.size)
        _validate_pruning_amount(nparams_toprune, data.size, type(self).__name__)
        mask = _array(default_mask).copy()
        if nparams_toprune != 0:
            # Stable: among equal magnitudes the lowest indices go first (PyTorch: topk's order).
            smallest = xp.argsort(xp.abs(data).reshape(-1), kind="stable")[:nparams_toprune]
            mask.reshape(-1)[smallest] = 0
        return Tensor._wrap(mask)

    @classmethod
    def apply(cls, module: Module, name: str, amount: int | float,  # type: ignore[override]
              importance_scores: Tensor | None = None) -> "L1Unstructured":
        """Prune the ``amount`` smallest-magnitude entries of ``module.<name>`` (or of the scores)."""
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prune ``amount`` whole channels along ``dim``, chosen uniformly at random.

    Args:
        amount (int or float): how many channels to prune: a count, or a fraction in [0, 1].
        dim (int): the dimension whose slices are the channels. Default: -1.
        generator (Generator, optional): the source of randomness; the default one when None.
            Not in PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> out = RandomStructured(amount=1, dim=0, generator=rb.Generator(0)).prune(rb.ones(3, 2))
        >>> sorted(out.sum(1).tolist())  # one row zeroed
        [0.0, 2.0, 2.0]
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount: int | float, dim: int = -1, *,
                 generator: Generator | None = None) -> None:
        _validate_pruning_amount_init(amount, type(self).__name__)
        self.amount, self.dim, self.generator = amount, dim, generator

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        data = _array(t)
        nchannels, nparams_toprune = _channels_to_prune(data, self.amount, self.dim, type(self).__name__)
        if nparams_toprune == 0:
            return default_mask
        keep = xp.ones(nchannels, dtype=bool)
        keep[numpy_generator(self.generator).choice(nchannels, nparams_toprune, replace=False)] = False
        return Tensor._wrap(_channel_mask(data, self.dim, keep) * _array(default_mask))

    @classmethod
    def apply(cls, module: Module, name: str, amount: int | float, dim: int = -1,  # type: ignore[override]
              *, generator: Generator | None = None) -> "RandomStructured":
        """Prune ``amount`` random channels along ``dim`` of ``module.<name>``."""
        return super().apply(module, name, amount=amount, dim=dim, generator=generator)


class LnStructured(BasePruningMethod):
    r"""Prune the ``amount`` channels along ``dim`` of smallest :math:`L_n` norm.

    The norm of channel :math:`c` is :math:`(\sum_i |t_{c,i}|^n)^{1/n}` over the other
    dimensions (``n`` may be ``inf``, ``-inf``, ``0`` or ``'fro'``).

    Args:
        amount (int or float): how many channels to prune: a count, or a fraction in [0, 1].
        n (int, float, inf, -inf or 'fro'): the order of the norm.
        dim (int): the dimension whose slices are the channels. Default: -1.

    Example:
        >>> import rosenblatt as rb
        >>> LnStructured(amount=1, n=2, dim=0).prune(rb.tensor([[3.0, 4.0], [1.0, 1.0]]))
        tensor([[3., 4.],
                [0., 0.]])
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount: int | float, n: int | float | str, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount, type(self).__name__)
        self.amount, self.n, self.dim = amount, n, dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        data = _array(t)
        nchannels, nparams_toprune = _channels_to_prune(data, self.amount, self.dim, type(self).__name__)
        if nparams_toprune == 0:
            return default_mask
        norm = _compute_norm(data, self.n, self.dim)
        # Keep the largest norms; among equal ones the lowest indices (PyTorch: topk's order).
        kept = xp.argsort(-norm, kind="stable")[:nchannels - nparams_toprune]
        keep = xp.zeros(nchannels, dtype=bool)
        keep[kept] = True
        return Tensor._wrap(_channel_mask(data, self.dim, keep) * _array(default_mask))

    @classmethod
    def apply(cls, module: Module, name: str, amount: int | float,  # type: ignore[override]
              n: int | float | str, dim: int, importance_scores: Tensor | None = None
              ) -> "LnStructured":
        """Prune the ``amount`` smallest-norm channels along ``dim`` of ``module.<name>``."""
        return super().apply(module, name, amount=amount, n=n, dim=dim,
                             importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prune with a given mask (0 prunes; multiplied into the current mask).

    Args:
        mask (Tensor): of the pruned tensor's shape.

    Example:
        >>> import rosenblatt as rb
        >>> CustomFromMask(rb.tensor([1.0, 0.0, 1.0])).prune(rb.tensor([4.0, 5.0, 6.0]))
        tensor([4., 0., 6.])
    """

    PRUNING_TYPE = "global"

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        default, mask = _array(default_mask), as_array(self.mask, "CustomFromMask")
        if default.shape != mask.shape:
            raise ValueError(f"CustomFromMask: the mask has shape {tuple(mask.shape)}, the pruned "
                             f"tensor {tuple(default.shape)}; give a mask of the tensor's shape")
        return Tensor._wrap(default * mask.astype(default.dtype))

    @classmethod
    def apply(cls, module: Module, name: str, mask: Tensor) -> "CustomFromMask":  # type: ignore[override]
        """Prune ``module.<name>`` with ``mask``."""
        return super().apply(module, name, mask=mask)


def _channel_mask(data: Any, dim: int, keep: Any) -> Any:
    """Zeros of ``data``'s shape and dtype with 1 in the channels along ``dim`` that ``keep`` marks."""
    mask = xp.zeros_like(data)
    slc = [slice(None)] * data.ndim
    slc[dim] = keep
    mask[tuple(slc)] = 1
    return mask


def identity(module: Module, name: str) -> Module:
    """Give ``module.<name>`` the pruning attributes without pruning anything (a mask of ones).

    Args:
        module (Module): the module holding the tensor.
        name (str): the parameter's name.

    Returns:
        ``module``.

    Example:
        >>> from rosenblatt import nn
        >>> m = identity(nn.Linear(2, 3), "bias")
        >>> m.bias_mask
        tensor([1., 1., 1.])
    """
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount: int | float, *,
                        generator: Generator | None = None) -> Module:
    """Prune ``amount`` entries of ``module.<name>`` chosen uniformly at random.

    Args:
        module (Module): the module holding the tensor.
        name (str): the parameter's name.
        amount (int or float): a count, or a fraction in [0, 1] of the entries.
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns:
        ``module``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = random_unstructured(nn.Linear(4, 5), "weight", amount=0.25, generator=rb.Generator(0))
        >>> int((m.weight_mask == 0).sum())
        5
    """
    RandomUnstructured.apply(module, name, amount, generator=generator)
    return module


def l1_unstructured(module: Module, name: str, amount: int | float,
                    importance_scores: Tensor | None = None) -> Module:
    """Prune the ``amount`` entries of ``module.<name>`` of smallest absolute value.

    Args:
        module (Module): the module holding the tensor.
        name (str): the parameter's name.
        amount (int or float): a count, or a fraction in [0, 1] of the entries.
        importance_scores (Tensor, optional): rank by these instead of the tensor itself.

    Returns:
        ``module``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = nn.Linear(3, 1)
        >>> m.weight.data[...] = [[0.1, -2.0, 0.3]]
        >>> m = l1_unstructured(m, "weight", amount=1)
        >>> m.weight_mask, m.weight.tolist() == [[0.0, -2.0, m.weight_orig[0, 2].item()]]
        (tensor([[0., 1., 1.]]), True)
    """
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Module, name: str, amount: int | float, dim: int, *,
                      generator: Generator | None = None) -> Module:
    """Prune ``amount`` whole channels along ``dim`` of ``module.<name>``, chosen at random.

    Args:
        module (Module): the module holding the tensor.
        name (str): the parameter's name.
        amount (int or float): a count, or a fraction in [0, 1] of the channels.
        dim (int): the dimension whose slices are the channels.
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns:
        ``module``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = random_structured(nn.Linear(3, 4), "weight", amount=2, dim=0, generator=rb.Generator(0))
        >>> sorted(m.weight_mask.sum(1).tolist())  # two output rows pruned
        [0.0, 0.0, 3.0, 3.0]
    """
    RandomStructured.apply(module, name, amount, dim, generator=generator)
    return module


def ln_structured(module: Module, name: str, amount: int | float, n: int | float | str, dim: int,
                  importance_scores: Tensor | None = None) -> Module:
    """Prune the ``amount`` channels along ``dim`` of ``module.<name>`` of smallest L``n`` norm.

    Args:
        module (Module): the module holding the tensor.
        name (str): the parameter's name.
        amount (int or float): a count, or a fraction in [0, 1] of the channels.
        n (int, float, inf, -inf or 'fro'): the order of the norm.
        dim (int): the dimension whose slices are the channels.
        importance_scores (Tensor, optional): rank by these instead of the tensor itself.

    Returns:
        ``module``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = nn.Linear(2, 3)
        >>> m.weight.data[...] = [[1.0, 1.0], [0.1, 0.1], [3.0, 0.0]]
        >>> ln_structured(m, "weight", amount=1, n=2, dim=0).weight_mask
        tensor([[1., 1.],
                [0., 0.],
                [1., 1.]])
    """
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters: Iterable[tuple[Module, str]], pruning_method: type,
                        importance_scores: dict | None = None, **kwargs: Any) -> None:
    """Prune the tensors of ``parameters`` together, as one vector, with an unstructured method.

    With ``L1Unstructured`` and ``amount=0.2`` this prunes the 20% smallest entries of all
    the tensors together, so some tensors lose more than others.

    Args:
        parameters (iterable of (Module, str)): the tensors to prune.
        pruning_method (type): an unstructured :class:`BasePruningMethod` subclass.
        importance_scores (dict, optional): ``{(module, name): scores}``; the tensor itself
            for the pairs not in it.
        **kwargs: the method's arguments (``amount=``).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> a, b = nn.Linear(2, 1), nn.Linear(2, 1)
        >>> a.weight.data[...] = [[1.0, 2.0]]
        >>> b.weight.data[...] = [[0.5, 3.0]]
        >>> global_unstructured([(a, "weight"), (b, "weight")], L1Unstructured, amount=2)
        >>> a.weight_mask, b.weight_mask
        (tensor([[0., 1.]]), tensor([[0., 1.]]))
    """
    if not isinstance(parameters, Iterable):
        raise TypeError(f"global_unstructured(): parameters must be an iterable of (module, name) "
                        f"pairs, got {type(parameters).__name__}")
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError(f"global_unstructured(): importance_scores must be a dict "
                        f"{{(module, name): Tensor}}, got {type(importance_scores).__name__}")
    scores = xp.concatenate([
        _array(importance_scores.get((module, name), getattr(module, name))).reshape(-1)
        for module, name in parameters])
    default_mask = xp.concatenate([_current_mask(module, name).reshape(-1)
                                   for module, name in parameters])
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(f"global_unstructured(): pruning_method must be 'unstructured' (such as "
                        f"L1Unstructured), got {pruning_method.__name__} of PRUNING_TYPE "
                        f"{method.PRUNING_TYPE!r}")
    container.add_pruning_method(method)
    final_mask = _array(container.compute_mask(Tensor._wrap(scores), Tensor._wrap(default_mask)))
    pointer = 0
    for module, name in parameters:
        param = getattr(module, name)
        size = _array(param).size
        param_mask = final_mask[pointer:pointer + size].reshape(param.shape)
        custom_from_mask(module, name, mask=Tensor._wrap(param_mask))
        pointer += size


def _current_mask(module: Module, name: str) -> Any:
    """``module.<name>_mask``, or ones when ``name`` is not pruned yet."""
    mask = getattr(module, name + "_mask", None)
    return _array(mask) if mask is not None else xp.ones_like(_array(getattr(module, name)))


def custom_from_mask(module: Module, name: str, mask: Tensor) -> Module:
    """Prune ``module.<name>`` with ``mask`` (0 prunes).

    Args:
        module (Module): the module holding the tensor.
        name (str): the parameter's name.
        mask (Tensor): of the tensor's shape.

    Returns:
        ``module``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = custom_from_mask(nn.Linear(2, 3), "bias", rb.tensor([0.0, 1.0, 0.0]))
        >>> m.bias_mask
        tensor([0., 1., 0.])
    """
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module: Module, name: str) -> Module:
    """Make the pruning of ``module.<name>`` permanent: a parameter again, ``_orig`` and ``_mask`` gone.

    Args:
        module (Module): the pruned module.
        name (str): the pruned parameter's name.

    Returns:
        ``module``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = remove(l1_unstructured(nn.Linear(2, 2), "weight", amount=1), "weight")
        >>> sorted(m.state_dict()), int((m.weight == 0).sum()), is_pruned(m)
        (['bias', 'weight'], 1, False)
    """
    for k, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"remove(): parameter {name!r} of module {type(module).__name__} has to be "
                     f"pruned before pruning can be removed")


def is_pruned(module: Module) -> bool:
    """Whether ``module`` or any submodule has a pruning hook.

    Args:
        module (Module): the module to check.

    Example:
        >>> from rosenblatt import nn
        >>> m = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        >>> is_pruned(m), is_pruned(identity(m[0], "weight"))
        (False, True)
    """
    return any(isinstance(hook, BasePruningMethod)
               for _, sub in module.named_modules() for hook in sub._forward_pre_hooks.values())


def _validate_pruning_amount_init(amount: Any, op: str) -> None:
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"{op}: amount must be an int or a float, got {type(amount).__name__} "
                        f"{amount!r}")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral) and not 0.0 <= float(amount) <= 1.0):
        raise ValueError(f"{op}: amount={amount} should either be a float in the range [0, 1] "
                         f"(a fraction) or a non-negative integer (a count)")


def _validate_pruning_amount(amount: int, tensor_size: int, op: str) -> None:
    if amount > tensor_size:
        raise ValueError(f"{op}: amount={amount} should be smaller than the number of parameters "
                         f"to prune={tensor_size}")


def _validate_structured_pruning(data: Any, op: str) -> None:
    if data.ndim <= 1:
        raise ValueError(f"{op}: structured pruning can only be applied to multidimensional "
                         f"tensors, got shape {tuple(data.shape)} with {data.ndim} dims; use an "
                         f"unstructured method")


def _channels_to_prune(data: Any, amount: int | float, dim: int, op: str) -> tuple[int, int]:
    """The number of channels along ``dim`` and how many of them to prune, both checked."""
    _validate_structured_pruning(data, op)
    _validate_pruning_dim(data, dim)
    nchannels = data.shape[dim]
    nparams_toprune = _compute_nparams_toprune(amount, nchannels)
    _validate_pruning_amount(nparams_toprune, nchannels, op)
    return nchannels, nparams_toprune


def _compute_nparams_toprune(amount: int | float, tensor_size: int) -> int:
    if isinstance(amount, numbers.Integral):
        return int(amount)
    return round(amount * tensor_size)


def _validate_pruning_dim(data: Any, dim: int) -> None:
    if dim >= data.ndim:
        raise IndexError(f"Invalid index {dim} for tensor of size {tuple(data.shape)}")


def _compute_norm(data: Any, n: int | float | str, dim: int) -> Any:
    """The L``n`` norm of each slice along ``dim``, in float64 (to rank, not to return)."""
    axes = tuple(d for d in range(data.ndim) if d != dim % data.ndim)
    a = xp.abs(data.astype(xp.float64))
    if n == "fro" and len(axes) > 2:  # PyTorch's matrix_norm refuses it too
        raise ValueError(f"LnStructured: n='fro' needs a tensor of at most 3 dims (the norm is over "
                         f"the dims other than dim), got {data.ndim}; use n=2, the same norm")
    if n == "fro" or n == 2:
        return xp.sqrt((a * a).sum(axis=axes))
    if isinstance(n, str):
        raise ValueError(f"LnStructured: norm order n={n!r} is not supported; use a number, "
                         f"inf, -inf or 'fro'")
    if n == float("inf"):
        return a.max(axis=axes)
    if n == float("-inf"):
        return a.min(axis=axes)
    if n == 0:
        return (a != 0).sum(axis=axes).astype(xp.float64)
    return (a ** n).sum(axis=axes) ** (1.0 / n)
