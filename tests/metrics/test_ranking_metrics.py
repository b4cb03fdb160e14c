"""ROC / PR curves, AUC and average precision against scikit-learn: continuous scores and
scores with many ties, weights, string labels, multiclass and multilabel averages."""

import numpy as np
import pytest
import sklearn.metrics as sk
from metric_oracle import assert_same_as_sklearn

import konspekt.metrics as kp

rng = np.random.RandomState(1)
N = 80
WEIGHTS = rng.rand(N)
SCORES = {"continuous": rng.randn(N), "ties": np.round(rng.rand(N), 1),
          "integers": rng.randint(0, 3, N)}
LABELS = {"01": rng.randint(0, 2, N), "-11": rng.choice([-1, 1], N),
          "strings": rng.choice(["cat", "dog"], N), "one class": np.ones(N, int)}


@pytest.mark.parametrize("labels", LABELS)
@pytest.mark.parametrize("scores", SCORES)
@pytest.mark.parametrize("weighted", [False, True])
def test_curves(labels, scores, weighted):
    y, s = LABELS[labels], SCORES[scores]
    weight = WEIGHTS if weighted else None
    pos_label = "dog" if labels == "strings" else None
    for drop in (True, False):
        assert_same_as_sklearn(
            lambda: kp.roc_curve(y, s, pos_label=pos_label, sample_weight=weight,
                                 drop_intermediate=drop),
            lambda: sk.roc_curve(y, s, pos_label=pos_label, sample_weight=weight,
                                 drop_intermediate=drop))
        assert_same_as_sklearn(
            lambda: kp.precision_recall_curve(y, s, pos_label=pos_label, sample_weight=weight,
                                              drop_intermediate=drop),
            lambda: sk.precision_recall_curve(y, s, pos_label=pos_label, sample_weight=weight,
                                              drop_intermediate=drop))
    assert_same_as_sklearn(lambda: kp.roc_auc_score(y, s, sample_weight=weight),
                           lambda: sk.roc_auc_score(y, s, sample_weight=weight))
    if labels != "strings":
        assert_same_as_sklearn(lambda: kp.average_precision_score(y, s, sample_weight=weight),
                               lambda: sk.average_precision_score(y, s, sample_weight=weight))
    else:
        assert_same_as_sklearn(
            lambda: kp.average_precision_score(y, s, pos_label="cat", sample_weight=weight),
            lambda: sk.average_precision_score(y, s, pos_label="cat", sample_weight=weight))


def test_strings_without_pos_label_are_refused_like_sklearn():
    y, s = LABELS["strings"], SCORES["continuous"]
    assert_same_as_sklearn(lambda: kp.roc_curve(y, s), lambda: sk.roc_curve(y, s))


@pytest.mark.parametrize("max_fpr", [0.1, 0.5, 1.0])
def test_partial_auc(max_fpr):
    y, s = LABELS["01"], SCORES["ties"]
    assert_same_as_sklearn(lambda: kp.roc_auc_score(y, s, max_fpr=max_fpr),
                           lambda: sk.roc_auc_score(y, s, max_fpr=max_fpr))


def test_auc_of_a_curve():
    x = np.sort(rng.rand(20))
    y = rng.rand(20)
    for args in ((x, y), (x[::-1], y), (np.r_[x, 0.1], np.r_[y, 0.5]), ([1.0], [2.0])):
        assert_same_as_sklearn(lambda: kp.auc(*args), lambda: sk.auc(*args))


@pytest.mark.parametrize("multi_class", ["ovr", "ovo"])
@pytest.mark.parametrize("average", ["macro", "weighted", "micro", None])
@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass_roc_auc(multi_class, average, weighted):
    y = rng.randint(0, 4, N)
    probabilities = rng.dirichlet(np.ones(4), N)
    weight = WEIGHTS if weighted else None
    assert_same_as_sklearn(
        lambda: kp.roc_auc_score(y, probabilities, multi_class=multi_class, average=average,
                                 sample_weight=weight),
        lambda: sk.roc_auc_score(y, probabilities, multi_class=multi_class, average=average,
                                 sample_weight=weight))
    letters = np.array(list("pqrs"))[y]
    assert_same_as_sklearn(
        lambda: kp.roc_auc_score(letters, probabilities, multi_class=multi_class,
                                 labels=list("pqrs"), average=average),
        lambda: sk.roc_auc_score(letters, probabilities, multi_class=multi_class,
                                 labels=list("pqrs"), average=average))


@pytest.mark.parametrize("average", ["macro", "weighted", "micro", "samples", None])
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_and_multiclass_averages(average, weighted):
    y = rng.randint(0, 2, (N, 3))
    y[0] = 1  # every sample-wise row must have both classes for "samples"
    y[:, 0] = np.arange(N) % 2
    scores = np.round(rng.rand(N, 3), 1)
    weight = WEIGHTS if weighted else None
    for name in ("roc_auc_score", "average_precision_score"):
        assert_same_as_sklearn(
            lambda: getattr(kp, name)(y, scores, average=average, sample_weight=weight),
            lambda: getattr(sk, name)(y, scores, average=average, sample_weight=weight))
    if average != "samples":
        classes = rng.randint(0, 3, N)
        assert_same_as_sklearn(
            lambda: kp.average_precision_score(classes, scores, average=average,
                                               sample_weight=weight),
            lambda: sk.average_precision_score(classes, scores, average=average,
                                               sample_weight=weight))


@pytest.mark.parametrize("args, kwargs", [
    (([0, 1, 2], [[0.2, 0.3, 0.5]] * 3), {}),
    (([0, 1, 2], [[0.2, 0.3, 0.6]] * 3), {"multi_class": "ovr"}),
    (([0, 1, 2], [[0.2, 0.8]] * 3), {"multi_class": "ovr"}),
    (([0, 1, 2], [[0.2, 0.3, 0.5]] * 3), {"multi_class": "ovo", "average": None}),
    (([0, 1, 2], [[0.2, 0.3, 0.5]] * 3), {"multi_class": "ovo", "sample_weight": [1, 1, 1]}),
    (([0, 1, 2], [[0.2, 0.3, 0.5]] * 3), {"multi_class": "ovr", "labels": [0, 2, 1]}),
    (([0, 1, 2], [[0.2, 0.3, 0.5]] * 3), {"multi_class": "ovr", "max_fpr": 0.5}),
    (([0, 0, 0], [0.2, 0.3, 0.5]), {}),
])
def test_roc_auc_errors_match_sklearn(args, kwargs):
    assert_same_as_sklearn(lambda: kp.roc_auc_score(*args, **kwargs),
                           lambda: sk.roc_auc_score(*args, **kwargs))


def test_average_precision_errors_match_sklearn():
    # (scikit-learn 1.9 fails with an AttributeError on a list y_score here: arrays are used.)
    for args, kwargs in ((([0, 1, 2], np.array([0.1, 0.2, 0.3])), {}),
                         (([0, 1, 2], [[0.2, 0.3, 0.5]] * 3), {"pos_label": 2}),
                         (([3, 4], [0.1, 0.2]), {})):
        assert_same_as_sklearn(lambda: kp.average_precision_score(*args, **kwargs),
                               lambda: sk.average_precision_score(*args, **kwargs))
