"""The SMO solver on its own: the KKT conditions at its solution, the optimum of a general QP
solver (scipy's SLSQP), the compiled and the interpreted paths, and the row cache."""

import numpy as np
import pytest
from scipy.optimize import minimize

from konspekt.models.svm.kernels import kernel_matrix
from konspekt.models.svm.smo import KERNEL_CODES, _compute_row, solve_smo


def problem(n=24, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=n) > 0, 1.0, -1.0)
    C = rng.uniform(0.5, 2.0, n)
    return X, y, C


def run(solver, X, y, C, kernel="rbf", cached=False, tol=1e-8, p=None, index=None):
    gamma, degree, coef0 = 0.5, 3.0, 1.0
    K = kernel_matrix(X, X, kernel, gamma, degree, coef0)
    index = np.arange(len(y)) if index is None else index
    p = -np.ones(len(y)) if p is None else p
    if cached:
        arguments = (np.empty((0, 0), np.float32), X, np.einsum("ij,ij->i", X, X),
                     KERNEL_CODES[kernel], gamma, coef0, degree, 3)
    else:
        arguments = (K.astype(np.float32), np.empty((len(X), 0)), np.empty(0), 0, gamma,
                     coef0, degree, 0)
    return solver(*arguments, index, y, p, C, np.zeros(len(y)), np.ascontiguousarray(np.diag(K)),
                  tol, 0, False), K


@pytest.mark.parametrize("kernel", ["linear", "rbf", "poly", "sigmoid"])
def test_kkt_conditions_hold_at_the_solution(kernel):
    X, y, C = problem()
    (alpha, rho, _, n_iter, stopped), K = run(solve_smo, X, y, C, kernel)
    assert not stopped and n_iter > 0
    assert np.all(alpha >= 0) and np.all(alpha <= C)
    assert abs(y @ alpha) < 1e-10
    # Gradient of ½αᵀQα − eᵀα; the violation m(α) − M(α) over I_up and I_low.
    Q = np.outer(y, y) * K.astype(np.float32)
    gradient = Q @ alpha - 1.0
    up = ((alpha < C) & (y > 0)) | ((alpha > 0) & (y < 0))
    low = ((alpha < C) & (y < 0)) | ((alpha > 0) & (y > 0))
    violation = np.max(-y[up] * gradient[up]) - np.min(-y[low] * gradient[low])
    assert violation < 1e-6
    # Free variables satisfy yᵢ f(xᵢ) = 1 with f = Σ yⱼαⱼK_ij − ρ.
    free = (alpha > 1e-8) & (alpha < C - 1e-8)
    margin = y * (K @ (y * alpha) - rho)
    np.testing.assert_allclose(margin[free], 1.0, atol=1e-4)


def test_same_optimum_as_a_general_qp_solver():
    X, y, C = problem(16, seed=3)
    (alpha, _, _, _, _), K = run(solve_smo, X, y, C, "rbf")
    Q = np.outer(y, y) * K

    def objective(a):
        return 0.5 * a @ Q @ a - a.sum()

    reference = minimize(objective, np.zeros(len(y)), jac=lambda a: Q @ a - 1.0,
                         bounds=list(zip(np.zeros(len(y)), C)), method="SLSQP",
                         constraints=[{"type": "eq", "fun": lambda a: y @ a,
                                       "jac": lambda a: y}],
                         options={"ftol": 1e-14, "maxiter": 1000})
    assert objective(alpha) <= reference.fun + 1e-6
    np.testing.assert_allclose(alpha, reference.x, atol=1e-3)


