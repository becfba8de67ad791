"""AdaptiveLogSoftmaxWithLoss against PyTorch: same weights (through state dicts), same
output, loss, log_prob, predict and gradients; same errors for the same arguments."""
import re

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close
from rosenblatt.nn.modules.adaptive import AdaptiveLogSoftmaxWithLoss

from .layer_helpers import check_state_dict_matches

#: (in_features, n_classes, cutoffs, div_value): one cluster, two, four (hidden sizes down to 1)
CONFIGS = [(16, 10, [4], 4.0), (16, 10, [3, 6], 4.0), (32, 20, [2, 5, 11, 17], 2.0), (12, 7, [5], 1.5)]


def _torch_state(layer):
    return {k: v.detach().numpy().copy() for k, v in layer.state_dict().items()}


def _pair(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, dtype=torch.float64):
    """A torch layer and a rosenblatt one holding the same (torch's) weights."""
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=div_value,
                                                 head_bias=head_bias, dtype=dtype)
    ours = AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=div_value,
                                      head_bias=head_bias, dtype=str(dtype).removeprefix("torch."))
    result = ours.load_state_dict(_torch_state(theirs))
    assert result.missing_keys == [] and result.unexpected_keys == []
    return ours, theirs


def _targets(n_classes, cutoffs, n, rng):
    """Every cluster hit (its first and last class), the rest random."""
    bounds = [0] + list(cutoffs) + [n_classes]
    edges = [c for lo, hi in zip(bounds, bounds[1:]) for c in (lo, hi - 1)]
    return numpy.concatenate([edges, rng.integers(0, n_classes, n - len(edges))]).astype(numpy.int64)


def _check_grads(ours, theirs, x, tx):
    assert_close(x.grad, tx.grad, what="input grad")
    torch_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        tp = torch_params[name]
        assert (p.grad is None) == (tp.grad is None), f"{name}: grad {p.grad} vs torch's {tp.grad}"
        if tp.grad is not None:
            assert_close(p.grad, tp.grad, what=f"grad of {name}")


@pytest.mark.parametrize("head_bias", [False, True])
@pytest.mark.parametrize("config", CONFIGS)
def test_state_dict_keys_shapes_and_round_trip(config, head_bias):
    in_features, n_classes, cutoffs, div_value = config
    ours = AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value, head_bias)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value, head_bias)
    check_state_dict_matches(ours, theirs)
    assert repr(ours) == repr(theirs)
    # ours -> torch (strict) and back: the values survive both ways
    theirs.load_state_dict({k: torch.from_numpy(numpy.array(v.data)) for k, v in ours.state_dict().items()})
    fresh = AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value, head_bias)
    fresh.load_state_dict(_torch_state(theirs))
    for key, value in ours.state_dict().items():
        numpy.testing.assert_array_equal(fresh.state_dict()[key].data, value.data, err_msg=key)


@pytest.mark.parametrize("head_bias", [False, True])
@pytest.mark.parametrize("config", CONFIGS)
def test_forward_and_gradients_match_torch_float64(config, head_bias, rng):
    in_features, n_classes, cutoffs, div_value = config
    ours, theirs = _pair(in_features, n_classes, cutoffs, div_value, head_bias)
    x_np = rng.standard_normal((24, in_features))
    y_np = _targets(n_classes, cutoffs, 24, rng)
    x, tx = rb.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    out, want = ours(x, rb.tensor(y_np)), theirs(tx, torch.from_numpy(y_np))
    assert type(out).__name__ == "_ASMoutput" and out._fields == ("output", "loss")
    assert_close(out.output, want.output, what="output")
    assert_close(out.loss, want.loss, what="loss")
    # a random upstream gradient for output, and one for the loss
    g = rng.standard_normal(24)
    (out.output * rb.tensor(g)).sum().add(out.loss * 0.7).backward()
    ((want.output * torch.from_numpy(g)).sum() + want.loss * 0.7).backward()
    _check_grads(ours, theirs, x, tx)


def test_clusters_without_targets_are_skipped_like_torch(rng):
    ours, theirs = _pair(16, 10, [3, 6])
    x_np, y_np = rng.standard_normal((5, 16)), numpy.array([0, 1, 2, 2, 1])  # shortlist only
    x, tx = rb.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    ours(x, rb.tensor(y_np)).loss.backward()
    theirs(tx, torch.from_numpy(y_np)).loss.backward()
    _check_grads(ours, theirs, x, tx)
    assert all(p.grad is None for p in ours.tail.parameters())


