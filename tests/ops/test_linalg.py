"""matmul, mm, bmm, dot, outer and einsum against PyTorch."""
import numpy as np
import pytest
import torch

import rosenblatt as rb
from helpers import check_op


@pytest.mark.parametrize("shapes", [
    [(3, 4), (4, 5)], [(4,), (4, 5)], [(3, 4), (4,)], [(4,), (4,)], [(2, 3, 4), (2, 4, 5)],
    [(2, 3, 4), (4, 5)], [(3, 4), (2, 4, 5)], [(2, 1, 3, 4), (5, 4, 2)], [(4,), (2, 4, 5)],
    [(2, 3, 4), (4,)], [(1, 3, 4), (2, 4, 5)],
])
def test_matmul(shapes):
    check_op(shapes, lambda x, y: x @ y)
    check_op(shapes, rb.matmul, torch.matmul)


def test_matmul_method_and_reflected():
    check_op([(3, 4), (4, 2)], lambda x, y: x.matmul(y))
    check_op([(3, 4), (4, 2)], lambda x, y: y.__rmatmul__(x))


def test_mm_bmm_dot_outer():
    check_op([(3, 4), (4, 5)], rb.mm, torch.mm)
    check_op([(2, 3, 4), (2, 4, 5)], rb.bmm, torch.bmm)
    check_op([(4,), (4,)], rb.dot, torch.dot)
    check_op([(3,), (4,)], rb.outer, torch.outer)
    check_op([(3, 4), (4, 5)], lambda x, y: x.mm(y))
    check_op([(2, 3, 4), (2, 4, 5)], lambda x, y: x.bmm(y))


