"""Toy data made on demand: XOR, two moons, two circles, spirals, Gaussian blobs and noisy linear
regression, with scikit-learn's names and parameters where scikit-learn has the generator.

Each returns ``(X, y)`` (and ``centers`` / ``coef`` when asked), and takes the keywords of the
bundled loaders: ``split`` (None, ``"train"`` or ``"test"``: one side of a split of ``test_size``,
stratified by class for the classification sets, drawn from the same ``random_state`` as the
data, so that the two sides of one seed are disjoint and cover the data) and ``as_tensor``
(tensors in the default float dtype, labels int64; NumPy float64 / int64 otherwise).
``random_state=None`` draws from konspekt's default generator, so ``kp.manual_seed`` fixes it.
"""

import numbers

import numpy as np

from .base import check_random_state, convert, select

__all__ = ["make_xor", "make_moons", "make_circles", "make_spirals", "make_blobs",
           "make_regression"]


def _check_count(value, name, minimum=1):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def _check_noise(noise):
    if noise is not None and not (isinstance(noise, numbers.Real) and noise >= 0):
        raise ValueError(f"noise must be None or a number >= 0, got {noise!r}")
    return noise or 0.0


def _counts(n_samples, parts, name="n_samples"):
    """n_samples shared out over ``parts`` groups: equal shares, the first groups taking one more
    when it does not divide (an int), or the given counts (a sequence)."""
    if isinstance(n_samples, numbers.Integral):
        n = _check_count(n_samples, name)
        return [n // parts + (k < n % parts) for k in range(parts)]
    counts = [_check_count(c, name, 0) for c in n_samples]
    if len(counts) != parts:
        raise ValueError(f"{name} should be an int or a sequence of {parts} ints, got {n_samples}")
    return counts


def _finish(X, y, rng, shuffle, noise, split, test_size, as_tensor, classification=True):
    """Shuffle the rows, add Gaussian noise of standard deviation ``noise``, keep the split."""
    if shuffle:
        order = rng.permutation(len(X))
        X, y = X[order], y[order]
    if noise:
        X = X + rng.normal(0.0, noise, X.shape)
    rows = select(split, test_size, rng, len(X), y if classification else None)
    return convert(X[rows], as_tensor), convert(y[rows], as_tensor, integer=classification)


def make_xor(n_samples=100, *, noise=None, shuffle=True, random_state=None, split=None,
             test_size=0.25, as_tensor=False):
    """The XOR problem: the corners of the unit square, labelled x₁ ⊕ x₂, plus Gaussian noise.

    The four corners (0, 0), (0, 1), (1, 0), (1, 1) get n_samples / 4 points each (the first ones
    one more when 4 does not divide), labelled 0, 1, 1, 0: no line separates the classes, the
    course's example of what a perceptron cannot learn. ``make_xor(4, shuffle=False)`` is the
    truth table.

    Parameters
    ----------
    n_samples : int, default 100
    noise : float, optional
        Standard deviation of the Gaussian noise added to every coordinate.
    shuffle : bool, default True
    random_state : int, Generator or None
    split, test_size, as_tensor
        See the module's description.

    Returns
    -------
    X : (n_samples, 2) array
    y : (n_samples,) array of 0 / 1
    """
    noise = _check_noise(noise)
    rng = check_random_state(random_state)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    which = np.repeat(np.arange(4), _counts(n_samples, 4))
    X = corners[which]
    y = (X[:, 0] != X[:, 1]).astype(np.int64)
    return _finish(X, y, rng, shuffle, noise, split, test_size, as_tensor)


def make_moons(n_samples=100, *, shuffle=True, noise=None, random_state=None, split=None,
               test_size=0.25, as_tensor=False):
    """Two interleaving half circles of radius 1, as scikit-learn's ``make_moons``.

    Class 0: (cos t, sin t), t evenly spaced on [0, π] (centre (0, 0), upper half);
    class 1: (1 − cos t, 1/2 − sin t) (centre (1, 1/2), lower half); then Gaussian noise of
    standard deviation ``noise``. An int n_samples gives ⌊n/2⌋ points to class 0.

    Parameters
    ----------
    n_samples : int or (int, int), default 100
        All points, or the points of each moon.
    shuffle : bool, default True
    noise : float, optional
    random_state : int, Generator or None
    split, test_size, as_tensor
        See the module's description.

    Returns
    -------
    X : (n_samples, 2) array
    y : (n_samples,) array of 0 / 1
    """
    noise = _check_noise(noise)
    rng = check_random_state(random_state)
    if isinstance(n_samples, numbers.Integral):
        n = _check_count(n_samples, "n_samples")
        n_outer, n_inner = n // 2, n - n // 2
    else:
        n_outer, n_inner = _counts(n_samples, 2)
    t_outer = np.linspace(0, np.pi, n_outer)
    t_inner = np.linspace(0, np.pi, n_inner)
    X = np.concatenate([np.stack([np.cos(t_outer), np.sin(t_outer)], 1),
                        np.stack([1 - np.cos(t_inner), 0.5 - np.sin(t_inner)], 1)])
    y = np.repeat([0, 1], [n_outer, n_inner])
    return _finish(X, y, rng, shuffle, noise, split, test_size, as_tensor)


def make_circles(n_samples=100, *, shuffle=True, noise=None, random_state=None, factor=0.8,
                 split=None, test_size=0.25, as_tensor=False):
    """Two concentric circles, as scikit-learn's ``make_circles``.

    Class 0 on the circle of radius 1, class 1 on the circle of radius ``factor``, each at evenly
    spaced angles 2πk/m (k = 0 … m − 1); then Gaussian noise. An int n_samples gives ⌊n/2⌋ points
    to the outer circle.

    Parameters
    ----------
    n_samples : int or (int, int), default 100
        All points, or (outer, inner).
    shuffle : bool, default True
    noise : float, optional
    random_state : int, Generator or None
    factor : float in [0, 1), default 0.8
        Radius of the inner circle relative to the outer one.
    split, test_size, as_tensor
        See the module's description.

    Returns
    -------
    X : (n_samples, 2) array
    y : (n_samples,) array of 0 / 1
    """
    if not (isinstance(factor, numbers.Real) and 0 <= factor < 1):
        raise ValueError(f"The 'factor' parameter of make_circles must be a float in the range "
                         f"[0.0, 1.0). Got {factor!r} instead.")
    noise = _check_noise(noise)
    rng = check_random_state(random_state)
    if isinstance(n_samples, numbers.Integral):
        n = _check_count(n_samples, "n_samples")
        n_outer, n_inner = n // 2, n - n // 2
    else:
        n_outer, n_inner = _counts(n_samples, 2)
    angle_outer = np.linspace(0, 2 * np.pi, n_outer, endpoint=False)
    angle_inner = np.linspace(0, 2 * np.pi, n_inner, endpoint=False)
    X = np.concatenate([np.stack([np.cos(angle_outer), np.sin(angle_outer)], 1),
                        factor * np.stack([np.cos(angle_inner), np.sin(angle_inner)], 1)])
    y = np.repeat([0, 1], [n_outer, n_inner])
    return _finish(X, y, rng, shuffle, noise, split, test_size, as_tensor)


def make_spirals(n_samples=100, *, n_classes=2, turns=1.0, noise=None, shuffle=True,
                 random_state=None, split=None, test_size=0.25, as_tensor=False):
    """Interleaved spiral arms, one per class.

    Arm k of m points: radius r = j / (m − 1) (j = 0 … m − 1, from the centre out) and angle
    θ = 2π · turns · r + 2πk / n_classes, the point (r cos θ, r sin θ); then Gaussian noise. The
    arms are rotated copies of one another, so only a nonlinear boundary separates them.

    Parameters
    ----------
    n_samples : int, default 100
        All points, shared out evenly over the arms (the first arms one more).
    n_classes : int, default 2
    turns : float, default 1.0
        Turns of each arm from the centre to radius 1.
    noise : float, optional
    shuffle : bool, default True
    random_state : int, Generator or None
    split, test_size, as_tensor
        See the module's description.

    Returns
    -------
    X : (n_samples, 2) array
    y : (n_samples,) array of 0 … n_classes − 1
    """
    n_classes = _check_count(n_classes, "n_classes")
    if not (isinstance(turns, numbers.Real) and turns > 0):
        raise ValueError(f"turns must be a number > 0, got {turns!r}")
    noise = _check_noise(noise)
    rng = check_random_state(random_state)
    points, labels = [], []
    for k, m in enumerate(_counts(n_samples, n_classes)):
        r = np.linspace(0, 1, m)
        theta = 2 * np.pi * turns * r + 2 * np.pi * k / n_classes
        points.append(np.stack([r * np.cos(theta), r * np.sin(theta)], 1))
        labels.append(np.full(m, k))
    X, y = np.concatenate(points), np.concatenate(labels)
    return _finish(X, y, rng, shuffle, noise, split, test_size, as_tensor)


def make_blobs(n_samples=100, n_features=2, *, centers=None, cluster_std=1.0,
               center_box=(-10.0, 10.0), shuffle=True, random_state=None, return_centers=False,
               split=None, test_size=0.25, as_tensor=False):
    """Isotropic Gaussian blobs, as scikit-learn's ``make_blobs``.

    Blob k draws its points from N(c_k, σ_k² I). The centres are given, or drawn uniformly from
    ``center_box`` in every coordinate (3 of them when ``centers`` is None and n_samples an
    int).

    Parameters
    ----------
    n_samples : int or sequence of int, default 100
        All points (shared out evenly, the first blobs one more), or the points of each blob.
    n_features : int, default 2
        Dimension, when the centres are drawn.
    centers : int or (n_centers, n_features) array, optional
    cluster_std : float or sequence of float, default 1.0
        σ of every blob, or of each.
    center_box : (float, float), default (-10.0, 10.0)
    shuffle : bool, default True
    random_state : int, Generator or None
    return_centers : bool, default False
        Also return the centres.
    split, test_size, as_tensor
        See the module's description.

    Returns
    -------
    X : (n_samples, n_features) array
    y : (n_samples,) array, the blob of each point
    centers : (n_centers, n_features) array
        When ``return_centers``.
    """
    rng = check_random_state(random_state)
    n_features = _check_count(n_features, "n_features")
    if centers is None:
        n_centers = 3 if isinstance(n_samples, numbers.Integral) else len(n_samples)
        centers = rng.uniform(center_box[0], center_box[1], (n_centers, n_features))
    elif isinstance(centers, numbers.Integral):
        centers = rng.uniform(center_box[0], center_box[1],
                              (_check_count(centers, "centers"), n_features))
    else:
        centers = np.atleast_2d(np.asarray(centers, dtype=np.float64))
    counts = _counts(n_samples, len(centers))
    std = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (len(centers),))
    if (std < 0).any():
        raise ValueError(f"cluster_std must be >= 0, got {cluster_std!r}")
    X = np.concatenate([rng.normal(c, s, (m, centers.shape[1]))
                        for c, s, m in zip(centers, std, counts)])
    y = np.repeat(np.arange(len(centers)), counts)
    X, y = _finish(X, y, rng, shuffle, None, split, test_size, as_tensor)
    return (X, y, centers) if return_centers else (X, y)


