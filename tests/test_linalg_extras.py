"""The ``_ex`` factorizations, LDL^T, ``cond``, and the older top-level solves
(``triangular_solve``, ``cholesky_solve``, ``cholesky_inverse``) against PyTorch: values in
float32 and float64, gradients and gradcheck in float64, batching, ``info`` where the plain op
would raise, and the errors."""
import math
import warnings

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op
from rosenblatt import linalg
from rosenblatt.linalg import LinAlgError
from rosenblatt.linalg._triangular import cholesky_inverse, cholesky_solve, triangular_solve

warnings.filterwarnings("ignore", message=".*triangular_solve is deprecated.*")
inf, nan = math.inf, math.nan


def _lib(x):
    return linalg if isinstance(x, rb.Tensor) else torch.linalg


def _eye(x):
    n = x.shape[-1]
    return rb.eye(n, dtype=x.dtype) if isinstance(x, rb.Tensor) else torch.eye(n, dtype=x.dtype)


def _spd(x):
    return x @ x.mT + 3 * _eye(x)


def _both(array):
    """The same values as a rosenblatt tensor and a torch tensor."""
    array = numpy.asarray(array, dtype=numpy.float64)
    return rb.tensor(array), torch.from_numpy(array.copy())


# ------------------------------------------------------------------ cholesky_ex
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_ex_positive_definite(shape, upper):
    check_op([shape], lambda x: tuple(_lib(x).cholesky_ex(_spd(x), upper=upper)))


