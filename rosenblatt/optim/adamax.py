"""Adamax: Adam with the infinity norm in place of the second moment."""
from __future__ import annotations

from typing import Any, Iterable

from .._backend import axpby, axpy, scal, xp
from .adam import Moments


class Adamax(Moments):
    r"""Adamax (Kingma & Ba, 2014, section 7).

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
        u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon), \quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{u_t}

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): learning rate :math:`\gamma`. Default: 2e-3.
        betas (tuple[float, float]): :math:`(\beta_1, \beta_2)`. Default: (0.9, 0.999).
        eps (float): :math:`\epsilon`. Default: 1e-8.
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0.
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = rb.optim.Adamax([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.9, -1.9], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        return {"exp_avg": 0.0, "exp_inf": 0.0}

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        beta1, beta2 = group["betas"]
        m, u = state["exp_avg"], state["exp_inf"]
        axpby(1 - beta1, g, beta1, m)
        scal(beta2, u)
        xp.maximum(u, xp.add(xp.abs(g, out=tmp), group["eps"], out=tmp), out=u)
        axpy(-group["lr"] / (1 - beta1 ** step), xp.divide(m, u, out=tmp), p)
