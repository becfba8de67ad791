"""Weight normalization and spectral normalization as parametrizations (PyTorch's ``nn.utils.parametrizations``).

Each function registers a small module with :func:`~.parametrize.register_parametrization`,
so the state-dict names are PyTorch's (``parametrizations.weight.original0``,
``parametrizations.weight.0._u``) and PyTorch checkpoints load.
"""
from __future__ import annotations

from ..._backend import xp
from ...autograd.grad_mode import no_grad
from ...ops import dot, matmul, norm
from ...creation import randn
from ...tensor import Tensor
from ..functional.distance import normalize
from ..modules.conv import _ConvTransposeNd
from ..modules.module import Module
from . import parametrize

__all__ = ["spectral_norm", "weight_norm"]


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
            h, w = self._reshape_weight_to_matrix(weight).shape
            self.register_buffer("_u", normalize(randn(h, dtype=weight.dtype), dim=0, eps=eps))
            self.register_buffer("_v", normalize(randn(w, dtype=weight.dtype), dim=0, eps=eps))
            # start from good estimates, as PyTorch does
            self._power_method(self._reshape_weight_to_matrix(weight), 15)

    def _reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        """``weight`` as a (size of ``dim``, rest) matrix, ``dim`` moved first."""
        return weight.movedim(self.dim, 0).reshape(weight.shape[self.dim], -1)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        # In place, so the buffers stay the objects state_dict() and optimizers know.
        W, u, v = weight_mat.data, self._u.data, self._v.data
        for _ in range(n_power_iterations):
            u[...] = W @ v
            u /= max(float(xp.linalg.norm(u)), self.eps)
            v[...] = W.T @ u
            v /= max(float(xp.linalg.norm(v)), self.eps)

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
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
