"""nn.utils.prune against PyTorch: masks, the `_orig`/`_mask` state dict, chaining, remove."""
from __future__ import annotations

import math

import numpy
import pytest
import torch
import torch.nn.utils.prune as TP

import rosenblatt as rb
from rosenblatt.nn.utils import prune as P


def pair(make_rb, make_torch, seed=0):
    """A rosenblatt and a PyTorch module with the same (distinct, so tie-free) parameters."""
    m, t = make_rb(), make_torch()
    rng = numpy.random.default_rng(seed)
    for (name, p), (tname, tp) in zip(m.named_parameters(), t.named_parameters()):
        assert name == tname
        values = rng.standard_normal(p.shape).astype(numpy.float32)
        p.data[...] = values
        with torch.no_grad():
            tp.copy_(torch.from_numpy(values))
    return m, t


def linears(seed=0):
    return pair(lambda: rb.nn.Linear(7, 5), lambda: torch.nn.Linear(7, 5), seed)


def convs(seed=0):
    return pair(lambda: rb.nn.Conv2d(3, 6, 3), lambda: torch.nn.Conv2d(3, 6, 3), seed)


def same_mask(m, t, name="weight"):
    numpy.testing.assert_array_equal(getattr(m, name + "_mask").data,
                                     getattr(t, name + "_mask").numpy())


@pytest.mark.parametrize("amount", [0, 1, 13, 0.3, 0.5, 1.0])
def test_l1_unstructured_mask_is_pytorchs(amount):
    m, t = linears()
    P.l1_unstructured(m, "weight", amount=amount)
    TP.l1_unstructured(t, "weight", amount=amount)
    same_mask(m, t)
    assert m.weight_mask.dtype == numpy.float32
    numpy.testing.assert_array_equal(m.weight.data, t.weight.detach().numpy())


def test_l1_unstructured_with_importance_scores():
    m, t = linears()
    scores = numpy.random.default_rng(5).standard_normal((5, 7)).astype(numpy.float32)
    P.l1_unstructured(m, "bias", amount=0.4, importance_scores=rb.tensor(scores[:, 0]))
    TP.l1_unstructured(t, "bias", amount=0.4, importance_scores=torch.from_numpy(scores[:, 0]))
    same_mask(m, t, "bias")
    P.l1_unstructured(m, "weight", amount=10, importance_scores=rb.tensor(scores))
    TP.l1_unstructured(t, "weight", amount=10, importance_scores=torch.from_numpy(scores))
    same_mask(m, t)


@pytest.mark.parametrize("n", [1, 2, 3, 0.5, math.inf, -math.inf])
@pytest.mark.parametrize("dim", [0, 1, -1, 3])
def test_ln_structured_mask_is_pytorchs(n, dim):
    m, t = convs()
    P.ln_structured(m, "weight", amount=0.34, n=n, dim=dim)
    TP.ln_structured(t, "weight", amount=0.34, n=n, dim=dim)
    same_mask(m, t)


@pytest.mark.parametrize("dim", [0, 1])
def test_ln_structured_fro_norm(dim):
    m, t = linears()
    P.ln_structured(m, "weight", amount=2, n="fro", dim=dim)
    TP.ln_structured(t, "weight", amount=2, n="fro", dim=dim)
    same_mask(m, t)
    with pytest.raises(ValueError, match="fro"):
        P.ln_structured(convs()[0], "weight", amount=2, n="fro", dim=dim)


@pytest.mark.parametrize("seed", range(3))
def test_pruning_twice_combines_masks_as_pytorch(seed):
    m, t = convs(seed)
    for method in [lambda lib, x: lib.l1_unstructured(x, "weight", amount=0.2),
                   lambda lib, x: lib.ln_structured(x, "weight", amount=2, n=1, dim=0),
                   lambda lib, x: lib.l1_unstructured(x, "weight", amount=15),
                   lambda lib, x: lib.ln_structured(x, "weight", amount=0.5, n=2, dim=1)]:
        method(P, m)
        method(TP, t)
        same_mask(m, t)
    hooks = list(m._forward_pre_hooks.values())
    assert len(hooks) == 1 and isinstance(hooks[0], P.PruningContainer) and len(hooks[0]) == 4


