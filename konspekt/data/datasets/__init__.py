"""``konspekt.data.datasets``: datasets shipped with konspekt and toy data made on demand.

Bundled (no download): ``load_digits``, ``load_iris``, ``load_wine``, ``load_breast_cancer``,
returning a ``Bunch`` (``.data``, ``.target``, ``.feature_names``, ``.target_names``, and
``.images`` for the digits) or ``(X, y)`` with ``return_X_y=True``. Generated: ``make_xor``,
``make_moons``, ``make_circles``, ``make_spirals``, ``make_blobs``, ``make_regression``,
returning ``(X, y)``. All take ``split=None | "train" | "test"`` (a fixed, seeded, stratified
split of ``test_size``) and ``as_tensor`` (konspekt tensors instead of NumPy arrays).

>>> from konspekt.data.datasets import load_digits
>>> from konspekt.utils.data import DataLoader, TensorDataset
>>> X, y = load_digits(return_X_y=True, split="train", as_tensor=True)
>>> loader = DataLoader(TensorDataset(X.reshape(-1, 1, 8, 8), y), batch_size=64, shuffle=True)
"""

from .base import Bunch
from .bundled import load_breast_cancer, load_digits, load_iris, load_wine
from .synthetic import (make_blobs, make_circles, make_moons, make_regression, make_spirals,
                        make_xor)

__all__ = ["Bunch", "load_digits", "load_iris", "load_wine", "load_breast_cancer", "make_xor",
           "make_moons", "make_circles", "make_spirals", "make_blobs", "make_regression"]
