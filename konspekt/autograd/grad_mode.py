"""Whether operations record the graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

The switch is per thread, as in torch, so that a model trained in one thread is not silently
detached by ``no_grad`` evaluation in another.
"""

import functools
import inspect
import threading


class _State(threading.local):
    enabled = True


_state = _State()


def is_grad_enabled():
    """True when new operations record a graph for backward."""
    return _state.enabled


class _GradMode:
    """A context manager that is also a decorator; subclasses choose the mode.

    ``@no_grad`` and ``@no_grad()`` both decorate, as in torch. A decorated generator function runs
    each of its steps in the mode, not only its creation.
    """

    mode = True

    def __new__(cls, function=None):
        if function is None:
            return super().__new__(cls)
        return cls()(function)

    def __init__(self):
        # A stack, so that one instance entered twice (a shared ``no_grad()`` in a recursive
        # function) restores each level correctly.
        self._previous = []

    def __enter__(self):
        self._previous.append(_state.enabled)
        _state.enabled = self.mode

    def __exit__(self, *exc):
        _state.enabled = self._previous.pop()
        return False

    def _fresh(self):
        """A new manager of the same mode, entered around one call of a decorated function."""
        return type(self)()

    def __call__(self, function):
        if inspect.isgeneratorfunction(function):
            return self._wrap_generator(function)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return function(*args, **kwargs)
        return wrapper

    def _wrap_generator(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            generator = function(*args, **kwargs)
            # Each resumption (next, send, throw, close) runs in the mode; the caller's code
            # between two steps runs in its own.
            step, argument = generator.send, None
            while True:
                try:
                    with self._fresh():
                        value = step(argument)
                except StopIteration as stop:
                    return stop.value
                try:
                    argument = yield value
                    step = generator.send
                except GeneratorExit:
                    with self._fresh():
                        generator.close()
                    raise
                except BaseException as error:
                    step, argument = generator.throw, error
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
    """Set recording on or off; works as a function call, a context manager and a decorator.

    Parameters
    ----------
    mode : bool
        True to record operations, False not to.
    """

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__}")
        # The switch happens at the call, so that ``set_grad_enabled(False)`` alone works.
        self.mode = mode
        self._previous = [_state.enabled]
        _state.enabled = mode

    def __enter__(self):
        pass

    def _fresh(self):
        return enable_grad() if self.mode else no_grad()

    def __call__(self, function):
        # Used as a decorator: undo the switch made by the call, apply it around each call.
        _state.enabled = self._previous.pop()
        return super().__call__(function)
