import os
import re
import shutil

import numpy as np
import pytest
from viz_fixtures import chain, two_layer

from tinygrad_edu import Tensor, viz
from tinygrad_edu.viz import colors

has_dot = shutil.which("dot") is not None


def test_graph_has_every_tensor_and_op_with_labels():
    loss, params, _ = two_layer()
    loss.backward()
    src = viz.draw_graph(loss).source
    for name in ("X", "Y", "W1", "b1", "W2", "b2", "Z1", "A1", "Z2", "A2", "loss"):
        assert f"<B>{name}</B>" in src
    for op in ("matmul", "add", "tanh", "sigmoid", "sub", "pow", "mean"):
        assert f"<B>{op}</B>" in src
    # each op's derivative label comes from its class
    assert "∂ = G·σ(1 − σ)" in src
    assert "∂A = G Bᵀ, ∂B = Aᵀ G" in src
    assert "∂ = G·(1 − tanh²)" in src
    # the 11 named tensors and the unnamed results of (A2 - Y) and (...) ** 2
    tensor_nodes = re.findall(r"^\s*t\d+ \[", src, re.M)
    op_nodes = re.findall(r"^\s*op\d+ \[", src, re.M)
    assert len(op_nodes) == 9
    assert len(tensor_nodes) >= 13


def test_small_tensors_show_values_and_gradients():
    loss, params, inter = two_layer()
    loss.backward()
    src = viz.draw_graph(loss).source
    w2 = params["W2"]
    value = viz.labels.array_text(w2.data).replace(" ", "\u00a0")
    grad = viz.labels.array_text(w2.grad.data).replace(" ", "\u00a0")
    assert value in src and grad in src
    assert "(2, 3) float64" in src
    # without show_data / show_grad the numbers are gone
    bare = viz.draw_graph(loss, show_data=False, show_grad=False).source
    assert value not in bare and grad not in bare and "<I>grad</I>" not in bare


def test_large_tensors_show_summary_statistics():
    x = Tensor(np.arange(100.0).reshape(10, 10), requires_grad=True, name="big")
    y = (x * 2.0).sum()
    y.backward()
    src = viz.draw_graph(y).source
    assert "mean" in src and "std" in src and "min" in src and "max" in src and "norm" in src
    assert "49.5" in src  # the mean of 0..99


def test_before_backward_gradients_say_none():
    loss, _, _ = two_layer()
    assert "<I>grad</I><BR/>" in viz.draw_graph(loss).source
    assert "None" in viz.draw_graph(loss).source


def test_color_by_grad_gives_different_colours_for_different_magnitudes():
    loss, x = chain(12)
    loss.backward()
    src = viz.draw_graph(loss, color_by="grad").source
    fills = re.findall(r'BGCOLOR="(#[0-9a-f]{6})"><TR><TD><FONT', src)
    assert len(set(fills)) >= 5
    # the input's gradient vanished: it is drawn in the "vanishing" end of the scale
    norm = np.linalg.norm(x.grad.data)
    assert norm < 1e-6
    assert colors.grad_color(norm) in fills
    assert "vanishing" in src and "exploding" in src  # the legend


def test_grad_colour_scale_is_monotone_and_readable():
    assert colors.grad_color(1e-9) == colors.SCALE[0][1]
    assert colors.grad_color(1e9) == colors.SCALE[-1][1]
    assert colors.grad_color(1e-6) != colors.grad_color(1e-2) != colors.grad_color(1e3)
    assert colors.grad_color(0.0) == colors.ZERO_GRAD and colors.grad_color(None) == colors.NO_GRAD
    assert colors.font_color(colors.SCALE[0][1]) == "#ffffff"
    assert colors.font_color("#ffffbf") == "#000000"


def test_bad_color_by_is_an_error():
    loss, _, _ = two_layer()
    with pytest.raises(ValueError, match="color_by"):
        viz.draw_graph(loss, color_by="value")


