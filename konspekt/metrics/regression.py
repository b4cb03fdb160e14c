"""Regression metrics: squared and absolute errors, R², explained variance and the Tweedie
deviances (Poisson, Gamma), with scikit-learn's names, arguments and errors.

Notation: yᵢ the targets, ŷᵢ the predictions, wᵢ the sample weights (1 without them), and
mean_w(a) = Σ wᵢ aᵢ / Σ wᵢ. For several outputs each is scored alone, then ``multioutput``
combines them: "raw_values" returns them all, "uniform_average" their mean, an array a
weighted mean (and, for R² and explained variance, "variance_weighted" weights each output by
the variance of its target).
"""

import warnings

import numpy as np
from scipy.special import xlogy

from ..base.exceptions import UndefinedMetricWarning, compatible
from ..base.validation import check_array, check_consistent_length, check_sample_weight

__all__ = ["mean_squared_error", "root_mean_squared_error", "mean_absolute_error", "r2_score",
           "explained_variance_score", "mean_tweedie_deviance", "mean_poisson_deviance",
           "mean_gamma_deviance"]

_MULTIOUTPUT_CHOICES = ("raw_values", "uniform_average", "variance_weighted")


def _check_regression_targets(y_true, y_pred, sample_weight, multioutput):
    """y_true and y_pred as 2-D float arrays (n_samples, n_outputs) of matching shapes, the
    weights as a 1-D array (or None) and ``multioutput`` checked."""
    check_consistent_length(y_true, y_pred, sample_weight)
    y_true = check_array(y_true, ensure_2d=False, dtype=[np.float64, np.float32])
    y_pred = check_array(y_pred, ensure_2d=False, dtype=[np.float64, np.float32])
    if sample_weight is not None:
        sample_weight = check_sample_weight(sample_weight, y_true,
                                            allow_all_zero_weights=True)
    y_true = y_true.reshape(-1, 1) if y_true.ndim == 1 else y_true
    y_pred = y_pred.reshape(-1, 1) if y_pred.ndim == 1 else y_pred
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(f"y_true and y_pred have different number of output "
                         f"({y_true.shape[1]}!={y_pred.shape[1]})")
    n_outputs = y_true.shape[1]
    if isinstance(multioutput, str):
        if multioutput not in _MULTIOUTPUT_CHOICES:
            raise ValueError(f"Allowed 'multioutput' string values are {_MULTIOUTPUT_CHOICES}."
                             f" You provided multioutput={multioutput!r}")
    elif multioutput is not None:
        multioutput = check_array(multioutput, ensure_2d=False)
        if n_outputs == 1:
            raise ValueError("Custom weights are useful only in multi-output cases.")
        if n_outputs != multioutput.shape[0]:
            raise ValueError(f"There must be equally many custom weights "
                             f"({multioutput.shape[0]}) as outputs ({n_outputs}).")
    return y_true, y_pred, sample_weight, multioutput


def _combine(output_errors, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return output_errors
        multioutput = None
    return float(np.average(output_errors, weights=multioutput))


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """MSE = mean_w((yᵢ − ŷᵢ)²), per output, combined by ``multioutput``.

    Examples
    --------
    >>> mean_squared_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    0.375
    """
    y_true, y_pred, sample_weight, multioutput = _check_regression_targets(
        y_true, y_pred, sample_weight, multioutput)
    errors = np.average((y_true - y_pred) ** 2, axis=0, weights=sample_weight)
    return _combine(errors, multioutput)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None,
                            multioutput="uniform_average"):
    """RMSE = √MSE per output, then combined by ``multioutput`` (the mean of the roots)."""
    y_true, y_pred, sample_weight, multioutput = _check_regression_targets(
        y_true, y_pred, sample_weight, multioutput)
    errors = np.sqrt(np.average((y_true - y_pred) ** 2, axis=0, weights=sample_weight))
    return _combine(errors, multioutput)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """MAE = mean_w(|yᵢ − ŷᵢ|), per output, combined by ``multioutput``.

    Examples
    --------
    >>> mean_absolute_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    0.5
    """
    y_true, y_pred, sample_weight, multioutput = _check_regression_targets(
        y_true, y_pred, sample_weight, multioutput)
    errors = np.average(np.abs(y_true - y_pred), axis=0, weights=sample_weight)
    return _combine(errors, multioutput)


