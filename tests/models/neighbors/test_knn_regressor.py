"""KNeighborsRegressor and RadiusNeighborsRegressor against scikit-learn: predictions for each
weighting, metric and algorithm, multi-output y, empty neighbourhoods; R² on data sets with
the same splits."""

import numpy as np
import pytest
import sklearn.neighbors as sk
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.model_selection import train_test_split

from konspekt.models.neighbors import KNeighborsRegressor, RadiusNeighborsRegressor


def make_data(n_fit=150, n_query=40, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_fit, n_features))
    Y = np.column_stack([np.sin(X[:, 0]) + X[:, 1] ** 2, X[:, 2] - X[:, 0]])
    return X, Y + 0.1 * rng.normal(size=Y.shape), rng.normal(size=(n_query, n_features))


def inverse_square(distances):
    return 1.0 / (distances ** 2 + 0.1)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree", "ball_tree"])
@pytest.mark.parametrize("weights", ["uniform", "distance", inverse_square])
@pytest.mark.parametrize("metric, p", [("minkowski", 2), ("minkowski", 1), ("chebyshev", 2),
                                       ("cosine", 2)])
@pytest.mark.parametrize("multi_output", [False, True])
def test_knn_regressor_matches_sklearn(algorithm, weights, metric, p, multi_output):
    if metric == "cosine" and algorithm != "brute":
        pytest.skip("scikit-learn's trees have no cosine metric")
    X, Y, Q = make_data()
    y = Y if multi_output else Y[:, 0]
    settings = dict(n_neighbors=6, weights=weights, algorithm=algorithm, metric=metric, p=p)
    ours = KNeighborsRegressor(**settings).fit(X, y)
    theirs = sk.KNeighborsRegressor(**settings).fit(X, y)
    for queries in (Q, None):
        predictions = ours.predict(queries)
        assert predictions.shape == theirs.predict(queries).shape
        np.testing.assert_allclose(predictions, theirs.predict(queries), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree", "ball_tree"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("multi_output", [False, True])
def test_radius_regressor_matches_sklearn(algorithm, weights, multi_output):
    X, Y, Q = make_data()
    y = Y if multi_output else Y[:, 0]
    settings = dict(radius=1.0, weights=weights, algorithm=algorithm)
    ours = RadiusNeighborsRegressor(**settings).fit(X, y)
    theirs = sk.RadiusNeighborsRegressor(**settings).fit(X, y)
    np.testing.assert_allclose(ours.predict(Q * 0.5), theirs.predict(Q * 0.5), rtol=1e-10)


def test_radius_regressor_predicts_nan_for_an_empty_neighbourhood():
    X, Y, _ = make_data()
    with pytest.warns(UserWarning, match="no neighbors within specified radius; predicting NaN"):
        predictions = RadiusNeighborsRegressor(radius=0.5).fit(X, Y[:, 0]).predict(
            np.array([[0.0, 0.0, 0.0], [50.0, 50.0, 50.0]]))
    assert np.isfinite(predictions[0]) and np.isnan(predictions[1])


@pytest.mark.parametrize("name", ["diabetes", "friedman1"])
@pytest.mark.parametrize("settings", [dict(n_neighbors=5), dict(n_neighbors=10,
                                                                 weights="distance")],
                         ids=["k5", "k10-distance"])
def test_r2_on_datasets_matches_sklearn(name, settings):
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    else:
        X, y = make_friedman1(n_samples=600, n_features=8, noise=0.5, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    ours = KNeighborsRegressor(**settings).fit(X_train, y_train).score(X_test, y_test)
    theirs = sk.KNeighborsRegressor(**settings).fit(X_train, y_train).score(X_test, y_test)
    assert abs(ours - theirs) <= 0.015