def test_module_layers_become_clusters():
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((3, 2)), name="x")
    w1 = Tensor(rng.standard_normal((2, 4)), requires_grad=True)
    w2 = Tensor(rng.standard_normal((4, 1)), requires_grad=True)

    class Model:
        def named_parameters(self):
            return [("fc1.weight", w1), ("fc2.weight", w2)]

    out = ((x @ w1).relu() @ w2).sum()
    src = viz.draw_graph(out, module=Model()).source
    assert "subgraph cluster_0" in src and "subgraph cluster_1" in src
    assert "label=fc1" in src and "label=fc2" in src
    assert "<B>fc1.weight</B>" in src and "<B>fc2.weight</B>" in src


def test_real_nn_module_clusters():
    nn = pytest.importorskip("tinygrad_edu.nn")

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(3, 4)
            self.fc2 = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc2(self.fc1(x).relu())

    net = Net()
    loss = net(Tensor(np.ones((2, 3), dtype=np.float32))).sum()
    src = viz.draw_graph(loss, module=net).source
    assert "<B>fc1.weight</B>" in src and "<B>fc2.bias</B>" in src
    assert "label=fc1" in src and "label=fc2" in src


def test_node_limit_says_what_was_left_out():
    loss, _ = chain(300)
    g = viz.draw_graph(loss, max_nodes=40)
    src = g.source
    nodes = re.findall(r"^\s*(?:t|op)\d+ \[", src, re.M)
    assert len(nodes) <= 40
    assert "more nodes not drawn" in src and "max_nodes=40" in src and "max_nodes=None" in src
    full = viz.draw_graph(loss, max_nodes=None).source
    assert "not drawn" not in full
    assert len(re.findall(r"^\s*(?:t|op)\d+ \[", full, re.M)) > 600


def test_deep_graph_no_recursion_limit():
    loss, _ = chain(3000)
    assert "not drawn" in viz.draw_graph(loss).source


@pytest.mark.skipif(not has_dot, reason="Graphviz's dot is not installed")
def test_render_svg_and_png(tmp_path):
    loss, _, _ = two_layer()
    loss.backward()
    svg = viz.to_svg(viz.draw_graph(loss, color_by="grad"))
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "sigmoid" in svg
    png = viz.render(viz.draw_graph(loss), tmp_path / "sub" / "g.png")
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_missing_dot_says_how_to_install(monkeypatch, tmp_path):
    loss, _, _ = two_layer()
    graph = viz.draw_graph(loss)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot` anywhere
    assert "digraph" in graph.source  # .source needs no Graphviz
    for attempt in (lambda: viz.to_svg(graph), lambda: viz.render(graph, tmp_path / "g.svg"),
                    lambda: graph.pipe(format="svg"),
                    lambda: graph.render(os.fspath(tmp_path / "g"), format="svg")):
        with pytest.raises(viz.GraphvizNotInstalled) as info:
            attempt()
        message = str(info.value)
        for hint in ("Graphviz", "apt-get install graphviz", "brew install graphviz",
                     "conda install -c conda-forge graphviz", "winget install graphviz"):
            assert hint in message
    import graphviz
    assert issubclass(viz.GraphvizNotInstalled, graphviz.ExecutableNotFound)


def test_write_up_notation_params_become_layer_clusters_with_their_activation():
    loss, params, _ = two_layer()
    src = viz.draw_graph(loss, params=params).source
    assert 'label="layer 1"' in src and 'label="layer 2"' in src
    body = src.split("subgraph cluster_0 {")[1].split("}")[0]
    for name in ("W1", "b1", "Z1", "A1"):  # A1 = tanh(Z1): the layer's activation joins it
        assert f"<B>{name}</B>" in body
    assert "<B>tanh</B>" in body and "<B>W2</B>" not in body and "<B>X</B>" not in body
    # without params there are no clusters
    assert "cluster" not in viz.draw_graph(loss).source
