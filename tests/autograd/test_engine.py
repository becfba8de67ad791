"""The backward engine: accumulation, broadcasting, deep graphs, retain_graph, grad modes, hooks."""
import numpy as np
import pytest
import torch

import rosenblatt as rb


def _pair(values, dtype=np.float64):
    """The same leaf in rosenblatt and torch."""
    a = np.asarray(values, dtype=dtype)
    return rb.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


# ---------------------------------------------------------------- accumulation
def test_tensor_used_twice_accumulates():
    x, xt = _pair([1.0, -2.0, 3.0])
    (x * x).sum().backward()
    (xt * xt).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())
    np.testing.assert_allclose(x.grad.numpy(), [2.0, -4.0, 6.0])


def test_diamond_graph_sums_both_paths():
    def f(lib, x):
        a = lib.exp(x)        # shared node feeding two branches
        b = a * 2.0
        c = lib.sin(a)
        return (b * c + a).sum()

    x, xt = _pair([0.1, -0.5, 0.3])
    f(rb, x).backward()
    f(torch, xt).backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_backward_twice_into_same_leaf_accumulates_like_torch():
    x, xt = _pair([1.0, 2.0])
    for _ in range(2):
        (x * 3.0).sum().backward()
        (xt * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


@pytest.mark.parametrize("shape_a, shape_b", [((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)),
                                              ((), (2, 3)), ((1,), (5,))])
def test_broadcasting_is_undone(shape_a, shape_b):
    rng = np.random.default_rng(0)
    a_np, b_np = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    a, at = _pair(a_np)
    b, bt = _pair(b_np)
    out_shape = np.broadcast_shapes(shape_a, shape_b)
    up = rng.standard_normal(out_shape)
    (a * b + a).backward(gradient=rb.tensor(up))
    (at * bt + at).backward(gradient=torch.tensor(up))
    assert a.grad.shape == shape_a and b.grad.shape == shape_b
    np.testing.assert_allclose(a.grad.numpy(), at.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), bt.grad.numpy(), rtol=1e-12)


def test_float32_leaf_gets_float32_grad():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    (x * x * 0.5).sum().backward()
    assert x.grad.dtype == rb.float32


# ------------------------------------------------------------------ deep graphs
def test_deep_chain_backward_has_no_recursion_limit():
    x = rb.tensor(1.5, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert x.grad.item() == 1.0
    assert y.item() == pytest.approx(100_001.5)


def test_deep_chain_of_multiplications_gives_right_gradient():
    x, xt = _pair(0.9)
    y, yt = x, xt
    for _ in range(2_000):
        y = y * 1.0001
        yt = yt * 1.0001
    y.backward()
    yt.backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-10)


# --------------------------------------------------------------- retain_graph
def test_second_backward_raises_helpful_error():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward_and_accumulates():
    x, xt = _pair([1.0, 2.0, -1.0])
    y = (x * x.exp()).sum()
    yt = (xt * xt.exp()).sum()
    y.backward(retain_graph=True)
    yt.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    y.backward()
    yt.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_backward_through_freed_shared_subgraph_raises():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    h.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        (h * 2.0).sum().backward()


def test_second_backward_through_nodes_that_saved_no_arrays_runs_like_torch():
    # PyTorch raises only when a node that saved tensors runs again; rosenblatt raised for any.
    class Double(rb.autograd.Function):
        saves_arrays = False

        def forward(self, x):
            return x * 2.0

        def backward(self, grad):
            return grad * 2.0

    x, xt = _pair([1.0, 2.0, 3.0])
    up = np.array([0.5, -1.0])
    y, yt = Double.apply(x)[1:], (xt + xt)[1:]
    for _ in range(2):
        y.backward(rb.tensor(up))
        yt.backward(torch.tensor(up))
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())
    for lib, t in ((rb, x), (torch, xt)):  # a graph with one node that saved an array still raises
        y = (t[1:] * lib.tensor([2.0, 3.0], dtype=lib.float64))[1:]
        y.backward(lib.tensor([1.0], dtype=lib.float64))
        with pytest.raises(RuntimeError, match="second time"):
            y.backward(lib.tensor([1.0], dtype=lib.float64))


