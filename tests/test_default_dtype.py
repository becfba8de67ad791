"""``set_default_dtype``/``get_default_dtype``: what follows the default dtype, against PyTorch's.

Each test that changes the default goes through ``_default_dtype``, which puts float32 back in
both libraries whatever happens, so no other test (in this process) sees float64.
"""
import contextlib

import numpy as np
import pytest
import torch

import rosenblatt as rb
from rosenblatt.nn.modules.positional import (LearnedPositionalEmbedding, RotaryEmbedding,
                                              SinusoidalPositionalEncoding)


@contextlib.contextmanager
def _default_dtype(rb_dtype, torch_dtype):
    try:
        rb.set_default_dtype(rb_dtype)
        torch.set_default_dtype(torch_dtype)
        yield
    finally:
        rb.set_default_dtype(rb.float32)
        torch.set_default_dtype(torch.float32)


@pytest.fixture
def float64():
    """float64 as the default in both libraries for the test, float32 again after it."""
    with _default_dtype(rb.float64, torch.float64):
        yield


@pytest.fixture
def float16():
    with _default_dtype(rb.float16, torch.float16):
        yield


def _name(dtype):
    return str(dtype).removeprefix("torch.")


def _same(r, t, values=True):
    """``r`` (rosenblatt) has ``t``'s (PyTorch's) dtype, shape and, with ``values``, values."""
    assert _name(r.dtype) == _name(t.dtype), (r.dtype, t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    if values:
        np.testing.assert_allclose(r.detach().numpy(), t.detach().numpy(), rtol=1e-13, atol=1e-15)


# ---------------------------------------------------------------- the setting itself
def test_the_default_is_float32():
    assert rb.get_default_dtype() == rb.float32 == rb.zeros(1).dtype
    assert torch.get_default_dtype() == torch.float32


@pytest.mark.parametrize("dtype", [rb.float64, rb.float16, rb.float32])
def test_get_returns_what_set_set(dtype):
    with _default_dtype(dtype, getattr(torch, str(dtype))):
        assert rb.get_default_dtype() is dtype
        assert rb.zeros(1).dtype == dtype
    assert rb.get_default_dtype() is rb.float32


def test_float32_comes_back_after_a_failure_and_is_followed_again():
    with pytest.raises(ZeroDivisionError):
        with _default_dtype(rb.float64, torch.float64):
            assert rb.ones(1).dtype == rb.float64
            1 / 0
    assert rb.get_default_dtype() == rb.float32 and torch.get_default_dtype() == torch.float32
    # nothing kept float64 from the call under it
    assert rb.ones(1).dtype == rb.arange(0.5).dtype == (rb.arange(2) * 0.5).dtype == rb.float32
    assert rb.tensor([1.5]).dtype == rb.nn.Linear(2, 2).weight.dtype == rb.float32


def test_a_numpy_dtype_equal_to_ours_is_stored_as_ours():
    rb.set_default_dtype(np.dtype("float64"))
    try:
        assert rb.get_default_dtype() is rb.float64
    finally:
        rb.set_default_dtype(rb.float32)


@pytest.mark.parametrize("rb_value, torch_value", [
    (rb.int64, torch.int64), (rb.int32, torch.int32), (rb.uint8, torch.uint8), (rb.bool, torch.bool),
    ("float64", "float64"), (float, float), (None, None), (np.float64, np.float64),
])
def test_bad_dtypes_raise_torchs_type_error_naming_the_op(rb_value, torch_value):
    with pytest.raises(TypeError) as expected:
        torch.set_default_dtype(torch_value)
    with pytest.raises(TypeError, match=r"^set_default_dtype\(\)") as got:
        rb.set_default_dtype(rb_value)
    assert str(expected.value) in str(got.value)
    assert rb.get_default_dtype() == rb.float32 and torch.get_default_dtype() == torch.float32


def test_longdouble_is_not_a_dtype_of_ours():
    with pytest.raises(TypeError, match="only floating-point types"):
        rb.set_default_dtype(np.dtype(np.longdouble))
    assert rb.get_default_dtype() == rb.float32


# ---------------------------------------------------------------- factories
FACTORIES = {
    "tensor(0.5)": lambda m: m.tensor(0.5),
    "tensor([1, 2.5])": lambda m: m.tensor([1, 2.5]),
    "tensor([[1], [2.5]])": lambda m: m.tensor([[1], [2.5]]),
    "tensor([np.int32, 0.5])": lambda m: m.tensor([np.int32(1), 0.5]),
    "as_tensor(0.5)": lambda m: m.as_tensor(0.5),
    "as_tensor([1.5, 2])": lambda m: m.as_tensor([1.5, 2]),
    "asarray([1.5])": lambda m: m.asarray([1.5]),
    "asarray(bytearray)": lambda m: m.asarray(bytearray(16)),
    "zeros": lambda m: m.zeros(2, 3),
    "ones": lambda m: m.ones(2),
    "empty": lambda m: m.empty(2).zero_(),
    "full(1.5)": lambda m: m.full((2,), 1.5),
    "full(np.float32)": lambda m: m.full((2,), np.float32(1.5)),
    "full(1)": lambda m: m.full((2,), 1),
    "arange(3)": lambda m: m.arange(3),
    "arange(3.0)": lambda m: m.arange(3.0),
    "arange(0, 1, 0.1)": lambda m: m.arange(0, 1, 0.1),
    "linspace": lambda m: m.linspace(-1, 3, 7),
    "linspace(steps=1)": lambda m: m.linspace(0, 1, 1),
    "logspace": lambda m: m.logspace(0, 2, 5),
    "logspace(base=2)": lambda m: m.logspace(0, 3, 4, base=2),
    "eye": lambda m: m.eye(2, 3),
    "scalar_tensor(3)": lambda m: m.scalar_tensor(3),
    "scalar_tensor(2.5)": lambda m: m.scalar_tensor(2.5),
    "hann_window": lambda m: m.hann_window(6),
    "hamming_window": lambda m: m.hamming_window(6, periodic=False),
    "blackman_window": lambda m: m.blackman_window(6),
    "bartlett_window": lambda m: m.bartlett_window(6),
    "kaiser_window": lambda m: m.kaiser_window(6),
    "zeros_like(float32)": lambda m: m.zeros_like(m.ones(2, dtype=m.float32)),
    "ones_like(int64)": lambda m: m.ones_like(m.tensor([1, 2])),
    "full_like(int64, 2.5)": lambda m: m.full_like(m.tensor([1, 2]), 2.5),
    "randint": lambda m: m.randint(5, 6, (2,)),
    "randperm": lambda m: m.randperm(1),
    "tril_indices": lambda m: m.tril_indices(3, 3),
}


@pytest.mark.parametrize("case", FACTORIES)
def test_factories_follow_the_default_as_torch(float64, case):
    _same(FACTORIES[case](rb), FACTORIES[case](torch))


@pytest.mark.parametrize("case", ["tensor([1, 2.5])", "zeros", "full(1.5)", "arange(3.0)", "linspace", "eye",
                                  "hann_window", "scalar_tensor(3)"])
def test_factories_follow_a_float16_default_as_torch(float16, case):
    r, t = FACTORIES[case](rb), FACTORIES[case](torch)
    assert _name(r.dtype) == _name(t.dtype) == "float16"
    if case != "hann_window":  # PyTorch computes float16 windows in float16 (0.2498 for 0.25); we round once
        np.testing.assert_array_equal(r.numpy(), t.numpy())


RANDOM = {
    "rand": lambda m: m.rand(1000),
    "randn": lambda m: m.randn(1000),
    "normal": lambda m: m.normal(0.0, 1.0, (1000,)),
}


@pytest.mark.parametrize("case", RANDOM)
def test_random_factories_draw_in_the_default(float64, case):
    r, t = RANDOM[case](rb), RANDOM[case](torch)
    _same(r, t, values=False)
    a = r.numpy()
    assert (a.astype(np.float32).astype(np.float64) != a).any()  # drawn in float64, not cast from float32


@pytest.mark.parametrize("make", [lambda m, x: m.rand_like(x), lambda m, x: m.randn_like(x),
                                  lambda m, x: m.randint_like(x, 3), lambda m, x: m.empty_like(x),
                                  lambda m, x: m.bernoulli(x * 0.5)])
def test_like_factories_keep_the_inputs_dtype(float64, make):
    r, t = make(rb, rb.ones(3, dtype=rb.float32)), make(torch, torch.ones(3, dtype=torch.float32))
    assert _name(r.dtype) == _name(t.dtype) == "float32"


NUMPY = {
    "from_numpy(float32)": lambda m: m.from_numpy(np.arange(3, dtype=np.float32) / 2),
    "tensor(float32 array)": lambda m: m.tensor(np.arange(3, dtype=np.float32) / 2),
    "as_tensor(float32 array)": lambda m: m.as_tensor(np.arange(3, dtype=np.float32) / 2),
    "tensor(np.float32 scalar)": lambda m: m.tensor(np.float32(0.5)),
    "tensor([np.float32, np.float32])": lambda m: m.tensor([np.float32(0.5), np.float32(1)]),
    "from_numpy(float16)": lambda m: m.from_numpy(np.arange(3, dtype=np.float16) / 2),
}


@pytest.mark.parametrize("case", NUMPY)
def test_numpy_arrays_and_scalars_keep_their_dtype(float64, case):
    r, t = NUMPY[case](rb), NUMPY[case](torch)
    _same(r, t)
    assert r.dtype != rb.float64


# ---------------------------------------------------------------- promotion
def _ints(m):
    return m.tensor([1, 2, 4])


PROMOTION = {
    "int * 0.5": lambda m: _ints(m) * 0.5,
    "0.5 * int": lambda m: 0.5 * _ints(m),
    "int + 0.5": lambda m: _ints(m) + 0.5,
    "int - 0.5": lambda m: _ints(m) - 0.5,
    "int / 3": lambda m: _ints(m) / 3,
    "int / int": lambda m: _ints(m) / m.tensor([3, 3, 3]),
    "3 / int": lambda m: 3 / _ints(m),
    "true_divide": lambda m: m.true_divide(_ints(m), 3),
    "div(int, 2.5)": lambda m: m.div(_ints(m), 2.5),
    "int ** 0.5": lambda m: _ints(m) ** 0.5,
    "2.5 ** int": lambda m: 2.5 ** _ints(m),
    "int // 2.5": lambda m: _ints(m) // 2.5,
    "int % 2.5": lambda m: _ints(m) % 2.5,
    "int32 * 0.5": lambda m: _ints(m).int() * 0.5,
    "uint8 * 0.5": lambda m: _ints(m).to(m.uint8) * 0.5,
    "bool * 0.5": lambda m: m.tensor([True, False]) * 0.5,
    "int + tensor(0.5)": lambda m: _ints(m) + m.tensor(0.5),
    "where(cond, int, 0.5)": lambda m: m.where(m.tensor([True, False, True]), _ints(m), 0.5),
    "clamp(int, 0.5)": lambda m: m.clamp(_ints(m), 1.5),
    "masked_fill(int, 0.5)": lambda m: _ints(m).masked_fill(m.tensor([True, False, True]), 0.5),
    "float32 * 0.5": lambda m: _ints(m).float() * 0.5,
    "int + float32": lambda m: _ints(m) + m.ones(3, dtype=m.float32),
    "int.float()": lambda m: _ints(m).float(),
    "sqrt(int)": lambda m: m.sqrt(_ints(m)),
    "exp(int)": lambda m: m.exp(_ints(m)),
    "log(int)": lambda m: m.log(_ints(m)),
    "log2(int)": lambda m: m.log2(_ints(m)),
    "sin(int)": lambda m: m.sin(_ints(m)),
    "tanh(int)": lambda m: m.tanh(_ints(m)),
    "sigmoid(int)": lambda m: m.sigmoid(_ints(m)),
    "rsqrt(int)": lambda m: m.rsqrt(_ints(m)),
    "reciprocal(int)": lambda m: m.reciprocal(_ints(m)),
    "erf(int)": lambda m: m.erf(_ints(m)),
    "tan(int)": lambda m: m.tan(_ints(m)),
    "atan2(int, int)": lambda m: m.atan2(_ints(m), _ints(m)),
    "deg2rad(int)": lambda m: m.deg2rad(_ints(m)),
    "ldexp(int, int)": lambda m: m.ldexp(_ints(m), _ints(m)),
    "lgamma(int)": lambda m: m.lgamma(_ints(m)),
    "logsumexp(int)": lambda m: m.logsumexp(_ints(m), 0),
    "result_type(int, 0.5)": lambda m: m.empty(0, dtype=m.result_type(_ints(m), 0.5)),
    "mean(int, dtype=float32)": lambda m: m.mean(_ints(m), dtype=m.float32),
}


@pytest.mark.parametrize("case", PROMOTION)
def test_promotion_gives_the_default_as_torch(float64, case):
    _same(PROMOTION[case](rb), PROMOTION[case](torch))


@pytest.mark.parametrize("case", ["int * 0.5", "int / int", "sqrt(int)", "atan2(int, int)", "tensor(0.5)"])
def test_promotion_follows_a_float16_default_as_torch(float16, case):
    make = PROMOTION.get(case) or FACTORIES[case]
    assert _name(make(rb).dtype) == _name(make(torch).dtype) == "float16"


def test_mean_of_ints_still_raises(float64):
    with pytest.raises(RuntimeError):
        torch.mean(torch.tensor([1, 2]))
    with pytest.raises((TypeError, RuntimeError)):
        rb.mean(rb.tensor([1, 2]))


# ---------------------------------------------------------------- layers
LAYERS = {
    "Linear": lambda nn: nn.Linear(3, 2),
    "Bilinear": lambda nn: nn.Bilinear(2, 3, 4),
    "LazyLinear": lambda nn: nn.LazyLinear(2),
    "Conv1d": lambda nn: nn.Conv1d(2, 3, 3),
    "Conv2d": lambda nn: nn.Conv2d(2, 3, 3),
    "Conv3d": lambda nn: nn.Conv3d(2, 3, 3),
    "ConvTranspose2d": lambda nn: nn.ConvTranspose2d(2, 3, 3),
    "BatchNorm1d": lambda nn: nn.BatchNorm1d(3),
    "BatchNorm2d": lambda nn: nn.BatchNorm2d(3),
    "InstanceNorm1d(affine)": lambda nn: nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
    "LazyBatchNorm1d": lambda nn: nn.LazyBatchNorm1d(),
    "LayerNorm": lambda nn: nn.LayerNorm(4),
    "RMSNorm": lambda nn: nn.RMSNorm(4),
    "GroupNorm": lambda nn: nn.GroupNorm(2, 4),
    "Embedding": lambda nn: nn.Embedding(5, 3),
    "EmbeddingBag": lambda nn: nn.EmbeddingBag(5, 3),
    "PReLU": lambda nn: nn.PReLU(3),
    "RNN": lambda nn: nn.RNN(3, 4, num_layers=2),
    "LSTM": lambda nn: nn.LSTM(3, 4, proj_size=2),
    "GRU": lambda nn: nn.GRU(3, 4, bidirectional=True),
    "LSTMCell": lambda nn: nn.LSTMCell(3, 4),
    "GRUCell": lambda nn: nn.GRUCell(3, 4),
    "MultiheadAttention": lambda nn: nn.MultiheadAttention(8, 2, kdim=4, vdim=4),
    "TransformerEncoderLayer": lambda nn: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16),
    "Transformer": lambda nn: nn.Transformer(8, 2, 1, 1, 16),
    "AdaptiveLogSoftmaxWithLoss": lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]),
}


