"""The Tensor API: dtypes, conversion, attributes, repr, iteration, truth value."""
import re

import numpy as np
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op


# ------------------------------------------------------------------- dtypes
def test_default_dtypes_like_torch():
    assert rb.tensor(1.0).dtype == rb.float32 and torch.tensor(1.0).dtype == torch.float32
    assert rb.tensor([1, 2]).dtype == rb.int64
    assert rb.tensor([True]).dtype == rb.bool
    assert rb.tensor(np.array([1.0], dtype=np.float64)).dtype == rb.float64
    assert rb.Tensor([1.0, 2.0]).dtype == rb.float32
    assert rb.Tensor(np.zeros(2, dtype=np.float64)).dtype == rb.float64


def test_float32_stays_float32_through_ops():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    y = ((x * 2 + 1.5) / 3.0 - x ** 2).exp().sum()
    assert y.dtype == rb.float32
    y.backward()
    assert x.grad.dtype == rb.float32


def test_float64_is_kept():
    x = rb.tensor([1.0, 2.0], dtype=rb.float64, requires_grad=True)
    y = (x * 0.5 + 1).tanh().sum()
    assert y.dtype == rb.float64
    y.backward()
    assert x.grad.dtype == rb.float64


# ----------------------------------------------------------- requires_grad
def test_requires_grad_and_grad_attribute():
    x = rb.tensor([1.0, 2.0])
    assert not x.requires_grad and x.grad is None
    assert x.requires_grad_() is x and x.requires_grad
    (x * 3.0).sum().backward()
    assert isinstance(x.grad, rb.Tensor)
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    x.grad = None
    assert x.grad is None
    x.requires_grad_(False)
    assert not (x * 2).requires_grad


def test_requires_grad_false_on_non_leaf_raises():
    y = rb.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="detach"):
        y.requires_grad_(False)


def test_detach_():
    y = rb.tensor([1.0], requires_grad=True) * 2
    assert y.detach_() is y
    assert y.is_leaf and not y.requires_grad


# --------------------------------------------------------------- conversion
def test_numpy_shares_memory():
    t = rb.zeros(3)
    a = t.numpy()
    a[1] = 4.0
    assert t.tolist() == [0.0, 4.0, 0.0]
    t.add_(1.0)
    np.testing.assert_array_equal(a, [1.0, 5.0, 1.0])


def test_numpy_of_tensor_requiring_grad_raises_and_detach_works():
    x = rb.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 1.0])


def test_item():
    assert rb.tensor(2.5).item() == 2.5 and isinstance(rb.tensor(2.5).item(), float)
    assert rb.tensor([[7]]).item() == 7 and isinstance(rb.tensor([[7]]).item(), int)
    assert rb.tensor(True).item() is True
    with pytest.raises(ValueError, match=r"\(2,\)"):
        rb.tensor([1.0, 2.0]).item()
    assert float(rb.tensor([1.5])) == 1.5 and int(rb.tensor(3)) == 3


def test_tolist_like_torch():
    data = [[1.0, 2.5], [3.0, -4.0]]
    assert rb.tensor(data).tolist() == torch.tensor(data).tolist()
    assert rb.tensor([[1, 2]]).tolist() == [[1, 2]]
    assert rb.tensor(3.0).tolist() == 3.0


@pytest.mark.parametrize("method, dtype", [("float", rb.float32), ("double", rb.float64),
                                           ("long", rb.int64), ("int", rb.int32),
                                           ("bool", rb.bool), ("half", rb.float16)])
def test_dtype_conversion_methods(method, dtype):
    t = getattr(rb.tensor([0.0, 1.5, -2.0]), method)()
    tt = getattr(torch.tensor([0.0, 1.5, -2.0]), method)()
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), tt.numpy())


