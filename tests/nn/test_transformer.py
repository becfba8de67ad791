"""Transformer layers and stacks vs PyTorch (copied weights, float64 outputs and every gradient);
positional encodings vs their formulas."""
from __future__ import annotations

import math

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close
from .layer_helpers import check_layer
from rosenblatt.nn.modules.positional import (LearnedPositionalEmbedding, RotaryEmbedding,
                                              SinusoidalPositionalEncoding)
from rosenblatt.nn.modules.transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,
                                               TransformerEncoder, TransformerEncoderLayer)

E, H, FF = 8, 2, 16


def _copy(rb_module: rb.nn.Module, torch_module: torch.nn.Module) -> None:
    state = {k: v.detach().numpy().copy() for k, v in torch_module.state_dict().items()}
    result = rb_module.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert list(rb_module.state_dict()) == list(torch_module.state_dict())


def _compare(rb_module: rb.nn.Module, torch_module: torch.nn.Module, inputs: list[numpy.ndarray],
             call, rng: numpy.random.Generator) -> None:
    """Float64 forward, input gradients and every parameter gradient under a random upstream gradient."""
    rb_module, torch_module = rb_module.double(), torch_module.double()
    _copy(rb_module, torch_module)
    rb_in = [rb.tensor(x, requires_grad=True) for x in inputs]
    torch_in = [torch.tensor(x, requires_grad=True) for x in inputs]
    out, want = call(rb_module, rb_in, rb), call(torch_module, torch_in, torch)
    assert_close(out, want, atol=1e-10, rtol=1e-8, what="output")
    upstream = rng.standard_normal(tuple(want.shape))
    want.backward(torch.from_numpy(upstream))
    out.backward(rb.tensor(upstream))
    for a, b in zip(rb_in, torch_in):
        assert_close(a.grad, b.grad, atol=1e-10, rtol=1e-8, what="input grad")
    torch_params = dict(torch_module.named_parameters())
    names = [n for n, _ in rb_module.named_parameters()]
    assert names == list(torch_params)
    for name, p in rb_module.named_parameters():
        assert p.grad is not None, name
        assert_close(p.grad, torch_params[name].grad, atol=1e-10, rtol=1e-8, what=f"grad of {name}")


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer_contract(norm_first, activation, batch_first):
    options = dict(dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=batch_first,
                   norm_first=norm_first)
    check_layer(lambda: TransformerEncoderLayer(E, H, **options),
                lambda: torch.nn.TransformerEncoderLayer(E, H, **options), (3, 5, E))


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_layer_with_masks(norm_first, activation, rng):
    options = dict(dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=True,
                   norm_first=norm_first)
    N, S = 3, 5
    causal = numpy.triu(numpy.full((S, S), -numpy.inf), 1)
    padding = rng.random((N, S)) < 0.3
    padding[:, 0] = False
    padding = numpy.where(padding, -numpy.inf, 0.0)  # float, like the float src_mask

    def call(layer, ins, lib):
        return layer(ins[0], src_mask=lib.tensor(causal), src_key_padding_mask=lib.tensor(padding))

    _compare(TransformerEncoderLayer(E, H, **options), torch.nn.TransformerEncoderLayer(E, H, **options),
             [rng.standard_normal((N, S, E))], call, rng)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer(norm_first, activation, batch_first, rng):
    options = dict(dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=batch_first,
                   norm_first=norm_first)
    N, T, S = 2, 4, 6
    causal = numpy.triu(numpy.full((T, T), -numpy.inf), 1)
    memory_padding = rng.random((N, S)) < 0.3
    memory_padding[:, 0] = False

    def call(layer, ins, lib):
        return layer(ins[0], ins[1], tgt_mask=lib.tensor(causal), tgt_is_causal=True,
                     memory_key_padding_mask=lib.tensor(memory_padding))

    shape = (lambda L: (N, L, E)) if batch_first else (lambda L: (L, N, E))
    _compare(TransformerDecoderLayer(E, H, **options), torch.nn.TransformerDecoderLayer(E, H, **options),
             [rng.standard_normal(shape(T)), rng.standard_normal(shape(S))], call, rng)


def test_encoder_and_decoder_stacks(rng):
    def make(lib):
        nn = lib.nn if lib is torch else rb.nn
        enc_layer = (torch.nn.TransformerEncoderLayer if lib is torch else TransformerEncoderLayer)(
            E, H, FF, dropout=0.0, batch_first=True)
        dec_layer = (torch.nn.TransformerDecoderLayer if lib is torch else TransformerDecoderLayer)(
            E, H, FF, dropout=0.0, batch_first=True)
        enc = (torch.nn.TransformerEncoder if lib is torch else TransformerEncoder)(
            enc_layer, 2, nn.LayerNorm(E), enable_nested_tensor=False)
        dec = (torch.nn.TransformerDecoder if lib is torch else TransformerDecoder)(dec_layer, 2, nn.LayerNorm(E))
        return nn.ModuleList([enc, dec])

    def call(model, ins, lib):
        memory = model[0](ins[0])
        return model[1](ins[1], memory)

    _compare(make(rb), make(torch), [rng.standard_normal((2, 5, E)), rng.standard_normal((2, 3, E))], call, rng)


