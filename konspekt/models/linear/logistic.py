"""Logistic regression with scikit-learn's API: binary (sigmoid) and multinomial (softmax)
models, L2 / L1 / elastic-net / no penalty, solved by L-BFGS, Newton (IRLS) or, for the L1
part, by L-BFGS-B on split weights. X may be sparse (CSR): the loss, gradient and Hessian use
only products with X."""

import numbers
import warnings

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from scipy.special import expit, log_expit, logsumexp

from konspekt.base import (BaseEstimator, ClassifierMixin, ConvergenceWarning, check_is_fitted,
                           check_classification_targets, check_sample_weight, validate_data)

__all__ = ["LogisticRegression"]

_SOLVERS = ("lbfgs", "newton-cg", "newton-cholesky", "saga")


def compute_class_weight(class_weight, classes, y, sample_weight=None):
    """Weight of each class in ``classes``, as scikit-learn's ``compute_class_weight``.

    ``None`` gives ones; ``"balanced"`` gives S / (K · S_k), S the total sample weight, K the
    number of classes and S_k the weight of class k; a dict gives its values (1 for a class
    it does not name).
    """
    if class_weight is None or (isinstance(class_weight, dict) and not class_weight):
        return np.ones(len(classes))
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(f"The 'class_weight' parameter must be a dict, 'balanced' or "
                             f"None. Got {class_weight!r} instead.")
        codes = np.searchsorted(classes, y)
        weights = np.ones(len(y)) if sample_weight is None else sample_weight
        counts = np.bincount(codes, weights=weights, minlength=len(classes))
        return counts.sum() / (len(classes) * counts)
    if not isinstance(class_weight, dict):
        raise ValueError(f"The 'class_weight' parameter must be a dict, 'balanced' or None. "
                         f"Got {class_weight!r} instead.")
    weight = np.ones(len(classes))
    missing = []
    for k, label in enumerate(classes):
        key = label.item() if hasattr(label, "item") else label
        if key in class_weight:
            weight[k] = class_weight[key]
        else:
            missing.append(key)
    if missing and len(classes) - len(missing) != len(class_weight):
        raise ValueError(f"The classes, {missing}, are not in class_weight")
    return weight


def _binary_loss_grad(w, X, y_sign, s, fit_intercept, l2):
    """Mean weighted logistic loss and its gradient for labels ±1 in one pass:
    L = Σ sᵢ log(1 + e^{−Mᵢ}) + ½ l2 ‖w‖², Mᵢ = yᵢ(⟨w, xᵢ⟩ + b), with Σ sᵢ = 1."""
    coef = w[:-1] if fit_intercept else w
    z = X @ coef
    if fit_intercept:
        z += w[-1]
    margin = y_sign * z
    loss = -(s @ log_expit(margin)) + 0.5 * l2 * (coef @ coef)
    # dL/dz = −y σ(−M), weighted.
    dz = -s * y_sign * expit(-margin)
    grad = np.empty_like(w)
    grad[:coef.size] = np.asarray(X.T @ dz).ravel() + l2 * coef
    if fit_intercept:
        grad[-1] = dz.sum()
    return loss, grad


def _multinomial_loss_grad(w, X, onehot, s, fit_intercept, l2):
    """Mean weighted cross-entropy of softmax(X Wᵀ + b) and its gradient in one pass, with a
    stable log-sum-exp: L = Σ sᵢ (logΣ_k e^{z_ik} − z_{i,yᵢ}) + ½ l2 ‖W‖²."""
    n_classes = onehot.shape[1]
    w = w.reshape(n_classes, -1)
    coef = w[:, :-1] if fit_intercept else w
    z = X @ coef.T
    if fit_intercept:
        z += w[:, -1]
    # log Σ_k e^{z_k} = m + log Σ_k e^{z_k − m} with m = max_k z_k (no overflow); the
    # exponentials are kept for the probabilities.
    top = z.max(axis=1, keepdims=True)
    z -= top
    e = np.exp(z)
    total = e.sum(axis=1, keepdims=True)
    loss = s @ (np.log(total[:, 0]) - np.einsum("ik,ik->i", z, onehot))
    loss += 0.5 * l2 * np.sum(coef * coef)
    e /= total
    e -= onehot
    dz = e * s[:, None]
    grad = np.empty_like(w)
    grad[:, :coef.shape[1]] = np.asarray(X.T @ dz).T + l2 * coef
    if fit_intercept:
        grad[:, -1] = dz.sum(axis=0)
    return loss, grad.ravel()


