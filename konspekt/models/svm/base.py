"""What the kernel SVMs (``SVC``, ``SVR``) share: hyperparameter checks, input validation, the
kernel set-up for the SMO solver (the whole Gram matrix when it fits in ``cache_size``, else a
row cache) and the Gram matrix between new samples and the support vectors."""

import warnings

import numpy as np

from konspekt.base import (BaseEstimator, check_array, check_consistent_length, check_is_fitted,
                           validate_data)
from konspekt.base.exceptions import ConvergenceWarning, compatible

from .kernels import (check_kernel_parameters, check_number, kernel_diagonal, kernel_matrix,
                      resolve_gamma)
from .smo import KERNEL_CODES, solve_smo

__all__ = ["KernelProblem", "KernelSVM"]


class KernelProblem:
    """The kernel as the solver reads it: the float32 Gram matrix of the training samples when
    it fits in the cache, otherwise the samples themselves (rows computed on demand)."""

    def __init__(self, X, kernel, gamma, degree, coef0, cache_size):
        n = len(X)
        self.kernel = kernel
        self.gamma, self.degree, self.coef0 = gamma, float(degree), float(coef0)
        self.kind = KERNEL_CODES.get(kernel if isinstance(kernel, str) else "precomputed")
        fits = 4.0 * n * n <= cache_size * 2.0 ** 20
        if kernel == "precomputed" or callable(kernel) or fits:
            if kernel == "precomputed":
                gram = X
            elif callable(kernel):
                gram = np.asarray(kernel(X, X), dtype=np.float64)
            else:
                gram = kernel_matrix(X, X, kernel, gamma, degree, coef0)
            self.diagonal = np.ascontiguousarray(np.diag(gram), dtype=np.float64)
            self.gram = np.ascontiguousarray(gram, dtype=np.float32)
            self.X = np.empty((n, 0))
            self.squared_norms = np.empty(0)
            self.cache_rows = 0
        else:
            self.X = np.ascontiguousarray(X, dtype=np.float64)
            self.squared_norms = np.einsum("ij,ij->i", self.X, self.X)
            self.diagonal = kernel_diagonal(self.squared_norms, kernel, gamma, degree, coef0)
            self.gram = np.empty((0, 0), dtype=np.float32)
            self.cache_rows = max(2, int(cache_size * 2.0 ** 20 // (4 * n)))

    def solve(self, kernel_index, y, p, C, tol, max_iter, alpha_start=None, nu_variant=False):
        """Run SMO on the variables ``kernel_index`` (see ``smo.solve_smo``); returns α, ρ, r,
        the number of iterations and whether ``max_iter`` stopped it."""
        if alpha_start is None:
            alpha_start = np.zeros(len(y))
        return solve_smo(self.gram, self.X, self.squared_norms, self.kind, self.gamma,
                         self.coef0, self.degree, self.cache_rows,
                         np.ascontiguousarray(kernel_index, dtype=np.int64),
                         np.ascontiguousarray(y, dtype=np.float64),
                         np.ascontiguousarray(p, dtype=np.float64),
                         np.ascontiguousarray(C, dtype=np.float64),
                         np.ascontiguousarray(alpha_start, dtype=np.float64), self.diagonal,
                         float(tol), int(max_iter), bool(nu_variant))

    def block(self, rows, columns):
        """K(x_rows, x_columns) in float64: read from the Gram matrix when there is one."""
        if self.gram.shape[0] > 0:
            return self.gram[np.ix_(rows, columns)].astype(np.float64)
        return kernel_matrix(self.X[rows], self.X[columns], self.kernel, self.gamma,
                             self.degree, self.coef0)


class KernelSVM(BaseEstimator):
    """Common base of ``SVC`` and ``SVR`` (not for direct use)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.kernel == "precomputed"
        return tags

    def _check_common_parameters(self):
        owner = type(self).__name__
        check_kernel_parameters(self)
        check_number(self.tol, "tol", owner, "float", 0.0, None)
        check_number(self.cache_size, "cache_size", owner, "float", 0.0, None)
        check_number(self.max_iter, "max_iter", owner, "int", -1, None, "left")
        if not isinstance(self.shrinking, (bool, np.bool_)):
            # ValueError, as every other parameter error (scikit-learn's is both kinds).
            raise ValueError(  # noqa: TRY004
                f"The 'shrinking' parameter of {owner} must be an instance of 'bool' or an "
                f"instance of 'numpy.bool'. Got {self.shrinking!r} instead.")

    def _validate_fit_data(self, X, y, y_numeric):
        if callable(self.kernel):
            check_consistent_length(X, y)
            y = np.asarray(y)
        else:
            X, y = validate_data(self, X, y, dtype=np.float64, order="C", y_numeric=y_numeric)
        if self.kernel == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError("Precomputed matrix must be a square matrix. Input is a "
                             f"{X.shape[0]}x{X.shape[1]} matrix.")
        return X, y

    def _kernel_problem(self, X):
        kernel = self.kernel
        self._gamma = 0.0 if kernel == "precomputed" or callable(kernel) else \
            resolve_gamma(self.gamma, X)
        return KernelProblem(X, kernel, self._gamma, self.degree, self.coef0, self.cache_size)

    def _warn_if_stopped(self):
        if self.fit_status_ == 1:
            warnings.warn(f"Solver terminated early (max_iter={self.max_iter}).  Consider "
                          "pre-processing your data with StandardScaler or MinMaxScaler.",
                          compatible(ConvergenceWarning), stacklevel=3)

    def _validate_predict_data(self, X):
        check_is_fitted(self)
        if not callable(self.kernel):
            X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        return X

    def _support_kernel(self, X):
        """K(x, s) for each new sample x and support vector s."""
        if self.kernel == "precomputed":
            return np.asarray(X, dtype=np.float64)[:, self.support_]
        if callable(self.kernel):
            return check_array(np.asarray(self.kernel(X, self.support_vectors_)),
                               dtype=np.float64, input_name="kernel")
        return kernel_matrix(X, self.support_vectors_, self.kernel, self._gamma, self.degree,
                             self.coef0)

    def _support_vectors(self, X, support):
        if self.kernel == "precomputed":
            return np.empty((0, 0))
        if callable(self.kernel):
            return X[support] if hasattr(X, "__getitem__") and not isinstance(X, list) \
                else [X[i] for i in support]
        return X[support]

