"""``rosenblatt.func``, PyTorch's ``torch.func``: ``functional_call`` (a module called with
other tensors in place of its parameters and buffers), the function transforms ``grad``,
``grad_and_value``, ``vjp``, ``jacrev``, ``jvp`` and ``jacfwd``, and ``vmap`` (in ``_vmap.py``).
Loaded on first use, not at ``import rosenblatt``.

The transforms take pytrees of tensors built from tuples, lists and dicts, and return
results in torch.func's structures.  Each differentiating call records a fresh graph: the
differentiated arguments are replaced by detached copies that require grad, ``func`` runs on
them (with grad enabled, whatever the caller's grad mode), and ``autograd.grad`` is taken on its
output.  Results are detached tensors.  ``vmap`` is a loop over the batch (see below), built from
``select`` and ``stack``, so it composes with the others both ways: ``vmap(grad(f))`` gives
per-sample gradients, ``grad`` of a function calling ``vmap`` differentiates through it.

Limits, where torch.func differs:

* No transform of a transform that differentiates through the inner one (``grad(grad(f))``,
  ``jacfwd(jacrev(f))`` for a Hessian): that needs double backward, and rosenblatt's backward
  computes on arrays outside the graph.  A transform called inside another transform's
  function, on tensors (arguments or captured ones) that depend on the outer transform's
  inputs, raises ``NotImplementedError``; on constants it works.  For that reason there is no
  ``hessian`` (no correct way to build it without gradients of gradients).
* Results are detached: called at top level on tensors that require grad, torch.func's
  results carry a graph back to them, rosenblatt's do not (``vmap``'s do).
* No forward mode: ``jvp`` and ``jacfwd`` run reverse mode, one backward pass per output
  element (``jvp`` builds the Jacobian and contracts it with the tangents).  ``jacrev`` too runs
  one backward pass per output element; ``chunk_size`` is checked but changes nothing.
  ``vjp_fn`` always keeps the graph, so it can be called again.
* ``vmap`` has no batching rules: it calls ``func`` once per batch element (cost ~ batch size
  times one call).  ``randomness='error'`` is checked on the default generator's state after
  each call; an ``out_dims=None`` output is accepted when it is equal for every element.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any, Callable

import numpy

from ._pytree import tree_flatten, tree_unflatten
from ._vmap import _check_randomness_arg, _describe, _Randomness, vmap
from .autograd.function import Function
from .autograd.functional import _jacobian_blocks, _vjp
from .autograd.grad_mode import enable_grad
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


# ----------------------------------------------------------------- argnums and fresh leaves
def _wrap_argnum(argnum: Any, num_args: int) -> int:
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if -num_args <= argnum < num_args:
        return argnum % num_args
    raise RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")


def _differentiable(args: tuple, argnums: int | tuple[int, ...] | None) -> tuple[tuple, list, Any]:
    """``(args with the differentiated tensors replaced by fresh leaves that require grad,
    those leaves flat, the spec to rebuild the differentiated part)``; ``argnums=None``: all."""
    if argnums is None:
        picked: Any = args
    elif isinstance(argnums, int):
        argnums = _wrap_argnum(argnums, len(args))
        picked = args[argnums]
    elif isinstance(argnums, tuple):
        argnums = tuple(_wrap_argnum(a, len(args)) for a in argnums)
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        picked = tuple(args[i] for i in argnums)
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    leaves, spec = tree_flatten(picked)
    for x in leaves:
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    fresh = [x.detach().requires_grad_(True) for x in leaves]
    diff = tree_unflatten(fresh, spec)
    if argnums is None:
        return tuple(diff), fresh, spec
    new_args = list(args)
    for i, value in ([(argnums, diff)] if isinstance(argnums, int) else zip(argnums, diff)):
        new_args[i] = value
    return tuple(new_args), fresh, spec


# ----------------------------------------------------------------- running f, nesting
# The fresh leaves of every transform whose function is running (per thread, innermost last).
_active = threading.local()


def _reaches(tensors: list, targets: set[int]) -> bool:
    """Whether any of ``tensors`` is, or was computed from, a tensor whose id is in ``targets``."""
    seen: set[int] = set()
    stack = []
    for t in tensors:
        if id(t) in targets:
            return True
        if t._node is not None:
            stack.append(t._node)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for p in node.parents or ():
            if isinstance(p, Function):
                stack.append(p)
            elif p is not None and id(p) in targets:
                return True
    return False


def _call(func: Callable[..., Any], args: tuple, kwargs: dict, original: tuple, fresh: list,
          has_aux: bool, api: str, name: str) -> tuple[Any, Any]:
    """``(output, aux)`` of ``func(*args, **kwargs)`` run on a fresh graph."""
    stack = _active.__dict__.setdefault("stack", [])
    outer = {id(t) for leaves in stack for t in leaves}
    stack.append(fresh)
    try:
        with enable_grad():
            output = func(*args, **kwargs)
    finally:
        stack.pop()
    aux = None
    if has_aux:
        if not (isinstance(output, tuple) and len(output) == 2):
            raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) "
                               f"if has_aux is True")
        output, aux = output
    if outer:
        seen = [t for t in tree_flatten((original, kwargs, output, aux))[0] if isinstance(t, Tensor)]
        if _reaches(seen, outer):
            raise NotImplementedError(
                f"rosenblatt.func.{name}: called inside another transform's function on tensors that "
                f"depend on its inputs; differentiating through {name} (grad of grad, a Hessian) "
                f"needs double backward, which rosenblatt does not have (backward computes on arrays "
                f"outside the graph). Compute the inner derivative in closed form, or pass the inner "
                f"transform only tensors that do not depend on the outer transform's inputs")
    return output, aux


def _detach(tree: Any) -> Any:
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([t.detach() if isinstance(t, Tensor) else t for t in leaves], spec)


def _check_outputs(flat: list, api: str, floating: bool = True) -> None:
    """torch.func's checks of a transform's output: non-empty, tensors only, and (vjp/jacrev,
    not jvp/jacfwd) floating point."""
    if not flat or (len(flat) == 1 and flat[0] is None):
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output (got output = "
                           f"{flat})")
    for o in flat:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got unsupported "
                               f"type {type(o)}")
    for o in flat:
        if floating and not o.is_floating_point():
            raise RuntimeError(f"vjp(f, ...): All outputs of f must be floating-point or complex Tensors, "
                               f"got Tensor with dtype {o.dtype}")


def _check_aux(aux: Any) -> None:
    """jvp/jacfwd's ``aux`` must be tensors (PyTorch unwraps, or vmaps, every leaf)."""
    for leaf in tree_flatten(aux)[0]:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(leaf)}")


