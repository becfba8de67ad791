"""Small functions PyTorch scripts use: windows, integer math, msort, diagflat, combinations,
vander, is_* predicates, against PyTorch."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window"])
@pytest.mark.parametrize("length", [0, 1, 2, 7, 16])
def test_windows(name, length):
    for periodic in (True, False):
        assert_close(getattr(rb, name)(length, periodic), getattr(torch, name)(length, periodic), atol=1e-6)
    assert_close(getattr(rb, name)(length, dtype=rb.float64), getattr(torch, name)(length, dtype=torch.float64))
    with pytest.raises(ValueError, match=rf"{name}\(\): window_length must be >= 0, got -1"):
        getattr(rb, name)(-1)


def test_hamming_window_coefficients():
    assert_close(rb.hamming_window(9, False, 0.5, 0.5), torch.hamming_window(9, False, 0.5, 0.5), atol=1e-6)


@pytest.mark.parametrize("name", ["gcd", "lcm", "bitwise_left_shift", "bitwise_right_shift"])
def test_integer_functions(name):
    a, b = [12, -18, 7, 0, 64], [8, 4, 3, 5, 2]
    assert_close(getattr(rb, name)(rb.tensor(a), rb.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
    assert_close(getattr(rb.tensor(a), name)(rb.tensor(b)), getattr(torch.tensor(a), name)(torch.tensor(b)))
    with pytest.raises(TypeError, match=name):
        getattr(rb, name)(rb.tensor([1.0]), rb.tensor([2.0]))


def test_msort_diagflat_combinations_vander():
    check_op([(4, 3)], rb.msort, torch.msort)
    for offset in (0, 1, -2):
        check_op([(2, 2)], lambda x: rb.diagflat(x, offset), lambda x: torch.diagflat(x, offset))
    for r, replace in ((2, False), (3, False), (2, True), (0, False), (5, False)):
        check_op([(4,)], lambda x: rb.combinations(x, r, replace), lambda x: torch.combinations(x, r, replace))
    for n, increasing in ((None, False), (2, True), (5, False), (0, False)):
        # PyTorch 2.13's vander backward raises (an in-place error of its own): the forward against
        # it, the gradient (at 0 too) against the numerical one
        check_op(None, lambda x: rb.vander(x, n, increasing), lambda x: torch.vander(x, n, increasing),
                 inputs=[numpy.array([0.0, 1.5, -2.0])], grad=False)
        if n != 0:
            x = rb.tensor([0.0, 1.5, -2.0], dtype=rb.float64, requires_grad=True)
            assert rb.autograd.gradcheck(lambda t: rb.vander(t, n, increasing), (x,))


def test_predicates():
    for value in ([2.0], [0], [True]):
        assert rb.is_nonzero(rb.tensor(value)) == torch.is_nonzero(torch.tensor(value))
    with pytest.raises(RuntimeError, match="is_nonzero"):
        rb.tensor([1, 2]).is_nonzero()
    assert rb.is_floating_point(rb.ones(1)) and not rb.is_floating_point(rb.tensor([1]))
    assert not rb.is_complex(rb.ones(1)) and not rb.ones(1).is_complex()
