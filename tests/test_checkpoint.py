"""``rosenblatt.utils.checkpoint``: gradients equal the plain run's and PyTorch's checkpoint's,
and the activations inside a checkpoint are not kept between forward and backward."""
import warnings
import weakref

import numpy
import pytest
import torch
import torch.utils.checkpoint

import rosenblatt as rb
from rosenblatt.utils.checkpoint import checkpoint, checkpoint_sequential

from helpers import to_torch

MODES = [True, False]


def _mlp(dropout=0.0):
    rb.manual_seed(0)
    layers = [rb.nn.Linear(4, 8), rb.nn.Tanh(), rb.nn.Dropout(dropout), rb.nn.Linear(8, 8), rb.nn.GELU(),
              rb.nn.Linear(8, 3)]
    return rb.nn.Sequential(*layers).to(rb.float64)


def _torch_twin(model):
    twin = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Dropout(0.0), torch.nn.Linear(8, 8),
                               torch.nn.GELU(), torch.nn.Linear(8, 3)).double()
    twin.load_state_dict({k: to_torch(v) for k, v in model.state_dict().items()})
    return twin


def _grads(x, model):
    grads = [x.grad.data.copy()] + [p.grad.data.copy() for p in model.parameters()]
    x.grad = None
    model.zero_grad(set_to_none=True)
    return grads


def _input():
    return rb.tensor(numpy.random.default_rng(1).standard_normal((5, 4)), requires_grad=True)


def _upstream():
    return rb.tensor(numpy.random.default_rng(2).standard_normal((5, 3)))


@pytest.mark.parametrize("use_reentrant", MODES)
def test_gradients_equal_plain_run_with_dropout(use_reentrant):
    model, x = _mlp(dropout=0.4), _input()
    state = rb.get_rng_state()
    plain = model(x)
    plain.backward(_upstream())
    expected = _grads(x, model)
    rb.set_rng_state(state)
    out = checkpoint(model, x, use_reentrant=use_reentrant)
    rb.randn(10)  # the stream moves on before backward: the recomputation must replay the forward's
    out.backward(_upstream())
    numpy.testing.assert_array_equal(out.data, plain.data)  # the same dropout mask
    for got, want in zip(_grads(x, model), expected):
        numpy.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("use_reentrant", MODES)
def test_gradients_equal_torch_checkpoint(use_reentrant):
    model, x = _mlp(), _input()
    twin, tx = _torch_twin(model), to_torch(x, requires_grad=True)
    checkpoint(model, x, use_reentrant=use_reentrant).backward(_upstream())
    torch.utils.checkpoint.checkpoint(twin, tx, use_reentrant=use_reentrant).backward(to_torch(_upstream()))
    want = [tx.grad] + [p.grad for p in twin.parameters()]
    for got, expected in zip(_grads(x, model), want):
        numpy.testing.assert_allclose(got, expected.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("segments", [1, 2, 3, 6])
@pytest.mark.parametrize("use_reentrant", MODES)
def test_checkpoint_sequential_equals_torch(use_reentrant, segments):
    model, x = _mlp(), _input()
    twin, tx = _torch_twin(model), to_torch(x, requires_grad=True)
    out = checkpoint_sequential(model, segments, x, use_reentrant=use_reentrant)
    want = torch.utils.checkpoint.checkpoint_sequential(twin, segments, tx, use_reentrant=use_reentrant)
    numpy.testing.assert_allclose(out.data, want.detach().numpy(), rtol=1e-12)
    out.backward(_upstream())
    want.backward(to_torch(_upstream()))
    for got, expected in zip(_grads(x, model), [tx.grad] + [p.grad for p in twin.parameters()]):
        numpy.testing.assert_allclose(got, expected.numpy(), rtol=1e-10, atol=1e-12)


def _graph_nodes(t):
    """The graph nodes (not leaves) reachable from ``t``."""
    seen, stack = set(), [t._node]
    while stack:
        node = stack.pop()
        if isinstance(node, rb.autograd.Function) and id(node) not in seen:
            seen.add(id(node))
            stack.extend(p for p in node.parents if p is not None)
    return len(seen)


@pytest.mark.parametrize("use_reentrant", MODES)
def test_activations_are_not_kept(use_reentrant):
    w = rb.tensor(numpy.random.default_rng(0).standard_normal((4, 4)), requires_grad=True)
    kept = []

    def block(x):
        h = (x @ w).tanh()  # tanh keeps its output for backward: the array below
        kept.append(weakref.ref(h.data))
        return (h @ w).sigmoid()

    x = _input()
    plain = block(x)
    assert kept[-1]() is not None and _graph_nodes(plain) == 4  # the control: a plain graph keeps it
    out = checkpoint(block, x, use_reentrant=use_reentrant)
    assert kept[-1]() is None, "an activation inside the checkpoint outlived the forward"
    assert _graph_nodes(out) == 1  # one checkpoint node in place of the four
    out.sum().backward()
    g = x.grad.data.copy()
    x.grad, w.grad = None, None
    plain.sum().backward()
    numpy.testing.assert_allclose(g, x.grad.data, rtol=1e-12)


@pytest.mark.parametrize("use_reentrant", MODES)
def test_non_tensor_arguments_and_inputs_without_grad(use_reentrant):
    w = rb.tensor([1.5, -2.0], dtype=rb.float64, requires_grad=True)
    x = rb.tensor([0.3, 0.7], dtype=rb.float64, requires_grad=True)
    c = rb.tensor([2.0, 3.0], dtype=rb.float64)  # requires no grad

    def f(x, scale, c, name):
        assert name == "block"
        return (x * w * scale + c).exp()

    checkpoint(f, x, 0.5, c, "block", use_reentrant=use_reentrant).sum().backward()
    got = (x.grad.data.copy(), w.grad.data.copy())
    x.grad = w.grad = None
    f(x, 0.5, c, "block").sum().backward()
    numpy.testing.assert_allclose(got[0], x.grad.data)
    numpy.testing.assert_allclose(got[1], w.grad.data)
    assert c.grad is None


@pytest.mark.parametrize("use_reentrant", MODES)
def test_multiple_outputs(use_reentrant):
    a = rb.tensor([0.1, 0.2, 0.3], dtype=rb.float64, requires_grad=True)
    ta = to_torch(a, requires_grad=True)

    def f(a, lib):
        # PyTorch's reentrant variant differentiates top-level outputs only: nest for the other
        out = a.sin() * 2, a * a, 7, lib.argmax(a)
        return out if use_reentrant else (out[0], (out[1], out[2]), out[3])

    def second(out):
        return out[1] if use_reentrant else out[1][0]

    out = checkpoint(f, a, rb, use_reentrant=use_reentrant)
    tout = torch.utils.checkpoint.checkpoint(f, ta, torch, use_reentrant=use_reentrant)
    assert int(out[-1]) == 2 and not out[-1].requires_grad and 7 in (out[2], out[1][-1])
    (out[0].sum() + (second(out) * 3).sum()).backward()
    (tout[0].sum() + (second(tout) * 3).sum()).backward()
    numpy.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-12)
    a.grad, ta.grad = None, None
    second(checkpoint(f, a, rb, use_reentrant=use_reentrant)).sum().backward()  # one output of several used
    second(torch.utils.checkpoint.checkpoint(f, ta, torch, use_reentrant=use_reentrant)).sum().backward()
    numpy.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("outer", MODES)
