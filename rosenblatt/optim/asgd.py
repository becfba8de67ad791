"""ASGD: SGD with a decaying step and a running (Polyak-Ruppert) average of the parameters."""
from __future__ import annotations

from typing import Any, Iterable

from .._backend import axpy, scal, xp
from .. import _backend
from ..tensor import Tensor
from .optimizer import Optimizer, _array, _Bucket


class ASGD(Optimizer):
    r"""Averaged stochastic gradient descent (Polyak & Juditsky, 1992), as PyTorch's ``ASGD``.

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda_{wd}\theta_{t-1}, \quad
        \theta_t = (1 - \lambda\eta_{t-1})\,\theta_{t-1} - \eta_{t-1} g_t \\
        \bar\theta_t = \bar\theta_{t-1} + \mu_{t-1}(\theta_t - \bar\theta_{t-1}), \quad
        \eta_t = \frac{\gamma}{(1 + \lambda\gamma t)^\alpha}, \quad
        \mu_t = \frac{1}{\max(1, t - t_0)}

    with :math:`\eta_0 = \gamma` and :math:`\mu_0 = 1` (so :math:`\bar\theta` simply follows
    :math:`\theta` for the first :math:`t_0` steps). The average :math:`\bar\theta` is
    ``state[p]['ax']``; the step leaves the parameters at :math:`\theta_t`, and evaluating
    with the average is up to the caller (copy ``ax`` into the parameters). :math:`\eta` and
    :math:`\mu` are kept, as in PyTorch, as float32 scalars (float64 under a float64 default
    dtype) ``state[p]['eta']`` and ``state[p]['mu']``, computed from the options of the step
    before.

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): learning rate :math:`\gamma`. Default: 1e-2.
        lambd (float): decay term :math:`\lambda`. Default: 1e-4.
        alpha (float): power :math:`\alpha` of the step-size decay. Default: 0.75.
        t0 (float): step :math:`t_0` at which averaging starts. Default: 1e6.
        weight_decay (float): L2 penalty :math:`\lambda_{wd}`. Default: 0.
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0], requires_grad=True)
        >>> opt = rb.optim.ASGD([w], lr=0.1, lambd=0.0)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0.8], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0, *,
                 maximize: bool = False) -> None:
        self._eta = self._mu = 1.0  # the scalars of the parameters _update is running over
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, maximize=maximize))

    def _check(self, options: dict[str, Any]) -> None:
        if not 0.0 <= options["lr"]:
            raise ValueError(f"ASGD: Invalid learning rate: {options['lr']} (lr must be >= 0)")
        if not 0.0 <= options["weight_decay"]:
            raise ValueError(f"ASGD: Invalid weight_decay value: {options['weight_decay']} "
                             f"(weight_decay must be >= 0)")
        super()._check(options)

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        return {"ax": 0.0}

    def _step_bucket(self, group: dict[str, Any], bucket: _Bucket, params: list[Tensor]) -> None:
        # eta and mu are per parameter: those with the same pair are updated together (all of
        # them, but for parameters that missed a step while the options changed)
        by_scalars: dict[tuple[float, float], list[Tensor]] = {}
        for p in params:
            state = self.state.get(p)
            if state and "eta" in state:
                key = (float(state["eta"]), float(state["mu"]))
            else:  # a fresh state: PyTorch starts eta at the lr, as a float32 (or float64) scalar
                key = (float(xp.asarray(group["lr"], dtype=_backend.scalar_float())), 1.0)
            by_scalars.setdefault(key, []).append(p)
        for (eta, mu), some in by_scalars.items():
            self._eta, self._mu = eta, mu
            super()._step_bucket(group, bucket, some)
        lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
        for p in params:
            step = self.state[p]["step"]
            # computed in Python floats, made tensors of the default dtype (torch.as_tensor), then
            # copied into the scalar dtype, as PyTorch's single-tensor step: a float16 default rounds
            eta, mu = lr / ((1 + lambd * lr * step) ** alpha), 1 / max(1, step - t0)
            self._set_scalars(p, *(xp.asarray(v, dtype=_backend.default_float) for v in (eta, mu)))

    def _set_scalars(self, p: Tensor, eta: Any, mu: Any) -> None:
        self.state[p]["eta"] = Tensor._wrap(xp.asarray(eta, dtype=_backend.scalar_float()))
        self.state[p]["mu"] = Tensor._wrap(xp.asarray(mu, dtype=_backend.scalar_float()))

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        eta, mu, ax = self._eta, self._mu, state["ax"]
        scal(1 - group["lambd"] * eta, p)
        axpy(-eta, g, p)
        if mu != 1:
            ax += xp.multiply(xp.subtract(p, ax, out=tmp), mu, out=tmp)
        else:
            xp.copyto(ax, p)

    def _restore(self, i: int, group: dict[str, Any], p: Tensor, values: dict[str, Any],
                 idx: int) -> None:
        super()._restore(i, group, p, values, idx)
        eta, mu = values.get("eta"), values.get("mu")
        self._set_scalars(p, group["lr"] if eta is None else _array(eta),
                          1.0 if mu is None else _array(mu))
