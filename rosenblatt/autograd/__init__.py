"""Reverse-mode automatic differentiation: Function, backward and grad, no_grad, gradcheck."""
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, mark_modified, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck
from .passes import backward, grad

__all__ = ["Function", "GradcheckError", "backward", "enable_grad", "grad", "gradcheck", "is_grad_enabled",
           "mark_modified", "no_grad", "set_grad_enabled"]
