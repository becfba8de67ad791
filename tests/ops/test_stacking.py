"""Stacking, splitting and selecting ops against PyTorch: forward in float32 and float64,
gradients and gradcheck in float64, and errors raised where PyTorch raises."""
import numpy as np
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op

lib = rb

#: what PyTorch raises for the inputs rosenblatt refuses (RuntimeError for most shape errors)
TORCH_ERRORS = (RuntimeError, IndexError, ValueError, TypeError)


def both(f):
    """``f(lib, *tensors)`` as the (rosenblatt, torch) pair ``check_op`` takes: the ops have the
    same names and arguments in rosenblatt and ``torch``."""
    return (lambda *xs: f(lib, *xs)), (lambda *xs: f(torch, *xs))


def raises_like_torch(f, error, match):
    """``f(rosenblatt)`` raises ``error`` matching ``match``, and ``f(torch)`` raises too."""
    with pytest.raises(error, match=match):
        f(lib)
    with pytest.raises(TORCH_ERRORS):
        f(torch)


# ----------------------------------------------------------------- atleast
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (2, 1, 3, 2)])
@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast_one_tensor(name, shape):
    check_op([shape], *both(lambda m, x: getattr(m, name)(x)))
    assert isinstance(getattr(rb, name)(rb.zeros(shape)), rb.Tensor)  # one tensor in, one out


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast_several_tensors(name):
    shapes = [(), (3,), (2, 3), (2, 3, 4)]
    check_op(shapes, *both(lambda m, *xs: getattr(m, name)(*xs)))
    check_op(shapes, *both(lambda m, *xs: getattr(m, name)(list(xs))))
    check_op([(3,)], *both(lambda m, x: getattr(m, name)((x,))))  # a list of one: a tuple of one
    assert getattr(rb, name)() == ()


def test_atleast_keeps_tensors_with_enough_dims():
    x = rb.zeros(2, 3)
    assert rb.atleast_1d(x) is x and rb.atleast_2d(x) is x
    assert rb.atleast_3d(x).shape == (2, 3, 1)


# ---------------------------------------------------------------- stacking
@pytest.mark.parametrize("shapes", [[()], [(), ()], [(), (3,)], [(2,), (3,)], [(2, 3), (2, 1)],
                                    [(2, 3, 4), (2, 1, 4), (2, 2, 4)], [(0,), (3,)], [(2, 0), (2, 3)]])
def test_hstack(shapes):
    check_op(shapes, *both(lambda m, *xs: m.hstack(xs)))


@pytest.mark.parametrize("shapes", [[()], [(), ()], [(3,), (3,)], [(3,), (2, 3)], [(2, 3, 4), (1, 3, 4)]])
def test_vstack(shapes):
    check_op(shapes, *both(lambda m, *xs: m.vstack(list(xs))))


@pytest.mark.parametrize("shapes", [[(), ()], [(3,), (3,)], [(2, 3), (2, 3)], [(2, 3, 1), (2, 3)],
                                    [(2, 3, 4, 5), (2, 3, 1, 5)]])
def test_dstack(shapes):
    check_op(shapes, *both(lambda m, *xs: m.dstack(xs)))


@pytest.mark.parametrize("shapes", [[(), ()], [(3,), (3,)], [(3,), (3, 2), (3,)], [(3, 2, 2), (3, 1, 2)],
                                    [(0,), (0, 2)]])
def test_column_stack(shapes):
    check_op(shapes, *both(lambda m, *xs: m.column_stack(xs)))


def test_stacking_keeps_and_promotes_dtypes():
    ints, floats = [[1, 2], [3, 4]], [[0.5, 1.5], [2.5, 3.5]]
    for name in ("hstack", "vstack", "dstack", "column_stack"):
        for a, b in ((ints, ints), (ints, floats)):
            got = getattr(rb, name)([rb.tensor(a), rb.tensor(b)])
            assert_close(got, getattr(torch, name)([torch.tensor(a), torch.tensor(b)]), what=name)


