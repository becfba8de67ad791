"""Indexing, gather/scatter and masked ops against PyTorch, with gradients (repeats accumulate)."""
import numpy as np
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op


def _both(array):
    """An index/mask as (rosenblatt, torch) tensors."""
    array = np.asarray(array)
    return rb.tensor(array), torch.tensor(array)


def _check_index(shape, index_rb, index_torch=None, **kw):
    index_torch = index_rb if index_torch is None else index_torch
    check_op([shape], lambda x: x[index_rb], lambda x: x[index_torch], **kw)


# ------------------------------------------------------------- basic indexing
@pytest.mark.parametrize("index", [
    0, -1, (1, 2), (1, -1, 3), slice(None), slice(1, None), slice(None, None, 2),
    (slice(None), slice(0, 3, 2)), (slice(None, None, 3), 1), (Ellipsis, 1), (1, Ellipsis),
    (Ellipsis, slice(1, 3)), None, (None, 1), (slice(None), None, slice(1, 2)),
    (1, None, Ellipsis, None), (slice(-3, -1),), (slice(5, 10),), (0, 0, 0),
], ids=repr)
def test_basic_index(index):
    _check_index((3, 4, 5), index)


def test_index_0d_and_1d():
    _check_index((), None)
    _check_index((), Ellipsis)
    _check_index((5,), 3)
    _check_index((5,), slice(None, None, 2))


def test_index_negative_step_matches_flip():
    check_op([(4, 5)], lambda x: x[::-1, 1::-2], lambda x: x.flip(0)[:, :2].flip(1)[:, ::2])


# ---------------------------------------------------------- integer arrays
@pytest.mark.parametrize("index", [
    [0, 2], [2, 0, 2, 2], [[0, 1], [1, 1]], [-1, 0],
])
def test_integer_array_index(index):
    r, t = _both(index)
    _check_index((3, 4), r, t)
    _check_index((3, 4), (slice(None), r), (slice(None), t))


def test_repeated_indices_accumulate_gradient():
    r, t = _both([1, 1, 1, 0])
    _check_index((3, 2), r, t)
    x = rb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[rb.tensor([2, 2, 0, 2])].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 3.0])


def test_python_list_index():
    check_op([(4, 3)], lambda x: x[[3, 0, 3]])


@pytest.mark.parametrize("make", [
    lambda i, j: (i, j),
    lambda i, j: (slice(None), i, j),
    lambda i, j: (i, slice(None), j),
    lambda i, j: (Ellipsis, i),
    lambda i, j: (1, i),
    lambda i, j: (i, None),
    lambda i, j: (slice(0, 2), i, 0),
], ids=["pair", "slice-pair", "split-pair", "ellipsis", "int-array", "array-none", "slice-array-int"])
def test_mixed_advanced_index(make):
    (ir, it), (jr, jt) = _both([0, 2, 2]), _both([1, 1, 2])
    _check_index((3, 3, 4), make(ir, jr), make(it, jt))


@pytest.mark.parametrize("make", [
    lambda i, m: (1, slice(None), i),
    lambda i, m: (i, slice(None), -1),
    lambda i, m: (Ellipsis, 1, slice(None), i),
    lambda i, m: (None, 1, slice(1, None), i),
    lambda i, m: (1, i, slice(None), i),
    lambda i, m: (0, slice(None), m),
], ids=["int-slice-array", "array-slice-int", "ellipsis", "none", "two-arrays", "int-slice-mask"])
def test_integers_apart_from_arrays_index_first(make):
    # PyTorch indexes with the integers first: x[1, :, [0, 2]] of a (4, 4, 3, 3) tensor is
    # (4, 2, 3); NumPy, taking them together, would put the array's dim first: (2, 4, 3).
    (ir, it), (mr, mt) = _both([0, 2, 2]), _both([True, False, True])
    _check_index((4, 4, 3, 3), make(ir, mr), make(it, mt))

    def set_through(lib, index):
        def f(x, v):
            y = x * 1.0
            y[index] = v * 2.0
            return y * y
        return f
    # The value has PyTorch's layout (a square one, a wrong layout broadcasts silently);
    # no repeated positions, where the last write would win.
    (ir, it) = _both([2, 0, 1])
    check_op([(4, 4, 3, 3), (3,)], set_through(rb, make(ir, mr)), set_through(torch, make(it, mt)))