@pytest.mark.parametrize("f", [lambda t: (t + 1).sum(), lambda t: (1 - t).mean(),
                               lambda t: (-t.reshape(2, 2).permute(1, 0).expand(3, 2, 2)).clone().double().sum()])
def test_second_backward_through_ops_that_save_only_shapes(f):
    """add, sub, neg, sum, mean, reshape, permute, expand, clone and the dtype cast keep no
    arrays: PyTorch lets a second backward run through them without retain_graph."""
    x, xt = _pair([1.0, 2.0, 3.0, 4.0])
    for _ in range(2):
        f(x).backward()
        f(xt).backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())


# ---------------------------------------------------------------- grad modes
def test_no_grad_context_manager_stops_recording():
    x = rb.ones(2, requires_grad=True)
    with rb.no_grad():
        assert not rb.is_grad_enabled()
        y = x * 2
    assert rb.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf


def test_no_grad_and_enable_grad_as_decorators():
    x = rb.ones(2, requires_grad=True)

    @rb.no_grad()
    def off(t):
        return t * 2

    @rb.enable_grad()
    def on(t):
        return t * 2

    assert not off(x).requires_grad
    with rb.no_grad():
        assert on(x).requires_grad
        assert not rb.is_grad_enabled()  # the decorator restored the outer mode
    assert off.__name__ == "off"


def test_nested_grad_modes_restore_outer_mode():
    x = rb.ones(2, requires_grad=True)
    with rb.no_grad():
        with rb.enable_grad():
            assert (x * 2).requires_grad
            with rb.no_grad():
                assert not (x * 2).requires_grad
            assert rb.is_grad_enabled()
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_grad_mode_restored_after_exception():
    with pytest.raises(ZeroDivisionError):
        with rb.no_grad():
            1 / 0
    assert rb.is_grad_enabled()


def test_set_grad_enabled_as_call_and_context_manager():
    x = rb.ones(2, requires_grad=True)
    try:
        rb.set_grad_enabled(False)
        assert not rb.is_grad_enabled()
        assert not (x * 2).requires_grad
    finally:
        rb.set_grad_enabled(True)
    assert rb.is_grad_enabled()
    with rb.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert rb.is_grad_enabled()
    with rb.no_grad():
        with rb.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not rb.is_grad_enabled()


# ---------------------------------------------------------------------- hooks
def test_hook_on_leaf_sees_and_replaces_grad():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    seen = []

    def hook(g):
        seen.append(g.numpy().copy())
        return g * 10.0

    handle = x.register_hook(hook)
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(seen[0], [3.0, 3.0])
    np.testing.assert_allclose(x.grad.numpy(), [30.0, 30.0])
    handle.remove()
    x.grad = None
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])
    assert len(seen) == 1


def test_hook_on_non_leaf_changes_upstream_gradient_like_torch():
    def run(lib, x):
        h = x * x
        handle = h.register_hook(lambda g: g * 2.0 + 1.0)
        (h.sin()).sum().backward()
        return handle

    x, xt = _pair([0.5, -1.0, 2.0])
    handle = run(rb, x)
    run(torch, xt)
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)
    handle.remove()  # removing after use is harmless


def test_first_non_leaf_hook_of_a_process_runs():
    """The engine reads nodes' hooks only once some non-leaf hook was registered: the first
    one in a fresh interpreter (none before it) must still run, during the first backward."""
    import subprocess
    import sys
    code = ("import rosenblatt as rb\n"
            "x = rb.tensor([1.0, 2.0], requires_grad=True)\n"
            "y = x * 3\n"
            "seen = []\n"
            "y.register_hook(lambda g: seen.append(g.tolist()) or g * 2)\n"
            "y.sum().backward()\n"
            "print(seen, x.grad.tolist())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[[1.0, 1.0]] [6.0, 6.0]"


def test_removed_non_leaf_hook_is_not_called():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    calls = []
    handle = h.register_hook(lambda g: calls.append(1))
    handle.remove()
    h.sum().backward()
    assert calls == []
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_hook_returning_none_keeps_gradient():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: None)
    (x * 4.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 4.0])


