"""Rosenblatt's perceptron with scikit-learn's API: ``SGDClassifier`` with the perceptron loss
max(0, −M) and a constant learning rate."""

from .stochastic_gradient import SGDClassifier

__all__ = ["Perceptron"]


class Perceptron(SGDClassifier):
    """Rosenblatt's perceptron: ``SGDClassifier(loss='perceptron', learning_rate='constant',
    eta0=1)``, so each misclassified object (M = y⟨w, x⟩ ≤ 0) gives w ← w + η y x,
    b ← b + η y. With ``shuffle=False`` the updates are scikit-learn's, in the same order;
    ``partial_fit`` runs one such epoch per call (``SGDClassifier.partial_fit``).

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
    >>> from konspekt.models.linear.perceptron import Perceptron
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
