"""Gradient boosting of regression trees: ``GradientBoostingClassifier`` and
``GradientBoostingRegressor``, with scikit-learn's parameters, attributes and results.

Gradient boosting builds an additive model f(x) = f₀ + α Σ_{t=1}^T b_t(x) stage by stage: each
new regression tree b_t approximates the negative gradient of the loss at the current
predictions, so that adding it (scaled by the learning rate α) takes one step of gradient descent
in function space:

1. f₀ = the best constant (the log-odds log(N₁/N₀) for the binary log-loss, the mean for the
   squared error, the median for the absolute error …);
2. for t = 1 … T:

   a. the pseudo-residuals rᵢ = −∂L(yᵢ, f(xᵢ))/∂f (for the log-loss: rᵢ = yᵢ − σ(fᵢ));
   b. fit a regression tree b_t to (xᵢ, rᵢ) by least squares;
   c. give each leaf R_j its line-search value γ_j ≈ argmin_γ Σ_{i∈R_j} wᵢ L(yᵢ, fᵢ + γ)
      (one Newton step for the log-loss, the median for the absolute error …, see
      :mod:`konspekt.models.ensemble.boosting_losses`);
   d. fᵢ ← fᵢ + α b_t(xᵢ).

With ``subsample`` < 1 each tree sees a random fraction of the samples (stochastic gradient
boosting) and the left-out ones give the out-of-bag estimates. With ``n_iter_no_change`` a
fraction ``validation_fraction`` of the data is held out and boosting stops once the loss there
has not improved by ``tol`` for that many stages.

References: J. H. Friedman, "Greedy function approximation: a gradient boosting machine",
Annals of Statistics 29 (2001); "Stochastic gradient boosting", Computational Statistics & Data
Analysis 38 (2002).
"""

import numbers
import time

import numpy as np

from ...base import (BaseEstimator, ClassifierMixin, RegressorMixin, check_classification_targets,
                     check_is_fitted, check_random_state, check_sample_weight, clone,
                     column_or_1d, validate_data)
from ...base.constraints import (BOOLEAN, NONE, RANDOM_STATE, check_params, interval, methods,
                                  options)
from ...model_selection import train_test_split
from ...utils.accel import njit
from ..tree import DecisionTreeRegressor
from .boosting_losses import (AbsoluteError, BinomialLogLoss, ExponentialLoss, HuberLoss,
                              MultinomialLogLoss, QuantileLoss, SquaredError)

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]


@njit
def random_sample_mask(uniforms, n_in_bag):
    """Selection sampling (Knuth's algorithm S): sample i joins the bag when
    uᵢ · (n − i) < (places left), which gives exactly ``n_in_bag`` samples, each subset equally
    likely — the same draws as scikit-learn for the same uniforms."""
    n_samples = uniforms.shape[0]
    mask = np.zeros(n_samples, dtype=np.bool_)
    n_bagged = 0
    for i in range(n_samples):
        if uniforms[i] * (n_samples - i) < n_in_bag - n_bagged:
            mask[i] = True
            n_bagged += 1
    return mask


_TREE_AND_STAGE_CONSTRAINTS = {
    "learning_rate": [interval("float", 0.0, None, "left")],
    "n_estimators": [interval("int", 1, None, "left")],
    "subsample": [interval("float", 0.0, 1.0, "right")],
    "criterion": [options("friedman_mse", "squared_error")],
    "min_samples_split": [interval("int", 2, None, "left"),
                          interval("fraction", 0.0, 1.0, "right")],
    "min_samples_leaf": [interval("int", 1, None, "left"),
                         interval("fraction", 0.0, 1.0, "neither")],
    "min_weight_fraction_leaf": [interval("float", 0.0, 0.5, "both")],
    "max_depth": [interval("int", 1, None, "left"), NONE],
    "min_impurity_decrease": [interval("float", 0.0, None, "left")],
    "random_state": [RANDOM_STATE],
    "max_features": [interval("int", 1, None, "left"), interval("fraction", 0.0, 1.0, "right"),
                     options("sqrt", "log2"), NONE],
    "verbose": [interval("int", 0, None, "left"), BOOLEAN],
    "max_leaf_nodes": [interval("int", 2, None, "left"), NONE],
    "warm_start": [BOOLEAN],
    "validation_fraction": [interval("float", 0.0, 1.0, "neither")],
    "n_iter_no_change": [interval("int", 1, None, "left"), NONE],
    "tol": [interval("float", 0.0, None, "left")],
    "ccp_alpha": [interval("float", 0.0, None, "left")],
    "line_search": [BOOLEAN],
}