def test_register_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require"):
        rb.ones(2).register_hook(lambda g: g)


# --------------------------------------------------------------- retain_grad
def test_retain_grad_keeps_non_leaf_grad():
    x, xt = _pair([1.0, 2.0, 3.0])
    h, ht = x * 2.0, xt * 2.0
    h.retain_grad()
    ht.retain_grad()
    (h * h).sum().backward()
    (ht * ht).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), ht.grad.numpy())
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())


def test_non_leaf_grad_is_none_without_retain_grad():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    h.sum().backward()
    assert h.grad is None


def test_retain_grad_on_leaf_is_harmless():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    x.retain_grad()
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


# ----------------------------------------------------------- backward options
def test_backward_on_non_scalar_without_gradient_raises():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2).backward()


def test_backward_with_explicit_gradient_matches_torch():
    rng = np.random.default_rng(1)
    x, xt = _pair(rng.standard_normal((2, 3)))
    up = rng.standard_normal((2, 3))
    (x.tanh() * x).backward(gradient=rb.tensor(up))
    (xt.tanh() * xt).backward(gradient=torch.tensor(up))
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_backward_with_gradient_of_wrong_shape_raises():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3,\)"):
        (x * 2).backward(gradient=rb.ones(3))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        rb.ones(2).sum().backward()


def test_backward_on_leaf_itself():
    x = rb.tensor(3.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


# ------------------------------------------------------------- grad aliasing
def test_leaf_grads_do_not_alias_each_other():
    a = rb.tensor([1.0, 2.0], requires_grad=True)
    b = rb.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()       # add hands the same gradient to both inputs
    a.grad.add_(100.0)
    np.testing.assert_allclose(b.grad.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(a.grad.numpy(), [101.0, 101.0])


def test_leaf_grad_does_not_alias_explicit_gradient():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    up = rb.tensor([5.0, 6.0])
    (x + 0.0).backward(gradient=up)
    x.grad.mul_(0.0)
    np.testing.assert_allclose(up.numpy(), [5.0, 6.0])


def test_leaf_grad_does_not_alias_same_leaf_used_through_views():
    a = rb.tensor([1.0, 2.0], requires_grad=True)
    b = rb.tensor([1.0, 2.0], requires_grad=True)
    y = a.reshape(2, 1) + b.reshape(2, 1)
    y.sum().backward()
    a.grad.zero_()
    np.testing.assert_allclose(b.grad.numpy(), [1.0, 1.0])


# ------------------------------------------------- requires_grad and the graph
def test_requires_grad_propagation():
    a = rb.tensor([1.0], requires_grad=True)
    c = rb.tensor([2.0])
    assert (a * c).requires_grad
    assert not (c * c).requires_grad
    assert (c + a).requires_grad
    assert not (a > 0).requires_grad          # comparisons carry no gradient
    assert not a.detach().requires_grad


def test_is_leaf_and_grad_fn():
    a = rb.tensor([1.0], requires_grad=True)
    c = rb.tensor([2.0])
    assert a.is_leaf and a.grad_fn is None
    assert c.is_leaf and c.grad_fn is None
    y = a * c
    assert not y.is_leaf and y.grad_fn is not None
    assert "Mul" in repr(y.grad_fn)
    assert (c * c).is_leaf


def test_input_without_requires_grad_gets_no_grad():
    a = rb.tensor([1.0, 2.0], requires_grad=True)
    c = rb.tensor([3.0, 4.0])
    (a * c).sum().backward()
    assert c.grad is None
    np.testing.assert_allclose(a.grad.numpy(), [3.0, 4.0])


def test_detach_shares_data_and_cuts_graph():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert d.is_leaf and not d.requires_grad
    d.data[0] = 9.0
    assert x.data[0] == 9.0
    y = (x * d).sum()          # d is a constant: gradient flows to x only
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [9.0, 2.0])


def test_detach_in_middle_of_graph_stops_gradient():
    x, xt = _pair([0.5, 1.5])
    ((x * x).detach() * x).sum().backward()
    ((xt * xt).detach() * xt).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())


