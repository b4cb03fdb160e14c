"""Forests of decision trees: ``RandomForestClassifier`` / ``RandomForestRegressor`` and
``ExtraTreesClassifier`` / ``ExtraTreesRegressor``, with scikit-learn's parameters, attributes
and random draws.

A random forest is bagging of decision trees with one more source of randomness, which
decorrelates the trees (and so lowers the variance ρσ² + (1 − ρ)σ²/B of their average):

1. for b = 1 … B: draw a bootstrap sample S_b of the N training rows (``max_samples`` of
   them, with replacement; all rows when ``bootstrap=False``); grow a tree T_b on it, choosing
   each split among ``max_features`` features drawn afresh at every node (√d for a
   classifier, all d for a regressor by default);
2. predict by averaging: p̂(k | x) = (1/B) Σ_b p_b(k | x) and ŷ = argmax_k p̂(k | x) for
   classification, ŷ(x) = (1/B) Σ_b T_b(x) for regression.

Extremely randomised trees (extra trees) go one step further: each candidate feature gets a
single threshold drawn uniformly between its minimum and maximum in the node, the best of
these random splits is kept, and by default each tree sees all rows (no bootstrap).

Out-of-bag estimate (``oob_score``): sample i is predicted by the trees whose bootstrap
sample missed it; the score of these predictions estimates the generalisation score.

Feature importances: the mean over the trees of each tree's normalised impurity decrease,
renormalised to sum 1.

Each tree gets its own seed ``rng.randint(2³¹ − 1)`` and its bootstrap rows are
``RandomState(seed).randint(0, N, n)``, as in scikit-learn: with trees that split as
scikit-learn's, the same ``random_state`` gives the same forest.

References: L. Breiman, "Random forests", Machine Learning 45 (2001); P. Geurts, D. Ernst,
L. Wehenkel, "Extremely randomized trees", Machine Learning 63 (2006).
"""

import numbers
import threading
import warnings

import numpy as np
import scipy.sparse as sp

from ...base import (ClassifierMixin, DataConversionWarning, RegressorMixin,
                     check_classification_targets, check_is_fitted, check_random_state,
                     check_sample_weight, validate_data)
from ...base.exceptions import compatible
from ...metrics import accuracy_score, r2_score
from ..linear.logistic import compute_class_weight
from ..tree import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                    ExtraTreeRegressor)
from .bagging import n_bootstrap_samples
from .ensemble_base import MAX_INT, BaseEnsemble, check_parameter, run_parallel

__all__ = ["RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier",
           "ExtraTreesRegressor"]


def bootstrap_indices(seed, n_samples, n_drawn, sample_weight):
    """The rows of one tree's bootstrap sample, drawn from ``RandomState(seed)``: uniformly,
    or with probabilities proportional to ``sample_weight``."""
    rng = check_random_state(seed)
    if sample_weight is None:
        indices = rng.randint(0, n_samples, n_drawn)
    else:
        indices = rng.choice(n_samples, n_drawn, replace=True,
                             p=sample_weight / np.sum(sample_weight))
    return indices.astype(np.int32)


def balanced_subsample_weights(y, indices):
    """"balanced" class weights computed on the drawn rows only: n / (K · n_k) with n, n_k the
    drawn counts and K the classes drawn; a class not drawn gets 0."""
    drawn = y[indices]
    present = np.unique(drawn)
    per_class = compute_class_weight("balanced", present, drawn)
    weights = np.zeros(int(y.max()) + 1)
    weights[present.astype(int)] = per_class
    return weights[y.astype(int)]


def _grow_tree(tree, bootstrap, X, y, sample_weight, class_weight, n_drawn):
    """Fit one tree: on its bootstrap sample, given as integer weights (counts), or on all
    rows."""
    if bootstrap:
        indices = bootstrap_indices(tree.random_state, X.shape[0], n_drawn, sample_weight)
        counts = np.bincount(indices, minlength=X.shape[0]).astype(np.float64)
        if class_weight == "balanced_subsample":
            counts *= balanced_subsample_weights(y, indices)
        tree.fit(X, y, sample_weight=counts)
    else:
        tree.fit(X, y, sample_weight=sample_weight)
    return tree