@pytest.mark.parametrize("inner", MODES)
def test_nested_checkpoints(outer, inner):
    model, x = _mlp(), _input()
    model(x).backward(_upstream())
    expected = _grads(x, model)

    def block(x):
        h = checkpoint(model[:3], x, use_reentrant=inner)
        return checkpoint(model[3:], h, use_reentrant=inner)

    checkpoint(block, x, use_reentrant=outer).backward(_upstream())
    for got, want in zip(_grads(x, model), expected):
        numpy.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("use_reentrant", MODES)
def test_closed_over_non_leaf_used_inside_and_outside(use_reentrant):
    p = rb.tensor([0.5, -1.0], dtype=rb.float64, requires_grad=True)
    x = rb.tensor([2.0, 3.0], dtype=rb.float64, requires_grad=True)

    def run(wrap):
        h = (p * 3).tanh()  # not a leaf; the function reads it from its closure
        y = wrap(lambda x: (x * h * p).sin(), x)
        (y * h).sum().backward()
        grads = p.grad.data.copy(), x.grad.data.copy()
        p.grad = x.grad = None
        return grads

    expected = run(lambda f, x: f(x))
    if use_reentrant:  # its nested backward frees h's graph before the outer one reaches it, as PyTorch's
        with pytest.raises(RuntimeError, match="second time"):
            run(lambda f, x: checkpoint(f, x, use_reentrant=True))
        return
    for got, want in zip(run(lambda f, x: checkpoint(f, x, use_reentrant=False)), expected):
        numpy.testing.assert_allclose(got, want, rtol=1e-12)


def test_non_reentrant_parameters_only_and_kwargs():
    model, x = _mlp(), _input().detach()  # no input requires grad: the parameters still get gradients
    twin = _torch_twin(model)
    out = checkpoint(lambda x, scale: model(x) * scale, x, use_reentrant=False, scale=2.0)
    tout = torch.utils.checkpoint.checkpoint(lambda x, scale: twin(x) * scale, to_torch(x), use_reentrant=False,
                                             scale=2.0)
    assert out.requires_grad and tout.requires_grad
    out.sum().backward()
    tout.sum().backward()
    for p, tp in zip(model.parameters(), twin.parameters()):
        numpy.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_reentrant_without_input_grad_warns_and_detaches():
    model, x = _mlp(), _input().detach()
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        out = checkpoint(model, x, use_reentrant=True)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        tout = torch.utils.checkpoint.checkpoint(_torch_twin(model), to_torch(x), use_reentrant=True)
    assert not out.requires_grad and not tout.requires_grad


