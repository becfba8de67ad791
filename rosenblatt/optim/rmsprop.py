"""RMSprop: divide the gradient by a running root mean square of recent gradients."""
from __future__ import annotations

from typing import Any, Iterable

from .._backend import axpby, axpy, xp
from .optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), optionally centered and with momentum.

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        v_t = \alpha v_{t-1} + (1-\alpha) g_t^2 \\
        \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t, \quad
        d_t = \sqrt{v_t - \bar g_t^2} + \epsilon \text{ (centered) else } \sqrt{v_t} + \epsilon \\
        b_t = \mu b_{t-1} + g_t / d_t, \quad \theta_t = \theta_{t-1} - \gamma b_t

    (with no momentum, :math:`\theta_t = \theta_{t-1} - \gamma g_t / d_t`).

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): learning rate :math:`\gamma`. Default: 1e-2.
        alpha (float): smoothing constant :math:`\alpha`. Default: 0.99.
        eps (float): added to the denominator. Default: 1e-8.
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0.
        momentum (float): momentum factor :math:`\mu`. Default: 0.
        centered (bool): normalise by the estimated variance of the gradient. Default: False.
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0], requires_grad=True)
        >>> opt = rb.optim.RMSprop([w], lr=0.01)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0.9], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def _check(self, options: dict[str, Any]) -> None:
        super()._check(options)
        if options["momentum"] < 0:
            raise ValueError(f"Invalid momentum value: {options['momentum']}")
        if options["alpha"] < 0:
            raise ValueError(f"Invalid alpha value: {options['alpha']}")

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        init = {"square_avg": 0.0}
        if group["momentum"] > 0:
            init["momentum_buffer"] = 0.0
        if group["centered"]:
            init["grad_avg"] = 0.0
        return init

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        lr, alpha, momentum = group["lr"], group["alpha"], group["momentum"]
        square_avg = state["square_avg"]
        axpby(1 - alpha, xp.square(g, out=tmp), alpha, square_avg)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            axpby(1 - alpha, g, alpha, grad_avg)  # PyTorch's lerp_, up to rounding
            avg = xp.sqrt(xp.subtract(square_avg, xp.multiply(grad_avg, grad_avg, out=tmp),
                                      out=tmp), out=tmp)
        else:
            avg = xp.sqrt(square_avg, out=tmp)
        xp.add(avg, group["eps"], out=avg)
        ratio = xp.divide(g, avg, out=tmp)
        if momentum > 0:
            buf = state["momentum_buffer"]
            ratio = axpby(1.0, ratio, momentum, buf)
        axpy(-lr, ratio, p)
