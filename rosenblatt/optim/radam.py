"""RAdam: Adam with the variance of its adaptive step rectified."""
from __future__ import annotations

import math
from typing import Any, Iterable

from .._backend import axpy, xp
from .adam import Moments


class RAdam(Moments):
    r"""RAdam (Liu et al., 2019): plain momentum SGD while too few gradients are averaged to
    trust :math:`v_t`, then Adam's step scaled by the rectification :math:`r_t`.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \quad
        \rho_\infty = \frac{2}{1-\beta_2} - 1, \quad
        \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t} \\
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\, m_t \cdot
        \begin{cases}
            r_t \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon}, &
            r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}
            \quad \text{if } \rho_t > 5 \\
            1 & \text{otherwise}
        \end{cases}

    Weight decay and ``maximize`` as in :class:`NAdam`.

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): learning rate :math:`\gamma`. Default: 1e-3.
        betas (tuple[float, float]): :math:`(\beta_1, \beta_2)`. Default: (0.9, 0.999).
        eps (float): added to the denominator. Default: 1e-8.
        weight_decay (float): :math:`\lambda`. Default: 0.
        decoupled_weight_decay (bool): AdamW's decay instead of L2. Default: False.
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = rb.optim.RAdam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()   # rho_1 = 1: a momentum step, lr * m / (1 - beta1) = lr * g
        >>> w
        tensor([ 0.8, -1.6], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        self._decay(group, p)
        self._moments(group, g, state, tmp)
        beta1, beta2 = group["betas"]
        step_size = group["lr"] / (1 - beta1 ** step)
        bias_correction2 = 1 - beta2 ** step
        rho_inf = 2 / (1 - beta2) - 1
        rho = rho_inf - 2 * step * beta2 ** step / bias_correction2
        if rho <= 5.0:
            axpy(-step_size, state["exp_avg"], p)
            return
        rect = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        denom = xp.add(xp.sqrt(state["exp_avg_sq"], out=tmp), group["eps"], out=tmp)
        axpy(-step_size * rect * math.sqrt(bias_correction2), xp.divide(state["exp_avg"], denom, out=tmp), p)
