"""Decision trees (CART): ``DecisionTreeClassifier``, ``DecisionTreeRegressor`` and the
extremely randomised ``ExtraTreeClassifier`` / ``ExtraTreeRegressor``, with scikit-learn's API.

A tree splits a node X into X_L = {x : x_j ≤ θ} and X_R = {x : x_j > θ}, choosing the feature j
and the threshold θ (a midpoint between consecutive distinct values) of largest information gain

    IG = (N_t / N_X) · [G(X) − (N_tR / N_t) · G(X_R) − (N_tL / N_t) · G(X_L)]

(scikit-learn's weighted impurity decrease; N are sums of sample weights, G the criterion of
``konspekt.models.tree.criteria``), and grows until the stopping rules of
``konspekt.models.tree.builder`` hold. A leaf predicts the class fractions (classifier) or the
mean (median for ``absolute_error``) of its training targets.

The trees are those of scikit-learn, node for node: same feature draws (its xorshift generator
seeded by ``random_state.randint(0, 2**31 - 1)``), same sort, same float32 thresholds, same order
of floating-point sums (see ``konspekt.models.tree._splitter``).

References: L. Breiman, J. Friedman, R. Olshen, C. Stone, *Classification and Regression Trees*
(1984); P. Geurts, D. Ernst, L. Wehenkel, "Extremely randomized trees", Machine Learning (2006).
"""

import numbers
from math import ceil

import numpy as np

from ...base import (BaseEstimator, ClassifierMixin, RegressorMixin, check_classification_targets,
                     check_is_fitted, check_random_state, check_sample_weight, clone,
                     validate_data)
from ...data import Bunch
from .builder import grow
from .criteria import CLASSIFICATION_CRITERIA, REGRESSION_CRITERIA
from .pruning import prune, pruning_path
from .tree_structure import Tree

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "ExtraTreeClassifier",
           "ExtraTreeRegressor"]

RAND_R_MAX = 0x7FFFFFFF


def _fail(estimator, name, expected, value):
    raise ValueError(f"The '{name}' parameter of {type(estimator).__name__} must be {expected}. "
                     f"Got {value!r} instead.")


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real_not_int(value):
    return isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)


def _check_parameters(estimator, criteria):
    """Refuse bad hyperparameters with scikit-learn's messages (each names the parameter)."""
    p = estimator
    if not isinstance(p.criterion, str) or p.criterion not in criteria:
        _fail(p, "criterion", "a str among {" + ", ".join(repr(c) for c in criteria) + "}",
              p.criterion)
    if p.splitter not in ("best", "random"):
        _fail(p, "splitter", "a str among {'best', 'random'}", p.splitter)
    if not (p.max_depth is None or (_is_int(p.max_depth) and p.max_depth >= 1)):
        _fail(p, "max_depth", "an int in the range [1, inf) or None", p.max_depth)
    if not ((_is_int(p.min_samples_split) and p.min_samples_split >= 2)
            or (_is_real_not_int(p.min_samples_split) and 0.0 < p.min_samples_split <= 1.0)):
        _fail(p, "min_samples_split", "an int in the range [2, inf) or a float in the range "
              "(0.0, 1.0]", p.min_samples_split)
    if not ((_is_int(p.min_samples_leaf) and p.min_samples_leaf >= 1)
            or (_is_real_not_int(p.min_samples_leaf) and 0.0 < p.min_samples_leaf < 1.0)):
        _fail(p, "min_samples_leaf", "an int in the range [1, inf) or a float in the range "
              "(0.0, 1.0)", p.min_samples_leaf)
    if not (isinstance(p.min_weight_fraction_leaf, numbers.Real)
            and 0.0 <= p.min_weight_fraction_leaf <= 0.5):
        _fail(p, "min_weight_fraction_leaf", "a float in the range [0.0, 0.5]",
              p.min_weight_fraction_leaf)
    m = p.max_features
    if not (m is None or (_is_int(m) and m >= 1) or (_is_real_not_int(m) and 0.0 < m <= 1.0)
            or (isinstance(m, str) and m in ("sqrt", "log2"))):
        _fail(p, "max_features", "an int in the range [1, inf), a float in the range (0.0, 1.0], "
              "a str among {'sqrt', 'log2'} or None", m)
    if not (p.max_leaf_nodes is None or (_is_int(p.max_leaf_nodes) and p.max_leaf_nodes >= 2)):
        _fail(p, "max_leaf_nodes", "an int in the range [2, inf) or None", p.max_leaf_nodes)
    for name in ("min_impurity_decrease", "ccp_alpha"):
        value = getattr(p, name)
        if not (isinstance(value, numbers.Real) and value >= 0.0):
            _fail(p, name, "a float in the range [0.0, inf)", value)
    class_weight = getattr(p, "class_weight", None)
    if not (class_weight is None or isinstance(class_weight, (dict, list))
            or (isinstance(class_weight, str) and class_weight == "balanced")):
        _fail(p, "class_weight", "an instance of 'dict', an instance of 'list', a str among "
              "{'balanced'} or None", class_weight)


