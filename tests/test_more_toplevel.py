"""More of PyTorch's top-level names, against torch 2.13: the ``*_copy`` ops, ``fill``,
``typename``, ``range``, ``gradient``, ``histogramdd``, ``binomial``, ``svd_lowrank``,
``pca_lowrank``, ``cond``, ``while_loop`` and the global switches.

Imported from their modules, so these run before (and after) the top-level wiring.
"""
import subprocess
import sys
import warnings

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import _runtime
from rosenblatt._binomial import binomial
from rosenblatt._control_flow import cond, while_loop
from rosenblatt._histogramdd import histogramdd
from rosenblatt._lowrank import pca_lowrank, svd_lowrank
from rosenblatt._numerics import fill, gradient, typename
from rosenblatt._numerics import range as rb_range
from rosenblatt import _switches as sw
from rosenblatt.ops import copies
from helpers import assert_close, check_op


# ----------------------------------------------------------------------------- *_copy ops
COPIES = [
    ("alias_copy", [(2, 3)], ()),
    ("diagonal_copy", [(2, 3, 4)], (1, 1, 2)),
    ("diagonal_copy", [(3, 4)], (-1,)),
    ("expand_copy", [(3, 1)], ((2, 3, 4),)),
    ("expand_copy", [(3, 1)], ([-1, 4],)),
    ("permute_copy", [(2, 3, 4)], ((2, 0, 1),)),
    ("select_copy", [(2, 3, 4)], (1, -1)),
    ("slice_copy", [(2, 3, 4)], (2, -3, 100, 2)),
    ("slice_copy", [(5, 2)], ()),
    ("slice_copy", [(5, 2)], (0, 4, 1)),
    ("split_copy", [(2, 5)], (2, 1)),
    ("split_with_sizes_copy", [(2, 5)], ([1, 4], 1)),
    ("squeeze_copy", [(1, 2, 1)], ()),
    ("squeeze_copy", [(1, 2, 1)], (0,)),
    ("squeeze_copy", [(1, 2, 1)], ((0, 2),)),
    ("t_copy", [(2, 3)], ()),
    ("t_copy", [(3,)], ()),
    ("t_copy", [()], ()),
    ("transpose_copy", [(2, 3, 4)], (0, 2)),
    ("unbind_copy", [(2, 3)], (1,)),
    ("unfold_copy", [(7,)], (0, 3, 2)),
    ("unfold_copy", [(2, 5)], (1, 2, 1)),
    ("unsqueeze_copy", [(2, 3)], (-1,)),
    ("view_copy", [(2, 3, 4)], ((6, -1),)),
]


@pytest.mark.parametrize("name, shapes, args", COPIES)
def test_copy_ops_match_pytorch(name, shapes, args):
    check_op(shapes, lambda x: getattr(copies, name)(x, *args), lambda x: getattr(torch, name)(x, *args))


@pytest.mark.parametrize("name, shapes, args", COPIES)
def test_copy_ops_own_their_memory(name, shapes, args):
    x = rb.randn(shapes[0])
    outs = getattr(copies, name)(x, *args)
    for out in outs if isinstance(outs, tuple) else (outs,):
        assert not numpy.shares_memory(out.data, x.data)


def test_view_copy_of_a_transposed_tensor_and_to_a_dtype():
    check_op([(3, 4)], lambda x: copies.view_copy(x.t(), (12,)), lambda x: torch.view_copy(x.t(), (12,)))
    for dtype in ("int32", "float64", "int16", "uint8"):
        a = numpy.arange(8, dtype=numpy.float32).reshape(2, 4)
        got = copies.view_copy(rb.tensor(a, requires_grad=True), getattr(rb, dtype))
        want = torch.view_copy(torch.from_numpy(a), getattr(torch, dtype))
        assert_close(got, want)
        assert not got.requires_grad


def test_detach_copy_is_cut_from_the_graph():
    x = rb.randn(2, 3, requires_grad=True)
    y = copies.detach_copy(x)
    assert not y.requires_grad and not numpy.shares_memory(y.data, x.data)
    assert_close(y, torch.detach_copy(torch.from_numpy(x.data.copy())))


def test_as_strided_copy():
    x = rb.arange(6.0)
    out = copies.as_strided_copy(x, (2, 2), (1, 2), 1)
    assert_close(out, torch.as_strided_copy(torch.arange(6.0), (2, 2), (1, 2), 1))
    assert not numpy.shares_memory(out.data, x.data)
    check_op([(6,)], lambda x: copies.as_strided_copy(x, (2, 2), (1, 2)),
             lambda x: torch.as_strided_copy(x, (2, 2), (1, 2)))


