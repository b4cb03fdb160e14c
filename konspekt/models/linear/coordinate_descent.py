"""The L1 and Elastic Net penalties: ``Lasso`` and ``ElasticNet`` fitted by cyclic coordinate
descent with duality-gap stopping and gap-safe screening, with scikit-learn's API, objective and
stopping rule (so that coefficients and iteration counts agree with it)."""

import math
import numbers
import random
import warnings

import numpy as np
import scipy.sparse

from ...base import ConvergenceWarning, check_random_state, check_sample_weight, validate_data
from ...base.exceptions import compatible
from .centring import center_and_scale, center_and_scale_sparse
from .least_squares import (LinearModel, check_max_iter, check_option, check_real,
                            invalid_parameter)

__all__ = ["ElasticNet", "Lasso"]

_NOT_CONVERGED = ("Objective did not converge. You might want to increase the number of "
                  "iterations, check the scale of the features or consider increasing "
                  "regularisation.")
_ZERO_PENALTY = ("Linear regression models with a zero l1 penalization strength are more "
                 "efficiently fitted using one of the solvers implemented in "
                 "sklearn.linear_model.Ridge/RidgeCV instead.")


def duality_gap(w, l1, l2, correlations, residual_norm2, residual_dot_y, positive):
    """The duality gap G(w, θ) = P(w) − D(θ) of the (n-scaled) Elastic Net problem

        P(w) = ½‖y − Xw‖² + λ₁‖w‖₁ + ½λ₂‖w‖²,

    from the residual r = y − Xw through Xᵀr (``correlations``), ‖r‖² and rᵀy. The dual point
    is r scaled into the feasible set ‖Xᵀθ − λ₂w‖∞ ≤ λ₁: θ = s·r with
    s = min(1, λ₁ / ‖Xᵀr − λ₂w‖∞), and D(θ) = −½ s² (‖r‖² + λ₂‖w‖²) + s rᵀy. Without the L1
    term (λ₁ = 0) the dual is unconstrained (Dünner et al. 2016, 5.2.3):
    G = ‖r‖² + ½λ₂‖w‖² − rᵀy + ‖Xᵀr‖² / (2λ₂); without either penalty G = ‖Xᵀr‖² (the
    squared gradient).

    Returns
    -------
    gap : float
    correlations : ndarray, Xᵀr − λ₂w (Xᵀr when λ₁ = 0)
    dual_norm : float, ‖Xᵀr − λ₂w‖∞ (its largest entry when ``positive``; ‖Xᵀr‖² when λ₁ = 0)
    """
    w_norm2 = w @ w if l2 > 0 else 0.0
    if l1 == 0:
        dual_norm = correlations @ correlations
        if l2 == 0:
            return dual_norm, correlations, dual_norm
        gap = residual_norm2 + 0.5 * l2 * w_norm2 - residual_dot_y + dual_norm / (2.0 * l2)
        return gap, correlations, dual_norm
    correlations = correlations - l2 * w
    dual_norm = correlations.max() if positive else np.abs(correlations).max()
    scale = l1 / dual_norm if dual_norm > l1 else 1.0
    penalised_norm2 = residual_norm2 + l2 * w_norm2
    primal = 0.5 * penalised_norm2 + l1 * np.abs(w).sum()
    dual = -0.5 * scale ** 2 * penalised_norm2 + scale * residual_dot_y
    return primal - dual, correlations, dual_norm


class GramForm:
    """The state of the descent as Qw (Q = XᵀX, q = Xᵀy): xⱼᵀr = qⱼ − (Qw)ⱼ, and a change Δ
    of wⱼ adds Δ·Q[j] to Qw — O(p) per update, whatever n (for n ≥ p)."""

    def __init__(self, gram, moments, y_norm2, w):
        self.squared_norms = gram.diagonal().copy()
        self.y_norm2 = y_norm2
        self._moments = moments
        self._rows = list(gram)
        self._gram_w = gram @ w

    def correlation(self, j):
        return self._moments[j] - self._gram_w.item(j)

    def move(self, j, delta):
        self._gram_w += delta * self._rows[j]

    def residual_terms(self, w):
        """Xᵀr, ‖r‖² = ‖y‖² + wᵀQw − 2wᵀq and rᵀy = ‖y‖² − wᵀq."""
        w_dot_q = w @ self._moments
        return (self._moments - self._gram_w, self.y_norm2 + w @ self._gram_w - 2.0 * w_dot_q,
                self.y_norm2 - w_dot_q)