def _class_weight_of(class_weight, y):
    """The weight of each sample from ``class_weight`` (scikit-learn's
    ``compute_sample_weight``): 'balanced' gives class c the weight n / (n_classes · n_c);
    several outputs multiply their weights."""
    n_outputs = y.shape[1]
    if n_outputs > 1:
        if class_weight is None or isinstance(class_weight, dict):
            raise ValueError("For multi-output, class_weight should be a list of dicts, or the "
                             "string 'balanced'.")
        if isinstance(class_weight, list) and len(class_weight) != n_outputs:
            raise ValueError("For multi-output, number of elements in class_weight should match "
                             f"number of outputs. Got {len(class_weight)} element(s) while "
                             f"having {n_outputs} outputs.")
    weights = []
    for k in range(n_outputs):
        classes, codes = np.unique(y[:, k], return_inverse=True)
        weight_k = class_weight if (class_weight == "balanced" or n_outputs == 1) \
            else class_weight[k]
        if isinstance(weight_k, list):
            weight_k = weight_k[0]
        if weight_k == "balanced":
            per_class = len(y) / (len(classes) * np.bincount(codes).astype(np.float64))
        else:
            per_class = np.ones(len(classes))
            for label, weight in weight_k.items():
                where = np.flatnonzero(classes == label)
                if where.size:
                    per_class[where[0]] = weight
        weights.append(per_class[codes])
    return np.prod(weights, axis=0, dtype=np.float64)


class BaseDecisionTree(BaseEstimator):
    """The fitting shared by the four trees (see the module's docstring)."""

    def __init__(self, *, criterion, splitter, max_depth, min_samples_split, min_samples_leaf,
                 min_weight_fraction_leaf, max_features, max_leaf_nodes, random_state,
                 min_impurity_decrease, class_weight=None, ccp_alpha=0.0):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.random_state = random_state
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _criteria(self):
        return CLASSIFICATION_CRITERIA if self._is_classifier else REGRESSION_CRITERIA

    def _fit(self, X, y, sample_weight=None):
        _check_parameters(self, self._criteria())
        random_state = check_random_state(self.random_state)
        X, y = validate_data(self, X, y, validate_separately=(
            dict(dtype=np.float32), dict(ensure_2d=False, dtype=None)))
        if self.criterion == "poisson":
            if np.any(y < 0):
                raise ValueError("Some value(s) of y are negative which is not allowed for "
                                 "Poisson regression.")
            if np.sum(y) <= 0:
                raise ValueError("Sum of y is not positive which is necessary for Poisson "
                                 "regression.")
        n_samples, n_features = X.shape
        y = np.atleast_1d(y)
        if y.ndim == 1:
            y = np.reshape(y, (-1, 1))
        self.n_outputs_ = y.shape[1]
        class_weights = None
        if self._is_classifier:
            check_classification_targets(y)
            classes, encoded = [], np.zeros(y.shape, dtype=np.int64)
            for k in range(self.n_outputs_):
                classes_k, encoded[:, k] = np.unique(y[:, k], return_inverse=True)
                classes.append(classes_k)
            if self.class_weight is not None:
                class_weights = _class_weight_of(self.class_weight, y)
            y = encoded
            n_classes = np.array([len(c) for c in classes], dtype=np.intp)
        else:
            n_classes = np.ones(self.n_outputs_, dtype=np.intp)
        y = np.ascontiguousarray(y, dtype=np.float64)

        max_depth = np.iinfo(np.int32).max if self.max_depth is None else self.max_depth
        min_samples_leaf = (self.min_samples_leaf if _is_int(self.min_samples_leaf)
                            else ceil(self.min_samples_leaf * n_samples))
        min_samples_split = (self.min_samples_split if _is_int(self.min_samples_split)
                             else max(2, ceil(self.min_samples_split * n_samples)))
        min_samples_split = max(min_samples_split, 2 * min_samples_leaf)
        self.max_features_ = self._max_features(n_features)

        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        if class_weights is not None:
            sample_weight = (class_weights if sample_weight is None
                             else sample_weight * class_weights)
        if sample_weight is None:
            min_weight_leaf = self.min_weight_fraction_leaf * n_samples
            sample_weight = np.ones(n_samples)
        else:
            min_weight_leaf = self.min_weight_fraction_leaf * np.sum(sample_weight)
        criterion = self._criteria()[self.criterion]

        seed = random_state.randint(0, RAND_R_MAX)
        nodes_int, nodes_float, value, depth = grow(
            np.asfortranarray(X, dtype=np.float32), y,
            np.ascontiguousarray(sample_weight, dtype=np.float64), criterion,
            n_classes.astype(np.int64), int(n_classes.max()), self.splitter == "random",
            self.max_features_, min_samples_leaf, float(min_weight_leaf), max_depth,
            min_samples_split, float(self.min_impurity_decrease),
            -1 if self.max_leaf_nodes is None else self.max_leaf_nodes, seed)
        self.tree_ = Tree(n_features, n_classes, self.n_outputs_, nodes_int, nodes_float, value,
                          depth)
        if self._is_classifier:
            if self.n_outputs_ == 1:
                self.n_classes_ = int(n_classes[0])
                self.classes_ = classes[0]
            else:
                self.n_classes_ = n_classes
                self.classes_ = classes
        if self.ccp_alpha > 0.0:
            self.tree_ = prune(self.tree_, self.ccp_alpha)
        return self

    def _max_features(self, n_features):
        m = self.max_features
        if m == "sqrt":
            return max(1, int(np.sqrt(n_features)))
        if m == "log2":
            return max(1, int(np.log2(n_features)))
        if m is None:
            return n_features
        if _is_int(m):
            return m
        return max(1, int(m * n_features))

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float32, reset=False)

    def get_depth(self):
        """The depth of the tree: the longest distance from the root to a leaf."""
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """The number of leaves of the tree."""
        check_is_fitted(self)
        return self.tree_.n_leaves

    def apply(self, X):
        """The id of the leaf each sample of X ends in (int64, in [0, node_count))."""
        X = self._validate_X_predict(X)
        return self.tree_.apply(X)

    def decision_path(self, X):
        """The nodes each sample of X visits, as a CSR indicator (n_samples, node_count)."""
        X = self._validate_X_predict(X)
        return self.tree_.decision_path(X)

    @property
    def feature_importances_(self):
        """Σ over the nodes t splitting on feature j of N_t·G(t) − N_tL·G(t_L) − N_tR·G(t_R),
        normalised to sum to 1 (the "Gini importance")."""
        check_is_fitted(self)
        return self.tree_.compute_feature_importances()

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """The effective alphas of minimal cost-complexity pruning and the total leaf impurity
        of the subtree kept at each (see ``konspekt.models.tree.pruning``).

        Returns
        -------
        Bunch with ``ccp_alphas`` and ``impurities``, increasing.
        """
        estimator = clone(self).set_params(ccp_alpha=0.0)
        estimator.fit(X, y, sample_weight=sample_weight)
        return Bunch(**pruning_path(estimator.tree_))


