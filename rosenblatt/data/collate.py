"""Turning a list of samples into one batch: ``default_collate`` and ``default_convert``."""
from __future__ import annotations

import collections.abc
import copy
from typing import Any, Sequence

from .._backend import xp
from .. import _backend
from ..ops.arithmetic import result_type
from ..tensor import Tensor


def _stack(batch: Sequence[Any]) -> Tensor:
    if isinstance(batch[0], Tensor):
        if any(t.requires_grad for t in batch):
            from ..ops import stack  # keeps the graph, as torch.stack in PyTorch's collate does
            return stack(list(batch))
        arrays = [t.data for t in batch]
    else:
        arrays = batch
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise RuntimeError(f"default_collate: stack expects each sample to have the same shape, got {sorted(shapes)}; "
                           "pad the samples or pass a collate_fn that does")
    # Mixed dtypes promote as torch.stack does: int64 with float32 gives float32 (NumPy: float64)
    dtype = result_type(*arrays) if len({a.dtype for a in arrays}) > 1 else None
    return Tensor._wrap(xp.stack(arrays, dtype=dtype))


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, recursing into tuples, lists and dicts.

    Tensors and NumPy arrays are stacked along a new first dim; Python ints
    become an int64 tensor, floats a float64 tensor, bools a bool tensor (as in
    PyTorch); strings stay as they are (a list of the batch, a tuple per field of
    tuple samples).  A tuple or list of fields gives a list of collated fields, a
    mapping the same kind of mapping, a namedtuple the same namedtuple.

    Example:
        >>> import rosenblatt as rb
        >>> x, y = default_collate([(rb.zeros(3), 1), (rb.ones(3), 0)])
        >>> x.shape, y.dtype
        ((2, 3), dtype('int64'))
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch)
    if isinstance(elem, xp.ndarray):
        if elem.dtype.kind in "OSUV":
            raise TypeError(f"default_collate: cannot batch numpy arrays of dtype {elem.dtype}; "
                            "pass a collate_fn")
        return _stack(batch)
    if isinstance(elem, xp.generic):
        return Tensor._wrap(xp.asarray(batch))
    if isinstance(elem, float):
        return Tensor._wrap(xp.asarray(batch, dtype=xp.float64))
    if isinstance(elem, int):  # bool too; the dtype comes from every value: [1, 2.5] is the default dtype
        values = xp.asarray(batch)  # NumPy's kind is PyTorch's here: bool, int64 or float
        return Tensor._wrap(values.astype(_backend.default_float) if values.dtype.kind == "f" else values)
    if isinstance(elem, (str, bytes)):
        return batch  # as is: a tuple when it is a field of tuple samples, as in PyTorch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):  # keeps OrderedDict, defaultdict, ...
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("default_collate: each element in list of batch should be of equal size, "
                               f"got sizes {sorted({len(e) for e in batch})}")
        return [default_collate(s) for s in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain Tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(elem).__name__}; pass a collate_fn for other types")


def default_convert(data: Any) -> Any:
    """Turn NumPy arrays (also inside tuples, lists, dicts) into Tensors; used when ``batch_size=None``."""
    if isinstance(data, xp.ndarray) and data.dtype.kind not in "OSUV":
        return Tensor._wrap(data)
    if isinstance(data, xp.generic):
        return Tensor._wrap(xp.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data
