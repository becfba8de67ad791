"""``Module``: the base class of every layer and model.

Parameters, buffers and submodules register themselves when assigned as
attributes, so ``state_dict()`` names are the dotted attribute paths, exactly
PyTorch's (``0.weight``, ``encoder.layers.1.bias``) and checkpoints carry over.
"""
from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Mapping
from typing import Any, Callable, Iterator

from ..._backend import xp
from ..._device import check_device, device
from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..parameter import Buffer, Parameter, is_lazy


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: ``(missing_keys, unexpected_keys)``."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class RemovableHandle:
    """Returned by ``register_*_hook``; ``remove()`` (or leaving a ``with`` block) unregisters.

    Removing twice, or after the ``with`` block, does nothing.

    Example:
        >>> import rosenblatt as rb
        >>> layer, seen = rb.nn.Identity(), []
        >>> handle = layer.register_forward_hook(lambda module, args, output: seen.append(output.shape))
        >>> _ = layer(rb.zeros(2, 3))
        >>> handle.remove()
        >>> _ = layer(rb.zeros(4))  # not seen
        >>> with layer.register_forward_hook(lambda module, args, output: seen.append("in with")):
        ...     _ = layer(rb.zeros(1))
        >>> _ = layer(rb.zeros(1))  # not seen
        >>> seen
        [(2, 3), 'in with']
    """

    _next_id = 0

    def __init__(self, hooks: dict, *flags: set) -> None:
        self.hooks, self.flags = hooks, flags  # flags: sets of hook ids with an option set
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self.hooks.pop(self.id, None)
        for ids in self.flags:
            ids.discard(self.id)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join((" " * spaces + s) if s.strip() else "" for s in lines[1:])


def _as_array(value: Any, name: str) -> Any:
    """A checkpoint value (rosenblatt or torch tensor, NumPy array, list) as an array."""
    if isinstance(value, Tensor):
        if is_lazy(value):
            raise RuntimeError(
                f"load_state_dict(): {name!r} in the checkpoint is an uninitialized placeholder "
                f"({type(value).__name__}): the state_dict of a lazy module taken before its first "
                f"forward, which has no shape "
                f"or values to load. Call `forward` with a dummy batch on the source module before "
                f"taking its state_dict.")
        return value.data
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":  # NumPy has none; float32 holds it exactly
            value = value.float()
        return value.numpy()
    try:
        return xp.asarray(value)
    except Exception:
        raise TypeError(f"load_state_dict(): value for {name!r} is a {type(value).__name__}, "
                        f"expected a Tensor or an array") from None


# The state-dict hooks' stores, by (load_)state_dict's order; modules pickled before they
# existed get them empty in __setstate__.
_STATE_DICT_HOOKS = ("_state_dict_pre_hooks", "_state_dict_hooks", "_load_state_dict_pre_hooks",
                     "_load_state_dict_post_hooks")