class DecisionTreeClassifier(ClassifierMixin, BaseDecisionTree):
    """A decision tree classifier (CART).

    Each split maximises the information gain of the course,
    IG = (N_t/N_X)·[G(X) − (N_tR/N_t)·G(X_R) − (N_tL/N_t)·G(X_L)], with G the Gini index
    1 − Σ_c p_c² or the entropy −Σ_c p_c log₂ p_c; a leaf predicts its class fractions.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}, default "gini"
        G; "log_loss" is the entropy.
    splitter : {"best", "random"}, default "best"
        "random" draws one threshold per visited feature (extremely randomised trees).
    max_depth : int or None, default None
    min_samples_split : int or float, default 2
        Smallest node that may be split (a float: a fraction of n_samples, rounded up).
    min_samples_leaf : int or float, default 1
        Smallest number of samples in a child.
    min_weight_fraction_leaf : float, default 0.0
        Smallest fraction of the total weight in a child.
    max_features : int, float, "sqrt", "log2" or None, default None
        Features drawn at each node (None: all, in a random order).
    random_state : int, RandomState or None
        Seeds the feature draws; the same integer gives scikit-learn's tree.
    max_leaf_nodes : int or None, default None
        Grow best first (largest IG first) up to this many leaves.
    min_impurity_decrease : float, default 0.0
        A node is split only if IG ≥ this.
    class_weight : dict, list of dicts, "balanced" or None
        Multiplies the sample weights; "balanced": n / (n_classes · n_c).
    ccp_alpha : float, default 0.0
        Minimal cost-complexity pruning: prune the subtrees whose effective α ≤ ccp_alpha.

    Attributes
    ----------
    classes_ : ndarray (or list of ndarrays for several outputs)
    n_classes_ : int (or ndarray)
    n_features_in_, feature_names_in_, n_outputs_, max_features_ : as in scikit-learn
    tree_ : konspekt.models.tree.tree_structure.Tree
    feature_importances_ : ndarray (n_features,)

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> tree.get_n_leaves(), round(tree.score(X, y), 2)
    (3, 0.96)
    """

    _is_classifier = True

    def __init__(self, *, criterion="gini", splitter="best", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features=None,
                 random_state=None, max_leaf_nodes=None, min_impurity_decrease=0.0,
                 class_weight=None, ccp_alpha=0.0):
        super().__init__(criterion=criterion, splitter=splitter, max_depth=max_depth,
                         min_samples_split=min_samples_split, min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         random_state=random_state, min_impurity_decrease=min_impurity_decrease,
                         class_weight=class_weight, ccp_alpha=ccp_alpha)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on (X, y) with optional sample weights; return ``self``."""
        return self._fit(X, y, sample_weight)

    def predict(self, X):
        """The most probable class of each sample."""
        X = self._validate_X_predict(X)
        proba = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return self.classes_.take(np.argmax(proba, axis=1), axis=0)
        predictions = np.zeros((proba.shape[0], self.n_outputs_), dtype=self.classes_[0].dtype)
        for k in range(self.n_outputs_):
            predictions[:, k] = self.classes_[k].take(np.argmax(proba[:, k], axis=1), axis=0)
        return predictions

    def predict_proba(self, X):
        """The class fractions of the leaf each sample reaches (a list for several outputs)."""
        X = self._validate_X_predict(X)
        proba = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return proba[:, :self.n_classes_]
        return [proba[:, k, :self.n_classes_[k]] for k in range(self.n_outputs_)]

    def predict_log_proba(self, X):
        """log of ``predict_proba`` (−inf for a zero fraction)."""
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if self.n_outputs_ == 1:
                return np.log(proba)
            return [np.log(p) for p in proba]


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    """A decision tree regressor (CART).

    Each split maximises IG = (N_t/N_X)·[G(X) − (N_tR/N_t)·G(X_R) − (N_tL/N_t)·G(X_L)] with G
    the weighted variance ("squared_error"; "friedman_mse" ranks the splits identically),
    the mean absolute deviation from the median ("absolute_error") or half the Poisson
    deviance ("poisson"); a leaf predicts the weighted mean (median) of its targets.

    Parameters
    ----------
    criterion : {"squared_error", "friedman_mse", "absolute_error", "poisson"}
    splitter, max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    max_features, random_state, max_leaf_nodes, min_impurity_decrease, ccp_alpha
        As for ``DecisionTreeClassifier``.

    Attributes
    ----------
    n_features_in_, feature_names_in_, n_outputs_, max_features_, tree_, feature_importances_

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> DecisionTreeRegressor(max_depth=1).fit(X, X.ravel() > 3).predict([[1.0], [6.0]])
    array([0., 1.])
    """

    _is_classifier = False

    def __init__(self, *, criterion="squared_error", splitter="best", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=None, random_state=None, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, ccp_alpha=0.0):
        super().__init__(criterion=criterion, splitter=splitter, max_depth=max_depth,
                         min_samples_split=min_samples_split, min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         random_state=random_state, min_impurity_decrease=min_impurity_decrease,
                         ccp_alpha=ccp_alpha)

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on (X, y) with optional sample weights; return ``self``."""
        return self._fit(X, y, sample_weight)

    def predict(self, X):
        """The value of the leaf each sample reaches."""
        X = self._validate_X_predict(X)
        proba = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return proba[:, 0]
        return proba[:, :, 0]


