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
from .walk import GraphWalk


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
        self.layers = list(OrderedDict.fromkeys(layer_of(n) for n, _ in self.params))
        self.history = []

    def record(self, loss=None, step: int | None = None) -> dict:
        squares = OrderedDict((layer, 0.0) for layer in self.layers)
        for name, p in self.params:
            if p.grad is not None:
                g = np.asarray(p.grad.data, dtype=np.float64)
                squares[layer_of(name)] += float(np.sum(g * g))
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
            shares[t.name or f"relu {k}"] = float(1.0 - np.mean(active))
        return shares

    def norms(self, layer: str) -> list:
        return [entry["norms"][layer] for entry in self.history]

    def table(self) -> str:
        """A plain-text table: one row per recorded step, one column per layer."""
        if not self.history:
            return "(nothing recorded yet)"
        relus = list(self.history[-1]["dead_relu"])
        head = ["step"] + [f"‖∇{layer}‖" for layer in self.layers] + [f"dead {r}" for r in relus]
        rows = [[str(e["step"])] + [f"{e['norms'][layer]:.3e}" for layer in self.layers]
                + [f"{e['dead_relu'].get(r, float('nan')):.0%}" for r in relus]
                for e in self.history]
        return text_table(head, rows)

    def plot(self, path=None, title: str = "Gradient norm per layer during training"):
        """Gradient norm of each layer over the steps (log scale) and the dead-ReLU share.

        Returns the matplotlib Figure (saved to `path` if given); without matplotlib, prints
        the table and returns None.
        """
        plt = _pyplot()
        if plt is None:
            print(self.table())
            return None
        has_relu = any(e["dead_relu"] for e in self.history)
        fig, axes = plt.subplots(1, 2 if has_relu else 1, figsize=(11 if has_relu else 7, 4.2),
                                 squeeze=False)
        ax = axes[0][0]
        steps = [e["step"] for e in self.history]
        cmap = plt.get_cmap("viridis")
        for i, layer in enumerate(self.layers):
            ax.plot(steps, self.norms(layer), label=layer,
                    color=cmap(i / max(1, len(self.layers) - 1)))
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel("‖gradient‖ (log scale)")
        ax.set_title(title)
        ax.legend(fontsize=8, ncol=2)
        if has_relu:
            ax2 = axes[0][1]
            for name in self.history[-1]["dead_relu"]:
                ax2.plot(steps, [100 * e["dead_relu"].get(name, float("nan")) for e in self.history],
                         label=name)
            ax2.set_ylim(-2, 102)
            ax2.set_xlabel("training step")
            ax2.set_ylabel("dead ReLU units (%)")
            ax2.set_title("Share of dead ReLUs")
            ax2.legend(fontsize=8)
        return _finished(fig, path)


def plot_gradient_flow(curves: dict, path=None, title: str = "Gradient norm per layer",
                       xlabel: str = "layer (1 = next to the input)"):
    """Compare networks: {label: [norm of layer 1, layer 2, …]} on one log-scale chart.

    Without matplotlib, prints a table and returns None.
    """
    plt = _pyplot()
    if plt is None:
        print(curves_table(curves))
        return None
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for label, norms in curves.items():
        ax.plot(range(1, len(norms) + 1), norms, marker="o", label=label)
    ax.set_yscale("log")
    ax.set_xticks(range(1, max(len(v) for v in curves.values()) + 1))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("‖dL/dW‖ (log scale)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return _finished(fig, path)


def curves_table(curves: dict) -> str:
    labels = list(curves)
    n = max(len(v) for v in curves.values())
    head = ["layer"] + labels
    rows = [[str(i + 1)] + [f"{curves[k][i]:.3e}" if i < len(curves[k]) else "" for k in labels]
            for i in range(n)]
    return text_table(head, rows)


def text_table(head: list, rows: list) -> str:
    """Right-aligned columns under a header and a rule."""
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in [head] + rows]
    return "\n".join([lines[0], "-" * len(lines[0])] + lines[1:])


def _finished(fig, path):
    """The figure laid out, and saved to `path` when one is given."""
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=80)
    return fig


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt
