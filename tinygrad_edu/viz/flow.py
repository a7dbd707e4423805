"""Gradient-flow charts: per-layer gradient norms (and the share of dead ReLUs) over training.

    recorder = viz.GradientFlowRecorder(model)      # or a dict {name: tensor}
    for step in ...:
        loss = ...; loss.backward()
        recorder.record(loss)                       # reads .grad of every parameter
        optimizer.step()
    print(recorder.table()); recorder.plot("flow.png")

Without matplotlib, `plot` prints the table instead (pip install 'tinygrad_edu[charts]').
"""
from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from . import names
from .figures import finished, pyplot
from .tables import text_table
from .walk import GraphWalk

UPSTREAM_STEPS = 6  # how far back from a ReLU the recorder looks for the weight that feeds it


def layer_of(name: str) -> str:
    """A chart's column: the parameter's layer (`fc1`, `layer 3`), else the parameter itself."""
    return names.layer_of(name) or name


class GradientFlowRecorder:
    """Records, after each backward, the gradient norm of every layer and the dead-ReLU share.

    A layer's norm is √(Σ ‖grad‖²) over its parameters. A ReLU unit is dead in a batch when its
    output is 0 for every example (`batch_axis` is the examples' axis: 0 for rows-are-examples
    as in nn.Linear, 1 for the write-ups' columns-are-examples).
    """

    def __init__(self, params, batch_axis: int = 0):
        self.params = names.named_params(params)
        self.batch_axis = batch_axis
        counted = names.counted_labels(params) if hasattr(params, "named_modules") else {}
        self.column = {n: counted.get(layer_of(n), layer_of(n)) for n, _ in self.params}
        self.layers = list(OrderedDict.fromkeys(self.column[n] for n, _ in self.params))
        self._layer_of_weight = {id(p): self.column[n] for n, p in self.params if p.ndim >= 2}
        self.history = []

    def record(self, loss=None, step: int | None = None) -> dict:
        squares = OrderedDict((layer, 0.0) for layer in self.layers)
        for name, p in self.params:
            if p.grad is not None:
                g = np.asarray(p.grad.data, dtype=np.float64)
                squares[self.column[name]] += float(np.sum(g * g))
        entry = {"step": len(self.history) if step is None else step,
                 "norms": OrderedDict((k, math.sqrt(v)) for k, v in squares.items()),
                 "dead_relu": self._dead_relu(loss) if loss is not None else OrderedDict()}
        self.history.append(entry)
        return entry

    def _dead_relu(self, loss) -> OrderedDict:
        walk = GraphWalk(loss)
        shares = OrderedDict()
        relu_outputs = [t for t in walk.tensors if t.grad_fn is not None and t.grad_fn.name == "relu"]
        for k, t in enumerate(relu_outputs, 1):
            active = np.any(t.data > 0, axis=self.batch_axis) if t.ndim > 1 else t.data > 0
            shares[self._feeding_layer(t) or t.name or f"relu {k}"] = float(1.0 - np.mean(active))
        return shares

    def _feeding_layer(self, t) -> str | None:
        """The layer whose weight computes the ReLU's input (`layer 3`, `fc1`): found by walking
        back from it a few ops, nearest first; None when no watched weight is that close."""
        frontier = list(t.grad_fn.inputs)
        for _ in range(UPSTREAM_STEPS):
            for u in frontier:
                if id(u) in self._layer_of_weight:
                    return self._layer_of_weight[id(u)]
            frontier = [i for u in frontier if u.grad_fn is not None for i in u.grad_fn.inputs]
        return None

    def norms(self, layer: str) -> list:
        return [entry["norms"][layer] for entry in self.history]

    def table(self) -> str:
        """A plain-text table: one row per recorded step, one column per layer."""
        if not self.history:
            return "(nothing recorded yet)"
        relus = list(self.history[-1]["dead_relu"])
        head = ["step"] + [f"‖∇{layer}‖" for layer in self.layers] + [f"dead ReLU {r}" for r in relus]
        rows = [[str(e["step"])] + [f"{e['norms'][layer]:.3e}" for layer in self.layers]
                + [f"{e['dead_relu'].get(r, float('nan')):.0%}" for r in relus]
                for e in self.history]
        return text_table(head, rows)

    def plot(self, path=None, title: str = "Gradient norm per layer during training"):
        """Gradient norm of each layer over the steps (log scale) and the dead-ReLU share.

        Returns the matplotlib Figure (saved to `path` if given); without matplotlib, prints
        the table and returns None.
        """
        plt = pyplot()
        if plt is None:
            print(self.table())
            return None
        has_relu = any(e["dead_relu"] for e in self.history)
        fig, axes = plt.subplots(1, 2 if has_relu else 1, figsize=(14 if has_relu else 8.5, 5.6), squeeze=False,
                                 gridspec_kw={"width_ratios": [3, 2]} if has_relu else None)
        ax = axes[0][0]
        steps = [e["step"] for e in self.history]
        style = layer_styles(self.layers)
        for layer in self.layers:
            ax.plot(steps, self.norms(layer), label=layer, **style[layer])
        ax.set_yscale("log")
        _label_line_ends(ax, steps[-1], {layer: self.norms(layer)[-1] for layer in self.layers}, style)
        ax.set_xlabel("training step")
        ax.set_ylabel("‖∂L/∂θ‖ of the layer (log scale)")
        ax.set_title(title)
        ax.grid(True, which="major", alpha=0.3)
        ax.set_xlim(steps[0], steps[-1] + max(1, (steps[-1] - steps[0]) * 0.12))
        ax.legend(fontsize=8, ncol=2 if len(self.layers) > 5 else 1, loc="best")
        if has_relu:
            ax2 = axes[0][1]
            for name in self.history[-1]["dead_relu"]:
                ax2.plot(steps, [100 * e["dead_relu"].get(name, float("nan")) for e in self.history],
                         label=f"after {name}", **style.get(name, {}))
            ax2.set_ylim(-2, 102)
            ax2.set_xlabel("training step")
            ax2.set_ylabel("dead ReLU units (%)")
            ax2.set_title("Share of dead ReLUs (0 for every example of the batch)")
            ax2.grid(True, alpha=0.3)
            ax2.legend(fontsize=8, ncol=2 if len(self.history[-1]["dead_relu"]) > 5 else 1)
        return finished(fig, path)