def _dtypes(module):
    return {name: _name(t.dtype) for name, t in [*module.named_parameters(), *module.named_buffers()]}


@pytest.mark.parametrize("layer", LAYERS)
def test_layers_parameters_and_buffers_are_made_in_the_default_as_torch(float64, layer):
    r, t = _dtypes(LAYERS[layer](rb.nn)), _dtypes(LAYERS[layer](torch.nn))
    assert r == t
    assert "float64" in r.values()


def test_lazy_layers_materialise_in_the_default(float64):
    r, t = rb.nn.LazyLinear(2), torch.nn.LazyLinear(2)
    r(rb.ones(1, 3)), t(torch.ones(1, 3))
    assert _dtypes(r) == _dtypes(t) == {"weight": "float64", "bias": "float64"}


def test_empty_parameter_and_buffer_are_in_the_default(float64):
    assert _name(rb.nn.Parameter().dtype) == _name(torch.nn.Parameter().dtype) == "float64"
    assert _name(rb.nn.Buffer().dtype) == _name(torch.nn.Buffer().dtype) == "float64"
    assert _name(rb.nn.Parameter(rb.tensor([1.5])).dtype) == "float64"


def test_positional_encodings_are_in_the_default(float64):
    pe = SinusoidalPositionalEncoding(8, max_len=16)
    rope = RotaryEmbedding(8, max_len=16)
    learned = LearnedPositionalEmbedding(16, 8)
    assert pe.pe.dtype == rope.cos.dtype == rope.sin.dtype == learned.weight.dtype == rb.float64
    # the float64 table itself, not one rounded through float32
    t = np.arange(16)[:, None] * np.exp(np.arange(0, 8, 2) * (-np.log(10000.0) / 8))
    np.testing.assert_allclose(pe.pe.numpy()[:, 0::2], np.sin(t), rtol=0, atol=1e-15)


