"""The op catalogue: every differentiable op as a function, re-exported here.

Ops are grouped by kind in the modules beside this file; ``install_methods``
makes the ones PyTorch also offers as methods available as ``Tensor`` methods,
and in place (``x.exp_()``) where PyTorch has that form too, with the in-place random
fills of random_fills.py (``x.uniform_()``); ``inplace_function`` makes PyTorch's top-level
in-place forms (``rosenblatt.exp_(x)``) from those methods.
"""
from __future__ import annotations

import warnings
from typing import Any

from ..tensor import Tensor
from .arithmetic import (add, clamp, clamp_max, clamp_min, clip, div, floor_divide, fmod, lerp, maximum,
                         minimum, mul, neg, pow, remainder, sign, square, sub, where)
from .comparison import (allclose, bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or,
                         bitwise_right_shift, bitwise_xor, eq, equal, gcd, ge, greater, greater_equal,
                         gt, isclose, isfinite, isinf, isnan, lcm, le, less, less_equal, logical_and,
                         logical_not, logical_or, logical_xor, lt, ne, not_equal)
from .gamma import _polygamma_method, digamma, i0, lgamma, mvlgamma, polygamma, polygamma_, sinc
from .histograms import HistogramResult, bincount, histc, histogram
from .indexing import (argwhere, gather, getitem, index_add, index_fill, index_select, masked_fill,
                       masked_select, nonzero, scatter, scatter_add, scatter_reduce, setitem_)
from .inplace import clamp_, clip_, copy_from, full_like_of, inplace, inplace_view
from .integration import cumulative_trapezoid, trapezoid, trapz
from .linalg import addbmm, addmm, baddbmm, bmm, cdist, diag, diagflat, dot, einsum, matmul, mm, outer, trace
from .pointwise import (abs, ceil, cos, exp, expm1, floor, log, log1p, log2, log10, reciprocal,
                        relu, round, rsqrt, sigmoid, sin, sqrt, tanh, to_dtype, trunc)
from .reduction import (all, amax, amin, any, argmax, argmin, logsumexp, max, mean, min, norm, prod, std,
                        sum, sum_to_size, var)
from .cumulative import cummax, cummin, cumprod, cumsum
from .joining import cat, chunk, concat, concatenate, split, split_with_sizes, stack, unbind
from .shape import (broadcast_to, clone, contiguous, diff, expand, expand_as, flatten, flip, meshgrid,
                    movedim, narrow, pad, permute, repeat, repeat_interleave, reshape, roll, rot90,
                    squeeze, swapaxes, t, transpose, tril, triu, unflatten, unfold, unsqueeze, view)
from .softmax import log_softmax, one_hot, softmax
from .special import (copysign, erf, erfc, erfinv, exp2, float_power, fmax, fmin, frac, heaviside,
                      float_power_, logaddexp, logit, nan_to_num, positive, sgn, signbit, xlogy)
from .trigonometric import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin,
                            asinh, atan, atan2, atanh, cosh, deg2rad, hypot, rad2deg, sinh, tan)
from .stacking import (atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_shapes,
                       broadcast_tensors, cartesian_prod, column_stack, combinations, diag_embed,
                       diagonal, dsplit, dstack, fliplr, flipud, hsplit, hstack, moveaxis, ravel,
                       select, take, take_along_dim, tensor_split, tile, vander, vsplit, vstack)
from .products import (addcdiv, addcmul, addmv, addr, chain_matmul, cross, dist, inner, kron, mv, renorm,
                       tensordot)
from .scattering import (diagonal_scatter, index_copy, masked_scatter, select_scatter, slice_scatter,
                         unravel_index)
from .statistics import (aminmax, corrcoef, count_nonzero, cov, kthvalue, logcumsumexp, median, mode, nanmean,
                         nanmedian, nanquantile, nansum, quantile, std_mean, var_mean)
from .sorting import argsort, bucketize, isin, msort, searchsorted, sort, topk, unique, unique_consecutive
from .floating import FrexpResult, frexp, isneginf, isposinf, isreal, ldexp, logaddexp2, nextafter
from .aliases import (absolute, adjoint, fix, ger, matrix_H, narrow_copy, negative, row_stack, rsub, swapdims,
                      unsafe_chunk, unsafe_split, unsafe_split_with_sizes, vdot)
