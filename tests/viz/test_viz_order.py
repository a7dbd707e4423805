"""The pictures list each op's inputs in argument order (a before b in `a * b`, X before W1 in
`X @ W1`, layer 1 before layer 2), in the DOT text and in where Graphviz puts them."""
import re
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from viz_fixtures import two_layer

from tinygrad_edu import Tensor, nn
from tinygrad_edu.viz import draw_graph
from tinygrad_edu.viz.walk import GraphWalk

has_dot = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not has_dot, reason="Graphviz's dot is not installed")


def leaf(name, shape=(2,), grad=True):
    return Tensor(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape), requires_grad=grad, name=name)


def node_ids(dot):
    """{tensor name: DOT node id}, read from the labels (`<B>name</B>`)."""
    ids = {}
    for line in dot.source.split("\n"):
        m = re.match(r"\s*(t\d+) \[label=<.*?<B>(.*?)</B>", line)
        if m:
            ids[m.group(2)] = m.group(1)
    return ids


def declared(dot):
    """Node ids in the order the DOT text declares them."""
    return re.findall(r"^\s*((?:t|op)\d+) \[", dot.source, flags=re.M)


def positions(dot):
    """{node id: (x, y)} where `dot` lays the node out (y grows upwards)."""
    plain = subprocess.run(["dot", "-Tplain"], input=dot.source, capture_output=True, text=True,
                           check=True).stdout
    return {f[1]: (float(f[2]), float(f[3])) for f in (line.split() for line in plain.split("\n"))
            if f and f[0] == "node"}


def test_the_walk_lists_inputs_in_argument_order():
    a, b, c = leaf("a"), leaf("b"), leaf("c")
    names = [t.name for t in GraphWalk(((a * b) + c).sum()).tensors[:3]]
    assert names == ["a", "b", None]     # a, b, then a·b (c comes when the add uses it)
    walk = GraphWalk((c * (a + b)).sum())   # in the order computed: a + b first, then c · (a + b)
    assert [t.name for t in walk.tensors if t.name] == ["a", "b", "c"]
    assert [fn.name for fn in walk.ops] == ["add", "mul", "sum"]


@needs_dot
def test_an_input_computed_later_is_still_drawn_in_argument_order():
    a, b, c = leaf("a"), leaf("b"), leaf("c")
    s = a + b
    s.name = "s"
    dot = draw_graph((c * s).sum())
    ids, at = node_ids(dot), positions(dot)
    assert at[ids["c"]][0] < at[ids["s"]][0]


def test_dot_declares_and_connects_a_before_b():
    a, b = leaf("a"), leaf("b")
    dot = draw_graph((a * b).sum())
    ids = node_ids(dot)
    order = declared(dot)
    assert order.index(ids["a"]) < order.index(ids["b"])
    edges = re.findall(r"^\s*(t\d+) -> op\d+", dot.source, flags=re.M)
    assert edges.index(ids["a"]) < edges.index(ids["b"])


@needs_dot
@settings(max_examples=6, deadline=None)
@given(st.sampled_from(["mul", "add", "sub", "matmul"]))
def test_a_is_drawn_left_of_b(op):
    shape = (2, 2)
    a, b = leaf("a", shape), leaf("b", shape)
    out = {"mul": a * b, "add": a + b, "sub": a - b, "matmul": a @ b}[op]
    dot = draw_graph(out.sum())
    ids, at = node_ids(dot), positions(dot)
    assert at[ids["a"]][0] < at[ids["b"]][0]


@needs_dot
def test_data_times_weights_draws_x_left_of_w1_and_layer_1_above_layer_2():
    X = leaf("X", (3, 2), grad=False)
    W1, W2 = leaf("W1", (2, 4)), leaf("W2", (4, 1))
    loss = ((X @ W1).tanh() @ W2).sum()
    dot = draw_graph(loss, params={"W1": W1, "W2": W2})
    ids, at = node_ids(dot), positions(dot)
    assert at[ids["X"]][0] < at[ids["W1"]][0]
    assert at[ids["W1"]][1] > at[ids["W2"]][1]


@needs_dot
def test_clustered_layers_keep_argument_order():
    """W1 @ X + b1 (the write-ups' column layout), each layer in its cluster: W1 left of X,
    W1 X left of b1, layer 1 left of and above layer 2, the prediction left of the labels."""
    loss, params, inner = two_layer()
    dot = draw_graph(loss, params=params)
    ids, at = node_ids(dot), positions(dot)
    assert "cluster_0" in dot.source
    assert at[ids["W1"]][0] < at[ids["X"]][0]
    walk = GraphWalk(loss, params=params)
    w1x = next(t for t in walk.tensors if t.grad_fn is not None and t.grad_fn.inputs[0] is params["W1"])
    assert at[walk.tensor_ids[id(w1x)]][0] < at[ids["b1"]][0]
    assert at[ids["W1"]][0] < at[ids["W2"]][0] and at[ids["W1"]][1] > at[ids["W2"]][1]
    assert at[ids["A2"]][0] < at[ids["Y"]][0]


@needs_dot
def test_a_module_draws_its_layers_in_order():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = leaf("x", (5, 3), grad=False)
    loss = model(x).sum()
    dot = draw_graph(loss, module=model, show_data=False, show_grad=False)
    ids, at = node_ids(dot), positions(dot)
    first, second = at[ids["0.weight"]], at[ids["2.weight"]]
    assert first[1] > second[1] and first[0] < second[0]
    assert at[ids["x"]][0] < at[ids["0.weight"]][0]
