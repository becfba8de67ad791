"""autograd.functional (vjp, jvp, jacobian; hessian, hvp, vhp) against torch.autograd.functional:
values, return structures (tensor vs tuple), strict mode and errors."""
import numpy
import pytest
import torch
import torch.autograd.functional as TF

import rosenblatt as rb
from rosenblatt.autograd import functional as F


def _pair(*shapes, seed=0):
    """The same float64 values as rosenblatt and torch tensors."""
    rng = numpy.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    return [rb.tensor(a) for a in arrays], [torch.tensor(a) for a in arrays]


def _assert_same(got, want):
    """Same nesting (tensor / tuple), shapes and values."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, rb.Tensor), f"expected a tensor, got {type(got).__name__}"
        assert not got.requires_grad
        assert tuple(got.shape) == tuple(want.shape)
        numpy.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    else:
        assert isinstance(got, tuple) and len(got) == len(want), f"expected a tuple of {len(want)}"
        for g, w in zip(got, want):
            _assert_same(g, w)


def one_in_one_out(x):
    return x.tanh() * x.sum()


def two_in_two_out(x, y):
    return (x @ y).sin(), (x * x).sum()


def unused_second(x, y):
    return x.exp()


@pytest.mark.parametrize("func, shapes, tuple_inputs", [
    (one_in_one_out, [(3,)], False), (one_in_one_out, [(2, 3)], True),
    (two_in_two_out, [(2, 3), (3, 4)], True), (unused_second, [(3,), (2,)], True),
])
def test_jacobian_vjp_jvp_match_torch(func, shapes, tuple_inputs):
    rb_in, torch_in = _pair(*shapes)
    rb_args, torch_args = (tuple(rb_in), tuple(torch_in)) if tuple_inputs else (rb_in[0], torch_in[0])
    _assert_same(F.jacobian(func, rb_args), TF.jacobian(func, torch_args))
    out = func(*torch_in)
    outs = out if isinstance(out, tuple) else (out,)
    rb_v, torch_v = _pair(*[tuple(o.shape) for o in outs], seed=1)
    v_args = (tuple(rb_v), tuple(torch_v)) if isinstance(out, tuple) else (rb_v[0], torch_v[0])
    _assert_same(F.vjp(func, rb_args, v_args[0]), TF.vjp(func, torch_args, v_args[1]))
    rb_u, torch_u = _pair(*shapes, seed=2)
    u_args = (tuple(rb_u), tuple(torch_u)) if tuple_inputs else (rb_u[0], torch_u[0])
    _assert_same(F.jvp(func, rb_args, u_args[0]), TF.jvp(func, torch_args, u_args[1]))


def test_inputs_are_left_alone():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    F.vjp(lambda t: (t * t).sum(), x)
    F.jacobian(lambda t: t * t, x)
    assert x.grad is None and x.requires_grad


def test_v_none_for_a_single_element():
    (x,), (xt,) = _pair((3,))
    _assert_same(F.vjp(lambda t: (t * t).sum(), x), TF.vjp(lambda t: (t * t).sum(), xt))
    (s,), (st,) = _pair(())
    _assert_same(F.jvp(lambda t: t * rb.tensor([1.0, 2.0], dtype=rb.float64), s),
                 TF.jvp(lambda t: t * torch.tensor([1.0, 2.0], dtype=torch.float64), st))


def test_output_independent_of_input():
    (x,), (xt,) = _pair((3,))
    const = lambda t: rb.ones(2, dtype=rb.float64)  # noqa: E731
    const_t = lambda t: torch.ones(2, dtype=torch.float64)  # noqa: E731
    _assert_same(F.jacobian(const, x), TF.jacobian(const_t, xt))
    for lib, fn, inp in ((F, const, x), (TF, const_t, xt)):
        with pytest.raises(RuntimeError, match="strict"):
            lib.jacobian(fn, inp, strict=True)
    for lib, inp in ((F, _pair((3,), (2,))[0]), (TF, _pair((3,), (2,))[1])):
        with pytest.raises(RuntimeError, match="independent of input 1"):
            lib.vjp(lambda a, b: a.sum(), tuple(inp), strict=True)


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.vjp(lambda x: x * 2, t.ones(3)),  # v None for a 3-element output
    lambda lib, t: lib.vjp(lambda x: x * 2, t.ones(3), t.ones(2)),  # v of the wrong shape
    lambda lib, t: lib.jvp(lambda x, y: x * y, (t.ones(3), t.ones(3)), (t.ones(3),)),  # too few v
])
def test_bad_v_raises_runtime_error(call):
    with pytest.raises(RuntimeError):
        call(TF, torch)
    with pytest.raises(RuntimeError):
        call(F, rb)


def test_non_tensor_inputs_or_outputs_raise_type_error():
    for lib, t in ((TF, torch), (F, rb)):
        with pytest.raises(TypeError, match="index 1"):
            lib.jacobian(lambda x, y: x, (t.ones(2), 3.0))
        with pytest.raises(TypeError, match="outputs"):
            lib.vjp(lambda x: 3.0, t.ones(1))


# PyTorch computes these with gradients of gradients (create_graph=True), which rosenblatt's
# backward does not build yet: each raises NotImplementedError naming itself.  When it can,
# these tests XPASS (strict): drop the markers.
needs_double_backward = pytest.mark.xfail(raises=NotImplementedError, strict=True,
                                          reason="create_graph=True is not supported yet")


def quadratic(x, y):
    return (x * x * y).sum() + (x.sin() * y.sum()).sum()


@needs_double_backward
def test_hessian_matches_torch():
    rb_in, torch_in = _pair((3,), (3,))
    _assert_same(F.hessian(quadratic, tuple(rb_in)), TF.hessian(quadratic, tuple(torch_in)))
    _assert_same(F.hessian(lambda x: (x ** 3).sum(), rb_in[0]),
                 TF.hessian(lambda x: (x ** 3).sum(), torch_in[0]))


@needs_double_backward
def test_hvp_matches_torch():
    rb_in, torch_in = _pair((3,), (3,))
    rb_v, torch_v = _pair((3,), (3,), seed=1)
    _assert_same(F.hvp(quadratic, tuple(rb_in), tuple(rb_v)), TF.hvp(quadratic, tuple(torch_in), tuple(torch_v)))


@needs_double_backward
def test_vhp_matches_torch():
    rb_in, torch_in = _pair((3,), (3,))
    rb_v, torch_v = _pair((3,), (3,), seed=1)
    _assert_same(F.vhp(quadratic, tuple(rb_in), tuple(rb_v)), TF.vhp(quadratic, tuple(torch_in), tuple(torch_v)))


@pytest.mark.parametrize("call", [
    lambda: F.hessian(lambda x: (x ** 3).sum(), rb.ones(2)),
    lambda: F.hvp(lambda x: (x ** 3).sum(), rb.ones(2), rb.ones(2)),
    lambda: F.vhp(lambda x: (x ** 3).sum(), rb.ones(2), rb.ones(2)),
    lambda: F.vjp(lambda x: x * 2, rb.ones(2), rb.ones(2), create_graph=True),
])
def test_second_order_raises_naming_the_function(call):
    with pytest.raises(NotImplementedError, match="autograd.functional.(hessian|hvp|vhp|vjp)"):
        call()


def test_hessian_needs_a_scalar_function():
    for lib, t in ((TF, torch), (F, rb)):
        with pytest.raises(RuntimeError):
            lib.hessian(lambda x: x * x, t.ones(2))
