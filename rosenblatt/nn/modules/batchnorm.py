"""BatchNorm1d/2d/3d and InstanceNorm1d/2d/3d: one base for their parameters and running statistics."""
from __future__ import annotations

import warnings
from typing import Any

from ..._backend import xp
from ... import _backend
from ...tensor import Tensor
from .. import init
from ..functional.normalization import batch_norm, instance_norm
from ..parameter import Parameter
from .module import Module


class _NormBase(Module):
    """What batch and instance norm layers share (PyTorch's ``_NormBase``): the affine
    parameters, the running statistics, their reset, the input-dims check and the repr."""

    _dims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
        if affine:
            self.weight = Parameter(xp.ones(num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(xp.zeros(num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor._wrap(xp.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor._wrap(xp.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor._wrap(xp.array(0, dtype=xp.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._dims:
            dims = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"{type(self).__name__}: expected {dims} input (got {input.ndim}D input "
                             f"of shape {tuple(input.shape)})")

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Batch norm layers; not the instance norms, which ``SyncBatchNorm.convert_sync_batchnorm``
    must leave alone (their statistics are per sample, not per batch)."""

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        if input.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expected {self.num_features} channels in dim 1, "
                             f"got input of shape {tuple(input.shape)}")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data += 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked.data)
        use_batch = self.training or not self.track_running_stats
        return batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                          use_batch, momentum, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over ``(N, C)`` or ``(N, C, L)`` input (Ioffe & Szegedy, 2015).

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias`` per channel; in
    training the batch statistics are used and folded into ``running_mean`` /
    ``running_var`` (unbiased variance) with ``momentum`` (None: cumulative
    average); in eval the running statistics are used.

    Args:
        num_features: C.
        eps: added to the variance (default 1e-5).
        momentum: weight of the new batch in the running statistics (default 0.1).
        affine: learn ``weight`` (ones) and ``bias`` (zeros).
        bias: learn ``bias`` (only with ``affine``; keyword-only, as in PyTorch).
        track_running_stats: keep running statistics; if False, batch statistics are
            used in eval mode too.

    Example:
        >>> import rosenblatt as rb
        >>> bn = rb.nn.BatchNorm1d(3)
        >>> bn(rb.randn(8, 3)).shape
        (8, 3)
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over ``(N, C, H, W)`` input; see ``BatchNorm1d``.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, the statistics of each channel
    taken over N, H and W (the batch's in training, the running ones in eval).

    Args:
        num_features: C.
        eps: added to the variance (default 1e-5).
        momentum: weight of the new batch in the running statistics (default 0.1; None: a
            cumulative average).
        affine: learn ``weight`` (ones) and ``bias`` (zeros) (default True).
        track_running_stats: keep running statistics (default True); if False, batch
            statistics are used in eval mode too.
        dtype: parameter dtype (default ``get_default_dtype()``, float32).

    Shape: ``(N, C, H, W)`` in and out.

    Example:
        >>> import rosenblatt as rb
        >>> bn = rb.nn.BatchNorm2d(2)
        >>> x = rb.tensor([[[[1.0, 3.0]], [[0.0, 4.0]]]])  # (N, C, H, W) = (1, 2, 1, 2)
        >>> bn(x).detach()
        tensor([[[[-1.,  1.]],
        <BLANKLINE>
                 [[-1.,  1.]]]])
        >>> bn.running_mean, bn.running_var  # 0.9 * (0, 1) + 0.1 * (mean, unbiased variance)
        (tensor([0.2, 0.2]), tensor([1.1, 1.7]))
    """

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over ``(N, C, D, H, W)`` input (statistics of each channel over N,
    D, H and W); see ``BatchNorm1d``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.batchnorm import BatchNorm3d
        >>> BatchNorm3d(3)(rb.randn(2, 3, 2, 4, 4)).shape
        (2, 3, 2, 4, 4)
    """

    _dims = (5,)


class _InstanceNorm(_NormBase):
    """Instance norm layers: ``_NormBase``'s parameters and buffers with PyTorch's instance-norm
    defaults; the running statistics count no batches (``num_batches_tracked`` stays 0, and
    ``momentum=None`` means 0, as in PyTorch)."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype,
                         bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.ndim == self._dims[0]  # one (C, *) sample: run as a batch of one
        channel_dim = 0 if unbatched else 1
        if input.shape[channel_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"{type(self).__name__}: expected input's size at dim="
                                 f"{channel_dim} to match num_features ({self.num_features}), "
                                 f"got input of shape {tuple(input.shape)}")
            warnings.warn(f"{type(self).__name__}: input's size at dim={channel_dim} does not "
                          f"match num_features. You can silence this warning by not passing in "
                          f"num_features, which is not used because affine=False", stacklevel=2)
        x = input.unsqueeze(0) if unbatched else input
        out = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats,
                            0.0 if self.momentum is None else self.momentum, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation over ``(N, C, L)`` input (Ulyanov et al., 2016).

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, the statistics (biased
    variance) of each channel of each sample over L.  With ``track_running_stats``,
    training also folds them into ``running_mean``/``running_var`` (unbiased variance,
    averaged over the samples) with ``momentum``, and eval normalises with those.

    Args:
        num_features: C.
        eps: added to the variance (default 1e-5).
        momentum: weight of the new statistics in the running ones (default 0.1).
        affine: learn ``weight`` (ones) and ``bias`` (zeros) per channel (default False).
        track_running_stats: keep running statistics for eval (default False: eval uses
            each sample's statistics too).
        bias: learn ``bias`` (only with ``affine``; keyword-only, as in PyTorch).

    Shape: ``(N, C, L)`` or one unbatched ``(C, L)`` sample, in and out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.InstanceNorm1d(3)(rb.randn(8, 3, 5)).shape
        (8, 3, 5)
    """

    _dims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation over ``(N, C, H, W)`` input, or one unbatched ``(C, H, W)``
    sample; the statistics of each channel of each sample over H and W.  See
    ``InstanceNorm1d``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.InstanceNorm2d(3, affine=True)(rb.randn(2, 3, 4, 4)).shape
        (2, 3, 4, 4)
    """

    _dims = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation over ``(N, C, D, H, W)`` input, or one unbatched ``(C, D, H, W)``
    sample; the statistics of each channel of each sample over D, H and W.  See
    ``InstanceNorm1d``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.batchnorm import InstanceNorm3d
        >>> InstanceNorm3d(3, affine=True)(rb.randn(2, 3, 2, 4, 4)).shape
        (2, 3, 2, 4, 4)
    """

    _dims = (4, 5)
