"""Adagrad: per-coordinate step sizes from the sum of squared gradients."""
from __future__ import annotations

import sys
from typing import Any, Iterable

from .._backend import axpy, xp
from .optimizer import Optimizer


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011).

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        \tilde\gamma = \frac{\gamma}{1 + (t-1)\eta}, \quad
        s_t = s_{t-1} + g_t^2, \quad
        \theta_t = \theta_{t-1} - \tilde\gamma\,\frac{g_t}{\sqrt{s_t} + \epsilon}

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): learning rate :math:`\gamma`. Default: 1e-2.
        lr_decay (float): learning-rate decay :math:`\eta`. Default: 0.
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0.
        initial_accumulator_value (float): starting value of :math:`s`. Default: 0.
        eps (float): added to the denominator. Default: 1e-10.
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0], requires_grad=True)
        >>> opt = rb.optim.Adagrad([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0.9], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))
        # PyTorch builds Adagrad's state here, not at the first step: its state dict and
        # opt.state[p]['sum'] hold every parameter from the start
        lazy = sys.modules.get("rosenblatt.nn.parameter")  # only loaded nn can have made lazy ones
        if lazy is not None and any(lazy.is_lazy(p) for g in self.param_groups for p in g["params"]):
            raise ValueError("Adagrad: a lazy layer's parameter (nn.LazyLinear, nn.LazyConv2d, ...) has no "
                             "shape until the layer's first call, and Adagrad builds its state now: call "
                             "the model on a batch before making the optimizer")
        for i, group in enumerate(self.param_groups):
            for dtype in {p.data.dtype for p in group["params"]}:
                bucket = self._bucket(i, group, dtype)
                for j in range(len(bucket.params)):
                    self._attach(bucket, j, self._state_init(group))

    def _check(self, options: dict[str, Any]) -> None:
        super()._check(options)
        if options["lr_decay"] < 0:
            raise ValueError(f"Invalid lr_decay value: {options['lr_decay']}")
        if options["initial_accumulator_value"] < 0:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {options['initial_accumulator_value']}")

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        return {"sum": group["initial_accumulator_value"]}

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        total = state["sum"]
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        axpy(1.0, xp.square(g, out=tmp), total)
        std = xp.add(xp.sqrt(total, out=tmp), group["eps"], out=tmp)
        axpy(-clr, xp.divide(g, std, out=tmp), p)