from .placing import index_put, index_reduce, put
from .dtypes import can_cast, promote_types, result_type, scalar_tensor
from . import random_fills

# log(0), x/0 and friends give -inf/inf/nan exactly as PyTorch does; NumPy's
# warnings about them would only be noise from inside the library.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"rosenblatt\.")

_METHODS = (
    "abs", "acos", "acosh", "add", "addcdiv", "addcmul", "addmm", "addmv", "addr", "all",
    "allclose", "amax", "amin", "aminmax", "any", "arccos", "arccosh", "arcsin", "arcsinh",
    "arctan", "arctan2", "arctanh", "argmax", "argmin", "argsort", "argwhere", "asin", "asinh",
    "atan", "atan2", "atanh", "baddbmm", "bincount", "bitwise_and", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "bmm", "broadcast_to",
    "ceil", "chunk", "clamp", "clamp_max", "clamp_min", "clip", "clone", "contiguous", "copysign",
    "corrcoef", "cos", "cosh", "count_nonzero", "cov", "cross", "cummax", "cummin", "cumprod",
    "cumsum", "deg2rad", "diag", "diag_embed", "diagflat", "diagonal", "diff", "digamma", "dist",
    "div", "dot", "dsplit", "eq", "equal", "erf", "erfc", "erfinv", "exp", "exp2", "expand",
    "expand_as", "expm1", "flatten", "flip", "fliplr", "flipud", "float_power", "floor",
    "floor_divide", "fmax", "fmin", "fmod", "frac", "gather", "gcd", "ge", "greater",
    "greater_equal", "gt", "heaviside", "histc", "histogram", "hsplit", "hypot", "i0", "index_add",
    "index_copy", "index_fill", "index_select", "inner", "isclose", "isfinite", "isinf", "isnan",
    "kron", "kthvalue", "lcm", "le", "lerp", "less", "less_equal", "lgamma", "log", "log10",
    "log1p", "log2", "log_softmax", "logaddexp", "logcumsumexp", "logical_and", "logical_not",
    "logical_or", "logical_xor", "logit", "logsumexp", "lt", "masked_fill", "masked_scatter",
    "masked_select", "matmul", "max", "maximum", "mean", "median", "min", "minimum", "mm", "mode",
    "moveaxis", "movedim", "msort", "mul", "mv", "mvlgamma", "nan_to_num", "nanmean", "nanmedian",
    "nanquantile", "nansum", "narrow", "ne", "neg", "nonzero", "norm", "not_equal", "outer",
    "permute", "positive", "pow", "prod", "quantile", "rad2deg", "ravel", "reciprocal", "relu",
    "remainder", "renorm", "repeat", "repeat_interleave", "reshape", "roll", "rot90", "round",
    "rsqrt", "scatter", "scatter_add", "scatter_reduce", "select", "sgn", "sigmoid", "sign",
    "signbit", "sin", "sinc", "sinh", "softmax", "sort", "split", "sqrt", "square", "squeeze",
    "std", "sub", "sum", "swapaxes", "t", "take", "take_along_dim", "tanh", "tensor_split", "tile",
    "topk", "trace", "transpose", "tril", "triu", "trunc", "unbind", "unflatten", "unfold",
    "unique", "unsqueeze", "var", "view", "vsplit", "xlogy",
    "diagonal_scatter", "ger", "isneginf", "isposinf", "isreal", "ldexp", "logaddexp2", "nextafter",
    "select_scatter", "slice_scatter", "split_with_sizes", "sum_to_size", "swapdims", "tan", "vdot",
    "addbmm", "adjoint", "fix", "frexp", "index_put", "index_reduce", "narrow_copy", "put",
    "unique_consecutive", "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes",
)

