"""``NearestNeighbors``: the neighbour search on its own, without a target."""

from .base import KNeighborsMixin, NeighborsBase, RadiusNeighborsMixin

__all__ = ["NearestNeighbors"]


class NearestNeighbors(KNeighborsMixin, RadiusNeighborsMixin, NeighborsBase):
    """Unsupervised nearest-neighbour search: ``kneighbors`` (the k nearest training points of
    each query), ``radius_neighbors`` (those with ρ(x′, x) ≤ r) and their sparse graphs.

    Parameters
    ----------
    n_neighbors : int, default 5
        The default k of ``kneighbors``.
    radius : float, default 1.0
        The default r of ``radius_neighbors``.
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}, default "auto"
    leaf_size : int, default 30
    metric : str or callable, default "minkowski"
    p : float, default 2
    metric_params : dict, default None
    n_jobs : int, default None
        As in ``KNeighborsClassifier``.

    Attributes
    ----------
    effective_metric_ : str or callable
    effective_metric_params_ : dict
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    n_samples_fit_ : int

    Examples
    --------
    >>> from konspekt.models.neighbors import NearestNeighbors
    >>> model = NearestNeighbors(n_neighbors=1).fit([[0., 0., 0.], [0., .5, 0.], [1., 1., .5]])
    >>> model.kneighbors([[1., 1., 1.]])
    (array([[0.5]]), array([[2]]))
    """

    def __init__(self, *, n_neighbors=5, radius=1.0, algorithm="auto", leaf_size=30,
                 metric="minkowski", p=2, metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Store the training set (and build the search tree).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples, n_samples) distances
        y : ignored

        Returns
        -------
        self
        """
        return self._fit(X)
