import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, optim


def quadratic_steps(opt_factory, start=1.0, steps=2):
    """Minimise f(p) = p² from p = start; return p after each step."""
    p = nn.Parameter(np.array([start]))
    opt = opt_factory([p])
    values = []
    for _ in range(steps):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
        values.append(p.item())
    return values


def test_sgd_worked_values_momentum_and_weight_decay():
    # f = p², g = 2p + 0.1 p;  b1 = g1 = 2.1, p1 = 1 - 0.1·2.1 = 0.79
    # g2 = 2.1·0.79 = 1.659, b2 = 0.9·2.1 + 1.659 = 3.549, p2 = 0.79 - 0.3549 = 0.4351
    values = quadratic_steps(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1))
    np.testing.assert_allclose(values, [0.79, 0.4351], rtol=1e-12)


def test_sgd_plain_and_nesterov_worked_values():
    np.testing.assert_allclose(quadratic_steps(lambda ps: optim.SGD(ps, lr=0.25)), [0.5, 0.25])
    # nesterov: b1 = 2, d1 = 2 + 0.5·2 = 3, p1 = 1 - 0.1·3 = 0.7
    # g2 = 1.4, b2 = 0.5·2 + 1.4 = 2.4, d2 = 1.4 + 1.2 = 2.6, p2 = 0.7 - 0.26 = 0.44
    values = quadratic_steps(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.5, nesterov=True))
    np.testing.assert_allclose(values, [0.7, 0.44], rtol=1e-12)


def test_adam_two_steps_worked_by_hand():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    # step 1: g = 2, m = 0.2, v = 0.004, m̂ = 2, v̂ = 4 -> p1 = 1 - 0.1·2/(2 + eps) ≈ 0.9
    p1 = 1 - lr / (1 - b1) * 0.2 / (math.sqrt(0.004) / math.sqrt(1 - b2) + eps)
    # step 2: g = 2 p1 = 1.8, m = 0.9·0.2 + 0.1·1.8 = 0.36, v = 0.999·0.004 + 0.001·1.8² = 0.007236
    g2 = 2 * p1
    m2 = b1 * 0.2 + (1 - b1) * g2
    v2 = b2 * 0.004 + (1 - b2) * g2 ** 2
    p2 = p1 - lr / (1 - b1 ** 2) * m2 / (math.sqrt(v2) / math.sqrt(1 - b2 ** 2) + eps)
    assert p1 == pytest.approx(0.9, abs=1e-8)
    assert p2 == pytest.approx(0.8004118, abs=1e-6)
    values = quadratic_steps(lambda ps: optim.Adam(ps, lr=lr))
    np.testing.assert_allclose(values, [p1, p2], rtol=1e-12)


def test_adam_weight_decay_worked_first_step():
    # g = 2p + 0.5p = 2.5 at p = 1; Adam's first step moves by lr·g/|g| = lr, whatever g is
    values = quadratic_steps(lambda ps: optim.Adam(ps, lr=0.05, weight_decay=0.5), steps=1)
    np.testing.assert_allclose(values, [1 - 0.05 * 2.5 / (2.5 + 1e-8)], rtol=1e-12)


def test_params_without_grad_are_skipped_and_state_buffers_updated_in_place():
    a, b = nn.Parameter(np.ones(3)), nn.Parameter(np.ones(2))
    opt = optim.Adam([a, b], lr=0.1)
    (a * a).sum().backward()
    opt.step()
    np.testing.assert_array_equal(b.data, np.ones(2))
    assert opt.state[1] == {}
    buffers = [id(opt.state[0][k]) for k in ("exp_avg", "exp_avg_sq")]
    opt.zero_grad()
    (a * a).sum().backward()
    opt.step()
    assert buffers == [id(opt.state[0][k]) for k in ("exp_avg", "exp_avg_sq")]
    assert opt.state[0]["step"] == 2 and set(opt.state[0]) == {"step", "exp_avg", "exp_avg_sq"}


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
    lambda ps: optim.Adam(ps, lr=0.1, weight_decay=0.1),
])
def test_step_updates_in_place_bumps_version_and_never_touches_grad(make):
    p = nn.Parameter(np.array([1.0, -2.0]))
    data_id = id(p.data)
    opt = make([p])
    (p * p).sum().backward()
    grad_before = p.grad.data.copy()
    version = p._version[0]
    opt.step()
    assert id(p.data) == data_id and p._version[0] == version + 1
    np.testing.assert_array_equal(p.grad.data, grad_before)
    assert not p.requires_grad or p.grad.requires_grad is False