def test_stacking_errors():
    raises_like_torch(lambda m: m.hstack([m.zeros(2, 3), m.zeros(3, 3)]), ValueError,
                      r"hstack\(\): tensors must match in all dims except dim 1; tensor 0 has shape "
                      r"\[2, 3\] but tensor 1 has shape \[3, 3\]")
    raises_like_torch(lambda m: m.hstack([m.zeros(3), m.zeros(2, 3)]), ValueError,
                      r"hstack\(\): .*except dim 0")
    raises_like_torch(lambda m: m.vstack([m.zeros(3), m.zeros(2)]), ValueError,
                      r"vstack\(\): .*tensor 0 has shape \[1, 3\] but tensor 1 has shape \[1, 2\]")
    raises_like_torch(lambda m: m.dstack([m.zeros(2, 3), m.zeros(3, 3)]), ValueError, r"dstack\(\)")
    raises_like_torch(lambda m: m.column_stack([m.zeros(3), m.zeros(2)]), ValueError, r"column_stack\(\)")
    raises_like_torch(lambda m: m.hstack([]), ValueError, r"hstack\(\): expected a non-empty list")
    raises_like_torch(lambda m: m.vstack(m.zeros(3)), TypeError, r"vstack\(\): .*wrap it in a list")
    raises_like_torch(lambda m: m.atleast_1d("abc"), TypeError, "atleast_1d: expected a Tensor")


@pytest.mark.parametrize("shape, dims", [((2, 3), (2,)), ((2, 3), (2, 2)), ((2, 3), (2, 1, 3)), ((), ()),
                                         ((), (3,)), ((3,), (0,)), ((2, 3), (1,)), ((2, 1, 3), (2, 3))])
def test_tile(shape, dims):
    check_op([shape], *both(lambda m, x: m.tile(x, dims)))


def test_tile_varargs_as_the_method():
    check_op([(2, 3)], lambda x: rb.tile(x, 2, 2), lambda x: x.tile(2, 2))
    check_op([(2, 3)], lambda x: rb.tile(x, 3), lambda x: x.tile(3))


def test_tile_errors():
    raises_like_torch(lambda m: m.tile(m.zeros(2, 3), (2, -1)), ValueError,
                      r"tile\(\): repeats must be non-negative, got dims=\[2, -1\]")
    with pytest.raises(TypeError, match="tile"):
        rb.tile(rb.zeros(2))


# ------------------------------------------------------------ broadcasting
@pytest.mark.parametrize("shapes", [[(2, 1), (3,), ()], [(1, 3, 1), (2, 1, 4)], [(0, 1), (3,)], [(3,)],
                                    [(2, 3), (2, 3)]])
def test_broadcast_tensors(shapes):
    check_op(shapes, *both(lambda m, *xs: m.broadcast_tensors(*xs)))


@pytest.mark.parametrize("shapes", [((2, 1), (3,)), (2, (3, 1)), (), ((),), ((0,), (1,)), ([2, 1], [1, 4]),
                                    ((5, 1, 3), (4, 1), 1), ((1,), (1, 1, 1))])
def test_broadcast_shapes(shapes):
    got = rb.broadcast_shapes(*shapes)
    assert got == tuple(torch.broadcast_shapes(*shapes))
    assert type(got) is tuple and all(type(n) is int for n in got)


