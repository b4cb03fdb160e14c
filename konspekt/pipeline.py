"""Chains of estimators with scikit-learn's API: ``Pipeline`` and ``make_pipeline``.

A pipeline of steps T₁, …, T_{k−1}, E fits as: X₁ = T₁.fit_transform(X), …,
X_{k−1} = T_{k−1}.fit_transform(X_{k−2}), then E.fit(X_{k−1}, y); prediction applies the fitted
transforms in the same order and then E's method.
"""

import time
from collections import Counter
from copy import deepcopy

from .base import BaseEstimator, check_is_fitted, clone, get_tags
from .base.output import validate_output_choice

__all__ = ["Pipeline", "make_pipeline"]


class Bunch(dict):
    """A dict whose keys can also be read as attributes (``named_steps.scaler``)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(self.keys())


class available_if:
    """A method that exists on an instance only while ``check(instance)`` is true, so that
    ``hasattr(pipeline, "predict_proba")`` reflects the final step."""

    def __init__(self, check):
        self.check = check

    def __call__(self, method):
        self.method = method
        self.__doc__ = method.__doc__
        return self

    def __get__(self, instance, owner=None):
        if instance is None:
            return self.method
        if not self.check(instance):
            raise AttributeError(f"This {type(instance).__name__!r} has no attribute "
                                 f"{self.method.__name__!r}")
        return self.method.__get__(instance, owner)


def is_skipped(step):
    """Whether a step is a placeholder: None or "passthrough"."""
    return step is None or (isinstance(step, str) and step == "passthrough")


def message_with_time(source, message, seconds):
    """scikit-learn's progress line: "[source] ..... message, total=   0.0s" (70 wide)."""
    start = f"[{source}] "
    if seconds > 60:
        duration = f"{seconds / 60:4.1f}min"
    else:
        duration = f" {seconds:5.1f}s"
    end = f" {message}, total={duration}"
    return start + "." * max(70 - len(start) - len(end), 0) + end


def _final_has(name):
    def check(pipeline):
        final = pipeline._final_estimator
        return is_skipped(final) and name in ("transform", "fit_transform",
                                              "inverse_transform") or hasattr(final, name)
    return check


def _all_have(name):
    def check(pipeline):
        return all(is_skipped(step) or hasattr(step, name) for _, step in pipeline.steps)
    return check


def _transform_check(pipeline):
    final = pipeline._final_estimator
    return is_skipped(final) or hasattr(final, "transform")