def _explained_fraction(numerator, denominator, multioutput, force_finite):
    """1 − numerator / denominator per output. With ``force_finite`` a constant target gives
    1 for a perfect fit and 0 otherwise, instead of NaN and −inf."""
    nonzero_denominator = denominator != 0
    if not force_finite:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = 1 - numerator / denominator
    else:
        nonzero_numerator = numerator != 0
        scores = np.ones(numerator.shape[0], dtype=numerator.dtype)
        valid = nonzero_denominator & nonzero_numerator
        scores[valid] = 1 - numerator[valid] / denominator[valid]
        scores[nonzero_numerator & ~nonzero_denominator] = 0.0
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return scores
        weights = denominator if multioutput == "variance_weighted" and \
            np.any(nonzero_denominator) else None
    else:
        weights = multioutput
    return float(np.average(scores, weights=weights))


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
             force_finite=True):
    """The coefficient of determination R² = 1 − Σ wᵢ (yᵢ − ŷᵢ)² / Σ wᵢ (yᵢ − ȳ_w)²,
    ȳ_w = mean_w(y): 1 for a perfect fit, 0 for predicting the mean, negative when worse.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like, optional
    multioutput : {"raw_values", "uniform_average", "variance_weighted"} or array-like
    force_finite : bool, default True
        For a constant y_true: 1 (perfect fit) or 0 instead of NaN / −inf.

    Returns
    -------
    float or ndarray (NaN, with an ``UndefinedMetricWarning``, for fewer than two samples)

    Examples
    --------
    >>> round(r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]), 4)
    0.9486
    """
    y_true, y_pred, sample_weight, multioutput = _check_regression_targets(
        y_true, y_pred, sample_weight, multioutput)
    if y_pred.shape[0] < 2:
        warnings.warn("R^2 score is not well-defined with less than two samples.",
                      compatible(UndefinedMetricWarning), stacklevel=2)
        return float("nan")
    weight = 1.0 if sample_weight is None else sample_weight[:, None]
    numerator = np.sum(weight * (y_true - y_pred) ** 2, axis=0)
    mean = np.average(y_true, axis=0, weights=sample_weight)
    denominator = np.sum(weight * (y_true - mean) ** 2, axis=0)
    return _explained_fraction(numerator, denominator, multioutput, force_finite)


def explained_variance_score(y_true, y_pred, *, sample_weight=None,
                             multioutput="uniform_average", force_finite=True):
    """Explained variance 1 − Var_w(y − ŷ) / Var_w(y): R² without penalising a constant
    offset of the predictions.

    Examples
    --------
    >>> round(explained_variance_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]), 4)
    0.9572
    """
    y_true, y_pred, sample_weight, multioutput = _check_regression_targets(
        y_true, y_pred, sample_weight, multioutput)
    residual = y_true - y_pred
    residual_mean = np.average(residual, axis=0, weights=sample_weight)
    numerator = np.average((residual - residual_mean) ** 2, axis=0, weights=sample_weight)
    mean = np.average(y_true, axis=0, weights=sample_weight)
    denominator = np.average((y_true - mean) ** 2, axis=0, weights=sample_weight)
    return _explained_fraction(numerator, denominator, multioutput, force_finite)


def mean_tweedie_deviance(y_true, y_pred, *, sample_weight=None, power=0):
    """The mean Tweedie deviance mean_w(d(yᵢ, ŷᵢ)) with power p:

    - p = 0 (normal): d = (y − ŷ)²;
    - p = 1 (Poisson): d = 2 (y log(y/ŷ) − y + ŷ);
    - p = 2 (Gamma): d = 2 (log(ŷ/y) + y/ŷ − 1);
    - otherwise: d = 2 (max(y, 0)^(2−p) / ((1−p)(2−p)) − y ŷ^(1−p) / (1−p) + ŷ^(2−p) / (2−p)).

    Defined for p ≤ 0 (ŷ > 0), 1 ≤ p < 2 (y ≥ 0, ŷ > 0) and p ≥ 2 (y, ŷ > 0).
    """
    if 0 < power < 1:
        raise ValueError("The 'power' parameter of mean_tweedie_deviance must be a float in "
                         f"the range (-inf, 0.0] or a float in the range [1.0, inf). Got "
                         f"{power!r} instead.")
    y_true, y_pred, sample_weight, _ = _check_regression_targets(y_true, y_pred,
                                                                 sample_weight, None)
    if y_true.shape[1] > 1:
        raise ValueError("Multioutput not supported in mean_tweedie_deviance")
    y_true, y_pred = y_true[:, 0], y_pred[:, 0]
    message = f"Mean Tweedie deviance error with power={power} can only be used on "
    if power < 0 and np.any(y_pred <= 0):
        raise ValueError(message + "strictly positive y_pred.")
    if 1 <= power < 2 and (np.any(y_true < 0) or np.any(y_pred <= 0)):
        raise ValueError(message + "non-negative y and strictly positive y_pred.")
    if power >= 2 and (np.any(y_true <= 0) or np.any(y_pred <= 0)):
        raise ValueError(message + "strictly positive y and y_pred.")
    p = power
    if p == 0:
        deviance = (y_true - y_pred) ** 2
    elif p == 1:
        deviance = 2 * (xlogy(y_true, y_true / y_pred) - y_true + y_pred)
    elif p == 2:
        deviance = 2 * (np.log(y_pred / y_true) + y_true / y_pred - 1)
    else:
        deviance = 2 * (np.maximum(y_true, 0) ** (2 - p) / ((1 - p) * (2 - p))
                        - y_true * y_pred ** (1 - p) / (1 - p) + y_pred ** (2 - p) / (2 - p))
    return float(np.average(deviance, weights=sample_weight))


def mean_poisson_deviance(y_true, y_pred, *, sample_weight=None):
    """The mean Tweedie deviance with power 1: mean_w(2 (y log(y/ŷ) − y + ŷ))."""
    return mean_tweedie_deviance(y_true, y_pred, sample_weight=sample_weight, power=1)


def mean_gamma_deviance(y_true, y_pred, *, sample_weight=None):
    """The mean Tweedie deviance with power 2: mean_w(2 (log(ŷ/y) + y/ŷ − 1))."""
    return mean_tweedie_deviance(y_true, y_pred, sample_weight=sample_weight, power=2)
