"""``LazyModuleMixin``: what the lazy layers (``LazyLinear``, ``LazyConv2d``, ``LazyBatchNorm2d``,
...) share.

A lazy layer is its regular layer built with one size unknown (``in_features``,
``in_channels`` or ``num_features``, the "lazy size"), its weights and running statistics
``UninitializedParameter``/``UninitializedBuffer`` placeholders.  The first call reads the
size from the input, materialises the placeholders in place (the same objects, so an
optimizer built before holds them), initialises them as the regular layer does, and turns
the layer into the regular class (``cls_to_become``), as PyTorch's do.  ``load_state_dict``
before the first call takes the size from the checkpoint instead.  Until then an op on a
placeholder raises, naming it (``LazyLinear.weight``) and the fix.
"""
from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from ..parameter import is_lazy
from .module import _as_array


class LazyModuleMixin:
    """Mixin of a lazy layer, listed before its regular class: ``class LazyLinear(LazyModuleMixin,
    Linear)``.

    A subclass sets ``cls_to_become`` and ``_lazy_size`` (the attribute the first input sets)
    and defines three methods: ``_size_from_input(input)`` (checks the input, returns the
    size), ``_lazy_shapes(size)`` (the shape of each placeholder, by name) and
    ``_size_from_shape(name, shape)`` (the size a checkpoint entry implies, or None).

    As PyTorch's, ``state_dict()`` before the shapes are known holds the placeholders
    themselves (loading them into a lazy layer leaves it lazy; into a built one raises).
    Unlike PyTorch's, a checkpoint whose shapes do not fit the layer is refused with a size
    mismatch (PyTorch's materialises whatever shapes it has).

    Example:
        >>> import rosenblatt as rb
        >>> layer = rb.nn.LazyConv2d(8, 3)
        >>> layer.has_uninitialized_params(), layer.weight
        (True, <UninitializedParameter>)
        >>> layer(rb.randn(2, 5, 10, 10)).shape
        (2, 8, 8, 8)
        >>> layer
        Conv2d(5, 8, kernel_size=(3, 3), stride=(1, 1))
    """

    cls_to_become: type | None = None
    _lazy_size = ""
    _generator: Any = None  # the regular layer's init generator, where it takes one

    # the Module methods the mixin calls (the regular class provides them)
    _parameters: dict
    _buffers: dict
    _get_name: Any

    def has_uninitialized_params(self) -> bool:
        """True while a parameter or buffer is still a placeholder (before the first call or a
        ``load_state_dict``)."""
        return bool(self._placeholders())

    def _placeholders(self) -> list[str]:
        """The names of the parameters and buffers that are still placeholders."""
        return [n for n, t in (*self._parameters.items(), *self._buffers.items()) if is_lazy(t)]

    def _pending(self) -> bool:
        """Whether the lazy size is still to be read: placeholders left, or (for a layer that
        has none, e.g. an instance norm without affine or running statistics) the size unset."""
        return self.has_uninitialized_params() or not getattr(self, self._lazy_size)

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        """Read the lazy size from ``input``, materialise the placeholders and initialise them
        as the regular layer does.  Does nothing once the size is known."""
        if self._pending():
            self._materialize(self._size_from_input(input))

    def _materialize(self, size: int) -> None:
        setattr(self, self._lazy_size, size)
        for name, shape in self._lazy_shapes(size).items():
            tensor = getattr(self, name)
            if is_lazy(tensor):
                tensor.materialize(shape)
        # the regular layer's init, past this class's guard (a size of 0 is a size too);
        # also when a checkpoint is about to overwrite the values: a failed load must not
        # leave uninitialised memory in a layer that can be called
        reset = super().reset_parameters  # type: ignore[misc]
        reset(*(() if self._generator is None else (self._generator,)))

    def reset_parameters(self, *args: Any, **kwargs: Any) -> None:
        if not self._pending():  # nothing to initialise before the shapes are known
            super().reset_parameters(*args, **kwargs)  # type: ignore[misc]

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        self.initialize_parameters(*args, **kwargs)
        if self.has_uninitialized_params():  # a subclass's initialize_parameters left some
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        if self.cls_to_become is None:
            raise NotImplementedError(f"{self._get_name()}: a lazy module needs a cls_to_become")
        self.__class__ = self.cls_to_become  # from now on the regular layer, as in PyTorch
        return self.forward(*args, **kwargs)  # type: ignore[attr-defined]

    def state_dict(self, *, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> Any:
        out = super().state_dict(destination=destination, prefix=prefix,  # type: ignore[misc]
                                 keep_vars=keep_vars)
        # PyTorch's: a placeholder goes in as itself (there are no values to detach)
        for name in self._placeholders():
            if prefix + name in out:
                out[prefix + name] = getattr(self, name)
        return out

    # name the placeholders where they are registered, for the errors an op on them raises
    def __setattr__(self, name: str, value: Any) -> None:
        if is_lazy(value):
            value._name_owner(f"{self._get_name()}.{name}")
        super().__setattr__(name, value)  # type: ignore[misc]

    def register_parameter(self, name: str, param: Any) -> None:
        if is_lazy(param):
            param._name_owner(f"{self._get_name()}.{name}")
        super().register_parameter(name, param)  # type: ignore[misc]

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        if is_lazy(tensor):
            tensor._name_owner(f"{self._get_name()}.{name}")
        super().register_buffer(name, tensor, persistent)  # type: ignore[misc]

    def _match_keys(self, state: dict, prefix: str, missing: list, unexpected: list,
                    errors: list, pending: list) -> dict:
        # PyTorch's lazy load hook: a layer still lazy takes its size from the checkpoint, if
        # every entry for a placeholder agrees with one size; else a size mismatch for each.
        # A placeholder in the checkpoint (a lazy layer's state_dict) leaves its one lazy.
        lazy = {prefix + n for n in self._placeholders() if is_lazy(state.get(prefix + n))}
        given = {n: tuple(_as_array(state[prefix + n], prefix + n).shape)
                 for n in self._placeholders() if prefix + n in state and prefix + n not in lazy}
        wrong = self._materialize_from(given) if given else []
        for n, want in wrong:
            errors.append(f"size mismatch for {prefix}{n}: copying a param with shape {given[n]} "
                          f"from checkpoint, {self._get_name()} needs {want}.")
        # these entries are dealt with: neither loaded nor missing
        keys = lazy | ({prefix + n for n in given} if wrong else set())
        if keys:
            state = {k: v for k, v in state.items() if k not in keys}
        match = super()._match_keys  # type: ignore[misc]
        by_child = match(state, prefix, missing, unexpected, errors, pending)
        if keys:
            missing[:] = [k for k in missing if k not in keys]
        return by_child

    def _materialize_from(self, given: dict[str, tuple[int, ...]]) -> list[tuple[str, str]]:
        """Materialise from a checkpoint's shapes (placeholder name -> shape) if they agree on
        one size; else return, for each that does not fit, its name and what it should be."""
        sizes = {self._size_from_shape(n, shape) for n, shape in given.items()} - {None}
        size = sizes.pop() if len(sizes) == 1 else None
        expected = self._lazy_shapes(size) if size is not None else {}
        wrong = [n for n, shape in given.items() if expected.get(n) != shape]
        if not wrong:
            self._materialize(size)  # type: ignore[arg-type]
        return [(n, f"{expected[n]} for the {self._lazy_size}={size} the checkpoint implies"
                 if n in expected else f"a shape its {self._lazy_size} can fill") for n in wrong]

    # ---- what each lazy layer defines
    def _size_from_input(self, input: Tensor) -> int:
        raise NotImplementedError

    def _lazy_shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        raise NotImplementedError

    def _size_from_shape(self, name: str, shape: tuple[int, ...]) -> int | None:
        raise NotImplementedError


__all__ = ["LazyModuleMixin"]
