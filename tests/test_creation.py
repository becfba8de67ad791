"""Making tensors: from data, filled, ranges, random (with explicit generators), *_like."""
import json

import numpy as np
import pytest
import torch

import rosenblatt as rb


def _same_dtype(r, t):
    assert str(r.dtype) == str(t.dtype).removeprefix("torch."), (r.dtype, t.dtype)


# ---------------------------------------------------------------- from data
@pytest.mark.parametrize("data", [1.5, 3, True, [1.0, 2.0], [[1, 2], [3, 4]], [True, False],
                                  [1, 2.5], [], np.array([1.0, 2.0]), np.array([1, 2], dtype=np.int32),
                                  np.float64(2.0)])
def test_tensor_dtype_and_values_match_torch(data):
    r, t = rb.tensor(data), torch.tensor(data)
    _same_dtype(r, t)
    assert r.shape == tuple(t.shape)
    np.testing.assert_array_equal(r.numpy(), t.numpy())


@pytest.mark.parametrize("data", [[np.float64(1.5)], [np.float16(1.5)], [np.int32(1)], [np.uint8(1), True],
                                  [True, np.int32(2)], [np.float64(1.5), 1], [np.float32(1), np.float64(1.5)],
                                  [np.int32(1), 1.5], [[np.float64(1.5)], [1.0]], [[], []],
                                  [np.array([1], np.int32), np.array([2], np.int32)]])
@pytest.mark.parametrize("make", ["tensor", "as_tensor"])
def test_tensor_of_a_list_of_numpy_numbers_and_arrays_promotes_their_dtypes_as_torch(data, make):
    # PyTorch promotes the elements' dtypes (a Python float's float32, an int's int64); NumPy's
    # dtype cast to those defaults made [numpy.float64(1.5)] float32 and [numpy.int32(1)] int64.
    r, t = getattr(rb, make)(data), getattr(torch, make)(data)
    _same_dtype(r, t)
    np.testing.assert_array_equal(r.numpy(), t.numpy())


def test_tensor_of_a_list_of_0d_float64_tensors_is_float64_as_torch():
    data = [rb.tensor(1.5, dtype=rb.float64), rb.tensor(2.5, dtype=rb.float64)]
    _same_dtype(rb.tensor(data), torch.tensor([torch.tensor(1.5, dtype=torch.float64)] * 2))


def test_tensor_copies_its_data():
    a = np.array([1.0, 2.0])
    t = rb.tensor(a)
    a[0] = 9.0
    assert t.numpy()[0] == 1.0
    u = rb.tensor(t)
    t.data[1] = 7.0
    assert u.numpy()[1] == 2.0


def test_tensor_with_dtype_and_requires_grad():
    t = rb.tensor([[1, 2], [3, 4]], dtype=rb.float64, requires_grad=True)
    assert t.dtype == rb.float64 and t.requires_grad and t.is_leaf


def test_python_floats_with_float64_dtype_are_not_rounded_through_float32():
    for make in (rb.tensor, rb.as_tensor):
        assert make([0.1, 1 / 3], dtype=rb.float64).tolist() == torch.tensor([0.1, 1 / 3], dtype=torch.float64).tolist()
    assert rb.tensor(0.1, dtype=rb.float64).item() == 0.1


def test_tensor_from_list_of_0d_tensors():
    r = rb.tensor([rb.tensor(1.0), rb.tensor(2.0)])
    t = torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])
    _same_dtype(r, t)
    np.testing.assert_array_equal(r.numpy(), t.numpy())


def test_from_numpy_shares_memory_both_ways_and_keeps_dtype():
    a = np.array([1.0, 2.0], dtype=np.float64)
    t = rb.from_numpy(a)
    assert t.dtype == rb.float64
    a[0] = 5.0
    assert t.tolist() == [5.0, 2.0]
    t.add_(1.0)
    np.testing.assert_array_equal(a, [6.0, 3.0])


def test_from_numpy_rejects_lists():
    with pytest.raises(TypeError, match="from_numpy"):
        rb.from_numpy([1.0, 2.0])


def test_as_tensor_shares_memory_when_it_can():
    a = np.zeros(3, dtype=np.float32)
    t = rb.as_tensor(a)
    t.data[0] = 1.0
    assert a[0] == 1.0
    assert rb.as_tensor(t) is t
    converted = rb.as_tensor(a, dtype=rb.float64)
    assert converted.dtype == rb.float64
    _same_dtype(rb.as_tensor([1, 2]), torch.as_tensor([1, 2]))
    _same_dtype(rb.as_tensor([1.0, 2]), torch.as_tensor([1.0, 2]))


