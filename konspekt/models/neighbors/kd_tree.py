"""The KD-tree (Bentley, 1975): a binary space partition by axis-aligned cuts.

Each node splits its points at the median of the feature of largest spread (see
``_binary_tree`` for the layout) and keeps their bounding box [l, u] ⊂ ℝᵈ. The distance from a
query x′ to any point of the node is at least the distance to the box,
ρ(x′, box) = ‖(max(lⱼ − x′ⱼ, 0, x′ⱼ − uⱼ))ⱼ‖ₚ, which lets a query skip whole nodes.
"""

from ._binary_tree import BinaryTree

__all__ = ["KDTree"]


class KDTree(BinaryTree):
    """KDTree for fast nearest-neighbour queries under a Minkowski metric.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points to index (kept as the ``data`` attribute).
    leaf_size : int, default 40
        A leaf holds from ``leaf_size`` to 2 · ``leaf_size`` − 1 points.
    metric : str, default "minkowski"
        One of ``KDTree.valid_metrics``: Minkowski (power ``p``, 2 by default, optional
        weights ``w``) and its special cases Euclidean, Manhattan and Chebyshev.
    **kwargs
        ``p`` and ``w`` of the Minkowski metric.

    Attributes
    ----------
    data : ndarray of shape (n_samples, n_features)
    n_levels_, n_nodes_ : int
        The depth of the tree and its number of nodes.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.neighbors import KDTree
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [5.0, 5.0]])
    >>> distances, indices = KDTree(X, leaf_size=1).query([[0.9, 0.1]], k=2)
    >>> indices
    array([[1, 0]])
    """

    _tree_name = "kd_tree"
    _is_ball = False

    def _node_bounds(self, points):
        return points.min(axis=0), points.max(axis=0)
