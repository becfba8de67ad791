"""Random activations and dropouts: rrelu, alpha_dropout, feature_alpha_dropout, gumbel_softmax.

Each draws its noise with NumPy from ``generator`` (the default generator when None), then
composes base ops with the noise as a constant, so autograd gives the backward: the
gradient is the sampled slope (rrelu), the kept-unit scale (alpha dropouts), or the soft
sample's (gumbel_softmax, also when ``hard``).  The numbers drawn are rosenblatt's own, not
PyTorch's; the distributions and every deterministic part are PyTorch's.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from ..._backend import xp
from ...ops import softmax
from ...ops._dims import dim_index
from ...random import Generator, draw_dtype, numpy_generator
from ...tensor import Tensor
from ._checks import check_floating
from .activation import LeakyRelu, _apply_inplace


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False, *, generator: Generator | None = None) -> Tensor:
    """Randomized leaky ReLU (Xu et al., 2015): ``x`` for x > 0, ``a * x`` otherwise.

    In training, ``a ~ U(lower, upper)`` is drawn anew for every element at or below 0 (at 0
    the gradient is that slope, as in PyTorch); in eval ``a = (lower + upper) / 2``, i.e.
    ``leaky_relu(x, (lower + upper) / 2)``.

    Args:
        input: a floating-point tensor of any shape.
        lower, upper: bounds of the slope, ``lower <= upper`` (default 1/8 and 1/3).
        training: sample the slopes (True) or use their mean (False, the default).
        inplace: write the result into ``input``.
        generator: the ``rosenblatt.Generator`` for the slopes (default generator if None).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> F.rrelu(rb.tensor([-8.0, 2.0]), 0.25, 0.5)
        tensor([-3.,  2.])
    """
    if not lower <= upper:
        raise ValueError(f"rrelu(): lower must be <= upper (the slope is drawn from U(lower, "
                         f"upper)), got lower={lower}, upper={upper}")
    check_floating("rrelu()", input)
    if not training:  # leaky_relu with the mean slope; in place, errors name rrelu_()
        slope = (lower + upper) / 2
        return _apply_inplace(input, lambda t: LeakyRelu.apply(t, slope=slope), inplace, "rrelu")
    x = input.data
    negative = x <= 0
    slopes = xp.ones(x.shape, dtype=x.dtype)
    slopes[negative] = numpy_generator(generator).uniform(lower, upper, int(negative.sum()))
    noise = Tensor._wrap(slopes)
    return _apply_inplace(input, lambda t: t * noise, inplace, "rrelu")


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
           *, generator: Generator | None = None) -> Tensor:
    """``rrelu`` in place: ``x`` for x > 0, ``a * x`` otherwise, written into ``input``,
    which is returned; ``a ~ U(lower, upper)`` in training, ``(lower + upper) / 2`` in eval.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.tensor([-8.0, 2.0])
        >>> _ = F.rrelu_(x, 0.25, 0.5)  # not training: the slope is 0.375
        >>> x
        tensor([-3.,  2.])
    """
    return rrelu(input, lower, upper, training, True, generator=generator)


#: ``scale * alpha`` of SELU: SELU saturates at minus this for x -> -inf
_SELU_SATURATION = 1.7580993408473766


def _alpha_dropout(op: str, input: Tensor, p: float, training: bool, inplace: bool,
                   generator: Generator | None, feature: bool) -> Tensor:
    """PyTorch's ``_dropout_impl`` for the alpha dropouts: keep each unit (or channel) with
    probability ``1 - p``, set the dropped ones to SELU's saturation ``-alpha'``, then the
    affine map ``a x + b`` that restores zero mean and unit variance."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    x = input.data
    check_floating(f"{op}()", x)
    dtype = x.dtype.type
    if p == 1:  # PyTorch multiplies by 0 (no shift): -0.0 for negative inputs
        zero = Tensor._wrap(xp.zeros((), dtype=x.dtype))
        return _apply_inplace(input, lambda t: t * zero, inplace, op)
    if feature and x.ndim < 2:
        raise ValueError(f"{op}(): feature dropout requires at least 2 dims (N, C, *) so whole "
                         f"channels can be dropped, got shape {tuple(x.shape)}; use alpha_dropout "
                         f"for element-wise dropout")
    shape = x.shape[:2] + (1,) * (x.ndim - 2) if feature else x.shape  # one draw per channel
    kept = numpy_generator(generator).random(shape, dtype=draw_dtype(x.dtype)) >= p
    noise = kept.astype(x.dtype)
    a = 1.0 / math.sqrt((_SELU_SATURATION ** 2 * p + 1) * (1 - p))
    # PyTorch's b = (noise - 1) alpha' a + alpha' a p, in the input's dtype as there
    shift = Tensor._wrap((noise - 1) * dtype(_SELU_SATURATION * a) + dtype(_SELU_SATURATION * a * p))
    scale = Tensor._wrap(noise * dtype(a))
    return _apply_inplace(input, lambda t: t * scale + shift, inplace, op)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False,
                  *, generator: Generator | None = None) -> Tensor:
    """Dropout that keeps SELU's self-normalisation (Klambauer et al., 2017).

    Each element is dropped with probability ``p``: set to ``-alpha'`` (SELU's negative
    saturation, ``alpha' = 1.7581``) instead of 0, and then every element is mapped by
    ``a x + b`` with ``a = ((1 - p) (1 + p alpha'^2))^(-1/2)`` and ``b = a alpha' p``, so an
    input of zero mean and unit variance keeps them.  Identity when ``training`` is False.

    Args:
        input: a floating-point tensor of any shape.
        p: probability of dropping an element, in [0, 1] (default 0.5).
        training: apply dropout (True) or return ``input`` (False, the default).
        inplace: write the result into ``input``.
        generator: the ``rosenblatt.Generator`` for the mask (default generator if None).

    Shape: any; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> x = rb.randn(1000)
        >>> F.alpha_dropout(x, 0.2, training=True, generator=rb.Generator(0)).shape
        (1000,)
        >>> F.alpha_dropout(x, 0.2) is x
        True
    """
    return _alpha_dropout("alpha_dropout", input, p, training, inplace, generator, feature=False)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False, *, generator: Generator | None = None) -> Tensor:
    """``alpha_dropout`` of whole channels: one draw per ``(n, c)``, shared by ``input[n, c]``.

    As in PyTorch, dims 0 and 1 are taken as ``(N, C)`` for any rank >= 2 (an unbatched
    ``(C, H, W)`` input gets one draw per ``(c, h)``).

    Args:
        input: a floating-point ``(N, C, *)`` tensor.
        p: probability of dropping a channel, in [0, 1] (default 0.5).
        training: apply dropout (True) or return ``input`` (False, the default).
        inplace: write the result into ``input``.
        generator: the ``rosenblatt.Generator`` for the mask (default generator if None).

    Shape: ``(N, C, *)``; the output has the input's shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> y = F.feature_alpha_dropout(rb.ones(2, 3, 4), 0.5, True, generator=rb.Generator(0))
        >>> bool((y == y[:, :, :1]).all())  # one value per channel
        True
    """
    return _alpha_dropout("feature_alpha_dropout", input, p, training, inplace, generator,
                          feature=True)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1, *, generator: Generator | None = None) -> Tensor:
    """A sample of the Gumbel-softmax (Concrete) distribution (Jang et al.; Maddison et al., 2016).

    ``y = softmax((logits + g) / tau, dim)`` with ``g = -log(e)``, ``e ~ Exp(1)``, i.e.
    Gumbel(0, 1) noise.  With ``hard``, the one-hot of ``argmax(y)`` is returned as
    ``y_hard - y.detach() + y``: its value is the one-hot, its gradient the soft sample's
    (the straight-through estimator).

    Args:
        logits: floating-point unnormalised log-probabilities ``(*, num_classes, *)``.
        tau: temperature, > 0 (default 1): small tau gives nearly one-hot samples.
        hard: return the straight-through one-hot sample.
        eps: deprecated and unused, as in PyTorch (warns when changed).
        dim: the dim of the classes (default -1).
        generator: the ``rosenblatt.Generator`` for the noise (default generator if None).

    Shape: any; the output has ``logits``' shape.

    Example:
        >>> import rosenblatt as rb
        >>> import rosenblatt.nn.functional as F
        >>> y = F.gumbel_softmax(rb.randn(4, 10), tau=0.5, hard=True, generator=rb.Generator(0))
        >>> y.sum(-1).tolist()
        [1.0, 1.0, 1.0, 1.0]
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    if not isinstance(logits, Tensor):
        raise TypeError(f"gumbel_softmax(): logits must be a Tensor, got {type(logits).__name__}")
    check_floating("gumbel_softmax()", logits)
    if not tau > 0:  # PyTorch divides by it regardless: tau = 0 gave NaN samples
        raise ValueError(f"gumbel_softmax(): tau must be positive, got {tau}")
    axis = dim_index(dim, logits.ndim, "gumbel_softmax()")
    x = logits.data
    e = numpy_generator(generator).standard_exponential(x.shape, dtype=draw_dtype(x.dtype))
    # A draw of exactly 0 (float32 draws hit it) would give g = inf and a NaN sample
    e = xp.maximum(e, xp.finfo(e.dtype).tiny)
    gumbels = Tensor._wrap(-xp.log(e).astype(x.dtype, copy=False))  # Gumbel(0, 1)
    y_soft = softmax((logits + gumbels) / tau, axis)
    if not hard:
        return y_soft
    index = xp.expand_dims(xp.argmax(y_soft.data, axis=axis), axis)
    one_hot = xp.zeros(x.shape, dtype=x.dtype)
    xp.put_along_axis(one_hot, index, 1, axis=axis)
    return Tensor._wrap(one_hot) - y_soft.detach() + y_soft


__all__ = ["alpha_dropout", "feature_alpha_dropout", "gumbel_softmax", "rrelu", "rrelu_"]
