"""BaseEstimator, the mixins and clone, compared with scikit-learn's base on twin classes (the
same estimator written on konspekt's base and on scikit-learn's)."""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
import sklearn.base
from minimal_estimators import CentroidClassifier, LeastSquaresRegressor, Standardizer
from sklearn.linear_model import Ridge
from sklearn.utils import get_tags as sklearn_get_tags
from sklearn.utils.validation import check_is_fitted as sklearn_check_is_fitted

from konspekt.base import (BaseEstimator, ClassifierMixin, ClusterMixin, NotFittedError,
                           RegressorMixin, TransformerMixin, clone, get_tags, is_classifier,
                           is_regressor)
from konspekt.metrics import accuracy_score, r2_score


def twins(name, bases_konspekt, bases_sklearn, defaults):
    """The same estimator class on both bases: __init__ stores the given keyword defaults."""
    arguments = ", ".join(f"{key}={value!r}" for key, value in defaults.items())
    body = "".join(f"\n    self.{key} = {key}" for key in defaults) or "\n    pass"
    namespace = {}
    exec(f"def __init__(self, {arguments}):{body}", namespace)
    return (type(name, bases_konspekt, {"__init__": namespace["__init__"]}),
            type(name, bases_sklearn, {"__init__": namespace["__init__"]}))


Model, SkModel = twins("Model", (BaseEstimator,), (sklearn.base.BaseEstimator,),
                       {"alpha": 1.0, "fit_intercept": True, "solver": "auto", "tol": 1e-4,
                        "estimator": None, "weights": None})


@pytest.mark.parametrize("kwargs", [
    {}, {"alpha": 0.5}, {"solver": "lbfgs", "tol": 0.1}, {"alpha": float("nan")},
    {"estimator": "ESTIMATOR"}, {"estimator": "ESTIMATOR", "alpha": 3},
    {"weights": [1, 2, 3]}, {"solver": "a-much-longer-solver-name-to-force-line-wrapping",
                             "estimator": "ESTIMATOR", "tol": 0.125},
])
def test_repr_and_params_match_sklearn(kwargs):
    ours = {key: (Ridge(alpha=2.0) if value == "ESTIMATOR" else value)
            for key, value in kwargs.items()}
    theirs = {key: (Ridge(alpha=2.0) if value == "ESTIMATOR" else value)
              for key, value in kwargs.items()}
    model, reference = Model(**ours), SkModel(**theirs)
    assert repr(model) == repr(reference)
    assert list(model.get_params(deep=True)) == list(reference.get_params(deep=True))
    assert list(model.get_params(deep=False)) == list(reference.get_params(deep=False))


def test_set_params_nested_and_invalid():
    model = Model(estimator=Ridge())
    assert model.set_params(alpha=3, estimator__alpha=5) is model
    assert model.alpha == 3 and model.estimator.alpha == 5
    assert model.get_params()["estimator__alpha"] == 5
    with pytest.raises(ValueError) as ours:
        Model().set_params(bogus=1)
    with pytest.raises(ValueError) as theirs:
        SkModel().set_params(bogus=1)
    assert str(ours.value) == str(theirs.value)


def test_varargs_constructor_refused():
    class Bad(BaseEstimator):
        def __init__(self, *args):
            self.args = args

    with pytest.raises(RuntimeError, match="no varargs"):
        Bad().get_params()


def test_clone_is_unfitted_deep_and_checks_constructor():
    model = Model(alpha=2.0, estimator=Ridge(alpha=3.0), weights=[1, 2])
    model.coef_ = np.ones(2)
    copy = clone(model)
    assert type(copy) is Model and not hasattr(copy, "coef_")
    assert copy.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    assert copy.estimator is not model.estimator and copy.estimator.alpha == 3.0
    assert copy.weights == [1, 2] and copy.weights is not model.weights
    assert [type(item) for item in clone([Model(), Ridge()])] == [Model, Ridge]
    with pytest.raises(TypeError, match="does not seem to be a scikit-learn estimator"):
        clone("not an estimator")
    assert clone("text", safe=False) == "text"

    class Modifying(BaseEstimator):
        def __init__(self, alpha=1.0):
            self.alpha = alpha * 2

    with pytest.raises(RuntimeError, match="modifies parameter alpha"):
        clone(Modifying())


