"""``vmap`` for ``rosenblatt.func`` (PyTorch's ``torch.func.vmap``), kept apart from func.py's
differentiating transforms; ``rosenblatt.func`` re-exports it and loads it on first use.

PyTorch runs ``func`` once on "batched tensors" and every op applies its batching rule.
rosenblatt's ops have no batching rules, so this ``vmap`` is a loop: ``func`` runs once per
batch index on the selected slices and the results are stacked.  It gives PyTorch's results,
structures and errors, at the cost of ``batch size`` calls; because the slices and the stack
are rosenblatt ops (``select``, ``stack``), the result is differentiable like any other.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from . import random
from ._pytree import tree_flatten, tree_unflatten
from .ops.joining import stack
from .ops.shape import narrow
from .ops.stacking import select
from .tensor import Tensor


def _describe(spec: Any) -> str:
    """A pytree spec written out: ``*`` for a leaf, ``(*, [*, *])``, ``{'w': *}``."""
    if spec is None:
        return "*"
    kind, keys, children = spec
    parts = [_describe(c) for c in children]
    if keys is not None:
        return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(keys, parts)) + "}"
    return ("(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")" if issubclass(kind, tuple)
            else "[" + ", ".join(parts) + "]")


def _get_name(func: Callable[..., Any]) -> str:
    if hasattr(func, "__name__"):
        return func.__name__
    if isinstance(func, functools.partial):
        return f"functools.partial({_get_name(func.func)}, ...)"
    return repr(func)  # a Module instance has no __name__


def _broadcast(prefix: Any, tree: Any) -> list | None:
    """``prefix``'s leaves spread over ``tree``'s leaves (an int ``in_dims`` for a whole
    tuple argument), or None where ``prefix`` is not a prefix of ``tree``'s structure.
    As PyTorch's pytrees: containers must be of one type, dicts of one key set (any order)."""
    if not isinstance(prefix, (tuple, list, dict)):
        return [prefix] * len(tree_flatten(tree)[0])
    if isinstance(prefix, dict):
        if not isinstance(tree, dict) or set(prefix) != set(tree):
            return None
        pairs = [(prefix[k], tree[k]) for k in tree]
    else:
        if type(prefix) is not type(tree) or len(prefix) != len(tree):
            return None
        pairs = list(zip(prefix, tree))
    flat: list = []
    for p, t in pairs:
        sub = _broadcast(p, t)
        if sub is None:
            return None
        flat += sub
    return flat


# ----------------------------------------------------------------- inputs
def _batched_inputs(in_dims: Any, args: tuple, func: Callable[..., Any]) -> tuple[int, list, list, Any]:
    """``(batch size, in_dim per leaf of args (None: not mapped), leaves of args, spec)``,
    with PyTorch's checks and messages."""
    name = _get_name(func)
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int "
                         f"or a (potentially nested) tuple matching the structure of inputs, got: "
                         f"{type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you "
                         f"are trying to vmap over a function with no inputs. The latter is unsupported.")
    flat_args, spec = tree_flatten(args)
    flat_dims = _broadcast(in_dims, args)
    if flat_dims is None:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with "
                         f"the structure of `inputs`. in_dims has structure "
                         f"{_describe(tree_flatten(in_dims)[1])} but inputs has structure {_describe(spec)}.")
    where = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"
    for i, (arg, dim) in enumerate(zip(flat_args, flat_dims)):
        if dim is not None and not isinstance(dim, int):
            raise ValueError(f"{where}: Got in_dim={dim} for an input but in_dim must be either an integer "
                             f"dimension or None.")
        if dim is None:
            continue
        if not isinstance(arg, Tensor):
            raise ValueError(f"{where}: Got in_dim={dim} for an input but the input is of type {type(arg)}. "
                             f"We cannot vmap over non-Tensor arguments, please use None as the respective "
                             f"in_dim")
        if not -arg.dim() <= dim < arg.dim():
            raise ValueError(f"{where}: Got in_dim={dim} for some input, but that input is a Tensor of "
                             f"dimensionality {arg.dim()} so expected in_dim to satisfy "
                             f"-{arg.dim()} <= in_dim < {arg.dim()}.")
        flat_dims[i] = dim % arg.dim()
    sizes = [arg.shape[dim] for arg, dim in zip(flat_args, flat_dims) if dim is not None]
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got "
                         f"sizes {sizes} for the mapped dimension")
    return sizes[0], flat_dims, flat_args, spec


