"""``autograd.functional``: derivatives of a whole function, as ``torch.autograd.functional``.

``vjp`` (``v^T J``), ``jvp`` (``J v``), ``jacobian``, ``hessian``, ``hvp`` and ``vhp`` take a
function of tensors and the point to differentiate at, with PyTorch's signatures and
return structures: a tensor where ``inputs`` (or the function's output) is one tensor, a
tuple where it is a tuple.  The function runs on detached copies of ``inputs`` that
require grad, so the caller's tensors and their ``.grad`` are left alone; results are
detached (``create_graph=False``).

Everything here is reverse mode on ``autograd.grad``.  ``jvp`` is computed from the
rows of the Jacobian (one backward pass per output element), not PyTorch's double-vjp
trick, so it needs no gradients of gradients.  ``hessian``, ``hvp``, ``vhp`` and
``create_graph=True`` do: rosenblatt's backward computes on arrays outside the graph,
so these raise ``NotImplementedError`` until it can build graphs of gradients.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.autograd.functional import jacobian, vjp
    >>> x = rb.tensor([1.0, 2.0])
    >>> jacobian(lambda t: t * t, x)
    tensor([[2., 0.],
            [0., 4.]])
    >>> vjp(lambda t: (t * t).sum(), x)[1]
    tensor([2., 4.])
"""
from __future__ import annotations

from typing import Any, Callable

import numpy

from ..tensor import Tensor
from .grad_mode import enable_grad
from .passes import grad

_Tensors = Tensor | tuple[Tensor, ...]


def _as_tuple(value: Any, what: str, op: str) -> tuple[bool, tuple[Tensor, ...]]:
    """``(value was a tuple, value as a tuple of tensors)``, raising PyTorch's TypeError."""
    is_tuple = isinstance(value, (tuple, list))
    items = tuple(value) if is_tuple else (value,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"The {what} given to {op} must be either a Tensor or a tuple of Tensors "
                            f"but the value at index {i} has type {type(t).__name__}.")
    return is_tuple, items


def _unpack(values: tuple, is_tuple: bool) -> Any:
    return values if is_tuple else values[0]


def _run(func: Callable[..., Any], inputs: Any, op: str) -> tuple:
    """``(inputs were a tuple, differentiable copies of inputs, outputs were a tuple, outputs)``."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", op)
    inputs = tuple(t.detach().requires_grad_(True) for t in inputs)
    with enable_grad():
        outputs = func(*inputs)
    outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", op)
    return inputs_tuple, inputs, outputs_tuple, outputs


def _check_v(v: Any, against: tuple[Tensor, ...], what: str, op: str) -> tuple[Tensor, ...]:
    """``v`` as a tuple of tensors of ``against``'s shapes; None only for one one-element tensor."""
    if v is None:
        if len(against) != 1 or against[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if the {what} is a single Tensor with "
                               f"a single element.")
        return (Tensor(numpy.ones(against[0].shape, dtype=against[0].dtype)),)
    _, v = _as_tuple(v, "v", op)
    if len(v) != len(against):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(against)} but got {len(v)}.")
    for i, (vi, ai) in enumerate(zip(v, against)):
        if tuple(vi.shape) != tuple(ai.shape):
            raise RuntimeError(f"Entry {i} in the v given to {op} has shape {tuple(vi.shape)} but the "
                               f"{what} has shape {tuple(ai.shape)}; they must match.")
    return v