@pytest.mark.parametrize("config", CONFIGS)
def test_float32_forward_stays_float32(config, rng):
    in_features, n_classes, cutoffs, div_value = config
    ours, theirs = _pair(in_features, n_classes, cutoffs, div_value, True, dtype=torch.float32)
    assert all(p.dtype == numpy.float32 for p in ours.parameters())
    x_np = rng.standard_normal((16, in_features)).astype(numpy.float32)
    y_np = _targets(n_classes, cutoffs, 16, rng)
    out = ours(rb.tensor(x_np), rb.tensor(y_np))
    with torch.no_grad():
        want = theirs(torch.from_numpy(x_np), torch.from_numpy(y_np))
        want_logp = theirs.log_prob(torch.from_numpy(x_np))
    assert_close(out.output, want.output, what="float32 output")  # checks the float32 dtype too
    assert_close(out.loss, want.loss, what="float32 loss")
    assert_close(ours.log_prob(rb.tensor(x_np)), want_logp, what="float32 log_prob")


def test_default_dtype_is_float32_and_dtype_argument_is_kept():
    assert all(p.dtype == numpy.float32 for p in AdaptiveLogSoftmaxWithLoss(8, 6, [3]).parameters())
    layer = AdaptiveLogSoftmaxWithLoss(8, 6, [3], head_bias=True, dtype="float64")
    assert all(p.dtype == numpy.float64 for p in layer.parameters())


@pytest.mark.parametrize("target", [0, 5, 9])  # shortlist, first and last cluster
def test_unbatched_input(target, rng):
    ours, theirs = _pair(16, 10, [3, 6], head_bias=True)
    x_np = rng.standard_normal(16)
    x, tx = rb.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    out, want = ours(x, rb.tensor(target)), theirs(tx, torch.tensor(target))
    assert out.output.shape == () and out.loss.shape == ()
    assert_close(out.output, want.output, what="output")
    assert_close(out.loss, want.loss, what="loss")
    (out.output * 1.3 + out.loss).backward()
    (want.output * 1.3 + want.loss).backward()
    _check_grads(ours, theirs, x, tx)


def test_int32_target_and_batch_of_one(rng):
    ours, theirs = _pair(16, 10, [3, 6])
    x_np = rng.standard_normal((1, 16))
    for y_np in (numpy.array([7], dtype=numpy.int32), numpy.array([1])):
        out = ours(rb.tensor(x_np), rb.tensor(y_np))
        want = theirs(torch.from_numpy(x_np), torch.from_numpy(y_np))
        assert_close(out.output, want.output, what="output")


def test_empty_batch_gives_nan_loss_like_torch():
    ours, theirs = _pair(16, 10, [3, 6])
    with numpy.errstate(invalid="ignore"):
        out = ours(rb.zeros(0, 16, dtype="float64"), rb.tensor(numpy.zeros(0, dtype=numpy.int64)))
    want = theirs(torch.zeros(0, 16, dtype=torch.float64), torch.zeros(0, dtype=torch.int64))
    assert_close(out.output, want.output, what="output")
    assert_close(out.loss, want.loss, what="loss")  # nan == nan here


@pytest.mark.parametrize("head_bias", [False, True])
@pytest.mark.parametrize("config", CONFIGS)
def test_log_prob_and_its_gradients_match_torch(config, head_bias, rng):
    in_features, n_classes, cutoffs, div_value = config
    ours, theirs = _pair(in_features, n_classes, cutoffs, div_value, head_bias)
    x_np = rng.standard_normal((7, in_features))
    x, tx = rb.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    logp, want = ours.log_prob(x), theirs.log_prob(tx)
    assert_close(logp, want, what="log_prob")
    numpy.testing.assert_allclose(numpy.exp(logp.data).sum(axis=1), 1.0, rtol=1e-12)
    g = rng.standard_normal((7, n_classes))
    (logp * rb.tensor(g)).sum().backward()
    want.backward(torch.from_numpy(g))
    _check_grads(ours, theirs, x, tx)


