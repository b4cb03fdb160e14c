"""KNeighborsClassifier and RadiusNeighborsClassifier against scikit-learn: predictions and
probabilities for each weighting, metric and algorithm; multi-output y; outliers; accuracy on
the four classic data sets with the same splits."""

import contextlib
import warnings

import numpy as np
import pytest
import sklearn.neighbors as sk
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split

from konspekt.models.neighbors import KNeighborsClassifier, RadiusNeighborsClassifier


def make_data(n_fit=150, n_query=40, n_features=3, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_fit, n_features))
    y = np.digitize(X[:, 0] + 0.5 * X[:, 1] + 0.7 * rng.normal(size=n_fit),
                    np.linspace(-1, 1, n_classes - 1))
    return X, np.array(["a", "b", "c", "d"])[y], rng.normal(size=(n_query, n_features))


def inverse_square(distances):
    return 1.0 / (distances ** 2 + 0.1)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree", "ball_tree"])
@pytest.mark.parametrize("weights", ["uniform", "distance", inverse_square])
@pytest.mark.parametrize("metric, p", [("minkowski", 2), ("minkowski", 1), ("chebyshev", 2),
                                       ("minkowski", 3), ("cosine", 2)])
def test_knn_classifier_matches_sklearn(algorithm, weights, metric, p):
    if metric == "cosine" and algorithm != "brute":
        pytest.skip("scikit-learn's trees have no cosine metric")
    X, y, Q = make_data()
    settings = dict(n_neighbors=7, weights=weights, algorithm=algorithm, metric=metric, p=p)
    ours = KNeighborsClassifier(**settings).fit(X, y)
    theirs = sk.KNeighborsClassifier(**settings).fit(X, y)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.outputs_2d_ is theirs.outputs_2d_ is False
    for queries in (Q, None):
        np.testing.assert_array_equal(ours.predict(queries), theirs.predict(queries))
        np.testing.assert_allclose(ours.predict_proba(queries), theirs.predict_proba(queries),
                                   rtol=1e-9, atol=1e-12)
    assert ours.score(Q, theirs.predict(Q)) == 1.0


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("outlier_label", [None, "most_frequent", "z"])
def test_radius_classifier_matches_sklearn(algorithm, weights, outlier_label):
    X, y, Q = make_data()
    radius = 1.2 if outlier_label is None else 0.4
    Q = Q if outlier_label is not None else Q[:10] * 0.2
    settings = dict(radius=radius, weights=weights, algorithm=algorithm,
                    outlier_label=outlier_label)
    ours = RadiusNeighborsClassifier(**settings).fit(X, y)
    theirs = sk.RadiusNeighborsClassifier(**settings).fit(X, y)
    assert ours.outlier_label_ == theirs.outlier_label_
    if outlier_label == "z":
        with pytest.warns(UserWarning, match="Outlier label z is not in training classes"):
            probabilities = ours.predict_proba(Q)
        with pytest.warns(UserWarning):
            their_probabilities = theirs.predict_proba(Q)
    else:
        probabilities, their_probabilities = ours.predict_proba(Q), theirs.predict_proba(Q)
    np.testing.assert_allclose(probabilities, their_probabilities, rtol=1e-9, atol=1e-12)
    expected = pytest.warns(UserWarning) if outlier_label == "z" else contextlib.nullcontext()
    with expected:
        predictions = ours.predict(Q)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        np.testing.assert_array_equal(predictions, theirs.predict(Q))


def test_radius_classifier_without_outlier_label_names_the_outliers():
    X, y, _ = make_data()
    model = RadiusNeighborsClassifier(radius=0.01).fit(X, y)
    with pytest.raises(ValueError, match=r"No neighbors found for test samples array\(\[0, 1\]\)"):
        model.predict(np.full((2, 3), 10.0))


@pytest.mark.parametrize("estimator", ["knn", "radius"])
def test_multi_output_matches_sklearn(estimator):
    X, y, Q = make_data()
    Y = np.column_stack([y, (X[:, 2] > 0).astype(int).astype(str)])
    if estimator == "knn":
        ours, theirs = KNeighborsClassifier(4), sk.KNeighborsClassifier(4)
    else:
        ours = RadiusNeighborsClassifier(1.5, outlier_label="most_frequent")
        theirs = sk.RadiusNeighborsClassifier(1.5, outlier_label="most_frequent")
    ours.fit(X, Y)
    theirs.fit(X, Y)
    assert ours.outputs_2d_ and theirs.outputs_2d_
    for our_classes, their_classes in zip(ours.classes_, theirs.classes_):
        np.testing.assert_array_equal(our_classes, their_classes)
    np.testing.assert_array_equal(ours.predict(Q), theirs.predict(Q))
    for ours_p, theirs_p in zip(ours.predict_proba(Q), theirs.predict_proba(Q)):
        np.testing.assert_allclose(ours_p, theirs_p)


def test_errors_match_sklearn():
    X, y, Q = make_data(n_fit=10)
    with pytest.raises(ValueError, match="Expected n_neighbors <= n_samples_fit, but "
                                         "n_neighbors = 11, n_samples_fit = 10, n_samples = 40"):
        KNeighborsClassifier(11).fit(X, y).predict(Q)
    with pytest.raises(ValueError, match="The 'weights' parameter of KNeighborsClassifier must "
                                         "be a str among {'uniform', 'distance'}, a callable "
                                         "or None. Got 'far' instead."):
        KNeighborsClassifier(weights="far").fit(X, y)
    with pytest.raises(ValueError, match="All neighbors of some sample is getting zero weights"):
        KNeighborsClassifier(3, weights=np.zeros_like).fit(X, y).predict(Q)
    with pytest.raises(ValueError, match="Unknown label type"):
        KNeighborsClassifier(3).fit(X, X[:, 0])


DATASETS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer,
            "digits": load_digits}


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("settings", [dict(n_neighbors=5), dict(n_neighbors=9, weights="distance",
                                                                 p=1)],
                         ids=["k5", "k9-distance-l1"])
def test_accuracy_on_datasets_matches_sklearn(name, settings):
    X, y = DATASETS[name](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0,
                                                        stratify=y)
    ours = KNeighborsClassifier(**settings).fit(X_train, y_train).score(X_test, y_test)
    theirs = sk.KNeighborsClassifier(**settings).fit(X_train, y_train).score(X_test, y_test)
    assert abs(ours - theirs) <= 0.015
