"""The lazy norms (LazyBatchNorm1d/2d/3d, LazyInstanceNorm1d/2d/3d): a batch or instance norm
whose ``num_features`` is read from the first input's channel dim; then it becomes the regular
layer.

The mechanism is ``LazyModuleMixin``'s; this file says where the channels are.  As PyTorch's,
the lazy instance norms default to ``affine=True, track_running_stats=True`` (the batch
norms' defaults), not ``InstanceNorm``'s False, False.
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...tensor import Tensor
from ..parameter import UninitializedBuffer, UninitializedParameter
from .batchnorm import (BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d,
                        InstanceNorm3d)
from .lazy import LazyModuleMixin


class _LazyNormBase(LazyModuleMixin):
    """PyTorch's ``_LazyNormBase``: ``_NormBase``'s arguments without ``num_features``;
    ``weight``, ``bias``, ``running_mean`` and ``running_var`` are placeholders of shape
    ``(num_features,)`` until the first call."""

    _lazy_size = "num_features"
    _unbatched = False  # whether the lowest rank in _dims is one unbatched (C, *) sample
    _dims: tuple[int, ...]  # the regular class's accepted input ranks
    _check_input_dim: Any

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        # no affine parameters nor statistics yet: nothing to allocate before the first input
        super().__init__(0, eps, momentum, False, False, device, dtype,  # type: ignore[call-arg]
                         bias=False)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = Tensor._wrap(xp.array(0, dtype=xp.int64))

    def _size_from_input(self, input: Tensor) -> int:
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._get_name()}: expected a Tensor input, got "
                            f"{type(input).__name__}")
        self._check_input_dim(input)
        # batch norms take (N, C, *) only; instance norms one unbatched (C, *) sample too
        return input.shape[0 if self._unbatched and input.ndim == self._dims[0] else 1]

    def _lazy_shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        return dict.fromkeys(("weight", "bias", "running_mean", "running_var"), (size,))

    def _size_from_shape(self, name: str, shape: tuple[int, ...]) -> int | None:
        return shape[0] if len(shape) == 1 else None


class _LazyInstanceNorm(_LazyNormBase):
    """The instance norms also take one unbatched ``(C, *)`` sample."""

    _unbatched = True


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """``BatchNorm1d`` whose ``num_features`` is read from the first input (``input.shape[1]``).

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias`` per channel, as ``BatchNorm1d``.
    Until the first call ``weight``, ``bias``, ``running_mean`` and ``running_var`` are
    placeholders (``UninitializedParameter``, ``UninitializedBuffer``); that call shapes them
    ``(C,)``, initialises them (ones, zeros, zeros, ones) and turns the layer into a
    ``BatchNorm1d``.  See ``LazyModuleMixin``.

    Args:
        eps: added to the variance (default 1e-5).
        momentum: weight of the new statistics in the running ones (default 0.1; None: a
            cumulative average for the batch norms).
        affine: learn ``weight`` (ones) and ``bias`` (zeros) per channel (default True).
        track_running_stats: keep running statistics for eval (default True).
        dtype: parameter and statistics dtype (default: get_default_dtype()).
        bias: learn ``bias`` (only with ``affine``; keyword-only, as in PyTorch).

    Shape: ``(N, C)`` or ``(N, C, L)``, in and out.

    Example:
        >>> import rosenblatt as rb
        >>> bn = rb.nn.LazyBatchNorm1d()
        >>> bn(rb.randn(8, 3)).shape, bn.running_mean.shape
        ((8, 3), (3,))
        >>> bn
        BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """``BatchNorm2d`` whose ``num_features`` is read from the first input (``input.shape[1]``).

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, each channel's statistics over N,
    H and W, as ``BatchNorm2d``; see ``LazyBatchNorm1d`` for the placeholders.

    Args: as ``LazyBatchNorm1d``'s.

    Shape: ``(N, C, H, W)``, in and out.

    Example:
        >>> import rosenblatt as rb
        >>> bn = rb.nn.LazyBatchNorm2d(momentum=None)
        >>> bn(rb.randn(2, 4, 5, 5)).shape, bn.weight.shape
        ((2, 4, 5, 5), (4,))
    """

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """``BatchNorm3d`` whose ``num_features`` is read from the first input (``input.shape[1]``).

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, each channel's statistics over N,
    D, H and W, as ``BatchNorm3d``; see ``LazyBatchNorm1d`` for the placeholders.

    Args: as ``LazyBatchNorm1d``'s.

    Shape: ``(N, C, D, H, W)``, in and out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LazyBatchNorm3d()(rb.randn(2, 3, 2, 4, 4)).shape
        (2, 3, 2, 4, 4)
    """

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyInstanceNorm, InstanceNorm1d):
    """``InstanceNorm1d`` whose ``num_features`` is read from the first input's channel dim
    (``input.shape[1]``, or ``input.shape[0]`` for one unbatched ``(C, L)`` sample).

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, each sample's and channel's
    statistics over L, as ``InstanceNorm1d``.  As PyTorch's, the defaults are
    ``affine=True, track_running_stats=True``; see ``LazyBatchNorm1d`` for the placeholders.

    Args:
        eps: added to the variance (default 1e-5).
        momentum: weight of the new statistics in the running ones (default 0.1; None: a
            cumulative average for the batch norms).
        affine: learn ``weight`` (ones) and ``bias`` (zeros) per channel (default True).
        track_running_stats: keep running statistics for eval (default True).
        dtype: parameter and statistics dtype (default: get_default_dtype()).
        bias: learn ``bias`` (only with ``affine``; keyword-only, as in PyTorch).

    Shape: ``(N, C, L)`` or ``(C, L)``, in and out.

    Example:
        >>> import rosenblatt as rb
        >>> norm = rb.nn.LazyInstanceNorm1d()
        >>> norm(rb.randn(3, 5)).shape, norm.weight.shape  # unbatched: C = 3
        ((3, 5), (3,))
    """

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyInstanceNorm, InstanceNorm2d):
    """``InstanceNorm2d`` whose ``num_features`` is read from the first input's channel dim
    (``input.shape[1]``, or ``input.shape[0]`` for one unbatched ``(C, H, W)`` sample).

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, each sample's and channel's
    statistics over H and W, as ``InstanceNorm2d``; see ``LazyInstanceNorm1d``.

    Args: as ``LazyBatchNorm1d``'s.

    Shape: ``(N, C, H, W)`` or ``(C, H, W)``, in and out.

    Example:
        >>> import rosenblatt as rb
        >>> norm = rb.nn.LazyInstanceNorm2d(affine=False, track_running_stats=False)
        >>> norm(rb.randn(2, 3, 4, 4)).shape
        (2, 3, 4, 4)
        >>> norm
        InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
    """

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyInstanceNorm, InstanceNorm3d):
    """``InstanceNorm3d`` whose ``num_features`` is read from the first input's channel dim
    (``input.shape[1]``, or ``input.shape[0]`` for one unbatched ``(C, D, H, W)`` sample).

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, each sample's and channel's
    statistics over D, H and W, as ``InstanceNorm3d``; see ``LazyInstanceNorm1d``.

    Args: as ``LazyBatchNorm1d``'s.

    Shape: ``(N, C, D, H, W)`` or ``(C, D, H, W)``, in and out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.LazyInstanceNorm3d()(rb.randn(2, 3, 2, 4, 4)).shape
        (2, 3, 2, 4, 4)
    """

    cls_to_become = InstanceNorm3d


__all__ = ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
           "LazyInstanceNorm2d", "LazyInstanceNorm3d"]
