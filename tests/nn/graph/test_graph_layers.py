"""GCNConv, SAGEConv and GATConv: each against its formula on a small graph written out with
NumPy (GCN's normalised adjacency, SAGE's mean, GAT's attention coefficients), gradcheck and
gradgradcheck in float64 (inputs and parameters), permutation equivariance, a batch of two
graphs equal to the two graphs apart, and a GAT that learns a community graph's node classes."""

import time

import numpy as np
import pytest

import konspekt as kp
import konspekt.nn.functional as F
from konspekt.nn.graph import Batch, GATConv, GCNConv, Graph, SAGEConv

# A 4-node undirected graph: the edges 0–1, 0–2, 1–2, 2–3, each stored in both directions.
UNDIRECTED = [(0, 1), (0, 2), (1, 2), (2, 3)]
EDGES = np.array([[u for u, v in UNDIRECTED] + [v for u, v in UNDIRECTED],
                  [v for u, v in UNDIRECTED] + [u for u, v in UNDIRECTED]])


def _features(shape=(4, 3), seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def _adjacency(edges, n=4, weights=None):
    """A[v, u] = w_uv for an edge u → v."""
    a = np.zeros((n, n))
    np.add.at(a, (edges[1], edges[0]), 1.0 if weights is None else weights)
    return a


def _layer(cls, *args, **kwargs):
    kp.manual_seed(0)
    layer = cls(*args, **kwargs).double()
    for p in layer.parameters():  # nonzero biases, so that they are tested too
        p.data += np.random.default_rng(1).normal(scale=0.1, size=p.shape)
    return layer


# ---- GCN --------------------------------------------------------------------------------------

def test_gcn_is_the_normalised_adjacency_product():
    conv = _layer(GCNConv, 3, 2)
    x = _features()
    a_hat = _adjacency(EDGES) + np.eye(4)
    d = a_hat.sum(1)
    # Written out: node 2 has 3 neighbours + itself, d̂ = [3, 3, 4, 2].
    np.testing.assert_array_equal(d, [3, 3, 4, 2])
    norm = a_hat / np.sqrt(np.outer(d, d))
    w, b = conv.lin.weight.data, conv.bias.data
    expected = norm @ x @ w.T + b
    np.testing.assert_allclose(conv(kp.tensor(x), EDGES).data, expected, rtol=1e-12)


def test_gcn_with_edge_weights_without_normalisation_and_loops():
    conv = _layer(GCNConv, 3, 2)
    x, weights = _features(seed=1), np.linspace(0.5, 2.0, EDGES.shape[1])
    w, b = conv.lin.weight.data, conv.bias.data
    a_hat = _adjacency(EDGES, weights=weights) + np.eye(4)
    d = a_hat.sum(1)
    expected = a_hat / np.sqrt(np.outer(d, d)) @ x @ w.T + b
    np.testing.assert_allclose(conv(kp.tensor(x), EDGES, kp.tensor(weights)).data, expected,
                               rtol=1e-12)
    plain = _layer(GCNConv, 3, 2, normalize=False)
    np.testing.assert_allclose(plain(kp.tensor(x), EDGES).data,
                               (_adjacency(EDGES) + np.eye(4)) @ x @ w.T + b, rtol=1e-12)
    no_loops = _layer(GCNConv, 3, 2, add_self_loops=False, bias=False)
    a = _adjacency(EDGES)
    d = a.sum(1)
    np.testing.assert_allclose(no_loops(kp.tensor(x), EDGES).data,
                               a / np.sqrt(np.outer(d, d)) @ x @ w.T, rtol=1e-12)


def test_gcn_replaces_existing_loops_and_gives_isolated_nodes_their_own_state():
    conv = _layer(GCNConv, 3, 2)
    x = _features(seed=2)
    with_loop = np.concatenate([EDGES, [[1], [1]]], axis=1)
    np.testing.assert_allclose(conv(kp.tensor(x), with_loop).data,
                               conv(kp.tensor(x), EDGES).data, rtol=1e-12)
    # An isolated node 4: d̂ = 1, h' = W h + b.
    out = conv(kp.tensor(_features((5, 3), 3)), EDGES)
    np.testing.assert_allclose(out.data[4], conv.lin.weight.data @ _features((5, 3), 3)[4]
                               + conv.bias.data, rtol=1e-12)
    # Without loops an isolated node has degree 0: its d^(−1/2) is 0, not inf, and no NaN.
    bare = _layer(GCNConv, 3, 2, add_self_loops=False)
    x5 = kp.tensor(_features((5, 3), 3), requires_grad=True)
    out = bare(x5, EDGES)
    out.sum().backward()
    assert np.isfinite(out.data).all() and np.isfinite(x5.grad.data).all()


# ---- SAGE -------------------------------------------------------------------------------------

@pytest.mark.parametrize("normalize", [False, True])
def test_sage_is_root_plus_neighbour_mean(normalize):
    conv = _layer(SAGEConv, 3, 2, normalize=normalize)
    x = _features(seed=4)
    a = _adjacency(EDGES)
    mean = a @ x / a.sum(1, keepdims=True)
    expected = (x @ conv.lin_root.weight.data.T + mean @ conv.lin_neighbors.weight.data.T
                + conv.lin_neighbors.bias.data)
    if normalize:
        expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(conv(kp.tensor(x), EDGES).data, expected, rtol=1e-12)


def test_sage_other_aggregations_and_no_root():
    x = _features(seed=5)
    conv = _layer(SAGEConv, 3, 2, aggr="max", root_weight=False)
    assert conv.lin_root is None
    maxima = np.stack([x[EDGES[0][EDGES[1] == v]].max(0) for v in range(4)])
    np.testing.assert_allclose(conv(kp.tensor(x), EDGES).data,
                               maxima @ conv.lin_neighbors.weight.data.T
                               + conv.lin_neighbors.bias.data, rtol=1e-12)


# ---- GAT --------------------------------------------------------------------------------------

def _gat_by_formula(conv, x, edges):
    """α_uv = softmax over u ∈ N(v) ∪ {v} of LeakyReLU(aᵀ[W h_u ‖ W h_v]), h_v' = Σ α_uv W h_u."""
    heads, c = conv.heads, conv.out_channels
    wh = (x @ conv.lin.weight.data.T).reshape(-1, heads, c)
    a = np.concatenate([conv.att_src.data[0], conv.att_dst.data[0]], axis=1)  # (K, 2C)
    n = x.shape[0]
    out = np.zeros((n, heads, c))
    alphas = {}
    for v in range(n):
        senders = sorted(set(edges[0][edges[1] == v]) | {v})
        for k in range(heads):
            e = np.array([a[k] @ np.concatenate([wh[u, k], wh[v, k]]) for u in senders])
            e = np.where(e > 0, e, conv.negative_slope * e)
            alpha = np.exp(e) / np.exp(e).sum()
            out[v, k] = sum(al * wh[u, k] for al, u in zip(alpha, senders))
            for al, u in zip(alpha, senders):
                alphas[(u, v, k)] = al
    out = out.reshape(n, -1) if conv.concat else out.mean(1)
    return out + conv.bias.data, alphas


@pytest.mark.parametrize("heads, concat", [(1, True), (3, True), (3, False)])
def test_gat_follows_the_attention_formula(heads, concat):
    conv = _layer(GATConv, 3, 2, heads=heads, concat=concat)
    x = _features(seed=6)
    out, (edges, alpha) = conv(kp.tensor(x), EDGES, return_attention_weights=True)
    expected, alphas = _gat_by_formula(conv, x, EDGES)
    np.testing.assert_allclose(out.data, expected, rtol=1e-10)
    assert edges.shape == (2, EDGES.shape[1] + 4) and alpha.shape == (EDGES.shape[1] + 4, heads)
    for (u, v), row in zip(edges.data.T, alpha.data):
        np.testing.assert_allclose(row, [alphas[(u, v, k)] for k in range(heads)], rtol=1e-10)
    # The coefficients of each receiver's edges sum to 1, per head.
    totals = np.zeros((4, heads))
    np.add.at(totals, edges.data[1], alpha.data)
    np.testing.assert_allclose(totals, 1.0, rtol=1e-12)


def test_gat_dropout_acts_in_training_only():
    conv = _layer(GATConv, 3, 2, heads=2, dropout=0.5)
    x = kp.tensor(_features(seed=7))
    conv.eval()
    expected, _ = _gat_by_formula(conv, x.data, EDGES)
    np.testing.assert_allclose(conv(x, EDGES).data, expected, rtol=1e-10)
    conv.train()
    kp.manual_seed(3)
    assert not np.allclose(conv(x, EDGES).data, expected)


# ---- properties shared by the three layers ----------------------------------------------------

LAYERS = [
    (GCNConv, {}),
    (GCNConv, {"normalize": False}),
    (SAGEConv, {}),
    (SAGEConv, {"aggr": "max", "normalize": True}),
    (GATConv, {"heads": 2}),
    (GATConv, {"heads": 2, "concat": False}),
]
IDS = ["gcn", "gcn-plain", "sage", "sage-max-normalized", "gat", "gat-mean"]


@pytest.mark.parametrize("cls, options", LAYERS, ids=IDS)
def test_gradcheck_and_gradgradcheck_inputs_and_parameters(cls, options):
    conv = _layer(cls, 3, 2, **options)
    x = kp.tensor(_features(seed=8), requires_grad=True)
    inputs = (x,) + tuple(conv.parameters())
    assert kp.autograd.gradcheck(lambda x, *parameters: conv(x, EDGES), inputs)
    assert kp.autograd.gradgradcheck(lambda x, *parameters: conv(x, EDGES), inputs)


def test_gcn_gradcheck_edge_weights():
    conv = _layer(GCNConv, 3, 2)
    x = kp.tensor(_features(seed=9), requires_grad=True)
    w = kp.tensor(np.linspace(0.5, 2.0, EDGES.shape[1]), requires_grad=True)
    assert kp.autograd.gradcheck(lambda x, w: conv(x, EDGES, w), (x, w))
    assert kp.autograd.gradgradcheck(lambda x, w: conv(x, EDGES, w), (x, w))


@pytest.mark.parametrize("cls, options", LAYERS, ids=IDS)
def test_relabelling_the_nodes_permutes_the_outputs(cls, options):
    conv = _layer(cls, 3, 2, **options)
    rng = np.random.default_rng(10)
    n = 7
    edges = rng.integers(0, n, size=(2, 15))
    x = _features((n, 3), 11)
    order = rng.permutation(n)  # new node i is old node order[i]
    new_label = np.argsort(order)
    out = conv(kp.tensor(x), edges).data
    relabelled = conv(kp.tensor(x[order]), new_label[edges]).data
    np.testing.assert_allclose(relabelled, out[order], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cls, options", LAYERS, ids=IDS)
def test_a_batch_equals_its_graphs_apart(cls, options):
    conv = _layer(cls, 3, 2, **options)
    g1 = Graph(x=_features(seed=12), edge_index=EDGES)
    g2 = Graph(x=_features((3, 3), 13), edge_index=[[0, 1, 2, 2], [1, 0, 0, 1]])
    batch = Batch.from_graphs([g1, g2])
    joined = conv(batch.x, batch.edge_index).data
    np.testing.assert_allclose(joined[:4], conv(g1.x, g1.edge_index).data, rtol=1e-12)
    np.testing.assert_allclose(joined[4:], conv(g2.x, g2.edge_index).data, rtol=1e-12)


@pytest.mark.parametrize("cls", [GCNConv, SAGEConv, GATConv])
def test_errors_and_printing(cls):
    conv = cls(3, 2)
    with pytest.raises(ValueError, match=r"'x' must have shape \(N, 3\) \(in_channels = 3\), "
                                         r"got shape \(4, 5\)"):
        conv(kp.zeros(4, 5), EDGES)
    with pytest.raises(IndexError, match="refers to node 4, but the graph has 4 nodes"):
        conv(kp.zeros(4, 3), [[0, 4], [1, 2]])
    assert repr(conv).startswith(f"{cls.__name__}(3, 2") and "\n" not in repr(conv)


def test_gcn_edge_weight_shape_and_gat_arguments_are_checked():
    with pytest.raises(ValueError, match=r"'edge_weight' must have shape \(8,\).*got \(3,\)"):
        GCNConv(3, 2)(kp.zeros(4, 3), EDGES, kp.ones(3))
    with pytest.raises(ValueError, match="'heads' must be at least 1, got 0"):
        GATConv(3, 2, heads=0)
    with pytest.raises(ValueError, match="'dropout' must lie in"):
        GATConv(3, 2, dropout=1.0)


def test_float32_layers_give_float32():
    x = kp.randn(4, 3)
    for conv in (GCNConv(3, 2), SAGEConv(3, 2), GATConv(3, 2, heads=2)):
        assert conv(x, EDGES).dtype == kp.float32


# ---- learning ---------------------------------------------------------------------------------

def _community_graph(seed, classes=4, per_class=40, features=8, p_in=0.2, p_out=0.01, noise=2.0):
    """A stochastic block model: edges within a class with probability p_in, across p_out; each
    node's features are its class's ±1 mean vector plus N(0, noise²) noise, so a node alone is
    often misread and its neighbours (mostly of its class) carry the signal."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(classes), per_class)
    n = labels.size
    p = np.where(labels[:, None] == labels[None, :], p_in, p_out)
    upper = np.triu(rng.random((n, n)) < p, 1)
    edges = np.stack(np.nonzero(upper | upper.T))
    means = rng.choice([-1.0, 1.0], size=(classes, features))
    x = means[labels] + rng.normal(scale=noise, size=(n, features))
    alone = np.argmin(((x[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    return x, edges, labels, (alone == labels).mean()


class TwoLayerGAT(kp.nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.first = GATConv(features, 8, heads=4)
        self.second = GATConv(32, classes, heads=1, concat=False)

    def forward(self, x, edge_index):
        return self.second(F.elu(self.first(x, edge_index)), edge_index)


def test_gat_learns_node_classes_on_a_community_graph():
    start = time.perf_counter()
    x, edges, labels, alone = _community_graph(seed=0)
    order = np.random.default_rng(1).permutation(labels.size)
    train, test = order[:64], order[64:]
    kp.manual_seed(0)
    model = TwoLayerGAT(x.shape[1], 4)
    optimizer = kp.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    features, targets = kp.tensor(x, dtype=kp.float32), kp.tensor(labels)
    for _ in range(100):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(features, edges)[kp.tensor(train)],
                               targets[kp.tensor(train)])
        loss.backward()
        optimizer.step()
    model.eval()
    predicted = model(features, edges).data.argmax(1)
    accuracy = (predicted[test] == labels[test]).mean()
    print(f"GAT on a 160-node community graph: test accuracy {accuracy:.3f} (a node alone, "
          f"classified by the true class means: {alone:.3f}), {time.perf_counter() - start:.2f} s")
    assert alone < 0.7  # the features alone are not enough …
    assert accuracy >= 0.9  # … the neighbours are
