"""Compiled loops for the algorithms NumPy cannot vectorise (tree split search, SMO, …).

``njit`` compiles a function with numba when the ``[accel]`` extra is installed and returns
the plain Python function otherwise, so every algorithm runs — only slower — without numba.
Write the decorated function in numba's subset of Python (NumPy arrays, scalars, loops);
its pure-Python original stays reachable as ``f.py_func`` in both cases, which is how the
tests check that the compiled and the interpreted paths agree.

Examples
--------
>>> import numpy as np
>>> from konspekt.utils.accel import njit
>>> @njit
... def total(a):
...     s = 0.0
...     for v in a:
...         s += v
...     return s
>>> float(total(np.arange(4.0)))
6.0
"""

import importlib.util

HAVE_NUMBA = importlib.util.find_spec("numba") is not None


def njit(function=None, **options):
    """Compile ``function`` in numba's nopython mode (cached on disk) if numba is installed.

    Usable bare (``@njit``) or with numba options (``@njit(parallel=True)``). Without numba,
    the function is returned unchanged, with ``py_func`` pointing at itself.
    """
    def decorate(f):
        if HAVE_NUMBA:
            import numba
            return numba.njit(cache=True, **options)(f)
        f.py_func = f
        return f
    return decorate if function is None else decorate(function)


# numba's parallel loop inside ``@njit(parallel=True)`` functions; a plain range without numba.
if HAVE_NUMBA:
    from numba import prange
else:
    prange = range
