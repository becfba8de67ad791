"""Stochastic weight averaging and exponential moving averages of a model's weights
(PyTorch's ``torch.optim.swa_utils``).

``AveragedModel`` keeps a copy of a model whose weights are a running average of the
model's; ``SWALR`` anneals the learning rate to a constant for the averaging phase;
``update_bn`` recomputes batch-norm statistics for the averaged weights.  This module
needs ``rosenblatt.nn``, so ``rosenblatt.optim`` loads it on first use.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.optim.swa_utils import AveragedModel, SWALR, update_bn
    >>> model = rb.nn.Sequential(rb.nn.Linear(2, 2), rb.nn.BatchNorm1d(2))
    >>> opt = rb.optim.SGD(model.parameters(), lr=0.5)
    >>> swa_model = AveragedModel(model)
    >>> swa_sched = SWALR(opt, swa_lr=0.05, anneal_epochs=2)
    >>> loader = [rb.randn(8, 2) for _ in range(3)]
    >>> for epoch in range(4):
    ...     for x in loader:
    ...         opt.zero_grad()
    ...         (model(x) ** 2).mean().backward()
    ...         opt.step()
    ...     swa_model.update_parameters(model)
    ...     swa_sched.step()
    >>> int(swa_model.n_averaged), round(opt.param_groups[0]["lr"], 4)
    (4, 0.05)
    >>> update_bn(loader, swa_model)  # batch-norm statistics of the averaged weights
    >>> int(swa_model.module[1].num_batches_tracked)
    3
"""
from __future__ import annotations

import itertools
import math
from copy import deepcopy
from typing import Any, Callable, Iterable, Sequence

from .._backend import xp
from ..autograd.grad_mode import mark_modified, no_grad
from ..nn.modules.batchnorm import _BatchNorm
from ..nn.modules.module import Module
from ..tensor import Tensor
from ._per_tensor import lerp_
from .lr_scheduler import LRScheduler, _per_group
from .optimizer import Optimizer

__all__ = ["AveragedModel", "SWALR", "get_ema_avg_fn", "get_ema_multi_avg_fn", "get_swa_avg_fn",
           "get_swa_multi_avg_fn", "update_bn"]

#: ``multi_avg_fn(averaged, current, num_averaged)``: updates ``averaged`` in place.
MultiAvgFn = Callable[[Sequence[Tensor], Sequence[Tensor], Any], None]
#: ``avg_fn(averaged, current, num_averaged)``: returns the new average of one tensor.
AvgFn = Callable[[Tensor, Tensor, Any], Tensor]


def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] "
                         f"range (the weight of the old average; 0.999 is common)")


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAvgFn:
    r"""An exponential moving average (EMA) for ``AveragedModel(multi_avg_fn=...)``, which
    updates a list of averaged tensors in place.

    .. math:: W^{EMA}_0 = W_0, \quad W^{EMA}_{t+1} = \text{decay}\, W^{EMA}_t + (1 - \text{decay})\, W_{t+1}

    Args:
        decay (float): weight of the old average, in [0, 1]. Default: 0.999.

    Returns:
        ``ema_update(averaged, current, num_averaged)``.

    Example:
        >>> import rosenblatt as rb
        >>> ema = get_ema_multi_avg_fn(0.75)
        >>> averaged = [rb.tensor([0.0, 4.0])]
        >>> ema(averaged, [rb.tensor([4.0, 0.0])], 1)
        >>> averaged
        [tensor([1., 3.])]
    """
    _check_decay(decay)

    def ema_update(ema_param_list: Sequence[Tensor], current_param_list: Sequence[Tensor],
                   _: Any) -> None:
        if ema_param_list[0].data.dtype.kind in "fc":  # PyTorch's foreach lerp takes floats only
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                lerp_(p_ema.data, p_model.data, 1 - decay)
        else:  # integer buffers: truncated back, as PyTorch's copy_
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.data[...] = p_ema.data * decay + p_model.data * (1 - decay)

    return ema_update