def test_broadcast_errors():
    raises_like_torch(lambda m: m.broadcast_shapes((2,), (3,)), ValueError,
                      r"broadcast_shapes\(\): shapes \[\[2\], \[3\]\] cannot be broadcast together: "
                      r"shape 1 has size 3 at dim -1 where an earlier one has 2")
    raises_like_torch(lambda m: m.broadcast_shapes((0,), (3,)), ValueError, "cannot be broadcast")
    raises_like_torch(lambda m: m.broadcast_shapes((-1,), (3,)), ValueError, "must be non-negative")
    raises_like_torch(lambda m: m.broadcast_shapes((2.0,)), TypeError, "must be an int, got float")
    raises_like_torch(lambda m: m.broadcast_tensors(m.zeros(3), m.zeros(2, 2)), ValueError,
                      r"broadcast_tensors\(\): shapes \[\[3\], \[2, 2\]\] cannot be broadcast together: "
                      r"tensor 1 has size 2 at dim -1")
    raises_like_torch(lambda m: m.broadcast_tensors([m.zeros(3), m.zeros(3)]), TypeError,
                      r"unpack it: broadcast_tensors\(\*tensors\)")


# ---------------------------------------------------------------- splitting
@pytest.mark.parametrize("shape, split, dim", [
    ((7,), 3, 0), ((6,), 3, 0), ((5,), 7, 0), ((2, 7), 3, 1), ((2, 7), 3, -1), ((6, 4), [1, 4], 0),
    ((5,), [-2], 0), ((5,), [3, 1, 7], 0), ((5,), [-9, 2], 0), ((5,), [], 0), ((3, 5, 2), (2,), -2),
    ((0,), 2, 0), ((4, 3), 1, 1)])
def test_tensor_split(shape, split, dim):
    check_op([shape], *both(lambda m, x: m.tensor_split(x, split, dim)))


def test_tensor_split_takes_tensors_and_numpy_ints():
    check_op([(2, 7)], *both(lambda m, x: m.tensor_split(x, m.tensor(3), 1)))
    check_op([(2, 7)], *both(lambda m, x: m.tensor_split(x, m.tensor([1, 5]), -1)))
    check_op([(7,)], lambda x: rb.tensor_split(x, np.int64(2)), lambda x: torch.tensor_split(x, 2))


def test_tensor_split_pieces_are_uneven_as_numpy():
    pieces = rb.tensor_split(rb.arange(10), 4)
    assert [p.tolist() for p in pieces] == [a.tolist() for a in np.array_split(np.arange(10), 4)]


@pytest.mark.parametrize("name, shape, split", [
    ("hsplit", (4,), 2), ("hsplit", (2, 4), 2), ("hsplit", (2, 4), [1]), ("hsplit", (2, 4, 3), [1, 3]),
    ("vsplit", (4, 2), 2), ("vsplit", (4, 2), [1]), ("vsplit", (4, 2, 3), [5]),
    ("dsplit", (1, 2, 6), 3), ("dsplit", (1, 2, 6), [2, 5]), ("dsplit", (2, 1, 4, 2), 2)])
def test_hsplit_vsplit_dsplit(name, shape, split):
    check_op([shape], *both(lambda m, x: getattr(m, name)(x, split)))


def test_split_errors():
    raises_like_torch(lambda m: m.tensor_split(m.arange(5), 0), ValueError,
                      r"tensor_split\(\): the number of sections must be positive, got 0")
    raises_like_torch(lambda m: m.tensor_split(m.tensor(1.0), 2), ValueError,
                      r"tensor_split\(\): expected a tensor with at least 1 dim, got a 0-d tensor")
    raises_like_torch(lambda m: m.tensor_split(m.zeros(2, 3), 2, 2), IndexError,
                      r"tensor_split: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)")
    raises_like_torch(lambda m: m.tensor_split(m.zeros(4), m.tensor([[1]])), ValueError,
                      r"must be 0-d \(sections\) or 1-d \(indices\), got shape \[1, 1\]")
    raises_like_torch(lambda m: m.tensor_split(m.zeros(4), m.tensor([1.0])), TypeError, "must be int64")
    raises_like_torch(lambda m: m.tensor_split(m.zeros(4), 2.0), TypeError, "must be an int, got float")
    raises_like_torch(lambda m: m.hsplit(m.zeros(2, 3), 2), ValueError,
                      r"hsplit\(\): dim 1 of size 3 cannot be split into 2 equal sections")
    raises_like_torch(lambda m: m.hsplit(m.zeros(4), 0), ValueError, r"hsplit\(\): dim 0 of size 4")
    raises_like_torch(lambda m: m.hsplit(m.tensor(1.0), [1]), ValueError,
                      r"hsplit\(\): expected a tensor with at least 1 dim, got shape \[\]")
    raises_like_torch(lambda m: m.vsplit(m.zeros(4), 2), ValueError,
                      r"vsplit\(\): expected a tensor with at least 2 dims, got shape \[4\]")
    raises_like_torch(lambda m: m.dsplit(m.zeros(2, 4), 2), ValueError,
                      r"dsplit\(\): expected a tensor with at least 3 dims, got shape \[2, 4\]")


