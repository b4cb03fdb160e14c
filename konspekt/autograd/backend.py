"""The array seam.

Every array that konspekt computes on lives in the module ``xp``. It is NumPy unless the
environment variable ``KONSPEKT_BACKEND`` names another module with NumPy's interface (CuPy, say)
before konspekt is first imported; nothing else in the package names the array library.
"""

import importlib
import os

xp = importlib.import_module(os.environ.get("KONSPEKT_BACKEND", "numpy"))
ndarray = xp.ndarray

__all__ = ["xp", "ndarray"]
