"""The op catalogue: every differentiable op as a function, re-exported here.

Ops are grouped by kind in the modules beside this file; ``install_methods``
makes the ones PyTorch also offers as methods available as ``Tensor`` methods.
"""
from __future__ import annotations

import warnings

from .arithmetic import (add, allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor,
                         clamp, clamp_max, clamp_min, clip, div, eq, equal, floor_divide, fmod, ge,
                         greater, greater_equal, gt, isclose, isfinite, isinf, isnan, le, lerp,
                         less, less_equal, logical_and, logical_not, logical_or, logical_xor, lt,
                         maximum, minimum, mul, ne, neg, not_equal, pow, remainder, sign, square,
                         sub, where)
from .indexing import gather, getitem, index_put, index_select, masked_fill, scatter_add, setitem_
from .inplace import copy_from, full_like_of, inplace
from .linalg import bmm, dot, einsum, matmul, mm, outer
from .pointwise import (abs, ceil, cos, exp, expm1, floor, log, log1p, log2, log10, reciprocal,
                        relu, round, rsqrt, sigmoid, sin, sqrt, tanh, to_dtype, trunc)
from .reduction import (all, amax, amin, any, argmax, argmin, cumprod, cumsum, logsumexp, max, mean,
                        min, norm, prod, std, sum, var)
from .shape import (broadcast_to, cat, chunk, clone, concat, concatenate, contiguous, expand,
                    expand_as, flatten, flip, movedim, pad, permute, repeat, reshape, split,
                    squeeze, stack, swapaxes, t, transpose, tril, triu, unbind, unflatten,
                    unsqueeze, view)
from .softmax import log_softmax, one_hot, softmax
from .sorting import argsort, sort, topk

# log(0), x/0 and friends give -inf/inf/nan exactly as PyTorch does; NumPy's
# warnings about them would only be noise from inside the library.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"rosenblatt\.")

_METHODS = (
    "abs", "add", "all", "allclose", "amax", "amin", "any", "argmax", "argmin", "argsort", "bitwise_and",
    "bitwise_not", "bitwise_or", "bitwise_xor", "broadcast_to",
    "ceil", "chunk", "clamp", "clamp_max", "clamp_min", "clip", "clone", "contiguous", "cos", "cumprod", "cumsum", "div", "dot", "eq",
    "equal", "exp", "expand", "expand_as", "expm1", "flatten", "flip", "floor", "floor_divide",
    "fmod", "gather", "ge", "gt", "index_select", "isclose", "isfinite", "isinf", "isnan", "le",
    "lerp", "log", "log10", "log1p", "log2", "log_softmax", "logical_and", "logical_not",
    "logical_or", "logical_xor", "logsumexp", "lt", "masked_fill", "matmul", "max", "maximum",
    "mean", "min", "minimum", "mm", "bmm", "movedim", "mul", "ne", "neg", "norm", "outer",
    "permute", "pow", "prod", "reciprocal", "relu", "remainder", "repeat", "reshape", "round",
    "rsqrt", "scatter_add", "sigmoid", "sign", "sin", "softmax", "sort", "split", "sqrt", "square",
    "squeeze", "std", "sub", "sum", "swapaxes", "t", "tanh", "topk", "transpose", "tril", "triu", "trunc",
    "unbind", "unflatten", "unsqueeze", "var", "view",
)


def install_methods(cls: type) -> None:
    """Give ``Tensor`` a method for each op PyTorch offers as one (``x.exp()``, ``x.sum(1)``)."""
    for name in _METHODS:
        setattr(cls, name, globals()[name])
    cls.where = lambda self, condition, other: where(condition, self, other)
    cls.view_as = lambda self, other: reshape(self, other.shape)
    cls.reshape_as = lambda self, other: reshape(self, other.shape)
    cls.type_as = lambda self, other: to_dtype(self, other.dtype)
    cls.multiply, cls.subtract, cls.divide, cls.true_divide = mul, sub, div, div
    cls.absolute, cls.negative = abs, neg
