"""Learning-rate schedulers against torch.optim.lr_scheduler: the rates (and cycled momenta) of
two parameter groups over 30 steps, exactly equal, for each scheduler in several settings;
resuming from a state dict; the deprecated ``step(epoch)``; warnings and errors."""

import warnings

import pytest
import torch

import konspekt as kp
from oracle import assert_raises_like_torch


def _optimizer(library, name="SGD"):
    params = [library.nn.Parameter(library.zeros(1)) for _ in range(2)]
    groups = [{"params": params[:1], "lr": 0.1}, {"params": params[1:], "lr": 0.25}]
    extra = {"SGD": dict(momentum=0.9)}.get(name, {})
    return getattr(library.optim, name)(groups, **extra)


def _momenta(optimizer):
    return [group.get("momentum", group.get("betas", (None,))[0])
            for group in optimizer.param_groups]


def _run(library, make, steps=30, optimizer="SGD", metrics=None):
    """The rates and momenta after creation and after each of ``steps`` steps."""
    opt = _optimizer(library, optimizer)
    schedule = make(library.optim.lr_scheduler, opt)
    history = [(schedule.get_last_lr(), _momenta(opt))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the ordinary loop warns about nothing
        for i in range(steps):
            opt.step()
            if metrics is None:
                schedule.step()
            else:
                schedule.step(metrics[i])
            history.append((list(schedule.get_last_lr()), _momenta(opt)))
    return history


def _assert_same_schedule(make, **kwargs):
    kp_history = _run(kp, make, **kwargs)
    assert kp_history == _run(torch, make, **kwargs)
    assert len({tuple(rates) for rates, _ in kp_history}) > 1  # the schedule moves


SCHEDULES = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=7),
    "StepLR gamma": lambda s, o: s.StepLR(o, step_size=3, gamma=0.7),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[3, 10, 20]),
    "MultiStepLR repeated": lambda s, o: s.MultiStepLR(o, milestones=[12, 5, 5, 25], gamma=0.5),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=30),
    "CosineAnnealingLR restarts": lambda s, o: s.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
    "LinearLR": lambda s, o: s.LinearLR(o),
    "LinearLR decay": lambda s, o: s.LinearLR(o, start_factor=1.0, end_factor=0.1,
                                              total_iters=20),
    "LinearLR warmup": lambda s, o: s.LinearLR(o, start_factor=0.05, total_iters=12),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lambda epoch: 0.95 ** epoch),
    "LambdaLR per group": lambda s, o: s.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: e // 4]),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=30),
    "OneCycleLR per group": lambda s, o: s.OneCycleLR(
        o, max_lr=[0.5, 2.0], epochs=3, steps_per_epoch=10, pct_start=0.25, div_factor=10.0,
        final_div_factor=100.0, base_momentum=[0.8, 0.7], max_momentum=0.99),
    "OneCycleLR linear": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=31,
                                                   anneal_strategy="linear"),
    "OneCycleLR three phase": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=30,
                                                        three_phase=True),
    "OneCycleLR three phase linear": lambda s, o: s.OneCycleLR(
        o, max_lr=0.8, total_steps=40, three_phase=True, anneal_strategy="linear"),
    "OneCycleLR no momentum": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=30,
                                                        cycle_momentum=False),
    "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lambda epoch: 0.9 + 0.01 * epoch),
    "ConstantLR": lambda s, o: s.ConstantLR(o),
    "ConstantLR long": lambda s, o: s.ConstantLR(o, factor=0.2, total_iters=12),
    "PolynomialLR": lambda s, o: s.PolynomialLR(o, total_iters=20, power=2.0),
    "PolynomialLR linear": lambda s, o: s.PolynomialLR(o),
    "CosineAnnealingWarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=6),
    "CosineAnnealingWarmRestarts growing": lambda s, o: s.CosineAnnealingWarmRestarts(
        o, T_0=3, T_mult=2, eta_min=0.001),
    "ChainedScheduler": lambda s, o: s.ChainedScheduler(
        [s.ConstantLR(o, factor=0.1, total_iters=4), s.ExponentialLR(o, gamma=0.9)]),
    "CyclicLR": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "CyclicLR triangular2": lambda s, o: s.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3, step_size_down=5,
        mode="triangular2", base_momentum=[0.7, 0.75]),
    "CyclicLR exp_range": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=5,
                                                  mode="exp_range", gamma=0.95),
    "CyclicLR scale_fn": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=2,
                                                 scale_fn=lambda x: 1 / x, scale_mode="cycle",
                                                 cycle_momentum=False),
    "CyclicLR scale_fn iterations": lambda s, o: s.CyclicLR(
        o, 0.01, 0.1, step_size_up=2, scale_fn=lambda t: 0.97 ** t, scale_mode="iterations"),
    "SequentialLR warmup then cosine": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.1, total_iters=5), s.CosineAnnealingLR(o, T_max=20)],
        milestones=[5]),
    "SequentialLR three": lambda s, o: s.SequentialLR(
        o, [s.ExponentialLR(o, gamma=0.9), s.StepLR(o, 3), s.MultiStepLR(o, [2, 4])],
        milestones=[6, 15]),
}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_rates_match_torch_exactly(name):
    _assert_same_schedule(SCHEDULES[name])