def test_astype_and_to():
    t = rb.tensor([1, 2])
    assert t.astype(rb.float64).dtype == rb.float64
    assert t.to(rb.float32).dtype == rb.float32
    assert t.to(dtype=rb.float64).dtype == rb.float64
    assert t.to("cpu") is t
    assert t.astype(rb.int64) is t or t.astype(rb.int64).dtype == rb.int64
    with pytest.raises(ValueError, match="cuda"):
        t.to("cuda")


def test_gradient_flows_through_float_double_conversions():
    x = rb.tensor([1.0, -2.0], requires_grad=True)
    xt = torch.tensor([1.0, -2.0], requires_grad=True)
    ((x.double() ** 3).float() * 2.0).sum().backward()
    ((xt.double() ** 3).float() * 2.0).sum().backward()
    assert x.grad.dtype == rb.float32
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())

    z = rb.tensor([0.5], dtype=rb.float64, requires_grad=True)
    z.astype(rb.float32).exp().sum().backward()
    assert z.grad.dtype == rb.float64
    np.testing.assert_allclose(z.grad.numpy(), np.exp([0.5]), rtol=1e-6)


def test_conversion_to_int_cuts_the_graph():
    x = rb.tensor([1.5], requires_grad=True)
    assert not x.long().requires_grad


@pytest.mark.parametrize("method", ["long", "int", "short", "char", "byte", "bool", "half", "double"])
def test_dtype_conversion_methods_like_torch(method):
    """Each shorthand gives PyTorch's dtype and values (floats truncated toward 0, in range)."""
    data = np.array([[0.0, 1.9, -2.7], [100.2, 3.0, -0.5]], dtype=np.float32)
    if method == "byte":
        data = np.abs(data)
    ours, theirs = getattr(rb.tensor(data), method)(), getattr(torch.tensor(data), method)()
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# --------------------------------------------------------------- attributes
def test_shape_attributes_like_torch():
    data = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    r, t = rb.tensor(data), torch.tensor(data)
    assert r.shape == tuple(t.shape) == (2, 3, 4)
    assert r.ndim == t.ndim == r.dim() == 3
    assert r.size() == tuple(t.size())
    assert r.size(1) == t.size(1) == 3 and r.size(-1) == t.size(-1) == 4
    assert r.numel() == t.numel() == 24
    assert len(r) == len(t) == 2
    assert r.T.shape == (4, 3, 2)
    np.testing.assert_array_equal(r.T.numpy(), data.transpose(2, 1, 0))
    assert rb.zeros(2, 5).T.shape == (5, 2)
    assert rb.zeros(3, 2, 5).mT.shape == (3, 5, 2)
    assert r.device == rb.device("cpu") and str(r.device) == "cpu" and r.is_floating_point() and not rb.tensor([1]).is_floating_point()


@pytest.mark.parametrize("name", ["mT", "mH"])
def test_matrix_transposes_refuse_fewer_than_two_dims_as_torch(name):
    with pytest.raises(RuntimeError, match="only supported on matrices"):
        getattr(torch.zeros(3), name)
    with pytest.raises(ValueError, match=r"tensor.mT is only supported on matrices .* got a 1-D tensor"):
        getattr(rb.zeros(3), name)


def test_T_is_differentiable():
    x = rb.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    w = rb.tensor(np.arange(6.0).reshape(3, 2) + 1.0)
    (x.T * w).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w.numpy().T)


def test_len_of_0d_raises():
    with pytest.raises(TypeError, match="0-d"):
        len(rb.tensor(1.0))


# ------------------------------------------------------------------- repr
def test_repr_shows_values_and_grad_info():
    x = rb.tensor([1.0, 2.5], requires_grad=True)
    assert "1." in repr(x) and "2.5" in repr(x)
    assert "requires_grad=True" in repr(x)
    y = x * 2
    assert "grad_fn" in repr(y) and "Mul" in repr(y)
    assert "grad_fn" not in repr(rb.tensor([1.0]))
    assert "requires_grad" not in repr(rb.tensor([1.0]))
    assert repr(rb.tensor([1, 2])).startswith("tensor(")
    assert "float64" in repr(rb.tensor([1.0], dtype=rb.float64))
    assert "float32" not in repr(rb.tensor([1.0]))
    assert repr(rb.tensor(3.0)) == "tensor(3.)"


