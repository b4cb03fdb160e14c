"""konspekt's neighbours, SVM, tree and ensemble estimators against scikit-learn's, in one process.

Synthetic binary classification of 20,000 samples × 20 features (scikit-learn's
``make_classification``, 10 informative features, seed 0), the same arrays for both libraries:

* ``DecisionTreeClassifier()`` fit (fully grown);
* ``RandomForestClassifier(n_estimators=100, n_jobs=2)`` fit;
* ``GradientBoostingClassifier(n_estimators=100, max_depth=3)`` fit;
* ``HistGradientBoostingClassifier()`` fit (defaults; early stopping is on above 10,000 samples);
* ``KNeighborsClassifier(n_neighbors=5)``: predict of 5,000 queries after a fit on the rest;
* ``SVC(kernel='rbf')`` fit on the first 5,000 samples (standardised).

Times are medians over alternating repeats (see ``common.measure``); numba's compilation is
paid in the warm-up. Run with ``python benchmarks/bench_trees.py`` or ``make bench``.
"""

import sklearn
from sklearn import ensemble, neighbors, svm, tree
from sklearn.datasets import make_classification

from common import compare

N_SAMPLES, N_FEATURES, N_QUERIES, N_SVC = 20_000, 20, 5_000, 5_000


class _Library:
    """The estimators of one library under the same names, for ``compare``."""

    def __init__(self, name, tree, ensemble, neighbors, svm):
        self.__name__ = name
        self.tree, self.ensemble, self.neighbors, self.svm = tree, ensemble, neighbors, svm


def main():
    import konspekt.models.ensemble
    import konspekt.models.neighbors
    import konspekt.models.svm
    import konspekt.models.tree

    X, y = make_classification(n_samples=N_SAMPLES, n_features=N_FEATURES, n_informative=10,
                               random_state=0)
    X_fit, y_fit, X_query = X[N_QUERIES:], y[N_QUERIES:], X[:N_QUERIES]
    X_svc = (X[:N_SVC] - X[:N_SVC].mean(axis=0)) / X[:N_SVC].std(axis=0)
    y_svc = y[:N_SVC]
    sides = {"konspekt": _Library("konspekt", konspekt.models.tree, konspekt.models.ensemble,
                                  konspekt.models.neighbors, konspekt.models.svm),
             "sklearn": _Library("sklearn", tree, ensemble, neighbors, svm)}

    def fit(make, X, y):
        return lambda L: (lambda: make(L).fit(X, y))

    def knn_predict(L):
        model = L.neighbors.KNeighborsClassifier(n_neighbors=5).fit(X_fit, y_fit)
        return lambda: model.predict(X_query)

    cases = [
        ("DecisionTree fit", fit(lambda L: L.tree.DecisionTreeClassifier(random_state=0), X, y),
         1, 3.0),
        ("RandomForest 100 fit n_jobs=2",
         fit(lambda L: L.ensemble.RandomForestClassifier(n_estimators=100, n_jobs=2,
                                                         random_state=0), X, y), 1, 3.0),
        ("GradientBoosting 100×d3 fit",
         fit(lambda L: L.ensemble.GradientBoostingClassifier(n_estimators=100, max_depth=3,
                                                             random_state=0), X, y), 1, 2.0),
        ("HistGradientBoosting fit",
         fit(lambda L: L.ensemble.HistGradientBoostingClassifier(random_state=0), X, y), 1, 3.0),
        ("kNN predict 5,000 queries", knn_predict, 1, 2.0),
        ("SVC rbf fit 5,000", fit(lambda L: L.svm.SVC(kernel="rbf"), X_svc, y_svc), 1, 3.0),
    ]

    def case_on(L, case):
        # compare() hands over the konspekt module or the reference given to it
        return case(sides["sklearn"] if L is sides["sklearn"] else sides["konspekt"])

    return compare(f"trees, ensembles, neighbours, SVM: konspekt vs scikit-learn "
                   f"{sklearn.__version__} on {N_SAMPLES:,} × {N_FEATURES}, median time per call",
                   [(name, lambda L, case=case: case_on(L, case), n, target)
                    for name, case, n, target in cases], sides["sklearn"], width=30,
                   repeats=3, warmup=1)


if __name__ == "__main__":
    main()