class BaseForest(BaseEnsemble):
    """Fitting, out-of-bag scoring and importances shared by the four forests."""

    estimator_params = ("criterion", "max_depth", "min_samples_split", "min_samples_leaf",
                        "min_weight_fraction_leaf", "max_features", "max_leaf_nodes",
                        "min_impurity_decrease", "random_state", "ccp_alpha")

    def __init__(self, n_estimators=100, *, criterion, max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features,
                 max_leaf_nodes=None, min_impurity_decrease=0.0, bootstrap, oob_score=False,
                 n_jobs=None, random_state=None, verbose=0, warm_start=False,
                 ccp_alpha=0.0, max_samples=None):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples

    # The forests have no ``estimator`` parameter: their member is always their tree class.
    estimator = None

    def _default_estimator(self):
        return self._tree_class()

    def _check_parameters(self):
        check_parameter(self, "n_estimators", "int", 1)
        if isinstance(self.max_samples, numbers.Integral):
            check_parameter(self, "max_samples", "int", 1)
        else:
            check_parameter(self, "max_samples", "float", 0, 1, closed="right",
                            options=(None,))

    def fit(self, X, y, sample_weight=None):
        """Grow ``n_estimators`` trees (more, with ``warm_start``, up to that number).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Converted to float32, as the trees compare in float32.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            With ``bootstrap``, the probabilities with which the rows are drawn; otherwise
            the trees' sample weights.

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, multi_output=True, dtype=np.float32)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        y = np.atleast_1d(y)
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn("A column-vector y was passed when a 1d array was expected. Please "
                          "change the shape of y to (n_samples,), for example using ravel().",
                          compatible(DataConversionWarning), stacklevel=2)
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"{type(self).__name__} supports a single output: y must be 1-D "
                             f"(or one column); got y of shape {y.shape}.")
        self._check_parameters()
        if self.criterion == "poisson":
            if np.any(y < 0):
                raise ValueError("Some value(s) of y are negative which is not allowed for "
                                 "Poisson regression.")
            if np.sum(y) <= 0:
                raise ValueError("Sum of y is not strictly positive which is necessary for "
                                 "Poisson regression.")
        self._n_samples = X.shape[0]
        self.n_outputs_ = 1
        y, class_weights = self._validate_y_class_weight(y, sample_weight)
        y = np.ascontiguousarray(y, dtype=np.float64)
        if sample_weight is None:
            weights = class_weights
        elif class_weights is None:
            weights = sample_weight
        else:
            weights = sample_weight * class_weights
        self._sample_weight = weights
        if not self.bootstrap and self.max_samples is not None:
            raise ValueError("`max_sample` cannot be set if `bootstrap=False`. Either switch "
                             "to `bootstrap=True` or set `max_sample=None`.")
        self._n_samples_bootstrap = n_bootstrap_samples(X.shape[0], self.max_samples,
                                                        weights) if self.bootstrap else None
        self._validate_estimator()
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        rng = check_random_state(self.random_state)
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_ = []
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                             f"len(estimators_)={len(self.estimators_)} when "
                             "warm_start==True")
        if n_more == 0:
            warnings.warn("Warm-start fitting without increasing n_estimators does not fit "
                          "new trees.")
        else:
            if self.warm_start and self.estimators_:
                # Skip the seeds of the trees already grown, as a single fit would draw them.
                rng.randint(MAX_INT, size=len(self.estimators_))
            trees = [self._make_estimator(append=False, random_state=rng)
                     for _ in range(n_more)]
            class_weight = getattr(self, "class_weight", None)
            # Threads: the tree kernels are compiled without the GIL.
            trees = run_parallel(_grow_tree,
                                 [(tree, self.bootstrap, X, y, weights, class_weight,
                                   self._n_samples_bootstrap) for tree in trees],
                                 self.n_jobs, prefer="threads")
            self.estimators_.extend(trees)
        if self.oob_score and (n_more > 0 or not hasattr(self, "oob_score_")):
            self._set_oob_score_and_attributes(X, y, scoring_function=(
                self.oob_score if callable(self.oob_score) else None))
        return self

    def _out_of_bag_average(self, X, n_columns, predict):
        """Each sample's average over the trees that did not draw it of ``predict(tree, X)``
        (n_samples × n_columns)."""
        n_samples = X.shape[0]
        totals = np.zeros((n_samples, n_columns))
        counts = np.zeros(n_samples, dtype=np.int64)
        for tree in self.estimators_:
            drawn = bootstrap_indices(tree.random_state, n_samples, self._n_samples_bootstrap,
                                      self._sample_weight)
            unsampled = np.flatnonzero(np.bincount(drawn, minlength=n_samples) == 0)
            totals[unsampled] += predict(tree, X[unsampled]).reshape(len(unsampled), n_columns)
            counts[unsampled] += 1
        if (counts == 0).any():
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "trees were used to compute any reliable OOB estimates.", UserWarning)
            counts[counts == 0] = 1
        return totals / counts[:, np.newaxis]

    def _check_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float32, reset=False)

    def _sum_over_trees(self, X, method):
        """Σ_b tree_b.method(X), the trees split into ``n_jobs`` threads."""
        total = [0.0]
        lock = threading.Lock()

        def add(tree):
            prediction = getattr(tree, method)(X)
            with lock:
                total[0] = total[0] + prediction

        run_parallel(add, [(tree,) for tree in self.estimators_], self.n_jobs,
                     prefer="threads")
        return total[0]

    def apply(self, X):
        """The leaf each sample reaches in each tree, shape (n_samples, n_estimators)."""
        X = self._check_X_predict(X)
        return np.array([tree.apply(X) for tree in self.estimators_]).T

    def decision_path(self, X):
        """The nodes each sample passes through, all trees side by side.

        Returns
        -------
        indicator : sparse matrix of shape (n_samples, total number of nodes)
        n_nodes_ptr : ndarray of shape (n_estimators + 1,)
            Tree b's columns are ``n_nodes_ptr[b]`` up to ``n_nodes_ptr[b + 1]``.
        """
        X = self._check_X_predict(X)
        paths = [tree.decision_path(X) for tree in self.estimators_]
        n_nodes_ptr = np.cumsum([0] + [path.shape[1] for path in paths])
        return sp.hstack(paths).tocsr(), n_nodes_ptr

    @property
    def feature_importances_(self):
        """The mean of the trees' normalised impurity importances, renormalised to sum 1."""
        check_is_fitted(self)
        importances = [tree.feature_importances_ for tree in self.estimators_
                       if tree.tree_.node_count > 1]
        if not importances:
            return np.zeros(self.n_features_in_, dtype=np.float64)
        mean = np.mean(importances, axis=0, dtype=np.float64)
        return mean / np.sum(mean)

    @property
    def estimators_samples_(self):
        """The rows drawn for each tree (with repeats; all rows without bootstrap)."""
        if not self.bootstrap:
            return [np.arange(self._n_samples, dtype=np.int32) for _ in self.estimators_]
        return [bootstrap_indices(tree.random_state, self._n_samples,
                                  self._n_samples_bootstrap, self._sample_weight)
                for tree in self.estimators_]


