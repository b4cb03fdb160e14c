"""Histogram-based gradient boosting (``HistGradientBoostingClassifier`` /
``HistGradientBoostingRegressor``): quantile binning (``binning``), gradient histograms
(``histogram``), the second-order split search (``splitting``), best-first tree growth
(``grower``), tree traversal (``predictor``), the losses with their gradients and Hessians
(``losses``) and the estimators (``gradient_boosting``)."""

from .gradient_boosting import HistGradientBoostingClassifier, HistGradientBoostingRegressor

__all__ = ["HistGradientBoostingClassifier", "HistGradientBoostingRegressor"]
