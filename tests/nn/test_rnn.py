"""RNN, LSTM, GRU and their cells against PyTorch with copied weights, plus gradchecks and errors."""
from __future__ import annotations

import math
import warnings

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close
from rosenblatt.autograd import gradcheck
from rosenblatt.nn.modules.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

I, H, T, B = 3, 4, 5, 2
TOL = dict(atol=1e-10, rtol=1e-8)

LAYERS = {"LSTM": (LSTM, torch.nn.LSTM), "GRU": (GRU, torch.nn.GRU),
          "RNN_TANH": (RNN, torch.nn.RNN), "RNN_RELU": (RNN, torch.nn.RNN)}
CELLS = {"LSTM": (LSTMCell, torch.nn.LSTMCell), "GRU": (GRUCell, torch.nn.GRUCell),
         "RNN_TANH": (RNNCell, torch.nn.RNNCell), "RNN_RELU": (RNNCell, torch.nn.RNNCell)}


def _pair(kind: str, table: dict, **kwargs) -> tuple:
    """A rosenblatt and a torch layer (float64) holding the same weights."""
    ours, theirs = table[kind]
    if kind.startswith("RNN"):
        kwargs["nonlinearity"] = kind[4:].lower()
    torch_layer = theirs(I, H, **kwargs).double()
    rb_layer = ours(I, H, **kwargs).double()
    state = {k: v.detach().numpy().copy() for k, v in torch_layer.state_dict().items()}
    assert list(rb_layer.state_dict()) == list(state)
    rb_layer.load_state_dict(state)
    return rb_layer, torch_layer


def _tensors(array: numpy.ndarray) -> tuple:
    return rb.tensor(array.copy(), requires_grad=True), torch.from_numpy(array.copy()).requires_grad_()


def _flatten(out) -> list:
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flatten(o)]
    return [out]


def _backward_both(ours: list, theirs: list, rng: numpy.random.Generator) -> None:
    """Compare the outputs, then backpropagate the same random upstream gradients."""
    loss_t = 0
    grads = []
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert_close(a, b, **TOL, what=f"output {i}")
        g = rng.standard_normal(tuple(b.shape))
        loss_t = loss_t + (b * torch.from_numpy(g)).sum()
        grads.append(g)
    loss_r = sum((a * rb.tensor(g)).sum() for a, g in zip(ours, grads))
    loss_t.backward()
    loss_r.backward()


def _check_param_grads(rb_layer, torch_layer) -> None:
    theirs = dict(torch_layer.named_parameters())
    for name, p in rb_layer.named_parameters():
        assert p.grad is not None, f"{name}: no gradient"
        assert_close(p.grad, theirs[name].grad, **TOL, what=f"grad of {name}")


def _compare_with_states(kind, ours, theirs, x_shape, state_shape, rng) -> None:
    """Run both modules on the same input (and initial states when ``state_shape`` is given),
    backward a random upstream gradient, and compare every input and parameter gradient."""
    x, tx = _tensors(rng.standard_normal(x_shape))
    args_r, args_t, leaves = [x], [tx], [(x, tx)]
    if state_shape is not None:
        h, th = _tensors(rng.standard_normal(state_shape))
        leaves.append((h, th))
        if kind.startswith("LSTM"):
            c, tc = _tensors(rng.standard_normal(state_shape))
            leaves.append((c, tc))
            args_r.append((h, c))
            args_t.append((th, tc))
        else:
            args_r.append(h)
            args_t.append(th)
    _backward_both(_flatten(ours(*args_r)), _flatten(theirs(*args_t)), rng)
    for i, (mine, torch_leaf) in enumerate(leaves):
        assert_close(mine.grad, torch_leaf.grad, **TOL, what=f"grad of input {i}")
    _check_param_grads(ours, theirs)


@pytest.mark.parametrize("kind", list(LAYERS))
@pytest.mark.parametrize("num_layers,bidirectional,batch_first,with_state", [
    (1, False, False, False), (1, False, True, True), (2, False, False, True),
    (1, True, False, True), (2, True, True, False), (2, True, False, True)])
def test_layer_matches_torch(kind, num_layers, bidirectional, batch_first, with_state, rng):
    rb_layer, torch_layer = _pair(kind, LAYERS, num_layers=num_layers, bidirectional=bidirectional,
                                  batch_first=batch_first)
    state = (num_layers * (2 if bidirectional else 1), B, H) if with_state else None
    _compare_with_states(kind, rb_layer, torch_layer, (B, T, I) if batch_first else (T, B, I),
                         state, rng)


