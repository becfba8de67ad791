"""``save`` and ``load``: checkpoints in the safetensors format, never pickle.

Tensors go into safetensors entries; everything around them (nested dicts and
lists, numbers, strings, ``None``) goes into the file's metadata as JSON, with
each tensor replaced by its entry name.  So a model state dict saved here is a
plain safetensors file any reader (``safetensors.torch.load_file``) opens, and a
whole training checkpoint comes back with its exact structure::

    {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}

Why no pickle: unpickling runs arbitrary code from the file.  Why atomic
writes: a crash during ``save`` must not destroy the last good checkpoint, so
the file is written beside the target, flushed to disk, then renamed over it.

The JSON nodes are tagged so nothing is ambiguous: ``{"t": name}`` a tensor,
``{"d": [[key, value], ...]}`` a dict (keys keep their type: ``0`` stays an int),
``{"u": [...]}`` a tuple; lists, strings, numbers, booleans and null are themselves.
"""
from __future__ import annotations

import os
import zlib
from typing import Any

from ._backend import xp
from ._device import check_device, device
from .tensor import Tensor

#: the metadata key holding the JSON structure of a rosenblatt checkpoint.
_KEY = "rosenblatt"
_FORMAT = 1
_Path = str | os.PathLike


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _safetensors() -> Any:
    try:
        import safetensors
        import safetensors.numpy  # noqa: F401
    except ImportError as e:  # optional dependency
        raise ImportError("rosenblatt.save/load need the 'safetensors' package: "
                          "pip install safetensors") from e
    return safetensors


class _Encoder:
    """Walks the object, collecting tensors into ``arrays`` and returning the JSON tree."""

    def __init__(self) -> None:
        self.arrays: dict[str, Any] = {}

    def name(self, path: list[str]) -> str:
        name = ".".join(path) or "tensor"
        # {"a.b": x, "a": {"b": y}} flatten to the same name; "__metadata__" is the header's
        # own key (a tensor under it made a file nothing could read)
        if name in self.arrays or name == "__metadata__":
            i = 1
            while f"{name}#{i}" in self.arrays:
                i += 1
            name = f"{name}#{i}"
        return name

    def encode(self, obj: Any, path: list[str]) -> Any:
        if isinstance(obj, Tensor):
            if hasattr(obj, "cls_to_become"):  # nn.UninitializedParameter/Buffer: a lazy layer's
                raise ValueError(
                    f"save(): the tensor at {_where(path)} is a lazy module's uninitialized placeholder "
                    f"({type(obj).__name__}), with no shape or values yet; call the model once on a "
                    f"dummy batch before saving it")
            obj = obj.data
        if isinstance(obj, xp.ndarray):
            if obj.dtype.kind not in "biuf" or obj.dtype.itemsize > 8:
                raise TypeError(f"save(): the array at {_where(path)} has dtype {obj.dtype}; "
                                f"only bool, integer and floating dtypes up to 64 bits can be saved")
            name = self.name(path)
            # safetensors writes raw memory as little-endian: a strided view must be made
            # contiguous (not with ascontiguousarray, which turns 0-d arrays into 1-d ones)
            # and a big-endian array swapped (its bytes were written as is, a garbled file)
            if not obj.dtype.isnative:
                obj = obj.astype(obj.dtype.newbyteorder("="))
            self.arrays[name] = obj if obj.flags.c_contiguous else obj.copy(order="C")
            return {"t": name}
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, xp.generic):  # NumPy scalars: their Python value
            return obj.item()
        if isinstance(obj, dict):
            items = []
            for k, v in obj.items():
                if not (k is None or isinstance(k, (str, int, float, bool))):
                    raise TypeError(f"save(): dict key {k!r} at {_where(path)} is a "
                                    f"{type(k).__name__}; keys must be str, int, float or bool")
                items.append([k, self.encode(v, path + [str(k)])])
            return {"d": items}
        if isinstance(obj, (list, tuple)):
            seq = [self.encode(v, path + [str(i)]) for i, v in enumerate(obj)]
            return {"u": seq} if isinstance(obj, tuple) else seq
        kind = type(obj).__qualname__
        if type(obj).__module__ != "builtins":  # "torch.Tensor", not a bare "Tensor"
            kind = f"{type(obj).__module__.split('.')[0]}.{kind}"
        raise TypeError(
            f"save(): can't store a {kind} at {_where(path)}; a checkpoint holds rosenblatt "
            f"tensors, NumPy arrays, dicts, lists, tuples, str, int, float, bool and None"
        )


def _where(path: list[str]) -> str:
    return repr(".".join(path)) if path else "the top level"


def _decode(node: Any, tensors: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_decode(v, tensors) for v in node]
    if not isinstance(node, dict):
        return node
    if "t" in node:
        return Tensor._wrap(tensors[node["t"]])
    if "u" in node:
        return tuple(_decode(v, tensors) for v in node["u"])
    return {k: _decode(v, tensors) for k, v in node["d"]}


def _checksum(array: Any) -> int:
    return zlib.crc32(memoryview(array).cast("B")) if array.size else 0


