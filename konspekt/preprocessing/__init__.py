"""Preprocessing with scikit-learn's API: scalers, categorical encoders, the label encoder and
polynomial / spline feature expansions."""

from .encoders import OneHotEncoder, OrdinalEncoder
from .label import LabelEncoder
from .polynomial import PolynomialFeatures, SplineTransformer
from .robust_scaler import RobustScaler
from .scalers import MaxAbsScaler, MinMaxScaler, StandardScaler

__all__ = [
           "LabelEncoder",
           "MaxAbsScaler",
           "MinMaxScaler",
           "OneHotEncoder",
           "OrdinalEncoder",
           "PolynomialFeatures",
           "RobustScaler",
           "SplineTransformer",
           "StandardScaler",
]
