"""Histogram-based gradient boosting: ``HistGradientBoostingRegressor`` and
``HistGradientBoostingClassifier``, with scikit-learn's API.

The model is an additive expansion on the link scale, f(x) = f₀ + Σ_m t_m(x), fitted by Newton
boosting (Chen & Guestrin, "XGBoost: a scalable tree boosting system", KDD 2016; Ke et al.,
"LightGBM", NIPS 2017). At iteration m, with gᵢ = wᵢ ∂ℓ(yᵢ, fᵢ)/∂f and hᵢ = wᵢ ∂²ℓ(yᵢ, fᵢ)/∂f²
at the current raw predictions (one set per class for K > 2 classes, one tree per class):

1. bin every feature once (at most ``max_bins`` quantile bins, plus one for missing values);
2. grow a tree best-first on the histograms of g and h: a leaf with gradient sum G and Hessian
   sum H gets the value w = −η G / (H + λ), and a split of gain

       ½ [ G_L² / (H_L + λ) + G_R² / (H_R + λ) − G² / (H + λ) ]

   is chosen per node, missing values sent to the side of larger gain (categorical features:
   the best prefix of the categories ordered by G_c / (H_c + 10));
3. add the tree: f ← f + t_m.

Optional constraints as scikit-learn's: monotonic (bounds on the subtrees' values) and
interaction (the features of a path lie in one group); see ``grower`` and ``splitting``.

With early stopping, fitting stops when the score (the negative loss, or ``scoring``) on a
held-out ``validation_fraction`` has not improved by more than ``tol`` over the last
``n_iter_no_change`` iterations.
"""

import time

import numpy as np

from ....base import (BaseEstimator, ClassifierMixin, RegressorMixin,
                      check_classification_targets, check_is_fitted, check_random_state,
                      check_sample_weight)
from .binning import bin_data, fit_bin_thresholds
from .grower import TreeGrower
from .losses import get_loss
from ....base.constraints import NONE, check_params, interval
from .validation import (CONSTRAINTS, check_interaction_cst, check_monotonic_cst,
                         encode_categories)

__all__ = ["HistGradientBoostingRegressor", "HistGradientBoostingClassifier"]


