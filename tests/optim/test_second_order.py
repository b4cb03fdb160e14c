"""Newton and BFGS: the Hessian Newton builds equals scipy's and the analytic one, both methods
reach scipy's minimum on Rosenbrock's function and on an L2-regularised logistic regression,
Newton's damping at points where the Hessian is not positive definite, the BFGS update's secant
condition and skipping rule, the state-dict round trip and errors."""

import numpy as np
import pytest
import scipy.optimize

import konspekt as kp
from second_order_problems import (ROSEN_START, X, logistic_loss, logistic_parameters,
                                   rosenbrock, scipy_logistic_minimum, scipy_rosenbrock_minimum,
                                   torch_style_closure, LAM)


def _logistic_hessian(w, b):
    """(1/N) Σ p_i(1 − p_i) x̃_i x̃_iᵀ + λ diag(1, …, 1, 0), x̃ = (x, 1)."""
    Xt = np.hstack([X, np.ones((len(X), 1))])
    p = 1 / (1 + np.exp(-(X @ w + b)))
    H = (Xt * (p * (1 - p))[:, None]).T @ Xt / len(X)
    return H + LAM * np.diag([1.0] * X.shape[1] + [0.0])


# ---- Newton ---------------------------------------------------------------------------------

def test_newton_hessian_equals_scipys_and_the_analytic_one():
    w = kp.tensor(np.array([-1.2, 1.0, 0.3, 2.0]), requires_grad=True)
    loss, gradient, H = kp.optim.Newton([w]).hessian(lambda: rosenbrock(w))
    assert float(loss) == pytest.approx(scipy.optimize.rosen(w.detach().numpy()))
    np.testing.assert_allclose(gradient, scipy.optimize.rosen_der(w.detach().numpy()),
                               rtol=1e-12)
    np.testing.assert_allclose(H, scipy.optimize.rosen_hess(w.detach().numpy()), rtol=1e-12)
    w, b = logistic_parameters()
    with kp.no_grad():
        w.copy_(kp.tensor([0.5, -1.0, 0.2, 0.1]))
    _, _, H = kp.optim.Newton([w, b]).hessian(lambda: logistic_loss(kp, w, b))
    np.testing.assert_allclose(H, _logistic_hessian(w.detach().numpy(), 0.0), rtol=1e-10,
                               atol=1e-14)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_newton_reaches_scipys_minimum_on_rosenbrock(line_search_fn):
    w = kp.tensor(ROSEN_START.copy(), requires_grad=True)
    opt = kp.optim.Newton([w], line_search_fn=line_search_fn)
    for _ in range(25):
        opt.step(lambda: rosenbrock(w))
    np.testing.assert_allclose(w.detach().numpy(), scipy_rosenbrock_minimum(), atol=1e-6)


def test_newton_converges_quadratically_on_logistic_regression():
    w, b = logistic_parameters()
    opt = kp.optim.Newton([w, b])
    expected = scipy_logistic_minimum()
    errors = []
    for _ in range(7):
        opt.step(lambda: logistic_loss(kp, w, b))
        errors.append(np.abs(np.append(w.detach().numpy(), b.item()) - expected).max())
    assert errors[-1] < 1e-6
    # quadratic convergence: the error is roughly squared from one step to the next
    middle = [e for e in errors if 1e-9 < e < 1e-1]
    assert any(later < 10 * earlier ** 2 for earlier, later in zip(middle, middle[1:]))


def test_newton_damps_a_hessian_that_is_not_positive_definite():
    """f = x² − y² + y⁴/4 at (1, 0.1): H = diag(2, −2 + 3y²) is indefinite, the pure Newton step
    would climb towards the saddle y = 0; the damped step goes down."""
    w = kp.tensor(np.array([1.0, 0.1]), requires_grad=True)

    def f():
        return w[0] ** 2 - w[1] ** 2 + w[1] ** 4 / 4

    opt = kp.optim.Newton([w])
    before = float(f())
    opt.step(f)
    assert opt.state[w]["damping"] > 1.97  # λ > −λ_min(H) = 1.97
    assert float(f()) < before
    assert abs(w[1].item()) > 0.1  # away from the saddle
    for _ in range(30):
        opt.step(f)
    np.testing.assert_allclose(np.abs(w.detach().numpy()), [0.0, np.sqrt(2.0)], atol=1e-6)
    assert opt.state[w]["damping"] == 0.0  # positive definite at the minimum: no damping


def test_newton_damping_argument_is_added_to_the_diagonal():
    """With λ fixed, one step on a quadratic ½ wᵀAw − bᵀw is −(A + λI)⁻¹(Aw − b)."""
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    bvec = np.array([1.0, -1.0])
    w = kp.tensor(np.array([0.5, 0.5]), requires_grad=True)
    opt = kp.optim.Newton([w], damping=0.5, lr=0.8)
    start = w.detach().numpy().copy()
    opt.step(lambda: 0.5 * (w @ kp.tensor(A) @ w) - kp.tensor(bvec) @ w)
    expected = start - 0.8 * np.linalg.solve(A + 0.5 * np.eye(2), A @ start - bvec)
    np.testing.assert_allclose(w.detach().numpy(), expected, rtol=1e-12)


