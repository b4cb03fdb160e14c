"""Stacked generalisation: ``StackingClassifier`` and ``StackingRegressor``, with scikit-learn's
parameters and attributes.

Stacking learns how to combine M different models h_1 … h_M instead of fixing the weights:

1. for each member m, its cross-validated predictions z_m(x_i) — the prediction of the copy of
   h_m fitted on the folds that leave sample i out (``cross_val_predict`` with ``cv``), so that
   no member is judged on data it was fitted on;
2. the meta-features z(x_i) = (z_1(x_i), …, z_M(x_i)) (followed by x_i itself when
   ``passthrough``); the final model g is fitted on (z(x_i), y_i);
3. each member is refitted on all the data, and ŷ(x) = g(h_1(x), …, h_M(x)).

A classifier member contributes its class probabilities (``stack_method="auto"`` takes the
first of ``predict_proba``, ``decision_function``, ``predict`` that it has); with two classes
only the second probability column is kept, the first being 1 minus it.

Reference: D. H. Wolpert, "Stacked generalization", Neural Networks 5 (1992).
"""

import copy

import numpy as np
import scipy.sparse as sp

from ...base import (ClassifierMixin, RegressorMixin, TransformerMixin,
                     check_classification_targets, check_is_fitted, clone, column_or_1d,
                     is_classifier)
from ...base.output import feature_names_in
from ...data.datasets.base import Bunch
from ...model_selection import check_cv, cross_val_predict
from ...preprocessing.label import LabelEncoder
from .ensemble_base import BaseHeterogeneousEnsemble, _is_drop, run_parallel

__all__ = ["StackingClassifier", "StackingRegressor"]


def _fit_member(estimator, X, y, fit_params):
    return estimator.fit(X, y, **fit_params)


def _cross_val_predict(estimator, X, y, cv, method, fit_params, n_jobs):
    return cross_val_predict(estimator, X, y, cv=cv, method=method, params=fit_params,
                             n_jobs=n_jobs)


