"""The *_with_indices pools, CrossMapLRN2d, NLLLoss2d, linear_cross_entropy and its layer, the
deprecated nn.init names and the lazy placeholders' errors, against torch 2.13."""
from __future__ import annotations

import warnings

import numpy
import pytest
import torch
import torch.nn.functional as TF
from helpers import assert_close, check_op, from_torch, to_torch

import rosenblatt as rb
import rosenblatt.nn.functional as F
from rosenblatt import nn

from .layer_helpers import check_layer, check_state_dict_matches


def _torch_state(layer: torch.nn.Module) -> dict:
    return {k: v.detach().numpy().copy() for k, v in layer.state_dict().items()}


# ------------------------------------------------------------------ *_with_indices
ADAPTIVE = [  # name, input shape, output_size
    ("adaptive_max_pool1d_with_indices", (2, 3, 11), 4),
    ("adaptive_max_pool1d_with_indices", (3, 7), 3),  # unbatched
    ("adaptive_max_pool2d_with_indices", (2, 3, 7, 5), (3, 2)),
    ("adaptive_max_pool2d_with_indices", (3, 6, 6), (None, 4)),
    ("adaptive_max_pool3d_with_indices", (1, 2, 5, 4, 6), 2),
    ("adaptive_max_pool3d_with_indices", (2, 5, 7, 3), (3, None, 2)),
]


@pytest.mark.parametrize("name, shape, size", ADAPTIVE)
@pytest.mark.parametrize("return_indices", [False, True])
def test_adaptive_max_pool_with_indices_returns_torchs_pair(name, shape, size, return_indices):
    ours, theirs = getattr(F, name), getattr(TF, name)
    check_op([shape], lambda x: ours(x, size, return_indices),
             lambda x: theirs(x, size, return_indices))  # values, int64 indices, gradients


@pytest.mark.parametrize("dims, shape, kernel, size", [
    (2, (2, 3, 10, 9), 3, {"output_size": (4, 5)}),
    (2, (3, 9, 8), 2, {"output_ratio": (0.5, 0.5)}),
    (3, (2, 2, 8, 9, 7), 2, {"output_size": 3}),
    (3, (2, 7, 8, 9), (2, 3, 2), {"output_ratio": (0.5, 0.5, 0.6)}),
])
@pytest.mark.parametrize("return_indices", [False, True])
def test_fractional_max_pool_with_indices_returns_torchs_pair(dims, shape, kernel, size, return_indices):
    ours = getattr(F, f"fractional_max_pool{dims}d_with_indices")
    theirs = getattr(TF, f"fractional_max_pool{dims}d_with_indices")
    batch = shape[0] if len(shape) == dims + 2 else 1
    samples = numpy.random.default_rng(1).uniform(size=(batch, shape[-dims - 1], dims))

    def rb_fn(x):
        return ours(x, kernel, return_indices=return_indices, _random_samples=rb.tensor(samples, dtype=x.dtype),
                    **size)

    def torch_fn(x):
        return theirs(x, kernel, return_indices=return_indices,
                      _random_samples=torch.tensor(samples, dtype=x.dtype), **size)

    check_op([shape], rb_fn, torch_fn)


def test_with_indices_forms_are_the_pools_with_return_indices():
    x = rb.randn(1, 2, 9, 9)
    y, i = F.adaptive_max_pool2d(x, 3, return_indices=True)
    y2, i2 = F.adaptive_max_pool2d_with_indices(x, 3)
    numpy.testing.assert_array_equal(y.data, y2.data)
    numpy.testing.assert_array_equal(i.data, i2.data)
    with pytest.raises(ValueError, match="adaptive_max_pool1d"):  # the pool's own checks and names
        F.adaptive_max_pool1d_with_indices(rb.randn(2, 3, 4), -1)


