"""viz.TrainingMonitor: what it records (checked against numpy on the same arrays), what
diagnose() names for each planted fault, and its bad input."""
import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, optim, viz
from tinygrad_edu.viz.monitor_stats import SAMPLE


def data(n=64, d=8, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64) + 2 * (X[:, 1] > 0)


def mlp(act=nn.Tanh, d=8, hidden=16, classes=4, seed=0):
    tg.manual_seed(seed)
    return nn.Sequential(nn.Linear(d, hidden), act(), nn.Linear(hidden, hidden), act(), nn.Linear(hidden, classes))


def train(model, mon, steps=20, lr=0.05, X=None, y=None, opt=None):
    if X is None:
        X, y = data()
    opt = opt or optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = F.cross_entropy(model(Tensor(X)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        mon.record(loss)
    return opt


def test_a_healthy_network_gets_no_finding():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    train(model, mon, steps=40)
    assert mon.diagnose() == []
    assert len(mon.history) == 40
    assert mon.num_classes == 4


def test_recorded_numbers_match_numpy_on_the_same_arrays():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    X, y = data()
    opt = optim.SGD(model.parameters(), lr=0.1)
    outputs = {}
    handle = model[1].register_forward_hook(lambda m, i, o: outputs.__setitem__("1", o))
    before = {n: p.data.copy() for n, p in model.named_parameters()}
    loss = F.cross_entropy(model(Tensor(X)), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    mon.record(loss)
    handle.remove()
    entry = mon.history[0]
    assert entry["step"] == 0 and entry["loss"] == pytest.approx(loss.item())
    a = outputs["1"].data.astype(np.float64)
    act = entry["activations"]["1"]
    assert act["mean"] == pytest.approx(a.mean(), rel=1e-5)
    assert act["std"] == pytest.approx(a.std(), rel=1e-4)
    assert act["saturated"] == pytest.approx(np.mean(np.abs(a) > 0.97))
    assert act["dead"] is None
    for name, p in model.named_parameters():
        got = entry["parameters"][name]
        g = p.grad.data.astype(np.float64).ravel()
        k = -(-g.size // SAMPLE)
        assert got["grad_std"] == pytest.approx(g[::k].std(), rel=1e-5)
        delta = (p.data.astype(np.float64) - before[name]).ravel()[::k]
        expected = math.log10(delta.std() / p.data.astype(np.float64).ravel()[::k].std())
        assert got["update_ratio"] == pytest.approx(expected, abs=1e-5)
        if g.size <= SAMPLE:  # every entry is followed: the exact std
            assert got["grad_std"] == pytest.approx(np.std(p.grad.data.astype(np.float64)), rel=1e-5)


def test_a_sampled_std_is_close_to_the_exact_one():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 4))
    mon = viz.TrainingMonitor(model)
    X = np.random.default_rng(0).standard_normal((32, 128)).astype(np.float32)
    y = np.arange(32) % 4
    train(model, mon, steps=1, X=X, y=y)
    g = model[0].weight.grad.data.astype(np.float64)
    assert model[0].weight.size > SAMPLE
    assert mon.history[0]["parameters"]["0.weight"]["grad_std"] == pytest.approx(g.std(), rel=0.1)


def test_dead_relu_share_and_the_finding():
    model = mlp(act=nn.ReLU)
    with tg.no_grad():
        model[0].bias.data[:12] = -100.0  # 12 of 16 units of layer 1 never fire
    mon = viz.TrainingMonitor(model)
    train(model, mon, steps=3)
    assert mon.history[-1]["activations"]["1"]["dead"] == pytest.approx(12 / 16)
    assert mon.history[-1]["activations"]["1"]["saturated"] is None
    found = [f for f in mon.diagnose() if f.kind == "dead_units"]
    assert [f.where for f in found] == ["1"] and found[0].step == 2
    assert "75%" in found[0].message and "layer 1 ReLU" in found[0].message


def test_overconfident_init_and_saturation_are_named():
    model = mlp()
    with tg.no_grad():
        for i in (0, 2):
            model[i].weight.data *= 30.0   # tanh saturated
        model[4].weight.data *= 40.0       # confidently wrong output
    mon = viz.TrainingMonitor(model)
    train(model, mon, steps=10, lr=0.01)
    kinds = {(f.kind, f.where) for f in mon.diagnose()}
    assert ("overconfident_init", None) in kinds
    assert ("saturated", "1") in kinds and ("saturated", "3") in kinds
    first = next(f for f in mon.diagnose() if f.kind == "overconfident_init")
    assert first.step == 0 and f"{mon.history[0]['loss']:.3g}" in first.message and "ln 4" in first.message


def test_update_ratio_high_and_low():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    train(model, mon, steps=5, lr=20.0)
    assert any(f.kind == "update_ratio_high" for f in mon.diagnose())
    model = mlp()
    mon = viz.TrainingMonitor(model)
    train(model, mon, steps=5, lr=1e-7)
    low = [f for f in mon.diagnose() if f.kind == "update_ratio_low"]
    assert {f.where for f in low} == {"0.weight", "2.weight", "4.weight"}  # weights only, not biases


def test_thresholds_are_keyword_arguments():
    model = mlp()
    mon = viz.TrainingMonitor(model, update_ratio_high=-4.0)
    train(model, mon, steps=5)
    assert any(f.kind == "update_ratio_high" for f in mon.diagnose())
    with pytest.raises(TypeError, match="unknown threshold 'saturation'"):
        viz.TrainingMonitor(model, saturation=0.5)


def test_an_exploding_gradient_is_named():
    model = mlp(act=nn.ReLU)
    mon = viz.TrainingMonitor(model)
    X, y = data()
    opt = train(model, mon, steps=10, X=X, y=y, lr=0.01)
    train(model, mon, steps=1, X=X * 1e4, y=y, opt=opt)  # ∂L/∂W1 = δ xᵀ leaps with x
    found = [f for f in mon.diagnose() if f.kind == "exploding_gradient"]
    assert found and found[0].where == "0.weight" and found[0].step == 10
    assert "typical size" in found[0].message


def test_a_nan_loss_is_a_finding_not_a_crash():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    X, y = data()
    X = X.copy()
    X[0, 0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning either
        train(model, mon, steps=3, X=X, y=y)
        findings = mon.diagnose()
        mon.table()
    kinds = [f.kind for f in findings]
    assert kinds[0] == "loss_not_finite" and findings[0].step == 0 and "nan" in findings[0].message
    assert "exploding_gradient" in kinds


def test_record_before_backward_says_what_to_call():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    X, y = data()
    loss = F.cross_entropy(model(Tensor(X)), y)
    with pytest.raises(RuntimeError, match=r"call loss.backward\(\) and optimizer.step\(\) first"):
        mon.record(loss)
    loss.backward()
    mon.record(loss)  # now it works, and counts as the first step
    assert mon.history[0]["step"] == 0


def test_a_model_without_activation_modules_still_watches_its_parameters():
    class Functional(nn.Module):
        def __init__(self):
            self.fc1, self.fc2 = nn.Linear(8, 16), nn.Linear(16, 4)

        def forward(self, x):
            return self.fc2(self.fc1(x).relu())

    model = Functional()
    with pytest.warns(UserWarning, match=r"no activation modules .*x.relu\(\).*watching its 4 parameters"):
        mon = viz.TrainingMonitor(model)
    train(model, mon, steps=3)
    assert set(mon.history[-1]["parameters"]) == {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}
    assert mon.history[-1]["activations"] == {}
    assert "no activation modules" in mon.table()
    assert mon.diagnose() == []


def test_every_records_one_step_in_n_with_one_steps_change():
    model = mlp()
    mon = viz.TrainingMonitor(model, every=5)
    X, y = data()
    opt = optim.SGD(model.parameters(), lr=0.1)
    ratios = []
    for step in range(12):
        before = model[0].weight.data.copy()
        loss = F.cross_entropy(model(Tensor(X)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        mon.record(loss)
        if step % 5 == 0:
            w = model[0].weight.data.astype(np.float64).ravel()
            ratios.append(math.log10((w - before.ravel()).std() / w.std()))
    assert [e["step"] for e in mon.history] == [0, 5, 10]
    got = [e["parameters"]["0.weight"]["update_ratio"] for e in mon.history]
    assert got == pytest.approx(ratios, abs=1e-4)  # one step's change, not five
    with pytest.raises(ValueError, match="every must be a whole number"):
        viz.TrainingMonitor(model, every=0)


def test_eval_passes_under_no_grad_are_not_recorded():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    X, y = data()
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = F.cross_entropy(model(Tensor(X)), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    with tg.no_grad():
        model(Tensor(X[:5] * 100))  # a validation pass between backward and record
    mon.record(loss)
    assert mon.history[0]["activations"]["1"]["saturated"] < 0.5


def test_many_steps_and_a_last_smaller_batch():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    X, y = data(n=70)
    opt = optim.SGD(model.parameters(), lr=0.05)
    for _ in range(45):
        for start in range(0, 70, 32):   # 32, 32, 6
            loss = F.cross_entropy(model(Tensor(X[start:start + 32])), y[start:start + 32])
            opt.zero_grad()
            loss.backward()
            opt.step()
            mon.record(loss)
    assert [e["step"] for e in mon.history] == list(range(135))  # more than one block of steps
    assert all("1" in e["activations"] for e in mon.history)
    small = mon.history[134]["activations"]["1"]  # the batch of 6
    assert math.isfinite(small["mean"]) and 0 <= small["saturated"] <= 1


def test_table_html_repr_and_names_as_a_person_counts():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    assert "nothing recorded" in mon.table()
    train(model, mon, steps=3)
    text = mon.table()
    assert "layer 1 Tanh" in text and "layer 2 Tanh" in text and "layer 3 weight" in text
    assert "step 2" in text and "0.weight" in text
    html = mon._repr_html_()
    assert html.count("<table") == 2 and "no problem found" in html
    assert "3 steps recorded" in repr(mon)


def test_plot_four_panels(tmp_path):
    pytest.importorskip("matplotlib")
    model = mlp()
    mon = viz.TrainingMonitor(model)
    with pytest.raises(RuntimeError, match="nothing recorded"):
        mon.plot()
    train(model, mon, steps=5)
    fig = mon.plot(tmp_path / "m.png")
    assert (tmp_path / "m.png").stat().st_size > 10_000
    titles = [ax.get_title() for ax in fig.axes]
    assert any("Activations" in t for t in titles) and any("Gradients" in t for t in titles)
    assert any("Update" in t for t in titles) and "Loss" in titles
    guide = [line for line in fig.axes[2].get_lines() if line.get_label() == "10⁻³ guide"]
    assert guide and guide[0].get_ydata()[0] == -3.0
    mon.plot(tmp_path / "m.svg")
    with pytest.raises(ValueError, match="must end in .png"):
        mon.plot(tmp_path / "m.gif")


def test_bad_model():
    with pytest.raises(TypeError, match="watches an nn.Module"):
        viz.TrainingMonitor([Tensor([1.0], requires_grad=True)])
    with pytest.raises(ValueError, match="no parameters that require grad"):
        viz.TrainingMonitor(nn.Sequential(nn.ReLU()))


def test_remove_detaches_the_hooks():
    model = mlp()
    mon = viz.TrainingMonitor(model)
    mon.remove()
    model(Tensor(data()[0]))
    assert mon._latest == {}