#: ops PyTorch also offers in place, ``x.exp_()``: the result is written into ``x`` by ``inplace``
_INPLACE_METHODS = (
    "abs", "acos", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and", "bitwise_not",
    "bitwise_or", "bitwise_xor", "ceil", "copysign", "cos", "cosh", "cumprod", "cumsum", "deg2rad",
    "digamma", "eq", "erf", "erfc", "erfinv", "exp", "exp2", "expm1", "floor", "floor_divide",
    "fmod", "frac", "ge", "gt", "heaviside", "hypot", "i0", "index_add", "index_copy", "index_fill",
    "le", "lgamma", "log", "log10", "log1p", "log2", "logical_and", "logical_not", "logical_or",
    "logical_xor", "logit", "lt", "masked_scatter", "mvlgamma", "nan_to_num", "ne", "neg",
    "rad2deg", "reciprocal", "relu", "remainder", "renorm", "round", "rsqrt", "scatter",
    "scatter_add", "scatter_reduce", "sgn", "sigmoid", "sign", "sin", "sinc", "sinh", "sqrt",
    "square", "tanh", "tril", "triu", "trunc", "xlogy", "tan", "ldexp", "nextafter",
    "addbmm", "addmm", "addmv", "addr", "baddbmm", "fix", "gcd", "index_put", "index_reduce", "lcm", "put",
)

#: in-place random fills and ``fill_diagonal_``, PyTorch's Tensor methods (random_fills.py)
_FILL_METHODS = ("uniform_", "normal_", "bernoulli_", "exponential_", "random_", "cauchy_", "log_normal_",
                 "geometric_", "fill_diagonal_")


def install_methods(cls: type) -> None:
    """Give ``Tensor`` a method for each op PyTorch offers as one (``x.exp()``, ``x.sum(1)``),
    and the in-place ones (``x.exp_()``)."""
    for name in _METHODS:
        setattr(cls, name, globals()[name])
    cls.where = lambda self, condition, other: where(condition, self, other)
    cls.view_as = lambda self, other: reshape(self, other.shape)
    cls.reshape_as = lambda self, other: reshape(self, other.shape)
    cls.type_as = lambda self, other: to_dtype(self, other.dtype)
    cls.multiply, cls.subtract, cls.divide, cls.true_divide = mul, sub, div, div
    cls.absolute, cls.negative = abs, neg
    cls.polygamma, cls.polygamma_ = _polygamma_method, polygamma_  # polygamma(n, self)
    cls.float_power_ = float_power_  # the tensor must be float64: its own check
    cls.hardshrink, cls.prelu = _hardshrink, _prelu
    cls.H = property(matrix_H)
    for name in _INPLACE_METHODS:
        setattr(cls, f"{name}_", _inplace_method(name))
    for name in ("squeeze", "unsqueeze", "t", "transpose", "swapaxes", "swapdims"):
        setattr(cls, f"{name}_", _inplace_view_method(name))
    for name in _FILL_METHODS:
        setattr(cls, name, getattr(random_fills, name))
    cls.multiply_, cls.subtract_, cls.divide_, cls.true_divide_ = cls.mul_, cls.sub_, cls.div_, cls.div_
    cls.clip_, cls.absolute_, cls.negative_ = cls.clamp_, cls.abs_, cls.neg_
    cls.greater_, cls.greater_equal_, cls.less_, cls.less_equal_, cls.not_equal_ = (
        cls.gt_, cls.ge_, cls.lt_, cls.le_, cls.ne_)


def _hardshrink(self: Tensor, lambd: float = 0.5) -> Tensor:
    """``nn.functional.hardshrink(self, lambd)``: PyTorch's ``Tensor.hardshrink``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.tensor([-1.0, 0.3, 2.0]).hardshrink()
        tensor([-1.,  0.,  2.])
    """
    from ..nn.functional import hardshrink  # nn loads on first use, not with rosenblatt
    return hardshrink(self, lambd)


def _prelu(self: Tensor, weight: Tensor) -> Tensor:
    """``nn.functional.prelu(self, weight)``: PyTorch's ``Tensor.prelu``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.tensor([-2.0, 3.0]).prelu(rb.tensor([0.25]))
        tensor([-0.5,  3. ])
    """
    from ..nn.functional import prelu
    return prelu(self, weight)