# ------------------------------------------------------- iteration and bool
def test_iteration_yields_rows_that_carry_gradient():
    x = rb.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    rows = list(x)
    assert len(rows) == 3 and all(r.shape == (2,) for r in rows)
    np.testing.assert_array_equal(rows[2].detach().numpy(), [4.0, 5.0])
    (rows[0] * 1.0 + rows[2] * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]])
    with pytest.raises(TypeError):
        iter(rb.tensor(1.0))


def test_bool_like_torch():
    assert bool(rb.tensor(1.0)) and not bool(rb.tensor([0.0]))
    assert bool(rb.tensor([[True]]))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(rb.tensor([1.0, 2.0]))
    if rb.tensor(2.0) > 1.0:
        hit = True
    assert hit


def test_tensor_as_index():
    assert [10, 20, 30][rb.tensor(1)] == 20
    with pytest.raises(TypeError):
        [1, 2][rb.tensor(1.0)]


def test_hash_is_identity():
    a, b = rb.tensor([1.0]), rb.tensor([1.0])
    assert len({a, b}) == 2
    assert {a: 1}[a] == 1


def test_numpy_array_conversion_and_reflected_ops():
    t = rb.tensor([1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(t), [1.0, 2.0])
    out = np.array([1.0, 1.0], dtype=np.float32) + t
    assert isinstance(out, rb.Tensor)
    np.testing.assert_array_equal(out.numpy(), [2.0, 3.0])


# ------------------------------------------------------------------ bitwise operators
@pytest.mark.parametrize("op", [lambda x, y: x & y, lambda x, y: x | y, lambda x, y: x ^ y,
                                lambda x, y: ~x, lambda x, y: 6 & x, lambda x, y: True | y,
                                lambda x, y: 3 ^ x, lambda x, y: y & (x > 2)],
                         ids=["and", "or", "xor", "not", "rand", "ror", "rxor", "bool_with_mask"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
def test_bitwise_operators_like_torch(op, dtype):
    # On integers the operators work on bits (~5 is -6, 5 & 3 is 1), on bools logically.
    x_values, y_values = np.array([5, 0, 3, -2]).astype(dtype), np.array([3, 1, 6, 7]).astype(dtype)
    out = op(rb.tensor(x_values), rb.tensor(y_values))
    expected = op(torch.tensor(x_values), torch.tensor(y_values))
    assert str(out.dtype) == str(expected.dtype).replace("torch.", "")
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_bitwise_operators_refuse_floats():
    with pytest.raises(TypeError, match="bitwise_and"):
        rb.ones(2) & rb.ones(2)
    with pytest.raises(TypeError, match="bitwise_not"):
        ~rb.ones(2)


# ------------------------------------------------------------------ retain_grad and hooks
@pytest.mark.parametrize("retain_first", [True, False])
def test_retain_grad_keeps_the_gradient_after_every_hook(retain_first):
    # PyTorch runs the retain_grad hook after the tensor's other hooks, whatever the order
    # they were registered in.
    grads = []
    for m in (rb, torch):
        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        h = x * 2
        if retain_first:
            h.retain_grad()
        h.register_hook(lambda g: g * 10)
        if not retain_first:
            h.retain_grad()
        (h * h).sum().backward()
        grads.append((np.asarray(h.grad.tolist()), np.asarray(x.grad.tolist())))
    np.testing.assert_allclose(grads[0][0], grads[1][0])
    np.testing.assert_allclose(grads[0][1], grads[1][1])


def test_retain_grad_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="retain_grad"):
        rb.ones(2).retain_grad()


@pytest.mark.parametrize("shape, dim", [((2, 3, 4), 3), ((2, 3, 4), -4), ((), 0)])
def test_size_of_a_dim_out_of_range_names_the_range(shape, dim):
    with pytest.raises(IndexError):
        torch.zeros(shape).size(dim)
    with pytest.raises(IndexError, match=r"size\(\): dimension out of range"):
        rb.zeros(shape).size(dim)
    assert rb.zeros(2, 3, 4).size(-3) == torch.zeros(2, 3, 4).size(-3) == 2


def test_comparison_with_none_or_a_string_is_identity_like_torch():
    x = rb.tensor([1.0, 2.0])
    assert (x == None) is (torch.tensor([1.0]) == None) is False  # noqa: E711
    assert (x != None) is True  # noqa: E711
    assert (x == "auto") is False and x not in (None, "auto")
    assert (x == 1.0).tolist() == [True, False]


def test_to_with_copy_gives_a_new_tensor_in_the_graph():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    assert x.to(rb.float32) is x and x.to("cpu") is x
    y = x.to(rb.float32, copy=True)
    assert y is not x and not np.shares_memory(y.data, x.data)
    (y * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert x.to(rb.tensor([1], dtype=rb.float64)).dtype == rb.float64


def test_format_of_zero_dim_tensor_formats_its_number_like_torch():
    for value in (3.14159, 2, True):
        assert f"{rb.tensor(value):.2f}" == f"{torch.tensor(value):.2f}"
        assert f"{rb.tensor(value)}" == f"{torch.tensor(value)}"
    with pytest.raises(TypeError):
        f"{rb.tensor([1.0, 2.0]):.2f}"


def test_backward_takes_torchs_create_graph_and_retain_graph_none():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward(retain_graph=None, create_graph=False)
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    with pytest.raises(NotImplementedError, match="create_graph"):
        (x * x).sum().backward(create_graph=True)


@pytest.mark.parametrize("value, error", [(lambda lib: lib.ones(3), RuntimeError),
                                          (lambda lib: lib.ones(2, dtype=lib.float64), RuntimeError),
                                          (lambda lib: [1.0, 2.0], TypeError)])
def test_assigning_a_grad_checks_it_as_torch(value, error):
    """A wrong shape or dtype used to be accepted and fail later, in opt.step(), with NumPy's error."""
    for lib in (rb, torch):
        p = lib.ones(2, requires_grad=True)
        with pytest.raises(error):
            p.grad = value(lib)
        p.grad = lib.full((2,), 3.0)
        p.grad = None
        assert p.grad is None


@pytest.mark.parametrize("name", ["clamp_min_", "clamp_max_"])
def test_clamp_min_max_in_place_like_torch(name):
    x = np.array([-1.0, 0.5, 2.0, np.nan])
    for bound in (0.5, np.array([0.0, 1.0, np.nan, 0.0])):
        got, want = rb.tensor(x), torch.tensor(x)
        rb_bound, torch_bound = (bound, bound) if isinstance(bound, float) else (rb.tensor(bound), torch.tensor(bound))
        assert getattr(got, name)(rb_bound) is got
        assert_close(got, getattr(want, name)(torch_bound))
    check_op([(3, 4), (4,)], lambda a, b: getattr(a * 1, name)(b))


UNARY_IN_PLACE = ["abs_", "absolute_", "ceil_", "cos_", "exp_", "expm1_", "floor_", "neg_", "negative_",
                  "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sign_", "sin_", "sqrt_", "square_",
                  "tanh_", "trunc_", "log_", "log10_", "log1p_", "log2_", "tril_", "triu_"]


@pytest.mark.parametrize("name", UNARY_IN_PLACE)
def test_unary_in_place_methods_like_torch(name):
    x = np.array([[0.5, 1.5, 2.0], [0.25, 3.0, 1.0]])
    got, want = rb.tensor(x), torch.tensor(x)
    assert getattr(got, name)() is got
    assert_close(got, getattr(want, name)())
    # In the graph: the op's gradient, as torch's (no central differences: x has rounding kinks)
    check_op(None, lambda t: getattr(t * 1, name)(), inputs=[x], gradcheck=False)


@pytest.mark.parametrize("name, args", [("cumsum_", (1,)), ("cumprod_", (0,)), ("clip_", (0.5, 2.0)),
                                        ("fmod_", (0.7,)), ("remainder_", (-0.7,)), ("floor_divide_", (0.7,)),
                                        ("multiply_", (2.0,)), ("subtract_", (2.0,)), ("divide_", (2.0,)),
                                        ("true_divide_", (4.0,)), ("eq_", (1.5,)), ("ne_", (1.5,)), ("lt_", (1.5,)),
                                        ("le_", (1.5,)), ("gt_", (1.5,)), ("ge_", (1.5,)), ("greater_", (1.5,)),
                                        ("less_equal_", (1.5,)), ("not_equal_", (1.5,)), ("logical_not_", ()),
                                        ("logical_and_", (0.0,)), ("logical_or_", (0.0,)), ("logical_xor_", (1.0,))])
def test_in_place_methods_with_arguments_like_torch(name, args):
    x = np.array([[0.5, 1.5, 2.0], [0.0, 3.0, 1.0]])
    got, want = rb.tensor(x), torch.tensor(x)
    rb_args = [rb.tensor(a) if isinstance(a, float) and name.startswith("logical") else a for a in args]
    torch_args = [torch.tensor(a) if isinstance(a, float) and name.startswith("logical") else a for a in args]
    assert getattr(got, name)(*rb_args) is got
    assert_close(got, getattr(want, name)(*torch_args))


@pytest.mark.parametrize("name", ["bitwise_and_", "bitwise_or_", "bitwise_xor_"])
def test_bitwise_in_place_methods_like_torch(name):
    got, want = rb.tensor([[5, 3], [0, 7]]), torch.tensor([[5, 3], [0, 7]])
    assert_close(getattr(got, name)(rb.tensor([6, 1])), getattr(want, name)(torch.tensor([6, 1])))
    assert_close(got.bitwise_not_(), want.bitwise_not_())


def test_in_place_method_errors_name_the_method():
    with pytest.raises(TypeError, match=r"sqrt_\(\): result type float32 can't be cast to the tensor's dtype int64"):
        rb.tensor([1, 4]).sqrt_()
    with pytest.raises(RuntimeError, match=r"exp_\(\): a leaf tensor that requires grad"):
        rb.tensor([1.0], requires_grad=True).exp_()


def test_comparison_methods_with_pytorch_long_names():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    for name in ["greater", "greater_equal", "less", "less_equal", "not_equal"]:
        assert_close(getattr(rb.tensor(x), name)(rb.tensor(y)), getattr(torch.tensor(x), name)(torch.tensor(y)))


@pytest.mark.parametrize("call", [lambda t, m: t.zero_(), lambda t, m: t.fill_(2.0), lambda t, m: t.copy_(m.ones(3)),
                                  lambda t, m: t.eq_(1.0)], ids=["zero_", "fill_", "copy_", "eq_"])
def test_in_place_overwrite_in_the_graph_keeps_requires_grad_like_torch(call):
    # The tensor stays in the graph (it lost requires_grad, so backward raised); its history gets zeros.
    x, y = rb.tensor([1.0, -2.0, 3.0], requires_grad=True), torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    r, t = x * 1, y * 1
    call(r, rb)
    call(t, torch)
    assert r.requires_grad and t.requires_grad
    (r * rb.tensor([1.0, 2.0, 3.0])).sum().backward()
    (t * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert_close(r.detach(), t.detach())
    assert_close(x.grad, y.grad)


@pytest.mark.parametrize("value", [-1, -255, 300])
def test_fill_of_an_int_outside_uint8_as_torch(value):
    # -1 fills 255 as in PyTorch (NumPy raised OverflowError); past -255 or 255 PyTorch's RuntimeError.
    try:
        expected = torch.zeros(2, dtype=torch.uint8).fill_(value).tolist()
    except RuntimeError:
        with pytest.raises(RuntimeError, match=r"fill_\(\): the number 300 cannot be converted to uint8"):
            rb.zeros(2, dtype=rb.uint8).fill_(value)
        return
    assert rb.zeros(2, dtype=rb.uint8).fill_(value).tolist() == expected


@pytest.mark.parametrize("call", [lambda x: x.new_zeros(2, 3), lambda x: x.new_zeros((2, 3), dtype=_library(x).int64),
                                  lambda x: x.new_ones(2), lambda x: x.new_full((2,), 3), lambda x: x.new_full((2,), 2.5),
                                  lambda x: x.new_tensor([1, 2]), lambda x: x.new_tensor([[1.5]], dtype=_library(x).float64),
                                  lambda x: x.new_empty(3).zero_()])
@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_new_methods_take_the_tensors_dtype_as_torch(call, dtype):
    t = torch.zeros(2, dtype=getattr(torch, dtype))
    r = rb.zeros(2, dtype=getattr(rb, dtype))
    expected, out = call(t), call(r)
    assert str(out.dtype) == str(expected.dtype).replace("torch.", "")
    assert out.tolist() == expected.tolist() and out.requires_grad == expected.requires_grad


def test_new_tensor_requires_grad_as_torch():
    assert rb.zeros(2, dtype=rb.float64).new_ones(1, requires_grad=True).requires_grad


def test_is_contiguous_and_contiguous_as_torch():
    t, r = torch.zeros(3, 4), rb.zeros(3, 4)
    for view in [lambda x: x, lambda x: x.t(), lambda x: x[:, ::2], lambda x: x.t().contiguous(), lambda x: x[1:]]:
        assert view(r).is_contiguous() == view(t).is_contiguous()
    assert r.contiguous() is r  # already contiguous: itself, as in PyTorch
    x = rb.arange(6.0, requires_grad=True)
    y = x.reshape(2, 3).t().contiguous()  # a copy, still in the graph
    (y * rb.tensor([[1.0, 2.0]])).sum().backward()
    assert y.is_contiguous() and x.grad.tolist() == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]


def test_is_tensor_numel_and_default_dtype_as_torch():
    assert rb.is_tensor(rb.ones(1)) and not rb.is_tensor([1.0]) and not rb.is_tensor(1.0)
    assert rb.numel(rb.ones(2, 3)) == torch.numel(torch.ones(2, 3)) == 6
    assert rb.get_default_dtype() == rb.float32 and rb.tensor([1.5]).dtype == rb.get_default_dtype()


def _library(x):
    return torch if isinstance(x, torch.Tensor) else rb


def test_t_unbind_and_integer_fill_refuse_what_torch_refuses():
    with pytest.raises(RuntimeError, match="expects a tensor with <= 2 dimensions"):
        torch.zeros(2, 3, 4).t()
    with pytest.raises(ValueError, match=r"t\(\): expects a tensor with <= 2 dimensions, but the input is 3-D"):
        rb.zeros(2, 3, 4).t()
    with pytest.raises(IndexError, match="no dimensions"):
        torch.unbind(torch.tensor(1.0))
    with pytest.raises(IndexError, match="unbind: dimension specified as 0 but the tensor has no dimensions"):
        rb.unbind(rb.tensor(1.0))
    for value, dtype in [(float("nan"), "int64"), (1e30, "int64"), (-1.5, "uint8"), (float("inf"), "int32")]:
        with pytest.raises(RuntimeError, match="without overflow"):
            torch.zeros(2, dtype=getattr(torch, dtype)).fill_(value)
        with pytest.raises(RuntimeError, match=rf"fill_\(\): the number {re.escape(str(value))} cannot be converted to {dtype}"):
            rb.zeros(2, dtype=getattr(rb, dtype)).fill_(value)
    assert rb.zeros(2, dtype=rb.int64).fill_(2.7).tolist() == torch.zeros(2, dtype=torch.int64).fill_(2.7).tolist()
