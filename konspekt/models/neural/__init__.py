"""Neural-network estimators with scikit-learn's API: the multi-layer perceptrons
``MLPClassifier`` and ``MLPRegressor``, built on ``konspekt.nn`` and ``konspekt.optim``."""

from .multilayer_perceptron import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
