"""Orthogonal, weight-normalized and spectral-normalized weights as parametrizations (PyTorch's ``nn.utils.parametrizations``).

Each function registers a small module with :func:`~.parametrize.register_parametrization`,
so the state-dict names are PyTorch's (``parametrizations.weight.original0``,
``parametrizations.weight.0._u``) and PyTorch checkpoints load.
"""
from __future__ import annotations

import math
from enum import Enum, auto

from ..._backend import xp
from ...creation import eye, zeros
from ...sampling import randn
from ...linalg import solve
from ...ops import cat, dot, matmul, norm
from ...tensor import Tensor
from ..functional.distance import normalize
from ..modules.conv import _ConvTransposeNd
from ..modules.module import Module
from . import parametrize

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def _norm_except_dim(v: Tensor, dim: int) -> Tensor:
    """2-norm of each slice of ``v`` along ``dim``, shaped to broadcast against ``v``.

    ``dim == -1`` means the norm of the whole tensor (a 0-d result): PyTorch's
    ``norm_except_dim`` convention, which ``weight_norm(dim=None)`` relies on.
    """
    if dim == -1:
        return norm(v)
    if not -v.ndim <= dim < v.ndim:
        raise IndexError(f"weight_norm(): dim {dim} is out of range for a weight of "
                         f"{v.ndim} dims (shape {tuple(v.shape)})")
    dim %= v.ndim
    shape = [1] * v.ndim
    shape[dim] = v.shape[dim]
    return norm(v.movedim(dim, 0).reshape(v.shape[dim], -1), 2, 1).reshape(shape)


