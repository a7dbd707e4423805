"""Stochastic gradient descent, with PyTorch's momentum, dampening, Nesterov and weight decay."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer


class SGD(Optimizer):
    """PyTorch's rule, step for step (g = grad):

        g ← g + λ p                                  (weight_decay λ)
        b ← g on the first step, else μ b + (1 − τ) g (momentum μ, dampening τ)
        g ← g + μ b if nesterov else b
        p ← p − lr g
    """

    def __init__(self, params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay,
                                      dampening=dampening, nesterov=nesterov))

    def check_group(self, group: dict) -> None:
        lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError(f"SGD: lr, momentum and weight_decay must be >= 0, got lr={lr}, "
                             f"momentum={momentum}, weight_decay={weight_decay}")
        if group["nesterov"] and (momentum <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov momentum requires momentum > 0 and dampening = 0")

    def update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
        dampening, nesterov = group["dampening"], group["nesterov"]
        scratch = self.scratch(state, p)
        if weight_decay:
            np.multiply(p, weight_decay, out=scratch)
            g = np.add(scratch, g, out=scratch)
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= momentum
                buf += g if not dampening else (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        np.multiply(g, lr, out=scratch)
        p -= scratch