class ForestClassifier(ClassifierMixin, BaseForest):
    """Class encoding, class weights and probability averaging of the forest classifiers."""

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=True, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None):
        super().__init__(n_estimators, criterion=criterion, max_depth=max_depth,
                         min_samples_split=min_samples_split,
                         min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         min_impurity_decrease=min_impurity_decrease, bootstrap=bootstrap,
                         oob_score=oob_score, n_jobs=n_jobs, random_state=random_state,
                         verbose=verbose, warm_start=warm_start, ccp_alpha=ccp_alpha,
                         max_samples=max_samples)
        self.class_weight = class_weight

    def _validate_y_class_weight(self, y, sample_weight):
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        if self.class_weight is None:
            return encoded, None
        if isinstance(self.class_weight, dict):
            per_class = compute_class_weight(self.class_weight, self.classes_, y)
            return encoded, per_class[encoded]
        if self.class_weight not in ("balanced", "balanced_subsample"):
            raise ValueError('Valid presets for class_weight include "balanced" and '
                             f'"balanced_subsample".Given "{self.class_weight}".')
        if self.warm_start:
            warnings.warn('class_weight presets "balanced" or "balanced_subsample" are not '
                          "recommended for warm_start if the fitted data differs from the "
                          'full dataset. In order to use "balanced" weights, use '
                          'compute_class_weight ("balanced", classes, y). In place of y you '
                          "can use a large enough sample of the full training set target to "
                          "properly estimate the class frequency distributions. Pass the "
                          "resulting weights as the class_weight parameter.")
        if self.class_weight == "balanced_subsample" and self.bootstrap:
            return encoded, None
        per_class = compute_class_weight("balanced", self.classes_, y, sample_weight)
        return encoded, per_class[encoded]

    def _set_oob_score_and_attributes(self, X, y, scoring_function=None):
        self.oob_decision_function_ = self._out_of_bag_average(
            X, self.n_classes_, lambda tree, rows: tree.predict_proba(rows))
        scoring_function = accuracy_score if scoring_function is None else scoring_function
        self.oob_score_ = scoring_function(y, np.argmax(self.oob_decision_function_, axis=1))

    def predict_proba(self, X):
        """p̂(k | x) = (1/B) Σ_b p_b(k | x), columns in the order of ``classes_``."""
        X = self._check_X_predict(X)
        return self._sum_over_trees(X, "predict_proba") / len(self.estimators_)

    def predict_log_proba(self, X):
        """log p̂(k | x)."""
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """argmax_k p̂(k | x)."""
        proba = self.predict_proba(X)
        return self.classes_.take(np.argmax(proba, axis=1), axis=0)