# ----------------------------------------------------------------- masks
def test_boolean_mask_index():
    rng = np.random.default_rng(0)
    mask = rng.random((3, 4)) > 0.4
    r, t = _both(mask)
    _check_index((3, 4), r, t)
    row_r, row_t = _both([True, False, True])
    _check_index((3, 4), row_r, row_t)
    _check_index((3, 4), (slice(None), _both([False, True, True, False])[0]),
                 (slice(None), _both([False, True, True, False])[1]))


def test_mask_from_comparison():
    check_op([(3, 4)], lambda x: x[x > 0.5] * 2.0)


def test_all_false_mask_gives_empty():
    r, t = _both(np.zeros((2, 3), dtype=bool))
    _check_index((2, 3), r, t, gradcheck=False)


# ----------------------------------------------------------------- gather
@pytest.mark.parametrize("dim, index", [
    (0, [[0, 1, 2, 0], [2, 2, 1, 0]]),
    (1, [[0, 0], [3, 1], [2, 2]]),
    (-1, [[3], [0], [1]]),
    (1, [[1, 1, 1, 1, 1], [0, 3, 0, 3, 0], [2, 2, 2, 2, 2]]),
])
def test_gather(dim, index):
    r, t = _both(index)
    check_op([(3, 4)], lambda x: x.gather(dim, r), lambda x: x.gather(dim, t))
    check_op([(3, 4)], lambda x: rb.gather(x, dim, r), lambda x: torch.gather(x, dim, t))


def test_gather_3d():
    rng = np.random.default_rng(1)
    r, t = _both(rng.integers(0, 4, (2, 3, 5)))
    check_op([(2, 3, 4)], lambda x: x.gather(2, r), lambda x: x.gather(2, t))


# ------------------------------------------------------------- scatter_add
@pytest.mark.parametrize("dim, index, src_shape", [
    (0, [[0, 1, 2, 0], [0, 0, 0, 0]], (2, 4)),
    (1, [[0, 0], [3, 1], [2, 2]], (3, 2)),
    (-1, [[1, 1, 1], [0, 0, 0], [3, 2, 1]], (3, 3)),
])
def test_scatter_add(dim, index, src_shape):
    r, t = _both(index)
    check_op([(3, 4), src_shape], lambda x, s: x.scatter_add(dim, r, s),
             lambda x, s: x.scatter_add(dim, t, s))
    check_op([(3, 4), src_shape], lambda x, s: rb.scatter_add(x, dim, r, s),
             lambda x, s: torch.scatter_add(x, dim, t, s))


def test_scatter_add_with_src_larger_than_index():
    # Only src's leading index.shape block is added.  torch's own backward rejects this case,
    # so the forward is compared with torch and the gradients by central differences.
    r, t = _both([[0, 0], [3, 1]])
    check_op([(3, 4), (3, 3)], lambda x, s: x.scatter_add(1, r, s),
             lambda x, s: x.scatter_add(1, t, s), grad=False)
    g = rb.Generator(0)
    x = rb.randn(3, 4, generator=g, dtype=rb.float64, requires_grad=True)
    s = rb.randn(3, 3, generator=g, dtype=rb.float64, requires_grad=True)
    assert rb.autograd.gradcheck(lambda a, b: a.scatter_add(1, r, b), [x, s])


@pytest.mark.parametrize("src_shape, index", [((1,), [0, 1]), ((2, 1), [[0, 1]]), ((3,), [[0]])])
def test_scatter_add_with_src_smaller_than_index_is_an_error(src_shape, index):
    # PyTorch refuses; NumPy would broadcast src and add its entries several times.
    x = np.zeros((3,) if len(src_shape) == 1 else (3, 3))
    r, t = _both(index)
    with pytest.raises(RuntimeError):
        torch.tensor(x).scatter_add(0, t, torch.ones(src_shape, dtype=torch.float64))
    with pytest.raises(ValueError, match="scatter_add"):
        rb.tensor(x).scatter_add(0, r, rb.ones(src_shape, dtype=rb.float64))


# ------------------------------------------------------------ index_select
@pytest.mark.parametrize("dim, index", [(0, [2, 0]), (1, [3, 3, 0, 1]), (-1, [1]), (0, [1, 1, 1])])
def test_index_select(dim, index):
    r, t = _both(index)
    check_op([(3, 4)], lambda x: x.index_select(dim, r), lambda x: x.index_select(dim, t))
    check_op([(3, 4)], lambda x: rb.index_select(x, dim, r), lambda x: torch.index_select(x, dim, t))


def test_index_select_0d_index():
    r, t = _both(2)
    check_op([(3, 4)], lambda x: x.index_select(1, r), lambda x: x.index_select(1, t))