@pytest.mark.parametrize("kind", list(LAYERS))
def test_unbatched_input_and_no_bias(kind, rng):
    rb_layer, torch_layer = _pair(kind, LAYERS, num_layers=2, bidirectional=True, bias=False)
    x, tx = _tensors(rng.standard_normal((T, I)))
    h, th = _tensors(rng.standard_normal((4, H)))
    state_r, state_t = ((h, h * 0.5), (th, th * 0.5)) if kind == "LSTM" else (h, th)
    _backward_both(_flatten(rb_layer(x, state_r)), _flatten(torch_layer(tx, state_t)), rng)
    assert_close(x.grad, tx.grad, **TOL, what="input grad")
    assert_close(h.grad, th.grad, **TOL, what="h_0 grad")
    _check_param_grads(rb_layer, torch_layer)


@pytest.mark.parametrize("num_layers,bidirectional,batch_first,bias,batched", [
    (1, False, False, True, True), (2, True, True, False, True), (2, True, False, True, False)])
def test_lstm_proj_size_matches_torch(num_layers, bidirectional, batch_first, bias, batched, rng):
    ours, theirs = _pair("LSTM", LAYERS, num_layers=num_layers, bidirectional=bidirectional,
                         batch_first=batch_first, bias=bias, proj_size=2)
    assert repr(ours) == repr(theirs)
    states = num_layers * (2 if bidirectional else 1)
    lead = ((B, T) if batch_first else (T, B)) if batched else (T,)
    x, tx = _tensors(rng.standard_normal(lead + (I,)))
    batch = (B,) if batched else ()
    h, th = _tensors(rng.standard_normal((states, *batch, 2)))  # h has proj_size features
    c, tc = _tensors(rng.standard_normal((states, *batch, H)))
    _backward_both(_flatten(ours(x, (h, c))), _flatten(theirs(tx, (th, tc))), rng)
    for i, (a, b) in enumerate(((x, tx), (h, th), (c, tc))):
        assert_close(a.grad, b.grad, **TOL, what=f"grad of input {i}")
    _check_param_grads(ours, theirs)


def test_lstm_proj_size_errors():
    with pytest.raises(ValueError, match="proj_size"):
        torch.nn.LSTM(I, H, proj_size=H)
    with pytest.raises(ValueError, match=r"proj_size must be an int in \[0, hidden_size=4\).*got 4"):
        LSTM(I, H, proj_size=H)
    with pytest.raises(ValueError, match=r"expected c_0 of shape \(1, 2, 4\), got \(1, 2, 2\)"):
        LSTM(I, H, proj_size=2)(rb.zeros(T, B, I), (rb.zeros(1, B, 2), rb.zeros(1, B, 2)))


@pytest.mark.parametrize("kind", list(LAYERS))
def test_empty_batch_matches_torch(kind, rng):
    """B = 0: empty outputs and zero weight gradients (backward raised on reshaping (0, T, I))."""
    rb_layer, torch_layer = _pair(kind, LAYERS, bidirectional=True)
    _compare_with_states(kind, rb_layer, torch_layer, (T, 0, I), (2, 0, H), rng)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_dtype_mismatch_and_empty_sequence_raise_like_torch(kind):
    """PyTorch refuses them; NumPy ran a float64 model on float32 input in float32."""
    (layer, torch_layer), (cell, torch_cell) = _pair(kind, LAYERS), _pair(kind, CELLS)
    state = lambda h: (h, h) if kind == "LSTM" else h  # noqa: E731
    for ours, theirs, x_shape, h_shape in ((layer, torch_layer, (T, B, I), (1, B, H)),
                                           (cell, torch_cell, (B, I), (B, H))):
        with pytest.raises((ValueError, RuntimeError)):
            theirs(torch.zeros(x_shape))
        with pytest.raises(ValueError, match=r"input dtype float32 does not match weight dtype float64"):
            ours(rb.zeros(x_shape))
        with pytest.raises(RuntimeError):
            theirs(torch.zeros(x_shape, dtype=torch.float64), state(torch.zeros(h_shape)))
        with pytest.raises(RuntimeError, match=r"h_0 dtype float32 does not match the input dtype float64"
                           if kind == "LSTM" else r"hx|h_0"):
            ours(rb.zeros(x_shape, dtype=rb.float64), state(rb.zeros(h_shape)))
    with pytest.raises(RuntimeError, match="larger than 0"):
        torch_layer(torch.zeros(0, B, I, dtype=torch.float64))
    with pytest.raises(RuntimeError, match=r"sequence length larger than 0, got input of shape \(0, 2, 3\)"):
        layer(rb.zeros(0, B, I, dtype=rb.float64))