# ---- the boosting procedure shared by both estimators -------------------------------------------

class BaseGradientBoosting(BaseEstimator):
    """The stage-wise fit, the staged predictions and the attributes common to the classifier
    and the regressor; the subclasses choose the loss and encode y."""

    def _validate_params(self):
        constraints = dict(_TREE_AND_STAGE_CONSTRAINTS)
        constraints.update(self._own_constraints())
        check_params(self, constraints)

    def _clear_state(self):
        for name in ("estimators_", "train_score_", "oob_improvement_", "oob_scores_",
                     "oob_score_", "init_", "_rng", "n_estimators_"):
            if hasattr(self, name):
                delattr(self, name)

    def _is_fitted(self):
        return len(getattr(self, "estimators_", [])) > 0

    def _set_max_features(self):
        n_features = self.n_features_in_
        if self.max_features == "sqrt":
            self.max_features_ = max(1, int(np.sqrt(n_features)))
        elif self.max_features == "log2":
            self.max_features_ = max(1, int(np.log2(n_features)))
        elif self.max_features is None:
            self.max_features_ = n_features
        elif isinstance(self.max_features, numbers.Integral):
            self.max_features_ = self.max_features
        else:
            self.max_features_ = max(1, int(self.max_features * n_features))

    def _init_state(self):
        K = self.n_trees_per_iteration_
        if self.init is None:
            self.init_ = self._loss.initial_estimator()
        elif isinstance(self.init, str):
            self.init_ = self.init
        else:
            self.init_ = clone(self.init)
        self.estimators_ = np.empty((self.n_estimators, K), dtype=object)
        self.train_score_ = np.zeros(self.n_estimators)
        if self.subsample < 1.0:
            self.oob_improvement_ = np.zeros(self.n_estimators)
            self.oob_scores_ = np.zeros(self.n_estimators)
            self.oob_score_ = np.nan

    def _resize_state(self):
        n_stages = self.n_estimators
        self.estimators_ = np.resize(self.estimators_, (n_stages, self.n_trees_per_iteration_))
        self.train_score_ = np.resize(self.train_score_, n_stages)
        if self.subsample < 1.0 or hasattr(self, "oob_improvement_"):
            if hasattr(self, "oob_improvement_"):
                self.oob_improvement_ = np.resize(self.oob_improvement_, n_stages)
                self.oob_scores_ = np.resize(self.oob_scores_, n_stages)
            else:
                self.oob_improvement_ = np.zeros(n_stages)
                self.oob_scores_ = np.zeros(n_stages)
            self.oob_score_ = np.nan

    def _fit_initial_estimator(self, X, y, sample_weight, weights_given):
        if not weights_given:
            self.init_.fit(X, y)
            return
        try:
            self.init_.fit(X, y, sample_weight=sample_weight)
        except TypeError as error:
            if "unexpected keyword argument 'sample_weight'" in str(error):
                raise ValueError(f"The initial estimator {type(self.init_).__name__} does not "
                                 "support sample weights.") from error
            raise

    def _initial_raw(self, X):
        """f₀ for every row of X, shape (n_samples, K)."""
        if isinstance(self.init_, str):  # "zero"
            return np.zeros((X.shape[0], self.n_trees_per_iteration_))
        if self._loss.is_classification:
            return self._loss.link(self.init_.predict_proba(X))
        return self._loss.link(self.init_.predict(X))

    def fit(self, X, y, sample_weight=None, monitor=None):
        """Fit the boosted trees, stage by stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Converted to float32, as the trees compare thresholds in float32.
        y : array-like of shape (n_samples,)
            Class labels (classification) or real targets (regression).
        sample_weight : array-like of shape (n_samples,), default=None
        monitor : callable, default=None
            Called after each stage as ``monitor(i, self, locals())``; returning True stops
            the boosting there.

        Returns
        -------
        self : object
        """
        self._validate_params()
        if not self.warm_start:
            self._clear_state()
        X, y = self._validate_training_data(X, y)
        weights_given = sample_weight is not None
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        y = self._encode_y(y, sample_weight if weights_given else None)
        self._set_max_features()
        self._loss = self._make_loss()

        if self.n_iter_no_change is not None:
            stratify = y if self._loss.is_classification else None
            X, X_val, y, y_val, sample_weight, weight_val = train_test_split(
                X, y, sample_weight, random_state=self.random_state,
                test_size=self.validation_fraction, stratify=stratify)
            if stratify is not None and len(np.unique(y)) != self.n_classes_:
                raise ValueError("The training data after the early stopping split is missing "
                                 "some classes. Try using another random seed.")
            validation = (X_val, y_val, weight_val)
        else:
            validation = None

        if not self._is_fitted():
            self._init_state()
            if not isinstance(self.init_, str):
                self._fit_initial_estimator(X, y, sample_weight, weights_given)
            raw = self._initial_raw(X)
            begin = 0
            # One generator for the whole fit, kept across warm starts as scikit-learn keeps it.
            self._rng = check_random_state(self.random_state)
        else:
            if self.n_estimators < self.estimators_.shape[0]:
                raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                                 f"estimators_.shape[0]={self.estimators_.shape[0]} when "
                                 "warm_start==True")
            begin = self.estimators_.shape[0]
            raw = self._raw_predict(X)
            self._resize_state()

        n_stages = self._fit_stages(X, y, raw, sample_weight, validation, begin, monitor)
        if n_stages != self.estimators_.shape[0]:
            self.estimators_ = self.estimators_[:n_stages]
            self.train_score_ = self.train_score_[:n_stages]
            if hasattr(self, "oob_improvement_"):
                self.oob_improvement_ = self.oob_improvement_[:n_stages]
                self.oob_scores_ = self.oob_scores_[:n_stages]
                self.oob_score_ = self.oob_scores_[-1]
        self.n_estimators_ = n_stages
        return self

    def _fit_stages(self, X, y, raw, sample_weight, validation, begin, monitor):
        """Boost from stage ``begin`` on; return the number of stages the model holds."""
        loss = self._loss
        n_samples = X.shape[0]
        do_oob = self.subsample < 1.0
        n_in_bag = max(1, int(self.subsample * n_samples))
        in_bag = None
        if validation is not None:
            X_val, y_val, weight_val = validation
            raw_val = self._raw_predict(X_val) if begin else self._initial_raw(X_val)
            history = np.full(self.n_iter_no_change, np.inf)
        if self.verbose:
            print(f"{'Iter':>10} {'Train Loss':>16} {'Remaining Time':>16}")
            start = time.time()
        stage = begin
        for stage in range(begin, self.n_estimators):
            if do_oob:
                in_bag = random_sample_mask(self._rng.uniform(size=n_samples), n_in_bag)
                if stage == 0:
                    initial_oob_loss = loss(y[~in_bag], raw[~in_bag], sample_weight[~in_bag])
            raw = self._fit_stage(stage, X, y, raw, sample_weight, in_bag)
            if do_oob:
                self.train_score_[stage] = loss(y[in_bag], raw[in_bag], sample_weight[in_bag])
                self.oob_scores_[stage] = loss(y[~in_bag], raw[~in_bag],
                                               sample_weight[~in_bag])
                previous = initial_oob_loss if stage == 0 else self.oob_scores_[stage - 1]
                self.oob_improvement_[stage] = previous - self.oob_scores_[stage]
                self.oob_score_ = self.oob_scores_[stage]
            else:
                self.train_score_[stage] = loss(y, raw, sample_weight)
            if self.verbose:
                remaining = ((self.n_estimators - stage - 1) * (time.time() - start)
                             / (stage - begin + 1))
                print(f"{stage + 1:>10d} {self.train_score_[stage]:>16.4f} "
                      f"{remaining:>15.2f}s")
            if monitor is not None and monitor(stage, self, locals()):
                break
            if validation is not None:
                self._add_stage(raw_val, X_val, stage)
                validation_loss = loss(y_val, raw_val, weight_val)
                # Continue while the loss beats one of the last n_iter_no_change losses by tol.
                if np.any(validation_loss + self.tol < history):
                    history[stage % len(history)] = validation_loss
                else:
                    break
        return stage + 1 if self.n_estimators > begin else begin

    def _fit_stage(self, stage, X, y, raw, sample_weight, in_bag):
        """Fit the K trees of one stage to the negative gradient and move raw by α b_t."""
        loss = self._loss
        loss.prepare_stage(y, raw, sample_weight)
        negative_gradient = loss.negative_gradient(y, raw)
        tree_weight = sample_weight if in_bag is None else sample_weight * in_bag
        for k in range(self.n_trees_per_iteration_):
            tree = DecisionTreeRegressor(
                criterion="squared_error", splitter="best", max_depth=self.max_depth,
                min_samples_split=self.min_samples_split, min_samples_leaf=self.min_samples_leaf,
                min_weight_fraction_leaf=self.min_weight_fraction_leaf,
                min_impurity_decrease=self.min_impurity_decrease, max_features=self.max_features,
                max_leaf_nodes=self.max_leaf_nodes, random_state=self._rng,
                ccp_alpha=self.ccp_alpha)
            tree.fit(X, negative_gradient[:, k], sample_weight=tree_weight)
            leaves = tree.apply(X)
            if self.line_search:
                rows = slice(None) if in_bag is None else in_bag
                update = loss.leaf_values(leaves[rows], y[rows], raw[rows],
                                          negative_gradient[rows, k], tree_weight[rows], k)
                if update is not None:
                    ids, values = update
                    tree.tree_.value[ids, 0, 0] = values
            raw[:, k] += self.learning_rate * tree.tree_.value[leaves, 0, 0]
            self.estimators_[stage, k] = tree
        return raw

    def _add_stage(self, raw, X, stage):
        for k in range(self.n_trees_per_iteration_):
            tree = self.estimators_[stage, k]
            raw[:, k] += self.learning_rate * tree.tree_.value[tree.apply(X), 0, 0]

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float32, reset=False)

    def _raw_predict(self, X):
        """f(x) = f₀(x) + α Σ_t b_t(x) for validated X, shape (n_samples, K)."""
        raw = self._initial_raw(X)
        for stage in range(self.estimators_.shape[0]):
            self._add_stage(raw, X, stage)
        return raw

    def _staged_raw_predict(self, X):
        X = self._validate_X_predict(X)
        raw = self._initial_raw(X)
        for stage in range(self.estimators_.shape[0]):
            self._add_stage(raw, X, stage)
            yield raw.copy()

    @property
    def feature_importances_(self):
        """The impurity-based feature importances: each tree's total (weighted) decrease of
        squared error per feature, averaged over the trees that split at all, normalised to sum
        to 1 (all zeros when no tree splits)."""
        check_is_fitted(self)
        totals = []
        for tree in self.estimators_.ravel():
            t = tree.tree_
            if t.node_count <= 1:
                continue
            inner = np.flatnonzero(t.children_left != -1)
            left, right = t.children_left[inner], t.children_right[inner]
            weighted = t.weighted_n_node_samples * t.impurity
            decrease = weighted[inner] - weighted[left] - weighted[right]
            importance = np.bincount(t.feature[inner], weights=decrease,
                                     minlength=self.n_features_in_)
            totals.append(importance / t.weighted_n_node_samples[0])
        if not totals:
            return np.zeros(self.n_features_in_)
        average = np.mean(totals, axis=0)
        return average / average.sum()

    def apply(self, X):
        """The leaf of every sample in every tree.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_leaves : ndarray of shape (n_samples, n_estimators, K)
            Leaf indices (as floats, as scikit-learn returns them); the regressor drops the
            last axis.
        """
        X = self._validate_X_predict(X)
        n_stages, K = self.estimators_.shape
        leaves = np.zeros((X.shape[0], n_stages, K))
        for stage in range(n_stages):
            for k in range(K):
                leaves[:, stage, k] = self.estimators_[stage, k].apply(X)
        return leaves