class BaseStacking(TransformerMixin, BaseHeterogeneousEnsemble):
    """Fitting of the members and of the final model, shared by both stacking estimators."""

    def _method_name(self, name, estimator, method):
        if _is_drop(estimator):
            return None
        candidates = self._auto_methods if method == "auto" else [method]
        for candidate in candidates:
            if hasattr(estimator, candidate):
                return candidate
        raise ValueError(f"Underlying estimator {name} does not implement the method "
                         f"{method}.")

    def _validate_final_estimator(self):
        self.final_estimator_ = clone(self._default_final_estimator()
                                      if self.final_estimator is None
                                      else self.final_estimator)

    def _fit(self, X, y, sample_weight=None, **fit_params):
        names, estimators = self._validate_estimators()
        self._validate_final_estimator()
        if sample_weight is not None:
            fit_params["sample_weight"] = np.asarray(sample_weight)
        stack_method = getattr(self, "stack_method", "auto")
        prefit = isinstance(self.cv, str) and self.cv == "prefit"
        if prefit:
            self.estimators_ = []
            for estimator in estimators:
                if not _is_drop(estimator):
                    check_is_fitted(estimator)
                    self.estimators_.append(estimator)
        else:
            self.estimators_ = run_parallel(
                _fit_member, [(clone(estimator), X, y, fit_params) for estimator in estimators
                              if not _is_drop(estimator)], self.n_jobs)
        self.named_estimators_ = Bunch()
        fitted = iter(self.estimators_)
        for name, estimator in zip(names, estimators):
            member = estimator if _is_drop(estimator) else next(fitted)
            self.named_estimators_[name] = member
            if hasattr(member, "feature_names_in_"):
                self.feature_names_in_ = member.feature_names_in_
        methods = [self._method_name(name, estimator, stack_method)
                   for name, estimator in zip(names, estimators)]
        if prefit:
            predictions = [getattr(member, method)(X) for member, method
                           in zip(self.estimators_, [m for m in methods if m is not None])]
        else:
            cv = check_cv(self.cv, y=y, classifier=is_classifier(self))
            if hasattr(cv, "random_state") and cv.random_state is None:
                # One fixed shuffle shared by every member, so that all are cross-validated
                # on the same folds.
                cv.random_state = np.random.RandomState()
            predictions = run_parallel(
                _cross_val_predict,
                [(clone(estimator), X, y, copy.deepcopy(cv), method, fit_params, self.n_jobs)
                 for estimator, method in zip(estimators, methods)
                 if not _is_drop(estimator)], self.n_jobs)
        self.stack_method_ = [method for method in methods if method is not None]
        meta_features = self._concatenate_predictions(X, predictions)
        self.final_estimator_.fit(meta_features, y, **fit_params)
        return self

    def _concatenate_predictions(self, X, predictions):
        """The meta-features z(x): the members' outputs side by side (and X when
        ``passthrough``)."""
        columns = []
        for method, prediction in zip(self.stack_method_, predictions):
            if prediction.ndim == 1:
                columns.append(prediction.reshape(-1, 1))
            elif method == "predict_proba" and len(getattr(self, "classes_", ())) == 2:
                # p(first class) = 1 − p(second): a collinear column the final model needs not.
                columns.append(prediction[:, 1:])
            else:
                columns.append(prediction)
        self._n_feature_outs = [column.shape[1] for column in columns]
        if self.passthrough:
            columns.append(X)
            if sp.issparse(X):
                return sp.hstack(columns, format=X.format)
        return np.hstack(columns)

    def transform(self, X):
        """The meta-features z(x) of X: the fitted members' outputs (and X when
        ``passthrough``)."""
        check_is_fitted(self)
        predictions = [getattr(member, method)(X)
                       for member, method in zip(self.estimators_, self.stack_method_)]
        return self._concatenate_predictions(X, predictions)

    def get_feature_names_out(self, input_features=None):
        """Names of ``transform``'s columns: "<class>_<member>" per output column (with the
        class index when a member gives several), then the input names when
        ``passthrough``."""
        check_is_fitted(self, "n_features_in_")
        input_names = feature_names_in(self, input_features, generate_names=self.passthrough)
        prefix = type(self).__name__.lower()
        names = []
        active = [name for name, estimator in self.estimators if not _is_drop(estimator)]
        for name, n_outputs in zip(active, self._n_feature_outs):
            if n_outputs == 1:
                names.append(f"{prefix}_{name}")
            else:
                names += [f"{prefix}_{name}{k}" for k in range(n_outputs)]
        if self.passthrough:
            names += list(input_names)
        return np.asarray(names, dtype=object)


