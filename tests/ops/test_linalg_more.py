"""linalg.matrix_exp, pinverse, tensorinv, tensorsolve, solve_triangular, vander, householder_product and the LU
family (lu_factor, lu, lu_solve, lu, lu_unpack) against PyTorch: values, dtypes, gradients."""
import subprocess
import sys

import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op
from rosenblatt import linalg


def _matrices(shape, seed=0, scale=1.0):
    return numpy.random.default_rng(seed).standard_normal(shape) * scale


# ---------------------------------------------------------------- matrix_exp
@pytest.mark.parametrize("shape,scale", [((3, 3), 1.0), ((2, 4, 4), 1.0), ((3, 3), 6.0), ((1, 1), 2.0),
                                         ((2, 2), 0.01), ((5, 5), 20.0)])
def test_matrix_exp(shape, scale):
    """Scales up to 20 need squarings; the gradient is the Fréchet derivative, checked
    against PyTorch's and by finite differences."""
    check_op(None, linalg.matrix_exp, torch.linalg.matrix_exp, inputs=[_matrices(shape, scale=scale)],
             rtol=1e-4 if scale < 10 else 1e-3, grad_rtol=1e-6, gradcheck_atol=1e-4 if scale > 5 else 1e-5)


def test_matrix_exp_names_and_exact_cases():
    check_op([(3, 3)], rb.matrix_exp, torch.matrix_exp)
    check_op([(3, 3)], lambda a: a.matrix_exp(), lambda a: a.matrix_exp())
    nilpotent = rb.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
    # exp(N) = I + N + N^2 / 2 exactly for N^3 = 0
    numpy.testing.assert_allclose(linalg.matrix_exp(nilpotent).data, [[1, 1, 3.5], [0, 1, 3], [0, 0, 1]], rtol=1e-6)
    assert linalg.matrix_exp(nilpotent).dtype == numpy.float32
    rotation = linalg.matrix_exp(rb.tensor([[0.0, -numpy.pi], [numpy.pi, 0.0]], dtype=rb.float64))
    numpy.testing.assert_allclose(rotation.data, -numpy.eye(2), atol=1e-14)
    assert linalg.matrix_exp(rb.zeros(0, 0)).shape == (0, 0)
    assert_close(linalg.matrix_exp(rb.tensor([[float("nan"), 0.0], [0.0, 1.0]])),
                 torch.linalg.matrix_exp(torch.tensor([[float("nan"), 0.0], [0.0, 1.0]])))


def test_matrix_exp_errors():
    with pytest.raises(RuntimeError, match=r"linalg.matrix_exp: A must be batches of square matrices, but they are 2 by 3"):
        linalg.matrix_exp(rb.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"linalg.matrix_exp: expected a floating point tensor as input, got int64"):
        linalg.matrix_exp(rb.tensor([[1, 2], [3, 4]]))


# ---------------------------------------------------------------- pinverse
@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5), (2, 3, 4)])
def test_pinverse(shape):
    check_op([shape], rb.pinverse, torch.pinverse)
    check_op([shape], lambda a: a.pinverse(), lambda a: a.pinverse())


def test_pinverse_rcond_drops_small_singular_values():
    data = numpy.diag([1.0, 1e-3, 0.0])
    for rcond in (1e-15, 1e-2):
        assert_close(rb.pinverse(rb.tensor(data), rcond), torch.pinverse(torch.tensor(data), rcond))
    assert rb.pinverse(rb.tensor(data), 1e-2).data[1, 1] == 0.0


# ---------------------------------------------------------------- tensorinv, tensorsolve
@pytest.mark.parametrize("shape,ind", [((4, 6, 24), 2), ((4, 6, 2, 12), 2), ((24, 4, 6), 1), ((3, 3), 1)])
def test_tensorinv(shape, ind):
    check_op([shape], lambda a: linalg.tensorinv(a, ind), lambda a: torch.linalg.tensorinv(a, ind=ind),
             grad_rtol=1e-5, gradcheck_atol=1e-4)


@pytest.mark.parametrize("a_shape,b_shape,dims", [((2, 3, 6), (2, 3), None), ((6, 2, 3), (2, 3), (0,)),
                                                  ((3, 2, 2, 3), (2, 3), (0, 2)), ((4, 4), (4,), None)])
