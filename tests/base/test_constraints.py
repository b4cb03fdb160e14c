import re

import numpy as np
import pytest

from konspekt.base.constraints import (BOOLEAN, NONE, RANDOM_STATE, check_params, interval,
                                       methods, options)


class _Model:
    def __init__(self, **params):
        self.__dict__.update(params)


CONSTRAINTS = {"n": [interval("int", 1, None, "left")],
               "frac": [interval("fraction", 0.0, 1.0, "right"), NONE],
               "kind": [options("b", "a")],
               "flag": [BOOLEAN],
               "seed": [RANDOM_STATE],
               "init": [methods("fit", "predict"), NONE]}
GOOD = dict(n=3, frac=0.5, kind="a", flag=True, seed=None, init=None)


def test_accepts_values_inside_every_constraint():
    check_params(_Model(**GOOD), CONSTRAINTS)
    check_params(_Model(**{**GOOD, "frac": None, "seed": np.random.RandomState(0)}), CONSTRAINTS)


@pytest.mark.parametrize("name, value, expected", [
    ("n", 0, "an int in the range [1, inf)"),
    ("n", 2.0, "an int in the range [1, inf)"),
    ("frac", 1, "a float in the range (0.0, 1.0] or None"),
    ("frac", 0.0, "a float in the range (0.0, 1.0] or None"),
    ("kind", "c", "a str among {'a', 'b'}"),
    ("flag", 1, "an instance of 'bool'"),
    ("seed", -1, "an int in the range [0, 4294967295]"),
    ("init", object(), "an object implementing 'fit' and 'predict' or None"),
])
def test_names_the_parameter_the_expectation_and_the_value(name, value, expected):
    with pytest.raises(ValueError, match=re.escape(f"The {name!r} parameter of _Model must be "
                                                   f"{expected}")) as info:
        check_params(_Model(**{**GOOD, name: value}), CONSTRAINTS)
    assert f"Got {value!r} instead." in str(info.value)
