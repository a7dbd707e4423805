"""Adam (Kingma & Ba), with PyTorch's bias corrections and L2 weight decay, and AdamW
(Loshchilov & Hutter), whose weight decay shrinks the parameter instead of entering m and v."""
from __future__ import annotations

import math

import numpy as np

from .optimizer import Optimizer


class Adam(Optimizer):
    """PyTorch's rule, step for step (g = grad, t = step count):

        g ← g + λ p                          (weight_decay λ)
        m ← β₁ m + (1 − β₁) g                 v ← β₂ v + (1 − β₂) g²
        m̂ ← m / (1 − β₁ᵗ)                     v̂ ← v / (1 − β₂ᵗ)
        p ← p − lr · m̂ / (√v̂ + ε)
    """

    decoupled = False  # AdamW: p ← (1 − lr λ) p first, and g is left alone

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay})

    def check_group(self, group: dict) -> None:
        lr, eps, weight_decay, betas = group["lr"], group["eps"], group["weight_decay"], group["betas"]
        if lr < 0 or eps < 0 or weight_decay < 0:
            raise ValueError(f"{type(self).__name__}: lr, eps and weight_decay must be >= 0, got lr={lr}, "
                             f"eps={eps}, weight_decay={weight_decay}")
        if len(betas) != 2 or not all(0 <= b < 1 for b in betas):
            raise ValueError(f"{type(self).__name__}: betas must be two numbers in [0, 1), got {betas}")

    def update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        if group["weight_decay"] and self.decoupled:
            p *= 1 - lr * group["weight_decay"]
        elif group["weight_decay"]:
            g = g + group["weight_decay"] * p
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        # m, v in place: a copy (m[...] = β₁ m + (1 − β₁) g) made an Adam MLP step 4–18% slower
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        p -= lr / (1 - beta1 ** t) * m / (np.sqrt(v) / math.sqrt(1 - beta2 ** t) + eps)  # PyTorch's order


class AdamW(Adam):
    """PyTorch's AdamW, step for step: p ← (1 − lr λ) p, then Adam's step without weight decay."""

    decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.01):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
