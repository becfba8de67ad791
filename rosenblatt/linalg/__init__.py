"""``rosenblatt.linalg``: PyTorch's ``torch.linalg`` (real matrices).

Every op takes batches of matrices (leading dims), keeps float32 as float32 and
is differentiable with the standard backward formulas.  Failures on bad values
(a singular matrix for ``inv`` and ``solve``, a non-positive-definite one for
``cholesky``) raise ``LinAlgError``, a ``RuntimeError`` as PyTorch's; the ``_ex`` forms
(``cholesky_ex``, ``inv_ex``, ``solve_ex``, ``lu_factor_ex``, ``ldl_factor_ex``) return
LAPACK's ``info`` instead.  ``ldl_factor``/``ldl_solve`` have no derivative, as in PyTorch.
"""
from ._checks import LinAlgError
from ._composed import householder_product, solve_triangular, tensorinv, tensorsolve, vander
from ._decompositions import cholesky, det, eigh, eigvalsh, inv, qr, slogdet, solve, svd, svdvals
from ._derived import cross, diagonal, lstsq, matrix_power, matrix_rank, multi_dot, pinv, vecdot
from ._ex import cholesky_ex, inv_ex, lu_factor_ex, solve_ex
from ._ldl import ldl_factor, ldl_factor_ex, ldl_solve
from ._lu import lu, lu_factor, lu_solve
from ._matrix_exp import matrix_exp
from ._norms import cond, matrix_norm, norm, vector_norm
from ..ops.linalg import matmul

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
           "householder_product", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex", "ldl_solve", "lstsq", "lu",
           "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
           "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "svd", "svdvals",
           "solve_triangular", "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]
