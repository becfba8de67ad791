"""SyncBatchNorm: batch norm whose training statistics span every rank's batch."""
from __future__ import annotations

from ...distributed import get_world_size
from ...tensor import Tensor
from ..functional.sync_batchnorm import sync_batch_norm
from .batchnorm import _BatchNorm
from .module import Module


class SyncBatchNorm(_BatchNorm):
    """Batch normalisation over the global batch of a data-parallel job.

    In training, the per-channel mean and variance are those of all ranks'
    inputs together, so ``N`` ranks of batch ``B`` normalise exactly as one
    process with batch ``N * B`` does (plain ``BatchNorm`` on each rank would
    see only ``B`` samples).  Eval mode, and a world of one process, are plain
    batch norm.  Every rank must run the layer in the same order (it is a
    collective).  Arguments as ``BatchNorm1d``.

    Shape: ``(N, C, *)``: any number of trailing dims, as in PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> model = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4)))
        >>> type(model[1]).__name__, model(rb.randn(2, 1, 5, 5)).shape
        ('SyncBatchNorm', (2, 4, 3, 3))
    """

    _dims = (2, 3, 4, 5)

    def forward(self, input: Tensor) -> Tensor:
        if not self.training or get_world_size() == 1:
            return super().forward(input)
        if input.ndim < 2 or input.shape[1] != self.num_features:
            raise ValueError(f"SyncBatchNorm: expected input (N, {self.num_features}, *), got shape "
                             f"{tuple(input.shape)}")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.track_running_stats:
            self.num_batches_tracked.data += 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked.data)
        return sync_batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                               momentum, self.eps)

    @classmethod
    def convert_sync_batchnorm(cls, module: Module) -> Module:
        """``module`` with every ``BatchNorm*d`` replaced by a ``SyncBatchNorm`` sharing its
        parameters and buffers (the module itself if it is one)."""
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            sync = cls(module.num_features, module.eps, module.momentum, module.affine,
                       module.track_running_stats)
            for table in ("_parameters", "_buffers"):
                getattr(sync, table).update(getattr(module, table))
            sync.train(module.training)
            return sync
        for name, child in list(module._modules.items()):
            if child is not None:
                module._modules[name] = cls.convert_sync_batchnorm(child)
        return module