def test_reentrant_refuses_kwargs_and_use_reentrant_none_warns():
    x = _input()
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        checkpoint(lambda x, scale: x * scale, x, use_reentrant=True, scale=2.0)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        out = checkpoint(lambda x: x.exp(), x)
    out.sum().backward()
    numpy.testing.assert_allclose(x.grad.data, numpy.exp(x.data))
    with pytest.warns(UserWarning, match="use_reentrant"):
        checkpoint_sequential([lambda x: x * 2, lambda x: x + 1], 2, x)


def test_autograd_grad():
    model, x = _mlp(), _input()
    w = model[0].weight
    out = checkpoint(model, x, use_reentrant=False)
    gx, gw = rb.autograd.grad(out, [x, w], _upstream())
    assert w.grad is None and x.grad is None  # grad() leaves every .grad alone
    model(x).backward(_upstream())
    numpy.testing.assert_allclose(gx.data, x.grad.data, rtol=1e-12)
    numpy.testing.assert_allclose(gw.data, w.grad.data, rtol=1e-12)
    with pytest.raises(RuntimeError, match="use_reentrant=True.*incompatible"):
        rb.autograd.grad(checkpoint(model, x, use_reentrant=True), [x], _upstream())
    tx = to_torch(x, requires_grad=True)
    with pytest.raises(RuntimeError, match="use_reentrant=True.*incompatible"):
        torch.autograd.grad(torch.utils.checkpoint.checkpoint(_torch_twin(model), tx, use_reentrant=True).sum(), tx)


def test_parameter_hooks_run_once_non_reentrant():
    model, x = _mlp(), _input()
    calls = []
    model[0].weight.register_hook(lambda g: calls.append(g.shape))
    checkpoint(model, x, use_reentrant=False).sum().backward()
    assert calls == [(8, 4)]


@pytest.mark.parametrize("use_reentrant", MODES)
def test_retain_graph_and_second_backward(use_reentrant):
    model, x = _mlp(), _input()
    out = checkpoint(model, x, use_reentrant=use_reentrant)
    out.sum().backward(retain_graph=True)
    once = x.grad.data.copy()
    out.sum().backward()
    numpy.testing.assert_allclose(x.grad.data, 2 * once, rtol=1e-12)
    with pytest.raises(RuntimeError, match="second time"):
        out.sum().backward()


@pytest.mark.parametrize("use_reentrant", MODES)
def test_inplace_write_to_saved_input_is_reported(use_reentrant):
    v = rb.tensor([1.0, 2.0], requires_grad=True)
    x = rb.tensor([3.0, 4.0])  # requires no grad: add_ writes its memory
    out = checkpoint(lambda x, v: (x * v).tanh(), x, v, use_reentrant=use_reentrant)
    x.add_(1.0)  # the recomputation would read the new values
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.sum().backward()


@pytest.mark.parametrize("use_reentrant", MODES)
def test_input_given_new_memory_in_place_is_recomputed_from_its_old_values(use_reentrant):
    v = rb.tensor([1.0, 2.0], dtype=rb.float64, requires_grad=True)
    leaf = rb.tensor([0.3, 0.4], dtype=rb.float64, requires_grad=True)

    def run(wrap):
        x = leaf * 1.0
        out = wrap(lambda x: (x * v).tanh(), x)
        x.add_(1.0)  # tracked: x gets new memory; the graph keeps the old values
        out.sum().backward()
        grads = v.grad.data.copy(), leaf.grad.data.copy()
        v.grad = leaf.grad = None
        return grads

    expected = run(lambda f, x: f(x))
    for got, want in zip(run(lambda f, x: checkpoint(f, x, use_reentrant=use_reentrant)), expected):
        numpy.testing.assert_allclose(got, want, rtol=1e-12)


def test_recomputation_must_match():
    x, calls = _input(), []

    def changing(x):
        calls.append(1)
        return x[: len(calls) + 1].exp()

    out = checkpoint(changing, x, use_reentrant=False)
    with pytest.raises(RuntimeError, match="recomputed output 0 has shape"):
        out.sum().backward()


@pytest.mark.parametrize("use_reentrant", MODES)
def test_under_no_grad_runs_plainly(use_reentrant):
    x = _input()
    with rb.no_grad():
        out = checkpoint(lambda x: x * 2, x, use_reentrant=use_reentrant)
    assert not out.requires_grad


def test_import_is_lazy():
    import subprocess
    import sys
    code = ("import sys, rosenblatt; assert 'rosenblatt.utils.checkpoint' not in sys.modules; "
            "assert 'rosenblatt.testing' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_warning_with_explicit_use_reentrant():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checkpoint(lambda x: x * 2, _input(), use_reentrant=False).sum().backward()
