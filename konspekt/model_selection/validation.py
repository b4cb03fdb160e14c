"""Cross-validation: ``cross_validate``, ``cross_val_score``, ``cross_val_predict``,
``learning_curve`` and ``validation_curve``, with scikit-learn's arguments and results.

k-fold cross-validation estimates how a model generalises: for each split (train, test) of
the data, a fresh clone of the estimator is fitted on the train part and scored on the test
part; the k scores are reported (their mean is the estimate, their spread its uncertainty).
Any object following the estimator protocol works, scikit-learn's estimators included.
"""

import numbers
import time
import traceback
import warnings
from collections import Counter

import numpy as np
import scipy.sparse as sp

from ..base.estimator import clone, is_classifier
from ..base.exceptions import FitFailedWarning, compatible
from ..base.tags import get_tags
from ..base.validation import check_random_state, indexable, num_samples
from ..metrics.scorer import check_scoring
from .split import check_cv, take_rows

__all__ = ["cross_validate", "cross_val_score", "cross_val_predict", "learning_curve",
           "validation_curve"]


def _run(tasks, n_jobs, pre_dispatch):
    """Call each (function, args, kwargs) task, in order; in parallel with joblib when
    ``n_jobs`` asks for more than one worker."""
    if n_jobs is None or n_jobs == 1:
        return [function(*args, **kwargs) for function, args, kwargs in tasks]
    try:
        from joblib import Parallel, delayed
    except ImportError as error:
        raise ImportError(f"n_jobs={n_jobs} needs joblib (pip install 'konspekt[parallel]'); "
                          "use n_jobs=None to run sequentially.") from error
    return Parallel(n_jobs=n_jobs, pre_dispatch=pre_dispatch)(
        delayed(function)(*args, **kwargs) for function, args, kwargs in tasks)


def _split_rows(estimator, X, y, indices, train_indices=None):
    """The rows ``indices`` of X and y; for a pairwise estimator (X a kernel or distance
    matrix) also the columns of the training samples."""
    if get_tags(estimator).input_tags.pairwise:
        if not hasattr(X, "shape"):
            raise ValueError("Precomputed kernels or affinity matrices have to be passed as "
                             "arrays or sparse matrices.")
        if X.shape[0] != X.shape[1]:
            raise ValueError("X should be a square kernel matrix")
        columns = indices if train_indices is None else train_indices
        X_subset = X[np.ix_(indices, columns)]
    else:
        X_subset = take_rows(X, indices)
    return X_subset, take_rows(y, indices)


def _rows_of_params(params, n_samples, indices):
    """Per-sample fit parameters (e.g. sample_weight) restricted to ``indices``; the others
    unchanged."""
    selected = {}
    for key, value in (params or {}).items():
        per_sample = (hasattr(value, "__len__") or hasattr(value, "shape")) and \
            not isinstance(value, str) and num_samples(value) == n_samples
        selected[key] = take_rows(value, indices) if per_sample else value
    return selected


def _score(estimator, X, y, scorer, score_params, error_score):
    if isinstance(scorer, dict):
        return {name: _score(estimator, X, y, single, score_params, error_score)
                for name, single in scorer.items()}
    try:
        score = scorer(estimator, X, y, **score_params) if y is not None \
            else scorer(estimator, X, **score_params)
    except Exception:
        if error_score == "raise":
            raise
        warnings.warn("Scoring failed. The score on this train-test partition for these "
                      f"parameters will be set to {error_score}. Details: \n"
                      f"{traceback.format_exc()}", UserWarning, stacklevel=2)
        return error_score
    if hasattr(score, "item"):
        score = score.item()
    if not isinstance(score, numbers.Number):
        raise ValueError(f"scoring must return a number, got {score!s} ({type(score)}) "
                         "instead.")
    return score


