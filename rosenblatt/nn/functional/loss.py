"""Loss functions with PyTorch's options and reductions.

``cross_entropy`` is one fused, stable Function (log-softmax and NLL together,
gradient ``softmax - target``); the regression and likelihood losses are built from
base ops (autograd gives their backward).  The margin and embedding losses are in
``margin_loss.py``.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from ..._backend import xp
from ...autograd import is_grad_enabled, no_grad
from ...autograd.function import Function
from ...ops import abs as abs_, exp, log, mul, sub, where
from ...ops.pointwise import sigmoid_given_exp
from ...tensor import Tensor

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average: Any, reduce: Any, stacklevel: int = 3) -> str:
    """PyTorch's mapping of the deprecated ``size_average``/``reduce`` flags (None counts as True),
    with its warning naming the equivalent ``reduction``."""
    if reduce is not None and not reduce:
        reduction = "none"
    else:
        reduction = "sum" if size_average is not None and not size_average else "mean"
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{reduction}' instead.", UserWarning, stacklevel=stacklevel)
    return reduction


def _reduction(size_average: Any, reduce: Any, reduction: str, op: str) -> str:
    """``reduction``, checked up front, or what the deprecated flags map to when either is given."""
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce, stacklevel=4)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}(): reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    return reduction


def _reduce(loss: Tensor, reduction: str, op: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{op}(): reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def _reduce_weighted(loss: Tensor, input: Tensor, weight: Tensor | None, reduction: str, op: str,
                     mean_over_weights: bool = True) -> Tensor:
    """``_reduce`` of ``loss * weight``, PyTorch's per-element weight of the input's shape:
    'mean' then divides by the summed weights (mse_loss, l1_loss), or by the element count
    (``mean_over_weights=False``: huber_loss)."""
    if weight is None:
        return _reduce(loss, reduction, op)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError(f"{op}(): weight shape {tuple(weight.shape)} must equal input shape "
                         f"{tuple(input.shape)} (one weight per element)")
    loss = mul(loss, weight)
    if reduction == "mean" and mean_over_weights:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction, op)


def _refuse_grad(t: Any, arg: str, op: str) -> None:
    """Raise, as PyTorch does, for an argument its kernel has no derivative for (class weights,
    some targets) that requires grad: it would otherwise get no gradient, silently."""
    if isinstance(t, Tensor) and t.requires_grad and is_grad_enabled():
        raise RuntimeError(f"{op}(): not differentiable with respect to argument '{arg}', which "
                           f"requires grad (PyTorch refuses it too); pass {arg}.detach()")


def _data(t: Any) -> Any:
    return t.data if isinstance(t, Tensor) else xp.asarray(t)


def _same_shape(input: Any, target: Any, op: str) -> None:
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"{op}(): target shape {tuple(target.shape)} must equal input shape "
                         f"{tuple(input.shape)}; reshape one of them (e.g. target.view(-1, 1)) "
                         f"instead of relying on broadcasting")


def _warn_if_shapes_differ(input: Any, target: Any, op: str) -> None:
    """Warn, as PyTorch does before broadcasting, of a regression target whose shape differs
    from the input's: an (N, 1) prediction against an (N,) target gives an (N, N) loss."""
    x, t = tuple(input.shape), tuple(target.shape)
    if x != t:
        try:
            shape = xp.broadcast_shapes(x, t)
        except ValueError:
            raise ValueError(f"{op}(): target shape {t} and input shape {x} cannot be broadcast "
                             f"together; give the target the input's shape") from None
        warnings.warn(f"{op}(): using a target shape {t} that differs from the input shape {x}; "
                      f"they are broadcast to {shape}, which will likely give wrong results. "
                      f"Reshape one of them (e.g. target.view(-1, 1)) to the same shape",
                      stacklevel=3)


# ------------------------------------------------------------------ classification
def _class_last(x: Any) -> Any:
    """``(N, C, d1, ...)`` -> ``(N * d1 * ..., C)``; ``(C,)`` -> ``(1, C)``."""
    if x.ndim == 1:
        return x[None, :]
    if x.ndim > 2:
        x = xp.moveaxis(x, 1, -1)
    return x.reshape(-1, x.shape[-1])