class StackingClassifier(ClassifierMixin, BaseStacking):
    """A final classifier fitted on the cross-validated outputs of the member classifiers
    (see the module docstring for the steps): ŷ(x) = g(z_1(x), …, z_M(x)).

    Parameters
    ----------
    estimators : list of (str, classifier) pairs
        The members; a member may be ``"drop"``.
    final_estimator : classifier, default None
        g; None means ``LogisticRegression()``.
    cv : int, cross-validator, iterable of splits, "prefit" or None, default None
        The folds for the members' out-of-fold outputs (None: 5-fold, stratified); "prefit":
        the members are fitted already and their outputs on X are used as they are.
    stack_method : {"auto", "predict_proba", "decision_function", "predict"}, default "auto"
    n_jobs : int or None, default None
    passthrough : bool, default False
        Also give X to the final classifier.
    verbose : int, default 0

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    estimators_ : list of classifiers
        The members refitted on all the data.
    named_estimators_ : Bunch
    final_estimator_ : classifier
    stack_method_ : list of str
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> from konspekt.models.linear import LogisticRegression, SGDClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> model = StackingClassifier([("lr", LogisticRegression(max_iter=500)),
    ...                             ("sgd", SGDClassifier(random_state=0))]).fit(X, y)
    >>> model.score(X, y) > 0.9
    True
    """

    _auto_methods = ("predict_proba", "decision_function", "predict")

    def __init__(self, estimators, final_estimator=None, *, cv=None, stack_method="auto",
                 n_jobs=None, passthrough=False, verbose=0):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.cv = cv
        self.stack_method = stack_method
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose

    def _default_final_estimator(self):
        from ..linear import LogisticRegression
        return LogisticRegression()

    def _validate_final_estimator(self):
        super()._validate_final_estimator()
        if not is_classifier(self.final_estimator_):
            raise ValueError(f"'final_estimator' parameter should be a classifier. Got "
                             f"{self.final_estimator_}")

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the members, their out-of-fold outputs, and the final classifier on those.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Passed to the members and to the final classifier.
        **fit_params
            Passed to the members and to the final classifier.

        Returns
        -------
        self
        """
        check_classification_targets(y)
        if np.asarray(y).ndim > 1 and np.asarray(y).shape[1] > 1:
            raise ValueError("StackingClassifier supports a 1-D y only (no multilabel "
                             "or multi-output targets).")
        self._label_encoder = LabelEncoder().fit(y)
        self.classes_ = self._label_encoder.classes_
        return self._fit(X, self._label_encoder.transform(y), sample_weight, **fit_params)

    def predict(self, X):
        """g's predicted class for the meta-features of X."""
        check_is_fitted(self)
        return self._label_encoder.inverse_transform(self.final_estimator_.predict(
            self.transform(X)))

    @property
    def predict_proba(self):
        """g's class probabilities for the meta-features of X."""
        self._final_has("predict_proba")
        return self._predict_proba

    def _predict_proba(self, X):
        check_is_fitted(self)
        return self.final_estimator_.predict_proba(self.transform(X))

    @property
    def decision_function(self):
        """g's decision function for the meta-features of X."""
        self._final_has("decision_function")
        return self._decision_function

    def _decision_function(self, X):
        check_is_fitted(self)
        return self.final_estimator_.decision_function(self.transform(X))

    def _final_has(self, method):
        final = getattr(self, "final_estimator_", None)
        if final is None:
            final = self._default_final_estimator() if self.final_estimator is None \
                else self.final_estimator
        if not hasattr(final, method):
            raise AttributeError(f"This '{type(self).__name__}' has no attribute '{method}'")


class StackingRegressor(RegressorMixin, BaseStacking):
    """A final regressor fitted on the cross-validated predictions of the member regressors
    (see the module docstring for the steps): ŷ(x) = g(z_1(x), …, z_M(x)).

    Parameters
    ----------
    estimators : list of (str, regressor) pairs
    final_estimator : regressor, default None
        g; None means ``Ridge()`` (scikit-learn's default is ``RidgeCV()``, which konspekt
        does not have).
    cv, n_jobs, passthrough, verbose
        As in ``StackingClassifier`` (None: 5-fold).

    Attributes
    ----------
    estimators_, named_estimators_, final_estimator_, stack_method_
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear import LinearRegression, Ridge
    >>> X = np.arange(40.0).reshape(20, 2)
    >>> y = X @ [1.0, -1.0] + 2
    >>> model = StackingRegressor([("ols", LinearRegression()), ("ridge", Ridge())],
    ...                           final_estimator=LinearRegression()).fit(X, y)
    >>> bool(np.allclose(model.predict(X), y))
    True
    """

    _auto_methods = ("predict",)

    def __init__(self, estimators, final_estimator=None, *, cv=None, n_jobs=None,
                 passthrough=False, verbose=0):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.cv = cv
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose

    def _default_final_estimator(self):
        from ..linear import Ridge
        return Ridge()

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the members, their out-of-fold predictions, and the final regressor on those.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        **fit_params
            Passed to the members and to the final regressor.

        Returns
        -------
        self
        """
        y = column_or_1d(y, warn=True)
        return self._fit(X, y, sample_weight, **fit_params)

    def predict(self, X):
        """g's prediction for the meta-features of X."""
        check_is_fitted(self)
        return self.final_estimator_.predict(self.transform(X))
