"""Linear models fitted by stochastic gradient descent, with scikit-learn's API:
``SGDClassifier``, ``SGDRegressor`` and ``Perceptron``.

The course's SG algorithm, for a linear model a(x) = ⟨w, x⟩ + b and a loss L:

1. initialise w (zeros) and the functional estimate Q = (1/ℓ) Σᵢ L_i(w);
2. each epoch, go through the objects xᵢ (in a random order when ``shuffle``):
   compute L_i = L(yᵢ, a(xᵢ)) and its derivative g = ∂L_i/∂a, then
   w ← w(1 − η α(1 − ρ)) − η sᵢ g xᵢ,  b ← b − η sᵢ g  (L2 part: weight decay),
   an L1 part by the cumulative truncation of Tsuruoka et al. (as scikit-learn),
   and Q ← (1 − λ)Q + λ L_i (λ = ``forgetting_rate``), the running estimate of the
   functional Q(w) = Σᵢ L_i(w);
3. stop when the epoch's mean objective (1/ℓ) Σ(L_i + α R(w)) has not decreased by ``tol``
   for ``n_iter_no_change`` epochs (scikit-learn's rule), or after ``max_iter`` epochs.

Classification losses as functions of the margin M = y a(x), y ∈ {−1, +1}:
``'hinge'`` max(0, 1 − M); ``'log_loss'`` log(1 + e^{−M}); ``'perceptron'`` max(0, −M);
``'squared_hinge'`` max(0, 1 − M)²; ``'modified_huber'`` (1 − M)² for M ≥ −1 else −4M (0 for
M ≥ 1); the course's ``'exponential'`` e^{−M} and ``'sigmoid'`` 1/(1 + e^{M}); and the
regression losses below applied to y ∈ {−1, +1}. Regression losses of the residual r = a − y:
``'squared_error'`` ½r², ``'huber'`` ½r² for |r| ≤ ε else ε|r| − ½ε²,
``'epsilon_insensitive'`` max(0, |r| − ε), ``'squared_epsilon_insensitive'`` max(0, |r| − ε)².

Learning rates η_t (t counts the updates from 1): ``'constant'`` η₀; ``'optimal'``
1/(α(t₀ + t − 1)) with t₀ chosen so that the first step is about 1/(α √α)-scaled (Bottou's
heuristic, as scikit-learn); ``'invscaling'`` η₀ / t^power_t; ``'adaptive'`` η₀, divided by 5
whenever the stopping rule fires, until it falls below 10⁻⁶.

A multiclass classifier is one-vs-rest: K binary models, y_k = +1 for class k and −1 otherwise,
all updated in the same pass over the data, each with its own stopping rule.
"""

import numbers
import warnings

import numpy as np
from scipy.special import expit, log_expit

from konspekt.base import (BaseEstimator, ClassifierMixin, ConvergenceWarning, RegressorMixin,
                           check_classification_targets, check_is_fitted, check_random_state,
                           check_sample_weight, validate_data)

from .logistic import compute_class_weight

__all__ = ["SGDClassifier", "SGDRegressor", "Perceptron"]

# scikit-learn clips the loss derivative to ±10¹² so that one outlier cannot blow up w.
_MAX_DLOSS = 1e12


def _hinge(threshold):
    def loss(y, p):
        z = y * p
        hit = z <= threshold
        return np.where(hit, threshold - z, 0.0), np.where(hit, -y, 0.0)
    return loss


def _squared_hinge(y, p):
    z = 1.0 - y * p
    return np.where(z > 0, z * z, 0.0), np.where(z > 0, -2.0 * y * z, 0.0)


def _log_loss(y, p):
    z = y * p
    return -log_expit(z), -y * expit(-z)


def _modified_huber(y, p):
    z = y * p
    loss = np.where(z >= 1, 0.0, np.where(z >= -1, (1 - z) ** 2, -4.0 * z))
    grad = np.where(z >= 1, 0.0, np.where(z >= -1, -2.0 * (1 - z) * y, -4.0 * y))
    return loss, grad


def _exponential(y, p):
    # e^{−M}; the margin is clipped so that the loss stays finite.
    e = np.exp(np.minimum(-y * p, 50.0))
    return e, -y * e


