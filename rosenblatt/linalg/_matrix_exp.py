"""``linalg.matrix_exp``: the matrix exponential, by scaling and squaring with a degree-13 Padé
approximant (Higham 2005, "The scaling and squaring method for the matrix exponential
revisited", the algorithm behind SciPy's ``expm``), on NumPy arrays.

Backward is the Fréchet derivative of exp at ``A^T`` in the direction of the gradient, read
off the exponential of a block matrix (Mathias 1996; PyTorch's ``matrix_exp_backward``):
``exp([[A^T, G], [0, A^T]]) = [[exp(A^T), L(A^T, G)], [0, exp(A^T)]]``.
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import check_matrix

#: the numerator coefficients b_0 .. b_13 of the [13/13] Padé approximant of exp
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
#: the largest 1-norm for which [13/13] Padé is exact to float64's unit roundoff (Higham's theta_13)
_THETA13 = 5.371920351148152


def expm(a: Any) -> Any:
    """``exp`` of each matrix of the float64 array ``a`` (..., n, n); nan for a matrix with a
    nan or inf entry."""
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    bad = ~xp.isfinite(a).all(axis=(-2, -1))
    a = xp.where(bad[..., None, None], 0.0, a)
    norm = xp.abs(a).sum(axis=-2).max(axis=-1)  # the 1-norm of each matrix
    with xp.errstate(divide="ignore"):
        squarings = xp.maximum(xp.ceil(xp.log2(norm / _THETA13)), 0).astype(xp.int64)
    a = a / (2.0 ** squarings)[..., None, None]
    b, eye = _PADE13, xp.eye(n)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)  # v - u is well conditioned for norms below theta_13
    for k in range(int(squarings.max(initial=0))):
        r = xp.where((k < squarings)[..., None, None], r @ r, r)
    return xp.where(bad[..., None, None], xp.nan, r)


class MatrixExp(Function):
    """``exp(A)`` for a batch of square matrices, computed in float64 and returned in A's dtype."""

    saves_inputs = (0,)

    def forward(self, a):
        self.a = a
        return expm(a.astype(xp.float64)).astype(a.dtype, copy=False)

    def backward(self, grad):
        a, n = self.a.astype(xp.float64), self.a.shape[-1]
        g = grad.astype(xp.float64)
        # L(A^T, G) is linear in G: scaling G to norm 1 keeps the block's norm, and so the
        # squarings, set by A alone (a large G would otherwise cost accuracy)
        scale = xp.abs(g).max(axis=(-2, -1), keepdims=True) if g.size else xp.ones(g.shape[:-2] + (1, 1))
        scale = xp.where(scale > 0, scale, 1.0)
        block = xp.zeros(a.shape[:-2] + (2 * n, 2 * n))
        block[..., :n, :n] = block[..., n:, n:] = xp.swapaxes(a, -1, -2)
        block[..., :n, n:] = g / scale
        return (expm(block)[..., :n, n:] * scale).astype(grad.dtype, copy=False)


def matrix_exp(A: Any) -> Tensor:
    """The matrix exponential ``exp(A) = sum_k A^k / k!`` of each square matrix.

    Scaling and squaring with a [13/13] Padé approximant, in float64 (a float32 input gets a
    float32 result).  Differentiable: the gradient is the Fréchet derivative of exp at ``A^T``
    applied to the output's gradient.

    Args:
        A (Tensor): floating, ``(*, n, n)``.

    Shape: ``(*, n, n) -> (*, n, n)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import linalg
        >>> linalg.matrix_exp(rb.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    check_matrix(A, "linalg.matrix_exp", square=True)
    return MatrixExp.apply(A if isinstance(A, Tensor) else Tensor(A))
