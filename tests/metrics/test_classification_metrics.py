"""Classification metrics against scikit-learn on random data of several kinds: binary (ints,
strings), multiclass, multilabel, with sample weights, label subsets and ill-defined cases."""

import numpy as np
import pytest
import sklearn.metrics as sk
from metric_oracle import assert_same_as_sklearn

import konspekt.metrics as kp

rng = np.random.RandomState(0)
N = 60
WEIGHTS = rng.rand(N) * 3
DATA = {
    "binary": (rng.randint(0, 2, N), rng.randint(0, 2, N)),
    "binary strings": (rng.choice(["no", "yes"], N), rng.choice(["no", "yes"], N)),
    "multiclass": (rng.randint(0, 4, N), rng.randint(0, 4, N)),
    "multiclass strings": (rng.choice(list("abc"), N), rng.choice(list("abcd"), N)),
    "multilabel": (rng.randint(0, 2, (N, 3)), rng.randint(0, 2, (N, 3))),
    "never predicted": (rng.randint(0, 3, N), rng.randint(0, 2, N)),
}
BINARY_LIKE = ("binary", "binary strings")
POS_LABEL = {"binary": 1, "binary strings": "yes"}


def labels_for(kind):
    return {"multiclass": [[1, 2], [0, 1, 2, 3, 7]], "multiclass strings": [["c", "a"]],
            "multilabel": [[0, 2]], "binary": [[0]], "never predicted": [[2, 0]]}.get(kind, [])


def cases():
    for kind in DATA:
        for weighted in (False, True):
            for average in ("binary", "micro", "macro", "weighted", "samples", None):
                if average == "binary" and kind not in BINARY_LIKE:
                    continue
                if average == "samples" and kind != "multilabel":
                    continue
                for labels in [None] + labels_for(kind):
                    yield kind, weighted, average, labels


PRF_CASES = list(cases())


@pytest.mark.parametrize("kind, weighted, average, labels", PRF_CASES)
def test_precision_recall_fscore_support(kind, weighted, average, labels):
    y_true, y_pred = DATA[kind]
    kwargs = dict(average=average, labels=labels,
                  sample_weight=WEIGHTS if weighted else None)
    if average == "binary":
        kwargs["pos_label"] = POS_LABEL[kind]
    for name, extra in (("precision_recall_fscore_support", {"beta": 0.5}),
                        ("precision_score", {}), ("recall_score", {}), ("f1_score", {}),
                        ("fbeta_score", {"beta": 2.0})):
        assert_same_as_sklearn(lambda: getattr(kp, name)(y_true, y_pred, **kwargs, **extra),
                               lambda: getattr(sk, name)(y_true, y_pred, **kwargs, **extra))


@pytest.mark.parametrize("zero_division", ["warn", 0.0, 1.0, np.nan])
@pytest.mark.parametrize("average", ["macro", "weighted", "micro", None, "binary"])
def test_zero_division(zero_division, average):
    y_true, y_pred = np.array([0, 0, 2, 2]), np.array([0, 0, 0, 0])
    if average == "binary":
        y_true, y_pred = np.array([0, 0, 1, 0]), np.zeros(4, int)
    for name in ("precision_score", "recall_score", "f1_score"):
        assert_same_as_sklearn(
            lambda: getattr(kp, name)(y_true, y_pred, average=average,
                                      zero_division=zero_division),
            lambda: getattr(sk, name)(y_true, y_pred, average=average,
                                      zero_division=zero_division))


@pytest.mark.parametrize("kind", DATA)
@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_and_balanced_accuracy(kind, weighted):
    y_true, y_pred = DATA[kind]
    weight = WEIGHTS if weighted else None
    for normalize in (True, False):
        assert_same_as_sklearn(
            lambda: kp.accuracy_score(y_true, y_pred, normalize=normalize,
                                      sample_weight=weight),
            lambda: sk.accuracy_score(y_true, y_pred, normalize=normalize,
                                      sample_weight=weight))
    for adjusted in (False, True):
        assert_same_as_sklearn(
            lambda: kp.balanced_accuracy_score(y_true, y_pred, sample_weight=weight,
                                               adjusted=adjusted),
            lambda: sk.balanced_accuracy_score(y_true, y_pred, sample_weight=weight,
                                               adjusted=adjusted))


