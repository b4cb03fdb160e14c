"""What the multi-layer perceptrons share: the network, its loss and the solvers.

The network is a stack of fully connected layers (``konspekt.nn.functional.linear``) whose
gradients come from konspekt's autograd; the stochastic solvers are ``konspekt.optim.SGD`` and
``konspekt.optim.Adam``, set up so that each step is exactly scikit-learn's; 'lbfgs' is SciPy's
L-BFGS-B, as in scikit-learn (``konspekt.optim.LBFGS`` follows torch's variant, whose stopping
rules and line search differ).
"""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from scipy.special import expit, xlogy

from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor
from ...base import (BaseEstimator, ClassifierMixin, ConvergenceWarning, check_random_state,
                     check_sample_weight)
from ...base.exceptions import compatible
from ...model_selection import train_test_split
from ...nn import functional as F
from ...nn.parameter import Parameter
from ...optim import SGD, Adam

__all__ = ["BaseMultilayerPerceptron"]

_HIDDEN_ACTIVATIONS = {"identity": lambda z: z, "logistic": F.sigmoid, "tanh": F.tanh,
                       "relu": F.relu}


def _softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


# g_out: the output unit's activation, the canonical link of each loss (so that ∂loss/∂z = ŷ − y).
_OUTPUT_ACTIVATIONS = {"identity": lambda z: z, "logistic": expit, "softmax": _softmax,
                       "exp": np.exp}


def _objective_terms(z, Y, out_activation):
    """Per-sample loss on the output pre-activations z (a Tensor), summed over the outputs,
    written so that its gradient in z is ŷ − y (scikit-learn's output delta)."""
    if out_activation == "softmax":
        return -(Y * F.log_softmax(z, dim=1)).sum(1)
    if out_activation == "logistic":
        return F.binary_cross_entropy_with_logits(z, Y, reduction="none").sum(1)
    if out_activation == "exp":
        return (z.exp() - Y * z).sum(1)
    return ((z - Y) ** 2).sum(1) * 0.5


def _reported_loss(Y, output, out_activation, sample_weight):
    """The data term of ``loss_`` as scikit-learn reports it (probabilities clipped to
    [eps, 1 − eps]; the squared error averaged over the outputs)."""
    if out_activation in ("softmax", "logistic"):
        eps = np.finfo(output.dtype).eps
        P = np.clip(output, eps, 1 - eps)
        if out_activation == "softmax":
            terms = xlogy(Y, P)
        else:
            terms = xlogy(Y, P) + xlogy(1 - Y, 1 - P)
        return -np.average(terms, weights=sample_weight, axis=0).sum()
    if out_activation == "exp":
        terms = xlogy(Y, Y / output) - Y + output
        return np.average(terms, weights=sample_weight, axis=0).sum()
    return 0.5 * np.average((Y - output) ** 2, weights=sample_weight, axis=0).mean()


def _invalid(estimator, name, expected, value):
    return ValueError(f"The '{name}' parameter of {type(estimator).__name__} must be {expected}. "
                      f"Got {value!r} instead.")