NOT_PD = [[[1.0, 2.0, 3.0], [2.0, 1.0, 0.0], [3.0, 0.0, 5.0]],
          [[4.0, 2.0, 3.0], [2.0, 5.0, 0.0], [3.0, 0.0, -5.0]],
          [[4.0, 2.0, 3.0], [2.0, 5.0, 1.0], [3.0, 1.0, 6.0]],
          [[-1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]],
          [[nan, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_ex_partial_factor_and_info_as_lapack(dtype, upper):
    batch = numpy.array(NOT_PD, dtype=dtype)
    batch = numpy.swapaxes(batch, -1, -2) if upper else batch  # the same matrices, in the triangle read
    got = linalg.cholesky_ex(rb.tensor(batch), upper=upper)
    want = torch.linalg.cholesky_ex(torch.from_numpy(batch), upper=upper)
    assert_close(got.L, want.L)
    assert_close(got.info, want.info)
    assert got.info.tolist() == [2, 3, 0, 1, 1]


def test_cholesky_ex_reads_one_triangle():
    a = numpy.array([[4.0, 100.0], [2.0, 3.0]])
    for upper in (False, True):
        got, want = linalg.cholesky_ex(rb.tensor(a), upper=upper), torch.linalg.cholesky_ex(torch.tensor(a), upper=upper)
        assert_close(got.L, want.L)
        assert_close(got.info, want.info)
        if want.info == 0:
            assert_close(linalg.cholesky(rb.tensor(a), upper=upper), torch.linalg.cholesky(torch.tensor(a), upper=upper))


def test_cholesky_ex_check_errors():
    batch = rb.tensor(numpy.array([numpy.eye(3), NOT_PD[0]]))
    with pytest.raises(LinAlgError, match=r"cholesky_ex \(Batch element 1\).*leading minor of order 2"):
        linalg.cholesky_ex(batch, check_errors=True)
    assert linalg.cholesky_ex(batch).info.tolist() == [0, 2]


# ------------------------------------------------------------------ inv_ex, solve_ex, lu_factor_ex
SINGULAR = [[[1.0, 2.0], [2.0, 4.0]], [[0.0, 1.0], [0.0, 0.0]], [[3.0, 1.0], [0.0, 0.0]]]
NILPOTENT = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_inv_ex(shape):
    check_op([shape], lambda x: tuple(_lib(x).inv_ex(x + 3 * _eye(x))))


@pytest.mark.parametrize("matrix", SINGULAR + [NILPOTENT])
def test_inv_ex_singular_gives_torch_inf_and_nan(matrix):
    a, t = _both(matrix)
    got, want = linalg.inv_ex(a), torch.linalg.inv_ex(t)
    assert_close(got.inverse, want.inverse)
    assert_close(got.info, want.info)


def test_inv_ex_batch_and_check_errors():
    a, t = _both([numpy.eye(2), SINGULAR[0]])
    got, want = linalg.inv_ex(a), torch.linalg.inv_ex(t)
    assert_close(got.inverse, want.inverse)
    assert got.info.tolist() == [0, 2] and got.info.dtype == numpy.int32
    with pytest.raises(LinAlgError, match=r"inv_ex \(Batch element 1\).*diagonal element 2 is zero"):
        linalg.inv_ex(a, check_errors=True)


@pytest.mark.parametrize("shapes", [[(3, 3), (3,)], [(3, 3), (3, 2)], [(2, 3, 3), (2, 3)], [(2, 3, 3), (4, 1, 3, 2)]])
def test_solve_ex(shapes):
    check_op(shapes, lambda a, b: tuple(_lib(a).solve_ex(a + 3 * _eye(a), b)))


def test_solve_ex_left_false():
    check_op([(3, 3), (2, 3)], lambda a, b: tuple(_lib(a).solve_ex(a + 3 * _eye(a), b, left=False)))


@pytest.mark.parametrize("matrix", SINGULAR + [NILPOTENT])
def test_solve_ex_singular(matrix):
    a, t = _both(matrix)
    n = len(matrix)
    b, tb = _both(numpy.arange(1.0, n + 1)[:, None])
    got, want = linalg.solve_ex(a, b), torch.linalg.solve_ex(t, tb)
    assert_close(got.result, want.result)
    assert_close(got.info, want.info)
    # X A = B: the info is A's (PyTorch factors A itself); the inf/nan pattern of such a
    # solution depends on MKL's kernels, so only its shape is checked
    got, want = linalg.solve_ex(a, b.mT, left=False), torch.linalg.solve_ex(t, tb.mT, left=False)
    assert_close(got.info, want.info)
    assert got.result.shape == tuple(want.result.shape)


def test_solve_ex_info_has_the_shape_of_a_batch():
    a, t = _both([numpy.eye(2), SINGULAR[0]])
    b, tb = _both(numpy.ones((3, 1, 2, 1)))
    got, want = linalg.solve_ex(a, b), torch.linalg.solve_ex(t, tb)
    assert_close(got.result, want.result)
    assert_close(got.info, want.info)
    with pytest.raises(LinAlgError, match=r"solve_ex \(Batch element 1\).*singular"):
        linalg.solve_ex(a, b, check_errors=True)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (3, 5), (5, 3)])
def test_lu_factor_ex(shape):
    check_op([shape], lambda x: tuple(_lib(x).lu_factor_ex(x)))


def test_lu_factor_ex_singular():
    a, t = _both([numpy.eye(3), NILPOTENT])
    got, want = linalg.lu_factor_ex(a), torch.linalg.lu_factor_ex(t)
    for g, w in zip(got, want):
        assert_close(g, w)
    with pytest.raises(LinAlgError, match=r"lu_factor_ex \(Batch element 1\): U\[1,1\] is zero"):
        linalg.lu_factor_ex(a, check_errors=True)


def test_ex_gradients_match_the_plain_ops():
    x = numpy.random.default_rng(0).standard_normal((3, 3))
    for ex, plain in [(lambda a: linalg.inv_ex(a).inverse, linalg.inv),
                      (lambda a: linalg.cholesky_ex(a @ a.mT + 3 * rb.eye(3, dtype=a.dtype)).L,
                       lambda a: linalg.cholesky(a @ a.mT + 3 * rb.eye(3, dtype=a.dtype)))]:
        a1, a2 = rb.tensor(x, requires_grad=True), rb.tensor(x, requires_grad=True)
        (ex(a1) ** 2).sum().backward()
        (plain(a2) ** 2).sum().backward()
        numpy.testing.assert_allclose(a1.grad.data, a2.grad.data, rtol=1e-12)


# ------------------------------------------------------------------ LDL^T
def _symmetric_batch(rng, shape, integer=False):
    m = rng.standard_normal(shape)
    m = numpy.round(2 * m) if integer else m
    return m + numpy.swapaxes(m, -1, -2)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 17, 70])
@pytest.mark.parametrize("integer", [False, True])
def test_ldl_factor_matches_lapack_pivots_and_factors(n, integer):
    rng = numpy.random.default_rng(n)
    a = _symmetric_batch(rng, (4, n, n), integer)
    a[1, :, : n // 2] *= 1e-3  # small diagonal entries: 2x2 pivots
    a[1] = (a[1] + a[1].T) / 2
    got, want = linalg.ldl_factor_ex(rb.tensor(a)), torch.linalg.ldl_factor_ex(torch.from_numpy(a))
    assert_close(got.pivots, want.pivots)
    assert_close(got.info, want.info)
    assert_close(got.LD, want.LD, rtol=1e-9, atol=1e-12)
    if (want.info == 0).all():
        b = rng.standard_normal((4, n, 2))
        x = linalg.ldl_solve(got.LD, got.pivots, rb.tensor(b))
        assert_close(x, torch.linalg.ldl_solve(want.LD, want.pivots, torch.from_numpy(b)), rtol=1e-8, atol=1e-10)
        numpy.testing.assert_allclose(a @ x.data, b, atol=1e-8)


def test_ldl_factor_reads_the_lower_triangle_and_2x2_blocks():
    for matrix in ([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]],
                   [[1.0, 5.0, 2.0], [7.0, 1.0, 3.0], [9.0, 8.0, 1.0]]):
        a, t = _both(matrix)
        for hermitian in (False, True):
            got, want = linalg.ldl_factor(a, hermitian=hermitian), torch.linalg.ldl_factor(t, hermitian=hermitian)
            assert_close(got.LD, want.LD)
            assert_close(got.pivots, want.pivots)
    assert linalg.ldl_factor(rb.tensor([[0.0, 1.0], [1.0, 0.0]])).pivots.tolist() == [-2, -2]


