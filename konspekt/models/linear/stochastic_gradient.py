"""Linear models fitted by stochastic gradient descent, with scikit-learn's API:
``SGDClassifier`` (one-vs-rest for K ≥ 3 classes: K binary models, y_k = +1 for class k and
−1 otherwise, all updated in the same pass over the data, each with its own stopping rule) and
``SGDRegressor``. The algorithm is in ``sgd_base``, the losses in ``sgd_losses``; both have
``fit`` (epochs until the stopping rule) and ``partial_fit`` (one epoch per call, continuing).
"""

import warnings

import numpy as np
from scipy.special import expit

from konspekt.base import (ClassifierMixin, ConvergenceWarning, RegressorMixin,
                           check_classification_targets, check_is_fitted, check_sample_weight,
                           validate_data)

from .logistic import compute_class_weight
from .sgd_base import BaseSGD
from .sgd_losses import CLASSIFICATION_LOSSES, REGRESSION_LOSSES

__all__ = ["SGDClassifier", "SGDRegressor"]


def _warn_if_not_converged(estimator):
    if estimator.tol is not None and estimator.n_iter_ == estimator.max_iter:
        warnings.warn("Maximum number of iteration reached before convergence. Consider "
                      "increasing max_iter to improve the fit.", ConvergenceWarning,
                      stacklevel=3)


class _available_if_probabilistic:
    """A method that exists only for loss='log_loss' or 'modified_huber' (``hasattr`` is
    False otherwise), as scikit-learn's ``available_if``."""

    def __init__(self, method):
        self.method = method
        self.__doc__ = method.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if instance.loss not in ("log_loss", "modified_huber"):
            raise AttributeError(f"probability estimates are not available for loss="
                                 f"{instance.loss!r}")
        return self.method.__get__(instance, owner)


