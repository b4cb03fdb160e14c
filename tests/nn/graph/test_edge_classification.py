"""Edge classification: efficiency and purity by hand and against scikit-learn's recall and
precision, the interaction layer against its formula, gradients, equivariance and batching of the
edge classifier, and the classifier learning a track-finding task of hits on curved tracks."""

import time
import warnings

import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score

import konspekt as kp
import konspekt.nn.functional as F
from konspekt.base.exceptions import UndefinedMetricWarning
from konspekt.nn.graph import (Batch, EdgeClassifier, Graph, InteractionLayer,
                               efficiency_score, purity_score)

# ---- metrics ----------------------------------------------------------------------------------


def test_efficiency_and_purity_by_hand():
    y_true = [1, 1, 1, 1, 0, 0, 0, 1]
    y_score = [0.9, 0.6, 0.4, 0.5, 0.7, 0.1, 0.55, 0.99]
    # Kept (score > 0.5): edges 0, 1, 4, 6, 7; true among them: 0, 1, 7 → 3 of the 5 true edges,
    # 3 of the 5 kept edges (the score 0.5 itself is not above the threshold).
    assert efficiency_score(y_true, y_score) == 3 / 5
    assert purity_score(y_true, y_score) == 3 / 5
    assert efficiency_score(y_true, y_score, threshold=0.45) == 4 / 5
    assert purity_score(y_true, y_score, threshold=0.45) == 4 / 6
    assert efficiency_score(kp.tensor(y_true), kp.tensor(y_score), threshold=0.8) == 2 / 5
    assert purity_score(kp.tensor(y_true), kp.tensor(y_score), threshold=0.8) == 1.0


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.8])
def test_efficiency_is_recall_and_purity_is_precision(threshold):
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 200)
    y_score = np.clip(0.3 * y_true + rng.uniform(0, 0.7, 200), 0, 1)
    kept = (y_score > threshold).astype(int)
    assert efficiency_score(y_true, y_score, threshold) == pytest.approx(recall_score(y_true,
                                                                                      kept))
    assert purity_score(y_true, y_score, threshold) == pytest.approx(precision_score(y_true,
                                                                                     kept))


def test_undefined_metrics_warn_and_give_zero():
    with pytest.warns(UndefinedMetricWarning, match="no true edges"):
        assert efficiency_score([0, 0], [0.9, 0.1]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="no kept edges"):
        assert purity_score([1, 0], [0.2, 0.1]) == 0.0


def test_metric_errors():
    with pytest.raises(ValueError, match=r"same length.*\(3,\) and \(2,\)"):
        efficiency_score([1, 0, 1], [0.5, 0.2])
    with pytest.raises(ValueError, match="0 \\(false edge\\) and 1 \\(true edge\\) only"):
        purity_score([2, 0], [0.5, 0.2])


# ---- the interaction layer and the classifier -------------------------------------------------

EDGES = np.array([[0, 0, 1, 2, 3, 1],
                  [1, 2, 2, 3, 4, 4]])


def _arrays(seed=0, nodes=(5, 3), edges=(6, 2)):
    rng = np.random.default_rng(seed)
    return rng.normal(size=nodes), rng.normal(size=edges)


def test_interaction_layer_follows_its_formula():
    kp.manual_seed(0)
    layer = InteractionLayer(3, 2, 8).double()
    h, e = _arrays()
    new_h, new_e = layer(kp.tensor(h), EDGES, kp.tensor(e))
    s, r = EDGES
    expected_e = e + layer.edge_model(kp.tensor(np.concatenate([h[s], h[r], e], 1))).data
    incoming, outgoing = np.zeros((5, 2)), np.zeros((5, 2))
    np.add.at(incoming, r, expected_e)
    np.add.at(outgoing, s, expected_e)
    expected_h = h + layer.node_model(kp.tensor(np.concatenate([h, incoming, outgoing],
                                                               1))).data
    np.testing.assert_allclose(new_e.data, expected_e, rtol=1e-12)
    np.testing.assert_allclose(new_h.data, expected_h, rtol=1e-12)


def _classifier(edge_features=2, seed=0):
    kp.manual_seed(seed)
    return EdgeClassifier(3, edge_features, hidden_channels=4, num_layers=2).double()


def test_classifier_gradcheck_and_gradgradcheck():
    model = _classifier()
    h, e = _arrays(1)
    x, a = kp.tensor(h, requires_grad=True), kp.tensor(e, requires_grad=True)
    inputs = (x, a) + tuple(model.parameters())
    assert kp.autograd.gradcheck(lambda x, a, *parameters: model(x, EDGES, a), inputs)
    assert kp.autograd.gradgradcheck(lambda x, a: model(x, EDGES, a), (x, a))


