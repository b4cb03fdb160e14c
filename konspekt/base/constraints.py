"""Parameter constraints with scikit-learn's error messages.

An estimator lists, for each parameter, the kinds of value it accepts — each a pair
(predicate, description) built by ``interval``, ``options``, ``methods`` or one of the constants —
and ``check_params`` raises scikit-learn's ``ValueError`` ("The 'tol' parameter of … must be …
Got … instead.") for the first parameter that none of its kinds accepts.
"""

import numbers

import numpy as np

__all__ = ["BOOLEAN", "NONE", "RANDOM_STATE", "check_params", "interval", "methods", "options"]


def interval(kind, low, high, closed):
    """Numbers of ``kind`` ('int', 'float', or 'fraction': a float that is not an int) between
    ``low`` and ``high`` (None: unbounded), ``closed`` 'left', 'right', 'both' or 'neither'."""
    def holds(value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return False
        if kind == "int" and not isinstance(value, numbers.Integral):
            return False
        if kind == "fraction" and isinstance(value, numbers.Integral):
            return False
        above = low is None or (value >= low if closed in ("left", "both") else value > low)
        below = high is None or (value <= high if closed in ("right", "both") else value < high)
        return above and below
    left = "[" if closed in ("left", "both") else "("
    right = "]" if closed in ("right", "both") else ")"
    noun = "an int" if kind == "int" else "a float"
    text = (f"{noun} in the range {left}{'-inf' if low is None else low}, "
            f"{'inf' if high is None else high}{right}")
    return holds, text


def options(*names):
    """One of the strings ``names``."""
    listed = ", ".join(repr(name) for name in sorted(names))
    return (lambda value: isinstance(value, str) and value in names), f"a str among {{{listed}}}"


def methods(*names):
    """An object with all the methods ``names`` (e.g. an estimator for ``init``)."""
    listed = " and ".join(repr(name) for name in names)
    return (lambda value: all(callable(getattr(value, name, None)) for name in names),
            f"an object implementing {listed}")


NONE = (lambda value: value is None), "None"
BOOLEAN = (lambda value: isinstance(value, (bool, np.bool_))), "an instance of 'bool'"
RANDOM_STATE = ((lambda value: value is None or isinstance(value, np.random.RandomState)
                  or (isinstance(value, numbers.Integral) and not isinstance(value, bool)
                      and 0 <= value <= 2 ** 32 - 1)),
                 "an int in the range [0, 4294967295], an instance of "
                 "'numpy.random.mtrand.RandomState' or None")

def check_params(estimator, constraints):
    """Raise scikit-learn's ValueError ("The 'tol' parameter of … must be … Got … instead.")
    for the first parameter that satisfies none of its constraints."""
    for name, allowed in constraints.items():
        value = getattr(estimator, name)
        if any(holds(value) for holds, _ in allowed):
            continue
        texts = [text for _, text in allowed]
        expected = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " or " + texts[-1]
        raise ValueError(f"The {name!r} parameter of {type(estimator).__name__} must be "
                         f"{expected}. Got {value!r} instead.")
