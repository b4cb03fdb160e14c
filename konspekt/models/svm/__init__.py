"""``konspekt.models.svm``: support vector machines with scikit-learn's API.

``SVC`` (C-support vector classification), ``NuSVC`` (its ν variant) and ``SVR`` (ε-support
vector regression) solve their duals by libsvm's SMO (``smo``) with the kernels of ``kernels``; ``SVC`` fits Platt's
probabilities (``platt``) on request. ``LinearSVC`` and ``LinearSVR`` solve the linear SVMs
by liblinear's dual coordinate descent (``coordinate_descent``) or a primal Newton method
(``linear``).
"""

from .linear import LinearSVC, LinearSVR
from .nu_svc import NuSVC
from .svc import SVC
from .svr import SVR

__all__ = ["SVC", "SVR", "LinearSVC", "LinearSVR", "NuSVC"]
