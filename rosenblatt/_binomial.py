"""``binomial``: PyTorch's binomial sampler, drawing from a rosenblatt ``Generator``."""
from __future__ import annotations

from ._backend import xp
from .random import Generator, numpy_generator
from .tensor import Tensor

__all__ = ["binomial"]


def binomial(count: Tensor, prob: Tensor, generator: Generator | None = None) -> Tensor:
    r"""A binomial sample for each entry: the number of successes in ``count`` trials of
    success probability ``prob``.

    .. math:: \text{out}_i \sim \text{Binomial}(\text{count}_i, \text{prob}_i), \quad
        P(k) = \binom{n}{k} p^k (1 - p)^{n - k}

    As PyTorch's: a count below 0, or a probability at or below 0, gives 0; a probability at
    or above 1 gives the count (as it is); a fractional count counts its whole trials
    (``floor(count)``); a nan probability gives nan.  Not differentiable (PyTorch's backward
    raises): the result is outside the graph.

    Args:
        count (Tensor): the numbers of trials, a float32 or float64 tensor of finite values.
        prob (Tensor): the success probabilities, of ``count``'s dtype; broadcast with ``count``.
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns:
        a tensor of the broadcast shape in ``count``'s dtype, holding whole numbers.

    Example:
        >>> import rosenblatt as rb
        >>> draws = rb.binomial(rb.full((10000,), 10.0), rb.tensor(0.3), generator=rb.Generator(0))
        >>> round(draws.mean().item(), 1), draws.min().item() >= 0, draws.max().item() <= 10
        (3.0, True, True)
    """
    for name, value in (("count", count), ("prob", prob)):
        if not isinstance(value, Tensor):
            raise TypeError(f"binomial(): argument '{name}' must be Tensor, not {type(value).__name__}")
    counts, probs = count.data, prob.data
    if counts.dtype.kind != "f":
        raise ValueError(f"binomial(): only supports floating-point dtypes for count, got {counts.dtype}; "
                         f"convert it with .float()")
    if counts.dtype == xp.float16:
        raise TypeError("binomial(): not implemented for float16; convert count and prob with .float()")
    if probs.dtype != counts.dtype:
        raise TypeError(f"binomial(): prob must have count's dtype {counts.dtype}, got {probs.dtype}")
    if not xp.isfinite(counts).all():
        # PyTorch's sampler never returns on these (its trial loop can't end)
        raise ValueError("binomial(): every count must be finite, got nan or inf")
    try:
        counts, probs = xp.broadcast_arrays(counts, probs)
    except ValueError:
        raise ValueError(f"binomial(): the shapes of count {list(count.shape)} and prob {list(prob.shape)} "
                         f"cannot be broadcast together") from None
    trials = xp.floor(xp.maximum(counts, 0)).astype(xp.int64)
    unknown = xp.isnan(probs)
    p = xp.clip(xp.where(unknown, 0, probs), 0, 1).astype(xp.float64)
    out = xp.asarray(numpy_generator(generator).binomial(trials, p), dtype=counts.dtype)
    out[(probs >= 1) & (counts > 0)] = counts[(probs >= 1) & (counts > 0)]  # the count itself, fractional too
    out[unknown] = xp.nan
    return Tensor._wrap(out)