def get_swa_multi_avg_fn() -> MultiAvgFn:
    r"""The equal-weight running average (SWA) for ``AveragedModel(multi_avg_fn=...)``,
    updating a list of averaged tensors in place.

    .. math:: W^{SWA}_{n+1} = W^{SWA}_n + \frac{W - W^{SWA}_n}{n + 1}

    Returns:
        ``swa_update(averaged, current, num_averaged)``.

    Example:
        >>> import rosenblatt as rb
        >>> swa = get_swa_multi_avg_fn()
        >>> averaged = [rb.tensor([1.0, 2.0])]  # the average of 3 models so far
        >>> swa(averaged, [rb.tensor([5.0, 6.0])], 3)
        >>> averaged
        [tensor([2., 3.])]
    """

    def swa_update(averaged_param_list: Sequence[Tensor], current_param_list: Sequence[Tensor],
                   num_averaged: Any) -> None:
        n = _count(num_averaged)
        if averaged_param_list[0].data.dtype.kind in "fc":
            # PyTorch computes the weight 1 / (n + 1) in float32 from a count tensor
            weight = float(xp.float32(1) / xp.float32(n + 1)) if isinstance(num_averaged, Tensor) \
                else 1 / (n + 1)
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                lerp_(p_avg.data, p_model.data, weight)
        else:
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                p_avg.data[...] = p_avg.data + (p_model.data - p_avg.data) / (n + 1)

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    r"""An exponential moving average (EMA) of one tensor, for ``AveragedModel(avg_fn=...)``.

    .. math:: W^{EMA}_{t+1} = \text{decay}\, W^{EMA}_t + (1 - \text{decay})\, W_{t+1}

    Args:
        decay (float): weight of the old average, in [0, 1]. Default: 0.999.

    Returns:
        ``ema_update(averaged, current, num_averaged) -> new average``.

    Example:
        >>> import rosenblatt as rb
        >>> get_ema_avg_fn(0.5)(rb.tensor([0.0, 2.0]), rb.tensor([2.0, 2.0]), 1)
        tensor([1., 2.])
    """
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> AvgFn:
    r"""The equal-weight running average (SWA) of one tensor, for ``AveragedModel(avg_fn=...)``.

    .. math:: W^{SWA}_{n+1} = W^{SWA}_n + \frac{W - W^{SWA}_n}{n + 1}

    Returns:
        ``swa_update(averaged, current, num_averaged) -> new average``.

    Example:
        >>> import rosenblatt as rb
        >>> get_swa_avg_fn()(rb.tensor([1.0]), rb.tensor([4.0]), 2)
        tensor([2.])
    """

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


def _count(num_averaged: Any) -> int:
    return int(num_averaged.data if isinstance(num_averaged, Tensor) else num_averaged)


