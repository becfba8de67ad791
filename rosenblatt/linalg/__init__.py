"""``rosenblatt.linalg``: PyTorch's ``torch.linalg`` (real matrices).

Every op takes batches of matrices (leading dims), keeps float32 as float32 and
is differentiable with the standard backward formulas.  Failures on bad values
(a singular matrix for ``inv`` and ``solve``, a non-positive-definite one for
``cholesky``) raise ``LinAlgError``, a ``RuntimeError`` as PyTorch's.
"""
from ._checks import LinAlgError
from ._composed import householder_product, solve_triangular, tensorinv, tensorsolve, vander
from ._decompositions import cholesky, det, eigh, eigvalsh, inv, qr, slogdet, solve, svd, svdvals
from ._derived import cross, diagonal, lstsq, matrix_power, matrix_rank, multi_dot, pinv, vecdot
from ._lu import lu, lu_factor, lu_solve
from ._matrix_exp import matrix_exp
from ._norms import matrix_norm, norm, vector_norm

__all__ = ["LinAlgError", "cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "householder_product",
           "inv", "lstsq", "lu", "lu_factor", "lu_solve", "matrix_exp", "matrix_norm", "matrix_power",
           "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals",
           "solve_triangular", "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]
