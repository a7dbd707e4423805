"""Graph labels a new user found hard to read: a vector's value column ran into its
grad column, and a picture checked with tg.check_gradients read "None" in every grad cell."""
import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, viz

NBSP = "\u00a0"


def blocks(source, name):
    """The value and grad blocks of tensor `name`: a list of lines each."""
    label = next(line for line in source.split("\n") if f"<B>{name}</B>" in line)
    bodies = re.findall(r'POINT-SIZE="9">(.*?)</FONT>', label)
    return [body.split("<BR/>") for body in bodies]


@pytest.mark.parametrize("size", [9, 12, 17, 24])
def test_every_line_of_a_vector_ends_in_a_gutter_that_grows_with_the_line(size):
    a = Tensor(np.random.default_rng(size).normal(size=size), requires_grad=True, name="a")
    (a * a).sum().backward()
    for lines in blocks(viz.draw_graph(a * 1.0).source, "a"):
        assert len({len(line) for line in lines}) == 1          # padded to the longest line
        text = [line.rstrip(NBSP) for line in lines]
        longest = max(len(t) for t in text)
        gutter = len(lines[0]) - longest
        assert gutter >= 2 + longest // 12
        assert longest <= 64 + 1                                 # a row wraps at 64 characters


def test_a_long_row_wraps_at_64_characters():
    text = viz.labels.array_text(np.linspace(-1, 1, 24) * 1e-5)
    assert max(len(line) for line in text.split("\n")) <= viz.labels.LINE_WIDTH


def test_a_checked_picture_shows_autograds_gradients_not_none():
    rng = np.random.default_rng(0)
    X = Tensor(rng.normal(size=(5, 3)), name="X")
    W = Tensor(rng.normal(size=(3, 2)), requires_grad=True, name="W")
    z = (X @ W).named("z")
    loss = (z.tanh() ** 2).sum().named("loss")
    dz = 2 * np.tanh(z.data) * (1 - np.tanh(z.data) ** 2)
    result = tg.check_gradients(loss, {"z": dz, "W": X.data.T @ dz})
    assert W.grad is None                       # the check used tg.grad
    source = viz.draw_graph(loss, check=result).source
    assert ">None" not in source
    expected = viz.labels.array_text(X.data.T @ dz).split("\n")[0].replace(" ", NBSP)
    assert expected in source
    assert W.grad is None                       # drawing it sets no .grad either