# ------------------------------------------------------------- masked_fill
@pytest.mark.parametrize("mask_shape", [(3, 4), (1, 4), (3, 1), (4,)])
@pytest.mark.parametrize("value", [0.0, -1e4, 2.5])
def test_masked_fill(mask_shape, value):
    rng = np.random.default_rng(2)
    r, t = _both(rng.random(mask_shape) > 0.5)
    check_op([(3, 4)], lambda x: x.masked_fill(r, value), lambda x: x.masked_fill(t, value))
    check_op([(3, 4)], lambda x: rb.masked_fill(x, r, value), lambda x: torch.masked_fill(x, t, value))


def test_masked_fill_with_huge_value():
    # -1e9 (attention masks) would swamp the float64 central differences, so no gradcheck.
    r, t = _both([[True, False], [False, True]])
    check_op([(2, 2)], lambda x: x.masked_fill(r, -1e9), lambda x: x.masked_fill(t, -1e9),
             gradcheck=False)


def test_masked_fill_with_0d_tensor_value():
    r, t = _both([[True, False], [False, True]])
    check_op([(2, 2), ()], lambda x, v: x.masked_fill(r, v), lambda x, v: x.masked_fill(t, v))


def test_masked_fill_keeps_dtype():
    mask = rb.tensor([True, False])
    assert rb.zeros(2).masked_fill(mask, 1.0).dtype == rb.float32
    assert rb.zeros(2, dtype=rb.float64).masked_fill(mask, 1.0).dtype == rb.float64
    assert rb.zeros(2, dtype=rb.int64).masked_fill(mask, 3).dtype == rb.int64


def test_masked_fill_casts_the_value_to_the_input_dtype():
    # A float into an int64 tensor is truncated, a float64 0-d tensor into float32 gives float32
    # (and still gets its gradient), as in PyTorch.
    r, t = _both([True, False, True])
    check_op(None, lambda x: x.masked_fill(r, 1.5), lambda x: x.masked_fill(t, 1.5), inputs=[np.array([1, 2, 3])])
    value = np.array(2.5)
    for dtype in ["float32", "float64"]:
        x = np.arange(3.0).astype(dtype)
        check_op(None, lambda v: rb.tensor(x).masked_fill(r, v), lambda v: torch.tensor(x).masked_fill(t, v),
                 inputs=[value], gradcheck=dtype == "float64")  # float32 results swamp the differences


# ---------------------------------------------------------------- setitem
SET_CASES = [
    (1, (4,)),
    ((slice(None), 2), (3,)),
    ((slice(0, 2), slice(1, 3)), (2, 2)),
    ((Ellipsis, 0), (1,)),
    ("int-array", (2, 4)),
    ("mask", ()),
]


def _set_index(kind, lib):
    if kind == "int-array":
        return lib.tensor([2, 0])
    if kind == "mask":
        return lib.tensor([[True, False, False, True], [False, False, True, False],
                           [True, True, False, False]])
    return kind


@pytest.mark.parametrize("kind, value_shape", SET_CASES, ids=lambda c: repr(c))
def test_setitem_in_graph_grads_to_target_and_value(kind, value_shape):
    def fn(lib):
        def f(x, v):
            y = x * 1.0
            y[_set_index(kind, lib)] = v * 2.0
            return y * y
        return f

    check_op([(3, 4), value_shape], fn(rb), fn(torch))


@pytest.mark.parametrize("kind, value_shape", SET_CASES, ids=lambda c: repr(c))
def test_setitem_under_no_grad_matches_torch(kind, value_shape):
    rng = np.random.default_rng(3)
    base, value = rng.standard_normal((3, 4)), rng.standard_normal(value_shape)
    x, xt = rb.tensor(base), torch.tensor(base)
    array = x.numpy()
    with rb.no_grad():
        x[_set_index(kind, rb)] = rb.tensor(value)
    xt[_set_index(kind, torch)] = torch.tensor(value)
    np.testing.assert_array_equal(x.numpy(), xt.numpy())
    assert x.numpy() is array          # written into the same memory
    assert x.dtype == rb.float64


def test_setitem_of_number_and_list():
    x, xt = rb.zeros(2, 3), torch.zeros(2, 3)
    x[0] = 1.5
    xt[0] = 1.5
    x[1, :] = [1.0, 2.0, 3.0]
    xt[1, :] = torch.tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.numpy(), xt.numpy())
    assert x.dtype == rb.float32


