"""AdaBoost: ``AdaBoostClassifier`` (SAMME) and ``AdaBoostRegressor`` (AdaBoost.R2), with
scikit-learn's parameters, attributes and results.

AdaBoost fits weak models one after another, each on the training set re-weighted so that the
samples its predecessors got wrong weigh more, and combines them with weights α_t that grow
with their accuracy. The course's binary AdaBoost (y ∈ {−1, +1}, a(x) = sign Σ_t α_t b_t(x))
is the case K = 2 of SAMME below.

SAMME (K classes, N samples, learning rate η):

1. wᵢ = 1/N (or the given sample weights, normalised to sum 1);
2. for t = 1 … T:

   a. fit b_t to (X, y) with sample weights w;
   b. the weighted error ε_t = Σᵢ wᵢ [b_t(xᵢ) ≠ yᵢ] / Σᵢ wᵢ; stop when ε_t = 0 (b_t is kept,
      with α_t = 1) and drop b_t when it is no better than chance, ε_t ≥ 1 − 1/K;
   c. α_t = η (log((1 − ε_t)/ε_t) + log(K − 1));
   d. wᵢ ← wᵢ exp(α_t [b_t(xᵢ) ≠ yᵢ]), then normalise w to sum 1;

3. a(x) = argmax_k Σ_t α_t [b_t(x) = k].

The decision function scores class k by f_k(x) = Σ_t α_t c_tk(x) / Σ_t α_t with c_tk = 1 if
b_t(x) = k and −1/(K − 1) otherwise; the probabilities are softmax(f(x)/(K − 1)).

AdaBoost.R2 (regression, weak models fitted on weighted bootstrap samples): with the error
of sample i scaled to [0, 1], Lᵢ = |b_t(xᵢ) − yᵢ| / maxⱼ |b_t(xⱼ) − yⱼ| (squared for
``loss="square"``, 1 − e^{−Lᵢ} for "exponential"), the mean loss L̄_t = Σᵢ wᵢ Lᵢ, stop when
L̄_t ≥ 1/2; β_t = L̄_t / (1 − L̄_t), α_t = η log(1/β_t), wᵢ ← wᵢ β_t^{η(1 − Lᵢ)}; the prediction is
the α-weighted median of the b_t(x).

References: J. Zhu, H. Zou, S. Rosset, T. Hastie, "Multi-class AdaBoost", Statistics and Its
Interface 2 (2009); H. Drucker, "Improving regressors using boosting techniques", ICML 1997.
"""

import warnings

import numpy as np

from ...base import (ClassifierMixin, RegressorMixin, check_is_fitted, check_random_state,
                     check_sample_weight, get_tags, validate_data)
from ...base.estimator import is_regressor
from ...metrics import accuracy_score, r2_score
from .ensemble_base import BaseEnsemble, check_parameter, has_fit_parameter

__all__ = ["AdaBoostClassifier", "AdaBoostRegressor"]


