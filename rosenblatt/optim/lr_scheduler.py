"""Learning-rate schedules: each ``step()`` sets ``group['lr']`` of an optimizer's groups.

The formulas are PyTorch's recursive ("chainable") ones, so a schedule
produces the same sequence as ``torch.optim.lr_scheduler`` and composes the
same way.  Call ``scheduler.step()`` after ``optimizer.step()``.

Example:
    >>> import rosenblatt as rb
    >>> w = rb.zeros(1, requires_grad=True)
    >>> opt = rb.optim.SGD([w], lr=1.0)
    >>> sched = rb.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     opt.step()
    ...     sched.step()
    ...     lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [1.0, 0.5, 0.5, 0.25, 0.25]
"""
from __future__ import annotations

import math
import types
import warnings
from bisect import bisect_right
from collections import Counter
from typing import Any, Callable, Sequence

from .optimizer import Optimizer


def _lrs(optimizer: Optimizer) -> list[float]:
    return [group["lr"] for group in optimizer.param_groups]


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} has {len(value)} values but the optimizer has "
                             f"{len(optimizer.param_groups)} param groups; give one per group")
        return list(value)
    return [value] * len(optimizer.param_groups)


def _uses_beta1(owner: str, optimizer: Optimizer) -> bool:
    """Whether cycling momentum sets ``betas[0]`` (Adam) rather than ``momentum`` (SGD, RMSprop)."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(f"{owner}: cycle_momentum needs an optimizer with momentum or betas, "
                         f"{type(optimizer).__name__} has neither; pass cycle_momentum=False")
    return "betas" in optimizer.defaults


def _set_momentum(group: dict[str, Any], value: float, use_beta1: bool) -> None:
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


def _start_momentum_cycle(optimizer: Optimizer, lows: list[float], highs: list[float],
                          use_beta1: bool) -> None:
    """A fresh momentum cycle (CyclicLR, OneCycleLR): each group starts at its high momentum
    and keeps both bounds under ``'base_momentum'``/``'max_momentum'``, as PyTorch's."""
    for low, high, group in zip(lows, highs, optimizer.param_groups):
        _set_momentum(group, high, use_beta1)
        group["max_momentum"] = high
        group["base_momentum"] = low


def _callable_state(fn: Callable[..., Any] | None) -> dict[str, Any] | None:
    """What a state dict keeps of a user function (as PyTorch): a callable object's
    attributes; nothing of a plain function or lambda, which cannot be pickled."""
    if fn is None or isinstance(fn, types.FunctionType):
        return None
    return dict(fn.__dict__)


def _warn_epoch_deprecated(sched: Any) -> None:
    warnings.warn(f"{type(sched).__name__}.step(epoch): the epoch argument is deprecated (as in "
                  f"PyTorch); it jumps to that epoch, with the closed-form lr where the schedule "
                  f"has one. Call step() once per epoch instead", UserWarning, stacklevel=3)


class LRScheduler:
    """Base class of schedules: ``step()`` advances ``last_epoch`` and sets each group's lr.

    Args:
        optimizer: the optimizer whose ``param_groups[i]['lr']`` this schedule sets.
        last_epoch: index of the last epoch seen; -1 (default) starts a new schedule,
            anything else resumes one (the groups must then hold ``'initial_lr'``).

    Subclasses write ``get_lr()``: the next lrs, from ``last_epoch`` and the
    groups' current lrs.  Call ``step()`` once per epoch, after ``optimizer.step()``.

    Example:
        >>> import rosenblatt as rb
        >>> class Halving(rb.optim.lr_scheduler.LRScheduler):  # base_lr / 2 ** epoch
        ...     def get_lr(self):
        ...         return [base / 2 ** self.last_epoch for base in self.base_lrs]
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = Halving(opt)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [1.0, 0.5, 0.25, 0.125]
    """

    _is_initial = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                                   f"when resuming a scheduler with last_epoch={last_epoch}; "
                                   f"load the optimizer's state dict first")
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last ``step()``, one per param group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance the schedule one epoch (or iteration) and set the new lrs.

        ``epoch`` (deprecated, as in PyTorch) jumps to that epoch instead, with the
        closed-form lr where the schedule has one.
        """
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(f"{type(self).__name__}.step() was called before optimizer.step(): "
                          f"the first lr of the schedule is skipped. Call optimizer.step() "
                          f"first, then the schedule's step() (as in PyTorch)", UserWarning,
                          stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            _warn_epoch_deprecated(self)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:  # step(epoch), or SequentialLR restarting a schedule at a milestone
            self.last_epoch = epoch
            closed = getattr(self, "_get_closed_form_lr", None)
            values = closed() if closed is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = _lrs(self.optimizer)

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)


class _LambdaScheduler(LRScheduler):
    """One function of the epoch per param group (LambdaLR, MultiplicativeLR); saved as PyTorch's."""

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                                 f"{len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"{type(self).__name__}: lr_lambda should be a function, but got "
                                f"{type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """Functions are not saved; callable objects' attributes are (as in PyTorch)."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [_callable_state(fn) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, attrs in zip(self.lr_lambdas, saved):
            if attrs is not None:
                fn.__dict__.update(attrs)


