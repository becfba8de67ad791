"""Schedules that drive other schedules: ``SequentialLR`` (one after another) and
``ChainedScheduler`` (all together); their state dicts nest their schedules' ones."""
from __future__ import annotations

from bisect import bisect_right
from typing import Any, Sequence

from .lr_scheduler import LRScheduler, _lrs
from .optimizer import Optimizer
from .plateau import ReduceLROnPlateau


class _ScheduleList(LRScheduler):
    """Schedules that drive other schedules (SequentialLR, ChainedScheduler): their state nests."""

    _schedulers: list[LRScheduler]

    def state_dict(self) -> dict[str, Any]:
        """Own attributes but the optimizer, and each inner schedule's state dict."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("_schedulers")
        self.__dict__.update(state)
        for sched, s in zip(self._schedulers, saved):
            sched.load_state_dict(s)


def _check_schedules(owner: str, optimizer: Optimizer, schedulers: Sequence[Any]) -> None:
    if len(schedulers) < 1:
        raise ValueError(f"{owner} expects at least one scheduler, but got none")
    for i, sched in enumerate(schedulers):
        if not hasattr(sched, "optimizer"):
            raise TypeError(f"{owner}: the scheduler at index {i} ({type(sched).__name__}) "
                            f"has no `optimizer` attribute; pass LRScheduler objects")
        if isinstance(sched, ReduceLROnPlateau):
            raise ValueError(f"{owner} does not support ReduceLROnPlateau (index {i}): its "
                             f"step() needs the metric")
        if sched.optimizer is not optimizer:
            raise ValueError(f"{owner} expects all schedulers to belong to the same optimizer, "
                             f"but scheduler {i} ({type(sched).__name__}) has another one")


class SequentialLR(_ScheduleList):
    """Run ``schedulers`` one after another, switching at each epoch in ``milestones``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
        >>> decay = CosineAnnealingLR(opt, T_max=95)
        >>> sched = SequentialLR(opt, [warmup, decay], milestones=[5])
        >>> lrs = []
        >>> for epoch in range(7):
        ...     lrs.append(round(opt.param_groups[0]["lr"], 3))
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [0.1, 0.28, 0.46, 0.64, 0.82, 1.0, 1.0]
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        _check_schedules("SequentialLR", optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR expects one milestone fewer than schedulers, got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # Building each scheduler stepped it once; undo that and start the first one afresh.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for sched in self._schedulers:
            _undo_step(sched)
        idx = bisect_right(self._milestones, 0)
        self._schedulers[idx]._initial_step()
        self._last_lr = self._schedulers[idx].get_last_lr()

    def step(self) -> None:
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        sched = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            sched._update_lr(0)
        else:
            sched.step()
        self._last_lr = sched.get_last_lr()


class ChainedScheduler(_ScheduleList):
    r"""Step several schedules of one optimizer together: each ``step()`` steps all, in order.

    The chainable schedules scale the lr as it stands, so their effects multiply:
    :math:`\eta_t = \eta_0 \prod_k f_k(t)` for multiplicative schedules :math:`f_k`.

    Args:
        schedulers (sequence of LRScheduler): the schedules, built on the same optimizer.
        optimizer: that optimizer. Default: the first schedule's.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> warm = rb.optim.lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=2)
        >>> decay = rb.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> sched = ChainedScheduler([warm, decay])
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> [round(lr, 6) for lr in lrs]
        [0.1, 0.05, 0.25, 0.125]
    """

    def __init__(self, schedulers: Sequence[LRScheduler],
                 optimizer: Optimizer | None = None) -> None:
        if optimizer is None and len(schedulers) > 0:
            optimizer = schedulers[0].optimizer
        _check_schedules("ChainedScheduler", optimizer, schedulers)
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = _lrs(optimizer)

    def step(self) -> None:
        for sched in self._schedulers:
            sched.step()
        self._last_lr = _lrs(self.optimizer)


def _undo_step(sched: Any) -> None:
    for inner in getattr(sched, "_schedulers", ()):
        _undo_step(inner)
    if not hasattr(sched, "_schedulers"):
        sched.last_epoch -= 1
