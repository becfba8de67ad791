"""scaled_dot_product_attention and MultiheadAttention vs PyTorch (float64 outputs and gradients)."""
from __future__ import annotations

import math

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close
from rosenblatt.autograd.gradcheck import gradcheck
from rosenblatt.nn.functional.attention import scaled_dot_product_attention as sdpa
from rosenblatt.nn.modules.attention import MultiheadAttention

TIGHT = dict(atol=1e-10, rtol=1e-8)


def _mask(kind: str, L: int, S: int, rng: numpy.random.Generator) -> tuple:
    """(mask array or None, is_causal, the equivalent explicit mask for torch or None)."""
    if kind == "none":
        return None, False, None
    if kind == "bool":
        m = rng.random((L, S)) > 0.3
        m[1] = False  # a fully masked row: zeros, as PyTorch
        return m, False, m
    if kind == "float":
        m = rng.standard_normal((3, L, S))  # broadcasts over the batch dim
        return m, False, m
    if kind == "causal":
        return None, True, None
    # "both": a per-batch bool mask and is_causal; PyTorch's math kernel refuses the pair,
    # its fused CPU kernel combines them, which is what the explicit mask below spells out.
    m = rng.random((2, 1, L, S)) > 0.3
    return m, True, m & numpy.tri(L, S, dtype=bool)


@pytest.mark.parametrize("kind", ["none", "bool", "float", "causal", "both"])
@pytest.mark.parametrize("L,S", [(5, 5), (3, 6)])
def test_sdpa_matches_torch(kind, L, S, rng):
    q, k, v = (rng.standard_normal((2, 3, n, d)) for n, d in ((L, 4), (S, 4), (S, 5)))
    mask, causal, torch_mask = _mask(kind, L, S, rng)
    float_mask = mask is not None and mask.dtype != bool
    rb_in = [rb.tensor(a, requires_grad=True) for a in (q, k, v)]
    torch_in = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    rb_mask = None if mask is None else rb.tensor(mask, requires_grad=float_mask)
    torch_mask = None if torch_mask is None else torch.tensor(torch_mask, requires_grad=float_mask)
    out = sdpa(*rb_in, attn_mask=rb_mask, is_causal=causal)
    want = torch.nn.functional.scaled_dot_product_attention(
        *torch_in, attn_mask=torch_mask, is_causal=causal and kind == "causal")
    assert_close(out, want, **TIGHT)
    g = rng.standard_normal(tuple(want.shape))
    out.backward(rb.tensor(g))
    want.backward(torch.tensor(g))
    for a, b in zip(rb_in, torch_in):
        assert_close(a.grad, b.grad, **TIGHT, what="input grad")
    if float_mask:
        assert_close(rb_mask.grad, torch_mask.grad, **TIGHT, what="mask grad")
    if kind == "bool":
        numpy.testing.assert_array_equal(out.data[:, :, 1], 0.0)