def test_ldl_float32_and_broadcast_solve():
    rng = numpy.random.default_rng(1)
    a = _symmetric_batch(rng, (2, 4, 4)).astype(numpy.float32)
    got, want = linalg.ldl_factor(rb.tensor(a)), torch.linalg.ldl_factor(torch.from_numpy(a))
    assert_close(got.LD, want.LD)
    b = rng.standard_normal((3, 1, 4, 2)).astype(numpy.float32)
    x = linalg.ldl_solve(got.LD, got.pivots, rb.tensor(b))
    # PyTorch 2.13 crashes broadcasting these batch dims itself: give it the expanded factors
    expected = torch.linalg.ldl_solve(want.LD.expand(3, 2, 4, 4), want.pivots.expand(3, 2, 4),
                                      torch.from_numpy(b).expand(3, 2, 4, 2))
    assert_close(x, expected, rtol=1e-4, atol=1e-4)


def test_ldl_singular():
    zeros = rb.zeros(2, 2, dtype=rb.float64)
    got, want = linalg.ldl_factor_ex(zeros), torch.linalg.ldl_factor_ex(torch.zeros(2, 2, dtype=torch.float64))
    for g, w in zip(got, want):
        assert_close(g, w)
    with pytest.raises(LinAlgError, match=r"ldl_factor: D\[1,1\] is exactly zero"):
        linalg.ldl_factor(zeros)
    with pytest.raises(LinAlgError, match=r"ldl_factor_ex: the factorization completed"):
        linalg.ldl_factor_ex(zeros, check_errors=True)


def test_ldl_has_no_derivative_as_in_torch():
    a = rb.tensor([[4.0, 2.0], [2.0, 3.0]], requires_grad=True)
    LD, pivots = linalg.ldl_factor(a)
    assert LD.requires_grad and not pivots.requires_grad
    with pytest.raises(RuntimeError, match="derivative for linalg.ldl_factor_ex is not implemented"):
        LD.sum().backward()
    b = rb.tensor([[1.0], [2.0]], requires_grad=True)
    x = linalg.ldl_solve(LD.detach(), pivots, b)
    assert x.requires_grad
    with pytest.raises(RuntimeError, match="derivative for linalg.ldl_solve is not implemented"):
        x.sum().backward()


