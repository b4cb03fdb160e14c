"""ν-support vector classification (``NuSVC``), trained by SMO, one-vs-one for several
classes."""

import numpy as np

from .kernels import check_number
from .svc import SVC

__all__ = ["NuSVC"]


class NuSVC(SVC):
    """ν-support vector classification, as libsvm solves it (scikit-learn's ``NuSVC``).

    ν replaces C: it is an upper bound on the fraction of margin errors and a lower bound on
    the fraction of support vectors. For two classes (yᵢ ∈ {+1, −1}) the dual is

        min_α ½ αᵀQα   subject to  0 ≤ αᵢ ≤ wᵢ,  yᵀα = 0,  eᵀα = ν Σᵢ wᵢ,

    with Q_ij = yᵢyⱼK(xᵢ, xⱼ) and wᵢ the sample weights (1 by default). It is solved by the
    ν-variant of SMO (``smo.solve_smo`` with ``nu_variant``: working pairs within one class,
    a bias r₊, r₋ for each class), from the feasible start that gives each class ν Σᵢ wᵢ / 2
    in sample order. With r = (r₊ + r₋)/2 and ρ = (r₊ − r₋)/2, the machine is the C-SVC one
    with coefficients yᵢαᵢ / r and bias −ρ / r. The rest (one-vs-one voting, decision
    shapes, Platt probabilities, attributes) is that of ``SVC``.

    Parameters
    ----------
    nu : float in (0, 1], default 0.5
        Infeasible for a pair of classes of total weights n₁, n₂ when ν(n₁ + n₂)/2 > min(n₁, n₂).
    kernel, degree, gamma, coef0, shrinking, probability, tol, cache_size, verbose, max_iter,
    decision_function_shape, break_ties, random_state
        As for ``SVC``.
    class_weight : dict, 'balanced' or None, default None
        Stored in ``class_weight_``; as in libsvm's ν-SVC, it does not change the solution.

    Attributes
    ----------
    As for ``SVC``.

    References
    ----------
    Schölkopf, Smola, Williamson & Bartlett, "New support vector algorithms", Neural
    Computation 12 (2000); Chang & Lin, "Training ν-support vector classifiers" (2001).

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.svm import NuSVC
    >>> X = np.array([[-1.0, -1.0], [-2.0, -1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> NuSVC(kernel="linear").fit(X, [1, 1, 2, 2]).predict([[-0.8, -1.0]])
    array([1])
    """

    def __init__(self, *, nu=0.5, kernel="rbf", degree=3, gamma="scale", coef0=0.0,
                 shrinking=True, probability=False, tol=1e-3, cache_size=200,
                 class_weight=None, verbose=False, max_iter=-1, decision_function_shape="ovr",
                 break_ties=False, random_state=None):
        self.nu = nu
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

    def _check_regularisation(self):
        check_number(self.nu, "nu", type(self).__name__, "float", 0.0, 1.0, "right")

    def _upper_bounds(self, codes, sample_weight):
        """wᵢ, after checking that ν is feasible for every pair of classes."""
        totals = np.bincount(codes, weights=np.where(sample_weight > 0, sample_weight, 0.0))
        for a in range(len(totals)):
            for b in range(a + 1, len(totals)):
                if self.nu * (totals[a] + totals[b]) / 2 > min(totals[a], totals[b]):
                    raise ValueError("specified nu is infeasible")
        return sample_weight.astype(np.float64)

    def _solve_pair(self, problem, index, signs, upper):
        # The feasible start: fill each class's share ν Σ wᵢ / 2 greedily in sample order.
        alpha = np.zeros(len(index))
        share = self.nu * upper.sum() / 2
        for sign in (1.0, -1.0):
            members = np.flatnonzero(signs == sign)
            filled = np.cumsum(upper[members])
            alpha[members] = np.clip(share - (filled - upper[members]), 0.0, upper[members])
        alpha, rho, r, n_iter, stopped = problem.solve(index, signs, np.zeros(len(index)),
                                                       upper, self.tol, self.max_iter,
                                                       alpha_start=alpha, nu_variant=True)
        return signs * alpha / r, rho / r, n_iter, stopped