_SHARED_PARAMETERS = """
    learning_rate : float, default=0.1
        α, the shrinkage of every tree's contribution.
    n_estimators : int, default=100
        T, the number of boosting stages.
    subsample : float, default=1.0
        The fraction of samples drawn (without replacement) for each stage; < 1 gives
        stochastic gradient boosting and the out-of-bag attributes.
    criterion : {"friedman_mse", "squared_error"}, default="friedman_mse"
        Kept for scikit-learn's signature: Friedman's improvement n_l n_r / (n_l + n_r) ·
        (r̄_l − r̄_r)² equals the decrease of squared error, so both choose the same splits and
        the trees are grown with "squared_error" (scikit-learn ≥ 1.9 does the same).
    min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_depth (default 3),
    min_impurity_decrease, max_features, max_leaf_nodes, ccp_alpha
        Passed to every :class:`~konspekt.models.tree.DecisionTreeRegressor`.
    init : estimator, "zero" or None, default=None
        The model of f₀: None uses the loss's best constant; "zero" starts from f₀ = 0; an
        estimator is cloned, fitted on (X, y) and its predictions (class probabilities for a
        classifier) are turned into f₀ through the loss's link.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling, the trees' feature permutations and the early-stopping split.
    verbose : int, default=0
        Print the training loss after each stage.
    warm_start : bool, default=False
        Keep the fitted stages and add new ones up to ``n_estimators``.
    validation_fraction : float, default=0.1
        The fraction held out for early stopping (stratified for classifiers).
    n_iter_no_change : int or None, default=None
        Stop when the held-out loss has not improved by ``tol`` in that many stages.
    tol : float, default=1e-4
    line_search : bool, default=True
        Replace each leaf's value by the loss's line-search value (Newton step, median …),
        as scikit-learn does. False keeps the tree's own mean of the pseudo-residuals: the
        plain gradient recursion f ← f + α b_t with b_t the least-squares fit of −∂L/∂f
        (konspekt's addition; scikit-learn has no such option).
"""

