"""nn.LazyLinear against PyTorch's: in_features from the first input, then a plain Linear."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
from helpers import assert_close

from .layer_helpers import check_state_dict_matches


def _torch_state(layer):
    return {k: v.detach().numpy().copy() for k, v in layer.state_dict().items()}


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (3,), (2, 4, 3)])
def test_lazy_linear_becomes_torchs_linear_after_the_first_call(bias, shape):
    ours, theirs = nn.LazyLinear(4, bias=bias), torch.nn.LazyLinear(4, bias=bias)
    assert repr(ours) == repr(theirs)  # LazyLinear(in_features=0, ...)
    x = numpy.random.default_rng(0).standard_normal(shape).astype(numpy.float32)
    assert ours(rb.tensor(x)).shape == tuple(theirs(torch.from_numpy(x)).shape)
    assert type(ours) is nn.Linear and type(theirs) is torch.nn.Linear
    assert repr(ours) == repr(theirs) and ours.in_features == 3
    check_state_dict_matches(ours, theirs)
    # with torch's weights, forward and gradients are Linear's
    ours.load_state_dict(_torch_state(theirs))
    rx, tx = rb.tensor(x, requires_grad=True), torch.from_numpy(x.copy()).requires_grad_(True)
    out, want = ours(rx), theirs(tx)
    assert_close(out, want)
    upstream = numpy.random.default_rng(1).standard_normal(tuple(want.shape)).astype(numpy.float32)
    out.backward(rb.tensor(upstream))
    want.backward(torch.from_numpy(upstream))
    assert_close(rx.grad, tx.grad)
    assert_close(ours.weight.grad, theirs.weight.grad)


def test_lazy_linear_load_state_dict_before_the_first_call_takes_the_shapes():
    source = torch.nn.Linear(3, 4)
    ours, theirs = nn.LazyLinear(4), torch.nn.LazyLinear(4)
    ours.load_state_dict(_torch_state(source))
    theirs.load_state_dict(source.state_dict())
    assert ours.weight.shape == tuple(theirs.weight.shape) == (4, 3)
    x = numpy.random.default_rng(0).standard_normal((2, 3)).astype(numpy.float32)
    assert_close(ours(rb.tensor(x)), theirs(torch.from_numpy(x)))
    assert type(ours) is nn.Linear and type(theirs) is torch.nn.Linear


def test_lazy_linear_load_of_the_wrong_out_features_raises():
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        nn.LazyLinear(4).load_state_dict(_torch_state(torch.nn.Linear(3, 5)))


def test_lazy_linear_keeps_its_parameter_objects_so_an_early_optimizer_trains_them():
    layer = nn.LazyLinear(2)
    weight, bias = layer.weight, layer.bias
    opt = rb.optim.SGD(layer.parameters(), lr=0.1)
    layer(rb.randn(5, 3)).sum().backward()
    assert layer.weight is weight and layer.bias is bias and weight.shape == (2, 3)
    before = weight.data.copy()
    opt.step()
    assert not numpy.array_equal(weight.data, before)


def test_lazy_linear_init_and_dtype():
    layer = nn.LazyLinear(300, generator=rb.Generator(0))
    layer(rb.ones(1, 400))
    bound = 1 / math.sqrt(400)  # Linear's init, with the in_features of the first input
    w = layer.weight.data
    assert w.dtype == numpy.float32
    assert numpy.abs(w).max() <= bound and numpy.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    again = nn.LazyLinear(300, generator=rb.Generator(0))
    again(rb.ones(1, 400))
    numpy.testing.assert_array_equal(again.weight.data, w)
    # .double() before the first call: the weights come out float64, as PyTorch's
    layer = nn.LazyLinear(2).double()
    assert layer(rb.randn(3, 4, dtype=rb.float64)).dtype == numpy.float64
    assert layer.weight.dtype == numpy.float64 and layer.bias.dtype == numpy.float64


def test_lazy_linear_later_inputs_must_match_the_first():
    layer = nn.LazyLinear(2)
    layer(rb.randn(3, 4))
    with pytest.raises(ValueError, match=r"linear\(\).*\(3, 5\).*\(2, 4\)"):
        layer(rb.randn(3, 5))
    with pytest.raises(ValueError, match="LazyLinear: expected an input of shape"):
        nn.LazyLinear(2)(rb.tensor(1.0))
