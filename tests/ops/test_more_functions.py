"""mode, index_copy, masked_scatter, unravel_index, trapezoid, cumulative_trapezoid, histogram,
renorm, chain_matmul, kaiser_window, clamp_, asarray and frombuffer against PyTorch."""
import array
import warnings

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op

NAN = float("nan")


# ---------------------------------------------------------------- mode
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
@pytest.mark.parametrize("keepdim", [False, True])
def test_mode_with_ties_matches_pytorch(dim, keepdim):
    # few distinct values: ties of counts everywhere, resolved to the smallest value, last index
    data = numpy.random.default_rng(1).integers(0, 3, (3, 4, 5)).astype(numpy.float64)
    ours, theirs = rb.mode(rb.tensor(data), dim, keepdim), torch.mode(torch.tensor(data), dim, keepdim)
    assert_close(ours.values, theirs.values)
    assert_close(ours.indices, theirs.indices)
    check_op(None, lambda x: rb.mode(x, dim, keepdim).values, lambda x: torch.mode(x, dim, keepdim).values,
             inputs=[data], gradcheck=False)  # a nudge breaks a tie: no finite differences here


def test_mode_without_ties_is_the_smallest_entry_and_differentiable():
    check_op([(4, 6)], lambda x: rb.mode(x, 1).values, lambda x: torch.mode(x, 1).values)
    check_op([(4, 6)], lambda x: x.mode(0, True).values, lambda x: x.mode(0, True).values)


@pytest.mark.parametrize("data", [[1.0, 3, 3, 1, 2, 1, 3], [NAN, NAN, 1.0, 1.0], [-0.0, 0.0, 1.0, 1.0], [2.0, 5, 7],
                                  [NAN, NAN, 1.0], [5.0]])
def test_mode_values_and_indices_of_rows(data):
    ours, theirs = rb.mode(rb.tensor(data)), torch.mode(torch.tensor(data))
    assert_close(ours.values, theirs.values)
    if not (numpy.isnan(data).sum() > 1 and theirs.values.isnan()):  # PyTorch's nan run: its sort's order
        assert_close(ours.indices, theirs.indices)


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.bool])
def test_mode_of_integers_and_bools(dtype):
    data = torch.tensor([[1, 1, 0, 0, 3], [2, 0, 2, 0, 0]]).to(dtype)
    ours, theirs = rb.mode(rb.tensor(data.numpy())), torch.mode(data)
    assert_close(ours.values, theirs.values)
    assert_close(ours.indices, theirs.indices)


def test_mode_of_long_rows_picks_an_occurrence_of_pytorchs_value():
    data = numpy.random.default_rng(2).integers(0, 5, (6, 200)).astype(numpy.float32)
    ours, theirs = rb.mode(rb.tensor(data), 1), torch.mode(torch.tensor(data), 1)
    assert_close(ours.values, theirs.values)
    # past 16 entries PyTorch's index is any occurrence (an unstable sort); ours is the last
    numpy.testing.assert_array_equal(data[numpy.arange(6), ours.indices.data], ours.values.data)
    last = [numpy.flatnonzero(row == v)[-1] for row, v in zip(data, ours.values.data)]
    numpy.testing.assert_array_equal(ours.indices.data, last)


def test_mode_edge_shapes_and_errors():
    scalar = rb.mode(rb.tensor(5.0))
    assert scalar.values.item() == 5.0 and scalar.indices.item() == 0 and scalar.indices.dtype == numpy.int64
    empty_rows = rb.mode(rb.zeros(2, 0), 0)
    assert empty_rows.values.shape == (0,) and empty_rows.indices.shape == (0,)
    with pytest.raises(IndexError, match=r"mode\(\): expected a non-empty dimension 1"):
        rb.mode(rb.zeros(2, 0), 1)
    with pytest.raises(IndexError, match="mode"):
        rb.mode(rb.zeros(2, 3), 2)


