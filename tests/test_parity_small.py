"""Tensor.stride/is_contiguous, backward(inputs=...), and func.functional_call against PyTorch."""
import numpy as np
import pytest
import torch

import rosenblatt as rb
from rosenblatt.func import functional_call
from rosenblatt.nn.utils import stateless

A = np.arange(120.0).reshape(2, 3, 4, 5)

# Op sequences both libraries make as views (or both copy): the strides must agree.
SAME_LAYOUT = {
    "plain": lambda x: x,
    "transpose": lambda x: x.transpose(0, 2),
    "permute": lambda x: x.permute(3, 1, 0, 2),
    "mT": lambda x: x.mT,
    "slice_step": lambda x: x[:, 1:, ::2, 1:4],
    "int_index": lambda x: x[1, :, 2],
    "ellipsis": lambda x: x[..., 3],
    "expand": lambda x: x[:, :1].expand(2, 6, 4, 5),
    "expand_new_dims": lambda x: x[0, 0].expand(3, 2, 4, 5),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "squeeze": lambda x: x[:, :1].squeeze(1),
    "view": lambda x: x.view(6, 20),
    "narrow": lambda x: x.narrow(3, 1, 3),
    "select_transpose": lambda x: x.select(1, 2).transpose(0, 1),
    "unfold": lambda x: x.unfold(3, 2, 1),
    "movedim": lambda x: x.movedim(0, -1),
    "chunk": lambda x: x.chunk(2, dim=3)[1],
    "transpose_contiguous": lambda x: x.transpose(0, 3).contiguous(),
    "transpose_add": lambda x: x.transpose(1, 2) + 1,
    "transpose_slice_expand": lambda x: x.transpose(0, 3)[::2, :, :1].expand(3, 3, 4, 2),
}


@pytest.mark.parametrize("name", SAME_LAYOUT)
def test_stride_and_is_contiguous_match_torch_for_views(name):
    op = SAME_LAYOUT[name]
    r, t = op(rb.tensor(A)), op(torch.tensor(A))
    assert r.stride() == t.stride()
    assert r.is_contiguous() == t.is_contiguous()
    for d in range(-r.ndim, r.ndim):
        assert r.stride(d) == t.stride(d)


def test_stride_errors_match_torch():
    for shape, dim in [((2, 3), 2), ((2, 3), -3), ((), 0), ((), -1)]:
        with pytest.raises(IndexError) as te:
            torch.zeros(shape).stride(dim)
        with pytest.raises(IndexError) as re:
            rb.zeros(shape).stride(dim)
        assert str(re.value) == str(te.value)
    assert rb.tensor(1.0).stride() == torch.tensor(1.0).stride() == ()
    with pytest.raises(TypeError):
        rb.zeros(2).stride("0")


def test_stride_reports_rosenblatts_own_layout_where_it_differs():
    """Documented differences: flip is a negative-stride view here, a copy in PyTorch."""
    r, t = rb.tensor(A).flip(1), torch.tensor(A).flip(1)
    assert r.stride() == (60, -20, 5, 1) and t.stride() == (60, 20, 5, 1)
    assert not r.is_contiguous() and t.is_contiguous()


# ------------------------------------------------------------- backward(inputs=...)
def _graph(lib, leaf_values):
    x, w, b = (lib.tensor(v, requires_grad=True) for v in leaf_values)
    h = x * w  # a non-leaf
    out = ((h + b) * h).sum()
    return x, w, b, h, out


LEAVES = [np.array([1.0, -2.0, 3.0]), np.array([0.5, 2.0, -1.0]), np.array([1.5, 0.0, 2.0])]


def _grads(ts):
    return [None if t.grad is None else np.asarray(t.grad.tolist()) for t in ts]


def _assert_same_grads(rs, ts):
    for r, t in zip(_grads(rs), _grads(ts)):
        assert (r is None) == (t is None)
        if r is not None:
            np.testing.assert_allclose(r, t)


