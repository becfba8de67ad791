"""rosenblatt.func's transforms (grad, grad_and_value, vjp, jacrev) against torch.func."""
import numpy as np
import pytest
import torch
import torch.func as tf

import rosenblatt as rb
from rosenblatt import func as rf

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4, 2))
V = RNG.standard_normal(4)


def to_rb(tree):
    """A pytree of arrays as rosenblatt tensors."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(to_rb(x) for x in tree)
    if isinstance(tree, dict):
        return {k: to_rb(v) for k, v in tree.items()}
    return rb.tensor(tree)


def to_torch(tree):
    if isinstance(tree, (tuple, list)):
        return type(tree)(to_torch(x) for x in tree)
    if isinstance(tree, dict):
        return {k: to_torch(v) for k, v in tree.items()}
    return torch.tensor(tree)


def assert_same(ours, theirs, rtol=1e-10, atol=1e-12):
    """Same structure (types, keys), shapes, dtypes and values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, rb.Tensor), type(ours)
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
        assert not ours.requires_grad
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs)
        for k in theirs:
            assert_same(ours[k], theirs[k], rtol, atol)
    else:
        assert type(ours) is type(theirs), (type(ours), type(theirs))
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            assert_same(o, t, rtol, atol)


# (function working on both libraries, arguments as arrays); scalar-valued for grad
SCALAR = {
    "elementwise": (lambda x: (x.sin() * x.exp()).sum(), (A,)),
    "matmul": (lambda x, w: (x @ w).tanh().sum(), (A, B)),
    "mean_of_square": (lambda x, w: ((x @ w) ** 2).mean(), (A, B)),
    "reduction_max": (lambda x: x.amax(dim=1).sum() + x.sum(), (A,)),
    "dict_input": (lambda p, x: (x @ p["w"] + p["b"]).relu().sum(), ({"w": B, "b": B[0]}, A)),
    "tuple_input": (lambda xs, v: (xs[0] @ xs[1]).sum() * (v * v).sum(), ((A, B), V)),
    "unused_arg": (lambda x, y: (x * 2).sum(), (V, V[:2])),
}


@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1, 0), -1])
@pytest.mark.parametrize("name", SCALAR)
def test_grad_and_value_match_torch(name, argnums):
    f, args = SCALAR[name]
    if len(args) == 1 and argnums not in (0, -1):  # out of range: the same error as torch
        raises_like_torch(lambda: rf.grad_and_value(f, argnums=argnums)(*to_rb(args)),
                          lambda: tf.grad_and_value(f, argnums=argnums)(*to_torch(args)))
        return
    ours = rf.grad_and_value(f, argnums=argnums)(*to_rb(args))
    theirs = tf.grad_and_value(f, argnums=argnums)(*to_torch(args))
    assert_same(ours, theirs)
    assert_same(rf.grad(f, argnums=argnums)(*to_rb(args)), tf.grad(f, argnums=argnums)(*to_torch(args)))


@pytest.mark.parametrize("name", SCALAR)
def test_grad_keeps_float32(name):
    f, args = SCALAR[name]
    argnums = (0, 1) if len(args) == 2 else 0

    def cast(tree, lib):
        if isinstance(tree, (tuple, list)):
            return type(tree)(cast(x, lib) for x in tree)
        if isinstance(tree, dict):
            return {k: cast(v, lib) for k, v in tree.items()}
        return lib.tensor(np.asarray(tree, dtype=np.float32))
    ours = rf.grad_and_value(f, argnums=argnums)(*cast(args, rb))
    theirs = tf.grad_and_value(f, argnums=argnums)(*cast(args, torch))
    assert_same(ours, theirs, rtol=1e-4, atol=1e-5)  # also checks float32 dtypes


def test_grad_has_aux_and_kwargs():
    def f(x, scale=1.0):
        y = (x * x).sum() * scale
        return y, {"y": y, "x2": x * 2}

    x = A[0]
    ours = rf.grad(f, has_aux=True)(rb.tensor(x), scale=3.0)
    theirs = tf.grad(f, has_aux=True)(torch.tensor(x), scale=3.0)
    assert_same(ours[0], theirs[0])
    assert_same((ours[1]["y"], ours[1]["x2"]), (theirs[1]["y"], theirs[1]["x2"]))
    g, (value, aux) = rf.grad_and_value(f, has_aux=True)(rb.tensor(x))
    assert_same((g, value), tf.grad_and_value(f, has_aux=True)(torch.tensor(x))[:1] + (torch.tensor((x * x).sum()),))


