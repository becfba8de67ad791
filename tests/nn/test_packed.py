"""Packed sequences: the nn.utils.rnn conversions and RNN/LSTM/GRU on PackedSequence vs PyTorch."""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close
from rosenblatt.nn.modules.rnn import GRU, LSTM, RNN
from rosenblatt.nn.utils.rnn import (PackedSequence, pack_padded_sequence, pack_sequence, pad_packed_sequence,
                                     pad_sequence, unpack_sequence, unpad_sequence)

tu = torch.nn.utils.rnn
TOL = dict(atol=1e-10, rtol=1e-8)
I, H = 3, 4


def _tensors(array: numpy.ndarray) -> tuple:
    return rb.tensor(array.copy(), requires_grad=True), torch.from_numpy(array.copy()).requires_grad_()


def _assert_same_packed(ours: PackedSequence, theirs) -> None:
    assert isinstance(ours, PackedSequence)
    assert_close(ours.data, theirs.data, **TOL, what="packed data")
    assert ours.batch_sizes.tolist() == theirs.batch_sizes.tolist()
    for a, b in ((ours.sorted_indices, theirs.sorted_indices), (ours.unsorted_indices, theirs.unsorted_indices)):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.tolist() == b.tolist()


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths,enforce_sorted", [([5, 3, 3, 1], True), ([2, 5, 1, 4], False),
                                                    ([4, 4, 4, 4], True)])
def test_pack_and_pad_round_trip_match_torch(batch_first, lengths, enforce_sorted, rng):
    shape = (4, 5, 2) if batch_first else (5, 4, 2)
    x, tx = _tensors(rng.standard_normal(shape))
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    want = tu.pack_padded_sequence(tx, torch.tensor(lengths), batch_first=batch_first,
                                   enforce_sorted=enforce_sorted)
    _assert_same_packed(packed, want)
    padded, out_lengths = pad_packed_sequence(packed, batch_first=batch_first, padding_value=-1.0,
                                              total_length=6)
    want_padded, want_lengths = tu.pad_packed_sequence(want, batch_first=batch_first, padding_value=-1.0,
                                                       total_length=6)
    assert_close(padded, want_padded, **TOL, what="padded")
    assert out_lengths.tolist() == want_lengths.tolist()
    g = rng.standard_normal(tuple(want_padded.shape))
    (want_padded * torch.from_numpy(g)).sum().backward()
    (padded * rb.tensor(g)).sum().backward()
    assert_close(x.grad, tx.grad, **TOL, what="input grad through pack and pad")


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first, padding_side, rng):
    arrays = [rng.standard_normal((n, 2)) for n in (3, 1, 4)]
    ours = [rb.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.from_numpy(a.copy()).requires_grad_() for a in arrays]
    out = pad_sequence(ours, batch_first, 0.5, padding_side)
    want = tu.pad_sequence(theirs, batch_first, 0.5, padding_side)
    assert_close(out, want, **TOL)
    g = rng.standard_normal(tuple(want.shape))
    (want * torch.from_numpy(g)).sum().backward()
    (out * rb.tensor(g)).sum().backward()
    for a, b in zip(ours, theirs):
        assert_close(a.grad, b.grad, **TOL, what="sequence grad")


@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("float64", "float32"), ("int64", "float64"),
                                    ("bool", "int64")])
def test_pad_sequence_of_mixed_dtypes_takes_the_first_ones_like_torch(dtypes, rng):
    arrays = [(rng.standard_normal(n) * 3).astype(d) for n, d in zip((2, 3), dtypes)]
    out = pad_sequence([rb.tensor(a) for a in arrays], padding_value=1.5, padding_side="left")
    want = tu.pad_sequence([torch.from_numpy(a) for a in arrays], padding_value=1.5, padding_side="left")
    assert str(out.dtype) == str(want.dtype).removeprefix("torch.")
    numpy.testing.assert_array_equal(out.numpy(), want.numpy())


def test_pad_sequence_grad_reaches_a_sequence_of_another_dtype(rng):
    a, ta = _tensors(rng.standard_normal(2).astype(numpy.float32))
    b, tb = _tensors(rng.standard_normal(3))
    (pad_sequence([a, b], batch_first=True) * rb.tensor([[1.0], [2.0]])).sum().backward()
    (tu.pad_sequence([ta, tb], batch_first=True) * torch.tensor([[1.0], [2.0]])).sum().backward()
    assert b.grad.dtype == numpy.float64
    assert_close(b.grad, tb.grad, **TOL)


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_sequence_unpack_and_unpad_match_torch(enforce_sorted, rng):
    arrays = [rng.standard_normal((n, 2)) for n in ((4, 2, 1) if enforce_sorted else (2, 4, 1))]
    ours = [rb.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.from_numpy(a.copy()).requires_grad_() for a in arrays]
    packed = pack_sequence(ours, enforce_sorted=enforce_sorted)
    want = tu.pack_sequence(theirs, enforce_sorted=enforce_sorted)
    _assert_same_packed(packed, want)
    pieces, want_pieces = unpack_sequence(packed), tu.unpack_sequence(want)
    assert [p.shape for p in pieces] == [tuple(p.shape) for p in want_pieces]
    for a, b in zip(pieces, want_pieces):
        assert_close(a, b, **TOL)
    padded, lengths = pad_sequence(ours, batch_first=True), [3, 1, 1]  # unpad may cut shorter
    want_unpadded = tu.unpad_sequence(tu.pad_sequence(theirs, batch_first=True), torch.tensor(lengths),
                                      batch_first=True)
    for a, b in zip(unpad_sequence(padded, lengths, batch_first=True), want_unpadded):
        assert_close(a, b, **TOL)
    g = [rng.standard_normal(tuple(p.shape)) for p in want_pieces]
    sum((p * torch.from_numpy(x)).sum() for p, x in zip(want_pieces, g)).backward()
    sum((p * rb.tensor(x)).sum() for p, x in zip(pieces, g)).backward()
    for a, b in zip(ours, theirs):
        assert_close(a.grad, b.grad, **TOL, what="sequence grad")


