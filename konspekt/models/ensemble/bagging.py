"""Bagging (bootstrap aggregating): ``BaggingClassifier`` and ``BaggingRegressor``, with
scikit-learn's parameters, attributes and random draws.

Bagging averages B models, each fitted on its own random sample of the training set:

1. for b = 1 … B: draw a sample S_b of ``max_samples`` rows — with replacement (a bootstrap
   sample) when ``bootstrap``, without otherwise — and a subset F_b of ``max_features``
   columns (drawn with replacement when ``bootstrap_features``); fit h_b on (X[S_b, F_b], y);
2. predict by averaging: a regressor predicts ĥ(x) = (1/B) Σ_b h_b(x); a classifier averages
   the class probabilities p̂(k | x) = (1/B) Σ_b p_b(k | x) (a member without
   ``predict_proba`` counts as a vote for its predicted class) and predicts argmax_k p̂(k | x).

Averaging B models of variance σ² and pairwise correlation ρ leaves the variance
ρσ² + (1 − ρ)σ²/B: bagging helps unstable, low-bias models (deep trees) most.

Out-of-bag estimate (``oob_score``): each sample i is predicted by the members whose bootstrap
sample missed it (about e⁻¹ ≈ 37 % of them), which estimates the generalisation score without
a held-out set.

With ``sample_weight``, the rows are drawn with probabilities proportional to the weights
(scikit-learn ≥ 1.9): the members then see the weights as frequencies.

Reference: L. Breiman, "Bagging predictors", Machine Learning 24 (1996).
"""

import numbers
import warnings

import numpy as np

from ...base import (ClassifierMixin, RegressorMixin, check_classification_targets,
                     check_is_fitted, check_random_state, check_sample_weight, column_or_1d,
                     get_tags, validate_data)
from ...metrics import accuracy_score, r2_score
from .ensemble_base import (MAX_INT, BaseEnsemble, check_parameter, has_fit_parameter,
                            partition_estimators, run_parallel)

__all__ = ["BaggingClassifier", "BaggingRegressor", "n_bootstrap_samples",
           "sample_without_replacement"]


def n_bootstrap_samples(n_samples, max_samples, sample_weight):
    """How many rows a member draws: ``n_samples`` for None, ``max_samples`` for an int, and
    ``max(int(max_samples · W), 1)`` for a fraction, W the total weight (``n_samples`` when
    unweighted), as scikit-learn."""
    if max_samples is None:
        return n_samples
    if isinstance(max_samples, numbers.Integral):
        return max_samples
    total = n_samples if sample_weight is None else sample_weight.sum()
    drawn = max(int(max_samples * total), 1)
    if drawn < max(10, n_samples ** (1 / 3)):
        described = f"the number of samples is {total} " if sample_weight is None else \
            f"the total sum of sample weights is {total} "
        warnings.warn(f"Using the fractional value max_samples={max_samples} when "
                      f"{described}results in a low number ({drawn}) of bootstrap samples. "
                      "We recommend passing `max_samples` as an integer instead.")
    return drawn


def sample_without_replacement(n_population, n_samples, rng):
    """``n_samples`` distinct integers of 0 … n_population − 1, drawn from ``rng`` with the same
    draws as scikit-learn's ``sample_without_replacement`` (method "auto"): a permutation for
    moderate fractions, rejection of repeats for tiny ones (≤ 1 %), and reservoir sampling
    (Algorithm R) for nearly all (≥ 99 %)."""
    ratio = n_samples / n_population if n_population else 1.0
    if 0.01 < ratio < 0.99:
        return rng.permutation(n_population)[:n_samples]
    out = np.empty(n_samples, dtype=int)
    if ratio < 0.2:
        chosen = set()
        for i in range(n_samples):
            j = rng.randint(n_population)
            while j in chosen:
                j = rng.randint(n_population)
            chosen.add(j)
            out[i] = j
        return out
    out[:] = np.arange(n_samples)
    for i in range(n_samples, n_population):
        j = rng.randint(0, i + 1)
        if j < n_samples:
            out[j] = i
    return out


def _draw(rng, with_replacement, n_population, n_drawn):
    if with_replacement:
        return rng.randint(0, n_population, n_drawn)
    return sample_without_replacement(n_population, n_drawn, rng)


