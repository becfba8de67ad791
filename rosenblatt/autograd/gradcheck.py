"""``gradcheck``: compare backward with central differences, like ``torch.autograd.gradcheck``."""
from __future__ import annotations

from typing import Any, Callable

import numpy

from ..random import Generator
from ..tensor import Tensor
from .grad_mode import no_grad
from .passes import grad


class GradcheckError(RuntimeError):
    """Backward disagrees with the numerical derivative."""


def gradcheck(fn: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, seed: int = 0) -> bool:
    """Check the gradients of ``fn`` at ``inputs`` by central differences in float64.

    The outputs are contracted with a random (not all-ones) upstream gradient,
    so errors that cancel under a plain sum still show.

    Args:
        fn: maps the input tensors to a tensor or a tuple of tensors.
        inputs: a tensor or a sequence of tensors (and other arguments); the
            float64 tensors with ``requires_grad`` are checked.
        eps: finite-difference step.
        atol, rtol: tolerances of the comparison.
        raise_exception: raise ``GradcheckError`` on a mismatch instead of returning False.
        seed: seed of the random upstream gradient.

    Returns:
        True when every gradient matches.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.randn(3, 4, dtype=rb.float64, requires_grad=True)
        >>> rb.autograd.gradcheck(lambda t: (t * t).tanh(), x)
        True
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    checked = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad; create them with requires_grad=True")
    for t in checked:
        if t.dtype != numpy.float64:
            raise TypeError(f"gradcheck: inputs must be float64 for a meaningful check, got {t.dtype}; "
                            f"use .double()")
    rng = Generator(seed).numpy

    def outputs() -> list[Tensor]:
        out = fn(*inputs)
        return [o for o in (out if isinstance(out, (tuple, list)) else (out,)) if isinstance(o, Tensor)]

    first = outputs()
    upstream = [rng.standard_normal(o.shape) for o in first]

    def scalar() -> float:
        with no_grad():
            return float(sum((o.data.astype(numpy.float64) * u).sum() for o, u in zip(outputs(), upstream)))

    total = None
    for o, u in zip(first, upstream):
        if o.requires_grad:
            term = (o * Tensor(u.astype(o.dtype))).sum()
            total = term if total is None else total + term
    # autograd.grad, not backward(): the inputs' own .grad stay as the caller left them.
    analytics = [None] * len(checked) if total is None else grad(total, checked, allow_unused=True)
    for i, (t, analytic) in enumerate(zip(checked, analytics)):
        analytic = numpy.zeros(t.shape) if analytic is None else analytic.data
        numeric = numpy.zeros(t.shape)
        # Index t.data itself: reshape(-1) of a non-contiguous array is a copy, and
        # perturbing a copy would silently give a zero numerical gradient.
        for j in numpy.ndindex(t.shape):
            orig = t.data[j]
            t.data[j] = orig + eps
            plus = scalar()
            t.data[j] = orig - eps
            minus = scalar()
            t.data[j] = orig
            numeric[j] = (plus - minus) / (2 * eps)
        if not numpy.allclose(analytic, numeric, atol=atol, rtol=rtol, equal_nan=True):
            worst = numpy.abs(analytic - numeric).max()
            msg = (f"gradcheck: gradient of input {i} (shape {list(t.shape)}) differs from the "
                   f"numerical one by up to {worst:.3g}\nanalytical:\n{analytic}\nnumerical:\n{numeric}")
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True
