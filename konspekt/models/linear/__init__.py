"""``konspekt.models.linear``: linear models with scikit-learn's API.

``LinearRegression`` (least squares, exact or by gradient descent) and ``Ridge`` (L2 penalty)
in ``least_squares``; ``Lasso`` (L1 penalty) and ``ElasticNet`` (L1 + L2) by coordinate descent
in ``coordinate_descent``; ``LogisticRegression`` in ``logistic``; ``SGDClassifier`` and
``SGDRegressor`` in ``stochastic_gradient`` (the course's SG algorithm in ``sgd_base``, its
margin and regression losses in ``sgd_losses``) and ``Perceptron`` in ``perceptron``. All
accept scipy.sparse X.
"""

from .coordinate_descent import ElasticNet, Lasso
from .least_squares import LinearRegression, Ridge
from .logistic import LogisticRegression
from .perceptron import Perceptron
from .stochastic_gradient import SGDClassifier, SGDRegressor

__all__ = ["LinearRegression", "Ridge", "Lasso", "ElasticNet", "LogisticRegression",
           "SGDClassifier", "SGDRegressor", "Perceptron"]