def _sigmoid(y, p):
    # 1/(1 + e^{M}) = σ(−M); dL/dM = −σ(−M)σ(M).
    z = y * p
    return expit(-z), -y * expit(-z) * expit(z)


def _squared_error(y, p):
    r = p - y
    return 0.5 * r * r, r


def _huber(epsilon):
    def loss(y, p):
        r = p - y
        small = np.abs(r) <= epsilon
        return (np.where(small, 0.5 * r * r, epsilon * np.abs(r) - 0.5 * epsilon ** 2),
                np.where(small, r, epsilon * np.sign(r)))
    return loss


def _epsilon_insensitive(epsilon):
    def loss(y, p):
        excess = np.abs(y - p) - epsilon
        return np.maximum(excess, 0.0), np.where(excess > 0, np.sign(p - y), 0.0)
    return loss


def _squared_epsilon_insensitive(epsilon):
    def loss(y, p):
        excess = np.abs(y - p) - epsilon
        return (np.where(excess > 0, excess * excess, 0.0),
                np.where(excess > 0, 2.0 * excess * np.sign(p - y), 0.0))
    return loss


_REGRESSION_LOSSES = ("squared_error", "huber", "epsilon_insensitive",
                      "squared_epsilon_insensitive")
_CLASSIFICATION_LOSSES = ("hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron",
                          "exponential", "sigmoid") + _REGRESSION_LOSSES


def _loss_function(name, epsilon):
    return {"hinge": _hinge(1.0), "perceptron": _hinge(0.0), "log_loss": _log_loss,
            "squared_hinge": _squared_hinge, "modified_huber": _modified_huber,
            "exponential": _exponential, "sigmoid": _sigmoid, "squared_error": _squared_error,
            "huber": _huber(epsilon), "epsilon_insensitive": _epsilon_insensitive(epsilon),
            "squared_epsilon_insensitive": _squared_epsilon_insensitive(epsilon)}[name]


