"""Input checks the linalg ops share, raising as PyTorch does (RuntimeError naming the op)."""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import Function, as_array
from ..tensor import Tensor


class LinAlgError(RuntimeError):
    """A factorization failed on a numerically bad input (singular, not positive-definite).

    PyTorch's ``torch.linalg.LinAlgError``, a ``RuntimeError`` as there.
    """


def array_of(input: Any, op: str) -> Any:
    return input.data if isinstance(input, Tensor) else as_array(input, op)


def check_float(a: Any, op: str) -> None:
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{op}: expected a floating point tensor as input, got {a.dtype}; "
                           f"convert it with .float() or .double() first")


def check_matrix(input: Any, op: str, square: bool = False) -> Any:
    """The array of ``input``, checked to be a float (batch of) matrix, square if asked."""
    a = array_of(input, op)
    check_float(a, op)
    if a.ndim < 2:
        raise RuntimeError(f"{op}: the input tensor A must have at least 2 dimensions, got shape "
                           f"{list(a.shape)}")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    return a


def factorize(op: str, what: str, compute: Any, *arrays: Any) -> Any:
    """``compute(*arrays)``, NumPy's LinAlgError turned into PyTorch's (a RuntimeError naming
    ``op`` and saying why: ``what``)."""
    try:
        return compute(*arrays)
    except xp.linalg.LinAlgError as error:
        raise LinAlgError(f"{op}: {what} ({error})") from None


class Underivable(Function):
    """An op PyTorch defines no derivative for: its result (computed before, handed over as
    ``result``) requires grad like its inputs, and backward through it raises, as PyTorch's;
    the message names ``op`` and says what to do instead (``fix``)."""

    saves_arrays = False

    def forward(self, *inputs, result=None, op=None, fix=None):
        self.op, self.fix = op, fix
        return result

    def backward(self, grad):
        raise RuntimeError(f"the derivative for {self.op} is not implemented (as in PyTorch); {self.fix}")
