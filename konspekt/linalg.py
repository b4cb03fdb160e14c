"""``konspekt.linalg``: the differentiable linear-algebra routines, named as in ``torch.linalg``."""

from .autograd.ops.linalg import (LinAlgError, cholesky, det, inv, matrix_norm, norm, slogdet,
                                  solve, vector_norm)
from .autograd.ops.linalg import diagonal as _diagonal
from .autograd.ops.linalg import matmul

__all__ = ["LinAlgError", "cholesky", "det", "inv", "matrix_norm", "norm", "slogdet", "solve",
           "vector_norm", "diagonal", "matmul"]


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonals of (batches of) matrices: ``kp.diagonal`` with torch.linalg's defaults, the
    last two dimensions."""
    return _diagonal(A, offset, dim1, dim2)