class _BaseSGD(BaseEstimator):
    """The SG algorithm shared by the classifier and the regressor (see the module doc)."""

    _losses = ()

    def _check_params(self):
        name = type(self).__name__
        if self.loss not in self._losses:
            raise ValueError(f"The 'loss' parameter of {name} must be a str among "
                             f"{set(self._losses)}. Got {self.loss!r} instead.")
        if self.penalty not in ("l2", "l1", "elasticnet", None):
            raise ValueError(f"The 'penalty' parameter of {name} must be a str among "
                             f"{{'l2', 'l1', 'elasticnet'}} or None. Got {self.penalty!r} "
                             f"instead.")
        if self.learning_rate not in ("constant", "optimal", "invscaling", "adaptive"):
            raise ValueError(f"The 'learning_rate' parameter of {name} must be a str among "
                             f"{{'constant', 'optimal', 'invscaling', 'adaptive'}}. Got "
                             f"{self.learning_rate!r} instead.")
        if not isinstance(self.alpha, numbers.Real) or self.alpha < 0:
            raise ValueError(f"The 'alpha' parameter of {name} must be a float in the range "
                             f"[0.0, inf). Got {self.alpha!r} instead.")
        if self.learning_rate == "optimal" and self.alpha == 0:
            raise ValueError("alpha must be > 0 since learning_rate is 'optimal'. alpha is "
                             "used to compute the optimal learning rate.")
        if self.learning_rate != "optimal" and not self.eta0 > 0:
            raise ValueError("eta0 must be > 0")
        if not 0 <= self.l1_ratio <= 1:
            raise ValueError(f"The 'l1_ratio' parameter of {name} must be a float in the range "
                             f"[0.0, 1.0]. Got {self.l1_ratio!r} instead.")
        if (not isinstance(self.max_iter, numbers.Integral) or isinstance(self.max_iter, bool)
                or self.max_iter < 1):
            raise ValueError(f"The 'max_iter' parameter of {name} must be an int in the range "
                             f"[1, inf). Got {self.max_iter!r} instead.")
        rate = self._forgetting_rate
        if rate is not None and not 0 < rate <= 1:
            raise ValueError(f"The 'forgetting_rate' parameter of {name} must be a float in the "
                             f"range (0.0, 1.0] or None. Got {rate!r} instead.")

    @property
    def _forgetting_rate(self):
        return getattr(self, "forgetting_rate", None)

    def _run(self, X, Y, S, W, b, validation_score):
        """The SG epochs on targets Y (n, K) and per-model sample weights S (n, K), updating
        the K linear models W (K, p), b (K,) in place. Returns the epochs run per model."""
        n_samples, n_models = Y.shape
        loss = _loss_function(self.loss, self.epsilon)
        alpha = float(self.alpha)
        l1_ratio = {"l2": 0.0, "l1": 1.0, None: 0.0}.get(self.penalty, self.l1_ratio)
        decay_rate = 0.0 if self.penalty is None else alpha * (1.0 - l1_ratio)
        l1_rate = 0.0 if self.penalty is None else alpha * l1_ratio
        rng = check_random_state(self.random_state)
        tol = -np.inf if self.tol is None else self.tol

        train = np.arange(n_samples)
        validation = None
        if self.early_stopping:
            order = rng.permutation(n_samples)
            n_validation = max(1, int(np.ceil(self.validation_fraction * n_samples)))
            if n_validation >= n_samples:
                raise ValueError(f"The validation_fraction={self.validation_fraction} leaves "
                                 f"no sample to train on ({n_samples} samples).")
            validation, train = np.sort(order[:n_validation]), np.sort(order[n_validation:])
        n_train = len(train)

        if self.learning_rate == "optimal":
            # Bottou's heuristic: a typical weight √(1/√α) sets the first step's size.
            typical = np.sqrt(1.0 / np.sqrt(alpha))
            first = typical / max(1.0, abs(loss(np.array([1.0]), np.array([-typical]))[1][0]))
            optimal_init = 1.0 / (first * alpha)
        eta = np.full(n_models, float(self.eta0))
        t = 1.0
        l1_total = 0.0
        l1_applied = np.zeros_like(W)
        lam = self._forgetting_rate or 1.0 / n_train
        Q = np.average(loss(Y[train], X[train] @ W.T + b)[0], axis=0).astype(float)
        history = [Q.copy()]
        active = np.ones(n_models, dtype=bool)
        n_stopped = 0
        epochs = np.zeros(n_models, dtype=int)
        best = np.full(n_models, np.inf)
        best_score = np.full(n_models, -np.inf)
        stalled = np.zeros(n_models, dtype=int)
        average_start = 0 if not self.average else (1 if self.average is True
                                                    else int(self.average))
        W_avg, b_avg = W.copy(), b.copy()

        for _ in range(self.max_iter):
            order = rng.permutation(train) if self.shuffle else train
            objective = np.zeros(n_models)
            # A stopped model (one-vs-rest) keeps its weights and its Q: zero weights and
            # a zero forgetting rate for it.
            S_active = S * active
            lam_active = lam * active
            for i in order:
                x = X[i]
                p = W @ x + b
                if self.learning_rate == "optimal":
                    eta[:] = 1.0 / (alpha * (optimal_init + t - 1))
                elif self.learning_rate == "invscaling":
                    eta[:] = self.eta0 / t ** self.power_t
                L_i, g = loss(Y[i], p)
                objective += L_i
                if decay_rate or l1_rate:
                    # scikit-learn's stopping objective adds α R(w) at each object's w.
                    objective += alpha * (0.5 * (1 - l1_ratio) * np.einsum("kj,kj->k", W, W)
                                          + l1_ratio * np.abs(W).sum(axis=1))
                Q += lam_active * (L_i - Q)
                step = eta * np.maximum(np.minimum(g, _MAX_DLOSS), -_MAX_DLOSS)
                step *= -S_active[i]
                if decay_rate:
                    shrink = np.maximum(0.0, 1.0 - eta * decay_rate)
                    W *= (np.where(active, shrink, 1.0) if n_stopped else shrink)[:, None]
                W += step[:, None] * x
                if self.fit_intercept:
                    b += step
                if 0 < average_start <= t:
                    count = t - average_start + 1
                    W_avg += (W - W_avg) / count
                    b_avg += (b - b_avg) / count
                if l1_rate:
                    l1_total += eta * l1_rate * active
                    self._truncate(W, l1_applied, l1_total)
                t += 1
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise ValueError(f"Floating-point under-/overflow occurred at epoch "
                                 f"#{epochs.max() + 1}. Scaling input data with StandardScaler "
                                 f"or MinMaxScaler might help.")
            epochs += active
            history.append(Q.copy())
            if validation is not None:
                score = validation_score(X[validation], Y[validation], W, b)
                worse = score < best_score + tol
                best_score = np.maximum(best_score, score)
            else:
                mean = objective / n_train
                worse = mean > best - tol
                best = np.minimum(best, mean)
            stalled = np.where(worse, stalled + 1, 0)
            done = stalled >= self.n_iter_no_change
            if self.learning_rate == "adaptive":
                shrink = done & (eta > 1e-6)
                eta = np.where(shrink, eta / 5, eta)
                stalled = np.where(shrink, 0, stalled)
                done &= ~shrink
            active &= ~(done & active)
            n_stopped = n_models - active.sum()
            if not active.any():
                break
        else:
            if tol > -np.inf:
                warnings.warn("Maximum number of iteration reached before convergence. Consider"
                              " increasing max_iter to improve the fit.", ConvergenceWarning)
        if average_start:
            W[:], b[:] = W_avg, b_avg
        self.functional_estimate_ = Q
        self.functional_history_ = np.array(history)
        self.t_ = t
        return epochs

    @staticmethod
    def _truncate(W, applied, total):
        """Cumulative L1 truncation (Tsuruoka et al. 2009): pull each weight towards 0 by the
        L1 penalty not yet applied to it, never across 0."""
        before = W.copy()
        total = np.broadcast_to(np.asarray(total, dtype=float).reshape(-1, 1), W.shape)
        positive, negative = W > 0, W < 0
        W[positive] = np.maximum(0.0, W[positive] - (total[positive] + applied[positive]))
        W[negative] = np.minimum(0.0, W[negative] + (total[negative] - applied[negative]))
        applied += W - before

    def _initial(self, n_models, n_features, coef_init, intercept_init):
        W = np.zeros((n_models, n_features))
        b = np.zeros(n_models)
        if coef_init is None and self.warm_start and hasattr(self, "coef_"):
            coef_init, intercept_init = self.coef_, self.intercept_
        if coef_init is not None:
            coef_init = np.asarray(coef_init, dtype=float).reshape(n_models, -1)
            if coef_init.shape[1] != n_features:
                raise ValueError("Provided coef_init does not match dataset.")
            W[:] = coef_init
        if intercept_init is not None:
            b[:] = np.asarray(intercept_init, dtype=float).reshape(-1)
        return W, b


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