@pytest.mark.parametrize("optimizer", ["Adam", "NAdam", "RMSprop"])
def test_one_cycle_cycles_beta1_or_momentum_like_torch(optimizer):
    _assert_same_schedule(lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=30),
                          optimizer=optimizer)


@pytest.mark.parametrize("optimizer", ["Adam", "RMSprop"])
def test_cyclic_cycles_beta1_or_momentum_like_torch(optimizer):
    _assert_same_schedule(lambda s, o: s.CyclicLR(o, 0.001, 0.01, step_size_up=4),
                          optimizer=optimizer)


METRICS = [1.0, 0.9, 0.95, 0.95, 0.95, 0.9, 0.9, 0.9, 0.9, 0.5] * 3


@pytest.mark.parametrize("settings", [
    dict(patience=1),
    dict(patience=2, cooldown=2, factor=0.5, min_lr=[0.01, 0.05]),
    dict(mode="max", threshold_mode="abs", threshold=0.01, patience=0),
    dict(mode="max", patience=1, threshold=0.1, min_lr=0.02),
    dict(threshold_mode="abs", threshold=0.06, patience=1, eps=0.02),
], ids=str)
def test_reduce_on_plateau_matches_torch(settings):
    _assert_same_schedule(lambda s, o: s.ReduceLROnPlateau(o, **settings), metrics=METRICS)


def test_reduce_on_plateau_accepts_a_tensor_metric():
    opt = _optimizer(kp)
    schedule = kp.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    schedule.step(kp.tensor(1.0))
    schedule.step(kp.tensor(2.0))
    assert schedule.get_last_lr() == [0.010000000000000002, 0.025]


class _Halving:
    """A callable object, whose attributes a LambdaLR state dict keeps."""

    def __init__(self, every):
        self.every = every

    def __call__(self, epoch):
        return 0.5 ** (epoch // self.every)


class _Decay:
    def __init__(self, rate):
        self.rate = rate

    def __call__(self, cycle):
        return self.rate ** cycle


RESUMABLE = {
    "CyclicLR": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=3, scale_fn=_Decay(0.8)),
    "CosineAnnealingWarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, 3, T_mult=2),
    "ChainedScheduler": lambda s, o: s.ChainedScheduler(
        [s.LinearLR(o, start_factor=0.1, total_iters=5), s.ExponentialLR(o, gamma=0.8)]),
    "StepLR": lambda s, o: s.StepLR(o, step_size=4, gamma=0.5),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=12),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=30),
    "LambdaLR": lambda s, o: s.LambdaLR(o, _Halving(3)),
    "SequentialLR": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.1, total_iters=5), s.ExponentialLR(o, gamma=0.8)],
        milestones=[5]),
    "ReduceLROnPlateau": lambda s, o: s.ReduceLROnPlateau(o, patience=1, cooldown=1),
}


