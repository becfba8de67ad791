"""rosenblatt.linalg against torch.linalg: values (float32 and float64), gradients and
gradcheck (float64), batching, and the errors PyTorch raises."""
import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import linalg
from helpers import check_op


def _lib(x):
    """The linalg namespace of the library ``x`` belongs to."""
    return linalg if isinstance(x, rb.Tensor) else torch.linalg


def _well_conditioned(x):
    """A batch of matrices far from singular, built differentiably from ``x``."""
    n = x.shape[-1]
    eye = rb.eye(n, dtype=x.dtype) if isinstance(x, rb.Tensor) else torch.eye(n, dtype=x.dtype)
    return x + 3 * eye


def _spd(x):
    """Symmetric positive-definite matrices from ``x`` (also differentiable)."""
    return _well_conditioned(x @ x.mT)


def _symmetric(x):
    return x + x.mT


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_inv_det_slogdet(shape):
    check_op([shape], lambda x: _lib(x).inv(_well_conditioned(x)))
    check_op([shape], lambda x: _lib(x).det(x))
    check_op([shape], lambda x: tuple(_lib(x).slogdet(x)))


def test_det_gradient_of_singular_matrix():
    # rank n-1: the gradient is the cofactor matrix (nonzero), not nan from A^-1.  PyTorch
    # 2.13 gives zeros here at first order (its lu_solve path scales by det = 0), so the
    # check is against the numerical derivative and the cofactors written out.
    singular = numpy.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    a = rb.tensor(singular, requires_grad=True)
    assert rb.autograd.gradcheck(linalg.det, [a])
    linalg.det(a).backward()
    numpy.testing.assert_allclose(a.grad.data, [[4, 4, -4], [-2, -2, 2], [0, 0, 0]], atol=1e-12)


@pytest.mark.parametrize("shapes", [[(3, 3), (3,)], [(3, 3), (3, 2)], [(2, 3, 3), (2, 3)],
                                    [(2, 3, 3), (3, 4)], [(3, 3), (2, 3, 1)]])
def test_solve(shapes):
    check_op(shapes, lambda a, b: _lib(a).solve(_well_conditioned(a), b))


def test_solve_left_false():
    check_op([(3, 3), (2, 3)], lambda a, b: _lib(a).solve(_well_conditioned(a), b, left=False))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_cholesky(shape):
    check_op([shape], lambda x: _lib(x).cholesky(_spd(x)))
    check_op([shape], lambda x: _lib(x).cholesky(_spd(x), upper=True))


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 4, 3), (3, 5)])
def test_qr(shape):
    check_op([shape], lambda x: tuple(_lib(x).qr(x)))


def test_qr_complete_and_r_modes():
    check_op([(3, 5)], lambda x: tuple(_lib(x).qr(x, mode="complete")))
    check_op([(5, 3)], lambda x: tuple(_lib(x).qr(x, mode="complete")), grad=False)
    check_op([(5, 3)], lambda x: tuple(_lib(x).qr(x, mode="r")), grad=False)


def _eigh_invariants(x):
    # eigenvectors are unique up to sign: compare V**2 and V diag(w) V^T
    values, vectors = _lib(x).eigh(_symmetric(x))
    return values, vectors * vectors, (vectors * values.unsqueeze(-2)) @ vectors.mT


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_eigh_eigvalsh(shape):
    check_op([shape], _eigh_invariants)
    check_op([shape], lambda x: _lib(x).eigvalsh(_symmetric(x)))
    check_op([shape], lambda x: _lib(x).eigh(x, UPLO="U").eigenvalues, gradcheck=False)


def _svd_invariants(x, full_matrices=False):
    u, s, vh = _lib(x).svd(x, full_matrices=full_matrices)
    k = s.shape[-1]
    return s, u * u, vh * vh, u[..., :k] @ vh[..., :k, :]


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 4), (2, 4, 3)])
def test_svd_svdvals(shape):
    check_op([shape], _svd_invariants)
    check_op([shape], lambda x: _svd_invariants(x, full_matrices=True), gradcheck=False)
    check_op([shape], lambda x: _lib(x).svdvals(x))


