"""mv, addmv, addr, addcmul, addcdiv, tensordot, inner, kron, dist and PyTorch's top-level
linear algebra names (svd, qr, cholesky, det, ...) against PyTorch."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op


def test_mv_addmv_addr():
    check_op([(3, 4), (4,)], rb.mv, torch.mv)
    check_op([(3, 4), (4,)], lambda a, v: a.mv(v), lambda a, v: a.mv(v))
    check_op([(3,), (3, 4), (4,)], lambda i, a, v: rb.addmv(i, a, v, beta=0.5, alpha=2),
             lambda i, a, v: torch.addmv(i, a, v, beta=0.5, alpha=2))
    check_op([(3, 4), (3,), (4,)], lambda i, a, b: rb.addr(i, a, b, alpha=-1), lambda i, a, b: torch.addr(i, a, b, alpha=-1))
    with pytest.raises(ValueError, match=r"mv: expected a matrix and a vector, got shapes \[3\] and \[3\]"):
        rb.mv(rb.ones(3), rb.ones(3))


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv(name):
    check_op([(2, 3), (3,), (2, 1)], lambda i, a, b: getattr(rb, name)(i, a, b, value=0.5),
             lambda i, a, b: getattr(torch, name)(i, a, b, value=0.5), positive=(False, False, True))
    check_op([(2, 3), (2, 3), (2, 3)], lambda i, a, b: getattr(i, name)(a, b), lambda i, a, b: getattr(i, name)(a, b),
             positive=(False, False, True))


@pytest.mark.parametrize("shapes,dims", [([(2, 3, 4), (3, 4, 5)], 2), ([(2, 3), (3, 4)], 1), ([(2, 3), (4, 5)], 0),
                                         ([(4, 3, 2), (2, 5, 4)], ([0, 2], [2, 0])), ([(3, 4), (4, 3)], ([1], [0]))])
def test_tensordot(shapes, dims):
    check_op(shapes, lambda a, b: rb.tensordot(a, b, dims), lambda a, b: torch.tensordot(a, b, dims))


def test_tensordot_refuses_unpaired_dims():
    with pytest.raises(ValueError, match=r"tensordot: contracted dims \[1\] of shape \[2, 3\] and \[0\] of shape \[4\]"):
        rb.tensordot(rb.ones(2, 3), rb.ones(4), ([1], [0]))


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (4, 3)], [(2, 2, 3), (3,)], [(), (2, 3)]])
def test_inner(shapes):
    check_op(shapes, rb.inner, torch.inner)


@pytest.mark.parametrize("shapes", [[(2, 3), (4, 5)], [(3,), (2,)], [(2, 2), (3,)], [(2, 1, 3), (2, 2)]])
def test_kron(shapes):
    check_op(shapes, rb.kron, torch.kron)


@pytest.mark.parametrize("p", [2, 1, 3, float("inf")])
def test_dist(p):
    check_op([(3, 4), (4,)], lambda a, b: rb.dist(a, b, p), lambda a, b: torch.dist(a, b, p))


def test_top_level_linear_algebra_names():
    rng = numpy.random.default_rng(0)
    a = rng.standard_normal((3, 3))
    spd = a @ a.T + 3 * numpy.eye(3)
    for name in ("det", "logdet", "inverse"):
        check_op(None, getattr(rb, name), getattr(torch, name), inputs=[spd])
    check_op(None, lambda x: rb.slogdet(x)[1], lambda x: torch.slogdet(x)[1], inputs=[a])
    check_op(None, lambda x: rb.matrix_power(x, 3), lambda x: torch.matrix_power(x, 3), inputs=[a])
    for upper in (False, True):
        # the gradient is symmetric (as PyTorch's), the numerical check perturbs one side only
        check_op(None, lambda x: rb.cholesky(x, upper), lambda x: torch.cholesky(x, upper), inputs=[spd],
                 gradcheck=False)
    tall = rng.standard_normal((4, 3))
    for some in (True, False):
        q, r = rb.qr(rb.tensor(tall), some)
        tq, tr = torch.qr(torch.tensor(tall), some)
        assert_close(q @ r, tq @ tr)
        assert tuple(q.shape) == tuple(tq.shape) and tuple(r.shape) == tuple(tr.shape)
        u, s, v = rb.svd(rb.tensor(tall), some)
        tu, ts, tv = torch.svd(torch.tensor(tall), some)
        assert_close(s, ts)
        assert tuple(u.shape) == tuple(tu.shape) and tuple(v.shape) == tuple(tv.shape)
        assert_close((u[:, :3] * s) @ v.T, torch.tensor(tall))  # V, not V^T, as PyTorch's
    assert rb.logdet(rb.tensor([[-1.0, 0.0], [0.0, 1.0]])).isnan().item()  # a negative determinant
    assert rb.svd(rb.tensor(tall), compute_uv=False).U.abs().sum().item() == 0


def test_linear_algebra_as_tensor_methods():
    a = numpy.array([[2.0, 1.0], [1.0, 3.0]])
    for name, args in (("det", ()), ("inverse", ()), ("logdet", ()), ("matrix_power", (2,)), ("cholesky", ())):
        assert_close(getattr(rb.tensor(a), name)(*args), getattr(torch.tensor(a), name)(*args))
    assert_close(rb.tensor(a).slogdet()[1], torch.tensor(a).slogdet()[1])
    assert_close(rb.tensor(a).svd().S, torch.tensor(a).svd().S)


def test_cross_takes_the_first_dim_of_size_3_by_default_as_torch_cross():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch warns that this default will change
        check_op([(4, 3), (4, 3)], rb.cross, torch.cross)
        check_op([(3, 4), (3, 4)], rb.cross, torch.cross)
    check_op([(2, 3), (2, 3)], lambda a, b: a.cross(b, dim=1), lambda a, b: a.cross(b, dim=1))
    with pytest.raises(ValueError, match=r"cross: no dimension of size 3 in input's shape \[2, 2\]"):
        rb.cross(rb.ones(2, 2), rb.ones(2, 2))