# -------------------------------------------------------------- rearranging
@pytest.mark.parametrize("source, destination", [(0, -1), (-1, 0), ((0, 1), (2, 0)), (1, 1)])
def test_moveaxis(source, destination):
    check_op([(2, 3, 4)], *both(lambda m, x: m.moveaxis(x, source, destination)))


def test_moveaxis_errors():
    raises_like_torch(lambda m: m.moveaxis(m.zeros(2, 3), 0, 2), IndexError, "dimension out of range")


@pytest.mark.parametrize("shape", [(), (3,), (2, 3, 4), (0, 3)])
def test_ravel(shape):
    check_op([shape], *both(lambda m, x: m.ravel(x)))


def test_ravel_of_a_transposed_tensor_reads_in_its_own_order():
    check_op([(2, 3)], *both(lambda m, x: m.ravel(x.transpose(0, 1))))


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 3, 4)])
def test_flipud(shape):
    check_op([shape], *both(lambda m, x: m.flipud(x)))


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4)])
def test_fliplr(shape):
    check_op([shape], *both(lambda m, x: m.fliplr(x)))


def test_flip_errors():
    raises_like_torch(lambda m: m.flipud(m.tensor(1.0)), ValueError,
                      r"flipud\(\): expected a tensor with at least 1 dim, got a 0-d tensor")
    raises_like_torch(lambda m: m.fliplr(m.zeros(3)), ValueError,
                      r"fliplr\(\): expected a tensor with at least 2 dims, got shape \[3\]")


# ---------------------------------------------------------------- selecting
@pytest.mark.parametrize("shape, dim, index", [((2, 3, 4), 0, 0), ((2, 3, 4), 1, -1), ((2, 3, 4), -1, 2),
                                               ((2, 3, 4), 2, -4), ((3,), 0, 1), ((3,), -1, -3)])
def test_select(shape, dim, index):
    check_op([shape], *both(lambda m, x: m.select(x, dim, index)))


def test_select_errors():
    raises_like_torch(lambda m: m.select(m.zeros(2, 3), 1, 3), IndexError,
                      r"select\(\): index 3 out of range for dim 1 of size 3 \(shape \[2, 3\]\); "
                      r"it must be in \[-3, 2\]")
    raises_like_torch(lambda m: m.select(m.zeros(2, 3), 0, -3), IndexError, r"select\(\): index -3")
    raises_like_torch(lambda m: m.select(m.zeros(2, 3), 2, 0), IndexError, "select: dimension out of range")
    raises_like_torch(lambda m: m.select(m.tensor(1.0), 0, 0), IndexError, r"select\(\): cannot be applied to a 0-d")


@pytest.mark.parametrize("offset", [0, 1, -1, 2, 3, 4, 5, -2, -3, -5])
def test_diagonal_offsets(offset):
    check_op([(3, 4)], *both(lambda m, x: m.diagonal(x, offset)))


@pytest.mark.parametrize("shape, offset, dim1, dim2", [
    ((2, 3, 4), 0, 0, 2), ((2, 3, 4), 1, -1, -3), ((2, 3, 4), -1, 2, 1), ((4, 4), 1, 1, 0),
    ((2, 3, 4, 5), 2, 1, 3), ((2, 3, 4), 9, 1, 2), ((0, 3), 0, 0, 1)])