def test_bad_lengths_raise():
    x = rb.zeros(4, 3, 2)
    with pytest.raises(ValueError, match="enforce_sorted=False"):
        pack_padded_sequence(x, [1, 3, 2])
    with pytest.raises(ValueError, match="between 1 and the padded length 4"):
        pack_padded_sequence(x, [5, 3, 2])
    with pytest.raises(ValueError, match="expected 3 lengths"):
        pack_padded_sequence(x, [3, 2])
    with pytest.raises(ValueError, match="sequence 0 is 0-d"):
        pad_sequence([rb.tensor(1.0), rb.ones(2)])
    with pytest.raises(ValueError, match="total_length=2"):
        pad_packed_sequence(pack_padded_sequence(x, [3, 2, 1]), total_length=2)


LAYERS = {"LSTM": (LSTM, torch.nn.LSTM), "GRU": (GRU, torch.nn.GRU), "RNN": (RNN, torch.nn.RNN)}


@pytest.mark.parametrize("kind", list(LAYERS))
@pytest.mark.parametrize("num_layers,bidirectional,batch_first,enforce_sorted,with_state", [
    (1, False, False, True, False), (1, True, False, False, True), (2, True, True, False, False),
    (2, False, True, True, True)])
def test_layer_on_packed_sequence_matches_torch(kind, num_layers, bidirectional, batch_first,
                                                 enforce_sorted, with_state, rng):
    ours_cls, theirs_cls = LAYERS[kind]
    theirs = theirs_cls(I, H, num_layers=num_layers, bidirectional=bidirectional,
                        batch_first=batch_first).double()
    ours = ours_cls(I, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first).double()
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    lengths = [6, 4, 4, 1] if enforce_sorted else [3, 6, 1, 4]
    x, tx = _tensors(rng.standard_normal((4, 6, I) if batch_first else (6, 4, I)))
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    tpacked = tu.pack_padded_sequence(tx, torch.tensor(lengths), batch_first=batch_first,
                                      enforce_sorted=enforce_sorted)
    state_shape = (num_layers * (2 if bidirectional else 1), 4, H)
    leaves = [(x, tx)]
    args, targs = [packed], [tpacked]
    if with_state:
        h, th = _tensors(rng.standard_normal(state_shape))
        leaves.append((h, th))
        if kind == "LSTM":
            c, tc = _tensors(rng.standard_normal(state_shape))
            leaves.append((c, tc))
            args.append((h, c))
            targs.append((th, tc))
        else:
            args.append(h)
            targs.append(th)
    out, state = ours(*args)
    want_out, want_state = theirs(*targs)
    _assert_same_packed(out, want_out)
    states = list(state) if kind == "LSTM" else [state]
    want_states = list(want_state) if kind == "LSTM" else [want_state]
    for i, (a, b) in enumerate(zip(states, want_states)):
        assert_close(a, b, **TOL, what=f"final state {i}")
    g_out = rng.standard_normal(tuple(want_out.data.shape))
    g_states = [rng.standard_normal(tuple(s.shape)) for s in want_states]
    loss_t = (want_out.data * torch.from_numpy(g_out)).sum() + sum(
        (s * torch.from_numpy(g)).sum() for s, g in zip(want_states, g_states))
    loss_r = (out.data * rb.tensor(g_out)).sum() + sum(
        (s * rb.tensor(g)).sum() for s, g in zip(states, g_states))
    loss_t.backward()
    loss_r.backward()
    for i, (a, b) in enumerate(leaves):
        assert_close(a.grad, b.grad, **TOL, what=f"grad of input {i}")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, theirs_params[name].grad, **TOL, what=f"grad of {name}")


def test_projected_lstm_on_packed_sequence_matches_torch(rng):
    theirs = torch.nn.LSTM(I, H, bidirectional=True, batch_first=True, proj_size=2).double()
    ours = LSTM(I, H, bidirectional=True, batch_first=True, proj_size=2).double()
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    x, tx = _tensors(rng.standard_normal((3, 5, I)))
    lengths = [2, 5, 3]
    out, (h, c) = ours(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    want, (th, tc) = theirs(tu.pack_padded_sequence(tx, torch.tensor(lengths), batch_first=True,
                                                    enforce_sorted=False))
    _assert_same_packed(out, want)
    gs = [rng.standard_normal(tuple(t.shape)) for t in (want.data, th, tc)]
    sum((t * torch.from_numpy(g)).sum() for t, g in zip((want.data, th, tc), gs)).backward()
    sum((t * rb.tensor(g)).sum() for t, g in zip((out.data, h, c), gs)).backward()
    assert_close(h, th, **TOL, what="h_n")
    assert_close(c, tc, **TOL, what="c_n")
    assert_close(x.grad, tx.grad, **TOL, what="input grad")
    assert_close(ours.weight_hr_l0_reverse.grad, theirs.weight_hr_l0_reverse.grad, **TOL)


def test_packed_sequence_to_dtype_as_torch(rng):
    arrays = [rng.standard_normal((n, I)).astype(numpy.float32) for n in (3, 1)]
    packed = pack_sequence([rb.tensor(a) for a in arrays]).double()
    want = tu.pack_sequence([torch.from_numpy(a) for a in arrays]).double()
    _assert_same_packed(packed, want)
    assert packed.data.dtype == numpy.float64 and packed.to("cpu") is packed
    assert packed.to(rb.float32).float().data.dtype == numpy.float32