@pytest.mark.parametrize("kind", DATA)
@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix(kind, normalize):
    y_true, y_pred = DATA[kind]
    for weight in (None, WEIGHTS, np.arange(N)):
        for labels in [None] + labels_for(kind):
            assert_same_as_sklearn(
                lambda: kp.confusion_matrix(y_true, y_pred, labels=labels,
                                            sample_weight=weight, normalize=normalize),
                lambda: sk.confusion_matrix(y_true, y_pred, labels=labels,
                                            sample_weight=weight, normalize=normalize))


@pytest.mark.parametrize("kind", DATA)
def test_multilabel_confusion_matrix(kind):
    y_true, y_pred = DATA[kind]
    for weight in (None, WEIGHTS):
        for labels in [None] + labels_for(kind):
            assert_same_as_sklearn(
                lambda: kp.multilabel_confusion_matrix(y_true, y_pred, sample_weight=weight,
                                                       labels=labels),
                lambda: sk.multilabel_confusion_matrix(y_true, y_pred, sample_weight=weight,
                                                       labels=labels))


@pytest.mark.parametrize("kind", DATA)
@pytest.mark.parametrize("output_dict", [False, True])
def test_classification_report(kind, output_dict):
    y_true, y_pred = DATA[kind]
    for weight, digits in ((None, 2), (WEIGHTS, 4)):
        for labels in [None] + labels_for(kind):
            names = None if labels is None else [f"class {label}" for label in labels]
            assert_same_as_sklearn(
                lambda: kp.classification_report(y_true, y_pred, labels=labels,
                                                 target_names=names, sample_weight=weight,
                                                 digits=digits, output_dict=output_dict),
                lambda: sk.classification_report(y_true, y_pred, labels=labels,
                                                 target_names=names, sample_weight=weight,
                                                 digits=digits, output_dict=output_dict))


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_log_loss(n_classes):
    probabilities = rng.dirichlet(np.ones(n_classes), N)
    y_true = rng.randint(0, n_classes, N)
    labels = np.array(list("vwxyz"[:n_classes]))
    for y, extra in ((y_true, {}), (labels[y_true], {}),
                     (y_true[y_true > 0], {"labels": np.arange(n_classes)})):
        proba = probabilities[:len(y)] if "labels" not in extra \
            else probabilities[y_true > 0]
        for normalize in (True, False):
            for weight in (None, WEIGHTS[:len(y)]):
                assert_same_as_sklearn(
                    lambda: kp.log_loss(y, proba, normalize=normalize, sample_weight=weight,
                                        **extra),
                    lambda: sk.log_loss(y, proba, normalize=normalize, sample_weight=weight,
                                        **extra))
    if n_classes == 2:
        assert_same_as_sklearn(lambda: kp.log_loss(y_true, probabilities[:, 1]),
                               lambda: sk.log_loss(y_true, probabilities[:, 1]))


@pytest.mark.parametrize("name, args, kwargs", [
    ("accuracy_score", ([0, 1], [0.5, 1.5]), {}),
    ("accuracy_score", ([0, 1, 2], [[0, 1], [1, 0], [1, 1]]), {}),
    ("accuracy_score", ([0, 1, 2], [0, 1]), {}),
    ("f1_score", ([0, 1, 2], [0, 1, 1]), {}),
    ("f1_score", ([0, 1], [0, 1]), {"pos_label": 2}),
    ("f1_score", ([0, 1], [0, 1]), {"average": "bogus"}),
    ("precision_score", ([0, 1, 2], [0, 1, 1]), {"average": "samples"}),
    ("recall_score", ([0, 1], [0, 1]), {"average": "macro", "pos_label": 0}),
    ("confusion_matrix", ([0, 1], [0, 1]), {"labels": []}),
    ("confusion_matrix", ([0, 1], [0, 1]), {"labels": [5]}),
    ("confusion_matrix", ([1, 1], [1, 1]), {}),
    ("log_loss", ([1, 1, 1], [0.5, 0.2, 0.9]), {}),
    ("log_loss", ([0, 1, 2], [[0.5, 0.5], [0.2, 0.8], [0.9, 0.1]]), {}),
    ("log_loss", ([0, 1], [[0.5, 0.6], [0.2, 0.8]]), {}),
    ("log_loss", ([0, 1], [[1.5, -0.5], [0.2, 0.8]]), {}),
    ("balanced_accuracy_score", ([0, 0, 1], [0, 2, 1]), {}),
    ("classification_report", ([0, 1, 2], [0, 1, 1]), {"target_names": ["a", "b"]}),
])
def test_errors_and_warnings_match_sklearn(name, args, kwargs):
    assert_same_as_sklearn(lambda: getattr(kp, name)(*args, **kwargs),
                           lambda: getattr(sk, name)(*args, **kwargs))
