"""The bundled datasets equal scikit-learn's loaders; the fixed splits are disjoint, complete,
stratified and reproducible; the outputs are arrays or tensors as asked."""

import numpy as np
import pytest
from sklearn import datasets as sk

import konspekt as kp
from konspekt.data import datasets
from konspekt.data.datasets.base import train_test_indices

LOADERS = ["load_digits", "load_iris", "load_wine", "load_breast_cancer"]


@pytest.mark.parametrize("name", LOADERS)
def test_bundled_data_equal_scikit_learn(name):
    ours, theirs = getattr(datasets, name)(), getattr(sk, name)()
    for key in ("data", "target"):
        assert ours[key].dtype == theirs[key].dtype
        np.testing.assert_array_equal(ours[key], theirs[key])
    assert list(ours.feature_names) == list(theirs.feature_names)
    assert list(ours.target_names) == list(theirs.target_names)
    assert ours.data is ours["data"]
    X, y = getattr(datasets, name)(return_X_y=True)
    np.testing.assert_array_equal(X, theirs.data)
    np.testing.assert_array_equal(y, theirs.target)


def test_digits_images_and_n_class_equal_scikit_learn():
    ours, theirs = datasets.load_digits(n_class=5), sk.load_digits(n_class=5)
    np.testing.assert_array_equal(ours.images, theirs.images)
    np.testing.assert_array_equal(ours.data, theirs.data)
    assert ours.data.shape == (901, 64)
    with pytest.raises(ValueError, match="n_class must be between 1 and 10"):
        datasets.load_digits(n_class=11)


@pytest.mark.parametrize("name", LOADERS)
@pytest.mark.parametrize("test_size", [0.25, 0.5, 30])
def test_split_disjoint_covering_and_stratified(name, test_size):
    load = getattr(datasets, name)
    X, y = load(return_X_y=True)
    X_train, y_train = load(return_X_y=True, split="train", test_size=test_size)
    X_test, y_test = load(return_X_y=True, split="test", test_size=test_size)
    n = len(y)
    expected_test = test_size if isinstance(test_size, int) else int(np.ceil(test_size * n))
    assert len(y_test) == expected_test and len(y_train) == n - expected_test
    # the rows of the two sides together are the whole set, each row once (as a multiset)
    together = np.concatenate([X_train, X_test])
    assert sorted(map(tuple, together)) == sorted(map(tuple, X))
    np.testing.assert_array_equal(np.sort(np.concatenate([y_train, y_test])), np.sort(y))
    # stratified: each class's share of the test set is its share of the data, to one sample
    for c, count in zip(*np.unique(y, return_counts=True)):
        assert abs((y_test == c).sum() - count * expected_test / n) < 1


@pytest.mark.parametrize("labels", [None, np.repeat([0, 1, 2], [50, 30, 7])])
def test_split_indices_are_a_partition(labels):
    rng = np.random.default_rng(0)
    train, test = train_test_indices(87, 0.3, rng, labels)
    assert len(np.intersect1d(train, test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(87))
    assert len(test) == 27 and np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    if labels is not None:
        np.testing.assert_array_equal(np.bincount(labels[test]), [16, 9, 2])


def test_split_reproducible_and_seeded():
    a = datasets.load_wine(split="test", random_state=1).data
    np.testing.assert_array_equal(a, datasets.load_wine(split="test", random_state=1).data)
    assert not np.array_equal(a, datasets.load_wine(split="test", random_state=2).data)
    np.testing.assert_array_equal(datasets.load_wine(split="test").data,
                                  datasets.load_wine(split="test", random_state=0).data)


def test_as_tensor_gives_default_float_features_and_int64_labels():
    bunch = datasets.load_digits(split="train", as_tensor=True)
    assert isinstance(bunch.data, kp.Tensor) and bunch.data.dtype == kp.get_default_dtype()
    assert bunch.target.dtype == kp.int64 and bunch.images.shape == (1347, 8, 8)
    np.testing.assert_array_equal(bunch.data.data, datasets.load_digits(split="train").data)


def test_bad_split_arguments():
    with pytest.raises(ValueError, match="split must be None, 'train' or 'test'"):
        datasets.load_iris(split="valid")
    with pytest.raises(ValueError, match="test_size=1.5 should be"):
        datasets.load_iris(split="test", test_size=1.5)
    with pytest.raises(ValueError, match="test_size=150 should be"):
        datasets.load_iris(split="test", test_size=150)


def test_loaded_arrays_are_copies():
    first = datasets.load_iris()
    first.data[0, 0] = -1.0
    assert datasets.load_iris().data[0, 0] == 5.1
