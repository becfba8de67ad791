"""Parameter initialisation, in place, with PyTorch's names and distributions.

Every function fills its tensor under ``no_grad``, returns it, and takes
``generator=`` (a ``rosenblatt.Generator``; the default generator otherwise),
so a seeded generator gives the same weights every run.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.nn import init
    >>> w = rb.empty(64, 32)
    >>> _ = init.kaiming_uniform_(w, nonlinearity="relu", generator=rb.Generator(0))
    >>> bool(w.abs().max() <= (6 / 32) ** 0.5)
    True
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from .._backend import xp
from ..autograd.grad_mode import no_grad
from ..random import Generator, numpy_generator
from ..tensor import Tensor


def _require_float(tensor: Tensor, op: str) -> None:
    """Refuse integer and bool tensors (PyTorch's rule), before any random number is drawn."""
    if tensor.dtype.kind != "f":
        raise TypeError(f"{op}(): expected a floating point tensor, got dtype {tensor.dtype}; "
                        f"random values would be truncated")


def _fill(tensor: Tensor, values: Any) -> Tensor:
    with no_grad():
        tensor.copy_(Tensor._wrap(xp.asarray(values).astype(tensor.dtype, copy=False)))
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain PyTorch recommends for ``nonlinearity`` (sqrt(2) for relu, 5/3 for tanh, ...)."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain(): negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain(): unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)``: ``(in, out)`` times the receptive field size (dims past 2)."""
    if tensor.ndim < 2:
        raise ValueError(f"Fan in and fan out can not be computed for tensor with fewer than 2 "
                         f"dimensions, got shape {tuple(tensor.shape)}")
    receptive = math.prod(tensor.shape[2:]) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _is_empty(tensor: Tensor) -> bool:
    """True (with PyTorch's warning) for a zero-element tensor, which the fan-based inits skip.

    Its fan may be 0, and the bound would divide by it.
    """
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} not supported, please use one of 'fan_in', 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def default_affine_(weight: Tensor, bias: Tensor | None = None,
                    generator: Generator | None = None) -> None:
    """PyTorch's default init of Linear and Conv layers, in place.

    ``weight`` gets ``kaiming_uniform_(a=sqrt(5))``, i.e. U(-1/sqrt(fan_in),
    1/sqrt(fan_in)), and ``bias`` the same bound, with ``fan_in`` from
    :func:`_calculate_fan_in_and_fan_out` (dim 1 times the kernel size).
    """
    kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound, generator=generator)


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0,
             generator: Generator | None = None) -> Tensor:
    """Fill with samples of U(a, b)."""
    if a > b:  # NumPy's own message: "high - low < 0"
        raise ValueError(f"uniform_(): expected a <= b, got a={a}, b={b}")
    _require_float(tensor, "uniform_")
    return _fill(tensor, numpy_generator(generator).uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Generator | None = None) -> Tensor:
    """Fill with samples of N(mean, std^2)."""
    if std < 0:  # NumPy's own message: "scale < 0"
        raise ValueError(f"normal_(): expected std >= 0, got std={std}")
    _require_float(tensor, "normal_")
    return _fill(tensor, numpy_generator(generator).normal(mean, std, tensor.shape))


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Generator | None = None) -> Tensor:
    """Fill with N(mean, std^2) samples conditioned on ``[a, b]`` (absolute bounds).

    PyTorch's two samplers: with more than 30% of the mass inside ``[a, b]`` the samples
    outside are redrawn; with less, candidates are drawn uniformly on ``[a, b]`` and kept
    with probability ``pdf(x) / pdf(mode)``, so bounds far in a tail still finish (redrawing
    normal samples would take ~1/mass rounds: forever at 10 std).
    """
    if not a < b:
        raise ValueError(f"trunc_normal_(): expected a < b, got a={a}, b={b}")
    _require_float(tensor, "trunc_normal_")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    rng = numpy_generator(generator)
    scale = std * math.sqrt(2.0)
    mass_inside = (math.erf((b - mean) / scale) - math.erf((a - mean) / scale)) / 2

    def draw(size: Any) -> tuple[Any, Any]:
        """Candidates and whether each is accepted."""
        if mass_inside > 0.3:
            x = rng.normal(mean, std, size)
            return x, (x >= a) & (x <= b)
        mode = min(max(mean, a), b)
        x = rng.uniform(a, b, size)
        return x, xp.log(rng.random(size)) <= ((mode - mean) ** 2 - (x - mean) ** 2) / (2 * std ** 2)

    values, accepted = draw(tensor.shape)
    while not accepted.all():
        redo = xp.flatnonzero(~accepted)
        values.flat[redo], accepted.flat[redo] = draw(redo.size)
    return _fill(tensor, values)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, xp.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-d tensor with the identity matrix."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_(): only 2-d tensors are supported, got shape {tuple(tensor.shape)}")
    return _fill(tensor, xp.eye(*tensor.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """N(0, std^2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Generator | None = None) -> Tensor:
    """U(-b, b) with ``b = gain * sqrt(3 / fan)`` (He et al., 2015).

    Args:
        a: negative slope of the leaky_relu that follows (only for 'leaky_relu').
        mode: 'fan_in' keeps the forward variance, 'fan_out' the backward one.
        nonlinearity: name passed to ``calculate_gain``.
    """
    if _is_empty(tensor):
        return tensor
    gain = calculate_gain(nonlinearity, a)
    bound = math.sqrt(3.0) * gain / math.sqrt(_calculate_correct_fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Generator | None = None) -> Tensor:
    """N(0, std^2) with ``std = gain / sqrt(fan)``."""
    if _is_empty(tensor):
        return tensor
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(_calculate_correct_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one (Saxe et al., 2013).

    Dims past the first are flattened: rows = shape[0], cols = prod(shape[1:]).
    """
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_(): only tensors with 2 or more dimensions are supported, "
                         f"got shape {tuple(tensor.shape)}")
    _require_float(tensor, "orthogonal_")
    rows = tensor.shape[0]
    cols = tensor.numel() // rows if rows else 0
    flat = numpy_generator(generator).normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = xp.linalg.qr(flat)
    # Sign fix makes the distribution uniform (Haar) over orthogonal matrices.
    q = q * xp.sign(xp.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3, 4 or 5-d conv weight with the Dirac delta: the conv passes its input through.

    ``tensor[g * out_per_group + d, d, center...] = 1`` for each group ``g`` and
    ``d < min(out_per_group, in_channels)``, zeros elsewhere; ``center`` is ``size // 2``
    of each kernel dim. As many input channels as possible are kept, per group.

    Args:
        tensor (Tensor): a ``(out_channels, in_channels / groups, *kernel)`` weight.
        groups (int): the conv's groups; must divide ``tensor.shape[0]``. Default: 1.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> conv = nn.Conv1d(2, 2, 3, padding=1, bias=False)
        >>> _ = nn.init.dirac_(conv.weight)
        >>> x = rb.randn(1, 2, 5)
        >>> rb.allclose(conv(x), x)
        True
    """
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"dirac_(): only tensors with 3, 4, or 5 dimensions (conv weights) are "
                         f"supported, got shape {tuple(tensor.shape)}")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"dirac_(): groups must be a positive int, got {groups!r}")
    if tensor.shape[0] % groups != 0:
        raise ValueError(f"dirac_(): dim 0 must be divisible by groups, got shape "
                         f"{tuple(tensor.shape)} and groups={groups}")
    out_per_group = tensor.shape[0] // groups
    values = xp.zeros(tensor.shape)
    center = tuple(size // 2 for size in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, tensor.shape[1])):
            values[(g * out_per_group + d, d) + center] = 1
    return _fill(tensor, values)


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01,
            generator: Generator | None = None) -> Tensor:
    r"""Fill a 2-d tensor with N(0, std^2) samples and zero ``ceil(sparsity * rows)`` per column.

    The sparse initialisation of Martens (2010), "Deep learning via Hessian-free
    optimization": each column gets its own random set of zeroed rows.

    Args:
        tensor (Tensor): a 2-d floating tensor.
        sparsity (float): the fraction of each column set to zero, in [0, 1].
        std (float): the standard deviation of the non-zero values. Default: 0.01.
        generator (Generator, optional): the source of randomness; the default one when None.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt import nn
        >>> w = nn.init.sparse_(rb.empty(10, 4), sparsity=0.3, generator=rb.Generator(0))
        >>> (w == 0).sum(0).tolist()  # ceil(0.3 * 10) zeros in every column
        [3, 3, 3, 3]
    """
    if tensor.ndim != 2:
        raise ValueError(f"sparse_(): only tensors with 2 dimensions are supported, got shape "
                         f"{tuple(tensor.shape)}")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparse_(): sparsity is the fraction of each column set to zero, "
                         f"expected a value in [0, 1], got {sparsity}")
    if std < 0:
        raise ValueError(f"sparse_(): expected std >= 0, got std={std}")
    _require_float(tensor, "sparse_")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    rng = numpy_generator(generator)
    values = rng.normal(0.0, std, (rows, cols))
    for col in range(cols):
        values[rng.permutation(rows)[:num_zeros], col] = 0
    return _fill(tensor, values)


def _deprecated_alias(new: Any) -> Any:
    """PyTorch's old name for ``new`` (``constant`` for ``constant_``): it warns, then calls it."""
    old = new.__name__[:-1]

    def alias(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{new.__name__}`.",
                      FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    alias.__doc__ = f"{old}(...): deprecated, as in PyTorch; use ``{new.__name__}``, which it calls."
    return alias


# PyTorch's deprecated names without the trailing underscore
constant = _deprecated_alias(constant_)
normal = _deprecated_alias(normal_)
uniform = _deprecated_alias(uniform_)
xavier_normal = _deprecated_alias(xavier_normal_)
xavier_uniform = _deprecated_alias(xavier_uniform_)
kaiming_normal = _deprecated_alias(kaiming_normal_)
kaiming_uniform = _deprecated_alias(kaiming_uniform_)
orthogonal = _deprecated_alias(orthogonal_)
sparse = _deprecated_alias(sparse_)
eye = _deprecated_alias(eye_)
dirac = _deprecated_alias(dirac_)
