"""PyTorch-style custom Functions (static forward(ctx, ...) / backward(ctx, ...)): each user
Function is written once, generic over the library, and run on rosenblatt and torch alike."""
import types

import numpy as np
import pytest
import torch
import torch.autograd.function as torch_function

import rosenblatt as rb
from rosenblatt.autograd import ctx_function

RB = types.SimpleNamespace(lib=rb, Function=rb.autograd.Function, FunctionCtx=ctx_function.FunctionCtx,
                           once_differentiable=ctx_function.once_differentiable, tensor=rb.tensor)
TORCH = types.SimpleNamespace(lib=torch, Function=torch.autograd.Function, FunctionCtx=torch_function.FunctionCtx,
                              once_differentiable=torch_function.once_differentiable, tensor=torch.tensor)
BOTH = pytest.mark.parametrize("m", [RB, TORCH], ids=["rosenblatt", "torch"])


def _pairs(*shapes, seed=0, requires_grad=True):
    """Leaves of the given shapes, float64, the same values in both libraries: [(rb, torch), ...]."""
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        a = rng.standard_normal(shape)
        out.append((rb.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)))
    return out


def _close(a, b, **kw):
    a = a.detach().numpy() if isinstance(a, (rb.Tensor, torch.Tensor)) else a
    b = b.detach().numpy() if isinstance(b, (rb.Tensor, torch.Tensor)) else b
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, **kw)


def _upstream(shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape)


# ------------------------------------------------------------------ the users' Functions
def my_exp(m):
    class MyExp(m.Function):
        @staticmethod
        def forward(ctx, x, k=2.0):
            y = x.exp() * k
            ctx.save_for_backward(y)
            ctx.k = k
            return y

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y, None
    return MyExp