def _class_back(g2: Any, shape: tuple) -> Any:
    """Inverse of ``_class_last`` for a gradient of the original ``shape``."""
    if len(shape) == 1:
        return g2[0]
    if len(shape) > 2:
        moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
        return xp.moveaxis(g2.reshape(moved), -1, 1)
    return g2


class _ClassLoss(Function):
    """``loss_i = -sum_c A_ic logp_ic`` with ``logp`` = log_softmax (cross entropy) or the input (NLL).

    ``A`` is given sparsely (``coef_i`` at class ``t_i``; ``coef=None`` means 1
    for every row, the plain case) plus a dense smoothing term ``smooth_i * w_c``,
    or densely (probability targets).  With log_softmax,
    ``d loss_i / d z = p_i * sum_c A_ic - A_i``.
    """

    def forward(self, x, probs=None, *, target=None, coef=None, dense=None, smooth=None, w=None,
                ignored=None, probs_scale=None, denom=1.0, reduction="mean", softmax=True,
                out_shape=()):
        self.in_shape, self.softmax = x.shape, softmax
        z = _class_last(x)
        if softmax:
            shifted = z - z.max(axis=1, keepdims=True, initial=-xp.inf)  # initial: see attention.py
            e = xp.exp(shifted)
            total = e.sum(axis=1, keepdims=True)
            logp = shifted - xp.log(total)
            e /= total  # softmax, reusing the exponentials (one exp pass, not two)
            self.p = e
        else:
            logp = z
        rows = xp.arange(z.shape[0])
        if dense is not None:
            loss = -(dense * logp).sum(axis=1)
        else:
            loss = -logp[rows, target] if coef is None else -coef * logp[rows, target]
            if smooth is not None:
                wlogp = logp if w is None else logp * w
                loss = loss - smooth * wlogp.sum(axis=1)
        self.target, self.coef, self.dense, self.smooth, self.w = target, coef, dense, smooth, w
        self.denom, self.reduction, self.rows, self.ignored = denom, reduction, rows, ignored
        # d loss / d probs = -probs_scale * logp: kept only when the probabilities need a gradient
        self.probs_scale = probs_scale
        self.logp = logp if probs_scale is not None else None
        if reduction == "none":
            return loss.reshape(out_shape).astype(x.dtype, copy=False)
        total = loss.sum()
        if reduction == "mean":
            # no weight to divide by: nan, as PyTorch's weighted NLL part is then 0 / 0
            # (label smoothing's part alone would give inf)
            total = total / denom if denom else xp.nan
        return xp.asarray(total, dtype=x.dtype)

    def backward(self, grad):
        # the gradient of each row's loss: a column, or one number shared by all rows
        if self.reduction == "none":
            g = grad.reshape(-1, 1)
        else:
            g = grad / self.denom if self.reduction == "mean" else grad
        if self.dense is not None:
            a = self.dense * g
            gz = (self.p * a.sum(axis=1, keepdims=True) - a) if self.softmax else -a
        else:
            c = g if self.coef is None else self.coef[:, None] * g
            if self.softmax:
                if self.smooth is not None:
                    s = self.smooth[:, None] * g
                    wsum = self.w.sum() if self.w is not None else self.p.shape[1]
                    gz = self.p * (c + s * wsum) - s * (1.0 if self.w is None else self.w)
                else:
                    gz = self.p * c
            else:
                n_classes = self.in_shape[1 if len(self.in_shape) > 1 else 0]
                gz = xp.zeros((self.rows.shape[0], n_classes), dtype=grad.dtype)
            gz[self.rows, self.target] -= c.reshape(-1) if c.ndim else c
        if self.ignored is not None:
            # exactly 0, as in PyTorch, even when the mean divides by 0 (every target ignored)
            gz[self.ignored] = 0
        gx = _class_back(gz.astype(grad.dtype, copy=False), self.in_shape)
        if len(self.parents) == 1:  # class-index targets
            return gx
        gprobs = None
        if self.parents[1] is not None:
            gprobs = _class_back(-self.probs_scale * self.logp * g, self.in_shape)
        return gx, gprobs