def test_transformer_matches_torch(rng):
    options = dict(d_model=E, nhead=H, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=FF,
                   dropout=0.0, norm_first=False, activation="gelu")
    mask = Transformer.generate_square_subsequent_mask(3)
    want = torch.nn.Transformer.generate_square_subsequent_mask(3)
    assert_close(mask, want)
    assert mask.dtype == numpy.float32

    def call(model, ins, lib):
        m = lib.tensor(want.double().numpy())
        return model(ins[0], ins[1], tgt_mask=m)

    model = Transformer(**options)
    assert all(abs(float(p.data.std()) - 0.0) > 0 for p in model.parameters() if p.ndim > 1)
    _compare(model, torch.nn.Transformer(**options), [rng.standard_normal((5, 2, E)),
                                                       rng.standard_normal((3, 2, E))], call, rng)


def test_bad_activation_and_batch_mismatch():
    with pytest.raises(ValueError, match="activation"):
        TransformerEncoderLayer(E, H, activation="tanh")
    with pytest.raises(ValueError, match=r"embed_dim \(10\) must be a positive multiple of num_heads \(3\)"):
        TransformerEncoderLayer(10, 3)
    model = Transformer(E, H, 1, 1, FF)
    with pytest.raises(ValueError, match="batch sizes differ: 2 vs 3"):
        model(rb.randn(5, 2, E), rb.randn(4, 3, E))


def test_sinusoidal_encoding():
    layer = SinusoidalPositionalEncoding(6, max_len=10)
    out = layer(rb.zeros(2, 4, 6))
    t, i = 3, 1  # position 3, pair 1
    assert out.dtype == numpy.float32
    assert out.shape == (2, 4, 6)
    numpy.testing.assert_allclose(out.data[1, t, 2 * i], math.sin(t / 10000 ** (2 * i / 6)), rtol=1e-6)
    numpy.testing.assert_allclose(out.data[1, t, 2 * i + 1], math.cos(t / 10000 ** (2 * i / 6)), rtol=1e-6)
    assert list(layer.state_dict()) == []
    seq_first = SinusoidalPositionalEncoding(6, max_len=10, batch_first=False)(rb.zeros(4, 2, 6))
    numpy.testing.assert_array_equal(seq_first.data.transpose(1, 0, 2), out.data)
    with pytest.raises(ValueError, match="length 11, max_len is only 10"):
        layer(rb.zeros(1, 11, 6))


def test_learned_embedding_gradient():
    layer = LearnedPositionalEmbedding(8, 4)
    x = rb.randn(3, 5, 4)
    out = layer(x)
    numpy.testing.assert_allclose(out.data, x.data + layer.weight.data[:5])
    out.sum().backward()
    numpy.testing.assert_array_equal(layer.weight.grad.data[:5], numpy.full((5, 4), 3.0, numpy.float32))
    numpy.testing.assert_array_equal(layer.weight.grad.data[5:], 0.0)
    assert 0.01 < float(layer.weight.data.std()) < 0.03
    with pytest.raises(ValueError, match="length 9, max_len is only 8"):
        layer(rb.randn(1, 9, 4))


def test_rotary_embedding_is_relative(rng):
    rope = RotaryEmbedding(8, max_len=32)
    q = rng.standard_normal(8).astype(numpy.float32)
    k = rng.standard_normal(8).astype(numpy.float32)
    seq = rb.tensor(numpy.stack([q] * 12))  # the same vector at every position
    seqk = rb.tensor(numpy.stack([k] * 12))
    rq, rk = rope(seq).data, rope(seqk).data
    # <rope(q, m), rope(k, n)> depends only on m - n; norms are preserved.
    numpy.testing.assert_allclose(rq[5] @ rk[2], rq[9] @ rk[6], rtol=1e-4)
    numpy.testing.assert_allclose(numpy.linalg.norm(rq, axis=-1), numpy.linalg.norm(q), rtol=1e-5)
    # Position 0 is the identity; position 1 rotates pair (0, 4) by angle 1.
    numpy.testing.assert_allclose(rq[0], q, rtol=1e-6)
    numpy.testing.assert_allclose(rq[1, 0], q[0] * math.cos(1) - q[4] * math.sin(1), rtol=1e-5)
    x = rb.tensor(rng.standard_normal((2, 3, 8)), requires_grad=True)
    out = rope(x, offset=4)
    out.backward(rb.ones_like(out))
    assert x.grad.shape == (2, 3, 8) and out.dtype == numpy.float64
    with pytest.raises(ValueError, match="length 33, max_len is only 32"):
        rope(rb.randn(33, 8))
