import builtins
import shutil

import numpy as np
import pytest

from tinygrad_edu import Tensor, viz
from tinygrad_edu.viz import flow


@pytest.fixture(scope="module")
def comparison():
    return viz.vanishing_gradient_comparison(steps=3)


def test_sigmoid_first_layer_gradient_vanishes_relu_does_not(comparison):
    sig, relu = comparison.first_last_ratio("sigmoid"), comparison.first_last_ratio("relu")
    assert sig < 1e-2
    assert relu > 1e-1
    assert relu / sig > 1e3
    norms = comparison.weight_norms("sigmoid")
    assert len(norms) == 10
    # the sigmoid network's gradient shrinks layer after layer going back
    assert sum(a < b for a, b in zip(norms, norms[1:])) >= 8
    assert "sigmoid network" in comparison.table() and "layer1/layer10" in comparison.table()


def test_recorder_norms_are_the_parameters_gradient_norms():
    rng = np.random.default_rng(0)
    W1 = Tensor(rng.standard_normal((3, 2)), requires_grad=True, name="W1")
    b1 = Tensor(np.zeros((3, 1)), requires_grad=True, name="b1")
    W2 = Tensor(rng.standard_normal((1, 3)), requires_grad=True, name="W2")
    X = Tensor(rng.standard_normal((2, 5)))
    A1 = (W1 @ X + b1).relu()
    loss = (W2 @ A1).sum()
    loss.backward()
    rec = viz.GradientFlowRecorder({"W1": W1, "b1": b1, "W2": W2}, batch_axis=1)
    entry = rec.record(loss)
    assert rec.layers == ["layer 1", "layer 2"]
    expected = np.sqrt(np.sum(W1.grad.data ** 2) + np.sum(b1.grad.data ** 2))
    assert entry["norms"]["layer 1"] == pytest.approx(expected)
    assert entry["norms"]["layer 2"] == pytest.approx(np.linalg.norm(W2.grad.data))
    dead = np.mean(~np.any(A1.data > 0, axis=1))
    assert list(entry["dead_relu"].values()) == [pytest.approx(dead)]
    table = rec.table()
    assert "‖∇layer 1‖" in table and f"{expected:.3e}" in table


def test_dead_relu_share_counts_units_that_never_fire():
    x = Tensor(np.array([[1.0, -1.0, 2.0], [3.0, -2.0, -1.0]]), requires_grad=True)
    h = x.relu()
    loss = h.sum()
    loss.backward()
    rec = viz.GradientFlowRecorder([("x", x)])
    assert list(rec.record(loss)["dead_relu"].values()) == [pytest.approx(1 / 3)]


def test_layer_names():
    assert flow.layer_of("fc1.weight") == "fc1"
    assert flow.layer_of("layers.0.bias") == "layers.0"
    assert flow.layer_of("W3") == "layer 3" and flow.layer_of("b3") == "layer 3"
    assert flow.layer_of("weights") == "weights"


def test_chart_with_matplotlib(comparison, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    fig = comparison.plot(tmp_path / "v.png")
    fig2 = comparison.recorders["relu"].plot(tmp_path / "t.png")
    plt.close(fig)
    plt.close(fig2)
    for name in ("v.png", "t.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_matplotlib_a_table_is_printed(comparison, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    assert comparison.plot() is None
    assert comparison.recorders["sigmoid"].plot() is None
    out = capsys.readouterr().out
    assert "sigmoid, He: randn·√(2/fan_in)   (layer 1 / layer 10" in out and "relu, He" in out
    assert "relu, U(±1/√fan_in), PyTorch's default" in out and "‖∇layer 10‖" in out


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graph_command_writes_the_three_networks(tmp_path):
    pytest.importorskip("tinygrad_edu.documents")
    from tinygrad_edu.cli import main
    for key in ("000", "001", "002"):
        out = tmp_path / f"g{key}.svg"
        assert main(["graph", "--network", key, "--out", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert "<svg" in text and "matmul" in text
    assert main(["graph", "--network", "all", "--out", str(tmp_path / "all")]) == 0
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "graph_000.svg", "graph_001.svg", "graph_002.svg"]
    out = tmp_path / "g.png"
    assert main(["graph", "--network", "001", "--format", "png", "--color-by", "grad",
                 "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_graph_command_without_dot(tmp_path, monkeypatch, capsys):
    pytest.importorskip("tinygrad_edu.documents")
    from tinygrad_edu.cli import main
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["graph", "--network", "000", "--out", str(tmp_path / "g.svg")]) == 1
    assert "brew install graphviz" in capsys.readouterr().out


def test_recorder_with_an_nn_module_and_optimizer():
    nn = pytest.importorskip("tinygrad_edu.nn")
    optim = pytest.importorskip("tinygrad_edu.optim")
    import tinygrad_edu as tg
    import tinygrad_edu.functional as F
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = optim.SGD(model.parameters(), lr=0.1)
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((16, 4)).astype(np.float32))
    y = rng.integers(0, 3, 16)
    rec = viz.GradientFlowRecorder(model)
    for _ in range(3):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        rec.record(loss)
        opt.step()
    assert rec.layers == ["layer 1", "layer 2"]   # as a person counts them, not Sequential's 0 and 2
    assert len(rec.history) == 3 and all(v > 0 for v in rec.history[0]["norms"].values())
    assert list(rec.history[0]["dead_relu"]) == ["layer 1"]  # the ReLU after layer 1: one name for both
    assert "‖∇layer 1‖" in rec.table() and "dead ReLU layer 1" in rec.table()


def test_graph_and_charts_share_one_layer_rule_and_one_name_collector():
    from tinygrad_edu.viz import names
    assert names.layer_of("W[2]") == "layer 2" and names.layer_of("W_1") == "layer 1"
    assert names.layer_of("weights2") == "layer 2" and names.layer_of("weights") is None
    assert flow.layer_of("W[2]") == "layer 2"        # the chart's column, by the same rule
    a, b = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True, name="b3")
    assert names.named_params([("W3", a), b]) == [("W3", a), ("b3", b)]
    loss = (a * b).sum()
    src = viz.draw_graph(loss, params=[("W3", a), b]).source   # (name, tensor) pairs, as the recorder takes
    assert src.count('label="layer 3"') == 1 and "<B>W3</B>" in src
