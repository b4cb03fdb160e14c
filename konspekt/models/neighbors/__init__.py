"""``konspekt.models.neighbors``: nearest-neighbour methods with scikit-learn's API.

``KNeighborsClassifier`` / ``KNeighborsRegressor`` (the k nearest, with the course's
kernel-weighted vote: kernels in ``kernels``) and ``RadiusNeighborsClassifier`` /
``RadiusNeighborsRegressor`` in ``classification`` and ``regression``; ``NearestNeighbors``, the
search alone, in ``unsupervised``; the search shared by all in ``base``, by brute force over
blocks of the distance matrix (``distances``) or with a ``KDTree`` / ``BallTree``.
"""

from .ball_tree import BallTree
from .classification import KNeighborsClassifier, RadiusNeighborsClassifier
from .distances import VALID_METRICS
from .kd_tree import KDTree
from .kernels import KERNELS
from .regression import KNeighborsRegressor, RadiusNeighborsRegressor
from .unsupervised import NearestNeighbors

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "RadiusNeighborsClassifier",
           "RadiusNeighborsRegressor", "NearestNeighbors", "KDTree", "BallTree", "VALID_METRICS",
           "KERNELS"]
