"""``konspekt.models.linear``: linear models with scikit-learn's API.

``LinearRegression`` (least squares, exact or by gradient descent) and ``Ridge`` (L2 penalty)
in ``least_squares``; ``Lasso`` (L1 penalty) and ``ElasticNet`` (L1 + L2) by coordinate descent
in ``coordinate_descent``; ``LogisticRegression`` in ``logistic``; ``SGDClassifier``,
``SGDRegressor`` (the course's margin losses and SG algorithm) and ``Perceptron`` in
``stochastic_gradient``.
"""

from .coordinate_descent import ElasticNet, Lasso
from .least_squares import LinearRegression, Ridge
from .logistic import LogisticRegression
from .stochastic_gradient import Perceptron, SGDClassifier, SGDRegressor

__all__ = ["LinearRegression", "Ridge", "Lasso", "ElasticNet", "LogisticRegression",
           "SGDClassifier", "SGDRegressor", "Perceptron"]
