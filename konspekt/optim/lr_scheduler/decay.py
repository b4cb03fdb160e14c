"""Schedules that decay (or warm up) the rate by a formula of the epoch: ``StepLR``,
``MultiStepLR``, ``ConstantLR``, ``LinearLR``, ``ExponentialLR`` and ``PolynomialLR``."""

from bisect import bisect_right
from collections import Counter

from .base import LRScheduler, _learning_rates

__all__ = ["StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR"]


class StepLR(LRScheduler):
    """Step decay: η_t = η₀ · γ^⌊t / step_size⌋ (multiply by γ every ``step_size`` epochs).

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    step_size : int
        The period of the decay, in epochs.
    gamma : float, default 0.1
        γ, the factor applied at each period's end.
    last_epoch : int, default -1
        See ``LRScheduler``.

    Examples
    --------
    >>> import konspekt as kp
    >>> opt = kp.optim.SGD([kp.nn.Parameter(kp.zeros(1))], lr=1.0)
    >>> schedule = kp.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> rates = []
    >>> for _ in range(5):
    ...     opt.step(); schedule.step(); rates.append(schedule.get_last_lr()[0])
    >>> rates
    [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _learning_rates(self.optimizer)
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """η_t = η₀ · γ^(number of milestones ≤ t): decay by γ at each milestone epoch.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    milestones : iterable of int
        The epochs at which to decay (a milestone given twice decays by γ²).
    gamma : float, default 0.1
        γ, the factor.
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return _learning_rates(self.optimizer)
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect_right(milestones, self.last_epoch)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Exponential decay: η_t = γ η_{t−1}, i.e. η_t = η₀ γᵗ.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    gamma : float
        γ, the factor per epoch.
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return _learning_rates(self.optimizer)
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """A constant factor on the rate for the first epochs: η_t = η₀ · f for t < T, then η₀.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    factor : float, default 1/3
        f, in [0, 1].
    total_iters : int, default 5
        T, the epochs at the reduced rate.
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in groups]
        if self.last_epoch != self.total_iters:
            return _learning_rates(self.optimizer)
        return [group["lr"] * (1.0 / self.factor) for group in groups]

    def _get_closed_form_lr(self):
        reached = self.last_epoch >= self.total_iters
        return [base_lr * (self.factor + reached * (1 - self.factor))
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Linear warm-up (or decay) of the factor on η₀, from ``start_factor`` to ``end_factor``
    over ``total_iters`` epochs, then constant:

        η_t = η₀ · (s + (e − s) · min(t, T) / T)

    computed, as in torch, recursively from η_{t−1}.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    start_factor : float, default 1/3
        s, in (0, 1].
    end_factor : float, default 1.0
        e, in [0, 1].
    total_iters : int, default 5
        T, the epochs of the ramp.
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError("Starting multiplicative factor expected to be greater than 0 and "
                             "less or equal to 1.")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _learning_rates(self.optimizer)
        change = self.end_factor - self.start_factor
        factor = 1.0 + change / (self.total_iters * self.start_factor
                                 + (self.last_epoch - 1) * change)
        return [group["lr"] * factor for group in groups]

    def _get_closed_form_lr(self):
        done = min(self.total_iters, self.last_epoch)
        return [base_lr * (self.start_factor
                           + (self.end_factor - self.start_factor) * done / self.total_iters)
                for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Polynomial decay to 0 over T epochs: η_t = η₀ (1 − min(t, T) / T)^p.

    Computed, as in torch, recursively: η_t = η_{t−1} · ((1 − t/T) / (1 − (t − 1)/T))^p.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    total_iters : int, default 5
        T, the epochs of the decay.
    power : float, default 1.0
        p (1 is a linear decay).
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial or self.last_epoch > self.total_iters:
            return _learning_rates(self.optimizer)
        t, total = self.last_epoch, self.total_iters
        factor = ((1.0 - t / total) / (1.0 - (t - 1) / total)) ** self.power
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        done = min(self.total_iters, self.last_epoch)
        return [base_lr * (1.0 - done / self.total_iters) ** self.power
                for base_lr in self.base_lrs]
