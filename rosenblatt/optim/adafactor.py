"""Adafactor: Adam-like steps whose second moments of a matrix are kept as a row and a
column factor, memory of ``m + n`` instead of ``m n`` (PyTorch's ``torch.optim.Adafactor``)."""
from __future__ import annotations

from typing import Any, Iterable

from .._backend import axpy, blas_threads, xp
from ..tensor import Tensor
from ._per_tensor import PerTensorOptimizer, lerp_


class Adafactor(PerTensorOptimizer):
    r"""Adafactor (Shazeer & Stern, 2018), as PyTorch's ``Adafactor``.

    .. math::
        \hat\beta_{2,t} = 1 - t^{\tau}, \quad \rho_t = \min(\gamma, 1/\sqrt t), \quad
        \alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\,\rho_t, \quad
        \theta \leftarrow \theta(1 - \gamma\lambda) \\
        R_t = \hat\beta_{2,t} R_{t-1} + (1-\hat\beta_{2,t})\,\mathrm{mean}_{\text{cols}}(G_t^2), \quad
        C_t = \hat\beta_{2,t} C_{t-1} + (1-\hat\beta_{2,t})\,\mathrm{mean}_{\text{rows}}(G_t^2), \quad
        \hat V_t = \frac{R_t C_t}{\max(\mathrm{mean}(R_t), \epsilon_1)} \\
        U_t = \frac{G_t}{\sqrt{\max(\hat V_t, \epsilon_1^2)}}, \quad
        \theta_t = \theta_{t-1} - \frac{\alpha_t\, U_t}{\max(1, \mathrm{RMS}(U_t) / d)}

    for parameters of two or more dimensions (factored over the last two, ``R`` of shape
    ``(..., m, 1)``, ``C`` of ``(..., 1, n)``); a vector or scalar keeps a full
    :math:`\hat V_t = \hat\beta_{2,t}\hat V_{t-1} + (1-\hat\beta_{2,t}) G_t^2` instead.
    :math:`G_t = \pm\nabla f(\theta_{t-1})` (minus to maximize); the weight decay is
    decoupled, and ``lr`` only caps the relative step :math:`\rho_t` and scales the decay
    (PyTorch's reading of the paper). The state is ``step`` and ``row_var``/``col_var``
    (factored) or ``variance``, as PyTorch's.

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): :math:`\gamma`, the cap of :math:`\rho_t`. Default: 1e-2.
        beta2_decay (float): :math:`\tau \le 0`. Default: -0.8.
        eps (tuple[float | None, float]): :math:`(\epsilon_1, \epsilon_2)`; None takes the
            machine epsilon of the group's first parameter's dtype. Default: (None, 1e-3).
        d (float): clipping threshold of the update's RMS, at least 1. Default: 1.0.
        weight_decay (float): decoupled decay :math:`\lambda`. Default: 0.0.
        foreach (bool | None): accepted for PyTorch's signature; the steps are the same.
            Default: None.
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
        >>> opt = rb.optim.Adafactor([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([[ 0.9044, -1.7067],
                [ 2.7892,  0.4461]], requires_grad=True)
        >>> sorted(opt.state[w])  # a 2 x 2 matrix keeps 2 + 2 second moments
        ['col_var', 'row_var', 'step']
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0,
                 weight_decay: float = 0.0, *, foreach: bool | None = None,
                 maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize))

    def _check(self, options: dict[str, Any]) -> None:
        """PyTorch's checks and words, naming the optimizer and the range."""
        lr, decay, eps, d = options["lr"], options["beta2_decay"], options["eps"], options["d"]
        if not 0.0 <= lr:
            raise ValueError(f"Adafactor: Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= decay:
            raise ValueError(f"Adafactor: beta2_decay should be <= 0 but is: {decay} (beta2_t = "
                             f"1 - t ** beta2_decay must rise towards 1; the default is -0.8)")
        if len(eps) != 2:
            raise ValueError(f"Adafactor: eps should be a pair (epsilon1, epsilon2), e.g. the "
                             f"default (None, 1e-3), but is: {eps}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"Adafactor: epsilon1 should be >= 0 but is: {eps[0]} (or None, "
                             f"for the dtype's machine epsilon)")
        if not 0.0 <= eps[1]:
            raise ValueError(f"Adafactor: epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Adafactor: Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= options["weight_decay"]:
            raise ValueError(f"Adafactor: weight_decay should be >= 0 but is: "
                             f"{options['weight_decay']}")
        self._check_params(options["params"])

    def _state_shapes(self, p: Tensor) -> dict[str, tuple[int, ...]]:
        shape = tuple(p.shape)
        if len(shape) > 1:
            return {"row_var": shape[:-1] + (1,), "col_var": shape[:-2] + (1,) + shape[-1:]}
        return {"variance": shape}

    def _step_group(self, group: dict[str, Any], params: list[Tensor]) -> None:
        eps1, eps2 = group["eps"]
        with blas_threads(1):  # the norms' BLAS passes are memory-bound: see optimizer.CHUNK
            for p in params:
                if eps1 is None:  # PyTorch's too: the first parameter's dtype sets it for the group
                    eps1 = float(xp.finfo(p.data.dtype).eps)
                g = p.grad.data
                if group["maximize"]:
                    g = xp.negative(g)
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    for key, shape in self._state_shapes(p).items():
                        state[key] = Tensor._wrap(xp.zeros(shape, dtype=g.dtype))
                state["step"] += 1
                _update(p.data, g, state, group, eps1, eps2)


def _update(p: Any, g: Any, state: dict[str, Any], group: dict[str, Any], eps1: float,
            eps2: float) -> None:
    """One step of parameter ``p`` (updated in place) from gradient ``g``; PyTorch's
    ``_single_tensor_adafactor``, its scalars Python floats as there."""
    lr, weight_decay, step = group["lr"], group["weight_decay"], state["step"]
    one_minus_beta2 = step ** group["beta2_decay"]
    rho = min(lr, 1 / step ** 0.5)
    alpha = max(eps2, float(xp.linalg.norm(p)) / p.size ** 0.5) * rho  # RMS before the decay
    if weight_decay != 0:
        p *= 1 - lr * weight_decay
    if g.ndim > 1:
        row_var, col_var = state["row_var"].data, state["col_var"].data
        v = xp.square(g)  # (..., m, n): G^2, then in the same memory V, then the update
        lerp_(row_var, v.mean(axis=-1, keepdims=True), one_minus_beta2)  # (..., m, 1)
        lerp_(col_var, v.mean(axis=-2, keepdims=True), one_minus_beta2)  # (..., 1, n)
        xp.multiply(row_var, col_var, out=v)
        v /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
    else:
        # a scalar as a 1-element vector: ufuncs on 0-dim arrays give scalars, not views
        g, variance = g.reshape(-1), state["variance"].data.reshape(-1)
        v = xp.square(g)
        lerp_(variance, v, one_minus_beta2)
        xp.copyto(v, variance)
    # eps1 squared under the square root keeps its magnitude; PyTorch takes rsqrt, then
    # multiplies (not one division), and so does this
    xp.maximum(v, eps1 * eps1, out=v)
    update = xp.multiply(xp.reciprocal(xp.sqrt(v, out=v), out=v), g, out=v)
    denom = max(1.0, float(xp.linalg.norm(update)) / (update.size ** 0.5 * group["d"]))
    if p.ndim == 0:
        p[...] -= alpha / denom * update[0]
    else:
        axpy(-alpha / denom, update.reshape(p.shape), p)
