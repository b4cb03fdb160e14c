"""The B-spline basis, difference penalties and terms of konspekt.models.gam, against pygam's
basis where it has the same one and the defining properties otherwise."""

import numpy as np
import pytest
from pygam.utils import b_spline_basis

from konspekt.models.gam import TermList, f, intercept, l, s, te
from konspekt.models.gam.basis import bspline_basis, difference_penalty, row_kronecker


@pytest.mark.parametrize("n_splines, spline_order", [(20, 3), (10, 3), (6, 2), (5, 1), (4, 3)])
def test_bspline_basis_matches_pygam_inside_and_outside_the_range(n_splines, spline_order):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-2, 5, 100), [-2, 5, -3.5, 7.25]])
    expected = b_spline_basis(x, [-2, 5], n_splines, spline_order, sparse=False,
                              periodic=False)
    np.testing.assert_allclose(bspline_basis(x, [-2, 5], n_splines, spline_order), expected,
                               atol=1e-12)


def test_bspline_basis_is_a_partition_of_unity_and_reproduces_lines():
    x = np.linspace(0, 1, 57)
    B = bspline_basis(x, [0, 1], 12, 3)
    np.testing.assert_allclose(B.sum(axis=1), 1.0)
    # Cubic B-splines reproduce straight lines exactly (the knot averages are the
    # coefficients of x), beyond the range too, thanks to the linear extrapolation.
    coefficients = np.linalg.lstsq(B, 2 * x - 1, rcond=None)[0]
    outside = np.array([-0.5, 1.7])
    np.testing.assert_allclose(bspline_basis(outside, [0, 1], 12, 3) @ coefficients,
                               2 * outside - 1, atol=1e-10)


def test_bspline_basis_refuses_too_few_splines():
    with pytest.raises(ValueError, match="n_splines must be >= spline_order \\+ 1"):
        bspline_basis(np.zeros(3), [0, 1], n_splines=3, spline_order=3)


def test_difference_penalty_is_the_sum_of_squared_second_differences():
    theta = np.random.default_rng(1).normal(size=9)
    P = difference_penalty(9, order=2)
    second = theta[2:] - 2 * theta[1:-1] + theta[:-2]
    assert theta @ P @ theta == pytest.approx(np.sum(second ** 2))
    np.testing.assert_allclose(P @ np.ones(9), 0.0, atol=1e-12)
    np.testing.assert_allclose(P @ np.arange(9.0), 0.0, atol=1e-12)
    np.testing.assert_array_equal(difference_penalty(2, order=2), np.zeros((2, 2)))


def test_row_kronecker_matches_kron_row_by_row():
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(4, 3)), rng.normal(size=(4, 5))
    expected = np.stack([np.kron(A[i], B[i]) for i in range(4)])
    np.testing.assert_allclose(row_kronecker(A, B), expected)


def test_terms_add_up_to_a_term_list_with_pygam_like_repr():
    terms = s(0) + l(1, lam=2.0) + f(2) + te(0, 1, n_splines=[5, 6]) + intercept
    assert isinstance(terms, TermList)
    assert len(terms) == 5
    assert repr(terms) == "s(0) + l(1, lam=2.0) + f(2) + te(0, 1, n_splines=[5, 6]) + intercept"
    assert terms[3].n_coefs == 30
    assert terms[3].lam == (0.6, 0.6)


def test_tensor_penalties_act_along_one_margin_each():
    X = np.random.default_rng(3).uniform(size=(50, 2))
    term = te(0, 1, n_splines=[5, 4]).compile(X)
    along_first, along_second = term.penalty_matrices()
    # θ[k, m] = k (linear along the first margin): no penalty from either margin.
    linear_first = np.repeat(np.arange(5.0), 4)
    assert linear_first @ along_first @ linear_first == pytest.approx(0.0, abs=1e-10)
    # θ[k, m] = m² is curved along the second margin only.
    curved_second = np.tile(np.arange(4.0) ** 2, 5)
    assert curved_second @ along_first @ curved_second == pytest.approx(0.0, abs=1e-10)
    assert curved_second @ along_second @ curved_second > 1.0


def test_factor_term_is_one_hot_on_the_levels_seen_in_fit():
    X = np.array([[3.0], [7.0], [3.0], [11.0]])
    term = f(0).compile(X)
    np.testing.assert_array_equal(term.build_columns(X),
                                  [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]])
    assert f(0, coding="dummy").compile(X).build_columns(X).shape == (4, 2)
    with pytest.raises(ValueError, match="levels not seen in fit: \\[5.0\\]"):
        term.build_columns(np.array([[5.0]]))


@pytest.mark.parametrize("make, message", [
    (lambda: s(-1), "feature must be a non-negative int"),
    (lambda: s(0, n_splines=3), "n_splines must be >= spline_order \\+ 1"),
    (lambda: s(0, spline_order=1.5), "spline_order must be an int >= 0"),
    (lambda: s(0, lam=-1.0), "lam must be a non-negative float"),
    (lambda: s(0, penalties="wiggly"), "penalties must be one of"),
    (lambda: s(0, edge_knots=[2, 1]), "edge_knots must be 2 finite floats"),
    (lambda: l("a"), "feature must be a non-negative int"),
    (lambda: f(0, coding="effects"), "coding must be 'one-hot' or 'dummy'"),
    (lambda: te(0), "te needs at least 2 features"),
    (lambda: te(0, 1, lam=[1.0, 2.0, 3.0]), "lam must be one value or 2 values"),
])
def test_bad_term_arguments_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_only_terms_add_to_terms():
    with pytest.raises(TypeError, match="terms can only be added to terms"):
        s(0) + 3
