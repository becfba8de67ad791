"""layer_norm, batch_norm, instance_norm (fused Functions) and rms_norm (built from base ops).

The fused backward of a normalisation is the classic
``dx = rstd * (g - mean(g) - xhat * mean(g * xhat))`` with ``g = dy * weight``:
one pass instead of the dozen nodes the composed version records.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from ..._backend import xp
from ...autograd.function import Function
from ...ops import mean, mul, rsqrt
from ...tensor import Tensor
from ._checks import check_dtype, check_floating


class _Normalize(Function):
    """``(x - mean) * rstd * weight + bias``; statistics over ``axes``, affine over ``param_shape``.

    ``stats`` given (batch norm in eval mode) means the statistics are constants.
    ``zero_rstd``: PyTorch's batch-statistics kernel (instance norm's) takes ``1 / std`` as 0
    where the variance and ``eps`` are both 0, so a constant channel gives 0, not NaN.
    """

    def forward(self, x, *affine, axes=(), param_shape=(), reduce_axes=(), eps=1e-5,
                has_weight=False, stats=None, zero_rstd=False):
        if stats is None:
            mu = x.mean(axis=axes, keepdims=True)
            xc = x - mu
            var = (xc * xc).mean(axis=axes, keepdims=True)
            self.batch_mean, self.batch_var = mu, var
        else:
            mu, var = stats
            xc = x - mu
        with xp.errstate(divide="ignore"):
            rstd = 1.0 / xp.sqrt(var + eps)
        if zero_rstd and not eps:
            rstd[var == 0] = 0
        xhat = xc * rstd
        self.xhat, self.rstd, self.axes, self.fixed = xhat, rstd, axes, stats is not None
        self.reduce_axes = reduce_axes
        self.flat = tuple(s for i, s in enumerate(param_shape) if i not in reduce_axes)
        self.weight = affine[0].reshape(param_shape) if has_weight else None
        out = xhat
        if has_weight:
            out = out * self.weight
        if len(affine) > int(has_weight):
            out = out + affine[-1].reshape(param_shape)
        return out.astype(x.dtype, copy=False)

    def backward(self, grad):
        xhat, parents = self.xhat, self.parents
        g = grad if self.weight is None else grad * self.weight
        gx = None
        if parents[0] is not None:
            if self.fixed:
                gx = g * self.rstd
            else:
                axes = self.axes
                gx = self.rstd * (g - g.mean(axis=axes, keepdims=True)
                                  - xhat * (g * xhat).mean(axis=axes, keepdims=True))
        grads = [gx]
        flat = self.flat
        if len(parents) > 1 and self.weight is not None:
            grads.append(None if parents[1] is None else
                         (grad * xhat).sum(axis=self.reduce_axes).reshape(flat))
        if len(parents) > len(grads):
            grads.append(None if parents[-1] is None else grad.sum(axis=self.reduce_axes).reshape(flat))
        return tuple(grads)


class _LayerNorm(Function):
    """Layer norm on ``x`` viewed as ``(rows, features)``: statistics per row, affine per feature.

    Every reduction is a BLAS matrix-vector product with a constant vector (or an
    ``einsum`` row dot): NumPy's ``mean(axis=-1)`` over short rows and ``sum(axis=(0, 1))``
    over the rows are slow strided loops.  The GPT's (32, 64, 128) layer norm forward+backward
    took 0.8-0.9 ms this way, 4.6-5.5 ms through the general ``_Normalize``.
    """

    def forward(self, x, *affine, rows=0, features=0, eps=1e-5, has_weight=False):
        x2 = x.reshape(rows, features)
        self.per_feature = xp.full(features, 1.0 / max(features, 1), dtype=x.dtype)  # row @ it: row mean
        xhat = x2 - (x2 @ self.per_feature)[:, None]
        self.rstd = 1.0 / xp.sqrt(xp.einsum("ij,ij->i", xhat, xhat) / max(features, 1) + eps)
        xhat *= self.rstd[:, None]
        self.xhat, self.input_shape = xhat, x.shape
        self.param_shape = affine[0].shape if affine else None
        self.weight = affine[0].reshape(features) if has_weight else None
        out = xhat if self.weight is None else xhat * self.weight
        if len(affine) > int(has_weight):
            out = out + affine[-1].reshape(features)
        return out.reshape(x.shape).astype(x.dtype, copy=False)

    def backward(self, grad):
        xhat, parents = self.xhat, self.parents
        grad = grad.reshape(xhat.shape)
        gx = None
        if parents[0] is not None:
            g = grad if self.weight is None else grad * self.weight
            gx = g - (g @ self.per_feature)[:, None]  # a fresh array: grad stays untouched
            gx -= xhat * (xp.einsum("ij,ij->i", g, xhat) / max(xhat.shape[1], 1))[:, None]
            gx *= self.rstd[:, None]
            gx = gx.reshape(self.input_shape)
        grads = [gx]
        ones = xp.ones(xhat.shape[0], dtype=grad.dtype)  # ones @ rows: their column sums
        if self.weight is not None:
            grads.append(None if parents[1] is None else (ones @ (grad * xhat)).reshape(self.param_shape))
        if len(parents) > len(grads):
            grads.append(None if parents[-1] is None else (ones @ grad).reshape(self.param_shape))
        return tuple(grads)


def _check_params(op: str, shape: tuple, by_size: bool = False, **params: Tensor | None) -> None:
    """Raise unless each given parameter has ``shape`` (``by_size``: as many elements), as
    PyTorch checks (NumPy would fail in a reshape or broadcast the parameter)."""
    for name, p in params.items():
        if p is None:
            continue
        got = p.data.shape
        if (p.data.size != math.prod(shape)) if by_size else (tuple(got) != shape):
            want = f"{math.prod(shape)} elements" if by_size else f"shape {shape}"
            raise ValueError(f"{op}: {name} must have {want}, got shape {tuple(got)}")


def _params_fit(dtype: Any, shape: tuple, *params: Tensor | None, by_size: bool = False) -> bool:
    """The cheap test before ``_check_params``/``check_dtype``: whether each given parameter
    has ``dtype`` (by identity: NumPy shares dtypes) and ``shape`` (``by_size``: as many
    elements), so the common call builds no kwargs dicts."""
    for p in params:
        if p is not None and (p.data.dtype is not dtype or (
                p.data.size != math.prod(shape) if by_size else p.data.shape != shape)):
            return False
    return True


def _check_channel_params(op: str, x: Any, running_mean: Tensor | None, running_var: Tensor | None,
                          weight: Tensor | None, bias: Tensor | None) -> None:
    """Raise unless the per-channel tensors of batch/instance norm fit ``x`` (N, C, *): running
    statistics of shape (C,), weight and bias of C elements, all of ``x``'s dtype, and ``x``
    floating-point (checked after the dtypes, as PyTorch: NumPy gave integers)."""
    channels = (x.shape[1],)
    if not (_params_fit(x.dtype, channels, running_mean, running_var)
            and _params_fit(x.dtype, channels, weight, bias, by_size=True)):
        _check_params(op, channels, running_mean=running_mean, running_var=running_var)
        _check_params(op, channels, by_size=True, weight=weight, bias=bias)
        check_dtype(op, x, weight=weight, bias=bias, running_mean=running_mean,
                    running_var=running_var)
    check_floating(op, x)


def _norm_shape(op: str, normalized_shape: Any) -> tuple[int, ...]:
    shape = (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape:
        raise ValueError(f"{op}: normalized_shape must have at least one dim, got {shape}")
    return shape


def layer_norm(input: Tensor, normalized_shape: Sequence[int] | int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dims, then scale and shift.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias`` (biased variance).

    Args:
        input: a floating-point tensor whose shape ends with ``normalized_shape``.
        normalized_shape: the trailing shape to normalise over (int or tuple).
        weight, bias: ``normalized_shape`` scale and shift (default None: none).
        eps: added to the variance (default 1e-5).

    Shape: ``(*, *normalized_shape)`` in and out.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.layer_norm(rb.tensor([[1.0, 3.0], [0.0, 4.0]]), (2,))
        tensor([[-1.,  1.],
                [-1.,  1.]])
        >>> F.layer_norm(rb.tensor([[1.0, 3.0]]), 2, weight=rb.tensor([2.0, 2.0]), bias=rb.tensor([0.5, 0.5]))
        tensor([[-1.5,  2.5]])
    """
    shape = _norm_shape("layer_norm()", normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.ndim - k:]) != shape or input.ndim < k:
        raise ValueError(f"layer_norm(): input of shape {tuple(input.shape)} does not end with "
                         f"normalized_shape {shape}")
    if not _params_fit(input.data.dtype, shape, weight, bias):
        _check_params("layer_norm()", shape, weight=weight, bias=bias)
        check_dtype("layer_norm()", input, weight=weight, bias=bias)
    check_floating("layer_norm()", input)  # after check_dtype, as PyTorch: NumPy gave integers
    affine = [t for t in (weight, bias) if t is not None]
    return _LayerNorm.apply(input, *affine, rows=math.prod(input.shape[:input.ndim - k]),
                            features=math.prod(shape), eps=eps, has_weight=weight is not None)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and any trailing dims.

    Training uses the batch statistics and updates ``running_mean``/``running_var``
    in place (when given): ``running = (1 - momentum) * running + momentum * batch`` with
    the unbiased batch variance, as PyTorch does.  Eval uses the running statistics,
    which it then needs.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, per channel.

    Args:
        input: a floating-point tensor ``(N, C, *)``.
        running_mean, running_var: ``(C,)`` or None (needed when ``training`` is False).
        weight, bias: ``(C,)`` scale and shift (default None: none).
        training: normalise with the batch statistics (default False: the running ones).
        momentum: weight of the batch in the running statistics (default 0.1).
        eps: added to the variance (default 1e-5).

    Shape: ``(N, C)`` or ``(N, C, *)``, in and out.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([[1.0, 0.0], [3.0, 4.0]])  # (N, C) = (2, 2)
        >>> mean, var = rb.zeros(2), rb.ones(2)
        >>> F.batch_norm(x, mean, var, training=True)
        tensor([[-1., -1.],
                [ 1.,  1.]])
        >>> mean, var  # 0.9 * (0, 1) + 0.1 * (batch mean, unbiased batch variance)
        (tensor([0.2, 0.2]), tensor([1.1, 1.7]))
        >>> F.batch_norm(x, rb.tensor([2.0, 2.0]), rb.tensor([4.0, 1.0]), eps=0.0)  # eval
        tensor([[-0.5, -2. ],
                [ 0.5,  2. ]])
    """
    x = input.data
    if x.ndim < 2:
        raise ValueError(f"batch_norm(): expected input of at least 2 dims (N, C, ...), got shape "
                         f"{tuple(x.shape)}")
    if training and eps <= 0:  # PyTorch's check: a constant channel would divide by 0
        raise ValueError(f"batch_norm(): eps must be positive during training, but got {eps}")
    _check_channel_params("batch_norm()", x, running_mean, running_var, weight, bias)
    axes = (0,) + tuple(range(2, x.ndim))
    param_shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    affine = [t for t in (weight, bias) if t is not None]
    if not training and (running_mean is None or running_var is None):
        raise ValueError("batch_norm(): running_mean and running_var must be given in evaluation "
                         "mode (training=False); pass training=True to normalise with the batch "
                         "statistics")
    if training and x.size:
        count = x.size // x.shape[1]
        if count <= 1:
            raise ValueError(f"batch_norm(): expected more than 1 value per channel when training, "
                             f"got input of shape {tuple(x.shape)}")
        out = _Normalize.apply(input, *affine, axes=axes, param_shape=param_shape,
                               reduce_axes=axes, eps=eps, has_weight=weight is not None)
        if running_mean is not None and running_var is not None:
            _update_running_stats(running_mean, running_var, *_batch_stats(out, x, axes), count,
                                  momentum)
        return out
    if training:  # an empty batch: an empty output, the running statistics untouched (PyTorch)
        stats = (xp.zeros(param_shape, dtype=x.dtype), xp.ones(param_shape, dtype=x.dtype))
    else:
        stats = (running_mean.data.reshape(param_shape), running_var.data.reshape(param_shape))
    return _Normalize.apply(input, *affine, axes=axes, param_shape=param_shape,
                            reduce_axes=axes, eps=eps, has_weight=weight is not None, stats=stats)


def _batch_stats(out: Tensor, x: Any, axes: tuple) -> tuple[Any, Any]:
    node = out._node
    if node is not None:
        return node.batch_mean, node.batch_var
    mu = x.mean(axis=axes, keepdims=True)
    return mu, ((x - mu) ** 2).mean(axis=axes, keepdims=True)


def _update_running_stats(running_mean: Tensor, running_var: Tensor, mean: Any, var: Any,
                          count: int, momentum: float) -> None:
    """``running = (1 - momentum) * running + momentum * batch``, in place, for the mean and
    the unbiased variance (``var`` is biased, over ``count`` values), as PyTorch does."""
    unbiased = var * (count / max(count - 1, 1))
    for buf, stat in ((running_mean, mean), (running_var, unbiased)):
        buf.data *= 1.0 - momentum
        buf.data += (momentum * stat.reshape(-1)).astype(buf.dtype, copy=False)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its positions, then scale and shift per channel.

    ``y[n, c] = (x[n, c] - E[x[n, c]]) / sqrt(Var[x[n, c]] + eps) * weight[c] + bias[c]``,
    the statistics (biased variance) over the trailing dims (Ulyanov et al., 2016): a batch
    norm of each sample alone, or a group norm with one channel per group.

    With ``use_input_stats`` and running statistics given, those are updated in place
    as PyTorch does: ``running = (1 - momentum) * running + momentum * stat``, ``stat``
    the mean over samples of each sample's mean (unbiased variance).  Without
    ``use_input_stats`` the running statistics normalise instead, and must be given.
    An empty batch leaves them as they are (PyTorch makes them NaN, the mean of no samples).

    Args:
        input: (N, C, *), at least one trailing dim.
        running_mean, running_var: (C,) or None.
        weight, bias: (C,) or None.
        use_input_stats: normalise with each sample's statistics (default True).
        momentum: weight of the new statistics in the running ones (default 0.1).
        eps: added to the variance (default 1e-5).

    Shape: ``(N, C, *)`` in and out.

    Example:
        >>> import rosenblatt as rb
        >>> rb.nn.functional.instance_norm(rb.tensor([[[1.0, 3.0, 5.0], [0.0, 4.0, 2.0]]]))
        tensor([[[-1.2247,  0.    ,  1.2247],
                 [-1.2247,  1.2247,  0.    ]]])
    """
    x = input.data
    if x.ndim < 2 or (use_input_stats and math.prod(x.shape[2:]) == 1):
        raise ValueError(f"instance_norm(): expected input (N, C, *) with more than 1 value per "
                         f"channel and sample (its trailing dims), got shape {tuple(x.shape)}")
    if (running_mean is None) != (running_var is None):
        raise ValueError("instance_norm(): running_mean and running_var must both be given or "
                         "both be None")
    if not use_input_stats and running_mean is None:
        raise ValueError("instance_norm(): running_mean and running_var must be given when "
                         "use_input_stats=False; pass use_input_stats=True to normalise with "
                         "each sample's statistics")
    _check_channel_params("instance_norm()", x, running_mean, running_var, weight, bias)
    axes = tuple(range(2, x.ndim))  # the statistics: per sample and channel
    param_shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    affine = [t for t in (weight, bias) if t is not None]
    stats = None if use_input_stats else (running_mean.data.reshape(param_shape),
                                          running_var.data.reshape(param_shape))
    out = _Normalize.apply(input, *affine, axes=axes, param_shape=param_shape,
                           reduce_axes=(0,) + axes, eps=eps, has_weight=weight is not None,
                           stats=stats, zero_rstd=stats is None)
    if use_input_stats and running_mean is not None and x.shape[0]:
        mean, var = _batch_stats(out, x, axes)  # (N, C, 1, ...)
        _update_running_stats(running_mean, running_var, mean.mean(axis=0), var.mean(axis=0),
                              math.prod(x.shape[2:]), momentum)
    return out


