"""Metrics with scikit-learn's names, arguments and results: classification (from labels and
from scores), regression, and the scorers used by model selection."""

from .classification import (accuracy_score, balanced_accuracy_score, classification_report,
                             confusion_matrix, f1_score, fbeta_score, log_loss,
                             multilabel_confusion_matrix, precision_recall_fscore_support,
                             precision_score, recall_score)
from .ranking import (auc, average_precision_score, precision_recall_curve, roc_auc_score,
                      roc_curve)
from .regression import (explained_variance_score, mean_absolute_error, mean_gamma_deviance,
                         mean_poisson_deviance, mean_squared_error, mean_tweedie_deviance,
                         r2_score, root_mean_squared_error)
from .scorer import check_scoring, get_scorer, get_scorer_names, make_scorer

__all__ = ["accuracy_score", "balanced_accuracy_score", "classification_report",
           "confusion_matrix", "f1_score", "fbeta_score", "log_loss",
           "multilabel_confusion_matrix", "precision_recall_fscore_support", "precision_score",
           "recall_score", "auc", "average_precision_score", "precision_recall_curve",
           "roc_auc_score", "roc_curve", "check_scoring", "get_scorer",
           "get_scorer_names", "make_scorer", "explained_variance_score", "mean_absolute_error",
           "mean_gamma_deviance", "mean_poisson_deviance", "mean_squared_error",
           "mean_tweedie_deviance", "r2_score", "root_mean_squared_error"]
