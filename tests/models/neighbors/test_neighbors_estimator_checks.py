"""scikit-learn's estimator checks on every nearest-neighbour estimator of konspekt."""

import warnings

from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.models.neighbors import (KNeighborsClassifier, KNeighborsRegressor,
                                       NearestNeighbors, RadiusNeighborsClassifier,
                                       RadiusNeighborsRegressor)

ESTIMATORS = [KNeighborsClassifier(), KNeighborsRegressor(), NearestNeighbors(),
              RadiusNeighborsClassifier(outlier_label="most_frequent"),
              RadiusNeighborsRegressor(),
              KNeighborsClassifier(kernel="epanechnikov", weights="distance"),
              KNeighborsRegressor(kernel="gaussian", bandwidth=2.0, algorithm="brute")]



def expected_failures(estimator):
    if "kernel" not in estimator.get_params():
        return {}
    # scikit-learn's kNN has no sample_weight; konspekt's is the course's prior weight w(x) of
    # a training point in the vote. Unlike a repeated point, a point of weight 2 takes one of
    # the k places, not two, so weights cannot equal repetition for any k-nearest rule.
    reason = "a weight of 2 is not a duplicate point: a duplicate takes two of the k places"
    return {"check_sample_weight_equivalence_on_dense_data": reason,
            "check_sample_weight_equivalence_on_sparse_data": reason}


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)


@checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