# ---------------------------------------------------------------- index_copy
@pytest.mark.parametrize("shape,dim,index", [((3, 4), 1, [0, 2]), ((5,), 0, [4, 0, 2]), ((2, 3, 4), -2, [1]),
                                             ((3, 4), 0, [1, 1, 1]), ((2, 3), -1, [])])
def test_index_copy(shape, dim, index):
    source_shape = list(shape)
    source_shape[dim] = len(index)
    rng = numpy.random.default_rng(0)
    inputs = [rng.standard_normal(shape), rng.standard_normal(source_shape)]
    # a repeated index: PyTorch gives every copy of it the gradient, though only the last one
    # lands; the gradients match PyTorch's, finite differences see only the last
    check_op(None, lambda x, s: rb.index_copy(x, dim, rb.tensor(index, dtype=rb.int64), s),
             lambda x, s: torch.index_copy(x, dim, torch.tensor(index, dtype=torch.int64), s), inputs=inputs,
             gradcheck=len(set(index)) == len(index))
    check_op(None, lambda x, s: x.index_copy(dim, rb.tensor(index, dtype=rb.int64), s),
             lambda x, s: x.index_copy(dim, torch.tensor(index, dtype=torch.int64), s), inputs=inputs, gradcheck=False)


def test_index_copy_in_place_and_scalars():
    x = rb.zeros(2, 3)
    assert x.index_copy_(1, rb.tensor([2]), rb.ones(2, 1)) is x
    assert x.tolist() == [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    assert_close(rb.index_copy(rb.tensor(1.0), 0, rb.tensor([0]), rb.tensor(5.0)),
                 torch.index_copy(torch.tensor(1.0), 0, torch.tensor([0]), torch.tensor(5.0)))
    assert_close(rb.index_copy(rb.zeros(2, 3), -1, rb.tensor(1), rb.ones(2, 1)),
                 torch.index_copy(torch.zeros(2, 3), -1, torch.tensor(1), torch.ones(2, 1)))


def test_index_copy_errors():
    with pytest.raises(TypeError, match=r"index_copy\(\): index must be an integer tensor, got float32"):
        rb.index_copy(rb.zeros(3), 0, rb.tensor([0.0]), rb.ones(1))
    with pytest.raises(IndexError, match=r"index_copy\(\): index out of range for dim 0 of size 3"):
        rb.index_copy(rb.zeros(3), 0, rb.tensor([5]), rb.ones(1))
    with pytest.raises(IndexError, match=r"got values in \[-1, -1\]"):
        rb.index_copy(rb.zeros(3), 0, rb.tensor([-1]), rb.ones(1))
    with pytest.raises(ValueError, match=r"source must have shape \[1, 2\] .* got \[2, 2\]"):
        rb.index_copy(rb.zeros(3, 2), 0, rb.tensor([0]), rb.ones(2, 2))
    with pytest.raises(TypeError, match=r"same dtype, got float32 and float64"):
        rb.index_copy(rb.zeros(3), 0, rb.tensor([0]), rb.ones(1, dtype=rb.float64))
    with pytest.raises(ValueError, match=r"index must be 0-d or 1-d, got shape \[1, 1\]"):
        rb.index_copy(rb.zeros(3), 0, rb.tensor([[0]]), rb.ones(1))


# ---------------------------------------------------------------- masked_scatter
@pytest.mark.parametrize("shape,mask", [((2, 3), [[True, False, True], [False, True, True]]),
                                        ((2, 3), [True, False, True]), ((3,), [[True], [False]]),
                                        ((4,), [False, False, False, False])])
def test_masked_scatter(shape, mask):
    rng = numpy.random.default_rng(0)
    inputs = [rng.standard_normal(shape), rng.standard_normal((2, 5))]
    check_op(None, lambda x, s: rb.masked_scatter(x, rb.tensor(mask), s),
             lambda x, s: torch.masked_scatter(x, torch.tensor(mask), s), inputs=inputs)


def test_masked_scatter_method_in_place_and_errors():
    check_op([(2, 3), (7,)], lambda x, s: x.masked_scatter(rb.tensor([False, True, True]), s),
             lambda x, s: x.masked_scatter(torch.tensor([False, True, True]), s))
    x = rb.zeros(2, 3)
    assert x.masked_scatter_(rb.tensor([True, False, True]), rb.arange(6.0)) is x
    assert x.tolist() == [[0.0, 0.0, 1.0], [2.0, 0.0, 3.0]]
    with pytest.raises(RuntimeError, match="masked_scatter_"):  # a mask that would enlarge x
        rb.zeros(3).masked_scatter_(rb.tensor([[True], [False]]), rb.ones(3))
    with pytest.raises(ValueError, match=r"mask selects 3 entries but source has only 2; give a source with at least 3"):
        rb.masked_scatter(rb.zeros(3), rb.tensor([True, True, True]), rb.ones(2))
    with pytest.raises(TypeError, match=r"mask must be a bool tensor, got int64"):
        rb.masked_scatter(rb.zeros(3), rb.tensor([1, 1, 1]), rb.ones(3))
    with pytest.raises(TypeError, match=r"same dtype, got float32 and float64"):
        rb.masked_scatter(rb.zeros(3), rb.tensor([True, True, True]), rb.ones(3, dtype=rb.float64))
    with pytest.raises(ValueError, match=r"input \[3\] and mask \[2\] cannot be broadcast"):
        rb.masked_scatter(rb.zeros(3), rb.tensor([True, True]), rb.ones(3))


# ---------------------------------------------------------------- unravel_index
@pytest.mark.parametrize("indices,shape", [(4, (3, 2)), ([4, 1], (3, 2)), ([[4], [5]], (3, 2)), ([-1, -6, 7], (3, 2)),
                                           ([3], 4), (0, ()), ([0, 23, 17], [2, 3, 4])])
def test_unravel_index(indices, shape):
    ours = rb.unravel_index(rb.tensor(indices), shape)
    theirs = torch.unravel_index(torch.tensor(indices), shape)
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_close(a, b)


def test_unravel_index_dtypes_and_errors():
    ours = rb.unravel_index(rb.tensor([1, 2], dtype=rb.int32), (3, 2))
    assert all(t.dtype == numpy.int64 for t in ours)
    with pytest.raises(TypeError, match=r"unravel_index\(\): indices must be an integer tensor, got float32"):
        rb.unravel_index(rb.tensor([1.0]), (3, 2))
    with pytest.raises(TypeError, match="indices must be an integer tensor, got bool"):
        rb.unravel_index(rb.tensor([True]), (3, 2))
    with pytest.raises(ValueError, match=r"every size of shape must be positive .* got \(3, -2\)"):
        rb.unravel_index(rb.tensor([1]), (3, -2))
    with pytest.raises(ValueError, match="must be positive"):
        rb.unravel_index(rb.tensor([1]), (3, 0))
    with pytest.raises(TypeError, match=r"shape must be an int or a sequence of ints, got \(3.0, 2\)"):
        rb.unravel_index(rb.tensor([1]), (3.0, 2))


# ---------------------------------------------------------------- trapezoid
@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
@pytest.mark.parametrize("dim", [-1, 0, 1])
def test_trapezoid_constant_spacing(name, dim):
    check_op([(3, 4)], lambda y: getattr(rb, name)(y, dim=dim), lambda y: getattr(torch, name)(y, dim=dim))
    check_op([(3, 4)], lambda y: getattr(rb, name)(y, dx=0.5, dim=dim), lambda y: getattr(torch, name)(y, dx=0.5, dim=dim))


@pytest.mark.parametrize("name", ["trapezoid", "cumulative_trapezoid"])
@pytest.mark.parametrize("y_shape,x_shape,dim", [((2, 3), (3,), -1), ((2, 3), (2, 3), -1), ((2, 3), (1, 3), 1),
                                                 ((2, 3), (2,), 0), ((2, 3, 4), (3,), 1), ((2, 3, 4), (3, 1), 1),
                                                 ((4,), (4,), 0)])
def test_trapezoid_sample_points(name, y_shape, x_shape, dim):
    check_op([y_shape, x_shape], lambda y, x: getattr(rb, name)(y, x, dim=dim),
             lambda y, x: getattr(torch, name)(y, x, dim=dim))


def test_trapezoid_dtypes_and_edges():
    ints = numpy.array([1, 2, 4])
    for args in [(), ([0, 1, 3],)]:
        for name in ("trapezoid", "cumulative_trapezoid"):
            ours = getattr(rb, name)(rb.tensor(ints), *(rb.tensor(a) for a in args))
            assert_close(ours, getattr(torch, name)(torch.tensor(ints), *(torch.tensor(a) for a in args)))
    assert_close(rb.trapezoid(rb.tensor(ints), dx=2), torch.trapezoid(torch.tensor(ints), dx=2))
    assert_close(rb.trapezoid(rb.tensor([1.0, 2.0]), dx=rb.tensor(3.0)), torch.trapezoid(torch.tensor([1.0, 2.0]), dx=torch.tensor(3.0)))
    assert_close(rb.trapezoid(rb.tensor([1.0, 2.0]).double(), rb.tensor([0.0, 1.0])),
                 torch.trapezoid(torch.tensor([1.0, 2.0]).double(), torch.tensor([0.0, 1.0])))
    for shape, dim in [((0,), -1), ((2, 0), -1), ((0, 3), 0), ((1,), 0)]:
        assert_close(rb.trapezoid(rb.zeros(shape), dim=dim), torch.trapezoid(torch.zeros(shape), dim=dim))
        assert_close(rb.cumulative_trapezoid(rb.zeros(shape), dim=dim),
                     torch.cumulative_trapezoid(torch.zeros(shape), dim=dim))


def test_trapezoid_errors():
    y = rb.ones(2, 3)
    with pytest.raises(ValueError, match=r"trapezoid\(\): x has 2 sample points but y has 3 along dim 1"):
        rb.trapezoid(y, rb.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"cumulative_trapezoid\(\): x has 2 sample points"):
        rb.cumulative_trapezoid(y, rb.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match=r"give either x .* or dx .*, not both"):
        rb.trapezoid(y, rb.tensor([0.0, 1.0, 2.0]), dx=1)
    with pytest.raises(TypeError, match=r"for a constant spacing pass dx=2.0"):
        rb.trapezoid(y, 2.0)
    with pytest.raises(IndexError, match=r"trapezoid\(\): y is 0-d"):
        rb.trapezoid(rb.tensor(1.0))
    with pytest.raises(IndexError, match="dimension out of range"):
        rb.trapezoid(y, dim=2)
    with pytest.raises(ValueError, match=r"x of shape \[2, 2, 3\] does not broadcast with y of shape \[2, 3\]"):
        rb.trapezoid(y, rb.ones(2, 2, 3))
    with pytest.raises(TypeError, match=r"y is a bool tensor"):
        rb.trapezoid(rb.tensor([True, False]))


# ---------------------------------------------------------------- histogram
DATA = [1.0, 2.0, 1.0, 4.0, 2.5, 0.0, 0.1, 0.3, 3.999]


@pytest.mark.parametrize("bins,kwargs", [(4, {}), (4, {"range": (0.0, 3.0)}), (3, {"range": (0.5, 2.0)}),
                                         ([0.0, 1.0, 2.0, 4.0], {}), ([0.5, 1.0, 1.0, 3.0], {}), (7, {"density": True}),
                                         ([0.0, 1.0, 2.0, 4.0], {"density": True}), (3, {"weight": True}),
                                         (3, {"weight": True, "density": True}), (1, {})])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histogram(bins, kwargs, dtype):
    data = numpy.array(DATA, dtype=dtype).reshape(3, 3)
    weight = numpy.arange(1.0, 10.0, dtype=dtype).reshape(3, 3)

    def call(lib, tensor):
        options = dict(kwargs)
        if options.pop("weight", False):
            options["weight"] = tensor(weight)
        edges = tensor(numpy.array(bins, dtype=dtype)) if isinstance(bins, list) else bins
        return lib.histogram(tensor(data), edges, **options)
    ours, theirs = call(rb, rb.tensor), call(torch, torch.tensor)
    assert_close(ours.hist, theirs.hist)
    assert_close(ours.bin_edges, theirs.bin_edges)
    assert not ours.hist.requires_grad


@pytest.mark.parametrize("values,kwargs", [([1.0, 1.0, 1.0], {}), ([], {}), ([1.0, NAN], {"range": (0.0, 2.0)}),
                                           ([1.0, 2.0, 3.0], {"range": (5.0, 5.0)}), ([0.1, 0.2, 0.3, 0.7, 1.0], {"range": (0.0, 1.0)})])
def test_histogram_edge_cases(values, kwargs):
    ours = rb.histogram(rb.tensor(values, dtype=rb.float32), 3, **kwargs)
    theirs = torch.histogram(torch.tensor(values, dtype=torch.float32), 3, **kwargs)
    assert_close(ours.hist, theirs.hist)
    assert_close(ours.bin_edges, theirs.bin_edges)
    method = rb.tensor([1.0, 2.0]).histogram(2)
    assert method.hist.tolist() == [1.0, 1.0] and method.bin_edges.tolist() == [1.0, 1.5, 2.0]


def test_histogram_errors():
    x = rb.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=r"histogram\(\): expected a floating tensor .* got int64"):
        rb.histogram(rb.tensor([1, 2]), 2)
    with pytest.raises(ValueError, match=r"bins must be a positive int or a 1-d tensor of edges, got 0"):
        rb.histogram(x, 0)
    with pytest.raises(ValueError, match=r"range must have min <= max, got min 3.0 and max 1.0"):
        rb.histogram(x, 2, range=(3.0, 1.0))
    with pytest.raises(ValueError, match=r"the range \[nan, nan\] is not finite"):
        rb.histogram(rb.tensor([1.0, NAN]), 2)
    with pytest.raises(ValueError, match=r"the bin edges must increase"):
        rb.histogram(x, rb.tensor([2.0, 1.0]))
    with pytest.raises(ValueError, match=r"at least 2 edges, got shape \[1\]"):
        rb.histogram(x, rb.tensor([1.0]))
    with pytest.raises(TypeError, match=r"input and bins must have the same dtype, got float32 and float64"):
        rb.histogram(x, rb.tensor([0.0, 1.0], dtype=rb.float64))
    with pytest.raises(ValueError, match=r"weight must have input's shape \[2\] and dtype float32, got \[3\]"):
        rb.histogram(x, 2, weight=rb.ones(3))
    with pytest.raises(TypeError, match=r"range applies to a number of bins only"):
        rb.histogram(x, rb.tensor([0.0, 1.0]), range=(0.0, 1.0))