def test_tensorsolve(a_shape, b_shape, dims):
    check_op([a_shape, b_shape], lambda a, b: linalg.tensorsolve(a, b, dims),
             lambda a, b: torch.linalg.tensorsolve(a, b, dims), grad_rtol=1e-5, gradcheck_atol=1e-4)


def test_tensorinv_tensorsolve_errors():
    with pytest.raises(RuntimeError, match=r"linalg.tensorinv: ind must be a positive int .* got 0"):
        linalg.tensorinv(rb.ones(4, 6, 3, 8), ind=0)
    with pytest.raises(RuntimeError, match=r"prod\(4, 6\) = 24 rows but prod\(3, 7\) = 21 columns"):
        linalg.tensorinv(rb.ones(4, 6, 3, 7), ind=2)
    with pytest.raises(linalg.LinAlgError, match="singular"):
        linalg.tensorinv(rb.zeros(2, 2), ind=1)
    with pytest.raises(RuntimeError, match=r"linalg.tensorsolve: A of shape \[6, 4, 3, 2\] .* must read as a square"):
        linalg.tensorsolve(rb.ones(6, 4, 3, 2), rb.ones(6, 4))


# ---------------------------------------------------------------- solve_triangular
def _triangular(shape, seed=0):
    """Well-conditioned: the diagonal kept away from 0, the other triangle garbage (never read)."""
    a = _matrices(shape, seed)
    return a + 3 * numpy.sign(numpy.diagonal(a, axis1=-2, axis2=-1))[..., None] * numpy.eye(shape[-1])


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unitriangular", [False, True])
@pytest.mark.parametrize("a_shape,b_shape", [((3, 3), (3, 2)), ((2, 4, 4), (4, 1)), ((4, 4), (2, 4, 4)),
                                             ((1, 3, 3), (2, 3, 3))])
def test_solve_triangular(upper, left, unitriangular, a_shape, b_shape):
    """Only the triangle (without the diagonal when unitriangular) is read and gets a gradient,
    as in PyTorch."""
    if not left:
        b_shape = b_shape[:-2] + b_shape[:-3:-1]
    check_op(None, lambda a, b: linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular),
             lambda a, b: torch.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular),
             inputs=[_triangular(a_shape), _matrices(b_shape, seed=1)], grad_rtol=1e-6, gradcheck_atol=1e-5)


def test_solve_triangular_errors():
    with pytest.raises(RuntimeError, match=r"linalg.solve_triangular: expected B to have at least 2 dimensions"):
        linalg.solve_triangular(rb.eye(3), rb.ones(3), upper=True)
    with pytest.raises(TypeError):
        linalg.solve_triangular(rb.eye(3), rb.ones(3, 1))  # upper is required, as in PyTorch
    with pytest.raises(RuntimeError, match="linalg.solve_triangular"):
        linalg.solve_triangular(rb.ones(2, 3), rb.ones(2, 1), upper=True)


# ---------------------------------------------------------------- vander
@pytest.mark.parametrize("shape,N", [((3,), None), ((4,), 2), ((2, 3), None), ((2, 3), 5), ((), 3), ((0,), 2)])
def test_vander(shape, N):
    check_op([shape], lambda x: linalg.vander(x, N=N), lambda x: torch.linalg.vander(x, N=N))


def test_vander_integers_zeros_and_errors():
    assert_close(linalg.vander(rb.tensor([1, 2, 3])), torch.linalg.vander(torch.tensor([1, 2, 3])))
    assert_close(linalg.vander(rb.tensor([1, 2], dtype=rb.int32)), torch.linalg.vander(torch.tensor([1, 2], dtype=torch.int32)))
    check_op(None, lambda x: linalg.vander(x, N=4), lambda x: torch.linalg.vander(x, N=4), inputs=[[0.0, 2.0, -1.5]])
    with pytest.raises(RuntimeError, match=r"linalg.vander: N must be greater than 1, got 1"):
        linalg.vander(rb.tensor([1.0, 2.0]), N=1)
    with pytest.raises(RuntimeError, match="N must be greater than 1, got 0"):
        linalg.vander(rb.zeros(0))
    with pytest.raises(RuntimeError, match="expected a floating or integer tensor, got bool"):
        linalg.vander(rb.tensor([True, False]))


