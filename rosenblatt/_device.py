"""``device``: where a tensor's memory lives, as ``torch.device``.

This release computes on the CPU only.  Scripts written for PyTorch name devices
(``torch.device("cuda" if torch.cuda.is_available() else "cpu")``, ``zeros(3,
device=x.device)``, ``model.to(device)``); they run unchanged, on the CPU, and
asking for any other device raises an error that says so.
"""
from __future__ import annotations

from typing import Any

# PyTorch's device types: naming one is not an error, moving memory to it is.
_TYPES = ("cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "ipu", "hpu", "mtia")


class device:
    """A device type and optional index: ``device("cpu")``, ``device("cuda:1")``, ``device("cuda", 1)``.

    Equal to another device of the same type and index (not to a string, as in
    PyTorch); ``str()`` gives ``"cpu"`` or ``"cuda:1"``.

    Example:
        >>> import rosenblatt as rb
        >>> rb.zeros(2).device
        device(type='cpu')
        >>> str(rb.device("cuda", 1))
        'cuda:1'
    """

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device | int", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, int) and not isinstance(type, bool):  # device(0): the first GPU
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a str, a device or an int, got {type!r}")
        name, colon, number = type.partition(":")
        if name not in _TYPES:
            raise RuntimeError(f"device(): expected one of {', '.join(_TYPES)} at the start of the "
                               f"device string, got {type!r}")
        if colon:
            if index is not None or not number.isdigit():
                raise RuntimeError(f"device(): invalid device string {type!r}")
            index = int(number)
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"device(): index must be a non-negative int, got {index!r}")
        self.type, self.index = name, index

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"


CPU = device("cpu")


def check_device(op: str, value: Any) -> None:
    """Raise unless ``value`` (None, a device string or a ``device``) names the CPU."""
    if value is None:
        return
    if not isinstance(value, device):
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise TypeError(f"{op}: device must be a str or a rosenblatt.device, got {value!r}")
        value = device(value)
    if value.type != "cpu":
        raise ValueError(f"{op}: device {str(value)!r} is not available; this release computes on the "
                         f"CPU only (rosenblatt.cuda.is_available() is False): use 'cpu'")
