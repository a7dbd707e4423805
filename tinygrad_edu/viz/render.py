"""Rendering helpers: Graphviz's `dot` program turns DOT text into SVG/PNG.

Everything else (building the graph, `.source`) works without it; when it is missing these
helpers raise `GraphvizNotInstalled`, whose message says how to install it.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess

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


class DotTimeout(RuntimeError):
    """Graphviz's `dot` did not finish within the time limit and was stopped; the message says
    what to do (draw part of the graph, or allow more time)."""


DOT_TIMEOUT = 120.0   # seconds; every render of the library is stopped after this (timeout=None: no limit)
_DEFAULT = object()
_NODE_LINE = re.compile(r"^\s*(?!graph |node |edge |subgraph )[\w\"]+ \[", re.M)


def run_dot(source: str, format: str = "svg", engine: str = "dot", timeout=_DEFAULT) -> bytes:  # noqa: A002
    """The DOT text rendered by Graphviz, stopped with `DotTimeout` after `timeout` seconds
    (default DOT_TIMEOUT): a layout must never hang a notebook or a script without a word."""
    timeout = DOT_TIMEOUT if timeout is _DEFAULT else timeout
    if shutil.which(engine) is None:
        raise GraphvizNotInstalled()
    command = [engine, f"-T{format}"]
    try:
        done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DotTimeout(_timeout_message(source, engine, timeout)) from None
    if done.returncode != 0:
        raise graphviz.CalledProcessError(done.returncode, command, output=done.stdout, stderr=done.stderr)
    return done.stdout


def _timeout_message(source: str, engine: str, timeout) -> str:
    nodes = len(_NODE_LINE.findall(source))
    return (f"Graphviz's `{engine}` did not finish laying out this graph of {nodes} nodes within "
            f"{timeout:g} s, and was stopped. A graph this big is hard to read anyway: draw part of "
            f"it with draw_graph(..., max_nodes=200) (the last nodes of the forward pass: a recurrent "
            f"layer's last time steps), or a shorter sequence, a smaller batch or model. Or allow "
            f"more time: viz.render(graph, path, timeout=600), graph.pipe(timeout=600) "
            f"(timeout=None: no limit).")


class BackpropGraph(graphviz.Digraph):
    """A `graphviz.Digraph` whose `pipe`/`render`/`view` (and Jupyter's display) run `dot` with
    a time limit (`timeout=` seconds, DOT_TIMEOUT by default; `DotTimeout` says what to do) and
    explain how to install a missing `dot`."""

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None, quiet=False, *,  # noqa: A002
             engine=None, encoding=None, timeout=_DEFAULT):
        if renderer or formatter or neato_no_op:   # graphviz's own path, without a time limit
            with explain_missing_dot():
                return super().pipe(format, renderer, formatter, neato_no_op, quiet,
                                    engine=engine, encoding=encoding)
        data = run_dot(self.source, format or self.format, engine or self.engine, timeout)
        return data.decode(encoding) if encoding else data

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None,  # noqa: A002
               renderer=None, formatter=None, neato_no_op=None, quiet=False, quiet_view=False, *,
               outfile=None, engine=None, raise_if_result_exists=False, overwrite_source=False,
               timeout=_DEFAULT):
        """As graphviz's render (saves the DOT source, writes `<source>.<format>` or `outfile`),
        with a time limit."""
        if renderer or formatter or neato_no_op or raise_if_result_exists:
            with explain_missing_dot():
                return super().render(filename, directory, view, cleanup, format, renderer, formatter,
                                      neato_no_op, quiet, quiet_view, outfile=outfile, engine=engine,
                                      raise_if_result_exists=raise_if_result_exists,
                                      overwrite_source=overwrite_source)
        if outfile is not None:
            outfile = os.fspath(outfile)
            format = format or os.path.splitext(outfile)[1].lstrip(".").lower() or self.format  # noqa: A001
            if filename is None:
                filename = os.path.splitext(os.path.basename(outfile))[0] + ".gv"
                directory = directory or os.path.dirname(outfile)
        format = format or self.format  # noqa: A001
        source_path = self.save(filename, directory=directory)
        target = outfile if outfile is not None else f"{source_path}.{format}"
        data = run_dot(self.source, format, engine or self.engine, timeout)
        with open(target, "wb") as f:
            f.write(data)
        if cleanup:
            os.remove(source_path)
        if view:
            self._view(target, format=format, quiet=quiet_view)
        return target

    def view(self, filename=None, directory=None, cleanup=False, quiet=False, quiet_view=False,
             timeout=_DEFAULT):
        return self.render(filename, directory, view=True, cleanup=cleanup, quiet=quiet,
                           quiet_view=quiet_view, timeout=timeout)


def pipe(graph: graphviz.Digraph, format: str = "svg", timeout=_DEFAULT) -> bytes:  # noqa: A002
    """The rendered picture as bytes (stopped after `timeout` seconds, DOT_TIMEOUT by default)."""
    with explain_missing_dot():
        return run_dot(graph.source, format, getattr(graph, "engine", "dot"), timeout)


def to_svg(graph: graphviz.Digraph, timeout=_DEFAULT) -> str:
    """The picture as SVG text."""
    return pipe(graph, "svg", timeout).decode("utf-8")


def render(graph: graphviz.Digraph, path, format: str | None = None, timeout=_DEFAULT) -> str:  # noqa: A002
    """Write the picture to `path`; the format comes from its extension (.svg, .png, .pdf).
    `dot` is stopped after `timeout` seconds (DOT_TIMEOUT by default; None: no limit)."""
    path = os.fspath(path)
    if format is None:
        format = os.path.splitext(path)[1].lstrip(".").lower() or "svg"  # noqa: A001
    data = pipe(graph, format, timeout)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path