def test_gradcheck_of_the_loss():
    ours = AdaptiveLogSoftmaxWithLoss(6, 9, [2, 5], div_value=2.0, head_bias=True).double()
    y = rb.tensor([0, 3, 8, 6, 2])
    assert rb.autograd.gradcheck(lambda x: ours(x, y), [rb.randn(5, 6, dtype="float64", requires_grad=True)])


@pytest.mark.parametrize("shift", ["shortlist", "clusters", "none"])  # every row, no row, some rows
def test_predict_matches_torch(shift, rng):
    ours, theirs = _pair(16, 10, [3, 6], head_bias=True)
    bias = numpy.zeros(5)
    if shift != "none":
        bias[slice(0, 3) if shift == "shortlist" else slice(3, None)] = 20.0  # push the head's argmax there
        state = _torch_state(theirs) | {"head.bias": bias}
        theirs.load_state_dict({k: torch.from_numpy(numpy.asarray(v)) for k, v in state.items()})
        ours.load_state_dict(state)
    x_np = rng.standard_normal((40, 16)) * 3
    got, want = ours.predict(rb.tensor(x_np)), theirs.predict(torch.from_numpy(x_np))
    assert_close(got, want, what="predict")  # int64, equal
    numpy.testing.assert_array_equal(got.data, ours.log_prob(rb.tensor(x_np)).argmax(dim=1).data)
    in_clusters = (got.data >= 3).sum()
    assert {"shortlist": in_clusters == 0, "clusters": in_clusters == 40, "none": 0 < in_clusters < 40}[shift]


def test_predict_of_an_empty_batch():
    ours, theirs = _pair(16, 10, [3, 6])
    assert_close(ours.predict(rb.zeros(0, 16, dtype="float64")), theirs.predict(torch.zeros(0, 16).double()))


def test_cluster_with_hidden_size_zero(rng):
    ours, theirs = _pair(8, 10, [3, 6])  # cluster 2: 8 // 16 == 0 hidden features
    x_np, y_np = rng.standard_normal((4, 8)), numpy.array([0, 4, 8, 9])
    x, tx = rb.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    out, want = ours(x, rb.tensor(y_np)), theirs(tx, torch.from_numpy(y_np))
    assert_close(out.output, want.output, what="output")
    out.loss.backward()
    want.loss.backward()
    assert_close(x.grad, tx.grad, what="input grad")


def test_reset_parameters_redraws_from_the_generator():
    layer = AdaptiveLogSoftmaxWithLoss(16, 10, [3, 6], head_bias=True, generator=rb.Generator().manual_seed(1))
    before = {k: numpy.array(v.data) for k, v in layer.state_dict().items()}
    layer.reset_parameters(rb.Generator().manual_seed(2))
    after = {k: numpy.array(v.data) for k, v in layer.state_dict().items()}
    assert all(not numpy.array_equal(before[k], after[k]) for k in before)
    layer.reset_parameters(rb.Generator().manual_seed(1))
    for key, value in layer.state_dict().items():
        numpy.testing.assert_array_equal(value.data, before[key], err_msg=key)
    bound = 1 / numpy.sqrt(16)  # Linear's init: U(-1/sqrt(in_features), 1/sqrt(in_features))
    assert numpy.abs(layer.head.weight.data).max() <= bound