class ForestRegressor(RegressorMixin, BaseForest):
    """Prediction averaging and out-of-bag R² of the forest regressors."""

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=True, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, ccp_alpha=0.0, max_samples=None):
        super().__init__(n_estimators, criterion=criterion, max_depth=max_depth,
                         min_samples_split=min_samples_split,
                         min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         min_impurity_decrease=min_impurity_decrease, bootstrap=bootstrap,
                         oob_score=oob_score, n_jobs=n_jobs, random_state=random_state,
                         verbose=verbose, warm_start=warm_start, ccp_alpha=ccp_alpha,
                         max_samples=max_samples)

    def _validate_y_class_weight(self, y, sample_weight):
        return y, None

    def _set_oob_score_and_attributes(self, X, y, scoring_function=None):
        self.oob_prediction_ = self._out_of_bag_average(
            X, 1, lambda tree, rows: tree.predict(rows))[:, 0]
        scoring_function = r2_score if scoring_function is None else scoring_function
        self.oob_score_ = scoring_function(y, self.oob_prediction_)

    def predict(self, X):
        """ŷ(x) = (1/B) Σ_b T_b(x)."""
        X = self._check_X_predict(X)
        return self._sum_over_trees(X, "predict") / len(self.estimators_)


_PARAMETERS = """
    Parameters
    ----------
    n_estimators : int, default 100
        B, the number of trees.
    criterion : str, default {criterion!r}
        The trees' split criterion.
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    max_leaf_nodes, min_impurity_decrease, ccp_alpha
        The trees' growth limits (see ``DecisionTree{kind}``).
    max_features : {{"sqrt", "log2", None}}, int or float, default {max_features!r}
        Features drawn at each node among which the split is chosen.
    bootstrap : bool, default {bootstrap}
        Grow each tree on a bootstrap sample (on all rows otherwise).
    oob_score : bool or callable, default False
        Score the out-of-bag predictions (with ``{score}`` or the given
        ``metric(y_true, y_pred)``).
    n_jobs : int or None, default None
        Threads growing and querying the trees (joblib).
    random_state : int, RandomState or None
        Seeds the bootstrap samples and the trees.
    verbose : int, default 0
    warm_start : bool, default False
        Keep the grown trees and add new ones up to ``n_estimators``.{class_weight}
    max_samples : int, float or None, default None
        Rows per bootstrap sample: N (None), that many (int), or that fraction (float).

    Attributes
    ----------
    estimator_ : tree
        The template of the trees.
    estimators_ : list of trees
    estimators_samples_ : list of arrays
        The rows drawn for each tree.
    feature_importances_ : ndarray of shape (n_features,)
    n_features_in_, feature_names_in_, n_outputs_
    oob_score_ : float{attributes}
"""

