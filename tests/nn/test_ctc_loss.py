"""ctc_loss and CTCLoss against PyTorch: losses, and gradients with respect to log_probs."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close
from rosenblatt.autograd import gradcheck
from rosenblatt.nn.functional.ctc_loss import ctc_loss
from rosenblatt.nn.modules.ctc_loss import CTCLoss

TF = torch.nn.functional
RNG = numpy.random.default_rng(0)
LOGITS = RNG.standard_normal((8, 5, 5))  # (T, N, C)
# repeated labels, an empty target, a sample with no frames, and one that cannot fit
# (three 4s need 5 frames, it has 4: an infinite loss)
PADDED = numpy.array([[1, 2, 2], [3, 1, 0], [0, 0, 0], [0, 0, 0], [4, 4, 4]])
TARGET_LENGTHS = numpy.array([3, 2, 0, 0, 3])
INPUT_LENGTHS = numpy.array([8, 6, 5, 0, 4])
CONCATENATED = numpy.concatenate([row[:n] for row, n in zip(PADDED, TARGET_LENGTHS)])


def _compare(logits, targets, input_lengths, target_lengths, dtype, unnormalized=False, **options):
    """The loss and its log_probs gradient under a random upstream gradient, against PyTorch."""
    values = logits.astype(dtype)
    want_in = torch.tensor(values)
    want_in = want_in if unnormalized else want_in.log_softmax(-1)
    want_in = want_in.detach().requires_grad_()
    got_in = rb.tensor(want_in.detach().numpy().copy(), requires_grad=True)
    want = TF.ctc_loss(want_in, torch.tensor(targets), torch.tensor(input_lengths),
                       torch.tensor(target_lengths), **options)
    got = ctc_loss(got_in, rb.tensor(targets), rb.tensor(input_lengths), rb.tensor(target_lengths),
                   **options)
    tol = dict(atol=1e-5, rtol=1e-5) if dtype == "float32" else dict(atol=1e-12, rtol=1e-10)
    assert_close(got, want, **tol)
    upstream = RNG.standard_normal(tuple(want.shape)).astype(dtype)
    want.backward(torch.tensor(upstream))
    got.backward(rb.tensor(upstream))
    assert_close(got_in.grad, want_in.grad, what="log_probs grad", **tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("targets", [PADDED, CONCATENATED], ids=["padded", "concatenated"])
def test_ctc_loss_matches_torch(dtype, reduction, zero_infinity, targets):
    _compare(LOGITS, targets, INPUT_LENGTHS, TARGET_LENGTHS, dtype, reduction=reduction,
             zero_infinity=zero_infinity)


def test_ctc_loss_longer_sequences_blank_and_unnormalized_inputs_match_torch():
    logits = RNG.standard_normal((40, 3, 12))
    targets = RNG.integers(0, 11, size=(3, 15))  # blank=11: labels below it
    for dtype in ("float32", "float64"):
        _compare(logits, targets, numpy.array([40, 33, 20]), numpy.array([15, 9, 10]), dtype, blank=11)
    # PyTorch's gradient is exp(log_probs) - occupancy even when log_probs are not normalised
    _compare(logits, targets, numpy.array([40, 33, 20]), numpy.array([15, 9, 10]), "float64",
             unnormalized=True, blank=11, reduction="sum")


@pytest.mark.parametrize("targets", [numpy.zeros((5, 0), dtype=numpy.int64), numpy.zeros(0, dtype=numpy.int64)],
                         ids=["padded", "concatenated"])
def test_ctc_loss_all_targets_empty_matches_torch(targets):
    _compare(LOGITS, targets, INPUT_LENGTHS, numpy.zeros(5, dtype=numpy.int64), "float64", reduction="none")


@pytest.mark.parametrize("as_length", [rb.tensor, int], ids=["0-d tensors", "ints"])
def test_ctc_loss_unbatched_matches_torch(as_length):
    lp = torch.tensor(LOGITS[:, 0]).log_softmax(-1).requires_grad_()
    ours = rb.tensor(lp.detach().numpy().copy(), requires_grad=True)
    for reduction in ("none", "mean"):
        want = TF.ctc_loss(lp, torch.tensor([1, 2, 2]), torch.tensor(7), torch.tensor(3), reduction=reduction)
        got = ctc_loss(ours, rb.tensor([1, 2, 2]), as_length(7), as_length(3), reduction=reduction)
        assert_close(got, want, atol=1e-12, rtol=1e-10)
    got.backward()
    want.backward()
    assert_close(ours.grad, lp.grad, atol=1e-12, rtol=1e-10)


def test_ctc_loss_lengths_as_tuples_and_int32_and_float32_kept():
    lp = rb.tensor(LOGITS.astype(numpy.float32)).log_softmax(2)
    by_tuple = ctc_loss(lp, rb.tensor(PADDED.astype(numpy.int32)), tuple(INPUT_LENGTHS.tolist()),
                        list(TARGET_LENGTHS.tolist()), reduction="none")
    want = TF.ctc_loss(torch.tensor(LOGITS.astype(numpy.float32)).log_softmax(2), torch.tensor(PADDED),
                       tuple(INPUT_LENGTHS.tolist()), tuple(TARGET_LENGTHS.tolist()), reduction="none")
    assert by_tuple.dtype == numpy.float32
    assert_close(by_tuple, want)


def test_ctc_loss_gradient_through_log_softmax_is_the_numerical_one():
    # PyTorch's log_probs gradient is the true one plus exp(log_probs); through log_softmax the
    # extra term cancels, so the logits' gradient passes a central-difference check.
    logits = rb.tensor(RNG.standard_normal((6, 2, 4)), requires_grad=True)
    targets, lengths = rb.tensor([[1, 3, 3], [2, 0, 0]]), rb.tensor([3, 1])
    assert gradcheck(lambda x: ctc_loss(x.log_softmax(2), targets, rb.tensor([6, 5]), lengths,
                                        reduction="none"), logits)


LP = rb.randn(6, 2, 4).log_softmax(2)
TG = rb.tensor([[1, 2, 2], [3, 1, 0]])
IL, TL = rb.tensor([6, 5]), rb.tensor([3, 2])


@pytest.mark.parametrize("call, error, message", [
    (lambda: ctc_loss(LP, TG, rb.tensor([7, 5]), TL), ValueError, r"input_lengths must be at most the 6 frames .* \[7, 5\]"),
    (lambda: ctc_loss(LP, TG, IL, rb.tensor([4, 2])), ValueError, r"S at least the longest target_length 4, got \(2, 3\)"),
    (lambda: ctc_loss(LP, TG, IL, rb.tensor([-1, 2])), ValueError, r"target_lengths must be non-negative, got \[-1, 2\]"),
    (lambda: ctc_loss(LP, TG, rb.tensor([-1, 5]), TL), ValueError, "input_lengths must be non-negative"),
    (lambda: ctc_loss(LP, TG, rb.tensor([6]), TL), ValueError, r"input_lengths must hold one length per sample \(2\), got shape \(1,\)"),
    (lambda: ctc_loss(LP, TG, IL, rb.tensor([3])), ValueError, "target_lengths must hold one length per sample"),
    (lambda: ctc_loss(LP, rb.tensor([1, 2, 2, 3]), IL, TL), ValueError, r"sum\(target_lengths\) = 5, got 4"),
    (lambda: ctc_loss(LP, TG, IL, TL, blank=4), ValueError, r"blank must be a class in \[0, 4\), got 4"),
    (lambda: ctc_loss(LP, TG, IL, TL, blank=-1), ValueError, "blank must be a class"),
    (lambda: ctc_loss(LP, TG + 2, IL, TL), ValueError, r"target label 5 is out of range for 4 classes \(valid: 0 to 3\)"),
    (lambda: ctc_loss(LP, TG, IL.float(), TL), TypeError, "input_lengths must be integers .* float32"),
    (lambda: ctc_loss(LP[0], TG, IL, TL), ValueError, "input_lengths must hold one length per sample \\(1\\)"),
    (lambda: ctc_loss(LP[None], TG, IL, TL), ValueError, r"log_probs must be a Tensor \(T, N, C\) .* got \[1, 6, 2, 4\]"),
    (lambda: ctc_loss(LP, TG, IL, TL, reduction="foo"), ValueError, "reduction must be 'none', 'mean' or 'sum', got 'foo'"),
    (lambda: ctc_loss(rb.zeros(0, 2, 4), TG, [0, 0], TL), ValueError, r"log_probs must not be empty, got shape \[0, 2, 4\]"),
    (lambda: ctc_loss(LP.long(), TG, IL, TL), TypeError, "ctc_loss: expected a floating-point input"),
])
def test_ctc_loss_errors_where_torch_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_ctc_loss_layer_matches_torch_and_repr():
    lp = torch.tensor(LOGITS).log_softmax(2)
    for options in ({}, {"blank": 2, "reduction": "sum", "zero_infinity": True}):
        ours, theirs = CTCLoss(**options), torch.nn.CTCLoss(**options)
        assert repr(ours) == repr(theirs)
        assert (ours.blank, ours.reduction, ours.zero_infinity) == (theirs.blank, theirs.reduction,
                                                                      theirs.zero_infinity)
        targets = numpy.where(PADDED == 2, 1, PADDED) if options else PADDED
        got = ours(rb.tensor(lp.numpy().copy()), rb.tensor(targets), rb.tensor(INPUT_LENGTHS),
                   rb.tensor(TARGET_LENGTHS))
        want = theirs(lp, torch.tensor(targets), torch.tensor(INPUT_LENGTHS), torch.tensor(TARGET_LENGTHS))
        assert_close(got, want, atol=1e-12, rtol=1e-10)
