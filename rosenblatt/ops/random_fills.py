"""In-place random fills, PyTorch's ``Tensor`` methods: ``uniform_``, ``normal_``,
``bernoulli_``, ``exponential_``, ``random_``, ``cauchy_``, ``log_normal_``, ``geometric_``; and
``fill_diagonal_``.

Each draws from ``generator`` (a ``rosenblatt.Generator``), else from the default generator
that ``manual_seed`` seeds: same seed, same numbers (rosenblatt's own, not PyTorch's).  The
arguments and the dtype are checked before anything is drawn.  The write is ``ops.inplace``'s,
so it follows PyTorch's rules for in-place ops: on a leaf that requires grad it raises unless
under ``no_grad`` (as weight initialisation runs), and in the graph the filled tensor gets
a zero gradient for what it held.  Floats are drawn in float32 or float64 (float16 is
drawn in float32 and rounded).
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from .._backend import xp
from ..random import Generator, draw_dtype, numpy_generator
from ..tensor import Tensor
from .arithmetic import _number_in
from .indexing import masked_fill
from .inplace import Overwrite, inplace
from .shape import expand


def _fill(input: Tensor, name: str, draw: Any, *args: Any) -> Tensor:
    """Write ``draw(shape, dtype, *args)``, an array of ``input``'s shape, into ``input`` in
    place, as the op ``name`` (its errors say ``name_()``).  ``draw`` runs only once the
    in-place write is known to be allowed."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}_(): expected a Tensor to fill in place, got {type(input).__name__}")

    def op(target: Tensor, *args: Any) -> Tensor:
        return Tensor._wrap(draw(target.shape, target.dtype, *args).astype(target.dtype, copy=False))

    op.__name__ = name
    return inplace(input, op, *args)


def _floating(input: Tensor, name: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}_(): expected a Tensor to fill in place, got {type(input).__name__}")
    if input.dtype.kind != "f":
        raise TypeError(f"{name}_(): {name} samples are continuous; expected a floating point tensor, got "
                        f"{input.dtype} (convert it first: x.float())")


def _number(value: Any, what: str, name: str) -> float:
    if isinstance(value, Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, xp.integer, xp.floating)):
        raise TypeError(f"{name}_(): {what} must be a number, got {type(value).__name__}")
    return float(value)


def _from(from_: Any, named: dict, default: Any, name: str) -> Any:
    """PyTorch's first argument, ``from`` (a Python keyword: passed as ``**{"from": x}``)."""
    unknown = set(named) - {"from"}
    if unknown:
        raise TypeError(f"{name}_(): unexpected keyword argument {sorted(unknown)[0]!r}")
    if "from" in named:
        if from_ is not default:
            raise TypeError(f"{name}_(): got 'from' twice, positionally and by name")
        return named["from"]
    return from_


def uniform_(input: Tensor, from_: float = 0.0, to: float = 1.0, *, generator: Generator | None = None,
             **named: Any) -> Tensor:
    """Fill ``input`` in place with samples of the uniform distribution on ``[from, to)``.

    ``x = from + (to - from) u``, ``u`` uniform on ``[0, 1)``.  Floating tensors only.

    Args:
        from_ (float): the lower bound (PyTorch's ``from``, which may also be passed by that
            name: ``x.uniform_(**{"from": -1})``); default 0.
        to (float): the upper bound, ``>= from``; default 1.
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.empty(1000).uniform_(-0.1, 0.1, generator=rb.Generator(0))
        >>> bool(((w >= -0.1) & (w < 0.1)).all()), abs(w.mean().item()) < 0.01
        (True, True)
    """
    low, high = _number(_from(from_, named, 0.0, "uniform"), "from", "uniform"), _number(to, "to", "uniform")
    _floating(input, "uniform")
    if low > high:
        raise ValueError(f"uniform_(): expected from <= to, got from={low} > to={high}")
    if not (math.isfinite(low) and math.isfinite(high)) or high - low > xp.finfo(input.dtype).max:
        raise ValueError(f"uniform_(): from and to must be finite and to - from within {input.dtype}'s "
                         f"range, got from={low}, to={high}")
    rng = numpy_generator(generator)
    return _fill(input, "uniform",
                 lambda shape, dtype: rng.random(shape, dtype=draw_dtype(dtype)) * (high - low) + low)


