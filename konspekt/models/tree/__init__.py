"""``konspekt.models.tree``: decision trees (CART) and extremely randomised trees, with
scikit-learn's API and trees identical to scikit-learn's.

- ``classes``: ``DecisionTreeClassifier``, ``DecisionTreeRegressor``, ``ExtraTreeClassifier``,
  ``ExtraTreeRegressor`` — split by the information gain
  IG = (N_t/N_X)·[G(X) − (N_tR/N_t)·G(X_R) − (N_tL/N_t)·G(X_L)];
- ``criteria``: the impurities G (Gini, entropy, squared error, Poisson, absolute error);
- ``_splitter`` and ``builder``: the compiled split search and growth (depth first, or best
  first with ``max_leaf_nodes``);
- ``tree_structure``: the fitted ``tree_`` arrays, ``apply`` and ``decision_path``;
- ``pruning``: minimal cost-complexity pruning (``ccp_alpha``, the pruning path);
- ``export``: ``export_text``.
"""

from .classes import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                      ExtraTreeRegressor)
from .export import export_text

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "ExtraTreeClassifier",
           "ExtraTreeRegressor", "export_text"]