def _hessian(w, X, target, s, fit_intercept, l2, multinomial):
    """Exact Hessian of the mean weighted loss. Binary: X̃ᵀ diag(sᵢ pᵢ(1 − pᵢ)) X̃ + l2·I
    (X̃ = [X, 1], the intercept unpenalised); multinomial: the block (k, l) is
    X̃ᵀ diag(sᵢ (p_ik δ_kl − p_ik p_il)) X̃. A sparse X gives the same dense Hessian."""
    if sp.issparse(X):
        Xt = sp.hstack([X, np.ones((X.shape[0], 1))], format="csr") if fit_intercept else X

        def weighted_gram(r):
            return np.asarray((Xt.T @ Xt.multiply(r[:, None])).todense())
    else:
        Xt = np.hstack([X, np.ones((X.shape[0], 1))]) if fit_intercept else X

        def weighted_gram(r):
            return (Xt * r[:, None]).T @ Xt
    penalty = np.full(Xt.shape[1], l2)
    if fit_intercept:
        penalty[-1] = 0.0
    if not multinomial:
        p = expit(Xt @ w)
        return weighted_gram(s * p * (1 - p)) + np.diag(penalty)
    n_classes = target.shape[1]
    z = Xt @ w.reshape(n_classes, -1).T
    p = np.exp(z - logsumexp(z, axis=1, keepdims=True))
    d = Xt.shape[1]
    H = np.empty((n_classes, d, n_classes, d))
    for k in range(n_classes):
        for m in range(k, n_classes):
            r = s * p[:, k] * ((k == m) - p[:, m])
            block = weighted_gram(r)
            H[k, :, m, :] = block
            H[m, :, k, :] = block.T
    H = H.reshape(n_classes * d, n_classes * d)
    H[np.diag_indices_from(H)] += np.tile(penalty, n_classes)
    return H


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression (logit, maximum entropy) classifier.

    With y ∈ {−1, +1} and the margin M = y(⟨w, x⟩ + b) the binary model is
    P(y | x) = σ(M) = 1 / (1 + e^{−M}); for K ≥ 3 classes it is multinomial,
    P(k | x) = softmax(Wx + b)_k. The weights minimise, as in scikit-learn,

        C · Σᵢ sᵢ L(xᵢ, yᵢ) + ½(1 − ρ)‖w‖² + ρ‖w‖₁,

    with L(M) = log(1 + e^{−M}) (binary) or −log P(yᵢ | xᵢ) (multinomial), sᵢ the sample
    weight times the class weight, ρ = ``l1_ratio``; the intercept is not penalised and
    ``C = np.inf`` removes the penalty. Internally the objective is divided by C·Σsᵢ, which
    keeps the optimum.

    Solvers:

    - ``'lbfgs'``: ``scipy.optimize.minimize(method='L-BFGS-B')`` on the exact loss and
      gradient (computed together, with a stable log-sum-exp);
    - ``'newton-cg'``, ``'newton-cholesky'``: Newton's method with the exact Hessian H and
      a backtracking line search, w ← w − α H⁻¹∇Q; for the binary model this is IRLS,
      w ← (X̃ᵀΛX̃ + I/C)⁻¹X̃ᵀΛz with Λ = diag(sᵢpᵢ(1 − pᵢ)) and the working response z;
    - ``'saga'`` (the solver scikit-learn needs for L1 and elastic-net): konspekt writes
      w = w⁺ − w⁻ with w⁺, w⁻ ≥ 0, so that ‖w‖₁ = Σ(w⁺ + w⁻) is smooth, and minimises with
      L-BFGS-B under the bounds. It reaches the same optimum as scikit-learn's SAGA, not by
      stochastic average gradients.

    Parameters
    ----------
    penalty : {'l1', 'l2', 'elasticnet', None}, default='deprecated'
        Deprecated as in scikit-learn 1.8: use ``l1_ratio`` (0 → L2, 1 → L1, between →
        elastic-net) and ``C=np.inf`` (no penalty) instead; setting it warns.
    C : float, default=1.0
        Inverse of the regularisation strength (> 0).
    l1_ratio : float, default=0.0
        ρ, the elastic-net mixing parameter in [0, 1].
    dual : bool, default=False
        Only the primal problem is solved; ``True`` raises as scikit-learn does for these
        solvers.
    tol : float, default=1e-4
        Stopping tolerance on the projected gradient of the scaled objective.
    fit_intercept : bool, default=True
        Whether to fit the intercept b.
    intercept_scaling : float, default=1
        Only used by scikit-learn's liblinear; kept for the API.
    class_weight : dict or 'balanced', default=None
        Weights per class, multiplied into the sample weights.
    random_state : int, RandomState or None, default=None
        Unused by these deterministic solvers; kept for the API.
    solver : {'lbfgs', 'newton-cg', 'newton-cholesky', 'saga'}, default='lbfgs'
    max_iter : int, default=100
        Maximum number of solver iterations.
    verbose : int, default=0
    warm_start : bool, default=False
        Start from the previous solution when refitted.
    n_jobs : None
        Has no effect (deprecated in scikit-learn 1.8).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : ndarray of shape (1,)
        Iterations the solver ran.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when X has feature names

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear.logistic import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> model.predict([[0.2], [2.8]]).tolist()
    [0, 1]
    """

    def __init__(self, penalty="deprecated", *, C=1.0, l1_ratio=0.0, dual=False, tol=1e-4,
                 fit_intercept=True, intercept_scaling=1, class_weight=None, random_state=None,
                 solver="lbfgs", max_iter=100, verbose=0, warm_start=False, n_jobs=None):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_params(self):
        name = type(self).__name__
        if self.solver not in _SOLVERS:
            raise ValueError(f"The 'solver' parameter of {name} must be a str among "
                             f"{set(_SOLVERS)}. Got {self.solver!r} instead. (konspekt has no "
                             f"'liblinear' or 'sag'.)")
        if self.penalty not in ("deprecated", "l1", "l2", "elasticnet", None):
            raise ValueError(f"The 'penalty' parameter of {name} must be a str among "
                             f"{{'l1', 'l2', 'elasticnet'}} or None. Got {self.penalty!r} "
                             f"instead.")
        if (not isinstance(self.C, numbers.Real) or isinstance(self.C, bool)
                or not self.C > 0):
            raise ValueError(f"The 'C' parameter of {name} must be a float in the range "
                             f"(0.0, inf]. Got {self.C!r} instead.")
        if self.l1_ratio is not None and not 0 <= self.l1_ratio <= 1:
            raise ValueError(f"The 'l1_ratio' parameter of {name} must be a float in the "
                             f"range [0.0, 1.0] or None. Got {self.l1_ratio!r} instead.")
        if not isinstance(self.tol, numbers.Real) or self.tol < 0:
            raise ValueError(f"The 'tol' parameter of {name} must be a float in the range "
                             f"[0.0, inf). Got {self.tol!r} instead.")
        if (not isinstance(self.max_iter, numbers.Integral) or isinstance(self.max_iter, bool)
                or self.max_iter < 0):
            raise ValueError(f"The 'max_iter' parameter of {name} must be an int in the "
                             f"range [0, inf). Got {self.max_iter!r} instead.")

    def _resolve_penalty(self):
        """(penalty, C) after scikit-learn 1.8's deprecation of ``penalty``."""
        if self.penalty == "deprecated":
            if self.l1_ratio is None:
                warnings.warn("'l1_ratio=None' was deprecated in version 1.8 and will trigger "
                              "an error in 1.10. Use 0<=l1_ratio<=1 instead.", FutureWarning)
            if self.l1_ratio is None or self.l1_ratio == 0:
                penalty = "l2"
            elif self.l1_ratio == 1:
                penalty = "l1"
            else:
                penalty = "elasticnet"
            if self.C == np.inf:
                penalty = None
        else:
            penalty = self.penalty
            warnings.warn("'penalty' was deprecated in version 1.8 and will be removed in 1.10."
                          " To avoid this warning, leave 'penalty' set to its default value and"
                          " use 'l1_ratio' or 'C' instead. Use l1_ratio=0 instead of "
                          "penalty='l2', l1_ratio=1 instead of penalty='l1', l1_ratio set to a "
                          "float between 0 and 1 instead of penalty='elasticnet', and "
                          "C=np.inf instead of penalty=None.", FutureWarning)
        if self.solver != "saga" and penalty not in ("l2", None):
            raise ValueError(f"Solver {self.solver} supports only 'l2' or None penalties, got "
                             f"{penalty} penalty.")
        if self.dual:
            raise ValueError(f"Solver {self.solver} supports only dual=False, got "
                             f"dual={self.dual}")
        if penalty == "elasticnet" and self.l1_ratio is None:
            raise ValueError("l1_ratio must be specified when penalty is elasticnet.")
        if self.penalty is None:
            if self.C != 1.0:
                warnings.warn("Setting penalty=None will ignore the C and l1_ratio parameters")
            return "l2", np.inf
        return penalty, self.C

    def fit(self, X, y, sample_weight=None):
        """Fit the model to X (n_samples, n_features) and labels y.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : LogisticRegression
        """
        self._check_params()
        penalty, C = self._resolve_penalty()
        if self.n_jobs is not None:
            warnings.warn(f"'n_jobs' has no effect since 1.8 and will be removed in 1.10. You "
                          f"provided 'n_jobs={self.n_jobs}', please leave it unspecified.",
                          FutureWarning)
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32],
                             order="C")
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"This solver needs samples of at least 2 classes in the data, but "
                             f"the data contains only one class: {self.classes_[0]!r}")
        X64 = X.astype(np.float64) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
        s = check_sample_weight(sample_weight, X, dtype=np.float64, copy=True)
        if self.class_weight is not None:
            s *= compute_class_weight(self.class_weight, self.classes_, y, s)[codes]
        s_sum = s.sum()
        s /= s_sum
        l1_ratio = {"l2": 0.0, "l1": 1.0}.get(penalty, self.l1_ratio)
        strength = 1.0 / (C * s_sum)  # 0 for C = inf

        multinomial = n_classes > 2
        n_features = X.shape[1]
        width = n_features + int(self.fit_intercept)
        if multinomial:
            target = np.zeros((X.shape[0], n_classes))
            target[np.arange(X.shape[0]), codes] = 1.0
            loss_grad = _multinomial_loss_grad
        else:
            target = np.where(codes == 1, 1.0, -1.0)
            loss_grad = _binary_loss_grad
        w0 = np.zeros((n_classes if multinomial else 1, width))
        if self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (
                w0.shape[0], n_features):
            w0[:, :n_features] = self.coef_
            if self.fit_intercept:
                w0[:, -1] = self.intercept_
        w0 = w0.ravel()

        l2 = strength * (1.0 - l1_ratio)
        args = (X64, target, s, self.fit_intercept, l2)
        if l1_ratio > 0:
            w, n_iter = self._fit_split(loss_grad, w0, args, strength * l1_ratio, n_classes,
                                        n_features)
        elif self.solver in ("newton-cg", "newton-cholesky"):
            w, n_iter = self._fit_newton(loss_grad, w0, args, multinomial)
        else:
            w, n_iter = self._fit_lbfgs(loss_grad, w0, args)

        w = w.reshape(-1, width)
        if multinomial:
            # Softmax does not change when one vector is added to every class: the L2-penalised
            # optimum has Σ_k w_k = 0, and that representative is taken for what the penalty
            # leaves free (the intercepts; every weight when C = inf).
            free = slice(None) if l1_ratio == 0 else slice(n_features, None)
            w[:, free] -= w[:, free].mean(axis=0)
        self.coef_ = w[:, :n_features].astype(X.dtype)
        self.intercept_ = (w[:, -1] if self.fit_intercept
                           else np.zeros(w.shape[0])).astype(X.dtype)
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

    def _fit_lbfgs(self, loss_grad, w0, args):
        result = scipy.optimize.minimize(
            loss_grad, w0, args=args, jac=True, method="L-BFGS-B",
            options={"maxiter": self.max_iter, "maxls": 50, "gtol": self.tol,
                     "ftol": 64 * np.finfo(float).eps})
        self._warn_lbfgs(result)
        return result.x, min(result.nit, self.max_iter)

    def _warn_lbfgs(self, result):
        if result.status != 0:
            warnings.warn(f"lbfgs failed to converge after {result.nit} iteration(s) (status="
                          f"{result.status}):\n{result.message}\n\nIncrease the number of "
                          f"iterations to improve the convergence (max_iter={self.max_iter}).\n"
                          f"You might also want to scale the data.", ConvergenceWarning)

    def _fit_split(self, loss_grad, w0, args, l1, n_classes, n_features):
        """Minimise Q(w) + l1‖w‖₁ over w = w⁺ − w⁻, w⁺, w⁻ ≥ 0 (the intercept free)."""
        width = n_features + int(self.fit_intercept)
        penalised = np.zeros((w0.size // width, width), dtype=bool)
        penalised[:, :n_features] = True
        penalised = penalised.ravel()
        size = w0.size

        def objective(v):
            w = v[:size] - v[size:]
            loss, grad = loss_grad(w, *args)
            loss += l1 * (v[:size][penalised].sum() + v[size:][penalised].sum())
            full = np.concatenate([grad + l1 * penalised, -grad + l1 * penalised])
            return loss, full

        v0 = np.concatenate([np.maximum(w0, 0), np.maximum(-w0, 0)])
        bounds = [(0, None) if p else (None, None) for p in penalised]
        bounds += [(0, None) if p else (0, 0) for p in penalised]
        result = scipy.optimize.minimize(
            objective, v0, jac=True, method="L-BFGS-B", bounds=bounds,
            options={"maxiter": self.max_iter, "maxls": 50, "gtol": self.tol,
                     "ftol": 64 * np.finfo(float).eps})
        self._warn_lbfgs(result)
        return result.x[:size] - result.x[size:], min(result.nit, self.max_iter)

    def _fit_newton(self, loss_grad, w, args, multinomial):
        """Newton's method with backtracking (Armijo) line search; stops when the largest
        gradient component is at most ``tol``."""
        loss, grad = loss_grad(w, *args)
        for n_iter in range(1, self.max_iter + 1):
            if np.max(np.abs(grad)) <= self.tol:
                return w, n_iter - 1
            H = _hessian(w, *args, multinomial)
            # The multinomial Hessian is singular along "add one vector to every class"
            # (always for the intercepts), as is an unpenalised one on collinear features:
            # the minimum-norm step leaves those directions alone.
            step = np.linalg.lstsq(H, grad, rcond=None)[0]
            alpha, slope = 1.0, grad @ step
            while alpha > 1e-10:
                new_loss, new_grad = loss_grad(w - alpha * step, *args)
                if new_loss <= loss - 1e-4 * alpha * slope:
                    break
                alpha /= 2
            else:
                new_loss = loss
            if loss - new_loss <= 64 * np.finfo(float).eps * max(1.0, abs(loss)):
                # No step lowers the loss any more: the optimum is reached to rounding
                # precision (a tol below that floor cannot be met).
                return w - alpha * step, n_iter
            w, loss, grad = w - alpha * step, new_loss, new_grad
        if np.max(np.abs(grad)) > self.tol:
            warnings.warn(f"Newton solver did not converge after {self.max_iter} iterations.",
                          ConvergenceWarning)
        return w, self.max_iter

    def decision_function(self, X):
        """The scores ⟨w_k, x⟩ + b_k: shape (n_samples,) for two classes (the score of
        ``classes_[1]``), else (n_samples, n_classes)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        """The class with the highest score."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def predict_proba(self, X):
        """P(class | x): [1 − σ(z), σ(z)] for two classes, softmax(z) otherwise."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = expit(scores)
            return np.column_stack([1 - p, p])
        return np.exp(scores - logsumexp(scores, axis=1, keepdims=True))

    def predict_log_proba(self, X):
        """log P(class | x)."""
        return np.log(self.predict_proba(X))