# ----------------------------------------------------------------- randomness
_RANDOM_IN_ERROR_MODE = ("vmap: called random operation while in randomness error mode. Please either use "
                         "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                         "operation out of vmap")


def _check_randomness_arg(randomness: str) -> None:
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. "
                           f"Got {randomness}")


class _Randomness:
    """Runs the calls of one ``vmap`` under its ``randomness`` mode, on the default generator.

    'error': the generator's state is read before and after each call; a change means a random
    op ran, and raises (after restoring the state, so the stream is as if nothing was drawn).
    'same': the state from before the first call is put back before every later one.
    'different': nothing to do; the loop's calls draw one after the other."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.start = random.default_generator.get_state() if mode == "same" else None

    def call(self, func: Callable[..., Any], args: tuple, kwargs: dict, index: int) -> Any:
        generator = random.default_generator
        if self.mode == "same" and index > 0:
            generator.set_state(self.start)
        if self.mode != "error":
            return func(*args, **kwargs)
        before = generator.get_state()
        out = func(*args, **kwargs)
        if generator.get_state() != before:
            generator.set_state(before)
            raise RuntimeError(_RANDOM_IN_ERROR_MODE)
        return out


# ----------------------------------------------------------------- outputs
def _check_out_dims(out_dims: Any, name: str) -> None:
    if isinstance(out_dims, int):
        return
    for d in tree_flatten(out_dims)[0]:
        if d is not None and not isinstance(d, int):
            raise ValueError(f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a "
                             f"python collection of ints representing where in the outputs the vmapped "
                             f"dimension should appear.")


def _flat_out_dims(out_dims: Any, output: Any, spec: Any, name: str) -> list:
    if isinstance(output, Tensor):  # PyTorch's edge case: a tensor takes an int, None or a 1-tuple
        flat = ([out_dims] if out_dims is None or isinstance(out_dims, int)
                else list(out_dims) if isinstance(out_dims, tuple) and len(out_dims) == 1 else None)
    else:
        flat = _broadcast(out_dims, output)
    if flat is None:
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with "
                         f"the structure of `outputs`. out_dims has structure "
                         f"{_describe(tree_flatten(out_dims)[1])} but outputs has structure {_describe(spec)}.")
    return flat


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a.shape == b.shape and a.dtype == b.dtype and bool((a == b).all())
    return not isinstance(a, Tensor) and not isinstance(b, Tensor)  # non-tensors: PyTorch keeps the first


def _join(column: list, out_dim: int | None, batch_size: int, name: str) -> Any:
    """One output leaf over the batch (``column[i]`` from slice ``i``) put together at ``out_dim``."""
    if out_dim is None:
        # PyTorch returns an output that does not depend on the mapped inputs and raises for one
        # that does; a loop cannot see the dependence, so it returns one that is the same for
        # every slice and raises for one that is not.
        if not all(_same(column[0], c) for c in column[1:]):
            raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is None "
                             f"(this output differs between batch elements)")
        return column[0]
    for c in column:
        if not isinstance(c, Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(c)}. Did "
                             f"you mean to set out_dims= to None for output?")
    n = column[0].dim() + 1
    if not -n <= out_dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got "
                         f"{out_dim})")
    joined = stack(column, dim=out_dim)
    return joined if batch_size else narrow(joined, out_dim, 0, 0)


def _stack_outputs(outputs: list, out_dims: Any, batch_size: int, name: str) -> Any:
    flat, spec = tree_flatten(outputs[0])
    columns = [[leaf] for leaf in flat]
    for out in outputs[1:]:
        leaves, other = tree_flatten(out)
        if other != spec:
            raise ValueError(f"vmap({name}, ...): `{name}` returned outputs of different structures for "
                             f"different batch elements: {_describe(spec)} and {_describe(other)}")
        for column, leaf in zip(columns, leaves):
            column.append(leaf)
    dims = _flat_out_dims(out_dims, outputs[0], spec, name)
    return tree_unflatten([_join(c, d, batch_size, name) for c, d in zip(columns, dims)], spec)


# ----------------------------------------------------------------- the transform
def vmap(func: Callable[..., Any], in_dims: int | tuple = 0, out_dims: int | tuple = 0,
         randomness: str = "error", *, chunk_size: int | None = None) -> Callable[..., Any]:
    """``func`` mapped over a dimension of its inputs, as ``torch.func.vmap``.

    ``vmap(f)(x)[i] = f(x[i])``: for each index ``i`` of the mapped dimension, ``func`` is called
    on the slices ``x.select(in_dim, i)`` of the mapped inputs (the others passed whole), and each
    output's results are stacked along its ``out_dim``.

    **A loop, not a batching transform.** PyTorch runs ``func`` once on batched tensors through
    per-op batching rules; rosenblatt's ops have none, so ``func`` runs once per batch element:
    the cost is about ``batch size`` times one call, and vectorised code (a batched matmul) is
    faster where you can write it.  The slices and the stack are ordinary rosenblatt ops, so
    the result is differentiable (``grad`` of a function that calls ``vmap``), ``vmap(grad(f))``
    gives per-sample gradients, and ``vmap`` nests.

    Args:
        func (callable): takes the inputs (tensors or tuples/lists/dicts of them, or anything
            not mapped) and returns a tensor or a tuple/list/dict of tensors.  Keyword arguments
            are passed to every call whole, not mapped.
        in_dims (int or tuple): the dimension to map over for every input, or a tuple with one
            entry per positional argument, each an int, None (not mapped) or a nested
            tuple/list/dict matching that argument (a dict's entries by key, whatever their
            order; torch 2.13 pairs them by position). Default: 0.
        out_dims (int or tuple): where the mapped dimension goes in each output (an int, None
            or a structure matching the outputs).  None: the output is not mapped; it must be
            the same for every batch element (PyTorch raises for one computed from mapped
            inputs, even where it is; here equal values are returned). Default: 0.
        randomness (str): for the default generator's draws inside ``func``: ``'error'`` raises
            (seen by the generator's state changing across a call, so after the call, with
            the state restored), ``'different'`` gives each element its own numbers,
            ``'same'`` gives every element the same numbers (the state is put back before each
            call).  Draws from an explicit ``generator=`` are not watched. Default: 'error'.
        chunk_size (int, optional): PyTorch's memory/speed trade-off; checked (positive) and
            accepted, but the loop already runs one element at a time, so it changes nothing.

    Shape:
        An input of shape ``(*a, B, *b)`` with ``in_dim = len(a)`` gives ``func`` slices of
        ``(*a, *b)``; an output slice of shape ``(*c, *d)`` gives ``(*c, B, *d)`` with
        ``out_dim = len(c)``.  For ``B = 0``, ``func`` is called once on zeros to learn the shapes.

    Returns:
        A function with ``func``'s arguments, returning ``func``'s output structure.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.func import vmap
        >>> x, w = rb.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), rb.tensor([1.0, -1.0])
        >>> vmap(rb.dot, in_dims=(0, None))(x, w)
        tensor([-1., -1., -1.])
        >>> vmap(lambda row: {"sum": row.sum()}, in_dims=1)(x)
        {'sum': tensor([ 9., 12.])}
    """
    _check_randomness_arg(randomness)
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        name = _get_name(func)
        _check_out_dims(out_dims, name)
        batch_size, dims, leaves, spec = _batched_inputs(in_dims, args, func)
        calls = _Randomness(randomness)
        outputs = []
        for i in range(batch_size):
            sliced = [x if d is None else select(x, d, i) for x, d in zip(leaves, dims)]
            outputs.append(calls.call(func, tree_unflatten(sliced, spec), kwargs, i))
        if not batch_size:  # one call on zeros for the output's structure and per-element shapes
            zeros = [x if d is None else x.new_zeros(x.shape[:d] + x.shape[d + 1:]) for x, d in zip(leaves, dims)]
            outputs.append(calls.call(func, tree_unflatten(zeros, spec), kwargs, 0))
        return _stack_outputs(outputs, out_dims, batch_size, name)

    return wrapped


__all__ = ["vmap"]