@pytest.mark.parametrize("name, shape, args, error", [
    ("t_copy", (2, 3, 4), (), ValueError),
    ("unbind_copy", (), (), IndexError),
    ("slice_copy", (2, 3, 4), (2, 0, 4, 0), ValueError),
    ("slice_copy", (2, 3, 4), (2, 0, 4, -1), ValueError),
    ("slice_copy", (), (), IndexError),
    ("slice_copy", (2, 3, 4), (3,), IndexError),
    ("split_copy", (2, 3, 4), ([1, 3], 2), TypeError),
    ("split_with_sizes_copy", (2, 3, 4), ([1, 2], 2), ValueError),
    ("expand_copy", (3, 1), (3, 4), TypeError),
    ("expand_copy", (3, 1), ((2, 4),), ValueError),
    ("permute_copy", (2, 3, 4), (2, 0, 1), TypeError),
    ("permute_copy", (2, 3, 4), ((2, 0),), ValueError),
    ("view_copy", (2, 3, 4), (6, 4), TypeError),
    ("view_copy", (2, 3, 4), (-1,), TypeError),
    ("view_copy", (2, 3, 4), ((5, 5),), ValueError),
    ("diagonal_copy", (2, 3, 4), (0, 1, 1), ValueError),
    ("select_copy", (2, 3, 4), (1, 3), IndexError),
    ("transpose_copy", (2, 3, 4), (0, 3), IndexError),
    ("unsqueeze_copy", (2, 3, 4), (4,), IndexError),
    ("unfold_copy", (7,), (0, 8, 2), ValueError),
    ("squeeze_copy", (1, 2, 1), (3,), IndexError),
])
def test_copy_op_errors(name, shape, args, error):
    """rosenblatt raises where torch does: TypeError/IndexError alike, ValueError for its RuntimeError."""
    with pytest.raises((RuntimeError, IndexError, TypeError)):
        getattr(torch, name)(torch.zeros(shape), *args)
    with pytest.raises(error, match=name.removesuffix("_copy")):
        getattr(copies, name)(rb.zeros(shape), *args)


def test_copy_ops_take_tensors_only():
    with pytest.raises(TypeError, match="alias_copy"):
        copies.alias_copy(numpy.zeros(2))


# ----------------------------------------------------------------------------- fill
@pytest.mark.parametrize("dtype, value", [("float32", 2.5), ("float64", -1), ("int64", 2.7), ("int64", -2.7),
                                          ("uint8", -1), ("int8", 127), ("bool", 2), ("bool", 0.0),
                                          ("float32", True), ("float16", float("inf")),
                                          ("float32", float("nan"))])
def test_fill_values_and_dtypes(dtype, value):
    a = numpy.zeros((2, 3), dtype=dtype)
    assert_close(fill(rb.tensor(a), value), torch.fill(torch.from_numpy(a), value))


def test_fill_gradient():
    check_op([(2, 3)], lambda x: fill(x, 2.0), lambda x: torch.fill(x, 2.0))
    check_op([(2, 3), ()], fill, torch.fill)


@pytest.mark.parametrize("dtype, value", [("uint8", 300), ("uint8", -1.0), ("uint8", 255.9), ("int8", -129),
                                          ("int64", float("nan")), ("int64", float("inf")), ("float32", 1e300),
                                          ("int32", 2 ** 40)])
def test_fill_overflow_raises_as_pytorch(dtype, value):
    a = numpy.zeros(2, dtype=dtype)
    with pytest.raises(RuntimeError):
        torch.fill(torch.from_numpy(a), value)
    with pytest.raises(RuntimeError, match="fill"):
        fill(rb.tensor(a), value)


def test_fill_errors():
    with pytest.raises(ValueError, match="0-dimension"):
        fill(rb.zeros(2), rb.tensor([1.0]))
    with pytest.raises(TypeError, match="number"):
        fill(rb.zeros(2), "a")
    with pytest.raises(TypeError, match="number"):
        fill(rb.zeros(2), None)


# ----------------------------------------------------------------------------- typename
def test_typename_matches_pytorch():
    for dtype in ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"):
        want = torch.typename(torch.zeros(2, dtype=getattr(torch, dtype)))
        assert typename(rb.zeros(2, dtype=getattr(rb, dtype))) == want
    for obj in (3, int, None, [1], numpy.zeros(2), warnings.warn):
        assert typename(obj) == torch.typename(obj)
    assert typename(rb.nn.Linear) == "rosenblatt.nn.modules.linear.Linear" == typename(rb.nn.Linear(1, 1))
    assert torch.typename(torch.nn.Linear) == "torch.nn.modules.linear.Linear"
    assert typename(typename) == "rosenblatt._numerics.typename"


# ----------------------------------------------------------------------------- range
RANGES = [((1, 4), {}), ((1, 4, 0.5), {}), ((1, 4, 0.7), {}), ((0, 1, 0.1), {}), ((0, 0.3, 0.1), {}),
          ((4, 1, -1), {}), ((1, 1), {}), ((-1, -4, -1.5), {}), ((1, 4), {"dtype": "float64"}),
          ((1, 4), {"dtype": "int64"}), ((1.5, 4), {"dtype": "int64"}), ((0, 10, 3), {"dtype": "int32"}),
          ((1, 4), {"dtype": "uint8"}), ((0.5, 10.2, 3.3), {"dtype": "float16"})]


@pytest.mark.parametrize("args, kwargs", RANGES)
def test_range_matches_pytorch(args, kwargs):
    with pytest.warns(UserWarning, match="deprecated"):
        got = rb_range(*args, **{k: getattr(rb, v) for k, v in kwargs.items()})
    with pytest.warns(UserWarning, match="deprecated"):
        want = torch.range(*args, **{k: getattr(torch, v) for k, v in kwargs.items()})
    assert_close(got, want, atol=0, rtol=0)


def test_range_takes_the_default_dtype_at_call_time(monkeypatch):
    monkeypatch.setattr(rb, "get_default_dtype", lambda: rb.float64)
    with pytest.warns(UserWarning):
        assert rb_range(0, 2).dtype == rb.float64


