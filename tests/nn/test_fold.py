"""unfold, fold and the Unfold / Fold layers against PyTorch."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import check_op
from rosenblatt.nn.functional.fold import fold, unfold
from rosenblatt.nn.modules.fold import Fold, Unfold

from .layer_helpers import check_layer

TF = torch.nn.functional

# (image shape, kernel_size, dilation, padding, stride)
CASES = [
    ((2, 3, 5, 6), 2, 1, 0, 1),
    ((2, 2, 6, 7), (2, 3), (1, 2), (1, 0), (2, 1)),
    ((1, 1, 4, 4), 1, 1, 0, 1),  # 1x1 blocks: the columns are the image, yet a copy
    ((3, 5, 6), 3, 2, 2, (1, 2)),  # unbatched
    ((0, 2, 4, 4), 2, 1, 1, 2),  # empty batch
]


@pytest.mark.parametrize("shape, kernel, dilation, padding, stride", CASES)
def test_unfold_matches_torch(shape, kernel, dilation, padding, stride):
    check_op([shape], lambda x: unfold(x, kernel, dilation, padding, stride),
             lambda x: TF.unfold(x, kernel, dilation, padding, stride))


@pytest.mark.parametrize("shape, kernel, dilation, padding, stride", CASES)
def test_fold_matches_torch(shape, kernel, dilation, padding, stride):
    cols_shape = tuple(TF.unfold(torch.zeros(shape), kernel, dilation, padding, stride).shape)
    size = shape[-2:]
    check_op([cols_shape], lambda c: fold(c, size, kernel, dilation, padding, stride),
             lambda c: TF.fold(c, size, kernel, dilation, padding, stride))


def test_fold_is_the_adjoint_of_unfold():
    x, y = rb.randn(2, 3, 6, 5).double(), rb.randn(2, 27, 9).double()
    lhs = (unfold(x, 3, 1, 1, 2) * y).sum().item()
    rhs = (x * fold(y, (6, 5), 3, 1, 1, 2)).sum().item()
    assert abs(lhs - rhs) < 1e-10
    assert unfold(rb.randn(1, 1, 3, 3), 1).data.dtype == numpy.float32


def test_unfold_output_is_not_a_view_of_the_input():
    x = rb.randn(1, 1, 2, 2)
    cols = unfold(x, 1)
    cols.data[...] = 0.0
    assert (x.data != 0).any()


@pytest.mark.parametrize("call, error, message", [
    (lambda: unfold(rb.randn(3, 5), 2), ValueError, r"unfold: expected a Tensor .* got \[3, 5\]"),
    (lambda: unfold(rb.randn(1, 2, 3, 5, 5), 2), ValueError, r"got \[1, 2, 3, 5, 5\]"),
    (lambda: unfold(rb.randn(2, 0, 5, 6), 2), ValueError, r"non-zero C, H and W, got \[2, 0, 5, 6\]"),
    (lambda: unfold(rb.randn(2, 3, 5, 6), 7), ValueError, r"\(-1, 0\) block positions"),
    (lambda: unfold(rb.randn(2, 3, 5, 6), 0), ValueError, r"kernel_size must be positive, got \(0, 0\)"),
    (lambda: unfold(rb.randn(2, 3, 5, 6), 2, stride=0), ValueError, "stride must be positive"),
    (lambda: unfold(rb.randn(2, 3, 5, 6), 2, dilation=0), ValueError, "dilation must be positive"),
    (lambda: unfold(rb.randn(2, 3, 5, 6), 2, padding=-1), ValueError, "padding must be non-negative"),
    (lambda: unfold(rb.randn(2, 3, 5, 6), (2, 2, 2)), ValueError, "kernel_size must be an int or a pair of ints, got 3"),
    (lambda: unfold(rb.randn(2, 3, 5, 6), 2, stride=(1,)), ValueError, "stride must be .* got 1 values"),
    (lambda: unfold(rb.randn(2, 3, 5, 6), 2.0), TypeError, "kernel_size must be an int or a pair of ints, got 2.0"),
    (lambda: unfold(rb.zeros(2, 3, 5, 6, dtype=rb.int64), 2), TypeError, "unfold: expected a floating-point input"),
    (lambda: fold(rb.randn(2, 12, 20), (5, 7), 2), ValueError, r"4 \* 6 = 24 blocks, but the input's last dim has 20"),
    (lambda: fold(rb.randn(2, 12, 20), (1, 1), 2), ValueError, r"0 \* 0 = 0 blocks"),
    (lambda: fold(rb.randn(2, 11, 20), (5, 6), 2), ValueError, r"dim 1 \(11\) must be divisible by the product of kernel_size"),
    (lambda: fold(rb.randn(20), (5, 6), 2), ValueError, r"fold: expected a Tensor .* got \[20\]"),
    (lambda: fold(rb.randn(1, 2, 12, 20), (5, 6), 2), ValueError, r"got \[1, 2, 12, 20\]"),
    (lambda: fold(rb.randn(2, 12, 0), (1, 1), 2), ValueError, r"non-zero dims after the batch, got \[2, 12, 0\]"),
    (lambda: fold(rb.zeros(2, 12, 20, dtype=rb.int64), (5, 6), 2), TypeError, "fold: expected a floating-point input"),
])
def test_fold_and_unfold_errors_where_torch_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("make, tmake, shape", [
    (lambda: Unfold(2), lambda: torch.nn.Unfold(2), (2, 3, 4, 5)),
    (lambda: Unfold((2, 3), dilation=2, padding=1, stride=(1, 2)),
     lambda: torch.nn.Unfold((2, 3), dilation=2, padding=1, stride=(1, 2)), (1, 2, 5, 6)),
    (lambda: Fold((4, 5), 2), lambda: torch.nn.Fold((4, 5), 2), (2, 12, 12)),
    (lambda: Fold(4, 2, 1, 0, 1), lambda: torch.nn.Fold(4, 2, 1, 0, 1), (8, 9)),
])
def test_fold_layers_contract_and_repr(make, tmake, shape):
    check_layer(make, tmake, shape)
    assert repr(make()) == repr(tmake())
