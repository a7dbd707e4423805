"""Big graphs stay readable and never hang: a recurrent layer's time steps are drawn as
clusters ("t = 3"), its shared weights in full once and by reference at each further use, a cut
keeps whole last steps, a chain of layer clusters goes down the page (not a staircase), and
`dot` is stopped after a time limit with a message that says what to do."""
import re
import shutil
import subprocess

import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn, viz
from tinygrad_edu.viz import render as render_function

render_module = __import__("sys").modules[render_function.__module__]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def cluster_labels(source):
    return re.findall(r'subgraph cluster_\d+ \{\n\t+[^\n]*?label="?([^"\n]*?)"? style=', source)


def rnn_loss(kind=nn.RNN, steps=5, **kwargs):
    tg.manual_seed(0)
    layer = kind(3, 4, **kwargs)
    out, _ = layer(Tensor.randn(steps, 2, 3))
    loss = out[-1].sum()
    loss.backward()
    return layer, loss


def test_each_time_step_of_a_layer_is_a_cluster_with_named_states():
    layer, loss = rnn_loss(steps=5)
    source = viz.draw_graph(loss, module=layer).source
    assert cluster_labels(source) == [f"t = {t}" for t in range(1, 6)]
    for t in range(1, 6):
        assert f"<B>h_{t}</B>" in source and f"<B>x_{t}</B>" in source
    assert "<B>h_0</B>" in source


@pytest.mark.parametrize("kwargs, first", [({"num_layers": 2}, "l0 · t = 1"),
                                           ({"bidirectional": True}, "l0 · t = 1")])
def test_layers_and_directions_label_their_steps(kwargs, first):
    layer, loss = rnn_loss(nn.GRU, steps=3, **kwargs)
    labels = cluster_labels(viz.draw_graph(loss, module=layer, max_nodes=None).source)
    assert first in labels and len(labels) == 6
    assert ("l1 · t = 3" in labels) == ("num_layers" in kwargs)
    assert ("l0_reverse · t = 2" in labels) == ("bidirectional" in kwargs)


def test_every_op_of_an_lstm_step_is_inside_its_cluster():
    layer, loss = rnn_loss(nn.LSTM, steps=2)
    source = viz.draw_graph(loss, module=layer).source
    body = source.split('label="t = 2"')[1].split("}")[0]
    assert body.count("<B>sigmoid</B>") == 3 and body.count("<B>tanh</B>") == 2
    assert "<B>h_2</B>" in body and "<B>c_2</B>" in body


def test_a_loop_over_a_cell_numbers_its_steps_in_the_order_they_ran():
    cell = nn.LSTMCell(2, 3)
    h = None
    for t, x in enumerate(Tensor.randn(3, 1, 2), 1):
        h = cell(x, h)
        h[0].name = f"state{t}"
    source = viz.draw_graph(h[0].sum(), module=cell).source
    labels = cluster_labels(source)
    assert sorted(labels) == ["LSTMCell step 1", "LSTMCell step 2", "LSTMCell step 3"]
    for t in (1, 2, 3):   # step 3's input projection comes first in the walk: not its number
        body = source.split(f'label="LSTMCell step {t}"')[1].split("subgraph")[0]
        assert f"<B>state{t}</B>" in body
    # the weights are drawn in full by step 1, by reference in steps 2 and 3
    step_one = source.split('label="LSTMCell step 1"')[1].split("subgraph")[0]
    assert "weight_ih</B> <FONT" not in step_one
    assert source.count("<B>weight_ih</B> <FONT POINT-SIZE=\"9\">(shared)") == 2


def test_shared_weights_are_drawn_in_full_once_then_by_reference():
    layer, loss = rnn_loss(steps=6)
    source = viz.draw_graph(loss, module=layer).source
    for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
        assert source.count(f"<B>{name}</B>   (") == 1                 # the full table, once
        assert source.count(f"<B>{name}</B> <FONT POINT-SIZE=\"9\">(shared)") == 5
    # the stack of all h_t refers to the states drawn in their steps
    assert source.count("(shared)") == 4 * 5 + 5


def test_a_leaf_used_by_few_ops_is_drawn_once_with_its_edges():
    a = Tensor([1.0, 2.0], requires_grad=True, name="a")
    loss = (a * a + a.exp() + a.tanh()).sum()
    assert "(shared)" not in viz.draw_graph(loss).source


def test_a_cut_keeps_the_last_whole_steps_and_says_what_is_left_out():
    layer, loss = rnn_loss(steps=50)
    source = viz.draw_graph(loss, module=layer).source      # max_nodes=200 by default
    labels = cluster_labels(source)
    assert "t = 50" in labels and "t = 1" not in labels
    assert labels == [f"t = {t}" for t in range(51 - len(labels), 51)]
    assert "more nodes not drawn" in source and "max_nodes=200" in source
    body = source.split(f'label="{labels[0]}"')[1].split("}")[0]
    assert "<B>tanh</B>" in body and "<B>linear</B>" in body   # the first kept step is whole


