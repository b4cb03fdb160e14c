"""Linear support vector classification and regression (``LinearSVC``, ``LinearSVR``), as
liblinear solves them."""

import warnings

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from konspekt.base import (BaseEstimator, ClassifierMixin, RegressorMixin,
                           check_classification_targets, check_is_fitted, check_random_state,
                           check_sample_weight, validate_data)
from konspekt.base.exceptions import ConvergenceWarning, compatible
from konspekt.models.linear.logistic import compute_class_weight

from .coordinate_descent import (solve_dual_coordinate_descent,
                                 solve_dual_coordinate_descent_regression)
from .kernels import check_choice, check_number

__all__ = ["LinearSVC", "LinearSVR"]


def _primal_newton(X, loss, tolerance, max_iter):
    """Minimise ½‖w‖² + Σᵢ Cᵢ ℓᵢ(wᵀxᵢ) for a once-differentiable, piecewise-quadratic loss by
    Newton's method (Mangasarian's finite Newton method).

    ``loss(scores)`` returns (Σᵢ Cᵢℓᵢ, the derivatives Cᵢℓᵢ', the generalised second derivatives
    Cᵢℓᵢ''). The generalised Hessian is H = I + Xᵀ diag(Cℓ'') X; each step w ← w − ηH⁻¹g takes
    the largest η ∈ {1, ½, …} giving sufficient decrease; stop when ‖g‖ ≤ tolerance · ‖g₀‖.
    """
    d = X.shape[1]

    def evaluate(w):
        value, first, second = loss(X @ w)
        return 0.5 * w @ w + value, w + X.T @ first, second

    w = np.zeros(d)
    value, gradient, second = evaluate(w)
    first_norm = np.linalg.norm(gradient)
    n_iter = 0
    while n_iter < max_iter and np.linalg.norm(gradient) > tolerance * first_norm:
        n_iter += 1
        curved = second > 0
        Xc = X[curved]
        weighted = sp.diags(second[curved]) @ Xc if sp.issparse(Xc) else Xc * second[curved, None]
        curvature = Xc.T @ weighted
        hessian = np.eye(d) + (curvature.toarray() if sp.issparse(curvature) else curvature)
        direction = -scipy.linalg.solve(hessian, gradient, assume_a="pos")
        slope = gradient @ direction
        step = 1.0
        while True:
            candidate = w + step * direction
            new_value, new_gradient, new_second = evaluate(candidate)
            if new_value <= value + 0.01 * step * slope or step < 1e-10:
                break
            step /= 2.0
        w, value, gradient, second = candidate, new_value, new_gradient, new_second
    return w, n_iter


def _squared_hinge(y, C):
    """Cᵢ max(0, 1 − yᵢsᵢ)² as a function of the scores s, for ``_primal_newton``."""
    def loss(scores):
        slack = np.maximum(1.0 - y * scores, 0.0)
        return (np.sum(C * slack ** 2), -2.0 * C * slack * y,
                np.where(slack > 0, 2.0 * C, 0.0))
    return loss


def _squared_epsilon_insensitive(z, C, epsilon):
    """Cᵢ max(0, |sᵢ − zᵢ| − ε)² as a function of the scores s, for ``_primal_newton``."""
    def loss(scores):
        residual = scores - z
        excess = np.maximum(np.abs(residual) - epsilon, 0.0)
        return (np.sum(C * excess ** 2), 2.0 * C * excess * np.sign(residual),
                np.where(excess > 0, 2.0 * C, 0.0))
    return loss


def _with_bias_column(X, fit_intercept, intercept_scaling):
    """X with the constant feature s appended (as CSR when X is sparse)."""
    if not fit_intercept:
        return X.tocsr() if sp.issparse(X) else np.ascontiguousarray(X)
    column = np.full((X.shape[0], 1), float(intercept_scaling))
    if sp.issparse(X):
        return sp.hstack([X, sp.csr_matrix(column)], format="csr")
    return np.hstack([X, column])


def _csr_arrays(X):
    """(data, indices, indptr, n_features) of X as the compiled solvers read it."""
    X = sp.csr_matrix(X)
    return (X.data.astype(np.float64), X.indices.astype(np.int64),
            X.indptr.astype(np.int64), X.shape[1])


def _check_linear_parameters(estimator, losses, dual_losses):
    """Check the parameters LinearSVC and LinearSVR share; return whether to solve the dual.

    ``dual_losses`` are the losses only the dual solver handles."""
    owner = type(estimator).__name__
    check_choice(estimator.loss, "loss", owner, losses)
    if not (estimator.dual == "auto" or isinstance(estimator.dual, (bool, np.bool_))):
        raise ValueError(f"The 'dual' parameter of {owner} must be an instance of 'bool' or an "
                         "instance of 'numpy.bool' or a str among {'auto'}. Got "
                         f"{estimator.dual!r} instead.")
    check_number(estimator.C, "C", owner, "float", 0.0, None)
    check_number(estimator.tol, "tol", owner, "float", 0.0, None)
    check_number(estimator.intercept_scaling, "intercept_scaling", owner, "float", 0.0, None)
    check_number(estimator.max_iter, "max_iter", owner, "int", 0, None, "left")
    if estimator.loss in dual_losses and estimator.dual is False:
        penalty = getattr(estimator, "penalty", "l2")
        raise ValueError(f"Unsupported set of arguments: The combination of "
                         f"penalty={penalty!r} and loss={estimator.loss!r} are not supported "
                         f"when dual=False, Parameters: penalty={penalty!r}, "
                         f"loss={estimator.loss!r}, dual=False")
    if estimator.dual == "auto":
        return estimator.loss in dual_losses or estimator._n_samples < estimator._n_features
    return bool(estimator.dual)


def _warn_if_not_converged(n_iter, max_iter):
    if n_iter >= max_iter:
        warnings.warn("Liblinear failed to converge, increase the number of iterations.",
                      compatible(ConvergenceWarning), stacklevel=3)