def _fit_and_score(estimator, X, y, scorer, train, test, *, parameters=None, fit_params=None,
                   score_params=None, return_train_score=False, return_estimator=False,
                   error_score=np.nan):
    """Fit ``estimator`` (already a clone) with ``parameters`` on the train rows and score it
    on the test rows (and the train rows)."""
    if parameters:
        estimator = estimator.set_params(**clone(parameters, safe=False))
    n_samples = num_samples(X)
    fit_params = _rows_of_params(fit_params, n_samples, train)
    test_score_params = _rows_of_params(score_params, n_samples, test)
    train_score_params = _rows_of_params(score_params, n_samples, train)
    X_train, y_train = _split_rows(estimator, X, y, train)
    X_test, y_test = _split_rows(estimator, X, y, test, train)
    result = {"fit_error": None}
    start = time.time()
    try:
        if y_train is None:
            estimator.fit(X_train, **fit_params)
        else:
            estimator.fit(X_train, y_train, **fit_params)
    except Exception:
        if error_score == "raise":
            raise
        if not isinstance(error_score, numbers.Number):
            raise ValueError("error_score must be the string 'raise' or a numeric value. "
                             "(Hint: if using 'raise', please make sure that it has been "
                             "spelled correctly.)")
        result["fit_error"] = traceback.format_exc()
        failed = {name: error_score for name in scorer} if isinstance(scorer, dict) \
            else error_score
        result["fit_time"] = time.time() - start
        result["score_time"] = 0.0
        result["test_scores"] = failed
        if return_train_score:
            result["train_scores"] = failed
    else:
        result["fit_time"] = time.time() - start
        score_start = time.time()
        result["test_scores"] = _score(estimator, X_test, y_test, scorer, test_score_params,
                                       error_score)
        result["score_time"] = time.time() - score_start
        if return_train_score:
            result["train_scores"] = _score(estimator, X_train, y_train, scorer,
                                            train_score_params, error_score)
    if return_estimator:
        result["estimator"] = estimator
    return result


def _report_fit_failures(results, error_score):
    errors = [result["fit_error"] for result in results if result["fit_error"] is not None]
    if not errors:
        return
    summary = "\n".join(f"\n{count} fits failed with the following error:\n{error}"
                        for error, count in Counter(errors).items())
    if len(errors) == len(results):
        raise ValueError(f"\nAll the {len(results)} fits failed.\nIt is very likely that your "
                         "model is misconfigured.\nYou can try to debug the error by setting "
                         f"error_score='raise'.\n\nBelow are more details about the failures:"
                         f"\n{summary}")
    warnings.warn(f"\n{len(errors)} fits failed out of a total of {len(results)}.\nThe score "
                  f"on these train-test partitions for these parameters will be set to "
                  f"{error_score}.\nIf these failures are not expected, you can try to debug "
                  "them by setting error_score='raise'.\n\nBelow are more details about the "
                  f"failures:\n{summary}", compatible(FitFailedWarning), stacklevel=3)


def _stack_scores(scores, scorer):
    """A list of per-split scores as one array, or a dict of arrays for several metrics."""
    if isinstance(scorer, dict):
        return {name: np.asarray([score[name] for score in scores]) for name in scorer}
    return np.asarray(scores)


