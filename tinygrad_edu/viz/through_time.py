"""Gradients through time: how much of the loss's gradient reaches each step of a recurrence.

    hs = []                                   # h_1 … h_T, kept as the recurrence makes them
    for x_t in xs:
        h = cell(x_t, h); hs.append(h)
    loss = F.cross_entropy(head(h), y)
    norms = viz.gradient_through_time(loss, hs)          # ‖∂loss/∂h_t‖, t = 1 … T
    viz.plot_gradient_through_time({"tanh RNN": norms}, "through_time.png")

∂L/∂h_t = ∂L/∂h_T · ∏_{k=t+1…T} ∂h_k/∂h_{k-1}: a product of T − t Jacobians. For a tanh RNN
each is diag(1 − h_k²) W_hh, and when their norms stay below 1 the product shrinks
geometrically (the vanishing gradient of Bengio, Simard & Frasconi 1994); above 1 it grows
(exploding). An LSTM's cell state adds instead of multiplying (c_t = f ⊙ c_{t-1} + i ⊙ g), so
its gradient can travel far.
"""
from __future__ import annotations

import numpy as np

from ..autograd import grad
from ..graph_order import forward_order
from ..tensor import Tensor, describe
from .figures import CHARTS_HINT, check_path, finished, pyplot
from .tables import text_table


def gradient_through_time(loss, states) -> np.ndarray:
    """The 2-norms ‖∂loss/∂h_t‖ for t = 1 … T of `states` = [h_1, …, h_T], tensors of the graph
    below `loss`, computed as `tg.grad` does: no `.grad` is touched."""
    who = "gradient_through_time"
    if not isinstance(loss, Tensor):
        raise TypeError(f"{who}: loss must be a Tensor, got {type(loss).__name__}")
    if loss.size != 1:
        raise ValueError(f"{who}: loss must be a single number, got shape {loss.shape}; "
                         "take its .sum() or .mean() first")
    if not loss.requires_grad:
        raise ValueError(f"{who}: the loss does not require grad, so it has no graph to walk "
                         "(was it computed under no_grad, or from data only?)")
    if isinstance(states, Tensor):
        raise TypeError(f"{who}: states must be a list of tensors h_1 … h_T, got one {describe(states)}; "
                        "keep each step's h in a list as the recurrence makes it")
    states = list(states)
    if not states:
        raise ValueError(f"{who}: states is empty; pass the hidden states h_1 … h_T")
    for t, h in enumerate(states, 1):
        if not isinstance(h, Tensor):
            raise TypeError(f"{who}: state h_{t} is a {type(h).__name__}, not a Tensor")
    below = {id(t) for t in forward_order(loss) if t.requires_grad}
    missing = [t for t, h in enumerate(states, 1) if id(h) not in below]
    if missing:
        raise ValueError(f"{who}: the loss does not depend on {_steps(missing)} of {len(states)} "
                         f"({describe(states[missing[0] - 1])}): {'it is' if len(missing) == 1 else 'they are'} "
                         "not in the graph below the loss. Pass the h_t the recurrence computed the "
                         "loss from (collected inside the loop), not a copy, a detached tensor or a "
                         "slice of the output taken after the forward pass")
    grads = grad(loss, states)
    return np.array([float(np.sqrt(np.sum(np.square(g.data, dtype=np.float64)))) for g in grads])


def _steps(ts: list) -> str:
    shown = ", ".join(f"h_{t}" for t in ts[:5]) + (", …" if len(ts) > 5 else "")
    return f"state {shown}" if len(ts) == 1 else f"states {shown}"


def decay(norms) -> float:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: how much of the gradient at the last step reaches the first."""
    norms = np.asarray(norms, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(norms[0] / norms[-1])


def curves_over_time_table(curves: dict) -> str:
    labels = list(curves)
    n = max(len(v) for v in curves.values())
    rows = [[str(t + 1)] + [f"{curves[k][t]:.3e}" if t < len(curves[k]) else "" for k in labels]
            for t in range(n)]
    rows.append(["h_1/h_T"] + [f"{decay(curves[k]):.1e}" for k in labels])
    return text_table(["t"] + labels, rows)


def plot_gradient_through_time(curves: dict, path=None,
                               title: str = "How much of the loss's gradient reaches step t",
                               ylabel: str = "‖∂L/∂h_t‖ (log scale)"):
    """Draw {label: ‖∂L/∂h_t‖ for t = 1 … T} against t on a log scale; each legend entry says
    the curve's h_1/h_T ratio. PNG, SVG or PDF by the path's suffix; without a path the Figure
    is returned (and shown inline in Jupyter). Without matplotlib, prints the table."""
    who = "plot_gradient_through_time"
    check_path(path, who)
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"{who}: curves must be a non-empty dict {{label: array of ‖∂L/∂h_t‖}}, "
                         f"got {type(curves).__name__}")
    arrays = {}
    for label, norms in curves.items():
        a = np.asarray(norms, dtype=np.float64)
        if a.ndim != 1 or a.size == 0:
            raise ValueError(f"{who}: curve {label!r} must be a 1-D array of norms, got shape {a.shape}")
        arrays[label] = a
    plt = pyplot()
    if plt is None:
        print(curves_over_time_table(arrays))
        print(f"({CHARTS_HINT})")
        return None
    fig, ax = plt.subplots(figsize=(9, 5))
    for i, (label, a) in enumerate(arrays.items()):
        shown = np.where(a > 0, a, np.nan)  # a zero has no place on a log axis
        ax.plot(np.arange(1, a.size + 1), shown, color=plt.get_cmap("tab10")(i % 10), lw=2,
                marker="o" if a.size <= 40 else None, ms=3,
                label=f"{label}   (h₁ / h_T = {decay(a):.0e})")
    ax.set_yscale("log")
    ax.set_xlabel("time step t (the loss is computed after the last step T)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9)
    return finished(fig, path)
