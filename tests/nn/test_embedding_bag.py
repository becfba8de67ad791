"""embedding_bag and EmbeddingBag against PyTorch: values, weight and per-sample-weight gradients."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import check_op
from rosenblatt.nn.functional.embedding_bag import embedding_bag
from rosenblatt.nn.modules.embedding_bag import EmbeddingBag

from .layer_helpers import check_layer

TF = torch.nn.functional
RNG = numpy.random.default_rng(0)
WEIGHT = RNG.standard_normal((7, 3))
FLAT = numpy.array([1, 2, 4, 5, 4, 3, 2, 6, 0, 2])
BATCH = numpy.array([[1, 2, 4], [5, 4, 4], [0, 6, 2]])


def _check(indices, offsets=None, per_sample_weights=False, **options):
    """check_op on the weight (and per_sample_weights), indices and offsets passed unchanged."""
    arrays = [WEIGHT, indices] + ([] if offsets is None else [numpy.array(offsets)])
    if per_sample_weights:
        arrays.insert(1, RNG.uniform(0.5, 2.0, size=indices.shape))

    def call(fn):
        def run(weight, *rest):
            psw, rest = (rest[0], rest[1:]) if per_sample_weights else (None, rest)
            return fn(rest[0], weight, *rest[1:], per_sample_weights=psw, **options)
        return run
    check_op(None, call(embedding_bag), call(TF.embedding_bag), inputs=arrays)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("offsets", [[0, 3, 3, 8], [0], [0, 10]])  # an empty bag, one bag, an empty last bag
def test_embedding_bag_offsets_matches_torch(mode, offsets):
    _check(FLAT, offsets, mode=mode)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_input_and_padding_idx_match_torch(mode):
    _check(BATCH, mode=mode)
    _check(BATCH, mode=mode, padding_idx=4)  # the bag [5, 4, 4] keeps one index
    _check(FLAT, [0, 2, 4, 8], mode=mode, padding_idx=-5)  # 2: bag [4, 5], [4, 3, 2, 6], [0, 2]


@pytest.mark.parametrize("offsets", [[0, 2, 10], [0, 0, 4, 4, 10], [0, 10]])
def test_embedding_bag_include_last_offset_matches_torch(offsets):
    for mode in ("sum", "mean", "max"):
        _check(FLAT, offsets, mode=mode, include_last_offset=True)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_with_no_bags_is_empty(mode):
    # PyTorch's float32 sum and mean agree; its other kernels crash on this input
    weight = rb.randn(7, 3, requires_grad=True)
    out = embedding_bag(rb.tensor(FLAT), weight, rb.tensor([0]), mode=mode, include_last_offset=True)
    assert out.shape == (0, 3)
    out.sum().backward()
    assert (weight.grad.data == 0).all()


def test_embedding_bag_include_last_offset_short_of_the_input_is_csr():
    # Indices past the last offset are in no bag (CSR, as documented).  Checked by hand, not
    # against PyTorch: its float64 and max kernels extend the last bag to the input's end, its
    # float32 mean divides by the count to the input's end, and its float32 sum on this input
    # sometimes returns uninitialised memory (a CI run read 1.3e-42 in the empty bag).
    weight = rb.tensor(WEIGHT.astype(numpy.float32), requires_grad=True)
    upstream = RNG.standard_normal((3, 3)).astype(numpy.float32)
    out = embedding_bag(rb.tensor(FLAT), weight, rb.tensor([0, 0, 4, 6]), mode="sum", include_last_offset=True)
    out.backward(rb.tensor(upstream))
    bags = [FLAT[0:0], FLAT[0:4], FLAT[4:6]]  # FLAT[6:] is in no bag
    want = numpy.stack([weight.data[bag].sum(axis=0) for bag in bags])
    want_grad = numpy.zeros_like(weight.data)
    for bag, gradient in zip(bags, upstream):
        numpy.add.at(want_grad, bag, gradient)
    numpy.testing.assert_allclose(out.data, want, rtol=1e-6, atol=1e-6)
    numpy.testing.assert_allclose(weight.grad.data, want_grad, rtol=1e-6, atol=1e-6)
    assert not weight.grad.data[[0, 6]].any()  # rows used only past the last offset


def test_embedding_bag_per_sample_weights_get_torchs_gradient():
    _check(FLAT, [0, 3, 3, 8], per_sample_weights=True, mode="sum")
    _check(FLAT, [0, 3, 10], per_sample_weights=True, mode="sum", padding_idx=2, include_last_offset=True)
    _check(BATCH, per_sample_weights=True, mode="sum", padding_idx=4)


def test_embedding_bag_max_gradient_goes_to_the_first_maximum():
    weight = rb.tensor([[1.0, 2.0], [1.0, 3.0], [0.0, 3.0]], requires_grad=True)
    embedding_bag(rb.tensor([0, 1, 2]), weight, rb.tensor([0]), mode="max").sum().backward()
    assert weight.grad.tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]  # PyTorch's


def test_embedding_bag_keeps_float32():
    weight = rb.randn(5, 2, requires_grad=True)
    psw = rb.ones(4, requires_grad=True)
    out = embedding_bag(rb.tensor([0, 1, 2, 1]), weight, rb.tensor([0, 2]), mode="sum", per_sample_weights=psw)
    out.sum().backward()
    assert out.dtype == weight.grad.dtype == psw.grad.dtype == numpy.float32


W = rb.randn(10, 2)
IDX = rb.tensor([1, 2, 3, 4, 5, 6])


@pytest.mark.parametrize("call, error, message", [
    (lambda: embedding_bag(IDX, W, rb.tensor([1, 2])), ValueError, r"offsets\[0\] must be 0 .* got 1"),
    (lambda: embedding_bag(IDX, W, rb.tensor([0, 4, 2])), ValueError, r"non-decreasing .* \[0, 4, 2\]"),
    (lambda: embedding_bag(IDX, W, rb.tensor([0, 7])), ValueError, r"offsets\[-1\] must not exceed the input's length 6, got 7"),
    (lambda: embedding_bag(IDX, W), ValueError, "a 1-d input needs offsets"),
    (lambda: embedding_bag(IDX.reshape(2, 3), W, rb.tensor([0])), ValueError, "offsets must be None"),
    (lambda: embedding_bag(IDX.reshape(1, 2, 3), W), ValueError, r"input must be 1-d .* got shape \(1, 2, 3\)"),
    (lambda: embedding_bag(IDX, W, rb.tensor([[0, 2]])), ValueError, "offsets must be a 1-d integer tensor"),
    (lambda: embedding_bag(IDX.float(), W, rb.tensor([0])), TypeError, "input must be an integer tensor .* float32"),
    (lambda: embedding_bag(IDX + 5, W, rb.tensor([0])), ValueError, r"index 11 is out of range .* 10 rows"),
    (lambda: embedding_bag(IDX - 2, W, rb.tensor([0])), ValueError, "index -1 is out of range"),
    (lambda: embedding_bag(IDX, W, rb.tensor([0]), padding_idx=10), ValueError, r"padding_idx must be within .* \(-10 to 9\), got 10"),
    (lambda: embedding_bag(IDX, W, rb.tensor([0]), mode="foo"), ValueError, "mode must be 'sum', 'mean' or 'max', got 'foo'"),
    (lambda: embedding_bag(IDX, W, rb.tensor([0]), mode="mean", per_sample_weights=rb.ones(6)),
     NotImplementedError, "per_sample_weights is only supported for mode='sum', got mode='mean'"),
    (lambda: embedding_bag(IDX, W, rb.tensor([0]), mode="sum", per_sample_weights=rb.ones(5)),
     ValueError, r"input's shape \(6,\), got \(5,\)"),
    (lambda: embedding_bag(IDX, W, rb.tensor([0]), mode="sum", per_sample_weights=rb.ones(6).double()),
     RuntimeError, "per_sample_weights dtype float64 does not match weight dtype float32"),
    (lambda: embedding_bag(IDX, W[0], rb.tensor([0])), ValueError, r"weight must be a 2-d Tensor .* got \[2\]"),
    (lambda: embedding_bag(IDX, W.long(), rb.tensor([0])), TypeError, "expected a floating-point input"),
    (lambda: embedding_bag(rb.zeros(2, 0, dtype=rb.int64), W), ValueError, r"shape \(2, 0\) has empty rows"),
    (lambda: embedding_bag(IDX, W, rb.tensor([0]), max_norm=1.0), NotImplementedError, "max_norm"),
    (lambda: EmbeddingBag(10, 3, padding_idx=10), ValueError, "padding_idx 10 must be within num_embeddings=10"),
    (lambda: EmbeddingBag(10, 3, mode="foo"), ValueError, "mode must be"),
])
def test_embedding_bag_errors_where_torch_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_layer_contract_and_repr(mode):
    make = lambda: EmbeddingBag(10, 3, mode=mode, padding_idx=-2)  # noqa: E731
    tmake = lambda: torch.nn.EmbeddingBag(10, 3, mode=mode, padding_idx=-2)  # noqa: E731
    check_layer(make, tmake, inputs=numpy.array([[1, 8, 3], [9, 9, 0]]))
    assert repr(make()) == repr(tmake())
    assert repr(EmbeddingBag(10, 3)) == repr(torch.nn.EmbeddingBag(10, 3))
    assert (make().weight.data[8] == 0).all()


def test_embedding_bag_layer_offsets_per_sample_weights_and_from_pretrained():
    table = torch.randn(10, 3, dtype=torch.float64)
    theirs = torch.nn.EmbeddingBag.from_pretrained(table, mode="sum", include_last_offset=True, freeze=False)
    ours = EmbeddingBag.from_pretrained(rb.tensor(table.numpy().copy()), mode="sum",
                                        include_last_offset=True, freeze=False)
    assert repr(ours) == repr(theirs) and ours.weight.requires_grad
    assert not EmbeddingBag.from_pretrained(rb.randn(4, 2)).weight.requires_grad
    psw = numpy.linspace(0.5, 2.0, len(FLAT))
    out = ours(rb.tensor(FLAT), rb.tensor([0, 4, 10]), rb.tensor(psw))
    want = theirs(torch.from_numpy(FLAT), torch.tensor([0, 4, 10]), torch.from_numpy(psw))
    numpy.testing.assert_allclose(out.data, want.detach().numpy(), rtol=1e-12)
    out.backward(rb.tensor([[1.0, -2.0, 3.0], [0.5, 1.0, -1.0]]))
    want.backward(torch.tensor([[1.0, -2.0, 3.0], [0.5, 1.0, -1.0]], dtype=torch.float64))
    numpy.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-12)
