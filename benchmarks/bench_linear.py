"""konspekt's estimators against scikit-learn's on the same data, in one process.

Synthetic data of 50,000 samples × 50 features (a linear model plus noise; labels from its sign):

* ``LogisticRegression(solver='lbfgs')`` fit;
* ``Ridge(alpha=1.0)`` fit;
* ``Lasso(alpha=0.01)`` fit (coordinate descent);
* one epoch of ``MLPClassifier(hidden_layer_sizes=(100,))`` with Adam (``max_iter=1``).

Times are medians over alternating repeats (see ``common.measure``). Run with
``python benchmarks/bench_linear.py`` or ``make bench``.
"""

import warnings

import numpy as np
import sklearn
from sklearn import linear_model, neural_network

from common import compare

N_SAMPLES, N_FEATURES = 50_000, 50


def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    w = rng.standard_normal(N_FEATURES)
    y = X @ w + 0.5 * rng.standard_normal(N_SAMPLES)
    return X, y, (y > 0).astype(np.int64)


class _Library:
    """The estimators of one library under the same names, for ``compare``."""

    def __init__(self, name, linear, neural):
        self.__name__ = name
        self.linear, self.neural = linear, neural


def fit(make, X, y):
    def step():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # max_iter=1 does not converge, by design
            make().fit(X, y)
    return step


def main():
    import konspekt.models.linear
    import konspekt.models.neural

    X, y, labels = data()
    konspekt_side = _Library("konspekt", konspekt.models.linear, konspekt.models.neural)
    sklearn_side = _Library("sklearn", linear_model, neural_network)
    cases = [
        ("LogisticRegression lbfgs fit",
         lambda L: fit(lambda: L.linear.LogisticRegression(max_iter=200), X, labels), 1, 2.0),
        ("Ridge fit", lambda L: fit(lambda: L.linear.Ridge(alpha=1.0), X, y), 5, 1.5),
        ("Lasso fit", lambda L: fit(lambda: L.linear.Lasso(alpha=0.01), X, y), 1, 2.0),
        ("MLPClassifier epoch (100,)",
         lambda L: fit(lambda: L.neural.MLPClassifier(max_iter=1, random_state=0), X, labels),
         1, 1.5),
    ]

    def case_on(L, case):
        # compare() hands over the konspekt module or the reference given to it
        return case(sklearn_side if L is sklearn_side else konspekt_side)

    return compare(f"estimators: konspekt vs scikit-learn {sklearn.__version__} on "
                   f"{N_SAMPLES:,} × {N_FEATURES}, median time per call",
                   [(name, lambda L, case=case: case_on(L, case), n, target)
                    for name, case, n, target in cases], sklearn_side, width=30)


if __name__ == "__main__":
    main()