_CLASS_WEIGHT = """
    class_weight : {"balanced", "balanced_subsample"}, dict or None, default None
        Class weights multiplying the sample weights; "balanced_subsample" computes
        "balanced" weights on each tree's bootstrap sample."""

_CLASSIFIER_ATTRIBUTES = """
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int"""

_REGRESSOR_ATTRIBUTES = """
    oob_prediction_ : ndarray of shape (n_samples,)"""


def _document(cls, kind, criterion, max_features, bootstrap):
    classifier = kind == "Classifier"
    sections = _PARAMETERS.format(
        criterion=criterion, kind=kind, max_features=max_features, bootstrap=bootstrap,
        score="accuracy_score" if classifier else "r2_score",
        class_weight=_CLASS_WEIGHT if classifier else "",
        attributes=_CLASSIFIER_ATTRIBUTES if classifier else _REGRESSOR_ATTRIBUTES)
    # The shared Parameters and Attributes sections go before the class's own Examples.
    cls.__doc__ = cls.__doc__.replace("\n    Examples\n", sections + "\n    Examples\n", 1)
    return cls


class RandomForestClassifier(ForestClassifier):
    """A random forest of ``DecisionTreeClassifier`` s: bootstrap samples, √d features drawn
    at each node, class probabilities averaged (see the module docstring for the steps).

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y).score(X, y) > 0.95
    True
    """

    _tree_class = DecisionTreeClassifier


class RandomForestRegressor(ForestRegressor):
    """A random forest of ``DecisionTreeRegressor`` s: bootstrap samples, predictions
    averaged (see the module docstring for the steps).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(100.0).reshape(50, 2)
    >>> y = X[:, 0] ** 2
    >>> RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y).score(X, y) > 0.95
    True
    """

    _tree_class = DecisionTreeRegressor


class ExtraTreesClassifier(ForestClassifier):
    """Extremely randomised trees for classification: ``ExtraTreeClassifier`` s (one random
    threshold per candidate feature) grown on all rows, probabilities averaged.

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> ExtraTreesClassifier(n_estimators=10, random_state=0).fit(X, y).score(X, y) > 0.95
    True
    """

    _tree_class = ExtraTreeClassifier

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=False, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None):
        super().__init__(n_estimators, criterion=criterion, max_depth=max_depth,
                         min_samples_split=min_samples_split,
                         min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         min_impurity_decrease=min_impurity_decrease, bootstrap=bootstrap,
                         oob_score=oob_score, n_jobs=n_jobs, random_state=random_state,
                         verbose=verbose, warm_start=warm_start, class_weight=class_weight,
                         ccp_alpha=ccp_alpha, max_samples=max_samples)


class ExtraTreesRegressor(ForestRegressor):
    """Extremely randomised trees for regression: ``ExtraTreeRegressor`` s grown on all rows,
    predictions averaged.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(100.0).reshape(50, 2)
    >>> y = X[:, 0] ** 2
    >>> ExtraTreesRegressor(n_estimators=10, random_state=0).fit(X, y).score(X, y) > 0.95
    True
    """

    _tree_class = ExtraTreeRegressor

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=False, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, ccp_alpha=0.0, max_samples=None):
        super().__init__(n_estimators, criterion=criterion, max_depth=max_depth,
                         min_samples_split=min_samples_split,
                         min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         min_impurity_decrease=min_impurity_decrease, bootstrap=bootstrap,
                         oob_score=oob_score, n_jobs=n_jobs, random_state=random_state,
                         verbose=verbose, warm_start=warm_start, ccp_alpha=ccp_alpha,
                         max_samples=max_samples)


for _cls, _kind, _criterion, _max_features, _bootstrap in [
        (RandomForestClassifier, "Classifier", "gini", "sqrt", True),
        (RandomForestRegressor, "Regressor", "squared_error", 1.0, True),
        (ExtraTreesClassifier, "Classifier", "gini", "sqrt", False),
        (ExtraTreesRegressor, "Regressor", "squared_error", 1.0, False)]:
    _document(_cls, _kind, _criterion, _max_features, _bootstrap)
