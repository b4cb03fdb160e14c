"""Small classic datasets shipped with konspekt (``konspekt/data/files/*.npz``), loaded without a
download: handwritten digits, iris, wine and breast cancer (sources and licences in
``files/README.md``).

Every loader has the same keywords:

* ``return_X_y`` — return ``(data, target)`` instead of a ``Bunch``;
* ``split`` — None for all rows, or ``"train"`` / ``"test"`` for one side of a fixed split,
  stratified by class, of ``test_size`` (a fraction, or a count) drawn with ``random_state``
  (0 by default): two calls with the same arguments give the same rows, and the train and test
  rows of one seed are disjoint and together make the whole dataset. Rows keep the file's order;
* ``as_tensor`` — konspekt tensors (features in the default float dtype, labels int64) instead
  of NumPy arrays (float64 features, int64 labels: the values scikit-learn's loaders give).
"""

import functools
from importlib import resources

import numpy as np

from .base import Bunch, check_random_state, convert, select

__all__ = ["load_digits", "load_iris", "load_wine", "load_breast_cancer"]

_DESCRIPTIONS = {
    "digits": "Optical recognition of handwritten digits (UCI): 1,797 images of 8×8 pixels, each "
              "pixel the count (0–16) of set pixels in a 4×4 block of a 32×32 bitmap; 10 classes.",
    "iris": "Fisher's iris data (1936): 150 flowers, 4 measurements in cm; 3 species of 50.",
    "wine": "Wine recognition data (UCI; Forina et al.): 178 wines from three cultivars of one "
            "region of Italy, 13 results of chemical analysis.",
    "breast_cancer": "Breast cancer Wisconsin, diagnostic (UCI; Street, Wolberg & Mangasarian "
                     "1993): 569 tumours, 30 features of cell nuclei computed from images of a "
                     "fine needle aspirate; malignant (0) or benign (1).",
}


@functools.cache
def _read(name):
    """The arrays of ``files/<name>.npz``, read once and kept read-only."""
    path = resources.files("konspekt.data").joinpath("files", f"{name}.npz")
    with resources.as_file(path) as file, np.load(file, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    for array in arrays.values():
        array.setflags(write=False)
    return arrays


def _load(name, data, target, feature_names, target_names, return_X_y, split, test_size,
          random_state, as_tensor, images=None):
    rows = select(split, test_size, check_random_state(random_state), len(target), target)
    X = convert(data[rows], as_tensor)
    y = convert(target[rows], as_tensor, integer=True)
    if return_X_y:
        return X, y
    bunch = Bunch(data=X, target=y, feature_names=[str(name) for name in feature_names],
                  target_names=np.asarray(target_names), DESCR=_DESCRIPTIONS[name])
    if images is not None:
        bunch.images = convert(images[rows], as_tensor)
    return bunch


def load_digits(*, n_class=10, return_X_y=False, split=None, test_size=0.25, random_state=0,
                as_tensor=False):
    """The 8×8 handwritten digits: 1,797 images, 10 classes (about 180 each).

    Parameters
    ----------
    n_class : int, default 10
        Keep the digits 0 … n_class − 1.
    return_X_y : bool, default False
    split : {None, "train", "test"}, default None
    test_size : float or int, default 0.25
    random_state : int, Generator or None, default 0
        Seed of the split.
    as_tensor : bool, default False

    Returns
    -------
    Bunch
        ``data`` (n, 64) with values 0 … 16, ``target`` (n,), ``images`` (n, 8, 8),
        ``feature_names`` ("pixel_<row>_<column>"), ``target_names`` (0 … 9), ``DESCR``.
    (data, target) : tuple
        When ``return_X_y``.

    Examples
    --------
    >>> X, y = load_digits(return_X_y=True, split="train", as_tensor=True)
    >>> X.shape, X.dtype, y.dtype
    ((1347, 64), konspekt.float32, konspekt.int64)
    """
    if not 1 <= n_class <= 10:
        raise ValueError(f"n_class must be between 1 and 10, got {n_class}")
    arrays = _read("digits")
    keep = arrays["target"] < n_class
    data, target = arrays["data"][keep], arrays["target"][keep]
    names = [f"pixel_{row}_{column}" for row in range(8) for column in range(8)]
    return _load("digits", data, target, names, np.arange(10), return_X_y, split, test_size,
                 random_state, as_tensor, images=data.reshape(-1, 8, 8))


def _loader(name, title, shape, classes):
    def load(*, return_X_y=False, split=None, test_size=0.25, random_state=0, as_tensor=False):
        arrays = _read(name)
        return _load(name, arrays["data"], arrays["target"], arrays["feature_names"],
                     arrays["target_names"], return_X_y, split, test_size, random_state,
                     as_tensor)
    load.__name__ = load.__qualname__ = f"load_{name}"
    load.__doc__ = f"""The {title} dataset: {shape[0]} samples, {shape[1]} features, {classes}.

    Parameters
    ----------
    return_X_y : bool, default False
    split : {{None, "train", "test"}}, default None
    test_size : float or int, default 0.25
    random_state : int, Generator or None, default 0
        Seed of the split.
    as_tensor : bool, default False

    Returns
    -------
    Bunch
        ``data`` {shape}, ``target``, ``feature_names``, ``target_names``, ``DESCR``.
    (data, target) : tuple
        When ``return_X_y``.

    Examples
    --------
    >>> X_train, y_train = load_{name}(return_X_y=True, split="train")
    >>> X_test, y_test = load_{name}(return_X_y=True, split="test")
    """
    return load


load_iris = _loader("iris", "iris", (150, 4), "3 species")
load_wine = _loader("wine", "wine", (178, 13), "3 cultivars")
load_breast_cancer = _loader("breast_cancer", "breast cancer Wisconsin (diagnostic)", (569, 30),
                             "malignant (0) or benign (1)")
