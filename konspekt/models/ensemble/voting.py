"""Voting ensembles: ``VotingClassifier`` (hard and soft voting) and ``VotingRegressor``, with
scikit-learn's parameters and attributes.

M different models h_1 … h_M are fitted on the same data, with weights w_1 … w_M (all 1 by
default), and combined:

- hard voting (majority rule): ŷ(x) = argmax_k Σ_m w_m [h_m(x) = k];
- soft voting: p̂(k | x) = Σ_m w_m p_m(k | x) / Σ_m w_m, ŷ(x) = argmax_k p̂(k | x);
- regression: ŷ(x) = Σ_m w_m h_m(x) / Σ_m w_m.

Ties of hard voting go to the first class in sorted order. A member given as ``"drop"`` is
left out.
"""

import numpy as np

from ...base import (ClassifierMixin, RegressorMixin, TransformerMixin,
                     check_classification_targets, check_is_fitted, clone, column_or_1d)
from ...base.output import feature_names_in
from ...data.datasets.base import Bunch
from ...preprocessing.label import LabelEncoder
from .ensemble_base import BaseHeterogeneousEnsemble, _is_drop, run_parallel

__all__ = ["VotingClassifier", "VotingRegressor"]


def _fit_member(estimator, X, y, fit_params):
    return estimator.fit(X, y, **fit_params)


class BaseVoting(TransformerMixin, BaseHeterogeneousEnsemble):
    """Fitting and weighting shared by the two voting estimators."""

    @property
    def _weights_not_none(self):
        """The weights of the members that are not dropped (None when unweighted)."""
        if self.weights is None:
            return None
        return [weight for (_, estimator), weight in zip(self.estimators, self.weights)
                if not _is_drop(estimator)]

    def _predict(self, X):
        """Each member's prediction, one column per member."""
        return np.asarray([member.predict(X) for member in self.estimators_]).T

    def _fit(self, X, y, sample_weight=None, **fit_params):
        names, estimators = self._validate_estimators()
        if self.weights is not None and len(self.weights) != len(self.estimators):
            raise ValueError(f"Number of `estimators` and weights must be equal; got "
                             f"{len(self.weights)} weights, {len(self.estimators)} estimators")
        if sample_weight is not None:
            fit_params["sample_weight"] = sample_weight
        self.estimators_ = run_parallel(
            _fit_member, [(clone(estimator), X, y, fit_params) for estimator in estimators
                          if not _is_drop(estimator)], self.n_jobs)
        self.named_estimators_ = Bunch()
        fitted = iter(self.estimators_)
        for name, estimator in self.estimators:
            member = estimator if _is_drop(estimator) else next(fitted)
            self.named_estimators_[name] = member
            if hasattr(member, "feature_names_in_"):
                self.feature_names_in_ = member.feature_names_in_
        return self

    def _active_names(self):
        return [name for name, estimator in self.estimators if not _is_drop(estimator)]