@pytest.mark.parametrize("pick", [[1], [0, 2], [3], [3, 1], [1, 1], [2]])
@pytest.mark.parametrize("api", ["method", "function"])
def test_backward_with_inputs_matches_torch(pick, api):
    (*rs, r_out), (*ts, t_out) = _graph(rb, LEAVES), _graph(torch, LEAVES)
    for tensors, out, lib in [(rs, r_out, rb), (ts, t_out, torch)]:
        inputs = [tensors[i] for i in pick]
        if api == "method":
            out.backward(inputs=inputs, retain_graph=True)
        else:
            lib.autograd.backward([out], inputs=inputs, retain_graph=True)
    _assert_same_grads(rs, ts)
    r_out.backward(retain_graph=True)  # again, all leaves: accumulates; h kept its retain_grad if picked
    t_out.backward(retain_graph=True)
    _assert_same_grads(rs, ts)
    assert rs[3].retains_grad == ts[3].retains_grad  # h keeps its grad only where it was picked


def test_backward_with_inputs_accumulates_and_takes_a_tensor_or_dict():
    (*rs, r_out), (*ts, t_out) = _graph(rb, LEAVES), _graph(torch, LEAVES)
    for tensors, out in [(rs, r_out), (ts, t_out)]:
        out.backward(inputs=tensors[0], retain_graph=True)
        out.backward(gradient=None, inputs={"w": tensors[1], "x": tensors[0]})
    _assert_same_grads(rs, ts)
    assert rs[2].grad is None


def test_backward_with_an_unreached_input_leaves_it_alone_as_torch():
    r_u, t_u = rb.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    (*rs, r_out), (*ts, t_out) = _graph(rb, LEAVES), _graph(torch, LEAVES)
    r_out.backward(inputs=[r_u, rs[1]])
    t_out.backward(inputs=[t_u, ts[1]])
    assert r_u.grad is None and t_u.grad is None
    _assert_same_grads(rs, ts)


def test_backward_inputs_errors_match_torch():
    for lib in (rb, torch):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="cannot be empty"):
            (x * 2).sum().backward(inputs=[])
        with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
            (x * 2).sum().backward(inputs=[lib.ones(2)])
        with pytest.raises(RuntimeError, match="cannot be empty"):
            lib.autograd.backward((x * 2).sum(), inputs=())
        assert x.grad is None


# ------------------------------------------------------------- functional_call
def _mlp(lib):
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    if lib is torch:
        return m
    r = rb.nn.Sequential(rb.nn.Linear(3, 4), rb.nn.BatchNorm1d(4), rb.nn.Linear(4, 2))
    r.load_state_dict({k: rb.tensor(v.detach().numpy()) for k, v in m.state_dict().items()})
    return r


def _new_values(lib, names_shapes):
    g = np.random.default_rng(1)
    return {k: lib.tensor(g.standard_normal(s), dtype=lib.float32, requires_grad=not k.endswith(("mean", "var")))
            for k, s in names_shapes}


@pytest.mark.parametrize("keys", ["all", "some", "split"])
def test_functional_call_matches_torch_and_restores_the_module(keys):
    rm, tm = _mlp(rb), _mlp(torch)
    names = [(k, tuple(v.shape)) for k, v in tm.state_dict().items() if k != "1.num_batches_tracked"]
    if keys == "some":
        names = [n for n in names if n[0].startswith("2.")]
    rv, tv = _new_values(rb, names), _new_values(torch, names)
    before = {k: v for k, v in rm.state_dict().items()}
    before_ids = {k: id(p) for k, p in rm.named_parameters()}
    x = np.random.default_rng(2).standard_normal((5, 3)).astype(np.float32)
    if keys == "split":
        half = len(names) // 2
        rd = ({k: rv[k] for k, _ in names[:half]}, {k: rv[k] for k, _ in names[half:]})
        td = ({k: tv[k] for k, _ in names[:half]}, {k: tv[k] for k, _ in names[half:]})
    else:
        rd, td = rv, tv
    ry, ty = functional_call(rm, rd, rb.tensor(x)), torch.func.functional_call(tm, td, torch.tensor(x))
    np.testing.assert_allclose(ry.tolist(), ty.tolist(), rtol=1e-5, atol=1e-5)
    ry.sum().backward()
    ty.sum().backward()
    for k, _ in names:
        if tv[k].requires_grad:
            np.testing.assert_allclose(rv[k].grad.tolist(), tv[k].grad.tolist(), rtol=1e-4, atol=1e-5)
    assert {k: id(p) for k, p in rm.named_parameters()} == before_ids
    assert all(p.grad is None for p in rm.parameters()) == all(p.grad is None for p in tm.parameters())
    for k, v in rm.state_dict().items():  # the module's own tensors are back (running stats updated in place)
        if not k.startswith("1.running"):
            np.testing.assert_array_equal(v.tolist(), before[k].tolist())