def test_range_requires_grad_and_tensor_bounds():
    with pytest.warns(UserWarning):
        x = rb_range(rb.tensor(1), rb.tensor(3), requires_grad=True)
        assert x.requires_grad and x.tolist() == [1.0, 2.0, 3.0]
        with pytest.raises(RuntimeError):
            rb_range(1, 3, dtype=rb.int64, requires_grad=True)


@pytest.mark.parametrize("args, kwargs, error", [
    ((1, 4, 0), {}, ValueError), ((4, 1), {}, ValueError), ((1, 0.5), {}, ValueError),
    ((1, float("inf")), {}, ValueError), ((1, float("nan")), {}, ValueError),
    ((1, 4, 0.5), {"dtype": "int64"}, ValueError), ((1, 4), {"dtype": "bool"}, TypeError)])
def test_range_errors(args, kwargs, error):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args[2:] != (0.5,):  # torch.range(1, 4, 0.5, dtype=torch.int64) dies of SIGFPE (step 0)
            with pytest.raises((RuntimeError, NotImplementedError)):
                torch.range(*args, **{k: getattr(torch, v) for k, v in kwargs.items()})
        with pytest.raises(error, match="range"):
            rb_range(*args, **{k: getattr(rb, v) for k, v in kwargs.items()})
    with pytest.raises(TypeError):
        rb_range(4)


# ----------------------------------------------------------------------------- gradient
@pytest.mark.parametrize("kwargs", [{}, {"spacing": 2.0}, {"spacing": 3}, {"dim": 1}, {"dim": [1]},
                                    {"dim": (0, 1)}, {"dim": -1}, {"spacing": [2.0, 3.0]},
                                    {"spacing": [2.0], "dim": 1}, {"edge_order": 2}, {"edge_order": 2, "spacing": 0.5, "dim": 0}])
def test_gradient_uniform_spacing(kwargs):
    check_op([(3, 4)], lambda x: gradient(x, **kwargs), lambda x: torch.gradient(x, **kwargs))
    if "spacing" not in kwargs or not isinstance(kwargs["spacing"], list) or "dim" in kwargs:
        check_op([(3, 4, 5)], lambda x: gradient(x, **kwargs), lambda x: torch.gradient(x, **kwargs))


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_at_coordinates_differentiates_both(edge_order):
    cx, cy = numpy.array([0.0, 1.0, 3.0]), numpy.array([0.0, 0.5, 1.5, 4.0])
    base = numpy.random.default_rng(1).normal(size=(3, 4))
    check_op(None, lambda f, x, y: gradient(f, spacing=[x, y], edge_order=edge_order),
             lambda f, x, y: torch.gradient(f, spacing=[x, y], edge_order=edge_order), inputs=[base, cx, cy])
    check_op(None, lambda f, y: gradient(f, spacing=[y], dim=1, edge_order=edge_order),
             lambda f, y: torch.gradient(f, spacing=[y], dim=1, edge_order=edge_order), inputs=[base, cy])


@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_gradient_of_integers_is_float(dtype):
    a = numpy.array([[1, 2, 4, 8], [3, 1, 4, 1]], dtype=dtype)
    for kwargs in ({}, {"spacing": 2}, {"spacing": 0.5, "dim": 1}):
        for g, t in zip(gradient(rb.tensor(a), **kwargs), torch.gradient(torch.from_numpy(a), **kwargs)):
            assert_close(g, t)
    coords = numpy.array([0, 1, 3, 4])
    (g,), (t,) = (gradient(rb.tensor(a), spacing=[rb.tensor(coords)], dim=1),
                  torch.gradient(torch.from_numpy(a), spacing=[torch.from_numpy(coords)], dim=1))
    assert_close(g, t)


def test_gradient_edge_cases():
    assert gradient(rb.tensor(1.0)) == torch.gradient(torch.tensor(1.0)) == ()
    assert gradient(rb.ones(3), dim=[]) == ()
    assert_close(gradient(rb.tensor([1.0, 2.0, 4.0]), spacing=rb.tensor(2.0))[0],
                 torch.gradient(torch.tensor([1.0, 2.0, 4.0]), spacing=torch.tensor(2.0))[0])
    assert_close(gradient(rb.tensor([1.0, 2.0, 4.0]), spacing=0.0)[0],
                 torch.gradient(torch.tensor([1.0, 2.0, 4.0]), spacing=0.0)[0])
    assert isinstance(gradient(rb.ones(3)), tuple)


@pytest.mark.parametrize("kwargs, error", [
    ({"spacing": [2.0]}, ValueError), ({"spacing": [1.0], "dim": [0, 1]}, ValueError),
    ({"edge_order": 3}, ValueError), ({"edge_order": 0}, ValueError), ({"dim": 2}, IndexError),
    ({"dim": [1, 1]}, ValueError), ({"spacing": [rb.ones(1, 4), rb.ones(4)]}, ValueError),
    ({"spacing": "a"}, TypeError), ({"spacing": [1, rb.ones(4)]}, TypeError),
    ({"spacing": [rb.tensor(2.0), rb.tensor(3.0)]}, ValueError)])
