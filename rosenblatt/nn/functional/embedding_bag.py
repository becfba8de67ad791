"""embedding_bag: sums, means or maxima of bags of embedding rows, without the (bags, len, dim) tensor.

Bags are consecutive runs of the flat index list (given by ``offsets``, or the rows
of a 2-d input), so each reduction is one ``ufunc.reduceat`` over the looked-up rows
and the weight gradient is one ``add_rows`` scatter.
"""
from __future__ import annotations

from typing import Any

from ..._backend import xp
from ...autograd.function import Function, add_rows
from ...tensor import Tensor
from ._checks import check_floating

MODES = ("sum", "mean", "max")


class EmbeddingBag(Function):
    """Reduce the rows ``weight[indices]`` of each bag; ``bags[m]`` is the bag of element ``m``.

    ``keep`` selects the elements that take part (not padding, not past the last bag);
    ``per_sample_weights`` (mode 'sum') scales each row and gets a gradient too.
    """

    def forward(self, weight, per_sample_weights=None, indices=None, bags=None, keep=None,
                num_bags=0, mode="mean"):
        num_elements = indices.size
        if keep is not None:
            indices, bags = indices[keep], bags[keep]
        rows = weight[indices]  # (M, D), a copy: scaling it in place is safe
        scale = None
        if per_sample_weights is not None:
            scale = per_sample_weights if keep is None else per_sample_weights[keep]
            rows *= scale[:, None]
        counts = xp.bincount(bags, minlength=num_bags)
        starts = xp.cumsum(counts) - counts
        filled = counts > 0  # empty bags (and bags of padding only) give zeros, as in PyTorch
        out = xp.zeros((num_bags, weight.shape[1]), dtype=weight.dtype)
        if indices.size:
            reduce = xp.maximum if mode == "max" else xp.add
            out[filled] = reduce.reduceat(rows, starts[filled], axis=0)
        if mode == "mean":
            out /= xp.maximum(counts, 1).astype(weight.dtype)[:, None]
            scale = (1 / counts[bags]).astype(weight.dtype)
        if mode == "max" and indices.size:
            # The first row reaching the maximum takes the gradient, as PyTorch's kernel (strict >).
            position = xp.where(rows == out[bags], xp.arange(indices.size)[:, None], indices.size)
            self.argmax = indices[xp.minimum.reduceat(position, starts[filled], axis=0)]  # (F, D)
            self.filled = filled
        self.indices, self.bags, self.keep, self.scale, self.mode = indices, bags, keep, scale, mode
        self.num_rows, self.num_elements = weight.shape[0], num_elements
        if per_sample_weights is not None:
            self.weight = weight
        return out

    def backward(self, grad):
        num_rows, dim = self.num_rows, grad.shape[1]
        if self.mode == "max":
            gw = xp.zeros(num_rows * dim, dtype=grad.dtype)
            if self.indices.size:  # one scatter on the flat weight: element (row, d) gets grad[bag, d]
                add_rows(gw, (self.argmax * dim + xp.arange(dim)).reshape(-1),
                         grad[self.filled].reshape(-1))
            return gw.reshape(num_rows, dim)
        grad_rows = grad[self.bags]  # (M, D)
        scaled = grad_rows if self.scale is None else grad_rows * self.scale[:, None]
        gw = add_rows(xp.zeros((num_rows, dim), dtype=grad.dtype), self.indices, scaled)
        if len(self.parents) == 1:
            return gw
        gp = None
        if self.parents[1] is not None:  # d out[b] / d psw[m] = weight[indices[m]]
            kept = (grad_rows * self.weight[self.indices]).sum(axis=1)
            gp = kept if self.keep is None else xp.zeros(self.num_elements, dtype=grad.dtype)
            if self.keep is not None:
                gp[self.keep] = kept
        return gw, gp


def _array(value: Any) -> Any:
    return value.data if isinstance(value, Tensor) else xp.asarray(value)


