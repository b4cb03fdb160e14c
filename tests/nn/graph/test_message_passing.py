"""``MessagePassing``: sum, mean and max aggregation against the dense adjacency matrix, the
arguments filled in by name (x_i, x_j, edge features, index, num_nodes), ``update``, the flow's
direction, gradients, and errors."""

import numpy as np
import pytest

import konspekt as kp
from konspekt.nn.graph import MessagePassing
from oracle import check_gradients

# A 4-node directed graph; node 3 receives nothing.
EDGES = np.array([[0, 1, 2, 3, 3, 0],
                  [1, 2, 1, 0, 2, 2]])


class Neighbours(MessagePassing):
    """h_v' = AGG_{u ∈ N(v)} h_u."""

    def forward(self, x, edge_index):
        return self.propagate(edge_index, x=x)


class Weighted(MessagePassing):
    """h_v' = h_v + Σ_u w_uv (h_u − h_v): the arguments x_i, x_j, edge_attr and update's x."""

    def forward(self, x, edge_index, edge_attr):
        return self.propagate(edge_index, x=x, edge_attr=edge_attr)

    def message(self, x_i, x_j, edge_attr):
        return (x_j - x_i) * edge_attr.unsqueeze(-1)

    def update(self, aggregated, x):
        return x + aggregated


def _features(seed=0, shape=(4, 3)):
    return np.random.default_rng(seed).normal(size=shape)


def _adjacency(edges, n=4):
    """A[v, u] = 1 for an edge u → v."""
    a = np.zeros((n, n))
    a[edges[1], edges[0]] = 1
    return a


def test_sum_and_mean_are_the_adjacency_products():
    x = _features()
    a = _adjacency(EDGES)
    summed = Neighbours(aggr="sum")(kp.tensor(x), EDGES)
    np.testing.assert_allclose(summed.data, a @ x, rtol=1e-12)
    counts = np.maximum(a.sum(1, keepdims=True), 1)
    np.testing.assert_allclose(Neighbours(aggr="mean")(kp.tensor(x), EDGES).data,
                               a @ x / counts, rtol=1e-12)


def test_max_is_the_largest_neighbour_per_feature():
    x = _features(1)
    out = Neighbours(aggr="max")(kp.tensor(x), EDGES).data
    a = _adjacency(EDGES)
    for v in range(4):
        expected = x[a[v] == 1].max(0) if a[v].any() else np.zeros(3)
        np.testing.assert_array_equal(out[v], expected)


def test_named_arguments_and_update():
    x, w = _features(2), np.array([0.5, 1.0, 2.0, -1.0, 0.3, 0.7])
    out = Weighted()(kp.tensor(x), EDGES, kp.tensor(w)).data
    expected = x.copy()
    for (u, v), weight in zip(EDGES.T, w):
        expected[v] += weight * (x[u] - x[v])
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_target_to_source_sends_against_the_edges():
    x = _features(3)
    out = Neighbours(aggr="sum", flow="target_to_source")(kp.tensor(x), EDGES)
    np.testing.assert_allclose(out.data, _adjacency(EDGES).T @ x, rtol=1e-12)


def test_index_and_num_nodes_reach_message():
    class Normalised(MessagePassing):
        def forward(self, x, edge_index):
            return self.propagate(edge_index, x=x)

        def message(self, x_j, index, num_nodes):
            counts = np.bincount(index, minlength=num_nodes)[index]
            return x_j / kp.tensor(counts.astype(np.float64)).unsqueeze(-1)

    x = _features(4)
    np.testing.assert_allclose(Normalised()(kp.tensor(x), EDGES).data,
                               Neighbours(aggr="mean")(kp.tensor(x), EDGES).data, rtol=1e-12)


@pytest.mark.parametrize("aggr", ["sum", "mean", "max"])
def test_gradcheck_and_gradgradcheck(aggr):
    check_gradients(lambda x: Neighbours(aggr=aggr)(x, EDGES), [_features(5)])


def test_gradcheck_through_message_and_update():
    check_gradients(lambda x, w: Weighted()(x, EDGES, w), [_features(6), _features(7, (6,))])


def test_errors():
    with pytest.raises(ValueError, match="'aggr' must be one of \\['sum', 'mean', 'max'\\]"):
        MessagePassing(aggr="min")
    with pytest.raises(ValueError, match="'flow' must be"):
        MessagePassing(flow="both")
    x = kp.tensor(_features())
    with pytest.raises(IndexError, match="refers to node 4, but the graph has 4 nodes"):
        Neighbours()(x, [[0, 4], [1, 2]])
    with pytest.raises(TypeError, match=r"message\(\) needs 'edge_attr'"):
        Weighted().propagate(EDGES, x=x)
    with pytest.raises(ValueError, match=r"'y' must have one row per node \(4\), got shape "
                                         r"\(3, 3\)"):
        class Pairs(MessagePassing):
            def message(self, x_j, y_i):
                return x_j + y_i
        Pairs().propagate(EDGES, x=x, y=kp.zeros(3, 3))
    with pytest.raises(ValueError, match="give 'num_nodes'"):
        MessagePassing().propagate(EDGES, h=x)