def mul_sin(m):
    """Two inputs, two outputs: (x * y, sin(x) + y)."""
    class MulSin(m.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y, x.sin() + y

        @staticmethod
        def backward(ctx, g1, g2):
            x, y = ctx.saved_tensors
            return g1 * y + g2 * x.cos(), g1 * x + g2
    return MulSin


def recorder(m, record, materialize=True):
    """Two outputs; backward records what it was handed."""
    class Rec(m.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            record["forward_grad_mode"] = m.lib.is_grad_enabled()
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            record["grads"] = [None if g is None else g.numpy().copy() for g in (g1, g2)]
            record["backward_grad_mode"] = m.lib.is_grad_enabled()
            total = 0
            if g1 is not None:
                total = total + g1 * 2
            if g2 is not None:
                total = total + g2 * 3
            return total
    return Rec


# ------------------------------------------------------------------ values and gradients
def test_values_and_gradients_match_torch():
    (x, xt), = _pairs((3, 4))
    y, yt = my_exp(RB).apply(x, 3.0), my_exp(TORCH).apply(xt, 3.0)
    _close(y, yt)
    up = _upstream((3, 4))
    y.backward(rb.tensor(up))
    yt.backward(torch.tensor(up))
    _close(x.grad, xt.grad)
    assert "MyExpBackward" in repr(y.grad_fn) and "MyExpBackward" in repr(yt.grad_fn)
    assert y.grad_fn.k == yt.grad_fn.k == 3.0


@BOTH
def test_ctx_is_the_node_and_a_function_ctx(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = my_exp(m).apply(x)
    assert isinstance(y.grad_fn, m.FunctionCtx)
    assert type(y.grad_fn).__name__ == "MyExpBackward"
    assert len(y.grad_fn.saved_tensors) == 1


def test_gradcheck_one_and_two_outputs():
    x = rb.randn(3, 2, dtype=rb.float64, requires_grad=True)
    y = rb.randn(3, 2, dtype=rb.float64, requires_grad=True)
    assert rb.autograd.gradcheck(lambda t: my_exp(RB).apply(t, 1.5), x)
    assert rb.autograd.gradcheck(mul_sin(RB).apply, (x, y))


@pytest.mark.parametrize("use", ["both", "first", "second"])
def test_several_outputs_match_torch(use):
    (x, xt), (y, yt) = _pairs((2, 3), (2, 3))
    outs = {lib: f.apply(a, b) for lib, f, a, b in ((rb, mul_sin(RB), x, y), (torch, mul_sin(TORCH), xt, yt))}
    for lib, (o1, o2) in outs.items():
        up1, up2 = lib.tensor(_upstream((2, 3), 1)), lib.tensor(_upstream((2, 3), 2))
        loss = {"both": (o1 * up1).sum() + (o2 * up2).sum(), "first": (o1 * up1).sum(), "second": (o2 * up2).sum()}[use]
        loss.backward()
    _close(x.grad, xt.grad)
    _close(y.grad, yt.grad)


def test_several_outputs_through_autograd_grad_and_hooks():
    (x, xt), (y, yt) = _pairs((4,), (4,))
    seen = {}
    for lib, m, a, b in ((rb, RB, x, y), (torch, TORCH, xt, yt)):
        o1, o2 = mul_sin(m).apply(a, b)
        o2.register_hook(lambda g, lib=lib: seen.__setitem__(lib, g.numpy().copy()))
        seen[lib, "grad"] = lib.autograd.grad((o1 * o2).sum(), [a, b])
    _close(seen[rb], seen[torch])
    for g, gt in zip(seen[rb, "grad"], seen[torch, "grad"]):
        _close(g, gt)


@BOTH
def test_attributes_of_the_ctx_reached_from_every_output(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    o1, o2 = mul_sin(m).apply(x, x)
    assert o1.grad_fn.needs_input_grad == o2.grad_fn.needs_input_grad == (True, True)
    assert len(o2.grad_fn.saved_tensors) == 2


def test_broadcast_gradient_is_summed_and_cast_like_torch():
    def summed(m):
        class Broadcasting(m.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            def backward(ctx, g):  # full-size gradients for (3, 1) and (4,) inputs, float32
                return g.float(), (g * 2).float()
        return Broadcasting

    (x, xt), (y, yt) = _pairs((3, 1), (4,))
    up = _upstream((3, 4))
    summed(RB).apply(x, y).backward(rb.tensor(up))
    summed(TORCH).apply(xt, yt).backward(torch.tensor(up))
    assert x.grad.shape == (3, 1) and y.grad.shape == (4,)
    assert x.grad.dtype == rb.float64 and xt.grad.dtype == torch.float64
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(y.grad.numpy(), yt.grad.numpy(), rtol=1e-6)


@BOTH
def test_zero_dim_output(m):
    class Total(m.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.shape = x.shape
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            assert tuple(g.shape) == ()
            return g.expand(*ctx.shape)

    x = m.tensor([[1.0, 2.0]], requires_grad=True)
    Total.apply(x).backward()
    assert x.grad.tolist() == [[1.0, 1.0]]


# ------------------------------------------------------------------ None and non-tensor values
def test_none_gradient_for_an_input_that_requires_grad():
    def half(m):
        class Half(m.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            def backward(ctx, g):
                return g * 2, None
        return Half

    (x, xt), (y, yt) = _pairs((3,), (3,))
    half(RB).apply(x, y).sum().backward()
    half(TORCH).apply(xt, yt).sum().backward()
    _close(x.grad, xt.grad)
    assert yt.grad is None
    assert y.grad.tolist() == [0.0, 0.0, 0.0]  # documented: zeros where PyTorch leaves None


@BOTH
def test_needs_input_grad(m):
    seen = []

    class Needs(m.Function):
        @staticmethod
        def forward(ctx, x, w, k):
            seen.append(ctx.needs_input_grad)
            return x * w * k

        @staticmethod
        def backward(ctx, g):
            seen.append(ctx.needs_input_grad)
            return None, g, None

    x = m.tensor([1.0, 2.0])
    w = m.tensor([3.0, 4.0], requires_grad=True)
    Needs.apply(x, w, 2.0).sum().backward()
    assert seen == [(False, True, False), (False, True, False)]
    assert w.grad.tolist() == [1.0, 1.0]
    with m.lib.no_grad():
        out = Needs.apply(x, w, 2.0)
    assert seen[-1] == (False, True, False) and not out.requires_grad


@BOTH
def test_non_tensor_inputs_and_outputs(m):
    got = {}

    class Mixed(m.Function):
        @staticmethod
        def forward(ctx, x, scale, name):
            ctx.scale = scale
            return x * scale, name, [x]

        @staticmethod
        def backward(ctx, g, g_name, g_list):
            got["grads"] = (g_name, g_list)
            return g * ctx.scale, None, None

    x = m.tensor([1.0, 2.0], requires_grad=True)
    y, name, lst = Mixed.apply(x, 2.5, "tag")
    assert name == "tag" and isinstance(lst, list)
    y.sum().backward()
    assert got["grads"] == (None, None)
    assert x.grad.tolist() == [2.5, 2.5]


@BOTH
def test_forward_runs_without_recording_and_backward_too(m):
    record = {}
    x = m.tensor([1.0, 2.0], requires_grad=True)
    a, b = recorder(m, record).apply(x)
    assert a.requires_grad and b.requires_grad
    (a.sum() + b.sum()).backward()
    assert record["forward_grad_mode"] is False and record["backward_grad_mode"] is False


@pytest.mark.parametrize("materialize", [True, False])
def test_materialize_grads_both_ways(materialize):
    records = {}
    for m, lib in ((RB, rb), (TORCH, torch)):
        records[lib] = record = {}
        x = m.tensor([1.0, 2.0], requires_grad=True)
        a, _ = recorder(m, record, materialize).apply(x)
        a.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]
    assert records[rb]["grads"][0].tolist() == records[torch]["grads"][0].tolist() == [1.0, 1.0]
    if materialize:
        assert records[rb]["grads"][1].tolist() == records[torch]["grads"][1].tolist() == [0.0, 0.0]
    else:
        assert records[rb]["grads"][1] is None and records[torch]["grads"][1] is None


# ------------------------------------------------------------------ non-differentiable outputs
@BOTH
def test_mark_non_differentiable(m):
    got = {}

    class Sort(m.Function):
        @staticmethod
        def forward(ctx, x):
            values, indices = x.sort()
            ctx.mark_non_differentiable(indices)
            ctx.save_for_backward(indices)
            return values, indices

        @staticmethod
        def backward(ctx, g, g_indices):
            got["g_indices"] = g_indices.tolist()
            indices, = ctx.saved_tensors
            out = g.new_zeros(g.shape)
            out[indices] = g
            return out

    x = m.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = Sort.apply(x)
    assert values.requires_grad and not indices.requires_grad and indices.grad_fn is None
    (values * m.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 1.0, 10.0]
    assert got["g_indices"] == [0, 0, 0]


@BOTH
def test_float_output_marked_non_differentiable_and_int_output(m):
    class Marked(m.Function):
        @staticmethod
        def forward(ctx, x):
            y = x * 2
            ctx.mark_non_differentiable(y)
            return y

        @staticmethod
        def backward(ctx, g):
            return g

    class Ints(m.Function):
        @staticmethod
        def forward(ctx, x):
            return (x > 0).long()

        @staticmethod
        def backward(ctx, g):
            return g

    x = m.tensor([1.0, -2.0], requires_grad=True)
    assert not Marked.apply(x).requires_grad
    out = Ints.apply(x)
    assert not out.requires_grad and out.tolist() == [1, 0]


# ------------------------------------------------------------------ in place: mark_dirty and saved tensors
def dirty_double(m):
    class DirtyDouble(m.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return DirtyDouble


def test_mark_dirty_rebinds_the_input_like_torch():
    (x, xt), = _pairs((3,))
    z, zt = x * 1.5, xt * 1.5
    r, rt = dirty_double(RB).apply(z), dirty_double(TORCH).apply(zt)
    assert r is z and rt is zt
    assert "DirtyDoubleBackward" in repr(z.grad_fn)
    _close(z, zt)
    up = _upstream((3,))
    (r * rb.tensor(up)).sum().backward()
    (rt * torch.tensor(up)).sum().backward()
    _close(x.grad, xt.grad)


def test_mark_dirty_of_a_view_writes_its_base_like_torch():
    (x, xt), = _pairs((3,))
    grads = []
    for m, a in ((RB, x), (TORCH, xt)):
        base = a * 1
        dirty_double(m).apply(base[:2])
        (base * m.tensor([1.0, 2.0, 3.0], dtype=m.lib.float64)).sum().backward()
        grads.append(a.grad)
        assert base.tolist() == (a.detach() * m.tensor([2.0, 2.0, 1.0], dtype=m.lib.float64)).tolist()
    _close(*grads)


@BOTH
def test_mark_dirty_errors(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        dirty_double(m).apply(x)

    class NotReturned(m.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match="marked as dirty .* not returned as output"):
        NotReturned.apply(x * 1)


@BOTH
def test_mark_dirty_without_grad_returns_the_input(m):
    x = m.tensor([1.0, 2.0])
    assert dirty_double(m).apply(x) is x and x.tolist() == [2.0, 4.0]


def saves_input(m):
    class SavesInput(m.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x)
            return x * w

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return None, (g * x).sum(0)
    return SavesInput


@BOTH
def test_saved_tensor_modified_in_place_raises(m):
    x = m.tensor([[1.0, 2.0]])
    w = m.tensor([3.0, 4.0], requires_grad=True)
    y = saves_input(m).apply(x, w)
    x.mul_(2)  # outside the graph: x does not require grad
    with pytest.raises(RuntimeError, match="modified by an in.?place operation"):
        y.sum().backward()


@BOTH
def test_saved_tensor_modified_through_a_view_raises(m):
    x = m.tensor([[1.0, 2.0]])
    w = m.tensor([3.0, 4.0], requires_grad=True)
    y = saves_input(m).apply(x, w)
    x[0, 1] = 5.0
    with pytest.raises(RuntimeError, match="modified by an in.?place operation"):
        y.sum().backward()


@BOTH
def test_saved_output_modified_under_no_grad_raises(m):
    x = m.tensor([0.0, 1.0], requires_grad=True)
    y = my_exp(m).apply(x)
    with m.lib.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an in.?place operation"):
        y.sum().backward()


@BOTH
def test_input_returned_as_is_is_a_new_view_that_refuses_in_place(m):
    class Identity(m.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = Identity.apply(x)
    assert y is not x and y.requires_grad and "IdentityBackward" in repr(y.grad_fn)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError):
        Identity.apply(x).add_(1)
    with m.lib.no_grad():
        assert not Identity.apply(x).requires_grad


@BOTH
def test_view_output_refuses_in_place(m):
    class Head(m.Function):
        @staticmethod
        def forward(ctx, x):
            return x[:2]

        @staticmethod
        def backward(ctx, g):
            out = g.new_zeros(3)
            out[:2] = g
            return out

    x = m.tensor([1.0, 2.0, 3.0], requires_grad=True) * 1
    y = Head.apply(x)
    assert y.requires_grad
    with pytest.raises(RuntimeError):
        y.mul_(2)


# ------------------------------------------------------------------ freeing the graph
@BOTH
def test_backward_twice_through_freed_saved_tensors_raises(m):
    x = m.tensor([0.0, 1.0], requires_grad=True)
    y = my_exp(m).apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.grad_fn.saved_tensors


@BOTH
def test_retain_graph(m):
    x = m.tensor([0.0, 1.0], requires_grad=True, dtype=m.lib.float64)
    y = my_exp(m).apply(x)
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.exp([0.0, 1.0]), rtol=1e-12)


@BOTH
def test_function_that_saved_nothing_may_backward_twice(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    a, b = recorder(m, {}).apply(x)
    a.sum().backward()
    a.sum().backward()
    assert x.grad.tolist() == [4.0, 4.0]


# ------------------------------------------------------------------ setup_context, keywords, once_differentiable
def scaled(m, seen):
    class Scaled(m.Function):
        @staticmethod
        def forward(x, k=2.0):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            seen.append((len(inputs), inputs[1], type(output).__name__, m.lib.is_grad_enabled()))
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None
    return Scaled


def test_setup_context_style_like_torch():
    (x, xt), = _pairs((3,))
    seen_rb, seen_torch = [], []
    for args, kwargs in (((), {}), ((3.0,), {}), ((), {"k": 4.0})):
        y = scaled(RB, seen_rb).apply(x, *args, **kwargs)
        yt = scaled(TORCH, seen_torch).apply(xt, *args, **kwargs)
        _close(y, yt)
        y.sum().backward()
        yt.sum().backward()
    _close(x.grad, xt.grad)
    assert [s[:2] + s[3:] for s in seen_rb] == [s[:2] + s[3:] for s in seen_torch] == \
        [(2, 2.0, False), (2, 3.0, False), (2, 4.0, False)]
    with pytest.raises(TypeError, match="too many positional arguments"):
        scaled(RB, []).apply(x, 1.0, 2.0)


@BOTH
def test_setup_context_rejects_keyword_only_parameters(m):
    class KeywordOnly(m.Function):
        @staticmethod
        def forward(x, *, k=2.0):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError, match="forward\\(\\) got an unexpected keyword argument 'k'"):
        KeywordOnly.apply(m.tensor([1.0], requires_grad=True))


@BOTH
def test_keyword_arguments_bind_to_forward_parameters(m):
    seen = []

    class Keywords(m.Function):
        @staticmethod
        def forward(ctx, x, a=1.0, b=2.0, *, c=0.0):
            seen.append((a, b, ctx.needs_input_grad))
            return x * a * b

        @staticmethod
        def backward(ctx, g):
            return (g,) + (None,) * (len(ctx.needs_input_grad) - 1)

    x = m.tensor([1.0], requires_grad=True)
    Keywords.apply(x, b=5.0, a=3.0)
    Keywords.apply(a=3.0, x=x)
    assert seen == [(3.0, 5.0, (True, False, False)), (3.0, 2.0, (True, False))]
    for kwargs, message in (({"c": 1.0}, "unexpected keyword argument 'c'"),
                            ({"b": 1.0}, "missing required argument: 'a' \\(position 1\\)")):
        with pytest.raises(TypeError, match=message):
            Keywords.apply(x, **kwargs)
    with pytest.raises(TypeError, match="multiple values for argument 'a'"):
        Keywords.apply(x, 1.0, a=2.0)


@BOTH
def test_once_differentiable(m):
    modes = []

    class Square(m.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @m.once_differentiable
        def backward(ctx, g):
            modes.append(m.lib.is_grad_enabled())
            x, = ctx.saved_tensors
            return 2 * x * g

    x = m.tensor([3.0], requires_grad=True)
    Square.apply(x).backward()
    assert x.grad.tolist() == [6.0] and modes == [False]
    assert Square.backward.__name__ == "backward"


# ------------------------------------------------------------------ errors
def returns(m, make_grads, name):
    def backward(ctx, g):
        return make_grads(g)

    return type(name, (m.Function,), {"forward": staticmethod(lambda ctx, x, k: x * k),
                                      "backward": staticmethod(backward)})


_COUNT = "function TooFewBackward returned an incorrect number of gradients "


@pytest.mark.parametrize("make_grads, error, message", [
    (lambda g: g, RuntimeError, _COUNT + "\\(expected 2, got 1\\)"),
    (lambda g: (g, None, g), RuntimeError, _COUNT + "\\(expected 2, got 3\\)"),
    (lambda g: (g[:2], None), RuntimeError, "Function TooFewBackward returned an invalid gradient at index 0 - "
                                            "got \\[2\\] but expected shape compatible with \\[3\\]"),
    (lambda g: (3.0, None), RuntimeError, "expected Variable or None \\(got float\\)"),
    (lambda g: (g, g), RuntimeError, "TooFewBackward returned a gradient different than None at position 2, "
                                     "but the corresponding forward input was not a Variable"),
])
def test_backward_errors_name_the_function_like_torch(make_grads, error, message):
    for m in (RB, TORCH):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = returns(m, make_grads, "TooFew").apply(x, 2.0)
        with pytest.raises(error, match=message):
            y.sum().backward()


@BOTH
def test_extra_none_gradients_are_dropped(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    returns(m, lambda g: (g, None, None), "Extra").apply(x, 2.0).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


@BOTH
def test_gradient_of_an_input_without_grad_is_not_checked(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    w = m.tensor([1.0, 2.0])
    two = type("Two", (m.Function,), {"forward": staticmethod(lambda ctx, x, w: x * w),
                                      "backward": staticmethod(lambda ctx, g: (g, m.lib.ones(7)))})
    two.apply(x, w).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0] and w.grad is None


@BOTH
def test_save_for_backward_rejects_non_tensors(m):
    class Bad(m.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError, match="save_for_backward can only save .*argument 1 is of type int"):
        Bad.apply(m.tensor([1.0], requires_grad=True))


def test_array_level_functions_keep_their_protocol():
    class Cube(rb.autograd.Function):
        def forward(self, x):
            self.x = x
            return x ** 3

        def backward(self, grad):
            return 3 * self.x ** 2 * grad

    x = rb.tensor([2.0], requires_grad=True)
    Cube.apply(x).sum().backward()
    assert x.grad.tolist() == [12.0]
    assert not hasattr(Cube, "_backward_cls")
