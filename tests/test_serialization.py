"""save/load: safetensors files with the checkpoint's structure in JSON metadata, written atomically."""
from __future__ import annotations

import os

import numpy
import pytest
import safetensors.torch
import torch

import rosenblatt as rb
from rosenblatt import optim
from rosenblatt.optim import lr_scheduler
from rosenblatt.serialization import load, save


def plain(obj):
    """Tensors as (dtype, values) pairs, so whole structures compare with ==."""
    if isinstance(obj, rb.Tensor):
        return ("tensor", str(obj.dtype), obj.shape, obj.data.tolist())
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(plain(v) for v in obj)
    return obj


def state_dict(rng):
    return {
        "fc.weight": rb.tensor(rng.standard_normal((3, 4)).astype(numpy.float32)),
        "fc.bias": rb.tensor(rng.standard_normal(3)),  # float64
        "bn.num_batches_tracked": rb.tensor(7),  # int64, 0-d
        "mask": rb.tensor([True, False, True]),
        "empty": rb.zeros(0, 2),
        "strided": rb.tensor(numpy.arange(12, dtype=numpy.float32).reshape(3, 4)[:, ::2]),
        "raw": numpy.arange(4, dtype=numpy.int32),
    }


def test_state_dict_round_trip(tmp_path, rng):
    sd = state_dict(rng)
    path = tmp_path / "model.safetensors"
    save(sd, path)
    back = load(path)
    assert list(back) == list(sd)
    for name, value in sd.items():
        want = value.data if isinstance(value, rb.Tensor) else value
        assert isinstance(back[name], rb.Tensor)
        assert back[name].dtype == want.dtype and back[name].shape == want.shape
        numpy.testing.assert_array_equal(back[name].data, want)
    numpy.testing.assert_array_equal(back["strided"].data, [[0, 2], [4, 6], [8, 10]])
    assert back["fc.weight"].data.flags.writeable
    # a plain safetensors file: other readers see the state dict by its names
    theirs = safetensors.torch.load_file(str(path))
    assert set(theirs) == set(sd)
    numpy.testing.assert_array_equal(theirs["fc.weight"].numpy(), sd["fc.weight"].data)
    assert theirs["bn.num_batches_tracked"].dtype == torch.int64


def test_nested_checkpoint_round_trip(tmp_path, rng):
    params = [rb.tensor(rng.standard_normal(s).astype(numpy.float32), requires_grad=True)
              for s in [(3, 2), (2,)]]
    opt = optim.Adam([{"params": params[:1]}, {"params": params[1:], "lr": 0.1, "amsgrad": True}])
    sched = lr_scheduler.MultiStepLR(opt, milestones=[2, 5])
    plateau = lr_scheduler.ReduceLROnPlateau(opt)
    plateau.step(1.0)
    for _ in range(3):
        for p in params:
            p.grad = rb.tensor(rng.standard_normal(p.shape).astype(numpy.float32))
        opt.step()
        sched.step()
    ckpt = {"model": {"w": params[0], "b": params[1]}, "optimizer": opt.state_dict(),
            "scheduler": sched.state_dict(), "plateau": plateau.state_dict(), "epoch": 3,
            "rng": rb.get_rng_state(), "history": [0.5, 0.25, None, True, "done", (1, 2.0)],
            "weird keys": {1: "int", 2.5: "float", False: "bool", "a.b": rb.ones(1),
                           "a": {"b": rb.zeros(1)}}}
    path = tmp_path / "ckpt.safetensors"
    save(ckpt, path)
    back = load(path)
    assert plain(back) == plain(ckpt)
    assert list(back["optimizer"]["state"]) == [0, 1]  # int keys stay ints
    assert back["optimizer"]["param_groups"][1]["betas"] == (0.9, 0.999)
    assert back["plateau"]["best"] == 1.0 and back["plateau"]["mode_worse"] == float("inf")
    assert back["weird keys"]["a.b"].data.tolist() == [1.0]

    # the loaded checkpoint resumes training exactly
    copies = [rb.tensor(back["model"][k].data, requires_grad=True) for k in ("w", "b")]
    opt2 = optim.Adam([{"params": copies[:1]}, {"params": copies[1:]}])
    opt2.load_state_dict(back["optimizer"])
    sched2 = lr_scheduler.MultiStepLR(opt2, milestones=[2, 5])
    sched2.load_state_dict(back["scheduler"])
    rb.set_rng_state(back["rng"])
    for _ in range(3):
        grads = [rng.standard_normal(p.shape).astype(numpy.float32) for p in params]
        for group in (params, copies):
            for p, g in zip(group, grads):
                p.grad = rb.tensor(g)
        for o, s in ((opt, sched), (opt2, sched2)):
            o.step()
            s.step()
    for p, c in zip(params, copies):
        numpy.testing.assert_array_equal(p.data, c.data)
    assert opt2.param_groups[1]["lr"] == opt.param_groups[1]["lr"]


def test_rng_state_survives(tmp_path):
    rb.manual_seed(3)
    rb.randn(5)
    save({"rng": rb.get_rng_state()}, tmp_path / "r.safetensors")
    expected = rb.randn(4).data.copy()
    rb.manual_seed(99)
    rb.set_rng_state(load(tmp_path / "r.safetensors")["rng"])
    numpy.testing.assert_array_equal(rb.randn(4).data, expected)


