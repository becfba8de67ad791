"""multi_head_attention_forward vs torch.nn.functional.multi_head_attention_forward.

Outputs, attention weights and the gradients of every input (query, key, value, weights, biases,
float masks, static keys/values) in float64; the float32 forward; masks of each kind, bias_k/bias_v,
add_zero_attn, static_k/static_v, is_causal, unbatched input, dropout and the errors.
"""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, to_torch
from rosenblatt.autograd.gradcheck import gradcheck
from rosenblatt.nn.functional.attention import multi_head_attention_forward as mha
from rosenblatt.nn.modules.attention import MultiheadAttention

TIGHT = dict(atol=1e-10, rtol=1e-8)
E, H, N, L, S = 8, 2, 3, 4, 5
POSITIONAL = ("in_proj_weight", "in_proj_bias", "bias_k", "bias_v")
KEYWORDS = ("key_padding_mask", "attn_mask", "q_proj_weight", "k_proj_weight", "v_proj_weight", "static_k",
            "static_v")


def _inputs(rng: numpy.random.Generator, *, inputs: str = "cross", kdim: int | None = None,
            vdim: int | None = None, bias: bool = True, bias_kv: bool = False, batched: bool = True,
            dtype: str = "float64") -> dict:
    """Arrays by argument name; ``inputs``: "self" (query is key is value), "cross" (key is value)
    or "separate" (three tensors); a string value names the input it is the same tensor as."""
    lead = (lambda n: (n, N)) if batched else (lambda n: (n,))
    separate = kdim is not None or vdim is not None
    kdim, vdim = kdim or E, vdim or E
    a = dict(query=rng.standard_normal(lead(L) + (E,)), key=rng.standard_normal(lead(S) + (kdim,)),
             value=rng.standard_normal(lead(S) + (vdim,)), out_proj_weight=rng.standard_normal((E, E)) / 3)
    if inputs == "self":
        a["key"] = a["value"] = "query"
    elif inputs == "cross":
        a["value"] = "key"
    if separate:
        a.update(q_proj_weight=rng.standard_normal((E, E)) / 3, k_proj_weight=rng.standard_normal((E, kdim)) / 3,
                 v_proj_weight=rng.standard_normal((E, vdim)) / 3)
    else:
        a["in_proj_weight"] = rng.standard_normal((3 * E, E)) / 3
    if bias:
        a.update(in_proj_bias=rng.standard_normal(3 * E), out_proj_bias=rng.standard_normal(E))
    if bias_kv:
        a.update(bias_k=rng.standard_normal((1, 1, E)), bias_v=rng.standard_normal((1, 1, E)))
    return {k: v.astype(dtype) if isinstance(v, numpy.ndarray) else v for k, v in a.items()}


def _tensors(lib: str, arrays: dict, grad: bool) -> dict:
    """The arrays as rosenblatt or torch tensors; float ones require grad when ``grad``."""
    out = {}
    for name, a in arrays.items():
        if isinstance(a, str):
            out[name] = out[a]
        elif a is not None:
            g = grad and a.dtype.kind == "f"
            out[name] = rb.tensor(a.copy(), requires_grad=g) if lib == "rb" else to_torch(a, requires_grad=g)
    return out


def _call(lib: str, t: dict, *, add_zero_attn: bool = False, dropout_p: float = 0.0, **kwargs):
    f = mha if lib == "rb" else torch.nn.functional.multi_head_attention_forward
    E_ = kwargs.pop("embed_dim", E)
    return f(t["query"], t["key"], t["value"], E_, kwargs.pop("num_heads", H), *(t.get(n) for n in POSITIONAL),
             add_zero_attn, dropout_p, t["out_proj_weight"], t.get("out_proj_bias"),
             use_separate_proj_weight="q_proj_weight" in t, **{n: t.get(n) for n in KEYWORDS}, **kwargs)


