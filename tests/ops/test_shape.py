"""Shape ops against PyTorch: forward in float32 and float64, gradients and gradcheck in float64."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import rosenblatt as rb
from helpers import assert_close, check_op


# ----------------------------------------------------------- reshape family
@pytest.mark.parametrize("shape, new", [((2, 3, 4), (6, 4)), ((2, 3, 4), (-1,)), ((2, 3, 4), (4, -1, 2)),
                                        ((6,), (1, 6, 1)), ((), (1, 1)), ((1,), ())])
def test_reshape_and_view(shape, new):
    check_op([shape], lambda x: x.reshape(new))
    check_op([shape], lambda x: x.view(new))
    if new:  # torch has no varargs form for the 0-d shape
        check_op([shape], lambda x: x.reshape(*new))
        check_op([shape], lambda x: x.view(*new))
    check_op([shape], lambda x: rb.reshape(x, new), lambda x: torch.reshape(x, new))


def test_view_as_and_reshape_as():
    other = rb.zeros(3, 2)
    check_op([(2, 3)], lambda x: x.view_as(other), lambda x: x.view_as(torch.zeros(3, 2)))
    check_op([(2, 3)], lambda x: x.reshape_as(other), lambda x: x.reshape_as(torch.zeros(3, 2)))


@pytest.mark.parametrize("args", [(), (1,), (0, 1), (1, -1), (-2, -1), (2, 2)])
def test_flatten(args):
    check_op([(2, 3, 4)], lambda x: x.flatten(*args))


def test_flatten_0d():
    check_op([()], lambda x: x.flatten())


@pytest.mark.parametrize("dim, sizes", [(1, (2, 2)), (-1, (3, -1)), (0, (1, 2))])
def test_unflatten(dim, sizes):
    check_op([(2, 4, 6)], lambda x: x.unflatten(dim, sizes))


@pytest.mark.parametrize("dim", [None, 0, 2, -1, 1, (0, 2)])
def test_squeeze(dim):
    if dim is None:
        check_op([(1, 3, 1, 2, 1)], lambda x: x.squeeze())
    else:
        check_op([(1, 3, 1, 2, 1)], lambda x: x.squeeze(dim))


@pytest.mark.parametrize("dim", [0, 1, 3, -1, -2, -4])
def test_unsqueeze(dim):
    check_op([(2, 3, 4)], lambda x: x.unsqueeze(dim))
    check_op([(2, 3, 4)], lambda x: rb.unsqueeze(x, dim), lambda x: torch.unsqueeze(x, dim))


# ----------------------------------------------------------------- permute
@pytest.mark.parametrize("d0, d1", [(0, 1), (0, 2), (-1, -2), (1, 1)])
def test_transpose(d0, d1):
    check_op([(2, 3, 4)], lambda x: x.transpose(d0, d1))
    check_op([(2, 3, 4)], lambda x: rb.swapaxes(x, d0, d1), lambda x: torch.swapaxes(x, d0, d1))


@pytest.mark.parametrize("dims", [(2, 0, 1), (0, 1, 2), (-1, 0, -2)])
def test_permute(dims):
    check_op([(2, 3, 4)], lambda x: x.permute(*dims))
    check_op([(2, 3, 4)], lambda x: x.permute(dims))


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 3, 4)])
def test_T(shape):
    # torch deprecates .T on other than 2-d; permute(reversed) is what it means.
    rev = tuple(range(len(shape) - 1, -1, -1))
    check_op([shape], lambda x: x.T, lambda x: x.permute(*rev))


def test_t_and_mT_and_movedim():
    check_op([(2, 3)], lambda x: x.t())
    check_op([(3,)], lambda x: x.t())
    check_op([(2, 3, 4)], lambda x: x.mT)
    check_op([(2, 3, 4)], lambda x: x.movedim(0, 2))
    check_op([(2, 3, 4)], lambda x: x.movedim(-1, 0))


@pytest.mark.parametrize("source, destination", [((0, 1), (2, 0)), ([2, 0], [0, 1]), ((1,), (-1,)), ((), ())])
def test_movedim_with_sequences(source, destination):
    check_op([(2, 3, 4, 5)], lambda x: x.movedim(source, destination))
    check_op([(2, 3, 4, 5)], lambda x: rb.movedim(x, source, destination),
             lambda x: torch.movedim(x, source, destination))


# ------------------------------------------------------------ expand/repeat
@pytest.mark.parametrize("shape, sizes", [((3, 1), (3, 4)), ((3, 1), (-1, 4)), ((1,), (2, 3, 5)),
                                          ((2, 1, 3), (4, 2, 5, -1)), ((), (2, 2))])
def test_expand(shape, sizes):
    check_op([shape], lambda x: x.expand(*sizes))
    check_op([shape], lambda x: x.expand(sizes))


def test_expand_as_and_broadcast_to():
    check_op([(3, 1), (2, 3, 4)], lambda x, y: x.expand_as(y) * y)
    check_op([(3, 1)], lambda x: rb.broadcast_to(x, (2, 3, 4)), lambda x: torch.broadcast_to(x, (2, 3, 4)))


@pytest.mark.parametrize("shape, reps", [((2, 3), (2, 1)), ((2, 3), (1, 3)), ((3,), (2, 2)),
                                         ((2, 1), (3, 2, 2)), ((), (3,))])
def test_repeat(shape, reps):
    check_op([shape], lambda x: x.repeat(*reps))


# ----------------------------------------------------------------- joining
@pytest.mark.parametrize("shapes, dim", [([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 5)], 1),
                                         ([(2, 3), (2, 2), (2, 4)], -1), ([(1, 2, 3)] * 4, -3),
                                         ([(3,)], 0)])
def test_cat(shapes, dim):
    check_op(shapes, lambda *xs: rb.cat(xs, dim), lambda *xs: torch.cat(xs, dim))
    check_op(shapes, lambda *xs: rb.cat(list(xs), dim=dim), lambda *xs: torch.cat(list(xs), dim=dim))


def test_cat_aliases_and_mixed_requires_grad():
    check_op([(2, 3), (2, 3)], lambda x, y: rb.concat([x, y], 1), lambda x, y: torch.concat([x, y], 1))
    check_op([(2, 3), (2, 3)], lambda x, y: rb.concatenate([x, y]), lambda x, y: torch.concatenate([x, y]))
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    out = rb.cat([rb.zeros(3), x, rb.ones(1)])
    out.backward(gradient=rb.arange(6.0))
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_cat_same_tensor_twice_accumulates():
    check_op([(2, 3)], lambda x: rb.cat([x, x * 2.0, x], 0), lambda x: torch.cat([x, x * 2.0, x], 0))


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
def test_stack(dim):
    check_op([(2, 3), (2, 3), (2, 3)], lambda *xs: rb.stack(xs, dim), lambda *xs: torch.stack(xs, dim))


def test_stack_of_scalars():
    check_op([(), ()], lambda x, y: rb.stack([x, y]), lambda x, y: torch.stack([x, y]))


@pytest.mark.parametrize("name", ["cat", "stack"])
def test_cat_stack_dtype_promotion(name):
    # PyTorch's promotion: an integer or bool tensor joined with float32 gives float32 (NumPy: float64).
    ints, bools = np.array([1, 2]), np.array([True, False])
    for inputs in [(ints, np.array([0.5, 1.5])), (bools, ints), (ints.astype(np.int32), ints)]:
        check_op(None, lambda *xs: getattr(rb, name)(xs), lambda *xs: getattr(torch, name)(xs), inputs=inputs)
        check_op(None, lambda *xs: getattr(rb, name)(xs[::-1]), lambda *xs: getattr(torch, name)(xs[::-1]),
                 inputs=inputs)


# --------------------------------------------------------------- splitting
@pytest.mark.parametrize("arg, dim", [(2, 0), (3, 1), (4, 1), ([1, 3, 1], 1), ([2, 3], 0), (1, -1),
                                      ([5], 1), (10, 0)])
def test_split(arg, dim):
    check_op([(5, 5)], lambda x: x.split(arg, dim))
    check_op([(5, 5)], lambda x: rb.split(x, arg, dim=dim), lambda x: torch.split(x, arg, dim=dim))


def test_split_gradient_when_only_some_pieces_are_used():
    check_op([(6, 2)], lambda x: x.split(2)[1] * x.split(4)[0][:2])


@pytest.mark.parametrize("n, dim", [(2, 0), (3, 1), (4, 1), (5, 1), (1, 0), (6, -1)])
def test_chunk(n, dim):
    check_op([(4, 5)], lambda x: x.chunk(n, dim))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_chunk_of_an_empty_dim_gives_n_empty_pieces(n):
    check_op([(0, 3)], lambda x: x.chunk(n), gradcheck=False)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unbind(dim):
    check_op([(2, 3, 4)], lambda x: x.unbind(dim))
    check_op([(2, 3, 4)], lambda x: rb.unbind(x, dim), lambda x: torch.unbind(x, dim))


# --------------------------------------------------------------------- pad
@pytest.mark.parametrize("pad", [(1, 2), (0, 0, 2, 1), (1, 1, 1, 1, 1, 0), (-1, 2), (2, -1, -1, 0),
                                 (-2, -1, 0, 0), (3, 0)])
def test_pad_constant(pad):
    check_op([(2, 3, 4)], lambda x: rb.ops.pad(x, pad), lambda x: F.pad(x, pad))
    check_op([(2, 3, 4)], lambda x: rb.ops.pad(x, pad, value=1.5), lambda x: F.pad(x, pad, value=1.5))


def test_pad_constant_with_value_none_pads_zeros_as_torch():
    # torch's default value is None, meaning 0; NumPy padded a float tensor with NaN
    check_op([(2, 3)], lambda x: rb.ops.pad(x, (1, 2), value=None), lambda x: F.pad(x, (1, 2), value=None))
    check_op([(2, 3)], lambda x: rb.ops.pad(x, (1, 0), value=-0.0), lambda x: F.pad(x, (1, 0), value=-0.0))
    assert rb.ops.pad(rb.ones(2), (1, 0), value=-0.0).numpy()[0].tobytes() == np.float32(-0.0).tobytes()


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad", [(1, 2), (2, 1, 0, 2), (3, 3)])
def test_pad_modes(mode, pad):
    shape = (2, 3, 4) if len(pad) == 2 else (1, 2, 3, 4)
    check_op([shape], lambda x: rb.ops.pad(x, pad, mode=mode), lambda x: F.pad(x, pad, mode=mode))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad", [(-1, 2), (2, -1, -1, 1)])
def test_pad_modes_with_negative_widths_crop(mode, pad):
    shape = (2, 3, 5) if len(pad) == 2 else (1, 2, 4, 5)
    check_op([shape], lambda x: rb.ops.pad(x, pad, mode=mode), lambda x: F.pad(x, pad, mode=mode))


def test_flip_repeated_dim_and_over_cropping_pad_are_errors():
    # PyTorch raises for both; NumPy's "repeated axis" didn't name the op, and the crop gave
    # an empty tensor.
    with pytest.raises(ValueError, match="flip"):
        rb.ones(2, 3).flip((0, -2))
    with pytest.raises(RuntimeError):
        F.pad(torch.ones(3), (-2, -2))
    with pytest.raises(ValueError, match="pad"):
        rb.ops.pad(rb.ones(3), (-2, -2))
    check_op([(3,)], lambda x: rb.ops.pad(x, (-2, -1)), lambda x: F.pad(x, (-2, -1)), gradcheck=False)


def test_pad_circular_wider_than_reflect_allows():
    check_op([(1, 2, 3)], lambda x: rb.ops.pad(x, (3, 2), mode="circular"),
             lambda x: F.pad(x, (3, 2), mode="circular"))


@pytest.mark.parametrize("mode, pad, shape", [
    ("reflect", (-1, 4), (2, 1, 5)), ("reflect", (4, -1), (2, 5)),
    ("reflect", (-1, 1, 2, -1), (1, 2, 3, 4)), ("reflect", (0, 0, -3, 1), (2, 3, 4)),
    ("replicate", (0, 0, -3, 1), (1, 2, 3, 4)), ("replicate", (-2, 3, 1, -1, -1, 0), (1, 2, 3, 4)),
    ("reflect", (1, -2, 0, 1, -1, 1), (2, 3, 3, 4)), ("reflect", (1, 1), (0, 2, 3)),
    ("circular", (-1, 2, 1, -1), (2, 3, 4))])
def test_pad_reflect_and_replicate_with_negative_widths_pad_then_crop(mode, pad, shape):
    # PyTorch mirrors at the input's own edge (it crops the padded output); rosenblatt cropped
    # first and mirrored at the cropped edge, or refused ((-1, 4) reflected a dim of size 4)
    check_op([shape], lambda x: rb.ops.pad(x, pad, mode=mode), lambda x: F.pad(x, pad, mode=mode))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_from_the_input_takes_torchs_ranks_and_refuses_what_torch_refuses(mode):
    for length in (2, 4, 6, 8):
        for ndim in range(length // 2, 7):
            shape, pad = (2, 3, 4, 5, 4, 3)[:ndim], (1,) * length
            try:
                want = F.pad(torch.ones(shape), pad, mode=mode).shape
            except NotImplementedError:
                with pytest.raises(NotImplementedError, match=f"{mode} padding with a pad of length"):
                    rb.ops.pad(rb.ones(*shape), pad, mode=mode)
            else:
                assert rb.ops.pad(rb.ones(*shape), pad, mode=mode).shape == want
    bad = [((1, 1, 5), (-3, -2)), ((1, 1, 0), (1, 0)), ((1, 0, 3), (1, 1)), ((2, 3), (-3, 0))]
    bad += [((1, 1, 5), (-1, 5)), ((1, 1, 3), (3, 3))] if mode == "reflect" else []
    bad += [((1, 1, 3), (4, 0)), ((1, 1, 0), (1, 0))] if mode == "circular" else []
    for shape, pad in bad:
        if mode == "circular" and shape in ((1, 0, 3), (1, 1, 5), (2, 3)):
            continue  # circular takes empty dims and crops to an empty dim
        with pytest.raises(RuntimeError):
            F.pad(torch.ones(shape), pad, mode=mode)
        with pytest.raises(ValueError, match="pad"):
            rb.ops.pad(rb.ones(*shape), pad, mode=mode)
    for value in (0.0, 1.5):
        try:
            F.pad(torch.ones(2, 3), (1, 1), mode=mode, value=value)
        except RuntimeError:
            with pytest.raises(ValueError, match="takes no value"):
                rb.ops.pad(rb.ones(2, 3), (1, 1), mode=mode, value=value)
        else:
            rb.ops.pad(rb.ones(2, 3), (1, 1), mode=mode, value=value)


# --------------------------------------------------------- triangle / flip
@pytest.mark.parametrize("diagonal", [0, 1, -1, 2, -3, 5])
@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (2, 4, 3)])
def test_tril_triu(diagonal, shape):
    check_op([shape], lambda x: x.tril(diagonal))
    check_op([shape], lambda x: x.triu(diagonal))
    check_op([shape], lambda x: rb.tril(x, diagonal=diagonal), lambda x: torch.tril(x, diagonal=diagonal))


@pytest.mark.parametrize("shape", [(3,), ()])
def test_tril_triu_of_a_vector_is_an_error(shape):
    # PyTorch refuses; NumPy would broadcast a vector to a square matrix.
    for name in ["tril", "triu"]:
        with pytest.raises(RuntimeError):
            getattr(torch, name)(torch.ones(shape))
        with pytest.raises(ValueError, match=name):
            getattr(rb, name)(rb.ones(shape))


@pytest.mark.parametrize("dims", [0, (1,), (0, 2), (-1,), (0, 1, 2)])
def test_flip(dims):
    dims_t = (dims,) if isinstance(dims, int) else dims
    check_op([(2, 3, 4)], lambda x: rb.flip(x, dims), lambda x: torch.flip(x, dims_t))
    check_op([(2, 3, 4)], lambda x: x.flip(dims_t))


# -------------------------------------------------------------------- clone
def test_clone():
    check_op([(2, 3)], lambda x: x.clone() * x)


def test_clone_has_own_memory_and_stays_in_graph():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.requires_grad and not c.is_leaf
    with rb.no_grad():
        c.add_(10.0)     # c is a non-leaf, so no_grad lets us write; x must not change
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 2.0])
    d = rb.tensor([1.0, 2.0]).clone()
    d.data[0] = 5.0
    assert d.is_leaf and not d.requires_grad


def test_contiguous_returns_same_values():
    check_op([(2, 3)], lambda x: x.transpose(0, 1).contiguous())


# ------------------------------------------------------------ composition
def test_chain_of_shape_ops():
    def fn(x):
        y = x.reshape(2, 3, 4).permute(2, 0, 1).unsqueeze(1)   # (4, 1, 2, 3)
        y = y.expand(4, 2, 2, 3).flatten(0, 1)                 # (8, 2, 3)
        return y.flip(0).transpose(1, 2).triu()[::2]
    check_op([(24,)], fn)


def test_shape_ops_keep_float32_and_int64():
    x = rb.zeros(2, 3)
    for y in (x.reshape(6), x.T, x.unsqueeze(0), rb.cat([x, x]), rb.stack([x, x]), x.flip(0),
              rb.ops.pad(x, (1, 1)), rb.ops.pad(x, (1, 1), mode="reflect"), x.repeat(2, 1),
              x.expand(4, 2, 3), x.tril(), x.split(1)[0]):
        assert y.dtype == rb.float32
    i = rb.arange(6).reshape(2, 3)
    for y in (i.T, rb.cat([i, i]), i.flip(1), rb.ops.pad(i, (1, 0)), i.tril(), i.repeat(1, 2)):
        assert y.dtype == rb.int64


def test_flip_and_movedim_of_a_0d_tensor_as_torch():
    # Dim 0 (or -1) of a 0-d tensor is the tensor itself; flip raised NumPy's AxisError and
    # movedim an IndexError from a list assignment.
    for op in (lambda t: t.flip(0), lambda t: t.flip(-1), lambda t: t.movedim(0, 0), lambda t: t.movedim(-1, 0)):
        check_op([()], op)


@pytest.mark.parametrize("op", [lambda m, x: m.cat([x, x], True), lambda m, x: x.unsqueeze(True),
                                lambda m, x: x.squeeze(True), lambda m, x: x.transpose(True, 0), lambda m, x: x.flip(True)])
def test_a_bool_dim_raises_as_torch(op):
    # A bool is an int to Python: cat([x, x], True) joined along dim 1, where PyTorch raises.
    with pytest.raises(TypeError):
        op(torch, torch.ones(2, 3))
    with pytest.raises(TypeError, match="dim must be an int, got bool True"):
        op(rb, rb.ones(2, 3))


def _lib(x):
    return torch if isinstance(x, torch.Tensor) else rb


@pytest.mark.parametrize("shifts, dims", [(1, None), (-3, None), (2, 0), (1, -1), ((1, -2), (0, 1)), (5, 1)])
def test_roll_matches_torch(shifts, dims):
    check_op([(3, 4)], lambda x: _lib(x).roll(x, shifts, dims))
    check_op([(3, 4)], lambda x: x.roll(shifts, dims))


@pytest.mark.parametrize("dim, start, length", [(0, 1, 2), (1, 0, 4), (-1, 2, 1), (1, -3, 2), (0, 3, 0)])
def test_narrow_matches_torch(dim, start, length):
    check_op([(3, 4)], lambda x: x.narrow(dim, start, length))


@pytest.mark.parametrize("repeats, dim", [(2, None), (3, 0), (2, 1), ([1, 0, 2], 0), ([2, 1, 1, 3], -1)])
def test_repeat_interleave_matches_torch(repeats, dim):
    def op(x):
        r = repeats if isinstance(repeats, int) else _lib(x).tensor(repeats)
        return _lib(x).repeat_interleave(x, r, dim=dim)
    check_op([(3, 4)], op)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_matches_torch(indexing):
    check_op([(3,), (2,), (4,)], lambda a, b, c: _lib(a).meshgrid(a, b, c, indexing=indexing))
    check_op([(3,), (2,)], lambda a, b: _lib(a).meshgrid([a, b], indexing=indexing))


def test_roll_narrow_repeat_interleave_bad_arguments_raise():
    x = rb.zeros(3, 4)
    with pytest.raises(ValueError, match=r"roll\(\): shifts and dims"):
        rb.roll(x, (1, 2), 0)
    with pytest.raises(ValueError, match=r"narrow\(\): start \(2\) \+ length \(3\) exceeds"):
        x.narrow(0, 2, 3)
    with pytest.raises(ValueError, match=r"repeat_interleave\(\): repeats must be"):
        x.repeat_interleave(rb.tensor([1, 2]), dim=0)
    with pytest.raises(ValueError, match="indexing"):
        rb.meshgrid(rb.zeros(2), indexing="yx")


@pytest.mark.parametrize("k", [0, 1, 2, 3, -1, 5])
@pytest.mark.parametrize("dims", [(0, 1), (1, 0), (0, -1), (1, 2)])
def test_rot90_matches_torch(k, dims):
    check_op([(2, 3, 4)], lambda x: _lib(x).rot90(x, k, dims))


@pytest.mark.parametrize("kwargs", [{}, {"n": 2}, {"dim": 0}, {"n": 3, "dim": 1}, {"n": 5}])
def test_diff_matches_torch(kwargs):
    check_op([(3, 4)], lambda x: _lib(x).diff(x, **kwargs))
    n = kwargs.get("n", 1)
    check_op([(3, 4), (3, 2), (3, 1)], lambda x, p, a: x.diff(n, prepend=p, append=a))


def test_rot90_by_no_turn_is_a_new_tensor_as_torch():
    for lib in (torch, rb):
        x = lib.zeros(2, 3)
        y = lib.rot90(x, 4)
        y.add_(1)
        assert x.sum().item() == 0 and y is not x


@pytest.mark.parametrize("shape,dim,size,step", [((8,), 0, 3, 2), ((8,), 0, 3, 1), ((3, 7), 1, 2, 3),
                                                 ((5, 4), 0, 5, 1), ((2, 6, 3), -2, 4, 2), ((4,), 0, 0, 1)])
def test_tensor_unfold(shape, dim, size, step):
    # overlapping windows (step < size) add their gradients up; windows may skip elements
    check_op([shape], lambda x: x.unfold(dim, size, step))


def test_tensor_unfold_of_0d_and_bad_arguments():
    assert_close(rb.tensor(3.0).unfold(0, 1, 1), torch.tensor(3.0).unfold(0, 1, 1))
    with pytest.raises(ValueError, match=r"unfold\(\): size must be in \[0, 5\] \(dimension 0's size\), got 6"):
        rb.arange(5.0).unfold(0, 6, 1)
    with pytest.raises(ValueError, match=r"unfold\(\): step must be > 0, got 0"):
        rb.arange(5.0).unfold(0, 2, 0)
    with pytest.raises(IndexError, match="unfold"):
        rb.arange(5.0).unfold(1, 2, 1)