@pytest.mark.parametrize("call, match", [
    (lambda: linalg.ldl_factor(rb.ones(2, 3)), "square"),
    (lambda: linalg.ldl_factor(rb.ones(2, 2, dtype=rb.int64)), "floating point"),
    (lambda: linalg.ldl_solve(rb.eye(2), rb.tensor([1, 2], dtype=rb.int32), rb.ones(2)), "unsqueeze"),
    (lambda: linalg.ldl_solve(rb.eye(2), rb.tensor([1.0, 2.0]), rb.ones(2, 1)), "integer tensor"),
    (lambda: linalg.ldl_solve(rb.eye(2), rb.tensor([1, 3], dtype=rb.int32), rb.ones(2, 1)), "within"),
])
def test_ldl_errors(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


# ------------------------------------------------------------------ cond
@pytest.mark.parametrize("p", [None, "fro", "nuc", inf, -inf, 1, -1, 2, -2])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_cond(p, shape):
    # PyTorch's backward works only through the singular values (None, +-2, 'nuc')
    differentiable = p in (None, 2, -2, "nuc")
    check_op([shape], lambda x: _lib(x).cond(x + 3 * _eye(x), p), rtol=1e-4, grad=differentiable)


@pytest.mark.parametrize("p", ["fro", inf, -inf, 1, -1])
def test_cond_backward_raises_as_torch(p):
    t = torch.eye(3, dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        torch.linalg.cond(t + 1, p).backward()
    a = rb.eye(3, dtype=rb.float64, requires_grad=True)
    out = linalg.cond(a + 1, p)
    assert out.requires_grad
    with pytest.raises(RuntimeError, match=r"derivative for linalg.cond\(p=.*matrix_norm\(linalg.inv\(A\), p\)"):
        out.backward()


@pytest.mark.parametrize("p", [None, 2, -2])
def test_cond_of_rectangular_matrices(p):
    check_op([(2, 3, 5)], lambda x: _lib(x).cond(x, p), rtol=1e-4)


@pytest.mark.parametrize("p", ["fro", 1, -1, inf, -inf])
def test_cond_of_singular_matrix_is_inf(p):
    a, t = _both([SINGULAR[0], numpy.eye(2)])
    assert_close(linalg.cond(a, p), torch.linalg.cond(t, p))
    assert linalg.cond(a, p).tolist()[0] == inf


def test_cond_empty_and_errors():
    for p in (None, 1, "fro"):
        assert_close(linalg.cond(rb.zeros(2, 0, 0), p), torch.linalg.cond(torch.zeros(2, 0, 0), p))
    with pytest.raises(RuntimeError, match="invalid norm type: 3"):
        linalg.cond(rb.eye(3), 3)
    with pytest.raises(RuntimeError, match=r"cond\(ord=fro\): A must be batches of square matrices"):
        linalg.cond(rb.ones(3, 4), "fro")
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        linalg.cond(rb.ones(3))


def test_matmul_alias():
    check_op([(2, 3, 4), (4, 2)], lambda a, b: _lib(a).matmul(a, b))


# ------------------------------------------------------------------ triangular_solve
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("unitriangular", [False, True])
def test_triangular_solve(upper, transpose, unitriangular):
    def fn(b, a):
        lib = triangular_solve if isinstance(a, rb.Tensor) else torch.triangular_solve
        return tuple(lib(b, a + 3 * _eye(a), upper=upper, transpose=transpose, unitriangular=unitriangular))
    check_op([(3, 2), (3, 3)], fn)


@pytest.mark.parametrize("shapes", [[(2, 3, 2), (3, 3)], [(3, 2), (4, 1, 3, 3)], [(2, 1, 3, 1), (4, 3, 3)]])
def test_triangular_solve_broadcasts(shapes):
    def fn(b, a):
        lib = triangular_solve if isinstance(a, rb.Tensor) else torch.triangular_solve
        return tuple(lib(b, a + 3 * _eye(a), upper=False))
    check_op(shapes, fn)


def test_triangular_solve_zero_diagonal_gives_inf_and_nan_as_torch():
    a, t = _both([[1.0, 2.0], [0.0, 0.0]])
    for rhs in ([[1.0], [1.0]], [[1.0], [0.0]]):
        b, tb = _both(rhs)
        for transpose in (False, True):
            got = triangular_solve(b, a, transpose=transpose).solution
            assert_close(got, torch.triangular_solve(tb, t, transpose=transpose).solution)


@pytest.mark.parametrize("call, match", [
    (lambda: triangular_solve(rb.ones(2), rb.eye(2)), "at least 2 dimensions"),
    (lambda: triangular_solve(rb.ones(3, 1), rb.eye(2)), "each A matrix is 2 by 2 but each b matrix is 3 by 1"),
    (lambda: triangular_solve(rb.ones(2, 1), rb.eye(2, dtype=rb.float64)), "same dtype"),
    (lambda: triangular_solve(rb.ones(2, 1), rb.ones(2, 3)), "square"),
    (lambda: triangular_solve(rb.ones(2, 2, 1), rb.ones(3, 2, 2)), "cannot be broadcast"),
    (lambda: triangular_solve(rb.ones(2, 1, dtype=rb.int64), rb.eye(2, dtype=rb.int64)), "floating point"),
])
def test_triangular_solve_errors(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


# ------------------------------------------------------------------ cholesky_solve, cholesky_inverse
def _factor(rng, shape, upper=False):
    """A well-conditioned Cholesky factor, with noise in the triangle not read (PyTorch's
    gradient covers it too)."""
    m = rng.standard_normal(shape)
    n = shape[-1]
    lower = numpy.tril(m, -1) + numpy.eye(n) * (2.0 + numpy.abs(m))
    lower = lower + 0.3 * numpy.triu(rng.standard_normal(shape), 1)
    return numpy.swapaxes(lower, -1, -2) if upper else lower


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("shapes", [((3, 2), (3, 3)), ((2, 3, 1), (3, 3)), ((4, 1, 3, 2), (2, 3, 3))])
def test_cholesky_solve(upper, shapes):
    rng = numpy.random.default_rng(0)
    b, l = rng.standard_normal(shapes[0]), _factor(rng, shapes[1], upper)

    def fn(b, l):
        return (cholesky_solve if isinstance(b, rb.Tensor) else torch.cholesky_solve)(b, l, upper)
    # PyTorch's gradient reaches the unread triangle too: compare with it, no numerical check
    check_op(None, fn, inputs=[b, l], gradcheck=False)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_gradcheck_on_the_triangle(upper):
    rng = numpy.random.default_rng(1)
    b, l = rng.standard_normal((2, 3, 2)), _factor(rng, (3, 3), upper)
    tri = (lambda x: x.triu()) if upper else (lambda x: x.tril())

    def fn(b, l):
        return (cholesky_solve if isinstance(b, rb.Tensor) else torch.cholesky_solve)(b, tri(l), upper)
    check_op(None, fn, inputs=[b, l])


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_cholesky_inverse(upper, shape):
    l = _factor(numpy.random.default_rng(2), shape, upper)
    fn = lambda x: (cholesky_inverse if isinstance(x, rb.Tensor) else torch.cholesky_inverse)(x, upper)  # noqa: E731
    check_op(None, fn, inputs=[l], gradcheck=False)
    tri = (lambda x: x.triu()) if upper else (lambda x: x.tril())
    check_op(None, lambda x: fn(tri(x)), inputs=[l])


def test_cholesky_solve_and_inverse_agree_with_solve():
    rng = numpy.random.default_rng(3)
    l = numpy.tril(_factor(rng, (4, 4)))
    a, b = l @ l.T, rng.standard_normal((4, 2))
    numpy.testing.assert_allclose(cholesky_solve(rb.tensor(b), rb.tensor(l)).data, numpy.linalg.solve(a, b), rtol=1e-10)
    numpy.testing.assert_allclose(cholesky_inverse(rb.tensor(l)).data, numpy.linalg.inv(a), rtol=1e-10, atol=1e-14)


def test_cholesky_solve_singular_and_cholesky_inverse_error():
    l, tl = _both([[2.0, 0.0], [1.0, 0.0]])
    ones, tones = _both([[1.0], [1.0]])
    assert_close(cholesky_solve(ones, l), torch.cholesky_solve(tones, tl))
    with pytest.raises(LinAlgError, match="cholesky_inverse: the diagonal element 2 is zero"):
        cholesky_inverse(l)
    with pytest.raises(RuntimeError, match="cholesky_inverse: expected batches of square matrices"):
        cholesky_inverse(rb.ones(2))
    with pytest.raises(RuntimeError, match="cholesky_solve: expected B to have at least 2 dimensions"):
        cholesky_solve(rb.ones(2), rb.eye(2))


def test_triangular_and_cholesky_keep_float32():
    rng = numpy.random.default_rng(4)
    l = _factor(rng, (3, 3)).astype(numpy.float32)
    b = rng.standard_normal((3, 2)).astype(numpy.float32)
    for got in (triangular_solve(rb.tensor(b), rb.tensor(l), upper=False).solution,
                cholesky_solve(rb.tensor(b), rb.tensor(l)), cholesky_inverse(rb.tensor(l))):
        assert got.dtype == numpy.float32
    assert_close(cholesky_inverse(rb.tensor(l)), torch.cholesky_inverse(torch.from_numpy(l)))


def test_torch_names_module_has_them():
    from rosenblatt.linalg import _torch_names
    assert _torch_names.cholesky_solve is cholesky_solve
    assert _torch_names.triangular_solve is triangular_solve
    assert _torch_names.cholesky_inverse is cholesky_inverse


def test_triangular_and_cholesky_solves_are_wired_as_torch_top_level_and_methods():
    rng = numpy.random.default_rng(3)
    a = rng.standard_normal((3, 3))
    spd = a @ a.T + 3 * numpy.eye(3)
    lower = numpy.linalg.cholesky(spd)
    b = rng.standard_normal((3, 2))
    L, B = torch.tensor(lower), torch.tensor(b)
    for args, name in [((B, L), "cholesky_solve"), ((L,), "cholesky_inverse"), ((B, L), "triangular_solve")]:
        want = getattr(torch, name)(*args)
        ours = [getattr(rb, name)(*[rb.tensor(t.numpy()) for t in args]),
                getattr(rb.tensor(args[0].numpy()), name)(*[rb.tensor(t.numpy()) for t in args[1:]])]
        for got in ours:
            if name == "triangular_solve":
                assert_close(got[0], want[0].numpy())
                assert_close(got[1], want[1].numpy())
            else:
                assert_close(got, want.numpy())