# ----------------------------------------------------------------- the transforms
def grad_and_value(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """``func`` turned into a function returning its gradient and its value, as
    ``torch.func.grad_and_value``.

    For a scalar function ``f(x_0, ..., x_{n-1})`` the returned function gives
    ``(df/dx_a, f(x))`` for ``a`` in ``argnums``; each gradient has its input's shape and dtype.

    Args:
        func (callable): returns a 0-dim floating tensor (``(tensor, aux)`` with ``has_aux``).
            Keyword arguments are passed through, not differentiated.
        argnums (int or tuple of ints): which positional arguments to differentiate; each may be a
            tensor or a tuple/list/dict of tensors. Default: 0.
        has_aux (bool): ``func`` returns ``(output, aux)``; ``aux`` is returned, detached, not
            differentiated. Default: False.

    Shape:
        Gradient of argument ``a``: the shape (pytree) of argument ``a``; value: ``()``.

    Returns:
        A function returning ``(grads, value)``, or ``(grads, (value, aux))`` with ``has_aux``;
        ``grads`` is one pytree for an int ``argnums``, a tuple of them for a tuple.  Raises
        ``NotImplementedError`` inside another transform's function (see the module).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.func import grad_and_value
        >>> grad_and_value(lambda x, y: (x * y).sum(), argnums=(0, 1))(rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0]))
        ((tensor([3., 4.]), tensor([1., 2.])), tensor(11.))
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        api = "grad_and_value(f)(*args)"
        new_args, fresh, spec = _differentiable(args, argnums)
        output, aux = _call(func, new_args, kwargs, args, fresh, has_aux, api, "grad")
        if not isinstance(output, Tensor):
            raise RuntimeError(f"{api}: Expected f(*args) to return a Tensor, got {type(output)}")
        if output.dim() != 0:
            raise RuntimeError(f"{api}: Expected f(*args) to return a scalar Tensor, got tensor with "
                               f"{output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs "
                               f"instead?")
        one = Tensor(numpy.ones((), dtype=output.dtype))
        grads = tree_unflatten(_vjp((output,), tuple(fresh), (one,), False, False, "grad"), spec)
        value = output.detach()
        return (grads, (value, _detach(aux))) if has_aux else (grads, value)

    return wrapper


def grad(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
         has_aux: bool = False) -> Callable[..., Any]:
    """``func`` turned into its gradient, as ``torch.func.grad``.

    For a scalar function ``f(x_0, ..., x_{n-1})``, ``grad(f, argnums=a)(*x) = df/dx_a``:
    ``grad_and_value`` without the value.

    Args:
        func (callable): returns a 0-dim floating tensor (``(tensor, aux)`` with ``has_aux``).
        argnums (int or tuple of ints): the positional arguments to differentiate (tensors or
            tuples/lists/dicts of tensors). Default: 0.
        has_aux (bool): ``func`` returns ``(output, aux)``; then ``(grads, aux)`` is returned.
            Default: False.

    Shape:
        Gradient of argument ``a``: the shape (pytree) of argument ``a``.

    Returns:
        A function returning the gradients (a tuple of them for a tuple ``argnums``), or
        ``(grads, aux)``.  ``grad(grad(f))`` raises ``NotImplementedError`` (no double backward).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.func import grad
        >>> grad(lambda x: (x ** 3).sum())(rb.tensor([1.0, 2.0]))
        tensor([ 3., 12.])
    """
    inner = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        grads, value = inner(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple:
    """``func(*primals)`` and a function for its vector-Jacobian products, as ``torch.func.vjp``.

    ``vjp_fn(v)`` gives ``v^T J``: for each primal ``x_j``, ``sum_i sum_k v_i[k] d out_i[k] / d x_j``,
    where ``v`` has the structure and shapes of the output.

    Args:
        func (callable): maps the primals to a tensor or a tuple/list/dict of floating tensors
            (``(output, aux)`` with ``has_aux``).
        *primals: the point, each a tensor or a tuple/list/dict of tensors.
        has_aux (bool): ``func`` returns ``(output, aux)``; ``aux`` is returned third. Default: False.

    Shape:
        ``vjp_fn(v)``: a tuple with one entry per primal, of its shape (pytree).

    Returns:
        ``(output, vjp_fn)`` or ``(output, vjp_fn, aux)``; ``output`` detached.
        ``vjp_fn(cotangents, retain_graph=True, create_graph=None)`` may be called many times;
        ``create_graph=True`` raises ``NotImplementedError`` (no double backward).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.func import vjp
        >>> out, vjp_fn = vjp(lambda x: x * x, rb.tensor([1.0, 2.0]))
        >>> out, vjp_fn(rb.tensor([1.0, 10.0]))
        (tensor([1., 4.]), (tensor([ 2., 40.]),))
    """
    api = "vjp(f, *primals)"
    new_primals, fresh, spec = _differentiable(primals, None)
    output, aux = _call(func, new_primals, {}, primals, fresh, has_aux, api, "vjp")
    flat_out, out_spec = tree_flatten(output)
    _check_outputs(flat_out, api)

    def vjp_fn(cotangents: Any, retain_graph: bool = True, create_graph: bool | None = None) -> tuple:
        if create_graph:
            raise NotImplementedError("rosenblatt.func.vjp: vjp_fn(create_graph=True) needs double "
                                      "backward, which rosenblatt does not have")
        flat_v, v_spec = tree_flatten(cotangents)
        if v_spec != out_spec:
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree "
                               f"structure of outputs to the function. cotangents: {_describe(v_spec)}, "
                               f"primal output: {_describe(out_spec)}")
        grads = _vjp(tuple(flat_out), tuple(fresh), tuple(flat_v), False, False, "vjp")
        return tree_unflatten(grads, spec)

    result = tree_unflatten([o.detach() for o in flat_out], out_spec)
    return (result, vjp_fn, _detach(aux)) if has_aux else (result, vjp_fn)


def jacrev(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, *, has_aux: bool = False,
           chunk_size: int | None = None) -> Callable[..., Any]:
    """``func`` turned into its Jacobian by reverse mode, as ``torch.func.jacrev``.

    ``J[i][a][k, l] = d out_i[k] / d x_a[l]``, one backward pass per output element ``k``.

    Args:
        func (callable): returns a floating tensor or a tuple/list/dict of them (``(output, aux)``
            with ``has_aux``).
        argnums (int or tuple of ints): the positional arguments to differentiate (tensors or
            tuples/lists/dicts of tensors). Default: 0.
        has_aux (bool): ``func`` returns ``(output, aux)``; then ``(jacobian, aux)`` is returned.
            Default: False.
        chunk_size (int, optional): accepted for PyTorch's signature (must be positive); rows are
            computed one at a time whatever it is.

    Shape:
        Block of output ``i`` and argument leaf ``x``: ``out_i.shape + x.shape``.

    Returns:
        A function returning the Jacobian in the output's structure; in it, per output, the
        argument's structure (an int ``argnums``) or a tuple over ``argnums``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.func import jacrev
        >>> jacrev(lambda x: x ** 2)(rb.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(func, argnums, has_aux, "jacrev")


def _jacobian(func: Callable[..., Any], argnums: int | tuple[int, ...], has_aux: bool, name: str,
              randomness: str = "different") -> Callable[..., Any]:
    """jacrev's and jacfwd's shared body: the Jacobian from one backward pass per output element.
    They differ in their error messages, the dtype of a block (jacrev: the input's, as a
    gradient; jacfwd: the output's, as a tangent) and outputs that are not floating point
    (jacrev raises; jacfwd gives zeros, their derivative)."""
    forward = name == "jacfwd"
    api = "jvp(f, primals, tangents)" if forward else "vjp(f, *primals)"  # PyTorch reports jvp's/vjp's
    watched = func
    if randomness == "error":  # PyTorch's jacfwd runs f under vmap: a random op raises
        def watched(*args: Any) -> Any:
            return _Randomness("error").call(func, args, {}, 0)

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        new_args, fresh, spec = _differentiable(args, argnums)
        output, aux = _call(watched, new_args, {}, args, fresh, has_aux, api, name)
        flat_out, out_spec = tree_flatten(output)
        _check_outputs(flat_out, api, floating=not forward)
        if has_aux and forward:
            _check_aux(aux)
        blocks = _jacobian_blocks(tuple(flat_out), tuple(fresh), False, False, name)
        per_output = []
        for out, row in zip(flat_out, blocks):
            jac = [Tensor(b.astype(out.dtype if forward else x.dtype, copy=False)
                          .reshape(tuple(out.shape) + tuple(x.shape)))  # (out.numel, x.numel)
                   for b, x in zip(row, fresh)]
            per_output.append(tree_unflatten(jac, spec))
        jacobian = tree_unflatten(per_output, out_spec)
        return (jacobian, _detach(aux)) if has_aux else jacobian

    return wrapper


def jacfwd(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable[..., Any]:
    """``func`` turned into its Jacobian, as ``torch.func.jacfwd``: the same Jacobian as
    ``jacrev``, and PyTorch's jacfwd return structure, dtypes and errors.

    ``J[i][a][k, l] = d out_i[k] / d x_a[l]``.  PyTorch computes it in forward mode, one
    ``jvp`` per input element; rosenblatt has no forward mode, so this runs reverse mode, one
    backward pass per *output* element (as ``jacrev``): cheaper than PyTorch's for functions
    with fewer outputs than inputs, dearer for the other kind.

    Args:
        func (callable): returns a tensor or a tuple/list/dict of tensors (``(output, aux)``
            with ``has_aux``; ``aux`` must be tensors).
        argnums (int or tuple of ints): the positional arguments to differentiate (tensors or
            tuples/lists/dicts of tensors). Default: 0.
        has_aux (bool): ``func`` returns ``(output, aux)``; then ``(jacobian, aux)`` is returned.
            Default: False.
        randomness (str): ``'error'`` raises if ``func`` draws from the default generator, as
            PyTorch's (which vmaps ``func``); ``'same'`` and ``'different'`` allow it.  ``func``
            runs once here, so every Jacobian entry sees the same draw (PyTorch's ``'same'``;
            its ``'different'`` gives each input element its own). Default: 'error'.

    Shape:
        Block of output ``i`` and argument leaf ``x``: ``out_i.shape + x.shape``, in
        ``out_i``'s dtype (zeros for an integer or bool output).

    Returns:
        A function returning the Jacobian in the output's structure; in it, per output, the
        argument's structure (an int ``argnums``) or a tuple over ``argnums``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.func import jacfwd
        >>> jacfwd(lambda x, y: x * y, argnums=1)(rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    _check_randomness_arg(randomness)
    return _jacobian(func, argnums, has_aux, "jacfwd", randomness)


def jvp(func: Callable[..., Any], primals: tuple, tangents: tuple, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """``func(*primals)`` and its Jacobian-vector product with ``tangents``, as ``torch.func.jvp``.

    ``jvp_out_i = sum_j J_ij t_j``: for each output ``i``, ``sum_j sum_l d out_i[k] / d x_j[l] t_j[l]``.
    PyTorch computes it in one forward-mode pass; rosenblatt has no forward mode (and no double
    backward for the double-vjp trick), so this builds the Jacobian with one backward pass per
    output element and contracts it with the tangents: about ``out.numel()`` backward passes.

    Args:
        func (callable): maps the primals to a tensor or a tuple/list/dict of tensors
            (``(output, aux)`` with ``has_aux``; ``aux`` must be tensors).
        primals (tuple): the point: ``func(*primals)``; each a tensor or a tuple/list/dict of
            floating tensors.
        tangents (tuple): the direction, of ``primals``' structure and shapes.
        strict (bool): raise where an output does not depend on the primals (default: zeros).
        has_aux (bool): ``func`` returns ``(output, aux)``; ``aux`` is returned third. Default: False.

    Shape:
        ``jvp_out``: the output's structure and shapes (and dtypes).

    Returns:
        ``(output, jvp_out)`` or ``(output, jvp_out, aux)``, detached.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.func import jvp
        >>> jvp(lambda x, y: x * y, (rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0])),
        ...     (rb.tensor([1.0, 1.0]), rb.tensor([0.0, 0.0])))
        (tensor([3., 8.]), tensor([3., 4.]))
    """
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid to call "
                           f"f(*primals).")
    flat_p, p_spec = tree_flatten(primals)
    flat_t, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(f"{api}: Expected primals and tangents to have the same python structure. For "
                           f"example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
                           f"with structure {_describe(p_spec)} and tangents with structure "
                           f"{_describe(t_spec)}")
    for what, flat in (("primals", flat_p), ("tangents", flat_t)):
        if not flat:
            raise RuntimeError(f"{api}: Expected {what} to contain at least one Tensor.")
        for x in flat:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"{api}: Expected {what} to only contain Tensors, got {type(x)}")
    for p, t in zip(flat_p, flat_t):
        if not p.is_floating_point():
            raise ValueError(f"Expected primal to be floating point or complex, but got: {p.dtype}")
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the "
                               f"original Tensor, this is not supported. Tensor is of size {list(p.shape)} "
                               f"while the given forward gradient is of size {list(t.shape)}.")
    new_primals, fresh, _ = _differentiable(primals, None)
    output, aux = _call(func, new_primals, {}, primals, fresh, has_aux, api, "jvp")
    flat_out, out_spec = tree_flatten(output)
    _check_outputs(flat_out, api, floating=False)
    if strict and not all(o.requires_grad for o in flat_out):
        raise RuntimeError("jvp(f, primals, tangents, strict=True): The output of f is independent of the "
                           "inputs. This is not allowed with strict=True.")
    if has_aux:
        _check_aux(aux)
    blocks = _jacobian_blocks(tuple(flat_out), tuple(fresh), False, False, "jvp")
    products = [Tensor(sum(b @ t.data.reshape(-1).astype(b.dtype, copy=False) for b, t in zip(row, flat_t))
                       .astype(out.dtype, copy=False).reshape(out.shape))  # J (out.numel, x.numel) @ t
                for out, row in zip(flat_out, blocks)]
    result = tree_unflatten([o.detach() for o in flat_out], out_spec)
    jvp_out = tree_unflatten(products, out_spec)
    return (result, jvp_out, _detach(aux)) if has_aux else (result, jvp_out)


__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jacrev", "jacfwd", "jvp", "vmap"]
