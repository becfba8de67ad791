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
from .creation import (arange, as_tensor, asarray, empty, empty_like, eye, from_numpy, frombuffer,
                       full, full_like, linspace, logspace, ones, ones_like, tensor, tril_indices,
                       triu_indices, zeros, zeros_like)
from ._printing import get_printoptions, set_printoptions
from .sampling import (bernoulli, multinomial, normal, poisson, rand, rand_like, randint,
                       randint_like, randn, randn_like, randperm)
from .windows import bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window
from .ops import (abs, acos, acosh, add, addcdiv, addcmul, addmm, addmv, addr, all, allclose, amax,
                  amin, aminmax, any, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh,
                  argmax, argmin, argsort, argwhere, asin, asinh, atan, atan2, atanh, atleast_1d,
                  atleast_2d, atleast_3d, baddbmm, bincount, bitwise_and, bitwise_left_shift,
                  bitwise_not, bitwise_or, bitwise_right_shift, bitwise_xor, block_diag, bmm,
                  broadcast_shapes, broadcast_tensors, broadcast_to, bucketize, cartesian_prod, cat,
                  cdist, ceil, chain_matmul, chunk, clamp, clamp_, clamp_max, clamp_min, clip,
                  clip_, clone, column_stack, combinations, concat, concatenate, copysign, corrcoef,
                  cos, cosh, count_nonzero, cov, cross, cummax, cummin, cumprod, cumsum,
                  cumulative_trapezoid, deg2rad, diag, diag_embed, diagflat, diagonal, diff,
                  digamma, dist, div, dot, dsplit, dstack, einsum, eq, equal, erf, erfc, erfinv,
                  exp, exp2, expm1, flatten, flip, fliplr, flipud, float_power, floor, floor_divide,
                  fmax, fmin, fmod, frac, gather, gcd, ge, greater, greater_equal, gt, heaviside,
                  histc, histogram, hsplit, hstack, hypot, i0, index_add, index_copy, index_fill,
                  index_select, inner, isclose, isfinite, isin, isinf, isnan, kron, kthvalue, lcm,
                  le, lerp, less, less_equal, lgamma, log, log10, log1p, log2, log_softmax,
                  logaddexp, logcumsumexp, logical_and, logical_not, logical_or, logical_xor, logit,
                  logsumexp, lt, masked_fill, masked_scatter, masked_select, matmul, max, maximum,
                  mean, median, meshgrid, min, minimum, mm, mode, moveaxis, movedim, msort, mul, mv,
                  mvlgamma, nan_to_num, nanmean, nanmedian, nanquantile, nansum, narrow, ne, neg,
                  nonzero, norm, not_equal, outer, permute, polygamma, positive, pow, prod,
                  quantile, rad2deg, ravel, reciprocal, relu, remainder, renorm, repeat,
                  repeat_interleave, reshape, roll, rot90, round, rsqrt, scatter, scatter_add,
                  scatter_reduce, searchsorted, select, sgn, sigmoid, sign, signbit, sin, sinc,
                  sinh, softmax, sort, split, sqrt, square, squeeze, stack, std, std_mean, sub, sum,
                  swapaxes, t, take, take_along_dim, tanh, tensor_split, tensordot, tile, topk,
                  trace, transpose, trapezoid, trapz, tril, triu, trunc, unbind, unflatten, unique,
                  unravel_index, unsqueeze, vander, var, var_mean, vsplit, vstack, where, xlogy)
from .ops import (absolute, can_cast, diagonal_scatter, ger, isneginf, isposinf, isreal, ldexp, logaddexp2,
                  negative, nextafter, promote_types, result_type, row_stack, rsub, scalar_tensor,
                  select_scatter, slice_scatter, split_with_sizes, swapdims, tan, vdot)
from ._strided import as_strided, empty_strided, layout, strided
from .ops import (addbmm, adjoint, fix, frexp, index_put, index_reduce, narrow_copy, put, unique_consecutive,
                  unsafe_chunk, unsafe_split, unsafe_split_with_sizes)
from .ops.reduction import MaxResult
from .ops.sorting import SortResult, TopkResult
from .ops.statistics import MinMaxResult
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed,
                     seed, set_rng_state)
from .serialization import load, save

__version__ = "0.1.0"

divide = true_divide = div
multiply = mul
subtract = sub


def is_tensor(obj: object) -> bool:
    """Whether ``obj`` is a rosenblatt Tensor.

    Args:
        obj (object): anything.

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_tensor(rb.tensor([1.0])), rb.is_tensor([1.0])
        (True, False)
    """
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """The number of elements of ``input``.

    The product of its shape; 1 for a 0-d tensor.

    Args:
        input (Tensor): any tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.numel(rb.zeros(2, 3)), rb.numel(rb.tensor(5.0))
        (6, 1)
    """
    return input.numel()