def cross_validate(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                   verbose=0, params=None, pre_dispatch="2*n_jobs", return_train_score=False,
                   return_estimator=False, return_indices=False, error_score=np.nan):
    """Fit and score a clone of the estimator on each cross-validation split.

    Parameters
    ----------
    estimator : estimator
    X : array-like of shape (n_samples, n_features)
    y : array-like, optional
    groups : array-like, optional
        Passed to the splitter.
    scoring : str, callable, list, tuple, dict or None
        None: the estimator's ``score``; a name ("accuracy", "r2", "neg_mean_squared_error",
        … see ``konspekt.metrics.get_scorer_names``); several names or a dict for several
        metrics.
    cv : int, splitter, iterable of (train, test) or None
        None or an int k: k-fold (stratified for a classifier), 5 by default.
    n_jobs : int or None
        Workers (joblib) — None runs sequentially.
    verbose : int
        Accepted for compatibility.
    params : dict, optional
        Passed to ``fit``; per-sample arrays (sample_weight) are split with the data.
    pre_dispatch : str or int
        joblib's pre-dispatch, when parallel.
    return_train_score, return_estimator, return_indices : bool, default False
    error_score : "raise" or float, default NaN
        The score of a split whose fit fails (with a ``FitFailedWarning``), or re-raise.

    Returns
    -------
    dict
        "fit_time", "score_time", "test_score" (or "test_<name>" for each metric), and
        "train_score", "estimator", "indices" when asked.
    """
    X, y = indexable(X, y)
    cv = check_cv(cv, y, classifier=is_classifier(estimator))
    scorer = check_scoring(estimator, scoring=scoring)
    splits = list(cv.split(X, y, groups))
    tasks = [(_fit_and_score, (clone(estimator), X, y, scorer, train, test),
              dict(fit_params=params, return_train_score=return_train_score,
                   return_estimator=return_estimator, error_score=error_score))
             for train, test in splits]
    results = _run(tasks, n_jobs, pre_dispatch)
    _report_fit_failures(results, error_score)
    output = {"fit_time": np.array([result["fit_time"] for result in results]),
              "score_time": np.array([result["score_time"] for result in results])}
    if return_estimator:
        output["estimator"] = [result["estimator"] for result in results]
    if return_indices:
        output["indices"] = {"train": [train for train, _ in splits],
                             "test": [test for _, test in splits]}
    parts = ["test"] + (["train"] if return_train_score else [])
    for part in parts:
        scores = _stack_scores([result[f"{part}_scores"] for result in results], scorer)
        if isinstance(scores, dict):
            output.update((f"{part}_{name}", values) for name, values in scores.items())
        else:
            output[f"{part}_score"] = scores
    return output


def cross_val_score(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                    verbose=0, params=None, pre_dispatch="2*n_jobs", error_score=np.nan):
    """The test score of each cross-validation split (``cross_validate(...)["test_score"]``).

    ``scoring`` is a single metric here: a name, a callable or None.

    Returns
    -------
    ndarray of shape (n_splits,)

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> X = np.arange(20.0).reshape(10, 2); y = X @ [1.0, 2.0]
    >>> cross_val_score(LinearRegression(), X, y, cv=2).round(6).tolist()
    [1.0, 1.0]
    """
    scorer = check_scoring(estimator, scoring=scoring)
    results = cross_validate(estimator, X, y, groups=groups, scoring={"score": scorer},
                             cv=cv, n_jobs=n_jobs, verbose=verbose, params=params,
                             pre_dispatch=pre_dispatch, error_score=error_score)
    return results["test_score"]


def _full_class_predictions(classes, predictions, n_classes, method):
    """Predictions of a fold that missed some classes, widened to all n_classes columns (the
    missing ones at 0 for probabilities, the float minimum for log-probabilities and decision
    values)."""
    if n_classes == len(classes):
        return predictions
    warnings.warn(f"Number of classes in training fold ({len(classes)}) does not match total "
                  f"number of classes ({n_classes}). Results may not be appropriate for your "
                  "use case. To fix this, use a cross-validation technique resulting in "
                  "properly stratified folds", RuntimeWarning, stacklevel=3)
    if method == "decision_function":
        if predictions.ndim == 2 and predictions.shape[1] != len(classes):
            raise ValueError(f"Output shape {predictions.shape} of {method} does not match "
                             f"number of classes ({len(classes)}) in fold. Irregular "
                             "decision_function outputs are not currently supported by "
                             "cross_val_predict")
        if len(classes) <= 2:
            raise ValueError(f"Only {len(classes)} class/es in training fold, but {n_classes} "
                             "in overall dataset. This is not supported for decision_function "
                             "with imbalanced folds. To fix this, use a cross-validation "
                             "technique resulting in properly stratified folds")
    fill = 0 if method == "predict_proba" else np.finfo(predictions.dtype).min
    widened = np.full((num_samples(predictions), n_classes), fill, dtype=predictions.dtype)
    widened[:, classes] = predictions
    return widened