def test_shape_errors_name_the_op():
    with pytest.raises(ValueError, match="matmul"):
        rb.ones(3, 4) @ rb.ones(3, 4)
    with pytest.raises(ValueError, match="matmul"):
        rb.matmul(rb.ones(()), rb.ones(3))
    with pytest.raises(ValueError, match="matmul"):
        rb.ones(2, 3, 4) @ rb.ones(3, 4, 5)
    with pytest.raises(ValueError, match="bmm"):
        rb.bmm(rb.ones(2, 3, 4), rb.ones(3, 4, 5))
    with pytest.raises(ValueError, match="mm"):
        rb.mm(rb.ones(3), rb.ones(3, 4))


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("ij", [(3, 4)]),
    ("ba", [(3, 4)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk", [(2, 2, 3, 4), (4, 5)]),
    ("...ij,...jk->...ik", [(1, 3, 4), (2, 4, 5)]),
    ("b...d,bd->b...", [(2, 3, 5, 4), (2, 4)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("i,jk->ijk", [(2,), (3, 4)]),
    ("ik,jk->", [(2, 3), (4, 3)]),
    ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("iij->j", [(3, 3, 2)]), ("bii->bi", [(2, 3, 3)]),
    ("ij,ii->j", [(3, 4), (3, 3)]), ("...ii->...i", [(2, 3, 3)]), ("iji->j", [(3, 4, 3)]),
])
def test_einsum(equation, shapes):
    check_op(shapes, lambda *xs: rb.einsum(equation, *xs), lambda *xs: torch.einsum(equation, *xs))
    check_op(shapes, lambda *xs: rb.einsum(equation, list(xs)), lambda *xs: torch.einsum(equation, list(xs)),
             dtypes=("float32",))


def test_einsum_errors():
    with pytest.raises(ValueError, match="einsum"):
        rb.einsum("ij,jk->ik", rb.ones(3, 4))
    with pytest.raises(ValueError, match="einsum"):
        rb.einsum("ijk->i", rb.ones(3, 4))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_preserved(dtype):
    x = rb.rand(2, 3, 4, dtype=dtype, requires_grad=True)
    y = rb.rand(4, 5, dtype=dtype, requires_grad=True)
    outs = [x @ y, rb.einsum("bij,jk->bik", x, y), rb.bmm(x, x.transpose(1, 2))]
    sum(o.sum() for o in outs).backward()
    assert all(o.dtype == dtype for o in outs)
    assert x.grad.dtype == dtype and y.grad.dtype == dtype


@pytest.mark.parametrize("which", [0, 1])
def test_einsum_operand_changed_in_place_before_backward_is_an_error(which):
    # einsum keeps its operands for backward; PyTorch refuses a changed one instead of a wrong gradient.
    x = rb.ones(3, 3, requires_grad=True)
    a, b = x * 1.0, x * 2.0
    out = rb.einsum("ij,jk->ik", a, b)
    with rb.no_grad():
        (a, b)[which].mul_(2.0)
    with pytest.raises(RuntimeError, match="in-place"):
        out.sum().backward()


_PRODUCTS = [("matmul", lambda m, a, b: m.matmul(a, b)), ("matmul", lambda m, a, b: a @ b[0]),
             ("mm", lambda m, a, b: m.mm(a, b)), ("bmm", lambda m, a, b: m.bmm(a[None], b[None])),
             ("dot", lambda m, a, b: m.dot(a[0], b[0])),
             ("einsum", lambda m, a, b: m.einsum("ij,jk->ik", a, b))]


@pytest.mark.parametrize("name,product", _PRODUCTS, ids=[f"{n}{i}" for i, (n, _) in enumerate(_PRODUCTS)])
@pytest.mark.parametrize("dtypes", [("int64", "float32"), ("float32", "float64"), ("bool", "float32"),
                                    ("bool", "bool")])
def test_products_of_mixed_or_bool_dtypes_raise_as_torch(name, product, dtypes):
    """NumPy would promote (int64 @ float32 to float64); PyTorch refuses, and so do we."""
    ours = [rb.ones(2, 2, dtype=getattr(rb, d)) for d in dtypes]
    theirs = [torch.ones(2, 2, dtype=getattr(torch, d)) for d in dtypes]
    with pytest.raises(RuntimeError):
        product(torch, *theirs)
    with pytest.raises(RuntimeError, match=f"{name}: .*{dtypes[0]}.*e.g. a.float"):
        product(rb, *ours)


def test_einsum_without_a_contraction_promotes_as_torch():
    """No summed letter shared by two operands: PyTorch multiplies, int64 * float32 is float32."""
    a, b = torch.arange(3), torch.ones(3, requires_grad=True)
    x, y = rb.arange(3), rb.ones(3, requires_grad=True)
    out, expected = rb.einsum("i,i->i", x, y), torch.einsum("i,i->i", a, b)
    assert str(out.dtype) == str(expected.dtype).replace("torch.", "") == "float32"
    out.sum().backward()
    assert y.grad.dtype == rb.float32


def test_outer_needs_vectors_as_torch():
    with pytest.raises(RuntimeError):
        torch.outer(torch.ones(2, 2), torch.ones(2))
    with pytest.raises(ValueError, match=r"outer: expected 1-d tensors, got shapes \[2, 2\] and \[2\]"):
        rb.outer(rb.ones(2, 2), rb.ones(2))


def _lib(x):
    return torch if isinstance(x, torch.Tensor) else rb


@pytest.mark.parametrize("shape", [(4,), (3, 4), (4, 3), (3, 3)])
@pytest.mark.parametrize("diagonal", [0, 1, -1, 2, -3])
def test_diag_matches_torch(shape, diagonal):
    check_op([shape], lambda x: _lib(x).diag(x, diagonal))
    check_op([shape], lambda x: x.diag(diagonal))


def test_trace_and_addmm_match_torch():
    check_op([(3, 4)], lambda x: _lib(x).trace(x))
    check_op([(3, 5), (3, 4), (4, 5)], lambda c, a, b: _lib(c).addmm(c, a, b))
    check_op([(5,), (3, 4), (4, 5)], lambda c, a, b: _lib(c).addmm(c, a, b, beta=0.5, alpha=2.0))
    check_op([(3, 5), (3, 4), (4, 5)], lambda c, a, b: c.addmm(a, b, alpha=-1.0))
    with pytest.raises(ValueError, match=r"diag\(\): expected a 1-d or 2-d tensor"):
        rb.diag(rb.zeros(2, 2, 2))


def test_baddbmm_and_mH_match_torch():
    check_op([(2, 3, 5), (2, 3, 4), (2, 4, 5)], lambda c, a, b: _lib(c).baddbmm(c, a, b))
    check_op([(5,), (2, 3, 4), (2, 4, 5)], lambda c, a, b: _lib(c).baddbmm(c, a, b, beta=0.5, alpha=-2.0))
    check_op([(2, 3, 5), (2, 3, 4), (2, 4, 5)], lambda c, a, b: c.baddbmm(a, b, alpha=0.5))
    check_op([(2, 3, 4)], lambda x: x.mH)
    for lib in (torch, rb):  # beta=0 ignores input, nan included
        out = lib.addmm(lib.full((2, 2), float("nan")), lib.ones(2, 3), lib.ones(3, 2), beta=0)
        assert out.tolist() == [[3.0, 3.0], [3.0, 3.0]]


@pytest.mark.parametrize("shapes", [[(3, 4), (5, 4)], [(2, 3, 4), (2, 5, 4)], [(1, 2), (1, 2)]])
def test_cdist_matches_torch(shapes):
    check_op(shapes, lambda a, b: _lib(a).cdist(a, b))


def test_cdist_gradient_at_a_zero_distance_is_zero_as_torch():
    grads = []
    for lib in (torch, rb):
        a = lib.tensor([[0.0, 0.0], [1.0, 1.0]], requires_grad=True)
        b = lib.tensor([[0.0, 0.0], [3.0, 4.0]], requires_grad=True)
        lib.cdist(a, b).sum().backward()
        grads.append((a.grad.tolist(), b.grad.tolist()))
    np.testing.assert_allclose(np.array(grads[1][0]), np.array(grads[0][0]), atol=1e-6)
    np.testing.assert_allclose(np.array(grads[1][1]), np.array(grads[0][1]), atol=1e-6)
    with pytest.raises(ValueError, match="p=2"):
        rb.cdist(rb.zeros(2, 2), rb.zeros(2, 2), p=1)


def test_cdist_reports_an_in_place_change_to_what_backward_needs():
    for lib in (torch, rb):
        a, b = lib.ones(2, 3, requires_grad=True), lib.zeros(4, 3, requires_grad=True)
        x = a * 2
        d = lib.cdist(x, b)
        with lib.no_grad():
            x.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation|in-place"):
            d.sum().backward()
