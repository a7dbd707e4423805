"""RMSprop (Hinton's lecture 6e), with PyTorch's momentum, centring and weight decay."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer


class RMSprop(Optimizer):
    """PyTorch's rule, step for step (g = grad):

        g ← g + λ p                                  (weight_decay λ)
        v ← α v + (1 − α) g²                         (alpha α)
        d ← √(v − ḡ²) + ε  with ḡ ← α ḡ + (1 − α) g  if centered, else  d ← √v + ε
        b ← μ b + g / d,  p ← p − lr b               if momentum μ > 0, else  p ← p − lr g / d
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                                  "momentum": momentum, "centered": centered})

    def check_group(self, group: dict) -> None:
        values = {k: group[k] for k in ("lr", "alpha", "eps", "weight_decay", "momentum")}
        if any(v < 0 for v in values.values()):
            raise ValueError("RMSprop: lr, alpha, eps, weight_decay and momentum must be >= 0, got "
                             + ", ".join(f"{k}={v}" for k, v in values.items()))

    def update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p))
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            g_avg = state["grad_avg"]
            g_avg += (1 - alpha) * (g - g_avg)  # PyTorch's lerp form of α ḡ + (1 − α) g
            d = np.sqrt(v - g_avg * g_avg) + eps
        else:
            d = np.sqrt(v) + eps
        if momentum > 0:
            b = state["momentum_buffer"]
            b *= momentum
            b += g / d
            p -= lr * b
        else:
            p -= lr * (g / d)
