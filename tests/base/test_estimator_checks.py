"""scikit-learn's own estimator checks, run on small estimators built on konspekt.base."""

import warnings

import pytest
from minimal_estimators import (CentroidClassifier, FarthestPointKMeans, LeastSquaresRegressor,
                                Standardizer)
from sklearn.utils.estimator_checks import (check_dataframe_column_names_consistency,
                                            check_global_output_transform_pandas,
                                            check_set_output_transform,
                                            check_set_output_transform_pandas,
                                            check_transformer_get_feature_names_out,
                                            check_transformer_get_feature_names_out_pandas,
                                            parametrize_with_checks)

with warnings.catch_warnings():
    # The estimators do not inherit from sklearn.base.BaseEstimator (konspekt never imports
    # scikit-learn); scikit-learn warns about that once while collecting the checks.
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([CentroidClassifier(), LeastSquaresRegressor(),
                                      Standardizer(), FarthestPointKMeans()])


@checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", [CentroidClassifier(), LeastSquaresRegressor(),
                                       Standardizer(), FarthestPointKMeans()],
                         ids=lambda estimator: type(estimator).__name__)
def test_dataframe_column_names_consistency(estimator):
    # Not among the common checks in scikit-learn 1.9, but run on its own estimators there.
    check_dataframe_column_names_consistency(type(estimator).__name__, estimator)


@pytest.mark.parametrize("check", [check_set_output_transform, check_set_output_transform_pandas,
                                   check_global_output_transform_pandas,
                                   check_transformer_get_feature_names_out,
                                   check_transformer_get_feature_names_out_pandas],
                         ids=lambda check: check.__name__)
@pytest.mark.filterwarnings("ignore:X (has|does not have valid) feature names:UserWarning")
def test_transformer_output_checks(check):
    # scikit-learn runs these on its own transformers that name their output features; they
    # switch between DataFrames and arrays on purpose (hence the feature-names warnings, which
    # scikit-learn's StandardScaler gives there too).
    check("Standardizer", Standardizer())