class BaseHistGradientBoosting(BaseEstimator):
    """The boosting loop, early stopping and staged predictions shared by both estimators."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    # ---- fit -----------------------------------------------------------------------------

    def _validate_parameters(self):
        constraints = dict(CONSTRAINTS)
        constraints.update(self._own_constraints())
        check_params(self, constraints)

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
            sample_weight_val=None):
        """Fit the boosted trees.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            NaN marks a missing value.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        X_val, y_val, sample_weight_val : array-like, optional
            Held-out data for early stopping, in place of a ``validation_fraction`` of X.

        Returns
        -------
        self : object
        """
        start = time.perf_counter()
        self._validate_parameters()
        from ....base.validation import _check_y, check_consistent_length
        X = encode_categories(self, X, reset=True)
        y = _check_y(y, estimator=self)
        check_consistent_length(X, y)
        y_original = y
        y = self._encode_y(y)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        sample_weight = self._finalize_sample_weight(sample_weight, y)
        validation_given = X_val is not None or y_val is not None
        if validation_given:
            if y_val is None:
                raise ValueError("X_val is provided, but y_val was not provided.")
            if X_val is None:
                raise ValueError("y_val is provided, but X_val was not provided.")
            if self.early_stopping is False:
                raise ValueError("X_val and y_val are passed to fit while at the same time "
                                 "early_stopping is False. When passing X_val and y_val to "
                                 "fit,early_stopping should be set to either 'auto' or True.")
            X_val = encode_categories(self, X_val, reset=False)
            y_val_original = _check_y(y_val, estimator=self)
            check_consistent_length(X_val, y_val_original)
            y_val = self._encode_y_val(y_val_original)
            if sample_weight_val is not None:
                sample_weight_val = check_sample_weight(sample_weight_val, X_val,
                                                        dtype=np.float64)

        rng = check_random_state(self.random_state)
        if not (self.warm_start and self._is_fitted()):
            self._random_seed = int(rng.randint(np.iinfo(np.uint32).max, dtype="u8"))
            feature_seed = int(rng.randint(np.iinfo(np.uint32).max, dtype="u8"))
            self._feature_subsample_rng = np.random.default_rng(feature_seed)
        self._loss = self._get_loss(sample_weight)
        n_outputs = self._loss.n_outputs
        # The trees see the columns in _column_order (categorical features first).
        monotonic_cst = check_monotonic_cst(self)[self._column_order]
        position = np.argsort(self._column_order)
        interaction_cst = check_interaction_cst(self.interaction_cst, X.shape[1])
        if interaction_cst is not None:
            interaction_cst = [{int(position[j]) for j in group} for group in interaction_cst]

        n_samples = X.shape[0]
        self.do_early_stopping_ = (n_samples > 10_000 if self.early_stopping == "auto"
                                   else bool(self.early_stopping))
        # The held-out data: given, drawn from X (validation_fraction), or none (the scores
        # are then those of the training data).
        train = np.arange(n_samples)
        validation = None
        if validation_given:
            validation = (X_val, y_val, sample_weight_val, y_val_original)
        elif self.do_early_stopping_ and self.validation_fraction is not None:
            from ....model_selection import train_test_split
            stratify = y if isinstance(self, ClassifierMixin) else None
            train, val = train_test_split(train, test_size=self.validation_fraction,
                                          stratify=stratify, random_state=self._random_seed)
            validation = (X[val], y[val], None if sample_weight is None else sample_weight[val],
                          y_original[val])
        training = (X[train], y[train], None if sample_weight is None else sample_weight[train],
                    y_original[train])
        X_train, y_train, weight_train, _ = training

        max_bins = self.max_bins
        # The categorical features come first in X (see _encode_categories).
        n_categorical = 0 if self._categories is None else len(self._categories)
        self._is_categorical_remapped = (np.arange(X.shape[1]) < n_categorical).astype(np.uint8)
        n_categories = np.zeros(X.shape[1], dtype=np.int64)
        if n_categorical:
            n_categories[:n_categorical] = [len(self._categories[j])
                                            for j in np.flatnonzero(self.is_categorical_)]
        self._bin_thresholds, self._n_bins_non_missing = fit_bin_thresholds(
            X_train, max_bins, weight_train,
            random_state=np.random.RandomState(self._random_seed), n_categories=n_categories)
        X_binned = bin_data(X_train, self._bin_thresholds, max_bins)
        has_missing = (X_binned == max_bins).any(axis=0).astype(np.uint8)

        raw_val = None
        if not (self.warm_start and self._is_fitted()):
            self._baseline_prediction = self._loss.baseline(y_train, weight_train)
            raw = np.tile(self._baseline_prediction, (len(train), 1))
            self._predictors = []
            self.train_score_, self.validation_score_ = [], []
            if self.do_early_stopping_:
                self._scorer = self._make_scorer()
                if validation is not None:
                    raw_val = np.tile(self._baseline_prediction, (len(validation[0]), 1))
                self._record_scores(raw, training, raw_val, validation)
        else:
            if self.max_iter < self.n_iter_:
                raise ValueError(f"max_iter={self.max_iter} must be larger than or equal to "
                                 f"n_iter_={self.n_iter_} when warm_start==True")
            self.train_score_ = list(self.train_score_)
            self.validation_score_ = list(self.validation_score_)
            raw = self._raw_predict_binned(X_binned)
            if self.do_early_stopping_:
                self._scorer = self._make_scorer()
                if validation is not None:
                    raw_val = self._raw_predict_binned(
                        bin_data(validation[0], self._bin_thresholds, max_bins))

        for _ in range(self.n_iter_, self.max_iter):
            gradients, hessians = self._loss.gradient_hessian(y_train, raw, weight_train)
            trees = []
            for k in range(n_outputs):
                grower = TreeGrower(
                    X_binned, np.ascontiguousarray(gradients[:, k]),
                    np.ascontiguousarray(hessians[:, k]), self._n_bins_non_missing,
                    has_missing, max_bins, is_categorical=self._is_categorical_remapped,
                    monotonic_cst=monotonic_cst, interaction_cst=interaction_cst,
                    constant_hessian=self._loss.constant_hessian,
                    max_leaf_nodes=self.max_leaf_nodes, max_depth=self.max_depth,
                    min_samples_leaf=self.min_samples_leaf,
                    l2_regularization=self.l2_regularization,
                    feature_fraction=self.max_features, rng=self._feature_subsample_rng,
                    shrinkage=self.learning_rate).grow()
                if not self._loss.differentiable:
                    self._line_search_leaves(grower, y_train, raw[:, k], weight_train)
                trees.append(grower.make_predictor(self._bin_thresholds))
                column = raw[:, k]
                grower.update_raw_predictions(column)
                raw[:, k] = column
            self._predictors.append(trees)
            if self.do_early_stopping_:
                if raw_val is not None:
                    for k, tree in enumerate(trees):
                        raw_val[:, k] += tree.predict(validation[0])
                if self._record_scores(raw, training, raw_val, validation):
                    break
        if self.verbose:
            n_leaves = sum(tree.get_n_leaf_nodes() for trees in self._predictors
                           for tree in trees)
            print(f"Fit {sum(map(len, self._predictors))} trees in "
                  f"{time.perf_counter() - start:.3f} s, ({n_leaves} total leaves)")
        self.train_score_ = np.asarray(self.train_score_)
        self.validation_score_ = np.asarray(self.validation_score_)
        self._scorer = None
        return self

    def _line_search_leaves(self, grower, y, raw, sample_weight):
        # Non-smooth losses: each leaf gets the loss's own optimum on its residuals y − f.
        for leaf in grower.finalized_leaves:
            rows = leaf.sample_indices
            weights = None if sample_weight is None else sample_weight[rows]
            leaf.value = grower.shrinkage * self._loss.baseline(y[rows] - raw[rows],
                                                                weights)[0]

    def _make_scorer(self):
        if self.scoring == "loss":
            return None
        from ....metrics import check_scoring
        return check_scoring(self, self.scoring)

    def _record_scores(self, raw, training, raw_val, validation):
        """Append the train / validation scores; return whether to stop. ``training`` and
        ``validation`` are (X, encoded y, sample weights, original y)."""
        X_train, y_train, weight_train, y_train_original = training
        if self._scorer is None:
            self.train_score_.append(-self._loss(y_train, raw, weight_train))
            if validation is not None:
                self.validation_score_.append(-self._loss(validation[1], raw_val,
                                                          validation[2]))
        else:
            rows = np.arange(len(y_train))
            if len(rows) > 10_000:
                # Scored on 10 000 training samples, as scikit-learn (drawn differently).
                rows = np.random.RandomState(self._random_seed).choice(rows, 10_000,
                                                                       replace=False)
            X_scored = X_train[rows]
            self.train_score_.append(self._score(X_scored, raw[rows], y_train_original[rows],
                                                 None if weight_train is None
                                                 else weight_train[rows]))
            if validation is not None:
                self.validation_score_.append(self._score(validation[0], raw_val,
                                                          validation[3], validation[2]))
        return self._should_stop(self.validation_score_ if validation is not None
                                 else self.train_score_)

    def _score(self, X, raw, y, sample_weight):
        # The raw predictions of X are known (updated tree by tree): predictions on this very
        # array use them instead of running every tree again.
        self._known_raw = (X, raw)
        try:
            if sample_weight is None:
                return self._scorer(self, X, y)
            return self._scorer(self, X, y, sample_weight=sample_weight)
        finally:
            self._known_raw = None

    def _should_stop(self, scores):
        """True when none of the last ``n_iter_no_change`` scores beats the one before them
        by more than ``tol``."""
        reference = self.n_iter_no_change + 1
        if len(scores) < reference:
            return False
        return not any(score > scores[-reference] + self.tol
                       for score in scores[-reference + 1:])

    def _is_fitted(self):
        return len(getattr(self, "_predictors", [])) > 0

    @property
    def n_iter_(self):
        """The number of boosting iterations run."""
        check_is_fitted(self)
        return len(self._predictors)

    # ---- predictions ---------------------------------------------------------------------

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return encode_categories(self, X, reset=False)

    def _raw_predict_binned(self, X_binned):
        raw = np.tile(self._baseline_prediction, (X_binned.shape[0], 1))
        for trees in self._predictors:
            for k, tree in enumerate(trees):
                raw[:, k] += tree.predict_binned(X_binned, self.max_bins)
        return raw

    def _staged_raw_predict(self, X):
        X = self._validate_X_predict(X)
        raw = np.tile(self._baseline_prediction, (X.shape[0], 1))
        for trees in self._predictors:
            for k, tree in enumerate(trees):
                raw[:, k] += tree.predict(X)
            yield raw.copy()

    def _raw_predict(self, X):
        """f(x) = f₀ + Σ_m t_m(x), shape (n_samples, n_trees_per_iteration_)."""
        known = getattr(self, "_known_raw", None)
        if known is not None and X is known[0]:
            return known[1]
        raw = None
        for raw in self._staged_raw_predict(X):
            pass
        if raw is None:
            X = self._validate_X_predict(X)
            raw = np.tile(self._baseline_prediction, (X.shape[0], 1))
        return raw


class HistGradientBoostingRegressor(RegressorMixin, BaseHistGradientBoosting):
    """Histogram-based gradient boosting for regression.

    Newton boosting of best-first trees on binned features (see the module docstring): at each
    iteration a tree is grown on gᵢ, hᵢ of the loss at the current predictions; a leaf's
    value is −η G / (H + λ) and a split's gain ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)],
    with λ = ``l2_regularization``. NaN in X is supported natively.

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "gamma", "poisson", "quantile"}, \
default "squared_error"
    quantile : float, optional
        The quantile α for ``loss="quantile"``.
    learning_rate : float, default 0.1
        The shrinkage η of every leaf value.
    max_iter : int, default 100
        The number of boosting iterations (trees).
    max_leaf_nodes : int or None, default 31
    max_depth : int or None, default None
    min_samples_leaf : int, default 20
    l2_regularization : float, default 0.0
        λ in the leaf values and gains.
    max_features : float, default 1.0
        The share of features drawn at random for each node's split search.
    max_bins : int, default 255
        The number of bins for non-missing values (at most 255); missing values get one more.
    categorical_features : array-like of bool, int or str, "from_dtype" or None, \
