"""Devices as PyTorch names them: ``device``, ``cuda.is_available``, ``device=`` on creation
functions, ``to(device)`` and ``load(map_location=...)``; the CPU is the only one that computes."""
from __future__ import annotations

import pytest
import torch

import rosenblatt as rb


def test_device_parses_compares_and_prints_as_torch():
    for args in [("cpu",), ("cuda",), ("cuda:1",), ("cuda", 1), ("mps",)]:
        r, t = rb.device(*args), torch.device(*args)
        assert (r.type, r.index, str(r)) == (t.type, t.index, str(t))
        assert repr(r) == repr(t)
    assert rb.device("cpu") == rb.device(rb.device("cpu")) and hash(rb.device("cpu")) == hash(rb.device("cpu"))
    assert rb.device("cpu") != "cpu" and torch.device("cpu") != "cpu"  # a string is not a device
    assert rb.device("cuda", 0) != rb.device("cuda", 1)
    assert rb.device(0) == rb.device("cuda:0")  # an int is a GPU's index, as in PyTorch
    for bad in ["gpu", "cuda:x", "cuda:-1"]:
        with pytest.raises(RuntimeError):
            torch.device(bad)
        with pytest.raises(RuntimeError, match="device"):
            rb.device(bad)


def test_the_usual_device_choice_picks_the_cpu():
    assert rb.cuda.is_available() is False and rb.cuda.device_count() == 0
    dev = rb.device("cuda" if rb.cuda.is_available() else "cpu")
    x = rb.randn(2, 3, device=dev)
    assert x.device == dev == rb.device("cpu") and x.to(dev) is x
    model = rb.nn.Linear(3, 1).to(dev)
    assert model(x).shape == (2, 1)


@pytest.mark.parametrize("make", [
    lambda d: rb.tensor([1.0], device=d), lambda d: rb.as_tensor([1.0], device=d), lambda d: rb.zeros(2, device=d),
    lambda d: rb.ones(2, device=d), lambda d: rb.empty(2, device=d), lambda d: rb.full((2,), 1.0, device=d),
    lambda d: rb.zeros_like(rb.ones(2), device=d), lambda d: rb.ones_like(rb.ones(2), device=d),
    lambda d: rb.empty_like(rb.ones(2), device=d), lambda d: rb.full_like(rb.ones(2), 3.0, device=d),
    lambda d: rb.arange(3, device=d), lambda d: rb.linspace(0, 1, 3, device=d), lambda d: rb.logspace(0, 1, 3, device=d),
    lambda d: rb.eye(2, device=d), lambda d: rb.rand(2, device=d), lambda d: rb.randn(2, device=d),
    lambda d: rb.randint(0, 5, (2,), device=d), lambda d: rb.randperm(3, device=d),
    lambda d: rb.rand_like(rb.ones(2), device=d), lambda d: rb.randn_like(rb.ones(2), device=d),
    lambda d: rb.randint_like(rb.ones(2), 0, 5, device=d), lambda d: rb.normal(0.0, 1.0, (2,), device=d),
    lambda d: rb.ones(2).new_zeros(2, device=d), lambda d: rb.ones(2).new_tensor([1.0], device=d),
])
def test_creation_takes_a_device_and_refuses_any_but_the_cpu(make):
    for dev in ["cpu", "cpu:0", rb.device("cpu"), None]:
        assert make(dev).device == rb.device("cpu")
    for dev in ["cuda", rb.device("cuda", 0), "mps"]:
        with pytest.raises(ValueError, match=r"\(\): device '(cuda|cuda:0|mps)' is not available; .*CPU only"):
            make(dev)


def test_to_another_device_raises_naming_it():
    x = rb.ones(2)
    for call in [lambda: x.to("cuda"), lambda: x.to(rb.device("cuda:1")), lambda: x.to(device="cuda"),
                 lambda: rb.nn.Linear(2, 2).to(rb.device("cuda")), lambda: rb.nn.Linear(2, 2).to("cuda:0")]:
        with pytest.raises(ValueError, match="is not available"):
            call()
    assert x.to(rb.device("cpu"), rb.float64).dtype == rb.float64
    assert x.to(device="cpu", dtype=rb.float16).dtype == rb.float16


def test_load_takes_torchs_map_location_and_weights_only(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    rb.save({"w": rb.ones(2)}, path)
    for kwargs in [{}, {"map_location": "cpu"}, {"map_location": rb.device("cpu")}, {"weights_only": True},
                   {"map_location": None, "weights_only": False}]:
        assert rb.load(path, **kwargs)["w"].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="load\\(\\): device 'cuda' is not available"):
        rb.load(path, map_location="cuda")
    with pytest.raises(TypeError, match="map_location"):
        rb.load(path, map_location={"cuda:0": "cpu"})
