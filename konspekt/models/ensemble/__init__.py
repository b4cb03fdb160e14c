"""``konspekt.models.ensemble``: bagging, random forests, extremely randomised trees, gradient
boosting (exact and histogram-based), AdaBoost, voting and stacking."""

from .bagging import BaggingClassifier, BaggingRegressor
from .forest import (ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier,
                     RandomForestRegressor)
from .gradient_boosting import GradientBoostingClassifier, GradientBoostingRegressor
from .hist_gradient_boosting import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from .stacking import StackingClassifier, StackingRegressor
from .voting import VotingClassifier, VotingRegressor
from .weight_boosting import AdaBoostClassifier, AdaBoostRegressor

__all__ = ["BaggingClassifier", "BaggingRegressor", "RandomForestClassifier",
           "RandomForestRegressor", "ExtraTreesClassifier", "ExtraTreesRegressor",
           "GradientBoostingClassifier", "GradientBoostingRegressor",
           "HistGradientBoostingClassifier", "HistGradientBoostingRegressor",
           "AdaBoostClassifier", "AdaBoostRegressor", "VotingClassifier", "VotingRegressor",
           "StackingClassifier", "StackingRegressor"]