def _compare(arrays: dict, rng: numpy.random.Generator, grads: bool = True, **kwargs) -> None:
    """Forward (output, weights) and, with ``grads``, the gradient of every float input."""
    ours, theirs = _tensors("rb", arrays, grads), _tensors("torch", arrays, grads)
    out, w = _call("rb", ours, **kwargs)
    want, want_w = _call("torch", theirs, **kwargs)
    tol = TIGHT if arrays["query"].dtype == numpy.float64 else {}
    assert_close(out, want, **tol)
    if want_w is None:
        assert w is None
    else:
        assert_close(w, want_w, **tol, what="attention weights")
    if not grads:
        return
    g = rng.standard_normal(tuple(want.shape))
    loss, rloss = (want * torch.tensor(g)).sum(), (out * rb.tensor(g)).sum()
    if want_w is not None:
        gw = rng.standard_normal(tuple(want_w.shape))
        loss, rloss = loss + (want_w * torch.tensor(gw)).sum(), rloss + (w * rb.tensor(gw)).sum()
    loss.backward()
    rloss.backward()
    for name, t in theirs.items():
        if t.requires_grad and not isinstance(arrays[name], str):
            want_g = torch.zeros_like(t) if t.grad is None else t.grad
            got = ours[name].grad if ours[name].grad is not None else rb.zeros_like(ours[name])
            assert_close(got, want_g, **TIGHT, what=f"grad of {name}")


def _mask(kind: str, rng: numpy.random.Generator, shape: tuple) -> numpy.ndarray | None:
    if kind == "bool":
        m = rng.random(shape) < 0.3
        m[..., 0] = False  # every query keeps a key: no NaN rows
        return m
    return None if kind == "none" else rng.standard_normal(shape)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("attn,padding", [("none", "none"), ("bool", "none"), ("float", "none"),
                                          ("bool3d", "none"), ("float3d", "none"), ("none", "bool"),
                                          ("none", "float"), ("bool", "bool"), ("float3d", "float")])
def test_masks_match_torch(attn, padding, need_weights, rng):
    arrays = _inputs(rng)
    shape = (N * H, L, S) if attn.endswith("3d") else (L, S)
    arrays["attn_mask"] = _mask(attn.removesuffix("3d"), rng, shape)
    arrays["key_padding_mask"] = _mask(padding, rng, (N, S))
    _compare(arrays, rng, need_weights=need_weights)


@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("inputs,kdim,vdim,bias", [("self", None, None, True), ("cross", None, None, True),
                                                   ("separate", None, None, False), ("separate", 6, 5, True),
                                                   ("self", E, E, True)])
def test_projections_match_torch(inputs, kdim, vdim, bias, need_weights, average, rng):
    arrays = _inputs(rng, inputs=inputs, kdim=kdim, vdim=vdim, bias=bias)
    arrays["attn_mask"] = _mask("bool", rng, (L, L if inputs == "self" else S))
    _compare(arrays, rng, need_weights=need_weights, average_attn_weights=average)