def test_sklearn_clone_accepts_konspekt_estimators_and_vice_versa():
    model = CentroidClassifier(p=3)
    assert sklearn.base.clone(model).get_params() == {"p": 3}
    assert clone(Ridge(alpha=0.3)).alpha == 0.3


def test_mixin_scores_and_tags():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    y_class = (X[:, 0] > 0).astype(int)
    y_value = X @ [1.0, -2.0, 0.5] + 0.1 * rng.randn(40)
    weights = rng.rand(40)
    classifier = CentroidClassifier().fit(X, y_class)
    assert classifier.score(X, y_class, weights) == accuracy_score(
        y_class, classifier.predict(X), sample_weight=weights)
    regressor = LeastSquaresRegressor().fit(X, y_value)
    assert regressor.score(X, y_value) == r2_score(y_value, regressor.predict(X))
    assert is_classifier(classifier) and not is_regressor(classifier)
    assert is_regressor(regressor) and sklearn.base.is_regressor(regressor)
    assert sklearn.base.is_classifier(classifier)
    assert get_tags(classifier).target_tags.required
    assert get_tags(Standardizer()).transformer_tags.preserves_dtype == ["float64", "float32"]
    assert isinstance(get_tags(regressor), type(sklearn_get_tags(Ridge())))
    scaled = Standardizer().fit_transform(X)
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-12)


def test_cluster_mixin_fit_predict():
    class Halves(ClusterMixin, BaseEstimator):
        def fit(self, X, y=None):
            self.labels_ = (np.asarray(X)[:, 0] > 0).astype(int)
            return self

    assert get_tags(Halves()).estimator_type == "clusterer"
    np.testing.assert_array_equal(Halves().fit_predict([[-1.0], [2.0]]), [0, 1])


def test_transformer_mixin_passes_y_only_when_given():
    class Recorder(TransformerMixin, BaseEstimator):
        def fit(self, X, *args):
            self.fit_args_ = args
            return self

        def transform(self, X):
            return X

    assert Recorder().fit_transform([[1.0]]) == [[1.0]]
    recorder = Recorder()
    recorder.fit_transform([[1.0]], [0])
    assert recorder.fit_args_ == ([0],)


@pytest.mark.parametrize("estimator", [CentroidClassifier(), LeastSquaresRegressor()])
def test_predict_before_fit_raises_sklearn_not_fitted_error(estimator):
    with pytest.raises(NotFittedError) as ours:
        estimator.predict([[1.0, 2.0]])
    with pytest.raises(sklearn.exceptions.NotFittedError) as theirs:
        sklearn_check_is_fitted(estimator)
    assert str(ours.value) == str(theirs.value)
    assert isinstance(ours.value, (ValueError, AttributeError))
    assert isinstance(ours.value, sklearn.exceptions.NotFittedError)
    restored = pickle.loads(pickle.dumps(ours.value))
    assert isinstance(restored, NotFittedError) and str(restored) == str(ours.value)


def test_pickle_round_trip_keeps_fit():
    X = np.random.RandomState(1).randn(20, 2)
    y = (X[:, 1] > 0).astype(int)
    model = CentroidClassifier().fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_estimator_type_attribute_for_classic_duck_typing():
    for mixin, kind in ((ClassifierMixin, "classifier"), (RegressorMixin, "regressor"),
                        (ClusterMixin, "clusterer")):
        assert mixin._estimator_type == kind


