"""TrainingMonitor's figure: the four views of Karpathy's makemore lecture in one picture."""
from __future__ import annotations

import numpy as np

from .figures import CHARTS_HINT, check_path, finished, pyplot

GUIDE = -3.0  # log10 update ratio of about 1e-3: the lecture's rule of thumb


def plot(mon, path=None):
    check_path(path, "TrainingMonitor.plot")
    history = mon.history
    if not history:
        raise RuntimeError("TrainingMonitor.plot: nothing recorded yet: call mon.record(loss) after "
                           "each optimizer.step() first")
    plt = pyplot()
    if plt is None:
        print(mon.table())
        print(f"({CHARTS_HINT})")
        return None
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    colors = plt.get_cmap("tab10")
    outputs = mon.last_arrays["outputs"]
    step = history[-1]["step"]
    _activation_histograms(axes[0][0], mon, outputs, history[-1], colors)
    _gradient_histograms(axes[0][1], mon, outputs, colors)
    _update_ratios(axes[1][0], mon, history, colors)
    _loss(axes[1][1], history)
    fig.suptitle(f"TrainingMonitor: {type(mon.model).__name__}, histograms of step {step}", fontsize=12)
    return finished(fig, path)


def _histogram(ax, values, label, color):
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    counts, edges = np.histogram(values, bins=50, density=True)
    ax.plot((edges[:-1] + edges[1:]) / 2, counts, color=color, lw=1.6, label=label)


def _activation_histograms(ax, mon, outputs, last, colors):
    if not outputs:
        _empty(ax, mon.note or "no activation module ran a forward pass with gradients")
        ax.set_title("Activations")
        return
    for i, (name, (data, _)) in enumerate(outputs.items()):
        s = last["activations"][name]
        extra = (f", {s['saturated']:.0%} saturated" if s["saturated"] is not None else
                 f", {s['dead']:.0%} dead" if s["dead"] is not None else "")
        _histogram(ax, data, f"{mon.label(name)}: mean {s['mean']:+.2f}, std {s['std']:.2f}{extra}", colors(i % 10))
    ax.set_title("Activations: distribution of each layer's outputs")
    ax.set_xlabel("output value")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)


def _gradient_histograms(ax, mon, outputs, colors):
    with_grad = {n: g for n, (_, g) in outputs.items() if g is not None}
    if with_grad:
        for i, (name, g) in enumerate(with_grad.items()):
            _histogram(ax, g, f"{mon.label(name)}: std {np.std(g):.2e}", colors(i % 10))
        ax.set_title("Gradients: distribution of ∂L/∂(each layer's output)")
    else:  # no activation modules: the weights' gradients instead
        for i, name in enumerate(n for n in mon.weights if mon.last_arrays["grads"].get(n) is not None):
            g = mon.last_arrays["grads"][name]
            _histogram(ax, g, f"{mon.param_label(name)}: std {np.std(g):.2e}", colors(i % 10))
        ax.set_title("Gradients: distribution of ∂L/∂W of each weight")
    ax.set_xlabel("gradient value")
    ax.set_ylabel("density")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)


def _update_ratios(ax, mon, history, colors):
    steps = [e["step"] for e in history]
    for i, name in enumerate(n for n, _ in mon.params if n in mon.weights):
        ratios = [e["parameters"][name]["update_ratio"] for e in history]
        ax.plot(steps, ratios, color=colors(i % 10), lw=1.4, label=mon.param_label(name))
    ax.axhline(GUIDE, color="black", ls="--", lw=1.2, label="10⁻³ guide")
    ax.set_title("Update-to-data ratio of each weight: log10(std Δp / std p)")
    ax.set_xlabel("training step")
    ax.set_ylabel("log10 ratio")
    ax.legend(fontsize=8)


def _loss(ax, history):
    steps = [e["step"] for e in history]
    losses = np.array([e["loss"] for e in history], dtype=np.float64)
    ax.plot(steps, np.where(np.isfinite(losses), losses, np.nan), color="tab:blue", lw=1.2)
    bad = ~np.isfinite(losses)
    if bad.any():
        ax.text(0.5, 0.9, f"loss not finite from step {steps[int(np.argmax(bad))]}", color="tab:red",
                ha="center", transform=ax.transAxes)
    ax.set_title("Loss")
    ax.set_xlabel("training step")
    ax.set_ylabel("training loss")
    ax.grid(True, alpha=0.3)


def _empty(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=9, transform=ax.transAxes)
    ax.set_axis_off()