def _fit_and_predict(estimator, X, y, train, test, fit_params, method):
    n_samples = num_samples(X)
    fit_params = _rows_of_params(fit_params, n_samples, train)
    X_train, y_train = _split_rows(estimator, X, y, train)
    X_test, _ = _split_rows(estimator, X, y, test, train)
    if y_train is None:
        estimator.fit(X_train, **fit_params)
    else:
        estimator.fit(X_train, y_train, **fit_params)
    predictions = getattr(estimator, method)(X_test)
    if method in ("decision_function", "predict_proba", "predict_log_proba") and \
            y is not None and is_classifier(estimator):
        predictions = _full_class_predictions(estimator.classes_, predictions,
                                              len(np.unique(y)), method)
    return predictions


def cross_val_predict(estimator, X, y=None, *, groups=None, cv=None, n_jobs=None, verbose=0,
                      params=None, pre_dispatch="2*n_jobs", method="predict"):
    """Each sample's prediction by the model fitted on the folds that leave it out.

    The splits must be a partition (each sample tested exactly once). For "predict_proba",
    "predict_log_proba" and "decision_function" on a classifier, y is encoded as 0 … K−1
    first, so that every fold's columns line up with the sorted classes of the whole y.

    Parameters
    ----------
    estimator, X, y, groups, cv, n_jobs, verbose, params, pre_dispatch
        As in ``cross_validate``.
    method : str, default "predict"

    Returns
    -------
    ndarray (or sparse matrix) with one row per sample
    """
    X, y = indexable(X, y)
    cv = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(cv.split(X, y, groups))
    test_indices = np.concatenate([test for _, test in splits])
    n_samples = num_samples(X)
    if len(test_indices) != n_samples or \
            not np.array_equal(np.sort(test_indices), np.arange(n_samples)):
        raise ValueError("cross_val_predict only works for partitions")
    encode = method in ("decision_function", "predict_proba", "predict_log_proba") and \
        is_classifier(estimator) and y is not None
    if encode:
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"cross_val_predict with method={method!r} supports a 1-D y "
                             f"only; got y of shape {y.shape}.")
        y = np.unique(y, return_inverse=True)[1]
    tasks = [(_fit_and_predict, (clone(estimator), X, y, train, test, params, method), {})
             for train, test in splits]
    predictions = _run(tasks, n_jobs, pre_dispatch)
    inverse = np.empty(len(test_indices), dtype=int)
    inverse[test_indices] = np.arange(len(test_indices))
    if sp.issparse(predictions[0]):
        stacked = sp.vstack(predictions, format=predictions[0].format)
    else:
        stacked = np.concatenate(predictions)
    return stacked[inverse]


def _absolute_train_sizes(train_sizes, n_max):
    """Training-set sizes as counts: fractions in (0, 1] scale the largest training set
    (rounded down, at least 1), counts must lie in [1, n_max]; duplicates removed."""
    sizes = np.asarray(train_sizes)
    n_ticks = sizes.shape[0]
    smallest, largest = np.min(sizes), np.max(sizes)
    if np.issubdtype(sizes.dtype, np.floating):
        if smallest <= 0.0 or largest > 1.0:
            raise ValueError("train_sizes has been interpreted as fractions of the maximum "
                             "number of training samples and must be within (0, 1], but is "
                             f"within [{smallest:f}, {largest:f}].")
        sizes = np.clip((sizes * n_max).astype(int), 1, n_max)
    elif smallest <= 0 or largest > n_max:
        raise ValueError("train_sizes has been interpreted as absolute numbers of training "
                         f"samples and must be within (0, {n_max}], but is within "
                         f"[{smallest}, {largest}].")
    sizes = np.unique(sizes)
    if n_ticks > sizes.shape[0]:
        warnings.warn("Removed duplicate entries from 'train_sizes'. Number of ticks will be "
                      f"less than the size of 'train_sizes': {sizes.shape[0]} instead of "
                      f"{n_ticks}.", RuntimeWarning, stacklevel=3)
    return sizes


