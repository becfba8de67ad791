"""rosenblatt: deep learning from the building blocks up, on NumPy.

Tensors with reverse-mode automatic differentiation and PyTorch's names:

    >>> import rosenblatt as rb
    >>> w = rb.randn(3, 1, requires_grad=True)
    >>> x = rb.randn(8, 3)
    >>> loss = ((x @ w) ** 2).mean()
    >>> loss.backward()
    >>> w.grad.shape
    (3, 1)
"""
from __future__ import annotations

from ._backend import bool_ as bool
from ._backend import (float16, float32, float64, int8, int16, int32, int64, keep_freed_memory,
                       uint8)
from ._backend import xp as _xp
from .tensor import Tensor
from . import autograd
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from ._device import device
from .creation import (arange, as_tensor, bernoulli, empty, empty_like, eye, from_numpy, full,
                       full_like, linspace, logspace, multinomial, normal, ones, ones_like, rand,
                       rand_like, randint, randint_like, randn, randn_like, randperm, tensor, zeros,
                       zeros_like)
from .ops import (abs, add, addmm, all, allclose, amax, amin, any, argmax, argmin, argsort,
                  baddbmm, bincount, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, bmm,
                  broadcast_to, bucketize, cat, cdist, ceil, chunk, clamp, clamp_max, clamp_min,
                  clip, clone, concat, concatenate, cos, cummax, cummin, cumprod, cumsum, diag, diff, div, dot,
                  einsum, eq, equal, exp, expm1, flatten, flip, floor, floor_divide, fmod, gather,
                  ge, greater, greater_equal, gt, histc, index_add, index_fill, index_select, isclose,
                  isfinite, isinf, isnan, le, lerp, less, less_equal, log, log10, log1p, log2,
                  log_softmax, logical_and, logical_not, logical_or, logical_xor, logsumexp, lt,
                  masked_fill, masked_select, matmul, max, maximum, mean, meshgrid, min, minimum,
                  mm, movedim, mul, narrow, ne, neg, nonzero, norm, not_equal, outer, permute, pow,
                  prod, reciprocal, relu, remainder, repeat, repeat_interleave, reshape, roll,
                  rot90, round, rsqrt, scatter, scatter_add, scatter_reduce, searchsorted, sigmoid, sign, sin,
                  softmax, sort, split, sqrt, square, squeeze, stack, std, sub, sum, swapaxes, t,
                  tanh, topk, trace, transpose, tril, triu, trunc, unbind, unflatten, unique,
                  unsqueeze, var, where)
from .ops.reduction import MaxResult
from .ops.indexing import argwhere
from .ops.sorting import isin, msort
from .ops.linalg import diagflat
from .ops.arithmetic import bitwise_left_shift, bitwise_right_shift, gcd, lcm
from .ops.stacking import combinations, vander
from .creation import (bartlett_window, blackman_window, hamming_window, hann_window, tril_indices,
                       triu_indices)
from .ops.special import (copysign, erfinv, exp2, float_power, fmax, fmin, frac, heaviside, logaddexp, logit,
                           nan_to_num, positive, sgn, signbit, xlogy)
from .ops.trigonometric import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh,
                                 asin, asinh, atan, atan2, atanh, cosh, deg2rad, hypot, rad2deg, sinh)
from .ops.stacking import (atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_shapes, broadcast_tensors, cartesian_prod, column_stack,
                           diag_embed, diagonal, dsplit, dstack, fliplr, flipud, hsplit, hstack, moveaxis, ravel,
                           select, take, take_along_dim, tensor_split, tile, vsplit, vstack)
from .ops.products import addcdiv, addcmul, addmv, addr, cross, dist, inner, kron, mv, tensordot
from .ops.statistics import (MinMaxResult, aminmax, corrcoef, count_nonzero, cov, kthvalue, logcumsumexp, median, nanmean,
                             nanmedian, nanquantile, nansum, quantile, std_mean, var_mean)
from .ops.sorting import SortResult, TopkResult
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed,
                     seed, set_rng_state)
from .serialization import load, save

__version__ = "0.1.0"

divide = true_divide = div
multiply = mul
subtract = sub


def is_tensor(obj: object) -> bool:
    """Whether ``obj`` is a rosenblatt Tensor."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """The number of elements of ``input``."""
    return input.numel()


def finfo(type: object = None) -> object:
    """Limits of a float dtype (``eps``, ``max``, ``min``, ``tiny``, ``bits``, ...; default float32)."""
    return _xp.finfo(float32 if type is None else type)


def iinfo(type: object) -> object:
    """Limits of an int dtype (``max``, ``min``, ``bits``)."""
    return _xp.iinfo(type)


def is_floating_point(input: Tensor) -> bool:
    """Whether ``input``'s dtype is a floating-point one."""
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    """False: this release has no complex tensors."""
    return input.is_complex()


def is_nonzero(input: Tensor) -> bool:
    """Whether the one entry of ``input`` is not 0 (more or no entries raise, as PyTorch's)."""
    return input.is_nonzero()


def get_default_dtype() -> object:
    """float32: the dtype of tensors made from Python floats (fixed in this release)."""
    return float32

# Subpackages load on first use, so `import rosenblatt` stays close to NumPy's own import time.
_SUBMODULES = {"nn", "optim", "data", "datasets", "models", "recipes", "ops", "linalg", "cuda"}


# PyTorch's top-level linear algebra (torch.det, torch.svd, ...), loaded with linalg on first use.
_LINALG_NAMES = {"cholesky", "det", "inverse", "logdet", "matrix_power", "qr", "slogdet", "svd"}


def __getattr__(name: str):
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LINALG_NAMES:
        from .linalg import _torch_names
        return getattr(_torch_names, name)
    raise AttributeError(f"module 'rosenblatt' has no attribute {name!r}")