class VotingClassifier(ClassifierMixin, BaseVoting):
    """Hard (majority) or soft (averaged probabilities) voting of different classifiers.

    Hard: ŷ(x) = argmax_k Σ_m w_m [h_m(x) = k]; soft: ŷ(x) = argmax_k Σ_m w_m p_m(k | x).

    Parameters
    ----------
    estimators : list of (str, classifier) pairs
        The members and their names; a member may be ``"drop"``.
    voting : {"hard", "soft"}, default "hard"
    weights : array-like of shape (n_estimators,), default None
        The members' weights (equal when None).
    n_jobs : int or None, default None
        Workers to fit the members (joblib).
    flatten_transform : bool, default True
        With soft voting, ``transform`` returns (n_samples, n_members · n_classes) instead of
        (n_members, n_samples, n_classes).
    verbose : bool, default False

    Attributes
    ----------
    estimators_ : list of classifiers
        The fitted members (without the dropped ones).
    named_estimators_ : Bunch
        The fitted members by name.
    le_ : LabelEncoder
    classes_ : ndarray of shape (n_classes,)
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> from konspekt.models.linear import LogisticRegression, SGDClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> model = VotingClassifier([("lr", LogisticRegression(max_iter=500)),
    ...                           ("sgd", SGDClassifier(random_state=0))]).fit(X, y)
    >>> model.predict(X[:2])
    array([0, 0])
    """

    def __init__(self, estimators, *, voting="hard", weights=None, n_jobs=None,
                 flatten_transform=True, verbose=False):
        self.estimators = estimators
        self.voting = voting
        self.weights = weights
        self.n_jobs = n_jobs
        self.flatten_transform = flatten_transform
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit every member on (X, y) (y encoded as 0 … K − 1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Passed to every member's ``fit``.
        **fit_params
            Passed to every member's ``fit``.

        Returns
        -------
        self
        """
        check_classification_targets(y)
        if isinstance(y, np.ndarray) and y.ndim > 1 and y.shape[1] > 1:
            raise NotImplementedError("Multilabel and multi-output classification is not "
                                      "supported.")
        if self.voting not in ("soft", "hard"):
            raise ValueError(f"The 'voting' parameter of VotingClassifier must be a str among "
                             f"{{'hard', 'soft'}}. Got {self.voting!r} instead.")
        self.le_ = LabelEncoder().fit(y)
        self.classes_ = self.le_.classes_
        return self._fit(X, self.le_.transform(y), sample_weight, **fit_params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # transform gives predicted labels or probabilities, whatever the dtype of X.
        tags.transformer_tags.preserves_dtype = []
        return tags

    def predict(self, X):
        """The class with most (weighted) votes, or of highest averaged probability."""
        check_is_fitted(self)
        if self.voting == "soft":
            winners = np.argmax(self.predict_proba(X), axis=1)
        else:
            votes = self._predict(X)
            weights = self._weights_not_none
            weights = np.ones(votes.shape[1]) if weights is None else np.asarray(weights)
            tally = np.zeros((votes.shape[0], len(self.classes_)))
            for column, weight in zip(votes.T, weights):
                tally[np.arange(votes.shape[0]), column] += weight
            winners = np.argmax(tally, axis=1)
        return self.le_.inverse_transform(winners)

    def _collect_probas(self, X):
        return np.asarray([member.predict_proba(X) for member in self.estimators_])

    @property
    def predict_proba(self):
        """p̂(k | x) = Σ_m w_m p_m(k | x) / Σ_m w_m (soft voting only)."""
        if self.voting == "hard":
            raise AttributeError(f"predict_proba is not available when voting={self.voting!r}")
        return self._predict_proba

    def _predict_proba(self, X):
        check_is_fitted(self)
        return np.average(self._collect_probas(X), axis=0, weights=self._weights_not_none)

    def transform(self, X):
        """The members' outputs: their predicted classes (hard voting, (n_samples, M)) or
        their class probabilities (soft voting, side by side when ``flatten_transform``)."""
        check_is_fitted(self)
        if self.voting == "soft":
            probabilities = self._collect_probas(X)
            if not self.flatten_transform:
                return probabilities
            return np.hstack(probabilities)
        return self._predict(X)

    def get_feature_names_out(self, input_features=None):
        """Names of ``transform``'s columns: "<class>_<member>" (hard) or
        "<class>_<member><k>" (soft)."""
        check_is_fitted(self, "n_features_in_")
        feature_names_in(self, input_features, generate_names=False)
        if self.voting == "soft" and not self.flatten_transform:
            raise ValueError("get_feature_names_out is not supported when `voting='soft'` and "
                             "`flatten_transform=False`")
        prefix = type(self).__name__.lower()
        if self.voting == "hard":
            return np.asarray([f"{prefix}_{name}" for name in self._active_names()],
                              dtype=object)
        return np.asarray([f"{prefix}_{name}{k}" for name in self._active_names()
                           for k in range(len(self.classes_))], dtype=object)


class VotingRegressor(RegressorMixin, BaseVoting):
    """The (weighted) average of different regressors: ŷ(x) = Σ_m w_m h_m(x) / Σ_m w_m.

    Parameters
    ----------
    estimators : list of (str, regressor) pairs
        The members and their names; a member may be ``"drop"``.
    weights : array-like of shape (n_estimators,), default None
    n_jobs : int or None, default None
    verbose : bool, default False

    Attributes
    ----------
    estimators_ : list of regressors
    named_estimators_ : Bunch
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear import LinearRegression, Ridge
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> y = X @ [1.0, -1.0] + 2
    >>> model = VotingRegressor([("ols", LinearRegression()), ("ridge", Ridge())]).fit(X, y)
    >>> model.predict(X[:1]).round(2)
    array([1.])
    """

    def __init__(self, estimators, *, weights=None, n_jobs=None, verbose=False):
        self.estimators = estimators
        self.weights = weights
        self.n_jobs = n_jobs
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit every member on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        **fit_params
            Passed to every member's ``fit``.

        Returns
        -------
        self
        """
        y = column_or_1d(y, warn=True)
        return self._fit(X, y, sample_weight, **fit_params)

    def predict(self, X):
        """ŷ(x) = Σ_m w_m h_m(x) / Σ_m w_m."""
        check_is_fitted(self)
        return np.average(self._predict(X), axis=1, weights=self._weights_not_none)

    def transform(self, X):
        """Each member's prediction, one column per member."""
        check_is_fitted(self)
        return self._predict(X)

    def get_feature_names_out(self, input_features=None):
        """Names of ``transform``'s columns: "votingregressor_<member>"."""
        check_is_fitted(self, "n_features_in_")
        feature_names_in(self, input_features, generate_names=False)
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}_{name}" for name in self._active_names()], dtype=object)