def normal_(input: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:
    """Fill ``input`` in place with samples of the normal distribution ``N(mean, std^2)``.

    Floating tensors only.

    Args:
        mean (float): the mean (default 0).
        std (float): the standard deviation, ``>= 0`` (default 1).
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.empty(10000).normal_(2.0, 0.5, generator=rb.Generator(0))
        >>> abs(w.mean().item() - 2) < 0.02, abs(w.std().item() - 0.5) < 0.02
        (True, True)
    """
    mean, std = _number(mean, "mean", "normal"), _number(std, "std", "normal")
    _floating(input, "normal")
    if not std >= 0:
        raise ValueError(f"normal_(): expected std >= 0, got std={std}")
    rng = numpy_generator(generator)
    return _fill(input, "normal",
                 lambda shape, dtype: rng.standard_normal(shape, dtype=draw_dtype(dtype)) * std + mean)


def bernoulli_(input: Tensor, p: Any = 0.5, *, generator: Generator | None = None) -> Tensor:
    """Fill ``input`` in place with 1 with probability ``p``, else 0, in its own dtype.

    ``p`` is one probability or a tensor of them broadcast to ``input``'s shape (it may not
    enlarge it).  Any dtype.  A ``p`` that requires grad gets a zero gradient, as in PyTorch.

    Args:
        p (float or Tensor): the probability of a 1, in ``[0, 1]`` (default 0.5).
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> mask = rb.empty(10000).bernoulli_(0.3, generator=rb.Generator(0))
        >>> sorted(set(mask.tolist())), abs(mask.mean().item() - 0.3) < 0.02
        ([0.0, 1.0], True)
    """
    if not isinstance(p, Tensor):
        p = _number(p, "p", "bernoulli")
        if not 0 <= p <= 1:
            raise ValueError(f"bernoulli_(): expected p in [0, 1], got p={p}")
    elif p.dtype.kind != "f":
        raise TypeError(f"bernoulli_(): p must be a floating point tensor of probabilities, got {p.dtype}")
    elif p.numel() and not (p.data.min() >= 0 and p.data.max() <= 1):
        raise ValueError(f"bernoulli_(): expected every p in [0, 1], got values in "
                         f"[{p.data.min()}, {p.data.max()}]")
    rng = numpy_generator(generator)
    if not isinstance(p, Tensor):
        return _fill(input, "bernoulli", lambda shape, dtype: rng.random(shape) < p)
    if not isinstance(input, Tensor):
        raise TypeError(f"bernoulli_(): expected a Tensor to fill in place, got {type(input).__name__}")

    def op(target: Tensor, p: Tensor) -> Tensor:
        try:
            probabilities = expand(p, target.shape)
        except ValueError:
            raise ValueError(f"bernoulli_(): p of shape {list(p.shape)} does not broadcast to the tensor's "
                             f"shape {list(target.shape)}") from None
        sample = Tensor._wrap((rng.random(target.shape) < probabilities.data).astype(target.dtype))
        if probabilities.requires_grad and target.dtype.kind == "f":
            return Overwrite.apply(probabilities, sample)  # p's gradient: zero, as PyTorch's
        return sample

    op.__name__ = "bernoulli"
    return inplace(input, op, p)


def exponential_(input: Tensor, lambd: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill ``input`` in place with samples of the exponential distribution of rate ``lambd``.

    Density ``lambd e^(-lambd x)`` on ``x >= 0``: mean ``1 / lambd``.  Floating tensors only.

    Args:
        lambd (float): the rate, ``> 0`` (default 1).
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.empty(10000).exponential_(2.0, generator=rb.Generator(0))
        >>> bool((x >= 0).all()), abs(x.mean().item() - 0.5) < 0.02
        (True, True)
    """
    lambd = _number(lambd, "lambd", "exponential")
    _floating(input, "exponential")
    if not lambd > 0:
        raise ValueError(f"exponential_(): expected lambd > 0, got lambd={lambd}")
    rng = numpy_generator(generator)
    return _fill(input, "exponential",
                 lambda shape, dtype: rng.standard_exponential(shape, dtype=draw_dtype(dtype)) / lambd)


def cauchy_(input: Tensor, median: float = 0.0, sigma: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:
    """Fill ``input`` in place with samples of the Cauchy distribution.

    Density ``1 / (pi sigma (1 + ((x - median) / sigma)^2))``: no mean, half the samples
    within ``sigma`` of ``median``.  Floating tensors only.

    Args:
        median (float): the centre (default 0).
        sigma (float): the half width at half maximum, ``> 0`` (default 1).
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.empty(10000).cauchy_(1.0, 2.0, generator=rb.Generator(0))
        >>> abs(x.median().item() - 1) < 0.1
        True
    """
    median, sigma = _number(median, "median", "cauchy"), _number(sigma, "sigma", "cauchy")
    _floating(input, "cauchy")
    if not sigma > 0:
        raise ValueError(f"cauchy_(): expected sigma > 0, got sigma={sigma}")
    rng = numpy_generator(generator)
    return _fill(input, "cauchy", lambda shape, dtype: median + sigma * rng.standard_cauchy(shape))


def log_normal_(input: Tensor, mean: float = 1.0, std: float = 2.0, *,
                generator: Generator | None = None) -> Tensor:
    """Fill ``input`` in place with ``exp(y)``, ``y`` drawn from ``N(mean, std^2)``.

    Floating tensors only.  ``mean`` and ``std`` are the underlying normal's, not the result's.

    Args:
        mean (float): the mean of ``log x`` (default 1).
        std (float): the standard deviation of ``log x``, ``> 0`` (default 2).
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.empty(10000, dtype=rb.float64).log_normal_(0.0, 0.5, generator=rb.Generator(0))
        >>> abs(x.log().mean().item()) < 0.02, abs(x.log().std().item() - 0.5) < 0.02
        (True, True)
    """
    mean, std = _number(mean, "mean", "log_normal"), _number(std, "std", "log_normal")
    _floating(input, "log_normal")
    if not std > 0:
        raise ValueError(f"log_normal_(): expected std > 0, got std={std}")
    rng = numpy_generator(generator)
    return _fill(input, "log_normal", lambda shape, dtype: xp.exp(rng.normal(mean, std, shape)))


def geometric_(input: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill ``input`` in place with the number of trials to the first success, each trial a
    success with probability ``p``: ``P(x = k) = (1 - p)^(k - 1) p`` for ``k = 1, 2, ...``.

    Mean ``1 / p``.  Any dtype but bool.

    Args:
        p (float): the probability of success of one trial, in ``(0, 1)``.
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.empty(10000).geometric_(0.25, generator=rb.Generator(0))
        >>> x.min().item(), abs(x.mean().item() - 4) < 0.15
        (1.0, True)
    """
    p = _number(p, "p", "geometric")
    if not 0 < p < 1:
        raise ValueError(f"geometric_(): expected p in (0, 1), got p={p}")
    if isinstance(input, Tensor) and input.dtype.kind == "b":
        raise TypeError("geometric_(): not implemented for bool tensors, as in PyTorch; use an integer "
                        "or floating tensor")
    rng = numpy_generator(generator)
    return _fill(input, "geometric", lambda shape, dtype: rng.geometric(p, shape))


def random_(input: Tensor, *bounds: int | None, generator: Generator | None = None, **named: Any) -> Tensor:
    """Fill ``input`` in place with integers drawn uniformly from ``[from, to - 1]``.

    ``random_(to)`` draws from ``[0, to - 1]``, ``random_(from, to)`` from ``[from, to - 1]``,
    ``random_(from, None)`` from ``from`` to the dtype's largest value, and ``random_()``
    from 0 to it.  For floating dtypes that largest value is ``2^mantissa`` (``2^24`` for
    float32), the range where every integer is exactly representable.  Any dtype; the
    bounds must fit an integer dtype (``from`` and ``to - 1`` in ``[0, 255]`` for uint8).

    Args:
        from (int, optional): the smallest value (default 0), positional or ``**{"from": n}``.
        to (int, optional): one past the largest value.
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.empty(1000, dtype=rb.int64).random_(3, 7, generator=rb.Generator(0))
        >>> sorted(set(x.tolist()))
        [3, 4, 5, 6]
        >>> sorted(set(rb.zeros(100).random_(2, generator=rb.Generator(0)).tolist()))
        [0.0, 1.0]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"random_(): expected a Tensor to fill in place, got {type(input).__name__}")
    low, high = _random_range(input.dtype, bounds, named)
    rng = numpy_generator(generator)
    if input.dtype.kind in "biu":
        return _fill(input, "random",
                     lambda shape, dtype: rng.integers(low, high, shape, dtype=dtype, endpoint=True))
    return _fill(input, "random", lambda shape, dtype: rng.integers(low, high, shape, endpoint=True))


def _random_range(dtype: Any, bounds: tuple, named: dict) -> tuple[int, int]:
    """``random_``'s bounds as ``(low, high)``, both included, checked against ``dtype``."""
    unknown = set(named) - {"from", "to"}
    if unknown or len(bounds) > 2 or (bounds and "from" in named) or (len(bounds) == 2 and "to" in named):
        raise TypeError(f"random_(): expected random_(), random_(to) or random_(from, to), got "
                        f"{len(bounds)} positional arguments and {sorted(named)} by name")
    if len(bounds) == 2:
        low, to = bounds
    elif len(bounds) == 1:
        low, to = (bounds[0], named["to"]) if "to" in named else (0, bounds[0])
    else:
        low, to = named.get("from", 0), named.get("to")
    for what, value in (("from", low), ("to", to)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, xp.integer))):
            raise TypeError(f"random_(): {what} must be an int, got {type(value).__name__} {value!r}")
    if dtype.kind == "f":
        digits = xp.finfo(dtype).nmant + 1
        lowest, largest = -2**digits, 2**digits
    else:
        info = xp.iinfo(dtype) if dtype.kind != "b" else None
        lowest, largest = (0, 1) if info is None else (int(info.min), int(info.max))
    low = int(low)
    if to is None:
        high = largest
    else:
        if low >= to:
            raise ValueError(f"random_(): expected from < to, got from={low} >= to={to}")
        high = int(to) - 1
    for what, value in (("from", low), ("to - 1", high)):
        if not lowest <= value <= largest:
            if dtype.kind != "f":
                raise ValueError(f"random_(): {what} = {value} is out of bounds for {dtype} "
                                 f"([{lowest}, {largest}])")
            warnings.warn(f"random_(): {what} = {value} is outside [-2^{digits}, 2^{digits}], where {dtype} "
                          f"holds every integer; some values in the range can't be drawn", stacklevel=3)
    return low, high