_SHARED_ATTRIBUTES = """
    estimators_ : ndarray of DecisionTreeRegressor of shape (n_estimators_, K)
    n_estimators_ : int
        The number of stages fitted (fewer than ``n_estimators`` after early stopping).
    n_trees_per_iteration_ : int
        K.
    train_score_ : ndarray of shape (n_estimators_,)
        The loss on the (in-bag) training samples after each stage.
    oob_improvement_, oob_scores_ : ndarray of shape (n_estimators_,)
        With ``subsample`` < 1: the out-of-bag loss after each stage and its decrease.
    oob_score_ : float
        The last out-of-bag loss.
    init_ : estimator or "zero"
    max_features_ : int
    feature_importances_ : ndarray of shape (n_features,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
"""


class GradientBoostingClassifier(ClassifierMixin, BaseGradientBoosting):
    __doc__ = """Gradient boosting for classification.

    Binary log-loss, in the course's notation (p = σ(f) = 1 / (1 + e^{−f}), y ∈ {0, 1}):

    - f₀ = log(N₁ / N₀) (the log-odds of the class frequencies);
    - for t = 1 … T: rᵢ = σ(fᵢ) − yᵢ, fit a regression tree b_t to −r (= y − σ(f)), then
      fᵢ ← fᵢ + α b_t(xᵢ);
    - predict P(y = 1 | x) = σ(f(x)).

    Mind the sign: r = σ(f) − y is the *gradient* ∂L/∂f of the log-loss, so the tree is fitted
    to the negative gradient y − σ(f) and added (fitting it to r and adding it would climb the
    loss; fitting to r and subtracting is the same as what is done here). scikit-learn, and so
    the default ``line_search=True``, then replaces each leaf's value (the mean of y − σ(f) over
    the leaf R_j) by one Newton step

        γ_j = Σ_{i∈R_j} wᵢ (yᵢ − pᵢ) / Σ_{i∈R_j} wᵢ pᵢ (1 − pᵢ),

    whereas ``line_search=False`` keeps the mean — exactly the course's plain recursion.

    With K > 2 classes every stage fits K trees, tree k to [y = k] − softmax(f)_k, and
    predicts softmax(f). ``loss="exponential"`` (binary only) boosts e^{−ỹ f} with
    ỹ = 2y − 1 — AdaBoost's loss — and predicts σ(2f).

    Parameters
    ----------
    loss : {"log_loss", "exponential"}, default="log_loss"
""" + _SHARED_PARAMETERS + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
""" + _SHARED_ATTRIBUTES + """
    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.ensemble.gradient_boosting import GradientBoostingClassifier
    >>> X = np.array([[0.], [1.], [2.], [3.], [4.], [5.]])
    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> model = GradientBoostingClassifier(n_estimators=10, max_depth=1).fit(X, y)
    >>> model.predict([[0.5], [4.5]])
    array([0, 1])
    """

    def __init__(self, *, loss="log_loss", learning_rate=0.1, n_estimators=100, subsample=1.0,
                 criterion="friedman_mse", min_samples_split=2, min_samples_leaf=1,
                 min_weight_fraction_leaf=0.0, max_depth=3, min_impurity_decrease=0.0,
                 init=None, random_state=None, max_features=None, verbose=0,
                 max_leaf_nodes=None, warm_start=False, validation_fraction=0.1,
                 n_iter_no_change=None, tol=1e-4, ccp_alpha=0.0, line_search=True):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.init = init
        self.random_state = random_state
        self.max_features = max_features
        self.verbose = verbose
        self.max_leaf_nodes = max_leaf_nodes
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.ccp_alpha = ccp_alpha
        self.line_search = line_search

    def _own_constraints(self):
        return {"loss": [options("log_loss", "exponential")],
                "init": [options("zero"), NONE, methods("fit", "predict_proba")]}

    def _validate_training_data(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float32, multi_output=True)
        return X, y

    def _encode_y(self, y, sample_weight):
        check_classification_targets(y)
        y = column_or_1d(y, warn=True)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        self.n_trees_per_iteration_ = 1 if self.n_classes_ <= 2 else self.n_classes_
        n_weighted_classes = (self.n_classes_ if sample_weight is None else
                              np.count_nonzero(np.bincount(codes, weights=sample_weight)))
        if n_weighted_classes < 2:
            raise ValueError(f"y contains {n_weighted_classes} class after sample_weight "
                             "trimmed classes with zero weights, while a minimum of 2 classes "
                             "are required.")
        return codes.astype(np.float64)

    def _make_loss(self):
        if self.loss == "exponential":
            if self.n_classes_ > 2:
                raise ValueError(f"loss='{self.loss}' is only suitable for a binary "
                                 f"classification problem, you have n_classes={self.n_classes_}. "
                                 "Please use loss='log_loss' instead.")
            return ExponentialLoss()
        if self.n_classes_ == 2:
            return BinomialLogLoss()
        return MultinomialLogLoss(self.n_classes_)

    def decision_function(self, X):
        """The raw scores f(x): the log-odds (binary, shape (n_samples,)) or one score per
        class (shape (n_samples, n_classes)).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        raw = self._raw_predict(self._validate_X_predict(X))
        return raw.ravel() if raw.shape[1] == 1 else raw

    def staged_decision_function(self, X):
        """Yield f(x) after each stage, shape (n_samples, K)."""
        yield from self._staged_raw_predict(X)

    def _classes_of(self, raw):
        codes = (raw[:, 0] >= 0).astype(int) if raw.shape[1] == 1 else np.argmax(raw, axis=1)
        return self.classes_[codes]

    def predict(self, X):
        """The class of largest probability (f ≥ 0 for two classes)."""
        return self._classes_of(self._raw_predict(self._validate_X_predict(X)))

    def staged_predict(self, X):
        """Yield the predicted classes after each stage."""
        for raw in self._staged_raw_predict(X):
            yield self._classes_of(raw)

    def predict_proba(self, X):
        """Class probabilities σ(f) (binary), σ(2f) (exponential) or softmax(f), shape
        (n_samples, n_classes)."""
        raw = self._raw_predict(self._validate_X_predict(X))
        return self._loss.predict_proba(raw)

    def predict_log_proba(self, X):
        """The logarithm of ``predict_proba``."""
        return np.log(self.predict_proba(X))

    def staged_predict_proba(self, X):
        """Yield the class probabilities after each stage."""
        for raw in self._staged_raw_predict(X):
            yield self._loss.predict_proba(raw)


