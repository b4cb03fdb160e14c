"""Graph data: ``Graph`` validation, ``Batch.from_graphs`` (node-index offsets, graph ids, every
attribute stacked) and ``to_graphs`` (the exact inverse), self-loop helpers, degrees, errors."""

import numpy as np
import pytest

import konspekt as kp
from konspekt.nn.graph import (Batch, Graph, add_self_loops, check_edge_index, degree,
                               remove_self_loops)


def _graph(n, edges, seed, **extra):
    rng = np.random.default_rng(seed)
    edges = np.asarray(edges, dtype=np.int64).reshape(2, -1)
    return Graph(x=rng.normal(size=(n, 3)), edge_index=edges,
                 edge_attr=rng.normal(size=(edges.shape[1], 2)), y=rng.integers(0, 2, n),
                 **extra)


def test_graph_holds_its_tensors():
    g = _graph(3, [[0, 1], [1, 2]], 0)
    assert (g.num_nodes, g.num_edges, g.num_node_features) == (3, 2, 3)
    assert g.edge_index.dtype == kp.int64 and g.edge_index.tolist() == [[0, 1], [1, 2]]
    assert g.keys() == ["x", "edge_attr", "y"]
    assert repr(g) == "Graph(edge_index=[2, 2], x=[3, 3], edge_attr=[2, 2], y=[3], num_nodes=3)"
    assert Graph(num_nodes=4).num_edges == 0


def test_from_graphs_offsets_the_edges_and_records_the_graph_ids():
    g1 = _graph(3, [[0, 1, 2], [1, 2, 0]], 1, edge_label=np.array([1, 0, 1]))
    g2 = _graph(2, [[1], [0]], 2, edge_label=np.array([0]))
    g3 = _graph(4, [[0, 3], [3, 0]], 3, edge_label=np.array([1, 1]))
    batch = Batch.from_graphs([g1, g2, g3])
    assert batch.num_graphs == 3 and batch.num_nodes == 9 and batch.num_edges == 6
    assert batch.edge_index.tolist() == [[0, 1, 2, 4, 5, 8], [1, 2, 0, 3, 8, 5]]
    assert batch.batch.tolist() == [0, 0, 0, 1, 1, 2, 2, 2, 2]
    assert batch.ptr.tolist() == [0, 3, 5, 9]
    np.testing.assert_array_equal(batch.x.data, np.concatenate([g.x.data for g in (g1, g2, g3)]))
    assert batch.edge_label.tolist() == [1, 0, 1, 0, 1, 1]
    # Splitting gives the graphs back, tensor for tensor.
    for original, back in zip([g1, g2, g3], batch.to_graphs()):
        assert back.num_nodes == original.num_nodes
        assert back.keys() == original.keys()
        for key in ["edge_index"] + original.keys():
            np.testing.assert_array_equal(getattr(back, key).data, getattr(original, key).data)
    assert batch[1].edge_index.tolist() == [[1], [0]]


def test_batch_keeps_the_autograd_graph_of_its_features():
    x = kp.randn(2, 3, requires_grad=True)
    batch = Batch.from_graphs([Graph(x=x), Graph(x=kp.randn(1, 3))])
    batch.x.sum().backward()
    assert x.grad.tolist() == [[1.0] * 3] * 2


def test_graph_errors_name_the_argument_and_the_shapes():
    with pytest.raises(IndexError, match=r"'edge_index' refers to node 3, but the graph has 3 "
                                         r"nodes \(indices must lie in \[0, 3\)\)"):
        Graph(x=kp.zeros(3, 2), edge_index=[[0, 3], [1, 2]])
    with pytest.raises(IndexError, match="negative node index -1"):
        Graph(x=kp.zeros(3, 2), edge_index=[[0, -1], [1, 2]])
    with pytest.raises(ValueError, match=r"'edge_index' must have shape \(2, E\).*got shape "
                                         r"\(3, 2\)"):
        Graph(x=kp.zeros(3, 2), edge_index=[[0, 1], [1, 2], [2, 0]])
    with pytest.raises(TypeError, match="'edge_index' must be an integer tensor.*float"):
        Graph(x=kp.zeros(3, 2), edge_index=[[0.0, 1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match=r"'x' must have shape \(N, F\).*got shape \(3,\)"):
        Graph(x=kp.zeros(3))
    with pytest.raises(ValueError, match=r"'edge_attr' must have shape \(E, D\) or \(E,\) with "
                                         r"E = 2.*\(2, 2\)\), got shape \(3, 4\)"):
        Graph(x=kp.zeros(3, 2), edge_index=[[0, 1], [1, 2]], edge_attr=kp.zeros(3, 4))
    with pytest.raises(ValueError, match="'num_nodes' \\(4\\) disagrees"):
        Graph(x=kp.zeros(3, 2), num_nodes=4)
    with pytest.raises(ValueError, match="'x' or the number of nodes 'num_nodes'"):
        Graph(edge_index=[[0], [1]])


def test_from_graphs_errors():
    with pytest.raises(ValueError, match="at least one graph"):
        Batch.from_graphs([])
    with pytest.raises(TypeError, match=r"graphs\[1\] must be a Graph, got dict"):
        Batch.from_graphs([_graph(2, [[0], [1]], 0), {}])
    with pytest.raises(ValueError, match=r"graphs\[1\] holds \['x'\], but graphs\[0\] holds"):
        Batch.from_graphs([_graph(2, [[0], [1]], 0), Graph(x=kp.zeros(2, 3))])
    with pytest.raises(ValueError, match=r"'x' differ in shape beyond dimension 0: "
                                         r"\[\(2, 3\), \(2, 4\)\]"):
        Batch.from_graphs([Graph(x=kp.zeros(2, 3)), Graph(x=kp.zeros(2, 4))])


def test_self_loops_and_degree():
    edges = kp.tensor([[0, 1, 1, 2], [1, 1, 2, 0]])
    weights = kp.tensor([1.0, 5.0, 2.0, 3.0])
    kept, kept_weights = remove_self_loops(edges, weights)
    assert kept.tolist() == [[0, 1, 2], [1, 2, 0]] and kept_weights.tolist() == [1.0, 2.0, 3.0]
    looped, looped_weights = add_self_loops(kept, kept_weights, fill_value=0.5, num_nodes=4)
    assert looped.tolist() == [[0, 1, 2, 0, 1, 2, 3], [1, 2, 0, 0, 1, 2, 3]]
    assert looped_weights.tolist() == [1.0, 2.0, 3.0, 0.5, 0.5, 0.5, 0.5]
    assert degree(looped[1], 4).tolist() == [2, 2, 2, 1]
    assert degree(edges[1], dtype=kp.float32).dtype == kp.float32
    assert check_edge_index(np.zeros((2, 0))).shape == (2, 0)
    with pytest.raises(IndexError, match=r"degree\(\): argument 'index' must lie in \[0, 2\)"):
        degree(edges[1], 2)
    with pytest.raises(TypeError, match="1-D integer tensor"):
        degree(weights)