@pytest.mark.parametrize("kind", list(LAYERS))
def test_float32_forward_stays_float32(kind, rng):
    ours, theirs = LAYERS[kind]
    kwargs = {"nonlinearity": kind[4:].lower()} if kind.startswith("RNN") else {}
    torch_layer, rb_layer = theirs(I, H, **kwargs), ours(I, H, **kwargs)
    rb_layer.load_state_dict({k: v.detach().numpy().copy() for k, v in torch_layer.state_dict().items()})
    x = rng.standard_normal((T, B, I)).astype(numpy.float32)
    out = rb_layer(rb.tensor(x))
    with torch.no_grad():
        want = torch_layer(torch.from_numpy(x))
    for a, b in zip(_flatten(out), _flatten(want)):
        assert_close(a, b, atol=1e-5, rtol=1e-4)
    out[0].sum().backward()
    assert all(p.grad.dtype == numpy.float32 for p in rb_layer.parameters())


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_saturated_gates_match_torch_without_warnings(kind, rng):
    """Weights x 300 give pre-activations in the hundreds: ``exp`` (sigmoid through exp)
    overflows to inf in float32 and the gates must still saturate to 0 and 1 as PyTorch's,
    with finite gradients and no RuntimeWarning."""
    ours, theirs = LAYERS[kind]
    torch_layer, rb_layer = theirs(I, H), ours(I, H)
    with torch.no_grad():
        for p in torch_layer.parameters():
            p.mul_(300.0)
    rb_layer.load_state_dict({k: v.detach().numpy().copy() for k, v in torch_layer.state_dict().items()})
    x = rng.standard_normal((T, B, I)).astype(numpy.float32)
    g = rng.standard_normal((T, B, H)).astype(numpy.float32)
    rx, tx = rb.tensor(x.copy(), requires_grad=True), torch.from_numpy(x.copy()).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = rb_layer(rx)[0]
        out.backward(rb.tensor(g))
    want = torch_layer(tx)[0]
    want.backward(torch.from_numpy(g))
    assert_close(out, want, atol=1e-5, rtol=1e-4, what="output")
    assert numpy.isfinite(rx.grad.data).all()
    assert_close(rx.grad, tx.grad, atol=1e-3, rtol=1e-4, what="input grad")


@pytest.mark.parametrize("kind", list(CELLS))
@pytest.mark.parametrize("batched,with_state", [(True, True), (True, False), (False, True)])
def test_cell_matches_torch(kind, batched, with_state, rng):
    rb_cell, torch_cell = _pair(kind, CELLS)
    state = ((B, H) if batched else (H,)) if with_state else None
    _compare_with_states(kind, rb_cell, torch_cell, (B, I) if batched else (I,), state, rng)


@pytest.mark.parametrize("kind", list(CELLS))
def test_cell_gradcheck(kind, rng):
    ours, _ = CELLS[kind]
    kwargs = {"nonlinearity": kind[4:].lower()} if kind.startswith("RNN") else {}
    cell = ours(2, 3, generator=rb.Generator(1), **kwargs).double()
    x = rb.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    h = rb.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    c = rb.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    params = list(cell.parameters())
    if kind == "LSTM":
        assert gradcheck(lambda x, h, c, *p: cell(x, (h, c)), [x, h, c, *params])
    else:
        assert gradcheck(lambda x, h, *p: cell(x, h), [x, h, *params])


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN_TANH"])
def test_sequence_gradcheck_bidirectional(kind, rng):
    ours, _ = LAYERS[kind]
    layer = ours(2, 2, bidirectional=True, generator=rb.Generator(2)).double()
    x = rb.tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)
    assert gradcheck(lambda x, *p: layer(x)[0], [x, *layer.parameters()])


@pytest.mark.parametrize("kind", list(LAYERS))
def test_parameters_names_shapes_and_init(kind):
    ours, theirs = LAYERS[kind]
    kwargs = {"nonlinearity": kind[4:].lower()} if kind.startswith("RNN") else {}
    layer = ours(I, 16, num_layers=2, bidirectional=True, **kwargs)
    want = theirs(I, 16, num_layers=2, bidirectional=True, **kwargs)
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in want.named_parameters()]
    bound = 1 / math.sqrt(16)
    values = numpy.concatenate([p.data.ravel() for p in layer.parameters()])
    assert values.dtype == numpy.float32
    assert values.min() >= -bound and values.max() <= bound and values.std() > bound / 3


