"""The layer contract: a rosenblatt layer behaves exactly as the PyTorch layer of the same name.

    check_layer(lambda: nn.Linear(3, 4), lambda: torch.nn.Linear(3, 4), (2, 3))

checks, against PyTorch (the oracle):

(a) state-dict names, order and shapes, parameter names and count are identical;
(b) with torch's weights copied in (``load_state_dict`` of NumPy arrays), the
    float32 forward matches (values, shape, dtype), and the float64 forward, the
    input gradient and every parameter gradient match under a random upstream
    gradient (normalisation layers pass falsely with all ones);
(c) a state-dict round trip into a fresh layer reproduces the output exactly.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy
import torch

import rosenblatt as rb
from helpers import assert_close


def _torch_state(layer: torch.nn.Module) -> dict:
    return {k: v.detach().numpy().copy() for k, v in layer.state_dict().items()}


def check_state_dict_matches(rb_layer: rb.nn.Module, torch_layer: torch.nn.Module) -> None:
    """Names (in order), shapes and dtypes of state dicts and parameters are PyTorch's."""
    ours, theirs = rb_layer.state_dict(), torch_layer.state_dict()
    assert list(ours) == list(theirs), f"state_dict keys {list(ours)} != torch's {list(theirs)}"
    for key in ours:
        assert tuple(ours[key].shape) == tuple(theirs[key].shape), (
            f"{key}: shape {tuple(ours[key].shape)} != torch's {tuple(theirs[key].shape)}")
        assert str(ours[key].dtype) == str(theirs[key].dtype).removeprefix("torch."), (
            f"{key}: dtype {ours[key].dtype} != torch's {theirs[key].dtype}")
    names = [n for n, _ in rb_layer.named_parameters()]
    assert names == [n for n, _ in torch_layer.named_parameters()]
    count = sum(p.numel() for p in rb_layer.parameters())
    assert count == sum(p.numel() for p in torch_layer.parameters())
    assert [n for n, _ in rb_layer.named_buffers()] == [n for n, _ in torch_layer.named_buffers()]


def _inputs(shape: Sequence[int] | None, inputs: Any, low: float, high: float,
            rng: numpy.random.Generator) -> numpy.ndarray:
    if inputs is not None:
        return numpy.asarray(inputs)
    return rng.uniform(low, high, size=tuple(shape))


def check_layer(make_rb: Callable[[], rb.nn.Module], make_torch: Callable[[], torch.nn.Module],
                input_shape: Sequence[int] | None = None, *, inputs: Any = None,
                low: float = -2.0, high: float = 2.0, train: bool = True, seed: int = 0,
                atol: float | None = None, rtol: float | None = None,
                grad_atol: float = 1e-9, grad_rtol: float = 1e-7) -> tuple[rb.nn.Module, torch.nn.Module]:
    """Run the layer contract (see module docstring); returns the float64 layer pair.

    Args:
        make_rb, make_torch: build the layer (float32, default init).
        input_shape: shape of the random input; ``inputs`` gives it explicitly
            (integer inputs, e.g. embedding indices, get no input gradient).
        low, high: the random input is uniform in ``[low, high)``.
        train: run in training mode (False: ``eval()`` both).
        atol, rtol: float32 forward tolerances.
        grad_atol, grad_rtol: float64 tolerances for outputs and gradients.
    """
    rng = numpy.random.default_rng(seed)
    x = _inputs(input_shape, inputs, low, high, rng)
    is_float = x.dtype.kind == "f"

    rb_layer, torch_layer = make_rb(), make_torch()
    check_state_dict_matches(rb_layer, torch_layer)
    result = rb_layer.load_state_dict(_torch_state(torch_layer))
    assert result.missing_keys == [] and result.unexpected_keys == []
    rb_layer.train(train)
    torch_layer.train(train)

    # float32 forward: values and dtype preserved.
    x32 = x.astype(numpy.float32) if is_float else x
    out = rb_layer(rb.tensor(x32))
    with torch.no_grad():
        want = torch_layer(torch.from_numpy(x32.copy()))
    assert_close(out, want, atol=atol if atol is not None else 1e-5,
                 rtol=rtol if rtol is not None else 1e-4, what="float32 output")

    # float64 forward and backward.
    rb_layer, torch_layer = make_rb().double(), make_torch().double()
    rb_layer.load_state_dict(_torch_state(torch_layer))
    for p in rb_layer.parameters():
        assert p.dtype == numpy.float64, "Module.double() left a float32 parameter"
    rb_layer.train(train)
    torch_layer.train(train)
    x64 = x.astype(numpy.float64) if is_float else x
    rb_x = rb.tensor(x64, requires_grad=is_float)
    torch_x = torch.from_numpy(x64.copy()).requires_grad_(is_float)
    out, want = rb_layer(rb_x), torch_layer(torch_x)
    assert_close(out, want, atol=grad_atol, rtol=grad_rtol, what="float64 output")
    upstream = rng.standard_normal(tuple(want.shape))
    want.backward(torch.from_numpy(upstream))
    out.backward(rb.tensor(upstream))
    if is_float:
        assert_close(rb_x.grad, torch_x.grad, atol=grad_atol, rtol=grad_rtol, what="input grad")
    torch_params = dict(torch_layer.named_parameters())
    for name, p in rb_layer.named_parameters():
        tp = torch_params[name]
        want_grad = torch.zeros_like(tp) if tp.grad is None else tp.grad
        assert p.grad is not None or tp.grad is None, f"{name}: no gradient, torch has one"
        got = rb.zeros_like(p) if p.grad is None else p.grad
        assert_close(got, want_grad, atol=grad_atol, rtol=grad_rtol, what=f"grad of {name}")
    for name, buf in torch_layer.named_buffers():
        assert_close(dict(rb_layer.named_buffers())[name], buf, what=f"buffer {name} after forward")

    # State-dict round trip into a fresh layer reproduces the output.
    fresh = make_rb().double()
    fresh.load_state_dict(rb_layer.state_dict())
    rb_layer.eval()
    fresh.eval()
    with rb.no_grad():
        numpy.testing.assert_array_equal(fresh(rb.tensor(x64)).data, rb_layer(rb.tensor(x64)).data)
    return rb_layer, torch_layer
