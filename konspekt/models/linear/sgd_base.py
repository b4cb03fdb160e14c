"""The course's stochastic gradient (SG) algorithm for linear models, shared by
``SGDClassifier``, ``SGDRegressor`` and ``Perceptron``.

For a linear model a(x) = ⟨w, x⟩ + b and a loss L (``sgd_losses``):

1. initialise w (zeros) and the functional estimate Q = (1/ℓ) Σᵢ L_i(w);
2. each epoch, go through the objects xᵢ (in a random order when ``shuffle``):
   compute L_i = L(yᵢ, a(xᵢ)) and its derivative g = ∂L_i/∂a, then
   w ← w(1 − η α(1 − ρ)) − η sᵢ g xᵢ,  b ← b − η sᵢ g  (L2 part: weight decay),
   an L1 part by the cumulative truncation of Tsuruoka et al. (as scikit-learn),
   and Q ← (1 − λ)Q + λ L_i (λ = ``forgetting_rate``), the running estimate of the
   functional Q(w) = Σᵢ L_i(w);
3. stop when the epoch's mean objective (1/ℓ) Σ(L_i + α R(w)) has not decreased by ``tol``
   for ``n_iter_no_change`` epochs (scikit-learn's rule), or after ``max_iter`` epochs.

Step 2 is one compiled loop (``sgd_kernel.sgd_epoch``, numba when installed).
``partial_fit`` runs one epoch (step 2) on the objects it is given and keeps w, b, the update
counter t (so that the learning rate continues its schedule), the averaged weights and Q for
the next call, as scikit-learn does.

Learning rates η_t (t counts the updates from 1, across ``partial_fit`` calls):
``'constant'`` η₀; ``'optimal'`` 1/(α(t₀ + t − 1)) with t₀ chosen so that the first step is
√(1/√α)-scaled (Bottou's heuristic, as scikit-learn); ``'invscaling'`` η₀ / t^power_t;
``'adaptive'`` η₀, divided by 5 whenever the stopping rule fires, until it falls below 10⁻⁶.

Sparse X (CSR) is used as it is: the gradient step and the L1 truncation touch only the
non-zero features of xᵢ (as in scikit-learn; the weight decay shrinks all of w), and the
intercept's step is multiplied by 0.01, scikit-learn's ``SPARSE_INTERCEPT_DECAY``, which keeps
the intercept from swinging on data whose rows have few non-zero entries.
"""

import numbers

import numpy as np
import scipy.sparse as sp

from konspekt.base import BaseEstimator, check_random_state

from .sgd_kernel import LOSS_CODES, RATE_CODES, sgd_epoch
from .sgd_losses import MAX_DLOSS, loss_function

__all__ = ["BaseSGD"]

# scikit-learn damps the intercept's steps on sparse data by this factor.
SPARSE_INTERCEPT_DECAY = 0.01