class BaseMultilayerPerceptron(BaseEstimator):
    """What ``MLPClassifier`` and ``MLPRegressor`` share: the network, its loss and the solvers.

    The network, with L layers of weights W_l (n_{l−1} × n_l, ``coefs_``) and biases b_l
    (``intercepts_``), maps a sample x to
        h_0 = x,   h_l = g(h_{l−1} W_l + b_l) for l < L,   ŷ = g_out(h_{L−1} W_L + b_L),
    with g the hidden ``activation`` and g_out the canonical output (``out_activation_``). On a
    batch B with sample weights s_i (all 1 by default) it minimises
        J(θ) = Σ_{i∈B} s_i ℓ(y_i, ŷ_i) / Σ_{i∈B} s_i  +  (α / 2) Σ_l ‖W_l‖²_F / Σ_{i∈B} s_i,
    where ℓ is the cross-entropy −Σ_k y_k log ŷ_k (softmax), the binary cross-entropy summed over
    the outputs (logistic), ½‖y − ŷ‖² (identity) or the Poisson deviance ŷ − y log ŷ (exp). The
    biases are not penalised. Backpropagation gives δ_L = s(ŷ − y), δ_{l−1} = (δ_l W_lᵀ) ⊙ g′,
    ∂J/∂W_l = (h_{l−1}ᵀ δ_l + α W_l) / Σs and ∂J/∂b_l = Σ_i δ_l / Σs.

    Solvers: 'sgd' and 'adam' make ``max_iter`` epochs of mini-batch steps (an epoch visits the
    samples once, shuffled if ``shuffle``), and stop when the training loss (or with
    ``early_stopping`` the validation score) has not improved by ``tol`` for more than
    ``n_iter_no_change`` epochs; 'lbfgs' minimises J on the whole set with L-BFGS-B.

    SGD with momentum μ keeps scikit-learn's velocity v ← μv − η_t g, θ ← θ + v (or, with
    Nesterov, θ ← θ + μv − η_t g); ``konspekt.optim.SGD`` keeps the buffer b = −v / η_t, so when
    the schedule changes η_t the buffer is rescaled by η_old / η_new. Adam is
        m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − η √(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε),
    which is ``konspekt.optim.Adam`` with its ε set to ε / √(1−β₂ᵗ) at step t.
    """

    def __init__(self, hidden_layer_sizes, activation, solver, alpha, batch_size, learning_rate,
                 learning_rate_init, power_t, max_iter, loss, shuffle, random_state, tol,
                 verbose, warm_start, momentum, nesterovs_momentum, early_stopping,
                 validation_fraction, beta_1, beta_2, epsilon, n_iter_no_change, max_fun):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.loss = loss
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ----------------------------------------------------------------- parameters
    def _check_parameters(self):
        """scikit-learn's parameter constraints, with its messages; returns (schedule, η₀)."""
        options = {"activation": ("identity", "logistic", "tanh", "relu"),
                   "solver": ("lbfgs", "sgd", "adam")}
        for name, allowed in options.items():
            if getattr(self, name) not in allowed:
                among = ", ".join(repr(option) for option in sorted(allowed))
                raise _invalid(self, name, f"a str among {{{among}}}", getattr(self, name))
        positive = {"alpha": 0, "power_t": 0, "tol": 0}
        for name in positive:
            value = getattr(self, name)
            if not isinstance(value, Real) or isinstance(value, bool) or value < 0:
                raise _invalid(self, name, "a float in the range [0, inf)", value)
        for name in ("learning_rate_init", "epsilon"):
            value = getattr(self, name)
            if not isinstance(value, Real) or isinstance(value, bool) or value <= 0:
                raise _invalid(self, name, "a float in the range (0, inf)", value)
        for name, upper in (("momentum", "1]"), ("validation_fraction", "1)"), ("beta_1", "1)"),
                            ("beta_2", "1)")):
            value = getattr(self, name)
            if (not isinstance(value, Real) or isinstance(value, bool) or not 0 <= value <= 1
                    or (upper == "1)" and value == 1)):
                raise _invalid(self, name, f"a float in the range [0, {upper}", value)
        for name in ("max_iter", "max_fun"):
            value = getattr(self, name)
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise _invalid(self, name, "an int in the range [1, inf)", value)
        patience = self.n_iter_no_change
        if not ((isinstance(patience, Integral) and not isinstance(patience, bool)
                 and patience >= 1) or patience == np.inf):
            raise _invalid(self, "n_iter_no_change", "an int in the range [1, inf) or a float "
                           "among {inf}", patience)
        if not (self.batch_size == "auto" or (isinstance(self.batch_size, Integral)
                                              and not isinstance(self.batch_size, bool)
                                              and self.batch_size >= 1)):
            raise _invalid(self, "batch_size", "an int in the range [1, inf) or a str among "
                           "{'auto'}", self.batch_size)
        # The course writes MLPRegressor(learning_rate=0.001): a number is the initial rate of
        # a constant schedule.
        if isinstance(self.learning_rate, Real) and not isinstance(self.learning_rate, bool):
            if self.learning_rate <= 0:
                raise _invalid(self, "learning_rate", "a float in the range (0, inf) or a str "
                               "among {'constant', 'invscaling', 'adaptive'}", self.learning_rate)
            return "constant", float(self.learning_rate)
        if self.learning_rate not in ("constant", "invscaling", "adaptive"):
            raise _invalid(self, "learning_rate", "a str among {'constant', 'invscaling', "
                           "'adaptive'}", self.learning_rate)
        return self.learning_rate, float(self.learning_rate_init)

    # ----------------------------------------------------------------- network
    def _parameters(self):
        """The weights as Parameters that share memory with ``coefs_`` (as Wᵀ, shape
        n_out × n_in, the layout of ``F.linear``) and ``intercepts_``."""
        weights = [Parameter(Tensor(W.T)) for W in self.coefs_]
        biases = [Parameter(Tensor(b)) for b in self.intercepts_]
        return weights, biases

    def _forward(self, X, weights, biases):
        """The output pre-activations z = h_{L−1} W_L + b_L (a Tensor)."""
        hidden = _HIDDEN_ACTIVATIONS[self.activation]
        h = Tensor(X)
        for layer, (W, b) in enumerate(zip(weights, biases)):
            h = F.linear(h, W, b)
            if layer < len(weights) - 1:
                h = hidden(h)
        return h

    def _forward_pass_fast(self, X):
        """ŷ for validated X, without recording a graph."""
        if sp.issparse(X):
            X = X.toarray()
        # NumPy's promotion, as scikit-learn's matrix products give (float32 weights and float64
        # data compute in float64); integer data in float64.
        dtype = np.result_type(X.dtype, self.coefs_[0].dtype)
        dtype = dtype if np.issubdtype(dtype, np.floating) else np.float64
        X = X.astype(dtype, copy=False)
        weights = [Tensor(W.T.astype(dtype, copy=False)) for W in self.coefs_]
        biases = [Tensor(b.astype(dtype, copy=False)) for b in self.intercepts_]
        with no_grad():
            z = self._forward(X, weights, biases).data
        return _OUTPUT_ACTIVATIONS[self.out_activation_](z)

    def _loss_and_backward(self, X, Y, sample_weight, weights, biases):
        """J(θ) as scikit-learn reports it; fills the Parameters' ``.grad`` with ∇J."""
        for p in weights + biases:
            p.grad = None
        z = self._forward(X, weights, biases)
        terms = _objective_terms(z, Tensor(Y), self.out_activation_)
        total = X.shape[0] if sample_weight is None else sample_weight.sum()
        if sample_weight is not None:
            terms = terms * Tensor(sample_weight)
        penalty = sum((W * W).sum() for W in weights)
        objective = (terms.sum() + penalty * (0.5 * self.alpha)) / total
        objective.backward()
        output = _OUTPUT_ACTIVATIONS[self.out_activation_](z.data)
        squares = sum(np.dot(W.ravel(), W.ravel()) for W in self.coefs_)
        return (_reported_loss(Y, output, self.out_activation_, sample_weight)
                + 0.5 * self.alpha * squares / total)

    def _initialize(self, Y, layer_units, dtype):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._output_activation()
        self.coefs_, self.intercepts_ = [], []
        # Glorot and Bengio (2010): U(−r, r), r = √(6 / (n_in + n_out)); √(2 / …) for logistic.
        factor = 2.0 if self.activation == "logistic" else 6.0
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
            bound = np.sqrt(factor / (fan_in + fan_out))
            W = self._random_state.uniform(-bound, bound, (fan_in, fan_out))
            b = self._random_state.uniform(-bound, bound, fan_out)
            self.coefs_.append(W.astype(dtype, copy=False))
            self.intercepts_.append(b.astype(dtype, copy=False))
        self._best_coefs = [W.copy() for W in self.coefs_]
        self._best_intercepts = [b.copy() for b in self.intercepts_]
        if self.solver in ("sgd", "adam"):
            self.loss_curve_ = []
            self._no_improvement_count = 0
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    # ----------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, incremental=False):
        schedule, learning_rate = self._check_parameters()
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if np.any(np.array(sizes) <= 0):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        if sp.issparse(X):
            X = X.toarray()
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype)
        Y = np.asarray(Y, dtype=X.dtype)
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        layer_units = [X.shape[1]] + sizes + [Y.shape[1]]
        self._random_state = check_random_state(self.random_state)
        if first_pass:
            self._initialize(Y, layer_units, X.dtype)
        self.n_outputs_ = Y.shape[1]
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, Y, sample_weight)
        else:
            self._fit_stochastic(X, Y, sample_weight, incremental, schedule, learning_rate)
        if not all(np.isfinite(w).all() for w in self.coefs_ + self.intercepts_):
            raise ValueError("Solver produced non-finite parameter weights. The input data may"
                             " contain large values and need to be preprocessed.")
        return self

    def _fit_lbfgs(self, X, Y, sample_weight):
        shapes = [W.shape for W in self.coefs_] + [b.shape for b in self.intercepts_]
        ends = np.cumsum([int(np.prod(shape)) for shape in shapes])

        def unpack(theta):
            pieces = np.split(theta, ends[:-1])
            n = len(self.coefs_)
            self.coefs_ = [p.reshape(s) for p, s in zip(pieces[:n], shapes[:n])]
            self.intercepts_ = list(pieces[n:])

        def loss_and_gradient(theta):
            unpack(theta.astype(X.dtype, copy=False))
            weights, biases = self._parameters()
            loss = self._loss_and_backward(X, Y, sample_weight, weights, biases)
            gradient = np.concatenate([W.grad.data.T.ravel() for W in weights]
                                      + [b.grad.data.ravel() for b in biases])
            return loss, gradient

        start = np.concatenate([W.ravel() for W in self.coefs_]
                               + [b.ravel() for b in self.intercepts_])
        result = scipy.optimize.minimize(
            loss_and_gradient, start, method="L-BFGS-B", jac=True,
            options={"maxfun": self.max_fun, "maxiter": self.max_iter, "gtol": self.tol})
        self.n_iter_ = min(result.nit, self.max_iter)
        if result.status != 0:
            message = (f"lbfgs failed to converge after {self.n_iter_} iteration(s) "
                       f"(status={result.status}):\n{result.message}\n")
            if self.n_iter_ == self.max_iter:
                message += ("\nIncrease the number of iterations to improve the convergence "
                            f"(max_iter={self.max_iter}).")
            message += ("\nYou might also want to scale the data as shown in:\n"
                        "    https://scikit-learn.org/stable/modules/preprocessing.html")
            warnings.warn(message, compatible(ConvergenceWarning), stacklevel=3)
        self.loss_ = float(result.fun)
        unpack(result.x.astype(X.dtype, copy=False))

    def _make_optimizer(self, weights, biases, learning_rate):
        params = weights + biases
        if self.solver == "sgd":
            return SGD(params, lr=learning_rate, momentum=self.momentum,
                       nesterov=bool(self.nesterovs_momentum) and self.momentum > 0)
        return Adam(params, lr=learning_rate, betas=(self.beta_1, self.beta_2),
                    eps=self.epsilon)

    def _set_learning_rate(self, value):
        """Change η_t, keeping scikit-learn's velocity v = −η_t b (see the class docstring)."""
        group = self._optimizer.param_groups[0]
        ratio = group["lr"] / value
        for state in self._optimizer.state.values():
            if "momentum_buffer" in state:
                state["momentum_buffer"].data *= ratio
        group["lr"] = value

    def _fit_stochastic(self, X, Y, sample_weight, incremental, schedule, learning_rate):
        weights, biases = self._parameters()
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer(weights, biases, learning_rate)
            self._adam_steps = 0
        else:
            # Point the optimizer's Parameters (and so its state) at the current arrays.
            for old, new in zip(self._optimizer.param_groups[0]["params"], weights + biases):
                old.data = new.data
            weights = self._optimizer.param_groups[0]["params"][:len(weights)]
            biases = self._optimizer.param_groups[0]["params"][len(weights):]
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        if self.early_stopping:
            X, Y, sample_weight, X_val, y_val, weight_val = self._validation_split(
                X, Y, sample_weight)
        n_samples = X.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is "
                              "going to be clipped", stacklevel=3)
            batch_size = int(np.clip(self.batch_size, 1, n_samples))
        order = np.arange(n_samples)
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            if self.shuffle:
                permutation = np.arange(n_samples)
                self._random_state.shuffle(permutation)
                order = order[permutation]
            total = 0.0
            for start in range(0, n_samples, batch_size):
                rows = order[start:start + batch_size]
                batch_weight = None if sample_weight is None else sample_weight[rows]
                loss = self._loss_and_backward(X[rows], Y[rows], batch_weight, weights, biases)
                total += loss * len(rows)
                if self.solver == "adam":
                    self._adam_steps += 1
                    correction = np.sqrt(1 - self.beta_2 ** self._adam_steps)
                    self._optimizer.param_groups[0]["eps"] = self.epsilon / correction
                self._optimizer.step()
            self.n_iter_ += 1
            self.loss_ = total / n_samples
            self.t_ += n_samples
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
            if self.early_stopping:
                self._update_validation(X_val, y_val, weight_val)
            else:
                self._update_training_loss()
            if self.solver == "sgd" and schedule == "invscaling":
                self._set_learning_rate(learning_rate / (self.t_ + 1) ** self.power_t)
            if self._no_improvement_count > self.n_iter_no_change:
                if self._stop_or_slow_down(schedule):
                    break
                self._no_improvement_count = 0
            if incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                              "reached and the optimization hasn't converged yet.",
                              compatible(ConvergenceWarning), stacklevel=3)
        if self.early_stopping:
            self.coefs_ = self._best_coefs
            self.intercepts_ = self._best_intercepts

    def _validation_split(self, X, Y, sample_weight):
        # scikit-learn stratifies only a single-output classifier (binary labels).
        single = isinstance(self, ClassifierMixin) and self.n_outputs_ == 1
        stratify = Y.astype(bool) if single else None
        arrays = (X, Y) if sample_weight is None else (X, Y, sample_weight)
        parts = train_test_split(*arrays, random_state=self._random_state,
                                 test_size=self.validation_fraction, stratify=stratify)
        X_train, X_val, Y_train, Y_val = parts[:4]
        weight_train, weight_val = (parts[4], parts[5]) if sample_weight is not None else (None,
                                                                                            None)
        if X_val.shape[0] < 2:
            raise ValueError("The validation set is too small. Increase 'validation_fraction' "
                             "or the size of your dataset.")
        return X_train, Y_train, weight_train, X_val, self._decode(Y_val), weight_val

    def _update_validation(self, X_val, y_val, weight_val):
        predicted = self._decode(self._forward_pass_fast(X_val))
        if np.issubdtype(predicted.dtype, np.floating) and not np.isfinite(predicted).all():
            score = np.nan
        else:
            score = self._score_function(y_val, predicted, sample_weight=weight_val)
        self.validation_scores_.append(score)
        if self.verbose:
            print(f"Validation score: {score:f}")
        if score < self.best_validation_score_ + self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            self._best_coefs = [W.copy() for W in self.coefs_]
            self._best_intercepts = [b.copy() for b in self.intercepts_]

    def _update_training_loss(self):
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])

    def _stop_or_slow_down(self, schedule):
        """scikit-learn's rule after n_iter_no_change epochs without progress: stop, except that
        SGD's 'adaptive' schedule first divides η by 5 until it is at most 1e-6."""
        what = "Validation score" if self.early_stopping else "Training loss"
        message = (f"{what} did not improve more than tol={self.tol:f} for "
                   f"{self.n_iter_no_change} consecutive epochs.")
        if self.solver == "sgd" and schedule == "adaptive":
            current = self._optimizer.param_groups[0]["lr"]
            if current > 1e-6:
                self._set_learning_rate(current / 5.0)
                if self.verbose:
                    print(message + f" Setting learning rate to {current / 5.0:f}")
                return False
            message += " Learning rate too small."
        if self.verbose:
            print(message + " Stopping.")
        return True

    def fit(self, X, y, sample_weight=None):
        """Fit the network to X and y.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def train(self, X, y, sample_weight=None):
        """The course's name for ``fit``."""
        return self.fit(X, y, sample_weight=sample_weight)

    def _check_stochastic(self):
        if self.solver not in ("sgd", "adam"):
            raise AttributeError("partial_fit is only available for stochastic optimizers. "
                                 f"{self.solver} is not stochastic.")
