"""Differentiable matrix factorizations and inverses: inv, det, slogdet, solve, cholesky, qr,
eigh, svd.

Each is one Function whose backward is the standard formula for real matrices
(Giles 2008, "An extended collection of matrix derivative results"; Seeger et al.
2017; PyTorch's ``FunctionsManual.cpp``), written on arrays.  A factorization with
several outputs returns them packed side by side along one flat last axis; the
public function slices them back out, so the outputs share one graph node and
backward sees every output's gradient at once (zeros for an unused one).
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import factorize

_solve = xp.linalg.solve


def _mT(a: Any) -> Any:
    return xp.swapaxes(a, -1, -2)


def _right_solve(a: Any, b: Any) -> Any:
    """``b @ inv(a)`` without forming the inverse."""
    return _mT(_solve(_mT(a), _mT(b)))


def _with_diagonal(a: Any, diagonal: Any) -> Any:
    """``a`` with its (batched) diagonal replaced by ``diagonal``, in place."""
    n = a.shape[-1]
    a[..., xp.arange(n), xp.arange(n)] = diagonal
    return a


class Factorization(Function):
    """A Function with several outputs: ``factor`` returns them as a tuple of arrays (each
    with the input's batch dims in front), ``factor_backward`` takes their gradients."""

    def forward(self, a, **options):
        outputs = self.factor(a, **options)
        self.shapes = [o.shape for o in outputs]
        batch = a.shape[:-2]
        return xp.concatenate([o.reshape(batch + (-1,)) for o in outputs], axis=-1)

    def backward(self, grad):
        grads, start = [], 0
        for shape in self.shapes:
            size = int(xp.prod(shape[len(grad.shape) - 1:], dtype=xp.int64))
            grads.append(grad[..., start:start + size].reshape(shape))
            start += size
        return self.factor_backward(*grads)


def unpack(cls: type, input: Tensor, **options: Any) -> tuple[Tensor, ...]:
    """Apply the Factorization ``cls`` and slice its packed output into tensors."""
    packed = cls.apply(input, **options)
    batch = tuple(input.shape[:-2])
    outputs, start = [], 0
    for shape in cls.output_shapes(input.shape, **options):
        size = int(xp.prod(shape, dtype=xp.int64))
        outputs.append(packed[..., start:start + size].reshape(batch + shape))
        start += size
    return tuple(outputs)


class Inv(Function):
    saves_output = True

    def forward(self, a):
        self.inverse = factorize("linalg.inv", "the input matrix is singular, so it has no inverse; "
                                 "use linalg.pinv for a pseudo-inverse", xp.linalg.inv, a)
        return self.inverse

    def backward(self, grad):  # d(A^-1) = -A^-1 dA A^-1
        inverse_t = _mT(self.inverse)
        return -(inverse_t @ grad @ inverse_t)


class Det(Function):
    saves_inputs = (0,)

    def forward(self, a):
        self.a = a
        self.det = xp.linalg.det(a)
        return self.det

    def backward(self, grad):  # d det A = det A tr(A^-1 dA): the gradient is the cofactor matrix
        return grad[..., None, None] * _cofactors(self.a, self.det)


def _cofactors(a: Any, det: Any) -> Any:
    """The cofactor matrix ``det(A) A^-T``, also where A is singular (through the SVD
    ``A = U S V^T``: ``det(U V^T) U diag(prod_{j != i} s_j) V^T``, the form PyTorch uses
    there too)."""
    if xp.all(det != 0):
        return det[..., None, None] * _mT(xp.linalg.inv(a))
    u, s, vh = xp.linalg.svd(a)
    n = s.shape[-1]
    others = xp.stack([xp.prod(xp.delete(s, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    sign = xp.linalg.det(u) * xp.linalg.det(vh)
    return sign[..., None, None] * ((u * others[..., None, :]) @ vh)


class Slogdet(Factorization):
    saves_inputs = (0,)

    @staticmethod
    def output_shapes(shape, **options):
        return [(), ()]

    def factor(self, a):
        self.a = a
        sign, logabsdet = xp.linalg.slogdet(a)
        return sign.astype(a.dtype, copy=False), logabsdet.astype(a.dtype, copy=False)

    def factor_backward(self, grad_sign, grad_logabsdet):  # the sign is locally constant
        return grad_logabsdet[..., None, None] * _mT(xp.linalg.inv(self.a))


class Solve(Function):
    """``X = A^-1 B`` for a batch of matrices ``B`` (a vector ``b`` is made a column first)."""

    saves_inputs = (0,)
    saves_output = True

    def forward(self, a, b):
        self.a = a
        self.x = factorize("linalg.solve", "the solver failed because the input matrix A is "
                           "singular", _solve, a, b)
        return self.x

    def backward(self, grad):
        grad_b = _solve(_mT(self.a), grad)
        grad_a = -(grad_b @ _mT(self.x)) if self.parents[0] is not None else None
        return grad_a, grad_b


class Cholesky(Function):
    saves_output = True

    def forward(self, a):
        self.lower = factorize("linalg.cholesky", "the factorization could not be completed because "
                               "the input is not positive-definite", xp.linalg.cholesky, a)
        return self.lower

    def backward(self, grad):
        # PyTorch's formula: gA = L^-T Phi(L^T gL) L^-1, Phi symmetrizing the lower triangle
        # with a halved diagonal; it reads only the lower triangle of gL, as the output has.
        lower = self.lower
        middle = xp.tril(_mT(lower) @ grad)
        middle = 0.5 * (middle + _mT(xp.tril(middle, -1)))
        return _right_solve(lower, _solve(_mT(lower), middle))


class QR(Factorization):
    saves_output = True

    @staticmethod
    def output_shapes(shape, mode="reduced"):
        m, n = shape[-2:]
        k = m if mode == "complete" else min(m, n)
        return [(0,) if mode == "r" else (m, k), (k, n)]

    def factor(self, a, mode="reduced"):
        self.mode = mode
        q, r = xp.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        if mode == "r":
            q = xp.zeros(a.shape[:-2] + (0,), dtype=a.dtype)
        self.q, self.r = q, r
        return q, r

    def factor_backward(self, grad_q, grad_r):
        q, r = self.q, self.r
        m, n = q.shape[-2], r.shape[-1]
        if self.mode == "r" or (self.mode == "complete" and m > n):
            raise RuntimeError(f"linalg.qr: the derivative is not defined for mode={self.mode!r}"
                               f"{' with more rows than columns' if self.mode == 'complete' else ''} "
                               f"(as in PyTorch); use mode='reduced'")
        if m >= n:
            return _qr_backward(q, r, grad_q, grad_r)
        # A = [X | Y] with X square: Q R_X = X and R_Y = Q^T Y, so Y passes its share on to Q.
        grad_ry = grad_r[..., m:]
        grad_y = q @ grad_ry
        grad_q = grad_q + (q @ r[..., m:]) @ _mT(grad_ry)  # Y = Q R_Y
        grad_x = _qr_backward(q, r[..., :m], grad_q, grad_r[..., :m])
        return xp.concatenate([grad_x, grad_y], axis=-1)


def _qr_backward(q: Any, r: Any, grad_q: Any, grad_r: Any) -> Any:
    """gA = (gQ + Q copyltu(M)) R^-T with M = R gR^T - gQ^T Q (Seeger et al.; m >= n)."""
    m = r @ _mT(grad_r) - _mT(grad_q) @ q
    symmetric = xp.tril(m) + _mT(xp.tril(m, -1))
    return _right_solve(_mT(r), grad_q + q @ symmetric)


class Eigh(Factorization):
    saves_output = True

    @staticmethod
    def output_shapes(shape, uplo="L", vectors=True):
        n = shape[-1]
        return [(n,), (n, n)] if vectors else [(n,)]

    def factor(self, a, uplo="L", vectors=True):
        self.values, self.vectors = xp.linalg.eigh(a, UPLO=uplo)
        self.with_vectors = vectors
        return (self.values, self.vectors) if vectors else (self.values,)

    def factor_backward(self, grad_values, grad_vectors=None):
        values, vectors = self.values, self.vectors
        if grad_vectors is None:  # eigvalsh: V diag(gw) V^T, defined for repeated eigenvalues too
            return (vectors * grad_values[..., None, :]) @ _mT(vectors)
        # V (diag(gw) + skew(V^T gV) / E) V^T with E_ij = w_j - w_i: infinite where
        # eigenvalues repeat, as in PyTorch (the eigenvectors are not unique there).
        inner = _mT(vectors) @ grad_vectors
        inner = 0.5 * (inner - _mT(inner))
        gaps = _with_diagonal(values[..., None, :] - values[..., :, None], 1)
        inner = _with_diagonal(inner / gaps, grad_values)
        return vectors @ inner @ _mT(vectors)


class SVD(Factorization):
    saves_output = True

    @staticmethod
    def output_shapes(shape, full_matrices=True, vectors=True):
        m, n = shape[-2:]
        k = min(m, n)
        if not vectors:
            return [(k,)]
        return [(m, m if full_matrices else k), (k,), (n if full_matrices else k, n)]

    def factor(self, a, full_matrices=True, vectors=True):
        if not vectors:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
            self.u, self.s, self.vh = u, s, vh
            return (s,)
        u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
        k = s.shape[-1]
        self.u, self.s, self.vh = u[..., :k], s, vh[..., :k, :]
        return u, s, vh

    def factor_backward(self, grad_u, grad_s=None, grad_vh=None):
        u, s, vh = self.u, self.s, self.vh
        if grad_s is None:  # svdvals: U diag(gS) V^T, defined for repeated singular values too
            return (u * grad_u[..., None, :]) @ vh
        k = s.shape[-1]
        grad_u, grad_vh = grad_u[..., :k], grad_vh[..., :k, :]  # full_matrices: the extra
        m, n = u.shape[-2], vh.shape[-1]                        # columns have no derivative
        uhgu = _mT(u) @ grad_u
        vhgv = vh @ _mT(grad_vh)
        # PyTorch's svd_backward: E_jk = s_k^2 - s_j^2 (1 on the diagonal)
        gaps = _with_diagonal(s[..., None, :] ** 2 - s[..., :, None] ** 2, 1)
        inner = ((uhgu - _mT(uhgu)) * s[..., None, :] + s[..., :, None] * (vhgv - _mT(vhgv))) / gaps
        inner = inner + _with_diagonal(xp.zeros_like(inner), grad_s)
        if m > n:  # the part of gU outside U's span: (I - U U^T) gU S^-1
            scaled = grad_u / s[..., None, :]
            return (u @ inner + scaled - u @ (_mT(u) @ scaled)) @ vh
        if m < n:
            scaled = grad_vh / s[..., :, None]
            return u @ (inner @ vh + scaled - (scaled @ _mT(vh)) @ vh)
        return u @ inner @ vh