class Pipeline(BaseEstimator):
    """A sequence of transforms followed by a final estimator, used as one estimator.

    Every step but the last must be a transformer (``fit`` + ``transform``); the last may be
    any estimator. A step may be "passthrough" or None to skip it. Parameters of the steps
    are reached as "<step name>__<parameter>" (``set_params``, grid searches), and the keyword
    arguments of ``fit`` as "<step name>__<argument>".

    Parameters
    ----------
    steps : list of (str, estimator) tuples
    memory : None
        Caching of fitted transformers is not implemented; only None is accepted.
    verbose : bool, default False
        Print the time each step takes to fit.

    Attributes
    ----------
    named_steps : Bunch
        The steps by name (``pipeline.named_steps.scaler``).
    classes_ : ndarray
        The final estimator's classes (classifiers only).
    n_features_in_, feature_names_in_
        Those of the first step.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.pipeline import Pipeline
    >>> from konspekt.preprocessing import PolynomialFeatures, StandardScaler
    >>> pipe = Pipeline([("poly", PolynomialFeatures()), ("scale", StandardScaler())])
    >>> pipe.fit_transform(np.array([[0.0], [1.0], [2.0]])).shape
    (3, 3)
    >>> pipe.set_params(poly__degree=3).fit_transform(np.array([[0.0], [1.0], [2.0]])).shape
    (3, 4)
    """

    def __init__(self, steps, *, memory=None, verbose=False):
        self.steps = steps
        self.memory = memory
        self.verbose = verbose

    # --- parameters -----------------------------------------------------------------------

    def get_params(self, deep=True):
        """The parameters, and with ``deep`` every step by name and its parameters as
        "<step>__<parameter>".

        Returns
        -------
        dict
        """
        params = super().get_params(deep=False)
        if not deep:
            return params
        try:
            steps = [(name, step) for name, step in self.steps]
        except (TypeError, ValueError):
            # Steps not (yet) (name, estimator) pairs: fit will say what is wrong.
            steps = []
        for name, step in steps:
            params[name] = step
            if hasattr(step, "get_params") and not isinstance(step, type):
                params.update((f"{name}__{key}", value)
                              for key, value in step.get_params(deep=True).items())
        return params

    def set_params(self, **params):
        """Set parameters; a step's name replaces the step, "<step>__<parameter>" sets the
        step's parameter.

        Returns
        -------
        self
        """
        if "steps" in params:
            self.steps = params.pop("steps")
        try:
            names = [name for name, _ in self.steps]
        except (TypeError, ValueError):
            names = []
        for name in list(params):
            if "__" not in name and name in names:
                index = names.index(name)
                self.steps = list(self.steps)
                self.steps[index] = (name, params.pop(name))
        return super().set_params(**params)

    def _validate_steps(self):
        names, estimators = zip(*self.steps) if self.steps else ((), ())
        self._validate_names(names)
        for step in estimators[:-1]:
            if is_skipped(step):
                continue
            if not ((hasattr(step, "fit") or hasattr(step, "fit_transform"))
                    and hasattr(step, "transform")):
                raise TypeError("All intermediate steps should be transformers and implement "
                                f"fit and transform or be the string 'passthrough' '{step}' "
                                f"(type {type(step)}) doesn't")
        final = estimators[-1] if estimators else None
        if not is_skipped(final) and not hasattr(final, "fit"):
            raise TypeError("Last step of Pipeline should implement fit or be the string "
                            f"'passthrough'. '{final}' (type {type(final)}) doesn't")
        if self.memory is not None:
            raise ValueError("Pipeline(memory=...) caching is not implemented in konspekt; "
                             f"pass memory=None, got {self.memory!r}.")

    def _validate_names(self, names):
        if len(set(names)) != len(names):
            raise ValueError(f"Names provided are not unique: {list(names)!r}")
        conflicts = set(names) & set(self._get_param_names())
        if conflicts:
            raise ValueError("Estimator names conflict with constructor arguments: "
                             f"{sorted(conflicts)!r}")
        doubled = [name for name in names if "__" in name]
        if doubled:
            raise ValueError(f"Estimator names must not contain __: got {doubled!r}")

    # --- access -----------------------------------------------------------------------------

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, index):
        """A step by position or name, or a sub-pipeline for a slice."""
        if isinstance(index, slice):
            if index.step not in (1, None):
                raise ValueError("Pipeline slicing only supports a step of 1")
            return type(self)(self.steps[index], memory=self.memory, verbose=self.verbose)
        if isinstance(index, str):
            return self.named_steps[index]
        return self.steps[index][1]

    @property
    def named_steps(self):
        """The steps by name, readable as attributes."""
        return Bunch(**dict(self.steps))

    @property
    def _final_estimator(self):
        return self.steps[-1][1] if self.steps else "passthrough"

    @property
    def _estimator_type(self):
        return getattr(self._final_estimator, "_estimator_type", None)

    @property
    def classes_(self):
        """The final estimator's class labels."""
        return self.steps[-1][1].classes_

    @property
    def n_features_in_(self):
        """The number of features the first step saw in fit."""
        return self.steps[0][1].n_features_in_

    @property
    def feature_names_in_(self):
        """The feature names the first step saw in fit."""
        return self.steps[0][1].feature_names_in_

    def __sklearn_is_fitted__(self):
        # Fitted when the last real step is (scikit-learn checks only that one too).
        for _, step in reversed(self.steps):
            if not is_skipped(step):
                try:
                    check_is_fitted(step)
                except (ValueError, AttributeError):
                    return False
                return True
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            real = [step for _, step in self.steps if not is_skipped(step)]
            final = self.steps[-1][1]
        except (TypeError, ValueError, IndexError):
            # Steps not (yet) a list of (name, estimator): fit will say what is wrong.
            return tags
        if not is_skipped(self.steps[0][1]):
            tags.input_tags.pairwise = get_tags(self.steps[0][1]).input_tags.pairwise
        tags.input_tags.sparse = all(get_tags(step).input_tags.sparse for step in real)
        if not is_skipped(final):
            last = get_tags(final)
            tags.estimator_type = last.estimator_type
            tags.target_tags.multi_output = last.target_tags.multi_output
            tags.classifier_tags = deepcopy(last.classifier_tags)
            tags.regressor_tags = deepcopy(last.regressor_tags)
            tags.transformer_tags = deepcopy(last.transformer_tags)
        return tags

    # --- fitting ----------------------------------------------------------------------------

    def _route(self, params):
        routed = {name: {} for name, _ in self.steps}
        for key, value in params.items():
            name, separator, argument = key.partition("__")
            if not separator or name not in routed:
                raise ValueError(f"Pipeline.fit does not accept the {key} parameter. You can "
                                 "pass parameters to specific steps of your pipeline using "
                                 "the stepname__parameter format, e.g. "
                                 "`Pipeline.fit(X, y, logisticregression__sample_weight"
                                 "=sample_weight)`.")
            routed[name][argument] = value
        return routed

    def _log(self, index, name):
        return f"(step {index + 1} of {len(self.steps)}) Processing {name}"

    def _fit_transforms(self, X, y, routed):
        self._validate_steps()
        for index, (name, step) in enumerate(self.steps[:-1]):
            if is_skipped(step):
                continue
            start = time.perf_counter()
            if hasattr(step, "fit_transform"):
                X = step.fit_transform(X, y, **routed[name])
            else:
                X = step.fit(X, y, **routed[name]).transform(X)
            if self.verbose:
                print(message_with_time("Pipeline", self._log(index, name),
                                        time.perf_counter() - start))
        return X

    def _timed_final(self, method):
        start = time.perf_counter()
        result = method()
        if self.verbose:
            index = len(self.steps) - 1
            print(message_with_time("Pipeline", self._log(index, self.steps[-1][0]),
                                    time.perf_counter() - start))
        return result

    def fit(self, X, y=None, **params):
        """Fit every transform on the output of the previous one, then the final estimator.

        Parameters
        ----------
        X : array-like
        y : array-like, optional
        **params
            "<step>__<argument>" keyword arguments for the steps' ``fit``.

        Returns
        -------
        self
        """
        routed = self._route(params)
        Xt = self._fit_transforms(X, y, routed)
        final = self._final_estimator
        if not is_skipped(final):
            self._timed_final(lambda: final.fit(Xt, y, **routed[self.steps[-1][0]]))
        return self

    @available_if(_transform_check)
    def fit_transform(self, X, y=None, **params):
        """Fit, then return the last step's transform of the data (its ``fit_transform``).

        Returns
        -------
        ndarray or sparse matrix
        """
        routed = self._route(params)
        Xt = self._fit_transforms(X, y, routed)
        final = self._final_estimator
        if is_skipped(final):
            return Xt
        last = routed[self.steps[-1][0]]
        if hasattr(final, "fit_transform"):
            return self._timed_final(lambda: final.fit_transform(Xt, y, **last))
        return self._timed_final(lambda: final.fit(Xt, y, **last).transform(Xt))

    @available_if(_final_has("fit_predict"))
    def fit_predict(self, X, y=None, **params):
        """Fit the transforms, then the final estimator's ``fit_predict``.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        routed = self._route(params)
        Xt = self._fit_transforms(X, y, routed)
        last = routed[self.steps[-1][0]]
        return self._timed_final(lambda: self._final_estimator.fit_predict(Xt, y, **last))

    # --- applying ---------------------------------------------------------------------------

    def _transform_all_but_last(self, X):
        for _, step in self.steps[:-1]:
            if not is_skipped(step):
                X = step.transform(X)
        return X

    @available_if(_final_has("predict"))
    def predict(self, X, **params):
        """Transform X through the steps, then the final estimator's ``predict``."""
        return self.steps[-1][1].predict(self._transform_all_but_last(X), **params)

    @available_if(_final_has("predict_proba"))
    def predict_proba(self, X, **params):
        """Transform X through the steps, then the final estimator's ``predict_proba``."""
        return self.steps[-1][1].predict_proba(self._transform_all_but_last(X), **params)

    @available_if(_final_has("predict_log_proba"))
    def predict_log_proba(self, X, **params):
        """Transform X through the steps, then the final estimator's
        ``predict_log_proba``."""
        return self.steps[-1][1].predict_log_proba(self._transform_all_but_last(X), **params)

    @available_if(_final_has("decision_function"))
    def decision_function(self, X, **params):
        """Transform X through the steps, then the final estimator's
        ``decision_function``."""
        return self.steps[-1][1].decision_function(self._transform_all_but_last(X), **params)

    @available_if(_final_has("score_samples"))
    def score_samples(self, X):
        """Transform X through the steps, then the final estimator's ``score_samples``."""
        return self.steps[-1][1].score_samples(self._transform_all_but_last(X))

    @available_if(_final_has("score"))
    def score(self, X, y=None, sample_weight=None, **params):
        """Transform X through the steps, then the final estimator's ``score``."""
        if sample_weight is not None:
            params["sample_weight"] = sample_weight
        return self.steps[-1][1].score(self._transform_all_but_last(X), y, **params)

    @available_if(_all_have("transform"))
    def transform(self, X, **params):
        """Apply every step's ``transform`` in turn.

        Returns
        -------
        ndarray or sparse matrix
        """
        for _, step in self.steps:
            if not is_skipped(step):
                X = step.transform(X, **params) if params else step.transform(X)
        return X

    @available_if(_all_have("inverse_transform"))
    def inverse_transform(self, X, **params):
        """Apply every step's ``inverse_transform``, last step first.

        Returns
        -------
        ndarray
        """
        for _, step in reversed(self.steps):
            if not is_skipped(step):
                X = step.inverse_transform(X, **params) if params else \
                    step.inverse_transform(X)
        return X

    def get_feature_names_out(self, input_features=None):
        """The output feature names, passed through every step's ``get_feature_names_out``.

        Returns
        -------
        ndarray of str objects
        """
        names = input_features
        for _, step in self.steps:
            if is_skipped(step):
                continue
            if not hasattr(step, "get_feature_names_out"):
                raise AttributeError(f"Estimator {step} does not provide "
                                     "get_feature_names_out. Did you mean to call "
                                     "pipeline[:-1].get_feature_names_out()?")
            names = step.get_feature_names_out(names)
        return names

    def set_output(self, *, transform=None):
        """Set the output container of every step that has ``set_output``.

        Returns
        -------
        self
        """
        validate_output_choice(transform)
        for _, step in self.steps:
            if hasattr(step, "set_output"):
                step.set_output(transform=transform)
        return self

    def __sklearn_clone__(self):
        return type(self)([(name, clone(step, safe=False)) for name, step in self.steps],
                          memory=self.memory, verbose=self.verbose)


def _name_steps(estimators):
    """Lower-cased class names, numbered "-1", "-2", … where a name repeats."""
    names = [estimator.lower() if isinstance(estimator, str) else
             type(estimator).__name__.lower() for estimator in estimators]
    counts = Counter(names)
    seen = Counter()
    numbered = []
    for name in names:
        if counts[name] > 1:
            seen[name] += 1
            name = f"{name}-{seen[name]}"
        numbered.append(name)
    return list(zip(numbered, estimators))


def make_pipeline(*steps, memory=None, verbose=False):
    """A ``Pipeline`` whose step names are the lower-cased class names of the steps.

    Examples
    --------
    >>> from konspekt.pipeline import make_pipeline
    >>> from konspekt.preprocessing import StandardScaler
    >>> make_pipeline(StandardScaler(), StandardScaler()).named_steps.keys()
    dict_keys(['standardscaler-1', 'standardscaler-2'])
    """
    return Pipeline(_name_steps(steps), memory=memory, verbose=verbose)
