"""PyTorch's top-level names rosenblatt lacked, against torch 2.13: the small Tensor facts
(``nelement``, ``nbytes``, ``is_signed``, ...), the dtype rules (``result_type``,
``promote_types``, ``can_cast``), ``scalar_tensor``, the in-place functions (``rb.exp_``),
the nn.functional ops torch also has at top level (loaded on first use), ``compile`` and the
thread count."""
import doctest
import inspect
import subprocess
import sys

import numpy
import pytest
import torch

import rosenblatt as rb
import rosenblatt.nn.functional as F
from helpers import assert_close

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


# ------------------------------------------------------------------ Tensor facts
@pytest.mark.parametrize("dtype", DTYPES)
def test_size_and_dtype_facts(dtype):
    a = numpy.zeros((2, 3), dtype=dtype)
    x, t = rb.tensor(a), torch.from_numpy(a)
    assert x.nelement() == t.nelement() == 6
    assert x.ndimension() == t.ndimension() == 2
    assert (x.nbytes, x.itemsize) == (t.nbytes, t.itemsize)
    assert x[:, :1].nbytes == t[:, :1].nbytes  # a view's own bytes
    assert x.is_signed() == t.is_signed() == rb.is_signed(x) == torch.is_signed(t)
    assert (x.is_cpu, x.is_cuda, x.get_device()) == (t.is_cpu, t.is_cuda, t.get_device()) == (True, False, -1)
    assert rb.get_device(x) == torch.get_device(t) == -1


def test_is_same_size():
    assert rb.zeros(2, 3).is_same_size(rb.ones(2, 3)) and rb.is_same_size(rb.zeros(()), rb.tensor(1.0))
    assert not rb.zeros(2, 3).is_same_size(rb.zeros(3, 2))
    assert torch.is_same_size(torch.zeros(2, 3), torch.ones(2, 3))
    with pytest.raises(TypeError, match="is_same_size"):
        rb.zeros(2).is_same_size([0, 0])


def test_retains_grad():
    x = rb.ones(2, requires_grad=True)
    y = x * 2
    t = torch.ones(2, requires_grad=True)
    u = t * 2
    assert y.retains_grad == u.retains_grad is False
    y.retain_grad()
    u.retain_grad()
    x.retain_grad()
    t.retain_grad()
    assert y.retains_grad == u.retains_grad is True
    assert x.retains_grad == t.retains_grad is False  # a leaf keeps its .grad anyway
    assert rb.ones(2).retains_grad is False


def test_is_inference_and_detach():
    with rb.inference_mode():
        y = rb.ones(2) * 2
    assert y.is_inference() is False and rb.is_inference(y) is False
    assert torch.ones(2).is_inference() is False
    x = rb.ones(2, requires_grad=True)
    d = rb.detach(x * 3)
    assert not d.requires_grad and d.tolist() == [3.0, 3.0]
    assert_close(d, torch.detach(torch.ones(2, requires_grad=True) * 3))


# ------------------------------------------------------------------ dtype rules
def _torch_dtype(dtype):
    return getattr(torch, dtype)


@pytest.mark.parametrize("a", DTYPES)
def test_promote_types_and_can_cast_match_pytorch(a):
    for b in DTYPES:
        assert rb.promote_types(a, b) == numpy.dtype(str(torch.promote_types(_torch_dtype(a), _torch_dtype(b)))[6:])
        assert rb.can_cast(getattr(rb, a), getattr(rb, b)) == torch.can_cast(_torch_dtype(a), _torch_dtype(b)), (a, b)


@pytest.mark.parametrize("a", DTYPES)
def test_result_type_matches_pytorch(a):
    for b in DTYPES:
        for shape in ((2,), ()):
            x, y = numpy.ones(2, dtype=a), numpy.ones(shape, dtype=b)
            want = torch.result_type(torch.from_numpy(x), torch.from_numpy(y))
            assert rb.result_type(rb.tensor(x), rb.tensor(y)) == numpy.dtype(str(want)[6:]), (a, b, shape)
        for number in (True, 2, 2.5):
            want = torch.result_type(torch.from_numpy(numpy.ones(2, dtype=a)), number)
            assert rb.result_type(rb.ones(2, dtype=a), number) == numpy.dtype(str(want)[6:]), (a, number)
    assert rb.result_type(2, 2.5) == rb.float32 and torch.result_type(2, 2.5) == torch.float32


def test_dtype_rule_errors():
    with pytest.raises(TypeError, match="promote_types"):
        rb.promote_types("not a dtype", rb.float32)
    with pytest.raises(TypeError, match="result_type"):
        rb.result_type(rb.ones(2), "x")


@pytest.mark.parametrize("value, dtype", [(3, None), (True, None), (2.5, "float64"), (2.7, "int64"),
                                          (-1, "uint8"), (0.5, "float16")])
def test_scalar_tensor(value, dtype):
    got = rb.scalar_tensor(value, dtype=dtype)
    want = torch.scalar_tensor(value, dtype=None if dtype is None else getattr(torch, dtype))
    assert_close(got, want)
    assert rb.scalar_tensor(1.5, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError):
        rb.scalar_tensor(1e40)


# ------------------------------------------------------------------ top-level in-place functions
def test_every_in_place_method_torch_has_at_top_level_is_here():
    """The list rosenblatt.ops keeps is exactly torch's top-level in-place functions with a Tensor
    method here (clamp_/clip_ are functions of their own)."""
    methods = {n for n in dir(rb.Tensor) if n.endswith("_") and not n.startswith("_")}
    torch_top = {n for n in methods if callable(getattr(torch, n, None))}
    assert rb.ops.TOP_LEVEL_INPLACE == torch_top - {"clamp_", "clip_"}
    for name in torch_top:
        assert callable(getattr(rb, name))


