"""Multi-layer perceptrons with scikit-learn's API: ``MLPClassifier`` and ``MLPRegressor``
(the network, the loss and the solvers are in ``base.py``)."""

import numpy as np
import scipy.sparse as sp

from ...base import (ClassifierMixin, RegressorMixin, check_is_fitted, column_or_1d,
                     type_of_target, unique_labels, validate_data)
from ...metrics import accuracy_score, r2_score
from .base import BaseMultilayerPerceptron, _invalid

__all__ = ["MLPClassifier", "MLPRegressor"]

_SHARED_PARAMETERS = """
    hidden_layer_sizes : array-like of int, default (100,)
        n_l, the width of each hidden layer.
    activation : {'identity', 'logistic', 'tanh', 'relu'}, default 'relu'
        The hidden activation g: x, 1 / (1 + e^{−x}), tanh x or max(0, x).
    solver : {'lbfgs', 'sgd', 'adam'}, default 'adam'
    alpha : float, default 1e-4
        α, the strength of the L2 penalty (divided by the batch's total weight, as above).
    batch_size : int or 'auto', default 'auto'
        The mini-batch size of 'sgd' and 'adam'; 'auto' is min(200, n_samples).
    learning_rate : {'constant', 'invscaling', 'adaptive'} or float, default 'constant'
        The schedule of 'sgd': η_t = η₀, η₀ / (t + 1)^power_t with t the samples seen, or η₀
        divided by 5 whenever n_iter_no_change epochs bring no progress. A float (the course's
        ``MLPRegressor(learning_rate=0.001)``) is η₀ itself with the constant schedule, and
        overrides ``learning_rate_init``.
    learning_rate_init : float, default 1e-3
        η₀, for 'sgd' and 'adam'.
    power_t : float, default 0.5
    max_iter : int, default 200
        Epochs for 'sgd' / 'adam'; iterations for 'lbfgs'.
    shuffle : bool, default True
        Shuffle the samples at each epoch.
    random_state : int, RandomState or None
        Seeds the initial weights, the shuffling and the validation split.
    tol : float, default 1e-4
    verbose : bool, default False
    warm_start : bool, default False
        Start ``fit`` from the current weights (which may be set by hand).
    momentum : float, default 0.9
    nesterovs_momentum : bool, default True
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the training set (stratified for binary labels) and
        stop when its score (accuracy or R²) has not improved by ``tol`` for more than
        ``n_iter_no_change`` epochs; the best weights are kept.
    validation_fraction : float, default 0.1
    beta_1, beta_2, epsilon : float, default 0.9, 0.999, 1e-8
        Adam's β₁, β₂ and ε.
    n_iter_no_change : int, default 10
    max_fun : int, default 15000
        The most loss evaluations for 'lbfgs'.
"""

_SHARED_ATTRIBUTES = """
    loss_ : float
        J at the end of training (the mean over the last epoch's batches for 'sgd' / 'adam').
    best_loss_ : float or None
        The lowest ``loss_curve_`` value (None with early stopping).
    loss_curve_ : list of float
        The loss of each epoch ('sgd' / 'adam').
    validation_scores_ : list of float or None
        The score on the held-out set at each epoch, with early stopping.
    best_validation_score_ : float or None
    t_ : int
        The number of training samples seen by the stochastic solver.
    coefs_ : list of ndarray
        W_l, of shape (n_{l−1}, n_l).
    intercepts_ : list of ndarray
        b_l, of shape (n_l,).
    n_features_in_ : int
    n_iter_ : int
    n_layers_ : int
        L + 1 (input, hidden and output layers).
    n_outputs_ : int
    out_activation_ : str
"""


