"""Reverse-mode automatic differentiation: Function, no_grad, gradcheck."""
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, mark_modified, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck


def grad(outputs, inputs, grad_outputs=None, retain_graph=False):
    """Gradients of ``outputs`` w.r.t. ``inputs``, returned rather than left in their ``.grad``."""
    from ..tensor import Tensor
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    saved = [t.grad for t in inputs]
    for t in inputs:
        t.grad = None
        t.retain_grad()
    try:
        outputs.backward(grad_outputs, retain_graph=retain_graph)
        return tuple(t.grad for t in inputs)
    finally:
        for t, g in zip(inputs, saved):
            t.grad = g


__all__ = ["Function", "GradcheckError", "enable_grad", "grad", "gradcheck", "is_grad_enabled", "mark_modified",
           "no_grad", "set_grad_enabled"]
