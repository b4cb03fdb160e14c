"""Preprocessing with scikit-learn's API: scalers, categorical encoders, the label encoder and
polynomial / spline feature expansions."""

from .encoders import OneHotEncoder, OrdinalEncoder
from .label import LabelEncoder
from .polynomial import PolynomialFeatures, SplineTransformer
from .scalers import MinMaxScaler, RobustScaler, StandardScaler

__all__ = [
           "LabelEncoder",
           "MinMaxScaler",
           "OneHotEncoder",
           "OrdinalEncoder",
           "PolynomialFeatures",
           "RobustScaler",
           "SplineTransformer",
           "StandardScaler",
]
