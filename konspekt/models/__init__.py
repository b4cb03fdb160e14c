"""``konspekt.models``: ready-made models.

``vision`` holds the convolutional architectures of the CNN lectures (LeNet-5 … U-Net), each a
composition of ``konspekt.nn`` layers built by a function named as torchvision names it;
``seq2seq`` the encoder–decoder with attention of the RNN lectures, with greedy decoding and beam
search. The classical models are scikit-learn-style estimators: ``linear`` (least squares,
Ridge, Lasso, ElasticNet, logistic regression, SGD, Perceptron), ``glm`` (generalised linear
models by IRLS), ``gam`` (generalised additive models: s/l/f/te terms, penalised IRLS,
GCV/UBRE), ``neural`` (the MLP estimators), ``neighbors`` (nearest-neighbour classifiers and
regressors with the course's kernel-weighted vote, ``NearestNeighbors``, ``KDTree``,
``BallTree``), ``svm`` (SVC, NuSVC, SVR by SMO; LinearSVC, LinearSVR), ``tree`` (decision
trees, ``export_text``) and ``ensemble`` (bagging, forests, boosting, voting, stacking).
"""

from . import (ensemble, gam, glm, linear, neighbors, neural, seq2seq, svm, tree,
               vision)

__all__ = ["ensemble", "gam", "glm", "linear", "neighbors", "neural", "seq2seq", "svm", "tree",
           "vision"]