@needs_dot
def test_a_long_rnn_drawn_in_full_renders(tmp_path):
    layer, loss = rnn_loss(steps=25)
    path = viz.render(viz.draw_graph(loss, module=layer, max_nodes=None), tmp_path / "rnn.svg")
    svg = open(path, encoding="utf-8").read()
    assert svg.count("t = ") >= 25


def positions(dot):
    plain = subprocess.run(["dot", "-Tplain"], input=dot.source, capture_output=True, text=True,
                           check=True).stdout
    return {f[1]: (float(f[2]), float(f[3])) for f in (line.split() for line in plain.split("\n"))
            if f and f[0] == "node"}


@needs_dot
def test_ten_layer_clusters_go_down_the_page_not_across():
    tg.manual_seed(0)
    layers = []
    for _ in range(10):
        layers += [nn.Linear(4, 4), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    loss = model(Tensor.randn(2, 4)).sum()
    loss.backward()
    where = positions(viz.draw_graph(loss, module=model)).values()
    xs, ys = [p[0] for p in where], [p[1] for p in where]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert width < height, (width, height)   # the staircase was ~3 × wider than tall


@needs_dot
@pytest.mark.parametrize("kind", [nn.RNN, nn.LSTM, nn.GRU])
def test_each_time_step_lies_below_the_previous_one(kind):
    """The steps are stacked down the page (an LSTM's used to stand side by side, ranked
    cluster by cluster), and each h_t stands where the step's spine puts it."""
    layer, loss = rnn_loss(kind, steps=4)
    dot = viz.draw_graph(loss, module=layer, max_nodes=None)
    assert "newrank=true" in dot.source and "group=recurrence" in dot.source
    where = positions(dot)
    ids = dict(re.findall(r"^\s*(t\d+) \[label=<.*?<B>(h_\d)</B>", dot.source, flags=re.M))
    ys = {name: where[node][1] for node, name in ids.items()}
    assert ys["h_1"] > ys["h_2"] > ys["h_3"] > ys["h_4"]   # y grows upwards in -Tplain
    xs = [p[0] for p in where.values()]
    height = max(ys.values()) - min(ys.values())
    assert max(xs) - min(xs) < height, "the steps drift sideways into a staircase"


def test_dot_is_stopped_after_the_time_limit_with_a_message_that_says_what_to_do(monkeypatch):
    calls = []

    def too_slow(command, **kwargs):
        calls.append(kwargs["timeout"])
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(render_module.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(render_module.subprocess, "run", too_slow)
    layer, loss = rnn_loss(steps=3)
    graph = viz.draw_graph(loss, module=layer, max_nodes=None)
    with pytest.raises(viz.DotTimeout) as info:
        viz.render(graph, "never-written.svg", timeout=7)
    message = str(info.value)
    assert "within 7 s" in message and "max_nodes=200" in message and "timeout=600" in message
    assert re.search(r"graph of \d+ nodes", message)
    for call in (lambda: graph.pipe(format="svg"), lambda: viz.to_svg(graph),
                 lambda: graph._repr_image_svg_xml()):
        with pytest.raises(viz.DotTimeout):
            call()
    assert calls == [7] + [render_module.DOT_TIMEOUT] * 3


@needs_dot
def test_render_methods_still_work(tmp_path):
    layer, loss = rnn_loss(steps=2)
    graph = viz.draw_graph(loss, module=layer)
    out = graph.render(tmp_path / "g", format="svg")
    assert out.endswith("g.svg") and open(out, encoding="utf-8").read().lstrip().startswith("<?xml")
    assert (tmp_path / "g").exists()
    target = graph.render(outfile=tmp_path / "h.png")
    assert open(target, "rb").read(4) == b"\x89PNG"
    assert graph.pipe(format="svg", encoding="utf-8").lstrip().startswith("<?xml")
    assert isinstance(graph.pipe(format="png"), bytes)


def test_marking_costs_nothing_under_no_grad():
    from tinygrad_edu import groups
    before = len(groups._heads)
    with tg.no_grad():
        nn.GRU(2, 3)(Tensor.randn(4, 1, 2))
    assert len(groups._heads) == before


def test_marks_of_freed_graphs_are_pruned_and_threads_can_mark_at_once():
    import threading

    from tinygrad_edu import groups

    def train():
        layer = nn.GRU(2, 3)
        for _ in range(60):
            out, _ = layer(Tensor.randn(20, 1, 2))
            out.sum().backward()

    threads = [threading.Thread(target=train) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    alive = [ref() for ref, _ in list(groups._heads.values())]
    assert len(groups._heads) <= 2 * groups._PRUNE_AT
    assert sum(a is not None for a in alive) <= 3 * 20 * 1   # only graphs still referenced
