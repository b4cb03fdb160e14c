"""Cosine annealing (SGDR): ``CosineAnnealingLR`` and ``CosineAnnealingWarmRestarts``."""

import math

from .base import LRScheduler, _learning_rates

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from η₀ down to η_min over T_max epochs (SGDR without restarts):

        η_t = η_min + ½ (η₀ − η_min)(1 + cos(π t / T_max))

    As in torch, the rate is computed recursively from the present one,

        η_t = η_min + (η_{t−1} − η_min) · (1 + cos(π t / T_max)) / (1 + cos(π (t − 1) / T_max)),

    which equals the closed form when nothing else changes the rate, and past T_max the rate
    climbs back along the same cosine (period 2 T_max). Loshchilov and Hutter, "SGDR: stochastic
    gradient descent with warm restarts", ICLR 2017.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    T_max : int
        The half-period: epochs from η₀ to η_min.
    eta_min : float, default 0.0
        η_min, the lowest rate.
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, period, low = self.last_epoch, self.T_max, self.eta_min
        groups = self.optimizer.param_groups
        if self._is_initial:
            return _learning_rates(self.optimizer)
        if self._step_count == 1 and t > 0:
            return [low + (base_lr - low) * (1 + math.cos(t * math.pi / period)) / 2
                    for base_lr in self.base_lrs]
        if (t - 1 - period) % (2 * period) == 0:
            # At η_min the ratio of the recursion is 0/0; step up by the first increment instead.
            return [group["lr"] + (base_lr - low) * (1 - math.cos(math.pi / period)) / 2
                    for base_lr, group in zip(self.base_lrs, groups)]
        ratio = (1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))
        return [ratio * (group["lr"] - low) + low for group in groups]

    def _get_closed_form_lr(self):
        return [self.eta_min + (base_lr - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing with warm restarts (SGDR): the cosine of ``CosineAnnealingLR`` restarted
    from η₀ every T_i epochs, each period T_mult times longer than the last:

        η_t = η_min + ½ (η₀ − η_min)(1 + cos(π T_cur / T_i))

    with T_cur the epochs since the last restart (it may be fractional: ``step(epoch)`` with a
    float epoch anneals within an epoch, batch by batch). Loshchilov and Hutter, "SGDR:
    stochastic gradient descent with warm restarts", ICLR 2017.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    T_0 : int
        The length of the first period, in epochs.
    T_mult : int, default 1
        The factor by which each period is longer than the previous.
    eta_min : float, default 0.0
        η_min.
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"Expected float or int eta_min, but got {eta_min} of type "
                             f"{type(eta_min)}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [self.eta_min + (base_lr - self.eta_min)
                * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base_lr in self.base_lrs]

    def step(self, epoch=None):
        """Advance by one epoch, or go to ``epoch`` (a float for a point within an epoch)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        elif epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                # The restart index n: T_0 (T_mult^n − 1)/(T_mult − 1) ≤ epoch, a geometric sum.
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult ** n
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = _learning_rates(self.optimizer)
