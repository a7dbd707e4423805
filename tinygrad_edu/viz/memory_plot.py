"""The picture of viz.memory_comparison(): ‖∂L/∂h_t‖ against t at initialisation, after
training (with each model's accuracy), and the exploding case with what clipping does."""
from __future__ import annotations

import numpy as np

from .figures import CHARTS_HINT, check_path, finished, pyplot
from .through_time import decay

COLORS = {"tanh RNN": "tab:red", "LSTM": "tab:blue", "GRU": "tab:green", "attention": "tab:purple"}


def plot_memory_comparison(comparison, path=None):
    check_path(path, "MemoryComparison.plot")
    plt = pyplot()
    if plt is None:
        print(comparison.table())
        print(f"({CHARTS_HINT})")
        return None
    panels = 3 if comparison.exploding is not None else 2
    fig, axes = plt.subplots(1, panels, figsize=(6.2 * panels, 5.2))
    T = comparison.length
    _curves(axes[0], comparison.before, lambda label: f"{label}: h₁/h_T = {decay(comparison.before[label]):.0e}",
            "At initialisation (PyTorch's init; LSTM forget bias 3)")
    _curves(axes[1], comparison.after,
            lambda label: f"{label}: h₁/h_T = {decay(comparison.after[label]):.0e}, "
                          f"accuracy {comparison.accuracy[label]:.0%}",
            f"After {comparison.steps} Adam steps (accuracy on held-out sequences)")
    low = min(np.nanmin(np.where(a > 0, a, np.nan)) for d in (comparison.before, comparison.after) for a in d.values())
    high = max(np.nanmax(a) for d in (comparison.before, comparison.after) for a in d.values())
    for ax in axes[:2]:
        ax.set_ylim(low / 3, high * 3)
    if comparison.exploding is not None:
        _exploding(axes[2], comparison.exploding)
    fig.suptitle(f"The answer is the first of {T} inputs: how much of the loss's gradient reaches step t?",
                 fontsize=13)
    return finished(fig, path)


def _curves(ax, curves, label, title):
    for name, norms in curves.items():
        shown = np.where(norms > 0, norms, np.nan)
        ax.plot(np.arange(1, norms.size + 1), shown, color=COLORS.get(name), lw=2.2, label=label(name))
    ax.set_yscale("log")
    ax.set_xlabel("time step t  (the answer is x₁; the loss is read after t = T)")
    ax.set_ylabel("‖∂L/∂h_t‖  (log scale)")
    ax.set_title(title, fontsize=10.5)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8.5, loc="lower right")


def _exploding(ax, ex):
    t = np.arange(1, ex.norms.size + 1)
    ax.plot(t, ex.norms, color="tab:orange", lw=2.2,
            label=f"ReLU RNN, W_hh = {ex.gain:g}·I: h₁/h_T = {decay(ex.norms):.0e}")
    ax.set_yscale("log")
    ax.set_xlabel("time step t")
    ax.set_ylabel("‖∂L/∂h_t‖  (log scale)")
    ax.set_title("Exploding: each step back multiplies by W_hhᵀ (norm 1.5)", fontsize=10.5)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8.5, loc="upper right")
    note = (f"‖∇θ‖ = {ex.total_norm:.1e}\n"
            f"one SGD step (lr {ex.lr:g}):\n"
            f"  loss {ex.loss:.3g} → {ex.loss_plain:.3g}\n"
            f"after clip_grad_norm_(θ, {ex.max_norm:g}):\n"
            f"  loss {ex.loss:.3g} → {ex.loss_clipped:.3g}\n"
            "(the step keeps its direction,\n its length is capped)")
    ax.text(0.04, 0.04, note, transform=ax.transAxes, fontsize=9, family="monospace", va="bottom",
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.9, "edgecolor": "0.7"})
