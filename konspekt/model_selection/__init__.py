"""Model selection with scikit-learn's API: train/test splits, cross-validators and the
cross-validation functions."""

from .split import (KFold, LeaveOneOut, ShuffleSplit, StratifiedKFold, StratifiedShuffleSplit,
                    check_cv, train_test_split)
from .validation import (cross_val_predict, cross_val_score, cross_validate, learning_curve,
                         validation_curve)

__all__ = ["KFold", "LeaveOneOut", "ShuffleSplit", "StratifiedKFold", "StratifiedShuffleSplit",
           "check_cv", "train_test_split", "cross_val_predict", "cross_val_score",
           "cross_validate", "learning_curve", "validation_curve"]