def fill_diagonal_(input: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Write ``fill_value`` on the main diagonal of ``input``, in place.

    ``input[i, i, ..., i] = fill_value``; ``input`` has at least 2 dims, all of one size when
    more than 2.  ``wrap=True`` on a tall matrix (more than ``columns + 1`` rows) starts the
    diagonal again below each square block, as NumPy's ``fill_diagonal``: every position
    whose row-major index is a multiple of ``columns + 1``.  In the graph the filled entries
    get no gradient, the others theirs.

    Args:
        fill_value (number): the value, cast to ``input``'s dtype (2.7 into int64 is 2).
        wrap (bool): continue the diagonal past the first square block (default False).

    Returns: ``input``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.zeros(3, 3).fill_diagonal_(5.0)
        tensor([[5., 0., 0.],
                [0., 5., 0.],
                [0., 0., 5.]])
        >>> rb.zeros(5, 2).fill_diagonal_(1.0, wrap=True).tolist()
        [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"fill_diagonal_(): expected a Tensor to change in place, got {type(input).__name__}")
    if isinstance(fill_value, Tensor) or isinstance(fill_value, (str, bytes)) or not isinstance(
            fill_value, (int, float, bool, xp.generic)):
        raise TypeError(f"fill_diagonal_(): fill_value must be a number, got {type(fill_value).__name__}; "
                        f"for a tensor value use x.diagonal_scatter or x[i, i] = value")
    shape = input.shape
    if len(shape) < 2:
        raise ValueError(f"fill_diagonal_(): the tensor must have at least 2 dims, got shape {list(shape)}")
    if len(shape) > 2 and len(set(shape)) > 1:
        raise ValueError(f"fill_diagonal_(): a tensor of more than 2 dims must have all of one size, got "
                         f"shape {list(shape)}")
    value = _number_in(fill_value, input.dtype, "fill_diagonal_()")
    mask = xp.zeros(shape, dtype=bool)
    flat = mask.reshape(-1)  # a view: mask is new and contiguous
    step = sum(math.prod(shape[d + 1:]) for d in range(len(shape)))  # from (i, ..., i) to (i+1, ..., i+1)
    if wrap and len(shape) == 2 and shape[0] > shape[1] + 1:
        flat[::step] = True
    else:
        flat[:min(shape) * step:step] = True

    def fill_diagonal(target: Tensor) -> Tensor:
        return masked_fill(target, mask, value)

    return inplace(input, fill_diagonal)
