"""Adadelta: step sizes from running averages of squared gradients and squared updates."""
from __future__ import annotations

from typing import Any, Iterable

from .._backend import axpby, axpy, xp
from .optimizer import Optimizer


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012).

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        v_t = \rho v_{t-1} + (1-\rho) g_t^2, \quad
        \Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        u_t = \rho u_{t-1} + (1-\rho) \Delta_t^2, \quad
        \theta_t = \theta_{t-1} - \gamma \Delta_t

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): scale :math:`\gamma` of the update. Default: 1.0.
        rho (float): averaging coefficient :math:`\rho`, in [0, 1]. Default: 0.9.
        eps (float): :math:`\epsilon`. Default: 1e-6.
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0.
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0], requires_grad=True)
        >>> opt = rb.optim.Adadelta([w])
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0.9968], requires_grad=True)
    """

    _scratch = 2

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _check(self, options: dict[str, Any]) -> None:
        super()._check(options)
        if not 0.0 <= options["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {options['rho']}")

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        return {"square_avg": 0.0, "acc_delta": 0.0}

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        rho, eps = group["rho"], group["eps"]
        std, delta = tmp.reshape(2, -1)
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        axpby(1 - rho, xp.square(g, out=std), rho, square_avg)
        xp.sqrt(xp.add(square_avg, eps, out=std), out=std)
        xp.sqrt(xp.add(acc_delta, eps, out=delta), out=delta)
        delta /= std
        delta *= g
        axpby(1 - rho, xp.multiply(delta, delta, out=std), rho, acc_delta)
        axpy(-group["lr"], delta, p)