def test_failed_save_keeps_the_old_file(tmp_path, rng):
    path = tmp_path / "ckpt.safetensors"
    save(state_dict(rng), path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"can't store a function at 'extra.hook'"):
        save({"w": rb.ones(1000), "extra": {"hook": lambda: None}}, path)
    with pytest.raises(TypeError, match="dtype complex128"):
        save({"w": rb.ones(3), "z": numpy.ones(2, dtype=complex)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]
    # the rename itself failing (the target is a directory) still cleans up the written temp file
    (tmp_path / "dir").mkdir()
    with pytest.raises(OSError):
        save({"w": rb.ones(3)}, tmp_path / "dir")
    assert sorted(os.listdir(tmp_path)) == ["ckpt.safetensors", "dir"]
    assert os.listdir(tmp_path / "dir") == []


def test_overwrite_replaces(tmp_path):
    path = tmp_path / "a.safetensors"
    save({"x": rb.ones(2)}, path)
    save({"y": rb.zeros(3)}, path)
    assert list(load(path)) == ["y"]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip data", "empty"])
def test_corrupted_files_raise_naming_the_file(tmp_path, damage, rng):
    path = tmp_path / "bad.safetensors"
    save(state_dict(rng), path)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 10]
    elif damage == "garbage":
        data = bytearray(b"this is not a safetensors file at all")
    elif damage == "flip data":
        data[-20] ^= 0xFF
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="bad.safetensors"):
        load(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.safetensors"):
        load(tmp_path / "nope.safetensors")


def test_loads_a_state_dict_saved_by_torch(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3),
                                torch.nn.Linear(3, 2).double())
    sd = model.state_dict()
    path = tmp_path / "torch.safetensors"
    safetensors.torch.save_file(sd, str(path))
    back = load(path)
    assert set(back) == set(sd)
    for name, value in sd.items():
        assert isinstance(back[name], rb.Tensor)
        assert str(back[name].dtype) == str(value.dtype).removeprefix("torch.")
        numpy.testing.assert_array_equal(back[name].data, value.numpy())
    assert back["1.num_batches_tracked"].dtype == numpy.int64
    assert back["2.weight"].dtype == numpy.float64


def test_loading_a_directory_or_saving_a_torch_tensor_says_so(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory"):
        load(tmp_path)
    with pytest.raises(IsADirectoryError, match=r"save\(\): .* is a directory"):
        save({"w": rb.ones(2)}, tmp_path)
    with pytest.raises(FileNotFoundError, match=r"save\(\): the directory of .*nodir.* does not exist"):
        save({"w": rb.ones(2)}, tmp_path / "nodir" / "ckpt.safetensors")  # named the temporary file
    assert os.listdir(tmp_path) == []
    with pytest.raises(TypeError, match="can't store a torch.Tensor at 'w'"):
        save({"w": torch.ones(2)}, tmp_path / "ckpt.safetensors")


def test_big_endian_arrays_round_trip_and_wider_floats_are_refused(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    big_endian = numpy.arange(6, dtype=">f4").reshape(2, 3)[:, ::2]
    save({"a": big_endian}, path)  # its bytes were written unswapped: load found it corrupted
    back = load(path)["a"].data
    assert back.dtype == numpy.float32
    numpy.testing.assert_array_equal(back, big_endian)
    if numpy.dtype(numpy.longdouble).itemsize > 8:  # safetensors' own error named no path before
        with pytest.raises(TypeError, match="up to 64 bits"):
            save({"a": numpy.ones(2, dtype=numpy.longdouble)}, path)


def test_a_tensor_named_like_the_header_key_round_trips(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    save({"__metadata__": rb.ones(2), "x": {"__metadata__": rb.zeros(1)}}, path)
    back = load(path)
    numpy.testing.assert_array_equal(back["__metadata__"].data, [1.0, 1.0])
    numpy.testing.assert_array_equal(back["x"]["__metadata__"].data, [0.0])


def test_loads_a_bfloat16_state_dict_saved_by_torch_as_float32(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2)).to(torch.bfloat16)
    path = tmp_path / "bf16.safetensors"
    safetensors.torch.save_file(model.state_dict(), str(path))
    back = load(path)  # NumPy has no bfloat16: this raised "data type 'bfloat16' not understood"
    assert list(back) == sorted(model.state_dict())
    for name, value in model.state_dict().items():
        assert back[name].dtype == numpy.float32
        numpy.testing.assert_array_equal(back[name].data, value.float().numpy())
    rb.nn.Sequential(rb.nn.Linear(4, 3), rb.nn.Linear(3, 2)).load_state_dict(back)


def test_saved_files_get_the_usual_permissions_not_private_temp_ones(tmp_path):
    import os
    import stat
    import rosenblatt as rb
    mask = os.umask(0o022)
    try:
        path = tmp_path / "ckpt.safetensors"
        rb.save({"w": rb.ones(2)}, path)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    finally:
        os.umask(mask)


def test_a_lazy_state_dict_before_the_first_call_is_refused_naming_the_fix(tmp_path):
    path = tmp_path / "lazy.safetensors"
    save({"ok": rb.ones(1)}, path)
    with pytest.raises(ValueError, match=r"save\(\): the tensor at 'weight' is a lazy module's uninitialized "
                                         r"placeholder \(UninitializedParameter\).*call the model once"):
        save(rb.nn.LazyLinear(3).state_dict(), path)
    assert load(path)["ok"].tolist() == [1.0]  # the last good file is intact