@pytest.mark.parametrize("name", list(RESUMABLE))
def test_resuming_from_state_dicts_continues_the_schedule(name):
    make = RESUMABLE[name]
    plateau = name == "ReduceLROnPlateau"

    def advance(schedule, opt, steps, start):
        rates = []
        for i in range(start, start + steps):
            opt.step()
            schedule.step(METRICS[i]) if plateau else schedule.step()
            rates.append(list(schedule.get_last_lr()))
        return rates

    opt = _optimizer(kp)
    schedule = make(kp.optim.lr_scheduler, opt)
    straight = advance(schedule, opt, 20, 0)

    opt = _optimizer(kp)
    schedule = make(kp.optim.lr_scheduler, opt)
    first = advance(schedule, opt, 10, 0)
    saved_optimizer, saved_schedule = opt.state_dict(), schedule.state_dict()
    if name == "LambdaLR":
        assert saved_schedule["lr_lambdas"] == [{"every": 3}, {"every": 3}]
    opt = _optimizer(kp)
    schedule = make(kp.optim.lr_scheduler, opt)
    opt.load_state_dict(saved_optimizer)
    schedule.load_state_dict(saved_schedule)
    assert first + advance(schedule, opt, 10, 10) == straight


@pytest.mark.parametrize("name, make", [
    ("StepLR", lambda s, o: s.StepLR(o, step_size=3, gamma=0.5)),
    ("MultiStepLR", lambda s, o: s.MultiStepLR(o, [2, 5, 5])),
    ("ExponentialLR", lambda s, o: s.ExponentialLR(o, gamma=0.9)),
    ("CosineAnnealingLR", lambda s, o: s.CosineAnnealingLR(o, T_max=10, eta_min=0.01)),
    ("LinearLR", lambda s, o: s.LinearLR(o, start_factor=0.2, total_iters=6)),
    ("ConstantLR", lambda s, o: s.ConstantLR(o, factor=0.5, total_iters=5)),
    ("PolynomialLR", lambda s, o: s.PolynomialLR(o, total_iters=8, power=0.5)),
])
def test_step_with_an_epoch_uses_the_closed_form_like_torch(name, make):
    def jumps(library):
        opt = _optimizer(library)
        schedule = make(library.optim.lr_scheduler, opt)
        rates = []
        for epoch in [4, 9, 2, 7]:
            opt.step()
            with pytest.warns(UserWarning, match="epoch parameter"):
                schedule.step(epoch)
            rates.append(schedule.get_last_lr())
        return rates
    assert jumps(kp) == jumps(torch)


@pytest.mark.parametrize("t_mult", [1, 2, 3])
def test_warm_restarts_at_fractional_epochs_match_torch(t_mult):
    def rates(library):
        opt = _optimizer(library)
        schedule = library.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2,
                                                                          T_mult=t_mult)
        out = []
        for epoch in [0.5, 1.25, 2.0, 3.5, 7.75, 13.0, 1.5, 30.2]:
            opt.step()
            schedule.step(epoch)
            out.append(schedule.get_last_lr())
        return out
    assert rates(kp) == rates(torch)


def test_stepping_the_scheduler_before_the_optimizer_warns_like_torch():
    for library in (kp, torch):
        opt = _optimizer(library)
        schedule = library.optim.lr_scheduler.StepLR(opt, 2)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            schedule.step()


def test_resuming_with_last_epoch_requires_initial_lr_like_torch():
    assert_raises_like_torch(
        lambda: kp.optim.lr_scheduler.StepLR(_optimizer(kp), 2, last_epoch=3),
        lambda: torch.optim.lr_scheduler.StepLR(_optimizer(torch), 2, last_epoch=3))


