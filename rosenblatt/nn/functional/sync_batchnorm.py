"""Batch normalisation with statistics over the whole global batch, across ranks.

Forward: every rank gathers every rank's ``(count, mean, M2)`` per channel
(one ``all_gather``) and combines them with Chan et al.'s parallel variance
formula, ``M2 = sum_r M2_r + n_r * (mean_r - mean)^2``, which is stable in a
way ``E[x^2] - E[x]^2`` is not.  Backward: the fused normalisation backward
``dx = rstd * (g - mean(g) - xhat * mean(g * xhat))`` with the two means taken
over the global batch (one ``all_reduce`` of ``2C`` sums).  ``weight`` and
``bias`` get this rank's sums; ``DistributedDataParallel`` averages them.
"""
from __future__ import annotations

from ..._backend import xp
from ...autograd.function import Function
from ...distributed import all_gather_into_tensor, all_reduce, get_world_size
from ...tensor import Tensor


class _SyncBatchNorm(Function):
    def forward(self, x, *affine, eps=1e-5, has_weight=False, stats=None):
        axes = (0,) + tuple(range(2, x.ndim))
        param_shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        count = x.size // x.shape[1]
        local_mean = x.mean(axis=axes, dtype=xp.float64)
        local_m2 = ((x - local_mean.reshape(param_shape)) ** 2).sum(axis=axes, dtype=xp.float64)
        mine = xp.concatenate([[count], local_mean, local_m2])
        every = xp.empty((get_world_size(), mine.size), dtype=xp.float64)
        all_gather_into_tensor(Tensor._wrap(every), Tensor._wrap(mine))
        counts, means, m2s = every[:, :1], every[:, 1:1 + x.shape[1]], every[:, 1 + x.shape[1]:]
        self.count = total = counts.sum()
        mean = (counts * means).sum(axis=0) / total
        var = (m2s + counts * (means - mean) ** 2).sum(axis=0) / total
        stats.update(mean=mean, var=var, count=total)  # for the running statistics
        rstd = (1.0 / xp.sqrt(var + eps)).astype(x.dtype).reshape(param_shape)
        self.xhat = (x - mean.astype(x.dtype).reshape(param_shape)) * rstd
        self.rstd, self.axes = rstd, axes
        self.weight = affine[0].reshape(param_shape) if has_weight else None
        out = self.xhat if self.weight is None else self.xhat * self.weight
        if len(affine) > int(has_weight):
            out = out + affine[-1].reshape(param_shape)
        return out.astype(x.dtype, copy=False)

    def backward(self, grad):
        xhat, axes, parents = self.xhat, self.axes, self.parents
        g = grad if self.weight is None else grad * self.weight
        gx = None
        if parents[0] is not None:
            sums = xp.concatenate([g.sum(axis=axes, dtype=xp.float64),
                                   (g * xhat).sum(axis=axes, dtype=xp.float64)])
            all_reduce(Tensor._wrap(sums))
            c = g.shape[1]
            shape = self.rstd.shape
            mean_g = (sums[:c] / self.count).astype(g.dtype).reshape(shape)
            mean_gx = (sums[c:] / self.count).astype(g.dtype).reshape(shape)
            gx = self.rstd * (g - mean_g - xhat * mean_gx)
        grads = [gx]
        if len(parents) > 1 and self.weight is not None:
            grads.append(None if parents[1] is None else (grad * xhat).sum(axis=axes))
        if len(parents) > len(grads):
            grads.append(None if parents[-1] is None else grad.sum(axis=axes))
        return tuple(grads)


def sync_batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                    weight: Tensor | None = None, bias: Tensor | None = None, momentum: float = 0.1,
                    eps: float = 1e-5) -> Tensor:
    """Training-mode batch norm over the batch of every rank together.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias`` per channel (dim 1),
    with ``E`` and ``Var`` (biased) over dims 0, 2, ... of all ranks' inputs.
    The running statistics are updated with the global mean and the unbiased
    global variance, identically on every rank.  Collective: every rank must call
    it, in the same order.

    Shape: ``(N, C, *)``; ``N`` may differ between ranks.
    """
    if input.ndim < 2:
        raise ValueError(f"sync_batch_norm(): expected input of at least 2 dims (N, C, ...), got shape "
                         f"{tuple(input.shape)}")
    affine = [t for t in (weight, bias) if t is not None]
    stats: dict = {}
    out = _SyncBatchNorm.apply(input, *affine, eps=eps, has_weight=weight is not None, stats=stats)
    if stats["count"] <= 1:
        raise ValueError(f"sync_batch_norm(): expected more than 1 value per channel over all ranks, "
                         f"got input of shape {tuple(input.shape)} on this rank")
    if running_mean is not None and running_var is not None:
        unbiased = stats["var"] * (stats["count"] / (stats["count"] - 1))
        for buf, stat in ((running_mean, stats["mean"]), (running_var, unbiased)):
            buf.data *= 1.0 - momentum
            buf.data += (momentum * stat).astype(buf.dtype, copy=False)
    return out