def test_step_invalidates_a_graph_that_saved_the_old_values():
    p = nn.Parameter(np.array([1.0, 2.0]))
    loss = (p * p).sum()
    loss.backward()
    optim.SGD([p], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified by an in-place"):
        loss.backward()


def test_zero_grad_sets_none():
    p = nn.Parameter(np.ones(2))
    opt = optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    opt.zero_grad()
    assert p.grad is None


def test_bad_arguments_raise_clear_errors():
    p = nn.Parameter(np.ones(2))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="model.parameters"):
        optim.Adam(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        optim.SGD([p], lr=-1)
    with pytest.raises(ValueError, match="betas"):
        optim.Adam([p], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="nesterov"):
        optim.SGD([p], lr=0.1, nesterov=True)


def test_duplicate_parameters_updated_once():
    p = nn.Parameter(np.array([1.0]))
    opt = optim.SGD([p, p], lr=0.25)
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_allclose(p.data, [0.5])


def test_optimizer_state_dict_round_trip_continues_identically():
    def run(steps, resume_from=None):
        tg.manual_seed(0)
        lin = nn.Linear(3, 2, dtype=np.float64)
        opt = optim.Adam(lin.parameters(), lr=0.05)
        if resume_from is not None:
            lin.load_state_dict(resume_from[0])
            opt.load_state_dict(resume_from[1])
        x = Tensor(np.arange(6.0).reshape(2, 3))
        for _ in range(steps):
            opt.zero_grad()
            F.cross_entropy(lin(x), [0, 1]).backward()
            opt.step()
        return lin, opt

    full, _ = run(4)
    half, opt = run(2)
    resumed, _ = run(2, resume_from=(half.state_dict(), opt.state_dict()))
    np.testing.assert_allclose(resumed.weight.data, full.weight.data, rtol=1e-12)


# --- against PyTorch ------------------------------------------------------------------------

OPTIMIZERS = {
    "sgd_momentum_weight_decay": (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
                                  lambda ps, t: t.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01)),
    "sgd_nesterov": (lambda ps: optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True),
                     lambda ps, t: t.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True)),
    "sgd_dampening": (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.3),
                      lambda ps, t: t.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.3)),
    "adam": (lambda ps: optim.Adam(ps, lr=0.01),
             lambda ps, t: t.optim.Adam(ps, lr=0.01)),
    "adam_weight_decay_betas": (lambda ps: optim.Adam(ps, lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1),
                                lambda ps, t: t.optim.Adam(ps, lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1)),
}


@pytest.mark.parametrize("kind", sorted(OPTIMIZERS))
def test_five_steps_match_pytorch(kind):
    torch = pytest.importorskip("torch")
    ours_factory, torch_factory = OPTIMIZERS[kind]
    rng = np.random.default_rng(42)
    x = rng.standard_normal((8, 4))
    y = rng.integers(0, 3, 8)

    model = nn.Sequential(nn.Linear(4, 5, dtype=np.float64), nn.Tanh(), nn.Linear(5, 3, dtype=np.float64))
    reference = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
    with torch.no_grad():
        for name, value in reference.named_parameters():
            value.copy_(torch.from_numpy(model.state_dict()[name]))

    ours, theirs = ours_factory(model.parameters()), torch_factory(reference.parameters(), torch)
    for _ in range(5):
        ours.zero_grad()
        F.cross_entropy(model(Tensor(x)), y).backward()
        ours.step()
        theirs.zero_grad()
        torch.nn.functional.cross_entropy(reference(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        theirs.step()
    for name, value in reference.named_parameters():
        np.testing.assert_allclose(model.state_dict()[name], value.detach().numpy(), atol=1e-6, rtol=0,
                                   err_msg=name)


def test_gradient_of_wrong_shape_is_refused():
    p = nn.Parameter(np.ones(3), name="w")
    p.grad = np.ones(2)
    with pytest.raises(ValueError, match=r"w of shape \(3,\) has a gradient of shape \(2,\)"):
        optim.SGD([p], lr=0.1).step()


def test_hyperparameters_live_in_param_groups_and_a_changed_lr_takes_effect():
    p = nn.Parameter(np.array([1.0]))
    opt = optim.SGD([p], lr=0.1, momentum=0.0)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["params"][0] is p
    opt.param_groups[0]["lr"] = 0.25
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_allclose(p.data, [0.5])  # 1 - 0.25·2


def test_param_groups_given_as_dicts_take_their_own_hyperparameters():
    a, b = nn.Parameter(np.array([1.0])), nn.Parameter(np.array([1.0]))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.25}], lr=0.1, momentum=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.25]
    assert [g["momentum"] for g in opt.param_groups] == [0.5, 0.5]
    (a * a + b * b).sum().backward()
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [0.8, 0.5])
    saved = opt.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0], [1]]
    assert saved["param_groups"][1]["lr"] == 0.25 and "momentum_buffer" in saved["state"][1]


