"""Module hooks against PyTorch: full backward (pre-)hooks, and the forward hooks' options
(prepend, with_kwargs, always_call)."""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn


def _pair(lib):
    class TwoOut(lib.nn.Module):
        def forward(self, a, b, scale=1.0):
            return a * b * scale, a + 1

    return TwoOut()


def _shapes(grads):
    return [None if g is None else tuple(g.shape) for g in grads]


def _values(grads):
    return [None if g is None else numpy.asarray(g.detach().numpy() if isinstance(g, torch.Tensor)
                                                 else g.numpy()) for g in grads]


def _record(module, log):
    module.register_full_backward_pre_hook(lambda m, go: log.append(("pre", _values(go))))
    module.register_full_backward_hook(lambda m, gi, go: log.append(("full", _values(gi), _values(go))))


def _same_log(ours, theirs):
    assert [entry[0] for entry in ours] == [entry[0] for entry in theirs]
    for mine, want in zip(ours, theirs):
        for a, b in zip(mine[1:], want[1:]):
            assert [x is None for x in a] == [y is None for y in b]
            for x, y in zip(a, b):
                if x is not None:
                    numpy.testing.assert_allclose(x, y, rtol=1e-6)


@pytest.mark.parametrize("use_second_output", [False, True])
@pytest.mark.parametrize("b_requires_grad", [False, True])
def test_full_backward_hooks_see_what_torch_shows(use_second_output, b_requires_grad):
    """Two tensor inputs (one may not require grad), a float argument, two outputs (one may
    go unused): grad_input and grad_output entries, None where PyTorch has None."""
    a0, b0 = numpy.array([1.0, -2.0, 3.0], numpy.float32), numpy.array([0.5, 4.0, -1.0], numpy.float32)
    logs = []
    for lib, make in ((rb, rb.tensor), (torch, torch.tensor)):
        m, log = _pair(lib), []
        _record(m, log)
        a = make(a0, requires_grad=True)
        b = make(b0, requires_grad=b_requires_grad)
        x, y = m(a, b, 2.0)
        loss = (x * x).sum() + ((y * 3).sum() if use_second_output else 0)
        loss.backward()
        logs.append((log, a.grad))
    _same_log(logs[0][0], logs[1][0])
    numpy.testing.assert_allclose(logs[0][1].numpy(), logs[1][1].numpy(), rtol=1e-6)


def test_no_input_requires_grad_gives_none_grad_input():
    logs = []
    for lib in (rb, torch):
        layer, log = lib.nn.Linear(3, 2), []
        _record(layer, log)
        layer(lib.ones(4, 3)).sum().backward()
        logs.append(log)
    _same_log(*logs)
    assert logs[0][1][1] == [None]


@pytest.fixture
def twin_nets():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def test_replaced_gradients_flow_as_in_torch(twin_nets):
    """The pre-hook's gradient flows into the parameters and the input; the full hook's only
    into what lies before the module (the parameters' gradients come from inside it)."""
    grads = []
    for lib, net in zip((rb, torch), twin_nets):
        net[0].register_full_backward_pre_hook(lambda m, go: (go[0] * 10,))
        net[2].register_full_backward_hook(lambda m, gi, go: (gi[0] * -2,))
        x = lib.tensor(numpy.arange(6, dtype=numpy.float32).reshape(2, 3) / 5, requires_grad=True)
        net(x).sum().backward()
        grads.append([x.grad] + [p.grad for p in net.parameters()])
    for ours, theirs in zip(*grads):
        numpy.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_hook_returning_the_wrong_number_of_gradients_raises():
    layer = nn.Linear(3, 2)
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        layer(rb.ones(1, 3, requires_grad=True)).sum().backward()


def test_hooks_stay_out_of_no_grad_and_removed_hooks_stay_silent():
    layer, calls = nn.Linear(3, 2), []
    handle = layer.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    with rb.no_grad():
        assert not layer(rb.ones(1, 3, requires_grad=True)).requires_grad
    handle.remove()
    layer(rb.ones(1, 3, requires_grad=True)).sum().backward()
    assert calls == [] and layer.weight.grad is not None


def test_the_deprecated_non_full_hook_is_refused_with_the_fix():
    with pytest.raises(NotImplementedError, match="register_full_backward_hook"):
        nn.Linear(2, 2).register_backward_hook(lambda *a: None)


def test_forward_hook_options_match_torch():
    """prepend reorders, with_kwargs hooks see and replace kwargs, always_call runs on a failure."""
    runs = []
    for lib in (rb, torch):
        class Scale(lib.nn.Module):
            def forward(self, x, factor=1.0):
                if factor == 0:
                    raise ValueError("factor 0")
                return x * factor

        m, order = Scale(), []
        m.register_forward_pre_hook(lambda mod, args: order.append("pre-a"))
        m.register_forward_pre_hook(lambda mod, args: order.append("pre-b"), prepend=True)
        m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": kwargs["factor"] * 3}),
                                    with_kwargs=True)
        m.register_forward_hook(lambda mod, args, kwargs, out: out + kwargs["factor"], with_kwargs=True)
        h = m.register_forward_hook(lambda mod, args, out: order.append(("always", out)), always_call=True)
        out = m(lib.ones(2), factor=2.0)
        with pytest.raises(ValueError, match="factor 0"):
            m(lib.ones(2), factor=0.0)
        h.remove()
        with pytest.raises(ValueError):
            m(lib.ones(2), factor=0.0)
        runs.append((out.tolist(), [o if isinstance(o, str) else (o[0], None if o[1] is None else o[1].tolist())
                                    for o in order]))
    assert runs[0] == runs[1]