@pytest.mark.parametrize("cached", [False, True])
def test_interpreted_path_agrees_with_compiled(cached):
    X, y, C = problem(12, seed=1)
    compiled, _ = run(solve_smo, X, y, C, "rbf", cached=cached, tol=1e-3)
    interpreted, _ = run(solve_smo.py_func, X, y, C, "rbf", cached=cached, tol=1e-3)
    np.testing.assert_allclose(compiled[0], interpreted[0], atol=1e-12)
    assert compiled[1] == pytest.approx(interpreted[1])
    assert compiled[3] == interpreted[3]


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf", "sigmoid"])
def test_row_cache_matches_full_matrix(kernel):
    # Three cached rows out of 30: rows are evicted and recomputed during the solve.
    X, y, C = problem(30, seed=2)
    full, _ = run(solve_smo, X, y, C, kernel, tol=1e-3)
    cached, _ = run(solve_smo, X, y, C, kernel, cached=True, tol=1e-3)
    np.testing.assert_allclose(cached[0], full[0], atol=1e-9)
    assert cached[3] == full[3]


def test_regression_layout_two_variables_per_sample():
    # ε-SVR: 2l variables (α, α*), signs (+1, −1), both reading the kernel row of sample i.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(15, 2))
    z = X @ [1.0, -2.0] + 0.1 * rng.normal(size=15)
    epsilon = 0.1
    l = len(z)
    index = np.concatenate([np.arange(l), np.arange(l)])
    y = np.concatenate([np.ones(l), -np.ones(l)])
    p = np.concatenate([epsilon - z, epsilon + z])
    C = np.full(2 * l, 10.0)
    (alpha, rho, _, _, _), K = run(solve_smo, X, y, C, "linear", p=p, index=index)
    beta = alpha[:l] - alpha[l:]
    prediction = K @ beta - rho
    residual = np.abs(prediction - z)
    # Inside the tube the dual variables vanish; outside it, they sit at C.
    assert np.all(np.abs(beta[residual < epsilon - 1e-4]) < 1e-8)
    assert np.all(np.abs(np.abs(beta[residual > epsilon + 1e-4]) - 10.0) < 1e-8)


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf", "sigmoid"])
def test_row_computation_matches_kernel_matrix(kernel):
    X, _, _ = problem(10, seed=4)
    expected = kernel_matrix(X, X, kernel, 0.5, 3.0, 1.0)
    for compute in (_compute_row, _compute_row.py_func):
        row = np.empty(len(X))
        compute(X, np.einsum("ij,ij->i", X, X), 3, KERNEL_CODES[kernel], 0.5, 1.0, 3.0, row)
        np.testing.assert_allclose(row, expected[3], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cached", [False, True])
def test_nu_variant_interpreted_path_and_constraints(cached):
    # ν-SVC: p = 0, box [0, 1], a feasible start with eᵀα = ν l split evenly between classes.
    X, y, _ = problem(20, seed=5)
    C = np.ones(len(y))
    nu = 0.4
    start = np.zeros(len(y))
    for sign in (1.0, -1.0):
        members = np.flatnonzero(y == sign)
        start[members[:int(nu * len(y) / 2)]] = 1.0
    K = kernel_matrix(X, X, "rbf", 0.5, 3.0, 1.0)
    if cached:
        head = (np.empty((0, 0), np.float32), X, np.einsum("ij,ij->i", X, X),
                KERNEL_CODES["rbf"], 0.5, 1.0, 3.0, 2)
    else:
        head = (K.astype(np.float32), np.empty((len(X), 0)), np.empty(0), 0, 0.5, 1.0, 3.0, 0)
    arguments = head + (np.arange(len(y)), y, np.zeros(len(y)), C, start,
                        np.ascontiguousarray(np.diag(K)), 1e-6, 0, True)
    alpha, rho, r, _, _ = solve_smo(*arguments)
    alpha_py, rho_py, r_py, _, _ = solve_smo.py_func(*arguments)
    np.testing.assert_allclose(alpha, alpha_py, atol=1e-12)
    assert (rho, r) == pytest.approx((rho_py, r_py))
    # Both equality constraints hold: yᵀα = 0 and eᵀα = ν l; and r > 0 rescales to C-SVC.
    assert abs(y @ alpha) < 1e-10
    assert alpha.sum() == pytest.approx(nu * len(y))
    assert np.all((alpha >= 0) & (alpha <= 1)) and r > 0