def _read_bfloat16_as_float32(path: str, names: list[str]) -> dict[str, Any]:
    """The bfloat16 tensors ``names`` of a safetensors file, widened to float32.

    NumPy has no bfloat16 (PyTorch checkpoints often are), so safetensors cannot hand them
    over; bfloat16 is float32's top 16 bits, so the widening is exact.
    """
    import json

    with open(path, "rb") as fh:
        header_size = int.from_bytes(fh.read(8), "little")
        header = json.loads(fh.read(header_size))
        arrays = {}
        for name in names:
            start, end = header[name]["data_offsets"]
            fh.seek(8 + header_size + start)
            halves = xp.frombuffer(fh.read(end - start), dtype="<u2")
            arrays[name] = (halves.astype(xp.uint32) << 16).view(xp.float32).reshape(header[name]["shape"])
    return arrays


def save(obj: Any, f: _Path) -> None:
    """Save tensors, or a nested checkpoint of them, to the safetensors file ``f``, atomically.

    Args:
        obj: a tensor, a state dict (``name -> tensor``), or any nesting of dicts,
            lists and tuples holding tensors, NumPy arrays, str, int, float, bool
            and None (dict keys: str, int, float or bool).
        f: the file path.  Written to a temporary file in the same directory,
            synced, then renamed over ``f``: a failed save leaves an older ``f`` intact.

    Example:
        >>> import os, tempfile
        >>> import rosenblatt as rb
        >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.safetensors")
        >>> rb.save({"w": rb.ones(2), "epoch": 3, "state": {0: {"step": 5}}}, path)
        >>> rb.load(path)["state"][0]["step"]
        5
    """
    import json  # here, not at the top: with tempfile they add ~10 ms to `import rosenblatt`
    import tempfile

    safetensors = _safetensors()
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    # checked here: the errors of the temporary file would name it, not f
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save(): the directory of {path!r} does not exist; create it first")
    if os.path.isdir(path):
        raise IsADirectoryError(f"save(): {path!r} is a directory; name a file in it")
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        encoder = _Encoder()
        tree = encoder.encode(obj, [])
        checksums = {name: _checksum(a) for name, a in encoder.arrays.items()}
        meta = json.dumps({"format": _FORMAT, "tree": tree, "crc32": checksums})
        safetensors.numpy.save_file(encoder.arrays, tmp, metadata={_KEY: meta})
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private (0600); give the usual mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    try:  # make the rename itself durable; not every platform can open a directory
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def load(f: _Path, map_location: Any = None, *, weights_only: bool | None = None) -> Any:
    """Load what :func:`save` wrote, or any safetensors file (as a flat ``name -> Tensor`` dict).

    Tensors come back as rosenblatt tensors with their saved dtypes (bfloat16, which
    NumPy lacks, as float32); dict keys, ints, tuples and the nesting come back exactly.

    ``map_location`` (None, ``'cpu'`` or ``device('cpu')``: the CPU is the only device)
    and ``weights_only`` are PyTorch's arguments, taken so its scripts run: the file
    holds tensors and plain values only, never pickled code, so every load is
    weights-only.

    Raises:
        ValueError: ``f`` is truncated or corrupted (it names the file).

    Example:
        >>> import os, tempfile
        >>> import rosenblatt as rb
        >>> path = os.path.join(tempfile.mkdtemp(), "w.safetensors")
        >>> rb.save({"weight": rb.zeros(2, 3)}, path)
        >>> rb.load(path)["weight"].shape
        (2, 3)
    """
    import json  # here, not at the top: it adds to `import rosenblatt`

    if not isinstance(map_location, (str, device, type(None))):
        raise TypeError(f"load(): map_location must be None, a device string or a rosenblatt.device "
                        f"(the CPU is the only device), got {map_location!r}")
    check_device("load()", map_location)
    safetensors = _safetensors()
    path = os.fspath(f)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load(): no such file: {path!r}")
    if os.path.isdir(path):  # safetensors' own error reads "No such device (os error 19)"
        raise IsADirectoryError(f"load(): {path!r} is a directory; pass the checkpoint file in it")
    try:
        with safetensors.safe_open(path, framework="numpy") as fh:
            meta = fh.metadata() or {}
            names = list(fh.keys())
            bfloat16 = [name for name in names if fh.get_slice(name).get_dtype() == "BF16"]
            tensors = {name: fh.get_tensor(name) for name in names if name not in bfloat16}
    except safetensors.SafetensorError as e:
        raise ValueError(f"load(): {path!r} is not a readable safetensors file (truncated or "
                         f"corrupted?): {e}") from e
    if bfloat16:
        tensors.update(_read_bfloat16_as_float32(path, bfloat16))
        tensors = {name: tensors[name] for name in names}
    if _KEY not in meta:
        return {name: Tensor._wrap(array) for name, array in tensors.items()}
    try:
        info = json.loads(meta[_KEY])
        checksums = info["crc32"]
        for name, array in tensors.items():
            if checksums.get(name) != _checksum(array):
                raise ValueError(f"load(): {path!r} is corrupted: the data of tensor {name!r} "
                                 f"does not match its checksum")
        return _decode(info["tree"], tensors)
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as e:
        raise ValueError(f"load(): {path!r} has corrupted rosenblatt metadata: {e!r}") from e