def test_diagonal_dims(shape, offset, dim1, dim2):
    check_op([shape], *both(lambda m, x: m.diagonal(x, offset, dim1, dim2)))
    check_op([shape], *both(lambda m, x: m.diagonal(x, offset=offset, dim1=dim1, dim2=dim2)))


def test_diagonal_beyond_the_matrix_is_empty():
    assert rb.diagonal(rb.zeros(3, 4), 5).shape == (0,)
    assert rb.diagonal(rb.zeros(2, 3, 4), -3, 1, 2).shape == (2, 0)


@pytest.mark.parametrize("shape, offset, dim1, dim2", [
    ((3,), 0, -2, -1), ((3,), 1, -2, -1), ((3,), -2, -2, -1), ((2, 3), 0, -2, -1), ((2, 3), 1, 0, 2),
    ((2, 3), -1, -1, -2), ((2, 3), 0, 1, 0), ((2, 3, 4), 2, 0, -1), ((0,), 0, -2, -1), ((2, 0), 1, 0, 1)])
def test_diag_embed(shape, offset, dim1, dim2):
    check_op([shape], *both(lambda m, x: m.diag_embed(x, offset, dim1, dim2)))


def test_diagonal_inverts_diag_embed():
    x = rb.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert rb.diagonal(rb.diag_embed(x, -1), -1, -2, -1).tolist() == x.tolist()


def test_diagonal_errors():
    raises_like_torch(lambda m: m.diagonal(m.zeros(3, 3), 0, 1, -1), ValueError,
                      r"diagonal\(\): dim1 and dim2 must name different dims, got dim1=1 and dim2=-1")
    raises_like_torch(lambda m: m.diagonal(m.zeros(3)), IndexError, "diagonal: dimension out of range")
    raises_like_torch(lambda m: m.diag_embed(m.zeros(3), 0, 0, 0), ValueError,
                      r"diag_embed\(\): dim1 and dim2 must name different dims")
    raises_like_torch(lambda m: m.diag_embed(m.tensor(1.0)), IndexError, "diag_embed: dimension out of range")
    raises_like_torch(lambda m: m.diag_embed(m.zeros(2, 3), 0, 0, 3), IndexError,
                      r"expected to be in range of \[-3, 2\], but got 3")


@pytest.mark.parametrize("shape, index", [((2, 3), [[0, -1], [5, 2]]), ((2, 3), [1, 1, 1, -5]), ((2, 3), 4),
                                          ((), [0, -1, 0]), ((4,), []), ((2, 2, 2), [[[7]]])])
def test_take(shape, index):
    check_op([shape], *both(lambda m, x: m.take(x, m.tensor(index, dtype=m.int64))))


@pytest.mark.parametrize("shape, index, dim", [
    ((2, 3), [[0, 2, 1], [1, 1, 0]], 1), ((2, 3), [[1, 0, 1]], 0), ((2, 3), [[2], [0]], 1),
    ((2, 3), [[0], [-1]], -1), ((1, 3), [[0, 2], [1, 1], [2, 2]], 1), ((2, 3, 4), [[[3, 0]]], 2),
    ((2, 3, 4), [[[1], [0], [1]]], 0), ((3,), [2, 0, 2, 2], 0)])
def test_take_along_dim(shape, index, dim):
    check_op([shape], *both(lambda m, x: m.take_along_dim(x, m.tensor(index), dim)))
    check_op([shape], *both(lambda m, x: m.take_along_dim(x, m.tensor(index), dim=dim)))


@pytest.mark.parametrize("shape, index", [((2, 3), [[0, 5], [5, 1]]), ((2, 3), [4]), ((), 0), ((4,), [])])
def test_take_along_dim_flattened(shape, index):
    check_op([shape], *both(lambda m, x: m.take_along_dim(x, m.tensor(index, dtype=m.int64))))