def learning_curve(estimator, X, y, *, groups=None, train_sizes=np.linspace(0.1, 1.0, 5),
                   cv=None, scoring=None, exploit_incremental_learning=False, n_jobs=None,
                   pre_dispatch="all", verbose=0, shuffle=False, random_state=None,
                   error_score=np.nan, return_times=False, params=None):
    """Train and test scores for growing training sets: for each split and each size m, fit
    on the first m training indices (shuffled once per split when ``shuffle``) and score on
    the train subset and on the test set.

    Parameters
    ----------
    train_sizes : array-like, default linspace(0.1, 1.0, 5)
        Fractions of the largest training set, or counts.
    exploit_incremental_learning : bool, default False
        Not supported (``partial_fit`` learning curves): must be False.
    shuffle : bool, default False
    random_state : int, RandomState or None
        Seeds the shuffles (one ``permutation`` of each split's training indices).
    return_times : bool, default False
    Other parameters as in ``cross_validate``.

    Returns
    -------
    train_sizes_abs : ndarray of shape (n_ticks,)
    train_scores, test_scores : ndarrays of shape (n_ticks, n_splits)
    fit_times, score_times : ndarrays of shape (n_ticks, n_splits), when ``return_times``
    """
    if exploit_incremental_learning:
        raise NotImplementedError("exploit_incremental_learning=True (partial_fit) is not "
                                  "supported by konspekt's learning_curve.")
    X, y, groups = indexable(X, y, groups)
    cv = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(cv.split(X, y, groups))
    scorer = check_scoring(estimator, scoring=scoring)
    sizes = _absolute_train_sizes(train_sizes, len(splits[0][0]))
    if shuffle:
        rng = check_random_state(random_state)
        splits = [(rng.permutation(train), test) for train, test in splits]
    tasks = [(_fit_and_score, (clone(estimator), X, y, scorer, train[:size], test),
              dict(fit_params=params, return_train_score=True, error_score=error_score))
             for train, test in splits for size in sizes]
    results = _run(tasks, n_jobs, pre_dispatch)
    _report_fit_failures(results, error_score)

    def table(key):
        return np.asarray([result[key] for result in results]).reshape(-1, len(sizes)).T

    output = (sizes, table("train_scores"), table("test_scores"))
    if return_times:
        output += (table("fit_time"), table("score_time"))
    return output


def validation_curve(estimator, X, y, *, param_name, param_range, groups=None, cv=None,
                     scoring=None, n_jobs=None, pre_dispatch="all", verbose=0,
                     error_score=np.nan, params=None):
    """Train and test scores for each value of one hyperparameter: for each split and each
    value v of ``param_range``, fit a clone with ``param_name=v`` and score it.

    Returns
    -------
    train_scores, test_scores : ndarrays of shape (n_values, n_splits)
    """
    X, y, groups = indexable(X, y, groups)
    cv = check_cv(cv, y, classifier=is_classifier(estimator))
    scorer = check_scoring(estimator, scoring=scoring)
    splits = list(cv.split(X, y, groups))
    tasks = [(_fit_and_score, (clone(estimator), X, y, scorer, train, test),
              dict(parameters={param_name: value}, fit_params=params,
                   return_train_score=True, error_score=error_score))
             for train, test in splits for value in param_range]
    results = _run(tasks, n_jobs, pre_dispatch)
    _report_fit_failures(results, error_score)
    n_values = len(param_range)
    train_scores = np.asarray([r["train_scores"] for r in results]).reshape(-1, n_values).T
    test_scores = np.asarray([r["test_scores"] for r in results]).reshape(-1, n_values).T
    return train_scores, test_scores
