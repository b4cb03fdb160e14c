"""Least squares and the L2 penalty: ``LinearRegression`` (ordinary least squares, solved
exactly or by gradient descent) and ``Ridge`` (Tikhonov regularisation), with scikit-learn's API.

Both fit the model ŷ = Xw + b. The intercept is not penalised: X and y are centred by their
(weighted) means x̄ and ȳ, w is fitted on the centred data, and b = ȳ − x̄·w. Sample weights sᵢ
enter as √sᵢ scaling of the centred rows, which turns Σ sᵢ (yᵢ − xᵢ·w)² into an ordinary sum of
squares (see ``centring``). A sparse X is centred implicitly, through its products, by the
iterative solvers ("lsqr", "sparse_cg", "lbfgs", "gd").
"""

import numbers
import warnings

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse as sp
import scipy.sparse.linalg

from ...base import (BaseEstimator, ConvergenceWarning, RegressorMixin, check_is_fitted,
                     check_sample_weight, validate_data)
from ...base.exceptions import compatible
from .centring import (center_and_scale, center_and_scale_sparse, centred_gram,
                       centred_operator)

__all__ = ["LinearRegression", "Ridge"]


def invalid_parameter(estimator, name, expected, value):
    """The error scikit-learn raises for a parameter outside its allowed values."""
    return ValueError(f"The {name!r} parameter of {type(estimator).__name__} must be "
                      f"{expected}. Got {value!r} instead.")


def check_real(estimator, name, low=0.0, high=None, high_closed=True):
    """The parameter ``name`` as a float in [low, high] (or [low, inf))."""
    value = getattr(estimator, name)
    if high is None:
        expected = f"a float in the range [{low}, inf)"
    else:
        expected = f"a float in the range [{low}, {high}{']' if high_closed else ')'}"
    if (not isinstance(value, numbers.Real) or isinstance(value, bool) or np.isnan(value)
            or value < low or (high is not None and (value > high or
                                                     (value == high and not high_closed)))):
        raise invalid_parameter(estimator, name, expected, value)
    return float(value)


def check_max_iter(estimator, allow_none):
    """``max_iter`` as an int >= 1 (or None when allowed)."""
    value = estimator.max_iter
    if value is None and allow_none:
        return None
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise invalid_parameter(estimator, "max_iter", "an int in the range [1, inf)" +
                                (" or None" if allow_none else ""), value)
    return int(value)


def check_option(estimator, name, options):
    """The parameter ``name`` as one of the strings ``options``."""
    value = getattr(estimator, name)
    if not isinstance(value, str) or value not in options:
        listed = "{" + ", ".join(repr(option) for option in options) + "}"
        raise invalid_parameter(estimator, name, f"a str among {listed}", value)
    return value


class LinearModel(RegressorMixin, BaseEstimator):
    """Shared by the linear regressors: ``predict`` ŷ = Xwᵀ + b and the intercept b = ȳ − x̄·w."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = self._accepts_sparse()
        return tags

    def _accepts_sparse(self):
        return True

    def _set_intercept(self, X_offset, y_offset):
        if self.fit_intercept:
            self.intercept_ = y_offset - X_offset @ self.coef_.T
        else:
            self.intercept_ = 0.0

    def predict(self, X):
        """ŷ = X wᵀ + b.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], reset=False)
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def _validate_fit_input(self, X, y, sample_weight):
        X, y = validate_data(self, X, y,
                             accept_sparse=["csr", "csc", "coo"] if self._accepts_sparse()
                             else False,
                             dtype=[np.float64, np.float32], multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=X.dtype)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype,
                                                ensure_non_negative=True)
        return X, y, sample_weight


