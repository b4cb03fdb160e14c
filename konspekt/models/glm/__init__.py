"""``konspekt.models.glm``: generalised linear models.

``GLM`` fits any family/link pair by IRLS and reports statsmodels' inference (standard errors,
z-tests, deviance, AIC, ``summary()``); ``PoissonRegressor``, ``GammaRegressor`` and
``TweedieRegressor`` are scikit-learn's penalised GLM regressors. ``families`` and ``links``
hold the distributions (variance, deviance, log-likelihood) and the link functions.
"""

from . import families, links
from .glm import GLM, GLMSummary
from .regressors import GammaRegressor, PoissonRegressor, TweedieRegressor

__all__ = [
           "GLM",
           "GLMSummary",
           "GammaRegressor",
           "PoissonRegressor",
           "TweedieRegressor",
           "families",
           "links",
]
