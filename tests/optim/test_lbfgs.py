"""LBFGS against torch.optim.LBFGS (the same iterates to 1e-6 in float64 over 20 steps, the same
evaluation and iteration counts, with and without the strong-Wolfe search, several history
sizes), against scipy's minimum on Rosenbrock's function and a logistic regression, the
L-BFGS-B mode against scipy's L-BFGS-B on bounded problems, the state-dict round trip and
errors."""

import numpy as np
import pytest
import scipy.optimize
import torch

import konspekt as kp
from second_order_problems import (ROSEN_START, logistic_loss, logistic_objective,
                                   logistic_parameters, rosenbrock, scipy_logistic_minimum,
                                   scipy_rosenbrock_minimum, torch_style_closure)


def _trajectory(library, params, function, steps, **settings):
    """The weights after every step, and the optimiser's final state counts."""
    cls = kp.optim.LBFGS if library is kp else torch.optim.LBFGS
    opt = cls(params, **settings)
    closure = torch_style_closure(opt, function)
    path = []
    for _ in range(steps):
        opt.step(closure)
        path.append(np.concatenate([p.detach().numpy().reshape(-1) for p in params]))
    state = opt.state[params[0]]
    return np.array(path), (state["func_evals"], state["n_iter"])


def _assert_same_as_torch(make_params, function, steps=20, **settings):
    k_params, t_params = make_params(kp), make_params(torch)
    k_path, k_counts = _trajectory(kp, k_params, lambda: function(kp, k_params), steps,
                                   **settings)
    t_path, t_counts = _trajectory(torch, t_params, lambda: function(torch, t_params), steps,
                                   **settings)
    np.testing.assert_allclose(k_path, t_path, rtol=0, atol=1e-6)
    assert k_counts == t_counts


def _rosen_params(library):
    return [library.tensor(ROSEN_START.copy(), requires_grad=True)]


def _rosen(library, params):
    return rosenbrock(params[0])


def _logistic(library, params):
    return logistic_loss(library, *params)


@pytest.mark.parametrize("history_size", [1, 2, 5, 100])
@pytest.mark.parametrize("line_search_fn, lr, max_iter", [(None, 0.2, 3),
                                                          ("strong_wolfe", 1, 3),
                                                          ("strong_wolfe", 1, 20)])
def test_rosenbrock_trajectory_equals_torch(history_size, line_search_fn, lr, max_iter):
    _assert_same_as_torch(_rosen_params, _rosen, history_size=history_size, lr=lr,
                          max_iter=max_iter, line_search_fn=line_search_fn)


@pytest.mark.parametrize("history_size", [1, 3, 100])
@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_logistic_trajectory_equals_torch(history_size, line_search_fn):
    _assert_same_as_torch(logistic_parameters, _logistic, history_size=history_size,
                          max_iter=2, line_search_fn=line_search_fn)