# ------------------------------------------------------------------ CrossMapLRN2d
@pytest.mark.parametrize("size, alpha, beta, k", [(2, 1e-4, 0.75, 1), (3, 0.5, 0.75, 2.0), (4, 1.0, 0.5, 1.0),
                                                   (5, 2.0, 1.0, 1.5), (9, 0.3, 0.6, 1.0)])
@pytest.mark.parametrize("shape", [(2, 7, 3, 4), (1, 3, 2, 2), (2, 1, 3, 3)])
def test_cross_map_lrn2d_matches_torchs_layer(size, alpha, beta, k, shape):
    check_layer(lambda: nn.CrossMapLRN2d(size, alpha, beta, k), lambda: torch.nn.CrossMapLRN2d(size, alpha, beta, k),
                shape)


def test_cross_map_lrn2d_is_not_local_response_norm_and_its_gradient_is_torchs_not_the_derivative():
    x = numpy.random.default_rng(0).standard_normal((1, 6, 2, 2))
    ours = nn.CrossMapLRN2d(3, alpha=0.5)(rb.tensor(x))
    lrn = nn.LocalResponseNorm(3, alpha=0.5)(rb.tensor(x))
    assert numpy.abs(ours.data - lrn.data).max() > 1e-2  # PyTorch's layers differ too
    theirs = torch.nn.CrossMapLRN2d(3, alpha=0.5)(torch.tensor(x))
    assert_close(ours, theirs)
    # torch's hand-written backward is not the derivative of its forward; ours follows torch's
    tx = torch.tensor(x, requires_grad=True)
    assert not torch.autograd.gradcheck(torch.nn.CrossMapLRN2d(3, alpha=0.5), (tx,), raise_exception=False)


def test_cross_map_lrn2d_errors_as_torchs():
    for lib in (rb, torch):
        with pytest.raises(ValueError, match="CrossMapLRN2d: Expected input to be 4D, got 3D instead."):
            lib.nn.CrossMapLRN2d(3)(lib.ones(3, 2, 2))
        with pytest.raises(ZeroDivisionError):
            lib.nn.CrossMapLRN2d(0)(lib.ones(1, 3, 2, 2))
        x = lib.ones(1, 3, 2, 2, requires_grad=True)
        y = lib.nn.CrossMapLRN2d(1)(x)  # forward works; PyTorch's backward fails for size 1
        with pytest.raises(RuntimeError, match=r"start \(1\) \+ length \(3\) exceeds dimension size \(3\)"):
            y.sum().backward()
        with pytest.raises(IndexError):
            lib.nn.CrossMapLRN2d(3)(lib.ones(1, 0, 2, 2))
    assert repr(nn.CrossMapLRN2d(3, 1e-3, 0.5, 2)) == repr(torch.nn.CrossMapLRN2d(3, 1e-3, 0.5, 2))
    with pytest.raises(TypeError, match="floating-point"):
        nn.CrossMapLRN2d(3)(rb.ones(1, 3, 2, 2, dtype=rb.int64))
    empty = nn.CrossMapLRN2d(3)(rb.zeros(0, 3, 2, 2))
    assert_close(empty, torch.nn.CrossMapLRN2d(3)(torch.zeros(0, 3, 2, 2)))


# ------------------------------------------------------------------ NLLLoss2d
def test_nllloss2d_is_nllloss_with_torchs_future_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = nn.NLLLoss2d(ignore_index=1, reduction="sum")
        theirs = torch.nn.NLLLoss2d(ignore_index=1, reduction="sum")
    messages = [(w.category, str(w.message), w.filename) for w in caught]
    assert len(messages) == 2 and messages[0][:2] == messages[1][:2]
    assert messages[0][0] is FutureWarning and messages[0][2] == __file__  # points at the caller
    assert isinstance(ours, nn.NLLLoss) and repr(ours) == repr(theirs) == "NLLLoss2d()"
    x = numpy.random.default_rng(0).standard_normal((2, 3, 4, 5))
    t = numpy.random.default_rng(1).integers(0, 3, (2, 4, 5))
    rx = rb.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    got, want = ours(rx.log_softmax(1), rb.tensor(t)), theirs(tx.log_softmax(1), torch.tensor(t))
    assert_close(got, want)
    got.backward()
    want.backward()
    assert_close(rx.grad, tx.grad)
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
        class Mine(nn.NLLLoss2d):  # subclassing warns, as torch's
            pass
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Mine()  # a subclass warned once, when defined


