"""Rprop: per-coordinate step sizes that grow while the gradient keeps its sign."""
from __future__ import annotations

from typing import Any, Iterable

from .._backend import xp
from ..tensor import Tensor
from .optimizer import Optimizer, _Bucket


class Rprop(Optimizer):
    r"""Resilient backpropagation (Riedmiller & Braun, 1993), as PyTorch's ``Rprop``.

    Only the sign of the gradient is used; each coordinate has its own step size
    :math:`\eta^i`, starting at the learning rate:

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}), \quad
        \eta^i_t = \begin{cases}
            \min(\eta^i_{t-1}\eta_+, \Gamma_{max}) & g^i_{t-1} g^i_t > 0 \\
            \max(\eta^i_{t-1}\eta_-, \Gamma_{min}),\; g^i_t \leftarrow 0 & g^i_{t-1} g^i_t < 0 \\
            \eta^i_{t-1} & \text{otherwise}
        \end{cases} \\
        \theta_t = \theta_{t-1} - \eta_t \operatorname{sign}(g_t)

    with :math:`g_0 = 0`; the zeroed :math:`g_t` is the one kept for the next step, so a
    coordinate whose gradient changed sign pauses one step.

    Args:
        params: tensors, or dicts of tensors with per-group options.
        lr (float): initial step size :math:`\eta_0`. Default: 1e-2.
        etas (tuple[float, float]): :math:`(\eta_-, \eta_+)`, the factors that shrink and grow
            a step size, with :math:`0 < \eta_- < 1 < \eta_+`. Default: (0.5, 1.2).
        step_sizes (tuple[float, float]): :math:`(\Gamma_{min}, \Gamma_{max})`, the bounds of
            the step sizes. Default: (1e-6, 50).
        maximize (bool): ascend the objective. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = rb.optim.Rprop([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.78, -1.78], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2,
                 etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                                      maximize=maximize))

    def _check(self, options: dict[str, Any]) -> None:
        lr, (etaminus, etaplus) = options["lr"], options["etas"]
        if not 0.0 <= lr:
            raise ValueError(f"Rprop: Invalid learning rate: {lr} (lr must be >= 0)")
        if not 0.0 < etaminus < 1.0 < etaplus:
            raise ValueError(f"Rprop: Invalid eta values: {etaminus}, {etaplus} "
                             f"(etas=(etaminus, etaplus) must have 0 < etaminus < 1 < etaplus)")
        super()._check(options)

    def _l2_weight_decay(self, group: dict[str, Any]) -> float:
        return 0.0

    def _state_init(self, group: dict[str, Any]) -> dict[str, float]:
        return {"prev": 0.0, "step_size": group["lr"]}

    def _step_bucket(self, group: dict[str, Any], bucket: _Bucket, params: list[Tensor]) -> None:
        # PyTorch starts a parameter's step sizes at the lr of the step that first sees its
        # gradient; the bucket's arrays were filled with the lr of the step that made them
        for p in params:
            if p not in self.state and id(p) in bucket.position:
                bucket.state_slice("step_size", bucket.position[id(p)])[...] = group["lr"]
        super()._step_bucket(group, bucket, params)

    def _update(self, group: dict[str, Any], p: Any, g: Any, state: dict[str, Any],
                step: int, tmp: Any) -> None:
        etaminus, etaplus = group["etas"]
        prev, step_size = state["prev"], state["step_size"]
        xp.multiply(g, prev, out=tmp)
        same, flipped = tmp > 0, tmp < 0
        # Python-float factors: NumPy rounds them to the array's dtype, as PyTorch stores them
        xp.multiply(step_size, etaplus, out=step_size, where=same)
        xp.multiply(step_size, etaminus, out=step_size, where=flipped)
        xp.clip(step_size, *group["step_sizes"], out=step_size)
        xp.copyto(prev, g)
        xp.copyto(prev, 0, where=flipped)
        p -= xp.multiply(xp.sign(prev, out=tmp), step_size, out=tmp)