def _check_class_input(input: Any, target: Any, op: str) -> tuple[int, tuple]:
    """Validate shapes; return the number of classes and the per-element output shape."""
    x, t = input.shape, target.shape
    if len(x) == 0:
        raise ValueError(f"{op}(): input must have a class dim, got a 0-d tensor")
    n_classes = x[0] if len(x) == 1 else x[1]
    if target.dtype.kind == "f":
        if tuple(t) != tuple(x):
            raise ValueError(f"{op}(): probability targets must have the input's shape "
                             f"{tuple(x)}, got {tuple(t)}")
        return n_classes, tuple(x[:1]) + tuple(x[2:]) if len(x) > 1 else ()
    want = tuple(x[:1]) + tuple(x[2:]) if len(x) > 1 else ()
    if tuple(t) != want:
        raise ValueError(f"{op}(): expected class-index target of shape {want} for input of shape "
                         f"{tuple(x)} (classes in dim {0 if len(x) == 1 else 1}), got {tuple(t)}")
    return n_classes, want


def _index_terms(t: Any, n_classes: int, weight: Any, ignore_index: int, op: str,
                 dtype: Any) -> tuple[Any, Any, Any]:
    """Flat targets (ignored ones set to 0), per-row weight of the target class, validity mask."""
    t = t.reshape(-1).astype(xp.int64, copy=False)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise ValueError(f"{op}(): target {int(t[bad][0])} is out of bounds for {n_classes} "
                         f"classes (valid: 0 to {n_classes - 1}, or ignore_index={ignore_index})")
    safe = xp.where(valid, t, 0)
    wt = valid.astype(dtype) if weight is None else weight[safe] * valid
    return safe, wt, valid