def bagging_indices(seed, bootstrap_features, bootstrap, n_features, n_samples, max_features,
                    max_samples, sample_weight):
    """The columns and rows of one member, drawn from ``RandomState(seed)``: the columns
    first, then the rows (by the normalised weights when ``sample_weight`` is given)."""
    rng = check_random_state(seed)
    features = _draw(rng, bootstrap_features, n_features, max_features)
    if sample_weight is None:
        samples = _draw(rng, bootstrap, n_samples, max_samples)
    else:
        samples = rng.choice(n_samples, max_samples, replace=bootstrap,
                             p=sample_weight / np.sum(sample_weight))
    return features, samples


def _fit_members(ensemble, X, y, sample_weight, seeds):
    """Fit one member per seed (one batch of the parallel fit)."""
    n_samples, n_features = X.shape
    takes_weights = has_fit_parameter(ensemble.estimator_, "sample_weight")
    members, member_features = [], []
    for seed in seeds:
        member = ensemble._make_estimator(append=False, random_state=seed)
        features, samples = bagging_indices(
            seed, ensemble.bootstrap_features, ensemble.bootstrap, n_features, n_samples,
            ensemble._max_features, ensemble._max_samples, sample_weight)
        all_columns = not ensemble.bootstrap_features and ensemble._max_features == n_features
        if takes_weights:
            # The draw as integer weights (counts): cheaper than copying the rows.
            X_member = X if all_columns else X[:, features]
            member.fit(X_member, y, sample_weight=np.bincount(samples, minlength=n_samples))
        else:
            X_member = X[samples] if all_columns else X[samples][:, features]
            member.fit(X_member, y[samples])
        members.append(member)
        member_features.append(features)
    return members, member_features


