"""Random tensors: uniform, normal, integer, permutation, multinomial and Bernoulli samples.

Every function takes a ``generator`` (a ``rosenblatt.Generator``); without one it draws from
the default generator that ``manual_seed`` sets.  Same seed, same numbers.
"""
from __future__ import annotations

from typing import Any

from ._backend import xp
from ._device import check_device
from .autograd.function import Function, as_array
from .creation import _float, _int_arg, _make
from .ops._dims import size_arg
from .random import Generator, draw_dtype, numpy_generator
from .ops.arithmetic import result_type
from .tensor import Tensor


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    """Uniform samples on ``[0, 1)``.

    Args:
        size (ints or a sequence of ints): the shape, as varargs or one sequence.
        generator (Generator, optional): the source of randomness; the default one (see
            :func:`manual_seed`) when None.
        dtype (optional): a floating dtype, ``get_default_dtype()`` (float32) by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``size``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.rand(2, 3, generator=rb.Generator(0))
        >>> x.shape, bool(((x >= 0) & (x < 1)).all())
        ((2, 3), True)
        >>> rb.equal(x, rb.rand(2, 3, generator=rb.Generator(0)))  # same seed, same numbers
        True
    """
    check_device("rand()", device)
    dtype = _float(dtype)
    array = numpy_generator(generator).random(size_arg(size, "rand"), dtype=draw_dtype(dtype))
    return _make(array.astype(dtype, copy=False), requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Tensor:
    """Standard normal samples.

    Each entry is drawn from N(0, 1): mean 0, variance 1.

    Args:
        size (ints or a sequence of ints): the shape, as varargs or one sequence.
        generator (Generator, optional): the source of randomness; the default one (see
            :func:`manual_seed`) when None.
        dtype (optional): a floating dtype, ``get_default_dtype()`` (float32) by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``size``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.randn(10000, generator=rb.Generator(0))
        >>> abs(x.mean().item()) < 0.05, abs(x.std().item() - 1) < 0.05
        (True, True)
    """
    check_device("randn()", device)
    dtype = _float(dtype)
    array = numpy_generator(generator).standard_normal(size_arg(size, "randn"), dtype=draw_dtype(dtype))
    return _make(array.astype(dtype, copy=False), requires_grad)


def randint(low: int, high: int | None = None, size: Any = (), *, generator: Generator | None = None,
            dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Integers uniform on ``[low, high)``; ``randint(high, size)`` starts at 0.

    Args:
        low (int): the smallest value (or ``high``, in ``randint(high, size)``).
        high (int): one above the largest value.
        size (sequence of ints): the shape (default ``()``).
        generator (Generator, optional): the source of randomness; the default one when None.
        dtype (optional): int64 by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``size``.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.randint(3, 6, (2, 4), generator=rb.Generator(0))
        >>> x.shape, x.dtype, bool(((x >= 3) & (x < 6)).all())
        ((2, 4), dtype('int64'), True)
    """
    check_device("randint()", device)
    if isinstance(high, (tuple, list)):  # randint(high, size), PyTorch's short form
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    low, high = _int_arg(low, "low", "randint"), _int_arg(high, "high", "randint")
    if low >= high:
        raise ValueError(f"randint(): expected low < high, got low={low}, high={high}")
    array = numpy_generator(generator).integers(low, high, size_arg((size,), "randint"))
    return _make(xp.asarray(array, dtype=dtype or xp.int64), requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Tensor:
    """A random permutation of ``0 .. n-1``.

    Args:
        n (int): the number of entries, >= 0.
        generator (Generator, optional): the source of randomness; the default one when None.
        dtype (optional): int64 by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``(n,)``.

    Example:
        >>> import rosenblatt as rb
        >>> p = rb.randperm(5, generator=rb.Generator(0))
        >>> sorted(p.tolist())  # each index exactly once
        [0, 1, 2, 3, 4]
    """
    check_device("randperm()", device)
    n = _int_arg(n, "n", "randperm")
    if n < 0:
        raise ValueError(f"randperm(): n must be non-negative, got {n}")
    return _make(numpy_generator(generator).permutation(n).astype(dtype or xp.int64), requires_grad)


def rand_like(input: Tensor, generator: Generator | None = None, dtype: Any = None,
              requires_grad: bool = False, *, device: Any = None) -> Tensor:
    """Uniform samples on ``[0, 1)`` of ``input``'s shape and dtype (or ``dtype``): :func:`rand`.

    Args:
        input (Tensor): a floating tensor, whose shape (and dtype) to take.
        generator (Generator, optional): the source of randomness; the default one when None.
        dtype (optional): ``input``'s by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.rand_like(rb.zeros(2, 3, dtype=rb.float64), generator=rb.Generator(0))
        >>> x.shape, x.dtype
        ((2, 3), dtype('float64'))
    """
    check_device("rand_like()", device)
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, generator: Generator | None = None, dtype: Any = None,
               requires_grad: bool = False, *, device: Any = None) -> Tensor:
    """Standard normal samples of ``input``'s shape and dtype (or ``dtype``): :func:`randn`.

    Args:
        input (Tensor): a floating tensor, whose shape (and dtype) to take.
        generator (Generator, optional): the source of randomness; the default one when None.
        dtype (optional): ``input``'s by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> noise = rb.randn_like(rb.zeros(4, 2), generator=rb.Generator(0))
        >>> noise.shape, noise.dtype
        ((4, 2), dtype('float32'))
    """
    check_device("randn_like()", device)
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint_like(input: Tensor, low: int, high: int | None = None, generator: Generator | None = None,
                 dtype: Any = None, requires_grad: bool = False, *, device: Any = None) -> Tensor:
    """Integers uniform on ``[low, high)`` of ``input``'s shape and dtype: :func:`randint`.

    ``randint_like(input, high)`` starts at 0.

    Args:
        input (Tensor): the tensor whose shape (and dtype) to take.
        low (int): the smallest value (or ``high``, when ``high`` is not given).
        high (int, optional): one above the largest value.
        generator (Generator, optional): the source of randomness; the default one when None.
        dtype (optional): ``input``'s by default.
        requires_grad (bool): record operations on it for backward (default False).

    Shape: ``input``'s.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.randint_like(rb.zeros(2, 3), 10, generator=rb.Generator(0))
        >>> x.shape, x.dtype, bool(((x >= 0) & (x < 10)).all())
        ((2, 3), dtype('float32'), True)
    """
    check_device("randint_like()", device)
    return randint(low, high, input.shape, generator=generator, dtype=dtype or input.dtype,
                   requires_grad=requires_grad)


class Normal(Function):
    """``mean + std * noise``, a draw from tensors ``mean`` and ``std``, with PyTorch's zero
    gradients for both: a sample, not a reparameterization (for gradients through the draw,
    write ``mean + std * randn_like(std)``)."""

    def forward(self, mean, std, *, noise):
        return mean + std * noise

    def backward(self, grad):
        return None, None  # the engine gives each input that needs one a zero gradient


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Samples of N(mean, std^2): ``mean + std * z`` with ``z`` standard normal.

    PyTorch's four forms: numbers ``mean`` and ``std`` with a ``size``; a tensor ``mean``
    and/or a tensor ``std`` (no ``size``), giving one sample per element of their broadcast
    shape in their floating dtype.  As in PyTorch, a sample drawn from tensors that require
    grad requires grad too, with zero gradients.

    Args:
        mean (float or Tensor): the mean(s).
        std (float or Tensor): the standard deviation(s), >= 0 (default 1).
        size (sequence of ints): the shape; only with numbers ``mean`` and ``std``.
        generator (Generator, optional): the source of randomness; the default one when None.
        dtype (optional): with numbers, a floating dtype, ``get_default_dtype()`` by default.
        requires_grad (bool): with numbers, record operations on it for backward (default False).

    Shape: ``size``, or ``mean`` and ``std`` broadcast.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.normal(2.0, 3.0, (10000,), generator=rb.Generator(0))
        >>> abs(x.mean().item() - 2) < 0.1, abs(x.std().item() - 3) < 0.1
        (True, True)
        >>> rb.normal(rb.zeros(2, 1), rb.ones(3)).shape
        (2, 3)
    """
    check_device("normal()", device)
    if not (isinstance(mean, Tensor) or isinstance(std, Tensor)):
        if size is None:
            raise TypeError("normal(): with a number mean and std, give the size, e.g. normal(0.0, 1.0, (3,)), "
                            "or pass a tensor mean or std")
        if not std >= 0:
            raise ValueError(f"normal(): expected std >= 0.0, got std={std}")
        array = numpy_generator(generator).normal(mean, std, size_arg((size,), "normal"))
        return _make(array.astype(_float(dtype)), requires_grad)
    if size is not None:
        raise TypeError("normal(): size is taken from the tensor mean or std; drop it, or expand them first")
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    dtype = result_type(*tensors)
    if dtype.kind != "f":
        raise TypeError(f"normal(): expected a floating mean and std, got {dtype}; convert with .float()")
    mean, std = (t if isinstance(t, Tensor) else Tensor._wrap(xp.asarray(t, dtype=dtype)) for t in (mean, std))
    if (std.data < 0).any():
        raise ValueError("normal(): expected all elements of std >= 0.0")
    shape = xp.broadcast_shapes(mean.shape, std.shape)
    noise = numpy_generator(generator).standard_normal(shape, dtype=draw_dtype(dtype)).astype(dtype, copy=False)
    return Normal.apply(mean, std, noise=noise)


def multinomial(input: Any, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """``num_samples`` category indices drawn for each row of ``input``, a 1-d or 2-d tensor of
    non-negative weights (probabilities up to scale); without ``replacement`` no index repeats
    within a row.  int64, shape ``(num_samples,)`` or ``(rows, num_samples)``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.multinomial(rb.tensor([0.0, 1.0, 0.0]), 2, replacement=True).tolist()
        [1, 1]
    """
    weights = as_array(input, "multinomial")
    num_samples = _int_arg(num_samples, "num_samples", "multinomial")
    rows = weights.reshape(1, -1) if weights.ndim == 1 else weights
    if weights.ndim not in (1, 2) or weights.dtype.kind != "f" or rows.shape[1] == 0:
        raise ValueError(f"multinomial(): input must be a non-empty 1-d or 2-d floating tensor of weights, "
                         f"got dtype {weights.dtype} and shape {list(weights.shape)}")
    if num_samples <= 0:
        raise ValueError(f"multinomial(): num_samples must be positive, got {num_samples}")
    rows = rows.astype(xp.float64)
    if not xp.isfinite(rows).all() or (rows < 0).any() or (rows.sum(1) <= 0).any():
        raise ValueError("multinomial(): weights must be finite and non-negative, with a positive sum "
                         "in every row")
    if not replacement and num_samples > (rows > 0).sum(1).min():
        raise ValueError(f"multinomial(): cannot draw {num_samples} samples without replacement from a row "
                         f"with {int((rows > 0).sum(1).min())} non-zero weights")
    rng = numpy_generator(generator)
    out = xp.stack([rng.choice(rows.shape[1], num_samples, replace=replacement, p=row / row.sum())
                    for row in rows])
    return Tensor._wrap(out.astype(xp.int64).reshape(weights.shape[:-1] + (num_samples,)))


def bernoulli(input: Any, p: float | None = None, *, generator: Generator | None = None) -> Tensor:
    """1 with probability ``input`` (or ``p`` when given) for each entry, else 0, in ``input``'s dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.bernoulli(rb.tensor([0.0, 1.0])).tolist()
        [0.0, 1.0]
    """
    probs = as_array(input, "bernoulli")
    if probs.dtype.kind != "f":
        raise TypeError(f"bernoulli(): input must be a floating tensor of probabilities, got {probs.dtype}")
    if p is not None:
        probs = xp.full(probs.shape, p, dtype=xp.float64)
    if not ((probs >= 0) & (probs <= 1)).all():
        raise ValueError("bernoulli(): probabilities must lie in [0, 1]")
    draws = numpy_generator(generator).random(probs.shape) < probs
    return Tensor._wrap(draws.astype(as_array(input).dtype))


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    r"""A Poisson sample for each entry, with that entry as the rate.

    .. math:: \text{out}_i \sim \text{Poisson}(\text{input}_i), \quad
        P(k) = \frac{\lambda^k e^{-\lambda}}{k!}

    Args:
        input (Tensor): the rates, a floating tensor of non-negative finite values.
        generator (Generator, optional): the source of randomness; the default one when None.

    Returns:
        a tensor of ``input``'s shape and dtype holding whole numbers. Its gradient
        with respect to ``input`` is zero, as in PyTorch.

    Example:
        >>> import rosenblatt as rb
        >>> rates = rb.tensor([0.0, 4.0, 100.0])
        >>> x = rb.poisson(rates.expand(10000, 3), generator=rb.Generator(0))
        >>> x.dtype, x[:, 0].sum().item(), [round(v, 1) for v in x[:, 1:].mean(0).tolist()]
        (dtype('float32'), 0.0, [4.0, 100.0])
    """
    rates = as_array(input, "poisson")
    if rates.dtype.kind != "f":
        raise TypeError(f"poisson(): input must be a floating tensor of rates, got dtype "
                        f"{rates.dtype}; convert with .float()")
    if not (xp.isfinite(rates) & (rates >= 0)).all():
        raise ValueError("poisson(): invalid Poisson rate, expected every rate to be non-negative "
                         f"and finite, got min {rates.min()} and max {rates.max()}")
    out = Tensor._wrap(xp.asarray(numpy_generator(generator).poisson(rates), dtype=rates.dtype))
    if isinstance(input, Tensor) and input.requires_grad:
        out = out + input * 0  # PyTorch's zero gradient: the sample is connected to the graph
    return out
