"""nn.utils.parametrize against PyTorch: the property, state-dict names, right_inverse, chaining, caching."""
from __future__ import annotations

import copy
import pickle

import numpy
import pytest
import torch
import torch.nn.utils.parametrize as TP

import rosenblatt as rb
from rosenblatt.nn.utils import parametrize as P


def parametrizations(lib):
    """The same parametrizations written for rosenblatt (lib=rb) and PyTorch (lib=torch)."""

    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).T

        def right_inverse(self, A):
            return A.triu()

    class Double(lib.nn.Module):
        def forward(self, X):
            return 2 * X

        def right_inverse(self, X):
            return X / 2

    class Product(lib.nn.Module):  # two stored tensors: original0 * original1
        def forward(self, a, b):
            return a * b

        def right_inverse(self, W):
            return W, lib.ones_like(W)

    class Square(lib.nn.Module):  # no right_inverse
        def forward(self, X):
            return X * X

    return {"Symmetric": Symmetric, "Double": Double, "Product": Product, "Square": Square}


OURS, THEIRS = parametrizations(rb), parametrizations(torch)


def linear_pair(rng, n=3, names=("Symmetric",), tensor_name="weight"):
    """A rosenblatt and a PyTorch Linear with equal weights, parametrized the same way."""
    ours, theirs = rb.nn.Linear(n, n), torch.nn.Linear(n, n)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    for name in names:
        P.register_parametrization(ours, tensor_name, OURS[name]())
        TP.register_parametrization(theirs, tensor_name, THEIRS[name]())
    return ours, theirs


def assert_same_state(ours, theirs):
    mine, ref = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(ref)
    for key in ref:
        numpy.testing.assert_allclose(mine[key].data, ref[key].numpy(), rtol=1e-6, atol=1e-7)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def forward_backward(ours, theirs, rng, n=3):
    x = rng.standard_normal((2, n)).astype(numpy.float32)
    up = rng.standard_normal((2, n)).astype(numpy.float32)
    # through the properties, not Linear.forward (see test_linear_forward_reads_the_property)
    y = rb.nn.functional.linear(rb.tensor(x), ours.weight, ours.bias)
    ref = torch.nn.functional.linear(torch.tensor(x), theirs.weight, theirs.bias)
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    y.backward(rb.tensor(up))
    ref.backward(torch.tensor(up))
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        numpy.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-5, atol=1e-6,
                                      err_msg=name)


@pytest.mark.parametrize("names", [("Symmetric",), ("Double",), ("Symmetric", "Double"),
                                   ("Product",), ("Product", "Symmetric"), ("Square",)])
def test_parametrized_linear_matches_torch(names, rng):
    ours, theirs = linear_pair(rng, names=names)
    assert type(ours).__name__ == type(theirs).__name__ == "ParametrizedLinear"
    assert type(rb.nn.Linear(2, 2)) is rb.nn.Linear  # only that instance changed class
    assert repr(ours) == repr(theirs)
    assert_same_state(ours, theirs)
    numpy.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy(), rtol=1e-6)
    forward_backward(ours, theirs, rng)


def test_torch_state_dict_loads(rng):
    ours, theirs = linear_pair(rng, names=("Product", "Symmetric"))
    with torch.no_grad():
        theirs.parametrizations.weight.original0.mul_(3.0)
    ours.load_state_dict(theirs.state_dict())
    assert_same_state(ours, theirs)
    numpy.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("names", [("Symmetric",), ("Symmetric", "Double"), ("Product",)])
def test_assignment_goes_through_right_inverse(names, rng):
    ours, theirs = linear_pair(rng, names=names)
    kept = list(ours.parameters())
    value = rng.standard_normal((3, 3)).astype(numpy.float32)
    value = value + value.T
    ours.weight = rb.tensor(value)
    theirs.weight = torch.tensor(value)
    assert_same_state(ours, theirs)
    numpy.testing.assert_allclose(ours.weight.data, value, rtol=1e-6)
    assert all(a is b for a, b in zip(kept, ours.parameters()))  # set in place, as torch's set_
    with pytest.raises(KeyError, match="already exists"):
        ours.weight = rb.nn.Parameter(rb.tensor(value))


def test_assignment_without_right_inverse_raises(rng):
    ours, _ = linear_pair(rng, names=("Square",))
    with pytest.raises(RuntimeError, match="Square does not implement right_inverse"):
        ours.weight = rb.ones(3, 3)


@pytest.mark.parametrize("names", [("Symmetric",), ("Symmetric", "Double"), ("Product",)])
@pytest.mark.parametrize("leave_parametrized", [True, False])
def test_remove_parametrizations_matches_torch(names, leave_parametrized, rng):
    ours, theirs = linear_pair(rng, names=names)
    if names == ("Product",) and not leave_parametrized:
        with pytest.raises(ValueError, match="sequence of tensors"):
            P.remove_parametrizations(ours, "weight", leave_parametrized=False)
        return
    original = getattr(ours.parametrizations.weight, "original", None)
    P.remove_parametrizations(ours, "weight", leave_parametrized=leave_parametrized)
    TP.remove_parametrizations(theirs, "weight", leave_parametrized=leave_parametrized)
    assert type(ours) is rb.nn.Linear and not P.is_parametrized(ours)
    assert "parametrizations" not in ours._modules
    if original is not None:
        assert ours.weight is original  # the same object an optimizer holds
    assert_same_state(ours, theirs)
    forward_backward(ours, theirs, rng)


