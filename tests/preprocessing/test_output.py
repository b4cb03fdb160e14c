"""scikit-learn's output checks (set_output to pandas, get_feature_names_out, DataFrame column
names), which it runs on its own transformers outside the common checks."""

import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_global_output_transform_pandas,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
)

from konspekt.preprocessing import (
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    RobustScaler,
    SplineTransformer,
    StandardScaler,
)

TRANSFORMERS = [StandardScaler(), MinMaxScaler(), RobustScaler(),
                OneHotEncoder(sparse_output=False), OrdinalEncoder(), PolynomialFeatures(),
                SplineTransformer()]
CHECKS = [check_set_output_transform, check_set_output_transform_pandas,
          check_global_output_transform_pandas, check_transformer_get_feature_names_out,
          check_transformer_get_feature_names_out_pandas,
          check_dataframe_column_names_consistency]


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=lambda t: type(t).__name__)
@pytest.mark.filterwarnings("ignore:X (has|does not have valid) feature names:UserWarning")
def test_output_checks(transformer, check):
    # The checks switch between DataFrames and arrays on purpose, hence the warnings, which
    # scikit-learn's own transformers give there too.
    check(type(transformer).__name__, transformer)