def test_param_group_errors():
    a = nn.Parameter(np.ones(2))
    with pytest.raises(ValueError, match="unknown hyper-parameter.*'betas'"):
        optim.SGD([{"params": [a], "betas": (0.9, 0.9)}], lr=0.1)
    with pytest.raises(ValueError, match="already in another parameter group"):
        optim.SGD([{"params": [a]}, {"params": [a]}], lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        optim.Adam([{"params": [a], "lr": -1.0}])
    opt = optim.SGD([a], lr=0.1)
    other = optim.SGD([a, nn.Parameter(np.ones(1))], lr=0.1)
    with pytest.raises(ValueError, match="1 parameters.*this optimizer has 2"):
        other.load_state_dict(opt.state_dict())
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: expected a dict with 'state' and "
                                         r"'param_groups'.*'defaults'"):
        opt.load_state_dict({"defaults": {"lr": 0.1}, "state": [{}]})


def test_load_state_dict_restores_the_groups_hyperparameters():
    p = nn.Parameter(np.ones(2))
    opt = optim.Adam([p], lr=0.1)
    opt.param_groups[0]["lr"] = 0.02
    fresh = optim.Adam([p], lr=0.1)
    fresh.load_state_dict(opt.state_dict())
    assert fresh.param_groups[0]["lr"] == 0.02 and fresh.param_groups[0]["params"][0] is p


# --- AdamW, RMSprop: worked by hand ---------------------------------------------------------

def test_adamw_worked_first_two_steps():
    # f = p², p0 = 1, lr = 0.1, λ = 0.5: p ← (1 − lr λ) p first, then Adam's step on g = 2p (no λ in g)
    lr, wd, b1, b2, eps = 0.1, 0.5, 0.9, 0.999, 1e-8
    p1 = (1 - lr * wd) * 1.0 - lr * 2.0 / (2.0 + eps)          # Adam's first step moves by lr
    g2 = 2 * p1
    m2, v2 = b1 * 0.2 + (1 - b1) * g2, b2 * 0.004 + (1 - b2) * g2 ** 2
    p2 = (1 - lr * wd) * p1 - lr / (1 - b1 ** 2) * m2 / (math.sqrt(v2) / math.sqrt(1 - b2 ** 2) + eps)
    values = quadratic_steps(lambda ps: optim.AdamW(ps, lr=lr, weight_decay=wd))
    np.testing.assert_allclose(values, [p1, p2], rtol=1e-12)
    assert p1 == pytest.approx(0.85, abs=1e-7)
    assert optim.AdamW([nn.Parameter(np.ones(1))]).param_groups[0]["weight_decay"] == 0.01


