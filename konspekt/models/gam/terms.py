"""The terms of a generalised additive model, built as in pygam and added together with ``+``:

- ``s(feature)``: a smooth function, a penalised B-spline (P-spline) of one feature;
- ``l(feature)``: a straight line θ·x (its slope ridge-penalised, as pygam);
- ``f(feature)``: a factor, one coefficient per level (ridge-penalised);
- ``te(f1, f2, …)``: a tensor-product smooth of several features, one penalty per margin;
- ``intercept``: the constant θ₀ (``GAM`` adds it when ``fit_intercept=True``).

A term is a specification: ``GAM.fit`` compiles a copy of it on the training data (the range
of a feature, the levels of a factor) and keeps it in ``terms_``. Each compiled term gives its
columns of the design matrix and its penalty matrices P_j (one per λ_j).
"""

import copy
import numbers

import numpy as np

from .basis import bspline_basis, difference_penalty, edge_knots, row_kronecker

__all__ = ["FactorTerm", "Intercept", "LinearTerm", "SplineTerm", "TensorTerm", "Term",
           "TermList", "f", "intercept", "l", "s", "te"]

PENALTIES = ("auto", "derivative", "l2", "none")


def _check_feature(feature):
    if not isinstance(feature, numbers.Integral) or isinstance(feature, bool) or feature < 0:
        raise ValueError(f"feature must be a non-negative int (a column of X), got {feature!r}.")
    return int(feature)


def _check_lam(lam):
    if not isinstance(lam, numbers.Real) or isinstance(lam, bool) or not lam >= 0 \
            or not np.isfinite(lam):
        raise ValueError(f"lam must be a non-negative float, got {lam!r}.")
    return float(lam)


def _check_penalty(penalties):
    name = "none" if penalties is None else penalties
    if name not in PENALTIES:
        raise ValueError(f"penalties must be one of {list(PENALTIES)} or None, got "
                         f"{penalties!r}.")
    return name


def _check_int(value, name, minimum):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


class Term:
    """Base class of the terms. ``lam`` holds one smoothing weight λ per penalty matrix."""

    features = ()
    lam = ()

    def __add__(self, other):
        return TermList(self, other)

    def __radd__(self, other):
        return TermList(other, self)

    @property
    def n_coefs(self):
        raise NotImplementedError

    def compile(self, X):
        """A copy fitted to the training data X (rows of positive weight only)."""
        for feature in self.features:
            if feature >= X.shape[1]:
                raise ValueError(f"term {self!r} uses feature {feature}, but X has "
                                 f"{X.shape[1]} features.")
        return copy.deepcopy(self)

    def build_columns(self, X):
        """The term's columns of the design matrix, shape (n_samples, n_coefs)."""
        raise NotImplementedError

    def penalty_matrices(self):
        """One (n_coefs, n_coefs) matrix P_j per entry of ``lam`` (λ_j not applied)."""
        return []

    def _base_penalty(self, penalty, n_coefs, smooth):
        if penalty == "auto":
            penalty = "derivative" if smooth else "l2"
        if penalty == "derivative":
            return difference_penalty(n_coefs, order=2)
        if penalty == "l2":
            return np.eye(n_coefs)
        return np.zeros((n_coefs, n_coefs))

    def __eq__(self, other):
        return type(self) is type(other) and repr(self) == repr(other)

    def __hash__(self):
        return hash(repr(self))


class Intercept(Term):
    """The constant θ₀: a column of ones, not penalised."""

    @property
    def n_coefs(self):
        return 1

    def build_columns(self, X):
        return np.ones((X.shape[0], 1))

    def __repr__(self):
        return "intercept"


class LinearTerm(Term):
    """θ·x⁽ʲ⁾: the feature itself as one column, with the ridge penalty λθ² (pygam's 'auto')."""

    def __init__(self, feature, lam=0.6, penalties="auto"):
        self.feature = _check_feature(feature)
        self.lam = (_check_lam(lam),)
        self.penalties = _check_penalty(penalties)
        self.features = (self.feature,)

    @property
    def n_coefs(self):
        return 1

    def compile(self, X):
        term = super().compile(X)
        term.edge_knots_ = edge_knots(X[:, self.feature])
        return term

    def build_columns(self, X):
        return X[:, [self.feature]].astype(float)

    def penalty_matrices(self):
        return [self._base_penalty(self.penalties, 1, smooth=False)]

    def __repr__(self):
        return f"l({self.feature}{_options(self, lam=0.6, penalties='auto')})"