@pytest.mark.parametrize("name", sorted(rb.ops.TOP_LEVEL_INPLACE))
def test_in_place_function_is_the_method(name):
    function = getattr(rb, name)
    assert function.__name__ == name and getattr(rb, name) is function  # made once
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(function, name, globs={}):
        runner.run(test)
    assert runner.summarize(verbose=False) == (0, 3)  # its example runs
    with pytest.raises(TypeError, match=name):
        function([1.0, 2.0])


def test_in_place_functions_against_pytorch():
    for name, args in [("exp_", ()), ("sqrt_", ()), ("tanh_", ()), ("sigmoid_", ()), ("relu_", ()),
                       ("clamp_min_", (0.3,)), ("zero_", ()), ("fill_", (2.0,)), ("tan_", ())]:
        x, t = rb.tensor([0.25, -0.5, 2.0]), torch.tensor([0.25, -0.5, 2.0])
        assert getattr(rb, name)(x, *args) is x
        assert_close(x, getattr(torch, name)(t, *args), what=name)
    w = rb.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        rb.exp_(w)
    assert rb.detach_(w * 1).requires_grad is False


# ------------------------------------------------------------------ nn.functional at top level
FUNCTIONAL = sorted(rb._FUNCTIONAL_NAMES)


@pytest.mark.parametrize("name", FUNCTIONAL)
def test_functional_names_at_top_level_are_Fs(name):
    assert getattr(rb, name) is getattr(F, name)
    assert callable(getattr(torch, name))


def test_functional_names_left_out_have_another_torch_signature():
    """torch.batch_norm takes weight before running_mean; F's (and torch.nn.functional's) the reverse:
    the same call would mean something else, so rosenblatt has no rb.batch_norm."""
    for name in ("batch_norm", "instance_norm", "embedding", "adaptive_max_pool1d", "rrelu", "kl_div",
                 "binary_cross_entropy_with_logits", "margin_ranking_loss", "poisson_nll_loss"):
        assert callable(getattr(torch, name)) and callable(getattr(F, name))
        with pytest.raises(AttributeError):
            getattr(rb, name)
    # what the rule means, checked on torch itself: its top-level form returns indices too
    assert isinstance(torch.adaptive_max_pool1d(torch.zeros(1, 1, 4), 2), tuple)


def test_functional_names_give_pytorchs_results():
    x = numpy.random.default_rng(0).standard_normal((2, 4, 8, 8)).astype(numpy.float32)
    w = numpy.random.default_rng(1).standard_normal((3, 4, 3, 3)).astype(numpy.float32)
    tx, tw = torch.from_numpy(x), torch.from_numpy(w)
    assert_close(rb.conv2d(rb.tensor(x), rb.tensor(w), None, 1, 1), torch.conv2d(tx, tw, None, 1, 1), atol=1e-4)
    assert_close(rb.max_pool2d(rb.tensor(x), 2), torch.max_pool2d(tx, 2))
    assert_close(rb.layer_norm(rb.tensor(x), [8]), torch.layer_norm(tx, [8]), atol=1e-5)
    assert_close(rb.pixel_shuffle(rb.tensor(x), 2), torch.pixel_shuffle(tx, 2))
    assert_close(rb.selu(rb.tensor(x)), torch.selu(tx))
    assert_close(rb.threshold(rb.tensor(x), 0.1, 20.0), torch.threshold(tx, 0.1, 20.0))
    assert_close(rb.dropout(rb.tensor(x), 0.5, False), torch.dropout(tx, 0.5, False))
    with pytest.raises(TypeError):
        rb.layer_norm(rb.tensor(x), [8], None, None, 1e-5, True)  # torch's cudnn flag: refused, not misread


def test_import_loads_neither_nn_nor_the_runtime_module():
    code = ("import sys, rosenblatt as rb; before = [m for m in ('rosenblatt.nn', 'rosenblatt._runtime') "
            "if m in sys.modules]; rb.exp_; rb.tan; after = 'rosenblatt.nn' in sys.modules; rb.conv2d; "
            "print(before, after, 'rosenblatt.nn.functional' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] False True"


def test_unknown_names_still_raise():
    with pytest.raises(AttributeError, match="no attribute 'conv4d'"):
        rb.conv4d


# ------------------------------------------------------------------ compile and threads
def test_compile_returns_its_argument():
    net = rb.nn.Linear(2, 1)
    assert rb.compile(net) is net
    assert rb.compile(net, mode="reduce-overhead", fullgraph=True, dynamic=False, backend="inductor") is net

    def f(x):
        return x + 1

    assert rb.compile(f) is f
    assert rb.compile()(f) is f
    assert rb.compile(options={"a": 1})(f) is f
    with pytest.raises(TypeError, match="fulgraph"):
        rb.compile(f, fulgraph=True)
    with pytest.raises(TypeError, match="module or a function"):
        rb.compile(3)
    assert "runs eagerly" in inspect.getdoc(rb.compile)
    assert set(inspect.signature(torch.compile).parameters) - {"model"} == rb._runtime._COMPILE_OPTIONS


def test_num_threads_sets_openblas():
    before = rb.get_num_threads()
    assert isinstance(before, int) and before >= 1
    try:
        rb.set_num_threads(1)
        assert rb.get_num_threads() == 1
        from rosenblatt._backend import _openblas
        if _openblas() is not None:
            assert _openblas().scipy_openblas_get_num_threads64_() == 1
    finally:
        rb.set_num_threads(before)
    assert rb.get_num_threads() == before
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="positive"):
            rb.set_num_threads(bad)