def test_a_layer_made_under_float64_stays_float64_after_the_default_goes_back():
    with _default_dtype(rb.float64, torch.float64):
        layer = rb.nn.Linear(3, 2)
    out = layer(rb.ones(1, 3, dtype=rb.float64))
    assert layer.weight.dtype == out.dtype == rb.float64
    assert rb.nn.Linear(3, 2).weight.dtype == rb.float32


def test_a_layer_trains_in_float64_as_torch(float64):
    rl, tl = rb.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    with torch.no_grad():
        tl.weight.copy_(torch.from_numpy(rl.weight.detach().numpy()))
        tl.bias.copy_(torch.from_numpy(rl.bias.detach().numpy()))
    x = np.random.default_rng(0).standard_normal((4, 3))
    r_out, t_out = rl(rb.tensor(x.tolist())), tl(torch.tensor(x.tolist()))
    _same(r_out, t_out)
    (r_out ** 2).mean().backward(), (t_out ** 2).mean().backward()
    _same(rl.weight.grad, tl.weight.grad)


# ---------------------------------------------------------------- data and optimizers
COLLATE = {
    "floats": [0.5, 1.5],
    "ints then a float": [1, 2.5],
    "ints": [1, 2],
    "numpy float32 scalars": [np.float32(1), np.float32(2)],
    "lists of floats": [[0.5, 1.0], [1.5, 2.0]],
}