# ---------------------------------------------------------------- renorm
@pytest.mark.parametrize("p", [2, 1, 3, 0.5, float("inf")])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_renorm(p, dim):
    # maxnorm in the middle of the slices' norms: some are scaled, some kept
    check_op([(3, 4, 2)], lambda x: rb.renorm(x, p, dim, 1.5), lambda x: torch.renorm(x, p, dim, 1.5),
             low=-1.0, high=1.0, gradcheck=p != 0.5)


def test_renorm_method_in_place_zero_rows_and_errors():
    check_op([(4, 3)], lambda x: x.renorm(2, 0, 0.8), lambda x: x.renorm(2, 0, 0.8))
    data = numpy.array([[0.0, 0.0], [3.0, 4.0]])
    check_op(None, lambda x: rb.renorm(x, 2, 0, 1.0), lambda x: torch.renorm(x, 2, 0, 1.0), inputs=[data])
    x = rb.tensor([[3.0, 4.0], [0.3, 0.4]])
    assert x.renorm_(2, 0, 1.0) is x
    numpy.testing.assert_allclose(x.data, [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    with pytest.raises(ValueError, match=r"renorm\(\): input needs at least 2 dims .* got shape \[2\]"):
        rb.renorm(rb.ones(2), 2, 0, 1)
    with pytest.raises(ValueError, match=r"renorm\(\): p must be positive, got 0"):
        rb.renorm(rb.ones(2, 2), 0, 0, 1)
    with pytest.raises(ValueError, match=r"maxnorm must be >= 0, got -1"):
        rb.renorm(rb.ones(2, 2), 2, 0, -1)
    with pytest.raises(TypeError, match=r"renorm\(\): expected a floating tensor, got int64"):
        rb.renorm(rb.ones(2, 2, dtype=rb.int64), 2, 0, 1)


# ---------------------------------------------------------------- chain_matmul
def test_chain_matmul():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op([(3, 4), (4, 5), (5, 2)], rb.chain_matmul, torch.chain_matmul)
        check_op([(3, 4), (4, 2)], rb.chain_matmul, torch.chain_matmul)
        check_op([(3, 4)], rb.chain_matmul, torch.chain_matmul)
        with pytest.raises(ValueError, match=r"chain_matmul\(\): expected one or more matrices"):
            rb.chain_matmul()
        with pytest.raises(ValueError, match=r"tensor 1 has shape \[2, 4, 5\]"):
            rb.chain_matmul(rb.ones(3, 4), rb.ones(2, 4, 5))
        with pytest.raises(ValueError, match=r"tensors 0 and 1 with shapes \[3, 4\] and \[5, 2\] cannot be multiplied"):
            rb.chain_matmul(rb.ones(3, 4), rb.ones(5, 2))
    with pytest.warns(UserWarning, match="linalg.multi_dot"):
        rb.chain_matmul(rb.ones(2, 2), rb.ones(2, 2))


# ---------------------------------------------------------------- kaiser_window
@pytest.mark.parametrize("length", [0, 1, 2, 5, 16])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("beta", [12.0, 3.0, 0.0])
def test_kaiser_window(length, periodic, beta):
    assert_close(rb.kaiser_window(length, periodic, beta), torch.kaiser_window(length, periodic, beta))
    assert_close(rb.kaiser_window(length, periodic, beta, dtype=rb.float64),
                 torch.kaiser_window(length, periodic, beta, dtype=torch.float64))


def test_kaiser_window_errors():
    with pytest.raises(TypeError, match="floating point dtype"):
        rb.kaiser_window(3, dtype=rb.int64)
    with pytest.raises(ValueError, match=r"kaiser_window\(\): window_length must be >= 0, got -1"):
        rb.kaiser_window(-1)


# ---------------------------------------------------------------- clamp_
def test_top_level_clamp_():
    ours, theirs = rb.tensor([1.0, 5.0, -3.0]), torch.tensor([1.0, 5.0, -3.0])
    assert rb.clamp_(ours, 0, 2) is ours
    torch.clamp_(theirs, 0, 2)
    assert_close(ours, theirs)
    ints = rb.tensor([1, 5])
    rb.clamp_(ints, max=3)
    assert_close(ints, torch.clamp_(torch.tensor([1, 5]), max=3))
    clipped = rb.tensor([-2.0, 2.0])
    rb.clip_(clipped, -1, 1)
    assert clipped.tolist() == [-1.0, 1.0]
    with pytest.raises(TypeError, match=r"clamp_\(\): expected a Tensor"):
        rb.clamp_([1.0], 0, 1)


# ---------------------------------------------------------------- asarray, frombuffer
@pytest.mark.parametrize("obj", [[1.0, 2.0], [1, 2], 3.0, True, [[1, 2], [3, 4]], numpy.float64(3.0),
                                 numpy.arange(3), numpy.arange(3.0)])
def test_asarray_values_and_dtypes(obj):
    assert_close(rb.asarray(obj), torch.asarray(obj))
    assert_close(rb.asarray(obj, dtype=rb.float64), torch.asarray(obj, dtype=torch.float64))


def test_asarray_shares_memory_and_copies_as_asked():
    a = numpy.arange(3.0)
    shared, copied = rb.asarray(a), rb.asarray(a, copy=True)
    a[0] = 9
    assert shared.tolist() == [9.0, 1.0, 2.0] and copied.tolist() == [0.0, 1.0, 2.0]
    assert rb.asarray(a, dtype=rb.float32).dtype == numpy.float32
    with pytest.raises(ValueError, match=r"asarray\(\): can't alias a float64 array as float32 without a copy"):
        rb.asarray(a, dtype=rb.float32, copy=False)
    with pytest.raises(ValueError, match=r"can't alias a list without a copy"):
        rb.asarray([1, 2], copy=False)
    buffer = array.array("f", [1.0, 2.0])
    view = rb.asarray(buffer)
    buffer[0] = 5.0
    assert_close(view, torch.asarray(array.array("f", [5.0, 2.0])))
    # PyTorch reads any buffer as float32 by default, whatever its format
    assert_close(rb.asarray(array.array("d", [1.0, 2.0])), torch.asarray(array.array("d", [1.0, 2.0])))


def test_asarray_of_tensors_keeps_the_graph():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    assert rb.asarray(x) is x
    doubled = rb.asarray(x, dtype=rb.float64)
    assert doubled.dtype == numpy.float64 and doubled.requires_grad and doubled.grad_fn is not None
    copy = rb.asarray(x, copy=True)
    assert copy is not x and copy.requires_grad and copy.grad_fn is not None
    (copy * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    detached = rb.asarray(x, requires_grad=False)
    assert not detached.requires_grad and x.requires_grad
    leaf = rb.ones(2)
    assert rb.asarray(leaf, requires_grad=True) is leaf and leaf.requires_grad
    made = rb.asarray([1.0, 2.0], requires_grad=True)
    assert made.requires_grad and made.is_leaf


def test_frombuffer():
    raw = bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00")
    for kwargs in [{}, {"count": 1, "offset": 4}, {"dtype": torch.uint8, "offset": 3},
                   {"dtype": torch.int16, "count": 2, "offset": 2}]:
        kwargs = dict(kwargs)
        dtype = kwargs.pop("dtype", torch.int32)
        ours = rb.frombuffer(raw, dtype=numpy.dtype(str(dtype).removeprefix("torch.")), **kwargs)
        assert_close(ours, torch.frombuffer(raw, dtype=dtype, **kwargs))
    shared = rb.frombuffer(raw, dtype=rb.int32)
    raw[0] = 9
    assert shared.tolist() == [9, 2]
    floats = rb.frombuffer(array.array("f", [1.0, 2.0]), dtype=rb.float32, requires_grad=True)
    assert floats.requires_grad and floats.tolist() == [1.0, 2.0]
    assert rb.frombuffer(b"\x05\x06", dtype=rb.uint8).tolist() == [5, 6]  # read-only bytes: copied


def test_frombuffer_errors():
    raw = bytearray(8)
    with pytest.raises(ValueError, match=r"the buffer's 6 bytes after offset 2 are not a multiple of int32's 4"):
        rb.frombuffer(raw, dtype=rb.int32, offset=2)
    with pytest.raises(ValueError, match=r"both the buffer length \(0\) and count \(-1\) must not be 0"):
        rb.frombuffer(bytearray(), dtype=rb.int32)
    with pytest.raises(ValueError, match=r"3 items of 4 bytes need 12 bytes, but the buffer has 8"):
        rb.frombuffer(raw, dtype=rb.int32, count=3)
    with pytest.raises(ValueError, match=r"offset \(8 bytes\) must be in \[0, 7\]"):
        rb.frombuffer(raw, dtype=rb.int32, offset=8)
    with pytest.raises(TypeError, match=r"expected an object with the buffer protocol .* got list"):
        rb.frombuffer([1, 2], dtype=rb.int32)
