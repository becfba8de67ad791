"""``CyclicLR``: the lr goes back and forth between two bounds (Smith, 2017), momentum inversely."""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

from .lr_scheduler import (LRScheduler, _callable_state, _per_group, _set_momentum,
                           _start_momentum_cycle, _uses_beta1)
from .optimizer import Optimizer

# The scale of each built-in mode is a function of the cycle number or of the iteration.
_MODE_SCALES_BY = {"triangular": "cycle", "triangular2": "cycle", "exp_range": "iterations"}


class CyclicLR(LRScheduler):
    r"""Cycle the lr between ``base_lr`` and ``max_lr``, rising for ``step_size_up`` steps, then falling.

    Step it after every batch.  With :math:`t` the step, :math:`T` = step_size_up +
    step_size_down and :math:`r` = step_size_up / :math:`T`:

    .. math::
        c = \lfloor 1 + t / T \rfloor, \quad x = 1 + t / T - c, \quad
        h = \begin{cases} x / r & x \le r \\ (x - 1) / (r - 1) & x > r \end{cases}

        \eta_t = \text{base\_lr} + (\text{max\_lr} - \text{base\_lr}) \cdot h \cdot s

    where the amplitude scale :math:`s` is 1 (``'triangular'``), :math:`1 / 2^{c-1}`
    (``'triangular2'``: halved every cycle), :math:`\gamma^t` (``'exp_range'``), or
    ``scale_fn`` of :math:`c` (``scale_mode='cycle'``) or of :math:`t` (``'iterations'``).
    With ``cycle_momentum`` the momentum (SGD, RMSprop) or beta1 (Adam) moves the
    other way: :math:`\text{max\_momentum} - (\text{max\_momentum} - \text{base\_momentum}) h s`.

    Args:
        optimizer: the optimizer to schedule; its lrs are set to ``base_lr``.
        base_lr (float or list[float]): lower lr bound, one or one per group.
        max_lr (float or list[float]): upper lr bound, one or one per group.
        step_size_up (int): steps from base_lr up to max_lr. Default: 2000.
        step_size_down (int, optional): steps back down. Default: ``step_size_up``.
        mode (str): ``'triangular'``, ``'triangular2'`` or ``'exp_range'``; ignored when
            ``scale_fn`` is given. Default: ``'triangular'``.
        gamma (float): base of the ``'exp_range'`` scale. Default: 1.0.
        scale_fn (callable, optional): custom amplitude scale, in [0, 1]. Default: None.
        scale_mode (str): ``'cycle'`` or ``'iterations'``: what ``scale_fn`` is a
            function of. Default: ``'cycle'``.
        cycle_momentum (bool): cycle momentum/beta1 inversely to the lr. Default: True.
        base_momentum, max_momentum (float or list[float]): momentum bounds.
            Default: 0.8, 0.9.
        last_epoch (int): index of the last batch; -1 starts afresh. Default: -1.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        >>> sched = CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=2, step_size_down=1,
        ...                  mode="triangular2")
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(6):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.1, 0.55, 1.0, 0.1, 0.325, 0.55, 0.1]
        >>> round(opt.param_groups[0]["momentum"], 4)  # back to max_momentum with the lr at base
        0.9
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | Sequence[float],
                 max_lr: float | Sequence[float], step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None,
                 scale_mode: str = "cycle", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.8,
                 max_momentum: float | Sequence[float] = 0.9, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        if up == 0:  # PyTorch divides 0 by 0 here (ZeroDivisionError)
            raise ValueError(f"CyclicLR: step_size_up must be positive, got {step_size_up}")
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in _MODE_SCALES_BY and scale_fn is None:
            raise ValueError(f"CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' "
                             f"when scale_fn is None, got {mode!r}")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else _MODE_SCALES_BY[mode]
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1("CyclicLR", optimizer)
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                _start_momentum_cycle(optimizer, self.base_momentums, self.max_momentums,
                                      self.use_beta1)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The amplitude scale at cycle (or iteration) ``x``: ``scale_fn``, else the mode's."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        if self.cycle_momentum:
            for group, low, high in zip(self.optimizer.param_groups, self.base_momentums,
                                        self.max_momentums):
                _set_momentum(group, high - (high - low) * height * scale, self.use_beta1)
        return [base + (high - base) * height * scale
                for base, high in zip(self.base_lrs, self.max_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """As the base's; a ``scale_fn`` is saved only as a callable object's attributes."""
        state = super().state_dict()
        state["_scale_fn_custom"] = _callable_state(self._scale_fn_custom)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("_scale_fn_custom")
        self.__dict__.update(state)
        if saved is not None:
            self._scale_fn_custom.__dict__.update(saved)