@pytest.mark.parametrize("case", COLLATE)
def test_default_collate_of_python_numbers_as_torch(float64, case):
    r, t = rb.data.default_collate(COLLATE[case]), torch.utils.data.default_collate(COLLATE[case])
    if isinstance(t, list):
        for ri, ti in zip(r, t):
            _same(ri, ti)
    else:
        _same(r, t)


@pytest.mark.parametrize("default", ["float64", "float16"])
@pytest.mark.parametrize("name, keys", [("ASGD", ["eta", "mu"]), ("NAdam", ["mu_product"])])
def test_optimizers_scalar_state_follows_the_default_as_torch(default, name, keys):
    with _default_dtype(getattr(rb, default), getattr(torch, default)):
        rp = rb.nn.Parameter(rb.ones(3, dtype=rb.float32))
        tp = torch.nn.Parameter(torch.ones(3, dtype=torch.float32))
        ro, to = getattr(rb.optim, name)([rp], lr=0.1), getattr(torch.optim, name)([tp], lr=0.1)
        rp.grad, tp.grad = rb.ones(3, dtype=rb.float32), torch.ones(3, dtype=torch.float32)
        ro.step(), to.step()
        for key in keys:
            r, t = ro.state[rp][key], to.state[tp][key]
            assert _name(r.dtype) == _name(t.dtype) == ("float64" if default == "float64" else "float32")
            np.testing.assert_allclose(float(r), float(t), rtol=1e-15)
        np.testing.assert_allclose(rp.detach().numpy(), tp.detach().numpy(), rtol=1e-6)


def test_repr_finfo_special_distributions_and_clip_follow_the_default(float64):
    # repr leaves out the default dtype and names the others, as torch's
    assert "dtype" not in repr(rb.tensor([0.5])) and "dtype" not in repr(torch.tensor([0.5]))
    assert "dtype=float32" in repr(rb.tensor([0.5], dtype=rb.float32))
    assert "dtype=torch.float32" in repr(torch.tensor([0.5], dtype=torch.float32))
    assert rb.finfo().eps == torch.finfo().eps == np.finfo(np.float64).eps
    _same(rb.special.ndtr(rb.tensor([0, 1])), torch.special.ndtr(torch.tensor([0, 1])))
    _same(rb.distributions.Normal(0.0, 1.0).sample(), torch.distributions.Normal(0.0, 1.0).sample(), values=False)
    no_grads = [rb.nn.Parameter(rb.ones(2))]
    _same(rb.nn.utils.clip_grad_norm_(no_grads, 1.0),
          torch.nn.utils.clip_grad_norm_([torch.nn.Parameter(torch.ones(2))], 1.0))