@pytest.mark.parametrize("case", [
    "not an optimizer", "plateau not an optimizer", "lambdas", "linear start", "linear end",
    "one cycle no length", "one cycle steps", "one cycle epochs", "one cycle per epoch",
    "one cycle pct", "one cycle strategy", "one cycle max_lr list", "one cycle no momentum",
    "one cycle too far", "plateau factor", "plateau mode", "plateau threshold mode",
    "plateau min_lr", "sequential empty", "sequential milestones", "sequential plateau",
    "sequential other optimizer", "multiplicative not callable", "constant factor",
    "restarts T_0", "restarts T_mult", "restarts eta_min", "restarts negative epoch",
    "chained empty", "chained plateau", "cyclic mode", "cyclic no momentum", "cyclic max_lr",
])
def test_errors_like_torch(case):
    def build(library):
        s, opt = library.optim.lr_scheduler, _optimizer(library)
        if case == "not an optimizer":
            return s.StepLR(object(), 2)
        if case == "plateau not an optimizer":
            return s.ReduceLROnPlateau("adam")
        if case == "lambdas":
            return s.LambdaLR(opt, [lambda e: 1.0])
        if case == "linear start":
            return s.LinearLR(opt, start_factor=0)
        if case == "linear end":
            return s.LinearLR(opt, end_factor=1.5)
        if case == "one cycle no length":
            return s.OneCycleLR(opt, 1.0)
        if case == "one cycle steps":
            return s.OneCycleLR(opt, 1.0, total_steps=0)
        if case == "one cycle epochs":
            return s.OneCycleLR(opt, 1.0, epochs=-1, steps_per_epoch=3)
        if case == "one cycle per epoch":
            return s.OneCycleLR(opt, 1.0, epochs=2, steps_per_epoch=2.5)
        if case == "one cycle pct":
            return s.OneCycleLR(opt, 1.0, total_steps=10, pct_start=1.2)
        if case == "one cycle strategy":
            return s.OneCycleLR(opt, 1.0, total_steps=10, anneal_strategy="exp")
        if case == "one cycle max_lr list":
            return s.OneCycleLR(opt, [1.0], total_steps=10)
        if case == "one cycle no momentum":
            return s.OneCycleLR(_optimizer(library, "Adagrad"), 1.0, total_steps=10)
        if case == "one cycle too far":
            schedule = s.OneCycleLR(opt, 1.0, total_steps=2)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for _ in range(3):
                    schedule.step()
        if case == "plateau factor":
            return s.ReduceLROnPlateau(opt, factor=1.0)
        if case == "plateau mode":
            return s.ReduceLROnPlateau(opt, mode="lowest")
        if case == "plateau threshold mode":
            return s.ReduceLROnPlateau(opt, threshold_mode="ratio")
        if case == "plateau min_lr":
            return s.ReduceLROnPlateau(opt, min_lr=[0.1])
        if case == "sequential empty":
            return s.SequentialLR(opt, [], [])
        if case == "sequential milestones":
            return s.SequentialLR(opt, [s.StepLR(opt, 2), s.StepLR(opt, 3)], [2, 4])
        if case == "sequential plateau":
            return s.SequentialLR(opt, [s.StepLR(opt, 2), s.ReduceLROnPlateau(opt)], [2])
        if case == "sequential other optimizer":
            return s.SequentialLR(opt, [s.StepLR(_optimizer(library), 2)], [])
        if case == "multiplicative not callable":
            return s.MultiplicativeLR(opt, 0.9)
        if case == "constant factor":
            return s.ConstantLR(opt, factor=2.0)
        if case == "restarts T_0":
            return s.CosineAnnealingWarmRestarts(opt, T_0=2.5)
        if case == "restarts T_mult":
            return s.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0)
        if case == "restarts eta_min":
            return s.CosineAnnealingWarmRestarts(opt, T_0=2, eta_min="0")
        if case == "restarts negative epoch":
            s.CosineAnnealingWarmRestarts(opt, T_0=2).step(-1)
        if case == "cyclic mode":
            return s.CyclicLR(opt, 0.01, 0.1, mode="sawtooth")
        if case == "cyclic no momentum":
            return s.CyclicLR(_optimizer(library, "Adagrad"), 0.01, 0.1)
        if case == "cyclic max_lr":
            return s.CyclicLR(opt, 0.01, [0.1, 0.2, 0.3])
        if case == "chained empty":
            return s.ChainedScheduler([])
        if case == "chained plateau":
            return s.ChainedScheduler([s.StepLR(opt, 2), s.ReduceLROnPlateau(opt)])
    assert_raises_like_torch(lambda: build(kp), lambda: build(torch))


def test_get_last_lr_follows_the_groups_and_base_lrs_are_kept():
    opt = _optimizer(kp)
    schedule = kp.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert schedule.base_lrs == [0.1, 0.25]
    assert [group["initial_lr"] for group in opt.param_groups] == [0.1, 0.25]
    opt.step()
    schedule.step()
    assert schedule.get_last_lr() == [group["lr"] for group in opt.param_groups] == [0.05, 0.125]
    assert schedule.last_epoch == 1
