"""Whether operations record the graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

The switch is per thread, as in torch, so that a model trained in one thread is not silently
detached by ``no_grad`` evaluation in another.
"""

import functools
import threading


class _State(threading.local):
    enabled = True


_state = _State()


def is_grad_enabled():
    """True when new operations record a graph for backward."""
    return _state.enabled


class _GradMode:
    """A context manager that is also a decorator; subclasses choose the mode."""

    mode = True

    def __enter__(self):
        self._previous = _state.enabled
        _state.enabled = self.mode

    def __exit__(self, *exc):
        _state.enabled = self._previous
        return False

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return function(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator: operations inside record no graph.

    Examples
    --------
    >>> with kp.no_grad():
    ...     w -= 0.1 * w.grad
    """

    mode = False


class enable_grad(_GradMode):
    """Context manager and decorator: turn recording back on inside ``no_grad``."""

    mode = True


class set_grad_enabled(_GradMode):
    """Set recording on or off; works as a function call and as a context manager.

    Parameters
    ----------
    mode : bool
        True to record operations, False not to.
    """

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__}")
        self.mode = mode
        self._previous = _state.enabled
        _state.enabled = mode

    def __enter__(self):
        pass

    def __call__(self, function):
        _state.enabled = self._previous

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(self.mode):
                return function(*args, **kwargs)
        return wrapper