# ------------------------------------------------------------------ linear_cross_entropy
LCE_CASES = [  # input shape, linear_weight shape, bias, target kind, options
    ((5, 4), (6, 4), False, "index", {}),
    ((5, 4), (6, 4), True, "index", {"reduction": "sum"}),
    ((5, 4), (6, 4), True, "index", {"reduction": "none", "ignore_index": 2}),
    ((5, 4), (6, 4), False, "index", {"label_smoothing": 0.2, "weight": True}),
    ((5, 4), (6, 4), True, "index", {"weight": True, "ignore_index": 0}),
    ((4,), (6, 4), True, "index", {}),  # unbatched
    ((4,), (6, 4), False, "probs", {"reduction": "none"}),
    ((5, 4), (6, 4), True, "probs", {"label_smoothing": 0.1}),
    ((3, 4), (6, 2, 3, 4), True, "index", {}),  # K-dimensional: (N, C, 2, 3) logits
    ((3, 4), (6, 2, 4), False, "probs", {"reduction": "sum", "weight": True}),
    ((3, 4), (6, 2, 4), True, "index", {"reduction": "none", "ignore_index": 1}),
]


@pytest.mark.parametrize("x_shape, w_shape, bias, kind, options", LCE_CASES)
def test_linear_cross_entropy_matches_torch_values_and_gradients(x_shape, w_shape, bias, kind, options):
    rng = numpy.random.default_rng(0)
    classes, extra = w_shape[0], w_shape[1:-1]
    batch = x_shape[:-1]
    if kind == "index":
        target = rng.integers(0, classes, batch + extra)
    else:
        target = rng.dirichlet(numpy.ones(classes), batch + extra)
        target = numpy.moveaxis(target, -1, len(batch))  # classes in dim 1 (dim 0 unbatched)
    opts = dict(options)
    weight = rng.uniform(0.5, 2.0, classes) if opts.pop("weight", False) else None
    arrays = [rng.uniform(-2, 2, x_shape), rng.uniform(-1, 1, w_shape)]
    if bias:
        arrays.append(rng.uniform(-1, 1, (classes,) + extra))

    def call(fn, lib, convert):
        def op(x, w, b=None):
            dtype_target = convert(target.astype(numpy.float64 if kind == "probs" else numpy.int64))
            if kind == "probs":
                dtype_target = dtype_target.to(x.dtype)
            kw = dict(opts)
            if weight is not None:
                kw["weight"] = convert(weight).to(x.dtype)
            return fn(x, w, dtype_target, linear_bias=b, **kw)
        return op

    check_op(None, call(F.linear_cross_entropy, rb, rb.tensor),
             call(TF.linear_cross_entropy, torch, torch.tensor), inputs=arrays)


def test_linear_cross_entropy_is_linear_then_cross_entropy():
    x, w, b, t = rb.randn(6, 3), rb.randn(4, 3), rb.randn(4), rb.randint(0, 4, (6,))
    got = F.linear_cross_entropy(x, w, t, linear_bias=b, label_smoothing=0.3)
    want = F.cross_entropy(F.linear(x, w, b), t, label_smoothing=0.3)
    numpy.testing.assert_allclose(got.data, want.data, rtol=1e-6)


