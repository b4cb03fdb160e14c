"""The ball tree (Omohundro, 1989): a binary partition of the points into nested balls.

Each node splits its points at the median of the feature of largest spread (see
``_binary_tree`` for the layout) and keeps the ball B(c, R) that holds them: c their centroid,
R = max ρ(c, x) over them. By the triangle inequality a query x′ is at least
max(ρ(x′, c) − R, 0) from any point of the node, which lets a query skip whole nodes; unlike a
box, the bound does not weaken with the number of features as fast.
"""

import numpy as np

from ._binary_tree import BinaryTree

__all__ = ["BallTree"]

# R is enlarged by this relative margin so that rounding can never make the bound
# max(ρ(x′, c) − R, 0) exceed a true distance.
_RADIUS_MARGIN = 1e-12


class BallTree(BinaryTree):
    """BallTree for fast nearest-neighbour queries under a Minkowski metric.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points to index (kept as the ``data`` attribute).
    leaf_size : int, default 40
        A leaf holds from ``leaf_size`` to 2 · ``leaf_size`` − 1 points.
    metric : str, default "minkowski"
        One of ``BallTree.valid_metrics``: Minkowski (power ``p`` ≥ 1, 2 by default, optional
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
    >>> from konspekt.models.neighbors import BallTree
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [5.0, 5.0]])
    >>> tree = BallTree(X, leaf_size=1)
    >>> tree.query_radius([[0.0, 0.0]], r=1.0, return_distance=True, sort_results=True)
    (array([array([0, 1])], dtype=object), array([array([0., 1.])], dtype=object))
    """

    _tree_name = "ball_tree"
    _is_ball = True

    def _node_bounds(self, points):
        centre = points.mean(axis=0)
        radius = self.metric_.from_reduced(_reduced_to(points, centre, self.metric_)).max()
        bounds = np.zeros_like(centre)
        bounds[0] = radius * (1.0 + _RADIUS_MARGIN)
        return centre, bounds


def _reduced_to(points, centre, metric):
    gaps = np.abs(points - centre)
    if metric.kind == "euclidean":
        return np.einsum("ij,ij->i", gaps, gaps)
    if metric.kind == "manhattan":
        return gaps.sum(axis=1)
    if metric.kind == "chebyshev":
        return gaps.max(axis=1)
    return (gaps ** metric.p).sum(axis=1)