def test_newton_limits_and_errors():
    big = kp.tensor(np.zeros(6), requires_grad=True)
    with pytest.raises(ValueError, match="max_params=5"):
        kp.optim.Newton([big], max_params=5)
    with pytest.raises(RuntimeError, match="closure"):
        kp.optim.Newton([big]).step()
    with pytest.raises(ValueError, match="damping"):
        kp.optim.Newton([big], damping=-1.0)
    with pytest.raises(ValueError, match="parameter groups"):
        kp.optim.Newton([{"params": [big]}, {"params": [kp.zeros(2, requires_grad=True)]}])


def test_newton_state_dict_round_trip():
    w = kp.tensor(ROSEN_START.copy(), requires_grad=True)
    opt = kp.optim.Newton([w], damping=0.1)
    opt.step(lambda: rosenbrock(w))
    w2 = kp.tensor(w.detach().numpy().copy(), requires_grad=True)
    opt2 = kp.optim.Newton([w2])
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["damping"] == 0.1 and opt2.state[w2]["step"] == 1
    opt.step(lambda: rosenbrock(w))
    opt2.step(lambda: rosenbrock(w2))
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())


# ---- BFGS -----------------------------------------------------------------------------------

@pytest.mark.parametrize("line_search_fn, lr", [("strong_wolfe", 1.0), (None, 0.1)])
def test_bfgs_reaches_scipys_minimum_on_rosenbrock(line_search_fn, lr):
    w = kp.tensor(np.resize(ROSEN_START, 4), requires_grad=True)
    opt = kp.optim.BFGS([w], lr=lr, line_search_fn=line_search_fn, max_iter=400, max_eval=800,
                        tolerance_grad=1e-10, tolerance_change=1e-15)
    closure = torch_style_closure(opt, lambda: rosenbrock(w))
    for _ in range(2):
        opt.step(closure)
    np.testing.assert_allclose(w.detach().numpy(), scipy_rosenbrock_minimum(4), atol=1e-6)


def test_bfgs_reaches_scipys_minimum_on_logistic_regression():
    w, b = logistic_parameters()
    opt = kp.optim.BFGS([w, b], max_iter=100, tolerance_grad=1e-10, tolerance_change=1e-15)
    opt.step(torch_style_closure(opt, lambda: logistic_loss(kp, w, b)))
    found = np.append(w.detach().numpy(), b.item())
    np.testing.assert_allclose(found, scipy_logistic_minimum(), atol=1e-6)
    # near the minimum C approximates the inverse Hessian
    C = opt.state[w]["inverse_hessian"]
    H = _logistic_hessian(found[:-1], found[-1])
    np.testing.assert_allclose(C @ H, np.eye(5), atol=0.1)


def test_bfgs_update_satisfies_the_secant_condition_and_skips_bad_pairs():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    state = {"inverse_hessian": A @ A.T + np.eye(4), "updated": True}
    s, y = rng.normal(size=4), rng.normal(size=4)
    if y @ s < 0:
        y = -y
    kp.optim.BFGS._update(state, s, y)
    C = state["inverse_hessian"]
    np.testing.assert_allclose(C @ y, s, rtol=1e-10)
    np.testing.assert_allclose(C, C.T, rtol=1e-12)
    assert np.all(np.linalg.eigvalsh(C) > 0)
    before = C.copy()
    kp.optim.BFGS._update(state, s, -y)  # yᵀs < 0: skipped
    np.testing.assert_array_equal(state["inverse_hessian"], before)
    # the first update rescales C = I to (yᵀs / yᵀy) I before updating
    state = {"inverse_hessian": np.eye(4), "updated": False}
    kp.optim.BFGS._update(state, s, y)
    gamma = (y @ s) / (y @ y)
    rho = 1 / (y @ s)
    V = np.eye(4) - rho * np.outer(y, s)
    np.testing.assert_allclose(state["inverse_hessian"],
                               V.T @ (gamma * np.eye(4)) @ V + rho * np.outer(s, s),
                               rtol=1e-12)


def test_bfgs_state_dict_round_trip_and_warning():
    w = kp.tensor(np.resize(ROSEN_START, 4), requires_grad=True)
    opt = kp.optim.BFGS([w], max_iter=5)
    closure = torch_style_closure(opt, lambda: rosenbrock(w))
    opt.step(closure)
    w2 = kp.tensor(w.detach().numpy().copy(), requires_grad=True)
    opt2 = kp.optim.BFGS([w2], max_iter=5)
    opt2.load_state_dict(opt.state_dict())
    opt.step(closure)
    opt2.step(torch_style_closure(opt2, lambda: rosenbrock(w2)))
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())
    with pytest.warns(UserWarning, match="max_params=3"):
        kp.optim.BFGS([w], max_params=3)
    with pytest.raises(RuntimeError, match="closure"):
        opt.step()