def test_grad_leaves_inputs_alone_and_ignores_no_grad():
    x = rb.tensor(V, requires_grad=True)
    with rb.no_grad():
        g = rf.grad(lambda t: (t ** 3).sum())(x)
    np.testing.assert_allclose(g.numpy(), 3 * V ** 2, rtol=1e-12)
    assert x.grad is None


def test_grad_of_constant_function_is_zero():
    ours = rf.grad(lambda x: rb.tensor(2.0, dtype=rb.float64))(rb.tensor(V))
    theirs = tf.grad(lambda x: torch.tensor(2.0, dtype=torch.float64))(torch.tensor(V))
    assert_same(ours, theirs)


VECTOR = {
    "elementwise": (lambda x: x.sin() * x, (V,)),
    "matmul": (lambda x, w: x @ w, (A, B)),
    "reduction": (lambda x, w: (x @ w).sum(dim=0), (A, B)),
    "several_outputs": (lambda x, w: (x @ w, x.exp().sum(), w.T), (A, B)),
    "dict_output": (lambda x, w: {"y": x @ w, "s": (x * x).sum(dim=1)}, (A, B)),
    "dict_input": (lambda p, x: [x @ p["w"] + p["b"], p["b"] * 2], ({"w": B, "b": B[0]}, A)),
}


@pytest.mark.parametrize("argnums", [0, 1, (0, 1)])
@pytest.mark.parametrize("name", [n for n in VECTOR if VECTOR[n][1].__len__() == 2])
def test_jacrev_matches_torch(name, argnums):
    f, args = VECTOR[name]
    assert_same(rf.jacrev(f, argnums=argnums)(*to_rb(args)), tf.jacrev(f, argnums=argnums)(*to_torch(args)))


def test_jacrev_single_input_float32_and_chunk_size():
    f, (v,) = VECTOR["elementwise"]
    v32 = v.astype(np.float32)
    ours = rf.jacrev(f, chunk_size=2)(rb.tensor(v32))
    theirs = tf.jacrev(f, chunk_size=2)(torch.tensor(v32))
    assert_same(ours, theirs, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="chunk_size"):
        rf.jacrev(f, chunk_size=0)


def test_jacrev_has_aux():
    def f(x):
        return x.exp(), x.sum()

    ours = rf.jacrev(f, has_aux=True)(rb.tensor(V))
    theirs = tf.jacrev(f, has_aux=True)(torch.tensor(V))
    assert_same(ours, theirs)


@pytest.mark.parametrize("name", VECTOR)
def test_vjp_matches_torch_with_random_cotangent(name):
    f, args = VECTOR[name]
    out_rb, fn_rb = rf.vjp(f, *to_rb(args))
    out_t, fn_t = tf.vjp(f, *to_torch(args))
    assert_same(out_rb, out_t)
    rng = np.random.default_rng(1)
    flat, spec = torch.utils._pytree.tree_flatten(out_t)
    cot_np = [rng.standard_normal(tuple(o.shape)) for o in flat]
    cot_t = torch.utils._pytree.tree_unflatten([torch.tensor(c) for c in cot_np], spec)
    cot_rb = torch.utils._pytree.tree_unflatten([rb.tensor(c) for c in cot_np], spec)
    assert_same(fn_rb(cot_rb), fn_t(cot_t))
    assert_same(fn_rb(cot_rb), fn_t(cot_t))  # vjp_fn can be called again


def test_vjp_has_aux_float32():
    x = A.astype(np.float32)
    f = lambda t: (t.tanh(), t.mean())  # noqa: E731
    out, fn, aux = rf.vjp(f, rb.tensor(x), has_aux=True)
    out_t, fn_t, aux_t = tf.vjp(f, torch.tensor(x), has_aux=True)
    c = np.random.default_rng(2).standard_normal(x.shape).astype(np.float32)
    assert_same((out, aux, fn(rb.tensor(c))), (out_t, aux_t, fn_t(torch.tensor(c))), rtol=1e-5, atol=1e-6)