@pytest.mark.parametrize("bias_kv,add_zero_attn", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("batched", [True, False])
def test_bias_kv_and_zero_attn_match_torch(bias_kv, add_zero_attn, need_weights, batched, rng):
    arrays = _inputs(rng, kdim=6, vdim=6, bias_kv=bias_kv, batched=batched)
    arrays["key_padding_mask"] = rng.random((N, S) if batched else (S,)) < 0.5  # appended keys stay allowed
    arrays["attn_mask"] = rng.standard_normal((L, S))
    _compare(arrays, rng, add_zero_attn=add_zero_attn, need_weights=need_weights)


@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("inputs", ["self", "separate"])
def test_unbatched_matches_torch(inputs, need_weights, average, rng):
    arrays = _inputs(rng, inputs=inputs, batched=False)
    arrays["attn_mask"] = rng.standard_normal((H, L, L if inputs == "self" else S))  # (num_heads, L, S)
    arrays["key_padding_mask"] = _mask("bool", rng, (L if inputs == "self" else S,))
    _compare(arrays, rng, need_weights=need_weights, average_attn_weights=average)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("padding,add_zero_attn", [(False, False), (True, False), (False, True)])
def test_is_causal_matches_torch(padding, add_zero_attn, need_weights, rng):
    arrays = _inputs(rng, inputs="self")
    arrays["attn_mask"] = numpy.triu(numpy.full((L, L), -numpy.inf), 1)  # the mask the hint stands for
    if padding:
        arrays["key_padding_mask"] = _mask("bool", rng, (N, L))
    _compare(arrays, rng, is_causal=True, need_weights=need_weights, add_zero_attn=add_zero_attn)


def test_is_causal_without_padding_or_weights_uses_the_causal_mask(rng):
    """PyTorch drops attn_mask for SDPA's causal mask there: a wrong (or int) mask is not even read."""
    arrays = _inputs(rng, inputs="self")
    arrays["attn_mask"] = numpy.zeros((L, L + 3), dtype=numpy.int64)
    _compare(arrays, rng, is_causal=True, need_weights=False)


@pytest.mark.parametrize("extra,add_zero_attn", [(0, False), (2, False), (2, True)])
@pytest.mark.parametrize("need_weights", [True, False])
def test_static_k_and_v_match_torch(extra, add_zero_attn, need_weights, rng):
    """static_k/static_v replace the projected keys and values; their length sets the padding mask's."""
    arrays = _inputs(rng)
    arrays["static_k"], arrays["static_v"] = (rng.standard_normal((N * H, S + extra, E // H)) for _ in range(2))
    arrays["key_padding_mask"] = _mask("bool", rng, (N, S + extra))
    _compare(arrays, rng, need_weights=need_weights, add_zero_attn=add_zero_attn)


@pytest.mark.parametrize("need_weights", [True, False])
def test_fully_masked_rows_match_torch(need_weights, rng):
    """A query with no allowed key: NaN with weights, zeros through SDPA (PyTorch's two paths)."""
    arrays = _inputs(rng)
    arrays["key_padding_mask"] = numpy.zeros((N, S), dtype=bool)
    arrays["key_padding_mask"][1] = True
    out, _ = _call("rb", _tensors("rb", arrays, False), need_weights=need_weights)
    assert numpy.isnan(out.data[:, 1]).all() == need_weights
    _compare(arrays, rng, grads=False, need_weights=need_weights)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("options", [dict(), dict(inputs="separate", kdim=6, vdim=5, bias_kv=True, batched=False)])
def test_float32_matches_torch_and_stays_float32(options, need_weights, rng):
    arrays = _inputs(rng, dtype="float32", **options)
    batched = options.get("batched", True)
    arrays["key_padding_mask"] = _mask("bool", rng, (N, S) if batched else (S,))
    arrays["attn_mask"] = _mask("float", rng, (L, S)).astype(numpy.float32)
    _compare(arrays, rng, grads=False, need_weights=need_weights, add_zero_attn=True)
    ours = _tensors("rb", arrays, True)
    out, w = _call("rb", ours, need_weights=need_weights, add_zero_attn=True)
    (out.sum() if w is None else out.sum() + w.sum()).backward()
    for name, t in ours.items():
        if t.requires_grad:
            assert t.grad.dtype == numpy.float32, name


def test_float32_mask_on_float64_input_is_cast(rng):
    arrays = _inputs(rng)
    arrays["attn_mask"] = rng.standard_normal((L, S)).astype(numpy.float32)
    _compare(arrays, rng, need_weights=False)  # PyTorch's SDPA path casts it (its weights path refuses)


def test_gradcheck(rng):
    arrays = _inputs(rng, inputs="separate", bias_kv=True)
    arrays["attn_mask"] = rng.standard_normal((L, S))
    arrays["key_padding_mask"] = rng.standard_normal((N, S))
    names = [n for n in arrays if not isinstance(arrays[n], str)]
    t = _tensors("rb", arrays, True)

    def f(*tensors):
        out, w = _call("rb", dict(zip(names, tensors)), add_zero_attn=True, average_attn_weights=False)
        return out, w

    assert gradcheck(f, [t[n] for n in names])


def test_dropout_is_applied_in_training_only(rng):
    arrays = _inputs(rng, dtype="float32")
    t = _tensors("rb", arrays, False)
    out, w = _call("rb", t, average_attn_weights=False)
    rb.manual_seed(1)
    out_d, w_d = _call("rb", t, dropout_p=0.5, average_attn_weights=False)
    rb.manual_seed(1)
    out_d2, w_d2 = _call("rb", t, dropout_p=0.5, average_attn_weights=False)
    numpy.testing.assert_array_equal(out_d.data, out_d2.data)  # seeded: reproducible
    # The returned weights are the dropped ones, as PyTorch's: each 0 or scaled by 1 / (1 - p).
    kept = w_d.data != 0
    assert 0.3 < kept.mean() < 0.7
    numpy.testing.assert_allclose(w_d.data[kept], 2 * w.data[kept], rtol=1e-6)
    assert not numpy.allclose(out_d.data, out.data)
    # without weights too (SDPA's dropout), and nothing at all when not training
    assert not numpy.allclose(_call("rb", t, dropout_p=0.5, need_weights=False)[0].data, out.data, atol=1e-4)
    numpy.testing.assert_allclose(_call("rb", t, dropout_p=1.0, need_weights=False)[0].data,
                                  numpy.broadcast_to(arrays["out_proj_bias"], (L, N, E)), atol=1e-6)
    for need_weights in (True, False):
        assert_close(_call("rb", t, dropout_p=0.5, training=False, need_weights=need_weights)[0],
                     torch.tensor(out.data), atol=1e-6, rtol=1e-5)


def test_mismatched_mask_dtypes_warn_as_torch(rng):
    arrays = _inputs(rng)
    arrays["attn_mask"] = rng.standard_normal((L, S))
    arrays["key_padding_mask"] = _mask("bool", rng, (N, S))
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        _compare(arrays, rng)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("kdim", [None, 6])
def test_multihead_attention_is_this_function(batch_first, kdim, rng):
    layer = MultiheadAttention(E, H, kdim=kdim, vdim=kdim, add_bias_kv=True, batch_first=batch_first,
                               dtype="float64")
    q = rb.tensor(rng.standard_normal((L, N, E)))
    kv = rb.tensor(rng.standard_normal((S, N, kdim or E)))
    padding = rb.tensor(rng.random((N, S)) < 0.3)
    out, w = layer(*((q, kv, kv) if not batch_first else (t.transpose(0, 1) for t in (q, kv, kv))),
                   key_padding_mask=padding, average_attn_weights=False)
    want, want_w = mha(q, kv, kv, E, H, layer.in_proj_weight, layer.in_proj_bias, layer.bias_k, layer.bias_v,
                       False, 0.0, layer.out_proj.weight, layer.out_proj.bias, key_padding_mask=padding,
                       average_attn_weights=False, use_separate_proj_weight=kdim is not None,
                       q_proj_weight=layer.q_proj_weight, k_proj_weight=layer.k_proj_weight,
                       v_proj_weight=layer.v_proj_weight)
    numpy.testing.assert_allclose(out.data, want.data.swapaxes(0, 1) if batch_first else want.data, **TIGHT)
    numpy.testing.assert_allclose(w.data, want_w.data, **TIGHT)


ERRORS = [  # (change to the arrays, call keywords, error, message)
    (dict(query=numpy.zeros((L, N, E, 1))), {}, ValueError, r"query must be \(L, N, 8\) or unbatched \(L, 8\)"),
    (dict(query=numpy.zeros((L, N, 6))), {}, ValueError, r"query must be .*got \(4, 3, 6\)"),
    (dict(key=numpy.zeros((S, E)), value="key"), {}, ValueError, r"key and value must be 3-D like query"),
    ({}, dict(num_heads=3), ValueError, "embed_dim 8 must be a positive multiple of num_heads 3"),
    (dict(value=numpy.zeros((S + 1, N, E))), {}, ValueError,
     r"key shape \(5, 3, 8\) does not match value shape \(6, 3, 8\)"),
    (dict(key=numpy.zeros((S, N + 1, E)), value="key"), {}, ValueError, "same batch size"),
    (dict(in_proj_weight=None), {}, ValueError, "use_separate_proj_weight is False but in_proj_weight is None"),
    (dict(in_proj_weight=numpy.zeros((3 * E, E + 1))), {}, ValueError,
     r"in_proj_weight must have shape \(24, 8\).*got \(24, 9\)"),
    (dict(in_proj_bias=numpy.zeros(E)), {}, ValueError, r"in_proj_bias must have shape \(24,\)"),
    (dict(key=numpy.zeros((S, N, 6)), value="key"), {}, ValueError, "key and value must have embed_dim=8"),
    (dict(q_proj_weight=numpy.zeros((E, E)), k_proj_weight=numpy.zeros((E, E))), {}, ValueError,
     "use_separate_proj_weight is True but v_proj_weight is None"),
    (dict(q_proj_weight=numpy.zeros((E, E)), k_proj_weight=numpy.zeros((E, 6)), v_proj_weight=numpy.zeros((E, E))),
     {}, ValueError, r"k_proj_weight must have shape \(8, 8\).*got \(8, 6\)"),
    (dict(key_padding_mask=numpy.zeros((N, S + 1), dtype=bool)), {}, ValueError,
     r"key_padding_mask must have shape \(3, 5\).*got \(3, 6\)"),
    (dict(key_padding_mask=numpy.zeros(S, dtype=bool)), {}, ValueError, "key_padding_mask must be 2-D"),
    (dict(attn_mask=numpy.zeros((L, S + 1), dtype=bool)), {}, ValueError,
     r"attn_mask must have shape \(4, 5\) or \(6, 4, 5\).*got \(4, 6\)"),
    (dict(attn_mask=numpy.zeros((1, N * H, L, S), dtype=bool)), {}, ValueError, "attn_mask must be 2-D or 3-D"),
    (dict(attn_mask=numpy.zeros((L, S), dtype=numpy.int64)), {}, TypeError,
     "attn_mask must be bool or floating point, got dtype int64"),
    (dict(key_padding_mask=numpy.zeros((N, S))), {}, TypeError,
     "key_padding_mask of dtype float64 does not match the query dtype float32"),
    ({}, dict(is_causal=True), ValueError, "is_causal=True is a hint"),
    (dict(bias_k=numpy.zeros((1, 1, E))), {}, ValueError, "bias_k and bias_v go together, got only bias_k"),
    (dict(bias_k=numpy.zeros((1, 1, E)), bias_v=numpy.zeros((1, 1, E)), static_k=numpy.zeros((N * H, S, E // H))),
     {}, ValueError, "cannot be added to static_k"),
    (dict(static_k=numpy.zeros((N * H, S, E))), {}, ValueError, r"static_k must have shape \(6, S, 4\)"),
]


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("change,kwargs,error,message", ERRORS)
def test_errors(change, kwargs, error, message, need_weights, rng):
    """Each bad call fails in PyTorch too; ours says what was expected and what came."""
    dtype = "float32" if "dtype float32" in message else "float64"
    arrays = _inputs(rng, dtype=dtype)
    arrays.update({k: v.astype(dtype) if k not in ("key_padding_mask", "attn_mask") and isinstance(v, numpy.ndarray)
                   else v for k, v in change.items()})
    with pytest.raises(error, match=message):
        _call("rb", _tensors("rb", arrays, False), need_weights=need_weights, **kwargs)
    with pytest.raises(Exception):
        _call("torch", _tensors("torch", arrays, False), need_weights=need_weights, **kwargs)


def test_unbatched_3d_attn_mask_must_be_per_head(rng):
    arrays = _inputs(rng, batched=False)
    arrays["attn_mask"] = numpy.zeros((N * H, L, S))
    with pytest.raises(ValueError, match=r"attn_mask must have shape \(4, 5\) or \(2, 4, 5\).*got \(6, 4, 5\)"):
        _call("rb", _tensors("rb", arrays, False))
    with pytest.raises(AssertionError, match="Expected `attn_mask` shape"):
        _call("torch", _tensors("torch", arrays, False))


def test_mixed_dtypes_are_refused(rng):
    arrays = _inputs(rng, inputs="separate")
    arrays["value"] = arrays["value"].astype(numpy.float32)
    with pytest.raises(RuntimeError, match="one dtype, got float64, float64 and float32"):
        _call("rb", _tensors("rb", arrays, False))
