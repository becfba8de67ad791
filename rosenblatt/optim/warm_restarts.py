"""``CosineAnnealingWarmRestarts``: SGDR, cosine annealing that restarts every T_i epochs."""
from __future__ import annotations

import math

from .lr_scheduler import LRScheduler
from .optimizer import Optimizer


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Anneal the lr from base_lr to ``eta_min`` along a cosine, restarting every ``T_i`` epochs.

    .. math::
        \eta_t = \eta_{min} + \tfrac12(\eta_{max} - \eta_{min})
                 \left(1 + \cos\left(\pi \, T_{cur} / T_i\right)\right)

    :math:`T_{cur}` counts the epochs since the last restart and :math:`T_i` is the
    length of the current run: ``T_0`` first, then ``T_mult`` times longer after each
    restart (SGDR, Loshchilov & Hutter, 2017).  ``step(epoch)`` takes a fractional
    epoch (``epoch + batch / batches``) to anneal within an epoch; unlike the other
    schedules this is not deprecated (as in PyTorch), and ``step()`` continues from it.

    Args:
        optimizer: the optimizer to schedule.
        T_0 (int): epochs until the first restart.
        T_mult (int): factor by which each run is longer than the last. Default: 1.
        eta_min (float): lowest lr. Default: 0.
        last_epoch (int): index of the last epoch; -1 starts afresh. Default: -1.

    Example:
        >>> import rosenblatt as rb
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(6):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [1.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 1.0]
        >>> sched.step(2.5)  # half an epoch into the second run
        >>> round(sched.get_last_lr()[0], 4)
        0.9619
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"Expected float or int eta_min, but got {eta_min} of type "
                             f"{type(eta_min).__name__}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        cosine = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to ``epoch`` (which may be fractional).

        Example: ``scheduler.step(epoch + i / iters)`` after batch ``i`` of ``iters``.
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"Expected non-negative epoch, but got {epoch}")
            if epoch < self.T_0:
                self.T_i = self.T_0
                self.T_cur = epoch
            elif self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                # Runs 0..n-1 last T_0 * (T_mult**n - 1) / (T_mult - 1) epochs in all.
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult ** n
        self._update_lr(math.floor(epoch))
