"""max_pool*d_with_indices, max_unpool1d/2d/3d and MaxUnpool1d/2d/3d against torch."""
from __future__ import annotations

import contextlib

import numpy
import pytest
import torch
import torch.nn.functional as TF
from helpers import assert_close, check_op, from_torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F

POOLS = [  # dims, input shape, kernel_size, kwargs of the pool
    (1, (2, 3, 9), 2, {}),
    (1, (2, 3, 10), 3, {"stride": 2, "padding": 1, "ceil_mode": True}),
    (1, (3, 8), 2, {}),  # unbatched
    (2, (2, 3, 6, 6), 2, {}),
    (2, (2, 2, 7, 9), (3, 2), {"stride": (2, 2), "padding": (1, 0)}),
    (2, (1, 2, 9, 8), 3, {"stride": 2, "dilation": 2, "ceil_mode": True}),
    (2, (3, 5, 5), 2, {}),  # unbatched
    (3, (1, 2, 4, 6, 6), 2, {}),
    (3, (2, 1, 5, 5, 7), (2, 3, 2), {"stride": (2, 2, 3), "padding": (1, 1, 0)}),
    (3, (2, 4, 4, 4), 2, {}),  # unbatched
]


@pytest.mark.parametrize("dims, shape, kernel, kwargs", POOLS)
def test_max_pool_indices_are_torchs_flat_per_plane_ones(dims, shape, kernel, kwargs):
    """What unpooling relies on: our pools' indices are PyTorch's (``h * W + w`` per plane)."""
    x = torch.randn(*shape)
    want_y, want_i = getattr(TF, f"max_pool{dims}d")(x, kernel, return_indices=True, **kwargs)
    got_y, got_i = getattr(F, f"max_pool{dims}d")(from_torch(x), kernel, return_indices=True, **kwargs)
    assert_close(got_y, want_y)
    assert_close(got_i, want_i)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_max_pool_with_indices_aliases_always_return_indices_as_torch(dims):
    x = torch.randn(*(2, 3) + (6,) * dims)
    name = f"max_pool{dims}d_with_indices"
    for flag in (False, True):
        want = getattr(TF, name)(x, 3, stride=2, padding=1, return_indices=flag)
        got = getattr(F, name)(from_torch(x), 3, stride=2, padding=1, return_indices=flag)
        assert len(got) == len(want) == 2
        assert_close(got[0], want[0])
        assert_close(got[1], want[1])


