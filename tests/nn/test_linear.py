"""Linear, Identity, Flatten, Unflatten, Embedding and Dropout against PyTorch."""
import math

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F
from helpers import check_op

from .layer_helpers import check_layer


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (3,), (2, 4, 3)])
def test_linear_contract(bias, shape):
    check_layer(lambda: nn.Linear(3, 4, bias=bias), lambda: torch.nn.Linear(3, 4, bias=bias), shape)


def test_linear_functional_matches_torch_with_gradcheck():
    check_op([(6, 3), (4, 3), (4,)], F.linear, torch.nn.functional.linear)
    check_op([(2, 5, 3), (4, 3)], F.linear, torch.nn.functional.linear)


def test_linear_skips_gradients_nobody_needs():
    layer = nn.Linear(3, 2)
    x = rb.randn(4, 3)
    layer(x).sum().backward()
    assert x.grad is None and layer.weight.grad is not None and layer.bias.grad is not None
    assert layer.weight.grad.dtype == numpy.float32 and layer.bias.grad.dtype == numpy.float32


def test_linear_default_init_follows_torch_distribution():
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)  # kaiming_uniform_(a=sqrt(5)) reduces to this bound
    w, b = layer.weight.data, layer.bias.data
    assert w.dtype == numpy.float32 and w.shape == (300, 400)
    assert numpy.abs(w).max() <= bound and numpy.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert abs(w.mean()) < 0.01 * bound
    assert numpy.abs(b).max() <= bound and b.std() > 0.4 * bound


def test_linear_generator_gives_reproducible_weights():
    a = nn.Linear(5, 3, generator=rb.Generator(7))
    b = nn.Linear(5, 3, generator=rb.Generator(7))
    c = nn.Linear(5, 3, generator=rb.Generator(8))
    numpy.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert not numpy.array_equal(a.weight.data, c.weight.data)


@pytest.mark.parametrize("in_features,out_features,shape", [(0, 3, (2, 0)), (3, 0, (2, 3)), (3, 2, (0, 3)),
                                                         (3, 2, (4, 0, 3))])
def test_linear_with_a_zero_dimension_matches_torch(in_features, out_features, shape):
    """A dimension of size 0 anywhere (no features in or out, an empty batch): values and
    gradients as PyTorch's (reshape(-1, n) is ambiguous for such arrays)."""
    w = numpy.random.default_rng(0).standard_normal((out_features, in_features))
    x, tx = rb.zeros(*shape, dtype="float64", requires_grad=True), torch.zeros(*shape, dtype=torch.float64, requires_grad=True)
    wt, tw = rb.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    bt, tb = rb.ones(out_features, dtype="float64", requires_grad=True), torch.ones(out_features, dtype=torch.float64, requires_grad=True)
    y, ty = F.linear(x, wt, bt), torch.nn.functional.linear(tx, tw, tb)
    numpy.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    y.sum().backward()
    ty.sum().backward()
    for ours, theirs in ((x, tx), (wt, tw), (bt, tb)):
        assert ours.grad.shape == tuple(theirs.grad.shape)
        numpy.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_linear_dtype_and_bad_input():
    layer = nn.Linear(3, 2, dtype=rb.float64)
    assert layer.weight.dtype == numpy.float64 and layer.bias.dtype == numpy.float64
    with pytest.raises(ValueError, match=r"linear\(\).*\(2, 5\).*\(2, 3\)"):
        layer(rb.randn(2, 5, dtype=rb.float64))


def test_identity_flatten_unflatten():
    check_layer(lambda: nn.Identity(54, unused=1), lambda: torch.nn.Identity(54, unused=1), (2, 3))
    check_layer(lambda: nn.Flatten(), lambda: torch.nn.Flatten(), (2, 3, 4))
    check_layer(lambda: nn.Flatten(0, 1), lambda: torch.nn.Flatten(0, 1), (2, 3, 4))
    check_layer(lambda: nn.Unflatten(1, (2, 6)), lambda: torch.nn.Unflatten(1, (2, 6)), (3, 12))
    assert repr(nn.Flatten()) == repr(torch.nn.Flatten())
    assert repr(nn.Unflatten(1, (2, 6))) == repr(torch.nn.Unflatten(1, (2, 6)))


@pytest.mark.parametrize("padding_idx", [None, 0, -1])
def test_embedding_contract(padding_idx):
    idx = numpy.array([[0, 2, 9], [4, 2, 0]])
    rb_layer, torch_layer = check_layer(lambda: nn.Embedding(10, 4, padding_idx=padding_idx),
                                        lambda: torch.nn.Embedding(10, 4, padding_idx=padding_idx),
                                        inputs=idx)
    assert repr(nn.Embedding(10, 4, padding_idx=padding_idx)) == repr(
        torch.nn.Embedding(10, 4, padding_idx=padding_idx))


