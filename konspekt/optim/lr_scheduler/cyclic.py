"""Cyclical learning rates: ``CyclicLR`` (triangular cycles between two bounds) and
``OneCycleLR`` (the 1cycle policy: warm up to a large rate, then anneal far below the start);
both can move the momentum the opposite way to the rate."""

import math
import types

from .base import LRScheduler, _check_optimizer, _per_group

__all__ = ["CyclicLR", "OneCycleLR"]


def _momentum_bounds(optimizer, max_momentum, base_momentum, last_epoch):
    """Check that the optimiser has a momentum (or β₁) to cycle and, on a fresh start, set it to
    its upper bound and record both bounds in the groups. Returns whether it is β₁, and the
    bounds per group."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option "
                         "enabled")
    use_beta1 = "betas" in optimizer.defaults
    highs = _per_group("max_momentum", optimizer, max_momentum)
    lows = _per_group("base_momentum", optimizer, base_momentum)
    if last_epoch == -1:
        for high, low, group in zip(highs, lows, optimizer.param_groups):
            _set_momentum(group, high, use_beta1)
            group["max_momentum"] = high
            group["base_momentum"] = low
    return use_beta1, highs, lows


def _set_momentum(group, value, use_beta1):
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


class CyclicLR(LRScheduler):
    r"""Cyclical learning rates (Smith, "Cyclical learning rates for training neural networks",
    WACV 2017): the rate goes up and down between ``base_lr`` and ``max_lr``, stepped once per
    *batch*.

    A cycle lasts s_up + s_down steps (``step_size_up``, ``step_size_down``). At step t, with
    c = ⌊1 + t / (s_up + s_down)⌋ the cycle and x = 1 + t / (s_up + s_down) − c ∈ [0, 1) the
    position in it, r = s_up / (s_up + s_down):

        h = x / r                  while rising (x ≤ r)
        h = (x − 1) / (r − 1)      while falling
        η_t = η_base + (η_max − η_base) · h · scale

    where scale is 1 (``'triangular'``), 1 / 2^{c−1} (``'triangular2'``: the amplitude halves
    each cycle), γᵗ (``'exp_range'``), or ``scale_fn`` of c or t (``scale_mode``). With
    ``cycle_momentum`` the momentum (or β₁) runs the other way, from ``max_momentum`` down by
    (max − base) · h · scale.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    base_lr, max_lr : float or list of float
        The bounds of the rate, for all groups or per group.
    step_size_up : int, default 2000
        Steps rising in each cycle.
    step_size_down : int, optional
        Steps falling in each cycle (default ``step_size_up``).
    mode : {'triangular', 'triangular2', 'exp_range'}, default 'triangular'
        The amplitude's scaling across cycles; ignored when ``scale_fn`` is given.
    gamma : float, default 1.0
        γ of ``'exp_range'``.
    scale_fn : callable, optional
        A custom scale of the cycle number or the step (see ``scale_mode``).
    scale_mode : {'cycle', 'iterations'}, default 'cycle'
        What ``scale_fn`` receives.
    cycle_momentum : bool, default True
        Cycle the momentum inversely to the rate.
    base_momentum, max_momentum : float or list of float, default 0.8, 0.9
        The momentum's bounds.
    last_epoch : int, default -1
        The number of batches done, to resume.
    """

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_mode()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1, self.max_momentums, self.base_momentums = _momentum_bounds(
                optimizer, max_momentum, base_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_mode(self):
        # The built-in modes fix what the scale depends on: the cycle, or the step for exp_range.
        if self._scale_fn_custom is None:
            self.scale_mode = "iterations" if self.mode == "exp_range" else "cycle"

    def scale_fn(self, x):
        """The amplitude's scale at cycle (or step) x."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self):
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        rates = [low + (high - low) * height * scale
                 for low, high in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, low, high in zip(self.optimizer.param_groups, self.base_momentums,
                                        self.max_momentums):
                _set_momentum(group, high - (high - low) * height * scale, self.use_beta1)
        return rates

    def state_dict(self):
        """As ``LRScheduler.state_dict``; a custom ``scale_fn`` is kept only as the attributes
        of a callable object."""
        state = super().state_dict()
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = (fn.__dict__.copy() if fn is not None
                                     and not isinstance(fn, types.FunctionType) else None)
        return state

    def load_state_dict(self, state_dict):
        """Resume from a ``state_dict()``."""
        state = dict(state_dict)
        attributes = state.pop("_scale_fn_custom")
        self.__dict__.update(state)
        if attributes is not None:
            self._scale_fn_custom.__dict__.update(attributes)
        self._init_scale_mode()


class OneCycleLR(LRScheduler):
    r"""The 1cycle learning-rate policy (Smith and Topin, "Super-convergence", 2018).

    Stepped once per *batch*. With η_max = ``max_lr``, the rate starts at
    η₀ = η_max / ``div_factor``, rises to η_max over the first ``pct_start`` of the
    ``total_steps`` and then falls to η_min = η₀ / ``final_div_factor``. Within a phase running
    from step a to step b between rates u and w, with p = (t − a) / (b − a):

        cos:     η_t = w + (u − w) (1 + cos(π p)) / 2
        linear:  η_t = u + (w − u) p

    The phases end at steps ``pct_start``·N − 1 and N − 1 (N = ``total_steps``). With
    ``three_phase`` the rate goes η₀ → η_max → η₀ (two phases of ``pct_start``·N steps) and then
    η₀ → η_min. With ``cycle_momentum`` the momentum (``momentum``, or β₁ of ``betas`` for Adam-
    type optimisers) is annealed the other way, between ``max_momentum`` and ``base_momentum``:
    low momentum while the rate is high.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    max_lr : float or list of float
        η_max, per group or for all.
    total_steps : int, optional
        N; or give ``epochs`` and ``steps_per_epoch`` (N = their product).
    epochs, steps_per_epoch : int, optional
        See ``total_steps``.
    pct_start : float, default 0.3
        The share of the steps spent rising.
    anneal_strategy : {'cos', 'linear'}, default 'cos'
        The shape of each phase.
    cycle_momentum : bool, default True
        Cycle the momentum inversely to the rate.
    base_momentum, max_momentum : float or list of float, default 0.85, 0.95
        The momentum's bounds.
    div_factor : float, default 25.0
        η₀ = η_max / div_factor.
    final_div_factor : float, default 1e4
        η_min = η₀ / final_div_factor.
    three_phase : bool, default False
        Come back down to η₀ symmetrically before the final annealing.
    last_epoch : int, default -1
        The number of batches done, to resume.

    Examples
    --------
    >>> import konspekt as kp
    >>> opt = kp.optim.SGD([kp.nn.Parameter(kp.zeros(1))], lr=0.1, momentum=0.9)
    >>> schedule = kp.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> round(opt.param_groups[0]["lr"], 4), opt.param_groups[0]["momentum"]
    (0.04, 0.95)
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if total_steps is not None:
            if total_steps <= 0 or not isinstance(total_steps, int):
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError("Expected positive integer steps_per_epoch, but got "
                                 f"{steps_per_epoch}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        rise_end = float(pct_start * self.total_steps) - 1
        last = self.total_steps - 1
        # Each phase: its last step and the group keys of its start and end values.
        if three_phase:
            self._schedule_phases = [
                (rise_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr",
                 "base_momentum", "max_momentum"),
                (last, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self._schedule_phases = [
                (rise_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (last, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._anneal_func_type = anneal_strategy
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, top in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _momentum_bounds(optimizer, max_momentum, base_momentum,
                                              last_epoch)[0]
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"Tried to step {step} times. The specified number of total steps "
                             f"is {self.total_steps}")
        rates = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr_from, lr_to, momentum_from, momentum_to) in enumerate(
                    self._schedule_phases):
                if step <= end or i == len(self._schedule_phases) - 1:
                    pct = (step - start) / (end - start)
                    rates.append(self._anneal(group[lr_from], group[lr_to], pct))
                    if self.cycle_momentum:
                        _set_momentum(group, self._anneal(group[momentum_from],
                                                          group[momentum_to], pct),
                                      self.use_beta1)
                    break
                start = end
        return rates
