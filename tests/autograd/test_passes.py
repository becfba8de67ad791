"""autograd.backward and autograd.grad against PyTorch's: several outputs, non-leaf inputs, no side effects."""
import numpy as np
import pytest
import torch

import rosenblatt as rb


def _graph(lib, x, w):
    """A small graph with a shared node, a non-leaf ``h`` and two outputs."""
    h = lib.tanh(x * w)
    return h, (h * h * w).sum(), (h + x).sum()


def _leaves():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(5), rng.standard_normal(5)
    return ([rb.tensor(a, requires_grad=True), rb.tensor(b, requires_grad=True)],
            [torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)])


def test_grad_matches_torch_and_leaves_every_grad_alone():
    (x, w), (xt, wt) = _leaves()
    h, y1, y2 = _graph(rb, x, w)
    ht, y1t, y2t = _graph(torch, xt, wt)
    h.retain_grad()
    ht.retain_grad()
    got = rb.autograd.grad([y1, y2], [x, h], retain_graph=True)
    want = torch.autograd.grad([y1t, y2t], [xt, ht], retain_graph=True)
    for g, gt in zip(got, want):
        np.testing.assert_allclose(g.numpy(), gt.numpy(), rtol=1e-12)
    assert x.grad is None and w.grad is None and xt.grad is None and wt.grad is None
    np.testing.assert_allclose(h.grad.numpy(), ht.grad.numpy())  # retain_grad fills, as in PyTorch
    # the graph is still there: a later backward sees only its own gradients
    y1.backward()
    y1t.backward()
    np.testing.assert_allclose(w.grad.numpy(), wt.grad.numpy(), rtol=1e-12)


def test_grad_runs_only_the_part_of_the_graph_leading_to_the_inputs():
    (x, w), _ = _leaves()
    calls = []
    w.register_hook(lambda g: calls.append("w"))
    x.register_hook(lambda g: calls.append("x"))
    a = x * 2.0
    b = (w * w).sum()  # only reaches w
    (gx,) = rb.autograd.grad(a.sum() + b, x)
    np.testing.assert_allclose(gx.numpy(), np.full(5, 2.0))
    assert calls == ["x"]


def test_grad_with_grad_outputs_and_a_repeated_output():
    x, xt = rb.tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 2.0], requires_grad=True)
    a, b, at, bt = x * 2, x * 3, xt * 2, xt * 3
    got = rb.autograd.grad([a, b], x, grad_outputs=[rb.ones(2), rb.full((2,), 2.0)], retain_graph=True)
    want = torch.autograd.grad([at, bt], xt, grad_outputs=[torch.ones(2), torch.full((2,), 2.0)],
                               retain_graph=True)
    np.testing.assert_allclose(got[0].numpy(), want[0].numpy())
    (g,) = rb.autograd.grad([a.sum(), a.sum()], [x])  # counted twice, as in PyTorch
    np.testing.assert_allclose(g.numpy(), [4.0, 4.0])
    (g,) = rb.autograd.grad(b, [b], grad_outputs=rb.full((2,), 7.0))  # an output is an input
    np.testing.assert_allclose(g.numpy(), [7.0, 7.0])


def test_grad_of_an_unused_input_raises_unless_allowed():
    x, unused = rb.tensor([1.0], requires_grad=True), rb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"input 1 \(shape \(2,\)\) was not used.*allow_unused=True"):
        rb.autograd.grad((x * 2).sum(), [x, unused], retain_graph=True)
    gx, none = rb.autograd.grad((x * 2).sum(), [x, unused], retain_graph=True, allow_unused=True)
    assert none is None and gx.numpy().tolist() == [2.0]
    _, zeros = rb.autograd.grad((x * 2).sum(), [x, unused], materialize_grads=True)
    assert zeros.numpy().tolist() == [0.0, 0.0]


def test_grad_and_backward_reject_bad_arguments():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="input 0 .* does not require grad"):
        rb.autograd.grad((x * 2).sum(), [rb.tensor([1.0])])
    with pytest.raises(RuntimeError, match="tensor 0.*does not require grad"):
        rb.autograd.grad(rb.tensor(1.0), [x])
    with pytest.raises(RuntimeError, match="scalar outputs"):
        rb.autograd.grad(x * 2, [x])
    with pytest.raises(ValueError, match="got 1 gradients for 2 tensors"):
        rb.autograd.backward([x.sum(), x.sum()], [rb.tensor(1.0)])
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\) but the tensor has shape \(2,\)"):
        rb.autograd.grad(x * 2, [x], grad_outputs=rb.ones(3))
    with pytest.raises(NotImplementedError, match="create_graph"):
        rb.autograd.grad((x * 2).sum(), [x], create_graph=True)
    with pytest.raises(TypeError, match="must be tensors"):
        rb.autograd.grad((x * 2).sum(), [1.0])


def test_backward_from_several_tensors_matches_torch_in_one_pass():
    (x, w), (xt, wt) = _leaves()
    _, y1, y2 = _graph(rb, x, w)
    _, y1t, y2t = _graph(torch, xt, wt)
    rb.autograd.backward([y1, y2], [rb.tensor(2.0, dtype=rb.float64), None])
    torch.autograd.backward([y1t, y2t], [torch.tensor(2.0, dtype=torch.float64), None])
    for a, b in ((x, xt), (w, wt)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y1.backward()  # the shared graph was freed once, after the single pass