class BaseBagging(BaseEnsemble):
    """The fitting, drawing and out-of-bag machinery shared by the two bagging estimators."""

    def __init__(self, estimator=None, n_estimators=10, *, max_samples=None, max_features=1.0,
                 bootstrap=True, bootstrap_features=False, oob_score=False, warm_start=False,
                 n_jobs=None, random_state=None, verbose=0):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.bootstrap_features = bootstrap_features
        self.oob_score = oob_score
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _check_parameters(self):
        check_parameter(self, "n_estimators", "int", 1)
        if not isinstance(self.max_samples, numbers.Integral):
            check_parameter(self, "max_samples", "float", 0, 1, closed="right", options=(None,))
        else:
            check_parameter(self, "max_samples", "int", 1)
        if isinstance(self.max_features, numbers.Integral):
            check_parameter(self, "max_features", "int", 1)
        else:
            check_parameter(self, "max_features", "float", 0, 1, closed="right")

    def fit(self, X, y, sample_weight=None):
        """Fit ``n_estimators`` members, each on its own random rows and columns.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Probabilities (after normalisation) with which the rows are drawn.

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], dtype=None,
                             ensure_all_finite=False, multi_output=True)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
            if not self.bootstrap:
                warnings.warn(f"When fitting {type(self).__name__} with sample_weight it is "
                              f"recommended to use bootstrap=True, got {self.bootstrap}.")
        self._check_parameters()
        rng = check_random_state(self.random_state)
        n_samples = X.shape[0]
        self._n_samples = n_samples
        y = self._validate_y(y)
        self._validate_estimator()
        max_samples = n_bootstrap_samples(n_samples, self.max_samples, sample_weight)
        if not self.bootstrap and max_samples > n_samples:
            raise ValueError(f"Effective max_samples={max_samples} must be <= "
                             f"n_samples={n_samples} to be able to sample without "
                             "replacement.")
        self._max_samples = max_samples
        if isinstance(self.max_features, numbers.Integral):
            max_features = self.max_features
        else:
            max_features = int(self.max_features * self.n_features_in_)
        if max_features > self.n_features_in_:
            raise ValueError("max_features must be <= n_features")
        self._max_features = max(1, int(max_features))
        self._sample_weight = sample_weight
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if self.warm_start and self.oob_score:
            raise ValueError("Out of bag estimate only available if warm_start=False")
        if hasattr(self, "oob_score_") and self.warm_start:
            del self.oob_score_
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_ = []
            self.estimators_features_ = []
            self._seeds = np.empty(0, dtype=int)
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                             f"len(estimators_)={len(self.estimators_)} when "
                             "warm_start==True")
        if n_more == 0:
            warnings.warn("Warm-start fitting without increasing n_estimators does not fit "
                          "new trees.")
            return self
        if self.warm_start and len(self.estimators_) > 0:
            # Skip the seeds of the members already there, so that growing the ensemble in
            # steps gives the same members as fitting it at once.
            rng.randint(MAX_INT, size=len(self.estimators_))
        seeds = rng.randint(MAX_INT, size=n_more)
        n_batches, _, starts = partition_estimators(n_more, self.n_jobs)
        # Threads: the members' heavy work (BLAS, compiled tree kernels) releases the GIL, and
        # threads need not copy X nor start interpreters.
        batches = run_parallel(_fit_members,
                               [(self, X, y, sample_weight, seeds[starts[i]:starts[i + 1]])
                                for i in range(n_batches)], self.n_jobs, prefer="threads")
        for members, member_features in batches:
            self.estimators_ += members
            self.estimators_features_ += member_features
        self._seeds = np.concatenate([self._seeds, seeds])
        if self.oob_score:
            self._set_oob_score(X, y)
        return self

    def _member_indices(self):
        for seed in self._seeds:
            yield bagging_indices(seed, self.bootstrap_features, self.bootstrap,
                                  self.n_features_in_, self._n_samples, self._max_features,
                                  self._max_samples, self._sample_weight)

    @property
    def estimators_samples_(self):
        """The rows drawn for each member (with repeats when bootstrapping)."""
        return [samples for _, samples in self._member_indices()]

    def _out_of_bag_masks(self):
        for samples in self.estimators_samples_:
            mask = np.ones(self._n_samples, dtype=bool)
            mask[samples] = False
            yield mask

    def _check_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, accept_sparse=["csr", "csc"], dtype=None,
                             ensure_all_finite=False, reset=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        member_tags = get_tags(self._template())
        tags.input_tags.sparse = member_tags.input_tags.sparse
        tags.input_tags.allow_nan = member_tags.input_tags.allow_nan
        return tags


def _default_tree(kind):
    from ..tree import DecisionTreeClassifier, DecisionTreeRegressor
    return DecisionTreeClassifier() if kind == "classifier" else DecisionTreeRegressor()


def _sum_probabilities(members, member_features, X, n_classes):
    """Σ_b p_b(k | x) over one batch of members (a vote of 1 for a member without
    predict_proba)."""
    total = np.zeros((X.shape[0], n_classes))
    for member, features in zip(members, member_features):
        if hasattr(member, "predict_proba"):
            proba = member.predict_proba(X[:, features])
            if n_classes == len(member.classes_):
                total += proba
            else:
                total[:, member.classes_] += proba
        else:
            predicted = member.predict(X[:, features])
            total[np.arange(X.shape[0]), predicted] += 1
    return total


class BaggingClassifier(ClassifierMixin, BaseBagging):
    """A bagging classifier: the average of the class probabilities of ``n_estimators``
    members, each fitted on its own random rows and columns (see the module docstring for
    the steps).

    Parameters
    ----------
    estimator : classifier, default None
        The member; None means ``DecisionTreeClassifier()``.
    n_estimators : int, default 10
    max_samples : int, float or None, default None
        Rows per member: all (None), that many (int), or that fraction (float).
    max_features : int or float, default 1.0
        Columns per member: that many (int) or that fraction (float).
    bootstrap : bool, default True
        Draw the rows with replacement.
    bootstrap_features : bool, default False
        Draw the columns with replacement.
    oob_score : bool, default False
        Estimate the accuracy on the out-of-bag samples.
    warm_start : bool, default False
        Keep the fitted members and add new ones up to ``n_estimators``.
    n_jobs : int or None, default None
        Workers for fit and predict (joblib).
    random_state : int, RandomState or None
    verbose : int, default 0

    Attributes
    ----------
    estimator_ : classifier
    estimators_ : list of classifiers
    estimators_samples_ : list of arrays
    estimators_features_ : list of arrays
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    oob_score_ : float
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> from konspekt.models.linear import LogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> model = BaggingClassifier(LogisticRegression(max_iter=500), n_estimators=5,
    ...                           random_state=0).fit(X, y)
    >>> model.score(X, y) > 0.9
    True
    """

    def _default_estimator(self):
        return _default_tree("classifier")

    def _validate_y(self, y):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        return encoded

    def _set_oob_score(self, X, y):
        n_samples = y.shape[0]
        totals = np.zeros((n_samples, self.n_classes_))
        for member, features, mask in zip(self.estimators_, self.estimators_features_,
                                          self._out_of_bag_masks()):
            totals[mask] += _sum_probabilities([member], [features], X[mask],
                                               self.n_classes_)
        if (totals.sum(axis=1) == 0).any():
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "estimators were used to compute any reliable oob estimates.")
        with np.errstate(invalid="ignore", divide="ignore"):
            self.oob_decision_function_ = totals / totals.sum(axis=1)[:, np.newaxis]
        self.oob_score_ = accuracy_score(y, np.argmax(totals, axis=1))

    def predict_proba(self, X):
        """p̂(k | x) = (1/B) Σ_b p_b(k | x), columns in the order of ``classes_``."""
        X = self._check_X_predict(X)
        n_batches, _, starts = partition_estimators(len(self.estimators_), self.n_jobs)
        sums = run_parallel(_sum_probabilities,
                            [(self.estimators_[starts[i]:starts[i + 1]],
                              self.estimators_features_[starts[i]:starts[i + 1]], X,
                              self.n_classes_) for i in range(n_batches)], self.n_jobs,
                            prefer="threads")
        return sum(sums) / self.n_estimators

    def predict(self, X):
        """The class of highest averaged probability."""
        proba = self.predict_proba(X)
        return self.classes_.take(np.argmax(proba, axis=1), axis=0)

    def predict_log_proba(self, X):
        """log p̂(k | x), by log-sum-exp of the members' log-probabilities when they have them."""
        check_is_fitted(self)
        if not hasattr(self.estimators_[0], "predict_log_proba"):
            return np.log(self.predict_proba(X))
        X = self._check_X_predict(X)
        log_total = np.full((X.shape[0], self.n_classes_), -np.inf)
        for member, features in zip(self.estimators_, self.estimators_features_):
            member_log = member.predict_log_proba(X[:, features])
            if len(member.classes_) == self.n_classes_:
                log_total = np.logaddexp(log_total, member_log)
            else:
                log_total[:, member.classes_] = np.logaddexp(log_total[:, member.classes_],
                                                             member_log)
        return log_total - np.log(self.n_estimators)

    @property
    def decision_function(self):
        """(1/B) Σ_b f_b(x), for members that have ``decision_function``."""
        if not hasattr(self._template(), "decision_function"):
            raise AttributeError(f"This '{type(self).__name__}' has no attribute "
                                 "'decision_function'")
        return self._decision_function

    def _decision_function(self, X):
        X = self._check_X_predict(X)
        total = sum(member.decision_function(X[:, features])
                    for member, features in zip(self.estimators_, self.estimators_features_))
        return total / self.n_estimators