class SplineTerm(Term):
    """f(x⁽ʲ⁾) = Σₖ θₖ Bₖ(x⁽ʲ⁾): ``n_splines`` B-splines of degree ``spline_order`` on the
    feature's range, penalised by λ·‖Δ²θ‖² (the second differences; 'auto').

    When the constant lies in the null space of the penalty and the model has an intercept,
    ``GAM`` centres the term, Σᵢ wᵢ f(xᵢ) = 0, so that the constant belongs to the intercept.
    """

    def __init__(self, feature, n_splines=20, spline_order=3, lam=0.6, penalties="auto",
                 edge_knots=None):
        self.feature = _check_feature(feature)
        self.spline_order = _check_int(spline_order, "spline_order", 0)
        self.n_splines = _check_int(n_splines, "n_splines", 1)
        if self.n_splines < self.spline_order + 1:
            raise ValueError(f"n_splines must be >= spline_order + 1, got n_splines="
                             f"{n_splines} and spline_order={spline_order}.")
        self.lam = (_check_lam(lam),)
        self.penalties = _check_penalty(penalties)
        if edge_knots is not None:
            edge_knots = np.asarray(edge_knots, dtype=float)
            if edge_knots.shape != (2,) or not np.all(np.isfinite(edge_knots)) or \
                    edge_knots[0] > edge_knots[1]:
                raise ValueError("edge_knots must be 2 finite floats [low, high] with low <= "
                                 f"high, got {edge_knots!r}.")
        self.edge_knots = edge_knots
        self.features = (self.feature,)

    @property
    def n_coefs(self):
        return self.n_splines

    def compile(self, X):
        term = super().compile(X)
        term.edge_knots_ = edge_knots(X[:, self.feature]) if self.edge_knots is None \
            else self.edge_knots
        return term

    def build_columns(self, X):
        return bspline_basis(X[:, self.feature], self.edge_knots_, self.n_splines,
                             self.spline_order)

    def penalty_matrices(self):
        return [self._base_penalty(self.penalties, self.n_splines, smooth=True)]

    def __repr__(self):
        options = _options(self, n_splines=20, spline_order=3, lam=0.6, penalties="auto")
        return f"s({self.feature}{options})"


class FactorTerm(Term):
    """One coefficient per level of a categorical feature (one-hot columns, or ``"dummy"``
    coding without the first level), penalised by λ·‖θ‖² ('auto').

    The levels are those seen in ``fit``; another level at predict time is an error.
    """

    def __init__(self, feature, lam=0.6, penalties="auto", coding="one-hot"):
        self.feature = _check_feature(feature)
        self.lam = (_check_lam(lam),)
        self.penalties = _check_penalty(penalties)
        if coding not in ("one-hot", "dummy"):
            raise ValueError(f"coding must be 'one-hot' or 'dummy', got {coding!r}.")
        self.coding = coding
        self.features = (self.feature,)

    @property
    def n_coefs(self):
        return len(self.levels_) - (self.coding == "dummy")

    def compile(self, X):
        term = super().compile(X)
        term.levels_ = np.unique(X[:, self.feature])
        return term

    def build_columns(self, X):
        values = X[:, self.feature]
        position = np.searchsorted(self.levels_, values)
        position = np.minimum(position, len(self.levels_) - 1)
        unseen = self.levels_[position] != values
        if unseen.any():
            raise ValueError(f"feature {self.feature} of the factor term has levels not seen "
                             f"in fit: {np.unique(values[unseen])[:5].tolist()}; levels seen: "
                             f"{self.levels_[:10].tolist()}.")
        columns = np.eye(len(self.levels_))[position]
        return columns[:, 1:] if self.coding == "dummy" else columns

    def penalty_matrices(self):
        return [self._base_penalty(self.penalties, self.n_coefs, smooth=False)]

    def __repr__(self):
        return f"f({self.feature}{_options(self, lam=0.6, penalties='auto', coding='one-hot')})"


