"""Stochastic gradient descent, with momentum, dampening and Nesterov momentum."""
from __future__ import annotations

from typing import Any, Iterable

from .._backend import axpby, axpy, xp
from .optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum).

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        b_t = \mu b_{t-1} + (1-\tau) g_t \;(b_1 = g_1), \quad
        \theta_t = \theta_{t-1} - \gamma\,(g_t + \mu b_t \text{ if nesterov else } b_t)

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): learning rate :math:`\gamma`. Default: 1e-3.
        momentum (float): momentum factor :math:`\mu`. Default: 0.
        dampening (float): dampening :math:`\tau` of the momentum. Default: 0.
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0.
        nesterov (bool): use Nesterov momentum. Default: False.
        maximize (bool): ascend the objective instead of descending. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = rb.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.8, -1.6], requires_grad=True)
    """

    _has_step = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def _check(self, options: dict[str, Any]) -> None:
        super()._check(options)
        if options["momentum"] < 0:
            raise ValueError(f"Invalid momentum value: {options['momentum']}")
        if options["nesterov"] and (options["momentum"] <= 0 or options["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening, got "
                             f"momentum={options['momentum']}, dampening={options['dampening']}")

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        return {"momentum_buffer": 0.0} if group["momentum"] != 0 else {}

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        if momentum != 0:
            buf = state["momentum_buffer"]
            if step == 1:  # the first buffer is the gradient itself, undamped
                buf[...] = g
            else:
                axpby(1 - dampening, g, momentum, buf)
            if group["nesterov"]:  # g + momentum * buf
                xp.copyto(tmp, g)
                g = axpy(momentum, buf, tmp)
            else:
                g = buf
        axpy(-lr, g, p)