class ResidualForm:
    """The state of the descent as the residual r = y − Xw, updated in place: a change Δ of wⱼ
    subtracts Δ·xⱼ — O(n) per update (for p > n, where the Gram matrix would be larger than
    X)."""

    def __init__(self, X, y, w):
        X = np.asfortranarray(X)
        self.squared_norms = np.einsum("ij,ij->j", X, X)
        self.y_norm2 = y @ y
        self._X, self._y = X, y
        self._columns = list(X.T)
        self._residual = y - X @ w

    def correlation(self, j):
        return self._columns[j] @ self._residual

    def move(self, j, delta):
        self._residual -= delta * self._columns[j]

    def residual_terms(self, w):
        residual = self._residual
        return self._X.T @ residual, residual @ residual, residual @ self._y


class SparseResidualForm:
    """The state of the descent on a sparse (√s-scaled) X, centred implicitly as
    X̃ = X − √s x̄ᵀ: the residual r = y − X̃w is kept as r = u + √s m, with u = y − Xw (changed
    only at the non-zeros of a column) and the scalar m = x̄·w. With q = √sᵀu, S = √sᵀ√s and
    cⱼ = xⱼᵀ√s,

        x̃ⱼᵀr = xⱼᵀu + cⱼ m − x̄ⱼ (q + S m),

    so an update of wⱼ costs O(nnz(xⱼ)) and X is never made dense (as scikit-learn's sparse
    coordinate descent)."""

    def __init__(self, X, X_offset, root, y, w):
        X = scipy.sparse.csc_matrix(X, dtype=np.float64)
        if not X.has_canonical_format:
            # Sum duplicate entries on a copy: the caller's matrix is left as it is.
            X = X.copy()
            X.sum_duplicates()
        self._X, self._y, self._root = X, y, root
        self._offset = np.asarray(X_offset, dtype=np.float64)
        self._column_root = np.asarray(X.T @ root).ravel()
        self._root_norm2 = float(root @ root)
        self._rows = [X.indices[X.indptr[j]:X.indptr[j + 1]] for j in range(X.shape[1])]
        self._values = [X.data[X.indptr[j]:X.indptr[j + 1]] for j in range(X.shape[1])]
        plain_norms = np.asarray(X.multiply(X).sum(axis=0)).ravel()
        # ‖xⱼ − √s x̄ⱼ‖² = ‖xⱼ‖² − 2x̄ⱼcⱼ + S x̄ⱼ²; rounding must not make it negative.
        self.squared_norms = np.maximum(plain_norms - 2.0 * self._offset * self._column_root
                                        + self._root_norm2 * self._offset ** 2, 0.0)
        self.y_norm2 = y @ y
        self._uncentred = y - X @ w
        self._mean_term = float(self._offset @ w)
        self._root_dot = float(root @ self._uncentred)

    def correlation(self, j):
        return (self._values[j] @ self._uncentred[self._rows[j]]
                + self._column_root[j] * self._mean_term
                - self._offset[j] * (self._root_dot + self._root_norm2 * self._mean_term))

    def move(self, j, delta):
        self._uncentred[self._rows[j]] -= delta * self._values[j]
        self._mean_term += delta * self._offset[j]
        self._root_dot -= delta * self._column_root[j]

    def residual_terms(self, w):
        residual = self._uncentred + self._root * self._mean_term
        correlations = np.asarray(self._X.T @ residual).ravel() - \
            self._offset * (self._root @ residual)
        return correlations, residual @ residual, residual @ self._y