class BaggingRegressor(RegressorMixin, BaseBagging):
    """A bagging regressor: ĥ(x) = (1/B) Σ_b h_b(x), each member fitted on its own random rows
    and columns (see the module docstring for the steps).

    Parameters
    ----------
    estimator : regressor, default None
        The member; None means ``DecisionTreeRegressor()``.
    n_estimators, max_samples, max_features, bootstrap, bootstrap_features, oob_score,
    warm_start, n_jobs, random_state, verbose
        As in ``BaggingClassifier``.

    Attributes
    ----------
    estimator_, estimators_, estimators_samples_, estimators_features_
    oob_score_ : float
        R² of the out-of-bag predictions.
    oob_prediction_ : ndarray of shape (n_samples,)
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear import Ridge
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> y = X @ [1.0, 2.0]
    >>> model = BaggingRegressor(Ridge(alpha=1e-6), n_estimators=3, random_state=0).fit(X, y)
    >>> bool(np.allclose(model.predict(X), y))
    True
    """

    def _default_estimator(self):
        return _default_tree("regressor")

    def _validate_y(self, y):
        return column_or_1d(y, warn=True)

    def _set_oob_score(self, X, y):
        n_samples = y.shape[0]
        totals = np.zeros(n_samples)
        counts = np.zeros(n_samples)
        for member, features, mask in zip(self.estimators_, self.estimators_features_,
                                          self._out_of_bag_masks()):
            totals[mask] += member.predict(X[mask][:, features])
            counts[mask] += 1
        if (counts == 0).any():
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "estimators were used to compute any reliable oob estimates.")
            counts[counts == 0] = 1
        self.oob_prediction_ = totals / counts
        self.oob_score_ = r2_score(y, self.oob_prediction_)

    def predict(self, X):
        """ĥ(x) = (1/B) Σ_b h_b(x)."""
        X = self._check_X_predict(X)
        n_batches, _, starts = partition_estimators(len(self.estimators_), self.n_jobs)
        sums = run_parallel(_sum_predictions,
                            [(self.estimators_[starts[i]:starts[i + 1]],
                              self.estimators_features_[starts[i]:starts[i + 1]], X)
                             for i in range(n_batches)], self.n_jobs, prefer="threads")
        return sum(sums) / self.n_estimators


def _sum_predictions(members, member_features, X):
    return sum(member.predict(X[:, features])
               for member, features in zip(members, member_features))