# ------------------------------------------------------------------ filled
@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("size", [(2, 3), ((2, 3),), ([4],), ((),), (0, 2)])
def test_filled_accept_varargs_and_tuples(name, size):
    r, t = getattr(rb, name)(*size), getattr(torch, name)(*size)
    assert r.shape == tuple(t.shape)
    _same_dtype(r, t)
    if name != "empty":
        np.testing.assert_array_equal(r.numpy(), t.numpy())


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("dtype", ["float64", "int64", "bool", "float32"])
def test_filled_dtypes(name, dtype):
    r = getattr(rb, name)(2, 2, dtype=getattr(rb, dtype if dtype != "bool" else "bool"))
    t = getattr(torch, name)(2, 2, dtype=getattr(torch, dtype))
    _same_dtype(r, t)


@pytest.mark.parametrize("value", [7, 2.5, True, -3, np.float64(2.5), np.int32(4)])
def test_full_dtype_follows_fill_value_like_torch(value):
    r, t = rb.full((2, 3), value), torch.full((2, 3), value)
    _same_dtype(r, t)
    np.testing.assert_array_equal(r.numpy(), t.numpy())


@pytest.mark.parametrize("make", [lambda m: m.tensor(1.5, dtype=m.float64), lambda m: m.tensor(3, dtype=m.int32),
                                  lambda m: m.tensor(True), lambda m: m.tensor(1.5, dtype=m.float16)])
def test_full_of_a_0d_tensor_takes_its_number_as_torch(make):
    # A float64 0-d value gave float64 (torch: float32, as for the Python float).
    r, t = rb.full((2,), make(rb)), torch.full((2,), make(torch))
    _same_dtype(r, t)
    assert r.tolist() == t.tolist()


def test_full_with_explicit_dtype_and_requires_grad():
    r = rb.full((2,), 1, dtype=rb.float32, requires_grad=True)
    assert r.dtype == rb.float32 and r.requires_grad


def test_zeros_requires_grad_gives_leaf():
    w = rb.zeros(3, requires_grad=True)
    (w + 1.0).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [1.0, 1.0, 1.0])


# ------------------------------------------------------------------- ranges
@pytest.mark.parametrize("args", [(5,), (2, 7), (10, 0, -3), (1, 2, 0.5), (0.0, 1.0, 0.1),
                                  (5.0,), (1, 2.5), (0, 1, 0.3), (-1.5, 1.5, 0.25), (3, 3)])
def test_arange_like_torch(args):
    r, t = rb.arange(*args), torch.arange(*args)
    _same_dtype(r, t)
    assert r.shape == tuple(t.shape)
    np.testing.assert_allclose(r.numpy(), t.numpy(), rtol=1e-6, atol=1e-7)


def test_arange_with_dtype():
    r = rb.arange(4, dtype=rb.float64)
    assert r.dtype == rb.float64
    np.testing.assert_array_equal(r.numpy(), [0.0, 1.0, 2.0, 3.0])


def test_arange_zero_step_raises():
    with pytest.raises(ValueError, match="step"):
        rb.arange(0, 5, 0)


@pytest.mark.parametrize("args", [(5, 0), (0, 5, -1), (1.0, 0.0, 0.5)])
def test_arange_bounds_against_the_step_sign_raise_like_torch(args):
    with pytest.raises(RuntimeError):
        torch.arange(*args)
    with pytest.raises(ValueError, match="arange.*step sign"):
        rb.arange(*args)


@pytest.mark.parametrize("args", [(0, float("inf")), (0, float("nan")), (0.0, 1.0, float("nan"))])
def test_arange_of_a_non_finite_range_raises_like_torch(args):
    with pytest.raises(RuntimeError):
        torch.arange(*args)
    with pytest.raises(ValueError, match=r"arange\(\): unsupported range"):
        rb.arange(*args)


@pytest.mark.parametrize("make", [lambda m: (np.int64(4),), lambda m: (m.tensor(4),),
                                  lambda m: (m.tensor(1), np.int32(7), m.tensor(2)),
                                  lambda m: (m.tensor(4.0),), lambda m: (0, np.float64(1.0), 0.25)])