def test_gradient_errors(kwargs, error):
    with pytest.raises(error, match="gradient"):
        gradient(rb.ones(3, 4), **kwargs)
    spacing = kwargs.get("spacing")
    if isinstance(spacing, list):
        spacing = [torch.from_numpy(h.data) if isinstance(h, rb.Tensor) else h for h in spacing]
    torch_kwargs = {**kwargs, "spacing": spacing} if "spacing" in kwargs else kwargs
    with pytest.raises((RuntimeError, IndexError, TypeError)):
        torch.gradient(torch.ones(3, 4), **torch_kwargs)


def test_gradient_short_dims_and_dtypes_raise():
    with pytest.raises(ValueError, match="edge_order"):
        gradient(rb.ones(2, 4), edge_order=2)
    with pytest.raises(ValueError, match="edge_order"):
        gradient(rb.ones(1, 4))
    with pytest.raises(TypeError, match="uint8"):
        gradient(rb.ones(3, dtype=rb.uint8))
    with pytest.raises(TypeError, match="bool"):
        gradient(rb.ones(3, dtype=rb.bool))


# ----------------------------------------------------------------------------- histogramdd
def _convert(value, module):
    """Arrays (alone or in a list) as rosenblatt or torch tensors."""
    if isinstance(value, numpy.ndarray):
        return rb.tensor(value) if module is rb else torch.from_numpy(value)
    if isinstance(value, list) and value and isinstance(value[0], numpy.ndarray):
        return [_convert(v, module) for v in value]
    return value


def _histogramdd_both(x, **kwargs):
    got = histogramdd(rb.tensor(x), **{k: _convert(v, rb) for k, v in kwargs.items()})
    want = torch.histogramdd(torch.from_numpy(x), **{k: _convert(v, torch) for k, v in kwargs.items()})
    assert_close(got.hist, want.hist)
    assert isinstance(got.bin_edges, tuple) and len(got.bin_edges) == len(want.bin_edges)
    for e, f in zip(got.bin_edges, want.bin_edges):
        assert_close(e, f)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histogramdd_matches_pytorch(dtype):
    rng = numpy.random.default_rng(0)
    x = rng.normal(size=(500, 3)).astype(dtype)
    _histogramdd_both(x, bins=[4, 5, 6])
    _histogramdd_both(x, bins=7, density=True)
    _histogramdd_both(x, bins=(3, 4, 5), range=[-1, 1, -2, 2, -0.5, 0.5], weight=rng.random(500).astype(dtype))
    _histogramdd_both(x, bins=[numpy.sort(rng.normal(size=5)).astype(dtype) for _ in range(3)], density=True)
    _histogramdd_both(x.reshape(50, 10, 3), bins=3)
    points = numpy.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0]], dtype=dtype)
    _histogramdd_both(points, bins=[3, 3], weight=numpy.array([1.0, 2.0, 4.0, 8.0], dtype=dtype))
    _histogramdd_both(points, bins=[2, 2], range=[0.0, 1.0, 0.0, 1.0], density=True)
    _histogramdd_both(points[:, :1].repeat(2, 1), bins=2)   # an empty range, widened
    _histogramdd_both(numpy.zeros((0, 2), dtype), bins=2)
    _histogramdd_both(points, bins=2, density=True, weight=numpy.zeros(4, dtype))  # nan, as torch
    _histogramdd_both(numpy.array([[numpy.nan, 1.0]], dtype), bins=2, range=[0.0, 1.0, 0.0, 2.0])


def test_histogramdd_is_not_differentiable():
    out = histogramdd(rb.randn(10, 2, requires_grad=True), bins=2)
    assert not out.hist.requires_grad and not any(e.requires_grad for e in out.bin_edges)


@pytest.mark.parametrize("kwargs, error", [
    ({"bins": [3]}, ValueError), ({"bins": [2, 2], "range": [0.0, 1.0]}, ValueError),
    ({"bins": [2, 2], "range": [1.0, 0.0, 0.0, 1.0]}, ValueError), ({"bins": 0}, ValueError),
    ({"bins": [2, 0]}, ValueError), ({"bins": [numpy.array([0.0], "float32")] * 2}, ValueError),
    ({"bins": [numpy.zeros((1, 2), "float32")] * 2}, ValueError),
    ({"bins": [numpy.array([0.0, 1.0])] * 2}, TypeError),
    ({"bins": 2, "weight": numpy.ones(3, "float32")}, ValueError),
    ({"bins": 2, "weight": numpy.ones(4, "float64")}, TypeError), ({"bins": 2.0}, TypeError)])
def test_histogramdd_errors(kwargs, error):
    x = numpy.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0]], dtype="float32")
    with pytest.raises(error, match="histogramdd"):
        _histogramdd_both(x, **kwargs)
    with pytest.raises((RuntimeError, TypeError)):
        torch.histogramdd(torch.from_numpy(x), **{k: _convert(v, torch) for k, v in kwargs.items()})


def test_histogramdd_input_checks():
    with pytest.raises(ValueError, match="2 dimensions"):
        histogramdd(rb.tensor([1.0, 2.0]), bins=2)
    with pytest.raises(TypeError, match="float"):
        histogramdd(rb.tensor([[1, 2]]), bins=2)
    with pytest.raises(ValueError, match="not finite"):
        histogramdd(rb.tensor([[float("nan"), 1.0]]), bins=2)
    with pytest.raises(ValueError, match="increase"):  # torch accepts these and miscounts
        histogramdd(rb.tensor([[1.0, 1.0]]), bins=[rb.tensor([0.0, 3.0, 2.0]), rb.tensor([0.0, 2.0])])