def _label_line_ends(ax, x, ends: dict, style: dict) -> None:
    """Each line's name at its right end, moved apart vertically so that no two overlap."""
    low, high = (math.log10(v) for v in ax.get_ylim())
    gap = (high - low) / 28
    placed = []
    for layer, value in sorted(((k, v) for k, v in ends.items() if v > 0), key=lambda kv: kv[1]):
        y = math.log10(value)
        if placed and y - placed[-1] < gap:
            y = placed[-1] + gap
        placed.append(y)
        ax.annotate(layer, (x, value), xytext=(x, 10 ** y), textcoords="data", va="center", fontsize=8,
                    color=style[layer]["color"], xycoords="data", annotation_clip=False,
                    arrowprops={"arrowstyle": "-", "color": style[layer]["color"], "lw": 0.5, "alpha": 0.6},
                    ha="left")


def layer_styles(layers: list) -> dict:
    """A colour from a qualitative palette for each layer, and from the 11th on a dashed line: ten
    layers in ten colours a reader can tell apart (a sequential colour map cannot)."""
    plt = pyplot()
    palette = plt.get_cmap("tab10")
    return {layer: {"color": palette(i % 10), "lw": 1.8, "ls": "-" if i < 10 else "--"}
            for i, layer in enumerate(layers)}


def plot_gradient_flow(curves: dict, path=None, title: str = "Gradient norm per layer",
                       xlabel: str = "layer (1 = next to the input)", ylabel: str = "‖dL/dW‖ (log scale)",
                       styles: dict | None = None):
    """Compare networks: {label: [norm of layer 1, layer 2, …]} on one log-scale chart; `styles`
    maps a label to matplotlib line keywords (colour, dashes).

    Without matplotlib, prints a table and returns None.
    """
    plt = pyplot()
    if plt is None:
        print(curves_table(curves))
        return None
    fig, ax = plt.subplots(figsize=(8.5, 5))
    longest = max(len(v) for v in curves.values())
    for label, norms in curves.items():
        ax.plot(range(1, len(norms) + 1), norms, marker="o" if longest <= 20 else None, label=label,
                **(styles or {}).get(label, {}))
    ax.set_yscale("log")
    if longest <= 20:
        ax.set_xticks(range(1, longest + 1))
    else:  # one tick per layer would overlap: matplotlib's choice of whole numbers
        from matplotlib.ticker import MaxNLocator
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9)
    return finished(fig, path)


def curves_table(curves: dict) -> str:
    labels = list(curves)
    n = max(len(v) for v in curves.values())
    head = ["layer"] + labels
    rows = [[str(i + 1)] + [f"{curves[k][i]:.3e}" if i < len(curves[k]) else "" for k in labels]
            for i in range(n)]
    return text_table(head, rows)
