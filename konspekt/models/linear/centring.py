"""Centring and weighting of the data for the linear regressors, dense and sparse.

The intercept is not penalised, so the models are fitted on centred data: with sample weights
sᵢ, the weighted means x̄ = Σ sᵢ xᵢ / Σ sᵢ and ȳ are subtracted and the rows scaled by √sᵢ,
which turns Σ sᵢ (yᵢ − xᵢ·w − b)² into the ordinary sum of squares ‖ỹ − X̃w‖² of

    X̃ = diag(√s)(X − 1x̄ᵀ),   ỹ = diag(√s)(y − ȳ),

and b = ȳ − x̄·w afterwards. A sparse X is never centred in memory (that would fill it): the
solvers use X̃ through its products, X̃v = diag(√s)X v − √s (x̄·v) and
X̃ᵀu = Xᵀdiag(√s) u − x̄ (√s·u), as scikit-learn does.
"""

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg

__all__ = ["center_and_scale", "center_and_scale_sparse", "centred_gram", "centred_operator"]


def center_and_scale(X, y, fit_intercept, sample_weight):
    """Centre a dense X and y by their weighted means and scale the rows by √s.

    Returns
    -------
    X, y : the centred and scaled copies (the inputs are never overwritten)
    X_offset : ndarray of shape (n_features,), x̄ = Σ sᵢ xᵢ / Σ sᵢ (zeros without intercept)
    y_offset : float or ndarray of shape (n_targets,), ȳ likewise
    """
    if fit_intercept:
        X_offset = np.average(X, axis=0, weights=sample_weight).astype(X.dtype, copy=False)
        y_offset = np.average(y, axis=0, weights=sample_weight).astype(X.dtype, copy=False)
        X = X - X_offset
        y = y - y_offset
    else:
        X_offset = np.zeros(X.shape[1], dtype=X.dtype)
        y_offset = np.zeros(y.shape[1], dtype=X.dtype) if y.ndim == 2 else X.dtype.type(0)
    if sample_weight is not None:
        root = np.sqrt(sample_weight)
        X = X * root[:, None]
        y = y * (root[:, None] if y.ndim == 2 else root)
    return X, y, X_offset, y_offset


def center_and_scale_sparse(X, y, fit_intercept, sample_weight):
    """For a sparse X: x̄ and ȳ, ỹ = diag(√s)(y − ȳ), and diag(√s)X, not centred.

    Returns
    -------
    X : sparse matrix, the rows scaled by √s (X itself without weights)
    y : ndarray, ỹ
    X_offset, y_offset : as ``center_and_scale``
    root : ndarray of shape (n_samples,), √s (ones without weights)
    """
    n_samples = X.shape[0]
    weights = np.ones(n_samples) if sample_weight is None else sample_weight
    if fit_intercept:
        X_offset = np.asarray(X.T @ weights).ravel() / weights.sum()
        X_offset = X_offset.astype(X.dtype, copy=False)
        y_offset = np.average(y, axis=0, weights=weights).astype(X.dtype, copy=False)
        y = y - y_offset
    else:
        X_offset = np.zeros(X.shape[1], dtype=X.dtype)
        y_offset = np.zeros(y.shape[1], dtype=X.dtype) if y.ndim == 2 else X.dtype.type(0)
    root = np.sqrt(weights).astype(X.dtype, copy=False)
    if sample_weight is not None:
        X = sp.diags(root) @ X
        y = y * (root[:, None] if y.ndim == 2 else root)
    return sp.csr_matrix(X) if X.format not in ("csr", "csc") else X, y, X_offset, y_offset, root


def centred_operator(X, X_offset, root):
    """X̃ = X − √s x̄ᵀ (X already √s-scaled) as a ``LinearOperator``, never formed."""
    def matvec(v):
        return X @ np.ravel(v) - root * (X_offset @ np.ravel(v))

    def rmatvec(u):
        return X.T @ np.ravel(u) - X_offset * (root @ np.ravel(u))

    return scipy.sparse.linalg.LinearOperator(X.shape, matvec=matvec, rmatvec=rmatvec,
                                              dtype=X.dtype)


def centred_gram(X, X_offset, root):
    """X̃ᵀX̃ = XᵀX − x̄ cᵀ − c x̄ᵀ + (√s·√s) x̄x̄ᵀ, c = Xᵀ√s, as a dense (p, p) array from the
    √s-scaled sparse X."""
    gram = np.asarray((X.T @ X).toarray(), dtype=np.float64)
    column_sums = np.asarray(X.T @ root).ravel()
    gram -= np.outer(X_offset, column_sums) + np.outer(column_sums, X_offset)
    gram += (root @ root) * np.outer(X_offset, X_offset)
    return gram