def test_all_weights_and_flatten_parameters_as_torch():
    ours, theirs = _pair("LSTM", LAYERS, num_layers=2, bidirectional=True)
    ours.flatten_parameters()  # a no-op both sides on CPU; PyTorch code calls it
    theirs.flatten_parameters()
    assert [[tuple(p.shape) for p in group] for group in ours.all_weights] == \
        [[tuple(p.shape) for p in group] for group in theirs.all_weights]
    assert ours.all_weights[3][1] is ours.weight_hh_l1_reverse


def test_dropout_with_one_layer_warns_as_torch():
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        torch.nn.GRU(I, H, dropout=0.5)
    with pytest.warns(UserWarning, match="GRU: dropout option .* got dropout=0.5 and num_layers=1"):
        GRU(I, H, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GRU(I, H, num_layers=2, dropout=0.5)


def test_same_generator_same_weights():
    a, b = LSTM(3, 4, generator=rb.Generator(7)), LSTM(3, 4, generator=rb.Generator(7))
    for p, q in zip(a.parameters(), b.parameters()):
        numpy.testing.assert_array_equal(p.data, q.data)


def test_dropout_between_layers_is_generator_driven(rng):
    x = rb.tensor(rng.standard_normal((T, B, I)).astype(numpy.float32))
    outs = []
    for _ in range(2):
        layer = GRU(I, H, num_layers=2, dropout=0.5, generator=rb.Generator(3))
        outs.append(layer(x)[0].data)
    numpy.testing.assert_array_equal(outs[0], outs[1])
    no_drop = layer.eval()(x)[0].data
    assert not numpy.allclose(outs[0], no_drop)
    layer.train()
    assert not numpy.allclose(layer(x)[0].data, outs[0])  # masks differ from call to call


@pytest.mark.parametrize("make,x_shape,state,message", [
    (lambda: LSTM(3, 4), (5, 2, 6), None, "Expected 3, got 6"),
    (lambda: GRU(3, 4), (5, 2, 3), (1, 3, 4), r"h_0|hx"),
    (lambda: GRU(3, 4, num_layers=2), (5, 2, 3), (1, 2, 4), r"\(2, 2, 4\), got \(1, 2, 4\)"),
    (lambda: RNN(3, 4), (5, 2, 2, 3), None, "2 \\(unbatched\\) or 3"),
    (lambda: GRUCell(3, 4), (2, 5), None, "got 5, expected 3"),
    (lambda: RNNCell(3, 4), (2, 3), (3, 4), r"\(2, 4\), got \(3, 4\)"),
])
def test_bad_shapes_raise_value_error(make, x_shape, state, message):
    layer = make()
    args = [rb.zeros(*x_shape)]
    if state is not None:
        args.append(rb.zeros(*state))
    with pytest.raises(ValueError, match=message):
        layer(*args)


def test_sizes_checked_as_torch():
    with pytest.raises(ValueError, match="input_size must be greater than zero"):
        torch.nn.LSTM(0, H)
    with pytest.raises(ValueError, match="LSTM: input_size must be a positive int, got 0"):
        LSTM(0, H)
    torch_cell, cell = torch.nn.GRUCell(I, 0), GRUCell(I, 0)  # allowed, empty state
    assert cell(rb.zeros(B, I)).shape == tuple(torch_cell(torch.zeros(B, I)).shape) == (B, 0)


def test_lstm_cell_state_as_one_tensor_raises_like_torch():
    with pytest.raises(TypeError, match="must be tuple of Tensors"):
        torch.nn.LSTMCell(I, H)(torch.zeros(B, I), torch.zeros(2, B, H))
    with pytest.raises(TypeError, match=r"hx must be a tuple \(h_0, c_0\), got Tensor"):
        LSTMCell(I, H)(rb.zeros(B, I), rb.zeros(2, B, H))  # it unpacked along dim 0


def test_lstm_bad_cell_state_shape():
    with pytest.raises(ValueError, match=r"c_0.*\(1, 2, 4\), got \(1, 2, 5\)"):
        LSTM(3, 4)(rb.zeros(5, 2, 3), (rb.zeros(1, 2, 4), rb.zeros(1, 2, 5)))


def test_changing_weights_in_place_before_backward_is_reported(rng):
    layer = LSTM(I, H)
    out, _ = layer(rb.tensor(rng.standard_normal((T, B, I)).astype(numpy.float32)))
    with rb.no_grad():
        layer.weight_hh_l0.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.sum().backward()