def _weight_array(weight: Any, n_classes: int, dtype: Any, op: str) -> Any:
    if weight is None:
        return None
    _refuse_grad(weight, "weight", op)
    w = _data(weight).astype(dtype, copy=False)
    if w.shape != (n_classes,):
        raise ValueError(f"{op}(): weight must have shape ({n_classes},) (one per class), "
                         f"got {tuple(w.shape)}")
    return w


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy between ``softmax(input)`` over dim 1 and the target (one fused, stable op).

    ``loss_n = -sum_c w_c y_nc log softmax(x_n)_c``, with ``y`` one-hot of the
    class index (or the given probabilities), smoothed to
    ``(1 - label_smoothing) * y + label_smoothing / C``.

    Args:
        input: logits ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``.
        target: class indices ``(N)`` / ``()`` / ``(N, d1, ...)`` (int), or class
            probabilities of the input's shape (float).
        weight: ``(C,)`` rescaling per class.
        ignore_index: index targets equal to it add nothing (and don't count in the mean).
        reduction: 'none' | 'mean' | 'sum'.  'mean' divides by the summed target weights.
            ``size_average``/``reduce`` are the deprecated flags (they override it, with a warning).
        label_smoothing: in ``[0, 1]``.

    Example:
        >>> import rosenblatt as rb
        >>> logits = rb.tensor([[2.0, 0.0, 0.0]])
        >>> round(rb.nn.functional.cross_entropy(logits, rb.tensor([0])).item(), 4)
        0.2395
    """
    reduction = _reduction(size_average, reduce, reduction, "cross_entropy")
    return _class_loss(input, target, weight, ignore_index, reduction, label_smoothing,
                       softmax=True, op="cross_entropy")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices given log-probabilities ``input`` (dim 1).

    ``loss_n = -w_{t_n} input[n, t_n]``; 'mean' divides by the summed weights.
    ``size_average``/``reduce`` are the deprecated flags.

    Args:
        input: log-probabilities ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``, e.g. from
            ``log_softmax(x, dim=1)``.
        target: int64 class indices ``(N)``, ``(N, d1, ...)`` or ``()``, in ``[0, C)``.
        weight: ``(C,)`` rescaling per class (default None: all 1).
        ignore_index: targets equal to it add nothing and don't count in the mean (default -100).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').

    Shape: a scalar out, or the target's shape with ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> logp = rb.tensor([[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0]])
        >>> F.nll_loss(logp, rb.tensor([0, 2]))  # (1 + 6) / 2
        tensor(3.5)
        >>> F.nll_loss(logp, rb.tensor([0, 2]), reduction="none")
        tensor([1., 6.])
    """
    reduction = _reduction(size_average, reduce, reduction, "nll_loss")
    target_data = _data(target)
    if target_data.dtype.kind not in "iu":
        raise TypeError(f"nll_loss(): target must hold integer class indices, got {target_data.dtype}")
    return _class_loss(input, target, weight, ignore_index, reduction, 0.0, softmax=False,
                       op="nll_loss")


def _class_loss(input: Tensor, target: Any, weight: Any, ignore_index: int, reduction: str,
                label_smoothing: float, softmax: bool, op: str) -> Tensor:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}(): reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}(): label_smoothing must be in [0, 1], got {label_smoothing}")
    x, t = input.data, _data(target)
    dtype = x.dtype
    n_classes, out_shape = _check_class_input(x, t, op)
    w = _weight_array(weight, n_classes, dtype, op)
    eps = label_smoothing
    if t.dtype.kind == "f":
        # a copy: backward reads it, and the target may change in place before then
        y = _class_last(t).astype(dtype)
        if eps:
            y = y * (1.0 - eps) + eps / n_classes
        dense = y if w is None else y * w
        probs = target if isinstance(target, Tensor) else Tensor._wrap(t)
        # the gradient w.r.t. the given probabilities is -(1 - label_smoothing) w_c logp
        probs_scale = (1.0 - eps) * (1.0 if w is None else w) if probs.requires_grad else None
        return _ClassLoss.apply(input, probs, dense=dense, probs_scale=probs_scale,
                                denom=float(y.shape[0]), reduction=reduction, softmax=softmax,
                                out_shape=out_shape)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{op}(): target must hold integer class indices or float class "
                        f"probabilities, got {t.dtype}; convert it with .long()")
    if t.dtype != xp.int64 and t.dtype != xp.uint8:  # PyTorch's kernels take Long or Byte only
        raise RuntimeError(f"{op}(): expected class indices of dtype int64 (or uint8), got "
                           f"{t.dtype}; convert them with .long()")
    if w is None and not eps and reduction != "none" and t.size:
        flat = t.reshape(-1).copy()  # backward reads it; the target may change in place
        if (not 0 <= ignore_index < n_classes and flat.min() >= 0
                and flat.max() < n_classes):  # nothing ignored or out of range: every row counts once
            return _ClassLoss.apply(input, target=flat, denom=float(flat.size), reduction=reduction,
                                    softmax=softmax, out_shape=out_shape)
    safe, wt, valid = _index_terms(t, n_classes, w, ignore_index, op, dtype)
    coef = (wt * (1.0 - eps)).astype(dtype, copy=False)
    smooth = (valid * (eps / n_classes)).astype(dtype) if eps else None
    denom = float(wt.sum())
    ignored = None if valid.all() else ~valid
    return _ClassLoss.apply(input, target=safe, coef=coef, smooth=smooth, w=w, ignored=ignored,
                            denom=denom, reduction=reduction, softmax=softmax, out_shape=out_shape)


