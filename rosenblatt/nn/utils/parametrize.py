"""Parametrizations: make ``module.weight`` a function of other tensors (PyTorch's ``nn.utils.parametrize``).

After ``register_parametrization(module, "weight", p)``, reading ``module.weight``
computes ``p(original)`` from the tensor stored at
``module.parametrizations.weight.original``, so the optimizer trains
``original`` and the module sees the constrained weight. The names in
``state_dict()`` are PyTorch's (``parametrizations.weight.original``), so
checkpoints of parametrized PyTorch models load.

The property is put on a subclass made for that one module (``ParametrizedLinear``
for a ``Linear``), so other instances of the class are untouched.
"""
from __future__ import annotations

import copyreg
from collections.abc import Sequence
from contextlib import contextmanager
from copy import deepcopy
from typing import Any, Iterator

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..modules.container import ModuleDict, ModuleList
from ..modules.module import Module
from ..parameter import Parameter

__all__ = ["ParametrizationList", "cached", "is_parametrized", "register_parametrization",
           "remove_parametrizations", "transfer_parametrizations_and_params",
           "type_before_parametrizations"]

# Nesting depth of `cached()` blocks; while > 0 each parametrized tensor is computed once.
_cache_enabled = 0
_cache: dict[tuple[int, str], Tensor] = {}


@contextmanager
def cached() -> Iterator[None]:
    """Compute each parametrized tensor once inside the block and reuse it.

    Useful when a forward reads ``module.weight`` several times (an RNN's
    recurrent kernel in a loop, tied weights): without it each read recomputes
    the parametrization. The cached values are dropped when the outermost block exits.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> class Symmetric(nn.Module):
        ...     def forward(self, X):
        ...         return X.triu() + X.triu(1).T
        >>> m = register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
        >>> with cached():
        ...     m.weight is m.weight
        True
    """
    global _cache, _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


def _register_parameter_or_buffer(module: Module, name: str, value: Tensor) -> None:
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value)


def _set_in_place(dest: Tensor, src: Tensor) -> None:
    # Rebinding the array (PyTorch's `set_`) keeps `dest` the same object, so an optimizer
    # that already holds it keeps training it.
    dest.data = src.data


