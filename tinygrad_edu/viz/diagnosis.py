"""What TrainingMonitor.diagnose() says: each rule reads the recorded history and names a
problem in a sentence with its numbers and the usual fix (the checks of Karpathy's makemore
lecture on activations and gradients, and two classics: a loss that is not finite, a
gradient that explodes)."""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

DEFAULT_THRESHOLDS = {
    "overconfident_init": 2.0,   # first loss > 2 × ln C
    "saturated": 0.2,            # mean saturated fraction of a tanh/sigmoid module
    "dead_units": 0.5,           # dead fraction of a ReLU-like module on the last step
    "update_ratio_high": -1.0,   # median log10(std Δp / std p) of a weight
    "update_ratio_low": -5.0,
    "exploding_gradient": 100.0,  # a gradient's std over the median of the steps before it
}


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str | None
    step: int | None
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


def diagnose(history: list, activations: dict, weights: set, num_classes, thresholds: dict,
             labels: dict) -> list:
    """Findings in the order: loss, init, activations, weights. `activations` maps a module
    name to its kind ('tanh', 'sigmoid', 'relu'), `weights` the names of parameters with ≥ 2
    dimensions, `labels` the names a person reads (`layer 1 Tanh`)."""
    if not history:
        return []
    findings = _loss_not_finite(history) + _overconfident(history, num_classes, thresholds)
    for name, kind in activations.items():
        label = labels.get(name, name)
        if kind in ("tanh", "sigmoid"):
            findings += _saturated(history, name, label, kind, thresholds["saturated"])
        elif kind == "relu":
            findings += _dead(history, name, label, thresholds["dead_units"])
    names = list(history[-1]["parameters"])
    for name in names:
        findings += _exploding(history, name, thresholds["exploding_gradient"])
    for name in (n for n in names if n in weights):
        findings += _update_ratio(history, name, thresholds)
    return findings


def _loss_not_finite(history):
    for entry in history:
        if not math.isfinite(entry["loss"]):
            return [Finding("loss_not_finite", None, entry["step"],
                            f"The loss is {entry['loss']} at step {entry['step']}: training has diverged "
                            "(every later step computes with it). Lower the learning rate, clip the "
                            "gradients (nn.utils.clip_grad_norm_), and look for log(0) or a division by "
                            "zero — F.cross_entropy on logits is stable where log(softmax(x)) is not.")]
    return []


def _overconfident(history, num_classes, thresholds):
    first = history[0]
    if not num_classes or num_classes < 2 or not math.isfinite(first["loss"]):
        return []
    uniform = math.log(num_classes)
    factor = thresholds["overconfident_init"]
    if first["loss"] <= factor * uniform:
        return []
    return [Finding("overconfident_init", None, first["step"],
                    f"The first loss is {first['loss']:.3g}, more than {factor:g} × ln {num_classes} = "
                    f"{factor * uniform:.3g}; a network that knows nothing yet should guess all "
                    f"{num_classes} classes alike and score −ln(1/{num_classes}) = {uniform:.3g}. Its output "
                    "layer is confidently wrong at initialisation, and the first steps are spent "
                    "undoing that. Scale the last layer's weights down (× 0.01) and set its bias to 0.")]


def _values(history, group, name, key):
    return np.array([e[group][name][key] if name in e[group] and e[group][name][key] is not None
                     else np.nan for e in history], dtype=np.float64)


def _saturated(history, name, label, kind, threshold):
    shares = _values(history, "activations", name, "saturated")
    if np.all(np.isnan(shares)):
        return []
    mean = float(np.nanmean(shares))
    if mean <= threshold:
        return []
    limit = "|a| > 0.97" if kind == "tanh" else "a < 0.03 or a > 0.97"
    slope = "tanh′ = 1 − a² < 0.06" if kind == "tanh" else "σ′ = σ(1 − σ) < 0.03"
    return [Finding("saturated", name, history[-1]["step"],
                    f"{label}: {mean:.0%} of its outputs are saturated ({limit}) on average over "
                    f"{len(shares)} recorded steps (threshold {threshold:.0%}). There {slope}, so almost "
                    "no gradient flows back through them and the layers below learn slowly. Its "
                    "inputs are too large: scale the weights before it by gain/√fan_in "
                    "(nn.init.kaiming_normal_ or × (5/3)/√fan_in for tanh), or put a batch norm "
                    "before the activation.")]


def _dead(history, name, label, threshold):
    last = history[-1]
    stats = last["activations"].get(name)
    if stats is None or stats["dead"] is None or not stats["dead"] > threshold:
        return []
    return [Finding("dead_units", name, last["step"],
                    f"{label}: {stats['dead']:.0%} of its units output ≤ 0 for every example of the "
                    f"batch at step {last['step']} (threshold {threshold:.0%}). A dead ReLU passes no "
                    "gradient, so it never recovers. Lower the learning rate, initialise with "
                    "nn.init.kaiming_normal_ (√(2/fan_in)), or use LeakyReLU.")]


def _exploding(history, name, threshold):
    for entry in history:
        g = entry["parameters"].get(name, {}).get("grad_std")
        if g is not None and not math.isfinite(g):
            return [Finding("exploding_gradient", name, entry["step"],
                            f"{name}: its gradient is not finite at step {entry['step']} ({g}). Lower the "
                            "learning rate and clip the gradient norm (nn.utils.clip_grad_norm_).")]
    growth, j, typical = _largest_jump(_values(history, "parameters", name, "grad_std"))
    if not growth > threshold:
        return []
    return [Finding("exploding_gradient", name, history[j]["step"],
                    f"{name}: the std of its gradient jumped to {growth:.0f}× its typical size of the "
                    f"steps before ({typical:.2e} → {growth * typical:.2e} at step {history[j]['step']}; "
                    f"threshold {threshold:g}×). Lower the learning rate or clip the gradient norm "
                    "(nn.utils.clip_grad_norm_).")]


def _largest_jump(stds: np.ndarray):
    """(growth, index, typical): the largest ratio of a step's gradient std to the median of
    the recorded steps before it (at least 3 of them). A median, not the minimum, so that a
    gradient that starts small on purpose (an output layer scaled by 0.01) and grows to its
    working size over many steps is not an explosion."""
    seen, best = [], (0.0, 0, float("nan"))
    for j, s in enumerate(stds):
        if not s > 0:
            continue
        if len(seen) >= 3:
            typical = seen[len(seen) // 2]
            if s / typical > best[0]:
                best = (s / typical, j, typical)
        bisect.insort(seen, float(s))
    return best


def _update_ratio(history, name, thresholds):
    ratios = _values(history, "parameters", name, "update_ratio")
    ratios = ratios[~np.isnan(ratios)]
    if ratios.size == 0:
        return []
    median = float(np.median(ratios))
    high, low = thresholds["update_ratio_high"], thresholds["update_ratio_low"]
    if median > high:
        return [Finding("update_ratio_high", name, history[-1]["step"],
                        f"{name}: the median update-to-data ratio log10(std Δp / std p) is {median:.2f} "
                        f"(threshold {high:g}; about −3 is healthy): each step changes these weights by "
                        f"{10 ** median:.0%} of their size, so training jumps around. Lower the learning rate.")]
    if median < low:
        return [Finding("update_ratio_low", name, history[-1]["step"],
                        f"{name}: the median update-to-data ratio log10(std Δp / std p) is {median:.2f} "
                        f"(threshold {low:g}; about −3 is healthy): these weights barely move. Raise the "
                        "learning rate, or look for a vanishing gradient below this layer.")]
    return []