@pytest.mark.parametrize("args, kwargs, message", [
    (((3, 2, 4), (5, 4), (3, 2)), {}, "expected input with dimensionality 1 or 2"),
    (((3, 4), (4,), (3,)), {}, "expected linear_weight with dimensionality at least 2"),
    (((3, 4), (5, 3), (3,)), {},
     r"expected equal input and linear_weight last dimensions \(in_features\), got 4 and 3"),
    (((3, 4), (5, 4), (3,)), {"linear_bias": (4,)}, r"expected linear_bias shape \(5,\), got \(4,\)"),
    (((4,), (5, 2, 4), (2,)), {}, "K-dimensional loss defined by linear_weight shape"),
    (((3, 4), (5, 4), "probs"), {"ignore_index": 1},
     "ignore_index cannot be specified when target contains probabilities"),
])
def test_linear_cross_entropy_errors_where_torchs_do(args, kwargs, message):
    x_shape, w_shape, t_shape = args
    kw_rb, kw_torch = {}, {}
    if "linear_bias" in kwargs:
        kw_rb["linear_bias"] = rb.zeros(*kwargs["linear_bias"])
        kw_torch["linear_bias"] = torch.zeros(*kwargs["linear_bias"])
    if "ignore_index" in kwargs:
        kw_rb["ignore_index"] = kw_torch["ignore_index"] = kwargs["ignore_index"]
    t_rb, t_torch = ((rb.full((3, 5), 0.2), torch.full((3, 5), 0.2)) if t_shape == "probs"
                     else (rb.zeros(*t_shape, dtype=rb.int64), torch.zeros(*t_shape, dtype=torch.int64)))
    with pytest.raises(RuntimeError, match=message):  # torch's type
        TF.linear_cross_entropy(torch.zeros(*x_shape), torch.zeros(*w_shape), t_torch, **kw_torch)
    with pytest.raises(ValueError, match=message):  # the library's type for bad shapes, torch's words
        F.linear_cross_entropy(rb.zeros(*x_shape), rb.zeros(*w_shape), t_rb, **kw_rb)


def test_linear_cross_entropy_options_are_checked_as_torchs_and_give_the_same_values():
    for kwargs in ({"acc_policy": "fast"}, {"chunking_method": "rows"}, {"chunking_method": "aspect_ratio:0"},
                   {"batch_chunk_size": 0}, {"batch_chunk_size": 1.5}, {"acc_dtype": "int32"}):
        for cls in (nn.LinearCrossEntropyOptions, torch.nn.LinearCrossEntropyOptions):
            with pytest.raises(ValueError):
                cls(**kwargs)
    options = nn.LinearCrossEntropyOptions(batch_chunk_size=2, chunking_method=None, acc_dtype=rb.float64)
    theirs = torch.nn.LinearCrossEntropyOptions(batch_chunk_size=2, chunking_method=None, acc_dtype=torch.float64)
    with pytest.raises(AttributeError):
        options.batch_chunk_size = 3  # frozen, as torch's
    x, w = numpy.random.default_rng(0).standard_normal((6, 3)), numpy.random.default_rng(1).standard_normal((5, 3))
    t = numpy.array([0, 4, 1, 2, 3, 1])
    got = F.linear_cross_entropy(rb.tensor(x), rb.tensor(w), rb.tensor(t), options=options)
    want = TF.linear_cross_entropy(torch.tensor(x), torch.tensor(w), torch.tensor(t), options=theirs)
    assert_close(got, want)
    # options the chunked kernel cannot take: torch's warning, then the reference path
    for lib, functional, opts in ((rb, F, options), (torch, TF, theirs)):
        with pytest.warns(UserWarning, match="linear_cross_entropy: ``options`` ignored"):
            functional.linear_cross_entropy(lib.tensor(x), lib.tensor(w), lib.tensor(t), options=opts,
                                            label_smoothing=0.1)
    # what torch's chunked path refuses when called: an acc_dtype that is not the input's, and a
    # batch_chunk_size its chunking_method disagrees with (6 rows, 5 classes of 3 features: 4)
    for ours_kw, torch_kw, message in (
            ({"acc_dtype": rb.float32}, {"acc_dtype": torch.float32}, "supports float32 acc_dtype with float16"),
            ({"batch_chunk_size": 2, "chunking_method": "aspect_ratio"},
             {"batch_chunk_size": 2, "chunking_method": "aspect_ratio"}, r"give different chunk sizes \(2 vs 4\)"),
            ({"batch_chunk_size": 1, "chunking_method": "aspect_ratio:2"},
             {"batch_chunk_size": 1, "chunking_method": "aspect_ratio:2"}, r"give different chunk sizes \(1 vs 2\)")):
        with pytest.raises(RuntimeError if "acc" in message else ValueError, match=message):
            TF.linear_cross_entropy(torch.tensor(x), torch.tensor(w), torch.tensor(t),
                                    options=torch.nn.LinearCrossEntropyOptions(**torch_kw))
        with pytest.raises(ValueError, match=message):
            F.linear_cross_entropy(rb.tensor(x), rb.tensor(w), rb.tensor(t),
                                   options=nn.LinearCrossEntropyOptions(**ours_kw))
    fits = {"batch_chunk_size": 4, "chunking_method": "aspect_ratio"}
    assert_close(F.linear_cross_entropy(rb.tensor(x), rb.tensor(w), rb.tensor(t),
                                        options=nn.LinearCrossEntropyOptions(**fits)),
                 TF.linear_cross_entropy(torch.tensor(x), torch.tensor(w), torch.tensor(t),
                                         options=torch.nn.LinearCrossEntropyOptions(**fits)))
    with pytest.raises(TypeError, match="options must be a LinearCrossEntropyOptions"):
        F.linear_cross_entropy(rb.tensor(x), rb.tensor(w), rb.tensor(t), options={"batch_chunk_size": 2})