# ---------------------------------------------------------------- householder_product
@pytest.mark.parametrize("a_shape,tau_shape", [((4, 3), (2,)), ((4, 3), (3,)), ((3, 3), (3,)), ((2, 5, 3), (2, 3)),
                                               ((4, 3), (0,))])
def test_householder_product(a_shape, tau_shape):
    check_op([a_shape, tau_shape], linalg.householder_product, torch.linalg.householder_product)


def test_householder_product_of_qr_is_q_and_errors():
    a = torch.randn(5, 3, dtype=torch.float64)
    reflectors, tau = torch.geqrf(a)
    q = linalg.householder_product(rb.tensor(reflectors.numpy()), rb.tensor(tau.numpy()))
    assert_close(q, torch.linalg.qr(a).Q)
    with pytest.raises(RuntimeError, match=r"A must have at least as many rows as columns, got shape \[3, 4\]"):
        linalg.householder_product(rb.ones(3, 4), rb.ones(2))
    with pytest.raises(RuntimeError, match=r"tau must have shape \[\] \+ \[k\] with k <= 3 .* got \[4\]"):
        linalg.householder_product(rb.ones(4, 3), rb.ones(4))
    with pytest.raises(RuntimeError, match=r"tau must have shape \[2\] \+ \[k\]"):
        linalg.householder_product(rb.ones(2, 4, 3), rb.ones(2))
    with pytest.raises(RuntimeError, match="tau's dtype float64 does not match A's float32"):
        linalg.householder_product(rb.ones(4, 3), rb.ones(2, dtype=rb.float64))


# ---------------------------------------------------------------- LU
LU_SHAPES = [(3, 3), (4, 4), (2, 5), (5, 2), (2, 3, 3), (2, 3, 4), (3, 4, 2), (1, 1)]


@pytest.mark.parametrize("shape", LU_SHAPES)
def test_lu_factor(shape):
    data = _matrices(shape, seed=3)
    ours, theirs = linalg.lu_factor(rb.tensor(data)), torch.linalg.lu_factor(torch.tensor(data))
    assert_close(ours.pivots, theirs.pivots)  # int32, 1-based, exactly LAPACK's
    check_op(None, lambda a: linalg.lu_factor(a).LU, lambda a: torch.linalg.lu_factor(a).LU, inputs=[data],
             grad_rtol=1e-6)


@pytest.mark.parametrize("shape", LU_SHAPES)
def test_lu(shape):
    data = _matrices(shape, seed=4)
    check_op(None, lambda a: tuple(linalg.lu(a)), lambda a: tuple(torch.linalg.lu(a)), inputs=[data], grad_rtol=1e-6)
    P, L, U = linalg.lu(rb.tensor(data))
    numpy.testing.assert_allclose((P @ L @ U).data, data, atol=1e-12)


def test_lu_factor_ties_zero_columns_and_singular_matrices():
    tie = numpy.array([[1.0, 2.0], [-1.0, 3.0]])  # |1| = |-1|: the first is kept, as LAPACK's idamax
    assert_close(linalg.lu_factor(rb.tensor(tie)).pivots, torch.linalg.lu_factor(torch.tensor(tie)).pivots)
    singular = numpy.array([[0.0, 1.0, 2.0], [0.0, 3.0, 4.0], [0.0, 5.0, 7.0]])
    for ours, theirs in zip(linalg.lu(rb.tensor(singular)), torch.linalg.lu(torch.tensor(singular))):
        assert_close(ours, theirs)
    ours, theirs = rb.lu(rb.tensor(singular), get_infos=True), torch.lu(torch.tensor(singular), get_infos=True)
    for a, b in zip(ours, theirs):
        assert_close(a, b)
    assert ours.info.item() == 1
    with pytest.raises(linalg.LinAlgError, match=r"linalg.lu_factor: U\[1,1\] is zero"):
        linalg.lu_factor(rb.tensor(singular))
    with pytest.raises(linalg.LinAlgError, match=r"\(batch element \(1,\)\): U\[2,2\] is zero"):
        linalg.lu_factor(rb.tensor(numpy.stack([numpy.eye(2), [[1.0, 2.0], [2.0, 4.0]]])))
    with pytest.raises(RuntimeError, match="LU without pivoting is not implemented on the CPU"):
        linalg.lu(rb.eye(2), pivot=False)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        linalg.lu_factor(rb.ones(3))