_hardshrink.__name__ = _hardshrink.__qualname__ = "hardshrink"
_prelu.__name__ = _prelu.__qualname__ = "prelu"


def _inplace_method(name: str) -> Any:
    """``Tensor.<name>_``: ``inplace(self, <name>, ...)``, its errors naming ``<name>_()``."""
    op = globals()[name]

    def named_op(*args: Any, **kwargs: Any) -> Any:  # inplace() names it by __name__, "apply" for most
        return op(*args, **kwargs)

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return inplace(self, named_op, *args, **kwargs)

    named_op.__name__ = name
    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"``{name}`` in place: the result is written into this tensor, as PyTorch's ``{name}_``."
    return method


#: PyTorch's top-level in-place functions (``torch.exp_(x)``) whose method rosenblatt has:
#: ``rosenblatt.exp_`` and the others are made from the method on first use (``inplace_function``).
#: ``clamp_``/``clip_`` are functions of their own (inplace.py).
TOP_LEVEL_INPLACE = frozenset((
    "abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
    "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_max_", "clamp_min_", "cos_", "cosh_",
    "deg2rad_", "detach_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_",
    "i0_", "ldexp_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_",
    "negative_", "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_",
    "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_",
    "addmv_", "gcd_", "index_put_", "lcm_", "resize_as_",
))

#: the arguments after the tensor in each generated example, where the method needs some
_EXAMPLE_ARGS = {"clamp_max_": "0.3", "clamp_min_": "0.3", "fill_": "1.0", "xlogy_": "2.0",
                 "ldexp_": "rb.tensor([1.0, 2.0])", "addmv_": "rb.ones(2, 3), rb.ones(3)",
                 "gcd_": "rb.tensor([6, 4])", "lcm_": "rb.tensor([6, 4])",
                 "index_put_": "(rb.tensor([1]),), rb.tensor(2.0)", "resize_as_": "rb.zeros(2)"}
#: the tensor in each generated example, where the method needs another than ``[0.25, 0.5]``
_EXAMPLE_VALUES = {"gcd_": "[4, 6]", "lcm_": "[4, 6]"}


def inplace_function(name: str) -> Any:
    """``rosenblatt.<name>(input, *args, **kwargs)``: the method ``input.<name>(*args, **kwargs)``,
    as PyTorch's top-level in-place functions (``torch.exp_(x)`` is ``x.exp_()``)."""
    if name not in TOP_LEVEL_INPLACE:
        raise AttributeError(f"module 'rosenblatt' has no attribute {name!r}")

    def function(input: Any, *args: Any, **kwargs: Any) -> Any:
        method = getattr(input, name, None) if isinstance(input, Tensor) else None
        if method is None:
            raise TypeError(f"{name}(): expected a Tensor to change in place, got {type(input).__name__}")
        return method(*args, **kwargs)

    values = "[1.25, 1.5]" if "cosh" in name else "[0.25, 0.5]"  # inside every op's domain
    values = _EXAMPLE_VALUES.get(name, values)
    args = ", " + _EXAMPLE_ARGS[name] if name in _EXAMPLE_ARGS else ""
    function.__name__ = function.__qualname__ = name
    function.__module__ = "rosenblatt"
    function.__doc__ = (
        f"``input.{name}(...)``: the method as a function, changing ``input`` in place and "
        f"returning it, as PyTorch's ``torch.{name}``.\n\n"
        f"    Example:\n"
        f"        >>> import rosenblatt as rb\n"
        f"        >>> x, y = rb.tensor({values}), rb.tensor({values})\n"
        f"        >>> rb.{name}(x{args}) is x, rb.allclose(x, y.{name}({args[2:]}), equal_nan=True)\n"
        f"        (True, True)\n")
    return function


def _inplace_view_method(name: str) -> Any:
    """``Tensor.<name>_``: the tensor itself takes ``<name>``'s shape (``inplace_view``)."""
    op = globals()[name]

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return inplace_view(self, op, f"{name}_()", *args, **kwargs)

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"``{name}`` in place: this tensor takes the new shape, as PyTorch's ``{name}_``."
    return method