class LambdaLR(_LambdaScheduler):
    """lr = base_lr * lr_lambda(epoch); one function, or one per param group.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = LambdaLR(opt, lambda epoch: 0.5 ** epoch)
        >>> opt.step(); sched.step(); opt.param_groups[0]["lr"]
        0.5
    """

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    r"""Multiply the current lr by ``lr_lambda(epoch)`` at every step (epoch 0 keeps the start lr).

    .. math:: \eta_t = \eta_{t-1} \cdot \text{lr\_lambda}(t)

    Unlike ``LambdaLR`` the factor compounds, and it scales the lr as it stands,
    so it composes with other schedules (``ChainedScheduler``).

    Args:
        optimizer: the optimizer to schedule.
        lr_lambda (callable or list[callable]): epoch -> factor; one, or one per param group.
        last_epoch (int): index of the last epoch; -1 starts afresh. Default: -1.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = MultiplicativeLR(opt, lambda epoch: 0.5)
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        >>> sched.get_last_lr()
        [0.125]
    """

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return _lrs(self.optimizer)
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas, _lrs(self.optimizer))]


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs: base_lr * gamma ** (epoch // step_size).

    Args:
        optimizer: the optimizer to schedule.
        step_size: epochs between two decays.
        gamma: the factor of each decay (default 0.1).
        last_epoch: index of the last epoch; -1 (default) starts afresh.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _lrs(self.optimizer)
        return [lr * self.gamma for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each epoch listed in ``milestones`` (repeats count twice).

    ``base_lr * gamma ** (number of milestones <= epoch)``.

    Args:
        optimizer: the optimizer to schedule.
        milestones: the epochs of the decays.
        gamma: the factor of each decay (default 0.1).
        last_epoch: index of the last epoch; -1 (default) starts afresh.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = MultiStepLR(opt, milestones=[1, 3, 3], gamma=0.5)  # 3 twice: 0.25 there
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [1.0, 0.5, 0.5, 0.125, 0.125]
    """

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return _lrs(self.optimizer)
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        milestones = sorted(Counter(self.milestones).elements())
        return [base * self.gamma ** bisect_right(milestones, self.last_epoch)
                for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch: base_lr * gamma ** epoch.

    Args:
        optimizer: the optimizer to schedule.
        gamma: the factor of each epoch.
        last_epoch: index of the last epoch; -1 (default) starts afresh.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = ExponentialLR(opt, gamma=0.5)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [1.0, 0.5, 0.25, 0.125]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return _lrs(self.optimizer)
        return [lr * self.gamma for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class ConstantLR(LRScheduler):
    r"""Scale the lr by ``factor`` for the first ``total_iters`` epochs, then restore it.

    .. math:: \eta_t = \eta_0 \cdot (\text{factor if } t < \text{total\_iters} \text{ else } 1)

    Args:
        optimizer: the optimizer to schedule.
        factor (float): multiplier in [0, 1] until the milestone. Default: 1/3.
        total_iters (int): epochs the factor lasts. Default: 5.
        last_epoch (int): index of the last epoch; -1 starts afresh. Default: -1.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = ConstantLR(opt, factor=0.5, total_iters=2)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.5, 0.5, 1.0, 1.0]
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError(f"ConstantLR: constant multiplicative factor expected to be between "
                             f"0 and 1, got {factor}")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in _lrs(self.optimizer)]
        if self.last_epoch != self.total_iters:
            return _lrs(self.optimizer)
        return [lr * (1.0 / self.factor) for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the lr linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs.

    ``base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)``; a common warmup.

    Args:
        optimizer: the optimizer to schedule.
        start_factor: the factor at epoch 0, in (0, 1] (default 1/3).
        end_factor: the factor from ``total_iters`` on, in [0, 1] (default 1.0).
        total_iters: epochs of the ramp (default 5).
        last_epoch: index of the last epoch; -1 (default) starts afresh.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor}")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in _lrs(self.optimizer)]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _lrs(self.optimizer)
        span = self.end_factor - self.start_factor
        ratio = 1.0 + span / (self.total_iters * self.start_factor + (self.last_epoch - 1) * span)
        return [lr * ratio for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        frac = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (self.start_factor + (self.end_factor - self.start_factor) * frac)
                for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    r"""Decay the lr polynomially to 0 over ``total_iters`` epochs, then keep it there.

    .. math:: \eta_t = \eta_0 \cdot (1 - \min(t, T) / T)^{\text{power}}, \quad T = \text{total\_iters}

    Args:
        optimizer: the optimizer to schedule.
        total_iters (int): epochs until the lr reaches 0. Default: 5.
        power (float): power of the polynomial (1: linear decay). Default: 1.0.
        last_epoch (int): index of the last epoch; -1 starts afresh. Default: -1.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = PolynomialLR(opt, total_iters=4, power=2.0)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, total = self.last_epoch, self.total_iters
        if self._is_initial or t > total:
            return _lrs(self.optimizer)
        decay = ((1.0 - t / total) / (1.0 - (t - 1) / total)) ** self.power
        return [lr * decay for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        frac = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (1.0 - frac) ** self.power for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from base_lr down to ``eta_min`` over ``T_max`` epochs (SGDR without restarts).

    .. math:: \eta_t = \eta_{min} + \tfrac12(\eta_{max} - \eta_{min})(1 + \cos(\pi t / T_{max}))

    Past ``T_max`` the lr rises again along the same cosine (period ``2 T_max``), as PyTorch's.

    Args:
        optimizer: the optimizer to schedule.
        T_max (int): epochs from the base lr down to ``eta_min``.
        eta_min (float): the lowest lr. Default: 0.
        last_epoch (int): index of the last epoch; -1 starts afresh. Default: -1.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = CosineAnnealingLR(opt, T_max=4)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> [round(lr, 4) for lr in lrs]
        [1.0, 0.8536, 0.5, 0.1464, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return _lrs(self.optimizer)
        if self._step_count == 1 and t > 0:
            return [low + (base - low) * (1 + math.cos(t * math.pi / T)) / 2
                    for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - low) * (1 - math.cos(math.pi / T)) / 2
                    for base, lr in zip(self.base_lrs, _lrs(self.optimizer))]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - low) + low for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [self.eta_min + (base - self.eta_min) *
                (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base in self.base_lrs]


from .plateau import ReduceLROnPlateau  # noqa: E402
from .chained import ChainedScheduler, SequentialLR  # noqa: E402
from .one_cycle import OneCycleLR  # noqa: E402
from .warm_restarts import CosineAnnealingWarmRestarts  # noqa: E402
from .cyclic import CyclicLR  # noqa: E402

__all__ = ["ChainedScheduler", "ConstantLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
           "CyclicLR", "ExponentialLR", "LRScheduler", "LambdaLR", "LinearLR", "MultiStepLR",
           "MultiplicativeLR", "OneCycleLR", "PolynomialLR", "ReduceLROnPlateau", "SequentialLR",
           "StepLR"]
