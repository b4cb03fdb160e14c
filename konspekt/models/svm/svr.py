"""ε-support vector regression (``SVR``), trained by the same SMO solver as ``SVC``."""

import numpy as np

from konspekt.base import RegressorMixin, check_sample_weight

from .base import KernelSVM
from .kernels import check_number

__all__ = ["SVR"]


class SVR(RegressorMixin, KernelSVM):
    """ε-support vector regression, as libsvm solves it (scikit-learn's ``SVR``).

    The primal min ½‖w‖² + Σᵢ Cᵢ(ξᵢ + ξᵢ*) with |zᵢ − ⟨w, φ(xᵢ)⟩ − b| ≤ ε + slack has the dual

        min_{α, α*} ½ (α − α*)ᵀK(α − α*) + ε Σᵢ (αᵢ + αᵢ*) − Σᵢ zᵢ(αᵢ − αᵢ*)
        subject to  Σᵢ (αᵢ − αᵢ*) = 0,  0 ≤ αᵢ, αᵢ* ≤ Cᵢ,

    which is the SMO problem (``smo.solve_smo``) over the 2l variables (α, α*) with signs
    (+1, −1), linear term p = (ε − z, ε + z) and both halves reading the kernel row of sample
    i. The prediction is f(x) = Σᵢ (αᵢ − αᵢ*) K(xᵢ, x) + b, b = −ρ; the support vectors are the
    samples with αᵢ − αᵢ* ≠ 0.

    Parameters
    ----------
    kernel : {'linear', 'poly', 'rbf', 'sigmoid', 'precomputed'} or callable, default 'rbf'
    degree : int, default 3
    gamma : {'scale', 'auto'} or float, default 'scale'
    coef0 : float, default 0.0
    tol : float, default 1e-3
        Stopping tolerance on the maximal KKT violation.
    C : float, default 1.0
    epsilon : float, default 0.1
        Half-width ε of the tube in which errors cost nothing.
    shrinking : bool, default True
        Accepted for scikit-learn's API (no shrinking heuristic; same solution within tol).
    cache_size : float, default 200
        Megabytes for the kernel (whole Gram matrix when it fits, else a row cache).
    verbose : bool, default False
        Accepted for scikit-learn's API; nothing is printed.
    max_iter : int, default -1
        Limit on SMO iterations (-1: none).

    Attributes
    ----------
    support_ : ndarray of shape (n_SV,)
    support_vectors_ : ndarray of shape (n_SV, n_features)
    n_support_ : ndarray of shape (1,)
    dual_coef_ : ndarray of shape (1, n_SV)
        αᵢ − αᵢ* of the support vectors.
    intercept_ : ndarray of shape (1,)
    coef_ : ndarray of shape (1, n_features)
        Linear kernel only.
    fit_status_ : int
    n_iter_ : int
    shape_fit_ : tuple
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.svm import SVR
    >>> X = np.arange(10.0)[:, None]
    >>> model = SVR(kernel="linear", C=10.0, epsilon=0.05).fit(X, 2 * X.ravel() + 1)
    >>> round(float(model.coef_[0, 0]), 3)  # the flattest line within the ε-tube around 2x + 1
    1.989
    """

    def __init__(self, *, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3, C=1.0,
                 epsilon=0.1, shrinking=True, cache_size=200, verbose=False, max_iter=-1):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.C = C
        self.epsilon = epsilon
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.verbose = verbose
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Solve the ε-SVR dual by SMO.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples, n_samples) when
            ``kernel='precomputed'``
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Multiplies C for each sample; samples of weight ≤ 0 are left out.

        Returns
        -------
        self
        """
        self._check_common_parameters()
        check_number(self.C, "C", type(self).__name__, "float", 0.0, np.inf, "right")
        check_number(self.epsilon, "epsilon", type(self).__name__, "float", 0.0, None, "left")
        X, y = self._validate_fit_data(X, y, y_numeric=True)
        y = np.asarray(y, dtype=np.float64).ravel()
        n_samples = len(y)
        sample_weight = check_sample_weight(sample_weight, np.empty((n_samples, 0)),
                                            dtype=np.float64, allow_all_zero_weights=True)
        kept = np.flatnonzero(sample_weight > 0)
        if len(kept) == 0:
            raise ValueError("Invalid input - all samples have zero or negative weights.")
        problem = self._kernel_problem(X)
        n_kept = len(kept)
        upper = self.C * sample_weight[kept]
        alpha, rho, _, n_iter, stopped = problem.solve(
            np.concatenate([kept, kept]),
            np.concatenate([np.ones(n_kept), -np.ones(n_kept)]),
            np.concatenate([self.epsilon - y[kept], self.epsilon + y[kept]]),
            np.concatenate([upper, upper]), self.tol, self.max_iter)
        coef = alpha[:n_kept] - alpha[n_kept:]
        chosen = coef != 0
        support = kept[chosen]
        self.support_ = support.astype(np.int32)
        self.support_vectors_ = self._support_vectors(X, support)
        self.n_support_ = np.array([len(support)], dtype=np.int32)
        self.dual_coef_ = coef[chosen][None, :]
        self.intercept_ = np.array([-rho])
        self._intercept_ = self.intercept_
        self.fit_status_ = int(stopped)
        self.n_iter_ = int(n_iter)
        self.shape_fit_ = X.shape if hasattr(X, "shape") else (n_samples,)
        if not (np.isfinite(self.intercept_).all() and np.isfinite(self.dual_coef_).all()):
            raise ValueError("The dual coefficients or intercepts are not finite. The input "
                             "data may contain large values and need to be preprocessed.")
        self._warn_if_stopped()
        return self

    def predict(self, X):
        """f(x) = Σᵢ (αᵢ − αᵢ*) K(xᵢ, x) + b."""
        X = self._validate_predict_data(X)
        return self._support_kernel(X) @ self.dual_coef_[0] + self.intercept_[0]

    @property
    def coef_(self):
        """w = Σᵢ (αᵢ − αᵢ*) xᵢ (linear kernel only; read-only)."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        coef = self.dual_coef_ @ self.support_vectors_
        coef.flags.writeable = False
        return coef