class GradientBoostingRegressor(RegressorMixin, BaseGradientBoosting):
    __doc__ = """Gradient boosting for regression.

    Stage t fits a regression tree b_t to the pseudo-residuals rᵢ = −∂L(yᵢ, fᵢ)/∂fᵢ, sets each
    leaf to its line-search value and updates fᵢ ← fᵢ + α b_t(xᵢ):

    - ``"squared_error"``: L = ½ (y − f)², r = y − f, f₀ = mean, leaf = mean of r;
    - ``"absolute_error"``: L = |y − f|, r = sign(y − f), f₀ = median, leaf = median of y − f;
    - ``"huber"``: squared error for |y − f| ≤ δ, linear beyond, δ the α-quantile of |y − f|;
    - ``"quantile"``: the pinball loss of level α, f₀ and leaves the α-quantiles
      (the model predicts the conditional α-quantile of y).

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber", "quantile"}, default="squared_error"
    alpha : float, default=0.9
        The quantile of the Huber and quantile losses.
""" + _SHARED_PARAMETERS + """
    Attributes
    ----------
""" + _SHARED_ATTRIBUTES + """
    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.ensemble.gradient_boosting import GradientBoostingRegressor
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> model = GradientBoostingRegressor(n_estimators=50).fit(X, X.ravel() ** 2)
    >>> round(float(model.predict([[3.0]])[0]), 1)
    9.0
    """

    def __init__(self, *, loss="squared_error", learning_rate=0.1, n_estimators=100,
                 subsample=1.0, criterion="friedman_mse", min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_depth=3,
                 min_impurity_decrease=0.0, init=None, random_state=None, max_features=None,
                 alpha=0.9, verbose=0, max_leaf_nodes=None, warm_start=False,
                 validation_fraction=0.1, n_iter_no_change=None, tol=1e-4, ccp_alpha=0.0,
                 line_search=True):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.init = init
        self.random_state = random_state
        self.max_features = max_features
        self.alpha = alpha
        self.verbose = verbose
        self.max_leaf_nodes = max_leaf_nodes
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.ccp_alpha = ccp_alpha
        self.line_search = line_search

    def _own_constraints(self):
        return {"loss": [options("squared_error", "absolute_error", "huber", "quantile")],
                "alpha": [interval("float", 0.0, 1.0, "neither")],
                "init": [options("zero"), NONE, methods("fit", "predict")]}

    def _validate_training_data(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float32, multi_output=True, y_numeric=True)
        return X, y

    def _encode_y(self, y, sample_weight):
        self.n_trees_per_iteration_ = 1
        return column_or_1d(y, warn=True).astype(np.float64)

    def _make_loss(self):
        if self.loss == "absolute_error":
            return AbsoluteError()
        if self.loss == "huber":
            return HuberLoss(self.alpha)
        if self.loss == "quantile":
            return QuantileLoss(self.alpha)
        return SquaredError()

    def predict(self, X):
        """f(x) for every sample, shape (n_samples,)."""
        return self._raw_predict(self._validate_X_predict(X)).ravel()

    def staged_predict(self, X):
        """Yield the predictions after each stage."""
        for raw in self._staged_raw_predict(X):
            yield raw.ravel()

    def apply(self, X):
        """The leaf of every sample in every tree, shape (n_samples, n_estimators_)."""
        leaves = super().apply(X)
        return leaves.reshape(leaves.shape[0], -1)