@pytest.mark.parametrize("q_shape,k_shape,v_shape,kwargs", [
    ((2, 4, 3, 5), (2, 2, 6, 5), (2, 1, 6, 7), dict(enable_gqa=True)),  # key and value heads repeat apart
    ((3, 1, 4, 3, 5), (3, 2, 2, 6, 5), (3, 2, 4, 6, 7), dict(enable_gqa=True, is_causal=True)),
    ((2, 3, 5), (2, 0, 5), (2, 0, 7), {}),  # no keys: zeros
    ((2, 3, 5), (2, 0, 5), (2, 0, 7), dict(is_causal=True)),
    ((3, 5), (4, 5), (4, 7), dict(attn_mask=numpy.float32)),  # a float32 mask on float64 inputs
])
def test_sdpa_gqa_no_keys_and_float32_mask_match_torch(q_shape, k_shape, v_shape, kwargs, rng):
    arrays = [rng.standard_normal(shape) for shape in (q_shape, k_shape, v_shape)]
    rb_in = [rb.tensor(a, requires_grad=True) for a in arrays]
    torch_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    rb_kw, torch_kw = dict(kwargs), dict(kwargs)
    if "attn_mask" in kwargs:
        mask = rng.standard_normal((q_shape[-2], k_shape[-2])).astype(kwargs["attn_mask"])
        rb_kw["attn_mask"] = rb.tensor(mask, requires_grad=True)
        torch_kw["attn_mask"] = torch.tensor(mask, requires_grad=True)
        rb_in.append(rb_kw["attn_mask"])
        torch_in.append(torch_kw["attn_mask"])
    out = sdpa(*rb_in[:3], **rb_kw)
    want = torch.nn.functional.scaled_dot_product_attention(*torch_in[:3], **torch_kw)
    assert_close(out, want, **TIGHT)
    g = rng.standard_normal(tuple(want.shape))
    out.backward(rb.tensor(g))
    want.backward(torch.tensor(g))
    for a, b in zip(rb_in, torch_in):
        assert a.grad.dtype == a.dtype
        assert_close(a.grad, b.grad, atol=1e-6, rtol=1e-5, what="grad")


def test_sdpa_float32_broadcast_batch_and_scale(rng):
    q = rng.standard_normal((2, 3, 4, 8)).astype(numpy.float32)
    k = rng.standard_normal((1, 3, 6, 8)).astype(numpy.float32)  # one key set for the whole batch
    v = rng.standard_normal((1, 3, 6, 2)).astype(numpy.float32)
    rb_in = [rb.tensor(a, requires_grad=True) for a in (q, k, v)]
    torch_in = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    out = sdpa(*rb_in, scale=0.3)
    want = torch.nn.functional.scaled_dot_product_attention(*torch_in, scale=0.3)
    assert_close(out, want)
    out.sum().backward()
    want.sum().backward()
    for a, b in zip(rb_in, torch_in):
        assert a.grad.dtype == numpy.float32
        assert_close(a.grad, b.grad, atol=1e-5, rtol=1e-4, what="grad")


def test_sdpa_large_scores_stay_finite():
    q = rb.tensor([[[1e4, 0.0], [-1e4, 0.0]]], requires_grad=True)
    out = sdpa(q, q, q)
    out.sum().backward()
    assert numpy.isfinite(out.data).all() and numpy.isfinite(q.grad.data).all()


@pytest.mark.parametrize("kind", ["none", "bool", "float", "causal"])
def test_sdpa_gradcheck(kind, rng):
    L, S = 3, 4
    mask, causal, _ = _mask(kind, L, S, rng)
    inputs = [rb.tensor(rng.standard_normal((2, n, d)), requires_grad=True) for n, d in ((L, 3), (S, 3), (S, 2))]
    if mask is not None and mask.dtype != bool:
        inputs.append(rb.tensor(mask[0], requires_grad=True))
        assert gradcheck(lambda q, k, v, m: sdpa(q, k, v, attn_mask=m), inputs)
    else:
        m = None if mask is None else rb.tensor(mask)
        assert gradcheck(lambda q, k, v: sdpa(q, k, v, attn_mask=m, is_causal=causal), inputs)


def test_sdpa_dropout_is_seeded_and_scaled(rng):
    q, k = (rb.tensor(rng.standard_normal((2, 5, 4)).astype(numpy.float32)) for _ in range(2))
    v = rb.ones(2, 5, 3)
    a = sdpa(q, k, v, dropout_p=0.5, generator=rb.Generator(1))
    b = sdpa(q, k, v, dropout_p=0.5, generator=rb.Generator(1))
    c = sdpa(q, k, v, dropout_p=0.5, generator=rb.Generator(2))
    numpy.testing.assert_array_equal(a.data, b.data)
    assert not numpy.array_equal(a.data, c.data)
    # With v = 1 each output is the sum of the kept probabilities times 2: in [0, 2].
    assert a.data.min() >= 0 and a.data.max() <= 2 + 1e-6 and a.data.std() > 0
    numpy.testing.assert_array_equal(sdpa(q, k, v, dropout_p=1.0).data, 0.0)


