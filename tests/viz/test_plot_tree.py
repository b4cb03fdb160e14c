"""``plot_tree`` draws one box per node (Agg back end) and the figure saves to a PNG."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from konspekt.data import load_iris  # noqa: E402
from konspekt.models.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402
from konspekt.viz.plots import save_figure  # noqa: E402
from konspekt.viz.tree import plot_tree  # noqa: E402


def test_classifier_boxes_text_and_png(tmp_path):
    import matplotlib.pyplot as plt
    X, y = load_iris(return_X_y=True)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    figure, ax = plt.subplots(figsize=(8, 5))
    boxes = plot_tree(tree, feature_names=["sl", "sw", "pl", "pw"], class_names=["a", "b", "c"],
                      filled=True, rounded=True, ax=ax, fontsize=7)
    assert len(boxes) == tree.tree_.node_count
    root = boxes[0].get_text()
    assert root.startswith(f"pw <= {round(tree.tree_.threshold[0], 3)}")
    assert "gini = 0.667" in root and "samples = 150" in root
    assert "value = [50, 50, 50]" in root and "class = a" in root
    path = tmp_path / "tree.png"
    save_figure(figure, path)
    plt.close(figure)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_truncation_proportion_and_regressor():
    import matplotlib.pyplot as plt
    X, y = load_iris(return_X_y=True)
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    boxes = plot_tree(tree, max_depth=1, proportion=True, label="root")
    texts = [box.get_text() for box in boxes]
    assert texts.count("(...)") == 2 and len(texts) == 5
    assert "samples = 100.0%" in texts[0] and "samples" not in texts[1]
    plt.close("all")
    regressor = DecisionTreeRegressor(max_depth=2).fit(X[:, :3], X[:, 3])
    boxes = plot_tree(regressor, filled=True, impurity=False)
    assert len(boxes) == regressor.tree_.node_count
    assert "squared_error" not in boxes[0].get_text()
    np.testing.assert_allclose(float(boxes[0].get_text().split("value = ")[1]),
                               round(X[:, 3].mean(), 3))
    plt.close("all")