def _vjp(outputs: tuple, inputs: tuple, v: tuple, strict: bool, create_graph: bool,
         op: str) -> tuple[Tensor, ...]:
    """``sum_i v_i^T dOutput_i/dInput_j`` for each input; zeros for an input no output uses."""
    used = [i for i, o in enumerate(outputs) if o.requires_grad]
    if strict and len(used) < len(outputs):
        i = next(i for i in range(len(outputs)) if i not in used)
        raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The "
                           f"outputs must be computed in a differentiable manner from the input when "
                           f"running in strict mode.")
    grads: tuple = (None,) * len(inputs)
    if used:
        try:
            grads = grad([outputs[i] for i in used], inputs, [v[i] for i in used], retain_graph=True,
                         create_graph=create_graph, allow_unused=True)
        except NotImplementedError:
            _no_gradients_of_gradients(op)
    result = []
    for j, (g, t) in enumerate(zip(grads, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The output of the user-provided function is independent of input "
                                   f"{j}. This is not allowed in strict mode.")
            g = Tensor(numpy.zeros(t.shape, dtype=t.dtype))
        result.append(g)
    return tuple(result)


def _no_gradients_of_gradients(op: str) -> None:
    raise NotImplementedError(
        f"autograd.functional.{op}: needs gradients of gradients (create_graph=True), which "
        f"rosenblatt's backward does not build (it computes on arrays outside the graph); "
        f"use jacobian or vjp with create_graph=False") from None


def vjp(func: Callable[..., Any], inputs: _Tensors, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The vector-Jacobian product ``v^T J`` of ``func`` at ``inputs``.

    Args:
        func: maps the input tensors to a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: one tensor per output, of its shape (may be None for one one-element output).
        create_graph: make the result differentiable (raises NotImplementedError: see the module).
        strict: raise where an output does not depend on the inputs, or an input is unused
            (default: zeros there).

    Returns:
        ``(func(*inputs) detached, vjp)``; ``vjp`` has the structure and shapes of ``inputs``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.functional import vjp
        >>> vjp(lambda x: x * x, rb.tensor([1.0, 2.0]), rb.tensor([1.0, 1.0]))[1]
        tensor([2., 4.])
    """
    inputs_tuple, inputs, outputs_tuple, outputs = _run(func, inputs, "vjp")
    v = _check_v(v, outputs, "output of the user-provided function", "vjp")
    result = _vjp(outputs, inputs, v, strict, create_graph, "vjp")
    return (_unpack(tuple(o.detach() for o in outputs), outputs_tuple),
            _unpack(result if create_graph else tuple(g.detach() for g in result), inputs_tuple))


def _jacobian_blocks(outputs: tuple, inputs: tuple, strict: bool, create_graph: bool,
                     op: str) -> list[list[Any]]:
    """``blocks[i][j]``: d output_i / d input_j as an array of shape ``(numel_i, numel_j)``,
    one backward pass per output element (rows of the Jacobian)."""
    if create_graph:
        _no_gradients_of_gradients(op)
    blocks = []
    for i, out in enumerate(outputs):
        rows = [numpy.zeros((out.numel(), t.numel()), dtype=out.dtype) for t in inputs]
        if not out.requires_grad:
            if strict:
                raise RuntimeError(f"Output {i} of the user-provided function does not require "
                                   f"gradients. The outputs must be computed in a differentiable manner "
                                   f"from the input when running in strict mode.")
            blocks.append(rows)
            continue
        used = [False] * len(inputs)
        for k in range(out.numel()):
            one_hot = numpy.zeros(out.numel(), dtype=out.dtype)
            one_hot[k] = 1
            grads = grad(out, inputs, Tensor(one_hot.reshape(out.shape)), retain_graph=True,
                         allow_unused=True)
            for j, g in enumerate(grads):
                if g is not None:
                    rows[j][k] = g.data.reshape(-1)
                    used[j] = True
        if strict and not all(used):
            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                               f"{used.index(False)}. This is not allowed in strict mode when "
                               f"create_graph=False.")
        blocks.append(rows)
    return blocks


def jacobian(func: Callable[..., Any], inputs: _Tensors, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` of shape ``output_i.shape + input_j.shape``.

    Args:
        func: maps the input tensors to a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        create_graph: raises NotImplementedError (see the module).
        strict: raise where an output does not depend on an input (default: zeros).
        vectorize, strategy: accepted for PyTorch's signature; only ``'reverse-mode'``
            exists here, one backward pass per output element.

    Returns:
        A tensor for one input and one output; a tuple over inputs for a tuple of inputs;
        a tuple over outputs (each as above) for a tuple of outputs.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.functional import jacobian
        >>> jacobian(lambda x, y: x * y, (rb.tensor([1.0, 2.0]), rb.tensor([3.0, 4.0])))[1]
        tensor([[1., 0.],
                [0., 2.]])
    """
    if strategy != "reverse-mode":
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' (forward mode is not available), "
                         f"got {strategy!r}")
    inputs_tuple, inputs, outputs_tuple, outputs = _run(func, inputs, "jacobian")
    blocks = _jacobian_blocks(outputs, inputs, strict, create_graph, "jacobian")
    result = tuple(_unpack(tuple(Tensor(block.reshape(tuple(out.shape) + tuple(t.shape)))
                                 for block, t in zip(rows, inputs)), inputs_tuple)
                   for rows, out in zip(blocks, outputs))
    return _unpack(result, outputs_tuple)


def jvp(func: Callable[..., Any], inputs: _Tensors, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The Jacobian-vector product ``J v`` of ``func`` at ``inputs``.

    Computed from the rows of the Jacobian: one backward pass per output element, and no
    gradients of gradients (PyTorch's double-vjp trick needs them).

    Args:
        func: maps the input tensors to a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: one tensor per input, of its shape (may be None for one one-element input).
        create_graph: raises NotImplementedError (see the module).
        strict: raise where an output does not depend on the inputs (default: zeros).

    Returns:
        ``(func(*inputs) detached, jvp)``; ``jvp`` has the structure and shapes of the outputs.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.functional import jvp
        >>> jvp(lambda x: x * x, rb.tensor([1.0, 2.0]), rb.tensor([1.0, 1.0]))[1]
        tensor([2., 4.])
    """
    inputs_tuple, inputs, outputs_tuple, outputs = _run(func, inputs, "jvp")
    v = _check_v(v, inputs, "input", "jvp")
    blocks = _jacobian_blocks(outputs, inputs, strict, create_graph, "jvp")
    products = tuple(Tensor(sum(block @ vj.data.reshape(-1).astype(block.dtype, copy=False)
                                for block, vj in zip(rows, v)).reshape(out.shape))
                     for rows, out in zip(blocks, outputs))
    return _unpack(tuple(o.detach() for o in outputs), outputs_tuple), _unpack(products, outputs_tuple)


def _scalar_output(func: Callable[..., Any], op: str) -> Callable[..., Tensor]:
    """``func``, checked to return a single one-element tensor (PyTorch's rule for Hessians)."""
    def checked(*inputs: Tensor) -> Tensor:
        out = func(*inputs)
        is_tuple, outputs = _as_tuple(out, "outputs of the user-provided function", op)
        if is_tuple or outputs[0].numel() != 1:
            raise RuntimeError(f"The function given to {op} should return a single Tensor with a single "
                               f"element, got {'a tuple' if is_tuple else f'shape {tuple(outputs[0].shape)}'}.")
        return outputs[0]
    return checked


def vhp(func: Callable[..., Any], inputs: _Tensors, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Any]:
    """The vector-Hessian product ``v^T H`` of a scalar ``func`` at ``inputs``.

    Needs gradients of gradients: raises NotImplementedError (see the module).

    Returns:
        ``(func(*inputs) detached, vhp)``; ``vhp`` has the structure and shapes of ``inputs``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.autograd.functional import vhp
        >>> vhp(lambda x: (x ** 3).sum(), rb.tensor([1.0]), rb.tensor([1.0]))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        NotImplementedError: autograd.functional.vhp: needs gradients of gradients ...
    """
    scalar = _scalar_output(func, "vhp")
    inputs_tuple, inputs, _, outputs = _run(scalar, inputs, "vhp")
    v = _check_v(v, inputs, "input", "vhp")
    first = _vjp(outputs, inputs, (None,), strict, True, "vhp")
    second = _vjp(first, inputs, v, strict, create_graph, "vhp")
    return outputs[0].detach(), _unpack(second, inputs_tuple)


def hvp(func: Callable[..., Any], inputs: _Tensors, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Any]:
    """The Hessian-vector product ``H v`` of a scalar ``func`` at ``inputs``: ``v^T H`` transposed,
    equal to ``vhp`` as the Hessian of a twice continuously differentiable function is symmetric.

    Needs gradients of gradients: raises NotImplementedError (see the module).

    Returns:
        ``(func(*inputs) detached, hvp)``; ``hvp`` has the structure and shapes of ``inputs``.
    """
    try:
        return vhp(func, inputs, v, create_graph, strict)
    except NotImplementedError:
        _no_gradients_of_gradients("hvp")


def hessian(func: Callable[..., Any], inputs: _Tensors, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar ``func`` at ``inputs``: ``H[i][j]`` of shape
    ``input_i.shape + input_j.shape`` (a tensor for one input, a tuple of tuples for several).

    Needs gradients of gradients: raises NotImplementedError (see the module).
    """
    scalar = _scalar_output(func, "hessian")

    def gradient(*inputs: Tensor) -> tuple[Tensor, ...]:
        return _vjp((scalar(*inputs),), inputs, (None,), strict, True, "hessian")

    inputs_tuple, _ = _as_tuple(inputs, "inputs", "hessian")
    try:
        result = jacobian(gradient, tuple(inputs) if inputs_tuple else (inputs,), create_graph, strict)
    except NotImplementedError:
        _no_gradients_of_gradients("hessian")
    return result if inputs_tuple else result[0][0]