@pytest.mark.parametrize("kwargs", [{}, {"bias": True, "reduction": "sum"}, {"out_features": (2, 3), "bias": True},
                                    {"label_smoothing": 0.1, "weight": True, "ignore_index": 1}])
def test_linear_cross_entropy_loss_matches_torchs_layer(kwargs):
    rng = numpy.random.default_rng(0)
    kw = dict(kwargs)
    weight = rng.uniform(0.5, 2, 5) if kw.pop("weight", False) else None
    ours = nn.LinearCrossEntropyLoss(4, 5, weight=None if weight is None else rb.tensor(weight), **kw).double()
    theirs = torch.nn.LinearCrossEntropyLoss(4, 5, weight=None if weight is None else torch.tensor(weight),
                                             **kw).double()
    check_state_dict_matches(ours, theirs)
    assert repr(ours) == repr(theirs)
    ours.load_state_dict(_torch_state(theirs))
    x = rng.standard_normal((3, 4))
    t = rng.integers(0, 5, (3,) + tuple(kw.get("out_features", ())))
    rx, tx = rb.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    got, want = ours(rx, rb.tensor(t)), theirs(tx, torch.tensor(t))
    assert_close(got, want, atol=1e-10, rtol=1e-7)
    got.backward()
    want.backward()
    assert_close(rx.grad, tx.grad, atol=1e-10, rtol=1e-7, what="input grad")
    for name, p in theirs.named_parameters():
        assert_close(dict(ours.named_parameters())[name].grad, p.grad, atol=1e-10, rtol=1e-7, what=name)


def test_linear_cross_entropy_loss_refuses_bad_options():
    for lib, error in ((nn, ValueError), (torch.nn, RuntimeError)):
        with pytest.raises(error, match=r"expected weight shape to be \(5,\), got \(4,\)"):
            lib.LinearCrossEntropyLoss(3, 5, weight=(rb if lib is nn else torch).ones(4))
        with pytest.raises(error, match=r"expected label_smoothing to be in range \[0, 1\], got 1.5"):
            lib.LinearCrossEntropyLoss(3, 5, label_smoothing=1.5)


# ------------------------------------------------------------------ nn.init's old names
OLD_INIT = [("constant", (0.5,)), ("normal", ()), ("uniform", ()), ("xavier_normal", ()), ("xavier_uniform", ()),
            ("kaiming_normal", ()), ("kaiming_uniform", ()), ("orthogonal", ()), ("sparse", (0.5,)),
            ("eye", ()), ("dirac", ())]


