"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay.

``Moments`` holds what the Adam family (``NAdam``, ``RAdam``, ``Adamax`` too) shares:
the betas check, the choice of L2 or decoupled weight decay, and the state of and updates to
the running averages of ``g`` and ``g^2``.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from .._backend import axpby, axpy, scal, xp
from .optimizer import Optimizer


class Moments(Optimizer):
    """Base of the Adam family: ``betas`` in ``[0, 1)``, weight decay as an L2 gradient term or
    decoupled (``decoupled_weight_decay``), and the running averages of ``g`` and ``g^2``."""

    def _check(self, options: dict[str, Any]) -> None:
        super()._check(options)
        for i, beta in enumerate(options["betas"]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        return {"exp_avg": 0.0, "exp_avg_sq": 0.0}

    def _l2_weight_decay(self, group: dict[str, Any]) -> float:
        return 0 if group.get("decoupled_weight_decay") else group["weight_decay"]

    def _decay(self, group: dict[str, Any], p: Any) -> None:
        """Decoupled weight decay, before the step: ``p *= 1 - lr * weight_decay``."""
        if group["weight_decay"] != 0 and group.get("decoupled_weight_decay"):
            scal(1 - group["lr"] * group["weight_decay"], p)

    def _moments(self, group: dict[str, Any], g: Any, state: dict[str, Any], tmp: Any) -> None:
        """``m = beta1 m + (1 - beta1) g`` and ``v = beta2 v + (1 - beta2) g^2``, one BLAS pass each
        (PyTorch writes ``m.lerp_(g, 1 - beta1)``: the same up to rounding)."""
        beta1, beta2 = group["betas"]
        axpby(1 - beta1, g, beta1, state["exp_avg"])
        axpby(1 - beta2, xp.square(g, out=tmp), beta2, state["exp_avg_sq"])


class Adam(Moments):
    r"""Adam (Kingma & Ba, 2014), optionally AMSGrad.

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,
            \frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}

    with :math:`\hat v_t = \max(\hat v_{t-1}, v_t)` under AMSGrad, else :math:`v_t`.
    With ``decoupled_weight_decay`` (AdamW) the decay is
    :math:`\theta \leftarrow \theta(1-\gamma\lambda)` instead of a gradient term.

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): learning rate :math:`\gamma`. Default: 1e-3.
        betas (tuple[float, float]): :math:`(\beta_1, \beta_2)`. Default: (0.9, 0.999).
        eps (float): added to the denominator. Default: 1e-8.
        weight_decay (float): :math:`\lambda`. Default: 0.
        amsgrad (bool): keep the running maximum of :math:`v_t`. Default: False.
        maximize (bool): ascend the objective. Default: False.
        decoupled_weight_decay (bool): AdamW's decay. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = rb.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.9, -1.9], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        init = super()._state_init(group)
        if group["amsgrad"]:
            init["max_exp_avg_sq"] = 0.0
        return init

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        lr, eps = group["lr"], group["eps"]
        beta1, beta2 = group["betas"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        self._decay(group, p)
        self._moments(group, g, state, tmp)
        # python-float scalars: NumPy keeps float32 arrays float32 with them
        bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
        if group["amsgrad"]:
            v = xp.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        # m / (sqrt(v) / c2 + eps) = c2 m / (sqrt(v) + eps c2): the division by c2 moves into the
        # scalars, one pass fewer over the slice (PyTorch divides; the two agree up to rounding)
        step_size = lr / (1 - beta1 ** step) * bias_correction2_sqrt
        denom = xp.add(xp.sqrt(v, out=tmp), eps * bias_correction2_sqrt, out=tmp)
        axpy(-step_size, xp.divide(m, denom, out=tmp), p)


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Each step first shrinks the parameters, :math:`\theta \leftarrow \theta(1-\gamma\lambda)`,
    then takes an Adam step without weight decay; see :class:`Adam` for the math.

    Args:
        params, lr, betas, eps, amsgrad, maximize: as in :class:`Adam`.
        weight_decay (float): decoupled decay :math:`\lambda`. Default: 1e-2.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0], requires_grad=True)
        >>> opt = rb.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0.85], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