class TensorTerm(Term):
    """f(x⁽¹⁾, …, x⁽ᵈ⁾) = Σ θ_{k…m} B_k(x⁽¹⁾)⋯B_m(x⁽ᵈ⁾): the row-wise Kronecker product of
    the marginal B-spline bases, with one penalty per margin,

        P_j = I ⊗ … ⊗ ΔⱼᵀΔⱼ ⊗ … ⊗ I   (the j-th margin's difference penalty),

    so each λ_j smooths along its own feature. ``n_splines``, ``spline_order``, ``lam`` and
    ``penalties`` take one value for all margins or one per margin.
    """

    def __init__(self, *features, n_splines=10, spline_order=3, lam=0.6, penalties="auto"):
        if len(features) == 1 and isinstance(features[0], (list, tuple)):
            features = tuple(features[0])
        if len(features) < 2:
            raise ValueError(f"te needs at least 2 features, got {list(features)}.")
        count = len(features)

        def per_margin(value, name):
            values = list(value) if isinstance(value, (list, tuple, np.ndarray)) \
                else [value] * count
            if len(values) != count:
                raise ValueError(f"{name} must be one value or {count} values (one per "
                                 f"margin), got {value!r}.")
            return values

        self.margins = [SplineTerm(feature, n_splines=n, spline_order=o, lam=lam_j,
                                   penalties=p)
                        for feature, n, o, lam_j, p in zip(
                            features, per_margin(n_splines, "n_splines"),
                            per_margin(spline_order, "spline_order"),
                            per_margin(lam, "lam"), per_margin(penalties, "penalties"))]
        self.features = tuple(int(feature) for feature in features)
        self.lam = tuple(margin.lam[0] for margin in self.margins)

    @property
    def n_coefs(self):
        return int(np.prod([margin.n_coefs for margin in self.margins]))

    def compile(self, X):
        term = super().compile(X)
        term.margins = [margin.compile(X) for margin in self.margins]
        return term

    def build_columns(self, X):
        columns = self.margins[0].build_columns(X)
        for margin in self.margins[1:]:
            columns = row_kronecker(columns, margin.build_columns(X))
        return columns

    def penalty_matrices(self):
        matrices = []
        sizes = [margin.n_coefs for margin in self.margins]
        for j, margin in enumerate(self.margins):
            own = margin._base_penalty(margin.penalties, sizes[j], smooth=True)
            total = np.ones((1, 1))
            for k, size in enumerate(sizes):
                total = np.kron(total, own if k == j else np.eye(size))
            matrices.append(total)
        return matrices

    def __repr__(self):
        options = {"n_splines": [m.n_splines for m in self.margins],
                   "spline_order": [m.spline_order for m in self.margins],
                   "penalties": [m.penalties for m in self.margins],
                   "lam": list(self.lam)}
        defaults = {"n_splines": 10, "spline_order": 3, "penalties": "auto", "lam": 0.6}
        text = ", ".join(str(feature) for feature in self.features)
        for name, values in options.items():
            if any(v != values[0] for v in values):
                text += f", {name}={values!r}"
            elif values[0] != defaults[name]:
                text += f", {name}={values[0]!r}"
        return f"te({text})"


class TermList:
    """Terms added together: η = Σⱼ fⱼ. Built by ``s(0) + l(1) + …``; iterable and
    indexable like a list."""

    def __init__(self, *terms):
        self.terms = []
        for term in terms:
            if isinstance(term, TermList):
                self.terms.extend(term.terms)
            elif isinstance(term, Term):
                self.terms.append(term)
            else:
                raise TypeError(f"terms can only be added to terms (s, l, f, te, intercept), "
                                f"got {term!r}.")

    def __add__(self, other):
        return TermList(self, other)

    def __radd__(self, other):
        return TermList(other, self)

    def __iter__(self):
        return iter(self.terms)

    def __len__(self):
        return len(self.terms)

    def __getitem__(self, index):
        return self.terms[index]

    def __eq__(self, other):
        return isinstance(other, TermList) and self.terms == other.terms

    def __hash__(self):
        return hash(repr(self))

    def __repr__(self):
        return " + ".join(repr(term) for term in self.terms)


def _options(term, **defaults):
    """", name=value" for each option of ``term`` that differs from its default."""
    text = ""
    for name, default in defaults.items():
        value = getattr(term, name)
        if name == "lam":
            value = value[0]
        if value != default:
            text += f", {name}={value!r}"
    return text


def s(feature, n_splines=20, spline_order=3, lam=0.6, penalties="auto", edge_knots=None):
    """A smooth term of one feature (see ``SplineTerm``)."""
    return SplineTerm(feature, n_splines=n_splines, spline_order=spline_order, lam=lam,
                      penalties=penalties, edge_knots=edge_knots)


def l(feature, lam=0.6, penalties="auto"):
    """A linear term of one feature (see ``LinearTerm``)."""
    return LinearTerm(feature, lam=lam, penalties=penalties)


def f(feature, lam=0.6, penalties="auto", coding="one-hot"):
    """A factor term of one categorical feature (see ``FactorTerm``)."""
    return FactorTerm(feature, lam=lam, penalties=penalties, coding=coding)


def te(*features, n_splines=10, spline_order=3, lam=0.6, penalties="auto"):
    """A tensor-product smooth of two or more features (see ``TensorTerm``)."""
    return TensorTerm(*features, n_splines=n_splines, spline_order=spline_order, lam=lam,
                      penalties=penalties)


intercept = Intercept()