def test_sdpa_errors():
    q = rb.randn(2, 4, 8)
    with pytest.raises(ValueError, match=r"attn_mask of shape \(3, 4\) does not broadcast.*\(2, 4, 4\)"):
        sdpa(q, q, q, attn_mask=rb.ones(3, 4, dtype=rb.bool))
    with pytest.raises(ValueError, match=r"query \(2, 4, 8\), key \(2, 4, 6\)"):
        sdpa(q, rb.randn(2, 4, 6), q)
    with pytest.raises(TypeError, match="attn_mask must be bool"):
        sdpa(q, q, q, attn_mask=rb.zeros(4, 4, dtype=rb.int64))
    with pytest.raises(TypeError, match="attn_mask must be bool, float32 or the query's dtype float32"):
        sdpa(q, q, q, attn_mask=rb.zeros(4, 4, dtype=rb.float64))  # PyTorch refuses it too
    with pytest.raises(ValueError, match="number of key heads must divide the query's 3 heads"):
        sdpa(rb.randn(3, 4, 8), q, q, enable_gqa=True)
    with pytest.raises(ValueError, match=r"enable_gqa needs a heads dim"):
        sdpa(q[0], q[0], q[0], enable_gqa=True)
    # mixed dtypes: PyTorch refuses them (NumPy promoted silently to a float64 output)
    with pytest.raises(RuntimeError, match="same dtype"):
        torch.nn.functional.scaled_dot_product_attention(*(torch.randn(2, 4, 8),) * 2,
                                                         torch.randn(2, 4, 8).double())
    with pytest.raises(RuntimeError, match="one dtype, got float32, float32 and float64"):
        sdpa(q, q, q.to(rb.float64))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Long"):
        torch.nn.functional.scaled_dot_product_attention(*(torch.ones(2, 4, 8, dtype=torch.int64),) * 3)
    with pytest.raises(TypeError, match="expected a floating-point input, got dtype int64"):
        sdpa(*(rb.ones(2, 4, 8, dtype=rb.int64),) * 3)


