"""The kernels of the SVMs and the checks of their hyperparameters.

    linear      K(x, x') = ⟨x, x'⟩
    poly        K(x, x') = (γ⟨x, x'⟩ + r)^d
    rbf         K(x, x') = exp(−γ‖x − x'‖²)
    sigmoid     K(x, x') = tanh(γ⟨x, x'⟩ + r)
    precomputed X is the Gram matrix itself (n_samples × n_training_samples)
    a callable  K = kernel(X, X'), returning the Gram matrix

γ = ``gamma``: a number, ``'scale'`` (1 / (n_features · Var X), Var over every entry of X) or
``'auto'`` (1 / n_features); d = ``degree``; r = ``coef0``.
"""

import numbers

import numpy as np

__all__ = [
    "KERNEL_NAMES",
    "check_choice",
    "check_kernel_parameters",
    "check_number",
    "kernel_matrix", "kernel_diagonal",
    "resolve_gamma",
]

KERNEL_NAMES = ("linear", "poly", "precomputed", "rbf", "sigmoid")


def check_number(value, name, owner, kind, low=None, high=None, closed="neither"):
    """Raise scikit-learn's ``ValueError`` when ``value`` is not a number of ``kind`` ("float"
    or "int") in the interval from ``low`` to ``high`` (``closed``: "left", "right", "both",
    "neither"), e.g. "The 'C' parameter of SVC must be a float in the range (0.0, inf). Got -1
    instead."."""
    types = (numbers.Integral,) if kind == "int" else (numbers.Real,)
    ok = isinstance(value, types) and not isinstance(value, bool)
    if ok and low is not None:
        ok = value >= low if closed in ("left", "both") else value > low
    if ok and high is not None:
        ok = value <= high if closed in ("right", "both") else value < high
    if not ok:
        left = "[" if closed in ("left", "both") else "("
        right = "]" if closed in ("right", "both") else ")"
        low_text = "-inf" if low is None else (float(low) if kind == "float" else low)
        high_text = "inf" if high is None else (float(high) if kind == "float" else high)
        article = "a float" if kind == "float" else "an int"
        raise ValueError(f"The {name!r} parameter of {owner} must be {article} "
                         f"in the range {left}{low_text}, {high_text}{right}. Got {value!r} "
                         "instead.")


def check_choice(value, name, owner, choices):
    """Raise ``ValueError`` when ``value`` is not one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"The {name!r} parameter of {owner} must be a str among "
                         f"{{{', '.join(repr(c) for c in sorted(choices))}}}. Got {value!r} "
                         "instead.")


def check_kernel_parameters(estimator):
    """Check ``kernel``, ``gamma``, ``degree`` and ``coef0`` of a kernel SVM."""
    owner = type(estimator).__name__
    kernel = estimator.kernel
    if not callable(kernel) and (not isinstance(kernel, str) or kernel not in KERNEL_NAMES):
        raise ValueError(f"The 'kernel' parameter of {owner} must be a str among "
                         f"{{{', '.join(repr(k) for k in KERNEL_NAMES)}}} or a callable. "
                         f"Got {kernel!r} instead.")
    gamma = estimator.gamma
    if isinstance(gamma, str) and gamma not in ("auto", "scale") or not isinstance(
            gamma, (str, numbers.Real)) or isinstance(gamma, bool) or (
            isinstance(gamma, numbers.Real) and not gamma >= 0):
        raise ValueError(f"The 'gamma' parameter of {owner} must be a str among "
                         f"{{'auto', 'scale'}} or a float in the range [0.0, inf). Got "
                         f"{gamma!r} instead.")
    check_number(estimator.degree, "degree", owner, "int", 0, None, "left")
    check_number(estimator.coef0, "coef0", owner, "float")


def resolve_gamma(gamma, X):
    """γ as a number: 'scale' → 1 / (n_features · Var X) (1 when X is constant), 'auto' →
    1 / n_features."""
    if gamma == "scale":
        variance = X.var()
        return 1.0 / (X.shape[1] * variance) if variance != 0 else 1.0
    if gamma == "auto":
        return 1.0 / X.shape[1]
    return float(gamma)


def kernel_matrix(X, Y, kernel, gamma, degree, coef0):
    """The Gram matrix K_ij = K(x_i, y_j) of a named kernel (float64, n_X × n_Y).

    Examples
    --------
    >>> import numpy as np
    >>> kernel_matrix(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]), "rbf", 0.5, 3, 0.0)
    array([[0.60653066]])
    """
    if kernel == "rbf":
        # ‖x − y‖² = ‖x‖² + ‖y‖² − 2⟨x, y⟩, clipped at 0 against rounding.
        squared = (np.einsum("ij,ij->i", X, X)[:, None] + np.einsum("ij,ij->i", Y, Y)[None, :]
                   - 2.0 * (X @ Y.T))
        np.maximum(squared, 0.0, out=squared)
        squared *= -gamma
        return np.exp(squared, out=squared)
    product = X @ Y.T
    if kernel == "linear":
        return product
    if kernel == "poly":
        product *= gamma
        product += coef0
        return product ** degree
    # sigmoid
    product *= gamma
    product += coef0
    return np.tanh(product, out=product)


def kernel_diagonal(squared_norms, kernel, gamma, degree, coef0):
    """K(x_i, x_i) of a named kernel from the squared norms ‖x_i‖² (float64)."""
    if kernel == "rbf":
        return np.ones_like(squared_norms)
    if kernel == "linear":
        return squared_norms.copy()
    if kernel == "poly":
        return (gamma * squared_norms + coef0) ** degree
    return np.tanh(gamma * squared_norms + coef0)