class AveragedModel(Module):
    r"""A copy of ``model`` whose weights are a running average of ``model``'s: stochastic
    weight averaging (SWA, Izmailov et al., 2018) by default, or an exponential moving
    average (EMA) with ``multi_avg_fn=get_ema_multi_avg_fn(decay)``.

    .. math:: W^{SWA}_{n+1} = W^{SWA}_n + \frac{W - W^{SWA}_n}{n + 1}

    The first :meth:`update_parameters` copies ``model``'s weights; each later one folds
    them in with ``avg_fn`` (one tensor at a time) or ``multi_avg_fn`` (lists of tensors of
    one dtype, in place), the equal-weight average if neither is given. The count so far is
    the buffer ``n_averaged`` (int64, in the state dict as in PyTorch). Buffers (batch-norm
    statistics) are copied from ``model`` at each update, or averaged too with
    ``use_buffers=True``; else recompute them for the averaged weights with
    :func:`update_bn`. Calling the averaged model runs the copy's ``forward``.

    Args:
        model (Module): the model to average; deep-copied.
        device: where the copy lives; only the CPU here. Default: None.
        avg_fn (callable | None): ``(averaged, current, num_averaged) -> new average``.
        multi_avg_fn (callable | None): ``(averaged list, current list, num_averaged)``,
            updating in place. At most one of the two.
        use_buffers (bool): average the buffers as well as the parameters. Default: False.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
        >>> model = rb.nn.Linear(1, 1, bias=False)
        >>> ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.5))
        >>> for value in (2.0, 4.0, 8.0):
        ...     with rb.no_grad():
        ...         _ = model.weight.fill_(value)
        ...     ema.update_parameters(model)
        >>> ema.module.weight.item(), int(ema.n_averaged)  # 2, then (2+4)/2, then (3+8)/2
        (5.5, 3)
        >>> ema(rb.ones(1, 1)).item()
        5.5
    """

    n_averaged: Tensor

    def __init__(self, model: Module, device: Any = None, avg_fn: AvgFn | None = None,
                 multi_avg_fn: MultiAvgFn | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            # PyTorch raises AssertionError: a bad argument is a ValueError here
            raise ValueError("AveragedModel: Only one of avg_fn and multi_avg_fn should be "
                             "provided; pass avg_fn (one tensor at a time) or multi_avg_fn (lists, "
                             "in place)")
        if not isinstance(model, Module):
            raise TypeError(f"AveragedModel: model should be an nn.Module, got "
                            f"{type(model).__name__}")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", Tensor._wrap(xp.array(0, dtype=xp.int64)))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The averaged copy's forward."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s current weights into the average (copy them, the first time)."""
        if self.use_buffers:
            self_param = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            model_param = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            self_param, model_param = list(self.parameters()), list(model.parameters())
        # zip, not strict: PyTorch averages as many as the shorter side has
        pairs = list(zip(self_param, model_param))
        n = int(self.n_averaged.data)
        if n == 0:
            for p_averaged, p_model in pairs:
                p_averaged.data[...] = p_model.data
        elif self.multi_avg_fn is not None:
            by_dtype: dict[Any, tuple[list[Tensor], list[Tensor]]] = {}
            for p_averaged, p_model in pairs:
                lists = by_dtype.setdefault(p_averaged.data.dtype, ([], []))
                lists[0].append(Tensor._wrap(p_averaged.data))  # detached views
                lists[1].append(Tensor._wrap(p_model.data))
            for averaged, current in by_dtype.values():
                self.multi_avg_fn(averaged, current, self.n_averaged)
        else:  # PyTorch's CPU path: one tensor at a time
            avg_fn = self.avg_fn if self.avg_fn is not None else get_swa_avg_fn()
            for p_averaged, p_model in pairs:
                new = avg_fn(Tensor._wrap(p_averaged.data), Tensor._wrap(p_model.data),
                             self.n_averaged)
                p_averaged.data[...] = new.data if isinstance(new, Tensor) else new
        if not self.use_buffers:  # the copy's buffers follow the model's
            module_buffers, model_buffers = list(self.module.buffers()), list(model.buffers())
            if len(module_buffers) != len(model_buffers):
                raise ValueError(f"AveragedModel.update_parameters(): the averaged copy has "
                                 f"{len(module_buffers)} buffers, the model passed in "
                                 f"{len(model_buffers)}; pass the model the AveragedModel was "
                                 f"built from")
            for b_swa, b_model in zip(module_buffers, model_buffers):
                b_swa.data[...] = b_model.data
        self.n_averaged.data[...] += 1
        # written in place: a graph that saved one of them now refuses to backward
        mark_modified(*(p for p, _ in pairs), *self.module.buffers())


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    r"""Recompute the running statistics of ``model``'s batch norms with one pass over
    ``loader``: each is reset, then the batches' statistics are averaged with equal weights
    (``momentum=None`` for the pass), in training mode; the mode and momenta are restored.

    Averaged weights need statistics of their own: the averages of the models'
    statistics are not the statistics of the averaged model.

    Args:
        loader (iterable): batches: tensors, or lists/tuples whose first item is the input.
        model (Module): the model, usually an :class:`AveragedModel`.
        device: where to move each batch first (only the CPU here). Default: None.

    Example:
        >>> import rosenblatt as rb
        >>> bn = rb.nn.BatchNorm1d(1)
        >>> update_bn([(rb.tensor([[0.0], [2.0]]), None), (rb.tensor([[4.0], [6.0]]), None)], bn)
        >>> bn.running_mean, bn.training
        (tensor([3.]), True)
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for input in loader:
            if isinstance(input, (list, tuple)):
                input = input[0]
            if device is not None:
                input = input.to(device)
            model(input)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    r"""Anneal each param group's lr to its ``swa_lr`` over ``anneal_epochs`` epochs, then
    keep it there: the schedule of stochastic weight averaging's phase.

    .. math::
        \eta_t = \alpha_t\,\eta_{swa} + (1 - \alpha_t)\,\eta_0, \quad
        \alpha_t = \begin{cases} (1 - \cos(\pi \tau_t)) / 2 & \text{cos} \\
                                 \tau_t & \text{linear} \end{cases}, \quad
        \tau_t = \min(1, t / \max(1, \text{anneal\_epochs}))

    computed as PyTorch's: from the group's current lr, whose start
    :math:`\eta_0` is recovered from the previous :math:`\alpha`, so that it composes with
    another schedule that ran before.

    Args:
        optimizer (Optimizer): the optimizer to schedule.
        swa_lr (float | list[float]): the final lr, one for all groups or one per group
            (kept in each group's ``'swa_lr'``).
        anneal_epochs (int): epochs to reach it, at least 0. Default: 10.
        anneal_strategy (str): ``"cos"`` or ``"linear"``. Default: ``"cos"``.
        last_epoch (int): index of the last epoch; -1 starts afresh. Default: -1.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.optim.swa_utils import SWALR
        >>> opt = rb.optim.SGD([rb.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = SWALR(opt, swa_lr=0.1, anneal_epochs=3, anneal_strategy="linear")
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> [round(lr, 4) for lr in lrs]
        [1.0, 0.7, 0.4, 0.1, 0.1]
    """

    def __init__(self, optimizer: Optimizer, swa_lr: float | Sequence[float],
                 anneal_epochs: int = 10, anneal_strategy: str = "cos",
                 last_epoch: int = -1) -> None:
        swa_lrs = _per_group("SWALR: swa_lr", optimizer, swa_lr)
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"SWALR: anneal_strategy must be one of 'cos' or 'linear', instead "
                             f"got {anneal_strategy!r}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"SWALR: anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs!r} (an int: 0 jumps to swa_lr at once)")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer and the anneal function (PyTorch's keys)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