def _copy(rb_module: rb.nn.Module, torch_module: torch.nn.Module) -> None:
    result = rb_module.load_state_dict({k: v.detach().numpy().copy() for k, v in torch_module.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [False, True])
@pytest.mark.parametrize("masks", ["none", "padding", "causal", "both"])
@pytest.mark.parametrize("kdim", [None, 6])
def test_multihead_attention_matches_torch(batch_first, need_weights, masks, kdim, rng):
    E, H, N, L, S = 8, 2, 3, 4, 5
    self_attention = kdim is None
    S = L if self_attention else S
    options = dict(batch_first=batch_first, kdim=kdim, vdim=kdim)
    theirs = torch.nn.MultiheadAttention(E, H, **options).double()
    mine = MultiheadAttention(E, H, dtype="float64", **options)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    _copy(mine, theirs)
    layout = (lambda n, d: (N, n, d)) if batch_first else (lambda n, d: (n, N, d))
    q = rng.standard_normal(layout(L, E))
    kv = q if self_attention else rng.standard_normal(layout(S, kdim))
    padding = attn_mask = None
    is_causal = False
    if masks in ("padding", "both"):
        padding = rng.random((N, S)) < 0.3
        padding[:, 0] = False  # no fully masked rows: with need_weights PyTorch gives NaN there
    if masks in ("causal", "both"):
        if self_attention:
            attn_mask, is_causal = numpy.triu(numpy.full((L, S), -numpy.inf), 1), True
        else:
            attn_mask = rng.random((L, S)) < 0.3
            attn_mask[:, 0] = False
    tq = torch.tensor(q, requires_grad=True)
    tkv = tq if self_attention else torch.tensor(kv, requires_grad=True)
    rq = rb.tensor(q, requires_grad=True)
    rkv = rq if self_attention else rb.tensor(kv, requires_grad=True)

    def run(module, qq, kk, lib):
        return module(qq, kk, kk, key_padding_mask=None if padding is None else lib.tensor(padding),
                      attn_mask=None if attn_mask is None else lib.tensor(attn_mask),
                      need_weights=need_weights, is_causal=is_causal)

    if masks == "both" and self_attention:
        padding = numpy.where(padding, -numpy.inf, 0.0)  # float like the causal mask (PyTorch warns on mixed)
    want, want_w = run(theirs, tq, tkv, torch)
    out, out_w = run(mine, rq, rkv, rb)
    assert_close(out, want, **TIGHT)
    g = rng.standard_normal(tuple(want.shape))
    loss, rloss = (want * torch.tensor(g)).sum(), (out * rb.tensor(g)).sum()
    if need_weights:
        assert_close(out_w, want_w, **TIGHT, what="attention weights")
        gw = rng.standard_normal(tuple(want_w.shape))
        loss, rloss = loss + (want_w * torch.tensor(gw)).sum(), rloss + (out_w * rb.tensor(gw)).sum()
    else:
        assert out_w is None and want_w is None
    loss.backward()
    rloss.backward()
    assert_close(rq.grad, tq.grad, **TIGHT, what="query grad")
    if not self_attention:
        assert_close(rkv.grad, tkv.grad, **TIGHT, what="key/value grad")
    torch_params = dict(theirs.named_parameters())
    for name, p in mine.named_parameters():
        assert_close(p.grad, torch_params[name].grad, **TIGHT, what=f"grad of {name}")


@pytest.mark.parametrize("add_bias_kv,add_zero_attn,need_weights,batched", [
    (True, False, True, True), (False, True, False, True), (True, True, True, True), (True, True, False, False)])
def test_multihead_attention_bias_kv_and_zero_attn_match_torch(add_bias_kv, add_zero_attn, need_weights,
                                                               batched, rng):
    E, H, N, L, S = 8, 2, 3, 4, 5
    options = dict(add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn, kdim=6, vdim=6, batch_first=True)
    theirs = torch.nn.MultiheadAttention(E, H, **options).double()
    mine = MultiheadAttention(E, H, dtype="float64", **options)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    _copy(mine, theirs)
    lead = (N,) if batched else ()
    arrays = [rng.standard_normal(lead + shape) for shape in ((L, E), (S, 6), (S, 6))]
    padding = rng.random(lead + (S,)) < 0.5
    attn_mask = rng.standard_normal((L, S))
    ours = [rb.tensor(a, requires_grad=True) for a in arrays]
    torch_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, out_w = mine(*ours, key_padding_mask=rb.tensor(padding), attn_mask=rb.tensor(attn_mask),
                      need_weights=need_weights)
    want, want_w = theirs(*torch_in, key_padding_mask=torch.tensor(padding), attn_mask=torch.tensor(attn_mask),
                          need_weights=need_weights)
    assert_close(out, want, **TIGHT)
    if need_weights:
        assert_close(out_w, want_w, **TIGHT, what="attention weights")
    g = rng.standard_normal(tuple(want.shape))
    (want * torch.tensor(g)).sum().backward()
    (out * rb.tensor(g)).sum().backward()
    for a, b in zip(ours, torch_in):
        assert_close(a.grad, b.grad, **TIGHT, what="input grad")
    torch_params = dict(theirs.named_parameters())
    for name, p in mine.named_parameters():
        assert_close(p.grad, torch_params[name].grad, **TIGHT, what=f"grad of {name}")


def test_multihead_attention_unbatched_and_per_head_weights(rng):
    theirs = torch.nn.MultiheadAttention(8, 4).double()
    mine = MultiheadAttention(8, 4, dtype="float64")
    _copy(mine, theirs)
    x = rng.standard_normal((5, 8))
    out, w = mine(rb.tensor(x), rb.tensor(x), rb.tensor(x), average_attn_weights=False)
    want, want_w = theirs(torch.tensor(x), torch.tensor(x), torch.tensor(x), average_attn_weights=False)
    assert_close(out, want, **TIGHT)
    assert_close(w, want_w, **TIGHT)
    assert w.shape == (4, 5, 5)


def test_multihead_attention_init():
    mha = MultiheadAttention(64, 4, kdim=32, vdim=16)
    assert mha.in_proj_weight is None and mha.q_proj_weight.shape == (64, 64)
    assert mha.k_proj_weight.shape == (64, 32) and mha.v_proj_weight.shape == (64, 16)
    numpy.testing.assert_array_equal(mha.in_proj_bias.data, 0.0)
    numpy.testing.assert_array_equal(mha.out_proj.bias.data, 0.0)
    packed = MultiheadAttention(64, 4)
    bound = math.sqrt(6 / (64 + 192))  # xavier_uniform_ of the (192, 64) packed weight
    assert packed.in_proj_weight.dtype == numpy.float32
    assert 0.9 * bound < numpy.abs(packed.in_proj_weight.data).max() <= bound
    assert MultiheadAttention(8, 2, bias=False).in_proj_bias is None
    assert MultiheadAttention(8, 2).bias_k is None
    extra = MultiheadAttention(64, 4, add_bias_kv=True)
    std = math.sqrt(2 / (64 + 64))  # xavier_normal_ of a (1, 1, 64) tensor: fan_in = fan_out = 64
    assert extra.bias_k.shape == extra.bias_v.shape == (1, 1, 64)
    assert 0.5 * std < extra.bias_k.data.std() < 1.5 * std


@pytest.mark.parametrize("kwargs", [{}, dict(bias=False, kdim=4, vdim=6, batch_first=True)])
def test_multihead_attention_repr_matches_torch(kwargs):
    """PyTorch prints only the out_proj child, a Linear subclass (NonDynamicallyQuantizableLinear)."""
    assert repr(MultiheadAttention(8, 2, **kwargs)) == repr(torch.nn.MultiheadAttention(8, 2, **kwargs))
    assert isinstance(MultiheadAttention(8, 2).out_proj, rb.nn.Linear)


def test_multihead_attention_errors():
    with pytest.raises(ValueError, match=r"embed_dim \(10\).*num_heads \(4\)"):
        MultiheadAttention(10, 4)
    mha = MultiheadAttention(8, 2, batch_first=True)
    x = rb.randn(3, 4, 8)
    with pytest.raises(ValueError, match=r"key_padding_mask must have shape \(3, 4\).*got \(4, 3\)"):
        mha(x, x, x, key_padding_mask=rb.zeros(4, 3, dtype=rb.bool))
    with pytest.raises(ValueError, match=r"attn_mask must have shape \(4, 4\) or \(6, 4, 4\).*got \(5, 4\)"):
        mha(x, x, x, attn_mask=rb.zeros(5, 4, dtype=rb.bool))
    with pytest.raises(ValueError, match=r"query must be .*got \(3, 4, 6\)"):
        mha(rb.randn(3, 4, 6), x, x)
    with pytest.raises(ValueError, match="is_causal=True is a hint"):
        mha(x, x, x, is_causal=True)
    for need_weights in (True, False):  # PyTorch refuses a float64 mask on float32 inputs either way
        with pytest.raises(RuntimeError):
            torch.nn.MultiheadAttention(8, 2)(*(torch.zeros(4, 3, 8),) * 3, attn_mask=torch.zeros(4, 4).double(),
                                              need_weights=need_weights)
        with pytest.raises(TypeError, match=r"attn_mask of dtype float64 does not match the query dtype float32"):
            mha(x, x, x, attn_mask=rb.zeros(4, 4, dtype=rb.float64), need_weights=need_weights)
