"""``Optimizer``: parameter groups, per-parameter state and PyTorch-shaped state dicts.

A subclass writes its update rule once, as ``_update(group, p, g, state, step, tmp)``
on raw 1-D arrays with in-place ufuncs (and ``axpy``/``axpby``/``scal``, one BLAS pass each,
from ``rosenblatt._backend``).  The base class calls it on flat,
contiguous copies of all small parameters and gradients of a group together (a
handful of ufunc calls however many biases and norms there are), and on a flat
view of each large parameter (or per parameter when they are at different
steps), always a cache-sized slice (``CHUNK``) at a time.

Why flat buffers: a model with hundreds of small tensors (biases, norms) would
otherwise pay a dozen ufunc dispatches per tensor per step.  The state of a
group lives in one flat array per state key (and per dtype); ``state[p]`` holds
tensors that are views into it, so ``opt.state[p]['exp_avg']`` reads the live
values.  The step never records autograd nodes: it writes into ``p.data``.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable

from .._backend import axpy, blas_threads, xp
from ..autograd.grad_mode import enable_grad, mark_modified
from ..tensor import Tensor


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


#: marks a hyperparameter with no default (``SGD``'s lr in old PyTorch).
required = _Required()


#: parameters with fewer elements than this are updated together on flat copies;
#: larger ones in place, one by one (copying them would cost more than the
#: dozen ufunc dispatches it saves).
SMALL = 1 << 15

#: updates run over slices of this many elements (1 MiB of float32), so an update
#: rule's repeated passes stay in cache, yet each call does enough work to hide its
#: overhead (measured when OpenBLAS still split each call over two threads: slices of 32K
#: elements cost an Adam step over 100 tensors of 64K elements 16 ms, whole tensors 10-11 ms).
CHUNK = 1 << 18

# The slices run in the calling thread, with OpenBLAS held to one thread for the step.  Its
# vector passes (axpy, axpby, scal) are memory-bound and gained at most 4% from a second thread
# (make bench's steps over 100 tensors, three runs of 9-15 interleaved rounds on an AVX-512
# machine: Adam 9.60, 8.87, 7.85 ms with two against 9.68, 9.00, 8.16 with one; SGD 2.79,
# 2.72, 2.66 against 2.56, 2.79, 2.62), and a woken OpenBLAS
# thread spins ~0.1 s after its last call, taking a core from whatever runs next in other
# threads: the baby GPT's step through DataParallel took 172 ms so, 131 with one thread.
# Splitting the slices between two Python threads (single-threaded BLAS each) was tried
# earlier and removed: the threads handed the GIL back and forth around every call (MLP bench
# epoch with SGD 459 ms against 401 in one thread, on an AVX2 machine).


class _Bucket:
    """The parameters of one group with one dtype, and their flat state arrays.

    Small parameters come first, so their state is one contiguous prefix
    ``[:small_numel]`` of each state array, updated with one ufunc call per op.
    """

    def __init__(self, params: list[Tensor], dtype: Any, temporaries: int) -> None:
        small = [p for p in params if p.data.size < SMALL]
        self.params = small + [p for p in params if p.data.size >= SMALL]
        self.n_small = len(small)
        self.dtype = dtype
        self.offsets = [0]
        for p in self.params:
            self.offsets.append(self.offsets[-1] + p.data.size)
        self.numel = self.offsets[-1]
        self.small_numel = self.offsets[self.n_small]
        self.arrays: dict[str, Any] = {}
        # by id: ``list.index`` would compare tensors with ``==``, an elementwise op
        self.position = {id(p): j for j, p in enumerate(self.params)}
        # scratch reused every step: fresh large arrays would page-fault each time
        self.flat = xp.empty(self.small_numel, dtype=dtype)
        self.grad = xp.empty(self.small_numel, dtype=dtype)
        # one slice's adjusted gradient and the update rule's temporaries
        self.scratch = xp.empty(min(CHUNK, self.numel) * (1 + temporaries), dtype=dtype)

    def state_slice(self, key: str, j: int) -> Any:
        """Parameter ``j``'s slice of state array ``key``, 1-D."""
        return self.arrays[key][self.offsets[j]:self.offsets[j + 1]]

    def view(self, key: str, j: int) -> Any:
        """The same, in the parameter's shape."""
        return self.state_slice(key, j).reshape(self.params[j].data.shape)


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of tensors, of ``(name, tensor)`` pairs
            (``model.named_parameters()``: the names go to the group's
            ``'param_names'``), or of dicts each holding ``'params'`` and
            per-group options that override ``defaults``.
        defaults: default options of every group (``lr``, ...).

    Subclasses define ``_state_init(group) -> {key: initial value}`` and
    ``_update(group, p, g, state, step, tmp)``, where ``p`` (updated in place),
    ``g`` (the gradient, read-only), ``state[key]`` and ``tmp`` (scratch) are
    1-D arrays of one length (``tmp``: ``_scratch`` of them back to back), and
    ``step`` counts this parameter's steps including this one.  The shared
    ``step()`` reads ``weight_decay`` and ``maximize`` from each group, so put
    them in ``defaults`` (``g`` comes negated when maximizing, L2 decay added).

    Example:
        >>> import rosenblatt as rb
        >>> class PlainSGD(rb.optim.Optimizer):  # p <- p - lr * g
        ...     def __init__(self, params, lr=0.25):
        ...         super().__init__(params, dict(lr=lr, weight_decay=0.0, maximize=False))
        ...     def _state_init(self, group):
        ...         return {}
        ...     def _update(self, group, p, g, state, step, tmp):
        ...         p -= group["lr"] * g
        >>> w = rb.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = PlainSGD([w])
        >>> (w * w).sum().backward()  # gradient 2 w
        >>> opt.step()
        >>> w
        tensor([ 0.5, -1. ], requires_grad=True)
        >>> opt.zero_grad()
        >>> w.grad is None, opt.param_groups[0]["lr"]
        (True, 0.25)
    """

    #: False for optimizers whose state has no ``'step'`` entry (SGD).
    _has_step = True
    #: how many scratch arrays of a parameter's length ``_update`` needs in its ``tmp``.
    _scratch = 1

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params should be an iterable of Tensors or dicts, but "
                f"got a Tensor; pass [tensor] or model.parameters()"
            )
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._buckets: list[dict[Any, _Bucket]] = []
        self._steps: dict[Tensor, int] = {}  # step counts of optimizers whose state has none
        groups = list(params)
        if len(groups) == 0:
            raise ValueError(f"{type(self).__name__}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])

    # ----------------------------------------------------------------- groups
    def _check(self, options: dict[str, Any]) -> None:
        """Raise ValueError for invalid hyperparameters (subclasses extend)."""
        lr = options.get("lr")
        if isinstance(lr, (int, float)) and lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        wd = options.get("weight_decay")
        if wd is not None and wd < 0:
            raise ValueError(f"Invalid weight_decay value: {wd}")
        eps = options.get("eps")
        if eps is not None and eps < 0:
            raise ValueError(f"Invalid epsilon value: {eps}")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (e.g. a new layer to fine-tune).

        Args:
            param_group: ``{'params': tensors, **options}``; missing options
                take the optimizer's defaults.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"add_param_group(): param_group must be a dict, got "
                            f"{type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, set):
            raise TypeError("add_param_group(): parameters must be in an ordered collection, not a "
                            "set, whose order changes between runs (and with it the state dict's "
                            "numbering); use a list")
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        named = [p for p in group["params"] if isinstance(p, tuple)]
        if named:  # model.named_parameters(): PyTorch keeps the names in the state dict
            if len(named) != len(group["params"]):
                raise ValueError("add_param_group(): all params should be with or without names; "
                                 "some param names are missing")
            group["param_names"] = [name for name, _ in named]
            group["params"] = [p for _, p in named]
        if any(("param_names" in g) != ("param_names" in group) for g in self.param_groups):
            raise ValueError(f"add_param_group(): all param groups should be with or without "
                             f"names; cannot add a group {'with' if named else 'without'} names")
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__} can only optimize Tensors, but one of the "
                                f"params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{type(self).__name__}: can't optimize a non-leaf Tensor "
                                 f"(use .detach().requires_grad_() to make a leaf)")
        if len(set(map(id, group["params"]))) != len(group["params"]):
            raise ValueError("add_param_group(): a parameter appears twice in one group")
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        self._check(group)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)
        self._buckets.append({})

    # ------------------------------------------------------------------- step
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (default) or to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with blas_threads(1):  # why one thread: the note below CHUNK
            for i, group in enumerate(self.param_groups):
                by_dtype: dict[Any, list[Tensor]] = {}
                for p in group["params"]:
                    if p.grad is not None:
                        by_dtype.setdefault(p.data.dtype, []).append(p)
                for dtype, params in by_dtype.items():
                    self._step_bucket(group, self._bucket(i, group, dtype), params)
        self._opt_called = True  # read by a schedule's first step(), as PyTorch's
        return loss

    def _bucket(self, i: int, group: dict[str, Any], dtype: Any) -> _Bucket:
        """The bucket of group ``i`` for ``dtype``, with an array for each current state key."""
        bucket = self._buckets[i].get(dtype)
        if bucket is None:
            params = [p for p in group["params"] if p.data.dtype == dtype]
            bucket = self._buckets[i][dtype] = _Bucket(params, dtype, self._scratch)
        init = self._state_init(group)
        if init.keys() != bucket.arrays.keys():  # options changed (e.g. momentum turned on)
            new = [key for key in init if key not in bucket.arrays]
            for key in new:
                bucket.arrays[key] = xp.full(bucket.numel, init[key], dtype=dtype)
            if new and not self._has_step:
                # the count of an optimizer without a 'step' only tells a fresh state, which
                # PyTorch starts from the gradient (SGD's momentum buffer turned on mid-training)
                for p in bucket.params:
                    self._steps.pop(p, None)
            for j, p in enumerate(bucket.params):
                if p in self.state:
                    self._attach(bucket, j, init)
        return bucket

    def _attach(self, bucket: _Bucket, j: int, keys: Iterable[str]) -> None:
        state = self.state[bucket.params[j]]
        for key in keys:
            if key not in state:
                state[key] = Tensor._wrap(bucket.view(key, j))
        if self._has_step:
            state.setdefault("step", 0)

    def _count(self, p: Tensor) -> int:
        return self.state[p]["step"] if self._has_step else self._steps.get(p, 0)

    def _step_bucket(self, group: dict[str, Any], bucket: _Bucket, params: list[Tensor]) -> None:
        init = self._state_init(group)
        counts = {}
        for p in params:
            if id(p) not in bucket.position:
                raise RuntimeError(
                    f"{type(self).__name__}.step(): a parameter of shape {tuple(p.shape)} was put "
                    f"into a param group's 'params' after the first step; add parameters with "
                    f"add_param_group() instead")
            if p not in self.state:
                self._attach(bucket, bucket.position[id(p)], init)
            counts[id(p)] = self._count(p)
        small = [p for p in params if bucket.position[id(p)] < bucket.n_small]
        one = [p for p in params if bucket.position[id(p)] >= bucket.n_small]
        small_counts = {counts[id(p)] for p in small}
        jobs = []  # (p, g, state, step): flat arrays the update rule runs over
        if len(small) == bucket.n_small and len(small_counts) == 1:
            n = bucket.small_numel
            flat, grad = bucket.flat, bucket.grad
            xp.concatenate([p.data.reshape(-1) for p in small], out=flat)
            xp.concatenate([p.grad.data.reshape(-1) for p in small], out=grad)
            jobs.append((flat, grad, {key: bucket.arrays[key][:n] for key in init}, small_counts.pop() + 1))
        else:  # some lack a gradient or are at another step (bias corrections differ)
            one = small + one
            small = []
        copies = []  # parameters that aren't contiguous: updated on a copy, written back below
        for p in one:
            j = bucket.position[id(p)]
            data = p.data.reshape(-1)
            if not p.data.flags.c_contiguous:
                copies.append((p, data))
            jobs.append((data, p.grad.data.reshape(-1), {key: bucket.state_slice(key, j) for key in init},
                         counts[id(p)] + 1))
        self._run(group, jobs, bucket)
        for j, p in enumerate(small):
            p.data[...] = bucket.flat[bucket.offsets[j]:bucket.offsets[j + 1]].reshape(p.data.shape)
        for p, data in copies:
            p.data[...] = data.reshape(p.data.shape)
        for p in params:
            if self._has_step:
                self.state[p]["step"] = counts[id(p)] + 1
            else:
                self._steps[p] = counts[id(p)] + 1
        mark_modified(*params)  # a graph that saved a parameter now refuses to backward, as PyTorch's

    def _run(self, group: dict[str, Any], jobs: list, bucket: _Bucket) -> None:
        """``_gradient`` then ``_update`` on each job's flat arrays ``(p, g, state, step)``,
        ``CHUNK`` elements at a time.

        An update rule passes over its arrays several times (SGD 2, Adam 8); on
        a cache-sized slice the later passes read what the first left in the
        core's cache instead of main memory.
        """
        for p, g, state, step in jobs:
            if p.size <= CHUNK:  # one slice: the arrays themselves, no views to cut
                self._run_slice(group, p, g, state, step, bucket.scratch)
                continue
            for start in range(0, p.size, CHUNK):
                part = slice(start, start + CHUNK)
                self._run_slice(group, p[part], g[part], {key: value[part] for key, value in state.items()},
                                step, bucket.scratch)

    def _run_slice(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any], step: int,
                   scratch: Any) -> None:
        grad = self._gradient(group, p, g, scratch[:p.size])
        self._update(group, p, grad, state, step, scratch[p.size:p.size * (1 + self._scratch)])

    def _gradient(self, group: dict[str, Any], p: Any, g: Any, out: Any) -> Any:
        """The gradient the update rule follows: negated to maximize, plus L2 decay ``wd * p``.

        Returns ``g`` itself, never written, when neither applies (the common
        case costs no copy); else the result in ``out``.
        """
        wd = self._l2_weight_decay(group)
        if not group["maximize"] and wd == 0:
            return g
        if group["maximize"]:
            xp.negative(g, out=out)
        elif out is not g:
            xp.copyto(out, g)
        if wd != 0:
            axpy(wd, p, out)
        return out

    def _l2_weight_decay(self, group: dict[str, Any]) -> float:
        """The weight decay added to the gradient (AdamW's decoupled decay is not)."""
        return group["weight_decay"]

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        raise NotImplementedError

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        """Update ``p`` in place from gradient ``g`` (read-only: it may be ``p.grad``'s own
        memory) and ``state``; ``tmp`` is scratch of ``_scratch`` times ``p``'s length."""
        raise NotImplementedError

    # ------------------------------------------------------------- state dict
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}`` (copies).

        Parameters are numbered in order across groups, as in PyTorch, so the
        dict loads into an optimizer built over the same parameters.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if self.state.get(p):
                    state[index[id(p)]] = {
                        k: Tensor._wrap(v.data.copy()) if isinstance(v, Tensor) else v
                        for k, v in self.state[p].items()
                    }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and state saved by :meth:`state_dict` (values copied in)."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"load_state_dict(): loaded state dict has {len(saved_groups)} "
                             f"parameter groups, the optimizer has {len(self.param_groups)}")
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    f"load_state_dict(): loaded parameter group {i} has {len(saved['params'])} "
                    f"parameters, the optimizer's group has {len(group['params'])}"
                )
        by_index = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            for key, value in saved.items():
                if key != "params":
                    group[key] = tuple(value) if key == "betas" else value
            by_index.update(zip(saved["params"], group["params"]))
        self.state.clear()
        self._steps.clear()
        self._buckets = [{} for _ in self.param_groups]
        saved_state = {int(k): v for k, v in state_dict["state"].items()}
        for i, group in enumerate(self.param_groups):
            for pos, p in enumerate(group["params"]):
                idx = saved_groups[i]["params"][pos]
                if idx in saved_state:
                    self._restore(i, group, p, saved_state[idx], idx)

    def _restore(self, i: int, group: dict[str, Any], p: Tensor, values: dict[str, Any],
                 idx: int) -> None:
        """Copy parameter ``p``'s saved state ``values`` (number ``idx`` in the saved dict)
        into the flat arrays of group ``i``, and set its step count."""
        init = self._state_init(group)
        bucket = self._bucket(i, group, p.data.dtype)
        j = bucket.position[id(p)]
        for key in init:
            if key in values and values[key] is not None:
                value = _array(values[key])
                if value.shape != p.data.shape:  # it would broadcast into the state
                    raise ValueError(
                        f"load_state_dict(): saved state '{key}' of parameter {idx} has "
                        f"shape {tuple(value.shape)}, but the parameter in its place has "
                        f"shape {tuple(p.data.shape)}; was the state dict saved from "
                        f"another model, or with the parameters in another order?")
                bucket.view(key, j)[...] = value
        self._attach(bucket, j, [k for k in init if k in values])
        # a buffer saved as None (older PyTorch) is fresh: its next step starts it
        loaded = any(values[k] is not None for k in init if k in values)
        count = int(float(values.get("step", 1 if loaded else 0)))
        if self._has_step:
            self.state[p]["step"] = count
        else:
            self._steps[p] = count

    # ------------------------------------------------------- pickle, deepcopy
    def __getstate__(self) -> dict[str, Any]:
        """Everything but the flat arrays: they are found by the parameters' ids, which a
        copy changes, and ``state`` holds its values (views into them) as copies anyway."""
        return {k: v for k, v in self.__dict__.items() if k != "_buckets"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Rebuild the flat arrays from the copied ``state`` (``copy.deepcopy``, pickle)."""
        self.__dict__.update(state)
        saved, steps = self.state, dict(self._steps)
        self.state = defaultdict(dict)
        self._buckets = [{} for _ in self.param_groups]
        for i, group in enumerate(self.param_groups):
            for idx, p in enumerate(group["params"]):
                if saved.get(p):
                    self._restore(i, group, p, saved[p], idx)
        self._steps = steps  # SGD's counts: exact, not the guess _restore makes from the state

def _array(value: Any) -> Any:
    """A saved state value as an array (rosenblatt or torch tensor, array, list)."""
    return value.data if isinstance(value, Tensor) else xp.asarray(value)