def rms_norm(input: Tensor, normalized_shape: Sequence[int] | int, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x^2) + eps) * weight`` over the last ``len(normalized_shape)`` dims.

    ``eps=None`` uses the machine epsilon of the input's dtype, as PyTorch does.

    Args:
        input: a floating-point tensor whose shape ends with ``normalized_shape``.
        normalized_shape: the trailing shape to normalise over (int or tuple).
        weight: ``normalized_shape`` scale (default None: none).
        eps: added to the mean square (default None: the dtype's machine epsilon).

    Shape: ``(*, *normalized_shape)`` in and out.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.rms_norm(rb.tensor([[3.0, -3.0], [1.0, 7.0]]), (2,))  # rms 3 and 5
        tensor([[ 1. , -1. ],
                [ 0.2,  1.4]])
    """
    shape = _norm_shape("rms_norm()", normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.ndim - k:]) != shape or input.ndim < k:
        raise ValueError(f"rms_norm(): input of shape {tuple(input.shape)} does not end with "
                         f"normalized_shape {shape}")
    _check_params("rms_norm()", shape, weight=weight)
    check_floating("rms_norm()", input)
    if eps is None:
        eps = float(xp.finfo(input.dtype).eps)
    axes = tuple(range(input.ndim - k, input.ndim))
    out = mul(input, rsqrt(mean(mul(input, input), dim=axes, keepdim=True) + eps))
    return out if weight is None else mul(out, weight)