def _softmax(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


class BaseWeightBoosting(BaseEnsemble):
    """The boosting loop shared by both AdaBoost estimators."""

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0,
                 random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # X is passed on as it comes: sparse input works when the weak model takes it.
        tags.input_tags.sparse = get_tags(self._template()).input_tags.sparse
        return tags

    def _check_X(self, X):
        return validate_data(self, X, accept_sparse=["csr", "csc"], ensure_2d=True,
                             allow_nd=True, dtype=None, reset=False)

    def fit(self, X, y, sample_weight=None):
        """Fit the weak models one after another on the re-weighted samples.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            The initial weights (1/N each when None).

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], ensure_2d=True,
                             allow_nd=True, dtype=None, y_numeric=is_regressor(self))
        check_parameter(self, "n_estimators", "int", 1)
        check_parameter(self, "learning_rate", "float", 0, closed="neither")
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64, copy=True,
                                            ensure_non_negative=True)
        sample_weight /= sample_weight.sum()
        self._validate_estimator()
        self.estimators_ = []
        self.estimator_weights_ = np.zeros(self.n_estimators)
        self.estimator_errors_ = np.ones(self.n_estimators)
        rng = check_random_state(self.random_state)
        epsilon = np.finfo(sample_weight.dtype).eps
        zero_weight = sample_weight == 0.0
        for iboost in range(self.n_estimators):
            # Keep every weight that started positive at least ε, so its log stays finite.
            sample_weight = np.clip(sample_weight, a_min=epsilon, a_max=None)
            sample_weight[zero_weight] = 0.0
            sample_weight, weight, error = self._boost(iboost, X, y, sample_weight, rng)
            if sample_weight is None:
                break
            self.estimator_weights_[iboost] = weight
            self.estimator_errors_[iboost] = error
            if error == 0:
                break
            total = np.sum(sample_weight)
            if not np.isfinite(total):
                warnings.warn(f"Sample weights have reached infinite values, at iteration "
                              f"{iboost}, causing overflow. Iterations stopped. Try lowering "
                              "the learning rate.", stacklevel=2)
                break
            if total <= 0:
                break
            if iboost < self.n_estimators - 1:
                sample_weight /= total
        return self

    def staged_score(self, X, y, sample_weight=None):
        """The score (accuracy or R²) of the ensemble of the first 1, 2, … models.

        Yields
        ------
        float
        """
        score = accuracy_score if isinstance(self, ClassifierMixin) else r2_score
        for predicted in self.staged_predict(X):
            yield score(y, predicted, sample_weight=sample_weight)

    @property
    def feature_importances_(self):
        """Σ_t α_t I_t / Σ_t α_t, I_t the feature importances of model t."""
        if not getattr(self, "estimators_", None):
            raise ValueError("Estimator not fitted, call `fit` before "
                             "`feature_importances_`.")
        try:
            total = self.estimator_weights_.sum()
            return sum(weight * member.feature_importances_ for weight, member
                       in zip(self.estimator_weights_, self.estimators_)) / total
        except AttributeError as error:
            raise AttributeError("Unable to compute feature importances since estimator does "
                                 "not have a feature_importances_ attribute") from error


class AdaBoostClassifier(ClassifierMixin, BaseWeightBoosting):
    """AdaBoost for K classes by SAMME (see the module docstring for the steps).

    Parameters
    ----------
    estimator : classifier accepting sample_weight, default None
        The weak model; None means a decision stump, ``DecisionTreeClassifier(max_depth=1)``.
    n_estimators : int, default 50
        The most models fitted (fewer when a perfect one stops the loop).
    learning_rate : float, default 1.0
        η, the factor of every α_t.
    random_state : int, RandomState or None
        Seeds the weak models' own randomness.

    Attributes
    ----------
    estimator_ : classifier
    estimators_ : list of classifiers
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    estimator_weights_ : ndarray of shape (n_estimators,)
        α_t (0 for the models not fitted).
    estimator_errors_ : ndarray of shape (n_estimators,)
        ε_t (1 for the models not fitted).
    feature_importances_ : ndarray of shape (n_features,)
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> model = AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> model.score(X, y) > 0.9
    True
    """

    def _default_estimator(self):
        from ..tree import DecisionTreeClassifier
        return DecisionTreeClassifier(max_depth=1)

    def _validate_estimator(self):
        super()._validate_estimator()
        if not has_fit_parameter(self.estimator_, "sample_weight"):
            raise ValueError(f"{type(self.estimator).__name__} doesn't support "
                             "sample_weight.")

    def _boost(self, iboost, X, y, sample_weight, rng):
        """One SAMME step: fit b_t, then ε_t, α_t and the new weights."""
        member = self._make_estimator(random_state=rng)
        member.fit(X, y, sample_weight=sample_weight)
        predicted = member.predict(X)
        if iboost == 0:
            self.classes_ = getattr(member, "classes_", None)
            self.n_classes_ = len(self.classes_)
        incorrect = predicted != y
        error = np.mean(np.average(incorrect, weights=sample_weight, axis=0))
        if error <= 0:
            return sample_weight, 1.0, 0.0
        n_classes = self.n_classes_
        if error >= 1.0 - 1.0 / n_classes:
            self.estimators_.pop(-1)
            if len(self.estimators_) == 0:
                raise ValueError("BaseClassifier in AdaBoostClassifier ensemble is worse than "
                                 "random, ensemble can not be fit.")
            return None, None, None
        alpha = self.learning_rate * (np.log((1.0 - error) / error) + np.log(n_classes - 1.0))
        if iboost != self.n_estimators - 1:
            # w ← w · exp(α [wrong]), in logs; a sample of weight 0 keeps it.
            sample_weight = np.exp(np.log(sample_weight)
                                   + alpha * incorrect * (sample_weight > 0))
        return sample_weight, alpha, error

    def _votes(self, member, weight, X):
        """α_t c_t(x): α_t for the predicted class, −α_t/(K − 1) for the others."""
        hits = member.predict(X)[:, np.newaxis] == self.classes_[np.newaxis, :]
        return np.where(hits, weight, -weight / (self.n_classes_ - 1))

    def _finish(self, scores, norm):
        scores = scores / norm
        if self.n_classes_ == 2:
            return scores[:, 1] - scores[:, 0]
        return scores

    def decision_function(self, X):
        """f(x) = Σ_t α_t c_t(x) / Σ_t α_t; for two classes the score of the second class minus
        that of the first, shape (n_samples,)."""
        check_is_fitted(self)
        X = self._check_X(X)
        if self.n_classes_ == 1:
            return np.zeros((X.shape[0], 1))
        scores = sum(self._votes(member, weight, X)
                     for member, weight in zip(self.estimators_, self.estimator_weights_))
        return self._finish(scores, self.estimator_weights_.sum())

    def staged_decision_function(self, X):
        """The decision function of the first 1, 2, … models.

        Yields
        ------
        ndarray
        """
        check_is_fitted(self)
        X = self._check_X(X)
        scores, norm = 0.0, 0.0
        for member, weight in zip(self.estimators_, self.estimator_weights_):
            norm += weight
            scores = scores + self._votes(member, weight, X)
            yield self._finish(scores, norm)

    def _label(self, decision):
        if self.n_classes_ == 2:
            return self.classes_.take(decision > 0, axis=0)
        return self.classes_.take(np.argmax(decision, axis=1), axis=0)

    def predict(self, X):
        """a(x) = argmax_k Σ_t α_t [b_t(x) = k]."""
        return self._label(self.decision_function(X))

    def staged_predict(self, X):
        """The predictions of the first 1, 2, … models.

        Yields
        ------
        ndarray of shape (n_samples,)
        """
        for decision in self.staged_decision_function(X):
            yield np.array(self._label(decision))

    def _proba(self, decision):
        if self.n_classes_ == 2:
            decision = np.vstack([-decision, decision]).T / 2
        else:
            decision = decision / (self.n_classes_ - 1)
        return _softmax(decision)

    def predict_proba(self, X):
        """p(k | x) = softmax_k(f(x) / (K − 1))."""
        check_is_fitted(self)
        if self.n_classes_ == 1:
            return np.ones((self._check_X(X).shape[0], 1))
        return self._proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        """The class probabilities of the first 1, 2, … models.

        Yields
        ------
        ndarray of shape (n_samples, n_classes)
        """
        for decision in self.staged_decision_function(X):
            yield self._proba(decision)

    def predict_log_proba(self, X):
        """log p(k | x)."""
        return np.log(self.predict_proba(X))


class AdaBoostRegressor(RegressorMixin, BaseWeightBoosting):
    """AdaBoost.R2 (see the module docstring for the steps).

    Parameters
    ----------
    estimator : regressor, default None
        The weak model; None means ``DecisionTreeRegressor(max_depth=3)``.
    n_estimators : int, default 50
    learning_rate : float, default 1.0
    loss : {"linear", "square", "exponential"}, default "linear"
        How a sample's error, scaled to [0, 1], becomes its loss Lᵢ.
    random_state : int, RandomState or None
        Seeds the weighted bootstrap samples and the weak models.

    Attributes
    ----------
    estimator_, estimators_, estimator_weights_, estimator_errors_, feature_importances_
        As in ``AdaBoostClassifier`` (the errors being the mean losses L̄_t).
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear import LinearRegression
    >>> X = np.arange(40.0).reshape(20, 2)
    >>> y = X @ [1.0, -0.5]
    >>> model = AdaBoostRegressor(LinearRegression(), n_estimators=5, random_state=0)
    >>> bool(np.allclose(model.fit(X, y).predict(X), y))
    True
    """

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0, loss="linear",
                 random_state=None):
        super().__init__(estimator, n_estimators=n_estimators, learning_rate=learning_rate,
                         random_state=random_state)
        self.loss = loss

    def _default_estimator(self):
        from ..tree import DecisionTreeRegressor
        return DecisionTreeRegressor(max_depth=3)

    def _boost(self, iboost, X, y, sample_weight, rng):
        """One AdaBoost.R2 step: fit b_t on a weighted bootstrap sample, then L̄_t, β_t, α_t and
        the new weights."""
        if self.loss not in ("linear", "square", "exponential"):
            raise ValueError(f"The 'loss' parameter of AdaBoostRegressor must be a str among "
                             f"{{'exponential', 'linear', 'square'}}. Got {self.loss!r} "
                             "instead.")
        member = self._make_estimator(random_state=rng)
        n_samples = X.shape[0]
        drawn = rng.choice(np.arange(n_samples), size=n_samples, p=sample_weight)
        member.fit(X[drawn], y[drawn])
        predicted = member.predict(X)
        positive = sample_weight > 0
        weights = sample_weight[positive]
        losses = np.abs(predicted - y)[positive]
        largest = losses.max()
        if largest != 0:
            losses /= largest
        if self.loss == "square":
            losses **= 2
        elif self.loss == "exponential":
            losses = 1.0 - np.exp(-losses)
        error = (weights * losses).sum()
        if error <= 0:
            return sample_weight, 1.0, 0.0
        if error >= 0.5:
            if len(self.estimators_) > 1:
                self.estimators_.pop(-1)
            return None, None, None
        beta = error / (1.0 - error)
        alpha = self.learning_rate * np.log(1.0 / beta)
        if iboost != self.n_estimators - 1:
            sample_weight[positive] *= np.power(beta, (1.0 - losses) * self.learning_rate)
        return sample_weight, alpha, error

    def _weighted_median(self, X, limit):
        """The α-weighted median of b_1(x) … b_limit(x): the smallest prediction whose
        cumulative weight reaches half the total."""
        predictions = np.array([member.predict(X) for member in self.estimators_[:limit]]).T
        order = np.argsort(predictions, axis=1)
        cumulative = np.cumsum(self.estimator_weights_[order], axis=1)
        reached = cumulative >= 0.5 * cumulative[:, -1][:, np.newaxis]
        chosen = order[np.arange(X.shape[0]), reached.argmax(axis=1)]
        return predictions[np.arange(X.shape[0]), chosen]

    def predict(self, X):
        """The α-weighted median of the models' predictions."""
        check_is_fitted(self)
        return self._weighted_median(self._check_X(X), len(self.estimators_))

    def staged_predict(self, X):
        """The predictions of the first 1, 2, … models.

        Yields
        ------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = self._check_X(X)
        for limit in range(1, len(self.estimators_) + 1):
            yield self._weighted_median(X, limit)