def test_mlp_trajectory_equals_torch():
    """Several tensors of several shapes as one vector, with a strong-Wolfe search."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    shapes = [(3, 4), (4,), (4, 2), (2,)]
    init = [rng.normal(size=s) * 0.5 for s in shapes]

    def make(library):
        return [library.tensor(a.copy(), requires_grad=True) for a in init]

    def mse(library, p):
        hidden = (library.tensor(x) @ p[0] + p[1]).tanh()
        return ((hidden @ p[2] + p[3] - library.tensor(y)) ** 2).mean()

    _assert_same_as_torch(make, mse, steps=3, max_iter=4, history_size=3,
                          line_search_fn="strong_wolfe")


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_stops_at_once_at_a_minimum(line_search_fn):
    _assert_same_as_torch(lambda lib: [lib.tensor(np.ones(2), requires_grad=True)], _rosen,
                          steps=2, line_search_fn=line_search_fn)


def test_rosenbrock_reaches_scipys_minimum():
    w = kp.tensor(ROSEN_START.copy(), requires_grad=True)
    opt = kp.optim.LBFGS([w], line_search_fn="strong_wolfe", max_iter=100,
                         tolerance_change=1e-14)
    closure = torch_style_closure(opt, lambda: rosenbrock(w))
    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(w.detach().numpy(), scipy_rosenbrock_minimum(), atol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_logistic_regression_reaches_scipys_minimum(line_search_fn):
    w, b = logistic_parameters()
    opt = kp.optim.LBFGS([w, b], line_search_fn=line_search_fn, max_iter=100,
                         tolerance_grad=1e-10, tolerance_change=1e-14)
    closure = torch_style_closure(opt, lambda: logistic_loss(kp, w, b))
    for _ in range(2):
        opt.step(closure)
    found = np.concatenate([w.detach().numpy(), [b.item()]])
    np.testing.assert_allclose(found, scipy_logistic_minimum(), atol=1e-6)


# ---- L-BFGS-B -----------------------------------------------------------------------------

LOWER = np.array([-2.0, -2.0, 0.0, -1.0, 1.5])
UPPER = np.array([0.5, 2.0, 0.5, 2.0, 3.0])
START = np.array([-1.2, 1.0, 0.5, -0.3, 2.0])


def _scipy_bounded(function, jacobian, start, lower, upper):
    result = scipy.optimize.minimize(function, start, jac=jacobian, method="L-BFGS-B",
                                     bounds=list(zip(lower, upper)),
                                     options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 2000})
    return result.x


@pytest.mark.parametrize("history_size", [3, 10])
@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_bounded_rosenbrock_matches_scipy_lbfgsb(history_size, line_search_fn):
    expected = _scipy_bounded(scipy.optimize.rosen, scipy.optimize.rosen_der, START, LOWER,
                              UPPER)
    assert np.any(np.isclose(expected, LOWER) | np.isclose(expected, UPPER))  # a bound binds
    w = kp.tensor(START.copy(), requires_grad=True)
    opt = kp.optim.LBFGS([w], line_search_fn=line_search_fn, history_size=history_size,
                         bounds=[(LOWER, UPPER)], max_iter=200, max_eval=400,
                         tolerance_grad=1e-10, tolerance_change=1e-14)
    closure = torch_style_closure(opt, lambda: rosenbrock(w))
    for _ in range(2):
        opt.step(closure)
    found = w.detach().numpy()
    assert np.all(found >= LOWER) and np.all(found <= UPPER)
    np.testing.assert_allclose(found, expected, atol=1e-6)


def test_bounded_logistic_regression_matches_scipy_lbfgsb():
    """Non-negative weights (per element, one of them free), a bias ≤ 0 (per parameter), and an
    infeasible start that is projected first."""
    low_w = np.array([0.0, 0.0, 0.0, -np.inf])
    expected = _scipy_bounded(lambda t: logistic_objective(t)[0],
                              lambda t: logistic_objective(t)[1], np.full(5, 0.5),
                              np.append(low_w, -np.inf), np.append(np.full(4, np.inf), 0.0))
    w, b = logistic_parameters()
    with kp.no_grad():
        w.fill_(-1.0)
        b.fill_(1.0)
    opt = kp.optim.LBFGS([w, b], line_search_fn="strong_wolfe", max_iter=200,
                         tolerance_grad=1e-10, tolerance_change=1e-14,
                         bounds=[([0, 0, 0, None], None), (None, 0.0)])
    closure = torch_style_closure(opt, lambda: logistic_loss(kp, w, b))
    for _ in range(2):
        opt.step(closure)
    found = np.concatenate([w.detach().numpy(), [b.item()]])
    assert found[1] == 0.0 and found[4] == 0.0  # active bounds met exactly
    np.testing.assert_allclose(found, expected, atol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_bounded_quadratic_with_many_active_bounds_matches_scipy_lbfgsb(line_search_fn):
    """½ wᵀAw − bᵀw in 20 dimensions in the box [−0.5, 0.5]²⁰: most bounds bind."""
    rng = np.random.default_rng(1)
    Q = rng.normal(size=(20, 20))
    A, bvec = Q @ Q.T / 20 + 0.1 * np.eye(20), 3 * rng.normal(size=20)
    lower, upper = np.full(20, -0.5), np.full(20, 0.5)
    expected = _scipy_bounded(lambda v: 0.5 * v @ A @ v - bvec @ v, lambda v: A @ v - bvec,
                              np.zeros(20), lower, upper)
    active = np.isclose(np.abs(expected), 0.5)
    assert 5 < active.sum() < 20
    w = kp.tensor(np.zeros(20), requires_grad=True)
    opt = kp.optim.LBFGS([w], line_search_fn=line_search_fn, history_size=5, max_iter=300,
                         max_eval=600, bounds=[(-0.5, 0.5)], tolerance_grad=1e-10,
                         tolerance_change=1e-15)
    At, bt = kp.tensor(A), kp.tensor(bvec)
    opt.step(torch_style_closure(opt, lambda: 0.5 * (w @ At @ w) - bt @ w))
    found = w.detach().numpy()
    np.testing.assert_allclose(found, expected, atol=1e-6)
    np.testing.assert_array_equal(found[active], expected[active])


def test_bounded_stops_at_once_at_a_constrained_minimum():
    """At w = 1 with bounds [0, 1], ∇(w − 3)² = −4 pushes outward: the projected gradient is 0."""
    w = kp.tensor(np.array([1.0]), requires_grad=True)
    opt = kp.optim.LBFGS([w], bounds=[(0.0, 1.0)])
    loss = opt.step(torch_style_closure(opt, lambda: ((w - 3) ** 2).sum()))
    assert float(loss) == 4.0 and opt.state[w]["func_evals"] == 1 and w.item() == 1.0


def test_unbounded_entries_follow_the_unbounded_path_to_the_same_minimum():
    w, b = logistic_parameters()
    opt = kp.optim.LBFGS([w, b], line_search_fn="strong_wolfe", max_iter=100,
                         tolerance_grad=1e-10, tolerance_change=1e-14, bounds=[None, None])
    opt.step(torch_style_closure(opt, lambda: logistic_loss(kp, w, b)))
    found = np.concatenate([w.detach().numpy(), [b.item()]])
    np.testing.assert_allclose(found, scipy_logistic_minimum(), atol=1e-6)


# ---- state and errors ------------------------------------------------------------------

@pytest.mark.parametrize("bounds", [None, [(-1.0, 0.9)]])
def test_state_dict_round_trip_continues_the_same_path(bounds):
    def make():
        w = kp.tensor(ROSEN_START.copy(), requires_grad=True)
        return w, kp.optim.LBFGS([w], max_iter=3, history_size=4, bounds=bounds,
                                 line_search_fn="strong_wolfe")

    w, opt = make()
    closure = torch_style_closure(opt, lambda: rosenbrock(w))
    for _ in range(2):
        opt.step(closure)
    saved = opt.state_dict()
    assert set(saved["state"][0]) >= {"func_evals", "n_iter", "d", "t", "old_dirs",
                                      "old_stps", "ro", "H_diag", "prev_flat_grad"}
    w2, opt2 = make()
    with kp.no_grad():
        w2.copy_(w)
    opt2.load_state_dict(saved)
    closure2 = torch_style_closure(opt2, lambda: rosenbrock(w2))
    for _ in range(3):
        opt.step(closure)
        opt2.step(closure2)
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())


def test_errors():
    w = kp.tensor(ROSEN_START.copy(), requires_grad=True)
    v = kp.tensor(np.zeros(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="closure"):
        kp.optim.LBFGS([w]).step()
    with pytest.raises(ValueError, match="line_search_fn"):
        kp.optim.LBFGS([w], line_search_fn="armijo")
    with pytest.raises(ValueError, match="Invalid learning rate"):
        kp.optim.LBFGS([w], lr=-1)
    with pytest.raises(ValueError, match="parameter groups"):
        kp.optim.LBFGS([{"params": [w]}, {"params": [v]}])
    with pytest.raises(ValueError, match="one entry per parameter"):
        kp.optim.LBFGS([w, v], bounds=[(0, 1)])
    with pytest.raises(ValueError, match=r"bounds\[1\].*broadcast"):
        kp.optim.LBFGS([w, v], bounds=[None, (np.zeros(2), None)])
    with pytest.raises(ValueError, match=r"bounds\[0\]: a low bound is above"):
        kp.optim.LBFGS([w], bounds=[(1.0, 0.0)])
    with pytest.raises(ValueError, match=r"bounds\[0\] must be None or a pair"):
        kp.optim.LBFGS([w], bounds=[3.0])