def test_global_unstructured_is_pytorchs():
    (m1, t1), (m2, t2) = linears(0), convs(1)
    P.l1_unstructured(m2, "weight", amount=20)  # one already pruned: its mask carries over
    TP.l1_unstructured(t2, "weight", amount=20)
    scores = numpy.abs(numpy.random.default_rng(3).standard_normal(5)).astype(numpy.float32)
    P.global_unstructured([(m1, "weight"), (m1, "bias"), (m2, "weight")], P.L1Unstructured,
                          importance_scores={(m1, "bias"): rb.tensor(scores)}, amount=0.3)
    TP.global_unstructured([(t1, "weight"), (t1, "bias"), (t2, "weight")], TP.L1Unstructured,
                           importance_scores={(t1, "bias"): torch.from_numpy(scores)}, amount=0.3)
    same_mask(m1, t1)
    same_mask(m1, t1, "bias")
    same_mask(m2, t2)


def test_custom_from_mask_and_identity():
    m, t = linears()
    mask = (numpy.arange(35).reshape(5, 7) % 3 == 0).astype(numpy.float32)
    P.custom_from_mask(m, "weight", rb.tensor(mask))
    TP.custom_from_mask(t, "weight", torch.from_numpy(mask))
    P.identity(m, "bias")
    TP.identity(t, "bias")
    same_mask(m, t)
    same_mask(m, t, "bias")
    assert m.bias_mask.data.all()


def test_forward_backward_and_state_dict_match_pytorch():
    m, t = convs()
    P.ln_structured(m, "weight", amount=2, n=2, dim=0)
    P.l1_unstructured(m, "bias", amount=3)
    TP.ln_structured(t, "weight", amount=2, n=2, dim=0)
    TP.l1_unstructured(t, "bias", amount=3)
    assert list(m.state_dict()) == list(t.state_dict())
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    x = numpy.random.default_rng(1).standard_normal((2, 3, 6, 6)).astype(numpy.float32)
    y, ty = m(rb.tensor(x)), t(torch.from_numpy(x))
    numpy.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    y.sum().backward()
    ty.sum().backward()
    numpy.testing.assert_allclose(m.weight_orig.grad.data, t.weight_orig.grad.numpy(), rtol=1e-4, atol=1e-4)
    assert (m.weight_orig.grad.data[m.weight_mask.data == 0] == 0).all()  # pruned: no gradient


def test_pytorch_pruned_state_dict_loads():
    m, t = linears()
    t2 = torch.nn.Linear(7, 5)
    TP.l1_unstructured(t2, "weight", amount=0.5)
    P.l1_unstructured(m, "weight", amount=0.1)
    result = m.load_state_dict(t2.state_dict())
    assert not result.missing_keys and not result.unexpected_keys
    numpy.testing.assert_array_equal(m.weight_mask.data, t2.weight_mask.numpy())
    x = numpy.ones((1, 7), numpy.float32)
    numpy.testing.assert_allclose(m(rb.tensor(x)).data, t2(torch.from_numpy(x)).detach().numpy(),
                                  rtol=1e-6, atol=1e-6)


def test_hook_recomputes_weight_after_orig_changes():
    m, _ = linears()
    P.l1_unstructured(m, "weight", amount=5)
    m.weight_orig.data[...] = 2.0
    m(rb.zeros(1, 7))
    numpy.testing.assert_array_equal(m.weight.data, 2.0 * m.weight_mask.data)
    assert "weight" not in m._parameters