# ----------------------------------------------------------------------------- binomial
@pytest.mark.parametrize("n, p", [(10.0, 0.3), (5.0, 0.9), (200.0, 0.2), (1000.0, 0.7), (2.7, 0.5)])
def test_binomial_distribution_matches_pytorch(n, p):
    count = numpy.full(40000, n, dtype="float32")
    got = binomial(rb.tensor(count), rb.tensor(p, dtype=rb.float32), generator=rb.Generator(0)).data
    want = torch.binomial(torch.from_numpy(count), torch.tensor(p),
                          generator=torch.Generator().manual_seed(0)).numpy()
    assert got.dtype == want.dtype == numpy.float32
    trials = numpy.floor(n)
    mean, sd = trials * p, numpy.sqrt(trials * p * (1 - p))
    for sample in (got, want):  # both within 5 standard errors of the true moments
        assert abs(sample.mean() - mean) < 5 * sd / numpy.sqrt(count.size)
        assert abs(sample.std() - sd) < 0.05 * sd
        assert sample.min() >= 0 and sample.max() <= trials and (sample == numpy.round(sample)).all()
    values = numpy.arange(trials + 1)
    got_freq, want_freq = [numpy.array([(s == v).mean() for v in values]) for s in (got, want)]
    assert numpy.abs(got_freq - want_freq).max() < 0.02


def test_binomial_edge_values_and_shapes():
    count = rb.tensor([10.0, 5.0, 2.5, -1.0, 3.0, 0.0])
    prob = rb.tensor([1.5, -0.5, 1.0, 0.5, float("nan"), 1.0])
    want = torch.binomial(torch.from_numpy(count.data), torch.from_numpy(prob.data))
    assert_close(binomial(count, prob), want)
    double = binomial(rb.tensor([4.0], dtype=rb.float64), rb.tensor([0.5], dtype=rb.float64))
    assert double.dtype == rb.float64
    assert binomial(rb.full((2, 3), 4.0), rb.tensor([0.1, 0.5, 0.9])).shape == (2, 3)
    assert binomial(rb.tensor(10.0), rb.tensor([0.5, 0.2])).shape == (2,)


def test_binomial_generator_and_no_grad():
    count, prob = rb.full((100,), 20.0, requires_grad=True), rb.full((100,), 0.4, requires_grad=True)
    a = binomial(count, prob, rb.Generator(3))
    b = binomial(count, prob, generator=rb.Generator(3))
    assert rb.equal(a, b) and not a.requires_grad
    rb.manual_seed(5)
    c = binomial(count, prob)
    rb.manual_seed(5)
    assert rb.equal(c, binomial(count, prob))


def test_binomial_errors():
    with pytest.raises(ValueError, match="floating"):
        torch.binomial(torch.tensor([10, 5]), torch.tensor([0.5, 0.2]))
    with pytest.raises(ValueError, match="floating"):
        binomial(rb.tensor([10, 5]), rb.tensor([0.5, 0.2]))
    with pytest.raises(TypeError, match="dtype"):
        binomial(rb.tensor([10.0]), rb.tensor([0.5], dtype=rb.float64))
    with pytest.raises(TypeError, match="Tensor"):
        binomial(rb.tensor([10.0]), 0.5)
    with pytest.raises(ValueError, match="broadcast"):
        binomial(rb.tensor([10.0, 5.0]), rb.tensor([0.5, 0.2, 0.1]))
    with pytest.raises(ValueError, match="finite"):  # torch's sampler never returns on these
        binomial(rb.tensor([float("inf")]), rb.tensor([0.5]))
    with pytest.raises(TypeError, match="float16"):
        binomial(rb.tensor([1.0], dtype=rb.float16), rb.tensor([0.5], dtype=rb.float16))


# ----------------------------------------------------------------------------- low-rank
def _low_rank(shape, rank, seed=0):
    rng = numpy.random.default_rng(seed)
    return rng.normal(size=shape[:-1] + (rank,)) @ rng.normal(size=shape[:-2] + (rank, shape[-1]))


@pytest.mark.parametrize("shape, q", [((30, 12), 4), ((12, 30), 4), ((3, 20, 10), 5), ((15, 15), 6)])
def test_svd_lowrank_reconstructs_and_matches_pytorch_singular_values(shape, q):
    a = _low_rank(shape, 3)
    rb.manual_seed(0)
    U, S, V = svd_lowrank(rb.tensor(a), q=q)
    tU, tS, tV = torch.svd_lowrank(torch.from_numpy(a), q=q)
    assert U.shape == tuple(tU.shape) and S.shape == tuple(tS.shape) and V.shape == tuple(tV.shape)
    numpy.testing.assert_allclose(S.data, tS.numpy(), atol=1e-8)
    recon = U.data @ (S.data[..., None] * numpy.swapaxes(V.data, -1, -2))
    numpy.testing.assert_allclose(recon, a, atol=1e-8)
    eye = numpy.broadcast_to(numpy.eye(q), recon.shape[:-2] + (q, q))
    numpy.testing.assert_allclose(numpy.swapaxes(U.data, -1, -2) @ U.data, eye, atol=1e-8)  # orthonormal