class ExtraTreeClassifier(DecisionTreeClassifier):
    """An extremely randomised tree classifier: at each node, one uniformly drawn threshold
    per visited feature, the best of those splits kept (Geurts et al., 2006).

    Parameters and attributes as ``DecisionTreeClassifier``, with the defaults
    ``splitter="random"`` and ``max_features="sqrt"``.

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> ExtraTreeClassifier(random_state=0).fit(X, y).score(X, y)
    1.0
    """

    def __init__(self, *, criterion="gini", splitter="random", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", random_state=None, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, class_weight=None, ccp_alpha=0.0):
        super().__init__(criterion=criterion, splitter=splitter, max_depth=max_depth,
                         min_samples_split=min_samples_split, min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         random_state=random_state, min_impurity_decrease=min_impurity_decrease,
                         class_weight=class_weight, ccp_alpha=ccp_alpha)


class ExtraTreeRegressor(DecisionTreeRegressor):
    """An extremely randomised tree regressor (see ``ExtraTreeClassifier``), with the
    defaults ``splitter="random"`` and ``max_features=1.0``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> ExtraTreeRegressor(random_state=0).fit(X, X.ravel()).predict([[3.0]])
    array([3.])
    """

    def __init__(self, *, criterion="squared_error", splitter="random", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, random_state=None, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, ccp_alpha=0.0):
        super().__init__(criterion=criterion, splitter=splitter, max_depth=max_depth,
                         min_samples_split=min_samples_split, min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         random_state=random_state, min_impurity_decrease=min_impurity_decrease,
                         ccp_alpha=ccp_alpha)
