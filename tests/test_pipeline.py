"""Pipeline and make_pipeline against scikit-learn's Pipeline built from the same steps."""

import warnings

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline as SkPipeline
from sklearn.pipeline import make_pipeline as sk_make_pipeline
from sklearn.preprocessing import StandardScaler as SkStandardScaler
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

from konspekt.base import NotFittedError
from konspekt.pipeline import Pipeline, make_pipeline
from konspekt.preprocessing import MinMaxScaler, PolynomialFeatures, StandardScaler

rng = np.random.default_rng(0)
X = rng.normal(size=(60, 3))
y_class = (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int)
y_reg = X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=60)


def steps():
    return [("scale", SkStandardScaler()), ("pca", PCA(n_components=2)),
            ("clf", LogisticRegression())]


def test_classifier_pipeline_matches_sklearn():
    ours, theirs = Pipeline(steps()).fit(X, y_class), SkPipeline(steps()).fit(X, y_class)
    for method in ("predict", "predict_proba", "predict_log_proba", "decision_function"):
        np.testing.assert_allclose(getattr(ours, method)(X), getattr(theirs, method)(X),
                                   rtol=1e-12)
    assert ours.score(X, y_class) == theirs.score(X, y_class)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_features_in_ == 3
    assert not hasattr(ours, "transform") and not hasattr(ours, "inverse_transform")


def test_transformer_pipeline_fit_transform_and_inverse():
    parts = [("poly", PolynomialFeatures(degree=2)), ("scale", StandardScaler()),
             ("skip", "passthrough"), ("minmax", MinMaxScaler())]
    pipe = Pipeline(parts)
    out = pipe.fit_transform(X)
    reference = SkPipeline([(name, step if isinstance(step, str) else step.__class__(
        **step.get_params())) for name, step in parts]).fit_transform(X)
    np.testing.assert_allclose(out, reference, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pipe.transform(X), out, rtol=1e-12)
    names = pipe.get_feature_names_out()
    assert list(names) == ["1", "x0", "x1", "x2", "x0^2", "x0 x1", "x0 x2", "x1^2", "x1 x2",
                           "x2^2"]
    scaling = Pipeline([("a", StandardScaler()), ("b", None), ("c", MinMaxScaler())]).fit(X)
    np.testing.assert_allclose(scaling.inverse_transform(scaling.transform(X)), X, rtol=1e-12)


def test_indexing_params_and_fit_params():
    pipe = make_pipeline(StandardScaler(), StandardScaler(with_std=False), LinearRegression())
    assert [name for name, _ in pipe.steps] == ["standardscaler-1", "standardscaler-2",
                                                "linearregression"]
    assert pipe[0] is pipe.steps[0][1] and pipe["linearregression"] is pipe[-1]
    assert pipe.named_steps.linearregression is pipe[-1]
    assert len(pipe[:2]) == 2 and isinstance(pipe[:2], Pipeline)
    assert pipe.get_params()["standardscaler-2__with_std"] is False
    pipe.set_params(**{"standardscaler-1__with_mean": False, "linearregression__fit_intercept":
                       False})
    assert pipe[0].with_mean is False and pipe[-1].fit_intercept is False
    pipe.set_params(linearregression=LinearRegression())
    weights = rng.uniform(0.5, 2.0, size=60)
    pipe.fit(X, y_reg, linearregression__sample_weight=weights)
    reference = sk_make_pipeline(SkStandardScaler(with_mean=False),
                                 SkStandardScaler(with_std=False), LinearRegression())
    reference.fit(X, y_reg, linearregression__sample_weight=weights)
    np.testing.assert_allclose(pipe.predict(X), reference.predict(X), rtol=1e-12)
    with pytest.raises(ValueError, match="Pipeline.fit does not accept the sample_weight "
                                         "parameter"):
        pipe.fit(X, y_reg, sample_weight=weights)


def test_errors():
    with pytest.raises(TypeError, match="All intermediate steps should be transformers"):
        Pipeline([("reg", LinearRegression()), ("clf", LogisticRegression())]).fit(X, y_class)
    with pytest.raises(TypeError, match="Last step of Pipeline should implement fit"):
        Pipeline([("scale", StandardScaler()), ("bad", object())]).fit(X)
    with pytest.raises(ValueError, match="Names provided are not unique"):
        Pipeline([("a", StandardScaler()), ("a", MinMaxScaler())]).fit(X)
    with pytest.raises(ValueError, match="Estimator names must not contain __"):
        Pipeline([("a__b", StandardScaler())]).fit(X)
    with pytest.raises(NotFittedError):
        Pipeline([("a", StandardScaler())]).transform(X)


def test_konspekt_steps_in_sklearn_grid_search():
    pipe = SkPipeline([("poly", PolynomialFeatures()), ("scale", StandardScaler()),
                       ("reg", LinearRegression())])
    search = GridSearchCV(pipe, {"poly__degree": [1, 2, 3]}, cv=3).fit(X, y_reg)
    reference = GridSearchCV(SkPipeline([("poly", PolynomialFeatures()),
                                         ("scale", SkStandardScaler()),
                                         ("reg", LinearRegression())]),
                             {"poly__degree": [1, 2, 3]}, cv=3).fit(X, y_reg)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"],
                               reference.cv_results_["mean_test_score"], rtol=1e-10)
    ours = GridSearchCV(Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]),
                        {"clf__C": [0.1, 1.0]}, cv=3).fit(X, y_class)
    theirs = GridSearchCV(SkPipeline([("scale", SkStandardScaler()),
                                      ("clf", LogisticRegression())]),
                          {"clf__C": [0.1, 1.0]}, cv=3).fit(X, y_class)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"], rtol=1e-12)


def test_verbose_output(capsys):
    make_pipeline(StandardScaler(), LinearRegression(), verbose=True).fit(X, y_reg)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[Pipeline] ") and "(step 1 of 2) Processing standardscaler" \
        in lines[0]
    assert "(step 2 of 2) Processing linearregression, total=" in lines[1]


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([
        make_pipeline(StandardScaler(), LogisticRegression()),
        make_pipeline(StandardScaler(), MinMaxScaler())],
        # scikit-learn's own Pipeline fails this one the same way: fitting the pipeline fits
        # the step objects held in its `steps` parameter (no copy without caching).
        expected_failed_checks=lambda estimator: {
            "check_estimators_overwrite_params": "steps are fitted in place, as in sklearn",
            **({"check_estimators_nan_inf": "every step accepts NaN, so the pipeline does too "
                                            "(sklearn's fails this check the same way)"}
               if isinstance(estimator[-1], MinMaxScaler) else {})})


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("check", [check_set_output_transform_pandas,
                                   check_transformer_get_feature_names_out_pandas,
                                   check_dataframe_column_names_consistency],
                         ids=lambda check: check.__name__)
@pytest.mark.filterwarnings("ignore:X (has|does not have valid) feature names:UserWarning")
def test_output_checks(check):
    check("Pipeline", make_pipeline(StandardScaler(), PolynomialFeatures()))