def test_setitem_into_leaf_requiring_grad_raises():
    w = rb.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        w[0] = 1.0
    with rb.no_grad():
        w[0] = 1.0
    np.testing.assert_array_equal(w.detach().numpy(), [1.0, 0.0, 0.0])


# ----------------------------------------------------------- misc semantics
def test_basic_index_is_a_view_outside_the_graph():
    x = rb.zeros(3, 4)
    row = x[1]
    x.add_(1.0)                        # in-place writes into the shared memory
    np.testing.assert_array_equal(row.numpy(), [1.0] * 4)


def test_index_keeps_dtype():
    assert rb.arange(6).reshape(2, 3)[:, [0, 2]].dtype == rb.int64
    assert rb.zeros(2, 3)[rb.tensor([True, False])].dtype == rb.float32


def test_gather_same_position_twice_accumulates():
    x = rb.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    x.gather(1, rb.tensor([[2, 2, 2, 0]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 3.0]])


@pytest.mark.parametrize("op", [lambda x, i: x.gather(1, i[None]), lambda x, i: x.index_select(1, i),
                                lambda x, i: x.scatter_add(1, i[None], x[:1, :1] * 1)],
                         ids=["gather", "index_select", "scatter_add"])
def test_negative_indices_are_out_of_range_as_torch(op):
    x, index = np.zeros((3, 4)), np.array([-1])
    with pytest.raises(RuntimeError):
        op(torch.tensor(x), torch.tensor(index))
    with pytest.raises(IndexError, match=r"the indices must be in \[0, 3\], got values in \[-1, -1\]"):
        op(rb.tensor(x), rb.tensor(index))
    with pytest.raises(IndexError, match=r"must be in \[0, 0\]"):
        rb.tensor(1.0).gather(0, rb.tensor(-1))


def test_gather_scatter_index_select_of_a_0d_tensor():
    # A 0-d input is one element, at index 0; the result is 0-d, as in PyTorch.
    r, t = _both(0)
    check_op([()], lambda x: x.gather(0, r), lambda x: x.gather(0, t))
    check_op([(), ()], lambda x, s: x.scatter_add(0, r, s), lambda x, s: x.scatter_add(0, t, s))
    check_op([()], lambda x: x.index_select(0, r), lambda x: x.index_select(0, t))
    check_op([()], lambda x: x.index_select(-1, r.reshape(1)), lambda x: x.index_select(-1, t.reshape(1)))


def test_one_element_is_a_view_like_torch():
    # NumPy copies x[1] out of a 1-d array; writing it left x unchanged (PyTorch writes x).
    results = []
    for lib in (torch, rb):
        x = lib.tensor([1.0, 2.0, 3.0])
        x[1].mul_(5.0)
        x[2, ...].add_(1.0)
        results.append(x.tolist())
    assert results[0] == results[1] == [1.0, 10.0, 4.0]


def test_index_errors_name_the_indexing_and_the_shapes():
    # NumPy's messages named neither; a value that doesn't fit read "indexput: shapes [3, 4] and
    # [3] cannot be broadcast together" (the whole tensor's shape, not the indexed part's).
    x = rb.zeros(3, 4)
    with pytest.raises(IndexError):
        torch.zeros(3, 4)[3]
    with pytest.raises(IndexError, match=r"x\[index\], x of shape \[3, 4\]: index 3 is out of bounds"):
        x[3]
    with pytest.raises(IndexError, match=r"x\[index\] = value, x of shape \[3, 4\]: index 5 is out of bounds"):
        x[[0, 5]] = 1.0
    with pytest.raises(RuntimeError):
        torch.zeros(3, 4)[0:2] = torch.ones(3)
    for target in (x, rb.zeros(3, 4, requires_grad=True) * 1):
        with pytest.raises(ValueError, match=r"a value of shape \[3\] does not fit x\[index\] of shape \[2, 4\]"):
            target[0:2] = rb.ones(3)


def test_empty_list_index_selects_nothing_as_torch():
    # NumPy reads [] as a float array and refuses it as an index.
    check_op([(2, 3)], lambda x: x[[]])
    check_op([(2, 3)], lambda x: x[:, []])
    r, t = rb.ones(2, 3), torch.ones(2, 3)
    r[[]] = 5.0
    t[[]] = 5.0
    assert r.tolist() == t.tolist()


def _set_first(t, value):
    t[0] = value
    return t