def make_regression(n_samples=100, n_features=100, *, n_informative=10, n_targets=1, bias=0.0,
                    noise=0.0, shuffle=True, coef=False, random_state=None, split=None,
                    test_size=0.25, as_tensor=False):
    """A linear regression problem y = X w + b + ε, as scikit-learn's ``make_regression``
    (with well-conditioned inputs: ``effective_rank`` is not offered).

    X has independent N(0, 1) entries; w has ``n_informative`` non-zero rows drawn uniformly from
    [0, 100), the others zero; ε ~ N(0, noise²). With ``shuffle`` the rows and the features (with
    their rows of w) are permuted.

    Parameters
    ----------
    n_samples : int, default 100
    n_features : int, default 100
    n_informative : int, default 10
        Features with a non-zero weight (at most n_features).
    n_targets : int, default 1
        Columns of y; y is one-dimensional for one target.
    bias : float, default 0.0
    noise : float, default 0.0
        Standard deviation of ε.
    shuffle : bool, default True
    coef : bool, default False
        Also return w.
    random_state : int, Generator or None
    split, test_size, as_tensor
        See the module's description; the split is not stratified.

    Returns
    -------
    X : (n_samples, n_features) array
    y : (n_samples,) or (n_samples, n_targets) array
    coef : (n_features,) or (n_features, n_targets) array
        When ``coef``: w, such that y = X @ w + bias + ε.
    """
    n_samples = _check_count(n_samples, "n_samples")
    n_features = _check_count(n_features, "n_features")
    n_targets = _check_count(n_targets, "n_targets")
    n_informative = min(_check_count(n_informative, "n_informative", 0), n_features)
    noise = _check_noise(noise)
    rng = check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    w = np.zeros((n_features, n_targets))
    w[:n_informative] = 100 * rng.uniform(size=(n_informative, n_targets))
    y = X @ w + bias
    if noise:
        y = y + rng.normal(0.0, noise, y.shape)
    if shuffle:
        rows, columns = rng.permutation(n_samples), rng.permutation(n_features)
        X, y, w = X[rows][:, columns], y[rows], w[columns]
    if n_targets == 1:
        y, w = y[:, 0], w[:, 0]
    X, y = _finish(X, y, rng, False, None, split, test_size, as_tensor, classification=False)
    return (X, y, convert(w, as_tensor)) if coef else (X, y)