def coordinate_descent(w, l1, l2, form, max_iter, tol, seed, randomised, positive):
    """Minimise ½‖y − Xw‖² + λ₁‖w‖₁ + ½λ₂‖w‖² one coordinate at a time.

    The update of coordinate j keeps the others fixed and solves the one-dimensional problem
    exactly by soft-thresholding,

        ρⱼ = xⱼᵀ(y − Xw) + ‖xⱼ‖² wⱼ   (the correlation of xⱼ with the partial residual),
        wⱼ ← S(ρⱼ, λ₁) / (‖xⱼ‖² + λ₂),   S(z, γ) = sign(z) · max(|z| − γ, 0)

    (with ``positive``: wⱼ ← 0 when ρⱼ < 0); ``form`` (``GramForm`` or ``ResidualForm``) gives
    xⱼᵀ(y − Xw) and absorbs each change of wⱼ. After an epoch whose largest change
    max|Δwⱼ| ≤ tol · max|wⱼ| (or the last epoch) the duality gap is computed; the descent stops
    when it is ≤ tol · ‖y‖². At each gap computation the gap-safe rule (Ndiaye et al. 2017)
    drops the features certain to be zero at the optimum: j is dropped when
    (1 − |xⱼᵀθ|) / √(‖xⱼ‖² + λ₂) > √(2G) / λ₁.

    Returns
    -------
    w : ndarray, gap : float, tolerance : float (tol · ‖y‖²), n_iter : int
    """
    n_features = w.size
    squared_norms = form.squared_norms
    diagonal = squared_norms.tolist()
    coef = w.astype(np.float64).tolist()
    step_tol = tol
    tol = tol * form.y_norm2
    screening = l1 != 0
    excluded = [value == 0.0 for value in diagonal] if screening else [False] * n_features
    for j in range(n_features):
        # A zero column leaves the objective unchanged: its coefficient is set to zero.
        if diagonal[j] == 0.0:
            coef[j] = 0.0
    draw = random.Random(seed).randrange
    correlation, move = form.correlation, form.move

    def gap_and_screen():
        w_now = np.array(coef)
        gap, correlations, dual_norm = duality_gap(w_now, l1, l2, *form.residual_terms(w_now),
                                                   positive)
        if screening and gap > tol:
            radius = math.sqrt(2.0 * abs(gap)) / l1
            theta = np.abs(correlations) / max(l1, dual_norm)
            distance = (1.0 - theta) / np.sqrt(squared_norms + l2)
            for j in np.flatnonzero(distance > radius).tolist():
                if not excluded[j]:
                    excluded[j] = True
                    if coef[j] != 0.0:
                        move(j, -coef[j])
                        coef[j] = 0.0
        return gap, [j for j in range(n_features) if not excluded[j]]

    gap, active = gap_and_screen()
    if 0 <= gap <= tol:
        return np.array(coef), gap, tol, 0
    n_iter = 0
    for n_iter in range(max_iter):
        largest_coef = largest_change = 0.0
        n_active = len(active)
        for position in range(n_active):
            j = active[draw(n_active)] if randomised else active[position]
            curvature = diagonal[j]
            if curvature == 0.0:
                continue
            old = coef[j]
            rho = correlation(j) + old * curvature
            if positive and rho < 0.0:
                new = 0.0
            else:
                shrunk = abs(rho) - l1
                new = math.copysign(shrunk, rho) / (curvature + l2) if shrunk > 0.0 else 0.0
            if new != old:
                move(j, new - old)
                coef[j] = new
                change = abs(new - old)
                if change > largest_change:
                    largest_change = change
            if abs(new) > largest_coef:
                largest_coef = abs(new)
        if (largest_coef == 0.0 or largest_change / largest_coef <= step_tol
                or n_iter == max_iter - 1):
            gap, active = gap_and_screen()
            if gap <= tol:
                break
    else:
        message = f"{_NOT_CONVERGED} Duality gap: {gap:.6e}, tolerance: {tol:.3e}"
        if l1 < np.finfo(np.float64).eps:
            message += "\n" + _ZERO_PENALTY
        warnings.warn(message, compatible(ConvergenceWarning), stacklevel=4)
    return np.array(coef), gap, tol, n_iter + 1