@pytest.mark.parametrize("op", [lambda m, x: x.masked_fill(m.tensor([True, False]), -1),
                                lambda m, x: x.masked_fill_(m.tensor([True, False]), -255),
                                lambda m, x: _set_first(x, -1), lambda m, x: _set_first(x, 300),
                                lambda m, x: x.masked_fill(m.tensor([True, False]), 300)])
def test_numbers_outside_uint8_fill_or_raise_as_torch(op):
    # PyTorch wraps ints from -255 on into uint8 (-1 is 255) and raises a RuntimeError past the
    # range; NumPy raised OverflowError for both.
    try:
        expected = op(torch, torch.tensor([1, 2], dtype=torch.uint8))
    except RuntimeError:
        with pytest.raises(RuntimeError, match="the number 300 cannot be converted to uint8"):
            op(rb, rb.tensor([1, 2], dtype=rb.uint8))
        return
    assert op(rb, rb.tensor([1, 2], dtype=rb.uint8)).tolist() == expected.tolist()


def test_nonzero_and_one_argument_where_match_torch():
    a = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    for data in [a, a > 0, np.array(0.0), np.array(3), np.zeros((2, 0))]:
        r, t = rb.tensor(data), torch.tensor(data)
        assert rb.nonzero(r).tolist() == torch.nonzero(t).tolist() and r.nonzero().dtype == rb.int64
        assert [i.tolist() for i in rb.nonzero(r, as_tuple=True)] == [i.tolist() for i in torch.nonzero(t, as_tuple=True)]
        assert [i.tolist() for i in rb.where(r)] == [i.tolist() for i in torch.where(t)]


@pytest.mark.parametrize("mask_shape", [(2, 3), (3,), (2, 1)])
def test_masked_select_matches_torch(mask_shape):
    mask = np.random.default_rng(0).random(mask_shape) > 0.4
    check_op([(2, 3)], lambda x: x.masked_select(rb.tensor(mask) if isinstance(x, rb.Tensor) else torch.tensor(mask)))
    with pytest.raises(TypeError, match="bool"):
        rb.masked_select(rb.zeros(2, 3), rb.ones(2, 3))


def _lib(x):
    return torch if isinstance(x, torch.Tensor) else rb


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_scatter_matches_torch_forward_and_backward(dim):
    # distinct targets along dim for every other position, so each written entry has one source
    # (with repeats PyTorch leaves the winner unspecified)
    index = np.argsort(np.random.default_rng(0).random((4, 3)), axis=0)[:2] if dim == 0 else \
        np.argsort(np.random.default_rng(0).random((3, 4)), axis=1)[:, :2]
    # src of index's shape: PyTorch's backward refuses a larger one (rosenblatt takes it, as forward does)
    check_op([(4, 4), index.shape], lambda x, src: _lib(x).scatter(x, dim, _lib(x).tensor(index), src))
    check_op([(4, 4)], lambda x: x.scatter(dim, _lib(x).tensor(index), value=2.5))


def test_scatter_and_index_fill_in_place_as_torch():
    for lib in (torch, rb):
        x = lib.zeros(2, 3)
        x.scatter_(1, lib.tensor([[2], [0]]), 1.0)
        x.index_fill_(0, lib.tensor([1]), -1.0)
        if lib is torch:
            expected = x.tolist()
    assert x.tolist() == expected == [[0.0, 0.0, 1.0], [-1.0, -1.0, -1.0]]


@pytest.mark.parametrize("dim, index, alpha", [(0, [0, 2, 0], 1), (1, [3, 1], 2.5), (-1, [0, 0, 0, 1], 1)])
def test_index_add_matches_torch_forward_and_backward(dim, index, alpha):
    source_shape = (len(index), 4) if dim == 0 else (3, len(index))
    check_op([(3, 4), source_shape], lambda x, s: _lib(x).index_add(x, dim, _lib(x).tensor(index), s, alpha=alpha))
    for lib in (torch, rb):
        out = lib.zeros(3, 4).index_add_(dim, lib.tensor(index), lib.ones(*source_shape), alpha=alpha)
        if lib is torch:
            expected = out.tolist()
    assert out.tolist() == expected


@pytest.mark.parametrize("dim", [0, 1])
def test_index_fill_matches_torch(dim):
    check_op([(3, 4)], lambda x: x.index_fill(dim, _lib(x).tensor([0, 2]), -3.0))


