"""AdaptiveLogSoftmaxWithLoss: the adaptive softmax of Grave et al., as PyTorch's.

Built from ``Linear`` layers (``head``; ``tail``, a ``ModuleList`` of
``Sequential(Linear, Linear)``) so the state-dict names are PyTorch's, and from
``log_softmax``, ``gather``, ``index_select`` and ``index_copy``, so autograd gives
the gradients. The target only chooses rows and columns: it is index bookkeeping on
plain arrays, never differentiated.
"""
from __future__ import annotations

import itertools
import numbers
import operator
from collections import namedtuple
from typing import Any, Sequence

from ..._backend import xp
from ...autograd.function import as_array, tensor_of
from ...autograd.grad_mode import no_grad
from ...ops import argmax, cat, gather, index_copy, index_select, log_softmax
from ...random import Generator
from ...tensor import Tensor
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])

_NAME = "AdaptiveLogSoftmaxWithLoss"


def _check_cutoffs(cutoffs: Any, n_classes: int) -> list[int]:
    """PyTorch's checks of ``cutoffs``, with messages that show what was given."""
    try:
        cutoffs = list(cutoffs)
    except TypeError:
        raise TypeError(f"{_NAME}: cutoffs should be a sequence of ints, got "
                        f"{type(cutoffs).__name__} {cutoffs!r}") from None
    if len(cutoffs) == 0:
        raise ValueError(f"{_NAME}: cutoffs should be a sequence of length larger than 0, got []; "
                         f"give at least one, e.g. cutoffs=[n_classes // 2]")
    if not all(isinstance(c, numbers.Real) for c in cutoffs):
        raise TypeError(f"{_NAME}: cutoffs should be a sequence of ints, got {cutoffs!r}")
    if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
        raise ValueError(f"{_NAME}: cutoffs should be a sequence of unique, positive integers sorted in "
                         f"an increasing order, where each value is between 1 and n_classes-1 = "
                         f"{n_classes - 1}, got {cutoffs!r}")
    try:
        # PyTorch accepts 2.0 here and then fails building the Linear layers (TypeError).
        return [operator.index(c) for c in cutoffs]
    except TypeError:
        raise TypeError(f"{_NAME}: cutoffs should be ints, got {cutoffs!r}; write e.g. "
                        f"[{', '.join(str(int(c)) for c in cutoffs)}]") from None


