"""What the meta-ensembles share: the base of the homogeneous ensembles (bagging, forests,
AdaBoost — many copies of one estimator), the base of the heterogeneous ones (voting, stacking
— a list of named, different estimators), their seeding, and running fits in parallel.

Seeding follows scikit-learn, so that the same ``random_state`` draws the same bootstrap
samples: an ensemble seeded with ``random_state`` gives each new member the seed
``rng.randint(2³¹ − 1)`` drawn from ``check_random_state(random_state)``, member after member.
"""

import inspect
import numbers

import numpy as np

from ...base import BaseEstimator, check_random_state, clone, get_tags, is_classifier
from ...base.estimator import is_regressor
from ...data.datasets.base import Bunch

__all__ = ["MAX_INT", "BaseEnsemble", "BaseHeterogeneousEnsemble", "set_random_states",
           "run_parallel", "partition_estimators", "check_parameter", "has_fit_parameter"]

MAX_INT = np.iinfo(np.int32).max


def set_random_states(estimator, random_state):
    """Give every ``random_state`` parameter of ``estimator`` (nested ones included, in sorted
    order of their names) its own seed ``rng.randint(MAX_INT)``."""
    rng = check_random_state(random_state)
    seeds = {}
    for key in sorted(estimator.get_params(deep=True)):
        if key == "random_state" or key.endswith("__random_state"):
            seeds[key] = rng.randint(MAX_INT)
    if seeds:
        estimator.set_params(**seeds)


def has_fit_parameter(estimator, name):
    """Whether ``estimator.fit`` takes an argument called ``name``."""
    return name in inspect.signature(estimator.fit).parameters


def _joblib(n_jobs):
    try:
        import joblib
    except ImportError as error:
        raise ImportError(f"n_jobs={n_jobs} needs joblib (pip install 'konspekt[parallel]'); "
                          "use n_jobs=None to run sequentially.") from error
    return joblib


def effective_n_jobs(n_jobs):
    """The number of workers that ``n_jobs`` asks for (None → 1, −1 → every core)."""
    if n_jobs is None or n_jobs == 1:
        return 1
    return _joblib(n_jobs).effective_n_jobs(n_jobs)


def run_parallel(function, argument_lists, n_jobs, prefer=None):
    """``[function(*arguments) for arguments in argument_lists]``, spread over ``n_jobs``
    joblib workers when more than one is asked for (``prefer="threads"`` for work that releases
    the GIL, as the compiled tree kernels do)."""
    argument_lists = list(argument_lists)
    if effective_n_jobs(n_jobs) == 1 or len(argument_lists) <= 1:
        return [function(*arguments) for arguments in argument_lists]
    joblib = _joblib(n_jobs)
    return joblib.Parallel(n_jobs=n_jobs, prefer=prefer)(
        joblib.delayed(function)(*arguments) for arguments in argument_lists)


