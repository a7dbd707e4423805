"""Stochastic gradient descent, with PyTorch's momentum, dampening, Nesterov and weight decay."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, subtract_scaled


class SGD(Optimizer):
    """PyTorch's rule, step for step (g = grad):

        g ← g + λ p                                  (weight_decay λ)
        b ← g on the first step, else μ b + (1 − τ) g (momentum μ, dampening τ)
        g ← g + μ b if nesterov else b
        p ← p − lr g
    """

    def __init__(self, params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False):
        super().__init__(params, {"lr": lr, "momentum": momentum, "weight_decay": weight_decay,
                                      "dampening": dampening, "nesterov": nesterov})

    def check_group(self, group: dict) -> None:
        lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError(f"SGD: lr, momentum and weight_decay must be >= 0, got lr={lr}, "
                             f"momentum={momentum}, weight_decay={weight_decay}")
        if group["nesterov"] and (momentum <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov momentum requires momentum > 0 and dampening = 0")

    def update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        if momentum:
            b = state.get("momentum_buffer")
            if b is None:
                b = state["momentum_buffer"] = g.copy()
            else:  # b ← μ b + (1 − τ) g, in place as Adam's m and v
                b *= momentum
                b += (1 - dampening) * g
            g = g + momentum * b if group["nesterov"] else b
        subtract_scaled(p, lr, g)
