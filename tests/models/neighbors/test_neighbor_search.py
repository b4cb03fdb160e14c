"""NearestNeighbors against scikit-learn: kneighbors, radius_neighbors and both graphs for each
metric and algorithm, on tie-free random data; the automatic algorithm choice; errors."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.neighbors as sk

from konspekt.models.neighbors import NearestNeighbors

METRICS = [("minkowski", 2, None), ("minkowski", 1, None), ("minkowski", np.inf, None),
           ("minkowski", 3, None), ("euclidean", 2, None), ("manhattan", 2, None),
           ("chebyshev", 2, None), ("minkowski", 2, {"w": np.array([0.5, 2.0, 1.0, 3.0])}),
           ("cosine", 2, None), ("sqeuclidean", 2, None)]
TREE_METRICS = {"minkowski", "euclidean", "manhattan", "chebyshev"}


def make_data(n_fit=120, n_query=30, n_features=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_fit, n_features)), rng.normal(size=(n_query, n_features))


def pairs(metric, algorithm):
    """Whether scikit-learn offers this metric with this algorithm."""
    return algorithm == "brute" or metric in TREE_METRICS


def both(**settings):
    return NearestNeighbors(**settings), sk.NearestNeighbors(**settings)


def assert_same_radius(ours, theirs):
    (distances, indices), (their_distances, their_indices) = ours, theirs
    assert len(indices) == len(their_indices)
    for row, their_row, dist, their_dist in zip(indices, their_indices, distances,
                                                their_distances):
        np.testing.assert_array_equal(row, their_row)
        np.testing.assert_allclose(dist, their_dist, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree", "ball_tree", "auto"])
@pytest.mark.parametrize("metric, p, params", METRICS,
                         ids=lambda value: str(value) if not isinstance(value, dict) else "w")
def test_kneighbors_and_radius_match_sklearn(algorithm, metric, p, params):
    if not pairs(metric, algorithm) or (params and algorithm == "kd_tree"):
        pytest.skip("scikit-learn has no such combination")
    X, Q = make_data()
    ours, theirs = both(n_neighbors=6, radius=1.6, algorithm=algorithm, metric=metric, p=p,
                        metric_params=params, leaf_size=5)
    ours.fit(X)
    theirs.fit(X)
    assert ours.effective_metric_ == theirs.effective_metric_
    assert ours.n_samples_fit_ == theirs.n_samples_fit_ == X.shape[0]
    for queries in (Q, None):
        distances, indices = ours.kneighbors(queries)
        their_distances, their_indices = theirs.kneighbors(queries)
        np.testing.assert_array_equal(indices, their_indices)
        np.testing.assert_allclose(distances, their_distances, rtol=1e-9, atol=1e-9)
        assert_same_radius(ours.radius_neighbors(queries, sort_results=True),
                           theirs.radius_neighbors(queries, sort_results=True))
        for mode in ("connectivity", "distance"):
            graph = ours.kneighbors_graph(queries, mode=mode)
            assert sp.issparse(graph) and graph.format == "csr"
            np.testing.assert_allclose(graph.toarray(),
                                       theirs.kneighbors_graph(queries, mode=mode).toarray(),
                                       rtol=1e-9, atol=1e-9)
            radius_graph = ours.radius_neighbors_graph(queries, mode=mode)
            np.testing.assert_allclose(
                radius_graph.toarray(),
                theirs.radius_neighbors_graph(queries, mode=mode).toarray(), rtol=1e-9,
                atol=1e-9)


@pytest.mark.parametrize("n_features, n_neighbors, metric, p, params", [
    (3, 5, "minkowski", 2, None), (3, 5, "minkowski", 1, None), (20, 5, "minkowski", 2, None),
    (3, 60, "minkowski", 2, None), (3, 5, "cosine", 2, None),
    (3, 5, "minkowski", 2, {"w": np.ones(3)}), (3, 5, "minkowski", 0.5, None)])
def test_auto_algorithm_choice_matches_sklearn(n_features, n_neighbors, metric, p, params):
    X, _ = make_data(n_fit=100, n_features=n_features)
    ours, theirs = both(n_neighbors=n_neighbors, metric=metric, p=p, metric_params=params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert ours.fit(X)._fit_method == theirs.fit(X)._fit_method


def test_minkowski_below_one_is_brute_force_with_a_warning():
    X, Q = make_data()
    with pytest.warns(UserWarning, match="0 < p < 1"):
        ours = NearestNeighbors(p=0.5).fit(X)
    with pytest.warns(UserWarning, match="0 < p < 1"):
        theirs = sk.NearestNeighbors(p=0.5, algorithm="brute").fit(X)
    np.testing.assert_array_equal(ours.kneighbors(Q)[1], theirs.kneighbors(Q)[1])
    with pytest.raises(ValueError, match='algorithm="kd_tree" does not support 0 < p < 1'):
        NearestNeighbors(p=0.5, algorithm="kd_tree").fit(X)


@pytest.mark.parametrize("algorithm", ["brute", "ball_tree", "auto"])
def test_callable_metric_matches_sklearn(algorithm):
    X, Q = make_data(n_fit=40, n_query=5)

    def weighted_l1(u, v, scale=1.0):
        return scale * np.abs(u - v).sum()

    settings = dict(n_neighbors=4, algorithm=algorithm, metric=weighted_l1,
                    metric_params={"scale": 2.0})
    ours, theirs = both(**settings)
    distances, indices = ours.fit(X).kneighbors(Q)
    their_distances, their_indices = theirs.fit(X).kneighbors(Q)
    np.testing.assert_array_equal(indices, their_indices)
    np.testing.assert_allclose(distances, their_distances, rtol=1e-12)


def test_precomputed_matches_sklearn():
    X, Q = make_data()
    fit_distances = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    query_distances = np.sqrt(((Q[:, None] - X[None]) ** 2).sum(-1))
    ours, theirs = both(n_neighbors=5, radius=1.5, metric="precomputed")
    ours.fit(fit_distances)
    theirs.fit(fit_distances)
    for queries in (query_distances, None):
        for our_result, their_result in zip(ours.kneighbors(queries), theirs.kneighbors(queries)):
            np.testing.assert_allclose(our_result, their_result)
        assert_same_radius(ours.radius_neighbors(queries, sort_results=True),
                           theirs.radius_neighbors(queries, sort_results=True))
    with pytest.raises(ValueError, match="Precomputed matrix must be square"):
        NearestNeighbors(metric="precomputed").fit(fit_distances[:, :10])
    with pytest.raises(ValueError, match="Negative values"):
        NearestNeighbors(metric="precomputed").fit(-fit_distances)


def test_duplicates_leave_one_out_like_sklearn():
    X = np.array([[0.0], [0.0], [0.0], [1.0], [3.0]])
    ours, theirs = both(n_neighbors=2)
    np.testing.assert_array_equal(ours.fit(X).kneighbors()[0], theirs.fit(X).kneighbors()[0])


def test_float32_input_is_searched_like_sklearn():
    X, Q = make_data()
    ours, theirs = both(n_neighbors=3)
    np.testing.assert_array_equal(ours.fit(X.astype(np.float32)).kneighbors(Q)[1],
                                  theirs.fit(X.astype(np.float32)).kneighbors(Q)[1])


def test_blocks_of_the_distance_matrix_give_the_same_answer(monkeypatch):
    from konspekt.models.neighbors import distances
    X, Q = make_data(n_query=50)
    model = NearestNeighbors(n_neighbors=4, algorithm="brute").fit(X)
    whole = model.kneighbors(Q)
    whole_radius = model.radius_neighbors(Q, 1.5, sort_results=True)
    # Blocks of 3 query rows instead of one block for all.
    monkeypatch.setattr(distances, "WORKING_MEMORY", 3 * 8 * X.shape[0])
    for ours, reference in zip(model.kneighbors(Q), whole):
        np.testing.assert_array_equal(ours, reference)
    assert_same_radius(model.radius_neighbors(Q, 1.5, sort_results=True), whole_radius)


@pytest.mark.parametrize("settings, message", [
    (dict(n_neighbors=0), "The 'n_neighbors' parameter of NearestNeighbors must be an int in "
                          r"the range \[1, inf\) or None. Got 0 instead."),
    (dict(n_neighbors=2.5), "'n_neighbors' parameter .* Got 2.5 instead"),
    (dict(algorithm="fast"), "The 'algorithm' parameter of NearestNeighbors must be a str among"),
    (dict(metric="nope"), "The 'metric' parameter of NearestNeighbors must be a str among"),
    (dict(leaf_size=0), "The 'leaf_size' parameter"),
    (dict(p=0), r"The 'p' parameter of NearestNeighbors must be a float in the range \(0.0, inf\]"),
    (dict(radius=-1.0), "The 'radius' parameter"),
    (dict(metric_params=3), "The 'metric_params' parameter"),
    (dict(metric="cosine", algorithm="kd_tree"), r"Metric 'cosine' not valid. Use sorted\("),
    (dict(metric=lambda u, v: 0.0, algorithm="kd_tree"), "kd_tree does not support callable"),
    (dict(metric_params={"w": np.ones(4)}, algorithm="kd_tree"),
     "algorithm='kd_tree' is not valid for metric='minkowski' with a weight"),
])
def test_bad_parameters_are_refused_like_sklearn(settings, message):
    X, _ = make_data(n_fit=10)
    with pytest.raises(ValueError, match=message):
        NearestNeighbors(**settings).fit(X)
    if "metric_params" not in settings or settings["metric_params"] == 3:
        with pytest.raises(ValueError):
            sk.NearestNeighbors(**settings).fit(X)


def test_kneighbors_argument_errors_match_sklearn():
    X, Q = make_data(n_fit=10)
    ours, theirs = both()
    ours.fit(X)
    theirs.fit(X)
    for call in (lambda m: m.kneighbors(Q, n_neighbors=11),
                 lambda m: m.kneighbors(None, n_neighbors=10),
                 lambda m: m.kneighbors(Q, n_neighbors=0),
                 lambda m: m.kneighbors_graph(Q, mode="weights"),
                 lambda m: m.radius_neighbors_graph(Q, mode="weights"),
                 lambda m: m.radius_neighbors(Q, return_distance=False, sort_results=True),
                 lambda m: m.kneighbors(Q[:, :3])):
        with pytest.raises(ValueError) as their_error:
            call(theirs)
        with pytest.raises(ValueError, match="^" + __import__("re").escape(
                str(their_error.value)).replace("NearestNeighbors", ".*") + "$"):
            call(ours)
    with pytest.raises(TypeError, match="n_neighbors does not take <class 'float'> value"):
        ours.kneighbors(Q, n_neighbors=2.5)


@pytest.mark.parametrize("metric, p, params", [
    ("minkowski", 2, None), ("minkowski", 1, None), ("cosine", 2, None), ("minkowski", 3, None),
    ("minkowski", 2, {"w": np.array([0.5, 2.0, 1.0, 3.0])})])
@pytest.mark.parametrize("sparse_fit, sparse_query", [(True, True), (True, False),
                                                      (False, True)])
def test_sparse_input_is_searched_like_dense_input(metric, p, params, sparse_fit, sparse_query):
    X, Q = make_data()
    rng = np.random.default_rng(1)
    for points in (X, Q):
        # One zero per row: sparse, yet no two rows equal or parallel (no ties).
        points[np.arange(len(points)), rng.integers(0, 4, size=len(points))] = 0.0
    fit_X = sp.csr_matrix(X) if sparse_fit else X
    query = sp.csr_matrix(Q) if sparse_query else Q
    settings = dict(n_neighbors=5, radius=1.8, metric=metric, p=p, metric_params=params,
                    algorithm="brute")
    ours = NearestNeighbors(**settings).fit(fit_X)
    # scikit-learn takes sparse input for Euclidean, Manhattan and cosine; konspekt also for
    # the other Minkowski metrics, compared here with its own dense search.
    if params is None and p in (1, 2):
        reference, reference_query = sk.NearestNeighbors(**settings).fit(fit_X), query
    else:
        reference, reference_query = NearestNeighbors(**settings).fit(X), Q
    for queries, reference_queries in ((query, reference_query), (None, None)):
        distances, indices = ours.kneighbors(queries)
        their_distances, their_indices = reference.kneighbors(reference_queries)
        np.testing.assert_allclose(distances, their_distances, rtol=1e-9, atol=1e-9)
        np.testing.assert_array_equal(indices, their_indices)
        assert_same_radius(ours.radius_neighbors(queries, sort_results=True),
                           reference.radius_neighbors(reference_queries, sort_results=True))


def test_sparse_input_and_trees_like_sklearn():
    X, Q = make_data()
    with pytest.warns(UserWarning, match="cannot use tree with sparse input: using brute force"):
        model = NearestNeighbors(algorithm="kd_tree").fit(sp.csr_matrix(X))
    assert model._fit_method == "brute"
    model = NearestNeighbors(algorithm="ball_tree").fit(X)
    with pytest.raises(ValueError, match="ball_tree does not work with sparse matrices"):
        model.kneighbors(sp.csr_matrix(Q))


def test_metric_params_p_overrides_with_a_warning():
    X, Q = make_data()
    with pytest.warns(SyntaxWarning, match="Parameter p is found in metric_params"):
        ours = NearestNeighbors(metric_params={"p": 1}).fit(X)
    assert ours.effective_metric_ == "manhattan"
    theirs = sk.NearestNeighbors(metric="manhattan").fit(X)
    np.testing.assert_array_equal(ours.kneighbors(Q)[1], theirs.kneighbors(Q)[1])