default "from_dtype"
        The features split natively by sets of categories: a boolean mask, indices, feature
        names, or "from_dtype" (the columns of pandas' category dtype). Each has at most
        ``max_bins`` categories; unknown categories at predict time are treated as missing.
        A categorical split orders the categories by G_c / (H_c + 10) and sends a prefix of
        that order left (Fisher's grouping, see ``splitting``).
    monotonic_cst : array-like of int of shape (n_features,), dict or None, default None
        +1 / −1 / 0 per feature (or {feature name: constraint}): the predictions increase /
        decrease / are free along that feature. A split on a constrained feature bounds the
        values of its two subtrees by the midpoint of the children's values, and splits whose
        children's values go the wrong way are skipped. Not for multiclass classification
        nor categorical features.
    interaction_cst : list / tuple of lists of int, "pairwise", "no_interactions" or None
        Groups of features allowed to interact: the features split on along any path of a
        tree all lie in one group (features in no group form one more group).
    warm_start : bool, default False
        Add iterations to the fitted ensemble on the next ``fit``.
    early_stopping : "auto" or bool, default "auto"
        "auto": on when there are more than 10 000 samples.
    scoring : str, callable or None, default "loss"
        The early-stopping score: "loss" (the negative loss), a scorer name or callable, or
        None (the estimator's ``score``).
    validation_fraction : float, int or None, default 0.1
        The held-out share (or number) of samples for early stopping; None scores on the
        training data.
    n_iter_no_change : int, default 10
    tol : float, default 1e-7
    verbose : int, default 0
    random_state : int, RandomState or None
        Seeds the validation split, the binning subsample and the feature draws.

    Attributes
    ----------
    do_early_stopping_ : bool
    is_categorical_ : ndarray of bool or None
        The categorical features (None when there are none).
    n_iter_ : int
    n_trees_per_iteration_ : int
        1 for regression.
    train_score_, validation_score_ : ndarray
        The scores at each iteration (the first is the baseline's); empty without early
        stopping.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.ensemble.hist_gradient_boosting import (
    ...     HistGradientBoostingRegressor)
    >>> X = np.arange(100.0).reshape(-1, 1)
    >>> model = HistGradientBoostingRegressor(max_iter=20).fit(X, 2 * X[:, 0])
    >>> model.n_iter_
    20
    """

    def __init__(self, loss="squared_error", *, quantile=None, learning_rate=0.1, max_iter=100,
                 max_leaf_nodes=31, max_depth=None, min_samples_leaf=20, l2_regularization=0.0,
                 max_features=1.0, max_bins=255, categorical_features="from_dtype",
                 monotonic_cst=None, interaction_cst=None, warm_start=False,
                 early_stopping="auto", scoring="loss", validation_fraction=0.1,
                 n_iter_no_change=10, tol=1e-7, verbose=0, random_state=None):
        self.loss = loss
        self.quantile = quantile
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_features = max_features
        self.max_bins = max_bins
        self.categorical_features = categorical_features
        self.monotonic_cst = monotonic_cst
        self.interaction_cst = interaction_cst
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.scoring = scoring
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state

    def _own_constraints(self):
        losses = ("squared_error", "absolute_error", "gamma", "poisson", "quantile")
        return {"loss": [(lambda v: isinstance(v, str) and v in losses,
                          "a str among {'absolute_error', 'gamma', 'poisson', 'quantile', "
                          "'squared_error'}")],
                "quantile": [interval("float", 0.0, 1.0, "both"), NONE]}

    def _encode_y(self, y):
        self.n_trees_per_iteration_ = 1
        y = np.asarray(y, dtype=np.float64)
        if self.loss == "gamma" and not np.all(y > 0):
            raise ValueError("loss='gamma' requires strictly positive y.")
        if self.loss == "poisson" and not (np.all(y >= 0) and np.sum(y) > 0):
            raise ValueError("loss='poisson' requires non-negative y and sum(y) > 0.")
        if self.loss == "quantile" and self.quantile is None:
            raise ValueError("loss='quantile' requires the parameter quantile (a float in "
                             "[0, 1]); got None.")
        return y

    def _finalize_sample_weight(self, sample_weight, y):
        return sample_weight

    def _encode_y_val(self, y):
        return np.asarray(y, dtype=np.float64)

    def _get_loss(self, sample_weight):
        return get_loss(self.loss, sample_weight, quantile=self.quantile)

    def predict(self, X):
        """The predicted values (the inverse link of the raw predictions).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        raw = self._raw_predict(X)
        return self._loss.inverse_link(raw)

    def staged_predict(self, X):
        """The predictions after each iteration (a generator of arrays (n_samples,))."""
        for raw in self._staged_raw_predict(X):
            yield self._loss.inverse_link(raw)


class HistGradientBoostingClassifier(ClassifierMixin, BaseHistGradientBoosting):
    """Histogram-based gradient boosting for classification.

    Newton boosting of the log-loss (see the module docstring and
    :class:`HistGradientBoostingRegressor`): one tree per iteration on the log-odds for two
    classes (gᵢ = p − y, hᵢ = p(1 − p)), K trees per iteration on the softmax scores for K > 2
    classes (gᵢₖ = p_k − [yᵢ = k], hᵢₖ = p_k(1 − p_k)); leaf value −η G / (H + λ), gain
    ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)].

    Parameters
    ----------
    loss : {"log_loss"}, default "log_loss"
    learning_rate, max_iter, max_leaf_nodes, max_depth, min_samples_leaf, l2_regularization, \
max_features, max_bins, categorical_features, monotonic_cst, interaction_cst, warm_start, \
early_stopping, scoring, validation_fraction, n_iter_no_change, tol, verbose, random_state :
        As for :class:`HistGradientBoostingRegressor` (the validation split is stratified).
    class_weight : dict, "balanced" or None
        Weights multiplying the sample weights of each class; "balanced" gives
        n_samples / (n_classes · n_k).

    Attributes
    ----------
    classes_ : ndarray
    n_trees_per_iteration_ : int
        1 for two classes, K for K > 2.
    n_iter_, do_early_stopping_, is_categorical_, train_score_, validation_score_,
    n_features_in_, feature_names_in_ :
        As for :class:`HistGradientBoostingRegressor`.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.ensemble.hist_gradient_boosting import (
    ...     HistGradientBoostingClassifier)
    >>> X = np.arange(100.0).reshape(-1, 1)
    >>> model = HistGradientBoostingClassifier(max_iter=10).fit(X, X[:, 0] > 50)
    >>> model.predict([[10.0], [90.0]]).tolist()
    [False, True]
    """

    def __init__(self, loss="log_loss", *, learning_rate=0.1, max_iter=100, max_leaf_nodes=31,
                 max_depth=None, min_samples_leaf=20, l2_regularization=0.0, max_features=1.0,
                 max_bins=255, categorical_features="from_dtype", monotonic_cst=None,
                 interaction_cst=None, warm_start=False, early_stopping="auto",
                 scoring="loss", validation_fraction=0.1, n_iter_no_change=10, tol=1e-7,
                 verbose=0, random_state=None, class_weight=None):
        self.loss = loss
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_features = max_features
        self.max_bins = max_bins
        self.categorical_features = categorical_features
        self.monotonic_cst = monotonic_cst
        self.interaction_cst = interaction_cst
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.scoring = scoring
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.class_weight = class_weight

    def _own_constraints(self):
        return {"loss": [(lambda v: isinstance(v, str) and v == "log_loss",
                          "a str among {'log_loss'}")],
                "class_weight": [(lambda v: isinstance(v, dict) or v == "balanced",
                                  "an instance of 'dict' or a str among {'balanced'}"),
                                 NONE]}

    def _encode_y(self, y):
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        self.n_trees_per_iteration_ = 1 if n_classes <= 2 else n_classes
        return encoded.astype(np.float64)

    def _encode_y_val(self, y):
        positions = np.minimum(np.searchsorted(self.classes_, y), len(self.classes_) - 1)
        unseen = self.classes_[positions] != y
        if np.any(unseen):
            raise ValueError(f"y_val contains previously unseen labels: "
                             f"{np.unique(np.asarray(y)[unseen]).tolist()}")
        return positions.astype(np.float64)

    def _finalize_sample_weight(self, sample_weight, y):
        if self.class_weight is None:
            return sample_weight
        codes = y.astype(np.intp)
        if self.class_weight == "balanced":
            counts = np.bincount(codes, minlength=len(self.classes_))
            per_class = len(y) / (len(self.classes_) * counts.astype(np.float64))
        else:
            per_class = np.ones(len(self.classes_))
            for label, weight in self.class_weight.items():
                matches = np.flatnonzero(self.classes_ == label)
                if matches.size == 0:
                    raise ValueError(f"The class {label!r} of class_weight is not among the "
                                     f"classes {self.classes_.tolist()}.")
                per_class[matches[0]] = weight
        expanded = per_class[codes]
        return expanded if sample_weight is None else sample_weight * expanded

    def _get_loss(self, sample_weight):
        return get_loss("log_loss", sample_weight, n_classes=len(self.classes_))

    def decision_function(self, X):
        """The raw scores: the log-odds (shape (n_samples,)) for two classes, the K softmax
        scores (shape (n_samples, K)) otherwise."""
        raw = self._raw_predict(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def staged_decision_function(self, X):
        """The raw scores after each iteration (a generator)."""
        for raw in self._staged_raw_predict(X):
            yield raw[:, 0] if raw.shape[1] == 1 else raw

    def predict_proba(self, X):
        """The class probabilities, shape (n_samples, n_classes)."""
        raw = self._raw_predict(X)
        return self._loss.inverse_link(raw)

    def staged_predict_proba(self, X):
        """The class probabilities after each iteration (a generator)."""
        for raw in self._staged_raw_predict(X):
            yield self._loss.inverse_link(raw)

    def predict(self, X):
        """The class of largest probability, shape (n_samples,)."""
        probability = self.predict_proba(X)
        return self.classes_[np.argmax(probability, axis=1)]

    def staged_predict(self, X):
        """The predicted classes after each iteration (a generator)."""
        for probability in self.staged_predict_proba(X):
            yield self.classes_[np.argmax(probability, axis=1)]