class _BCE(Function):
    saves_inputs = (0, 1)  # backward reads both: changing either in place is refused

    def forward(self, x, y, w=None):
        self.x, self.y, self.w = x, y, w
        with xp.errstate(divide="ignore"):  # log(0) = -inf, clamped to -100 just below
            log_x = xp.maximum(xp.log(x), -100.0)
            log_1mx = xp.maximum(xp.log1p(-x), -100.0)
        loss = -(y * log_x + (1.0 - y) * log_1mx)
        return loss if w is None else loss * w

    def backward(self, grad):
        x, y = self.x, self.y
        g = grad if self.w is None else grad * self.w
        # PyTorch clamps the denominator the same way, so the gradient at x = 0 or 1 is finite.
        gx = g * (x - y) / xp.maximum((1.0 - x) * x, 1e-12)
        gy = None
        if self.parents[1] is not None:
            # -logit(x) with unclamped logs, as PyTorch's: +-inf at x = 0 or 1
            with xp.errstate(divide="ignore"):
                gy = g * (xp.log1p(-x) - xp.log(x))
        return gx, gy


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """``-w (y log x + (1 - y) log(1 - x))`` for probabilities ``x``; each log is clamped to >= -100.

    ``size_average``/``reduce`` are the deprecated flags.

    Args:
        input: probabilities in [0, 1] (for logits use ``binary_cross_entropy_with_logits``).
        target: the input's shape and dtype, usually 0 or 1.
        weight: rescaling of each element, broadcast to the input's shape (default None).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').

    Shape: input and target ``(*)``, the same shape; a scalar out, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.binary_cross_entropy(rb.tensor([0.5, 0.5]), rb.tensor([1.0, 0.0]))  # log 2
        tensor(0.6931)
        >>> F.binary_cross_entropy(rb.tensor([1.0, 0.0]), rb.tensor([0.0, 1.0]), reduction="none")
        tensor([100., 100.])
    """
    reduction = _reduction(size_average, reduce, reduction, "binary_cross_entropy")
    _same_shape(input, target, "binary_cross_entropy")
    x = input.data
    if _data(target).dtype != x.dtype:  # PyTorch refuses; NumPy would give float64 for int labels
        raise RuntimeError(f"binary_cross_entropy(): target dtype {_data(target).dtype} must match "
                           f"input dtype {x.dtype}; convert it, e.g. target.to(input.dtype)")
    if x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(f"binary_cross_entropy(): all elements of input should be between 0 and 1, "
                         f"got values in [{float(x.min())}, {float(x.max())}]; use "
                         f"binary_cross_entropy_with_logits for logits")
    _refuse_grad(weight, "weight", "binary_cross_entropy")
    w = None if weight is None else xp.broadcast_to(_data(weight), x.shape).astype(x.dtype)
    return _reduce(_BCE.apply(input, target, w=w), reduction, "binary_cross_entropy")