class LinearSVC(ClassifierMixin, BaseEstimator):
    """Linear support vector classification, as liblinear solves it (scikit-learn's
    ``LinearSVC``).

    For each class k against the rest (one-vs-rest; a single machine for two classes, with
    ``classes_[1]`` positive), with yᵢ ∈ {+1, −1}:

        min_w ½‖w‖² + Σᵢ Cᵢ ξ(w; xᵢ, yᵢ),  ξ = max(0, 1 − yᵢwᵀxᵢ) (hinge) or its square,

    Cᵢ = C · class_weight[yᵢ] · sample_weightᵢ. With an intercept, xᵢ is extended by a constant
    feature s = ``intercept_scaling`` and the intercept is b = s·w_{d+1} (so b is penalised too,
    as in liblinear). ``dual=True`` solves the dual by coordinate descent
    (``coordinate_descent``); ``dual=False`` solves the squared-hinge primal by Newton's method.
    ``dual='auto'`` takes the primal when n_samples ≥ n_features and the loss allows it.
    X may be a scipy.sparse matrix (the solvers read it as CSR).

    Parameters
    ----------
    penalty : {'l2'}, default 'l2'
        Only the L2 penalty is implemented.
    loss : {'squared_hinge', 'hinge'}, default 'squared_hinge'
    dual : 'auto' or bool, default 'auto'
    tol : float, default 1e-4
        Dual: stop when max PG − min PG ≤ tol. Primal: when ‖g‖ ≤ tol‖g₀‖ (scaled as liblinear).
    C : float, default 1.0
    multi_class : {'ovr'}, default 'ovr'
    fit_intercept : bool, default True
    intercept_scaling : float, default 1
        Value s of the constant feature; a larger s penalises the intercept less.
    class_weight : dict, 'balanced' or None, default None
    verbose : int, default 0
        Accepted for scikit-learn's API; nothing is printed.
    random_state : int, RandomState or None, default None
        Seeds the order of the coordinate sweeps (dual only).
    max_iter : int, default 1000
        Limit on epochs (dual) or Newton steps (primal).

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    classes_ : ndarray of shape (n_classes,)
    n_iter_ : int
        The largest number of iterations over the one-vs-rest machines.
    n_features_in_ : int

    References
    ----------
    Hsieh, Chang, Lin, Keerthi & Sundararajan, "A dual coordinate descent method for
    large-scale linear SVM", ICML 2008; Fan et al., "LIBLINEAR", JMLR 9 (2008).

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.svm import LinearSVC
    >>> X = np.array([[-2.0, -1.0], [-1.0, -1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> LinearSVC().fit(X, [0, 0, 1, 1]).predict([[1.5, 0.5]])
    array([1])
    """

    def __init__(self, penalty="l2", loss="squared_hinge", *, dual="auto", tol=1e-4, C=1.0,
                 multi_class="ovr", fit_intercept=True, intercept_scaling=1,
                 class_weight=None, verbose=0, random_state=None, max_iter=1000):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.tol = tol
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter

    def _solve_dual(self):
        """Whether the dual is solved, checking the combination of penalty, loss and dual."""
        owner = type(self).__name__
        check_choice(self.penalty, "penalty", owner, ("l1", "l2"))
        check_choice(self.multi_class, "multi_class", owner, ("crammer_singer", "ovr"))
        if self.penalty == "l1" and self.loss == "hinge":
            dual = self.dual
            raise ValueError(f"Unsupported set of arguments: The combination of "
                             f"penalty='l1' and loss='hinge' are not supported when "
                             f"dual={dual}, Parameters: penalty='l1', loss='hinge', "
                             f"dual={dual}")
        dual = _check_linear_parameters(self, ("hinge", "squared_hinge"), ("hinge",))
        if self.penalty == "l1" or self.multi_class == "crammer_singer":
            raise ValueError("konspekt's LinearSVC implements penalty='l2' with "
                             "multi_class='ovr' only; got "
                             f"penalty={self.penalty!r}, multi_class={self.multi_class!r}.")
        return dual

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y, sample_weight=None):
        """Fit one linear machine per class (one for two classes).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Multiplies C for each sample; samples of weight ≤ 0 are left out.

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, order="C")
        check_classification_targets(y)
        self._n_samples, self._n_features = X.shape
        dual = self._solve_dual()
        self.classes_, codes = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, but "
                             f"the data contains only one class: {self.classes_[0]!r}")
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        class_weight = compute_class_weight(self.class_weight, self.classes_, y, sample_weight)
        C = self.C * class_weight[codes] * sample_weight
        kept = C > 0
        X, codes, C = X[kept], codes[kept], C[kept]
        X = _with_bias_column(X, self.fit_intercept, self.intercept_scaling)
        csr = _csr_arrays(X) if dual else None
        rng = check_random_state(self.random_state)
        positives = [1] if n_classes == 2 else range(n_classes)
        weights = []
        n_iter = 0
        for k in positives:
            signs = np.where(codes == k, 1.0, -1.0)
            if dual:
                if self.loss == "hinge":
                    upper, diagonal = C, np.zeros_like(C)
                else:
                    upper, diagonal = np.full_like(C, np.inf), 0.5 / C
                w, iterations = solve_dual_coordinate_descent(
                    *csr, signs, upper, diagonal, float(self.tol), int(self.max_iter),
                    int(rng.randint(np.iinfo(np.int32).max)))
            else:
                # liblinear's stopping rule for the primal: scaled by the smaller class share.
                n_positive = int((signs > 0).sum())
                tolerance = self.tol * max(min(n_positive, len(signs) - n_positive), 1) \
                    / len(signs)
                w, iterations = _primal_newton(X, _squared_hinge(signs, C), tolerance,
                                               self.max_iter)
            weights.append(w)
            n_iter = max(n_iter, iterations)
        weights = np.array(weights)
        if self.fit_intercept:
            self.coef_ = weights[:, :-1].copy()
            self.intercept_ = self.intercept_scaling * weights[:, -1]
        else:
            self.coef_ = weights
            self.intercept_ = np.zeros(len(weights))
        self.n_iter_ = int(n_iter)
        _warn_if_not_converged(self.n_iter_, self.max_iter)
        return self

    def decision_function(self, X):
        """wᵀx + b for each machine (a 1-D array for two classes, positive for
        ``classes_[1]``)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        """``classes_[1]`` where f(x) > 0 for two classes, else the class of the largest
        score."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]


class LinearSVR(RegressorMixin, BaseEstimator):
    """Linear support vector regression, as liblinear solves it (scikit-learn's
    ``LinearSVR``).

        min_w ½‖w‖² + Σᵢ Cᵢ ℓ(wᵀxᵢ − zᵢ),  ℓ(r) = max(0, |r| − ε) or its square,

    Cᵢ = C · sample_weightᵢ, with the constant feature s = ``intercept_scaling`` appended for
    the intercept b = s·w_{d+1}. ``dual=True`` solves the dual by coordinate descent
    (``coordinate_descent.solve_dual_coordinate_descent_regression``); ``dual=False`` solves
    the squared loss's primal by Newton's method; ``dual='auto'`` takes the primal when
    n_samples ≥ n_features and the loss allows it. X may be a scipy.sparse matrix.

    Parameters
    ----------
    epsilon : float, default 0.0
        Half-width ε of the tube in which errors cost nothing.
    tol : float, default 1e-4
    C : float, default 1.0
    loss : {'epsilon_insensitive', 'squared_epsilon_insensitive'}, default 'epsilon_insensitive'
    fit_intercept : bool, default True
    intercept_scaling : float, default 1.0
    dual : 'auto' or bool, default 'auto'
    verbose : int, default 0
        Accepted for scikit-learn's API; nothing is printed.
    random_state : int, RandomState or None, default None
        Seeds the order of the coordinate sweeps (dual only).
    max_iter : int, default 1000

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : ndarray of shape (1,)
    n_iter_ : int
    n_features_in_ : int

    References
    ----------
    Ho & Lin, "Large-scale linear support vector regression", JMLR 13 (2012).

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.svm import LinearSVR
    >>> X = np.arange(8.0)[:, None]
    >>> model = LinearSVR(C=100.0, max_iter=10_000, random_state=0).fit(X, 3 * X.ravel())
    >>> round(float(model.coef_[0]), 2)
    3.0
    """

    def __init__(self, *, epsilon=0.0, tol=1e-4, C=1.0, loss="epsilon_insensitive",
                 fit_intercept=True, intercept_scaling=1.0, dual="auto", verbose=0,
                 random_state=None, max_iter=1000):
        self.epsilon = epsilon
        self.tol = tol
        self.C = C
        self.loss = loss
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.dual = dual
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y, sample_weight=None):
        """Fit the linear ε-SVR.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Multiplies C for each sample; samples of weight ≤ 0 are left out.

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, order="C",
                             y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        self._n_samples, self._n_features = X.shape
        check_number(self.epsilon, "epsilon", type(self).__name__, "float", None, None)
        dual = _check_linear_parameters(
            self, ("epsilon_insensitive", "squared_epsilon_insensitive"),
            ("epsilon_insensitive",))
        C = self.C * check_sample_weight(sample_weight, X, dtype=np.float64)
        kept = C > 0
        X = _with_bias_column(X[kept], self.fit_intercept, self.intercept_scaling)
        z, C = y[kept], C[kept]
        if dual:
            if self.loss == "epsilon_insensitive":
                upper, diagonal = C, np.zeros_like(C)
            else:
                upper, diagonal = np.full_like(C, np.inf), 0.5 / C
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
            w, n_iter = solve_dual_coordinate_descent_regression(
                *_csr_arrays(X), z, upper, diagonal, float(self.epsilon), float(self.tol),
                int(self.max_iter), seed)
        else:
            w, n_iter = _primal_newton(X, _squared_epsilon_insensitive(z, C, self.epsilon),
                                       self.tol, self.max_iter)
        if self.fit_intercept:
            self.coef_ = w[:-1].copy()
            self.intercept_ = np.array([self.intercept_scaling * w[-1]])
        else:
            self.coef_ = w
            self.intercept_ = np.zeros(1)
        self.n_iter_ = int(n_iter)
        _warn_if_not_converged(self.n_iter_, self.max_iter)
        return self

    def predict(self, X):
        """wᵀx + b."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_[0]