def test_requires_grad_on_int_tensor_raises():
    with pytest.raises(RuntimeError, match="floating point"):
        rb.tensor([1, 2]).requires_grad_()


def test_autograd_grad_returns_gradients_without_touching_grad():
    x, xt = _pair([1.0, 2.0])
    (gx,) = rb.autograd.grad((x ** 3).sum(), [x])
    (gxt,) = torch.autograd.grad((xt ** 3).sum(), [xt])
    np.testing.assert_allclose(gx.numpy(), gxt.numpy())
    assert x.grad is None


def test_no_grad_works_as_a_bare_decorator():
    import rosenblatt as rb

    @rb.no_grad
    def double(x):
        return x * 2

    out = double(rb.ones(2, requires_grad=True))
    assert not out.requires_grad
    assert rb.is_grad_enabled()


# ------------------------------------------------- gradients of slices, added in place
def _compare(f, *values):
    ours = [rb.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    theirs = [torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    f(rb, *ours).backward()
    f(torch, *theirs).backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_slice_gradients_add_up_with_each_other_and_with_whole_ones():
    x = np.linspace(-1, 1, 12).reshape(3, 4)
    # overlapping slices, an integer index with repeats, and a use of the whole tensor
    _compare(lambda lib, t: (t[0:2] * 2).sum() + (t[1:3] ** 2).sum() + t[[0, 0, 2]].sum()
             + (t * 3).sum() + t[1, 2], x)
    # unbind and split, as attention's q, k, v
    _compare(lambda lib, t: sum(((p * (i + 1)) ** 2).sum() for i, p in enumerate(t.unbind(0)))
             + t.split(2, dim=1)[1].exp().sum(), x)


def test_slice_gradient_beside_a_broadcast_one():
    # p's other gradient arrives in the broadcast (3, 4) shape, not p's (4,)
    _compare(lambda lib, m, p: ((m + p) ** 2).sum() + p[1:3].sum() + p[0:1].sum(),
             np.arange(12.0).reshape(3, 4), [1.0, -2.0, 3.0, 0.5])


def test_slice_gradient_never_changes_a_gradient_shared_with_another_input():
    # s = u + v hands the same array to u and v; u's slice gradient must not add into it
    def f(lib, x):
        u, v = x * 1.0, x * 2.0
        s = u + v
        return (s * s).sum() + u[1:].sum()
    _compare(f, [0.5, -1.0, 2.0])


def test_slices_of_a_sequence_in_a_loop():
    seq = np.random.default_rng(0).standard_normal((16, 3))

    def f(lib, x):
        total = x[0].sum() * 0
        for t in range(x.shape[0]):
            total = total + (x[t] * (t + 1)).tanh().sum()
        return total
    _compare(f, seq)


def test_gradients_in_different_broadcast_shapes_add_up_once():
    # p reaches the sum broadcast over m's 3 rows and on its own: its own (4,) gradient
    # must be added once, not to each row of the (3, 4) one before that is summed down
    m, p = np.arange(12.0).reshape(3, 4), [1.0, -2.0, 3.0, 0.5]
    _compare(lambda lib, m, p: (m + p).sum() + (p * 2).sum(), m, p)
    _compare(lambda lib, m, p: (p * 2).sum() + (m * p).sum(), m, p)  # the other order
    _compare(lambda lib, m, p: (lambda q: (m * q).sum() + (q ** 2).sum() + (m - q).exp().sum())(p.exp()),
             m, p)  # a non-leaf used both ways
    _compare(lambda lib, m, p: (m / p).sum() + p.sum(), m, [[1.0, -2.0, 3.0, 0.5]])  # (1, 4)


def test_pointwise_nodes_pass_a_broadcast_gradient_on_to_be_summed_later():
    # a pointwise node (exp, tanh, *, -, /) takes its gradient in the shape a consumer broadcast
    # its output to and hands it on unsummed; the first node that needs its own shape (a
    # reduction, a matmul, a view), a second consumer, or the leaf sums it down
    m, p = np.arange(12.0).reshape(3, 4) / 10, [0.1, -0.2, 0.3, 0.05]
    _compare(lambda lib, m, p: (m * (p.exp() * 2 - 1).tanh() / (p.cos() + 2)).sum(), m, p)
    _compare(lambda lib, m, p: (m * p.exp().sum(1, keepdim=True).sin()).sum(), m, [p])  # (1, 4) -> (1, 1)
    _compare(lambda lib, m, p: (m @ p.exp().reshape(4, 1)).sum() + (m - p.exp()).sum(), m, p)
    _compare(lambda lib, m, p: (lambda q: (m[None] * q).sum() + (m * q[0]).sum() + q.sum())(p.exp() * 3),
             m, [[p]])  # one node, three consumers, three shapes
    # a node that keeps no shape of its own (it saved its inputs, of two shapes) with two consumers
    _compare(lambda lib, m, p: (lambda q: q.sum() + (q * m[None, None]).sum())(p * m), m, p)
    _compare(lambda lib, m, p: ((m[:, None, :] - p.tanh()) ** 2).sum(), m, p)  # (3, 1, 4) against (4,)


def test_every_op_with_a_ufunc_keeps_its_node_in_slots():
    # the engine frees such a node by its slots, and the ufunc apply sets nothing else on it
    from rosenblatt.autograd.function import POINTWISE_SLOTS, Function

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ops = [cls for cls in subclasses(Function) if cls.ufunc is not None]
    assert len(ops) >= 20  # add, mul, exp, tanh, the trigonometric ones, ...
    assert [cls.__name__ for cls in ops if cls.__dictoffset__ or cls.__slots__ != POINTWISE_SLOTS] == []


def test_hooks_and_autograd_grad_see_a_pointwise_nodes_own_shape():
    grads = []
    for lib in (rb, torch):
        p = lib.tensor([0.1, -0.2, 0.3, 0.05], dtype=lib.float64, requires_grad=True)
        q = p.exp()
        seen = []
        q.register_hook(lambda g: seen.append(tuple(g.shape)))
        q.retain_grad()
        (q * lib.ones(2, 3, 4, dtype=lib.float64)).sum().backward(retain_graph=True)
        assert seen == [(4,)] and tuple(q.grad.shape) == (4,)
        r = p.tanh()
        (dr,) = lib.autograd.grad((r - lib.ones(2, 4, dtype=lib.float64)).sum(), r)
        assert tuple(dr.shape) == (4,)
        grads.append((p.grad.numpy(), q.grad.numpy(), dr.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_many_gradients_of_one_tensor_add_up_whatever_their_shapes_and_order():
    # the first gradient is kept as it came; the second starts a sum of the pass's own; later
    # ones are added into it, a broadcast-shaped one summed down first (in every position)
    m, p = np.arange(12.0).reshape(3, 4), [1.0, -2.0, 3.0, 0.5]
    uses = [lambda m, p: (p * 2).sum(), lambda m, p: (m + p).sum(), lambda m, p: (p * p).sum(),
            lambda m, p: (m * p).exp().sum() * 1e-3, lambda m, p: p[1:3].sum()]
    for order in ([0, 1, 2, 3, 4], [1, 0, 2, 4, 3], [2, 4, 0, 3, 1], [3, 1, 4, 2, 0], [4, 3, 2, 1, 0]):
        _compare(lambda lib, m, p: sum(uses[i](m, p) for i in order), m, p)


def test_gradients_of_two_dtypes_into_one_tensor_add_up_in_its_dtype():
    # a float32 leaf used with float64 tensors gets float64 gradients besides float32 ones
    a = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    b = np.array([1.5, 2.0, -0.25])
    grads = []
    for lib in (rb, torch):
        x = lib.tensor(a, requires_grad=True)
        y = lib.tensor(b)
        (x * 3).sum().backward()  # a .grad to accumulate into, too
        ((x * y).sum() + (x * x).sum() + (x + y).sum() + (x * 2).sum()).backward()
        assert x.grad.dtype == (rb.float32 if lib is rb else torch.float32)
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)


def test_integer_index_gradients_sum_repeated_and_negative_rows():
    x = np.arange(15.0).reshape(5, 3)
    # -1 and 4 are one row; a 2-D index; repeats within and across the uses
    _compare(lambda lib, t: (t[[0, -1, 0, 4]] ** 2).sum() + t[np.array([[1, 1], [-5, 2]])].exp().sum(), x)


def test_leaf_hook_sees_the_leafs_shape_and_may_not_change_it():
    for lib in (rb, torch):
        x = lib.ones(3, requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(tuple(g.shape)))
        (x + lib.ones(2, 3)).sum().backward()  # broadcast: the gradient arrives as (2, 3)
        assert seen == [(3,)] and x.grad.tolist() == [2.0, 2.0, 2.0]
    y = rb.ones(2, requires_grad=True)
    y.register_hook(lambda g: rb.ones(3))
    with pytest.raises(RuntimeError, match=r"shape \(3,\) for a tensor whose gradient has shape \(2,\)"):
        (y * 2).sum().backward()


def test_a_leafs_gradient_is_writable_even_when_backward_broadcast_it():
    """mean's backward hands on a read-only broadcast view; .grad is written in place later."""
    for lib in (rb, torch):
        p = lib.ones(3, 4, requires_grad=True)
        p.mean().backward()
        lib.nn.utils.clip_grad_norm_([p], 0.01)  # scales .grad in place
        p.grad.add_(1.0)
        p.mean().backward()  # accumulates in place
        assert np.allclose(p.grad.numpy(), 0.01 / np.sqrt(12) + 1 + 1 / 12, atol=1e-6)


def test_an_ops_result_made_a_leaf_takes_its_gradient_and_hooks():
    # an op's result has no .grad or hooks of its own until it is made a leaf and given them
    for lib in (rb, torch):
        x = lib.ones(2) * 3
        assert x.grad is None
        x.requires_grad = True
        seen = []
        x.register_hook(lambda g: seen.append(g.tolist()))
        (x * x).sum().backward()
        y = lib.ones(2) * 2
        y.requires_grad_()
        (y * 5).sum().backward()
        assert x.grad.tolist() == [6.0, 6.0] and seen == [[6.0, 6.0]] and y.grad.tolist() == [5.0, 5.0]
    z = rb.ones(2, requires_grad=True) * 2  # a non-leaf keeps no .grad (PyTorch's warns when asked)
    z.sum().backward()
    assert z.grad is None


def test_post_accumulate_grad_hooks_run_after_each_accumulation_as_torch():
    results = []
    for lib in (rb, torch):
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        seen = []
        handle = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
        x.register_hook(lambda g: g * 10)
        (x * 3).sum().backward()
        (x * x).sum().backward(inputs=[x])  # backward(inputs=...) accumulates too
        lib.autograd.grad((x * 3).sum(), x)  # adds to no .grad: no hook
        handle.remove()
        (x * 3).sum().backward()
        results.append((seen, x.grad.tolist()))
        with pytest.raises(RuntimeError, match="non-leaf"):
            (x * 2).register_post_accumulate_grad_hook(lambda t: None)
        with pytest.raises(RuntimeError, match="doesn't require gradient"):
            lib.ones(2).register_post_accumulate_grad_hook(lambda t: None)
    assert results[0] == results[1]
    y = rb.ones(2, requires_grad=True)
    y.register_post_accumulate_grad_hook(lambda t: t.grad * 2)
    with pytest.raises(RuntimeError, match="should return None: '<lambda>' returned Tensor"):
        (y * 2).sum().backward()
