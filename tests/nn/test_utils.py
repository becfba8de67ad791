"""nn.utils against PyTorch: gradient clipping and parameter vectors."""
from __future__ import annotations

import math

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt.nn.utils import (clip_grad_norm_, clip_grad_value_, parameters_to_vector,
                                 vector_to_parameters)

SHAPES = [(3, 4), (5,), (), (2, 2, 2)]


def with_grads(rng, scale=1.0, shapes=SHAPES, missing=(1,)):
    ours, theirs = [], []
    for i, shape in enumerate(shapes):
        p, q = rb.zeros(shape, requires_grad=True), torch.zeros(shape, requires_grad=True)
        if i not in missing:
            g = (scale * rng.standard_normal(shape)).astype(numpy.float32)
            p.grad, q.grad = rb.tensor(g), torch.tensor(g)
        ours.append(p)
        theirs.append(q)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1, math.inf, 3.0, 0.5])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, rng):
    ours, theirs = with_grads(rng, scale=3.0)
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    ref = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, rb.Tensor) and total.shape == () and total.dtype == numpy.float32
    numpy.testing.assert_allclose(total.data, ref.numpy(), rtol=1e-5)
    for p, q in zip(ours, theirs):
        if q.grad is None:
            assert p.grad is None
        else:
            assert p.grad.dtype == numpy.float32
            numpy.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-5, atol=1e-7)
    if max_norm < 1:  # clipping happened: the new joint norm is max_norm
        assert float(clip_grad_norm_(ours, 1e9, norm_type)) == pytest.approx(max_norm, rel=1e-4)


def test_clip_grad_norm_single_tensor_and_no_grads(rng):
    w = rb.zeros(3, requires_grad=True)
    assert float(clip_grad_norm_(w, 1.0)) == 0.0
    w.grad = rb.tensor([3.0, 0.0, 4.0])
    assert float(clip_grad_norm_(w, 1.0)) == pytest.approx(5.0)
    numpy.testing.assert_allclose(w.grad.data, [0.6, 0.0, 0.8], rtol=1e-5)


def test_clip_grad_norm_nonfinite(rng):
    ours, theirs = with_grads(rng)
    ours[0].grad.data[0, 0] = numpy.inf
    theirs[0].grad[0, 0] = math.inf
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)
    total = clip_grad_norm_(ours, 1.0)
    ref = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    assert math.isinf(float(total)) and math.isinf(ref.item())
    numpy.testing.assert_array_equal(ours[2].grad.data, theirs[2].grad.numpy())


def test_clip_grad_norm_of_float16_gradients_does_not_overflow():
    # 300 squared overflows float16: the norm was inf and every gradient became 0
    p, tp = rb.zeros(3, dtype=rb.float16, requires_grad=True), torch.zeros(3, dtype=torch.float16, requires_grad=True)
    p.grad, tp.grad = rb.full((3,), 300.0, dtype=rb.float16), torch.full((3,), 300.0, dtype=torch.float16)
    norm, tnorm = clip_grad_norm_([p], 1.0), torch.nn.utils.clip_grad_norm_([tp], 1.0)
    assert norm.dtype == numpy.float16 and norm.item() == tnorm.item() == 519.5
    numpy.testing.assert_array_equal(p.grad.data, tp.grad.numpy())


def test_clip_grad_value_matches_torch(rng):
    ours, theirs = with_grads(rng, scale=2.0)
    assert clip_grad_value_(ours, 0.7) is None
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for p, q in zip(ours, theirs):
        if q.grad is not None:
            numpy.testing.assert_array_equal(p.grad.data, q.grad.numpy())
            assert p.grad.dtype == numpy.float32 and abs(p.grad.data).max() <= 0.7


def test_parameters_to_vector_and_back(rng):
    start = [rng.standard_normal(s).astype(numpy.float32) for s in SHAPES]
    ours = [rb.tensor(a, requires_grad=True) for a in start]
    theirs = [torch.tensor(a, requires_grad=True) for a in start]
    vec = parameters_to_vector(ours)
    ref = torch.nn.utils.parameters_to_vector(theirs)
    numpy.testing.assert_array_equal(vec.data, ref.detach().numpy())
    assert vec.shape == (sum(a.size for a in start),) and vec.dtype == numpy.float32
    (vec * rb.arange(vec.shape[0]).float()).sum().backward()  # differentiable, as in PyTorch
    numpy.testing.assert_array_equal(ours[0].grad.data.reshape(-1), numpy.arange(12))

    new = rng.standard_normal(vec.shape).astype(numpy.float32)
    vector_to_parameters(rb.tensor(new), ours)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs)
    for p, q in zip(ours, theirs):
        numpy.testing.assert_array_equal(p.data, q.detach().numpy())
        assert p.shape == tuple(q.shape)
    with pytest.raises(ValueError, match="26 elements"):
        vector_to_parameters(rb.zeros(5), ours)
    with pytest.raises(TypeError, match="expected a Tensor"):
        vector_to_parameters(new, ours)


def test_pack_padded_sequence_takes_whole_float_lengths_as_torch():
    from rosenblatt.nn.utils.rnn import pack_padded_sequence
    x = numpy.arange(8, dtype=numpy.float32).reshape(4, 2)
    want = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), torch.tensor([4.0, 2.0]))
    got = pack_padded_sequence(rb.tensor(x), rb.tensor([4.0, 2.0]))  # raised "must be ... ints"
    numpy.testing.assert_array_equal(got.data.data, want.data.numpy())
    assert got.batch_sizes.tolist() == want.batch_sizes.tolist()
    with pytest.raises(ValueError, match=r"lengths must be a 1-D sequence of ints, got float64.*2\.5"):
        pack_padded_sequence(rb.tensor(x), [4.0, 2.5])