class ElasticNet(LinearModel):
    """Linear regression with the Elastic Net penalty, a mix ρ of L1 and L2, by coordinate
    descent on scikit-learn's objective

        L(w, b) = 1/(2n) ‖y − Xw − b‖²₂ + αρ ‖w‖₁ + α(1 − ρ)/2 ‖w‖²₂

    (ρ = ``l1_ratio``; ρ = 1 is the Lasso, ρ = 0 the ridge penalty). The intercept is not
    penalised: X and y are centred by their weighted means first, and b = ȳ − x̄·w. Sample
    weights, rescaled to sum to n, multiply the squared errors (rows scaled by √sᵢ).

    Multiplied by n the problem is ½‖y − Xw‖² + λ₁‖w‖₁ + ½λ₂‖w‖² with λ₁ = αρn and
    λ₂ = α(1 − ρ)n, and each coordinate update is the soft-thresholding step

        wⱼ ← S(xⱼᵀ rⱼ, αρn) / (‖xⱼ‖² + α(1 − ρ)n),   rⱼ = y − Σₖ≠ⱼ xₖwₖ,
        S(z, γ) = sign(z) · max(|z| − γ, 0),

    computed from the Gram matrix Q = XᵀX (xⱼᵀrⱼ = qⱼ − (Qw)ⱼ + Qⱼⱼwⱼ, q = Xᵀy) when n ≥ p, so
    that an update costs O(p) whatever n, and from the residual r = y − Xw, updated in place,
    when p > n. A sparse X (CSC) is descended column by column on its non-zeros, centred
    implicitly (``SparseResidualForm``), as scikit-learn does. An epoch runs over the features
    in order (or at random with ``selection="random"``); after an epoch whose largest change
    is at most ``tol`` times the largest coefficient, the duality gap G is computed and the
    descent stops when G ≤ tol · ‖y‖² (see ``duality_gap``); features proven zero by the
    gap-safe rule are dropped from later epochs.

    Parameters
    ----------
    alpha : float, default 1.0
        The penalty strength α ≥ 0.
    l1_ratio : float, default 0.5
        The share ρ ∈ [0, 1] of L1 in the penalty.
    fit_intercept : bool, default True
    precompute : bool or array-like of shape (n_features, n_features), default False
        True, or a precomputed Gram matrix XᵀX (recomputed when X is centred or weighted):
        descend on the Gram form. False: the Gram form when n_samples ≥ n_features (the
        fastest there), the residual form otherwise. Ignored for sparse X.
    max_iter : int, default 1000
        The most epochs (passes over the features).
    copy_X : bool, default True
        Kept for scikit-learn compatibility: konspekt never overwrites X.
    tol : float, default 1e-4
    warm_start : bool, default False
        Start from the previous ``coef_`` instead of zero.
    positive : bool, default False
        Constrain w ≥ 0.
    random_state : int, RandomState or None, default None
        Seeds the order of ``selection="random"``.
    selection : {"cyclic", "random"}, default "cyclic"

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or list of int
        Epochs run (one per target for a 2-D y).
    dual_gap_ : float or ndarray of shape (n_targets,)
        The final duality gap, divided by n (the scale of L).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> model = ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, [0.0, 1.0, 2.0, 3.0])
    >>> print(np.round(model.coef_, 4), round(float(model.intercept_), 4))
    [0.9231 0.    ] 0.1154
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute=False,
                 max_iter=1000, copy_X=True, tol=1e-4, warm_start=False, positive=False,
                 random_state=None, selection="cyclic"):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def _check_parameters(self):
        alpha = check_real(self, "alpha")
        l1_ratio = check_real(self, "l1_ratio", 0.0, 1.0)
        tol = check_real(self, "tol")
        max_iter = check_max_iter(self, allow_none=True)
        selection = check_option(self, "selection", ("cyclic", "random"))
        if not isinstance(self.precompute, (bool, np.bool_)) and \
                not hasattr(self.precompute, "__len__"):
            raise invalid_parameter(self, "precompute", "an instance of 'bool' or an "
                                    "array-like", self.precompute)
        return alpha, l1_ratio, tol, 1000 if max_iter is None else max_iter, selection

    def _gram(self, X, X_offset, weighted):
        if isinstance(self.precompute, (bool, np.bool_)):
            return X.T @ X
        gram = np.asarray(self.precompute, dtype=np.float64)
        if gram.shape != (X.shape[1], X.shape[1]):
            raise ValueError(f"Gram matrix has the wrong shape {gram.shape}, expected "
                             f"{(X.shape[1], X.shape[1])}.")
        if weighted or (self.fit_intercept and not np.allclose(X_offset, 0)):
            warnings.warn("Gram matrix was provided but X was centered to fit intercept or "
                          "X was rescaled by sample weights: recomputing Gram matrix.",
                          UserWarning, stacklevel=3)
            return X.T @ X
        return gram

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit the coefficients by coordinate descent.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            A 2-D y is fitted one target at a time.
        sample_weight : float or array-like of shape (n_samples,), optional
        check_input : bool, default True
            Kept for scikit-learn compatibility; the input is always checked.

        Returns
        -------
        self
        """
        alpha, l1_ratio, tol, max_iter, selection = self._check_parameters()
        if alpha == 0:
            warnings.warn("With alpha=0, this algorithm does not converge well. You are "
                          "advised to use the LinearRegression estimator", UserWarning,
                          stacklevel=2)
        X, y = validate_data(self, X, y, accept_sparse="csc", dtype=[np.float64, np.float32],
                             multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=X.dtype)
        n_samples, n_features = X.shape
        if isinstance(sample_weight, numbers.Number):
            sample_weight = None
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype,
                                                ensure_non_negative=True)
            sample_weight = sample_weight * (n_samples / sample_weight.sum())
        sparse = scipy.sparse.issparse(X)
        if sparse:
            # As scikit-learn: a sparse X is never centred in memory nor turned into a Gram
            # matrix (``precompute`` is ignored).
            X_scaled, y_centred, X_offset, y_offset, root = center_and_scale_sparse(
                X, y, self.fit_intercept, sample_weight)
            X_offset = X_offset.astype(np.float64)
        else:
            X_centred, y_centred, X_offset, y_offset = center_and_scale(
                X, y, self.fit_intercept, sample_weight)
            X_centred = X_centred.astype(np.float64, copy=False)
        targets = y_centred.reshape(n_samples, -1).astype(np.float64, copy=False)
        n_targets = targets.shape[1]
        precompute_off = isinstance(self.precompute, (bool, np.bool_)) and not self.precompute
        use_gram = not sparse and (not precompute_off or n_samples >= n_features)
        if use_gram:
            gram = self._gram(X_centred, X_offset, sample_weight is not None)
            # One matrix-vector product per target: (n, 1) right-hand sides take a slow path.
            moments = np.stack([X_centred.T @ targets[:, k] for k in range(n_targets)], axis=1)
        elif not sparse:
            X_centred = np.asfortranarray(X_centred)
        if self.warm_start and hasattr(self, "coef_"):
            coef = np.array(self.coef_, dtype=np.float64).reshape(n_targets, n_features)
        else:
            coef = np.zeros((n_targets, n_features))
        rng = check_random_state(self.random_state)
        l1 = alpha * l1_ratio * n_samples
        l2 = alpha * (1.0 - l1_ratio) * n_samples
        gaps, n_iters = np.empty(n_targets), []
        for k in range(n_targets):
            target = targets[:, k]
            if use_gram:
                form = GramForm(gram, moments[:, k], target @ target, coef[k])
            elif sparse:
                form = SparseResidualForm(X_scaled, X_offset, root, target, coef[k])
            else:
                form = ResidualForm(X_centred, target, coef[k])
            coef[k], gaps[k], _, n_iter = coordinate_descent(
                coef[k], l1, l2, form, max_iter, tol, int(rng.randint(0, 2 ** 31 - 1)),
                selection == "random", self.positive)
            n_iters.append(n_iter)
        gaps /= n_samples
        coef = coef.astype(X.dtype, copy=False)
        if y.ndim == 1:
            self.coef_, self.dual_gap_, self.n_iter_ = coef[0], gaps[0], n_iters[0]
        else:
            self.coef_, self.dual_gap_, self.n_iter_ = coef, gaps, n_iters
        self._set_intercept(X_offset, y_offset)
        if not (np.isfinite(self.coef_).all() and np.isfinite(self.intercept_).all()):
            raise ValueError("Coordinate descent iterations resulted in non-finite parameter "
                             "values. The input data may contain large values and need to be "
                             "preprocessed.")
        return self

    @property
    def sparse_coef_(self):
        """``coef_`` as a SciPy sparse matrix (rows: targets)."""
        return scipy.sparse.csr_matrix(np.atleast_2d(self.coef_))