class MLPClassifier(ClassifierMixin, BaseMultilayerPerceptron):
    # The docstring shares its parameter and attribute lists with the other perceptron.
    __doc__ = ("""A multi-layer perceptron trained on the cross-entropy (log-loss).

    See ``BaseMultilayerPerceptron`` for the network, the loss and the solvers. The output is a
    softmax over the classes for multiclass targets, a logistic unit for binary targets (the
    probability of ``classes_[1]``) and one logistic unit per label for multilabel targets.

    Parameters
    ----------""" + _SHARED_PARAMETERS + """
    Attributes
    ----------
    classes_ : ndarray
        The class labels (0 … n_labels − 1 for a multilabel target).""" + _SHARED_ATTRIBUTES + """
    Examples
    --------
    >>> from konspekt.models.neural import MLPClassifier
    >>> X = [[0., 0.], [0., 1.], [1., 0.], [1., 1.]]
    >>> model = MLPClassifier((8,), solver="lbfgs", random_state=0).fit(X, [0, 1, 1, 0])
    >>> model.predict(X).tolist()
    [0, 1, 1, 0]
    """)

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        super().__init__(hidden_layer_sizes=hidden_layer_sizes, activation=activation,
                         solver=solver, alpha=alpha, batch_size=batch_size,
                         learning_rate=learning_rate, learning_rate_init=learning_rate_init,
                         power_t=power_t, max_iter=max_iter, loss="log_loss", shuffle=shuffle,
                         random_state=random_state, tol=tol, verbose=verbose,
                         warm_start=warm_start, momentum=momentum,
                         nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
                         validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _output_activation(self):
        return "softmax" if self._y_type == "multiclass" else "logistic"

    def _set_classes(self, y):
        """Record the label coding (scikit-learn's LabelBinarizer): one column for two classes,
        one-hot columns for more, the indicator matrix itself for multilabel targets."""
        y_type = type_of_target(y, input_name="y")
        if "multioutput" in y_type:
            raise ValueError("Multioutput target data is not supported with label binarization")
        self._y_type = "binary" if y_type == "binary" else y_type
        self.classes_ = unique_labels(y)

    def _binarize(self, y):
        if self._y_type == "multilabel-indicator":
            return np.asarray(y.toarray() if sp.issparse(y) else y) != 0
        if len(self.classes_) == 1:
            return np.zeros((len(y), 1), dtype=bool)
        if self._y_type == "binary":
            return (y == self.classes_[1]).reshape(-1, 1)
        return y.reshape(-1, 1) == self.classes_.reshape(1, -1)

    def _decode(self, output):
        """Labels from the outputs (probabilities or codes): the arg-max for multiclass, the
        0.5 threshold otherwise."""
        output = np.asarray(output)
        if self._y_type == "multiclass":
            return self.classes_.take(np.argmax(output, axis=1))
        positive = (output > 0.5).astype(int)
        if self._y_type == "multilabel-indicator":
            return positive
        if len(self.classes_) == 1:
            return np.repeat(self.classes_[0], len(output))
        return self.classes_[positive.ravel()]

    def _score_function(self, y_true, y_pred, sample_weight=None):
        return accuracy_score(y_true, y_pred, sample_weight=sample_weight)

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             dtype=(np.float64, np.float32), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._set_classes(y)
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError("warm_start can only be used where `y` has the same classes "
                                     "as in the previous call to fit. Previously got "
                                     f"{self.classes_}, `y` has {classes}")
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(f"`y` has classes not in `self.classes_`. `self.classes_` has "
                                 f"{self.classes_}. 'y' has {classes}.")
        return X, self._binarize(y)

    @property
    def partial_fit(self):
        """Update the model with one epoch over X, y ('sgd' and 'adam' only).

        The returned method takes ``(X, y, sample_weight=None, classes=None)``; ``classes``
        (all the labels that will ever come) is required on the first call.
        """
        self._check_stochastic()
        return self._partial_fit

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        if getattr(self, "classes_", None) is None:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            if type_of_target(y).startswith("multilabel"):
                self._set_classes(y)
            else:
                self._set_classes(np.asarray(classes))
        elif classes is not None and not np.array_equal(self.classes_, unique_labels(classes)):
            raise ValueError(f"`classes={classes!r}` is not the same as on last call to "
                             f"partial_fit, was: {self.classes_!r}")
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """The predicted labels, shape (n_samples,) (or (n_samples, n_labels) for multilabel)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        return self._decode(self._forward_pass_fast(X))

    def predict_proba(self, X):
        """P(class | x), shape (n_samples, n_classes), in the order of ``classes_``."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        output = self._forward_pass_fast(X)
        if self.n_outputs_ == 1:
            positive = output.ravel()
            return np.vstack([1 - positive, positive]).T
        return output

    def predict_log_proba(self, X):
        """log P(class | x), the logarithm of ``predict_proba``."""
        probabilities = self.predict_proba(X)
        return np.log(probabilities, out=probabilities)


class MLPRegressor(RegressorMixin, BaseMultilayerPerceptron):
    # The docstring shares its parameter and attribute lists with the other perceptron.
    __doc__ = ("""A multi-layer perceptron trained on the squared error (or the Poisson deviance).

    See ``BaseMultilayerPerceptron`` for the network, the loss and the solvers. The output layer
    is linear (ŷ = z) for ``loss='squared_error'``, ℓ = ½‖y − ŷ‖², and exponential (ŷ = e^z)
    for ``loss='poisson'``, ℓ = y log(y/ŷ) − y + ŷ.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default 'squared_error'""" + _SHARED_PARAMETERS + """
    Attributes
    ----------""" + _SHARED_ATTRIBUTES + """
    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.neural import MLPRegressor
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> model = MLPRegressor(hidden_layer_sizes=(20,), solver="lbfgs", random_state=0)
    >>> bool(model.fit(X, X.ravel() ** 2).score(X, X.ravel() ** 2) > 0.95)
    True
    """)

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        super().__init__(hidden_layer_sizes=hidden_layer_sizes, activation=activation,
                         solver=solver, alpha=alpha, batch_size=batch_size,
                         learning_rate=learning_rate, learning_rate_init=learning_rate_init,
                         power_t=power_t, max_iter=max_iter, loss=loss, shuffle=shuffle,
                         random_state=random_state, tol=tol, verbose=verbose,
                         warm_start=warm_start, momentum=momentum,
                         nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
                         validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun)

    def _output_activation(self):
        return "exp" if self.loss == "poisson" else "identity"

    def _decode(self, output):
        return output.ravel() if output.shape[1] == 1 else output

    def _score_function(self, y_true, y_pred, sample_weight=None):
        return r2_score(y_true, y_pred, sample_weight=sample_weight)

    def _validate_input(self, X, y, incremental, reset):
        if self.loss not in ("squared_error", "poisson"):
            raise _invalid(self, "loss", "a str among {'squared_error', 'poisson'}", self.loss)
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             y_numeric=True, dtype=(np.float64, np.float32), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    @property
    def partial_fit(self):
        """Update the model with one epoch over X, y ('sgd' and 'adam' only); the returned
        method takes ``(X, y, sample_weight=None)``."""
        self._check_stochastic()
        return self._partial_fit

    def _partial_fit(self, X, y, sample_weight=None):
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """ŷ, shape (n_samples,) or (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        return self._decode(self._forward_pass_fast(X))