class _WeightNorm(Module):
    """``forward(g, v) = g * v / ||v||`` with the norm over all dims but ``dim``."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_v * (weight_g / _norm_except_dim(weight_v, self.dim))

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return _norm_except_dim(weight, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    r"""Split a weight into a magnitude ``g`` and a direction ``v`` (weight normalization).

    .. math::
        \mathbf{w} = g \, \frac{\mathbf{v}}{\|\mathbf{v}\|}

    with the norm taken over every dim but ``dim`` (one magnitude per output
    channel with the default ``dim=0``), or over the whole tensor with ``dim=None``.
    ``g`` is stored as ``module.parametrizations.<name>.original0`` and ``v`` as
    ``original1`` (PyTorch's names); at registration ``g = ||w||`` and ``v = w``, so
    the weight keeps its value. See https://arxiv.org/abs/1602.07868.

    Args:
        module (Module): the module owning the weight.
        name (str): the parameter to normalize. Default: ``"weight"``.
        dim (int or None): the dim that keeps one magnitude per slice; ``None``
            for a single magnitude. (``-1`` also means the whole tensor, as in
            PyTorch.) Default: 0.

    Shape:
        ``original0`` (g): the weight's shape with every dim but ``dim`` set to 1
        (0-d for ``dim=None``); ``original1`` (v): the weight's shape.

    Returns:
        ``module``, now ``Parametrized<ClassName>``.

    Example:
        >>> from rosenblatt import nn
        >>> m = weight_norm(nn.Linear(20, 40))
        >>> m.parametrizations.weight.original0.shape, m.parametrizations.weight.original1.shape
        ((40, 1), (40, 20))
    """
    # PyTorch also accepts the old `weight_g`/`weight_v` checkpoint names through a load-state-dict
    # pre-hook; Module has no such hooks yet, so those checkpoints need renaming by hand.
    return parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)


def _weight_as_matrix(weight: Tensor, dim: int) -> Tensor:
    """``weight`` as a (size of ``dim``, rest) matrix, ``dim`` moved first (spectral norm's view)."""
    return weight.movedim(dim, 0).reshape(weight.shape[dim], -1)


def _normalize_into(out, vector, eps: float) -> None:
    """``out[...] = vector / max(||vector||, eps)``: one power-iteration step, in place."""
    out[...] = vector
    out /= max(float(xp.linalg.norm(vector)), eps)


class _SpectralNorm(Module):
    """``forward(W) = W / sigma(W)``, sigma estimated by power iteration on ``W`` as a matrix.

    ``_u`` and ``_v`` (buffers, so they are saved) hold the current estimates of the
    top left and right singular vectors; training-mode reads refine them in place.
    """

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"spectral_norm(): Dimension out of range (expected to be in range "
                             f"of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"spectral_norm(): Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.dim = dim % ndim if ndim else 0
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            h, w = _weight_as_matrix(weight, self.dim).shape
            self.register_buffer("_u", normalize(randn(h, dtype=weight.dtype), dim=0, eps=eps))
            self.register_buffer("_v", normalize(randn(w, dtype=weight.dtype), dim=0, eps=eps))
            # start from good estimates, as PyTorch does
            self._power_method(_weight_as_matrix(weight, self.dim), 15)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        # In place, so the buffers stay the objects state_dict() and optimizers know.
        W, u, v = weight_mat.data, self._u.data, self._v.data
        for _ in range(n_power_iterations):
            _normalize_into(u, W @ v, self.eps)
            _normalize_into(v, W.T @ u, self.eps)

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        weight_mat = _weight_as_matrix(weight, self.dim)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        # copies: the next training-mode read overwrites the buffers this graph would save
        u, v = Tensor._wrap(self._u.data.copy()), Tensor._wrap(self._v.data.copy())
        sigma = dot(u, matmul(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    r"""Divide a weight by its largest singular value (spectral normalization).

    .. math::
        \mathbf{W}_{SN} = \frac{\mathbf{W}}{\sigma(\mathbf{W})}, \qquad
        \sigma(\mathbf{W}) = \max_{\mathbf{h} \ne 0} \frac{\|\mathbf{W}\mathbf{h}\|_2}{\|\mathbf{h}\|_2}
        \approx \mathbf{u}^\top \mathbf{W} \mathbf{v}

    A weight of more than 2 dims is seen as a matrix of shape (size of ``dim``, rest).
    :math:`\mathbf{u}, \mathbf{v}` are estimates of the top singular vectors, kept
    in the buffers ``module.parametrizations.<name>[0]._u`` and ``._v``: 15 power
    iterations at registration, then ``n_power_iterations`` more at each read of
    the weight in training mode (none in eval mode). A 1-d weight is divided by
    its 2-norm. It bounds a layer's Lipschitz constant, which stabilizes GAN
    discriminators (https://arxiv.org/abs/1802.05957).

    Args:
        module (Module): the module owning the weight.
        name (str): the parameter to normalize. Default: ``"weight"``.
        n_power_iterations (int): power iterations per training-mode read. Default: 1.
        eps (float): floor of the norms in the power iteration. Default: 1e-12.
        dim (int or None): the dim of output channels; ``None`` for 0, or 1 for
            transposed convolutions. Default: None.

    Returns:
        ``module``, now ``Parametrized<ClassName>``.

    Raises:
        ValueError: ``module`` has no tensor ``name``, or ``n_power_iterations <= 0``.
        IndexError: ``dim`` is out of range for the weight.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = spectral_norm(nn.Linear(20, 40))
        >>> m.parametrizations.weight[0]._u.shape, m.parametrizations.weight[0]._v.shape
        ((40,), (20,))
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, _ConvTransposeNd) else 0
    return parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))


# ------------------------------------------------------------------------------ orthogonal
def _matrix_exp(A: Tensor) -> Tensor:
    """``exp(A)`` of a (batch of) square matrices, from matmuls (autograd gives the backward).

    Scaling and squaring: ``exp(A) = exp(A / 2^s)^(2^s)`` with ``s`` chosen so that
    ``||A / 2^s||_1 <= 1/2``, where a degree-16 Taylor polynomial is exact to below
    float64 precision (remainder about 0.5^17 / 17!).
    """
    one_norm = float(xp.abs(A.data).sum(axis=-2).max()) if A.data.size else 0.0
    squarings = max(0, math.ceil(math.log2(one_norm / 0.5))) if one_norm > 0.5 else 0
    X = A / 2.0 ** squarings
    identity = eye(A.shape[-1], dtype=A.dtype)
    result = identity + X / 16.0
    for k in range(15, 0, -1):  # Horner: I + X/1 (I + X/2 (... (I + X/16)))
        result = identity + matmul(X, result) / float(k)
    for _ in range(squarings):
        result = matmul(result, result)
    return result


def _householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """The first ``k`` columns of ``H_1 ... H_k``, ``H_i = I - tau_i v_i v_i^T`` (LAPACK's orgqr).

    ``v_i`` is column ``i`` of ``A`` below the diagonal with a 1 on it (the diagonal
    and above are ignored). Built from base ops, so autograd gives the backward.
    Shape: ``A`` (*, n, k), ``tau`` (*, k) -> (*, n, k).
    """
    n, k = A.shape[-2], A.shape[-1]
    V = A.tril(-1) + eye(n, k, dtype=A.dtype)
    Q = eye(n, k, dtype=A.dtype)
    for i in reversed(range(k)):  # H_1 (H_2 (... (H_k E)))
        v = V[..., :, i:i + 1]  # (*, n, 1)
        Q = Q - (tau[..., i:i + 1].unsqueeze(-1) * v) * matmul(v.mT, Q)
    return Q


def _make_orthogonal(A):
    """The Q of ``A = QR`` with ``diag(R) >= 0`` (unique), for a tall array ``A``."""
    Q, R = xp.linalg.qr(A)
    return Q * xp.sign(xp.diagonal(R, axis1=-2, axis2=-1))[..., None, :]


def _is_orthogonal(Q) -> bool:
    n, k = Q.shape[-2], Q.shape[-1]
    atol = 10.0 * n * float(xp.finfo(Q.dtype).eps)
    return bool(xp.allclose(xp.swapaxes(Q, -1, -2) @ Q, xp.eye(k, dtype=Q.dtype), atol=atol))


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """Maps an unconstrained tensor to a matrix with orthonormal columns (or rows, when wide).

    With ``use_trivialization`` the result is ``base @ map(X)``: ``base`` (a buffer) is
    an orthogonal matrix set by ``right_inverse``, and ``X`` starts at the point the
    map sends to the identity.
    """

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *,
                 use_trivialization: bool = True) -> None:
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map is _OrthMaps.householder:
            A = X.tril(-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            # PyTorch multiplies by diag(X) truncated to integers: a constant sign (no gradient)
            signs = xp.trunc(xp.diagonal(X.data, axis1=-2, axis2=-1))[..., None, :]
            Q = Q * Tensor._wrap(signs)
        else:
            X = X.tril()
            if n != k:  # square it up with zero columns; the map is then taken of the (n, n) matrix
                X = cat([X, zeros(*X.shape[:-1], n - k, dtype=X.dtype)], dim=-1)
            A = X - X.mT  # skew-symmetric
            if self.orthogonal_map is _OrthMaps.matrix_exp:
                Q = _matrix_exp(A)
            else:  # Cayley: (I - A/2)^{-1} (I + A/2)
                identity = eye(n, dtype=A.dtype)
                Q = solve(identity - 0.5 * A, identity + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        if "base" in self._buffers:
            Q = matmul(self.base, Q)
        return Q.mT if transposed else Q

    def right_inverse(self, Q: Tensor) -> Tensor:
        if Q.shape != self.shape:
            raise ValueError(f"orthogonal(): Expected a matrix or batch of matrices of shape "
                             f"{tuple(self.shape)}. Got a tensor of shape {tuple(Q.shape)}.")
        q = Q.data
        n, k = q.shape[-2], q.shape[-1]
        transposed = n < k
        if transposed:
            q = xp.swapaxes(q, -1, -2)
            n, k = k, n
        if "base" not in self._buffers:
            if self.orthogonal_map is not _OrthMaps.householder:
                raise NotImplementedError("It is not possible to assign to the matrix exponential "
                                          "or the Cayley parametrizations when "
                                          "use_trivialization=False.")
            # LAPACK's geqrf: reflectors below the diagonal, R on and above it. NumPy's 'raw'
            # QR returns them transposed.
            h, tau = xp.linalg.qr(q, mode="raw")
            A = xp.swapaxes(h, -1, -2).copy()
            diagonal = xp.sign(xp.diagonal(A, axis1=-2, axis2=-1))
            diagonal = xp.where(tau == 0.0, -diagonal, diagonal)
            idx = xp.arange(k)
            A[..., idx, idx] = diagonal
            A = A.astype(q.dtype, copy=False)
            return Tensor._wrap(xp.swapaxes(A, -1, -2) if transposed else A)
        if n == k:
            base = q.copy() if _is_orthogonal(q) else _make_orthogonal(q)
        else:  # complete the columns at random to a square orthogonal matrix
            extra = randn(*q.shape[:-1], n - k, dtype=q.dtype).data
            base = _make_orthogonal(xp.concatenate([q, extra], axis=-1))
        self.base = Tensor._wrap(base.astype(q.dtype, copy=False))
        neg_identity = xp.zeros(Q.shape, dtype=q.dtype)
        idx = xp.arange(min(Q.shape[-2:]))
        neg_identity[..., idx, idx] = -1.0
        return Tensor._wrap(neg_identity)


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    r"""Constrain a matrix (or batch of matrices) to have orthonormal columns, or rows when wide.

    .. math::
        Q^\top Q = I_k \ \text{if } n \ge k, \qquad Q Q^\top = I_n \ \text{if } n < k,
        \qquad Q \in \mathbb{R}^{n \times k}

    ``Q`` is computed from the stored tensor ``X`` by one of three maps:

    - ``"matrix_exp"``: :math:`Q = \exp(A)`, :math:`A = \mathrm{tril}(X) - \mathrm{tril}(X)^\top`
      (skew-symmetric), first ``k`` columns.
    - ``"cayley"``: :math:`Q = (I - A/2)^{-1}(I + A/2)` with the same ``A``.
    - ``"householder"``: the product of the Householder reflectors stored below the
      diagonal of ``X`` (LAPACK's compact QR form).

    With ``use_trivialization=True`` (default) an orthogonal matrix ``base`` is kept in
    the buffer ``module.parametrizations.<name>[0].base`` and :math:`Q = \text{base}\,
    \text{map}(X)` ("dynamic trivialization", https://arxiv.org/abs/1909.09501): at
    registration ``base`` is the weight itself if it is orthogonal, its QR
    orthogonalization otherwise (a non-square weight is first completed with random
    columns), so the weight starts at that value. Assigning ``module.<name> = Q``
    does the same.

    Args:
        module (Module): the module owning the weight.
        name (str): the tensor to constrain, of at least 2 dims. Default: ``"weight"``.
        orthogonal_map (str or None): ``"matrix_exp"``, ``"cayley"`` or ``"householder"``;
            ``None`` for ``"matrix_exp"`` on square matrices, ``"householder"`` otherwise.
        use_trivialization (bool): keep ``base`` as above. Default: True.

    Shape:
        the weight: (*, n, k), a batch of matrices over the leading dims.

    Returns:
        ``module``, now ``Parametrized<ClassName>``.

    Raises:
        ValueError: no tensor ``name``, fewer than 2 dims, or an unknown ``orthogonal_map``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> m = orthogonal(nn.Linear(20, 40))
        >>> Q = m.weight
        >>> bool(rb.allclose(Q.T @ Q, rb.eye(20), atol=1e-5))
        True
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of "
                         f"{weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None) if isinstance(orthogonal_map, str) else None
    if orth_enum is None:
        raise ValueError(f'orthogonal_map has to be one of "matrix_exp", "cayley", '
                         f'"householder". Got: {orthogonal_map}')
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    return parametrize.register_parametrization(module, name, orth, unsafe=True)
