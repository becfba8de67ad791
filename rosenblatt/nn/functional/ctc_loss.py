"""ctc_loss: Connectionist Temporal Classification (Graves et al., 2006), PyTorch's semantics.

The forward (alpha) and backward (beta) recursions run in log space over the extended
label sequence ``l'`` (the target with a blank before, between and after its labels),
vectorised over the batch and the ``2 S + 1`` positions: the only Python loop is over
time.  Alpha is computed in forward (it gives the loss); beta only in backward.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..._backend import xp
from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import check_floating
from .loss import _reduce, _reduction

_NEG_INF = -xp.inf


class CTCLoss(Function):
    """Per-sample negative log-likelihoods of (T, N, C) log-probabilities; see ``ctc_loss``.

    The gradient is PyTorch's: ``exp(log_probs) - occupancy``, where the occupancy of class
    ``c`` at ``(t, n)`` is the posterior probability that an alignment emits ``c`` there.
    That is the true gradient plus ``exp(log_probs)``; through the ``log_softmax`` that
    makes log-probabilities the two give the same logit gradient (each frame's occupancies
    and probabilities both sum to one), so a numerical check must go through it too.
    """

    def forward(self, log_probs, extended=None, input_lengths=None, target_lengths=None,
                zero_infinity=False):
        steps, batch, _ = log_probs.shape
        positions = extended.shape[1]
        # lp_ext[t, n, s] = log_probs[t, n, l'_s]: what position s emits at time t
        lp_ext = xp.take_along_axis(log_probs, xp.broadcast_to(extended, (steps, batch, positions)), 2)
        # s -> s + 2 may skip the blank between two labels unless they are equal
        skip = xp.zeros((batch, positions), dtype=bool)
        skip[:, 3::2] = extended[:, 3::2] != extended[:, 1:-2:2]
        # two leading columns of -inf stand for alpha at positions -2 and -1
        alpha = xp.full((steps, batch, positions + 2), _NEG_INF, dtype=log_probs.dtype)
        alpha[0, :, 2] = lp_ext[0, :, 0]
        if positions > 1:  # some target is not empty
            alpha[0, :, 3] = xp.where(target_lengths > 0, lp_ext[0, :, 1], _NEG_INF)
        for t in range(1, steps):
            prev = alpha[t - 1]
            stay_or_step = xp.logaddexp(prev[:, 2:], prev[:, 1:-1])
            skipped = xp.where(skip, prev[:, :-2], _NEG_INF)
            alpha[t, :, 2:] = xp.logaddexp(stay_or_step, skipped) + lp_ext[t]
        # log p(target) = logsumexp of alpha at the last blank and the last label at T_n - 1
        rows = xp.arange(batch)
        last = xp.maximum(input_lengths - 1, 0)
        end = 2 * target_lengths + 2  # the last blank's column in alpha
        loglik = xp.logaddexp(alpha[last, rows, end],
                              xp.where(target_lengths > 0, alpha[last, rows, end - 1], _NEG_INF))
        # no frames: the empty target has probability one, any other zero
        loglik = xp.where(input_lengths > 0, loglik, xp.where(target_lengths > 0, _NEG_INF, 0.0))
        nll = (-loglik).astype(log_probs.dtype)
        self.log_probs, self.lp_ext, self.alpha = log_probs, lp_ext, alpha[:, :, 2:]
        self.skip, self.nll = skip, nll
        self.extended, self.input_lengths, self.target_lengths = extended, input_lengths, target_lengths
        self.zero_infinity = zero_infinity
        return xp.where(xp.isinf(nll), 0.0, nll).astype(nll.dtype) if zero_infinity else nll

    def _beta(self):
        """log beta (T, N, S'): log-probability of emitting the target's rest from (t, s) on,
        including what s emits at t (PyTorch's convention)."""
        lp_ext, steps = self.lp_ext, self.lp_ext.shape[0]
        batch, positions = self.extended.shape
        skip_next = xp.zeros_like(self.skip)
        skip_next[:, :-2] = self.skip[:, 2:]  # s -> s + 2 allowed
        s = xp.arange(positions)
        lengths = self.target_lengths[:, None]
        ends = (s == 2 * lengths) | ((s == 2 * lengths - 1) & (lengths > 0))  # (N, S')
        # two trailing columns of -inf stand for beta at positions S' and S' + 1
        beta = xp.full((steps, batch, positions + 2), _NEG_INF, dtype=lp_ext.dtype)
        for t in range(steps - 1, -1, -1):
            if t < steps - 1:
                nxt = beta[t + 1]
                stay_or_step = xp.logaddexp(nxt[:, :-2], nxt[:, 1:-1])
                skipped = xp.where(skip_next, nxt[:, 2:], _NEG_INF)
                beta[t, :, :-2] = xp.logaddexp(stay_or_step, skipped) + lp_ext[t]
            starting = self.input_lengths - 1 == t  # samples whose last frame is t
            if starting.any():
                beta[t, starting, :-2] = xp.where(ends[starting], lp_ext[t, starting], _NEG_INF)
        return beta[:, :, :-2]

    def backward(self, grad):
        log_probs, nll = self.log_probs, self.nll
        steps, batch, classes = log_probs.shape
        with xp.errstate(invalid="ignore", over="ignore"):  # -inf + inf = nan for an impossible target
            # occupancy of position s at (t, n): alpha beta / (y p), in [0, 1]
            gamma = xp.exp(self.alpha + self._beta() - self.lp_ext + nll[None, :, None])
            flat = ((xp.arange(steps)[:, None, None] * batch + xp.arange(batch)[None, :, None]) * classes
                    + self.extended[None])
            occupancy = xp.bincount(flat.reshape(-1), weights=gamma.reshape(-1),
                                    minlength=steps * batch * classes).reshape(steps, batch, classes)
            out = (xp.exp(log_probs) - occupancy.astype(log_probs.dtype)) * grad[None, :, None]
        infinite = xp.isinf(nll)
        if infinite.any():  # PyTorch: zeros with zero_infinity, else nan in every class
            out[:, infinite] = 0.0 if self.zero_infinity else xp.nan
        out[xp.arange(steps)[:, None] >= self.input_lengths[None, :]] = 0.0  # frames past T_n
        return out


def _lengths(value: Any, name: str, op: str) -> Any:
    """Lengths as an int64 array: a Tensor or array of integers, a sequence of ints, or an int."""
    array = value.data if isinstance(value, Tensor) else xp.asarray(value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must be integers (a Tensor, list or tuple of ints), got "
                        f"dtype {array.dtype}; convert it, e.g. {name}.long()")
    return array.astype(xp.int64).reshape(-1) if array.ndim <= 1 else array


def _extended_targets(op: str, targets: Any, target_lengths: Any, batch: int, blank: int,
                      classes: int) -> Any:
    """The (N, 2 S + 1) extended labels: blank, l_1, blank, ..., l_S, blank (blank-padded past 2 L_n)."""
    if targets.dtype.kind == "f":
        targets = targets.astype(xp.int64)  # PyTorch takes float targets and truncates them
    longest = int(target_lengths.max()) if batch else 0
    if targets.ndim == 2:
        if targets.shape[0] != batch or targets.shape[1] < longest:
            raise ValueError(f"{op}: padded targets must be (N, S) with N = {batch} and S at least "
                             f"the longest target_length {longest}, got {tuple(targets.shape)}")
        labels = targets[:, :longest]
    elif targets.ndim == 1:
        total = int(target_lengths.sum())
        if targets.shape[0] != total:
            raise ValueError(f"{op}: 1-d targets are the {batch} targets concatenated, so their "
                             f"length must be sum(target_lengths) = {total}, got {targets.shape[0]}")
        starts = xp.cumsum(target_lengths) - target_lengths
        index = xp.minimum(starts[:, None] + xp.arange(longest), max(total - 1, 0))
        labels = targets[index] if total else xp.zeros((batch, longest), dtype=xp.int64)
    else:
        raise ValueError(f"{op}: targets must be (N, S) padded or 1-d concatenated, got shape "
                         f"{tuple(targets.shape)}")
    valid = xp.arange(longest) < target_lengths[:, None]
    labels = xp.where(valid, labels, blank)
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = int(labels.min() if labels.min() < 0 else labels.max())
        raise ValueError(f"{op}: target label {bad} is out of range for {classes} classes "
                         f"(valid: 0 to {classes - 1})")
    extended = xp.full((batch, 2 * longest + 1), blank, dtype=xp.int64)
    extended[:, 1::2] = labels
    return extended


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Tensor | Sequence[int],
             target_lengths: Tensor | Sequence[int], blank: int = 0, reduction: str = "mean",
             zero_infinity: bool = False) -> Tensor:
    """Connectionist Temporal Classification loss, as ``torch.nn.functional.ctc_loss``.

    ``loss_n = -log sum_{pi in B^-1(l_n)} prod_{t < T_n} y[t, n, pi_t]``: the probability
    of all alignments ``pi`` of length ``T_n`` (``input_lengths[n]``) that give the target
    ``l_n`` once repeats are merged and blanks removed (``B``).  It is computed by the
    alpha recursion over the extended target ``l' = (blank, l_1, blank, ..., l_S, blank)``:
    ``alpha_t(s) = (alpha_{t-1}(s) + alpha_{t-1}(s-1) + [l'_s != l'_{s-2}] alpha_{t-1}(s-2))
    y[t, l'_s]``, in log space.

    Args:
        log_probs: ``(T, N, C)`` log-probabilities (``log_softmax`` over ``C``), or
            unbatched ``(T, C)``.
        targets: ``(N, S)`` padded labels, or all targets concatenated in 1-d
            (``sum(target_lengths)`` labels); unbatched: ``(S,)``.  Labels in ``[0, C)``.
        input_lengths: ``(N,)`` frames of each sample (at most ``T``): a Tensor, a list or
            tuple of ints (an int or 0-d Tensor when unbatched).
        target_lengths: ``(N,)`` length of each target (at most ``S``), as ``input_lengths``.
        blank: the blank label (default 0).
        reduction: ``'none'``: per-sample losses; ``'mean'`` (default): each loss divided
            by its target length (at least 1), then averaged over the batch; ``'sum'``.
        zero_infinity: zero infinite losses (targets too long for their inputs) and their
            gradients, instead of ``inf`` losses and ``nan`` gradients.

    Shape:
        ``(N,)`` with ``'none'`` (``()`` unbatched); ``()`` otherwise.

    The gradient with respect to ``log_probs`` is PyTorch's (see ``CTCLoss``): exact for
    the logits of the usual ``log_softmax`` in front.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> log_probs = rb.randn(50, 16, 20).log_softmax(2)
        >>> targets = rb.randint(1, 20, (16, 30))
        >>> loss = F.ctc_loss(log_probs, targets, [50] * 16, [30] * 16)
        >>> loss.shape
        ()
    """
    op = "ctc_loss"
    reduction = _reduction(None, None, reduction, op)
    if not isinstance(log_probs, Tensor) or log_probs.ndim not in (2, 3):
        got = list(log_probs.shape) if isinstance(log_probs, Tensor) else type(log_probs).__name__
        raise ValueError(f"{op}: log_probs must be a Tensor (T, N, C) or unbatched (T, C), got {got}")
    if log_probs.data.size == 0:
        raise ValueError(f"{op}: log_probs must not be empty, got shape {list(log_probs.shape)}")
    check_floating(op, log_probs.data)
    unbatched = log_probs.ndim == 2
    steps, classes = log_probs.shape[0], log_probs.shape[-1]
    batch = 1 if unbatched else log_probs.shape[1]
    input_lengths = _lengths(input_lengths, "input_lengths", op)
    target_lengths = _lengths(target_lengths, "target_lengths", op)
    for name, lengths in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
        if lengths.shape != (batch,):
            raise ValueError(f"{op}: {name} must hold one length per sample ({batch}), got shape "
                             f"{tuple(lengths.shape)}")
        if lengths.size and lengths.min() < 0:
            raise ValueError(f"{op}: {name} must be non-negative, got {lengths.tolist()}")
    if input_lengths.size and input_lengths.max() > steps:
        raise ValueError(f"{op}: input_lengths must be at most the {steps} frames of log_probs, "
                         f"got {input_lengths.tolist()}")
    if not 0 <= blank < classes:
        raise ValueError(f"{op}: blank must be a class in [0, {classes}), got {blank}")
    target_array = targets.data if isinstance(targets, Tensor) else xp.asarray(targets)
    extended = _extended_targets(op, target_array, target_lengths, batch, blank, classes)
    batched = log_probs.unsqueeze(1) if unbatched else log_probs
    loss = CTCLoss.apply(batched, extended=extended, input_lengths=input_lengths,
                         target_lengths=target_lengths, zero_infinity=zero_infinity)  # (N,)
    if reduction == "mean":
        divisor = xp.maximum(target_lengths, 1).astype(log_probs.dtype)
        loss = loss / Tensor(divisor)
    if unbatched and reduction == "none":
        return loss.reshape(())
    return _reduce(loss, reduction, op)


__all__ = ["ctc_loss"]