def test_arange_of_numpy_numbers_and_zero_dim_tensors_like_torch(make):
    # An int64 0-d tensor or NumPy integer gives an int64 range, as a Python int does.
    r, t = rb.arange(*make(rb)), torch.arange(*make(torch))
    _same_dtype(r, t)
    np.testing.assert_allclose(r.numpy(), t.numpy())


@pytest.mark.parametrize("args", [(1, 2.5, 0.5), (-1, 1, 0.3), (10, 0, -1.5), (0.5, 5.5, 1), (0, 100, 7.3),
                                  (-2.5, 3, 1.7), (0, 3, 0.5), (2 ** 60, 2 ** 60 + 3, 1), (-0.5, 0.5, 1)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int8"])
def test_arange_with_an_integer_dtype_like_torch(args, dtype):
    # PyTorch truncates the start and the step first: arange(1, 2.5, 0.5, dtype=int32) is [1, 1, 1]
    # (it was [1, 1, 2]); int64 takes the length from the truncated bounds, so a step that
    # truncates to 0 is an error there.
    try:
        want = torch.arange(*args, dtype=getattr(torch, dtype))
    except ValueError:
        with pytest.raises(ValueError, match="arange.*truncates to 0 in int64"):
            rb.arange(*args, dtype=np.dtype(dtype))
        return
    got = rb.arange(*args, dtype=np.dtype(dtype))
    _same_dtype(got, want)
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize("args", [(0, 1, 5), (-2.0, 3.0, 7), (1, 1, 1), (0, 1, 0), (3, -3, 4)])
def test_linspace_like_torch(args):
    r, t = rb.linspace(*args), torch.linspace(*args)
    _same_dtype(r, t)
    np.testing.assert_allclose(r.numpy(), t.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("args", [(0, 10, 5), (-10, 0, 5), (0, 1, 5), (3, -4, 6), (0, 100, 7), (0.5, 9.7, 4),
                                  (-0.9, 2.9, 3), (0, 10, 1), (5, 5, 3)])
@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_linspace_with_an_integer_dtype_like_torch(args, dtype):
    # raised "expected a floating point dtype" before
    r, t = rb.linspace(*args, dtype=getattr(rb, dtype)), torch.linspace(*args, dtype=getattr(torch, dtype))
    _same_dtype(r, t)
    assert r.tolist() == t.tolist()


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_linspace_values_are_torchs_to_the_last_bit(dtype):
    # Its kernel: the step in dtype, float32 points one fused multiply-add each (NumPy's
    # linspace was one float32 ulp off in most of these).
    for args in [(-2.0, 3.0, 7), (0.1, 0.9, 9), (-1.7, 2.3, 13), (0, 10, 100), (3, -3, 4), (-9.3, 7.1, 257)]:
        r, t = rb.linspace(*args, dtype=getattr(rb, dtype)), torch.linspace(*args, dtype=getattr(torch, dtype))
        _same_dtype(r, t)
        np.testing.assert_array_equal(r.numpy(), t.numpy())


@pytest.mark.parametrize("make", ["linspace", "logspace"])
@pytest.mark.parametrize("args", [(200, 0, 5), (2, 0, 5), (2.248, 0.412, 36), (3, 1, 3)])
def test_decreasing_ranges_in_uint8_like_torch(make, args):
    # The kernel takes end - start in C's int, not in uint8: NumPy's 0 - 2 wrapped to 254.
    r, t = getattr(rb, make)(*args, dtype=rb.uint8), getattr(torch, make)(*args, dtype=torch.uint8)
    assert r.tolist() == t.tolist()


def test_linspace_of_bool_raises_as_torch():
    with pytest.raises(NotImplementedError):
        torch.linspace(0, 1, 3, dtype=torch.bool)
    with pytest.raises(TypeError, match="linspace.*bool"):  # was NumPy's error on boolean subtract
        rb.linspace(0, 1, 3, dtype=rb.bool)


def test_linspace_float64():
    assert rb.linspace(0, 1, 3, dtype=rb.float64).dtype == rb.float64


@pytest.mark.parametrize("args, kwargs", [
    ((0, 3, 4), {}), ((-10, 10, 5), {}), ((0.1, 3.3, 7), {}), ((0, 1, 5), {"base": 2}), ((3, 0, 4), {}),
    ((-3.3, 0.1, 11), {"base": 3.5}), ((0, 3, 4), {"base": -2}), ((0, 40, 3), {}), ((0, 3, 0), {}),
    ((2, 3, 1), {}), ((0.1, 3, 1), {}), ((0.1, 0.7, 4), {"dtype": "float64"}),
    ((0.1, 3.3, 8), {"dtype": "float16"}), ((0, 1, 5), {"dtype": "int64"}),
    ((0, 1, 5), {"base": 2, "dtype": "int32"}), ((0.5, 2.5, 3), {"dtype": "int64"}),
    ((0.5, 3, 1), {"dtype": "int64"}), ((0, 3, 4), {"dtype": "uint8"})])
def test_logspace_like_torch(args, kwargs):
    # Exactly PyTorch's values: integer dtypes truncate the ends and the powers.
    dtype = kwargs.pop("dtype", None)
    r = rb.logspace(*args, **kwargs, dtype=dtype and getattr(rb, dtype))
    t = torch.logspace(*args, **kwargs, dtype=dtype and getattr(torch, dtype))
    _same_dtype(r, t)
    np.testing.assert_array_equal(r.numpy(), t.numpy())


def test_logspace_arguments_like_torch():
    r, t = rb.logspace(rb.tensor(0.0), rb.tensor(3.0), 4), torch.logspace(torch.tensor(0.0), torch.tensor(3.0), 4)
    np.testing.assert_array_equal(r.numpy(), t.numpy())
    assert rb.logspace(0, 1, 3, requires_grad=True).requires_grad
    with pytest.raises(ValueError, match="logspace.*non-negative"):
        rb.logspace(0, 1, -1)
    for make in (rb.logspace, rb.linspace):
        with pytest.raises(TypeError, match=f"{make.__name__}.*steps must be an int"):
            make(0, 1, 2.0)
    with pytest.raises(TypeError, match="logspace.*bool"):
        rb.logspace(0, 1, 2, dtype=rb.bool)


@pytest.mark.parametrize("args", [(3,), (2, 4), (4, 2), (0,)])
def test_eye_like_torch(args):
    r, t = rb.eye(*args), torch.eye(*args)
    _same_dtype(r, t)
    np.testing.assert_array_equal(r.numpy(), t.numpy())
    assert rb.eye(2, dtype=rb.int64).dtype == rb.int64


# ------------------------------------------------------------------- random
RANDOM = {
    "rand": lambda g: rb.rand(3, 4, generator=g),
    "randn": lambda g: rb.randn((3, 4), generator=g),
    "randint": lambda g: rb.randint(0, 100, (3, 4), generator=g),
    "randperm": lambda g: rb.randperm(20, generator=g),
    "normal": lambda g: rb.normal(1.0, 2.0, (3, 4), generator=g),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_same_seed_same_numbers_different_seed_different(name):
    make = RANDOM[name]
    a = make(rb.Generator(1)).numpy()
    b = make(rb.Generator().manual_seed(1)).numpy()
    c = make(rb.Generator(2)).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_generator_advances_between_calls(name):
    g = rb.Generator(0)
    assert not np.array_equal(RANDOM[name](g).numpy(), RANDOM[name](g).numpy())


@pytest.mark.parametrize("name", ["rand", "randn"])
def test_manual_seed_drives_the_default_generator(name):
    fn = getattr(rb, name)
    rb.manual_seed(123)
    a = fn(5).numpy()
    rb.manual_seed(123)
    b = fn(5).numpy()
    rb.manual_seed(124)
    c = fn(5).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert rb.initial_seed() == 124


def test_explicit_generator_is_independent_of_default():
    rb.manual_seed(0)
    a = rb.randn(4).numpy()
    rb.manual_seed(0)
    rb.randn(4, generator=rb.Generator(99))
    b = rb.randn(4).numpy()
    np.testing.assert_array_equal(a, b)


def test_random_dtypes_shapes_and_ranges():
    g = rb.Generator(0)
    u = rb.rand(1000, generator=g)
    assert u.dtype == rb.float32 and u.shape == (1000,)
    assert 0.0 <= u.numpy().min() and u.numpy().max() < 1.0
    n = rb.randn(2, 3, generator=g, dtype=rb.float64)
    assert n.dtype == rb.float64 and n.shape == (2, 3)
    i = rb.randint(3, 7, (500,), generator=g)
    assert i.dtype == rb.int64 and set(np.unique(i.numpy())) == {3, 4, 5, 6}
    short = rb.randint(5, (2, 2), generator=g)          # torch's randint(high, size)
    assert short.shape == (2, 2) and short.numpy().min() >= 0 and short.numpy().max() < 5
    p = rb.randperm(10, generator=g)
    assert p.dtype == rb.int64 and sorted(p.tolist()) == list(range(10))
    assert rb.rand(3, requires_grad=True).requires_grad


@pytest.mark.parametrize("mean, std", [((2, 1), (3,)), ((2, 3), None), (None, (4,))])
def test_normal_from_tensors_has_torchs_shape_dtype_and_zero_gradients(mean, std):
    def make(lib, shape, value, dtype):
        return value if shape is None else lib.full(shape, value, dtype=dtype, requires_grad=True)
    for dtype in ("float32", "float64"):
        ours = [make(rb, mean, 1.0, getattr(rb, dtype)), make(rb, std, 2.0, getattr(rb, dtype))]
        theirs = [make(torch, mean, 1.0, getattr(torch, dtype)), make(torch, std, 2.0, getattr(torch, dtype))]
        got, want = rb.normal(*ours), torch.normal(*theirs)
        assert got.shape == tuple(want.shape) and str(got.dtype) == dtype == str(want.dtype).split(".")[1]
        assert got.requires_grad and want.requires_grad
        got.sum().backward()
        want.sum().backward()
        for o, t in zip(ours, theirs):
            if isinstance(o, rb.Tensor):
                assert np.array_equal(o.grad.numpy(), t.grad.numpy()) and not o.grad.numpy().any()


def test_normal_from_tensors_draws_each_elements_own_distribution():
    mean = rb.tensor([0.0, 10.0, -5.0]).expand(20000, 3)
    std = rb.tensor([1.0, 0.5, 3.0])
    x = rb.normal(mean, std, generator=rb.Generator(1)).numpy()
    np.testing.assert_allclose(x.mean(0), [0.0, 10.0, -5.0], atol=0.06)
    np.testing.assert_allclose(x.std(0), [1.0, 0.5, 3.0], rtol=0.03)
    assert np.array_equal(rb.normal(mean, std, generator=rb.Generator(1)).numpy(), x)  # same seed, same draw


def test_normal_errors_name_the_fix():
    with pytest.raises(ValueError, match=r"normal\(\): expected all elements of std >= 0.0"):
        rb.normal(rb.zeros(3), rb.tensor([-1.0, 1.0, 1.0]))
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        torch.normal(torch.zeros(3), torch.tensor([-1.0, 1.0, 1.0]))
    with pytest.raises(TypeError, match=r"normal\(\): with a number mean and std, give the size"):
        rb.normal(0.0, 1.0)
    with pytest.raises(TypeError, match=r"normal\(\): size is taken from the tensor"):
        rb.normal(rb.zeros(3), 1.0, (3,))
    with pytest.raises(TypeError, match=r"normal\(\): expected a floating mean and std, got int64"):
        rb.normal(rb.tensor([1, 2]), 1.0)


def test_normal_statistics():
    x = rb.normal(3.0, 0.5, (20000,), generator=rb.Generator(0)).numpy()
    assert abs(x.mean() - 3.0) < 0.02 and abs(x.std() - 0.5) < 0.02


def test_random_rejects_bad_arguments():
    with pytest.raises(ValueError, match="low < high"):
        rb.randint(5, 5, (2,))
    with pytest.raises(TypeError, match="floating point"):
        rb.rand(2, dtype=rb.int64)
    with pytest.raises(TypeError, match="Generator"):
        rb.rand(2, generator=np.random.default_rng(0))


def test_generator_state_round_trips_through_json():
    g = rb.Generator(5)
    rb.rand(7, generator=g)
    state = json.loads(json.dumps(g.get_state()))
    a = rb.randn(6, generator=g).numpy()
    h = rb.Generator(0).set_state(state)
    b = rb.randn(6, generator=h).numpy()
    g.set_state(state)
    c = rb.randn(6, generator=g).numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert h.initial_seed() == 5


def test_default_rng_state_round_trip():
    rb.manual_seed(7)
    state = json.loads(json.dumps(rb.get_rng_state()))
    a = rb.rand(5).numpy()
    rb.set_rng_state(state)
    np.testing.assert_array_equal(rb.rand(5).numpy(), a)


# -------------------------------------------------------------------- *_like
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("name, args", [("zeros_like", ()), ("ones_like", ()), ("empty_like", ()),
                                        ("full_like", (3,))])
def test_filled_like_keep_shape_and_dtype(name, args, dtype):
    src, srct = rb.zeros(2, 3, dtype=getattr(rb, dtype)), torch.zeros(2, 3, dtype=getattr(torch, dtype))
    r, t = getattr(rb, name)(src, *args), getattr(torch, name)(srct, *args)
    assert r.shape == (2, 3)
    _same_dtype(r, t)
    if name != "empty_like":
        np.testing.assert_array_equal(r.numpy(), t.numpy())
    assert getattr(rb, name)(src, *args, dtype=rb.float64).dtype == rb.float64


def test_random_like():
    src = rb.zeros(3, 2, dtype=rb.float64)
    g = rb.Generator(0)
    assert rb.rand_like(src, generator=g).dtype == rb.float64
    assert rb.randn_like(src).shape == (3, 2)
    assert rb.randn_like(rb.zeros(4)).dtype == rb.float32
    a = rb.randn_like(src, generator=rb.Generator(3)).numpy()
    np.testing.assert_array_equal(a, rb.randn_like(src, generator=rb.Generator(3)).numpy())
    i = rb.randint_like(rb.zeros(50, dtype=rb.int64), 2, 4)
    assert i.dtype == rb.int64 and set(np.unique(i.numpy())) <= {2, 3}


@pytest.mark.parametrize("make", [
    lambda lib: lib.randint(0, 5, (3,), dtype=lib.float32, requires_grad=True),
    lambda lib: lib.randperm(3, dtype=lib.float64, requires_grad=True),
    lambda lib: lib.normal(0.0, 1.0, (3,), requires_grad=True),
    lambda lib: lib.rand_like(lib.ones(2), requires_grad=True),
    lambda lib: lib.randn_like(lib.ones(2), requires_grad=True),
    lambda lib: lib.randint_like(lib.ones(2), 5, requires_grad=True),
])
def test_random_creation_takes_requires_grad_like_torch(make):
    # these raised "unexpected keyword argument 'requires_grad'"
    r, t = make(rb), make(torch)
    _same_dtype(r, t)
    assert r.requires_grad and t.requires_grad and r.is_leaf and r.shape == tuple(t.shape)


@pytest.mark.parametrize("call", [lambda lib: lib.randperm(-1), lambda lib: lib.randperm(3.0),
                                  lambda lib: lib.randint(0.5, 3.5, (2,)),
                                  lambda lib: lib.normal(0.0, -1.0, (2,))])
def test_random_creation_rejects_what_torch_rejects(call):
    # randperm(-1) gave an empty tensor and randint(0.5, 3.5) truncated its bounds, silently
    with pytest.raises((RuntimeError, TypeError)):
        call(torch)
    with pytest.raises((ValueError, TypeError), match=r"(randperm|randint|normal)\(\)"):
        call(rb)


@pytest.mark.parametrize("seed", [-1, -2**63, 2**64 - 1])
def test_manual_seed_takes_torch_s_range(seed):
    # a negative seed was stored as is and broke every later random call of the generator
    g = rb.Generator().manual_seed(seed)
    assert g.initial_seed() == torch.Generator().manual_seed(seed).initial_seed()
    np.testing.assert_array_equal(rb.rand(3, generator=g).numpy(), rb.rand(3, generator=rb.Generator(seed % 2**64)).numpy())
    with pytest.raises(ValueError, match=r"manual_seed\(\): seed must be in"):
        rb.Generator().manual_seed(2**64)


@pytest.mark.parametrize("call", [lambda lib: lib.zeros(), lambda lib: lib.ones(2.0),
                                  lambda lib: lib.randn(2, 1.5), lambda lib: lib.ones(2).reshape()])
def test_sizes_must_be_given_as_integers(call):
    for lib in (rb, torch):
        with pytest.raises(TypeError):
            call(lib)
    assert rb.zeros(()).shape == rb.ones([]).shape == rb.zeros(rb.tensor(2)).shape[1:] == ()


@pytest.mark.parametrize("value", [2**63, -2**63 - 1, 2**64, [1, 2, 2**70]])
def test_integers_outside_int64_raise(value):
    with pytest.raises(ValueError, match="Overflow"):
        torch.tensor(value)
    with pytest.raises(ValueError, match=r"tensor: .* outside int64's range"):
        rb.tensor(value)
    assert rb.tensor(2**63 - 1).item() == 2**63 - 1 and rb.tensor(-2**63).item() == -2**63


@pytest.mark.parametrize("make", [lambda m: m.tensor([-1, 2], dtype=m.uint8), lambda m: m.tensor(-255, dtype=m.uint8),
                                  lambda m: m.as_tensor([[-1], [2]], dtype=m.uint8), lambda m: m.full((2,), -1, dtype=m.uint8),
                                  lambda m: m.full_like(m.zeros(2, dtype=m.uint8), -1), lambda m: m.tensor([-256], dtype=m.uint8),
                                  lambda m: m.tensor([2 ** 31], dtype=m.int32), lambda m: m.full((2,), 300, dtype=m.uint8),
                                  lambda m: m.full((2,), 1e6, dtype=m.float16), lambda m: m.full((1,), 2 ** 63)])
def test_numbers_outside_an_integer_dtype_as_torch(make):
    # PyTorch wraps an int into an unsigned dtype from -max on (-1 is 255 in uint8) and raises a
    # RuntimeError outside the range; NumPy raised OverflowError for both.
    try:
        expected = make(torch)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="cannot be converted to .* without overflow"):
            make(rb)
        return
    out = make(rb)
    _same_dtype(out, expected)
    assert out.tolist() == expected.tolist()


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "uint8"])
def test_small_integer_dtypes_are_exported_like_torch(name):
    # rb.int8 and rb.int16 were missing (NumPy's dtypes worked, under no rosenblatt name)
    dtype = getattr(rb, name)
    assert dtype == np.dtype(name)
    for make in (lambda m, d: m.zeros(3, dtype=d), lambda m, d: m.tensor([1, -2, 100], dtype=d) * 2,
                 lambda m, d: m.arange(4, dtype=d) + m.ones(4, dtype=m.uint8),
                 lambda m, d: m.full((2,), 5, dtype=d) * 1.5):
        got, want = make(rb, dtype), make(torch, getattr(torch, name))
        _same_dtype(got, want)
        assert got.tolist() == want.tolist()
    assert rb.tensor([1.7, -2.7]).to(dtype).dtype == dtype


def test_multinomial_draws_as_torch_does():
    probs = rb.tensor([[0.0, 0.2, 0.8], [1.0, 1.0, 0.0]])
    for replacement in (False, True):
        out = rb.multinomial(probs, 2, replacement=replacement, generator=rb.Generator().manual_seed(1))
        expected = torch.multinomial(torch.tensor(probs.tolist()), 2, replacement=replacement)
        assert out.shape == tuple(expected.shape) and out.dtype == rb.int64
        assert not (probs.numpy()[np.arange(2)[:, None], out.numpy()] == 0).any()  # never a zero weight
        if not replacement:
            assert (out.numpy()[:, 0] != out.numpy()[:, 1]).all()
    draws = rb.multinomial(rb.tensor([1.0, 3.0]), 20000, replacement=True, generator=rb.Generator().manual_seed(0))
    assert abs(draws.float().mean().item() - 0.75) < 0.02 and draws.shape == (20000,)
    same = [rb.multinomial(rb.tensor([1.0, 1.0, 1.0]), 3, generator=rb.Generator().manual_seed(5)).tolist() for _ in range(2)]
    assert same[0] == same[1] and sorted(same[0]) == [0, 1, 2]
    for bad, match in [(lambda: rb.multinomial(rb.tensor([0.0, 1.0]), 2), "without replacement"),
                       (lambda: rb.multinomial(rb.tensor([-1.0, 1.0]), 1), "non-negative"),
                       (lambda: rb.multinomial(rb.tensor([1, 2]), 1), "floating")]:
        with pytest.raises(ValueError, match=match):
            bad()


def test_bernoulli_as_torch():
    probs = rb.tensor([0.0, 1.0, 0.0, 1.0], dtype=rb.float64)
    assert rb.bernoulli(probs).tolist() == torch.bernoulli(torch.tensor(probs.tolist(), dtype=torch.float64)).tolist()
    assert probs.bernoulli().dtype == rb.float64
    draws = rb.bernoulli(rb.full((20000,), 0.3), generator=rb.Generator().manual_seed(0))
    assert abs(draws.mean().item() - 0.3) < 0.02 and draws.dtype == rb.float32
    assert abs(rb.zeros(20000).bernoulli(0.8).mean().item() - 0.8) < 0.02
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        rb.bernoulli(rb.tensor([1.5]))