class ParametrizationList(ModuleList):
    r"""The parametrizations of one tensor, in order, and the tensor(s) they start from.

    It is ``module.parametrizations[tensor_name]`` after :func:`register_parametrization`;
    calling it gives the parametrized tensor
    :math:`f_k(\cdots f_1(f_0(\text{original})))`. The unparametrized tensor is
    stored as ``original`` (a parameter or a buffer, as it was), or as
    ``original0``, ``original1``, ... when the first parametrization's
    ``right_inverse`` returns several tensors (``weight_norm``'s magnitude and direction).

    Not meant to be built by hand: :func:`register_parametrization` makes it.

    Args:
        modules (Sequence[Module]): the parametrizations, at least one.
        original (Tensor): the parameter or buffer being parametrized. Its value is
            replaced in place by ``right_inverse(original)`` (so it stays the same object).
        unsafe (bool): skip the check that the parametrization keeps the shape and
            dtype. Default: False.
    """

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = original.shape, original.dtype

        with no_grad():
            new = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors "
                             f"(list, tuple...). Got {type(new).__name__}")

        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new.dtype != original.dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the "
                                 f"dtype.\noriginal.dtype: {original.dtype}\n"
                                 f"right_inverse(original).dtype: {new.dtype}")
            _set_in_place(original, new)
            _register_parameter_or_buffer(self, "original", original)
        else:
            for i, original_i in enumerate(new):
                if not isinstance(original_i, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors "
                                     f"(list, tuple...). Got element {i} of the sequence with type "
                                     f"{type(original_i).__name__}.")
                if isinstance(original, Parameter):
                    original_i = Parameter(original_i, original.requires_grad)
                original_i.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", original_i)

        if not self.unsafe:
            Z = self()
            if not isinstance(Z, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(Z).__name__}.")
            if Z.dtype != original_dtype:
                raise ValueError("Registering a parametrization may not change the dtype of the "
                                 "tensor, unless `unsafe` flag is enabled.\n"
                                 f"unparametrized dtype: {original_dtype}\n"
                                 f"parametrized dtype: {Z.dtype}")
            if Z.shape != original_shape:
                raise ValueError("Registering a parametrization may not change the shape of the "
                                 "tensor, unless `unsafe` flag is enabled.\n"
                                 f"unparametrized shape: {tuple(original_shape)}\n"
                                 f"parametrized shape: {tuple(Z.shape)}")

    def right_inverse(self, value: Tensor) -> None:
        """Set the stored tensor(s) so the parametrized tensor becomes ``value``.

        Runs every parametrization's ``right_inverse`` in reverse registration order
        and writes the result into ``original`` (or ``original0``, ``original1``, ...) in
        place. This is what ``module.weight = value`` does on a parametrized module.
        """
        with no_grad():
            for module in reversed(list(self)):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not "
                                       "implement right_inverse.")
                value = module.right_inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got "
                                     f"{type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype "
                                     f"{value.dtype} while `original` has dtype "
                                     f"{self.original.dtype}")
                _set_in_place(self.original, value)
                return
            if not isinstance(value, Sequence):
                raise ValueError(f"'right_inverse' must return a sequence of tensors. Got "
                                 f"{type(value).__name__}.")
            if len(value) != self.ntensors:
                raise ValueError(f"'right_inverse' must return a sequence of tensors of length "
                                 f"{self.ntensors}. Got a sequence of length {len(value)}.")
            for i, tensor in enumerate(value):
                original_i = getattr(self, f"original{i}")
                if not isinstance(tensor, Tensor):
                    raise ValueError(f"'right_inverse' must return a sequence of tensors. Got "
                                     f"element {i} of type {type(tensor).__name__}.")
                if tensor.dtype != original_i.dtype:
                    raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype "
                                     f"{tensor.dtype} while `original{i}` has dtype "
                                     f"{original_i.dtype}")
                _set_in_place(original_i, tensor)

    def forward(self) -> Tensor:
        first, *rest = self
        if self.is_tensor:
            x = first(self.original)
        else:
            x = first(*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in rest:
            x = module(x)
        return x


def _deepcopy_parametrized(self: Module, memo: dict) -> Module:
    # The parametrized class refuses pickling (__getstate__), which copy.deepcopy would use.
    replica = memo.get(id(self))
    if replica is not None:
        return replica
    replica = self.__new__(type(self))
    memo[id(self)] = replica
    replica.__dict__ = deepcopy(self.__dict__, memo)
    for slot in copyreg._slotnames(type(self)):  # type: ignore[attr-defined]
        if hasattr(self, slot):
            setattr(replica, slot, deepcopy(getattr(self, slot), memo))
    return replica


def _refuse_pickling(self: Module) -> dict:
    # The class is made per instance, so pickle could not find it again by name.
    raise RuntimeError("Serialization of parametrized modules is only supported through "
                       "state_dict(): save module.state_dict() and load it into a module "
                       "parametrized the same way.")


def _setattr_parametrized(self: Module, name: str, value: Any) -> None:
    # Module.__setattr__ would register a Parameter under `name`, hidden behind the property;
    # PyTorch refuses it, and a plain tensor goes to the property (its right_inverse).
    if isinstance(value, Parameter) and isinstance(getattr(type(self), name, None), property):
        raise KeyError(f"attribute '{name}' already exists")
    Module.__setattr__(self, name, value)


def _inject_new_class(module: Module) -> None:
    """Give ``module`` (only it) a subclass of its class that the properties can go on."""
    cls = type(module)
    namespace: dict[str, Any] = {"__getstate__": _refuse_pickling,
                                 "__setattr__": _setattr_parametrized}
    if not hasattr(cls, "__deepcopy__"):
        namespace["__deepcopy__"] = _deepcopy_parametrized
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), namespace)


