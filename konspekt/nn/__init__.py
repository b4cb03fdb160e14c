"""``konspekt.nn``: neural-network building blocks. This release holds the functional API of the
operations the engine already has; modules and layers come with the nn issue."""

from . import functional

__all__ = ["functional"]
