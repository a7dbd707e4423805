"""The step-through page of a long sequence: a 30-step tanh RNN (over 100 backward steps) is
not refused, and each frame of a big graph draws the ops around its step, not the whole graph."""
import re

import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn, viz

html_page = __import__("sys").modules[viz.save_html.__module__]


def rnn_loss(steps):
    tg.manual_seed(0)
    rnn = nn.RNN(3, 4)
    out, _ = rnn(Tensor.randn(steps, 1, 3))
    return rnn, out[-1].sum()


def test_a_30_step_rnn_is_stepped_through_each_frame_around_its_step(monkeypatch, tmp_path):
    drawn = []
    monkeypatch.setattr(html_page, "to_svg", lambda graph: drawn.append(graph.source) or "<svg></svg>")
    rnn, loss = rnn_loss(30)
    steps = viz.backward_steps(loss, module=rnn)
    assert len(steps) > 100
    page = open(viz.save_html(loss, tmp_path / "steps.html", module=rnn), encoding="utf-8").read()
    assert page.count('class="frame"') == len(steps) == len(drawn)
    whole = viz.draw_graph(loss, module=rnn, max_nodes=None).source
    count = len(re.findall(r"^\s*(?:t|op)\d+ \[", whole, re.M))
    for source in drawn:
        nodes = len(re.findall(r"^\s*(?:t|op)\d+ \[", source, re.M))
        assert nodes < count / 3
        assert "shown are the ops around this step" in source
        assert 'class=current' in source or 'class="current"' in source   # the step's own op is drawn


def test_a_small_graph_is_drawn_whole_in_every_frame(monkeypatch, tmp_path):
    drawn = []
    monkeypatch.setattr(html_page, "to_svg", lambda graph: drawn.append(graph.source) or "<svg></svg>")
    rnn, loss = rnn_loss(3)
    viz.save_html(loss, tmp_path / "steps.html", module=rnn)
    assert drawn and all("not drawn" not in source for source in drawn)


def test_the_cap_says_why_it_is_there():
    rnn, loss = rnn_loss(80)
    with pytest.raises(ValueError) as info:
        viz.save_html(loss, "never-written.html", module=rnn)
    message = str(info.value)
    assert "max_steps=300" in message and "one rendered picture each" in message
    assert "max_steps=None" in message


def test_draw_graph_around_an_op_keeps_its_neighbourhood():
    rnn, loss = rnn_loss(20)
    steps = viz.backward_steps(loss, module=rnn)
    middle = steps[len(steps) // 2].fn
    source = viz.draw_graph(loss, module=rnn, around=middle, highlight_op=middle).source
    labels = re.findall(r'label="(t = \d+)"', source)
    assert 1 <= len(labels) <= 8 and "t = 1" not in labels and "t = 20" not in labels
