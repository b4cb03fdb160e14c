"""``konspekt.linalg``: the differentiable linear-algebra routines, named as in ``torch.linalg``."""

from .autograd.ops.linalg import (LinAlgError, cholesky, det, inv, matrix_norm, norm, slogdet,
                                  solve, vector_norm)
from .autograd.ops.linalg import diagonal, matmul

__all__ = ["LinAlgError", "cholesky", "det", "inv", "matrix_norm", "norm", "slogdet", "solve",
           "vector_norm", "diagonal", "matmul"]
