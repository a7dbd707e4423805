"""The charts' details outside the graph: one way to name layers, charts a reader can
tell apart, plot_gradient_flow's labels and ticks, PyTorch's init in the vanishing comparison,
a figure shown once in Jupyter."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, optim, viz
from tinygrad_edu.viz import figures
from tinygrad_edu.viz.names import counted_labels


def test_sequential_layers_are_counted_as_a_person_counts_them():
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(),
                          nn.Dropout(0.1), nn.Linear(8, 2))
    labels = counted_labels(model)
    assert labels == {"0": "layer 1", "1": "layer 1 BatchNorm1d", "2": "layer 1 Tanh", "3": "layer 2",
                      "4": "layer 2 ReLU", "5": "layer 2 Dropout", "6": "layer 3"}

    class Named(nn.Module):
        def __init__(self):
            self.fc1, self.act = nn.Linear(2, 2), nn.ReLU()
            self.block = nn.Sequential(nn.Linear(2, 2), nn.Tanh())

    assert counted_labels(Named()) == {"fc1": "fc1", "act": "act", "block": "block",
                                       "block.0": "block layer 1", "block.1": "block layer 1 Tanh"}


def test_the_recorder_names_norms_and_dead_relus_the_same_way():
    tg.manual_seed(0)
    layers = []
    for _ in range(9):
        layers += [nn.Linear(6, 6), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(6, 1))
    rec = viz.GradientFlowRecorder(model)
    x = Tensor(np.random.default_rng(0).standard_normal((16, 6)).astype(np.float32))
    loss = model(x).sum()
    loss.backward()
    entry = rec.record(loss)
    assert list(entry["norms"]) == [f"layer {k}" for k in range(1, 11)]
    assert list(entry["dead_relu"]) == [f"layer {k}" for k in range(1, 10)]
    head = rec.table().splitlines()[0]
    assert "‖∇layer 10‖" in head and "dead ReLU layer 9" in head and "‖∇18‖" not in head


def test_the_training_chart_is_large_and_its_lines_distinct(tmp_path):
    pytest.importorskip("matplotlib")
    comparison = viz.vanishing_gradient_comparison(steps=4)
    fig = comparison.recorders["relu"].plot(tmp_path / "t.png")
    width, height = fig.get_size_inches() * fig.dpi
    assert width >= 1300 and height >= 500
    colors = [tuple(line.get_color()) for line in fig.axes[0].get_lines()]
    assert len(colors) == 10 and len(set(colors)) == 10          # ten layers, ten colours
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert sorted(labels) == sorted(f"layer {k}" for k in range(1, 11))   # each line named at its end


def test_plot_gradient_flow_takes_a_ylabel_and_thins_its_ticks():
    pytest.importorskip("matplotlib")
    fig = viz.plot_gradient_flow({"deep": np.geomspace(1e-6, 1, 50)}, ylabel="‖∂L/∂a‖ (log scale)")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "‖∂L/∂a‖ (log scale)"
    ticks = [t for t in ax.get_xticks() if 1 <= t <= 50]
    assert 3 <= len(ticks) <= 14 and all(float(t).is_integer() for t in ticks)
    few = viz.plot_gradient_flow({"shallow": [1.0, 0.5, 0.25]})
    assert list(few.axes[0].get_xticks()) == [1, 2, 3] and few.axes[0].get_ylabel() == "‖dL/dW‖ (log scale)"


def test_the_vanishing_comparison_shows_pytorchs_default_init_too():
    comparison = viz.vanishing_gradient_comparison(steps=1)
    assert set(comparison.recorders) == {"sigmoid", "relu", "sigmoid, PyTorch init", "relu, PyTorch init"}
    he, default = comparison.first_last_ratio("relu"), comparison.first_last_ratio("relu, PyTorch init")
    assert he > 0.1 and default < 1e-2                            # ReLU's gradient fades with PyTorch's init
    norms = comparison.weight_norms("relu, PyTorch init")
    assert norms[0] < 1e-3 < 0.05 < norms[-1]
    assert "relu, PyTorch init: layer1/layer10" in comparison.table()


def test_a_figure_is_taken_out_of_pyplot_under_jupyters_inline_backend(monkeypatch):
    plt = pytest.importorskip("matplotlib.pyplot")
    monkeypatch.setattr(figures, "_inline_backend", lambda: True)
    fig = viz.plot_gradient_through_time({"rnn": [1e-3, 1e-2, 1.0]})
    assert fig.number not in plt.get_fignums()   # shown once, as the cell's value
    monkeypatch.setattr(figures, "_inline_backend", lambda: False)
    fig = viz.plot_gradient_through_time({"rnn": [1e-3, 1e-2, 1.0]})
    assert fig.number in plt.get_fignums()       # a script keeps it for plt.show()
    plt.close(fig)


def test_the_monitor_and_the_recorder_name_a_layer_alike():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    mon = viz.TrainingMonitor(model)
    rec = viz.GradientFlowRecorder(model)
    x = Tensor(np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32))
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = F.cross_entropy(model(x), np.arange(8) % 3)
    opt.zero_grad()
    loss.backward()
    rec.record(loss)
    opt.step()
    mon.record(loss)
    assert rec.layers == ["layer 1", "layer 2"]
    assert mon.label("1") == "layer 1 Tanh" and mon.param_label("2.weight") == "layer 2 weight"
