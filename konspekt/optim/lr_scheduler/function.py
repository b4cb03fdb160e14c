"""Schedules given by the user's function of the epoch: ``LambdaLR`` and ``MultiplicativeLR``."""

import types

from .base import LRScheduler, _learning_rates

__all__ = ["LambdaLR", "MultiplicativeLR"]


class _FunctionSchedule(LRScheduler):
    """A schedule driven by one function of the epoch per parameter group."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.optimizer = optimizer
        if not isinstance(lr_lambda, (list, tuple)):
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        else:
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                                 f"{len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def state_dict(self):
        """As ``LRScheduler.state_dict``; of the functions, only the attributes of callable
        objects are kept (plain functions and lambdas are code, not state)."""
        state = {key: value for key, value in self.__dict__.items()
                 if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        """Resume from a ``state_dict()`` (the functions' saved attributes included)."""
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                fn.__dict__.update(attributes)


class LambdaLR(_FunctionSchedule):
    """η_t = η₀ · λ(t): the initial rate times a function of the epoch.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    lr_lambda : callable or list of callables
        λ(t), a factor for epoch t; or one function per parameter group.
    last_epoch : int, default -1
        See ``LRScheduler``.

    Examples
    --------
    >>> import konspekt as kp
    >>> opt = kp.optim.SGD([kp.nn.Parameter(kp.zeros(1))], lr=1.0)
    >>> schedule = kp.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + t))
    >>> opt.step(); schedule.step()
    >>> schedule.get_last_lr()
    [0.5]
    """

    def get_lr(self):
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas,
                                                                       self.base_lrs)]


class MultiplicativeLR(_FunctionSchedule):
    """η_t = η_{t−1} · λ(t): each epoch multiplies the present rate by a function's value.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    lr_lambda : callable or list of callables
        λ(t), the factor applied at epoch t; or one function per parameter group.
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def get_lr(self):
        if self._is_initial:
            return _learning_rates(self.optimizer)
        return [group["lr"] * fn(self.last_epoch)
                for fn, group in zip(self.lr_lambdas, self.optimizer.param_groups)]
