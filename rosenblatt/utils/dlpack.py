"""``rosenblatt.utils.dlpack``: tensors shared with other libraries without a copy (DLPack),
PyTorch's ``torch.utils.dlpack``.

``from_dlpack(x)`` wraps the memory of any CPU array that offers ``__dlpack__`` (a torch
tensor, a NumPy, JAX or CuPy-on-host array) or of a DLPack capsule; ``Tensor.__dlpack__``
lets ``torch.from_dlpack(t)`` and ``numpy.from_dlpack(t)`` do the same the other way.  Writes
through either show in the other.

Example:
    >>> import numpy as np
    >>> import rosenblatt as rb
    >>> from rosenblatt.utils.dlpack import from_dlpack
    >>> a = np.zeros(3, dtype=np.float32)
    >>> t = from_dlpack(a)
    >>> a[0] = 7.0
    >>> t
    tensor([7., 0., 0.])
    >>> np.from_dlpack(t)[1] = 5.0
    >>> t
    tensor([7., 5., 0.])
"""
from __future__ import annotations

from typing import Any

from .._backend import xp
from .._device import check_device
from .._strided import address, export, view
from ..tensor import Tensor

#: DLPack device types whose memory the CPU reads (NumPy accepts these): CPU, CUDA host
#: (pinned), ROCm host, CUDA managed.
_HOST_DEVICES = frozenset({1, 3, 11, 13})
_DEVICE_NAMES = {2: "cuda", 4: "opencl", 7: "vulkan", 8: "metal", 9: "vpi", 10: "rocm", 12: "ext_dev",
                 14: "oneapi", 15: "webgpu", 16: "hexagon", 17: "maia"}


def from_dlpack(ext_tensor: Any, *, device: Any = None, copy: bool | None = None) -> Tensor:
    """A tensor sharing the memory of ``ext_tensor``, a CPU array with ``__dlpack__`` or a
    DLPack capsule (which can be used once), as ``torch.from_dlpack``.

    Args:
        ext_tensor: a torch tensor, a NumPy array, any object with ``__dlpack__`` and
            ``__dlpack_device__``, or the capsule ``torch.utils.dlpack.to_dlpack`` gives.
        device (optional): the CPU, the only one.
        copy (bool, optional): True copies, False refuses to, None (default) shares the memory.

    Returns:
        A tensor of the same shape, strides and dtype; writes show through both.  A tensor
        that requires grad is refused by its own ``__dlpack__`` (torch's: ``detach()`` it).

    Raises:
        RuntimeError: for memory off the CPU, or a dtype NumPy can't hold (bfloat16, the
            float8 dtypes): move or convert it first (``t.cpu()``, ``t.float()``).

    Example:
        >>> import torch
        >>> import rosenblatt as rb
        >>> x = torch.arange(4.0)
        >>> t = rb.from_dlpack(x)
        >>> t.add_(1.0)
        tensor([1., 2., 3., 4.])
        >>> x
        tensor([1., 2., 3., 4.])
    """
    check_device("from_dlpack()", device)
    capsule = type(ext_tensor).__name__ == "PyCapsule"
    if capsule:
        ext_tensor = _Capsule(ext_tensor)
    elif not hasattr(ext_tensor, "__dlpack__"):
        raise TypeError(f"from_dlpack(): expected an object with __dlpack__ (a torch, NumPy, JAX or CuPy "
                        f"array) or a DLPack capsule, got {type(ext_tensor).__name__}; for Python data "
                        "use rosenblatt.tensor()")
    else:
        kind, index = ext_tensor.__dlpack_device__()
        if int(kind) not in _HOST_DEVICES:
            name = _DEVICE_NAMES.get(int(kind), f"DLPack device type {int(kind)}")
            raise RuntimeError(f"from_dlpack(): the tensor is on {name}:{index}, and rosenblatt computes "
                               "on the CPU only; move it to the CPU first (e.g. t.cpu())")
    try:
        if capsule or copy is None:  # a capsule is what it is: copy after, not through it
            array = xp.from_dlpack(ext_tensor)
        else:
            array = xp.from_dlpack(ext_tensor, copy=copy)
    except RuntimeError as error:
        message = str(error)
        if "dtype" in message:
            dtype = getattr(ext_tensor, "dtype", "its dtype")
            raise RuntimeError(f"from_dlpack(): NumPy, which holds rosenblatt's tensors, has no {dtype} "
                               "dtype; convert it first (e.g. t.float())") from None
        if "device" in message:
            raise RuntimeError("from_dlpack(): the capsule's memory is not on the CPU, and rosenblatt "
                               "computes on the CPU only; move it to the CPU first (e.g. t.cpu())") from None
        raise
    except ValueError as error:
        if capsule and "capsule" in str(error).lower():
            raise RuntimeError("from_dlpack received an invalid capsule. Note that DLTensor capsules can "
                               "be consumed only once, so you might have already constructed a tensor "
                               "from it once.") from None
        raise
    if capsule and copy:
        array = array.copy()
    elif capsule and not array.flags.writeable:
        # A capsule is legacy DLPack, with no read-only flag: NumPy plays safe and marks the
        # array read-only, torch takes the memory as writable.  As torch: the same memory,
        # writable, held alive by what NumPy's array holds (the capsule).
        array = view(array.base, address(array), array.shape, array.strides, array.dtype, True)
    return Tensor._wrap(array)


class _Capsule:
    """A DLPack capsule as the object ``numpy.from_dlpack`` takes; NumPy checks the device the
    capsule's tensor names itself."""

    def __init__(self, capsule: Any) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self.capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        return (1, 0)


def to_dlpack(tensor: Tensor) -> Any:
    """A DLPack capsule of ``tensor``'s memory (the legacy, unversioned kind), as
    ``torch.utils.dlpack.to_dlpack``: ``torch.utils.dlpack.from_dlpack`` or ``from_dlpack``
    take it, once.  Like torch's, it exports a tensor that requires grad (``__dlpack__``
    refuses to).

    Example:
        >>> import torch
        >>> import rosenblatt as rb
        >>> from rosenblatt.utils.dlpack import to_dlpack
        >>> torch.utils.dlpack.from_dlpack(to_dlpack(rb.arange(3)))
        tensor([0, 1, 2])
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack(): expected a Tensor, got {type(tensor).__name__}")
    return export(tensor.data)


__all__ = ["from_dlpack", "to_dlpack"]