class Module:
    """Base class of layers and models: subclass it, assign layers in ``__init__``, write ``forward``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> class MLP(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc1 = nn.Linear(4, 8)
        ...         self.fc2 = nn.Linear(8, 2)
        ...     def forward(self, x):
        ...         return self.fc2(nn.functional.relu(self.fc1(x)))
        >>> [name for name, _ in MLP().named_parameters()]
        ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    """

    training: bool
    _version = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments "
                            f"{args or ''}{kwargs or ''}")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_hooks"] = {}
        d["_forward_pre_hooks"] = {}
        d["_forward_hooks_with_kwargs"] = set()  # ids of hooks that take and give kwargs
        d["_forward_pre_hooks_with_kwargs"] = set()
        d["_forward_hooks_always_called"] = set()  # ids of hooks run even when forward raises
        d["_backward_hooks"] = {}
        d["_backward_pre_hooks"] = {}
        for hooks in _STATE_DICT_HOOKS:
            d[hooks] = {}

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks
                or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        """``forward`` between the hooks, in PyTorch's order: forward pre-hooks, the inputs'
        backward-hook node, forward, forward hooks, the outputs' backward-hook node."""
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, "
                                           f"new_kwargs), but got {result!r:.60}.")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward_hooks = None
        if self._backward_hooks or self._backward_pre_hooks:
            from ._backward_hooks import BackwardHooks  # only modules with backward hooks need it

            backward_hooks = BackwardHooks(self)
            args = backward_hooks.setup_inputs(args)
        try:
            output = self.forward(*args, **kwargs)
        except Exception:
            for key, hook in list(self._forward_hooks.items()):
                if key in self._forward_hooks_always_called:
                    try:  # the hook sees the failure's arguments; the error raised is forward's
                        self._run_forward_hook(key, hook, args, kwargs, None)
                    except Exception:
                        pass
            raise
        for key, hook in list(self._forward_hooks.items()):
            result = self._run_forward_hook(key, hook, args, kwargs, output)
            if result is not None:
                output = result
        if backward_hooks is not None:
            output = backward_hooks.setup_outputs(output)
        return output

    def _run_forward_hook(self, key: int, hook: Callable[..., Any], args: tuple, kwargs: dict,
                          output: Any) -> Any:
        if key in self._forward_hooks_with_kwargs:
            return hook(self, args, kwargs, output)
        return hook(self, args, output)

    # ---------------------------------------------------------------- registration
    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: parameters, buffers and submodules live
        # in their dicts (not __dict__), so a plain attribute never pays for this.
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            table = d.get(store)
            if table is not None and name in table:
                return table[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        # The hot path is an ordinary value (an int, a tuple): one failed isinstance here and one
        # for Module below, as before nn.Buffer; only Tensor subclasses pay for the two checks.
        if isinstance(value, Tensor):
            if type(value) is not Tensor:
                if isinstance(value, Parameter):
                    if "_parameters" not in d:
                        raise AttributeError("cannot assign parameters before Module.__init__() call")
                    self._drop(name, "_parameters")
                    d["_parameters"][name] = value
                    return
                if (isinstance(value, Buffer) and name not in d.get("_parameters", ())
                        and name not in d.get("_modules", ())):
                    # PyTorch's (>= 2.5) nn.Buffer: registers itself, with its own persistence
                    if "_buffers" not in d:
                        raise AttributeError("cannot assign buffer before Module.__init__() call")
                    self.register_buffer(name, value, value.persistent)
                    return
        elif isinstance(value, Module):
            if "_modules" not in d:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._drop(name, "_modules")
            d["_modules"][name] = value
            return
        if "_parameters" in d and name in d["_parameters"]:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                f"(nn.Parameter or None expected)")
            d["_parameters"][name] = None
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                f"(nn.Module or None expected)")
            d["_modules"][name] = None
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                f"(nn.Buffer, Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for store in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__[store]:
                del self.__dict__[store][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def _drop(self, name: str, keep: str) -> None:
        """Forget ``name`` everywhere but the ``keep`` store (a replaced entry keeps its order)."""
        d = self.__dict__
        d.pop(name, None)
        for store in ("_parameters", "_buffers", "_modules"):
            if store != keep:
                d[store].pop(name, None)
        d["_non_persistent_buffers_set"].discard(name)

    def _check_name(self, name: str, kind: str, store: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if "." in name or name == "":
            raise KeyError(f'{kind} name can\'t contain "." and can\'t be empty, got {name!r}')
        if hasattr(self, name) and name not in self.__dict__[store]:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add ``param`` (or None, a declared-but-absent parameter) under ``name``."""
        self._check_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            f"(nn.Parameter or None required)")
        self._drop(name, "_parameters")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not a parameter (running statistics, masks).

        Non-persistent buffers are left out of ``state_dict()``.  Assigning an ``nn.Buffer``
        (``self.name = nn.Buffer(tensor, persistent=...)``) does the same.
        """
        self._check_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            f"(Tensor or None required)")
        self._drop(name, "_buffers")
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Add a child module under ``name`` (same as assigning the attribute)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name(name, "module", "_modules")
        self._drop(name, "_modules")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> "Module":
        module = self
        for part in target.split(".") if target else ():
            if part not in module._modules:
                if hasattr(module, part):
                    raise AttributeError(f"`{part}` is not an nn.Module")
                raise AttributeError(f"{module._get_name()} has no attribute `{part}`")
            module = module._modules[part]
        return module

    # ------------------------------------------------------------------ iteration
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name,
                                                remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator["Module"]:
        for _, module in self.named_children():
            yield module

    def _named_members(self, store: str, prefix: str, recurse: bool,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        seen = set()
        mods = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse
                else [(prefix, self)])
        for mod_prefix, module in mods:
            for name, value in module.__dict__[store].items():
                if value is None or (remove_duplicate and value in seen):
                    continue
                seen.add(value)
                yield mod_prefix + ("." if mod_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs in registration order; shared parameters once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ---------------------------------------------------------------- state dict
    def state_dict(self, *, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Every parameter and persistent buffer by dotted name (detached unless ``keep_vars``)."""
        if destination is None:
            destination = OrderedDict()
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else Tensor._wrap(p.data)
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else Tensor._wrap(b.data)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            if hook(self, destination, prefix, {"version": self._version}) is not None:
                raise RuntimeError("state_dict post-hook must return None")
        return destination

    def load_state_dict(self, state_dict: Any, strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers, in place.

        Values may be rosenblatt or torch tensors or NumPy arrays (so PyTorch and
        safetensors checkpoints load); each is cast to the destination's dtype.

        Args:
            state_dict: name -> tensor or array.
            strict: raise when a key is missing or unexpected.
            assign: accepted for PyTorch compatibility; values are always copied.

        Returns:
            ``(missing_keys, unexpected_keys)``.

        Raises:
            RuntimeError: listing every missing/unexpected key (strict) and every
                shape mismatch (always).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict(): expected state_dict to be a dict (name -> tensor), "
                            f"got {type(state_dict).__name__}")
        metadata = getattr(state_dict, "_metadata", None)  # a torch checkpoint's module versions
        missing: list[str] = []
        unexpected: list[str] = []
        errors: list[str] = []
        pending: list[tuple[Tensor, Any]] = []

        def load(module: Module, local_state: dict, prefix: str) -> None:
            """PyTorch's walk: each module's pre-hooks may edit the keys under its prefix (in a
            copy), then it checks its own keys; its post-hooks see the keys of its subtree."""
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            for hook in module._load_state_dict_pre_hooks.values():
                hook(module, local_state, prefix, local_metadata, True, missing, unexpected, errors)
            by_child = module._match_keys(local_state, prefix, missing, unexpected, errors, pending)
            for name, child in module._modules.items():
                if child is not None:
                    load(child, by_child.get(name, {}), prefix + name + ".")
            incompatible = _IncompatibleKeys(missing, unexpected)
            for hook in module._load_state_dict_post_hooks.values():
                if hook(module, incompatible) is not None:
                    raise AssertionError("Hooks registered with ``register_load_state_dict_post_hook`` "
                                         "are not expected to return new values, if incompatible_keys "
                                         "need to be modified, it should be done inplace.")

        load(self, OrderedDict(state_dict), "")
        if strict:  # PyTorch's order: missing, then unexpected, then size mismatches
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {self._get_name()}:\n\t"
                               + "\n\t".join(errors))
        with no_grad():
            for target, array in pending:
                target.copy_(Tensor._wrap(array))
        return _IncompatibleKeys(missing, unexpected)

    def _match_keys(self, state: dict, prefix: str, missing: list, unexpected: list,
                    errors: list, pending: list) -> dict[str, dict]:
        """Match this module's parameters and persistent buffers with ``state``'s keys under
        ``prefix``: each found one of the right shape goes to ``pending``, to be copied once all
        matched.  Returns each child's keys (by child name), split off in the same pass."""
        own = {name: p for name, p in self._parameters.items() if p is not None}
        own.update((name, b) for name, b in self._buffers.items()
                   if b is not None and name not in self._non_persistent_buffers_set)
        for name, target in own.items():
            key = prefix + name
            if key not in state:
                missing.append(key)
                continue
            array = _as_array(state[key], key)
            if tuple(array.shape) != tuple(target.shape):
                errors.append(f"size mismatch for {key}: copying a param with shape "
                              f"{tuple(array.shape)} from checkpoint, the shape in current model "
                              f"is {tuple(target.shape)}.")
                continue
            pending.append((target, array))
        by_child: dict[str, dict] = {}
        for key, value in state.items():
            if key.startswith(prefix):
                # PyTorch's rule: a dotted name must start with a child's, a plain one be ours
                first, *rest = key[len(prefix):].split(".", 1)
                if first not in (self._modules if rest else own):
                    unexpected.append(key)
                elif rest:
                    by_child.setdefault(first, {})[key] = value
        return by_child

    # ------------------------------------------------------------------ behaviour
    def train(self, mode: bool = True) -> "Module":
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            module.__dict__["training"] = mode
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad.data[...] = 0

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call ``fn`` on every submodule (children first) and then on this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _apply_to_tensors(self, fn: Callable[[Any], Any]) -> "Module":
        for module in self.modules():
            for table in (module._parameters, module._buffers):
                for t in table.values():
                    if t is None:
                        continue
                    t.data = fn(t.data)
                    if t.grad is not None:
                        t.grad.data = fn(t.grad.data)
        return self

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """``to(dtype)`` casts floating parameters and buffers; ``to('cpu')`` (or ``to(device('cpu'))``)
        is a no-op, and the CPU is the only device in this release."""
        unknown = sorted(set(kwargs) - {"device", "dtype", "non_blocking", "memory_format"})
        if unknown:
            raise TypeError(f"Module.to() got unexpected keyword argument(s) {unknown}; it takes "
                            f"device, dtype, non_blocking and memory_format")
        dtypes = [kwargs["dtype"]] if kwargs.get("dtype") is not None else []
        for a in list(args) + [kwargs.get("device")]:
            if a is None:
                continue
            if isinstance(a, (str, device)):
                check_device("Module.to()", a)
            else:
                dtypes.append(a)
        if len(dtypes) > 1:
            raise TypeError(f"Module.to() got {len(dtypes)} dtypes ({dtypes}); pass one")
        dtype = dtypes[0] if dtypes else None
        if dtype is None:
            return self
        dtype = xp.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Module.to() only accepts floating point dtypes, but got desired "
                            f"dtype={dtype}")
        # copy=False: a tensor already of that dtype keeps its memory, as in PyTorch (a state
        # dict taken before still shares it)
        return self._apply_to_tensors(
            lambda a: a.astype(dtype, copy=False) if a.dtype.kind == "f" else a)

    def float(self) -> "Module":
        return self.to(xp.float32)

    def double(self) -> "Module":
        return self.to(xp.float64)

    def half(self) -> "Module":
        return self.to(xp.float16)

    def cpu(self) -> "Module":
        return self

    # ---------------------------------------------------------------------- hooks
    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args)`` runs before forward and may return new args (a tuple, or one
        value); with ``with_kwargs=True``, ``hook(module, args, kwargs)`` may return
        ``(args, kwargs)``.  ``prepend=True`` runs it before the hooks registered earlier."""
        handle = self._add_hook(self._forward_pre_hooks, hook, prepend,
                                (self._forward_pre_hooks_with_kwargs,))
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs.add(handle.id)
        return handle

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False, always_call: bool = False) -> RemovableHandle:
        """``hook(module, args, output)`` runs after forward and may return a new output; with
        ``with_kwargs=True`` it is ``hook(module, args, kwargs, output)``.  ``always_call=True``
        runs it (with output None) even when forward raises.  ``prepend=True`` runs it before
        the hooks registered earlier."""
        handle = self._add_hook(self._forward_hooks, hook, prepend,
                                (self._forward_hooks_with_kwargs, self._forward_hooks_always_called))
        if with_kwargs:
            self._forward_hooks_with_kwargs.add(handle.id)
        if always_call:
            self._forward_hooks_always_called.add(handle.id)
        return handle

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], prepend: bool = False
                                        ) -> RemovableHandle:
        """``hook(module, grad_output)`` runs when the gradients of the module's outputs are
        known (a tuple, None for an output that got none) and may return new ones.

        Example:
            >>> import rosenblatt as rb
            >>> layer = rb.nn.Linear(3, 2)
            >>> _ = layer.register_full_backward_pre_hook(lambda m, g: (g[0] * 0,))
            >>> layer(rb.ones(1, 3)).sum().backward()
            >>> layer.bias.grad
            tensor([0., 0.])
        """
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False
                                    ) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` runs when the gradients of the module's
        positional inputs are known (None for a non-tensor argument, or for all of them when
        no input requires a gradient) and may return new ``grad_input``.  Hooks see the
        gradients, not the parameters': those still accumulate in ``.grad``.

        Example:
            >>> import rosenblatt as rb
            >>> layer, seen = rb.nn.Linear(3, 2), []
            >>> _ = layer.register_full_backward_hook(lambda m, gi, go: seen.append(gi[0].shape))
            >>> x = rb.ones(4, 3, requires_grad=True)
            >>> layer(x).sum().backward()
            >>> seen
            [(4, 3)]
        """
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """PyTorch's deprecated non-full backward hook, whose gradients depend on the last op
        inside forward: not provided."""
        raise NotImplementedError(f"{type(self).__name__}.register_backward_hook: the deprecated "
                                  f"non-full backward hook is not provided; use "
                                  f"register_full_backward_hook (same hook signature)")

    def register_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(module, prefix, keep_vars)`` runs when ``state_dict`` starts on this module
        (``prefix`` is its name's, e.g. ``"encoder."``), before its entries are added."""
        return self._add_hook(self._state_dict_pre_hooks, hook, False)

    def register_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(module, state_dict, prefix, local_metadata)`` runs once this module's entries
        and its submodules' are in ``state_dict``; it may edit the dict in place and must
        return None.  ``local_metadata`` is ``{"version": module._version}``.

        Example:
            >>> import rosenblatt as rb
            >>> def drop_bias(module, state_dict, prefix, local_metadata):
            ...     del state_dict[prefix + "bias"]
            >>> layer = rb.nn.Linear(2, 2)
            >>> _ = layer.register_state_dict_post_hook(drop_bias)
            >>> list(layer.state_dict())
            ['weight']
        """
        return self._add_hook(self._state_dict_hooks, hook, False)

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` runs when ``load_state_dict`` reaches this module, before
        it matches its keys: it may rename or convert the entries under ``prefix`` in
        ``state_dict`` (a copy holding the keys of this module's subtree) or append to the
        lists.  ``strict`` is always True, as in PyTorch (the caller's ``strict`` only decides
        whether missing and unexpected keys raise); ``local_metadata`` is a torch checkpoint's
        ``_metadata`` entry for this module, else ``{}``.

        Example (an old checkpoint that called the weight ``w``):
            >>> import rosenblatt as rb
            >>> def rename(module, state_dict, prefix, *rest):
            ...     if prefix + "w" in state_dict:
            ...         state_dict[prefix + "weight"] = state_dict.pop(prefix + "w")
            >>> layer = rb.nn.Linear(2, 2, bias=False)
            >>> _ = layer.register_load_state_dict_pre_hook(rename)
            >>> layer.load_state_dict({"w": rb.ones(2, 2)})
            <All keys matched successfully>
        """
        return self._add_hook(self._load_state_dict_pre_hooks, hook, False)

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(module, incompatible_keys)`` runs once this module and its submodules have
        matched their keys; it may edit ``incompatible_keys.missing_keys`` and
        ``.unexpected_keys`` in place (``strict`` raises on what is left) and must return None."""
        return self._add_hook(self._load_state_dict_post_hooks, hook, False)

    @staticmethod
    def _add_hook(hooks: dict, hook: Callable[..., Any], prepend: bool,
                  flags: tuple = ()) -> RemovableHandle:
        handle = RemovableHandle(hooks, *flags)
        hooks[handle.id] = hook
        if prepend:
            for key in [k for k in hooks if k != handle.id]:
                hooks[key] = hooks.pop(key)  # every other hook moves behind the new one
        return handle

    # -------------------------------------------------------------------- display
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr`` (override in layers)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __dir__(self) -> list:
        return sorted(set(object.__dir__(self)) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))

    def __getstate__(self) -> dict:
        return self.__dict__.copy()

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for hooks in _STATE_DICT_HOOKS:
            self.__dict__.setdefault(hooks, {})
