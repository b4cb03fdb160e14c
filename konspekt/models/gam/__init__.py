"""``konspekt.models.gam``: generalised additive models.

η = θ₀ + Σⱼ fⱼ(x⁽ʲ⁾) with smooth (``s``: penalised B-splines), linear (``l``), factor (``f``)
and tensor-product (``te``) terms, any family and link of ``konspekt.models.glm``, fitted by
penalised IRLS with λ chosen by GCV or UBRE, and partial dependence with confidence
intervals: pygam's API (``GAM``, ``LinearGAM``, ``LogisticGAM``, ``PoissonGAM``,
``GammaGAM``) as scikit-learn estimators.
"""

from .models import GAM, GammaGAM, LinearGAM, LogisticGAM, PoissonGAM
from .summary import GAMSummary
from .terms import (
                    FactorTerm,
                    Intercept,
                    LinearTerm,
                    SplineTerm,
                    TensorTerm,
                    Term,
                    TermList,
                    f,
                    intercept,
                    l,
                    s,
                    te,
)

__all__ = [
                    "GAM",
                                    "FactorTerm",
                    "GAMSummary",
                    "GammaGAM",
                    "Intercept",
                    "LinearGAM",
                    "LinearTerm",
                    "LogisticGAM",
                    "PoissonGAM",
                    "SplineTerm",
                    "TensorTerm",
                    "Term",
                    "TermList",
                    "f",
                    "intercept",
                    "l",
                    "s",
                    "te",
]