def finfo(type: object = None) -> object:
    """Limits of a float dtype (``eps``, ``max``, ``min``, ``tiny``, ``bits``, ...; default: the default dtype).

    ``eps`` is the gap between 1 and the next larger number; ``tiny`` the smallest normal one.

    Args:
        type (dtype, optional): a floating dtype; ``get_default_dtype()`` by default.

    Returns:
        NumPy's ``finfo`` of the dtype.

    Example:
        >>> import rosenblatt as rb
        >>> float(rb.finfo().eps) == 2.0 ** -23, rb.finfo(rb.float64).bits
        (True, 64)
    """
    return _xp.finfo(get_default_dtype() if type is None else type)


def iinfo(type: object) -> object:
    """Limits of an int dtype (``max``, ``min``, ``bits``).

    Args:
        type (dtype): an integer dtype.

    Returns:
        NumPy's ``iinfo`` of the dtype.

    Example:
        >>> import rosenblatt as rb
        >>> rb.iinfo(rb.int8).min, rb.iinfo(rb.int8).max, rb.iinfo(rb.uint8).max
        (-128, 127, 255)
    """
    return _xp.iinfo(type)


def is_floating_point(input: Tensor) -> bool:
    """Whether ``input``'s dtype is a floating-point one.

    Args:
        input (Tensor): any tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_floating_point(rb.tensor([1.0])), rb.is_floating_point(rb.tensor([1]))
        (True, False)
    """
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    """False: this release has no complex tensors.

    Args:
        input (Tensor): any tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_complex(rb.tensor([1.0]))
        False
    """
    return input.is_complex()


def is_nonzero(input: Tensor) -> bool:
    """Whether the one entry of ``input`` is not 0 (more or no entries raise, as PyTorch's).

    Args:
        input (Tensor): a tensor of exactly one element, of any shape.

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_nonzero(rb.tensor([0.0])), rb.is_nonzero(rb.tensor(3))
        (False, True)
    """
    return input.is_nonzero()