def raises_like_torch(ours, theirs, exc=RuntimeError):
    with pytest.raises(exc) as expected:
        theirs()
    with pytest.raises(exc) as got:
        ours()
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("case", ["non_scalar", "non_tensor", "bad_aux", "argnum_range", "argnum_type",
                                  "argnums_empty", "argnums_repeat", "argnum_elem_type"])
def test_grad_errors_match_torch(case):
    f, argnums, has_aux = {
        "non_scalar": (lambda x, y: x * 2, 0, False),
        "non_tensor": (lambda x, y: 3.0, 0, False),
        "bad_aux": (lambda x, y: x.sum(), 0, True),
        "argnum_range": (lambda x, y: x.sum(), 2, False),
        "argnum_type": (lambda x, y: x.sum(), [0], False),
        "argnums_empty": (lambda x, y: x.sum(), (), False),
        "argnums_repeat": (lambda x, y: x.sum(), (0, -2), False),
        "argnum_elem_type": (lambda x, y: x.sum(), (0, 1.0), False),
    }[case]
    raises_like_torch(lambda: rf.grad(f, argnums, has_aux)(rb.tensor(V), rb.tensor(V)),
                      lambda: tf.grad(f, argnums, has_aux)(torch.tensor(V), torch.tensor(V)))


def test_vjp_and_jacrev_errors_match_torch():
    for ours_api, torch_api in [(rf.vjp, tf.vjp), (lambda f, x: rf.jacrev(f)(x), lambda f, x: tf.jacrev(f)(x))]:
        raises_like_torch(lambda: ours_api(lambda x: (x, 2), rb.tensor(V)),
                          lambda: torch_api(lambda x: (x, 2), torch.tensor(V)))
        with pytest.raises(RuntimeError, match=r"^vjp\(f, \.\.\.\): All outputs of f must be floating-point"):
            ours_api(lambda x: (x > 0).long(), rb.tensor(V))  # the dtype is written int64, not torch.int64
    raises_like_torch(lambda: rf.grad(lambda x: x)(3.0), lambda: tf.grad(lambda x: x)(3.0), ValueError)
    _, fn = rf.vjp(lambda x: (x, x), rb.tensor(V))
    with pytest.raises(RuntimeError, match="pytree structure of cotangents"):
        fn(rb.tensor(V))
    with pytest.raises(NotImplementedError, match="double backward"):
        fn((rb.tensor(V), rb.tensor(V)), create_graph=True)


def test_nested_transforms_raise_not_implemented():
    f = lambda x: (x ** 3).sum()  # noqa: E731
    x = rb.tensor(V)
    with pytest.raises(NotImplementedError, match=r"rosenblatt.func.grad: .*double backward"):
        rf.grad(lambda t: rf.grad(f)(t).sum())(x)
    with pytest.raises(NotImplementedError, match=r"rosenblatt.func.jacrev"):
        rf.jacrev(rf.jacrev(lambda t: t.sin()))(x)
    with pytest.raises(NotImplementedError, match=r"rosenblatt.func.vjp"):
        rf.grad(lambda t: rf.vjp(lambda u: (u * t).sum(), rb.tensor(V))[0])(x)  # t captured
    with pytest.raises(NotImplementedError, match=r"rosenblatt.func.grad"):
        rf.grad(lambda t: rf.grad_and_value(lambda u: (u * t).sum())(rb.tensor(V))[1])(x)


def test_nested_transform_on_constants_works():
    c = rb.tensor(V)
    g = rf.grad(lambda t: (t * rf.grad(lambda u: (u ** 2).sum())(c)).sum())(rb.tensor(A[0]))
    np.testing.assert_allclose(g.numpy(), 2 * V, rtol=1e-12)
    # parameters requiring grad captured by the inner function are not an outer transform's inputs
    w = rb.tensor(V, requires_grad=True)
    g = rf.grad(lambda t: (t * rf.grad(lambda u: (u * w).sum())(c)).sum())(rb.tensor(A[0]))
    np.testing.assert_allclose(g.numpy(), V, rtol=1e-12)