# ------------------------------------------------------------------- errors
@pytest.mark.parametrize("args, error, pattern", [
    ((8, 10, []), ValueError, r"length larger than 0, got \[\]"),
    ((8, 10, [0, 3]), ValueError, r"between 1 and n_classes-1 = 9, got \[0, 3\]"),
    ((8, 10, [3, 3]), ValueError, r"unique.*got \[3, 3\]"),
    ((8, 10, [5, 3]), ValueError, r"increasing.*got \[5, 3\]"),
    ((8, 10, [3, 10]), ValueError, r"n_classes-1 = 9, got \[3, 10\]"),
    ((8, 10, [-1]), ValueError, r"positive.*got \[-1\]"),
    ((8, 10, [2.5]), ValueError, r"integers.*got \[2.5\]"),
    ((8, 1, [1]), ValueError, r"n_classes-1 = 0, got \[1\]"),
    ((8, 10, [2.0, 5]), TypeError, r"should be ints, got \[2.0, 5\]"),
    ((8, 10, 3), TypeError, r"sequence of ints, got int 3"),
    ((8, 10, None), TypeError, r"sequence of ints, got NoneType"),
    ((8, 10, "3"), TypeError, r"sequence of ints, got \['3'\]"),
    ((8.0, 10, [3]), TypeError, r"in_features should be an int, got float 8.0"),
    ((8, 10.0, [3]), TypeError, r"n_classes should be an int, got float 10.0"),
    ((-1, 10, [3]), ValueError, r"in_features should be >= 0, got -1"),
    ((4, 10, [3, 6], 0.0), ValueError, r"div_value should be > 0, got 0.0"),
    ((4, 10, [3, 6], -2.0), ValueError, r"div_value should be > 0, got -2.0.*= -2"),
])
def test_constructor_errors_where_torch_raises(args, error, pattern):
    with pytest.raises(Exception):
        torch.nn.AdaptiveLogSoftmaxWithLoss(*args)
    with pytest.raises(error, match=pattern) as info:
        AdaptiveLogSoftmaxWithLoss(*args)
    assert "AdaptiveLogSoftmaxWithLoss" in str(info.value)


@pytest.mark.parametrize("cutoffs", [[3, 9], (3, 6), numpy.array([3, 6]), [numpy.int32(4)], [True]])
def test_constructor_accepts_what_torch_accepts(cutoffs):
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs, div_value=2.0)
    ours = AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs, div_value=2.0)
    assert ours.cutoffs == theirs.cutoffs and all(type(c) is int for c in ours.cutoffs)
    check_state_dict_matches(ours, theirs)


@pytest.mark.parametrize("x_shape, target, error, pattern", [
    ((5, 16), [0, 1], RuntimeError, r"same size in the batch dimension, got input \(5, 16\) and target \(2,\)"),
    ((16,), [0], RuntimeError, r"1D target tensor expects 2D input tensors, but found inputs with shape \(16,\)"),
    ((5, 2, 16), [0, 1, 4, 7, 9], RuntimeError, r"expects 2D input.*\(5, 2, 16\)"),
    ((5, 16), 3, RuntimeError, r"0D target tensor expects 1D input tensors, but found inputs with shape \(5, 16\)"),
    ((5, 16), [[0], [1], [2], [3], [4]], RuntimeError, r"multi-target not supported; got target of shape \(5, 1\)"),
    ((5, 16), [0, -1, 4, 7, 9], RuntimeError, r"should be in \[0, 9\], but values in range \[-1, 9\]"),
    ((5, 16), [0, 1, 4, 7, 10], RuntimeError, r"should be in \[0, 9\], but values in range \[0, 10\]"),
    ((16,), -7, RuntimeError, r"should be in \[0, 9\], but values in range \[-7, -7\]"),
    ((5, 15), [0, 1, 4, 7, 9], ValueError, r"in_features=16 .* got shape \(5, 15\)"),
    ((5, 16), [0.0, 1.0, 4.0, 7.0, 9.0], TypeError, r"int64 \(or int32\) class indices, got float32"),
    ((5, 16), [True, False, True, False, True], TypeError, r"class indices, got bool"),
])
def test_forward_errors_where_torch_raises(x_shape, target, error, pattern):
    ours, theirs = _pair(16, 10, [3, 6])
    with pytest.raises(Exception):
        theirs(torch.zeros(x_shape, dtype=torch.float64), torch.tensor(target))
    with pytest.raises(error, match=pattern) as info:
        ours(rb.zeros(*x_shape, dtype="float64"), rb.tensor(target))
    assert "AdaptiveLogSoftmaxWithLoss" in str(info.value)


@pytest.mark.parametrize("method", ["log_prob", "predict"])
@pytest.mark.parametrize("x_shape", [(16,), (5, 15)])
def test_log_prob_and_predict_errors(method, x_shape):
    ours, theirs = _pair(16, 10, [3, 6])
    with pytest.raises(Exception):
        getattr(theirs, method)(torch.zeros(x_shape, dtype=torch.float64))
    message = re.escape(f"AdaptiveLogSoftmaxWithLoss.{method}: expected input of shape (N, in_features=16), "
                        f"got {x_shape}")
    with pytest.raises(ValueError, match=message):
        getattr(ours, method)(rb.zeros(*x_shape, dtype="float64"))
