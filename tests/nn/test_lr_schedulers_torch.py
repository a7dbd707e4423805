"""ExponentialLR, MultiStepLR, ReduceLROnPlateau and OneCycleLR: PyTorch's learning
rates step for step, and OneCycle's momentum (SGD's momentum, Adam's β₁) where it cycles it."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import optim
from tinygrad_edu.optim import lr_scheduler as ours_sched


def _pair(torch, optimizer="SGD", groups=1, **kw):
    ours_params = [tg.zeros(2, requires_grad=True) for _ in range(groups)]
    their_params = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    lrs = [0.1 * (k + 1) for k in range(groups)]
    ours = getattr(optim, optimizer)([{"params": [p], "lr": lr} for p, lr in zip(ours_params, lrs)], lr=0.1, **kw)
    theirs = getattr(torch.optim, optimizer)([{"params": [p], "lr": lr} for p, lr in zip(their_params, lrs)],
                                             lr=0.1, **kw)
    return ours, theirs


def _same(ours, theirs, keys=("lr",)):
    for g, h in zip(ours.param_groups, theirs.param_groups):
        for key in keys:
            a, b = (g[key][0], h[key][0]) if key == "betas" else (g[key], h[key])
            assert a == pytest.approx(b, rel=1e-12, abs=1e-15), key


@pytest.mark.parametrize("make", [
    lambda m, o: m.ExponentialLR(o, gamma=0.9),
    lambda m, o: m.MultiStepLR(o, milestones=[3, 7, 7, 12]),
    lambda m, o: m.MultiStepLR(o, [2, 5], gamma=0.5),
    lambda m, o: m.LinearLR(o),
    lambda m, o: m.LinearLR(o, start_factor=0.1, end_factor=0.5, total_iters=7),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=4),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01),
], ids=["exponential", "multistep", "multistep gamma", "linear warm-up", "linear", "warm restarts",
        "warm restarts doubling"])
def test_step_schedulers_give_pytorchs_learning_rates(make):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, groups=2)
    s1, s2 = make(ours_sched, ours), make(torch.optim.lr_scheduler, theirs)
    for _ in range(20):
        _same(ours, theirs)
        assert s1.get_last_lr() == pytest.approx(s2.get_last_lr(), rel=1e-12)
        ours.step()
        theirs.step()
        s1.step()
        s2.step()


METRICS = [1.0, 0.9, 0.95, 0.95, 0.91, 0.9, 0.9, 0.89999, 0.8, 0.85, 0.86, 0.87, 0.88, 0.8, 0.79, 0.7901,
           0.7902, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]


@pytest.mark.parametrize("kw", [
    {}, {"mode": "min", "factor": 0.5, "patience": 2}, {"mode": "max", "factor": 0.2, "patience": 1},
    {"patience": 1, "threshold": 0.05}, {"patience": 0, "threshold_mode": "abs", "threshold": 0.01},
    {"patience": 1, "cooldown": 2, "min_lr": 0.02}, {"mode": "max", "patience": 2, "threshold": 1e-3},
])
def test_reduce_on_plateau_gives_pytorchs_learning_rates(kw):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, groups=2)
    s1 = ours_sched.ReduceLROnPlateau(ours, **kw)
    s2 = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **kw)
    for metric in METRICS * 2:
        s1.step(metric)
        s2.step(metric)
        _same(ours, theirs)
        assert s1.get_last_lr() == pytest.approx(s2.get_last_lr(), rel=1e-12)
        assert s1.num_bad_epochs == s2.num_bad_epochs and s1.best == s2.best
    s1.step(tg.tensor(0.1))   # a loss tensor works as the metric, as in PyTorch


@pytest.mark.parametrize("optimizer, kw, sched", [
    ("SGD", {"momentum": 0.9}, {}),
    ("Adam", {}, {}),
    ("AdamW", {}, {"pct_start": 0.25, "div_factor": 10.0}),
    ("SGD", {"momentum": 0.9}, {"anneal_strategy": "linear", "three_phase": True}),
    ("Adam", {}, {"cycle_momentum": False, "final_div_factor": 100.0}),
    ("SGD", {"momentum": 0.5}, {"base_momentum": 0.6, "max_momentum": 0.99, "pct_start": 0.5}),
], ids=["sgd", "adam", "adamw", "three phase linear", "no momentum", "momenta"])
def test_one_cycle_gives_pytorchs_learning_rates_and_momentum(optimizer, kw, sched):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, optimizer, **kw)
    total = 23
    s1 = ours_sched.OneCycleLR(ours, max_lr=0.5, total_steps=total, **sched)
    s2 = torch.optim.lr_scheduler.OneCycleLR(theirs, max_lr=0.5, total_steps=total, **sched)
    momentum = "betas" if optimizer.startswith("Adam") else "momentum"
    for _ in range(total):
        _same(ours, theirs, ("lr", momentum))
        ours.step()
        theirs.step()
        s1.step()
        s2.step()
    with pytest.raises(ValueError, match="total_steps"):
        s1.step()


def test_one_cycle_moves_adam_along_pytorchs_path():
    """The cycled β₁ reaches Adam's update: parameters equal to PyTorch's after every step."""
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).normal(size=(4,))
    x, t = tg.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = optim.Adam([x], lr=0.1), torch.optim.Adam([t], lr=0.1)
    s1 = ours_sched.OneCycleLR(ours, max_lr=0.3, epochs=3, steps_per_epoch=4)
    s2 = torch.optim.lr_scheduler.OneCycleLR(theirs, max_lr=0.3, epochs=3, steps_per_epoch=4)
    for _ in range(12):
        ours.zero_grad()
        theirs.zero_grad()
        ((x - 1.0) ** 2 * x.tanh()).sum().backward()
        ((t - 1.0) ** 2 * t.tanh()).sum().backward()
        ours.step()
        theirs.step()
        s1.step()
        s2.step()
        np.testing.assert_allclose(x.numpy(), t.detach().numpy(), rtol=1e-12)


def test_bad_arguments_are_named():
    opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="factor must be < 1"):
        ours_sched.ReduceLROnPlateau(opt, factor=2.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        ours_sched.ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(ValueError, match="give total_steps"):
        ours_sched.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="milestone"):
        ours_sched.MultiStepLR(opt, milestones=[0, 3])