@pytest.mark.parametrize("name, args", OLD_INIT)
def test_deprecated_init_names_warn_as_torchs_and_call_the_underscore_function(name, args):
    shape = (4, 2, 3) if name == "dirac" else (6, 4)
    with pytest.warns(FutureWarning) as ours:
        got = getattr(nn.init, name)(rb.empty(*shape), *args, **({} if name in ("constant", "eye", "dirac")
                                                                 else {"generator": rb.Generator(3)}))
    with pytest.warns(FutureWarning) as theirs:
        getattr(torch.nn.init, name)(torch.empty(*shape), *args)
    assert str(ours[0].message) == str(theirs[0].message) == (
        f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`.")
    assert ours[0].filename == __file__  # the warning points at the caller
    assert getattr(nn.init, name).__name__ == name
    want = getattr(nn.init, name + "_")(rb.empty(*shape), *args, **({} if name in ("constant", "eye", "dirac")
                                                                   else {"generator": rb.Generator(3)}))
    numpy.testing.assert_array_equal(got.data, want.data)
    if name in ("constant", "eye", "dirac"):  # deterministic: torch's values too
        assert_close(got, getattr(torch.nn.init, name + "_")(torch.empty(*shape), *args))


# ------------------------------------------------------------------ lazy placeholders
OPS = [("p + 1", lambda p, lib: p + 1), ("p.sum()", lambda p, lib: p.sum()), ("numel", lambda p, lib: p.numel()),
       ("dim", lambda p, lib: p.dim()), ("len", lambda p, lib: len(p)), ("exp", lambda p, lib: p.exp()),
       ("item", lambda p, lib: p.item()), ("detach", lambda p, lib: p.detach()), ("clone", lambda p, lib: p.clone()),
       ("mm", lambda p, lib: lib.mm(p, p)), ("cat", lambda p, lib: lib.cat([p, p])), ("index", lambda p, lib: p[0]),
       ("linear", lambda p, lib: lib.nn.functional.linear(lib.ones(2, 3), p))]


@pytest.mark.parametrize("what, op", OPS)
@pytest.mark.parametrize("kind", ["UninitializedParameter", "UninitializedBuffer"])
def test_an_op_on_a_placeholder_raises_torchs_value_error(what, op, kind):
    for lib in (rb, torch):
        with pytest.raises(ValueError, match=rf"Attempted to use an uninitialized parameter in .*This error "
                                             rf"happens when you are using a `LazyModule` or explicitly "
                                             rf"manipulating `[\w.]*{kind}` objects"
                           if lib is torch else rf"Attempted to use an uninitialized (parameter|buffer) in "):
            op(getattr(lib.nn, kind)(), lib)


def test_placeholder_errors_name_the_lazy_module_and_the_fix():
    layer, bn = nn.LazyLinear(3), nn.LazyBatchNorm1d()
    for placeholder, owner, kind in ((layer.weight, "LazyLinear.weight", "parameter"),
                                     (layer.bias, "LazyLinear.bias", "parameter"),
                                     (bn.running_mean, "LazyBatchNorm1d.running_mean", "buffer")):
        with pytest.raises(ValueError, match=rf"uninitialized {kind} \({owner}\) in numpy.multiply\. .*call "
                                             r"`forward` with a dummy batch .*`materialize\(shape\)`"):
            placeholder * 2
    with pytest.raises(ValueError, match=r"\(LazyLinear.weight\) in linear\(\) \(reading its shape\)"):
        F.linear(rb.ones(2, 4), layer.weight, layer.bias)
    for lib in (rb, torch):  # what still answers, as in torch
        p = lib.nn.UninitializedParameter()
        assert tuple(p.size()) == (0,) and p.ndim == 1 and p.requires_grad and p.grad is None
        assert repr(p) == "<UninitializedParameter>" and str(p.dtype).endswith("float32")
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter or buffer"):
            p.shape
    layer(rb.ones(2, 4))  # materialised: plain arrays, ops work
    assert (layer.weight * 2).shape == (3, 4) and layer.weight.numel() == 12


def test_casting_and_optimizers_work_on_placeholders_before_the_first_call():
    layer = nn.LazyLinear(3)
    opt = rb.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)  # as torch allows
    layer.double()
    assert layer.weight.dtype == numpy.float64
    layer(rb.ones(2, 4, dtype=rb.float64)).sum().backward()
    opt.step()
    assert layer.weight.shape == (3, 4) and layer.weight.dtype == numpy.float64


def test_lazy_state_dict_before_the_first_call_holds_the_placeholders_as_torchs():
    for lib in (rb, torch):
        layer, bn = lib.nn.LazyLinear(3), lib.nn.LazyBatchNorm1d()
        state = lib.nn.Sequential(layer, bn).state_dict()
        assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                               "1.num_batches_tracked"]
        assert state["0.weight"] is layer.weight and state["1.running_var"] is bn.running_var
        assert layer.state_dict(keep_vars=True)["bias"] is layer.bias
        # into a lazy layer: it stays lazy; into a built one: an error about the placeholder
        other = lib.nn.LazyLinear(3)
        assert repr(other.load_state_dict(layer.state_dict())) == "<All keys matched successfully>"
        assert other.has_uninitialized_params()
        with pytest.raises(RuntimeError, match="uninitialized"):
            lib.nn.Linear(4, 3).load_state_dict(layer.state_dict())
    with pytest.raises(RuntimeError, match=r"'weight' in the checkpoint is an uninitialized placeholder "
                                           r"\(UninitializedParameter\).*Call `forward` with a dummy batch "
                                           r"on the source module"):
        nn.Linear(4, 3).load_state_dict(nn.LazyLinear(3).state_dict())


def test_load_state_dict_into_a_lazy_module_materialises_it_from_the_shapes():
    source = torch.nn.Linear(5, 3)
    ours, theirs = nn.LazyLinear(3), torch.nn.LazyLinear(3)
    assert repr(ours.load_state_dict(_torch_state(source))) == "<All keys matched successfully>"
    theirs.load_state_dict(source.state_dict())
    assert ours.weight.shape == tuple(theirs.weight.shape) == (3, 5) and not ours.has_uninitialized_params()
    assert type(ours.weight) is nn.Parameter and type(theirs.weight) is torch.nn.Parameter
    x = numpy.random.default_rng(0).standard_normal((2, 5)).astype(numpy.float32)
    assert_close(ours(rb.tensor(x)), theirs(torch.from_numpy(x)))
    # a lazy norm: running statistics included
    bn_src = torch.nn.BatchNorm1d(4)
    bn_src.running_mean.fill_(0.5)
    bn = nn.LazyBatchNorm1d()
    bn.load_state_dict(_torch_state(bn_src))
    assert_close(bn.running_mean, bn_src.running_mean)
    assert bn.num_features == 4 and bn.weight.shape == (4,)


def test_public_names():
    for path in ("nn.CrossMapLRN2d", "nn.NLLLoss2d", "nn.LinearCrossEntropyLoss", "nn.LinearCrossEntropyOptions",
                 "nn.functional.linear_cross_entropy", "nn.functional.adaptive_max_pool3d_with_indices",
                 "nn.functional.fractional_max_pool3d_with_indices", "nn.init.kaiming_uniform"):
        value = rb
        for part in path.split("."):
            value = getattr(value, part)
        assert callable(value), path
    assert {"CrossMapLRN2d", "NLLLoss2d", "LinearCrossEntropyLoss", "LinearCrossEntropyOptions"} <= set(nn.__all__)
    assert {"linear_cross_entropy", "adaptive_max_pool1d_with_indices",
            "fractional_max_pool2d_with_indices"} <= set(F.__all__)