def _inject_property(module: Module, tensor_name: str) -> None:
    """Make ``module.<tensor_name>`` read the parametrization and assign through ``right_inverse``."""
    assert not hasattr(module, tensor_name), f"module already has an attribute {tensor_name!r}"

    def get_parametrized(self: Module) -> Tensor:
        parametrization = self.parametrizations[tensor_name]
        if not _cache_enabled:
            return parametrization()
        key = (id(self), tensor_name)
        tensor = _cache.get(key)
        if tensor is None:
            tensor = _cache[key] = parametrization()
        return tensor

    def set_original(self: Module, value: Tensor) -> None:
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(type(module), tensor_name, property(get_parametrized, set_original))


def _check_consistent(module: Module, tensor_name: str, parametrization: Module) -> None:
    """The shape and dtype checks for a parametrization added on top of others."""
    Y = getattr(module, tensor_name)
    X = parametrization(Y)
    if not isinstance(X, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(X).__name__}.")
    for what, got, want in (("dtype", X.dtype, Y.dtype), ("shape", X.shape, Y.shape)):
        if got != want:
            raise ValueError(f"Registering a parametrization may not change the {what} of the "
                             f"tensor, unless the `unsafe` flag is enabled.\n"
                             f"module.{tensor_name}.{what}: {want}\n"
                             f"parametrization(module.{tensor_name}).{what}: {got}")
    if not hasattr(parametrization, "right_inverse"):
        return
    try:
        Z = parametrization.right_inverse(X)
    except NotImplementedError:
        return
    if not isinstance(Z, Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: "
                         f"{type(Z).__name__}")
    for what, got, want in (("dtype", Z.dtype, Y.dtype), ("shape", Z.shape, Y.shape)):
        if got != want:
            raise ValueError(f"The tensor returned by parametrization.right_inverse must have "
                             f"the same {what} as module.{tensor_name}, unless the `unsafe` flag "
                             f"is enabled.\nmodule.{tensor_name}.{what}: {want}\n"
                             f"returned {what}: {got}")


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    r"""Make ``module.<tensor_name>`` the output of ``parametrization`` on a stored tensor.

    .. math::
        \text{module.weight} = f(\text{original}), \qquad
        \text{original} \leftarrow f^{-1}_{\text{right}}(\text{weight at registration})

    The parameter (or buffer) is moved to
    ``module.parametrizations.<tensor_name>.original`` and every read of
    ``module.<tensor_name>`` computes ``parametrization(original)`` (gradients flow
    to ``original``). If ``parametrization`` has a ``right_inverse(X)`` method, it
    sets ``original`` at registration (so the weight keeps its value when
    ``f(right_inverse(W)) == W``) and on assignment ``module.weight = X``; one that
    returns several tensors stores them as ``original0``, ``original1``, ... and
    ``forward`` takes them all. Registering on an already parametrized tensor
    chains: the new parametrization is applied to the previous output.

    Args:
        module (Module): the module owning the tensor; it (only this instance) becomes
            ``Parametrized<ClassName>``.
        tensor_name (str): name of a parameter or buffer of ``module`` (or of a tensor
            already parametrized).
        parametrization (Module): computes the tensor; put in ``module``'s training mode.
        unsafe (bool): allow the parametrization to change the shape or dtype (no
            checks are run). Default: False.

    Returns:
        ``module``.

    Raises:
        ValueError: ``module`` has no parameter, buffer or parametrized tensor
            ``tensor_name``; or (unless ``unsafe``) the parametrization changes the
            shape or dtype or does not return a tensor.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> class Symmetric(nn.Module):
        ...     def forward(self, X):
        ...         return X.triu() + X.triu(1).T
        >>> m = register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
        >>> type(m).__name__, rb.equal(m.weight, m.weight.T)
        ('ParametrizedLinear', True)
        >>> [name for name, _ in m.named_parameters()]
        ['bias', 'parametrizations.weight.original']
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            _check_consistent(module, tensor_name, parametrization)
        chain = module.parametrizations[tensor_name]
        chain.append(parametrization)
        chain.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        chain = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = chain
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    return module


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` has a parametrization on ``tensor_name`` (on any tensor when None).

    Example:
        >>> from rosenblatt import nn
        >>> is_parametrized(nn.Linear(2, 2))
        False
    """
    parametrizations = module.__dict__.get("_modules", {}).get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module: Module, tensor_name: str,
                            leave_parametrized: bool = True) -> Module:
    """Undo :func:`register_parametrization`: ``module.<tensor_name>`` is a plain tensor again.

    All parametrizations on ``tensor_name`` are removed. The tensor object under
    ``parametrizations.<tensor_name>.original`` goes back under its name (so an
    optimizer holding it keeps working), holding the current parametrized value
    (``leave_parametrized=True``) or its unparametrized value. When the last
    parametrization goes, the module gets its original class back.

    Args:
        module (Module): the parametrized module.
        tensor_name (str): the tensor whose parametrizations to remove.
        leave_parametrized (bool): keep the value ``module.<tensor_name>`` has now
            (True) or the stored ``original`` (False). Default: True.

    Returns:
        ``module``.

    Raises:
        ValueError: ``tensor_name`` is not parametrized, or ``leave_parametrized=False``
            while the parametrization is computed from several tensors.

    Example:
        >>> from rosenblatt import nn
        >>> class Double(nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> m = register_parametrization(nn.Linear(2, 2), "weight", Double())
        >>> type(remove_parametrizations(m, "weight")).__name__
        'Linear'
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    chain = module.parametrizations[tensor_name]
    if chain.is_tensor:
        original = chain.original
        if leave_parametrized:
            with no_grad():
                _set_in_place(original, getattr(module, tensor_name))
    elif leave_parametrized:
        value = getattr(module, tensor_name)
        original = Parameter(value) if value.requires_grad else value
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                         "that is parametrized in terms of a sequence of tensors.")

    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module


def type_before_parametrizations(module: Module) -> type:
    """The class ``module`` had before it was parametrized (its own class when it is not).

    Example:
        >>> from rosenblatt import nn
        >>> type_before_parametrizations(nn.Linear(2, 2)).__name__
        'Linear'
    """
    return type(module).__bases__[0] if is_parametrized(module) else type(module)


def transfer_parametrizations_and_params(from_module: Module, to_module: Module,
                                         tensor_name: str | None = None) -> Module:
    """Parametrize ``to_module`` as ``from_module``, sharing its parametrizations and originals.

    For ``tensor_name`` (every parametrized tensor when None): a tensor that
    ``to_module`` lacks is first created as a parameter of ``from_module``'s current
    value; then each of ``from_module``'s parametrizations is registered on it (the
    same module objects) and ``original`` (or ``original0``, ...) is set to
    ``from_module``'s, so both modules train the same tensors. Does nothing when
    ``from_module`` is not parametrized.

    Returns:
        ``to_module``.

    Example:
        >>> from rosenblatt import nn
        >>> class Double(nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> a = register_parametrization(nn.Linear(2, 2), "weight", Double())
        >>> b = transfer_parametrizations_and_params(a, nn.Linear(2, 2))
        >>> b.parametrizations.weight.original is a.parametrizations.weight.original
        True
    """
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        source = from_module.parametrizations[name]
        for parametrization in source:
            register_parametrization(to_module, name, parametrization)
        target = to_module.parametrizations[name]
        originals = ["original"] if source.is_tensor else [f"original{i}"
                                                          for i in range(source.ntensors)]
        for original in originals:
            setattr(target, original, getattr(source, original))
    return to_module