class LinearRegression(LinearModel):
    """Ordinary least squares: the w and b that minimise the (weighted) mean squared error

        L(w, b) = 1/Σsᵢ · Σᵢ sᵢ (yᵢ − xᵢ·w − b)².

    On the centred, √s-scaled data (X̃, ỹ) the minimiser solves the normal equations
    X̃ᵀX̃ w = X̃ᵀỹ, computed by ``scipy.linalg.lstsq`` (SVD-based, minimum-norm when X̃ is
    rank-deficient); with ``positive=True`` by non-negative least squares (``scipy.optimize.nnls``).
    A sparse X is solved, as in scikit-learn, by LSQR (``scipy.sparse.linalg.lsqr``, the
    conjugate-gradient method on X̃ᵀX̃ w = X̃ᵀỹ written for least squares), with X̃ applied
    through its products so that X stays sparse (``positive=True`` refuses sparse X).

    ``solver="gd"`` is the course's gradient descent instead: from w₀ = 0,

        w ← w − η ∇L(w),   ∇L(w) = −2/Σsᵢ · X̃ᵀ(ỹ − X̃w) = 2/Σsᵢ · (X̃ᵀX̃ w − X̃ᵀỹ),

    until the largest step max|Δw| ≤ tol · max(1, max|w|), or ``max_iter`` steps. The default
    step η = Σsᵢ / (2 λ_max(X̃ᵀX̃)) is 1/L for the Lipschitz constant L of ∇L, the largest step
    that guarantees descent. With ``positive=True`` each step is projected onto w ≥ 0.

    Parameters
    ----------
    fit_intercept : bool, default True
        Fit b (centre the data); otherwise b = 0.
    copy_X : bool, default True
        Kept for scikit-learn compatibility: konspekt never overwrites X.
    tol : float, default 1e-6
        "lstsq": singular values below tol · s_max count as zero (the rank cutoff).
        "gd": the relative step size at which gradient descent stops.
    n_jobs : int or None, default None
        Kept for scikit-learn compatibility (the solvers here are single calls).
    positive : bool, default False
        Constrain w ≥ 0.
    solver : {"auto", "gd"}, default "auto"
        "auto": the exact least-squares solution; "gd": gradient descent.
    learning_rate : float or None, default None
        The gradient-descent step η; None: 1/L (see above).
    max_iter : int, default 1000
        The most gradient-descent steps.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    rank_ : int
        Rank of the centred X ("auto" solver on dense X without ``positive``).
    singular_ : ndarray of shape (min(n_samples, n_features),)
        Singular values of the centred X (same condition).
    n_iter_ : int
        Gradient-descent steps taken ("gd" only).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X was a DataFrame with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> model = LinearRegression().fit(X, 2 * X[:, 0] + 1)
    >>> print(np.round(model.coef_, 6), round(float(model.intercept_), 6))
    [2.] 1.0
    >>> model = LinearRegression(solver="gd", max_iter=5000, tol=1e-10).fit(X, 2 * X[:, 0] + 1)
    >>> print(np.round(model.coef_, 6))
    [2.]
    """

    def __init__(self, *, fit_intercept=True, copy_X=True, tol=1e-6, n_jobs=None,
                 positive=False, solver="auto", learning_rate=None, max_iter=1000):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit w and b by least squares.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights sᵢ.

        Returns
        -------
        self
        """
        tol = check_real(self, "tol")
        solver = check_option(self, "solver", ("auto", "gd"))
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        for name in ("rank_", "singular_", "n_iter_"):
            self.__dict__.pop(name, None)
        total_weight = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        if sp.issparse(X):
            X_scaled, y_centred, X_offset, y_offset, root = center_and_scale_sparse(
                X, y, self.fit_intercept, sample_weight)
            operator = centred_operator(X_scaled, X_offset, root)
            targets = y_centred.reshape(len(y_centred), -1)
            if solver == "gd":
                moment = np.column_stack([operator.rmatvec(column) for column in targets.T])
                coef = self._gradient_descent(centred_gram(X_scaled, X_offset, root), moment,
                                              total_weight, tol)
            else:
                coef = np.column_stack([
                    scipy.sparse.linalg.lsqr(operator, column, atol=tol, btol=tol)[0]
                    for column in targets.T])
            coef = coef[:, 0] if y.ndim == 1 else coef
        else:
            X_centred, y_centred, X_offset, y_offset = center_and_scale(
                X, y, self.fit_intercept, sample_weight)
            if solver == "gd":
                coef = self._gradient_descent(X_centred.T @ X_centred, X_centred.T @ y_centred,
                                              total_weight, tol)
            elif self.positive:
                if y.ndim == 1:
                    coef = scipy.optimize.nnls(X_centred, y_centred)[0]
                else:
                    coef = np.stack([scipy.optimize.nnls(X_centred, column)[0]
                                     for column in y_centred.T], axis=1)
            else:
                coef, _, self.rank_, self.singular_ = scipy.linalg.lstsq(X_centred, y_centred,
                                                                         cond=tol)
        self.coef_ = np.asarray(coef.T, dtype=X.dtype)
        self._set_intercept(X_offset, y_offset)
        return self

    def _accepts_sparse(self):
        # As scikit-learn: non-negative least squares needs the dense X.
        return not self.positive

    def _gradient_descent(self, gram, moment, total_weight, tol):
        max_iter = check_max_iter(self, allow_none=False)
        if self.learning_rate is None:
            largest = scipy.linalg.eigvalsh(gram, subset_by_index=[gram.shape[0] - 1] * 2)[0]
            # Constant columns give a zero Gram matrix; any step is then stable.
            step = total_weight / (2.0 * largest) if largest > 0 else 1.0
        else:
            step = check_real(self, "learning_rate")
            if step == 0:
                raise invalid_parameter(self, "learning_rate",
                                        "a float in the range (0.0, inf) or None", step)
        scale = 2.0 * step / total_weight
        coef = np.zeros_like(moment)
        # A too large learning_rate overflows; that is reported below as divergence.
        with np.errstate(over="ignore", invalid="ignore"):
            coef, iteration, change = self._descend(coef, gram, moment, scale, tol, max_iter)
        if change > tol * max(1.0, np.max(np.abs(coef), initial=0.0)):
            warnings.warn(f"Gradient descent did not converge in max_iter={max_iter} steps "
                          f"(last step {change:.3e}, tol {tol:.3e}). Increase max_iter or the "
                          "learning_rate.", compatible(ConvergenceWarning), stacklevel=3)
        self.n_iter_ = iteration
        return coef

    def _descend(self, coef, gram, moment, scale, tol, max_iter):
        for iteration in range(1, max_iter + 1):
            new_coef = coef - scale * (gram @ coef - moment)
            if self.positive:
                np.maximum(new_coef, 0.0, out=new_coef)
            change = np.max(np.abs(new_coef - coef), initial=0.0)
            coef = new_coef
            if not np.isfinite(change):
                raise ValueError("Gradient descent diverged: the learning_rate "
                                 f"{self.learning_rate} is too large for this data.")
            if change <= tol * max(1.0, np.max(np.abs(coef), initial=0.0)):
                break
        return coef, iteration, change


class Ridge(LinearModel):
    """Least squares with the L2 penalty (Tikhonov regularisation, "weight decay"):

        L(w, b) = Σᵢ sᵢ (yᵢ − xᵢ·w − b)² + α ‖w‖²₂,

    (sum, not mean, of the squared errors, as scikit-learn), whose minimiser on the centred,
    √s-scaled data (X̃, ỹ) is the closed form

        w = (X̃ᵀX̃ + αI)⁻¹ X̃ᵀỹ   =   X̃ᵀ(X̃X̃ᵀ + αI)⁻¹ ỹ   (the dual form, used when p > n).

    Solvers: "cholesky" solves the (primal or dual) symmetric positive definite system by a
    Cholesky factorisation; "svd" uses X̃ = U diag(σ) Vᵀ, w = V diag(σ / (σ² + α)) Uᵀỹ; "lsqr"
    iterates ``scipy.sparse.linalg.lsqr`` with damping √α; "sparse_cg" solves the primal (or,
    for p > n, the dual) system by conjugate gradients (``scipy.sparse.linalg.cg``, relative
    tolerance ``tol``) using only products with X̃ and X̃ᵀ; "lbfgs" minimises L under w ≥ 0
    (``positive=True``) with L-BFGS-B. "auto" is "cholesky" (falling back to "svd" on a
    singular system) or, with ``positive=True``, the exact non-negative solution by NNLS on the
    augmented system [X̃; √α I] w ≈ [ỹ; 0].

    Sparse X, as in scikit-learn: "auto" is "sparse_cg" ("lbfgs" with ``positive=True``);
    with an intercept, X is centred implicitly (through its products) and only "lsqr",
    "sparse_cg" and "lbfgs" apply; "svd" refuses sparse X.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default 1.0
        The penalty α ≥ 0, one per target when an array.
    fit_intercept : bool, default True
    copy_X : bool, default True
        Kept for scikit-learn compatibility: konspekt never overwrites X.
    max_iter : int or None, default None
        Iteration limit of "lsqr" / "sparse_cg" / "lbfgs" (None: the solver's default).
    tol : float, default 1e-4
        Tolerance of "lsqr" (atol = btol = tol), "sparse_cg" (relative residual) and "lbfgs"
        (gradient tolerance).
    solver : {"auto", "svd", "cholesky", "lsqr", "sparse_cg", "lbfgs"}, default "auto"
        scikit-learn's "sag" and "saga" are not implemented.
    positive : bool, default False
        Constrain w ≥ 0 (solvers "auto" and "lbfgs" only).
    random_state : int, RandomState or None, default None
        Kept for scikit-learn compatibility (only its stochastic solvers use it).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : None or ndarray of shape (n_targets,)
        Iterations of "lsqr" / "lbfgs"; None for the direct solvers and "sparse_cg".
    solver_ : str
        The solver used.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    >>> model = Ridge(alpha=1.0).fit(X, [0.0, 0.1, 1.0])
    >>> print(np.round(model.coef_, 4), round(float(model.intercept_), 4))
    [0.2714 0.2714] 0.1857
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None, tol=1e-4,
                 solver="auto", positive=False, random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Sparse X is refused by "svd", and by "cholesky" with an intercept (in fit).
        tags.input_tags.sparse = self.solver != "svd" and (self.solver != "cholesky"
                                                           or not self.fit_intercept)
        return tags

    def _check_alpha(self, n_targets):
        alpha = self.alpha
        if isinstance(alpha, numbers.Real) and not isinstance(alpha, bool):
            if not alpha >= 0:
                raise invalid_parameter(self, "alpha", "a float in the range [0.0, inf) or "
                                        "an array-like", alpha)
            return np.full(n_targets, float(alpha))
        if isinstance(alpha, (str, bool)) or alpha is None:
            raise invalid_parameter(self, "alpha", "a float in the range [0.0, inf) or an "
                                    "array-like", alpha)
        alphas = np.asarray(alpha, dtype=np.float64).ravel()
        if np.any(~(alphas >= 0)):
            raise ValueError(f"alpha must be non-negative, got {alpha!r}.")
        if alphas.size not in (1, n_targets):
            raise ValueError("Number of targets and number of penalties do not correspond: "
                             f"{alphas.size} != {n_targets}")
        return np.broadcast_to(alphas, (n_targets,)).copy()

    def fit(self, X, y, sample_weight=None):
        """Fit the ridge coefficients.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        solver = check_option(self, "solver", ("auto", "svd", "cholesky", "lsqr", "sparse_cg",
                                               "sag", "saga", "lbfgs"))
        tol = check_real(self, "tol")
        max_iter = check_max_iter(self, allow_none=True)
        if solver in ("sag", "saga"):
            raise ValueError(f"solver={solver!r} is not implemented in konspekt; use 'auto', "
                             "'svd', 'cholesky', 'lsqr', 'sparse_cg' or 'lbfgs'.")
        if self.positive and solver not in ("auto", "lbfgs"):
            raise ValueError(f"solver={solver!r} does not support positive fitting. Please set "
                             "the solver to 'auto' or 'lbfgs', or set `positive=False`")
        if solver == "lbfgs" and not self.positive:
            raise ValueError("'lbfgs' solver can be used only when positive=True. Please use "
                             "another solver.")
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        sparse = sp.issparse(X)
        if sparse and self.fit_intercept and not self.positive and \
                solver not in ("auto", "lsqr", "sparse_cg"):
            raise ValueError(f"solver='{solver}' does not support fitting the intercept on "
                             "sparse data. Please set the solver to 'auto' or 'lsqr', "
                             "'sparse_cg', 'sag', 'lbfgs' or set `fit_intercept=False`")
        if sparse and solver == "svd":
            raise TypeError("SVD solver does not support sparse inputs currently")
        if sparse:
            X_scaled, y_centred, X_offset, y_offset, root = center_and_scale_sparse(
                X, y, self.fit_intercept, sample_weight)
            X_centred = centred_operator(X_scaled, X_offset, root) if self.fit_intercept \
                else X_scaled
            if solver == "auto":
                solver = "lbfgs" if self.positive else "sparse_cg"
        else:
            X_centred, y_centred, X_offset, y_offset = center_and_scale(
                X, y, self.fit_intercept, sample_weight)
        targets = y_centred.reshape(len(y_centred), -1)
        alphas = self._check_alpha(targets.shape[1])
        self.n_iter_ = None
        if solver == "auto":
            solver = "auto_positive" if self.positive else "cholesky"
        if solver == "cholesky":
            coef = _solve_cholesky(X_centred, targets, alphas)
            if coef is None:
                if sparse:  # scikit-learn's fallback, "svd", cannot take sparse X either
                    raise TypeError("SVD solver does not support sparse inputs currently")
                solver, coef = "svd", _solve_svd(X_centred, targets, alphas)
        elif solver == "svd":
            coef = _solve_svd(X_centred, targets, alphas)
        elif solver == "lsqr":
            coef, self.n_iter_ = _solve_lsqr(X_centred, targets, alphas, tol, max_iter)
        elif solver == "sparse_cg":
            coef = _solve_sparse_cg(X_centred, targets, alphas, tol, max_iter)
        elif solver == "lbfgs":
            coef, self.n_iter_ = _solve_lbfgs(X_centred, targets, alphas, tol, max_iter)
        else:
            coef = _solve_nonnegative(X_centred, targets, alphas)
            solver = "auto"
        self.solver_ = solver
        coef = np.asarray(coef, dtype=X.dtype)
        self.coef_ = coef[:, 0] if y.ndim == 1 else coef.T
        self._set_intercept(X_offset, y_offset)
        return self


def _solve_cholesky(X, targets, alphas):
    """w = (XᵀX + αI)⁻¹Xᵀy (primal, n ≥ p) or Xᵀ(XXᵀ + αI)⁻¹y (dual, p > n), one column per
    target; None when the system is singular."""
    n_samples, n_features = X.shape
    dual = n_features > n_samples
    matrix = X @ X.T if dual else X.T @ X
    if sp.issparse(matrix):
        matrix = matrix.toarray()
    right = targets if dual else np.asarray(X.T @ targets)
    solution = np.empty_like(right, dtype=np.float64)
    diagonal = np.arange(matrix.shape[0])
    try:
        for alpha in np.unique(alphas):
            columns = alphas == alpha
            system = matrix.astype(np.float64, copy=True)
            system[diagonal, diagonal] += alpha
            solution[:, columns] = scipy.linalg.solve(system, right[:, columns],
                                                      assume_a="pos", check_finite=False)
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
        return None
    return np.asarray(X.T @ solution) if dual else solution


def _solve_svd(X, targets, alphas):
    """w = V diag(σ / (σ² + α)) Uᵀy from the thin SVD X = U diag(σ) Vᵀ."""
    U, sigma, Vt = scipy.linalg.svd(X, full_matrices=False)
    # Directions with (numerically) zero singular value carry no signal: drop them.
    kept = sigma > 1e-15
    projected = U.T @ targets
    shrink = np.zeros((sigma.size, alphas.size))
    shrink[kept] = sigma[kept, None] / (sigma[kept, None] ** 2 + alphas[None, :])
    return Vt.T @ (shrink * projected)


def _solve_lsqr(X, targets, alphas, tol, max_iter):
    coef = np.empty((X.shape[1], targets.shape[1]))
    n_iter = np.empty(targets.shape[1], dtype=np.int32)
    for k in range(targets.shape[1]):
        result = scipy.sparse.linalg.lsqr(X, targets[:, k], damp=np.sqrt(alphas[k]), atol=tol,
                                          btol=tol, iter_lim=max_iter)
        coef[:, k], n_iter[k] = result[0], result[2]
    return coef, n_iter


def _solve_sparse_cg(X, targets, alphas, tol, max_iter):
    """Conjugate gradients on (XᵀX + αI) w = Xᵀy, or for p > n on the dual
    (XXᵀ + αI) v = y with w = Xᵀv, touching X only through products with X and Xᵀ."""
    X = scipy.sparse.linalg.aslinearoperator(X)
    n_samples, n_features = X.shape
    dual = n_features > n_samples
    size = n_samples if dual else n_features
    coef = np.empty((n_features, targets.shape[1]))
    for k in range(targets.shape[1]):
        alpha = alphas[k]
        if dual:
            def product(v, alpha=alpha):
                return X.matvec(X.rmatvec(v)) + alpha * v
            right, limit = targets[:, k], None
        else:
            def product(v, alpha=alpha):
                return X.rmatvec(X.matvec(v)) + alpha * v
            # As scikit-learn: max_iter bounds the primal iterations only.
            right, limit = X.rmatvec(targets[:, k]), max_iter
        system = scipy.sparse.linalg.LinearOperator((size, size), matvec=product,
                                                    dtype=np.float64)
        solution, info = scipy.sparse.linalg.cg(system, right, rtol=tol, maxiter=limit)
        if info < 0:
            raise ValueError(f"Failed with error code {info}")
        coef[:, k] = X.rmatvec(solution) if dual else solution
    return coef


def _solve_lbfgs(X, targets, alphas, tol, max_iter):
    """Minimise ½‖y − Xw‖² + ½α‖w‖² subject to w ≥ 0 with L-BFGS-B, stopping (as
    scikit-learn) when the relative decrease of the loss or the projected gradient falls
    below ``tol``."""
    n_features = X.shape[1]
    coef = np.empty((n_features, targets.shape[1]))
    n_iter = np.empty(targets.shape[1], dtype=np.int32)
    options = {"maxiter": 15000 if max_iter is None else max_iter}

    for k in range(targets.shape[1]):
        target, alpha = targets[:, k], alphas[k]

        def loss_and_gradient(w, target=target, alpha=alpha):
            residual = X @ w - target
            loss = 0.5 * residual @ residual + 0.5 * alpha * w @ w
            return loss, X.T @ residual + alpha * w

        result = scipy.optimize.minimize(loss_and_gradient, np.zeros(n_features), jac=True,
                                         method="L-BFGS-B", bounds=[(0, None)] * n_features,
                                         tol=tol, options=options)
        coef[:, k], n_iter[k] = result.x, result.nit
    return coef, n_iter


def _solve_nonnegative(X, targets, alphas):
    """The exact w ≥ 0 minimising ‖y − Xw‖² + α‖w‖², by NNLS on [X; √α I] w ≈ [y; 0]."""
    n_features = X.shape[1]
    coef = np.empty((n_features, targets.shape[1]))
    padding = np.zeros(n_features)
    for k in range(targets.shape[1]):
        augmented = np.vstack([X, np.sqrt(alphas[k]) * np.eye(n_features)])
        coef[:, k] = scipy.optimize.nnls(augmented, np.concatenate([targets[:, k], padding]))[0]
    return coef