def test_scatter_index_add_bad_arguments_raise():
    with pytest.raises(ValueError, match="exactly one of src"):
        rb.scatter(rb.zeros(3), 0, rb.tensor([0]))
    with pytest.raises(ValueError, match="reduce"):
        rb.scatter(rb.zeros(3), 0, rb.tensor([0]), rb.ones(1), reduce="add")
    with pytest.raises(IndexError, match="index out of range"):
        rb.scatter(rb.zeros(3), 0, rb.tensor([3]), value=1.0)
    with pytest.raises(ValueError, match=r"index_add\(\): source must have shape \[2, 4\]"):
        rb.index_add(rb.zeros(3, 4), 0, rb.tensor([0, 1]), rb.ones(3, 4))


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce(reduce, include_self):
    # repeated positions and a position no entry reaches
    index = np.array([[0, 2, 0, 3], [1, 1, 1, 0], [3, 3, 0, 2]])
    def ours(x, s):
        return rb.scatter_reduce(x, 1, rb.tensor(index), s, reduce, include_self=include_self)
    def theirs(x, s):
        return torch.scatter_reduce(x, 1, torch.tensor(index), s, reduce, include_self=include_self)
    check_op([(3, 5), (3, 4)], ours, theirs, gradcheck=reduce not in ("amax", "amin"))
    # PyTorch's backward refuses a src larger than the index: the forward only
    check_op([(3, 5), (3, 6)], lambda x, s: x.scatter_reduce(1, rb.tensor(index), s, reduce, include_self=include_self),
             lambda x, s: x.scatter_reduce(1, torch.tensor(index), s, reduce, include_self=include_self), grad=False)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["prod", "amax", "amin"])
def test_scatter_reduce_gradients_with_zeros_and_ties(reduce, include_self):
    # prod: one zero or two among a position's entries; amax/amin: entries equal to the result share
    x = np.array([0.0, 2.0, 3.0, 0.0, 5.0])
    src = np.array([4.0, 0.0, 2.0, 3.0, 0.0, 5.0])
    index = np.array([0, 0, 1, 2, 3, 4])
    check_op(None, lambda a, b: rb.scatter_reduce(a, 0, rb.tensor(index), b, reduce, include_self=include_self),
             lambda a, b: torch.scatter_reduce(a, 0, torch.tensor(index), b, reduce, include_self=include_self),
             inputs=[x, src], gradcheck=False)


def test_scatter_reduce_integers_and_errors_like_pytorch():
    x, index, src = [5, -5, 7, 2], [0, 0, 1, 3, 3], [1, 4, 0, -3, 8]
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            assert_close(rb.scatter_reduce(rb.tensor(x), 0, rb.tensor(index), rb.tensor(src), reduce,
                                           include_self=include_self),
                         torch.scatter_reduce(torch.tensor(x), 0, torch.tensor(index), torch.tensor(src), reduce,
                                              include_self=include_self))
    with pytest.raises(ValueError, match=r"scatter_reduce\(\): reduce must be one of .* got 'max'"):
        rb.scatter_reduce(rb.tensor([1.0]), 0, rb.tensor([0]), rb.tensor([1.0]), "max")
    with pytest.raises(ValueError, match=r"scatter_reduce\(\): index shape \[3\] must be no larger than src shape \[2\]"):
        rb.scatter_reduce(rb.zeros(4), 0, rb.tensor([0, 1, 2]), rb.ones(2), "sum")


def test_scatter_reduce_reports_an_in_place_change_to_what_it_saved():
    x, src = rb.tensor([1.0, 2.0], requires_grad=True), rb.tensor([3.0, 4.0], requires_grad=True)
    out = rb.scatter_reduce(x * 1, 0, rb.tensor([0, 0]), src, "prod")
    with rb.no_grad():
        src.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.sum().backward()


def test_isin_argwhere_and_triangle_indices():
    a, b = [[1, 2, 3], [4, 2, 6]], [2, 6, 9]
    for invert in (False, True):
        assert_close(rb.isin(rb.tensor(a), rb.tensor(b), invert=invert), torch.isin(torch.tensor(a), torch.tensor(b), invert=invert))
    assert_close(rb.isin(rb.tensor([1.0, 2.0]), 2.0), torch.isin(torch.tensor([1.0, 2.0]), 2.0))
    m = [[0.0, 1.5], [2.0, 0.0]]
    assert_close(rb.argwhere(rb.tensor(m)), torch.argwhere(torch.tensor(m)))
    assert_close(rb.tensor(m).argwhere(), torch.tensor(m).argwhere())
    for args in ((3, 4), (3, 4, 1), (4, 3, -1), (2, 2, 5)):
        assert_close(rb.triu_indices(*args), torch.triu_indices(*args))
        assert_close(rb.tril_indices(*args), torch.tril_indices(*args))
