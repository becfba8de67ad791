"""Reverse-mode automatic differentiation: Function, backward and grad, no_grad, gradcheck,
anomaly detection."""
from .function import Function
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, mark_modified, no_grad,
                        set_grad_enabled)
from .gradcheck import GradcheckError, gradcheck
from .passes import backward, grad

__all__ = ["Function", "GradcheckError", "functional", "backward", "detect_anomaly", "enable_grad", "grad",
           "gradcheck", "inference_mode", "is_grad_enabled", "mark_modified", "no_grad", "set_detect_anomaly",
           "set_grad_enabled"]


def __getattr__(name: str):
    """``autograd.functional`` (jacobian, vjp, jvp) and anomaly detection (anomaly.py) load on
    first use, keeping ``import rosenblatt`` fast."""
    if name == "functional":
        import importlib
        return importlib.import_module(f"{__name__}.functional")
    if name in ("detect_anomaly", "set_detect_anomaly"):
        from . import anomaly
        value = globals()[name] = getattr(anomaly, name)  # later lookups find it directly
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
