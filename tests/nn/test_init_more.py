"""nn.init.dirac_ (exactly PyTorch's) and nn.init.sparse_ (its distribution) against torch."""
from __future__ import annotations

import math

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt.nn import init


@pytest.mark.parametrize("shape, groups", [((4, 4, 3), 1), ((6, 2, 3), 3), ((3, 5, 4), 1),
                                           ((8, 3, 3, 3), 2), ((2, 5, 2, 4), 1),
                                           ((4, 2, 3, 3, 3), 2), ((5, 5, 1, 2, 3), 5)])
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_dirac_is_pytorchs(shape, groups, dtype):
    w = rb.tensor(numpy.full(shape, 7.0, dtype))
    out = init.dirac_(w, groups=groups)
    expected = torch.nn.init.dirac_(torch.full(shape, 7.0), groups=groups)
    assert out is w and w.dtype == dtype
    numpy.testing.assert_array_equal(w.data, expected.numpy())


def test_dirac_conv_is_identity_per_group():
    conv = rb.nn.Conv2d(4, 4, 3, padding=1, groups=2, bias=False)
    init.dirac_(conv.weight, groups=2)
    x = rb.randn(2, 4, 5, 5, generator=rb.Generator(0))
    numpy.testing.assert_allclose(conv(x).data, x.data, atol=1e-6)


def test_dirac_errors():
    with pytest.raises(ValueError, match="3, 4, or 5"):
        init.dirac_(rb.empty(3, 3))
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(rb.empty(5, 2, 3), groups=2)


@pytest.mark.parametrize("rows, cols, sparsity", [(10, 20, 0.1), (7, 30, 0.5), (9, 5, 0.0),
                                                   (4, 6, 1.0), (100, 50, 0.33)])
def test_sparse_zeros_per_column_match_pytorch(rows, cols, sparsity):
    w = init.sparse_(rb.empty(rows, cols), sparsity, generator=rb.Generator(0))
    t = torch.nn.init.sparse_(torch.empty(rows, cols), sparsity)
    zeros = (w.data == 0).sum(0)
    assert w.dtype == numpy.float32
    assert zeros.tolist() == (t == 0).sum(0).tolist() == [math.ceil(sparsity * rows)] * cols


def test_sparse_std_and_columns_differ():
    w = init.sparse_(rb.empty(400, 300), 0.25, std=0.5, generator=rb.Generator(1))
    nonzero = w.data[w.data != 0]
    assert nonzero.size == 300 * 300
    assert abs(nonzero.std() - 0.5) < 0.01 and abs(nonzero.mean()) < 0.01
    patterns = {tuple(numpy.flatnonzero(w.data[:, c] == 0)) for c in range(300)}
    assert len(patterns) > 290  # each column draws its own rows


def test_sparse_generator_reproducible():
    a = init.sparse_(rb.empty(6, 5), 0.5, generator=rb.Generator(3))
    b = init.sparse_(rb.empty(6, 5), 0.5, generator=rb.Generator(3))
    c = init.sparse_(rb.empty(6, 5), 0.5, generator=rb.Generator(4))
    assert rb.equal(a, b) and not rb.equal(a, c)


def test_sparse_errors():
    with pytest.raises(ValueError, match="2 dimensions"):
        init.sparse_(rb.empty(3, 3, 3), 0.1)
    with pytest.raises(ValueError, match="sparsity"):
        init.sparse_(rb.empty(3, 3), 1.5)
    with pytest.raises(TypeError, match="floating"):
        init.sparse_(rb.zeros(3, 3, dtype=rb.int64), 0.1)
