"""LabelEncoder against scikit-learn's."""

import numpy as np
import pytest
import sklearn.preprocessing as skp

from konspekt.preprocessing import LabelEncoder

LABELS = [["paris", "tokyo", "paris", "amsterdam"], [3, 1, 3, 7, 1], [2.5, -1.0, 2.5],
          np.array(["b", "a", "c"], dtype=object)]


@pytest.mark.parametrize("y", LABELS, ids=lambda y: type(y[0]).__name__)
def test_matches_sklearn(y):
    ours, theirs = LabelEncoder().fit(y), skp.LabelEncoder().fit(y)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.classes_.dtype == theirs.classes_.dtype
    codes = ours.transform(y)
    np.testing.assert_array_equal(codes, theirs.transform(y))
    np.testing.assert_array_equal(ours.fit_transform(y), theirs.fit_transform(y))
    np.testing.assert_array_equal(ours.inverse_transform(codes), np.asarray(y))


def test_unseen_labels_message():
    encoder = LabelEncoder().fit(["a", "b", "c"])
    for call in [lambda e: e.transform(["a", "x"]), lambda e: e.inverse_transform([0, 5])]:
        with pytest.raises(ValueError) as ours:
            call(encoder)
        with pytest.raises(ValueError) as theirs:
            call(skp.LabelEncoder().fit(["a", "b", "c"]))
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError) as ours:
        LabelEncoder().fit([1, 2]).transform([3, 4, 3])
    with pytest.raises(ValueError) as theirs:
        skp.LabelEncoder().fit([1, 2]).transform([3, 4, 3])
    assert str(ours.value) == str(theirs.value)
    assert str(ours.value).startswith("y contains previously unseen labels")


def test_empty_and_not_fitted():
    encoder = LabelEncoder().fit([1, 2])
    assert encoder.transform([]).shape == (0,)
    assert encoder.inverse_transform([]).shape == (0,)
    with pytest.raises(ValueError, match="This LabelEncoder instance is not fitted yet"):
        LabelEncoder().transform([1])