def test_embedding_padding_row_is_zero_and_gets_no_gradient():
    emb = nn.Embedding(6, 3, padding_idx=2)
    numpy.testing.assert_array_equal(emb.weight.data[2], 0)
    emb(rb.tensor([2, 2, 1])).sum().backward()
    numpy.testing.assert_array_equal(emb.weight.grad.data[2], 0)
    numpy.testing.assert_array_equal(emb.weight.grad.data[1], 1)


def test_embedding_init_is_standard_normal_and_errors():
    w = nn.Embedding(2000, 50).weight.data
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01
    with pytest.raises(ValueError, match="index 10 is out of range.*10 rows"):
        nn.Embedding(10, 2)(rb.tensor([3, 10]))
    with pytest.raises(TypeError, match="integer"):
        nn.Embedding(10, 2)(rb.tensor([1.0]))


@pytest.mark.parametrize("shape", [(5,), (5, 3, 2)])
def test_functional_embedding_weight_that_is_not_2d_raises(shape):
    with pytest.raises(RuntimeError, match="'weight' must be 2-D"):
        torch.nn.functional.embedding(torch.tensor([1]), torch.randn(*shape))
    with pytest.raises(ValueError, match=r"weight must be 2-d .*got shape"):
        F.embedding(rb.tensor([1]), rb.randn(*shape))


@pytest.mark.parametrize("padding_idx", [5, -6])
def test_functional_embedding_padding_idx_outside_the_table_raises(padding_idx):
    with pytest.raises(AssertionError, match="Padding_idx must be within"):
        torch.nn.functional.embedding(torch.tensor([1]), torch.randn(5, 3), padding_idx=padding_idx)
    with pytest.raises(ValueError, match=f"padding_idx {padding_idx} must be within the 5 rows"):
        F.embedding(rb.tensor([1]), rb.randn(5, 3), padding_idx=padding_idx)


@pytest.mark.parametrize("make, shape", [
    (lambda m: m.Linear(3, 4), (2, 3)),
    (lambda m: m.Conv1d(3, 4, 2), (2, 3, 5)),
    (lambda m: m.Conv2d(3, 4, 2), (2, 3, 5, 5)),
    (lambda m: m.ConvTranspose2d(3, 4, 2), (2, 3, 5, 5)),
    (lambda m: m.LayerNorm(3), (2, 3)),
    (lambda m: m.BatchNorm1d(3), (2, 3)),
    (lambda m: m.BatchNorm1d(3, affine=False), (2, 3)),
    (lambda m: m.GroupNorm(1, 3), (2, 3)),
    (lambda m: m.MultiheadAttention(4, 2), (2, 1, 4)),
])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_layers_refuse_an_input_of_another_dtype_as_torch(make, shape, dtype):
    """A float32 layer and a float64 or int64 input raise (NumPy would silently promote)."""
    x = numpy.ones(shape, dtype=dtype)
    args = (x,) * 3 if shape == (2, 1, 4) else (x,)
    with pytest.raises(RuntimeError):
        make(torch.nn)(*(torch.from_numpy(a) for a in args))
    with pytest.raises(RuntimeError, match=f"input dtype {dtype} does not match (weight|running_mean) "
                                           f"dtype float32"):
        make(nn)(*(rb.tensor(a) for a in args))


def test_dropout_train_eval_scaling_and_generator():
    x = rb.ones(200, 100)
    drop = nn.Dropout(0.3, generator=rb.Generator(1))
    y = drop(x).data
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.02
    numpy.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert y.dtype == numpy.float32
    again = nn.Dropout(0.3, generator=rb.Generator(1))(x).data
    numpy.testing.assert_array_equal(y, again)
    drop.eval()
    assert drop(x) is x
    assert (nn.Dropout(1.0)(x).data == 0).all()
    assert repr(nn.Dropout(0.3)) == repr(torch.nn.Dropout(0.3))
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_of_integer_input_raises_clearly():
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.nn.functional.dropout(torch.ones(3, dtype=torch.int64), 0.5)
    with pytest.raises(TypeError, match="dropout\\(\\): expected a floating-point input, got dtype int64"):
        F.dropout(rb.ones(3, dtype=rb.int64), 0.5)  # NumPy's UFuncTypeError before


def test_dropout_gradient_uses_the_same_mask():
    x = rb.randn(50, 20, requires_grad=True)
    y = F.dropout(x, 0.5, generator=rb.Generator(3))
    y.sum().backward()
    mask = (y.data != 0)
    numpy.testing.assert_allclose(x.grad.data, mask * 2.0)
    check_layer(lambda: nn.Dropout(0.5), lambda: torch.nn.Dropout(0.5), (4, 3), train=False)