class BaseSGD(BaseEstimator):
    """The SG algorithm shared by the classifier and the regressor (see the module doc).

    The state between calls: ``_sgd_coef`` (K, p) and ``_sgd_intercept`` (K,), the weights
    being trained (before averaging), ``_average_coef`` / ``_average_intercept`` with
    ``average``, ``t_`` and the functional estimate ``functional_estimate_``."""

    _losses = ()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

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

    @property
    def _average_start(self):
        """The update from which the weights are averaged (0: no averaging)."""
        return 0 if not self.average else (1 if self.average is True else int(self.average))

    def _reset(self, n_models, n_features, coef_init, intercept_init):
        """Start training afresh: w and b from ``coef_init`` / ``intercept_init`` (or the
        fitted ones with ``warm_start``, else zeros), t = 1, no Q yet."""
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
        self._sgd_coef, self._sgd_intercept = W, b
        if self._average_start:
            self._average_coef, self._average_intercept = np.zeros_like(W), np.zeros_like(b)
        self.t_ = 1.0
        for name in ("functional_estimate_", "functional_history_"):
            self.__dict__.pop(name, None)

    def _published_weights(self):
        """(coef, intercept) to publish: the averaged ones once averaging has begun."""
        if self._average_start and self._average_start <= self.t_ - 1:
            return self._average_coef.copy(), self._average_intercept.copy()
        return self._sgd_coef.copy(), self._sgd_intercept.copy()

    def _run(self, X, Y, S, validation_score, max_iter):
        """``max_iter`` SG epochs on targets Y (n, K) and per-model sample weights S (n, K),
        continuing the K linear models of the state (see the class doc) in place. Returns the
        epochs run per model."""
        n_samples, n_models = Y.shape
        loss = loss_function(self.loss, self.epsilon)
        alpha = float(self.alpha)
        l1_ratio = {"l2": 0.0, "l1": 1.0, None: 0.0}.get(self.penalty, self.l1_ratio)
        decay_rate = 0.0 if self.penalty is None else alpha * (1.0 - l1_ratio)
        l1_rate = 0.0 if self.penalty is None else alpha * l1_ratio
        rng = check_random_state(self.random_state)
        tol = -np.inf if self.tol is None else self.tol
        sparse = sp.issparse(X)
        intercept_decay = SPARSE_INTERCEPT_DECAY if sparse else 1.0
        if sparse:
            X = sp.csr_matrix(X)
            if not X.has_canonical_format:
                # Sum duplicate entries on a copy: the caller's matrix is left as it is.
                X = X.copy()
                X.sum_duplicates()
            X_dense = np.empty((0, 0))
            data = X.data.astype(np.float64)
            indices, indptr = X.indices.astype(np.int64), X.indptr.astype(np.int64)
        else:
            X_dense = np.ascontiguousarray(X, dtype=np.float64)
            data, indices, indptr = np.empty(0), np.empty(0, np.int64), np.empty(0, np.int64)

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
            # Bottou's heuristic: a typical weight √(1/√α) sets the first step's size; as in
            # scikit-learn the derivative at (y, a) = (1, −√(1/√α)) enters signed, so that the
            # usual (decreasing) losses give a first step of exactly that size.
            typical = np.sqrt(1.0 / np.sqrt(alpha))
            first = typical / max(1.0, loss(np.array([1.0]), np.array([-typical]))[1][0])
            optimal_init = 1.0 / (first * alpha)
        else:
            optimal_init = 0.0
        W, b = self._sgd_coef, self._sgd_intercept
        eta = np.full(n_models, float(self.eta0))
        t = t_start = float(self.t_)
        l1_applied = np.zeros_like(W)
        lam = self._forgetting_rate or 1.0 / n_train
        if hasattr(self, "functional_estimate_"):
            Q = np.array(self.functional_estimate_, dtype=float)
            history = list(self.functional_history_)
        else:
            Q = np.average(loss(Y[train], X[train] @ W.T + b)[0], axis=0).astype(float)
            history = [Q.copy()]
        active = np.ones(n_models, dtype=bool)
        epochs = np.zeros(n_models, dtype=int)
        best = np.full(n_models, np.inf)
        best_score = np.full(n_models, -np.inf)
        stalled = np.zeros(n_models, dtype=int)
        average_start = self._average_start
        if average_start:
            W_avg, b_avg = self._average_coef, self._average_intercept
        else:
            W_avg, b_avg = np.empty((0, 0)), np.empty(0)
        loss_code = LOSS_CODES.index(self.loss)
        rate_code = RATE_CODES.index(self.learning_rate)
        l1_total = np.zeros(n_models)
        S = np.ascontiguousarray(S, dtype=np.float64)
        Y = np.ascontiguousarray(Y, dtype=np.float64)

        for _ in range(max_iter):
            order = rng.permutation(train) if self.shuffle else train
            objective = np.zeros(n_models)
            # A stopped model (one-vs-rest) keeps its weights and its Q (see ``sgd_epoch``).
            t = sgd_epoch(
                np.asarray(order, dtype=np.int64), not sparse, X_dense, data, indices, indptr,
                Y, S, W, b, W_avg, b_avg, active, Q, float(lam), objective, eta, l1_total,
                l1_applied, loss_code, float(self.epsilon), alpha, float(l1_ratio),
                float(decay_rate), float(l1_rate), rate_code, float(self.eta0),
                float(self.power_t), float(optimal_init), float(t), int(average_start),
                bool(self.fit_intercept), float(intercept_decay), MAX_DLOSS)
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
            if not active.any():
                break
        self.functional_estimate_ = Q
        self.functional_history_ = np.array(history)
        # As scikit-learn: t advances by the epochs run times all the objects given.
        self.t_ = t_start + epochs.max() * n_samples
        return epochs