def test_rmsprop_worked_first_two_steps():
    # g = 2p; v1 = 0.01·4 = 0.04, p1 = 1 − 0.01·2/(0.2 + ε) ≈ 0.9
    lr, alpha, eps = 0.01, 0.99, 1e-8
    p1 = 1 - lr * 2 / (math.sqrt(0.04) + eps)
    v2 = alpha * 0.04 + (1 - alpha) * (2 * p1) ** 2
    p2 = p1 - lr * (2 * p1) / (math.sqrt(v2) + eps)
    np.testing.assert_allclose(quadratic_steps(lambda ps: optim.RMSprop(ps)), [p1, p2], rtol=1e-12)
    assert p1 == pytest.approx(0.9, abs=1e-7)
    # momentum μ = 0.5: b1 = g/d = 2/0.2 = 10, p1 = 1 − 0.01·10 = 0.9; b2 = 5 + g2/d2
    b2 = 0.5 * 2 / (math.sqrt(0.04) + eps) + (2 * p1) / (math.sqrt(v2) + eps)
    np.testing.assert_allclose(quadratic_steps(lambda ps: optim.RMSprop(ps, momentum=0.5)), [p1, p1 - lr * b2],
                               rtol=1e-12)
    # centered: ḡ1 = 0.01·2 = 0.02, d1 = √(0.04 − 0.0004) ≈ 0.19900, p1 = 1 − 0.02/d1
    np.testing.assert_allclose(quadratic_steps(lambda ps: optim.RMSprop(ps, centered=True), steps=1),
                               [1 - lr * 2 / (math.sqrt(0.04 - 0.02 ** 2) + eps)], rtol=1e-12)


def test_rmsprop_and_adamw_reject_bad_hyperparameters():
    p = nn.Parameter(np.ones(2))
    with pytest.raises(ValueError, match="RMSprop: .*alpha=-0.1"):
        optim.RMSprop([p], alpha=-0.1)
    with pytest.raises(ValueError, match="AdamW: lr, eps and weight_decay"):
        optim.AdamW([p], weight_decay=-1)
    with pytest.raises(ValueError, match="AdamW: betas"):
        optim.AdamW([p], betas=(0.9, 1.0))


# --- every optimizer against PyTorch: same start, same gradients, 12 steps ------------------

TRAJECTORIES = {
    "sgd": ({"lr": 0.1}, "SGD"),
    "sgd_momentum_dampening_wd": ({"lr": 0.1, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.05}, "SGD"),
    "sgd_nesterov": ({"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}, "SGD"),
    "adam": ({"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.1}, "Adam"),
    "adamw_default": ({}, "AdamW"),
    "adamw": ({"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.3}, "AdamW"),
    "rmsprop_default": ({}, "RMSprop"),
    "rmsprop_momentum_wd": ({"lr": 0.02, "alpha": 0.9, "eps": 1e-6, "momentum": 0.9, "weight_decay": 0.1},
                            "RMSprop"),
    "rmsprop_centered": ({"lr": 0.01, "centered": True}, "RMSprop"),
    "rmsprop_centered_momentum": ({"lr": 0.01, "centered": True, "momentum": 0.5}, "RMSprop"),
}


@pytest.mark.parametrize("kind", sorted(TRAJECTORIES))
def test_twelve_steps_match_pytorch_step_for_step(kind):
    torch = pytest.importorskip("torch")
    kwargs, cls = TRAJECTORIES[kind]
    rng = np.random.default_rng(7)
    starts = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    grads = [[rng.standard_normal(s.shape) for s in starts] for _ in range(12)]
    ours = [nn.Parameter(s.copy()) for s in starts]
    theirs = [torch.tensor(s.copy(), requires_grad=True) for s in starts]
    opt = getattr(optim, cls)(ours, **({"lr": 0.1} if cls == "SGD" and not kwargs else kwargs))
    ref = getattr(torch.optim, cls)(theirs, **({"lr": 0.1} if cls == "SGD" and not kwargs else kwargs))
    moved = [0.0, 0.0]
    for step, gs in enumerate(grads):
        for i, (p, t, g) in enumerate(zip(ours, theirs, gs)):
            skip = i == 1 and step % 3 == 2   # the second parameter has no gradient every third step
            p.grad = None if skip else Tensor(g)
            t.grad = None if skip else torch.from_numpy(g.copy())
        before = [p.data.copy() for p in ours]
        opt.step()
        ref.step()
        for i, (p, t) in enumerate(zip(ours, theirs)):
            np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-12, atol=1e-14,
                                       err_msg=f"{kind}: parameter {i} after step {step + 1}")
            moved[i] += np.abs(p.data - before[i]).max()
    assert min(moved) > 1e-3  # the comparison is not between two parameters that stood still