class SGDClassifier(ClassifierMixin, _BaseSGD):
    """Linear classifier (SVM, logistic regression, perceptron …) fitted by the course's
    stochastic gradient algorithm; the margin losses and update rule are in the module
    docstring. It minimises (1/ℓ) Σᵢ sᵢ L(Mᵢ) + α R(w), R = ½(1 − ρ)‖w‖² + ρ‖w‖₁.

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
    classes_, coef_ (1 or K, p), intercept_ (1 or K,), n_iter_ (epochs run), t_ (updates + 1),
    functional_estimate_ : ndarray of shape (1 or K,)
        The course's running estimate Q of the functional at the end.
    functional_history_ : ndarray of shape (n_epochs + 1, 1 or K)
        Q at the start and after each epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear.stochastic_gradient import SGDClassifier
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> SGDClassifier(random_state=0).fit(X, [0, 0, 1, 1]).predict([[-3.0], [3.0]]).tolist()
    [0, 1]
    """

    _losses = _CLASSIFICATION_LOSSES

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
        """Fit by SG. Returns self."""
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, order="C")
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"The number of classes has to be greater than one; got "
                             f"{len(classes)} class")
        s = check_sample_weight(sample_weight, X, dtype=np.float64)
        class_weight = compute_class_weight(self.class_weight, classes, y)
        if len(classes) == 2:
            Y = np.where(codes == 1, 1.0, -1.0)[:, None]
            S = (s * class_weight[codes])[:, None]
        else:
            Y = np.where(codes[:, None] == np.arange(len(classes)), 1.0, -1.0)
            # Model k weighs its positives by the weight of class k, its negatives by 1.
            S = s[:, None] * np.where(Y > 0, class_weight, 1.0)
        n_models = Y.shape[1]
        W, b = self._initial(n_models, X.shape[1], coef_init, intercept_init)
        self.classes_ = classes
        epochs = self._run(X, Y, S, W, b, self._validation_accuracy)
        self.coef_, self.intercept_ = W, b
        self.n_iter_ = int(epochs.max())
        return self

    @staticmethod
    def _validation_accuracy(X, Y, W, b):
        return np.mean(np.sign(X @ W.T + b) == Y, axis=0)

    def decision_function(self, X):
        """Signed distances ⟨w_k, x⟩ + b_k: (n_samples,) for two classes, else
        (n_samples, n_classes)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        scores = X @ self.coef_.T + self.intercept_
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


class SGDRegressor(RegressorMixin, _BaseSGD):
    """Linear regression fitted by the course's stochastic gradient algorithm (module
    docstring), minimising (1/ℓ) Σᵢ sᵢ L(a(xᵢ) − yᵢ) + α R(w).

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
    coef_ (p,), intercept_ (1,), n_iter_, t_, functional_estimate_ (1,),
    functional_history_ (n_epochs + 1, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear.stochastic_gradient import SGDRegressor
    >>> X = np.linspace(-1, 1, 50)[:, None]
    >>> model = SGDRegressor(alpha=0, tol=None, max_iter=200, random_state=0).fit(X, 3 * X[:, 0])
    >>> round(float(model.coef_[0]), 1)
    3.0
    """

    _losses = _REGRESSION_LOSSES

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
        """Fit by SG. Returns self."""
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", y_numeric=True)
        s = check_sample_weight(sample_weight, X, dtype=np.float64)
        W, b = self._initial(1, X.shape[1], coef_init, intercept_init)
        epochs = self._run(X, y[:, None].astype(np.float64), s[:, None], W, b,
                           self._validation_r2)
        self.coef_, self.intercept_ = W[0], b
        self.n_iter_ = int(epochs.max())
        return self

    @staticmethod
    def _validation_r2(X, Y, W, b):
        residual = ((Y - X @ W.T - b) ** 2).sum(axis=0)
        total = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
        return 1 - residual / np.where(total == 0, 1, total)

    def predict(self, X):
        """a(x) = ⟨w, x⟩ + b."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return X @ self.coef_ + self.intercept_[0]


class Perceptron(SGDClassifier):
    """Rosenblatt's perceptron: ``SGDClassifier(loss='perceptron', learning_rate='constant',
    eta0=1)``, so each misclassified object (M = y⟨w, x⟩ ≤ 0) gives w ← w + η y x,
    b ← b + η y. With ``shuffle=False`` the updates are scikit-learn's, in the same order.

    Parameters
    ----------
    penalty : {'l2', 'l1', 'elasticnet', None}, default=None
    alpha, l1_ratio, fit_intercept, max_iter, tol, shuffle, verbose, n_jobs, random_state,
    early_stopping, validation_fraction, n_iter_no_change, class_weight, warm_start :
        as ``SGDClassifier``; eta0 : float, default=1.0; random_state : default=0.

    Attributes
    ----------
    As ``SGDClassifier``.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.linear.stochastic_gradient import Perceptron
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> Perceptron().fit(X, [0, 0, 1, 1]).predict([[-3.0], [3.0]]).tolist()
    [0, 1]
    """

    def __init__(self, *, penalty=None, alpha=0.0001, l1_ratio=0.15, fit_intercept=True,
                 max_iter=1000, tol=1e-3, shuffle=True, verbose=0, eta0=1.0, n_jobs=None,
                 random_state=0, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, class_weight=None, warm_start=False):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start

    # The fixed settings of the perceptron; not parameters (as in scikit-learn).
    loss = "perceptron"
    learning_rate = "constant"
    epsilon = 0.1
    power_t = 0.5
    average = False
    forgetting_rate = None