def test_svd_lowrank_with_mean_and_float32():
    a = _low_rank((25, 8), 2) + 3.0
    mean = a.mean(0, keepdims=True)
    rb.manual_seed(1)
    U, S, V = svd_lowrank(rb.tensor(a), q=3, niter=1, M=rb.tensor(mean))
    tS = torch.svd_lowrank(torch.from_numpy(a), q=3, niter=1, M=torch.from_numpy(mean))[1]
    numpy.testing.assert_allclose(S.data[:2], tS.numpy()[:2], rtol=1e-7)
    numpy.testing.assert_allclose((U.data * S.data) @ V.data.T, a - mean, atol=1e-8)
    U, S, V = svd_lowrank(rb.tensor(a.astype("float32")), q=3)
    assert U.dtype == S.dtype == V.dtype == rb.float32


def test_svd_lowrank_gradient_matches_pytorch():
    a = _low_rank((20, 8), 3)
    x = rb.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    svd_lowrank(x, q=3)[1].sum().backward()
    torch.svd_lowrank(t, q=3)[1].sum().backward()
    assert_close(x.grad, t.grad, atol=1e-7, rtol=1e-6)


def test_pca_lowrank_matches_pytorch():
    rng = numpy.random.default_rng(2)
    a = rng.normal(size=(60, 3)) @ numpy.diag([5.0, 2.0, 0.5]) @ rng.normal(size=(3, 7)) + 4.0
    rb.manual_seed(0)
    U, S, V = pca_lowrank(rb.tensor(a), q=3)
    tU, tS, tV = torch.pca_lowrank(torch.from_numpy(a), q=3)
    numpy.testing.assert_allclose(S.data, tS.numpy(), rtol=1e-7)
    numpy.testing.assert_allclose(numpy.abs(V.data.T @ tV.numpy()), numpy.eye(3), atol=1e-6)  # same directions
    numpy.testing.assert_allclose((U.data * S.data) @ V.data.T, a - a.mean(0), atol=1e-8)
    assert pca_lowrank(rb.tensor(a))[1].shape == tuple(torch.pca_lowrank(torch.from_numpy(a))[1].shape) == (6,)
    S_raw = pca_lowrank(rb.tensor(a), q=4, center=False)[1]  # rank 4 uncentred: exact
    S_torch = torch.pca_lowrank(torch.from_numpy(a), q=4, center=False)[1]
    numpy.testing.assert_allclose(S_raw.data, S_torch.numpy(), rtol=1e-7)


@pytest.mark.parametrize("kwargs", [{"q": 8}, {"q": -1}, {"niter": -1}])
def test_pca_lowrank_errors(kwargs):
    with pytest.raises(ValueError):
        torch.pca_lowrank(torch.ones(10, 7, dtype=torch.float64), **kwargs)
    with pytest.raises(ValueError, match="pca_lowrank"):
        pca_lowrank(rb.ones(10, 7, dtype=rb.float64), **kwargs)


# ----------------------------------------------------------------------------- cond, while_loop
def test_cond_picks_the_branch_as_pytorch():
    a = numpy.array([0.5, -1.0, 2.0])
    for pred in (True, False, 1, 0.0):
        got = cond(pred, lambda x: x.cos(), lambda x: x.sin(), (rb.tensor(a),))
        assert_close(got, torch.cond(pred, lambda x: x.cos(), lambda x: x.sin(), (torch.from_numpy(a),)))
    for pred in (True, False):
        got = cond(rb.tensor(pred), lambda x: (x.cos(), x + 1), lambda x: (x.sin(), x - 1), [rb.tensor(a)])
        want = torch.cond(torch.tensor(pred), lambda x: (x.cos(), x + 1), lambda x: (x.sin(), x - 1),
                          [torch.from_numpy(a)])
        assert isinstance(got, tuple) and len(got) == 2
        for g, w in zip(got, want):
            assert_close(g, w)
    assert cond(rb.tensor([[0.5]]), lambda: rb.ones(1), lambda: rb.zeros(1)).tolist() == [1.0]
    out = cond(rb.tensor(False), lambda d: {"k": d["v"] * 2}, lambda d: {"k": d["v"] - 2},
               ({"v": rb.tensor(a)},))
    assert out["k"].tolist() == (a - 2).tolist()


def test_cond_gradient():
    x = rb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    cond(rb.tensor(True), lambda a: (a * a).sum(), lambda a: a.sum(), (x,)).backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


@pytest.mark.parametrize("args, error, torch_message", [
    ((rb.tensor([True, False]), "c", "s", None), ValueError, "single-element"),
    (("yes", "c", "s", None), TypeError, "bool or tensor"),
    ((None, "c", "s", None), TypeError, "bool or tensor"),
    ((rb.tensor(True), 3, "s", None), TypeError, "callable"),
    ((rb.tensor(True), "c", "s", "bare"), TypeError, "operands"),
    ((rb.tensor(True), "c", "s", "with_int"), TypeError, "operands"),
])
def test_cond_argument_checks_as_pytorch(args, error, torch_message):
    def build(module, tensor):
        pred, t, f, operands = args
        pred = torch.from_numpy(pred.data) if isinstance(pred, rb.Tensor) else pred
        if module is rb:
            pred = args[0]
        fns = {"c": lambda a, *r: a.cos(), "s": lambda a, *r: a.sin()}
        t, f = fns.get(t, t), fns.get(f, f)
        ops = {None: (tensor,), "bare": tensor, "with_int": (tensor, 1)}[operands]
        return pred, t, f, ops
    with pytest.raises(RuntimeError, match=torch_message):
        torch.cond(*build(torch, torch.ones(2)))
    with pytest.raises(error, match=torch_message):
        cond(*build(rb, rb.ones(2)))