def is_signed(input: Tensor) -> bool:
    """Whether ``input``'s dtype holds negative numbers: floats and signed integers (not uint8, bool).

    Args:
        input (Tensor): any tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_signed(rb.tensor([1])), rb.is_signed(rb.tensor([1], dtype=rb.uint8))
        (True, False)
    """
    return input.is_signed()


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether ``input`` and ``other`` have the same shape.

    Args:
        input (Tensor): any tensor.
        other (Tensor): any tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.is_same_size(rb.zeros(2, 3), rb.ones(2, 3)), rb.is_same_size(rb.zeros(2, 3), rb.zeros(3, 2))
        (True, False)
    """
    return input.is_same_size(other)


def is_inference(input: Tensor) -> bool:
    """False: :class:`inference_mode` here is ``no_grad`` and makes no inference tensors.

    Args:
        input (Tensor): any tensor.

    Example:
        >>> import rosenblatt as rb
        >>> with rb.inference_mode():
        ...     y = rb.ones(2) * 2
        >>> rb.is_inference(y)
        False
    """
    return input.is_inference()


def get_device(input: Tensor) -> int:
    """-1, the device index PyTorch gives a CPU tensor: this release computes on the CPU only.

    Args:
        input (Tensor): any tensor.

    Example:
        >>> import rosenblatt as rb
        >>> rb.get_device(rb.zeros(2))
        -1
    """
    return input.get_device()


def detach(input: Tensor) -> Tensor:
    """``input.detach()``: a tensor sharing ``input``'s data, cut from the graph.

    Args:
        input (Tensor): any tensor.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.ones(2, requires_grad=True)
        >>> y = rb.detach(x * 2)
        >>> y.requires_grad, y.tolist()
        (False, [2.0, 2.0])
    """
    return input.detach()


def get_default_dtype() -> object:
    """The default floating dtype: float32 until :func:`set_default_dtype` changes it.

    Tensors made from Python floats, the float factories without a ``dtype`` (``zeros``,
    ``rand``, ``arange(0.5)``, ...), integers combined with a Python float or put through a
    floating op (``int_tensor * 0.5``, ``sqrt``), and new layers' parameters take it.

    Example:
        >>> import rosenblatt as rb
        >>> rb.get_default_dtype() == rb.float32, rb.tensor([0.5]).dtype == rb.get_default_dtype()
        (True, True)
    """
    from . import _backend  # here, not at the top: this file's imports are its public names
    return _backend.default_float


def set_default_dtype(d: object) -> None:
    """Make ``d`` the default floating dtype (see :func:`get_default_dtype`), as ``torch.set_default_dtype``.

    Tensors that exist keep their dtype, and so do NumPy arrays made into tensors
    (``from_numpy``, ``tensor(array)``).  The setting is global to the process, as PyTorch's.

    Args:
        d (dtype): a floating dtype: ``rb.float32`` (the default), ``rb.float64`` or ``rb.float16``.

    Raises:
        TypeError: ``d`` is not a rosenblatt dtype (a string or a NumPy scalar type), or not a
            floating one, with PyTorch's messages.

    Example:
        >>> import rosenblatt as rb
        >>> rb.set_default_dtype(rb.float64)
        >>> rb.tensor([0.5]).dtype, rb.zeros(2).dtype, (rb.arange(3) * 0.5).dtype
        (dtype('float64'), dtype('float64'), dtype('float64'))
        >>> rb.set_default_dtype(rb.float32)
    """
    from . import _backend
    # PyTorch takes only its dtype objects (no strings or Python types); ours are NumPy's.
    if not isinstance(d, _xp.dtype):
        raise TypeError(f"set_default_dtype(): invalid dtype object: only floating-point types are supported "
                        f"as the default type, got {type(d).__name__} {d!r}; pass e.g. rosenblatt.float64")
    if d not in (float16, float32, float64):  # NumPy's longdouble is floating too, but no dtype of ours
        raise TypeError(f"set_default_dtype(): only floating-point types are supported as the default type, "
                        f"got {d}; pass rosenblatt.float32, float64 or float16")
    _backend.default_float = next(t for t in (float16, float32, float64) if t == d)  # ours, for `is` tests


# Subpackages load on first use, so `import rosenblatt` stays close to NumPy's own import time.
_SUBMODULES = {"nn", "optim", "data", "datasets", "models", "recipes", "ops", "linalg", "cuda", "special",
               "distributions", "func", "testing", "utils"}


# PyTorch's top-level linear algebra (torch.det, torch.svd, ...), loaded with linalg on first use.
_LINALG_NAMES = {"cholesky", "det", "inverse", "logdet", "lu", "lu_solve", "lu_unpack", "matrix_exp",
                 "matrix_power", "pinverse", "qr", "slogdet", "svd", "cholesky_solve", "cholesky_inverse",
                 "triangular_solve"}


# PyTorch's top-level forms of nn.functional ops (torch.conv2d, torch.dropout, ...), loaded with
# nn.functional on first use: those whose torch signature rosenblatt's functional takes.  Left
# out, as their torch.* signatures differ from F's (a torch call would mean something else
# here): batch_norm, instance_norm (argument order), embedding (weight first),
# adaptive_max_pool1d (torch's always returns indices), rrelu (a positional generator),
# and the losses taking an int `reduction` (binary_cross_entropy_with_logits, kl_div,
# cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss, triplet_margin_loss,
# poisson_nll_loss).  Calls these do take mean the same as torch's or raise: torch's trailing
# cudnn flag of layer_norm/group_norm, dropout's keyword `train`, a reduction int to ctc_loss.
_FUNCTIONAL_NAMES = {
    "adaptive_avg_pool1d", "alpha_dropout", "avg_pool1d", "bilinear", "celu", "celu_", "channel_shuffle",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "cosine_similarity", "ctc_loss", "dropout", "feature_alpha_dropout", "group_norm", "hardshrink",
    "layer_norm", "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "pairwise_distance",
    "pdist", "pixel_shuffle", "pixel_unshuffle", "prelu", "rms_norm", "rrelu_", "selu", "selu_",
    "threshold", "threshold_",
}


# Top-level names whose modules load on first use, so `import rosenblatt` stays fast: module -> names.
_LAZY_MODULES = {
    "_runtime": ("compile", "get_num_threads", "set_num_threads", "get_num_interop_threads",
                 "set_num_interop_threads"),
    "_switches": ("use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
                  "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
                  "get_deterministic_debug_mode", "set_float32_matmul_precision",
                  "get_float32_matmul_precision", "set_warn_always", "is_warn_always_enabled",
                  "is_inference_mode_enabled"),
    "_igamma": ("igamma", "igammac"),  # with its coefficient table
    "autograd.anomaly": ("is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled"),
    "utils.dlpack": ("from_dlpack",),
    "func": ("vmap",),
    "ops.copies": ("alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy",
                   "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
                   "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy",
                   "unsqueeze_copy", "view_copy"),
    "_numerics": ("fill", "typename", "range", "gradient"),
    "_histogramdd": ("histogramdd",),
    "_binomial": ("binomial",),
    "_lowrank": ("svd_lowrank", "pca_lowrank"),
    "_control_flow": ("cond", "while_loop"),
    "nn.functional": tuple(_FUNCTIONAL_NAMES),
}
_LAZY_NAMES = {name: module for module, names in _LAZY_MODULES.items() for name in names}


def __getattr__(name: str):
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LINALG_NAMES:
        from .linalg import _torch_names
        return getattr(_torch_names, name)
    module = _LAZY_NAMES.get(name)
    if module is not None:
        import importlib
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        if name != "range":  # kept out of globals(): this module's own code means Python's range
            globals()[name] = value  # later lookups find it directly
        return value
    from .ops import TOP_LEVEL_INPLACE, inplace_function
    if name in TOP_LEVEL_INPLACE:
        value = globals()[name] = inplace_function(name)
        return value
    raise AttributeError(f"module 'rosenblatt' has no attribute {name!r}")