class SGDClassifier(ClassifierMixin, BaseSGD):
    """Linear classifier (SVM, logistic regression, perceptron …) fitted by the course's
    stochastic gradient algorithm (``sgd_base``) with the margin losses of ``sgd_losses``. It
    minimises (1/ℓ) Σᵢ sᵢ L(Mᵢ) + α R(w), R = ½(1 − ρ)‖w‖² + ρ‖w‖₁. X may be sparse (CSR).

    Parameters
    ----------
    loss : str, default='hinge'
        'hinge', 'log_loss', 'modified_huber', 'squared_hinge', 'perceptron', the course's
        'exponential' and 'sigmoid', or a regression loss on y ∈ {−1, +1}.
    penalty : {'l2', 'l1', 'elasticnet', None}, default='l2'
    alpha : float, default=1e-4
        Regularisation strength α (also sets the 'optimal' learning rate).
    l1_ratio : float, default=0.15
        ρ, the L1 share of an elastic-net penalty.
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        Maximum number of epochs.
    tol : float or None, default=1e-3
        Stop when the epoch's mean objective has not fallen below best − tol for
        ``n_iter_no_change`` epochs; None runs ``max_iter`` epochs.
    shuffle : bool, default=True
        Shuffle the objects every epoch.
    verbose : int, default=0
    epsilon : float, default=0.1
        ε of the 'huber' and epsilon-insensitive losses.
    n_jobs : int or None, default=None
        Unused (the one-vs-rest models run in one vectorised pass).
    random_state : int, RandomState or None, default=None
    learning_rate : {'optimal', 'constant', 'invscaling', 'adaptive'}, default='optimal'
    eta0 : float, default=0.01
    power_t : float, default=0.5
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop when its accuracy stalls.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=5
    class_weight : dict or 'balanced', default=None
    warm_start : bool, default=False
    average : bool or int, default=False
        Average the weights over the updates (from update ``average`` on).
    forgetting_rate : float or None, default=None
        λ of the course's estimate Q ← (1 − λ)Q + λL_i; None means 1/ℓ.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        The weights (averaged ones with ``average``, once averaging has begun).
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Epochs run by the last ``fit`` (1 after ``partial_fit``).
    t_ : float
        The number of updates plus one (it carries on over ``partial_fit`` calls).
    functional_estimate_ : ndarray of shape (1 or K,)
        The course's running estimate Q of the functional at the end.
    functional_history_ : ndarray of shape (n_epochs + 1, 1 or K)
        Q at the start and after each epoch (``partial_fit`` appends one entry per call).
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when X has feature names

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear.stochastic_gradient import SGDClassifier
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> SGDClassifier(random_state=0).fit(X, [0, 0, 1, 1]).predict([[-3.0], [3.0]]).tolist()
    [0, 1]
    """

    _losses = CLASSIFICATION_LOSSES

    def __init__(self, loss="hinge", *, penalty="l2", alpha=0.0001, l1_ratio=0.15,
                 fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, verbose=0,
                 epsilon=0.1, n_jobs=None, random_state=None, learning_rate="optimal",
                 eta0=0.01, power_t=0.5, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, class_weight=None, warm_start=False, average=False,
                 forgetting_rate=None):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.average = average
        self.forgetting_rate = forgetting_rate

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SG: epochs until the stopping rule (or ``max_iter``), from zero weights
        (or ``coef_init`` / ``intercept_init``, or the fitted ones with ``warm_start``).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        coef_init : ndarray of shape (n_classes, n_features), optional
        intercept_init : ndarray of shape (n_classes,), optional
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        self._check_params()
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, order="C")
        check_classification_targets(y)
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"The number of classes has to be greater than one; got "
                             f"{len(classes)} class")
        self.classes_ = classes
        self._reset(1 if len(classes) == 2 else len(classes), X.shape[1], coef_init,
                    intercept_init)
        self._fit_epochs(X, y, sample_weight, self.max_iter)
        _warn_if_not_converged(self)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One SG epoch over the objects given, continuing from the previous call (the
        weights, the update counter t of the learning-rate schedule, the averages and the
        functional estimate Q), as scikit-learn's ``partial_fit``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), optional
            All the classes, required on the first call (y need not contain them all).
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        first_call = not hasattr(self, "classes_")
        if first_call:
            self._check_params()
            if isinstance(self.class_weight, str) and self.class_weight == "balanced":
                raise ValueError("class_weight 'balanced' is not supported for partial_fit. "
                                 "In order to use 'balanced' weights, use "
                                 "compute_class_weight('balanced', classes=classes, y=y). In "
                                 "place of y you can use a large enough sample of the full "
                                 "training set target to properly estimate the class "
                                 "frequency distributions. Pass the resulting weights as the "
                                 "class_weight parameter.")
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"`classes={classes!r}` is not the same as on last call to "
                             f"partial_fit, was: {self.classes_!r}")
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, order="C",
                             reset=first_call)
        check_classification_targets(y)
        if first_call:
            self.classes_ = np.unique(classes)
            if len(self.classes_) < 2:
                raise ValueError(f"The number of classes has to be greater than one; got "
                                 f"{len(self.classes_)} class")
            n_models = 1 if len(self.classes_) == 2 else len(self.classes_)
            self._reset(n_models, X.shape[1], None, None)
        unknown = np.setdiff1d(y, self.classes_)
        if len(unknown):
            raise ValueError(f"y contains labels not in classes: {unknown.tolist()}; pass "
                             f"every class in `classes` on the first call to partial_fit.")
        self._fit_epochs(X, y, sample_weight, 1)
        return self

    def _fit_epochs(self, X, y, sample_weight, max_iter):
        """Run the SG epochs on the ±1 targets of the one-vs-rest models."""
        classes = self.classes_
        codes = np.searchsorted(classes, y)
        s = check_sample_weight(sample_weight, X, dtype=np.float64)
        class_weight = compute_class_weight(self.class_weight, classes, y)
        if len(classes) == 2:
            Y = np.where(codes == 1, 1.0, -1.0)[:, None]
            S = (s * class_weight[codes])[:, None]
        else:
            Y = np.where(codes[:, None] == np.arange(len(classes)), 1.0, -1.0)
            # Model k weighs its positives by the weight of class k, its negatives by 1.
            S = s[:, None] * np.where(Y > 0, class_weight, 1.0)
        epochs = self._run(X, Y, S, self._validation_accuracy, max_iter)
        self.coef_, self.intercept_ = self._published_weights()
        self.n_iter_ = int(epochs.max())

    @staticmethod
    def _validation_accuracy(X, Y, W, b):
        return np.mean(np.sign(X @ W.T + b) == Y, axis=0)

    def decision_function(self, X):
        """Signed distances ⟨w_k, x⟩ + b_k: (n_samples,) for two classes, else
        (n_samples, n_classes)."""
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

    @_available_if_probabilistic
    def predict_proba(self, X):
        """Probabilities, for loss='log_loss' (σ(score)) or 'modified_huber'
        ((clip(score, −1, 1) + 1)/2); one-vs-rest ones normalised over the classes."""
        scores = self.decision_function(X)
        if self.loss == "log_loss":
            p = expit(scores)
        else:
            p = (np.clip(scores, -1, 1) + 1) / 2
        if p.ndim == 1:
            return np.column_stack([1 - p, p])
        total = p.sum(axis=1, keepdims=True)
        return np.where(total == 0, 1.0 / p.shape[1], p / np.where(total == 0, 1, total))

    @_available_if_probabilistic
    def predict_log_proba(self, X):
        """log of ``predict_proba``."""
        return np.log(self.predict_proba(X))