def test_functional_call_restores_even_when_the_call_raises():
    rm = _mlp(rb)
    weight = rm[0].weight
    with pytest.raises(Exception):
        functional_call(rm, {"0.weight": rb.ones(4, 3)}, rb.ones(5, 7))
    assert rm[0].weight is weight


def test_functional_call_kwargs_tied_weights_strict_and_errors_match_torch():
    class Tied:
        def __init__(self, lib):
            m = lib.nn.Module if lib is torch else rb.nn.Module
            parent = self

            class M(m):
                def __init__(self):
                    super().__init__()
                    self.a = lib.nn.Linear(2, 2, bias=False)
                    self.b = lib.nn.Linear(2, 2, bias=False)
                    self.b.weight = self.a.weight

                def forward(self, x, scale=1.0):
                    return self.b(self.a(x)) * scale
            parent.m = M()

    for lib, call in [(rb, functional_call), (torch, torch.func.functional_call)]:
        m = Tied(lib).m
        w = lib.tensor([[1.0, 2.0], [0.0, 1.0]])
        x = lib.tensor([[1.0, 1.0]])
        assert call(m, {"a.weight": w}, (x,), {"scale": 2.0}).tolist() == [[10.0, 2.0]]
        untied = call(m, {"a.weight": w}, x, tie_weights=False)
        assert untied.tolist() == (m.b(x @ w.T)).tolist()
        with pytest.raises(ValueError, match="which are tied"):
            call(m, {"a.weight": w, "b.weight": w * 2}, x)
        with pytest.raises(RuntimeError, match=r"Error\(s\) in reparametrizing for M:\n\tUnexpected key\(s\): "
                                               r"'c'.\n\tMissing key\(s\): 'b.weight'."):
            call(m, {"a.weight": w, "c": w}, x, strict=True, tie_weights=False)
        with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
            call(m, ({"a.weight": w}, {"a.weight": w}), x)
        with pytest.raises(ValueError, match="Expected parameter_and_buffer_dicts to be a dict"):
            call(m, 3, x)
        with pytest.raises(AttributeError, match="has no attribute `z`"):
            call(m, {"z.weight": w}, x)
        call(m, {"extra": w}, x)  # strict=False: set for the call only
        assert not hasattr(m, "extra")


def test_stateless_functional_call_is_the_deprecated_alias():
    lin, tlin = rb.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    w, tw = rb.ones(1, 2), torch.ones(1, 2)
    with pytest.warns(FutureWarning, match="deprecated"):
        y = stateless.functional_call(lin, {"weight": w, "bias": rb.zeros(1)}, rb.tensor([[1.0, 2.0]]))
    with pytest.warns(FutureWarning):
        ty = torch.nn.utils.stateless.functional_call(tlin, {"weight": tw, "bias": torch.zeros(1)},
                                                       torch.tensor([[1.0, 2.0]]))
    assert y.tolist() == ty.tolist() == [[3.0]]


def test_func_is_not_loaded_by_import_rosenblatt():
    import subprocess
    import sys
    code = "import sys, rosenblatt; print('rosenblatt.func' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
