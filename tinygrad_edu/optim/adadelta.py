"""Adadelta (Zeiler 2012), the optimizer of PyTorch's MNIST example, with PyTorch's weight decay."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer


class Adadelta(Optimizer):
    """PyTorch's rule, step for step (g = grad):

        g ← g + λ p                                   (weight_decay λ)
        v ← ρ v + (1 − ρ) g²                          (the mean square of the gradients)
        Δ ← √(u + ε) / √(v + ε) · g                   (u: the mean square of the updates)
        u ← ρ u + (1 − ρ) Δ²
        p ← p − lr Δ
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0.0):
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay})

    def check_group(self, group: dict) -> None:
        lr, rho, eps, weight_decay = group["lr"], group["rho"], group["eps"], group["weight_decay"]
        if lr < 0 or eps < 0 or weight_decay < 0 or not 0 <= rho <= 1:
            raise ValueError(f"Adadelta: lr, eps and weight_decay must be >= 0 and rho in [0, 1], got "
                             f"lr={lr}, rho={rho}, eps={eps}, weight_decay={weight_decay}")

    def update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p), acc_delta=np.zeros_like(p))
        state["step"] += 1
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        p -= lr * delta
