"""``PerTensorOptimizer``: the base of optimizers whose update needs each parameter whole.

``Optimizer`` runs an elementwise update rule over flat slices of many parameters at
once.  Adafactor (row and column means, norms of the whole parameter) and Muon (matrix
products) cannot be cut so: their state is one tensor per parameter and key, in
PyTorch's shapes, and ``step`` hands each group's parameters to ``_step_group``.

``lerp_`` is PyTorch's ``Tensor.lerp_`` on arrays, which these optimizers (and
``swa_utils``' averages) use where PyTorch's do.
"""
from __future__ import annotations

from typing import Any, Callable

from .._backend import xp
from ..autograd.grad_mode import enable_grad, mark_modified
from ..tensor import Tensor
from .optimizer import Optimizer


def lerp_(start: Any, end: Any, weight: float, out: Any = None) -> Any:
    """``start + weight * (end - start)`` into ``out`` (default: ``start`` itself), rounding
    as PyTorch's ``lerp``: from ``end`` for weights of 1/2 and more, so a weight of 1 gives
    ``end`` exactly (Adafactor's first step). Returns ``out``.

    Example:
        >>> import numpy
        >>> a = numpy.zeros(2, dtype="float32")
        >>> lerp_(a, numpy.array([1.0, 2.0], dtype="float32"), 0.25)
        array([0.25, 0.5 ], dtype=float32)
    """
    out = start if out is None else out
    w = start.dtype.type(weight)  # PyTorch computes the weight in the tensor's dtype
    diff = xp.subtract(end, start)
    if abs(w) < 0.5:
        diff *= w
        return xp.add(start, diff, out=out)
    diff *= 1 - w
    return xp.subtract(end, diff, out=out)


class PerTensorOptimizer(Optimizer):
    """An optimizer that updates each parameter whole, its state a dict of whole tensors.

    Subclasses write ``_step_group(group, params)`` (the group's parameters that have a
    gradient: update ``p.data`` in place, keep ``self.state[p]``) and
    ``_state_shapes(p)`` (the shape of each state tensor, checked when a state dict loads).
    """

    def _check_params(self, params: list[Tensor]) -> None:
        """PyTorch's Adafactor and Muon refuse complex parameters (at the first step)."""
        for p in params:
            if p.data.dtype.kind == "c":
                raise TypeError(f"{type(self).__name__} does not support complex parameters, got "
                                f"one of dtype {p.data.dtype} and shape {tuple(p.shape)}; keep its "
                                f"real and imaginary parts as two real parameters")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        stepped = []
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if params:
                self._step_group(group, params)
                stepped += params
        self._opt_called = True  # read by a schedule's first step(), as PyTorch's
        mark_modified(*stepped)  # a graph that saved a parameter now refuses to backward
        return loss

    def _step_group(self, group: dict[str, Any], params: list[Tensor]) -> None:
        raise NotImplementedError

    def _state_shapes(self, p: Tensor) -> dict[str, tuple[int, ...]]:
        raise NotImplementedError

    def _restore(self, i: int, group: dict[str, Any], p: Tensor, values: dict[str, Any],
                 idx: int) -> None:
        """Copy parameter ``p``'s saved state in (rosenblatt or PyTorch tensors), floating
        values cast to ``p``'s dtype as PyTorch's ``load_state_dict`` casts them."""
        shapes = self._state_shapes(p)
        state: dict[str, Any] = {}
        for key, value in values.items():
            if key == "step":  # PyTorch keeps it as a float tensor
                state[key] = int(float(value))
                continue
            if value is None or isinstance(value, (bool, int, float)):
                state[key] = value
                continue
            # asarray, then copy: xp.array(torch_tensor) warns (PyTorch's __array__ takes no copy=)
            array = xp.asarray(value.data if isinstance(value, Tensor) else value)
            if key in shapes and array.shape != shapes[key]:
                raise ValueError(
                    f"load_state_dict(): saved state '{key}' of parameter {idx} has shape "
                    f"{tuple(array.shape)}, but {type(self).__name__} keeps it in shape "
                    f"{shapes[key]} for the parameter in its place, of shape {tuple(p.shape)}; was "
                    f"the state dict saved from another model, or with the parameters in another "
                    f"order?")
            if array.dtype.kind == "f":
                array = array.astype(p.data.dtype)
            else:
                array = array.copy()
            state[key] = Tensor._wrap(array)
        self.state[p] = state