def test_lu_factor_empty_and_float32():
    for shape in [(0, 0), (2, 0, 3)]:
        ours, theirs = linalg.lu_factor(rb.zeros(shape)), torch.linalg.lu_factor(torch.zeros(shape))
        assert_close(ours.LU, theirs.LU)
        assert_close(ours.pivots, theirs.pivots)
    assert linalg.lu(rb.randn(3, 3)).L.dtype == numpy.float32


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
@pytest.mark.parametrize("a_shape,b_shape", [((3, 3), (3, 2)), ((2, 3, 3), (3, 4)), ((3, 3), (2, 3, 3))])
def test_lu_solve(left, adjoint, a_shape, b_shape):
    a = _matrices(a_shape, seed=5)
    b = _matrices(b_shape if left else b_shape[:-2] + b_shape[-2:][::-1], seed=6)
    pivots = torch.linalg.lu_factor(torch.tensor(a)).pivots

    def ours(lu, rhs):
        return linalg.lu_solve(lu, rb.tensor(pivots.numpy()), rhs, left=left, adjoint=adjoint)

    def theirs(lu, rhs):
        return torch.linalg.lu_solve(lu, pivots, rhs, left=left, adjoint=adjoint)
    packed = torch.linalg.lu_factor(torch.tensor(a)).LU.numpy()
    check_op(None, ours, theirs, inputs=[packed, b], grad_rtol=1e-6)


def test_lu_solve_solves_and_old_names():
    a, b = _matrices((4, 4), seed=7), _matrices((4, 2), seed=8)
    LU, pivots = linalg.lu_factor(rb.tensor(a))
    numpy.testing.assert_allclose(a @ linalg.lu_solve(LU, pivots, rb.tensor(b)).data, b, atol=1e-12)
    t_LU, t_pivots = torch.linalg.lu_factor(torch.tensor(a))
    assert_close(rb.lu_solve(rb.tensor(b), LU, pivots), torch.lu_solve(torch.tensor(b), t_LU, t_pivots))
    assert_close(rb.tensor(b).lu_solve(LU, pivots), torch.tensor(b).lu_solve(t_LU, t_pivots))
    ours, theirs = rb.tensor(a).lu(), torch.tensor(a).lu()
    assert isinstance(ours, tuple) and len(ours) == 2
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    check_op(None, lambda m: rb.lu(m)[0], lambda m: torch.lu(m)[0], inputs=[a], grad_rtol=1e-6)
    with pytest.raises(RuntimeError, match=r"B of shape \[4\] does not fit 4 x 4 matrices in A X = B"):
        linalg.lu_solve(LU, pivots, rb.ones(4))
    with pytest.raises(RuntimeError, match=r"B of shape \[3, 2\] does not fit 4 x 4 matrices"):
        linalg.lu_solve(LU, pivots, rb.ones(3, 2))
    with pytest.raises(RuntimeError, match=r"LU must be batches of square matrices, but they are 4 by 3"):
        linalg.lu_solve(LU[:, :3], pivots[:3], rb.ones(4, 2))
    with pytest.raises(TypeError, match="pivots must be an integer tensor"):
        linalg.lu_solve(LU, pivots.float(), rb.ones(4, 2))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2), (2, 3, 3)])
def test_lu_unpack(shape):
    data = _matrices(shape, seed=9)
    t_LU, t_pivots = torch.linalg.lu_factor(torch.tensor(data))
    pivots = rb.tensor(t_pivots.numpy())
    check_op(None, lambda m: tuple(rb.lu_unpack(m, pivots)), lambda m: tuple(torch.lu_unpack(m, t_pivots)),
             inputs=[t_LU.numpy()])
    for flags in [(False, True), (True, False)]:
        ours, theirs = rb.lu_unpack(rb.tensor(t_LU.numpy()), pivots, *flags), torch.lu_unpack(t_LU, t_pivots, *flags)
        for a, b in zip(ours, theirs):
            assert a.numel() == b.numel()
            if b.numel():
                assert_close(a, b)


def test_top_level_linalg_names_load_linalg_lazily():
    code = ("import sys, rosenblatt as rb; assert 'rosenblatt.linalg' not in sys.modules; "
            "rb.matrix_exp(rb.eye(2)); print('rosenblatt.linalg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