def _check_int(value: Any, name: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{_NAME}: {name} should be an int, got {type(value).__name__} {value!r}") from None


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax (Grave et al., "Efficient softmax approximation for GPUs"), as PyTorch's.

    The classes, sorted by frequency (0 the most frequent), are split by ``cutoffs``
    ``[c_1, ..., c_K]`` into a shortlist ``[0, c_1)`` and ``K`` clusters
    ``[c_k, c_{k+1})`` (``c_{K+1} = n_classes``). The ``head`` scores the shortlist
    and one entry per cluster; cluster ``k``'s ``tail`` projects the input to
    ``floor(in_features / div_value**k)`` features and scores its classes from them:

    ``log p(c | x) = log_softmax(head(x))[c]`` for ``c < c_1``, and
    ``log p(c | x) = log_softmax(head(x))[c_1 + k - 1] + log_softmax(tail_k(x))[c - c_k]``
    for ``c`` in cluster ``k``, with ``tail_k(x) = W2_k (W1_k x)``.

    ``forward`` returns ``(output, loss)``: ``output_n = log p(target_n | x_n)`` and
    ``loss = -mean_n output_n``; it evaluates only the clusters some target falls in.
    ``log_prob`` gives the full ``(N, n_classes)`` log-distribution, ``predict`` its argmax.

    Args:
        in_features (int): size of each input sample.
        n_classes (int): number of classes.
        cutoffs (Sequence[int]): increasing, unique ints in ``[1, n_classes - 1]``.
        div_value (float): cluster ``k``'s hidden size is ``in_features // div_value**k``
            (default 4.0).
        head_bias (bool): give the head a bias (default False, as the paper's code).
        dtype: parameter dtype (default: get_default_dtype()).
        generator: the ``rosenblatt.Generator`` for the initial weights (default generator if None).

    Shape:
        input ``(N, in_features)`` or ``(in_features,)``; target ``(N,)`` or ``()`` of int64
        (or int32) class indices in ``[0, n_classes - 1]``; output ``(N,)`` or ``()``; loss ``()``.

    Returns:
        a named tuple ``(output, loss)``.

    Example:
        >>> import rosenblatt as rb
        >>> asm = rb.nn.AdaptiveLogSoftmaxWithLoss(16, 10, cutoffs=[4, 8])
        >>> out = asm(rb.randn(5, 16), rb.tensor([0, 3, 4, 8, 9]))
        >>> out.output.shape, out.loss.shape
        ((5,), ())
        >>> list(asm.state_dict())
        ['head.weight', 'tail.0.0.weight', 'tail.0.1.weight', 'tail.1.0.weight', 'tail.1.1.weight']
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
                 head_bias: bool = False, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        super().__init__()
        in_features = _check_int(in_features, "in_features")
        n_classes = _check_int(n_classes, "n_classes")
        if in_features < 0:
            raise ValueError(f"{_NAME}: in_features should be >= 0, got {in_features}")
        cutoffs = _check_cutoffs(cutoffs, n_classes)

        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias

        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters

        factory = {"device": device, "dtype": dtype, "generator": generator}
        self.head = Linear(in_features, self.head_size, bias=head_bias, **factory)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            if div_value == 0:  # PyTorch: ZeroDivisionError
                raise ValueError(f"{_NAME}: div_value should be > 0, got {div_value}")
            hidden = in_features // (div_value ** (i + 1))
            if not hidden >= 0:  # negative or nan; PyTorch fails creating the weight
                raise ValueError(f"{_NAME}: div_value should be > 0, got {div_value}, which makes cluster "
                                 f"{i + 1}'s hidden size in_features // div_value**{i + 1} = {hidden}")
            hidden = int(hidden)
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, **factory),
                                        Linear(hidden, size, bias=False, **factory)))

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Re-draw every weight as ``__init__`` does (``Linear``'s initialisation).

        Example:
            >>> import rosenblatt as rb
            >>> asm = rb.nn.AdaptiveLogSoftmaxWithLoss(8, 6, cutoffs=[3])
            >>> asm.reset_parameters(rb.Generator().manual_seed(0))
            >>> asm.head.weight.shape
            (4, 8)
        """
        self.head.reset_parameters(generator)
        for i2h, h2o in self.tail:
            i2h.reset_parameters(generator)
            h2o.reset_parameters(generator)

    def forward(self, input: Tensor, target: Tensor) -> _ASMoutput:
        """The log-probability of each target and the mean negative log-likelihood.

        Args:
            input (Tensor): ``(N, in_features)``, or ``(in_features,)`` for one sample.
            target (Tensor): ``(N,)``, or ``()`` for one sample: int64 (or int32) class indices.

        Returns:
            ``(output, loss)``: ``output`` ``(N,)`` (or ``()``) of ``log p(target | input)``,
            ``loss = -output.mean()``.

        Example:
            >>> import rosenblatt as rb
            >>> asm = rb.nn.AdaptiveLogSoftmaxWithLoss(8, 6, cutoffs=[3])
            >>> output, loss = asm(rb.randn(8), rb.tensor(4))  # one sample
            >>> output.shape, bool(loss == -output)
            ((), True)
        """
        input, target = self._check_forward(input, target)
        batched = target.ndim == 1
        x = input if batched else input.unsqueeze(0)  # (N, in_features)
        t = target.reshape(-1)  # (N,) class indices: an array, not differentiated
        if t.size and (t.min() < 0 or t.max() >= self.n_classes):
            raise RuntimeError(f"{_NAME}: target values should be in [0, {self.n_classes - 1}], but "
                               f"values in range [{t.min()}, {t.max()}] were found")
        output = x.new_zeros(t.shape[0])  # (N,) log p(class | cluster); 0 for the shortlist
        head_index = t.copy()  # (N,) the head entry each row scores: its class, or its cluster
        for i, (low, high) in enumerate(itertools.pairwise(self.cutoffs)):
            rows = xp.nonzero((t >= low) & (t < high))[0]
            if not rows.size:
                continue  # only clusters that some target falls in are evaluated
            head_index[rows] = self.shortlist_size + i
            cluster = log_softmax(self.tail[i](index_select(x, 0, rows)), dim=1)  # (n, size)
            picked = gather(cluster, 1, (t[rows] - low)[:, None])  # (n, 1)
            output = index_copy(output, 0, rows, picked.reshape(-1))
        head = log_softmax(self.head(x), dim=1)  # (N, head_size)
        output = output + gather(head, 1, head_index[:, None]).reshape(-1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.reshape(()), loss)

    def log_prob(self, input: Tensor) -> Tensor:
        """The log-probabilities of all ``n_classes`` classes.

        Args:
            input (Tensor): ``(N, in_features)``.

        Returns:
            ``(N, n_classes)``; each row's ``exp`` sums to 1.

        Example:
            >>> import rosenblatt as rb
            >>> asm = rb.nn.AdaptiveLogSoftmaxWithLoss(8, 6, cutoffs=[3])
            >>> logp = asm.log_prob(rb.randn(2, 8))
            >>> logp.shape, logp.exp().sum(dim=1).allclose(rb.ones(2))
            ((2, 6), True)
        """
        x = self._check_input(input, "log_prob")
        return self._full_log_prob(x, self.head(x))

    def predict(self, input: Tensor) -> Tensor:
        """The most probable class of each sample: ``log_prob(input).argmax(dim=1)``.

        Cheaper than that: the tails are evaluated only for the rows whose head's best
        entry is a cluster, not a shortlist class.

        Args:
            input (Tensor): ``(N, in_features)``.

        Returns:
            ``(N,)`` int64 class indices.

        Example:
            >>> import rosenblatt as rb
            >>> asm = rb.nn.AdaptiveLogSoftmaxWithLoss(8, 6, cutoffs=[3])
            >>> x = rb.randn(4, 8)
            >>> bool((asm.predict(x) == asm.log_prob(x).argmax(dim=1)).all())
            True
        """
        x = self._check_input(input, "predict")
        with no_grad():  # class indices: nothing to differentiate
            head = self.head(x)  # (N, head_size)
            output = argmax(head, dim=1).data.copy()  # (N,)
            rows = xp.nonzero(output >= self.shortlist_size)[0]
            if rows.size:
                log_prob = self._full_log_prob(index_select(x, 0, rows), index_select(head, 0, rows))
                output[rows] = argmax(log_prob, dim=1).data
        return Tensor(output)

    def _full_log_prob(self, x: Tensor, head_output: Tensor) -> Tensor:
        head = log_softmax(head_output, dim=1)  # (N, head_size)
        parts = [head[:, :self.shortlist_size]]
        for i, cluster in enumerate(self.tail):
            k = self.shortlist_size + i
            # log p(cluster) + log p(class | cluster), broadcast over the cluster's classes
            parts.append(log_softmax(cluster(x), dim=1) + head[:, k:k + 1])  # (N, size_i)
        return cat(parts, dim=1)  # (N, n_classes)

    def _check_input(self, input: Any, method: str) -> Tensor:
        input = tensor_of(input, f"{_NAME}.{method}")
        if input.ndim != 2 or input.shape[1] != self.in_features:
            raise ValueError(f"{_NAME}.{method}: expected input of shape (N, in_features={self.in_features}), "
                             f"got {tuple(input.shape)}")
        return input

    def _check_forward(self, input: Any, target: Any) -> tuple[Tensor, Any]:
        """PyTorch's checks (RuntimeError, as there), plus the feature size and target dtype."""
        input = tensor_of(input, _NAME)
        target = as_array(target, _NAME)
        if target.ndim == 1:
            if input.ndim != 2:
                raise RuntimeError(f"{_NAME}: 1D target tensor expects 2D input tensors, but found inputs "
                                   f"with shape {tuple(input.shape)}")
            if input.shape[0] != target.shape[0]:
                raise RuntimeError(f"{_NAME}: input and target should have the same size in the batch "
                                   f"dimension, got input {tuple(input.shape)} and target "
                                   f"{tuple(target.shape)}")
        elif target.ndim == 0:
            if input.ndim != 1:
                raise RuntimeError(f"{_NAME}: 0D target tensor expects 1D input tensors, but found inputs "
                                   f"with shape {tuple(input.shape)}")
        else:
            raise RuntimeError(f"{_NAME}: 0D or 1D target tensor expected, multi-target not supported; "
                               f"got target of shape {tuple(target.shape)}")
        if input.shape[-1] != self.in_features:
            raise ValueError(f"{_NAME}: expected input with in_features={self.in_features} features in its "
                             f"last dim, got shape {tuple(input.shape)}")
        if target.dtype not in (xp.int64, xp.int32):
            raise TypeError(f"{_NAME}: target should hold int64 (or int32) class indices, got "
                            f"{target.dtype}; convert it with target.long()")
        return input, target
