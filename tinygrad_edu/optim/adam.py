"""Adam (Kingma & Ba), with PyTorch's bias corrections and L2 weight decay."""
from __future__ import annotations

import math

import numpy as np

from .optimizer import Optimizer


class Adam(Optimizer):
    """PyTorch's rule, step for step (g = grad, t = step count):

        g ← g + λ p                          (weight_decay λ)
        m ← β₁ m + (1 − β₁) g                 v ← β₂ v + (1 − β₂) g²
        p ← p − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay))

    def check_group(self, group: dict) -> None:
        lr, eps, weight_decay, betas = group["lr"], group["eps"], group["weight_decay"], group["betas"]
        if lr < 0 or eps < 0 or weight_decay < 0:
            raise ValueError(f"{type(self).__name__}: lr, eps and weight_decay must be >= 0, got lr={lr}, "
                             f"eps={eps}, weight_decay={weight_decay}")
        if len(betas) != 2 or not all(0 <= b < 1 for b in betas):
            raise ValueError(f"{type(self).__name__}: betas must be two numbers in [0, 1), got {betas}")

    def update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if "exp_avg" not in state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        m, v, s = state["exp_avg"], state["exp_avg_sq"], self.scratch(state, p)
        if weight_decay:
            decayed = np.multiply(p, weight_decay, out=self.scratch(state, p, "scratch_grad"))
            g = np.add(decayed, g, out=decayed)
        state["step"] += 1
        t = state["step"]
        # m ← m + (1 − β₁)(g − m), PyTorch's lerp form of β₁ m + (1 − β₁) g
        np.subtract(g, m, out=s)
        s *= 1 - beta1
        m += s
        # v ← β₂ v + (1 − β₂) g²
        np.multiply(g, g, out=s)
        s *= 1 - beta2
        v *= beta2
        v += s
        step_size = lr / (1 - beta1 ** t)
        np.sqrt(v, out=s)
        s /= math.sqrt(1 - beta2 ** t)
        s += eps
        np.divide(m, s, out=s)
        s *= step_size
        p -= s