def test_remove_makes_a_parameter_again():
    m, t = linears()
    P.l1_unstructured(m, "weight", amount=0.5)
    TP.l1_unstructured(t, "weight", amount=0.5)
    orig = m.weight_orig
    P.remove(m, "weight")
    TP.remove(t, "weight")
    assert m.weight is orig and isinstance(m.weight, rb.nn.Parameter) and m.weight.requires_grad
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight"]
    numpy.testing.assert_array_equal(m.weight.data, t.weight.detach().numpy())
    assert not P.is_pruned(m) and not m._forward_pre_hooks
    with pytest.raises(ValueError, match="has to be pruned"):
        P.remove(m, "weight")


def test_is_pruned_looks_at_submodules():
    m = rb.nn.Sequential(rb.nn.Linear(2, 2), rb.nn.Sequential(rb.nn.Linear(2, 2)))
    assert not P.is_pruned(m)
    P.random_unstructured(m[1][0], "bias", amount=1)
    assert P.is_pruned(m)


def test_random_unstructured_counts_and_generator():
    def pruned(seed):
        m = rb.nn.Linear(10, 10)
        P.random_unstructured(m, "weight", amount=0.3, generator=rb.Generator(seed))
        return m.weight_mask.data
    a, b, c = pruned(0), pruned(0), pruned(1)
    assert (a == 0).sum() == 30
    numpy.testing.assert_array_equal(a, b)
    assert not (a == c).all()
    m = rb.nn.Linear(10, 10)
    P.l1_unstructured(m, "weight", amount=50)
    P.random_unstructured(m, "weight", amount=0.2, generator=rb.Generator(0))
    assert (m.weight_mask.data == 0).sum() == 60  # 20% of the 50 left


def test_random_structured_prunes_whole_channels():
    m = rb.nn.Conv2d(3, 8, 3)
    P.random_structured(m, "weight", amount=0.25, dim=0, generator=rb.Generator(0))
    per_channel = m.weight_mask.data.reshape(8, -1)
    assert sorted(per_channel.sum(1).tolist()) == [0.0] * 2 + [27.0] * 6
    P.random_structured(m, "weight", amount=1, dim=1, generator=rb.Generator(1))
    assert (m.weight_mask.data.sum(axis=(0, 2, 3)) == 0).sum() == 1
    assert (m.weight_mask.data.reshape(8, -1).sum(1) == 0).sum() == 2


def test_prune_method_on_a_tensor():
    x = numpy.random.default_rng(0).standard_normal((4, 6)).astype(numpy.float32)
    out = P.LnStructured(0.5, n=1, dim=1).prune(rb.tensor(x))
    expected = TP.LnStructured(0.5, n=1, dim=1).prune(torch.from_numpy(x))
    numpy.testing.assert_array_equal(out.data, expected.numpy())


def test_errors():
    m = rb.nn.Linear(3, 2)
    with pytest.raises(TypeError, match="amount"):
        P.l1_unstructured(m, "weight", amount="half")
    with pytest.raises(ValueError, match="range"):
        P.l1_unstructured(m, "weight", amount=1.5)
    with pytest.raises(ValueError, match="amount=-1"):
        P.L1Unstructured(amount=-1)
    with pytest.raises(ValueError, match="smaller than"):
        P.l1_unstructured(m, "weight", amount=7)
    assert "weight" in m._parameters and "weight_orig" not in m._parameters  # rolled back
    with pytest.raises(ValueError, match="multidimensional"):
        P.ln_structured(m, "bias", amount=1, n=2, dim=0)
    with pytest.raises(ValueError, match="importance_scores"):
        P.l1_unstructured(m, "weight", amount=1, importance_scores=rb.zeros(3))
    with pytest.raises(TypeError, match="unstructured"):
        P.global_unstructured([(m, "weight")], P.LnStructured, amount=1, n=2, dim=0)
    with pytest.raises(ValueError, match="shape"):
        P.custom_from_mask(m, "weight", rb.ones(3))
