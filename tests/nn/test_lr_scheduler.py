"""optim.lr_scheduler: learning-rate sequences worked by hand and against PyTorch's (over 40
steps, alone, chained, with several parameter groups, and driving an optimizer)."""
import math

import numpy as np
import pytest

from tinygrad_edu import Tensor, nn, optim
from tinygrad_edu.optim import lr_scheduler


def sgd(lr=1.0, groups=1, **kwargs):
    params = [{"params": [nn.Parameter(np.ones(2))]} for _ in range(groups)]
    return optim.SGD(params, lr=lr, **kwargs)


def sequence(scheduler, steps):
    """get_last_lr() at construction and after each of `steps` steps (group 0 only)."""
    lrs = [scheduler.get_last_lr()[0]]
    for _ in range(steps):
        scheduler.optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    return lrs


def test_step_lr_by_hand():
    s = lr_scheduler.StepLR(sgd(1.0), step_size=3)
    np.testing.assert_allclose(sequence(s, 7), [1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01], rtol=1e-12)
    assert s.optimizer.param_groups[0]["lr"] == s.get_last_lr()[0]


def test_cosine_by_hand_falls_to_eta_min_and_rises_again():
    s = lr_scheduler.CosineAnnealingLR(sgd(1.0), T_max=2)
    np.testing.assert_allclose(sequence(s, 6), [1, 0.5, 0, 0.5, 1, 0.5, 0], atol=1e-12)
    s = lr_scheduler.CosineAnnealingLR(sgd(0.3), T_max=4, eta_min=0.1)
    expected = [0.1 + 0.2 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(5)]
    np.testing.assert_allclose(sequence(s, 4), expected, rtol=1e-12)


def test_lambda_lr_by_hand_one_function_or_one_per_group():
    s = lr_scheduler.LambdaLR(sgd(0.5), lambda epoch: 1 / (epoch + 1))
    np.testing.assert_allclose(sequence(s, 3), [0.5, 0.25, 0.5 / 3, 0.125], rtol=1e-12)
    opt = sgd(1.0, groups=2)
    s = lr_scheduler.LambdaLR(opt, [lambda e: 0.5 ** e, lambda e: 1.0 + e])
    s.step()
    s.step()
    assert s.get_last_lr() == [0.25, 3.0] == [g["lr"] for g in opt.param_groups]


def test_scheduler_errors_and_state_dict():
    with pytest.raises(TypeError, match="StepLR: expected an optimizer"):
        lr_scheduler.StepLR([nn.Parameter(np.ones(1))], step_size=2)
    with pytest.raises(ValueError, match="StepLR: step_size must be a positive integer, got 0"):
        lr_scheduler.StepLR(sgd(), step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive integer"):
        lr_scheduler.CosineAnnealingLR(sgd(), T_max=2.5)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        lr_scheduler.LambdaLR(sgd(groups=2), [lambda e: 1.0])
    with pytest.raises(TypeError, match="lr_lambda must be a function"):
        lr_scheduler.LambdaLR(sgd(), 0.5)
    s = lr_scheduler.StepLR(sgd(1.0), step_size=2, gamma=0.5)
    for _ in range(3):
        s.step()
    saved = s.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 3
    again = lr_scheduler.StepLR(sgd(0.5), step_size=2, gamma=0.5)
    again.load_state_dict(saved)
    again.step()
    assert again.last_epoch == 4 and again.get_last_lr() == [0.25]


# --- against PyTorch ------------------------------------------------------------------------

SCHEDULES = {
    "step": lambda m, o: m.StepLR(o, step_size=4, gamma=0.5),
    "step_default_gamma": lambda m, o: m.StepLR(o, step_size=7),
    "cosine": lambda m, o: m.CosineAnnealingLR(o, T_max=10),
    "cosine_eta_min": lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
    "lambda": lambda m, o: m.LambdaLR(o, lambda e: 0.9 ** e + 0.01 * e),
}


def _pair(torch, groups):
    """Our optimizer and torch's, with the same parameter groups (group i has lr 0.1·(i+1))."""
    ours = optim.SGD([{"params": [nn.Parameter(np.ones(3))], "lr": 0.1 * (i + 1)} for i in range(groups)],
                     lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD([{"params": [torch.ones(3, dtype=torch.float64, requires_grad=True)],
                               "lr": 0.1 * (i + 1)} for i in range(groups)], lr=0.1, momentum=0.9)
    return ours, theirs


def _run(torch, ours, theirs, schedulers, steps):
    ours_s, theirs_s = schedulers
    got, want = [], []
    for _ in range(steps):
        ours.step()
        theirs.step()
        for s in ours_s:
            s.step()
        for s in theirs_s:
            s.step()
        got.append(ours_s[-1].get_last_lr())
        want.append(theirs_s[-1].get_last_lr())
    return np.array(got), np.array(want)


@pytest.mark.parametrize("kind", sorted(SCHEDULES))
def test_forty_steps_match_pytorch(kind):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, groups=2)
    make = SCHEDULES[kind]
    s_ours, s_theirs = make(lr_scheduler, ours), make(torch.optim.lr_scheduler, theirs)
    assert s_ours.get_last_lr() == pytest.approx(s_theirs.get_last_lr(), rel=1e-12)
    got, want = _run(torch, ours, theirs, ([s_ours], [s_theirs]), 40)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert len(np.unique(got[:, 0].round(12))) > 3  # the lr really changed along the way


@pytest.mark.parametrize("first,second", [("step", "cosine"), ("cosine_eta_min", "step"), ("step", "lambda")])
def test_chained_schedulers_match_pytorch(first, second):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, groups=1)
    ours_s = [SCHEDULES[first](lr_scheduler, ours), SCHEDULES[second](lr_scheduler, ours)]
    theirs_s = [SCHEDULES[first](torch.optim.lr_scheduler, theirs),
                SCHEDULES[second](torch.optim.lr_scheduler, theirs)]
    got, want = _run(torch, ours, theirs, (ours_s, theirs_s), 35)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_a_scheduled_optimizer_follows_pytorchs_trajectory():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    start = rng.standard_normal((4, 3))
    grads = [rng.standard_normal((4, 3)) for _ in range(30)]
    p, t = nn.Parameter(start.copy()), torch.tensor(start.copy(), requires_grad=True)
    ours, theirs = optim.Adam([p], lr=0.05), torch.optim.Adam([t], lr=0.05)
    s_ours = lr_scheduler.CosineAnnealingLR(ours, T_max=12, eta_min=0.001)
    s_theirs = torch.optim.lr_scheduler.CosineAnnealingLR(theirs, T_max=12, eta_min=0.001)
    for g in grads:
        p.grad, t.grad = Tensor(g), torch.from_numpy(g.copy())
        ours.step()
        theirs.step()
        s_ours.step()
        s_theirs.step()
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert ours.param_groups[0]["lr"] == pytest.approx(theirs.param_groups[0]["lr"], rel=1e-12)
