"""rosenblatt.poisson against torch.poisson: dtype, shape, moments, zero gradient, errors."""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb


@pytest.mark.parametrize("dtype", [rb.float32, rb.float64])
def test_dtype_shape_and_whole_numbers(dtype):
    rates = rb.tensor(numpy.linspace(0, 20, 12).reshape(3, 4), dtype=dtype)
    out = rb.poisson(rates, generator=rb.Generator(0))
    expected = torch.poisson(torch.from_numpy(rates.data))
    assert out.dtype == dtype and str(expected.dtype) == f"torch.{numpy.dtype(dtype).name}"
    assert out.shape == tuple(expected.shape) == (3, 4)
    assert (out.data == numpy.round(out.data)).all() and (out.data >= 0).all()
    assert out.data[0, 0] == 0  # rate 0 always gives 0
    assert rb.poisson(rb.tensor(3.0)).shape == ()


@pytest.mark.parametrize("rate", [0.5, 3.0, 250.0])
def test_moments_match_pytorch(rate):
    n = 200_000
    ours = rb.poisson(rb.full((n,), rate), generator=rb.Generator(1)).data.astype(numpy.float64)
    torch.manual_seed(0)
    theirs = torch.poisson(torch.full((n,), rate)).double().numpy()
    tol = 5 * (rate / n) ** 0.5  # 5 standard errors of the mean
    for sample in (ours, theirs):
        assert abs(sample.mean() - rate) < tol
        assert abs(sample.var() / rate - 1) < 0.03  # a Poisson's variance is its rate
    assert abs((ours == 0).mean() - numpy.exp(-rate)) < 0.01


def test_generator_reproducible():
    rates = rb.full((50,), 5.0)
    a = rb.poisson(rates, generator=rb.Generator(7))
    assert rb.equal(a, rb.poisson(rates, generator=rb.Generator(7)))
    assert not rb.equal(a, rb.poisson(rates, generator=rb.Generator(8)))
    rb.manual_seed(3)
    b = rb.poisson(rates)
    rb.manual_seed(3)
    assert rb.equal(b, rb.poisson(rates))


def test_gradient_is_zero_as_in_pytorch():
    x = rb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = rb.poisson(x, generator=rb.Generator(0))
    assert y.requires_grad
    (y * rb.tensor([1.0, 2.0, 3.0])).sum().backward()
    tx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (torch.poisson(tx) * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    numpy.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
    assert not rb.poisson(rb.tensor([1.0])).requires_grad


def test_errors():
    with pytest.raises(ValueError, match="non-negative"):
        rb.poisson(rb.tensor([1.0, -0.5]))
    with pytest.raises(RuntimeError, match="non-negative"):
        torch.poisson(torch.tensor([1.0, -0.5]))
    with pytest.raises(ValueError, match="finite"):
        rb.poisson(rb.tensor([float("inf")]))
    with pytest.raises(TypeError, match="floating"):
        rb.poisson(rb.tensor([1, 2]))