@pytest.mark.parametrize("edge_features", [2, 0])
def test_classifier_is_equivariant_and_batches(edge_features):
    model = _classifier(edge_features)
    h, e = _arrays(2)
    e = e if edge_features else None
    logits = model(kp.tensor(h), EDGES, None if e is None else kp.tensor(e)).data
    assert logits.shape == (6,)
    rng = np.random.default_rng(3)
    order, edge_order = rng.permutation(5), rng.permutation(6)
    new_label = np.argsort(order)
    relabelled = model(kp.tensor(h[order]), new_label[EDGES][:, edge_order],
                       None if e is None else kp.tensor(e[edge_order])).data
    np.testing.assert_allclose(relabelled, logits[edge_order], rtol=1e-10)
    other = Graph(x=h[:3], edge_index=[[0, 1], [1, 2]],
                  edge_attr=None if e is None else e[:2])
    batch = Batch.from_graphs([Graph(x=h, edge_index=EDGES, edge_attr=e), other])
    joined = model(batch.x, batch.edge_index, batch.edge_attr).data
    np.testing.assert_allclose(joined[:6], logits, rtol=1e-12)
    np.testing.assert_allclose(joined[6:], model(other.x, other.edge_index,
                                                 other.edge_attr).data, rtol=1e-12)


def test_classifier_errors():
    model = _classifier()
    h, e = _arrays()
    with pytest.raises(ValueError, match=r"'x' must have shape \(N, 3\), got shape \(5, 4\)"):
        model(kp.zeros(5, 4), EDGES, kp.tensor(e))
    with pytest.raises(ValueError, match=r"'edge_attr' must have shape \(6, 2\).*got \(6, 3\)"):
        model(kp.tensor(h), EDGES, kp.zeros(6, 3))
    with pytest.raises(ValueError, match=r"'edge_attr' must have shape \(6, 2\).*got None"):
        model(kp.tensor(h), EDGES)
    with pytest.raises(IndexError, match="refers to node 5, but the graph has 5 nodes"):
        model(kp.tensor(h), [[0, 5], [1, 2]], kp.zeros(2, 2))


# ---- learning to find tracks ------------------------------------------------------------------

def _event(rng, tracks=8, layers=5, window=0.25, noise=0.005):
    """Hits of charged particles on a detector of ``layers`` concentric layers at r = 1 … L.

    Each particle leaves one hit per layer on an arc φ(r) = φ₀ + κr (+ noise), κ ~ U(−0.08, 0.08)
    (its curvature in the magnetic field). Candidate edges join every hit to the hits of the next
    layer within |Δφ| < window; an edge is true when both hits belong to one particle. Node
    features: r / L; edge features: Δφ / window and Δr. A true track bends the same way on all its
    segments, which a lone edge cannot see and message passing can.
    """
    phi0 = rng.uniform(0, 2 * np.pi, tracks)
    kappa = rng.uniform(-0.08, 0.08, tracks)
    radii = np.arange(1, layers + 1, dtype=float)
    phi = (phi0[:, None] + kappa[:, None] * radii
           + rng.normal(scale=noise, size=(tracks, layers))).reshape(-1) % (2 * np.pi)
    track = np.repeat(np.arange(tracks), layers)
    layer = np.tile(np.arange(layers), tracks)
    s, r = np.nonzero(layer[:, None] + 1 == layer[None, :])
    turn = (phi[r] - phi[s] + np.pi) % (2 * np.pi) - np.pi
    close = np.abs(turn) < window
    s, r, turn = s[close], r[close], turn[close]
    return Graph(x=kp.tensor(radii[layer][:, None] / layers, dtype=kp.float32),
                 edge_index=np.stack([s, r]),
                 edge_attr=kp.tensor(np.stack([turn / window, radii[layer[r]] - radii[layer[s]]],
                                              axis=1), dtype=kp.float32),
                 edge_label=(track[s] == track[r]).astype(np.int64))


def test_edge_classifier_finds_tracks():
    start = time.perf_counter()
    rng = np.random.default_rng(0)
    train = Batch.from_graphs([_event(rng) for _ in range(40)])
    test = Batch.from_graphs([_event(rng) for _ in range(10)])
    kp.manual_seed(0)
    model = EdgeClassifier(1, 2, hidden_channels=16, num_layers=3)
    optimizer = kp.optim.Adam(model.parameters(), lr=0.01)
    target = train.edge_label.to(kp.float32)
    for _ in range(250):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(
            model(train.x, train.edge_index, train.edge_attr), target)
        loss.backward()
        optimizer.step()
    model.eval()
    with kp.no_grad():
        scores = kp.sigmoid(model(test.x, test.edge_index, test.edge_attr))
    labels = test.edge_label.data
    efficiency, purity = efficiency_score(labels, scores), purity_score(labels, scores)
    # The best a lone edge can do: keep the segments that bend no more than a track can.
    bend = np.abs(test.edge_attr.data[:, 0]) * 0.25
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cut_efficiency = efficiency_score(labels, (bend < 0.085).astype(float))
        cut_purity = purity_score(labels, (bend < 0.085).astype(float))
    print(f"edge classifier on {test.num_graphs} test events ({test.num_edges} edges, "
          f"{labels.mean():.2f} true): efficiency {efficiency:.3f}, purity {purity:.3f} at 0.5; "
          f"a cut on |Δφ| alone: efficiency {cut_efficiency:.3f}, purity {cut_purity:.3f}; "
          f"{time.perf_counter() - start:.2f} s")
    assert efficiency >= 0.9 and purity >= 0.9
    assert purity > cut_purity + 0.03
