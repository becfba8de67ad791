"""normalize, cosine_similarity, pairwise_distance and their layers against PyTorch."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op
from rosenblatt.nn.functional.distance import cosine_similarity, normalize, pairwise_distance
from rosenblatt.nn.modules.distance import CosineSimilarity, PairwiseDistance

TF = torch.nn.functional


@pytest.mark.parametrize("shape, kwargs", [
    ((3, 4), {}), ((2, 3, 4), {"dim": -1, "p": 1.0}), ((2, 3, 4), {"dim": (1, 2)}),
    ((5,), {"dim": 0, "p": 3.0}), ((3, 4), {"p": float("inf"), "dim": 0}),
])
def test_normalize_matches_torch(shape, kwargs):
    check_op([shape], lambda x: normalize(x, **kwargs), lambda x: TF.normalize(x, **kwargs))


def test_normalize_eps_floor_zero_slice_and_out():
    x = numpy.array([[0.0, 0.0, 0.0], [1e-3, -2e-3, 0.0], [1.0, 2.0, 3.0]])
    check_op(None, lambda x: normalize(x, eps=1e-2), lambda x: TF.normalize(x, eps=1e-2),
             inputs=[x], gradcheck=False)
    out = rb.zeros(3, 3, dtype=rb.float64)
    assert normalize(rb.tensor(x), out=out) is out
    assert_close(out, TF.normalize(torch.tensor(x)))
    with pytest.raises(IndexError, match="dimension out of range"):
        normalize(rb.randn(3))


@pytest.mark.parametrize("shapes, dim", [([(4, 5), (4, 5)], 1), ([(3, 1, 5), (4, 5)], -1),
                                         ([(2, 1), (2, 6)], 1), ([(6,), (6,)], 0), ([(3, 4), (1, 4)], 0)])
def test_cosine_similarity_matches_torch_with_broadcasting(shapes, dim):
    check_op(shapes, lambda a, b: cosine_similarity(a, b, dim=dim),
             lambda a, b: TF.cosine_similarity(a, b, dim=dim))


def test_cosine_similarity_small_norms_clamp_in_value_only_as_torch():
    # A zero row and a tiny row: the eps floor applies, yet the gradient flows through the
    # norm as if unclamped (PyTorch clamps in place under no_grad).
    a = numpy.array([[0.0, 0.0, 0.0], [1e-5, 2e-5, -1e-5], [1.0, -2.0, 0.5]])
    b = numpy.array([[1.0, 2.0, 3.0], [0.5, 1.0, 2.0], [3.0, 1.0, -1.0]])
    check_op(None, lambda x, y: cosine_similarity(x, y, eps=1e-3),
             lambda x, y: TF.cosine_similarity(x, y, eps=1e-3), inputs=[a, b], gradcheck=False)


def test_cosine_similarity_dtypes_and_errors():
    ints, floats = numpy.arange(6).reshape(2, 3), numpy.random.default_rng(0).random((2, 3))
    got = cosine_similarity(rb.tensor(ints), rb.tensor(floats.astype(numpy.float32)))
    assert_close(got, TF.cosine_similarity(torch.tensor(ints), torch.tensor(floats, dtype=torch.float32)))
    with pytest.raises(TypeError, match="cosine_similarity: expected floating-point inputs"):
        cosine_similarity(rb.tensor(ints), rb.tensor(ints))
    with pytest.raises(ValueError, match=r"cosine_similarity: shapes \[2, 3\] and \[4, 3\] cannot be broadcast"):
        cosine_similarity(rb.randn(2, 3), rb.randn(4, 3))


@pytest.mark.parametrize("shapes, kwargs", [
    ([(4, 5), (4, 5)], {}), ([(5,), (3, 5)], {"keepdim": True}), ([(2, 3, 4), (3, 4)], {"p": 1.0}),
    ([(4, 5), (4, 5)], {"p": 3.0, "eps": 1e-3}), ([(4, 5), (1, 5)], {"p": float("inf")}),
    ([(6,), (6,)], {}), ([(), ()], {}),
])
def test_pairwise_distance_matches_torch(shapes, kwargs):
    check_op(shapes, lambda a, b: pairwise_distance(a, b, **kwargs),
             lambda a, b: TF.pairwise_distance(a, b, **kwargs))


@pytest.mark.parametrize("eps", [1e-6, 0])
def test_pairwise_distance_of_integer_inputs_is_float_as_torch(eps):
    ints, floats = numpy.arange(6).reshape(2, 3), numpy.ones((2, 3))
    for a, b in [(ints, ints[::-1].copy()), (ints, floats)]:
        assert_close(pairwise_distance(rb.tensor(a), rb.tensor(b), eps=eps),
                     TF.pairwise_distance(torch.tensor(a), torch.tensor(b), eps=eps))


def test_pairwise_distance_of_equal_inputs_has_torch_gradient():
    x = numpy.array([[1.0, 2.0, 3.0]])
    check_op(None, pairwise_distance, TF.pairwise_distance, inputs=[x, x.copy()], gradcheck=False)


@pytest.mark.parametrize("name, kwargs", [
    ("CosineSimilarity", {}), ("CosineSimilarity", {"dim": 0, "eps": 1e-3}),
    ("PairwiseDistance", {}), ("PairwiseDistance", {"p": 1.0, "eps": 0.0, "keepdim": True}),
])
def test_distance_layers_match_torch(name, kwargs):
    layer = {"CosineSimilarity": CosineSimilarity, "PairwiseDistance": PairwiseDistance}[name](**kwargs)
    tlayer = getattr(torch.nn, name)(**kwargs)
    rng = numpy.random.default_rng(1)
    a, b = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    x1, x2 = rb.tensor(a, requires_grad=True), rb.tensor(b, requires_grad=True)
    t1, t2 = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out, want = layer(x1, x2), tlayer(t1, t2)
    assert_close(out, want)
    upstream = rng.standard_normal(tuple(want.shape))
    out.backward(rb.tensor(upstream))
    want.backward(torch.tensor(upstream))
    assert_close(x1.grad, t1.grad)
    assert_close(x2.grad, t2.grad)
    assert repr(layer) == repr(tlayer) and list(layer.state_dict()) == []
    assert getattr(layer, "norm", None) == getattr(tlayer, "norm", None)  # PyTorch stores p as .norm