def test_float32_stays_float32():
    a = rb.eye(3) * 2
    for out in (linalg.inv(a), linalg.det(a), linalg.eigh(a).eigenvectors, linalg.svd(a).S,
                linalg.qr(a).R, linalg.cholesky(a), linalg.solve(a, rb.ones(3))):
        assert out.dtype == rb.float32


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.inv(t([[1.0, 2.0], [2.0, 4.0]])),
    lambda lib, t: lib.solve(t([[1.0, 2.0], [2.0, 4.0]]), t([1.0, 1.0])),
    lambda lib, t: lib.cholesky(t([[1.0, 2.0], [2.0, 1.0]])),
])
def test_numerical_failures_raise_linalg_error(call):
    with pytest.raises(RuntimeError):
        call(torch.linalg, torch.tensor)
    with pytest.raises(linalg.LinAlgError, match="linalg\\."):
        call(linalg, rb.tensor)


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.inv(t.ones(2, 3)), lambda lib, t: lib.det(t.ones(3)),
    lambda lib, t: lib.eigh(t.ones(2, 3)), lambda lib, t: lib.qr(t.ones(2)),
    lambda lib, t: lib.svd(t.ones(2)), lambda lib, t: lib.inv(t.ones(2, 2, dtype=t.int64)),
    lambda lib, t: lib.solve(t.eye(2), t.ones(3)), lambda lib, t: lib.cholesky(t.ones(3, 2)),
])
def test_bad_shapes_and_dtypes_raise_runtime_error(call):
    with pytest.raises(RuntimeError):
        call(torch.linalg, torch)
    with pytest.raises(RuntimeError, match="linalg\\."):
        call(linalg, rb)


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, float("inf"), -float("inf"), 0])
@pytest.mark.parametrize("dim", [None, -1, (0, 2)])
def test_vector_norm(ord, dim):
    check_op([(2, 3, 4)], lambda x: _lib(x).vector_norm(x, ord, dim))
    check_op([(2, 3, 4)], lambda x: _lib(x).vector_norm(x, ord, dim, keepdim=True), gradcheck=False)


def test_vector_norm_dtype_argument():
    check_op([(3, 4)], lambda x: _lib(x).vector_norm(x, dtype=rb.float64 if isinstance(x, rb.Tensor)
                                                     else torch.float64), dtypes=("float32",))


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf")])
@pytest.mark.parametrize("dim", [(-2, -1), (-1, -2), (0, 2)])
def test_matrix_norm(ord, dim):
    check_op([(3, 2, 4)], lambda x: _lib(x).matrix_norm(x, ord, dim))
    check_op([(3, 2, 4)], lambda x: _lib(x).matrix_norm(x, ord, dim, keepdim=True), gradcheck=False)


@pytest.mark.parametrize("args", [{}, {"ord": 1}, {"ord": "nuc"}, {"dim": 1}, {"dim": (0, 1)},
                                  {"ord": float("inf"), "dim": (1, 0)}])
def test_norm_picks_vector_or_matrix_norm(args):
    check_op([(3, 4)], lambda x: _lib(x).norm(x, **args))
    check_op([(4,)], lambda x: _lib(x).norm(x, ord=args.get("ord", 2) if args.get("ord") != "nuc" else 2))


def test_norm_errors():
    for lib, t in ((torch.linalg, torch), (linalg, rb)):
        with pytest.raises(RuntimeError):
            lib.matrix_norm(t.ones(3, 3), ord=3)
        with pytest.raises(RuntimeError):
            lib.matrix_norm(t.ones(3))
        with pytest.raises(RuntimeError):
            lib.vector_norm(t.ones(3, dtype=t.int64))
        with pytest.raises(RuntimeError):
            lib.norm(t.ones(2, 2, 2), ord=2)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_pinv_lstsq_matrix_rank(shape):
    check_op([shape], lambda x: _lib(x).pinv(x))
    rhs = (shape[:-2] + (shape[-2], 2))
    check_op([shape, rhs], lambda a, b: _lib(a).lstsq(a, b).solution)
    low_rank = numpy.ones(shape)
    check_op(None, lambda x: _lib(x).matrix_rank(x), inputs=[low_rank], grad=False)
    check_op([shape], lambda x: _lib(x).matrix_rank(x), grad=False)


@pytest.mark.parametrize("n", [0, 1, 2, 5, -1, -3])
def test_matrix_power(n):
    check_op([(2, 3, 3)], lambda x: _lib(x).matrix_power(_well_conditioned(x), n))


def test_multi_dot_cross_vecdot_diagonal():
    check_op([(3,), (3, 4), (4, 2), (2,)], lambda *xs: _lib(xs[0]).multi_dot(list(xs)))
    check_op([(2, 3), (3, 4)], lambda *xs: _lib(xs[0]).multi_dot(xs))
    check_op([(2, 3), (1, 3)], lambda x, y: _lib(x).cross(x, y))
    check_op([(3, 2), (3, 1)], lambda x, y: _lib(x).cross(x, y, dim=0))
    check_op([(2, 4), (4,)], lambda x, y: _lib(x).vecdot(x, y))
    check_op([(4, 3), (4, 1)], lambda x, y: _lib(x).vecdot(x, y, dim=0))
    for offset in (0, 1, -2, 5):
        check_op([(2, 3, 4)], lambda x: _lib(x).diagonal(x, offset=offset))
        check_op([(2, 3, 4)], lambda x: _lib(x).diagonal(x, offset=offset, dim1=0, dim2=2))