def test_cond_refuses_returning_an_input():
    with pytest.raises(Exception, match="aliasing"):
        torch.cond(torch.tensor(True), lambda a: a, lambda a: a.sin(), (torch.ones(2),))
    with pytest.raises(ValueError, match="aliasing"):
        cond(rb.tensor(True), lambda a: a, lambda a: a.sin(), (rb.ones(2),))


def test_while_loop_matches_pytorch():
    x = numpy.array([0.3, -0.2, 1.0])
    got = while_loop(lambda i, x: i.sum() < 10, lambda i, x: (i + 1, x.sin()), (rb.zeros(1), rb.tensor(x)))
    want = torch.while_loop(lambda i, x: i.sum() < 10, lambda i, x: (i + 1, x.sin()),
                            (torch.zeros(1, dtype=torch.float64), torch.from_numpy(x)))
    assert isinstance(got, tuple) and got[0].tolist() == [10.0]
    assert_close(got[1], want[1])
    n, y = while_loop(lambda i, x: 2 * i < x.shape[0], lambda i, x: (i + 1, x + i), (0, rb.tensor(x)))
    assert n == 2 and numpy.allclose(y.data, x + 1)
    assert while_loop(lambda i: i < 3, lambda i: i + 1, (rb.tensor(0),)).tolist() == 3  # body's own structure
    assert isinstance(while_loop(lambda i: i < 3, lambda i: [i + 1], (rb.tensor(0),)), list)
    out = while_loop(lambda d: d["a"] < 3, lambda d: ({"a": d["a"] + 1},), ({"a": rb.tensor(0)},))
    assert out[0]["a"].tolist() == 3


def test_while_loop_that_never_runs_returns_clones():
    t0 = rb.tensor(0)
    out = while_loop(lambda i: i > 3, lambda i: (i + 1,), (t0,))
    assert isinstance(out, tuple) and out[0].tolist() == 0 and out[0] is not t0
    assert not numpy.shares_memory(out[0].data, t0.data)


def test_while_loop_gradient():
    w = rb.ones(2, requires_grad=True)
    _, y = while_loop(lambda a, b: a < 3, lambda a, b: (a + 1, b * 2), (rb.tensor(0), w))
    y.sum().backward()
    assert w.grad.tolist() == [8.0, 8.0]


@pytest.mark.parametrize("cond_fn, body_fn, carried, error, match", [
    (lambda i: i < 3, lambda i: (i + 1.5,), (rb.tensor(0),), ValueError, "metadata"),
    (lambda i: i < 3, lambda i: (i.reshape(1) + 1,), (rb.tensor(0),), ValueError, "metadata"),
    (lambda i: i < 3, lambda i: (i + 1, i + 2), (rb.tensor(0),), ValueError, "same number"),
    (lambda i: i + 3, lambda i: (i + 1,), (rb.tensor(0),), TypeError, "boolean"),
    (lambda i: (i < 3).reshape(1), lambda i: (i + 1,), (rb.tensor(0),), TypeError, "boolean"),
    (lambda i: i < 3, lambda i: (i,), (rb.tensor(0),), ValueError, "aliasing"),
    (lambda i: i < 3, lambda i: (i + 1,), rb.tensor(0), TypeError, "tuple or list"),
    (lambda i: i < 3, lambda i: (i + 1,), (rb.tensor(0), 1.5), TypeError, "tensor or int"),
    (3, lambda i: (i + 1,), (rb.tensor(0),), TypeError, "callable"),
])
def test_while_loop_errors(cond_fn, body_fn, carried, error, match):
    with pytest.raises(error, match=match):
        while_loop(cond_fn, body_fn, carried)


def test_while_loop_errors_in_pytorch_too():
    for body in (lambda i: (i + 1.5,), lambda i: (i,)):
        with pytest.raises(Exception):
            torch.while_loop(lambda i: i < 3, body, (torch.tensor(0),))
    with pytest.raises(RuntimeError, match="callable"):
        torch.while_loop(3, lambda i: (i + 1,), (torch.tensor(0),))


# ----------------------------------------------------------------------------- global switches
@pytest.fixture
def restore_switches():
    saved_rb = vars(sw._switches).copy()
    saved_torch = (torch.are_deterministic_algorithms_enabled(),
                   torch.is_deterministic_algorithms_warn_only_enabled(),
                   torch.get_float32_matmul_precision(), torch.is_warn_always_enabled())
    yield
    vars(sw._switches).update(saved_rb)
    torch.use_deterministic_algorithms(saved_torch[0], warn_only=saved_torch[1])
    torch.set_float32_matmul_precision(saved_torch[2])
    torch.set_warn_always(saved_torch[3])


def _deterministic_state(module):
    return (module.are_deterministic_algorithms_enabled(),
            module.is_deterministic_algorithms_warn_only_enabled(), module.get_deterministic_debug_mode())