def test_take_along_dim_picks_argsort_order():
    check_op([(3, 5)], *both(lambda m, x: m.take_along_dim(x, m.argsort(x.detach(), dim=1), dim=1)))


def test_selection_keeps_integer_dtypes():
    a = [[1, 2, 3], [4, 5, 6]]
    for f in (lambda m, x: m.diagonal(x, 1), lambda m, x: m.diag_embed(x), lambda m, x: m.take(x, m.tensor([5, 0])),
              lambda m, x: m.take_along_dim(x, m.tensor([[2], [0]]), 1), lambda m, x: m.select(x, 1, 2),
              lambda m, x: m.tile(x, (2,)), lambda m, x: m.ravel(x), lambda m, x: m.fliplr(x)):
        assert_close(f(lib, rb.tensor(a)), f(torch, torch.tensor(a)))


def test_take_errors():
    raises_like_torch(lambda m: m.take(m.zeros(2, 3), m.tensor([6])), IndexError,
                      r"take\(\): index 6 out of range for a tensor of 6 elements \(shape \[2, 3\]\); "
                      r"indices must be in \[-6, 5\]")
    raises_like_torch(lambda m: m.take(m.zeros(2, 3), m.tensor([-7])), IndexError, r"take\(\): index -7")
    raises_like_torch(lambda m: m.take(m.zeros(3), m.tensor([1], dtype=m.int32)), TypeError,
                      r"take\(\): indices must be an int64 tensor, got int32")
    raises_like_torch(lambda m: m.take_along_dim(m.zeros(2, 3), m.tensor([0]), 1), ValueError,
                      r"take_along_dim\(\): input and indices must have the same number of dims, "
                      r"got shapes \[2, 3\] and \[1\]")
    raises_like_torch(lambda m: m.take_along_dim(m.zeros(2, 3), m.tensor([[0]] * 3), 1), ValueError,
                      r"take_along_dim\(\): input of shape \[2, 3\] and indices of shape \[3, 1\] cannot "
                      r"be broadcast outside dim 1")
    raises_like_torch(lambda m: m.take_along_dim(m.zeros(2, 3), m.tensor([[1]], dtype=m.int32), 1), TypeError,
                      "must be an int64 tensor")
    raises_like_torch(lambda m: m.take_along_dim(m.zeros(2, 3), m.tensor([[0]]), 2), IndexError,
                      "take_along_dim: dimension out of range")
    raises_like_torch(lambda m: m.take_along_dim(m.zeros(2, 3), m.tensor([[1, 6]])), IndexError,
                      r"take_along_dim\(\): without dim the indices must be in \[0, 5\]")
    raises_like_torch(lambda m: m.take_along_dim(m.tensor(1.0), m.tensor(0), 0), IndexError,
                      r"take_along_dim\(\): dim 0 given for a 0-d tensor")
    # PyTorch 2.13 wraps an index past the end modulo the size instead (its own refs say
    # only negative ones should wrap); rosenblatt refuses it.
    with pytest.raises(IndexError, match=r"must be in \[-3, 2\], got values in \[0, 3\]"):
        rb.take_along_dim(rb.zeros(2, 3), rb.tensor([[0], [3]]), 1)


def test_block_diag_and_cartesian_prod():
    check_op([(), (2,), (2, 2), (1, 3)], rb.block_diag, torch.block_diag)
    check_op([(2,), (3,), (2,)], rb.cartesian_prod, torch.cartesian_prod)
    check_op([(4,)], rb.cartesian_prod, torch.cartesian_prod)
    with pytest.raises(ValueError, match=r"block_diag\(\): expected tensors of at most 2 dims, got shapes \[\[1, 2, 3\]\]"):
        rb.block_diag(rb.ones(1, 2, 3))
    with pytest.raises(ValueError, match=r"cartesian_prod\(\): expected 1-d tensors"):
        rb.cartesian_prod(rb.ones(2, 2), rb.ones(2))
