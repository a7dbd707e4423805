"""Rendering helpers: Graphviz's `dot` program turns DOT text into SVG/PNG.

Everything else (building the graph, `.source`) works without it; when it is missing these
helpers raise `GraphvizNotInstalled`, whose message says how to install it.
"""
from __future__ import annotations

import contextlib
import os

import graphviz

INSTALL_HINT = (
    "Rendering needs Graphviz's `dot` program, which was not found on PATH. Install Graphviz:\n"
    "    Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "    macOS:          brew install graphviz\n"
    "    conda:          conda install -c conda-forge graphviz\n"
    "    Windows:        winget install graphviz\n"
    "The DOT text itself is available without it: draw_graph(...).source")


class GraphvizNotInstalled(graphviz.ExecutableNotFound):
    """Graphviz's `dot` executable is missing (a `graphviz.ExecutableNotFound` with install help)."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        RuntimeError.__init__(self, message)


@contextlib.contextmanager
def explain_missing_dot():
    """Turn graphviz's bare `ExecutableNotFound` into `GraphvizNotInstalled` with install help."""
    try:
        yield
    except GraphvizNotInstalled:
        raise
    except graphviz.ExecutableNotFound as err:
        raise GraphvizNotInstalled() from err


class BackpropGraph(graphviz.Digraph):
    """A `graphviz.Digraph` whose `render`/`pipe`/`view` explain how to install a missing `dot`."""

    def pipe(self, *args, **kwargs):
        with explain_missing_dot():
            return super().pipe(*args, **kwargs)

    def render(self, *args, **kwargs):
        with explain_missing_dot():
            return super().render(*args, **kwargs)

    def view(self, *args, **kwargs):
        with explain_missing_dot():
            return super().view(*args, **kwargs)


def pipe(graph: graphviz.Digraph, format: str = "svg") -> bytes:
    """The rendered picture as bytes."""
    with explain_missing_dot():
        return graph.pipe(format=format)


def to_svg(graph: graphviz.Digraph) -> str:
    """The picture as SVG text."""
    return pipe(graph, "svg").decode("utf-8")


def render(graph: graphviz.Digraph, path, format: str | None = None) -> str:
    """Write the picture to `path`; the format comes from its extension (.svg, .png, .pdf)."""
    path = os.fspath(path)
    if format is None:
        format = os.path.splitext(path)[1].lstrip(".").lower() or "svg"
    data = pipe(graph, format)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path