class Lasso(ElasticNet):
    """Linear regression with the L1 penalty (least absolute shrinkage and selection operator):

        L(w, b) = 1/(2n) ‖y − Xw − b‖²₂ + α ‖w‖₁,

    the ``ElasticNet`` with ρ = 1, by the same coordinate descent; each update is the
    soft-thresholding step wⱼ ← S(xⱼᵀrⱼ, αn) / ‖xⱼ‖², which sets small coefficients exactly
    to zero (feature selection).

    Parameters
    ----------
    alpha : float, default 1.0
    fit_intercept : bool, default True
    precompute : bool or array-like of shape (n_features, n_features), default False
    copy_X : bool, default True
    max_iter : int, default 1000
    tol : float, default 1e-4
    warm_start : bool, default False
    positive : bool, default False
    random_state : int, RandomState or None, default None
    selection : {"cyclic", "random"}, default "cyclic"
        As for ``ElasticNet``.

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, n_features_in_, feature_names_in_
        As for ``ElasticNet``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> model = Lasso(alpha=0.1).fit(X, [0.0, 1.0, 2.0, 3.0])
    >>> print(np.round(model.coef_, 4), round(float(model.intercept_), 4))
    [0.92 0.  ] 0.12
    """

    l1_ratio = 1.0

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute=False, copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, positive=False, random_state=None,
                 selection="cyclic"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