class SGDRegressor(RegressorMixin, BaseSGD):
    """Linear regression fitted by the course's stochastic gradient algorithm (see
    ``sgd_base``), minimising (1/ℓ) Σᵢ sᵢ L(a(xᵢ) − yᵢ) + α R(w). X may be sparse (CSR).

    Parameters
    ----------
    loss : {'squared_error', 'huber', 'epsilon_insensitive', 'squared_epsilon_insensitive'},
        default='squared_error'
    penalty, alpha, l1_ratio, fit_intercept, max_iter, tol, shuffle, verbose, epsilon,
    random_state, early_stopping (on the validation R²), validation_fraction,
    n_iter_no_change, warm_start, average, forgetting_rate : as ``SGDClassifier``.
    learning_rate : default='invscaling'
    eta0 : float, default=0.01
    power_t : float, default=0.25

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : ndarray of shape (1,)
    n_iter_, t_, functional_estimate_ (1,), functional_history_ (n_epochs + 1, 1),
    n_features_in_, feature_names_in_ : as ``SGDClassifier``.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear.stochastic_gradient import SGDRegressor
    >>> X = np.linspace(-1, 1, 50)[:, None]
    >>> model = SGDRegressor(alpha=0, tol=None, max_iter=200, random_state=0).fit(X, 3 * X[:, 0])
    >>> round(float(model.coef_[0]), 1)
    3.0
    """

    _losses = REGRESSION_LOSSES

    def __init__(self, loss="squared_error", *, penalty="l2", alpha=0.0001, l1_ratio=0.15,
                 fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, verbose=0,
                 epsilon=0.1, random_state=None, learning_rate="invscaling", eta0=0.01,
                 power_t=0.25, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, warm_start=False, average=False, forgetting_rate=None):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.average = average
        self.forgetting_rate = forgetting_rate

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SG: epochs until the stopping rule (or ``max_iter``).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        coef_init : ndarray of shape (n_features,), optional
        intercept_init : ndarray of shape (1,), optional
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        self._check_params()
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, order="C",
                             y_numeric=True)
        self._reset(1, X.shape[1], coef_init, intercept_init)
        self._fit_epochs(X, y, sample_weight, self.max_iter)
        _warn_if_not_converged(self)
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """One SG epoch over the objects given, continuing from the previous call (weights,
        update counter t, averages, functional estimate Q), as scikit-learn's
        ``partial_fit``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        first_call = getattr(self, "coef_", None) is None
        if first_call:
            self._check_params()
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, order="C",
                             y_numeric=True, reset=first_call)
        if first_call:
            self._reset(1, X.shape[1], None, None)
        self._fit_epochs(X, y, sample_weight, 1)
        return self

    def _fit_epochs(self, X, y, sample_weight, max_iter):
        s = check_sample_weight(sample_weight, X, dtype=np.float64)
        epochs = self._run(X, y[:, None].astype(np.float64), s[:, None],
                           self._validation_r2, max_iter)
        coef, self.intercept_ = self._published_weights()
        self.coef_ = coef[0]
        self.n_iter_ = int(epochs.max())

    @staticmethod
    def _validation_r2(X, Y, W, b):
        residual = ((Y - X @ W.T - b) ** 2).sum(axis=0)
        total = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
        return 1 - residual / np.where(total == 0, 1, total)

    def predict(self, X):
        """a(x) = ⟨w, x⟩ + b."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_[0]