def test_deterministic_switches_follow_pytorch(restore_switches):
    assert _deterministic_state(sw) == _deterministic_state(torch) == (False, False, 0)
    use, debug = "use_deterministic_algorithms", "set_deterministic_debug_mode"
    steps = [(use, (True,), {}), (use, (True,), {"warn_only": True}), (use, (False,), {"warn_only": True}),
             (debug, ("error",), {}), (debug, (1,), {}), (debug, (0,), {}), (debug, (True,), {}),
             (debug, ("default",), {}), (debug, (2,), {})]
    for name, args, kwargs in steps:
        assert getattr(sw, name)(*args, **kwargs) is getattr(torch, name)(*args, **kwargs) is None
        assert _deterministic_state(sw) == _deterministic_state(torch), (name, args, kwargs)


@pytest.mark.parametrize("call, error", [
    (lambda m: m.use_deterministic_algorithms(1), TypeError),
    (lambda m: m.use_deterministic_algorithms(None), TypeError),
    (lambda m: m.use_deterministic_algorithms(True, warn_only=1), TypeError),
    (lambda m: m.use_deterministic_algorithms(True, True), TypeError),
    (lambda m: m.set_deterministic_debug_mode(3), ValueError),
    (lambda m: m.set_deterministic_debug_mode(1.0), TypeError),
    (lambda m: m.set_deterministic_debug_mode("Warn"), ValueError),
    (lambda m: m.set_float32_matmul_precision(1), TypeError),
    (lambda m: m.set_float32_matmul_precision(None), TypeError),
    (lambda m: m.set_warn_always(1), TypeError), (lambda m: m.set_warn_always(b=True), TypeError),
    (lambda m: m.is_inference_mode_enabled(1), TypeError),
])
def test_switch_errors(call, error, restore_switches):
    with pytest.raises((TypeError, RuntimeError)):  # torch's own: RuntimeError where ours is ValueError
        call(torch)
    with pytest.raises(error):
        call(sw)


def test_float32_matmul_precision(restore_switches):
    assert sw.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    for p in ("medium", "high", "highest"):
        sw.set_float32_matmul_precision(p)
        torch.set_float32_matmul_precision(p)
        assert sw.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == p
    for bad in ("low", "HIGH"):
        with pytest.warns(UserWarning, match="no effect"):
            sw.set_float32_matmul_precision(bad)
        with pytest.warns(UserWarning, match="no effect"):
            torch.set_float32_matmul_precision(bad)
        assert sw.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"


def test_warn_always(restore_switches):
    assert sw.is_warn_always_enabled() is torch.is_warn_always_enabled() is False
    sw.set_warn_always(True)
    torch.set_warn_always(True)
    assert sw.is_warn_always_enabled() is torch.is_warn_always_enabled() is True


def test_interop_threads(monkeypatch):
    monkeypatch.setattr(_runtime, "_interop_threads", None)
    default = _runtime.get_num_interop_threads()
    assert isinstance(default, int) and default >= 1
    for bad, error in ((0, ValueError), (-1, ValueError), (2.0, TypeError), (True, TypeError),
                       ("2", TypeError)):
        with pytest.raises(error, match="set_num_interop_threads"):
            _runtime.set_num_interop_threads(bad)
        with pytest.raises(RuntimeError):
            torch.set_num_interop_threads(bad)
    assert _runtime.set_num_interop_threads(3) is None
    assert _runtime.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="once"):  # as torch: set once per process
        _runtime.set_num_interop_threads(4)


def test_is_inference_mode_enabled_outside_and_in_no_grad():
    assert sw.is_inference_mode_enabled() is torch.is_inference_mode_enabled() is False
    with rb.no_grad(), torch.no_grad():
        assert sw.is_inference_mode_enabled() is torch.is_inference_mode_enabled() is False


def test_is_inference_mode_enabled_inside_inference_mode():
    with rb.inference_mode(), torch.inference_mode():
        assert sw.is_inference_mode_enabled() is torch.is_inference_mode_enabled() is True
        with rb.no_grad(), torch.no_grad():
            assert sw.is_inference_mode_enabled() is torch.is_inference_mode_enabled() is True
        with rb.inference_mode(False), torch.inference_mode(False):
            assert sw.is_inference_mode_enabled() is torch.is_inference_mode_enabled() is False
    assert sw.is_inference_mode_enabled() is False


# ----------------------------------------------------------------------------- top level
NAMES = ["alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy", "permute_copy",
         "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy", "squeeze_copy", "t_copy",
         "transpose_copy", "unbind_copy", "unfold_copy", "unsqueeze_copy", "view_copy", "fill", "typename",
         "range", "gradient", "histogramdd", "binomial", "svd_lowrank", "pca_lowrank", "cond", "while_loop",
         "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
         "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
         "get_deterministic_debug_mode", "set_float32_matmul_precision", "get_float32_matmul_precision",
         "get_num_interop_threads", "set_num_interop_threads", "is_inference_mode_enabled",
         "is_warn_always_enabled", "set_warn_always"]


@pytest.mark.parametrize("name", NAMES)
def test_names_torch_has_at_top_level(name):
    assert callable(getattr(torch, name))
    assert callable(getattr(rb, name))


def test_import_rosenblatt_loads_none_of_these_modules():
    modules = ["rosenblatt.ops.copies", "rosenblatt._numerics", "rosenblatt._histogramdd", "rosenblatt._binomial",
               "rosenblatt._lowrank", "rosenblatt._control_flow", "rosenblatt._switches"]
    code = f"import sys, rosenblatt; print([m for m in {modules!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