def test_base_never_imports_sklearn():
    code = ("import sys, numpy as np; import konspekt.base, konspekt.metrics, "
            "konspekt.model_selection\n"
            "from konspekt.base import BaseEstimator, RegressorMixin, get_tags, check_is_fitted,"
            " NotFittedError, Tags\n"
            "class R(RegressorMixin, BaseEstimator):\n"
            "    def fit(self, X, y): return self\n"
            "tags = get_tags(R())\n"
            "assert type(tags) is Tags and tags.estimator_type == 'regressor'\n"
            "try:\n    check_is_fitted(R())\nexcept NotFittedError as error:\n"
            "    assert type(error) is NotFittedError\n"
            "assert not any(name.split('.')[0] == 'sklearn' for name in sys.modules)\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def test_konspekt_estimators_work_inside_sklearn_tools():
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    rng = np.random.RandomState(2)
    X = rng.randn(60, 3) * [1.0, 10.0, 100.0]
    y = (X[:, 0] + X[:, 1] / 10 > 0).astype(int)
    pipeline = make_pipeline(Standardizer(), CentroidClassifier())
    search = GridSearchCV(pipeline, {"centroidclassifier__p": [1, 2, 3]}, cv=3).fit(X, y)
    assert search.best_params_["centroidclassifier__p"] in (1, 2, 3)
    scaled = (X - X.mean(axis=0)) / X.std(axis=0)
    best = CentroidClassifier(p=search.best_params_["centroidclassifier__p"])
    np.testing.assert_array_equal(search.predict(X), best.fit(scaled, y).predict(scaled))


def test_warnings_are_sklearn_filterable_and_check_estimator_passes_when_filtered():
    from sklearn.exceptions import DataConversionWarning as SklearnDataConversionWarning
    from sklearn.exceptions import UndefinedMetricWarning as SklearnUndefinedMetricWarning
    from sklearn.utils.estimator_checks import check_estimator

    from konspekt.base import DataConversionWarning, UndefinedMetricWarning
    from konspekt.metrics import precision_score

    with pytest.warns(SklearnUndefinedMetricWarning) as caught:
        precision_score([0, 1], [0, 0])
    assert isinstance(caught[0].message, UndefinedMetricWarning)
    with pytest.warns(SklearnDataConversionWarning) as caught:
        LeastSquaresRegressor().fit(np.eye(3), np.ones((3, 1)))
    assert isinstance(caught[0].message, DataConversionWarning)
    # scikit-learn filters its own warning classes inside its checks: konspekt's comply.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(LeastSquaresRegressor(), on_fail=None)
    assert [result["check_name"] for result in results if result["status"] == "failed"] == []


def test_pandas_output_and_feature_names_match_sklearn():
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    from konspekt.base import ClassNamePrefixFeaturesOutMixin

    rng = np.random.RandomState(4)
    frame = pd.DataFrame(rng.randn(8, 3), columns=["a", "b", "c"], index=range(10, 18))
    ours = Standardizer().set_output(transform="pandas")
    theirs = StandardScaler().set_output(transform="pandas")
    pd.testing.assert_frame_equal(ours.fit_transform(frame), theirs.fit_transform(frame))
    pd.testing.assert_frame_equal(ours.transform(frame), theirs.transform(frame))
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    array_fit = Standardizer().fit(frame.to_numpy())
    np.testing.assert_array_equal(array_fit.get_feature_names_out(), ["x0", "x1", "x2"])
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        ours.get_feature_names_out(["a", "b", "z"])
    assert isinstance(clone(ours).fit_transform(frame), pd.DataFrame)
    assert isinstance(Standardizer().set_output(transform="default").fit_transform(frame),
                      np.ndarray)
    with pytest.raises(ValueError, match="output config must be in"):
        Standardizer().set_output(transform="arrow")

    class Projection(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
        def fit(self, X, y=None):
            self.n_features_in_ = np.shape(X)[1]
            self._n_features_out = 2
            return self

        def transform(self, X):
            return np.asarray(X)[:, :2] * 2

    projected = Projection().set_output(transform="pandas").fit_transform(frame)
    assert list(projected.columns) == ["projection0", "projection1"]
    assert list(projected.index) == list(frame.index)