def _bags(op: str, idx: Any, offsets: Any, include_last_offset: bool) -> tuple[Any, Any, int]:
    """The flat indices, the bag of each, and the number of bags, from a 2-d input or 1-d + offsets."""
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{op}: a 2-d input is a batch of fixed-length bags (one per row), so "
                             f"offsets must be None, got {type(offsets).__name__}; flatten the "
                             f"input to pass offsets")
        num_bags, length = idx.shape
        if length == 0 and num_bags:
            raise ValueError(f"{op}: a 2-d input of shape {tuple(idx.shape)} has empty rows; give "
                             f"a 1-d input with offsets for empty bags")
        return idx.reshape(-1), xp.repeat(xp.arange(num_bags), length), num_bags
    if idx.ndim != 1:
        raise ValueError(f"{op}: input must be 1-d (with offsets) or 2-d (one bag per row), got "
                         f"shape {tuple(idx.shape)}")
    if offsets is None:
        raise ValueError(f"{op}: a 1-d input needs offsets, the 1-d start of each bag; got None "
                         f"(or give a 2-d input, one bag per row)")
    offsets = _array(offsets)
    if offsets.ndim != 1 or offsets.dtype.kind not in "iu":
        raise ValueError(f"{op}: offsets must be a 1-d integer tensor, got shape "
                         f"{tuple(offsets.shape)} and dtype {offsets.dtype}")
    if offsets.size and offsets[0] != 0:
        raise ValueError(f"{op}: offsets[0] must be 0 (the first bag starts at the first index), "
                         f"got {int(offsets[0])}")
    if offsets.size and offsets[-1] > idx.size:
        raise ValueError(f"{op}: offsets[-1] must not exceed the input's length {idx.size}, got "
                         f"{int(offsets[-1])}")
    if (xp.diff(offsets) < 0).any():
        raise ValueError(f"{op}: offsets must be non-decreasing (bags are consecutive runs), got "
                         f"{offsets.tolist()}")
    # with include_last_offset the last offset ends the last bag; else the input's end does
    ends = offsets[1:] if include_last_offset else xp.append(offsets[1:], idx.size)
    starts = offsets[:len(ends)]
    return idx, xp.repeat(xp.arange(len(ends)), ends - starts), len(ends)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2.0,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sum, mean or max of the embedding rows of each bag, as ``torch.nn.functional.embedding_bag``.

    ``out[b] = reduce_{m in bag b, input[m] != padding_idx} w_m weight[input[m]]`` with
    ``reduce`` the sum, the mean or the element-wise max, and ``w_m`` the
    ``per_sample_weights`` (mode 'sum' only; else 1).  An empty bag, or one of padding
    only, gives zeros.  Equal to ``embedding`` then a reduction over each bag, without
    building the looked-up rows as a padded tensor.

    Args:
        input: integer indices into ``weight``'s rows: a 2-d ``(B, N)`` batch of bags of
            ``N``, or the 1-d concatenation of all bags with ``offsets``.
        weight: ``(num_embeddings, embedding_dim)``, floating point.
        offsets: 1-d start of each bag in a 1-d input (``offsets[0] == 0``, non-decreasing).
        mode: ``'sum'``, ``'mean'`` (default) or ``'max'``.
        per_sample_weights: the input's shape, weight's dtype; mode ``'sum'`` only.
        include_last_offset: ``offsets`` has one entry more than there are bags: the end
            of the last bag (CSR layout).
        padding_idx: index left out of every bag (negative counts from the end).
        max_norm, norm_type, scale_grad_by_freq, sparse: not supported; leave the defaults.

    Shape:
        ``(B, N)`` or ``(M,)`` with ``offsets`` ``(B,)`` (``(B + 1,)`` with
        ``include_last_offset``) -> ``(B, embedding_dim)``.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> weight = rb.arange(12.0).reshape(6, 2)
        >>> F.embedding_bag(rb.tensor([1, 2, 4, 5]), weight, rb.tensor([0, 2]), mode="sum").tolist()
        [[6.0, 8.0], [18.0, 20.0]]
    """
    op = "embedding_bag"
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(f"{op}: max_norm, scale_grad_by_freq and sparse are not "
                                  f"supported; leave them at their defaults")
    if mode not in MODES:
        raise ValueError(f"{op}: mode must be 'sum', 'mean' or 'max', got {mode!r}")
    idx = _array(input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{op}: input must be an integer tensor of indices, got dtype {idx.dtype}")
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"{op}: weight must be a 2-d Tensor (num_embeddings, embedding_dim), got "
                         f"{list(weight.shape) if isinstance(weight, Tensor) else type(weight).__name__}")
    check_floating(op, weight.data)
    num_rows = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= num_rows):
        bad = idx.max() if idx.max() >= num_rows else idx.min()
        raise ValueError(f"{op}: index {int(bad)} is out of range for a weight of {num_rows} rows "
                         f"(valid: 0 to {num_rows - 1})")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"{op}: per_sample_weights is only supported for mode='sum', "
                                      f"got mode={mode!r}; scale the rows of a sum instead")
        if tuple(per_sample_weights.shape) != tuple(idx.shape):
            raise ValueError(f"{op}: per_sample_weights must have the input's shape "
                             f"{tuple(idx.shape)}, got {tuple(per_sample_weights.shape)}")
        if per_sample_weights.dtype != weight.dtype:
            raise RuntimeError(f"{op}: per_sample_weights dtype {per_sample_weights.dtype} does not "
                               f"match weight dtype {weight.dtype}; convert it, e.g. "
                               f"per_sample_weights.to(weight.dtype)")
    flat, bags, num_bags = _bags(op, idx, offsets, include_last_offset)
    keep = None
    if bags.size < flat.size:  # indices past the end of the last bag (include_last_offset)
        keep = xp.arange(flat.size) < bags.size
        bags = xp.append(bags, xp.zeros(flat.size - bags.size, dtype=bags.dtype))
    if padding_idx is not None:
        if not -num_rows <= padding_idx < num_rows:
            raise ValueError(f"{op}: padding_idx must be within the {num_rows} rows of the weight "
                             f"(-{num_rows} to {num_rows - 1}), got {padding_idx}")
        not_padding = flat != padding_idx % num_rows
        keep = not_padding if keep is None else keep & not_padding
    options = dict(indices=flat, bags=bags, keep=keep, num_bags=num_bags, mode=mode)
    if per_sample_weights is None:
        return EmbeddingBag.apply(weight, **options)
    psw = per_sample_weights if isinstance(per_sample_weights, Tensor) else Tensor(_array(per_sample_weights))
    return EmbeddingBag.apply(weight, psw.reshape(-1), **options)


__all__ = ["embedding_bag"]