def test_two_tensors_parametrized_and_one_removed(rng):
    ours, theirs = linear_pair(rng, names=("Symmetric",))
    for m, lib in ((ours, OURS), (theirs, THEIRS)):
        (P if m is ours else TP).register_parametrization(m, "bias", lib["Double"]())
    assert_same_state(ours, theirs)
    forward_backward(ours, theirs, rng)
    P.remove_parametrizations(ours, "weight")
    TP.remove_parametrizations(theirs, "weight")
    assert type(ours).__name__ == "ParametrizedLinear"
    assert P.is_parametrized(ours) and P.is_parametrized(ours, "bias")
    assert not P.is_parametrized(ours, "weight")
    assert P.type_before_parametrizations(ours) is rb.nn.Linear
    assert_same_state(ours, theirs)


def test_buffer_parametrization(rng):
    ours, theirs = rb.nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3)
    P.register_parametrization(ours, "running_var", OURS["Double"]())
    TP.register_parametrization(theirs, "running_var", THEIRS["Double"]())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    numpy.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy())


def test_cached_computes_once():
    m = P.register_parametrization(rb.nn.Linear(3, 3), "weight", OURS["Symmetric"]())
    assert m.weight is not m.weight
    with P.cached():
        with P.cached():
            w = m.weight
        assert m.weight is w
    assert m.weight is not w


def test_deepcopy_and_pickle():
    m = P.register_parametrization(rb.nn.Linear(3, 3), "weight", OURS["Symmetric"]())
    clone = copy.deepcopy(m)
    assert type(clone).__name__ == "ParametrizedLinear"
    numpy.testing.assert_array_equal(clone.weight.data, m.weight.data)
    assert clone.parametrizations.weight.original is not m.parametrizations.weight.original
    with pytest.raises(RuntimeError, match="only supported through state_dict"):
        pickle.dumps(m)


def test_errors_match_torch():
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized "
                                         "element with name 'foo'"):
        P.register_parametrization(rb.nn.Linear(2, 2), "foo", OURS["Double"]())
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        P.remove_parametrizations(rb.nn.Linear(2, 2), "weight")

    class Shrink(rb.nn.Module):
        def forward(self, X):
            return X[:1]

    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(rb.nn.Linear(2, 2), "weight", Shrink())
    m = P.register_parametrization(rb.nn.Linear(2, 2), "weight", OURS["Double"]())
    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(m, "weight", Shrink())
    P.register_parametrization(m, "weight", Shrink(), unsafe=True)
    assert m.weight.shape == (1, 2)


def test_linear_forward_reads_the_property(rng):
    ours, theirs = linear_pair(rng, names=("Symmetric",))
    x = rng.standard_normal((2, 3)).astype(numpy.float32)
    numpy.testing.assert_allclose(ours(rb.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(),
                                  rtol=1e-5, atol=1e-6)


def test_conv_forward_matches_torch(rng):
    ours, theirs = rb.nn.Conv1d(2, 3, 2), torch.nn.Conv1d(2, 3, 2)
    ours.load_state_dict(theirs.state_dict())
    P.register_parametrization(ours, "weight", OURS["Double"]())
    TP.register_parametrization(theirs, "weight", THEIRS["Double"]())
    x = rng.standard_normal((2, 2, 5)).astype(numpy.float32)
    y, ref = ours(rb.tensor(x)), theirs(torch.tensor(x))
    numpy.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    y.sum().backward()
    ref.sum().backward()
    numpy.testing.assert_allclose(ours.parametrizations.weight.original.grad.data,
                                  theirs.parametrizations.weight.original.grad.numpy(), rtol=1e-5)


@pytest.mark.parametrize("names", [("Symmetric", "Double"), ("Product",)])
def test_transfer_parametrizations_and_params(names, rng):
    ours, theirs = linear_pair(rng, names=names)
    ours_to, theirs_to = rb.nn.Linear(3, 3), torch.nn.Linear(3, 3)
    ours_to.load_state_dict(theirs_to.state_dict())
    P.transfer_parametrizations_and_params(ours, ours_to)
    TP.transfer_parametrizations_and_params(theirs, theirs_to)
    assert_same_state(ours_to, theirs_to)
    for (_, p), (_, q) in zip(ours.parametrizations.weight.named_parameters(),
                              ours_to.parametrizations.weight.named_parameters()):
        assert p is q  # shared, as in torch
    bare, theirs_bare = rb.nn.Module(), torch.nn.Module()  # no weight yet: it is created
    P.transfer_parametrizations_and_params(ours, bare, "weight")
    TP.transfer_parametrizations_and_params(theirs, theirs_bare, "weight")
    assert_same_state(bare, theirs_bare)
    assert P.transfer_parametrizations_and_params(rb.nn.Linear(2, 2), bare) is bare
