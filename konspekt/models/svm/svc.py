"""C-support vector classification (``SVC``), trained by SMO, one-vs-one for several classes."""

import numpy as np

from konspekt.base import (ClassifierMixin, check_classification_targets, check_random_state,
                           check_sample_weight)
from konspekt.models.linear.logistic import compute_class_weight

from .base import KernelSVM
from .kernels import check_choice, check_number
from .platt import couple_pairwise, fit_sigmoid, predict_sigmoid

__all__ = ["SVC"]

# libsvm's bounds on the pairwise probabilities before coupling.
_MIN_PROBABILITY = 1e-7


class SVC(ClassifierMixin, KernelSVM):
    """C-support vector classification, as libsvm solves it (scikit-learn's ``SVC``).

    For two classes with labels yᵢ ∈ {+1, −1}, the dual problem

        min_α ½ αᵀQα − eᵀα   subject to  0 ≤ αᵢ ≤ Cᵢ,  yᵀα = 0,   Q_ij = yᵢ yⱼ K(xᵢ, xⱼ),

    with Cᵢ = C · class_weight[yᵢ] · sample_weightᵢ, is solved by SMO (``smo.solve_smo``:
    second-order working-set selection, the analytic two-variable update clipped to the box,
    stop when m(α) − M(α) < tol). The decision function is

        f(x) = Σᵢ yᵢ αᵢ K(xᵢ, x) + b,   b = −ρ,

    and the support vectors are the xᵢ with αᵢ > 0. For k > 2 classes, one such machine is
    trained for each of the k(k − 1)/2 pairs of classes (one-vs-one) and ``predict`` takes the
    majority vote. ``probability=True`` fits, for each pair, Platt's sigmoid
    P(class i | f) = 1 / (1 + exp(A f + B)) to decision values from an internal 5-fold
    cross-validation, and couples the pairwise probabilities (``platt``).

    Parameters
    ----------
    C : float, default 1.0
        Penalty on the slack (the box bound of the dual variables).
    kernel : {'linear', 'poly', 'rbf', 'sigmoid', 'precomputed'} or callable, default 'rbf'
    degree : int, default 3
        Degree d of the polynomial kernel.
    gamma : {'scale', 'auto'} or float, default 'scale'
        γ of the rbf, poly and sigmoid kernels ('scale': 1 / (n_features · Var X),
        'auto': 1 / n_features).
    coef0 : float, default 0.0
        r of the poly and sigmoid kernels.
    shrinking : bool, default True
        Accepted for scikit-learn's API. The solver works on every variable at each
        iteration (no shrinking heuristic); the solution is the same within ``tol``.
    probability : bool, default False
        Fit Platt's sigmoids (5-fold cross-validation, slower) to enable ``predict_proba``.
    tol : float, default 1e-3
        Stopping tolerance on the maximal KKT violation m(α) − M(α).
    cache_size : float, default 200
        Megabytes for the kernel: the whole Gram matrix (float32) when it fits, otherwise
        a least-recently-used cache of kernel rows.
    class_weight : dict, 'balanced' or None, default None
        Multiplies C for each class; 'balanced' uses n_samples / (n_classes · n_k).
    verbose : bool, default False
        Accepted for scikit-learn's API; nothing is printed.
    max_iter : int, default -1
        Limit on SMO iterations for each pair (-1: none).
    decision_function_shape : {'ovr', 'ovo'}, default 'ovr'
        'ovo' returns the k(k − 1)/2 pairwise decision values; 'ovr' turns them into one
        score a class (votes plus a tie-breaking confidence in (−1/3, 1/3)).
    break_ties : bool, default False
        With 'ovr' and more than two classes, predict the argmax of the 'ovr' decision
        function instead of the vote.
    random_state : int, RandomState or None, default None
        Seeds the shuffling of the probability cross-validation.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    class_weight_ : ndarray of shape (n_classes,)
    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors, grouped by class.
    support_vectors_ : ndarray of shape (n_SV, n_features)
    n_support_ : ndarray of shape (n_classes,)
    dual_coef_ : ndarray of shape (n_classes − 1, n_SV)
        yᵢαᵢ of each support vector in the machines of its class (libsvm's layout).
    intercept_ : ndarray of shape (n_classes · (n_classes − 1) / 2,)
    coef_ : ndarray of shape (n_classes · (n_classes − 1) / 2, n_features)
        w = Σᵢ yᵢαᵢxᵢ; linear kernel only.
    probA_, probB_ : ndarray of shape (n_classes · (n_classes − 1) / 2,)
        Platt's A and B for each pair (empty without ``probability``).
    fit_status_ : int
        0 when every machine converged, 1 when ``max_iter`` stopped one.
    n_iter_ : ndarray of shape (n_classes · (n_classes − 1) / 2,)
    shape_fit_ : tuple
    n_features_in_ : int

    References
    ----------
    Cortes & Vapnik, "Support-vector networks" (1995); Fan, Chen & Lin, JMLR 6 (2005);
    Chang & Lin, "LIBSVM: a library for support vector machines" (2011).

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.svm import SVC
    >>> X = np.array([[-1.0, -1.0], [-2.0, -1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = np.array([1, 1, 2, 2])
    >>> SVC(kernel="linear").fit(X, y).predict([[-0.8, -1.0]])
    array([1])
    """

    def __init__(self, *, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0,
                 shrinking=True, probability=False, tol=1e-3, cache_size=200,
                 class_weight=None, verbose=False, max_iter=-1, decision_function_shape="ovr",
                 break_ties=False, random_state=None):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state

    def _check_parameters(self):
        owner = type(self).__name__
        self._check_common_parameters()
        self._check_regularisation()
        check_choice(self.decision_function_shape, "decision_function_shape", owner,
                     ("ovo", "ovr"))
        for name in ("probability", "break_ties"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                # ValueError, as every other parameter error (scikit-learn's is both kinds).
                raise ValueError(  # noqa: TRY004
                    f"The {name!r} parameter of {owner} must be an instance of 'bool' or an "
                    f"instance of 'numpy.bool'. Got {getattr(self, name)!r} instead.")
        weight = self.class_weight
        if not (weight is None or weight == "balanced" or isinstance(weight, dict)):
            raise ValueError(f"The 'class_weight' parameter of {owner} must be a str among "
                             f"{{'balanced'}}, an instance of 'dict' or None. Got {weight!r} "
                             "instead.")

    def fit(self, X, y, sample_weight=None):
        """Train one machine per pair of classes by SMO.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples, n_samples) when
            ``kernel='precomputed'``
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Multiplies C for each sample; samples of weight ≤ 0 are left out.

        Returns
        -------
        self
        """
        self._check_parameters()
        X, y = self._validate_fit_data(X, y, y_numeric=False)
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.class_weight_ = compute_class_weight(self.class_weight, self.classes_, y)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError("The number of classes has to be greater than one; got "
                             f"{n_classes} class")
        n_samples = len(y)
        sample_weight = check_sample_weight(sample_weight, np.empty((n_samples, 0)),
                                            dtype=np.float64, allow_all_zero_weights=True)
        kept = sample_weight > 0
        if not kept.any():
            raise ValueError("Invalid input - all samples have zero or negative weights.")
        if len(np.unique(codes[kept])) < 2:
            raise ValueError("Invalid input - all samples with positive weights belong to the "
                             "same class.")
        upper = self._upper_bounds(codes, sample_weight)
        problem = self._kernel_problem(X)
        rng = check_random_state(self.random_state)

        members = [np.flatnonzero((codes == k) & kept) for k in range(n_classes)]
        pairs = [(a, b) for a in range(n_classes) for b in range(a + 1, n_classes)]
        solutions = []
        probA, probB = [], []
        n_iter = []
        reached = False
        for a, b in pairs:
            index = np.concatenate([members[a], members[b]])
            signs = np.concatenate([np.ones(len(members[a])), -np.ones(len(members[b]))])
            if self.probability:
                A, B = self._platt_by_cross_validation(problem, index, signs, upper[index],
                                                       rng)
                probA.append(A)
                probB.append(B)
            coef, rho, iterations, stopped = self._solve_pair(problem, index, signs,
                                                              upper[index])
            solutions.append((index, coef, rho))
            n_iter.append(iterations)
            reached |= stopped

        self._store_solution(X, codes, solutions, pairs, n_classes)
        self.probA_ = np.array(probA, dtype=np.float64)
        self.probB_ = np.array(probB, dtype=np.float64)
        self.fit_status_ = int(reached)
        self.n_iter_ = np.array(n_iter, dtype=np.int32)
        self.shape_fit_ = X.shape if hasattr(X, "shape") else (n_samples,)
        if not (np.isfinite(self._intercept_).all() and np.isfinite(self.dual_coef_).all()):
            raise ValueError("The dual coefficients or intercepts are not finite. The input "
                             "data may contain large values and need to be preprocessed.")
        self._warn_if_stopped()
        return self

    def _check_regularisation(self):
        check_number(self.C, "C", type(self).__name__, "float", 0.0, np.inf, "right")

    def _upper_bounds(self, codes, sample_weight):
        """Cᵢ = C · class_weight[yᵢ] · sample_weightᵢ."""
        return self.C * self.class_weight_[codes] * sample_weight

    def _solve_pair(self, problem, index, signs, upper):
        """One binary machine: its coefficients yᵢαᵢ, ρ, iterations and whether max_iter
        stopped it."""
        alpha, rho, _, n_iter, stopped = problem.solve(index, signs, -np.ones(len(index)),
                                                       upper, self.tol, self.max_iter)
        return signs * alpha, rho, n_iter, stopped

    def _store_solution(self, X, codes, solutions, pairs, n_classes):
        """libsvm's layout: support vectors grouped by class (by index within a class); the
        coefficient of a class-a vector in the machine (a, b) sits in row b − 1 of dual_coef_
        if b > a, else in row b."""
        is_support = np.zeros(len(codes), dtype=bool)
        for index, coef, _ in solutions:
            is_support[index[coef != 0]] = True
        support = np.concatenate([np.flatnonzero(is_support & (codes == k))
                                  for k in range(n_classes)])
        position = np.full(len(codes), -1)
        position[support] = np.arange(len(support))
        dual_coef = np.zeros((n_classes - 1, len(support)))
        pair_coef = np.zeros((len(support), len(pairs)))
        for p, ((a, b), (index, coef, _)) in enumerate(zip(pairs, solutions)):
            chosen = coef != 0
            columns = position[index[chosen]]
            rows = np.where(codes[index[chosen]] == a, b - 1, a)
            dual_coef[rows, columns] = coef[chosen]
            pair_coef[columns, p] = coef[chosen]
        self.support_ = support.astype(np.int32)
        self.support_vectors_ = self._support_vectors(X, support)
        self.n_support_ = np.bincount(codes[support], minlength=n_classes).astype(np.int32)
        self._intercept_ = -np.array([rho for _, _, rho in solutions])
        self._pair_coef = pair_coef
        binary = n_classes == 2
        # scikit-learn shows the binary machine with classes_[1] on the positive side.
        self.dual_coef_ = -dual_coef if binary else dual_coef
        self.intercept_ = -self._intercept_ if binary else self._intercept_.copy()

    def _platt_by_cross_validation(self, problem, index, signs, upper, rng):
        """libsvm's binary probability fit: decision values of each sample from a machine
        trained on the other four fifths (a random 5-fold split), then Platt's sigmoid."""
        n = len(index)
        order = rng.permutation(n)
        decision = np.zeros(n)
        n_folds = 5
        for fold in range(n_folds):
            begin, end = fold * n // n_folds, (fold + 1) * n // n_folds
            test = order[begin:end]
            train = np.concatenate([order[:begin], order[end:]])
            n_positive = int((signs[train] > 0).sum())
            n_negative = len(train) - n_positive
            if n_positive == 0 or n_negative == 0:
                # One class only in the training part: its sign is the decision.
                decision[test] = 0.0 if len(train) == 0 else (1.0 if n_positive else -1.0)
                continue
            coef, rho, _, _ = self._solve_pair(problem, index[train], signs[train],
                                               upper[train])
            support = coef != 0
            gram = problem.block(index[test], index[train][support])
            decision[test] = gram @ coef[support] - rho
        return fit_sigmoid(decision, signs)

    def _pairwise_decision(self, X):
        """libsvm's decision values, one column a pair (a, b), positive for class a."""
        X = self._validate_predict_data(X)
        return self._support_kernel(X) @ self._pair_coef + self._intercept_

    def decision_function(self, X):
        """Decision values: f(x) for two classes (positive for ``classes_[1]``); otherwise the
        pairwise values ('ovo', shape (n, k(k − 1)/2)) or one score a class ('ovr', shape
        (n, k): votes plus Σ of the pairwise values for the class, mapped into (−1/3, 1/3)).
        """
        decision = self._pairwise_decision(X)
        n_classes = len(self.classes_)
        if n_classes == 2:
            return -decision.ravel()
        if self.decision_function_shape == "ovo":
            return decision
        return self._one_vs_rest(decision)

    def _one_vs_rest(self, decision):
        n_classes = len(self.classes_)
        votes = np.zeros((decision.shape[0], n_classes))
        confidence = np.zeros((decision.shape[0], n_classes))
        p = 0
        for a in range(n_classes):
            for b in range(a + 1, n_classes):
                confidence[:, a] += decision[:, p]
                confidence[:, b] -= decision[:, p]
                votes[:, a] += decision[:, p] > 0
                votes[:, b] += decision[:, p] <= 0
                p += 1
        return votes + confidence / (3 * (np.abs(confidence) + 1))

    def predict(self, X):
        """The class with most pairwise votes (the first of equal ones), or with
        ``break_ties`` the argmax of the 'ovr' decision function."""
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError("break_ties must be False when decision_function_shape is 'ovo'")
        decision = self._pairwise_decision(X)
        n_classes = len(self.classes_)
        if self.break_ties and n_classes > 2:
            return self.classes_[np.argmax(self._one_vs_rest(decision), axis=1)]
        votes = np.zeros((decision.shape[0], n_classes), dtype=np.int64)
        p = 0
        for a in range(n_classes):
            for b in range(a + 1, n_classes):
                votes[:, a] += decision[:, p] > 0
                votes[:, b] += decision[:, p] <= 0
                p += 1
        return self.classes_[np.argmax(votes, axis=1)]

    @property
    def predict_proba(self):
        """Class probabilities (``probability=True`` only): the pairwise Platt probabilities
        rₐᵦ = 1 / (1 + exp(A fₐᵦ + B)), clipped to [1e-7, 1 − 1e-7], coupled into one
        distribution (two classes: (r₀₁, 1 − r₀₁))."""
        if not self.probability:
            raise AttributeError("predict_proba is not available when probability=False")
        return self._predict_proba

    @property
    def predict_log_proba(self):
        """The logarithm of ``predict_proba``."""
        if not self.probability:
            raise AttributeError("predict_log_proba is not available when probability=False")
        return self._predict_log_proba

    def _predict_proba(self, X):
        decision = self._pairwise_decision(X)
        if self.probA_.size == 0:
            raise ValueError("predict_proba is not available when fitted with "
                             "probability=False")
        n_classes = len(self.classes_)
        pairwise = np.zeros((decision.shape[0], n_classes, n_classes))
        p = 0
        for a in range(n_classes):
            for b in range(a + 1, n_classes):
                r = np.clip(predict_sigmoid(decision[:, p], self.probA_[p], self.probB_[p]),
                            _MIN_PROBABILITY, 1 - _MIN_PROBABILITY)
                pairwise[:, a, b] = r
                pairwise[:, b, a] = 1 - r
                p += 1
        if n_classes == 2:
            return np.column_stack([pairwise[:, 0, 1], pairwise[:, 1, 0]])
        return couple_pairwise(pairwise, n_classes)

    def _predict_log_proba(self, X):
        return np.log(self._predict_proba(X))

    @property
    def coef_(self):
        """w = Σᵢ yᵢαᵢxᵢ of each pairwise machine (linear kernel only; read-only)."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        coef = self._pair_coef.T @ self.support_vectors_
        if len(self.classes_) == 2:
            coef = -coef
        coef.flags.writeable = False
        return coef
