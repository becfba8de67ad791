"""PyTorch's randomized low-rank factorizations: ``svd_lowrank`` and ``pca_lowrank``.

Halko, Martinsson and Tropp's algorithms (arXiv:0909.4061): a random Gaussian sketch ``A R``,
``niter`` power iterations re-orthonormalised by QR, then the SVD of the small projected
matrix.  Built from ``randn``, ``matmul``, ``linalg.qr`` and ``linalg.svd``, so the results
are differentiable in ``A`` as those are.  The sketch is drawn from the default generator:
``manual_seed`` makes a call repeatable (not equal to PyTorch's, whose random numbers differ).
"""
from __future__ import annotations

from typing import Any

from ._backend import xp
from .tensor import Tensor

__all__ = ["pca_lowrank", "svd_lowrank"]


def _floating(A: Tensor) -> Any:
    return A.dtype if A.dtype in (xp.float16, xp.float32, xp.float64) else xp.dtype(xp.float32)


def _approximate_basis(A: Tensor, q: int, niter: int, M: Tensor | None) -> Tensor:
    """``Q`` with ``q`` orthonormal columns such that ``Q Q^T (A - M)`` approximates ``A - M``
    (Halko et al., algorithm 4.4), without forming ``A - M``."""
    from .linalg import qr
    from .sampling import randn
    R = randn(A.shape[-1], q, dtype=_floating(A))
    X = A @ R
    if M is not None:
        X = X - M @ R
    Q = qr(X).Q
    for _ in range(niter):
        X = A.mH @ Q
        if M is not None:
            X = X - M.mH @ Q
        Q = qr(X).Q
        X = A @ Q
        if M is not None:
            X = X - M @ Q
        Q = qr(X).Q
    return Q


def svd_lowrank(A: Tensor, q: int | None = 6, niter: int | None = 2,
                M: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:
    r"""An approximate truncated SVD ``A ≈ U diag(S) V^T`` (of ``A - M`` when ``M`` is given).

    Randomized (Halko et al., algorithm 5.1): exact for a matrix of rank at most ``q``, close
    for one whose singular values beyond the ``q``-th are small.  For a dense matrix
    ``linalg.svd`` is faster and exact; this pays off for a large matrix of low rank.

    Args:
        A (Tensor): ``(*, m, n)`` float matrices.
        q (int, optional): a slightly overestimated rank of ``A`` (default 6): the number of
            singular triplets.
        niter (int, optional): the number of power iterations (default 2), a non-negative int.
        M (Tensor, optional): ``A``'s mean, broadcast to ``(*, m, n)``, subtracted first.

    Returns:
        ``(U, S, V)``: ``U (*, m, q)``, ``S (*, q)`` descending, ``V (*, n, q)`` (``q``
        capped at ``min(m, n)``).

    Example:
        >>> import rosenblatt as rb
        >>> _ = rb.manual_seed(0)
        >>> A = rb.randn(20, 3) @ rb.randn(3, 10)  # rank 3
        >>> U, S, V = rb.svd_lowrank(A, q=4)
        >>> U.shape, S.shape, V.shape
        ((20, 4), (4,), (10, 4))
        >>> rb.allclose(U @ rb.diag(S) @ V.T, A, atol=1e-4)
        True
    """
    from .linalg import svd
    from .ops import broadcast_to
    q = 6 if q is None else q
    niter = 2 if niter is None else niter
    m, n = A.shape[-2:]
    if M is not None:
        M = broadcast_to(M, A.shape)
    if m < n:  # work on the tall orientation
        A = A.mH
        M = None if M is None else M.mH
    Q = _approximate_basis(A, q, niter, M)
    B = Q.mH @ A
    if M is not None:
        B = B - Q.mH @ M
    U, S, Vh = svd(B, full_matrices=False)
    V = Vh.mH
    U = Q @ U
    return (V, S, U) if m < n else (U, S, V)


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True,
                niter: int = 2) -> tuple[Tensor, Tensor, Tensor]:
    r"""Principal component analysis of the data ``A`` (rows are samples), by ``svd_lowrank``.

    ``(U, S, V)`` approximate the SVD of ``A`` centred (its column means subtracted, unless
    ``center=False``): ``V``'s columns are the principal directions, ``S ** 2 / (m - 1)`` the
    variances along them, and ``A @ V[:, :k]`` projects the data onto the first ``k``.

    Args:
        A (Tensor): ``(*, m, n)``: ``m`` samples of ``n`` features.
        q (int, optional): a slightly overestimated rank; ``min(6, m, n)`` by default, at most
            ``min(m, n)``.
        center (bool): subtract the column means first (default True).
        niter (int): the number of power iterations (default 2), non-negative.

    Returns:
        ``(U, S, V)``: ``U (*, m, q)``, ``S (*, q)``, ``V (*, n, q)``.

    Example:
        >>> import rosenblatt as rb
        >>> _ = rb.manual_seed(0)
        >>> A = rb.randn(50, 2) @ rb.tensor([[3.0, 0.0, 0.0], [0.0, 1.0, 0.0]]) + 5
        >>> U, S, V = rb.pca_lowrank(A, q=2)
        >>> V[:, 0].abs().round(decimals=2).tolist()  # the direction of most variance: feature 0
        [1.0, 0.0, 0.0]
    """
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"pca_lowrank(): q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"pca_lowrank(): niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter)
    return svd_lowrank(A - A.mean(dim=-2, keepdim=True), q, niter=niter)