class _BCEWithLogits(Function):
    saves_inputs = (0, 1)  # backward reads both: changing either in place is refused

    def forward(self, x, y, w=None, pos_weight=None):
        # softplus(-x) = max(-x, 0) + log1p(exp(-|x|)), finite for any x.
        e = xp.exp(-xp.abs(x))
        sp = xp.maximum(-x, 0) + xp.log1p(e)
        self.sig_neg = sigmoid_given_exp(-x, e)
        self.x, self.y, self.w, self.pw, self.sp = x, y, w, pos_weight, sp
        lw = 1.0 if pos_weight is None else (pos_weight - 1.0) * y + 1.0
        self.lw = lw
        loss = (1.0 - y) * x + lw * sp
        return loss if w is None else loss * w

    def backward(self, grad):
        g = grad if self.w is None else grad * self.w
        gx = g * ((1.0 - self.y) - self.lw * self.sig_neg)
        gy = None
        if self.parents[1] is not None:
            gy = g * (-self.x + (0.0 if self.pw is None else (self.pw - 1.0) * self.sp))
        return gx, gy


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid and binary cross entropy in one stable op (no log of 0 for logits of +-1e4).

    ``loss = -w [p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]`` with ``p = pos_weight``
    broadcast over the last (class) dim.  ``weight`` and ``pos_weight`` get no gradient.
    ``size_average``/``reduce`` are the deprecated flags.

    Args:
        input: logits, any real values.
        target: floating-point probabilities of the input's shape.
        weight: rescaling of each element, broadcast to the input's shape (default None).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        pos_weight: weight of the positive term, broadcast over the last dim (default None: 1).

    Shape: input and target ``(*)``, the same shape; a scalar out, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.binary_cross_entropy_with_logits(rb.tensor([0.0, 0.0]), rb.tensor([1.0, 0.0]))  # log 2
        tensor(0.6931)
        >>> F.binary_cross_entropy_with_logits(rb.tensor([1e4, -1e4]), rb.tensor([1.0, 0.0]))
        tensor(0.)
    """
    reduction = _reduction(size_average, reduce, reduction, "binary_cross_entropy_with_logits")
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    dtype = input.dtype
    if _data(target).dtype.kind != "f":  # PyTorch refuses; NumPy would give float64
        raise RuntimeError(f"binary_cross_entropy_with_logits(): target must hold floating-point "
                           f"probabilities, got {_data(target).dtype}; convert it, e.g. "
                           f"target.to(input.dtype)")
    _refuse_grad(weight, "weight", "binary_cross_entropy_with_logits")
    _refuse_grad(pos_weight, "pos_weight", "binary_cross_entropy_with_logits")
    w = None if weight is None else _data(weight).astype(dtype, copy=False)
    pw = None if pos_weight is None else _data(pos_weight).astype(dtype, copy=False)
    loss = _BCEWithLogits.apply(input, target, w=w, pos_weight=pw)
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


# ---------------------------------------------------------------------- regression
def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error ``(x - y)^2``; with ``weight`` (the input's shape), ``w (x - y)^2``
    and 'mean' divides by ``sum(w)``.  ``size_average``/``reduce`` are the deprecated flags.

    Args:
        input, target: tensors of the same shape (another shape broadcasts, with a warning).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        weight: per-element weights of the input's shape (default None).

    Shape: input and target ``(*)``, the same shape; a scalar out, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x, y = rb.tensor([1.0, 2.0, 3.0, 4.0]), rb.tensor([0.0, 2.0, 5.0, 4.0])
        >>> F.mse_loss(x, y)  # (1 + 0 + 4 + 0) / 4
        tensor(1.25)
        >>> F.mse_loss(x, y, reduction="sum")
        tensor(5.)
    """
    reduction = _reduction(size_average, reduce, reduction, "mse_loss")
    _warn_if_shapes_differ(input, target, "mse_loss")
    d = sub(input, target)
    return _reduce_weighted(mul(d, d), input, weight, reduction, "mse_loss")


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error ``|x - y|``; with ``weight`` (the input's shape), ``w |x - y|``
    and 'mean' divides by ``sum(w)``.  ``size_average``/``reduce`` are the deprecated flags.

    Args:
        input, target: tensors of the same shape (another shape broadcasts, with a warning).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        weight: per-element weights of the input's shape (default None).

    Shape: input and target ``(*)``, the same shape; a scalar out, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x, y = rb.tensor([1.0, 2.0, 3.0, 4.0]), rb.tensor([0.0, 2.0, 5.0, 4.0])
        >>> F.l1_loss(x, y)  # (1 + 0 + 2 + 0) / 4
        tensor(0.75)
    """
    reduction = _reduction(size_average, reduce, reduction, "l1_loss")
    _warn_if_shapes_differ(input, target, "l1_loss")
    return _reduce_weighted(abs_(sub(input, target)), input, weight, reduction, "l1_loss")


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = x - y``).
    ``size_average``/``reduce`` are the deprecated flags.

    Args:
        input, target: tensors of the same shape (another shape broadcasts, with a warning).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        beta: where the loss turns from quadratic to linear, >= 0 (default 1.0; 0 is L1).

    Shape: input and target ``(*)``, the same shape; a scalar out, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.smooth_l1_loss(rb.tensor([0.0, 0.0]), rb.tensor([0.5, 3.0]), reduction="none")
        tensor([0.125, 2.5  ])
    """
    reduction = _reduction(size_average, reduce, reduction, "smooth_l1_loss")
    _warn_if_shapes_differ(input, target, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss(): beta must be non-negative, got {beta}")
    a = abs_(sub(input, target))
    if beta == 0:
        return _reduce(a, reduction, "smooth_l1_loss")
    return _reduce(where(a < beta, a * a * (0.5 / beta), a - 0.5 * beta), reduction, "smooth_l1_loss")


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``; times ``weight``
    (the input's shape) if given, 'mean' still dividing by the element count (as PyTorch).

    ``d = x - y``; ``huber_loss(x, y, delta=b) == b * smooth_l1_loss(x, y, beta=b)``.

    Args:
        input, target: tensors of the same shape (another shape broadcasts, with a warning).
        reduction: 'none' | 'mean' | 'sum' (default 'mean').
        delta: where the loss turns from quadratic to linear, > 0 (default 1.0).
        weight: per-element weights of the input's shape (default None).

    Shape: input and target ``(*)``, the same shape; a scalar out, or ``(*)`` with
    ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.huber_loss(rb.tensor([0.0, 0.0]), rb.tensor([1.0, 3.0]), reduction="none", delta=2.0)
        tensor([0.5, 4. ])
    """
    _warn_if_shapes_differ(input, target, "huber_loss")
    if delta <= 0:
        raise ValueError(f"huber_loss(): delta must be positive, got {delta}")
    a = abs_(sub(input, target))
    loss = where(a < delta, a * a * 0.5, (a - 0.5 * delta) * delta)
    if loss.dtype != input.dtype:  # PyTorch's kernel writes the input's dtype, whatever the target's
        loss = loss.to(input.dtype)
    return _reduce_weighted(loss, input, weight, reduction, "huber_loss", mean_over_weights=False)


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL divergence with ``input`` as log-probabilities: ``y (log y - x)`` (0 where y = 0).

    ``reduction='batchmean'`` divides the sum by the batch size (the true KL);
    'mean' divides by the number of elements, as PyTorch does.  A target of another shape is
    broadcast without a warning, as PyTorch does.  ``size_average``/``reduce`` are the
    deprecated flags (they override ``reduction``; a 'batchmean' given with them still divides
    their result by the batch size, as in PyTorch).  'mean' warns that it is not the true KL,
    as PyTorch does.

    Args:
        input: log-probabilities.
        target: probabilities (log-probabilities with ``log_target``), broadcast to the input.
        reduction: 'none' | 'batchmean' | 'mean' | 'sum' (default 'mean').
        log_target: the target holds log-probabilities (default False).

    Shape: input ``(*)``; a scalar out, or ``(*)`` with ``reduction='none'``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> p = rb.tensor([[0.5, 0.5]])
        >>> F.kl_div(p.log(), p, reduction="batchmean")
        tensor(0.)
        >>> F.kl_div(rb.tensor([[0.25, 0.75]]).log(), p, reduction="batchmean")  # 0.5 log 2 + 0.5 log(2/3)
        tensor(0.1438)
    """
    if size_average is not None or reduce is not None:
        applied = _legacy_reduction(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("kl_div(): reduction='mean' divides the total loss by both the batch "
                          "size and the support size; 'batchmean' divides only by the batch size "
                          "and aligns with the KL div math definition", UserWarning, stacklevel=2)
        applied = "sum" if reduction == "batchmean" else reduction
    if _data(input).dtype.kind in "biu" or _data(target).dtype.kind in "biu":
        raise RuntimeError(f"kl_div(): integer inputs are not supported (PyTorch's rule), got "
                           f"{_data(input).dtype} and {_data(target).dtype}; convert them with .float()")
    if log_target:
        loss = mul(exp(target), sub(target, input))
    else:
        y = target if isinstance(target, Tensor) else Tensor._wrap(xp.asarray(target))
        # y log y is 0 at y = 0 only: a negative target gives nan, as in PyTorch (xlogy)
        nonzero = Tensor._wrap(y.data != 0)
        safe = where(nonzero, y, 1.0)
        loss = where(nonzero, mul(y, log(safe)), 0.0) - mul(y, input)
    reduced = _reduce(loss, applied, "kl_div")
    if reduction == "batchmean" and input.ndim:
        reduced = reduced / input.shape[0]
    return reduced


# ------------------------------------------------------------ likelihood losses
def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of counts ``y`` under a Poisson of rate ``lambda``, dropping ``log(y!)``.

    ``exp(x) - y x`` for ``log_input`` (``x = log lambda``, the stable default), else
    ``x - y log(x + eps)``.  ``full`` adds Stirling's approximation of ``log(y!)``,
    ``y log y - y + 0.5 log(2 pi y)``, where ``y > 1`` (0 elsewhere, as PyTorch).

    Args:
        input: log-rates (``log_input``) or rates, any shape.
        target: counts, broadcast with the input.
        log_input: whether the input is ``log lambda`` (default True).
        full: add the Stirling term (default False).
        eps: keeps ``log(x + eps)`` finite at a zero rate (default 1e-8).
        reduction: 'none' | 'mean' | 'sum'.  ``size_average``/``reduce`` are the deprecated flags.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> F.poisson_nll_loss(rb.tensor([0.0, 1.0]), rb.tensor([1.0, 3.0]), reduction="none")
        tensor([ 1.    , -0.2817])
    """
    reduction = _reduction(size_average, reduce, reduction, "poisson_nll_loss")
    if log_input:
        loss = exp(input) - target * input
    else:
        loss = input - target * log(input + eps)
    if full:
        counted = _data(target) > 1
        y = where(counted, target, 1.0)  # no log of 0 or less, whose nan would reach the gradient
        stirling = y * log(y) - y + 0.5 * log(2 * math.pi * y)
        loss = loss + where(counted, stirling, 0.0)
    return _reduce(loss, reduction, "poisson_nll_loss")


def _homoscedastic_var(var: Tensor, input: Tensor) -> Tensor:
    """``var`` shaped to broadcast with the input, by PyTorch's rules: the input's shape, or the
    input's shape without its last dim (one variance per vector), or the input's number of dims
    with the sizes that differ summing to 1 (``(N, 1)`` for ``(N, D)``)."""
    x, v = tuple(input.shape), tuple(var.shape)
    if v == x:
        return var
    if v == x[:-1]:
        return var.unsqueeze(-1)
    if len(v) == len(x) and sum(vs for xs, vs in zip(x, v) if xs != vs) == 1:
        return var
    raise ValueError(f"gaussian_nll_loss(): var is of incorrect size {v} for input shape {x}: give "
                     f"it the input's shape, the input's shape without the last dim, or size 1 "
                     f"in the one dim it shares across")


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under a Gaussian of mean ``input`` and variance ``var``.

    ``0.5 (log(max(var, eps)) + (x - y)^2 / max(var, eps))``, plus ``0.5 log(2 pi)`` with ``full``.
    The ``eps`` clamp is in value only: the gradient reaches ``var`` as if unclamped (PyTorch
    clamps under no_grad).

    Args:
        input: predicted means ``(N, *)`` or ``(*)``.
        target: observations, broadcast with the input.
        var: non-negative variances: a number, the input's shape, the input's shape without the
            last dim, or the input's dims with size 1 in one of them (homoscedastic).
        full: add the constant (default False).
        eps: the smallest variance used (default 1e-6).
        reduction: 'none' | 'mean' | 'sum'.

    Example:
        >>> import rosenblatt as rb
        >>> F = rb.nn.functional
        >>> F.gaussian_nll_loss(rb.tensor([0.0, 1.0]), rb.tensor([1.0, 1.0]), 1.0, reduction="none")
        tensor([0.5, 0. ])
    """
    reduction = _reduction(None, None, reduction, "gaussian_nll_loss")
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError(f"gaussian_nll_loss(): var has negative entry/entries, got {var}")
        var = Tensor._wrap(xp.full(input.shape, var, dtype=input.dtype))
    else:
        if (_data(var) < 0).any():
            raise ValueError(f"gaussian_nll_loss(): var has negative entry/entries (minimum "
                             f"{float(_data(var).min())}); variances must be >= 0")
        var = _homoscedastic_var(var, input)
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    d = input - target
    loss = 0.5 * (log(var) + d * d / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, "gaussian_nll_loss")
