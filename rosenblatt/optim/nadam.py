"""NAdam: Adam with Nesterov momentum and a momentum schedule."""
from __future__ import annotations

from typing import Any, Iterable

from .._backend import axpy, xp
from .. import _backend
from ..tensor import Tensor
from .adam import Moments


class NAdam(Moments):
    r"""NAdam (Dozat, 2016): Adam whose step looks ahead along the momentum.

    .. math::
        \mu_t = \beta_1\left(1 - \tfrac12\,0.96^{t\psi}\right), \quad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
        \theta_t = \theta_{t-1} - \gamma\,
            \frac{\frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\,g_t
                  + \frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\,m_t}
                 {\sqrt{v_t/(1-\beta_2^t)} + \epsilon}

    with :math:`g_t` the gradient (negated to maximize, plus :math:`\lambda\theta` for
    L2 decay) and, with ``decoupled_weight_decay``, :math:`\theta \leftarrow
    \theta(1-\gamma\lambda)` first instead.

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): learning rate :math:`\gamma`. Default: 2e-3.
        betas (tuple[float, float]): :math:`(\beta_1, \beta_2)`. Default: (0.9, 0.999).
        eps (float): added to the denominator. Default: 1e-8.
        weight_decay (float): :math:`\lambda`. Default: 0.
        momentum_decay (float): :math:`\psi`. Default: 4e-3.
        decoupled_weight_decay (bool): AdamW's decay instead of L2. Default: False.
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = rb.optim.NAdam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.8944, -1.8944], requires_grad=True)
    """

    _scratch = 2

    def __init__(self, params: Iterable[Any], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False) -> None:
        self._mu_products: dict[tuple[float, float], list[float]] = {}
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    def _check(self, options: dict[str, Any]) -> None:
        super()._check(options)
        if options["momentum_decay"] < 0:
            raise ValueError(f"Invalid momentum_decay value: {options['momentum_decay']}")

    @staticmethod
    def _mu(group: dict[str, Any], step: int) -> float:
        return group["betas"][0] * (1.0 - 0.5 * 0.96 ** (step * group["momentum_decay"]))

    def _mu_product(self, group: dict[str, Any], step: int) -> float:
        """``mu_1 mu_2 ... mu_step``, derived from the group's options and the step count where
        PyTorch updates a stored one (the same while the options stay put)."""
        products = self._mu_products.setdefault((group["betas"][0], group["momentum_decay"]), [1.0])
        while len(products) <= step:
            products.append(products[-1] * self._mu(group, len(products)))
        return products[step]

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        denom, ratio = tmp.reshape(2, -1)
        self._decay(group, p)
        self._moments(group, g, state, denom)
        mu, mu_next = self._mu(group, step), self._mu(group, step + 1)
        mu_product = self._mu_product(group, step)
        lr, beta2 = group["lr"], group["betas"][1]
        xp.sqrt(xp.divide(state["exp_avg_sq"], 1 - beta2 ** step, out=denom), out=denom)
        denom += group["eps"]
        axpy(-lr * (1 - mu) / (1 - mu_product), xp.divide(g, denom, out=ratio), p)
        axpy(-lr * mu_next / (1 - mu_product * mu_next), xp.divide(state["exp_avg"], denom, out=ratio), p)

    def step(self, closure: Any = None) -> Any:
        loss = super().step(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._show_mu_product(group, p)
        return loss

    def _restore(self, i: int, group: dict[str, Any], p: Tensor, values: dict[str, Any], idx: int) -> None:
        super()._restore(i, group, p, values, idx)
        self._show_mu_product(group, p)

    def _show_mu_product(self, group: dict[str, Any], p: Tensor) -> None:
        """``state[p]['mu_product']`` as PyTorch keeps it (a float32 scalar, float64 under a
        float64 default dtype), for readers and state dicts."""
        product = self._mu_product(group, self.state[p]["step"])
        self.state[p]["mu_product"] = Tensor._wrap(xp.asarray(product, dtype=_backend.scalar_float()))