def partition_estimators(n_estimators, n_jobs):
    """Split ``n_estimators`` into ``n_jobs`` nearly equal consecutive batches: the number of
    batches, their sizes, and their start offsets (one more, the end)."""
    n_batches = min(effective_n_jobs(n_jobs), n_estimators)
    sizes = np.full(n_batches, n_estimators // n_batches, dtype=int)
    sizes[:n_estimators % n_batches] += 1
    starts = np.concatenate([[0], np.cumsum(sizes)])
    return n_batches, sizes.tolist(), starts.tolist()


def check_parameter(estimator, name, kind, low=None, high=None, closed="left", options=()):
    """Check the parameter ``name`` of ``estimator``: one of ``options``, or of ``kind`` ("int",
    "float" or None for neither; bool never counts) within low … high, ends open or closed as
    ``closed`` says; otherwise raise scikit-learn's ValueError for an invalid parameter."""
    value = getattr(estimator, name)
    if isinstance(value, (str, type(None))) and value in options:
        return value
    types = {"int": numbers.Integral, "float": numbers.Real, None: ()}[kind]
    fits = not isinstance(value, bool) and isinstance(value, types)
    if fits:
        above = low is None or (value >= low if closed in ("left", "both") else value > low)
        below = high is None or (value <= high if closed in ("right", "both") else value < high)
        fits = above and below
    if not fits:
        expected = []
        if kind is not None:
            left = "[" if closed in ("left", "both") else "("
            right = "]" if closed in ("right", "both") else ")"
            low_text = "-inf" if low is None else low
            high_text = "inf" if high is None else high
            expected.append(f"{'an int' if kind == 'int' else 'a float'} in the range "
                            f"{left}{low_text}, {high_text}{right}")
        expected += [repr(option) for option in options]
        raise ValueError(f"The {name!r} parameter of {type(estimator).__name__} must be "
                         f"{' or '.join(expected)}. Got {value!r} instead.")
    return value


class BaseEnsemble(BaseEstimator):
    """Base of the ensembles made of copies of one estimator (``estimator``, or a default).

    Attributes
    ----------
    estimator_ : estimator
        The template the members are cloned from.
    estimators_ : list of estimators
        The fitted members.
    """

    # Names of the ensemble's parameters that are passed on to each member (the forests pass
    # their tree parameters this way).
    estimator_params = ()

    def _validate_estimator(self):
        self.estimator_ = self._template()

    def _template(self):
        """The member to copy: ``estimator``, or the ensemble's default when it is None."""
        return self._default_estimator() if self.estimator is None else self.estimator

    def _make_estimator(self, append=True, random_state=None):
        """A fresh clone of ``estimator_`` with the ensemble's member parameters, seeded from
        ``random_state`` when given."""
        estimator = clone(self.estimator_)
        estimator.set_params(**{name: getattr(self, name) for name in self.estimator_params})
        if random_state is not None:
            set_random_states(estimator, random_state)
        if append:
            self.estimators_.append(estimator)
        return estimator

    def __len__(self):
        return len(self.estimators_)

    def __getitem__(self, index):
        return self.estimators_[index]

    def __iter__(self):
        return iter(self.estimators_)


class BaseHeterogeneousEnsemble(BaseEstimator):
    """Base of the ensembles of named, different estimators (``estimators``: a list of
    ``(name, estimator)`` pairs, an estimator possibly replaced by ``"drop"``).

    Each member is a parameter in its own right: ``get_params()`` lists it under its name and
    its parameters as ``"<name>__<parameter>"``; ``set_params(<name>=...)`` replaces it.
    """

    @property
    def named_estimators(self):
        """The members by name (a Bunch)."""
        return Bunch(**dict(self.estimators))

    def get_params(self, deep=True):
        params = super().get_params(deep=False)
        if not deep:
            return params
        params = super().get_params(deep=True)
        estimators = self._named_pairs()
        params.update(dict(estimators))
        for name, estimator in estimators:
            if hasattr(estimator, "get_params") and not isinstance(estimator, type):
                for key, value in estimator.get_params(deep=True).items():
                    params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params):
        if "estimators" in params:
            self.estimators = params.pop("estimators")
        names = [name for name, _ in self._named_pairs()]
        for key in list(params):
            if "__" not in key and key in names:
                replacement = params.pop(key)
                self.estimators = [(name, replacement if name == key else estimator)
                                   for name, estimator in self.estimators]
        return super().set_params(**params)

    def _named_pairs(self):
        """``estimators`` as (name, estimator) pairs; none when it is not such a list (it is
        checked, with a clear message, in ``fit``)."""
        estimators = getattr(self, "estimators", None)
        if not isinstance(estimators, (list, tuple)) or not all(
                isinstance(item, (list, tuple)) and len(item) == 2 for item in estimators):
            return []
        return list(estimators)

    def _validate_estimators(self):
        """The members' names and estimators, after checking the list as scikit-learn does."""
        if not isinstance(self.estimators, (list, tuple)) or len(self.estimators) == 0 or \
                not all(isinstance(item, (list, tuple)) and len(item) == 2
                        for item in self.estimators):
            raise ValueError("Invalid 'estimators' attribute, 'estimators' should be a "
                             "non-empty list of (string, estimator) tuples.")
        names, estimators = zip(*self.estimators)
        if len(set(names)) != len(names):
            raise ValueError(f"Names provided are not unique: {list(names)!r}")
        clashing = set(names) & set(self.get_params(deep=False))
        if clashing:
            raise ValueError("Estimator names conflict with constructor arguments: "
                             f"{sorted(clashing)!r}")
        with_separator = [name for name in names if "__" in name]
        if with_separator:
            raise ValueError(f"Estimator names must not contain __: got {with_separator!r}")
        if all(_is_drop(estimator) for estimator in estimators):
            raise ValueError("All estimators are dropped. At least one is required to be an "
                             "estimator.")
        is_expected = is_classifier if is_classifier(self) else is_regressor
        for estimator in estimators:
            if not _is_drop(estimator) and not is_expected(estimator):
                kind = "classifier" if is_expected is is_classifier else "regressor"
                raise ValueError(f"The estimator {type(estimator).__name__} should be a "
                                 f"{kind}.")
        return names, estimators

    @property
    def n_features_in_(self):
        """The number of features seen by the first fitted member."""
        try:
            first = self.estimators_[0]
        except AttributeError as error:
            raise AttributeError(f"{type(self).__name__} object has no attribute "
                                 "'n_features_in_'") from error
        return first.n_features_in_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        members = [estimator for _, estimator in self._named_pairs()
                   if not _is_drop(estimator)]
        if members:
            tags.input_tags.allow_nan = all(get_tags(member).input_tags.allow_nan
                                            for member in members)
            tags.input_tags.sparse = all(get_tags(member).input_tags.sparse
                                         for member in members)
        return tags


def _is_drop(estimator):
    return isinstance(estimator, str) and estimator == "drop"