@contextlib.contextmanager
def _serial_torch():
    """PyTorch on one thread: its unpooling writes a repeated index from several threads at
    once (which value stays varies); serially the last one written stays, as here."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _unpool(dims, rb_indices, t_indices, *args, **kwargs):
    def op(x):
        if isinstance(x, rb.Tensor):
            return getattr(F, f"max_unpool{dims}d")(x, rb_indices, *args, **kwargs)
        return getattr(TF, f"max_unpool{dims}d")(x, t_indices, *args, **kwargs)
    return op


@pytest.mark.parametrize("dims, shape, kernel, kwargs", [c for c in POOLS if not c[3].get("ceil_mode")
                                                           and not c[3].get("dilation")])
def test_max_unpool_matches_torch(dims, shape, kernel, kwargs):
    x = torch.randn(*shape)
    y, i = getattr(TF, f"max_pool{dims}d")(x, kernel, return_indices=True, **kwargs)
    window = {k: v for k, v in kwargs.items() if k in ("stride", "padding")}
    planes = i.reshape(-1, i.shape[-dims:].numel())
    # Overlapping windows may give one index twice: the value written last wins, but both get
    # the cell's gradient (PyTorch's), which central differences cannot see; compared with
    # PyTorch's gradient only.
    distinct = all(len(set(row.tolist())) == len(row) for row in planes)
    # values are random (check_op draws them); the indices are the pool's
    with _serial_torch():
        check_op([tuple(y.shape)], _unpool(dims, from_torch(i), i, kernel, output_size=x.shape[-dims:],
                                           **window), gradcheck=distinct)
        if x.ndim == dims + 2:  # output_size may hold N and C too (batched inputs only, as in torch)
            check_op([tuple(y.shape)], _unpool(dims, from_torch(i), i, kernel, output_size=tuple(x.shape),
                                               **window), dtypes=("float64",), gradcheck=False)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_max_unpool_default_size_and_a_size_the_pool_rounded_away(dims):
    for n in (6, 7):  # 7: the pool drops the last cell; output_size gets it back
        x = torch.randn(*(2, 2) + (n,) * dims)
        y, i = getattr(TF, f"max_pool{dims}d")(x, 2, return_indices=True)
        if n == 6:  # the default size, (in - 1) * stride + kernel, is the pool's input size
            check_op([tuple(y.shape)], _unpool(dims, from_torch(i), i, 2))
        check_op([tuple(y.shape)], _unpool(dims, from_torch(i), i, 2, output_size=[n] * dims))


def test_max_unpool_of_repeated_indices_keeps_the_last_value_and_gives_every_value_the_gradient():
    x = torch.tensor([[[1.0, 3.0, 2.0, 0.5, 0.1]]])
    y, i = TF.max_pool1d(x, 2, stride=1, return_indices=True)  # overlapping: index 1 twice
    assert (i[0, 0, 0] == i[0, 0, 1]).item()
    with _serial_torch():
        check_op(None, _unpool(1, from_torch(i), i, 2, stride=1), inputs=[numpy.array([[[7.0, 5.0, 4.0, 9.0]]])],
                 gradcheck=False)
        dup = torch.tensor([[[0, 0, 0]]])
        check_op([(1, 1, 3)], _unpool(1, from_torch(dup), dup, 2, output_size=(5,)), gradcheck=False)
    got = F.max_unpool1d(rb.tensor([[[1.0, 2.0, 3.0]]], requires_grad=True), from_torch(dup), 2, output_size=(5,))
    assert got.tolist() == [[[3.0, 0.0, 0.0, 0.0, 0.0]]]  # the last value written


@pytest.mark.parametrize("call, error, message", [
    (lambda y, i: F.max_unpool2d(y, i + 100, 2), ValueError,
     r"max_unpool2d: index 1\d\d is out of range for an output plane of 4x4 = 16 cells; .* output_size="),
    (lambda y, i: F.max_unpool2d(y, i - 100, 2), ValueError, r"max_unpool2d: index -100 is out of range"),
    (lambda y, i: F.max_unpool2d(y, i, 2, output_size=(7, 5)), ValueError,
     r"max_unpool2d: invalid output_size \[7, 5\]: dim 0 must be between 2 and 6"),
    (lambda y, i: F.max_unpool2d(y, i, 2, output_size=(1, 1, 5)), ValueError,
     r"max_unpool2d: output_size must hold 2 or 4 ints"),
    (lambda y, i: F.max_unpool2d(y, i.int(), 2), TypeError, r"max_unpool2d: indices must be int64, got int32"),
    (lambda y, i: F.max_unpool2d(y, i[..., :1], 2), ValueError,
     r"max_unpool2d: indices must have the input's shape \[1, 1, 2, 2\], got \[1, 1, 2, 1\]"),
    (lambda y, i: F.max_unpool2d(y[0, 0], i[0, 0], 2), ValueError,
     r"max_unpool2d: expected a 4-d input .* got \[2, 2\]"),
    (lambda y, i: F.max_unpool2d(y.long(), i, 2), TypeError, r"max_unpool2d: expected a floating-point input"),
    (lambda y, i: F.max_unpool2d(y, i, 2, padding=3), ValueError, r"max_unpool2d: output size \[-2, -2\] is negative"),
    (lambda y, i: F.max_unpool2d(y[:, :0], i[:, :0], 2), ValueError, r"max_unpool2d: expected non-zero C"),
])
def test_max_unpool_bad_input_raises_naming_the_op_and_the_fix(call, error, message):
    y, i = F.max_pool2d(rb.randn(1, 1, 4, 4), 2, return_indices=True)
    with pytest.raises(error, match=message):
        call(y, i)


def test_max_unpool_takes_an_empty_batch_as_torch():
    y, i = torch.zeros(0, 2, 3, 3), torch.zeros(0, 2, 3, 3, dtype=torch.long)
    assert_close(F.max_unpool2d(from_torch(y), from_torch(i), 2), TF.max_unpool2d(y, i, 2))


@pytest.mark.parametrize("dims, shape", [(1, (2, 3, 7)), (2, (2, 3, 5, 7)), (3, (1, 2, 5, 4, 5))])
def test_max_unpool_layers_match_torch(dims, shape):
    pool_t = getattr(torch.nn, f"MaxPool{dims}d")(2, return_indices=True)
    ours, theirs = getattr(nn, f"MaxUnpool{dims}d")(2), getattr(torch.nn, f"MaxUnpool{dims}d")(2)
    assert (ours.kernel_size, ours.stride, ours.padding) == (theirs.kernel_size, theirs.stride, theirs.padding)
    assert repr(ours) == repr(theirs)
    x = torch.randn(*shape, dtype=torch.float64)
    y, i = pool_t(x)
    yt = y.detach().requires_grad_()
    yr = from_torch(y, requires_grad=True)
    want, got = theirs(yt, i, output_size=x.shape), ours(yr, from_torch(i), output_size=x.shape)
    assert_close(got, want)
    upstream = torch.randn(*want.shape, dtype=torch.float64)
    want.backward(upstream)
    got.backward(from_torch(upstream))
    assert_close(yr.grad, yt.grad)
    # default output size, and a float32 round trip through our own pool
    pool = getattr(nn, f"MaxPool{dims}d")(2, return_indices=True)
    x32 = rb.randn(*shape)
    restored = ours(*pool(x32), output_size=x32.shape)
    assert restored.dtype == numpy.float32 and tuple(restored.shape) == shape
    assert_close(restored, theirs(*pool_t(torch.from_numpy(x32.data.copy())), output_size=x32.shape))


def test_max_unpool_layers_keep_tuples_as_torch():
    for dims, args in [(1, (3, 2, 1)), (2, ((3, 2), 1, (1, 0))), (3, (2,))]:
        ours, theirs = getattr(nn, f"MaxUnpool{dims}d")(*args), getattr(torch.nn, f"MaxUnpool{dims}d")(*args)
        assert (ours.kernel_size, ours.stride, ours.padding) == (theirs.kernel_size, theirs.stride, theirs.padding)
